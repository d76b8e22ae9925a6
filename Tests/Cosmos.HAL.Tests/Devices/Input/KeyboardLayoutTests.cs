using System;
using System.Text;
using Cosmos.HAL.Devices.Input;
using Xunit;

namespace Cosmos.HAL.Tests.Devices.Input
{
    /// <summary>Layouts through the scan code decoder: what a typist gets on US, GB, DE, FR, ES and TR keyboards.</summary>
    public class KeyboardLayoutTests
    {
        private const byte LShift = 0x2A, RAltPrefix = 0xE0, Alt = 0x38, CapsLock = 0x3A, Space = 0x39;

        /// <summary>Types scan codes (a byte ≥ 0x80 is a release); returns the characters produced.</summary>
        private static string Type(KeyboardLayout layout, params byte[] codes)
        {
            var d = new ScanCodeSet1Decoder { Layout = layout };
            var sb = new StringBuilder();
            foreach (var c in codes)
            {
                if (d.TryDecode(c, out var k)) sb.Append(k.KeyChar);
                while (d.TryTakeQueued(out var q)) sb.Append(q.KeyChar);
            }
            return sb.ToString();
        }

        private static byte[] Press(params byte[] makes)
        {
            var r = new byte[makes.Length * 2];
            for (int i = 0; i < makes.Length; i++) { r[2 * i] = makes[i]; r[2 * i + 1] = (byte)(makes[i] | 0x80); }
            return r;
        }

        private static byte[] Shifted(byte make) => new byte[] { LShift, make, (byte)(make | 0x80), LShift | 0x80 };
        private static byte[] AltGr(byte make) => new byte[] { RAltPrefix, Alt, make, (byte)(make | 0x80), RAltPrefix, Alt | 0x80 };
        private static byte[] Cat(params byte[][] parts) { var l = new System.Collections.Generic.List<byte>(); foreach (var p in parts) l.AddRange(p); return l.ToArray(); }

        [Fact]
        public void UsIsTheDefaultAndUnchanged()
        {
            Assert.Equal("qwerty", Type(KeyboardLayout.US, Press(0x10, 0x11, 0x12, 0x13, 0x14, 0x15)));
            Assert.Equal("@", Type(KeyboardLayout.US, Shifted(0x03)));
            Assert.Equal(KeyboardLayout.US, new ScanCodeSet1Decoder().Layout);
        }

        [Fact]
        public void GermanSwapsYAndZHasUmlautsAltGrAndDeadKeys()
        {
            var de = KeyboardLayout.DE;
            Assert.Equal("zy", Type(de, Press(0x15, 0x2C)));
            Assert.Equal("üöäß", Type(de, Press(0x1A, 0x27, 0x28, 0x0C)));
            Assert.Equal("ÜÖÄ", Type(de, Cat(Shifted(0x1A), Shifted(0x27), Shifted(0x28))));
            Assert.Equal("@€{}\\|", Type(de, Cat(AltGr(0x10), AltGr(0x12), AltGr(0x08), AltGr(0x0B), AltGr(0x0C), AltGr(0x56))));
            Assert.Equal("é", Type(de, Press(0x0D, 0x12)));                          // ´ then e
            Assert.Equal("è", Type(de, Cat(Shifted(0x0D), Press(0x12))));              // ` then e
            Assert.Equal("ô", Type(de, Press(0x29, 0x18)));                          // ^ then o
            Assert.Equal("^", Type(de, Press(0x29, Space)));                          // ^ then space: the accent
            Assert.Equal("´x", Type(de, Press(0x0D, 0x2D)));                          // ´ then x: both
            Assert.Equal("Ü", Type(de, Cat(Press(CapsLock), Press(0x1A))));          // Caps Lock capitalises umlauts
        }

        [Fact]
        public void FrenchIsAzertyWithDigitsOnShiftAndCircumflexDiaeresis()
        {
            var fr = KeyboardLayout.FR;
            Assert.Equal("azerty", Type(fr, Press(0x10, 0x11, 0x12, 0x13, 0x14, 0x15)));
            Assert.Equal("qwm", Type(fr, Press(0x1E, 0x2C, 0x27)));
            Assert.Equal("&é\"'", Type(fr, Press(0x02, 0x03, 0x04, 0x05)));
            Assert.Equal("1234", Type(fr, Cat(Shifted(0x02), Shifted(0x03), Shifted(0x04), Shifted(0x05))));
            Assert.Equal("@#{", Type(fr, Cat(AltGr(0x0B), AltGr(0x04), AltGr(0x05))));
            Assert.Equal("ê", Type(fr, Press(0x1A, 0x12)));                          // ^ then e
            Assert.Equal("ï", Type(fr, Cat(Shifted(0x1A), Press(0x17))));             // ¨ then i
            Assert.Equal("ù", Type(fr, Press(0x28)));
        }

        [Fact]
        public void SpanishHasEnyeCedillaAndInvertedMarks()
        {
            var es = KeyboardLayout.ES;
            Assert.Equal("ñç¡º", Type(es, Press(0x27, 0x2B, 0x0D, 0x29)));
            Assert.Equal("¿", Type(es, Shifted(0x0D)));
            Assert.Equal("ó", Type(es, Press(0x28, 0x18)));                          // ´ then o
            Assert.Equal("à", Type(es, Press(0x1A, 0x1E)));                          // ` then a
            Assert.Equal("ü", Type(es, Cat(Shifted(0x28), Press(0x16))));             // ¨ then u
            Assert.Equal("@", Type(es, AltGr(0x03)));
        }

        [Fact]
        public void TurkishHasDottedAndDotlessI()
        {
            var tr = KeyboardLayout.TR;
            Assert.Equal("ıi", Type(tr, Press(0x17, 0x28)));
            Assert.Equal("Iİ", Type(tr, Cat(Shifted(0x17), Shifted(0x28))));
            Assert.Equal("Iİ", Type(tr, Cat(Press(CapsLock), Press(0x17, 0x28))));
            Assert.Equal("ğüşöç", Type(tr, Press(0x1A, 0x1B, 0x27, 0x33, 0x34)));
        }

        [Fact]
        public void DutchHasAtBesideOneAndDeadDiaeresisAcuteTilde()
        {
            var nl = KeyboardLayout.NL;
            Assert.Equal("@/+<]", Type(nl, Press(0x29, 0x0C, 0x27, 0x2B, 0x56)));
            Assert.Equal("§\"±=", Type(nl, Cat(Shifted(0x29), Shifted(0x03), Shifted(0x27), Shifted(0x35))));
            Assert.Equal("ë", Type(nl, Press(0x1A, 0x12)));                          // ¨ then e
            Assert.Equal("é", Type(nl, Press(0x28, 0x12)));                          // ´ then e
            Assert.Equal("ñ", Type(nl, Cat(Shifted(0x0D), Press(0x31))));             // ~ then n
            Assert.Equal("€{}", Type(nl, Cat(AltGr(0x12), AltGr(0x09), AltGr(0x0A))));
        }

        [Fact]
        public void BritishMovesAtQuotePoundAndHash()
        {
            var gb = KeyboardLayout.GB;
            Assert.Equal("\"£@~", Type(gb, Cat(Shifted(0x03), Shifted(0x04), Shifted(0x28), Shifted(0x2B))));
            Assert.Equal("#\\", Type(gb, Press(0x2B, 0x56)));
            Assert.Equal("€", Type(gb, AltGr(0x05)));
        }

        [Fact]
        public void LayoutsByNameAndTheirLetterKeys()
        {
            Assert.Same(KeyboardLayout.GB, KeyboardLayout.ByName("uk"));
            Assert.Null(KeyboardLayout.ByName("klingon"));
            var d = new ScanCodeSet1Decoder { Layout = KeyboardLayout.FR };
            Assert.True(d.TryDecode(0x10, out var k));
            Assert.Equal(ConsoleKey.A, k.Key);                                           // the key that types 'a'
        }
    }
}
