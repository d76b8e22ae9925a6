using System;

namespace Cosmos.HAL.Devices.Input
{
    /// <summary>
    /// The characters a keyboard layout puts on the keys of a 102/105-key PC keyboard, by scan code set 1 make code
    /// (0x00–0x58; '\0' = no character): plain, with Shift, and with AltGr (right Alt, or Ctrl+Alt), plus the layout's
    /// dead keys (accents that combine with the next key). Letters follow Caps Lock (the Shift column gives the capital,
    /// so Turkish ı/I and i/İ come out right). Layouts as the standard Windows/Linux ones of the same names (KBDUS, KBDUK,
    /// KBDGR, KBDFR, KBDSP, KBDTUQ; Dutch as xkb "nl"). Pure: host-tested.
    /// </summary>
    public sealed class KeyboardLayout
    {
        /// <summary>Layout name ("US", "GB", "DE", "FR", "ES", "TR").</summary>
        public string Name { get; }
        internal readonly char[] Normal, Shifted, AltGr;
        /// <summary>The characters that are dead keys on this layout.</summary>
        public string DeadKeys { get; }

        private KeyboardLayout(string name, char[] normal, char[] shifted, char[] altGr, string deadKeys)
        {
            Name = name; Normal = normal; Shifted = shifted; AltGr = altGr; DeadKeys = deadKeys ?? "";
        }

        /// <summary>The character of make code <paramref name="make"/> (shift, AltGr as held), or '\0'.</summary>
        public char CharFor(byte make, bool shift, bool altGr, bool capsLock)
        {
            if (make >= Normal.Length) return '\0';
            if (altGr) return AltGr[make];
            char n = Normal[make], s = Shifted[make];
            if (char.IsLetter(n) && char.IsLetter(s) && n != s) return shift ^ capsLock ? s : n;
            return shift ? s : n;
        }

        /// <summary>True when <paramref name="c"/> is a dead key of this layout.</summary>
        public bool IsDead(char c) => c != '\0' && DeadKeys.IndexOf(c) >= 0;

        /// <summary>
        /// Combines dead key <paramref name="dead"/> with <paramref name="c"/> (ISO 8859/Unicode precomposed letters):
        /// the composed letter, the accent itself for a space, or '\0' when they do not combine.
        /// </summary>
        public static char Compose(char dead, char c)
        {
            if (c == ' ') return dead switch { '^' => '^', '`' => '`', '´' => '´', '¨' => '¨', '~' => '~', _ => '\0' };
            string from, to;
            switch (dead)
            {
                case '´': from = "aeiouyAEIOUY"; to = "áéíóúýÁÉÍÓÚÝ"; break;
                case '`': from = "aeiouAEIOU"; to = "àèìòùÀÈÌÒÙ"; break;
                case '^': from = "aeiouAEIOU"; to = "âêîôûÂÊÎÔÛ"; break;
                case '¨': from = "aeiouyAEIOU"; to = "äëïöüÿÄËÏÖÜ"; break;
                case '~': from = "anoANO"; to = "ãñõÃÑÕ"; break;
                default: return '\0';
            }
            int i = from.IndexOf(c);
            return i < 0 ? '\0' : to[i];
        }

        // US: make codes 0x00-0x58. Keypad and function keys carry no layout characters here (the decoder handles them).
        private const string UsNormal =
            "\0\u001b1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 \0" +
            "\0\0\0\0\0\0\0\0\0\0\0\0" + "789-456+1230." + "\0\0\\\0\0";
        private const string UsShifted =
            "\0\u001b!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 \0" +
            "\0\0\0\0\0\0\0\0\0\0\0\0" + "789-456+1230." + "\0\0|\0\0";

        private static KeyboardLayout Build(string name, string deadKeys, params (byte Make, char Normal, char Shift, char AltGr)[] keys)
        {
            char[] n = UsNormal.ToCharArray(), s = UsShifted.ToCharArray(), a = new char[n.Length];
            foreach (var k in keys) { n[k.Make] = k.Normal; s[k.Make] = k.Shift; a[k.Make] = k.AltGr; }
            return new KeyboardLayout(name, n, s, a, deadKeys);
        }

        private static (byte, char, char, char)[] Row(byte first, string normal, string shift, string altGr = null)
        {
            var r = new (byte, char, char, char)[normal.Length];
            for (int i = 0; i < normal.Length; i++) r[i] = ((byte)(first + i), normal[i], shift[i], altGr != null && altGr[i] != ' ' ? altGr[i] : '\0');
            return r;
        }

        private static (byte, char, char, char)[] Join(params (byte, char, char, char)[][] parts)
        {
            int n = 0;
            foreach (var p in parts) n += p.Length;
            var all = new (byte, char, char, char)[n];
            int at = 0;
            foreach (var p in parts) { p.CopyTo(all, at); at += p.Length; }
            return all;
        }

        /// <summary>US (QWERTY, KBDUS).</summary>
        public static readonly KeyboardLayout US = Build("US", "");

        /// <summary>United Kingdom (QWERTY, KBDUK): £ on Shift+3, @ and " swapped, # and ~ beside Enter, \ | on the 102nd key, € on AltGr+4.</summary>
        public static readonly KeyboardLayout GB = Build("GB", "", Join(
            Row(0x02, "1234567890-=", "!\"£$%^&*()_+", "   €        "),
            Row(0x28, "'`", "@¬", " ¦"),
            Row(0x2B, "#", "~"),
            Row(0x56, "\\", "|")));

        /// <summary>German (QWERTZ, KBDGR): ß, umlauts, dead ^ ´ `, AltGr for { [ ] } \ @ € ~ | µ ² ³.</summary>
        public static readonly KeyboardLayout DE = Build("DE", "^´`", Join(
            Row(0x02, "1234567890ß´", "!\"§$%&/()=?`", " ²³   {[]}\\ "),
            Row(0x10, "qwertzuiopü+", "QWERTZUIOPÜ*", "@ €        ~"),
            Row(0x1E, "asdfghjklöä^", "ASDFGHJKLÖÄ°"),
            Row(0x2B, "#", "'"),
            Row(0x2C, "yxcvbnm,.-", "YXCVBNM;:_", "      µ   "),
            Row(0x56, "<", ">", "|")));

        /// <summary>French (AZERTY, KBDFR): digits on Shift, dead ^ ¨ (and ~ ` on AltGr), AltGr for # { [ | \ @ ] } € ¤.</summary>
        public static readonly KeyboardLayout FR = Build("FR", "^¨~`", Join(
            Row(0x02, "&é\"'(-è_çà)=", "1234567890°+", " ~#{[|`\\^@]}"),
            Row(0x10, "azertyuiop^$", "AZERTYUIOP¨£", "  €        ¤"),
            Row(0x1E, "qsdfghjklmù²", "QSDFGHJKLM%\0"),
            Row(0x2B, "*", "µ"),
            Row(0x2C, "wxcvbn,;:!", "WXCVBN?./§"),
            Row(0x56, "<", ">")));

        /// <summary>Spanish (QWERTY, KBDSP): ñ, ç, dead ` ^ ´ ¨, ¡ ¿ º ª, AltGr for | @ # ~ € ¬ [ ] { } \.</summary>
        public static readonly KeyboardLayout ES = Build("ES", "`^´¨", Join(
            Row(0x02, "1234567890'¡", "!\"·$%&/()=?¿", "|@#~ ¬      "),
            Row(0x10, "qwertyuiop`+", "QWERTYUIOP^*", "  €       []"),
            Row(0x1E, "asdfghjklñ´º", "ASDFGHJKLÑ¨ª", "          {\\"),
            Row(0x2B, "ç", "Ç", "}"),
            Row(0x2C, "zxcvbnm,.-", "ZXCVBNM;:_"),
            Row(0x56, "<", ">")));

        /// <summary>Turkish Q (KBDTUQ): ğ ü ş i ö ç, dotless ı with capital I and dotted i with capital İ.</summary>
        public static readonly KeyboardLayout TR = Build("TR", "", Join(
            Row(0x02, "1234567890*-", "!'^+%&/()=?_", "      {[]}\\ "),
            Row(0x10, "qwertyuıopğü", "QWERTYUIOPĞÜ", "@ €        ~"),
            Row(0x1E, "asdfghjklşi\"", "ASDFGHJKLŞİé"),
            Row(0x2B, ",", ";"),
            Row(0x2C, "zxcvbnmöç.", "ZXCVBNMÖÇ:"),
            Row(0x56, "<", ">", "|")));

        /// <summary>Dutch (QWERTY, xkb "nl"): @ § beside 1, / ° and dead ~ by Backspace, dead ¨ ^ ´ `, + ±, AltGr for ² ¾ £ { } \ € ü ï ò á ñ µ.</summary>
        public static readonly KeyboardLayout NL = Build("NL", "¨^~´`", Join(
            Row(0x02, "1234567890/°", "!\"#$%&_()'?~", " ²   ¾£{}°\\ "),
            Row(0x10, "qwertyuiop¨*", "QWERTYUIOP^|", "  € þÿüïò¶~ "),
            Row(0x1E, "asdfghjkl+´@", "ASDFGHJKL±`§", "á  ª      '¬"),
            Row(0x2B, "<", ">"),
            Row(0x2C, "zxcvbnm,.-", "ZXCVBNM;:=", "   “”ñµ¸· "),
            Row(0x56, "]", "[", "|")));

        /// <summary>The layout named <paramref name="name"/> (case-insensitive: US, GB or UK, DE, FR, ES, TR, NL), or null.</summary>
        public static KeyboardLayout ByName(string name) => name?.ToUpperInvariant() switch
        {
            "US" => US, "GB" or "UK" => GB, "DE" => DE, "FR" => FR, "ES" => ES, "TR" => TR, "NL" => NL, _ => null,
        };
    }
}
