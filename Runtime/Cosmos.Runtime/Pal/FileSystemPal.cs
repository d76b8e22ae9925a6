using System;
using System.Runtime.InteropServices;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Interop.Sys.FileStatus of the CoreLib (System.Native's pal_io.h FileStatus): what stat/fstat report. Times are
    /// seconds and nanoseconds since the Unix epoch (UTC). Layout checked against the CoreLib by CoreLibContractTests.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FileStatus
    {
        /// <summary>FileStatusFlags: 1 = <see cref="BirthTime"/> is valid.</summary>
        public int Flags;
        /// <summary>S_IF* type bits | permission bits (0x4000 directory, 0x8000 regular file; 0644/0444…).</summary>
        public int Mode;
        /// <summary>Owner user id (always 0: there are no users).</summary>
        public uint Uid;
        /// <summary>Owner group id (always 0).</summary>
        public uint Gid;
        /// <summary>Length in bytes.</summary>
        public long Size;
        /// <summary>Last access, seconds since 1970-01-01 UTC.</summary>
        public long ATime;
        /// <summary>Nanosecond part of <see cref="ATime"/>.</summary>
        public long ATimeNsec;
        /// <summary>Last write, seconds since 1970-01-01 UTC.</summary>
        public long MTime;
        /// <summary>Nanosecond part of <see cref="MTime"/>.</summary>
        public long MTimeNsec;
        /// <summary>Last status change (the write time on FAT).</summary>
        public long CTime;
        /// <summary>Nanosecond part of <see cref="CTime"/>.</summary>
        public long CTimeNsec;
        /// <summary>Creation, seconds since 1970-01-01 UTC.</summary>
        public long BirthTime;
        /// <summary>Nanosecond part of <see cref="BirthTime"/>.</summary>
        public long BirthTimeNsec;
        /// <summary>Device id of the volume (the VFS's volume number).</summary>
        public long Dev;
        /// <summary>Device id of a special file (0).</summary>
        public long RDev;
        /// <summary>A number unique per entry on the volume while it is mounted.</summary>
        public long Ino;
        /// <summary>BSD st_flags: UF_HIDDEN (0x8000) for entries with the hidden attribute.</summary>
        public uint UserFlags;

        /// <summary>S_IFDIR.</summary>
        public const int S_IFDIR = 0x4000;
        /// <summary>S_IFREG.</summary>
        public const int S_IFREG = 0x8000;
        /// <summary>S_IFMT: the type bits of <see cref="Mode"/>.</summary>
        public const int S_IFMT = 0xF000;
        /// <summary>FileStatusFlags.HasBirthTime.</summary>
        public const int HasBirthTime = 1;
        /// <summary>UF_HIDDEN in <see cref="UserFlags"/>.</summary>
        public const uint UF_HIDDEN = 0x8000;
    }

    /// <summary>Interop.Sys.DirectoryEntry: one readdir result (Name is NUL-terminated UTF-8 owned by the directory stream).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct DirectoryEntry
    {
        /// <summary>UTF-8 name, valid until the next ReadDir or CloseDir on the same stream.</summary>
        public byte* Name;
        /// <summary>Name length in bytes (without the NUL).</summary>
        public int NameLength;
        /// <summary>NodeType: 4 = DT_DIR, 8 = DT_REG.</summary>
        public int InodeType;

        /// <summary>NodeType DT_DIR.</summary>
        public const int DT_DIR = 4;
        /// <summary>NodeType DT_REG.</summary>
        public const int DT_REG = 8;
    }

    /// <summary>
    /// The file-system half of the platform layer: everything the CoreLib's SystemNative_* file and directory calls
    /// reach (SystemNative.Files.cs decodes the native arguments and forwards here). The kernel's VFS
    /// (Cosmos.System.FileSystem.VFS) installs the implementation when a file system is registered; before that
    /// no file exists (paths fail with ENOENT, descriptors with EBADF).
    /// Every method returns a non-negative result on success or a negated Linux errno (−<see cref="Errno.ENOENT"/>…),
    /// which the export turns into −1 and the thread's errno, so the BCL raises the exception .NET raises for it.
    /// Paths arrive as the BCL passes them (full paths made by Path.GetFullPath, in Cosmos syntax: <c>0:\dir\a.txt</c>).
    /// Flag and mode values are the PAL's (pal_io.h: PAL_O_*, PAL_S_*, PAL_LOCK_*, PAL_SEEK_*).
    /// </summary>
    public abstract class FileSystemPal
    {
        /// <summary>The installed implementation, or null while no file system is registered.</summary>
        public static FileSystemPal Current { get; private set; }

        /// <summary>Installs <paramref name="pal"/>; throws <see cref="InvalidOperationException"/> when another is installed already.</summary>
        public static void Install(FileSystemPal pal)
        {
            ArgumentNullException.ThrowIfNull(pal);
            if (Current != null && Current != pal) throw new InvalidOperationException("a file-system PAL is installed already");
            Current = pal;
        }

        /// <summary>PAL_O_* access mode mask and flags.</summary>
        public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCESS_MODE_MASK = 0xF, O_CLOEXEC = 0x10, O_CREAT = 0x20,
            O_EXCL = 0x40, O_TRUNC = 0x80, O_SYNC = 0x100, O_NOFOLLOW = 0x200;
        /// <summary>PAL_LOCK_* (flock).</summary>
        public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
        /// <summary>PAL_F_RDLCK/F_WRLCK/F_UNLCK (Interop.Sys.LockType, SystemNative_LockFileRegion).</summary>
        public const int F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
        /// <summary>PAL_SEEK_*.</summary>
        public const int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
        /// <summary>PAL_*_OK (access).</summary>
        public const int F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

        /// <summary>open(2): a descriptor (≥ 0) or −errno.</summary>
        public abstract long Open(string path, int flags, int mode);
        /// <summary>close(2).</summary>
        public abstract int Close(long fd);
        /// <summary>read(2) at the descriptor's position: bytes read (0 at the end) or −errno.</summary>
        public abstract int Read(long fd, Span<byte> buffer);
        /// <summary>write(2) at the descriptor's position: bytes written or −errno.</summary>
        public abstract int Write(long fd, ReadOnlySpan<byte> buffer);
        /// <summary>pread(2): bytes read at <paramref name="offset"/> (position unchanged) or −errno.</summary>
        public abstract int PRead(long fd, Span<byte> buffer, long offset);
        /// <summary>pwrite(2): bytes written at <paramref name="offset"/> (position unchanged) or −errno.</summary>
        public abstract int PWrite(long fd, ReadOnlySpan<byte> buffer, long offset);
        /// <summary>lseek(2): the new position or −errno.</summary>
        public abstract long LSeek(long fd, long offset, int whence);
        /// <summary>fstat(2).</summary>
        public abstract int FStat(long fd, out FileStatus status);
        /// <summary>stat(2) (there are no symbolic links, so lstat is the same).</summary>
        public abstract int Stat(string path, out FileStatus status);
        /// <summary>ftruncate(2).</summary>
        public abstract int FTruncate(long fd, long length);
        /// <summary>fsync(2): data and metadata durable on the device.</summary>
        public abstract int FSync(long fd);
        /// <summary>flock(2) with PAL_LOCK_*: −EWOULDBLOCK (EAGAIN) when LOCK_NB and another descriptor holds a conflicting lock.</summary>
        public abstract int FLock(long fd, int operation);
        /// <summary>
        /// fcntl(2) F_SETLK on bytes <paramref name="offset"/>..offset+length−1 (<paramref name="length"/> 0: to the end
        /// of any possible file) with <see cref="F_RDLCK"/>, <see cref="F_WRLCK"/> or <see cref="F_UNLCK"/>: advisory,
        /// never waits; −EAGAIN when another owner holds a conflicting lock, −EINVAL for a negative offset or length
        /// or an unknown type, −EBADF when the descriptor's access does not allow the lock type.
        /// </summary>
        public abstract int LockFileRegion(long fd, long offset, long length, int lockType);
        /// <summary>unlink(2).</summary>
        public abstract int Unlink(string path);
        /// <summary>mkdir(2).</summary>
        public abstract int MkDir(string path, int mode);
        /// <summary>rmdir(2).</summary>
        public abstract int RmDir(string path);
        /// <summary>rename(2): replaces an existing file at <paramref name="newPath"/>.</summary>
        public abstract int Rename(string oldPath, string newPath);
        /// <summary>access(2) with PAL_*_OK.</summary>
        public abstract int Access(string path, int mode);
        /// <summary>chmod(2): the owner-write bit maps to the read-only attribute.</summary>
        public abstract int ChMod(string path, int mode);
        /// <summary>fchmod(2).</summary>
        public abstract int FChMod(long fd, int mode);
        /// <summary>lchflags(2): UF_HIDDEN maps to the hidden attribute.</summary>
        public abstract int ChFlags(string path, uint flags);
        /// <summary>fchflags(2).</summary>
        public abstract int FChFlags(long fd, uint flags);
        /// <summary>statfs f_type of the descriptor's volume (MSDOS_SUPER_MAGIC 0x4D44 for FAT, ISOFS_SUPER_MAGIC 0x9660), or −errno.</summary>
        public abstract long FileSystemType(long fd);
        /// <summary>utimensat(2)/futimens(2): times in seconds and nanoseconds since the epoch (UTC); <paramref name="fd"/> ≥ 0 wins over <paramref name="path"/>.</summary>
        public abstract int SetTimes(string path, long fd, long accessSeconds, long accessNanoseconds, long writeSeconds, long writeNanoseconds);
        /// <summary>opendir(3): a directory stream handle (≥ 0) or −errno.</summary>
        public abstract long OpenDir(string path);
        /// <summary>readdir: 0 with the next entry's name and PAL node type, 1 at the end, or −errno.</summary>
        public abstract int ReadDir(long dir, out string name, out int nodeType);
        /// <summary>closedir(3).</summary>
        public abstract int CloseDir(long dir);
        /// <summary>The current directory (a full path).</summary>
        public abstract string GetCwd();
        /// <summary>chdir(2).</summary>
        public abstract int ChDir(string path);
    }
}
