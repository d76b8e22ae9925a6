using System;
using System.IO;
using Cosmos.Core;
using Cosmos.HAL.BlockDevice;
using Cosmos.System.FileSystem;
using Cosmos.System.FileSystem.VFS;

namespace StorageBench
{
    /// <summary>
    /// Storage figures per disk (a virtio-blk and an AHCI disk, each one FAT32 volume made by mkfs.fat; qemu-args.txt),
    /// all in TSC ticks with the TSC frequency printed first, each the best of five passes that run the four transfers
    /// in turn (so the raw baselines and the FileStream figures meet the same host load; the first raw read apart):
    /// <list type="bullet">
    /// <item>raw sequential read: 64 MiB through <c>BlockDevice.Read</c> in 1 MiB requests, a cold pass and warm ones
    /// (the baseline);</item>
    /// <item>raw sequential write: the same sectors rewritten with what they hold (read beforehand, untimed), 1 MiB
    /// requests, then a flush, timed as one stretch;</item>
    /// <item>FileStream sequential write of a 64 MiB file in 1 MiB writes, ending with <c>Flush(true)</c>;</item>
    /// <item>FileStream sequential read of it back in 1 MiB reads (every MiB spot-checked);</item>
    /// <item>1,000 files of 100 bytes created with <c>File.WriteAllBytes</c>, then deleted.</item>
    /// </list>
    /// Lines: "bench storage tsc-hz F", "bench storage DEV raw-read-cold bytes B ticks T", "bench storage DEV raw-read
    /// bytes B ticks T", "bench storage DEV raw-write bytes B ticks T", "bench storage DEV file-write bytes B
    /// ticks T", "bench storage DEV file-read bytes B ticks T", after each file figure "bench storage DEV
    /// file-write-device|file-read-device reads R blocks B ticks T writes R blocks B ticks T flushes R blocks 0 ticks T"
    /// (what reached the driver during that best pass: <see cref="BlockDevice.ReadStats"/>), "bench storage DEV
    /// small-files n N create-ticks C delete-ticks D", "bench storage DEV error …" on failure, then "bench done".
    /// </summary>
    public sealed class Kernel : Cosmos.System.Kernel
    {
        private const int FileBytes = 64 * 1024 * 1024;
        private const int Chunk = 1024 * 1024;
        private const int SmallFiles = 1000;
        private const int Passes = 5;

        protected override void BeforeRun() { }

        protected override void Run()
        {
            Console.WriteLine("bench storage tsc-hz " + Cosmos.HAL.Devices.Timers.TSC.Frequency);
            VFSManager.RegisterVFS(new CosmosVFS(), aShowInfo: false);
            foreach (var disk in VFSManager.GetDisks())
            {
                if (disk.Type != BlockDeviceType.HardDrive || disk.Partitions.Count == 0 || disk.Partitions[0].RootPath.Length == 0) continue;
                string dev = disk.Host.Name.StartsWith("virtio") ? "virtio-blk" : disk.Host.Name.StartsWith("AHCI") ? "ahci" : disk.Host.Name.Replace(' ', '_');
                try { Measure(disk, dev); }
                catch (Exception e) { Console.WriteLine("bench storage " + dev + " error " + e.GetType().Name + ": " + e.Message); }
            }
            Console.WriteLine("bench done");
            Stop();
            Cosmos.System.Power.Shutdown();
        }

        private static BlockDeviceStatistics[] DeviceSnapshot(BlockDevice d) => new[] { d.ReadStats, d.WriteStats, d.FlushStats };

        /// <summary>"reads R blocks B ticks T writes … flushes …": what reached the driver since <paramref name="before"/>.</summary>
        private static string DeviceDelta(BlockDevice d, BlockDeviceStatistics[] before)
        {
            var now = DeviceSnapshot(d);
            string s = "";
            string[] names = { "reads", "writes", "flushes" };
            for (int i = 0; i < 3; i++)
                s += (i == 0 ? "" : " ") + names[i] + " " + (now[i].Requests - before[i].Requests) + " blocks " + (now[i].Blocks - before[i].Blocks) + " ticks " +
                     (ulong)((now[i].Ticks - before[i].Ticks) * (double)Cosmos.HAL.Devices.Timers.TSC.Frequency / System.Diagnostics.Stopwatch.Frequency);   // Stopwatch → TSC ticks
            return s;
        }

        private static void Measure(Disk disk, string dev)
        {
            string root = disk.Partitions[0].RootPath;
            var host = disk.Host;
            var buffer = new byte[Chunk];
            var data = new byte[Chunk];
            var back = new byte[Chunk];
            var image = new byte[FileBytes];
            for (int i = 0; i < Chunk; i++) data[i] = (byte)(i * 31 + (i >> 12));
            string path = Path.Combine(root, "big.bin");
            ulong blocks = (ulong)(Chunk / (int)host.BlockSize);
            ulong end = (ulong)FileBytes / host.BlockSize;
            // The first raw read meets the host cold (QEMU's first touch of the image): printed apart.
            ulong t0 = Native.Rdtsc();
            for (ulong lba = 0; lba < end; lba += blocks) host.Read(lba, buffer);
            Console.WriteLine("bench storage " + dev + " raw-read-cold bytes " + FileBytes + " ticks " + (Native.Rdtsc() - t0));
            // Every figure is the best of Passes passes, and each pass runs the four transfers one after the other, so the
            // raw baselines and the FileStream figures meet the same host load (the host's other work preempts QEMU for
            // milliseconds at a time, which the guest's TSC counts).
            ulong rawRead = ulong.MaxValue, rawWrite = ulong.MaxValue, fileWrite = ulong.MaxValue, fileRead = ulong.MaxValue;
            string fileWriteDevice = "", fileReadDevice = "";
            long bad = -1;
            for (int pass = 0; pass < Passes; pass++)
            {
                // Raw sequential read of the device: the baseline.
                t0 = Native.Rdtsc();
                for (ulong lba = 0; lba < end; lba += blocks) host.Read(lba, buffer);
                rawRead = Math.Min(rawRead, Native.Rdtsc() - t0);
                // Raw sequential write of the same sectors with what they hold (read just before, untimed, so the volume
                // is unchanged), then a cache flush: what a file write could at best reach. The writes and the flush
                // are timed as one stretch, as the FileStream write is (no untimed gaps in which QEMU's host could
                // write dirty pages back).
                for (ulong lba = 0; lba < end; lba += blocks) host.Read(lba, image.AsSpan((int)(lba * host.BlockSize), Chunk));
                t0 = Native.Rdtsc();
                for (ulong lba = 0; lba < end; lba += blocks) host.Write(lba, image.AsSpan((int)(lba * host.BlockSize), Chunk));
                host.Flush();
                rawWrite = Math.Min(rawWrite, Native.Rdtsc() - t0);
                // FileStream sequential write, ending with Flush(true) (data, FAT, directory entry and the device cache).
                var before = DeviceSnapshot(host);
                t0 = Native.Rdtsc();
                using (var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
                {
                    for (int done = 0; done < FileBytes; done += Chunk) { data[0] = (byte)(done >> 20); fs.Write(data, 0, Chunk); }
                    fs.Flush(true);
                }
                ulong took = Native.Rdtsc() - t0;
                if (took < fileWrite) { fileWrite = took; fileWriteDevice = DeviceDelta(host, before); }
                // FileStream sequential read of it.
                before = DeviceSnapshot(host);
                t0 = Native.Rdtsc();
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096))
                {
                    for (int done = 0; done < FileBytes; done += Chunk)
                    {
                        int got = 0;
                        while (got < Chunk) { int n = fs.Read(back, got, Chunk - got); if (n == 0) break; got += n; }
                        data[0] = (byte)(done >> 20);
                        // Spot check (the bench measures reading; FileSystemTests checks contents byte for byte).
                        if (bad < 0 && (got != Chunk || back[0] != data[0] || back[4097] != data[4097] || back[Chunk - 1] != data[Chunk - 1])) bad = done;
                    }
                }
                took = Native.Rdtsc() - t0;
                if (took < fileRead) { fileRead = took; fileReadDevice = DeviceDelta(host, before); }
            }
            Console.WriteLine("bench storage " + dev + " raw-read bytes " + FileBytes + " ticks " + rawRead);
            Console.WriteLine("bench storage " + dev + " raw-write bytes " + FileBytes + " ticks " + rawWrite);
            Console.WriteLine("bench storage " + dev + " file-write bytes " + FileBytes + " ticks " + fileWrite);
            Console.WriteLine("bench storage " + dev + " file-write-device " + fileWriteDevice);
            if (bad >= 0) Console.WriteLine("bench storage " + dev + " error the file read back differs in the MiB at " + bad);
            else Console.WriteLine("bench storage " + dev + " file-read bytes " + FileBytes + " ticks " + fileRead);
            Console.WriteLine("bench storage " + dev + " file-read-device " + fileReadDevice);
            File.Delete(path);

            string dir = Path.Combine(root, "small");
            Directory.CreateDirectory(dir);
            var small = new byte[100];
            t0 = Native.Rdtsc();
            for (int i = 0; i < SmallFiles; i++) File.WriteAllBytes(Path.Combine(dir, "f" + i + ".dat"), small);
            ulong create = Native.Rdtsc() - t0;
            t0 = Native.Rdtsc();
            for (int i = 0; i < SmallFiles; i++) File.Delete(Path.Combine(dir, "f" + i + ".dat"));
            ulong delete = Native.Rdtsc() - t0;
            Directory.Delete(dir);
            Console.WriteLine("bench storage " + dev + " small-files n " + SmallFiles + " create-ticks " + create + " delete-ticks " + delete);
        }
    }
}
