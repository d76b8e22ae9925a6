using System;
using System.IO;

namespace Cosmos.HAL.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>
    /// An ATA disk on an <see cref="AtaChannel"/> (bus-master DMA when possible, else PIO; see <see cref="UseDma"/>). Identified
    /// by IDENTIFY DEVICE (<see cref="Identify"/>: model, serial, sector count, 48-bit support). Requests go to the
    /// device as few commands as possible: READ/WRITE SECTORS (28-bit) for up to 256 sectors below LBA 2^28,
    /// READ/WRITE SECTORS EXT (48-bit) for up to 65,536 sectors otherwise (when the device supports the 48-bit
    /// feature set; ACS-3 §4.3). <see cref="BlockDevice.Flush"/> sends FLUSH CACHE EXT (48-bit devices) or FLUSH CACHE.
    /// Errors and timeouts throw <see cref="IOException"/> naming the device, the command and the LBA.
    /// Only 512-byte logical sectors are supported (start fails naming any other size).
    /// </summary>
    public sealed class AtaDisk : BlockDevice
    {
        /// <summary>The channel the disk is on.</summary>
        public readonly AtaChannel Channel;
        /// <summary>0 master, 1 slave.</summary>
        public readonly int Drive;
        /// <summary>The IDENTIFY DEVICE response read when the disk was found.</summary>
        public readonly AtaIdentify Identify;

        internal AtaDisk(string name, AtaController controller, AtaChannel channel, int drive, AtaIdentify identify)
            : base(name, DeviceStage.OnDemand, 0, controller)
        {
            Channel = channel; Drive = drive; Identify = identify;
        }

        /// <summary>Model number (IDENTIFY words 27–46), e.g. "QEMU HARDDISK".</summary>
        public string ModelNumber => Identify.ModelNumber;
        /// <summary>Serial number (IDENTIFY words 10–19).</summary>
        public string SerialNumber => Identify.SerialNumber;
        /// <summary>Firmware revision (IDENTIFY words 23–26).</summary>
        public string FirmwareRevision => Identify.FirmwareRevision;
        /// <summary>True when the disk supports 48-bit addressing (IDENTIFY word 83 bit 10).</summary>
        public bool SupportsLba48 => Identify.SupportsLba48;

        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.HardDrive;

        /// <summary>Most sectors one 28-bit command moves (Sector Count 0 means 256).</summary>
        public const int MaxSectorsLba28 = 256;
        /// <summary>Most sectors one 48-bit command moves (Sector Count 0 means 65,536).</summary>
        public const int MaxSectorsLba48 = 65536;
        private const ulong Lba28Limit = 1UL << 28;

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (!Identify.IsAta) { error = "IDENTIFY DEVICE data is not an ATA device's (word 0 bit 15 set)"; return false; }
            if (!Identify.SupportsLba) { error = "the disk does not support LBA addressing (CHS-only disks are not supported)"; return false; }
            if (Identify.LogicalSectorSize != 512) { error = string.Concat("logical sector size ", Identify.LogicalSectorSize.ToString(), " bytes is not supported (512 only)"); return false; }
            BlockSize = 512;
            BlockCount = Identify.Sectors;
            if (BlockCount == 0) { error = "IDENTIFY DEVICE reports 0 sectors"; return false; }
            error = null;
            return true;
        }

        /// <summary>Sectors to move with the command starting at <paramref name="lba"/> and whether it is a 48-bit command.</summary>
        private int Chunk(ulong lba, ulong left, out bool lba48)
        {
            lba48 = SupportsLba48 && (left > MaxSectorsLba28 || lba + Math.Min(left, (ulong)MaxSectorsLba28) > Lba28Limit);
            return (int)Math.Min(left, lba48 ? (ulong)MaxSectorsLba48 : MaxSectorsLba28);
        }

        /// <summary>
        /// Use bus-master DMA (READ/WRITE DMA (EXT), up to <see cref="AtaChannel.MaxDmaSectors"/> per command) when the
        /// channel has bus-master registers, the disk reports DMA support (IDENTIFY word 49 bit 8) and the buffer is at
        /// an even address below 4 GiB; otherwise PIO. Default true. The transfer mode the firmware set is kept (no SET
        /// FEATURES): QEMU needs none; real PIIX/ICH hardware may.
        /// </summary>
        public bool UseDma { get; set; } = true;

        /// <summary>DMA commands issued (tests check which path a request took).</summary>
        public ulong DmaCommands { get; private set; }

        private unsafe bool CanDma(void* p, int bytes) =>
            UseDma && Channel.HasBusMaster && Identify.SupportsDma && ((ulong)p & 1) == 0 && (ulong)p + (ulong)bytes <= Cosmos.Core.Memory.DmaMemory.Limit32;

        private unsafe void DmaBlocks(ulong lba, ulong count, byte* p, bool write)
        {
            lock (Channel.Lock)
            {
                while (count > 0)
                {
                    bool lba48 = SupportsLba48;
                    int n = (int)Math.Min(count, lba48 ? (ulong)AtaChannel.MaxDmaSectors : MaxSectorsLba28);
                    if (!lba48 && lba + (ulong)n > Lba28Limit) throw new IOException(string.Concat(Name, ": LBA ", lba.ToString(), " needs 48-bit addressing, which the disk does not support"));
                    byte cmd = write ? (lba48 ? AtaCommand.WriteDmaExt : AtaCommand.WriteDma) : (lba48 ? AtaCommand.ReadDmaExt : AtaCommand.ReadDma);
                    Channel.DmaTransfer(Name, Drive, cmd, lba, n == 65536 ? 0 : n, lba48, p, (uint)n * 512, !write);
                    DmaCommands++;
                    lba += (ulong)n; count -= (ulong)n; p += n * 512;
                }
            }
        }

        /// <inheritdoc/>
        protected override unsafe void ReadBlocks(ulong lba, ulong count, Span<byte> buffer)
        {
            fixed (byte* p = buffer)
                if (CanDma(p, buffer.Length)) { DmaBlocks(lba, count, p, false); return; }
            lock (Channel.Lock)
            {
                int done = 0;
                while (count > 0)
                {
                    int n = Chunk(lba, count, out bool lba48);
                    if (!lba48 && lba + (ulong)n > Lba28Limit) throw new IOException(string.Concat(Name, ": LBA ", lba.ToString(), " needs 48-bit addressing, which the disk does not support"));
                    Channel.PioRead(Name, Drive, lba48 ? AtaCommand.ReadSectorsExt : AtaCommand.ReadSectors, lba, n, lba48, buffer.Slice(done * 512, n * 512), 512);
                    lba += (ulong)n; count -= (ulong)n; done += n;
                }
            }
        }

        /// <inheritdoc/>
        protected override unsafe void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data)
        {
            fixed (byte* p = data)
                if (CanDma(p, data.Length)) { DmaBlocks(lba, count, p, true); return; }
            lock (Channel.Lock)
            {
                int done = 0;
                while (count > 0)
                {
                    int n = Chunk(lba, count, out bool lba48);
                    if (!lba48 && lba + (ulong)n > Lba28Limit) throw new IOException(string.Concat(Name, ": LBA ", lba.ToString(), " needs 48-bit addressing, which the disk does not support"));
                    Channel.PioWrite(Name, Drive, lba48 ? AtaCommand.WriteSectorsExt : AtaCommand.WriteSectors, lba, n, lba48, data.Slice(done * 512, n * 512), 512);
                    lba += (ulong)n; count -= (ulong)n; done += n;
                }
            }
        }

        /// <inheritdoc/>
        protected override void FlushCache()
        {
            lock (Channel.Lock) Channel.NonData(Name, Drive, SupportsLba48 ? AtaCommand.FlushCacheExt : AtaCommand.FlushCache);
        }

        /// <summary>"IDE 00:01.1 primary master (Storage, Started): QEMU HARDDISK, 131072 sectors, LBA48".</summary>
        public override string ToString() => string.Concat(base.ToString(), ": ", ModelNumber, ", ", BlockCount.ToString(), " sectors of ",
            BlockSize.ToString(), " bytes", SupportsLba48 ? ", LBA48" : "");
    }
}
