using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.FileSystem;
using Cosmos.Runtime;

namespace Cosmos.System.FileSystem.VFS
{
    /// <summary>
    /// The kernel's virtual file system: mounted volumes named "0", "1" … (reached as <c>0:\</c>, <c>1:\</c>), open file
    /// descriptors, directory streams and flock-style sharing locks, behind the platform layer's file calls
    /// (<see cref="FileSystemPal"/>), so System.IO and Cosmos's VFSManager share one state. Every call takes one lock:
    /// safe from several threads. Failures are negated Linux errno values (see <see cref="FileSystemPal"/>); a
    /// <see cref="FileSystemException"/> from a volume maps to the errno .NET expects for it (NotFound → ENOENT,
    /// NoSpace → ENOSPC, ReadOnly → EACCES…). Writing to a read-only volume (a CD, a volume found inconsistent) is
    /// EACCES rather than Linux's EROFS, so .NET raises UnauthorizedAccessException for it as it does for a read-only file.
    /// Open files are shared per path: two descriptors of one file see each other's writes, and a file that is open
    /// cannot be deleted or renamed (EBUSY → IOException, as on Windows and in Cosmos). The last close of a file that
    /// was written flushes it to the device, so data is durable after FileStream.Dispose.
    /// </summary>
    public sealed class VirtualFileSystem : FileSystemPal
    {
        /// <summary>The kernel's one instance (installed as the file PAL by VFSManager.RegisterVFS); host tests make their own.</summary>
        public static VirtualFileSystem Instance { get; } = new VirtualFileSystem();

        private readonly object _lock = new object();
        private readonly List<MountedVolume> _mounts = new List<MountedVolume>();
        private readonly Dictionary<long, Descriptor> _descriptors = new Dictionary<long, Descriptor>();
        private readonly Dictionary<long, DirectoryStream> _directories = new Dictionary<long, DirectoryStream>();
        private readonly Dictionary<string, SharedFile> _open = new Dictionary<string, SharedFile>(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _inodes = new Dictionary<string, long>(StringComparer.Ordinal);
        private long _nextDescriptor = 3, _nextDirectory = 1, _nextInode = 2;

        /// <summary>One mounted volume: its name ("0" for <c>0:\</c>) and the file system.</summary>
        public sealed class MountedVolume
        {
            internal MountedVolume(string name, int id, FileSystemVolume volume) { Name = name; Id = id; Volume = volume; }
            /// <summary>Volume name without ':' ("0").</summary>
            public string Name { get; }
            /// <summary>Root path, e.g. <c>0:\</c>.</summary>
            public string Root => Name + @":\";
            /// <summary>Device number reported by stat.</summary>
            public int Id { get; }
            /// <summary>The mounted file system.</summary>
            public FileSystemVolume Volume { get; }
        }

        private sealed class SharedFile
        {
            public string Key;
            public MountedVolume Mount;
            public string Path;
            public FileSystemFile File;       // null for a directory opened read-only
            public bool IsDirectory;
            public int References;
            public int SharedLocks;
            public bool ExclusiveLock;
            public bool Written;
            public List<RangeLock> Ranges;   // byte-range locks (LockFileRegion), null when none
        }

        private sealed class RangeLock
        {
            public Descriptor Owner;
            public long Start, End;   // End exclusive; long.MaxValue: to the end of any file
            public bool Write;
        }

        private sealed class Descriptor
        {
            public SharedFile Shared;
            public long Position;
            public bool CanRead, CanWrite;
            public int Lock;   // 0, LOCK_SH or LOCK_EX
        }

        private sealed class DirectoryStream
        {
            public IReadOnlyList<FileEntryInfo> Entries;
            public int Next;
        }

        /// <summary>The mounted volumes in name order.</summary>
        public IReadOnlyList<MountedVolume> Volumes
        {
            get { lock (_lock) return _mounts.ToArray(); }
        }

        /// <summary>
        /// Mounts <paramref name="volume"/> under the first free number ("0", "1" …) and returns its name; with
        /// <paramref name="name"/> it uses that name (letters or digits; <see cref="ArgumentException"/> when taken or malformed).
        /// </summary>
        public string Mount(FileSystemVolume volume, string name = null)
        {
            ArgumentNullException.ThrowIfNull(volume);
            lock (_lock)
            {
                if (name == null)
                {
                    int n = 0;
                    while (Find(n.ToString()) != null) n++;
                    name = n.ToString();
                }
                else if (CosmosPath.GetVolumeNameLength(name + ":") != name.Length + 1)
                    throw new ArgumentException($"'{name}' is not a volume name (letters and digits)", nameof(name));
                else if (Find(name) != null)
                    throw new ArgumentException($"volume {name}:\\ is mounted already", nameof(name));
                int id = 1;
                foreach (var m in _mounts) if (m.Id >= id) id = m.Id + 1;
                var mount = new MountedVolume(name, id, volume);
                int at = 0;
                while (at < _mounts.Count && string.CompareOrdinal(_mounts[at].Name, name) < 0) at++;
                _mounts.Insert(at, mount);
                return name;
            }
        }

        /// <summary>Flushes and unmounts volume <paramref name="name"/>; false when no such volume. Throws <see cref="IOException"/> (EBUSY) while files on it are open.</summary>
        public bool Unmount(string name)
        {
            lock (_lock)
            {
                var m = Find(name);
                if (m == null) return false;
                foreach (var f in _open.Values)
                    if (f.Mount == m) throw new IOException($"volume {m.Root} has open files");
                m.Volume.Flush();
                _mounts.Remove(m);
                return true;
            }
        }

        /// <summary>The volume named <paramref name="name"/> (case-insensitive, without ':'), or null.</summary>
        public MountedVolume Find(string name)
        {
            lock (_lock)
            {
                foreach (var m in _mounts) if (string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)) return m;
                return null;
            }
        }

        /// <summary>
        /// Resolves <paramref name="path"/> (any form Path.GetFullPath accepts) to its volume and volume-relative path;
        /// −ENOENT when no volume of that name is mounted, −EINVAL for a malformed path.
        /// </summary>
        public int Resolve(string path, out MountedVolume mount, out string relative)
        {
            mount = null;
            relative = null;
            if (string.IsNullOrEmpty(path)) return -Errno.ENOENT;
            string full;
            try { full = CosmosPath.GetFullPath(path); }
            catch (ArgumentException) { return -Errno.EINVAL; }
            if (!CosmosPath.TrySplitVolume(full, out string volume, out relative)) return -Errno.ENOENT;
            mount = Find(volume);
            return mount == null ? -Errno.ENOENT : 0;
        }

        /// <summary>Maps an exception from a volume to a negated errno (see the class summary).</summary>
        public static int ErrnoOf(Exception e, FileSystemVolume volume)
        {
            if (e is FileSystemException fse)
            {
                return fse.Error switch
                {
                    FileSystemError.NotFound or FileSystemError.PathNotFound => -Errno.ENOENT,
                    FileSystemError.NotADirectory => -Errno.ENOTDIR,
                    FileSystemError.IsADirectory => -Errno.EISDIR,
                    FileSystemError.AlreadyExists => -Errno.EEXIST,
                    FileSystemError.DirectoryNotEmpty => -Errno.ENOTEMPTY,
                    FileSystemError.NoSpace => -Errno.ENOSPC,
                    FileSystemError.ReadOnly => -Errno.EACCES,
                    FileSystemError.NameTooLong => -Errno.ENAMETOOLONG,
                    FileSystemError.InvalidName => -Errno.EINVAL,
                    FileSystemError.FileTooLarge => -Errno.EFBIG,
                    _ => -Errno.EIO,
                };
            }
            if (e is UnauthorizedAccessException) return -Errno.EACCES;
            if (e is ArgumentException) return -Errno.EINVAL;
            return -Errno.EIO;
        }

        private static string KeyOf(MountedVolume m, string relative) => m.Name.ToUpperInvariant() + ":" + relative.ToUpperInvariant();

        private long InodeOf(string key)
        {
            if (!_inodes.TryGetValue(key, out long ino)) _inodes[key] = ino = _nextInode++;
            return ino;
        }

        private static (long Seconds, long Nanoseconds) ToUnix(DateTime utc)
        {
            long ticks = utc.Ticks - DateTime.UnixEpoch.Ticks;
            long seconds = ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : (ticks - TimeSpan.TicksPerSecond + 1) / TimeSpan.TicksPerSecond;
            return (seconds, (ticks - seconds * TimeSpan.TicksPerSecond) * 100);
        }

        private static DateTime FromUnix(long seconds, long nanoseconds) =>
            new DateTime(DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / 100, DateTimeKind.Utc);

        private void Fill(MountedVolume m, string relative, in FileEntryInfo e, out FileStatus st)
        {
            st = default;
            int permissions = (e.Attributes & FileAttributes.ReadOnly) != 0 || m.Volume.IsReadOnly ? 0x16D /* 0555 */ : 0x1FF /* 0777 */;
            if (!e.IsDirectory) permissions &= 0x1B6;   // no execute bits on files: 0666 / 0444
            st.Mode = (e.IsDirectory ? FileStatus.S_IFDIR : FileStatus.S_IFREG) | permissions;
            st.Size = e.IsDirectory ? 0 : e.Length;
            (st.ATime, st.ATimeNsec) = ToUnix(e.LastAccessTimeUtc);
            (st.MTime, st.MTimeNsec) = ToUnix(e.LastWriteTimeUtc);
            (st.CTime, st.CTimeNsec) = (st.MTime, st.MTimeNsec);
            (st.BirthTime, st.BirthTimeNsec) = ToUnix(e.CreationTimeUtc);
            st.Flags = FileStatus.HasBirthTime;
            st.Dev = m.Id;
            st.Ino = InodeOf(KeyOf(m, relative));
            if ((e.Attributes & FileAttributes.Hidden) != 0) st.UserFlags = FileStatus.UF_HIDDEN;
        }

        private static FileEntryInfo RootEntry(MountedVolume m) =>
            new FileEntryInfo("", true, 0, FileAttributes.Directory, DateTime.UnixEpoch, DateTime.UnixEpoch, DateTime.UnixEpoch);

        /// <summary>The entry at a volume-relative path (the root included), or null.</summary>
        private static FileEntryInfo? Lookup(MountedVolume m, string relative) => relative.Length == 0 ? RootEntry(m) : m.Volume.GetEntry(relative);

        /// <inheritdoc/>
        public override long Open(string path, int flags, int mode)
        {
            lock (_lock)
            {
                int r = Resolve(path, out var m, out string rel);
                if (r < 0) return r;
                int access = flags & O_ACCESS_MODE_MASK;
                bool read = access == O_RDONLY || access == O_RDWR, write = access == O_WRONLY || access == O_RDWR;
                bool truncate = (flags & O_TRUNC) != 0;
                try
                {
                    var entry = Lookup(m, rel);
                    if (entry == null)
                    {
                        if ((flags & O_CREAT) == 0) return -Errno.ENOENT;
                        if (m.Volume.IsReadOnly) return -Errno.EACCES;
                        m.Volume.CreateFile(rel);
                        if ((mode & 0x92 /* 0222 */) == 0) m.Volume.SetAttributes(rel, FileAttributes.ReadOnly | FileAttributes.Archive);
                        entry = m.Volume.GetEntry(rel);
                        if (entry == null) return -Errno.EIO;
                    }
                    else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) return -Errno.EEXIST;
                    var e = entry.Value;
                    if (e.IsDirectory && (write || truncate)) return -Errno.EISDIR;
                    if (write || truncate)
                    {
                        if (m.Volume.IsReadOnly) return -Errno.EACCES;
                        if ((e.Attributes & FileAttributes.ReadOnly) != 0) return -Errno.EACCES;
                    }
                    string key = KeyOf(m, rel);
                    if (!_open.TryGetValue(key, out var shared))
                    {
                        shared = new SharedFile { Key = key, Mount = m, Path = rel, IsDirectory = e.IsDirectory };
                        if (!e.IsDirectory) shared.File = m.Volume.OpenFile(rel, write || truncate);
                        _open[key] = shared;
                    }
                    else if ((write || truncate) && !shared.File.CanWrite)
                    {
                        var writable = m.Volume.OpenFile(rel, true);
                        shared.File.Dispose();
                        shared.File = writable;
                    }
                    shared.References++;
                    if (truncate && shared.File.Length != 0) { shared.File.SetLength(0); shared.Written = true; }
                    long fd = _nextDescriptor++;
                    _descriptors[fd] = new Descriptor { Shared = shared, CanRead = read, CanWrite = write };
                    return fd;
                }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        private Descriptor Get(long fd) => _descriptors.TryGetValue(fd, out var d) ? d : null;

        /// <inheritdoc/>
        public override int Close(long fd)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                _descriptors.Remove(fd);
                ReleaseLock(d);
                d.Shared.Ranges?.RemoveAll(r => r.Owner == d);
                var s = d.Shared;
                if (--s.References > 0) return 0;
                _open.Remove(s.Key);
                try
                {
                    if (s.File != null)
                    {
                        if (s.Written) s.File.Flush();
                        s.File.Dispose();
                    }
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, s.Mount.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int Read(long fd, Span<byte> buffer)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                int r = PReadLocked(d, buffer, d.Position);
                if (r > 0) d.Position += r;
                return r;
            }
        }

        /// <inheritdoc/>
        public override int Write(long fd, ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                int r = PWriteLocked(d, buffer, d.Position);
                if (r > 0) d.Position += r;
                return r;
            }
        }

        /// <inheritdoc/>
        public override int PRead(long fd, Span<byte> buffer, long offset)
        {
            lock (_lock)
            {
                var d = Get(fd);
                return d == null ? -Errno.EBADF : PReadLocked(d, buffer, offset);
            }
        }

        /// <inheritdoc/>
        public override int PWrite(long fd, ReadOnlySpan<byte> buffer, long offset)
        {
            lock (_lock)
            {
                var d = Get(fd);
                return d == null ? -Errno.EBADF : PWriteLocked(d, buffer, offset);
            }
        }

        private static int PReadLocked(Descriptor d, Span<byte> buffer, long offset)
        {
            if (!d.CanRead) return -Errno.EBADF;
            if (d.Shared.IsDirectory) return -Errno.EISDIR;
            if (offset < 0) return -Errno.EINVAL;
            try { return d.Shared.File.Read(offset, buffer); }
            catch (Exception ex) { return ErrnoOf(ex, d.Shared.Mount.Volume); }
        }

        private static int PWriteLocked(Descriptor d, ReadOnlySpan<byte> buffer, long offset)
        {
            if (!d.CanWrite) return -Errno.EBADF;
            if (offset < 0) return -Errno.EINVAL;
            try
            {
                d.Shared.File.Write(offset, buffer);
                d.Shared.Written = true;
                return buffer.Length;
            }
            catch (Exception ex) { return ErrnoOf(ex, d.Shared.Mount.Volume); }
        }

        /// <inheritdoc/>
        public override long LSeek(long fd, long offset, int whence)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                long length = d.Shared.File?.Length ?? 0;
                long target = whence switch
                {
                    SEEK_SET => offset,
                    SEEK_CUR => d.Position + offset,
                    SEEK_END => length + offset,
                    _ => -1,
                };
                if (whence < SEEK_SET || whence > SEEK_END || target < 0) return -Errno.EINVAL;
                d.Position = target;
                return target;
            }
        }

        /// <inheritdoc/>
        public override int FStat(long fd, out FileStatus status)
        {
            lock (_lock)
            {
                status = default;
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                var s = d.Shared;
                try
                {
                    var e = Lookup(s.Mount, s.Path);
                    if (e == null) return -Errno.ENOENT;
                    var info = e.Value;
                    if (s.File != null) info = info with { Length = s.File.Length };
                    Fill(s.Mount, s.Path, info, out status);
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, s.Mount.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int Stat(string path, out FileStatus status)
        {
            lock (_lock)
            {
                status = default;
                int r = Resolve(path, out var m, out string rel);
                if (r < 0) return r;
                try
                {
                    var e = Lookup(m, rel);
                    if (e == null) return -Errno.ENOENT;
                    var info = e.Value;
                    if (_open.TryGetValue(KeyOf(m, rel), out var s) && s.File != null) info = info with { Length = s.File.Length };
                    Fill(m, rel, info, out status);
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int FTruncate(long fd, long length)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                if (!d.CanWrite || d.Shared.IsDirectory) return -Errno.EINVAL;
                if (length < 0) return -Errno.EINVAL;
                try
                {
                    d.Shared.File.SetLength(length);
                    d.Shared.Written = true;
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, d.Shared.Mount.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int FSync(long fd)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                try
                {
                    if (d.Shared.File != null) d.Shared.File.Flush();
                    else d.Shared.Mount.Volume.Flush();
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, d.Shared.Mount.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int FLock(long fd, int operation)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                int op = operation & ~LOCK_NB;
                var s = d.Shared;
                if (op == LOCK_UN) { ReleaseLock(d); return 0; }
                if (op != LOCK_SH && op != LOCK_EX) return -Errno.EINVAL;
                if (d.Lock == op) return 0;
                ReleaseLock(d);
                bool conflict = op == LOCK_EX ? s.ExclusiveLock || s.SharedLocks > 0 : s.ExclusiveLock;
                if (conflict) return -Errno.EAGAIN;   // blocking waits are not offered: every caller in the BCL passes LOCK_NB
                if (op == LOCK_EX) s.ExclusiveLock = true; else s.SharedLocks++;
                d.Lock = op;
                return 0;
            }
        }

        /// <summary>
        /// Byte-range locks with the semantics of Linux's open-file-description locks (fcntl F_OFD_SETLK; POSIX
        /// F_SETLK rules otherwise): advisory (reads and writes are never refused), owned by the descriptor, so a
        /// second FileStream on the same file cannot take a conflicting lock (−EAGAIN, which .NET raises as an
        /// IOException naming the file), while the owner's own locks merge and split as POSIX says: a new lock or
        /// F_UNLCK replaces what the owner held over that range; unlocking a range never locked succeeds. Read locks
        /// are shared, write locks exclusive; length 0 locks to the end of any possible file; close releases the
        /// descriptor's locks. Host .NET on Linux uses classic POSIX locks, owned by the process, so two streams of one
        /// process never conflict there; between two processes it behaves as here.
        /// </summary>
        public override int LockFileRegion(long fd, long offset, long length, int lockType)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                if (offset < 0 || length < 0 || lockType < F_RDLCK || lockType > F_UNLCK) return -Errno.EINVAL;
                if ((lockType == F_RDLCK && !d.CanRead) || (lockType == F_WRLCK && !d.CanWrite)) return -Errno.EBADF;
                long end = length == 0 || offset > long.MaxValue - length ? long.MaxValue : offset + length;
                var s = d.Shared;
                if (lockType != F_UNLCK && s.Ranges != null)
                    foreach (var r in s.Ranges)
                        if (r.Owner != d && r.Start < end && offset < r.End && (lockType == F_WRLCK || r.Write)) return -Errno.EAGAIN;
                if (s.Ranges != null)
                {
                    // The owner's locks over [offset, end) go; parts outside it stay.
                    for (int i = s.Ranges.Count - 1; i >= 0; i--)
                    {
                        var r = s.Ranges[i];
                        if (r.Owner != d || r.End <= offset || end <= r.Start) continue;
                        s.Ranges.RemoveAt(i);
                        if (r.Start < offset) s.Ranges.Add(new RangeLock { Owner = d, Start = r.Start, End = offset, Write = r.Write });
                        if (end < r.End) s.Ranges.Add(new RangeLock { Owner = d, Start = end, End = r.End, Write = r.Write });
                    }
                }
                if (lockType != F_UNLCK) (s.Ranges ??= new List<RangeLock>()).Add(new RangeLock { Owner = d, Start = offset, End = end, Write = lockType == F_WRLCK });
                return 0;
            }
        }

        private static void ReleaseLock(Descriptor d)
        {
            if (d.Lock == LOCK_EX) d.Shared.ExclusiveLock = false;
            else if (d.Lock == LOCK_SH) d.Shared.SharedLocks--;
            d.Lock = 0;
        }

        /// <summary>Resolves <paramref name="path"/> and runs <paramref name="op"/> on its volume under the lock; a volume exception becomes −errno.</summary>
        private int OnPath(string path, Func<MountedVolume, string, int> op)
        {
            lock (_lock)
            {
                int r = Resolve(path, out var m, out string rel);
                if (r < 0) return r;
                try { return op(m, rel); }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        private static FileAttributes WithHidden(FileAttributes a, uint flags) =>
            (flags & FileStatus.UF_HIDDEN) != 0 ? a | FileAttributes.Hidden : a & ~FileAttributes.Hidden;

        private bool IsOpen(MountedVolume m, string rel) => _open.ContainsKey(KeyOf(m, rel));

        private bool HasOpenBelow(MountedVolume m, string rel)
        {
            string prefix = KeyOf(m, rel) + "/";
            foreach (var k in _open.Keys) if (k.StartsWith(prefix, StringComparison.Ordinal)) return true;
            return false;
        }

        /// <inheritdoc/>
        public override int Unlink(string path)
        {
            return OnPath(path, (m, rel) =>
            {
                if (rel.Length == 0) return -Errno.EISDIR;
                var e = m.Volume.GetEntry(rel);
                if (e == null) return -Errno.ENOENT;
                if (e.Value.IsDirectory) return -Errno.EISDIR;
                if (m.Volume.IsReadOnly) return -Errno.EACCES;
                if (IsOpen(m, rel)) return -Errno.EBUSY;
                m.Volume.DeleteFile(rel);
                _inodes.Remove(KeyOf(m, rel));
                return 0;
            });
        }

        /// <inheritdoc/>
        public override int MkDir(string path, int mode)
        {
            return OnPath(path, (m, rel) =>
            {
                if (rel.Length == 0) return -Errno.EEXIST;
                if (m.Volume.GetEntry(rel) != null) return -Errno.EEXIST;
                if (m.Volume.IsReadOnly) return -Errno.EACCES;
                m.Volume.CreateDirectory(rel);
                return 0;
            });
        }

        /// <inheritdoc/>
        public override int RmDir(string path)
        {
            return OnPath(path, (m, rel) =>
            {
                if (rel.Length == 0) return -Errno.EBUSY;
                var e = m.Volume.GetEntry(rel);
                if (e == null) return -Errno.ENOENT;
                if (!e.Value.IsDirectory) return -Errno.ENOTDIR;
                if (m.Volume.IsReadOnly) return -Errno.EACCES;
                if (IsOpen(m, rel) || IsCurrentDirectoryAtOrBelow(m, rel)) return -Errno.EBUSY;
                m.Volume.DeleteDirectory(rel);
                _inodes.Remove(KeyOf(m, rel));
                return 0;
            });
        }

        private static bool IsCurrentDirectoryAtOrBelow(MountedVolume m, string rel)
        {
            if (!CosmosPath.TrySplitVolume(CosmosPath.CurrentDirectory, out string v, out string cwdRel)) return false;
            if (!string.Equals(v, m.Name, StringComparison.OrdinalIgnoreCase)) return false;
            return string.Equals(cwdRel, rel, StringComparison.OrdinalIgnoreCase) || cwdRel.StartsWith(rel + "/", StringComparison.OrdinalIgnoreCase);
        }

        /// <inheritdoc/>
        public override int Rename(string oldPath, string newPath)
        {
            lock (_lock)
            {
                int r = Resolve(oldPath, out var m, out string from);
                if (r < 0) return r;
                r = Resolve(newPath, out var m2, out string to);
                if (r < 0) return r;
                if (m != m2) return -Errno.EXDEV;
                if (from.Length == 0 || to.Length == 0) return -Errno.EBUSY;
                try
                {
                    var src = m.Volume.GetEntry(from);
                    if (src == null) return -Errno.ENOENT;
                    if (m.Volume.IsReadOnly) return -Errno.EACCES;
                    bool sameName = string.Equals(from, to, StringComparison.OrdinalIgnoreCase);
                    if (sameName && string.Equals(from, to, StringComparison.Ordinal)) return 0;
                    if (IsOpen(m, from) || (src.Value.IsDirectory && HasOpenBelow(m, from))) return -Errno.EBUSY;
                    if (src.Value.IsDirectory && to.StartsWith(from + "/", StringComparison.OrdinalIgnoreCase)) return -Errno.EINVAL;
                    var dst = sameName ? null : m.Volume.GetEntry(to);
                    if (dst != null)
                    {
                        if (IsOpen(m, to)) return -Errno.EBUSY;
                        if (src.Value.IsDirectory != dst.Value.IsDirectory) return src.Value.IsDirectory ? -Errno.ENOTDIR : -Errno.EISDIR;
                        if (dst.Value.IsDirectory)
                        {
                            if (m.Volume.ListDirectory(to).Count > 0) return -Errno.ENOTEMPTY;
                            m.Volume.DeleteDirectory(to);
                        }
                    }
                    m.Volume.Rename(from, to, replace: true);
                    _inodes.Remove(KeyOf(m, from));
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int Access(string path, int mode)
        {
            return OnPath(path, (m, rel) =>
            {
                var e = Lookup(m, rel);
                if (e == null) return -Errno.ENOENT;
                if ((mode & W_OK) != 0)
                {
                    if (m.Volume.IsReadOnly) return -Errno.EACCES;
                    if ((e.Value.Attributes & FileAttributes.ReadOnly) != 0) return -Errno.EACCES;
                }
                return 0;
            });
        }

        private int UpdateAttributes(MountedVolume m, string rel, Func<FileAttributes, FileAttributes> change)
        {
            try
            {
                var e = Lookup(m, rel);
                if (e == null) return -Errno.ENOENT;
                if (rel.Length == 0) return -Errno.EPERM;   // the root has no directory entry to carry attributes
                if (m.Volume.IsReadOnly) return -Errno.EACCES;
                var now = e.Value.Attributes;
                var next = change(now);
                if (next != now) m.Volume.SetAttributes(rel, next & ~FileAttributes.Directory);
                return 0;
            }
            catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
        }

        private static FileAttributes WithReadOnly(FileAttributes a, int mode) =>
            (mode & 0x80 /* S_IWUSR */) == 0 ? a | FileAttributes.ReadOnly : a & ~FileAttributes.ReadOnly;

        /// <inheritdoc/>
        public override int ChMod(string path, int mode)
        {
            return OnPath(path, (m, rel) => UpdateAttributes(m, rel, a => WithReadOnly(a, mode)));
        }

        /// <inheritdoc/>
        public override int FChMod(long fd, int mode)
        {
            lock (_lock)
            {
                var d = Get(fd);
                return d == null ? -Errno.EBADF : UpdateAttributes(d.Shared.Mount, d.Shared.Path, a => WithReadOnly(a, mode));
            }
        }

        /// <inheritdoc/>
        public override int ChFlags(string path, uint flags)
        {
            return OnPath(path, (m, rel) => UpdateAttributes(m, rel, a => WithHidden(a, flags)));
        }

        /// <inheritdoc/>
        public override int FChFlags(long fd, uint flags)
        {
            lock (_lock)
            {
                var d = Get(fd);
                return d == null ? -Errno.EBADF : UpdateAttributes(d.Shared.Mount, d.Shared.Path, a => WithHidden(a, flags));
            }
        }

        /// <summary>statfs f_type values (Linux magic numbers) by volume type.</summary>
        public const long MsdosSuperMagic = 0x4D44, IsofsSuperMagic = 0x9660;

        /// <inheritdoc/>
        public override long FileSystemType(long fd)
        {
            lock (_lock)
            {
                var d = Get(fd);
                if (d == null) return -Errno.EBADF;
                return d.Shared.Mount.Volume.TypeName.StartsWith("FAT", StringComparison.Ordinal) ? MsdosSuperMagic
                    : d.Shared.Mount.Volume.TypeName == "ISO9660" ? IsofsSuperMagic : 0;
            }
        }

        /// <inheritdoc/>
        public override int SetTimes(string path, long fd, long accessSeconds, long accessNanoseconds, long writeSeconds, long writeNanoseconds)
        {
            lock (_lock)
            {
                MountedVolume m;
                string rel;
                if (fd >= 0)
                {
                    var d = Get(fd);
                    if (d == null) return -Errno.EBADF;
                    m = d.Shared.Mount;
                    rel = d.Shared.Path;
                    try { d.Shared.File?.Flush(); }   // pending size/time updates must not overwrite the times set below
                    catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
                }
                else
                {
                    int r = Resolve(path, out m, out rel);
                    if (r < 0) return r;
                }
                if (rel.Length == 0) return -Errno.EPERM;
                if (m.Volume.IsReadOnly) return -Errno.EACCES;
                try
                {
                    if (m.Volume.GetEntry(rel) == null) return -Errno.ENOENT;
                    m.Volume.SetTimes(rel, null, FromUnix(accessSeconds, accessNanoseconds), FromUnix(writeSeconds, writeNanoseconds));
                    return 0;
                }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        /// <inheritdoc/>
        public override long OpenDir(string path)
        {
            lock (_lock)
            {
                int r = Resolve(path, out var m, out string rel);
                if (r < 0) return r;
                try
                {
                    var e = Lookup(m, rel);
                    if (e == null) return -Errno.ENOENT;
                    if (!e.Value.IsDirectory) return -Errno.ENOTDIR;
                    long h = _nextDirectory++;
                    _directories[h] = new DirectoryStream { Entries = m.Volume.ListDirectory(rel) };
                    return h;
                }
                catch (Exception ex) { return ErrnoOf(ex, m.Volume); }
            }
        }

        /// <inheritdoc/>
        public override int ReadDir(long dir, out string name, out int nodeType)
        {
            lock (_lock)
            {
                name = null;
                nodeType = 0;
                if (!_directories.TryGetValue(dir, out var s)) return -Errno.EBADF;
                if (s.Next >= s.Entries.Count) return 1;
                var e = s.Entries[s.Next++];
                name = e.Name;
                nodeType = e.IsDirectory ? DirectoryEntry.DT_DIR : DirectoryEntry.DT_REG;
                return 0;
            }
        }

        /// <inheritdoc/>
        public override int CloseDir(long dir)
        {
            lock (_lock) return _directories.Remove(dir) ? 0 : -Errno.EBADF;
        }

        /// <inheritdoc/>
        public override string GetCwd() => CosmosPath.CurrentDirectory;

        /// <inheritdoc/>
        public override int ChDir(string path)
        {
            return OnPath(path, (m, rel) =>
            {
                var e = Lookup(m, rel);
                if (e == null) return -Errno.ENOENT;
                if (!e.Value.IsDirectory) return -Errno.ENOTDIR;
                CosmosPath.CurrentDirectory = rel.Length == 0 ? m.Root : m.Root + rel.Replace('/', CosmosPath.DirectorySeparatorChar);
                return 0;
            });
        }

        /// <summary>Flushes every mounted volume (shutdown and reboot call this).</summary>
        public void FlushAll()
        {
            lock (_lock)
            {
                foreach (var s in _open.Values) s.File?.Flush();
                foreach (var m in _mounts) m.Volume.Flush();
            }
        }
    }
}
