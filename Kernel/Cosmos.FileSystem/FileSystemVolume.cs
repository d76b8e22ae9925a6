using System;
using System.Collections.Generic;
using System.IO;

namespace Cosmos.FileSystem;

/// <summary>
/// What a file or directory entry looks like to callers: one record per name. Times are UTC (the kernel's clock is
/// UTC; FAT stores them without a zone and this library reads them as UTC).
/// </summary>
public readonly record struct FileEntryInfo(
    string Name,
    bool IsDirectory,
    long Length,
    FileAttributes Attributes,
    DateTime CreationTimeUtc,
    DateTime LastWriteTimeUtc,
    DateTime LastAccessTimeUtc);

/// <summary>
/// A mounted file system. Paths are volume-relative with '/' or '\' between components and no drive prefix:
/// "" or "/" is the root, "dir/a.txt" a file in a directory. Name comparison follows the format (FAT and ISO9660:
/// case-insensitive, case preserved when stored). Every failure is a <see cref="FileSystemException"/> whose
/// <see cref="FileSystemException.Error"/> says why. Not thread-safe: the VFS serialises calls to one volume.
/// </summary>
public abstract class FileSystemVolume
{
    /// <summary>Format name as Cosmos reports it: "FAT12", "FAT16", "FAT32", "ISO9660".</summary>
    public abstract string TypeName { get; }

    /// <summary>Volume label ("" when none). Setting throws ReadOnly on a read-only volume, InvalidName/NameTooLong when the format cannot store it.</summary>
    public abstract string Label { get; set; }

    /// <summary>Size of the data area in bytes.</summary>
    public abstract long TotalSize { get; }

    /// <summary>Bytes still free for file data.</summary>
    public abstract long AvailableFreeSpace { get; }

    /// <summary>True when nothing may be written: read-only media or format, or the volume was judged inconsistent at mount.</summary>
    public abstract bool IsReadOnly { get; }

    /// <summary>What the mount found wrong but survivable (each made the volume read-only, or is informational). Empty when clean.</summary>
    public abstract IReadOnlyList<string> Warnings { get; }

    /// <summary>The entry at <paramref name="path"/>, or null when the last component does not exist. Throws PathNotFound/NotADirectory for bad parents.</summary>
    public abstract FileEntryInfo? GetEntry(string path);

    /// <summary>Entries of the directory at <paramref name="path"/> without "." and "..", in on-disk order.</summary>
    public abstract IReadOnlyList<FileEntryInfo> ListDirectory(string path);

    /// <summary>Creates an empty directory; AlreadyExists when the name is taken.</summary>
    public abstract void CreateDirectory(string path);

    /// <summary>Creates an empty file; AlreadyExists when the name is taken.</summary>
    public abstract void CreateFile(string path);

    /// <summary>Deletes a file (IsADirectory for a directory) and frees its clusters.</summary>
    public abstract void DeleteFile(string path);

    /// <summary>Deletes an empty directory (DirectoryNotEmpty otherwise, NotADirectory for a file). The root cannot be deleted.</summary>
    public abstract void DeleteDirectory(string path);

    /// <summary>
    /// Moves/renames a file or directory. When <paramref name="newPath"/> exists: a file replaces a file when
    /// <paramref name="replace"/> is true, otherwise AlreadyExists. A directory cannot move into itself (InvalidName).
    /// </summary>
    public abstract void Rename(string oldPath, string newPath, bool replace);

    /// <summary>Sets attributes that the format stores (ReadOnly, Hidden, System, Archive); Directory cannot be changed.</summary>
    public abstract void SetAttributes(string path, FileAttributes attributes);

    /// <summary>Sets the times that are not null (FAT: write time 2 s resolution, access date only).</summary>
    public abstract void SetTimes(string path, DateTime? creationUtc, DateTime? lastAccessUtc, DateTime? lastWriteUtc);

    /// <summary>Opens the file at <paramref name="path"/> for byte access (NotFound, IsADirectory; ReadOnly when writable is asked of a read-only volume or file).</summary>
    public abstract FileSystemFile OpenFile(string path, bool writable);

    /// <summary>Writes every cached structure (FAT copies, FSInfo, directory entries) and flushes the device.</summary>
    public abstract void Flush();
}

/// <summary>
/// An open file: positioned reads and writes (pread/pwrite semantics; the caller keeps the position). Writes past
/// the end extend the file, the gap reading as zeros. Disposing flushes the file's metadata (length, write time)
/// but not the device; call <see cref="Flush"/> for durability.
/// </summary>
public abstract class FileSystemFile : IDisposable
{
    /// <summary>Length in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>True when opened writable.</summary>
    public abstract bool CanWrite { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at byte <paramref name="offset"/>; returns the count read, 0 at or past the end.</summary>
    public abstract int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="buffer"/> at byte <paramref name="offset"/> (NoSpace, FileTooLarge, ReadOnly).</summary>
    public abstract void Write(long offset, ReadOnlySpan<byte> buffer);

    /// <summary>Truncates or extends (zero-filled) to <paramref name="length"/> bytes.</summary>
    public abstract void SetLength(long length);

    /// <summary>Writes the file's data and metadata and the volume structures they touch, then flushes the device (fsync).</summary>
    public abstract void Flush();

    /// <summary>Updates metadata and releases the file.</summary>
    public abstract void Dispose();
}
