using System;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>
    /// The ECMA-48 / xterm control sequences the console sends to a serial terminal to mirror
    /// what it does on the VGA screen (colours, clear, cursor position and visibility, title).
    /// Formatting writes bytes into a caller's buffer: no allocation, host-testable.
    /// </summary>
    public static class AnsiEscapes
    {
        /// <summary>Longest sequence the Format methods write (ESC [ 1 0 7 m / ESC [ rrrrr ; ccccc H).</summary>
        public const int MaxLength = 16;

        /// <summary>SGR 0: default colours and attributes.</summary>
        public static ReadOnlySpan<byte> ResetAttributes => "\u001b[0m"u8;

        /// <summary>Cursor home, then erase the whole display.</summary>
        public static ReadOnlySpan<byte> ClearScreen => "\u001b[H\u001b[2J"u8;

        /// <summary>DECTCEM set: show the cursor.</summary>
        public static ReadOnlySpan<byte> ShowCursor => "\u001b[?25h"u8;

        /// <summary>DECTCEM reset: hide the cursor.</summary>
        public static ReadOnlySpan<byte> HideCursor => "\u001b[?25l"u8;

        /// <summary>Start of the xterm "set window title" command (OSC 0 ;); the title and BEL follow.</summary>
        public static ReadOnlySpan<byte> TitlePrefix => "\u001b]0;"u8;

        /// <summary>BEL: ends an OSC command; on its own it makes the terminal beep.</summary>
        public const byte Bell = 0x07;

        // ConsoleColor 0-7 (Black, DarkBlue, DarkGreen, DarkCyan, DarkRed, DarkMagenta, DarkYellow,
        // Gray) in ANSI colour order (black, red, green, yellow, blue, magenta, cyan, white).
        private static ReadOnlySpan<byte> AnsiIndex => new byte[] { 0, 4, 2, 6, 1, 5, 3, 7 };

        /// <summary>
        /// The SGR parameter for <paramref name="color"/>: 30-37 / 90-97 for the foreground,
        /// 40-47 / 100-107 for the background (8-15 are the bright colours).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="color"/> is not a ConsoleColor (0-15).</exception>
        public static int SgrParameter(ConsoleColor color, bool background)
        {
            int c = (int)color;
            if ((uint)c > 15) throw new ArgumentException("not a ConsoleColor value", nameof(color));
            int ansi = AnsiIndex[c & 7];
            int bright = c >= 8 ? 60 : 0;
            return (background ? 40 : 30) + bright + ansi;
        }

        /// <summary>Writes ESC [ n m selecting <paramref name="color"/>; returns the byte count.</summary>
        public static int FormatColor(Span<byte> destination, ConsoleColor color, bool background)
        {
            int n = 0;
            destination[n++] = 0x1B;
            destination[n++] = (byte)'[';
            n += FormatDecimal(destination.Slice(n), SgrParameter(color, background));
            destination[n++] = (byte)'m';
            return n;
        }

        /// <summary>Writes ESC [ row ; col H for 0-based (<paramref name="left"/>, <paramref name="top"/>); returns the byte count.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A coordinate is negative or above 65534.</exception>
        public static int FormatCursorPosition(Span<byte> destination, int left, int top)
        {
            if ((uint)left > 65534) throw new ArgumentOutOfRangeException(nameof(left));
            if ((uint)top > 65534) throw new ArgumentOutOfRangeException(nameof(top));
            int n = 0;
            destination[n++] = 0x1B;
            destination[n++] = (byte)'[';
            n += FormatDecimal(destination.Slice(n), top + 1);
            destination[n++] = (byte)';';
            n += FormatDecimal(destination.Slice(n), left + 1);
            destination[n++] = (byte)'H';
            return n;
        }

        private static int FormatDecimal(Span<byte> destination, int value)
        {
            int digits = 1;
            for (int v = value; v >= 10; v /= 10) digits++;
            for (int i = digits - 1; i >= 0; i--)
            {
                destination[i] = (byte)('0' + value % 10);
                value /= 10;
            }
            return digits;
        }
    }
}
