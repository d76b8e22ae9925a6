using System;
using System.IO;

namespace Cosmos.HAL.BlockDevice
{
    /// <summary>What kind of medium a <see cref="BlockDevice"/> is (Cosmos API name and members).</summary>
    public enum BlockDeviceType
    {
        /// <summary>A fixed disk (ATA, SATA, virtio-blk).</summary>
        HardDrive,
        /// <summary>An optical drive (ATAPI, SATAPI): 2048-byte blocks, read-only.</summary>
        RemovableCD,
        /// <summary>Removable media other than optical (USB sticks, floppies).</summary>
        Removable,
    }

    /// <summary>Requests of one kind that reached a driver through <see cref="BlockDevice"/>: how many, how many blocks, and the time spent in the driver (the caller's thread, sleeping included) in <see cref="System.Diagnostics.Stopwatch"/> ticks (nanoseconds in the kernel, from the TSC).</summary>
    public struct BlockDeviceStatistics
    {
        /// <summary>Requests (one per <c>Read</c>/<c>Write</c>/<c>Flush</c> call, however many commands the driver needed).</summary>
        public ulong Requests;
        /// <summary>Blocks moved.</summary>
        public ulong Blocks;
        /// <summary>Stopwatch ticks (<see cref="System.Diagnostics.Stopwatch.Frequency"/> per second) from the driver's entry to its return.</summary>
        public ulong Ticks;

        internal void Add(ulong blocks, ulong ticks) { Requests++; Blocks += blocks; Ticks += ticks; }
    }

    /// <summary>
    /// A device addressed in fixed-size blocks (Cosmos API name and namespace <c>Cosmos.HAL.BlockDevice.BlockDevice</c>):
    /// disks, optical drives, later partitions of them. <see cref="BlockSize"/> bytes per block (512 for ATA disks, 2048
    /// for ATAPI), <see cref="BlockCount"/> blocks numbered 0..BlockCount−1 (the LBA).
    /// <para>
    /// Two ways in: the Cosmos-style <see cref="ReadBlock"/>/<see cref="WriteBlock"/> on <c>byte[]</c>, and the span
    /// methods <see cref="Read"/>/<see cref="Write"/>, whose length gives the number of blocks. Either way a request for
    /// many blocks reaches the driver as one request (<see cref="ReadBlocks"/>), which issues as few commands as the
    /// hardware allows (an ATA LBA48 command moves up to 65,536 sectors). Argument mistakes throw
    /// <see cref="ArgumentException"/>/<see cref="ArgumentOutOfRangeException"/> before any hardware is touched;
    /// device errors and timeouts throw <see cref="IOException"/> naming the device and the LBA.
    /// </para>
    /// Every instance is registered in <see cref="DeviceRegistry"/> (with class <see cref="DeviceClass.Storage"/>);
    /// <see cref="Devices"/> is a live view over it, as Cosmos' <c>BlockDevice.Devices</c> list is.
    /// This layer knows nothing about file systems (Cosmos.System adapts it to <c>Cosmos.FileSystem.IBlockDevice</c>).
    /// </summary>
    public abstract class BlockDevice : Device
    {
        /// <summary>Creates a block device (not started); see <see cref="Device"/> for the arguments.</summary>
        protected BlockDevice(string name, DeviceStage stage = DeviceStage.OnDemand, int startOrder = 0, Device parent = null)
            : base(name, DeviceClass.Storage, stage, startOrder, parent) { }

        /// <summary>Every registered block device, in registration order (a live view over <see cref="DeviceRegistry"/>; Cosmos API name).</summary>
        public static DeviceList<BlockDevice> Devices => DeviceRegistry.OfType<BlockDevice>();

        /// <summary>Bytes per block (a power of two; 0 until the device is started).</summary>
        public ulong BlockSize { get; protected set; }

        /// <summary>Number of blocks (0 until the device is started, or when no medium is present).</summary>
        public ulong BlockCount { get; protected set; }

        /// <summary>Total size in bytes (<see cref="BlockSize"/> × <see cref="BlockCount"/>).</summary>
        public ulong SizeInBytes => BlockSize * BlockCount;

        /// <summary>The kind of medium (Cosmos API name).</summary>
        public abstract BlockDeviceType Type { get; }

        /// <summary>True when <see cref="Write"/> and <see cref="WriteBlock"/> always fail (optical media, write-protected devices).</summary>
        public virtual bool IsReadOnly => false;

        /// <summary>A zeroed array for <paramref name="aBlockCount"/> blocks (Cosmos API name).</summary>
        public byte[] NewBlockArray(uint aBlockCount) => new byte[aBlockCount * BlockSize];

        /// <summary>
        /// Reads <paramref name="aBlockCount"/> blocks starting at block <paramref name="aBlockNo"/> into the start of
        /// <paramref name="aData"/> (Cosmos API shape; the array must hold at least aBlockCount × BlockSize bytes).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="aData"/> is null.</exception>
        /// <exception cref="ArgumentException">The array is too small.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The blocks are not all inside the device.</exception>
        /// <exception cref="InvalidOperationException">The device is not started.</exception>
        /// <exception cref="IOException">The device reported an error or did not answer in time.</exception>
        public void ReadBlock(ulong aBlockNo, ulong aBlockCount, ref byte[] aData)
        {
            CheckDataSize(aData, aBlockCount);
            Read(aBlockNo, aData.AsSpan(0, (int)(aBlockCount * BlockSize)));
        }

        /// <summary>Writes <paramref name="aBlockCount"/> blocks from the start of <paramref name="aData"/> at block <paramref name="aBlockNo"/> (Cosmos API shape).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="aData"/> is null.</exception>
        /// <exception cref="ArgumentException">The array is too small.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The blocks are not all inside the device.</exception>
        /// <exception cref="InvalidOperationException">The device is not started, or is read-only.</exception>
        /// <exception cref="IOException">The device reported an error or did not answer in time.</exception>
        public void WriteBlock(ulong aBlockNo, ulong aBlockCount, ref byte[] aData)
        {
            CheckDataSize(aData, aBlockCount);
            Write(aBlockNo, aData.AsSpan(0, (int)(aBlockCount * BlockSize)));
        }

        /// <summary>
        /// Reads <c>buffer.Length / BlockSize</c> blocks starting at <paramref name="lba"/> into <paramref name="buffer"/>
        /// as one request. The length must be a non-zero multiple of <see cref="BlockSize"/>.
        /// </summary>
        /// <exception cref="ArgumentException">The length is not a non-zero multiple of the block size.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The blocks are not all inside the device.</exception>
        /// <exception cref="InvalidOperationException">The device is not started.</exception>
        /// <exception cref="IOException">The device reported an error or did not answer in time.</exception>
        public void Read(ulong lba, Span<byte> buffer)
        {
            ulong count = CheckRequest(lba, buffer.Length);
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            ReadBlocks(lba, count, buffer);
            ReadStats.Add(count, (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() - t0));
        }

        /// <summary>Writes <c>data.Length / BlockSize</c> blocks at <paramref name="lba"/> as one request (see <see cref="Read"/>).</summary>
        /// <exception cref="ArgumentException">The length is not a non-zero multiple of the block size.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The blocks are not all inside the device.</exception>
        /// <exception cref="InvalidOperationException">The device is not started, or is read-only.</exception>
        /// <exception cref="IOException">The device reported an error or did not answer in time.</exception>
        public void Write(ulong lba, ReadOnlySpan<byte> data)
        {
            if (IsReadOnly) throw new InvalidOperationException(string.Concat(Name, " is read-only"));
            ulong count = CheckRequest(lba, data.Length);
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            WriteBlocks(lba, count, data);
            WriteStats.Add(count, (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() - t0));
        }

        /// <summary>Makes every completed write durable (the device's write cache is flushed to the medium).</summary>
        /// <exception cref="InvalidOperationException">The device is not started.</exception>
        /// <exception cref="IOException">The device reported an error or did not answer in time.</exception>
        public void Flush()
        {
            if (!IsStarted) throw new InvalidOperationException(string.Concat(Name, " is not started"));
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            FlushCache();
            FlushStats.Add(0, (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() - t0));
        }

        /// <summary>Reads that reached the driver since start: requests, blocks and Stopwatch ticks spent in them (diagnostics; benches split a file transfer's time into device time and the rest).</summary>
        public BlockDeviceStatistics ReadStats;
        /// <summary>Writes that reached the driver (as <see cref="ReadStats"/>).</summary>
        public BlockDeviceStatistics WriteStats;
        /// <summary>Flushes that reached the driver (Blocks stays 0).</summary>
        public BlockDeviceStatistics FlushStats;

        /// <summary>The driver's read: <paramref name="count"/> (≥ 1) blocks from <paramref name="lba"/>, already checked against the device's size; <paramref name="buffer"/> holds exactly count × BlockSize bytes.</summary>
        protected abstract void ReadBlocks(ulong lba, ulong count, Span<byte> buffer);

        /// <summary>The driver's write (arguments checked as for <see cref="ReadBlocks"/>; never called when <see cref="IsReadOnly"/>).</summary>
        protected abstract void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data);

        /// <summary>The driver's cache flush.</summary>
        protected abstract void FlushCache();

        /// <summary>Throws unless <paramref name="aData"/> holds <paramref name="aBlockCount"/> blocks (Cosmos API name).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="aData"/> is null.</exception>
        /// <exception cref="ArgumentException">The array is too small.</exception>
        protected void CheckDataSize(byte[] aData, ulong aBlockCount)
        {
            if (aData == null) throw new ArgumentNullException(nameof(aData));
            if (BlockSize == 0 || aBlockCount > (ulong)aData.Length / BlockSize)
                throw new ArgumentException(string.Concat("the array holds ", aData.Length.ToString(), " bytes, fewer than ",
                    aBlockCount.ToString(), " blocks of ", BlockSize.ToString(), " bytes"), nameof(aData));
        }

        /// <summary>Throws unless blocks <paramref name="aBlockNo"/> .. + <paramref name="aBlockCount"/> − 1 are inside the device (Cosmos API name).</summary>
        /// <exception cref="ArgumentOutOfRangeException">They are not.</exception>
        protected void CheckBlockNo(ulong aBlockNo, ulong aBlockCount)
        {
            if (aBlockNo >= BlockCount || aBlockCount > BlockCount - aBlockNo)
                throw new ArgumentOutOfRangeException(nameof(aBlockNo), string.Concat(Name, ": blocks ", aBlockNo.ToString(), " + ",
                    aBlockCount.ToString(), " are outside the device (", BlockCount.ToString(), " blocks)"));
        }

        private ulong CheckRequest(ulong lba, int length)
        {
            if (!IsStarted) throw new InvalidOperationException(string.Concat(Name, " is not started"));
            if (length <= 0 || (ulong)length % BlockSize != 0)
                throw new ArgumentException(string.Concat("the buffer length ", length.ToString(), " is not a non-zero multiple of the block size ", BlockSize.ToString()));
            ulong count = (ulong)length / BlockSize;
            CheckBlockNo(lba, count);
            return count;
        }
    }
}
