using System;
using System.Text;

namespace Cosmos.System.ExtendedASCII
{
    /// <summary>
    /// Cosmos API: the extended-ASCII code pages Cosmos kernels use, as a .NET <see cref="EncodingProvider"/>:
    /// <c>Encoding.RegisterProvider(CosmosEncodingProvider.Instance)</c>, then <c>Encoding.GetEncoding(437)</c> (IBM PC,
    /// "IBM437"/"cp437") or <c>GetEncoding(858)</c> (IBM 850 with the euro sign, "IBM00858"/"cp858"). Byte ↔ character
    /// tables are the Unicode mappings .NET's CodePagesEncodingProvider uses (bytes 00h–7Fh are ASCII, control codes
    /// included); characters a code page lacks encode as '?'.
    /// </summary>
    public sealed class CosmosEncodingProvider : EncodingProvider
    {
        private static readonly CosmosEncodingProvider s_instance = new();
        private Encoding _cp437, _cp858;

        private CosmosEncodingProvider() { }

        /// <summary>The provider to register with <see cref="Encoding.RegisterProvider"/>.</summary>
        public static EncodingProvider Instance => s_instance;

        /// <summary>Code page 437 or 858; null for any other (so other providers are asked).</summary>
        public override Encoding GetEncoding(int codepage) => codepage switch
        {
            437 => _cp437 ??= new SingleByteEncoding(437, "IBM437", "OEM United States", CodePages.Cp437High),
            858 => _cp858 ??= new SingleByteEncoding(858, "IBM00858", "OEM Multilingual Latin I + Euro", CodePages.Cp858High),
            _ => null,
        };

        /// <summary>By name (case-insensitive): ibm437, cp437, 437, ibm00858, cp858, 858; null for others.</summary>
        public override Encoding GetEncoding(string name) => name?.ToLowerInvariant() switch
        {
            "ibm437" or "cp437" or "437" or "ibm-437" => GetEncoding(437),
            "ibm00858" or "cp858" or "858" or "ibm-858" or "ccsid00858" => GetEncoding(858),
            _ => null,
        };
    }

    /// <summary>The upper halves (bytes 80h–FFh) of the code pages, one character per byte.</summary>
    internal static class CodePages
    {
        internal const string Cp437High =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»" +
            "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
            "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00A0";

        internal const string Cp858High =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»" +
            "░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈ€ÍÎÏ┘┌█▄¦Ì▀" +
            "ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00AD±‗¾¶§÷¸°¨·¹³²■\u00A0";
    }

    /// <summary>A single-byte code page: ASCII below 80h, a 128-character table above.</summary>
    internal sealed class SingleByteEncoding : Encoding
    {
        private readonly string _high;
        private readonly string _webName, _displayName;
        private readonly int _codePage;

        internal SingleByteEncoding(int codePage, string webName, string displayName, string high)
            : base(0, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback)
        {
            if (high.Length != 128) throw new ArgumentException("a code page's upper half has 128 characters, not " + high.Length, nameof(high));
            _codePage = codePage;
            _webName = webName;
            _displayName = displayName;
            _high = high;
        }

        public override int CodePage => _codePage;
        public override string WebName => _webName;
        public override string EncodingName => _displayName;
        public override string BodyName => _webName;
        public override string HeaderName => _webName;
        public override bool IsSingleByte => true;

        /// <summary>The byte for <paramref name="c"/>, or -1 when the code page has none.</summary>
        private int ByteFor(char c)
        {
            if (c < 0x80) return c;
            int i = _high.IndexOf(c);
            return i < 0 ? -1 : 0x80 + i;
        }

        public override int GetByteCount(char[] chars, int index, int count)
        {
            ArgumentNullException.ThrowIfNull(chars);
            if ((uint)index > (uint)chars.Length || (uint)count > (uint)(chars.Length - index)) throw new ArgumentOutOfRangeException(nameof(count));
            return count;   // one byte per UTF-16 unit ('?' for each unmappable one, surrogate halves included)
        }

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
        {
            ArgumentNullException.ThrowIfNull(chars);
            ArgumentNullException.ThrowIfNull(bytes);
            if ((uint)charIndex > (uint)chars.Length || (uint)charCount > (uint)(chars.Length - charIndex)) throw new ArgumentOutOfRangeException(nameof(charCount));
            if ((uint)byteIndex > (uint)bytes.Length) throw new ArgumentOutOfRangeException(nameof(byteIndex));
            if (bytes.Length - byteIndex < charCount) throw new ArgumentException("the byte array is too small", nameof(bytes));
            for (int i = 0; i < charCount; i++)
            {
                int b = ByteFor(chars[charIndex + i]);
                bytes[byteIndex + i] = (byte)(b < 0 ? '?' : b);
            }
            return charCount;
        }

        public override int GetCharCount(byte[] bytes, int index, int count)
        {
            ArgumentNullException.ThrowIfNull(bytes);
            if ((uint)index > (uint)bytes.Length || (uint)count > (uint)(bytes.Length - index)) throw new ArgumentOutOfRangeException(nameof(count));
            return count;
        }

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            ArgumentNullException.ThrowIfNull(bytes);
            ArgumentNullException.ThrowIfNull(chars);
            if ((uint)byteIndex > (uint)bytes.Length || (uint)byteCount > (uint)(bytes.Length - byteIndex)) throw new ArgumentOutOfRangeException(nameof(byteCount));
            if ((uint)charIndex > (uint)chars.Length) throw new ArgumentOutOfRangeException(nameof(charIndex));
            if (chars.Length - charIndex < byteCount) throw new ArgumentException("the char array is too small", nameof(chars));
            for (int i = 0; i < byteCount; i++)
            {
                byte b = bytes[byteIndex + i];
                chars[charIndex + i] = b < 0x80 ? (char)b : _high[b - 0x80];
            }
            return byteCount;
        }

        public override int GetMaxByteCount(int charCount) => charCount >= 0 ? charCount + 1 : throw new ArgumentOutOfRangeException(nameof(charCount));
        public override int GetMaxCharCount(int byteCount) => byteCount >= 0 ? byteCount : throw new ArgumentOutOfRangeException(nameof(byteCount));
    }
}
