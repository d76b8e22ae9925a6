using System;

namespace Cosmos.HAL.Devices.Graphics
{
    /// <summary>A video mode a <see cref="Framebuffer"/> can show: size in pixels and bits per pixel.</summary>
    public readonly struct FramebufferMode : IEquatable<FramebufferMode>
    {
        /// <summary>Creates a mode.</summary>
        /// <param name="width">Width in pixels.</param>
        /// <param name="height">Height in pixels.</param>
        /// <param name="bitsPerPixel">Bits per pixel (16, 24 or 32).</param>
        public FramebufferMode(int width, int height, int bitsPerPixel)
        {
            Width = width;
            Height = height;
            BitsPerPixel = bitsPerPixel;
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }
        /// <summary>Height in pixels.</summary>
        public int Height { get; }
        /// <summary>Bits per pixel.</summary>
        public int BitsPerPixel { get; }

        /// <summary>True when all three fields are equal.</summary>
        public bool Equals(FramebufferMode other) => Width == other.Width && Height == other.Height && BitsPerPixel == other.BitsPerPixel;
        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is FramebufferMode m && Equals(m);
        /// <inheritdoc/>
        public override int GetHashCode() => (Width * 31 + Height) * 31 + BitsPerPixel;
        /// <summary>"1024x768x32".</summary>
        public override string ToString() => string.Concat(Width.ToString(), "x", Height.ToString(), "x", BitsPerPixel.ToString());
    }
}
