using System;
using System.Linq;
using Xunit;

namespace Cosmos.Network.Tests;

public class DnsTests
{
    // RFC 1035 section 4.1 laid out by hand: ID 1234, RD, QDCOUNT 1, "example.com" A IN.
    const string Query = "12 34 01 00 00 01 00 00 00 00 00 00  07 65 78 61 6d 70 6c 65 03 63 6f 6d 00  00 01 00 01";

    [Fact]
    public void Query_Golden()
    {
        Assert.Equal(Hex.Bytes(Query), DnsMessage.CreateQuery(0x1234, "example.com").ToArray());
        Assert.Equal(Hex.Bytes(Query), DnsMessage.CreateQuery(0x1234, "example.com.").ToArray());
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(Hex.Bytes(Query), out var m));
        Assert.False(m.IsResponse);
        Assert.True(m.RecursionDesired);
        Assert.Equal("example.com", Assert.Single(m.Questions).Name);
    }

    [Fact]
    public void Response_With_Compression_And_Cname()
    {
        // Question "www.example.com" at offset 12; answer 1: www.example.com (ptr c0 0c) CNAME example.com (ptr c0 10
        // -> offset 16 "example.com"); answer 2: example.com (ptr c0 10) A 93.184.216.34, TTL 3600.
        byte[] r = Hex.Bytes(
            "12 34 81 80 00 01 00 02 00 00 00 00" +
            " 03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01" +
            " c0 0c 00 05 00 01 00 00 00 3c 00 02 c0 10" +
            " c0 10 00 01 00 01 00 00 0e 10 00 04 5d b8 d8 22");
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(r, out var m));
        Assert.True(m.IsResponse);
        Assert.True(m.RecursionAvailable);
        Assert.Equal(DnsMessage.RcodeNoError, m.ResponseCode);
        Assert.Equal(2, m.Answers.Count);
        Assert.Equal("www.example.com", m.Answers[0].Name);
        Assert.Equal("example.com", m.Answers[0].DomainName);
        Assert.Equal("example.com", m.Answers[1].Name);
        Assert.Equal(3600u, m.Answers[1].TimeToLive);
        Assert.Equal(IPv4Address.Parse("93.184.216.34"), m.Answers[1].Address);
        Assert.Equal(new[] { IPv4Address.Parse("93.184.216.34") }, m.GetAddresses("WWW.Example.COM."));
        // Round trip (uncompressed) keeps the meaning.
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(m.ToArray(), out var again));
        Assert.Equal(m.GetAddresses("www.example.com"), again.GetAddresses("www.example.com"));
        Assert.Equal("example.com", again.Answers[0].DomainName);
    }

    [Fact]
    public void Cname_Loop_Ends()
    {
        var m = new DnsMessage { IsResponse = true };
        m.Answers.Add(new DnsResourceRecord { Name = "a.test", Type = DnsRecordType.CNAME, DomainName = "b.test" });
        m.Answers.Add(new DnsResourceRecord { Name = "b.test", Type = DnsRecordType.CNAME, DomainName = "a.test" });
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(m.ToArray(), out var p));
        Assert.Empty(p.GetAddresses("a.test"));
    }

    static byte[] WithQuestionName(string nameHex) => Hex.Bytes("00 01 00 00 00 01 00 00 00 00 00 00 " + nameHex + " 00 01 00 01");

    [Fact]
    public void Compression_Loops_And_Bad_Names_Are_Refused()
    {
        // A pointer to itself.
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName("c0 0c"), out _));
        // A forward pointer (the classic two-pointer loop starts with one).
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName("c0 0e c0 0c"), out _));
        // A label then a pointer back to that label: a loop through a backward pointer.
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName("01 61 c0 0c"), out _));
        // Reserved label types 0x40 and 0x80.
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName("41 61 00"), out _));
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName("81 61 00"), out _));
        // A name of 256 octets (4 labels of 63 + 4 length octets + root = 257 > 255).
        string label = "3f " + string.Concat(Enumerable.Repeat("61 ", 63));
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(WithQuestionName(string.Concat(Enumerable.Repeat(label, 4)) + "00"), out _));
        // Exactly 255 octets is fine: 3 × 64 + 62 + root = 255.
        string l61 = "3d " + string.Concat(Enumerable.Repeat("62 ", 61));
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(WithQuestionName(string.Concat(Enumerable.Repeat(label, 3)) + l61 + "00"), out var ok));
        Assert.Equal(253, ok.Questions[0].Name.Length);
        // Truncations.
        Assert.Equal(ParseStatus.Truncated, DnsMessage.TryParse(Hex.Bytes(Query).AsSpan(0, 11), out _));
        Assert.Equal(ParseStatus.Truncated, DnsMessage.TryParse(Hex.Bytes(Query).AsSpan(0, 20), out _));
        Assert.Equal(ParseStatus.Truncated, DnsMessage.TryParse(Hex.Bytes(Query).AsSpan(0, 28), out _));
        Assert.Equal(ParseStatus.Truncated, DnsMessage.TryParse(WithQuestionName("c0").AsSpan(0, 13), out _));
    }

    [Fact]
    public void Bad_Records_Are_Refused()
    {
        // A record with RDLENGTH 5.
        byte[] r = Hex.Bytes(Query.Replace("00 01 00 00 00 00 00 00", "00 01 00 01 00 00 00 00", StringComparison.Ordinal) + " c0 0c 00 01 00 01 00 00 00 3c 00 05 01 02 03 04 05");
        r[2] = 0x81;
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(r, out _));
        // RDLENGTH past the end.
        byte[] t = Hex.Bytes(Query.Replace("00 01 00 00 00 00 00 00", "00 01 00 01 00 00 00 00", StringComparison.Ordinal) + " c0 0c 00 01 00 01 00 00 00 3c 00 04 01 02");
        Assert.Equal(ParseStatus.Truncated, DnsMessage.TryParse(t, out _));
        // A CNAME whose name runs out of its RDATA.
        byte[] c = Hex.Bytes(Query.Replace("00 01 00 00 00 00 00 00", "00 01 00 01 00 00 00 00", StringComparison.Ordinal) + " c0 0c 00 05 00 01 00 00 00 3c 00 01 c0 0c");
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(c, out _));
    }

    [Fact]
    public void Invalid_Names_Throw_On_Build()
    {
        Assert.Throws<ArgumentException>(() => DnsMessage.CreateQuery(1, "a..b").ToArray());
        Assert.Throws<ArgumentException>(() => DnsMessage.CreateQuery(1, new string('x', 64) + ".com").ToArray());
        Assert.Throws<ArgumentException>(() => DnsMessage.CreateQuery(1, "bücher.de").ToArray());
        Assert.Throws<ArgumentException>(() => DnsMessage.CreateQuery(1, string.Join(".", Enumerable.Repeat(new string('x', 63), 4))).ToArray());
        Assert.Equal(Hex.Bytes("00 01 01 00 00 01 00 00 00 00 00 00 00 00 02 00 01"), DnsMessage.CreateQuery(1, "", DnsRecordType.NS).ToArray());
    }

    [Fact]
    public void Fuzz_Dns()
    {
        byte[] seed = Hex.Bytes(
            "12 34 81 80 00 01 00 02 00 00 00 00" +
            " 03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01" +
            " c0 0c 00 05 00 01 00 00 00 3c 00 02 c0 10" +
            " c0 10 00 01 00 01 00 00 0e 10 00 04 5d b8 d8 22");
        int ok = 0;
        Mutator.Run(seed, 6000, 9, m =>
        {
            if (DnsMessage.TryParse(m, out var msg) != ParseStatus.Ok) return;
            ok++;
            msg.GetAddresses("www.example.com");
        });
        Assert.True(ok > 0);
    }
}

public class DnsPointerLimitTests
{
    [Fact]
    public void Long_Pointer_Chains_Are_Refused()
    {
        Assert.Equal(ParseStatus.Ok, DnsMessage.TryParse(ChainMessage(DnsMessage.MaxPointers), out var ok));
        Assert.Equal("a", ok.Additionals[1].Name);
        Assert.Equal(ParseStatus.BadField, DnsMessage.TryParse(ChainMessage(DnsMessage.MaxPointers + 1), out _));
    }

    // QDCOUNT 1, ARCOUNT 2. The question is "a" at offset 12. Additional record 1 (root name, TYPE 99) carries in its
    // opaque RDATA a chain of n - 1 pointers, each pointing at the one before, the first at "a". Additional record 2's
    // NAME points at the last of them, so reading it follows n pointers in all.
    static byte[] ChainMessage(int n)
    {
        var b = new System.Collections.Generic.List<byte> { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2 };
        b.AddRange(new byte[] { 1, (byte)'a', 0, 0, 1, 0, 1 });
        int chain = n - 1;
        int rdataStart = b.Count + 1 + 10;
        b.AddRange(new byte[] { 0, 0, 99, 0, 1, 0, 0, 0, 0, (byte)((2 * chain) >> 8), (byte)(2 * chain) });
        for (int k = 0; k < chain; k++) { int target = k == 0 ? 12 : rdataStart + 2 * (k - 1); b.Add((byte)(0xC0 | (target >> 8))); b.Add((byte)target); }
        int last = chain == 0 ? 12 : rdataStart + 2 * (chain - 1);
        b.AddRange(new byte[] { (byte)(0xC0 | (last >> 8)), (byte)last, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4 });
        return b.ToArray();
    }
}
