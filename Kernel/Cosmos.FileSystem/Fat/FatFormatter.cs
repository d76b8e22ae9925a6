using System;
using System.Buffers.Binary;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// Creates an empty FAT volume on a whole block device, laid out like mkfs.fat does: two FATs, media 0xF8, a
/// volume ID, the label in the BPB and as a root volume-label entry, on FAT32 an FSInfo sector at 1 and a backup
/// boot sector at 6 (fatgen103 §3, §5).
/// </summary>
public static class FatFormatter
{
    /// <summary>
    /// Formats <paramref name="device"/>. <paramref name="type"/> null picks by size: FAT32 from 512 MiB, otherwise
    /// FAT16, or FAT12 when FAT16 would have fewer than 4085 clusters. Cluster sizes follow fatgen103's tables
    /// (FAT16: 2 KiB up to 128 MiB … 32 KiB; FAT32: 512 B up to 260 MiB, 4 KiB up to 8 GiB …). <paramref name="quick"/>
    /// false also zeroes the data area. <paramref name="label"/>: up to 11 characters valid in short names.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    /// <exception cref="ArgumentException">The device is read-only, its sector size is not 512..4096, it is too small
    /// or too large for the requested type, or the label cannot be stored.</exception>
    /// <exception cref="FileSystemException">DeviceError when a write fails.</exception>
    public static void Format(IBlockDevice device, string label = null, FatType? type = null, bool quick = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.IsReadOnly) throw new ArgumentException("the device is read-only", nameof(device));
        int bps = device.SectorSize;
        if (bps < 512 || bps > 4096 || (bps & (bps - 1)) != 0)
            throw new ArgumentException($"sector size {bps} is not a power of two 512..4096", nameof(device));
        Span<byte> labelField = stackalloc byte[11];
        if (FatNames.EncodeLabel(label, labelField) != null)
            throw new ArgumentException($"label '{label}' is longer than 11 characters or has characters FAT labels cannot hold", nameof(label));
        bool hasLabel = !string.IsNullOrWhiteSpace(label);
        if (!hasLabel) "NO NAME    "u8.CopyTo(labelField);
        ulong total64 = Math.Min(device.SectorCount, 0xFFFFFFFFul);
        uint total = (uint)total64;
        ulong bytes = total64 * (ulong)bps;

        FatType t = type ?? (bytes >= 512ul * 1024 * 1024 ? FatType.Fat32 : FatType.Fat16);
        if (type == null && t == FatType.Fat16 && !TryPlan(FatType.Fat16, total, bps, out _)) t = FatType.Fat12;
        if (!TryPlan(t, total, bps, out var plan))
            throw new ArgumentException($"a device of {total} sectors of {bps} bytes cannot hold a {t} volume", nameof(device));

        uint volumeId = (uint)DateTime.UtcNow.Ticks ^ (uint)(DateTime.UtcNow.Ticks >> 32);
        uint hidden = device is PartitionBlockDevice p ? (uint)Math.Min(p.FirstLba, uint.MaxValue) : 0;

        try
        {
            // Reserved region, FATs and (FAT12/16) the root directory are zeroed first.
            uint metaSectors = plan.FirstData;
            var zero = new byte[Math.Min(256u, metaSectors) * (uint)bps];
            for (uint s = 0; s < metaSectors; )
            {
                uint n = Math.Min((uint)(zero.Length / bps), metaSectors - s);
                device.Write(s, zero.AsSpan(0, (int)(n * bps)));
                s += n;
            }
            var bs = new byte[bps];
            BuildBootSector(bs, t, plan, total, bps, hidden, volumeId, labelField);
            device.Write(0, bs);
            if (t == FatType.Fat32)
            {
                var fsi = new byte[bps];
                BinaryPrimitives.WriteUInt32LittleEndian(fsi, 0x41615252);
                BinaryPrimitives.WriteUInt32LittleEndian(fsi.AsSpan(484), 0x61417272);
                BinaryPrimitives.WriteUInt32LittleEndian(fsi.AsSpan(488), plan.Clusters - 1);
                BinaryPrimitives.WriteUInt32LittleEndian(fsi.AsSpan(492), 3);
                BinaryPrimitives.WriteUInt32LittleEndian(fsi.AsSpan(508), 0xAA550000);
                device.Write(1, fsi);
                device.Write(6, bs);
                device.Write(7, fsi);
            }
            // FAT[0] = media in the low byte, all other bits set; FAT[1] = end of chain (clean); FAT32: root cluster EOC.
            var fat0 = new byte[bps];
            switch (t)
            {
                case FatType.Fat12: fat0[0] = 0xF8; fat0[1] = 0xFF; fat0[2] = 0xFF; break;
                case FatType.Fat16: BinaryPrimitives.WriteUInt32LittleEndian(fat0, 0xFFFFFFF8); break;
                default:
                    BinaryPrimitives.WriteUInt32LittleEndian(fat0, 0x0FFFFFF8);
                    BinaryPrimitives.WriteUInt32LittleEndian(fat0.AsSpan(4), 0x0FFFFFFF);
                    BinaryPrimitives.WriteUInt32LittleEndian(fat0.AsSpan(8), 0x0FFFFFFF);
                    break;
            }
            for (uint f = 0; f < 2; f++) device.Write(plan.Reserved + f * plan.FatSize, fat0);

            // Data area: zeroed entirely (full format) or only the FAT32 root cluster.
            uint dataSectors = total - plan.FirstData;
            uint zeroSectors = quick ? (t == FatType.Fat32 ? plan.Spc : 0) : dataSectors;
            var zbuf = new byte[Math.Min(2048u, Math.Max(zeroSectors, 1)) * (uint)bps];
            for (uint s = 0; s < zeroSectors && s < dataSectors; )
            {
                uint n = Math.Min((uint)(zbuf.Length / bps), zeroSectors - s);
                device.Write(plan.FirstData + s, zbuf.AsSpan(0, (int)(n * bps)));
                s += n;
            }
            if (hasLabel)
            {
                uint rootSector = t == FatType.Fat32 ? plan.FirstData : plan.Reserved + 2 * plan.FatSize;
                var root = new byte[bps];
                labelField.CopyTo(root);
                root[11] = FatDirectory.AttrVolumeId;
                var now = DateTime.UtcNow;
                BinaryPrimitives.WriteUInt16LittleEndian(root.AsSpan(22), FatNames.EncodeTime(now));
                BinaryPrimitives.WriteUInt16LittleEndian(root.AsSpan(24), FatNames.EncodeDate(now));
                device.Write(rootSector, root);
            }
            device.Flush();
        }
        catch (Exception e) when (e is not FileSystemException)
        {
            throw new FileSystemException(FileSystemError.DeviceError, "", e.Message, e);
        }
    }

    private struct Plan
    {
        public uint Spc, Reserved, RootEntries, RootSectors, FatSize, FirstData, Clusters;
    }

    private static bool TryPlan(FatType t, uint total, int bps, out Plan plan)
    {
        plan = default;
        ulong bytes = (ulong)total * (uint)bps;
        const ulong MiB = 1024 * 1024;
        // Starting cluster size in bytes, after fatgen103's tables; grown below when the count is out of range.
        ulong clusterBytes = t switch
        {
            FatType.Fat12 => 512ul,
            FatType.Fat16 => bytes <= 16 * MiB ? 1024ul : bytes <= 128 * MiB ? 2048ul : bytes <= 256 * MiB ? 4096ul : bytes <= 512 * MiB ? 8192ul : bytes <= 1024 * MiB ? 16384ul : 32768ul,
            _ => bytes <= 260 * MiB ? 512ul : bytes <= 8192 * MiB ? 4096ul : bytes <= 16384 * MiB ? 8192ul : bytes <= 32768 * MiB ? 16384ul : 32768ul,
        };
        uint preferred = (uint)Math.Max(1ul, clusterBytes / (uint)bps);
        // The table's cluster size first, then larger ones (too many clusters), then smaller ones (too few).
        for (uint spc = preferred; spc <= 128 && spc * (uint)bps <= 32768; spc *= 2)
            if (TryPlanWith(t, total, bps, spc, out plan)) return true;
        for (uint spc = preferred / 2; spc >= 1; spc /= 2)
            if (TryPlanWith(t, total, bps, spc, out plan)) return true;
        return false;
    }

    private static bool TryPlanWith(FatType t, uint total, int bps, uint spc, out Plan plan)
    {
        plan = default;
        ulong bytes = (ulong)total * (uint)bps;
        var p = new Plan { Spc = spc };
        p.Reserved = t == FatType.Fat32 ? 32u : 1u;
        p.RootEntries = t == FatType.Fat32 ? 0u : t == FatType.Fat12 && bytes <= 2880 * 1024 ? 224u : 512u;
        p.RootSectors = (p.RootEntries * 32 + (uint)bps - 1) / (uint)bps;
        uint fatSize = 1;
        uint clusters = 0;
        for (int iter = 0; iter < 64; iter++)
        {
            long data = (long)total - p.Reserved - p.RootSectors - 2L * fatSize;
            if (data <= 0) return false;
            clusters = (uint)(data / spc);
            ulong fatBytes = t switch
            {
                FatType.Fat12 => ((ulong)clusters + 2) * 3 / 2 + 1,
                FatType.Fat16 => ((ulong)clusters + 2) * 2,
                _ => ((ulong)clusters + 2) * 4,
            };
            uint need = (uint)((fatBytes + (ulong)bps - 1) / (ulong)bps);
            if (need <= fatSize) break;
            fatSize = need;
        }
        p.FatSize = fatSize;
        p.FirstData = p.Reserved + 2 * fatSize + p.RootSectors;
        if (p.FirstData >= total) return false;
        p.Clusters = (total - p.FirstData) / spc;
        FatType got = p.Clusters < 4085 ? FatType.Fat12 : p.Clusters < 65525 ? FatType.Fat16 : FatType.Fat32;
        if (got != t || p.Clusters < 1 || (t == FatType.Fat32 && p.Clusters > 0x0FFFFFF5)) return false;
        plan = p;
        return true;
    }

    private static void BuildBootSector(byte[] bs, FatType t, Plan p, uint total, int bps, uint hidden, uint volumeId, ReadOnlySpan<byte> label)
    {
        bs[0] = 0xEB; bs[1] = t == FatType.Fat32 ? (byte)0x58 : (byte)0x3C; bs[2] = 0x90;
        "MSWIN4.1"u8.CopyTo(bs.AsSpan(3));
        BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(11), (ushort)bps);
        bs[13] = (byte)p.Spc;
        BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(14), (ushort)p.Reserved);
        bs[16] = 2;
        BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(17), (ushort)p.RootEntries);
        if (t != FatType.Fat32 && total < 0x10000) BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(19), (ushort)total);
        else BinaryPrimitives.WriteUInt32LittleEndian(bs.AsSpan(32), total);
        bs[21] = 0xF8;
        BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(24), 32);  // sectors per track (geometry is nominal)
        BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(26), 64);  // heads
        BinaryPrimitives.WriteUInt32LittleEndian(bs.AsSpan(28), hidden);
        int ext;
        if (t == FatType.Fat32)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bs.AsSpan(36), p.FatSize);
            BinaryPrimitives.WriteUInt32LittleEndian(bs.AsSpan(44), 2);   // root cluster
            BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(48), 1);   // FSInfo
            BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(50), 6);   // backup boot sector
            ext = 64;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bs.AsSpan(22), (ushort)p.FatSize);
            ext = 36;
        }
        bs[ext] = 0x80;          // drive number
        bs[ext + 2] = 0x29;      // extended boot signature
        BinaryPrimitives.WriteUInt32LittleEndian(bs.AsSpan(ext + 3), volumeId);
        label.CopyTo(bs.AsSpan(ext + 7));
        (t == FatType.Fat12 ? "FAT12   "u8 : t == FatType.Fat16 ? "FAT16   "u8 : "FAT32   "u8).CopyTo(bs.AsSpan(ext + 18));
        // Boot code: "int 18h" (no bootable OS here), then halt forever.
        int code = ext + 26;
        bs[code] = 0xCD; bs[code + 1] = 0x18; bs[code + 2] = 0xF4; bs[code + 3] = 0xEB; bs[code + 4] = 0xFD;
        bs[510] = 0x55; bs[511] = 0xAA;
    }
}
