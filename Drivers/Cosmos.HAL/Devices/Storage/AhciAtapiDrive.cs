using System;
using System.IO;
using Cosmos.Core.Memory;

namespace Cosmos.HAL.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>
    /// An ATAPI (CD/DVD) drive on an AHCI port (what Cosmos calls SATAPI): PACKET commands by DMA
    /// (<see cref="AhciPort.Execute(byte, ulong, int, byte*, uint, bool, bool, ReadOnlySpan{byte})"/>). Start: READ
    /// CAPACITY (10) (no medium: sense key 2, the drive starts with 0 blocks); reads: READ (10), up to 65,535 blocks per
    /// command, into the caller's buffer when its address is even, else through a 64 KiB DMA bounce buffer. A pending
    /// UNIT ATTENTION (sense key 6) is retried up to 3 times. Read-only; <see cref="BlockDevice.Flush"/> has nothing to do.
    /// </summary>
    public sealed unsafe class AhciAtapiDrive : BlockDevice
    {
        /// <summary>The port the drive is on.</summary>
        public readonly AhciPort Port;
        /// <summary>True when READ CAPACITY answered at the last start.</summary>
        public bool HasMedium { get; private set; }

        private const int BounceBytes = 64 * 1024;
        private ulong _bounce;

        internal AhciAtapiDrive(string name, AhciController controller, AhciPort port) : base(name, DeviceStage.OnDemand, 0, controller)
        {
            Port = port;
        }

        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.RemovableCD;
        /// <inheritdoc/>
        public override bool IsReadOnly => true;

        private void Packet(ReadOnlySpan<byte> cdb, byte* buffer, uint bytes, ulong lba, bool hasLba)
        {
            lock (Port.Lock)
            {
                for (int attempt = 0; ; attempt++)
                {
                    try { Port.Execute(AtaCommand.Packet, lba, 0, buffer, bytes, false, hasLba, cdb); return; }
                    catch (IOException) when ((Port.LastError >> 4) == 6 && attempt < 3) { }
                }
            }
        }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (_bounce == 0) _bounce = DmaMemory.Allocate(BounceBytes, zero: true);
            if (_bounce == 0) { error = "no DMA memory for the bounce buffer"; return false; }
            Span<byte> cdb = stackalloc byte[12];
            cdb.Clear();
            cdb[0] = 0x25;                                  // READ CAPACITY (10)
            try { Packet(cdb, (byte*)_bounce, 8, 0, false); }
            catch (IOException) when ((Port.LastError >> 4) == 2)
            {
                HasMedium = false; BlockSize = 2048; BlockCount = 0;
                error = null;
                return true;
            }
            byte* cap = (byte*)_bounce;
            uint last = (uint)(cap[0] << 24 | cap[1] << 16 | cap[2] << 8 | cap[3]);
            uint size = (uint)(cap[4] << 24 | cap[5] << 16 | cap[6] << 8 | cap[7]);
            if (size == 0 || (size & (size - 1)) != 0 || size > BounceBytes) { error = string.Concat("READ CAPACITY reports a block length of ", size.ToString(), " bytes"); return false; }
            BlockSize = size;
            BlockCount = (ulong)last + 1;
            HasMedium = true;
            error = null;
            return true;
        }

        /// <inheritdoc/>
        protected override void ReadBlocks(ulong lba, ulong count, Span<byte> buffer)
        {
            Span<byte> cdb = stackalloc byte[12];
            int bs = (int)BlockSize;
            fixed (byte* start = buffer)
            {
                byte* p = start;
                bool direct = ((ulong)p & 1) == 0 && (ulong)p + (ulong)buffer.Length <= DmaMemory.Limit32;
                while (count > 0)
                {
                    int n = (int)Math.Min(count, direct ? 8192UL : (ulong)(BounceBytes / bs));   // ≤ 16 MiB per command
                    cdb.Clear();
                    cdb[0] = 0x28;                          // READ (10)
                    cdb[2] = (byte)(lba >> 24); cdb[3] = (byte)(lba >> 16); cdb[4] = (byte)(lba >> 8); cdb[5] = (byte)lba;
                    cdb[7] = (byte)(n >> 8); cdb[8] = (byte)n;
                    uint bytes = (uint)(n * bs);
                    if (direct) Packet(cdb, p, bytes, lba, true);
                    else
                    {
                        Packet(cdb, (byte*)_bounce, bytes, lba, true);
                        new Span<byte>((void*)_bounce, (int)bytes).CopyTo(new Span<byte>(p, (int)bytes));
                    }
                    lba += (ulong)n; count -= (ulong)n; p += bytes;
                }
            }
        }

        /// <summary>Never called (the drive is read-only; <see cref="BlockDevice.Write"/> refuses first).</summary>
        protected override void WriteBlocks(ulong lba, ulong count, ReadOnlySpan<byte> data) =>
            throw new InvalidOperationException(string.Concat(Name, " is read-only"));

        /// <summary>Nothing to write back on a read-only medium.</summary>
        protected override void FlushCache() { }

        /// <summary>"AHCI 00:04.0 port 1 (Storage, Started): 2048 blocks of 2048 bytes" or ": no medium".</summary>
        public override string ToString() => string.Concat(base.ToString(), HasMedium
            ? string.Concat(": ", BlockCount.ToString(), " blocks of ", BlockSize.ToString(), " bytes") : ": no medium");
    }
}
