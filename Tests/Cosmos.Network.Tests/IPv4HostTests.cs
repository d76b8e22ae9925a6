using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

public class IPv4HostTests
{
    static readonly MacAddress OwnMac = new MacAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
    static readonly IPv4Address OwnIp = IPv4Address.Parse("10.0.2.15");
    static readonly IPv4Address Mask = IPv4Address.Parse("255.255.255.0");
    static readonly MacAddress GwMac = new MacAddress(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);
    static readonly IPv4Address GwIp = IPv4Address.Parse("10.0.2.2");
    static readonly MacAddress PeerMac = new MacAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x09);
    static readonly IPv4Address PeerIp = IPv4Address.Parse("10.0.2.9");
    static readonly IPv4Address RemoteIp = IPv4Address.Parse("93.184.216.34");

    sealed class Link
    {
        public readonly List<byte[]> Sent = new List<byte[]>();
        public void Send(ReadOnlySpan<byte> frame) => Sent.Add(frame.ToArray());
        public byte[] Take() { Assert.NotEmpty(Sent); byte[] f = Sent[0]; Sent.RemoveAt(0); return f; }
    }

    static IPv4Host NewHost(Link link) => new IPv4Host(OwnMac, OwnIp, Mask, GwIp, link.Send);

    static byte[] ArpFrame(ushort op, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa, MacAddress ethDst)
        => EthernetHeader.BuildFrame(ethDst, sha, EtherType.Arp, new ArpPacket(op, sha, spa, tha, tpa).ToArray());

    static byte[] IpFrame(MacAddress srcMac, MacAddress dstMac, IPv4Address src, IPv4Address dst, byte protocol, byte[] payload, ushort id = 99)
        => EthernetHeader.BuildFrame(dstMac, srcMac, EtherType.IPv4, IPv4Header.BuildDatagram(IPv4Header.Create(src, dst, protocol, payload.Length, id), payload));

    static (EthernetHeader Eth, ArpPacket Arp) ParseArp(byte[] frame)
    {
        Assert.Equal(ParseStatus.Ok, EthernetHeader.TryParse(frame, out var eth, out var p));
        Assert.Equal(EtherType.Arp, eth.EtherType);
        Assert.Equal(ParseStatus.Ok, ArpPacket.TryParse(p, out var arp));
        return (eth, arp);
    }

    static (EthernetHeader Eth, IPv4Header Ip, byte[] Payload) ParseIp(byte[] frame)
    {
        Assert.Equal(ParseStatus.Ok, EthernetHeader.TryParse(frame, out var eth, out var p));
        Assert.Equal(EtherType.IPv4, eth.EtherType);
        Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(p, out var ip, out var data));
        return (eth, ip, data.ToArray());
    }

    [Fact]
    public void Answers_Arp_Request_For_Its_Address()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Receive(ArpFrame(ArpPacket.OpRequest, GwMac, GwIp, MacAddress.Zero, OwnIp, MacAddress.Broadcast), 0);
        var (eth, arp) = ParseArp(link.Take());
        Assert.Equal(GwMac, eth.Destination);
        Assert.Equal(OwnMac, eth.Source);
        Assert.Equal(ArpPacket.OpReply, arp.Operation);
        Assert.Equal(OwnMac, arp.SenderHardwareAddress);
        Assert.Equal(OwnIp, arp.SenderProtocolAddress);
        Assert.Equal(GwMac, arp.TargetHardwareAddress);
        Assert.Equal(GwIp, arp.TargetProtocolAddress);
        Assert.Empty(link.Sent);
        // The requester was learned.
        Assert.True(host.Arp.TryGet(GwIp, 1, out var m));
        Assert.Equal(GwMac, m);
        // A request for someone else gets no answer.
        host.Receive(ArpFrame(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, GwIp, MacAddress.Broadcast), 0);
        Assert.Empty(link.Sent);
    }

    [Fact]
    public void Answers_Echo_Request_From_Known_Neighbour()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Arp.Add(PeerIp, PeerMac, 0);
        byte[] data = System.Text.Encoding.ASCII.GetBytes("abcdefghijklmnopqrstuvwabcdefghi");
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 0x1234, 7, data)), 10);
        var (eth, ip, payload) = ParseIp(link.Take());
        Assert.Equal(PeerMac, eth.Destination);
        Assert.Equal(OwnIp, ip.SourceAddress);
        Assert.Equal(PeerIp, ip.DestinationAddress);
        Assert.Equal(IPProtocol.Icmp, ip.Protocol);
        Assert.Equal(ParseStatus.Ok, IcmpEchoHeader.TryParse(payload, out var icmp, out var echoData));
        Assert.Equal(IcmpEchoHeader.TypeEchoReply, icmp.Type);
        Assert.Equal(0x1234, icmp.Identifier);
        Assert.Equal(7, icmp.SequenceNumber);
        Assert.Equal(data, echoData.ToArray());
        Assert.Equal(1, host.Statistics.EchoRepliesSent);
    }

    [Fact]
    public void Echo_Reply_To_Unknown_Neighbour_Waits_For_Arp()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[4])), 0);
        var (eth, arp) = ParseArp(link.Take());
        Assert.True(eth.Destination.IsBroadcast);
        Assert.Equal(ArpPacket.OpRequest, arp.Operation);
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        Assert.Equal(OwnIp, arp.SenderProtocolAddress);
        Assert.Empty(link.Sent);
        host.Receive(ArpFrame(ArpPacket.OpReply, PeerMac, PeerIp, OwnMac, OwnIp, OwnMac), 5);
        var (eth2, ip, _) = ParseIp(link.Take());
        Assert.Equal(PeerMac, eth2.Destination);
        Assert.Equal(PeerIp, ip.DestinationAddress);
        Assert.Empty(link.Sent);
    }

    [Fact]
    public void Ignores_Broadcast_Echo_And_Foreign_Frames()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Arp.Add(PeerIp, PeerMac, 0);
        byte[] echo = IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[4]);
        host.Receive(IpFrame(PeerMac, MacAddress.Broadcast, PeerIp, IPv4Address.Parse("10.0.2.255"), IPProtocol.Icmp, echo), 0);
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, IPv4Address.Parse("10.0.2.16"), IPProtocol.Icmp, echo), 0);
        host.Receive(IpFrame(PeerMac, GwMac, PeerIp, OwnIp, IPProtocol.Icmp, echo), 0);
        Assert.Empty(link.Sent);
        Assert.Equal(3, host.Statistics.NotForUs);
    }

    [Fact]
    public void Delivers_Udp_To_Bound_Port_Only()
    {
        var link = new Link();
        var host = NewHost(link);
        host.IcmpErrorsPerSecond = 0; // port unreachable has its own test
        var got = new List<string>();
        Assert.True(host.Bind(5000, (s, sp, d, dp, data) => got.Add(s + ":" + sp + "->" + d + ":" + dp + " " + System.Text.Encoding.ASCII.GetString(data))));
        Assert.False(host.Bind(5000, (s, sp, d, dp, data) => { }));
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, UdpHeader.Build(PeerIp, OwnIp, 1234, 5000, System.Text.Encoding.ASCII.GetBytes("hello"))), 0);
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, UdpHeader.Build(PeerIp, OwnIp, 1234, 5001, System.Text.Encoding.ASCII.GetBytes("nobody"))), 0);
        byte[] bad = UdpHeader.Build(PeerIp, OwnIp, 1234, 5000, System.Text.Encoding.ASCII.GetBytes("corrupt"));
        bad[^1] ^= 0x20;
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, bad), 0);
        // Broadcast datagrams are delivered too.
        host.Receive(IpFrame(PeerMac, MacAddress.Broadcast, PeerIp, IPv4Address.Broadcast, IPProtocol.Udp, UdpHeader.Build(PeerIp, IPv4Address.Broadcast, 1, 5000, System.Text.Encoding.ASCII.GetBytes("all"))), 0);
        Assert.Equal(new[] { "10.0.2.9:1234->10.0.2.15:5000 hello", "10.0.2.9:1->255.255.255.255:5000 all" }, got);
        Assert.Equal(1, host.Statistics.UdpNoListener);
        Assert.Equal(1, host.Statistics.Malformed);
        Assert.True(host.Unbind(5000));
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, UdpHeader.Build(PeerIp, OwnIp, 1234, 5000, new byte[1])), 0);
        Assert.Equal(2, got.Count);
        Assert.Empty(link.Sent);
    }

    [Fact]
    public void Unbound_Port_Gets_Port_Unreachable_Rate_Limited()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Arp.Add(PeerIp, PeerMac, 0);
        byte[] udp = UdpHeader.Build(PeerIp, OwnIp, 1234, 5001, System.Text.Encoding.ASCII.GetBytes("nobody home"));
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, udp, id: 0x4242), 0);
        var (eth, ip, payload) = ParseIp(link.Take());
        Assert.Equal(PeerMac, eth.Destination);
        Assert.Equal(PeerIp, ip.DestinationAddress);
        Assert.Equal(IPProtocol.Icmp, ip.Protocol);
        Assert.Equal(ParseStatus.Ok, IcmpEchoHeader.TryParse(payload, out var icmp, out var quoted));
        Assert.Equal(IcmpEchoHeader.TypeDestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpEchoHeader.CodePortUnreachable, icmp.Code);
        Assert.Equal(0, icmp.Identifier); // the unused word
        Assert.Equal(28, quoted.Length);
        // The quoted header is the original one (checksum valid, same ID), followed by the UDP header.
        Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(Pad(quoted.ToArray(), 20 + udp.Length), out var orig, out _));
        Assert.Equal(0x4242, orig.Identification);
        Assert.Equal(PeerIp, orig.SourceAddress);
        Assert.Equal(udp.AsSpan(0, 8).ToArray(), quoted.Slice(20).ToArray());
        // Not for broadcasts.
        host.Receive(IpFrame(PeerMac, MacAddress.Broadcast, PeerIp, IPv4Address.Broadcast, IPProtocol.Udp, UdpHeader.Build(PeerIp, IPv4Address.Broadcast, 1, 5001, default)), 0);
        Assert.Empty(link.Sent);
        // At most 10 per second.
        for (int i = 0; i < 20; i++) host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, udp), 100);
        Assert.Equal(9, link.Sent.Count);
        Assert.Equal(11, host.Statistics.IcmpErrorsRateLimited);
        link.Sent.Clear();
        host.Receive(IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, udp), 1000);
        Assert.Single(link.Sent);
    }

    [Fact]
    public void Datagrams_To_Own_Address_Loop_Back()
    {
        var link = new Link();
        var host = NewHost(link);
        string got = null;
        host.Bind(9, (s, sp, d, dp, data) => got = s + " " + System.Text.Encoding.ASCII.GetString(data));
        Assert.Equal(SendStatus.Sent, host.SendUdp(OwnIp, 1000, 9, System.Text.Encoding.ASCII.GetBytes("self"), 0));
        Assert.Equal("10.0.2.15 self", got);
        Assert.Empty(link.Sent);
    }

    static byte[] Pad(byte[] b, int length) { Array.Resize(ref b, Math.Max(b.Length, length)); return b; }

    [Fact]
    public void Udp_On_Link_Resolves_The_Destination()
    {
        var link = new Link();
        var host = NewHost(link);
        Assert.Equal(SendStatus.Queued, host.SendUdp(PeerIp, 40000, 53, new byte[] { 1, 2, 3 }, 0));
        Assert.Equal(SendStatus.Queued, host.SendUdp(PeerIp, 40000, 53, new byte[] { 4 }, 1));
        var (_, arp) = ParseArp(link.Take());
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        Assert.Empty(link.Sent); // one request for both datagrams
        host.Receive(ArpFrame(ArpPacket.OpReply, PeerMac, PeerIp, OwnMac, OwnIp, OwnMac), 2);
        Assert.Equal(2, link.Sent.Count);
        var (eth, ip, payload) = ParseIp(link.Take());
        Assert.Equal(PeerMac, eth.Destination);
        Assert.Equal(PeerIp, ip.DestinationAddress);
        Assert.Equal(ParseStatus.Ok, UdpHeader.TryParse(payload, OwnIp, PeerIp, out var udp, out var data));
        Assert.Equal(53, udp.DestinationPort);
        Assert.Equal(new byte[] { 1, 2, 3 }, data.ToArray());
        link.Take();
        // Now cached: sent at once.
        Assert.Equal(SendStatus.Sent, host.SendUdp(PeerIp, 40000, 53, new byte[] { 5 }, 3));
        Assert.Single(link.Sent);
    }

    [Fact]
    public void Udp_Off_Link_Goes_Via_The_Gateway()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Arp.Add(GwIp, GwMac, 0);
        Assert.Equal(SendStatus.Sent, host.SendUdp(RemoteIp, 40000, 80, new byte[10], 1));
        var (eth, ip, _) = ParseIp(link.Take());
        Assert.Equal(GwMac, eth.Destination);
        Assert.Equal(RemoteIp, ip.DestinationAddress);
        Assert.Equal(OwnIp, ip.SourceAddress);
        Assert.Equal(IPv4Header.DefaultTimeToLive, ip.TimeToLive);
        var noGw = new IPv4Host(OwnMac, OwnIp, Mask, IPv4Address.Any, link.Send);
        Assert.Equal(SendStatus.NoRoute, noGw.SendUdp(RemoteIp, 1, 2, default, 0));
        Assert.Empty(link.Sent);
    }

    [Fact]
    public void Broadcast_And_Multicast_Need_No_Arp()
    {
        var link = new Link();
        var host = new IPv4Host(OwnMac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, link.Send);
        Assert.Equal(SendStatus.Sent, host.SendUdp(IPv4Address.Broadcast, 68, 67, new byte[300], 0));
        var (eth, ip, _) = ParseIp(link.Take());
        Assert.True(eth.Destination.IsBroadcast);
        Assert.Equal(IPv4Address.Any, ip.SourceAddress);
        host.Configure(OwnIp, Mask, GwIp);
        Assert.Equal(SendStatus.Sent, host.SendUdp(IPv4Address.Parse("10.0.2.255"), 1, 2, default, 0));
        Assert.True(ParseIp(link.Take()).Eth.Destination.IsBroadcast);
        Assert.Equal(SendStatus.Sent, host.SendUdp(IPv4Address.Parse("239.129.2.3"), 1, 2, default, 0));
        Assert.Equal(new MacAddress(0x01, 0x00, 0x5e, 0x01, 0x02, 0x03), ParseIp(link.Take()).Eth.Destination);
    }

    [Fact]
    public void Arp_Retries_Then_Drops()
    {
        var link = new Link();
        var host = NewHost(link);
        host.SendUdp(PeerIp, 1, 2, default, 0);
        Assert.Single(link.Sent); link.Sent.Clear();
        host.Poll(500); Assert.Empty(link.Sent);
        host.Poll(1000); Assert.Single(link.Sent); link.Sent.Clear();
        host.Poll(2000); Assert.Single(link.Sent); link.Sent.Clear();
        host.Poll(3000); Assert.Empty(link.Sent);
        Assert.Equal(1, host.Arp.DroppedUnresolved);
        Assert.Equal(3, host.Statistics.ArpRequestsSent);
        // A late reply releases nothing.
        host.Receive(ArpFrame(ArpPacket.OpReply, PeerMac, PeerIp, OwnMac, OwnIp, OwnMac), 3100);
        Assert.Empty(link.Sent);
    }

    [Fact]
    public void Large_Datagrams_Are_Fragmented_And_Reassembled()
    {
        var linkA = new Link();
        var a = NewHost(linkA);
        a.Arp.Add(PeerIp, PeerMac, 0);
        byte[] data = new byte[4000];
        new Random(3).NextBytes(data);
        Assert.Equal(SendStatus.Sent, a.SendUdp(PeerIp, 7, 9, data, 0));
        Assert.Equal(3, linkA.Sent.Count);
        foreach (byte[] f in linkA.Sent) Assert.True(f.Length <= 14 + 1500);
        // The peer (another host) reassembles them, in reverse order.
        var linkB = new Link();
        var b = new IPv4Host(PeerMac, PeerIp, Mask, GwIp, linkB.Send);
        byte[] got = null;
        b.Bind(9, (s, sp, d, dp, payload) => got = payload.ToArray());
        for (int i = linkA.Sent.Count - 1; i >= 0; i--) b.Receive(linkA.Sent[i], 1);
        Assert.Equal(data, got);
        Assert.Equal(1, b.Statistics.Reassembled);
    }

    [Fact]
    public void Two_Hosts_Ping_And_Exchange_Udp()
    {
        IPv4Host a = null, b = null;
        long now = 0;
        var queue = new Queue<(bool ToB, byte[] Frame)>();
        a = new IPv4Host(OwnMac, OwnIp, Mask, GwIp, f => queue.Enqueue((true, f.ToArray())));
        b = new IPv4Host(PeerMac, PeerIp, Mask, GwIp, f => queue.Enqueue((false, f.ToArray())));
        void Pump() { while (queue.Count > 0) { var (toB, f) = queue.Dequeue(); (toB ? b : a).Receive(f, now); } }
        var replies = new List<ushort>();
        a.EchoReplyReceived = (src, id, seq, data) => { Assert.Equal(PeerIp, src); replies.Add(seq); };
        for (ushort seq = 1; seq <= 3; seq++) { a.SendEchoRequest(PeerIp, 42, seq, new byte[56], now); Pump(); now += 1000; }
        Assert.Equal(new ushort[] { 1, 2, 3 }, replies);
        string echoed = null;
        b.Bind(7, (src, sp, dst, dp, data) => b.SendUdp(src, dp, sp, data, now));
        a.Bind(50000, (src, sp, dst, dp, data) => echoed = System.Text.Encoding.ASCII.GetString(data));
        a.SendUdp(PeerIp, 50000, 7, System.Text.Encoding.ASCII.GetBytes("echo me"), now);
        Pump();
        Assert.Equal("echo me", echoed);
        Assert.Equal(1, a.Statistics.ArpRequestsSent); // resolved once, then cached
        Assert.Equal(0, b.Statistics.ArpRequestsSent); // b learned a from a's request
    }

    [Fact]
    public void Address_Conflict_Is_Counted_And_Announcement_Is_Gratuitous()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Receive(ArpFrame(ArpPacket.OpRequest, PeerMac, OwnIp, MacAddress.Zero, OwnIp, MacAddress.Broadcast), 0);
        Assert.Equal(1, host.Statistics.AddressConflicts);
        Assert.Empty(link.Sent);
        host.AnnounceAddress();
        var (eth, arp) = ParseArp(link.Take());
        Assert.True(eth.Destination.IsBroadcast);
        Assert.True(arp.IsGratuitous);
        Assert.Equal(OwnIp, arp.SenderProtocolAddress);
    }

    [Fact]
    public void Fuzz_Received_Frames()
    {
        var link = new Link();
        var host = NewHost(link);
        host.Arp.Add(PeerIp, PeerMac, 0);
        host.Bind(5000, (s, sp, d, dp, data) => { });
        byte[][] seeds =
        {
            ArpFrame(ArpPacket.OpRequest, GwMac, GwIp, MacAddress.Zero, OwnIp, MacAddress.Broadcast),
            IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[16])),
            IpFrame(PeerMac, OwnMac, PeerIp, OwnIp, IPProtocol.Udp, UdpHeader.Build(PeerIp, OwnIp, 1234, 5000, new byte[24])),
            EthernetHeader.BuildFrame(OwnMac, PeerMac, EtherType.IPv4, IPv4Header.BuildDatagram(
                new IPv4Header(5, 0, 0, 77, IPv4Header.FlagMoreFragments, 0, 64, IPProtocol.Udp, PeerIp, OwnIp), new byte[64])),
        };
        long now = 0;
        foreach (byte[] seed in seeds)
            Mutator.Run(seed, 3000, seed.Length, m => { host.Receive(m, now); now += 7; if (now % 700 == 0) host.Poll(now); link.Sent.Clear(); });
        Assert.True(host.Statistics.FramesReceived >= 12000);
        Assert.True(host.Reassembler.Count <= host.Reassembler.MaxDatagrams);
    }

    // ---------------------------------------------------------------- ARP re-validation and the bounded queue

    static byte[] SynAckLike(int i) => new byte[20 + (i % 7)]; // a TCP header's worth, its content does not matter here

    /// <summary>Frames of <paramref name="sent"/> sent to <paramref name="mac"/> carrying IPv4, and their count.</summary>
    static int IpFramesTo(List<byte[]> sent, MacAddress mac)
    {
        int n = 0;
        foreach (byte[] f in sent)
            if (EthernetHeader.TryParse(f, out var eth, out _) == ParseStatus.Ok && eth.EtherType == EtherType.IPv4 && eth.Destination == mac) n++;
        return n;
    }

    [Fact]
    public void Expired_Gateway_Entry_Still_Carries_Traffic_While_A_Full_Queue_Of_Unanswered_Syn_Acks_Waits()
    {
        // The kernel's SYN-flood case in miniature: the gateway was learned at DHCP time, a connection through it is in
        // use, and its entry's lifetime ends while SYN,ACKs to 150 spoofed on-link hosts (10.0.2.100-249) that never
        // answer ARP keep the queue full.
        var link = new Link();
        var host = NewHost(link);
        long now = 0;
        host.Receive(ArpFrame(ArpPacket.OpRequest, GwMac, GwIp, MacAddress.Zero, OwnIp, MacAddress.Broadcast), now);
        link.Sent.Clear();
        Assert.Equal(SendStatus.Sent, host.SendUdp(RemoteIp, 40000, 7, new byte[] { 1 }, now));
        link.Sent.Clear();
        now = ArpCache.DefaultEntryLifetimeMs - 5_000;
        long replyAt = -1;
        int sentWhileRevalidating = 0;
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 150; i++)
            {
                host.SendIPv4(IPProtocol.Tcp, IPv4Address.Parse("10.0.2." + (100 + i)), SynAckLike(i), now); // (Queued; Dropped before the fix)
                if (i % 10 == 0)
                {
                    // The established connection keeps sending through the gateway, to its known MAC.
                    Assert.Equal(SendStatus.Sent, host.SendIPv4(IPProtocol.Tcp, RemoteIp, SynAckLike(i), now));
                    Assert.Equal(1, IpFramesTo(link.Sent, GwMac));
                    if (host.Arp.IsRevalidating(GwIp, now)) sentWhileRevalidating++;
                }
                now += 20;
                if (i % 5 == 0) host.Poll(now);
                // The gateway (QEMU's) answers a unicast poll 100 ms later; broadcasts for the spoofed hosts go unanswered.
                foreach (byte[] f in link.Sent)
                {
                    if (EthernetHeader.TryParse(f, out var eth, out var p) != ParseStatus.Ok || eth.EtherType != EtherType.Arp || eth.Destination != GwMac) continue;
                    Assert.Equal(ParseStatus.Ok, ArpPacket.TryParse(p, out var poll));
                    Assert.Equal(GwIp, poll.TargetProtocolAddress);
                    if (replyAt < 0) replyAt = now + 100;
                }
                link.Sent.Clear();
                if (replyAt >= 0 && now >= replyAt)
                {
                    host.Receive(ArpFrame(ArpPacket.OpReply, GwMac, GwIp, OwnMac, OwnIp, OwnMac), now);
                    replyAt = -1;
                }
            }
            Assert.Equal(host.Arp.MaxPendingTotal, host.Arp.PendingCount);
        }
        Assert.True(now > ArpCache.DefaultEntryLifetimeMs + 1_000, "the gateway entry's first lifetime is over");
        Assert.True(sentWhileRevalidating > 0, "no segment went out while the gateway entry was being re-validated");
        Assert.Equal(1, host.Statistics.ArpUnicastPollsSent);
        // The next segment of the connection, and a UDP datagram, go to the gateway at once.
        Assert.Equal(SendStatus.Sent, host.SendIPv4(IPProtocol.Tcp, RemoteIp, SynAckLike(0), now));
        Assert.Equal(SendStatus.Sent, host.SendUdp(GwIp, 40000, 53, new byte[] { 2 }, now));
        Assert.Equal(2, IpFramesTo(link.Sent, GwMac));
    }

    [Fact]
    public void A_New_Destination_Is_Queued_And_Released_When_The_Queue_Is_Full_Of_Unanswered_Ones()
    {
        var link = new Link();
        var host = NewHost(link);
        for (int i = 0; i < 150; i++) host.SendIPv4(IPProtocol.Tcp, IPv4Address.Parse("10.0.2." + (100 + i)), SynAckLike(i), i);
        Assert.Equal(host.Arp.MaxPendingTotal, host.Arp.PendingCount);
        link.Sent.Clear();
        // The gateway is unknown: its datagram waits (the queue's oldest packet makes room) and a request goes out.
        Assert.Equal(SendStatus.Queued, host.SendUdp(RemoteIp, 40000, 7, new byte[] { 9 }, 200));
        var (eth, arp) = ParseArp(link.Take());
        Assert.True(eth.Destination.IsBroadcast);
        Assert.Equal(GwIp, arp.TargetProtocolAddress);
        // More SYN,ACKs before the reply arrives: queued, and no new requests (those resolutions are under way, their
        // first packets displaced).
        for (int i = 0; i < 20; i++) Assert.Equal(SendStatus.Queued, host.SendIPv4(IPProtocol.Tcp, IPv4Address.Parse("10.0.2." + (100 + i)), SynAckLike(i), 201));
        Assert.Empty(link.Sent);
        Assert.Equal(151, host.Statistics.ArpRequestsSent);
        host.Receive(ArpFrame(ArpPacket.OpReply, GwMac, GwIp, OwnMac, OwnIp, OwnMac), 205);
        var (e2, ip, _) = ParseIp(link.Take());
        Assert.Equal(GwMac, e2.Destination);
        Assert.Equal(RemoteIp, ip.DestinationAddress);
        Assert.Empty(link.Sent);
        Assert.Equal(150 + 1 + 20 - host.Arp.MaxPendingTotal, host.Arp.DroppedQueueFull);
    }

    [Fact]
    public void Expired_Entry_In_Use_Is_Polled_By_Unicast_Then_Resolved_By_Broadcast()
    {
        var link = new Link();
        var host = new IPv4Host(OwnMac, OwnIp, Mask, GwIp, link.Send, new ArpCache(entryLifetimeMs: 10_000));
        host.Arp.Add(PeerIp, PeerMac, 0);
        Assert.Equal(SendStatus.Sent, host.SendUdp(PeerIp, 1, 2, default, 100));
        link.Sent.Clear();
        host.Poll(10_000);
        // RFC 1122 2.3.2.1: a request to the MAC the entry holds, not a broadcast.
        var (eth, arp) = ParseArp(link.Take());
        Assert.Equal(PeerMac, eth.Destination);
        Assert.Equal(ArpPacket.OpRequest, arp.Operation);
        Assert.Equal(OwnMac, arp.SenderHardwareAddress);
        Assert.Equal(OwnIp, arp.SenderProtocolAddress);
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        Assert.Equal(1, host.Statistics.ArpUnicastPollsSent);
        Assert.Equal(0, host.Statistics.ArpRequestsSent);
        // Traffic keeps going to the known MAC meanwhile.
        Assert.Equal(SendStatus.Sent, host.SendUdp(PeerIp, 1, 2, default, 10_500));
        Assert.Equal(PeerMac, ParseIp(link.Take()).Eth.Destination);
        host.Poll(10_999); Assert.Empty(link.Sent);
        host.Poll(11_000); Assert.Equal(PeerMac, ParseArp(link.Take()).Eth.Destination);
        host.Poll(12_000); Assert.Equal(PeerMac, ParseArp(link.Take()).Eth.Destination);
        Assert.Equal(3, host.Statistics.ArpUnicastPollsSent);
        host.Poll(13_000); Assert.Empty(link.Sent); // three unanswered: removed
        Assert.Equal(0, host.Arp.Count);
        // The next datagram waits for an ordinary broadcast resolution.
        Assert.Equal(SendStatus.Queued, host.SendUdp(PeerIp, 1, 2, default, 13_100));
        Assert.True(ParseArp(link.Take()).Eth.Destination.IsBroadcast);
        Assert.Equal(1, host.Statistics.ArpRequestsSent);
        Assert.Equal(1 + 1 + 3 + 1, host.Statistics.FramesSent);
    }

    [Fact]
    public void Reply_To_A_Unicast_Poll_Refreshes_The_Entry()
    {
        var link = new Link();
        var host = new IPv4Host(OwnMac, OwnIp, Mask, GwIp, link.Send, new ArpCache(entryLifetimeMs: 10_000));
        host.Arp.Add(PeerIp, PeerMac, 0);
        host.SendUdp(PeerIp, 1, 2, default, 100);
        host.Poll(10_000);
        link.Sent.Clear();
        host.Receive(ArpFrame(ArpPacket.OpReply, PeerMac, PeerIp, OwnMac, OwnIp, OwnMac), 10_050);
        Assert.Empty(link.Sent);
        for (long t = 10_100; t < 20_050; t += 500) { host.SendUdp(PeerIp, 1, 2, default, t); host.Poll(t); }
        Assert.Equal(1, host.Statistics.ArpUnicastPollsSent); // refreshed at 10 050: no poll before 20 050
        Assert.Equal(0, host.Statistics.ArpRequestsSent);
        Assert.Equal(link.Sent.Count, IpFramesTo(link.Sent, PeerMac));
    }

    [Fact]
    public void A_Datagram_Too_Fragmented_To_Wait_Is_Dropped_Whole_But_Starts_The_Resolution()
    {
        var link = new Link();
        var host = NewHost(link);
        byte[] data = new byte[8000]; // 6 fragments, more than the 4 the queue holds per address
        Assert.Equal(SendStatus.Dropped, host.SendUdp(PeerIp, 1, 2, data, 0));
        Assert.Equal(0, host.Arp.PendingCount); // none of it waits (the first fragments alone would be useless)
        Assert.Equal(6, host.Arp.DroppedQueueFull);
        var (eth, arp) = ParseArp(link.Take());
        Assert.True(eth.Destination.IsBroadcast);
        Assert.Equal(PeerIp, arp.TargetProtocolAddress);
        Assert.Empty(link.Sent);
        Assert.Equal(SendStatus.Dropped, host.SendUdp(PeerIp, 1, 2, data, 10));
        Assert.Empty(link.Sent); // the resolution is under way: no second request
        host.Receive(ArpFrame(ArpPacket.OpReply, PeerMac, PeerIp, OwnMac, OwnIp, OwnMac), 20);
        Assert.Empty(link.Sent);
        Assert.Equal(SendStatus.Sent, host.SendUdp(PeerIp, 1, 2, data, 30));
        Assert.Equal(6, IpFramesTo(link.Sent, PeerMac));
    }
}
