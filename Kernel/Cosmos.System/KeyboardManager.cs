using System;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Input;

namespace Cosmos.System
{
    /// <summary>
    /// Keys by position and purpose (Cosmos API names, in Cosmos's order): function keys F1–F12, digits D0–D9 of the top
    /// row, letters A–Z, the numeric keypad's Num0–Num9 and operators, modifiers with L/R for left and right, and the
    /// keys of ISO and ACPI keyboards (OEM102, OEM5, Power, Sleep, Wake). Each name says which key it is.
    /// </summary>
#pragma warning disable CS1591 // one key per self-describing name (see the summary)
    public enum ConsoleKeyEx
    {
        NoName, Escape, F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, PrintScreen, ScrollLock, PauseBreak, Backquote,
        D1, D2, D3, D4, D5, D6, D7, D8, D9, D0, Minus, Equal, Backslash, Backspace, Tab, Q, W, E, R, T, Y, U, I, O, P,
        LBracket, RBracket, Enter, CapsLock, A, S, D, F, G, H, J, K, L, Semicolon, Colon, Apostrophe, LowerThan, BiggerThan,
        ExclamationPoint, LShift, RShift, OEM102, OEM5, Z, X, C, V, B, N, M, Comma, Period, Slash, LCtrl, RCtrl, LWin, LAlt,
        RAlt, Spacebar, AltGr, RWin, Menu, Insert, Home, PageUp, Delete, End, PageDown, UpArrow, DownArrow, LeftArrow,
        RightArrow, NumLock, NumDivide, NumMultiply, NumMinus, Num7, Num8, Num9, NumPlus, Num4, Num5, Num6, Num1, Num2, Num3,
        Num0, NumPeriod, NumEnter, Power, Sleep, Wake,
    }
#pragma warning restore CS1591

    /// <summary>One key press (Cosmos API).</summary>
    public class KeyEvent
    {
        /// <summary>Press or release.</summary>
        public enum KeyEventType
        {
            /// <summary>The key went down (a make code).</summary>
            Make,
            /// <summary>The key came up (a break code).</summary>
            Break,
        }

        /// <summary>The character the layout gives ('\0' for keys without one).</summary>
        public char KeyChar { get; set; }
        /// <summary>The key.</summary>
        public ConsoleKeyEx Key { get; set; }
        /// <summary>Shift, Alt and Control as held.</summary>
        public ConsoleModifiers Modifiers { get; set; }
        /// <summary>Always <see cref="KeyEventType.Make"/>: releases are not reported.</summary>
        public KeyEventType Type { get; set; }

        /// <summary>An empty event.</summary>
        public KeyEvent() { }

        /// <summary>An event with every field.</summary>
        public KeyEvent(char keyChar, ConsoleKeyEx key, bool shift, bool alt, bool control, KeyEventType type)
        {
            KeyChar = keyChar; Key = key; Type = type;
            Modifiers = (shift ? ConsoleModifiers.Shift : 0) | (alt ? ConsoleModifiers.Alt : 0) | (control ? ConsoleModifiers.Control : 0);
        }

        private static readonly ConsoleKeyEx[] Letters =
        {
            ConsoleKeyEx.A, ConsoleKeyEx.B, ConsoleKeyEx.C, ConsoleKeyEx.D, ConsoleKeyEx.E, ConsoleKeyEx.F, ConsoleKeyEx.G, ConsoleKeyEx.H,
            ConsoleKeyEx.I, ConsoleKeyEx.J, ConsoleKeyEx.K, ConsoleKeyEx.L, ConsoleKeyEx.M, ConsoleKeyEx.N, ConsoleKeyEx.O, ConsoleKeyEx.P,
            ConsoleKeyEx.Q, ConsoleKeyEx.R, ConsoleKeyEx.S, ConsoleKeyEx.T, ConsoleKeyEx.U, ConsoleKeyEx.V, ConsoleKeyEx.W, ConsoleKeyEx.X,
            ConsoleKeyEx.Y, ConsoleKeyEx.Z,
        };

        /// <summary>The Cosmos key for a .NET <see cref="ConsoleKey"/> (<see cref="ConsoleKeyEx.NoName"/> when there is none).</summary>
        public static ConsoleKeyEx FromConsoleKey(ConsoleKey k)
        {
            if (k >= ConsoleKey.A && k <= ConsoleKey.Z) return Letters[k - ConsoleKey.A];
            if (k >= ConsoleKey.D0 && k <= ConsoleKey.D9) return k == ConsoleKey.D0 ? ConsoleKeyEx.D0 : ConsoleKeyEx.D1 + (k - ConsoleKey.D1);
            if (k >= ConsoleKey.F1 && k <= ConsoleKey.F12) return ConsoleKeyEx.F1 + (k - ConsoleKey.F1);
            return k switch
            {
                ConsoleKey.Escape => ConsoleKeyEx.Escape, ConsoleKey.Enter => ConsoleKeyEx.Enter, ConsoleKey.Backspace => ConsoleKeyEx.Backspace,
                ConsoleKey.Tab => ConsoleKeyEx.Tab, ConsoleKey.Spacebar => ConsoleKeyEx.Spacebar, ConsoleKey.UpArrow => ConsoleKeyEx.UpArrow,
                ConsoleKey.DownArrow => ConsoleKeyEx.DownArrow, ConsoleKey.LeftArrow => ConsoleKeyEx.LeftArrow, ConsoleKey.RightArrow => ConsoleKeyEx.RightArrow,
                ConsoleKey.Insert => ConsoleKeyEx.Insert, ConsoleKey.Home => ConsoleKeyEx.Home, ConsoleKey.PageUp => ConsoleKeyEx.PageUp,
                ConsoleKey.Delete => ConsoleKeyEx.Delete, ConsoleKey.End => ConsoleKeyEx.End, ConsoleKey.PageDown => ConsoleKeyEx.PageDown,
                ConsoleKey.NumPad0 => ConsoleKeyEx.Num0, ConsoleKey.NumPad1 => ConsoleKeyEx.Num1, ConsoleKey.NumPad2 => ConsoleKeyEx.Num2,
                ConsoleKey.NumPad3 => ConsoleKeyEx.Num3, ConsoleKey.NumPad4 => ConsoleKeyEx.Num4, ConsoleKey.NumPad5 => ConsoleKeyEx.Num5,
                ConsoleKey.NumPad6 => ConsoleKeyEx.Num6, ConsoleKey.NumPad7 => ConsoleKeyEx.Num7, ConsoleKey.NumPad8 => ConsoleKeyEx.Num8,
                ConsoleKey.NumPad9 => ConsoleKeyEx.Num9, ConsoleKey.Multiply => ConsoleKeyEx.NumMultiply, ConsoleKey.Add => ConsoleKeyEx.NumPlus,
                ConsoleKey.Subtract => ConsoleKeyEx.NumMinus, ConsoleKey.Decimal => ConsoleKeyEx.NumPeriod, ConsoleKey.Divide => ConsoleKeyEx.NumDivide,
                ConsoleKey.OemMinus => ConsoleKeyEx.Minus, ConsoleKey.OemPlus => ConsoleKeyEx.Equal, ConsoleKey.Oem4 => ConsoleKeyEx.LBracket,
                ConsoleKey.Oem6 => ConsoleKeyEx.RBracket, ConsoleKey.Oem1 => ConsoleKeyEx.Semicolon, ConsoleKey.Oem7 => ConsoleKeyEx.Apostrophe,
                ConsoleKey.Oem3 => ConsoleKeyEx.Backquote, ConsoleKey.Oem5 => ConsoleKeyEx.Backslash, ConsoleKey.OemComma => ConsoleKeyEx.Comma,
                ConsoleKey.OemPeriod => ConsoleKeyEx.Period, ConsoleKey.Oem2 => ConsoleKeyEx.Slash, ConsoleKey.Oem102 => ConsoleKeyEx.OEM102,
                ConsoleKey.PrintScreen => ConsoleKeyEx.PrintScreen, ConsoleKey.Pause => ConsoleKeyEx.PauseBreak, ConsoleKey.LeftWindows => ConsoleKeyEx.LWin,
                ConsoleKey.RightWindows => ConsoleKeyEx.RWin, ConsoleKey.Applications => ConsoleKeyEx.Menu,
                _ => ConsoleKeyEx.NoName,
            };
        }
    }

    /// <summary>A keyboard layout (Cosmos API): which characters the keys give; subclasses in <c>Cosmos.System.ScanMaps</c>.</summary>
    public abstract class ScanMapBase
    {
        /// <summary>The HAL layout tables behind this map.</summary>
        public KeyboardLayout Layout { get; }
        /// <summary>A map over <paramref name="layout"/>.</summary>
        protected ScanMapBase(KeyboardLayout layout) => Layout = layout ?? throw new ArgumentNullException(nameof(layout));
    }

    /// <summary>
    /// Cosmos API: keys from the PS/2 keyboard with the layout chosen by <see cref="SetKeyLayout"/> (US unless set). The
    /// layout also applies to <c>Console.ReadKey</c>/<c>ReadLine</c>, which read the same keyboard; a key is taken by
    /// whichever reads first. Dead keys combine with the next key (see <see cref="KeyboardLayout"/>).
    /// </summary>
    public static class KeyboardManager
    {
        private static ScanMapBase s_map;

        /// <summary>Num Lock state.</summary>
        public static bool NumLock { get => PS2Keyboard.Decoder.NumLock; set { PS2Keyboard.Decoder.NumLock = value; PS2Keyboard.UpdateLeds(); } }
        /// <summary>Caps Lock state.</summary>
        public static bool CapsLock { get => PS2Keyboard.Decoder.CapsLock; set { PS2Keyboard.Decoder.CapsLock = value; PS2Keyboard.UpdateLeds(); } }
        /// <summary>Scroll Lock state.</summary>
        public static bool ScrollLock { get => PS2Keyboard.Decoder.ScrollLock; set { PS2Keyboard.Decoder.ScrollLock = value; PS2Keyboard.UpdateLeds(); } }
        /// <summary>A Ctrl key is held.</summary>
        public static bool ControlPressed => PS2Keyboard.Decoder.Control;
        /// <summary>A Shift key is held.</summary>
        public static bool ShiftPressed => PS2Keyboard.Decoder.Shift;
        /// <summary>An Alt key is held.</summary>
        public static bool AltPressed => PS2Keyboard.Decoder.Alt;

        private static KeyEvent s_peeked;

        /// <summary>True when a key press is waiting.</summary>
        public static bool KeyAvailable => s_peeked != null || TryReadKey(out s_peeked);

        /// <summary>The next key press, or false when none is waiting (never blocks).</summary>
        public static bool TryReadKey(out KeyEvent key)
        {
            if (s_peeked != null) { key = s_peeked; s_peeked = null; return true; }
            key = null;
            if (!PS2Keyboard.TryReadKey(out ConsoleKeyInfo k)) return false;
            key = new KeyEvent(k.KeyChar, KeyEvent.FromConsoleKey(k.Key), (k.Modifiers & ConsoleModifiers.Shift) != 0,
                (k.Modifiers & ConsoleModifiers.Alt) != 0, (k.Modifiers & ConsoleModifiers.Control) != 0, KeyEvent.KeyEventType.Make);
            return true;
        }

        /// <summary>Waits for the next key press (halting between polls).</summary>
        public static KeyEvent ReadKey()
        {
            KeyEvent k;
            while (!TryReadKey(out k)) global::System.Threading.Thread.Sleep(5);
            return k;
        }

        /// <summary>The layout in use.</summary>
        public static ScanMapBase GetKeyLayout() => s_map ??= new ScanMaps.USStandardLayout();

        /// <summary>Uses <paramref name="scanMap"/> for every key read from now on (KeyboardManager and the console).</summary>
        /// <exception cref="ArgumentNullException">No map.</exception>
        public static void SetKeyLayout(ScanMapBase scanMap)
        {
            s_map = scanMap ?? throw new ArgumentNullException(nameof(scanMap));
            PS2Keyboard.Decoder.Layout = scanMap.Layout;
        }
    }

    /// <summary>Cosmos API test helpers.</summary>
    public static class TestingHelpers
    {
        /// <summary>Puts a scan code set 1 byte into the keyboard's queue as if the keyboard had sent it (a release: the make code | 80h).</summary>
        public static void KeyboardAddFakeScanCode(byte scanCode, bool released) => PS2Keyboard.InjectScanCode(released ? (byte)(scanCode | 0x80) : scanCode);
    }
}

namespace Cosmos.System.ScanMaps
{
    /// <summary>US QWERTY.</summary>
    public sealed class USStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public USStandardLayout() : base(KeyboardLayout.US) { } }
    /// <summary>United Kingdom QWERTY.</summary>
    public sealed class GBStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public GBStandardLayout() : base(KeyboardLayout.GB) { } }
    /// <summary>German QWERTZ with dead keys.</summary>
    public sealed class DEStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public DEStandardLayout() : base(KeyboardLayout.DE) { } }
    /// <summary>French AZERTY with dead keys.</summary>
    public sealed class FRStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public FRStandardLayout() : base(KeyboardLayout.FR) { } }
    /// <summary>Spanish QWERTY with dead keys.</summary>
    public sealed class ESStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public ESStandardLayout() : base(KeyboardLayout.ES) { } }
    /// <summary>Dutch QWERTY with dead keys.</summary>
    public sealed class NLStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public NLStandardLayout() : base(KeyboardLayout.NL) { } }
    /// <summary>Turkish Q.</summary>
    public sealed class TRStandardLayout : ScanMapBase { /// <summary>The layout.</summary>
        public TRStandardLayout() : base(KeyboardLayout.TR) { } }
}
