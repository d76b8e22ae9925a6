using System;
using System.IO;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Storage;
using Cosmos.HAL.Devices.Timers;
using Cosmos.TestRunner;

namespace StorageTests
{
    /// <summary>
    /// The storage drivers under QEMU (qemu-args.txt): the IDE driver (AtaController, AtaDisk by DMA and PIO,
    /// AtapiDrive) on the PIIX3 IDE at 00:01.1 in compatibility mode with a 64 MiB pattern image as primary master, a
    /// sparse 130 GiB image (pattern in its first and last MiB) as primary slave and the boot ISO as secondary master
    /// (-cdrom); an ICH9 AHCI at 00:04.0 with a 32 MiB pattern disk on port 0; a virtio-blk at 00:05.0 with a 16 MiB
    /// pattern disk. Pattern of sector L (written by the runner, DiskImages.FillSector): bytes 0–7 L, bytes 8–15
    /// "COSMOSPT", byte i ≥ 16 = (byte)(L·7 + i). Images are created afresh for every run (cases write to them).
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        private const ulong PatternSectors = 64UL * 1024 * 1024 / 512;       // 131,072
        private const ulong BigSectors = 130UL * 1024 * 1024 * 1024 / 512;   // 272,629,760 (> 2^28 = 268,435,456)

        private const ulong AhciSectors = 32UL * 1024 * 1024 / 512;          // 65,536
        private const ulong VirtioSectors = 16UL * 1024 * 1024 / 512;        // 32,768

        private static AhciDisk AhciDisk0() => DeviceRegistry.Find("AHCI 00:04.0 port 0") as AhciDisk;

        private static AtaDisk Disk(string which) => DeviceRegistry.Find("IDE 00:01.1 " + which) as AtaDisk;

        private static int PatternMismatch(ulong lba, ReadOnlySpan<byte> sector) => Cosmos.TestCases.StoragePattern.Mismatch(lba, sector);

        private void CheckPattern(ulong lba, ReadOnlySpan<byte> data, string what)
        {
            for (int s = 0; s < data.Length / 512; s++)
            {
                int bad = PatternMismatch(lba + (ulong)s, data.Slice(s * 512, 512));
                if (bad >= 0) { Fail(what + ": sector " + (lba + (ulong)s) + " differs from the pattern at byte " + bad + " (0x" + data[s * 512 + bad].ToString("X2") + ")"); return; }
            }
        }

        private static ulong Us(ulong ticks) { ulong hz = TSC.Frequency; return hz == 0 ? 0 : ticks * 1_000_000 / hz; }

        /// <summary>A test case whose unexpected exception fails the case (with its message) instead of ending the kernel.</summary>
        private void Case(string name, Action body) => Test(name, () =>
        {
            try { body(); }
            catch (Exception e) { Fail("unexpected " + e.GetType().Name + ": " + e.Message); }
        });

        protected override void RunTests()
        {
            Case("the IDE function 00:01.1 has the AtaController driver, started, with four drives", () =>
            {
                var f = PCI.GetDeviceAt(0, 1, 1);
                True(f != null, "a function at 00:01.1");
                if (f == null) return;
                var c = f.Driver as AtaController;
                True(c != null, "driver is an AtaController (" + (f.Driver?.ToString() ?? "none") + ")");
                if (c == null) return;
                True(c.IsStarted, "started (" + (c.StartError ?? "no error") + ")");
                Equal(4, c.DriveCount, "drives found (two disks, the boot CD, an empty CD drive)");
                Line("ide start (reset, probe, identify, READ CAPACITY): " + c.StartTicks + " TSC ticks (" + Us(c.StartTicks) + " us)");
                foreach (var line in DeviceRegistry.Describe()) if (line.StartsWith("IDE")) Line("dev " + line);
                Equal(9, Cosmos.HAL.BlockDevice.BlockDevice.Devices.Count, "BlockDevice.Devices (4 IDE, 2 AHCI, 3 virtio)");
            });

            Case("primary master: IDENTIFY DEVICE matches the 64 MiB image", () =>
            {
                var d = Disk("primary master");
                True(d != null, "a disk at primary master");
                if (d == null) return;
                True(d.IsStarted, "started (" + (d.StartError ?? "") + ")");
                Equal("QEMU HARDDISK", d.ModelNumber, "model");
                True(d.SerialNumber.Length > 0, "a serial number (" + d.SerialNumber + ")");
                Equal(PatternSectors, d.BlockCount, "sectors = image size / 512");
                Equal(512UL, d.BlockSize, "sector size");
                True(d.SupportsLba48, "LBA48 supported");
                Equal(PatternSectors, d.Identify.Lba48Sectors, "words 100-103");
                Equal((uint)PatternSectors, d.Identify.Lba28Sectors, "words 60-61");
                True(d.Type == Cosmos.HAL.BlockDevice.BlockDeviceType.HardDrive, "HardDrive");
            });

            Case("primary slave: the sparse 130 GiB image has more than 2^28 sectors", () =>
            {
                var d = Disk("primary slave");
                True(d != null && d.IsStarted, "a started disk at primary slave");
                if (d == null) return;
                Equal(BigSectors, d.BlockCount, "sectors (48-bit count)");
                Equal(0x0FFFFFFFu, d.Identify.Lba28Sectors, "28-bit count saturates at 2^28 - 1");
            });

            Case("single-sector reads return the pattern (sector 0, 1, 12345, the last), by DMA and by PIO", () =>
            {
                var d = Disk("primary master");
                if (d == null) { Fail("no disk"); return; }
                var buf = new byte[512];
                for (int mode = 0; mode < 2; mode++)
                {
                    d.UseDma = mode == 0;
                    ulong dma0 = d.DmaCommands;
                    foreach (ulong lba in new ulong[] { 0, 1, 12345, PatternSectors - 1 })
                    {
                        d.Read(lba, buf);
                        CheckPattern(lba, buf, (mode == 0 ? "DMA" : "PIO") + " sector " + lba);
                    }
                    Equal(mode == 0 ? 4UL : 0UL, d.DmaCommands - dma0, (mode == 0 ? "DMA" : "PIO") + ": DMA commands");
                }
                d.UseDma = true;
            });

            Case("a 300-sector read is one command (READ DMA EXT, and READ SECTORS EXT by PIO) and returns 300 pattern sectors", () =>
            {
                var d = Disk("primary master");
                if (d == null) { Fail("no disk"); return; }
                var buf = new byte[300 * 512];
                ulong before = d.Channel.CommandsIssued, dma0 = d.DmaCommands;
                d.Read(5000, buf);
                Equal(1UL, d.Channel.CommandsIssued - before, "commands issued (DMA)");
                Equal(1UL, d.DmaCommands - dma0, "DMA commands");
                CheckPattern(5000, buf, "300 sectors from 5000 (DMA)");
                var odd = new byte[10 * 512 + 1];
                dma0 = d.DmaCommands;
                d.Read(6000, odd.AsSpan(1));
                Equal(0UL, d.DmaCommands - dma0, "an odd buffer goes by PIO");
                CheckPattern(6000, odd.AsSpan(1), "10 sectors into an odd address");
                d.UseDma = false;
                buf.AsSpan().Clear();
                before = d.Channel.CommandsIssued;
                d.Read(5000, buf);
                Equal(1UL, d.Channel.CommandsIssued - before, "commands issued (PIO)");
                CheckPattern(5000, buf, "300 sectors from 5000 (PIO)");
                // 256 sectors: one 28-bit command; 257: one 48-bit command.
                var b256 = new byte[256 * 512];
                before = d.Channel.CommandsIssued;
                d.Read(70000, b256);
                Equal(1UL, d.Channel.CommandsIssued - before, "commands for 256 sectors");
                CheckPattern(70000, b256, "256 sectors from 70000");
                byte[] arr = new byte[257 * 512];
                d.ReadBlock(PatternSectors - 257, 257, ref arr);
                CheckPattern(PatternSectors - 257, arr, "the last 257 sectors (ReadBlock)");
                d.UseDma = true;
            });

            Case("the channels sleep on IRQ 14 and 15: interrupts arrive and wake the waiter", () =>
            {
                var d = Disk("primary master");
                var cd = DeviceRegistry.Find("IDE 00:01.1 secondary master") as AtapiDrive;
                if (d == null || cd == null) { Fail("no drives"); return; }
                True(d.Channel.InterruptsEnabled, "primary channel interrupts (" + (d.Channel.InterruptError ?? "") + ")");
                True(cd.Channel.InterruptsEnabled, "secondary channel interrupts (" + (cd.Channel.InterruptError ?? "") + ")");
                Equal(14, d.Channel.Irq, "primary IRQ");
                Equal(15, cd.Channel.Irq, "secondary IRQ");
                d.UseDma = false;                  // PIO: one interrupt per sector
                ulong i0 = d.Channel.InterruptCount, c0 = cd.Channel.InterruptCount;
                var buf = new byte[8 * 512];
                d.Read(300, buf);
                CheckPattern(300, buf, "8 sectors from 300");
                var blk = new byte[2048];
                cd.Read(16, blk);
                True(d.Channel.InterruptCount - i0 >= 8, "primary interrupts for 8 sectors (" + (d.Channel.InterruptCount - i0) + ")");
                d.UseDma = true;
                i0 = d.Channel.InterruptCount;
                d.Read(300, buf);
                CheckPattern(300, buf, "8 sectors from 300 (DMA)");
                True(d.Channel.InterruptCount - i0 >= 1, "an interrupt for the DMA command (" + (d.Channel.InterruptCount - i0) + ")");
                True(cd.Channel.InterruptCount - c0 >= 1, "secondary interrupts for a READ (10) (" + (cd.Channel.InterruptCount - c0) + ")");
                Line("irq: primary " + d.Channel.InterruptCount + " (lost " + d.Channel.LostInterrupts + "), secondary " + cd.Channel.InterruptCount + " (lost " + cd.Channel.LostInterrupts + ")");
                // A sleep that runs out its 10 ms slice just as the device finishes counts as "lost" (the interrupt is
                // still pending behind the disabled interrupt flag); under a heavily loaded host a few happen. Many
                // would mean interrupts really do not arrive.
                True(d.Channel.LostInterrupts * 10 <= d.Channel.InterruptCount, "at most 1 in 10 sleeps ended by the slice (primary)");
            });

            // One command per mode. PIO moves every 512-byte DRQ block through the data port (one interrupt each), which
            // under TCG costs ≈ 0.19 s per MiB, so it reads 1 MiB (2048 blocks); DMA reads 8 MiB (many PRD entries).
            // Throughput figures belong to the storage bench (bench --storage-only), not to this case.
            Case("one read of 8 MiB by DMA and of 1 MiB by PIO, each sleeping on the IRQ and polling", () =>
            {
                var d = Disk("primary master");
                if (d == null) { Fail("no disk"); return; }
                var buf = new byte[8 * 1024 * 1024];
                for (int mode = 0; mode < 4; mode++)
                {
                    d.UseDma = mode < 2;
                    d.Channel.UseInterrupts = mode % 2 == 0;
                    int sectors = d.UseDma ? 16384 : 2048;
                    var target = buf.AsSpan(0, sectors * 512);
                    string size = (sectors / 2048) + " MiB";
                    ulong irq0 = d.Channel.InterruptCount;
                    ulong t0 = Native.Rdtsc();
                    d.Read((ulong)(100000 - sectors), target);
                    ulong t = Native.Rdtsc() - t0;
                    ulong us = Us(t);
                    ulong interrupts = d.Channel.InterruptCount - irq0;
                    Line("read " + size + " (" + sectors + " sectors, " + (d.UseDma ? "DMA" : "PIO") + ", " + (d.Channel.UseInterrupts ? "IRQ" : "polled") + ") in " + t + " TSC ticks (" + us + " us, " + (us == 0 ? 0 : (ulong)sectors / 2 * 1_000_000 / us) + " KiB/s), " + interrupts + " interrupts");
                    CheckPattern((ulong)(100000 - sectors), target, size);
                    target.Clear();
                }
                d.Channel.UseInterrupts = true;
                d.UseDma = true;
            });

            Case("LBA48 beyond 2^28 on the 130 GiB disk: pattern in the last MiB, zeros in the hole", () =>
            {
                var d = Disk("primary slave");
                if (d == null) { Fail("no disk"); return; }
                var buf = new byte[16 * 512];
                d.Read(BigSectors - 16, buf);
                CheckPattern(BigSectors - 16, buf, "last 16 sectors");
                var one = new byte[512];
                d.Read(BigSectors - 2048, one);
                CheckPattern(BigSectors - 2048, one, "first sector of the last MiB (LBA 272,627,712)");
                d.Read(1UL << 28, one);
                bool zero = true;
                foreach (var b in one) if (b != 0) zero = false;
                True(zero, "LBA 2^28 (in the hole) reads as zeros");
                d.Read(2047, one);
                CheckPattern(2047, one, "last sector of the first MiB");
            });

            Case("write, read back and flush (28-bit and 48-bit commands)", () =>
            {
                var d = Disk("primary master");
                if (d == null) { Fail("no disk"); return; }
                var data = new byte[3 * 512];
                for (int i = 0; i < data.Length; i++) data[i] = (byte)(0xA5 ^ i);
                d.UseDma = false;
                d.Write(1000, data);               // PIO write, DMA read back
                d.UseDma = true;
                var back = new byte[5 * 512];
                d.Read(999, back);
                CheckPattern(999, back.AsSpan(0, 512), "sector 999 untouched");
                CheckPattern(1003, back.AsSpan(4 * 512, 512), "sector 1003 untouched");
                bool same = true;
                for (int i = 0; i < data.Length; i++) if (back[512 + i] != data[i]) same = false;
                True(same, "sectors 1000-1002 read back as written");
                var big = new byte[300 * 512];
                for (int i = 0; i < big.Length; i++) big[i] = (byte)(i * 13 + 1);
                ulong before = d.Channel.CommandsIssued, dma0 = d.DmaCommands;
                d.Write(20000, big);               // DMA write, PIO read back
                Equal(1UL, d.Channel.CommandsIssued - before, "one WRITE DMA EXT for 300 sectors");
                Equal(1UL, d.DmaCommands - dma0, "by DMA");
                var big2 = new byte[300 * 512];
                d.UseDma = false;
                d.Read(20000, big2);
                d.UseDma = true;
                same = true;
                for (int i = 0; i < big.Length; i++) if (big2[i] != big[i]) { same = false; break; }
                True(same, "300 sectors read back as written");
                d.Flush();
                var slave = Disk("primary slave");
                if (slave != null)
                {
                    var s = new byte[512];
                    s[0] = 0x42; s[511] = 0x24;
                    d.Write(0, s);   // (restored below)
                    slave.Write(BigSectors - 1, s);
                    var r = new byte[512];
                    slave.Read(BigSectors - 1, r);
                    True(r[0] == 0x42 && r[511] == 0x24, "48-bit write of the last sector of the 130 GiB disk reads back");
                    slave.Flush();
                    var p0 = new byte[512];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(p0, 0);
                    "COSMOSPT"u8.CopyTo(p0.AsSpan(8));
                    for (int i = 16; i < 512; i++) p0[i] = (byte)i;
                    d.Write(0, p0);
                    d.Read(0, r);
                    CheckPattern(0, r, "sector 0 restored");
                }
            });

            Case("a command the disk rejects ends in IOException naming the LBA, and the disk keeps working", () =>
            {
                var d = Disk("primary master");
                if (d == null) { Fail("no disk"); return; }
                var buf = new byte[512];
                string message = null;
                try
                {
                    lock (d.Channel.Lock)
                        d.Channel.PioRead(d.Name, d.Drive, AtaCommand.ReadSectorsExt, PatternSectors + 10, 1, true, buf, 512);
                }
                catch (IOException e) { message = e.Message; }
                Line("error: " + (message ?? "none"));
                True(message != null, "IOException thrown");
                if (message != null)
                {
                    True(message.Contains("LBA " + (PatternSectors + 10)), "message names the LBA");
                    True(message.Contains(d.Name), "message names the device");
                }
                d.Read(7, buf);
                CheckPattern(7, buf, "sector 7 after the error");
                bool argumentError = false;
                try { d.Read(PatternSectors, buf); } catch (ArgumentOutOfRangeException) { argumentError = true; }
                True(argumentError, "reading past the end through BlockDevice is an argument error");
            });

            Case("AHCI at 00:04.0: the HBA is bound and started, port 0 holds the 32 MiB disk", () =>
            {
                var f = PCI.GetDeviceAt(0, 4, 0);
                True(f != null, "a function at 00:04.0");
                if (f == null) return;
                Line("ahci " + f.Describe());
                var c = f.Driver as AhciController;
                True(c != null, "driver is an AhciController (" + (f.Driver?.ToString() ?? "none") + ")");
                if (c == null) return;
                True(c.IsStarted, "started (" + (c.StartError ?? "no error") + ")");
                Line("ahci start (HBA reset, port set-up, IDENTIFY): " + c.StartTicks + " TSC ticks (" + Us(c.StartTicks) + " us)");
                Line("ahci version 0x" + c.Version.ToString("X8") + ", ports implemented 0x" + c.PortsImplemented.ToString("X8"));
                True(Cosmos.Core.Memory.Paging.IsUncached(c.Abar), "ABAR mapped uncached");
                Equal(2, c.DiskCount, "drives (a disk on port 0, a CD on port 1)");
                True(c.MsiVector >= 0x40, "MSI vector (" + (c.InterruptError ?? c.MsiVector.ToString()) + ")");
                Line("ahci msi vector 0x" + c.MsiVector.ToString("X2") + ", interrupt controller " + (Cosmos.HAL.Interrupts.InterruptController.Mode == Cosmos.HAL.Interrupts.InterruptControllerMode.Apic ? "APIC" : "PIC"));
                var d = AhciDisk0();
                True(d != null && d.IsStarted, "a started disk at port 0 (" + (d?.StartError ?? "none") + ")");
                if (d == null || !d.IsStarted) return;
                Line("dev " + d);
                Equal("QEMU HARDDISK", d.ModelNumber, "model");
                Equal(AhciSectors, d.BlockCount, "sectors = image size / 512");
                True(d.SupportsLba48, "LBA48");
            });

            Case("AHCI reads: single sectors, 300 sectors in one READ DMA EXT, an odd buffer through the bounce buffer", () =>
            {
                var d = AhciDisk0();
                if (d == null || !d.IsStarted) { Fail("no AHCI disk"); return; }
                var one = new byte[512];
                foreach (ulong lba in new ulong[] { 0, 77, AhciSectors - 1 }) { d.Read(lba, one); CheckPattern(lba, one, "AHCI sector " + lba); }
                var buf = new byte[300 * 512];
                ulong before = d.Port.CommandsIssued;
                d.Read(4000, buf);
                Equal(1UL, d.Port.CommandsIssued - before, "commands for 300 sectors");
                CheckPattern(4000, buf, "AHCI 300 sectors");
                var odd = new byte[200 * 512 + 1];
                d.Read(9000, odd.AsSpan(1));
                CheckPattern(9000, odd.AsSpan(1), "AHCI 200 sectors into an odd address");
                var big = new byte[8 * 1024 * 1024];
                for (int mode = 0; mode < 2; mode++)
                {
                    d.Port.UseInterrupts = mode == 0;
                    ulong i0 = d.Port.InterruptCount;
                    ulong t0 = Native.Rdtsc();
                    d.Read(20000, big);
                    ulong t = Native.Rdtsc() - t0, us = Us(t);
                    Line("ahci read 8 MiB (16384 sectors, one command, " + (mode == 0 ? "MSI" : "polled") + ") in " + t + " TSC ticks (" + us + " us, " + (us == 0 ? 0 : 8UL * 1024 * 1_000_000 / us) + " KiB/s), " + (d.Port.InterruptCount - i0) + " interrupts");
                    if (mode == 0) True(d.Port.InterruptCount > i0, "the read was completed by an interrupt");
                    CheckPattern(20000, big, "AHCI 8 MiB");
                    big.AsSpan().Clear();
                }
                d.Port.UseInterrupts = true;
                Line("ahci interrupts " + d.Port.InterruptCount + ", sleeps ended by the 10 ms slice " + d.Port.LostInterrupts);
            });

            Case("AHCI write, read back, flush; a rejected command is an IOException and the port recovers", () =>
            {
                var d = AhciDisk0();
                if (d == null || !d.IsStarted) { Fail("no AHCI disk"); return; }
                var data = new byte[300 * 512];
                for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 31 + 7);
                ulong before = d.Port.CommandsIssued;
                d.Write(30000, data);
                Equal(1UL, d.Port.CommandsIssued - before, "one WRITE DMA EXT");
                var back = new byte[302 * 512];
                d.Read(29999, back);
                CheckPattern(29999, back.AsSpan(0, 512), "sector 29999 untouched");
                CheckPattern(30300, back.AsSpan(301 * 512, 512), "sector 30300 untouched");
                bool same = true;
                for (int i = 0; i < data.Length; i++) if (back[512 + i] != data[i]) { same = false; break; }
                True(same, "300 sectors read back as written");
                d.Flush();
                string message = null;
                var one = new byte[512];
                try
                {
                    unsafe
                    {
                        fixed (byte* p = one)
                            lock (d.Port.Lock) d.Port.Execute(AtaCommand.ReadDmaExt, AhciSectors + 5, 1, p, 512, false, true);
                    }
                }
                catch (IOException e) { message = e.Message; }
                Line("ahci error: " + (message ?? "none"));
                True(message != null && message.Contains("READ DMA EXT at LBA " + (AhciSectors + 5)), "IOException naming the command and the LBA");
                d.Read(5, one);
                CheckPattern(5, one, "AHCI sector 5 after the error");
            });

            Case("SATAPI: the CD on AHCI port 1 reads 2048-byte blocks by DMA (READ CAPACITY, READ (10))", () =>
            {
                var cd = DeviceRegistry.Find("AHCI 00:04.0 port 1") as AhciAtapiDrive;
                True(cd != null, "an AhciAtapiDrive at port 1 (" + (DeviceRegistry.Find("AHCI 00:04.0 port 1")?.ToString() ?? "nothing") + ")");
                if (cd == null) return;
                True(cd.IsStarted, "started (" + (cd.StartError ?? "") + ")");
                if (!cd.IsStarted) return;
                Line("dev " + cd);
                True(cd.HasMedium, "medium");
                Equal(2048UL, cd.BlockSize, "block size");
                Equal(4UL * 1024 * 1024 / 2048, cd.BlockCount, "blocks = image size / 2048");
                var blk = new byte[2048];
                cd.Read(5, blk);
                CheckPattern(20, blk, "block 5 (sectors 20-23)");
                var many = new byte[40 * 2048];
                ulong before = cd.Port.CommandsIssued;
                cd.Read(100, many);
                Equal(1UL, cd.Port.CommandsIssued - before, "one READ (10) for 40 blocks");
                CheckPattern(400, many, "blocks 100-139");
                var odd = new byte[3 * 2048 + 1];
                cd.Read(cd.BlockCount - 3, odd.AsSpan(1));
                CheckPattern((cd.BlockCount - 3) * 4, odd.AsSpan(1), "the last 3 blocks into an odd address");
                bool refused = false;
                try { cd.Write(0, blk); } catch (InvalidOperationException) { refused = true; }
                True(refused, "writes are refused");
            });

            Case("virtio-blk at 00:05.0: capacity, MSI-X, reads (one request for 300 sectors), write, read back, flush", () =>
            {
                var v = DeviceRegistry.Find("virtio-blk 00:05.0") as VirtioBlock;
                True(v != null, "a virtio-blk device (" + (PCI.GetDeviceAt(0, 5, 0)?.Describe() ?? "no function at 00:05.0") + ")");
                if (v == null) return;
                True(v.IsStarted, "started (" + (v.StartError ?? "") + ")");
                if (!v.IsStarted) return;
                Line("dev " + v + ", queue " + v.QueueSize + ", MSI-X vector 0x" + v.MsixVector.ToString("X2"));
                True(v.MsixVector >= 0x40, "MSI-X vector (" + (v.InterruptError ?? v.MsixVector.ToString()) + ")");
                ulong irq0 = v.InterruptCount;
                Equal(VirtioSectors, v.BlockCount, "capacity = image size / 512");
                True(ReferenceEquals(v, PCI.GetDeviceAt(0, 5, 0).Driver), "the function's driver");
                var one = new byte[512];
                foreach (ulong lba in new ulong[] { 0, 99, VirtioSectors - 1 }) { v.Read(lba, one); CheckPattern(lba, one, "virtio sector " + lba); }
                var buf = new byte[300 * 512];
                ulong before = v.RequestsIssued;
                v.Read(1000, buf);
                Equal(1UL, v.RequestsIssued - before, "requests for 300 sectors");
                CheckPattern(1000, buf, "virtio 300 sectors");
                for (int i = 0; i < buf.Length; i++) buf[i] = (byte)(i * 3 + 11);
                v.Write(5000, buf);
                var back = new byte[302 * 512];
                v.Read(4999, back);
                CheckPattern(4999, back.AsSpan(0, 512), "sector 4999 untouched");
                CheckPattern(5300, back.AsSpan(301 * 512, 512), "sector 5300 untouched");
                bool same = true;
                for (int i = 0; i < buf.Length; i++) if (back[512 + i] != buf[i]) { same = false; break; }
                True(same, "300 sectors read back as written");
                v.Flush();
                True(v.InterruptCount > irq0, "requests completed by interrupts (" + (v.InterruptCount - irq0) + ")");
                var big = new byte[8 * 1024 * 1024];
                for (int mode = 0; mode < 2; mode++)
                {
                    v.UseInterrupts = mode == 0;
                    ulong t0 = Native.Rdtsc();
                    v.Read(10000, big);
                    ulong t = Native.Rdtsc() - t0, us = Us(t);
                    Line("virtio read 8 MiB (16384 sectors, one request, " + (mode == 0 ? "MSI-X" : "polled") + ") in " + t + " TSC ticks (" + us + " us, " + (us == 0 ? 0 : 8UL * 1024 * 1_000_000 / us) + " KiB/s)");
                    CheckPattern(10000, big, "virtio 8 MiB");
                    big.AsSpan().Clear();
                }
                v.UseInterrupts = true;
                Line("virtio interrupts " + v.InterruptCount + ", sleeps ended by the 10 ms slice " + v.LostInterrupts);
            });

            Case("virtio-blk through both PCI interfaces: modern at 00:05.0 (transitional) and 00:07.0 (modern-only, 1AF4:1042), legacy at 00:06.0 (legacy-only)", () =>
            {
                foreach (var (slot, expected, id) in new[] { (5, "modern", (ushort)0x1001), (6, "legacy", (ushort)0x1001), (7, "modern", (ushort)0x1042) })
                {
                    var f = PCI.GetDeviceAt(0, slot, 0);
                    True(f != null && f.DeviceID == id, "function 00:0" + slot + ".0 is 1AF4:" + id.ToString("X4") + " (" + (f?.Describe() ?? "none") + ")");
                    var v = f?.Driver as VirtioBlock;
                    True(v != null && v.IsStarted, "00:0" + slot + ".0 driven and started (" + (v?.StartError ?? "no driver") + ")");
                    if (v == null || !v.IsStarted) continue;
                    Equal(expected, v.Interface, "interface of 00:0" + slot + ".0");
                    if (slot == 5) continue;   // the 16 MiB disk has its own case
                    Equal(4UL * 1024 * 1024 / 512, v.BlockCount, "capacity of 00:0" + slot + ".0");
                    var one = new byte[512];
                    v.Read(7, one);
                    CheckPattern(7, one, "sector 7 of 00:0" + slot + ".0");
                    for (int i = 0; i < one.Length; i++) one[i] = (byte)(i ^ slot);
                    v.Write(8000, one);
                    var back = new byte[512];
                    v.Read(8000, back);
                    True(back.AsSpan().SequenceEqual(one), "sector 8000 of 00:0" + slot + ".0 reads back as written");
                    v.Flush();
                    Line("00:0" + slot + ".0 " + v + ", " + v.Interface + ", MSI-X vector " + v.MsixVector + (v.InterruptError != null ? " (" + v.InterruptError + ")" : ""));
                }
            });

            Case("an empty CD drive at secondary slave starts with no medium and refuses reads as out of range", () =>
            {
                var cd = DeviceRegistry.Find("IDE 00:01.1 secondary slave") as AtapiDrive;
                True(cd != null, "an ATAPI drive at secondary slave");
                if (cd == null) return;
                True(cd.IsStarted, "started (" + (cd.StartError ?? "") + ")");
                True(!cd.HasMedium, "no medium");
                Equal(0UL, cd.BlockCount, "no blocks");
                bool refused = false;
                try { cd.Read(0, new byte[2048]); } catch (ArgumentOutOfRangeException) { refused = true; }
                True(refused, "a read is out of range");
            });

            Case("ATAPI at secondary master: IDENTIFY PACKET DEVICE, READ CAPACITY, the ISO's PVD at block 16", () =>
            {
                var cd = DeviceRegistry.Find("IDE 00:01.1 secondary master") as AtapiDrive;
                True(cd != null, "an ATAPI drive at secondary master");
                if (cd == null) return;
                True(cd.IsStarted, "started (" + (cd.StartError ?? "") + ")");
                Equal("QEMU DVD-ROM", cd.ModelNumber, "model");
                Equal(5, cd.Identify.PacketDeviceType, "peripheral device type (CD/DVD)");
                True(cd.HasMedium, "medium present");
                Equal(2048UL, cd.BlockSize, "block size");
                True(cd.BlockCount > 17, "capacity (" + cd.BlockCount + " blocks)");
                True(cd.IsReadOnly, "read-only");
                var pvd = new byte[2048];
                cd.Read(16, pvd);
                Equal((byte)1, pvd[0], "volume descriptor type 1 (primary)");
                Equal("CD001", System.Text.Encoding.ASCII.GetString(pvd, 1, 5), "standard identifier");
                uint blocks = BitConverter.ToUInt32(pvd, 80);       // volume space size (both-endian, LE half first)
                Line("iso: " + cd.BlockCount + " blocks by READ CAPACITY, " + blocks + " in the PVD");
                True(blocks <= cd.BlockCount && blocks > 16, "PVD volume space size within the capacity");
                var many = new byte[40 * 2048];
                ulong before = cd.Channel.CommandsIssued;
                cd.Read(16, many);
                Equal(1UL, cd.Channel.CommandsIssued - before, "one READ (10) for 40 blocks");
                True(many[1] == (byte)'C' && many[5] == (byte)'1', "block 16 again at the start");
                bool refused = false;
                try { cd.Write(16, pvd); } catch (InvalidOperationException) { refused = true; }
                True(refused, "writes are refused");
                cd.Flush();
            });
        }
    }
}
