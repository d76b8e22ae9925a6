using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// What a kernel's virtual machine needs, whichever hypervisor runs it: the ISO, raw disk images, memory, firmware,
    /// and the serial pipe the runner talks to. The VMware and VirtualBox targets turn it into their configuration.
    /// </summary>
    public sealed class VirtualMachineSpec
    {
        /// <summary>The VM's name (the ISO's file name without extension unless set).</summary>
        public string Name;
        /// <summary>Absolute path of the bootable ISO.</summary>
        public string Iso;
        /// <summary>Absolute paths of raw disk images (attached as SATA disks after the CD; at most 3).</summary>
        public List<string> Disks = new();
        /// <summary>Guest RAM in MiB.</summary>
        public int MemoryMiB = 512;
        /// <summary>UEFI firmware instead of the BIOS.</summary>
        public bool Uefi;
        /// <summary>Path of the Unix socket the hypervisor serves COM1 on (the runner connects to it).</summary>
        public string SerialPipe;
        /// <summary>Enable the hypervisor's gdb stub (VMware: 64-bit guest stub on port 8864).</summary>
        public bool DebugStub;
    }

    /// <summary>
    /// A VMDK descriptor that lets VMware and VirtualBox use a raw disk image in place (Virtual Disk Format 1.1,
    /// "monolithicFlat": one FLAT extent, offset 0, sizes in 512-byte sectors), so the kernel's FAT image is the same
    /// file under QEMU, VMware and VirtualBox.
    /// </summary>
    public static class VmdkDescriptor
    {
        /// <summary>The descriptor text for <paramref name="rawImage"/> of <paramref name="bytes"/> bytes.</summary>
        /// <exception cref="ArgumentException">The size is not a positive multiple of 512.</exception>
        public static string For(string rawImage, long bytes)
        {
            if (bytes <= 0 || bytes % 512 != 0) throw new ArgumentException($"a raw disk image must be a positive multiple of 512 bytes, not {bytes}", nameof(bytes));
            long sectors = bytes / 512;
            // ATA CHS for the descriptor's geometry: 16 heads, 63 sectors per track, cylinders capped at 16383.
            long cylinders = Math.Min(16383, sectors / (16 * 63));
            var sb = new StringBuilder();
            sb.Append("# Disk DescriptorFile\n");
            sb.Append("version=1\n");
            sb.Append("encoding=\"UTF-8\"\n");
            sb.Append("CID=fffffffe\n");
            sb.Append("parentCID=ffffffff\n");
            sb.Append("createType=\"monolithicFlat\"\n\n");
            sb.Append("# Extent description\n");
            sb.Append($"RW {sectors} FLAT \"{rawImage}\" 0\n\n");
            sb.Append("# The Disk Data Base\n#DDB\n\n");
            sb.Append("ddb.adapterType = \"ide\"\n");
            sb.Append($"ddb.geometry.cylinders = \"{cylinders}\"\n");
            sb.Append("ddb.geometry.heads = \"16\"\n");
            sb.Append("ddb.geometry.sectors = \"63\"\n");
            sb.Append("ddb.virtualHWVersion = \"" + VmxFile.VirtualHardwareVersion + "\"\n");
            return sb.ToString();
        }

        /// <summary>Writes <c>IMAGE.vmdk</c> beside each raw image and returns its path.</summary>
        public static string WriteBeside(string rawImage)
        {
            string vmdk = Path.ChangeExtension(rawImage, ".vmdk");
            Toolchain.Tool.WriteIfChanged(vmdk, For(Path.GetFullPath(rawImage), new FileInfo(rawImage).Length));
            return vmdk;
        }
    }
}
