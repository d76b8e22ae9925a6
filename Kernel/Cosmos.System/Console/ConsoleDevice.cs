using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>
    /// The kernel console behind System.Console (reached through the ConsolePal plug in Plugs/Cosmos.Plugs): output goes to the
    /// VGA text screen and to COM1 at the same time, input comes from the PS/2 keyboard and from COM1,
    /// whichever delivers first (polled; interrupts are not needed).
    /// </summary>
    /// <remarks>
    /// <para>Initialization is lazy: the first member used sets up COM1 (<see cref="SerialPort.Com1"/>)
    /// and the screen; the first input call also initializes the PS/2 keyboard unless someone already
    /// tried (<see cref="PS2Keyboard.IsPresent"/> / <see cref="PS2Keyboard.Error"/>). Nothing has to be
    /// called before the first Console use.</para>
    /// <para>Output: UTF-8 bytes are sent to COM1 unchanged except that '\n' becomes "\r\n"
    /// (<see cref="TranslateNewLineOnSerial"/>); for the screen they are decoded and shown in code page
    /// 437 ('?' when a character has no glyph). When the Multiboot2 framebuffer is a graphics mode
    /// (UEFI), VGA text memory is not visible: the console then keeps a shadow screen in memory and shows it on the
    /// boot loader's framebuffer with the built-in 8×16 font (<see cref="FramebufferConsole"/>: framebuffer width / 8 ×
    /// height / 16 cells, e.g. 128×48 at 1024×768), or, without a usable framebuffer, keeps an 80x25 shadow screen so
    /// cursor position, colours and window size still behave, and only COM1 is seen.</para>
    /// <para>Colours, Clear, cursor position/visibility and Title are mirrored on COM1 as ANSI/xterm
    /// control sequences while <see cref="AnsiOnSerial"/> is true (the default).</para>
    /// <para>Input: keys from the keyboard (<see cref="PS2Keyboard.TryReadKey"/>) and bytes from COM1
    /// decoded by <see cref="SerialKeyDecoder"/> (a lone ESC is resolved after
    /// <see cref="EscapeTimeoutMilliseconds"/>). <see cref="ReadLine"/> edits with <see cref="LineEditor"/>
    /// and echoes to both outputs.</para>
    /// </remarks>
    public static unsafe class ConsoleDevice
    {
        /// <summary>Columns and rows of the shadow screen used when neither VGA text mode nor a framebuffer is visible.</summary>
        public const int ShadowColumns = 80, ShadowRows = 25;

        private const ConsoleColor DefaultForeground = ConsoleColor.Gray, DefaultBackground = ConsoleColor.Black;
        private const int IdlePollsWithoutTsc = 50_000;

        private static bool s_initialized, s_inputInitialized;
        private static TextScreen s_screen;
        private static bool s_screenVisible;
        private static FramebufferConsole s_framebufferConsole;
        private static ushort[] s_shadowCells;
        private static SerialPort s_serial;
        private static byte s_lastSerialByte;
        private static readonly Utf8Decoder s_screenDecoder = new Utf8Decoder();
        private static readonly SerialKeyDecoder s_serialKeys = new SerialKeyDecoder();
        private static ulong s_lastSerialInputTsc;
        private static int s_idlePolls;
        private static LineEditor s_editor;
        private static EchoBuffer s_echo;
        private static string s_title = "";
        private static Endpoint s_endpoint;
        private static Encoding s_encoding;

        /// <summary>Send ANSI/xterm sequences to COM1 for colours, Clear, cursor moves, cursor visibility and Title. Default true.</summary>
        public static bool AnsiOnSerial { get; set; } = true;

        /// <summary>Send "\r\n" to COM1 for every '\n' not already preceded by '\r' (serial terminals need the CR). Default true.</summary>
        public static bool TranslateNewLineOnSerial { get; set; } = true;

        /// <summary>Echo what is typed during <see cref="ReadLine"/> (false for passwords). Default true.</summary>
        public static bool EchoInput { get; set; } = true;

        /// <summary>How long a lone ESC from COM1 waits for the rest of an escape sequence before it counts as the Escape key. Default 50 ms.</summary>
        public static int EscapeTimeoutMilliseconds { get; set; } = 50;

        /// <summary>The screen the console draws on: the VGA text screen, or the in-memory shadow screen when VGA is not visible (shown on the framebuffer when there is one).</summary>
        public static TextScreen Screen { get { EnsureInitialized(); return s_screen; } }

        /// <summary>True when <see cref="Screen"/> is seen: the VGA text screen, or the shadow screen shown by <see cref="FramebufferConsole"/>.</summary>
        public static bool ScreenVisible { get { EnsureInitialized(); return s_screenVisible; } }

        /// <summary>COM1 (check <see cref="SerialPort.IsPresent"/>: without a UART serial output is dropped and no serial input arrives).</summary>
        public static SerialPort Serial { get { EnsureInitialized(); return s_serial; } }

        /// <summary>The line editor of <see cref="ReadLine"/> (its history survives between lines).</summary>
        public static LineEditor LineEditor { get { EnsureInitialized(); return s_editor; } }

        /// <summary>
        /// Makes the console draw on <paramref name="screen"/> (for a kernel that already created its
        /// own <see cref="TextScreen"/>): its cursor and colours are kept. Call before the first Console
        /// output, or at any time to switch screens.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="screen"/> is null.</exception>
        public static void Attach(TextScreen screen, bool visible = true)
        {
            if (screen == null) throw new ArgumentNullException(nameof(screen));
            s_screen = screen;
            s_screenVisible = visible;
            s_framebufferConsole = null;     // the caller's screen is shown by the caller
            EnsureInitialized();
        }

        /// <summary>Sets up COM1 and the screen if that has not happened yet (every member calls it).</summary>
        public static void EnsureInitialized()
        {
            if (s_initialized) return;
            s_initialized = true;
            s_serial = SerialPort.Com1;
            s_editor = new LineEditor();
            s_echo = new EchoBuffer();
            s_endpoint = new Endpoint();
            s_encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            if (s_screen == null)
            {
                if (TextScreen.IsAvailable)
                {
                    s_screen = new TextScreen();
                    s_screenVisible = true;
                    // The VGA screen is a device: list it (not from an interrupt handler, where registering is a panic).
                    if (DeviceRegistry.Find(s_screen.Name) == null && Cosmos.Core.Interrupts.InterruptDispatcher.Depth == 0)
                        DeviceRegistry.Register(s_screen);
                }
                else
                {
                    // No VGA text: draw on the boot loader's framebuffer when there is one (UEFI GOP, a VBE mode).
                    s_framebufferConsole = TryCreateFramebufferConsole();
                    int cols = s_framebufferConsole?.Columns ?? ShadowColumns, rows = s_framebufferConsole?.Rows ?? ShadowRows;
                    // Pinned: TextScreen keeps a raw pointer to its cells.
                    s_shadowCells = GC.AllocateArray<ushort>(cols * rows, pinned: true);
                    ushort* cells = (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_shadowCells));
                    s_screen = new TextScreen(cells, cols, rows);
                    s_screenVisible = s_framebufferConsole != null;
                }
                s_screen.SetColors(DefaultForeground, DefaultBackground);
                s_screen.Clear();
                Refresh();
            }
        }

        /// <summary>
        /// The framebuffer text console in use (when VGA text mode is not visible and the boot loader left a linear
        /// framebuffer), or null.
        /// </summary>
        public static FramebufferConsole FramebufferConsole { get { EnsureInitialized(); return s_framebufferConsole; } }

        /// <summary>
        /// Starts the Multiboot2 framebuffer (not from an interrupt handler: starting a device there is a panic) and puts
        /// a console with the built-in font on it; null when there is none or it cannot be used (the reason is the
        /// device's <see cref="Device.StartError"/>).
        /// </summary>
        private static FramebufferConsole TryCreateFramebufferConsole()
        {
            if (Cosmos.Core.Interrupts.InterruptDispatcher.Depth != 0) return null;
            var fb = Cosmos.HAL.Devices.Graphics.Multiboot2Framebuffer.Instance;
            if (!fb.Start()) return null;
            if (!fb.IsRegistered) DeviceRegistry.Register(fb);
            try { return new FramebufferConsole(fb, Cosmos.System.Graphics.Fonts.PCScreenFont.Default); }
            catch (ArgumentException) { return null; }
        }

        /// <summary>
        /// Brings the framebuffer console up to date with the screen's cells (nothing without one). Paused while a
        /// full-screen canvas owns the screen; everything is redrawn once it is released.
        /// </summary>
        public static void Refresh()
        {
            FramebufferConsole c = s_framebufferConsole;
            if (c == null) return;
            c.Enabled = !Cosmos.System.Graphics.FullScreenCanvas.IsInUse && c.Framebuffer.IsStarted;
            c.Render(s_screen);
        }

        // ------------------------------------------------------------------ output

        /// <summary>Writes UTF-8 bytes to COM1 and the screen. A character split across calls is joined.</summary>
        public static void Write(ReadOnlySpan<byte> utf8)
        {
            EnsureInitialized();
            SerialPort serial = s_serial;
            if (serial.IsPresent)
            {
                byte last = s_lastSerialByte;
                for (int i = 0; i < utf8.Length; i++)
                {
                    byte b = utf8[i];
                    if (b == (byte)'\n' && last != (byte)'\r' && TranslateNewLineOnSerial) serial.Write((byte)'\r');
                    serial.Write(b);
                    last = b;
                }
                s_lastSerialByte = last;
            }
            TextScreen screen = s_screen;
            Span<int> scalars = stackalloc int[2];
            Span<char> chars = stackalloc char[128];
            int pending = 0;
            for (int i = 0; i < utf8.Length; i++)
            {
                int n = s_screenDecoder.Push(utf8[i], scalars);
                for (int k = 0; k < n; k++)
                {
                    if (pending == chars.Length) { screen.Write((ReadOnlySpan<char>)chars); pending = 0; }
                    chars[pending++] = scalars[k] < 0x10000 ? (char)scalars[k] : '?';
                }
            }
            if (pending > 0) screen.Write((ReadOnlySpan<char>)chars.Slice(0, pending));
            Refresh();
        }

        /// <summary>Writes text (UTF-16; surrogate pairs are joined, lone surrogates become U+FFFD) to COM1 and the screen.</summary>
        public static void Write(ReadOnlySpan<char> text)
        {
            Span<byte> chunk = stackalloc byte[256];
            int used = 0;
            for (int i = 0; i < text.Length; i++)
            {
                int scalar = text[i];
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    scalar = char.ConvertToUtf32(text[i], text[i + 1]);
                    i++;
                }
                if (used > chunk.Length - 4)
                {
                    Write((ReadOnlySpan<byte>)chunk.Slice(0, used));
                    used = 0;
                }
                used += SerialPort.EncodeUtf8Scalar(scalar, chunk.Slice(used));
            }
            if (used > 0) Write((ReadOnlySpan<byte>)chunk.Slice(0, used));
        }

        /// <summary>Writes <paramref name="text"/> (null writes nothing).</summary>
        public static void Write(string text)
        {
            if (text != null) Write(text.AsSpan());
        }

        /// <summary>Foreground colour of what is written next.</summary>
        /// <exception cref="ArgumentException">Not a ConsoleColor (0-15).</exception>
        public static ConsoleColor ForegroundColor
        {
            get { EnsureInitialized(); return s_screen.Foreground; }
            set { SetColor(value, background: false); }
        }

        /// <summary>Background colour of what is written next (and of cleared cells).</summary>
        /// <exception cref="ArgumentException">Not a ConsoleColor (0-15).</exception>
        public static ConsoleColor BackgroundColor
        {
            get { EnsureInitialized(); return s_screen.Background; }
            set { SetColor(value, background: true); }
        }

        /// <summary>Back to grey on black (VGA) and the terminal's default attributes (COM1).</summary>
        public static void ResetColor()
        {
            EnsureInitialized();
            s_screen.SetColors(DefaultForeground, DefaultBackground);
            SerialControl(AnsiEscapes.ResetAttributes);
        }

        /// <summary>Fills the screen with spaces in the current colours, homes the cursor, and clears the serial terminal.</summary>
        public static void Clear()
        {
            EnsureInitialized();
            s_screen.Clear();
            Refresh();
            SerialControl(AnsiEscapes.ClearScreen);
        }

        /// <summary>Cursor column (0-based).</summary>
        public static int CursorLeft { get { EnsureInitialized(); return s_screen.Col; } }

        /// <summary>Cursor row (0-based).</summary>
        public static int CursorTop { get { EnsureInitialized(); return s_screen.Row; } }

        /// <summary>The cursor position (column, row).</summary>
        public static (int Left, int Top) GetCursorPosition()
        {
            EnsureInitialized();
            return (s_screen.Col, s_screen.Row);
        }

        /// <summary>Moves the cursor on the screen and on the serial terminal.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The position is outside the screen.</exception>
        public static void SetCursorPosition(int left, int top)
        {
            EnsureInitialized();
            if ((uint)left >= (uint)s_screen.Cols)
                throw new ArgumentOutOfRangeException(nameof(left), left, "The value must be at least 0 and less than the console width (" + s_screen.Cols + ").");
            if ((uint)top >= (uint)s_screen.Rows)
                throw new ArgumentOutOfRangeException(nameof(top), top, "The value must be at least 0 and less than the console height (" + s_screen.Rows + ").");
            s_screen.SetCursorPos(left, top);
            Refresh();
            if (AnsiOnSerial && s_serial.IsPresent)
            {
                Span<byte> seq = stackalloc byte[AnsiEscapes.MaxLength];
                s_serial.Write(seq.Slice(0, AnsiEscapes.FormatCursorPosition(seq, left, top)));
            }
        }

        /// <summary>Whether the cursor is shown (VGA hardware cursor; DECTCEM on COM1).</summary>
        public static bool CursorVisible
        {
            get { EnsureInitialized(); return s_screen.CursorVisible; }
            set
            {
                EnsureInitialized();
                s_screen.CursorVisible = value;
                Refresh();
                SerialControl(value ? AnsiEscapes.ShowCursor : AnsiEscapes.HideCursor);
            }
        }

        /// <summary>Screen width in columns (also the buffer width: there is no scroll-back buffer).</summary>
        public static int WindowWidth { get { EnsureInitialized(); return s_screen.Cols; } }

        /// <summary>Screen height in rows (also the buffer height).</summary>
        public static int WindowHeight { get { EnsureInitialized(); return s_screen.Rows; } }

        /// <summary>The console title; setting it also sends the xterm "set title" command to COM1.</summary>
        /// <exception cref="ArgumentNullException">Setting null.</exception>
        public static string Title
        {
            get => s_title;
            set
            {
                if (value == null) throw new ArgumentNullException(nameof(value));
                EnsureInitialized();
                s_title = value;
                if (!AnsiOnSerial || !s_serial.IsPresent) return;
                s_serial.Write(AnsiEscapes.TitlePrefix);
                for (int i = 0; i < value.Length; i++)
                    if (value[i] >= ' ' && value[i] != '\u007f') s_serial.Write(value[i]);
                s_serial.Write(AnsiEscapes.Bell);
            }
        }

        /// <summary>BEL to the serial terminal, and an 800 Hz, 200 ms tone on the PC speaker.</summary>
        public static void Beep()
        {
            EnsureInitialized();
            s_serial.Write(AnsiEscapes.Bell);
            Beep(800, 200);
        }

        /// <summary>
        /// A tone of <paramref name="frequency"/> Hz for <paramref name="duration"/> ms on the PC speaker
        /// (PIT channel 2 in square-wave mode, gated through port 0x61). Busy-waits on the TSC, which is
        /// calibrated first if nobody did.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Frequency outside 37..32767 Hz or duration not positive.</exception>
        public static void Beep(int frequency, int duration)
        {
            if (frequency < 37 || frequency > 32767)
                throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The frequency must be between 37 and 32767 Hz.");
            if (duration <= 0)
                throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must be positive.");
            if (!TSC.IsCalibrated) TSC.Calibrate(); // uses channel 2 itself, so before the tone starts
            ushort divisor = PIT.DivisorForFrequency((uint)frequency);
            IOPort.Write8(0x43, 0xB6); // channel 2, lobyte/hibyte, mode 3 (square wave), binary
            IOPort.Write8(0x42, (byte)divisor);
            IOPort.Write8(0x42, (byte)(divisor >> 8));
            byte gate = IOPort.Read8(0x61);
            IOPort.Write8(0x61, (byte)(gate | 0x03));
            TSC.WaitUs((ulong)duration * 1000);
            IOPort.Write8(0x61, (byte)(gate & 0xFC));
        }

        /// <summary>
        /// Copies a rectangle of the screen to another place and fills the vacated source cells with
        /// <paramref name="sourceChar"/> in the given colours (Console.MoveBufferArea). The rectangles are
        /// clipped to the screen. Only the screen changes: a serial terminal cannot copy cells.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A coordinate is outside the screen or a size is negative.</exception>
        /// <exception cref="ArgumentException">A colour is not a ConsoleColor.</exception>
        public static void MoveBufferArea(int sourceLeft, int sourceTop, int sourceWidth, int sourceHeight, int targetLeft, int targetTop,
                                          char sourceChar, ConsoleColor sourceForeColor, ConsoleColor sourceBackColor)
        {
            EnsureInitialized();
            TextScreen s = s_screen;
            if (sourceWidth < 0) throw new ArgumentOutOfRangeException(nameof(sourceWidth), sourceWidth, "The size must not be negative.");
            if (sourceHeight < 0) throw new ArgumentOutOfRangeException(nameof(sourceHeight), sourceHeight, "The size must not be negative.");
            if ((uint)sourceLeft >= (uint)s.Cols) throw new ArgumentOutOfRangeException(nameof(sourceLeft), sourceLeft, "Outside the console buffer.");
            if ((uint)sourceTop >= (uint)s.Rows) throw new ArgumentOutOfRangeException(nameof(sourceTop), sourceTop, "Outside the console buffer.");
            if ((uint)targetLeft >= (uint)s.Cols) throw new ArgumentOutOfRangeException(nameof(targetLeft), targetLeft, "Outside the console buffer.");
            if ((uint)targetTop >= (uint)s.Rows) throw new ArgumentOutOfRangeException(nameof(targetTop), targetTop, "Outside the console buffer.");
            if ((uint)sourceForeColor > 15) throw new ArgumentException("not a ConsoleColor value", nameof(sourceForeColor));
            if ((uint)sourceBackColor > 15) throw new ArgumentException("not a ConsoleColor value", nameof(sourceBackColor));
            int w = Math.Min(sourceWidth, s.Cols - sourceLeft);
            int h = Math.Min(sourceHeight, s.Rows - sourceTop);
            if (w == 0 || h == 0) return;

            var saved = new ushort[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    saved[y * w + x] = s.GetCell(sourceLeft + x, sourceTop + y);
            ushort blank = (ushort)(TextScreen.ToCodePage437(sourceChar) | ((((int)sourceBackColor << 4) | (int)sourceForeColor) << 8));
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    s.SetCell(sourceLeft + x, sourceTop + y, blank);
            for (int y = 0; y < h && targetTop + y < s.Rows; y++)
                for (int x = 0; x < w && targetLeft + x < s.Cols; x++)
                    s.SetCell(targetLeft + x, targetTop + y, saved[y * w + x]);
            Refresh();
        }

        // ------------------------------------------------------------------ input

        /// <summary>Caps Lock state of the PS/2 keyboard.</summary>
        public static bool CapsLock => PS2Keyboard.Decoder.CapsLock;

        /// <summary>Num Lock state of the PS/2 keyboard.</summary>
        public static bool NumberLock => PS2Keyboard.Decoder.NumLock;

        /// <summary>True when a key is waiting (from either source); never blocks.</summary>
        public static bool KeyAvailable
        {
            get
            {
                EnsureInputInitialized();
                if (s_pendingKeyCount > 0 || s_serialKeys.Count > 0) return true;
                if (PS2Keyboard.TryReadKey(out ConsoleKeyInfo key))
                {
                    Requeue(key);
                    return true;
                }
                PollSerial();
                return s_serialKeys.Count > 0;
            }
        }

        /// <summary>Takes a key if one is waiting: first keys already decoded, then the keyboard, then COM1. Never blocks.</summary>
        public static bool TryReadKey(out ConsoleKeyInfo key)
        {
            EnsureInputInitialized();
            if (s_pendingKeyCount > 0) { key = s_pendingKeys[0]; ShiftPending(); return true; }
            if (s_serialKeys.TryDequeue(out key)) return true;
            if (PS2Keyboard.TryReadKey(out key)) return true;
            PollSerial();
            return s_serialKeys.TryDequeue(out key);
        }

        /// <summary>
        /// Waits for a key. Unless <paramref name="intercept"/>, its character is echoed (Enter as a
        /// new line; keys without a printable character are not echoed). Ctrl+C is returned as a key:
        /// there is no process to interrupt.
        /// </summary>
        public static ConsoleKeyInfo ReadKey(bool intercept)
        {
            ConsoleKeyInfo key = WaitKey();
            if (!intercept)
            {
                char c = key.KeyChar;
                if (key.Key == ConsoleKey.Enter || c == '\r' || c == '\n') Write("\n");
                else if (c == '\t' || (c >= ' ' && c != '\u007f')) Write(new ReadOnlySpan<char>(in c));
            }
            return key;
        }

        /// <summary>
        /// Reads one line with echo and editing (see <see cref="LineEditor"/>). Returns the line without
        /// its end, "" when Ctrl+C abandoned it, or null at end of input (Ctrl+D on an empty line).
        /// </summary>
        public static string ReadLine()
        {
            EnsureInitialized();
            LineEditor editor = s_editor;
            EchoBuffer echo = s_echo;
            editor.Begin();
            while (true)
            {
                ConsoleKeyInfo key = WaitKey();
                echo.Clear();
                LineEditStatus status = editor.Process(key, echo);
                if (echo.Length > 0)
                {
                    if (EchoInput) Write(echo.AsSpan());
                    else if (status != LineEditStatus.Editing) Write("\n");
                }
                switch (status)
                {
                    case LineEditStatus.Completed: return editor.Text;
                    case LineEditStatus.Cancelled: return "";
                    case LineEditStatus.EndOfInput: return null;
                }
            }
        }

        // ------------------------------------------------------------------ BCL objects

        /// <summary>UTF-8 without a byte order mark: the encoding of both console directions.</summary>
        public static Encoding Encoding { get { EnsureInitialized(); return s_encoding; } }

        /// <summary>Checks that <paramref name="encoding"/> produces bytes the console understands (UTF-8, or ASCII as its subset).</summary>
        /// <exception cref="PlatformNotSupportedException">Any other encoding; the message names <paramref name="member"/>.</exception>
        public static void CheckEncoding(Encoding encoding, string member)
        {
            if (encoding == null) throw new ArgumentNullException(nameof(encoding));
            int cp = encoding.CodePage;
            if (cp == 65001 || cp == 20127) return;
            throw new PlatformNotSupportedException(
                "CosmosOS: " + member + " supports UTF-8 only (ASCII is accepted as its subset); code page " + cp + " is not supported.");
        }

        /// <summary>A new write-only stream to the console (stdout and stderr both end here).</summary>
        public static Stream OpenOutputStream()
        {
            EnsureInitialized();
            return new ConsoleOutputStream(s_endpoint);
        }

        /// <summary>A new read-only stream of edited input lines (UTF-8, each ending in '\n').</summary>
        public static Stream OpenInputStream()
        {
            EnsureInitialized();
            return new ConsoleInputStream(s_endpoint);
        }

        /// <summary>A new reader of edited input lines (Console.In wraps it in a synchronized reader).</summary>
        public static TextReader CreateReader()
        {
            EnsureInitialized();
            return new ConsoleLineReader(s_endpoint);
        }

        // ------------------------------------------------------------------ helpers

        private static readonly ConsoleKeyInfo[] s_pendingKeys = new ConsoleKeyInfo[4];
        private static int s_pendingKeyCount;

        private static void Requeue(ConsoleKeyInfo key)
        {
            if (s_pendingKeyCount < s_pendingKeys.Length) s_pendingKeys[s_pendingKeyCount++] = key;
        }

        private static void ShiftPending()
        {
            for (int i = 1; i < s_pendingKeyCount; i++) s_pendingKeys[i - 1] = s_pendingKeys[i];
            s_pendingKeyCount--;
        }

        private static ConsoleKeyInfo WaitKey()
        {
            ConsoleKeyInfo key;
            while (!TryReadKey(out key)) WaitForInput();
            s_lastKeyTsc = Native.Rdtsc();
            return key;
        }

        /// <summary>TSC at the last key <see cref="WaitKey"/> returned.</summary>
        private static ulong s_lastKeyTsc;

        /// <summary>How long after a key the reader polls every scheduler tick (typed or pasted text arrives in bursts), in ms.</summary>
        private const int BurstMs = 100;

        /// <summary>How often an idle reader polls the keyboard and COM1 (ms): keys are polled, not interrupt-driven, and a
        /// poll every tick would keep the scheduler's tick running while the machine idles at the prompt.</summary>
        private const int IdlePollMs = 10;

        /// <summary>
        /// Nothing typed yet: sleeps until the next scheduler tick (about 1 ms) within <see cref="BurstMs"/> of the last
        /// key, else for <see cref="IdlePollMs"/>, so that other threads, lower priorities included, get the processor
        /// while the reader waits and an idle machine lets the tick stop; spins on PAUSE when no scheduler tick runs.
        /// </summary>
        private static void WaitForInput()
        {
            ulong hz = Cosmos.Core.Threading.Scheduler.TscHz;
            if (Cosmos.Core.Threading.Scheduler.IsInitialized && Cosmos.Core.Threading.Scheduler.TickHz != 0 && hz != 0)
            {
                ulong now = Native.Rdtsc();
                bool burst = now - s_lastKeyTsc < hz / 1000 * BurstMs;
                Cosmos.Core.Threading.Scheduler.SleepUntil(now + (burst ? hz / Cosmos.Core.Threading.Scheduler.TickHz : hz / 1000 * IdlePollMs));
            }
            else Native.Pause();
        }

        private static void EnsureInputInitialized()
        {
            EnsureInitialized();
            if (s_inputInitialized) return;
            s_inputInitialized = true;
            if (!PS2Keyboard.IsPresent && PS2Keyboard.Error == null) PS2Keyboard.Initialize();
        }

        /// <summary>Moves received COM1 bytes into the key decoder; resolves a lone ESC after the timeout.</summary>
        private static void PollSerial()
        {
            SerialPort serial = s_serial;
            bool got = false;
            while (s_serialKeys.HasRoom && serial.TryRead(out byte b))
            {
                s_serialKeys.Feed(b);
                got = true;
            }
            if (got || !s_serialKeys.IsPending)
            {
                s_lastSerialInputTsc = Native.Rdtsc();
                s_idlePolls = 0;
                return;
            }
            if (!s_serialKeys.HasRoom) return;
            bool expired;
            if (TSC.IsCalibrated)
                expired = Native.Rdtsc() - s_lastSerialInputTsc >= TSC.Frequency / 1000 * (ulong)Math.Max(EscapeTimeoutMilliseconds, 1);
            else
                expired = ++s_idlePolls >= IdlePollsWithoutTsc;
            if (expired)
            {
                s_serialKeys.Flush();
                s_idlePolls = 0;
            }
        }

        private static void SetColor(ConsoleColor color, bool background)
        {
            if ((uint)color > 15) throw new ArgumentException("not a ConsoleColor value (0-15)", background ? "BackgroundColor" : "ForegroundColor");
            EnsureInitialized();
            if (background) s_screen.Background = color;
            else s_screen.Foreground = color;
            if (AnsiOnSerial && s_serial.IsPresent)
            {
                Span<byte> seq = stackalloc byte[AnsiEscapes.MaxLength];
                s_serial.Write(seq.Slice(0, AnsiEscapes.FormatColor(seq, color, background)));
            }
        }

        private static void SerialControl(ReadOnlySpan<byte> sequence)
        {
            if (AnsiOnSerial && s_serial.IsPresent) s_serial.Write(sequence);
        }

        /// <summary>Connects the BCL-facing streams and reader to the device.</summary>
        private sealed class Endpoint : IConsoleOutput, IConsoleLineSource
        {
            public void Write(ReadOnlySpan<byte> utf8) => ConsoleDevice.Write(utf8);
            public string ReadLine() => ConsoleDevice.ReadLine();
        }
    }
}
