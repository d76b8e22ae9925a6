using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>
/// One TCP connection (a TCB, RFC 9293 section 3.3.1): sequence variables, bounded send and receive buffers,
/// out-of-order reassembly, RFC 6298 retransmission timer, RFC 5681 congestion control with NewReno fast recovery
/// (RFC 6582), zero-window probing and the state machine of RFC 9293 section 3.10. Created by
/// <see cref="TcpLayer.Connect(IPv4Address, ushort, out TcpConnection, ushort)"/> or handed out by <see cref="TcpConnectionListener.TryAccept"/>. All members act at
/// <see cref="TcpLayer.NowMs"/> and must be called under the owner's lock.
/// </summary>
public sealed class TcpConnection
{
    private sealed class OutOfOrderSegment
    {
        public uint Sequence;
        public byte[] Data;
        public bool Fin;
    }

    private readonly TcpLayer layer;
    internal readonly TcpLayer.ConnectionKey Key;
    internal TcpConnectionListener Listener;
    private readonly bool passive;

    // Send sequence space (RFC 9293 section 3.3.1).
    private uint iss, sndUna, sndNxt, sndMax, sndWl1, sndWl2;
    private uint sndWnd, maxSndWnd;
    private uint sndBase;              // sequence number of the first octet in sendBuffer
    private bool finQueued;
    private int sndShift, rcvShift;
    private int smss;
    private ByteRing sendBuffer;

    // Receive sequence space.
    private uint irs, rcvNxt, rcvAdvertisedRight;
    private ByteRing receiveBuffer;
    private readonly List<OutOfOrderSegment> outOfOrder = new List<OutOfOrderSegment>();
    private int outOfOrderBytes;
    private bool finReceived;
    private bool applicationClosed;

    // RFC 6298.
    private long srttUs, rttvarUs, rtoMs;
    private bool haveRtt;
    private bool rttTiming;
    private uint rttSeq;
    private long rttStartMs;
    private long retransmitDeadline = -1;
    private int retries;

    // RFC 5681 / RFC 6582.
    private uint cwnd, ssthresh;
    private int dupAcks;
    private bool inRecovery;
    private uint recover;

    private long persistDeadline = -1, persistBackoffMs;
    private bool probePending;
    private uint probeEnd;
    private long timeWaitDeadline = -1;
    private long finWait2Deadline = -1;

    private readonly TcpConnectionOptions options;
    private long lastReceiveMs;
    private int keepAliveProbesSent;

    internal TcpConnection(TcpLayer layer, IPv4Address local, ushort localPort, IPv4Address remote, ushort remotePort, TcpConnectionListener listener,
        TcpConnectionOptions options = null)
    {
        this.layer = layer;
        this.options = options?.Clone() ?? new TcpConnectionOptions();
        Key = new TcpLayer.ConnectionKey(local, localPort, remote, remotePort);
        LocalEndPoint = new TcpEndPoint(local, localPort);
        RemoteEndPoint = new TcpEndPoint(remote, remotePort);
        Listener = listener;
        passive = listener != null;
        rtoMs = Math.Min(Math.Max(layer.Settings.InitialRetransmissionTimeoutMs, layer.Settings.MinimumRetransmissionTimeoutMs), layer.Settings.MaximumRetransmissionTimeoutMs);
        int rcv = ReceiveBufferTarget;
        rcvShift = 0;
        if (layer.Settings.WindowScaling) while (rcvShift < TcpHeader.MaximumWindowScale && (rcv >> rcvShift) > 65535) rcvShift++;
        smss = Math.Min(536, OwnMss);
    }

    // ---------------------------------------------------------------- public surface

    private int SendBufferTarget => options.SendBufferSize ?? layer.Settings.SendBufferSize;
    private int ReceiveBufferTarget => options.ReceiveBufferSize ?? layer.Settings.ReceiveBufferSize;

    /// <summary>
    /// Send buffer size, octets. Before the connection is established any positive size; afterwards the buffer only
    /// grows (a smaller value leaves it as it is: <see cref="SendBufferSize"/> reads the size in effect).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public int SendBufferSize
    {
        get => sendBuffer?.Capacity ?? SendBufferTarget;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "a buffer size is positive");
            options.SendBufferSize = value;
            if (sendBuffer != null) { sendBuffer.Grow(value); Notify(); }
        }
    }

    /// <summary>
    /// Receive buffer size, octets: the most we advertise as window (up to 65535 × 2^scale, the scale being fixed by the
    /// SYN). Before the connection is established any positive size; afterwards it only grows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public int ReceiveBufferSize
    {
        get => receiveBuffer?.Capacity ?? ReceiveBufferTarget;
        set
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "a buffer size is positive");
            options.ReceiveBufferSize = value;
            if (receiveBuffer != null && value > receiveBuffer.Capacity)
            {
                receiveBuffer.Grow(value);
                if (Synchronized) SendAck();   // a window update
            }
        }
    }

    /// <summary>
    /// Keep-alive (RFC 9293 section 3.8.4, RFC 1122 section 4.2.3.6): after <see cref="KeepAliveIdleMs"/> without a
    /// segment from the peer and with nothing in flight, a probe (an ACK carrying SND.UNA − 1, which the peer must answer)
    /// every <see cref="KeepAliveIntervalMs"/>; after <see cref="KeepAliveProbes"/> unanswered probes the connection
    /// fails with <see cref="TcpError.TimedOut"/>. Off by default, as in .NET and Linux.
    /// </summary>
    public bool KeepAlive { get => options.KeepAlive; set => options.KeepAlive = value; }
    /// <summary>Idle time before the first keep-alive probe, ms (default 2 hours).</summary>
    public long KeepAliveIdleMs { get => options.KeepAliveIdleMs; set => options.KeepAliveIdleMs = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }
    /// <summary>Time between keep-alive probes, ms (default 75 s).</summary>
    public long KeepAliveIntervalMs { get => options.KeepAliveIntervalMs; set => options.KeepAliveIntervalMs = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }
    /// <summary>Unanswered probes before the connection fails (default 9).</summary>
    public int KeepAliveProbes { get => options.KeepAliveProbes; set => options.KeepAliveProbes = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value)); }
    /// <summary>Keep-alive probes sent since the peer was last heard from.</summary>
    public int KeepAliveProbesSent => keepAliveProbesSent;

    /// <summary>IP header fields of this connection's segments (Time to Live, Type of Service, Don't Fragment).</summary>
    public IPv4SendOptions IPOptions { get => options.IPOptions; set => options.IPOptions = value; }

    /// <summary>The connection's state (RFC 9293 section 3.3.2).</summary>
    public TcpState State { get; private set; }
    /// <summary>Why the connection failed or ended abnormally (<see cref="TcpError.None"/> otherwise). Set once.</summary>
    public TcpError Error { get; private set; }
    /// <summary>Our address and port.</summary>
    public TcpEndPoint LocalEndPoint { get; }
    /// <summary>The peer's address and port.</summary>
    public TcpEndPoint RemoteEndPoint { get; }
    /// <summary>
    /// Called (inside the layer, under the owner's lock) whenever readiness may have changed: state change, data
    /// arrived, send-buffer space freed, error. Must not block; it should only wake a waiter.
    /// </summary>
    public Action<TcpConnection> Changed { get; set; }

    /// <summary>
    /// Disables the Nagle algorithm (RFC 9293 section 3.7.4, <c>TCP_NODELAY</c>): short segments are sent at once
    /// even while data is in flight. Default false.
    /// </summary>
    public bool NoDelay { get; set; }

    /// <summary>True in ESTABLISHED and the states after it in which we may still send (CLOSE-WAIT).</summary>
    public bool IsConnected => State == TcpState.Established || State == TcpState.CloseWait;
    /// <summary>True once the peer's FIN has been received in order: after the buffered data, <see cref="Receive"/> returns 0.</summary>
    public bool IsPeerClosed => finReceived;
    /// <summary>True when the connection is CLOSED (finished, reset, refused, timed out or aborted).</summary>
    public bool IsClosed => State == TcpState.Closed;
    /// <summary>Received octets waiting for <see cref="Receive"/>.</summary>
    public int BytesAvailable => receiveBuffer?.Count ?? 0;
    /// <summary>Octets in the send buffer: sent but unacknowledged, and not yet sent.</summary>
    public int BytesQueued => sendBuffer?.Count ?? 0;
    /// <summary>True when <see cref="Receive"/> would not block: data is buffered, the peer closed, or the connection ended.</summary>
    public bool CanRead => BytesAvailable > 0 || finReceived || State == TcpState.Closed;
    /// <summary>True when <see cref="Send"/> would accept at least one octet, or would fail at once (so a writer waits no longer).</summary>
    public bool CanWrite => SendAllowed ? sendBuffer.Free > 0 : State != TcpState.SynSent && State != TcpState.SynReceived;

    /// <summary>The send MSS in use (min of the peer's MSS option, 536 when absent, and our MTU − 40), octets.</summary>
    public int MaximumSegmentSize => smss;
    /// <summary>The peer's receive window (SND.WND), scaled, octets.</summary>
    public long SendWindow => sndWnd;
    /// <summary>The receive window we offer now (free receive-buffer space), octets.</summary>
    public long ReceiveWindow => ReceiveSpace;
    /// <summary>Shift applied to the peer's Window field (RFC 7323 section 2.3); 0 when scaling was not negotiated.</summary>
    public int SendWindowScale => sndShift;
    /// <summary>Shift applied to the Window field we send; 0 when scaling was not negotiated.</summary>
    public int ReceiveWindowScale => rcvShift;
    /// <summary>Congestion window (RFC 5681), octets.</summary>
    public long CongestionWindow => cwnd;
    /// <summary>Slow-start threshold (RFC 5681), octets.</summary>
    public long SlowStartThreshold => ssthresh;
    /// <summary>Smoothed round-trip time SRTT (RFC 6298), milliseconds; 0 before the first measurement.</summary>
    public double SmoothedRoundTripTimeMs => srttUs / 1000.0;
    /// <summary>Round-trip time variation RTTVAR (RFC 6298), milliseconds; 0 before the first measurement.</summary>
    public double RoundTripTimeVariationMs => rttvarUs / 1000.0;
    /// <summary>The current retransmission timeout (RFC 6298, backed off after timeouts), milliseconds.</summary>
    public long RetransmissionTimeoutMs => rtoMs;
    /// <summary>Segments this connection retransmitted.</summary>
    public long Retransmissions { get; private set; }
    /// <summary>Fast retransmits this connection made.</summary>
    public long FastRetransmits { get; private set; }
    /// <summary>Retransmission timer expiries of this connection.</summary>
    public long RetransmissionTimeouts { get; private set; }

    /// <summary>
    /// Copies up to <paramref name="data"/>.Length octets into the send buffer and sends what the windows allow.
    /// Returns the octets accepted: 0 when the buffer is full (wait for <see cref="CanWrite"/>), −1 when sending is
    /// no longer possible (after <see cref="Shutdown"/>, or CLOSED: see <see cref="Error"/>). Data may be queued in
    /// SYN-SENT and SYN-RECEIVED (RFC 9293 section 3.10.2).
    /// </summary>
    public int Send(ReadOnlySpan<byte> data)
    {
        if (!SendAllowed) return -1;
        int n = sendBuffer.Write(data);
        if (n > 0)
        {
            layer.Enter();
            try { Output(); }
            finally { layer.Exit(); }
        }
        return n;
    }

    /// <summary>
    /// Moves up to <paramref name="buffer"/>.Length received octets into <paramref name="buffer"/> and returns how
    /// many. 0 means nothing is buffered: the stream ended when <see cref="IsPeerClosed"/> or <see cref="IsClosed"/>
    /// (check <see cref="Error"/>), otherwise wait for <see cref="CanRead"/>. A read that opens the window by at least
    /// min(MSS, half the buffer) sends a window update (RFC 9293 section 3.8.6.2.2).
    /// </summary>
    public int Receive(Span<byte> buffer)
    {
        if (receiveBuffer == null) return 0;
        int n = receiveBuffer.Read(buffer);
        if (n > 0 && Synchronized && !finReceived && WindowUpdateWorthSending())
        {
            layer.Enter();
            try { SendAck(); }
            finally { layer.Exit(); }
        }
        return n;
    }

    /// <summary>
    /// Half-close (RFC 9293 section 3.10.4 CLOSE with data pending): no more sends; a FIN follows the queued data.
    /// ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK; in SYN-SENT the connection is simply closed. Idempotent.
    /// </summary>
    public void Shutdown()
    {
        layer.Enter();
        try
        {
            switch (State)
            {
                case TcpState.SynSent: EnterClosed(TcpError.None); break;
                case TcpState.SynReceived: finQueued = true; break; // becomes FIN-WAIT-1 when established
                case TcpState.Established: finQueued = true; SetState(TcpState.FinWait1); Output(); break;
                case TcpState.CloseWait: finQueued = true; SetState(TcpState.LastAck); Output(); break;
            }
        }
        finally { layer.Exit(); }
    }

    /// <summary>
    /// Close (RFC 9293 section 3.10.4): like <see cref="Shutdown"/>, and the application reads no more. When unread
    /// data is buffered the connection is reset instead (RFC 1122 section 4.2.2.13); data arriving later also resets it.
    /// The connection finishes in the background (FIN-WAIT, TIME-WAIT) and leaves the table when CLOSED.
    /// </summary>
    public void Close()
    {
        if (State == TcpState.Closed) return;
        applicationClosed = true;
        if (State == TcpState.FinWait2) finWait2Deadline = layer.NowMs + layer.Settings.FinWait2TimeoutMs;
        if (BytesAvailable > 0) { AbortWith(TcpError.None); return; }
        Shutdown();
    }

    /// <summary>Abort (RFC 9293 section 3.10.5): sends a RST when synchronized, drops all data, state CLOSED, <see cref="Error"/> ConnectionAborted.</summary>
    public void Abort() => AbortWith(TcpError.ConnectionAborted);

    /// <summary>"local → remote State".</summary>
    public override string ToString() => LocalEndPoint.ToString() + " -> " + RemoteEndPoint.ToString() + " " + StateName(State);

    /// <summary>The RFC 9293 name of a state ("SYN-SENT", "TIME-WAIT", …), without reflection.</summary>
    public static string StateName(TcpState state)
    {
        switch (state)
        {
            case TcpState.Closed: return "CLOSED";
            case TcpState.Listen: return "LISTEN";
            case TcpState.SynSent: return "SYN-SENT";
            case TcpState.SynReceived: return "SYN-RECEIVED";
            case TcpState.Established: return "ESTABLISHED";
            case TcpState.FinWait1: return "FIN-WAIT-1";
            case TcpState.FinWait2: return "FIN-WAIT-2";
            case TcpState.CloseWait: return "CLOSE-WAIT";
            case TcpState.Closing: return "CLOSING";
            case TcpState.LastAck: return "LAST-ACK";
            case TcpState.TimeWait: return "TIME-WAIT";
            default: return "?";
        }
    }

    // ---------------------------------------------------------------- helpers

    private static bool Lt(uint a, uint b) => (int)(a - b) < 0;
    private static bool Le(uint a, uint b) => (int)(a - b) <= 0;
    private static bool Gt(uint a, uint b) => (int)(a - b) > 0;
    private static bool Ge(uint a, uint b) => (int)(a - b) >= 0;

    private int OwnMss => layer.Host.Mtu - IPv4Header.MinimumLength - TcpHeader.MinimumLength;
    private bool SendAllowed => !finQueued && sendBuffer != null && (State == TcpState.SynSent || State == TcpState.SynReceived || State == TcpState.Established || State == TcpState.CloseWait);
    private bool Synchronized => State != TcpState.Closed && State != TcpState.SynSent && State != TcpState.Listen;
    private uint DataEnd => sndBase + (uint)(sendBuffer?.Count ?? 0);
    private uint ReceiveSpace => receiveBuffer != null ? (uint)receiveBuffer.Free : (uint)ReceiveBufferTarget;

    private void Notify() => Changed?.Invoke(this);

    private void SetState(TcpState s)
    {
        if (State == s) return;
        State = s;
        Notify();
    }

    private void EnterClosed(TcpError error)
    {
        if (Error == TcpError.None) Error = error;
        retransmitDeadline = -1; persistDeadline = -1; timeWaitDeadline = -1;
        outOfOrder.Clear(); outOfOrderBytes = 0;
        layer.Remove(this);
        Listener?.OnGone(this);
        State = TcpState.Closed;
        Notify();
    }

    /// <summary>
    /// True when <paramref name="h"/> is a new SYN for this TIME-WAIT connection's 4-tuple above everything we
    /// received (RFC 9293 section 3.6.1, RFC 6191 without timestamps): the old TCB is closed and the SYN may open anew.
    /// </summary>
    internal bool TryRecycleTimeWait(in TcpHeader h)
    {
        if (State != TcpState.TimeWait || (h.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin)) != TcpFlags.Syn) return false;
        if (!Gt(h.SequenceNumber, rcvNxt)) return false;
        EnterClosed(TcpError.None);
        return true;
    }

    /// <summary>Silently forgets a half-open connection (SYN queue overflow).</summary>
    internal void Drop() => EnterClosed(TcpError.None);

    private void AbortWith(TcpError error)
    {
        layer.Enter();
        try
        {
            if (State == TcpState.SynReceived || State == TcpState.Established || State == TcpState.FinWait1 || State == TcpState.FinWait2 || State == TcpState.CloseWait)
            {
                layer.Statistics.ResetsSent++;
                SendControl(sndMax, 0, TcpFlags.Rst);
            }
            if (State != TcpState.Closed) EnterClosed(error);
        }
        finally { layer.Exit(); }
    }

    private ushort AdvertisedWindowField(bool syn)
    {
        uint space = ReceiveSpace;
        // Never shrink the window we already offered (RFC 9293 section 3.8.6.2.2): keep at least the old right edge.
        if (!syn && Gt(rcvAdvertisedRight, rcvNxt) && rcvAdvertisedRight - rcvNxt > space) space = rcvAdvertisedRight - rcvNxt;
        uint field = syn ? Math.Min(space, 65535u) : Math.Min((space + (1u << rcvShift) - 1) >> rcvShift, 65535u);
        uint right = rcvNxt + (syn ? field : field << rcvShift);
        if (Gt(right, rcvAdvertisedRight)) rcvAdvertisedRight = right;
        return (ushort)field;
    }

    private bool WindowUpdateWorthSending()
    {
        uint offered = Gt(rcvAdvertisedRight, rcvNxt) ? rcvAdvertisedRight - rcvNxt : 0;
        uint space = ReceiveSpace;
        if (space <= offered) return false;
        uint threshold = (uint)Math.Min(smss, receiveBuffer.Capacity / 2);
        return space - offered >= threshold;
    }

    private void SendControl(uint seq, uint ack, TcpFlags flags)
    {
        ushort window = (flags & TcpFlags.Rst) != 0 ? (ushort)0 : AdvertisedWindowField(false);
        var h = new TcpHeader(LocalEndPoint.Port, RemoteEndPoint.Port, seq, ack, flags, window);
        layer.SendSegment(LocalEndPoint.Address, RemoteEndPoint.Address, h, default, options.IPOptions);
    }

    // A segment without text carries the highest sequence number sent (SND.NXT may have been pulled back by a
    // retransmission timeout; the peer's RCV.NXT may already be beyond it, and an ACK with an old sequence number
    // would be found unacceptable and only answered, never processed).
    private void SendAck() => SendControl(Synchronized ? sndMax : sndNxt, rcvNxt, TcpFlags.Ack);

    private long lastOutOfWindowAckMs = long.MinValue;

    /// <summary>The ACK answering an unacceptable segment without text: at most one per <see cref="TcpSettings.OutOfWindowAckIntervalMs"/>.</summary>
    private void SendOutOfWindowAck()
    {
        long now = layer.NowMs;
        if (lastOutOfWindowAckMs != long.MinValue && now - lastOutOfWindowAckMs < layer.Settings.OutOfWindowAckIntervalMs && now >= lastOutOfWindowAckMs)
        {
            layer.Statistics.OutOfWindowAcksSuppressed++;
            return;
        }
        lastOutOfWindowAckMs = now;
        SendAck();
    }

    private void SendChallengeAck()
    {
        if (!layer.AllowChallengeAck()) return;
        layer.Statistics.ChallengeAcksSent++;
        SendAck();
    }

    /// <summary>Our SYN (SYN-SENT) or SYN,ACK (SYN-RECEIVED) with the MSS and, when allowed, Window Scale options.</summary>
    private SendStatus SendSyn()
    {
        bool synAck = State == TcpState.SynReceived;
        var h = new TcpHeader(LocalEndPoint.Port, RemoteEndPoint.Port, iss, synAck ? rcvNxt : 0, synAck ? TcpFlags.Syn | TcpFlags.Ack : TcpFlags.Syn,
            AdvertisedWindowField(true), maximumSegmentSize: (ushort)OwnMss, windowScale: windowScaleOk ? rcvShift : -1);
        return layer.SendSegment(LocalEndPoint.Address, RemoteEndPoint.Address, h, default, options.IPOptions);
    }

    private bool windowScaleOk;
    private bool synRetransmitted;

    private void ArmRetransmit() => retransmitDeadline = layer.NowMs + rtoMs;

    // ---------------------------------------------------------------- opening

    internal bool OpenActive()
    {
        sendBuffer = new ByteRing(SendBufferTarget);
        iss = layer.InitialSequenceNumber(LocalEndPoint.Address, LocalEndPoint.Port, RemoteEndPoint.Address, RemoteEndPoint.Port);
        sndUna = iss; sndNxt = iss + 1; sndMax = sndNxt; sndBase = iss + 1;
        windowScaleOk = layer.Settings.WindowScaling;
        State = TcpState.SynSent;
        recover = iss;
        rttTiming = true; rttSeq = iss + 1; rttStartMs = layer.NowMs;
        SendStatus s = SendSyn();
        if (s == SendStatus.NoRoute || s == SendStatus.TooLong) { State = TcpState.Closed; return false; }
        ArmRetransmit();
        return true;
    }

    internal void OpenPassive(in TcpHeader syn)
    {
        irs = syn.SequenceNumber; rcvNxt = irs + 1; rcvAdvertisedRight = rcvNxt;
        iss = layer.InitialSequenceNumber(LocalEndPoint.Address, LocalEndPoint.Port, RemoteEndPoint.Address, RemoteEndPoint.Port);
        sndUna = iss; sndNxt = iss + 1; sndMax = sndNxt; sndBase = iss + 1;
        TakeSynOptions(syn);
        sndWnd = syn.Window; maxSndWnd = sndWnd; sndWl1 = syn.SequenceNumber; sndWl2 = 0;
        State = TcpState.SynReceived;
        recover = iss;
        rttTiming = true; rttSeq = iss + 1; rttStartMs = layer.NowMs;
        SendSyn();
        ArmRetransmit();
    }

    private void TakeSynOptions(in TcpHeader syn)
    {
        smss = Math.Min(syn.MaximumSegmentSize != 0 ? syn.MaximumSegmentSize : 536, OwnMss);
        if (smss < 64) smss = 64;
        if (layer.Settings.WindowScaling && syn.WindowScale >= 0)
        {
            windowScaleOk = true;
            sndShift = syn.WindowScale;
        }
        else
        {
            windowScaleOk = false;
            sndShift = 0; rcvShift = 0;
        }
    }

    private void Establish()
    {
        sendBuffer ??= new ByteRing(SendBufferTarget);
        receiveBuffer ??= new ByteRing(ReceiveBufferTarget);
        lastReceiveMs = layer.NowMs;
        // RFC 5681 section 3.1 (RFC 3390): IW = min(4 × SMSS, max(2 × SMSS, 4380)).
        cwnd = (uint)Math.Min(4 * smss, Math.Max(2 * smss, 4380));
        ssthresh = uint.MaxValue >> 2;
        if (passive) layer.Statistics.PassiveOpens++; else layer.Statistics.ActiveOpens++;
        // RFC 6298 section 5.7: a SYN or SYN,ACK was lost and no RTT is known: data starts with RTO = 3 s.
        if (synRetransmitted && !haveRtt) rtoMs = ClampRto(3000);
        retries = 0;
        if (finQueued) SetState(TcpState.FinWait1);
        else SetState(TcpState.Established);
        if (passive && Listener != null) Listener.OnEstablished(this);
    }

    // ---------------------------------------------------------------- segment arrival (RFC 9293 section 3.10.7)

    internal void OnSegment(in TcpHeader h, ReadOnlySpan<byte> data)
    {
        lastReceiveMs = layer.NowMs;
        keepAliveProbesSent = 0;
        if (State == TcpState.SynSent) { OnSegmentSynSent(h); return; }

        uint seq = h.SequenceNumber;
        bool syn = h.Has(TcpFlags.Syn), fin = h.Has(TcpFlags.Fin), rst = h.Has(TcpFlags.Rst), ack = h.Has(TcpFlags.Ack);

        // A copy of the peer's SYN (its SYN,ACK in a simultaneous open, or a retransmission): strip the SYN.
        if (syn && seq == irs && !rst)
        {
            if (State == TcpState.SynReceived && !ack) { SendSyn(); return; }
            if (State != TcpState.SynReceived) { SendAck(); return; }
            syn = false; seq++;
        }

        uint wnd = ReceiveSpace;
        uint segLen = (uint)data.Length + (syn ? 1u : 0u) + (fin ? 1u : 0u);
        bool acceptable, ackAnyway = false;
        if (segLen == 0) acceptable = wnd == 0 ? seq == rcvNxt : Ge(seq, rcvNxt) && Lt(seq, rcvNxt + wnd);
        else acceptable = wnd != 0 && ((Ge(seq, rcvNxt) && Lt(seq, rcvNxt + wnd)) || (Ge(seq + segLen - 1, rcvNxt) && Lt(seq + segLen - 1, rcvNxt + wnd)));
        if (!acceptable)
        {
            if (wnd == 0 && seq == rcvNxt && !rst && !syn)
            {
                // Zero window: keep the ACK and window information, drop the text (RFC 9293 section 3.10.7.4).
                ackAnyway = segLen > 0;
                data = default; fin = false;
            }
            else
            {
                if (!rst)
                {
                    if (segLen > 0) layer.Statistics.DuplicateSegments++;
                    if (State == TcpState.TimeWait && fin) timeWaitDeadline = layer.NowMs + 2 * layer.Settings.MaximumSegmentLifetimeMs;
                    if (segLen > 0) SendAck();
                    else SendOutOfWindowAck();
                }
                return;
            }
        }

        if (rst)
        {
            if (State == TcpState.TimeWait) return;   // RFC 1337: no TIME-WAIT assassination
            // RFC 5961 section 3.2: reset only on an exact match, challenge otherwise.
            if (seq == rcvNxt) OnReset();
            else SendChallengeAck();
            return;
        }
        if (syn) { SendChallengeAck(); return; }   // RFC 5961 section 4.2
        if (!ack) return;

        // Trim to the window: old octets in front, octets beyond the window at the end.
        if (Lt(seq, rcvNxt))
        {
            uint skip = rcvNxt - seq;
            data = skip >= (uint)data.Length ? default : data.Slice((int)skip);
            seq = rcvNxt;
        }
        uint room = rcvNxt + wnd - seq;
        if ((uint)data.Length > room) { data = data.Slice(0, (int)room); fin = false; }

        uint ackNo = h.AcknowledgmentNumber;
        if (State == TcpState.SynReceived)
        {
            if (Lt(sndUna, ackNo) && Le(ackNo, sndMax))
            {
                if (passive && Listener != null && Listener.AcceptQueueFull)
                {
                    // No room to queue it: ignore the ACK; the SYN,ACK retransmission lets the peer try again.
                    layer.Statistics.ListenOverflows++;
                    return;
                }
                sndWnd = (uint)h.Window << sndShift; maxSndWnd = Math.Max(maxSndWnd, sndWnd); sndWl1 = seq; sndWl2 = ackNo;
                Establish();
            }
            else
            {
                layer.SendResetFor(LocalEndPoint.Address, RemoteEndPoint.Address, h, data.Length);
                return;
            }
        }

        if (ProcessAck(h, seq, data.Length, fin) && (data.Length > 0 || fin))
        {
            if (State == TcpState.Established || State == TcpState.FinWait1 || State == TcpState.FinWait2) ProcessText(seq, data, fin);
        }
        else if (ackAnyway && State != TcpState.Closed) SendAck();
        if (State != TcpState.Closed) Output();
    }

    private void OnSegmentSynSent(in TcpHeader h)
    {
        bool ack = h.Has(TcpFlags.Ack);
        uint ackNo = h.AcknowledgmentNumber;
        if (ack && (Le(ackNo, iss) || Gt(ackNo, sndMax)))
        {
            layer.SendResetFor(LocalEndPoint.Address, RemoteEndPoint.Address, h, 0);
            return;
        }
        if (h.Has(TcpFlags.Rst))
        {
            if (ack) { layer.Statistics.ResetsReceived++; EnterClosed(TcpError.ConnectionRefused); }
            return;
        }
        if (!h.Has(TcpFlags.Syn)) return;
        irs = h.SequenceNumber; rcvNxt = irs + 1; rcvAdvertisedRight = rcvNxt;
        TakeSynOptions(h);
        sndWnd = h.Window; maxSndWnd = sndWnd; sndWl1 = h.SequenceNumber; sndWl2 = ackNo;
        if (ack)
        {
            AdvanceUna(ackNo);
            receiveBuffer ??= new ByteRing(ReceiveBufferTarget);
            Establish();
            SendAck();
            Output();
        }
        else
        {
            // Simultaneous open (RFC 9293 section 3.5, figure 7).
            State = TcpState.SynReceived;
            Notify();
            rttTiming = false;
            SendSyn();
            ArmRetransmit();
        }
    }

    private void OnReset()
    {
        layer.Statistics.ResetsReceived++;
        switch (State)
        {
            case TcpState.SynReceived:
                if (passive) EnterClosed(TcpError.None);
                else EnterClosed(TcpError.ConnectionRefused);
                break;
            case TcpState.Established:
            case TcpState.FinWait1:
            case TcpState.FinWait2:
            case TcpState.CloseWait:
                EnterClosed(TcpError.ConnectionReset);
                break;
            default:
                EnterClosed(TcpError.None);
                break;
        }
    }

    /// <summary>RFC 9293 section 3.10.7.4, fifth check. Returns false when the segment is finished with.</summary>
    private bool ProcessAck(in TcpHeader h, uint seq, int dataLength, bool fin)
    {
        uint ackNo = h.AcknowledgmentNumber;
        uint window = (uint)h.Window << sndShift;
        if (probePending && Gt(ackNo, sndMax) && Le(ackNo, probeEnd)) sndMax = ackNo;   // the window probe's octet was taken
        if (Gt(ackNo, sndMax))
        {
            // Acknowledges something not yet sent: answer (RFC 9293 section 3.10.7.4), rate-limited for segments
            // without text so two desynchronised ends cannot keep an ACK war going.
            if (dataLength > 0 || fin) SendAck();
            else SendOutOfWindowAck();
            return false;
        }
        if (maxSndWnd > 0 && Lt(ackNo, sndUna - maxSndWnd))
        {
            SendChallengeAck();   // RFC 5961 section 5.2: too old to be a real acknowledgment
            return false;
        }
        if (Le(ackNo, sndUna))
        {
            // RFC 5681 section 2 duplicate ACK: no data, no SYN/FIN, same window, data outstanding.
            if (ackNo == sndUna && dataLength == 0 && !fin && window == sndWnd && window != 0 && sndMax != sndUna)
                OnDuplicateAck();
            else if (ackNo == sndUna && dataLength == 0 && !fin && window == sndWnd) { }
            else dupAcks = 0;
        }
        else
        {
            uint acked = ackNo - sndUna;
            AdvanceUna(ackNo);
            OnNewAck(ackNo, acked);
        }

        // Window update (SND.WL1/SND.WL2 rule).
        if (Lt(sndWl1, seq) || (sndWl1 == seq && Le(sndWl2, ackNo)))
        {
            sndWnd = window; sndWl1 = seq; sndWl2 = ackNo;
            if (sndWnd > maxSndWnd) maxSndWnd = sndWnd;
            if (sndWnd > 0) { persistDeadline = -1; persistBackoffMs = 0; }
        }

        bool finAcked = finQueued && sndUna == DataEnd + 1;
        switch (State)
        {
            case TcpState.FinWait1:
                if (finAcked)
                {
                    SetState(TcpState.FinWait2);
                    if (applicationClosed) finWait2Deadline = layer.NowMs + layer.Settings.FinWait2TimeoutMs;
                }
                break;
            case TcpState.Closing:
                if (finAcked) EnterTimeWait();
                return false;
            case TcpState.LastAck:
                if (finAcked) { EnterClosed(TcpError.None); return false; }
                return false;
            case TcpState.TimeWait:
                return false;
        }
        return true;
    }

    private void AdvanceUna(uint ackNo)
    {
        long now = layer.NowMs;
        uint dataEnd = DataEnd;
        uint releasedTo = Lt(ackNo, dataEnd) ? ackNo : dataEnd;
        bool freed = false;
        if (Gt(releasedTo, sndBase))
        {
            int n = (int)(releasedTo - sndBase);
            sendBuffer.Discard(n);
            sndBase += (uint)n;
            freed = true;
        }
        sndUna = ackNo;
        if (Lt(sndNxt, sndUna)) sndNxt = sndUna;
        if (rttTiming && Ge(ackNo, rttSeq))
        {
            rttTiming = false;
            UpdateRto(now - rttStartMs);
        }
        retries = 0;
        if (sndUna == sndMax) retransmitDeadline = -1;
        else ArmRetransmit();
        if (freed) Notify();
    }

    /// <summary>RFC 6298 section 2: SRTT, RTTVAR and RTO from a measurement of <paramref name="sampleMs"/>.</summary>
    private void UpdateRto(long sampleMs)
    {
        long r = Math.Max(0, sampleMs) * 1000;
        if (!haveRtt)
        {
            srttUs = r; rttvarUs = r / 2; haveRtt = true;
        }
        else
        {
            long delta = srttUs > r ? srttUs - r : r - srttUs;
            rttvarUs = (3 * rttvarUs + delta) / 4;
            srttUs = (7 * srttUs + r) / 8;
        }
        long rtoUs = srttUs + Math.Max(layer.Settings.ClockGranularityMs * 1000, 4 * rttvarUs);
        rtoMs = ClampRto((rtoUs + 999) / 1000);
    }

    private long ClampRto(long ms) => Math.Min(Math.Max(ms, layer.Settings.MinimumRetransmissionTimeoutMs), layer.Settings.MaximumRetransmissionTimeoutMs);

    private void OnNewAck(uint ackNo, uint acked)
    {
        if (State == TcpState.SynReceived || State == TcpState.SynSent) return;
        if (inRecovery)
        {
            if (Ge(ackNo, recover))
            {
                // Full acknowledgment (RFC 6582 section 3.2 step 3): deflate.
                uint flight = sndMax - sndUna;
                cwnd = Math.Min(ssthresh, Math.Max(flight, (uint)smss) + (uint)smss);
                inRecovery = false;
                dupAcks = 0;
            }
            else
            {
                // Partial acknowledgment: retransmit the next hole, deflate by the amount acked, add back one SMSS.
                RetransmitAt(sndUna);
                cwnd = acked >= cwnd ? (uint)smss : cwnd - acked;
                if (acked >= (uint)smss) cwnd += (uint)smss;
                ArmRetransmit();
                return;
            }
        }
        dupAcks = 0;
        if (cwnd < ssthresh) cwnd += Math.Min(acked, (uint)smss);                 // slow start
        else cwnd += Math.Max(1u, (uint)((ulong)smss * (uint)smss / cwnd));       // congestion avoidance
    }

    private void OnDuplicateAck()
    {
        dupAcks++;
        if (dupAcks == 3 && !inRecovery && Ge(sndUna, recover))
        {
            uint flight = sndMax - sndUna;
            ssthresh = Math.Max(flight / 2, 2u * (uint)smss);
            recover = sndMax;
            inRecovery = true;
            FastRetransmits++;
            layer.Statistics.FastRetransmits++;
            RetransmitAt(sndUna);
            cwnd = ssthresh + 3u * (uint)smss;
            ArmRetransmit();
        }
        else if (inRecovery && dupAcks > 3)
        {
            cwnd += (uint)smss;
            Output();
        }
        else if (!inRecovery && dupAcks < 3)
        {
            // Limited Transmit (RFC 3042): each of the first two duplicate ACKs may release one new segment.
            uint saved = cwnd;
            cwnd = saved + (uint)dupAcks * (uint)smss;
            Output();
            cwnd = saved;
        }
    }

    /// <summary>Sends (again) one segment starting at <paramref name="seq"/>, ignoring the windows; SND.NXT is not moved back.</summary>
    private void RetransmitAt(uint seq)
    {
        uint dataEnd = DataEnd;
        if (Gt(seq, dataEnd)) return;
        int offset = (int)(seq - sndBase);
        int len = (int)Math.Min((uint)smss, dataEnd - seq);
        bool fin = finQueued && seq + (uint)len == dataEnd;
        if (len == 0 && !fin) return;
        SendData(seq, offset, len, fin);
        Retransmissions++;
        layer.Statistics.Retransmissions++;
        rttTiming = false;   // Karn
        uint end = seq + (uint)len + (fin ? 1u : 0u);
        if (Gt(end, sndNxt)) sndNxt = end;
        if (Gt(end, sndMax)) sndMax = end;
    }

    private void SendData(uint seq, int offset, int len, bool fin)
    {
        byte[] dataScratch = layer.DataScratch;
        if (len > 0) sendBuffer.Peek(offset, dataScratch.AsSpan(0, len));
        TcpFlags flags = TcpFlags.Ack | (fin ? TcpFlags.Fin : 0) | (len > 0 && seq + (uint)len == DataEnd ? TcpFlags.Psh : 0);
        var h = new TcpHeader(LocalEndPoint.Port, RemoteEndPoint.Port, seq, rcvNxt, flags, AdvertisedWindowField(false));
        layer.SendSegment(LocalEndPoint.Address, RemoteEndPoint.Address, h, dataScratch.AsSpan(0, len), options.IPOptions);
    }

    private void ProcessText(uint seq, ReadOnlySpan<byte> data, bool fin)
    {
        if (applicationClosed && data.Length > 0)
        {
            // Nobody will read this (RFC 1122 section 4.2.2.13): reset.
            AbortWith(TcpError.None);
            return;
        }
        if (seq != rcvNxt)
        {
            QueueOutOfOrder(seq, data, fin);
            SendAck();   // immediate duplicate ACK (RFC 5681 section 4.2)
            return;
        }
        bool delivered = data.Length > 0;
        receiveBuffer.Write(data);
        rcvNxt += (uint)data.Length;
        bool gotFin = fin;
        // Pull in what the hole was blocking.
        while (!gotFin && outOfOrder.Count > 0 && Le(outOfOrder[0].Sequence, rcvNxt))
        {
            OutOfOrderSegment s = outOfOrder[0];
            outOfOrder.RemoveAt(0);
            outOfOrderBytes -= s.Data.Length;
            uint end = s.Sequence + (uint)s.Data.Length;
            if (Gt(end, rcvNxt))
            {
                int skip = (int)(rcvNxt - s.Sequence);
                int n = receiveBuffer.Write(s.Data.AsSpan(skip));
                rcvNxt += (uint)n;
                delivered |= n > 0;
                if (s.Fin && n == s.Data.Length - skip) gotFin = true;
            }
            else if (end == rcvNxt && s.Fin) gotFin = true;
        }
        if (gotFin) OnFin();
        SendAck();
        if (delivered && !gotFin) Notify();
    }

    private void QueueOutOfOrder(uint seq, ReadOnlySpan<byte> data, bool fin)
    {
        int i = 0;
        while (i < outOfOrder.Count && Lt(outOfOrder[i].Sequence, seq)) i++;
        if (i < outOfOrder.Count && outOfOrder[i].Sequence == seq && outOfOrder[i].Data.Length >= data.Length && (outOfOrder[i].Fin || !fin))
        {
            layer.Statistics.DuplicateSegments++;
            return;
        }
        if (outOfOrder.Count >= layer.Settings.MaxOutOfOrderSegments || outOfOrderBytes + data.Length > receiveBuffer.Capacity)
        {
            layer.Statistics.OutOfOrderDropped++;
            return;
        }
        layer.Statistics.OutOfOrderSegments++;
        outOfOrder.Insert(i, new OutOfOrderSegment { Sequence = seq, Data = data.ToArray(), Fin = fin });
        outOfOrderBytes += data.Length;
    }

    private void OnFin()
    {
        rcvNxt++;
        finReceived = true;
        outOfOrder.Clear(); outOfOrderBytes = 0;
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                SetState(TcpState.CloseWait);
                break;
            case TcpState.FinWait1:
                if (finQueued && sndUna == DataEnd + 1) EnterTimeWait();
                else SetState(TcpState.Closing);
                break;
            case TcpState.FinWait2:
                EnterTimeWait();
                break;
        }
        Notify();
    }

    private void EnterTimeWait()
    {
        retransmitDeadline = -1; persistDeadline = -1;
        timeWaitDeadline = layer.NowMs + 2 * layer.Settings.MaximumSegmentLifetimeMs;
        SetState(TcpState.TimeWait);
    }

    // ---------------------------------------------------------------- output

    /// <summary>Sends new data (and the FIN) as far as the send window, the congestion window and SWS avoidance allow.</summary>
    private void Output()
    {
        if (State != TcpState.Established && State != TcpState.CloseWait && State != TcpState.FinWait1 && State != TcpState.Closing && State != TcpState.LastAck)
            return;
        while (true)
        {
            uint dataEnd = DataEnd;
            if (Gt(sndNxt, dataEnd)) break;              // FIN already sent
            uint unsent = dataEnd - sndNxt;
            long allowance = (long)Math.Min(sndWnd, cwnd) - (sndNxt - sndUna);
            int len = (int)Math.Min(unsent, (uint)smss);
            if (allowance < len) len = (int)Math.Max(0, allowance);
            bool fin = finQueued && sndNxt + (uint)len == dataEnd;
            if (len == 0 && !fin) break;
            if (len > 0 && len < smss)
            {
                // Sender SWS avoidance (RFC 9293 section 3.8.6.2.1) with Nagle: a short segment only when it carries
                // everything queued and nothing is in flight (or the FIN follows), or fills half the peer's largest window.
                bool all = (uint)len == unsent;
                bool ok = (all && (sndNxt == sndUna || fin || NoDelay)) || (maxSndWnd > 0 && (uint)len >= maxSndWnd / 2 && sndNxt == sndUna);
                if (!ok) break;
            }
            bool retransmission = Lt(sndNxt, sndMax);
            SendData(sndNxt, (int)(sndNxt - sndBase), len, fin);
            if (retransmission) { Retransmissions++; layer.Statistics.Retransmissions++; }
            else if (!rttTiming && len > 0) { rttTiming = true; rttSeq = sndNxt + (uint)len; rttStartMs = layer.NowMs; }
            sndNxt += (uint)len + (fin ? 1u : 0u);
            if (Gt(sndNxt, sndMax)) sndMax = sndNxt;
            probePending = false;
            if (retransmitDeadline < 0) ArmRetransmit();
            if (fin) break;
        }
        // Persist timer: data waits, nothing is in flight to elicit an update, and the peer's window is closed or
        // too small for sender SWS avoidance (then the timer is the RFC 9293 section 3.8.6.2.1 override).
        if (sndNxt == sndUna && Lt(sndNxt, DataEnd) && persistDeadline < 0 && retransmitDeadline < 0)
        {
            persistBackoffMs = rtoMs;
            persistDeadline = layer.NowMs + persistBackoffMs;
        }
    }

    // ---------------------------------------------------------------- timers

    internal void OnTimers(long now)
    {
        if (timeWaitDeadline >= 0 && now >= timeWaitDeadline)
        {
            EnterClosed(TcpError.None);
            return;
        }
        if (finWait2Deadline >= 0 && now >= finWait2Deadline && State == TcpState.FinWait2)
        {
            // Closed by the application and the peer never sent its FIN (RFC 9293 leaves this to the implementation).
            AbortWith(TcpError.TimedOut);
            return;
        }
        if (retransmitDeadline >= 0 && now >= retransmitDeadline) OnRetransmitTimeout();
        if (State != TcpState.Closed && persistDeadline >= 0 && now >= persistDeadline) OnPersistTimeout();
        if (options.KeepAlive && State != TcpState.Closed) OnKeepAliveTimer(now);
    }

    /// <summary>RFC 1122 section 4.2.3.6: probes only on an idle, synchronized connection with nothing unacknowledged.</summary>
    private void OnKeepAliveTimer(long now)
    {
        if (State != TcpState.Established && State != TcpState.CloseWait && State != TcpState.FinWait2) return;
        if (sndUna != sndMax || persistDeadline >= 0) return;   // data in flight: the retransmission timer watches the peer
        long due = options.KeepAliveIdleMs + keepAliveProbesSent * options.KeepAliveIntervalMs;
        if (now - lastReceiveMs < due) return;
        if (keepAliveProbesSent >= options.KeepAliveProbes)
        {
            layer.Statistics.KeepAliveTimeouts++;
            AbortWith(TcpError.TimedOut);
            return;
        }
        keepAliveProbesSent++;
        layer.Statistics.KeepAliveProbes++;
        // SEG.SEQ = SND.UNA − 1 with no data: outside the peer's window, so it answers with an ACK (RFC 9293 section 3.10.7.4).
        SendControl(sndUna - 1, rcvNxt, TcpFlags.Ack);
    }

    private void OnRetransmitTimeout()
    {
        retransmitDeadline = -1;
        RetransmissionTimeouts++;
        layer.Statistics.RetransmissionTimeouts++;
        retries++;
        rttTiming = false;
        rtoMs = ClampRto(rtoMs * 2);   // RFC 6298 section 5.5
        if (State == TcpState.SynSent || State == TcpState.SynReceived)
        {
            int limit = State == TcpState.SynSent ? layer.Settings.SynRetries : passive ? layer.Settings.SynAckRetries : layer.Settings.SynRetries;
            if (retries > limit) { EnterClosed(passive ? TcpError.None : TcpError.TimedOut); return; }
            Retransmissions++;
            layer.Statistics.Retransmissions++;
            synRetransmitted = true;
            SendSyn();
            ArmRetransmit();
            return;
        }
        if (sndUna == sndMax) return;
        if (retries > layer.Settings.DataRetries)
        {
            AbortWith(TcpError.TimedOut);
            return;
        }
        // RFC 5681 section 3.1 equation 4 (first timeout only) and loss window; RFC 6582 section 3.2 step 4.
        if (retries == 1) ssthresh = Math.Max((sndMax - sndUna) / 2, 2u * (uint)smss);
        cwnd = (uint)smss;
        inRecovery = false;
        dupAcks = 0;
        recover = sndMax;
        sndNxt = sndUna;   // go back N; the receiver's out-of-order queue makes most of it cheap
        RetransmitAt(sndUna);
        ArmRetransmit();
    }

    private void OnPersistTimeout()
    {
        persistDeadline = -1;
        if (!Lt(sndNxt, DataEnd) || sndUna != sndNxt) return;
        if (sndWnd != 0)
        {
            // SWS override: send what the small window allows.
            uint len = Math.Min(Math.Min(sndWnd, (uint)smss), DataEnd - sndNxt);
            bool fin = finQueued && sndNxt + len == DataEnd;
            SendData(sndNxt, (int)(sndNxt - sndBase), (int)len, fin);
            sndNxt += len + (fin ? 1u : 0u);
            if (Gt(sndNxt, sndMax)) sndMax = sndNxt;
            ArmRetransmit();
            return;
        }
        // Window probe: one octet of new data beyond the closed window; SND.NXT stays so the octet is resent normally.
        layer.Statistics.ZeroWindowProbes++;
        SendData(sndNxt, (int)(sndNxt - sndBase), 1, false);
        probePending = true;
        probeEnd = sndNxt + 1;
        persistBackoffMs = Math.Min(persistBackoffMs * 2, layer.Settings.MaximumRetransmissionTimeoutMs);
        persistDeadline = layer.NowMs + persistBackoffMs;
    }
}
