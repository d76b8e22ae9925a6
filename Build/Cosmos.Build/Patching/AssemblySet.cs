using System;
using System.Collections.Generic;
using System.IO;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Patching
{
    /// <summary>One assembly read by the patcher.</summary>
    internal sealed class LoadedAssembly
    {
        public string Path;
        public AssemblyDefinition Assembly;
        public bool IsTarget;
        public bool IsPlug;
        public bool HasSymbols;
        public bool SymbolsTried;
        public int TargetOrder = int.MaxValue;
        public int PatchedMethods;

        public ModuleDefinition Module => Assembly.MainModule;
        public string Name => Assembly.Name.Name;
    }

    /// <summary>
    /// Reads assemblies by path and resolves assembly references by simple name: targets, then plugs, then
    /// search directories. Acts as Cecil's <see cref="IAssemblyResolver"/> for everything it reads, so
    /// <c>TypeReference.Resolve()</c> follows type forwarders inside this set only.
    /// </summary>
    internal sealed class AssemblySet : IAssemblyResolver
    {
        private readonly Dictionary<string, LoadedAssembly> _byName = new Dictionary<string, LoadedAssembly>(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, LoadedAssembly> _byModule = new Dictionary<string, LoadedAssembly>(StringComparer.Ordinal);
        private readonly List<LoadedAssembly> _all = new List<LoadedAssembly>();
        private readonly List<string> _searchDirs;
        private readonly HashSet<string> _probeMisses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        public AssemblySet(IEnumerable<string> searchDirs)
        {
            _searchDirs = new List<string>(searchDirs);
        }

        public IReadOnlyList<LoadedAssembly> All => _all;

        public LoadedAssembly ByName(string simpleName)
        {
            LoadedAssembly a;
            return _byName.TryGetValue(simpleName, out a) ? a : null;
        }

        public LoadedAssembly Of(ModuleDefinition module)
        {
            LoadedAssembly a;
            return module != null && _byModule.TryGetValue(module.Assembly.Name.Name, out a) && a.Module == module ? a : null;
        }

        /// <summary>Reads <paramref name="path"/>; returns null (and sets <paramref name="error"/>) when it cannot.</summary>
        public LoadedAssembly Read(string path, bool wantSymbols, out string error, out bool symbolsFailed)
        {
            error = null;
            symbolsFailed = false;
            AssemblyDefinition asm = null;
            bool hasSymbols = false;
            if (wantSymbols)
            {
                try
                {
                    asm = AssemblyDefinition.ReadAssembly(path, Parameters(true));
                    hasSymbols = asm.MainModule.HasSymbols;
                }
                catch (Exception e) when (!(e is FileNotFoundException) && !(e is DirectoryNotFoundException) && !(e is BadImageFormatException))
                {
                    symbolsFailed = true;
                    asm = null;
                }
            }
            if (asm == null)
            {
                try
                {
                    asm = AssemblyDefinition.ReadAssembly(path, Parameters(false));
                }
                catch (Exception e)
                {
                    error = e.GetType().Name + ": " + e.Message;
                    return null;
                }
            }
            return new LoadedAssembly { Path = System.IO.Path.GetFullPath(path), Assembly = asm, HasSymbols = hasSymbols };
        }

        /// <summary>Registers <paramref name="a"/> under its simple name; false when the name is already taken.</summary>
        public bool Register(LoadedAssembly a)
        {
            if (_byName.ContainsKey(a.Name))
                return false;
            _byName.Add(a.Name, a);
            _byModule[a.Name] = a;
            _all.Add(a);
            return true;
        }

        private ReaderParameters Parameters(bool symbols)
        {
            var p = new ReaderParameters(ReadingMode.Deferred)
            {
                AssemblyResolver = this,
                ReadSymbols = symbols,
                ThrowIfSymbolsAreNotMatching = false,
                InMemory = false,
            };
            if (symbols)
                p.SymbolReaderProvider = new DefaultSymbolReaderProvider(throwIfNoSymbol: false);
            return p;
        }

        public AssemblyDefinition Resolve(AssemblyNameReference name) => Resolve(name, null);

        public AssemblyDefinition Resolve(AssemblyNameReference name, ReaderParameters parameters)
        {
            if (name == null)
                return null;
            LoadedAssembly a;
            if (_byName.TryGetValue(name.Name, out a))
                return a.Assembly;
            if (_probeMisses.Contains(name.Name))
                return null;
            foreach (string dir in _searchDirs)
            {
                foreach (string ext in new[] { ".dll", ".exe" })
                {
                    string candidate = System.IO.Path.Combine(dir, name.Name + ext);
                    if (!File.Exists(candidate))
                        continue;
                    string err;
                    bool symFail;
                    LoadedAssembly loaded = Read(candidate, false, out err, out symFail);
                    if (loaded == null || !string.Equals(loaded.Name, name.Name, StringComparison.OrdinalIgnoreCase))
                    {
                        loaded?.Assembly.Dispose();
                        continue;
                    }
                    Register(loaded);
                    return loaded.Assembly;
                }
            }
            _probeMisses.Add(name.Name);
            return null;
        }

        /// <summary>
        /// Every assembly reachable from <paramref name="roots"/> through assembly references (roots included), by simple
        /// name (case-insensitive), each with the assembly this set resolved it to (null when it resolves nowhere) and the
        /// reference it was first met through (null for a root).
        /// </summary>
        public Dictionary<string, (LoadedAssembly Assembly, AssemblyNameReference Reference)> ReferenceClosure(IEnumerable<LoadedAssembly> roots)
        {
            var seen = new Dictionary<string, (LoadedAssembly, AssemblyNameReference)>(StringComparer.OrdinalIgnoreCase);
            var work = new Queue<ModuleDefinition>();
            foreach (LoadedAssembly r in roots)
                if (seen.TryAdd(r.Name, (r, null)))
                    work.Enqueue(r.Module);
            while (work.Count > 0)
            {
                foreach (AssemblyNameReference reference in work.Dequeue().AssemblyReferences)
                {
                    if (seen.ContainsKey(reference.Name))
                        continue;
                    AssemblyDefinition resolved = Resolve(reference);
                    LoadedAssembly la = resolved != null ? Of(resolved.MainModule) : null;
                    seen.Add(reference.Name, (la, reference));
                    if (la != null)
                        work.Enqueue(la.Module);
                }
            }
            return seen;
        }

        public void Dispose()
        {
            foreach (LoadedAssembly a in _all)
                a.Assembly.Dispose();
            _all.Clear();
            _byName.Clear();
            _byModule.Clear();
        }
    }
}
