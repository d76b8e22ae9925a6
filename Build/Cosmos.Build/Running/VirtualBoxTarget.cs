using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// The <c>virtualbox</c> run target: creates the VM with <c>VBoxManage createvm</c> the first time (registered under
    /// the kernel's name, its files beside the ISO), sets its hardware on every run (<c>modifyvm</c>: memory, firmware,
    /// an Intel PRO/1000 MT Desktop (82540EM) on NAT, the VMSVGA adapter, PS/2 mouse, COM1 on a Unix-socket pipe), attaches
    /// the ISO and the disks (VMDK descriptors over the raw images) to an AHCI controller, starts it and attaches the
    /// runner's console to COM1 until the VM powers off.
    /// </summary>
    public static class VirtualBoxTarget
    {
        /// <summary>The VBoxManage command lines (arguments only) that set up the VM; <paramref name="exists"/>: it is already registered.</summary>
        public static IReadOnlyList<string[]> SetupCommands(VirtualMachineSpec spec, IReadOnlyList<string> diskFiles, bool exists)
        {
            if (diskFiles.Count > 3) throw new BuildStepException("COSMOS071", $"{diskFiles.Count} disks: the VM has room for 3 beside the CD");
            var c = new List<string[]>();
            if (!exists)
            {
                c.Add(new[] { "createvm", "--name", spec.Name, "--ostype", "Other_64", "--register", "--basefolder", Path.GetDirectoryName(spec.Iso)! });
                c.Add(new[] { "storagectl", spec.Name, "--name", "SATA", "--add", "sata", "--controller", "IntelAhci", "--portcount", "4" });
            }
            c.Add(new[]
            {
                "modifyvm", spec.Name, "--memory", spec.MemoryMiB.ToString(), "--cpus", "1", "--firmware", spec.Uefi ? "efi" : "bios",
                "--boot1", "dvd", "--boot2", "disk", "--boot3", "none", "--boot4", "none",
                "--nic1", "nat", "--nictype1", "82540EM", "--graphicscontroller", "vmsvga", "--mouse", "ps2",
                "--uart1", "0x3F8", "4", "--uartmode1", "server", spec.SerialPipe,
            });
            c.Add(new[] { "storageattach", spec.Name, "--storagectl", "SATA", "--port", "0", "--device", "0", "--type", "dvddrive", "--medium", spec.Iso });
            for (int i = 0; i < 3; i++)
                c.Add(i < diskFiles.Count
                    ? new[] { "storageattach", spec.Name, "--storagectl", "SATA", "--port", (i + 1).ToString(), "--device", "0", "--type", "hdd", "--medium", diskFiles[i] }
                    : new[] { "storageattach", spec.Name, "--storagectl", "SATA", "--port", (i + 1).ToString(), "--device", "0", "--medium", "none" });
            return c;
        }

        /// <summary>Sets up and starts the VM and runs the serial session; returns 0 once the VM is off.</summary>
        /// <exception cref="BuildStepException">COSMOS076 when VBoxManage is missing or one of its commands fails.</exception>
        public static int Run(VirtualMachineSpec spec, bool display)
        {
            string vbox = VmwareTarget.Find("VBoxManage") ?? VmwareTarget.Find("vboxmanage")
                ?? throw new BuildStepException("COSMOS076", "the virtualbox target needs VirtualBox (VBoxManage on PATH), and it was not found. Install VirtualBox 7 (from virtualbox.org), or use --target qemu.");
            bool exists = Tool.Run(vbox, new[] { "showvminfo", spec.Name, "--machinereadable" }).ExitCode == 0;
            var disks = spec.Disks.Select(VmdkDescriptor.WriteBeside).ToList();
            if (File.Exists(spec.SerialPipe)) File.Delete(spec.SerialPipe);
            foreach (var args in SetupCommands(spec, disks, exists))
            {
                var r = Tool.Run(vbox, args);
                // Detaching an empty port fails harmlessly on a VM that never had a disk there.
                if (r.ExitCode != 0 && !(args[0] == "storageattach" && args[^1] == "none"))
                    throw new BuildStepException("COSMOS076", $"VBoxManage {string.Join(' ', args)} failed ({r.ExitCode}): {(r.StdOut + r.StdErr).Trim()}");
            }
            var start = Tool.Run(vbox, new[] { "startvm", spec.Name, "--type", display ? "gui" : "headless" });
            if (start.ExitCode != 0) throw new BuildStepException("COSMOS076", $"VBoxManage startvm failed ({start.ExitCode}): {(start.StdOut + start.StdErr).Trim()}");
            Func<bool> running = () => !Tool.Run(vbox, new[] { "showvminfo", spec.Name, "--machinereadable" }).StdOut.Contains("VMState=\"poweroff\"", StringComparison.Ordinal);
            Tool.Progress("virtualbox", $"started {spec.Name}; serial console follows (COM1 on {spec.SerialPipe})");
            using var pipe = SerialSession.ConnectUnixSocket(spec.SerialPipe, TimeSpan.FromSeconds(60), running);
            var session = new SerialSession(pipe, pipe, Console.OpenStandardInput(), Console.OpenStandardOutput());
            while (!session.Ended.Wait(1000) && running()) { }
            session.WaitForOutputEnd(TimeSpan.FromSeconds(2));
            return 0;
        }
    }
}
