using System;
using System.Buffers.Binary;
using System.Globalization;

namespace Cosmos.Common.Extensions
{
    /// <summary>
    /// Cosmos API: hexadecimal text of integers, upper-case digits without prefix, left-padded with zeros to a width
    /// (a value wider than the width keeps all its digits). Signed values are shown as their two's-complement bits.
    /// </summary>
    public static class ToHexString
    {
        /// <summary>Two digits.</summary>
        public static string ToHex(this byte n) => Hex(n, 2);
        /// <summary>At least <paramref name="aWidth"/> digits.</summary>
        public static string ToHex(this byte n, int aWidth) => Hex(n, aWidth);
        /// <summary>At least four digits (eight for a negative value), as Cosmos does.</summary>
        public static string ToHex(this int n) => Hex((uint)n, 4);
        /// <summary>At least <paramref name="aWidth"/> digits of the value's 32 bits.</summary>
        public static string ToHex(this int n, int aWidth) => Hex((uint)n, aWidth);
        /// <summary>Four digits.</summary>
        public static string ToHex(this ushort n) => Hex(n, 4);
        /// <summary>At least <paramref name="aWidth"/> digits.</summary>
        public static string ToHex(this ushort n, int aWidth) => Hex(n, aWidth);
        /// <summary>Eight digits.</summary>
        public static string ToHex(this uint aValue) => Hex(aValue, 8);
        /// <summary>At least <paramref name="aWidth"/> digits.</summary>
        public static string ToHex(this uint aValue, int aWidth) => Hex(aValue, aWidth);
        /// <summary>Sixteen digits, or without padding the shortest form ("0" for zero).</summary>
        public static string ToHex(this ulong aValue, bool withPadding = true) => Hex(aValue, withPadding ? 16 : 1);
        /// <summary>At least <paramref name="aWidth"/> digits.</summary>
        public static string ToHex(this ulong aValue, int aWidth) => Hex(aValue, aWidth);

        /// <summary>The upper-case hexadecimal digit for 0–15.</summary>
        /// <exception cref="ArgumentOutOfRangeException">d &gt; 15.</exception>
        public static char DigitToHexChar(byte d) => d < 16 ? "0123456789ABCDEF"[d] : throw new ArgumentOutOfRangeException(nameof(d), "a hex digit is 0..15");

        private static string Hex(ulong value, int width)
        {
            if (width < 0) throw new ArgumentOutOfRangeException(nameof(width), "width must not be negative");
            return value.ToString("X", CultureInfo.InvariantCulture).PadLeft(width, '0');
        }
    }

    /// <summary>Cosmos API: little-endian stores into byte arrays at a byte offset (IndexOutOfRangeException past the end).</summary>
    public static class ByteConverter
    {
        /// <summary>Stores <paramref name="value"/> at <c>n[aPos..aPos+2)</c>, little-endian.</summary>
        public static void SetUInt16(this byte[] n, ulong aPos, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Slot(n, aPos, 2), value);
        /// <summary>Stores <paramref name="value"/> at <c>n[aPos..aPos+4)</c>, little-endian.</summary>
        public static void SetUInt32(this byte[] n, ulong aPos, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slot(n, aPos, 4), value);
        /// <summary>Stores <paramref name="value"/> at <c>n[aPos..aPos+8)</c>, little-endian.</summary>
        public static void SetUInt64(this byte[] n, ulong aPos, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Slot(n, aPos, 8), value);

        private static Span<byte> Slot(byte[] n, ulong pos, int size) =>
            pos <= (ulong)n.Length && (ulong)n.Length - pos >= (ulong)size ? n.AsSpan((int)pos, size)
            : throw new IndexOutOfRangeException($"bytes {pos}..{pos + (ulong)size} are outside an array of {n.Length}");
    }
}
