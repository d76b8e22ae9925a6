using System;
using System.Collections.Generic;

namespace Cosmos.FileSystem.Partitions;

/// <summary>Which partitioning scheme a disk uses.</summary>
public enum PartitionTableKind
{
    /// <summary>No partition table: a blank disk or a "superfloppy" (a file system from LBA 0).</summary>
    None,
    /// <summary>Master Boot Record (PC/AT partition table) with optional extended/logical partitions.</summary>
    Mbr,
    /// <summary>GUID Partition Table (UEFI 2.10 §5.3) behind a protective MBR.</summary>
    Gpt,
}

/// <summary>
/// One partition found in a table. LBAs and counts are in sectors of the disk the table was read from.
/// </summary>
public sealed class PartitionInfo
{
    /// <summary>
    /// Slot of the entry: MBR primary slots 0–3, logical partitions 4, 5, … in chain order; GPT index in the
    /// partition-entry array (0-based). Linux names the partition <c>Index + 1</c> (sda1, sda5 for the first logical).
    /// </summary>
    public int Index { get; init; }

    /// <summary>First sector of the partition on the disk (absolute LBA).</summary>
    public ulong FirstLba { get; init; }

    /// <summary>Length in sectors (at least 1).</summary>
    public ulong SectorCount { get; init; }

    /// <summary>MBR system ID (0x0C FAT32 LBA, 0x83 Linux…); 0 for GPT partitions.</summary>
    public byte MbrType { get; init; }

    /// <summary>GPT partition type GUID (UEFI 2.10 §5.3.3, table 5-7); <see cref="Guid.Empty"/> for MBR partitions.</summary>
    public Guid TypeGuid { get; init; }

    /// <summary>GPT unique partition GUID; <see cref="Guid.Empty"/> for MBR partitions.</summary>
    public Guid UniqueGuid { get; init; }

    /// <summary>GPT partition name (UTF-16LE, up to 36 code units, UEFI 2.10 §5.3.3); "" for MBR partitions.</summary>
    public string Name { get; init; } = "";

    /// <summary>MBR boot indicator 0x80, or GPT attribute bit 2 (LegacyBIOSBootable).</summary>
    public bool Bootable { get; init; }

    /// <summary>GPT attribute bits (UEFI 2.10 §5.3.3, table 5-8); 0 for MBR partitions.</summary>
    public ulong GptAttributes { get; init; }

    /// <summary>True for an MBR logical partition (inside an extended partition).</summary>
    public bool IsLogical { get; init; }

    /// <summary>Last sector of the partition (inclusive).</summary>
    public ulong LastLba => FirstLba + SectorCount - 1;

    /// <inheritdoc/>
    public override string ToString() =>
        TypeGuid == Guid.Empty
            ? $"#{Index} {FirstLba}+{SectorCount} type 0x{MbrType:X2}{(Bootable ? " boot" : "")}"
            : $"#{Index} {FirstLba}+{SectorCount} type {TypeGuid} '{Name}'";
}

/// <summary>What <see cref="PartitionTable.Read"/> found on a disk.</summary>
public sealed class PartitionTableInfo
{
    /// <summary>The scheme found.</summary>
    public PartitionTableKind Kind { get; init; }

    /// <summary>Usable partitions (extended-partition containers are not listed), in table order.</summary>
    public IReadOnlyList<PartitionInfo> Partitions { get; init; } = Array.Empty<PartitionInfo>();

    /// <summary>What was wrong but survivable (a bad primary GPT, an EBR loop, an entry past the disk…). Empty when clean.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>MBR disk signature (bytes 440–443, little-endian); 0 for GPT and none.</summary>
    public uint DiskSignature { get; init; }

    /// <summary>GPT disk GUID; <see cref="Guid.Empty"/> otherwise.</summary>
    public Guid DiskGuid { get; init; }

    /// <summary>GPT first usable LBA (0 for MBR).</summary>
    public ulong FirstUsableLba { get; init; }

    /// <summary>GPT last usable LBA (0 for MBR).</summary>
    public ulong LastUsableLba { get; init; }

    /// <summary>GPT: the header the partitions came from was the backup one (the primary was bad).</summary>
    public bool UsedBackupGpt { get; init; }
}

/// <summary>
/// A partition to create. <see cref="FirstLba"/> 0 means "the next 1 MiB boundary after the previous partition";
/// <see cref="SectorCount"/> 0 means "up to the end of the usable area".
/// </summary>
public sealed class PartitionSpec
{
    /// <summary>First sector (absolute LBA), or 0 to place the partition at the next 1 MiB-aligned free sector.</summary>
    public ulong FirstLba { get; init; }

    /// <summary>Length in sectors, or 0 for the rest of the usable area.</summary>
    public ulong SectorCount { get; init; }

    /// <summary>MBR system ID (used by MBR tables; default 0x0C, FAT32 with LBA).</summary>
    public byte MbrType { get; init; } = 0x0C;

    /// <summary>GPT type GUID (used by GPT tables; default Microsoft basic data, what FAT volumes use).</summary>
    public Guid TypeGuid { get; init; } = GptPartitionTypes.MicrosoftBasicData;

    /// <summary>GPT unique GUID; <see cref="Guid.Empty"/> derives one from the disk GUID and the entry index.</summary>
    public Guid UniqueGuid { get; init; }

    /// <summary>GPT name (at most 36 UTF-16 code units; longer names throw <see cref="ArgumentException"/>).</summary>
    public string Name { get; init; } = "";

    /// <summary>MBR boot indicator / GPT LegacyBIOSBootable attribute.</summary>
    public bool Bootable { get; init; }
}

/// <summary>Well-known GPT partition type GUIDs (UEFI 2.10 §5.3.3 table 5-7, and the operating systems' registries).</summary>
public static class GptPartitionTypes
{
    /// <summary>EFI System Partition.</summary>
    public static readonly Guid EfiSystem = new Guid(0xC12A7328, 0xF81F, 0x11D2, 0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B);
    /// <summary>Microsoft basic data (FAT, NTFS, exFAT).</summary>
    public static readonly Guid MicrosoftBasicData = new Guid(0xEBD0A0A2, 0xB9E5, 0x4433, 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7);
    /// <summary>Linux file system data.</summary>
    public static readonly Guid LinuxFileSystem = new Guid(0x0FC63DAF, 0x8483, 0x4772, 0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4);
    /// <summary>BIOS boot partition (GRUB).</summary>
    public static readonly Guid BiosBoot = new Guid(0x21686148, 0x6449, 0x6E6F, 0x74, 0x4E, 0x65, 0x65, 0x64, 0x45, 0x46, 0x49);
}
