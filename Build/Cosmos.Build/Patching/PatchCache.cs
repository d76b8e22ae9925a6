using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Cosmos.Build.Toolchain;
using Mono.Cecil;

namespace Cosmos.Build.Patching
{
    /// <summary>
    /// Content-addressed store of patched assemblies, shared by every kernel built on this machine, so that a
    /// kernel edit (or the next test kernel) does not rewrite System.Private.CoreLib again (writing it with
    /// Cecil is ≈ 3 s of the ≈ 3.1 s plug step; binding and validating every plug still runs each time).
    /// </summary>
    /// <remarks>
    /// <para>
    /// The key of a patched target is a SHA-256 over everything its bytes depend on: this patcher's own
    /// assembly and Cecil's version, whether symbols are written, the target's bytes (and its PDB's), the
    /// bytes of each plug assembly that binds a plug to it (in request order), and the bytes of every
    /// assembly reachable through their assembly references (what type resolution and imports read).
    /// File names, paths and timestamps are not part of it, so fresh clones share entries.
    /// </para>
    /// <para>
    /// Layout: <c>root/&lt;key&gt;/</c> holds <c>Name.dll</c>, optionally <c>Name.pdb</c>, and <c>manifest</c>
    /// (one line per file: name, byte length, SHA-256). An entry is created in a temporary folder and renamed
    /// into place, so a concurrent or interrupted build never sees half an entry; an entry whose files do not
    /// match its manifest is deleted and reported as warning COSMOS107, and the target is patched anew. At most
    /// <see cref="MaxEntries"/> entries are kept (least recently used are removed).
    /// </para>
    /// </remarks>
    internal sealed class PatchCache
    {
        /// <summary>Entries kept in the cache folder; one per patched assembly per distinct set of inputs (CoreLib ≈ 7.6 MB with its PDB).</summary>
        public const int MaxEntries = 32;

        private const string Format = "cosmos-patch-cache 1";
        private static readonly Lazy<string> PatcherIdentity = new Lazy<string>(() =>
            ContentStore.HashFile(typeof(PatchCache).Assembly.Location) + " " + typeof(ModuleDefinition).Assembly.GetName().Version);

        private readonly ContentStore _store;
        private readonly Dictionary<string, string> _fileHashes = new Dictionary<string, string>(StringComparer.Ordinal);

        public PatchCache(string root)
        {
            _store = new ContentStore(root, MaxEntries, "patch cache");
        }

        /// <summary>The key of <paramref name="target"/> patched by <paramref name="plugAssemblies"/> (those that bind plugs to it, request order).</summary>
        public string Key(LoadedAssembly target, IReadOnlyList<LoadedAssembly> plugAssemblies, bool symbols, AssemblySet set)
        {
            var sb = new StringBuilder();
            sb.Append(Format).Append('\n').Append(PatcherIdentity.Value).Append('\n');
            sb.Append("symbols ").Append(symbols).Append('\n');
            sb.Append("target ").Append(target.Name).Append(' ').Append(FileHash(target.Path)).Append(' ')
              .Append(FileHash(Path.ChangeExtension(target.Path, ".pdb"))).Append('\n');
            foreach (LoadedAssembly p in plugAssemblies)
                sb.Append("plugs ").Append(p.Name).Append(' ').Append(FileHash(p.Path)).Append('\n');
            foreach (string line in Closure(plugAssemblies.Prepend(target), set))
                sb.Append("ref ").Append(line).Append('\n');
            return ContentStore.HashText(sb.ToString());
        }

        /// <summary>The cached image and symbols for <paramref name="key"/>, or null. <paramref name="warning"/> is set when a damaged entry was discarded.</summary>
        public (byte[] Image, byte[] Symbols)? TryGet(string key, string name, out string warning)
        {
            warning = null;
            var files = _store.TryRead(key, out string damage);
            if (files != null)
            {
                files.TryGetValue(name + ".dll", out byte[] image);
                files.TryGetValue(name + ".pdb", out byte[] symbols);
                string unexpected = files.Keys.FirstOrDefault(f => f != name + ".dll" && f != name + ".pdb");
                if (image != null && unexpected == null) return (image, symbols);
                damage = unexpected != null ? "unexpected file " + unexpected : "no " + name + ".dll in the manifest";
                _store.Discard(key);
            }
            if (damage != null)
                warning = "patch cache entry " + _store.EntryPath(key) + " is damaged (" + damage + "); it was discarded and " + name + " patched anew";
            return null;
        }

        /// <summary>
        /// Waits until no other build is making the entry for <paramref name="key"/> and keeps others from making it until
        /// disposed (<see cref="ContentStore.Lock"/>); null when that was not possible within <see cref="LockWait"/>.
        /// A build that missed the entry takes this, looks again, and makes the entry only if it is still missing.
        /// </summary>
        public IDisposable Lock(string key) => _store.Lock(key, LockWait);

        /// <summary>How long a build waits for another making the same entry (CoreLib took 9.5 s at a load average of 9).</summary>
        public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(3);

        /// <summary>Stores an entry (atomically; an existing entry for the key is kept). Returns a warning when the cache cannot be written, else null.</summary>
        public string Put(string key, string name, byte[] image, byte[] symbols)
        {
            var files = new List<(string, byte[])> { (name + ".dll", image) };
            if (symbols != null) files.Add((name + ".pdb", symbols));
            return _store.Put(key, files);
        }

        /// <summary>"name sha256" for every assembly reachable from <paramref name="roots"/> (sorted, roots included).</summary>
        private IEnumerable<string> Closure(IEnumerable<LoadedAssembly> roots, AssemblySet set) =>
            set.ReferenceClosure(roots)
               .Select(p => (p.Key, Hash: p.Value.Assembly != null ? FileHash(p.Value.Assembly.Path) : "unresolved " + p.Value.Reference.FullName))
               .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
               .Select(p => p.Key + " " + p.Hash);

        private string FileHash(string path)
        {
            if (_fileHashes.TryGetValue(path, out string h))
                return h;
            h = File.Exists(path) ? ContentStore.HashFile(path) : "none";
            _fileHashes[path] = h;
            return h;
        }
    }
}
