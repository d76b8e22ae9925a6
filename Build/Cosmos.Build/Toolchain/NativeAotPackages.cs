using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Cosmos.Build.Toolchain
{
    /// <summary>
    /// The two NuGet packages a kernel is compiled with (NativeAOT 10.x layout):
    /// <list type="bullet">
    /// <item><c>runtime.linux-x64.Microsoft.DotNet.ILCompiler</c>: the compiler only, <c>tools/ilc</c> and its JITs;</item>
    /// <item><c>Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64</c> (the runtime pack): the BCL built for NativeAOT in
    /// <c>runtimes/linux-x64/lib/net10.0/*.dll</c> (171 assemblies in 10.0.12) and the runtime's own
    /// <c>System.Private.CoreLib</c>, <c>System.Private.Reflection.Execution</c>, <c>System.Private.StackTraceMetadata</c>,
    /// <c>System.Private.TypeLoader</c> beside the native <c>.a</c> libraries in <c>runtimes/linux-x64/native/</c>.</item>
    /// </list>
    /// The 9.x ILCompiler package held all of it (<c>framework/</c>, <c>sdk/</c>); that layout is no longer read.
    /// </summary>
    public sealed class NativeAotPackages
    {
        /// <summary>The ILCompiler package folder (holds <c>tools/ilc</c>).</summary>
        public string IlcPackage { get; }

        /// <summary>The runtime pack folder (holds <c>runtimes/linux-x64/…</c>).</summary>
        public string RuntimePack { get; }

        /// <summary>The compiler executable.</summary>
        public string Ilc => Path.Combine(IlcPackage, "tools", "ilc");

        /// <summary>The BCL assemblies folder of the runtime pack (<c>runtimes/linux-x64/lib/net*</c>).</summary>
        public string LibraryDirectory { get; }

        /// <summary>The runtime pack's native folder: the System.Private.* runtime assemblies (CoreLib among them).</summary>
        public string NativeDirectory { get; }

        /// <summary>Both assembly folders, BCL first; a simple name found in both resolves to the later one.</summary>
        public IReadOnlyList<string> AssemblyDirectories => new[] { LibraryDirectory, NativeDirectory };

        /// <summary>The NativeAOT System.Private.CoreLib.dll.</summary>
        public string CoreLib => Path.Combine(NativeDirectory, "System.Private.CoreLib.dll");

        /// <summary>
        /// Opens the two packages and checks their layout. Throws <see cref="BuildStepException"/> (COSMOS040) naming the
        /// package and what is missing, with the restore command to run, when either is absent or not in the 10.x layout.
        /// </summary>
        public NativeAotPackages(string ilcPackage, string runtimePack)
        {
            if (string.IsNullOrEmpty(ilcPackage)) throw new BuildStepException("COSMOS040", "no ILCompiler package folder was given (--ilc-package).");
            if (string.IsNullOrEmpty(runtimePack)) throw new BuildStepException("COSMOS040", "no NativeAOT runtime pack folder was given (--runtime-pack).");
            IlcPackage = ilcPackage;
            RuntimePack = runtimePack;
            if (!File.Exists(Ilc))
                throw new BuildStepException("COSMOS040", $"ilc was not found at {Ilc}; run 'dotnet restore' (package runtime.linux-x64.Microsoft.DotNet.ILCompiler).");
            var rid = Path.Combine(runtimePack, "runtimes", "linux-x64");
            var lib = Path.Combine(rid, "lib");
            string tfm = Directory.Exists(lib) ? Directory.GetDirectories(lib, "net*").OrderBy(d => d, StringComparer.Ordinal).LastOrDefault() : null;
            if (tfm == null || !File.Exists(Path.Combine(rid, "native", "System.Private.CoreLib.dll")))
                throw new BuildStepException("COSMOS040",
                    $"the NativeAOT runtime pack at {runtimePack} has no runtimes/linux-x64/lib/net*/ or no runtimes/linux-x64/native/System.Private.CoreLib.dll; " +
                    "run 'dotnet restore' (package Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64).");
            LibraryDirectory = tfm;
            NativeDirectory = Path.Combine(rid, "native");
        }

        /// <summary>
        /// Every managed assembly ilc compiles against, by simple name (case-insensitive): the BCL, then the runtime
        /// assemblies of the native folder. Values are full paths.
        /// </summary>
        public Dictionary<string, string> Assemblies()
        {
            var refs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var d in AssemblyDirectories)
                foreach (var f in Directory.GetFiles(d, "*.dll").OrderBy(f => f, StringComparer.Ordinal))
                    refs[Path.GetFileNameWithoutExtension(f)] = f;
            return refs;
        }
    }
}
