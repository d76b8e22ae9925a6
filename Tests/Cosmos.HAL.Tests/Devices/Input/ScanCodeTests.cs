using System;
using System.Collections.Generic;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Input;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>Scan code set 1 sequences through <see cref="ScanCodeSet1Decoder"/>.</summary>
    public class ScanCodeTests
    {
        private static List<ConsoleKeyInfo> Feed(ScanCodeSet1Decoder d, params byte[] codes)
        {
            var keys = new List<ConsoleKeyInfo>();
            foreach (var c in codes)
                if (d.TryDecode(c, out var k)) keys.Add(k);
            return keys;
        }

        private static ConsoleKeyInfo Single(ScanCodeSet1Decoder d, params byte[] codes)
        {
            var keys = Feed(d, codes);
            Assert.Single(keys);
            return keys[0];
        }

        [Fact]
        public void Tables_CoverMakeCodes0x00To0x58()
        {
            Assert.Equal(0x59, ScanCodeSet1Decoder.Normal.Length);
            Assert.Equal(0x59, ScanCodeSet1Decoder.Shifted.Length);
            Assert.Equal(0x59, ScanCodeSet1Decoder.Keys.Length);
        }

        [Fact]
        public void PlainLetter_PressAndRelease()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0x1E, 0x9E); // 'a' make, break
            Assert.Equal('a', k.KeyChar);
            Assert.Equal(ConsoleKey.A, k.Key);
            Assert.Equal((ConsoleModifiers)0, k.Modifiers);
        }

        [Fact]
        public void Typing_Hello()
        {
            var d = new ScanCodeSet1Decoder();
            var keys = Feed(d, 0x23, 0xA3, 0x12, 0x92, 0x26, 0xA6, 0x26, 0xA6, 0x18, 0x98);
            Assert.Equal("hello", new string(keys.ConvertAll(k => k.KeyChar).ToArray()));
        }

        [Fact]
        public void Shift_UppercaseAndSymbols()
        {
            var d = new ScanCodeSet1Decoder();
            var keys = Feed(d, 0x2A, 0x1E, 0x9E, 0x02, 0x82, 0x0C, 0x8C, 0x28, 0xA8, 0xAA, 0x1E);
            Assert.Equal(5, keys.Count);
            Assert.Equal('A', keys[0].KeyChar);
            Assert.Equal(ConsoleModifiers.Shift, keys[0].Modifiers);
            Assert.Equal('!', keys[1].KeyChar);
            Assert.Equal(ConsoleKey.D1, keys[1].Key);
            Assert.Equal('_', keys[2].KeyChar);
            Assert.Equal(ConsoleKey.OemMinus, keys[2].Key);
            Assert.Equal('"', keys[3].KeyChar);
            // After the shift release (0xAA) the last 'a' is lower case again.
            Assert.Equal('a', keys[4].KeyChar);
            Assert.Equal((ConsoleModifiers)0, keys[4].Modifiers);
        }

        [Fact]
        public void RightShift_Works()
        {
            var d = new ScanCodeSet1Decoder();
            Assert.Equal('Z', Single(d, 0x36, 0x2C).KeyChar);
            Assert.Equal('z', Single(d, 0xB6, 0x2C).KeyChar);
        }

        [Fact]
        public void CapsLock_TogglesLettersOnly_ShiftInverts()
        {
            var d = new ScanCodeSet1Decoder();
            Assert.Empty(Feed(d, 0x3A, 0xBA));
            Assert.True(d.CapsLock);
            Assert.True(d.LocksChanged);
            Assert.Equal(4, d.LedMask);
            Assert.Equal('Q', Single(d, 0x10, 0x90).KeyChar);
            Assert.Equal('1', Single(d, 0x02, 0x82).KeyChar);      // digits unaffected
            Assert.Equal('q', Single(d, 0x2A, 0x10, 0x90, 0xAA).KeyChar); // shift inverts
            Feed(d, 0x3A, 0xBA);
            Assert.False(d.CapsLock);
            Assert.Equal('q', Single(d, 0x10).KeyChar);
        }

        [Fact]
        public void CapsLock_HeldDownRepeatDoesNotToggleAgain()
        {
            var d = new ScanCodeSet1Decoder();
            Feed(d, 0x3A, 0x3A, 0x3A, 0xBA); // typematic repeats while held
            Assert.True(d.CapsLock);
        }

        [Fact]
        public void Control_Letter_GivesControlCharacter()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0x1D, 0x2E, 0xAE, 0x9D); // Ctrl+C
            Assert.Equal('\u0003', k.KeyChar);
            Assert.Equal(ConsoleKey.C, k.Key);
            Assert.Equal(ConsoleModifiers.Control, k.Modifiers);
            Assert.False(d.Control);
        }

        [Fact]
        public void RightControlAndAlt_AreE0Prefixed()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0xE0, 0x1D, 0xE0, 0x38, 0x20); // RCtrl + RAlt + d
            Assert.Equal(ConsoleModifiers.Control | ConsoleModifiers.Alt, k.Modifiers);
            Assert.Equal(ConsoleKey.D, k.Key);
            Feed(d, 0xE0, 0x9D, 0xE0, 0xB8);
            Assert.False(d.Control);
            Assert.False(d.Alt);
        }

        [Fact]
        public void Alt_KeepsCharacter()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0x38, 0x21);
            Assert.Equal('f', k.KeyChar);
            Assert.Equal(ConsoleModifiers.Alt, k.Modifiers);
        }

        [Theory]
        [InlineData(0x48, ConsoleKey.UpArrow)]
        [InlineData(0x50, ConsoleKey.DownArrow)]
        [InlineData(0x4B, ConsoleKey.LeftArrow)]
        [InlineData(0x4D, ConsoleKey.RightArrow)]
        [InlineData(0x47, ConsoleKey.Home)]
        [InlineData(0x4F, ConsoleKey.End)]
        [InlineData(0x49, ConsoleKey.PageUp)]
        [InlineData(0x51, ConsoleKey.PageDown)]
        [InlineData(0x52, ConsoleKey.Insert)]
        [InlineData(0x53, ConsoleKey.Delete)]
        [InlineData(0x5B, ConsoleKey.LeftWindows)]
        [InlineData(0x5D, ConsoleKey.Applications)]
        public void ExtendedNavigationKeys(byte code, ConsoleKey expected)
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0xE0, code, 0xE0, (byte)(code | 0x80));
            Assert.Equal(expected, k.Key);
            Assert.Equal('\0', k.KeyChar);
        }

        [Fact]
        public void ExtendedArrows_IgnoreNumLock()
        {
            var d = new ScanCodeSet1Decoder { NumLock = true };
            Assert.Equal(ConsoleKey.UpArrow, Single(d, 0xE0, 0x48).Key);
        }

        [Fact]
        public void Keypad_NumLockSelectsDigitsOrNavigation()
        {
            var d = new ScanCodeSet1Decoder();
            var nav = Single(d, 0x48);
            Assert.Equal(ConsoleKey.UpArrow, nav.Key);
            Feed(d, 0x45, 0xC5); // Num Lock on
            Assert.True(d.NumLock);
            Assert.Equal(2, d.LedMask);
            var digit = Single(d, 0x48);
            Assert.Equal(ConsoleKey.NumPad8, digit.Key);
            Assert.Equal('8', digit.KeyChar);
            Assert.Equal('.', Single(d, 0x53).KeyChar);
            var minus = Single(d, 0x4A);
            Assert.Equal(ConsoleKey.Subtract, minus.Key);
            Assert.Equal('-', minus.KeyChar);
        }

        [Fact]
        public void Keypad_EnterAndDivide()
        {
            var d = new ScanCodeSet1Decoder();
            var enter = Single(d, 0xE0, 0x1C);
            Assert.Equal(ConsoleKey.Enter, enter.Key);
            Assert.Equal('\r', enter.KeyChar);
            var div = Single(d, 0xE0, 0x35);
            Assert.Equal(ConsoleKey.Divide, div.Key);
            Assert.Equal('/', div.KeyChar);
        }

        [Fact]
        public void SpecialKeys()
        {
            var d = new ScanCodeSet1Decoder();
            var keys = Feed(d, 0x1C, 0x0E, 0x0F, 0x01, 0x39);
            Assert.Equal(ConsoleKey.Enter, keys[0].Key); Assert.Equal('\r', keys[0].KeyChar);
            Assert.Equal(ConsoleKey.Backspace, keys[1].Key); Assert.Equal('\b', keys[1].KeyChar);
            Assert.Equal(ConsoleKey.Tab, keys[2].Key); Assert.Equal('\t', keys[2].KeyChar);
            Assert.Equal(ConsoleKey.Escape, keys[3].Key); Assert.Equal('\u001b', keys[3].KeyChar);
            Assert.Equal(ConsoleKey.Spacebar, keys[4].Key); Assert.Equal(' ', keys[4].KeyChar);
        }

        [Fact]
        public void ShiftTab_HasShiftModifier()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0x2A, 0x0F);
            Assert.Equal(ConsoleKey.Tab, k.Key);
            Assert.Equal(ConsoleModifiers.Shift, k.Modifiers);
        }

        [Fact]
        public void FunctionKeys_F1ToF12()
        {
            var d = new ScanCodeSet1Decoder();
            var keys = Feed(d, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58);
            Assert.Equal(12, keys.Count);
            for (int i = 0; i < 12; i++) Assert.Equal(ConsoleKey.F1 + i, keys[i].Key);
        }

        [Fact]
        public void AllPunctuation_UnshiftedAndShifted()
        {
            byte[] codes = { 0x29, 0x0C, 0x0D, 0x1A, 0x1B, 0x2B, 0x27, 0x28, 0x33, 0x34, 0x35 };
            var d = new ScanCodeSet1Decoder();
            var plain = Feed(d, codes);
            Assert.Equal("`-=[]\\;',./", new string(plain.ConvertAll(k => k.KeyChar).ToArray()));
            Feed(d, 0x2A);
            var shifted = Feed(d, codes);
            Assert.Equal("~_+{}|:\"<>?", new string(shifted.ConvertAll(k => k.KeyChar).ToArray()));
            Assert.Equal(ConsoleKey.Oem3, plain[0].Key);
            Assert.Equal(ConsoleKey.Oem5, plain[5].Key);
            Assert.Equal(ConsoleKey.Oem2, plain[10].Key);
        }

        [Fact]
        public void Digits_AllMapped()
        {
            var d = new ScanCodeSet1Decoder();
            var keys = Feed(d, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B);
            Assert.Equal("1234567890", new string(keys.ConvertAll(k => k.KeyChar).ToArray()));
            Feed(d, 0x2A);
            keys = Feed(d, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B);
            Assert.Equal("!@#$%^&*()", new string(keys.ConvertAll(k => k.KeyChar).ToArray()));
        }

        [Fact]
        public void AllLetters_MapToTheirConsoleKey()
        {
            byte[] codes = { 0x1E, 0x30, 0x2E, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32,
                             0x31, 0x18, 0x19, 0x10, 0x13, 0x1F, 0x14, 0x16, 0x2F, 0x11, 0x2D, 0x15, 0x2C };
            var keys = Feed(new ScanCodeSet1Decoder(), codes);
            Assert.Equal(26, keys.Count);
            for (int i = 0; i < 26; i++)
            {
                Assert.Equal(ConsoleKey.A + i, keys[i].Key);
                Assert.Equal((char)('a' + i), keys[i].KeyChar);
            }
        }

        [Fact]
        public void Releases_ProduceNothing()
        {
            var d = new ScanCodeSet1Decoder();
            Assert.Empty(Feed(d, 0x9E, 0x90, 0xE0, 0xC8, 0xAA, 0xB6, 0x9D, 0xB8));
        }

        [Fact]
        public void PrintScreen_FakeShiftIgnored()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA);
            Assert.Equal(ConsoleKey.PrintScreen, k.Key);
            Assert.False(d.Shift);
            Assert.Equal('a', Single(d, 0x1E).KeyChar);
        }

        [Fact]
        public void Pause_SixByteSequence()
        {
            var d = new ScanCodeSet1Decoder();
            var k = Single(d, 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
            Assert.Equal(ConsoleKey.Pause, k.Key);
            Assert.False(d.Control);  // the embedded 1D/9D are not Ctrl
            Assert.False(d.NumLock);  // nor is the 45 Num Lock
        }

        [Fact]
        public void OddBytes_AreIgnoredSafely()
        {
            var d = new ScanCodeSet1Decoder();
            Assert.Empty(Feed(d, 0x00, 0xFF, 0xFA, 0xFE, 0xEE, 0x59, 0x7F, 0x54, 0x55, 0xE0, 0x6F, 0xE0, 0x20, 0xE1, 0xB0));
            // State is sane afterwards.
            Assert.Equal('a', Single(d, 0x1E).KeyChar);
        }

        [Fact]
        public void EveryByteValue_NeverThrows()
        {
            var d = new ScanCodeSet1Decoder();
            var rng = new Random(1234);
            for (int i = 0; i < 20000; i++) d.TryDecode((byte)rng.Next(256), out _);
            for (int b = 0; b < 256; b++) { d.TryDecode(0xE0, out _); d.TryDecode((byte)b, out _); }
        }

        [Fact]
        public void Oem102Key()
        {
            var k = Single(new ScanCodeSet1Decoder(), 0x56);
            Assert.Equal(ConsoleKey.Oem102, k.Key);
            Assert.Equal('\\', k.KeyChar);
        }

        [Fact]
        public void Reset_ClearsModifiersKeepsLocks()
        {
            var d = new ScanCodeSet1Decoder();
            Feed(d, 0x2A, 0x1D, 0x3A);
            d.Reset();
            Assert.False(d.Shift);
            Assert.False(d.Control);
            Assert.True(d.CapsLock);
        }
    }
}
