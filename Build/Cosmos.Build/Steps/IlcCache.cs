using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

using Cosmos.Build.Toolchain;

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
        private const string ObjectName = "object.o";
        private readonly ContentStore _store;

        /// <param name="root">Folder of the entries (created on first store).</param>
        public IlcCache(string root) { _store = new ContentStore(root, MaxEntries, "ilc cache"); }

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
            return ContentStore.HashText(sb.ToString());
        }

        /// <summary>Copies the cached object for <paramref name="key"/> to <paramref name="output"/>; false when there is none (or it was damaged and discarded).</summary>
        public bool TryCopyTo(string key, string output)
        {
            var files = _store.TryRead(key, out _);
            if (files == null) return false;
            if (files.Count != 1 || !files.TryGetValue(ObjectName, out byte[] content)) { _store.Discard(key); return false; }
            try
            {
                string tmp = output + ".tmp";
                File.WriteAllBytes(tmp, content);
                File.Move(tmp, output, true);
                return true;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        /// <summary>Stores <paramref name="objectFile"/> under <paramref name="key"/> (an existing entry is kept). Returns a warning when the cache cannot be written, else null.</summary>
        public string Put(string key, string objectFile)
        {
            if (File.Exists(Path.Combine(_store.EntryPath(key), "manifest"))) return null;
            byte[] content;
            try { content = File.ReadAllBytes(objectFile); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return "ilc cache: " + objectFile + " could not be read (" + e.Message + ")"; }
            return _store.Put(key, new[] { (ObjectName, content) });
        }

        private static string HashFile(string path) => File.Exists(path) ? ContentStore.HashFile(path) : "none";
    }
}
