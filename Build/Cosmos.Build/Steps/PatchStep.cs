using System;
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
        /// <summary>
        /// Patches; returns a one-line summary. With <paramref name="scopeFile"/>, a successful run records there which
        /// assemblies its output depends on and the files it wrote, for <see cref="UpToDateWithout"/>; the file is
        /// deleted first, so a failed run leaves none.
        /// </summary>
        public static string Run(string kernelAssembly, IReadOnlyList<string> libs, NativeAotPackages packages, string outDir, string scopeFile = null)
        {
            if (scopeFile != null && File.Exists(scopeFile)) File.Delete(scopeFile);
            // Keep the folder: the patcher leaves byte-identical outputs untouched (their timestamps
            // keep the ilc step up to date); stale files from removed plugs are deleted below.
            Directory.CreateDirectory(outDir);
            var all = libs.Append(kernelAssembly).ToList();
            var plugs = all.Where(ReferencesPlugApi).ToList();
            if (plugs.Count == 0)
            {
                foreach (var f in Directory.GetFiles(outDir)) File.Delete(f);
                WriteScope(scopeFile, plugs, new string[0], new string[0]);
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
            WriteScope(scopeFile, plugs, result.Scope, keep);
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

        private const string ScopeHeader = "cosmos-plug-scope 1";

        /// <summary>
        /// The scope file: a header line, then <c>depends-on NAME</c> per assembly of <see cref="PatchResult.Scope"/> and
        /// per plug assembly (or <c>depends-on *</c> when the scope is every assembly), then <c>output PATH</c> per file written.
        /// </summary>
        private static void WriteScope(string scopeFile, IEnumerable<string> plugAssemblies, IReadOnlyCollection<string> scope, IEnumerable<string> outputs)
        {
            if (scopeFile == null) return;
            var lines = new List<string> { ScopeHeader };
            if (scope == null) lines.Add("depends-on *");
            else lines.AddRange(scope.Concat(plugAssemblies.Select(p => Path.GetFileNameWithoutExtension(p)))
                .Distinct(System.StringComparer.OrdinalIgnoreCase).OrderBy(n => n, System.StringComparer.OrdinalIgnoreCase).Select(n => "depends-on " + n));
            lines.AddRange(outputs.OrderBy(o => o, System.StringComparer.Ordinal).Select(o => "output " + o));
            File.WriteAllLines(scopeFile, lines);
        }

        /// <summary>
        /// True when the last successful run's output (recorded in <paramref name="scopeFile"/>) does not depend on
        /// <paramref name="kernelAssembly"/>: the kernel holds no plugs (it does not reference IL2CPU.API), no plug named
        /// it or found its target in it, nothing the plugs depend on references it, and every file that run wrote is still
        /// there. Then a change of the kernel alone leaves the patched assemblies as they are. <paramref name="why"/> says
        /// why not, for the progress line.
        /// </summary>
        public static bool UpToDateWithout(string kernelAssembly, string scopeFile, out string why)
        {
            why = null;
            // The assembly's own name (what the plugs and the record name), not the file's.
            string name;
            bool plugApi;
            try
            {
                using var a = Mono.Cecil.AssemblyDefinition.ReadAssembly(kernelAssembly);
                name = a.Name.Name;
                plugApi = a.MainModule.AssemblyReferences.Any(r => r.Name == "IL2CPU.API");
            }
            catch (System.Exception e) when (e is IOException || e is System.BadImageFormatException || e is UnauthorizedAccessException)
            {
                why = "cannot read " + kernelAssembly + ": " + e.Message;
                return false;
            }
            string[] lines;
            try { lines = File.Exists(scopeFile) ? File.ReadAllLines(scopeFile) : null; }
            catch (IOException) { lines = null; }
            if (lines == null || lines.Length == 0 || lines[0] != ScopeHeader) { why = "no record of the last run"; return false; }
            foreach (var l in lines.Skip(1))
            {
                if (l == "depends-on *") { why = "a plug's TargetName names no assembly"; return false; }
                if (l.StartsWith("depends-on ", System.StringComparison.Ordinal) && string.Equals(l.Substring(11), name, System.StringComparison.OrdinalIgnoreCase)) { why = "plugs involve " + name; return false; }
                if (l.StartsWith("output ", System.StringComparison.Ordinal) && !File.Exists(l.Substring(7))) { why = "a patched assembly is missing"; return false; }
            }
            if (plugApi) { why = name + " references IL2CPU.API"; return false; }
            return true;
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
