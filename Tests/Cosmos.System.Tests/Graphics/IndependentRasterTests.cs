using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Drawing;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>
    /// Lines, circles and ellipses against an independent rasterizer: ImageMagick's <c>-draw</c> (<c>line</c>,
    /// <c>circle</c>, <c>ellipse</c>; aliased, <c>+antialias</c>, stroke width 1 for outlines, fill only for filled
    /// shapes; integer coordinates are pixel centres in both), the tool the screenshot tests already need. Its scan
    /// converter strokes a 1-pixel-wide outline polygon rather than stepping Bresenham/midpoint decisions, so the two
    /// pixel sets differ slightly. Stated tolerance, per primitive: (1) every pixel the canvas draws lies within one
    /// pixel (8-neighbourhood, Chebyshev distance ≤ 1) of a pixel ImageMagick draws, and every pixel ImageMagick draws
    /// lies within one pixel of a canvas pixel (a symmetric Hausdorff distance ≤ 1); (2) the end points of a line, the
    /// four extreme points of a circle or ellipse (centre ± radius on each axis) are drawn by both; (3) for lines and
    /// outlines (not filled shapes) every canvas pixel is one ImageMagick draws too (its 1-wide stroke is a superset
    /// of the thin Bresenham/midpoint path, by up to ≈ 50 % more pixels, none farther than one pixel). Measured when
    /// this was written: filled shapes differ by at most 12 pixels on their rims. The exact
    /// algorithms are pinned separately against the textbook reference (CanvasPrimitiveTests); axis-aligned
    /// rectangles, images and text stay exact everywhere.
    /// </summary>
    public sealed class IndependentRasterTests
    {
        private const int W = 120, H = 100;
        private readonly ITestOutputHelper _out;

        public IndependentRasterTests(ITestOutputHelper output) => _out = output;

        private static string Tool()
        {
            foreach (var name in new[] { "magick", "convert" })
                foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
                    if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return name;
            throw new InvalidOperationException("ImageMagick (magick or convert) is not installed: apt-get install imagemagick");
        }

        /// <summary>Renders one ImageMagick draw primitive white on black and returns the lit pixels.</summary>
        private static HashSet<(int, int)> Magick(string draw, bool filled)
        {
            string paint = filled ? "-fill white -stroke none" : "-fill none -stroke white -strokewidth 1";
            var psi = new ProcessStartInfo(Tool())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in $"-size {W}x{H} xc:black +antialias {paint}".Split(' ')) psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("-draw");
            psi.ArgumentList.Add(draw);
            psi.ArgumentList.Add("-depth");
            psi.ArgumentList.Add("8");
            psi.ArgumentList.Add("gray:-");
            using var p = Process.Start(psi)!;
            var ms = new MemoryStream();
            p.StandardOutput.BaseStream.CopyTo(ms);
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            byte[] px = ms.ToArray();
            if (p.ExitCode != 0 || px.Length != W * H) throw new InvalidOperationException($"ImageMagick failed for '{draw}': exit {p.ExitCode}, {px.Length} bytes, {err}");
            var set = new HashSet<(int, int)>();
            for (int i = 0; i < px.Length; i++) if (px[i] >= 128) set.Add((i % W, i / W));
            return set;
        }

        private static HashSet<(int, int)> Canvas(Action<Cosmos.System.Graphics.FramebufferCanvas> draw)
        {
            var c = Gfx.Canvas(W, H);
            draw(c);
            return Gfx.Drawn(c);
        }

        private static int Farthest(HashSet<(int, int)> from, HashSet<(int, int)> to)
        {
            int worst = 0;
            foreach (var (x, y) in from)
            {
                int best = int.MaxValue;
                if (to.Contains((x, y))) continue;
                foreach (var (u, v) in to) best = Math.Min(best, Math.Max(Math.Abs(u - x), Math.Abs(v - y)));
                worst = Math.Max(worst, best);
            }
            return worst;
        }

        private void Check(string what, bool outline, HashSet<(int, int)> ours, HashSet<(int, int)> magick, params (int, int)[] mustShare)
        {
            int ab = Farthest(ours, magick), ba = Farthest(magick, ours);
            int same = ours.Count(magick.Contains);
            _out.WriteLine($"{what}: canvas {ours.Count} px, ImageMagick {magick.Count} px, {same} shared; farthest canvas→IM {ab}, IM→canvas {ba}");
            Assert.True(ours.Count > 0 && magick.Count > 0, what + ": nothing drawn");
            Assert.True(ab <= 1, $"{what}: a canvas pixel is {ab} pixels from ImageMagick's drawing ({Gfx.Describe(magick, ours)})");
            Assert.True(ba <= 1, $"{what}: an ImageMagick pixel is {ba} pixels from the canvas's drawing ({Gfx.Describe(magick, ours)})");
            if (outline)
                foreach (var p in ours) Assert.True(magick.Contains(p), $"{what}: the canvas draws {p}, ImageMagick does not");
            foreach (var p in mustShare)
            {
                Assert.True(ours.Contains(p), $"{what}: the canvas does not draw {p}");
                Assert.True(magick.Contains(p), $"{what}: ImageMagick does not draw {p}");
            }
        }

        public static IEnumerable<object[]> Lines() => new[]
        {
            new object[] { 10, 10, 100, 10 }, new object[] { 10, 10, 10, 90 }, new object[] { 5, 5, 95, 95 },
            new object[] { 3, 7, 110, 40 }, new object[] { 110, 40, 3, 7 }, new object[] { 20, 90, 60, 2 },
            new object[] { 60, 2, 20, 90 }, new object[] { 115, 5, 4, 80 }, new object[] { 7, 50, 113, 47 },
            new object[] { 50, 3, 53, 96 }, new object[] { 30, 30, 31, 80 }, new object[] { 2, 60, 117, 61 },
        };

        [Theory, MemberData(nameof(Lines))]
        public void LinesAreWithinOnePixelOfImageMagick(int x0, int y0, int x1, int y1)
        {
            var ours = Canvas(c => c.DrawLine(Color.White, x0, y0, x1, y1));
            Check($"line {x0},{y0} {x1},{y1}", true, ours, Magick($"line {x0},{y0} {x1},{y1}", false), (x0, y0), (x1, y1));
        }

        public static IEnumerable<object[]> Radii() => new[] { 1, 2, 3, 5, 8, 13, 21, 30, 45 }.Select(r => new object[] { r });

        [Theory, MemberData(nameof(Radii))]
        public void CirclesAreWithinOnePixelOfImageMagick(int r)
        {
            const int cx = 60, cy = 50;
            var extremes = new[] { (cx - r, cy), (cx + r, cy), (cx, cy - r), (cx, cy + r) };
            Check($"circle r {r}", true, Canvas(c => c.DrawCircle(Color.White, cx, cy, r)), Magick($"circle {cx},{cy} {cx},{cy - r}", false), extremes);
            Check($"filled circle r {r}", false, Canvas(c => c.DrawFilledCircle(Color.White, cx, cy, r)), Magick($"circle {cx},{cy} {cx},{cy - r}", true), extremes);
        }

        public static IEnumerable<object[]> EllipseRadii() => new[]
        {
            new object[] { 40, 20 }, new object[] { 20, 40 }, new object[] { 55, 8 }, new object[] { 8, 45 },
            new object[] { 30, 29 }, new object[] { 3, 1 }, new object[] { 1, 6 }, new object[] { 17, 11 },
        };

        [Theory, MemberData(nameof(EllipseRadii))]
        public void EllipsesAreWithinOnePixelOfImageMagick(int a, int b)
        {
            const int cx = 60, cy = 50;
            var extremes = new[] { (cx - a, cy), (cx + a, cy), (cx, cy - b), (cx, cy + b) };
            Check($"ellipse {a}x{b}", true, Canvas(c => c.DrawEllipse(Color.White, cx, cy, a, b)), Magick($"ellipse {cx},{cy} {a},{b} 0,360", false), extremes);
            Check($"filled ellipse {a}x{b}", false, Canvas(c => c.DrawFilledEllipse(Color.White, cx, cy, b, a)), Magick($"ellipse {cx},{cy} {a},{b} 0,360", true), extremes);
        }
    }
}
