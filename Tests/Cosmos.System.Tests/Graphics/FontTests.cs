using System;
using System.Collections.Generic;
using System.Text;
using Cosmos.System.Graphics.Fonts;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    public sealed class FontTests
    {
        /// <summary>A PSF1 file built from the format description: 36 04, mode, height, glyphs, optional table.</summary>
        internal static byte[] Psf1(byte mode, byte height, Action<int, byte[]> glyph = null, byte[] table = null)
        {
            int count = (mode & 1) != 0 ? 512 : 256;
            var f = new List<byte> { 0x36, 0x04, mode, height };
            for (int g = 0; g < count; g++)
            {
                var rows = new byte[height];
                glyph?.Invoke(g, rows);
                f.AddRange(rows);
            }
            if (table != null) f.AddRange(table);
            return f.ToArray();
        }

        /// <summary>A PSF2 file: 32-byte header (magic, version 0, header size 32, flags, count, bytes per glyph, height, width).</summary>
        internal static byte[] Psf2(int width, int height, int count, Action<int, byte[]> glyph = null, byte[] table = null)
        {
            int bpr = (width + 7) / 8, size = bpr * height;
            var f = new List<byte>();
            void U32(uint v) { f.Add((byte)v); f.Add((byte)(v >> 8)); f.Add((byte)(v >> 16)); f.Add((byte)(v >> 24)); }
            U32(0x864AB572); U32(0); U32(32); U32(table != null ? 1u : 0u); U32((uint)count); U32((uint)size); U32((uint)height); U32((uint)width);
            for (int g = 0; g < count; g++)
            {
                var rows = new byte[size];
                glyph?.Invoke(g, rows);
                f.AddRange(rows);
            }
            if (table != null) f.AddRange(table);
            return f.ToArray();
        }

        [Fact]
        public void Psf1WithoutTableMapsCodesToGlyphs()
        {
            var font = PCScreenFont.LoadFont(Psf1(0, 14, (g, r) => r[0] = (byte)g));
            Assert.Equal(8, font.Width);
            Assert.Equal(14, font.Height);
            Assert.Equal(256, font.GlyphCount);
            Assert.False(font.HasUnicodeTable);
            Assert.Equal(0x41, font.GetGlyphIndex('A'));
            Assert.Equal(0x41, font.Data[0x41 * 14]);
            Assert.Equal('?', font.GetGlyphIndex('\u20AC')); // beyond the glyphs: '?'
            Assert.Equal(512, PCScreenFont.LoadFont(Psf1(1, 8)).GlyphCount);
        }

        [Fact]
        public void Psf1UnicodeTableMapsCharactersAndSkipsSequences()
        {
            var table = new List<byte>();
            for (int g = 0; g < 256; g++)
            {
                if (g == 1) { table.AddRange(new byte[] { 0xAC, 0x20 }); }              // glyph 1 = U+20AC
                if (g == 2) { table.AddRange(new byte[] { 0x41, 0x00, 0xFE, 0xFF, 0x42, 0x00, 0x01, 0x03 }); } // 'A', then a sequence B+U+0301
                if (g == 3) { table.AddRange(new byte[] { 0x3F, 0x00 }); }              // '?'
                table.Add(0xFF); table.Add(0xFF);
            }
            var font = PCScreenFont.LoadFont(Psf1(2, 16, null, table.ToArray()));
            Assert.True(font.HasUnicodeTable);
            Assert.Equal(1, font.GetGlyphIndex('\u20AC'));
            Assert.Equal(2, font.GetGlyphIndex('A'));
            Assert.Equal(3, font.GetGlyphIndex('B'));      // only in a sequence: unmapped → '?'
            Assert.Equal(3, font.GetGlyphIndex('z'));
        }

        [Fact]
        public void Psf2ParsesSizesAndUtf8Table()
        {
            var table = new List<byte>();
            for (int g = 0; g < 4; g++)
            {
                if (g == 0) table.AddRange(Encoding.UTF8.GetBytes("?"));
                if (g == 1) table.AddRange(Encoding.UTF8.GetBytes("é\u20AC"));
                if (g == 2) { table.AddRange(Encoding.UTF8.GetBytes("x")); table.Add(0xFE); table.AddRange(Encoding.UTF8.GetBytes("y\u0301")); }
                table.Add(0xFF);
            }
            var font = PCScreenFont.LoadFont(Psf2(12, 20, 4, (g, r) => r[0] = (byte)(g + 1), table.ToArray()));
            Assert.Equal(12, font.Width);
            Assert.Equal(20, font.Height);
            Assert.Equal(2, font.BytesPerRow);
            Assert.Equal(4, font.GlyphCount);
            Assert.Equal(1, font.GetGlyphIndex('é'));
            Assert.Equal(1, font.GetGlyphIndex('\u20AC'));
            Assert.Equal(2, font.GetGlyphIndex('x'));
            Assert.Equal(0, font.GetGlyphIndex('y'));
            Assert.Equal(3, font.Data[2 * 40]);
        }

        public static IEnumerable<object[]> Malformed()
        {
            byte[] good2 = Psf2(8, 16, 4);
            yield return new object[] { "empty", new byte[0] };
            yield return new object[] { "bad magic", new byte[] { 1, 2, 3, 4, 5, 6 } };
            yield return new object[] { "psf1 header cut", new byte[] { 0x36, 0x04, 0 } };
            yield return new object[] { "psf1 glyphs cut", Psf1(0, 16)[..1000] };
            yield return new object[] { "psf1 height 0", new byte[] { 0x36, 0x04, 0, 0 } };
            yield return new object[] { "psf1 table cut", Psf1(2, 4, null, new byte[] { 0x41, 0x00, 0xFF, 0xFF }) };
            yield return new object[] { "psf2 header cut", good2[..20] };
            yield return new object[] { "psf2 glyphs cut", good2[..(good2.Length - 1)] };
            var badSize = (byte[])good2.Clone(); badSize[20] = 15; // bytes per glyph != height * bpr
            yield return new object[] { "psf2 charsize", badSize };
            var zeroCount = (byte[])good2.Clone(); zeroCount[16] = 0;
            yield return new object[] { "psf2 no glyphs", zeroCount };
            var bigHeader = (byte[])good2.Clone(); bigHeader[8] = 0xFF; bigHeader[9] = 0xFF;
            yield return new object[] { "psf2 header size", bigHeader };
            var zeroWidth = (byte[])good2.Clone(); zeroWidth[28] = 0;
            yield return new object[] { "psf2 width 0", zeroWidth };
            yield return new object[] { "psf2 table cut", Psf2(8, 2, 2, null, new byte[] { 0x41, 0xFF, 0x42 }) };
            yield return new object[] { "psf2 bad utf8", Psf2(8, 2, 1, null, new byte[] { 0xC3, 0x41, 0xFF }) };
            yield return new object[] { "psf2 utf8 cut", Psf2(8, 2, 1, null, new byte[] { 0xE2, 0x82 }) };
        }

        [Theory]
        [MemberData(nameof(Malformed))]
        public void MalformedFontsThrowArgumentExceptionNamingPsf(string what, byte[] data)
        {
            var e = Assert.Throws<ArgumentException>(() => PCScreenFont.LoadFont(data));
            Assert.StartsWith("PSF: ", e.Message);
            Assert.NotNull(what);
        }

        [Fact]
        public void NullFontIsArgumentNull() => Assert.Throws<ArgumentNullException>(() => PCScreenFont.LoadFont(null));

        [Fact]
        public void DefaultFontIs8x16WithEveryPrintableAsciiGlyphDrawn()
        {
            var font = PCScreenFont.Default;
            Assert.Same(font, PCScreenFont.Default);
            Assert.Equal(8, font.Width);
            Assert.Equal(16, font.Height);
            Assert.Equal(128, font.GlyphCount);
            var seen = new Dictionary<string, char>();
            for (char ch = '!'; ch <= '~'; ch++)
            {
                int set = 0;
                var sb = new StringBuilder();
                for (int y = 0; y < 16; y++)
                {
                    Assert.Equal(0, font.Data[ch * 16 + y] & 1); // column 7 is the gap
                    for (int x = 0; x < 8; x++) if (font.IsPixelSet(ch, x, y)) { set++; sb.Append(x).Append(',').Append(y).Append(' '); }
                }
                Assert.True(set > 0, $"glyph '{ch}' is empty");
                Assert.False(seen.ContainsKey(sb.ToString()), $"glyph '{ch}' equals '{(seen.TryGetValue(sb.ToString(), out char o) ? o : ' ')}'");
                seen[sb.ToString()] = ch;
            }
            for (int y = 0; y < 16; y++) Assert.Equal(0, font.Data[' ' * 16 + y]);
            Assert.Equal('?', font.GetGlyphIndex('\u00E9'));
        }

        [Fact]
        public void DefaultFontArtConvertsRowsAsDrawn()
        {
            // 'T' (0x54) is drawn as ".#####." then "...#..." eight times, starting at cell row 3.
            var font = PCScreenFont.Default;
            Assert.Equal(0, font.Data['T' * 16 + 2]);
            Assert.Equal(0b0111_1100, font.Data['T' * 16 + 3]);
            for (int y = 4; y <= 11; y++) Assert.Equal(0b0001_0000, font.Data['T' * 16 + y]);
            Assert.Equal(0, font.Data['T' * 16 + 12]);
            // descender of 'g' reaches row 13
            Assert.NotEqual(0, font.Data['g' * 16 + 13]);
        }

        [Fact]
        public void MalformedArtIsRefused()
        {
            Assert.Throws<InvalidOperationException>(() => DefaultFontData.Parse("-- 0x41 A\n..x...."));
            Assert.Throws<InvalidOperationException>(() => DefaultFontData.Parse("#......"));
            Assert.Throws<InvalidOperationException>(() => DefaultFontData.Parse("-- 0x41 A\n.........."));
            Assert.Throws<InvalidOperationException>(() => DefaultFontData.Parse("-- 0xG1 A\n"));
            Assert.Equal(0b1000_0000, DefaultFontData.Parse("-- 0x41 A\n#......")['A' * 16 + 3]);
        }
    }
}
