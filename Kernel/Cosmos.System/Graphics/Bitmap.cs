using System;
using System.Buffers.Binary;
using System.IO;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// A 32-bit ARGB <see cref="Image"/> made empty, from raw pixel bytes, or decoded from a Windows BMP file
    /// (Cosmos API). Decoding follows Microsoft's documentation of the format ("Bitmap Storage", BITMAPFILEHEADER,
    /// BITMAPCOREHEADER, BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER):
    /// <list type="bullet">
    /// <item>headers: BITMAPCOREHEADER (12 bytes), BITMAPINFOHEADER (40) and its extensions (52, 56, 108 = V4, 124 = V5);</item>
    /// <item>1, 4 and 8 bits per pixel with a colour table; 16 (5-5-5 unless BI_BITFIELDS masks say otherwise), 24 and
    /// 32 bits per pixel (BI_RGB or BI_BITFIELDS/BI_ALPHABITFIELDS masks);</item>
    /// <item>bottom-up (positive height) and top-down (negative height) rows, each padded to a multiple of 4 bytes.</item>
    /// </list>
    /// Alpha: taken from the alpha mask when the header has one; for 32-bit BI_RGB files the fourth byte is used as
    /// alpha unless it is 0 in every pixel (the usual "unused" byte), in which case pixels are opaque; all other
    /// depths give opaque pixels (alpha 255). RLE compression, JPEG/PNG inside BMP and OS/2 2.x headers are refused.
    /// </summary>
    public class Bitmap : Image
    {
        /// <summary>Largest width or height accepted when decoding (pixels).</summary>
        public const int MaxDimension = 16384;

        /// <summary>A transparent black image of the given size.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is larger than <see cref="MaxDimension"/>.</exception>
        public Bitmap(uint width, uint height, ColorDepth colorDepth) : base(width, height, colorDepth)
        {
            if (width > MaxDimension) throw new ArgumentOutOfRangeException(nameof(width), "Bitmap: width above 16384");
            if (height > MaxDimension) throw new ArgumentOutOfRangeException(nameof(height), "Bitmap: height above 16384");
            RawData = new int[width * height];
        }

        /// <summary>
        /// An image from raw top-down pixel bytes: 4 bytes per pixel B, G, R, A for <see cref="ColorDepth.ColorDepth32"/>,
        /// 3 bytes B, G, R (opaque) for <see cref="ColorDepth.ColorDepth24"/>, rows without padding.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="pixelData"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="pixelData"/> is shorter than width × height pixels.</exception>
        /// <exception cref="NotSupportedException">Another colour depth.</exception>
        public Bitmap(uint width, uint height, byte[] pixelData, ColorDepth colorDepth) : this(width, height, colorDepth)
        {
            if (pixelData == null) throw new ArgumentNullException(nameof(pixelData));
            if (colorDepth != ColorDepth.ColorDepth32 && colorDepth != ColorDepth.ColorDepth24)
                throw new NotSupportedException("Bitmap: raw pixel data must have 24 or 32 bits per pixel");
            int bpp = (int)colorDepth / 8;
            if ((long)pixelData.Length < (long)RawData.Length * bpp)
                throw new ArgumentException("Bitmap: pixel data shorter than width × height pixels", nameof(pixelData));
            for (int i = 0, o = 0; i < RawData.Length; i++, o += bpp)
            {
                int a = bpp == 4 ? pixelData[o + 3] : 0xFF;
                RawData[i] = (a << 24) | (pixelData[o + 2] << 16) | (pixelData[o + 1] << 8) | pixelData[o];
            }
        }

        /// <summary>Decodes the BMP file at <paramref name="path"/> (read through the VFS).</summary>
        /// <exception cref="ArgumentException">The file is not a well-formed BMP.</exception>
        /// <exception cref="NotSupportedException">A BMP variant this decoder does not handle.</exception>
        public Bitmap(string path) : this(path, ColorOrder.BGR)
        {
        }

        /// <summary>Decodes the BMP file at <paramref name="path"/>; <see cref="ColorOrder.RGB"/> swaps red and blue.</summary>
        /// <exception cref="ArgumentException">The file is not a well-formed BMP.</exception>
        /// <exception cref="NotSupportedException">A BMP variant this decoder does not handle.</exception>
        public Bitmap(string path, ColorOrder colorOrder = ColorOrder.BGR) : this(File.ReadAllBytes(path), colorOrder)
        {
        }

        /// <summary>Decodes BMP file bytes (see the class remarks for what is supported).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="imageData"/> is null.</exception>
        /// <exception cref="ArgumentException">The bytes are not a well-formed BMP (message says what is wrong).</exception>
        /// <exception cref="NotSupportedException">A BMP variant this decoder does not handle (RLE, PNG/JPEG, unusual depth).</exception>
        public Bitmap(byte[] imageData) : this(imageData, ColorOrder.BGR)
        {
        }

        /// <summary>Decodes BMP file bytes; <see cref="ColorOrder.RGB"/> swaps red and blue (files written with the channels reversed).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="imageData"/> is null.</exception>
        /// <exception cref="ArgumentException">The bytes are not a well-formed BMP (message says what is wrong).</exception>
        /// <exception cref="NotSupportedException">A BMP variant this decoder does not handle (RLE, PNG/JPEG, unusual depth).</exception>
        public Bitmap(byte[] imageData, ColorOrder colorOrder = ColorOrder.BGR) : base(0, 0, ColorDepth.ColorDepth32)
        {
            if (imageData == null) throw new ArgumentNullException(nameof(imageData));
            Decode(imageData, colorOrder == ColorOrder.RGB);
        }

        private static ArgumentException Bad(string what) => new ArgumentException(string.Concat("BMP: ", what), "imageData");

        private void Decode(ReadOnlySpan<byte> d, bool swapRedBlue)
        {
            if (d.Length < 14 + 12) throw Bad("file shorter than the file and core headers (26 bytes)");
            if (d[0] != (byte)'B' || d[1] != (byte)'M') throw Bad("no 'BM' signature");
            uint offBits = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(10));
            uint headerSize = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(14));
            int width, height, bpp, planes;
            uint compression = 0, colorsUsed = 0;
            bool core = headerSize == 12;
            if (core)
            {
                width = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(18));
                height = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(20));
                planes = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(22));
                bpp = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(24));
            }
            else
            {
                if (headerSize == 64) throw new NotSupportedException("BMP: OS/2 2.x header (64 bytes) is not supported");
                if (headerSize != 40 && headerSize != 52 && headerSize != 56 && headerSize != 108 && headerSize != 124)
                    throw Bad(string.Concat("unknown information header size ", headerSize.ToString()));
                if (d.Length < 14 + (int)headerSize) throw Bad("file shorter than its information header");
                width = BinaryPrimitives.ReadInt32LittleEndian(d.Slice(18));
                height = BinaryPrimitives.ReadInt32LittleEndian(d.Slice(22));
                planes = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(26));
                bpp = BinaryPrimitives.ReadUInt16LittleEndian(d.Slice(28));
                compression = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(30));
                colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(46));
            }
            if (planes != 1) throw Bad(string.Concat("planes is ", planes.ToString(), ", must be 1"));
            bool topDown = height < 0;
            if (height == int.MinValue) throw Bad("height out of range");
            if (topDown) height = -height;
            if (width <= 0 || height == 0) throw Bad("width and height must not be 0 (or a negative width)");
            if (width > MaxDimension || height > MaxDimension) throw new NotSupportedException("BMP: images larger than 16384 pixels in a dimension are not supported");

            // Masks (BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6).
            uint rMask = 0, gMask = 0, bMask = 0, aMask = 0;
            bool haveMasks = false;
            switch (compression)
            {
                case 0: break;
                case 3:
                case 6:
                    if (bpp != 16 && bpp != 32) throw Bad("BI_BITFIELDS with a depth other than 16 or 32 bits");
                    int maskAt = 14 + 40;
                    int masks = compression == 6 ? 4 : 3;
                    if (headerSize >= 52) masks = headerSize >= 56 ? 4 : 3; // masks are part of the header
                    if (d.Length < maskAt + masks * 4) throw Bad("file shorter than its colour masks");
                    rMask = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(maskAt));
                    gMask = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(maskAt + 4));
                    bMask = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(maskAt + 8));
                    if (masks == 4) aMask = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(maskAt + 12));
                    haveMasks = true;
                    break;
                case 1: case 2: throw new NotSupportedException("BMP: RLE compression is not supported");
                case 4: case 5: throw new NotSupportedException("BMP: embedded JPEG/PNG is not supported");
                default: throw Bad(string.Concat("unknown compression ", compression.ToString()));
            }
            if (!haveMasks && headerSize >= 56 && bpp == 32)
            {
                // V3+ headers carry an alpha mask even for BI_RGB; use it only when it is the top byte.
                if (BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(14 + 52)) == 0xFF000000u) aMask = 0xFF000000u;
            }

            int[] palette = null;
            if (bpp == 1 || bpp == 4 || bpp == 8)
            {
                int entries = colorsUsed == 0 ? 1 << bpp : (int)Math.Min(colorsUsed, 1u << bpp);
                int entrySize = core ? 3 : 4;
                int paletteAt = 14 + (int)headerSize + (compression == 3 && headerSize == 40 ? 12 : 0);
                if ((long)paletteAt + (long)entries * entrySize > d.Length) throw Bad("file shorter than its colour table");
                palette = new int[1 << bpp];
                for (int i = 0; i < palette.Length; i++) palette[i] = unchecked((int)0xFF000000);
                for (int i = 0; i < entries; i++)
                {
                    int p = paletteAt + i * entrySize;
                    palette[i] = Pack(0xFF, d[p + 2], d[p + 1], d[p], swapRedBlue);
                }
            }
            else if (bpp == 16)
            {
                if (!haveMasks) { rMask = 0x7C00; gMask = 0x03E0; bMask = 0x001F; }
            }
            else if (bpp != 24 && bpp != 32)
            {
                throw new NotSupportedException(string.Concat("BMP: ", bpp.ToString(), " bits per pixel is not supported"));
            }

            long stride = (((long)bpp * width + 31) / 32) * 4;
            if (offBits < 14 + headerSize || offBits > d.Length) throw Bad("pixel data offset outside the file");
            if ((long)offBits + stride * height > d.Length) throw Bad("file shorter than its pixel data");

            Width = (uint)width;
            Height = (uint)height;
            Depth = bpp == 32 ? ColorDepth.ColorDepth32 : bpp == 16 ? ColorDepth.ColorDepth16 : bpp == 24 ? ColorDepth.ColorDepth24 : ColorDepth.ColorDepth8;
            int[] pixels = new int[width * height];
            bool anyAlpha = false;
            for (int row = 0; row < height; row++)
            {
                ReadOnlySpan<byte> src = d.Slice((int)(offBits + stride * row), (int)stride);
                int y = topDown ? row : height - 1 - row;
                Span<int> dst = pixels.AsSpan(y * width, width);
                switch (bpp)
                {
                    case 1: case 4: case 8:
                    {
                        int perByte = 8 / bpp, mask = (1 << bpp) - 1;
                        for (int x = 0; x < width; x++)
                        {
                            int b = src[x / perByte];
                            int shift = 8 - bpp * (x % perByte + 1);
                            dst[x] = palette[(b >> shift) & mask];
                        }
                        break;
                    }
                    case 16:
                        for (int x = 0; x < width; x++)
                        {
                            uint v = (uint)(src[2 * x] | (src[2 * x + 1] << 8));
                            dst[x] = Pack(aMask != 0 ? Field(v, aMask) : 0xFF, Field(v, rMask), Field(v, gMask), Field(v, bMask), swapRedBlue);
                        }
                        break;
                    case 24:
                        for (int x = 0, o = 0; x < width; x++, o += 3)
                            dst[x] = Pack(0xFF, src[o + 2], src[o + 1], src[o], swapRedBlue);
                        break;
                    case 32:
                        if (haveMasks)
                        {
                            for (int x = 0; x < width; x++)
                            {
                                uint v = BinaryPrimitives.ReadUInt32LittleEndian(src.Slice(4 * x));
                                dst[x] = Pack(aMask != 0 ? Field(v, aMask) : 0xFF, Field(v, rMask), Field(v, gMask), Field(v, bMask), swapRedBlue);
                            }
                        }
                        else
                        {
                            for (int x = 0, o = 0; x < width; x++, o += 4)
                            {
                                byte a = src[o + 3];
                                if (a != 0) anyAlpha = true;
                                dst[x] = Pack(a, src[o + 2], src[o + 1], src[o], swapRedBlue);
                            }
                        }
                        break;
                }
            }
            if (bpp == 32 && !haveMasks && !anyAlpha && aMask == 0)
            {
                for (int i = 0; i < pixels.Length; i++) pixels[i] |= unchecked((int)0xFF000000);
            }
            RawData = pixels;
        }

        private static int Pack(int a, int r, int g, int b, bool swap) =>
            swap ? (a << 24) | (b << 16) | (g << 8) | r : (a << 24) | (r << 16) | (g << 8) | b;

        /// <summary>The field under <paramref name="mask"/> scaled to 0..255.</summary>
        private static int Field(uint v, uint mask)
        {
            if (mask == 0) return 0;
            int shift = global::System.Numerics.BitOperations.TrailingZeroCount(mask);
            uint m = mask >> shift;
            uint f = (v >> shift) & m;
            if (m == 0xFF) return (int)f;
            return (int)((f * 255 + m / 2) / m);
        }

        /// <summary>Writes the image as a BMP file at <paramref name="path"/> (through the VFS).</summary>
        public void Save(string path)
        {
            using (var stream = new FileStream(path, FileMode.Create))
                Save(stream, ImageFormat.BMP);
        }

        /// <summary>
        /// Writes the image as a 32 bits-per-pixel bottom-up BMP (BITMAPFILEHEADER + BITMAPINFOHEADER, BI_RGB, alpha in
        /// the fourth byte), which this class decodes back to the same pixels (fully transparent images come back opaque).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
        public void Save(Stream stream, ImageFormat imageFormat = ImageFormat.BMP)
        {
            if (stream == null) throw new ArgumentNullException(nameof(stream));
            int w = (int)Width, h = (int)Height;
            int size = 54 + w * h * 4;
            byte[] f = new byte[size];
            f[0] = (byte)'B'; f[1] = (byte)'M';
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(2), size);
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(10), 54);
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(14), 40);
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(18), w);
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(22), h);
            BinaryPrimitives.WriteInt16LittleEndian(f.AsSpan(26), 1);
            BinaryPrimitives.WriteInt16LittleEndian(f.AsSpan(28), 32);
            BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(34), w * h * 4);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(54 + ((h - 1 - y) * w + x) * 4), RawData[y * w + x]);
            stream.Write(f, 0, f.Length);
        }
    }
}
