using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
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
            HashFile(typeof(PatchCache).Assembly.Location) + " " + typeof(ModuleDefinition).Assembly.GetName().Version);

        private readonly string _root;
        private readonly Dictionary<string, string> _fileHashes = new Dictionary<string, string>(StringComparer.Ordinal);

        public PatchCache(string root)
        {
            _root = Path.GetFullPath(root);
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
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
        }

        /// <summary>The cached image and symbols for <paramref name="key"/>, or null. <paramref name="warning"/> is set when a damaged entry was discarded.</summary>
        public (byte[] Image, byte[] Symbols)? TryGet(string key, string name, out string warning)
        {
            warning = null;
            string dir = Path.Combine(_root, key);
            string manifest = Path.Combine(dir, "manifest");
            if (!File.Exists(manifest))
                return null;
            try
            {
                byte[] image = null, symbols = null;
                string[] lines = File.ReadAllLines(manifest);
                foreach (string line in lines)
                {
                    string[] f = line.Split(' ');
                    if (f.Length != 3)
                        throw new InvalidDataException("manifest line '" + line + "' is not 'file length sha256'");
                    byte[] content = File.ReadAllBytes(Path.Combine(dir, f[0]));
                    if (content.LongLength.ToString() != f[1] || HashBytes(content) != f[2])
                        throw new InvalidDataException(f[0] + " does not match the manifest");
                    if (f[0] == name + ".dll") image = content;
                    else if (f[0] == name + ".pdb") symbols = content;
                    else throw new InvalidDataException("unexpected file " + f[0]);
                }
                if (image == null)
                    throw new InvalidDataException("no " + name + ".dll in the manifest");
                File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow); // recently used
                return (image, symbols);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                warning = "patch cache entry " + dir + " is damaged (" + e.Message + "); it was discarded and " + name + " patched anew";
                TryDelete(dir);
                return null;
            }
        }

        /// <summary>Stores an entry (atomically; an existing entry for the key is kept). Returns a warning when the cache cannot be written, else null.</summary>
        public string Put(string key, string name, byte[] image, byte[] symbols)
        {
            string dir = Path.Combine(_root, key);
            if (File.Exists(Path.Combine(dir, "manifest")))
                return null;
            string tmp = Path.Combine(_root, ".tmp-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(tmp);
                var manifest = new StringBuilder();
                File.WriteAllBytes(Path.Combine(tmp, name + ".dll"), image);
                manifest.Append(name).Append(".dll ").Append(image.LongLength).Append(' ').Append(HashBytes(image)).Append('\n');
                if (symbols != null)
                {
                    File.WriteAllBytes(Path.Combine(tmp, name + ".pdb"), symbols);
                    manifest.Append(name).Append(".pdb ").Append(symbols.LongLength).Append(' ').Append(HashBytes(symbols)).Append('\n');
                }
                File.WriteAllText(Path.Combine(tmp, "manifest"), manifest.ToString());
                if (Directory.Exists(dir))
                    TryDelete(dir); // a damaged leftover without manifest
                Directory.Move(tmp, dir);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                TryDelete(tmp);
                if (File.Exists(Path.Combine(dir, "manifest")))
                    return null; // another build stored the same entry first
                return "patch cache " + _root + " could not be written (" + e.Message + "); builds stay correct but slower";
            }
            Trim();
            return null;
        }

        private void Trim()
        {
            try
            {
                var entries = new DirectoryInfo(_root).GetDirectories()
                    .Where(d => !d.Name.StartsWith(".", StringComparison.Ordinal))
                    .Select(d => (Dir: d, Used: File.Exists(Path.Combine(d.FullName, "manifest")) ? File.GetLastWriteTimeUtc(Path.Combine(d.FullName, "manifest")) : DateTime.MinValue))
                    .OrderByDescending(e => e.Used)
                    .ToList();
                foreach (var e in entries.Skip(MaxEntries))
                    TryDelete(e.Dir.FullName);
                foreach (DirectoryInfo stale in new DirectoryInfo(_root).GetDirectories(".tmp-*"))
                    if (stale.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1))
                        TryDelete(stale.FullName);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
            }
        }

        /// <summary>"name sha256" for every assembly reachable from <paramref name="roots"/> (sorted, roots included).</summary>
        private IEnumerable<string> Closure(IEnumerable<LoadedAssembly> roots, AssemblySet set)
        {
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var work = new Queue<ModuleDefinition>();
            foreach (LoadedAssembly r in roots)
                if (seen.TryAdd(r.Name, FileHash(r.Path)))
                    work.Enqueue(r.Module);
            while (work.Count > 0)
            {
                foreach (AssemblyNameReference reference in work.Dequeue().AssemblyReferences)
                {
                    if (seen.ContainsKey(reference.Name))
                        continue;
                    AssemblyDefinition resolved = set.Resolve(reference);
                    LoadedAssembly la = resolved != null ? set.Of(resolved.MainModule) : null;
                    seen.Add(reference.Name, la != null ? FileHash(la.Path) : "unresolved " + reference.FullName);
                    if (la != null)
                        work.Enqueue(la.Module);
                }
            }
            return seen.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + " " + p.Value);
        }

        private string FileHash(string path)
        {
            if (_fileHashes.TryGetValue(path, out string h))
                return h;
            h = File.Exists(path) ? HashFile(path) : "none";
            _fileHashes[path] = h;
            return h;
        }

        private static string HashFile(string path)
        {
            using FileStream s = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
        }

        private static string HashBytes(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

        private static void TryDelete(string dir)
        {
            try
            {
                if (Directory.Exists(dir))
                    Directory.Delete(dir, true);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
            }
        }
    }
}
