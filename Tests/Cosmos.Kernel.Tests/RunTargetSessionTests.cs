using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Cosmos.Kernel.Tests
{
    /// <summary>
    /// The run targets (F5 profiles) end to end on the demo OS: VMware's device set under QEMU, the VMware target through a
    /// stand-in vmrun that boots the generated .vmx, the hybrid image as a USB stick under BIOS and UEFI, the usb target's
    /// output, and a gdb session on QEMU's stub. Every session is the README's piped one: input typed once the kernel is up.
    /// </summary>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public sealed class RunTargetSessionTests : IDisposable
    {
        private readonly System.Collections.Generic.List<string> _dirs = new();

        /// <summary>Deletes the folders <see cref="PrivateIso"/> made (each holds a ≈ 60 MB copy of the demo's ISO and ELF).</summary>
        public void Dispose()
        {
            foreach (string dir in _dirs)
            {
                try { Directory.Delete(dir, true); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }

        private static string Tool => Path.Combine(KernelImage.RepoRoot(), "Build", "Cosmos.Build", "bin", "Debug", "net10.0", "Cosmos.Build.dll");

        /// <summary>Writes a stand-in program (a bash script, LF line ends) and makes it executable.</summary>
        private static void WriteExecutable(string path, string script)
        {
            File.WriteAllText(path, script.Replace("\r\n", "\n"));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        /// <summary>
        /// A private copy of the demo ISO (and ELF) in a fresh folder, so files written beside it do not collide; the folder
        /// goes at <see cref="Dispose"/>.
        /// </summary>
        private string PrivateIso()
        {
            _ = KernelImage.ElfPath; // builds the demo OS (and the toolchain) if needed
            string dir = Directory.CreateTempSubdirectory("cosmos-target-").FullName;
            _dirs.Add(dir);
            string iso = Path.Combine(dir, "CosmosOS.iso");
            File.Copy(Path.Combine(KernelImage.DemoOutputDirectory(), "CosmosOS.iso"), iso);
            File.Copy(Path.Combine(KernelImage.DemoOutputDirectory(), "CosmosOS.elf"), Path.ChangeExtension(iso, ".elf"));
            return iso;
        }

        private static (int Exit, string Output) Run(string iso, string input, string pathPrefix, params string[] options)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Tool, "run", "--iso", iso, "--display", "false" }.Concat(options)) psi.ArgumentList.Add(a);
            if (pathPrefix != null) psi.Environment["PATH"] = pathPrefix + ":" + Environment.GetEnvironmentVariable("PATH");
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(input);
            p.StandardInput.Close();
            var so = p.StandardOutput.ReadToEndAsync();
            var se = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(240_000)) { p.Kill(true); Assert.Fail("the run did not end within 240 s:\n" + so.Result + se.Result); }
            return (p.ExitCode, so.Result + se.Result);
        }

        /// <summary>QEMU with the hardware VMware presents: the CD on AHCI, the SVGA II adapter, an e1000; the shell works over COM1.</summary>
        [Fact]
        public void QemuWithVmwareDevices()
        {
            string iso = PrivateIso();
            var (exit, output) = Run(iso, "lspci\ndevices\nshutdown\n", null, "--target", "qemu-vmware");
            Assert.Contains("15AD:0405", output, StringComparison.OrdinalIgnoreCase);   // VMware SVGA II
            Assert.Contains("8086:100E", output, StringComparison.OrdinalIgnoreCase);   // 82540EM
            Assert.Matches(@"AHCI [0-9a-f:.]+ port 0 \(Storage, Started\): \d+ blocks of 2048 bytes", output);   // the CD on AHCI
            Assert.True(exit == 0, $"exit {exit}; output:\n{output}");
        }

        /// <summary>
        /// The vmware target with a stand-in for VMware's vmrun on PATH: `start` boots QEMU with the hardware the .vmx
        /// names (its CD, memory, firmware, and COM1 as a Unix socket server at serial0.fileName), `list` reports it while
        /// it runs. The runner writes the .vmx, starts it, attaches to the pipe, types the input once the kernel is ready
        /// and returns when the VM is off; the .vmx on disk is the one the writer produces.
        /// </summary>
        [Fact]
        public void VmwareTargetThroughStandInVmrun()
        {
            string iso = PrivateIso();
            string bin = Path.Combine(Path.GetDirectoryName(iso)!, "fakebin");
            Directory.CreateDirectory(bin);
            string script = Path.Combine(bin, "vmrun");
            WriteExecutable(script, """
                #!/bin/bash
                # Stand-in for VMware's vmrun (-T TYPE start|list): boots QEMU with the devices of the .vmx.
                state="$(dirname "$0")/state"
                case "$3" in
                  start)
                    vmx="$4"
                    get() { sed -n "s/^$1 = \"\(.*\)\"\$/\1/p" "$vmx"; }
                    fw=""; [ "$(get firmware)" = efi ] && fw="-bios /usr/share/ovmf/OVMF.fd"
                    [ "$(get 'ethernet0.virtualDev')" = e1000 ] || exit 3
                    [ "$(get 'sata0:0.deviceType')" = cdrom-image ] || exit 4
                    [ "$(get 'serial0.fileType')" = pipe ] && [ "$(get 'serial0.pipe.endPoint')" = server ] || exit 5
                    qemu-system-x86_64 -machine pc -accel tcg -cpu max -m "$(get memsize)M" -vga vmware $fw \
                      -device ahci,id=ahci -drive "if=none,id=cd0,media=cdrom,readonly=on,file=$(get 'sata0:0.fileName')" \
                      -device ide-cd,bus=ahci.0,drive=cd0,bootindex=0 -nic user,model=e1000 \
                      -serial "unix:$(get 'serial0.fileName'),server=on,wait=on" -display none -monitor none -no-reboot \
                      </dev/null >"$state.log" 2>&1 &
                    echo $! >"$state.pid"; echo "$vmx" >"$state.vmx"; echo "$@" >>"$state.calls" ;;
                  list)
                    if kill -0 "$(cat "$state.pid")" 2>/dev/null; then echo "Total running VMs: 1"; cat "$state.vmx"; else echo "Total running VMs: 0"; fi ;;
                  *) exit 2 ;;
                esac
                """);
            var (exit, output) = Run(iso, "echo hi from vmware\nshutdown\n", bin, "--target", "vmware", "--memory", "640");
            Assert.True(exit == 0, $"exit {exit}; output:\n{output}");
            Assert.Matches(@"(?m)^hi from vmware\r?$", output);
            Assert.DoesNotContain("cosmos:console-ready", output);
            Assert.Equal($"-T player start {Path.ChangeExtension(iso, ".vmx")} nogui", File.ReadAllText(Path.Combine(bin, "state.calls")).Trim());
            var vmx = Cosmos.Build.Running.VmxFile.Parse(File.ReadAllText(Path.ChangeExtension(iso, ".vmx"))).ToDictionary(e => e.Key, e => e.Value);
            Assert.Equal("640", vmx["memsize"]);
            Assert.Equal(iso, vmx["sata0:0.fileName"]);
            Assert.Equal("CosmosOS", vmx["displayName"]);
        }

        /// <summary>
        /// The virtualbox target with a stand-in VBoxManage on PATH that records every call and, on startvm, boots QEMU with
        /// the ISO and memory of the earlier calls and COM1 as a Unix socket server at the --uartmode1 path.
        /// </summary>
        [Fact]
        public void VirtualBoxTargetThroughStandInVBoxManage()
        {
            string iso = PrivateIso();
            string bin = Path.Combine(Path.GetDirectoryName(iso)!, "fakebin");
            Directory.CreateDirectory(bin);
            string script = Path.Combine(bin, "VBoxManage");
            WriteExecutable(script, """
                #!/bin/bash
                # Stand-in for VirtualBox's VBoxManage: records calls; startvm boots QEMU with what modifyvm/storageattach set.
                s="$(dirname "$0")/state"
                echo "$*" >>"$s.calls"
                arg() { local want="$1"; shift; while [ $# -gt 0 ]; do [ "$1" = "$want" ] && { echo "$2 $3"; return; }; shift; done; }
                case "$1" in
                  showvminfo)
                    [ -f "$s.created" ] || exit 1
                    if [ -f "$s.pid" ] && kill -0 "$(cat "$s.pid")" 2>/dev/null; then echo 'VMState="running"'; else echo 'VMState="poweroff"'; fi ;;
                  createvm) touch "$s.created" ;;
                  modifyvm) set -- "$@"; a=$(arg --uartmode1 "$@"); echo "${a#server }" | cut -d' ' -f1 >"$s.pipe"; arg --memory "$@" | cut -d' ' -f1 >"$s.mem" ;;
                  storageattach) if [ "$6" = 0 ] && [ "${10}" = dvddrive ]; then echo "${12}" >"$s.iso"; fi ;;
                  startvm)
                    qemu-system-x86_64 -machine pc -accel tcg -cpu max -m "$(cat "$s.mem")M" -vga vmware \
                      -device ahci,id=ahci -drive "if=none,id=cd0,media=cdrom,readonly=on,file=$(cat "$s.iso")" \
                      -device ide-cd,bus=ahci.0,drive=cd0,bootindex=0 -nic user,model=e1000 \
                      -serial "unix:$(cat "$s.pipe"),server=on,wait=on" -display none -monitor none -no-reboot \
                      </dev/null >"$s.log" 2>&1 &
                    echo $! >"$s.pid" ;;
                  storagectl) ;;
                  *) exit 2 ;;
                esac
                """);
            var (exit, output) = Run(iso, "echo hi from virtualbox\nshutdown\n", bin, "--target", "virtualbox", "--memory", "576");
            Assert.True(exit == 0, $"exit {exit}; output:\n{output}");
            Assert.Matches(@"(?m)^hi from virtualbox\r?$", output);
            var calls = File.ReadAllLines(Path.Combine(bin, "state.calls"));
            Assert.Equal("showvminfo CosmosOS --machinereadable", calls[0]);
            Assert.StartsWith("createvm --name CosmosOS --ostype Other_64 --register", calls[1]);
            Assert.Contains(calls, c => c.StartsWith("modifyvm CosmosOS --memory 576 ", StringComparison.Ordinal));
            Assert.Contains($"storageattach CosmosOS --storagectl SATA --port 0 --device 0 --type dvddrive --medium {iso}", calls);
            Assert.Contains("startvm CosmosOS --type headless", calls);
        }

        /// <summary>Without VMware installed the vmware target fails with a message naming what to install, after writing the .vmx.</summary>
        [Fact]
        public void VmwareTargetWithoutVmwareSaysWhatToInstall()
        {
            string iso = PrivateIso();
            var (exit, output) = Run(iso, "", null, "--target", "vmware");
            Assert.Equal(1, exit);
            Assert.Contains("error COSMOS076", output);
            Assert.Contains("VMware Workstation", output);
            Assert.True(File.Exists(Path.ChangeExtension(iso, ".vmx")), output);
        }

        /// <summary>The usb target writes NAME.img (the hybrid ISO) and prints the dd command.</summary>
        [Fact]
        public void UsbTargetWritesTheImageAndTheDdLine()
        {
            string iso = PrivateIso();
            var (exit, output) = Run(iso, "", null, "--target", "usb");
            Assert.True(exit == 0, output);
            string img = Path.ChangeExtension(iso, ".img");
            Assert.Equal(File.ReadAllBytes(iso), File.ReadAllBytes(img));
            Assert.Contains($"sudo dd if='{img}' of=/dev/sdX bs=4M conv=fsync status=progress", output);
        }

        /// <summary>The hybrid image attached as a USB stick (xHCI mass storage) boots to the shell under the BIOS and under UEFI.</summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void HybridImageBootsAsUsbStick(bool uefi)
        {
            string iso = PrivateIso();
            var options = uefi ? new[] { "--boot-medium", "usb", "--uefi" } : new[] { "--boot-medium", "usb" };
            var (exit, output) = Run(iso, "echo booted from usb\nshutdown\n", null, options);
            Assert.Matches(@"(?m)^booted from usb\r?$", output);
            Assert.True(exit == 0, $"exit {exit}; output:\n{output}");
        }

        /// <summary>
        /// run --debug: QEMU waits on its gdb stub; gdb in batch mode breaks on a C# method by its symbol, the backtrace
        /// names C# methods with their source files and lines, and `next` steps to a later C# line of the same method.
        /// </summary>
        [Fact]
        public void GdbBreaksOnACSharpMethodAndSteps()
        {
            var (text, runnerOut, port) = GdbSession(port => new[]
            {
                "-ex", "set pagination off", "-ex", $"target remote 127.0.0.1:{port}",
                "-ex", "hbreak CosmosOS_CosmosOS_Kernel__BeforeRun", "-ex", "continue", "-ex", "bt 3",
                "-ex", "next", "-ex", "next", "-ex", "bt 1", "-ex", "delete", "-ex", "continue",
            });
            var hit = Regex.Match(text, @"CosmosOS_CosmosOS_Kernel__BeforeRun \(this=[^)]*\) at \S*Kernel/CosmosOS/Kernel\.cs:(\d+)");
            Assert.True(hit.Success, "no stop in BeforeRun with a source line:\n" + text);
            Assert.Matches(@"#1 .* in Cosmos_System\w*_Cosmos_System_Kernel__Start \(this=[^)]*\) at \S*Kernel\.cs:\d+", text);
            var after = Regex.Match(text, @"#0\s+CosmosOS_CosmosOS_Kernel__BeforeRun \(this=[^)]*\) at \S*Kernel/CosmosOS/Kernel\.cs:(\d+)\s*$", RegexOptions.Multiline | RegexOptions.RightToLeft);
            Assert.True(after.Success, "no frame after `next`:\n" + text);
            Assert.True(int.Parse(after.Groups[1].Value) > int.Parse(hit.Groups[1].Value), $"`next` did not advance to a later line:\n{text}");
            Assert.Contains("target remote 127.0.0.1:" + port, runnerOut);
            Assert.Contains("hbreak CosmosOS_CosmosOS_Kernel__BeforeRun", runnerOut);
        }

        /// <summary>
        /// The template's VS Code launch configuration (Build/Cosmos.Templates/.../.vscode/launch.json) does what F5 does, on
        /// the demo OS: gdb attaches to the address it names (on a free port instead of 1234, which other runs may hold)
        /// and runs its postRemoteConnectCommands with the template's name replaced by the demo's (the template kernel's
        /// namespace and assembly are both its project name, as the demo's are CosmosOS); the kernel stops in BeforeRun.
        /// </summary>
        [Fact]
        public void VsCodeLaunchCommandsStopInBeforeRun()
        {
            string template = Path.Combine(KernelImage.RepoRoot(), "Build", "Cosmos.Templates", "templates", "CosmosKernel");
            var jsonc = new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true };
            string sourceName = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(template, ".template.config", "template.json")), jsonc).RootElement.GetProperty("sourceName").GetString();
            var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(template, ".vscode", "launch.json")), jsonc).RootElement.GetProperty("configurations")[0];
            string host = config.GetProperty("miDebuggerServerAddress").GetString().Split(':')[0];
            var connect = config.GetProperty("postRemoteConnectCommands").EnumerateArray().Select(c => c.GetProperty("text").GetString().Replace(sourceName, "CosmosOS")).ToList();
            Assert.NotEmpty(connect);
            var (text, _, _) = GdbSession(port =>
                new[] { "-ex", "set pagination off", "-ex", $"target remote {host}:{port}" }
                    .Concat(connect.SelectMany(c => new[] { "-ex", c }))
                    .Concat(new[] { "-ex", "continue", "-ex", "bt 1", "-ex", "delete", "-ex", "continue" }).ToArray());
            Assert.Matches(@"#0\s+CosmosOS_CosmosOS_Kernel__BeforeRun \(this=[^)]*\) at \S*Kernel/CosmosOS/Kernel\.cs:\d+", text);
        }

        /// <summary>
        /// Boots a private copy of the demo ISO with `run --debug` on a free port (`shutdown` typed once the kernel is up),
        /// runs gdb in batch mode with the demo ELF and the arguments <paramref name="gdbArguments"/> makes for that port, and
        /// waits for the kernel to shut down. Returns gdb's output, the runner's output and the port.
        /// </summary>
        private (string Gdb, string Runner, int Port) GdbSession(Func<int, string[]> gdbArguments)
        {
            string iso = PrivateIso();
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Tool, "run", "--iso", iso, "--display", "false", "--debug", "--gdb-port", port.ToString() }) psi.ArgumentList.Add(a);
            using var runner = Process.Start(psi)!;
            runner.StandardInput.Write("shutdown\n");
            runner.StandardInput.Close();
            var runnerOut = runner.StandardOutput.ReadToEndAsync();
            try
            {
                var gdb = new ProcessStartInfo("gdb") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "-batch", "-nx" }.Concat(gdbArguments(port)).Append(Path.ChangeExtension(iso, ".elf"))) gdb.ArgumentList.Add(a);
                for (int attempt = 0; attempt < 50; attempt++)   // the runner starts QEMU after building nothing: a few seconds
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    try { probe.Connect(System.Net.IPAddress.Loopback, port); break; } catch (System.Net.Sockets.SocketException) { System.Threading.Thread.Sleep(200); }
                }
                using var g = Process.Start(gdb)!;
                var gout = g.StandardOutput.ReadToEndAsync();
                var gerr = g.StandardError.ReadToEndAsync();
                Assert.True(g.WaitForExit(180_000), "gdb did not finish in 180 s");
                string text = gout.Result + gerr.Result;
                Assert.True(runner.WaitForExit(120_000), "the kernel did not shut down after gdb continued:\n" + text);
                Assert.True(runner.ExitCode == 0, $"runner exit {runner.ExitCode}:\n{runnerOut.Result}\ngdb:\n{text}");
                return (text, runnerOut.Result, port);
            }
            finally { if (!runner.HasExited) runner.Kill(true); }
        }
    }
}
