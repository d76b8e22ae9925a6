using System;
using System.Buffers.Binary;

namespace Cosmos.Network;

/// <summary>TCP control bits (RFC 9293 section 3.1, RFC 3168 for ECE/CWR), as they sit in header octet 13.</summary>
[Flags]
public enum TcpFlags : byte
{
    /// <summary>No control bit.</summary>
    None = 0,
    /// <summary>FIN: no more data from the sender.</summary>
    Fin = 0x01,
    /// <summary>SYN: synchronise sequence numbers.</summary>
    Syn = 0x02,
    /// <summary>RST: reset the connection.</summary>
    Rst = 0x04,
    /// <summary>PSH: push function.</summary>
    Psh = 0x08,
    /// <summary>ACK: the Acknowledgment Number field is significant.</summary>
    Ack = 0x10,
    /// <summary>URG: the Urgent Pointer field is significant (carried, not interpreted).</summary>
    Urg = 0x20,
    /// <summary>ECE: ECN-Echo (RFC 3168; carried, not interpreted).</summary>
    Ece = 0x40,
    /// <summary>CWR: Congestion Window Reduced (RFC 3168; carried, not interpreted).</summary>
    Cwr = 0x80,
}

/// <summary>
/// A TCP header (RFC 9293 section 3.1) with the options this stack understands: Maximum Segment Size (kind 2,
/// section 3.7.1), Window Scale (kind 3, RFC 7323 section 2), SACK-Permitted (kind 4, RFC 2018; parsed, never acted
/// on), Timestamps (kind 8, RFC 7323 section 3). Other options are skipped by their length. Multi-octet fields are
/// big-endian on the wire and host-order here. The checksum covers the IPv4 pseudo header (RFC 9293 section 3.1
/// "Checksum"), the header with options and the data.
/// </summary>
public readonly struct TcpHeader
{
    /// <summary>Length of a header without options, in octets (20; Data Offset 5).</summary>
    public const int MinimumLength = 20;
    /// <summary>Length of the longest header, in octets (60; Data Offset 15).</summary>
    public const int MaximumLength = 60;
    /// <summary>Largest shift count of the Window Scale option (RFC 7323 section 2.3).</summary>
    public const int MaximumWindowScale = 14;

    /// <summary>Source Port.</summary>
    public readonly ushort SourcePort;
    /// <summary>Destination Port.</summary>
    public readonly ushort DestinationPort;
    /// <summary>Sequence Number: of the first data octet (or of the SYN).</summary>
    public readonly uint SequenceNumber;
    /// <summary>Acknowledgment Number: the next sequence number the sender expects (when <see cref="TcpFlags.Ack"/> is set).</summary>
    public readonly uint AcknowledgmentNumber;
    /// <summary>Data Offset: header length in 32-bit words (5..15).</summary>
    public readonly byte DataOffset;
    /// <summary>Control bits.</summary>
    public readonly TcpFlags Flags;
    /// <summary>Window field as on the wire (not scaled), in octets before scaling.</summary>
    public readonly ushort Window;
    /// <summary>Checksum as found on the wire or written (host-order value of the field).</summary>
    public readonly ushort Checksum;
    /// <summary>Urgent Pointer (carried, not interpreted).</summary>
    public readonly ushort UrgentPointer;
    /// <summary>Maximum Segment Size option in octets; 0 when absent.</summary>
    public readonly ushort MaximumSegmentSize;
    /// <summary>Window Scale option shift count (0..14, larger values are clamped to 14 as RFC 7323 section 2.3 says); −1 when absent.</summary>
    public readonly sbyte WindowScale;
    /// <summary>True when the SACK-Permitted option is present.</summary>
    public readonly bool SackPermitted;
    /// <summary>True when the Timestamps option is present.</summary>
    public readonly bool HasTimestamps;
    /// <summary>Timestamps option TSval.</summary>
    public readonly uint TimestampValue;
    /// <summary>Timestamps option TSecr.</summary>
    public readonly uint TimestampEchoReply;

    /// <summary>
    /// Creates a header from its fields and options. <see cref="DataOffset"/> is computed from the options that
    /// <see cref="Write"/> will emit (MSS when <paramref name="maximumSegmentSize"/> ≠ 0, Window Scale when
    /// <paramref name="windowScale"/> ≥ 0, SACK-Permitted, Timestamps), each padded with NOPs to 32-bit boundaries.
    /// </summary>
    public TcpHeader(ushort sourcePort, ushort destinationPort, uint sequenceNumber, uint acknowledgmentNumber, TcpFlags flags, ushort window,
        ushort maximumSegmentSize = 0, int windowScale = -1, bool sackPermitted = false, bool hasTimestamps = false,
        uint timestampValue = 0, uint timestampEchoReply = 0, ushort urgentPointer = 0, ushort checksum = 0)
        : this(sourcePort, destinationPort, sequenceNumber, acknowledgmentNumber, 0, flags, window, checksum, urgentPointer,
            maximumSegmentSize, windowScale, sackPermitted, hasTimestamps, timestampValue, timestampEchoReply)
    {
    }

    private TcpHeader(ushort sourcePort, ushort destinationPort, uint sequenceNumber, uint acknowledgmentNumber, byte dataOffset, TcpFlags flags,
        ushort window, ushort checksum, ushort urgentPointer, ushort mss, int windowScale, bool sackPermitted, bool hasTimestamps, uint tsVal, uint tsEcr)
    {
        SourcePort = sourcePort; DestinationPort = destinationPort; SequenceNumber = sequenceNumber; AcknowledgmentNumber = acknowledgmentNumber;
        Flags = flags; Window = window; Checksum = checksum; UrgentPointer = urgentPointer;
        MaximumSegmentSize = mss;
        WindowScale = (sbyte)(windowScale < 0 ? -1 : Math.Min(windowScale, MaximumWindowScale));
        SackPermitted = sackPermitted; HasTimestamps = hasTimestamps; TimestampValue = tsVal; TimestampEchoReply = tsEcr;
        DataOffset = dataOffset != 0 ? dataOffset : (byte)(5 + WrittenOptionsLength(mss, WindowScale, sackPermitted, hasTimestamps) / 4);
    }

    /// <summary>Header length in octets (Data Offset × 4).</summary>
    public int HeaderLength => DataOffset * 4;

    /// <summary>True when every bit of <paramref name="flags"/> is set.</summary>
    public bool Has(TcpFlags flags) => (Flags & flags) == flags;

    private static int WrittenOptionsLength(ushort mss, int windowScale, bool sackPermitted, bool timestamps)
        => (mss != 0 ? 4 : 0) + (windowScale >= 0 ? 4 : 0) + (sackPermitted ? 4 : 0) + (timestamps ? 12 : 0);

    /// <summary>
    /// Parses and verifies a TCP segment (the IPv4 payload) sent from <paramref name="source"/> to
    /// <paramref name="destination"/>. Checks, in order: 20 octets present (<see cref="ParseStatus.Truncated"/>),
    /// 5 ≤ Data Offset and Data Offset × 4 ≤ segment (<see cref="ParseStatus.BadHeaderLength"/>), the pseudo-header
    /// checksum (<see cref="ParseStatus.BadChecksum"/>), a possible flag combination: at least one control bit, and
    /// not SYN with FIN or RST (<see cref="ParseStatus.BadField"/>), and well-formed options: every option but EOL and
    /// NOP has a length ≥ 2 that stays inside the header, MSS has length 4, Window Scale 3, SACK-Permitted 2,
    /// Timestamps 10 (<see cref="ParseStatus.BadField"/>). <paramref name="data"/> is the segment text. Never throws.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> segment, IPv4Address source, IPv4Address destination, out TcpHeader header, out ReadOnlySpan<byte> data)
    {
        header = default; data = default;
        if (segment.Length < MinimumLength) return ParseStatus.Truncated;
        int dataOffset = segment[12] >> 4;
        if (dataOffset < 5 || dataOffset * 4 > segment.Length) return ParseStatus.BadHeaderLength;
        uint sum = InternetChecksum.PseudoHeaderSum(source, destination, IPProtocol.Tcp, segment.Length);
        if (InternetChecksum.Finish(InternetChecksum.Add(sum, segment)) != 0) return ParseStatus.BadChecksum;
        var flags = (TcpFlags)segment[13];
        const TcpFlags Control = TcpFlags.Fin | TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack;
        if ((flags & Control) == 0) return ParseStatus.BadField;
        if ((flags & TcpFlags.Syn) != 0 && (flags & (TcpFlags.Fin | TcpFlags.Rst)) != 0) return ParseStatus.BadField;

        ushort mss = 0; int ws = -1; bool sackOk = false, ts = false; uint tsVal = 0, tsEcr = 0;
        ReadOnlySpan<byte> options = segment.Slice(MinimumLength, dataOffset * 4 - MinimumLength);
        int i = 0;
        while (i < options.Length)
        {
            byte kind = options[i];
            if (kind == 0) break;
            if (kind == 1) { i++; continue; }
            if (i + 1 >= options.Length) return ParseStatus.BadField;
            int length = options[i + 1];
            if (length < 2 || i + length > options.Length) return ParseStatus.BadField;
            switch (kind)
            {
                case 2:
                    if (length != 4) return ParseStatus.BadField;
                    mss = BinaryPrimitives.ReadUInt16BigEndian(options.Slice(i + 2));
                    break;
                case 3:
                    if (length != 3) return ParseStatus.BadField;
                    ws = options[i + 2];
                    break;
                case 4:
                    if (length != 2) return ParseStatus.BadField;
                    sackOk = true;
                    break;
                case 8:
                    if (length != 10) return ParseStatus.BadField;
                    ts = true;
                    tsVal = BinaryPrimitives.ReadUInt32BigEndian(options.Slice(i + 2));
                    tsEcr = BinaryPrimitives.ReadUInt32BigEndian(options.Slice(i + 6));
                    break;
            }
            i += length;
        }

        header = new TcpHeader(BinaryPrimitives.ReadUInt16BigEndian(segment), BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(2)),
            BinaryPrimitives.ReadUInt32BigEndian(segment.Slice(4)), BinaryPrimitives.ReadUInt32BigEndian(segment.Slice(8)), (byte)dataOffset, flags,
            BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(14)), BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(16)),
            BinaryPrimitives.ReadUInt16BigEndian(segment.Slice(18)), mss, ws, sackOk, ts, tsVal, tsEcr);
        data = segment.Slice(dataOffset * 4);
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Writes the header (options in the order MSS, Window Scale, SACK-Permitted, Timestamps, NOP-padded) followed by
    /// <paramref name="data"/> into <paramref name="destination"/>, with the pseudo-header checksum computed for
    /// <paramref name="source"/> → <paramref name="destinationAddress"/>. Returns the segment length in octets. Throws
    /// <see cref="ArgumentException"/> when the buffer is too small or the segment would exceed 65515 octets.
    /// </summary>
    public int Write(Span<byte> destination, IPv4Address source, IPv4Address destinationAddress, ReadOnlySpan<byte> data)
    {
        int headerLength = MinimumLength + WrittenOptionsLength(MaximumSegmentSize, WindowScale, SackPermitted, HasTimestamps);
        int length = headerLength + data.Length;
        if (length > IPv4Header.MaximumTotalLength - IPv4Header.MinimumLength) throw new ArgumentException("TCP segment too long for IPv4.", nameof(data));
        if (destination.Length < length) throw new ArgumentException("Buffer shorter than the TCP segment.", nameof(destination));
        BinaryPrimitives.WriteUInt16BigEndian(destination, SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(2), DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(4), SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), AcknowledgmentNumber);
        destination[12] = (byte)(headerLength / 4 << 4);
        destination[13] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(14), Window);
        destination[16] = 0; destination[17] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(18), UrgentPointer);
        int o = MinimumLength;
        if (MaximumSegmentSize != 0)
        {
            destination[o] = 2; destination[o + 1] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(o + 2), MaximumSegmentSize);
            o += 4;
        }
        if (WindowScale >= 0)
        {
            destination[o] = 1; destination[o + 1] = 3; destination[o + 2] = 3; destination[o + 3] = (byte)WindowScale;
            o += 4;
        }
        if (SackPermitted)
        {
            destination[o] = 1; destination[o + 1] = 1; destination[o + 2] = 4; destination[o + 3] = 2;
            o += 4;
        }
        if (HasTimestamps)
        {
            destination[o] = 1; destination[o + 1] = 1; destination[o + 2] = 8; destination[o + 3] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(o + 4), TimestampValue);
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(o + 8), TimestampEchoReply);
            o += 12;
        }
        data.CopyTo(destination.Slice(headerLength));
        uint sum = InternetChecksum.PseudoHeaderSum(source, destinationAddress, IPProtocol.Tcp, length);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(16), InternetChecksum.Finish(InternetChecksum.Add(sum, destination.Slice(0, length))));
        return length;
    }

    /// <summary>Builds a segment (header, options and data) as a new array; see <see cref="Write"/>.</summary>
    public byte[] Build(IPv4Address source, IPv4Address destination, ReadOnlySpan<byte> data)
    {
        byte[] segment = new byte[MinimumLength + WrittenOptionsLength(MaximumSegmentSize, WindowScale, SackPermitted, HasTimestamps) + data.Length];
        Write(segment, source, destination, data);
        return segment;
    }
}
