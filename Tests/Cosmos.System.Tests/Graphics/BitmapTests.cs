using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.System.Graphics;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    public sealed class BitmapTests
    {
        private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Graphics", "Fixtures", name));

        // The fixtures' source image (see Fixtures/README.md): 5x3, pixel (x, y) = RGB(50x + 10, 100y + 20, 240 - 40x).
        private static (int R, int G, int B) Source(int x, int y) => (x * 50 + 10, y * 100 + 20, 240 - x * 40);

        private static int Argb(int a, (int R, int G, int B) c) => (a << 24) | (c.R << 16) | (c.G << 8) | c.B;

        [Fact]
        public void ImageMagick24BitBottomUp()
        {
            var bmp = new Bitmap(Fixture("rgb24.bmp"));
            Assert.Equal(5u, bmp.Width);
            Assert.Equal(3u, bmp.Height);
            Assert.Equal(ColorDepth.ColorDepth24, bmp.Depth);
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++)
                    Assert.Equal(Argb(255, Source(x, y)), bmp.RawData[y * 5 + x]);
        }

        [Fact]
        public void ImageMagick32BitV5WithAlphaMask()
        {
            var bmp = new Bitmap(Fixture("argb32.bmp"));
            int[] alphas = { 0, 128, 255 };
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++)
                {
                    int a = alphas[(x + y) % 3];
                    int got = bmp.RawData[y * 5 + x];
                    Assert.Equal(a, (got >> 24) & 0xFF);
                    if (a != 0) Assert.Equal(Argb(a, Source(x, y)) & 0xFFFFFF, got & 0xFFFFFF); // fully transparent pixels may be stored as any colour
                }
        }

        [Fact]
        public void ImageMagick16Bit565WithinQuantization()
        {
            var bmp = new Bitmap(Fixture("rgb565.bmp"));
            Assert.Equal(ColorDepth.ColorDepth16, bmp.Depth);
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++)
                {
                    int p = bmp.RawData[y * 5 + x];
                    var s = Source(x, y);
                    Assert.Equal(255, (p >> 24) & 0xFF);
                    Assert.InRange(((p >> 16) & 0xFF) - s.R, -8, 8); // 5 bits: within 8
                    Assert.InRange(((p >> 8) & 0xFF) - s.G, -4, 4);  // 6 bits: within 4
                    Assert.InRange((p & 0xFF) - s.B, -8, 8);
                }
        }

        [Fact]
        public void ImageMagickPaletted4And8And1Bit()
        {
            var p4 = new Bitmap(Fixture("pal4.bmp"));
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 5; x++)
                    Assert.Equal(Argb(255, Source(x, y)), p4.RawData[y * 5 + x]);
            var p8 = new Bitmap(Fixture("pal8.bmp"));
            Assert.Equal(20u, p8.Width);
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 20; x++)
                    Assert.Equal(Argb(255, (x * 12, 255 - x * 12, y * 200)), p8.RawData[y * 20 + x]);
            var m = new Bitmap(Fixture("mono1.bmp"));
            Assert.Equal(9u, m.Width);
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 9; x++)
                    Assert.Equal((x + y) % 2 == 1 ? unchecked((int)0xFF000000) : unchecked((int)0xFFFFFFFF), m.RawData[y * 9 + x]);
        }

        [Fact]
        public void RleIsRefusedAsUnsupported()
        {
            var e = Assert.Throws<NotSupportedException>(() => new Bitmap(Fixture("rle8.bmp")));
            Assert.Contains("RLE", e.Message);
        }

        /// <summary>A BMP from the spec: BITMAPFILEHEADER + BITMAPINFOHEADER (40), no colour table, given rows in file order.</summary>
        internal static byte[] Bmp(int width, int height, int bpp, Func<int, int, byte[]> pixel, uint compression = 0)
        {
            int stride = ((bpp * width + 31) / 32) * 4;
            int rows = Math.Abs(height);
            var f = new byte[54 + stride * rows];
            f[0] = (byte)'B'; f[1] = (byte)'M';
            BitConverter.GetBytes(f.Length).CopyTo(f, 2);
            BitConverter.GetBytes(54).CopyTo(f, 10);
            BitConverter.GetBytes(40).CopyTo(f, 14);
            BitConverter.GetBytes(width).CopyTo(f, 18);
            BitConverter.GetBytes(height).CopyTo(f, 22);
            BitConverter.GetBytes((short)1).CopyTo(f, 26);
            BitConverter.GetBytes((short)bpp).CopyTo(f, 28);
            BitConverter.GetBytes(compression).CopyTo(f, 30);
            for (int r = 0; r < rows; r++)
                for (int x = 0; x < width; x++)
                    pixel(x, r).CopyTo(f, 54 + r * stride + x * bpp / 8);
            return f;
        }

        [Fact]
        public void TopDown24BitRowsComeFirst()
        {
            // Negative height: file row 0 is the top row.
            var bmp = new Bitmap(Bmp(3, -2, 24, (x, r) => new byte[] { (byte)x, (byte)r, 0x77 }));
            Assert.Equal(2u, bmp.Height);
            Assert.Equal(unchecked((int)0xFF770000), bmp.RawData[0]);
            Assert.Equal(unchecked((int)0xFF770102), bmp.RawData[1 * 3 + 2]);
            var up = new Bitmap(Bmp(3, 2, 24, (x, r) => new byte[] { (byte)x, (byte)r, 0x77 }));
            Assert.Equal(unchecked((int)0xFF770100), up.RawData[0]); // bottom-up: file row 1 is the top
        }

        [Fact]
        public void ThirtyTwoBitBiRgbAlphaByte()
        {
            var opaque = new Bitmap(Bmp(2, 1, 32, (x, r) => new byte[] { 1, 2, 3, 0 }));
            Assert.Equal(unchecked((int)0xFF030201), opaque.RawData[1]); // all alpha bytes 0: "unused", opaque
            var alpha = new Bitmap(Bmp(2, 1, 32, (x, r) => new byte[] { 1, 2, 3, (byte)(x * 100) }));
            Assert.Equal(0x00030201, alpha.RawData[0]);
            Assert.Equal(0x64030201, alpha.RawData[1]);
            var rgb = new Bitmap(Bmp(1, 1, 24, (x, r) => new byte[] { 1, 2, 3 }), ColorOrder.RGB);
            Assert.Equal(unchecked((int)0xFF010203), rgb.RawData[0]);
        }

        [Fact]
        public void SaveThenDecodeGivesTheSamePixels()
        {
            var bmp = new Bitmap(3, 2, ColorDepth.ColorDepth32);
            for (int i = 0; i < 6; i++) bmp.RawData[i] = (0x40 + i) << 24 | i * 0x010203;
            var ms = new MemoryStream();
            bmp.Save(ms);
            var back = new Bitmap(ms.ToArray());
            Assert.Equal(bmp.RawData, back.RawData);
        }

        [Fact]
        public void RawPixelConstructor()
        {
            var b = new Bitmap(2, 1, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ColorDepth.ColorDepth32);
            Assert.Equal(0x04030201, b.RawData[0]);
            var c = new Bitmap(2, 1, new byte[] { 1, 2, 3, 4, 5, 6 }, ColorDepth.ColorDepth24);
            Assert.Equal(unchecked((int)0xFF060504), c.RawData[1]);
            Assert.Throws<ArgumentException>(() => new Bitmap(2, 2, new byte[3], ColorDepth.ColorDepth24));
            Assert.Throws<NotSupportedException>(() => new Bitmap(1, 1, new byte[4], ColorDepth.ColorDepth16));
        }

        public static IEnumerable<object[]> Malformed()
        {
            byte[] good = Bmp(4, 3, 24, (x, r) => new byte[] { 1, 2, 3 });
            byte[] Edit(Action<byte[]> e) { var c = (byte[])good.Clone(); e(c); return c; }
            yield return new object[] { "empty", new byte[0] };
            yield return new object[] { "signature", Edit(f => f[0] = (byte)'X') };
            yield return new object[] { "header size", Edit(f => f[14] = 41) };
            yield return new object[] { "planes", Edit(f => f[26] = 2) };
            yield return new object[] { "width 0", Edit(f => { f[18] = 0; }) };
            yield return new object[] { "negative width", Edit(f => BitConverter.GetBytes(-4).CopyTo(f, 18)) };
            yield return new object[] { "height 0", Edit(f => BitConverter.GetBytes(0).CopyTo(f, 22)) };
            yield return new object[] { "pixel data cut", good[..(good.Length - 1)] };
            yield return new object[] { "offset past end", Edit(f => BitConverter.GetBytes(5000).CopyTo(f, 10)) };
            yield return new object[] { "offset inside header", Edit(f => BitConverter.GetBytes(20).CopyTo(f, 10)) };
            yield return new object[] { "header cut", good[..30] };
            yield return new object[] { "unknown compression", Edit(f => f[30] = 9) };
            yield return new object[] { "bitfields at 24 bpp", Edit(f => f[30] = 3) };
            yield return new object[] { "palette cut", Bmp(2, 1, 8, (x, r) => new byte[] { 0 }) }; // 8 bpp needs 256 entries
        }

        [Theory]
        [MemberData(nameof(Malformed))]
        public void MalformedFilesThrowArgumentExceptionNamingBmp(string what, byte[] data)
        {
            var e = Assert.Throws<ArgumentException>(() => new Bitmap(data));
            Assert.StartsWith("BMP: ", e.Message);
            Assert.NotNull(what);
        }

        [Fact]
        public void UnsupportedVariantsThrowNotSupported()
        {
            Assert.Throws<NotSupportedException>(() => new Bitmap(Bmp(2, 1, 24, (x, r) => new byte[] { 0, 0, 0 }, compression: 4)));
            var odd = Bmp(2, 1, 24, (x, r) => new byte[] { 0, 0, 0 });
            odd[28] = 7;
            Assert.Throws<NotSupportedException>(() => new Bitmap(odd));
            var huge = Bmp(2, 1, 24, (x, r) => new byte[] { 0, 0, 0 });
            BitConverter.GetBytes(100000).CopyTo(huge, 18);
            Assert.Throws<NotSupportedException>(() => new Bitmap(huge));
            Assert.Throws<ArgumentNullException>(() => new Bitmap((byte[])null));
        }

        [Fact]
        public void CoreHeaderWithThreeByteColourTable()
        {
            // BITMAPCOREHEADER (12 bytes), 1 bpp, 2 RGBTRIPLE entries, one row of 3 pixels: 1,0,1.
            var f = new List<byte> { (byte)'B', (byte)'M', 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0 };
            f.AddRange(new byte[] { 12, 0, 0, 0, 3, 0, 1, 0, 1, 0, 1, 0 });
            f.AddRange(new byte[] { 0x10, 0x20, 0x30, 0xA0, 0xB0, 0xC0 });
            f.AddRange(new byte[] { 0b1010_0000, 0, 0, 0 });
            var bmp = new Bitmap(f.ToArray());
            Assert.Equal(new[] { unchecked((int)0xFFC0B0A0), unchecked((int)0xFF302010), unchecked((int)0xFFC0B0A0) }, bmp.RawData);
        }
    }
}
