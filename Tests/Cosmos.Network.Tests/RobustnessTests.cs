using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

/// <summary>Regression tests for what the network fuzzer (Tests/Cosmos.Network.Fuzz) found.</summary>
public class RobustnessTests
{
    static readonly MacAddress OwnMac = new MacAddress(0x02, 0x00, 0x00, 0x99, 0x00, 0x01);
    static readonly IPv4Address OwnIp = IPv4Address.Parse("10.99.0.1");
    static readonly IPv4Address Mask = IPv4Address.Parse("255.255.255.0");
    static readonly MacAddress PeerMac = new MacAddress(0x02, 0x00, 0x00, 0x99, 0x00, 0x02);
    static readonly IPv4Address PeerIp = IPv4Address.Parse("10.99.0.2");

    static byte[] IpFrame(MacAddress dstMac, IPv4Address src, IPv4Address dst, byte protocol, byte[] payload, ushort id = 7, byte flags = 0, ushort offset = 0)
    {
        var h = new IPv4Header(5, 0, (ushort)(20 + payload.Length), id, flags, offset, 64, protocol, src, dst);
        return EthernetHeader.BuildFrame(dstMac, PeerMac, EtherType.IPv4, IPv4Header.BuildDatagram(h, payload));
    }

    static void ReceiveAccounted(IPv4Host host, byte[] frame, string expected)
    {
        IPv4HostStatistics s = host.Statistics;
        long before = s.Dispositions, frames = s.FramesReceived, looped = s.LoopedBack;
        long counter = Counter(s, expected);
        host.Receive(frame, 1000);
        Assert.Equal(frames + 1, s.FramesReceived);
        Assert.Equal(before + 1 + (s.LoopedBack - looped), s.Dispositions);
        Assert.Equal(counter + 1, Counter(s, expected));
        Assert.Equal(s.FramesReceived + s.LoopedBack, s.Dispositions);
    }

    static long Counter(IPv4HostStatistics s, string name) => (long)typeof(IPv4HostStatistics).GetField(name).GetValue(s);

    /// <summary>
    /// Fuzzer finding: ARP packets, fragments held for reassembly, echo replies and echo requests that could not be
    /// answered left no trace in the statistics. Now every frame lands in exactly one disposition counter.
    /// </summary>
    [Fact]
    public void Every_Received_Frame_Is_Accounted_For_Once()
    {
        var sent = new List<byte[]>();
        var host = new IPv4Host(OwnMac, OwnIp, Mask, IPv4Address.Any, f => sent.Add(f.ToArray()));
        // An ARP request for someone else: no reply, no cache change, still counted.
        byte[] arp = EthernetHeader.BuildFrame(MacAddress.Broadcast, PeerMac, EtherType.Arp,
            new ArpPacket(ArpPacket.OpRequest, PeerMac, PeerIp, MacAddress.Zero, IPv4Address.Parse("10.99.0.77")).ToArray());
        ReceiveAccounted(host, arp, nameof(IPv4HostStatistics.ArpReceived));
        // The first fragment of a datagram: held.
        byte[] echo = IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[40]);
        ReceiveAccounted(host, IpFrame(OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, echo.AsSpan(0, 24).ToArray(), flags: IPv4Header.FlagMoreFragments),
            nameof(IPv4HostStatistics.FragmentsQueued));
        // The last one completes it: the datagram's disposition (an echo request, answered after ARP).
        ReceiveAccounted(host, IpFrame(OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, echo.AsSpan(24).ToArray(), offset: 3),
            nameof(IPv4HostStatistics.EchoRequestsReceived));
        Assert.Equal(1, host.Statistics.Reassembled);
        // An echo reply (no receiver set).
        ReceiveAccounted(host, IpFrame(OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEchoReply, 1, 1, new byte[4])),
            nameof(IPv4HostStatistics.EchoRepliesReceived));
        // An echo request from 0.0.0.0 cannot be answered (no route) but is counted.
        long replies = host.Statistics.EchoRepliesSent;
        ReceiveAccounted(host, IpFrame(OwnMac, IPv4Address.Any, OwnIp, IPProtocol.Icmp, echo), nameof(IPv4HostStatistics.EchoRequestsReceived));
        Assert.Equal(replies, host.Statistics.EchoRepliesSent);
    }

    /// <summary>A datagram to our own address is looped back: counted in LoopedBack and in its disposition, not as a frame.</summary>
    [Fact]
    public void Looped_Back_Datagrams_Are_Accounted_For()
    {
        var host = new IPv4Host(OwnMac, OwnIp, Mask, IPv4Address.Any, f => { });
        var got = new List<int>();
        host.Bind(9, (s, sp, d, dp, data) => got.Add(data.Length));
        Assert.Equal(SendStatus.Sent, host.SendUdp(OwnIp, 1000, 9, new byte[3], 0));
        Assert.Equal(new[] { 3 }, got);
        Assert.Equal(0, host.Statistics.FramesReceived);
        Assert.Equal(1, host.Statistics.LoopedBack);
        Assert.Equal(host.Statistics.FramesReceived + host.Statistics.LoopedBack, host.Statistics.Dispositions);
    }

    /// <summary>
    /// Fuzzer finding: an echo request (or UDP to a closed port) whose source was our subnet's directed broadcast
    /// was answered to the broadcast address, i.e. to every host on the link. RFC 1122 3.2.1.3: such sources, and
    /// multicast, loopback and reserved ones, are invalid; the datagram is dropped as malformed.
    /// </summary>
    [Theory]
    [InlineData("10.99.0.255")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("240.0.0.1")]
    public void Datagrams_From_Invalid_Sources_Are_Dropped(string source)
    {
        var sent = new List<byte[]>();
        var host = new IPv4Host(OwnMac, OwnIp, Mask, IPv4Address.Any, f => sent.Add(f.ToArray()));
        IPv4Address src = IPv4Address.Parse(source);
        host.Receive(IpFrame(OwnMac, src, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[8])), 0);
        host.Receive(IpFrame(OwnMac, src, OwnIp, IPProtocol.Udp, UdpHeader.Build(src, OwnIp, 1, 4444, new byte[4])), 0);
        Assert.Empty(sent);
        Assert.Equal(2, host.Statistics.Malformed);
        Assert.Equal(0, host.Statistics.EchoRepliesSent);
        Assert.Equal(0, host.Statistics.PortUnreachableSent);
    }

    [Fact]
    public void Unicast_And_Unspecified_Sources_Are_Still_Accepted()
    {
        var sent = new List<byte[]>();
        var host = new IPv4Host(OwnMac, OwnIp, Mask, IPv4Address.Any, f => sent.Add(f.ToArray()));
        host.Arp.Add(PeerIp, PeerMac, 0);
        host.Receive(IpFrame(OwnMac, PeerIp, OwnIp, IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[8])), 0);
        Assert.Equal(1, host.Statistics.EchoRepliesSent);
        int delivered = 0;
        host.Bind(68, (s, sp, d, dp, data) => delivered++);
        host.Receive(IpFrame(MacAddress.Broadcast, IPv4Address.Any, IPv4Address.Broadcast, IPProtocol.Udp, UdpHeader.Build(IPv4Address.Any, IPv4Address.Broadcast, 67, 68, new byte[4])), 0);
        Assert.Equal(1, delivered);
        Assert.True(IPv4Address.Parse("10.99.0.1").IsUnicast);
        Assert.False(IPv4Address.Parse("0.1.2.3").IsUnicast);
        Assert.False(IPv4Address.Parse("127.0.0.1").IsUnicast);
        Assert.False(IPv4Address.Parse("239.1.1.1").IsUnicast);
        Assert.False(IPv4Address.Parse("255.255.255.255").IsUnicast);
    }

    static readonly IPv4Address DhcpServer = IPv4Address.Parse("10.99.0.1");

    static byte[] DhcpReply(uint xid, DhcpMessageType type, IPv4Address yiaddr, IPv4Address? mask = null, IPv4Address? serverId = null)
    {
        var m = new DhcpMessage
        {
            Op = DhcpMessage.OpBootReply, TransactionId = xid, ClientHardwareAddress = PeerMac, YourAddress = yiaddr,
            ServerIdentifier = serverId ?? DhcpServer, LeaseTimeSeconds = 3600, SubnetMask = mask ?? Mask, MessageType = type,
        };
        byte[] udp = UdpHeader.Build(DhcpServer, IPv4Address.Broadcast, DhcpMessage.ServerPort, DhcpMessage.ClientPort, m.ToArray());
        var h = IPv4Header.Create(DhcpServer, IPv4Address.Broadcast, IPProtocol.Udp, udp.Length, 1);
        return EthernetHeader.BuildFrame(MacAddress.Broadcast, OwnMac, EtherType.IPv4, IPv4Header.BuildDatagram(h, udp));
    }

    /// <summary>
    /// Fuzzer finding: the DHCP client took any yiaddr: a multicast, loopback or reserved address, or the broadcast
    /// address of the offered subnet, and configured the host with it. Such OFFERs and ACKs are now ignored.
    /// </summary>
    [Theory]
    [InlineData("224.0.0.1", null)]
    [InlineData("127.0.0.1", null)]
    [InlineData("0.0.0.5", null)]
    [InlineData("240.0.0.1", null)]
    [InlineData("10.99.0.255", "255.255.255.0")]
    [InlineData("10.255.255.255", "255.0.0.0")]
    public void Dhcp_Client_Refuses_Addresses_That_Name_No_Single_Host(string yiaddr, string mask)
    {
        const uint xid = 0x1234;
        IPv4Address bad = IPv4Address.Parse(yiaddr);
        IPv4Address? m = mask == null ? null : IPv4Address.Parse(mask);
        // In SELECTING: a bad OFFER is ignored.
        var host = new IPv4Host(PeerMac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, f => { });
        var client = new DhcpClient(host, xid);
        client.Start(0);
        if (mask == null)
        {
            host.Receive(DhcpReply(xid, DhcpMessageType.Offer, bad, m), 10);
            Assert.Equal(DhcpClientState.Selecting, client.State);
        }
        // In REQUESTING: a good OFFER, then a bad ACK is ignored; a good ACK still binds.
        host.Receive(DhcpReply(xid, DhcpMessageType.Offer, IPv4Address.Parse("10.99.0.50")), 20);
        Assert.Equal(DhcpClientState.Requesting, client.State);
        host.Receive(DhcpReply(xid, DhcpMessageType.Ack, bad, m), 30);
        Assert.Equal(DhcpClientState.Requesting, client.State);
        Assert.True(host.Address.IsAny);
        host.Receive(DhcpReply(xid, DhcpMessageType.Ack, IPv4Address.Parse("10.99.0.50")), 40);
        Assert.Equal(DhcpClientState.Bound, client.State);
        Assert.Equal(IPv4Address.Parse("10.99.0.50"), host.Address);
    }
    /// <summary>
    /// Fuzzer finding: a server identifier (option 54) naming a group (239.255.255.255 in the finding) was accepted, so
    /// the unicast renewals and the DHCPRELEASE "to the server" went to a multicast group. OFFERs and ACKs whose server
    /// identifier is not unicast are now ignored.
    /// </summary>
    [Theory]
    [InlineData("239.255.255.255")]
    [InlineData("255.255.255.255")]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    public void Dhcp_Client_Refuses_A_Server_Identifier_That_Names_No_Single_Host(string serverId)
    {
        const uint xid = 0x4321;
        IPv4Address bad = IPv4Address.Parse(serverId);
        IPv4Address good = IPv4Address.Parse("10.99.0.50");
        var host = new IPv4Host(PeerMac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, f => { });
        var client = new DhcpClient(host, xid);
        client.Start(0);
        host.Receive(DhcpReply(xid, DhcpMessageType.Offer, good, serverId: bad), 10);
        Assert.Equal(DhcpClientState.Selecting, client.State);
        host.Receive(DhcpReply(xid, DhcpMessageType.Offer, good), 20);
        Assert.Equal(DhcpClientState.Requesting, client.State);
        host.Receive(DhcpReply(xid, DhcpMessageType.Ack, good, serverId: bad), 30);
        Assert.Equal(DhcpClientState.Requesting, client.State);
        host.Receive(DhcpReply(xid, DhcpMessageType.Ack, good), 40);
        Assert.Equal(DhcpClientState.Bound, client.State);
        Assert.Equal(DhcpServer, client.ServerIdentifier);
    }
}

public class DnsNameEscapingTests
{
    static byte[] Response(byte[] owner, byte[] address)
    {
        // Header: ID 1, QR+RD+RA, 0 questions, 1 answer; the answer's owner name is given raw.
        var b = new List<byte> { 0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0 };
        b.AddRange(owner);
        b.AddRange(new byte[] { 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 });
        b.AddRange(address);
        return b.ToArray();
    }

    /// <summary>
    /// Fuzzer finding: a label containing '.' read as plain text made the one-label name "a.b" + "test" equal to the
    /// three-label name a.b.test, so GetAddresses("a.b.test") took an answer for another name, and the message did not
    /// rebuild to itself. Dots and backslashes inside labels are now escaped ("a\.b.test").
    /// </summary>
    [Fact]
    public void A_Dot_Inside_A_Label_Is_Escaped_And_Not_Confused_With_A_Separator()
    {
        byte[] owner = { 3, (byte)'a', (byte)'.', (byte)'b', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0 };
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(Response(owner, new byte[] { 10, 0, 0, 1 }), out DnsMessage m));
        Assert.Equal("a\\.b.test", m.Answers[0].Name);
        Assert.Empty(m.GetAddresses("a.b.test"));
        Assert.Equal(new[] { IPv4Address.Parse("10.0.0.1") }, m.GetAddresses("a\\.b.test"));
        // The builder reads the escapes back: the same wire name.
        byte[] again = m.ToArray();
        Assert.Equal(owner, again.AsSpan(12, owner.Length).ToArray());
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(again, out DnsMessage r));
        Assert.Equal(m.Answers[0].Name, r.Answers[0].Name);
    }

    [Theory]
    [InlineData("a\\\\b.test", new byte[] { 3, (byte)'a', (byte)'\\', (byte)'b', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0 })]
    [InlineData("dot\\.", new byte[] { 4, (byte)'d', (byte)'o', (byte)'t', (byte)'.', 0 })]
    [InlineData("x.", new byte[] { 1, (byte)'x', 0 })]
    [InlineData(".", new byte[] { 0 })]
    public void Escaped_Names_Build(string name, byte[] wire)
    {
        var q = DnsMessage.CreateQuery(1, name);
        byte[] b = q.ToArray();
        Assert.Equal(wire, b.AsSpan(12, wire.Length).ToArray());
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(b, out DnsMessage m));
        Assert.Equal(name.EndsWith("\\.", StringComparison.Ordinal) ? name : name.TrimEnd('.'), m.Questions[0].Name);
    }

    [Theory]
    [InlineData("a..")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a\\")]
    public void Bad_Names_Are_Refused_By_The_Builder(string name)
        => Assert.Throws<ArgumentException>(() => DnsMessage.CreateQuery(1, name).ToArray());
}

public class SpoofedOwnSourceTests
{
    static readonly MacAddress OwnMac = new MacAddress(0x02, 0x00, 0x00, 0x99, 0x00, 0x01);
    static readonly IPv4Address OwnIp = IPv4Address.Parse("10.99.0.1");

    /// <summary>
    /// Fuzzer finding: a datagram from the wire whose source was our own address was answered to ourselves: an echo
    /// request produced an echo reply looped back to our EchoReplyReceived, UDP to a closed port a port unreachable to
    /// ourselves. Such datagrams are now dropped (Malformed), as Linux drops martian sources; loopback still works.
    /// </summary>
    [Fact]
    public void Datagrams_From_The_Wire_With_Our_Own_Source_Are_Dropped()
    {
        var sent = new List<byte[]>();
        var host = new IPv4Host(OwnMac, OwnIp, IPv4Address.Parse("255.255.255.0"), IPv4Address.Any, f => sent.Add(f.ToArray()));
        int replies = 0, datagrams = 0;
        host.EchoReplyReceived = (s, id, seq, d) => replies++;
        host.Bind(7, (s, sp, d, dp, data) => datagrams++);
        byte[] Frame(byte protocol, byte[] payload)
            => EthernetHeader.BuildFrame(OwnMac, new MacAddress(0x02, 0, 0, 0, 0, 9), EtherType.IPv4,
                IPv4Header.BuildDatagram(IPv4Header.Create(OwnIp, OwnIp, protocol, payload.Length, 1), payload));
        host.Receive(Frame(IPProtocol.Icmp, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, new byte[8])), 0);
        host.Receive(Frame(IPProtocol.Udp, UdpHeader.Build(OwnIp, OwnIp, 5, 4444, new byte[4])), 0);
        host.Receive(Frame(IPProtocol.Udp, UdpHeader.Build(OwnIp, OwnIp, 5, 7, new byte[4])), 0);
        Assert.Equal(0, replies);
        Assert.Equal(0, datagrams);
        Assert.Equal(0, host.Statistics.LoopedBack);
        Assert.Equal(3, host.Statistics.Malformed);
        Assert.Empty(sent);
        // Sending to ourselves is still looped back.
        host.SendUdp(OwnIp, 5, 7, new byte[2], 0);
        host.SendEchoRequest(OwnIp, 1, 2, new byte[4], 0);
        Assert.Equal(1, datagrams);
        Assert.Equal(1, replies);
    }
}

public class DnsNameCaseTests
{
    /// <summary>
    /// Found while triaging a DNS resolver target report (the report itself was the checker folding Latin-1 case):
    /// GetAddresses compared names ordinal-ignore-case, which also folds Latin-1 letters, so an answer for "cafÉ.test"
    /// (0xC9) was taken for "café.test" (0xE9), while the DnsCache (ASCII folding, RFC 4343) keeps them apart. Now only
    /// ASCII letters ignore case.
    /// </summary>
    [Fact]
    public void Only_Ascii_Letters_Ignore_Case()
    {
        var m = new DnsMessage { IsResponse = true, Id = 1 };
        m.Answers.Add(new DnsResourceRecord { Name = "caf\u00E9.test", Type = DnsRecordType.A, Address = IPv4Address.Parse("10.0.0.1"), TimeToLive = 60 });
        Assert.Single(m.GetAddresses("CAF\u00E9.TEST"));
        Assert.Empty(m.GetAddresses("caf\u00C9.test"));
        Assert.True(DnsMessage.NamesEqual("Host1.Fuzz.Test", "host1.fuzz.TEST"));
        Assert.False(DnsMessage.NamesEqual("\u00E9", "\u00C9"));
        Assert.False(DnsMessage.NamesEqual("a", "ab"));
    }
}
