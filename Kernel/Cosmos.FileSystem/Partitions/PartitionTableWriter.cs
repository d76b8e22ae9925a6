using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.FileSystem.Partitions;

public static partial class PartitionTable
{
    // ---------------------------------------------------------------- creating

    /// <summary>
    /// Writes a fresh MBR (Cosmos <c>Disk.CreateMBR()</c>): no boot code, <paramref name="diskSignature"/> at byte 440,
    /// up to four primary partitions, 0x55AA. Partitions with <see cref="PartitionSpec.FirstLba"/> 0 start at the next
    /// 1 MiB boundary after the previous one. A stale GPT header at LBA 1 or the last LBA is zeroed so no tool sees
    /// it. Sector counts and starts must fit 32 bits (MBR limit: 2 TiB with 512-byte sectors).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="disk"/> is null.</exception>
    /// <exception cref="ArgumentException">More than four partitions, or partitions that overlap, leave the disk or pass 2^32 sectors.</exception>
    /// <exception cref="FileSystemException">ReadOnly for a read-only device; DeviceError when it fails.</exception>
    public static void CreateMbr(IBlockDevice disk, uint diskSignature, IReadOnlyList<PartitionSpec> partitions = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        CheckWritable(disk);
        partitions ??= Array.Empty<PartitionSpec>();
        if (partitions.Count > 4) throw new ArgumentException($"an MBR holds at most 4 primary partitions, {partitions.Count} given", nameof(partitions));
        ulong end = Math.Min(disk.SectorCount, 0x1_0000_0000UL);
        var placed = Place(disk, partitions, 1, end - 1);
        var mbr = new byte[disk.SectorSize];
        BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(440), diskSignature);
        for (int i = 0; i < placed.Count; i++)
            WriteMbrEntry(mbr, i, placed[i].first, placed[i].count, partitions[i].MbrType, partitions[i].Bootable);
        mbr[510] = 0x55;
        mbr[511] = 0xAA;
        EraseStaleGptHeaders(disk);
        WriteSectors(disk, 0, mbr);
        disk.Flush();
    }

    /// <summary>
    /// Writes a fresh GPT (Cosmos <c>Disk.CreateGPT()</c>; UEFI 2.10 §5.3): protective MBR (one 0xEE entry from LBA 1
    /// over the disk, §5.2.3), primary header at LBA 1 and its 128-entry array at LBA 2, the backup array and header at
    /// the end of the disk, both with header and entry-array CRC32s. Partitions are placed as in
    /// <see cref="CreateMbr"/> (1 MiB alignment); names are stored UTF-16LE. Unique GUIDs left empty are derived
    /// from <paramref name="diskGuid"/> and the entry index (the kernel has no random source here; pass real random
    /// GUIDs when you have one).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="disk"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="diskGuid"/> is empty, more than 128 partitions, a name longer than 36 UTF-16 units, or partitions that overlap or leave the usable area.</exception>
    /// <exception cref="FileSystemException">ReadOnly for a read-only device; NoSpace when the disk is too small for the GPT structures; DeviceError when it fails.</exception>
    public static void CreateGpt(IBlockDevice disk, Guid diskGuid, IReadOnlyList<PartitionSpec> partitions = null)
    {
        ArgumentNullException.ThrowIfNull(disk);
        partitions ??= Array.Empty<PartitionSpec>();
        var indexed = new List<(int, PartitionSpec)>();
        for (int i = 0; i < partitions.Count; i++) indexed.Add((i, partitions[i]));
        WriteGpt(disk, diskGuid, indexed);
    }

    /// <summary>
    /// Removes every partition and keeps the scheme (Cosmos <c>Disk.Clear()</c>): an MBR keeps its boot code and disk
    /// signature with four empty entries; a GPT is rewritten empty with the same disk GUID (both copies). A disk without
    /// a table is left alone.
    /// </summary>
    /// <exception cref="FileSystemException">ReadOnly for a read-only device; DeviceError when it fails.</exception>
    public static void Clear(IBlockDevice disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        CheckWritable(disk);
        PartitionTableInfo info = Read(disk);
        if (info.Kind == PartitionTableKind.Mbr)
        {
            byte[] mbr = ReadSectors(disk, 0, 1);
            mbr.AsSpan(MbrEntriesOffset, 64).Clear();
            WriteSectors(disk, 0, mbr);
            disk.Flush();
        }
        else if (info.Kind == PartitionTableKind.Gpt)
        {
            Guid g = info.DiskGuid == Guid.Empty ? DeriveGuid(new Guid(0x434F534D, 0x4F53, 0x4449, 0x53, 0x4B, 0, 0, 0, 0, 0, 1), 0) : info.DiskGuid;
            WriteGpt(disk, g, new List<(int, PartitionSpec)>());
        }
    }

    /// <summary>
    /// Zeroes every partitioning structure: sector 0, the primary GPT area (LBA 1–33 for 512-byte sectors) and the backup
    /// GPT area at the end, so the disk reads as <see cref="PartitionTableKind.None"/>.
    /// </summary>
    /// <exception cref="FileSystemException">ReadOnly for a read-only device; DeviceError when it fails.</exception>
    public static void Erase(IBlockDevice disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        CheckWritable(disk);
        ulong n = disk.SectorCount;
        ulong area = 1 + GptArraySectors(disk);
        var zero = new byte[disk.SectorSize];
        for (ulong lba = 0; lba <= area && lba < n; lba++) WriteSectors(disk, lba, zero);
        for (ulong k = 0; k < area && k < n; k++) WriteSectors(disk, n - 1 - k, zero);
        disk.Flush();
    }

    /// <summary>
    /// Adds a partition of <paramref name="sizeMiB"/> MiB (≤ 0: all the space left) after the last one, aligned to
    /// 1 MiB (Cosmos <c>Disk.CreatePartition(int size)</c>). A disk without a table gets a fresh MBR first. MBR: the
    /// first free primary slot, type <paramref name="mbrType"/>; GPT: the first free entry, type
    /// <paramref name="typeGuid"/> (empty: Microsoft basic data), name <paramref name="name"/>, the whole GPT rewritten.
    /// Returns the new partition as <see cref="Read"/> reports it.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is longer than 36 UTF-16 units.</exception>
    /// <exception cref="FileSystemException">NoSpace when no slot or not enough space is left; Corrupt when the table read with warnings (nothing is written to it); ReadOnly; DeviceError.</exception>
    public static PartitionInfo CreatePartition(IBlockDevice disk, long sizeMiB, byte mbrType = 0x0C, Guid typeGuid = default, string name = "")
    {
        ArgumentNullException.ThrowIfNull(disk);
        CheckWritable(disk);
        PartitionTableInfo info = Read(disk);
        if (info.Kind == PartitionTableKind.None)
        {
            CreateMbr(disk, 0);
            info = Read(disk);
        }
        if (info.Warnings.Count != 0)
            throw new FileSystemException(FileSystemError.Corrupt, "", "the partition table has problems (" + info.Warnings[0] + "); not modified");
        ulong align = AlignmentSectors(disk);
        ulong want = sizeMiB <= 0 ? 0 : checked((ulong)sizeMiB * (1UL << 20) / (ulong)disk.SectorSize);

        if (info.Kind == PartitionTableKind.Mbr)
        {
            byte[] mbr = ReadSectors(disk, 0, 1);
            int slot = -1;
            ulong cursor = 1;
            for (int i = 0; i < 4; i++)
            {
                int e = MbrEntriesOffset + 16 * i;
                if (mbr[e + 4] == 0) { if (slot < 0) slot = i; continue; }
                ulong s = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 8));
                ulong c = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 12));
                cursor = Math.Max(cursor, s + c);
            }
            foreach (PartitionInfo p in info.Partitions) cursor = Math.Max(cursor, p.FirstLba + p.SectorCount);
            if (slot < 0) throw new FileSystemException(FileSystemError.NoSpace, "", "all four MBR primary slots are used");
            ulong limit = Math.Min(disk.SectorCount, 0x1_0000_0000UL);
            ulong first = AlignUp(cursor, align);
            if (first >= limit) throw new FileSystemException(FileSystemError.NoSpace, "", "no space left after the last partition");
            ulong count = want == 0 ? limit - first : want;
            if (count == 0 || count > limit - first)
                throw new FileSystemException(FileSystemError.NoSpace, "", $"{sizeMiB} MiB do not fit after LBA {first} ({limit - first} sectors left)");
            WriteMbrEntry(mbr, slot, first, count, mbrType, false);
            WriteSectors(disk, 0, mbr);
            disk.Flush();
            return new PartitionInfo { Index = slot, FirstLba = first, SectorCount = count, MbrType = mbrType };
        }
        else
        {
            var specs = new List<(int, PartitionSpec)>();
            var used = new HashSet<int>();
            ulong cursor = info.FirstUsableLba;
            ulong stdFirst = 2 + GptArraySectors(disk), stdLast = disk.SectorCount - 2 - GptArraySectors(disk);
            foreach (PartitionInfo p in info.Partitions)
            {
                // The table is rewritten in this class's layout (128 entries of 128 bytes): refuse, rather than move or
                // drop, a partition that does not fit it.
                if (p.Index >= GptEntryCount || p.FirstLba < stdFirst || p.LastLba > stdLast)
                    throw new FileSystemException(FileSystemError.Corrupt, "",
                        $"GPT entry {p.Index} ({p.FirstLba}..{p.LastLba}) does not fit a 128-entry GPT ({stdFirst}..{stdLast}); not modified");
                used.Add(p.Index);
                cursor = Math.Max(cursor, p.FirstLba + p.SectorCount);
                specs.Add((p.Index, new PartitionSpec
                {
                    FirstLba = p.FirstLba, SectorCount = p.SectorCount, TypeGuid = p.TypeGuid, UniqueGuid = p.UniqueGuid,
                    Name = p.Name, Bootable = p.Bootable,
                }));
            }
            int index = 0;
            while (used.Contains(index)) index++;
            if (index >= GptEntryCount) throw new FileSystemException(FileSystemError.NoSpace, "", "all GPT entries are used");
            ulong lastUsable = disk.SectorCount - 2 - GptArraySectors(disk);
            ulong first = AlignUp(cursor, align);
            if (first > lastUsable) throw new FileSystemException(FileSystemError.NoSpace, "", "no space left after the last partition");
            ulong count = want == 0 ? lastUsable - first + 1 : want;
            if (count == 0 || count > lastUsable - first + 1)
                throw new FileSystemException(FileSystemError.NoSpace, "", $"{sizeMiB} MiB do not fit after LBA {first} ({lastUsable - first + 1} sectors left)");
            specs.Add((index, new PartitionSpec
            {
                FirstLba = first, SectorCount = count, TypeGuid = typeGuid == Guid.Empty ? GptPartitionTypes.MicrosoftBasicData : typeGuid,
                Name = name ?? "",
            }));
            WriteGpt(disk, info.DiskGuid, specs);
            foreach (PartitionInfo p in Read(disk).Partitions)
                if (p.Index == index) return p;
            throw new FileSystemException(FileSystemError.Corrupt, "", "the new GPT entry did not read back");
        }
    }

    private static void WriteGpt(IBlockDevice disk, Guid diskGuid, List<(int index, PartitionSpec spec)> partitions)
    {
        if (diskGuid == Guid.Empty) throw new ArgumentException("the disk GUID must not be empty", nameof(diskGuid));
        CheckWritable(disk);
        int ss = disk.SectorSize;
        if (ss < 512) throw new ArgumentException($"sector size {ss} is below the 512 bytes GPT needs", nameof(disk));
        if (partitions.Count > GptEntryCount) throw new ArgumentException($"a GPT holds at most {GptEntryCount} partitions here", nameof(partitions));
        ulong n = disk.SectorCount;
        ulong arraySectors = GptArraySectors(disk);
        if (n < 2 * arraySectors + 4)
            throw new FileSystemException(FileSystemError.NoSpace, "", $"disk of {n} sectors is too small for a GPT");
        ulong firstUsable = 2 + arraySectors;
        ulong lastUsable = n - 2 - arraySectors;
        var specs = new List<PartitionSpec>();
        foreach (var p in partitions) specs.Add(p.spec);
        var placed = Place(disk, specs, firstUsable, lastUsable);

        var array = new byte[arraySectors * (ulong)ss];
        for (int k = 0; k < partitions.Count; k++)
        {
            (int index, PartitionSpec spec) = partitions[k];
            if (index < 0 || index >= GptEntryCount) throw new ArgumentOutOfRangeException(nameof(partitions), index, "GPT entry index");
            Span<byte> e = array.AsSpan(index * GptEntrySize, GptEntrySize);
            if (e[0] != 0 || !e.Slice(0, 16).SequenceEqual(new byte[16]))
                throw new ArgumentException($"GPT entry {index} given twice", nameof(partitions));
            Guid type = spec.TypeGuid == Guid.Empty ? GptPartitionTypes.MicrosoftBasicData : spec.TypeGuid;
            Guid unique = spec.UniqueGuid == Guid.Empty ? DeriveGuid(diskGuid, index + 1) : spec.UniqueGuid;
            type.TryWriteBytes(e.Slice(0, 16));
            unique.TryWriteBytes(e.Slice(16, 16));
            BinaryPrimitives.WriteUInt64LittleEndian(e.Slice(32), placed[k].first);
            BinaryPrimitives.WriteUInt64LittleEndian(e.Slice(40), placed[k].first + placed[k].count - 1);
            BinaryPrimitives.WriteUInt64LittleEndian(e.Slice(48), spec.Bootable ? 4UL : 0UL);
            string name = spec.Name ?? "";
            if (name.Length > 36) throw new ArgumentException($"GPT name '{name}' is longer than 36 UTF-16 units", nameof(partitions));
            for (int c = 0; c < name.Length; c++)
                BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(56 + 2 * c), name[c]);
        }
        uint arrayCrc = Crc32.Compute(array.AsSpan(0, GptEntryCount * GptEntrySize));

        byte[] primary = BuildGptHeader(ss, 1, n - 1, firstUsable, lastUsable, diskGuid, 2, arrayCrc);
        byte[] backup = BuildGptHeader(ss, n - 1, 1, firstUsable, lastUsable, diskGuid, lastUsable + 1, arrayCrc);

        var mbr = new byte[ss];
        WriteMbrEntry(mbr, 0, 1, Math.Min(n - 1, 0xFFFFFFFFUL), 0xEE, false);
        mbr[510] = 0x55;
        mbr[511] = 0xAA;

        WriteSectors(disk, lastUsable + 1, array);
        WriteSectors(disk, n - 1, backup);
        WriteSectors(disk, 2, array);
        WriteSectors(disk, 1, primary);
        WriteSectors(disk, 0, mbr);
        disk.Flush();
    }

    private static byte[] BuildGptHeader(int ss, ulong my, ulong alternate, ulong firstUsable, ulong lastUsable, Guid diskGuid, ulong entryLba, uint arrayCrc)
    {
        var h = new byte[ss];
        BinaryPrimitives.WriteUInt64LittleEndian(h, GptSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), GptRevision);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), 92);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(24), my);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(32), alternate);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(40), firstUsable);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(48), lastUsable);
        diskGuid.TryWriteBytes(h.AsSpan(56, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(72), entryLba);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(80), GptEntryCount);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(84), GptEntrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(88), arrayCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(16), Crc32.Compute(h.AsSpan(0, 92)));
        return h;
    }

    /// <summary>Places specs in order inside <paramref name="lo"/>..<paramref name="hi"/> (inclusive), aligning unplaced starts.</summary>
    private static List<(ulong first, ulong count)> Place(IBlockDevice disk, IReadOnlyList<PartitionSpec> specs, ulong lo, ulong hi)
    {
        ulong align = AlignmentSectors(disk);
        var result = new List<(ulong, ulong)>();
        ulong cursor = lo;
        for (int i = 0; i < specs.Count; i++)
        {
            PartitionSpec s = specs[i] ?? throw new ArgumentNullException(nameof(specs), $"partition {i} is null");
            ulong first = s.FirstLba != 0 ? s.FirstLba : AlignUp(cursor, align);
            if (first < lo || first > hi)
                throw new ArgumentException($"partition {i}: start LBA {first} is outside {lo}..{hi}", nameof(specs));
            ulong count = s.SectorCount != 0 ? s.SectorCount : hi - first + 1;
            if (count > hi - first + 1)
                throw new ArgumentException($"partition {i}: {first}+{count} passes the last usable LBA {hi}", nameof(specs));
            foreach (var (f, c) in result)
                if (first < f + c && f < first + count)
                    throw new ArgumentException($"partition {i}: {first}+{count} overlaps {f}+{c}", nameof(specs));
            result.Add((first, count));
            cursor = Math.Max(cursor, first + count);
        }
        return result;
    }

    private static void WriteMbrEntry(byte[] mbr, int slot, ulong first, ulong count, byte type, bool bootable)
    {
        int e = MbrEntriesOffset + 16 * slot;
        mbr[e] = bootable ? (byte)0x80 : (byte)0;
        WriteChs(mbr.AsSpan(e + 1, 3), first);
        mbr[e + 4] = type;
        WriteChs(mbr.AsSpan(e + 5, 3), first + count - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(e + 8), checked((uint)first));
        BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(e + 12), checked((uint)count));
    }

    /// <summary>CHS of <paramref name="lba"/> for a 255-head, 63-sector geometry; 1023/254/63 when it does not fit.</summary>
    private static void WriteChs(Span<byte> chs, ulong lba)
    {
        const ulong heads = 255, sectors = 63;
        ulong c = lba / (heads * sectors);
        if (c > 1023) { chs[0] = 254; chs[1] = 0xFF; chs[2] = 0xFF; return; }
        ulong h = lba / sectors % heads;
        ulong s = lba % sectors + 1;
        chs[0] = (byte)h;
        chs[1] = (byte)(s | ((c >> 2) & 0xC0));
        chs[2] = (byte)c;
    }

    private static void EraseStaleGptHeaders(IBlockDevice disk)
    {
        ulong n = disk.SectorCount;
        var zero = new byte[disk.SectorSize];
        foreach (ulong lba in new[] { 1UL, n - 1 })
        {
            if (lba == 0 || lba >= n) continue;
            byte[] s = ReadSectors(disk, lba, 1);
            if (BinaryPrimitives.ReadUInt64LittleEndian(s) == GptSignature) WriteSectors(disk, lba, zero);
        }
    }

    private static Guid DeriveGuid(Guid baseGuid, int index)
    {
        Span<byte> b = stackalloc byte[16];
        baseGuid.TryWriteBytes(b);
        uint x = BinaryPrimitives.ReadUInt32LittleEndian(b) ^ (uint)index * 0x9E3779B1u;
        BinaryPrimitives.WriteUInt32LittleEndian(b, x);
        b[10] ^= (byte)index;
        b[7] = (byte)((b[7] & 0x0F) | 0x40); // version 4
        b[8] = (byte)((b[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(b);
    }

    private static ulong GptArraySectors(IBlockDevice disk) =>
        ((ulong)(GptEntryCount * GptEntrySize) + (ulong)disk.SectorSize - 1) / (ulong)disk.SectorSize;

    private static ulong AlignmentSectors(IBlockDevice disk) => Math.Max(1UL, (ulong)(AlignmentBytes / disk.SectorSize));

    private static ulong AlignUp(ulong v, ulong a) => (v + a - 1) / a * a;

    private static void CheckWritable(IBlockDevice disk)
    {
        if (disk.IsReadOnly) throw new FileSystemException(FileSystemError.ReadOnly, "", "the disk is read-only");
    }
}
