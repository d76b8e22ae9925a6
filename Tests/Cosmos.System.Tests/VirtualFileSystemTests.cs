using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Cosmos.FileSystem;
using Cosmos.FileSystem.Fat;
using Cosmos.Runtime;
using Cosmos.System.FileSystem;
using Cosmos.System.FileSystem.VFS;
using Xunit;

namespace Cosmos.System.Tests
{
    /// <summary>
    /// The kernel's VFS (descriptors, shared open files, flock, errno mapping, rename rules) on a FAT32 volume that
    /// mkfs.fat made, mounted by the pure FAT library: the same code the kernel runs, driven through its PAL interface.
    /// </summary>
    public class VirtualFileSystemTests
    {
        private static byte[] MakeImage(int mib)
        {
            const string mkfs = "/usr/sbin/mkfs.fat";
            Assert.True(File.Exists(mkfs), "mkfs.fat is missing: apt-get install dosfstools");
            string path = Path.Combine(Path.GetTempPath(), "cosmos-vfs-" + Guid.NewGuid().ToString("N") + ".img");
            try
            {
                var p = Process.Start(new ProcessStartInfo(mkfs, $"-F 32 -C {path} {mib * 1024}") { RedirectStandardOutput = true, RedirectStandardError = true })!;
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
                return File.ReadAllBytes(path);
            }
            finally { File.Delete(path); }
        }

        private static VirtualFileSystem NewVfs(out MemoryBlockDevice device)
        {
            device = new MemoryBlockDevice(MakeImage(40));
            var vfs = new VirtualFileSystem();
            vfs.Mount(FatFileSystem.Mount(device), "0");
            CosmosPath.CurrentDirectory = @"0:\";
            return vfs;
        }

        private static long Open(VirtualFileSystem v, string path, int flags, int mode = 0x1B6)
        {
            long fd = v.Open(path, flags, mode);
            Assert.True(fd >= 3, $"open {path} failed with errno {-fd}");
            return fd;
        }

        [Fact]
        public void ByteRangeLocksBelongToTheDescriptor()
        {
            var v = NewVfs(out _);
            long a = Open(v, @"0:\lk.bin", FileSystemPal.O_RDWR | FileSystemPal.O_CREAT);
            long b = Open(v, @"0:\lk.bin", FileSystemPal.O_RDWR);
            long ro = Open(v, @"0:\lk.bin", FileSystemPal.O_RDONLY);
            Assert.Equal(0, v.LockFileRegion(a, 10, 10, FileSystemPal.F_WRLCK));
            Assert.Equal(0, v.LockFileRegion(a, 12, 2, FileSystemPal.F_WRLCK));            // the owner's own locks never conflict
            Assert.Equal(-Errno.EAGAIN, v.LockFileRegion(b, 19, 1, FileSystemPal.F_RDLCK));
            Assert.Equal(0, v.LockFileRegion(b, 20, 1, FileSystemPal.F_WRLCK));             // end is exclusive
            Assert.Equal(0, v.LockFileRegion(a, 10, 5, FileSystemPal.F_UNLCK));             // splits a's lock
            Assert.Equal(0, v.LockFileRegion(b, 10, 5, FileSystemPal.F_WRLCK));
            Assert.Equal(-Errno.EAGAIN, v.LockFileRegion(b, 15, 1, FileSystemPal.F_WRLCK));
            Assert.Equal(-Errno.EAGAIN, v.LockFileRegion(a, 0, 0, FileSystemPal.F_WRLCK));  // length 0: to the end of any file
            Assert.Equal(-Errno.EBADF, v.LockFileRegion(ro, 0, 1, FileSystemPal.F_WRLCK));  // a write lock needs write access
            Assert.Equal(-Errno.EINVAL, v.LockFileRegion(a, -1, 1, FileSystemPal.F_WRLCK));
            Assert.Equal(-Errno.EINVAL, v.LockFileRegion(a, 0, 1, 7));
            Assert.Equal(-Errno.EBADF, v.LockFileRegion(999, 0, 1, FileSystemPal.F_WRLCK));
            Assert.Equal(0, v.Close(a));                                                     // close releases a's locks
            Assert.Equal(0, v.LockFileRegion(ro, 15, 5, FileSystemPal.F_RDLCK));
            Assert.Equal(-Errno.EAGAIN, v.LockFileRegion(b, 17, 1, FileSystemPal.F_WRLCK)); // read locks exclude writers
            Assert.Equal(0, v.Close(ro));
            Assert.Equal(0, v.LockFileRegion(b, 0, 0, FileSystemPal.F_WRLCK));
            Assert.Equal(0, v.Close(b));
        }

        [Fact]
        public void CreateWriteReadStatClose()
        {
            var v = NewVfs(out var dev);
            long fd = Open(v, @"0:\a.txt", FileSystemPal.O_RDWR | FileSystemPal.O_CREAT);
            Assert.Equal(5, v.Write(fd, "hello"u8));
            Assert.Equal(0L, v.LSeek(fd, 0, FileSystemPal.SEEK_SET));
            var buf = new byte[10];
            Assert.Equal(5, v.Read(fd, buf));
            Assert.Equal(0, v.Read(fd, buf));
            Assert.Equal(0, v.FStat(fd, out var st));
            Assert.Equal(5L, st.Size);
            Assert.Equal(FileStatus.S_IFREG, st.Mode & FileStatus.S_IFMT);
            int flushesBefore = dev.FlushRequests;
            Assert.Equal(0, v.Close(fd));
            Assert.True(dev.FlushRequests > flushesBefore, "the last close of a written file flushes the device");
            Assert.Equal(-Errno.EBADF, v.Close(fd));
            Assert.Equal(0, v.Stat(@"0:\A.TXT", out st));
            Assert.Equal(5L, st.Size);
        }

        [Fact]
        public void OpenFlagsFollowPosix()
        {
            var v = NewVfs(out _);
            Assert.Equal(-(long)Errno.ENOENT, v.Open(@"0:\none", FileSystemPal.O_RDONLY, 0));
            Assert.Equal(-(long)Errno.ENOENT, v.Open(@"0:\nodir\x", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY, 0x1B6));
            Assert.Equal(-(long)Errno.ENOENT, v.Open(@"7:\x", FileSystemPal.O_RDONLY, 0));
            long fd = Open(v, @"0:\f", FileSystemPal.O_CREAT | FileSystemPal.O_EXCL | FileSystemPal.O_WRONLY);
            Assert.Equal(-(long)Errno.EEXIST, v.Open(@"0:\f", FileSystemPal.O_CREAT | FileSystemPal.O_EXCL | FileSystemPal.O_WRONLY, 0x1B6));
            v.Write(fd, new byte[100]);
            v.Close(fd);
            fd = Open(v, @"0:\f", FileSystemPal.O_WRONLY | FileSystemPal.O_TRUNC);
            v.FStat(fd, out var st);
            Assert.Equal(0L, st.Size);
            Assert.Equal(-Errno.EBADF, v.Read(fd, new byte[1]));
            v.Close(fd);
            Assert.Equal(0, v.MkDir(@"0:\d", 0x1FF));
            Assert.Equal(-(long)Errno.EISDIR, v.Open(@"0:\d", FileSystemPal.O_WRONLY, 0));
            long dfd = Open(v, @"0:\d", FileSystemPal.O_RDONLY);
            Assert.Equal(0, v.FStat(dfd, out st));
            Assert.Equal(FileStatus.S_IFDIR, st.Mode & FileStatus.S_IFMT);
            Assert.Equal(-Errno.EISDIR, v.Read(dfd, new byte[1]));
            v.Close(dfd);
        }

        [Fact]
        public void DescriptorsOfOneFileShareIt()
        {
            var v = NewVfs(out _);
            long w = Open(v, @"0:\s", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY);
            long r = Open(v, @"0:\s", FileSystemPal.O_RDONLY);
            v.Write(w, "abc"u8);
            var buf = new byte[8];
            Assert.Equal(3, v.PRead(r, buf, 0));
            Assert.Equal("abc", Encoding.ASCII.GetString(buf, 0, 3));
            Assert.Equal(-Errno.EBUSY, v.Unlink(@"0:\s"));
            Assert.Equal(-Errno.EBUSY, v.Rename(@"0:\s", @"0:\t"));
            v.Close(w);
            v.Close(r);
            Assert.Equal(0, v.Rename(@"0:\s", @"0:\t"));
            Assert.Equal(0, v.Unlink(@"0:\t"));
            Assert.Equal(-Errno.ENOENT, v.Stat(@"0:\t", out _));
        }

        [Fact]
        public void FlockConflicts()
        {
            var v = NewVfs(out _);
            long a = Open(v, @"0:\l", FileSystemPal.O_CREAT | FileSystemPal.O_RDWR);
            long b = Open(v, @"0:\l", FileSystemPal.O_RDONLY);
            Assert.Equal(0, v.FLock(a, FileSystemPal.LOCK_EX | FileSystemPal.LOCK_NB));
            Assert.Equal(-Errno.EAGAIN, v.FLock(b, FileSystemPal.LOCK_SH | FileSystemPal.LOCK_NB));
            Assert.Equal(0, v.FLock(a, FileSystemPal.LOCK_UN));
            Assert.Equal(0, v.FLock(b, FileSystemPal.LOCK_SH | FileSystemPal.LOCK_NB));
            Assert.Equal(-Errno.EAGAIN, v.FLock(a, FileSystemPal.LOCK_EX | FileSystemPal.LOCK_NB));
            v.Close(b);
            Assert.Equal(0, v.FLock(a, FileSystemPal.LOCK_EX | FileSystemPal.LOCK_NB));
            v.Close(a);
        }

        [Fact]
        public void DirectoriesAndRenameRules()
        {
            var v = NewVfs(out _);
            Assert.Equal(0, v.MkDir(@"0:\a", 0x1FF));
            Assert.Equal(-Errno.EEXIST, v.MkDir(@"0:\a", 0x1FF));
            Assert.Equal(-Errno.ENOENT, v.MkDir(@"0:\x\y", 0x1FF));
            v.Close(Open(v, @"0:\a\f", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY));
            Assert.Equal(-Errno.ENOTEMPTY, v.RmDir(@"0:\a"));
            Assert.Equal(-Errno.ENOTDIR, v.RmDir(@"0:\a\f"));
            Assert.Equal(-Errno.EISDIR, v.Unlink(@"0:\a"));
            Assert.Equal(-Errno.EINVAL, v.Rename(@"0:\a", @"0:\a\inside"));
            Assert.Equal(0, v.MkDir(@"0:\b", 0x1FF));
            Assert.Equal(0, v.Rename(@"0:\a", @"0:\b"));   // onto an empty directory: replaces it
            Assert.Equal(0, v.Stat(@"0:\b\f", out _));
            long dir = v.OpenDir(@"0:\b");
            Assert.True(dir >= 0);
            Assert.Equal(0, v.ReadDir(dir, out string name, out int type));
            Assert.Equal("f", name);
            Assert.Equal(DirectoryEntry.DT_REG, type);
            Assert.Equal(1, v.ReadDir(dir, out _, out _));
            Assert.Equal(0, v.CloseDir(dir));
            Assert.Equal(-Errno.ENOTDIR, (int)v.OpenDir(@"0:\b\f"));
        }

        [Fact]
        public void CurrentDirectoryAndRelativePaths()
        {
            var v = NewVfs(out _);
            Assert.Equal(0, v.MkDir(@"0:\w", 0x1FF));
            Assert.Equal(0, v.ChDir(@"0:\w"));
            Assert.Equal(@"0:\w", v.GetCwd());
            v.Close(Open(v, "rel.txt", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY));
            Assert.Equal(0, v.Stat(@"0:\w\rel.txt", out _));
            Assert.Equal(-Errno.EBUSY, v.RmDir(@"0:\w"));
            Assert.Equal(-Errno.ENOENT, v.ChDir(@"0:\nowhere"));
            Assert.Equal(0, v.ChDir(@"0:\"));
        }

        [Fact]
        public void AttributesAndTimes()
        {
            var v = NewVfs(out _);
            v.Close(Open(v, @"0:\ro", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY));
            Assert.Equal(0, v.ChMod(@"0:\ro", 0x124));   // 0444
            Assert.Equal(0, v.Stat(@"0:\ro", out var st));
            Assert.Equal(0, st.Mode & 0x92);
            Assert.Equal(-(long)Errno.EACCES, v.Open(@"0:\ro", FileSystemPal.O_WRONLY, 0));
            Assert.Equal(-Errno.EACCES, v.Access(@"0:\ro", FileSystemPal.W_OK));
            Assert.Equal(0, v.ChMod(@"0:\ro", 0x1B6));
            Assert.Equal(0, v.ChFlags(@"0:\ro", FileStatus.UF_HIDDEN));
            v.Stat(@"0:\ro", out st);
            Assert.Equal(FileStatus.UF_HIDDEN, st.UserFlags);
            long when = new DateTimeOffset(2021, 3, 4, 5, 6, 8, TimeSpan.Zero).ToUnixTimeSeconds();
            Assert.Equal(0, v.SetTimes(@"0:\ro", -1, when, 0, when, 0));
            v.Stat(@"0:\ro", out st);
            Assert.Equal(when, st.MTime);
        }

        [Fact]
        public void ErrnoMapping()
        {
            Assert.Equal(-Errno.ENOSPC, VirtualFileSystem.ErrnoOf(new FileSystemException(FileSystemError.NoSpace, "x"), null));
            Assert.Equal(-Errno.ENAMETOOLONG, VirtualFileSystem.ErrnoOf(new FileSystemException(FileSystemError.NameTooLong, "x"), null));
            Assert.Equal(-Errno.EIO, VirtualFileSystem.ErrnoOf(new FileSystemException(FileSystemError.Corrupt, "x"), null));
            Assert.Equal(-Errno.EACCES, VirtualFileSystem.ErrnoOf(new FileSystemException(FileSystemError.ReadOnly, "x"), null));
        }

        [Fact]
        public void DiskFullIsEnospcAndKeepsTheVolumeConsistent()
        {
            var v = NewVfs(out _);
            long fd = Open(v, @"0:\big", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY);
            var chunk = new byte[1 << 20];
            int r = 0;
            for (int i = 0; i < 64 && r >= 0; i++) r = v.Write(fd, chunk);
            Assert.Equal(-Errno.ENOSPC, r);
            Assert.Equal(0, v.Close(fd));
            Assert.Equal(0, v.Unlink(@"0:\big"));
            fd = Open(v, @"0:\after", FileSystemPal.O_CREAT | FileSystemPal.O_WRONLY);
            Assert.Equal(chunk.Length, v.Write(fd, chunk));
            v.Close(fd);
        }
    }
}
