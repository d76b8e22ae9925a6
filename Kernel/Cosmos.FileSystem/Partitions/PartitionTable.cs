using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.FileSystem.Partitions;

/// <summary>
/// Reads and writes PC partition tables: the MBR with its extended/logical chain and the GUID Partition Table
/// (UEFI 2.10 §5.2, §5.3). Reading never trusts the disk: every pointer is bounded by the disk size, EBR chains by
/// a visited set and a count, GPT headers and entry arrays by their CRC32s. A malformed table gives what was valid
/// plus <see cref="PartitionTableInfo.Warnings"/>; the only exception reading throws is
/// <see cref="FileSystemException"/> (<see cref="FileSystemError.DeviceError"/> when the device fails).
/// Creation mirrors Cosmos's <c>Disk.CreateMBR()</c>, <c>Disk.CreateGPT()</c>, <c>Disk.Clear()</c> and
/// <c>Disk.CreatePartition(int sizeMiB)</c>.
/// </summary>
public static partial class PartitionTable
{
    /// <summary>Most logical partitions followed in one extended partition (longer chains stop with a warning).</summary>
    public const int MaxLogicalPartitions = 128;

    /// <summary>Largest GPT partition-entry array read, in bytes (larger headers are judged invalid).</summary>
    public const int MaxGptEntryArrayBytes = 1 << 20;

    /// <summary>Number of entries in GPT entry arrays this class creates (the UEFI minimum of 16 KiB, UEFI 2.10 §5.3.1).</summary>
    public const int GptEntryCount = 128;

    /// <summary>Size of a GPT partition entry this class creates, in bytes (UEFI 2.10 §5.3.3).</summary>
    public const int GptEntrySize = 128;

    /// <summary>Partition alignment used when placing partitions, in bytes (1 MiB, as fdisk and Windows align).</summary>
    public const int AlignmentBytes = 1 << 20;

    private const int MbrEntriesOffset = 446;
    private const ulong GptSignature = 0x5452415020494645UL; // "EFI PART"
    private const uint GptRevision = 0x00010000;

    // ---------------------------------------------------------------- reading

    /// <summary>
    /// Reads the partition table of <paramref name="disk"/>. A disk without the 0x55AA signature, with boot
    /// indicators other than 0x00/0x80, or whose sector 0 is a FAT boot sector without a protective entry is
    /// <see cref="PartitionTableKind.None"/>. An MBR holding a 0xEE entry is read as GPT (UEFI 2.10 §5.2.3): the
    /// primary header at LBA 1, or the backup header (at the primary's AlternateLBA or the last LBA) when the primary
    /// header or its entry array fails its checks, with a warning.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="disk"/> is null.</exception>
    /// <exception cref="FileSystemException">The device failed (<see cref="FileSystemError.DeviceError"/>).</exception>
    public static PartitionTableInfo Read(IBlockDevice disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var warnings = new List<string>();
        if (disk.SectorSize < 512 || disk.SectorCount < 2)
            return new PartitionTableInfo { Kind = PartitionTableKind.None };
        byte[] mbr = ReadSectors(disk, 0, 1);
        if (mbr[510] != 0x55 || mbr[511] != 0xAA)
            return new PartitionTableInfo { Kind = PartitionTableKind.None };
        bool anyProtective = false;
        for (int i = 0; i < 4; i++)
        {
            int e = MbrEntriesOffset + 16 * i;
            if (mbr[e] != 0 && mbr[e] != 0x80)
                return new PartitionTableInfo { Kind = PartitionTableKind.None };
            if (mbr[e + 4] == 0xEE) anyProtective = true;
        }
        if (anyProtective)
            return ReadGpt(disk, warnings);
        if (LooksLikeFatBootSector(mbr) && !HasPlausibleEntry(mbr, disk.SectorCount))
            return new PartitionTableInfo { Kind = PartitionTableKind.None };
        return ReadMbr(disk, mbr, warnings);
    }

    /// <summary>A view of <paramref name="partition"/> on <paramref name="disk"/> (LBA 0 = the partition's first sector).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The partition passes the end of the disk.</exception>
    public static PartitionBlockDevice Open(IBlockDevice disk, PartitionInfo partition)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(partition);
        return new PartitionBlockDevice(disk, partition.FirstLba, partition.SectorCount);
    }

    /// <summary>Views of every partition <see cref="Read"/> finds on <paramref name="disk"/>, in table order.</summary>
    /// <exception cref="FileSystemException">The device failed (<see cref="FileSystemError.DeviceError"/>).</exception>
    public static List<PartitionBlockDevice> OpenAll(IBlockDevice disk)
    {
        var result = new List<PartitionBlockDevice>();
        foreach (PartitionInfo p in Read(disk).Partitions)
            result.Add(Open(disk, p));
        return result;
    }

    private static bool IsExtended(byte type) => type == 0x05 || type == 0x0F || type == 0x85;

    private static bool LooksLikeFatBootSector(byte[] s)
    {
        if (!(s[0] == 0xEB && s[2] == 0x90) && s[0] != 0xE9) return false;
        ushort bps = BinaryPrimitives.ReadUInt16LittleEndian(s.AsSpan(11));
        byte spc = s[13];
        ushort reserved = BinaryPrimitives.ReadUInt16LittleEndian(s.AsSpan(14));
        byte fats = s[16];
        return (bps == 512 || bps == 1024 || bps == 2048 || bps == 4096)
            && spc != 0 && (spc & (spc - 1)) == 0 && reserved != 0 && fats != 0 && fats <= 4;
    }

    private static bool HasPlausibleEntry(byte[] mbr, ulong diskSectors)
    {
        for (int i = 0; i < 4; i++)
        {
            int e = MbrEntriesOffset + 16 * i;
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 8));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 12));
            if (mbr[e + 4] != 0 && start != 0 && count != 0 && (ulong)start + count <= diskSectors) return true;
        }
        return false;
    }

    private static PartitionTableInfo ReadMbr(IBlockDevice disk, byte[] mbr, List<string> warnings)
    {
        var parts = new List<PartitionInfo>();
        bool extendedSeen = false;
        int logicalCount = 0;
        for (int i = 0; i < 4; i++)
        {
            int e = MbrEntriesOffset + 16 * i;
            byte type = mbr[e + 4];
            if (type == 0) continue;
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 8));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(e + 12));
            if (IsExtended(type))
            {
                if (extendedSeen)
                {
                    warnings.Add($"MBR entry {i}: second extended partition (type 0x{type:X2}) ignored");
                    continue;
                }
                extendedSeen = true;
                ReadLogicalChain(disk, i, start, count, parts, warnings, ref logicalCount);
                continue;
            }
            AddChecked(disk, parts, warnings, $"MBR entry {i}", new PartitionInfo
            {
                Index = i, FirstLba = start, SectorCount = count, MbrType = type, Bootable = mbr[e] == 0x80,
            });
        }
        WarnOverlaps(parts, warnings);
        return new PartitionTableInfo
        {
            Kind = PartitionTableKind.Mbr,
            Partitions = parts,
            Warnings = warnings,
            DiskSignature = BinaryPrimitives.ReadUInt32LittleEndian(mbr.AsSpan(440)),
        };
    }

    private static void ReadLogicalChain(IBlockDevice disk, int slot, uint extStart, uint extCount,
        List<PartitionInfo> parts, List<string> warnings, ref int logicalCount)
    {
        ulong diskSectors = disk.SectorCount;
        if (extStart == 0 || extCount == 0 || extStart >= diskSectors)
        {
            warnings.Add($"MBR entry {slot}: extended partition {extStart}+{extCount} is outside the disk ({diskSectors} sectors); logical partitions not read");
            return;
        }
        ulong extEnd = Math.Min((ulong)extStart + extCount, diskSectors);
        if ((ulong)extStart + extCount > diskSectors)
            warnings.Add($"MBR entry {slot}: extended partition {extStart}+{extCount} passes the end of the disk ({diskSectors} sectors)");
        var visited = new HashSet<ulong>();
        ulong ebr = extStart;
        for (int steps = 0; ; steps++)
        {
            if (steps >= MaxLogicalPartitions)
            {
                warnings.Add($"EBR chain: more than {MaxLogicalPartitions} EBRs; the rest ignored");
                return;
            }
            if (ebr < extStart || ebr >= extEnd)
            {
                warnings.Add($"EBR chain: next EBR at LBA {ebr} is outside the extended partition {extStart}..{extEnd - 1}; chain stopped");
                return;
            }
            if (!visited.Add(ebr))
            {
                warnings.Add($"EBR chain: loop back to the EBR at LBA {ebr}; chain stopped");
                return;
            }
            byte[] s = ReadSectors(disk, ebr, 1);
            if (s[510] != 0x55 || s[511] != 0xAA)
            {
                warnings.Add($"EBR at LBA {ebr}: no 0x55AA signature; chain stopped");
                return;
            }
            int e0 = MbrEntriesOffset, e1 = MbrEntriesOffset + 16;
            byte type = s[e0 + 4];
            if (type != 0 && !IsExtended(type))
            {
                uint rel = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(e0 + 8));
                uint count = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(e0 + 12));
                ulong first = ebr + rel;
                string where = $"EBR at LBA {ebr}";
                if (rel == 0)
                    warnings.Add($"{where}: logical partition starts on its own EBR; ignored");
                else
                {
                    if (first + count > extEnd)
                        warnings.Add($"{where}: logical partition {first}+{count} passes the extended partition's end ({extEnd})");
                    if (AddChecked(disk, parts, warnings, where, new PartitionInfo
                    {
                        Index = 4 + logicalCount, FirstLba = first, SectorCount = count, MbrType = type,
                        Bootable = s[e0] == 0x80, IsLogical = true,
                    }))
                        logicalCount++;
                }
            }
            else if (type != 0)
                warnings.Add($"EBR at LBA {ebr}: first entry has extended type 0x{type:X2}; ignored");
            byte nextType = s[e1 + 4];
            if (nextType == 0) return;
            if (!IsExtended(nextType))
            {
                warnings.Add($"EBR at LBA {ebr}: link entry has type 0x{nextType:X2}, not an extended type; chain stopped");
                return;
            }
            uint nextRel = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(e1 + 8));
            ebr = (ulong)extStart + nextRel;
        }
    }

    /// <summary>Adds <paramref name="p"/> when it lies on the disk (clipping its end with a warning); false when dropped.</summary>
    private static bool AddChecked(IBlockDevice disk, List<PartitionInfo> parts, List<string> warnings, string where, PartitionInfo p)
    {
        ulong n = disk.SectorCount;
        if (p.SectorCount == 0)
        {
            warnings.Add($"{where}: partition at LBA {p.FirstLba} has no sectors; ignored");
            return false;
        }
        if (p.FirstLba == 0 || p.FirstLba >= n)
        {
            warnings.Add($"{where}: partition start LBA {p.FirstLba} is outside the disk (1..{n - 1}); ignored");
            return false;
        }
        if (p.SectorCount > n - p.FirstLba)
        {
            ulong clipped = n - p.FirstLba;
            warnings.Add($"{where}: partition {p.FirstLba}+{p.SectorCount} passes the end of the disk ({n} sectors); clipped to {clipped} sectors");
            p = new PartitionInfo
            {
                Index = p.Index, FirstLba = p.FirstLba, SectorCount = clipped, MbrType = p.MbrType, TypeGuid = p.TypeGuid,
                UniqueGuid = p.UniqueGuid, Name = p.Name, Bootable = p.Bootable, GptAttributes = p.GptAttributes,
                IsLogical = p.IsLogical,
            };
        }
        parts.Add(p);
        return true;
    }

    /// <summary>Warns about partitions that share sectors (both are kept: which one is right is the user's call).</summary>
    private static void WarnOverlaps(List<PartitionInfo> parts, List<string> warnings)
    {
        if (parts.Count < 2) return;
        var sorted = new List<PartitionInfo>(parts);
        sorted.Sort((a, b) => a.FirstLba.CompareTo(b.FirstLba));
        PartitionInfo reach = sorted[0];
        int reported = 0;
        for (int i = 1; i < sorted.Count; i++)
        {
            PartitionInfo p = sorted[i];
            if (p.FirstLba < reach.FirstLba + reach.SectorCount)
            {
                if (reported++ < 8)
                    warnings.Add($"partitions #{reach.Index} ({reach.FirstLba}+{reach.SectorCount}) and #{p.Index} ({p.FirstLba}+{p.SectorCount}) overlap");
            }
            if (p.FirstLba + p.SectorCount > reach.FirstLba + reach.SectorCount) reach = p;
        }
        if (reported > 8) warnings.Add($"{reported - 8} more overlapping partitions");
    }

    private sealed class GptHeader
    {
        public ulong MyLba, AlternateLba, FirstUsable, LastUsable, EntryLba;
        public Guid DiskGuid;
        public uint EntryCount, EntrySize, EntryArrayCrc;
    }

    private static PartitionTableInfo ReadGpt(IBlockDevice disk, List<string> warnings)
    {
        ulong last = disk.SectorCount - 1;
        GptHeader header = null;
        byte[] entries = null;
        bool usedBackup = false;
        string primaryError = TryReadGptHeader(disk, 1, out GptHeader primary);
        if (primaryError == null)
            primaryError = TryReadGptEntries(disk, primary, out entries);
        if (primaryError == null)
        {
            header = primary;
            ulong alt = primary.AlternateLba;
            if (alt != last)
                warnings.Add($"GPT: primary header's AlternateLBA {alt} is not the last LBA {last}");
            if (alt >= 2 && alt <= last)
            {
                string backupError = TryReadGptHeader(disk, alt, out GptHeader backup);
                if (backupError == null) backupError = TryReadGptEntries(disk, backup, out _);
                if (backupError != null) warnings.Add($"GPT: backup header at LBA {alt} is bad ({backupError})");
            }
        }
        else
        {
            var candidates = new List<ulong>();
            if (primary != null && primary.AlternateLba >= 2 && primary.AlternateLba <= last) candidates.Add(primary.AlternateLba);
            if (!candidates.Contains(last)) candidates.Add(last);
            string backupError = null;
            foreach (ulong lba in candidates)
            {
                backupError = TryReadGptHeader(disk, lba, out GptHeader backup);
                if (backupError == null) backupError = TryReadGptEntries(disk, backup, out entries);
                if (backupError == null)
                {
                    header = backup;
                    usedBackup = true;
                    warnings.Add($"GPT: primary header at LBA 1 is bad ({primaryError}); using the backup at LBA {lba}");
                    break;
                }
            }
            if (header == null)
            {
                warnings.Add($"GPT: primary header at LBA 1 is bad ({primaryError}) and so is the backup ({backupError}); no partitions");
                return new PartitionTableInfo { Kind = PartitionTableKind.Gpt, Warnings = warnings };
            }
        }

        var parts = new List<PartitionInfo>();
        for (uint i = 0; i < header.EntryCount; i++)
        {
            ReadOnlySpan<byte> e = entries.AsSpan((int)(i * header.EntrySize), GptEntrySize);
            var type = new Guid(e.Slice(0, 16));
            if (type == Guid.Empty) continue;
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(e.Slice(32));
            ulong lastLba = BinaryPrimitives.ReadUInt64LittleEndian(e.Slice(40));
            string where = $"GPT entry {i}";
            if (lastLba < first)
            {
                warnings.Add($"{where}: ending LBA {lastLba} is before starting LBA {first}; ignored");
                continue;
            }
            if (first < header.FirstUsable || lastLba > header.LastUsable)
                warnings.Add($"{where}: LBAs {first}..{lastLba} are outside the usable area {header.FirstUsable}..{header.LastUsable}");
            ulong attrs = BinaryPrimitives.ReadUInt64LittleEndian(e.Slice(48));
            AddChecked(disk, parts, warnings, where, new PartitionInfo
            {
                Index = (int)i,
                FirstLba = first,
                SectorCount = lastLba - first == ulong.MaxValue ? ulong.MaxValue : lastLba - first + 1,
                TypeGuid = type,
                UniqueGuid = new Guid(e.Slice(16, 16)),
                Name = DecodeUtf16Name(e.Slice(56, 72)),
                GptAttributes = attrs,
                Bootable = (attrs & 4) != 0,
            });
        }
        WarnOverlaps(parts, warnings);
        return new PartitionTableInfo
        {
            Kind = PartitionTableKind.Gpt,
            Partitions = parts,
            Warnings = warnings,
            DiskGuid = header.DiskGuid,
            FirstUsableLba = header.FirstUsable,
            LastUsableLba = header.LastUsable,
            UsedBackupGpt = usedBackup,
        };
    }

    /// <summary>Reads and checks the GPT header at <paramref name="lba"/> (UEFI 2.10 §5.3.2); null or what is wrong.</summary>
    private static string TryReadGptHeader(IBlockDevice disk, ulong lba, out GptHeader header)
    {
        header = null;
        ulong last = disk.SectorCount - 1;
        if (lba > last) return $"header LBA {lba} is past the disk";
        byte[] s = ReadSectors(disk, lba, 1);
        if (BinaryPrimitives.ReadUInt64LittleEndian(s) != GptSignature) return "no \"EFI PART\" signature";
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(12));
        if (size < 92 || size > (uint)s.Length) return $"HeaderSize {size} is outside 92..{s.Length}";
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(16));
        BinaryPrimitives.WriteUInt32LittleEndian(s.AsSpan(16), 0);
        uint actual = Crc32.Compute(s.AsSpan(0, (int)size));
        if (crc != actual) return $"HeaderCRC32 0x{crc:X8} does not match the computed 0x{actual:X8}";
        var h = new GptHeader
        {
            MyLba = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(24)),
            AlternateLba = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(32)),
            FirstUsable = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(40)),
            LastUsable = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(48)),
            DiskGuid = new Guid(s.AsSpan(56, 16)),
            EntryLba = BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(72)),
            EntryCount = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(80)),
            EntrySize = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(84)),
            EntryArrayCrc = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(88)),
        };
        header = h;
        if (h.MyLba != lba) return $"MyLBA {h.MyLba} is not the header's LBA {lba}";
        if (h.FirstUsable > h.LastUsable || h.LastUsable > last)
            return $"usable area {h.FirstUsable}..{h.LastUsable} is empty or passes the disk's last LBA {last}";
        if (h.EntrySize < GptEntrySize || h.EntrySize % GptEntrySize != 0 || (h.EntrySize & (h.EntrySize - 1)) != 0)
            return $"SizeOfPartitionEntry {h.EntrySize} is not 128 × 2^n";
        if ((ulong)h.EntryCount * h.EntrySize > MaxGptEntryArrayBytes)
            return $"partition-entry array of {h.EntryCount} × {h.EntrySize} bytes is larger than {MaxGptEntryArrayBytes}";
        ulong arraySectors = ((ulong)h.EntryCount * h.EntrySize + (ulong)disk.SectorSize - 1) / (ulong)disk.SectorSize;
        if (h.EntryLba < 1 || h.EntryLba > last || arraySectors > last + 1 - h.EntryLba)
            return $"partition-entry array at LBA {h.EntryLba} ({arraySectors} sectors) passes the disk";
        return null;
    }

    private static string TryReadGptEntries(IBlockDevice disk, GptHeader h, out byte[] entries)
    {
        entries = null;
        ulong bytes = (ulong)h.EntryCount * h.EntrySize;
        ulong sectors = (bytes + (ulong)disk.SectorSize - 1) / (ulong)disk.SectorSize;
        byte[] data = sectors == 0 ? Array.Empty<byte>() : ReadSectors(disk, h.EntryLba, (int)sectors);
        uint actual = Crc32.Compute(data.AsSpan(0, (int)bytes));
        if (actual != h.EntryArrayCrc)
            return $"PartitionEntryArrayCRC32 0x{h.EntryArrayCrc:X8} does not match the computed 0x{actual:X8}";
        entries = data;
        return null;
    }

    private static string DecodeUtf16Name(ReadOnlySpan<byte> raw)
    {
        var chars = new char[raw.Length / 2];
        int n = 0;
        for (; n < chars.Length; n++)
        {
            char c = (char)BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(2 * n));
            if (c == '\0') break;
            chars[n] = c;
        }
        return new string(chars, 0, n);
    }

    internal static byte[] ReadSectors(IBlockDevice disk, ulong lba, int count)
    {
        var buffer = new byte[count * disk.SectorSize];
        try
        {
            disk.Read(lba, buffer);
        }
        catch (FileSystemException)
        {
            throw;
        }
        catch (IOException e)
        {
            throw new FileSystemException(FileSystemError.DeviceError, "", $"reading LBA {lba}: {e.Message}", e);
        }
        return buffer;
    }

    private static void WriteSectors(IBlockDevice disk, ulong lba, byte[] data)
    {
        try
        {
            disk.Write(lba, data);
        }
        catch (FileSystemException)
        {
            throw;
        }
        catch (IOException e)
        {
            throw new FileSystemException(FileSystemError.DeviceError, "", $"writing LBA {lba}: {e.Message}", e);
        }
    }
}
