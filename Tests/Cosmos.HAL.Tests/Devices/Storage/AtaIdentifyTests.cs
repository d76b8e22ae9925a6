using System;
using Cosmos.HAL.Devices.Storage;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Storage
{
    /// <summary><see cref="AtaIdentify"/> on IDENTIFY data laid out as ACS-3 Table 45 describes, and <see cref="AtaCommand.DescribeError"/>.</summary>
    public class AtaIdentifyTests
    {
        private static void PutString(ushort[] w, int first, int words, string s)
        {
            s = s.PadRight(words * 2);
            for (int i = 0; i < words; i++) w[first + i] = (ushort)(s[2 * i] << 8 | s[2 * i + 1]);
        }

        private static ushort[] Disk(ulong sectors, bool lba48)
        {
            var w = new ushort[256];
            w[0] = 0x0040;
            PutString(w, 10, 10, "QM00001");
            PutString(w, 23, 4, "2.5+");
            PutString(w, 27, 20, "QEMU HARDDISK");
            w[49] = 1 << 9 | 1 << 8;
            uint s28 = (uint)Math.Min(sectors, 0x0FFFFFFFUL);
            w[60] = (ushort)s28; w[61] = (ushort)(s28 >> 16);
            w[83] = (ushort)(0x4000 | (lba48 ? 1 << 10 | 1 << 13 : 0) | 1 << 12);
            if (lba48) { w[100] = (ushort)sectors; w[101] = (ushort)(sectors >> 16); w[102] = (ushort)(sectors >> 32); w[103] = (ushort)(sectors >> 48); }
            return w;
        }

        [Fact]
        public void DecodesStringsWithSwappedBytesAndTrims()
        {
            var id = new AtaIdentify(Disk(131072, true));
            Assert.Equal("QEMU HARDDISK", id.ModelNumber);
            Assert.Equal("QM00001", id.SerialNumber);
            Assert.Equal("2.5+", id.FirmwareRevision);
            Assert.True(id.IsAta);
            Assert.False(id.IsAtapi);
        }

        [Fact]
        public void SectorCountsAndFeatureBits()
        {
            var big = new AtaIdentify(Disk(272629760, true));
            Assert.True(big.SupportsLba48);
            Assert.Equal(0x0FFFFFFFu, big.Lba28Sectors);
            Assert.Equal(272629760UL, big.Sectors);
            Assert.True(big.SupportsFlushCacheExt);
            Assert.Equal(512u, big.LogicalSectorSize);
            var old = new AtaIdentify(Disk(100000, false));
            Assert.False(old.SupportsLba48);
            Assert.Equal(100000UL, old.Sectors);
            var w = Disk(1000, true);
            w[83] = 1 << 10;                      // bits 15-14 not 01b: the word is not valid
            Assert.False(new AtaIdentify(w).SupportsLba48);
        }

        [Fact]
        public void LogicalSectorSizeFromWords117And118WhenWord106SaysSo()
        {
            var w = Disk(1000, true);
            w[106] = 0x4000 | 1 << 12;
            w[117] = 2048; w[118] = 0;            // 2048 words = 4096 bytes
            Assert.Equal(4096u, new AtaIdentify(w).LogicalSectorSize);
        }

        [Fact]
        public void PacketDeviceWord0()
        {
            var w = new ushort[256];
            w[0] = 0x85C0;                        // ATAPI, type 05h (CD/DVD), removable, 12-byte packets
            var id = new AtaIdentify(w);
            Assert.True(id.IsAtapi);
            Assert.False(id.IsAta);
            Assert.Equal(5, id.PacketDeviceType);
            Assert.Equal(12, id.PacketSize);
        }

        [Fact]
        public void BytesAreLittleEndianWords()
        {
            var bytes = new byte[512];
            bytes[120] = 0x34; bytes[121] = 0x12;  // word 60
            Assert.Equal(0x1234u, new AtaIdentify(bytes).Lba28Sectors);
            Assert.Throws<ArgumentException>(() => new AtaIdentify(new byte[511]));
        }

        [Fact]
        public void ErrorBitsInWords()
        {
            Assert.Equal("ABRT (command aborted)", AtaCommand.DescribeError(0x04, false));
            Assert.Equal("UNC (uncorrectable data) IDNF (address not found)", AtaCommand.DescribeError(0x50, false));
            Assert.Equal("sense key 0x6", AtaCommand.DescribeError(0x60, true));
            Assert.Equal("READ SECTORS EXT", AtaCommand.Name(AtaCommand.ReadSectorsExt));
        }
    }
}
