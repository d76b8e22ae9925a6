using System;
using Xunit;

namespace Cosmos.Network.Tests;

public class TcpHeaderTests
{
    static readonly IPv4Address Client = IPv4Address.Parse("10.0.2.15");
    static readonly IPv4Address Server = IPv4Address.Parse("93.184.216.34");

    // RFC 9293 section 3.1 layout: ports, sequence, acknowledgment, data offset (7 words) | flags (SYN), window,
    // checksum, urgent pointer, then MSS (kind 2, len 4, 1460) and NOP + Window Scale (kind 3, len 3, shift 7).
    // The checksum 0x7dd8 was computed independently over the pseudo header 10.0.2.15 → 93.184.216.34, proto 6, len 28.
    const string SynGolden = "c0 00 00 50 01 02 03 04 00 00 00 00 70 02 ff ff 7d d8 00 00 02 04 05 b4 01 03 03 07";
    // ACK|PSH from the server with "hello", data offset 5, window 256; checksum over 93.184.216.34 → 10.0.2.15, len 25.
    const string DataGolden = "00 50 c0 00 a0 b0 c0 d0 01 02 03 05 50 18 01 00 03 33 00 00 68 65 6c 6c 6f";

    [Fact]
    public void Syn_With_Options_Matches_Golden_Bytes_And_Round_Trips()
    {
        var h = new TcpHeader(49152, 80, 0x01020304, 0, TcpFlags.Syn, 0xFFFF, maximumSegmentSize: 1460, windowScale: 7);
        Assert.Equal(7, h.DataOffset);
        byte[] built = h.Build(Client, Server, default);
        Assert.Equal(SynGolden, Hex.String(built));

        Assert.Equal(ParseStatus.Ok, TcpHeader.TryParse(Hex.Bytes(SynGolden), Client, Server, out TcpHeader p, out ReadOnlySpan<byte> data));
        Assert.Equal(0, data.Length);
        Assert.Equal(49152, p.SourcePort);
        Assert.Equal(80, p.DestinationPort);
        Assert.Equal(0x01020304u, p.SequenceNumber);
        Assert.Equal(TcpFlags.Syn, p.Flags);
        Assert.Equal(0xFFFF, p.Window);
        Assert.Equal(0x7dd8, p.Checksum);
        Assert.Equal(1460, p.MaximumSegmentSize);
        Assert.Equal(7, p.WindowScale);
        Assert.False(p.SackPermitted);
        Assert.False(p.HasTimestamps);
        Assert.Equal(28, p.HeaderLength);
    }

    [Fact]
    public void Data_Segment_Matches_Golden_Bytes_And_Round_Trips()
    {
        byte[] hello = System.Text.Encoding.ASCII.GetBytes("hello");
        var h = new TcpHeader(80, 49152, 0xa0b0c0d0, 0x01020305, TcpFlags.Ack | TcpFlags.Psh, 256);
        Assert.Equal(DataGolden, Hex.String(h.Build(Server, Client, hello)));
        Assert.Equal(ParseStatus.Ok, TcpHeader.TryParse(Hex.Bytes(DataGolden), Server, Client, out TcpHeader p, out ReadOnlySpan<byte> data));
        Assert.Equal(hello, data.ToArray());
        Assert.Equal(0x01020305u, p.AcknowledgmentNumber);
        Assert.True(p.Has(TcpFlags.Ack | TcpFlags.Psh));
        Assert.Equal(-1, p.WindowScale);
        Assert.Equal(0, p.MaximumSegmentSize);
    }

    [Fact]
    public void Sack_Permitted_And_Timestamps_Are_Parsed_Unknown_Options_Skipped()
    {
        var h = new TcpHeader(1, 2, 3, 4, TcpFlags.Syn | TcpFlags.Ack, 1000, maximumSegmentSize: 536, windowScale: 20, sackPermitted: true,
            hasTimestamps: true, timestampValue: 0x11223344, timestampEchoReply: 0x55667788);
        Assert.Equal(TcpHeader.MaximumWindowScale, h.WindowScale);   // RFC 7323 section 2.3: clamped to 14
        byte[] seg = h.Build(Client, Server, new byte[] { 9 });
        Assert.Equal(5 + (4 + 4 + 4 + 12) / 4, seg[12] >> 4);
        Assert.Equal(ParseStatus.Ok, TcpHeader.TryParse(seg, Client, Server, out TcpHeader p, out ReadOnlySpan<byte> data));
        Assert.True(p.SackPermitted);
        Assert.True(p.HasTimestamps);
        Assert.Equal(0x11223344u, p.TimestampValue);
        Assert.Equal(0x55667788u, p.TimestampEchoReply);
        Assert.Equal(536, p.MaximumSegmentSize);
        Assert.Equal(new byte[] { 9 }, data.ToArray());

        // An unknown option (kind 30, length 4) between NOPs, then EOL: skipped.
        byte[] raw = Hex.Bytes("00 01 00 02 00 00 00 05 00 00 00 00 80 10 01 00 00 00 00 00 01 1e 04 aa bb 02 04 02 18 00 00 00 00 00 00 00");
        FixChecksum(raw, Client, Server);
        Assert.Equal(ParseStatus.Ok, TcpHeader.TryParse(raw, Client, Server, out p, out _));
        Assert.Equal(0x218, p.MaximumSegmentSize);
    }

    internal static void FixChecksum(byte[] seg, IPv4Address src, IPv4Address dst)
    {
        seg[16] = 0; seg[17] = 0;
        ushort c = InternetChecksum.Finish(InternetChecksum.Add(InternetChecksum.PseudoHeaderSum(src, dst, IPProtocol.Tcp, seg.Length), seg));
        seg[16] = (byte)(c >> 8); seg[17] = (byte)c;
    }

    static byte[] Segment(TcpFlags flags, int dataOffsetWords = 5, int length = 20)
    {
        byte[] seg = new byte[length];
        seg[0] = 0x30; seg[1] = 0x39; seg[2] = 0; seg[3] = 80;
        seg[12] = (byte)(dataOffsetWords << 4);
        seg[13] = (byte)flags;
        seg[15] = 0xFF;
        FixChecksum(seg, Client, Server);
        return seg;
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("offset4")]
    [InlineData("offsetBeyond")]
    [InlineData("checksum")]
    [InlineData("synfin")]
    [InlineData("synrst")]
    [InlineData("noflags")]
    [InlineData("optionLengthZero")]
    [InlineData("optionPastHeader")]
    [InlineData("mssLength")]
    public void Malformed_Segments_Are_Refused(string which)
    {
        byte[] seg; ParseStatus expected;
        switch (which)
        {
            case "truncated": seg = Segment(TcpFlags.Ack).AsSpan(0, 19).ToArray(); expected = ParseStatus.Truncated; break;
            case "offset4": seg = Segment(TcpFlags.Ack, 4); expected = ParseStatus.BadHeaderLength; break;
            case "offsetBeyond": seg = Segment(TcpFlags.Ack, 6, 20); expected = ParseStatus.BadHeaderLength; break;
            case "checksum": seg = Segment(TcpFlags.Ack); seg[4] ^= 1; expected = ParseStatus.BadChecksum; break;
            case "synfin": seg = Segment(TcpFlags.Syn | TcpFlags.Fin); expected = ParseStatus.BadField; break;
            case "synrst": seg = Segment(TcpFlags.Syn | TcpFlags.Rst); expected = ParseStatus.BadField; break;
            case "noflags": seg = Segment(TcpFlags.Psh); expected = ParseStatus.BadField; break;
            case "optionLengthZero": seg = Segment(TcpFlags.Ack, 6, 24); seg[20] = 2; seg[21] = 0; FixChecksum(seg, Client, Server); expected = ParseStatus.BadField; break;
            case "optionPastHeader": seg = Segment(TcpFlags.Ack, 6, 24); seg[20] = 1; seg[21] = 30; seg[22] = 6; FixChecksum(seg, Client, Server); expected = ParseStatus.BadField; break;
            default: seg = Segment(TcpFlags.Syn, 6, 24); seg[20] = 2; seg[21] = 3; FixChecksum(seg, Client, Server); expected = ParseStatus.BadField; break;
        }
        Assert.Equal(expected, TcpHeader.TryParse(seg, Client, Server, out _, out _));
    }

    [Fact]
    public void Fuzzed_Segments_Never_Throw()
    {
        byte[] seed = new TcpHeader(1234, 80, 77, 88, TcpFlags.Syn | TcpFlags.Ack, 500, maximumSegmentSize: 1460, windowScale: 3, sackPermitted: true,
            hasTimestamps: true).Build(Client, Server, new byte[40]);
        int ok = 0;
        Mutator.Run(seed, 20_000, 1, m => { if (TcpHeader.TryParse(m, Client, Server, out _, out _) == ParseStatus.Ok) ok++; });
        Assert.True(ok < 20_000);
    }

    [Fact]
    public void SipHash_2_4_Matches_Reference_Vectors()
    {
        // The reference implementation's vectors: key 00..0f, message 00..(n-1).
        ulong k0 = 0x0706050403020100UL, k1 = 0x0F0E0D0C0B0A0908UL;
        Assert.Equal(0x726fdb47dd0e0e31UL, SipHash.Compute(k0, k1, ReadOnlySpan<byte>.Empty));
        byte[] m = new byte[15];
        for (int i = 0; i < m.Length; i++) m[i] = (byte)i;
        Assert.Equal(0xa129ca6149be45e5UL, SipHash.Compute(k0, k1, m));
        Assert.Equal(0x93f5f5799a932462UL, SipHash.Compute(k0, k1, m.AsSpan(0, 8)));
    }
}
