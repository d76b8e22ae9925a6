using System;
using System.Runtime.InteropServices;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// A linear framebuffer: <see cref="Height"/> rows of <see cref="Pitch"/> bytes, each row holding
    /// <see cref="Width"/> pixels in <see cref="Format"/>. Adapters (the Multiboot2/GOP framebuffer, Bochs BGA, VMware
    /// SVGA II) derive from it; drawing code (Cosmos.System.Graphics) writes whole rows through
    /// <see cref="WriteRow"/> and then reports the changed rectangles with <see cref="Update"/>, which adapters that
    /// need update rectangles (SVGA II's FIFO UPDATE command) override. A device of class
    /// <see cref="DeviceClass.Graphics"/>, started on demand.
    /// </summary>
    public abstract class Framebuffer : Device
    {
        /// <summary>Creates a framebuffer device.</summary>
        /// <param name="name">Unique device name (e.g. "SVGA II", "memory framebuffer").</param>
        /// <param name="parent">The PCI function it is driven through, or null.</param>
        protected Framebuffer(string name, Device parent = null) : base(name, DeviceClass.Graphics, DeviceStage.OnDemand, 0, parent)
        {
        }

        /// <summary>Visible width in pixels.</summary>
        public int Width { get; protected set; }
        /// <summary>Visible height in pixels.</summary>
        public int Height { get; protected set; }
        /// <summary>Bytes from the start of one row to the start of the next (at least Width × bytes per pixel).</summary>
        public int Pitch { get; protected set; }
        /// <summary>Bits per pixel (<see cref="PixelFormats.BitsPerPixel"/> of <see cref="Format"/>).</summary>
        public int BitsPerPixel => PixelFormats.BitsPerPixel(Format);
        /// <summary>Bytes per pixel.</summary>
        public int BytesPerPixel => PixelFormats.BitsPerPixel(Format) / 8;
        /// <summary>Pixel layout in memory.</summary>
        public PixelFormat Format { get; protected set; }
        /// <summary>The current mode (Width × Height × BitsPerPixel).</summary>
        public FramebufferMode CurrentMode => new FramebufferMode(Width, Height, BitsPerPixel);

        /// <summary>The pixel memory: <see cref="Pitch"/> × <see cref="Height"/> bytes (video memory for hardware).</summary>
        public abstract Span<byte> Memory { get; }

        /// <summary>
        /// Modes <see cref="SetMode"/> accepts; the default is just the current mode (a framebuffer set up by firmware
        /// cannot change). The first entry is the adapter's preferred mode.
        /// </summary>
        public virtual FramebufferMode[] GetModes() => new[] { CurrentMode };

        /// <summary>True when <see cref="SetMode"/> can change the mode at run time.</summary>
        public virtual bool CanSetMode => false;

        /// <summary>
        /// Switches to <paramref name="mode"/>; afterwards <see cref="Width"/>, <see cref="Height"/>, <see cref="Pitch"/>,
        /// <see cref="Format"/> and <see cref="Memory"/> describe the new mode and the screen content is undefined.
        /// The default accepts only the current mode.
        /// </summary>
        /// <exception cref="NotSupportedException">The adapter cannot show <paramref name="mode"/>.</exception>
        public virtual void SetMode(FramebufferMode mode)
        {
            if (!mode.Equals(CurrentMode))
                throw new NotSupportedException(string.Concat(Name, ": mode ", mode.ToString(), " is not available (the mode is fixed at ", CurrentMode.ToString(), ")"));
        }

        /// <summary>
        /// Tells the adapter that the rectangle (<paramref name="x"/>, <paramref name="y"/>, <paramref name="width"/>,
        /// <paramref name="height"/>), in pixels and already inside the screen, changed. The default does nothing
        /// (a linear framebuffer scanned out directly needs no notice); SVGA II sends an UPDATE command.
        /// </summary>
        public virtual void Update(int x, int y, int width, int height)
        {
        }

        /// <summary>Leaves graphics mode where the adapter can (BGA, SVGA II: back to VGA text). The default does nothing.</summary>
        public virtual void Disable()
        {
        }

        /// <summary>
        /// Writes 32-bit ARGB pixels (alpha ignored) to row <paramref name="y"/> starting at column <paramref name="x"/>,
        /// converting to <see cref="Format"/> (a plain copy for Xrgb8888).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The run does not fit inside the screen.</exception>
        public void WriteRow(int x, int y, ReadOnlySpan<int> argb)
        {
            if ((uint)y >= (uint)Height || x < 0 || argb.Length > Width - x)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.WriteRow: run outside the screen");
            int bpp = BytesPerPixel;
            PixelFormats.ConvertRow(argb, Memory.Slice(y * Pitch + x * bpp, argb.Length * bpp), Format);
        }

        /// <summary>
        /// Sets <paramref name="count"/> pixels of row <paramref name="y"/> from column <paramref name="x"/> to the
        /// 32-bit ARGB <paramref name="argb"/> (alpha ignored), converted once; a plain 32-bit fill at 32 bpp.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The run does not fit inside the screen.</exception>
        public void FillRow(int x, int y, int count, int argb)
        {
            if ((uint)y >= (uint)Height || x < 0 || count < 0 || count > Width - x)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.FillRow: run outside the screen");
            int bpp = BytesPerPixel;
            Span<byte> row = Memory.Slice(y * Pitch + x * bpp, count * bpp);
            Span<byte> one = stackalloc byte[4];
            PixelFormats.ConvertRow(new ReadOnlySpan<int>(in argb), one, Format);
            if (bpp == 4) MemoryMarshal.Cast<byte, int>(row).Fill(MemoryMarshal.Read<int>(one));
            else if (bpp == 2) MemoryMarshal.Cast<byte, ushort>(row).Fill(MemoryMarshal.Read<ushort>(one));
            else
                for (int i = 0; i < row.Length; i += 3) { row[i] = one[0]; row[i + 1] = one[1]; row[i + 2] = one[2]; }
        }

        /// <summary>
        /// Writes a <paramref name="width"/> × <paramref name="height"/> block of 32-bit ARGB pixels (alpha ignored) at
        /// (<paramref name="x"/>, <paramref name="y"/>): row j is <paramref name="argb"/>[j·stride ..][..width]. At
        /// Xrgb8888 a block whose rows are contiguous on both sides (full-width, pitch = width × 4, stride = width) is
        /// one copy, otherwise one copy (or conversion) per row.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The block does not fit inside the screen, or <paramref name="argb"/> is too short.</exception>
        public void WriteRect(int x, int y, int width, int height, ReadOnlySpan<int> argb, int stride)
        {
            if (width <= 0 || height <= 0) return;
            if (x < 0 || y < 0 || width > Width - x || height > Height - y || stride < width || (long)(height - 1) * stride + width > argb.Length)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.WriteRect: block outside the screen or source too short");
            if (Format == PixelFormat.Xrgb8888 && x == 0 && stride == width && Pitch == width * 4)
            {
                PixelFormats.CopyBytes(MemoryMarshal.AsBytes(argb.Slice(0, width * height)), Memory.Slice(y * Pitch, width * height * 4));
                return;
            }
            for (int j = 0; j < height; j++) WriteRow(x, y + j, argb.Slice(j * stride, width));
        }

        /// <summary>
        /// Sets a <paramref name="width"/> × <paramref name="height"/> block at (<paramref name="x"/>, <paramref name="y"/>)
        /// to <paramref name="argb"/> (alpha ignored), converted once; at 32 bpp a block whose rows are contiguous
        /// (full-width, pitch = width × 4) is one 32-bit fill, otherwise one fill per row.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The block does not fit inside the screen.</exception>
        public void FillRect(int x, int y, int width, int height, int argb)
        {
            if (width <= 0 || height <= 0) return;
            if (x < 0 || y < 0 || width > Width - x || height > Height - y)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.FillRect: block outside the screen");
            if (BytesPerPixel == 4 && x == 0 && Pitch == width * 4)
            {
                Span<byte> one = stackalloc byte[4];
                PixelFormats.ConvertRow(new ReadOnlySpan<int>(in argb), one, Format);
                MemoryMarshal.Cast<byte, int>(Memory.Slice(y * Pitch, width * height * 4)).Fill(MemoryMarshal.Read<int>(one));
                return;
            }
            for (int j = 0; j < height; j++) FillRow(x, y + j, width, argb);
        }

        /// <summary>
        /// Copies a <paramref name="width"/> × <paramref name="height"/> block of an Xrgb8888 framebuffer at
        /// (<paramref name="x"/>, <paramref name="y"/>) into <paramref name="destination"/> (row j at j·stride) exactly as
        /// the memory holds it (the fourth byte included: what <see cref="WriteRow"/> stored there).
        /// </summary>
        /// <exception cref="NotSupportedException">The format is not Xrgb8888.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The block does not fit inside the screen, or <paramref name="destination"/> is too short.</exception>
        public void ReadRect32(int x, int y, int width, int height, Span<int> destination, int stride)
        {
            if (Format != PixelFormat.Xrgb8888) throw new NotSupportedException("Framebuffer.ReadRect32: the format is not Xrgb8888");
            if (width <= 0 || height <= 0) return;
            if (x < 0 || y < 0 || width > Width - x || height > Height - y || stride < width || (long)(height - 1) * stride + width > destination.Length)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.ReadRect32: block outside the screen or destination too short");
            Span<byte> mem = Memory;
            if (x == 0 && stride == width && Pitch == width * 4)
            {
                PixelFormats.CopyBytes(mem.Slice(y * Pitch, width * height * 4), MemoryMarshal.AsBytes(destination.Slice(0, width * height)));
                return;
            }
            for (int j = 0; j < height; j++)
                PixelFormats.CopyBytes(mem.Slice((y + j) * Pitch + x * 4, width * 4), MemoryMarshal.AsBytes(destination.Slice(j * stride, width)));
        }

        /// <summary>Reads the pixel at (<paramref name="x"/>, <paramref name="y"/>) as 0xFFRRGGBB.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The point is outside the screen.</exception>
        public int ReadPixel(int x, int y)
        {
            if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
                throw new ArgumentOutOfRangeException(nameof(x), "Framebuffer.ReadPixel: point outside the screen");
            int bpp = BytesPerPixel;
            return PixelFormats.ReadPixel(Memory.Slice(y * Pitch + x * bpp, bpp), Format);
        }
    }
}
