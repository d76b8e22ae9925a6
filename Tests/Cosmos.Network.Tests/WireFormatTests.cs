using System;
using Xunit;

namespace Cosmos.Network.Tests;

public class ChecksumAndAddressTests
{
    [Fact]
    public void Rfc1071_Example_Sums_To_Ddf2()
    {
        // RFC 1071 section 3, "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7 sum to 2ddf0, folded ddf2.
        byte[] data = Hex.Bytes("00 01 f2 03 f4 f5 f6 f7");
        Assert.Equal(0xddf2u, (uint)(ushort)~InternetChecksum.Compute(data));
        Assert.Equal((ushort)0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Odd_Length_Pads_With_Zero()
    {
        Assert.Equal(InternetChecksum.Compute(Hex.Bytes("12 34 56 00")), InternetChecksum.Compute(Hex.Bytes("12 34 56")));
        Assert.Equal((ushort)0xedcb, InternetChecksum.Compute(Hex.Bytes("12 34")));
    }

    [Fact]
    public void Checksum_Verifies_To_Zero_Over_Large_Data()
    {
        var rng = new Random(5);
        byte[] d = new byte[65534];
        rng.NextBytes(d);
        d[10] = 0; d[11] = 0;
        ushort c = InternetChecksum.Compute(d);
        d[10] = (byte)(c >> 8); d[11] = (byte)c;
        Assert.Equal(0, InternetChecksum.Compute(d));
    }

    [Fact]
    public void Addresses_Format_And_Parse()
    {
        Assert.Equal("10.0.2.15", new IPv4Address(10, 0, 2, 15).ToString());
        Assert.Equal(0x0A00020Fu, IPv4Address.Parse("10.0.2.15").Value);
        Assert.Equal("255.255.255.255", IPv4Address.Broadcast.ToString());
        Assert.Equal("0.0.0.0", IPv4Address.Any.ToString());
        foreach (string bad in new[] { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "0001.2.3.4" })
            Assert.False(IPv4Address.TryParse(bad, out _), bad);
        Assert.Equal("52:54:00:12:34:56", new MacAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56).ToString());
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(new MacAddress(0x01, 0, 0x5e, 0, 0, 1).IsMulticast);
        Assert.False(new MacAddress(0x52, 0x54, 0, 0, 0, 1).IsMulticast);
        Assert.True(new IPv4Address(10, 0, 2, 2).IsInSameSubnet(new IPv4Address(10, 0, 2, 200), new IPv4Address(255, 255, 255, 0)));
        Assert.False(new IPv4Address(10, 0, 2, 2).IsInSameSubnet(new IPv4Address(10, 0, 3, 2), new IPv4Address(255, 255, 255, 0)));
    }
}

public class EthernetArpTests
{
    static readonly MacAddress MacA = new MacAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
    static readonly MacAddress MacB = new MacAddress(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);

    [Fact]
    public void Ethernet_Golden_Parse_And_Build()
    {
        byte[] frame = Hex.Bytes("ff ff ff ff ff ff 52 54 00 12 34 56 08 06");
        Assert.Equal(ParseStatus.Ok, EthernetHeader.TryParse(frame, out var h, out var payload));
        Assert.True(h.Destination.IsBroadcast);
        Assert.Equal(MacA, h.Source);
        Assert.Equal(EtherType.Arp, h.EtherType);
        Assert.Equal(0, payload.Length);
        byte[] built = EthernetHeader.BuildFrame(MacAddress.Broadcast, MacA, EtherType.Arp, new byte[] { 1, 2, 3 });
        Assert.Equal(60, built.Length);
        Assert.Equal(frame, built.AsSpan(0, 14).ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, built.AsSpan(14, 4).ToArray());
        Assert.Equal(ParseStatus.Truncated, EthernetHeader.TryParse(frame.AsSpan(0, 13), out _, out _));
    }

    // An ARP request "who has 10.0.2.2? tell 10.0.2.15" laid out from RFC 826 by hand.
    const string ArpRequest =
        "00 01 08 00 06 04 00 01 52 54 00 12 34 56 0a 00 02 0f 00 00 00 00 00 00 0a 00 02 02";

    [Fact]
    public void Arp_Golden_Request()
    {
        byte[] p = Hex.Bytes(ArpRequest);
        Assert.Equal(ParseStatus.Ok, ArpPacket.TryParse(p, out var arp));
        Assert.Equal(ArpPacket.OpRequest, arp.Operation);
        Assert.Equal(MacA, arp.SenderHardwareAddress);
        Assert.Equal(IPv4Address.Parse("10.0.2.15"), arp.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, arp.TargetHardwareAddress);
        Assert.Equal(IPv4Address.Parse("10.0.2.2"), arp.TargetProtocolAddress);
        Assert.False(arp.IsGratuitous);
        Assert.Equal(p, new ArpPacket(ArpPacket.OpRequest, MacA, IPv4Address.Parse("10.0.2.15"), MacAddress.Zero, IPv4Address.Parse("10.0.2.2")).ToArray());
    }

    [Fact]
    public void Arp_Refuses_Malformed()
    {
        byte[] p = Hex.Bytes(ArpRequest);
        Assert.Equal(ParseStatus.Truncated, ArpPacket.TryParse(p.AsSpan(0, 27), out _));
        Assert.Equal(ParseStatus.Truncated, ArpPacket.TryParse(p.AsSpan(0, 5), out _));
        byte[] q = (byte[])p.Clone(); q[1] = 6; Assert.Equal(ParseStatus.Unsupported, ArpPacket.TryParse(q, out _));
        q = (byte[])p.Clone(); q[2] = 0x86; Assert.Equal(ParseStatus.Unsupported, ArpPacket.TryParse(q, out _));
        q = (byte[])p.Clone(); q[4] = 8; Assert.Equal(ParseStatus.Unsupported, ArpPacket.TryParse(q, out _));
        q = (byte[])p.Clone(); q[5] = 16; Assert.Equal(ParseStatus.Unsupported, ArpPacket.TryParse(q, out _));
        q = (byte[])p.Clone(); q[7] = 3; Assert.Equal(ParseStatus.BadField, ArpPacket.TryParse(q, out _));
        // Padding after the 28 octets (a 60-octet frame) is fine.
        Array.Resize(ref q, 46); q[7] = 2;
        Assert.Equal(ParseStatus.Ok, ArpPacket.TryParse(q, out var reply));
        Assert.Equal(ArpPacket.OpReply, reply.Operation);
    }

    [Fact]
    public void Fuzz_Ethernet_And_Arp()
    {
        byte[] seed = EthernetHeader.BuildFrame(MacAddress.Broadcast, MacA, EtherType.Arp, Hex.Bytes(ArpRequest));
        int ok = 0;
        Mutator.Run(seed, 5000, 11, m =>
        {
            if (EthernetHeader.TryParse(m, out _, out var payload) == ParseStatus.Ok && ArpPacket.TryParse(payload, out _) == ParseStatus.Ok) ok++;
        });
        Assert.True(ok > 0);
    }
}

public class IPv4IcmpUdpTests
{
    // The widely reproduced example header 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, DF, Total Length 0x73,
    // checksum 0xb861 (verified here by the RFC 1071 rule: the header sums to zero).
    const string GoldenHeader = "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7";

    static byte[] GoldenDatagram()
    {
        byte[] d = new byte[0x73];
        Hex.Bytes(GoldenHeader).CopyTo(d, 0);
        return d;
    }

    [Fact]
    public void IPv4_Golden_Header_Parses_And_Rebuilds()
    {
        byte[] d = GoldenDatagram();
        Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(d, out var h, out var payload));
        Assert.Equal(4, h.Version);
        Assert.Equal(5, h.InternetHeaderLength);
        Assert.Equal(0x73, h.TotalLength);
        Assert.True(h.DontFragment);
        Assert.False(h.MoreFragments);
        Assert.False(h.IsFragment);
        Assert.Equal(64, h.TimeToLive);
        Assert.Equal(IPProtocol.Udp, h.Protocol);
        Assert.Equal(0xb861, h.HeaderChecksum);
        Assert.Equal(IPv4Address.Parse("192.168.0.1"), h.SourceAddress);
        Assert.Equal(IPv4Address.Parse("192.168.0.199"), h.DestinationAddress);
        Assert.Equal(0x73 - 20, payload.Length);
        byte[] rebuilt = new byte[20];
        IPv4Header.Create(h.SourceAddress, h.DestinationAddress, IPProtocol.Udp, 0x73 - 20, 0, 64, IPv4Header.FlagDontFragment).Write(rebuilt);
        Assert.Equal(Hex.Bytes(GoldenHeader), rebuilt);
    }

    [Fact]
    public void IPv4_Malformed_Inputs_Say_Why()
    {
        byte[] d = GoldenDatagram();
        Assert.Equal(ParseStatus.Truncated, IPv4Header.TryParse(d.AsSpan(0, 19), out _, out _));
        byte[] q = (byte[])d.Clone(); q[0] = 0x65; Assert.Equal(ParseStatus.BadVersion, IPv4Header.TryParse(q, out _, out _));
        q = (byte[])d.Clone(); q[0] = 0x44; Assert.Equal(ParseStatus.BadHeaderLength, IPv4Header.TryParse(q, out _, out _));
        q = (byte[])d.Clone(); q[0] = 0x4F; Assert.Equal(ParseStatus.BadHeaderLength, IPv4Header.TryParse(q.AsSpan(0, 40), out _, out _));
        q = (byte[])d.Clone(); q[8] = 63; Assert.Equal(ParseStatus.BadChecksum, IPv4Header.TryParse(q, out _, out _));
        // Total Length beyond the data (with a valid checksum).
        Assert.Equal(ParseStatus.BadLength, IPv4Header.TryParse(d.AsSpan(0, 0x72), out _, out _));
        q = Rebuild(d, totalLength: 19); Assert.Equal(ParseStatus.BadLength, IPv4Header.TryParse(q, out _, out _));
        // Ethernet padding beyond Total Length is trimmed.
        q = new byte[0x80]; d.CopyTo(q, 0);
        Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(q, out _, out var payload));
        Assert.Equal(0x73 - 20, payload.Length);
    }

    static byte[] Rebuild(byte[] d, int totalLength)
    {
        byte[] q = (byte[])d.Clone();
        q[2] = (byte)(totalLength >> 8); q[3] = (byte)totalLength;
        q[10] = 0; q[11] = 0;
        ushort c = InternetChecksum.Compute(q.AsSpan(0, 20));
        q[10] = (byte)(c >> 8); q[11] = (byte)c;
        return q;
    }

    [Fact]
    public void IPv4_Options_Are_Skipped()
    {
        // IHL 6: one 4-octet option word (NOP NOP NOP EOL), then 4 data octets.
        byte[] d = Hex.Bytes("46 00 00 1c 12 34 20 05 40 01 00 00 0a 00 00 01 0a 00 00 02 01 01 01 00 de ad be ef");
        ushort c = InternetChecksum.Compute(d.AsSpan(0, 24));
        d[10] = (byte)(c >> 8); d[11] = (byte)c;
        Assert.Equal(ParseStatus.Ok, IPv4Header.TryParse(d, out var h, out var payload));
        Assert.Equal(24, h.HeaderLength);
        Assert.Equal(new byte[] { 0xde, 0xad, 0xbe, 0xef }, payload.ToArray());
        Assert.Equal(0x1234, h.Identification);
        Assert.True(h.MoreFragments);
        Assert.Equal(5, h.FragmentOffset);
        Assert.Equal(40, h.FragmentOffsetBytes);
    }

    [Fact]
    public void Icmp_Golden_Echo()
    {
        // Echo, id 1, seq 1, data "abcd": sum 0800+0001+0001+6162+6364 = cc c8, checksum ~ = 33 37.
        byte[] m = Hex.Bytes("08 00 33 37 00 01 00 01 61 62 63 64");
        Assert.Equal(ParseStatus.Ok, IcmpEchoHeader.TryParse(m, out var h, out var data));
        Assert.Equal(IcmpEchoHeader.TypeEcho, h.Type);
        Assert.Equal(1, h.Identifier);
        Assert.Equal(1, h.SequenceNumber);
        Assert.Equal("abcd", System.Text.Encoding.ASCII.GetString(data));
        Assert.Equal(m, IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, data));
        m[9] ^= 1; Assert.Equal(ParseStatus.BadChecksum, IcmpEchoHeader.TryParse(m, out _, out _));
        Assert.Equal(ParseStatus.Truncated, IcmpEchoHeader.TryParse(m.AsSpan(0, 7), out _, out _));
        byte[] badCode = IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 1, 1, default);
        badCode[1] = 1; badCode[3] -= 1; // keep the checksum valid (code adds 0x0001 to the sum)
        Assert.Equal(0, InternetChecksum.Compute(badCode));
        Assert.Equal(ParseStatus.BadField, IcmpEchoHeader.TryParse(badCode, out _, out _));
    }

    static readonly IPv4Address A = IPv4Address.Parse("192.168.0.1");
    static readonly IPv4Address B = IPv4Address.Parse("192.168.0.199");

    [Fact]
    public void Udp_Golden_Datagram()
    {
        // 1234 -> 53, "hi": pseudo header sum 1 8233, UDP sum 6d7a, total ef ae after folding, checksum 10 51.
        byte[] u = Hex.Bytes("04 d2 00 35 00 0a 10 51 68 69");
        Assert.Equal(ParseStatus.Ok, UdpHeader.TryParse(u, A, B, out var h, out var data));
        Assert.Equal(1234, h.SourcePort);
        Assert.Equal(53, h.DestinationPort);
        Assert.Equal(10, h.TotalLength);
        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(data));
        Assert.Equal(u, UdpHeader.Build(A, B, 1234, 53, data));
        // The pseudo header matters: another destination fails the checksum.
        Assert.Equal(ParseStatus.BadChecksum, UdpHeader.TryParse(u, A, IPv4Address.Parse("192.168.0.198"), out _, out _));
        // Checksum 0 = none.
        byte[] none = (byte[])u.Clone(); none[6] = 0; none[7] = 0; none[9] ^= 0x55;
        Assert.Equal(ParseStatus.Ok, UdpHeader.TryParse(none, A, B, out _, out _));
        Assert.Equal(ParseStatus.Truncated, UdpHeader.TryParse(u.AsSpan(0, 7), A, B, out _, out _));
        Assert.Equal(ParseStatus.BadLength, UdpHeader.TryParse(u.AsSpan(0, 9), A, B, out _, out _));
        byte[] shortLen = (byte[])none.Clone(); shortLen[5] = 7;
        Assert.Equal(ParseStatus.BadLength, UdpHeader.TryParse(shortLen, A, B, out _, out _));
        // Padding after Length is trimmed.
        byte[] padded = new byte[16]; u.CopyTo(padded, 0);
        Assert.Equal(ParseStatus.Ok, UdpHeader.TryParse(padded, A, B, out _, out var d2));
        Assert.Equal(2, d2.Length);
    }

    [Fact]
    public void Udp_Computed_Zero_Is_Sent_As_Ffff()
    {
        // Find data that makes the computed checksum 0: choose the last word so the sum is ffff.
        byte[] data = new byte[2];
        uint sum = InternetChecksum.PseudoHeaderSum(A, B, IPProtocol.Udp, 10);
        sum = InternetChecksum.Add(sum, Hex.Bytes("04 d2 00 35 00 0a 00 00"));
        ushort folded = (ushort)~InternetChecksum.Finish(sum);
        ushort word = (ushort)(0xFFFF - folded);
        data[0] = (byte)(word >> 8); data[1] = (byte)word;
        byte[] u = UdpHeader.Build(A, B, 1234, 53, data);
        Assert.Equal(0xFF, u[6]); Assert.Equal(0xFF, u[7]);
        Assert.Equal(ParseStatus.Ok, UdpHeader.TryParse(u, A, B, out _, out _));
    }

    [Fact]
    public void Fuzz_IPv4_Icmp_Udp()
    {
        byte[] udp = UdpHeader.Build(A, B, 1234, 53, System.Text.Encoding.ASCII.GetBytes("hello fuzz"));
        byte[] ip = IPv4Header.BuildDatagram(IPv4Header.Create(A, B, IPProtocol.Udp, udp.Length, 7), udp);
        byte[] icmp = IcmpEchoHeader.BuildEcho(IcmpEchoHeader.TypeEcho, 3, 4, new byte[20]);
        byte[] ipIcmp = IPv4Header.BuildDatagram(IPv4Header.Create(A, B, IPProtocol.Icmp, icmp.Length, 8), icmp);
        foreach (byte[] seed in new[] { ip, ipIcmp })
        {
            Mutator.Run(seed, 4000, seed.Length, m =>
            {
                if (IPv4Header.TryParse(m, out var h, out var payload) != ParseStatus.Ok) return;
                Assert.True(payload.Length == h.PayloadLength);
                UdpHeader.TryParse(payload, h.SourceAddress, h.DestinationAddress, out _, out _);
                IcmpEchoHeader.TryParse(payload, out _, out _);
            });
        }
        // The transport parsers alone, on mutated transport bytes.
        Mutator.Run(udp, 4000, 1, m => UdpHeader.TryParse(m, A, B, out _, out _));
        Mutator.Run(icmp, 4000, 2, m => IcmpEchoHeader.TryParse(m, out _, out _));
    }
}
