using System;

namespace Cosmos.Network;

/// <summary>Connection states of RFC 9293 section 3.3.2 (LISTEN belongs to <see cref="TcpConnectionListener"/>).</summary>
public enum TcpState
{
    /// <summary>No connection: never opened, or finished (see <see cref="TcpConnection.Error"/> for why).</summary>
    Closed,
    /// <summary>Waiting for a connection request (listeners only).</summary>
    Listen,
    /// <summary>Active open: our SYN is sent, waiting for the peer's SYN.</summary>
    SynSent,
    /// <summary>A SYN was received and our SYN,ACK sent; waiting for its acknowledgment.</summary>
    SynReceived,
    /// <summary>Open: data flows both ways.</summary>
    Established,
    /// <summary>We closed (our FIN is queued or sent), the peer has not acknowledged our FIN nor sent its own.</summary>
    FinWait1,
    /// <summary>Our FIN is acknowledged; waiting for the peer's FIN.</summary>
    FinWait2,
    /// <summary>The peer closed (its FIN received); we may still send.</summary>
    CloseWait,
    /// <summary>Both sides closed at the same time; waiting for the acknowledgment of our FIN.</summary>
    Closing,
    /// <summary>The peer closed first, then we did; waiting for the acknowledgment of our FIN.</summary>
    LastAck,
    /// <summary>Both FINs exchanged and acknowledged; waiting 2 × MSL before the 4-tuple may be reused.</summary>
    TimeWait,
}

/// <summary>Why a TCP operation failed or a connection ended. Names follow <c>System.Net.Sockets.SocketError</c>.</summary>
public enum TcpError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The peer answered our SYN with a RST (nobody listens on that port).</summary>
    ConnectionRefused,
    /// <summary>The SYN, SYN,ACK or data retransmissions were not answered within the retry limit.</summary>
    TimedOut,
    /// <summary>The peer reset an open connection (acceptable RST, RFC 9293 section 3.10.7.4 / RFC 5961 section 3).</summary>
    ConnectionReset,
    /// <summary>The connection was aborted locally (<see cref="TcpConnection.Abort"/>, or data arrived after <see cref="TcpConnection.Close"/>).</summary>
    ConnectionAborted,
    /// <summary>The local port (or, for connect, the 4-tuple) is already in use.</summary>
    AddressInUse,
    /// <summary>The local address is not ours, or the host has no address yet.</summary>
    AddressNotAvailable,
    /// <summary>No free ephemeral port.</summary>
    NoBufferSpaceAvailable,
    /// <summary>A parameter is invalid (port 0 as a destination, backlog &lt; 1, a broadcast or multicast peer).</summary>
    InvalidArgument,
    /// <summary>The operation is not valid in the connection's state (sending after shutdown, on a closed connection).</summary>
    NotConnected,
    /// <summary>The IP layer has no route to the peer.</summary>
    NetworkUnreachable,
}

/// <summary>
/// Tunables of a <see cref="TcpLayer"/>. Times are in milliseconds, sizes in octets. Defaults are the RFCs'
/// (RFC 6298 RTO bounds, RFC 9293 MSL of 2 minutes) unless stated.
/// </summary>
public sealed class TcpSettings
{
    /// <summary>Lower bound of the retransmission timeout (RFC 6298 section 2.4: 1000 ms; smaller values are common in data centres).</summary>
    public long MinimumRetransmissionTimeoutMs { get; set; } = 1000;
    /// <summary>Upper bound of the retransmission timeout (RFC 6298 section 2.5 allows ≥ 60 s; 60000 ms).</summary>
    public long MaximumRetransmissionTimeoutMs { get; set; } = 60_000;
    /// <summary>RTO before the first RTT measurement (RFC 6298 section 2.1: 1000 ms).</summary>
    public long InitialRetransmissionTimeoutMs { get; set; } = 1000;
    /// <summary>Clock granularity G of RFC 6298 section 2 (1 ms).</summary>
    public long ClockGranularityMs { get; set; } = 1;
    /// <summary>Maximum Segment Lifetime (RFC 9293 section 3.4.2: 2 minutes); TIME-WAIT lasts twice this.</summary>
    public long MaximumSegmentLifetimeMs { get; set; } = 120_000;
    /// <summary>SYN retransmissions before an active open gives up with <see cref="TcpError.TimedOut"/> (6: about 127 s with a 1 s initial RTO).</summary>
    public int SynRetries { get; set; } = 6;
    /// <summary>SYN,ACK retransmissions before a half-open passive connection is dropped (3).</summary>
    public int SynAckRetries { get; set; } = 3;
    /// <summary>Consecutive retransmission timeouts of data or FIN before the connection fails with <see cref="TcpError.TimedOut"/> (12).</summary>
    public int DataRetries { get; set; } = 12;
    /// <summary>How long a connection closed by the application may wait in FIN-WAIT-2 for the peer's FIN (60000 ms); then it is reset.</summary>
    public long FinWait2TimeoutMs { get; set; } = 60_000;
    /// <summary>Send buffer of each connection (unacknowledged plus unsent data), octets (64 KiB).</summary>
    public int SendBufferSize { get; set; } = 64 * 1024;
    /// <summary>Receive buffer of each connection, octets (64 KiB); it is the most we advertise as window. Window scaling (RFC 7323) is used above 65535.</summary>
    public int ReceiveBufferSize { get; set; } = 64 * 1024;
    /// <summary>Most out-of-order segments kept per connection for reassembly (64); their octets are also bounded by the receive window.</summary>
    public int MaxOutOfOrderSegments { get; set; } = 64;
    /// <summary>Most half-open (SYN-RECEIVED) connections per listener (128); when full the oldest is dropped for a new SYN (RFC 4987 section 3.4).</summary>
    public int MaxHalfOpenPerListener { get; set; } = 128;
    /// <summary>Largest accept backlog a listener may ask for (128).</summary>
    public int MaxBacklog { get; set; } = 128;
    /// <summary>First port of the ephemeral range (RFC 6335: 49152).</summary>
    public ushort EphemeralPortFirst { get; set; } = 49152;
    /// <summary>Last port of the ephemeral range (65535).</summary>
    public ushort EphemeralPortLast { get; set; } = 65535;
    /// <summary>Offer the Window Scale option (RFC 7323 section 2; true).</summary>
    public bool WindowScaling { get; set; } = true;
    /// <summary>
    /// Least interval between two ACKs answering unacceptable segments without text on one connection (500 ms, as
    /// Linux's <c>tcp_invalid_ratelimit</c>): stops ACK wars between desynchronised ends.
    /// </summary>
    public long OutOfWindowAckIntervalMs { get; set; } = 500;
    /// <summary>Most challenge ACKs (RFC 5961 section 7) sent per second by the whole layer (100).</summary>
    public int ChallengeAcksPerSecond { get; set; } = 100;
}

/// <summary>Counters kept by a <see cref="TcpLayer"/> (monotonic, never reset).</summary>
public sealed class TcpStatistics
{
    /// <summary>Keep-alive probes sent (RFC 9293 section 3.8.4).</summary>
    public long KeepAliveProbes;
    /// <summary>Connections closed because keep-alive probes went unanswered.</summary>
    public long KeepAliveTimeouts;
    /// <summary>Segments handed to the layer by IP.</summary>
    public long SegmentsReceived;
    /// <summary>Segments sent.</summary>
    public long SegmentsSent;
    /// <summary>Malformed segments dropped (sum of the four counters below).</summary>
    public long Malformed;
    /// <summary>Dropped: shorter than 20 octets.</summary>
    public long Truncated;
    /// <summary>Dropped: Data Offset below 5 or beyond the segment.</summary>
    public long BadDataOffset;
    /// <summary>Dropped: checksum does not verify.</summary>
    public long BadChecksum;
    /// <summary>Dropped: impossible control bits (none, SYN+FIN, SYN+RST) or malformed options.</summary>
    public long BadFlagsOrOptions;
    /// <summary>Dropped: sent to a broadcast or multicast address, or from an invalid source.</summary>
    public long NotUnicast;
    /// <summary>RSTs sent (closed ports, bad ACKs, aborts).</summary>
    public long ResetsSent;
    /// <summary>Acceptable RSTs received.</summary>
    public long ResetsReceived;
    /// <summary>Challenge ACKs sent (RFC 5961).</summary>
    public long ChallengeAcksSent;
    /// <summary>Segments retransmitted (timeouts, fast retransmit, NewReno partial ACKs, SYN and SYN,ACK).</summary>
    public long Retransmissions;
    /// <summary>Retransmission timer expiries.</summary>
    public long RetransmissionTimeouts;
    /// <summary>Fast retransmits (third duplicate ACK, RFC 5681 section 3.2).</summary>
    public long FastRetransmits;
    /// <summary>Zero-window probes sent (persist timer, RFC 9293 section 3.8.6.1).</summary>
    public long ZeroWindowProbes;
    /// <summary>Segments that were entirely duplicates (old data), answered with an ACK.</summary>
    public long DuplicateSegments;
    /// <summary>Segments queued out of order for reassembly.</summary>
    public long OutOfOrderSegments;
    /// <summary>Out-of-order segments dropped because the reassembly queue was full.</summary>
    public long OutOfOrderDropped;
    /// <summary>Connections that reached ESTABLISHED by an active open.</summary>
    public long ActiveOpens;
    /// <summary>Connections that reached ESTABLISHED by a passive open.</summary>
    public long PassiveOpens;
    /// <summary>Half-open connections dropped to make room for a new SYN.</summary>
    public long SynQueueOverflows;
    /// <summary>SYNs dropped because the listener's accept backlog was full.</summary>
    public long ListenOverflows;
    /// <summary>ACKs for unacceptable segments without text not sent because of <see cref="TcpSettings.OutOfWindowAckIntervalMs"/>.</summary>
    public long OutOfWindowAcksSuppressed;
    /// <summary>Segments for which IP reported an error (no route, too long; see <see cref="SendStatus"/>).</summary>
    public long SendFailures;
}

/// <summary>An IPv4 address and a TCP port.</summary>
public readonly struct TcpEndPoint : IEquatable<TcpEndPoint>
{
    /// <summary>The address.</summary>
    public readonly IPv4Address Address;
    /// <summary>The port.</summary>
    public readonly ushort Port;
    /// <summary>Creates an end point.</summary>
    public TcpEndPoint(IPv4Address address, ushort port) { Address = address; Port = port; }
    /// <inheritdoc/>
    public bool Equals(TcpEndPoint other) => Address == other.Address && Port == other.Port;
    /// <inheritdoc/>
    public override bool Equals(object obj) => obj is TcpEndPoint e && Equals(e);
    /// <inheritdoc/>
    public override int GetHashCode() => (int)Address.Value ^ (Port << 16) ^ Port;
    /// <summary>"a.b.c.d:port", culture-free.</summary>
    public override string ToString()
    {
        Span<char> digits = stackalloc char[5];
        int n = 0;
        int p = Port;
        do { digits[4 - n++] = (char)('0' + p % 10); p /= 10; } while (p != 0);
        return Address.ToString() + ":" + new string(digits.Slice(5 - n));
    }
}

/// <summary>
/// Per-connection choices a socket makes before or after connecting (SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE with
/// TCP_KEEPIDLE/KEEPINTVL/KEEPCNT, IP_TTL, IP_TOS, IP_DONTFRAG); null fields of a <see cref="TcpLayer.Connect(IPv4Address, ushort, out TcpConnection, ushort, TcpConnectionOptions)"/> call and
/// of a listener fall back to <see cref="TcpSettings"/> and the defaults below. Accepted connections take their
/// listener's options.
/// </summary>
public sealed class TcpConnectionOptions
{
    /// <summary>Send buffer, octets (null: <see cref="TcpSettings.SendBufferSize"/>).</summary>
    public int? SendBufferSize { get; set; }
    /// <summary>Receive buffer, octets (null: <see cref="TcpSettings.ReceiveBufferSize"/>); it bounds the advertised window.</summary>
    public int? ReceiveBufferSize { get; set; }
    /// <summary>Send keep-alive probes on an idle connection.</summary>
    public bool KeepAlive { get; set; }
    /// <summary>Idle time before the first probe, ms (Linux and .NET default: 2 hours).</summary>
    public long KeepAliveIdleMs { get; set; } = 7_200_000;
    /// <summary>Time between unanswered probes, ms (Linux default 75 s).</summary>
    public long KeepAliveIntervalMs { get; set; } = 75_000;
    /// <summary>Unanswered probes after which the connection fails with <see cref="TcpError.TimedOut"/> (Linux default 9).</summary>
    public int KeepAliveProbes { get; set; } = 9;
    /// <summary>IP header fields of every segment.</summary>
    public IPv4SendOptions IPOptions { get; set; } = IPv4SendOptions.Default;

    /// <summary>A copy.</summary>
    public TcpConnectionOptions Clone() => (TcpConnectionOptions)MemberwiseClone();
}

/// <summary>A FIFO of octets with a capacity that may grow.</summary>
internal sealed class ByteRing
{
    private byte[] buffer;
    private int head;

    /// <summary>Grows the capacity to <paramref name="capacity"/> keeping the contents (never shrinks).</summary>
    public void Grow(int capacity)
    {
        if (capacity <= buffer.Length) return;
        var bigger = new byte[capacity];
        Peek(0, bigger.AsSpan(0, Count));
        buffer = bigger;
        head = 0;
    }

    public ByteRing(int capacity) => buffer = new byte[capacity];

    public int Capacity => buffer.Length;
    public int Count { get; private set; }
    public int Free => buffer.Length - Count;

    public int Write(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        int tail = (head + Count) % buffer.Length;
        int first = Math.Min(n, buffer.Length - tail);
        data.Slice(0, first).CopyTo(buffer.AsSpan(tail));
        data.Slice(first, n - first).CopyTo(buffer);
        Count += n;
        return n;
    }

    /// <summary>Copies octets starting <paramref name="offset"/> after the head, without consuming them.</summary>
    public void Peek(int offset, Span<byte> destination)
    {
        int start = (head + offset) % buffer.Length;
        int first = Math.Min(destination.Length, buffer.Length - start);
        buffer.AsSpan(start, first).CopyTo(destination);
        buffer.AsSpan(0, destination.Length - first).CopyTo(destination.Slice(first));
    }

    public void Discard(int n)
    {
        head = (head + n) % buffer.Length;
        Count -= n;
    }

    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Count);
        Peek(0, destination.Slice(0, n));
        Discard(n);
        return n;
    }
}
