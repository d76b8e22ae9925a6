using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Cosmos.FileSystem.Partitions;

namespace Cosmos.FileSystem.Fuzz;

/// <summary>One seed image and where its interesting structures are.</summary>
public sealed class FuzzSeed
{
    /// <summary>File name of the seed ("fat16.img", "joliet.iso"…).</summary>
    public string Name { get; init; }

    /// <summary>The image bytes (never modified).</summary>
    public byte[] Data { get; init; }

    /// <summary>Byte offsets where a volume starts (0 for a bare volume; each partition's start on a disk).</summary>
    public List<long> VolumeStarts { get; init; } = new();

    /// <summary>Byte offsets of directory records (ISO9660, both trees) and of FAT directory entries (FAT12/16 fixed root, and every directory held in clusters, up to 2000 entries per volume).</summary>
    public List<long> RecordOffsets { get; } = new();

    /// <summary>FAT regions (offset, length in bytes) of the FAT volumes in the seed.</summary>
    public List<(long offset, long length)> FatRegions { get; } = new();

    /// <summary>Fills <see cref="RecordOffsets"/> and <see cref="FatRegions"/> by parsing the (well-formed) seed.</summary>
    public void MapStructures()
    {
        foreach (long v in VolumeStarts) MapFat(v);
        MapIso();
    }

    private int U16(long o) => o + 2 <= Data.Length ? Data[o] | Data[o + 1] << 8 : 0;
    private uint U32(long o) => o + 4 <= Data.Length ? (uint)(U16(o) | U16(o + 2) << 16) : 0;

    private void MapFat(long v)
    {
        if (v + 512 > Data.Length || Data[v + 510] != 0x55 || Data[v + 511] != 0xAA) return;
        int bps = U16(v + 11), reserved = U16(v + 14), fats = Data[v + 16], rootEntries = U16(v + 17);
        long fatSize = U16(v + 22) != 0 ? U16(v + 22) : U32(v + 36);
        if (bps == 0 || fats == 0 || fatSize == 0) return;
        long fatStart = v + (long)reserved * bps;
        for (int i = 0; i < fats; i++) FatRegions.Add((fatStart + i * fatSize * bps, fatSize * bps));
        long root = fatStart + fats * fatSize * bps;
        for (int i = 0; i < Math.Min(rootEntries, 64); i++) RecordOffsets.Add(root + 32L * i);

        // Entries of the directories held in clusters (the FAT32 root, every subdirectory), so the directory-entry
        // mutations reach them too: walk the tree through the first FAT (the seed is well formed; bounds are kept
        // anyway). Data region: after the fixed root (FAT12/16) or right after the FATs (FAT32).
        int spc = Data[v + 13];
        if (spc == 0) return;
        bool fat32 = U16(v + 22) == 0;
        long totalSectors = U16(v + 19) != 0 ? U16(v + 19) : U32(v + 32);
        long dataStart = root + ((long)rootEntries * 32 + bps - 1) / bps * bps;
        long clusterCount = (totalSectors - (dataStart - v) / bps) / spc;
        int fatBits = fat32 ? 32 : clusterCount < 4085 ? 12 : 16;
        long clusterBytes = (long)spc * bps;
        uint Next(uint c)
        {
            long o = fatStart + (fatBits == 12 ? c * 3 / 2 : c * (fatBits / 8));
            uint e = fatBits == 32 ? U32(o) & 0x0FFFFFFF : (uint)U16(o);
            return fatBits == 12 ? ((c & 1) != 0 ? e >> 4 : e & 0xFFF) : e;
        }
        var pending = new Queue<uint>();
        var seen = new HashSet<uint>();
        bool IsSubdir(long e) =>
            Data[e] != 0 && Data[e] != 0xE5 && Data[e] != (byte)'.' && (Data[e + 11] & 0x3F) != 0x0F && (Data[e + 11] & 0x10) != 0;
        if (fat32) pending.Enqueue(U32(v + 44));
        else
            for (long e = root; e + 32 <= Math.Min(root + 32L * rootEntries, Data.Length) && Data[e] != 0; e += 32)
                if (IsSubdir(e)) pending.Enqueue((uint)U16(e + 26));
        int mapped = 0;
        while (pending.Count > 0 && mapped < 2000)
        {
            uint c = pending.Dequeue();
            bool end = false;
            while (!end && c >= 2 && c < clusterCount + 2 && seen.Add(c))
            {
                long at = dataStart + (c - 2) * clusterBytes;
                for (long e = at; e + 32 <= Math.Min(at + clusterBytes, Data.Length); e += 32)
                {
                    if (Data[e] == 0) { end = true; break; }
                    RecordOffsets.Add(e);
                    mapped++;
                    if (IsSubdir(e))
                        pending.Enqueue((uint)U16(e + 26) | (fat32 ? (uint)U16(e + 20) << 16 : 0u));
                }
                uint n = Next(c);
                if (n < 2 || n >= (fat32 ? 0x0FFFFFF8u : fatBits == 16 ? 0xFFF8u : 0xFF8u)) break;
                c = n;
            }
        }
    }

    private void MapIso()
    {
        const int B = 2048;
        for (int d = 16; d < 32 && (d + 1) * B <= Data.Length; d++)
        {
            long vd = (long)d * B;
            if (Data[vd] == 255) break;
            if (Data[vd] != 1 && Data[vd] != 2) continue;
            var queue = new Queue<(uint lba, uint size)>();
            var seen = new HashSet<uint>();
            queue.Enqueue((U32(vd + 156 + 2), U32(vd + 156 + 10)));
            while (queue.Count > 0 && RecordOffsets.Count < 5000)
            {
                var (lba, size) = queue.Dequeue();
                if (!seen.Add(lba) || (long)lba * B + size > Data.Length) continue;
                long pos = (long)lba * B, end = pos + size;
                while (pos < end)
                {
                    int len = Data[pos];
                    if (len == 0) { pos = (pos / B + 1) * B; continue; }
                    RecordOffsets.Add(pos);
                    if ((Data[pos + 25] & 2) != 0 && !(Data[pos + 32] == 1 && Data[pos + 33] <= 1))
                        queue.Enqueue((U32(pos + 2), U32(pos + 10)));
                    pos += len;
                }
            }
        }
    }
}

/// <summary>
/// Builds the seed corpus with the Debian tools: FAT12/16/32 volumes (dosfstools' mkfs.fat, filled with mtools: long
/// names, nested directories), ISO images with and without Joliet (xorriso), and MBR and GPT disks (fdisk's sfdisk)
/// with a FAT partition inside. Seeds already present in the directory are reused, so a run is reproducible from
/// (seeds directory, seed, case number).
/// </summary>
public static class FuzzSeeds
{
    private const long MiB = 1 << 20;

    /// <summary>Package that ships <paramref name="tool"/>, for the error when it is missing.</summary>
    public static string PackageOf(string tool) => tool switch
    {
        "sfdisk" => "fdisk",
        "xorriso" => "xorriso",
        "mkfs.fat" => "dosfstools",
        "mcopy" or "mmd" => "mtools",
        _ => tool,
    };

    /// <summary>Creates (or reuses) the seeds in <paramref name="dir"/> and loads them.</summary>
    /// <exception cref="InvalidOperationException">A tool is missing (the message names the Debian package) or failed.</exception>
    public static List<FuzzSeed> Build(string dir)
    {
        Directory.CreateDirectory(dir);
        string content = Path.Combine(dir, "content");
        MakeContent(content);
        var seeds = new List<FuzzSeed>();

        seeds.Add(Fat(dir, "fat12.img", 1 * MiB, "-F 12", content));
        seeds.Add(Fat(dir, "fat16.img", 6 * MiB, "-F 16 -s 1", content));
        seeds.Add(Fat(dir, "fat32.img", 34 * MiB, "-F 32 -s 1", content));
        seeds.Add(Iso(dir, "joliet.iso", "-J -joliet-long -V JOLIET_SEED", content));
        seeds.Add(Iso(dir, "plain.iso", "--norock -V PLAIN_SEED", content));
        seeds.Add(Iso(dir, "rockridge.iso", "-R -V RR_SEED", content));
        seeds.Add(Disk(dir, "mbr.img", "label: dos\nlabel-id: 0x0BADCAFE\n,3M,c,*\n,,E\n,2M,6\n,,c\n", content));
        seeds.Add(Disk(dir, "gpt.img", "label: gpt\nlabel-id: 5A1E0C7B-1A2B-4C3D-8E9F-0123456789AB\nsize=3M, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"FAT data\"\nsize=2M, type=L, name=\"second\"\n", content));
        foreach (FuzzSeed seed in seeds) seed.MapStructures();
        return seeds;
    }

    private static void MakeContent(string root)
    {
        if (Directory.Exists(root)) return;
        var rng = new Random(7);
        void F(string rel, int size)
        {
            string p = Path.Combine(root, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(p));
            var b = new byte[size];
            rng.NextBytes(b);
            File.WriteAllBytes(p, b);
            File.SetLastWriteTimeUtc(p, new DateTime(2024, 5, 6, 7, 8, 10, DateTimeKind.Utc));
        }
        F("readme.txt", 300);
        F("A long file name with spaces.text", 5000);
        F("empty", 0);
        F("Nested Directory/Second Level/deep file name.bin", 9000);
        F("Nested Directory/small.txt", 12);
        for (int i = 0; i < 40; i++) F($"many/entry number {i:D2} long name.dat", i * 50);
        F("big/large.bin", 200 * 1024);
        // Long enough that Rock Ridge needs a SUSP continuation area (CE) for the name.
        F("Nested Directory/" + new string('n', 200) + " continued in a CE area.txt", 77);
    }

    private static FuzzSeed Fat(string dir, string name, long size, string options, string content)
    {
        string img = Path.Combine(dir, name);
        if (!File.Exists(img))
        {
            string tmp = img + ".tmp";
            MakeFatImage(tmp, size, options, content);
            File.Move(tmp, img, true);
        }
        return new FuzzSeed { Name = name, Data = File.ReadAllBytes(img), VolumeStarts = { 0 } };
    }

    private static void MakeFatImage(string img, long size, string options, string content)
    {
        using (var f = new FileStream(img, FileMode.Create)) f.SetLength(size);
        Run("mkfs.fat", $"{options} -i 12345678 -n SEEDVOL \"{img}\"");
        // mtools: directories first, then files (-m keeps the times).
        foreach (string sub in Directory.GetDirectories(content, "*", SearchOption.AllDirectories))
            Run("mmd", $"-i \"{img}\" \"::/{Path.GetRelativePath(content, sub).Replace('\\', '/')}\"");
        foreach (string file in Directory.GetFiles(content, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(content, file).Replace('\\', '/');
            if (new FileInfo(file).Length > size / 8) continue;
            Run("mcopy", $"-m -i \"{img}\" \"{file}\" \"::/{rel}\"");
        }
    }

    private static FuzzSeed Iso(string dir, string name, string options, string content)
    {
        string img = Path.Combine(dir, name);
        if (!File.Exists(img))
        {
            string tmp = img + ".tmp";
            Run("xorriso", $"-as mkisofs -quiet {options} -o \"{tmp}\" \"{content}\"");
            File.Move(tmp, img, true);
        }
        return new FuzzSeed { Name = name, Data = File.ReadAllBytes(img), VolumeStarts = { 0 } };
    }

    private static FuzzSeed Disk(string dir, string name, string script, string content)
    {
        string img = Path.Combine(dir, name);
        if (!File.Exists(img))
        {
            string tmp = img + ".tmp";
            using (var f = new FileStream(tmp, FileMode.Create)) f.SetLength(12 * MiB);
            Run("sfdisk", $"-q \"{tmp}\"", script);
            byte[] disk = File.ReadAllBytes(tmp);
            PartitionTableInfo info = PartitionTable.Read(new MemoryBlockDevice(disk));
            if (info.Partitions.Count == 0) throw new InvalidOperationException($"sfdisk made no partitions in {name}");
            // A FAT12 volume in the first partition (made on its own and copied in).
            PartitionInfo p = info.Partitions[0];
            string fat = tmp + ".fat";
            MakeFatImage(fat, (long)p.SectorCount * 512, "-F 12", content);
            File.ReadAllBytes(fat).CopyTo(disk, (long)p.FirstLba * 512);
            File.Delete(fat);
            File.WriteAllBytes(tmp, disk);
            File.Move(tmp, img, true);
        }
        byte[] data = File.ReadAllBytes(img);
        var seed = new FuzzSeed { Name = name, Data = data };
        foreach (PartitionInfo p in PartitionTable.Read(new MemoryBlockDevice(data)).Partitions)
            seed.VolumeStarts.Add((long)p.FirstLba * 512);
        return seed;
    }

    private static string Run(string tool, string args, string stdin = null)
    {
        string path = null;
        foreach (string d in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin" })
            if (File.Exists(Path.Combine(d, tool))) { path = Path.Combine(d, tool); break; }
        if (path == null)
            throw new InvalidOperationException($"host tool '{tool}' is missing: install the Debian package '{PackageOf(tool)}'");
        var psi = new ProcessStartInfo(path, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["MTOOLS_SKIP_CHECK"] = "1";
        psi.Environment["SOURCE_DATE_EPOCH"] = "1714979290";
        using Process p = Process.Start(psi);
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {args} exited with {p.ExitCode}: {err.Result}{output}");
        return output;
    }
}
