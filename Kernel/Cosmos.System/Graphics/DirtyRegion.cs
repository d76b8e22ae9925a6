using System;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// The parts of a back buffer changed since the last <see cref="FramebufferCanvas.Display"/>: at most
    /// <see cref="MaxRectangles"/> rectangles. A rectangle inside an existing one adds nothing; one that overlaps or
    /// touches an existing one is merged with it (repeatedly, so the list stays non-overlapping); when the list is
    /// full the new rectangle is merged into the one whose bounding box grows least. Allocates nothing after construction.
    /// </summary>
    public sealed class DirtyRegion
    {
        /// <summary>Most rectangles kept before merging.</summary>
        public const int MaxRectangles = 16;

        private readonly int[] _x0 = new int[MaxRectangles], _y0 = new int[MaxRectangles], _x1 = new int[MaxRectangles], _y1 = new int[MaxRectangles];

        /// <summary>Number of rectangles.</summary>
        public int Count { get; private set; }

        /// <summary>True when nothing changed.</summary>
        public bool IsEmpty => Count == 0;

        /// <summary>Rectangle <paramref name="i"/> as x, y, width, height.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="i"/> is not below <see cref="Count"/>.</exception>
        public (int X, int Y, int Width, int Height) this[int i]
        {
            get
            {
                if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(i));
                return (_x0[i], _y0[i], _x1[i] - _x0[i], _y1[i] - _y0[i]);
            }
        }

        /// <summary>Total pixels covered by the rectangles.</summary>
        public long Area
        {
            get
            {
                long a = 0;
                for (int i = 0; i < Count; i++) a += (long)(_x1[i] - _x0[i]) * (_y1[i] - _y0[i]);
                return a;
            }
        }

        /// <summary>Forgets all rectangles.</summary>
        public void Clear() => Count = 0;

        /// <summary>Replaces everything by one rectangle.</summary>
        public void Set(int x, int y, int width, int height)
        {
            Count = 0;
            Add(x, y, width, height);
        }

        /// <summary>Adds the rectangle (<paramref name="x"/>, <paramref name="y"/>, <paramref name="width"/>, <paramref name="height"/>); empty ones are ignored.</summary>
        public void Add(int x, int y, int width, int height)
        {
            if (width <= 0 || height <= 0) return;
            int x0 = x, y0 = y, x1 = x + width, y1 = y + height;
            for (int i = 0; i < Count; i++)
                if (_x0[i] <= x0 && _y0[i] <= y0 && _x1[i] >= x1 && _y1[i] >= y1) return;
            while (true)
            {
                int hit = -1;
                for (int i = 0; i < Count; i++)
                    if (_x0[i] <= x1 && x0 <= _x1[i] && _y0[i] <= y1 && y0 <= _y1[i]) { hit = i; break; }
                if (hit < 0) break;
                x0 = Math.Min(x0, _x0[hit]); y0 = Math.Min(y0, _y0[hit]);
                x1 = Math.Max(x1, _x1[hit]); y1 = Math.Max(y1, _y1[hit]);
                RemoveAt(hit);
            }
            if (Count == MaxRectangles)
            {
                int best = 0;
                long bestGrowth = long.MaxValue;
                for (int i = 0; i < Count; i++)
                {
                    long ux = Math.Max(x1, _x1[i]) - Math.Min(x0, _x0[i]), uy = Math.Max(y1, _y1[i]) - Math.Min(y0, _y0[i]);
                    long growth = ux * uy - (long)(_x1[i] - _x0[i]) * (_y1[i] - _y0[i]);
                    if (growth < bestGrowth) { bestGrowth = growth; best = i; }
                }
                x0 = Math.Min(x0, _x0[best]); y0 = Math.Min(y0, _y0[best]);
                x1 = Math.Max(x1, _x1[best]); y1 = Math.Max(y1, _y1[best]);
                RemoveAt(best);
                Add(x0, y0, x1 - x0, y1 - y0);
                return;
            }
            _x0[Count] = x0; _y0[Count] = y0; _x1[Count] = x1; _y1[Count] = y1;
            Count++;
        }

        private void RemoveAt(int i)
        {
            Count--;
            _x0[i] = _x0[Count]; _y0[i] = _y0[Count]; _x1[i] = _x1[Count]; _y1[i] = _y1[Count];
        }
    }
}
