using System;
using System.Text;
using Cosmos.HAL;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>The UTF-8 encoder <see cref="SerialPort"/> uses (RFC 3629), against .NET's encoder.</summary>
    public class SerialUtf8Tests
    {
        private static byte[] Encode(string s)
        {
            var buf = new byte[s.Length * 3 + 4];
            int n = SerialPort.EncodeUtf8(s, buf);
            return buf.AsSpan(0, n).ToArray();
        }

        [Theory]
        [InlineData("hello")]
        [InlineData("")]
        [InlineData("Grüße, café")]
        [InlineData("€ ≈ ∞ — ‰")]
        [InlineData("日本語テキスト")]
        [InlineData("emoji 😀 and 𝄞 clef")]
        [InlineData("\u007F\u0080\u07FF\u0800\uFFFF")]
        public void MatchesDotNet(string s)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(s), Encode(s));
        }

        [Fact]
        public void LoneSurrogates_BecomeReplacementCharacter()
        {
            Assert.Equal(new byte[] { 0x61, 0xEF, 0xBF, 0xBD, 0x62 }, Encode("a\uD800b"));
            Assert.Equal(new byte[] { 0xEF, 0xBF, 0xBD }, Encode("\uDC00"));
            Assert.Equal(new byte[] { 0x61, 0xEF, 0xBF, 0xBD }, Encode("a\uD83D")); // high surrogate at the end
        }

        [Theory]
        [InlineData(0x41, new byte[] { 0x41 })]
        [InlineData(0xE9, new byte[] { 0xC3, 0xA9 })]
        [InlineData(0x20AC, new byte[] { 0xE2, 0x82, 0xAC })]
        [InlineData(0x1F600, new byte[] { 0xF0, 0x9F, 0x98, 0x80 })]
        [InlineData(0x10FFFF, new byte[] { 0xF4, 0x8F, 0xBF, 0xBF })]
        [InlineData(0x110000, new byte[] { 0xEF, 0xBF, 0xBD })]
        [InlineData(0xD800, new byte[] { 0xEF, 0xBF, 0xBD })]
        [InlineData(-1, new byte[] { 0xEF, 0xBF, 0xBD })]
        public void Scalars(int scalar, byte[] expected)
        {
            var buf = new byte[4];
            int n = SerialPort.EncodeUtf8Scalar(scalar, buf);
            Assert.Equal(expected, buf.AsSpan(0, n).ToArray());
        }

        [Fact]
        public void DestinationTooSmall_Throws()
        {
            Assert.Throws<ArgumentException>(() => SerialPort.EncodeUtf8("€€", new byte[4]));
        }

        [Theory]
        [InlineData(115200u, 1)]
        [InlineData(57600u, 2)]
        [InlineData(38400u, 3)]
        [InlineData(9600u, 12)]
        [InlineData(50u, 2304)]
        [InlineData(100000u, 0)]
        [InlineData(0u, 0)]
        [InlineData(230400u, 0)]
        public void Divisors(uint rate, int divisor)
        {
            Assert.Equal((ushort)divisor, SerialPort.DivisorFor(rate));
        }
    }
}
