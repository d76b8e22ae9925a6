using System;
using System.IO;

namespace Cosmos.System.FileSystem.Listing
{
    /// <summary>Kind of a <see cref="DirectoryEntry"/> (Cosmos API).</summary>
    public enum DirectoryEntryTypeEnum
    {
        /// <summary>A directory (a volume's root included).</summary>
        Directory,
        /// <summary>A regular file.</summary>
        File,
        /// <summary>Neither (not produced by FAT or ISO9660).</summary>
        Unknown,
    }

    /// <summary>
    /// A file or directory as Cosmos's VFS API returns it (Cosmos API name, fields and members). It is a snapshot: the
    /// size and name are those seen when it was made.
    /// </summary>
    public abstract class DirectoryEntry
    {
        /// <summary>Size in bytes (0 for directories).</summary>
        public long mSize;
        /// <summary>Full path, e.g. <c>0:\dir\a.txt</c> (<c>0:\</c> for a root).</summary>
        public string mFullPath;
        /// <summary>Name (the root path for a root).</summary>
        public string mName;
        /// <summary>The file system it belongs to.</summary>
        protected readonly FileSystem mFileSystem;
        /// <summary>The directory it was listed from (null for a root or a lookup by path).</summary>
        public readonly DirectoryEntry mParent;
        /// <summary>File or directory.</summary>
        public readonly DirectoryEntryTypeEnum mEntryType;

        /// <summary>Creates an entry; throws <see cref="ArgumentNullException"/> without a file system and <see cref="ArgumentException"/> for an empty path or name.</summary>
        protected DirectoryEntry(FileSystem aFileSystem, DirectoryEntry aParent, string aFullPath, string aName, long aSize, DirectoryEntryTypeEnum aEntryType)
        {
            mFileSystem = aFileSystem ?? throw new ArgumentNullException(nameof(aFileSystem));
            if (string.IsNullOrEmpty(aFullPath)) throw new ArgumentException("the full path is empty", nameof(aFullPath));
            if (string.IsNullOrEmpty(aName)) throw new ArgumentException("the name is empty", nameof(aName));
            mParent = aParent;
            mFullPath = aFullPath;
            mName = aName;
            mSize = aSize;
            mEntryType = aEntryType;
        }

        /// <summary>Renames the entry within its directory (IOException when the name is taken).</summary>
        public abstract void SetName(string aName);

        /// <summary>Truncates or extends (zero-filled) the file to <paramref name="aSize"/> bytes.</summary>
        public abstract void SetSize(long aSize);

        /// <summary>A read-write stream on the file (a <see cref="FileStream"/>; dispose it to make the data durable).</summary>
        public abstract Stream GetFileStream();

        /// <summary>Bytes used: the file's size, or the total size of the files below a directory.</summary>
        public abstract long GetUsedSpace();
    }
}
