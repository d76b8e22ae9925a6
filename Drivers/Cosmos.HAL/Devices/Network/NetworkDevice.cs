using System;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Memory;
using Cosmos.Core.Threading;
using Cosmos.HAL.Network;

namespace Cosmos.HAL
{
    /// <summary>Receives one frame (Cosmos API name). <paramref name="packetData"/> is the caller's to keep.</summary>
    public delegate void DataReceivedHandler(byte[] packetData);

    /// <summary>The kind of link a <see cref="NetworkDevice"/> drives (Cosmos API name).</summary>
    public enum CardType
    {
        /// <summary>Wired Ethernet.</summary>
        Ethernet,
        /// <summary>Wireless (no driver yet).</summary>
        Wireless,
    }

    /// <summary>Counters kept by a <see cref="NetworkDevice"/> (monotonic).</summary>
    public sealed class NetworkDeviceStatistics
    {
        /// <summary>Frames handed to the hardware.</summary>
        public ulong FramesSent;
        /// <summary>Bytes of those frames (Ethernet header included, FCS excluded).</summary>
        public ulong BytesSent;
        /// <summary>Frames given to the caller.</summary>
        public ulong FramesReceived;
        /// <summary>Bytes of those frames.</summary>
        public ulong BytesReceived;
        /// <summary>Frames the hardware flagged bad (CRC, symbol, length errors) or split over several buffers: dropped.</summary>
        public ulong ReceiveErrors;
        /// <summary>Receive overruns reported by the hardware (frames lost because no buffer was free).</summary>
        public ulong ReceiveOverruns;
        /// <summary>Send calls refused because the transmit ring was full.</summary>
        public ulong TransmitRingFull;
        /// <summary>Interrupts handled.</summary>
        public ulong Interrupts;
        /// <summary>Link state changes seen.</summary>
        public ulong LinkChanges;
    }

    /// <summary>
    /// A network interface card (Cosmos API name and namespace <c>Cosmos.HAL.NetworkDevice</c>): sends and receives whole
    /// Ethernet II frames (destination MAC first, FCS excluded; the hardware appends and checks it). Every instance is
    /// registered in <see cref="DeviceRegistry"/> with class <see cref="DeviceClass.Network"/>; <see cref="Devices"/> is
    /// a live view over it, as Cosmos' <c>NetworkDevice.Devices</c> list is.
    /// <para>
    /// Two ways in: the span methods <see cref="Send"/>, <see cref="Receive"/> and <see cref="WaitForFrame"/> (what the
    /// kernel's network stack uses: no allocation per frame, the caller sleeps until the card interrupts), and Cosmos's
    /// <see cref="QueueBytes(byte[], int, int)"/>, <see cref="ReceivePacket"/>, <see cref="ReceiveBytes"/> and
    /// <see cref="DataReceived"/> (raised by <see cref="PollReceive"/> for every pending frame). Frames are taken by one
    /// consumer: while the network stack runs on a card (<c>Cosmos.System.Network.NetworkStack</c>) it is that consumer.
    /// Send and Receive are thread-safe (each takes the card's lock).
    /// </para>
    /// </summary>
    public abstract unsafe class NetworkDevice : Device
    {
        /// <summary>Largest frame <see cref="Send"/> accepts and <see cref="Receive"/> returns: 1514 bytes (14-byte Ethernet II header + 1500-byte payload, FCS excluded; IEEE 802.3 without VLAN tag).</summary>
        public const int MaxFrameLength = 1514;

        /// <summary>Smallest frame on the wire without FCS (60 bytes); shorter frames are padded with zeros by the card.</summary>
        public const int MinFrameLength = 60;

        private WaitQueue* _receiveWaiters;
        private object _sendLock = new object();
        private object _receiveLock = new object();
        private byte[] _peek;
        private int _peekLength;

        /// <summary>Creates a card (not started); see <see cref="Device"/> for the arguments.</summary>
        protected NetworkDevice(string name, DeviceStage stage = DeviceStage.Drivers, int startOrder = 0, Device parent = null)
            : base(name, DeviceClass.Network, stage, startOrder, parent)
        {
            _receiveWaiters = (WaitQueue*)Heap.Alloc((ulong)sizeof(WaitQueue));
            if (_receiveWaiters == null) throw new OutOfMemoryException(name + ": no memory for the receive wait queue");
            *_receiveWaiters = default;
        }

        /// <summary>Every registered card, in registration order (a live view over <see cref="DeviceRegistry"/>; Cosmos API name).</summary>
        public static DeviceList<NetworkDevice> Devices => DeviceRegistry.OfType<NetworkDevice>();

        /// <summary>The card named <paramref name="nameID"/>: its device name ("e1000 00:03.0") or "ethN", N its index in <see cref="Devices"/> (Cosmos API name); null when none.</summary>
        public static NetworkDevice GetDeviceByName(string nameID)
        {
            if (nameID == null) return null;
            int index = 0;
            foreach (NetworkDevice d in Devices)
            {
                if (d.Name == nameID || nameID == "eth" + index.ToString()) return d;
                index++;
            }
            return null;
        }

        /// <summary>The card's hardware address (null until started; Cosmos API name).</summary>
        public abstract MACAddress MACAddress { get; }

        /// <summary>The kind of link (Cosmos API name).</summary>
        public virtual CardType CardType => CardType.Ethernet;

        /// <summary>True when started and the link is up (Cosmos API name).</summary>
        public bool Ready => IsStarted && LinkUp;

        /// <summary>True when the card reports a link (cable, or the virtual switch, connected).</summary>
        public abstract bool LinkUp { get; }

        /// <summary>Counters.</summary>
        public NetworkDeviceStatistics Statistics { get; } = new NetworkDeviceStatistics();

        /// <summary>Why the card polls instead of interrupting (null when it interrupts).</summary>
        public string InterruptError { get; protected set; }

        /// <summary>Raised by <see cref="PollReceive"/> once per pending frame, with a fresh array (Cosmos API name).</summary>
        public DataReceivedHandler DataReceived;

        /// <summary>Copies <paramref name="frame"/> into the next free transmit buffer and starts sending it; false when every buffer is in use (try again after the card catches up). Called with the send lock held.</summary>
        protected abstract bool SendFrame(ReadOnlySpan<byte> frame);

        /// <summary>Copies the next received frame into <paramref name="buffer"/> (≥ <see cref="MaxFrameLength"/> bytes) and returns its length, or 0 when none is pending. Bad frames are skipped (counted in <see cref="NetworkDeviceStatistics.ReceiveErrors"/>). Called with the receive lock held.</summary>
        protected abstract int ReceiveFrame(Span<byte> buffer);

        /// <summary>True when a received frame is waiting (may be a bad frame that <see cref="ReceiveFrame"/> will skip). Called with interrupts disabled; must not block or allocate.</summary>
        protected abstract bool FramePending { get; }

        /// <summary>True when every transmit buffer is in use.</summary>
        protected abstract bool TransmitRingFull { get; }

        /// <summary>True when every receive buffer holds a frame not yet taken.</summary>
        protected abstract bool ReceiveRingFull { get; }

        /// <summary>Wakes threads sleeping in <see cref="WaitForFrame"/>; drivers call it from their interrupt handler (no allocation, interrupt context).</summary>
        protected void SignalReceive() => Scheduler.WakeAll(_receiveWaiters);

        /// <summary>
        /// Sends one frame: <paramref name="frame"/> is 14..<see cref="MaxFrameLength"/> bytes starting with the
        /// destination MAC (frames under 60 bytes are padded by the card). Returns false when the transmit ring is full
        /// (nothing sent; counted). The span is copied before the call returns.
        /// </summary>
        /// <exception cref="ArgumentException">The frame is shorter than an Ethernet header or longer than <see cref="MaxFrameLength"/>.</exception>
        /// <exception cref="InvalidOperationException">The card is not started.</exception>
        public bool Send(ReadOnlySpan<byte> frame)
        {
            if (frame.Length < 14 || frame.Length > MaxFrameLength)
                throw new ArgumentException(string.Concat(Name, ": a frame is 14..", MaxFrameLength.ToString(), " bytes, not ", frame.Length.ToString()), nameof(frame));
            if (!IsStarted) throw new InvalidOperationException(Name + " is not started");
            lock (_sendLock)
            {
                if (!SendFrame(frame)) { Statistics.TransmitRingFull++; return false; }
                Statistics.FramesSent++;
                Statistics.BytesSent += (ulong)frame.Length;
                return true;
            }
        }

        /// <summary>
        /// Takes the next received frame into <paramref name="buffer"/> and returns its length (14..1514), or 0 when
        /// none is pending. Never blocks (see <see cref="WaitForFrame"/>).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="buffer"/> is shorter than <see cref="MaxFrameLength"/>.</exception>
        /// <exception cref="InvalidOperationException">The card is not started.</exception>
        public int Receive(Span<byte> buffer)
        {
            if (buffer.Length < MaxFrameLength) throw new ArgumentException(string.Concat(Name, ": the receive buffer must hold ", MaxFrameLength.ToString(), " bytes"), nameof(buffer));
            if (!IsStarted) throw new InvalidOperationException(Name + " is not started");
            lock (_receiveLock)
            {
                int n;
                if (_peekLength > 0) { _peek.AsSpan(0, _peekLength).CopyTo(buffer); n = _peekLength; _peekLength = 0; }
                else n = ReceiveFrame(buffer);
                if (n > 0) { Statistics.FramesReceived++; Statistics.BytesReceived += (ulong)n; }
                return n;
            }
        }

        /// <summary>
        /// Sleeps the calling thread until a frame is pending or the TSC reaches <paramref name="deadlineTsc"/> (0: no
        /// deadline); true when a frame is pending. Cards that do not interrupt (<see cref="InterruptError"/>) are
        /// re-checked every millisecond. Without a scheduler (early boot, interrupt handlers) it spins.
        /// </summary>
        public bool WaitForFrame(ulong deadlineTsc)
        {
            if (!IsStarted) throw new InvalidOperationException(Name + " is not started");
            ulong hz = TscFrequency();
            ulong pollSlice = InterruptError != null ? hz / 1000 : hz / 10;   // interrupts lost to a shared edge line are caught within 100 ms
            while (true)
            {
                if (_peekLength > 0) return true;
                bool canSleep = Scheduler.IsInitialized && InterruptDispatcher.Depth == 0;
                ulong flags = CPU.SaveAndDisableInterrupts();
                try
                {
                    if (FramePending) return true;
                    ulong now = Native.Rdtsc();
                    if (deadlineTsc != 0 && now >= deadlineTsc) return false;
                    ulong until = now + pollSlice;
                    if (deadlineTsc != 0 && deadlineTsc < until) until = deadlineTsc;
                    if (canSleep) Scheduler.Block(_receiveWaiters, until);
                }
                finally { CPU.RestoreInterrupts(flags); }
                if (!canSleep) Native.Pause();
            }
        }

        private static ulong TscFrequency() => Deadline.Frequency;

        // ---- Cosmos API ----

        /// <summary>Sends <paramref name="length"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/> as one frame (Cosmos API name); false when the transmit ring is full.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The range is outside the array.</exception>
        public bool QueueBytes(byte[] buffer, int offset, int length)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            return Send(buffer.AsSpan(offset, length));
        }

        /// <summary>Sends all of <paramref name="buffer"/> as one frame (Cosmos API name).</summary>
        public bool QueueBytes(byte[] buffer) => QueueBytes(buffer, 0, buffer?.Length ?? 0);

        /// <summary>The next received frame in a new array, or null when none is pending (Cosmos API name).</summary>
        public byte[] ReceivePacket()
        {
            Span<byte> b = stackalloc byte[MaxFrameLength];
            int n = Receive(b);
            return n == 0 ? null : b.Slice(0, n).ToArray();
        }

        /// <summary>
        /// Copies the next received frame into <paramref name="buffer"/> at <paramref name="offset"/>, at most
        /// <paramref name="max"/> bytes (the rest of a longer frame is dropped); false when none is pending (Cosmos API name).
        /// </summary>
        public bool ReceiveBytes(byte[] buffer, int offset, int max)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            var dest = buffer.AsSpan(offset, max);
            Span<byte> b = stackalloc byte[MaxFrameLength];
            int n = Receive(b);
            if (n == 0) return false;
            b.Slice(0, Math.Min(n, max)).CopyTo(dest);
            return true;
        }

        /// <summary>Length of the next pending frame in bytes, or 0 (Cosmos API name). The frame stays pending.</summary>
        public int BytesAvailable()
        {
            if (!IsStarted) return 0;
            lock (_receiveLock)
            {
                if (_peekLength == 0)
                {
                    _peek ??= new byte[MaxFrameLength];
                    _peekLength = ReceiveFrame(_peek);
                }
                return _peekLength;
            }
        }

        /// <summary>Starts the card if needed (Cosmos API name); true when it is started.</summary>
        public bool Enable() => IsStarted || Start();

        /// <summary>True when every transmit buffer is in use (Cosmos API name).</summary>
        public bool IsSendBufferFull() => IsStarted && TransmitRingFull;

        /// <summary>True when every receive buffer holds a frame not yet taken (Cosmos API name).</summary>
        public bool IsReceiveBufferFull() => IsStarted && ReceiveRingFull;

        /// <summary>Takes every pending frame and raises <see cref="DataReceived"/> for each (frames are dropped when no handler is set); returns how many were taken.</summary>
        public int PollReceive()
        {
            int count = 0;
            Span<byte> b = stackalloc byte[MaxFrameLength];
            int n;
            while ((n = Receive(b)) > 0)
            {
                count++;
                DataReceived?.Invoke(b.Slice(0, n).ToArray());
            }
            return count;
        }

        /// <summary>"e1000 00:03.0 (Network, Started): 52:54:00:12:34:56, link up".</summary>
        public override string ToString() => string.Concat(base.ToString(), ": ", MACAddress?.ToString() ?? "no MAC", LinkUp ? ", link up" : ", link down",
            InterruptError != null ? ", polling (" + InterruptError + ")" : "");
    }
}
