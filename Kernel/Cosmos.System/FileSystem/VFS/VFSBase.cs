using System.Collections.Generic;
using System.IO;
using Cosmos.System.FileSystem.Listing;

namespace Cosmos.System.FileSystem.VFS
{
    /// <summary>A virtual file system as Cosmos's <see cref="VFSManager"/> drives it (Cosmos API name and members); <see cref="CosmosVFS"/> is the one the kernel provides.</summary>
    public abstract class VFSBase
    {
        /// <summary>Finds the disks and mounts their volumes.</summary>
        public abstract void Initialize(bool aShowInfo);
        /// <summary>Creates a file (and missing parent directories); returns the existing one if present.</summary>
        public abstract DirectoryEntry CreateFile(string aPath);
        /// <summary>Creates a directory (and missing parents); returns the existing one if present.</summary>
        public abstract DirectoryEntry CreateDirectory(string aPath);
        /// <summary>Deletes a file; false when it failed.</summary>
        public abstract bool DeleteFile(DirectoryEntry aPath);
        /// <summary>Deletes an empty directory; false when it failed.</summary>
        public abstract bool DeleteDirectory(DirectoryEntry aPath);
        /// <summary>The directory at <paramref name="aPath"/>, or null.</summary>
        public abstract DirectoryEntry GetDirectory(string aPath);
        /// <summary>The file at <paramref name="aPath"/>, or null.</summary>
        public abstract DirectoryEntry GetFile(string aPath);
        /// <summary>The entries of the directory at <paramref name="aPath"/>.</summary>
        public abstract List<DirectoryEntry> GetDirectoryListing(string aPath);
        /// <summary>The entries of <paramref name="aEntry"/>.</summary>
        public abstract List<DirectoryEntry> GetDirectoryListing(DirectoryEntry aEntry);
        /// <summary>The root entry of volume <paramref name="aVolume"/> (<c>0:\</c> or <c>0:</c>), or null.</summary>
        public abstract DirectoryEntry GetVolume(string aVolume);
        /// <summary>The root entries of every mounted volume.</summary>
        public abstract List<DirectoryEntry> GetVolumes();
        /// <summary>The attributes of a file or directory.</summary>
        public abstract FileAttributes GetFileAttributes(string aPath);
        /// <summary>Sets the attributes FAT stores (ReadOnly, Hidden, System, Archive).</summary>
        public abstract void SetFileAttributes(string aPath, FileAttributes fileAttributes);
        /// <summary>'\'.</summary>
        public static char DirectorySeparatorChar => CosmosPath.DirectorySeparatorChar;
        /// <summary>'/'.</summary>
        public static char AltDirectorySeparatorChar => CosmosPath.AltDirectorySeparatorChar;
        /// <summary>':'.</summary>
        public static char VolumeSeparatorChar => CosmosPath.VolumeSeparatorChar;
        /// <summary>True when <paramref name="driveId"/> (<c>0:\</c>) names a mounted volume.</summary>
        public abstract bool IsValidDriveId(string driveId);
        /// <summary>Size of the volume's data area in bytes.</summary>
        public abstract long GetTotalSize(string aDriveId);
        /// <summary>Free bytes on the volume.</summary>
        public abstract long GetAvailableFreeSpace(string aDriveId);
        /// <summary>Free bytes on the volume (the same as <see cref="GetAvailableFreeSpace"/>).</summary>
        public abstract long GetTotalFreeSpace(string aDriveId);
        /// <summary>"FAT12", "FAT16", "FAT32" or "ISO9660".</summary>
        public abstract string GetFileSystemType(string aDriveId);
        /// <summary>The volume label.</summary>
        public abstract string GetFileSystemLabel(string aDriveId);
        /// <summary>Sets the volume label.</summary>
        public abstract void SetFileSystemLabel(string aDriveId, string aLabel);
        /// <summary>The next volume number ("0", "1" …); each call takes one.</summary>
        public abstract string GetNextFilesystemLetter();
        /// <summary>The disks found by <see cref="Initialize"/>.</summary>
        public abstract List<Disk> GetDisks();
    }
}
