using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

public class ReassemblyTests
{
    static readonly IPv4Address Src = IPv4Address.Parse("10.0.2.2");
    static readonly IPv4Address Dst = IPv4Address.Parse("10.0.2.15");

    static IPv4Header Frag(ushort id, int offsetBytes, int length, bool more, byte protocol = IPProtocol.Udp)
    {
        Assert.Equal(0, offsetBytes % 8);
        return new IPv4Header(5, 0, (ushort)(20 + length), id, (byte)(more ? IPv4Header.FlagMoreFragments : 0), (ushort)(offsetBytes / 8), 64, protocol, Src, Dst);
    }

    static byte[] Data(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void Unfragmented_Datagram_Passes_Through()
    {
        var r = new IPv4Reassembler();
        var h = IPv4Header.Create(Src, Dst, IPProtocol.Udp, 4, 1);
        Assert.Equal(ReassemblyStatus.Complete, r.Add(h, new byte[] { 1, 2, 3, 4 }, 0, out var dh, out var p));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, p);
        Assert.Equal(24, dh.TotalLength);
        Assert.Equal(0, r.Count);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2 })]
    [InlineData(new[] { 2, 1, 0 })]
    [InlineData(new[] { 1, 2, 0 })]
    [InlineData(new[] { 2, 0, 1 })]
    public void Three_Fragments_In_Any_Order(int[] order)
    {
        byte[] data = Data(3000, 1);
        var frags = new (IPv4Header, int, int)[] { (Frag(7, 0, 1480, true), 0, 1480), (Frag(7, 1480, 1480, true), 1480, 1480), (Frag(7, 2960, 40, false), 2960, 40) };
        var r = new IPv4Reassembler();
        for (int i = 0; i < order.Length; i++)
        {
            var (h, off, len) = frags[order[i]];
            var status = r.Add(h, data.AsSpan(off, len), 100 + i, out var dh, out var p);
            if (i < order.Length - 1) { Assert.Equal(ReassemblyStatus.Incomplete, status); continue; }
            Assert.Equal(ReassemblyStatus.Complete, status);
            Assert.Equal(data, p);
            Assert.Equal(3020, dh.TotalLength);
            Assert.Equal(0, dh.FragmentOffset);
            Assert.False(dh.MoreFragments);
            Assert.Equal(7, dh.Identification);
            Assert.Equal(IPProtocol.Udp, dh.Protocol);
            Assert.Equal(Src, dh.SourceAddress);
        }
        Assert.Equal(0, r.Count);
        Assert.Equal(0, r.BufferedBytes);
    }

    [Fact]
    public void Overlaps_First_Arrival_Wins()
    {
        byte[] a = new byte[16]; Array.Fill(a, (byte)'A');
        byte[] b = new byte[16]; Array.Fill(b, (byte)'B');
        var r = new IPv4Reassembler();
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(1, 0, 16, true), a, 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(1, 8, 16, false), b, 0, out _, out var p));
        Assert.Equal("AAAAAAAAAAAAAAAABBBBBBBB", System.Text.Encoding.ASCII.GetString(p));
        // Reverse arrival: B's octets 8..15 stay.
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(2, 8, 16, false), b, 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(2, 0, 16, true), a, 0, out _, out p));
        Assert.Equal("AAAAAAAABBBBBBBBBBBBBBBB", System.Text.Encoding.ASCII.GetString(p));
        // A fragment inside a bigger one, and a duplicate, change nothing.
        byte[] c = new byte[8]; Array.Fill(c, (byte)'C');
        byte[] big = new byte[32]; Array.Fill(big, (byte)'D');
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(3, 8, 8, true), c, 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(3, 8, 8, true), c, 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(3, 0, 32, true), big, 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(3, 32, 2, false), new byte[] { (byte)'E', (byte)'E' }, 0, out _, out p));
        Assert.Equal("DDDDDDDDCCCCCCCCDDDDDDDDDDDDDDDDEE", System.Text.Encoding.ASCII.GetString(p));
    }

    [Fact]
    public void Fragments_Of_Different_Datagrams_Do_Not_Mix()
    {
        var r = new IPv4Reassembler();
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(1, 0, 8, true), new byte[8], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(1, 8, 8, false, IPProtocol.Icmp), new byte[8], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(2, 8, 8, false), new byte[8], 0, out _, out _));
        Assert.Equal(3, r.Count);
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(1, 8, 8, false), new byte[8], 0, out _, out var p));
        Assert.Equal(16, p.Length);
    }

    [Fact]
    public void Too_Large_Is_Refused_And_Discards()
    {
        var r = new IPv4Reassembler();
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(9, 0, 1480, true), new byte[1480], 0, out _, out _));
        // Offset 65512 + 8 octets = 65520 > 65515: the "ping of death".
        Assert.Equal(ReassemblyStatus.TooLarge, r.Add(Frag(9, 65512, 8, false), new byte[8], 0, out _, out _));
        Assert.Equal(0, r.Count);
        // Exactly 65515 fits.
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(10, 0, 65512, true), new byte[65512], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(10, 65512, 3, false), new byte[3], 0, out var h, out var p));
        Assert.Equal(65515, p.Length);
        Assert.Equal(65535, h.TotalLength);
        var small = new IPv4Reassembler(maxDatagramBytes: 4000);
        Assert.Equal(ReassemblyStatus.TooLarge, small.Add(Frag(1, 3000, 1008, true), new byte[1008], 0, out _, out _));
    }

    [Fact]
    public void Inconsistent_Ends_Discard_The_Datagram()
    {
        var r = new IPv4Reassembler();
        r.Add(Frag(1, 16, 8, false), new byte[8], 0, out _, out _);
        Assert.Equal(ReassemblyStatus.Inconsistent, r.Add(Frag(1, 24, 8, false), new byte[8], 0, out _, out _));
        Assert.Equal(0, r.Count);
        r.Add(Frag(2, 16, 8, false), new byte[8], 0, out _, out _);
        Assert.Equal(ReassemblyStatus.Inconsistent, r.Add(Frag(2, 16, 16, true), new byte[16], 0, out _, out _));
        r.Add(Frag(3, 32, 8, true), new byte[8], 0, out _, out _);
        Assert.Equal(ReassemblyStatus.Inconsistent, r.Add(Frag(3, 8, 8, false), new byte[8], 0, out _, out _));
        Assert.Equal(0, r.Count);
    }

    [Fact]
    public void Bad_Fragments_Change_Nothing()
    {
        var r = new IPv4Reassembler();
        Assert.Equal(ReassemblyStatus.BadFragment, r.Add(Frag(1, 0, 12, true), new byte[12], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.BadFragment, r.Add(Frag(1, 8, 0, false), default, 0, out _, out _));
        Assert.Equal(0, r.Count);
    }

    [Fact]
    public void Timeout_Discards_After_30_Seconds()
    {
        var r = new IPv4Reassembler();
        Assert.Equal(IPv4Reassembler.DefaultTimeoutMs, r.TimeoutMs);
        r.Add(Frag(1, 0, 8, true), new byte[8], 1000, out _, out _);
        Assert.Equal(0, r.Expire(30_999));
        Assert.Equal(1, r.Count);
        // The last fragment arrives too late: the first one is gone, so this starts a new, incomplete datagram.
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(1, 8, 8, false), new byte[8], 31_000, out _, out _));
        Assert.Equal(1, r.TimedOut);
        Assert.Equal(1, r.Count);
        Assert.Equal(1, r.Expire(61_000));
        Assert.Equal(0, r.Count);
        Assert.Equal(0, r.BufferedBytes);
    }

    [Fact]
    public void Datagram_Count_And_Memory_Are_Bounded()
    {
        var r = new IPv4Reassembler(maxDatagrams: 4, maxTotalBytes: 8192);
        for (ushort id = 0; id < 10; id++)
        {
            r.Add(Frag(id, 0, 8, true), new byte[8], id, out _, out _);
            Assert.True(r.Count <= 4);
        }
        Assert.Equal(6, r.Evicted);
        // The newest four survive: completing id 9 works, id 0 starts over.
        Assert.Equal(ReassemblyStatus.Complete, r.Add(Frag(9, 8, 8, false), new byte[8], 20, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(0, 8, 8, false), new byte[8], 20, out _, out _));
        // Memory: a datagram that alone needs more than the total is refused.
        int before = r.Count;
        Assert.Equal(ReassemblyStatus.NoMemory, r.Add(Frag(50, 8000, 800, true), new byte[800], 21, out _, out _));
        Assert.True(r.BufferedBytes <= 8192);
        Assert.Equal(before, r.Count); // nobody was evicted for a datagram that cannot fit anyway
        var r2 = new IPv4Reassembler(maxTotalBytes: 8192);
        Assert.Equal(ReassemblyStatus.Incomplete, r2.Add(Frag(1, 5000, 8, true), new byte[8], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.Incomplete, r2.Add(Frag(2, 5000, 8, true), new byte[8], 0, out _, out _));
        Assert.True(r2.BufferedBytes <= 8192);
        Assert.Equal(1, r2.Evicted);
    }

    [Fact]
    public void Fragment_Count_Is_Bounded()
    {
        var r = new IPv4Reassembler(maxFragmentsPerDatagram: 4);
        for (int i = 0; i < 4; i++) Assert.Equal(ReassemblyStatus.Incomplete, r.Add(Frag(1, i * 16, 8, true), new byte[8], 0, out _, out _));
        Assert.Equal(ReassemblyStatus.TooManyFragments, r.Add(Frag(1, 200, 8, true), new byte[8], 0, out _, out _));
        Assert.Equal(0, r.Count);
    }

    [Fact]
    public void Random_Fragmentations_Reassemble_Exactly()
    {
        var rng = new Random(42);
        var r = new IPv4Reassembler();
        for (int round = 0; round < 500; round++)
        {
            int n = 1 + rng.Next(9000);
            byte[] data = Data(n, round);
            // Cut into pieces at multiples of 8, then add overlapping duplicates, shuffle.
            var pieces = new List<(int Off, int Len)>();
            for (int off = 0; off < n;)
            {
                int len = Math.Min(n - off, 8 * (1 + rng.Next(200)));
                pieces.Add((off, len));
                off += len;
            }
            int extra = rng.Next(4);
            for (int e = 0; e < extra; e++)
            {
                int off = 8 * rng.Next((n - 1) / 8 + 1);
                int len = Math.Min(n - off, 8 * (1 + rng.Next(100)));
                if (off + len < n && len % 8 != 0) continue;
                pieces.Add((off, len));
            }
            for (int i = pieces.Count - 1; i > 0; i--) { int j = rng.Next(i + 1); (pieces[i], pieces[j]) = (pieces[j], pieces[i]); }
            if (pieces.Count == 1 && pieces[0].Off == 0) continue; // not a fragment
            ushort id = (ushort)round;
            byte[] result = null;
            for (int i = 0; i < pieces.Count; i++)
            {
                var (off, len) = pieces[i];
                var status = r.Add(Frag(id, off, len, off + len < n), data.AsSpan(off, len), round, out _, out var p);
                Assert.True(status == ReassemblyStatus.Incomplete || status == ReassemblyStatus.Complete, status.ToString());
                if (status == ReassemblyStatus.Complete) { result = p; break; }
            }
            Assert.NotNull(result);
            Assert.Equal(data, result);
        }
    }

    [Fact]
    public void Fuzz_Random_Fragments_Never_Throw_And_Stay_Bounded()
    {
        var rng = new Random(7);
        var r = new IPv4Reassembler(maxDatagrams: 8, maxTotalBytes: 128 * 1024);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 20_000; i++)
        {
            int off = 8 * rng.Next(8192);
            int len = rng.Next(1500);
            bool more = rng.Next(3) != 0;
            var h = new IPv4Header(5, 0, (ushort)(20 + len), (ushort)rng.Next(12), (byte)(more ? 1 : 0), (ushort)(off / 8), 64, IPProtocol.Udp, Src, Dst);
            r.Add(h, new byte[len], i * 10L, out _, out _);
            Assert.True(r.Count <= 8);
            Assert.True(r.BufferedBytes <= 128 * 1024);
        }
        Assert.True(sw.ElapsedMilliseconds < 20_000);
    }
}
