using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>
/// An ARP packet for Ethernet hardware and IPv4 protocol addresses (RFC 826, "Packet format"): <c>ar_hrd</c> (1 =
/// Ethernet), <c>ar_pro</c> (0x0800), <c>ar_hln</c> (6), <c>ar_pln</c> (4), <c>ar_op</c> (1 request, 2 reply),
/// <c>ar_sha</c>, <c>ar_spa</c>, <c>ar_tha</c>, <c>ar_tpa</c>. All multi-octet fields are big-endian on the wire.
/// </summary>
public readonly struct ArpPacket
{
    /// <summary>Length of an Ethernet/IPv4 ARP packet in octets (28).</summary>
    public const int Length = 28;
    /// <summary><c>ar_hrd</c> for Ethernet (10Mb), RFC 826.</summary>
    public const ushort HardwareTypeEthernet = 1;
    /// <summary><c>ar_op</c> REQUEST.</summary>
    public const ushort OpRequest = 1;
    /// <summary><c>ar_op</c> REPLY.</summary>
    public const ushort OpReply = 2;

    /// <summary><c>ar_op</c>: <see cref="OpRequest"/> or <see cref="OpReply"/>.</summary>
    public readonly ushort Operation;
    /// <summary><c>ar_sha</c>: sender hardware address.</summary>
    public readonly MacAddress SenderHardwareAddress;
    /// <summary><c>ar_spa</c>: sender protocol address.</summary>
    public readonly IPv4Address SenderProtocolAddress;
    /// <summary><c>ar_tha</c>: target hardware address (zero in a request).</summary>
    public readonly MacAddress TargetHardwareAddress;
    /// <summary><c>ar_tpa</c>: target protocol address.</summary>
    public readonly IPv4Address TargetProtocolAddress;

    /// <summary>Creates a packet from its variable fields; the type and length fields are the Ethernet/IPv4 constants.</summary>
    public ArpPacket(ushort operation, MacAddress sha, IPv4Address spa, MacAddress tha, IPv4Address tpa)
    {
        Operation = operation; SenderHardwareAddress = sha; SenderProtocolAddress = spa; TargetHardwareAddress = tha; TargetProtocolAddress = tpa;
    }

    /// <summary>True when <c>ar_spa</c> equals <c>ar_tpa</c>: a gratuitous ARP (an announcement of the sender's own binding).</summary>
    public bool IsGratuitous => SenderProtocolAddress == TargetProtocolAddress;

    /// <summary>
    /// Parses an ARP packet (the Ethernet payload, which may carry padding after the 28 octets). Refuses other
    /// hardware/protocol types or lengths (<see cref="ParseStatus.Unsupported"/>) and opcodes other than 1 and 2
    /// (<see cref="ParseStatus.BadField"/>).
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out ArpPacket packet)
    {
        packet = default;
        if (data.Length < 8) return ParseStatus.Truncated;
        ushort hrd = BinaryPrimitives.ReadUInt16BigEndian(data);
        ushort pro = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2));
        if (hrd != HardwareTypeEthernet || pro != EtherType.IPv4 || data[4] != MacAddress.Length || data[5] != IPv4Address.Length)
            return ParseStatus.Unsupported;
        if (data.Length < Length) return ParseStatus.Truncated;
        ushort op = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(6));
        if (op != OpRequest && op != OpReply) return ParseStatus.BadField;
        packet = new ArpPacket(op, MacAddress.Read(data.Slice(8)), IPv4Address.Read(data.Slice(14)),
            MacAddress.Read(data.Slice(18)), IPv4Address.Read(data.Slice(24)));
        return ParseStatus.Ok;
    }

    /// <summary>Writes the 28 octets. Throws <see cref="ArgumentException"/> when <paramref name="destination"/> is shorter.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Length) throw new ArgumentException("Buffer shorter than an ARP packet.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), EtherType.IPv4);
        destination[4] = MacAddress.Length;
        destination[5] = IPv4Address.Length;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(6), Operation);
        SenderHardwareAddress.Write(destination.Slice(8));
        SenderProtocolAddress.Write(destination.Slice(14));
        TargetHardwareAddress.Write(destination.Slice(18));
        TargetProtocolAddress.Write(destination.Slice(24));
    }

    /// <summary>The 28 octets as a new array.</summary>
    public byte[] ToArray()
    {
        byte[] b = new byte[Length];
        Write(b);
        return b;
    }
}
