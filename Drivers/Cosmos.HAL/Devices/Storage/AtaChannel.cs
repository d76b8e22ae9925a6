using System;
using System.IO;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;
using Cosmos.Core.Threading;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;

namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>ATA command codes used by the drivers (ACS-3 §7; ATA/ATAPI-7 Vol. 1 §6 for PACKET and IDENTIFY PACKET DEVICE).</summary>
    public static class AtaCommand
    {
        /// <summary>READ SECTORS (PIO data-in, 28-bit; ACS-3 §7.28).</summary>
        public const byte ReadSectors = 0x20;
        /// <summary>READ SECTORS EXT (PIO data-in, 48-bit; ACS-3 §7.29).</summary>
        public const byte ReadSectorsExt = 0x24;
        /// <summary>WRITE SECTORS (PIO data-out, 28-bit; ACS-3 §7.70).</summary>
        public const byte WriteSectors = 0x30;
        /// <summary>WRITE SECTORS EXT (PIO data-out, 48-bit; ACS-3 §7.71).</summary>
        public const byte WriteSectorsExt = 0x34;
        /// <summary>PACKET (ATA/ATAPI-7 Vol. 1 §6.24).</summary>
        public const byte Packet = 0xA0;
        /// <summary>IDENTIFY PACKET DEVICE (ATA/ATAPI-7 Vol. 1 §6.17).</summary>
        public const byte IdentifyPacketDevice = 0xA1;
        /// <summary>FLUSH CACHE (non-data, 28-bit; ACS-3 §7.10).</summary>
        public const byte FlushCache = 0xE7;
        /// <summary>FLUSH CACHE EXT (non-data, 48-bit; ACS-3 §7.11).</summary>
        public const byte FlushCacheExt = 0xEA;
        /// <summary>IDENTIFY DEVICE (PIO data-in; ACS-3 §7.12).</summary>
        public const byte IdentifyDevice = 0xEC;
        /// <summary>READ DMA (28-bit; ACS-3 §7.23).</summary>
        public const byte ReadDma = 0xC8;
        /// <summary>READ DMA EXT (48-bit; ACS-3 §7.24).</summary>
        public const byte ReadDmaExt = 0x25;
        /// <summary>WRITE DMA (28-bit; ACS-3 §7.62).</summary>
        public const byte WriteDma = 0xCA;
        /// <summary>WRITE DMA EXT (48-bit; ACS-3 §7.63).</summary>
        public const byte WriteDmaExt = 0x35;

        /// <summary>The command's name for messages.</summary>
        public static string Name(byte command) => command switch
        {
            ReadSectors => "READ SECTORS",
            ReadSectorsExt => "READ SECTORS EXT",
            WriteSectors => "WRITE SECTORS",
            WriteSectorsExt => "WRITE SECTORS EXT",
            Packet => "PACKET",
            IdentifyPacketDevice => "IDENTIFY PACKET DEVICE",
            FlushCache => "FLUSH CACHE",
            FlushCacheExt => "FLUSH CACHE EXT",
            IdentifyDevice => "IDENTIFY DEVICE",
            ReadDma => "READ DMA",
            ReadDmaExt => "READ DMA EXT",
            WriteDma => "WRITE DMA",
            WriteDmaExt => "WRITE DMA EXT",
            _ => string.Concat("command ", HalFormat.Hex(command, 2)),
        };

        /// <summary>
        /// The Error register's bits in words (ACS-3 §6.3: ICRC 7, UNC 6, IDNF 4, ABRT 2, EOM/NM 1, bit 0 obsolete/ILI);
        /// for packet devices bits 7–4 are the SCSI sense key (ATA/ATAPI-7 Vol. 2 §5.3.2).
        /// </summary>
        public static string DescribeError(byte error, bool packet)
        {
            if (packet) return string.Concat("sense key ", HalFormat.Hex((ulong)(error >> 4), 1), (error & 0x04) != 0 ? " (ABRT)" : "");
            if (error == 0) return "no error bits";
            string s = "";
            if ((error & 0x80) != 0) s = string.Concat(s, " ICRC (interface CRC error)");
            if ((error & 0x40) != 0) s = string.Concat(s, " UNC (uncorrectable data)");
            if ((error & 0x10) != 0) s = string.Concat(s, " IDNF (address not found)");
            if ((error & 0x04) != 0) s = string.Concat(s, " ABRT (command aborted)");
            if ((error & 0x02) != 0) s = string.Concat(s, " NM (no media)");
            if ((error & 0x29) != 0) s = string.Concat(s, " other bits");
            return s.Substring(1);
        }
    }

    /// <summary>
    /// One ATA channel (a command block + a control block, two drives: 0 master, 1 slave) driven by PIO. Waits for the
    /// device are bounded by a deadline on the TSC; a wait that runs out throws <see cref="IOException"/> naming the
    /// device, the command and the status. Two ways to wait: after <see cref="EnableInterrupts"/> (the controller does
    /// it once the drives are identified) a thread sleeps (<see cref="Scheduler.Block"/>) until the channel's IRQ
    /// (14/15 in compatibility mode), whose handler reads Status (acknowledging INTRQ) and wakes it; a sleep is cut
    /// to 10 ms, after which Alternate Status is polled again, so a lost interrupt costs 10 ms, never a hang
    /// (<see cref="LostInterrupts"/> counts them). Before the scheduler runs, with interrupts disabled, or when
    /// <see cref="UseInterrupts"/> is false, the caller polls Alternate Status until BSY clears.
    /// Register offsets from the command block base: Data 0, Error/Features 1, Sector Count 2, LBA Low 3, LBA Mid 4,
    /// LBA High 5, Device 6, Status/Command 7; control block: Alternate Status/Device Control (ATA/ATAPI-7 Vol. 2 §
    /// 5.2 (register blocks), §5.14 (Status), ACS-3 §6.2). Protocols: PIO data-in/out and non-data (ATA/ATAPI-7 Vol. 2
    /// §11.6, §11.7, §11.4), PACKET PIO (§11.8). One command at a time: callers take <see cref="Lock"/>.
    /// </summary>
    public sealed unsafe class AtaChannel
    {
        /// <summary>Status BSY (bit 7): the device is busy, the other bits are not valid.</summary>
        public const byte StatusBsy = 0x80;
        /// <summary>Status DRDY (bit 6): the device accepts commands.</summary>
        public const byte StatusDrdy = 0x40;
        /// <summary>Status DF (bit 5): device fault.</summary>
        public const byte StatusDf = 0x20;
        /// <summary>Status DRQ (bit 3): the device is ready to transfer a data block.</summary>
        public const byte StatusDrq = 0x08;
        /// <summary>Status ERR (bit 0; CHK for packet devices): the command ended in error; see the Error register.</summary>
        public const byte StatusErr = 0x01;

        private const byte ControlNien = 0x02, ControlSrst = 0x04, ControlHob = 0x80;

        /// <summary>Milliseconds a command may keep the device busy before it is declared not answering (generous: QEMU under TCG on a loaded host).</summary>
        public const int CommandTimeoutMs = 10_000;

        /// <summary>Base of the command block (0x1F0 primary, 0x170 secondary in compatibility mode).</summary>
        public readonly ushort CommandBase;
        /// <summary>Port of Alternate Status / Device Control (0x3F6, 0x376 in compatibility mode).</summary>
        public readonly ushort ControlPort;
        /// <summary>The ISA IRQ the channel raises (14, 15 in compatibility mode).</summary>
        public readonly int Irq;
        /// <summary>"primary" or "secondary".</summary>
        public readonly string Name;
        /// <summary>Taken by a driver for the whole of a command (one command per channel at a time).</summary>
        public readonly object Lock = new object();

        private int _selected = -1;

        /// <summary>What the IRQ handler shares with the waiting thread (unmanaged: the handler must not allocate or move objects).</summary>
        private struct IrqState
        {
            public WaitQueue Waiters;
            public ulong Count;
            public byte Status;
        }

        private unsafe IrqState* _irq;
        // Channel by ISA IRQ for the handler; created by the first EnableInterrupts (no static initializer).
        private static AtaChannel[] s_byIrq;

        /// <summary>When false, commands poll even though interrupts are set up (tests compare both).</summary>
        public bool UseInterrupts { get; set; } = true;
        /// <summary>True once <see cref="EnableInterrupts"/> installed the IRQ handler.</summary>
        public unsafe bool InterruptsEnabled => _irq != null;
        /// <summary>Interrupts the channel raised since <see cref="EnableInterrupts"/>.</summary>
        public unsafe ulong InterruptCount => _irq == null ? 0 : _irq->Count;
        /// <summary>
        /// Sleeps that ended by their 10 ms bound with the device no longer busy: an interrupt that never came, or (under a
        /// loaded host) one that became pending just as the slice ran out and is delivered right after. Diagnostics only.
        /// </summary>
        public ulong LostInterrupts { get; private set; }
        /// <summary>Why <see cref="EnableInterrupts"/> failed, or null.</summary>
        public string InterruptError { get; private set; }

        /// <summary>
        /// Installs the channel's IRQ handler (<see cref="InterruptController.SetIrqHandler"/>) and clears nIEN, so that
        /// commands sleep until the device interrupts. Returns false (and <see cref="InterruptError"/> says why) when
        /// the IRQ cannot be had; the channel keeps polling then.
        /// </summary>
        public unsafe bool EnableInterrupts()
        {
            if (_irq != null) return true;
            if ((uint)Irq > 15) { InterruptError = "no ISA IRQ for the channel"; return false; }
            s_byIrq ??= new AtaChannel[16];
            if (s_byIrq[Irq] != null && s_byIrq[Irq] != this) { InterruptError = string.Concat("IRQ ", Irq.ToString(), " belongs to another channel"); return false; }
            var st = (IrqState*)Heap.Alloc((ulong)sizeof(IrqState));
            if (st == null) { InterruptError = "out of memory"; return false; }
            s_byIrq[Irq] = this;
            _irq = st;
            try { InterruptController.SetIrqHandler(Irq, &OnInterrupt); }
            catch (Exception e) { _irq = null; s_byIrq[Irq] = null; InterruptError = e.Message; return false; }
            _ = In8(7);                                   // drop a request left from polled commands
            IOPort.Write8(ControlPort, 0);                // nIEN clear: INTRQ drives the IRQ
            return true;
        }

        /// <summary>The IRQ handler: reads Status (which makes the device release INTRQ), counts, wakes the waiter. No allocation.</summary>
        private static unsafe void OnInterrupt(InterruptFrame* frame)
        {
            int irq = (int)(frame->Vector & 0xFF) - INTs.IrqBase;
            var table = s_byIrq;
            if (table == null || (uint)irq > 15) return;
            var ch = table[irq];
            if (ch == null || ch._irq == null) return;
            ch._irq->Status = IOPort.Read8((ushort)(ch.CommandBase + 7));
            ch._irq->Count++;
            Scheduler.WakeAll(&ch._irq->Waiters);
        }

        /// <summary>True when this command may sleep on the IRQ: set up, wanted, a scheduler to sleep in, interrupts on, not in a handler.</summary>
        private unsafe bool CanSleep => _irq != null && UseInterrupts && Scheduler.IsInitialized && CPU.InterruptsEnabled && InterruptDispatcher.Depth == 0;

        /// <summary>
        /// Starts a command's wait context: when it may sleep, disables interrupts (returning the flags to restore) so
        /// that no interrupt of the command is counted before the caller notes <paramref name="seen"/>.
        /// </summary>
        private unsafe ulong BeginCommand(out bool sleeps, out ulong seen)
        {
            sleeps = CanSleep;
            ulong flags = sleeps ? CPU.SaveAndDisableInterrupts() : 0;
            seen = _irq != null ? _irq->Count : 0;
            return flags;
        }

        private static void EndCommand(bool sleeps, ulong flags)
        {
            if (sleeps) CPU.RestoreInterrupts(flags);
        }

        /// <summary>
        /// Waits for the device's next step: sleeps until the interrupt count moves past <paramref name="seen"/> (in
        /// 10 ms slices, re-checking BSY between them) when <paramref name="sleeps"/>, then polls until BSY clears.
        /// Returns the status.
        /// </summary>
        private unsafe byte WaitDevice(bool sleeps, ref ulong seen, ulong deadline, string device, byte command)
        {
            if (sleeps)
            {
                ulong slice = HAL.Deadline.Ticks(10);
                while (_irq->Count == seen)
                {
                    ulong now = Native.Rdtsc();
                    if (now > deadline) break;
                    ulong until = now + slice < deadline ? now + slice : deadline;
                    Scheduler.Block(&_irq->Waiters, until);
                    if (_irq->Count == seen && (AltStatus & StatusBsy) == 0) { LostInterrupts++; break; }
                }
                seen = _irq->Count;
            }
            return WaitNotBusy(deadline, device, command);
        }

        /// <summary>Number of commands written to the Command register (tests check that many sectors are one command).</summary>
        public ulong CommandsIssued { get; private set; }

        /// <summary>Base of the channel's bus-master registers (BAR4 + 0 primary, + 8 secondary; 0: no bus-master DMA).</summary>
        public readonly ushort BusMasterBase;
        private ulong _prdt;           // one 4 KiB page of PRD entries (DMA memory below 4 GiB)

        /// <summary>Most sectors one DMA command moves: the PRD table (512 entries of ≤ 64 KiB, none crossing a 64 KiB boundary) then covers it.</summary>
        public const int MaxDmaSectors = 32768;

        /// <summary>
        /// Fills <paramref name="table"/> (pairs of dwords) with the Physical Region Descriptors for
        /// [<paramref name="address"/>, + <paramref name="bytes"/>) (Bus Master IDE 1.0 §1.2): dword 0 the base address,
        /// dword 1 bits 15–0 the byte count (0 = 64 KiB) and bit 31 EOT on the last entry; a region never crosses a
        /// 64 KiB boundary, so an entry ends at the next one. Returns the number of entries, or 0 when
        /// <paramref name="bytes"/> is 0, the address is odd, the region is not below 4 GiB, or the table is too small.
        /// Pure (host tests check it).
        /// </summary>
        public static int BuildPrdTable(ulong address, uint bytes, Span<uint> table)
        {
            if (bytes == 0 || (address & 1) != 0 || address + bytes > 0x1_0000_0000UL) return 0;
            int n = 0;
            uint left = bytes;
            while (left > 0)
            {
                if (2 * n + 1 >= table.Length) return 0;
                uint chunk = 0x10000u - (uint)(address & 0xFFFF);
                if (chunk > left) chunk = left;
                table[2 * n] = (uint)address;
                table[2 * n + 1] = chunk & 0xFFFF;
                address += chunk; left -= chunk; n++;
            }
            table[2 * n - 1] |= 0x8000_0000u;
            return n;
        }

        /// <summary>A channel at the given ports (touches no hardware).</summary>
        public AtaChannel(string name, ushort commandBase, ushort controlPort, int irq, ushort busMasterBase = 0)
        {
            Name = name; CommandBase = commandBase; ControlPort = controlPort; Irq = irq; BusMasterBase = busMasterBase;
        }

        /// <summary>True when the channel can do bus-master DMA (a bus-master register block; the PRD page is allocated on first use).</summary>
        public bool HasBusMaster => BusMasterBase != 0;

        // Bus Master IDE registers (Programming Interface for Bus Master IDE Controller 1.0 §2): Command (+0: bit 0 Start,
        // bit 3 Read/Write = 1 when the bus master writes memory), Status (+2: bit 0 Active, bit 1 Error, bit 2 Interrupt;
        // bits 1 and 2 write-1-to-clear), PRD table address (+4, dword aligned).
        private const byte BmStart = 0x01, BmToMemory = 0x08, BmActive = 0x01, BmError = 0x02, BmInterrupt = 0x04;

        /// <summary>
        /// One DMA command (READ DMA (EXT) / WRITE DMA (EXT)) for <paramref name="count"/> sectors at <paramref name="lba"/>
        /// moving <paramref name="bytes"/> between the device and [<paramref name="buffer"/>, + bytes) (physical = virtual;
        /// the caller ensures an even address below 4 GiB and at most <see cref="MaxDmaSectors"/> sectors). Builds the PRD
        /// table (entries split at 64 KiB boundaries, EOT on the last), starts the bus master, issues the command and
        /// waits for the IRQ (or polls BSY), then stops the bus master. Bus-master Error or ATA ERR/DF throws
        /// <see cref="IOException"/> naming the device, command and LBA.
        /// </summary>
        public void DmaTransfer(string device, int drive, byte command, ulong lba, int count, bool lba48, byte* buffer, uint bytes, bool toMemory)
        {
            if (!HasBusMaster) throw new InvalidOperationException(string.Concat(device, ": the channel has no bus-master registers"));
            if (((ulong)buffer & 1) != 0 || (ulong)buffer + bytes > DmaMemory.Limit32 || count > MaxDmaSectors)
                throw new ArgumentException("DMA buffers must be word aligned, below 4 GiB, and at most MaxDmaSectors sectors");
            if (_prdt == 0)
            {
                _prdt = DmaMemory.Allocate(4096, zero: true);
                if (_prdt == 0) throw new IOException(string.Concat(device, ": no DMA memory for the PRD table"));
            }
            if (BuildPrdTable((ulong)buffer, bytes, new Span<uint>((void*)_prdt, 1024)) == 0)
                throw new ArgumentException("the transfer does not fit one PRD table");
            ushort bm = BusMasterBase;
            ulong flags = BeginCommand(out bool sleeps, out ulong seen);
            byte s;
            try
            {
                IOPort.Write32((ushort)(bm + 4), (uint)_prdt);
                IOPort.Write8(bm, toMemory ? BmToMemory : (byte)0);
                IOPort.Write8((ushort)(bm + 2), (byte)(IOPort.Read8((ushort)(bm + 2)) | BmError | BmInterrupt));
                WriteTaskFile(drive, lba, count, lba48);
                Out8(7, command);
                CommandsIssued++;
                IOPort.Write8(bm, (byte)((toMemory ? BmToMemory : 0) | BmStart));
                Delay400ns();
                try
                {
                    s = WaitDevice(sleeps, ref seen, Deadline(CommandTimeoutMs), device, command);
                    ulong deadline = Deadline(CommandTimeoutMs);
                    while ((IOPort.Read8((ushort)(bm + 2)) & (BmActive | BmInterrupt | BmError)) == BmActive)
                        if (Native.Rdtsc() > deadline) throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " at LBA ", lba.ToString(), ": the bus master stays active"));
                }
                finally { IOPort.Write8(bm, toMemory ? BmToMemory : (byte)0); }   // Start cleared in every case
                _ = In8(7);
            }
            finally { EndCommand(sleeps, flags); }
            byte bms = IOPort.Read8((ushort)(bm + 2));
            IOPort.Write8((ushort)(bm + 2), (byte)(bms | BmError | BmInterrupt));
            if ((s & (StatusErr | StatusDf)) != 0) throw Failed(device, command, lba, true, s, false);
            if ((bms & BmError) != 0) throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " at LBA ", lba.ToString(),
                " failed: bus-master error (bus-master status ", HalFormat.Hex(bms, 2), ")"));
        }

        private byte In8(int reg) => IOPort.Read8((ushort)(CommandBase + reg));
        private void Out8(int reg, byte v) => IOPort.Write8((ushort)(CommandBase + reg), v);

        /// <summary>The Alternate Status register (reading it does not acknowledge an interrupt).</summary>
        public byte AltStatus => IOPort.Read8(ControlPort);

        /// <summary>The Error register.</summary>
        public byte Error => In8(1);

        /// <summary>The 400 ns the device may take to post a valid status after a command or a drive select: four reads of Alternate Status.</summary>
        private void Delay400ns() { _ = AltStatus; _ = AltStatus; _ = AltStatus; _ = AltStatus; }

        /// <summary>A TSC deadline <paramref name="ms"/> from now (with an assumed 3 GHz when the TSC is not calibrated).</summary>
        private static ulong Deadline(int ms) => HAL.Deadline.After((ulong)ms);

        /// <summary>
        /// Soft reset of both drives (SRST in Device Control for ≥ 5 µs, then ≥ 2 ms; ATA/ATAPI-7 Vol. 2 §9.2), leaving nIEN
        /// set (polled operation). Device 0 is selected first, so the wait for BSY reads device 0's status: QEMU (since
        /// 5.2) performs the reset later, in its main loop, with BSY set on both devices until then, and ignores writes to
        /// the command block while BSY is set. With device 1 selected and absent (as the firmware may leave it), Status
        /// read 0, the wait ended at once, and the IDENTIFY of device 0 that followed was dropped when QEMU's main loop was
        /// slow (a loaded host): the disk was not found. Returns false when nobody drives the bus (Status reads 0xFF: no
        /// channel) or the drives stay busy for <paramref name="timeoutMs"/>.
        /// </summary>
        public bool Reset(int timeoutMs = 5000)
        {
            if (AltStatus == 0xFF) return false;
            Select(0, 0);
            IOPort.Write8(ControlPort, ControlSrst | ControlNien);
            Spin(Deadline(1));
            IOPort.Write8(ControlPort, ControlNien);
            Spin(Deadline(3));
            _selected = -1;
            ulong deadline = Deadline(timeoutMs);
            while ((AltStatus & StatusBsy) != 0)
                if (Native.Rdtsc() > deadline) return false;
            return true;
        }

        private static void Spin(ulong deadline) { while (Native.Rdtsc() < deadline) Native.Pause(); }

        /// <summary>Selects <paramref name="drive"/> (0 master, 1 slave) with the LBA bit and LBA bits 27–24 for 28-bit commands.</summary>
        private void Select(int drive, byte lbaHigh4)
        {
            Out8(6, (byte)(0xE0 | drive << 4 | (lbaHigh4 & 0x0F)));
            if (_selected != drive) { Delay400ns(); _selected = drive; }
        }

        /// <summary>Waits until BSY clears; returns the status. Throws <see cref="IOException"/> when <paramref name="deadline"/> passes.</summary>
        private byte WaitNotBusy(ulong deadline, string device, byte command)
        {
            while (true)
            {
                byte s = AltStatus;
                if ((s & StatusBsy) == 0) return s;
                if (Native.Rdtsc() > deadline)
                    throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " timed out: still busy after ",
                        CommandTimeoutMs.ToString(), " ms (status ", HalFormat.Hex(s, 2), ")"));
                Native.Pause();
            }
        }

        private IOException Failed(string device, byte command, ulong lba, bool hasLba, byte status, bool packet)
        {
            byte err = Error;
            string where = hasLba ? string.Concat(" at LBA ", lba.ToString()) : "";
            string what = (status & StatusDf) != 0 ? "device fault" : AtaCommand.DescribeError(err, packet);
            return new IOException(string.Concat(device, ": ", AtaCommand.Name(command), where, " failed: ", what,
                " (status ", HalFormat.Hex(status, 2), ", error ", HalFormat.Hex(err, 2), ")"));
        }

        /// <summary>
        /// Probes <paramref name="drive"/>: IDENTIFY DEVICE, or IDENTIFY PACKET DEVICE when the device aborts it with the
        /// packet signature in LBA Mid/High (14h/EBh; ATA/ATAPI-7 Vol. 2 §9.12). Returns null when no device answers
        /// (Status 0 or 0xFF after the command), else the response; throws <see cref="IOException"/> when the device stays
        /// busy for 2 s.
        /// </summary>
        public AtaIdentify Identify(int drive, string device)
        {
            Select(drive, 0);
            Out8(2, 0); Out8(3, 0); Out8(4, 0); Out8(5, 0);
            Out8(7, AtaCommand.IdentifyDevice);
            CommandsIssued++;
            Delay400ns();
            byte s = AltStatus;
            if (s == 0 || s == 0xFF) return null;
            ulong deadline = Deadline(2000);
            while ((s & StatusBsy) != 0)
            {
                // Something drives the bus and stays busy: a device that does not answer, not an empty position.
                if (Native.Rdtsc() > deadline)
                    throw new IOException(string.Concat(device, ": IDENTIFY DEVICE timed out: still busy after 2000 ms (status ", HalFormat.Hex(s, 2), ")"));
                s = AltStatus;
            }
            byte command = AtaCommand.IdentifyDevice;
            if ((s & StatusErr) != 0)
            {
                byte mid = In8(4), high = In8(5);
                if (!(mid == 0x14 && high == 0xEB) && !(mid == 0x69 && high == 0x96)) return null;
                command = AtaCommand.IdentifyPacketDevice;
                Out8(7, command);
                CommandsIssued++;
                Delay400ns();
                s = WaitNotBusy(Deadline(2000), device, command);
                if ((s & StatusErr) != 0) throw Failed(device, command, 0, false, s, true);
            }
            if ((s & StatusDrq) == 0) throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " returned no data (status ", HalFormat.Hex(s, 2), ")"));
            Span<byte> data = stackalloc byte[AtaIdentify.Size];
            ReadData(data);
            _ = In8(7);
            return new AtaIdentify(data);
        }

        private void ReadData(Span<byte> block)
        {
            ushort port = CommandBase;
            for (int i = 0; i + 1 < block.Length; i += 2)
            {
                ushort w = IOPort.Read16(port);
                block[i] = (byte)w;
                block[i + 1] = (byte)(w >> 8);
            }
        }

        private void WriteData(ReadOnlySpan<byte> block)
        {
            ushort port = CommandBase;
            for (int i = 0; i + 1 < block.Length; i += 2) IOPort.Write16(port, (ushort)(block[i] | block[i + 1] << 8));
        }

        private void WriteTaskFile(int drive, ulong lba, int count, bool lba48)
        {
            if (lba48)
            {
                Select(drive, 0);
                Out8(6, (byte)(0x40 | drive << 4));
                Out8(2, (byte)(count >> 8)); Out8(3, (byte)(lba >> 24)); Out8(4, (byte)(lba >> 32)); Out8(5, (byte)(lba >> 40));
                Out8(2, (byte)count); Out8(3, (byte)lba); Out8(4, (byte)(lba >> 8)); Out8(5, (byte)(lba >> 16));
            }
            else
            {
                Select(drive, (byte)(lba >> 24));
                Out8(2, (byte)count); Out8(3, (byte)lba); Out8(4, (byte)(lba >> 8)); Out8(5, (byte)(lba >> 16));
            }
        }

        /// <summary>
        /// One PIO data-in command (READ SECTORS / READ SECTORS EXT) for <paramref name="count"/> sectors of
        /// <paramref name="sectorSize"/> bytes at <paramref name="lba"/> (1–256 for 28-bit, 1–65,536 for 48-bit; the
        /// register value 0 means the maximum). Throws <see cref="IOException"/> with the failing LBA on an error or timeout.
        /// </summary>
        public void PioRead(string device, int drive, byte command, ulong lba, int count, bool lba48, Span<byte> buffer, int sectorSize)
        {
            ulong flags = BeginCommand(out bool sleeps, out ulong seen);
            try { PioReadCore(device, drive, command, lba, count, lba48, buffer, sectorSize, sleeps, seen); }
            finally { EndCommand(sleeps, flags); }
        }

        private void PioReadCore(string device, int drive, byte command, ulong lba, int count, bool lba48, Span<byte> buffer, int sectorSize, bool sleeps, ulong seen)
        {
            WriteTaskFile(drive, lba, count, lba48);
            Out8(7, command);
            CommandsIssued++;
            for (int i = 0; i < count; i++)
            {
                Delay400ns();
                byte s = WaitDevice(sleeps, ref seen, Deadline(CommandTimeoutMs), device, command);
                if ((s & (StatusErr | StatusDf)) != 0) throw Failed(device, command, lba + (ulong)i, true, s, false);
                if ((s & StatusDrq) == 0) throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " at LBA ",
                    (lba + (ulong)i).ToString(), ": the device offered no data (status ", HalFormat.Hex(s, 2), ")"));
                ReadData(buffer.Slice(i * sectorSize, sectorSize));
            }
            byte end = In8(7);    // Status: also acknowledges INTRQ
            if ((end & (StatusErr | StatusDf)) != 0) throw Failed(device, command, lba + (ulong)count - 1, true, end, false);
        }

        /// <summary>One PIO data-out command (WRITE SECTORS / WRITE SECTORS EXT); see <see cref="PioRead"/>.</summary>
        public void PioWrite(string device, int drive, byte command, ulong lba, int count, bool lba48, ReadOnlySpan<byte> data, int sectorSize)
        {
            ulong flags = BeginCommand(out bool sleeps, out ulong seen);
            try { PioWriteCore(device, drive, command, lba, count, lba48, data, sectorSize, sleeps, seen); }
            finally { EndCommand(sleeps, flags); }
        }

        private void PioWriteCore(string device, int drive, byte command, ulong lba, int count, bool lba48, ReadOnlySpan<byte> data, int sectorSize, bool sleeps, ulong seen)
        {
            WriteTaskFile(drive, lba, count, lba48);
            Out8(7, command);
            CommandsIssued++;
            for (int i = 0; i < count; i++)
            {
                Delay400ns();
                // PIO data-out: the first block is asked for without an interrupt; each later one after an interrupt.
                byte s = i == 0 ? WaitNotBusy(Deadline(CommandTimeoutMs), device, command) : WaitDevice(sleeps, ref seen, Deadline(CommandTimeoutMs), device, command);
                if ((s & (StatusErr | StatusDf)) != 0) throw Failed(device, command, lba + (ulong)i, true, s, false);
                if ((s & StatusDrq) == 0) throw new IOException(string.Concat(device, ": ", AtaCommand.Name(command), " at LBA ",
                    (lba + (ulong)i).ToString(), ": the device did not ask for data (status ", HalFormat.Hex(s, 2), ")"));
                WriteData(data.Slice(i * sectorSize, sectorSize));
            }
            Delay400ns();
            byte e = WaitDevice(sleeps, ref seen, Deadline(CommandTimeoutMs), device, command);
            _ = In8(7);
            if ((e & (StatusErr | StatusDf)) != 0) throw Failed(device, command, lba + (ulong)count - 1, true, e, false);
        }

        /// <summary>A non-data command (FLUSH CACHE, FLUSH CACHE EXT): waits until it completes; throws <see cref="IOException"/> on error or timeout.</summary>
        public void NonData(string device, int drive, byte command, int timeoutMs = 30_000)
        {
            ulong flags = BeginCommand(out bool sleeps, out ulong seen);
            byte s;
            try
            {
                Select(drive, 0);
                Out8(7, command);
                CommandsIssued++;
                Delay400ns();
                s = WaitDevice(sleeps, ref seen, Deadline(timeoutMs), device, command);
                _ = In8(7);
            }
            finally { EndCommand(sleeps, flags); }
            if ((s & (StatusErr | StatusDf)) != 0) throw Failed(device, command, 0, false, s, false);
        }

        /// <summary>
        /// A PACKET command with PIO data-in (ATA/ATAPI-7 Vol. 2 §11.8): sends the 12-byte <paramref name="cdb"/> when the
        /// device asks for it, then reads each DRQ block (its size from the Byte Count in LBA Mid/High, at most
        /// <paramref name="byteCountLimit"/>) into <paramref name="buffer"/>. Returns the number of bytes the device sent
        /// (bytes beyond the buffer are read and dropped). CHECK CONDITION throws <see cref="PacketCheckCondition"/>
        /// (an <see cref="IOException"/> carrying the sense key); a timeout throws <see cref="IOException"/>.
        /// </summary>
        public int PacketRead(string device, int drive, ReadOnlySpan<byte> cdb, Span<byte> buffer, int byteCountLimit, ulong lbaForErrors, bool hasLba)
        {
            ulong flags = BeginCommand(out bool sleeps, out ulong seen);
            try { return PacketReadCore(device, drive, cdb, buffer, byteCountLimit, lbaForErrors, hasLba, sleeps, seen); }
            finally { EndCommand(sleeps, flags); }
        }

        private int PacketReadCore(string device, int drive, ReadOnlySpan<byte> cdb, Span<byte> buffer, int byteCountLimit, ulong lbaForErrors, bool hasLba, bool sleeps, ulong seen)
        {
            const byte command = AtaCommand.Packet;
            Select(drive, 0);
            Out8(1, 0);                                  // Features: PIO, no overlap
            Out8(4, (byte)byteCountLimit); Out8(5, (byte)(byteCountLimit >> 8));
            Out8(7, command);
            CommandsIssued++;
            Delay400ns();
            byte s = WaitNotBusy(Deadline(CommandTimeoutMs), device, command);
            if ((s & StatusErr) != 0) throw Check(device, lbaForErrors, hasLba, s);
            if ((s & StatusDrq) == 0) throw new IOException(string.Concat(device, ": PACKET: the device did not ask for the command packet (status ", HalFormat.Hex(s, 2), ")"));
            Span<byte> packet = stackalloc byte[12];
            packet.Clear();
            cdb.Slice(0, Math.Min(12, cdb.Length)).CopyTo(packet);
            // An interrupt for the packet request (DRQ type 01b devices) must not count as the data one.
            if (_irq != null) seen = _irqCountNow();
            WriteData(packet);
            int total = 0;
            while (true)
            {
                Delay400ns();
                s = WaitDevice(sleeps, ref seen, Deadline(CommandTimeoutMs), device, command);
                if ((s & StatusErr) != 0) throw Check(device, lbaForErrors, hasLba, s);
                if ((s & StatusDrq) == 0) break;
                int n = In8(4) | In8(5) << 8;
                if (n == 0 || n > byteCountLimit + 1) throw new IOException(string.Concat(device, ": PACKET: bad byte count ", n.ToString(), " (limit ", byteCountLimit.ToString(), ")"));
                ushort port = CommandBase;
                for (int i = 0; i < n; i += 2)
                {
                    ushort w = IOPort.Read16(port);
                    int at = total + i;
                    if (at < buffer.Length) buffer[at] = (byte)w;
                    if (at + 1 < buffer.Length) buffer[at + 1] = (byte)(w >> 8);
                }
                total += n;
            }
            _ = In8(7);
            return total;
        }

        private unsafe ulong _irqCountNow() => _irq->Count;

        private IOException Check(string device, ulong lba, bool hasLba, byte status)
        {
            byte err = Error;
            string where = hasLba ? string.Concat(" at LBA ", lba.ToString()) : "";
            return new PacketCheckCondition(string.Concat(device, ": PACKET", where, " failed: ", AtaCommand.DescribeError(err, true),
                " (status ", HalFormat.Hex(status, 2), ", error ", HalFormat.Hex(err, 2), ")"), err >> 4);
        }
    }

    /// <summary>A packet command ended with CHECK CONDITION; <see cref="SenseKey"/> is the SCSI sense key from the Error register (2 not ready, 6 unit attention, ...).</summary>
    public sealed class PacketCheckCondition : IOException
    {
        /// <summary>SCSI sense key (SPC-3 §4.5.6).</summary>
        public readonly int SenseKey;
        /// <summary>Creates the exception.</summary>
        public PacketCheckCondition(string message, int senseKey) : base(message) { SenseKey = senseKey; }
    }
}
