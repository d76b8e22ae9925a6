using System;

namespace Cosmos.HAL
{
    /// <summary>
    /// Culture-free number formatting for driver messages. Kernel code avoids
    /// <c>ToString("X")</c> and string interpolation so that error paths work early and
    /// never depend on globalization or <c>ArrayPool</c>.
    /// </summary>
    internal static class HalFormat
    {
        /// <summary>"0x" followed by upper-case hex digits, at least <paramref name="minDigits"/> of them.</summary>
        public static string Hex(ulong value, int minDigits = 1)
        {
            Span<char> buf = stackalloc char[18];
            int pos = buf.Length;
            int digits = 0;
            do
            {
                int d = (int)(value & 0xF);
                buf[--pos] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
                value >>= 4;
                digits++;
            } while (value != 0 || digits < minDigits);
            buf[--pos] = 'x';
            buf[--pos] = '0';
            return new string(buf.Slice(pos));
        }

        /// <summary>Unsigned decimal.</summary>
        public static string Dec(ulong value)
        {
            Span<char> buf = stackalloc char[20];
            int pos = buf.Length;
            do
            {
                buf[--pos] = (char)('0' + (int)(value % 10));
                value /= 10;
            } while (value != 0);
            return new string(buf.Slice(pos));
        }

        /// <summary>Signed decimal.</summary>
        public static string Dec(long value)
        {
            if (value >= 0) return Dec((ulong)value);
            return string.Concat("-", Dec((ulong)(-(value + 1)) + 1));
        }

        /// <summary>Printable ASCII of <paramref name="bytes"/>; other bytes become '?'.</summary>
        public static string Ascii(ReadOnlySpan<byte> bytes)
        {
            Span<char> buf = bytes.Length <= 64 ? stackalloc char[bytes.Length] : new char[bytes.Length];
            for (int i = 0; i < bytes.Length; i++)
            {
                byte b = bytes[i];
                buf[i] = b >= 0x20 && b < 0x7F ? (char)b : '?';
            }
            return new string(buf);
        }

        /// <summary>Same as <see cref="Ascii"/> with trailing spaces and NULs removed.</summary>
        public static string AsciiTrimmed(ReadOnlySpan<byte> bytes)
        {
            int len = bytes.Length;
            while (len > 0 && (bytes[len - 1] == 0 || bytes[len - 1] == (byte)' ')) len--;
            return Ascii(bytes.Slice(0, len));
        }
    }
}
