using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Compiles the kernel's IL to one x86-64 ELF object with NativeAOT ilc and the NativeAOT
    /// CoreLib/BCL of the matching runtime pack (see <see cref="NativeAotPackages"/>), optimized (-O) with DWARF
    /// debug info (-g) by default. Without -O (<c>CosmosOptimize=false</c>) ilc still preinitializes static fields at
    /// compile time (--preinitstatics, which -O implies): the boot path reads statics before the runtime can run class
    /// constructors (ClassConstructorRunner), and a kernel compiled without it stops before its first line. Patched copies
    /// (from the plug step) replace the assemblies of the same name. The exact command line is kept in ilc.rsp next to the output. A run whose inputs are
    /// byte-identical to an earlier one's takes the object from the <see cref="IlcCache"/> instead.
    /// </summary>
    public static class IlcStep
    {
        /// <summary>Feature switches fixed for every kernel (trim what needs a host OS).</summary>
        public static readonly string[] Features =
        {
            "System.Globalization.Invariant=true",
            "System.Globalization.PredefinedCulturesOnly=false",
            "System.Diagnostics.Tracing.EventSource.IsSupported=false",
            "System.Resources.UseSystemResourceKeys=false",
            "System.Runtime.Serialization.EnableUnsafeBinaryFormatterSerialization=false",
        };

        /// <summary>Native libraries of the BCL whose P/Invokes are bound at link time.</summary>
        public static readonly string[] DirectPInvokeLibraries =
        {
            "libSystem.Native", "libSystem.Globalization.Native", "libSystem.IO.Compression.Native",
            "libSystem.Net.Security.Native", "libSystem.Security.Cryptography.Native.OpenSsl", "libc", "*",
        };

        /// <summary>Compiles; returns the progress line's text.</summary>
        public static string Run(NativeAotPackages packages, string input, IEnumerable<string> kernelLibraries, string patchedDir, string output, bool debugInfo, bool optimize = true)
        {
            var ilc = packages.Ilc;
            var inputName = Path.GetFileNameWithoutExtension(input);

            // Reference set by simple name: BCL < runtime assemblies < kernel libraries < patched copies.
            var refs = packages.Assemblies();
            var kernelLibs = new List<string>();
            foreach (var f in kernelLibraries)
            {
                var n = Path.GetFileNameWithoutExtension(f);
                if (n.Equals(inputName, System.StringComparison.OrdinalIgnoreCase)) continue;
                refs[n] = f; kernelLibs.Add(n);
            }
            string inputPath = input;
            if (patchedDir != null && Directory.Exists(patchedDir))
            {
                foreach (var f in Directory.GetFiles(patchedDir, "*.dll"))
                {
                    var n = Path.GetFileNameWithoutExtension(f);
                    if (n.Equals(inputName, System.StringComparison.OrdinalIgnoreCase)) inputPath = f;
                    else refs[n] = f;
                }
            }

            var rsp = new StringBuilder();
            rsp.AppendLine(inputPath);
            rsp.AppendLine("-o:" + output);
            foreach (var r in refs.Values.OrderBy(x => x, System.StringComparer.Ordinal)) rsp.AppendLine("-r:" + r);
            rsp.AppendLine("--targetos:linux");
            rsp.AppendLine("--targetarch:x64");
            rsp.AppendLine(optimize ? "-O" : "--preinitstatics");
            if (debugInfo) rsp.AppendLine("-g");
            rsp.AppendLine("--systemmodule:System.Private.CoreLib");
            rsp.AppendLine("--initassembly:System.Private.CoreLib");
            rsp.AppendLine("--initassembly:System.Private.StackTraceMetadata");
            rsp.AppendLine("--initassembly:System.Private.TypeLoader");
            rsp.AppendLine("--initassembly:System.Private.Reflection.Execution");
            rsp.AppendLine("--stacktracedata");
            // P/Invokes into the host's native shims become direct symbol references, so any the
            // kernel reaches show up as link errors naming the symbol (instead of lazy binding at run time).
            foreach (var lib in DirectPInvokeLibraries) rsp.AppendLine("--directpinvoke:" + lib);
            rsp.AppendLine("--generateunmanagedentrypoints:System.Private.CoreLib");
            foreach (var n in kernelLibs.Append(inputName).Distinct()) rsp.AppendLine("--generateunmanagedentrypoints:" + n);
            foreach (var f in Features) rsp.AppendLine("--feature:" + f);
            var rspPath = Path.ChangeExtension(output, ".ilc.rsp");
            File.WriteAllText(rspPath, rsp.ToString());

            // Byte-identical inputs (and options) as an earlier build: reuse its object (IlcCache).
            var cache = IlcCache.ForUser();
            string key = null;
            if (cache != null)
            {
                key = IlcCache.Key(ilc, rsp.ToString(), refs.Values.Append(inputPath));
                var hit = System.Diagnostics.Stopwatch.StartNew();
                if (cache.TryCopyTo(key, output))
                    return $"{Path.GetFileName(inputPath)} -> {Path.GetFileName(output)} ({new FileInfo(output).Length / 1024} KiB, from the ilc cache, {Tool.Seconds(hit.Elapsed)})";
            }

            var r2 = Tool.Run(ilc, new[] { "@" + rspPath });
            if (r2.ExitCode != 0 || !File.Exists(output))
            {
                var text = (r2.StdOut + r2.StdErr).Trim();
                throw new BuildStepException("COSMOS041", $"ilc failed (exit {r2.ExitCode}) compiling {Path.GetFileName(inputPath)}; command line in {rspPath}:\n{text}", inputPath);
            }
            foreach (var line in (r2.StdOut + r2.StdErr).Split('\n').Where(l => l.Contains("warning", System.StringComparison.OrdinalIgnoreCase)).Take(20))
                System.Console.WriteLine("cosmos: [ilc] " + line.Trim());
            if (cache != null && cache.Put(key, output) is string warning)
                System.Console.WriteLine("cosmos: [ilc] warning COSMOS108: " + warning);
            return $"{Path.GetFileName(inputPath)} -> {Path.GetFileName(output)} ({new FileInfo(output).Length / 1024} KiB, {Tool.Seconds(r2.Elapsed)})";
        }
    }
}
