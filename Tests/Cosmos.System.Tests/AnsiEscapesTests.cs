using System;
using System.Text;
using Cosmos.System.ConsoleIO;
using Xunit;

namespace Cosmos.System.Tests
{
    public sealed class AnsiEscapesTests
    {
        private static string Color(ConsoleColor c, bool background)
        {
            Span<byte> b = stackalloc byte[AnsiEscapes.MaxLength];
            return Encoding.ASCII.GetString(b.Slice(0, AnsiEscapes.FormatColor(b, c, background)));
        }

        [Theory]
        [InlineData(ConsoleColor.Black, false, "\u001b[30m")]
        [InlineData(ConsoleColor.DarkRed, false, "\u001b[31m")]
        [InlineData(ConsoleColor.DarkGreen, false, "\u001b[32m")]
        [InlineData(ConsoleColor.DarkYellow, false, "\u001b[33m")]
        [InlineData(ConsoleColor.DarkBlue, false, "\u001b[34m")]
        [InlineData(ConsoleColor.DarkMagenta, false, "\u001b[35m")]
        [InlineData(ConsoleColor.DarkCyan, false, "\u001b[36m")]
        [InlineData(ConsoleColor.Gray, false, "\u001b[37m")]
        [InlineData(ConsoleColor.DarkGray, false, "\u001b[90m")]
        [InlineData(ConsoleColor.Red, false, "\u001b[91m")]
        [InlineData(ConsoleColor.White, false, "\u001b[97m")]
        [InlineData(ConsoleColor.Blue, true, "\u001b[104m")]
        [InlineData(ConsoleColor.Black, true, "\u001b[40m")]
        [InlineData(ConsoleColor.Yellow, true, "\u001b[103m")]
        public void ColorsMapToSgr(ConsoleColor color, bool background, string expected)
        {
            Assert.Equal(expected, Color(color, background));
        }

        [Fact]
        public void InvalidColorIsRejected()
        {
            Assert.Throws<ArgumentException>(() => AnsiEscapes.SgrParameter((ConsoleColor)16, false));
            Assert.Throws<ArgumentException>(() => AnsiEscapes.SgrParameter((ConsoleColor)(-1), true));
        }

        [Theory]
        [InlineData(0, 0, "\u001b[1;1H")]
        [InlineData(79, 24, "\u001b[25;80H")]
        [InlineData(65534, 65534, "\u001b[65535;65535H")]
        public void CursorPositionIsOneBasedRowThenColumn(int left, int top, string expected)
        {
            Span<byte> b = stackalloc byte[AnsiEscapes.MaxLength];
            int n = AnsiEscapes.FormatCursorPosition(b, left, top);
            Assert.Equal(expected, Encoding.ASCII.GetString(b.Slice(0, n)));
        }

        [Fact]
        public void FixedSequences()
        {
            Assert.Equal("\u001b[0m", Encoding.ASCII.GetString(AnsiEscapes.ResetAttributes));
            Assert.Equal("\u001b[H\u001b[2J", Encoding.ASCII.GetString(AnsiEscapes.ClearScreen));
            Assert.Equal("\u001b[?25h", Encoding.ASCII.GetString(AnsiEscapes.ShowCursor));
            Assert.Equal("\u001b[?25l", Encoding.ASCII.GetString(AnsiEscapes.HideCursor));
            Assert.Equal("\u001b]0;", Encoding.ASCII.GetString(AnsiEscapes.TitlePrefix));
        }
    }
}
