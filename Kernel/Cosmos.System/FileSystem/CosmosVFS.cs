using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.HAL.BlockDevice;
using Cosmos.System.FileSystem.Listing;
using Cosmos.System.FileSystem.VFS;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// The kernel's VFS for Cosmos's API (Cosmos API name): <see cref="Initialize"/> makes a <see cref="Disk"/> of every
    /// block device (hard disks first, then CDs, each in the order the drivers found them) and mounts their
    /// partitions in order as <c>0:\</c>, <c>1:\</c> …; the volumes live in <see cref="VirtualFileSystem.Instance"/>,
    /// which also serves System.IO.
    /// </summary>
    public class CosmosVFS : VFSBase
    {
        private int _nextLetter;

        /// <summary>The disks, in mount order.</summary>
        public List<Disk> Disks { get; } = new List<Disk>();

        /// <inheritdoc/>
        public override void Initialize(bool aShowInfo)
        {
            var devices = new List<BlockDevice>();
            foreach (var d in BlockDevice.Devices) if (d.IsStarted && d.Type != BlockDeviceType.RemovableCD) devices.Add(d);
            foreach (var d in BlockDevice.Devices) if (d.IsStarted && d.Type == BlockDeviceType.RemovableCD) devices.Add(d);
            if (devices.Count == 0) throw new InvalidOperationException("No disks found! (attach one, or create a RamDisk before registering the VFS)");
            foreach (var d in devices) Disks.Add(new Disk(d));
            InitializePartitions();
            if (aShowInfo)
                foreach (var v in VirtualFileSystem.Instance.Volumes)
                    global::System.Console.WriteLine($"{v.Root} {v.Volume.TypeName} \"{v.Volume.Label}\" {v.Volume.TotalSize >> 20} MiB{(v.Volume.IsReadOnly ? " (read-only)" : "")}");
        }

        /// <summary>Mounts every disk's partitions, disk by disk.</summary>
        protected virtual void InitializePartitions()
        {
            foreach (var disk in Disks)
            {
                try { disk.Mount(); }
                catch (Exception e) { global::System.Console.WriteLine($"{disk.Host.Name}: cannot read its partitions: {e.Message}"); }
            }
        }

        internal VolumeFileSystem FileSystemOf(string path)
        {
            string full = Path.GetFullPath(path);
            string root = Path.GetPathRoot(full);
            foreach (var disk in Disks)
                foreach (var p in disk.Partitions)
                    if (p.HasFileSystem && string.Equals(p.RootPath, root, StringComparison.OrdinalIgnoreCase)) return (VolumeFileSystem)p.MountedFS;
            throw new DirectoryNotFoundException($"no volume is mounted at {root}");
        }

        private DirectoryEntry Lookup(string path, DirectoryEntryTypeEnum wanted)
        {
            string full = Path.GetFullPath(path);
            VolumeFileSystem fs;
            try { fs = FileSystemOf(full); }
            catch (DirectoryNotFoundException) { return null; }
            if (!CosmosPath.TrySplitVolume(full, out _, out string rel)) return null;
            if (rel.Length == 0) return wanted == DirectoryEntryTypeEnum.Directory ? fs.GetRootDirectory() : null;
            Cosmos.FileSystem.FileEntryInfo? e;
            try { e = fs.Volume.GetEntry(rel); }
            catch (Cosmos.FileSystem.FileSystemException) { return null; }
            if (e == null) return null;
            bool isDir = e.Value.IsDirectory;
            if (isDir != (wanted == DirectoryEntryTypeEnum.Directory))
                throw new IOException($"{full} was found, but is not a {(wanted == DirectoryEntryTypeEnum.Directory ? "directory" : "file")}.");
            return fs.Entry(null, rel, e.Value);
        }

        /// <inheritdoc/>
        public override DirectoryEntry CreateFile(string aPath)
        {
            ArgumentNullException.ThrowIfNull(aPath);
            if (aPath.Length == 0) throw new ArgumentException("the path is empty", nameof(aPath));
            string full = Path.GetFullPath(aPath);
            var existing = Lookup(full, DirectoryEntryTypeEnum.File);
            if (existing != null) return existing;
            string parent = Path.GetDirectoryName(full);
            if (parent != null) Directory.CreateDirectory(parent);
            using (new FileStream(full, FileMode.CreateNew, FileAccess.Write)) { }
            return Lookup(full, DirectoryEntryTypeEnum.File);
        }

        /// <inheritdoc/>
        public override DirectoryEntry CreateDirectory(string aPath)
        {
            ArgumentNullException.ThrowIfNull(aPath);
            if (aPath.Length == 0) throw new ArgumentException("the path is empty", nameof(aPath));
            string full = Path.GetFullPath(aPath);
            Directory.CreateDirectory(full);
            return Lookup(full, DirectoryEntryTypeEnum.Directory);
        }

        /// <inheritdoc/>
        public override bool DeleteFile(DirectoryEntry aPath)
        {
            try { File.Delete(aPath.mFullPath); return !File.Exists(aPath.mFullPath); }
            catch (Exception) { return false; }
        }

        /// <inheritdoc/>
        public override bool DeleteDirectory(DirectoryEntry aPath)
        {
            try { Directory.Delete(aPath.mFullPath); return true; }
            catch (Exception) { return false; }
        }

        /// <inheritdoc/>
        public override DirectoryEntry GetDirectory(string aPath) => Lookup(aPath, DirectoryEntryTypeEnum.Directory);

        /// <inheritdoc/>
        public override DirectoryEntry GetFile(string aPath) => Lookup(aPath, DirectoryEntryTypeEnum.File);

        /// <inheritdoc/>
        public override List<DirectoryEntry> GetDirectoryListing(string aPath)
        {
            var dir = GetDirectory(aPath) ?? throw new DirectoryNotFoundException($"Could not find a part of the path '{Path.GetFullPath(aPath)}'.");
            return GetDirectoryListing(dir);
        }

        /// <inheritdoc/>
        public override List<DirectoryEntry> GetDirectoryListing(DirectoryEntry aEntry)
        {
            if (aEntry == null || string.IsNullOrEmpty(aEntry.mFullPath)) throw new ArgumentException("no directory entry given", nameof(aEntry));
            try { return FileSystemOf(aEntry.mFullPath).GetDirectoryListing(aEntry); }
            catch (Cosmos.FileSystem.FileSystemException e) { throw VolumeFileSystem.ExceptionFor(-VirtualFileSystem.ErrnoOf(e, null), aEntry.mFullPath); }
        }

        /// <inheritdoc/>
        public override DirectoryEntry GetVolume(string aVolume)
        {
            if (string.IsNullOrEmpty(aVolume)) return null;
            string root = aVolume.EndsWith(':') ? aVolume + @"\" : aVolume;
            try { return FileSystemOf(root).GetRootDirectory(); }
            catch (DirectoryNotFoundException) { return null; }
        }

        /// <inheritdoc/>
        public override List<DirectoryEntry> GetVolumes()
        {
            var list = new List<DirectoryEntry>();
            foreach (var disk in Disks)
                foreach (var p in disk.Partitions)
                    if (p.HasFileSystem) list.Add(p.MountedFS.GetRootDirectory());
            return list;
        }

        /// <inheritdoc/>
        public override FileAttributes GetFileAttributes(string aPath) => File.GetAttributes(aPath);

        /// <inheritdoc/>
        public override void SetFileAttributes(string aPath, FileAttributes fileAttributes)
        {
            string full = Path.GetFullPath(aPath);
            if (!CosmosPath.TrySplitVolume(full, out _, out string rel) || rel.Length == 0) throw new UnauthorizedAccessException($"'{full}': a volume root has no attributes");
            var fs = FileSystemOf(full);
            try { fs.Volume.SetAttributes(rel, fileAttributes & (FileAttributes.ReadOnly | FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive)); }
            catch (Cosmos.FileSystem.FileSystemException e) { throw VolumeFileSystem.ExceptionFor(-VirtualFileSystem.ErrnoOf(e, fs.Volume), full); }
        }

        /// <inheritdoc/>
        public override bool IsValidDriveId(string driveId)
        {
            try { FileSystemOf(driveId.EndsWith(':') ? driveId + @"\" : driveId); return true; }
            catch (Exception) { return false; }
        }

        /// <inheritdoc/>
        public override long GetTotalSize(string aDriveId) => FileSystemOf(aDriveId).TotalSize;

        /// <inheritdoc/>
        public override long GetAvailableFreeSpace(string aDriveId) => FileSystemOf(aDriveId).AvailableFreeSpace;

        /// <inheritdoc/>
        public override long GetTotalFreeSpace(string aDriveId) => FileSystemOf(aDriveId).TotalFreeSpace;

        /// <inheritdoc/>
        public override string GetFileSystemType(string aDriveId) => FileSystemOf(aDriveId).Type;

        /// <inheritdoc/>
        public override string GetFileSystemLabel(string aDriveId) => FileSystemOf(aDriveId).Label;

        /// <inheritdoc/>
        public override void SetFileSystemLabel(string aDriveId, string aLabel)
        {
            var fs = FileSystemOf(aDriveId);
            try { fs.Label = aLabel; fs.Volume.Flush(); }
            catch (Cosmos.FileSystem.FileSystemException e) { throw VolumeFileSystem.ExceptionFor(-VirtualFileSystem.ErrnoOf(e, fs.Volume), aDriveId); }
        }

        /// <inheritdoc/>
        public override string GetNextFilesystemLetter() => (_nextLetter++).ToString();

        /// <inheritdoc/>
        public override List<Disk> GetDisks() => Disks;
    }
}
