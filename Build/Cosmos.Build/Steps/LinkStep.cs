using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Links the ilc object and the X# objects with GNU ld and our linker script into a
    /// Multiboot2 ELF64 (with DWARF and the symbol table, for gdb and the listing), plus a copy for the ISO without
    /// either (<c>objcopy --strip-all</c>): GRUB reads the whole file at every boot — under QEMU's TCG ≈ 0.06 s per MiB
    /// through the BIOS — and the kernel reads neither (its stack traces come from ilc's own method-name metadata).
    /// Undefined symbols are reported as missing runtime pieces, one error per symbol.
    /// </summary>
    public static class LinkStep
    {
        private static readonly Regex Undefined = new Regex(@"undefined reference to `([^']+)'", RegexOptions.Compiled);
        private static readonly Regex InFunction = new Regex(@"in function `([^']+)'", RegexOptions.Compiled);

        /// <summary>Links; returns the progress line's text.</summary>
        public static string Run(IEnumerable<string> objects, string linkerScript, string output, string strippedOutput)
        {
            var ld = Tool.Require("ld", "binutils");
            var args = new List<string> { "-T", linkerScript, "-nostdlib", "-static", "--eh-frame-hdr", "-z", "max-page-size=0x1000", "-z", "noexecstack", "-o", output };
            args.AddRange(objects);
            var r = Tool.Run(ld, args);
            if (r.ExitCode != 0)
            {
                var text = r.StdErr + r.StdOut;
                var missing = new Dictionary<string, string>();
                string lastFunction = null;
                foreach (var line in text.Split('\n'))
                {
                    var f = InFunction.Match(line);
                    if (f.Success) lastFunction = f.Groups[1].Value;
                    var m = Undefined.Match(line);
                    if (m.Success && !missing.ContainsKey(m.Groups[1].Value)) missing[m.Groups[1].Value] = lastFunction;
                }
                if (missing.Count > 0)
                {
                    foreach (var kv in missing)
                        System.Console.WriteLine($"{output}: error COSMOS050: native symbol '{kv.Key}' is not provided by any Cosmos layer" + (kv.Value != null ? $" (first needed by {kv.Value})" : ""));
                    throw new BuildStepException("COSMOS050",
                        $"the kernel needs {missing.Count} native symbol(s) that no Cosmos layer provides; add a [RuntimeExport] in Runtime/Cosmos.Runtime, an X# helper, or a plug that avoids the call.", output);
                }
                throw new BuildStepException("COSMOS051", $"ld failed (exit {r.ExitCode}):\n{text}", linkerScript);
            }
            var objcopy = Tool.Require("objcopy", "binutils");
            var s = Tool.Run(objcopy, new[] { "--strip-all", output, strippedOutput });
            if (s.ExitCode != 0) throw new BuildStepException("COSMOS052", "objcopy --strip-all failed:\n" + s.StdErr, output);
            return $"{objects.Count()} objects -> {Path.GetFileName(output)} ({new FileInfo(output).Length / 1024} KiB; {new FileInfo(strippedOutput).Length / 1024} KiB without debug info and symbols, {Tool.Seconds(r.Elapsed)})";
        }
    }
}
