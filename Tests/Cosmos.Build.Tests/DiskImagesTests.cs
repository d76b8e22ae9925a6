using System;
using System.IO;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary><see cref="DiskImages"/>: the {disk:...} placeholders of qemu-args.txt and the sector pattern.</summary>
    public class DiskImagesTests
    {
        [Fact]
        public void PlaceholderBecomesAFreshPatternImage()
        {
            var dir = Path.Combine(Path.GetTempPath(), "cosmos-disk-" + Guid.NewGuid().ToString("N"));
            try
            {
                string tok = DiskImages.Expand("file={disk:p:2M},if=ide", dir);
                string path = Path.Combine(dir, "p.img");
                Assert.Equal("file=" + path + ",if=ide", tok);
                var bytes = File.ReadAllBytes(path);
                Assert.Equal(2 << 20, bytes.Length);
                var want = new byte[512];
                DiskImages.FillSector(4095, want);
                Assert.Equal(want, bytes.AsSpan(4095 * 512, 512).ToArray());
                Assert.Equal(4095L, BitConverter.ToInt64(bytes, 4095 * 512));
                Assert.Equal("COSMOSPT", System.Text.Encoding.ASCII.GetString(bytes, 8, 8));
                Assert.Equal(unchecked((byte)(4095 * 7 + 100)), bytes[4095 * 512 + 100]);
                File.WriteAllBytes(path, new byte[10]);
                DiskImages.Expand("{disk:p:2M}", dir);                 // recreated for every run
                Assert.Equal(2 << 20, new FileInfo(path).Length);
            }
            finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        }

        [Fact]
        public void SparseImagesHoldThePatternInTheFirstAndLastMiBOnly()
        {
            var dir = Path.Combine(Path.GetTempPath(), "cosmos-disk-" + Guid.NewGuid().ToString("N"));
            try
            {
                DiskImages.Expand("{disk:s:4M:sparse}", dir);
                var bytes = File.ReadAllBytes(Path.Combine(dir, "s.img"));
                Assert.Equal(4 << 20, bytes.Length);
                Assert.Equal(2047L, BitConverter.ToInt64(bytes, 2047 * 512));
                Assert.Equal(0, bytes[2048 * 512 + 8]);                 // the hole
                Assert.Equal(6144L, BitConverter.ToInt64(bytes, 6144 * 512));
                Assert.Equal(8191L, BitConverter.ToInt64(bytes, 8191 * 512));
            }
            finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
        }

        [Fact]
        public void TokensWithoutPlaceholdersPassThroughAndBadOnesThrow()
        {
            Assert.Equal("-nic", DiskImages.Expand("-nic", "/nonexistent"));
            Assert.Throws<ArgumentException>(() => DiskImages.Expand("{disk:x:0M}", Path.GetTempPath()));
            Assert.Throws<ArgumentException>(() => DiskImages.Expand("{disk:x:12Q}", Path.GetTempPath()));
        }
    }
}
