using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>
/// A UDP header (RFC 768): Source Port, Destination Port, Length (header + data, octets), Checksum, all big-endian.
/// The checksum covers the IPv4 pseudo header, the UDP header and the data; a transmitted checksum of zero means
/// "none", and a computed zero is sent as 0xFFFF.
/// </summary>
public readonly struct UdpHeader
{
    /// <summary>Header length in octets (8).</summary>
    public const int Length = 8;

    /// <summary>Source Port (0 = none).</summary>
    public readonly ushort SourcePort;
    /// <summary>Destination Port.</summary>
    public readonly ushort DestinationPort;
    /// <summary>Length field: header plus data, in octets.</summary>
    public readonly ushort TotalLength;
    /// <summary>Checksum as on the wire (host-order value of the field; 0 = not computed by the sender).</summary>
    public readonly ushort Checksum;

    /// <summary>Creates a header from its fields.</summary>
    public UdpHeader(ushort sourcePort, ushort destinationPort, ushort totalLength, ushort checksum = 0)
    {
        SourcePort = sourcePort; DestinationPort = destinationPort; TotalLength = totalLength; Checksum = checksum;
    }

    /// <summary>
    /// Parses a UDP datagram (the IPv4 payload) sent from <paramref name="source"/> to <paramref name="destination"/>:
    /// 8 octets present (<see cref="ParseStatus.Truncated"/>), 8 ≤ Length ≤ data (<see cref="ParseStatus.BadLength"/>),
    /// checksum when non-zero (<see cref="ParseStatus.BadChecksum"/>). <paramref name="data"/> is trimmed to Length.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> datagram, IPv4Address source, IPv4Address destination,
        out UdpHeader header, out ReadOnlySpan<byte> data)
    {
        header = default; data = default;
        if (datagram.Length < Length) return ParseStatus.Truncated;
        ushort length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(4));
        if (length < Length || length > datagram.Length) return ParseStatus.BadLength;
        ushort checksum = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(6));
        if (checksum != 0)
        {
            uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IPProtocol.Udp, length);
            if (InternetChecksum.Finish(InternetChecksum.Add(sum, datagram.Slice(0, length))) != 0) return ParseStatus.BadChecksum;
        }
        header = new UdpHeader(BinaryPrimitives.ReadUInt16BigEndian(datagram), BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2)), length, checksum);
        data = datagram.Slice(Length, length - Length);
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Writes header and <paramref name="data"/> into <paramref name="destination"/> with Length and the
    /// pseudo-header checksum computed. Returns 8 + data length. Throws <see cref="ArgumentException"/> when it does
    /// not fit or the datagram would exceed 65535 octets.
    /// </summary>
    public static int Write(Span<byte> destination, IPv4Address source, IPv4Address destinationAddress, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> data)
    {
        int length = Length + data.Length;
        if (length > 65535) throw new ArgumentException("UDP datagram longer than 65535 octets.", nameof(data));
        if (destination.Length < length) throw new ArgumentException("Buffer shorter than the UDP datagram.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), (ushort)length);
        destination[6] = 0; destination[7] = 0;
        data.CopyTo(destination.Slice(Length));
        uint sum = InternetChecksum.PseudoHeaderSum(source, destinationAddress, IPProtocol.Udp, length);
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, destination.Slice(0, length)));
        if (checksum == 0) checksum = 0xFFFF;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(6), checksum);
        return length;
    }

    /// <summary>Builds a UDP datagram (header + data) as a new array; see <see cref="Write"/>.</summary>
    public static byte[] Build(IPv4Address source, IPv4Address destination, ushort sourcePort, ushort destinationPort, ReadOnlySpan<byte> data)
    {
        byte[] d = new byte[Length + data.Length];
        Write(d, source, destination, sourcePort, destinationPort, data);
        return d;
    }
}
