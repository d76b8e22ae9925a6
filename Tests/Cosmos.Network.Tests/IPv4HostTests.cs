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
}
