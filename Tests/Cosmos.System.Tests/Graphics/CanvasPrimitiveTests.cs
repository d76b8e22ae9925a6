using System;
using System.Collections.Generic;
using System.Drawing;
using Cosmos.System.Graphics;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    public sealed class CanvasPrimitiveTests
    {
        private static readonly Color Red = Color.FromArgb(255, 255, 0, 0);
        private const int RedArgb = unchecked((int)0xFFFF0000);

        private static HashSet<(int, int)> Rect(int x0, int y0, int x1, int y1)
        {
            var s = new HashSet<(int, int)>();
            for (int y = y0; y <= y1; y++) for (int x = x0; x <= x1; x++) s.Add((x, y));
            return s;
        }

        [Fact]
        public void ClearFillsEveryPixelAndDefaultIsBlack()
        {
            var c = Gfx.Canvas(7, 5);
            c.Clear(Color.FromArgb(255, 1, 2, 3));
            foreach (int p in c.BackBuffer.ToArray()) Assert.Equal(unchecked((int)0xFF010203), p);
            c.Clear();
            foreach (int p in c.BackBuffer.ToArray()) Assert.Equal(Gfx.Black, p);
            c.Clear(0x12345678);
            Assert.Equal(0x12345678, c.GetRawPointColor(6, 4));
        }

        [Fact]
        public void DrawPointSetsExactlyOnePixel()
        {
            var c = Gfx.Canvas(10, 10);
            c.DrawPoint(Red, 3, 4);
            Gfx.AssertSame(new HashSet<(int, int)> { (3, 4) }, Gfx.Drawn(c), "point");
            Assert.Equal(RedArgb, c.GetRawPointColor(3, 4));
            Assert.Equal(Red.ToArgb(), c.GetPointColor(3, 4).ToArgb());
            c.DrawPoint(0x00ABCDEF, 5, 5); // packed int: stored as is
            Assert.Equal(0x00ABCDEF, c.GetRawPointColor(5, 5));
            c.DrawPoint(0xFF00FF00u, 6, 6);
            Assert.Equal(unchecked((int)0xFF00FF00), c.GetRawPointColor(6, 6));
        }

        [Fact]
        public void FilledRectangleCoversWidthByHeight()
        {
            var c = Gfx.Canvas(20, 20);
            c.DrawFilledRectangle(Red, 2, 3, 5, 4);
            Gfx.AssertSame(Rect(2, 3, 6, 6), Gfx.Drawn(c), "filled rectangle");
            var d = Gfx.Canvas(20, 20);
            d.DrawFilledRectangle(Red, 1, 1, 3, -1); // Cosmos: height -1 = square
            Gfx.AssertSame(Rect(1, 1, 3, 3), Gfx.Drawn(d), "square");
            var e = Gfx.Canvas(20, 20);
            e.DrawFilledRectangle(Red, 1, 1, 0, 5);
            e.DrawFilledRectangle(Red, 1, 1, -4, 5);
            Assert.Empty(Gfx.Drawn(e));
        }

        [Fact]
        public void RectangleOutlineIsInclusiveOfBothCorners()
        {
            var c = Gfx.Canvas(20, 20);
            c.DrawRectangle(Red, 2, 3, 5, 4);
            var expected = Rect(2, 3, 7, 7);
            expected.ExceptWith(Rect(3, 4, 6, 6));
            Gfx.AssertSame(expected, Gfx.Drawn(c), "rectangle");
            var z = Gfx.Canvas(5, 5);
            z.DrawRectangle(Red, 1, 1, 0, 0);
            Gfx.AssertSame(new HashSet<(int, int)> { (1, 1) }, Gfx.Drawn(z), "0x0 rectangle");
        }

        [Fact]
        public void HorizontalAndVerticalLinesIncludeBothEnds()
        {
            var c = Gfx.Canvas(20, 20);
            c.DrawLine(Red, 9, 2, 3, 2);
            c.DrawLine(Red, 15, 4, 15, 10);
            var expected = Rect(3, 2, 9, 2);
            expected.UnionWith(Rect(15, 4, 15, 10));
            Gfx.AssertSame(expected, Gfx.Drawn(c), "axis lines");
        }

        public static IEnumerable<object[]> LineCases()
        {
            var rng = new Random(12);
            yield return new object[] { 0, 0, 10, 5 };
            yield return new object[] { 0, 0, 10, 3 };
            yield return new object[] { 5, 5, 6, 17 };
            yield return new object[] { 30, 2, 1, 29 };
            yield return new object[] { 3, 40, 40, 3 };
            yield return new object[] { 0, 0, 2, 1 }; // exact tie: the pixel nearer the first point
            yield return new object[] { 2, 1, 0, 0 };
            for (int i = 0; i < 60; i++)
                yield return new object[] { rng.Next(0, 48), rng.Next(0, 48), rng.Next(0, 48), rng.Next(0, 48) };
        }

        [Theory]
        [MemberData(nameof(LineCases))]
        public void LinesMatchTextbookBresenhamExactly(int x0, int y0, int x1, int y1)
        {
            var c = Gfx.Canvas(48, 48);
            c.DrawLine(Red, x0, y0, x1, y1);
            Gfx.AssertSame(new HashSet<(int, int)>(Reference.Line(x0, y0, x1, y1)), Gfx.Drawn(c), $"line {x0},{y0}-{x1},{y1}");
        }

        [Fact]
        public void LinePixelsAreWithinHalfAPixelOfTheIdealLine()
        {
            // Geometric tolerance: along the minor axis every pixel is at most 0.5 from the true line.
            var rng = new Random(5);
            for (int n = 0; n < 200; n++)
            {
                int x0 = rng.Next(-30, 90), y0 = rng.Next(-30, 90), x1 = rng.Next(-30, 90), y1 = rng.Next(-30, 90);
                var c = Gfx.Canvas(60, 60);
                c.DrawLine(Red, x0, y0, x1, y1);
                bool xMajor = Math.Abs(x1 - x0) >= Math.Abs(y1 - y0);
                foreach (var (x, y) in Gfx.Drawn(c))
                {
                    if (x0 == x1 && y0 == y1) { Assert.Equal((x0, y0), (x, y)); continue; }
                    double err = xMajor
                        ? Math.Abs(y0 + (double)(y1 - y0) * (x - x0) / (x1 - x0) - y)
                        : Math.Abs(x0 + (double)(x1 - x0) * (y - y0) / (y1 - y0) - x);
                    Assert.True(err <= 0.5 + 1e-9, $"line {x0},{y0}-{x1},{y1}: pixel {x},{y} is {err} off");
                }
            }
        }

        [Fact]
        public void ClippedLinesShowExactlyTheVisiblePixelsOfTheWholeLine()
        {
            var rng = new Random(77);
            for (int n = 0; n < 300; n++)
            {
                int x0 = rng.Next(-3000, 3000), y0 = rng.Next(-3000, 3000), x1 = rng.Next(-3000, 3000), y1 = rng.Next(-3000, 3000);
                if (n % 3 == 0) { x0 = rng.Next(-50, 90); y0 = rng.Next(-50, 70); }
                var c = Gfx.Canvas(40, 30);
                c.DrawLine(Red, x0, y0, x1, y1);
                Gfx.AssertSame(Gfx.Window(Reference.Line(x0, y0, x1, y1), 0, 0, 40, 30), Gfx.Drawn(c), $"clipped line {x0},{y0}-{x1},{y1}");
            }
        }

        [Fact]
        public void ExtremeCoordinatesNeitherThrowNorWriteOutside()
        {
            var c = Gfx.Canvas(32, 24);
            c.DrawLine(Red, int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
            c.DrawLine(Red, int.MinValue, 5, int.MaxValue, 5);
            c.DrawLine(Red, 7, int.MaxValue, 7, int.MinValue);
            c.DrawLine(Red, int.MaxValue, int.MinValue, int.MinValue, int.MaxValue);
            c.DrawLine(Red, -1000000000, 3, 1000000000, 20);
            c.DrawRectangle(Red, int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
            c.DrawRectangle(Red, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);
            c.DrawFilledRectangle(Red, int.MaxValue - 1, 0, int.MaxValue, 10);
            c.DrawFilledRectangle(Red, -5, -5, int.MaxValue, int.MaxValue);
            c.DrawCircle(Red, int.MaxValue, int.MinValue, 100);
            c.DrawFilledCircle(Red, int.MinValue + 3, 10, 50);
            c.DrawEllipse(Red, int.MaxValue - 2, 3, 30, 20);
            c.DrawFilledEllipse(Red, 10, int.MaxValue, 30, 20);
            c.DrawPoint(Red, -1, 0);
            c.DrawPoint(Red, 32, 0);
            c.DrawString("clip", Cosmos.System.Graphics.Fonts.PCScreenFont.Default, Red, int.MaxValue - 3, int.MinValue);
            c.DrawString("clip", Cosmos.System.Graphics.Fonts.PCScreenFont.Default, Red, -20, -10);
            c.DrawImage(new Bitmap(4, 4, ColorDepth.ColorDepth32), int.MinValue, int.MaxValue);
            c.DrawImage(new Bitmap(4, 4, ColorDepth.ColorDepth32), 30, 22, 100, 100);
            c.DrawImageAlpha(new Bitmap(4, 4, ColorDepth.ColorDepth32), -2, -2);
            c.Display();
            // the diagonal through (0,0)…: only sanity here; the framebuffer has no room outside, and nothing threw
            Assert.Equal(32 * 24, c.BackBuffer.Length);
        }

        [Fact]
        public void DisplayNeverWritesThePitchPadding()
        {
            var fb = new Cosmos.HAL.Devices.Graphics.MemoryFramebuffer(10, 6, Cosmos.HAL.Devices.Graphics.PixelFormat.Xrgb8888, pitch: 48);
            fb.Memory.Fill(0xEE);
            var c = new FramebufferCanvas(fb);
            c.Clear(Red);
            c.DrawFilledCircle(Color.Blue, 5, 3, 40);
            c.DrawLine(Color.Green, -100, -50, 200, 80);
            c.Display();
            for (int y = 0; y < 6; y++)
            {
                for (int i = 40; i < 48; i++) Assert.Equal(0xEE, fb.Memory[y * 48 + i]);
                for (int x = 0; x < 10; x++) Assert.Equal(c.GetRawPointColor(x, y) & 0xFFFFFF, fb.ReadPixel(x, y) & 0xFFFFFF);
            }
        }

        public static IEnumerable<object[]> Radii()
        {
            foreach (int r in new[] { 0, 1, 2, 3, 4, 5, 7, 10, 13, 17, 20, 31, 46 }) yield return new object[] { r };
        }

        [Theory]
        [MemberData(nameof(Radii))]
        public void CirclesMatchTheMidpointReferenceExactly(int r)
        {
            var c = Gfx.Canvas(100, 100);
            c.DrawCircle(Red, 50, 49, r);
            var expected = Reference.Circle(50, 49, r);
            Gfx.AssertSame(expected, Gfx.Drawn(c), "circle r=" + r);
            foreach (var (x, y) in expected)
            {
                double dist = Math.Sqrt((x - 50.0) * (x - 50.0) + (y - 49.0) * (y - 49.0));
                Assert.True(Math.Abs(dist - r) < 0.75, $"r={r}: pixel {x},{y} at distance {dist}");
            }
            var f = Gfx.Canvas(100, 100);
            f.DrawFilledCircle(Red, 50, 49, r);
            Gfx.AssertSame(Reference.FillRows(expected), Gfx.Drawn(f), "filled circle r=" + r);
        }

        public static IEnumerable<object[]> EllipseRadii()
        {
            int[][] cases = { new[] { 0, 0 }, new[] { 1, 1 }, new[] { 5, 0 }, new[] { 0, 6 }, new[] { 3, 7 }, new[] { 7, 3 }, new[] { 20, 10 }, new[] { 10, 20 },
                new[] { 45, 12 }, new[] { 12, 45 }, new[] { 33, 31 }, new[] { 1, 40 }, new[] { 40, 1 }, new[] { 17, 17 } };
            foreach (int[] p in cases) yield return new object[] { p[0], p[1] };
        }

        [Theory]
        [MemberData(nameof(EllipseRadii))]
        public void EllipsesMatchTheMidpointReferenceExactly(int a, int b)
        {
            var c = Gfx.Canvas(100, 100);
            c.DrawEllipse(Red, 50, 48, a, b);
            var expected = Reference.Ellipse(50, 48, a, b);
            Gfx.AssertSame(expected, Gfx.Drawn(c), $"ellipse {a}x{b}");
            var f = Gfx.Canvas(100, 100);
            f.DrawFilledEllipse(Red, 50, 48, b, a); // Cosmos order: yR before xR
            Gfx.AssertSame(Reference.FillRows(expected), Gfx.Drawn(f), $"filled ellipse {a}x{b}");
        }

        [Fact]
        public void EllipseWithEqualRadiiIsCloseToTheCircle()
        {
            // Different algorithms, same shape: within one pixel (stated tolerance) of each other.
            for (int r = 1; r < 40; r += 3)
            {
                var circle = Reference.Circle(0, 0, r);
                foreach (var (x, y) in Reference.Ellipse(0, 0, r, r))
                {
                    bool near = false;
                    for (int dy = -1; dy <= 1 && !near; dy++)
                        for (int dx = -1; dx <= 1 && !near; dx++)
                            near = circle.Contains((x + dx, y + dy));
                    Assert.True(near, $"r={r}: ellipse pixel {x},{y} not within 1 of the circle");
                }
            }
        }

        [Fact]
        public void ClippedCirclesAndEllipsesShowTheVisiblePartOfTheWholeShape()
        {
            var rng = new Random(3);
            for (int n = 0; n < 60; n++)
            {
                int cx = rng.Next(-60, 100), cy = rng.Next(-60, 90), r = rng.Next(0, 70), r2 = rng.Next(0, 70);
                var c = Gfx.Canvas(40, 30);
                c.DrawCircle(Red, cx, cy, r);
                Gfx.AssertSame(Gfx.Window(Reference.Circle(cx, cy, r), 0, 0, 40, 30), Gfx.Drawn(c), $"circle {cx},{cy} r={r}");
                var f = Gfx.Canvas(40, 30);
                f.DrawFilledCircle(Red, cx, cy, r);
                Gfx.AssertSame(Gfx.Window(Reference.FillRows(Reference.Circle(cx, cy, r)), 0, 0, 40, 30), Gfx.Drawn(f), $"filled circle {cx},{cy} r={r}");
                var e = Gfx.Canvas(40, 30);
                e.DrawEllipse(Red, cx, cy, r, r2);
                Gfx.AssertSame(Gfx.Window(Reference.Ellipse(cx, cy, r, r2), 0, 0, 40, 30), Gfx.Drawn(e), $"ellipse {cx},{cy} {r}x{r2}");
                var fe = Gfx.Canvas(40, 30);
                fe.DrawFilledEllipse(Red, cx, cy, r2, r);
                Gfx.AssertSame(Gfx.Window(Reference.FillRows(Reference.Ellipse(cx, cy, r, r2)), 0, 0, 40, 30), Gfx.Drawn(fe), $"filled ellipse {cx},{cy} {r}x{r2}");
            }
        }

        [Fact]
        public void NegativeRadiiDrawNothingAndHugeRadiiAreRefused()
        {
            var c = Gfx.Canvas(20, 20);
            c.DrawCircle(Red, 10, 10, -1);
            c.DrawFilledCircle(Red, 10, 10, -5);
            c.DrawEllipse(Red, 10, 10, -1, 4);
            c.DrawFilledEllipse(Red, 10, 10, 4, -1);
            Assert.Empty(Gfx.Drawn(c));
            Assert.Throws<ArgumentOutOfRangeException>(() => c.DrawCircle(Red, 10, 10, Canvas.MaxRadius + 1));
        }

        [Fact]
        public void ArcSamplesTheEllipseBetweenTheAngles()
        {
            var c = Gfx.Canvas(60, 60);
            c.DrawArc(30, 30, 20, 10, Red, 0, 90); // right to bottom
            var drawn = Gfx.Drawn(c);
            Assert.Contains((50, 30), drawn);
            Assert.Contains((30, 39), drawn); // (int)(10·sin 89.5°) = 9: the sample before 90° is the last
            foreach (var (x, y) in drawn)
            {
                Assert.True(x >= 30 && y >= 30, $"pixel {x},{y} outside the first quadrant");
                double e = Math.Pow((x - 30) / 20.0, 2) + Math.Pow((y - 30) / 10.0, 2);
                Assert.InRange(e, 0.75, 1.0 + 1e-9);
            }
            var none = Gfx.Canvas(10, 10);
            none.DrawArc(5, 5, 0, 4, Red);
            none.DrawArc(5, 5, 4, 4, Red, 90, 90);
            Assert.Empty(Gfx.Drawn(none));
        }

        [Fact]
        public void PolygonIsTheClosedChainOfLines()
        {
            var c = Gfx.Canvas(40, 40);
            var pts = new[] { new Point(2, 3), new Point(30, 8), new Point(20, 35), new Point(5, 25) };
            c.DrawPolygon(Red, pts);
            var expected = new HashSet<(int, int)>();
            for (int i = 0; i < pts.Length; i++)
            {
                var a = pts[i]; var b = pts[(i + 1) % pts.Length];
                expected.UnionWith(Reference.Line(a.X, a.Y, b.X, b.Y));
            }
            Gfx.AssertSame(expected, Gfx.Drawn(c), "polygon");
            Assert.Throws<ArgumentException>(() => c.DrawPolygon(Red, new Point(1, 1), new Point(2, 2)));
        }

        [Fact]
        public void TransparentColorDrawsNothing()
        {
            var c = Gfx.Canvas(30, 30);
            var clear = Color.FromArgb(0, 255, 255, 255);
            c.DrawLine(clear, 0, 0, 29, 17);
            c.DrawFilledRectangle(clear, 0, 0, 30, 30);
            c.DrawFilledCircle(clear, 15, 15, 10);
            c.DrawString("Hi", Cosmos.System.Graphics.Fonts.PCScreenFont.Default, clear, 0, 0);
            Assert.Empty(Gfx.Drawn(c));
        }
    }
}
