using System;
using Cosmos.TestRunner;

namespace ConsoleTests
{
    public sealed unsafe class Kernel : TestKernel
    {
        private const int Cols = 80, Rows = 25;
        private static ushort* Vga => (ushort*)0xB8000;

        /// <summary>Row of VGA text memory holding <paramref name="text"/> from column 0, or -1.</summary>
        private static int FindRow(string text)
        {
            for (int r = 0; r < Rows; r++)
            {
                bool match = true;
                for (int c = 0; c < text.Length && match; c++)
                    match = (char)(Vga[r * Cols + c] & 0xFF) == text[c];
                if (match) return r;
            }
            return -1;
        }

        protected override void RunTests()
        {
            Test("VGA text mode is available under BIOS boot", () => True(Cosmos.HAL.TextScreen.IsAvailable, "TextScreen.IsAvailable"));

            ExpectSerialLine("Console.WriteLine reaches COM1", "console says hello 42");
            Test("Console.WriteLine reaches VGA", () =>
            {
                int n = 42;
                Console.WriteLine($"console says hello {n}");
                True(FindRow("console says hello 42") >= 0, "the line is in VGA text memory");
            });

            Test("Console colors set the VGA attribute", () =>
            {
                Console.ForegroundColor = ConsoleColor.Green;
                Console.BackgroundColor = ConsoleColor.Blue;
                Console.WriteLine("colored line");
                Console.ResetColor();
                int row = FindRow("colored line");
                True(row >= 0, "colored line on screen");
                if (row >= 0)
                {
                    int attr = Vga[row * Cols] >> 8;
                    // ConsoleColor and the VGA palette share numbering; blinking is off, so all 16 backgrounds exist.
                    Equal((int)ConsoleColor.Green, attr & 0xF, "foreground nibble (green)");
                    Equal((int)ConsoleColor.Blue, (attr >> 4) & 0xF, "background nibble (blue)");
                }
            });

            Test("cursor position follows output", () =>
            {
                Console.SetCursorPosition(10, 5);
                Console.Write("X");
                Equal(11, Console.CursorLeft, "CursorLeft after writing one char at column 10");
                Equal(5, Console.CursorTop, "CursorTop");
                Equal((int)'X', Vga[5 * Cols + 10] & 0xFF, "character at (10,5)");
                Console.WriteLine();
            });

            Test("Console.Clear blanks the screen", () =>
            {
                Console.WriteLine("to be cleared");
                Console.Clear();
                True(FindRow("to be cleared") < 0, "text is gone");
                Equal(0, Console.CursorLeft, "cursor at column 0");
                Equal(0, Console.CursorTop, "cursor at row 0");
            });

            Test("window size is the VGA text mode size", () =>
            {
                Equal(80, Console.WindowWidth, "WindowWidth");
                Equal(25, Console.WindowHeight, "WindowHeight");
            });
        }
    }
}
