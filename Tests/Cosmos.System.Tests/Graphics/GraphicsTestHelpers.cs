using System;
using System.Collections.Generic;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>Canvas fixtures and pixel-set helpers for the graphics tests.</summary>
    internal static class Gfx
    {
        public const int Black = unchecked((int)0xFF000000);

        public static FramebufferCanvas Canvas(int w, int h, PixelFormat format = PixelFormat.Xrgb8888, int pitch = 0)
        {
            var canvas = new FramebufferCanvas(new MemoryFramebuffer(w, h, format, pitch));
            canvas.Clear(Black);
            return canvas;
        }

        /// <summary>Pixels whose value differs from <paramref name="background"/>.</summary>
        public static HashSet<(int, int)> Drawn(FramebufferCanvas c, int background = Black)
        {
            var set = new HashSet<(int, int)>();
            int w = (int)c.Mode.Width, h = (int)c.Mode.Height;
            Span<int> b = c.BackBuffer;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if (b[y * w + x] != background) set.Add((x, y));
            return set;
        }

        /// <summary>Reference points translated by (dx, dy), keeping those inside w × h.</summary>
        public static HashSet<(int, int)> Window(IEnumerable<(int X, int Y)> points, int dx, int dy, int w, int h)
        {
            var set = new HashSet<(int, int)>();
            foreach (var (x, y) in points)
            {
                long px = (long)x + dx, py = (long)y + dy;
                if (px >= 0 && px < w && py >= 0 && py < h) set.Add(((int)px, (int)py));
            }
            return set;
        }

        public static string Describe(HashSet<(int, int)> expected, HashSet<(int, int)> actual)
        {
            var missing = new List<string>();
            var extra = new List<string>();
            foreach (var p in expected) if (!actual.Contains(p)) missing.Add(p.ToString());
            foreach (var p in actual) if (!expected.Contains(p)) extra.Add(p.ToString());
            if (missing.Count > 8) missing.RemoveRange(8, missing.Count - 8);
            if (extra.Count > 8) extra.RemoveRange(8, extra.Count - 8);
            return "missing " + string.Join(" ", missing) + "; extra " + string.Join(" ", extra);
        }

        public static void AssertSame(HashSet<(int, int)> expected, HashSet<(int, int)> actual, string what)
        {
            if (!expected.SetEquals(actual)) Xunit.Assert.Fail(what + ": " + Describe(expected, actual));
        }
    }

    /// <summary>
    /// Independent rasterizations, written from the textbook descriptions rather than from the canvas code:
    /// lines by Bresenham's decision variable D = 2·dy − dx stepping the minor axis when D &gt; 0 (Foley et al.,
    /// "Computer Graphics: Principles and Practice", §3.2.2, generalized to all octants by symmetry, drawn from the
    /// first point); circles and ellipses by evaluating the midpoint criterion directly at each step
    /// (F at the midpoint between the two candidate pixels, exact integer arithmetic scaled by 4) rather than
    /// by incremental updates.
    /// </summary>
    internal static class Reference
    {
        public static List<(int X, int Y)> Line(int x0, int y0, int x1, int y1)
        {
            var pts = new List<(int, int)>();
            int dx = Math.Abs(x1 - x0), dy = Math.Abs(y1 - y0);
            int sx = x1 >= x0 ? 1 : -1, sy = y1 >= y0 ? 1 : -1;
            int x = x0, y = y0;
            if (dx >= dy)
            {
                int d = 2 * dy - dx;
                for (int i = 0; i <= dx; i++)
                {
                    pts.Add((x, y));
                    if (d > 0) { y += sy; d -= 2 * dx; }
                    d += 2 * dy;
                    x += sx;
                }
            }
            else
            {
                int d = 2 * dx - dy;
                for (int i = 0; i <= dy; i++)
                {
                    pts.Add((x, y));
                    if (d > 0) { x += sx; d -= 2 * dy; }
                    d += 2 * dx;
                    y += sy;
                }
            }
            return pts;
        }

        /// <summary>First-octant points (x ≤ y) of the midpoint circle, x from 0.</summary>
        public static List<(int X, int Y)> CircleOctant(int r)
        {
            var pts = new List<(int, int)>();
            int x = 0, y = r;
            while (x <= y)
            {
                pts.Add((x, y));
                // Midpoint between (x+1, y) and (x+1, y-1): F = (x+1)^2 + (y-1/2)^2 - r^2, times 4.
                long f4 = 4L * (x + 1) * (x + 1) + (2L * y - 1) * (2L * y - 1) - 4L * r * r;
                if (f4 >= 0) y--;
                x++;
            }
            return pts;
        }

        public static HashSet<(int, int)> Circle(int cx, int cy, int r)
        {
            var set = new HashSet<(int, int)>();
            foreach (var (x, y) in CircleOctant(r))
                foreach (var (px, py) in new[] { (x, y), (y, x) })
                    foreach (int sx in new[] { 1, -1 })
                        foreach (int sy in new[] { 1, -1 })
                            set.Add((cx + sx * px, cy + sy * py));
            return set;
        }

        /// <summary>First-quadrant points of the two-region midpoint ellipse from (0, b) to (a, 0).</summary>
        public static List<(int X, int Y)> EllipseQuadrant(int a, int b)
        {
            var pts = new List<(int, int)>();
            long a2 = (long)a * a, b2 = (long)b * b;
            long x = 0, y = b;
            pts.Add((0, b));
            // Region 1: slope magnitude below 1 (b^2 x < a^2 y); choose between (x+1, y) and (x+1, y-1).
            while (b2 * x < a2 * y)
            {
                long f4 = 4 * b2 * (x + 1) * (x + 1) + a2 * (2 * y - 1) * (2 * y - 1) - 4 * a2 * b2;
                if (f4 >= 0) y--;
                x++;
                pts.Add(((int)x, (int)y));
            }
            // Region 2: choose between (x, y-1) and (x+1, y-1) by the midpoint (x+1/2, y-1).
            while (y > 0)
            {
                long f4 = b2 * (2 * x + 1) * (2 * x + 1) + 4 * a2 * (y - 1) * (y - 1) - 4 * a2 * b2;
                if (f4 <= 0) x++;
                y--;
                pts.Add(((int)x, (int)y));
            }
            return pts;
        }

        public static HashSet<(int, int)> Ellipse(int cx, int cy, int a, int b)
        {
            var set = new HashSet<(int, int)>();
            if (b == 0) { for (int x = -a; x <= a; x++) set.Add((cx + x, cy)); return set; }
            foreach (var (x, y) in EllipseQuadrant(a, b))
                foreach (int sx in new[] { 1, -1 })
                    foreach (int sy in new[] { 1, -1 })
                        set.Add((cx + sx * x, cy + sy * y));
            return set;
        }

        /// <summary>Each row filled between the outline's leftmost and rightmost pixels on it.</summary>
        public static HashSet<(int, int)> FillRows(HashSet<(int, int)> outline)
        {
            var min = new Dictionary<int, int>();
            var max = new Dictionary<int, int>();
            foreach (var (x, y) in outline)
            {
                min[y] = min.TryGetValue(y, out int m) ? Math.Min(m, x) : x;
                max[y] = max.TryGetValue(y, out int n) ? Math.Max(n, x) : x;
            }
            var set = new HashSet<(int, int)>();
            foreach (var y in min.Keys)
                for (int x = min[y]; x <= max[y]; x++) set.Add((x, y));
            return set;
        }
    }
}
