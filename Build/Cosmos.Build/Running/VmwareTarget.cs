using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// A VMware configuration (.vmx) for a kernel: "key = "value"" lines in VMware's configuration-file syntax, values
    /// escaped with '|' and two hex digits ('"' is |22, '|' is |7C). The virtual hardware is what CosmosOS drives: the
    /// 440BX board, the SATA (AHCI) controller with the CD and disks, an e1000 on NAT, the SVGA II adapter, the backdoor
    /// mouse, and COM1 on a named pipe (a Unix socket on Linux hosts) that the runner attaches to.
    /// </summary>
    public static class VmxFile
    {
        /// <summary>virtualHW.version written (16: Workstation 15 / Player 15 and later open it).</summary>
        public const string VirtualHardwareVersion = "16";

        /// <summary>The .vmx entries for <paramref name="spec"/>, in file order; <paramref name="diskFiles"/> are the VMDK descriptors of its disks.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Entries(VirtualMachineSpec spec, IReadOnlyList<string> diskFiles)
        {
            if (diskFiles.Count > 3) throw new BuildStepException("COSMOS071", $"{diskFiles.Count} disks: the VM has room for 3 beside the CD");
            var e = new List<KeyValuePair<string, string>>();
            void Add(string k, string v) => e.Add(new(k, v));
            Add(".encoding", "UTF-8");
            Add("config.version", "8");
            Add("virtualHW.version", VirtualHardwareVersion);
            Add("displayName", spec.Name);
            Add("guestOS", "other-64");
            Add("firmware", spec.Uefi ? "efi" : "bios");
            Add("memsize", spec.MemoryMiB.ToString());
            Add("numvcpus", "1");
            Add("sata0.present", "TRUE");
            Add("sata0:0.present", "TRUE");
            Add("sata0:0.deviceType", "cdrom-image");
            Add("sata0:0.fileName", spec.Iso);
            Add("sata0:0.startConnected", "TRUE");
            for (int i = 0; i < diskFiles.Count; i++)
            {
                Add($"sata0:{i + 1}.present", "TRUE");
                Add($"sata0:{i + 1}.deviceType", "disk");
                Add($"sata0:{i + 1}.fileName", diskFiles[i]);
            }
            Add("bios.bootOrder", "cdrom,hdd");
            Add("ethernet0.present", "TRUE");
            Add("ethernet0.virtualDev", "e1000");
            Add("ethernet0.connectionType", "nat");
            Add("ethernet0.addressType", "generated");
            Add("ethernet0.startConnected", "TRUE");
            Add("svga.present", "TRUE");
            Add("vmmouse.present", "TRUE");
            Add("floppy0.present", "FALSE");
            Add("sound.present", "FALSE");
            Add("serial0.present", "TRUE");
            Add("serial0.fileType", "pipe");
            Add("serial0.fileName", spec.SerialPipe);
            Add("serial0.pipe.endPoint", "server");
            Add("serial0.tryNoRxLoss", "TRUE");
            Add("serial0.yieldOnMsrRead", "TRUE");
            Add("serial0.startConnected", "TRUE");
            if (spec.DebugStub) Add("debugStub.listen.guest64", "TRUE");
            return e;
        }

        /// <summary>Escapes a value the way VMware's configuration files do (<c>|XX</c> for '"', '|' and control characters).</summary>
        public static string Escape(string value)
        {
            var sb = new StringBuilder();
            foreach (char c in value)
            {
                if (c == '"' || c == '|' || c < ' ') sb.Append('|').Append(((int)c).ToString("X2"));
                else sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>The file text: one <c>key = "value"</c> per line, LF line ends.</summary>
        public static string Format(IEnumerable<KeyValuePair<string, string>> entries) =>
            string.Concat(entries.Select(kv => $"{kv.Key} = \"{Escape(kv.Value)}\"\n"));

        /// <summary>Parses .vmx text back into entries (for tests and for reading a user's file); throws FormatException naming the bad line.</summary>
        public static List<KeyValuePair<string, string>> Parse(string text)
        {
            var result = new List<KeyValuePair<string, string>>();
            int lineNo = 0;
            foreach (var raw in text.Split('\n'))
            {
                lineNo++;
                string line = raw.TrimEnd('\r').Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                int eq = line.IndexOf('=');
                if (eq <= 0) throw new FormatException($"line {lineNo}: no '=' in \"{line}\"");
                string key = line[..eq].Trim(), v = line[(eq + 1)..].Trim();
                if (v.Length < 2 || v[0] != '"' || v[^1] != '"') throw new FormatException($"line {lineNo}: value of {key} is not quoted");
                v = v[1..^1];
                var sb = new StringBuilder();
                for (int i = 0; i < v.Length; i++)
                {
                    if (v[i] == '|' && i + 2 < v.Length && int.TryParse(v.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int code))
                    { sb.Append((char)code); i += 2; }
                    else sb.Append(v[i]);
                }
                result.Add(new(key, sb.ToString()));
            }
            return result;
        }
    }

    /// <summary>
    /// The <c>vmware</c> run target: writes NAME.vmx (and a VMDK descriptor per raw disk) beside the ISO, powers the VM on
    /// with <c>vmrun</c> (Workstation, else Player), <c>vmplayer</c> or <c>vmware -x</c>, and attaches the runner's console
    /// to its COM1 pipe until the VM powers off.
    /// </summary>
    public static class VmwareTarget
    {
        /// <summary>Writes the .vmx for <paramref name="spec"/> beside its ISO and returns its path.</summary>
        public static string WriteConfiguration(VirtualMachineSpec spec)
        {
            var disks = spec.Disks.Select(VmdkDescriptor.WriteBeside).ToList();
            string vmx = Path.ChangeExtension(spec.Iso, ".vmx");
            Tool.WriteIfChanged(vmx, VmxFile.Format(VmxFile.Entries(spec, disks)));
            return vmx;
        }

        /// <summary>Writes the configuration, starts the VM and runs the serial session; returns 0 once the VM is off.</summary>
        /// <exception cref="BuildStepException">COSMOS076 when no VMware program is installed (the .vmx is still written).</exception>
        public static int Run(VirtualMachineSpec spec, bool display)
        {
            string vmx = WriteConfiguration(spec);
            Tool.Progress("vmware", $"wrote {vmx}");
            string vmrun = Find("vmrun"), vmwareExe = Find("vmware"), vmplayer = Find("vmplayer");
            if (vmrun == null && vmwareExe == null && vmplayer == null)
                throw new BuildStepException("COSMOS076",
                    $"the vmware target needs VMware Workstation or VMware Workstation Player (vmrun, vmware or vmplayer on PATH), and none was found. " +
                    $"Install VMware Workstation Pro (free for personal use, from VMware's site), or open {vmx} in VMware on another machine, " +
                    $"or use --target qemu-vmware to boot QEMU with VMware's virtual hardware.");
            if (File.Exists(spec.SerialPipe)) File.Delete(spec.SerialPipe);
            Process ui = null;
            Func<bool> running;
            if (vmrun != null)
            {
                string type = vmwareExe != null ? "ws" : "player";
                var r = Tool.Run(vmrun, new[] { "-T", type, "start", vmx, display ? "gui" : "nogui" });
                if (r.ExitCode != 0) throw new BuildStepException("COSMOS076", $"vmrun -T {type} start failed ({r.ExitCode}): {(r.StdOut + r.StdErr).Trim()}");
                running = () => Tool.Run(vmrun, new[] { "-T", type, "list" }).StdOut.Contains(vmx, StringComparison.Ordinal);
            }
            else
            {
                var psi = vmplayer != null ? new ProcessStartInfo(vmplayer) : new ProcessStartInfo(vmwareExe) { ArgumentList = { "-x" } };
                psi.ArgumentList.Add(vmx);
                psi.UseShellExecute = false;
                ui = Process.Start(psi)!;
                running = () => !ui.HasExited;
            }
            Tool.Progress("vmware", $"powered on {spec.Name}; serial console follows (COM1 on {spec.SerialPipe})");
            using var pipe = SerialSession.ConnectUnixSocket(spec.SerialPipe, TimeSpan.FromSeconds(60), running);
            var session = new SerialSession(pipe, pipe, Console.OpenStandardInput(), Console.OpenStandardOutput());
            while (!session.Ended.Wait(1000) && running()) { }
            session.WaitForOutputEnd(TimeSpan.FromSeconds(2));
            ui?.WaitForExit(5000);
            return 0;
        }

        internal static string Find(string exe)
        {
            try { return Tool.Require(exe, "(not a Debian package)"); }
            catch (BuildStepException) { return null; }
        }
    }
}
