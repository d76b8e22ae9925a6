using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Compares a screenshot (QEMU's screendump, PPM) with an expected PNG using ImageMagick's <c>compare -metric AE</c>
    /// (the number of pixels that differ, exactly: no fuzz). Only the screenshot's top-left corner of the expected image's
    /// size is compared, so one expected image serves screens of any size that show it there.
    /// </summary>
    public static class ScreenImages
    {
        /// <summary>Width and height from a PNG's IHDR chunk.</summary>
        /// <exception cref="InvalidDataException">Not a PNG.</exception>
        public static (int Width, int Height) PngSize(string path)
        {
            var b = new byte[24];
            using (var f = File.OpenRead(path))
                if (f.Read(b, 0, 24) != 24) throw new InvalidDataException(path + ": not a PNG (too short)");
            if (b[0] != 0x89 || b[1] != (byte)'P' || b[2] != (byte)'N' || b[3] != (byte)'G' || b[12] != (byte)'I' || b[13] != (byte)'H')
                throw new InvalidDataException(path + ": not a PNG");
            return ((int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(20)));
        }

        /// <summary>
        /// Null when the top-left <paramref name="expectedPng"/>-sized corner of <paramref name="screenshot"/> equals it
        /// pixel for pixel; else why not (with <paramref name="diffPng"/> written by compare when pixels differ).
        /// </summary>
        public static string Compare(string expectedPng, string screenshot, string diffPng)
        {
            if (!File.Exists(expectedPng)) return $"no expected image {expectedPng} (the screenshot is {screenshot})";
            var (w, h) = PngSize(expectedPng);
            var compare = Tool.Require("compare", "imagemagick");
            var r = Tool.Run(compare, new[] { "-metric", "AE", expectedPng, $"{screenshot}[{w}x{h}+0+0]", diffPng });
            string text = (r.StdErr + r.StdOut).Trim();
            if (r.ExitCode == 0) { File.Delete(diffPng); return null; }
            if (r.ExitCode == 1 && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
                return $"{n} of {w}x{h} pixels differ from {expectedPng} (screenshot {screenshot}, differences marked in {diffPng})";
            return $"compare failed (exit {r.ExitCode}): {text}";
        }
    }
}
