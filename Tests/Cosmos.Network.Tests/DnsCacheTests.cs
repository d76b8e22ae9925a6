using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

public class DnsCacheTests
{
    static readonly IPv4Address A = IPv4Address.Parse("10.0.2.2"), B = IPv4Address.Parse("10.1.1.1");

    [Fact]
    public void An_Entry_Lives_For_Its_Ttl_Then_Is_Gone()
    {
        var c = new DnsCache();
        c.Add("peer.cosmos.test", new List<IPv4Address> { A }, 60, 1_000);
        Assert.True(c.TryGet("peer.cosmos.test", 60_999, out var got));
        Assert.Equal(new[] { A }, got);
        Assert.False(c.TryGet("peer.cosmos.test", 61_000, out _));
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void Names_Compare_Case_Insensitively_Without_The_Trailing_Dot()
    {
        var c = new DnsCache();
        c.Add("Peer.Cosmos.TEST.", new List<IPv4Address> { A }, 60, 0);
        Assert.True(c.TryGet("peer.cosmos.test", 1, out _));
        Assert.True(c.TryGet("PEER.COSMOS.TEST.", 1, out _));
        Assert.False(c.TryGet("peer.cosmos.tes", 1, out _));
    }

    [Fact]
    public void Ttl_Is_Capped_At_One_Day_And_Zero_Ttl_Or_No_Address_Stores_Nothing()
    {
        var c = new DnsCache();
        c.Add("x", new List<IPv4Address> { A }, uint.MaxValue, 0);
        Assert.True(c.TryGet("x", DnsCache.MaxTtlSeconds * 1000L - 1, out _));
        Assert.False(c.TryGet("x", DnsCache.MaxTtlSeconds * 1000L, out _));
        c.Add("y", new List<IPv4Address> { A }, 0, 0);
        Assert.False(c.TryGet("y", 0, out _));
        c.Add("z", new List<IPv4Address> { A }, 60, 0);
        c.Add("z", new List<IPv4Address>(), 60, 0);
        Assert.False(c.TryGet("z", 0, out _));
    }

    [Fact]
    public void A_Full_Cache_Drops_Expired_Entries_First_Then_The_Soonest_To_Expire()
    {
        var c = new DnsCache(3);
        c.Add("old", new List<IPv4Address> { A }, 1, 0);        // expires at 1 000
        c.Add("long", new List<IPv4Address> { A }, 600, 0);
        c.Add("short", new List<IPv4Address> { B }, 10, 0);
        c.Add("new1", new List<IPv4Address> { B }, 600, 5_000);  // "old" is expired: it goes
        Assert.False(c.TryGet("old", 5_000, out _));
        Assert.True(c.TryGet("short", 5_000, out _));
        c.Add("new2", new List<IPv4Address> { B }, 600, 6_000);  // none expired: "short" (10 s) goes
        Assert.False(c.TryGet("short", 6_000, out _));
        Assert.True(c.TryGet("long", 6_000, out _));
        Assert.True(c.TryGet("new1", 6_000, out _));
        Assert.True(c.TryGet("new2", 6_000, out _));
        Assert.Equal(3, c.Count);
    }

    [Fact]
    public void Stored_Addresses_Are_A_Copy()
    {
        var c = new DnsCache();
        var list = new List<IPv4Address> { A };
        c.Add("x", list, 60, 0);
        list[0] = B;
        Assert.True(c.TryGet("x", 0, out var got));
        Assert.Equal(A, got[0]);
    }
}
