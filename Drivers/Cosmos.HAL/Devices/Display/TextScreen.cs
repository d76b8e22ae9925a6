using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.HAL.Devices.Display;

namespace Cosmos.HAL
{
    /// <summary>
    /// VGA text mode console (Cosmos API name): 16-bit cells (character in bits 0-7, attribute
    /// in bits 8-15: foreground bits 0-3, background bits 4-7) at 0xB8000, 80x25 by default;
    /// hardware cursor through the CRT controller (index 0x3D4, data 0x3D5; registers 0x0A/0x0B
    /// cursor shape, 0x0E/0x0F cursor location). <see cref="ConsoleColor"/> values 0-15 equal the
    /// VGA palette indices. Characters are translated to code page 437 ('?' when unmappable).
    /// '\n' goes to the start of the next line, '\r' to the start of the line, '\t' to the next
    /// multiple of 8, '\b' moves one cell left (non-destructive, like .NET's console; erase with
    /// "\b \b"); other control characters are ignored. Writing past the last row scrolls.
    /// A screen is a <see cref="Device"/> (class <see cref="DeviceClass.Display"/>, stage
    /// <see cref="DeviceStage.OnDemand"/>) that is started when constructed; the console registers the VGA one it
    /// draws on. Source: IBM VGA Technical Reference; OSDev wiki "Text UI", "Text Mode Cursor".
    /// </summary>
    public sealed unsafe class TextScreen : Device
    {
        /// <summary>Physical (= virtual) address of VGA colour text memory.</summary>
        public const ulong VgaTextAddress = 0xB8000;
        /// <summary>Tab stop distance in columns.</summary>
        public const int TabWidth = 8;

        private const ushort CrtcIndex = 0x3D4, CrtcData = 0x3D5;

        private static int s_available = -1;
        private static FramebufferKind s_kind;

        private readonly ushort* _buffer;
        private readonly bool _hardware;
        private int _row, _col;
        private byte _attr = 0x07;
        private bool _cursorVisible = true;

        /// <summary>Columns (80 in the standard mode).</summary>
        public int Cols { get; }
        /// <summary>Rows (25 in the standard mode).</summary>
        public int Rows { get; }

        /// <summary>
        /// The VGA text screen: geometry and address from an EGA-text framebuffer tag when the
        /// loader gave one, else 80x25 at 0xB8000. Turns off the blink attribute so background
        /// colours 8-15 are bright instead of blinking. Check <see cref="IsAvailable"/> first:
        /// on a graphics framebuffer nothing written here is visible.
        /// </summary>
        public TextScreen() : base("VGA text", DeviceClass.Display)
        {
            ulong addr = VgaTextAddress;
            int cols = 80, rows = 25;
            byte* tag = Multiboot2.FindTag(Multiboot2.TagFramebuffer);
            if (tag != null)
            {
                var span = new ReadOnlySpan<byte>(tag, (int)*(uint*)(tag + 4));
                if (ClassifyFramebufferTag(span) == FramebufferKind.EgaText)
                {
                    ulong a = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(8));
                    uint w = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(20));
                    uint h = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(24));
                    if (a >= 0x1000 && a < 0x1_0000_0000 && w >= 1 && w <= 256 && h >= 1 && h <= 256)
                    {
                        addr = a; cols = (int)w; rows = (int)h;
                    }
                }
            }
            _buffer = (ushort*)addr;
            Cols = cols; Rows = rows;
            _hardware = true;
            DisableBlink();
            UpdateCursor();
            MarkStarted();
        }

        /// <summary>
        /// A text screen over an arbitrary cell buffer of <paramref name="cols"/> x
        /// <paramref name="rows"/> cells (a back buffer, or a host test). No hardware cursor.
        /// </summary>
        /// <exception cref="ArgumentException">Null buffer or non-positive size.</exception>
        public TextScreen(ushort* buffer, int cols, int rows) : base("text buffer", DeviceClass.Display)
        {
            if (buffer == null || cols <= 0 || rows <= 0) throw new ArgumentException("TextScreen needs a buffer and a positive size");
            _buffer = buffer;
            Cols = cols; Rows = rows;
            _hardware = false;
            MarkStarted();
        }

        /// <summary>
        /// False when the Multiboot2 framebuffer tag (type 8) reports a graphics mode (type 0 or 1),
        /// or when there is no framebuffer tag but an EFI system table tag (type 11 or 12) shows a
        /// UEFI boot: VGA text memory is then not displayed and the console should use serial only.
        /// True with an EGA text tag, or with no tag on a BIOS boot.
        /// </summary>
        public static bool IsAvailable
        {
            get
            {
                if (s_available < 0)
                {
                    byte* tag = Multiboot2.FindTag(Multiboot2.TagFramebuffer);
                    if (tag != null) s_kind = ClassifyFramebufferTag(new ReadOnlySpan<byte>(tag, (int)*(uint*)(tag + 4)));
                    else s_kind = Multiboot2.FindTag(12) != null || Multiboot2.FindTag(11) != null ? FramebufferKind.NoTagUefi : FramebufferKind.NoTag;
                    s_available = s_kind == FramebufferKind.NoTag || s_kind == FramebufferKind.EgaText ? 1 : 0;
                }
                return s_available == 1;
            }
        }

        /// <summary>The framebuffer classification behind <see cref="IsAvailable"/>.</summary>
        public static FramebufferKind Framebuffer { get { _ = IsAvailable; return s_kind; } }

        /// <summary>
        /// Classifies a Multiboot2 framebuffer tag (header included): u32 type = 8, u32 size,
        /// u64 framebuffer_addr, u32 pitch, u32 width, u32 height, u8 bpp, u8 framebuffer_type
        /// (offset 29). Multiboot2 specification §3.6.12.
        /// </summary>
        public static FramebufferKind ClassifyFramebufferTag(ReadOnlySpan<byte> tag)
        {
            if (tag.Length < 30) return FramebufferKind.Unknown;
            if (BinaryPrimitives.ReadUInt32LittleEndian(tag) != 8) return FramebufferKind.Unknown;
            if (BinaryPrimitives.ReadUInt32LittleEndian(tag.Slice(4)) < 30) return FramebufferKind.Unknown;
            return tag[29] switch
            {
                0 => FramebufferKind.IndexedGraphics,
                1 => FramebufferKind.RgbGraphics,
                2 => FramebufferKind.EgaText,
                _ => FramebufferKind.Unknown,
            };
        }

        /// <summary>Cursor row, 0-based; setting clamps to the screen and moves the hardware cursor.</summary>
        public int Row { get => _row; set { _row = Clamp(value, Rows); UpdateCursor(); } }
        /// <summary>Cursor column, 0-based; setting clamps to the screen and moves the hardware cursor.</summary>
        public int Col { get => _col; set { _col = Clamp(value, Cols); UpdateCursor(); } }

        /// <summary>Foreground colour for subsequent writes.</summary>
        public ConsoleColor Foreground
        {
            get => (ConsoleColor)(_attr & 0x0F);
            set => _attr = (byte)((_attr & 0xF0) | ((int)value & 0x0F));
        }

        /// <summary>Background colour for subsequent writes.</summary>
        public ConsoleColor Background
        {
            get => (ConsoleColor)(_attr >> 4);
            set => _attr = (byte)((_attr & 0x0F) | (((int)value & 0x0F) << 4));
        }

        /// <summary>The attribute byte in use: background &lt;&lt; 4 | foreground.</summary>
        public byte Attribute { get => _attr; set => _attr = value; }

        /// <summary>Cosmos API: sets both colours.</summary>
        public void SetColors(ConsoleColor foreground, ConsoleColor background)
        {
            Foreground = foreground;
            Background = background;
        }

        /// <summary>Cosmos API: moves the cursor to column <paramref name="x"/>, row <paramref name="y"/> (clamped).</summary>
        public void SetCursorPos(int x, int y)
        {
            _col = Clamp(x, Cols);
            _row = Clamp(y, Rows);
            UpdateCursor();
        }

        /// <summary>The raw 16-bit cell (glyph | attribute &lt;&lt; 8) at column <paramref name="x"/>, row <paramref name="y"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Outside the screen.</exception>
        public ushort GetCell(int x, int y)
        {
            Check(x, y);
            return _buffer[y * Cols + x];
        }

        /// <summary>Stores a raw cell; does not move the cursor.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Outside the screen.</exception>
        public void SetCell(int x, int y, ushort cell)
        {
            Check(x, y);
            _buffer[y * Cols + x] = cell;
        }

        /// <summary>Cosmos API: the glyph (CP437 code as a char) at (x, y); setting writes with the current attribute.</summary>
        public char this[int x, int y]
        {
            get => (char)(GetCell(x, y) & 0xFF);
            set => SetCell(x, y, (ushort)(ToCodePage437(value) | (_attr << 8)));
        }

        /// <summary>Writes one character at the cursor and advances it (see the class summary for control characters).</summary>
        public void Write(char c)
        {
            Put(c);
            UpdateCursor();
        }

        /// <summary>Writes <paramref name="text"/> at the cursor (control characters as in <see cref="Write(char)"/>), moving the hardware cursor once at the end.</summary>
        public void Write(ReadOnlySpan<char> text)
        {
            for (int i = 0; i < text.Length; i++) Put(text[i]);
            UpdateCursor();
        }

        /// <summary>Writes a string (null writes nothing); the hardware cursor is updated once at the end.</summary>
        public void Write(string text)
        {
            if (text == null) return;
            for (int i = 0; i < text.Length; i++) Put(text[i]);
            UpdateCursor();
        }

        /// <summary>Writes <paramref name="text"/> and a newline.</summary>
        public void WriteLine(string text = null)
        {
            if (text != null) for (int i = 0; i < text.Length; i++) Put(text[i]);
            Put('\n');
            UpdateCursor();
        }

        /// <summary>Fills the screen with spaces in the current colours and homes the cursor.</summary>
        public void Clear()
        {
            ushort blank = (ushort)(' ' | (_attr << 8));
            int n = Cols * Rows;
            for (int i = 0; i < n; i++) _buffer[i] = blank;
            _row = 0; _col = 0;
            UpdateCursor();
        }

        /// <summary>
        /// How many times <see cref="ScrollUp"/> ran (wrapping): a renderer that mirrors the cells elsewhere (the framebuffer
        /// console) moves its pixels by the difference instead of redrawing every cell.
        /// </summary>
        public int ScrollCount { get; private set; }

        /// <summary>Moves every row up by one and blanks the last row with the current colours (the cursor does not move).</summary>
        public void ScrollUp()
        {
            ScrollCount++;
            int n = Cols * (Rows - 1);
            for (int i = 0; i < n; i++) _buffer[i] = _buffer[i + Cols];
            ushort blank = (ushort)(' ' | (_attr << 8));
            for (int i = n; i < n + Cols; i++) _buffer[i] = blank;
        }

        /// <summary>Shows or hides the hardware cursor (CRTC register 0x0A bit 5).</summary>
        public bool CursorVisible
        {
            get => _cursorVisible;
            set
            {
                _cursorVisible = value;
                if (_hardware) SetHardwareCursorShape(value);
            }
        }

        private void Put(char c)
        {
            switch (c)
            {
                case '\n': _col = 0; NewLine(); return;
                case '\r': _col = 0; return;
                case '\t':
                {
                    int next = (_col / TabWidth + 1) * TabWidth;
                    if (next >= Cols) { _col = 0; NewLine(); return; }
                    while (_col < next) PutGlyph((byte)' ');
                    return;
                }
                case '\b':
                    if (_col > 0) _col--;
                    else if (_row > 0) { _row--; _col = Cols - 1; }
                    return;
            }
            if (c < 0x20 || c == 0x7F) return;
            PutGlyph(ToCodePage437(c));
        }

        private void PutGlyph(byte glyph)
        {
            _buffer[_row * Cols + _col] = (ushort)(glyph | (_attr << 8));
            if (++_col >= Cols) { _col = 0; NewLine(); }
        }

        private void NewLine()
        {
            if (++_row >= Rows)
            {
                ScrollUp();
                _row = Rows - 1;
            }
        }

        private void UpdateCursor()
        {
            if (_hardware) SetHardwareCursor(_row * Cols + _col);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SetHardwareCursor(int position)
        {
            IOPort.Write8(CrtcIndex, 0x0F);
            IOPort.Write8(CrtcData, (byte)position);
            IOPort.Write8(CrtcIndex, 0x0E);
            IOPort.Write8(CrtcData, (byte)(position >> 8));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SetHardwareCursorShape(bool visible)
        {
            // Underline cursor: scan lines 14-15; bit 5 of register 0x0A disables the cursor.
            IOPort.Write8(CrtcIndex, 0x0A);
            IOPort.Write8(CrtcData, (byte)((IOPort.Read8(CrtcData) & 0xC0) | (visible ? 14 : 0x20)));
            IOPort.Write8(CrtcIndex, 0x0B);
            IOPort.Write8(CrtcData, (byte)((IOPort.Read8(CrtcData) & 0xE0) | 15));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void DisableBlink()
        {
            // Attribute controller mode register (index 0x10) bit 3 selects blink instead of bright
            // backgrounds. Reading 0x3DA resets the 0x3C0 index/data flip-flop; 0x20 keeps the palette on.
            IOPort.Read8(0x3DA);
            IOPort.Write8(0x3C0, 0x30);
            byte mode = IOPort.Read8(0x3C1);
            IOPort.Write8(0x3C0, (byte)(mode & ~0x08));
        }

        // Code page 437, bytes 0x80-0xFF.
        private const string Cp437High =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»" +
            "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
            "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00A0";

        /// <summary>The character code page 437 byte <paramref name="b"/> shows (bytes below 0x80 are ASCII; control codes come back unchanged).</summary>
        public static char FromCodePage437(byte b) => b < 0x80 ? (char)b : Cp437High[b - 0x80];

        /// <summary>The code page 437 byte that displays <paramref name="c"/>; '?' when there is none.</summary>
        public static byte ToCodePage437(char c)
        {
            if (c >= 0x20 && c < 0x7F) return (byte)c;
            if (c >= 0x80)
            {
                int i = Cp437High.IndexOf(c);
                if (i >= 0) return (byte)(0x80 + i);
                if (c == '\u03B2') return 0xE1; // Greek beta shares the glyph of sharp s
            }
            return (byte)'?';
        }

        private static int Clamp(int v, int size) => v < 0 ? 0 : v >= size ? size - 1 : v;

        private void Check(int x, int y)
        {
            if ((uint)x >= (uint)Cols || (uint)y >= (uint)Rows) throw new ArgumentOutOfRangeException(x < 0 || x >= Cols ? nameof(x) : nameof(y));
        }
    }
}
