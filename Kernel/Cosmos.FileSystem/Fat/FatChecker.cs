using System;
using System.Collections.Generic;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// The consistency check run at mount: the root directory's long names, and on volumes of up to 1M clusters a walk
/// of the whole tree (chains in range and acyclic, no cluster in two chains, file sizes within their chains,
/// entries inside the volume). What it finds makes the volume read-only with a warning.
/// </summary>
internal static class FatChecker
{
    private const uint FullCheckClusters = 1u << 20;
    private const int MaxDirectories = 20000;

    public static void Check(FatFileSystem fs)
    {
        var l = fs.Layout;
        var root = FatDirectory.Load(fs, 0, "");
        var bad = new List<string>();
        root.Parse(false, bad);
        foreach (var b in bad) fs.AddWarning(b);
        if (bad.Count > 0) { fs.SetReadOnlyAtMount("the root directory has broken long-name entries"); return; }
        if (l.ClusterCount > FullCheckClusters) return;

        var used = new uint[(l.MaxCluster + 32) / 32];
        bool Mark(uint c)
        {
            if ((used[c >> 5] & (1u << (int)(c & 31))) != 0) return false;
            used[c >> 5] |= 1u << (int)(c & 31);
            return true;
        }
        if (root.Clusters != null)
            foreach (var c in root.Clusters)
                if (!Mark(c)) { fs.SetReadOnlyAtMount($"root directory cluster {c} is used twice"); return; }

        var pending = new Queue<FatDirectory>();
        pending.Enqueue(root);
        int dirs = 0;
        while (pending.Count > 0)
        {
            var d = pending.Dequeue();
            if (++dirs > MaxDirectories) return;
            foreach (var e in d.Parse(false, bad))
            {
                string path = FatDirectory.Join(d.Path, e.Name);
                if (e.FirstCluster == 0) continue;
                var chain = fs.Fat.ReadChain(e.FirstCluster, path);
                foreach (var c in chain)
                    if (!Mark(c)) { fs.SetReadOnlyAtMount($"'{path}': cluster {c} belongs to two chains (cross-linked)"); return; }
                if (e.IsDirectory)
                    pending.Enqueue(FatDirectory.Load(fs, e.FirstCluster, path, cache: false));
                else if (e.Size > (ulong)chain.Count * (ulong)l.BytesPerCluster)
                { fs.SetReadOnlyAtMount($"'{path}': size {e.Size} exceeds its {chain.Count} clusters"); return; }
            }
            foreach (var b in bad) fs.AddWarning(b);
            bad.Clear();
        }
    }
}
