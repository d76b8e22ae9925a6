using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>FAT semantics checked in memory: names, errors, sizes, times, requests.</summary>
public class FatBehaviourTests
{
    private static FatFileSystem Fresh(out MemoryBlockDevice dev, FatType type = FatType.Fat12, int sizeKiB = 2048, Func<DateTime> clock = null)
    {
        dev = new MemoryBlockDevice(new byte[sizeKiB * 1024]);
        FatFormatter.Format(dev, null, type);
        return FatFileSystem.Mount(dev, clock);
    }

    private static FileSystemError Error(Action a) => Assert.ThrowsAny<FileSystemException>(a).Error;

    [Fact]
    public void NamesAreCheckedAndLookedUpCaseInsensitively()
    {
        var fs = Fresh(out _);
        Assert.Equal(FileSystemError.NameTooLong, Error(() => fs.CreateFile(new string('x', 256))));
        fs.CreateFile(new string('y', 255));
        Assert.NotNull(fs.GetEntry(new string('Y', 255)));
        foreach (var bad in new[] { "a*b", "a:b", "a?b", "a<b", "a|b", "a\"b", "tab\tname", "dot.", "space " })
            Assert.Equal(FileSystemError.InvalidName, Error(() => fs.CreateFile(bad)));
        fs.CreateFile("MixedCase.Txt");
        Assert.Equal("MixedCase.Txt", fs.GetEntry("mixedcase.TXT")!.Value.Name);
        Assert.Equal(FileSystemError.AlreadyExists, Error(() => fs.CreateFile("MIXEDCASE.TXT")));
        Assert.Equal(FileSystemError.AlreadyExists, Error(() => fs.CreateDirectory("mixedcase.txt")));
        // the generated short name finds it too
        Assert.NotNull(fs.GetEntry("MIXEDC~1.TXT"));
    }

    [Fact]
    public void ExactUpperCase83NamesHaveNoLongNameAndTailsNeverCollide()
    {
        var fs = Fresh(out _);
        fs.CreateFile("README.TXT");
        fs.CreateFile("readme2.txt");
        fs.CreateFile("LONGFI~2.TXT"); // an exact 8.3 name that a generated tail must skip
        for (int i = 0; i < 30; i++) fs.CreateFile($"Long File Name {i}.txt");
        Assert.Equal(FileSystemError.AlreadyExists, Error(() => fs.CreateFile("longfi~1.txt"))); // a short name is a name too
        var root = FatDirectory.Load(fs, 0, "");
        var entries = root.Parse();
        Assert.Equal(0, entries.Single(e => e.Name == "README.TXT").LfnSlots);
        Assert.True(entries.Single(e => e.Name == "readme2.txt").LfnSlots > 0);
        var shorts = entries.Select(e => System.Text.Encoding.ASCII.GetString(e.Short)).ToList();
        Assert.Equal(shorts.Count, shorts.Distinct().Count());
        Assert.Contains("LONGFI~2TXT", shorts);
        fs.Rename("README.TXT", "ReadMe.txt", false); // case-only: keeps its short name, gains a long name
        root = FatDirectory.Load(fs, 0, "");
        var renamed = root.Parse().Single(e => e.Name == "ReadMe.txt");
        Assert.Equal("README  TXT", System.Text.Encoding.ASCII.GetString(renamed.Short));
        Assert.True(renamed.LfnSlots > 0);
        fs.Rename("readme.TXT", "README.TXT", false);
        Assert.Equal(0, FatDirectory.Load(fs, 0, "").Parse().Single(e => e.Name == "README.TXT").LfnSlots);
        Assert.Equal("LONGFI~3TXT", System.Text.Encoding.ASCII.GetString(entries.Single(e => e.Name == "Long File Name 1.txt").Short));
        Assert.Equal(33, fs.ListDirectory("").Count);
    }

    [Fact]
    public void ErrorsNameTheProblem()
    {
        var fs = Fresh(out _);
        fs.CreateDirectory("d");
        fs.CreateFile("d/f");
        fs.CreateFile("file");
        Assert.Null(fs.GetEntry("d/none"));
        Assert.Equal(FileSystemError.PathNotFound, Error(() => fs.GetEntry("none/x")));
        Assert.Equal(FileSystemError.NotADirectory, Error(() => fs.GetEntry("file/x")));
        Assert.Equal(FileSystemError.NotFound, Error(() => fs.OpenFile("d/none", false)));
        Assert.Equal(FileSystemError.IsADirectory, Error(() => fs.OpenFile("d", false)));
        Assert.Equal(FileSystemError.IsADirectory, Error(() => fs.DeleteFile("d")));
        Assert.Equal(FileSystemError.NotADirectory, Error(() => fs.DeleteDirectory("file")));
        Assert.Equal(FileSystemError.DirectoryNotEmpty, Error(() => fs.DeleteDirectory("d")));
        Assert.Equal(FileSystemError.NotADirectory, Error(() => fs.ListDirectory("file")));
        Assert.Equal(FileSystemError.AlreadyExists, Error(() => fs.Rename("file", "d", true)));
        Assert.Equal(FileSystemError.AlreadyExists, Error(() => fs.Rename("file", "d/f", false)));
        fs.CreateDirectory("d/sub");
        Assert.Equal(FileSystemError.InvalidName, Error(() => fs.Rename("d", "d/sub/inner", false)));
        fs.SetAttributes("file", FileAttributes.ReadOnly | FileAttributes.Hidden);
        Assert.Equal(FileAttributes.ReadOnly | FileAttributes.Hidden, fs.GetEntry("file")!.Value.Attributes);
        Assert.Equal(FileSystemError.ReadOnly, Error(() => fs.OpenFile("file", true)));
        Assert.Equal(FileSystemError.NameTooLong, Error(() => fs.Label = "TWELVE CHARS"));
        Assert.Equal(FileSystemError.InvalidName, Error(() => fs.Label = "A*B"));
        fs.Label = "mixed Case";
        Assert.Equal("MIXED CASE", fs.Label);
        fs.Label = "";
        Assert.Equal("", fs.Label);
        Assert.Throws<ArgumentNullException>(() => fs.GetEntry(null));
        Assert.Throws<ArgumentNullException>(() => FatFileSystem.Mount(null));
    }

    [Fact]
    public void WritesPastTheEndAndExtensionsReadAsZeros()
    {
        var fs = Fresh(out _);
        fs.CreateFile("old");
        using (var f = fs.OpenFile("old", true)) f.Write(0, Enumerable.Repeat((byte)0xAA, 20000).ToArray());
        fs.DeleteFile("old"); // its clusters keep 0xAA and are reused
        fs.CreateFile("gap");
        using (var f = fs.OpenFile("gap", true))
        {
            f.Write(5000, new byte[] { 7 });
            Assert.Equal(5001, f.Length);
            f.SetLength(9000);
            var b = new byte[9000];
            Assert.Equal(9000, f.Read(0, b));
            Assert.True(b.Take(5000).All(x => x == 0));
            Assert.Equal(7, b[5000]);
            Assert.True(b.Skip(5001).All(x => x == 0));
            long free = fs.AvailableFreeSpace;
            f.SetLength(10);
            Assert.True(fs.AvailableFreeSpace > free);
            f.SetLength(0);
            Assert.Equal(0, f.Read(0, b));
        }
        Assert.Equal(0, fs.GetEntry("gap")!.Value.Length);
    }

    [Fact]
    public void TimesComeFromTheClockAtTwoSecondResolution()
    {
        var now = new DateTime(2030, 2, 3, 4, 5, 7, 250, DateTimeKind.Utc);
        var fs = Fresh(out _, clock: () => now);
        fs.CreateFile("t");
        var e = fs.GetEntry("t")!.Value;
        Assert.Equal(new DateTime(2030, 2, 3, 4, 5, 6, DateTimeKind.Utc), e.LastWriteTimeUtc);
        Assert.Equal(new DateTime(2030, 2, 3, 4, 5, 7, 250, DateTimeKind.Utc), e.CreationTimeUtc);
        Assert.Equal(new DateTime(2030, 2, 3, 0, 0, 0, DateTimeKind.Utc), e.LastAccessTimeUtc);
        now = now.AddDays(1);
        using (var f = fs.OpenFile("t", true)) f.Write(0, new byte[] { 1 });
        Assert.Equal(new DateTime(2030, 2, 4, 4, 5, 6, DateTimeKind.Utc), fs.GetEntry("t")!.Value.LastWriteTimeUtc);
        fs.SetTimes("t", new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, new DateTime(2002, 2, 2, 2, 2, 3, DateTimeKind.Utc));
        e = fs.GetEntry("t")!.Value;
        Assert.Equal(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), e.CreationTimeUtc);
        Assert.Equal(new DateTime(2002, 2, 2, 2, 2, 2, DateTimeKind.Utc), e.LastWriteTimeUtc);
    }

    [Fact]
    public void OpenFileLengthIsVisibleAndFlushReachesTheDevice()
    {
        var fs = Fresh(out var dev, FatType.Fat32, 40960);
        fs.CreateFile("open");
        var f = fs.OpenFile("open", true);
        f.Write(0, new byte[12345]);
        Assert.Equal(12345, fs.GetEntry("open")!.Value.Length);
        int flushes = dev.FlushRequests;
        f.Flush();
        Assert.Equal(flushes + 1, dev.FlushRequests);
        f.Dispose();
        fs.Rename("open", "renamed", false);
        Assert.Null(fs.GetEntry("open"));
        Assert.Equal(12345, fs.GetEntry("renamed")!.Value.Length);
    }

    [Fact]
    public void WholeClusterWritesAreOneRequest()
    {
        var fs = Fresh(out var dev, FatType.Fat16, 16384);
        fs.CreateFile("w");
        using var f = fs.OpenFile("w", true);
        var data = FatHostToolTests.Pattern(32 * 1024, 9);
        f.Write(0, data);
        int before = dev.WriteRequests;
        f.Write(0, data); // clusters exist now: one contiguous request
        Assert.Equal(1, dev.WriteRequests - before);
    }

    [Theory]
    [InlineData(FatType.Fat16, 16384, 0x8000u)]
    [InlineData(FatType.Fat32, 40960, 0x08000000u)]
    public void CleanShutdownBitIsClearWhileChangesArePending(FatType type, int sizeKiB, uint cleanBit)
    {
        var fs = Fresh(out var dev, type, sizeKiB);
        uint Fat1OnDisk() => FatFileSystem.Mount(new MemoryBlockDevice((byte[])dev.Data.Clone(), 512, readOnly: true)).Fat.Get(1);
        Assert.NotEqual(0u, Fat1OnDisk() & cleanBit);
        fs.CreateFile("x");
        Assert.Equal(0u, Fat1OnDisk() & cleanBit);
        var crashed = FatFileSystem.Mount(new MemoryBlockDevice((byte[])dev.Data.Clone()));
        Assert.Contains(crashed.Warnings, w => w.Contains("not cleanly unmounted"));
        fs.Flush();
        Assert.NotEqual(0u, Fat1OnDisk() & cleanBit);
        Assert.Empty(FatFileSystem.Mount(new MemoryBlockDevice((byte[])dev.Data.Clone())).Warnings);
    }

    [Fact]
    public void TwoHandlesOnOneFileShareItsChain()
    {
        var fs = Fresh(out var dev);
        fs.CreateFile("shared");
        var a = fs.OpenFile("shared", true);
        var b = fs.OpenFile("SHARED", true);
        a.Write(0, FatHostToolTests.Pattern(5000, 1));
        b.Write(5000, FatHostToolTests.Pattern(5000, 2));
        Assert.Equal(10000, a.Length);
        a.Dispose();
        b.Write(10000, new byte[] { 9 });
        b.Dispose();
        fs.Flush();
        var again = FatFileSystem.Mount(new MemoryBlockDevice((byte[])dev.Data.Clone()));
        Assert.Empty(again.Warnings);
        using var f = again.OpenFile("shared", false);
        var buf = new byte[f.Length];
        f.Read(0, buf);
        Assert.Equal(FatHostToolTests.Pattern(5000, 1).Concat(FatHostToolTests.Pattern(5000, 2)).Append((byte)9).ToArray(), buf);
    }

    [Fact]
    public void WorksOn4096ByteSectorsAndInsidePartitions()
    {
        var big = new MemoryBlockDevice(new byte[8 * 1024 * 1024], 4096);
        FatFormatter.Format(big, "BIGSECT");
        var fs = FatFileSystem.Mount(big);
        fs.CreateFile("x.bin");
        using (var f = fs.OpenFile("x.bin", true)) f.Write(1, FatHostToolTests.Pattern(20000, 3));
        Assert.Equal(20001, FatFileSystem.Mount(big).GetEntry("x.bin")!.Value.Length);

        var disk = new MemoryBlockDevice(new byte[4 * 1024 * 1024]);
        var part = new PartitionBlockDevice(disk, 2048, 4096);
        FatFormatter.Format(part, "PART");
        Assert.True(disk.Data.AsSpan(0, 2048 * 512).IndexOfAnyExcept((byte)0) < 0, "formatting a partition wrote outside it");
        var pfs = FatFileSystem.Mount(part);
        Assert.Equal("PART", pfs.Label);
        Assert.Equal(2048u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(disk.Data.AsSpan(2048 * 512 + 28)));
    }

    [Theory]
    [InlineData(FatType.Fat16, true)]
    [InlineData(FatType.Fat16, false)]
    [InlineData(FatType.Fat32, false)]
    public void FullFormatZeroesTheDataAreaAndQuickDoesNot(FatType type, bool quick)
    {
        var data = new byte[(type == FatType.Fat32 ? 40 : 8) * 1024 * 1024];
        Array.Fill(data, (byte)0xAA);
        var dev = new MemoryBlockDevice(data);
        FatFormatter.Format(dev, null, type, quick);
        var fs = FatFileSystem.Mount(dev);
        Assert.Empty(fs.Warnings);
        var dataArea = data.AsSpan((int)fs.Layout.FirstDataSector * 512 + fs.ClusterSize); // past the first cluster (FAT32 root)
        Assert.Equal(quick, dataArea.IndexOfAnyExcept((byte)0) >= 0);
        // the FATs are zeroed either way: everything but the root is free
        Assert.Equal((fs.ClusterCount - (type == FatType.Fat32 ? 1 : 0)) * (long)fs.ClusterSize, fs.AvailableFreeSpace);
    }

    [Fact]
    public void WrongFsInfoFreeCountIsNotTrustedAndIsCorrectedOnFlush()
    {
        var dev = new MemoryBlockDevice(new byte[40 * 1024 * 1024]);
        FatFormatter.Format(dev, null, FatType.Fat32);
        long right = FatFileSystem.Mount(dev).AvailableFreeSpace;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(dev.Data.AsSpan(512 + 488), 0x7FFFFFF0);
        var fs = FatFileSystem.Mount(dev);
        Assert.Equal(right, fs.AvailableFreeSpace);
        Assert.Contains(fs.Warnings, w => w.Contains("FSInfo"));
        Assert.False(fs.IsReadOnly);
        fs.CreateFile("a");
        fs.Flush();
        Assert.Equal((uint)(fs.AvailableFreeSpace / fs.ClusterSize), System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(dev.Data.AsSpan(512 + 488)));
    }

    [Fact]
    public void FormatterRejectsImpossibleRequests()
    {
        Assert.Throws<ArgumentException>(() => FatFormatter.Format(new MemoryBlockDevice(new byte[1024 * 1024]), null, FatType.Fat32));
        Assert.Throws<ArgumentException>(() => FatFormatter.Format(new MemoryBlockDevice(new byte[1024 * 1024]), "WAY TOO LONG LABEL"));
        Assert.Throws<ArgumentException>(() => FatFormatter.Format(new MemoryBlockDevice(new byte[1024 * 1024], 512, readOnly: true)));
    }
}

/// <summary>What creating small files costs in device requests (the bench's small-file figure rests on it).</summary>
public class FatRequestCountTests
{
    [Fact]
    public void ASmallFileCreatedAndFlushedCostsFewWritesAndNoReads()
    {
        var dev = new MemoryBlockDevice(new byte[40 * 1024 * 1024]);
        FatFormatter.Format(dev, null, FatType.Fat32);
        var fs = FatFileSystem.Mount(dev);
        fs.CreateDirectory("small");
        var data = new byte[100];
        for (int i = 0; i < 300; i++)
        {
            int reads = dev.ReadRequests, writes = dev.WriteRequests, flushes = dev.FlushRequests;
            string p = "small/f" + i + ".dat";
            fs.CreateFile(p);
            using (var f = fs.OpenFile(p, true))
            {
                f.Write(0, data);
                f.Flush();
            }
            if (i < 10) continue;   // the directory's clusters and the FAT blocks are read once
            // FAT[1] cleared (one write per FAT copy), the entry, the data sector, the entry's length, the FAT with the
            // new cluster and FAT[1] set again (one write per copy), FSInfo; a directory cluster added now and then.
            Assert.True(dev.WriteRequests - writes <= 8 + 2, $"file {i}: {dev.WriteRequests - writes} writes");
            Assert.Equal(0, dev.ReadRequests - reads);
            Assert.Equal(1, dev.FlushRequests - flushes);
        }
        Assert.Equal(300, fs.ListDirectory("small").Count);
    }
}

/// <summary>A file's runs of consecutive clusters (one device request each) stay right when its chain is cut and regrown elsewhere.</summary>
public class FatExtentTests
{
    [Fact]
    public void ACutAndRegrownChainIsTransferredFromItsNewClusters()
    {
        var dev = new MemoryBlockDevice(new byte[40 * 1024 * 1024]);
        FatFormatter.Format(dev, null, FatType.Fat32);
        var fs = FatFileSystem.Mount(dev);
        int cs = fs.ClusterSize;
        fs.CreateFile("a");
        fs.CreateFile("b");
        var first = new byte[8 * cs];
        new Random(1).NextBytes(first);
        var second = new byte[8 * cs];
        new Random(2).NextBytes(second);
        using (var a = fs.OpenFile("a", true))
        {
            a.Write(0, first);                                  // clusters c..c+7, one extent
            var back = new byte[first.Length];
            a.Read(0, back);                                    // the extents are built now
            a.SetLength(2 * cs);                                // c+2..c+7 freed
            using (var b = fs.OpenFile("b", true)) b.Write(0, new byte[3 * cs]);   // b takes c+2..c+4
            a.Write(2 * cs, second.AsSpan(0, 6 * cs));          // a regrows to its old count, no longer in one run
            var live = new byte[8 * cs];
            a.Read(0, live);                                    // one transfer across the old and the new clusters
            Assert.True(live.AsSpan(0, 2 * cs).SequenceEqual(first.AsSpan(0, 2 * cs)), "kept part, same handle");
            Assert.True(live.AsSpan(2 * cs).SequenceEqual(second.AsSpan(0, 6 * cs)), "regrown part, same handle");
        }
        fs.Flush();
        var again = FatFileSystem.Mount(new MemoryBlockDevice(dev.Data));
        using var f = again.OpenFile("a", false);
        var got = new byte[8 * cs];
        Assert.Equal(got.Length, f.Read(0, got));
        Assert.True(got.AsSpan(0, 2 * cs).SequenceEqual(first.AsSpan(0, 2 * cs)), "kept part");
        Assert.True(got.AsSpan(2 * cs).SequenceEqual(second.AsSpan(0, 6 * cs)), "regrown part");
        using var g = again.OpenFile("b", false);
        var zeros = new byte[3 * cs];
        g.Read(0, zeros);
        Assert.All(zeros, x => Assert.Equal(0, x));
    }
}
