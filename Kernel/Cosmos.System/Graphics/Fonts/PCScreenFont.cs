using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.System.Graphics.Fonts
{
    /// <summary>
    /// A PC Screen Font (the Linux console font format; Cosmos API), version 1 or 2, with its Unicode table when the
    /// file has one. Source: the PSF format as documented with the Linux kbd package (psf.h / "The PC Screen Font File
    /// Format", A. Brouwer) and the OSDev wiki "PC Screen Font":
    /// <list type="bullet">
    /// <item>PSF1: magic 36 04, mode byte (bit 0: 512 glyphs instead of 256; bit 1 or 2: Unicode table), glyph height;
    /// glyphs are 8 pixels wide; table entries are little-endian UCS-2 values, FFFE starts a sequence, FFFF ends the glyph's entry.</item>
    /// <item>PSF2: magic 72 B5 4A 86, then little-endian version, header size, flags (bit 0: Unicode table), glyph count,
    /// bytes per glyph, height, width; table entries are UTF-8, FE starts a sequence, FF ends the glyph's entry.</item>
    /// </list>
    /// Characters map through the Unicode table (sequences are skipped: one character draws one glyph); without a
    /// table the glyph index is the character code. Unmapped characters draw '?' (or glyph 0).
    /// </summary>
    public class PCScreenFont : Font
    {
        /// <summary>PSF1 magic bytes.</summary>
        public const ushort Psf1Magic = 0x0436;
        /// <summary>PSF2 magic (little-endian 32-bit value).</summary>
        public const uint Psf2Magic = 0x864AB572;

        private static PCScreenFont s_default;
        private readonly Dictionary<int, int> _unicode;
        private readonly int _fallback;

        /// <summary>A font without a Unicode table (glyph index = character code).</summary>
        /// <exception cref="ArgumentException">See <see cref="Font"/>.</exception>
        public PCScreenFont(byte width, byte height, byte[] data) : this(width, height, data, null)
        {
        }

        private PCScreenFont(byte width, byte height, byte[] data, Dictionary<int, int> unicode) : base(width, height, data)
        {
            _unicode = unicode;
            _fallback = 0;
            if (unicode != null && unicode.TryGetValue('?', out int q)) _fallback = q;
            else if (unicode == null && '?' < GlyphCount) _fallback = '?';
        }

        /// <summary>True when the font came with a Unicode table.</summary>
        public bool HasUnicodeTable => _unicode != null;

        /// <summary>
        /// The built-in 8×16 font: ASCII 32–126 drawn for CosmosOS (see <see cref="DefaultFontData"/>); 128 glyphs, the
        /// control characters and DEL blank, other characters draw '?'.
        /// </summary>
        public static PCScreenFont Default => s_default ??= new PCScreenFont(8, 16, DefaultFontData.Build());

        /// <inheritdoc/>
        public override int GetGlyphIndex(char c)
        {
            if (_unicode != null) return _unicode.TryGetValue(c, out int g) ? g : _fallback;
            return c < GlyphCount ? c : _fallback;
        }

        private static ArgumentException Bad(string what) => new ArgumentException(string.Concat("PSF: ", what), "fontData");

        /// <summary>Parses a PSF1 or PSF2 file.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="fontData"/> is null.</exception>
        /// <exception cref="ArgumentException">Not a PSF file, or a malformed one (truncated header, glyphs or table entry; inconsistent sizes; bad UTF-8); the message says which.</exception>
        public static PCScreenFont LoadFont(byte[] fontData)
        {
            if (fontData == null) throw new ArgumentNullException(nameof(fontData));
            ReadOnlySpan<byte> d = fontData;
            if (d.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(d) == Psf2Magic) return LoadPsf2(d);
            if (d.Length >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(d) == Psf1Magic) return LoadPsf1(d);
            throw Bad("no PSF1 (36 04) or PSF2 (72 B5 4A 86) magic");
        }

        private static PCScreenFont LoadPsf1(ReadOnlySpan<byte> d)
        {
            if (d.Length < 4) throw Bad("PSF1 header truncated (4 bytes)");
            byte mode = d[2], height = d[3];
            if (height == 0) throw Bad("PSF1 glyph height 0");
            int count = (mode & 1) != 0 ? 512 : 256;
            int glyphBytes = count * height;
            if (d.Length < 4 + glyphBytes) throw Bad(string.Concat("PSF1 glyph data truncated: need ", (4 + glyphBytes).ToString(), " bytes, have ", d.Length.ToString()));
            byte[] data = d.Slice(4, glyphBytes).ToArray();
            Dictionary<int, int> map = null;
            if ((mode & 6) != 0)
            {
                map = new Dictionary<int, int>();
                int p = 4 + glyphBytes;
                for (int glyph = 0; glyph < count; glyph++)
                {
                    bool inSequence = false;
                    while (true)
                    {
                        if (p + 2 > d.Length) throw Bad(string.Concat("PSF1 Unicode table truncated at glyph ", glyph.ToString()));
                        int v = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(p));
                        p += 2;
                        if (v == 0xFFFF) break;
                        if (v == 0xFFFE) { inSequence = true; continue; }
                        if (!inSequence) map.TryAdd(v, glyph);
                    }
                }
            }
            return new PCScreenFont(8, height, data, map);
        }

        private static PCScreenFont LoadPsf2(ReadOnlySpan<byte> d)
        {
            if (d.Length < 32) throw Bad("PSF2 header truncated (32 bytes)");
            uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(8));
            uint flags = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(12));
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(16));
            uint charSize = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(20));
            uint height = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(24));
            uint width = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(28));
            if (headerSize < 32 || headerSize > d.Length) throw Bad("PSF2 header size outside the file");
            if (width == 0 || height == 0 || width > 255 || height > 255) throw Bad("PSF2 glyph size must be 1..255 pixels");
            if (charSize != height * ((width + 7) / 8)) throw Bad("PSF2 bytes per glyph does not equal height × ⌈width / 8⌉");
            if (count == 0 || count > 65536) throw Bad("PSF2 glyph count must be 1..65536");
            long glyphBytes = (long)count * charSize;
            if (headerSize + glyphBytes > d.Length) throw Bad(string.Concat("PSF2 glyph data truncated: need ", (headerSize + glyphBytes).ToString(), " bytes, have ", d.Length.ToString()));
            byte[] data = d.Slice((int)headerSize, (int)glyphBytes).ToArray();
            Dictionary<int, int> map = null;
            if ((flags & 1) != 0)
            {
                map = new Dictionary<int, int>();
                int p = (int)(headerSize + glyphBytes);
                for (int glyph = 0; glyph < count; glyph++)
                {
                    bool inSequence = false;
                    while (true)
                    {
                        if (p >= d.Length) throw Bad(string.Concat("PSF2 Unicode table truncated at glyph ", glyph.ToString()));
                        byte b = d[p];
                        if (b == 0xFF) { p++; break; }
                        if (b == 0xFE) { p++; inSequence = true; continue; }
                        int cp = DecodeUtf8(d, ref p, glyph);
                        if (!inSequence) map.TryAdd(cp, (int)glyph);
                    }
                }
            }
            return new PCScreenFont((byte)width, (byte)height, data, map);
        }

        private static int DecodeUtf8(ReadOnlySpan<byte> d, ref int p, int glyph)
        {
            byte b = d[p];
            int extra, cp;
            if (b < 0x80) { p++; return b; }
            if ((b & 0xE0) == 0xC0) { extra = 1; cp = b & 0x1F; }
            else if ((b & 0xF0) == 0xE0) { extra = 2; cp = b & 0x0F; }
            else if ((b & 0xF8) == 0xF0) { extra = 3; cp = b & 0x07; }
            else throw Bad(string.Concat("PSF2 Unicode table: bad UTF-8 lead byte at glyph ", glyph.ToString()));
            if (p + extra >= d.Length) throw Bad(string.Concat("PSF2 Unicode table: UTF-8 sequence truncated at glyph ", glyph.ToString()));
            for (int i = 1; i <= extra; i++)
            {
                byte c = d[p + i];
                if ((c & 0xC0) != 0x80) throw Bad(string.Concat("PSF2 Unicode table: bad UTF-8 continuation byte at glyph ", glyph.ToString()));
                cp = (cp << 6) | (c & 0x3F);
            }
            p += extra + 1;
            return cp;
        }
    }
}
