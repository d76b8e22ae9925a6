using System;
using System.IO;

namespace Cosmos.System.FileSystem.Listing
{
    /// <summary>A <see cref="DirectoryEntry"/> of a <see cref="VolumeFileSystem"/>: its operations go through System.IO (the kernel's file PAL), so they share locks and open files with it.</summary>
    internal sealed class VolumeDirectoryEntry : DirectoryEntry
    {
        public VolumeDirectoryEntry(FileSystem fs, DirectoryEntry parent, string fullPath, string name, long size, DirectoryEntryTypeEnum type)
            : base(fs, parent, fullPath, name, size, type) { }

        public override void SetName(string aName)
        {
            ArgumentException.ThrowIfNullOrEmpty(aName);
            string target = Path.Combine(Path.GetDirectoryName(mFullPath) ?? mFullPath, aName);
            if (mEntryType == DirectoryEntryTypeEnum.Directory) Directory.Move(mFullPath, target);
            else File.Move(mFullPath, target);
            mFullPath = target;
            mName = aName;
        }

        public override void SetSize(long aSize)
        {
            if (mEntryType != DirectoryEntryTypeEnum.File) throw new InvalidOperationException($"'{mFullPath}' is a directory: it has no size to set");
            using (var fs = new FileStream(mFullPath, FileMode.Open, FileAccess.Write)) fs.SetLength(aSize);
            mSize = aSize;
        }

        public override Stream GetFileStream()
        {
            if (mEntryType != DirectoryEntryTypeEnum.File) throw new UnauthorizedAccessException($"'{mFullPath}' is a directory");
            return new FileStream(mFullPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        }

        public override long GetUsedSpace()
        {
            if (mEntryType == DirectoryEntryTypeEnum.File) return new FileInfo(mFullPath).Length;
            long total = 0;
            foreach (var f in Directory.EnumerateFiles(mFullPath, "*", SearchOption.AllDirectories)) total += new FileInfo(f).Length;
            return total;
        }
    }
}
