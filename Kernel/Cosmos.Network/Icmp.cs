using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>
/// An ICMP echo or echo reply message (RFC 792, "Echo or Echo Reply Message"): Type (8 echo, 0 echo reply), Code
/// (0), Checksum (over the whole ICMP message), Identifier, Sequence Number (big-endian), then Data. Other ICMP
/// types are parsed only as far as Type/Code/Checksum (<see cref="IsEcho"/> is false).
/// </summary>
public readonly struct IcmpEchoHeader
{
    /// <summary>Length of the echo header in octets (8).</summary>
    public const int Length = 8;
    /// <summary>Type 0: Echo Reply.</summary>
    public const byte TypeEchoReply = 0;
    /// <summary>Type 3: Destination Unreachable.</summary>
    public const byte TypeDestinationUnreachable = 3;
    /// <summary>Code 3 of Destination Unreachable: port unreachable.</summary>
    public const byte CodePortUnreachable = 3;
    /// <summary>Type 8: Echo.</summary>
    public const byte TypeEcho = 8;

    /// <summary>Type.</summary>
    public readonly byte Type;
    /// <summary>Code.</summary>
    public readonly byte Code;
    /// <summary>Checksum as on the wire (host-order value of the field).</summary>
    public readonly ushort Checksum;
    /// <summary>Identifier (echo messages only).</summary>
    public readonly ushort Identifier;
    /// <summary>Sequence Number (echo messages only).</summary>
    public readonly ushort SequenceNumber;

    /// <summary>Creates a header from its fields.</summary>
    public IcmpEchoHeader(byte type, byte code, ushort identifier, ushort sequenceNumber, ushort checksum = 0)
    {
        Type = type; Code = code; Identifier = identifier; SequenceNumber = sequenceNumber; Checksum = checksum;
    }

    /// <summary>True for Echo (8) and Echo Reply (0).</summary>
    public bool IsEcho => Type == TypeEcho || Type == TypeEchoReply;

    /// <summary>
    /// Parses an ICMP message (the whole IPv4 payload): at least 8 octets (<see cref="ParseStatus.Truncated"/>),
    /// checksum over all of <paramref name="message"/> (<see cref="ParseStatus.BadChecksum"/>), Code 0 for echo
    /// types (<see cref="ParseStatus.BadField"/>). <paramref name="data"/> is what follows the 8-octet header.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> message, out IcmpEchoHeader header, out ReadOnlySpan<byte> data)
    {
        header = default; data = default;
        if (message.Length < Length) return ParseStatus.Truncated;
        if (InternetChecksum.Compute(message) != 0) return ParseStatus.BadChecksum;
        header = new IcmpEchoHeader(message[0], message[1], BinaryPrimitives.ReadUInt16BigEndian(message.Slice(4)),
            BinaryPrimitives.ReadUInt16BigEndian(message.Slice(6)), BinaryPrimitives.ReadUInt16BigEndian(message.Slice(2)));
        if (header.IsEcho && header.Code != 0) { header = default; return ParseStatus.BadField; }
        data = message.Slice(Length);
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Writes the header and <paramref name="data"/> into <paramref name="destination"/> with the checksum computed
    /// over both. Returns the message length (8 + data). Throws <see cref="ArgumentException"/> when it does not fit.
    /// </summary>
    public int Write(Span<byte> destination, ReadOnlySpan<byte> data)
    {
        int length = Length + data.Length;
        if (destination.Length < length) throw new ArgumentException("Buffer shorter than the ICMP message.", nameof(destination));
        destination[0] = Type;
        destination[1] = Code;
        destination[2] = 0; destination[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), Identifier);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(6), SequenceNumber);
        data.CopyTo(destination.Slice(Length));
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), InternetChecksum.Compute(destination.Slice(0, length)));
        return length;
    }

    /// <summary>Builds an echo (<see cref="TypeEcho"/>) or echo reply message as a new array.</summary>
    public static byte[] BuildEcho(byte type, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data)
    {
        byte[] m = new byte[Length + data.Length];
        new IcmpEchoHeader(type, 0, identifier, sequenceNumber).Write(m, data);
        return m;
    }
}
