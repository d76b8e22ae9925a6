using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>How to start QEMU for a kernel ISO.</summary>
    public sealed class QemuOptions
    {
        /// <summary>The bootable ISO.</summary>
        public string Iso;
        /// <summary>QEMU machine: "pc" (i440FX + PIIX3: IDE, e1000; the default) or "q35" (ICH9: AHCI for disks and CDs, e1000e).</summary>
        public string Machine = "pc";
        /// <summary>Guest RAM in MiB (default 512).</summary>
        public int MemoryMiB = 512;
        /// <summary>Use KVM (-accel kvm -cpu host) instead of TCG; falls back with a message when /dev/kvm is unusable.</summary>
        public bool Kvm;
        /// <summary>Boot with UEFI firmware (OVMF) instead of the BIOS.</summary>
        public bool Uefi;
        /// <summary>Show the VGA window; default: only when a display ($DISPLAY/$WAYLAND_DISPLAY) exists.</summary>
        public bool? Display;
        /// <summary>Raw disk images attached as IDE disks (primary master, primary slave, secondary slave: the CD is the secondary master; on q35 the same indexes are AHCI ports 0, 1 and 3).</summary>
        public List<string> Disks = new();
        /// <summary>
        /// The network card on QEMU user networking (the guest gets 10.0.2.15 by DHCP, the host's 127.0.0.1 is 10.0.2.2):
        /// a key of <see cref="Qemu.NicModels"/> (e1000, virtio, e1000-82545em, e1000-82544gc) or "none"; null leaves it to
        /// QEMU's defaults and <see cref="Extra"/> (the test runner does that: kernels choose in qemu-args.txt).
        /// </summary>
        public string Nic;
        /// <summary>Port forwards from the host's loopback to the guest, "[tcp:|udp:]HOSTPORT:GUESTPORT" (tcp when no protocol is given).</summary>
        public List<string> Forwards = new();
        /// <summary>
        /// What the ISO is attached as: "cd" (the default: an IDE CD-ROM, or AHCI on q35 and with <see cref="VmwareDevices"/>)
        /// or "usb" (a USB mass-storage stick on an xHCI controller, as the hybrid image is written to a real stick).
        /// </summary>
        public string BootMedium = "cd";
        /// <summary>
        /// The controller of the boot CD on the pc machine: "ide" (the default: PIIX IDE secondary master, where <c>-cdrom</c> puts it) or
        /// "ahci" (an AHCI controller of its own, given the first free PCI slot after every other device, port 0). SeaBIOS
        /// reads an AHCI CD by DMA and an IDE one by PIO: under TCG a boot of a 9 MiB kernel reaches its first serial line
        /// ≈ 0.45 s sooner with ≈ 0.5 s less QEMU CPU (docs/FACTS.md, "Build speed"). q35 and <see cref="VmwareDevices"/>
        /// always put the CD on AHCI.
        /// </summary>
        public string CdController = "ide";
        /// <summary>
        /// VMware's virtual hardware instead of QEMU's defaults: the SVGA II adapter (<c>-vga vmware</c>), the CD and disks on
        /// an AHCI controller, an e1000, and the backdoor port (vmport, with its absolute "vmmouse" pointer).
        /// </summary>
        public bool VmwareDevices;
        /// <summary>When set, QEMU's gdbstub listens on 127.0.0.1:<c>GdbPort</c> and the CPU waits halted for the debugger (<c>-S</c>).</summary>
        public int? GdbPort;
        /// <summary>When set, COM1 is a Unix socket at this path that QEMU listens on (and waits for) instead of standard I/O.</summary>
        public string SerialSocket;
        /// <summary>False: no VMware backdoor port (vmport=off), so no absolute "vmmouse" pointer: the PS/2 mouse gets relative motion.</summary>
        public bool VmPort = true;
        /// <summary>When set, QEMU serves its machine protocol (QMP: screendump, input-send-event, …) on a Unix socket at this path.</summary>
        public string QmpSocket;
        /// <summary>Extra arguments appended verbatim.</summary>
        public List<string> Extra = new();
    }

    /// <summary>
    /// Starts qemu-system-x86_64 for a kernel: COM1 on stdio, isa-debug-exit at 0xF4 (TestRunner.TestProtocol.DebugExitPort; the
    /// guest writes v, QEMU exits with (v&lt;&lt;1)|1), -no-reboot so a triple fault ends the run.
    /// </summary>
    public static class Qemu
    {
        public const string OvmfPath = "/usr/share/ovmf/OVMF.fd";

        /// <summary>The NIC models <see cref="QemuOptions.Nic"/> accepts, with the QEMU device each stands for.</summary>
        public static readonly IReadOnlyDictionary<string, string> NicModels = new Dictionary<string, string>
        {
            ["e1000"] = "e1000", ["e1000e"] = "e1000e", ["virtio"] = "virtio-net-pci", ["virtio-legacy"] = "virtio-net-pci,disable-modern=on",
            ["virtio-modern"] = "virtio-net-pci,disable-legacy=on", ["e1000-82545em"] = "e1000-82545em", ["e1000-82544gc"] = "e1000-82544gc",
        };

        /// <summary>
        /// The network arguments for <paramref name="o"/>: <c>-netdev user,id=nic0[,hostfwd=…] -device MODEL,netdev=nic0</c>
        /// (a separate -device rather than the -nic shorthand: with -nic user,model=virtio-net-pci, QEMU 7.2 gave the function no MSI-X table BAR),
        /// <c>-nic none</c>, or nothing when QEMU's default stands.
        /// </summary>
        /// <exception cref="BuildStepException">COSMOS072: an unknown model; COSMOS073: a malformed forward.</exception>
        public static List<string> NicArguments(QemuOptions o)
        {
            if (o.Nic == null) return o.Forwards.Count == 0 ? new List<string>() : throw new BuildStepException("COSMOS073", "port forwards need a NIC (--nic)");
            if (o.Nic == "none") return o.Forwards.Count == 0 ? new List<string> { "-nic", "none" } : throw new BuildStepException("COSMOS073", "port forwards need a NIC, not --nic none");
            if (!NicModels.TryGetValue(o.Nic, out var model))
                throw new BuildStepException("COSMOS072", $"unknown NIC '{o.Nic}' (known: {string.Join(", ", NicModels.Keys)}, none)");
            var netdev = "user,id=nic0";
            foreach (var f in o.Forwards)
            {
                var parts = f.Split(':');
                string proto = parts.Length == 3 ? parts[0] : "tcp";
                if ((parts.Length != 2 && parts.Length != 3) || (proto != "tcp" && proto != "udp")
                    || !ushort.TryParse(parts[^2], out ushort host) || host == 0 || !ushort.TryParse(parts[^1], out ushort guest) || guest == 0)
                    throw new BuildStepException("COSMOS073", $"port forward '{f}' is not [tcp:|udp:]HOSTPORT:GUESTPORT (ports 1..65535)");
                netdev += $",hostfwd={proto}:127.0.0.1:{host}-:{guest}";
            }
            return new List<string> { "-netdev", netdev, "-device", model + ",netdev=nic0" };
        }

        public static List<string> Arguments(QemuOptions o)
        {
            if (o.Machine != "pc" && o.Machine != "q35") throw new BuildStepException("COSMOS074", $"unknown machine '{o.Machine}' (known: pc, q35)");
            if (o.BootMedium != "cd" && o.BootMedium != "usb") throw new BuildStepException("COSMOS074", $"unknown boot medium '{o.BootMedium}' (known: cd, usb)");
            if (o.CdController != "ide" && o.CdController != "ahci") throw new BuildStepException("COSMOS074", $"unknown CD controller '{o.CdController}' (known: ide, ahci)");
            if (o.VmwareDevices && o.Machine != "pc") throw new BuildStepException("COSMOS074", "VMware's device set is built on the pc machine (VMware's 440BX), not " + o.Machine);
            var args = new List<string> { "-machine", o.VmPort ? o.Machine : o.Machine + ",vmport=off" };
            string iso = o.Iso.Replace(",", ",,");
            // The CD on an AHCI controller of its own: added after every other device (below), so that devices given fixed
            // PCI addresses keep them.
            bool cdOnOwnAhci = o.BootMedium == "cd" && !o.VmwareDevices && o.CdController == "ahci" && o.Machine == "pc";
            if (o.BootMedium == "usb")
                // The hybrid image as a USB stick: xHCI + usb-storage, first in the boot order (SeaBIOS and OVMF both boot USB disks).
                args.AddRange(new[] { "-device", "qemu-xhci,id=xhci", "-drive", $"if=none,id=stick,format=raw,file={iso}", "-device", "usb-storage,bus=xhci.0,drive=stick,bootindex=0" });
            else if (o.VmwareDevices)
                args.AddRange(new[] { "-device", "ahci,id=ahci", "-drive", $"if=none,id=cd0,media=cdrom,readonly=on,file={iso}", "-device", "ide-cd,bus=ahci.0,drive=cd0,bootindex=0" });
            else if (!cdOnOwnAhci)
                // Where -cdrom would put it (pc: the PIIX IDE secondary master; q35: port 2 of the ICH9 AHCI), but first in
                // the firmware's boot order (bootindex): the CD boots even when a disk is attached (a FAT image made by
                // mkfs.fat carries a boot sector whose "not a bootable disk" code would otherwise stop a BIOS that tries the
                // hard disk first), and OVMF connects only the boot device instead of every disk and NIC (≈ 0.7 s less per
                // UEFI boot under TCG, docs/FACTS.md "Build speed").
                args.AddRange(new[] { "-drive", $"if=none,id=bootcd,media=cdrom,readonly=on,file={iso}", "-device", $"ide-cd,bus={(o.Machine == "q35" ? "ide.2" : "ide.1,unit=0")},drive=bootcd,bootindex=0" });
            if (o.VmwareDevices) args.AddRange(new[] { "-vga", "vmware" });
            args.AddRange(new[]
            {
                "-m", o.MemoryMiB + "M",
                "-serial", o.SerialSocket != null ? $"unix:{o.SerialSocket.Replace(",", ",,")},server=on,wait=on" : "stdio",
                "-no-reboot",
                "-device", "isa-debug-exit,iobase=0x" + TestRunner.TestProtocol.DebugExitPort.ToString("x") + ",iosize=0x04",
            });
            if (o.GdbPort is int port) args.AddRange(new[] { "-gdb", $"tcp:127.0.0.1:{port}", "-S" });
            if (o.QmpSocket != null) args.AddRange(new[] { "-qmp", $"unix:{o.QmpSocket.Replace(",", ",,")},server=on,wait=off" });
            if (o.Kvm && KvmUsable()) { args.AddRange(new[] { "-accel", "kvm", "-cpu", "host" }); }
            else
            {
                if (o.Kvm) Console.Error.WriteLine("cosmos: [qemu] /dev/kvm is not usable here; using TCG");
                args.AddRange(new[] { "-accel", "tcg", "-cpu", "max" });
            }
            if (o.Uefi)
            {
                if (!File.Exists(OvmfPath)) throw new BuildStepException("COSMOS070", $"UEFI boot needs {OvmfPath}: sudo apt-get install ovmf");
                args.AddRange(new[] { "-bios", OvmfPath });
            }
            bool display = o.Display ?? HostHasDisplay();
            if (!display) args.AddRange(new[] { "-display", "none", "-monitor", "none" });
            if (o.Disks.Count > 3) throw new BuildStepException("COSMOS071", $"{o.Disks.Count} disks: the IDE controller has room for 3 beside the CD");
            int[] ideIndex = { 0, 1, 3 };
            for (int i = 0; i < o.Disks.Count; i++)
            {
                string file = o.Disks[i].Replace(",", ",,");
                if (o.VmwareDevices)   // AHCI ports 1..3 (the CD is port 0), as VMware puts SATA disks beside the CD
                    args.AddRange(new[] { "-drive", $"if=none,id=disk{i},format=raw,file={file}", "-device", $"ide-hd,bus=ahci.{i + 1},drive=disk{i}" });
                else
                    args.AddRange(new[] { "-drive", $"file={file},if=ide,index={ideIndex[i]},format=raw" });
            }
            args.AddRange(NicArguments(o));
            args.AddRange(o.Extra);
            if (cdOnOwnAhci)
                args.AddRange(new[] { "-device", "ahci,id=cdahci", "-drive", $"if=none,id=bootcd,media=cdrom,readonly=on,file={iso}", "-device", "ide-cd,bus=cdahci.0,drive=bootcd,bootindex=0" });
            return args;
        }

        /// <summary>True when a graphical session exists ($DISPLAY or $WAYLAND_DISPLAY): where a VM window can be shown.</summary>
        public static bool HostHasDisplay() =>
            Environment.GetEnvironmentVariable("DISPLAY") != null || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") != null;

        /// <summary>True when /dev/kvm can be opened for reading and writing.</summary>
        public static bool KvmUsable()
        {
            try { using var f = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite); return true; }
            catch { return false; }
        }

        /// <summary>
        /// Runs QEMU with COM1 on this terminal. When standard input is not a terminal (a pipe or a file), its bytes are
        /// typed into COM1 only once the kernel has written <see cref="Cosmos.Common.ConsoleMarkers.ConsoleReady"/> (after
        /// its console is initialized), so nothing is lost while firmware and GRUB still own the serial port, under BIOS
        /// and UEFI alike; the marker is removed from the output shown. A guest that never writes it (a kernel not built
        /// on Cosmos.System) gets the input <see cref="SerialSession.ConsoleReadyTimeoutSeconds"/> s after its first output, with a
        /// warning (<see cref="SerialSession"/>). Returns QEMU's exit status (0 after an ACPI shutdown; (v&lt;&lt;1)|1 after an isa-debug-exit write of v).
        /// </summary>
        public static int RunInteractive(QemuOptions o)
        {
            Prerequisites.Ensure(Prerequisites.Run);
            var qemu = Tool.Require("qemu-system-x86_64", "qemu-system-x86");
            bool piped = Console.IsInputRedirected;
            var psi = new ProcessStartInfo(qemu) { UseShellExecute = false, RedirectStandardInput = piped, RedirectStandardOutput = piped };
            foreach (var a in Arguments(o)) psi.ArgumentList.Add(a);
            Tool.Progress("qemu", $"booting {Path.GetFileName(o.Iso)} ({(o.Kvm && KvmUsable() ? "KVM" : "TCG")}{(o.Uefi ? ", UEFI" : "")}); serial console follows");
            if (o.GdbPort is int port) Tool.Progress("debug", Debugging.Instructions(Path.ChangeExtension(o.Iso, ".elf"), "127.0.0.1:" + port));
            using var p = Process.Start(psi)!;
            if (piped)
            {
                var session = new SerialSession(p.StandardOutput.BaseStream, p.StandardInput.BaseStream, Console.OpenStandardInput(), Console.OpenStandardOutput());
                p.WaitForExit();
                session.WaitForOutputEnd(TimeSpan.FromSeconds(2));
            }
            else p.WaitForExit();
            return p.ExitCode;
        }
    }

    /// <summary>
    /// Removes every occurrence of a byte marker from a stream of chunks (a marker may be split across chunks) and
    /// reports whether one was seen. Bytes that could be the start of a marker are held back until the next chunk.
    /// </summary>
    public sealed class MarkerFilter
    {
        private readonly byte[] _marker;
        private readonly List<byte> _held = new();

        /// <summary>A filter for <paramref name="marker"/> (at least one byte).</summary>
        public MarkerFilter(byte[] marker)
        {
            if (marker == null || marker.Length == 0) throw new ArgumentException("empty marker", nameof(marker));
            _marker = marker;
        }

        /// <summary>The bytes of <paramref name="chunk"/> (after any held back) to show now; <paramref name="seen"/> is true when a whole marker was removed.</summary>
        public byte[] Process(ReadOnlySpan<byte> chunk, out bool seen)
        {
            seen = false;
            _held.AddRange(chunk.ToArray());
            var output = new List<byte>(_held.Count);
            int i = 0;
            while (i < _held.Count)
            {
                int k = 0;
                while (k < _marker.Length && i + k < _held.Count && _held[i + k] == _marker[k]) k++;
                if (k == _marker.Length) { seen = true; i += k; continue; }
                if (i + k == _held.Count && k > 0) break;       // a possible marker prefix at the end: hold it back
                output.Add(_held[i]);
                i++;
            }
            _held.RemoveRange(0, i);
            return output.ToArray();
        }

        /// <summary>Whatever is still held back (at the end of the stream).</summary>
        public byte[] Flush()
        {
            var rest = _held.ToArray();
            _held.Clear();
            return rest;
        }
    }
}
