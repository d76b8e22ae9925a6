using System;
using Cosmos.HAL.Devices.Storage;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Storage
{
    /// <summary><see cref="AtaChannel.BuildPrdTable"/>: Bus Master IDE PRD entries (64 KiB limit and boundary, EOT).</summary>
    public class PrdTableTests
    {
        [Fact]
        public void SplitsAt64KiBBoundariesAndMarksTheLastEntry()
        {
            var t = new uint[16];
            int n = AtaChannel.BuildPrdTable(0x1_F000, 0x2_2000, t);   // 4 KiB to the boundary, 128 KiB, 4 KiB
            Assert.Equal(4, n);
            Assert.Equal(0x1_F000u, t[0]); Assert.Equal(0x1000u, t[1]);
            Assert.Equal(0x2_0000u, t[2]); Assert.Equal(0u, t[3]);        // 0 = 64 KiB
            Assert.Equal(0x3_0000u, t[4]); Assert.Equal(0u, t[5]);
            Assert.Equal(0x4_0000u, t[6]); Assert.Equal(0x8000_1000u, t[7]);
        }

        [Fact]
        public void SingleSectorAndLargestTransfer()
        {
            var t = new uint[1024];
            Assert.Equal(1, AtaChannel.BuildPrdTable(0x10_0010, 512, t));
            Assert.Equal(0x8000_0200u, t[1]);
            int n = AtaChannel.BuildPrdTable(0x10_0010, AtaChannel.MaxDmaSectors * 512u, t);
            Assert.Equal(257, n);                                      // unaligned start: one extra entry
            uint total = 0;
            for (int i = 0; i < n; i++) total += (t[2 * i + 1] & 0xFFFF) == 0 ? 0x10000u : t[2 * i + 1] & 0xFFFF;
            Assert.Equal(AtaChannel.MaxDmaSectors * 512u, total);
        }

        [Fact]
        public void RefusesWhatTheBusMasterCannotDo()
        {
            var t = new uint[8];
            Assert.Equal(0, AtaChannel.BuildPrdTable(0x1001, 512, t));            // odd address
            Assert.Equal(0, AtaChannel.BuildPrdTable(0xFFFF_FF00, 512, t));       // crosses 4 GiB
            Assert.Equal(0, AtaChannel.BuildPrdTable(0x1000, 0, t));
            Assert.Equal(0, AtaChannel.BuildPrdTable(0x0, 5 * 0x10000, t));       // 5 entries, room for 4
        }
    }
}
