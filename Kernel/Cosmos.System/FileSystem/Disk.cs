using System;
using System.Collections.Generic;
using Cosmos.FileSystem.Partitions;
using Cosmos.HAL.BlockDevice;
using Cosmos.System.FileSystem.VFS;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// A disk and its partitions (Cosmos API name and members). The table is read from the disk each time
    /// <see cref="Partitions"/> is asked for (MBR with logical partitions, or GPT; Cosmos.FileSystem.Partitions), so
    /// changes made through this class show at once. A CD is one partition that only ISO9660 may mount; a disk without
    /// a partition table is one partition covering the whole disk (a "superfloppy" such as an image made by
    /// <c>mkfs.fat</c> alone).
    /// </summary>
    public class Disk
    {
        /// <summary>The disk's device.</summary>
        public BlockDevice Host;

        private readonly Dictionary<ulong, FileSystem> _mounted = new Dictionary<ulong, FileSystem>();
        private readonly Dictionary<ulong, string> _rootPaths = new Dictionary<ulong, string>();

        /// <summary>A disk over <paramref name="mainBlockDevice"/> (started). Nothing is mounted until <see cref="Mount"/>.</summary>
        public Disk(BlockDevice mainBlockDevice)
        {
            Host = mainBlockDevice ?? throw new ArgumentNullException(nameof(mainBlockDevice));
        }

        private HalBlockDevice Device => new HalBlockDevice(Host);

        /// <summary>True unless the disk has a GPT.</summary>
        public bool IsMBR => Type == BlockDeviceType.RemovableCD || PartitionTable.Read(Device).Kind != PartitionTableKind.Gpt;

        /// <summary>Size in bytes.</summary>
        public long Size => (long)(Host.BlockCount * Host.BlockSize);

        /// <summary>The kind of medium.</summary>
        public BlockDeviceType Type => Host.Type;

        /// <summary>The warnings of the last partition-table read (a damaged primary GPT, an EBR loop…).</summary>
        public IReadOnlyList<string> TableWarnings { get; private set; } = Array.Empty<string>();

        /// <summary>The partitions in table order (MBR primaries then logical partitions, or GPT entries), with their mount state.</summary>
        public List<ManagedPartition> Partitions
        {
            get
            {
                var list = new List<ManagedPartition>();
                if (Type == BlockDeviceType.RemovableCD)
                {
                    list.Add(Managed(new Partition(Host, 0, Host.BlockCount), "ISO9660FileSystemFactory"));
                    return list;
                }
                var table = PartitionTable.Read(Device);
                TableWarnings = table.Warnings;
                if (table.Kind == PartitionTableKind.None)
                {
                    list.Add(Managed(new Partition(Host, 0, Host.BlockCount), null));
                    return list;
                }
                foreach (var p in table.Partitions) list.Add(Managed(new Partition(Host, p.FirstLba, p.SectorCount), null));
                return list;
            }
        }

        private ManagedPartition Managed(Partition p, string limit)
        {
            var m = new ManagedPartition(p, limit);
            if (_mounted.TryGetValue(p.StartingSector, out var fs)) m.MountedFS = fs;
            if (_rootPaths.TryGetValue(p.StartingSector, out var root)) m.RootPath = root;
            return m;
        }

        /// <summary>Mounts every partition, in order (<see cref="MountPartition"/>).</summary>
        public void Mount()
        {
            int n = Partitions.Count;
            for (int i = 0; i < n; i++) MountPartition(i);
        }

        /// <summary>
        /// Mounts partition <paramref name="index"/> with the first registered factory that recognises it. As in Cosmos,
        /// the partition takes the next volume number even when no file system is recognised (it is then reported and
        /// left unmounted). Does nothing when it is mounted already.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">No such partition.</exception>
        public void MountPartition(int index)
        {
            var parts = Partitions;
            if (index < 0 || index >= parts.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Host.Name} has {parts.Count} partitions");
            var part = parts[index];
            if (part.HasFileSystem) return;
            // A disk without a partition table is listed as one partition over the whole disk; unlike a real partition it
            // takes a volume number only when a file system is found on it (a blank disk uses none).
            bool wholeDisk = part.Host.StartingSector == 0 && part.Host.BlockCount == Host.BlockCount && Type != BlockDeviceType.RemovableCD;
            FileSystemFactory found = null;
            string firstWhy = null;
            foreach (var factory in FileSystemManager.RegisteredFileSystems)
            {
                if (part.LimitFS != null && factory.Name != part.LimitFS) continue;
                if (factory.IsType(part.Host, out string why)) { found = factory; break; }
                firstWhy ??= why;
            }
            if (found == null && wholeDisk)
            {
                // Blank (a first sector of zeros): no volume, nothing to say. Anything else is reported, not hidden.
                string problem = WholeDiskProblem(part.Host);
                if (problem != null) global::System.Console.WriteLine($"{Host.Name}: {problem}{(firstWhy != null ? " (" + firstWhy + ")" : "")}; not mounted");
                return;
            }
            string root = part.RootPath.Length > 0 ? part.RootPath : VFSManager.GetNextFilesystemLetter() + @":\";
            _rootPaths[part.Host.StartingSector] = root;
            if (found != null) { _mounted[part.Host.StartingSector] = found.Create(part.Host, root, Size >> 20); return; }
            global::System.Console.WriteLine($"{Host.Name} partition {index}: no known file system; {root} stays unmounted");
        }

        /// <summary>Null when the first sector of <paramref name="whole"/> reads as zeros (a blank disk), else why no volume was found on it.</summary>
        private static string WholeDiskProblem(BlockDevice whole)
        {
            var first = new byte[whole.BlockSize];
            try { whole.Read(0, first); }
            catch (global::System.IO.IOException e) { return "cannot read its first sector: " + e.Message; }
            foreach (byte b in first) if (b != 0) return "no known file system on the whole disk";
            return null;
        }

        /// <summary>Prints each partition's start, size and mount state.</summary>
        public void DisplayInformation()
        {
            var parts = Partitions;
            global::System.Console.WriteLine($"{Host.Name}: {Size} bytes, {(IsMBR ? "MBR" : "GPT")}, {parts.Count} partition(s)");
            for (int i = 0; i < parts.Count; i++)
            {
                var p = parts[i];
                global::System.Console.WriteLine($"  {i}: start {p.Host.StartingSector}, {p.Host.BlockCount} blocks of {p.Host.BlockSize} bytes" +
                    (p.HasFileSystem ? $", {p.MountedFS.Type} at {p.RootPath}" : p.RootPath.Length > 0 ? $", unmounted ({p.RootPath})" : ""));
            }
        }

        private void RequireNoMounts(string what)
        {
            if (_mounted.Count > 0) throw new InvalidOperationException($"{what}: unmount the volumes of {Host.Name} first (they are in use)");
        }

        /// <summary>Adds a partition of <paramref name="size"/> MiB after the last one (an MBR is created on a blank disk; FAT32 LBA type on MBR, basic data on GPT).</summary>
        /// <exception cref="ArgumentException"><paramref name="size"/> ≤ 0 or no room.</exception>
        public void CreatePartition(int size)
        {
            if (size <= 0) throw new ArgumentException("the partition size is in MiB and must be positive", nameof(size));
            PartitionTable.CreatePartition(Device, size);
        }

        /// <summary>Deletes every partition (the table kind is kept). Volumes of this disk must not be mounted.</summary>
        public void Clear()
        {
            RequireNoMounts("Clear");
            PartitionTable.Clear(Device);
        }

        /// <summary>Writes an empty MBR (the disk's contents become unreachable). Volumes of this disk must not be mounted.</summary>
        public void CreateMBR()
        {
            RequireNoMounts("CreateMBR");
            PartitionTable.Erase(Device);
            PartitionTable.CreateMbr(Device, (uint)Environment.TickCount64 | 1);
        }

        /// <summary>Writes an empty GPT. Volumes of this disk must not be mounted.</summary>
        public void CreateGPT()
        {
            RequireNoMounts("CreateGPT");
            PartitionTable.Erase(Device);
            var g = new byte[16];
            Random.Shared.NextBytes(g);
            g[7] = (byte)((g[7] & 0x0F) | 0x40);
            PartitionTable.CreateGpt(Device, new Guid(g));
        }

        /// <summary>
        /// Formats partition <paramref name="index"/> as <paramref name="format"/> ("FAT12", "FAT16", "FAT32", or "FAT" to
        /// choose by size) and mounts it (a new volume number unless it had one).
        /// </summary>
        /// <exception cref="NotSupportedException">Another format.</exception>
        public void FormatPartition(int index, string format, bool quick = true)
        {
            var parts = Partitions;
            if (index < 0 || index >= parts.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Host.Name} has {parts.Count} partitions");
            var part = parts[index];
            if (part.HasFileSystem)
            {
                part.MountedFS.Format(format, quick);
                return;
            }
            FAT.FatFormat.Format(part.Host, format, quick, null);
            MountPartition(index);
        }
    }

    /// <summary>A partition with its mount state (Cosmos API name and members).</summary>
    public class ManagedPartition
    {
        /// <summary>The partition.</summary>
        public readonly Partition Host;
        /// <summary>Where it is mounted (<c>0:\</c>…), or "" when it never was.</summary>
        public string RootPath = "";
        /// <summary>The mounted file system, or null.</summary>
        public FileSystem MountedFS;
        /// <summary>Name of the only factory allowed to mount it (a CD: "ISO9660FileSystemFactory"), or null.</summary>
        public string LimitFS;

        /// <summary>Wraps <paramref name="host"/>.</summary>
        public ManagedPartition(Partition host, string limitFS = null)
        {
            Host = host ?? throw new ArgumentNullException(nameof(host));
            LimitFS = limitFS;
        }

        /// <summary>True when a file system is mounted on it.</summary>
        public bool HasFileSystem => MountedFS != null;

        /// <summary>Zeroes every block of the partition (refused while it is mounted).</summary>
        public void Clear()
        {
            if (HasFileSystem) throw new InvalidOperationException($"{RootPath} is mounted: it cannot be cleared");
            var zero = new byte[Math.Min(Host.BlockCount, 2048UL) * Host.BlockSize];
            for (ulong lba = 0; lba < Host.BlockCount;)
            {
                ulong n = Math.Min(Host.BlockCount - lba, 2048UL);
                Host.Write(lba, zero.AsSpan(0, (int)(n * Host.BlockSize)));
                lba += n;
            }
            Host.Flush();
        }
    }
}
