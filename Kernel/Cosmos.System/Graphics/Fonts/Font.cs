using System;
using System.Runtime.CompilerServices;

namespace Cosmos.System.Graphics.Fonts
{
    /// <summary>
    /// A bitmap font (Cosmos API): fixed-size glyphs of <see cref="Width"/> × <see cref="Height"/> pixels stored one
    /// after the other in <see cref="Data"/>, each row <see cref="BytesPerRow"/> bytes with the leftmost pixel in the
    /// most significant bit (the PC Screen Font layout).
    /// </summary>
    public abstract class Font
    {
        /// <summary>Creates a font over <paramref name="data"/> (glyph count = data length / (height × bytes per row)).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        /// <exception cref="ArgumentException">A zero size, or data that is not a whole number of glyphs (at least one).</exception>
        protected Font(byte width, byte height, byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (width == 0 || height == 0) throw new ArgumentException("Font: width and height must be at least 1");
            Width = width;
            Height = height;
            Data = data;
            int glyphBytes = height * ((width + 7) / 8);
            if (data.Length < glyphBytes || data.Length % glyphBytes != 0)
                throw new ArgumentException("Font: data is not a whole number of glyphs", nameof(data));
            GlyphCount = data.Length / glyphBytes;
        }

        /// <summary>The glyph bitmaps.</summary>
        public byte[] Data { get; }

        /// <summary>Glyph height in pixels.</summary>
        public byte Height { get; }

        /// <summary>Glyph width in pixels (the advance from one character to the next).</summary>
        public byte Width { get; }

        /// <summary>Bytes per glyph row: ⌈Width / 8⌉.</summary>
        public int BytesPerRow => (Width + 7) / 8;

        /// <summary>Number of glyphs in <see cref="Data"/>.</summary>
        public int GlyphCount { get; }

        /// <summary>The glyph drawn for <paramref name="c"/>: always 0 ≤ result &lt; <see cref="GlyphCount"/>. The default maps code points below GlyphCount to themselves and everything else to '?' (or glyph 0).</summary>
        public virtual int GetGlyphIndex(char c)
        {
            if (c < GlyphCount) return c;
            return '?' < GlyphCount ? '?' : 0;
        }

        /// <summary>True when bit <paramref name="bitToReturn"/> (1 = most significant, 8 = least) of <paramref name="byteToConvert"/> is set (Cosmos API).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool ConvertByteToBitAddress(byte byteToConvert, int bitToReturn)
        {
            int mask = 1 << (8 - bitToReturn);
            return (byteToConvert & mask) != 0;
        }

        /// <summary>True when pixel (<paramref name="x"/>, <paramref name="y"/>) of glyph <paramref name="glyph"/> is set.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Glyph or pixel out of range.</exception>
        public bool IsPixelSet(int glyph, int x, int y)
        {
            if ((uint)glyph >= (uint)GlyphCount) throw new ArgumentOutOfRangeException(nameof(glyph));
            if ((uint)x >= Width || (uint)y >= Height) throw new ArgumentOutOfRangeException(nameof(x));
            return (Data[(glyph * Height + y) * BytesPerRow + (x >> 3)] & (0x80 >> (x & 7))) != 0;
        }
    }
}
