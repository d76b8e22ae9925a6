namespace Cosmos.System.Graphics
{
    /// <summary>Bits per pixel of a video <see cref="Mode"/> (Cosmos API). The canvas always draws in 32-bit ARGB; the depth is what the screen stores.</summary>
    public enum ColorDepth
    {
        /// <summary>4 bits per pixel (16 colours; no framebuffer here offers it).</summary>
        ColorDepth4 = 4,
        /// <summary>8 bits per pixel (256 colours; no framebuffer here offers it).</summary>
        ColorDepth8 = 8,
        /// <summary>16 bits per pixel (RGB 5-6-5).</summary>
        ColorDepth16 = 16,
        /// <summary>24 bits per pixel (8 bits per channel).</summary>
        ColorDepth24 = 24,
        /// <summary>32 bits per pixel (8 bits per channel, one unused byte).</summary>
        ColorDepth32 = 32,
    }

    /// <summary>Byte order of the colour channels in pixel data handed to <see cref="Bitmap"/> (Cosmos API).</summary>
    public enum ColorOrder
    {
        /// <summary>Red, green, blue (the bytes in a BMP file swapped).</summary>
        RGB,
        /// <summary>Blue, green, red: the order of BMP files.</summary>
        BGR,
    }
}
