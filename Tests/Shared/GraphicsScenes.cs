using System;
using System.Drawing;
using Cosmos.HAL;
using Cosmos.System.Graphics;
using Cosmos.System.Graphics.Fonts;

namespace Cosmos.Tests.Shared
{
    /// <summary>
    /// The scenes of the graphics screenshot tests, drawn by the same code in the GraphicsTests kernels (on the real
    /// framebuffer, then compared with QEMU's screendump) and on the host (Tests/Cosmos.System.Tests, on a
    /// MemoryFramebuffer, which writes or checks the expected PNGs in Tests/Kernels/GraphicsTests/expected). Every scene
    /// fits in <see cref="Width"/> × <see cref="Height"/>, uses integer coordinates only (no trigonometry, so no libm
    /// differences) and starts with a Clear, so its pixels depend on nothing drawn before.
    /// </summary>
    public static class GraphicsScenes
    {
        /// <summary>Scene size: the top-left corner of the screen that is compared.</summary>
        public const int Width = 640, Height = 480;

        /// <summary>The canvas scenes.</summary>
        public static readonly string[] Names = { "shapes", "lines", "text", "images" };

        /// <summary>Draws scene <paramref name="name"/> into <paramref name="c"/> (without <see cref="Canvas.Display"/>).</summary>
        /// <exception cref="ArgumentException">No such scene.</exception>
        public static void Draw(Canvas c, string name)
        {
            switch (name)
            {
                case "shapes": Shapes(c); break;
                case "lines": Lines(c); break;
                case "text": Text(c); break;
                case "images": Images(c); break;
                default: throw new ArgumentException("no graphics scene '" + name + "'", nameof(name));
            }
        }

        private static readonly int[] s_colors =
        {
            unchecked((int)0xFFE6194B), unchecked((int)0xFF3CB44B), unchecked((int)0xFFFFE119), unchecked((int)0xFF4363D8),
            unchecked((int)0xFFF58231), unchecked((int)0xFF911EB4), unchecked((int)0xFF46F0F0), unchecked((int)0xFFF032E6),
            unchecked((int)0xFFBCF60C), unchecked((int)0xFFFABEBE), unchecked((int)0xFF008080), unchecked((int)0xFFE6BEFF),
            unchecked((int)0xFF9A6324), unchecked((int)0xFFFFFAC8), unchecked((int)0xFF800000), unchecked((int)0xFFAAFFC3),
            unchecked((int)0xFF808000), unchecked((int)0xFFFFD8B1), unchecked((int)0xFF000075), unchecked((int)0xFF808080),
            unchecked((int)0xFFFFFFFF), unchecked((int)0xFF010203), unchecked((int)0xFF7F7F7F), unchecked((int)0xFF00FF00),
        };

        private static Color C(int i) => Color.FromArgb(s_colors[i % s_colors.Length]);

        /// <summary>Axis-aligned primitives: filled and outlined rectangles, points, horizontal and vertical lines, an array, clipping at the edges.</summary>
        private static void Shapes(Canvas c)
        {
            c.Clear(Color.FromArgb(255, 16, 24, 64));
            for (int j = 0; j < 3; j++)
                for (int i = 0; i < 8; i++)
                    c.DrawFilledRectangle(C(j * 8 + i), 20 + i * 75, 20 + j * 60, 60 - j * 7, 45 - i * 3);
            c.DrawRectangle(Color.White, 20, 210, 100, 60);
            c.DrawRectangle(Color.Yellow, 30, 220, 80, 40);
            c.DrawSquare(Color.Red, 45, 230, 20);
            c.DrawRectangle(Color.Cyan, 140, 210, 0, 0);
            for (int y = 0; y < 60; y += 2)
                for (int x = (y / 2) & 1; x < 100; x += 2)
                    c.DrawPoint(C(x + y), 160 + x, 210 + y);
            for (int k = 0; k < 10; k++)
            {
                c.DrawLine(C(k), 300, 210 + k * 6, 600 - k * 10, 210 + k * 6);
                c.DrawLine(C(k + 10), 300 + k * 6, 280, 300 + k * 6, 330 + k * 5);
            }
            var arr = new int[32 * 24];
            for (int y = 0; y < 24; y++)
                for (int x = 0; x < 32; x++)
                    arr[y * 32 + x] = unchecked((int)0xFF000000) | (x * 8 << 16) | (y * 10 << 8) | ((x ^ y) * 8 & 0xFF);
            c.DrawArray(arr, 420, 300, 32, 24);
            c.DrawFilledRectangle(Color.Orange, 600, 440, 100, 100);        // clipped at the right and bottom edges
            c.DrawFilledRectangle(Color.Magenta, -30, 400, 60, 30);         // clipped at the left edge
            c.DrawRectangle(Color.Lime, 500, 380, 200, 50);                 // right side off screen
            c.DrawFilledRectangle(Color.SkyBlue, 40, 300, 50, -1);          // height −1: a square
        }

        /// <summary>Bresenham lines in all octants, midpoint circles and ellipses, filled ones, polygons, a clipped line.</summary>
        private static void Lines(Canvas c)
        {
            c.Clear(Color.Black);
            int cx = 160, cy = 150;
            for (int k = 0; k < 16; k++)
            {
                int dx = k < 8 ? -140 + k * 40 : 140, dy = k < 8 ? -140 : -140 + (k - 8) * 40;
                c.DrawLine(C(k), cx, cy, cx + dx, cy + dy);
                c.DrawLine(C(k + 8), cx, cy, cx - dx, cy - dy);
            }
            for (int r = 5; r <= 110; r += 15) c.DrawCircle(C(r / 5), 460, 130, r);
            c.DrawFilledCircle(Color.FromArgb(255, 200, 80, 40), 460, 360, 70);
            c.DrawCircle(Color.White, 460, 360, 70);
            c.DrawEllipse(Color.Yellow, 160, 390, 130, 60);
            c.DrawFilledEllipse(Color.FromArgb(255, 40, 160, 200), 160, 390, 35, 90);
            c.DrawEllipse(Color.Red, 160, 390, 20, 70);
            c.DrawPolygon(Color.Lime, new Point(300, 300), new Point(360, 280), new Point(390, 330), new Point(340, 380), new Point(310, 350));
            c.DrawTriangle(Color.Cyan, 560, 250, 630, 300, 540, 320);
            c.DrawLine(Color.Magenta, -100, 470, 800, 250);                 // clipped at both ends
            c.DrawLine(Color.White, 639, 0, 0, 479);
            c.DrawCircle(Color.Orange, 630, 470, 40);                        // partly off screen
        }

        /// <summary>The built-in font: every ASCII character, colours, a character without a glyph, text running off the edge.</summary>
        private static void Text(Canvas c)
        {
            c.Clear(Color.FromArgb(255, 40, 40, 40));
            Font f = PCScreenFont.Default;
            for (int row = 0; row < 3; row++)
            {
                var chars = new char[32];
                for (int i = 0; i < 32; i++) chars[i] = (char)(32 + row * 32 + i);
                string s = new string(chars, 0, row == 2 ? 31 : 32);
                c.DrawString(s, f, Color.White, 10, 10 + row * 18);
            }
            for (int i = 0; i < 12; i++) c.DrawString("CosmosOS graphics " + i, f, C(i), 10 + (i % 3) * 210, 80 + (i / 3) * 20);
            c.DrawString("Cafe\u00e9 \u2603 tab\t!", f, Color.Yellow, 10, 170);
            for (int i = 0; i < 26; i++) c.DrawChar((char)('A' + i), f, C(i), 10 + i * 12, 200 + (i & 1) * 6);
            c.DrawString("this line runs off the right edge of the scene", f, Color.Cyan, 400, 240);
            c.DrawFilledRectangle(Color.White, 10, 270, 300, 40);
            c.DrawString("dark on light: 0123456789", f, Color.Black, 20, 282);
            c.DrawString("translucent", f, Color.FromArgb(128, 255, 0, 0), 340, 282);
        }

        /// <summary>Images: unscaled, scaled up and down (nearest neighbour), per-pixel alpha, clipped; translucent shapes.</summary>
        private static void Images(Canvas c)
        {
            c.Clear(Color.FromArgb(255, 0, 64, 64));
            var gradient = new Bitmap(128, 96, ColorDepth.ColorDepth32);
            for (int y = 0; y < 96; y++)
                for (int x = 0; x < 128; x++)
                    gradient.RawData[y * 128 + x] = unchecked((int)0xFF000000) | (x * 2 << 16) | ((y * 8 / 3) << 8) | ((x + y) & 0xFF);
            c.DrawImage(gradient, 10, 10);
            c.DrawImage(gradient, 150, 10, 256, 192);
            c.DrawImage(gradient, 420, 10, 64, 48);
            c.DrawImage(gradient, 500, 10, 100, 37);
            c.DrawImage(gradient, 580, 420);                                 // clipped
            for (int k = 0; k < 16; k++) c.DrawFilledRectangle(C(k), 10 + k * 16, 220, 8, 120);
            var alpha = new Bitmap(256, 64, ColorDepth.ColorDepth32);
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 256; x++)
                    alpha.RawData[y * 256 + x] = (x << 24) | (y < 32 ? 0xFFFFFF : 0x0000FF);
            c.DrawImageAlpha(alpha, 10, 250);
            c.DrawFilledRectangle(Color.FromArgb(128, 255, 0, 0), 300, 220, 150, 100);
            c.DrawFilledRectangle(Color.FromArgb(128, 0, 0, 255), 380, 270, 150, 100);
            c.DrawFilledRectangle(Color.FromArgb(0, 255, 255, 255), 300, 380, 100, 50);       // alpha 0: nothing
            c.DrawFilledRectangle(Color.FromArgb(255, 255, 255, 0), 420, 380, 100, 50);       // alpha 255: replaces
            c.DrawFilledCircle(Color.FromArgb(64, 255, 255, 255), 560, 300, 50);
        }

        /// <summary>
        /// The console scene: coloured text, tabs, more lines than the screen has (so it scrolls) and the cursor, written
        /// to <paramref name="screen"/>; <paramref name="refresh"/> runs after each write (the framebuffer console draws
        /// what changed: cells, scrolled pixels, the cursor).
        /// </summary>
        public static void Console(TextScreen screen, Action refresh)
        {
            screen.SetColors(ConsoleColor.Gray, ConsoleColor.Black);
            screen.Clear();
            refresh();
            for (int i = 0; i < 16; i++)
            {
                screen.SetColors((ConsoleColor)i, (ConsoleColor)(15 - i));
                screen.Write(" colour " + i + " ");
                refresh();
            }
            screen.SetColors(ConsoleColor.Gray, ConsoleColor.Black);
            screen.WriteLine();
            for (int i = 0; i < screen.Rows + 5; i++)
            {
                screen.SetColors((ConsoleColor)(1 + i % 15), ConsoleColor.Black);
                screen.WriteLine("line " + i + "\tthe quick brown fox jumps over the lazy dog 0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
                refresh();
            }
            screen.SetColors(ConsoleColor.White, ConsoleColor.Blue);
            screen.Write("CP437: \u00e9\u00fc\u2591\u2592\u2593\u2588 end");
            screen.SetColors(ConsoleColor.Gray, ConsoleColor.Black);
            screen.Write(" > ");
            refresh();
        }
    }
}
