using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.System.FileSystem;
using Cosmos.System.FileSystem.VFS;
using System.Text;
using Cosmos.Core;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Memory;
using Sys = Cosmos.System;

namespace CosmosOS
{
    /// <summary>The CosmosOS demo kernel: a banner and a small shell on the console (VGA + COM1).</summary>
    public sealed class Kernel : Sys.Kernel
    {
        /// <summary>Version shown in the banner.</summary>
        public const string Version = "0.1.0";

        private delegate void CommandHandler(string[] args);
        private sealed record Command(string Name, string Usage, string Help, CommandHandler Handler);

        private readonly Dictionary<string, Command> _commands = new();
        private readonly List<Command> _ordered = new();

        public Kernel()
        {
            Add("help", "help", "list the commands", _ => Help());
            Add("echo", "echo <text...>", "print the text", Echo);
            Add("mem", "mem", "heap and RAM figures in bytes", _ => Mem());
            Add("cpu", "cpu", "processor vendor, brand and features", _ => Cpu());
            Add("uptime", "uptime", "time since boot", _ => Uptime());
            Add("date", "date", "date and time (UTC, from the RTC)", _ => Console.WriteLine(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss") + " UTC"));
            Add("hostname", "hostname [name]", "show or set the machine name", Hostname);
            Add("threads", "threads", "kernel threads: id, state, priority, CPU time", _ => Threads());
            Add("devices", "devices", "devices and their state; PCI functions with BARs", _ => Devices());
            Add("lspci", "lspci", "PCI functions: address, IDs, class", _ => Lspci());
            Add("disks", "disks", "disks, partitions and mounted volumes", _ => Disks());
            Add("df", "df", "volumes: type, label, size, free", _ => Df());
            Add("ls", "ls [dir]", "list a directory (also: dir)", Ls);
            Add("dir", "dir [dir]", "list a directory", Ls);
            Add("cd", "cd <dir>", "change the current directory", a => Files(() => Directory.SetCurrentDirectory(Arg(a, 1))));
            Add("pwd", "pwd", "print the current directory", _ => Console.WriteLine(Directory.GetCurrentDirectory()));
            Add("cat", "cat <file>", "print a text file", a => Files(() => Console.Write(File.ReadAllText(Arg(a, 1)))));
            Add("write", "write <file> <text...>", "write text (and a newline) to a file", a => Files(() => File.WriteAllText(Arg(a, 1), Rest(a, 2) + "\n")));
            Add("mkdir", "mkdir <dir>", "create a directory (and its parents)", a => Files(() => Directory.CreateDirectory(Arg(a, 1))));
            Add("rm", "rm [-r] <path>", "delete a file, or a directory (-r: with its contents)", Rm);
            Add("mv", "mv <from> <to>", "move or rename a file or directory", a => Files(() => Move(Arg(a, 1), Arg(a, 2))));
            Add("cp", "cp <from> <to>", "copy a file", a => Files(() => File.Copy(Arg(a, 1), Arg(a, 2), overwrite: true)));
            Add("ifconfig", "ifconfig [dhcp]", "network cards, addresses, counters (dhcp: ask again)", NetworkCommands.Ifconfig);
            Add("ping", "ping <host> [n]", "ICMP echo to a host (name or address)", NetworkCommands.Ping);
            Add("nslookup", "nslookup <name>", "resolve a host name through DNS", NetworkCommands.Nslookup);
            Add("get", "get <http-url>", "HTTP GET: status, bytes, SHA-256 of the body", HttpGet.Run);
            Add("serve", "serve [port]", "HTTP file server for the current volume (serve stop ends it)", NetworkCommands.Serve);
            Add("sleep", "sleep <seconds>", "wait (scripts piped into the shell)", a => System.Threading.Thread.Sleep((int)(double.Parse(Arg(a, 1), System.Globalization.CultureInfo.InvariantCulture) * 1000)));
            Add("gui", "gui", "a desktop with windows and a mouse pointer (Esc returns)", _ => Desktop.Run());
            Add("layout", "layout [us|gb|de|fr|es|tr|nl]", "show or set the keyboard layout", Layout);
            Add("clear", "clear", "clear the screen", _ => Console.Clear());
            Add("reboot", "reboot", "restart the machine (volumes are flushed first)", _ => Sys.Power.Reboot());
            Add("shutdown", "shutdown", "turn the machine off (ACPI S5)", _ => Sys.Power.Shutdown());
        }

        private void Add(string name, string usage, string help, CommandHandler handler)
        {
            var c = new Command(name, usage, help, handler);
            _commands[name] = c;
            _ordered.Add(c);
        }

        protected override void BeforeRun()
        {
            MountDisks();
            NetworkCommands.StartDhcp();
            ulong ramMiB = PhysicalMemory.TotalUsable >> 20;
            Console.WriteLine($"CosmosOS {Version} — a managed OS in C#");
            Console.WriteLine($"Memory: {ramMiB} MiB usable; CPU: {CPU.GetCPUBrandString()}");
            Console.WriteLine("Type 'help' for the commands.");
            BootFigures.PrintPromptReached();
        }

        protected override void Run()
        {
            Console.Write("cosmos> ");
            string line = Console.ReadLine();
            if (line == null) { Stop(); return; }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) return;
            if (_commands.TryGetValue(parts[0], out var command))
                command.Handler(parts);
            else
                Console.WriteLine($"Unknown command '{parts[0]}'. Type 'help' for the list.");
        }

        /// <summary>Registers Cosmos's VFS when there is a disk: its FAT volumes become 0:\, 1:\ …</summary>
        private static void MountDisks()
        {
            if (Cosmos.HAL.BlockDevice.BlockDevice.Devices.Count == 0)
            {
                Console.WriteLine("No disk attached: the file commands have no volume to work on.");
                return;
            }
            try
            {
                VFSManager.RegisterVFS(new CosmosVFS(), aShowInfo: true);
                if (VFSManager.GetVolumes().Count > 0) Directory.SetCurrentDirectory(VFSManager.GetLogicalDrives()[0]);
            }
            catch (Exception e) { Console.WriteLine("Disks: " + e.Message); }
        }

        private static string Arg(string[] a, int i) =>
            i < a.Length ? a[i] : throw new ArgumentException("missing argument " + i + " (see 'help')");

        private static string Rest(string[] a, int from) => string.Join(" ", a.Skip(from));

        /// <summary>Runs a file command, printing .NET's exception message instead of ending the shell.</summary>
        private static void Files(Action body)
        {
            try { body(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InvalidOperationException)
            {
                Console.WriteLine(e.GetType().Name + ": " + e.Message);
            }
        }

        private static void Ls(string[] a) => Files(() =>
        {
            string dir = a.Length > 1 ? a[1] : Directory.GetCurrentDirectory();
            var info = new DirectoryInfo(dir);
            if (!info.Exists) throw new DirectoryNotFoundException("Could not find a part of the path '" + info.FullName + "'.");
            foreach (var d in info.GetDirectories().OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase))
                Console.WriteLine($"  {d.LastWriteTimeUtc:yyyy-MM-dd HH:mm}  {"<DIR>",12}  {d.Name}");
            foreach (var f in info.GetFiles().OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase))
                Console.WriteLine($"  {f.LastWriteTimeUtc:yyyy-MM-dd HH:mm}  {f.Length,12}  {f.Name}");
        });

        private static void Rm(string[] a) => Files(() =>
        {
            bool recursive = a.Length > 2 && a[1] == "-r";
            string path = Arg(a, recursive ? 2 : 1);
            if (Directory.Exists(path)) Directory.Delete(path, recursive);
            else if (File.Exists(path)) File.Delete(path);
            else throw new FileNotFoundException("Could not find '" + Path.GetFullPath(path) + "'.");
        });

        private static void Move(string from, string to)
        {
            if (Directory.Exists(from)) Directory.Move(from, to);
            else File.Move(from, to);
        }

        private static void Df()
        {
            if (VFSManager.Current == null) { Console.WriteLine("no file system registered (no disk)"); return; }
            Console.WriteLine("  volume  type      label         size (KiB)   free (KiB)");
            foreach (var v in VirtualFileSystem.Instance.Volumes)
                Console.WriteLine($"  {v.Root,-6}  {v.Volume.TypeName,-8}  {v.Volume.Label,-12}  {v.Volume.TotalSize / 1024,10}   {v.Volume.AvailableFreeSpace / 1024,10}{(v.Volume.IsReadOnly ? "  read-only" : "")}");
        }

        private static void Disks()
        {
            foreach (var d in Cosmos.HAL.BlockDevice.BlockDevice.Devices)
                Console.WriteLine($"  {d.Name}: {d.Type}, {d.BlockCount} blocks of {d.BlockSize} bytes ({d.SizeInBytes >> 20} MiB){(d.IsReadOnly ? ", read-only" : "")}");
            if (VFSManager.Current == null) return;
            foreach (var disk in VFSManager.GetDisks()) Files(disk.DisplayInformation);
        }

        private static void Lspci()
        {
            int n = Cosmos.HAL.DeviceRegistry.Count;
            for (int i = 0; i < n; i++)
                if (Cosmos.HAL.DeviceRegistry.Get(i) is Cosmos.HAL.PCIDevice pci) Console.WriteLine("  " + pci.Describe());
        }

        private void Help()
        {
            foreach (var c in _ordered)
                Console.WriteLine($"  {c.Usage,-16} {c.Help}");
        }

        private static void Echo(string[] args)
        {
            var sb = new StringBuilder();
            for (int i = 1; i < args.Length; i++)
            {
                if (i > 1) sb.Append(' ');
                sb.Append(args[i]);
            }
            Console.WriteLine(sb.ToString());
        }

        private static void Mem()
        {
            Console.WriteLine($"heap used:  {Heap.UsedBytes} bytes");
            Console.WriteLine($"heap free:  {Heap.FreeBytes} bytes");
            Console.WriteLine($"heap total: {Heap.TotalBytes} bytes ({Heap.AllocationCount} unmanaged allocations, {Heap.RawBytes} bytes)");
            Console.WriteLine($"managed:    {GC.GetTotalMemory(false)} bytes in objects ({Cosmos.Runtime.GarbageCollector.LiveBytesAfterLastCollection} live after {GC.CollectionCount(0)} collections), {Cosmos.Runtime.GarbageCollector.HandleCount} GC handles");
            Console.WriteLine($"RAM usable: {PhysicalMemory.TotalUsable} bytes in {PhysicalMemory.RegionCount} firmware map entries");
        }

        private static void Cpu()
        {
            Console.WriteLine($"vendor: {CPU.GetCPUVendorName()}");
            Console.WriteLine($"brand:  {CPU.GetCPUBrandString()}");
            Console.WriteLine($"TSC:    {Cosmos.HAL.Devices.Timers.TSC.Frequency / 1000000} MHz (measured against the PIT)");
            CPU.CPUID(CpuidLeaf.VersionAndFeatures, 0, out _, out _, out uint ecx, out uint edx);
            var features = new List<string>();
            if ((edx & CpuidFeature.Leaf01Edx_SSE) != 0) features.Add("SSE");
            if ((edx & CpuidFeature.Leaf01Edx_SSE2) != 0) features.Add("SSE2");
            if ((ecx & CpuidFeature.Leaf01Ecx_SSE3) != 0) features.Add("SSE3");
            if ((ecx & CpuidFeature.Leaf01Ecx_SSE41) != 0) features.Add("SSE4.1");
            if ((ecx & CpuidFeature.Leaf01Ecx_SSE42) != 0) features.Add("SSE4.2");
            if ((ecx & CpuidFeature.Leaf01Ecx_XSAVE) != 0) features.Add("XSAVE");
            if ((ecx & CpuidFeature.Leaf01Ecx_AVX) != 0) features.Add("AVX");
            Console.WriteLine($"features: {string.Join(" ", features)}");
        }

        private static void Layout(string[] a)
        {
            if (a.Length > 1)
            {
                var layout = Cosmos.HAL.Devices.Input.KeyboardLayout.ByName(a[1]);
                if (layout == null) { Console.WriteLine("Unknown layout '" + a[1] + "' (us, gb, de, fr, es, tr, nl)"); return; }
                Sys.KeyboardManager.SetKeyLayout(a[1].ToLowerInvariant() switch
                {
                    "gb" or "uk" => new Sys.ScanMaps.GBStandardLayout(), "de" => new Sys.ScanMaps.DEStandardLayout(),
                    "fr" => new Sys.ScanMaps.FRStandardLayout(), "es" => new Sys.ScanMaps.ESStandardLayout(),
                    "tr" => new Sys.ScanMaps.TRStandardLayout(), "nl" => new Sys.ScanMaps.NLStandardLayout(),
                    _ => new Sys.ScanMaps.USStandardLayout(),
                });
            }
            Console.WriteLine("keyboard layout: " + Sys.KeyboardManager.GetKeyLayout().Layout.Name);
        }

        private static unsafe void Threads()
        {
            ulong hz = Cosmos.HAL.Devices.Timers.TSC.Frequency;
            Console.WriteLine("  id  state    priority  cpu ms  name");
            for (int i = 0; i < Cosmos.Core.Threading.Scheduler.ThreadSlots; i++)
            {
                var t = Cosmos.Core.Threading.Scheduler.GetThread(i);
                if (t == null) continue;
                ulong run = t->RunTsc;
                if (t == Cosmos.Core.Threading.Scheduler.Current) run += CPU.GetCPUUptime() - t->SwitchedInTsc;
                string prio = t == Cosmos.Core.Threading.Scheduler.IdleThread ? "idle" : ((System.Threading.ThreadPriority)t->Priority).ToString();
                int nameLength = 0;
                while (nameLength < Cosmos.Core.Threading.KernelThread.NameBytes && t->Name[nameLength] != 0) nameLength++;
                string name = System.Text.Encoding.UTF8.GetString(t->Name, nameLength);
                Console.WriteLine($"  {t->Id,2}  {t->State,-8} {prio,-9} {run * 1000 / hz,6}  {name}".TrimEnd());
            }
            Console.WriteLine($"switches {Cosmos.Core.Threading.Scheduler.SwitchCount}, preemptions {Cosmos.Core.Threading.Scheduler.PreemptionCount}, ticks {Cosmos.Core.Threading.Scheduler.TickCount}");
        }

        private static void Devices()
        {
            int n = Cosmos.HAL.DeviceRegistry.Count;
            for (int i = 0; i < n; i++)
            {
                var d = Cosmos.HAL.DeviceRegistry.Get(i);
                if (d is Cosmos.HAL.PCIDevice pci)
                {
                    Console.WriteLine("  PCI " + pci.Describe());
                    foreach (var bar in pci.BaseAddressBar)
                        if (bar.IsImplemented) Console.WriteLine("      " + bar);
                    if (pci.Driver != null) Console.WriteLine("      driver: " + pci.Driver.Name);
                }
                else Console.WriteLine("  " + d);
            }
        }

        private static void Hostname(string[] args)
        {
            if (args.Length == 1) { Console.WriteLine(Environment.MachineName); return; }
            string name = args[1];
            foreach (char c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '.') || name.Length > 63)
                {
                    Console.WriteLine($"hostname: '{name}' is not a host name (letters, digits, '-' and '.', at most 63)");
                    return;
                }
            }
            Cosmos.Runtime.SystemNative.HostName = name;
        }

        private static void Uptime()
        {
            TimeSpan t = Cosmos.HAL.Devices.Timers.TSC.Uptime;
            Console.WriteLine($"up {(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}.{t.Milliseconds:D3}");
        }
    }

    /// <summary>Boot-time figures for the bench command.</summary>
    internal static class BootFigures
    {
        /// <summary>Prints TSC ticks from the first 64-bit instruction to the prompt, on serial.</summary>
        public static void PrintPromptReached()
        {
            ulong ticks = CPU.GetCPUUptime() - CPU.GetBootTsc();
            Console.WriteLine($"[boot] kernel entry to prompt: {ticks} TSC ticks (TSC {Cosmos.HAL.Devices.Timers.TSC.Frequency / 1000000} MHz)");
        }
    }
}
