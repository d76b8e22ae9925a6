using System;
using System.Drawing;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>
    /// The canvas's pending operations (a Clear or a full-surface DrawImage/DrawArray recorded and written straight to
    /// the framebuffer at Display) must end in exactly the pixels, back buffer and Update calls of the plain path: the
    /// reference here writes the same pixels through <see cref="FramebufferCanvas.BackBuffer"/> + MarkDirty, which always
    /// takes the row-by-row path.
    /// </summary>
    public sealed class PendingImageTests
    {
        private static Bitmap Pattern(int w, int h, int seed, bool translucent = false)
        {
            var b = new Bitmap((uint)w, (uint)h, ColorDepth.ColorDepth32);
            for (int i = 0; i < b.RawData.Length; i++)
            {
                int rgb = (int)(((uint)(i + seed) * 2654435761u) >> 8) & 0xFFFFFF;
                int a = translucent ? (i * 37 + seed) & 0xFF : 0xFF;
                b.RawData[i] = (a << 24) | rgb;
            }
            return b;
        }

        /// <summary>A canvas over a fresh framebuffer of the same kind, showing the same start (a displayed Clear).</summary>
        private static (FramebufferCanvas, MemoryFramebuffer) Fresh(int w, int h, PixelFormat format, int pitch)
        {
            var fb = new MemoryFramebuffer(w, h, format, pitch);
            var c = new FramebufferCanvas(fb);
            c.Clear(unchecked((int)0xFF102030));
            c.Display();
            fb.Updates.Clear();
            return (c, fb);
        }

        /// <summary>The plain path: copies <paramref name="pixels"/> (w × h) into the back buffer and marks it all.</summary>
        private static void Plain(FramebufferCanvas c, int[] pixels)
        {
            pixels.AsSpan().CopyTo(c.BackBuffer);
            c.MarkDirty(0, 0, (int)c.Mode.Width, (int)c.Mode.Height);
        }

        private static void AssertSameScreen(MemoryFramebuffer expected, MemoryFramebuffer actual)
        {
            Assert.Equal(expected.Updates.ToArray(), actual.Updates.ToArray());
            byte[] e = expected.Memory.ToArray(), a = actual.Memory.ToArray();
            for (int i = 0; i < e.Length; i++)
                if (e[i] != a[i]) Assert.Fail($"framebuffer byte {i} (row {i / expected.Pitch}) is {a[i]:X2}, expected {e[i]:X2}");
        }

        private static void AssertSameBack(FramebufferCanvas expected, FramebufferCanvas actual)
        {
            int[] e = expected.BackBuffer.ToArray(), a = actual.BackBuffer.ToArray();
            for (int i = 0; i < e.Length; i++)
                if (e[i] != a[i]) Assert.Fail($"back buffer pixel {i} is {a[i]:X8}, expected {e[i]:X8}");
        }

        public static TheoryData<PixelFormat, int> Framebuffers => new TheoryData<PixelFormat, int>
        {
            { PixelFormat.Xrgb8888, 0 },
            { PixelFormat.Xrgb8888, 40 * 4 + 12 }, // padded rows: per-row copies, padding untouched
            { PixelFormat.Xbgr8888, 0 },
            { PixelFormat.Rgb888, 0 },
            { PixelFormat.Rgb565, 0 },
        };

        [Theory, MemberData(nameof(Framebuffers))]
        public void FullScreenImageThenDisplayEqualsThePlainCopy(PixelFormat format, int pitch)
        {
            var img = Pattern(40, 30, 1, translucent: true); // stored as is, alpha included
            var (e, efb) = Fresh(40, 30, format, pitch);
            var (a, afb) = Fresh(40, 30, format, pitch);
            efb.Memory.Fill(0x55); afb.Memory.Fill(0x55);
            Plain(e, img.RawData); e.Display();
            a.DrawImage(img, 0, 0); a.Display();
            AssertSameScreen(efb, afb);
            Assert.Equal(new[] { (0, 0, 40, 30) }, afb.Updates.ToArray());
            AssertSameBack(e, a);
            Assert.Equal(img.RawData[7 * 40 + 5], a.GetRawPointColor(5, 7));
        }

        [Theory, MemberData(nameof(Framebuffers))]
        public void DrawingAfterAPendingImageKeepsTheImageUnderneath(PixelFormat format, int pitch)
        {
            var img = Pattern(40, 30, 2);
            var (e, efb) = Fresh(40, 30, format, pitch);
            var (a, afb) = Fresh(40, 30, format, pitch);
            foreach (var c in new[] { e, a })
            {
                if (c == e) Plain(c, img.RawData); else c.DrawImage(img, 0, 0);
                c.DrawFilledRectangle(Color.Red, 5, 6, 7, 8);
                c.DrawLine(Color.FromArgb(128, 0, 255, 0), 0, 29, 39, 0); // blends with the image's pixels
                c.Display();
            }
            AssertSameScreen(efb, afb);
            AssertSameBack(e, a);
        }

        [Theory, MemberData(nameof(Framebuffers))]
        public void DrawingAfterTheDisplayedImageAddsOnlyItsRectangle(PixelFormat format, int pitch)
        {
            var img = Pattern(40, 30, 3);
            var (e, efb) = Fresh(40, 30, format, pitch);
            var (a, afb) = Fresh(40, 30, format, pitch);
            foreach (var c in new[] { e, a })
            {
                if (c == e) Plain(c, img.RawData); else c.DrawImage(img, 0, 0);
                c.Display();
                c.DrawFilledCircle(Color.FromArgb(100, 255, 255, 0), 20, 15, 6);
                c.DrawPoint(unchecked((int)0x80123456), 1, 1);
                c.Display();
            }
            AssertSameScreen(efb, afb);
            AssertSameBack(e, a);
        }

        [Fact]
        public void ChangingTheImageAfterDisplayDoesNotChangeTheCanvas()
        {
            var img = Pattern(40, 30, 4);
            int[] original = (int[])img.RawData.Clone();
            var (a, afb) = Fresh(40, 30, PixelFormat.Xrgb8888, 0);
            a.DrawImage(img, 0, 0);
            a.Display();
            byte[] shown = afb.Memory.ToArray();
            Array.Fill(img.RawData, unchecked((int)0xFFFFFFFF));
            a.DrawPoint(Color.Red, 3, 3);
            a.Display();
            original[3 * 40 + 3] = Color.Red.ToArgb();
            Assert.Equal(original, a.BackBuffer.ToArray());
            Assert.Equal(new[] { (0, 0, 40, 30), (3, 3, 1, 1) }, afb.Updates.ToArray());
            shown[(3 * 40 + 3) * 4 + 0] = 0; shown[(3 * 40 + 3) * 4 + 1] = 0; shown[(3 * 40 + 3) * 4 + 2] = 0xFF; shown[(3 * 40 + 3) * 4 + 3] = 0xFF;
            Assert.Equal(shown, afb.Memory.ToArray());
        }

        [Fact]
        public void ChangingTheImageBeforeAnyOtherCallIsWhatIsDrawn()
        {
            // The documented window: the pixels of a full-surface DrawImage are read at the next Display, drawing or read.
            var img = Pattern(20, 10, 5);
            var (a, afb) = Fresh(20, 10, PixelFormat.Xrgb8888, 0);
            a.DrawImage(img, 0, 0);
            img.RawData[0] = unchecked((int)0xFFABCDEF);
            a.Display();
            Assert.Equal(unchecked((int)0xFFABCDEF), afb.ReadPixel(0, 0));
            Assert.Equal(unchecked((int)0xFFABCDEF), a.GetRawPointColor(0, 0));
        }

        [Fact]
        public void DisplayTwiceCopiesOnce()
        {
            var img = Pattern(16, 12, 6);
            var (a, afb) = Fresh(16, 12, PixelFormat.Xrgb8888, 0);
            a.DrawImage(img, 0, 0);
            a.Display();
            afb.Memory.Fill(0x55);
            a.Display();
            Assert.Single(afb.Updates);
            Assert.All(afb.Memory.ToArray(), b => Assert.Equal(0x55, b));
            a.MarkDirty(2, 2, 3, 3); // nothing was written to the back buffer, but the rectangle is reported
            afb.Memory.Fill(0);
            a.Display();
            Assert.Equal(new[] { (0, 0, 16, 12), (2, 2, 3, 3) }, afb.Updates.ToArray());
        }

        [Fact]
        public void LargerImagesAtNegativeOffsetsAndDrawArrayWithAStartIndexAreCropped()
        {
            var big = Pattern(50, 45, 7);
            var (e, efb) = Fresh(40, 30, PixelFormat.Xrgb8888, 0);
            var (a, afb) = Fresh(40, 30, PixelFormat.Xrgb8888, 0);
            int[] crop = new int[40 * 30];
            for (int y = 0; y < 30; y++) Array.Copy(big.RawData, (y + 4) * 50 + 3, crop, y * 40, 40);
            Plain(e, crop); e.Display();
            a.DrawImage(big, -3, -4); a.Display();
            AssertSameScreen(efb, afb);
            AssertSameBack(e, a);

            int[] arr = new int[5 + 40 * 30];
            for (int i = 0; i < arr.Length; i++) arr[i] = unchecked((int)0xFF000000) | (i * 977);
            Plain(e, arr.AsSpan(5).ToArray()); e.Display();
            a.DrawArray(arr, 0, 0, 40, 30, 5); a.Display();
            AssertSameScreen(efb, afb);
            AssertSameBack(e, a);

            Assert.Throws<ArgumentException>(() => a.DrawArray(arr, 0, 0, 40, 30, 6));
            var shortImage = new Bitmap(40, 30, ColorDepth.ColorDepth32);
            shortImage.RawData = new int[40 * 29];
            Assert.ThrowsAny<ArgumentException>(() => a.DrawImage(shortImage, 0, 0));
        }

        [Fact]
        public void ImagesThatDoNotCoverTheScreenAndAlphaImagesTakeThePlainPath()
        {
            var small = Pattern(39, 30, 8);
            var translucent = Pattern(40, 30, 9, translucent: true);
            var (e, efb) = Fresh(40, 30, PixelFormat.Xrgb8888, 0);
            var (a, afb) = Fresh(40, 30, PixelFormat.Xrgb8888, 0);
            int[] expected = e.BackBuffer.ToArray();
            for (int y = 0; y < 30; y++) Array.Copy(small.RawData, y * 39, expected, y * 40 + 1, 39);
            Plain(e, expected);
            e.Display();
            a.DrawImage(small, 1, 0);
            a.Display();
            AssertSameBack(e, a);
            Assert.Equal(efb.Memory.ToArray(), afb.Memory.ToArray());

            a.DrawImageAlpha(translucent, 0, 0);
            for (int i = 0; i < expected.Length; i++) expected[i] = Canvas.BlendArgb(translucent.RawData[i], expected[i]);
            Assert.Equal(expected, a.BackBuffer.ToArray());
        }

        [Fact]
        public void ClearAndImageReplaceEachOther()
        {
            var img = Pattern(20, 10, 10);
            var (a, afb) = Fresh(20, 10, PixelFormat.Xrgb8888, 0);
            a.DrawImage(img, 0, 0);
            a.Clear(Color.Blue);
            a.Display();
            Assert.All(a.BackBuffer.ToArray(), p => Assert.Equal(Color.Blue.ToArgb(), p));
            a.Clear(Color.Green);
            a.DrawImage(img, 0, 0);
            a.Display();
            Assert.Equal(img.RawData, a.BackBuffer.ToArray());
            for (int y = 0; y < 10; y++)
                for (int x = 0; x < 20; x++) Assert.Equal(img.RawData[y * 20 + x] | unchecked((int)0xFF000000), afb.ReadPixel(x, y));
            a.Clear(Color.Green);
            a.Display();
            Assert.Equal(Color.Green.ToArgb(), afb.ReadPixel(19, 9));
            Assert.Equal(Color.Green.ToArgb(), a.GetRawPointColor(19, 9));
        }

        [Fact]
        public void ModeSwitchForgetsAPendingImage()
        {
            var img = Pattern(20, 10, 11);
            var fb = new MemoryFramebuffer(20, 10, modes: new[] { new FramebufferMode(20, 10, 32), new FramebufferMode(8, 4, 32) });
            var c = new FramebufferCanvas(fb);
            c.DrawImage(img, 0, 0);
            c.Display();
            c.Mode = new Mode(8, 4, ColorDepth.ColorDepth32);
            Assert.All(c.BackBuffer.ToArray(), p => Assert.Equal(0, p));
            c.DrawImage(img, -1, -1);
            c.Display();
            Assert.Equal(img.RawData[1 * 20 + 1], c.GetRawPointColor(0, 0));
            Assert.Equal(img.RawData[4 * 20 + 8], c.GetRawPointColor(7, 3));
        }

        [Fact]
        public void FramebufferBlocksMatchTheirRows()
        {
            // WriteRect/FillRect/ReadRect32 against WriteRow/FillRow/the memory, contiguous and padded.
            foreach (int pitch in new[] { 0, 13 * 4 + 8 })
            {
                var rows = new MemoryFramebuffer(13, 7, PixelFormat.Xrgb8888, pitch);
                var block = new MemoryFramebuffer(13, 7, PixelFormat.Xrgb8888, pitch);
                int[] src = new int[20 * 7];
                for (int i = 0; i < src.Length; i++) src[i] = i * 0x01030507;
                for (int j = 0; j < 5; j++) rows.WriteRow(2, 1 + j, src.AsSpan(j * 20, 9));
                block.WriteRect(2, 1, 9, 5, src, 20);
                Assert.Equal(rows.Memory.ToArray(), block.Memory.ToArray());
                for (int j = 0; j < 7; j++) rows.WriteRow(0, j, src.AsSpan(j * 13, 13));
                block.WriteRect(0, 0, 13, 7, src, 13);
                Assert.Equal(rows.Memory.ToArray(), block.Memory.ToArray());
                int[] back = new int[13 * 7];
                block.ReadRect32(0, 0, 13, 7, back, 13);
                Assert.Equal(src.AsSpan(0, 13 * 7).ToArray(), back);
                for (int j = 0; j < 7; j++) rows.FillRow(0, j, 13, 0x11223344);
                block.FillRect(0, 0, 13, 7, 0x11223344);
                Assert.Equal(rows.Memory.ToArray(), block.Memory.ToArray());
                Assert.Throws<ArgumentOutOfRangeException>(() => block.WriteRect(5, 0, 9, 1, src, 9));
                Assert.Throws<ArgumentOutOfRangeException>(() => block.FillRect(0, 6, 1, 2, 0));
            }
            Assert.Throws<NotSupportedException>(() => new MemoryFramebuffer(4, 4, PixelFormat.Rgb565).ReadRect32(0, 0, 1, 1, new int[1], 1));
        }

        [Fact]
        public void CopyBytesCopiesEveryLengthAndOffsetExactly()
        {
            var rnd = new Random(12);
            byte[] src = new byte[300];
            rnd.NextBytes(src);
            for (int n = 0; n <= 200; n++)
                foreach (int off in new[] { 0, 1, 5, 16 })
                {
                    byte[] dst = new byte[260];
                    Array.Fill(dst, (byte)0xEE);
                    PixelFormats.CopyBytes(src.AsSpan(off, n), dst.AsSpan(3));
                    for (int i = 0; i < dst.Length; i++)
                        Assert.Equal(i >= 3 && i < 3 + n ? src[off + i - 3] : (byte)0xEE, dst[i]);
                }
            byte[] same = (byte[])src.Clone();
            PixelFormats.CopyBytes(same.AsSpan(0, 200), same.AsSpan(10)); // overlap: memmove semantics
            Assert.Equal(src.AsSpan(0, 200).ToArray(), same.AsSpan(10, 200).ToArray());
            Assert.Throws<ArgumentException>(() => PixelFormats.CopyBytes(new byte[65], new byte[64]));
        }
    }
}
