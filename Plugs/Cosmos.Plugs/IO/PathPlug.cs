#pragma warning disable CS1591 // each plug implements the documented BCL member it replaces
using System;
using Cosmos.System.FileSystem;
using IL2CPU.API.Attribs;

namespace Cosmos.Plugs.IO
{
    /// <summary>
    /// <see cref="global::System.IO.Path"/> with Cosmos's path syntax (volume roots <c>0:\</c>, '\' separators, '/'
    /// accepted): the NativeAOT CoreLib is the Unix build, whose Path hard-codes '/' as a constant that reaches the
    /// compiled IL, so the methods that split or join paths are replaced; each forwards to <see cref="CosmosPath"/>.
    /// Methods not listed here (GetRandomFileName, Exists…) keep the CoreLib's code, which reaches the separators only
    /// through the plugged members below and <see cref="PathInternalPlug"/>.
    /// </summary>
    [Plug(typeof(global::System.IO.Path))]
    public static class PathPlug
    {
        /// <summary>Path's static fields: DirectorySeparatorChar '\', AltDirectorySeparatorChar '/', VolumeSeparatorChar ':', PathSeparator ';'.</summary>
        public static void CCtor(
            [FieldAccess(Name = "DirectorySeparatorChar")] ref char directorySeparatorChar,
            [FieldAccess(Name = "AltDirectorySeparatorChar")] ref char altDirectorySeparatorChar,
            [FieldAccess(Name = "VolumeSeparatorChar")] ref char volumeSeparatorChar,
            [FieldAccess(Name = "PathSeparator")] ref char pathSeparator,
            [FieldAccess(Name = "InvalidPathChars")] ref char[] invalidPathChars)
        {
            directorySeparatorChar = CosmosPath.DirectorySeparatorChar;
            altDirectorySeparatorChar = CosmosPath.AltDirectorySeparatorChar;
            volumeSeparatorChar = CosmosPath.VolumeSeparatorChar;
            pathSeparator = CosmosPath.PathSeparator;
            invalidPathChars = CosmosPath.GetInvalidPathChars();
        }

        public static string Combine(string path1, string path2)
        {
            ArgumentNullException.ThrowIfNull(path1);
            ArgumentNullException.ThrowIfNull(path2);
            return CosmosPath.Combine(new[] { path1, path2 });
        }

        public static string Combine(string path1, string path2, string path3)
        {
            ArgumentNullException.ThrowIfNull(path1);
            ArgumentNullException.ThrowIfNull(path2);
            ArgumentNullException.ThrowIfNull(path3);
            return CosmosPath.Combine(new[] { path1, path2, path3 });
        }

        public static string Combine(string path1, string path2, string path3, string path4)
        {
            ArgumentNullException.ThrowIfNull(path1);
            ArgumentNullException.ThrowIfNull(path2);
            ArgumentNullException.ThrowIfNull(path3);
            ArgumentNullException.ThrowIfNull(path4);
            return CosmosPath.Combine(new[] { path1, path2, path3, path4 });
        }

        public static string Combine(string[] paths)
        {
            ArgumentNullException.ThrowIfNull(paths);
            return CosmosPath.Combine(paths);
        }

        public static string Combine(ReadOnlySpan<string> paths) => CosmosPath.Combine(paths);

        public static string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2) => CosmosPath.Join(new[] { path1.ToString(), path2.ToString() });

        public static string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3) =>
            CosmosPath.Join(new[] { path1.ToString(), path2.ToString(), path3.ToString() });

        public static string Join(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3, ReadOnlySpan<char> path4) =>
            CosmosPath.Join(new[] { path1.ToString(), path2.ToString(), path3.ToString(), path4.ToString() });

        public static string Join(string path1, string path2) => CosmosPath.Join(new[] { path1, path2 });

        public static string Join(string path1, string path2, string path3) => CosmosPath.Join(new[] { path1, path2, path3 });

        public static string Join(string path1, string path2, string path3, string path4) => CosmosPath.Join(new[] { path1, path2, path3, path4 });

        public static string Join(string[] paths)
        {
            ArgumentNullException.ThrowIfNull(paths);
            return CosmosPath.Join(paths);
        }

        public static string Join(ReadOnlySpan<string> paths) => CosmosPath.Join(paths);

        public static bool TryJoin(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, Span<char> destination, out int charsWritten) =>
            Copy(CosmosPath.Join(new[] { path1.ToString(), path2.ToString() }), destination, out charsWritten);

        public static bool TryJoin(ReadOnlySpan<char> path1, ReadOnlySpan<char> path2, ReadOnlySpan<char> path3, Span<char> destination, out int charsWritten) =>
            Copy(CosmosPath.Join(new[] { path1.ToString(), path2.ToString(), path3.ToString() }), destination, out charsWritten);

        private static bool Copy(string s, Span<char> destination, out int charsWritten)
        {
            if (s.Length > destination.Length) { charsWritten = 0; return false; }
            s.AsSpan().CopyTo(destination);
            charsWritten = s.Length;
            return true;
        }

        public static string GetFullPath(string path) => CosmosPath.GetFullPath(path);

        public static string GetFullPath(string path, string basePath)
        {
            ArgumentNullException.ThrowIfNull(basePath);
            return CosmosPath.GetFullPath(path, basePath);
        }

        public static string GetFullPathInternal(string path) => CosmosPath.GetFullPath(path);

        public static bool IsPathRooted(string path) => path != null && CosmosPath.IsPathRooted(path);

        public static bool IsPathRooted(ReadOnlySpan<char> path) => CosmosPath.IsPathRooted(path);

        public static string GetPathRoot(string path) => CosmosPath.GetPathRoot(path);

        public static ReadOnlySpan<char> GetPathRoot(ReadOnlySpan<char> path) =>
            CosmosPath.IsEffectivelyEmpty(path) ? ReadOnlySpan<char>.Empty : path.Slice(0, CosmosPath.GetRootLength(path));

        public static bool IsPathFullyQualified(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            return !CosmosPath.IsPartiallyQualified(path);
        }

        public static bool IsPathFullyQualified(ReadOnlySpan<char> path) => !CosmosPath.IsPartiallyQualified(path);

        public static string GetDirectoryName(string path) => CosmosPath.GetDirectoryName(path);

        public static ReadOnlySpan<char> GetDirectoryName(ReadOnlySpan<char> path)
        {
            if (CosmosPath.IsEffectivelyEmpty(path)) return ReadOnlySpan<char>.Empty;
            int end = CosmosPath.GetDirectoryNameOffset(path);
            return end >= 0 ? path.Slice(0, end) : ReadOnlySpan<char>.Empty;
        }

        public static int GetDirectoryNameOffset(ReadOnlySpan<char> path) => CosmosPath.GetDirectoryNameOffset(path);

        public static string GetFileName(string path)
        {
            if (path == null) return null;
            var name = CosmosPath.GetFileName(path);
            return name.Length == path.Length ? path : name.ToString();
        }

        public static ReadOnlySpan<char> GetFileName(ReadOnlySpan<char> path) => CosmosPath.GetFileName(path);

        public static string GetFileNameWithoutExtension(string path) => path == null ? null : CosmosPath.GetFileNameWithoutExtension(path).ToString();

        public static ReadOnlySpan<char> GetFileNameWithoutExtension(ReadOnlySpan<char> path) => CosmosPath.GetFileNameWithoutExtension(path);

        public static string GetExtension(string path) => path == null ? null : CosmosPath.GetExtension(path).ToString();

        public static ReadOnlySpan<char> GetExtension(ReadOnlySpan<char> path) => CosmosPath.GetExtension(path);

        public static bool HasExtension(string path) => path != null && CosmosPath.GetExtension(path).Length > 0;

        public static bool HasExtension(ReadOnlySpan<char> path) => CosmosPath.GetExtension(path).Length > 0;

        public static string ChangeExtension(string path, string extension) => CosmosPath.ChangeExtension(path, extension);

        public static string GetRelativePath(string relativeTo, string path, StringComparison comparisonType) => CosmosPath.GetRelativePath(relativeTo, path);

        public static string TrimEndingDirectorySeparator(string path) => CosmosPath.TrimEndingDirectorySeparator(path);

        public static ReadOnlySpan<char> TrimEndingDirectorySeparator(ReadOnlySpan<char> path) => CosmosPath.TrimEndingDirectorySeparator(path);

        public static bool EndsInDirectorySeparator(string path) => path != null && CosmosPath.EndsInDirectorySeparator(path);

        public static bool EndsInDirectorySeparator(ReadOnlySpan<char> path) => CosmosPath.EndsInDirectorySeparator(path);

        public static char[] GetInvalidFileNameChars() => CosmosPath.GetInvalidFileNameChars();

        public static char[] GetInvalidPathChars() => CosmosPath.GetInvalidPathChars();

        /// <summary>The temporary directory: <c>0:\Temp\</c> (Cosmos has no TMPDIR); the caller creates it when needed.</summary>
        public static string GetTempPath() => @"0:\Temp\";
    }

    /// <summary>
    /// The CoreLib's internal path helpers (System.IO.PathInternal, Unix build) with Cosmos's syntax; used by Path,
    /// Directory, File and the file-system enumerators. Names compare case-insensitively (FAT and ISO9660 are).
    /// </summary>
    [Plug(TargetName = "System.IO.PathInternal, System.Private.CoreLib")]
    public static class PathInternalPlug
    {
        public static bool IsDirectorySeparator(char c) => CosmosPath.IsDirectorySeparator(c);

        public static int GetRootLength(ReadOnlySpan<char> path) => CosmosPath.GetRootLength(path);

        public static string NormalizeDirectorySeparators(string path) => CosmosPath.NormalizeDirectorySeparators(path);

        public static bool IsPartiallyQualified(ReadOnlySpan<char> path) => CosmosPath.IsPartiallyQualified(path);

        public static bool IsEffectivelyEmpty(string path) => string.IsNullOrEmpty(path) || CosmosPath.IsEffectivelyEmpty(path);

        public static bool IsEffectivelyEmpty(ReadOnlySpan<char> path) => CosmosPath.IsEffectivelyEmpty(path);

        public static bool StartsWithDirectorySeparator(ReadOnlySpan<char> path) => path.Length > 0 && CosmosPath.IsDirectorySeparator(path[0]);

        public static string EnsureTrailingSeparator(string path) => CosmosPath.EndsInDirectorySeparator(path) ? path : path + CosmosPath.DirectorySeparatorChar;

        public static bool IsRoot(ReadOnlySpan<char> path) => CosmosPath.IsRoot(path);

        public static string RemoveRelativeSegments(string path, int rootLength) => CosmosPath.RemoveRelativeSegments(path, rootLength);

        public static string TrimEndingDirectorySeparator(string path) => CosmosPath.TrimEndingDirectorySeparator(path);

        public static ReadOnlySpan<char> TrimEndingDirectorySeparator(ReadOnlySpan<char> path) => CosmosPath.TrimEndingDirectorySeparator(path);

        public static bool EndsInDirectorySeparator(string path) => !string.IsNullOrEmpty(path) && CosmosPath.EndsInDirectorySeparator(path);

        public static bool EndsInDirectorySeparator(ReadOnlySpan<char> path) => CosmosPath.EndsInDirectorySeparator(path);

        public static bool get_IsCaseSensitive() => false;

        public static StringComparison get_StringComparison() => StringComparison.OrdinalIgnoreCase;

        public static ReadOnlySpan<byte> get_Utf8DirectorySeparators() => "\\/"u8;
    }
}
