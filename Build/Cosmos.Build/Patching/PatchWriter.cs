using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Step 5 (writing and caching): serializes every target assembly that has patched methods (or takes its image
    /// from the <see cref="PatchCache"/>) while the assembly set is open, storing new images in the cache when the run has
    /// no errors — <see cref="Prepare"/> — and, when it still has none, writes the images to the output directory,
    /// leaving byte-identical files untouched — <see cref="Write"/>. Output is deterministic (deterministic MVID, the
    /// input's PE timestamp).
    /// </summary>
    internal sealed class PatchWriter : PatcherStep
    {
        private readonly List<PendingWrite> _pending = new List<PendingWrite>();

        public PatchWriter(PatchContext context) : base(context)
        {
        }

        /// <summary>
        /// Makes (or finds in the cache) the image of every patched target, in target order. On a miss it takes the entry's
        /// lock (<see cref="PatchCache.Lock"/>) and looks again: another build may have been making the same entry. An image
        /// made here is stored at once (the run's errors are all known by now, and a failed write stores nothing), so one
        /// lock at a time is held and two builds that patch the same targets in different orders never wait on each other.
        /// </summary>
        public void Prepare()
        {
            PatchCache cache = string.IsNullOrEmpty(Request.CacheDirectory) ? null : new PatchCache(Request.CacheDirectory);
            List<string> plugOrder = Request.PlugAssemblies.Select(Path.GetFullPath).ToList();
            foreach (LoadedAssembly t in Set.All.Where(a => a.IsTarget && a.PatchedMethods > 0).OrderBy(a => a.TargetOrder))
            {
                string key = null;
                IDisposable held = null;
                try
                {
                    if (cache != null && !HasErrors)
                    {
                        List<LoadedAssembly> contributors = Context.Bindings.Where(b => b.TargetAssembly == t).Select(b => b.PlugAssembly).Distinct()
                            .OrderBy(a => plugOrder.IndexOf(a.Path)).ToList();
                        key = cache.Key(t, contributors, Request.WriteSymbols && t.Module.HasSymbols, Set);
                        (byte[] Image, byte[] Symbols)? hit = cache.TryGet(key, t.Name, out string warning);
                        if (hit == null && warning == null && (held = cache.Lock(key)) != null)
                            hit = cache.TryGet(key, t.Name, out warning);   // stored by the build that held the lock, if any
                        if (warning != null)
                            Report(PatchSeverity.Warning, DiagnosticCodes.CacheEntryDamaged, warning, new SourceLocation { File = t.Path });
                        if (hit != null)
                        {
                            _pending.Add(new PendingWrite { Name = t.Name, Source = t.Path, Image = hit.Value.Image, Symbols = hit.Value.Symbols, Count = t.PatchedMethods, FromCache = true });
                            continue;
                        }
                    }
                    PendingWrite p = Serialize(t);
                    if (p == null) continue;
                    _pending.Add(p);
                    if (key != null && !HasErrors && cache.Put(key, p.Name, p.Image, p.Symbols) is string putWarning)
                        Report(PatchSeverity.Warning, DiagnosticCodes.CacheEntryDamaged, putWarning, new SourceLocation { File = p.Source });
                }
                finally
                {
                    held?.Dispose();
                }
            }
        }

        /// <summary>Writes the prepared images (only after an error-free run) and returns what was written.</summary>
        public List<PatchedAssembly> Write()
        {
            var written = new List<PatchedAssembly>();
            Directory.CreateDirectory(Request.OutputDirectory);
            foreach (PendingWrite p in _pending)
            {
                string outPath = Path.Combine(Path.GetFullPath(Request.OutputDirectory), Path.GetFileName(p.Source));
                bool changed = WriteIfChanged(outPath, p.Image);
                string pdbPath = Path.ChangeExtension(outPath, ".pdb");
                if (p.Symbols != null)
                    changed |= WriteIfChanged(pdbPath, p.Symbols);
                else if (File.Exists(pdbPath))
                    File.Delete(pdbPath); // a stale PDB from an earlier run would not match the new image
                written.Add(new PatchedAssembly(p.Name, p.Source, outPath, p.Symbols != null ? pdbPath : null, p.Count, changed, p.FromCache));
            }
            return written;
        }

        private sealed class PendingWrite
        {
            public string Name;
            public string Source;
            public byte[] Image;
            public byte[] Symbols;
            public int Count;
            public bool FromCache;
        }

        private PendingWrite Serialize(LoadedAssembly a)
        {
            string outDir = Path.GetFullPath(Request.OutputDirectory).TrimEnd(Path.DirectorySeparatorChar);
            string srcDir = Path.GetDirectoryName(a.Path).TrimEnd(Path.DirectorySeparatorChar);
            if (string.Equals(outDir, srcDir, StringComparison.Ordinal))
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                    "the output directory is the directory of target '" + a.Name + "'; patched assemblies never overwrite their inputs",
                    new SourceLocation { File = a.Path });
                return null;
            }
            ModuleDefinition module = a.Module;
            // The strong-name signature would no longer match; neither ilc nor CoreCLR checks it. Keep the public key (identity).
            module.Attributes &= ~ModuleAttributes.StrongNameSigned;
            bool symbols = Request.WriteSymbols && module.HasSymbols;
            var image = new MemoryStream();
            var pdb = symbols ? new MemoryStream() : null;
            try
            {
                var wp = new WriterParameters { DeterministicMvid = true };
                if (symbols)
                {
                    wp.WriteSymbols = true;
                    wp.SymbolWriterProvider = new PortablePdbWriterProvider();
                    wp.SymbolStream = pdb;
                }
                a.Assembly.Write(image, wp);
            }
            catch (Exception e)
            {
                Report(PatchSeverity.Error, DiagnosticCodes.InputError,
                    "writing patched '" + a.Name + "' failed: " + e.GetType().Name + ": " + e.Message, new SourceLocation { File = a.Path });
                return null;
            }
            return new PendingWrite
            {
                Name = a.Name,
                Source = a.Path,
                Image = image.ToArray(),
                Symbols = pdb?.ToArray(),
                Count = a.PatchedMethods,
            };
        }

        private static bool WriteIfChanged(string path, byte[] content)
        {
            if (File.Exists(path))
            {
                var info = new FileInfo(path);
                if (info.Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                    return false;
            }
            string tmp = path + ".tmp";
            File.WriteAllBytes(tmp, content);
            File.Move(tmp, path, overwrite: true);
            return true;
        }
    }
}
