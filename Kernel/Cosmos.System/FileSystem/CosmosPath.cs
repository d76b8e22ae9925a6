using System;
using System.Text;

namespace Cosmos.System.FileSystem
{
    /// <summary>
    /// Path syntax as Cosmos kernels use it: volumes are roots <c>0:\</c>, <c>1:\</c> … (a volume name of ASCII letters or
    /// digits, then ':'), '\' is the directory separator and '/' is accepted as an alternative, names compare
    /// case-insensitively (FAT, ISO9660). The rules follow .NET's Windows <c>System.IO.Path</c> for drive-rooted paths,
    /// so <c>Path.Combine(@"0:\", "dir", "a.txt")</c> is <c>0:\dir\a.txt</c>. The NativeAOT CoreLib is compiled for
    /// Unix ('/' only, roots "/"); the Path/PathInternal plugs in Plugs/Cosmos.Plugs/IO forward here. Pure code: no
    /// kernel state except <see cref="CurrentDirectory"/>, tested on the host (Tests/Cosmos.System.Tests/CosmosPathTests).
    /// </summary>
    public static class CosmosPath
    {
        /// <summary>The directory separator, '\'.</summary>
        public const char DirectorySeparatorChar = '\\';

        /// <summary>The alternative separator accepted in input, '/'.</summary>
        public const char AltDirectorySeparatorChar = '/';

        /// <summary>Ends a volume name: "0:".</summary>
        public const char VolumeSeparatorChar = ':';

        /// <summary>Separates paths in lists (PATH-like variables): ';' as on Windows.</summary>
        public const char PathSeparator = ';';

        private static string s_currentDirectory = @"0:\";

        /// <summary>
        /// The process-wide current directory, always fully qualified and normalized (e.g. <c>0:\dir</c>); relative paths
        /// resolve against it. <c>0:\</c> until set. Setting does not check that the directory exists (the PAL's
        /// chdir does); throws <see cref="ArgumentException"/> when the value is not fully qualified.
        /// </summary>
        public static string CurrentDirectory
        {
            get => s_currentDirectory;
            set
            {
                if (value == null || IsPartiallyQualified(value))
                    throw new ArgumentException($"the current directory must be a fully qualified path such as 0:\\dir, not '{value}'", nameof(value));
                s_currentDirectory = GetFullPath(value);
            }
        }

        /// <summary>True for '\' and '/'.</summary>
        public static bool IsDirectorySeparator(char c) => c == DirectorySeparatorChar || c == AltDirectorySeparatorChar;

        /// <summary>Length of the volume name including ':' ("0:" → 2), or 0 when the path does not start with one.</summary>
        public static int GetVolumeNameLength(ReadOnlySpan<char> path)
        {
            int i = 0;
            while (i < path.Length && IsVolumeNameChar(path[i])) i++;
            return i > 0 && i < path.Length && path[i] == VolumeSeparatorChar ? i + 1 : 0;
        }

        private static bool IsVolumeNameChar(char c) => (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

        /// <summary>
        /// Length of the root: "0:\" → 3, "0:" → 2 (volume-relative), "\" → 1 (rooted on the current volume), 0 for a
        /// relative path.
        /// </summary>
        public static int GetRootLength(ReadOnlySpan<char> path)
        {
            int volume = GetVolumeNameLength(path);
            if (volume > 0) return volume < path.Length && IsDirectorySeparator(path[volume]) ? volume + 1 : volume;
            return path.Length > 0 && IsDirectorySeparator(path[0]) ? 1 : 0;
        }

        /// <summary>True unless the path starts with a volume and a separator ("0:\…"): such paths depend on the current directory.</summary>
        public static bool IsPartiallyQualified(ReadOnlySpan<char> path)
        {
            int volume = GetVolumeNameLength(path);
            return !(volume > 0 && volume < path.Length && IsDirectorySeparator(path[volume]));
        }

        /// <summary>True when the path has a root (volume or leading separator), as Windows' Path.IsPathRooted.</summary>
        public static bool IsPathRooted(ReadOnlySpan<char> path) => GetRootLength(path) > 0;

        /// <summary>True for an empty path or one made of spaces only (Windows' rule).</summary>
        public static bool IsEffectivelyEmpty(ReadOnlySpan<char> path)
        {
            foreach (char c in path) if (c != ' ') return false;
            return true;
        }

        /// <summary>The root of <paramref name="path"/> with '/' turned into '\' ("0:/a" → "0:\"); null for null or effectively empty input.</summary>
        public static string GetPathRoot(string path)
        {
            if (path == null || IsEffectivelyEmpty(path)) return null;
            return NormalizeDirectorySeparators(path.Substring(0, GetRootLength(path)));
        }

        /// <summary>'/' → '\' and runs of separators collapsed to one; the root's separator is kept.</summary>
        public static string NormalizeDirectorySeparators(string path)
        {
            if (string.IsNullOrEmpty(path)) return path;
            bool normalized = true;
            for (int i = 0; i < path.Length; i++)
            {
                char c = path[i];
                if (c == AltDirectorySeparatorChar || (IsDirectorySeparator(c) && i + 1 < path.Length && IsDirectorySeparator(path[i + 1])))
                {
                    normalized = false;
                    break;
                }
            }
            if (normalized) return path;
            var sb = new StringBuilder(path.Length);
            for (int i = 0; i < path.Length; i++)
            {
                char c = path[i];
                if (IsDirectorySeparator(c))
                {
                    if (i + 1 < path.Length && IsDirectorySeparator(path[i + 1])) continue;
                    sb.Append(DirectorySeparatorChar);
                }
                else sb.Append(c);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Path.Combine: each rooted argument restarts the result; a separator is inserted between parts that lack one.
        /// Throws <see cref="ArgumentNullException"/> for a null part (as .NET does).
        /// </summary>
        public static string Combine(ReadOnlySpan<string> paths)
        {
            string result = "";
            for (int i = 0; i < paths.Length; i++)
            {
                string p = paths[i] ?? throw new ArgumentNullException(nameof(paths));
                if (p.Length == 0) continue;
                if (IsPathRooted(p)) result = p;
                else if (result.Length == 0) result = p;
                else result = IsDirectorySeparator(result[result.Length - 1]) ? result + p : result + DirectorySeparatorChar + p;
            }
            return result;
        }

        /// <summary>Path.Join: concatenates the non-empty parts, inserting '\' where neither side has a separator; never discards a part.</summary>
        public static string Join(ReadOnlySpan<string> paths)
        {
            var sb = new StringBuilder();
            foreach (string p in paths)
            {
                if (string.IsNullOrEmpty(p)) continue;
                if (sb.Length > 0 && !IsDirectorySeparator(sb[sb.Length - 1]) && !IsDirectorySeparator(p[0])) sb.Append(DirectorySeparatorChar);
                sb.Append(p);
            }
            return sb.ToString();
        }

        /// <summary>
        /// Path.GetFullPath: resolves against <see cref="CurrentDirectory"/> (a leading '\' means the current volume's
        /// root; "0:name" means 0:\name), removes "." and ".." segments (never above the root), turns '/' into '\'
        /// and collapses repeated separators; a trailing separator is kept. Throws <see cref="ArgumentNullException"/>
        /// for null, <see cref="ArgumentException"/> for an empty path or one containing NUL.
        /// </summary>
        public static string GetFullPath(string path) => GetFullPath(path, null);

        /// <summary>
        /// Path.GetFullPath(path, basePath): as <see cref="GetFullPath(string)"/>, relative to <paramref name="basePath"/>
        /// (null: the current directory), which must be fully qualified (<see cref="ArgumentException"/>).
        /// </summary>
        public static string GetFullPath(string path, string basePath)
        {
            ArgumentNullException.ThrowIfNull(path);
            if (path.Length == 0) throw new ArgumentException("The path is empty.", nameof(path));
            if (path.IndexOf('\0') >= 0) throw new ArgumentException("Null character in path.", nameof(path));
            if (basePath != null && IsPartiallyQualified(basePath))
                throw new ArgumentException($"Basepath argument is not fully qualified: '{basePath}'.", nameof(basePath));
            string cwd = basePath ?? s_currentDirectory;
            string combined;
            int volume = GetVolumeNameLength(path);
            if (volume > 0)
                combined = volume < path.Length && IsDirectorySeparator(path[volume]) ? path : path.Substring(0, volume) + DirectorySeparatorChar + path.Substring(volume);
            else if (IsDirectorySeparator(path[0]))
                combined = cwd.Substring(0, GetVolumeNameLength(cwd)) + path;
            else
                combined = IsDirectorySeparator(cwd[cwd.Length - 1]) ? cwd + path : cwd + DirectorySeparatorChar + path;
            return RemoveRelativeSegments(NormalizeDirectorySeparators(combined), GetRootLength(combined));
        }

        /// <summary>Removes "." and ".." segments after the first <paramref name="rootLength"/> characters (".." at the root stays at the root).</summary>
        public static string RemoveRelativeSegments(string path, int rootLength)
        {
            var parts = new global::System.Collections.Generic.List<string>();
            int start = rootLength;
            bool trailing = path.Length > rootLength && IsDirectorySeparator(path[path.Length - 1]);
            for (int i = rootLength; i <= path.Length; i++)
            {
                if (i == path.Length || IsDirectorySeparator(path[i]))
                {
                    string seg = path.Substring(start, i - start);
                    start = i + 1;
                    if (seg.Length == 0 || seg == ".") continue;
                    if (seg == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
                    parts.Add(seg);
                }
            }
            var sb = new StringBuilder(path.Length);
            sb.Append(path, 0, rootLength);
            for (int i = 0; i < parts.Count; i++)
            {
                if (i > 0) sb.Append(DirectorySeparatorChar);
                sb.Append(parts[i]);
            }
            if (trailing && parts.Count > 0) sb.Append(DirectorySeparatorChar);
            return sb.ToString();
        }

        /// <summary>Index where the directory part of <paramref name="path"/> ends (the last separator after the root), −1 when it has none (a root or a bare name).</summary>
        public static int GetDirectoryNameOffset(ReadOnlySpan<char> path)
        {
            int rootLength = GetRootLength(path);
            int end = path.Length;
            if (end <= rootLength) return -1;
            while (end > rootLength && !IsDirectorySeparator(path[--end])) { }
            while (end > rootLength && IsDirectorySeparator(path[end - 1])) end--;
            return end;
        }

        /// <summary>Path.GetDirectoryName: the path without its last component, separators normalized; null for null, empty or a root.</summary>
        public static string GetDirectoryName(string path)
        {
            if (path == null || IsEffectivelyEmpty(path)) return null;
            int end = GetDirectoryNameOffset(path);
            return end >= 0 ? NormalizeDirectorySeparators(path.Substring(0, end)) : null;
        }

        /// <summary>Path.GetFileName: the part after the last separator (or after the root).</summary>
        public static ReadOnlySpan<char> GetFileName(ReadOnlySpan<char> path)
        {
            int root = GetRootLength(path);
            for (int i = path.Length - 1; i >= root; i--)
                if (IsDirectorySeparator(path[i])) return path.Slice(i + 1);
            return path.Slice(root);
        }

        /// <summary>Path.GetExtension: from the last '.' of the file name (".txt"); empty when none or when the name ends with '.'.</summary>
        public static ReadOnlySpan<char> GetExtension(ReadOnlySpan<char> path)
        {
            var name = GetFileName(path);
            int dot = name.LastIndexOf('.');
            return dot >= 0 && dot != name.Length - 1 ? name.Slice(dot) : ReadOnlySpan<char>.Empty;
        }

        /// <summary>Path.GetFileNameWithoutExtension.</summary>
        public static ReadOnlySpan<char> GetFileNameWithoutExtension(ReadOnlySpan<char> path)
        {
            var name = GetFileName(path);
            int dot = name.LastIndexOf('.');
            return dot >= 0 ? name.Slice(0, dot) : name;
        }

        /// <summary>Path.ChangeExtension: replaces (or with null removes) the extension of the last component.</summary>
        public static string ChangeExtension(string path, string extension)
        {
            if (path == null) return null;
            int cut = path.Length;
            for (int i = path.Length - 1; i >= 0; i--)
            {
                char c = path[i];
                if (c == '.') { cut = i; break; }
                if (IsDirectorySeparator(c) || c == VolumeSeparatorChar) break;
            }
            string stem = path.Substring(0, cut);
            if (extension == null) return stem;
            if (extension.Length == 0 || extension[0] != '.') return stem + "." + extension;
            return stem + extension;
        }

        /// <summary>True when the path ends with '\' or '/'.</summary>
        public static bool EndsInDirectorySeparator(ReadOnlySpan<char> path) => path.Length > 0 && IsDirectorySeparator(path[path.Length - 1]);

        /// <summary>Removes one trailing separator unless the path is a root.</summary>
        public static ReadOnlySpan<char> TrimEndingDirectorySeparator(ReadOnlySpan<char> path) =>
            EndsInDirectorySeparator(path) && path.Length > GetRootLength(path) ? path.Slice(0, path.Length - 1) : path;

        /// <summary>Removes one trailing separator unless the path is a root; null stays null.</summary>
        public static string TrimEndingDirectorySeparator(string path) =>
            path != null && EndsInDirectorySeparator(path) && !IsRoot(path) ? path.Substring(0, path.Length - 1) : path;

        /// <summary>True when the path is exactly a root ("0:\", "0:", "\").</summary>
        public static bool IsRoot(ReadOnlySpan<char> path) => path.Length == GetRootLength(path);

        /// <summary>
        /// Path.GetRelativePath: the path from <paramref name="relativeTo"/> to <paramref name="path"/> (both made full
        /// first), compared case-insensitively; <paramref name="path"/> itself when the volumes differ.
        /// </summary>
        public static string GetRelativePath(string relativeTo, string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(relativeTo);
            ArgumentException.ThrowIfNullOrEmpty(path);
            relativeTo = GetFullPath(relativeTo);
            path = GetFullPath(path);
            int rootA = GetRootLength(relativeTo), rootB = GetRootLength(path);
            if (!string.Equals(relativeTo.Substring(0, rootA), path.Substring(0, rootB), StringComparison.OrdinalIgnoreCase)) return path;
            var a = Split(relativeTo, rootA);
            var b = Split(path, rootB);
            int common = 0;
            while (common < a.Count && common < b.Count && string.Equals(a[common], b[common], StringComparison.OrdinalIgnoreCase)) common++;
            var sb = new StringBuilder();
            for (int i = common; i < a.Count; i++) { if (sb.Length > 0) sb.Append(DirectorySeparatorChar); sb.Append(".."); }
            for (int i = common; i < b.Count; i++) { if (sb.Length > 0) sb.Append(DirectorySeparatorChar); sb.Append(b[i]); }
            if (sb.Length == 0) return ".";
            if (EndsInDirectorySeparator(path) && common < b.Count) sb.Append(DirectorySeparatorChar);
            return sb.ToString();
        }

        private static global::System.Collections.Generic.List<string> Split(string full, int root)
        {
            var list = new global::System.Collections.Generic.List<string>();
            foreach (var s in full.Substring(root).Split(DirectorySeparatorChar))
                if (s.Length > 0) list.Add(s);
            return list;
        }

        /// <summary>
        /// Splits a full path into its volume name (without ':') and the volume-relative path with '/' separators
        /// ("0:\dir\a.txt" → ("0", "dir/a.txt")), the shape <see cref="Cosmos.FileSystem.FileSystemVolume"/> takes.
        /// Returns false when <paramref name="fullPath"/> is not fully qualified.
        /// </summary>
        public static bool TrySplitVolume(string fullPath, out string volume, out string relative)
        {
            volume = relative = null;
            if (fullPath == null || IsPartiallyQualified(fullPath)) return false;
            int v = GetVolumeNameLength(fullPath);
            volume = fullPath.Substring(0, v - 1);
            relative = fullPath.Substring(v + 1).Replace(DirectorySeparatorChar, '/').TrimEnd('/');
            return true;
        }

        /// <summary>Characters a file name may not contain (FAT's rules plus the separators): control characters, " * / : &lt; &gt; ? \ |.</summary>
        public static char[] GetInvalidFileNameChars()
        {
            var list = new global::System.Collections.Generic.List<char> { '"', '<', '>', '|', ':', '*', '?', '\\', '/' };
            for (char c = '\0'; c < ' '; c++) list.Add(c);
            return list.ToArray();
        }

        /// <summary>Characters a path may not contain: control characters and '|' (as Windows' Path.GetInvalidPathChars).</summary>
        public static char[] GetInvalidPathChars()
        {
            var list = new global::System.Collections.Generic.List<char> { '|' };
            for (char c = '\0'; c < ' '; c++) list.Add(c);
            return list.ToArray();
        }
    }
}
