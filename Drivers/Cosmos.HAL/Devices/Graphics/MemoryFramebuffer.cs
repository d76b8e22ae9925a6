using System;
using System.Collections.Generic;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>
    /// A framebuffer in ordinary memory (a managed array): for host tests, off-screen rendering and benchmarks.
    /// Supports every <see cref="PixelFormat"/> except Unknown and any mode (<see cref="SetMode"/> reallocates).
    /// Records the rectangles passed to <see cref="Update"/> in <see cref="Updates"/>.
    /// </summary>
    public sealed class MemoryFramebuffer : Framebuffer
    {
        private byte[] _memory;
        private readonly FramebufferMode[] _modes;

        /// <summary>Creates a started memory framebuffer.</summary>
        /// <param name="width">Width in pixels (1 or more).</param>
        /// <param name="height">Height in pixels (1 or more).</param>
        /// <param name="format">Pixel format (default Xrgb8888).</param>
        /// <param name="pitch">Bytes per row; 0 means Width × bytes per pixel (a larger pitch leaves padding after each row).</param>
        /// <param name="modes">Modes <see cref="SetMode"/> accepts (null: any mode); the first is reported as preferred.</param>
        /// <exception cref="ArgumentOutOfRangeException">Bad size, format or pitch.</exception>
        public MemoryFramebuffer(int width, int height, PixelFormat format = PixelFormat.Xrgb8888, int pitch = 0, FramebufferMode[] modes = null)
            : base("memory framebuffer")
        {
            _modes = modes;
            Allocate(width, height, format, pitch);
            MarkStarted();
        }

        /// <summary>Rectangles reported through <see cref="Update"/> (x, y, width, height), in call order.</summary>
        public List<(int X, int Y, int Width, int Height)> Updates { get; } = new List<(int, int, int, int)>();

        /// <summary>Number of <see cref="Disable"/> calls.</summary>
        public int DisableCount { get; private set; }

        /// <inheritdoc/>
        public override Span<byte> Memory => _memory;

        /// <inheritdoc/>
        public override bool CanSetMode => true;

        /// <inheritdoc/>
        public override FramebufferMode[] GetModes() => _modes != null ? (FramebufferMode[])_modes.Clone() : base.GetModes();

        /// <summary>Switches to <paramref name="mode"/> (32 bpp → Xrgb8888, 24 → Rgb888, 16 → Rgb565), clearing memory.</summary>
        /// <exception cref="NotSupportedException">The mode is not in the list given at construction, or its depth is not 16, 24 or 32.</exception>
        public override void SetMode(FramebufferMode mode)
        {
            if (_modes != null && Array.IndexOf(_modes, mode) < 0)
                throw new NotSupportedException(string.Concat(Name, ": mode ", mode.ToString(), " is not available"));
            PixelFormat f = mode.BitsPerPixel switch
            {
                32 => PixelFormat.Xrgb8888,
                24 => PixelFormat.Rgb888,
                16 => PixelFormat.Rgb565,
                _ => throw new NotSupportedException(string.Concat(Name, ": ", mode.BitsPerPixel.ToString(), " bits per pixel is not supported")),
            };
            Allocate(mode.Width, mode.Height, f, 0);
        }

        /// <summary>Records the rectangle in <see cref="Updates"/>.</summary>
        public override void Update(int x, int y, int width, int height) => Updates.Add((x, y, width, height));

        /// <summary>Counts the call in <see cref="DisableCount"/>.</summary>
        public override void Disable() => DisableCount++;

        private void Allocate(int width, int height, PixelFormat format, int pitch)
        {
            int bpp = PixelFormats.BitsPerPixel(format) / 8;
            if (bpp == 0) throw new ArgumentOutOfRangeException(nameof(format), "MemoryFramebuffer: unknown pixel format");
            if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
                throw new ArgumentOutOfRangeException(nameof(width), "MemoryFramebuffer: width and height must be 1..16384");
            if (pitch == 0) pitch = width * bpp;
            if (pitch < width * bpp) throw new ArgumentOutOfRangeException(nameof(pitch), "MemoryFramebuffer: pitch smaller than a row");
            _memory = new byte[(long)pitch * height];
            Width = width;
            Height = height;
            Pitch = pitch;
            Format = format;
        }
    }
}
