using System;
using System.Collections.Generic;
using System.Text;
using Cosmos.System.ConsoleIO;
using Xunit;

namespace Cosmos.System.Tests
{
    public sealed class Utf8DecoderTests
    {
        private static List<int> Decode(byte[] bytes, bool flush = true)
        {
            var d = new Utf8Decoder();
            var result = new List<int>();
            Span<int> s = stackalloc int[2];
            foreach (byte b in bytes)
            {
                int n = d.Push(b, s);
                for (int i = 0; i < n; i++) result.Add(s[i]);
            }
            if (flush)
            {
                int r = d.Flush();
                if (r >= 0) result.Add(r);
            }
            return result;
        }

        [Theory]
        [InlineData("hello")]
        [InlineData("Grüße, ½ € ✓")]
        [InlineData("\U0001F600 emoji")]
        [InlineData("\u07FF\u0800\uFFFD\uD7FF\uE000\U0010FFFF")]
        public void WellFormedTextRoundTrips(string text)
        {
            var expected = new List<int>();
            for (int i = 0; i < text.Length; i++)
            {
                int cp = char.ConvertToUtf32(text, i);
                if (cp > 0xFFFF) i++;
                expected.Add(cp);
            }
            Assert.Equal(expected, Decode(Encoding.UTF8.GetBytes(text)));
        }

        [Fact]
        public void SequenceSplitAcrossCallsIsJoined()
        {
            var d = new Utf8Decoder();
            Span<int> s = stackalloc int[2];
            Assert.Equal(0, d.Push(0xE2, s));
            Assert.True(d.IsPending);
            Assert.Equal(0, d.Push(0x82, s));
            Assert.Equal(1, d.Push(0xAC, s));
            Assert.Equal(0x20AC, s[0]);
            Assert.False(d.IsPending);
        }

        [Theory]
        [InlineData(new byte[] { 0xC0, 0xAF }, new[] { 0xFFFD, 0xFFFD })]            // overlong '/'
        [InlineData(new byte[] { 0xE0, 0x80, 0xAF }, new[] { 0xFFFD, 0xFFFD, 0xFFFD })] // overlong 3-byte
        [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, new[] { 0xFFFD, 0xFFFD, 0xFFFD })] // surrogate D800
        [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, new[] { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD })] // > U+10FFFF
        [InlineData(new byte[] { 0x80 }, new[] { 0xFFFD })]                           // stray continuation
        [InlineData(new byte[] { 0xFF, 0x41 }, new[] { 0xFFFD, 0x41 })]
        [InlineData(new byte[] { 0xE2, 0x82, 0x41 }, new[] { 0xFFFD, 0x41 })]         // cut short by ASCII: maximal subpart
        [InlineData(new byte[] { 0xF0, 0x9F, 0x98 }, new[] { 0xFFFD })]               // truncated at end (Flush)
        public void IllFormedInputBecomesReplacementCharacters(byte[] input, int[] expected)
        {
            Assert.Equal(expected, Decode(input));
        }

        [Fact]
        public void MatchesTheBclDecoderOnRandomBytes()
        {
            var rng = new Random(1234);
            for (int round = 0; round < 500; round++)
            {
                var bytes = new byte[rng.Next(1, 24)];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = rng.Next(3) == 0 ? (byte)rng.Next(0x80) : (byte)rng.Next(0x80, 0x100);
                string bcl = Encoding.UTF8.GetString(bytes); // also replaces maximal subparts with U+FFFD
                var sb = new StringBuilder();
                foreach (int cp in Decode(bytes)) sb.Append(char.ConvertFromUtf32(cp));
                Assert.Equal(bcl, sb.ToString());
            }
        }
    }
}
