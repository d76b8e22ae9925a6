using System;
using System.CommandLine;
using System.Linq;
using Cosmos.Build.Running;
using Cosmos.Build.Steps;
using Cosmos.Build.Toolchain;
using Cosmos.Build.Testing;

namespace Cosmos.Build
{
    /// <summary>The CosmosOS toolchain command line (called by the MSBuild targets and by people).</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var root = new RootCommand("CosmosOS toolchain: builds kernels (plugs, X#, ilc, ld, GRUB ISO), boots them in QEMU, runs kernel tests and benchmarks.");
            root.Subcommands.Add(BuildKernelCommand(bundle: false));
            root.Subcommands.Add(BuildKernelCommand(bundle: true));
            root.Subcommands.Add(RunCommand());
            root.Subcommands.Add(Testing.TestCommand.Create());
            root.Subcommands.Add(Bench.BenchCommand.Create());
            return root.Parse(args).Invoke();
        }

        /// <summary>Runs <paramref name="body"/>, turning build failures into canonical errors and exit code 1.</summary>
        internal static int Guard(Func<int> body)
        {
            try { return body(); }
            catch (BuildStepException e)
            {
                string step = e.Step != null ? $"step '{e.Step}' failed: " : "";
                Console.WriteLine($"{e.File ?? "cosmos"}: error {e.Code}: {step}{e.Message}");
                return 1;
            }
        }

        /// <summary>
        /// build-kernel (one kernel assembly) or build-bundle (a test bundle of several test kernel assemblies,
        /// <see cref="TestBundle"/>: its assemblies are gathered in OBJ/bin, the pipeline's intermediates go to OBJ/cosmos).
        /// </summary>
        private static Command BuildKernelCommand(bool bundle)
        {
            var assembly = new Option<string>("--assembly") { Description = "Kernel assembly built by Roslyn (bin/.../Name.dll)", Required = true };
            var name = new Option<string>("--name") { Description = "Name of the bundle (its entry assembly, ELF and ISO)", Required = true };
            var members = new Option<string[]>("--member") { Description = "A test kernel assembly built by Roslyn, its libraries beside it (repeatable)", Required = true };
            var ilc = new Option<string>("--ilc-package") { Description = "Folder of runtime.linux-x64.Microsoft.DotNet.ILCompiler", Required = true };
            var pack = new Option<string>("--runtime-pack") { Description = "Folder of Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64 (the NativeAOT CoreLib and BCL)", Required = true };
            var obj = new Option<string>("--obj") { Description = "Intermediate folder", Required = true };
            var elf = new Option<string>("--elf") { Description = "Output ELF (with DWARF)", Required = true };
            var iso = new Option<string>("--iso") { Description = "Output bootable ISO", Required = true };
            var ld = new Option<string>("--linker-script") { Description = "GNU ld script", Required = true };
            var noDebug = new Option<bool>("--no-debug") { Description = "Do not emit DWARF (ilc without -g)" };
            var noOptimize = new Option<bool>("--no-optimize") { Description = "Compile without optimizations (ilc without -O): a faster compile, a slower kernel" };
            var isoRoot = new Option<string>("--iso-root") { Description = "Folder whose files are copied to the ISO's root (the kernel reads them from the CD)" };
            var gfx = new Option<string>("--graphics-mode") { Description = "Screen mode GRUB leaves: text (default: VGA text on BIOS, the GOP mode on UEFI), auto, or WIDTHxHEIGHT[xDEPTH]", DefaultValueFactory = _ => IsoStep.DefaultGraphicsMode };
            var listing = new Option<string>("--asm-listing") { Description = "Also write the whole kernel as a NASM-syntax listing with C# source lines to this path" };
            var images = new Option<string[]>("--image") { Description = "Another ISO of the same kernel with other settings: ISO|GRAPHICS-MODE|ISO-ROOT (ISO-ROOT empty: none; repeatable)" };
            var cmd = bundle
                ? new Command("build-bundle", "One kernel image of several test kernels, the one to run chosen at boot through fw_cfg (the test runner's bundles).") { name, members, images }
                : new Command("build-kernel", "Entry point, plugs, X#, ilc, link and ISO for one kernel (incremental).") { assembly };
            foreach (var o in new Option[] { ilc, pack, obj, elf, iso, ld, noDebug, noOptimize, isoRoot, gfx, listing }) cmd.Options.Add(o);
            cmd.SetAction(p => Guard(() =>
            {
                string objDir = p.GetValue(obj);
                string kernelAssembly = bundle ? TestBundle.Prepare(p.GetValue(name), p.GetValue(members), System.IO.Path.Combine(objDir, "bin")) : p.GetValue(assembly);
                KernelBuild.Run(new KernelBuildOptions
                {
                    Assembly = kernelAssembly, IlcPackage = p.GetValue(ilc), RuntimePack = p.GetValue(pack), ObjDir = bundle ? System.IO.Path.Combine(objDir, "cosmos") : objDir,
                    Elf = p.GetValue(elf), Iso = p.GetValue(iso), LinkerScript = p.GetValue(ld), DebugInfo = !p.GetValue(noDebug), Optimize = !p.GetValue(noOptimize),
                    IsoRoot = p.GetValue(isoRoot), GraphicsMode = p.GetValue(gfx), AsmListing = string.IsNullOrWhiteSpace(p.GetValue(listing)) ? null : p.GetValue(listing),
                    ExtraImages = bundle ? (p.GetValue(images) ?? Array.Empty<string>()).Select(KernelImage.Parse).ToList() : new System.Collections.Generic.List<KernelImage>(),
                });
                return 0;
            }));
            return cmd;
        }

        private static Command RunCommand()
        {
            var iso = new Option<string>("--iso") { Description = "Bootable ISO", Required = true };
            var kvm = new Option<bool>("--kvm") { Description = "Use KVM when /dev/kvm works (default: TCG)" };
            var uefi = new Option<bool>("--uefi") { Description = "Boot with OVMF (UEFI) instead of the BIOS" };
            var display = new Option<bool?>("--display") { Description = "Show the VGA window (default: when $DISPLAY is set)" };
            var mem = new Option<int>("--memory") { Description = "Guest RAM in MiB", DefaultValueFactory = _ => 512 };
            var disk = new Option<string[]>("--disk") { Description = "Attach a raw disk image as an IDE disk (repeatable, at most 3); a missing image is created as an empty FAT32 volume, so files persist across runs" };
            var diskSize = new Option<int>("--disk-size") { Description = "Size in MiB of a disk image created by --disk", DefaultValueFactory = _ => 64 };
            var nic = new Option<string[]>("--nic") { Description = "Network card on QEMU user networking: e1000 (default), e1000e, virtio, virtio-legacy, virtio-modern, e1000-82545em, e1000-82544gc or none (the guest is 10.0.2.15 by DHCP; the host's 127.0.0.1 is 10.0.2.2); the last one given wins" };
            var forward = new Option<string[]>("--forward") { Description = "Forward a port of the host's 127.0.0.1 to the guest: [tcp:|udp:]HOSTPORT:GUESTPORT (repeatable)" };
            var machine = new Option<string>("--machine") { Description = "QEMU machine: pc (i440FX: IDE, e1000; default) or q35 (ICH9: AHCI, e1000e)", DefaultValueFactory = _ => "pc" };
            var target = new Option<string[]>("--target") { Description = "Where to run: " + string.Join("; ", RunTarget.All.Select(t => t.Name + " = " + t.Description)) + ". The last one given wins (the csproj's CosmosTarget comes first)." };
            var bootMedium = new Option<string>("--boot-medium") { Description = "QEMU: attach the ISO as a cd (default) or as a usb stick (xHCI mass storage), as it boots from a stick on real hardware", DefaultValueFactory = _ => "cd" };
            var debug = new Option<bool>("--debug") { Description = "Start halted with a gdb stub (QEMU: 127.0.0.1:--gdb-port; VMware: its 64-bit guest stub, port 8864) and print the gdb command" };
            var vmport = new Option<bool?>("--vmport") { Description = "QEMU: the VMware backdoor port with its absolute pointer (vmmouse): true (default) or false (the PS/2 mouse then gets relative motion)" };
            var qmp = new Option<string>("--qmp") { Description = "QEMU: serve the machine protocol (QMP) on a Unix socket at this path, for scripts (screendump, input-send-event, …)" };
            var gdbPort = new Option<int>("--gdb-port") { Description = "Port of QEMU's gdb stub with --debug", DefaultValueFactory = _ => Debugging.DefaultGdbPort };
            var cmd = new Command("run", "Boot an ISO (QEMU by default; VMware, VirtualBox or a USB stick image by --target) with COM1 on this terminal; piped standard input is typed into the serial console once the kernel is ready.") { iso, kvm, uefi, display, mem, disk, diskSize, nic, forward, machine, target, bootMedium, debug, gdbPort, qmp, vmport };
            cmd.SetAction(p => Guard(() =>
            {
                string where = RunTarget.Parse(p.GetValue(target) is { Length: > 0 } targets ? targets[^1] : null);
                if (where == RunTarget.Usb) return UsbTarget.Run(p.GetValue(iso));
                bool showDisplay = p.GetValue(display) ?? Qemu.HostHasDisplay();
                if (where == RunTarget.Vmware || where == RunTarget.VirtualBox)
                {
                    string isoPath = System.IO.Path.GetFullPath(p.GetValue(iso));
                    var spec = new VirtualMachineSpec
                    {
                        Name = System.IO.Path.GetFileNameWithoutExtension(isoPath), Iso = isoPath, MemoryMiB = p.GetValue(mem), Uefi = p.GetValue(uefi),
                        SerialPipe = SerialSession.SocketPath(System.IO.Path.GetFileNameWithoutExtension(isoPath)), DebugStub = p.GetValue(debug),
                    };
                    foreach (var d in p.GetValue(disk) ?? Array.Empty<string>())
                        if (!string.IsNullOrWhiteSpace(d)) spec.Disks.Add(System.IO.Path.GetFullPath(DiskImages.EnsureFatImage(d, p.GetValue(diskSize))));
                    if (where == RunTarget.VirtualBox && spec.DebugStub)
                        throw new BuildStepException("COSMOS079", "--debug is not available with the virtualbox target (VirtualBox has no gdb stub); use --target qemu or vmware");
                    if (where == RunTarget.Vmware && spec.DebugStub)
                        Tool.Progress("debug", Debugging.Instructions(System.IO.Path.ChangeExtension(isoPath, ".elf"), "127.0.0.1:8864"));
                    return where == RunTarget.Vmware ? VmwareTarget.Run(spec, showDisplay) : VirtualBoxTarget.Run(spec, showDisplay);
                }
                var o = new QemuOptions
                {
                    Iso = p.GetValue(iso), Kvm = p.GetValue(kvm), Uefi = p.GetValue(uefi), Display = p.GetValue(display), MemoryMiB = p.GetValue(mem),
                    Nic = p.GetValue(nic) is { Length: > 0 } nics && !string.IsNullOrWhiteSpace(nics[^1]) ? nics[^1].Trim() : "e1000",
                    Machine = string.IsNullOrWhiteSpace(p.GetValue(machine)) ? "pc" : p.GetValue(machine).Trim(),
                    BootMedium = (p.GetValue(bootMedium) ?? "cd").Trim().ToLowerInvariant(),
                    GdbPort = p.GetValue(debug) ? p.GetValue(gdbPort) : null,
                    QmpSocket = string.IsNullOrWhiteSpace(p.GetValue(qmp)) ? null : p.GetValue(qmp),
                    VmPort = p.GetValue(vmport) ?? true,
                };
                if (where == RunTarget.QemuUefi) o.Uefi = true;
                if (where == RunTarget.QemuVmware) { o.VmwareDevices = true; o.Nic = "e1000"; }
                foreach (var f in p.GetValue(forward) ?? Array.Empty<string>())
                    foreach (var one in f.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) o.Forwards.Add(one);
                foreach (var d in p.GetValue(disk) ?? Array.Empty<string>())
                    if (!string.IsNullOrWhiteSpace(d)) o.Disks.Add(DiskImages.EnsureFatImage(d, p.GetValue(diskSize)));
                return Qemu.RunInteractive(o);
            }));
            return cmd;
        }
    }
}
