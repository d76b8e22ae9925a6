using System;
using System.IO;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Memory;
using Cosmos.Core.Threading;
using Cosmos.HAL.Devices.Timers;

namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>
    /// One AHCI port (Serial ATA AHCI 1.3.1 §3.3 port registers, §4.2 system memory structures): its command list
    /// (32 headers of 32 bytes, 1 KiB aligned), received-FIS area (256 bytes, 256-byte aligned) and one command table
    /// (command FIS at 0, PRDT at 80h; 128-byte aligned), all in one 4 KiB DMA page: list at 0, FIS at 400h, table at
    /// 500h with room for <see cref="MaxPrdEntries"/> PRD entries. Commands run in slot 0, polled.
    /// </summary>
    public sealed unsafe class AhciPort
    {
        // Port registers (§3.3), offsets from the port's 80h-byte block at 100h + port × 80h.
        private const int PxClb = 0x00, PxClbu = 0x04, PxFb = 0x08, PxFbu = 0x0C, PxIs = 0x10, PxIe = 0x14, PxCmd = 0x18,
            PxTfd = 0x20, PxSig = 0x24, PxSsts = 0x28, PxSerr = 0x30, PxCi = 0x38;
        private const uint CmdSt = 1u << 0, CmdSud = 1u << 1, CmdPod = 1u << 2, CmdFre = 1u << 4, CmdFr = 1u << 14, CmdCr = 1u << 15;
        private const uint IsTfes = 1u << 30, IsHbfs = 1u << 29, IsHbds = 1u << 28, IsIfs = 1u << 27;
        private const uint IsFatal = IsTfes | IsHbfs | IsHbds | IsIfs;

        /// <summary>PxSIG of an ATA device (§3.3.9; ATA/ATAPI-7 signature 01h/01h/00h/00h).</summary>
        public const uint SignatureAta = 0x00000101;
        /// <summary>PxSIG of an ATAPI device (EB14h in LBA High/Mid).</summary>
        public const uint SignatureAtapi = 0xEB140101;

        private const int CommandTableOffset = 0x500, PrdtOffset = 0x80;
        /// <summary>PRD entries that fit in the command table's page.</summary>
        public const int MaxPrdEntries = (4096 - CommandTableOffset - PrdtOffset) / 16;
        /// <summary>Most bytes one PRD entry describes (DBC is 22 bits: byte count − 1; §4.2.3.3).</summary>
        public const uint MaxPrdBytes = 4u << 20;

        /// <summary>Milliseconds a command may take.</summary>
        public const int CommandTimeoutMs = 10_000;

        private readonly AhciController _hba;
        /// <summary>Port number 0–31.</summary>
        public readonly int Number;
        /// <summary>The port's device name ("AHCI 00:04.0 port 1"), which its disk or drive takes.</summary>
        public readonly string Name;
        private readonly bool _s64a, _sss;
        private ulong _page;          // command list + FIS + command table
        /// <summary>Taken for a whole command.</summary>
        public readonly object Lock = new object();
        /// <summary>Commands issued (tests check that many sectors are one command).</summary>
        public ulong CommandsIssued { get; private set; }

        /// <summary>What the interrupt handler shares with the waiting thread (unmanaged: no allocation in the handler).</summary>
        private struct IrqState
        {
            public WaitQueue Waiters;
            public ulong Count;
            public uint Is;         // PxIS bits the handler cleared since the command was issued
        }

        private IrqState* _irq;
        /// <summary>When false, commands poll even though the HBA interrupts (tests compare both).</summary>
        public bool UseInterrupts { get; set; } = true;
        /// <summary>True once the controller enabled this port's interrupts.</summary>
        public bool InterruptsEnabled => _irq != null;
        /// <summary>Interrupts of this port handled so far.</summary>
        public ulong InterruptCount => _irq == null ? 0 : _irq->Count;
        /// <summary>Sleeps that ended by their 10 ms bound with the command already complete (an interrupt that never came, or one still pending as the slice ran out). Diagnostics only.</summary>
        public ulong LostInterrupts { get; private set; }

        /// <summary>Turns this port's interrupts on (PxIE: D2H Register FIS, PIO Setup, DMA Setup, Set Device Bits, and the error bits); the HBA's handler then wakes waiting commands.</summary>
        internal bool EnableInterrupts()
        {
            if (_irq != null) return true;
            var st = (IrqState*)Heap.Alloc((ulong)sizeof(IrqState));
            if (st == null) return false;
            _irq = st;
            Write(PxIs, 0xFFFFFFFF);
            Write(PxIe, 0x0000000F | IsFatal);
            return true;
        }

        /// <summary>Called by the HBA's interrupt handler when IS has this port's bit: acknowledges PxIS, records it, wakes the waiter. No allocation.</summary>
        internal void HandleInterrupt()
        {
            if (_irq == null) return;
            uint pxis = Read(PxIs);
            Write(PxIs, pxis);
            _irq->Is |= pxis;
            _irq->Count++;
            Scheduler.WakeAll(&_irq->Waiters);
        }

        internal AhciPort(AhciController hba, int number, string name, bool s64a, bool sss)
        {
            _hba = hba; Number = number; Name = name; _s64a = s64a; _sss = sss;
        }

        private int Reg(int r) => 0x100 + Number * 0x80 + r;
        private uint Read(int r) => _hba.Read(Reg(r));
        private void Write(int r, uint v) => _hba.Write(Reg(r), v);

        /// <summary>
        /// First half of bringing the port up (§10.1.2, §10.3.1): stops it, gives it its memory (command list and
        /// received-FIS area), turns FIS receive on and spins the device up (PxCMD.SUD, with staggered spin-up). Without
        /// CAP.SSS the controller prepares every implemented port first, so the PHYs detect their devices side by side, and
        /// then calls <see cref="Initialize"/> for each; with it, one port after the other.
        /// </summary>
        /// <exception cref="IOException">The port does not stop, or no DMA memory.</exception>
        internal void Prepare()
        {
            Stop();
            if (_page == 0)
            {
                _page = DmaMemory.Allocate(4096, zero: true, limit: _s64a ? ulong.MaxValue : DmaMemory.Limit32);
                if (_page == 0) throw new IOException(string.Concat(Name, ": no DMA memory for the command list"));
            }
            Write(PxClb, (uint)_page); Write(PxClbu, (uint)(_page >> 32));
            Write(PxFb, (uint)(_page + 0x400)); Write(PxFbu, (uint)((_page + 0x400) >> 32));
            Write(PxSerr, 0xFFFFFFFF);
            Write(PxIs, 0xFFFFFFFF);
            Write(PxIe, 0);
            Write(PxCmd, Read(PxCmd) | CmdFre);
            if (_sss) Write(PxCmd, Read(PxCmd) | CmdSud | CmdPod);
        }

        /// <summary>
        /// Second half, after <see cref="Prepare"/>: waits until PxSSTS.DET = 3 (device present, PHY communication up) or
        /// <paramref name="detectDeadline"/> (TSC) passes, then for the device's first D2H FIS to clear BSY and DRQ, and
        /// starts the port. Returns false when no device is attached: FIS receive is turned off again and the port's memory
        /// freed. <paramref name="signature"/> is PxSIG.
        /// </summary>
        /// <exception cref="IOException">The device stays busy for <see cref="CommandTimeoutMs"/>.</exception>
        internal bool Initialize(ulong detectDeadline, out uint signature)
        {
            signature = 0;
            while ((Read(PxSsts) & 0xF) != 3)
                if (Native.Rdtsc() > detectDeadline)
                {
                    // The memory is freed only once the HBA says FR is clear (it may write there until then).
                    if (!StopFisReceive()) return false;
                    Write(PxClb, 0); Write(PxClbu, 0); Write(PxFb, 0); Write(PxFbu, 0);
                    DmaMemory.Free(_page);
                    _page = 0;
                    return false;
                }
            // Wait for the device's first D2H FIS to clear BSY/DRQ (§10.1.2 step 5), then start.
            ulong deadline = AhciController.Deadline(CommandTimeoutMs);
            while ((Read(PxTfd) & 0x88) != 0)
                if (Native.Rdtsc() > deadline) throw new IOException(string.Concat(Name, ": the device stays busy after spin-up (PxTFD ", HalFormat.Hex(Read(PxTfd), 8), ")"));
            signature = Read(PxSig);
            Write(PxSerr, 0xFFFFFFFF);
            Write(PxIs, 0xFFFFFFFF);
            Write(PxCmd, Read(PxCmd) | CmdSt);
            return true;
        }

        /// <summary>Clears ST and FRE and waits for CR and FR to clear (§10.1.2: at most 500 ms each).</summary>
        private void Stop()
        {
            Write(PxCmd, Read(PxCmd) & ~CmdSt);
            ulong deadline = AhciController.Deadline(500);
            while ((Read(PxCmd) & CmdCr) != 0)
                if (Native.Rdtsc() > deadline) throw new IOException(string.Concat(Name, ": the command list engine does not stop (PxCMD.CR stays set)"));
            if (!StopFisReceive()) throw new IOException(string.Concat(Name, ": FIS receive does not stop (PxCMD.FR stays set)"));
        }

        /// <summary>Clears FRE and waits for FR to clear (§10.1.2: at most 500 ms); false when it stays set.</summary>
        private bool StopFisReceive()
        {
            Write(PxCmd, Read(PxCmd) & ~CmdFre);
            ulong deadline = AhciController.Deadline(500);
            while ((Read(PxCmd) & CmdFr) != 0)
                if (Native.Rdtsc() > deadline) return false;
            return true;
        }

        /// <summary>Error recovery after a task-file or fatal error (§6.2.2.1): ST off, errors cleared, ST on.</summary>
        private void Recover()
        {
            Write(PxCmd, Read(PxCmd) & ~CmdSt);
            ulong deadline = AhciController.Deadline(500);
            while ((Read(PxCmd) & CmdCr) != 0 && Native.Rdtsc() < deadline) { }
            Write(PxSerr, 0xFFFFFFFF);
            Write(PxIs, 0xFFFFFFFF);
            deadline = AhciController.Deadline(1000);
            while ((Read(PxTfd) & 0x88) != 0 && Native.Rdtsc() < deadline) { }
            Write(PxCmd, Read(PxCmd) | CmdSt);
        }

        /// <summary>
        /// Runs one ATA command in slot 0 with a Register H2D FIS (SATA 3.x §10.5.5) and a PRDT describing
        /// [<paramref name="buffer"/>, + <paramref name="bytes"/>) (physical = virtual: all RAM is identity-mapped;
        /// the address must be even), and waits until PxCI clears. Throws <see cref="IOException"/> naming the command
        /// and the LBA on a task-file error (PxIS.TFES; status and error from PxTFD), a fatal HBA error or a timeout.
        /// </summary>
        public void Execute(byte command, ulong lba, int count, byte* buffer, uint bytes, bool write, bool hasLba)
            => Execute(command, lba, count, buffer, bytes, write, hasLba, default);

        /// <summary>
        /// The error register (PxTFD bits 15–8) of the last command that failed; for a packet device bits 7–4 are the
        /// SCSI sense key.
        /// </summary>
        public byte LastError { get; private set; }

        /// <summary>
        /// As the other overload; a non-empty <paramref name="packet"/> (the 12-byte SCSI CDB) makes it an ATAPI command:
        /// the CDB goes to the command table's ACMD area (40h), the command header's A bit is set, and the FIS carries
        /// PACKET (A0h) with Features bit 0 (DMA) (AHCI 1.3.1 §4.2.3, §5.6.6).
        /// </summary>
        public void Execute(byte command, ulong lba, int count, byte* buffer, uint bytes, bool write, bool hasLba, ReadOnlySpan<byte> packet)
        {
            if (((ulong)buffer & 1) != 0) throw new ArgumentException("AHCI data buffers must be word aligned");
            if (!_s64a && (ulong)buffer + bytes > DmaMemory.Limit32) throw new IOException(string.Concat(Name, ": buffer above 4 GiB and the HBA has no 64-bit addressing"));
            uint prds = bytes == 0 ? 0 : (bytes + MaxPrdBytes - 1) / MaxPrdBytes;
            if (prds > MaxPrdEntries) throw new ArgumentOutOfRangeException(nameof(bytes), "request too large for one command table");
            byte* list = (byte*)_page;
            byte* table = (byte*)(_page + CommandTableOffset);
            // Command table: CFIS (64 bytes), ACMD (16), reserved, PRDT.
            for (int i = 0; i < PrdtOffset; i++) table[i] = 0;
            table[0] = 0x27;                                  // FIS type: Register – Host to Device
            table[1] = 0x80;                                  // C: the Command register is updated
            table[2] = command;
            table[3] = 0;                                     // Features 7:0
            table[4] = (byte)lba; table[5] = (byte)(lba >> 8); table[6] = (byte)(lba >> 16);
            table[7] = hasLba ? (byte)0x40 : (byte)0;         // Device: LBA mode
            table[8] = (byte)(lba >> 24); table[9] = (byte)(lba >> 32); table[10] = (byte)(lba >> 40);
            table[12] = (byte)count; table[13] = (byte)(count >> 8);
            bool atapi = !packet.IsEmpty;
            if (atapi)
            {
                table[3] = 0x01;                              // Features: DMA
                for (int i = 4; i <= 10; i++) table[i] = 0;   // no LBA; the byte count limit is not used with DMA
                for (int i = 0; i < 16; i++) table[0x40 + i] = i < packet.Length ? packet[i] : (byte)0;
            }
            ulong addr = (ulong)buffer;
            uint left = bytes;
            for (uint i = 0; i < prds; i++)
            {
                uint n = left < MaxPrdBytes ? left : MaxPrdBytes;
                uint* prd = (uint*)(table + PrdtOffset + 16 * i);
                prd[0] = (uint)addr; prd[1] = (uint)(addr >> 32); prd[2] = 0;
                prd[3] = (n - 1) & 0x3FFFFF;                  // DBC: byte count − 1 (bit 0 must be 1: even counts); I = 0
                addr += n; left -= n;
            }
            // Command header 0: CFL = 5 dwords, W, PRDTL; PRDBC = 0; CTBA.
            uint* header = (uint*)list;
            header[0] = 5u | (atapi ? 1u << 5 : 0) | (write ? 1u << 6 : 0) | prds << 16;
            header[1] = 0;
            ulong ctba = _page + CommandTableOffset;
            header[2] = (uint)ctba; header[3] = (uint)(ctba >> 32);
            for (int i = 4; i < 8; i++) header[i] = 0;
            bool sleeps = _irq != null && UseInterrupts && Scheduler.IsInitialized && CPU.InterruptsEnabled && InterruptDispatcher.Depth == 0;
            ulong flags = sleeps ? CPU.SaveAndDisableInterrupts() : 0;
            try { Wait(command, lba, hasLba, sleeps); }
            finally { if (sleeps) CPU.RestoreInterrupts(flags); }
            uint end = Read(PxTfd);
            if ((end & 0x21) != 0) throw Failed(command, lba, hasLba, Read(PxIs));
            uint done = ((uint*)list)[1];
            if (done != bytes && !write)
                throw new IOException(string.Concat(Name, ": ", AtaCommand.Name(command), hasLba ? string.Concat(" at LBA ", lba.ToString()) : "",
                    " moved ", done.ToString(), " bytes instead of ", bytes.ToString()));
        }

        /// <summary>
        /// Issues slot 0 and waits until PxCI clears: polling PxCI and PxIS, or (<paramref name="sleeps"/>, interrupts
        /// disabled by the caller) sleeping until the port's interrupt in 10 ms slices, so a lost interrupt costs 10 ms.
        /// </summary>
        private void Wait(byte command, ulong lba, bool hasLba, bool sleeps)
        {
            Write(PxIs, 0xFFFFFFFF);
            if (_irq != null) _irq->Is = 0;
            Thread.MemoryBarrier();
            Write(PxCi, 1);
            CommandsIssued++;
            ulong deadline = AhciController.Deadline(CommandTimeoutMs);
            ulong slice = Deadline.Ticks(10);
            while (true)
            {
                uint isr = Read(PxIs) | (_irq != null ? _irq->Is : 0);
                if ((isr & IsFatal) != 0) throw Failed(command, lba, hasLba, isr);
                if ((Read(PxCi) & 1) == 0) break;
                ulong now = Native.Rdtsc();
                if (now > deadline)
                {
                    uint tfd = Read(PxTfd);
                    Recover();
                    throw new IOException(string.Concat(Name, ": ", AtaCommand.Name(command), hasLba ? string.Concat(" at LBA ", lba.ToString()) : "",
                        " timed out after ", CommandTimeoutMs.ToString(), " ms (PxTFD ", HalFormat.Hex(tfd, 8), ")"));
                }
                if (sleeps)
                {
                    ulong seen = _irq->Count;
                    Scheduler.Block(&_irq->Waiters, now + slice < deadline ? now + slice : deadline);
                    if (_irq->Count == seen && (Read(PxCi) & 1) == 0) LostInterrupts++;
                }
                else Native.Pause();
            }
        }

        private IOException Failed(byte command, ulong lba, bool hasLba, uint isr)
        {
            uint tfd = Read(PxTfd);
            uint serr = Read(PxSerr);
            Recover();
            byte status = (byte)tfd, error = (byte)(tfd >> 8);
            LastError = error;
            string what = (isr & IsTfes) != 0 ? AtaCommand.DescribeError(error, false) : string.Concat("HBA error (PxIS ", HalFormat.Hex(isr, 8), ", PxSERR ", HalFormat.Hex(serr, 8), ")");
            return new IOException(string.Concat(Name, ": ", AtaCommand.Name(command), hasLba ? string.Concat(" at LBA ", lba.ToString()) : "",
                " failed: ", what, " (status ", HalFormat.Hex(status, 2), ", error ", HalFormat.Hex(error, 2), ")"));
        }
    }
}
