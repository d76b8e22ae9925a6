using System;
using System.IO;

namespace Cosmos.HAL.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>
    /// An ATAPI optical drive on an <see cref="AtaChannel"/> (PACKET commands with PIO data-in, polled). Identified by
    /// IDENTIFY PACKET DEVICE; starting it asks READ CAPACITY (10) (MMC-3 / SBC-2 §5.10: last LBA and block length,
    /// big-endian) for <see cref="BlockDevice.BlockCount"/> and <see cref="BlockDevice.BlockSize"/> (2048 on CD/DVD
    /// data media). Reads are READ (10) (SBC-2 §5.6; up to 65,535 blocks per command). A pending UNIT ATTENTION
    /// (sense key 6, e.g. after a reset or a medium change) is retried up to 3 times. Read-only: writes are refused by
    /// <see cref="BlockDevice"/>, and <see cref="BlockDevice.Flush"/> has nothing to write back (it returns at once).
    /// No medium: the drive starts with 0 blocks (<see cref="HasMedium"/> false).
    /// </summary>
    public sealed class AtapiDrive : BlockDevice
    {
        /// <summary>The channel the drive is on.</summary>
        public readonly AtaChannel Channel;
        /// <summary>0 master, 1 slave.</summary>
        public readonly int Drive;
        /// <summary>The IDENTIFY PACKET DEVICE response.</summary>
        public readonly AtaIdentify Identify;
        /// <summary>True when READ CAPACITY answered at the last start.</summary>
        public bool HasMedium { get; private set; }

        private const int ByteCountLimit = 0xF800;   // 31 blocks of 2048 bytes per DRQ block (even, below 64 KiB)

        internal AtapiDrive(string name, AtaController controller, AtaChannel channel, int drive, AtaIdentify identify)
            : base(name, DeviceStage.OnDemand, 0, controller)
        {
            Channel = channel; Drive = drive; Identify = identify;
        }

        /// <summary>Model number, e.g. "QEMU DVD-ROM".</summary>
        public string ModelNumber => Identify.ModelNumber;
        /// <summary>Serial number.</summary>
        public string SerialNumber => Identify.SerialNumber;

        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.RemovableCD;
        /// <inheritdoc/>
        public override bool IsReadOnly => true;

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (!Identify.IsAtapi) { error = "IDENTIFY PACKET DEVICE data is not a packet device's"; return false; }
            if (Identify.PacketSize != 12) { error = "16-byte command packets are not supported"; return false; }
            Span<byte> cdb = stackalloc byte[12];
            cdb.Clear();
            cdb[0] = 0x25;                                  // READ CAPACITY (10)
            Span<byte> cap = stackalloc byte[8];
            try
            {
                int got = Packet(cdb, cap, 0, false);
                if (got < 8) { error = string.Concat("READ CAPACITY returned ", got.ToString(), " bytes"); return false; }
            }
            catch (PacketCheckCondition e) when (e.SenseKey == 2)
            {
                HasMedium = false; BlockSize = 2048; BlockCount = 0;   // NOT READY: no medium
                error = null;
                return true;
            }
            uint last = (uint)(cap[0] << 24 | cap[1] << 16 | cap[2] << 8 | cap[3]);
            uint size = (uint)(cap[4] << 24 | cap[5] << 16 | cap[6] << 8 | cap[7]);
            if (size == 0 || (size & (size - 1)) != 0) { error = string.Concat("READ CAPACITY reports a block length of ", size.ToString(), " bytes"); return false; }
            BlockSize = size;
            BlockCount = (ulong)last + 1;
            HasMedium = true;
            error = null;
            return true;
        }

        private int Packet(ReadOnlySpan<byte> cdb, Span<byte> buffer, ulong lba, bool hasLba)
        {
            lock (Channel.Lock)
            {
                for (int attempt = 0; ; attempt++)
                {
                    try { return Channel.PacketRead(Name, Drive, cdb, buffer, ByteCountLimit, lba, hasLba); }
                    catch (PacketCheckCondition e) when (e.SenseKey == 6 && attempt < 3) { }
                }
            }
        }

        /// <inheritdoc/>
        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer)
        {
            Span<byte> cdb = stackalloc byte[12];
            int bs = (int)BlockSize;
            int done = 0;
            while (count > 0)
            {
                int n = (int)Math.Min(count, 65535UL);
                cdb.Clear();
                cdb[0] = 0x28;                              // READ (10)
                cdb[2] = (byte)(lba >> 24); cdb[3] = (byte)(lba >> 16); cdb[4] = (byte)(lba >> 8); cdb[5] = (byte)lba;
                cdb[7] = (byte)(n >> 8); cdb[8] = (byte)n;
                var part = buffer.Slice(done * bs, n * bs);
                int got = Packet(cdb, part, lba, true);
                if (got != part.Length)
                    throw new IOException(string.Concat(Name, ": READ (10) at LBA ", lba.ToString(), " returned ", got.ToString(), " bytes instead of ", part.Length.ToString()));
                lba += (ulong)n; count -= (ulong)n; done += n;
            }
        }

        /// <summary>Never called (the drive is read-only; <see cref="BlockDevice.Write"/> refuses first).</summary>
        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data) =>
            throw new InvalidOperationException(string.Concat(Name, " is read-only"));

        /// <summary>Nothing to write back on a read-only medium.</summary>
        protected override void FlushCache() { }

        /// <summary>"... : QEMU DVD-ROM, 1234 blocks of 2048 bytes".</summary>
        public override string ToString() => string.Concat(base.ToString(), ": ", ModelNumber, HasMedium
            ? string.Concat(", ", BlockCount.ToString(), " blocks of ", BlockSize.ToString(), " bytes") : ", no medium");
    }
}
