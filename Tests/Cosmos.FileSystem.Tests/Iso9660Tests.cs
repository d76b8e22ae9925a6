using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.FileSystem.Iso9660;
using Xunit;
using static Cosmos.FileSystem.Tests.HostTools;

namespace Cosmos.FileSystem.Tests;

public class Iso9660Tests
{
    /// <summary>Host files keyed by '/'-separated relative path (directories end without a slash and map to null).</summary>
    private static Dictionary<string, byte[]> MakeTree(string root, bool longNames)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var rng = new Random(1234);
        void File_(string rel, int size)
        {
            var data = new byte[size];
            rng.NextBytes(data);
            string p = Path.Combine(root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(p));
            File.WriteAllBytes(p, data);
            files[rel] = data;
        }
        void Dir(string rel)
        {
            Directory.CreateDirectory(Path.Combine(root, rel));
            files[rel] = null;
        }
        if (longNames)
        {
            File_("Hello World.txt", 13);
            File_("A rather long file name with spaces, commas and more text.data", 3000);
            File_("EMPTY FILE.bin", 0);
            File_("README", 100);
            Dir("Nested Dir");
            Dir("Nested Dir/Level Two");
            Dir("Nested Dir/Level Two/Level Three");
            File_("Nested Dir/Level Two/Level Three/deep file.TXT", 2049);
            Dir("Empty Directory");
            File_("big/Large file spanning many sectors.bin", 5 * 1024 * 1024 + 123);
            Dir("big");
            Dir("many");
            for (int i = 0; i < 120; i++) File_($"many/file number {i:D3} with a long name.txt", i * 37);
        }
        else
        {
            File_("HELLO.TXT", 13);
            File_("EMPTY.BIN", 0);
            File_("README", 100);
            Dir("NESTED");
            Dir("NESTED/LEVEL2");
            Dir("NESTED/LEVEL2/LEVEL3");
            File_("NESTED/LEVEL2/LEVEL3/DEEP.TXT", 2049);
            Dir("BIG");
            File_("BIG/LARGE.BIN", 3 * 1024 * 1024 + 5);
            Dir("MANY");
            for (int i = 0; i < 150; i++) File_($"MANY/F{i:D3}.DAT", i * 41);
        }
        return files;
    }

    private static void AssertTreeMatches(Iso9660FileSystem fs, Dictionary<string, byte[]> files)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Walk(string dir)
        {
            foreach (FileEntryInfo e in fs.ListDirectory(dir))
            {
                string rel = dir.Length == 0 ? e.Name : dir + "/" + e.Name;
                Assert.True(files.ContainsKey(rel), $"unexpected entry '{rel}'");
                Assert.True(seen.Add(rel), $"duplicate '{rel}'");
                Assert.True((e.Attributes & FileAttributes.ReadOnly) != 0);
                Assert.True(e.LastWriteTimeUtc.Year >= 2020, $"time {e.LastWriteTimeUtc:O}");
                if (e.IsDirectory)
                {
                    Assert.Null(files[rel]);
                    Walk(rel);
                }
                else
                {
                    byte[] expected = files[rel];
                    Assert.NotNull(expected);
                    Assert.Equal(expected.Length, e.Length);
                    using FileSystemFile f = fs.OpenFile(rel, false);
                    Assert.Equal(expected.Length, f.Length);
                    var actual = new byte[expected.Length + 10];
                    int got = 0;
                    // Odd-sized chunks: reads that start and end inside sectors.
                    while (true)
                    {
                        int n = f.Read(got, actual.AsSpan(got, Math.Min(70001, actual.Length - got)));
                        if (n == 0) break;
                        got += n;
                    }
                    Assert.Equal(expected.Length, got);
                    Assert.True(expected.AsSpan().SequenceEqual(actual.AsSpan(0, got)), $"content of '{rel}' differs");
                }
            }
        }
        Walk("");
        Assert.Equal(files.Count, seen.Count);
    }

    private static byte[] MakeIso(TempDir dir, string options, bool longNames, out Dictionary<string, byte[]> files)
    {
        string src = dir["src"];
        files = MakeTree(src, longNames);
        string iso = dir["out.iso"];
        RunLine("xorriso", $"-as mkisofs -quiet {options} -o \"{iso}\" \"{src}\"");
        return File.ReadAllBytes(iso);
    }

    [Fact]
    public void ReadsJolietIsoByteForByte()
    {
        using var dir = new TempDir();
        byte[] iso = MakeIso(dir, "-J -joliet-long -V \"Cosmos Test\"", longNames: true, out var files);
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 2048, readOnly: true));
        Assert.True(fs.IsJoliet);
        Assert.Equal("Cosmos Test", fs.Label);
        Assert.Equal("ISO9660", fs.TypeName);
        Assert.Empty(fs.Warnings);
        AssertTreeMatches(fs, files);

        // The same image seen through 512-byte sectors (a hard-disk view of the image).
        var fs512 = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 512));
        AssertTreeMatches(fs512, files);

        // Lookups are case-insensitive; parents are checked.
        Assert.NotNull(fs.GetEntry("nested dir/LEVEL TWO/level three/DEEP FILE.txt"));
        Assert.Null(fs.GetEntry("Nested Dir/missing"));
        Assert.True(fs.GetEntry("/").Value.IsDirectory);
        Assert.Equal(FileSystemError.PathNotFound, Assert.Throws<FileSystemException>(() => fs.GetEntry("nope/x")).Error);
        Assert.Equal(FileSystemError.NotADirectory, Assert.Throws<FileSystemException>(() => fs.GetEntry("README/x")).Error);
        Assert.Equal(FileSystemError.IsADirectory, Assert.Throws<FileSystemException>(() => fs.OpenFile("big", false)).Error);
        Assert.Equal(FileSystemError.NotFound, Assert.Throws<FileSystemException>(() => fs.OpenFile("nothing.txt", false)).Error);
    }

    [Fact]
    public void ReadsPlainIsoAndStripsVersionsAndDots()
    {
        using var dir = new TempDir();
        byte[] iso = MakeIso(dir, "--norock -V PLAIN_ISO", longNames: false, out var files);
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 2048));
        Assert.False(fs.IsJoliet);
        Assert.False(fs.HasRockRidge);
        Assert.Equal("PLAIN_ISO", fs.Label);
        AssertTreeMatches(fs, files); // "README.;1" reads as README, "HELLO.TXT;1" as HELLO.TXT
        Assert.Equal(iso.Length, fs.TotalSize);
    }

    [Fact]
    public void ReadsRockRidgeNames()
    {
        using var dir = new TempDir();
        byte[] iso = MakeIso(dir, "-R -V RR", longNames: true, out var files);
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 2048));
        Assert.False(fs.IsJoliet);
        Assert.True(fs.HasRockRidge);
        AssertTreeMatches(fs, files);
    }

    [Fact]
    public void EveryWriteIsReadOnly()
    {
        using var dir = new TempDir();
        byte[] iso = MakeIso(dir, "-J", longNames: false, out _);
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 2048));
        Assert.True(fs.IsReadOnly);
        Assert.Equal(0, fs.AvailableFreeSpace);
        var actions = new Action[]
        {
            () => fs.CreateFile("X"), () => fs.CreateDirectory("D"), () => fs.DeleteFile("README"),
            () => fs.DeleteDirectory("NESTED"), () => fs.Rename("README", "R2", false), () => fs.Label = "x",
            () => fs.SetAttributes("README", FileAttributes.Hidden), () => fs.SetTimes("README", null, null, DateTime.UtcNow),
            () => fs.OpenFile("README", true), () => fs.OpenFile("README", false).Write(0, new byte[1]),
            () => fs.OpenFile("README", false).SetLength(0),
        };
        foreach (Action a in actions)
            Assert.Equal(FileSystemError.ReadOnly, Assert.Throws<FileSystemException>(a).Error);
    }

    [Fact]
    public void RejectsNonIsoAndBoundsCorruptDirectories()
    {
        Assert.False(Iso9660FileSystem.TryMount(new MemoryBlockDevice(new byte[1 << 20]), out _, out string error));
        Assert.Contains("CD001", error);
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => Iso9660FileSystem.Mount(new MemoryBlockDevice(new byte[4096]))).Error);

        using var dir = new TempDir();
        byte[] iso = MakeIso(dir, "", longNames: false, out _);
        // Root extent pointing past the volume.
        byte[] bad = (byte[])iso.Clone();
        BitConverter.TryWriteBytes(bad.AsSpan(16 * 2048 + 156 + 2), 0x7FFFFFF0u);
        Assert.False(Iso9660FileSystem.TryMount(new MemoryBlockDevice(bad, 2048), out _, out error));
        Assert.Contains("root directory extent", error);

        // A directory record that crosses its block: Corrupt on listing, not an IndexOutOfRange.
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(iso, 2048));
        uint rootLba = BitConverter.ToUInt32(iso, 16 * 2048 + 156 + 2);
        bad = (byte[])iso.Clone();
        int rec = (int)rootLba * 2048;
        rec += bad[rec];
        rec += bad[rec]; // the third record (after "." and "..")
        bad[rec] = 20;   // shorter than a record can be
        var bfs = Iso9660FileSystem.Mount(new MemoryBlockDevice(bad, 2048));
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => bfs.ListDirectory("")).Error);
        // The last record of MANY's first block made to cross into the next block.
        bad = (byte[])iso.Clone();
        int manyLba = -1;
        for (int p = (int)rootLba * 2048; bad[p] != 0; p += bad[p])
            if (bad[p + 32] >= 4 && System.Text.Encoding.ASCII.GetString(bad, p + 33, 4) == "MANY") manyLba = BitConverter.ToInt32(bad, p + 2);
        Assert.True(manyLba > 0);
        int last = manyLba * 2048, q = last;
        while (q < (manyLba + 1) * 2048 && bad[q] != 0) { last = q; q += bad[q]; }
        Assert.True(last + 255 > (manyLba + 1) * 2048, "the test needs a record near the block end");
        bad[last] = 255;
        bfs = Iso9660FileSystem.Mount(new MemoryBlockDevice(bad, 2048));
        var ex = Assert.Throws<FileSystemException>(() => bfs.ListDirectory("MANY"));
        Assert.Equal(FileSystemError.Corrupt, ex.Error);
        Assert.Contains("crosses", ex.Message);

        // A truncated image: the volume is bounded by the device and reads past it are Corrupt.
        byte[] cut = iso.AsSpan(0, iso.Length / 2 / 2048 * 2048).ToArray();
        var cfs = Iso9660FileSystem.Mount(new MemoryBlockDevice(cut, 2048));
        Assert.NotEmpty(cfs.Warnings);
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => cfs.OpenFile("BIG/LARGE.BIN", false)).Error);
        _ = fs;
    }

    [Fact]
    public void RockRidgeLongNamesFollowContinuationAreas()
    {
        using var dir = new TempDir();
        string src = dir["src"];
        Directory.CreateDirectory(Path.Combine(src, "sub"));
        string longName = new string('L', 200) + " with a tail.txt"; // xorriso puts the end of the NM entry in a CE area
        string other = "Zz " + new string('m', 230);
        File.WriteAllText(Path.Combine(src, longName), "long");
        File.WriteAllText(Path.Combine(src, "sub", other), "other");
        File.WriteAllText(Path.Combine(src, "short.txt"), "short");
        string iso = dir["rr.iso"];
        RunLine("xorriso", $"-as mkisofs -quiet -R -o \"{iso}\" \"{src}\"");
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(File.ReadAllBytes(iso), 2048));
        Assert.True(fs.HasRockRidge);
        var names = fs.ListDirectory("").Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { longName, "short.txt", "sub" }.OrderBy(n => n, StringComparer.Ordinal).ToArray(), names);
        Assert.Equal(other, fs.ListDirectory("sub").Single().Name);
        using FileSystemFile f = fs.OpenFile(longName, false);
        var b = new byte[10];
        Assert.Equal(4, f.Read(0, b));
    }
}
