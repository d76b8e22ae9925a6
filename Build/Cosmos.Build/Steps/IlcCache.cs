using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Content-addressed store of ilc's output objects, so that a rebuild whose ilc inputs are byte-identical to an
    /// earlier build's (a clean build after <c>dotnet clean</c>, a touched but unchanged source, switching branches
    /// back) copies the object (≈ 20 MB, well under a second) instead of compiling again (≈ 10–12 s of CPU for the
    /// demo OS with -O).
    /// </summary>
    /// <remarks>
    /// The key is a SHA-256 over: a format tag, the ilc executable's path, length and last write time (its package
    /// folder names the version), the whole response file (options and every path, so the same key never stands for
    /// another output path layout), and the length and SHA-256 of every assembly the response file names together
    /// with the PDB beside it when there is one (ilc -g reads source lines from PDBs). Layout:
    /// <c>root/&lt;key&gt;/object.o</c> and <c>manifest</c> ("object.o LENGTH SHA256"); an entry is written to a
    /// temporary folder and renamed into place, so concurrent builds never see half an entry; an entry that does not
    /// match its manifest is deleted and counts as a miss. At most <see cref="MaxEntries"/> entries are kept (least
    /// recently used removed first).
    /// </remarks>
    public sealed class IlcCache
    {
        /// <summary>Entries kept (one object per distinct set of inputs; the demo OS's is ≈ 20 MB with debug info).</summary>
        public const int MaxEntries = 48;

        private const string Format = "cosmos-ilc-cache 1";
        private readonly string _root;

        /// <param name="root">Folder of the entries (created on first store).</param>
        public IlcCache(string root) { _root = Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root))); }

        /// <summary>
        /// The ilc cache of this user: <c>$COSMOS_CACHE/ilc</c> when COSMOS_CACHE is set (<c>off</c>: no cache, null),
        /// else <c>$XDG_CACHE_HOME/cosmos/ilc</c>, else <c>~/.cache/cosmos/ilc</c>; null when none can be determined.
        /// </summary>
        public static IlcCache ForUser()
        {
            string patched = PatchStep.CacheDirectory();
            return patched == null ? null : new IlcCache(Path.Combine(Path.GetDirectoryName(patched)!, "ilc"));
        }

        /// <summary>The key of one ilc run: <paramref name="ilc"/> executable, the response file's text and the files it names.</summary>
        /// <exception cref="IOException">An input cannot be read.</exception>
        public static string Key(string ilc, string responseFile, IEnumerable<string> inputFiles)
        {
            var sb = new StringBuilder(Format).Append('\n');
            var ilcInfo = new FileInfo(ilc);
            sb.Append("ilc ").Append(ilcInfo.FullName).Append(' ').Append(ilcInfo.Exists ? ilcInfo.Length : -1).Append(' ')
              .Append(ilcInfo.Exists ? ilcInfo.LastWriteTimeUtc.Ticks : 0).Append('\n');
            sb.Append("rsp\n").Append(responseFile).Append('\n');
            foreach (string f in inputFiles.Select(Path.GetFullPath).Distinct().OrderBy(x => x, StringComparer.Ordinal))
            {
                sb.Append(f).Append(' ').Append(HashFile(f)).Append('\n');
                string pdb = Path.ChangeExtension(f, ".pdb");
                if (File.Exists(pdb)) sb.Append(pdb).Append(' ').Append(HashFile(pdb)).Append('\n');
            }
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
        }

        /// <summary>Copies the cached object for <paramref name="key"/> to <paramref name="output"/>; false when there is none (or it was damaged and discarded).</summary>
        public bool TryCopyTo(string key, string output)
        {
            string dir = Path.Combine(_root, key);
            string manifest = Path.Combine(dir, "manifest");
            if (!File.Exists(manifest)) return false;
            try
            {
                string[] f = File.ReadAllText(manifest).Trim().Split(' ');
                if (f.Length != 3 || f[0] != "object.o") throw new InvalidDataException("bad manifest");
                byte[] content = File.ReadAllBytes(Path.Combine(dir, "object.o"));
                if (content.LongLength.ToString() != f[1] || HashBytes(content) != f[2]) throw new InvalidDataException("object does not match the manifest");
                string tmp = output + ".tmp";
                File.WriteAllBytes(tmp, content);
                File.Move(tmp, output, true);
                File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow); // recently used
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                TryDelete(dir);
                return false;
            }
        }

        /// <summary>Stores <paramref name="objectFile"/> under <paramref name="key"/> (an existing entry is kept). Returns a warning when the cache cannot be written, else null.</summary>
        public string Put(string key, string objectFile)
        {
            string dir = Path.Combine(_root, key);
            if (File.Exists(Path.Combine(dir, "manifest"))) return null;
            string tmp = Path.Combine(_root, ".tmp-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(tmp);
                byte[] content = File.ReadAllBytes(objectFile);
                File.WriteAllBytes(Path.Combine(tmp, "object.o"), content);
                File.WriteAllText(Path.Combine(tmp, "manifest"), $"object.o {content.LongLength} {HashBytes(content)}\n");
                if (Directory.Exists(dir)) TryDelete(dir); // a leftover without manifest
                Directory.Move(tmp, dir);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                TryDelete(tmp);
                if (File.Exists(Path.Combine(dir, "manifest"))) return null; // another build stored it first
                return "ilc cache " + _root + " could not be written (" + e.Message + "); builds stay correct but slower";
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
                foreach (var e in entries.Skip(MaxEntries)) TryDelete(e.Dir.FullName);
                foreach (DirectoryInfo stale in new DirectoryInfo(_root).GetDirectories(".tmp-*"))
                    if (stale.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)) TryDelete(stale.FullName);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
            }
        }

        private static string HashFile(string path)
        {
            if (!File.Exists(path)) return "none";
            using var s = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
        }

        private static string HashBytes(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

        private static void TryDelete(string dir)
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }
}
