using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.FileSystem;
using Cosmos.HAL.BlockDevice;

using Cosmos.System.FileSystem.Listing;

namespace Cosmos.System.FileSystem.VFS
{
    /// <summary>
    /// Cosmos's entry point to files (Cosmos API name and members): <c>VFSManager.RegisterVFS(new CosmosVFS())</c>
    /// finds the disks, mounts their volumes as <c>0:\</c>, <c>1:\</c> … and installs the kernel's file PAL, after
    /// which System.IO (File, Directory, FileStream…) works on those paths as well as this API. Errors are .NET's
    /// exceptions naming the path (FileNotFoundException, DirectoryNotFoundException, IOException…); calls before
    /// registration throw <see cref="InvalidOperationException"/> saying so.
    /// </summary>
    public static class VFSManager
    {
        private static VFSBase s_vfs;

        /// <summary>
        /// Registers <paramref name="aVFS"/> and initializes it (finds disks, mounts volumes, installs the file PAL).
        /// </summary>
        /// <exception cref="InvalidOperationException">A VFS is registered already and <paramref name="aAllowReinitialise"/> is false.</exception>
        public static void RegisterVFS(VFSBase aVFS, bool aShowInfo = true, bool aAllowReinitialise = false)
        {
            ArgumentNullException.ThrowIfNull(aVFS);
            if (s_vfs != null && !aAllowReinitialise) throw new InvalidOperationException("Virtual File System Manager already initialized!");
            Cosmos.Runtime.FileSystemPal.Install(VirtualFileSystem.Instance);
            s_vfs = aVFS;
            aVFS.Initialize(aShowInfo);
        }

        /// <summary>The registered VFS, or null.</summary>
        public static VFSBase Current => s_vfs;

        private static VFSBase Vfs => s_vfs ?? throw new InvalidOperationException("VFS not registered: call VFSManager.RegisterVFS(new CosmosVFS()) first");

        private static void RequirePath(string aPath, string name)
        {
            if (string.IsNullOrEmpty(aPath)) throw new ArgumentNullException(name, "the path is null or empty");
        }

        /// <summary>Creates an empty file (and its missing parent directories); returns the existing one when present.</summary>
        public static DirectoryEntry CreateFile(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.CreateFile(aPath); }

        /// <summary>Deletes a file: <see cref="FileNotFoundException"/> when missing, <see cref="UnauthorizedAccessException"/> for a directory.</summary>
        public static void DeleteFile(string aPath)
        {
            RequirePath(aPath, nameof(aPath));
            _ = Vfs;
            string full = Path.GetFullPath(aPath);
            if (Directory.Exists(full)) throw new UnauthorizedAccessException($"'{full}' is a directory, not a file");
            if (!File.Exists(full)) throw new FileNotFoundException($"Could not find file '{full}'.", full);
            File.Delete(full);
        }

        /// <summary>The file at <paramref name="aPath"/>, or null when there is none.</summary>
        public static DirectoryEntry GetFile(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.GetFile(aPath); }

        /// <summary>Creates a directory (and its missing parents); returns the existing one when present.</summary>
        public static DirectoryEntry CreateDirectory(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.CreateDirectory(aPath); }

        /// <summary>Deletes a directory; with <paramref name="recursive"/> its contents first. IOException when not empty, DirectoryNotFoundException when missing.</summary>
        public static void DeleteDirectory(string aPath, bool recursive)
        {
            RequirePath(aPath, nameof(aPath));
            _ = Vfs;
            string full = Path.GetFullPath(aPath);
            if (File.Exists(full)) throw new IOException($"'{full}' is a file, not a directory");
            Directory.Delete(full, recursive);
        }

        /// <summary>The directory at <paramref name="aPath"/>, or null.</summary>
        public static DirectoryEntry GetDirectory(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.GetDirectory(aPath); }

        /// <summary>The entries of the directory at <paramref name="aPath"/> (DirectoryNotFoundException when missing).</summary>
        public static List<DirectoryEntry> GetDirectoryListing(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.GetDirectoryListing(aPath); }

        /// <summary>The root entry of a volume (<c>0:\</c>), or null.</summary>
        public static DirectoryEntry GetVolume(string aVolume) { RequirePath(aVolume, nameof(aVolume)); return Vfs.GetVolume(aVolume); }

        /// <summary>The root entries of the mounted volumes.</summary>
        public static List<DirectoryEntry> GetVolumes() => Vfs.GetVolumes();

        /// <summary>The mounted volumes' roots (<c>0:\</c> …).</summary>
        public static List<string> GetLogicalDrives()
        {
            var list = new List<string>();
            foreach (var v in GetVolumes()) list.Add(v.mFullPath);
            return list;
        }

        /// <summary>True when a file exists at <paramref name="aPath"/> (false for null, directories, missing volumes).</summary>
        public static bool FileExists(string aPath) => !string.IsNullOrEmpty(aPath) && s_vfs != null && File.Exists(aPath);

        /// <summary>True when <paramref name="aEntry"/> still names a file.</summary>
        public static bool FileExists(DirectoryEntry aEntry) => aEntry != null && FileExists(aEntry.mFullPath);

        /// <summary>True when a directory exists at <paramref name="aPath"/>; <see cref="ArgumentException"/> for null or empty.</summary>
        public static bool DirectoryExists(string aPath)
        {
            if (string.IsNullOrEmpty(aPath)) throw new ArgumentException("the path is null or empty", nameof(aPath));
            return s_vfs != null && Directory.Exists(aPath);
        }

        /// <summary>True when <paramref name="aEntry"/> still names a directory.</summary>
        public static bool DirectoryExists(DirectoryEntry aEntry)
        {
            ArgumentNullException.ThrowIfNull(aEntry);
            return DirectoryExists(aEntry.mFullPath);
        }

        /// <summary>The full path of <paramref name="aEntry"/>.</summary>
        public static string GetFullPath(DirectoryEntry aEntry)
        {
            ArgumentNullException.ThrowIfNull(aEntry);
            return aEntry.mFullPath;
        }

        /// <summary>A read-write stream on the file; null for a null or empty path; FileNotFoundException when missing.</summary>
        public static Stream GetFileStream(string aPathname)
        {
            if (string.IsNullOrEmpty(aPathname)) return null;
            _ = Vfs;
            return new FileStream(aPathname, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        /// <summary>The attributes of a file or directory.</summary>
        public static FileAttributes GetFileAttributes(string aPath) { RequirePath(aPath, nameof(aPath)); return Vfs.GetFileAttributes(aPath); }

        /// <summary>Sets ReadOnly, Hidden, System and Archive.</summary>
        public static void SetFileAttributes(string aPath, FileAttributes fileAttributes) { RequirePath(aPath, nameof(aPath)); Vfs.SetFileAttributes(aPath, fileAttributes); }

        /// <summary>True when <paramref name="aPath"/> (<c>0:\</c>) names a mounted volume.</summary>
        public static bool IsValidDriveId(string aPath) => s_vfs != null && !string.IsNullOrEmpty(aPath) && Vfs.IsValidDriveId(aPath);

        /// <summary>Size in bytes of the volume <paramref name="aDriveId"/>.</summary>
        public static long GetTotalSize(string aDriveId) => Vfs.GetTotalSize(aDriveId);

        /// <summary>Free bytes on the volume.</summary>
        public static long GetAvailableFreeSpace(string aDriveId) => Vfs.GetAvailableFreeSpace(aDriveId);

        /// <summary>Free bytes on the volume.</summary>
        public static long GetTotalFreeSpace(string aDriveId) => Vfs.GetTotalFreeSpace(aDriveId);

        /// <summary>"FAT12", "FAT16", "FAT32" or "ISO9660".</summary>
        public static string GetFileSystemType(string aDriveId) => Vfs.GetFileSystemType(aDriveId);

        /// <summary>The volume label.</summary>
        public static string GetFileSystemLabel(string aDriveId) => Vfs.GetFileSystemLabel(aDriveId);

        /// <summary>Sets the volume label.</summary>
        public static void SetFileSystemLabel(string aDriveId, string aLabel) => Vfs.SetFileSystemLabel(aDriveId, aLabel);

        /// <summary>Formats the volume <paramref name="aDriveId"/> as <paramref name="aDriveFormat"/> (FAT12/16/32); no file on it may be open.</summary>
        public static void Format(string aDriveId, string aDriveFormat, bool aQuick)
        {
            if (!(Vfs is CosmosVFS c)) throw new NotSupportedException("Format needs CosmosVFS");
            c.FileSystemOf(aDriveId).Format(aDriveFormat, aQuick);
        }

        /// <summary>'/'.</summary>
        public static char GetAltDirectorySeparatorChar() => CosmosPath.AltDirectorySeparatorChar;
        /// <summary>'\'.</summary>
        public static char GetDirectorySeparatorChar() => CosmosPath.DirectorySeparatorChar;
        /// <summary>':'.</summary>
        public static char GetVolumeSeparatorChar() => CosmosPath.VolumeSeparatorChar;
        /// <summary>';'.</summary>
        public static char GetPathSeparator() => CosmosPath.PathSeparator;
        /// <summary>260 (Cosmos's value; FAT itself allows 255-character names at any depth).</summary>
        public static int GetMaxPath() => 260;
        /// <summary>Characters a file name may not contain.</summary>
        public static char[] GetInvalidFileNameChars() => CosmosPath.GetInvalidFileNameChars();
        /// <summary>Characters a path may not contain, plus the wildcards.</summary>
        public static char[] GetInvalidPathCharsWithAdditionalChecks()
        {
            var list = new List<char>(CosmosPath.GetInvalidPathChars()) { '"', '<', '>', '*', '?' };
            return list.ToArray();
        }
        /// <summary>The path components, volume first ("0:"), empty parts dropped.</summary>
        public static string[] SplitPath(string aPath) => aPath.Split(new[] { '\\', '/' }, StringSplitOptions.RemoveEmptyEntries);

        /// <summary>The parent directory of <paramref name="aPath"/>, or null at a root.</summary>
        public static DirectoryEntry GetParent(string aPath)
        {
            if (string.IsNullOrEmpty(aPath)) throw new ArgumentException("the path is null or empty", nameof(aPath));
            string parent = Path.GetDirectoryName(Path.GetFullPath(aPath));
            return parent == null ? null : GetDirectory(parent);
        }

        /// <summary>The next volume number; each call takes one.</summary>
        public static string GetNextFilesystemLetter() => Vfs.GetNextFilesystemLetter();

        /// <summary>The disks.</summary>
        public static List<Disk> GetDisks() => Vfs.GetDisks();

        /// <summary>Makes every volume's cached data durable (Power.Shutdown and Power.Reboot call this).</summary>
        public static void Flush()
        {
            if (s_vfs != null) VirtualFileSystem.Instance.FlushAll();
        }

        /// <summary>Unmounts the volume at <paramref name="rootPath"/>, formats <paramref name="partition"/> and mounts the new volume under the same name.</summary>
        internal static FileSystemVolume FormatAndRemount(string rootPath, Partition partition, string format, bool quick, string label)
        {
            string name = rootPath.Substring(0, rootPath.IndexOf(':'));
            var vfs = VirtualFileSystem.Instance;
            if (vfs.Find(name) != null) vfs.Unmount(name);
            FAT.FatFormat.Format(partition, format, quick, label);
            var fat = Cosmos.FileSystem.Fat.FatFileSystem.Mount(new HalBlockDevice(partition), FAT.FatFileSystemFactory.Clock);
            vfs.Mount(fat, name);
            return fat;
        }
    }
}
