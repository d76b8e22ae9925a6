using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Cosmos.FileSystem.Partitions;
using Xunit;
using static Cosmos.FileSystem.Tests.HostTools;

namespace Cosmos.FileSystem.Tests;

public class PartitionTableTests
{
    private const long MiB = 1 << 20;

    private sealed record SfPart(string Node, ulong Start, ulong Size, string Type, string Uuid, string Name, bool Bootable);

    private static (string label, string id, List<SfPart> parts) SfdiskJson(string image)
    {
        using var doc = JsonDocument.Parse(RunLine("sfdisk", $"--json \"{image}\""));
        JsonElement t = doc.RootElement.GetProperty("partitiontable");
        var parts = new List<SfPart>();
        if (t.TryGetProperty("partitions", out JsonElement ps))
            foreach (JsonElement p in ps.EnumerateArray())
                parts.Add(new SfPart(
                    p.GetProperty("node").GetString(),
                    p.GetProperty("start").GetUInt64(),
                    p.GetProperty("size").GetUInt64(),
                    p.GetProperty("type").GetString(),
                    p.TryGetProperty("uuid", out JsonElement u) ? u.GetString() : null,
                    p.TryGetProperty("name", out JsonElement n) ? n.GetString() : null,
                    p.TryGetProperty("bootable", out JsonElement b) && b.GetBoolean()));
        return (t.GetProperty("label").GetString(), t.TryGetProperty("id", out JsonElement id) ? id.GetString() : null, parts);
    }

    private static int NodeNumber(string node) => int.Parse(new string(node.Reverse().TakeWhile(char.IsDigit).Reverse().ToArray()));

    private static MemoryBlockDevice Load(string path) => new MemoryBlockDevice(File.ReadAllBytes(path));

    private static string MakeSfdiskMbr(TempDir dir)
    {
        string img = dir["mbr.img"];
        CreateImage(img, 40 * MiB);
        RunLine("sfdisk", $"-q \"{img}\"", "label: dos\nlabel-id: 0x12345678\n,4M,c,*\n,4M,83\n,,E\n,3M,83\n,3M,c\n,2M,7\n");
        return img;
    }

    private static string MakeSfdiskGpt(TempDir dir)
    {
        string img = dir["gpt.img"];
        CreateImage(img, 40 * MiB);
        RunLine("sfdisk", $"-q \"{img}\"",
            "label: gpt\nlabel-id: 0B7B1E5C-9C54-4B8A-8F0C-6C58C8B8D3A1\n" +
            "size=4M, type=L, name=\"hello world\"\n" +
            "size=4M, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name=\"Data\", uuid=11111111-2222-4333-8444-555555555555\n" +
            "size=2M, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"Ünïcödé name that is 36 characters!!\"\n");
        return img;
    }

    private static void AssertSameAsSfdisk(string image, PartitionTableInfo info)
    {
        var (label, id, sf) = SfdiskJson(image);
        var expected = sf.Where(p => !(label == "dos" && (p.Type == "5" || p.Type == "f" || p.Type == "85"))).ToList();
        Assert.Equal(expected.Count, info.Partitions.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            SfPart e = expected[i];
            PartitionInfo p = info.Partitions[i];
            Assert.Equal(NodeNumber(e.Node), p.Index + 1);
            Assert.Equal(e.Start, p.FirstLba);
            Assert.Equal(e.Size, p.SectorCount);
            if (label == "dos")
            {
                Assert.Equal(Convert.ToByte(e.Type, 16), p.MbrType);
                Assert.Equal(e.Bootable, p.Bootable);
            }
            else
            {
                Assert.Equal(e.Type, p.TypeGuid.ToString().ToUpperInvariant());
                Assert.Equal(e.Uuid, p.UniqueGuid.ToString().ToUpperInvariant());
                Assert.Equal(e.Name ?? "", p.Name);
            }
        }
        if (label == "dos") Assert.Equal(Convert.ToUInt32(id, 16), info.DiskSignature);
        else Assert.Equal(id, info.DiskGuid.ToString().ToUpperInvariant());
    }

    [Fact]
    public void ReadsSfdiskMbrWithLogicalPartitions()
    {
        using var dir = new TempDir();
        string img = MakeSfdiskMbr(dir);
        PartitionTableInfo info = PartitionTable.Read(Load(img));
        Assert.Equal(PartitionTableKind.Mbr, info.Kind);
        Assert.Empty(info.Warnings);
        Assert.Equal(5, info.Partitions.Count);
        Assert.Equal(3, info.Partitions.Count(p => p.IsLogical));
        AssertSameAsSfdisk(img, info);
    }

    [Fact]
    public void ReadsSfdiskGpt()
    {
        using var dir = new TempDir();
        string img = MakeSfdiskGpt(dir);
        PartitionTableInfo info = PartitionTable.Read(Load(img));
        Assert.Equal(PartitionTableKind.Gpt, info.Kind);
        Assert.Empty(info.Warnings);
        Assert.False(info.UsedBackupGpt);
        Assert.Equal(3, info.Partitions.Count);
        Assert.Equal("hello world", info.Partitions[0].Name);
        Assert.Equal(GptPartitionTypes.LinuxFileSystem, info.Partitions[0].TypeGuid);
        AssertSameAsSfdisk(img, info);
    }

    [Fact]
    public void CorruptPrimaryGptHeaderFallsBackToBackup()
    {
        using var dir = new TempDir();
        string img = MakeSfdiskGpt(dir);
        PartitionTableInfo good = PartitionTable.Read(Load(img));
        byte[] data = File.ReadAllBytes(img);
        data[512 + 48] ^= 0x01; // LastUsableLBA: header CRC no longer matches
        PartitionTableInfo info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.True(info.UsedBackupGpt);
        Assert.Contains(info.Warnings, w => w.Contains("primary header at LBA 1 is bad") && w.Contains("HeaderCRC32"));
        Assert.Equal(good.Partitions.Select(p => (p.FirstLba, p.SectorCount, p.Name)), info.Partitions.Select(p => (p.FirstLba, p.SectorCount, p.Name)));

        // The primary header intact but its entry array corrupt: the backup again.
        data = File.ReadAllBytes(img);
        data[1024 + 56] ^= 0xFF; // first entry's name
        info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.True(info.UsedBackupGpt);
        Assert.Contains(info.Warnings, w => w.Contains("PartitionEntryArrayCRC32"));
        Assert.Equal("hello world", info.Partitions[0].Name);

        // Both gone: GPT with no partitions and a warning, no exception.
        data = File.ReadAllBytes(img);
        data[512] ^= 1;
        data[data.Length - 512] ^= 1;
        info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.Equal(PartitionTableKind.Gpt, info.Kind);
        Assert.Empty(info.Partitions);
        Assert.Contains(info.Warnings, w => w.Contains("so is the backup"));

        // Backup bad, primary fine: informational warning only.
        data = File.ReadAllBytes(img);
        data[data.Length - 512 + 40] ^= 1;
        info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.False(info.UsedBackupGpt);
        Assert.Equal(3, info.Partitions.Count);
        Assert.Contains(info.Warnings, w => w.Contains("backup header"));
    }

    [Fact]
    public void EbrLoopTerminatesWithWarning()
    {
        using var dir = new TempDir();
        string img = MakeSfdiskMbr(dir);
        byte[] data = File.ReadAllBytes(img);
        PartitionTableInfo good = PartitionTable.Read(new MemoryBlockDevice(data));
        PartitionInfo third = good.Partitions.Single(p => p.Index == 6);
        // The third logical's EBR sits just before its partition (sfdisk: 2048 sectors before). Point its link back at
        // the first EBR (relative 0 to the extended start).
        ulong ebr3 = FindEbrOf(data, third.FirstLba);
        int link = (int)(ebr3 * 512) + 446 + 16;
        data[link + 4] = 0x05;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(link + 8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(link + 12), 100);
        PartitionTableInfo info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.Equal(5, info.Partitions.Count);
        Assert.Contains(info.Warnings, w => w.Contains("loop"));

        // A link outside the extended partition.
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(link + 8), 0x7FFFFFFF);
        info = PartitionTable.Read(new MemoryBlockDevice(data));
        Assert.Equal(5, info.Partitions.Count);
        Assert.Contains(info.Warnings, w => w.Contains("outside the extended partition"));
    }

    private static ulong FindEbrOf(byte[] data, ulong partitionLba)
    {
        for (ulong lba = partitionLba - 1; lba > 0; lba--)
        {
            int o = (int)(lba * 512);
            if (data[o + 510] == 0x55 && data[o + 511] == 0xAA &&
                lba + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(o + 446 + 8)) == partitionLba)
                return lba;
        }
        throw new InvalidOperationException("EBR not found");
    }

    [Fact]
    public void CreatedMbrReadsBackInSfdisk()
    {
        using var dir = new TempDir();
        string img = dir["new-mbr.img"];
        var disk = new MemoryBlockDevice(new byte[32 * MiB]);
        disk.Data.AsSpan().Fill(0xE5);
        PartitionTable.CreateMbr(disk, 0xCAFEBABE, new[]
        {
            new PartitionSpec { SectorCount = 8192, MbrType = 0x0C, Bootable = true },
            new PartitionSpec { SectorCount = 4096, MbrType = 0x83 },
            new PartitionSpec { FirstLba = 30000, SectorCount = 0, MbrType = 0x06 },
        });
        File.WriteAllBytes(img, disk.Data);
        var (label, id, parts) = SfdiskJson(img);
        Assert.Equal("dos", label);
        Assert.Equal("0xcafebabe", id);
        Assert.Equal(new[] { (2048UL, 8192UL, "c", true), (10240UL, 4096UL, "83", false), (30000UL, 32 * 2048 - 30000UL, "6", false) },
            parts.Select(p => (p.Start, p.Size, p.Type, p.Bootable)).ToArray());
        AssertSameAsSfdisk(img, PartitionTable.Read(disk));
        Assert.Contains("0xcafebabe", RunLine("sfdisk", $"-d \"{img}\""));
    }

    [Fact]
    public void CreatedGptReadsBackInSfdisk()
    {
        using var dir = new TempDir();
        string img = dir["new-gpt.img"];
        var disk = new MemoryBlockDevice(new byte[32 * MiB]);
        var diskGuid = new Guid("3F2504E0-4F89-41D3-9A0C-0305E82C3301");
        var unique = new Guid("9B2B3E1C-7A55-4C5E-9D1A-0123456789AB");
        PartitionTable.CreateGpt(disk, diskGuid, new[]
        {
            new PartitionSpec { SectorCount = 8192, TypeGuid = GptPartitionTypes.EfiSystem, Name = "EFI system", UniqueGuid = unique },
            new PartitionSpec { SectorCount = 10000, TypeGuid = GptPartitionTypes.MicrosoftBasicData, Name = "Cosmos data ä€" },
            new PartitionSpec { TypeGuid = GptPartitionTypes.LinuxFileSystem, Name = "rest" },
        });
        File.WriteAllBytes(img, disk.Data);
        var (label, id, parts) = SfdiskJson(img);
        Assert.Equal("gpt", label);
        Assert.Equal(diskGuid.ToString().ToUpperInvariant(), id);
        Assert.Equal(3, parts.Count);
        Assert.Equal(2048UL, parts[0].Start);
        Assert.Equal(8192UL, parts[0].Size);
        Assert.Equal(unique.ToString().ToUpperInvariant(), parts[0].Uuid);
        Assert.Equal("EFI system", parts[0].Name);
        Assert.Equal(10240UL, parts[1].Start);
        Assert.Equal("Cosmos data ä€", parts[1].Name);
        Assert.Equal(20480UL, parts[2].Start);
        Assert.Equal(32 * 2048 - 34 - 20480 + 1UL, parts[2].Size);
        Assert.Equal(3, parts.Select(p => p.Uuid).Distinct().Count());
        AssertSameAsSfdisk(img, PartitionTable.Read(disk));
        string dump = RunLine("sfdisk", $"-d \"{img}\"");
        Assert.Contains("first-lba: 34", dump);
        Assert.Contains($"last-lba: {32 * 2048 - 34}", dump);
        // sfdisk --verify reports no problems (exit 0 and no "problem" lines).
        string verify = RunLine("sfdisk", $"--verify \"{img}\"");
        Assert.DoesNotContain("roblem", verify);
    }

    [Fact]
    public void CosmosStyleCreatePartitionAndClear()
    {
        using var dir = new TempDir();
        string img = dir["cosmos.img"];

        var disk = new MemoryBlockDevice(new byte[24 * MiB]);
        PartitionInfo a = PartitionTable.CreatePartition(disk, 4);           // blank disk: MBR created
        PartitionInfo b = PartitionTable.CreatePartition(disk, 8, 0x83);
        PartitionInfo c = PartitionTable.CreatePartition(disk, 0);            // the rest
        Assert.Equal((2048UL, 8192UL), (a.FirstLba, a.SectorCount));
        Assert.Equal((10240UL, 16384UL), (b.FirstLba, b.SectorCount));
        Assert.Equal(26624UL, c.FirstLba);
        Assert.Equal(24 * 2048 - 26624UL, c.SectorCount);
        var ex = Assert.Throws<FileSystemException>(() => PartitionTable.CreatePartition(disk, 1));
        Assert.Equal(FileSystemError.NoSpace, ex.Error);
        File.WriteAllBytes(img, disk.Data);
        AssertSameAsSfdisk(img, PartitionTable.Read(disk));
        PartitionTable.Clear(disk);
        File.WriteAllBytes(img, disk.Data);
        Assert.Equal("dos", SfdiskJson(img).label);
        Assert.Empty(SfdiskJson(img).parts);

        var gdisk = new MemoryBlockDevice(new byte[24 * MiB]);
        PartitionTable.CreateGpt(gdisk, new Guid("A1B2C3D4-0000-4000-8000-000000000001"));
        PartitionTable.CreatePartition(gdisk, 4, name: "one");
        PartitionTable.CreatePartition(gdisk, 4, typeGuid: GptPartitionTypes.LinuxFileSystem, name: "two");
        ex = Assert.Throws<FileSystemException>(() => PartitionTable.CreatePartition(gdisk, 100));
        Assert.Equal(FileSystemError.NoSpace, ex.Error);
        File.WriteAllBytes(img, gdisk.Data);
        var (label, _, parts) = SfdiskJson(img);
        Assert.Equal("gpt", label);
        Assert.Equal(new[] { (2048UL, 8192UL, "one"), (10240UL, 8192UL, "two") }, parts.Select(p => (p.Start, p.Size, p.Name)).ToArray());
        PartitionTable.Clear(gdisk);
        File.WriteAllBytes(img, gdisk.Data);
        Assert.Equal("gpt", SfdiskJson(img).label);
        Assert.Empty(SfdiskJson(img).parts);
        PartitionTable.Erase(gdisk);
        Assert.Equal(PartitionTableKind.None, PartitionTable.Read(gdisk).Kind);
    }

    [Fact]
    public void FatSuperfloppyAndBlankDiskHaveNoTable()
    {
        using var dir = new TempDir();
        string img = dir["fat.img"];
        CreateImage(img, 2 * MiB);
        RunLine("mkfs.fat", $"-F 12 -n TEST \"{img}\"");
        Assert.Equal(PartitionTableKind.None, PartitionTable.Read(Load(img)).Kind);
        Assert.Equal(PartitionTableKind.None, PartitionTable.Read(new MemoryBlockDevice(new byte[MiB])).Kind);
    }

    [Fact]
    public void OutOfRangeEntriesAreClippedOrDropped()
    {
        var disk = new MemoryBlockDevice(new byte[4 * MiB]);
        PartitionTable.CreateMbr(disk, 1, new[] { new PartitionSpec { SectorCount = 1000 }, new PartitionSpec { SectorCount = 1000 } });
        BinaryPrimitives.WriteUInt32LittleEndian(disk.Data.AsSpan(446 + 12), 0xFFFFFFF0);   // entry 0: huge
        BinaryPrimitives.WriteUInt32LittleEndian(disk.Data.AsSpan(446 + 16 + 8), 0xFFFFFFF0); // entry 1: past the end
        PartitionTableInfo info = PartitionTable.Read(disk);
        Assert.Single(info.Partitions);
        Assert.Equal(disk.SectorCount - 2048, info.Partitions[0].SectorCount);
        Assert.Equal(2, info.Warnings.Count);
        PartitionBlockDevice view = PartitionTable.Open(disk, info.Partitions[0]);
        Assert.Equal(info.Partitions[0].SectorCount, view.SectorCount);
    }

    [Fact]
    public void OverlapsAreWarnedAndBlockWrites()
    {
        var disk = new MemoryBlockDevice(new byte[8 * MiB]);
        PartitionTable.CreateMbr(disk, 1, new[] { new PartitionSpec { SectorCount = 4096 }, new PartitionSpec { SectorCount = 4096 } });
        BinaryPrimitives.WriteUInt32LittleEndian(disk.Data.AsSpan(446 + 16 + 8), 2048 + 100);
        PartitionTableInfo info = PartitionTable.Read(disk);
        Assert.Equal(2, info.Partitions.Count);
        Assert.Contains(info.Warnings, w => w.Contains("overlap"));
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => PartitionTable.CreatePartition(disk, 1)).Error);

        // The same in a GPT (entry CRCs made valid again): found by the fuzzer, where CreatePartition threw ArgumentException.
        var g = new MemoryBlockDevice(new byte[8 * MiB]);
        PartitionTable.CreateGpt(g, new Guid("A1B2C3D4-0000-4000-8000-000000000002"), new[] { new PartitionSpec { SectorCount = 4096 }, new PartitionSpec { SectorCount = 4096 } });
        BinaryPrimitives.WriteUInt64LittleEndian(g.Data.AsSpan(1024 + 128 + 32), 2048 + 100);
        FixPrimaryGptCrcs(g.Data);
        info = PartitionTable.Read(g);
        Assert.False(info.UsedBackupGpt);
        Assert.Contains(info.Warnings, w => w.Contains("overlap"));
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => PartitionTable.CreatePartition(g, 1)).Error);
    }

    private static void FixPrimaryGptCrcs(byte[] d)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 88), Crc32.Compute(d.AsSpan(1024, 128 * 128)));
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 16), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(512 + 16), Crc32.Compute(d.AsSpan(512, 92)));
    }

    [Fact]
    public void GptOn4KSectorsReadsBackInSfdisk()
    {
        using var dir = new TempDir();
        string img = dir["4k.img"];
        var disk = new MemoryBlockDevice(new byte[16 * MiB], 4096);
        PartitionTable.CreateGpt(disk, new Guid("3F2504E0-4F89-41D3-9A0C-0305E82C3302"), new[]
        {
            new PartitionSpec { SectorCount = 512, Name = "four-k" },
            new PartitionSpec { Name = "rest" },
        });
        PartitionTableInfo info = PartitionTable.Read(disk);
        Assert.Empty(info.Warnings);
        Assert.Equal(6UL, info.FirstUsableLba); // 128 × 128 bytes = 4 sectors of 4 KiB after LBA 0 and 1
        Assert.Equal(256UL, info.Partitions[0].FirstLba); // 1 MiB
        File.WriteAllBytes(img, disk.Data);
        // sfdisk 2.38 has no sector-size option; fdisk -b does (columns: Start, Sectors, Name).
        string listing = RunLine("fdisk", $"-b 4096 -l -o Start,Sectors,Name \"{img}\"");
        Assert.Contains("Sector size (logical/physical): 4096 bytes", listing);
        Assert.DoesNotContain("corrupt", listing, StringComparison.OrdinalIgnoreCase);
        string[] rows = listing.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("Start", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.Trim().Length > 0).ToArray();
        Assert.Equal(2, rows.Length);
        string[] r0 = rows[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "256", "512", "four-k" }, r0);
        string[] r1 = rows[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { info.Partitions[1].FirstLba.ToString(), info.Partitions[1].SectorCount.ToString(), "rest" }, r1);
    }
}
