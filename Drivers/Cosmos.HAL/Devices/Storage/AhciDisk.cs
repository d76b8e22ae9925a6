using System;
using System.IO;
using Cosmos.Core.Memory;

namespace Cosmos.HAL.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>
    /// An ATA disk on an AHCI port (<see cref="AhciPort"/>). Start: IDENTIFY DEVICE (512 bytes by DMA into a DMA
    /// page), decoded by <see cref="AtaIdentify"/>. Reads and writes: READ DMA EXT / WRITE DMA EXT (ACS-3 §7.24,
    /// §7.63; up to 65,536 sectors per command) on 48-bit disks, else READ DMA / WRITE DMA (≤ 256 sectors, below 2^28),
    /// straight into the caller's buffer (identity-mapped and not moved by the collector) when its address is even and
    /// the request fits one command table, else through a 64 KiB DMA bounce buffer. Flush: FLUSH CACHE EXT / FLUSH CACHE.
    /// Errors: <see cref="IOException"/> naming the device, the command and the LBA; the port is recovered and usable.
    /// </summary>
    public sealed unsafe class AhciDisk : BlockDevice
    {
        /// <summary>The port the disk is on.</summary>
        public readonly AhciPort Port;
        /// <summary>IDENTIFY DEVICE data (null before start).</summary>
        public AtaIdentify Identify { get; private set; }

        private const byte ReadDma = AtaCommand.ReadDma, ReadDmaExt = AtaCommand.ReadDmaExt, WriteDma = AtaCommand.WriteDma, WriteDmaExt = AtaCommand.WriteDmaExt;
        private const int BounceSectors = 128;
        private ulong _bounce;

        internal AhciDisk(string name, AhciController controller, AhciPort port) : base(name, DeviceStage.OnDemand, 0, controller)
        {
            Port = port;
        }

        /// <summary>Model number, e.g. "QEMU HARDDISK".</summary>
        public string ModelNumber => Identify?.ModelNumber;
        /// <summary>Serial number.</summary>
        public string SerialNumber => Identify?.SerialNumber;
        /// <summary>True when the disk supports 48-bit addressing.</summary>
        public bool SupportsLba48 => Identify != null && Identify.SupportsLba48;
        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.HardDrive;

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (_bounce == 0) _bounce = DmaMemory.Allocate(BounceSectors * 512, zero: false);
            if (_bounce == 0) { error = "no DMA memory for the bounce buffer"; return false; }
            lock (Port.Lock) Port.Execute(AtaCommand.IdentifyDevice, 0, 0, (byte*)_bounce, 512, false, false);
            var id = new AtaIdentify(new ReadOnlySpan<byte>((void*)_bounce, 512));
            if (!id.IsAta || !id.SupportsLba) { error = "IDENTIFY DEVICE: not an LBA ATA disk"; return false; }
            if (id.LogicalSectorSize != 512) { error = string.Concat("logical sector size ", id.LogicalSectorSize.ToString(), " bytes is not supported (512 only)"); return false; }
            Identify = id;
            BlockSize = 512;
            BlockCount = id.Sectors;
            error = null;
            return true;
        }

        private int Limit(ulong lba, ulong left, out bool lba48)
        {
            lba48 = SupportsLba48;
            int max = lba48 ? 65536 : 256;
            int n = (int)Math.Min(left, (ulong)max);
            if (!lba48 && lba + (ulong)n > 1UL << 28) throw new IOException(string.Concat(Name, ": LBA ", lba.ToString(), " needs 48-bit addressing, which the disk does not support"));
            return n;
        }

        private void Transfer(ulong lba, ulong count, byte* data, bool write)
        {
            lock (Port.Lock)
            {
                bool direct = ((ulong)data & 1) == 0;
                while (count > 0)
                {
                    int n = Limit(lba, count, out bool lba48);
                    byte cmd = write ? (lba48 ? WriteDmaExt : WriteDma) : (lba48 ? ReadDmaExt : ReadDma);
                    if (direct && (ulong)n * 512 <= (ulong)AhciPort.MaxPrdEntries * AhciPort.MaxPrdBytes)
                        Port.Execute(cmd, lba, n == 65536 ? 0 : n, data, (uint)(n * 512), write, true);
                    else
                    {
                        n = Math.Min(n, BounceSectors);
                        var span = new Span<byte>((void*)_bounce, n * 512);
                        if (write) new ReadOnlySpan<byte>(data, n * 512).CopyTo(span);
                        Port.Execute(cmd, lba, n, (byte*)_bounce, (uint)(n * 512), write, true);
                        if (!write) span.CopyTo(new Span<byte>(data, n * 512));
                    }
                    lba += (ulong)n; count -= (ulong)n; data += n * 512;
                }
            }
        }

        /// <inheritdoc/>
        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer)
        {
            fixed (byte* p = buffer) Transfer(lba, count, p, false);
        }

        /// <inheritdoc/>
        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data)
        {
            fixed (byte* p = data) Transfer(lba, count, p, true);
        }

        /// <inheritdoc/>
        protected override void FlushCache()
        {
            lock (Port.Lock) Port.Execute(SupportsLba48 ? AtaCommand.FlushCacheExt : AtaCommand.FlushCache, 0, 0, null, 0, false, false);
        }

        /// <summary>"AHCI 00:04.0 port 0 (Storage, Started): QEMU HARDDISK, 65536 sectors of 512 bytes, LBA48".</summary>
        public override string ToString() => string.Concat(base.ToString(), Identify == null ? "" : string.Concat(": ", ModelNumber, ", ",
            BlockCount.ToString(), " sectors of ", BlockSize.ToString(), " bytes", SupportsLba48 ? ", LBA48" : ""));
    }
}
