using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Applies every plug found in the kernel's assemblies (those referencing IL2CPU.API) to
    /// the kernel's assemblies and the NativeAOT framework, writing rewritten copies to
    /// <c>patched/</c> (the ilc step prefers them). Plug errors become build errors naming
    /// the plug's file and member.
    /// </summary>
    public static class PatchStep
    {
        /// <summary>Returns a one-line summary.</summary>
        public static string Run(string kernelAssembly, IReadOnlyList<string> libs, NativeAotPackages packages, string outDir)
        {
            // Keep the folder: the patcher leaves byte-identical outputs untouched (their timestamps
            // keep the ilc step up to date); stale files from removed plugs are deleted below.
            Directory.CreateDirectory(outDir);
            var all = libs.Append(kernelAssembly).ToList();
            var plugs = all.Where(ReferencesPlugApi).ToList();
            if (plugs.Count == 0)
            {
                foreach (var f in Directory.GetFiles(outDir)) File.Delete(f);
                return "no plug assemblies";
            }
            var req = new PatchRequest { OutputDirectory = outDir, CacheDirectory = CacheDirectory() };
            foreach (var p in plugs) req.PlugAssemblies.Add(p);
            foreach (var t in all) req.TargetAssemblies.Add(t);
            foreach (var f in packages.Assemblies().Values) req.TargetAssemblies.Add(f);
            req.SearchDirectories.Add(Path.GetDirectoryName(Path.GetFullPath(kernelAssembly))!);
            foreach (var d in packages.AssemblyDirectories) req.SearchDirectories.Add(d);
            var result = PlugPatcher.Run(req);
            foreach (var w in result.Warnings) System.Console.WriteLine(w.ToString());
            if (!result.Success)
            {
                foreach (var e in result.Errors) System.Console.WriteLine(e.ToString());
                throw new BuildStepException("COSMOS080", $"{result.Errors.Count()} plug error(s); see above.");
            }
            var keep = new HashSet<string>(result.PatchedAssemblies.SelectMany(a => new[] { a.OutputPath, a.SymbolsPath }).Where(p => p != null).Select(Path.GetFullPath));
            foreach (var f in Directory.GetFiles(outDir))
                if (!keep.Contains(Path.GetFullPath(f))) File.Delete(f);
            int cached = result.PatchedAssemblies.Count(a => a.FromCache);
            string fromCache = cached == 0 ? "" : cached == result.PatchedAssemblies.Count ? "; all from the patch cache" : $"; {cached} from the patch cache";
            return $"{result.Plugs.Count} plugs from {plugs.Count} assemblies patched {result.PatchedAssemblies.Count} assemblies ({string.Join(", ", result.PatchedAssemblies.Select(a => a.AssemblyName))}{fromCache})";
        }

        /// <summary>
        /// The patched-assembly cache shared by all kernels of this user: <c>$COSMOS_CACHE</c> when set (<c>off</c>
        /// disables it), else <c>$XDG_CACHE_HOME/cosmos/patched</c>, else <c>~/.cache/cosmos/patched</c>.
        /// Null (no cache) when none of these can be determined.
        /// </summary>
        public static string CacheDirectory()
        {
            string env = System.Environment.GetEnvironmentVariable("COSMOS_CACHE");
            if (env == "off") return null;
            if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "patched");
            string xdg = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "cosmos", "patched");
            string home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
            return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "cosmos", "patched");
        }

        private static bool ReferencesPlugApi(string path)
        {
            try
            {
                using var a = Mono.Cecil.AssemblyDefinition.ReadAssembly(path);
                return a.MainModule.AssemblyReferences.Any(r => r.Name == "IL2CPU.API");
            }
            catch { return false; }
        }
    }
}
