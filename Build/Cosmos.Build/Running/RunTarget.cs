using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// Where <c>dotnet run</c> (the runner's <c>run</c> command) sends a kernel: the <c>--target</c> option and the
    /// <c>CosmosTarget</c> MSBuild property, one name per F5 profile of <c>Properties/launchSettings.json</c>.
    /// </summary>
    public static class RunTarget
    {
        /// <summary>QEMU with the BIOS (SeaBIOS): the default.</summary>
        public const string Qemu = "qemu";
        /// <summary>QEMU with UEFI firmware (OVMF).</summary>
        public const string QemuUefi = "qemu-uefi";
        /// <summary>QEMU with the devices VMware presents (SVGA II, AHCI, e1000, the backdoor port): VMware's view without VMware.</summary>
        public const string QemuVmware = "qemu-vmware";
        /// <summary>VMware Workstation/Player: a .vmx beside the ISO, started with vmrun, vmplayer or vmware.</summary>
        public const string Vmware = "vmware";
        /// <summary>VirtualBox: a VM created or updated with VBoxManage and started.</summary>
        public const string VirtualBox = "virtualbox";
        /// <summary>A USB stick / real machine: writes the raw image and prints the dd command that copies it to a stick.</summary>
        public const string Usb = "usb";

        /// <summary>Every target with a one-line description (the order <c>--help</c> and errors list them in).</summary>
        public static readonly IReadOnlyList<(string Name, string Description)> All = new[]
        {
            (Qemu, "QEMU, BIOS firmware (default)"),
            (QemuUefi, "QEMU, UEFI firmware (OVMF)"),
            (QemuVmware, "QEMU with VMware's virtual hardware: SVGA II, AHCI CD and disks, e1000, vmmouse"),
            (Vmware, "VMware Workstation/Player: writes NAME.vmx beside the ISO and starts it"),
            (VirtualBox, "VirtualBox: creates/updates the VM with VBoxManage and starts it"),
            (Usb, "USB stick or real machine: writes NAME.img and prints the dd command"),
        };

        /// <summary>The target named <paramref name="name"/> (case-insensitive; null or empty is <see cref="Qemu"/>).</summary>
        /// <exception cref="BuildStepException">COSMOS075 for an unknown name, listing the known ones.</exception>
        public static string Parse(string name)
        {
            if (string.IsNullOrWhiteSpace(name)) return Qemu;
            string n = name.Trim().ToLowerInvariant();
            if (All.Any(t => t.Name == n)) return n;
            throw new BuildStepException("COSMOS075", $"unknown run target '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");
        }
    }
}
