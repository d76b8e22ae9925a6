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
        // What the back buffer holds. Valid: its own pixels. PendingFill: Clear only recorded the colour; the back
        // buffer is filled when something draws or reads it, and a Display meanwhile fills the framebuffer directly (a
        // write-only pass instead of a copy). PendingImage: a full-surface DrawImage/DrawArray only recorded its source
        // (row j = _image[_imageStart + j·_imageStride ..]); drawing or reading copies it in, and a Display meanwhile
        // copies it straight to the framebuffer (one copy instead of two), after which the back buffer is OnScreen
        // (Xrgb8888 only): it equals the framebuffer memory, which the next drawing or reading copies back (so a change to
        // the image's pixels after the Display does not leak into the canvas).
        private enum BackState { Valid, PendingFill, PendingImage, OnScreen }
        private BackState _state;
        private int _fillColor;
        private int[] _image;
        private int _imageStart, _imageStride;

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
                if (_state != BackState.Valid) Materialize();
                return _back;
            }
        }

        private void Materialize()
        {
            switch (_state)
            {
                case BackState.PendingFill:
                    _back.AsSpan().Fill(_fillColor);
                    break;
                case BackState.PendingImage:
                {
                    ReadOnlySpan<int> src = _image;
                    for (int row = 0; row < _h; row++) src.Slice(_imageStart + row * _imageStride, _w).CopyTo(_back.AsSpan(row * _w, _w));
                    _image = null;
                    break;
                }
                case BackState.OnScreen:
                    _fb.ReadRect32(0, 0, _w, _h, _back, _w);
                    break;
            }
            _state = BackState.Valid;
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
            _state = BackState.Valid;
            _image = null;
            Dirty.Set(0, 0, _w, _h);
        }

        /// <summary>
        /// Copies the changed rectangles of the back buffer to the framebuffer (converted to its format), calls
        /// <see cref="Framebuffer.Update"/> for each, and forgets them. Nothing changed: nothing is copied.
        /// </summary>
        public override void Display()
        {
            if (Dirty.IsEmpty) return;
            if (_state == BackState.PendingImage && _fb.Format != PixelFormat.Xrgb8888) Materialize();
            ReadOnlySpan<int> back = _back;
            for (int i = 0; i < Dirty.Count; i++)
            {
                var (x, y, w, h) = Dirty[i];
                switch (_state)
                {
                    case BackState.PendingFill: _fb.FillRect(x, y, w, h, _fillColor); break;
                    case BackState.PendingImage: _fb.WriteRect(x, y, w, h, _image.AsSpan(_imageStart + y * _imageStride + x), _imageStride); break;
                    case BackState.OnScreen: break; // the framebuffer already holds these pixels
                    default: _fb.WriteRect(x, y, w, h, back.Slice(y * _w + x), _w); break;
                }
                _fb.Update(x, y, w, h);
            }
            Dirty.Clear();
            if (_state == BackState.PendingImage)
            {
                _state = BackState.OnScreen;
                _image = null;
            }
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
            _state = BackState.PendingFill;
            _image = null;
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
            if (_state != BackState.Valid) Materialize();
            _back[y * _w + x] = color;
            Dirty.Add(x, y, 1, 1);
        }

        /// <inheritdoc/>
        public override Color GetPointColor(int x, int y) => Color.FromArgb(GetRawPointColor(x, y));

        /// <inheritdoc/>
        public override int GetRawPointColor(int x, int y)
        {
            ThrowIfCoordNotValid(x, y);
            if (_state != BackState.Valid) Materialize();
            return _back[y * _w + x];
        }

        /// <inheritdoc/>
        protected override void PlotPixel(int argb, int x, int y)
        {
            if ((uint)x >= (uint)_w || (uint)y >= (uint)_h) return;
            if (_state != BackState.Valid) Materialize();
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
            if (_state != BackState.Valid) Materialize();
            uint a = (uint)argb >> 24;
            Span<int> span = _back.AsSpan(y * _w + x0, x1 - x0 + 1);
            if (a == 255) span.Fill(argb);
            else if (a != 0)
                for (int i = 0; i < span.Length; i++) span[i] = BlendArgb(argb, span[i]);
        }

        /// <inheritdoc/>
        protected override void WriteSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            if (_state != BackState.Valid) Materialize();
            argb.CopyTo(_back.AsSpan(y * _w + x, argb.Length));
        }

        /// <inheritdoc/>
        protected override void BlendSpan(ReadOnlySpan<int> argb, int x, int y)
        {
            if (_state != BackState.Valid) Materialize();
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
        protected override bool ReplaceSurface(int[] pixels, int start, int stride)
        {
            _state = BackState.PendingImage;
            _image = pixels;
            _imageStart = start;
            _imageStride = stride;
            Dirty.Set(0, 0, _w, _h);
            return true;
        }

        /// <inheritdoc/>
        protected override void Invalidate(int x, int y, int width, int height) => Dirty.Add(x, y, width, height);
    }
}
