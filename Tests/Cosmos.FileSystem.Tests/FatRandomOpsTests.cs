using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>Random operations against a model; the result must pass fsck.fat and read back the same with mtools and with us.</summary>
public class FatRandomOpsTests
{
    [Theory]
    [InlineData(12, 1440, 1, 1)]
    [InlineData(16, 8192, 1, 2)]
    [InlineData(16, 65536, 8, 3)]
    [InlineData(32, 40960, 1, 4)]
    public void RandomOperationsKeepTheVolumeConsistent(int fatBits, int sizeKiB, int spc, int seed)
    {
        using var img = FatTestImage.Mkfs(fatBits, sizeKiB, spc);
        var dev = new MemoryBlockDevice(img.Bytes);
        var fs = FatFileSystem.Mount(dev);
        var rnd = new Random(seed);
        var files = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var dirs = new List<string> { "" };
        string NewName() => rnd.Next(3) switch
        {
            0 => $"F{rnd.Next(1000)}.BIN",
            1 => $"file {rnd.Next(1000)} with a long name.dat",
            _ => $"x{rnd.Next(100)}",
        };
        string Join(string d, string n) => d.Length == 0 ? n : d + "/" + n;
        bool Taken(string p) => files.ContainsKey(p) || dirs.Contains(p, StringComparer.OrdinalIgnoreCase);
        for (int op = 0; op < 500; op++)
        {
            int kind = rnd.Next(10);
            try
            {
                if (kind <= 1 || files.Count == 0)
                {
                    string p = Join(dirs[rnd.Next(dirs.Count)], NewName());
                    if (Taken(p)) continue;
                    fs.CreateFile(p);
                    files[p] = Array.Empty<byte>();
                }
                else if (kind <= 4)
                {
                    var p = files.Keys.ElementAt(rnd.Next(files.Count));
                    var old = files[p];
                    int off = rnd.Next(old.Length + 3000);
                    var data = FatHostToolTests.Pattern(rnd.Next(1, 9000), op);
                    using var f = fs.OpenFile(p, true);
                    f.Write(off, data);
                    var n = new byte[Math.Max(old.Length, off + data.Length)];
                    old.CopyTo(n, 0);
                    data.CopyTo(n, off);
                    files[p] = n;
                }
                else if (kind == 5)
                {
                    var p = files.Keys.ElementAt(rnd.Next(files.Count));
                    int len = rnd.Next(files[p].Length + 2000);
                    using var f = fs.OpenFile(p, true);
                    f.SetLength(len);
                    var n = new byte[len];
                    Array.Copy(files[p], n, Math.Min(len, files[p].Length));
                    files[p] = n;
                }
                else if (kind == 6)
                {
                    var p = files.Keys.ElementAt(rnd.Next(files.Count));
                    fs.DeleteFile(p);
                    files.Remove(p);
                }
                else if (kind == 7)
                {
                    var p = files.Keys.ElementAt(rnd.Next(files.Count));
                    string q = Join(dirs[rnd.Next(dirs.Count)], NewName());
                    if (Taken(q)) continue;
                    fs.Rename(p, q, false);
                    files[q] = files[p];
                    files.Remove(p);
                }
                else if (kind == 8 && dirs.Count < 15)
                {
                    string p = Join(dirs[rnd.Next(dirs.Count)], "dir " + rnd.Next(1000));
                    if (Taken(p)) continue;
                    fs.CreateDirectory(p);
                    dirs.Add(p);
                }
                else if (kind == 9 && dirs.Count > 1)
                {
                    var d = dirs[1 + rnd.Next(dirs.Count - 1)];
                    bool empty = !files.Keys.Any(k => k.StartsWith(d + "/", StringComparison.OrdinalIgnoreCase)) &&
                                 !dirs.Any(k => k.StartsWith(d + "/", StringComparison.OrdinalIgnoreCase));
                    if (empty) { fs.DeleteDirectory(d); dirs.Remove(d); }
                    else Assert.Equal(FileSystemError.DirectoryNotEmpty, Assert.Throws<FileSystemException>(() => fs.DeleteDirectory(d)).Error);
                }
            }
            catch (FileSystemException e) when (e.Error == FileSystemError.NoSpace)
            {
                // A full volume is allowed; the model is unchanged because the write was refused up front.
            }
            if (op % 50 == 0) fs.Flush();
            if (op % 25 == 0) AssertLiveView();
        }
        AssertLiveView();

        // The mounted file system's own view (its loaded directories and open-file state) agrees with the model.
        void AssertLiveView()
        {
            foreach (var kv in files)
            {
                var e = fs.GetEntry(kv.Key);
                Assert.True(e != null, "live lookup of " + kv.Key);
                Assert.Equal((long)kv.Value.Length, e.Value.Length);
            }
            foreach (var d in dirs)
            {
                var names = fs.ListDirectory(d).Select(x => Join(d, x.Name)).OrderBy(x => x, StringComparer.OrdinalIgnoreCase).ToList();
                var want = files.Keys.Concat(dirs.Where(x => x.Length > 0))
                    .Where(k => { int i = k.LastIndexOf('/'); return string.Equals(i < 0 ? "" : k.Substring(0, i), d, StringComparison.OrdinalIgnoreCase); })
                    .OrderBy(x => x, StringComparer.OrdinalIgnoreCase).ToList();
                Assert.Equal(want, names, StringComparer.OrdinalIgnoreCase);
            }
        }
        fs.Flush();
        Assert.False(fs.IsReadOnly, string.Join("\n", fs.Warnings));
        img.Save(dev.Data);
        img.AssertFsckClean();
        var again = FatFileSystem.Mount(new MemoryBlockDevice(img.Bytes));
        Assert.Empty(again.Warnings);
        foreach (var kv in files)
        {
            using var f = again.OpenFile(kv.Key, false);
            var b = new byte[f.Length];
            f.Read(0, b);
            Assert.True(kv.Value.AsSpan().SequenceEqual(b), kv.Key);
        }
        foreach (var kv in files.Take(10))
            Assert.True(kv.Value.AsSpan().SequenceEqual(img.MCopyOut(kv.Key)), "mcopy " + kv.Key);
    }
}
