using System;
using System.Linq;
using Cosmos.FileSystem;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>The write-through metadata cache: what it holds, what writes do to it, what it evicts.</summary>
public class SectorCacheTests
{
    private static byte[] Fill(int sectors, byte value) => Enumerable.Repeat(value, sectors * 512).ToArray();

    [Fact]
    public void ReadsHitOnlyWhenEverySectorIsHeld()
    {
        var c = new SectorCache(512, 8);
        c.Store(10, Fill(2, 7));
        var b = new byte[1024];
        Assert.True(c.TryRead(10, b));
        Assert.All(b, x => Assert.Equal(7, x));
        Assert.False(c.TryRead(11, new byte[1024]));   // sector 12 missing
        Assert.Equal(1, c.Hits);
        Assert.Equal(1, c.Misses);
    }

    [Fact]
    public void WritesUpdateHeldSectorsAndAddNone()
    {
        var c = new SectorCache(512, 8);
        c.Store(5, Fill(1, 1));
        c.Update(4, Fill(3, 9));                        // covers 4, 5, 6
        var b = new byte[512];
        Assert.True(c.TryRead(5, b));
        Assert.All(b, x => Assert.Equal(9, x));
        Assert.False(c.TryRead(4, b));
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void LeastRecentlyUsedSectorsAreEvictedAndLargeStoresPassBy()
    {
        var c = new SectorCache(512, 4);
        for (ulong s = 0; s < 4; s++) c.Store(s, Fill(1, (byte)s));
        Assert.True(c.TryRead(0, new byte[512]));       // 0 is now the most recent
        c.Store(100, Fill(1, 100));                      // evicts 1, the least recent
        Assert.True(c.TryRead(0, new byte[512]));
        Assert.False(c.TryRead(1, new byte[512]));
        Assert.True(c.TryRead(100, new byte[512]));
        c.Store(200, Fill(5, 1));                        // more than the whole cache: not kept, nothing evicted
        Assert.Equal(4, c.Count);
        Assert.False(c.TryRead(200, new byte[512]));
        c.Clear();
        Assert.Equal(0, c.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SectorCache(0, 1));
    }
}
