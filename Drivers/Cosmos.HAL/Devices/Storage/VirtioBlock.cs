using System;
using System.IO;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;
using Cosmos.Core.Threading;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;
using Cosmos.HAL.Devices.Virtio;

namespace Cosmos.HAL.Devices.Storage
{
    using Cosmos.HAL.BlockDevice;

    /// <summary>
    /// A virtio block device (Virtual I/O Device 1.0 §5.2): vendor 1AF4h, device 1042h (modern) or 1001h (transitional),
    /// through the modern PCI interface when the device has its capabilities and the legacy I/O register block otherwise
    /// (<see cref="VirtioPciTransport"/>). Start: reset, ACKNOWLEDGE, DRIVER, features (FLUSH accepted when offered; RO
    /// and BLK_SIZE read; VERSION_1 and FEATURES_OK on the modern interface), queue 0 set up as a split virtqueue in DMA
    /// memory (descriptor table, available ring, used ring at the next 4 KiB boundary; §2.4), DRIVER_OK. Capacity from
    /// the device configuration (offset 0: 512-byte sectors). Each request is three descriptors: header (type, sector), the
    /// data (the caller's buffer: RAM is identity-mapped and never moved), status byte; up to
    /// <see cref="MaxSectorsPerRequest"/> sectors per request; one request at a time with a deadline. In APIC mode queue 0
    /// interrupts through MSI-X entry 0 (<see cref="PCIDevice.EnableMsix"/>; the legacy header then has the two MSI-X
    /// vector registers and the configuration at 18h); without MSI-X (QEMU's <c>vectors=0</c>, PIC mode) through the
    /// INTx# line, acknowledged by reading the ISR status (§4.1.4.5); a request sleeps until its interrupt (10 ms slices
    /// re-check the used index). With neither, requests poll the used index. Status IOERR/UNSUPP and timeouts throw <see cref="IOException"/>
    /// naming the device, the request and the sector.
    /// </summary>
    public sealed unsafe class VirtioBlock : BlockDevice
    {
        private const uint FeatureRo = 1u << 5, FeatureBlkSize = 1u << 6, FeatureFlush = 1u << 9;
        private const uint TypeIn = 0, TypeOut = 1, TypeFlush = 4;
        private const ushort DescNext = 1, DescWrite = 2;

        /// <summary>Most sectors one request carries (16 MiB).</summary>
        public const int MaxSectorsPerRequest = 32768;
        /// <summary>Milliseconds a request may take.</summary>
        public const int RequestTimeoutMs = 10_000;

        /// <summary>The PCI function.</summary>
        public readonly PCIDevice Pci;
        private VirtioPciTransport _transport;
        private ushort _queueSize;
        private ulong _ring;          // descriptor table + available ring, then the used ring at the next page
        private ulong _usedOffset;
        private ulong _request;       // one page: header at 0 (16 bytes), status at 16
        private ushort _lastUsed;
        private ulong _features;

        // With MSI-X enabled the legacy header has two more registers and the device configuration moves to 18h (§4.1.4.8).

        private struct IrqState
        {
            public WaitQueue Waiters;
            public ulong Count;
        }

        private IrqState* _irq;
        // Device by MSI-X vector (index vector − FirstDynamicVector) for the handler; created by the first set-up.
        private static VirtioBlock[] s_byVector;

        /// <summary>The MSI-X vector of queue 0, or −1 (no MSI-X: <see cref="LegacyIrq"/>, or requests poll).</summary>
        public int MsixVector { get; private set; } = -1;
        /// <summary>The ISA IRQ of the INTx# line the device interrupts on when it has no MSI-X, or −1.</summary>
        public int LegacyIrq { get; private set; } = -1;
        /// <summary>Why interrupts are not used (null when they are); with INTx#, why MSI-X is not.</summary>
        public string InterruptError { get; private set; }
        /// <summary>When false, requests poll even though the queue interrupts (tests compare both).</summary>
        public bool UseInterrupts { get; set; } = true;
        /// <summary>Queue interrupts handled.</summary>
        public ulong InterruptCount => _irq == null ? 0 : _irq->Count;
        /// <summary>Sleeps that ended by their 10 ms bound with the request already complete (an interrupt that never came, or one still pending as the slice ran out). Diagnostics only.</summary>
        public ulong LostInterrupts { get; private set; }

        // Devices on INTx# lines, for the shared-line handler (allocation-free in interrupt context).
        private static readonly LegacyInterruptUsers<VirtioBlock> s_legacy = new(16, "virtio-blk devices");

        /// <summary>The queue's MSI-X handler: counts and wakes the waiter. No allocation.</summary>
        private static void OnInterrupt(InterruptFrame* frame)
        {
            int i = (int)(frame->Vector & 0xFF) - InterruptController.FirstDynamicVector;
            var table = s_byVector;
            if (table == null || (uint)i >= (uint)table.Length) return;
            var v = table[i];
            if (v == null || v._irq == null) return;
            v.Wake();
        }

        /// <summary>
        /// The INTx# handler (one of the line's chain): for every virtio-blk on this IRQ, reads the ISR status, which
        /// acknowledges it and deasserts the line (Virtual I/O Device 1.0 §4.1.4.5.1); bit 0 (a used buffer) wakes the
        /// waiter, a device with ISR 0 did not assert the line. No allocation.
        /// </summary>
        private static void OnLegacyInterrupt(InterruptFrame* frame)
        {
            int irq = (int)(frame->Vector & 0xFF) - InterruptController.VectorOf(0);
            for (int i = 0; i < s_legacy.Count; i++)
            {
                var v = s_legacy[i];
                if (s_legacy.IrqOf(i) != irq || v._irq == null || v._transport == null) continue;
                if ((v._transport.ReadIsr() & 1) != 0) v.Wake();
            }
        }

        private void Wake()
        {
            _irq->Count++;
            Scheduler.WakeAll(&_irq->Waiters);
        }

        /// <summary>
        /// Before DRIVER_OK: MSI-X entry 0 for queue 0 and none for configuration changes (APIC mode); else the INTx#
        /// line (PIC or I/O APIC, possibly shared). Returns false (and sets <see cref="InterruptError"/>) when neither can
        /// be had; requests then poll. Without MSI-X the device keeps the short legacy header (configuration at 14h).
        /// </summary>
        private bool SetUpInterrupts()
        {
            var st = (IrqState*)Heap.Alloc((ulong)sizeof(IrqState));
            if (st == null) { InterruptError = "out of memory"; return false; }
            string noMsix;
            if (InterruptController.Mode != InterruptControllerMode.Apic) noMsix = "MSI-X needs APIC mode";
            else if (Pci.MsiDisabled) noMsix = "MSI-X disabled for this function (PCIDevice.MsiDisabled)";
            else
            {
                int vector = -1;
                noMsix = null;
                try { vector = Pci.EnableMsix(0, &OnInterrupt); }
                catch (InvalidOperationException e) { noMsix = e.Message; }
                if (vector >= 0)
                {
                    s_byVector ??= new VirtioBlock[InterruptController.LastDynamicVector - InterruptController.FirstDynamicVector + 1];
                    s_byVector[vector - InterruptController.FirstDynamicVector] = this;
                    _irq = st;
                    if (_transport.SetMsixVector(0, 0)) { MsixVector = vector; return true; }
                    // The device refused the entry: back to the short header and INTx#.
                    _transport.ClearMsixVector(0);
                    Pci.DisableMsix();
                    _irq = null;
                    noMsix = "the device refused MSI-X entry 0 for queue 0";
                }
                else noMsix ??= "no MSI-X capability or no free vector";
            }
            _irq = st;                                         // ready before the line can fire
            int irq = s_legacy.Add(this, Pci, &OnLegacyInterrupt, out string intxError);
            if (irq < 0) { _irq = null; InterruptError = noMsix + "; " + intxError; return false; }
            LegacyIrq = irq;
            InterruptError = noMsix;
            return true;
        }

        /// <summary>Requests sent (tests check that many sectors are one request).</summary>
        public ulong RequestsIssued { get; private set; }
        /// <summary>Entries of queue 0 (set by the device).</summary>
        public int QueueSize => _queueSize;
        /// <summary>True when the device offers VIRTIO_BLK_F_FLUSH (FLUSH requests are sent; without it Flush has nothing to do: the device writes through).</summary>
        public bool SupportsFlush => (_features & FeatureFlush) != 0;

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public VirtioBlock(PCIDevice pci)
            : base(string.Concat("virtio-blk ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), DeviceStage.Drivers, 0, pci)
        {
            Pci = pci;
        }

        /// <summary>True for a virtio block device: 1AF4:1042 (modern) or 1AF4:1001 (transitional).</summary>
        public static bool Handles(PCIDevice pci) => pci.VendorID == 0x1AF4 && (pci.DeviceID == 0x1042 || pci.DeviceID == 0x1001);

        /// <summary>"modern" or "legacy": the PCI interface in use (null before the start).</summary>
        public string Interface => _transport?.Kind;

        /// <inheritdoc/>
        public override BlockDeviceType Type => BlockDeviceType.HardDrive;
        /// <inheritdoc/>
        public override bool IsReadOnly => (_features & FeatureRo) != 0;


        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (_transport == null)
            {
                _transport = VirtioPciTransport.Open(Pci, out error);
                if (_transport == null) return false;
            }
            ulong offered = _transport.ResetAndAcknowledge();
            if (!_transport.SetFeatures(offered & (FeatureRo | FeatureBlkSize | FeatureFlush), out error)) return false;
            _features = _transport.Features;
            _queueSize = _transport.QueueSize(0);
            if (_queueSize == 0 || _queueSize < 3) { _transport.Status = VirtioPciTransport.StatusFailed; error = string.Concat("queue 0 has ", _queueSize.ToString(), " entries"); return false; }
            if (_transport.QueueInUse(0)) { _transport.Status = VirtioPciTransport.StatusFailed; error = "queue 0 is already in use"; return false; }
            ulong n = _queueSize;
            _usedOffset = VirtioPciTransport.UsedRingOffset(n);
            if (_ring == 0) _ring = DmaMemory.Allocate(VirtioPciTransport.RingBytes(n), zero: true, limit: 1UL << 44);
            if (_request == 0) _request = DmaMemory.Allocate(4096, zero: true);
            if (_ring == 0 || _request == 0) { _transport.Status = VirtioPciTransport.StatusFailed; error = "no DMA memory for the virtqueue"; return false; }
            _lastUsed = 0;
            _transport.SetQueue(0, _queueSize, _ring);
            if (MsixVector >= 0) { if (!_transport.SetMsixVector(0, 0)) { error = "the device refused MSI-X entry 0 for queue 0 on restart"; return false; } }
            else if (LegacyIrq < 0) SetUpInterrupts();
            _transport.Status = _transport.RunningStatus;
            if ((_transport.Status & VirtioPciTransport.StatusFailed) != 0) { error = "the device set FAILED after DRIVER_OK"; return false; }
            ulong capacity = _transport.Config64(0);
            uint blk = (_features & FeatureBlkSize) != 0 ? _transport.Config32(20) : 512;
            if (blk != 512) { error = string.Concat("block size ", blk.ToString(), " is not supported (512 only)"); return false; }
            BlockSize = 512;
            BlockCount = capacity;
            error = null;
            return true;
        }

        /// <summary>Sends one request (header, optional data, status) and waits for the device to return it.</summary>
        private void Submit(uint type, ulong sector, byte* data, uint bytes, string what)
        {
            ulong* header = (ulong*)_request;
            header[0] = type;                                  // type (u32) + reserved (u32)
            header[1] = sector;
            byte* status = (byte*)_request + 16;
            *status = 0xFF;
            var desc = (ulong*)_ring;                          // 16 bytes each: addr u64, len u32, flags u16, next u16
            int d = 0;
            SetDesc(desc, d, _request, 16, DescNext, (ushort)(d + 1)); d++;
            if (bytes != 0)
            {
                SetDesc(desc, d, (ulong)data, bytes, (ushort)(DescNext | (type == TypeIn ? DescWrite : 0)), (ushort)(d + 1));
                d++;
            }
            SetDesc(desc, d, _request + 16, 1, DescWrite, 0);
            ushort* avail = (ushort*)(_ring + 16 * (ulong)_queueSize);   // flags, idx, ring[]
            ushort idx = Volatile.Read(ref avail[1]);
            avail[2 + idx % _queueSize] = 0;                   // the chain starts at descriptor 0
            Thread.MemoryBarrier();
            Volatile.Write(ref avail[1], (ushort)(idx + 1));
            Thread.MemoryBarrier();
            bool sleeps = _irq != null && UseInterrupts && Scheduler.IsInitialized && CPU.InterruptsEnabled && InterruptDispatcher.Depth == 0;
            ulong flags = sleeps ? CPU.SaveAndDisableInterrupts() : 0;
            try
            {
                _transport.Notify(0);
                RequestsIssued++;
                ushort* used = (ushort*)(_ring + _usedOffset);     // flags, idx, ring[] of {id u32, len u32}
                ulong deadline = Deadline.After(RequestTimeoutMs);
                ulong slice = Deadline.Ticks(10);
                while (Volatile.Read(ref used[1]) == _lastUsed)
                {
                    ulong now = Native.Rdtsc();
                    if (now > deadline)
                        throw new IOException(string.Concat(Name, ": ", what, " timed out after ", RequestTimeoutMs.ToString(), " ms"));
                    if (sleeps)
                    {
                        ulong seen = _irq->Count;
                        Scheduler.Block(&_irq->Waiters, now + slice < deadline ? now + slice : deadline);
                        if (_irq->Count == seen && Volatile.Read(ref used[1]) != _lastUsed) LostInterrupts++;
                    }
                    else Native.Pause();
                }
            }
            finally { if (sleeps) CPU.RestoreInterrupts(flags); }
            _lastUsed++;
            if (_irq == null) _ = _transport.ReadIsr();                 // polled: acknowledges the (masked, unused) INTx# interrupt
            byte s = Volatile.Read(ref *status);
            if (s != 0)
                throw new IOException(string.Concat(Name, ": ", what, " failed: status ", s == 1 ? "IOERR" : s == 2 ? "UNSUPP" : HalFormat.Hex(s, 2)));
        }

        private static void SetDesc(ulong* table, int i, ulong addr, uint len, ushort flags, ushort next)
        {
            table[2 * i] = addr;
            table[2 * i + 1] = len | (ulong)flags << 32 | (ulong)next << 48;
        }

        private void Transfer(ulong lba, ulong count, byte* p, bool write)
        {
            lock (this)
            {
                while (count > 0)
                {
                    int n = (int)Math.Min(count, (ulong)MaxSectorsPerRequest);
                    Submit(write ? TypeOut : TypeIn, lba, p, (uint)n * 512,
                        string.Concat(write ? "write" : "read", " of ", n.ToString(), " sectors at LBA ", lba.ToString()));
                    lba += (ulong)n; count -= (ulong)n; p += n * 512;
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

        /// <summary>A FLUSH request when the device offers VIRTIO_BLK_F_FLUSH; otherwise the device has no volatile cache to flush (§5.2.6.2) and nothing is sent.</summary>
        protected override void FlushCache()
        {
            if (!SupportsFlush) return;
            lock (this) Submit(TypeFlush, 0, null, 0, "flush");
        }

        /// <summary>"virtio-blk 00:05.0 (Storage, Started): 32768 sectors of 512 bytes".</summary>
        public override string ToString() => string.Concat(base.ToString(), ": ", BlockCount.ToString(), " sectors of ", BlockSize.ToString(), " bytes",
            IsReadOnly ? ", read-only" : "", SupportsFlush ? ", flush" : "", _transport != null ? ", " + _transport.Kind + " interface" : "");
    }
}
