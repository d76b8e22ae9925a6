using System;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.Network.Fuzz;

/// <summary>One captured frame: the pcap it came from, its index there, its octets and layout.</summary>
public sealed class SeedFrame
{
    /// <summary>Creates a seed frame.</summary>
    public SeedFrame(string file, int index, byte[] data)
    {
        File = file; Index = index; Data = data; Layout = FrameLayout.Of(data);
    }

    /// <summary>The pcap's file name without its folder ("dns.pcap").</summary>
    public string File { get; }
    /// <summary>Index of the frame in its pcap (0-based).</summary>
    public int Index { get; }
    /// <summary>The frame (Ethernet header onwards, no FCS). Never modified: mutations work on copies.</summary>
    public byte[] Data { get; }
    /// <summary>Where its layers are.</summary>
    public FrameLayout Layout { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{File}#{Index} ({Data.Length} octets, {Layout.Describe()})";
}

/// <summary>The seed frames of every pcap in a folder, in file-name order (so runs are reproducible).</summary>
public sealed class SeedCorpus
{
    /// <summary>All frames.</summary>
    public List<SeedFrame> Frames { get; } = new List<SeedFrame>();
    /// <summary>Frames per pcap, in capture order (for sequences of neighbouring frames: fragments, conversations).</summary>
    public Dictionary<string, List<SeedFrame>> ByFile { get; } = new Dictionary<string, List<SeedFrame>>();

    /// <summary>Loads every *.pcap in <paramref name="folder"/>. Throws <see cref="InvalidDataException"/> when there is none.</summary>
    public static SeedCorpus Load(string folder)
    {
        var c = new SeedCorpus();
        string[] files = Directory.GetFiles(folder, "*.pcap");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string path in files)
        {
            string name = Path.GetFileName(path);
            List<byte[]> frames = Pcap.Read(System.IO.File.ReadAllBytes(path));
            var list = new List<SeedFrame>();
            for (int i = 0; i < frames.Count; i++) list.Add(new SeedFrame(name, i, frames[i]));
            c.ByFile[name] = list;
            c.Frames.AddRange(list);
        }
        if (c.Frames.Count == 0) throw new InvalidDataException($"no pcap frames in {folder}");
        return c;
    }

    /// <summary>The folder holding the seeds: Seeds/ beside the running assembly (copied there by the build), else the source tree's.</summary>
    public static string DefaultFolder()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "Seeds");
        if (Directory.Exists(beside) && Directory.GetFiles(beside, "*.pcap").Length > 0) return beside;
        for (string dir = AppContext.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            string candidate = Path.Combine(dir, "Tests", "Cosmos.Network.Fuzz", "Seeds");
            if (Directory.Exists(candidate)) return candidate;
        }
        return beside;
    }

    /// <summary>The frame that follows <paramref name="seed"/> by <paramref name="delta"/> in its pcap (wrapping).</summary>
    public SeedFrame Neighbour(SeedFrame seed, int delta)
    {
        List<SeedFrame> list = ByFile[seed.File];
        int i = ((seed.Index + delta) % list.Count + list.Count) % list.Count;
        return list[i];
    }
}
