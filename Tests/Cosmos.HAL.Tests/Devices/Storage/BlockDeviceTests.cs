using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>A RAM disk that records the requests it gets.</summary>
    internal sealed class RecordingDisk : BlockDevice
    {
        public readonly byte[] Data;
        public readonly List<string> Requests = new();
        public bool ReadOnly;

        public RecordingDisk(ulong blockSize, ulong blocks) : base("recording disk")
        {
            BlockSize = blockSize;
            BlockCount = blocks;
            Data = new byte[blockSize * blocks];
        }

        public override BlockDeviceType Type => BlockDeviceType.HardDrive;
        public override bool IsReadOnly => ReadOnly;

        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer)
        {
            Requests.Add($"read {lba} {count}");
            Data.AsSpan((int)(lba * BlockSize), (int)(count * BlockSize)).CopyTo(buffer);
        }

        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data)
        {
            Requests.Add($"write {lba} {count}");
            data.CopyTo(Data.AsSpan((int)(lba * BlockSize)));
        }

        protected override void FlushCache() => Requests.Add("flush");
    }

    /// <summary><see cref="BlockDevice"/>: argument checks before the driver runs, one request per call, the Cosmos-style array API.</summary>
    public class BlockDeviceTests
    {
        private static RecordingDisk Started(ulong blockSize = 512, ulong blocks = 100)
        {
            var d = new RecordingDisk(blockSize, blocks);
            Assert.True(d.Start());
            return d;
        }

        [Fact]
        public void ManyBlocksAreOneRequest()
        {
            var d = Started();
            for (int i = 0; i < d.Data.Length; i++) d.Data[i] = (byte)(i / 512);
            var buf = new byte[300 * 512 / 10];   // 30 blocks
            d.Read(7, buf);
            Assert.Equal(new[] { "read 7 30" }, d.Requests);
            Assert.Equal(7, buf[0]);
            Assert.Equal(36, buf[^1]);
        }

        [Fact]
        public void CosmosArrayApiReadsAndWritesTheStartOfTheArray()
        {
            var d = Started();
            byte[] a = d.NewBlockArray(3);
            Assert.Equal(1536, a.Length);
            a.AsSpan().Fill(0xAB);
            d.WriteBlock(10, 2, ref a);
            Assert.Equal(0xAB, d.Data[10 * 512]);
            Assert.Equal(0, d.Data[12 * 512]);
            var b = new byte[4096];
            d.ReadBlock(10, 2, ref b);
            Assert.Equal(0xAB, b[1023]);
            Assert.Equal(0, b[1024]);
            Assert.Equal(new[] { "write 10 2", "read 10 2" }, d.Requests);
        }

        [Fact]
        public void BadArgumentsThrowBeforeTheDriverRuns()
        {
            var d = Started(blocks: 10);
            Assert.Throws<ArgumentOutOfRangeException>(() => d.Read(10, new byte[512]));
            Assert.Throws<ArgumentOutOfRangeException>(() => d.Read(9, new byte[1024]));
            Assert.Throws<ArgumentOutOfRangeException>(() => d.Read(ulong.MaxValue, new byte[512]));
            Assert.Throws<ArgumentException>(() => d.Read(0, new byte[100]));
            Assert.Throws<ArgumentException>(() => d.Read(0, Span<byte>.Empty));
            var small = new byte[512];
            Assert.Throws<ArgumentException>(() => d.ReadBlock(0, 2, ref small));
            byte[] none = null;
            Assert.Throws<ArgumentNullException>(() => d.WriteBlock(0, 1, ref none));
            Assert.Empty(d.Requests);
        }

        [Fact]
        public void ReadOnlyAndNotStartedDevicesRefuse()
        {
            var d = new RecordingDisk(2048, 4);
            Assert.Throws<InvalidOperationException>(() => d.Read(0, new byte[2048]));
            Assert.Throws<InvalidOperationException>(() => d.Flush());
            Assert.True(d.Start());
            d.ReadOnly = true;
            Assert.Throws<InvalidOperationException>(() => d.Write(0, new byte[2048]));
            d.Flush();
            Assert.Equal(new[] { "flush" }, d.Requests);
            Assert.Equal(8192UL, d.SizeInBytes);
            Assert.Equal(DeviceClass.Storage, d.Class);
        }
    }
}
