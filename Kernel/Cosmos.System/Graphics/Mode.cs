using System;

namespace Cosmos.System.Graphics
{
    /// <summary>A video mode: width and height in pixels and the colour depth (Cosmos API).</summary>
    public readonly struct Mode : IEquatable<Mode>, IComparable<Mode>
    {
        /// <summary>Creates a mode.</summary>
        /// <param name="columns">Width in pixels.</param>
        /// <param name="rows">Height in pixels.</param>
        /// <param name="colorDepth">Bits per pixel.</param>
        public Mode(uint columns, uint rows, ColorDepth colorDepth)
        {
            Width = columns;
            Height = rows;
            ColorDepth = colorDepth;
        }

        /// <summary>Width in pixels.</summary>
        public uint Width { get; }
        /// <summary>Height in pixels.</summary>
        public uint Height { get; }
        /// <summary>Bits per pixel.</summary>
        public ColorDepth ColorDepth { get; }

        /// <summary>True when width, height and depth are equal.</summary>
        public bool Equals(Mode other) => Width == other.Width && Height == other.Height && ColorDepth == other.ColorDepth;
        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is Mode mode && Equals(mode);
        /// <inheritdoc/>
        public override int GetHashCode() => (int)((Width * 397) ^ (Height * 31)) ^ (int)ColorDepth;

        /// <summary>Orders by pixel count, then width, then colour depth.</summary>
        public int CompareTo(Mode other)
        {
            ulong a = (ulong)Width * Height, b = (ulong)other.Width * other.Height;
            if (a != b) return a < b ? -1 : 1;
            if (Width != other.Width) return Width < other.Width ? -1 : 1;
            return ((int)ColorDepth).CompareTo((int)other.ColorDepth);
        }

        /// <summary>Equality.</summary>
        public static bool operator ==(Mode a, Mode b) => a.Equals(b);
        /// <summary>Inequality.</summary>
        public static bool operator !=(Mode a, Mode b) => !a.Equals(b);
        /// <summary>Order by <see cref="CompareTo"/>.</summary>
        public static bool operator >(Mode a, Mode b) => a.CompareTo(b) > 0;
        /// <summary>Order by <see cref="CompareTo"/>.</summary>
        public static bool operator <(Mode a, Mode b) => a.CompareTo(b) < 0;
        /// <summary>Order by <see cref="CompareTo"/>.</summary>
        public static bool operator >=(Mode a, Mode b) => a.CompareTo(b) >= 0;
        /// <summary>Order by <see cref="CompareTo"/>.</summary>
        public static bool operator <=(Mode a, Mode b) => a.CompareTo(b) <= 0;

        /// <summary>"1024x768@32".</summary>
        public override string ToString() => string.Concat(Width.ToString(), "x", Height.ToString(), "@", ((int)ColorDepth).ToString());
    }
}
