using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// How one pixel is laid out in framebuffer memory (little-endian, so "Xrgb8888" is the 32-bit value 0xXXRRGGBB
    /// stored as the bytes B, G, R, X). Names give the channels from the most to the least significant bit.
    /// Sources: Multiboot2 specification 1.0 §3.6.12 (framebuffer_type 1 field positions and sizes), UEFI 2.10
    /// §12.9 (EFI_GRAPHICS_PIXEL_FORMAT), Bochs VBE (dispi) and VMware SVGA II, which both use Xrgb8888 at 32 bpp.
    /// </summary>
    public enum PixelFormat
    {
        /// <summary>Not a format this layer can write (e.g. indexed colour).</summary>
        Unknown,
        /// <summary>32 bpp, bytes B, G, R, X (UEFI PixelBlueGreenRedReserved8BitPerColor; BGA and SVGA II at 32 bpp).</summary>
        Xrgb8888,
        /// <summary>32 bpp, bytes R, G, B, X (UEFI PixelRedGreenBlueReserved8BitPerColor).</summary>
        Xbgr8888,
        /// <summary>24 bpp, bytes B, G, R.</summary>
        Rgb888,
        /// <summary>24 bpp, bytes R, G, B.</summary>
        Bgr888,
        /// <summary>16 bpp, bits 15-11 red, 10-5 green, 4-0 blue.</summary>
        Rgb565,
        /// <summary>16 bpp (15 significant), bits 14-10 red, 9-5 green, 4-0 blue.</summary>
        Xrgb1555,
    }

    /// <summary>Facts about <see cref="PixelFormat"/> values and conversion of 32-bit ARGB rows into them.</summary>
    public static class PixelFormats
    {
        /// <summary>Bits per pixel of <paramref name="format"/> (0 for <see cref="PixelFormat.Unknown"/>).</summary>
        public static int BitsPerPixel(PixelFormat format) => format switch
        {
            PixelFormat.Xrgb8888 or PixelFormat.Xbgr8888 => 32,
            PixelFormat.Rgb888 or PixelFormat.Bgr888 => 24,
            PixelFormat.Rgb565 or PixelFormat.Xrgb1555 => 16,
            _ => 0,
        };

        /// <summary>
        /// The format described by direct-colour field positions and sizes (in bits, as the Multiboot2 framebuffer tag
        /// and VBE mode info give them), or <see cref="PixelFormat.Unknown"/> when no listed format matches.
        /// </summary>
        /// <param name="bitsPerPixel">framebuffer_bpp.</param>
        /// <param name="redPosition">Bit position of the red field's least significant bit.</param>
        /// <param name="redSize">Red field size in bits.</param>
        /// <param name="greenPosition">Bit position of green.</param>
        /// <param name="greenSize">Green field size.</param>
        /// <param name="bluePosition">Bit position of blue.</param>
        /// <param name="blueSize">Blue field size.</param>
        public static PixelFormat FromFields(int bitsPerPixel, int redPosition, int redSize, int greenPosition, int greenSize, int bluePosition, int blueSize)
        {
            if (bitsPerPixel == 32 && redSize == 8 && greenSize == 8 && blueSize == 8 && greenPosition == 8)
            {
                if (redPosition == 16 && bluePosition == 0) return PixelFormat.Xrgb8888;
                if (redPosition == 0 && bluePosition == 16) return PixelFormat.Xbgr8888;
            }
            if (bitsPerPixel == 24 && redSize == 8 && greenSize == 8 && blueSize == 8 && greenPosition == 8)
            {
                if (redPosition == 16 && bluePosition == 0) return PixelFormat.Rgb888;
                if (redPosition == 0 && bluePosition == 16) return PixelFormat.Bgr888;
            }
            if (bitsPerPixel == 16 && redPosition == 11 && redSize == 5 && greenPosition == 5 && greenSize == 6 && bluePosition == 0 && blueSize == 5)
                return PixelFormat.Rgb565;
            if ((bitsPerPixel == 16 || bitsPerPixel == 15) && redPosition == 10 && redSize == 5 && greenPosition == 5 && greenSize == 5 && bluePosition == 0 && blueSize == 5)
                return PixelFormat.Xrgb1555;
            return PixelFormat.Unknown;
        }

        /// <summary>
        /// Copies <paramref name="source"/> to the start of <paramref name="destination"/> with 16-byte loads and stores
        /// (four per step, then the tail), the way to write framebuffer memory: the runtime's <c>memmove</c> is
        /// <c>rep movsb</c>, which uncached memory (where framebuffers are mapped) takes a byte per bus transaction and
        /// QEMU's TCG emulates byte by byte. Overlapping spans fall back to <see cref="Span{T}.CopyTo"/>.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
        public static void CopyBytes(ReadOnlySpan<byte> source, Span<byte> destination)
        {
            int n = source.Length;
            if (destination.Length < n) throw new ArgumentException("PixelFormats.CopyBytes: destination shorter than the source", nameof(destination));
            if (n < 64 || source.Overlaps(destination)) { source.CopyTo(destination); return; }
            ref byte s = ref MemoryMarshal.GetReference(source);
            ref byte d = ref MemoryMarshal.GetReference(destination);
            nuint i = 0, end = (nuint)(n - 64);
            while (i <= end)
            {
                Vector128<byte> a = Vector128.LoadUnsafe(ref s, i), b = Vector128.LoadUnsafe(ref s, i + 16);
                Vector128<byte> c = Vector128.LoadUnsafe(ref s, i + 32), e = Vector128.LoadUnsafe(ref s, i + 48);
                a.StoreUnsafe(ref d, i); b.StoreUnsafe(ref d, i + 16);
                c.StoreUnsafe(ref d, i + 32); e.StoreUnsafe(ref d, i + 48);
                i += 64;
            }
            for (; i + 16 <= (nuint)n; i += 16) Vector128.LoadUnsafe(ref s, i).StoreUnsafe(ref d, i);
            if (i < (nuint)n) Vector128.LoadUnsafe(ref s, (nuint)n - 16).StoreUnsafe(ref d, (nuint)n - 16); // last 16 bytes, overlapping the copied part
        }

        /// <summary>
        /// Writes <paramref name="argb"/> (32-bit 0xAARRGGBB values; alpha ignored) into <paramref name="destination"/>
        /// in <paramref name="format"/>, one pixel after the other. Xrgb8888 is a plain memory copy.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the converted row.</exception>
        /// <exception cref="NotSupportedException"><paramref name="format"/> is <see cref="PixelFormat.Unknown"/>.</exception>
        public static void ConvertRow(ReadOnlySpan<int> argb, Span<byte> destination, PixelFormat format)
        {
            int n = argb.Length;
            int bytes = n * (BitsPerPixel(format) / 8);
            if (format == PixelFormat.Unknown) throw new NotSupportedException("PixelFormats.ConvertRow: unknown pixel format");
            if (destination.Length < bytes) throw new ArgumentException("PixelFormats.ConvertRow: destination shorter than the row", nameof(destination));
            switch (format)
            {
                case PixelFormat.Xrgb8888:
                    CopyBytes(MemoryMarshal.AsBytes(argb), destination);
                    break;
                case PixelFormat.Xbgr8888:
                {
                    Span<int> d = MemoryMarshal.Cast<byte, int>(destination.Slice(0, bytes));
                    for (int i = 0; i < n; i++)
                    {
                        int c = argb[i];
                        d[i] = (int)((uint)c & 0xFF00FF00u) | ((c >> 16) & 0xFF) | ((c & 0xFF) << 16);
                    }
                    break;
                }
                case PixelFormat.Rgb888:
                case PixelFormat.Bgr888:
                {
                    bool bgr = format == PixelFormat.Bgr888;
                    for (int i = 0, o = 0; i < n; i++, o += 3)
                    {
                        int c = argb[i];
                        byte r = (byte)(c >> 16), g = (byte)(c >> 8), b = (byte)c;
                        destination[o] = bgr ? r : b;
                        destination[o + 1] = g;
                        destination[o + 2] = bgr ? b : r;
                    }
                    break;
                }
                case PixelFormat.Rgb565:
                {
                    Span<ushort> d = MemoryMarshal.Cast<byte, ushort>(destination.Slice(0, bytes));
                    for (int i = 0; i < n; i++)
                    {
                        int c = argb[i];
                        d[i] = (ushort)(((c >> 8) & 0xF800) | ((c >> 5) & 0x07E0) | ((c >> 3) & 0x001F));
                    }
                    break;
                }
                case PixelFormat.Xrgb1555:
                {
                    Span<ushort> d = MemoryMarshal.Cast<byte, ushort>(destination.Slice(0, bytes));
                    for (int i = 0; i < n; i++)
                    {
                        int c = argb[i];
                        d[i] = (ushort)(((c >> 9) & 0x7C00) | ((c >> 6) & 0x03E0) | ((c >> 3) & 0x001F));
                    }
                    break;
                }
            }
        }

        /// <summary>Reads one pixel in <paramref name="format"/> back as 0xFFRRGGBB (low bits of 5/6-bit fields replicated).</summary>
        /// <exception cref="NotSupportedException"><paramref name="format"/> is <see cref="PixelFormat.Unknown"/>.</exception>
        public static int ReadPixel(ReadOnlySpan<byte> source, PixelFormat format)
        {
            int r, g, b;
            switch (format)
            {
                case PixelFormat.Xrgb8888: b = source[0]; g = source[1]; r = source[2]; break;
                case PixelFormat.Xbgr8888: r = source[0]; g = source[1]; b = source[2]; break;
                case PixelFormat.Rgb888: b = source[0]; g = source[1]; r = source[2]; break;
                case PixelFormat.Bgr888: r = source[0]; g = source[1]; b = source[2]; break;
                case PixelFormat.Rgb565:
                {
                    int v = source[0] | (source[1] << 8);
                    r = (v >> 11) & 31; g = (v >> 5) & 63; b = v & 31;
                    r = (r << 3) | (r >> 2); g = (g << 2) | (g >> 4); b = (b << 3) | (b >> 2);
                    break;
                }
                case PixelFormat.Xrgb1555:
                {
                    int v = source[0] | (source[1] << 8);
                    r = (v >> 10) & 31; g = (v >> 5) & 31; b = v & 31;
                    r = (r << 3) | (r >> 2); g = (g << 3) | (g >> 2); b = (b << 3) | (b >> 2);
                    break;
                }
                default: throw new NotSupportedException("PixelFormats.ReadPixel: unknown pixel format");
            }
            return unchecked((int)0xFF000000) | (r << 16) | (g << 8) | b;
        }
    }
}
