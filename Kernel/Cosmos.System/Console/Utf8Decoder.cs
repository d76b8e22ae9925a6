using System;

namespace Cosmos.System.ConsoleIO
{
    /// <summary>
    /// Incremental UTF-8 decoder: bytes go in one at a time (a sequence may be split across
    /// writes), Unicode scalar values come out. Ill-formed input becomes U+FFFD using the
    /// "maximal subpart" rule of Unicode §3.9 (Table 3-7 gives the valid second-byte ranges, so
    /// overlong forms, surrogates and values above U+10FFFF are rejected at the byte where they
    /// become impossible; that byte is then decoded afresh). Pure logic: no allocation, no I/O.
    /// </summary>
    public sealed class Utf8Decoder
    {
        /// <summary>U+FFFD REPLACEMENT CHARACTER.</summary>
        public const int Replacement = 0xFFFD;

        private int _need;     // continuation bytes still expected
        private int _value;    // scalar bits collected so far
        private byte _lower = 0x80, _upper = 0xBF; // allowed range of the next continuation byte

        /// <summary>True while a multi-byte sequence is incomplete.</summary>
        public bool IsPending => _need != 0;

        /// <summary>Forgets an incomplete sequence.</summary>
        public void Reset()
        {
            _need = 0;
            _value = 0;
            _lower = 0x80;
            _upper = 0xBF;
        }

        /// <summary>
        /// Feeds one byte. Writes the scalar values it completes to <paramref name="scalars"/>
        /// (which must hold at least 2) and returns how many: 0 (sequence continues), 1, or 2
        /// (U+FFFD for a broken sequence followed by the decoded byte itself).
        /// </summary>
        public int Push(byte b, Span<int> scalars)
        {
            if (_need != 0)
            {
                if (b >= _lower && b <= _upper)
                {
                    _value = (_value << 6) | (b & 0x3F);
                    _lower = 0x80;
                    _upper = 0xBF;
                    if (--_need == 0)
                    {
                        scalars[0] = _value;
                        _value = 0;
                        return 1;
                    }
                    return 0;
                }
                // The sequence is broken: report it, then treat b as the start of something new.
                Reset();
                scalars[0] = Replacement;
                return 1 + Start(b, scalars.Slice(1));
            }
            return Start(b, scalars);
        }

        /// <summary>Ends the input: returns U+FFFD when a sequence was left incomplete (and resets), else -1.</summary>
        public int Flush()
        {
            if (_need == 0) return -1;
            Reset();
            return Replacement;
        }

        private int Start(byte b, Span<int> scalars)
        {
            if (b < 0x80) { scalars[0] = b; return 1; }
            if (b >= 0xC2 && b <= 0xDF) { Begin(1, b & 0x1F, 0x80, 0xBF); return 0; }
            if (b == 0xE0) { Begin(2, b & 0x0F, 0xA0, 0xBF); return 0; }
            if (b == 0xED) { Begin(2, b & 0x0F, 0x80, 0x9F); return 0; }
            if (b >= 0xE1 && b <= 0xEF) { Begin(2, b & 0x0F, 0x80, 0xBF); return 0; }
            if (b == 0xF0) { Begin(3, b & 0x07, 0x90, 0xBF); return 0; }
            if (b == 0xF4) { Begin(3, b & 0x07, 0x80, 0x8F); return 0; }
            if (b >= 0xF1 && b <= 0xF3) { Begin(3, b & 0x07, 0x80, 0xBF); return 0; }
            scalars[0] = Replacement; // 0x80-0xC1 (stray continuation, overlong lead), 0xF5-0xFF
            return 1;
        }

        private void Begin(int need, int bits, byte lower, byte upper)
        {
            _need = need;
            _value = bits;
            _lower = lower;
            _upper = upper;
        }
    }
}
