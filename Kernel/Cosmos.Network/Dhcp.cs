using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>DHCP message types (RFC 2132 section 9.6, option 53).</summary>
public enum DhcpMessageType : byte
{
    /// <summary>Option 53 absent (a plain BOOTP message).</summary>
    None = 0,
    /// <summary>DHCPDISCOVER.</summary>
    Discover = 1,
    /// <summary>DHCPOFFER.</summary>
    Offer = 2,
    /// <summary>DHCPREQUEST.</summary>
    Request = 3,
    /// <summary>DHCPDECLINE.</summary>
    Decline = 4,
    /// <summary>DHCPACK.</summary>
    Ack = 5,
    /// <summary>DHCPNAK.</summary>
    Nak = 6,
    /// <summary>DHCPRELEASE.</summary>
    Release = 7,
    /// <summary>DHCPINFORM.</summary>
    Inform = 8,
}

/// <summary>
/// A DHCP message (RFC 2131 section 2, Figure 1; options per RFC 2132): the fixed BOOTP fields <c>op</c>, <c>htype</c>,
/// <c>hlen</c>, <c>hops</c>, <c>xid</c>, <c>secs</c>, <c>flags</c>, <c>ciaddr</c>, <c>yiaddr</c>, <c>siaddr</c>,
/// <c>giaddr</c>, <c>chaddr</c> (Ethernet only), <c>sname</c> and <c>file</c> (not interpreted), the magic cookie
/// 99.130.83.99 and the options this client uses: 53 message type, 1 subnet mask, 3 routers, 6 domain name servers,
/// 50 requested address, 51 lease time, 54 server identifier, 55 parameter request list. Other options are skipped;
/// option overload (52) is not honoured; a repeated option keeps its first instance. Travels in UDP, client port 68,
/// server port 67. All multi-octet fields are big-endian.
/// </summary>
public sealed class DhcpMessage
{
    /// <summary>UDP port of DHCP servers (67).</summary>
    public const ushort ServerPort = 67;
    /// <summary>UDP port of DHCP clients (68).</summary>
    public const ushort ClientPort = 68;
    /// <summary>Length of the fixed fields before the magic cookie (236 octets).</summary>
    public const int FixedLength = 236;
    /// <summary>The magic cookie 99.130.83.99 as a 32-bit value (RFC 2131 section 3).</summary>
    public const uint MagicCookie = 0x63825363;
    /// <summary><c>op</c> BOOTREQUEST (client to server).</summary>
    public const byte OpBootRequest = 1;
    /// <summary><c>op</c> BOOTREPLY (server to client).</summary>
    public const byte OpBootReply = 2;
    /// <summary><c>flags</c> bit 15, BROADCAST: the client asks for broadcast replies.</summary>
    public const ushort FlagBroadcast = 0x8000;
    /// <summary>Smallest message <see cref="ToArray"/> produces (300 octets, the BOOTP minimum of RFC 1542).</summary>
    public const int MinimumBuiltLength = 300;

    /// <summary>Option code: Pad.</summary>
    public const byte OptionPad = 0;
    /// <summary>Option code 1: Subnet Mask.</summary>
    public const byte OptionSubnetMask = 1;
    /// <summary>Option code 3: Router.</summary>
    public const byte OptionRouter = 3;
    /// <summary>Option code 6: Domain Name Server.</summary>
    public const byte OptionDomainNameServer = 6;
    /// <summary>Option code 50: Requested IP Address.</summary>
    public const byte OptionRequestedIPAddress = 50;
    /// <summary>Option code 51: IP Address Lease Time (seconds).</summary>
    public const byte OptionLeaseTime = 51;
    /// <summary>Option code 53: DHCP Message Type.</summary>
    public const byte OptionMessageType = 53;
    /// <summary>Option code 54: Server Identifier.</summary>
    public const byte OptionServerIdentifier = 54;
    /// <summary>Option code 55: Parameter Request List.</summary>
    public const byte OptionParameterRequestList = 55;
    /// <summary>Option code 255: End.</summary>
    public const byte OptionEnd = 255;

    /// <summary><c>op</c>: <see cref="OpBootRequest"/> or <see cref="OpBootReply"/>.</summary>
    public byte Op;
    /// <summary><c>htype</c>: hardware address type (1 = Ethernet).</summary>
    public byte HardwareType = 1;
    /// <summary><c>hlen</c>: hardware address length (6 for Ethernet).</summary>
    public byte HardwareAddressLength = MacAddress.Length;
    /// <summary><c>hops</c>: relay hop count.</summary>
    public byte Hops;
    /// <summary><c>xid</c>: transaction ID chosen by the client.</summary>
    public uint TransactionId;
    /// <summary><c>secs</c>: seconds since the client began acquisition or renewal.</summary>
    public ushort Seconds;
    /// <summary><c>flags</c> (<see cref="FlagBroadcast"/>).</summary>
    public ushort Flags;
    /// <summary><c>ciaddr</c>: client IP address (only when the client can already use it).</summary>
    public IPv4Address ClientAddress;
    /// <summary><c>yiaddr</c>: "your" (client) address offered or assigned by the server.</summary>
    public IPv4Address YourAddress;
    /// <summary><c>siaddr</c>: next server to use in bootstrap.</summary>
    public IPv4Address ServerAddress;
    /// <summary><c>giaddr</c>: relay agent address.</summary>
    public IPv4Address RelayAgentAddress;
    /// <summary><c>chaddr</c>: client hardware address (first 6 of its 16 octets).</summary>
    public MacAddress ClientHardwareAddress;

    /// <summary>Option 53 (<see cref="DhcpMessageType.None"/> when absent).</summary>
    public DhcpMessageType MessageType;
    /// <summary>Option 1, or null.</summary>
    public IPv4Address? SubnetMask;
    /// <summary>Option 3 (in preference order), empty when absent.</summary>
    public List<IPv4Address> Routers = new List<IPv4Address>();
    /// <summary>Option 6 (in preference order), empty when absent.</summary>
    public List<IPv4Address> DomainNameServers = new List<IPv4Address>();
    /// <summary>Option 50, or null.</summary>
    public IPv4Address? RequestedIPAddress;
    /// <summary>Option 51 in seconds (0xFFFFFFFF = infinite), or null.</summary>
    public uint? LeaseTimeSeconds;
    /// <summary>Option 54, or null.</summary>
    public IPv4Address? ServerIdentifier;
    /// <summary>Option 55 (option codes), or null.</summary>
    public byte[] ParameterRequestList;

    /// <summary>
    /// Parses a DHCP message (the UDP data). Refuses: fewer than 240 octets or an option running past the data
    /// (<see cref="ParseStatus.Truncated"/>), a wrong magic cookie or a known option with a wrong length
    /// (<see cref="ParseStatus.BadField"/>), a non-Ethernet <c>htype</c>/<c>hlen</c> (<see cref="ParseStatus.Unsupported"/>).
    /// A missing End option is tolerated at the end of the data.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out DhcpMessage message)
    {
        message = null;
        if (data.Length < FixedLength + 4) return ParseStatus.Truncated;
        if (BinaryPrimitives.ReadUInt32BigEndian(data.Slice(FixedLength)) != MagicCookie) return ParseStatus.BadField;
        if (data[1] != 1 || data[2] != MacAddress.Length) return ParseStatus.Unsupported;
        var m = new DhcpMessage
        {
            Op = data[0], HardwareType = data[1], HardwareAddressLength = data[2], Hops = data[3],
            TransactionId = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4)),
            Seconds = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(8)),
            Flags = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(10)),
            ClientAddress = IPv4Address.Read(data.Slice(12)),
            YourAddress = IPv4Address.Read(data.Slice(16)),
            ServerAddress = IPv4Address.Read(data.Slice(20)),
            RelayAgentAddress = IPv4Address.Read(data.Slice(24)),
            ClientHardwareAddress = MacAddress.Read(data.Slice(28)),
        };
        var seen = new bool[256];
        int i = FixedLength + 4;
        while (i < data.Length)
        {
            byte code = data[i++];
            if (code == OptionPad) continue;
            if (code == OptionEnd) break;
            if (i >= data.Length) return ParseStatus.Truncated;
            int len = data[i++];
            if (i + len > data.Length) return ParseStatus.Truncated;
            ReadOnlySpan<byte> v = data.Slice(i, len);
            i += len;
            if (seen[code]) continue;
            seen[code] = true;
            switch (code)
            {
                case OptionMessageType:
                    if (len != 1) return ParseStatus.BadField;
                    m.MessageType = (DhcpMessageType)v[0];
                    break;
                case OptionSubnetMask:
                    if (len != 4) return ParseStatus.BadField;
                    m.SubnetMask = IPv4Address.Read(v);
                    break;
                case OptionRouter:
                case OptionDomainNameServer:
                    if (len == 0 || (len & 3) != 0) return ParseStatus.BadField;
                    List<IPv4Address> list = code == OptionRouter ? m.Routers : m.DomainNameServers;
                    for (int k = 0; k < len; k += 4) list.Add(IPv4Address.Read(v.Slice(k)));
                    break;
                case OptionRequestedIPAddress:
                    if (len != 4) return ParseStatus.BadField;
                    m.RequestedIPAddress = IPv4Address.Read(v);
                    break;
                case OptionLeaseTime:
                    if (len != 4) return ParseStatus.BadField;
                    m.LeaseTimeSeconds = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case OptionServerIdentifier:
                    if (len != 4) return ParseStatus.BadField;
                    m.ServerIdentifier = IPv4Address.Read(v);
                    break;
                case OptionParameterRequestList:
                    m.ParameterRequestList = v.ToArray();
                    break;
            }
        }
        message = m;
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Builds the message: fixed fields, magic cookie, option 53 (when set) first, then 54, 50, 51, 1, 3, 6, 55 for
    /// those set, End, zero padding to <see cref="MinimumBuiltLength"/>. Throws <see cref="InvalidOperationException"/>
    /// when a list option holds more than 63 addresses.
    /// </summary>
    public byte[] ToArray()
    {
        byte[] fixedPart = new byte[FixedLength];
        Span<byte> f = fixedPart;
        f[0] = Op; f[1] = HardwareType; f[2] = HardwareAddressLength; f[3] = Hops;
        BinaryPrimitives.WriteUInt32BigEndian(f.Slice(4), TransactionId);
        BinaryPrimitives.WriteUInt16BigEndian(f.Slice(8), Seconds);
        BinaryPrimitives.WriteUInt16BigEndian(f.Slice(10), Flags);
        ClientAddress.Write(f.Slice(12));
        YourAddress.Write(f.Slice(16));
        ServerAddress.Write(f.Slice(20));
        RelayAgentAddress.Write(f.Slice(24));
        ClientHardwareAddress.Write(f.Slice(28));
        var b = new List<byte>(MinimumBuiltLength);
        b.AddRange(fixedPart);
        b.Add(0x63); b.Add(0x82); b.Add(0x53); b.Add(0x63);
        if (MessageType != DhcpMessageType.None) { b.Add(OptionMessageType); b.Add(1); b.Add((byte)MessageType); }
        if (ServerIdentifier.HasValue) AddAddress(b, OptionServerIdentifier, ServerIdentifier.Value);
        if (RequestedIPAddress.HasValue) AddAddress(b, OptionRequestedIPAddress, RequestedIPAddress.Value);
        if (LeaseTimeSeconds.HasValue)
        {
            uint t = LeaseTimeSeconds.Value;
            b.Add(OptionLeaseTime); b.Add(4); b.Add((byte)(t >> 24)); b.Add((byte)(t >> 16)); b.Add((byte)(t >> 8)); b.Add((byte)t);
        }
        if (SubnetMask.HasValue) AddAddress(b, OptionSubnetMask, SubnetMask.Value);
        AddList(b, OptionRouter, Routers);
        AddList(b, OptionDomainNameServer, DomainNameServers);
        if (ParameterRequestList != null)
        {
            if (ParameterRequestList.Length > 255) throw new InvalidOperationException("Parameter request list longer than 255 codes.");
            b.Add(OptionParameterRequestList); b.Add((byte)ParameterRequestList.Length);
            foreach (byte c in ParameterRequestList) b.Add(c);
        }
        b.Add(OptionEnd);
        while (b.Count < MinimumBuiltLength) b.Add(0);
        return b.ToArray();
    }

    private static void AddAddress(List<byte> b, byte code, IPv4Address a)
    {
        b.Add(code); b.Add(4);
        b.Add((byte)(a.Value >> 24)); b.Add((byte)(a.Value >> 16)); b.Add((byte)(a.Value >> 8)); b.Add((byte)a.Value);
    }

    private static void AddList(List<byte> b, byte code, List<IPv4Address> list)
    {
        if (list == null || list.Count == 0) return;
        if (list.Count > 63) throw new InvalidOperationException("An address-list option holds at most 63 addresses.");
        b.Add(code); b.Add((byte)(list.Count * 4));
        foreach (IPv4Address a in list) { b.Add((byte)(a.Value >> 24)); b.Add((byte)(a.Value >> 16)); b.Add((byte)(a.Value >> 8)); b.Add((byte)a.Value); }
    }

    /// <summary>The parameters a client asks for: subnet mask, router, domain name server (options 1, 3, 6).</summary>
    public static byte[] DefaultParameterRequestList() => new byte[] { OptionSubnetMask, OptionRouter, OptionDomainNameServer };

    /// <summary>A DHCPDISCOVER (RFC 2131 section 4.4.1): BOOTREQUEST, broadcast flag set, options 53 and 55.</summary>
    public static DhcpMessage CreateDiscover(MacAddress clientHardwareAddress, uint transactionId) => new DhcpMessage
    {
        Op = OpBootRequest, TransactionId = transactionId, Flags = FlagBroadcast, ClientHardwareAddress = clientHardwareAddress,
        MessageType = DhcpMessageType.Discover, ParameterRequestList = DefaultParameterRequestList(),
    };

    /// <summary>
    /// A DHCPREQUEST in the SELECTING state (RFC 2131 section 4.3.2): <c>ciaddr</c> zero, options 50 (the offered
    /// <c>yiaddr</c>) and 54 (the chosen server), same <c>xid</c> as the DISCOVER.
    /// </summary>
    public static DhcpMessage CreateRequest(MacAddress clientHardwareAddress, uint transactionId, IPv4Address requestedAddress, IPv4Address serverIdentifier) => new DhcpMessage
    {
        Op = OpBootRequest, TransactionId = transactionId, Flags = FlagBroadcast, ClientHardwareAddress = clientHardwareAddress,
        MessageType = DhcpMessageType.Request, RequestedIPAddress = requestedAddress, ServerIdentifier = serverIdentifier,
        ParameterRequestList = DefaultParameterRequestList(),
    };
}
