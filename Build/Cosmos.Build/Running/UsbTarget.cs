using System;
using System.Buffers.Binary;
using System.IO;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// The <c>usb</c> run target: the ISO grub-mkrescue makes is a hybrid image (an ISO 9660 CD that is also a disk with
    /// a protective MBR, a GPT and an EFI system partition, UEFI 2.10 §5.2–5.3), so written byte for byte to a USB stick it
    /// boots real machines under BIOS and UEFI. The target checks that, writes NAME.img beside the ISO and prints the
    /// command that copies it to a stick.
    /// </summary>
    public static class UsbTarget
    {
        private static readonly Guid EfiSystemPartition = new("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

        /// <summary>
        /// Checks the first sectors of an image for what a USB boot needs: the MBR boot signature 55AAh at byte 510, a
        /// GPT header ("EFI PART" at LBA 1, 512-byte sectors) and an EFI system partition among its entries. Returns null
        /// when it is bootable, else the reason.
        /// </summary>
        public static string CheckHybrid(ReadOnlySpan<byte> head)
        {
            if (head.Length < 1024 || head[510] != 0x55 || head[511] != 0xAA) return "no MBR boot signature (55AAh at byte 510): not a disk image";
            if (!head.Slice(512, 8).SequenceEqual("EFI PART"u8)) return "no GPT header at LBA 1: a BIOS could boot it, UEFI firmware would not find the EFI system partition";
            long entryLba = BinaryPrimitives.ReadInt64LittleEndian(head.Slice(512 + 72));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(512 + 80));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(512 + 84));
            if (size < 128 || count == 0 || count > 1024) return $"GPT header has an implausible partition array ({count} entries of {size} bytes)";
            for (uint i = 0; i < count; i++)
            {
                long at = entryLba * 512 + i * size;
                if (at + 16 > head.Length) break;
                if (new Guid(head.Slice((int)at, 16)) == EfiSystemPartition) return null;
            }
            return "the GPT has no EFI system partition: UEFI firmware could not boot it";
        }

        /// <summary>Writes NAME.img (the hybrid ISO, byte for byte) and prints the commands that put it on a stick; returns 0.</summary>
        /// <exception cref="BuildStepException">COSMOS078 when the ISO is not a bootable hybrid image.</exception>
        public static int Run(string iso)
        {
            var head = new byte[64 * 1024];
            int n;
            using (var f = File.OpenRead(iso)) n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            string problem = CheckHybrid(head.AsSpan(0, n));
            if (problem != null) throw new BuildStepException("COSMOS078", $"{iso} cannot boot from a USB stick: {problem}", iso);
            string img = Path.ChangeExtension(iso, ".img");
            File.Copy(iso, img, overwrite: true);
            long mib = (new FileInfo(img).Length + (1 << 20) - 1) >> 20;
            Tool.Progress("usb", $"wrote {img} ({mib} MiB): a hybrid image (MBR + GPT with an EFI system partition) that boots under BIOS and UEFI");
            Console.WriteLine("To put it on a USB stick (this erases the stick): find the stick's device with `lsblk` (e.g. /dev/sdb, not a partition like /dev/sdb1), then");
            Console.WriteLine($"    sudo dd if='{img}' of=/dev/sdX bs=4M conv=fsync status=progress");
            Console.WriteLine("and boot the machine from it (COM1 carries the console; without a serial port the shell shows on the screen).");
            Console.WriteLine("To try the stick image in QEMU first: dotnet run -- --boot-medium usb [--uefi]");
            return 0;
        }
    }
}
