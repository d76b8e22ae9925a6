using System;
using System.IO;
using Cosmos.Build.Steps;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The ilc output cache (Build/Cosmos.Build/Steps/IlcCache.cs): content keys, round trip, damage, trimming.</summary>
    public class IlcCacheTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "cosmos-ilccache-" + Guid.NewGuid().ToString("N"));

        public IlcCacheTests() => Directory.CreateDirectory(_dir);
        public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

        private string Write(string name, string text)
        {
            string p = Path.Combine(_dir, name);
            File.WriteAllText(p, text);
            return p;
        }

        [Fact]
        public void KeyFollowsContentNotTimestamps()
        {
            string ilc = Write("ilc", "compiler");
            string a = Write("A.dll", "image one");
            string k1 = IlcCache.Key(ilc, "A.dll\n-O\n", new[] { a });
            File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddMinutes(5));
            Assert.Equal(k1, IlcCache.Key(ilc, "A.dll\n-O\n", new[] { a }));          // touched, same bytes
            File.WriteAllText(a, "image two");
            string k2 = IlcCache.Key(ilc, "A.dll\n-O\n", new[] { a });
            Assert.NotEqual(k1, k2);                                                   // one byte of an input
            Assert.NotEqual(k2, IlcCache.Key(ilc, "A.dll\n", new[] { a }));            // an option
            File.WriteAllText(Path.ChangeExtension(a, ".pdb"), "symbols");
            Assert.NotEqual(k2, IlcCache.Key(ilc, "A.dll\n-O\n", new[] { a }));        // the PDB beside it (ilc -g reads it)
        }

        [Fact]
        public void StoredObjectComesBackAndDamageIsAMiss()
        {
            var cache = new IlcCache(Path.Combine(_dir, "cache"));
            string obj = Write("k.o", "object bytes");
            string output = Path.Combine(_dir, "out.o");
            Assert.False(cache.TryCopyTo("k1", output));
            Assert.Null(cache.Put("k1", obj));
            Assert.True(cache.TryCopyTo("k1", output));
            Assert.Equal("object bytes", File.ReadAllText(output));

            File.WriteAllText(Path.Combine(_dir, "cache", "k1", "object.o"), "object bytez");
            File.Delete(output);
            Assert.False(cache.TryCopyTo("k1", output));                               // does not match its manifest
            Assert.False(File.Exists(output));
            Assert.False(Directory.Exists(Path.Combine(_dir, "cache", "k1")));         // discarded
        }

        [Fact]
        public void KeepsTheMostRecentlyUsedEntries()
        {
            var cache = new IlcCache(Path.Combine(_dir, "cache"));
            string obj = Write("k.o", "o");
            for (int i = 0; i <= IlcCache.MaxEntries; i++)
            {
                Assert.Null(cache.Put("key" + i, obj));
                File.SetLastWriteTimeUtc(Path.Combine(_dir, "cache", "key" + i, "manifest"), DateTime.UtcNow.AddMinutes(i - 100));
            }
            Assert.Null(cache.Put("newest", obj));
            Assert.Equal(IlcCache.MaxEntries, Directory.GetDirectories(Path.Combine(_dir, "cache")).Length);
            Assert.False(cache.TryCopyTo("key0", Path.Combine(_dir, "x.o")));
            Assert.False(cache.TryCopyTo("key1", Path.Combine(_dir, "x.o")));
            Assert.True(cache.TryCopyTo("newest", Path.Combine(_dir, "x.o")));
        }
    }
}
