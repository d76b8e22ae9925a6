using System;
using System.Numerics;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// Recomputes every constant LibM hard-codes (π/2, ln 2, 1/ln 10, atan(k/8), the 1408 bits of
    /// 2/π, ...) with BigInteger fixed-point series and checks the double-double splits bit for bit.
    /// </summary>
    public sealed class LibMConstantTests
    {
        private const int P = 1700; // fraction bits of the fixed-point values

        private static BigInteger One(int p) => BigInteger.One << p;

        /// <summary>atan(1/n)·2^p (Gregory series).</summary>
        private static BigInteger AtanInv(int n, int p)
        {
            BigInteger sum = 0, n2 = (BigInteger)n * n, power = One(p) / n;
            for (int k = 0; !power.IsZero; k++)
            {
                BigInteger term = power / (2 * k + 1);
                sum += (k & 1) == 0 ? term : -term;
                power /= n2;
            }
            return sum;
        }

        /// <summary>atanh(1/n)·2^p.</summary>
        private static BigInteger AtanhInv(int n, int p)
        {
            BigInteger sum = 0, n2 = (BigInteger)n * n, power = One(p) / n;
            for (int k = 0; !power.IsZero; k++) { sum += power / (2 * k + 1); power /= n2; }
            return sum;
        }

        /// <summary>atan(a/b)·2^p for 0 &lt; a &lt; b.</summary>
        private static BigInteger AtanRational(int a, int b, int p)
        {
            BigInteger sum = 0, power = (BigInteger)a * One(p) / b, a2 = (BigInteger)a * a, b2 = (BigInteger)b * b;
            for (int k = 0; !power.IsZero; k++)
            {
                BigInteger term = power / (2 * k + 1);
                sum += (k & 1) == 0 ? term : -term;
                power = power * a2 / b2;
            }
            return sum;
        }

        private static BigInteger Pi(int p) => 16 * AtanInv(5, p + 8) - 4 * AtanInv(239, p + 8) >> 8; // Machin
        private static BigInteger Ln2(int p) => 2 * AtanhInv(3, p + 8) >> 8;                        // ln 2 = 2·atanh(1/3)
        private static BigInteger Ln10(int p) => (3 * 2 * AtanhInv(3, p + 8) + 2 * AtanhInv(9, p + 8)) >> 8; // 3·ln 2 + ln(5/4)

        /// <summary>The double nearest to v·2^-p (round to nearest even; v ≠ 0, normal range).</summary>
        private static double ToDouble(BigInteger v, int p)
        {
            if (v.IsZero) return 0;
            int sign = v.Sign; v = BigInteger.Abs(v);
            int len = (int)v.GetBitLength();
            int shift = len - 54;
            BigInteger top = shift >= 0 ? v >> shift : v << -shift;
            bool sticky = shift > 0 && !(v & ((BigInteger.One << shift) - 1)).IsZero;
            long m = (long)(top >> 1);
            if (!(top & 1).IsZero && (sticky || (m & 1) != 0)) m++;
            return sign * Math.ScaleB(m, shift + 1 - p);
        }

        /// <summary>d·2^p exactly (d must be a multiple of 2^-p).</summary>
        private static BigInteger Exact(double d, int p)
        {
            long bits = BitConverter.DoubleToInt64Bits(d);
            int exp = (int)((bits >> 52) & 0x7FF);
            long mant = (bits & 0xFFFFFFFFFFFFFL) | (exp != 0 ? 1L << 52 : 0);
            int e = (exp == 0 ? -1074 : exp - 1075) + p;
            BigInteger r = e >= 0 ? (BigInteger)mant << e : (BigInteger)mant >> -e;
            return bits < 0 ? -r : r;
        }

        private static void AssertSplit(string name, BigInteger v, double hi, double lo, int p = P)
        {
            double h = ToDouble(v, p);
            double l = ToDouble(v - Exact(h, p), p);
            Assert.True(h == hi, $"{name} hi: {hi:R}, expected {h:R}");
            Assert.True(l == lo, $"{name} lo: {lo:R}, expected {l:R}");
        }

        [Fact]
        public void SeriesAreRight()
        {
            // sanity of the oracle itself
            Assert.Equal(Math.PI, ToDouble(Pi(P), P));
            Assert.Equal(Math.Log(2), ToDouble(Ln2(P), P));
            Assert.Equal(Math.Log(10), ToDouble(Ln10(P), P));
            Assert.Equal(Math.Atan(0.375), ToDouble(AtanRational(3, 8, 300), 300));
        }

        [Fact]
        public void PiAndLogConstants()
        {
            BigInteger pi = Pi(P), ln2 = Ln2(P), ln10 = Ln10(P);
            AssertSplit("π", pi, LibM.PI_HI, LibM.PI_LO);
            AssertSplit("π/2", pi >> 1, LibM.PIO2_HI, LibM.PIO2_LO);
            AssertSplit("π/4", pi >> 2, LibM.PIO4_HI, LibM.PIO4_LO);
            Assert.Equal(LibM.THREEPIO4, ToDouble(3 * pi >> 2, P));
            AssertSplit("1/ln 2", (One(2 * P) / ln2), LibM.INVLN2, LibM.INVLN2_LO);
            AssertSplit("1/ln 10", (One(2 * P) / ln10), LibM.INVLN10, LibM.INVLN10_LO);
            AssertSplit("1/6", One(P) / 6, LibM.SIXTH_HI, LibM.SIXTH_LO);
            Assert.Equal(LibM.F4_LO, ToDouble(One(P) / 24 - Exact(1.0 / 24, P), P));
            Assert.Equal(LibM.F5_LO, ToDouble(One(P) / 120 - Exact(1.0 / 120, P), P));
            // √2: floor(√(2·2^2P)) by Newton
            BigInteger two = 2 * One(2 * P), s = One(P) * 3 / 2;
            for (int i = 0; i < 40; i++) s = (s + two / s) >> 1;
            Assert.Equal(LibM.SQRT2, ToDouble(s, P));

            // ln 2 = LN2_HI + LN2_LO with LN2_HI on 42 significant bits (k·LN2_HI exact for |k| < 2^11)
            Assert.Equal(0L, BitConverter.DoubleToInt64Bits(LibM.LN2_HI) & 0x7FF);
            BigInteger rest = ln2 - Exact(LibM.LN2_HI, P);
            Assert.True(BigInteger.Abs(rest) < (One(P) >> 42), "LN2_HI is ln 2 to 42 bits");
            Assert.Equal(LibM.LN2_LO, ToDouble(rest, P));
        }

        [Fact]
        public void AtanTable()
        {
            ReadOnlySpan<double> t = LibM.AtanTable;
            Assert.Equal(18, t.Length);
            Assert.Equal(0.0, t[0]); Assert.Equal(0.0, t[1]);
            const int p = 320;
            for (int k = 1; k <= 8; k++)
            {
                BigInteger v = k == 8 ? Pi(p) >> 2 : AtanRational(k, 8, p);
                AssertSplit($"atan({k}/8)", v, t[2 * k], t[2 * k + 1], p);
            }
        }

        [Fact]
        public void TwoOverPiBits()
        {
            ReadOnlySpan<ulong> words = LibM.TwoOverPiBits;
            Assert.Equal(0UL, words[0]); // the 64 leading zero bits
            int n = 64 * (words.Length - 1);
            BigInteger bits = One(n + 1 + P) / Pi(P); // floor(2/π·2^n)
            for (int i = 1; i < words.Length; i++)
            {
                ulong expected = (ulong)((bits >> (64 * (words.Length - 1 - i))) & ulong.MaxValue);
                Assert.True(expected == words[i], $"word {i}: 0x{words[i]:X16}, expected 0x{expected:X16}");
            }
        }
    }
}
