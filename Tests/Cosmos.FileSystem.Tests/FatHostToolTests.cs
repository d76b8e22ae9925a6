using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>FAT volumes made by mkfs.fat/mtools read by us, and volumes we write checked by fsck.fat and mtools.</summary>
public class FatHostToolTests
{
    internal static byte[] Pattern(int length, int seed)
    {
        var b = new byte[length];
        var r = new Random(seed);
        r.NextBytes(b);
        return b;
    }

    private static readonly DateTime Clock = new(2024, 5, 17, 13, 45, 31, DateTimeKind.Utc);

    [Theory]
    [InlineData(12, 2048, 1)]
    [InlineData(12, 4096, 4)]
    [InlineData(16, 20480, 1)]
    [InlineData(16, 65536, 8)]
    [InlineData(32, 40960, 1)]
    [InlineData(32, 81920, 2)]
    public void ReadsVolumesMadeByMkfsAndMtools(int fatBits, int sizeKiB, int spc)
    {
        using var img = FatTestImage.Mkfs(fatBits, sizeKiB, spc, "TESTVOL");
        int cb = 512 * spc;
        var expect = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["empty.txt"] = Array.Empty<byte>(),
            ["one.bin"] = Pattern(1, 1),
            ["s511"] = Pattern(511, 2),
            ["S512.BIN"] = Pattern(512, 3),
            ["s513.dat"] = Pattern(513, 4),
            ["multi cluster file.bin"] = Pattern(3 * cb + 7, 5),
            ["A very long file name that goes past thirteen characters.data"] = Pattern(20000, 6),
            ["dir1/Sub Directory/deep.txt"] = Pattern(777, 7),
            ["frag1"] = Pattern(2 * cb, 8),
            ["frag3"] = Pattern(2 * cb, 10),
        };
        img.MMd("dir1");
        img.MMd("dir1/Sub Directory");
        img.MMd("many");
        foreach (var kv in expect) img.MCopyIn(kv.Key, kv.Value);
        img.MCopyIn("frag2", Pattern(2 * cb, 9));
        img.MDel("frag2");
        expect["fragmented.bin"] = Pattern(5 * cb, 11);
        img.MCopyIn("fragmented.bin", expect["fragmented.bin"]);
        for (int i = 0; i < 40; i++)
        {
            expect[$"many/Entry number {i} with a long name.txt"] = Pattern(i * 10, 100 + i);
            img.MCopyIn($"many/Entry number {i} with a long name.txt", expect[$"many/Entry number {i} with a long name.txt"]);
        }

        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev);
        Assert.Equal("FAT" + fatBits, fs.TypeName);
        Assert.False(fs.IsReadOnly, string.Join("\n", fs.Warnings));
        Assert.Empty(fs.Warnings);
        Assert.Equal("TESTVOL", fs.Label);
        foreach (var kv in expect)
        {
            var info = fs.GetEntry(kv.Key);
            Assert.True(info.HasValue, kv.Key);
            Assert.Equal(kv.Value.Length, info.Value.Length);
            using var f = fs.OpenFile(kv.Key, false);
            var buf = new byte[kv.Value.Length + 100];
            int n = f.Read(0, buf);
            Assert.Equal(kv.Value.Length, n);
            Assert.True(kv.Value.AsSpan().SequenceEqual(buf.AsSpan(0, n)), kv.Key);
            // An unaligned read in the middle.
            if (kv.Value.Length > 600)
            {
                var part = new byte[300];
                Assert.Equal(300, f.Read(257, part));
                Assert.True(kv.Value.AsSpan(257, 300).SequenceEqual(part), kv.Key + " at 257");
            }
        }
        var root = fs.ListDirectory("").Select(e => e.Name).ToHashSet();
        foreach (var name in expect.Keys.Where(k => !k.Contains('/'))) Assert.Contains(name, root);
        Assert.Contains("dir1", root);
        Assert.DoesNotContain("frag2", root);
        Assert.Equal(40, fs.ListDirectory("MANY").Count);
        Assert.True(fs.GetEntry("DIR1/sub directory/DEEP.TXT")!.Value.Length == 777);
        // mtools and mkfs.fat leave a correct free count: ours must agree with fsck's.
        var fsck = HostTools.Check("fsck.fat", "dosfstools", "-n", img.ImagePath).StdOut;
        var summary = fsck.Trim().Split('\n').Last();
        long usedClusters = long.Parse(summary.Split(',')[1].Trim().Split('/')[0]);
        Assert.Equal((fs.ClusterCount - usedClusters) * fs.ClusterSize, fs.AvailableFreeSpace);
    }

    [Fact]
    public void LogicalSectorsLargerThanTheDevicesWork()
    {
        using var img = new FatTestImage();
        HostTools.Check("mkfs.fat", "dosfstools", "-C", "-F", "16", "-S", "4096", "-s", "1", img.ImagePath, "40960");
        var data = Pattern(30000, 4);
        img.MCopyIn("Long name on big sectors.bin", data);
        var dev = new MemoryBlockDevice(img.Bytes, 512);
        var fs = FatFileSystem.Mount(dev);
        Assert.Equal(4096, fs.ClusterSize);
        Assert.Empty(fs.Warnings);
        using (var f = fs.OpenFile("long name on big sectors.bin", true))
        {
            var b = new byte[f.Length];
            f.Read(0, b);
            Assert.Equal(data, b);
            f.Write(29999, new byte[5000]);
        }
        fs.CreateDirectory("d");
        fs.Flush();
        img.Save(dev.Data);
        img.AssertFsckClean();
        Assert.Equal(34999, img.MCopyOut("Long name on big sectors.bin").Length);
    }

    [Fact]
    public void ContiguousFileIsReadInOneRequest()
    {
        using var img = FatTestImage.Mkfs(16, 20480, 4);
        var data = Pattern(64 * 1024, 3);
        img.MCopyIn("big.bin", data);
        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev);
        using var f = fs.OpenFile("big.bin", false);
        var buf = new byte[data.Length];
        int before = dev.ReadRequests;
        Assert.Equal(data.Length, f.Read(0, buf));
        Assert.Equal(1, dev.ReadRequests - before);
        Assert.Equal(data, buf);
    }

    [Theory]
    [InlineData(12, 2048, 1)]
    [InlineData(16, 20480, 1)]
    [InlineData(32, 40960, 1)]
    public void VolumesWeWritePassFsckAndReadBackWithMtools(int fatBits, int sizeKiB, int spc)
    {
        using var img = FatTestImage.Mkfs(fatBits, sizeKiB, spc);
        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev, () => Clock);
        var expect = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        void Put(string path, byte[] data)
        {
            if (fs.GetEntry(path) == null) fs.CreateFile(path);
            using var f = fs.OpenFile(path, true);
            f.SetLength(0);
            f.Write(0, data);
            expect[path] = data;
        }
        fs.CreateDirectory("docs");
        fs.CreateDirectory("docs/Nested Directory");
        fs.CreateDirectory("EMPTY");
        Put("README.TXT", Pattern(100, 1));
        Put("lower.txt", Pattern(1, 2));
        Put("docs/A long file name with spaces.text", Pattern(5000, 3));
        Put("docs/Nested Directory/deep file.bin", Pattern(513, 4));
        Put("zero", Array.Empty<byte>());
        // append
        Put("append.log", Pattern(700, 5));
        using (var f = fs.OpenFile("append.log", true))
        {
            var more = Pattern(3000, 6);
            f.Write(f.Length, more);
            expect["append.log"] = expect["append.log"].Concat(more).ToArray();
        }
        // overwrite in the middle
        Put("over.bin", Pattern(4000, 7));
        using (var f = fs.OpenFile("over.bin", true))
        {
            var patch = Pattern(1000, 8);
            f.Write(1500, patch);
            patch.CopyTo(expect["over.bin"], 1500);
        }
        // truncate and extend
        Put("trunc.bin", Pattern(9000, 9));
        using (var f = fs.OpenFile("trunc.bin", true))
        {
            f.SetLength(1234);
            expect["trunc.bin"] = expect["trunc.bin"].Take(1234).ToArray();
        }
        Put("extend.bin", Pattern(10, 10));
        using (var f = fs.OpenFile("extend.bin", true))
        {
            f.SetLength(3000);
            f.Write(5000, new byte[] { 1, 2, 3 });
            var e = new byte[5003];
            expect["extend.bin"].CopyTo(e, 0);
            e[5000] = 1; e[5001] = 2; e[5002] = 3;
            expect["extend.bin"] = e;
        }
        // delete
        Put("gone.bin", Pattern(2000, 11));
        fs.DeleteFile("gone.bin");
        expect.Remove("gone.bin");
        // rename within and across directories, file and directory
        Put("old name.txt", Pattern(300, 12));
        fs.Rename("old name.txt", "docs/New Name.TXT", false);
        expect["docs/New Name.TXT"] = expect["old name.txt"]; expect.Remove("old name.txt");
        fs.CreateDirectory("movable");
        Put("movable/inside.txt", Pattern(50, 13));
        fs.Rename("movable", "docs/Nested Directory/moved here", false);
        expect["docs/Nested Directory/moved here/inside.txt"] = expect["movable/inside.txt"]; expect.Remove("movable/inside.txt");
        fs.Rename("README.TXT", "readme.txt", false); // case-only rename
        expect["readme.txt"] = expect["README.TXT"]; expect.Remove("README.TXT");
        Put("replace-me", Pattern(10, 14));
        Put("replacer", Pattern(20, 15));
        fs.Rename("replacer", "replace-me", true);
        expect["replace-me"] = expect["replacer"]; expect.Remove("replacer");
        // mkdir/rmdir
        fs.CreateDirectory("temp dir");
        fs.DeleteDirectory("temp dir");
        // many files so directories span clusters; delete some in between
        fs.CreateDirectory("many");
        for (int i = 0; i < 70; i++) Put($"many/File with long name number {i}.dat", Pattern(i * 7, 200 + i));
        for (int i = 0; i < 70; i += 3) { fs.DeleteFile($"many/File with long name number {i}.dat"); expect.Remove($"many/File with long name number {i}.dat"); }
        // non-ASCII long names (the short name gets '_' and a tail)
        Put("Ünïcødé – 名前.txt", Pattern(33, 16));
        // same basis, numeric tails
        for (int i = 0; i < 12; i++) Put($"Program Files {i}.txt", Pattern(5, 300 + i));
        fs.Flush();
        Assert.False(fs.IsReadOnly, string.Join("\n", fs.Warnings));
        img.Save(dev.Data);

        img.AssertFsckClean();
        foreach (var kv in expect)
            Assert.True(kv.Value.AsSpan().SequenceEqual(img.MCopyOut(kv.Key)), "mcopy of " + kv.Key);
        var rootNames = img.MDirNames("");
        foreach (var n in new[] { "docs", "EMPTY", "readme.txt", "lower.txt", "zero", "append.log", "Program Files 11.txt" })
            Assert.Contains(n, rootNames);
        Assert.DoesNotContain("gone.bin", rootNames);
        Assert.Contains("A long file name with spaces.text", img.MDirNames("docs"));
        Assert.Contains("moved here", img.MDirNames("docs/Nested Directory"));
        Assert.Contains("Ünïcødé – 名前.txt", rootNames);

        // and we read our own volume back after a fresh mount
        var fs2 = FatFileSystem.Mount(new MemoryBlockDevice(img.Bytes));
        Assert.Empty(fs2.Warnings);
        foreach (var kv in expect)
        {
            using var f = fs2.OpenFile(kv.Key, false);
            var b = new byte[f.Length];
            f.Read(0, b);
            Assert.Equal(kv.Value, b);
        }
        var t = fs2.GetEntry("readme.txt")!.Value;
        Assert.Equal(new DateTime(2024, 5, 17, 13, 45, 30, DateTimeKind.Utc), t.LastWriteTimeUtc);
        Assert.Equal(new DateTime(2024, 5, 17), t.LastAccessTimeUtc.Date);
        Assert.Equal(new DateTime(2024, 5, 17, 13, 45, 31, DateTimeKind.Utc), t.CreationTimeUtc);
    }

    [Theory]
    [InlineData(12, 1024, 1)]
    [InlineData(32, 34000, 1)]
    public void DiskFullThrowsNoSpaceAndLeavesAConsistentVolume(int fatBits, int sizeKiB, int spc)
    {
        using var img = FatTestImage.Mkfs(fatBits, sizeKiB, spc);
        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev, () => Clock);
        long free = fs.AvailableFreeSpace;
        fs.CreateFile("fill.bin");
        var chunk = Pattern(64 * 1024, 1);
        long written = 0;
        var ex = Assert.Throws<FileSystemException>((Action)(() =>
        {
            using var f = fs.OpenFile("fill.bin", true);
            while (true) { f.Write(written, chunk); written += chunk.Length; }
        }));
        Assert.Equal(FileSystemError.NoSpace, ex.Error);
        Assert.Equal(written, fs.GetEntry("fill.bin")!.Value.Length);
        Assert.True(fs.AvailableFreeSpace < chunk.Length);
        Assert.Equal(free - fs.AvailableFreeSpace, (written + fs.ClusterSize - 1) / fs.ClusterSize * fs.ClusterSize);
        fs.CreateFile("small");
        using (var f = fs.OpenFile("small", true))
            Assert.Equal(FileSystemError.NoSpace, Assert.Throws<FileSystemException>(() => f.Write(0, new byte[fs.AvailableFreeSpace + 1])).Error);
        fs.Flush();
        img.Save(dev.Data);
        img.AssertFsckClean();
        Assert.True(chunk.AsSpan().SequenceEqual(img.MCopyOut("fill.bin").AsSpan(0, chunk.Length)));
    }

    [Theory]
    [InlineData(FatType.Fat12, 2048)]
    [InlineData(FatType.Fat16, 32768)]
    [InlineData(FatType.Fat32, 40960)]
    [InlineData(null, 1440)]
    [InlineData(null, 16384)]
    public void VolumesWeFormatPassFsckAndWorkWithMtools(FatType? type, int sizeKiB)
    {
        var dev = new MemoryBlockDevice(new byte[sizeKiB * 1024]);
        FatFormatter.Format(dev, "COSMOS", type);
        using var img = FatTestImage.FromBytes(dev.Data);
        img.AssertFsckClean();
        var fs = FatFileSystem.Mount(new MemoryBlockDevice(img.Bytes));
        if (type != null) Assert.Equal(type.Value, fs.Type);
        Assert.Equal("COSMOS", fs.Label);
        Assert.Empty(fs.Warnings);
        var data = Pattern(10000, 5);
        img.MCopyIn("From mtools.bin", data);
        img.MMd("a dir");
        Assert.Equal(data, img.MCopyOut("From mtools.bin"));
        img.AssertFsckClean();
        var dev2 = new MemoryBlockDevice(img.Bytes);
        fs = FatFileSystem.Mount(dev2);
        using (var f = fs.OpenFile("from MTOOLS.bin", false))
        {
            var b = new byte[f.Length];
            f.Read(0, b);
            Assert.Equal(data, b);
        }
        fs.CreateFile("a dir/ours.txt");
        using (var f = fs.OpenFile("a dir/ours.txt", true)) f.Write(0, data);
        fs.Label = "NEW LABEL";
        fs.Flush();
        img.Save(dev2.Data);
        img.AssertFsckClean();
        Assert.Equal(data, img.MCopyOut("a dir/ours.txt"));
        var lbl = HostTools.Check("mlabel", "mtools", "-s", "-i", img.ImagePath, "::").StdOut;
        Assert.Contains("NEW LABEL", lbl);
    }

    [Fact]
    public void FixedRootDirectoryFullThrowsNoSpace()
    {
        using var img = FatTestImage.Mkfs(12, 1440, 1);
        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev);
        int made = 0;
        var ex = Assert.Throws<FileSystemException>((Action)(() => { while (true) { fs.CreateFile($"F{made}.TXT"); made++; } }));
        Assert.Equal(FileSystemError.NoSpace, ex.Error);
        Assert.Equal(224, made); // mkfs.fat gives a 1.44 MB floppy 224 root entries
        fs.Flush();
        img.Save(dev.Data);
        img.AssertFsckClean();
        Assert.Equal(224, img.MDirNames("").Count);
    }

    [Fact]
    public void AutomaticTypeFollowsSize()
    {
        var small = new MemoryBlockDevice(new byte[1440 * 1024]);
        FatFormatter.Format(small);
        Assert.Equal(FatType.Fat12, FatFileSystem.Mount(small).Type);
        var mid = new MemoryBlockDevice(new byte[64 * 1024 * 1024]);
        FatFormatter.Format(mid);
        Assert.Equal(FatType.Fat16, FatFileSystem.Mount(mid).Type);
    }
}
