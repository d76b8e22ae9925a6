using System;
using System.IO;
using System.Linq;
using Cosmos.HAL.BlockDevice;
using Cosmos.System.FileSystem;
using Cosmos.System.FileSystem.VFS;
using Cosmos.TestCases;
using Cosmos.TestRunner;

namespace FileSystemTests
{
    /// <summary>
    /// Files on a 64 MiB FAT32 volume the runner made with mkfs.fat and mtools ({fat:…} in qemu-args.txt, IDE primary
    /// master; the runner checks it with fsck.fat -n after the run): the host's files, every case of the shared System.IO
    /// table (each in its own directory, compared with what CoreCLR gives on Linux), Cosmos's VFSManager API, the lines
    /// Cosmos's kernel template starts with, and a remount.
    /// </summary>
    public sealed class Kernel : TestKernel
    {

        protected override void RunTests()
        {
            Disk disk = null;
            Test("the host's FAT32 image is mounted as 0:", () =>
            {
                VFSManager.RegisterVFS(new CosmosVFS(), aShowInfo: true);
                disk = VFSManager.GetDisks()[0];
                if (VFSManager.GetFileSystemType(@"0:\") != "FAT32")
                {
                    // Diagnostics for a missing disk (seen once under heavy host load): every storage device and its state.
                    for (int i = 0; i < Cosmos.HAL.DeviceRegistry.Count; i++)
                    {
                        var d = Cosmos.HAL.DeviceRegistry.Get(i);
                        if (d.Class == Cosmos.HAL.DeviceClass.Storage) Line("  device: " + d.ToString() + (d.StartError != null ? " error: " + d.StartError : ""));
                    }
                }
                Equal(@"0:\", disk.Partitions[0].RootPath, "root path");
                Equal("FAT32", VFSManager.GetFileSystemType(@"0:\"), "type");
                Equal("COSMOS", VFSManager.GetFileSystemLabel(@"0:\"), "label set by mkfs.fat -n");
            });
            if (disk == null || !VFSManager.IsValidDriveId(@"0:\")) return;

            Test("files written by mtools on the host", () =>
            {
                Equal("written on the host by mtools\n", File.ReadAllText(@"0:\HOST.TXT"), "HOST.TXT");
                Equal("a long name from mtools\n", File.ReadAllText(@"0:\DIR\LONG FILE NAME.TXT"), "a long file name");
                Equal("a long name from mtools\n", File.ReadAllText(@"0:\dir\long file name.txt"), "names are case-insensitive");
            });

            int n = 0;
            foreach (var c in FileIoCases.All)
            {
                string dir = @"0:\case" + (n++).ToString();
                Test("System.IO " + c.Name, () =>
                {
                    Directory.CreateDirectory(dir);
                    string got = c.Run(dir);
                    if (got != c.Expected) Fail("expected <" + c.Expected + "> but got <" + got + ">");
                });
            }

            Test("the Cosmos template's first lines", () =>
            {
                var fs = VFSManager.Current;
                True(fs is CosmosVFS, "the registered VFS is a CosmosVFS");
                File.WriteAllText(@"0:\hello.txt", "hi");
                Equal("hi", File.ReadAllText(@"0:\hello.txt"), "text read back");
                Equal(2L, new FileInfo(@"0:\hello.txt").Length, "length");
            });

            Test("VFSManager files and directories", () =>
            {
                var d = VFSManager.CreateDirectory(@"0:\vfs\a\b");
                Equal("b", d.mName, "name of the created directory");
                var f = VFSManager.CreateFile(@"0:\vfs\a\b\c.txt");
                Equal(@"0:\vfs\a\b\c.txt", f.mFullPath, "full path");
                using (var s = f.GetFileStream()) s.Write(new byte[] { 1, 2, 3, 4, 5 });
                var listing = VFSManager.GetDirectoryListing(@"0:\vfs\a\b");
                Equal(1, listing.Count, "entries in b");
                Equal("c.txt", listing[0].mName, "listed name");
                Equal(5L, listing[0].mSize, "listed size");
                True(VFSManager.FileExists(@"0:\vfs\a\b\c.txt"), "FileExists");
                True(!VFSManager.FileExists(@"0:\vfs\a\b\none.txt"), "FileExists of a missing file");
                True(VFSManager.DirectoryExists(@"0:\vfs\a"), "DirectoryExists");
                True(VFSManager.GetDirectory(@"0:\vfs\a\b") != null, "GetDirectory");
            });

            Test("VFSManager deletes and errors", () =>
            {
                VFSManager.CreateFile(@"0:\del\x.txt");
                bool threw = false;
                try { VFSManager.DeleteDirectory(@"0:\del", false); } catch (IOException) { threw = true; }
                True(threw, "deleting a non-empty directory throws IOException");
                VFSManager.DeleteDirectory(@"0:\del", true);
                True(!VFSManager.DirectoryExists(@"0:\del"), "deleted recursively");
                threw = false;
                try { VFSManager.DeleteFile(@"0:\del\x.txt"); } catch (FileNotFoundException) { threw = true; } catch (DirectoryNotFoundException) { threw = true; }
                True(threw, "deleting a missing file throws");
                True(VFSManager.GetFile(@"0:\nothing\here.txt") == null, "GetFile of a missing path is null");
            });

            Test("VFSManager volume figures", () =>
            {
                long total = VFSManager.GetTotalSize(@"0:\");
                long free = VFSManager.GetAvailableFreeSpace(@"0:\");
                True(total > 55L << 20 && total <= 64L << 20, "total size " + total + " is about the 64 MiB image");
                File.WriteAllBytes(@"0:\fill.bin", new byte[1 << 20]);
                long after = VFSManager.GetAvailableFreeSpace(@"0:\");
                True(free - after >= 1 << 20, "free space fell by at least 1 MiB (" + free + " -> " + after + ")");
                File.Delete(@"0:\fill.bin");
                Equal(free, VFSManager.GetAvailableFreeSpace(@"0:\"), "free space after deleting");
                VFSManager.SetFileSystemLabel(@"0:\", "COSMOSTEST");
                Equal("COSMOSTEST", VFSManager.GetFileSystemLabel(@"0:\"), "label");
                Equal(@"0:\,1:\", string.Join(",", VFSManager.GetLogicalDrives()), "logical drives (the FAT disk, then the boot CD)");
            });

            Test("the boot CD is 1: (ISO9660, read-only)", () =>
            {
                Equal("ISO9660", VFSManager.GetFileSystemType(@"1:\"), "type");
                True(File.Exists(@"1:\boot\grub\grub.cfg"), "GRUB's configuration is on the CD");
                True(File.ReadAllText(@"1:\boot\grub\grub.cfg").Contains("multiboot2"), "grub.cfg loads the kernel with multiboot2");
                True(new FileInfo(@"1:\boot\kernel.elf").Length > 100000, "the kernel ELF is on the CD");
                bool threw = false;
                try { File.WriteAllText(@"1:\x.txt", "x"); } catch (UnauthorizedAccessException) { threw = true; }
                True(threw, "writing to the CD throws UnauthorizedAccessException");
            });

            Test("files under the project's isoroot/ are on the boot CD", () =>
            {
                Equal("put on the boot CD by the build (isoroot/)\n", File.ReadAllText(@"1:\docs\Read Me First.txt"), "a Joliet long name from isoroot/");
                Equal(@"1:\docs\Read Me First.txt", Directory.GetFiles(@"1:\docs").Single(), "listing of the CD folder");
            });

            Test("two threads write different files at once", () =>
            {
                Directory.CreateDirectory(@"0:\threads");
                Exception failure = null;
                void Writer(int id)
                {
                    try
                    {
                        for (int i = 0; i < 40; i++)
                        {
                            var data = new byte[3000 + i * 97];
                            for (int k = 0; k < data.Length; k++) data[k] = (byte)(id * 31 + i + k);
                            File.WriteAllBytes(@"0:\threads\t" + id + "_" + i + ".bin", data);
                        }
                    }
                    catch (Exception e) { failure = e; }
                }
                var a = new System.Threading.Thread(() => Writer(1));
                var b = new System.Threading.Thread(() => Writer(2));
                a.Start(); b.Start();
                a.Join(); b.Join();
                if (failure != null) { Fail("a writer threw " + failure.GetType().Name + ": " + failure.Message); return; }
                Equal(80, Directory.GetFiles(@"0:\threads").Length, "files written");
                for (int id = 1; id <= 2; id++)
                    for (int i = 0; i < 40; i++)
                    {
                        var data = File.ReadAllBytes(@"0:\threads\t" + id + "_" + i + ".bin");
                        if (data.Length != 3000 + i * 97) { Fail("t" + id + "_" + i + " has " + data.Length + " bytes"); return; }
                        for (int k = 0; k < data.Length; k++)
                            if (data[k] != (byte)(id * 31 + i + k)) { Fail("t" + id + "_" + i + " differs at byte " + k); return; }
                    }
            });

            Test("FileStream.Lock: a second stream cannot lock an overlapping range", () =>
            {
                // Locks belong to the stream (Linux open-file-description locks): what two processes get on Linux and
                // two streams get on Windows. Host .NET on Linux owns locks per process, so there this table only
                // holds between processes; the one-stream behaviour is compared with the host in FileIoCases.
                string f = @"0:\ranges.bin";
                File.WriteAllBytes(f, new byte[100]);
                using var a = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                using var b = new FileStream(f, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                string Try(Action act) { try { act(); return "ok"; } catch (IOException e) { return "IOException" + (e.Message.Contains("ranges.bin") ? " naming the file" : " (" + e.Message + ")"); } catch (Exception e) { return e.GetType().Name; } }
                a.Lock(10, 10);
                Equal("IOException naming the file", Try(() => b.Lock(15, 10)), "overlapping write lock from another stream");
                Equal("IOException naming the file", Try(() => b.Lock(0, 0)), "whole-file lock from another stream");
                Equal("ok", Try(() => b.Lock(20, 5)), "adjacent range");
                Equal("ok", Try(() => b.Lock(0, 10)), "range before");
                Equal("ok", Try(() => { b.Position = 12; b.WriteByte(1); b.Flush(); }), "advisory: the other stream still writes inside the locked range");
                Equal("ok", Try(() => b.Unlock(10, 10)), "unlocking another stream's range succeeds and releases nothing");
                Equal("IOException naming the file", Try(() => b.Lock(10, 1)), "still locked by the first stream");
                a.Unlock(10, 5);
                Equal("ok", Try(() => b.Lock(10, 5)), "the unlocked half");
                Equal("IOException naming the file", Try(() => b.Lock(15, 5)), "the half still locked");
                a.Dispose();
                Equal("ok", Try(() => b.Lock(15, 5)), "closing a stream releases its locks");
                using var r1 = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var r2 = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                Equal("ok", Try(() => r1.Lock(50, 10)), "read lock");
                Equal("ok", Try(() => r2.Lock(55, 10)), "read locks are shared");
                Equal("IOException naming the file", Try(() => b.Lock(58, 1)), "a write lock conflicts with read locks");
            });

            Test("paths are Cosmos paths", () =>
            {
                Equal(@"0:\dir\a.txt", Path.Combine(@"0:\", "dir", "a.txt"), "Path.Combine");
                Equal('\\', Path.DirectorySeparatorChar, "Path.DirectorySeparatorChar");
                Directory.CreateDirectory(@"0:\pp");
                File.WriteAllText(@"0:\pp\f.txt", "x");
                Equal(@"0:\pp\f.txt", Directory.GetFiles(@"0:\pp")[0], "Directory.GetFiles names");
                Equal(@"0:\pp", Path.GetDirectoryName(@"0:\pp\f.txt"), "Path.GetDirectoryName");
                Equal(@"0:\pp\f.txt", Path.GetFullPath(@"0:/pp/./x/../f.txt"), "Path.GetFullPath");
                Directory.SetCurrentDirectory(@"0:\pp");
                Equal(@"0:\pp", Directory.GetCurrentDirectory(), "current directory");
                Equal("x", File.ReadAllText("f.txt"), "relative path");
                Directory.SetCurrentDirectory(@"0:\");
            });

            Test("files survive a remount", () =>
            {
                File.WriteAllText(@"0:\persist.txt", "kept");
                VFSManager.Flush();
                var vfs = VirtualFileSystem.Instance;
                True(vfs.Unmount("0"), "unmount 0:");
                var part = disk.Partitions[0];
                var fat = Cosmos.FileSystem.Fat.FatFileSystem.Mount(new HalBlockDevice(part.Host));
                vfs.Mount(fat, "0");
                Equal("kept", File.ReadAllText(@"0:\persist.txt"), "read after remount");
                Equal(0, fat.Warnings.Count, "warnings after remount");
            });
        }
    }
}
