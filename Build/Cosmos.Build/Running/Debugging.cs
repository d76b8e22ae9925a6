using System;
using System.IO;
using System.Linq;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Running
{
    /// <summary>
    /// Source-level debugging of a kernel with gdb: the ELF beside the ISO carries DWARF (ilc -g: C# file and line of every
    /// method, from the assemblies' portable PDBs), and the VM's gdbstub (QEMU <c>-gdb</c>, VMware <c>debugStub</c>)
    /// serves the guest's registers and memory. Methods are named by NativeAOT's mangling,
    /// <c>&lt;Assembly&gt;_&lt;Namespace&gt;_&lt;Type&gt;__&lt;Method&gt;</c> with '.' as '_', e.g.
    /// <c>CosmosOS_CosmosOS_Kernel__BeforeRun</c>.
    /// </summary>
    public static class Debugging
    {
        /// <summary>The gdb port <c>run --debug</c> uses unless <c>--gdb-port</c> says otherwise (QEMU's traditional one).</summary>
        public const int DefaultGdbPort = 1234;

        /// <summary>
        /// The kernel's own <c>BeforeRun</c> (its first C# code after Cosmos.System's start-up) from the ELF's symbol
        /// table, else Cosmos.System's <c>Kernel.Start</c>; null when neither is found (no symbols).
        /// </summary>
        public static string FirstKernelMethod(string elf)
        {
            if (!File.Exists(elf)) return null;
            string nm;
            try { nm = Tool.Require("nm", "binutils"); } catch (BuildStepException) { return null; }
            var r = Tool.Run(nm, new[] { "--defined-only", elf });
            if (r.ExitCode != 0) return null;
            var names = r.StdOut.Split('\n').Select(l => l.Trim().Split(' ')).Where(f => f.Length == 3 && (f[1] == "T" || f[1] == "t")).Select(f => f[2]).ToList();
            return names.FirstOrDefault(n => n.EndsWith("__BeforeRun", StringComparison.Ordinal) && !n.Contains("_Cosmos_System_Kernel__"))
                ?? names.FirstOrDefault(n => n.EndsWith("_Cosmos_System_Kernel__Start", StringComparison.Ordinal));
        }

        /// <summary>
        /// The gdb command line that attaches to <paramref name="endpoint"/> (host:port) with <paramref name="elf"/>'s
        /// symbols and stops at the kernel's first C# method. The breakpoint is a hardware one (<c>hbreak</c>): the CPU
        /// starts in the firmware, and a software breakpoint written before GRUB loads the kernel would be overwritten.
        /// </summary>
        public static string GdbCommand(string elf, string endpoint)
        {
            string first = FirstKernelMethod(elf);
            string q(string s) => "'" + s.Replace("'", "'\\''") + "'";
            return $"gdb {q(elf)} -ex 'target remote {endpoint}'" + (first != null ? $" -ex 'hbreak {first}' -ex continue" : "");
        }

        /// <summary>What <c>run --debug</c> prints: the gdb command and how to name other methods.</summary>
        public static string Instructions(string elf, string endpoint) =>
            $"the CPU waits for a debugger on {endpoint}; in another terminal:\n    {GdbCommand(elf, endpoint)}\n"
            + "  break on other methods by their symbols (Assembly_Namespace_Type__Method, e.g. `info functions Kernel__` lists them); "
            + "use hbreak for code GRUB has not loaded yet";
    }
}
