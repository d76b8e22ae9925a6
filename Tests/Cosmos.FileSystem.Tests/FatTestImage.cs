using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.FileSystem.Fat;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>A FAT image file in a temp directory, made and inspected with dosfstools and mtools.</summary>
internal sealed class FatTestImage : IDisposable
{
    /// <summary>An empty temp directory for an image the caller makes at <see cref="ImagePath"/>.</summary>
    public FatTestImage() { }

    private readonly HostTools.TempDir _dir = HostTools.TempDirectory();
    public string ImagePath => _dir.File("fat.img");
    public string Local(string name) => _dir.File(name);

    /// <summary>mkfs.fat -F <paramref name="fatBits"/> -s <paramref name="spc"/> on a <paramref name="sizeKiB"/> KiB image.</summary>
    public static FatTestImage Mkfs(int fatBits, int sizeKiB, int spc, string label = null)
    {
        var img = new FatTestImage();
        var args = new List<string> { "-C", "-F", fatBits.ToString(), "-s", spc.ToString() };
        if (label != null) { args.Add("-n"); args.Add(label); }
        args.Add(img.ImagePath); args.Add(sizeKiB.ToString());
        HostTools.Check("mkfs.fat", "dosfstools", args.ToArray());
        return img;
    }

    /// <summary>Wraps existing image bytes.</summary>
    public static FatTestImage FromBytes(byte[] data)
    {
        var img = new FatTestImage();
        File.WriteAllBytes(img.ImagePath, data);
        return img;
    }

    public byte[] Bytes => File.ReadAllBytes(ImagePath);
    public void Save(byte[] data) => File.WriteAllBytes(ImagePath, data);

    /// <summary>Copies local bytes to ::/<paramref name="path"/> with mcopy.</summary>
    public void MCopyIn(string path, byte[] content)
    {
        string local = Local("in-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(local, content);
        HostTools.Check("mcopy", "mtools", "-i", ImagePath, local, "::/" + path);
        File.Delete(local);
    }

    public void MMd(string path) => HostTools.Check("mmd", "mtools", "-i", ImagePath, "::/" + path);
    public void MDel(string path) => HostTools.Check("mdel", "mtools", "-i", ImagePath, "::/" + path);

    /// <summary>The bytes of ::/<paramref name="path"/> as mcopy copies them out.</summary>
    public byte[] MCopyOut(string path)
    {
        string local = Local("out-" + Guid.NewGuid().ToString("N"));
        HostTools.Check("mcopy", "mtools", "-n", "-i", ImagePath, "::/" + path, local);
        var b = File.ReadAllBytes(local);
        File.Delete(local);
        return b;
    }

    /// <summary>Names in ::/<paramref name="path"/> as mdir lists them (long names when present).</summary>
    public HashSet<string> MDirNames(string path)
    {
        var r = HostTools.Check("mdir", "mtools", "-b", "-i", ImagePath, "::/" + path);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in r.StdOut.Split('\n'))
        {
            var l = line.TrimEnd('\r');
            if (l.Length == 0) continue;
            int slash = l.TrimEnd('/').LastIndexOf('/');
            set.Add(l.TrimEnd('/').Substring(slash + 1));
        }
        return set;
    }

    /// <summary>Runs fsck.fat -n and fails unless it exits 0 with no complaint.</summary>
    public void AssertFsckClean()
    {
        var q = HostTools.Run("fsck.fat", "dosfstools", "-n", ImagePath);
        Assert.True(q.ExitCode == 0, "fsck.fat -n failed: " + q);
        var lines = q.StdOut.Trim().Split('\n');
        // A clean volume gives the version line and the summary line only; anything else is a complaint.
        Assert.True(lines.Length == 2 && q.StdErr.Trim().Length == 0, "fsck.fat -n complained:\n" + q);
    }

    public void Dispose() => _dir.Dispose();
}
