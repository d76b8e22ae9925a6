using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>
/// Cluster chains held as runs (ClusterChain), walked a FAT sector at a time (FatTable.ReadChain) and freed run by run,
/// checked against a walk that reads one entry per cluster; and the device flush that is skipped when nothing was written.
/// </summary>
public class FatChainTests
{
    [Fact]
    public void RunsMergeIndexAndCut()
    {
        var c = new ClusterChain();
        c.Add(10); c.Add(11); c.AddRun(12, 3);        // 10..14: one run
        c.Add(20); c.AddRun(21, 2);                   // 20..22: a second run, merged with its own continuation
        c.AddRun(5, 1);                               // 5
        Assert.Equal(9, c.Count);
        Assert.Equal(3, c.RunCount);
        Assert.Equal(new uint[] { 10, 11, 12, 13, 14, 20, 21, 22, 5 }, c.ToList());
        Assert.Equal(22u, c[7]);
        Assert.Equal(5u, c.Last);
        Assert.Equal(4, c.ContiguousAfter(0));
        Assert.Equal(0, c.ContiguousAfter(4));
        Assert.Equal(1, c.ContiguousAfter(6));
        Assert.Equal(0, c.ContiguousAfter(8));
        Assert.Equal((20u, 3), c.Run(1));
        c.Truncate(6);                                // 10..14, 20
        Assert.Equal(2, c.RunCount);
        Assert.Equal(20u, c.Last);
        Assert.Equal(0, c.ContiguousAfter(5));
        c.AddRun(21, 4);                              // continues the cut run
        Assert.Equal(2, c.RunCount);
        Assert.Equal(4, c.ContiguousAfter(5));
        c.Truncate(0);
        Assert.True(c.Count == 0);
        Assert.Equal(0u, c.Last);
        Assert.Throws<ArgumentOutOfRangeException>(() => c[0]);
    }

    /// <summary>The chain as one entry lookup per cluster would find it.</summary>
    private static List<uint> Reference(FatFileSystem fs, uint first)
    {
        var list = new List<uint>();
        for (uint c = first; ; )
        {
            list.Add(c);
            uint next = fs.Fat.Get(c);
            if (fs.Fat.IsEoc(next)) return list;
            c = next;
        }
    }

    [Theory]
    [InlineData(FatType.Fat16, 16 * 1024)]
    [InlineData(FatType.Fat32, 40 * 1024)]
    public void ChainsAcrossFatSectorsAndFragmentsReadAsTheEntriesSay(FatType type, int sizeKiB)
    {
        var dev = new MemoryBlockDevice(new byte[sizeKiB * 1024]);
        FatFormatter.Format(dev, null, type);
        var fs = FatFileSystem.Mount(dev);
        int cs = fs.ClusterSize;
        // Interleaved writes fragment both files; the runs cross FAT sector boundaries (128 or 256 entries a sector).
        fs.CreateFile("a");
        fs.CreateFile("b");
        using (var a = fs.OpenFile("a", true))
        using (var b = fs.OpenFile("b", true))
        {
            long pa = 0, pb = 0;
            var rnd = new Random(5);
            for (int i = 0; i < 40; i++)
            {
                int na = rnd.Next(1, 300), nb = rnd.Next(1, 40);
                a.Write(pa, new byte[na * cs]); pa += na * cs;
                b.Write(pb, new byte[nb * cs]); pb += nb * cs;
            }
        }
        fs.Flush();
        uint firstA = fs.FirstClusterOf("a");
        var aClusters = Reference(fs, firstA);
        if (type == FatType.Fat32)
        {
            // FAT32's reserved high 4 bits are not part of the link (fatgen103 §4): set them on disk in every FAT copy.
            var l = fs.Layout;
            foreach (int k in new[] { 1, 200, 300 })
                for (int copy = 0; copy < l.NumFats; copy++)
                    dev.Data[((long)l.FirstFatSector + copy * (long)l.FatSize) * l.BytesPerSector + aClusters[k] * 4L + 3] |= 0xF0;
            fs = FatFileSystem.Mount(new MemoryBlockDevice(dev.Data));
        }
        foreach (var name in new[] { "a", "b" })
        {
            uint first = fs.FirstClusterOf(name);
            var chain = fs.Fat.ReadChain(first, name);
            var expected = Reference(fs, first);
            Assert.Equal(expected, chain.ToList());
            Assert.True(chain.RunCount >= 40, name + ": " + chain.RunCount + " runs");
            for (int i = 0; i < chain.Count; i++)
                Assert.Equal(expected.Skip(i + 1).TakeWhile((c, k) => c == expected[i] + 1 + (uint)k).Count(), chain.ContiguousAfter(i));
        }
        // Freeing run by run: every entry of the chain becomes 0 (on FAT32 the high 4 bits stay), the free count grows by the chain.
        uint free = fs.Fat.FreeCount;
        fs.DeleteFile("a");
        foreach (var c in aClusters) Assert.Equal(0u, fs.Fat.Get(c));
        Assert.Equal(free + (uint)aClusters.Count, fs.Fat.FreeCount);
        Assert.True(FatFileSystem.Mount(new MemoryBlockDevice(dev.Data)).GetEntry("b").HasValue);
    }

    [Fact]
    public void ADeviceFlushIsSentOnlyAfterWrites()
    {
        var dev = new MemoryBlockDevice(new byte[40 * 1024 * 1024]);
        FatFormatter.Format(dev, null, FatType.Fat32);
        var fs = FatFileSystem.Mount(dev);
        fs.CreateFile("f");
        using var f = fs.OpenFile("f", true);
        f.Write(0, new byte[1000]);
        int flushes = dev.FlushRequests;
        f.Flush();
        Assert.Equal(flushes + 1, dev.FlushRequests);
        f.Flush();                                    // nothing written since: no device flush
        fs.Flush();
        Assert.Equal(flushes + 1, dev.FlushRequests);
        f.Write(1000, new byte[10]);
        f.Flush();
        Assert.Equal(flushes + 2, dev.FlushRequests);
    }
}
