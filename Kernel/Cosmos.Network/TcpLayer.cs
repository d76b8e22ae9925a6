using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>
/// TCP (RFC 9293) over an <see cref="IPv4Host"/>: registers itself for IP protocol 6, keeps the connection table
/// (keyed by the 4-tuple) and the listeners, answers segments for closed ports with RST (RFC 9293 section 3.10.7.1),
/// and drives every connection's timers from <see cref="Poll"/>. Initial sequence numbers follow RFC 6528 (a 4 µs
/// clock plus SipHash-2-4 of the 4-tuple under the caller's secret key). Deterministic and single-threaded: received
/// segments get the time of <see cref="IPv4Host.Receive"/>, application calls (<see cref="TcpConnection.Send"/>, …)
/// use the latest time seen (<see cref="NowMs"/>). Not thread-safe: the owner serialises every call (the host's and
/// this layer's) under one lock.
/// </summary>
public sealed class TcpLayer
{
    internal readonly struct ConnectionKey : IEquatable<ConnectionKey>
    {
        public readonly uint LocalAddress, RemoteAddress;
        public readonly ushort LocalPort, RemotePort;
        public ConnectionKey(IPv4Address local, ushort localPort, IPv4Address remote, ushort remotePort)
        {
            LocalAddress = local.Value; LocalPort = localPort; RemoteAddress = remote.Value; RemotePort = remotePort;
        }
        public bool Equals(ConnectionKey o) => LocalAddress == o.LocalAddress && RemoteAddress == o.RemoteAddress && LocalPort == o.LocalPort && RemotePort == o.RemotePort;
        public override bool Equals(object obj) => obj is ConnectionKey k && Equals(k);
        public override int GetHashCode()
        {
            uint h = LocalAddress * 0x9E3779B1u;
            h = (h ^ RemoteAddress) * 0x85EBCA77u;
            h = (h ^ ((uint)LocalPort << 16 | RemotePort)) * 0xC2B2AE3Du;
            return (int)(h ^ (h >> 15));
        }
    }

    private readonly struct PendingSegment
    {
        public readonly IPv4Header Header;
        public readonly byte[] Payload;
        public readonly bool Broadcast;
        public PendingSegment(in IPv4Header header, byte[] payload, bool broadcast) { Header = header; Payload = payload; Broadcast = broadcast; }
    }

    private readonly Dictionary<ConnectionKey, TcpConnection> connections = new Dictionary<ConnectionKey, TcpConnection>();
    private readonly Dictionary<ushort, TcpConnectionListener> listeners = new Dictionary<ushort, TcpConnectionListener>();
    private readonly List<TcpConnection> pollScratch = new List<TcpConnection>();
    private readonly List<PendingSegment> pending = new List<PendingSegment>();
    private readonly byte[] segmentScratch = new byte[IPv4Header.MaximumTotalLength];
    private readonly ulong key0, key1;
    private int depth;
    private uint portCounter;
    private long challengeWindowStartMs = long.MinValue;
    private int challengeAcksInWindow;

    /// <summary>The IP host the layer sends through and receives from.</summary>
    public IPv4Host Host { get; }
    /// <summary>Tunables (read at connection creation; change them before opening connections).</summary>
    public TcpSettings Settings { get; }
    /// <summary>Counters.</summary>
    public TcpStatistics Statistics { get; } = new TcpStatistics();
    /// <summary>The latest time given to <see cref="Poll"/> or seen on a received frame, in milliseconds; application calls act at this time.</summary>
    public long NowMs { get; private set; }
    /// <summary>Connections in the table (every state but CLOSED, half-open ones included).</summary>
    public int ConnectionCount => connections.Count;

    /// <summary>
    /// Creates the layer and registers it with <paramref name="host"/> for IP protocol 6. <paramref name="secretKey0"/>
    /// and <paramref name="secretKey1"/> form the 128-bit secret of RFC 6528 section 3 (choose them randomly at boot).
    /// Throws <see cref="ArgumentNullException"/> for a null host, <see cref="InvalidOperationException"/> when the host
    /// already has a TCP receiver, <see cref="ArgumentOutOfRangeException"/> for inconsistent settings.
    /// </summary>
    public TcpLayer(IPv4Host host, ulong secretKey0, ulong secretKey1, TcpSettings settings = null)
    {
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Settings = settings ?? new TcpSettings();
        if (Settings.MinimumRetransmissionTimeoutMs < 1 || Settings.MaximumRetransmissionTimeoutMs < Settings.MinimumRetransmissionTimeoutMs
            || Settings.InitialRetransmissionTimeoutMs < 1 || Settings.SendBufferSize < 1 || Settings.ReceiveBufferSize < 1
            || Settings.ReceiveBufferSize > (65535 << TcpHeader.MaximumWindowScale) || Settings.MaxHalfOpenPerListener < 1
            || Settings.EphemeralPortFirst == 0 || Settings.EphemeralPortLast < Settings.EphemeralPortFirst || Settings.MaximumSegmentLifetimeMs < 0)
            throw new ArgumentOutOfRangeException(nameof(settings));
        key0 = secretKey0; key1 = secretKey1;
        portCounter = (uint)SipHash.Compute(key0, key1, default);
        if (!host.RegisterProtocol(IPProtocol.Tcp, OnDatagram)) throw new InvalidOperationException("The host already has a TCP receiver.");
    }

    // ---------------------------------------------------------------- API

    /// <summary>
    /// Passive open (RFC 9293 section 3.10.1): listens on <paramref name="localAddress"/> (ours, or 0.0.0.0 for any)
    /// and <paramref name="port"/> (0 = an ephemeral port) with an accept queue of <paramref name="backlog"/>
    /// connections (1..<see cref="TcpSettings.MaxBacklog"/>, clamped). Returns <see cref="TcpError.None"/> and the
    /// listener, or <see cref="TcpError.AddressInUse"/> (a listener has the port), <see cref="TcpError.AddressNotAvailable"/>
    /// (not our address), <see cref="TcpError.InvalidArgument"/> (backlog &lt; 1), <see cref="TcpError.NoBufferSpaceAvailable"/> (no ephemeral port).
    /// </summary>
    public TcpError Listen(IPv4Address localAddress, ushort port, int backlog, out TcpConnectionListener listener)
        => Listen(localAddress, port, backlog, out listener, null);

    /// <summary><see cref="Listen(IPv4Address, ushort, int, out TcpConnectionListener)"/> whose accepted connections start with <paramref name="options"/> (copied; also settable later through <see cref="TcpConnectionListener.Options"/>).</summary>
    public TcpError Listen(IPv4Address localAddress, ushort port, int backlog, out TcpConnectionListener listener, TcpConnectionOptions options)
    {
        listener = null;
        if (backlog < 1) return TcpError.InvalidArgument;
        if (!localAddress.IsAny && localAddress != Host.Address) return TcpError.AddressNotAvailable;
        if (port == 0)
        {
            port = AllocatePort(IPv4Address.Any, 0);
            if (port == 0) return TcpError.NoBufferSpaceAvailable;
        }
        else if (listeners.ContainsKey(port)) return TcpError.AddressInUse;
        listener = new TcpConnectionListener(this, localAddress, port, Math.Min(backlog, Math.Max(1, Settings.MaxBacklog)));
        if (options != null) listener.Options = options.Clone();
        listeners.Add(port, listener);
        return TcpError.None;
    }

    /// <summary>
    /// Active open (RFC 9293 section 3.10.1): creates a connection from our address and <paramref name="localPort"/>
    /// (0 = an ephemeral port, RFC 6056) to <paramref name="remoteAddress"/>:<paramref name="remotePort"/> and sends
    /// the SYN. Returns <see cref="TcpError.None"/> and the connection (state SYN-SENT; watch
    /// <see cref="TcpConnection.State"/> and <see cref="TcpConnection.Error"/>: ConnectionRefused, TimedOut), or
    /// <see cref="TcpError.AddressInUse"/> (4-tuple or listening port taken), <see cref="TcpError.AddressNotAvailable"/>
    /// (host unconfigured), <see cref="TcpError.InvalidArgument"/> (port 0, broadcast, multicast or unspecified peer),
    /// <see cref="TcpError.NoBufferSpaceAvailable"/> (no ephemeral port), <see cref="TcpError.NetworkUnreachable"/> (no route).
    /// </summary>
    public TcpError Connect(IPv4Address remoteAddress, ushort remotePort, out TcpConnection connection, ushort localPort = 0)
        => Connect(remoteAddress, remotePort, out connection, localPort, null);

    /// <summary><see cref="Connect(IPv4Address, ushort, out TcpConnection, ushort)"/> with the socket's <paramref name="options"/> (buffer sizes set before the SYN decide its window scale).</summary>
    public TcpError Connect(IPv4Address remoteAddress, ushort remotePort, out TcpConnection connection, ushort localPort, TcpConnectionOptions options)
    {
        connection = null;
        if (Host.Address.IsAny) return TcpError.AddressNotAvailable;
        if (remotePort == 0 || remoteAddress.IsAny || remoteAddress.IsMulticast || Host.IsBroadcast(remoteAddress)) return TcpError.InvalidArgument;
        IPv4Address local = Host.Address;
        if (localPort == 0)
        {
            localPort = AllocatePort(remoteAddress, remotePort);
            if (localPort == 0) return TcpError.NoBufferSpaceAvailable;
        }
        else if (listeners.ContainsKey(localPort) || connections.ContainsKey(new ConnectionKey(local, localPort, remoteAddress, remotePort)))
            return TcpError.AddressInUse;
        var c = new TcpConnection(this, local, localPort, remoteAddress, remotePort, null, options);
        connections.Add(c.Key, c);
        Enter();
        try
        {
            if (!c.OpenActive())
            {
                connections.Remove(c.Key);
                return TcpError.NetworkUnreachable;
            }
        }
        finally { Exit(); }
        connection = c;
        return TcpError.None;
    }

    /// <summary>
    /// Advances time to <paramref name="nowMs"/> (monotonic milliseconds): retransmission, persist and TIME-WAIT
    /// timers of every connection. Call it often (every 10..100 ms); timers fire no earlier than due and at most one
    /// poll late. Also call <see cref="IPv4Host.Poll"/>.
    /// </summary>
    public void Poll(long nowMs)
    {
        NowMs = nowMs;
        Enter();
        try
        {
            pollScratch.Clear();
            foreach (KeyValuePair<ConnectionKey, TcpConnection> kv in connections) pollScratch.Add(kv.Value);
            for (int i = 0; i < pollScratch.Count; i++) pollScratch[i].OnTimers(nowMs);
            pollScratch.Clear();
        }
        finally { Exit(); }
    }

    // ---------------------------------------------------------------- internals

    internal void Enter() => depth++;

    internal void Exit()
    {
        if (depth == 1)
        {
            // Segments that arrived re-entrantly (loopback sends) are processed now, still inside the guard.
            for (int i = 0; i < pending.Count; i++)
            {
                PendingSegment p = pending[i];
                Process(p.Header, p.Payload, p.Broadcast);
            }
            pending.Clear();
        }
        depth--;
    }

    internal void Remove(TcpConnection c)
    {
        if (connections.TryGetValue(c.Key, out TcpConnection existing) && existing == c) connections.Remove(c.Key);
    }

    internal void RemoveListener(TcpConnectionListener l)
    {
        if (listeners.TryGetValue(l.LocalPort, out TcpConnectionListener existing) && existing == l) listeners.Remove(l.LocalPort);
    }

    internal bool AllowChallengeAck()
    {
        if (Settings.ChallengeAcksPerSecond <= 0) return false;
        if (NowMs - challengeWindowStartMs >= 1000 || NowMs < challengeWindowStartMs) { challengeWindowStartMs = NowMs; challengeAcksInWindow = 0; }
        if (challengeAcksInWindow >= Settings.ChallengeAcksPerSecond) return false;
        challengeAcksInWindow++;
        return true;
    }

    /// <summary>Tests only: the next ISN to use instead of the RFC 6528 one (e.g. just below 2^32 to test wrap-around).</summary>
    internal uint? NextInitialSequenceNumberForTests;

    /// <summary>RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 µs timer.</summary>
    internal uint InitialSequenceNumber(IPv4Address local, ushort localPort, IPv4Address remote, ushort remotePort)
    {
        if (NextInitialSequenceNumberForTests.HasValue)
        {
            uint forced = NextInitialSequenceNumberForTests.Value;
            NextInitialSequenceNumberForTests = null;
            return forced;
        }
        Span<byte> tuple = stackalloc byte[12];
        local.Write(tuple);
        remote.Write(tuple.Slice(4));
        tuple[8] = (byte)(localPort >> 8); tuple[9] = (byte)localPort;
        tuple[10] = (byte)(remotePort >> 8); tuple[11] = (byte)remotePort;
        return (uint)(NowMs * 250) + (uint)SipHash.Compute(key0, key1, tuple);
    }

    /// <summary>RFC 6056 algorithm 3 (simple hash-based): offset by a keyed hash of the peer, then scan.</summary>
    private ushort AllocatePort(IPv4Address remote, ushort remotePort)
    {
        int first = Settings.EphemeralPortFirst, count = Settings.EphemeralPortLast - first + 1;
        Span<byte> peer = stackalloc byte[6];
        remote.Write(peer);
        peer[4] = (byte)(remotePort >> 8); peer[5] = (byte)remotePort;
        uint offset = (uint)SipHash.Compute(key1, key0, peer);
        for (int i = 0; i < count; i++)
        {
            ushort port = (ushort)(first + (int)((offset + portCounter + (uint)i) % (uint)count));
            if (listeners.ContainsKey(port)) continue;
            if (!remote.IsAny && connections.ContainsKey(new ConnectionKey(Host.Address, port, remote, remotePort))) continue;
            if (remote.IsAny && PortHasConnections(port)) continue;
            portCounter += (uint)i + 1;
            return port;
        }
        return 0;
    }

    private bool PortHasConnections(ushort port)
    {
        foreach (KeyValuePair<ConnectionKey, TcpConnection> kv in connections) if (kv.Key.LocalPort == port) return true;
        return false;
    }

    /// <summary>Scratch space for a segment's data (single-threaded use only).</summary>
    internal readonly byte[] DataScratch = new byte[IPv4Header.MaximumTotalLength];

    /// <summary>Writes and sends one segment; returns what IP did with it.</summary>
    internal SendStatus SendSegment(IPv4Address source, IPv4Address destination, in TcpHeader header, ReadOnlySpan<byte> data)
        => SendSegment(source, destination, header, data, IPv4SendOptions.Default);

    /// <summary>Writes and sends one segment with a connection's IP header fields; returns what IP did with it.</summary>
    internal SendStatus SendSegment(IPv4Address source, IPv4Address destination, in TcpHeader header, ReadOnlySpan<byte> data, in IPv4SendOptions ip)
    {
        int length = header.Write(segmentScratch, source, destination, data);
        Statistics.SegmentsSent++;
        SendStatus s = Host.SendIPv4(IPProtocol.Tcp, destination, segmentScratch.AsSpan(0, length), NowMs, ip);
        if (s != SendStatus.Sent && s != SendStatus.Queued) Statistics.SendFailures++;
        return s;
    }

    /// <summary>RFC 9293 section 3.10.7.1: the reset answering <paramref name="h"/> (never a reset for a reset).</summary>
    internal void SendResetFor(IPv4Address local, IPv4Address remote, in TcpHeader h, int dataLength)
    {
        if (h.Has(TcpFlags.Rst)) return;
        TcpHeader rst;
        if (h.Has(TcpFlags.Ack)) rst = new TcpHeader(h.DestinationPort, h.SourcePort, h.AcknowledgmentNumber, 0, TcpFlags.Rst, 0);
        else
        {
            uint segLen = (uint)dataLength + (h.Has(TcpFlags.Syn) ? 1u : 0u) + (h.Has(TcpFlags.Fin) ? 1u : 0u);
            rst = new TcpHeader(h.DestinationPort, h.SourcePort, 0, h.SequenceNumber + segLen, TcpFlags.Rst | TcpFlags.Ack, 0);
        }
        Statistics.ResetsSent++;
        SendSegment(local, remote, rst, default);
    }

    private void OnDatagram(in IPv4Header ip, ReadOnlySpan<byte> payload, bool broadcast)
    {
        if (depth > 0)
        {
            pending.Add(new PendingSegment(ip, payload.ToArray(), broadcast));
            return;
        }
        Enter();
        try { Process(ip, payload, broadcast); }
        finally { Exit(); }
    }

    private void Process(in IPv4Header ip, ReadOnlySpan<byte> payload, bool broadcast)
    {
        NowMs = Host.NowMs;
        Statistics.SegmentsReceived++;
        if (broadcast || ip.DestinationAddress.IsMulticast || ip.SourceAddress.IsAny || Host.IsBroadcast(ip.SourceAddress)) { Statistics.NotUnicast++; return; }
        ParseStatus status = TcpHeader.TryParse(payload, ip.SourceAddress, ip.DestinationAddress, out TcpHeader h, out ReadOnlySpan<byte> data);
        if (status != ParseStatus.Ok)
        {
            Statistics.Malformed++;
            switch (status)
            {
                case ParseStatus.Truncated: Statistics.Truncated++; break;
                case ParseStatus.BadHeaderLength: Statistics.BadDataOffset++; break;
                case ParseStatus.BadChecksum: Statistics.BadChecksum++; break;
                default: Statistics.BadFlagsOrOptions++; break;
            }
            return;
        }
        var key = new ConnectionKey(ip.DestinationAddress, h.DestinationPort, ip.SourceAddress, h.SourcePort);
        if (connections.TryGetValue(key, out TcpConnection c) && !c.TryRecycleTimeWait(h))
        {
            c.OnSegment(h, data);
            return;
        }
        if (listeners.TryGetValue(h.DestinationPort, out TcpConnectionListener l) && (l.LocalAddress.IsAny || l.LocalAddress == ip.DestinationAddress))
        {
            OnListenSegment(l, ip, h, data);
            return;
        }
        SendResetFor(ip.DestinationAddress, ip.SourceAddress, h, data.Length);
    }

    /// <summary>RFC 9293 section 3.10.7.2 (LISTEN state).</summary>
    private void OnListenSegment(TcpConnectionListener l, in IPv4Header ip, in TcpHeader h, ReadOnlySpan<byte> data)
    {
        if (h.Has(TcpFlags.Rst)) return;
        if (h.Has(TcpFlags.Ack)) { SendResetFor(ip.DestinationAddress, ip.SourceAddress, h, data.Length); return; }
        if (!h.Has(TcpFlags.Syn)) return;
        if (l.AcceptQueueFull) { Statistics.ListenOverflows++; return; }
        if (l.HalfOpen.Count >= Math.Max(1, Settings.MaxHalfOpenPerListener))
        {
            TcpConnection oldest = l.HalfOpen[0];
            Statistics.SynQueueOverflows++;
            oldest.Drop();
        }
        var c = new TcpConnection(this, ip.DestinationAddress, h.DestinationPort, ip.SourceAddress, h.SourcePort, l, l.Options);
        connections.Add(c.Key, c);
        l.HalfOpen.Add(c);
        c.OpenPassive(h);
    }
}

/// <summary>
/// A listening TCP port (LISTEN, RFC 9293 section 3.10.1 passive OPEN) with a bounded queue of half-open
/// connections (SYN-RECEIVED, at most <see cref="TcpSettings.MaxHalfOpenPerListener"/>; the oldest is dropped for a
/// new SYN) and a bounded accept queue of established connections (<see cref="Backlog"/>; SYNs are dropped while it
/// is full, so the peer retries).
/// </summary>
public sealed class TcpConnectionListener
{
    private readonly TcpLayer layer;
    private readonly Queue<TcpConnection> acceptQueue = new Queue<TcpConnection>();
    internal readonly List<TcpConnection> HalfOpen = new List<TcpConnection>();

    internal TcpConnectionListener(TcpLayer layer, IPv4Address localAddress, ushort port, int backlog)
    {
        this.layer = layer; LocalAddress = localAddress; LocalPort = port; Backlog = backlog;
        IsListening = true;
    }

    /// <summary>The address listened on (0.0.0.0 = any of ours).</summary>
    public IPv4Address LocalAddress { get; }
    /// <summary>The port listened on.</summary>
    public ushort LocalPort { get; }
    /// <summary>The local end point.</summary>
    public TcpEndPoint LocalEndPoint => new TcpEndPoint(LocalAddress, LocalPort);
    /// <summary>Most established connections waiting for <see cref="TryAccept"/>.</summary>
    public int Backlog { get; }
    /// <summary>True until <see cref="Stop"/>.</summary>
    public bool IsListening { get; private set; }
    /// <summary>Established connections waiting for <see cref="TryAccept"/>.</summary>
    public int PendingCount => acceptQueue.Count;
    /// <summary>Half-open (SYN-RECEIVED) connections.</summary>
    public int HalfOpenCount => HalfOpen.Count;
    /// <summary>Options every connection accepted from now on starts with (null: the layer's settings and defaults).</summary>
    public TcpConnectionOptions Options { get; set; }
    /// <summary>True when <see cref="TryAccept"/> would return a connection (a waiter may stop waiting).</summary>
    public bool CanAccept => acceptQueue.Count > 0;
    /// <summary>Called (inside the layer, with its lock held) when a connection becomes acceptable. Must not block; it should only wake a waiter.</summary>
    public Action<TcpConnectionListener> Changed { get; set; }

    internal bool AcceptQueueFull => acceptQueue.Count >= Backlog;

    /// <summary>Takes the oldest established connection. Returns false when none is waiting or the listener is stopped.</summary>
    public bool TryAccept(out TcpConnection connection)
    {
        connection = null;
        while (acceptQueue.Count > 0)
        {
            TcpConnection c = acceptQueue.Dequeue();
            c.Listener = null;
            connection = c;
            return true;
        }
        return false;
    }

    /// <summary>Stops listening: the port is released, queued and half-open connections are reset.</summary>
    public void Stop()
    {
        if (!IsListening) return;
        IsListening = false;
        layer.RemoveListener(this);
        layer.Enter();
        try
        {
            TcpConnection[] halfOpen = HalfOpen.ToArray();
            HalfOpen.Clear();
            for (int i = 0; i < halfOpen.Length; i++) halfOpen[i].Abort();
            while (acceptQueue.Count > 0) { TcpConnection c = acceptQueue.Dequeue(); c.Listener = null; c.Abort(); }
        }
        finally { layer.Exit(); }
    }

    internal void OnEstablished(TcpConnection c)
    {
        HalfOpen.Remove(c);
        acceptQueue.Enqueue(c);
        Changed?.Invoke(this);
    }

    internal void OnGone(TcpConnection c)
    {
        if (HalfOpen.Remove(c)) return;
        // Queued connections that die before accept stay queued (accept returns them closed, as BSD does); nothing to do.
    }
}
