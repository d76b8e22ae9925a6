using System;
using System.Text;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Display;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary><see cref="TextScreen"/> over an off-screen cell buffer (no VGA ports touched).</summary>
    public unsafe class TextScreenTests
    {
        private sealed class Screen : IDisposable
        {
            public readonly ushort[] Cells;
            private System.Runtime.InteropServices.GCHandle _pin;
            public readonly TextScreen S;
            public Screen(int cols, int rows)
            {
                Cells = new ushort[cols * rows];
                _pin = System.Runtime.InteropServices.GCHandle.Alloc(Cells, System.Runtime.InteropServices.GCHandleType.Pinned);
                S = new TextScreen((ushort*)_pin.AddrOfPinnedObject(), cols, rows);
            }
            public string Line(int row)
            {
                var sb = new StringBuilder();
                for (int x = 0; x < S.Cols; x++) sb.Append((char)(Cells[row * S.Cols + x] & 0xFF));
                return sb.ToString().TrimEnd('\0', ' ');
            }
            public void Dispose() => _pin.Free();
        }

        [Fact]
        public void WritesWithAttribute()
        {
            using var s = new Screen(10, 3);
            s.S.SetColors(ConsoleColor.Yellow, ConsoleColor.DarkBlue);
            s.S.Write("Hi");
            Assert.Equal((ushort)('H' | (0x1E << 8)), s.Cells[0]);
            Assert.Equal((ushort)('i' | (0x1E << 8)), s.Cells[1]);
            Assert.Equal(2, s.S.Col);
            Assert.Equal(0, s.S.Row);
            Assert.Equal(ConsoleColor.Yellow, s.S.Foreground);
            Assert.Equal(ConsoleColor.DarkBlue, s.S.Background);
            Assert.Equal(0x1E, s.S.Attribute);
        }

        [Fact]
        public void NewLine_CarriageReturn_Tab()
        {
            using var s = new Screen(20, 3);
            s.S.Write("ab\ncd\rX\tY");
            Assert.Equal("ab", s.Line(0));
            Assert.Equal("X       Y", s.Line(1)); // the tab writes spaces up to the stop
            Assert.Equal(9, s.S.Col);
        }

        [Fact]
        public void Tab_PastLastStop_WrapsToNextLine()
        {
            using var s = new Screen(10, 3);
            s.S.Write("abcdefghi\tZ");
            Assert.Equal("Z", s.Line(1));
        }

        [Fact]
        public void Backspace_MovesLeftWithoutErasing_AndAcrossLines()
        {
            using var s = new Screen(5, 3);
            s.S.Write("abc\b\bX");
            Assert.Equal("aXc", s.Line(0));
            s.S.SetCursorPos(0, 1);
            s.S.Write("\b");
            Assert.Equal(4, s.S.Col);
            Assert.Equal(0, s.S.Row);
            s.S.SetCursorPos(0, 0);
            s.S.Write("\b"); // at the origin: stays
            Assert.Equal(0, s.S.Col);
            Assert.Equal(0, s.S.Row);
            s.S.Write("\b \b");
        }

        [Fact]
        public void WrapsAtLastColumn()
        {
            using var s = new Screen(4, 3);
            s.S.Write("abcdef");
            Assert.Equal("abcd", s.Line(0));
            Assert.Equal("ef", s.Line(1));
            Assert.Equal(2, s.S.Col);
            Assert.Equal(1, s.S.Row);
        }

        [Fact]
        public void ScrollsWhenPastLastRow()
        {
            using var s = new Screen(4, 3);
            s.S.Background = ConsoleColor.DarkRed;
            s.S.Write("1\n2\n3\n4");
            Assert.Equal("2", s.Line(0));
            Assert.Equal("3", s.Line(1));
            Assert.Equal("4", s.Line(2));
            Assert.Equal(2, s.S.Row);
            // The new line is blanked with the current attribute.
            Assert.Equal((ushort)(' ' | (0x47 << 8)), s.Cells[2 * 4 + 3]);
        }

        [Fact]
        public void Clear_FillsAndHomes()
        {
            using var s = new Screen(4, 2);
            s.S.Write("xyz");
            s.S.SetColors(ConsoleColor.White, ConsoleColor.DarkGreen);
            s.S.Clear();
            Assert.All(s.Cells, c => Assert.Equal((ushort)(' ' | (0x2F << 8)), c));
            Assert.Equal(0, s.S.Row);
            Assert.Equal(0, s.S.Col);
        }

        [Fact]
        public void CursorSetters_Clamp()
        {
            using var s = new Screen(80, 25);
            s.S.Row = 100;
            s.S.Col = -5;
            Assert.Equal(24, s.S.Row);
            Assert.Equal(0, s.S.Col);
            s.S.SetCursorPos(200, 3);
            Assert.Equal(79, s.S.Col);
            Assert.Equal(3, s.S.Row);
        }

        [Fact]
        public void Indexer_And_Cells()
        {
            using var s = new Screen(10, 2);
            s.S[3, 1] = 'é';
            Assert.Equal((char)0x82, s.S[3, 1]);
            Assert.Equal((ushort)(0x82 | (0x07 << 8)), s.S.GetCell(3, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.S.GetCell(10, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => s.S.SetCell(0, -1, 0));
        }

        [Fact]
        public void ControlCharacters_Ignored()
        {
            using var s = new Screen(10, 2);
            s.S.Write("a\0\u0007\u001b\u007Fb");
            Assert.Equal("ab", s.Line(0));
        }

        [Theory]
        [InlineData('A', 0x41)]
        [InlineData('é', 0x82)]
        [InlineData('Ç', 0x80)]
        [InlineData('─', 0xC4)]
        [InlineData('│', 0xB3)]
        [InlineData('█', 0xDB)]
        [InlineData('°', 0xF8)]
        [InlineData('■', 0xFE)]
        [InlineData('\u00A0', 0xFF)]
        [InlineData('ß', 0xE1)]
        [InlineData('€', (byte)'?')]
        [InlineData('日', (byte)'?')]
        public void CodePage437(char c, byte expected)
        {
            Assert.Equal(expected, TextScreen.ToCodePage437(c));
        }

        [Fact]
        public void BadConstructorArguments_Throw()
        {
            Assert.Throws<ArgumentException>(() => new TextScreen(null, 80, 25));
            var cells = new ushort[4];
            fixed (ushort* p = cells)
            {
                ushort* q = p;
                Assert.Throws<ArgumentException>(() => new TextScreen(q, 0, 25));
            }
        }

        private static byte[] FramebufferTag(byte type, uint size = 32)
        {
            var t = new byte[Math.Max(size, 8)];
            BitConverter.GetBytes(8u).CopyTo(t, 0);
            BitConverter.GetBytes(size).CopyTo(t, 4);
            if (t.Length > 29) t[29] = type;
            return t;
        }

        [Fact]
        public void FramebufferTag_Classification()
        {
            Assert.Equal(FramebufferKind.IndexedGraphics, TextScreen.ClassifyFramebufferTag(FramebufferTag(0)));
            Assert.Equal(FramebufferKind.RgbGraphics, TextScreen.ClassifyFramebufferTag(FramebufferTag(1)));
            Assert.Equal(FramebufferKind.EgaText, TextScreen.ClassifyFramebufferTag(FramebufferTag(2)));
            Assert.Equal(FramebufferKind.Unknown, TextScreen.ClassifyFramebufferTag(FramebufferTag(7)));
            Assert.Equal(FramebufferKind.Unknown, TextScreen.ClassifyFramebufferTag(FramebufferTag(1, 16)));
            var wrongType = FramebufferTag(1);
            wrongType[0] = 9;
            Assert.Equal(FramebufferKind.Unknown, TextScreen.ClassifyFramebufferTag(wrongType));
        }
    }
}
