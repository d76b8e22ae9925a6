using System;
using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// The whole receive path: <see cref="IPv4Host.Receive"/> fed a short sequence of neighbouring captured frames (so
/// fragments meet their siblings and conversations their replies), some mutated, with the clock advancing (and now
/// and then jumping past the reassembly and ARP timeouts, with <see cref="IPv4Host.Poll"/> between frames). The host
/// takes the identity of the seed frame's receiver (10.99.0.1 or .2 of the capture), is sometimes unconfigured
/// (0.0.0.0, as under DHCP) and sometimes has tiny ARP and reassembly bounds. Invariants: Receive never throws;
/// every frame is accounted for exactly once in <see cref="IPv4HostStatistics"/>; the reassembler and ARP cache stay
/// within their bounds; delivered UDP data is the datagram's and echo replies carry the request's identifier,
/// sequence number and data back to its source; ARP follows RFC 826 (one reply per request for our address, to the
/// requester; conflicts counted; senders that target us cached); every frame the host sends parses, fits the MTU, comes from the host, and no ICMP message
/// goes to a broadcast, multicast, loopback or unspecified address (RFC 1122 3.2.2); UDP receivers get data within
/// bounds; a bounded number of frames go out per frame received.
/// </summary>
public sealed class HostTarget : IFuzzTarget
{
    internal static readonly MacAddress ServerMac = new MacAddress(0x020000990001UL), ClientMac = new MacAddress(0x020000990002UL);
    internal static readonly IPv4Address ServerIp = new IPv4Address(10, 99, 0, 1), ClientIp = new IPv4Address(10, 99, 0, 2), Mask = new IPv4Address(255, 255, 255, 0);

    /// <inheritdoc/>
    public string Name => "host";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => true;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        Random rng = c.Rng;
        FrameLayout sl = c.Seed.Layout;
        ulong dst = c.Seed.Data.Length >= 6 ? (ulong)c.Seed.Data[0] << 40 | (ulong)c.Seed.Data[1] << 32 | (ulong)c.Seed.Data[2] << 24 | (ulong)c.Seed.Data[3] << 16 | (ulong)c.Seed.Data[4] << 8 | c.Seed.Data[5] : 0;
        bool server = dst == ServerMac.Value || (dst != ClientMac.Value && rng.Next(2) == 0);
        bool unconfigured = rng.Next(8) == 0;
        bool tiny = rng.Next(3) == 0;
        var sent = new List<byte[]>();
        var host = new IPv4Host(server ? ServerMac : ClientMac,
            unconfigured ? IPv4Address.Any : server ? ServerIp : ClientIp, unconfigured ? IPv4Address.Any : Mask,
            server || unconfigured ? IPv4Address.Any : ServerIp, frame => sent.Add(frame.ToArray()),
            tiny ? new ArpCache(capacity: 2, maxPendingPerAddress: 2, maxPendingTotal: 3) : null,
            tiny ? new IPv4Reassembler(maxDatagrams: 2, maxTotalBytes: 6000, maxFragmentsPerDatagram: 4, timeoutMs: 5000) : null);
        c.Log.Add($"host {host.HardwareAddress} {host.Address}/{host.Netmask} gw {host.Gateway}{(tiny ? ", tiny bounds" : "")}");
        byte[] lastDelivered = null;
        ushort lastDeliveredPort = 0;
        UdpReceiver receiver = (src, sport, dip, dport, data) =>
        {
            lastDelivered = data.ToArray();
            lastDeliveredPort = dport;
            Check.That(data.Length <= IPv4Reassembler.MaximumPayload - 8, "UDP data longer than a datagram can be");
            // The application parsers run on delivered data too (as the DNS resolver and DHCP client would).
            if (sport == 53 || dport == 53) DnsMessage.TryParse(data, out _);
            if (sport is 67 or 68 || dport is 67 or 68) DhcpMessage.TryParse(data, out _);
        };
        foreach (ushort port in new ushort[] { 7000, 53, 67, 68 }) if (rng.Next(3) != 0) host.Bind(port, receiver);
        if (sl.UdpData >= 0 && rng.Next(2) == 0) host.Bind(sl.DestinationPort == 0 ? (ushort)1 : sl.DestinationPort, receiver);
        host.EchoReplyReceived = (src, id, seq, data) => Check.That(data.Length <= IPv4Reassembler.MaximumPayload - 8, "echo reply data too long");
        if (rng.Next(3) == 0) host.Arp.Add(server ? ClientIp : ServerIp, server ? ClientMac : ServerMac, 0);

        // The sequence: the seed and up to 11 of its neighbours in the capture, some mutated, sometimes reordered.
        int count = 1 + rng.Next(rng.Next(2) == 0 ? 12 : 3);
        int first = -rng.Next(count);
        var frames = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            SeedFrame s = c.Corpus.Neighbour(c.Seed, first + i);
            bool mutate = s == c.Seed || rng.Next(3) == 0;
            FuzzLayer focus = (FuzzLayer)rng.Next(Enum.GetValues<FuzzLayer>().Length);
            frames.Add(mutate ? c.Mutate(s, focus) : c.Original(s));
        }
        if (count > 1 && rng.Next(3) == 0)
        {
            for (int i = frames.Count - 1; i > 0; i--) { int j = rng.Next(i + 1); (frames[i], frames[j]) = (frames[j], frames[i]); }
            c.Log.Add("sequence shuffled");
        }
        if (rng.Next(6) == 0) { frames.Add(frames[rng.Next(frames.Count)]); c.Log.Add("one frame repeated at the end"); }

        long now = 1000;
        long conflicts = 0;
        string outcome = null;
        foreach (byte[] frame in frames)
        {
            IPv4HostStatistics st = host.Statistics;
            long framesBefore = st.FramesReceived, loopedBefore = st.LoopedBack;
            long[] before = Counters(st);
            int sentBefore = sent.Count;
            host.Receive(frame, now);
            string moved = CheckAccounted(st, before, framesBefore, loopedBefore, frame);
            // Our receivers never send, so a frame from the wire must not make the host talk to itself.
            Check.That(st.LoopedBack == loopedBefore, $"a received frame made the host send {st.LoopedBack - loopedBefore} datagram(s) to itself ({FrameLayout.Of(frame).Describe()})");
            long conflictsBefore = conflicts;
            conflicts = st.AddressConflicts;
            if (st.LoopedBack == loopedBefore) CheckContent(host, frame, moved, lastDelivered, lastDeliveredPort, sent, sentBefore);
            if (moved == "ArpReceived") CheckArp(host, frame, now, sent, sentBefore, st.AddressConflicts - conflictsBefore);
            lastDelivered = null;
            Check.That(sent.Count - sentBefore <= 64, $"{sent.Count - sentBefore} frames sent for one received");
            for (int i = sentBefore; i < sent.Count; i++) CheckSent(host, sent[i]);
            CheckBounds(host);
            outcome = moved;
            // Time moves: usually a few milliseconds, sometimes past the ARP retry, reassembly and ARP lifetimes.
            int r = rng.Next(20);
            now += r < 15 ? rng.Next(50) : r < 18 ? 1000 + rng.Next(2000) : 31_000 + rng.Next(40_000);
            if (rng.Next(4) == 0)
            {
                int sentBeforePoll = sent.Count;
                host.Poll(now);
                for (int i = sentBeforePoll; i < sent.Count; i++) CheckSent(host, sent[i]);
                CheckBounds(host);
            }
        }
        // Drain: everything expires; the bounds hold and nothing is left waiting forever.
        for (int i = 0; i < 5; i++) host.Poll(now + 120_000 + i * 2_000);
        CheckBounds(host);
        Check.That(host.Reassembler.Count == 0, "reassembly state left after the timeout");
        Check.That(host.Arp.PendingCount == 0, "ARP queue not drained after the retries");
        return outcome;
    }

    /// <summary>Names of <see cref="Counters"/>.</summary>
    internal static readonly string[] CounterNames =
    {
        "Malformed", "NotForUs", "Unsupported", "ArpReceived", "FragmentsQueued", "FragmentsDropped", "EchoRequestsReceived",
        "EchoRepliesReceived", "UdpDelivered", "UdpNoListener",
    };

    /// <summary>The disposition counters: each received frame (and each looped-back datagram) must add exactly one.</summary>
    internal static long[] Counters(IPv4HostStatistics s) => new[]
    {
        s.Malformed, s.NotForUs, s.Unsupported, s.ArpReceived, s.FragmentsQueued, s.FragmentsDropped, s.EchoRequestsReceived,
        s.EchoRepliesReceived, s.UdpDelivered, s.UdpNoListener,
    };

    /// <summary>Checks that one Receive call added exactly one disposition per frame and looped-back datagram; returns the counters that moved.</summary>
    internal static string CheckAccounted(IPv4HostStatistics st, long[] before, long framesBefore, long loopedBefore, byte[] frame)
    {
        long[] after = Counters(st);
        long accounted = 0;
        string moved = "";
        for (int k = 0; k < after.Length; k++) if (after[k] != before[k]) { accounted += after[k] - before[k]; moved += " " + CounterNames[k]; }
        long looped = st.LoopedBack - loopedBefore;
        Check.That(st.FramesReceived - framesBefore == 1, "FramesReceived did not grow by one");
        Check.That(accounted == 1 + looped, $"a received frame was accounted for {accounted} times (with {looped} looped back):{moved} ({FrameLayout.Of(frame).Describe()})");
        Check.That(st.Dispositions == st.FramesReceived + st.LoopedBack, "Dispositions != FramesReceived + LoopedBack");
        return moved.Trim();
    }

    /// <summary>
    /// For an unfragmented datagram: UDP data delivered is exactly the frame's UDP data (by the UDP Length), and an
    /// echo reply sent for an echo request carries its identifier, sequence number and data back to its source.
    /// </summary>
    private static void CheckContent(IPv4Host host, byte[] frame, string moved, byte[] delivered, ushort port, List<byte[]> sent, int sentBefore)
    {
        FrameLayout l = FrameLayout.Of(frame);
        if (l.IsFragment || !l.HasTransport) return;
        if (moved == "UdpDelivered")
        {
            Check.That(delivered != null && port == l.DestinationPort, "UdpDelivered counted but the receiver got nothing");
            Check.That(delivered.AsSpan().SequenceEqual(frame.AsSpan(l.UdpData, l.UdpEnd - l.UdpData)), "delivered UDP data differs from the datagram's");
        }
        else Check.That(delivered == null, $"a receiver got data but the frame ended as {moved}");
        if (moved == "EchoRequestsReceived")
        {
            var request = frame.AsSpan(l.Transport, l.IpEnd - l.Transport);
            var source = IPv4Address.Read(frame.AsSpan(l.Ip + 12));
            var data = new List<byte>();
            bool found = false;
            ushort id = 0, seq = 0;
            foreach (byte[] f in sent.GetRange(sentBefore, sent.Count - sentBefore))
            {
                if (EthernetHeader.TryParse(f, out EthernetHeader eth, out ReadOnlySpan<byte> p) != ParseStatus.Ok || eth.EtherType != EtherType.IPv4) continue;
                if (IPv4Header.TryParse(p, out IPv4Header ip, out ReadOnlySpan<byte> d) != ParseStatus.Ok || ip.Protocol != IPProtocol.Icmp) continue;
                Check.That(ip.DestinationAddress == source, $"echo reply to {ip.DestinationAddress}, the request came from {source}");
                if (ip.FragmentOffset == 0)
                {
                    found = true;
                    Check.That(d[0] == IcmpEchoHeader.TypeEchoReply, "ICMP sent for an echo request is not an echo reply");
                    id = (ushort)(d[4] << 8 | d[5]); seq = (ushort)(d[6] << 8 | d[7]);
                }
                foreach (byte b in d) data.Add(b);
            }
            if (!found) return; // queued for ARP, or no route
            Check.That(id == (ushort)(request[4] << 8 | request[5]) && seq == (ushort)(request[6] << 8 | request[7]), "echo reply identifier or sequence number differs");
            Check.That(data.Count == request.Length && data.Skip(8).SequenceEqual(request.Slice(8).ToArray()), "echo reply data differs from the request's");
        }
    }

    /// <summary>
    /// RFC 826 for an ARP packet the host accepted (fields read from the raw frame): someone else claiming our address
    /// is a conflict and gets no reply; a request for our address gets exactly one reply, to the requester, with our
    /// binding; a cacheable sender that targeted us is in the cache afterwards; nothing else is answered.
    /// </summary>
    private static void CheckArp(IPv4Host host, byte[] frame, long now, List<byte[]> sent, int sentBefore, long newConflicts)
    {
        ReadOnlySpan<byte> a = frame.AsSpan(14);
        ushort op = (ushort)(a[6] << 8 | a[7]);
        var sha = MacAddress.Read(a.Slice(8));
        var spa = IPv4Address.Read(a.Slice(14));
        var tpa = IPv4Address.Read(a.Slice(24));
        IPv4Address own = host.Address;
        var replies = new List<ArpPacket>();
        var replyTo = new List<MacAddress>();
        foreach (byte[] f in sent.GetRange(sentBefore, sent.Count - sentBefore))
            if (EthernetHeader.TryParse(f, out EthernetHeader eth, out ReadOnlySpan<byte> p) == ParseStatus.Ok && eth.EtherType == EtherType.Arp
                && ArpPacket.TryParse(p, out ArpPacket r) == ParseStatus.Ok && r.Operation == ArpPacket.OpReply) { replies.Add(r); replyTo.Add(eth.Destination); }
        bool claimsOurs = !own.IsAny && spa == own;
        Check.That(newConflicts == (claimsOurs && sha != host.HardwareAddress ? 1 : 0), $"ARP from {sha} for {spa}: {newConflicts} conflicts counted");
        bool requestForUs = !own.IsAny && !claimsOurs && tpa == own && op == ArpPacket.OpRequest;
        Check.That(replies.Count == (requestForUs ? 1 : 0), $"ARP op {op} {spa} -> {tpa}: {replies.Count} replies sent (host {own})");
        if (requestForUs)
        {
            ArpPacket r = replies[0];
            Check.That(replyTo[0] == sha && r.SenderHardwareAddress == host.HardwareAddress && r.SenderProtocolAddress == own
                && r.TargetHardwareAddress == sha && r.TargetProtocolAddress == spa, "ARP reply does not answer the request");
        }
        bool cacheable = spa.IsUnicast && !sha.IsMulticast && sha != MacAddress.Zero && !host.IsBroadcast(spa);
        if (!own.IsAny && !claimsOurs && tpa == own && cacheable)
            Check.That(host.Arp.TryGet(spa, now, out MacAddress cached) && cached == sha, $"ARP from {spa} at {sha} for us, not in the cache");
    }

    internal static void CheckBounds(IPv4Host host)
    {
        IPv4Reassembler r = host.Reassembler;
        Check.That(r.Count <= r.MaxDatagrams, $"reassembler holds {r.Count} datagrams (max {r.MaxDatagrams})");
        Check.That(r.BufferedBytes >= 0 && r.BufferedBytes <= r.MaxTotalBytes, $"reassembler holds {r.BufferedBytes} octets (max {r.MaxTotalBytes})");
        Check.That(host.Arp.Count <= host.Arp.Capacity, $"ARP cache holds {host.Arp.Count} entries (capacity {host.Arp.Capacity})");
        Check.That(host.Arp.PendingCount >= 0 && host.Arp.PendingCount <= host.Arp.MaxPendingTotal, $"ARP queue holds {host.Arp.PendingCount} (max {host.Arp.MaxPendingTotal})");
    }

    internal static void CheckSent(IPv4Host host, byte[] f, IPv4Address? source = null)
    {
        Check.That(f.Length >= 60 && f.Length <= 14 + host.Mtu, $"sent a frame of {f.Length} octets");
        Check.That(EthernetHeader.TryParse(f, out EthernetHeader eth, out ReadOnlySpan<byte> payload) == ParseStatus.Ok, "sent frame does not parse");
        Check.That(eth.Source == host.HardwareAddress, "sent frame from another MAC");
        if (eth.EtherType == EtherType.Arp)
        {
            Check.That(ArpPacket.TryParse(payload, out ArpPacket arp) == ParseStatus.Ok, "sent ARP does not parse");
            Check.That(arp.SenderHardwareAddress == host.HardwareAddress, "sent ARP with another sender MAC");
            return;
        }
        Check.That(eth.EtherType == EtherType.IPv4, $"sent EtherType 0x{eth.EtherType:X4}");
        Check.That(IPv4Header.TryParse(payload, out IPv4Header ip, out ReadOnlySpan<byte> data) == ParseStatus.Ok, "sent IPv4 does not parse");
        Check.That(ip.SourceAddress == (source ?? host.Address), $"sent IPv4 from {ip.SourceAddress}, host is {source ?? host.Address}");
        if (ip.Protocol == IPProtocol.Icmp)
        {
            IPv4Address d = ip.DestinationAddress;
            bool single = !d.IsAny && !d.IsBroadcast && !d.IsMulticast && (d.Value >> 24) != 127 && !host.IsBroadcast(d);
            Check.That(single, $"sent ICMP to {d}, not a single host (RFC 1122 3.2.2)");
            Check.That(!eth.Destination.IsMulticast, $"sent ICMP to group MAC {eth.Destination}");
            if (!ip.IsFragment)
                Check.That(IcmpEchoHeader.TryParse(data, out _, out _) == ParseStatus.Ok, "sent ICMP does not parse");
        }
        else if (ip.Protocol == IPProtocol.Udp && !ip.IsFragment)
            Check.That(UdpHeader.TryParse(data, ip.SourceAddress, ip.DestinationAddress, out _, out _) == ParseStatus.Ok, "sent UDP does not parse");
    }
}
