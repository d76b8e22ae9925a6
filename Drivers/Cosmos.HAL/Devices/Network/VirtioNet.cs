using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;
using Cosmos.HAL.Interrupts;
using Cosmos.HAL.Devices.Virtio;
using Cosmos.HAL.Network;

namespace Cosmos.HAL.Devices.Network
{
    /// <summary>
    /// A virtio network device (Virtual I/O Device 1.0 §5.1): vendor 1AF4h, device 1041h (modern) or 1000h (transitional),
    /// through the modern PCI interface when the device has its capabilities and the legacy I/O register block otherwise
    /// (<see cref="VirtioPciTransport"/>). Start: reset, ACKNOWLEDGE, DRIVER, features (MAC and STATUS accepted when
    /// offered, VERSION_1 on the modern interface; no offloads, no mergeable buffers, so every packet is preceded by a
    /// <c>virtio_net_hdr</c> of 12 bytes on the modern interface and 10 on the legacy one, §5.1.6), receiveq (queue 0) and
    /// transmitq (queue 1) set up as split virtqueues in DMA memory (§2.4), DRIVER_OK. Each buffer is a two-descriptor
    /// chain, header then frame (legacy devices without VIRTIO_F_ANY_LAYOUT expect the header in its own descriptor,
    /// §5.1.6.6): the receive queue keeps every chain posted and re-posts it after copying the frame out; transmit copies
    /// the frame into a free slot's buffer and reclaims slots from the used ring. MAC from the device configuration
    /// (offset 0) when VIRTIO_NET_F_MAC is offered, link state from its status field (bit 0 LINK_UP) when
    /// VIRTIO_NET_F_STATUS is. In APIC mode receiveq interrupts through MSI-X entry 0; otherwise receivers poll
    /// (<see cref="NetworkDevice.InterruptError"/>).
    /// </summary>
    public sealed unsafe class VirtioNet : NetworkDevice
    {
        private const uint FeatureMac = 1u << 5, FeatureStatus = 1u << 16;
        private const ushort DescNext = 1, DescWrite = 2;
        private const int BufferBytes = 2048;
        private int _headerBytes = 10;

        /// <summary>The PCI function.</summary>
        public readonly PCIDevice Pci;
        private VirtioPciTransport _transport;
        private ulong _features;
        private MACAddress _mac;
        private Queue _rx, _tx;
        private int _txSlotsInUse;

        private struct Queue
        {
            public ushort Size;          // entries (descriptors)
            public ulong Ring;           // descriptor table + available ring; used ring at UsedOffset
            public ulong UsedOffset;
            public ulong Headers;        // Size/2 headers of 16 bytes (10 used)
            public ulong Buffers;        // Size/2 buffers of BufferBytes
            public ushort LastUsed;
            public ushort NextAvail;     // tx: next slot to use
            public int Slots => Size / 2;
            public ushort* Avail => (ushort*)(Ring + 16 * (ulong)Size);
            public ushort* Used => (ushort*)(Ring + UsedOffset);
        }

        private static VirtioNet[] s_byVector;

        /// <summary>The MSI-X vector of receiveq, or −1 (receivers poll).</summary>
        public int MsixVector { get; private set; } = -1;

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public VirtioNet(PCIDevice pci)
            : base(string.Concat("virtio-net ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), DeviceStage.Drivers, 0, pci)
        {
            Pci = pci;
        }

        /// <summary>True for a virtio network device: 1AF4:1041 (modern) or 1AF4:1000 (transitional).</summary>
        public static bool Handles(PCIDevice pci) => pci.VendorID == 0x1AF4 && (pci.DeviceID == 0x1041 || pci.DeviceID == 0x1000);

        /// <summary>"modern" or "legacy": the PCI interface in use (null before the start).</summary>
        public string Interface => _transport?.Kind;

        /// <inheritdoc/>
        public override MACAddress MACAddress => _mac;

        /// <summary>Feature bits accepted (bit numbers of §5.1.3 and §6).</summary>
        public ulong Features => _features;

        /// <summary>Receive buffers (two descriptors each) in receiveq.</summary>
        public int ReceiveBuffers => _rx.Slots;

        /// <inheritdoc/>
        public override bool LinkUp => _transport != null && ((_features & FeatureStatus) == 0 || (_transport.Config16(6) & 1) != 0);

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            if (_transport == null)
            {
                _transport = VirtioPciTransport.Open(Pci, out error);
                if (_transport == null) return false;
            }
            ulong offered = _transport.ResetAndAcknowledge();
            if (!_transport.SetFeatures(offered & (FeatureMac | FeatureStatus), out error)) return false;
            _features = _transport.Features;
            _headerBytes = _transport.IsModern ? 12 : 10;
            if (!SetUpQueue(0, ref _rx, out error) || !SetUpQueue(1, ref _tx, out error)) { _transport.Status = VirtioPciTransport.StatusFailed; return false; }
            // Receive chains: descriptors 2i (header) and 2i+1 (buffer), both device-writable, all posted.
            for (int i = 0; i < _rx.Slots; i++)
            {
                SetDesc(_rx, 2 * i, _rx.Headers + 16 * (ulong)i, (uint)_headerBytes, DescNext | DescWrite, (ushort)(2 * i + 1));
                SetDesc(_rx, 2 * i + 1, _rx.Buffers + (ulong)(i * BufferBytes), BufferBytes, DescWrite, 0);
                _rx.Avail[2 + i] = (ushort)(2 * i);
            }
            Thread.MemoryBarrier();
            Volatile.Write(ref _rx.Avail[1], (ushort)_rx.Slots);
            _rx.NextAvail = (ushort)_rx.Slots;
            // Transmit chains: header (zeroed: no offload) then the frame, device-readable.
            for (int i = 0; i < _tx.Slots; i++)
            {
                SetDesc(_tx, 2 * i, _tx.Headers + 16 * (ulong)i, (uint)_headerBytes, DescNext, (ushort)(2 * i + 1));
                SetDesc(_tx, 2 * i + 1, _tx.Buffers + (ulong)(i * BufferBytes), 0, 0, 0);
            }
            _txSlotsInUse = 0;
            if (MsixVector >= 0) { if (!_transport.SetMsixVector(0, 0)) { MsixVector = -1; InterruptError = "the device refused MSI-X entry 0 for receiveq"; } else _transport.ClearMsixVector(1); }
            else SetUpInterrupts();
            _transport.Status = _transport.RunningStatus;
            if ((_transport.Status & VirtioPciTransport.StatusFailed) != 0) { error = "the device set FAILED after DRIVER_OK"; return false; }
            _transport.Notify(0);
            Span<byte> mac = stackalloc byte[6];
            if ((_features & FeatureMac) != 0) for (int i = 0; i < 6; i++) mac[i] = _transport.Config8(i);
            _mac = new MACAddress(mac);
            if (!_mac.IsValid()) { error = "the device offers no valid MAC address (" + _mac.ToString() + "; VIRTIO_NET_F_MAC " + ((_features & FeatureMac) != 0 ? "on" : "off") + ")"; return false; }
            error = null;
            return true;
        }

        private bool SetUpQueue(ushort index, ref Queue q, out string error)
        {
            ushort size = _transport.QueueSize(index);
            if (size < 4) { error = string.Concat("queue ", index.ToString(), " has ", size.ToString(), " entries"); return false; }
            if (_transport.QueueInUse(index) && q.Ring == 0) { error = string.Concat("queue ", index.ToString(), " is already in use"); return false; }
            if (q.Ring == 0 || q.Size != size)
            {
                ulong n = size;
                q.Size = size;
                q.UsedOffset = VirtioPciTransport.UsedRingOffset(n);
                q.Ring = DmaMemory.Allocate(VirtioPciTransport.RingBytes(n), zero: true, limit: 1UL << 44);
                q.Headers = DmaMemory.Allocate(16 * (n / 2), zero: true);
                q.Buffers = DmaMemory.Allocate((n / 2) * BufferBytes, zero: true);
                if (q.Ring == 0 || q.Headers == 0 || q.Buffers == 0) { error = "no DMA memory for the virtqueues"; return false; }
            }
            else new Span<byte>((void*)q.Ring, (int)VirtioPciTransport.RingBytes(size)).Clear();
            q.LastUsed = 0;
            q.NextAvail = 0;
            _transport.SetQueue(index, size, q.Ring);
            error = null;
            return true;
        }

        private static void SetDesc(Queue q, int i, ulong addr, uint len, ushort flags, ushort next)
        {
            ulong* d = (ulong*)q.Ring;
            d[2 * i] = addr;
            d[2 * i + 1] = len | (ulong)flags << 32 | (ulong)next << 48;
        }

        private bool SetUpInterrupts()
        {
            if (InterruptController.Mode != InterruptControllerMode.Apic) { InterruptError = "MSI-X needs APIC mode"; return false; }
            int vector;
            try { vector = Pci.EnableMsix(0, &OnInterrupt); }
            catch (InvalidOperationException e) { InterruptError = e.Message; return false; }
            if (vector < 0) { InterruptError = "no MSI-X capability or no free vector"; return false; }
            s_byVector ??= new VirtioNet[InterruptController.LastDynamicVector - InterruptController.FirstDynamicVector + 1];
            s_byVector[vector - InterruptController.FirstDynamicVector] = this;
            if (!_transport.SetMsixVector(0, 0)) { InterruptError = "the device refused MSI-X entry 0 for receiveq"; return false; }
            _transport.ClearMsixVector(1);                                          // transmit completions are reclaimed on send
            MsixVector = vector;
            return true;
        }

        /// <summary>receiveq's MSI-X handler: counts and wakes receivers. No allocation.</summary>
        private static void OnInterrupt(InterruptFrame* frame)
        {
            int i = (int)(frame->Vector & 0xFF) - InterruptController.FirstDynamicVector;
            var table = s_byVector;
            if (table == null || (uint)i >= (uint)table.Length) return;
            var v = table[i];
            if (v == null) return;
            v.Statistics.Interrupts++;
            v.SignalReceive();
        }

        /// <inheritdoc/>
        protected override bool FramePending => Volatile.Read(ref _rx.Used[1]) != _rx.LastUsed;

        /// <inheritdoc/>
        protected override bool ReceiveRingFull => (ushort)(Volatile.Read(ref _rx.Used[1]) - _rx.LastUsed) >= _rx.Slots;

        /// <inheritdoc/>
        protected override bool TransmitRingFull { get { ReclaimTransmit(); return _txSlotsInUse >= _tx.Slots; } }

        /// <inheritdoc/>
        protected override int ReceiveFrame(Span<byte> buffer)
        {
            while (true)
            {
                ushort usedIdx = Volatile.Read(ref _rx.Used[1]);
                if (usedIdx == _rx.LastUsed) { if (MsixVector < 0) _ = _transport.ReadIsr(); return 0; }
                Thread.MemoryBarrier();
                uint* elem = (uint*)(_rx.Used + 2) + 2 * (_rx.LastUsed % _rx.Size);
                int head = (int)elem[0];
                int total = (int)elem[1];
                _rx.LastUsed++;
                int slot = head / 2;
                int n = 0;
                if ((head & 1) != 0 || slot >= _rx.Slots || total < _headerBytes + 14 || total > _headerBytes + MaxFrameLength)
                    Statistics.ReceiveErrors++;
                else
                {
                    n = total - _headerBytes;
                    new ReadOnlySpan<byte>((void*)(_rx.Buffers + (ulong)(slot * BufferBytes)), n).CopyTo(buffer);
                }
                if ((head & 1) == 0 && slot < _rx.Slots)
                {
                    _rx.Avail[2 + _rx.NextAvail % _rx.Size] = (ushort)head;     // re-post the chain
                    Thread.MemoryBarrier();
                    _rx.NextAvail++;
                    Volatile.Write(ref _rx.Avail[1], _rx.NextAvail);
                    Thread.MemoryBarrier();
                    _transport.Notify(0);
                }
                if (n > 0) return n;
            }
        }

        private void ReclaimTransmit()
        {
            ushort usedIdx = Volatile.Read(ref _tx.Used[1]);
            while (_tx.LastUsed != usedIdx) { _tx.LastUsed++; _txSlotsInUse--; }
        }

        /// <inheritdoc/>
        protected override bool SendFrame(ReadOnlySpan<byte> frame)
        {
            ReclaimTransmit();
            if (_txSlotsInUse >= _tx.Slots) return false;
            // Slots are used round-robin, and the device completes them in order for a single queue of this driver's
            // making (it may complete out of order in principle; a slot is reused only after as many completions as
            // sends, which keeps every in-flight slot untouched).
            int slot = _tx.NextAvail % _tx.Slots;
            frame.CopyTo(new Span<byte>((void*)(_tx.Buffers + (ulong)(slot * BufferBytes)), BufferBytes));
            SetDesc(_tx, 2 * slot + 1, _tx.Buffers + (ulong)(slot * BufferBytes), (uint)frame.Length, 0, 0);
            _tx.Avail[2 + _tx.NextAvail % _tx.Size] = (ushort)(2 * slot);
            Thread.MemoryBarrier();
            _tx.NextAvail++;
            _txSlotsInUse++;
            Volatile.Write(ref _tx.Avail[1], _tx.NextAvail);
            Thread.MemoryBarrier();
            _transport.Notify(1);
            return true;
        }

        /// <summary>"virtio-net 00:06.0 (Network, Started): 52:54:00:12:34:59, link up, modern interface, MSI-X".</summary>
        public override string ToString() => _transport == null ? base.ToString()
            : string.Concat(base.ToString(), ", ", _transport.Kind, " interface", MsixVector >= 0 ? ", MSI-X" : "");
    }
}
