using System;
using System.IO;

namespace Cosmos.FileSystem;

/// <summary>
/// Why a file-system operation failed. The kernel's file PAL maps each value to one errno (ENOENT, ENOTDIR…), so
/// the BCL raises the exception .NET raises for it (FileNotFoundException, DirectoryNotFoundException…).
/// </summary>
public enum FileSystemError
{
    /// <summary>The path's last component does not exist (ENOENT → FileNotFoundException).</summary>
    NotFound,
    /// <summary>A directory on the way to the last component does not exist (ENOENT on a parent → DirectoryNotFoundException).</summary>
    PathNotFound,
    /// <summary>A component used as a directory is a file (ENOTDIR).</summary>
    NotADirectory,
    /// <summary>The operation needs a file and found a directory (EISDIR).</summary>
    IsADirectory,
    /// <summary>The name to create exists already (EEXIST).</summary>
    AlreadyExists,
    /// <summary>A directory to delete or replace has entries (ENOTEMPTY).</summary>
    DirectoryNotEmpty,
    /// <summary>No free cluster or directory slot is left (ENOSPC).</summary>
    NoSpace,
    /// <summary>The volume is mounted read-only or the entry has the read-only attribute (EROFS / EACCES).</summary>
    ReadOnly,
    /// <summary>A name is longer than the format allows (ENAMETOOLONG → PathTooLongException).</summary>
    NameTooLong,
    /// <summary>A name has characters the format cannot store, or is empty, "." or ".." where not allowed (EINVAL).</summary>
    InvalidName,
    /// <summary>The on-disk structures are inconsistent (EIO); the volume stops writing.</summary>
    Corrupt,
    /// <summary>The device reported an error (EIO).</summary>
    DeviceError,
    /// <summary>The file is larger than the format allows (EFBIG).</summary>
    FileTooLarge,
}

/// <summary>
/// A file-system operation failed for <see cref="Error"/>; the message names the path. Derives from
/// <see cref="IOException"/> so callers that do not care about the kind can catch that.
/// </summary>
public class FileSystemException : IOException
{
    /// <summary>Creates the exception for <paramref name="error"/>, naming <paramref name="path"/> in the message.</summary>
    public FileSystemException(FileSystemError error, string path, string detail = null, Exception inner = null)
        : base(Format(error, path, detail), inner)
    {
        Error = error;
        Path = path;
    }

    /// <summary>What went wrong.</summary>
    public FileSystemError Error { get; }

    /// <summary>The volume-relative path the operation was given ("" for the volume itself).</summary>
    public string Path { get; }

    private static string Format(FileSystemError error, string path, string detail)
    {
        string what = error switch
        {
            FileSystemError.NotFound => "not found",
            FileSystemError.PathNotFound => "part of the path not found",
            FileSystemError.NotADirectory => "not a directory",
            FileSystemError.IsADirectory => "is a directory",
            FileSystemError.AlreadyExists => "already exists",
            FileSystemError.DirectoryNotEmpty => "directory not empty",
            FileSystemError.NoSpace => "no space left on the volume",
            FileSystemError.ReadOnly => "read-only",
            FileSystemError.NameTooLong => "name too long",
            FileSystemError.InvalidName => "invalid name",
            FileSystemError.Corrupt => "volume is corrupt",
            FileSystemError.DeviceError => "device error",
            FileSystemError.FileTooLarge => "file too large",
            _ => error.ToString(),
        };
        string msg = string.IsNullOrEmpty(path) ? what : $"'{path}': {what}";
        return detail == null ? msg : msg + " (" + detail + ")";
    }
}
