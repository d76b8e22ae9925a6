using System;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics;
using Xunit;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>FullScreenCanvas holds static state: all of its tests are in this one class (xunit runs a class's tests one at a time).</summary>
    public sealed class FullScreenCanvasTests : IDisposable
    {
        public FullScreenCanvasTests() => FullScreenCanvas.Reset();
        public void Dispose() => FullScreenCanvas.Reset();

        [Fact]
        public void WithoutProvidersThereIsNoCanvas()
        {
            var e = Assert.Throws<InvalidOperationException>(() => FullScreenCanvas.GetFullScreenCanvas());
            Assert.Contains("no framebuffer", e.Message);
            Assert.False(FullScreenCanvas.TryGetFullScreenCanvas(new Mode(640, 480, ColorDepth.ColorDepth32), out Canvas c));
            Assert.Null(c);
            Assert.Null(FullScreenCanvas.GetCurrentFullScreenCanvas());
        }

        [Fact]
        public void HighestPriorityProviderWithHardwareWins()
        {
            var low = new MemoryFramebuffer(64, 48);
            var high = new MemoryFramebuffer(80, 60);
            FullScreenCanvas.RegisterFramebufferProvider("low", () => low, 10);
            FullScreenCanvas.RegisterFramebufferProvider("absent", () => null, 30);
            FullScreenCanvas.RegisterFramebufferProvider("high", () => high, 20);
            Canvas canvas = FullScreenCanvas.GetFullScreenCanvas();
            Assert.True(FullScreenCanvas.IsInUse);
            Assert.Same(high, ((FramebufferCanvas)canvas).Framebuffer);
            Assert.Equal(new Mode(80, 60, ColorDepth.ColorDepth32), canvas.Mode);
            Assert.Same(canvas, FullScreenCanvas.GetFullScreenCanvas());
            Assert.Same(canvas, FullScreenCanvas.GetCurrentFullScreenCanvas());
            FullScreenCanvas.Disable();
            Assert.False(FullScreenCanvas.IsInUse);
            Assert.Equal(1, high.DisableCount);
        }

        [Fact]
        public void RequestedModeIsSetOrRefused()
        {
            var fb = new MemoryFramebuffer(64, 48, modes: new[] { new FramebufferMode(64, 48, 32), new FramebufferMode(32, 16, 32) });
            FullScreenCanvas.RegisterFramebufferProvider("mem", () => fb);
            Canvas canvas = FullScreenCanvas.GetFullScreenCanvas(new Mode(32, 16, ColorDepth.ColorDepth32));
            Assert.Equal(32, fb.Width);
            Assert.False(FullScreenCanvas.TryGetFullScreenCanvas(new Mode(1024, 768, ColorDepth.ColorDepth32), out _));
            Assert.Throws<ArgumentOutOfRangeException>(() => FullScreenCanvas.GetFullScreenCanvas(new Mode(1, 1, ColorDepth.ColorDepth32)));
            FullScreenCanvas.GetFullScreenCanvas(); // back to the default (first listed) mode
            Assert.Equal(64, fb.Width);
            canvas.Disable();
            Assert.False(FullScreenCanvas.IsInUse);
        }

        [Fact]
        public void FirstCanvasStartsInThePreferredMode()
        {
            var fb = new MemoryFramebuffer(16, 8, modes: new[] { new FramebufferMode(40, 30, 32), new FramebufferMode(16, 8, 32) });
            FullScreenCanvas.RegisterFramebufferProvider("mem", () => fb);
            Canvas canvas = FullScreenCanvas.GetFullScreenCanvas();
            Assert.Equal(new Mode(40, 30, ColorDepth.ColorDepth32), canvas.Mode);
            Assert.Equal(40, fb.Width);
        }

        [Fact]
        public void FixedModeFramebufferOffersOnlyItsMode()
        {
            var fixedFb = new FixedFramebuffer();
            FullScreenCanvas.RegisterFramebufferProvider("fixed", () => fixedFb);
            Canvas canvas = FullScreenCanvas.GetFullScreenCanvas();
            Assert.Single(canvas.AvailableModes);
            Assert.Equal(new Mode(4, 2, ColorDepth.ColorDepth32), canvas.DefaultGraphicsMode);
            Assert.False(FullScreenCanvas.TryGetFullScreenCanvas(new Mode(8, 8, ColorDepth.ColorDepth32), out _));
        }

        private sealed class FixedFramebuffer : Framebuffer
        {
            private readonly byte[] _mem = new byte[4 * 2 * 4];
            public FixedFramebuffer() : base("fixed")
            {
                Width = 4; Height = 2; Pitch = 16; Format = PixelFormat.Xrgb8888;
            }
            public override Span<byte> Memory => _mem;
        }
    }
}
