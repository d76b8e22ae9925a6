using System;
using Cosmos.FileSystem;
using HalDevice = Cosmos.HAL.BlockDevice.BlockDevice;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// A HAL block device (a disk, a partition, a CD) as the pure storage library sees it (<see cref="IBlockDevice"/>):
    /// the HAL knows nothing of file systems and the file systems nothing of the HAL; this adapter joins them.
    /// </summary>
    public sealed class HalBlockDevice : IBlockDevice
    {
        /// <summary>Wraps <paramref name="device"/> (started).</summary>
        public HalBlockDevice(HalDevice device)
        {
            Device = device ?? throw new ArgumentNullException(nameof(device));
        }

        /// <summary>The wrapped device.</summary>
        public HalDevice Device { get; }

        /// <inheritdoc/>
        public int SectorSize => (int)Device.BlockSize;

        /// <inheritdoc/>
        public ulong SectorCount => Device.BlockCount;

        /// <inheritdoc/>
        public bool IsReadOnly => Device.IsReadOnly;

        /// <inheritdoc/>
        public void Read(ulong lba, Span<byte> buffer) => Device.Read(lba, buffer);

        /// <inheritdoc/>
        public void Write(ulong lba, ReadOnlySpan<byte> buffer)
        {
            if (Device.IsReadOnly) throw new UnauthorizedAccessException(Device.Name + " is read-only");
            Device.Write(lba, buffer);
        }

        /// <inheritdoc/>
        public void Flush() => Device.Flush();
    }
}
