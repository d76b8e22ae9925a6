using System;
using System.Linq;
using Xunit;

namespace Cosmos.Network.Tests;

public class DhcpTests
{
    static readonly MacAddress Client = new MacAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);

    // The fixed BOOTP part of RFC 2131 Figure 1, laid out by hand.
    static byte[] Fixed(byte op, uint xid, ushort flags, string yiaddr, string siaddr)
    {
        byte[] b = new byte[236];
        b[0] = op; b[1] = 1; b[2] = 6; b[3] = 0;
        b[4] = (byte)(xid >> 24); b[5] = (byte)(xid >> 16); b[6] = (byte)(xid >> 8); b[7] = (byte)xid;
        b[10] = (byte)(flags >> 8); b[11] = (byte)flags;
        IPv4Address.Parse(yiaddr).Write(b.AsSpan(16));
        IPv4Address.Parse(siaddr).Write(b.AsSpan(20));
        Hex.Bytes("52 54 00 12 34 56").CopyTo(b, 28);
        return b;
    }

    [Fact]
    public void Discover_Golden()
    {
        byte[] expected = Fixed(1, 0x3903F326, 0x8000, "0.0.0.0", "0.0.0.0")
            .Concat(Hex.Bytes("63 82 53 63  35 01 01  37 03 01 03 06  ff")).ToArray();
        Array.Resize(ref expected, 300);
        byte[] built = DhcpMessage.CreateDiscover(Client, 0x3903F326).ToArray();
        Assert.Equal(Hex.String(expected), Hex.String(built));
    }

    [Fact]
    public void Offer_Golden_Parse()
    {
        // An OFFER as QEMU's user-mode DHCP server would send it: 10.0.2.15, mask /24, router and DNS 10.0.2.2/.3, 1 day.
        byte[] offer = Fixed(2, 0x3903F326, 0, "10.0.2.15", "10.0.2.2")
            .Concat(Hex.Bytes("63 82 53 63  35 01 02  36 04 0a 00 02 02  01 04 ff ff ff 00  03 04 0a 00 02 02  06 08 0a 00 02 03 08 08 08 08  33 04 00 01 51 80  00 00  ff")).ToArray();
        Assert.Equal(ParseStatus.Ok, DhcpMessage.TryParse(offer, out var m));
        Assert.Equal(DhcpMessage.OpBootReply, m.Op);
        Assert.Equal(0x3903F326u, m.TransactionId);
        Assert.Equal(DhcpMessageType.Offer, m.MessageType);
        Assert.Equal(IPv4Address.Parse("10.0.2.15"), m.YourAddress);
        Assert.Equal(IPv4Address.Parse("10.0.2.2"), m.ServerIdentifier);
        Assert.Equal(IPv4Address.Parse("255.255.255.0"), m.SubnetMask);
        Assert.Equal(new[] { IPv4Address.Parse("10.0.2.2") }, m.Routers);
        Assert.Equal(new[] { IPv4Address.Parse("10.0.2.3"), IPv4Address.Parse("8.8.8.8") }, m.DomainNameServers);
        Assert.Equal(86400u, m.LeaseTimeSeconds);
        Assert.Equal(Client, m.ClientHardwareAddress);
        // Request built from it, then parsed back (round trip).
        byte[] req = DhcpMessage.CreateRequest(Client, m.TransactionId, m.YourAddress, m.ServerIdentifier.Value).ToArray();
        Assert.Equal(ParseStatus.Ok, DhcpMessage.TryParse(req, out var r));
        Assert.Equal(DhcpMessageType.Request, r.MessageType);
        Assert.Equal(IPv4Address.Parse("10.0.2.15"), r.RequestedIPAddress);
        Assert.Equal(IPv4Address.Parse("10.0.2.2"), r.ServerIdentifier);
        Assert.Equal(DhcpMessage.FlagBroadcast, r.Flags);
        Assert.Equal(new byte[] { 1, 3, 6 }, r.ParameterRequestList);
        // An ACK with everything round-trips through ToArray.
        m.MessageType = DhcpMessageType.Ack;
        Assert.Equal(ParseStatus.Ok, DhcpMessage.TryParse(m.ToArray(), out var ack));
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        Assert.Equal(m.DomainNameServers, ack.DomainNameServers);
        Assert.Equal(m.LeaseTimeSeconds, ack.LeaseTimeSeconds);
        Assert.Equal(m.SubnetMask, ack.SubnetMask);
    }

    [Fact]
    public void Malformed_Messages_Say_Why()
    {
        byte[] good = DhcpMessage.CreateDiscover(Client, 1).ToArray();
        Assert.Equal(ParseStatus.Truncated, DhcpMessage.TryParse(good.AsSpan(0, 239), out _));
        byte[] q = (byte[])good.Clone(); q[236] = 0; Assert.Equal(ParseStatus.BadField, DhcpMessage.TryParse(q, out _));
        q = (byte[])good.Clone(); q[1] = 6; Assert.Equal(ParseStatus.Unsupported, DhcpMessage.TryParse(q, out _));
        // Option 53 with length 2.
        q = (byte[])good.Clone(); q[241] = 2; Assert.Equal(ParseStatus.BadField, DhcpMessage.TryParse(q, out _));
        // An option running past the end.
        Assert.Equal(ParseStatus.Truncated, DhcpMessage.TryParse(good.AsSpan(0, 245), out _));
        // Router option with a length not a multiple of 4.
        q = Fixed(2, 1, 0, "0.0.0.0", "0.0.0.0").Concat(Hex.Bytes("63 82 53 63 03 03 01 02 03 ff")).ToArray();
        Assert.Equal(ParseStatus.BadField, DhcpMessage.TryParse(q, out _));
        // Missing End is tolerated; unknown options are skipped.
        q = Fixed(2, 1, 0, "0.0.0.0", "0.0.0.0").Concat(Hex.Bytes("63 82 53 63 0c 03 61 62 63 35 01 05")).ToArray();
        Assert.Equal(ParseStatus.Ok, DhcpMessage.TryParse(q, out var m));
        Assert.Equal(DhcpMessageType.Ack, m.MessageType);
    }

    [Fact]
    public void Fuzz_Dhcp()
    {
        var offer = new DhcpMessage
        {
            Op = DhcpMessage.OpBootReply, TransactionId = 5, YourAddress = IPv4Address.Parse("10.0.2.15"), MessageType = DhcpMessageType.Offer,
            SubnetMask = IPv4Address.Parse("255.255.255.0"), ServerIdentifier = IPv4Address.Parse("10.0.2.2"), LeaseTimeSeconds = 3600,
        };
        offer.Routers.Add(IPv4Address.Parse("10.0.2.2"));
        offer.DomainNameServers.Add(IPv4Address.Parse("10.0.2.3"));
        byte[] seed = offer.ToArray();
        int ok = 0;
        Mutator.Run(seed, 5000, 3, m => { if (DhcpMessage.TryParse(m, out _) == ParseStatus.Ok) ok++; });
        Assert.True(ok > 0);
    }
}
