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
        /// <summary>Guest RAM in MiB (default 512).</summary>
        public int MemoryMiB = 512;
        /// <summary>Use KVM (-accel kvm -cpu host) instead of TCG; falls back with a message when /dev/kvm is unusable.</summary>
        public bool Kvm;
        /// <summary>Boot with UEFI firmware (OVMF) instead of the BIOS.</summary>
        public bool Uefi;
        /// <summary>Show the VGA window; default: only when a display ($DISPLAY/$WAYLAND_DISPLAY) exists.</summary>
        public bool? Display;
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

        public static List<string> Arguments(QemuOptions o)
        {
            var args = new List<string>
            {
                "-cdrom", o.Iso,
                "-m", o.MemoryMiB + "M",
                "-serial", "stdio",
                "-no-reboot",
                "-device", "isa-debug-exit,iobase=0x" + TestRunner.TestProtocol.DebugExitPort.ToString("x") + ",iosize=0x04",
            };
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
            bool display = o.Display ?? (Environment.GetEnvironmentVariable("DISPLAY") != null || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") != null);
            if (!display) args.AddRange(new[] { "-display", "none", "-monitor", "none" });
            args.AddRange(o.Extra);
            return args;
        }

        /// <summary>True when /dev/kvm can be opened for reading and writing.</summary>
        public static bool KvmUsable()
        {
            try { using var f = new FileStream("/dev/kvm", FileMode.Open, FileAccess.ReadWrite); return true; }
            catch { return false; }
        }

        /// <summary>
        /// Runs QEMU with COM1 on this terminal. When standard input is not a terminal (a pipe or
        /// a file), its bytes are fed to COM1 only after the kernel has printed its first serial
        /// output, so input is never lost while the UART is being initialized. Returns QEMU's
        /// exit status (0 after an ACPI shutdown; (v&lt;&lt;1)|1 after an isa-debug-exit write of v).
        /// </summary>
        public static int RunInteractive(QemuOptions o)
        {
            Prerequisites.Ensure(Prerequisites.Run);
            var qemu = Tool.Require("qemu-system-x86_64", "qemu-system-x86");
            bool piped = Console.IsInputRedirected;
            var psi = new ProcessStartInfo(qemu) { UseShellExecute = false, RedirectStandardInput = piped, RedirectStandardOutput = piped };
            foreach (var a in Arguments(o)) psi.ArgumentList.Add(a);
            Tool.Progress("qemu", $"booting {Path.GetFileName(o.Iso)} ({(o.Kvm && KvmUsable() ? "KVM" : "TCG")}{(o.Uefi ? ", UEFI" : "")}); serial console follows");
            using var p = Process.Start(psi)!;
            if (piped)
            {
                var firstOutput = new System.Threading.ManualResetEventSlim();
                var pump = new System.Threading.Thread(() =>
                {
                    var stdout = Console.OpenStandardOutput();
                    var buffer = new byte[4096];
                    int n;
                    while ((n = p.StandardOutput.BaseStream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        stdout.Write(buffer, 0, n);
                        stdout.Flush();
                        firstOutput.Set();
                    }
                    firstOutput.Set();
                }) { IsBackground = true };
                pump.Start();
                var feeder = new System.Threading.Thread(() =>
                {
                    firstOutput.Wait();
                    try
                    {
                        var stdin = Console.OpenStandardInput();
                        var buffer = new byte[256];
                        int n;
                        while ((n = stdin.Read(buffer, 0, buffer.Length)) > 0)
                        {
                            p.StandardInput.BaseStream.Write(buffer, 0, n);
                            p.StandardInput.BaseStream.Flush();
                        }
                    }
                    catch (IOException) { /* QEMU exited while we were feeding it */ }
                }) { IsBackground = true };
                feeder.Start();
                p.WaitForExit();
                pump.Join(2000);
            }
            else p.WaitForExit();
            return p.ExitCode;
        }
    }
}
