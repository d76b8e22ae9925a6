using System;
using System.Collections.Generic;
using System.IO;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.ConsoleIO;
using Cosmos.System.Graphics;
using Cosmos.System.Graphics.Fonts;
using Cosmos.Tests.Shared;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>
    /// The expected screenshots of the GraphicsTests kernels (Tests/Kernels/GraphicsTests/expected/*.png) are the shared
    /// scenes (Tests/Shared/GraphicsScenes.cs) rendered here on a <see cref="MemoryFramebuffer"/>: at 32 bpp (NAME.png, also
    /// what a 24 bpp screen must show), at 16 bpp (NAME-rgb565.png: the 5-6-5 values as QEMU expands them to 8 bits, by
    /// replicating the top bits) and the framebuffer console scene (console.png, 80 × 30 cells at 640 × 480). Each test
    /// renders and compares with the checked-in file; with COSMOS_UPDATE_SCREENS=1 it writes the file instead (after a
    /// deliberate change of the drawing code or the scenes).
    /// </summary>
    public class ScreenSceneTests
    {
        public static IEnumerable<object[]> CanvasCases()
        {
            foreach (var name in GraphicsScenes.Names)
            {
                yield return new object[] { name, PixelFormat.Xrgb8888 };
                yield return new object[] { name, PixelFormat.Rgb565 };
            }
        }

        internal static string ExpectedDirectory()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null && !File.Exists(Path.Combine(dir.FullName, "CosmosOS.sln"))) dir = dir.Parent;
            Assert.NotNull(dir);
            return Path.Combine(dir!.FullName, "Tests", "Kernels", "GraphicsTests", "expected");
        }

        /// <summary>The file name the kernels use for scene <paramref name="name"/> in <paramref name="format"/>.</summary>
        public static string FileName(string name, PixelFormat format) => format == PixelFormat.Rgb565 ? name + "-rgb565.png" : name + ".png";

        private static int[] Pixels(Framebuffer fb)
        {
            var rgb = new int[fb.Width * fb.Height];
            for (int y = 0; y < fb.Height; y++)
                for (int x = 0; x < fb.Width; x++)
                    rgb[y * fb.Width + x] = fb.ReadPixel(x, y) & 0xFFFFFF;
            return rgb;
        }

        private static void Check(string file, int w, int h, int[] rgb)
        {
            string path = Path.Combine(ExpectedDirectory(), file);
            if (Environment.GetEnvironmentVariable("COSMOS_UPDATE_SCREENS") == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                PngFile.Write(path, w, h, rgb);
                return;
            }
            Assert.True(File.Exists(path), path + " is missing: run these tests with COSMOS_UPDATE_SCREENS=1 to write it");
            var (ew, eh, expected) = PngFile.Read(path);
            Assert.Equal((w, h), (ew, eh));
            int diff = 0, first = -1;
            for (int i = 0; i < rgb.Length; i++)
                if (rgb[i] != expected[i]) { diff++; if (first < 0) first = i; }
            Assert.True(diff == 0, $"{file}: {diff} pixels differ from the rendering, the first at ({first % w}, {first / w}): " +
                $"file {expected[Math.Max(first, 0)]:X6}, rendered {rgb[Math.Max(first, 0)]:X6}; after a deliberate change rewrite with COSMOS_UPDATE_SCREENS=1");
        }

        [Theory]
        [MemberData(nameof(CanvasCases))]
        public void ExpectedImageIsTheSceneRendered(string name, PixelFormat format)
        {
            var fb = new MemoryFramebuffer(GraphicsScenes.Width, GraphicsScenes.Height, format);
            var canvas = new FramebufferCanvas(fb);
            GraphicsScenes.Draw(canvas, name);
            canvas.Display();
            Check(FileName(name, format), fb.Width, fb.Height, Pixels(fb));
        }

        /// <summary>The 24 bpp screen shows the 32 bpp image: every channel keeps its 8 bits.</summary>
        [Fact]
        public void Rgb888RendersLikeXrgb8888()
        {
            foreach (var name in GraphicsScenes.Names)
            {
                var a = new MemoryFramebuffer(GraphicsScenes.Width, GraphicsScenes.Height, PixelFormat.Xrgb8888);
                var b = new MemoryFramebuffer(GraphicsScenes.Width, GraphicsScenes.Height, PixelFormat.Rgb888);
                foreach (var fb in new[] { a, b })
                {
                    var c = new FramebufferCanvas(fb);
                    GraphicsScenes.Draw(c, name);
                    c.Display();
                }
                Assert.Equal(Pixels(a), Pixels(b));
            }
        }

        [Fact]
        public unsafe void ExpectedConsoleImageIsTheConsoleSceneRendered()
        {
            var fb = new MemoryFramebuffer(GraphicsScenes.Width, GraphicsScenes.Height);
            var console = new FramebufferConsole(fb, PCScreenFont.Default);
            Assert.Equal((80, 30), (console.Columns, console.Rows));
            var cells = new ushort[console.Columns * console.Rows];
            fixed (ushort* p = cells)
            {
                var screen = new TextScreen(p, console.Columns, console.Rows);
                GraphicsScenes.Console(screen, () => console.Render(screen));
                // Drawing incrementally (scrolling pixels, moving the cursor) ends where a full redraw does.
                var fresh = new MemoryFramebuffer(GraphicsScenes.Width, GraphicsScenes.Height);
                var once = new FramebufferConsole(fresh, PCScreenFont.Default);
                once.Render(screen);
                Assert.Equal(Pixels(fresh), Pixels(fb));
                Assert.True(screen.ScrollCount > 0, "the scene scrolls");
            }
            Check("console.png", fb.Width, fb.Height, Pixels(fb));
        }
    }
}
