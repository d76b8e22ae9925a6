using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>EtherType values (IEEE registry) used by this stack, host order.</summary>
public static class EtherType
{
    /// <summary>Internet Protocol version 4 (RFC 894).</summary>
    public const ushort IPv4 = 0x0800;
    /// <summary>Address Resolution Protocol (RFC 826).</summary>
    public const ushort Arp = 0x0806;
    /// <summary>IEEE 802.1Q VLAN tag (recognised, not handled).</summary>
    public const ushort Vlan = 0x8100;
    /// <summary>Internet Protocol version 6.</summary>
    public const ushort IPv6 = 0x86DD;
}

/// <summary>
/// An Ethernet II header (RFC 894): destination address (6 octets), source address (6), type (2, big-endian).
/// The frame check sequence is not included: NICs strip and append it. Values of EtherType ≤ 1500 denote an IEEE
/// 802.3 length and are reported as <see cref="IsIeee8023Length"/>.
/// </summary>
public readonly struct EthernetHeader
{
    /// <summary>Header length in octets (14).</summary>
    public const int Length = 14;
    /// <summary>Minimum payload RFC 894 requires (46 octets); <see cref="Write"/> pads shorter payloads with zeros.</summary>
    public const int MinimumPayload = 46;
    /// <summary>Maximum payload of a standard frame (1500 octets, the IP MTU over Ethernet).</summary>
    public const int MaximumPayload = 1500;

    /// <summary>Destination hardware address.</summary>
    public readonly MacAddress Destination;
    /// <summary>Source hardware address.</summary>
    public readonly MacAddress Source;
    /// <summary>The type field, host order (<see cref="Cosmos.Network.EtherType"/>).</summary>
    public readonly ushort EtherType;

    /// <summary>Creates a header from its fields.</summary>
    public EthernetHeader(MacAddress destination, MacAddress source, ushort etherType)
    {
        Destination = destination; Source = source; EtherType = etherType;
    }

    /// <summary>True when the type field is ≤ 1500, i.e. an IEEE 802.3 length rather than an Ethernet II type.</summary>
    public bool IsIeee8023Length => EtherType <= 1500;

    /// <summary>
    /// Parses the header of <paramref name="frame"/>; <paramref name="payload"/> is everything after it (which may
    /// include Ethernet padding: upper layers trim by their own length fields).
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> frame, out EthernetHeader header, out ReadOnlySpan<byte> payload)
    {
        header = default; payload = default;
        if (frame.Length < Length) return ParseStatus.Truncated;
        header = new EthernetHeader(MacAddress.Read(frame), MacAddress.Read(frame.Slice(6)), BinaryPrimitives.ReadUInt16BigEndian(frame.Slice(12)));
        payload = frame.Slice(Length);
        return ParseStatus.Ok;
    }

    /// <summary>Writes the 14-octet header. Throws <see cref="ArgumentException"/> when <paramref name="destination"/> is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Length) throw new ArgumentException("Buffer shorter than an Ethernet header.", nameof(destination));
        Destination.Write(destination);
        Source.Write(destination.Slice(6));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(12), EtherType);
    }

    /// <summary>
    /// Builds a whole frame: header and payload, zero-padded to the 60-octet minimum (RFC 894: 46-octet minimum
    /// payload; the 4-octet FCS is the NIC's).
    /// </summary>
    public static byte[] BuildFrame(MacAddress destination, MacAddress source, ushort etherType, ReadOnlySpan<byte> payload)
    {
        byte[] frame = new byte[Length + Math.Max(payload.Length, MinimumPayload)];
        new EthernetHeader(destination, source, etherType).Write(frame);
        payload.CopyTo(frame.AsSpan(Length));
        return frame;
    }
}
