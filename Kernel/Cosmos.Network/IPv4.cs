using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>IP protocol numbers (RFC 790 "Assigned Numbers") used by this stack.</summary>
public static class IPProtocol
{
    /// <summary>Internet Control Message Protocol (RFC 792).</summary>
    public const byte Icmp = 1;
    /// <summary>Transmission Control Protocol (RFC 793).</summary>
    public const byte Tcp = 6;
    /// <summary>User Datagram Protocol (RFC 768).</summary>
    public const byte Udp = 17;
}

/// <summary>
/// An IPv4 header (RFC 791 section 3.1). Fields hold host-order values; on the wire every multi-octet field is
/// big-endian. Options are not interpreted: <see cref="TryParse"/> skips them using IHL, <see cref="Write"/> never
/// emits any (IHL = 5).
/// </summary>
public readonly struct IPv4Header
{
    /// <summary>Length of a header without options, in octets (20).</summary>
    public const int MinimumLength = 20;
    /// <summary>Largest Total Length, in octets (65535).</summary>
    public const int MaximumTotalLength = 65535;
    /// <summary>Flags bit 1, "Don't Fragment" (as it sits in <see cref="Flags"/>: 0b010).</summary>
    public const byte FlagDontFragment = 0b010;
    /// <summary>Flags bit 2, "More Fragments" (as it sits in <see cref="Flags"/>: 0b001).</summary>
    public const byte FlagMoreFragments = 0b001;
    /// <summary>Default Time to Live for datagrams this host originates (64, RFC 1700's recommendation).</summary>
    public const byte DefaultTimeToLive = 64;

    /// <summary>Version (4 bits); 4.</summary>
    public readonly byte Version;
    /// <summary>IHL, Internet Header Length, in 32-bit words (5..15).</summary>
    public readonly byte InternetHeaderLength;
    /// <summary>Type of Service octet (DSCP/ECN in later RFCs; carried, not interpreted).</summary>
    public readonly byte TypeOfService;
    /// <summary>Total Length of the datagram (header and data) in octets.</summary>
    public readonly ushort TotalLength;
    /// <summary>Identification, to aid reassembly of fragments.</summary>
    public readonly ushort Identification;
    /// <summary>Flags (3 bits): bit 0 reserved (must be zero), <see cref="FlagDontFragment"/>, <see cref="FlagMoreFragments"/>.</summary>
    public readonly byte Flags;
    /// <summary>Fragment Offset (13 bits), in units of 8 octets.</summary>
    public readonly ushort FragmentOffset;
    /// <summary>Time to Live (hops).</summary>
    public readonly byte TimeToLive;
    /// <summary>Protocol of the data (<see cref="IPProtocol"/>).</summary>
    public readonly byte Protocol;
    /// <summary>Header Checksum as found on the wire or written (host-order value of the field).</summary>
    public readonly ushort HeaderChecksum;
    /// <summary>Source Address.</summary>
    public readonly IPv4Address SourceAddress;
    /// <summary>Destination Address.</summary>
    public readonly IPv4Address DestinationAddress;

    /// <summary>Creates a header from its fields; <see cref="Version"/> is 4, <see cref="HeaderChecksum"/> is computed by <see cref="Write"/>.</summary>
    public IPv4Header(byte ihl, byte typeOfService, ushort totalLength, ushort identification, byte flags, ushort fragmentOffset,
        byte timeToLive, byte protocol, IPv4Address source, IPv4Address destination, ushort headerChecksum = 0)
    {
        Version = 4; InternetHeaderLength = ihl; TypeOfService = typeOfService; TotalLength = totalLength;
        Identification = identification; Flags = (byte)(flags & 7); FragmentOffset = (ushort)(fragmentOffset & 0x1FFF);
        TimeToLive = timeToLive; Protocol = protocol; HeaderChecksum = headerChecksum;
        SourceAddress = source; DestinationAddress = destination;
    }

    /// <summary>Creates an option-less (IHL 5) header with TTL <see cref="DefaultTimeToLive"/>, unfragmented.</summary>
    public static IPv4Header Create(IPv4Address source, IPv4Address destination, byte protocol, int payloadLength, ushort identification,
        byte timeToLive = DefaultTimeToLive, byte flags = 0)
    {
        if (payloadLength < 0 || payloadLength > MaximumTotalLength - MinimumLength) throw new ArgumentOutOfRangeException(nameof(payloadLength));
        return new IPv4Header(5, 0, (ushort)(MinimumLength + payloadLength), identification, flags, 0, timeToLive, protocol, source, destination);
    }

    /// <summary>Header length in octets (IHL × 4).</summary>
    public int HeaderLength => InternetHeaderLength * 4;
    /// <summary>Data length in octets (Total Length − header length).</summary>
    public int PayloadLength => TotalLength - HeaderLength;
    /// <summary>True when the More Fragments flag is set.</summary>
    public bool MoreFragments => (Flags & FlagMoreFragments) != 0;
    /// <summary>True when the Don't Fragment flag is set.</summary>
    public bool DontFragment => (Flags & FlagDontFragment) != 0;
    /// <summary>True when this datagram is a fragment (More Fragments set or a non-zero Fragment Offset).</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;
    /// <summary>Fragment Offset in octets (× 8).</summary>
    public int FragmentOffsetBytes => FragmentOffset * 8;

    /// <summary>
    /// Parses and verifies an IPv4 header. Checks, in order: 20 octets present (<see cref="ParseStatus.Truncated"/>),
    /// Version 4 (<see cref="ParseStatus.BadVersion"/>), 5 ≤ IHL and IHL × 4 ≤ data (<see cref="ParseStatus.BadHeaderLength"/>),
    /// header checksum (<see cref="ParseStatus.BadChecksum"/>), IHL × 4 ≤ Total Length ≤ data
    /// (<see cref="ParseStatus.BadLength"/>). <paramref name="payload"/> is the data trimmed to Total Length (Ethernet
    /// padding removed); options are skipped.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out IPv4Header header, out ReadOnlySpan<byte> payload)
    {
        header = default; payload = default;
        if (data.Length < MinimumLength) return ParseStatus.Truncated;
        byte version = (byte)(data[0] >> 4);
        byte ihl = (byte)(data[0] & 0xF);
        if (version != 4) return ParseStatus.BadVersion;
        if (ihl < 5 || ihl * 4 > data.Length) return ParseStatus.BadHeaderLength;
        int headerLength = ihl * 4;
        if (InternetChecksum.Compute(data.Slice(0, headerLength)) != 0) return ParseStatus.BadChecksum;
        ushort totalLength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2));
        if (totalLength < headerLength || totalLength > data.Length) return ParseStatus.BadLength;
        ushort flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(6));
        header = new IPv4Header(ihl, data[1], totalLength, BinaryPrimitives.ReadUInt16BigEndian(data.Slice(4)),
            (byte)(flagsAndOffset >> 13), (ushort)(flagsAndOffset & 0x1FFF), data[8], data[9],
            IPv4Address.Read(data.Slice(12)), IPv4Address.Read(data.Slice(16)), BinaryPrimitives.ReadUInt16BigEndian(data.Slice(10)));
        payload = data.Slice(headerLength, totalLength - headerLength);
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Writes a 20-octet header (IHL forced to 5: options are never written) with a freshly computed Header
    /// Checksum. Returns 20. Throws <see cref="ArgumentException"/> when <paramref name="destination"/> is shorter.
    /// </summary>
    public int Write(Span<byte> destination)
    {
        if (destination.Length < MinimumLength) throw new ArgumentException("Buffer shorter than an IPv4 header.", nameof(destination));
        destination[0] = 0x45;
        destination[1] = TypeOfService;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), Identification);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(6), (ushort)((Flags << 13) | (FragmentOffset & 0x1FFF)));
        destination[8] = TimeToLive;
        destination[9] = Protocol;
        destination[10] = 0; destination[11] = 0;
        SourceAddress.Write(destination.Slice(12));
        DestinationAddress.Write(destination.Slice(16));
        ushort checksum = InternetChecksum.Compute(destination.Slice(0, MinimumLength));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(10), checksum);
        return MinimumLength;
    }

    /// <summary>A copy with other Total Length, Flags and Fragment Offset (used by fragmentation and reassembly); IHL becomes 5.</summary>
    public IPv4Header WithFragment(ushort totalLength, byte flags, ushort fragmentOffset)
        => new IPv4Header(5, TypeOfService, totalLength, Identification, flags, fragmentOffset, TimeToLive, Protocol, SourceAddress, DestinationAddress);

    /// <summary>Builds a whole datagram: an option-less header (checksum computed) followed by <paramref name="payload"/>.</summary>
    public static byte[] BuildDatagram(IPv4Header header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaximumTotalLength - MinimumLength) throw new ArgumentException("Datagram longer than 65535 octets.", nameof(payload));
        IPv4Header h = header.WithFragment((ushort)(MinimumLength + payload.Length), header.Flags, header.FragmentOffset);
        byte[] d = new byte[MinimumLength + payload.Length];
        h.Write(d);
        payload.CopyTo(d.AsSpan(MinimumLength));
        return d;
    }
}
