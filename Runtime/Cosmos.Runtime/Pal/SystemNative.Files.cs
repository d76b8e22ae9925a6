using System;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Cosmos.Runtime
{
    /// <summary>Interop.Sys.TimeSpec: seconds and nanoseconds since the Unix epoch.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        /// <summary>Seconds.</summary>
        public long TvSec;
        /// <summary>Nanoseconds (0 … 999,999,999).</summary>
        public long TvNsec;
    }

    // The file and directory exports of libSystem.Native (pal_io.c): argument decoding only; the semantics live in the
    // installed FileSystemPal (the VFS). Without one, no file exists: paths fail with ENOENT, descriptors with EBADF.
    // close, read, write and fstat of descriptors in SocketPal's range go to SystemNative.Sockets.cs instead; the Linux
    // files made up from kernel state (SyntheticFiles: /proc/net/route, /etc/resolv.conf …) are served before the VFS.
    public static unsafe partial class SystemNative
    {
        private static FileSystemPal Pal => FileSystemPal.Current;

        private static string PathOf(byte* path)
        {
            if (path == null) return null;
            int n = 0;
            while (path[n] != 0) n++;
            return Encoding.UTF8.GetString(path, n);
        }

        /// <summary>Turns a FileSystemPal result (≥ 0 or −errno) into the shim's (result, or −1 with errno set).</summary>
        private static int Result(int r)
        {
            if (r >= 0) return r;
            CurrentErrno = -r;
            return -1;
        }

        private static long Result(long r)
        {
            if (r >= 0) return r;
            CurrentErrno = (int)-r;
            return -1;
        }

        private static int NoPath() { CurrentErrno = Errno.ENOENT; return -1; }
        private static int NoDescriptor() { CurrentErrno = Errno.EBADF; return -1; }

        /// <summary>open(2) with PAL_O_* flags: a descriptor, or −1 with errno.</summary>
        [RuntimeExport("SystemNative_Open")]
        public static IntPtr Open(byte* path, int flags, int mode)
        {
            string p = PathOf(path);
            long synthetic = SyntheticFiles.Open(p, flags);
            if (synthetic != 0) return (IntPtr)Result(synthetic);
            return Pal == null ? (IntPtr)NoPath() : (IntPtr)Result(Pal.Open(p, flags, mode));
        }

        /// <summary>close(2).</summary>
        [RuntimeExport("SystemNative_Close")]
        public static int Close(IntPtr fd) =>
            SocketPal.IsSocketDescriptor((long)fd) ? CloseSocket((long)fd) : SyntheticFiles.IsDescriptor((long)fd) ? Result(SyntheticFiles.Close((long)fd)) : Pal == null ? NoDescriptor() : Result(Pal.Close((long)fd));

        /// <summary>read(2); a socket descriptor is a recv without flags.</summary>
        [RuntimeExport("SystemNative_Read")]
        public static int Read(IntPtr fd, byte* buffer, int count) =>
            SocketPal.IsSocketDescriptor((long)fd) ? ReadSocket((long)fd, buffer, count) : SyntheticFiles.IsDescriptor((long)fd) ? Result(SyntheticFiles.Read((long)fd, new Span<byte>(buffer, count))) : Pal == null ? NoDescriptor() : Result(Pal.Read((long)fd, new Span<byte>(buffer, count)));

        /// <summary>write(2); a socket descriptor is a send without flags.</summary>
        [RuntimeExport("SystemNative_Write")]
        public static int Write(IntPtr fd, byte* buffer, int count) =>
            SocketPal.IsSocketDescriptor((long)fd) ? WriteSocket((long)fd, buffer, count) : SyntheticFiles.IsDescriptor((long)fd) ? NoDescriptor() : Pal == null ? NoDescriptor() : Result(Pal.Write((long)fd, new ReadOnlySpan<byte>(buffer, count)));

        /// <summary>pread(2).</summary>
        [RuntimeExport("SystemNative_PRead")]
        public static int PRead(IntPtr fd, byte* buffer, int count, long offset) =>
            SyntheticFiles.IsDescriptor((long)fd) ? Result(SyntheticFiles.PRead((long)fd, new Span<byte>(buffer, count), offset)) : Pal == null ? NoDescriptor() : Result(Pal.PRead((long)fd, new Span<byte>(buffer, count), offset));

        /// <summary>pwrite(2).</summary>
        [RuntimeExport("SystemNative_PWrite")]
        public static int PWrite(IntPtr fd, byte* buffer, int count, long offset) =>
            Pal == null ? NoDescriptor() : Result(Pal.PWrite((long)fd, new ReadOnlySpan<byte>(buffer, count), offset));

        /// <summary>preadv(2): the vectors in order from <paramref name="offset"/>; stops at the end of the file.</summary>
        [RuntimeExport("SystemNative_PReadV")]
        public static long PReadV(IntPtr fd, IOVector* vectors, int count, long offset)
        {
            bool synthetic = SyntheticFiles.IsDescriptor((long)fd);
            if (Pal == null && !synthetic) return NoDescriptor();
            long total = 0;
            for (int i = 0; i < count; i++)
            {
                int want = (int)vectors[i].Count;
                int r = synthetic ? SyntheticFiles.PRead((long)fd, new Span<byte>(vectors[i].Base, want), offset + total)
                                  : Pal.PRead((long)fd, new Span<byte>(vectors[i].Base, want), offset + total);
                if (r < 0) return total > 0 ? total : Result(r);
                total += r;
                if (r < want) break;
            }
            return total;
        }

        /// <summary>pwritev(2).</summary>
        [RuntimeExport("SystemNative_PWriteV")]
        public static long PWriteV(IntPtr fd, IOVector* vectors, int count, long offset)
        {
            if (Pal == null) return NoDescriptor();
            long total = 0;
            for (int i = 0; i < count; i++)
            {
                int r = Pal.PWrite((long)fd, new ReadOnlySpan<byte>(vectors[i].Base, (int)vectors[i].Count), offset + total);
                if (r < 0) return total > 0 ? total : Result(r);
                total += r;
            }
            return total;
        }

        /// <summary>lseek(2) with PAL_SEEK_*.</summary>
        [RuntimeExport("SystemNative_LSeek")]
        public static long LSeek(IntPtr fd, long offset, int whence) =>
            SyntheticFiles.IsDescriptor((long)fd) ? Result(SyntheticFiles.LSeek((long)fd, offset, whence)) : Pal == null ? NoDescriptor() : Result(Pal.LSeek((long)fd, offset, whence));

        /// <summary>fstat(2); a socket descriptor reports S_IFSOCK.</summary>
        [RuntimeExport("SystemNative_FStat")]
        public static int FStat(IntPtr fd, FileStatus* output)
        {
            if (SocketPal.IsSocketDescriptor((long)fd)) return FStatSocket((long)fd, output);
            if (SyntheticFiles.IsDescriptor((long)fd)) return Result(SyntheticFiles.FStat((long)fd, out *output));
            if (Pal == null) return NoDescriptor();
            int r = Pal.FStat((long)fd, out *output);
            return Result(r);
        }

        /// <summary>stat(2).</summary>
        [RuntimeExport("SystemNative_Stat")]
        public static int Stat(byte* path, FileStatus* output)
        {
            string p = PathOf(path);
            byte[] synthetic = SyntheticFiles.Content(p);
            if (synthetic != null) { SyntheticFiles.Status(synthetic.Length, out *output); return 0; }
            return Pal == null ? NoPath() : Result(Pal.Stat(p, out *output));
        }

        /// <summary>lstat(2): there are no symbolic links, so this is stat.</summary>
        [RuntimeExport("SystemNative_LStat")]
        public static int LStat(byte* path, FileStatus* output) => Stat(path, output);

        /// <summary>ftruncate(2).</summary>
        [RuntimeExport("SystemNative_FTruncate")]
        public static int FTruncate(IntPtr fd, long length) => Pal == null ? NoDescriptor() : Result(Pal.FTruncate((long)fd, length));

        /// <summary>posix_fallocate(3): makes the file at least <paramref name="offset"/> + <paramref name="length"/> bytes (zero-filled, clusters allocated).</summary>
        [RuntimeExport("SystemNative_FAllocate")]
        public static int FAllocate(IntPtr fd, long offset, long length)
        {
            if (Pal == null) return NoDescriptor();
            int r = Pal.FStat((long)fd, out FileStatus st);
            if (r < 0) return Result(r);
            return st.Size >= offset + length ? 0 : Result(Pal.FTruncate((long)fd, offset + length));
        }

        /// <summary>fsync(2).</summary>
        [RuntimeExport("SystemNative_FSync")]
        public static int FSync(IntPtr fd) => Pal == null ? NoDescriptor() : Result(Pal.FSync((long)fd));

        /// <summary>flock(2) with PAL_LOCK_*.</summary>
        [RuntimeExport("SystemNative_FLock")]
        public static int FLock(IntPtr fd, int operation) => SyntheticFiles.IsDescriptor((long)fd) ? 0 : Pal == null ? NoDescriptor() : Result(Pal.FLock((long)fd, operation));

        /// <summary>Byte-range locks (FileStream.Lock/Unlock): fcntl(2) F_SETLK with PAL_F_RDLCK/F_WRLCK/F_UNLCK (see <see cref="FileSystemPal.LockFileRegion"/>).</summary>
        [RuntimeExport("SystemNative_LockFileRegion")]
        public static int LockFileRegion(IntPtr fd, long offset, long length, short lockType) =>
            SyntheticFiles.IsDescriptor((long)fd) ? 0 : Pal == null ? NoDescriptor() : Result(Pal.LockFileRegion((long)fd, offset, length, lockType));

        /// <summary>posix_fadvise(2): advice only; there is no page cache to act on it, so it succeeds (as POSIX allows).</summary>
        [RuntimeExport("SystemNative_PosixFAdvise")]
        public static int PosixFAdvise(IntPtr fd, long offset, long length, int advice) => 0;

        /// <summary>unlink(2).</summary>
        [RuntimeExport("SystemNative_Unlink")]
        public static int Unlink(byte* path) => Pal == null ? NoPath() : Result(Pal.Unlink(PathOf(path)));

        /// <summary>mkdir(2).</summary>
        [RuntimeExport("SystemNative_MkDir")]
        public static int MkDir(byte* path, int mode) => Pal == null ? NoPath() : Result(Pal.MkDir(PathOf(path), mode));

        /// <summary>rmdir(2).</summary>
        [RuntimeExport("SystemNative_RmDir")]
        public static int RmDir(byte* path) => Pal == null ? NoPath() : Result(Pal.RmDir(PathOf(path)));

        /// <summary>rename(2).</summary>
        [RuntimeExport("SystemNative_Rename")]
        public static int Rename(byte* oldPath, byte* newPath) => Pal == null ? NoPath() : Result(Pal.Rename(PathOf(oldPath), PathOf(newPath)));

        /// <summary>link(2): FAT and ISO9660 have no hard links; fails with EPERM as Linux's vfat does (File.Move then renames).</summary>
        [RuntimeExport("SystemNative_Link")]
        public static int Link(byte* source, byte* link) { CurrentErrno = Errno.EPERM; return -1; }

        /// <summary>symlink(2): no symbolic links on FAT/ISO9660; fails with EPERM.</summary>
        [RuntimeExport("SystemNative_SymLink")]
        public static int SymLink(byte* target, byte* linkPath) { CurrentErrno = Errno.EPERM; return -1; }

        /// <summary>readlink(2): nothing is a symbolic link; EINVAL for an existing path, ENOENT otherwise.</summary>
        [RuntimeExport("SystemNative_ReadLink")]
        public static int ReadLink(byte* path, byte* buffer, int bufferSize)
        {
            if (Pal == null) return NoPath();
            int r = Pal.Stat(PathOf(path), out _);
            CurrentErrno = r < 0 ? -r : Errno.EINVAL;
            return -1;
        }

        /// <summary>access(2) with PAL_*_OK.</summary>
        [RuntimeExport("SystemNative_Access")]
        public static int Access(byte* path, int mode)
        {
            string p = PathOf(path);
            if (SyntheticFiles.Content(p) != null) { if ((mode & FileSystemPal.W_OK) == 0) return 0; CurrentErrno = Errno.EROFS; return -1; }
            return Pal == null ? NoPath() : Result(Pal.Access(p, mode));
        }

        /// <summary>chmod(2).</summary>
        [RuntimeExport("SystemNative_ChMod")]
        public static int ChMod(byte* path, int mode) => Pal == null ? NoPath() : Result(Pal.ChMod(PathOf(path), mode));

        /// <summary>fchmod(2).</summary>
        [RuntimeExport("SystemNative_FChMod")]
        public static int FChMod(IntPtr fd, int mode) => Pal == null ? NoDescriptor() : Result(Pal.FChMod((long)fd, mode));

        /// <summary>lchflags(2): UF_HIDDEN is the hidden attribute.</summary>
        [RuntimeExport("SystemNative_LChflags")]
        public static int LChflags(byte* path, uint flags) => Pal == null ? NoPath() : Result(Pal.ChFlags(PathOf(path), flags));

        /// <summary>fchflags(2).</summary>
        [RuntimeExport("SystemNative_FChflags")]
        public static int FChflags(IntPtr fd, uint flags) => Pal == null ? NoDescriptor() : Result(Pal.FChFlags((long)fd, flags));

        /// <summary>The statfs type of the descriptor's volume; 0 with errno on failure.</summary>
        [RuntimeExport("SystemNative_GetFileSystemType")]
        public static uint GetFileSystemType(IntPtr fd)
        {
            if (SyntheticFiles.IsDescriptor((long)fd)) return 0x9FA0;   // PROC_SUPER_MAGIC: these files stand for procfs
            if (Pal == null) { NoDescriptor(); return 0; }
            long r = Pal.FileSystemType((long)fd);
            if (r < 0) { CurrentErrno = (int)-r; return 0; }
            return (uint)r;
        }

        /// <summary>geteuid(2): 0. The kernel has one user, who owns every file (FileStatus.Uid is 0).</summary>
        [RuntimeExport("SystemNative_GetEUid")]
        public static uint GetEUid() => 0;

        /// <summary>getegid(2): 0 (see <see cref="GetEUid"/>).</summary>
        [RuntimeExport("SystemNative_GetEGid")]
        public static uint GetEGid() => 0;

        /// <summary>getgroups(2): no supplementary groups (returns 0).</summary>
        [RuntimeExport("SystemNative_GetGroups")]
        public static int GetGroups(int ngroups, uint* groups) => 0;

        /// <summary>Whether lchflags can set UF_HIDDEN: yes (FAT's hidden attribute).</summary>
        [RuntimeExport("SystemNative_LChflagsCanSetHiddenFlag")]
        public static int LChflagsCanSetHiddenFlag() => 1;

        /// <summary>Whether stat reports UF_HIDDEN: yes.</summary>
        [RuntimeExport("SystemNative_CanGetHiddenFlag")]
        public static int CanGetHiddenFlag() => 1;

        /// <summary>utimensat(2): times[0] access, times[1] write.</summary>
        [RuntimeExport("SystemNative_UTimensat")]
        public static int UTimensat(byte* path, TimeSpec* times) =>
            Pal == null ? NoPath() : Result(Pal.SetTimes(PathOf(path), -1, times[0].TvSec, times[0].TvNsec, times[1].TvSec, times[1].TvNsec));

        /// <summary>futimens(2).</summary>
        [RuntimeExport("SystemNative_FUTimens")]
        public static int FUTimens(IntPtr fd, TimeSpec* times) =>
            Pal == null ? NoDescriptor() : Result(Pal.SetTimes(null, (long)fd, times[0].TvSec, times[0].TvNsec, times[1].TvSec, times[1].TvNsec));

        /// <summary>
        /// Copies <paramref name="sourceLength"/> bytes from the start of <paramref name="source"/> to the start of
        /// <paramref name="destination"/> (File.Copy's data step), 64 KiB at a time.
        /// </summary>
        [RuntimeExport("SystemNative_CopyFile")]
        public static int CopyFile(IntPtr source, IntPtr destination, long sourceLength)
        {
            if (Pal == null) return NoDescriptor();
            var buffer = new byte[65536];
            long done = 0;
            while (true)
            {
                int r = Pal.PRead((long)source, buffer, done);
                if (r < 0) return Result(r);
                if (r == 0) return 0;
                int w = Pal.PWrite((long)destination, new ReadOnlySpan<byte>(buffer, 0, r), done);
                if (w < 0) return Result(w);
                done += r;
            }
        }

        // ---- directory streams: a handle per OpenDir, with a name buffer the DirectoryEntry points into ----

        private const int DirNameBufferSize = 1024;   // 255 UTF-16 units of a FAT long name → at most 765 UTF-8 bytes

        /// <summary>opendir(3): a stream handle (never null on success) or null with errno.</summary>
        [RuntimeExport("SystemNative_OpenDir")]
        public static IntPtr OpenDir(byte* path)
        {
            if (Pal == null) { NoPath(); return IntPtr.Zero; }
            long h = Pal.OpenDir(PathOf(path));
            if (h < 0) { CurrentErrno = (int)-h; return IntPtr.Zero; }
            var stream = (DirStream*)Malloc((UIntPtr)(ulong)sizeof(DirStream));
            if (stream == null) { Pal.CloseDir(h); CurrentErrno = Errno.ENOMEM; return IntPtr.Zero; }
            stream->Handle = h;
            return (IntPtr)stream;
        }

        private struct DirStream
        {
            public long Handle;
            public fixed byte Name[DirNameBufferSize];
        }

        /// <summary>readdir: 0 with an entry, −1 at the end, an errno value on failure (pal_io.h's contract).</summary>
        [RuntimeExport("SystemNative_ReadDir")]
        public static int ReadDir(IntPtr dir, DirectoryEntry* outputEntry)
        {
            if (Pal == null || dir == IntPtr.Zero) return Errno.EBADF;
            var stream = (DirStream*)dir;
            int r = Pal.ReadDir(stream->Handle, out string name, out int type);
            if (r < 0) return -r;
            if (r > 0) return -1;
            int n = Encoding.UTF8.GetBytes(name, new Span<byte>(stream->Name, DirNameBufferSize - 1));
            stream->Name[n] = 0;
            outputEntry->Name = stream->Name;
            outputEntry->NameLength = n;
            outputEntry->InodeType = type;
            return 0;
        }

        /// <summary>closedir(3).</summary>
        [RuntimeExport("SystemNative_CloseDir")]
        public static int CloseDir(IntPtr dir)
        {
            if (Pal == null || dir == IntPtr.Zero) return NoDescriptor();
            var stream = (DirStream*)dir;
            int r = Pal.CloseDir(stream->Handle);
            Free(stream);
            return Result(r);
        }

        /// <summary>getcwd(3): the current directory as NUL-terminated UTF-8; null with ERANGE when it does not fit. "0:\" while no file system is registered.</summary>
        [RuntimeExport("SystemNative_GetCwd")]
        public static byte* GetCwd(byte* buffer, int length)
        {
            string cwd = Pal == null ? @"0:\" : Pal.GetCwd();
            int n = Encoding.UTF8.GetByteCount(cwd);
            if (buffer == null || n + 1 > length) { CurrentErrno = Errno.ERANGE; return null; }
            Encoding.UTF8.GetBytes(cwd, new Span<byte>(buffer, length));
            buffer[n] = 0;
            return buffer;
        }

        /// <summary>chdir(2).</summary>
        [RuntimeExport("SystemNative_ChDir")]
        public static int ChDir(byte* path) => Pal == null ? NoPath() : Result(Pal.ChDir(PathOf(path)));
    }
}
