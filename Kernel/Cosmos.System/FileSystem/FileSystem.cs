using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.FileSystem;
using Cosmos.HAL.BlockDevice;
using Cosmos.System.FileSystem.Listing;
using Cosmos.System.FileSystem.VFS;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// A file system mounted on a partition (Cosmos API name and members). Here each one wraps a
    /// <see cref="FileSystemVolume"/> of the pure storage library (Cosmos.FileSystem: FAT, ISO9660) mounted in the
    /// kernel's <see cref="VirtualFileSystem"/> under <see cref="RootPath"/>, so System.IO and this API see the same files.
    /// </summary>
    public abstract class FileSystem
    {
        /// <summary>Creates the file system of <paramref name="aDevice"/> mounted at <paramref name="aRootPath"/> (e.g. <c>0:\</c>), <paramref name="aSize"/> MiB.</summary>
        protected FileSystem(Partition aDevice, string aRootPath, long aSize)
        {
            Device = aDevice;
            RootPath = aRootPath;
            Size = aSize;
        }

        /// <summary>The partition it lives on.</summary>
        protected Partition Device { get; }

        /// <summary>Root path, e.g. <c>0:\</c>.</summary>
        public string RootPath { get; }

        /// <summary>Size of the partition in MiB (Cosmos's unit for this property).</summary>
        public long Size { get; }

        /// <summary>Free bytes for file data.</summary>
        public abstract long AvailableFreeSpace { get; }

        /// <summary>Free bytes in total (the same as <see cref="AvailableFreeSpace"/>: no quotas or reserved space).</summary>
        public abstract long TotalFreeSpace { get; }

        /// <summary>Format name: "FAT12", "FAT16", "FAT32", "ISO9660".</summary>
        public abstract string Type { get; }

        /// <summary>Volume label; setting it throws <see cref="IOException"/> on a read-only volume.</summary>
        public abstract string Label { get; set; }

        /// <summary>Prints type, label, size and free space to the console.</summary>
        public abstract void DisplayFileSystemInfo();

        /// <summary>The entries of <paramref name="baseDirectory"/>.</summary>
        public abstract List<DirectoryEntry> GetDirectoryListing(DirectoryEntry baseDirectory);

        /// <summary>The root directory's entry.</summary>
        public abstract DirectoryEntry GetRootDirectory();

        /// <summary>Creates directory <paramref name="aNewDirectory"/> in <paramref name="aParentDirectory"/> (or returns the existing one).</summary>
        public abstract DirectoryEntry CreateDirectory(DirectoryEntry aParentDirectory, string aNewDirectory);

        /// <summary>Creates an empty file <paramref name="aNewFile"/> in <paramref name="aParentDirectory"/> (or returns the existing one).</summary>
        public abstract DirectoryEntry CreateFile(DirectoryEntry aParentDirectory, string aNewFile);

        /// <summary>Deletes an empty directory.</summary>
        public abstract void DeleteDirectory(DirectoryEntry aPath);

        /// <summary>Deletes a file.</summary>
        public abstract void DeleteFile(DirectoryEntry aPath);

        /// <summary>Formats the partition as <paramref name="aDriveFormat"/> ("FAT12", "FAT16", "FAT32") and mounts the new volume in place of this one.</summary>
        public abstract void Format(string aDriveFormat, bool aQuick);
    }

    /// <summary>A Cosmos <see cref="FileSystem"/> over a mounted <see cref="FileSystemVolume"/>.</summary>
    public class VolumeFileSystem : FileSystem
    {
        private FileSystemVolume _volume;

        /// <summary>Wraps <paramref name="volume"/> (already mounted in the VFS at <paramref name="rootPath"/>).</summary>
        public VolumeFileSystem(Partition device, string rootPath, long sizeMiB, FileSystemVolume volume) : base(device, rootPath, sizeMiB)
        {
            _volume = volume ?? throw new ArgumentNullException(nameof(volume));
        }

        /// <summary>The mounted volume.</summary>
        public FileSystemVolume Volume => _volume;

        /// <inheritdoc/>
        public override long AvailableFreeSpace => _volume.AvailableFreeSpace;

        /// <inheritdoc/>
        public override long TotalFreeSpace => _volume.AvailableFreeSpace;

        /// <inheritdoc/>
        public override string Type => _volume.TypeName;

        /// <inheritdoc/>
        public override string Label
        {
            get => _volume.Label;
            set => _volume.Label = value;
        }

        /// <summary>Total size of the data area in bytes.</summary>
        public long TotalSize => _volume.TotalSize;

        /// <inheritdoc/>
        public override void DisplayFileSystemInfo()
        {
            global::System.Console.WriteLine($"{RootPath} {Type} \"{Label}\" {TotalSize} bytes, {AvailableFreeSpace} free{(_volume.IsReadOnly ? ", read-only" : "")}");
            foreach (var w in _volume.Warnings) global::System.Console.WriteLine("  warning: " + w);
        }

        private string Relative(DirectoryEntry e)
        {
            if (!CosmosPath.TrySplitVolume(CosmosPath.GetFullPath(e.mFullPath), out _, out string rel))
                throw new ArgumentException($"'{e.mFullPath}' is not a path on {RootPath}");
            return rel;
        }

        internal DirectoryEntry Entry(DirectoryEntry parent, string relative, in FileEntryInfo info)
        {
            string full = relative.Length == 0 ? RootPath : RootPath + relative.Replace('/', '\\');
            string name = relative.Length == 0 ? RootPath : info.Name;
            return new VolumeDirectoryEntry(this, parent, full, name, info.IsDirectory ? 0 : info.Length,
                info.IsDirectory ? DirectoryEntryTypeEnum.Directory : DirectoryEntryTypeEnum.File);
        }

        /// <inheritdoc/>
        public override DirectoryEntry GetRootDirectory() =>
            Entry(null, "", new FileEntryInfo("", true, 0, FileAttributes.Directory, default, default, default));

        /// <inheritdoc/>
        public override List<DirectoryEntry> GetDirectoryListing(DirectoryEntry baseDirectory)
        {
            ArgumentNullException.ThrowIfNull(baseDirectory);
            string rel = Relative(baseDirectory);
            var list = new List<DirectoryEntry>();
            foreach (var e in _volume.ListDirectory(rel))
                list.Add(Entry(baseDirectory, rel.Length == 0 ? e.Name : rel + "/" + e.Name, e));
            return list;
        }

        private DirectoryEntry Create(DirectoryEntry parent, string name, bool directory)
        {
            ArgumentNullException.ThrowIfNull(parent);
            ArgumentException.ThrowIfNullOrEmpty(name);
            string rel = Relative(parent);
            string child = rel.Length == 0 ? name : rel + "/" + name;
            var existing = _volume.GetEntry(child);
            if (existing == null)
            {
                if (directory) _volume.CreateDirectory(child); else _volume.CreateFile(child);
                existing = _volume.GetEntry(child);
            }
            else if (existing.Value.IsDirectory != directory)
                throw new IOException($"'{parent.mFullPath.TrimEnd('\\')}\\{name}' exists and is a {(existing.Value.IsDirectory ? "directory" : "file")}");
            return Entry(parent, child, existing.Value);
        }

        /// <inheritdoc/>
        public override DirectoryEntry CreateDirectory(DirectoryEntry aParentDirectory, string aNewDirectory) => Create(aParentDirectory, aNewDirectory, true);

        /// <inheritdoc/>
        public override DirectoryEntry CreateFile(DirectoryEntry aParentDirectory, string aNewFile) => Create(aParentDirectory, aNewFile, false);

        /// <inheritdoc/>
        public override void DeleteDirectory(DirectoryEntry aPath)
        {
            ArgumentNullException.ThrowIfNull(aPath);
            Check(VirtualFileSystem.Instance.RmDir(aPath.mFullPath), aPath.mFullPath);
        }

        /// <inheritdoc/>
        public override void DeleteFile(DirectoryEntry aPath)
        {
            ArgumentNullException.ThrowIfNull(aPath);
            Check(VirtualFileSystem.Instance.Unlink(aPath.mFullPath), aPath.mFullPath);
        }

        /// <inheritdoc/>
        public override void Format(string aDriveFormat, bool aQuick)
        {
            if (Device == null) throw new InvalidOperationException($"{RootPath} has no partition to format");
            _volume = VFSManager.FormatAndRemount(RootPath, Device, aDriveFormat, aQuick, _volume.Label);
        }

        internal void Replace(FileSystemVolume volume) => _volume = volume;

        /// <summary>Throws the .NET exception for a VFS result (−errno), naming <paramref name="path"/>.</summary>
        internal static void Check(int result, string path)
        {
            if (result >= 0) return;
            throw ExceptionFor(-result, path);
        }

        /// <summary>The exception .NET raises for Linux errno <paramref name="errno"/> on <paramref name="path"/>.</summary>
        internal static Exception ExceptionFor(int errno, string path) => errno switch
        {
            Cosmos.Runtime.Errno.ENOENT => new FileNotFoundException($"Could not find '{path}'.", path),
            Cosmos.Runtime.Errno.ENOTDIR => new DirectoryNotFoundException($"A part of '{path}' is not a directory."),
            Cosmos.Runtime.Errno.EACCES or Cosmos.Runtime.Errno.EISDIR or Cosmos.Runtime.Errno.EPERM => new UnauthorizedAccessException($"Access to '{path}' is denied."),
            Cosmos.Runtime.Errno.EROFS => new UnauthorizedAccessException($"'{path}' is on a read-only volume."),
            Cosmos.Runtime.Errno.ENAMETOOLONG => new PathTooLongException($"'{path}' is too long for the file system."),
            Cosmos.Runtime.Errno.ENOTEMPTY => new IOException($"The directory '{path}' is not empty."),
            Cosmos.Runtime.Errno.EEXIST => new IOException($"'{path}' already exists."),
            Cosmos.Runtime.Errno.ENOSPC => new IOException($"No space left on the volume for '{path}'."),
            Cosmos.Runtime.Errno.EBUSY => new IOException($"'{path}' is in use."),
            Cosmos.Runtime.Errno.EINVAL => new ArgumentException($"'{path}' is not a valid name or operation for the file system."),
            _ => new IOException($"I/O error on '{path}' ({Cosmos.Runtime.Errno.Name(errno) ?? errno.ToString()})."),
        };
    }
}
