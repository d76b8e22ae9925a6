using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Cosmos.Build.Toolchain
{
    /// <summary>
    /// Incremental-build bookkeeping: a step is up to date when a stamp file records the same
    /// fingerprint of its inputs (path, size, last write time of each file, plus settings)
    /// and all its outputs exist.
    /// </summary>
    public static class Stamp
    {
        public static string Fingerprint(IEnumerable<string> files, params string[] settings)
        {
            var sb = new StringBuilder();
            foreach (var f in files.Select(Path.GetFullPath).Distinct().OrderBy(x => x, StringComparer.Ordinal))
            {
                var fi = new FileInfo(f);
                sb.Append(f).Append('|').Append(fi.Exists ? fi.Length : -1).Append('|').Append(fi.Exists ? fi.LastWriteTimeUtc.Ticks : 0).Append('\n');
            }
            foreach (var s in settings) sb.Append(s).Append('\n');
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
        }

        public static bool UpToDate(string stampFile, string fingerprint, params string[] outputs)
            => File.Exists(stampFile) && File.ReadAllText(stampFile) == fingerprint && outputs.All(File.Exists);

        public static void Write(string stampFile, string fingerprint)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(stampFile))!);
            File.WriteAllText(stampFile, fingerprint);
        }
    }
}
