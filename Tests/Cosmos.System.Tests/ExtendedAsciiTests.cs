using System.Linq;
using System.Text;
using Cosmos.System.ExtendedASCII;
using Xunit;

namespace Cosmos.System.Tests
{
    /// <summary>Cosmos's code pages against .NET's own tables (System.Text.CodePagesEncodingProvider), byte for byte.</summary>
    public class ExtendedAsciiTests
    {
        [Theory]
        [InlineData(437)]
        [InlineData(858)]
        public void EveryByteDecodesAsDotNetDoes(int codePage)
        {
            var ours = CosmosEncodingProvider.Instance.GetEncoding(codePage);
            var dotnet = CodePagesEncodingProvider.Instance.GetEncoding(codePage)!;
            var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
            string a = ours.GetString(all), b = dotnet.GetString(all);
            for (int i = 0; i < 256; i++)
                Assert.True(a[i] == b[i], $"cp{codePage} byte {i:X2}: ours U+{(int)a[i]:X4}, .NET U+{(int)b[i]:X4}");
            Assert.Equal(all, ours.GetBytes(a));
        }

        [Fact]
        public void UnmappableCharactersBecomeQuestionMarksAndNamesResolve()
        {
            var cp437 = CosmosEncodingProvider.Instance.GetEncoding(437);
            Assert.Equal(new byte[] { 0xC9, 0xCD, 0xBB, (byte)'?', (byte)'A' }, cp437.GetBytes("╔═╗€A"));
            Assert.Equal(0xD5, CosmosEncodingProvider.Instance.GetEncoding(858).GetBytes("€")[0]);
            Assert.Same(cp437, CosmosEncodingProvider.Instance.GetEncoding("IBM437"));
            Assert.Equal(858, CosmosEncodingProvider.Instance.GetEncoding("cp858").CodePage);
            Assert.Null(CosmosEncodingProvider.Instance.GetEncoding(1252));
            Assert.Null(CosmosEncodingProvider.Instance.GetEncoding("latin1-nope"));
            Assert.True(cp437.IsSingleByte);
            Assert.Equal("IBM437", cp437.WebName);
        }
    }
}
