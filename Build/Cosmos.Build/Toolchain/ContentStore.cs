using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace Cosmos.Build.Toolchain
{
    /// <summary>
    /// A folder of content-addressed entries, the storage under the patch cache and the ilc cache: <c>root/&lt;key&gt;/</c>
    /// holds the entry's files and a <c>manifest</c> (one line per file: name, byte length, SHA-256). An entry is written
    /// to a temporary folder and renamed into place, so concurrent or interrupted builds never see half an entry; reading
    /// checks every file against the manifest, and a damaged entry is deleted. At most <c>maxEntries</c> entries are kept
    /// (least recently used, by the manifest's write time, removed first); temporary folders older than an hour are removed.
    /// </summary>
    internal sealed class ContentStore
    {
        private readonly string _root, _what;
        private readonly int _maxEntries;

        /// <param name="root">Folder of the entries (created on first store).</param>
        /// <param name="maxEntries">Entries kept.</param>
        /// <param name="what">Name in warnings, e.g. "patch cache".</param>
        public ContentStore(string root, int maxEntries, string what)
        {
            _root = Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root)));
            _maxEntries = maxEntries;
            _what = what;
        }

        private const string LockPrefix = ".lock-";

        /// <summary>Folder of the entry for <paramref name="key"/>.</summary>
        public string EntryPath(string key) => Path.Combine(_root, key);

        /// <summary>
        /// The files of the entry for <paramref name="key"/> (name → bytes, each checked against the manifest; the entry is
        /// marked recently used), or null when there is none. <paramref name="damage"/> is set when an entry existed but did
        /// not match its manifest; it was then deleted.
        /// </summary>
        public Dictionary<string, byte[]> TryRead(string key, out string damage)
        {
            damage = null;
            string dir = EntryPath(key);
            string manifest = Path.Combine(dir, "manifest");
            if (!File.Exists(manifest)) return null;
            try
            {
                var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (string line in File.ReadAllLines(manifest))
                {
                    string[] f = line.Split(' ');
                    if (f.Length != 3) throw new InvalidDataException("manifest line '" + line + "' is not 'file length sha256'");
                    byte[] content = File.ReadAllBytes(Path.Combine(dir, f[0]));
                    if (content.LongLength.ToString() != f[1] || HashBytes(content) != f[2]) throw new InvalidDataException(f[0] + " does not match the manifest");
                    files[f[0]] = content;
                }
                File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow); // recently used
                return files;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is InvalidDataException)
            {
                damage = e.Message;
                Discard(key);
                return null;
            }
        }

        /// <summary>
        /// Takes this store's lock for <paramref name="key"/>, so that of several builds missing the same entry at once one
        /// makes it while the others wait and then read it (a test run builds the demo OS and a test bundle side by side, and
        /// both patch the same CoreLib). The lock is an advisory file lock (flock) on <c>root/.lock-&lt;key&gt;</c>, released by
        /// Dispose or by the OS when the process ends. Returns null when it was not free within <paramref name="wait"/> or the
        /// folder cannot be written: the caller goes on without it (at worst two builds make the same entry).
        /// </summary>
        public IDisposable Lock(string key, TimeSpan wait)
        {
            string path = Path.Combine(_root, LockPrefix + key);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    Directory.CreateDirectory(_root);
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (waited.Elapsed < wait && File.Exists(path))
                {
                    Thread.Sleep(100);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    return null;
                }
            }
        }

        /// <summary>Deletes the entry for <paramref name="key"/> (a caller that found its files unusable).</summary>
        public void Discard(string key) => TryDelete(EntryPath(key));

        /// <summary>
        /// Stores <paramref name="files"/> (name, bytes) under <paramref name="key"/>; an existing entry is kept. Returns a
        /// warning when the store cannot be written, else null.
        /// </summary>
        public string Put(string key, IEnumerable<(string Name, byte[] Content)> files)
        {
            string dir = EntryPath(key);
            if (File.Exists(Path.Combine(dir, "manifest"))) return null;
            string tmp = Path.Combine(_root, ".tmp-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(tmp);
                var manifest = new StringBuilder();
                foreach (var (name, content) in files)
                {
                    File.WriteAllBytes(Path.Combine(tmp, name), content);
                    manifest.Append(name).Append(' ').Append(content.LongLength).Append(' ').Append(HashBytes(content)).Append('\n');
                }
                File.WriteAllText(Path.Combine(tmp, "manifest"), manifest.ToString());
                if (Directory.Exists(dir)) TryDelete(dir); // a damaged leftover without manifest
                Directory.Move(tmp, dir);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                TryDelete(tmp);
                if (File.Exists(Path.Combine(dir, "manifest"))) return null; // another build stored the same entry first
                return _what + " " + _root + " could not be written (" + e.Message + "); builds stay correct but slower";
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
                foreach (var e in entries.Skip(_maxEntries)) TryDelete(e.Dir.FullName);
                foreach (DirectoryInfo stale in new DirectoryInfo(_root).GetDirectories(".tmp-*"))
                    if (stale.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1)) TryDelete(stale.FullName);
                // Lock files of entries gone from the store (an entry's lock is held only while it is being made).
                foreach (FileInfo lockFile in new DirectoryInfo(_root).GetFiles(LockPrefix + "*"))
                    if (!Directory.Exists(EntryPath(lockFile.Name.Substring(LockPrefix.Length))) && lockFile.LastWriteTimeUtc < DateTime.UtcNow.AddHours(-1))
                        lockFile.Delete();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
            }
        }

        /// <summary>Lower-case hex SHA-256 of a file's bytes.</summary>
        public static string HashFile(string path)
        {
            using FileStream s = File.OpenRead(path);
            return Convert.ToHexString(SHA256.HashData(s)).ToLowerInvariant();
        }

        /// <summary>Lower-case hex SHA-256 of <paramref name="b"/>.</summary>
        public static string HashBytes(byte[] b) => Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();

        /// <summary>Lower-case hex SHA-256 of <paramref name="text"/> in UTF-8 (a key).</summary>
        public static string HashText(string text) => HashBytes(Encoding.UTF8.GetBytes(text));

        private static void TryDelete(string dir)
        {
            try { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }
}
