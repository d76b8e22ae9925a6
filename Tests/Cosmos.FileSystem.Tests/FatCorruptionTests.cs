using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>Damaged FAT images: mount fails cleanly or the volume is read-only with a warning, and nothing is written.</summary>
public class FatCorruptionTests
{
    /// <summary>A small formatted volume with a few files: a.bin (3 clusters), dir/b.txt, a long-named file.</summary>
    internal static byte[] MakeImage(FatType type, int sizeKiB = 2048)
    {
        var dev = new MemoryBlockDevice(new byte[sizeKiB * 1024]);
        FatFormatter.Format(dev, "CORRUPT", type);
        var fs = FatFileSystem.Mount(dev);
        fs.CreateFile("a.bin");
        using (var f = fs.OpenFile("a.bin", true)) f.Write(0, FatHostToolTests.Pattern(fs.ClusterSize * 3, 1));
        fs.CreateDirectory("dir");
        fs.CreateFile("dir/b.txt");
        using (var f = fs.OpenFile("dir/b.txt", true)) f.Write(0, FatHostToolTests.Pattern(100, 2));
        fs.CreateFile("A long name.txt");
        fs.Flush();
        return dev.Data;
    }

    private static void PatchFat(byte[] image, uint cluster, uint value)
    {
        var dev = new MemoryBlockDevice(image);
        var fs = FatFileSystem.Mount(dev);
        fs.Fat.Set(cluster, value);
        fs.Fat.Flush();
    }

    private static (uint first, int offset) RootEntry(byte[] image, string shortName)
    {
        var fs = FatFileSystem.Mount(new MemoryBlockDevice((byte[])image.Clone()));
        var root = FatDirectory.Load(fs, 0, "");
        var e = root.Parse().Single(d => System.Text.Encoding.ASCII.GetString(d.Short) == shortName);
        return (e.FirstCluster, (int)e.Sector * fs.Layout.BytesPerSector + e.Offset);
    }

    /// <summary>Mounts and checks the volume refuses writes and leaves every byte as it was.</summary>
    private static FatFileSystem AssertReadOnlyAndUntouched(byte[] image, string expectWarning)
    {
        var before = (byte[])image.Clone();
        var dev = new MemoryBlockDevice(image);
        var fs = FatFileSystem.Mount(dev);
        Assert.True(fs.IsReadOnly, "volume should be read-only; warnings: " + string.Join("; ", fs.Warnings));
        Assert.Contains(fs.Warnings, w => w.Contains(expectWarning, StringComparison.OrdinalIgnoreCase));
        TryEverythingWritable(fs);
        Assert.Equal(0, dev.WriteRequests);
        Assert.True(before.AsSpan().SequenceEqual(image), "the image changed");
        return fs;
    }

    private static void TryEverythingWritable(FatFileSystem fs)
    {
        void Ro(Action a)
        {
            var ex = Assert.ThrowsAny<FileSystemException>(a);
            Assert.True(ex.Error is FileSystemError.ReadOnly or FileSystemError.Corrupt, ex.Message);
        }
        Ro(() => fs.CreateFile("new.txt"));
        Ro(() => fs.CreateDirectory("newdir"));
        Ro(() => fs.DeleteFile("a.bin"));
        Ro(() => fs.OpenFile("dir/b.txt", true));
        Ro(() => fs.Rename("dir/b.txt", "c.txt", false));
        Ro(() => fs.Label = "X");
        Ro(() => fs.SetAttributes("a.bin", FileAttributes.Hidden));
        fs.Flush();
    }

    [Theory]
    [InlineData(FatType.Fat12)]
    [InlineData(FatType.Fat16)]
    [InlineData(FatType.Fat32)]
    public void CycleInAChain(FatType type)
    {
        var img = MakeImage(type, type == FatType.Fat32 ? 40960 : type == FatType.Fat16 ? 8192 : 2048);
        var (first, _) = RootEntry(img, "A       BIN");
        PatchFat(img, first + 2, first); // third cluster points back to the first
        var fs = AssertReadOnlyAndUntouched(img, "cycle");
        var ex = Assert.Throws<FileSystemException>(() => fs.OpenFile("a.bin", false));
        Assert.Equal(FileSystemError.Corrupt, ex.Error);
    }

    [Theory]
    [InlineData(FatType.Fat12)]
    [InlineData(FatType.Fat32)]
    public void ClusterPastTheEnd(FatType type)
    {
        var img = MakeImage(type, type == FatType.Fat32 ? 40960 : 2048);
        var (first, _) = RootEntry(img, "A       BIN");
        var fs = FatFileSystem.Mount(new MemoryBlockDevice((byte[])img.Clone()));
        PatchFat(img, first + 1, fs.Layout.MaxCluster + 3);
        AssertReadOnlyAndUntouched(img, "outside");
    }

    [Fact]
    public void DirectoryEntryPointingPastTheVolume()
    {
        var img = MakeImage(FatType.Fat16, 8192);
        var (_, off) = RootEntry(img, "A       BIN");
        BinaryPrimitives.WriteUInt16LittleEndian(img.AsSpan(off + 26), 0xFFF0);
        AssertReadOnlyAndUntouched(img, "outside");
    }

    [Fact]
    public void FileSizeBeyondItsChain()
    {
        var img = MakeImage(FatType.Fat12);
        var (_, off) = RootEntry(img, "A       BIN");
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(off + 28), 100000);
        AssertReadOnlyAndUntouched(img, "exceeds");
    }

    [Fact]
    public void CrossLinkedFiles()
    {
        var img = MakeImage(FatType.Fat12);
        var (first, _) = RootEntry(img, "A       BIN");
        var fs = FatFileSystem.Mount(new MemoryBlockDevice((byte[])img.Clone()));
        var dir = FatDirectory.Load(fs, 0, "");
        var d = dir.Parse().Single(e => e.Name == "dir");
        var sub = FatDirectory.Load(fs, d.FirstCluster, "dir");
        var b = sub.Parse().Single(e => e.Name == "b.txt");
        PatchFat(img, b.FirstCluster, first + 1); // b.txt's chain joins a.bin's
        AssertReadOnlyAndUntouched(img, "cross-linked");
    }

    [Fact]
    public void BadLongNameChecksumIsIgnoredWithAWarning()
    {
        var img = MakeImage(FatType.Fat12);
        var (_, off) = RootEntry(img, "ALONGN~1TXT");
        // "A long name.txt" has two long-name entries: give both the same wrong checksum (a consistent sequence
        // that does not match the short name).
        Assert.Equal(0x0F, img[off - 32 + 11]);
        Assert.Equal(0x0F, img[off - 64 + 11]);
        img[off - 32 + 13] ^= 0x55;
        img[off - 64 + 13] ^= 0x55;
        var fs = AssertReadOnlyAndUntouched(img, "checksum");
        var names = fs.ListDirectory("").Select(e => e.Name).ToList();
        Assert.Contains("ALONGN~1.TXT", names);
        Assert.DoesNotContain("A long name.txt", names);
    }

    [Theory]
    [InlineData(11, 2, (ushort)0, "BytsPerSec")]
    [InlineData(11, 2, (ushort)513, "BytsPerSec")]
    [InlineData(11, 2, (ushort)8192, "BytsPerSec")]
    [InlineData(13, 1, (ushort)0, "SecPerClus")]
    [InlineData(13, 1, (ushort)3, "SecPerClus")]
    [InlineData(14, 2, (ushort)0, "RsvdSecCnt")]
    [InlineData(16, 1, (ushort)0, "NumFATs")]
    [InlineData(19, 2, (ushort)0xFFFF, "larger than the device")]
    [InlineData(22, 2, (ushort)0, "FATSz")]
    [InlineData(22, 2, (ushort)1, "too small")]
    [InlineData(17, 2, (ushort)0, "RootEntCnt")]
    [InlineData(510, 2, (ushort)0, "signature")]
    [InlineData(21, 1, (ushort)0x12, "Media")]
    public void BadBpbFieldsFailTheMountCleanly(int offset, int width, ushort value, string field)
    {
        var img = MakeImage(FatType.Fat12);
        if (width == 1) img[offset] = (byte)value; else BinaryPrimitives.WriteUInt16LittleEndian(img.AsSpan(offset), value);
        var before = (byte[])img.Clone();
        var dev = new MemoryBlockDevice(img);
        Assert.False(FatFileSystem.TryMount(dev, out var fs, out var error));
        Assert.Null(fs);
        Assert.Contains(field, error);
        var ex = Assert.Throws<FileSystemException>(() => FatFileSystem.Mount(dev));
        Assert.Equal(FileSystemError.Corrupt, ex.Error);
        Assert.Equal(0, dev.WriteRequests);
        Assert.Equal(before, img);
    }

    [Theory]
    [InlineData(44, 0u, "RootClus")]
    [InlineData(44, 0x0FFFFFF0u, "RootClus")]
    [InlineData(32, 0x7FFFFFFFu, "larger than the device")]
    public void BadFat32BpbFieldsFailTheMountCleanly(int offset, uint value, string field)
    {
        var img = MakeImage(FatType.Fat32, 40960);
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(offset), value);
        Assert.False(FatFileSystem.TryMount(new MemoryBlockDevice(img), out _, out var error));
        Assert.Contains(field, error);
    }

    [Fact]
    public void TruncatedImageFailsTheMount()
    {
        var img = MakeImage(FatType.Fat16, 8192);
        var half = img.AsSpan(0, img.Length / 2).ToArray();
        Assert.False(FatFileSystem.TryMount(new MemoryBlockDevice(half), out _, out var error));
        Assert.Contains("larger than the device", error);
        Assert.False(FatFileSystem.TryMount(new MemoryBlockDevice(new byte[512]), out _, out _));
        Assert.False(FatFileSystem.TryMount(new MemoryBlockDevice(Array.Empty<byte>()), out _, out _));
    }

    [Fact]
    public void CorruptionFoundWhileRunningThrowsAndStopsWrites()
    {
        var img = MakeImage(FatType.Fat16, 8192);
        var dev = new MemoryBlockDevice(img);
        var fs = FatFileSystem.Mount(dev);
        Assert.False(fs.IsReadOnly);
        // Damage the volume under the mounted file system: dir/b.txt's cluster now points outside the volume.
        var (dirCluster, _) = RootEntry(img, "DIR        ");
        var sub = FatDirectory.Load(fs, dirCluster, "dir");
        var b = sub.Parse().Single(e => e.Name == "b.txt");
        int entryOffset = (int)b.Sector * fs.Layout.BytesPerSector + b.Offset;
        BinaryPrimitives.WriteUInt16LittleEndian(img.AsSpan(entryOffset + 26), 0xFFF0);
        // The damage must be read from the device, as corruption on disk is: reading the directory above put its
        // sectors in the metadata cache and kept the directory loaded, which a change behind the file system's back
        // would not reach.
        fs.MetadataCache.Clear();
        fs.ForgetLoadedDirectories();
        var before = (byte[])img.Clone();
        int writes = dev.WriteRequests;
        var ex = Assert.Throws<FileSystemException>(() => fs.OpenFile("dir/b.txt", false));
        Assert.Equal(FileSystemError.Corrupt, ex.Error);
        Assert.True(fs.IsReadOnly);
        Assert.NotEmpty(fs.Warnings);
        Assert.Equal(FileSystemError.ReadOnly, Assert.Throws<FileSystemException>(() => fs.CreateFile("x")).Error);
        fs.Flush();
        Assert.Equal(writes, dev.WriteRequests);
        Assert.Equal(before, img);
    }

    [Theory]
    [InlineData(FatType.Fat12, 256, 1500)]
    [InlineData(FatType.Fat16, 2200, 400)]
    [InlineData(FatType.Fat32, 33 * 1024 + 600, 100)]
    public void MutatedImagesOnlyThrowFileSystemExceptions(FatType type, int sizeKiB, int defaultIterations)
    {
        var seedImage = MakeImage(type, sizeKiB);
        // FAT_FUZZ_ITERATIONS / FAT_FUZZ_SEED run a longer campaign by hand (the default keeps the suite quick).
        int iterations = int.TryParse(Environment.GetEnvironmentVariable("FAT_FUZZ_ITERATIONS"), out var n) ? n : defaultIterations;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("FAT_FUZZ_SEED"), out var s) ? s : 1234;
        var rnd = new Random(seed);
        int mounted = 0;
        // One buffer for every iteration: a fresh 33 MiB clone each time spent most of the FAT32 case's 14 s on
        // allocating and faulting in new memory, not on the file system.
        var img = new byte[seedImage.Length];
        for (int iter = 0; iter < iterations; iter++)
        {
            seedImage.AsSpan().CopyTo(img);
            int flips = rnd.Next(1, 20);
            for (int k = 0; k < flips; k++)
            {
                // Mostly the metadata (first 16 KiB), sometimes anywhere.
                int pos = rnd.Next(4) == 0 ? rnd.Next(img.Length) : rnd.Next(Math.Min(type == FatType.Fat32 ? 65536 : 16384, img.Length));
                img[pos] = (byte)rnd.Next(256);
            }
            FuzzOne(img, ref mounted);
        }
        Assert.True(mounted > iterations / 15, $"only {mounted} of {iterations} mutated images mounted");
    }

    internal static void FuzzOne(byte[] img, ref int mounted)
    {
        try
        {
            if (!FatFileSystem.TryMount(new MemoryBlockDevice(img), out var fs, out _)) return;
            mounted++;
            Walk(fs, "", 0);
            _ = fs.Label;
            _ = fs.AvailableFreeSpace;
            if (!fs.IsReadOnly)
            {
                fs.CreateFile("fuzz.txt");
                using (var f = fs.OpenFile("fuzz.txt", true)) f.Write(100, new byte[3000]);
                fs.CreateDirectory("fuzzdir");
                fs.Rename("fuzz.txt", "fuzzdir/moved.txt", false);
                fs.DeleteFile("fuzzdir/moved.txt");
                fs.Flush();
            }
        }
        catch (FileSystemException) { }
    }

    private static void Walk(FatFileSystem fs, string path, int depth)
    {
        if (depth > 8) return;
        foreach (var e in fs.ListDirectory(path))
        {
            string p = path.Length == 0 ? e.Name : path + "/" + e.Name;
            try
            {
                if (e.IsDirectory) Walk(fs, p, depth + 1);
                else
                {
                    using var f = fs.OpenFile(p, false);
                    var buf = new byte[Math.Min(f.Length, 1 << 20)];
                    f.Read(0, buf);
                }
            }
            catch (FileSystemException) { }
        }
    }

    // Fuzzer finding (seed 7, case 162 and others): the Label getter parsed the whole root and threw Corrupt for an
    // unrelated broken entry; property getters must not throw (the VFS reads Label for mount messages and df).
    [Theory]
    [InlineData(FatType.Fat12)]
    [InlineData(FatType.Fat16)]
    [InlineData(FatType.Fat32)]
    public void LabelIgnoresABrokenRootEntry(FatType type)
    {
        var image = MakeImage(type, type == FatType.Fat32 ? 40960 : type == FatType.Fat16 ? 8192 : 2048);
        var (_, offset) = RootEntry(image, "A       BIN");
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(offset + 26), 0xFFF0);   // first cluster out of range
        if (type == FatType.Fat32) BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(offset + 20), 0x0FFF);
        var fs = FatFileSystem.Mount(new MemoryBlockDevice(image));
        Assert.True(fs.IsReadOnly);
        Assert.Equal("CORRUPT", fs.Label);
        Assert.Equal("CORRUPT", fs.Label);
    }

    // Fuzzer finding (seed 7, case 563): FAT32 root chain running into a free cluster made the Label getter throw;
    // it now answers the boot sector's label, keeps the volume read-only and says why in Warnings.
    [Fact]
    public void LabelFallsBackToTheBootSectorWhenTheRootChainIsBroken()
    {
        var image = MakeImage(FatType.Fat32, 40960);
        var probe = FatFileSystem.Mount(new MemoryBlockDevice((byte[])image.Clone()));
        uint rootCluster = probe.Layout.RootCluster;
        PatchFat(image, rootCluster, 0);                                                 // root chain: free cluster
        var fs = FatFileSystem.Mount(new MemoryBlockDevice(image));
        Assert.True(fs.IsReadOnly);
        Assert.Equal("CORRUPT", fs.Label);
        Assert.Contains(fs.Warnings, w => w.Contains("boot sector's label", StringComparison.Ordinal));
        int count = fs.Warnings.Count;
        _ = fs.Label;
        Assert.Equal(count, fs.Warnings.Count);
    }
}
