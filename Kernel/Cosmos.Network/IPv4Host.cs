using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>Sends one Ethernet frame (header included, FCS excluded). The span is valid only during the call.</summary>
public delegate void FrameSender(ReadOnlySpan<byte> frame);

/// <summary>
/// Per-socket fields of the IPv4 header a sender chooses (RFC 791 section 3.1): Time to Live (1–255 hops), Type of
/// Service (the whole octet: DSCP and ECN), and Don't Fragment (a datagram larger than the MTU is then refused with
/// <see cref="SendStatus.TooLong"/> instead of being fragmented).
/// </summary>
public readonly struct IPv4SendOptions
{
    /// <summary>Time to Live, hops (1–255).</summary>
    public readonly byte TimeToLive;
    /// <summary>The Type of Service octet.</summary>
    public readonly byte TypeOfService;
    /// <summary>Set the DF flag and never fragment.</summary>
    public readonly bool DontFragment;

    /// <summary>Options with the given fields; a Time to Live of 0 is replaced by <see cref="IPv4Header.DefaultTimeToLive"/>.</summary>
    public IPv4SendOptions(byte timeToLive, byte typeOfService, bool dontFragment)
    {
        TimeToLive = timeToLive == 0 ? IPv4Header.DefaultTimeToLive : timeToLive;
        TypeOfService = typeOfService;
        DontFragment = dontFragment;
    }

    /// <summary>TTL <see cref="IPv4Header.DefaultTimeToLive"/>, TOS 0, fragmentation allowed.</summary>
    public static IPv4SendOptions Default => new IPv4SendOptions(IPv4Header.DefaultTimeToLive, 0, false);
}

/// <summary>
/// Receives one UDP datagram's data. <paramref name="data"/> points into the received frame (or the reassembly
/// buffer) and is valid only during the call; copy it to keep it.
/// </summary>
public delegate void UdpReceiver(IPv4Address source, ushort sourcePort, IPv4Address destination, ushort destinationPort, ReadOnlySpan<byte> data);

/// <summary>Receives an ICMP Echo Reply (RFC 792). <paramref name="data"/> is valid only during the call.</summary>
public delegate void EchoReplyReceiver(IPv4Address source, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data);

/// <summary>
/// Receives the data of one IPv4 datagram of a protocol registered with <see cref="IPv4Host.RegisterProtocol"/>
/// (e.g. TCP). <paramref name="header"/> is the (reassembled) IPv4 header; <paramref name="payload"/> is the
/// datagram's data, valid only during the call. <paramref name="broadcast"/> is true when the datagram was addressed
/// to a broadcast address rather than to us.
/// </summary>
public delegate void IPv4PayloadReceiver(in IPv4Header header, ReadOnlySpan<byte> payload, bool broadcast);

/// <summary>Outcome of sending an IPv4 datagram through <see cref="IPv4Host"/>.</summary>
public enum SendStatus
{
    /// <summary>Handed to the frame sender.</summary>
    Sent,
    /// <summary>
    /// Queued until the next hop's hardware address resolves (an ARP request went out or is under way). The datagram
    /// may still be lost: when the next hop never answers, or when newer packets displace it from the bounded queue.
    /// </summary>
    Queued,
    /// <summary>
    /// Not sent: the next hop's hardware address is unknown and the datagram's fragments outnumber what the ARP queue
    /// holds for one address (<see cref="ArpCache.MaxPendingPerAddress"/>, or <see cref="ArpCache.MaxPendingTotal"/>),
    /// so it cannot wait whole. The resolution is started: a send after the next hop answers goes out. (A datagram
    /// that fits is always queued, see <see cref="Queued"/>; to make room the queue drops its oldest packets, which
    /// their senders already saw as queued, as Linux does with its neighbour queue.)
    /// </summary>
    Dropped,
    /// <summary>Not sent: the destination is off-link and no gateway is configured, or the host has no address.</summary>
    NoRoute,
    /// <summary>Not sent: the datagram would exceed 65535 octets.</summary>
    TooLong,
}

/// <summary>
/// Counters kept by <see cref="IPv4Host"/> (monotonic, never reset). Each frame given to <see cref="IPv4Host.Receive"/>,
/// and each datagram looped back to our own address, ends in exactly one disposition counter: <see cref="Malformed"/>,
/// <see cref="NotForUs"/>, <see cref="Unsupported"/>, <see cref="ArpReceived"/>, <see cref="FragmentsQueued"/>,
/// <see cref="FragmentsDropped"/>, <see cref="EchoRequestsReceived"/>, <see cref="EchoRepliesReceived"/>,
/// <see cref="UdpDelivered"/> or <see cref="UdpNoListener"/> (a fragment that completes its datagram counts as the
/// datagram's disposition). So <see cref="Dispositions"/> = <see cref="FramesReceived"/> + <see cref="LoopedBack"/>.
/// The other counters record actions and detail (replies sent, conflicts, reassemblies).
/// </summary>
public sealed class IPv4HostStatistics
{
    /// <summary>Frames given to <see cref="IPv4Host.Receive"/>.</summary>
    public long FramesReceived;
    /// <summary>Datagrams sent to our own address and received directly, without a frame (each gets a disposition too).</summary>
    public long LoopedBack;
    /// <summary>Frames handed to the <see cref="FrameSender"/>.</summary>
    public long FramesSent;
    /// <summary>Disposition: frames or datagrams addressed to another station (MAC or IP), and echo requests we do not answer (to a broadcast, or while unconfigured).</summary>
    public long NotForUs;
    /// <summary>Disposition: frames a parser refused (any <see cref="ParseStatus"/> other than Ok), or with an invalid source address (RFC 1122 3.2.1.3, or our own address from the wire).</summary>
    public long Malformed;
    /// <summary>Disposition: EtherTypes, IP protocols or ICMP types this host does not handle.</summary>
    public long Unsupported;
    /// <summary>Disposition: well-formed ARP packets (processed by the cache; replies and conflicts are counted apart).</summary>
    public long ArpReceived;
    /// <summary>Disposition: fragments stored while their datagram still has holes.</summary>
    public long FragmentsQueued;
    /// <summary>Disposition: fragments the reassembler refused (bad, too large, inconsistent, bounds).</summary>
    public long FragmentsDropped;
    /// <summary>Disposition: ICMP Echo requests to our address (answered or not: <see cref="EchoRepliesSent"/> counts the answers).</summary>
    public long EchoRequestsReceived;
    /// <summary>Disposition: ICMP Echo Replies to us (handed to <see cref="IPv4Host.EchoReplyReceived"/> when set).</summary>
    public long EchoRepliesReceived;
    /// <summary>Disposition: UDP datagrams delivered to a bound port.</summary>
    public long UdpDelivered;
    /// <summary>Disposition: UDP datagrams for a port nobody bound.</summary>
    public long UdpNoListener;
    /// <summary>Disposition: datagrams handed to a protocol registered with <see cref="IPv4Host.RegisterProtocol"/> (TCP), which counts its own drops.</summary>
    public long ProtocolDelivered;
    /// <summary>ARP replies sent for our address.</summary>
    public long ArpRepliesSent;
    /// <summary>ARP requests sent to the broadcast address (resolutions of unknown next hops).</summary>
    public long ArpRequestsSent;
    /// <summary>
    /// ARP requests sent to a known hardware address: the unicast polls (RFC 1122 section 2.3.2.1) that re-validate a
    /// cache entry past its lifetime while it is still in use (<see cref="ArpCache.Poll"/>). Not counted in
    /// <see cref="ArpRequestsSent"/>.
    /// </summary>
    public long ArpUnicastPollsSent;
    /// <summary>ARP packets from another station claiming our IPv4 address.</summary>
    public long AddressConflicts;
    /// <summary>ICMP Echo Replies sent (handed to the sender or queued for ARP).</summary>
    public long EchoRepliesSent;
    /// <summary>ICMP Destination Unreachable (port unreachable) messages sent.</summary>
    public long PortUnreachableSent;
    /// <summary>ICMP error messages not sent because of the rate limit.</summary>
    public long IcmpErrorsRateLimited;
    /// <summary>Datagrams completed from fragments.</summary>
    public long Reassembled;

    /// <summary>The sum of the disposition counters; equals <see cref="FramesReceived"/> + <see cref="LoopedBack"/>.</summary>
    public long Dispositions => NotForUs + Malformed + Unsupported + ArpReceived + FragmentsQueued + FragmentsDropped
        + EchoRequestsReceived + EchoRepliesReceived + UdpDelivered + UdpNoListener + ProtocolDelivered;
}

/// <summary>
/// A minimal IPv4 end host over Ethernet, independent of any NIC: given its own MAC, IPv4 address, netmask, gateway
/// and a <see cref="FrameSender"/>, it consumes received frames (<see cref="Receive"/>), answers ARP requests for its
/// address (RFC 826) and ICMP Echo requests (RFC 792), reassembles fragments (RFC 791), delivers UDP datagrams to
/// bound ports (RFC 768), and sends UDP and ICMP Echo to on-link destinations directly or via the gateway, resolving
/// the next hop with ARP (queued packets wait; <see cref="Poll"/> retries). Outgoing datagrams larger than the MTU
/// are fragmented. Deterministic and single-threaded: the caller passes a monotonic clock in milliseconds
/// (<c>nowMs</c>) to every call and drives retries and expiry with <see cref="Poll"/>. Not thread-safe.
/// </summary>
public sealed class IPv4Host
{
    /// <summary>The IP MTU over Ethernet (1500 octets, RFC 894).</summary>
    public const int DefaultMtu = EthernetHeader.MaximumPayload;

    private readonly FrameSender send;
    private readonly Dictionary<ushort, UdpReceiver> udpPorts = new Dictionary<ushort, UdpReceiver>();
    private readonly Dictionary<byte, IPv4PayloadReceiver> protocols = new Dictionary<byte, IPv4PayloadReceiver>();
    private readonly List<IPv4Address> requestScratch = new List<IPv4Address>();
    private readonly List<ArpUnicastPoll> pollScratch = new List<ArpUnicastPoll>();
    private ushort nextIdentification = 1;
    private long icmpErrorWindowStartMs;
    private bool icmpErrorWindowStarted;
    private int icmpErrorsInWindow;

    /// <summary>
    /// Most ICMP error messages sent per 1000 ms window (RFC 1812 4.3.2.8 asks for a limit). 0 disables them; the
    /// default is 10.
    /// </summary>
    public int IcmpErrorsPerSecond { get; set; } = 10;

    /// <summary>Our Ethernet hardware address.</summary>
    public MacAddress HardwareAddress { get; }
    /// <summary>Our IPv4 address (0.0.0.0 while unconfigured: then every destination address is accepted, as a DHCP client needs).</summary>
    public IPv4Address Address { get; private set; }
    /// <summary>The subnet mask of the attached network.</summary>
    public IPv4Address Netmask { get; private set; }
    /// <summary>The default gateway (0.0.0.0 = none: only on-link destinations are reachable).</summary>
    public IPv4Address Gateway { get; private set; }
    /// <summary>The IP MTU in octets (576..1500).</summary>
    public int Mtu { get; }
    /// <summary>The ARP cache (exposed for inspection and static entries).</summary>
    public ArpCache Arp { get; }
    /// <summary>The fragment reassembler.</summary>
    public IPv4Reassembler Reassembler { get; }
    /// <summary>The <c>nowMs</c> of the latest <see cref="Receive"/>, <see cref="Poll"/> or send call (for receivers, whose callbacks carry no time).</summary>
    public long NowMs { get; private set; }
    /// <summary>Counters.</summary>
    public IPv4HostStatistics Statistics { get; } = new IPv4HostStatistics();
    /// <summary>Called for every ICMP Echo Reply addressed to us (null: ignored).</summary>
    public EchoReplyReceiver EchoReplyReceived { get; set; }

    /// <summary>
    /// Creates a host. <paramref name="arpCache"/> and <paramref name="reassembler"/> default to new instances with
    /// default bounds. Throws <see cref="ArgumentNullException"/> when <paramref name="send"/> is null and
    /// <see cref="ArgumentOutOfRangeException"/> for an MTU outside 576..1500.
    /// </summary>
    public IPv4Host(MacAddress hardwareAddress, IPv4Address address, IPv4Address netmask, IPv4Address gateway, FrameSender send,
        ArpCache arpCache = null, IPv4Reassembler reassembler = null, int mtu = DefaultMtu)
    {
        this.send = send ?? throw new ArgumentNullException(nameof(send));
        if (mtu < 576 || mtu > EthernetHeader.MaximumPayload) throw new ArgumentOutOfRangeException(nameof(mtu));
        HardwareAddress = hardwareAddress;
        Address = address; Netmask = netmask; Gateway = gateway;
        Mtu = mtu;
        Arp = arpCache ?? new ArpCache();
        Reassembler = reassembler ?? new IPv4Reassembler();
    }

    /// <summary>Changes the address configuration (e.g. after DHCP). Learned ARP entries stay.</summary>
    public void Configure(IPv4Address address, IPv4Address netmask, IPv4Address gateway)
    {
        Address = address; Netmask = netmask; Gateway = gateway;
    }

    /// <summary>Binds a UDP port to a receiver. Returns false when the port is already bound. Port 0 cannot be bound.</summary>
    public bool Bind(ushort port, UdpReceiver receiver)
    {
        if (receiver == null) throw new ArgumentNullException(nameof(receiver));
        if (port == 0 || udpPorts.ContainsKey(port)) return false;
        udpPorts.Add(port, receiver);
        return true;
    }

    /// <summary>
    /// Hands every received datagram of IP <paramref name="protocol"/> (e.g. <see cref="IPProtocol.Tcp"/>) to
    /// <paramref name="receiver"/>. Returns false when the protocol is handled by the host itself (ICMP, UDP) or is
    /// already registered. Throws <see cref="ArgumentNullException"/> for a null receiver.
    /// </summary>
    public bool RegisterProtocol(byte protocol, IPv4PayloadReceiver receiver)
    {
        if (receiver == null) throw new ArgumentNullException(nameof(receiver));
        if (protocol == IPProtocol.Icmp || protocol == IPProtocol.Udp || protocols.ContainsKey(protocol)) return false;
        protocols.Add(protocol, receiver);
        return true;
    }

    /// <summary>Removes a receiver added by <see cref="RegisterProtocol"/>. Returns whether one was registered.</summary>
    public bool UnregisterProtocol(byte protocol) => protocols.Remove(protocol);

    /// <summary>Releases a UDP port. Returns whether it was bound.</summary>
    public bool Unbind(ushort port) => udpPorts.Remove(port);

    /// <summary>True when <paramref name="address"/> is the limited broadcast or our subnet's directed broadcast.</summary>
    public bool IsBroadcast(IPv4Address address)
        => address.IsBroadcast || (Netmask.Value != 0 && Netmask.Value != 0xFFFF_FFFFu && (address.Value | Netmask.Value) == 0xFFFF_FFFFu && address.IsInSameSubnet(Address, Netmask));

    // ---------------------------------------------------------------- receive

    /// <summary>
    /// Consumes one received Ethernet frame (FCS excluded). Never throws for malformed frames: they are counted in
    /// <see cref="Statistics"/> and dropped. May call the frame sender (ARP replies, echo replies, released packets)
    /// and UDP receivers before it returns.
    /// </summary>
    public void Receive(ReadOnlySpan<byte> frame, long nowMs)
    {
        NowMs = nowMs;
        Statistics.FramesReceived++;
        if (EthernetHeader.TryParse(frame, out EthernetHeader eth, out ReadOnlySpan<byte> payload) != ParseStatus.Ok) { Statistics.Malformed++; return; }
        if (eth.Destination != HardwareAddress && !eth.Destination.IsBroadcast) { Statistics.NotForUs++; return; }
        switch (eth.EtherType)
        {
            case EtherType.Arp: ReceiveArp(payload, nowMs); break;
            case EtherType.IPv4: ReceiveIPv4(payload, nowMs, fromWire: true); break;
            default: Statistics.Unsupported++; break;
        }
    }

    private void ReceiveArp(ReadOnlySpan<byte> payload, long nowMs)
    {
        if (ArpPacket.TryParse(payload, out ArpPacket arp) != ParseStatus.Ok) { Statistics.Malformed++; return; }
        Statistics.ArpReceived++;
        ArpReceiveActions actions = Arp.Receive(arp, HardwareAddress, Address, nowMs);
        if ((actions & ArpReceiveActions.AddressConflict) != 0) Statistics.AddressConflicts++;
        if ((actions & ArpReceiveActions.ReplyNeeded) != 0)
        {
            var reply = new ArpPacket(ArpPacket.OpReply, HardwareAddress, Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress);
            Span<byte> body = stackalloc byte[ArpPacket.Length];
            reply.Write(body);
            SendFrame(arp.SenderHardwareAddress, EtherType.Arp, body);
            Statistics.ArpRepliesSent++;
        }
        if ((actions & (ArpReceiveActions.Added | ArpReceiveActions.Updated)) != 0)
        {
            List<byte[]> released = Arp.TakePending(arp.SenderProtocolAddress);
            foreach (byte[] datagram in released) SendFrame(arp.SenderHardwareAddress, EtherType.IPv4, datagram);
        }
    }

    private void ReceiveIPv4(ReadOnlySpan<byte> payload, long nowMs, bool fromWire)
    {
        if (IPv4Header.TryParse(payload, out IPv4Header ip, out ReadOnlySpan<byte> data) != ParseStatus.Ok) { Statistics.Malformed++; return; }
        bool toUs = Address.IsAny || ip.DestinationAddress == Address;
        bool toBroadcast = IsBroadcast(ip.DestinationAddress);
        if (!toUs && !toBroadcast) { Statistics.NotForUs++; return; }
        // RFC 1122 3.2.1.3: a broadcast (limited or our subnet's directed broadcast), multicast, loopback or reserved
        // source is invalid; replies and ICMP errors to it would go to many hosts (a directed-broadcast source made us
        // broadcast echo replies). 0.0.0.0 stays valid (DHCP clients).
        IPv4Address source = ip.SourceAddress;
        if (!source.IsAny && (!source.IsUnicast || IsBroadcast(source))) { Statistics.Malformed++; return; }
        // Our own address as the source of a datagram from the wire is spoofed (Linux drops it as a martian): answering
        // it would make us talk to ourselves (echo replies and ICMP errors looped back to our own receivers).
        if (fromWire && !Address.IsAny && source == Address) { Statistics.Malformed++; return; }
        if (ip.IsFragment)
        {
            ReassemblyStatus status = Reassembler.Add(ip, data, nowMs, out IPv4Header whole, out byte[] wholeData);
            if (status == ReassemblyStatus.Incomplete) { Statistics.FragmentsQueued++; return; }
            if (status != ReassemblyStatus.Complete) { Statistics.FragmentsDropped++; return; }
            Statistics.Reassembled++;
            Deliver(whole, wholeData, toBroadcast && !toUs, nowMs);
            return;
        }
        Deliver(ip, data, toBroadcast && !toUs, nowMs);
    }

    private void Deliver(in IPv4Header ip, ReadOnlySpan<byte> data, bool broadcastOnly, long nowMs)
    {
        switch (ip.Protocol)
        {
            case IPProtocol.Icmp: ReceiveIcmp(ip, data, broadcastOnly, nowMs); break;
            case IPProtocol.Udp: ReceiveUdp(ip, data, broadcastOnly, nowMs); break;
            default:
                if (protocols.TryGetValue(ip.Protocol, out IPv4PayloadReceiver receiver)) { Statistics.ProtocolDelivered++; receiver(ip, data, broadcastOnly); }
                else Statistics.Unsupported++;
                break;
        }
    }

    private void ReceiveIcmp(in IPv4Header ip, ReadOnlySpan<byte> message, bool broadcastOnly, long nowMs)
    {
        if (IcmpEchoHeader.TryParse(message, out IcmpEchoHeader icmp, out ReadOnlySpan<byte> echoData) != ParseStatus.Ok) { Statistics.Malformed++; return; }
        if (icmp.Type == IcmpEchoHeader.TypeEcho)
        {
            // RFC 1122 3.2.2.6 allows ignoring echo requests sent to a broadcast address; we do (no smurf amplification).
            if (broadcastOnly || Address.IsAny) { Statistics.NotForUs++; return; }
            Statistics.EchoRequestsReceived++;
            byte[] reply = IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEchoReply, icmp.Identifier, icmp.SequenceNumber, echoData);
            SendStatus s = SendIPv4(IPProtocol.Icmp, ip.SourceAddress, reply, nowMs);
            if (s == SendStatus.Sent || s == SendStatus.Queued) Statistics.EchoRepliesSent++;
            return;
        }
        if (icmp.Type == IcmpEchoHeader.TypeEchoReply)
        {
            Statistics.EchoRepliesReceived++;
            EchoReplyReceived?.Invoke(ip.SourceAddress, icmp.Identifier, icmp.SequenceNumber, echoData);
            return;
        }
        Statistics.Unsupported++;
    }

    private void ReceiveUdp(in IPv4Header ip, ReadOnlySpan<byte> datagram, bool broadcastOnly, long nowMs)
    {
        if (UdpHeader.TryParse(datagram, ip.SourceAddress, ip.DestinationAddress, out UdpHeader udp, out ReadOnlySpan<byte> data) != ParseStatus.Ok)
        {
            Statistics.Malformed++;
            return;
        }
        if (!udpPorts.TryGetValue(udp.DestinationPort, out UdpReceiver receiver))
        {
            Statistics.UdpNoListener++;
            // RFC 1122 4.1.3.1 / 3.2.2: port unreachable, never for datagrams sent to a broadcast or multicast address.
            if (!broadcastOnly && !Address.IsAny && ip.DestinationAddress == Address && !ip.SourceAddress.IsAny)
                SendDestinationUnreachable(ip, datagram, IcmpEchoHeader.CodePortUnreachable, nowMs);
            return;
        }
        Statistics.UdpDelivered++;
        receiver(ip.SourceAddress, udp.SourcePort, ip.DestinationAddress, udp.DestinationPort, data);
    }

    private void SendDestinationUnreachable(in IPv4Header original, ReadOnlySpan<byte> originalData, byte code, long nowMs)
    {
        if (IcmpErrorsPerSecond <= 0) return;
        if (!icmpErrorWindowStarted || nowMs - icmpErrorWindowStartMs >= 1000 || nowMs < icmpErrorWindowStartMs)
        {
            icmpErrorWindowStarted = true; icmpErrorWindowStartMs = nowMs; icmpErrorsInWindow = 0;
        }
        if (icmpErrorsInWindow >= IcmpErrorsPerSecond) { Statistics.IcmpErrorsRateLimited++; return; }
        icmpErrorsInWindow++;
        // RFC 792: the unused word, then the original Internet header and the first 64 bits of its data. The header
        // is re-serialised from the parsed fields (options are not kept).
        int quoted = Math.Min(8, originalData.Length);
        Span<byte> body = stackalloc byte[IPv4Header.MinimumLength + 8];
        original.Write(body);
        originalData.Slice(0, quoted).CopyTo(body.Slice(IPv4Header.MinimumLength));
        byte[] message = new byte[IcmpEchoHeader.Length + IPv4Header.MinimumLength + quoted];
        new IcmpEchoHeader(IcmpEchoHeader.TypeDestinationUnreachable, code, 0, 0).Write(message, body.Slice(0, IPv4Header.MinimumLength + quoted));
        SendIPv4(IPProtocol.Icmp, original.SourceAddress, message, nowMs);
        Statistics.PortUnreachableSent++;
    }

    // ---------------------------------------------------------------- send

    /// <summary>
    /// Sends a UDP datagram from our address. <paramref name="data"/> is copied. Returns how far it went; see
    /// <see cref="SendStatus"/>. The limited broadcast 255.255.255.255 may be sent while unconfigured (source 0.0.0.0).
    /// </summary>
    public SendStatus SendUdp(IPv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> data, long nowMs)
        => SendUdp(destination, sourcePort, destinationPort, data, nowMs, IPv4SendOptions.Default);

    /// <summary><see cref="SendUdp(IPv4Address, ushort, ushort, ReadOnlySpan{byte}, long)"/> with the sender's IP header options.</summary>
    public SendStatus SendUdp(IPv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> data, long nowMs, in IPv4SendOptions options)
    {
        if (UdpHeader.Length + data.Length > IPv4Reassembler.MaximumPayload) return SendStatus.TooLong;
        byte[] udp = UdpHeader.Build(Address, destination, sourcePort, destinationPort, data);
        return SendIPv4(IPProtocol.Udp, destination, udp, nowMs, options);
    }

    /// <summary>Sends an ICMP Echo request (a ping) with the given Identifier, Sequence Number and data.</summary>
    public SendStatus SendEchoRequest(IPv4Address destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data, long nowMs)
        => SendEchoRequest(destination, identifier, sequenceNumber, data, nowMs, IPv4SendOptions.Default);

    /// <summary><see cref="SendEchoRequest(IPv4Address, ushort, ushort, ReadOnlySpan{byte}, long)"/> with the sender's IP header options (ping's TTL and DF).</summary>
    public SendStatus SendEchoRequest(IPv4Address destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data, long nowMs, in IPv4SendOptions options)
    {
        if (IcmpEchoHeader.Length + data.Length > IPv4Reassembler.MaximumPayload) return SendStatus.TooLong;
        return SendIPv4(IPProtocol.Icmp, destination, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, identifier, sequenceNumber, data), nowMs, options);
    }

    /// <summary>Broadcasts a gratuitous ARP request announcing our address (<c>ar_spa</c> = <c>ar_tpa</c> = <see cref="Address"/>).</summary>
    public void AnnounceAddress()
    {
        var garp = new ArpPacket(ArpPacket.OpRequest, HardwareAddress, Address, MacAddress.Zero, Address);
        Span<byte> body = stackalloc byte[ArpPacket.Length];
        garp.Write(body);
        SendFrame(MacAddress.Broadcast, EtherType.Arp, body);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> as the data of an IPv4 datagram of <paramref name="protocol"/> to
    /// <paramref name="destination"/>, fragmenting it when it exceeds the MTU, choosing the next hop (on-link
    /// destination or the gateway; broadcast and multicast map to Ethernet group addresses without ARP). Datagrams to
    /// our own address are looped back: received at once, before this returns.
    /// </summary>
    public SendStatus SendIPv4(byte protocol, IPv4Address destination, ReadOnlySpan<byte> payload, long nowMs)
        => SendIPv4(protocol, destination, payload, nowMs, IPv4SendOptions.Default);

    /// <summary>
    /// <see cref="SendIPv4(byte, IPv4Address, ReadOnlySpan{byte}, long)"/> with the sender's Time to Live, Type of Service
    /// and Don't Fragment; with DF a payload that does not fit one MTU is refused (<see cref="SendStatus.TooLong"/>,
    /// EMSGSIZE to a socket) rather than fragmented.
    /// </summary>
    public SendStatus SendIPv4(byte protocol, IPv4Address destination, ReadOnlySpan<byte> payload, long nowMs, in IPv4SendOptions options)
    {
        NowMs = nowMs;
        if (payload.Length > IPv4Reassembler.MaximumPayload) return SendStatus.TooLong;
        if (options.DontFragment && payload.Length > Mtu - IPv4Header.MinimumLength) return SendStatus.TooLong;
        MacAddress mac = default;
        bool resolved = true;
        IPv4Address nextHop = destination;
        // Datagrams to our own address never reach the wire: they are received directly.
        bool loopback = !Address.IsAny && destination == Address;
        if (loopback) { }
        else if (IsBroadcast(destination)) mac = MacAddress.Broadcast;
        else if (destination.IsMulticast)
            // RFC 1112 section 6.4: 01-00-5E followed by the low 23 bits of the group address.
            mac = new MacAddress(0x0100_5E00_0000UL | (destination.Value & 0x7F_FFFF));
        else
        {
            if (Address.IsAny || destination.IsAny) return SendStatus.NoRoute;
            if (!destination.IsInSameSubnet(Address, Netmask))
            {
                if (Gateway.IsAny) return SendStatus.NoRoute;
                nextHop = Gateway;
            }
            resolved = Arp.TryGet(nextHop, nowMs, out mac);
        }

        int maxData = (Mtu - IPv4Header.MinimumLength) & ~7;
        if (!loopback && !resolved)
        {
            int fragments = payload.Length <= Mtu - IPv4Header.MinimumLength ? 1 : (payload.Length + maxData - 1) / maxData;
            if (fragments > Math.Min(Arp.MaxPendingPerAddress, Arp.MaxPendingTotal))
            {
                // Queued, its later fragments would displace its first ones: it could never arrive whole.
                if (Arp.DropAndResolve(nextHop, fragments, nowMs)) SendArpRequest(nextHop);
                return SendStatus.Dropped;
            }
        }

        ushort id = nextIdentification++;
        SendStatus result = SendStatus.Sent;
        int offset = 0;
        do
        {
            int length = Math.Min(payload.Length - offset, payload.Length <= Mtu - IPv4Header.MinimumLength ? payload.Length : maxData);
            bool more = offset + length < payload.Length;
            var header = new IPv4Header(5, options.TypeOfService, (ushort)(IPv4Header.MinimumLength + length), id,
                (byte)((more ? IPv4Header.FlagMoreFragments : 0) | (options.DontFragment ? IPv4Header.FlagDontFragment : 0)), (ushort)(offset / 8),
                options.TimeToLive == 0 ? IPv4Header.DefaultTimeToLive : options.TimeToLive, protocol, Address, destination);
            byte[] datagram = IPv4Header.BuildDatagram(header, payload.Slice(offset, length));
            if (loopback) { Statistics.LoopedBack++; ReceiveIPv4(datagram, nowMs, fromWire: false); }
            else if (resolved) SendFrame(mac, EtherType.IPv4, datagram);
            else
            {
                if (Arp.Enqueue(nextHop, datagram, nowMs) == ArpEnqueueResult.QueuedSendRequest) SendArpRequest(nextHop);
                result = SendStatus.Queued;
            }
            offset += length;
        } while (offset < payload.Length);
        return result;
    }

    /// <summary>
    /// Advances time: ARP retries (broadcast requests go out here) and give-ups, ARP entry expiry and the unicast polls
    /// that re-validate expired entries still in use (RFC 1122 section 2.3.2.1; see <see cref="ArpCache"/>), reassembly
    /// timeouts.
    /// </summary>
    public void Poll(long nowMs)
    {
        NowMs = nowMs;
        requestScratch.Clear();
        pollScratch.Clear();
        Arp.Poll(nowMs, requestScratch, pollScratch);
        foreach (ArpUnicastPoll p in pollScratch)
        {
            SendArpRequest(p.ProtocolAddress, p.HardwareAddress);
            Statistics.ArpUnicastPollsSent++;
        }
        foreach (IPv4Address a in requestScratch) SendArpRequest(a);
        Reassembler.Expire(nowMs);
    }

    private void SendArpRequest(IPv4Address target)
    {
        SendArpRequest(target, MacAddress.Broadcast);
        Statistics.ArpRequestsSent++;
    }

    // RFC 826 request for target; ar_tha is zero (ignored in requests) also when the frame goes to a known address.
    private void SendArpRequest(IPv4Address target, MacAddress ethernetDestination)
    {
        var req = new ArpPacket(ArpPacket.OpRequest, HardwareAddress, Address, MacAddress.Zero, target);
        Span<byte> body = stackalloc byte[ArpPacket.Length];
        req.Write(body);
        SendFrame(ethernetDestination, EtherType.Arp, body);
    }

    private void SendFrame(MacAddress destination, ushort etherType, ReadOnlySpan<byte> payload)
    {
        byte[] frame = EthernetHeader.BuildFrame(destination, HardwareAddress, etherType, payload);
        Statistics.FramesSent++;
        send(frame);
    }
}
