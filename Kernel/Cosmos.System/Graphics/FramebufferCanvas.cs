using System;
using System.Collections.Generic;
using System.Drawing;
using Cosmos.HAL.Devices.Graphics;

namespace Cosmos.System.Graphics
{
    /// <summary>
    /// The <see cref="Canvas"/> over a HAL <see cref="Framebuffer"/> (any adapter: Multiboot2/GOP, BGA, SVGA II, or a
    /// <see cref="MemoryFramebuffer"/>). Drawing goes to a back buffer of 32-bit ARGB pixels (Width × Height ints,
    /// no padding); the changed rectangles are tracked in <see cref="Dirty"/>, and <see cref="Display"/> converts only
    /// those to the framebuffer's pixel format (a row copy at 32 bpp) and reports each with
    /// <see cref="Framebuffer.Update"/>. Clear, spans, filled rectangles and unscaled images are span fills and copies.
    /// </summary>
    public class FramebufferCanvas : Canvas
    {
        private readonly Framebuffer _fb;
        private int[] _back;
        private int _w, _h;
        private Mode _mode;
        private List<Mode> _modes;
        // Clear only records the colour; the back buffer is filled when something draws or reads it, and a Display
        // while the fill is pending fills the framebuffer directly (a write-only pass instead of a copy).
        private bool _pendingFill;
        private int _fillColor;

        /// <summary>A canvas in the framebuffer's current mode (the back buffer starts black; the first <see cref="Display"/> shows all of it).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="framebuffer"/> is null.</exception>
        /// <exception cref="NotSupportedException">The framebuffer's pixel format is unknown.</exception>
        public FramebufferCanvas(Framebuffer framebuffer)
        {
            _fb = framebuffer ?? throw new ArgumentNullException(nameof(framebuffer));
            if (framebuffer.Format == PixelFormat.Unknown) throw new NotSupportedException(string.Concat("FramebufferCanvas: ", framebuffer.Name, " has a pixel format this canvas cannot write"));
            Attach();
        }

        /// <summary>A canvas that first switches the framebuffer to <paramref name="mode"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not in <see cref="AvailableModes"/>.</exception>
        public FramebufferCanvas(Framebuffer framebuffer, Mode mode) : this(framebuffer)
        {
            Mode = mode;
        }

        /// <summary>The framebuffer drawn to.</summary>
        public Framebuffer Framebuffer => _fb;

        /// <summary>The rectangles changed since the last <see cref="Display"/>.</summary>
        public DirtyRegion Dirty { get; } = new DirtyRegion();

        /// <summary>The back buffer: Width × Height packed ARGB pixels, row-major (for fast custom drawing; call <see cref="MarkDirty"/> after writing to it).</summary>
        public Span<int> BackBuffer
        {
            get
            {
                if (_pendingFill) Materialize();
                return _back;
            }
        }

        private void Materialize()
        {
            _back.AsSpan().Fill(_fillColor);
            _pendingFill = false;
        }

        /// <summary>Records that (x, y, width, height) of <see cref="BackBuffer"/> changed; clipped to the surface.</summary>
        public void MarkDirty(int x, int y, int width, int height) => InvalidateBox(x, y, (long)x + width - 1, (long)y + height - 1);

        /// <inheritdoc/>
        public override string Name() => "FramebufferCanvas";

        /// <summary>Modes of the framebuffer (<see cref="Framebuffer.GetModes"/>) whose depth is 16, 24 or 32.</summary>
        public override List<Mode> AvailableModes => _modes;

        /// <summary>The framebuffer's preferred mode (the first it lists).</summary>
        public override Mode DefaultGraphicsMode => _modes.Count > 0 ? _modes[0] : _mode;

        /// <summary>The current mode. Setting a different one switches the framebuffer, reallocates the back buffer (black) and marks everything changed.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The mode is not in <see cref="AvailableModes"/>.</exception>
        public override Mode Mode
        {
            get => _mode;
            set
            {
                if (value == _mode) return;
                ThrowIfModeIsNotValid(value);
                _fb.SetMode(new FramebufferMode((int)value.Width, (int)value.Height, (int)value.ColorDepth));
                Attach();
            }
        }

        /// <inheritdoc/>
        protected override int SurfaceWidth => _w;
        /// <inheritdoc/>
        protected override int SurfaceHeight => _h;

        private void Attach()
        {
            _w = _fb.Width;
            _h = _fb.Height;
            _mode = new Mode((uint)_w, (uint)_h, (ColorDepth)_fb.BitsPerPixel);
            FramebufferMode[] fbModes = _fb.GetModes();
            _modes = new List<Mode>(fbModes.Length);
            for (int i = 0; i < fbModes.Length; i++)
            {
                FramebufferMode m = fbModes[i];
                if (m.BitsPerPixel == 16 || m.BitsPerPixel == 24 || m.BitsPerPixel == 32)
                    _modes.Add(new Mode((uint)m.Width, (uint)m.Height, (ColorDepth)m.BitsPerPixel));
            }
            if (!_modes.Contains(_mode)) _modes.Add(_mode);
            _back = new int[_w * _h];
            _pendingFill = false;
            Dirty.Set(0, 0, _w, _h);
        }

        /// <summary>
        /// Copies the changed rectangles of the back buffer to the framebuffer (converted to its format), calls
        /// <see cref="Framebuffer.Update"/> for each, and forgets them. Nothing changed: nothing is copied.
        /// </summary>
        public override void Display()
        {
            ReadOnlySpan<int> back = _back;
            for (int i = 0; i < Dirty.Count; i++)
            {
                var (x, y, w, h) = Dirty[i];
                if (_pendingFill)
                    for (int row = y; row < y + h; row++) _fb.FillRow(x, row, w, _fillColor);
                else
                    for (int row = y; row < y + h; row++) _fb.WriteRow(x, row, back.Slice(row * _w + x, w));
                _fb.Update(x, y, w, h);
            }
            Dirty.Clear();
        }

        /// <summary>Leaves graphics mode through the framebuffer (<see cref="Framebuffer.Disable"/>) and releases the full-screen canvas.</summary>
        public override void Disable()
        {
            _fb.Disable();
            FullScreenCanvas.Released(this);
        }

        /// <inheritdoc/>
        public override void Clear(int color)
        {
            _pendingFill = true;
            _fillColor = color;
            Dirty.Set(0, 0, _w, _h);
        }

        /// <inheritdoc/>
        public override void DrawPoint(Color color, int x, int y)
        {
            if ((uint)x >= (uint)_w || (uint)y >= (uint)_h) return;
            PlotPixel(color.ToArgb(), x, y);
            Dirty.Add(x, y, 1, 1);
        }

        /// <inheritdoc/>
        public override void DrawPoint(uint color, int x, int y) => DrawPoint((int)color, x, y);

        /// <inheritdoc/>
        public override void DrawPoint(int color, int x, int y)
        {
            if ((uint)x >= (uint)_w || (uint)y >= (uint)_h) return;
            if (_pendingFill) Materialize();
            _back[y * _w + x] = color;
            Dirty.Add(x, y, 1, 1);
        }

        /// <inheritdoc/>
        public override Color GetPointColor(int x, int y) => Color.FromArgb(GetRawPointColor(x, y));

        /// <inheritdoc/>
        public override int GetRawPointColor(int x, int y)
        {
            ThrowIfCoordNotValid(x, y);
            if (_pendingFill) Materialize();
            return _back[y * _w + x];
        }

        /// <inheritdoc/>
        protected override void PlotPixel(int argb, int x, int y)
        {
            if ((uint)x >= (uint)_w || (uint)y >= (uint)_h) return;
            if (_pendingFill) Materialize();
            uint a = (uint)argb >> 24;
            ref int p = ref _back[y * _w + x];
            if (a == 255) p = argb;
            else if (a != 0) p = BlendArgb(argb, p);
        }

        /// <inheritdoc/>
        protected override void FillSpan(int argb, int x0, int x1, int y)
        {
            if ((uint)y >= (uint)_h) return;
            if (x0 < 0) x0 = 0;
            if (x1 >= _w) x1 = _w - 1;
            if (x0 > x1) return;
            if (_pendingFill) Materialize();
            uint a = (uint)argb >> 24;
            Span<int> span = _back.AsSpan(y * _w + x0, x1 - x0 + 1);
            if (a == 255) span.Fill(argb);
            else if (a != 0)
                for (int i = 0; i < span.Length; i++) span[i] = BlendArgb(argb, span[i]);
        }

        /// <inheritdoc/>
        protected override void WriteSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            if (_pendingFill) Materialize();
            argb.CopyTo(_back.AsSpan(y * _w + x, argb.Length));
        }

        /// <inheritdoc/>
        protected override void BlendSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            if (_pendingFill) Materialize();
            Span<int> dst = _back.AsSpan(y * _w + x, argb.Length);
            for (int i = 0; i < argb.Length; i++)
            {
                int s = argb[i];
                uint a = (uint)s >> 24;
                if (a == 255) dst[i] = s;
                else if (a != 0) dst[i] = BlendArgb(s, dst[i]);
            }
        }

        /// <inheritdoc/>
        protected override void Invalidate(int x, int y, int width, int height) => Dirty.Add(x, y, width, height);
    }
}
