using System;
using Cosmos.System.FileSystem;
using Xunit;

namespace Cosmos.System.Tests
{
    /// <summary>
    /// Cosmos path syntax (volume roots "0:\", '\' separators) against the results .NET's Windows System.IO.Path gives for
    /// the same calls with a drive letter (the expected values were taken from Windows .NET semantics: Combine restarts at
    /// rooted parts, Join never does, GetFullPath removes "."/".." and normalizes separators, GetDirectoryName is null at
    /// a root).
    /// </summary>
    public class CosmosPathTests
    {
        public CosmosPathTests() => CosmosPath.CurrentDirectory = @"0:\";

        [Theory]
        [InlineData(@"0:\", "dir", "a.txt", @"0:\dir\a.txt")]
        [InlineData(@"0:\dir", "sub", "a.txt", @"0:\dir\sub\a.txt")]
        [InlineData(@"0:\dir\", @"1:\x", "a.txt", @"1:\x\a.txt")]
        [InlineData("a", "", "b", @"a\b")]
        [InlineData("a", @"\b", "c", @"\b\c")]
        [InlineData(@"0:\a/", "b", "c", @"0:\a/b\c")]
        public void Combine(string a, string b, string c, string expected) => Assert.Equal(expected, CosmosPath.Combine(new[] { a, b, c }));

        [Fact]
        public void CombineRejectsNull() => Assert.Throws<ArgumentNullException>(() => CosmosPath.Combine(new[] { "a", null }));

        [Theory]
        [InlineData("a", @"\b", @"a\b")]
        [InlineData(@"0:\", "b", @"0:\b")]
        [InlineData("a", "b", @"a\b")]
        [InlineData("", "b", "b")]
        public void Join(string a, string b, string expected) => Assert.Equal(expected, CosmosPath.Join(new[] { a, b }));

        [Theory]
        [InlineData(@"0:\dir\a.txt", @"0:\dir\a.txt")]
        [InlineData(@"0:/dir//a.txt", @"0:\dir\a.txt")]
        [InlineData(@"0:\dir\..\a.txt", @"0:\a.txt")]
        [InlineData(@"0:\..\..\a.txt", @"0:\a.txt")]
        [InlineData(@"0:\dir\.\sub\", @"0:\dir\sub\")]
        [InlineData(@"0:\", @"0:\")]
        [InlineData(@"0:", @"0:\")]
        [InlineData(@"1:x", @"1:\x")]
        [InlineData("a.txt", @"0:\work\a.txt")]
        [InlineData(@"..\a.txt", @"0:\a.txt")]
        [InlineData(@"\top.txt", @"0:\top.txt")]
        [InlineData(".", @"0:\work")]
        public void GetFullPath(string path, string expected)
        {
            CosmosPath.CurrentDirectory = @"0:\work";
            Assert.Equal(expected, CosmosPath.GetFullPath(path));
        }

        [Fact]
        public void GetFullPathErrors()
        {
            Assert.Throws<ArgumentNullException>(() => CosmosPath.GetFullPath(null));
            Assert.Throws<ArgumentException>(() => CosmosPath.GetFullPath(""));
            Assert.Throws<ArgumentException>(() => CosmosPath.GetFullPath("a\0b"));
            Assert.Throws<ArgumentException>(() => CosmosPath.GetFullPath("a", "relative"));
            Assert.Equal(@"1:\base\a", CosmosPath.GetFullPath("a", @"1:\base"));
            Assert.Throws<ArgumentException>(() => CosmosPath.CurrentDirectory = "dir");
        }

        [Theory]
        [InlineData(@"0:\dir\a.txt", @"0:\dir")]
        [InlineData(@"0:\dir\", @"0:\dir")]
        [InlineData(@"0:\a.txt", @"0:\")]
        [InlineData(@"0:\", null)]
        [InlineData(@"0:/dir/sub/a", @"0:\dir\sub")]
        [InlineData("a.txt", "")]
        [InlineData(@"dir\a.txt", "dir")]
        [InlineData("", null)]
        public void GetDirectoryName(string path, string expected) => Assert.Equal(expected, CosmosPath.GetDirectoryName(path));

        [Theory]
        [InlineData(@"0:\dir\a.txt", "a.txt", ".txt", "a")]
        [InlineData(@"0:\dir\", "", "", "")]
        [InlineData(@"0:a.tar.gz", "a.tar.gz", ".gz", "a.tar")]
        [InlineData("noext", "noext", "", "noext")]
        [InlineData(@"0:\d.x\name.", "name.", "", "name")]
        public void FileNameParts(string path, string name, string ext, string stem)
        {
            Assert.Equal(name, CosmosPath.GetFileName(path).ToString());
            Assert.Equal(ext, CosmosPath.GetExtension(path).ToString());
            Assert.Equal(stem, CosmosPath.GetFileNameWithoutExtension(path).ToString());
        }

        [Theory]
        [InlineData(@"0:\a", true, false, 3)]
        [InlineData(@"0:a", true, true, 2)]
        [InlineData(@"\a", true, true, 1)]
        [InlineData("a", false, true, 0)]
        [InlineData(@"12:\a", true, false, 4)]
        [InlineData(@"a:b:\c", true, true, 2)]
        public void Roots(string path, bool rooted, bool partial, int rootLength)
        {
            Assert.Equal(rooted, CosmosPath.IsPathRooted(path));
            Assert.Equal(partial, CosmosPath.IsPartiallyQualified(path));
            Assert.Equal(rootLength, CosmosPath.GetRootLength(path));
        }

        [Theory]
        [InlineData(@"0:/x", @"0:\")]
        [InlineData("x", "")]
        [InlineData("  ", null)]
        public void GetPathRoot(string path, string expected) => Assert.Equal(expected, CosmosPath.GetPathRoot(path));

        [Theory]
        [InlineData(@"0:\dir\a.txt", ".bak", @"0:\dir\a.bak")]
        [InlineData(@"0:\dir\a", "bak", @"0:\dir\a.bak")]
        [InlineData(@"0:\dir.x\a", null, @"0:\dir.x\a")]
        [InlineData(@"0:\a.txt", null, @"0:\a")]
        public void ChangeExtension(string path, string ext, string expected) => Assert.Equal(expected, CosmosPath.ChangeExtension(path, ext));

        [Theory]
        [InlineData(@"0:\a\b", @"0:\a\b\c\d.txt", @"c\d.txt")]
        [InlineData(@"0:\a\b", @"0:\a\x", @"..\x")]
        [InlineData(@"0:\A\B", @"0:\a\b", ".")]
        [InlineData(@"0:\a", @"1:\a", @"1:\a")]
        public void GetRelativePath(string from, string to, string expected) => Assert.Equal(expected, CosmosPath.GetRelativePath(from, to));

        [Theory]
        [InlineData(@"0:\dir\a.txt", "0", "dir/a.txt")]
        [InlineData(@"0:\", "0", "")]
        [InlineData(@"12:\x\", "12", "x")]
        public void SplitVolume(string full, string volume, string relative)
        {
            Assert.True(CosmosPath.TrySplitVolume(full, out var v, out var r));
            Assert.Equal(volume, v);
            Assert.Equal(relative, r);
        }

        [Fact]
        public void TrimAndEnds()
        {
            Assert.Equal(@"0:\a", CosmosPath.TrimEndingDirectorySeparator(@"0:\a\").ToString());
            Assert.Equal(@"0:\", CosmosPath.TrimEndingDirectorySeparator(@"0:\").ToString());
            Assert.True(CosmosPath.EndsInDirectorySeparator("a/"));
            Assert.True(CosmosPath.IsRoot(@"0:\"));
            Assert.False(CosmosPath.IsRoot(@"0:\a"));
        }
    }
}
