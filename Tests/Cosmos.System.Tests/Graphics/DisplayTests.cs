using System;
using System.Collections.Generic;
using System.Drawing;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>Double buffering: Display copies only the changed rectangles, and calls Update for each.</summary>
    public sealed class DisplayTests
    {
        private static (FramebufferCanvas, MemoryFramebuffer) Displayed(int w, int h, PixelFormat format = PixelFormat.Xrgb8888)
        {
            var fb = new MemoryFramebuffer(w, h, format);
            var c = new FramebufferCanvas(fb);
            c.Clear(Gfx.Black);
            c.Display();
            fb.Updates.Clear();
            fb.Memory.Fill(0x55); // sentinel: anything Display writes shows
            return (c, fb);
        }

        private static HashSet<(int, int)> Written(MemoryFramebuffer fb)
        {
            var set = new HashSet<(int, int)>();
            int bpp = fb.BytesPerPixel;
            for (int y = 0; y < fb.Height; y++)
                for (int x = 0; x < fb.Width; x++)
                {
                    bool sentinel = true;
                    for (int i = 0; i < bpp; i++) sentinel &= fb.Memory[y * fb.Pitch + x * bpp + i] == 0x55;
                    if (!sentinel) set.Add((x, y));
                }
            return set;
        }

        [Fact]
        public void DrawingDoesNotTouchTheScreenUntilDisplay()
        {
            var (c, fb) = Displayed(16, 16);
            c.DrawFilledRectangle(Color.Red, 0, 0, 16, 16);
            Assert.Empty(Written(fb));
            c.Display();
            Assert.Equal(16 * 16, Written(fb).Count);
            Assert.Equal(unchecked((int)0xFFFF0000), fb.ReadPixel(3, 3));
        }

        [Fact]
        public void DisplayCopiesOnlyTheChangedPixelAndReportsIt()
        {
            var (c, fb) = Displayed(40, 30);
            c.DrawPoint(Color.White, 10, 7);
            c.Display();
            Gfx.AssertSame(new HashSet<(int, int)> { (10, 7) }, Written(fb), "written");
            Assert.Equal(new[] { (10, 7, 1, 1) }, fb.Updates.ToArray());
        }

        [Fact]
        public void NothingChangedMeansNothingCopied()
        {
            var (c, fb) = Displayed(20, 20);
            c.Display();
            c.Display();
            Assert.Empty(Written(fb));
            Assert.Empty(fb.Updates);
            c.DrawCircle(Color.FromArgb(0, 1, 2, 3), 5, 5, 3); // transparent: no change either
            c.DrawLine(Color.Red, -10, -10, -1, -20);        // entirely off screen
            c.Display();
            Assert.Empty(fb.Updates);
        }

        [Fact]
        public void SeparateShapesAreSeparateRectangles()
        {
            var (c, fb) = Displayed(100, 80);
            c.DrawFilledRectangle(Color.Red, 2, 3, 4, 5);
            c.DrawLine(Color.Blue, 60, 50, 70, 55);
            c.DrawString("A", Cosmos.System.Graphics.Fonts.PCScreenFont.Default, Color.White, 30, 60);
            c.Display();
            var updates = new HashSet<(int, int, int, int)>(fb.Updates);
            Assert.Equal(new HashSet<(int, int, int, int)> { (2, 3, 4, 5), (60, 50, 11, 6), (30, 60, 8, 16) }, updates);
            var expected = new HashSet<(int, int)>();
            foreach (var (x, y, w, h) in updates)
                for (int j = y; j < y + h; j++) for (int i = x; i < x + w; i++) expected.Add((i, j));
            Gfx.AssertSame(expected, Written(fb), "written = the update rectangles");
        }

        [Fact]
        public void OverlappingChangesMergeAndClippedShapesReportTheVisiblePart()
        {
            var (c, fb) = Displayed(50, 50);
            c.DrawFilledRectangle(Color.Red, 10, 10, 10, 10);
            c.DrawFilledRectangle(Color.Red, 15, 15, 10, 10);
            c.DrawFilledCircle(Color.Red, 48, -2, 5);
            c.Display();
            Assert.Equal(new HashSet<(int, int, int, int)> { (10, 10, 15, 15), (43, 0, 7, 4) }, new HashSet<(int, int, int, int)>(fb.Updates));
        }

        [Fact]
        public void ManyChangesStayWithinTheRectangleLimitAndCoverEverything()
        {
            var (c, fb) = Displayed(200, 200);
            var rng = new Random(9);
            var drawn = new List<(int, int)>();
            for (int i = 0; i < 100; i++)
            {
                int x = rng.Next(0, 100) * 2, y = rng.Next(0, 100) * 2;
                c.DrawPoint(Color.White, x, y);
                drawn.Add((x, y));
            }
            Assert.True(c.Dirty.Count <= DirtyRegion.MaxRectangles);
            c.Display();
            Assert.True(fb.Updates.Count <= DirtyRegion.MaxRectangles);
            foreach (var (x, y) in drawn) Assert.Equal(unchecked((int)0xFFFFFFFF), fb.ReadPixel(x, y));
        }

        [Theory]
        [InlineData(PixelFormat.Xrgb8888)]
        [InlineData(PixelFormat.Xbgr8888)]
        [InlineData(PixelFormat.Rgb888)]
        [InlineData(PixelFormat.Bgr888)]
        [InlineData(PixelFormat.Rgb565)]
        [InlineData(PixelFormat.Xrgb1555)]
        public void DisplayConvertsToTheFramebufferFormat(PixelFormat format)
        {
            var (c, fb) = Displayed(8, 4, format);
            c.DrawPoint(Color.FromArgb(255, 0xF8, 0xFC, 0xF8), 1, 1); // exact in every format
            c.DrawPoint(Color.FromArgb(255, 0x08, 0x00, 0x10), 2, 1);
            c.Display();
            Assert.Equal(unchecked((int)0xFFF8FCF8) & Mask(format), fb.ReadPixel(1, 1) & Mask(format));
            Assert.Equal(unchecked((int)0xFF080010) & Mask(format), fb.ReadPixel(2, 1) & Mask(format));
            Gfx.AssertSame(new HashSet<(int, int)> { (1, 1), (2, 1) }, Written(fb), "written");
        }

        [Theory]
        [InlineData(PixelFormat.Xrgb8888)]
        [InlineData(PixelFormat.Xbgr8888)]
        [InlineData(PixelFormat.Rgb888)]
        [InlineData(PixelFormat.Bgr888)]
        [InlineData(PixelFormat.Rgb565)]
        [InlineData(PixelFormat.Xrgb1555)]
        public void ClearThenDisplayFillsTheScreenAndLaterDrawingSeesTheClearColour(PixelFormat format)
        {
            var (c, fb) = Displayed(7, 5, format);
            int colour = unchecked((int)0xFF08F810);
            c.Clear(colour);
            c.Display();
            Assert.Equal(new[] { (0, 0, 7, 5) }, fb.Updates.ToArray());
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 7; x++)
                    Assert.Equal(colour & Mask(format), fb.ReadPixel(x, y) & Mask(format));
            fb.Updates.Clear();
            c.DrawPoint(Color.FromArgb(128, 255, 255, 255), 3, 2); // blends over the cleared colour
            Assert.Equal(colour, c.GetRawPointColor(0, 0));
            Assert.Equal(Canvas.BlendArgb(unchecked((int)0x80FFFFFF), colour), c.GetRawPointColor(3, 2));
            c.Display();
            Assert.Equal(new[] { (3, 2, 1, 1) }, fb.Updates.ToArray());
            Assert.Equal(colour & Mask(format), fb.ReadPixel(4, 2) & Mask(format));
        }

        private static int Mask(PixelFormat f) => f switch
        {
            PixelFormat.Rgb565 => unchecked((int)0xFFF8FCF8),
            PixelFormat.Xrgb1555 => unchecked((int)0xFFF8F8F8),
            _ => -1,
        };

        [Fact]
        public void Xbgr8888StoresRedFirst()
        {
            var (c, fb) = Displayed(2, 1, PixelFormat.Xbgr8888);
            c.DrawPoint(Color.FromArgb(255, 1, 2, 3), 0, 0);
            c.Display();
            Assert.Equal(new byte[] { 1, 2, 3 }, fb.Memory.Slice(0, 3).ToArray());
        }

        [Fact]
        public void ModeSwitchReallocatesAndRedrawsEverything()
        {
            var modes = new[] { new FramebufferMode(32, 24, 32), new FramebufferMode(16, 12, 32), new FramebufferMode(8, 8, 16) };
            var fb = new MemoryFramebuffer(32, 24, modes: modes);
            var c = new FramebufferCanvas(fb);
            Assert.Equal(new Mode(32, 24, ColorDepth.ColorDepth32), c.DefaultGraphicsMode);
            Assert.Equal(3, c.AvailableModes.Count);
            c.Mode = new Mode(8, 8, ColorDepth.ColorDepth16);
            Assert.Equal(8, fb.Width);
            Assert.Equal(PixelFormat.Rgb565, fb.Format);
            Assert.Equal(64, c.BackBuffer.Length);
            c.Display();
            Assert.Equal(new[] { (0, 0, 8, 8) }, fb.Updates.ToArray());
            Assert.Throws<ArgumentOutOfRangeException>(() => c.Mode = new Mode(640, 480, ColorDepth.ColorDepth32));
        }
    }
}

namespace Cosmos.System.Tests.Graphics
{
    public sealed class PixelFormatTests
    {
        [Fact]
        public void FieldPositionsMapToFormats()
        {
            Assert.Equal(PixelFormat.Xrgb8888, PixelFormats.FromFields(32, 16, 8, 8, 8, 0, 8));
            Assert.Equal(PixelFormat.Xbgr8888, PixelFormats.FromFields(32, 0, 8, 8, 8, 16, 8));
            Assert.Equal(PixelFormat.Rgb888, PixelFormats.FromFields(24, 16, 8, 8, 8, 0, 8));
            Assert.Equal(PixelFormat.Bgr888, PixelFormats.FromFields(24, 0, 8, 8, 8, 16, 8));
            Assert.Equal(PixelFormat.Rgb565, PixelFormats.FromFields(16, 11, 5, 5, 6, 0, 5));
            Assert.Equal(PixelFormat.Xrgb1555, PixelFormats.FromFields(15, 10, 5, 5, 5, 0, 5));
            Assert.Equal(PixelFormat.Unknown, PixelFormats.FromFields(8, 0, 0, 0, 0, 0, 0));
            Assert.Equal(PixelFormat.Unknown, PixelFormats.FromFields(32, 24, 8, 16, 8, 8, 8));
        }

        [Fact]
        public void FixedFramebufferRefusesOtherModesAndRowsOutsideTheScreen()
        {
            var fb = new MemoryFramebuffer(4, 4);
            Assert.Throws<ArgumentOutOfRangeException>(() => fb.WriteRow(2, 0, new int[3]));
            Assert.Throws<ArgumentOutOfRangeException>(() => fb.WriteRow(0, 4, new int[1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => fb.FillRow(-1, 0, 1, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => fb.ReadPixel(4, 0));
            Assert.Throws<NotSupportedException>(() => fb.SetMode(new FramebufferMode(4, 4, 8)));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryFramebuffer(0, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryFramebuffer(4, 4, pitch: 8));
        }
    }
}
