using System;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Graphics;
using Cosmos.System.Graphics.Fonts;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>
    /// Shows a <see cref="TextScreen"/> (cells of a code page 437 character and a VGA attribute) on a
    /// <see cref="Framebuffer"/>: each cell is a glyph of <see cref="Font"/> in its foreground colour on its background
    /// colour, both from the 16-colour VGA palette (<see cref="Palette"/>); the cursor is an underline in the cell's
    /// foreground colour over the glyph's last two pixel rows. <see cref="Render"/> draws only what changed since the last
    /// call: it keeps the cells it drew, moves the pixels up when the screen scrolled (<see cref="TextScreen.ScrollCount"/>)
    /// and redraws runs of changed cells, reporting each run with <see cref="Framebuffer.Update"/>. The console uses it when
    /// VGA text mode is not visible (a UEFI boot, or a graphics mode set by the boot loader); it pauses while a graphics
    /// <see cref="Graphics.FullScreenCanvas"/> owns the screen and redraws everything afterwards. Allocation-free after
    /// construction.
    /// </summary>
    public sealed class FramebufferConsole
    {
        /// <summary>The VGA palette as 0xRRGGBB (index = <see cref="ConsoleColor"/> value; IBM VGA default DAC values ×255/63).</summary>
        public static ReadOnlySpan<int> Palette => s_palette;

        private static readonly int[] s_palette =
        {
            0x000000, 0x0000AA, 0x00AA00, 0x00AAAA, 0xAA0000, 0xAA00AA, 0xAA5500, 0xAAAAAA,
            0x555555, 0x5555FF, 0x55FF55, 0x55FFFF, 0xFF5555, 0xFF55FF, 0xFFFF55, 0xFFFFFF,
        };

        private readonly Framebuffer _fb;
        private readonly Font _font;
        private readonly int[] _shown;       // cell drawn at each position, −1 = unknown (must be drawn)
        private readonly int[] _run;         // pixels of one glyph row of a run of cells
        private readonly int[] _glyphOf;     // code page 437 byte → glyph index
        private int _scrolls;
        private int _cursor = -1;            // cell index of the underline on screen, −1 = none
        private bool _started;

        /// <summary>A console of <see cref="Columns"/> × <see cref="Rows"/> cells over <paramref name="framebuffer"/> (nothing drawn yet).</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">The framebuffer is smaller than one cell or its pixel format is unknown.</exception>
        public FramebufferConsole(Framebuffer framebuffer, Font font)
        {
            _fb = framebuffer ?? throw new ArgumentNullException(nameof(framebuffer));
            _font = font ?? throw new ArgumentNullException(nameof(font));
            if (framebuffer.Format == PixelFormat.Unknown) throw new ArgumentException("FramebufferConsole: the framebuffer's pixel format is unknown", nameof(framebuffer));
            Columns = framebuffer.Width / font.Width;
            Rows = framebuffer.Height / font.Height;
            if (Columns == 0 || Rows == 0) throw new ArgumentException("FramebufferConsole: the framebuffer is smaller than one character", nameof(framebuffer));
            _shown = new int[Columns * Rows];
            _run = new int[Columns * font.Width];
            _glyphOf = new int[256];
            var psf = font as PCScreenFont;
            for (int b = 0; b < 256; b++)
            {
                char c = TextScreen.FromCodePage437((byte)b);
                // A font without a Unicode table is indexed by the byte itself (code page 437 fonts), except where it has no glyph.
                _glyphOf[b] = psf != null && !psf.HasUnicodeTable && b >= 0x80 ? (b < font.GlyphCount ? b : font.GetGlyphIndex('?')) : font.GetGlyphIndex(c);
            }
            Invalidate();
        }

        /// <summary>The framebuffer drawn on.</summary>
        public Framebuffer Framebuffer => _fb;

        /// <summary>The font.</summary>
        public Font Font => _font;

        /// <summary>Cells per row (framebuffer width / font width).</summary>
        public int Columns { get; }

        /// <summary>Rows of cells (framebuffer height / font height).</summary>
        public int Rows { get; }

        /// <summary>When false, <see cref="Render"/> draws nothing and the next render after it is set again redraws everything (someone else owns the screen).</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>Forgets what is on the framebuffer: the next <see cref="Render"/> draws every cell.</summary>
        public void Invalidate()
        {
            _shown.AsSpan().Fill(-1);
            _cursor = -1;
            _started = false;
        }

        /// <summary>
        /// Brings the framebuffer up to date with <paramref name="screen"/> (which must be <see cref="Columns"/> ×
        /// <see cref="Rows"/>): scrolls, changed cells and the cursor. Does nothing while <see cref="Enabled"/> is false.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="screen"/> has another size.</exception>
        public void Render(TextScreen screen)
        {
            if (screen == null) throw new ArgumentNullException(nameof(screen));
            if (screen.Cols != Columns || screen.Rows != Rows) throw new ArgumentException("FramebufferConsole.Render: the screen's size differs from the console's", nameof(screen));
            if (!Enabled) { Invalidate(); return; }
            int scrolled = screen.ScrollCount - _scrolls;
            _scrolls = screen.ScrollCount;
            if (!_started) { _started = true; scrolled = 0; }
            if (scrolled != 0)
            {
                EraseCursor();
                if (scrolled > 0 && scrolled < Rows) ScrollPixels(scrolled);
                else _shown.AsSpan().Fill(-1);
            }
            int cursor = screen.CursorVisible ? screen.Row * Columns + screen.Col : -1;
            if (cursor != _cursor) EraseCursor();
            for (int y = 0; y < Rows; y++)
            {
                int x = 0;
                while (x < Columns)
                {
                    if (_shown[y * Columns + x] == screen.GetCell(x, y)) { x++; continue; }
                    int start = x;
                    while (x < Columns && _shown[y * Columns + x] != screen.GetCell(x, y)) x++;
                    DrawRun(screen, start, y, x - start);
                    if (_cursor >= y * Columns + start && _cursor < y * Columns + x) _cursor = -1;   // its underline was drawn over
                }
            }
            if (cursor >= 0 && cursor != _cursor) DrawCursor(screen, cursor);
        }

        private void EraseCursor()
        {
            if (_cursor >= 0) _shown[_cursor] = -1;
            _cursor = -1;
        }

        /// <summary>Moves the pixel rows of the cell area up by <paramref name="lines"/> text rows, inside the framebuffer.</summary>
        private void ScrollPixels(int lines)
        {
            int h = _font.Height, bpp = _fb.BytesPerPixel, width = Columns * _font.Width * bpp, pitch = _fb.Pitch;
            Span<byte> mem = _fb.Memory;
            int shift = lines * h;
            for (int py = 0; py + shift < Rows * h; py++)
                mem.Slice((py + shift) * pitch, width).CopyTo(mem.Slice(py * pitch, width));
            _fb.Update(0, 0, Columns * _font.Width, Rows * h);
            Array.Copy(_shown, lines * Columns, _shown, 0, (Rows - lines) * Columns);
            _shown.AsSpan((Rows - lines) * Columns).Fill(-1);
        }

        private void DrawRun(TextScreen screen, int x0, int y, int count)
        {
            int fw = _font.Width, fh = _font.Height, bpr = _font.BytesPerRow;
            byte[] data = _font.Data;
            int[] palette = s_palette;
            Span<int> row = _run.AsSpan(0, count * fw);
            for (int gy = 0; gy < fh; gy++)
            {
                for (int i = 0; i < count; i++)
                {
                    int cell = screen.GetCell(x0 + i, y);
                    int fg = palette[(cell >> 8) & 0x0F], bg = palette[(cell >> 12) & 0x0F];
                    int bits = (_glyphOf[cell & 0xFF] * fh + gy) * bpr;
                    int o = i * fw;
                    for (int gx = 0; gx < fw; gx++)
                        row[o + gx] = (data[bits + (gx >> 3)] & (0x80 >> (gx & 7))) != 0 ? fg : bg;
                }
                _fb.WriteRow(x0 * fw, y * fh + gy, row);
            }
            for (int i = 0; i < count; i++) _shown[y * Columns + x0 + i] = screen.GetCell(x0 + i, y);
            _fb.Update(x0 * fw, y * fh, count * fw, fh);
        }

        private void DrawCursor(TextScreen screen, int index)
        {
            int x = index % Columns, y = index / Columns;
            int cell = screen.GetCell(x, y);
            int fg = s_palette[(cell >> 8) & 0x0F];
            int fw = _font.Width, fh = _font.Height;
            int lines = fh >= 8 ? 2 : 1;
            for (int i = 0; i < lines; i++) _fb.FillRow(x * fw, y * fh + fh - lines + i, fw, fg);
            _fb.Update(x * fw, y * fh + fh - lines, fw, lines);
            _cursor = index;
        }
    }
}
