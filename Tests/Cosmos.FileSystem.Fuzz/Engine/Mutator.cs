using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Cosmos.FileSystem.Partitions;

namespace Cosmos.FileSystem.Fuzz;

/// <summary>
/// Mutations of a seed image, each recorded as text so a failure says what was done: bit flips, interesting values
/// written into header fields (BPB, MBR/GPT entries and headers, PVD/SVD, directory records, FAT entries), random
/// bytes, truncation, sector duplication and zeroing, splicing from another seed, and GPT CRC repair (so mutated
/// GPT fields get past the checksums).
/// </summary>
public static class Mutator
{
    private static readonly uint[] Interesting32 = { 0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x200, 0x800, 0x1000, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0x0FFFFFF7, 0x0FFFFFF8, 0x0FFFFFFF, 0xFF7, 0xFF8, 0xFFF7, 0xFFF8 };

    // BPB fields (offset, width) relative to a FAT volume's start.
    private static readonly (int, int)[] BpbFields = { (0, 1), (11, 2), (13, 1), (14, 2), (16, 1), (17, 2), (19, 2), (21, 1), (22, 2), (24, 2), (26, 2), (28, 4), (32, 4), (36, 4), (40, 2), (44, 4), (48, 2), (50, 2), (510, 2) };
    private static readonly int[] DirEntryFields = { 0, 11, 12, 13, 20, 26, 28 };
    private static readonly int[] IsoRecordFields = { 0, 1, 2, 10, 18, 25, 26, 32, 33 };

    /// <summary>Applies 1–6 random mutations; returns their descriptions.</summary>
    public static List<string> Mutate(FuzzImage img, FuzzSeed seed, IReadOnlyList<FuzzSeed> all, Random rng)
    {
        var log = new List<string>();
        int count = 1 + rng.Next(rng.Next(2) == 0 ? 2 : 6);
        for (int i = 0; i < count && img.Length > 0; i++)
            log.Add(MutateOnce(img, seed, all, rng));
        return log;
    }

    private static long HotOffset(FuzzImage img, FuzzSeed seed, Random rng)
    {
        int pick = rng.Next(10);
        if (pick < 4)
        {
            long start = seed.VolumeStarts[rng.Next(seed.VolumeStarts.Count)];
            return start + rng.Next(128 * 1024);
        }
        if (pick < 6) return rng.Next(64 * 1024);                 // MBR, GPT, ISO system area and descriptors
        if (pick < 7) return 16 * 2048 + rng.Next(4 * 2048);       // ISO volume descriptors
        return (long)(rng.NextDouble() * img.Length);
    }

    private static void WriteValue(FuzzImage img, long offset, int width, uint value)
    {
        for (int b = 0; b < width; b++) img.Set(offset + b, (byte)(value >> (8 * b)));
    }

    private static string MutateOnce(FuzzImage img, FuzzSeed seed, IReadOnlyList<FuzzSeed> all, Random rng)
    {
        switch (rng.Next(12))
        {
            case 0:
            case 1:
            {
                long o = HotOffset(img, seed, rng);
                int bit = rng.Next(8);
                img.Set(o, (byte)(img.Get(o) ^ (1 << bit)));
                return $"flip bit {bit} of byte {o}";
            }
            case 2:
            {
                long o = HotOffset(img, seed, rng);
                int width = 1 << rng.Next(3);
                o &= ~(long)(width - 1);
                uint v = Interesting32[rng.Next(Interesting32.Length)];
                WriteValue(img, o, width, v);
                return $"write {width}-byte 0x{v:X} at {o}";
            }
            case 3:
            {
                long vol = seed.VolumeStarts[rng.Next(seed.VolumeStarts.Count)];
                var (off, width) = BpbFields[rng.Next(BpbFields.Length)];
                uint v = Interesting32[rng.Next(Interesting32.Length)];
                WriteValue(img, vol + off, width, v);
                return $"BPB field +{off} of volume at {vol} = 0x{v:X}";
            }
            case 4:
            {
                int which = rng.Next(3);
                long o;
                int width;
                if (which == 0) { o = 446 + 16 * rng.Next(4) + new[] { 0, 4, 8, 12 }[rng.Next(4)]; width = o % 16 == 14 || o % 16 == 2 ? 1 : 4; }
                else if (which == 1) { o = 512 + new[] { 12, 24, 32, 40, 48, 72, 80, 84 }[rng.Next(8)]; width = 4; }
                else { o = 1024 + 128 * rng.Next(4) + new[] { 32, 40 }[rng.Next(2)]; width = 4; }
                if (which == 0 && (o - 446) % 16 == 0 || (o - 446) % 16 == 4) width = 1;
                uint v = Interesting32[rng.Next(Interesting32.Length)];
                if (rng.Next(3) == 0) v = (uint)rng.Next((int)Math.Min(int.MaxValue, img.Length / 512 + 10));
                WriteValue(img, o, width, v);
                string fix = "";
                if (which > 0 && rng.Next(2) == 0) fix = "; " + FixGptCrcs(img);
                return $"partition field at {o} ({width} bytes) = 0x{v:X}{fix}";
            }
            case 5:
            {
                long desc = 16 * 2048 + 2048 * rng.Next(3);
                int[] fields = { 0, 6, 80, 120, 128, 156, 156 + 2, 156 + 10, 156 + 25, 156 + 32, 88 };
                int f = fields[rng.Next(fields.Length)];
                int width = f == 0 || f == 6 || f == 156 || f == 156 + 25 || f == 156 + 32 || f == 88 ? 1 : (f == 128 ? 2 : 4);
                uint v = Interesting32[rng.Next(Interesting32.Length)];
                if (rng.Next(2) == 0) v = (uint)rng.Next(64);
                WriteValue(img, desc + f, width, v);
                return $"volume descriptor at {desc} field +{f} = 0x{v:X}";
            }
            case 6:
            {
                // A directory record or entry: a real one of the seed (ISO records of both trees, FAT root entries) most
                // of the time, else a guess (FAT entries are 32-byte aligned).
                long o = HotOffset(img, seed, rng);
                bool real = seed.RecordOffsets.Count > 0 && rng.Next(4) != 0;
                if (real) o = seed.RecordOffsets[rng.Next(seed.RecordOffsets.Count)];
                bool fatStyle = real ? (o < 16 * 2048 || seed.Name.EndsWith(".img", StringComparison.Ordinal)) : rng.Next(2) == 0;
                if (fatStyle)
                {
                    o &= ~31L;
                    int f = DirEntryFields[rng.Next(DirEntryFields.Length)];
                    uint v = Interesting32[rng.Next(Interesting32.Length)];
                    int width = f == 0 || f == 11 || f == 12 || f == 13 ? 1 : (f == 28 ? 4 : 2);
                    WriteValue(img, o + f, width, v);
                    return $"FAT-style directory entry at {o} field +{f} = 0x{v:X}";
                }
                else
                {
                    int f = IsoRecordFields[rng.Next(IsoRecordFields.Length)];
                    int width = f == 2 || f == 10 ? 4 : 1;
                    uint v = rng.Next(2) == 0 ? Interesting32[rng.Next(Interesting32.Length)] : (uint)rng.Next(256);
                    WriteValue(img, o + f, width, v);
                    return $"ISO-style directory record at {o} field +{f} = 0x{v:X}";
                }
            }
            case 7:
            {
                // FAT entries: inside a real FAT region of the seed, else near the start of a volume.
                long vol = seed.VolumeStarts[rng.Next(seed.VolumeStarts.Count)];
                long o = vol + 512 * rng.Next(1, 40) + 4 * rng.Next(128);
                if (seed.FatRegions.Count > 0 && rng.Next(4) != 0)
                {
                    var (start, length) = seed.FatRegions[rng.Next(seed.FatRegions.Count)];
                    o = start + (long)(rng.NextDouble() * Math.Min(length, 8192)) / 2 * 2;
                }
                uint v = Interesting32[rng.Next(Interesting32.Length)];
                if (rng.Next(2) == 0) v = (uint)rng.Next(2, 5000);
                WriteValue(img, o, rng.Next(2) == 0 ? 2 : 4, v);
                return $"FAT-entry-like value 0x{v:X} at {o}";
            }
            case 8:
            {
                long len = img.Length;
                long newLen = rng.Next(2) == 0 ? (long)(rng.NextDouble() * len) : len - 2048 * rng.Next(1, 64);
                newLen = Math.Max(2048, newLen / 2048 * 2048);
                img.Truncate(newLen);
                return $"truncate to {img.Length}";
            }
            case 9:
            {
                long sectors = img.Length / 512;
                long from = rng.Next(3) == 0 ? (long)(rng.NextDouble() * sectors) : HotOffset(img, seed, rng) / 512;
                long to = rng.Next(2) == 0 ? (long)(rng.NextDouble() * sectors) : HotOffset(img, seed, rng) / 512;
                int n = 1 + rng.Next(4);
                if (rng.Next(2) == 0)
                {
                    var buf = new byte[512 * n];
                    img.Read(from * 512, buf);
                    img.Write(to * 512, buf);
                    return $"duplicate sectors {from}+{n} onto {to}";
                }
                img.Write(to * 512, new byte[512 * n]);
                return $"zero sectors {to}+{n}";
            }
            case 10:
            {
                FuzzSeed other = all[rng.Next(all.Count)];
                long o = HotOffset(img, seed, rng) / 512 * 512;
                long src = rng.Next(2) == 0 ? o : (long)(rng.NextDouble() * other.Data.Length) / 512 * 512;
                int n = 512 * (1 + rng.Next(16));
                if (src + n > other.Data.Length) src = Math.Max(0, other.Data.Length - n);
                n = (int)Math.Min(n, other.Data.Length - src);
                img.Write(o, other.Data.AsSpan((int)src, n));
                return $"splice {n} bytes of {other.Name}@{src} at {o}";
            }
            default:
            {
                long o = HotOffset(img, seed, rng);
                int n = 1 + rng.Next(16);
                for (int k = 0; k < n; k++) img.Set(o + k, (byte)rng.Next(256));
                return $"random {n} bytes at {o}";
            }
        }
    }

    /// <summary>Recomputes the primary GPT header's entry-array and header CRC32s (UEFI 2.10 §5.3.2) when it looks like one.</summary>
    public static string FixGptCrcs(FuzzImage img)
    {
        var h = new byte[512];
        img.Read(512, h);
        if (BinaryPrimitives.ReadUInt64LittleEndian(h) != 0x5452415020494645UL) return "no GPT header to fix";
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(80));
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(84));
        ulong lba = BinaryPrimitives.ReadUInt64LittleEndian(h.AsSpan(72));
        ulong bytes = (ulong)count * size;
        if (bytes <= 1 << 20 && lba < (ulong)img.Length / 512)
        {
            var arr = new byte[bytes];
            img.Read((long)lba * 512, arr);
            BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(88), Crc32.Compute(arr));
        }
        uint hs = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(12));
        if (hs < 92 || hs > 512) hs = 92;
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), Crc32.Compute(h.AsSpan(0, (int)hs)));
        img.Write(512, h);
        return "GPT CRCs fixed";
    }
}
