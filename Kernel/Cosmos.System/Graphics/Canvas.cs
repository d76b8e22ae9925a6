using System;
using System.Collections.Generic;
using System.Drawing;
using System.Runtime.CompilerServices;
using Cosmos.System.Graphics.Fonts;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// A drawing surface (Cosmos API). Coordinates are pixels, (0, 0) top-left, x to the right, y down. Colours are
    /// <see cref="Color"/> values or packed 32-bit ARGB ints (0xAARRGGBB).
    /// <para>Every primitive clips at the surface edges: any coordinates may be passed (off-screen parts are simply
    /// not drawn; nothing is written outside and nothing throws). Drawing with a <see cref="Color"/> blends by its
    /// alpha: 255 replaces the pixel, 0 leaves it unchanged, and in between each channel becomes
    /// round((src × a + dst × (255 − a)) / 255) with an opaque result; the packed-int overloads of
    /// <see cref="DrawPoint(int, int, int)"/>, <see cref="Clear(int)"/> and <see cref="DrawArray(int[], int, int, int, int)"/>
    /// and <see cref="DrawImage(Image, int, int, bool)"/> store the value as it is.</para>
    /// <para>The algorithms are the standard integer ones: lines are Bresenham's (every pixel from the first point to
    /// the last, both included; on an exact tie the pixel nearer the first point's row/column is taken), circles the
    /// midpoint circle algorithm (decision variable d = 1 − r), ellipses the two-region midpoint algorithm
    /// (Van Aken; Hearn &amp; Baker, "Computer Graphics", §3), filled circles and ellipses fill each row between the
    /// outline's extreme pixels. Every pixel of one primitive is drawn once, so translucent shapes blend evenly
    /// (polygon vertices, shared by two edges, are the exception).</para>
    /// <para>Subclasses implement the abstract members; the protected hooks (<see cref="PlotPixel"/>,
    /// <see cref="FillSpan"/>, <see cref="WriteSpan"/>, <see cref="BlendSpan"/>, <see cref="Invalidate"/>) let a
    /// back-buffered canvas draw spans in one go. <see cref="FramebufferCanvas"/> is the implementation over HAL
    /// framebuffers; <see cref="FullScreenCanvas"/> hands it out.</para>
    /// </summary>
    public abstract class Canvas
    {
        private int[] _scratch;

        /// <summary>Creates a canvas.</summary>
        protected Canvas()
        {
        }

        /// <summary>Creates a canvas for <paramref name="mode"/> (kept for Cosmos source compatibility; the mode is set by the subclass).</summary>
        protected Canvas(Mode mode)
        {
        }

        /// <summary>The modes <see cref="Mode"/> can be set to.</summary>
        public abstract List<Mode> AvailableModes { get; }

        /// <summary>The mode <see cref="FullScreenCanvas.GetFullScreenCanvas()"/> uses.</summary>
        public abstract Mode DefaultGraphicsMode { get; }

        /// <summary>The current mode; setting it switches the screen (ArgumentOutOfRangeException for a mode not in <see cref="AvailableModes"/>).</summary>
        public abstract Mode Mode { get; set; }

        /// <summary>Width of the drawing surface in pixels (the current mode's).</summary>
        protected virtual int SurfaceWidth => (int)Mode.Width;

        /// <summary>Height of the drawing surface in pixels.</summary>
        protected virtual int SurfaceHeight => (int)Mode.Height;

        /// <summary>The name of the implementation.</summary>
        public abstract string Name();

        /// <summary>Shows what was drawn (a back-buffered canvas copies the changed parts to the screen).</summary>
        public abstract void Display();

        /// <summary>Stops using graphics mode (where the adapter can, the screen returns to text mode).</summary>
        public abstract void Disable();

        /// <summary>Fills the whole surface with black.</summary>
        public void Clear() => Clear(unchecked((int)0xFF000000));

        /// <summary>Fills the whole surface with the packed ARGB <paramref name="color"/> (stored as is, no blending).</summary>
        public abstract void Clear(int color);

        /// <summary>Fills the whole surface with <paramref name="color"/> (stored as is, no blending).</summary>
        public virtual void Clear(Color color) => Clear(color.ToArgb());

        /// <summary>Sets one pixel, blending by the colour's alpha. Off-surface points are ignored.</summary>
        public abstract void DrawPoint(Color color, int x, int y);

        /// <summary>Sets one pixel to the packed ARGB value as is. Off-surface points are ignored.</summary>
        public abstract void DrawPoint(uint color, int x, int y);

        /// <summary>Sets one pixel to the packed ARGB value as is. Off-surface points are ignored.</summary>
        public abstract void DrawPoint(int color, int x, int y);

        /// <summary>The colour of a pixel.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The point is outside the surface.</exception>
        public abstract Color GetPointColor(int x, int y);

        /// <summary>The packed ARGB value of a pixel.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The point is outside the surface.</exception>
        public abstract int GetRawPointColor(int x, int y);

        // ---------------------------------------------------------------- hooks

        /// <summary>Blends one pixel of packed ARGB <paramref name="argb"/> (alpha 0 = nothing, 255 = replace); ignores off-surface points; does not record a change.</summary>
        protected virtual void PlotPixel(int argb, int x, int y)
        {
            if ((uint)x < (uint)SurfaceWidth && (uint)y < (uint)SurfaceHeight) DrawPoint(Color.FromArgb(argb), x, y);
        }

        /// <summary>Blends <paramref name="argb"/> over the row run <paramref name="x0"/>..<paramref name="x1"/> (inclusive) of row <paramref name="y"/>, clipping it; does not record a change.</summary>
        protected virtual void FillSpan(int argb, int x0, int x1, int y)
        {
            if ((uint)y >= (uint)SurfaceHeight) return;
            if (x0 < 0) x0 = 0;
            if (x1 >= SurfaceWidth) x1 = SurfaceWidth - 1;
            for (int x = x0; x <= x1; x++) PlotPixel(argb, x, y);
        }

        /// <summary>Stores <paramref name="argb"/> as is at (<paramref name="x"/>..x+length−1, <paramref name="y"/>); the run lies inside the surface.</summary>
        protected virtual void WriteSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            for (int i = 0; i < argb.Length; i++) DrawPoint(argb[i], x + i, y);
        }

        /// <summary>Blends each of <paramref name="argb"/> by its own alpha at (<paramref name="x"/>.., <paramref name="y"/>); the run lies inside the surface.</summary>
        protected virtual void BlendSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            for (int i = 0; i < argb.Length; i++) PlotPixel(argb[i], x + i, y);
        }

        /// <summary>
        /// Offered an unblended copy that covers the whole surface (DrawImage, DrawArray(int[]) or CroppedDrawImage at
        /// or beyond every edge): surface row j is <paramref name="pixels"/>[start + j·stride ..][..SurfaceWidth], which
        /// the caller has checked exists. Return true when the subclass took it (it records the change itself, and must
        /// end with exactly what the row-by-row <see cref="WriteSpan"/> copy would have stored); false (the default)
        /// makes the caller copy row by row.
        /// </summary>
        protected virtual bool ReplaceSurface(int[] pixels, int start, int stride) => false;

        /// <summary>Records that the rectangle changed (already clipped, width and height ≥ 1). The default does nothing.</summary>
        protected virtual void Invalidate(int x, int y, int width, int height)
        {
        }

        /// <summary>Clips the box [x0, x1] × [y0, y1] (inclusive, any order-preserving values) and passes it to <see cref="Invalidate"/>; false when nothing is visible.</summary>
        protected bool InvalidateBox(long x0, long y0, long x1, long y1)
        {
            int w = SurfaceWidth, h = SurfaceHeight;
            if (x0 < 0) x0 = 0;
            if (y0 < 0) y0 = 0;
            if (x1 > w - 1) x1 = w - 1;
            if (y1 > h - 1) y1 = h - 1;
            if (x0 > x1 || y0 > y1) return false;
            Invalidate((int)x0, (int)y0, (int)(x1 - x0 + 1), (int)(y1 - y0 + 1));
            return true;
        }

        // ---------------------------------------------------------------- lines

        /// <summary>
        /// Draws a line from (<paramref name="x1"/>, <paramref name="y1"/>) to (<paramref name="x2"/>, <paramref name="y2"/>),
        /// both ends included (Bresenham; clipped exactly: the visible pixels are those of the unclipped line).
        /// </summary>
        public virtual void DrawLine(Color color, int x1, int y1, int x2, int y2) => Line(color.ToArgb(), x1, y1, x2, y2, true);

        private void Line(int argb, int x1, int y1, int x2, int y2, bool invalidate)
        {
            if ((uint)argb >> 24 == 0) return;
            int w = SurfaceWidth, h = SurfaceHeight;
            if (y1 == y2)
            {
                if ((uint)y1 >= (uint)h) return;
                int a = Math.Min(x1, x2), b = Math.Max(x1, x2);
                if (invalidate && !InvalidateBox(a, y1, b, y1)) return;
                FillSpan(argb, a, b, y1);
                return;
            }
            if (x1 == x2)
            {
                if ((uint)x1 >= (uint)w) return;
                int a = Math.Max(Math.Min(y1, y2), 0), b = Math.Min(Math.Max(y1, y2), h - 1);
                if (a > b) return;
                if (invalidate) InvalidateBox(x1, a, x1, b);
                for (int y = a; y <= b; y++) PlotPixel(argb, x1, y);
                return;
            }

            long dx = (long)x2 - x1, dy = (long)y2 - y1;
            bool xMajor = Math.Abs(dx) >= Math.Abs(dy);
            // Major axis: the coordinate that advances every step; minor: the one that advances on some steps.
            long major = xMajor ? Math.Abs(dx) : Math.Abs(dy), minor = xMajor ? Math.Abs(dy) : Math.Abs(dx);
            long a0 = xMajor ? x1 : y1, b0 = xMajor ? y1 : x1;
            int sa = (xMajor ? dx : dy) > 0 ? 1 : -1, sb = (xMajor ? dy : dx) > 0 ? 1 : -1;
            long aLimit = xMajor ? w : h, bLimit = xMajor ? h : w;

            // Pixel k (0..major): a = a0 + sa*k, b = b0 + sb*m(k), m(k) = floor((2*k*minor + major - 1) / (2*major)).
            // Steps whose major coordinate is on screen:
            long kLo = sa > 0 ? -a0 : a0 - (aLimit - 1);
            long kHi = sa > 0 ? aLimit - 1 - a0 : a0;
            // Steps whose minor offset m lies in [mLo, mHi]:
            long mLo = sb > 0 ? -b0 : b0 - (bLimit - 1);
            long mHi = sb > 0 ? bLimit - 1 - b0 : b0;
            Int128 twoMajor = (Int128)major * 2, twoMinor = (Int128)minor * 2;
            // m(k) >= mLo  <=>  k >= ceil((2*major*mLo - major + 1) / (2*minor))
            Int128 kMinorLo = CeilDiv(twoMajor * mLo - major + 1, twoMinor);
            // m(k) <= mHi  <=>  k <= floor((2*major*(mHi+1) - major) / (2*minor))
            Int128 kMinorHi = FloorDiv(twoMajor * (mHi + 1) - major, twoMinor);
            Int128 kStart128 = Int128.Max(Int128.Max(0, kLo), kMinorLo);
            Int128 kEnd128 = Int128.Min(Int128.Min(major, kHi), kMinorHi);
            if (kStart128 > kEnd128) return;
            long kStart = (long)kStart128, kEnd = (long)kEnd128;

            Int128 n0 = twoMinor * kStart + major - 1;
            long m = (long)(n0 / twoMajor);
            long r = (long)(n0 % twoMajor);
            long mEnd = (long)((twoMinor * kEnd + major - 1) / twoMajor);
            long aS = a0 + sa * kStart, aE = a0 + sa * kEnd, bS = b0 + sb * m, bE = b0 + sb * mEnd;
            if (invalidate)
            {
                if (xMajor) InvalidateBox(Math.Min(aS, aE), Math.Min(bS, bE), Math.Max(aS, aE), Math.Max(bS, bE));
                else InvalidateBox(Math.Min(bS, bE), Math.Min(aS, aE), Math.Max(bS, bE), Math.Max(aS, aE));
            }
            long tMajor = 2 * major, tMinor = 2 * minor;
            int ai = (int)aS, bi = (int)bS;
            for (long k = kStart; k <= kEnd; k++)
            {
                if (xMajor) PlotPixel(argb, ai, bi); else PlotPixel(argb, bi, ai);
                ai += sa;
                r += tMinor;
                if (r >= tMajor) { r -= tMajor; bi += sb; }
            }
        }

        private static Int128 FloorDiv(Int128 a, Int128 b)
        {
            Int128 q = a / b;
            if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
            return q;
        }

        private static Int128 CeilDiv(Int128 a, Int128 b) => -FloorDiv(-a, b);

        // ---------------------------------------------------------------- rectangles

        /// <summary>
        /// Draws the outline of the box with corners (<paramref name="x"/>, <paramref name="y"/>) and
        /// (x + <paramref name="width"/>, y + <paramref name="height"/>), both included, as the edges Cosmos draws
        /// from (x, y) to (x + width, y + height): the outline covers width + 1 by height + 1 pixels (like
        /// System.Drawing's DrawRectangle). Negative sizes draw nothing.
        /// </summary>
        public virtual void DrawRectangle(Color color, int x, int y, int width, int height)
        {
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || width < 0 || height < 0) return;
            long x2 = (long)x + width, y2 = (long)y + height;
            if (!InvalidateBox(x, y, x2, y2)) return;
            int w = SurfaceWidth, h = SurfaceHeight;
            FillSpan(argb, x, (int)Math.Min(x2, w), y);
            if (height > 0 && y2 < h) FillSpan(argb, x, (int)Math.Min(x2, w), (int)y2);
            int ya = (int)Math.Max((long)y + 1, 0), yb = (int)Math.Min(y2 - 1, h - 1);
            for (int yy = ya; yy <= yb; yy++)
            {
                PlotPixel(argb, x, yy);
                if (width > 0 && x2 < w) PlotPixel(argb, (int)x2, yy);
            }
        }

        /// <summary>Draws the outline of a square (see <see cref="DrawRectangle"/>).</summary>
        public virtual void DrawSquare(Color color, int x, int y, int size) => DrawRectangle(color, x, y, size, size);

        /// <summary>
        /// Fills the <paramref name="width"/> × <paramref name="height"/> pixels whose top-left is (<paramref name="xStart"/>,
        /// <paramref name="yStart"/>). A height of −1 means a square (Cosmos). Always clipped; <paramref name="preventOffBoundPixels"/>
        /// is kept for Cosmos source compatibility.
        /// </summary>
        public virtual void DrawFilledRectangle(Color color, int xStart, int yStart, int width, int height, bool preventOffBoundPixels = true)
        {
            int argb = color.ToArgb();
            if (height == -1) height = width;
            if ((uint)argb >> 24 == 0 || width <= 0 || height <= 0) return;
            long x2 = (long)xStart + width - 1, y2 = (long)yStart + height - 1;
            if (!InvalidateBox(xStart, yStart, x2, y2)) return;
            int ya = Math.Max(yStart, 0), yb = (int)Math.Min(y2, SurfaceHeight - 1);
            int xb = (int)Math.Min(x2, SurfaceWidth - 1);
            for (int yy = ya; yy <= yb; yy++) FillSpan(argb, xStart, xb, yy);
        }

        /// <summary>Draws the three edges of a triangle.</summary>
        public virtual void DrawTriangle(Color color, int v1x, int v1y, int v2x, int v2y, int v3x, int v3y)
        {
            DrawLine(color, v1x, v1y, v2x, v2y);
            DrawLine(color, v2x, v2y, v3x, v3y);
            DrawLine(color, v3x, v3y, v1x, v1y);
        }

        /// <summary>Draws the closed outline through <paramref name="points"/> (a line from each point to the next, and from the last to the first).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="points"/> is null.</exception>
        /// <exception cref="ArgumentException">Fewer than 3 points (Cosmos).</exception>
        public virtual void DrawPolygon(Color color, params Point[] points)
        {
            if (points == null) throw new ArgumentNullException(nameof(points));
            if (points.Length < 3) throw new ArgumentException("Canvas.DrawPolygon: a polygon needs at least 3 points", nameof(points));
            for (int i = 0; i < points.Length; i++)
            {
                Point a = points[i], b = points[i + 1 == points.Length ? 0 : i + 1];
                DrawLine(color, a.X, a.Y, b.X, b.Y);
            }
        }

        // ---------------------------------------------------------------- circles and ellipses

        /// <summary>Largest radius accepted by the circle and ellipse methods (larger: ArgumentOutOfRangeException).</summary>
        public const int MaxRadius = 32767;

        private static void CheckRadius(int r, string name)
        {
            if (r > MaxRadius) throw new ArgumentOutOfRangeException(name, "Canvas: radius above 32767");
        }

        /// <summary>Draws the outline of the circle of <paramref name="radius"/> around the centre (midpoint algorithm). Radius 0: the centre pixel; negative: nothing.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is above <see cref="MaxRadius"/>.</exception>
        public virtual void DrawCircle(Color color, int xCenter, int yCenter, int radius)
        {
            CheckRadius(radius, nameof(radius));
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || radius < 0) return;
            if (!InvalidateBox((long)xCenter - radius, (long)yCenter - radius, (long)xCenter + radius, (long)yCenter + radius)) return;
            int x = 0, y = radius, d = 1 - radius;
            while (x <= y)
            {
                if (x == 0)
                {
                    PlotPixel(argb, xCenter, yCenter + y);
                    if (y != 0)
                    {
                        PlotPixel(argb, xCenter, yCenter - y);
                        PlotPixel(argb, xCenter + y, yCenter);
                        PlotPixel(argb, xCenter - y, yCenter);
                    }
                }
                else
                {
                    PlotPixel(argb, xCenter + x, yCenter + y);
                    PlotPixel(argb, xCenter - x, yCenter + y);
                    PlotPixel(argb, xCenter + x, yCenter - y);
                    PlotPixel(argb, xCenter - x, yCenter - y);
                    if (x != y)
                    {
                        PlotPixel(argb, xCenter + y, yCenter + x);
                        PlotPixel(argb, xCenter - y, yCenter + x);
                        PlotPixel(argb, xCenter + y, yCenter - x);
                        PlotPixel(argb, xCenter - y, yCenter - x);
                    }
                }
                if (d < 0) d += 2 * x + 3;
                else { d += 2 * (x - y) + 5; y--; }
                x++;
            }
        }

        /// <summary>Fills the circle: each row between the extreme pixels of <see cref="DrawCircle"/>'s outline on that row.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is above <see cref="MaxRadius"/>.</exception>
        public virtual void DrawFilledCircle(Color color, int x0, int y0, int radius)
        {
            CheckRadius(radius, nameof(radius));
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || radius < 0) return;
            if (!InvalidateBox((long)x0 - radius, (long)y0 - radius, (long)x0 + radius, (long)y0 + radius)) return;
            int x = 0, y = radius, d = 1 - radius;
            while (x <= y)
            {
                // Row ±x has its extreme at y (one row per x).
                RowPair(argb, x0, y0, x, y);
                bool step = d >= 0;
                // Row ±y ends here when y is about to change; rows equal to some x were filled above.
                if (step && y > x) RowPair(argb, x0, y0, y, x);
                if (d < 0) d += 2 * x + 3;
                else { d += 2 * (x - y) + 5; y--; }
                x++;
            }
        }

        private void RowPair(int argb, int xc, int yc, int dy, int halfWidth)
        {
            long a = (long)xc - halfWidth, b = (long)xc + halfWidth;
            if (b < 0 || a >= SurfaceWidth) return;
            int ia = (int)Math.Max(a, -1), ib = (int)Math.Min(b, SurfaceWidth);
            long r1 = (long)yc + dy, r2 = (long)yc - dy;
            if (r1 >= 0 && r1 < SurfaceHeight) FillSpan(argb, ia, ib, (int)r1);
            if (dy != 0 && r2 >= 0 && r2 < SurfaceHeight) FillSpan(argb, ia, ib, (int)r2);
        }

        /// <summary>
        /// Draws the outline of the axis-aligned ellipse with horizontal radius <paramref name="xR"/> and vertical radius
        /// <paramref name="yR"/> (two-region midpoint algorithm). A zero radius gives a line; a negative one nothing.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A radius above <see cref="MaxRadius"/>.</exception>
        public virtual void DrawEllipse(Color color, int xCenter, int yCenter, int xR, int yR)
        {
            CheckRadius(xR, nameof(xR));
            CheckRadius(yR, nameof(yR));
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || xR < 0 || yR < 0) return;
            if (!InvalidateBox((long)xCenter - xR, (long)yCenter - yR, (long)xCenter + xR, (long)yCenter + yR)) return;
            if (yR == 0) { HorizontalRun(argb, xCenter, xR, yCenter); return; }
            var e = new EllipseWalker(xR, yR);
            do Plot4(argb, xCenter, yCenter, e.X, e.Y);
            while (e.Next());
        }

        /// <summary>
        /// Fills the ellipse: each row between the extreme pixels of <see cref="DrawEllipse"/>'s outline on that row.
        /// Note the parameter order, kept from Cosmos: the vertical radius <paramref name="yR"/> comes before the
        /// horizontal radius <paramref name="xR"/> (unlike <see cref="DrawEllipse"/>).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A radius above <see cref="MaxRadius"/>.</exception>
        public virtual void DrawFilledEllipse(Color color, int xCenter, int yCenter, int yR, int xR)
        {
            CheckRadius(xR, nameof(xR));
            CheckRadius(yR, nameof(yR));
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || xR < 0 || yR < 0) return;
            if (!InvalidateBox((long)xCenter - xR, (long)yCenter - yR, (long)xCenter + xR, (long)yCenter + yR)) return;
            if (yR == 0) { HorizontalRun(argb, xCenter, xR, yCenter); return; }
            var e = new EllipseWalker(xR, yR);
            int rowY = e.Y, rowX = e.X;
            while (e.Next())
            {
                if (e.Y != rowY) { RowPair(argb, xCenter, yCenter, rowY, rowX); rowY = e.Y; }
                rowX = e.X;
            }
            RowPair(argb, xCenter, yCenter, rowY, rowX);
        }

        private void HorizontalRun(int argb, int xc, int halfWidth, int y) =>
            FillSpan(argb, (int)Math.Max((long)xc - halfWidth, -1), (int)Math.Min((long)xc + halfWidth, SurfaceWidth), y);

        private void Plot4(int argb, int xc, int yc, int x, int y)
        {
            PlotPixel(argb, xc + x, yc + y);
            if (x != 0) PlotPixel(argb, xc - x, yc + y);
            if (y != 0)
            {
                PlotPixel(argb, xc + x, yc - y);
                if (x != 0) PlotPixel(argb, xc - x, yc - y);
            }
        }

        /// <summary>
        /// The first-quadrant pixels of the midpoint ellipse from (0, b) to (a, 0). Decision values are kept ×4 so
        /// they stay integers: region 1 p = 4·f(x+1, y−½), region 2 p = 4·f(x+½, y−1), f = b²x² + a²y² − a²b².
        /// </summary>
        private struct EllipseWalker
        {
            private readonly long _a2, _b2;
            private long _p;
            private bool _region2;
            public int X, Y;

            public EllipseWalker(int a, int b)
            {
                _a2 = (long)a * a;
                _b2 = (long)b * b;
                X = 0;
                Y = b;
                _region2 = false;
                _p = 4 * _b2 - 4 * _a2 * b + _a2;
            }

            /// <summary>Moves to the next pixel; false after (a, 0).</summary>
            public bool Next()
            {
                if (!_region2)
                {
                    if (2 * _b2 * X < 2 * _a2 * Y)
                    {
                        X++;
                        if (_p < 0) _p += 4 * (2 * _b2 * X + _b2);
                        else { Y--; _p += 4 * (2 * _b2 * X - 2 * _a2 * Y + _b2); }
                        return true;
                    }
                    _region2 = true;
                    long tx = 2L * X + 1, ty = Y - 1L;
                    _p = _b2 * tx * tx + 4 * _a2 * ty * ty - 4 * _a2 * _b2;
                }
                if (Y <= 0) return false;
                Y--;
                if (_p > 0) _p += 4 * (_a2 - 2 * _a2 * Y);
                else { X++; _p += 4 * (2 * _b2 * X - 2 * _a2 * Y + _a2); }
                return true;
            }
        }

        /// <summary>
        /// Draws the arc of the ellipse centred at (<paramref name="x"/>, <paramref name="y"/>) with horizontal radius
        /// <paramref name="width"/> and vertical radius <paramref name="height"/> from <paramref name="startAngle"/> to
        /// <paramref name="endAngle"/> (degrees; 0 = right, increasing towards +y, i.e. clockwise on screen), sampled
        /// every half degree (Cosmos's method and parameter meaning); consecutive equal samples are drawn once.
        /// Zero radii draw nothing.
        /// </summary>
        public virtual void DrawArc(int x, int y, int width, int height, Color color, int startAngle = 0, int endAngle = 360)
        {
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0 || width == 0 || height == 0 || endAngle <= startAngle) return;
            if (!InvalidateBox((long)x - Math.Abs((long)width), (long)y - Math.Abs((long)height), (long)x + Math.Abs((long)width), (long)y + Math.Abs((long)height))) return;
            long lastX = long.MinValue, lastY = long.MinValue;
            int steps = (int)Math.Min(((long)endAngle - startAngle) * 2, 720L * 4);
            for (int i = 0; i < steps; i++)
            {
                double rad = Math.PI * (startAngle + i * 0.5) / 180.0;
                long px = x + (long)(width * Math.Cos(rad)), py = y + (long)(height * Math.Sin(rad));
                if (px == lastX && py == lastY) continue;
                lastX = px; lastY = py;
                if (px >= 0 && px < SurfaceWidth && py >= 0 && py < SurfaceHeight) PlotPixel(argb, (int)px, (int)py);
            }
        }

        // ---------------------------------------------------------------- arrays and images

        /// <summary>Draws <paramref name="width"/> × <paramref name="height"/> colours (row-major) with their alpha, top-left at (x, y).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="colors"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="colors"/> is shorter than width × height.</exception>
        public virtual void DrawArray(Color[] colors, int x, int y, int width, int height)
        {
            if (colors == null) throw new ArgumentNullException(nameof(colors));
            if (width <= 0 || height <= 0) return;
            if ((long)colors.Length < (long)width * height) throw new ArgumentException("Canvas.DrawArray: fewer colours than width × height", nameof(colors));
            if (!Clip(ref x, ref y, width, height, out int sx, out int sy, out int cw, out int ch)) return;
            int[] row = Scratch(cw);
            for (int j = 0; j < ch; j++)
            {
                for (int i = 0; i < cw; i++) row[i] = colors[(sy + j) * width + sx + i].ToArgb();
                BlendSpan(row.AsSpan(0, cw), x, y + j);
            }
        }

        /// <summary>Stores <paramref name="width"/> × <paramref name="height"/> packed ARGB values (row-major) as they are, top-left at (x, y).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="colors"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="colors"/> is shorter than width × height.</exception>
        public virtual void DrawArray(int[] colors, int x, int y, int width, int height) => DrawArray(colors, x, y, width, height, 0);

        /// <summary>As <see cref="DrawArray(int[], int, int, int, int)"/>, reading from <paramref name="startIndex"/> on.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="colors"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="colors"/> is shorter than startIndex + width × height.</exception>
        public virtual void DrawArray(int[] colors, int x, int y, int width, int height, int startIndex)
        {
            if (colors == null) throw new ArgumentNullException(nameof(colors));
            if (width <= 0 || height <= 0) return;
            if (startIndex < 0 || (long)colors.Length - startIndex < (long)width * height)
                throw new ArgumentException("Canvas.DrawArray: fewer values than startIndex + width × height", nameof(colors));
            CopyRect(colors.AsSpan(startIndex), colors, startIndex, width, x, y, width, height, false);
        }

        /// <summary>
        /// Draws <paramref name="image"/> unscaled with its top-left at (x, y), storing its pixels as they are (alpha
        /// is not blended: use <see cref="DrawImageAlpha"/>). Always clipped; <paramref name="preventOffBoundPixels"/>
        /// is kept for Cosmos source compatibility. Rows are copied as whole spans.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
        public virtual void DrawImage(Image image, int x, int y, bool preventOffBoundPixels = true)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            CopyRect(image.RawData, image.RawData, 0, (int)image.Width, x, y, (int)image.Width, (int)image.Height, false);
        }

        /// <summary>
        /// Draws <paramref name="image"/> scaled to <paramref name="w"/> × <paramref name="h"/> pixels (nearest neighbour:
        /// destination pixel (i, j) shows source pixel (⌊i·W/w⌋, ⌊j·H/h⌋)), stored as they are. Always clipped.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
        public virtual void DrawImage(Image image, int x, int y, int w, int h, bool preventOffBoundPixels = true)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            int sw = (int)image.Width, sh = (int)image.Height;
            if (w <= 0 || h <= 0 || sw == 0 || sh == 0) return;
            if (w == sw && h == sh) { DrawImage(image, x, y, preventOffBoundPixels); return; }
            int ox = x, oy = y;
            if (!Clip(ref x, ref y, w, h, out int cx, out int cy, out int cw, out int ch)) return;
            InvalidateBox(x, y, (long)x + cw - 1, (long)y + ch - 1);
            int[] row = Scratch(cw);
            int[] src = image.RawData;
            int prevSrcRow = -1;
            for (int j = 0; j < ch; j++)
            {
                int srcRow = (int)((long)(cy + j) * sh / h);
                if (srcRow != prevSrcRow)
                {
                    int rowBase = srcRow * sw;
                    for (int i = 0; i < cw; i++) row[i] = src[rowBase + (int)((long)(cx + i) * sw / w)];
                    prevSrcRow = srcRow;
                }
                WriteSpan(row.AsSpan(0, cw), x, y + j);
            }
        }

        /// <summary>Draws at most <paramref name="maxWidth"/> × <paramref name="maxHeight"/> pixels of the image's top-left part, unscaled, stored as they are.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
        public virtual void CroppedDrawImage(Image image, int x, int y, int maxWidth, int maxHeight, bool preventOffBoundPixels = true)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            CopyRect(image.RawData, image.RawData, 0, (int)image.Width, x, y, Math.Min((int)image.Width, maxWidth), Math.Min((int)image.Height, maxHeight), false);
        }

        /// <summary>
        /// Draws <paramref name="image"/> unscaled, blending every pixel by its own alpha (exact for 0: unchanged, and
        /// 255: replaced). Always clipped.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
        public void DrawImageAlpha(Image image, int x, int y, bool preventOffBoundPixels = true)
        {
            if (image == null) throw new ArgumentNullException(nameof(image));
            CopyRect(image.RawData, null, 0, (int)image.Width, x, y, (int)image.Width, (int)image.Height, true);
        }

        /// <summary>A copy of the <paramref name="width"/> × <paramref name="height"/> pixels at (x, y) (parts outside the surface are transparent black).</summary>
        public virtual Bitmap GetImage(int x, int y, int width, int height)
        {
            var bitmap = new Bitmap((uint)Math.Max(width, 0), (uint)Math.Max(height, 0), ColorDepth.ColorDepth32);
            int sw = SurfaceWidth, sh = SurfaceHeight;
            for (int j = 0; j < height; j++)
                for (int i = 0; i < width; i++)
                {
                    long px = (long)x + i, py = (long)y + j;
                    if (px >= 0 && px < sw && py >= 0 && py < sh) bitmap.RawData[j * width + i] = GetRawPointColor((int)px, (int)py);
                }
            return bitmap;
        }

        /// <summary>
        /// Copies (or blends) a source rectangle of stride <paramref name="stride"/> to (x, y), clipped, one span per row.
        /// <paramref name="array"/> (null or the array <paramref name="src"/> starts in at <paramref name="arrayStart"/>)
        /// lets a copy that covers the whole surface go to <see cref="ReplaceSurface"/>.
        /// </summary>
        private void CopyRect(ReadOnlySpan<int> src, int[] array, int arrayStart, int stride, int x, int y, int width, int height, bool blend)
        {
            if (width <= 0 || height <= 0) return;
            if (!Clip(ref x, ref y, width, height, out int sx, out int sy, out int cw, out int ch)) return;
            if (!blend && array != null && x == 0 && y == 0 && cw == SurfaceWidth && ch == SurfaceHeight)
            {
                int first = (sy * stride) + sx;
                _ = src.Slice((ch - 1) * stride + first, cw); // the source holds every row (as the row loop below would check)
                if (ReplaceSurface(array, arrayStart + first, stride)) return;
            }
            InvalidateBox(x, y, (long)x + cw - 1, (long)y + ch - 1);
            for (int j = 0; j < ch; j++)
            {
                ReadOnlySpan<int> row = src.Slice((sy + j) * stride + sx, cw);
                if (blend) BlendSpan(row, x, y + j); else WriteSpan(row, x, y + j);
            }
        }

        /// <summary>Clips a width × height box at (x, y): returns the visible part's screen origin (x, y), its offset in the box (sx, sy) and size.</summary>
        private bool Clip(ref int x, ref int y, int width, int height, out int sx, out int sy, out int cw, out int ch)
        {
            long x0 = Math.Max(x, 0L), y0 = Math.Max(y, 0L);
            long x1 = Math.Min((long)x + width, SurfaceWidth), y1 = Math.Min((long)y + height, SurfaceHeight);
            sx = (int)(x0 - x); sy = (int)(y0 - y);
            cw = (int)Math.Max(0, x1 - x0); ch = (int)Math.Max(0, y1 - y0);
            x = (int)x0; y = (int)y0;
            return cw > 0 && ch > 0;
        }

        private int[] Scratch(int length)
        {
            if (_scratch == null || _scratch.Length < length) _scratch = new int[Math.Max(length, 64)];
            return _scratch;
        }

        // ---------------------------------------------------------------- text

        /// <summary>
        /// Draws <paramref name="str"/> with its first character's top-left at (x, y), advancing <see cref="Font.Width"/>
        /// pixels per character (no line breaks: '\n' is drawn as a glyph like any other character).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="font"/> is null.</exception>
        public virtual void DrawString(string str, Font font, Color color, int x, int y)
        {
            if (font == null) throw new ArgumentNullException(nameof(font));
            if (str == null) return;
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0) return;
            long right = (long)x + (long)str.Length * font.Width - 1;
            if (!InvalidateBox(x, y, right, (long)y + font.Height - 1)) return;
            long cx = x;
            for (int i = 0; i < str.Length && cx < SurfaceWidth; i++, cx += font.Width)
                if (cx + font.Width > 0) Glyph(str[i], font, argb, (int)cx, y);
        }

        /// <summary>Draws one character with its top-left at (x, y): the font's set bits in <paramref name="color"/>, clear bits untouched.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="font"/> is null.</exception>
        public virtual void DrawChar(char c, Font font, Color color, int x, int y)
        {
            if (font == null) throw new ArgumentNullException(nameof(font));
            int argb = color.ToArgb();
            if ((uint)argb >> 24 == 0) return;
            if (!InvalidateBox(x, y, (long)x + font.Width - 1, (long)y + font.Height - 1)) return;
            Glyph(c, font, argb, x, y);
        }

        private void Glyph(char c, Font font, int argb, int x, int y)
        {
            int glyph = font.GetGlyphIndex(c);
            int bpr = font.BytesPerRow, fh = font.Height, fw = font.Width;
            byte[] data = font.Data;
            int at = glyph * fh * bpr;
            for (int row = 0; row < fh; row++, at += bpr)
            {
                long py = (long)y + row;
                if (py < 0) continue;
                if (py >= SurfaceHeight) break;
                int col = 0;
                while (col < fw)
                {
                    if ((data[at + (col >> 3)] & (0x80 >> (col & 7))) == 0) { col++; continue; }
                    int start = col;
                    while (col < fw && (data[at + (col >> 3)] & (0x80 >> (col & 7))) != 0) col++;
                    FillSpan(argb, x + start, x + col - 1, (int)py);
                }
            }
        }

        // ---------------------------------------------------------------- modes and colours

        /// <summary>True when <paramref name="mode"/> is in <see cref="AvailableModes"/>.</summary>
        protected bool CheckIfModeIsValid(Mode mode)
        {
            List<Mode> modes = AvailableModes;
            for (int i = 0; i < modes.Count; i++)
                if (modes[i] == mode) return true;
            return false;
        }

        /// <summary>Throws unless <paramref name="mode"/> is in <see cref="AvailableModes"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The mode is not available.</exception>
        protected void ThrowIfModeIsNotValid(Mode mode)
        {
            if (!CheckIfModeIsValid(mode))
                throw new ArgumentOutOfRangeException(nameof(mode), string.Concat("Mode ", mode.ToString(), " is not supported by ", Name()));
        }

        /// <summary>Throws unless (x, y) is on the surface.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The point is outside.</exception>
        protected void ThrowIfCoordNotValid(int x, int y)
        {
            if ((uint)x >= (uint)SurfaceWidth) throw new ArgumentOutOfRangeException(nameof(x), string.Concat("X coordinate ", x.ToString(), " is outside 0..", (SurfaceWidth - 1).ToString()));
            if ((uint)y >= (uint)SurfaceHeight) throw new ArgumentOutOfRangeException(nameof(y), string.Concat("Y coordinate ", y.ToString(), " is outside 0..", (SurfaceHeight - 1).ToString()));
        }

        /// <summary>
        /// Blends <paramref name="to"/> (the colour being drawn, weight <paramref name="alpha"/>) over <paramref name="from"/>
        /// (the colour underneath, weight 255 − alpha): each channel round((to·α + from·(255 − α)) / 255); the result is opaque.
        /// Alpha 255 gives <paramref name="to"/>'s channels, 0 gives <paramref name="from"/>'s.
        /// </summary>
        public static Color AlphaBlend(Color to, Color from, byte alpha) =>
            Color.FromArgb(BlendArgb((to.ToArgb() & 0xFFFFFF) | (alpha << 24), from.ToArgb()));

        /// <summary>Packed form of <see cref="AlphaBlend"/>: <paramref name="src"/>'s alpha weights it over <paramref name="dst"/>; returns an opaque 0xFFRRGGBB.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int BlendArgb(int src, int dst)
        {
            uint a = (uint)src >> 24;
            if (a == 255) return src | unchecked((int)0xFF000000);
            if (a == 0) return dst | unchecked((int)0xFF000000);
            uint na = 255 - a;
            uint s = (uint)src, d = (uint)dst;
            uint r = Div255(((s >> 16) & 0xFF) * a + ((d >> 16) & 0xFF) * na);
            uint g = Div255(((s >> 8) & 0xFF) * a + ((d >> 8) & 0xFF) * na);
            uint b = Div255((s & 0xFF) * a + (d & 0xFF) * na);
            return unchecked((int)(0xFF000000u | (r << 16) | (g << 8) | b));
        }

        /// <summary>round(v / 255) for 0 ≤ v ≤ 65025.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Div255(uint v)
        {
            v += 128;
            return (v + (v >> 8)) >> 8;
        }
    }
}
