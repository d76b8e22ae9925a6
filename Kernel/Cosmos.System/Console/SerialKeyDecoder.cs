using System;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>
    /// Turns the bytes a serial terminal sends (VT100/xterm conventions, UTF-8 text) into
    /// <see cref="ConsoleKeyInfo"/> values, matching what <c>Cosmos.HAL.Devices.Input.ScanCodeSet1Decoder</c>
    /// produces for the same keys on a PS/2 keyboard. Pure state machine: no I/O, host-testable.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Printable ASCII: the character with its US-layout <see cref="ConsoleKey"/> (upper-case
    /// letters and shifted symbols carry Shift).</item>
    /// <item>CR or LF: Enter (KeyChar '\r'); LF right after CR is swallowed, so CRLF is one Enter.
    /// NUL is ignored (telnet sends CR NUL).</item>
    /// <item>DEL (0x7F) and BS (0x08): Backspace ('\b'). TAB: Tab.</item>
    /// <item>Other C0 controls: Ctrl+letter (0x01 = Ctrl+A ... 0x1A = Ctrl+Z, KeyChar = the control
    /// code), 0x1C-0x1F as Ctrl+\ ] ^ _.</item>
    /// <item>ESC [ … and ESC O … (CSI/SS3): arrows A/B/C/D, Home/End (H/F, 1~/7~, 4~/8~), Insert 2~,
    /// Delete 3~, PageUp 5~, PageDown 6~, F1-F4 (SS3 P-S, CSI 11~-14~), F5-F12 (15~ … 24~),
    /// Shift+Tab (CSI Z), Linux-console F1-F5 (ESC [ [ A-E), keypad Enter (SS3 M). A modifier
    /// parameter (ESC [ 1 ; m X, m = 1 + Shift(1) + Alt(2) + Ctrl(4)) sets the modifiers.
    /// Unknown sequences are dropped whole.</item>
    /// <item>ESC followed by a printable character or DEL: Alt+that key.</item>
    /// <item>Bytes ≥ 0x80: UTF-8 (<see cref="Utf8Decoder"/>); each resulting UTF-16 unit is a key
    /// with <see cref="ConsoleKey"/> 0, as .NET does for characters without a key.</item>
    /// </list>
    /// A lone ESC is ambiguous until more bytes come or none do: while <see cref="IsPending"/> the
    /// caller waits a little and then calls <see cref="Flush"/>, which turns what is held into keys
    /// (ESC alone = Escape).
    /// </remarks>
    public sealed class SerialKeyDecoder
    {
        private enum State { Ground, Escape, Csi, CsiBracket, Ss3 }

        private const int QueueCapacity = 64;
        private const int MaxSequence = 16;
        private const int MaxParams = 4;

        // US layout: the unshifted and shifted symbol of each non-letter key, and that key.
        private const string Unshifted = "`1234567890-=[]\\;',./ ";
        private const string Shifted = "~!@#$%^&*()_+{}|:\"<>?";
        private static readonly ConsoleKey[] SymbolKeys =
        {
            ConsoleKey.Oem3, ConsoleKey.D1, ConsoleKey.D2, ConsoleKey.D3, ConsoleKey.D4, ConsoleKey.D5,
            ConsoleKey.D6, ConsoleKey.D7, ConsoleKey.D8, ConsoleKey.D9, ConsoleKey.D0, ConsoleKey.OemMinus,
            ConsoleKey.OemPlus, ConsoleKey.Oem4, ConsoleKey.Oem6, ConsoleKey.Oem5, ConsoleKey.Oem1, ConsoleKey.Oem7,
            ConsoleKey.OemComma, ConsoleKey.OemPeriod, ConsoleKey.Oem2, ConsoleKey.Spacebar,
        };

        private readonly ConsoleKeyInfo[] _queue = new ConsoleKeyInfo[QueueCapacity];
        private int _head, _count;
        private readonly Utf8Decoder _utf8 = new Utf8Decoder();
        private State _state;
        private bool _afterCr;
        private readonly byte[] _seq = new byte[MaxSequence]; // bytes of the pending ESC sequence after ESC
        private int _seqLength;
        private readonly int[] _params = new int[MaxParams];
        private int _paramCount;
        private bool _paramStarted, _privateMarker;

        /// <summary>True while bytes are held that do not yet form a key (ESC sequence or UTF-8 character).</summary>
        public bool IsPending => _state != State.Ground || _utf8.IsPending;

        /// <summary>Decoded keys waiting in the queue.</summary>
        public int Count => _count;

        /// <summary>Most keys the queue holds; beyond that keys are dropped (<see cref="DroppedKeys"/>).</summary>
        public const int Capacity = QueueCapacity;

        /// <summary>Most keys one <see cref="Feed"/> or <see cref="Flush"/> call can add (a cut-off escape sequence replayed as keys).</summary>
        public const int MaxKeysPerCall = MaxSequence + 2;

        /// <summary>True when the queue has room for whatever the next <see cref="Feed"/> or <see cref="Flush"/> may produce.</summary>
        public bool HasRoom => _count <= QueueCapacity - MaxKeysPerCall;

        /// <summary>Keys dropped because the queue (64 keys) was full.</summary>
        public int DroppedKeys { get; private set; }

        /// <summary>Drops held bytes and queued keys.</summary>
        public void Reset()
        {
            _head = _count = 0;
            _utf8.Reset();
            _state = State.Ground;
            _afterCr = false;
            _seqLength = 0;
        }

        /// <summary>Takes the oldest decoded key.</summary>
        public bool TryDequeue(out ConsoleKeyInfo key)
        {
            if (_count == 0) { key = default; return false; }
            key = _queue[_head];
            _head = (_head + 1) % QueueCapacity;
            _count--;
            return true;
        }

        /// <summary>Feeds one received byte; completed keys are queued.</summary>
        public void Feed(byte b)
        {
            switch (_state)
            {
                case State.Ground: Ground(b); return;
                case State.Escape: AfterEscape(b); return;
                case State.Csi: InCsi(b); return;
                case State.CsiBracket: InCsiBracket(b); return;
                case State.Ss3: InSs3(b); return;
            }
        }

        /// <summary>
        /// No more bytes are coming soon: turns held bytes into keys. ESC alone becomes Escape,
        /// ESC [ or ESC O alone become Alt+[ / Alt+O, a cut-off sequence becomes Escape followed
        /// by its characters, an incomplete UTF-8 character becomes U+FFFD.
        /// </summary>
        public void Flush()
        {
            int r = _utf8.Flush();
            if (r >= 0) Emit((char)r, 0, false, false, false);
            State s = _state;
            _state = State.Ground;
            if (s == State.Ground) return;
            if (s == State.Escape) { Emit('\u001b', ConsoleKey.Escape, false, false, false); return; }
            if (_seqLength == 1) { EmitPrintable((char)_seq[0], alt: true); return; }
            Emit('\u001b', ConsoleKey.Escape, false, false, false);
            for (int i = 0; i < _seqLength; i++) EmitPrintable((char)_seq[i], alt: false);
        }

        /// <summary>
        /// The US-layout key for printable ASCII <paramref name="c"/> (0x20-0x7E) and whether Shift
        /// produces it. False for anything else.
        /// </summary>
        public static bool TryMapAscii(char c, out ConsoleKey key, out bool shift)
        {
            shift = false;
            key = 0;
            if (c >= 'a' && c <= 'z') { key = ConsoleKey.A + (c - 'a'); return true; }
            if (c >= 'A' && c <= 'Z') { key = ConsoleKey.A + (c - 'A'); shift = true; return true; }
            int i = Unshifted.IndexOf(c);
            if (i >= 0) { key = SymbolKeys[i]; return true; }
            i = Shifted.IndexOf(c);
            if (i >= 0) { key = SymbolKeys[i]; shift = true; return true; }
            return false;
        }

        private void Ground(byte b)
        {
            if (b >= 0x80)
            {
                _afterCr = false;
                Span<int> scalars = stackalloc int[2];
                int n = _utf8.Push(b, scalars);
                for (int i = 0; i < n; i++) EmitScalar(scalars[i]);
                return;
            }
            if (_utf8.IsPending) EmitScalar(_utf8.Flush()); // ASCII cuts a UTF-8 character short

            if (b == 0x00) return;
            bool afterCr = _afterCr;
            _afterCr = false;
            switch (b)
            {
                case 0x0D:
                    _afterCr = true;
                    Emit('\r', ConsoleKey.Enter, false, false, false);
                    return;
                case 0x0A:
                    if (!afterCr) Emit('\r', ConsoleKey.Enter, false, false, false);
                    return;
                case 0x08:
                case 0x7F:
                    Emit('\b', ConsoleKey.Backspace, false, false, false);
                    return;
                case 0x09:
                    Emit('\t', ConsoleKey.Tab, false, false, false);
                    return;
                case 0x1B:
                    _state = State.Escape;
                    _seqLength = 0;
                    return;
                case 0x1C: Emit((char)b, ConsoleKey.Oem5, false, false, true); return;
                case 0x1D: Emit((char)b, ConsoleKey.Oem6, false, false, true); return;
                case 0x1E: Emit((char)b, ConsoleKey.D6, true, false, true); return;
                case 0x1F: Emit((char)b, ConsoleKey.OemMinus, true, false, true); return;
            }
            if (b < 0x20) { Emit((char)b, ConsoleKey.A + (b - 1), false, false, true); return; }
            EmitPrintable((char)b, alt: false);
        }

        private void AfterEscape(byte b)
        {
            switch (b)
            {
                case (byte)'[':
                    _state = State.Csi;
                    _seq[0] = b; _seqLength = 1;
                    _paramCount = 0; _paramStarted = false; _privateMarker = false;
                    for (int i = 0; i < MaxParams; i++) _params[i] = 0;
                    return;
                case (byte)'O':
                    _state = State.Ss3;
                    _seq[0] = b; _seqLength = 1;
                    return;
                case 0x1B:
                    Emit('\u001b', ConsoleKey.Escape, false, false, false); // ESC ESC: the first is a key
                    return;
                case 0x7F:
                case 0x08:
                    _state = State.Ground;
                    Emit('\b', ConsoleKey.Backspace, false, true, false);
                    return;
            }
            if (b >= 0x20 && b < 0x7F)
            {
                _state = State.Ground;
                EmitPrintable((char)b, alt: true);
                return;
            }
            // Anything else: the ESC was a key of its own; decode b normally.
            _state = State.Ground;
            Emit('\u001b', ConsoleKey.Escape, false, false, false);
            Ground(b);
        }

        private void InCsi(byte b)
        {
            if (!Hold(b)) return;
            if (b >= (byte)'0' && b <= (byte)'9')
            {
                if (_paramCount < MaxParams)
                {
                    _params[_paramCount] = Math.Min(_params[_paramCount] * 10 + (b - '0'), 9999);
                    _paramStarted = true;
                }
                return;
            }
            if (b == (byte)';')
            {
                if (_paramCount < MaxParams) _paramCount++;
                _paramStarted = false;
                return;
            }
            if (b == (byte)'[' && _seqLength == 2) { _state = State.CsiBracket; return; }
            if (b >= 0x3C && b <= 0x3F) { _privateMarker = true; return; }  // < = > ?
            if (b >= 0x20 && b <= 0x2F) return;                               // intermediates
            if (b < 0x40 || b > 0x7E) { Abort(); Ground(b); return; }        // not a CSI byte

            int count = _paramCount + (_paramStarted || _paramCount > 0 ? 1 : 0);
            if (count > MaxParams) count = MaxParams;
            _state = State.Ground;
            if (_privateMarker) return;
            int p0 = count > 0 ? _params[0] : 0;
            int mods = count > 1 ? _params[1] : 1;
            ConsoleKey key;
            char c = '\0';
            switch ((char)b)
            {
                case 'A': key = ConsoleKey.UpArrow; break;
                case 'B': key = ConsoleKey.DownArrow; break;
                case 'C': key = ConsoleKey.RightArrow; break;
                case 'D': key = ConsoleKey.LeftArrow; break;
                case 'H': key = ConsoleKey.Home; break;
                case 'F': key = ConsoleKey.End; break;
                case 'E': key = ConsoleKey.Clear; break; // keypad 5
                case 'P': key = ConsoleKey.F1; break;
                case 'Q': key = ConsoleKey.F2; break;
                case 'R': key = ConsoleKey.F3; break;
                case 'S': key = ConsoleKey.F4; break;
                case 'Z': key = ConsoleKey.Tab; c = '\t'; mods = 2; break; // back-tab = Shift+Tab
                case '~':
                    key = TildeKey(p0);
                    if (key == 0) return;
                    break;
                default: return; // unknown final byte: drop the sequence
            }
            EmitModified(c, key, mods);
        }

        private void InCsiBracket(byte b)
        {
            _state = State.Ground;
            if (b >= (byte)'A' && b <= (byte)'E') { Emit('\0', ConsoleKey.F1 + (b - 'A'), false, false, false); return; }
            if (b >= 0x20 && b < 0x7F) return; // unknown: dropped
            Ground(b);
        }

        private void InSs3(byte b)
        {
            if (!Hold(b)) return;
            _state = State.Ground;
            switch ((char)b)
            {
                case 'A': Emit('\0', ConsoleKey.UpArrow, false, false, false); return;
                case 'B': Emit('\0', ConsoleKey.DownArrow, false, false, false); return;
                case 'C': Emit('\0', ConsoleKey.RightArrow, false, false, false); return;
                case 'D': Emit('\0', ConsoleKey.LeftArrow, false, false, false); return;
                case 'H': Emit('\0', ConsoleKey.Home, false, false, false); return;
                case 'F': Emit('\0', ConsoleKey.End, false, false, false); return;
                case 'P': Emit('\0', ConsoleKey.F1, false, false, false); return;
                case 'Q': Emit('\0', ConsoleKey.F2, false, false, false); return;
                case 'R': Emit('\0', ConsoleKey.F3, false, false, false); return;
                case 'S': Emit('\0', ConsoleKey.F4, false, false, false); return;
                case 'M': Emit('\r', ConsoleKey.Enter, false, false, false); return;
            }
            if (b < 0x20 || b >= 0x7F) Ground(b); // a control byte cut the sequence short
        }

        private static ConsoleKey TildeKey(int p)
        {
            switch (p)
            {
                case 1: case 7: return ConsoleKey.Home;
                case 2: return ConsoleKey.Insert;
                case 3: return ConsoleKey.Delete;
                case 4: case 8: return ConsoleKey.End;
                case 5: return ConsoleKey.PageUp;
                case 6: return ConsoleKey.PageDown;
                case 11: return ConsoleKey.F1;
                case 12: return ConsoleKey.F2;
                case 13: return ConsoleKey.F3;
                case 14: return ConsoleKey.F4;
                case 15: return ConsoleKey.F5;
                case 17: return ConsoleKey.F6;
                case 18: return ConsoleKey.F7;
                case 19: return ConsoleKey.F8;
                case 20: return ConsoleKey.F9;
                case 21: return ConsoleKey.F10;
                case 23: return ConsoleKey.F11;
                case 24: return ConsoleKey.F12;
                default: return 0;
            }
        }

        /// <summary>Records b as part of the pending sequence; false (sequence dropped) when it grew too long.</summary>
        private bool Hold(byte b)
        {
            if (_seqLength >= MaxSequence) { Abort(); return false; }
            _seq[_seqLength++] = b;
            return true;
        }

        private void Abort()
        {
            _state = State.Ground;
            _seqLength = 0;
        }

        private void EmitModified(char c, ConsoleKey key, int xtermModifier)
        {
            int bits = xtermModifier > 1 ? xtermModifier - 1 : 0;
            Emit(c, key, (bits & 1) != 0, (bits & (2 | 8)) != 0, (bits & 4) != 0);
        }

        private void EmitPrintable(char c, bool alt)
        {
            if (TryMapAscii(c, out ConsoleKey key, out bool shift))
                Emit(c, key, shift, alt, false);
            else
                Emit(c, 0, false, alt, false);
        }

        private void EmitScalar(int scalar)
        {
            if (scalar < 0x10000)
            {
                Emit((char)scalar, 0, false, false, false);
                return;
            }
            scalar -= 0x10000;
            Emit((char)(0xD800 + (scalar >> 10)), 0, false, false, false);
            Emit((char)(0xDC00 + (scalar & 0x3FF)), 0, false, false, false);
        }

        private void Emit(char c, ConsoleKey key, bool shift, bool alt, bool control)
        {
            if (_count == QueueCapacity) { DroppedKeys++; return; }
            _queue[(_head + _count) % QueueCapacity] = new ConsoleKeyInfo(c, key, shift, alt, control);
            _count++;
        }
    }
}
