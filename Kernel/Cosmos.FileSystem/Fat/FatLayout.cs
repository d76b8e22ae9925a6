using System;
using System.Buffers.Binary;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// The geometry a FAT boot sector (BPB) describes, validated against the device: where the FATs, the fixed root
/// directory and the data area start, how many clusters there are and which FAT type that makes (fatgen103 §3).
/// All sector numbers are in file-system sectors (BPB_BytsPerSec), relative to the start of the volume.
/// </summary>
internal sealed class FatLayout
{
    public FatType Type;
    public int BytesPerSector;
    public int SectorsPerCluster;
    public int BytesPerCluster;
    public uint ReservedSectors;
    public int NumFats;
    public uint RootEntryCount;
    public uint TotalSectors;
    public uint FatSize;
    public uint RootDirSectors;
    public uint FirstFatSector => ReservedSectors;
    public uint FirstRootDirSector;   // FAT12/16 only
    public uint FirstDataSector;
    public uint ClusterCount;         // data clusters: valid cluster numbers are 2..ClusterCount+1
    public uint RootCluster;          // FAT32 only
    public uint FsInfoSector;         // FAT32 only, 0 when absent
    public uint BackupBootSector;     // FAT32 only, 0 when absent
    public ushort ExtFlags;           // FAT32 only
    public byte Media;
    public uint VolumeId;
    public string BpbLabel;
    public int LabelOffset;           // byte offset of BS_VolLab in the boot sector

    /// <summary>Largest valid cluster number.</summary>
    public uint MaxCluster => ClusterCount + 1;

    /// <summary>Entry value at or above which an entry is end-of-chain (fatgen103 §4).</summary>
    public uint EocMin => Type switch { FatType.Fat12 => 0xFF8, FatType.Fat16 => 0xFFF8, _ => 0x0FFFFFF8 };

    /// <summary>The BAD CLUSTER mark.</summary>
    public uint BadMark => Type switch { FatType.Fat12 => 0xFF7, FatType.Fat16 => 0xFFF7, _ => 0x0FFFFFF7 };

    /// <summary>The end-of-chain value this library writes.</summary>
    public uint EocMark => Type switch { FatType.Fat12 => 0xFFF, FatType.Fat16 => 0xFFFF, _ => 0x0FFFFFFF };

    /// <summary>First sector of cluster <paramref name="cluster"/> (fatgen103 §3.5, FirstSectorofCluster).</summary>
    public ulong ClusterToSector(uint cluster) => FirstDataSector + (ulong)(cluster - 2) * (uint)SectorsPerCluster;

    /// <summary>
    /// Parses and checks boot sector <paramref name="bs"/> (at least 512 bytes) for a device of
    /// <paramref name="deviceBytes"/> bytes and <paramref name="deviceSectorSize"/>-byte sectors. Returns false with
    /// <paramref name="error"/> naming the field and value when it is not a usable FAT volume.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> bs, ulong deviceBytes, int deviceSectorSize, out FatLayout layout, out string error)
    {
        layout = null;
        if (bs.Length < 512) { error = "boot sector shorter than 512 bytes"; return false; }
        if (bs[510] != 0x55 || bs[511] != 0xAA)
        { error = $"boot sector signature is 0x{bs[510]:X2}{bs[511]:X2}, not 0x55AA"; return false; }
        if (bs[0] != 0xEB && bs[0] != 0xE9)
        { error = $"BS_jmpBoot[0] is 0x{bs[0]:X2}, not a jump (0xEB/0xE9)"; return false; }
        var l = new FatLayout();
        int bps = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(11));
        if (bps < 512 || bps > 4096 || (bps & (bps - 1)) != 0)
        { error = $"BPB_BytsPerSec is {bps}, not a power of two 512..4096"; return false; }
        if (bps < deviceSectorSize || bps % deviceSectorSize != 0)
        { error = $"BPB_BytsPerSec {bps} is not a multiple of the device sector size {deviceSectorSize}"; return false; }
        int spc = bs[13];
        if (spc == 0 || (spc & (spc - 1)) != 0)
        { error = $"BPB_SecPerClus is {spc}, not a power of two 1..128"; return false; }
        if ((long)spc * bps > 256 * 1024)
        { error = $"cluster size {spc * bps} bytes is larger than 256 KiB"; return false; }
        uint rsvd = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(14));
        if (rsvd == 0) { error = "BPB_RsvdSecCnt is 0"; return false; }
        int nfats = bs[16];
        if (nfats == 0) { error = "BPB_NumFATs is 0"; return false; }
        uint rootEnt = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(17));
        uint tot16 = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(19));
        byte media = bs[21];
        if (media != 0xF0 && media < 0xF8)
        { error = $"BPB_Media is 0x{media:X2}, not 0xF0 or 0xF8..0xFF"; return false; }
        uint fatSz16 = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(22));
        uint tot32 = BinaryPrimitives.ReadUInt32LittleEndian(bs.Slice(32));
        uint fatSz32 = BinaryPrimitives.ReadUInt32LittleEndian(bs.Slice(36));
        uint fatSz = fatSz16 != 0 ? fatSz16 : fatSz32;
        uint tot = tot16 != 0 ? tot16 : tot32;
        if (fatSz == 0) { error = "BPB_FATSz16 and BPB_FATSz32 are both 0"; return false; }
        if (fatSz16 == 0 && rootEnt != 0)
        { error = $"BPB_FATSz16 is 0 but BPB_RootEntCnt is {rootEnt} (a FAT12/16 layout)"; return false; }
        if (tot == 0) { error = "BPB_TotSec16 and BPB_TotSec32 are both 0"; return false; }
        if ((ulong)tot * (ulong)bps > deviceBytes)
        { error = $"volume of {tot} sectors of {bps} bytes is larger than the device ({deviceBytes} bytes)"; return false; }
        uint rootDirSectors = (uint)((rootEnt * 32 + (bps - 1)) / bps);
        ulong meta = rsvd + (ulong)nfats * fatSz + rootDirSectors;
        if (meta >= tot)
        { error = $"reserved ({rsvd}) + FATs ({nfats}×{fatSz}) + root ({rootDirSectors}) sectors leave no data area in {tot} sectors"; return false; }
        uint dataSec = (uint)(tot - meta);
        uint count = dataSec / (uint)spc;
        if (count == 0) { error = "the data area holds no whole cluster"; return false; }
        FatType type = count < 4085 ? FatType.Fat12 : count < 65525 ? FatType.Fat16 : FatType.Fat32;
        if (type == FatType.Fat32)
        {
            if (fatSz16 != 0 || rootEnt != 0)
            { error = $"{count} clusters make FAT32 but the BPB has FAT12/16 fields (RootEntCnt {rootEnt}, FATSz16 {fatSz16})"; return false; }
            if (count > 0x0FFFFFF5) { error = $"{count} clusters exceed the FAT32 limit"; return false; }
            ushort fsVer = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(42));
            if (fsVer != 0) { error = $"BPB_FSVer is 0x{fsVer:X4}, not 0"; return false; }
        }
        else
        {
            if (rootEnt == 0)
            { error = $"{count} clusters make {(type == FatType.Fat12 ? "FAT12" : "FAT16")} but BPB_RootEntCnt is 0 (FAT32 layout)"; return false; }
            if (fatSz16 == 0)
            { error = $"{count} clusters make {(type == FatType.Fat12 ? "FAT12" : "FAT16")} but BPB_FATSz16 is 0"; return false; }
        }
        // The FAT must have an entry for every cluster (fatgen103 §3.5).
        ulong needBytes = type switch
        {
            FatType.Fat12 => ((ulong)count + 2) * 3 / 2 + 1,
            FatType.Fat16 => ((ulong)count + 2) * 2,
            _ => ((ulong)count + 2) * 4,
        };
        if ((ulong)fatSz * (ulong)bps < needBytes)
        { error = $"FAT of {fatSz} sectors is too small for {count} clusters"; return false; }

        l.Type = type; l.BytesPerSector = bps; l.SectorsPerCluster = spc; l.BytesPerCluster = bps * spc;
        l.ReservedSectors = rsvd; l.NumFats = nfats; l.RootEntryCount = rootEnt; l.TotalSectors = tot;
        l.FatSize = fatSz; l.RootDirSectors = rootDirSectors; l.Media = media;
        l.FirstRootDirSector = rsvd + (uint)nfats * fatSz;
        l.FirstDataSector = (uint)meta;
        l.ClusterCount = count;
        if (type == FatType.Fat32)
        {
            l.ExtFlags = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(40));
            l.RootCluster = BinaryPrimitives.ReadUInt32LittleEndian(bs.Slice(44));
            if (l.RootCluster < 2 || l.RootCluster > l.MaxCluster)
            { error = $"BPB_RootClus is {l.RootCluster}, outside clusters 2..{l.MaxCluster}"; return false; }
            uint fsi = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(48));
            l.FsInfoSector = fsi != 0 && fsi != 0xFFFF && fsi < rsvd ? fsi : 0;
            uint bk = BinaryPrimitives.ReadUInt16LittleEndian(bs.Slice(50));
            l.BackupBootSector = bk != 0 && bk != 0xFFFF && bk < rsvd ? bk : 0;
            l.LabelOffset = bs[66] == 0x29 ? 71 : -1;
            if (bs[66] == 0x29) l.VolumeId = BinaryPrimitives.ReadUInt32LittleEndian(bs.Slice(67));
        }
        else
        {
            l.LabelOffset = bs[38] == 0x29 ? 43 : -1;
            if (bs[38] == 0x29) l.VolumeId = BinaryPrimitives.ReadUInt32LittleEndian(bs.Slice(39));
        }
        l.BpbLabel = l.LabelOffset > 0 ? FatNames.DecodeLabel(bs.Slice(l.LabelOffset, 11)) : "";
        layout = l;
        error = null;
        return true;
    }
}
