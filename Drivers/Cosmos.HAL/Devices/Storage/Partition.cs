using System;

namespace Cosmos.HAL.BlockDevice
{
    /// <summary>
    /// A run of blocks of a host <see cref="BlockDevice"/> seen as a device of its own (Cosmos API name and shape):
    /// block 0 of the partition is block <see cref="StartingSector"/> of <see cref="Host"/>. Requests are checked
    /// against the partition's size before they reach the host. Partitions are views, not hardware: they are started
    /// when created and not registered in the <see cref="DeviceRegistry"/> (so <see cref="BlockDevice.Devices"/> lists
    /// disks only).
    /// </summary>
    public class Partition : BlockDevice
    {
        /// <summary>The device this partition is part of.</summary>
        public readonly BlockDevice Host;

        /// <summary>First block of the partition on <see cref="Host"/>.</summary>
        public readonly ulong StartingSector;

        /// <summary>
        /// A partition of <paramref name="aHost"/> (started) from block <paramref name="StartingSector"/> for
        /// <paramref name="SectorCount"/> blocks.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="aHost"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The blocks are not all inside the host.</exception>
        public Partition(BlockDevice aHost, ulong StartingSector, ulong SectorCount)
            : base((aHost ?? throw new ArgumentNullException(nameof(aHost))).Name + " partition @" + StartingSector.ToString(), DeviceStage.OnDemand, 0, aHost)
        {
            if (StartingSector > aHost.BlockCount || SectorCount > aHost.BlockCount - StartingSector)
                throw new ArgumentOutOfRangeException(nameof(SectorCount), string.Concat("blocks ", StartingSector.ToString(), "+", SectorCount.ToString(),
                    " pass the end of ", aHost.Name, " (", aHost.BlockCount.ToString(), " blocks)"));
            Host = aHost;
            this.StartingSector = StartingSector;
            BlockSize = aHost.BlockSize;
            BlockCount = SectorCount;
            Start();
        }

        /// <inheritdoc/>
        public override BlockDeviceType Type => Host.Type;

        /// <inheritdoc/>
        public override bool IsReadOnly => Host.IsReadOnly;

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            error = null;
            return true;
        }

        /// <inheritdoc/>
        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer) => Host.Read(StartingSector + lba, buffer);

        /// <inheritdoc/>
        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data) => Host.Write(StartingSector + lba, data);

        /// <inheritdoc/>
        protected override void FlushCache() => Host.Flush();

        /// <inheritdoc/>
        public override string ToString() => "Partition";
    }

    /// <summary>
    /// A block device in RAM (512-byte blocks): a scratch disk that vanishes at reset, and what test kernels format
    /// and mount when they need a disk without attaching one. <see cref="Create"/> registers and starts it, so
    /// <see cref="BlockDevice.Devices"/> and Cosmos's VFS see it like any disk.
    /// </summary>
    public sealed class RamDisk : BlockDevice
    {
        private readonly byte[] _data;

        private RamDisk(string name, byte[] data) : base(name)
        {
            _data = data;
        }

        /// <summary>Creates, registers and starts a zero-filled RAM disk of <paramref name="sizeInBytes"/> bytes (a positive multiple of 512).</summary>
        /// <exception cref="ArgumentOutOfRangeException">The size is not a positive multiple of 512.</exception>
        public static RamDisk Create(long sizeInBytes, string name = "RAM disk")
        {
            if (sizeInBytes <= 0 || sizeInBytes % 512 != 0 || sizeInBytes > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(sizeInBytes), sizeInBytes, "a RAM disk is a positive multiple of 512 bytes below 2 GiB");
            var disk = new RamDisk(name, new byte[sizeInBytes]);
            DeviceRegistry.Register(disk);
            disk.Start();
            return disk;
        }

        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.HardDrive;

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            BlockSize = 512;
            BlockCount = (ulong)_data.Length / 512;
            error = null;
            return true;
        }

        /// <inheritdoc/>
        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer) => _data.AsSpan((int)(lba * 512), buffer.Length).CopyTo(buffer);

        /// <inheritdoc/>
        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data) => data.CopyTo(_data.AsSpan((int)(lba * 512)));

        /// <inheritdoc/>
        protected override void FlushCache() { }
    }
}
