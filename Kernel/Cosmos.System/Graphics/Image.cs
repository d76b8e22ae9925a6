namespace Cosmos.System.Graphics
{
    /// <summary>
    /// A picture held in memory as 32-bit ARGB pixels (Cosmos API): <see cref="RawData"/> has
    /// <see cref="Width"/> × <see cref="Height"/> entries, row after row from the top, each 0xAARRGGBB.
    /// </summary>
    public abstract class Image
    {
        /// <summary>The pixels, row-major from the top-left, 0xAARRGGBB (alpha 255 = opaque).</summary>
        public int[] RawData;

        /// <summary>Width in pixels.</summary>
        public uint Width { get; protected set; }

        /// <summary>Height in pixels.</summary>
        public uint Height { get; protected set; }

        /// <summary>The colour depth the image came from (its pixels are always 32-bit ARGB in <see cref="RawData"/>).</summary>
        public ColorDepth Depth { get; protected set; }

        /// <summary>Sets the size and depth; the subclass fills <see cref="RawData"/>.</summary>
        protected Image(uint width, uint height, ColorDepth color)
        {
            Width = width;
            Height = height;
            Depth = color;
        }
    }

    /// <summary>File formats <see cref="Bitmap.Save(global::System.IO.Stream, ImageFormat)"/> writes (Cosmos API).</summary>
    public enum ImageFormat
    {
        /// <summary>Windows bitmap (BITMAPINFOHEADER, 32 bpp, bottom-up).</summary>
        BMP,
    }
}
