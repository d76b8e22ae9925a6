using System;
using System.Collections.Generic;
using System.Drawing;
using Cosmos.System.Graphics;
using Cosmos.System.Graphics.Fonts;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    public sealed class CanvasImageTextAlphaTests
    {
        private static Bitmap Numbered(int w, int h, int alpha = 0xFF)
        {
            var b = new Bitmap((uint)w, (uint)h, ColorDepth.ColorDepth32);
            for (int i = 0; i < w * h; i++) b.RawData[i] = (alpha << 24) | (i + 1);
            return b;
        }

        [Fact]
        public void DrawImageCopiesEveryPixelExactly()
        {
            var c = Gfx.Canvas(20, 20);
            var img = Numbered(5, 4);
            c.DrawImage(img, 3, 6);
            for (int y = 0; y < 20; y++)
                for (int x = 0; x < 20; x++)
                {
                    bool inside = x >= 3 && x < 8 && y >= 6 && y < 10;
                    Assert.Equal(inside ? img.RawData[(y - 6) * 5 + (x - 3)] : Gfx.Black, c.GetRawPointColor(x, y));
                }
        }

        [Fact]
        public void DrawImageIsClippedOnEverySide()
        {
            var img = Numbered(6, 5);
            foreach (var (ox, oy) in new[] { (-2, -3), (17, 16), (-5, 18), (18, -4), (-6, 0), (20, 20) })
            {
                var c = Gfx.Canvas(20, 20);
                c.DrawImage(img, ox, oy);
                for (int y = 0; y < 20; y++)
                    for (int x = 0; x < 20; x++)
                    {
                        int sx = x - ox, sy = y - oy;
                        bool inside = sx >= 0 && sx < 6 && sy >= 0 && sy < 5;
                        Assert.Equal(inside ? img.RawData[sy * 6 + sx] : Gfx.Black, c.GetRawPointColor(x, y));
                    }
            }
        }

        [Fact]
        public void ScaledDrawImageUsesNearestNeighbour()
        {
            var img = Numbered(3, 2);
            var c = Gfx.Canvas(20, 20);
            c.DrawImage(img, 1, 2, 6, 4); // exactly 2x
            for (int j = 0; j < 4; j++)
                for (int i = 0; i < 6; i++)
                    Assert.Equal(img.RawData[(j / 2) * 3 + i / 2], c.GetRawPointColor(1 + i, 2 + j));
            var d = Gfx.Canvas(20, 20);
            d.DrawImage(img, -1, -1, 7, 5); // non-integer factor, clipped at the top-left
            for (int j = 1; j < 5; j++)
                for (int i = 1; i < 7; i++)
                    Assert.Equal(img.RawData[(j * 2 / 5) * 3 + i * 3 / 7], d.GetRawPointColor(i - 1, j - 1));
            Assert.Equal(Gfx.Black, d.GetRawPointColor(6, 0));
        }

        [Fact]
        public void CroppedDrawImageAndDrawArray()
        {
            var img = Numbered(5, 5);
            var c = Gfx.Canvas(10, 10);
            c.CroppedDrawImage(img, 1, 1, 2, 3);
            Assert.Equal(img.RawData[0], c.GetRawPointColor(1, 1));
            Assert.Equal(img.RawData[2 * 5 + 1], c.GetRawPointColor(2, 3));
            Assert.Equal(Gfx.Black, c.GetRawPointColor(3, 1));
            Assert.Equal(Gfx.Black, c.GetRawPointColor(1, 4));
            var d = Gfx.Canvas(10, 10);
            d.DrawArray(new[] { 1, 2, 3, 4, 5, 6 }, 8, 8, 3, 2);
            Assert.Equal(1, d.GetRawPointColor(8, 8));
            Assert.Equal(5, d.GetRawPointColor(9, 9));
            Assert.Throws<ArgumentException>(() => d.DrawArray(new[] { 1, 2 }, 0, 0, 3, 2));
        }

        [Fact]
        public void AlphaZeroKeepsAlpha255ReplacesAnd128BlendsRounded()
        {
            var c = Gfx.Canvas(4, 1);
            int under = unchecked((int)0xFF00FF0A);
            c.Clear(under);
            c.DrawPoint(Color.FromArgb(0, 200, 100, 50), 0, 0);
            c.DrawPoint(Color.FromArgb(255, 200, 100, 50), 1, 0);
            c.DrawPoint(Color.FromArgb(128, 200, 100, 50), 2, 0);
            Assert.Equal(under, c.GetRawPointColor(0, 0));
            Assert.Equal(unchecked((int)0xFFC86432), c.GetRawPointColor(1, 0));
            int Expect(int s, int d) => (int)Math.Round((s * 128 + d * 127) / 255.0, MidpointRounding.AwayFromZero);
            Color blended = c.GetPointColor(2, 0);
            Assert.Equal(255, blended.A);
            Assert.Equal(Expect(200, 0), blended.R);
            Assert.Equal(Expect(100, 255), blended.G);
            Assert.Equal(Expect(50, 10), blended.B);
        }

        [Fact]
        public void BlendIsExactAtTheEndsForEveryChannelValue()
        {
            for (int v = 0; v < 256; v++)
                for (int d = 0; d < 256; d += 15)
                {
                    int src = (v << 16) | (v << 8) | v, dst = (d << 16) | (d << 8) | d;
                    Assert.Equal(unchecked((int)0xFF000000) | src, Canvas.BlendArgb(src | unchecked((int)0xFF000000), dst));
                    Assert.Equal(unchecked((int)0xFF000000) | dst, Canvas.BlendArgb(src, dst));
                    for (int a = 1; a < 255; a += 37)
                    {
                        int got = Canvas.BlendArgb(src | (a << 24), dst) & 0xFF;
                        Assert.Equal((int)Math.Round((v * a + d * (255 - a)) / 255.0, MidpointRounding.AwayFromZero), got);
                    }
                }
            Color c = Canvas.AlphaBlend(Color.FromArgb(255, 10, 20, 30), Color.FromArgb(255, 200, 200, 200), 255);
            Assert.Equal((10, 20, 30), (c.R, c.G, c.B));
        }

        [Fact]
        public void DrawImageAlphaBlendsPerPixel()
        {
            var img = new Bitmap(3, 1, ColorDepth.ColorDepth32);
            img.RawData[0] = 0x00FFFFFF;                  // alpha 0: keeps the background
            img.RawData[1] = unchecked((int)0xFF123456);  // alpha 255: replaces
            img.RawData[2] = unchecked((int)0x80FF0000);  // alpha 128 red over blue
            var c = Gfx.Canvas(5, 3);
            c.Clear(unchecked((int)0xFF0000FF));
            c.DrawImageAlpha(img, 1, 1);
            Assert.Equal(unchecked((int)0xFF0000FF), c.GetRawPointColor(1, 1));
            Assert.Equal(unchecked((int)0xFF123456), c.GetRawPointColor(2, 1));
            Assert.Equal(unchecked((int)0xFF80007F), c.GetRawPointColor(3, 1)); // R = round(255·128/255) = 128, B = round(255·127/255) = 127
            Assert.Equal(unchecked((int)0xFF0000FF), c.GetRawPointColor(0, 1));
        }

        [Fact]
        public void TranslucentFilledShapesBlendEachPixelOnce()
        {
            var c = Gfx.Canvas(60, 60);
            var half = Color.FromArgb(128, 255, 255, 255);
            c.DrawFilledCircle(half, 30, 30, 20);
            c.DrawFilledEllipse(half, 30, 30, 5, 25);
            c.DrawFilledRectangle(half, 0, 0, 5, 5);
            var values = new HashSet<int>();
            foreach (int p in c.BackBuffer.ToArray()) values.Add(p);
            // black, once blended (128), twice blended (where ellipse and circle overlap)
            Assert.Subset(new HashSet<int> { Gfx.Black, unchecked((int)0xFF808080), Canvas.BlendArgb(unchecked((int)0x80FFFFFF), unchecked((int)0xFF808080)) }, values);
        }

        [Fact]
        public void EveryTranslucentShapeBlendsEachOfItsPixelsExactlyOnce()
        {
            var half = Color.FromArgb(128, 255, 255, 255);
            int once = unchecked((int)0xFF808080);
            for (int r = 0; r <= 40; r++)
            {
                var shapes = new List<(string, Action<FramebufferCanvas>)>
                {
                    ("filled circle", c => c.DrawFilledCircle(half, 45, 45, r)),
                    ("circle", c => c.DrawCircle(half, 45, 45, r)),
                    ("filled ellipse", c => c.DrawFilledEllipse(half, 45, 45, r / 2, r)),
                    ("ellipse", c => c.DrawEllipse(half, 45, 45, r, (r * 2) / 3)),
                    ("rectangle", c => c.DrawRectangle(half, 3, 3, r, r / 3)),
                    ("line", c => c.DrawLine(half, 2, 80, 2 + 2 * r, 80 - r)),
                };
                foreach (var (name, draw) in shapes)
                {
                    var c = Gfx.Canvas(90, 90);
                    draw(c);
                    foreach (int p in c.BackBuffer.ToArray())
                        Assert.True(p == Gfx.Black || p == once, $"{name} r={r}: pixel 0x{p:X8} blended more than once");
                }
            }
        }

        [Fact]
        public void DrawCharSetsExactlyTheGlyphBits()
        {
            var font = PCScreenFont.Default;
            var c = Gfx.Canvas(30, 30);
            c.DrawChar('A', font, Color.White, 4, 5);
            var expected = new HashSet<(int, int)>();
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 8; x++)
                    if (font.IsPixelSet('A', x, y)) expected.Add((4 + x, 5 + y));
            Assert.NotEmpty(expected);
            Gfx.AssertSame(expected, Gfx.Drawn(c), "glyph A");
        }

        [Fact]
        public void DrawStringAdvancesByTheFontWidthAndClips()
        {
            var font = PCScreenFont.Default;
            var c = Gfx.Canvas(30, 20);
            c.DrawString("Hi!", font, Color.White, -3, 2);
            var expected = new HashSet<(int, int)>();
            string s = "Hi!";
            for (int i = 0; i < s.Length; i++)
                for (int y = 0; y < 16; y++)
                    for (int x = 0; x < 8; x++)
                        if (font.IsPixelSet(s[i], x, y) && -3 + i * 8 + x >= 0 && 2 + y < 20) expected.Add((-3 + i * 8 + x, 2 + y));
            Gfx.AssertSame(expected, Gfx.Drawn(c), "string");
        }

        [Fact]
        public void WideGlyphsFromAPsf2FontDrawAllTheirColumns()
        {
            // 10x2 glyphs, 2 bytes per row: glyph 'X' (0x58) row 0 = all 10 pixels, row 1 = pixel 9 only.
            byte[] psf = FontTests.Psf2(10, 2, 128, (glyph, data) =>
            {
                if (glyph == 'X') { data[0] = 0xFF; data[1] = 0xC0; data[2] = 0x00; data[3] = 0x40; }
            });
            var font = PCScreenFont.LoadFont(psf);
            var c = Gfx.Canvas(20, 5);
            c.DrawChar('X', font, Color.White, 1, 1);
            var expected = new HashSet<(int, int)>();
            for (int x = 0; x < 10; x++) expected.Add((1 + x, 1));
            expected.Add((10, 2));
            Gfx.AssertSame(expected, Gfx.Drawn(c), "wide glyph");
        }
    }
}
