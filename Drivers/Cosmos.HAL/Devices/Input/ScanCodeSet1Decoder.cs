using System;

namespace Cosmos.HAL.Devices.Input
{
    /// <summary>
    /// Turns PS/2 scan code set 1 bytes (what an 8042 with translation enabled delivers) into
    /// <see cref="ConsoleKeyInfo"/> values for a US QWERTY layout. Pure state machine: no I/O,
    /// usable on the host. Make codes are 0x01-0x58, a release is the make code | 0x80; 0xE0
    /// prefixes the extended keys (right Ctrl/Alt, arrows, the navigation block, keypad Enter
    /// and '/', Windows/menu keys); E1 1D 45 E1 9D C5 is Pause; E0 2A E0 37 is Print Screen.
    /// Releases only update modifier state; lock keys toggle on press (not on typematic repeat).
    /// Bytes with no meaning in set 1 (0x00, 0xFF overrun, controller replies such as 0xFA) are ignored.
    /// Source: the IBM PC AT keyboard scan code tables as documented on the OSDev wiki "PS/2 Keyboard".
    /// </summary>
    public sealed class ScanCodeSet1Decoder
    {
        private bool _e0;
        private int _e1; // 0 none, 1 after E1, 2 after E1 1D/9D
        private bool _lShift, _rShift, _lCtrl, _rCtrl, _lAlt, _rAlt;
        private bool _capsHeld, _numHeld, _scrollHeld;

        private char _dead;                      // a dead key waiting for the next key ('\0': none)
        private ConsoleKey _deadKey;
        private ConsoleKeyInfo _queued;         // a second key produced by one press (dead key + a key it does not combine with)
        private bool _hasQueued;

        /// <summary>
        /// The layout giving characters to the keys (<see cref="KeyboardLayout.US"/> unless set): Shift, AltGr (right Alt,
        /// or Ctrl+Alt) and Caps Lock per its tables; its dead keys wait for the next key and combine with it
        /// (<see cref="KeyboardLayout.Compose"/>), give the accent itself before Space, and are sent before a key they do
        /// not combine with (two keys from one press: the second comes from <see cref="TryTakeQueued"/>).
        /// </summary>
        public KeyboardLayout Layout { get; set; } = KeyboardLayout.US;

        /// <summary>A key decoded earlier but not yet returned (the second of a dead key and a key it does not combine with).</summary>
        public bool TryTakeQueued(out ConsoleKeyInfo key)
        {
            key = _queued;
            if (!_hasQueued) return false;
            _hasQueued = false;
            return true;
        }

        /// <summary>Caps Lock state (letters are upper-case when on, inverted by Shift).</summary>
        public bool CapsLock { get; set; }
        /// <summary>Num Lock state (keypad gives digits when on and Shift is not held). Off at start, matching a freshly reset keyboard's LEDs.</summary>
        public bool NumLock { get; set; }
        /// <summary>Scroll Lock state.</summary>
        public bool ScrollLock { get; set; }
        /// <summary>Set when a lock key changed a lock state; the driver updates the LEDs and clears it.</summary>
        public bool LocksChanged { get; set; }

        /// <summary>Either Shift key is held.</summary>
        public bool Shift => _lShift || _rShift;
        /// <summary>Either Ctrl key is held.</summary>
        public bool Control => _lCtrl || _rCtrl;
        /// <summary>Either Alt key is held.</summary>
        public bool Alt => _lAlt || _rAlt;

        /// <summary>LED byte for keyboard command 0xED: bit 0 Scroll Lock, bit 1 Num Lock, bit 2 Caps Lock.</summary>
        public byte LedMask => (byte)((ScrollLock ? 1 : 0) | (NumLock ? 2 : 0) | (CapsLock ? 4 : 0));

        /// <summary>Forgets prefixes and held modifiers (lock states are kept).</summary>
        public void Reset()
        {
            _e0 = false; _e1 = 0;
            _dead = '\0'; _hasQueued = false;
            _lShift = _rShift = _lCtrl = _rCtrl = _lAlt = _rAlt = false;
            _capsHeld = _numHeld = _scrollHeld = false;
        }

        // Unshifted / shifted characters for make codes 0x00-0x58 ('\0' = no character).
        internal const string Normal =
            "\0\u001b1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 \0" +
            "\0\0\0\0\0\0\0\0\0\0\0\0" + "789-456+1230." + "\0\0\\\0\0";
        internal const string Shifted =
            "\0\u001b!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 \0" +
            "\0\0\0\0\0\0\0\0\0\0\0\0" + "789-456+1230." + "\0\0|\0\0";

        // ConsoleKey for make codes 0x00-0x58 (0 = not a character key: modifiers, locks, unused).
        internal static ReadOnlySpan<byte> Keys => new byte[]
        {
            0, (byte)ConsoleKey.Escape,
            (byte)ConsoleKey.D1, (byte)ConsoleKey.D2, (byte)ConsoleKey.D3, (byte)ConsoleKey.D4, (byte)ConsoleKey.D5,
            (byte)ConsoleKey.D6, (byte)ConsoleKey.D7, (byte)ConsoleKey.D8, (byte)ConsoleKey.D9, (byte)ConsoleKey.D0,
            (byte)ConsoleKey.OemMinus, (byte)ConsoleKey.OemPlus, (byte)ConsoleKey.Backspace, (byte)ConsoleKey.Tab,
            (byte)ConsoleKey.Q, (byte)ConsoleKey.W, (byte)ConsoleKey.E, (byte)ConsoleKey.R, (byte)ConsoleKey.T,
            (byte)ConsoleKey.Y, (byte)ConsoleKey.U, (byte)ConsoleKey.I, (byte)ConsoleKey.O, (byte)ConsoleKey.P,
            (byte)ConsoleKey.Oem4, (byte)ConsoleKey.Oem6, (byte)ConsoleKey.Enter, 0 /* 1D LCtrl */,
            (byte)ConsoleKey.A, (byte)ConsoleKey.S, (byte)ConsoleKey.D, (byte)ConsoleKey.F, (byte)ConsoleKey.G,
            (byte)ConsoleKey.H, (byte)ConsoleKey.J, (byte)ConsoleKey.K, (byte)ConsoleKey.L,
            (byte)ConsoleKey.Oem1, (byte)ConsoleKey.Oem7, (byte)ConsoleKey.Oem3, 0 /* 2A LShift */, (byte)ConsoleKey.Oem5,
            (byte)ConsoleKey.Z, (byte)ConsoleKey.X, (byte)ConsoleKey.C, (byte)ConsoleKey.V, (byte)ConsoleKey.B,
            (byte)ConsoleKey.N, (byte)ConsoleKey.M, (byte)ConsoleKey.OemComma, (byte)ConsoleKey.OemPeriod, (byte)ConsoleKey.Oem2,
            0 /* 36 RShift */, (byte)ConsoleKey.Multiply, 0 /* 38 LAlt */, (byte)ConsoleKey.Spacebar, 0 /* 3A Caps */,
            (byte)ConsoleKey.F1, (byte)ConsoleKey.F2, (byte)ConsoleKey.F3, (byte)ConsoleKey.F4, (byte)ConsoleKey.F5,
            (byte)ConsoleKey.F6, (byte)ConsoleKey.F7, (byte)ConsoleKey.F8, (byte)ConsoleKey.F9, (byte)ConsoleKey.F10,
            0 /* 45 NumLock */, 0 /* 46 ScrollLock */,
            (byte)ConsoleKey.NumPad7, (byte)ConsoleKey.NumPad8, (byte)ConsoleKey.NumPad9, (byte)ConsoleKey.Subtract,
            (byte)ConsoleKey.NumPad4, (byte)ConsoleKey.NumPad5, (byte)ConsoleKey.NumPad6, (byte)ConsoleKey.Add,
            (byte)ConsoleKey.NumPad1, (byte)ConsoleKey.NumPad2, (byte)ConsoleKey.NumPad3,
            (byte)ConsoleKey.NumPad0, (byte)ConsoleKey.Decimal,
            0 /* 54 SysRq */, 0, (byte)ConsoleKey.Oem102, (byte)ConsoleKey.F11, (byte)ConsoleKey.F12,
        };

        // Keypad keys 0x47-0x53 with Num Lock off (or Shift held): navigation keys.
        private static ReadOnlySpan<byte> KeypadNavigation => new byte[]
        {
            (byte)ConsoleKey.Home, (byte)ConsoleKey.UpArrow, (byte)ConsoleKey.PageUp, 0,
            (byte)ConsoleKey.LeftArrow, (byte)ConsoleKey.Clear, (byte)ConsoleKey.RightArrow, 0,
            (byte)ConsoleKey.End, (byte)ConsoleKey.DownArrow, (byte)ConsoleKey.PageDown,
            (byte)ConsoleKey.Insert, (byte)ConsoleKey.Delete,
        };

        /// <summary>
        /// Feeds one byte from the controller. Returns true with <paramref name="key"/> when the
        /// byte completes a key press that produces a key; false for prefixes, releases,
        /// modifier/lock presses and unknown codes.
        /// </summary>
        public bool TryDecode(byte code, out ConsoleKeyInfo key)
        {
            key = default;

            if (_e1 != 0)
            {
                // Pause: E1 1D 45 (make) E1 9D C5 (break). Anything else aborts the sequence.
                if (_e1 == 1 && (code == 0x1D || code == 0x9D)) { _e1 = 2; return false; }
                if (_e1 == 2 && code == 0x45) { _e1 = 0; key = Make('\0', ConsoleKey.Pause); return true; }
                if (_e1 == 2 && code == 0xC5) { _e1 = 0; return false; }
                _e1 = 0;
            }

            if (code == 0xE0) { _e0 = true; return false; }
            if (code == 0xE1) { _e0 = false; _e1 = 1; return false; }

            bool extended = _e0;
            _e0 = false;
            bool release = (code & 0x80) != 0;
            byte make = (byte)(code & 0x7F);
            if (code == 0x00 || code == 0xFF) return false; // key detection error / buffer overrun

            return extended ? DecodeExtended(make, release, out key) : DecodeNormal(make, release, out key);
        }

        private bool DecodeNormal(byte make, bool release, out ConsoleKeyInfo key)
        {
            key = default;
            switch (make)
            {
                case 0x2A: _lShift = !release; return false;
                case 0x36: _rShift = !release; return false;
                case 0x1D: _lCtrl = !release; return false;
                case 0x38: _lAlt = !release; return false;
                case 0x3A: Toggle(ref _capsHeld, release, 0); return false;
                case 0x45: Toggle(ref _numHeld, release, 1); return false;
                case 0x46: Toggle(ref _scrollHeld, release, 2); return false;
            }
            if (release || make >= Normal.Length) return false;
            var k = (ConsoleKey)Keys[make];
            if (k == 0) return false;

            if (make >= 0x47 && make <= 0x53)
            {
                var nav = (ConsoleKey)KeypadNavigation[make - 0x47];
                bool digits = NumLock && !Shift;
                if (nav != 0 && !digits) { key = Make('\0', nav); return true; }
                key = Make(Normal[make], k);
                return true;
            }

            var layout = Layout ?? KeyboardLayout.US;
            // AltGr (right Alt, or Ctrl+Alt) picks the layout's third character; a key without one (and every key on a
            // layout without AltGr characters, such as US) is an ordinary key with Alt (and Ctrl) held, for shortcuts.
            bool altGr = (_rAlt || (_lCtrl && _lAlt)) && layout.CharFor(make, Shift, true, CapsLock) != '\0';
            char c = layout.CharFor(make, Shift, altGr, CapsLock);
            char letter = char.ToUpperInvariant(c);
            if (letter >= 'A' && letter <= 'Z' && !altGr) k = ConsoleKey.A + (letter - 'A');  // the letter's key, whatever its position
            if (Control && !altGr)
            {
                if (k >= ConsoleKey.A && k <= ConsoleKey.Z) c = (char)(k - ConsoleKey.A + 1); // Ctrl+A = 0x01 ... Ctrl+Z = 0x1A
                else if (c == '[') c = '\u001b';
                else if (c == '\\') c = '\u001c';
                else if (c == ']') c = '\u001d';
                key = Make(c, k);
                return true;
            }
            if (_dead != '\0')
            {
                char dead = _dead;
                _dead = '\0';
                char composed = KeyboardLayout.Compose(dead, c);
                if (composed != '\0') { key = Make(composed, k); return true; }
                key = Make(dead, _deadKey);                                          // the accent, then this key
                if (c == dead && layout.IsDead(c)) return true;                        // the dead key twice: the accent once
                _queued = Make(c, k);
                _hasQueued = true;
                return true;
            }
            if (layout.IsDead(c)) { _dead = c; _deadKey = k; return false; }
            key = Make(c, k);
            return true;
        }

        private bool DecodeExtended(byte make, bool release, out ConsoleKeyInfo key)
        {
            key = default;
            switch (make)
            {
                case 0x1D: _rCtrl = !release; return false;
                case 0x38: _rAlt = !release; return false;
                case 0x2A: case 0x36: return false; // "fake shift" around Print Screen / extended keys
            }
            if (release) return false;
            ConsoleKey k;
            char c = '\0';
            switch (make)
            {
                case 0x1C: k = ConsoleKey.Enter; c = '\r'; break;
                case 0x35: k = ConsoleKey.Divide; c = '/'; break;
                case 0x37: k = ConsoleKey.PrintScreen; break;
                case 0x46: k = ConsoleKey.Pause; break; // Ctrl+Break
                case 0x47: k = ConsoleKey.Home; break;
                case 0x48: k = ConsoleKey.UpArrow; break;
                case 0x49: k = ConsoleKey.PageUp; break;
                case 0x4B: k = ConsoleKey.LeftArrow; break;
                case 0x4D: k = ConsoleKey.RightArrow; break;
                case 0x4F: k = ConsoleKey.End; break;
                case 0x50: k = ConsoleKey.DownArrow; break;
                case 0x51: k = ConsoleKey.PageDown; break;
                case 0x52: k = ConsoleKey.Insert; break;
                case 0x53: k = ConsoleKey.Delete; break;
                case 0x5B: k = ConsoleKey.LeftWindows; break;
                case 0x5C: k = ConsoleKey.RightWindows; break;
                case 0x5D: k = ConsoleKey.Applications; break;
                default: return false; // media/ACPI keys: ignored
            }
            key = Make(c, k);
            return true;
        }

        private void Toggle(ref bool held, bool release, int which)
        {
            if (release) { held = false; return; }
            if (held) return; // typematic repeat of a held lock key
            held = true;
            if (which == 0) CapsLock = !CapsLock;
            else if (which == 1) NumLock = !NumLock;
            else ScrollLock = !ScrollLock;
            LocksChanged = true;
        }

        private ConsoleKeyInfo Make(char c, ConsoleKey k) => new ConsoleKeyInfo(c, k, Shift, Alt, Control);
    }
}
