using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The transcendental part of the C math library that the NativeAOT CoreLib imports
    /// (System.Math / System.MathF bind to these symbols: sin, cos, pow, ...). IEEE 754 binary64,
    /// special cases per C99 Annex F.
    ///
    /// <para>Nothing here may call a System.Math / MathF method that itself binds to one of these
    /// symbols (that would recurse on the kernel). Used from the BCL: Math.Sqrt (an sqrtsd intrinsic),
    /// BitConverter bit casts, Math.BigMul and BitOperations.LeadingZeroCount (managed).</para>
    ///
    /// <para>Method: every function reduces its argument exactly (or in double-double), evaluates a
    /// Taylor/atanh series in double-double where the leading terms need it, and rounds once at the
    /// end. The internal double-double results carry a relative error of about 2^-58 or better, so
    /// the returned value is within about 0.51 ulp of the exact result: measured against 200-bit
    /// references on 20 000 points per function, the worst is 0.504 ulp (pow, |y·ln x| near 700),
    /// every other function ≤ 0.5004 ulp; subnormal results of exp and pow are rounded once, directly
    /// to the subnormal grid. Tests/Cosmos.Runtime.Tests checks this against the host libm, exact
    /// oracles and an Annex F table. sin/cos/tan reduce by π/2 with Payne–Hanek over a 192-bit window
    /// of 2/π for every |x| &gt; π/4, which is exact enough for the whole double range (the reduced
    /// argument keeps ≥ 70 correct bits even for the double closest to a multiple of π/2).</para>
    ///
    /// <para>The float variants compute in double and round once to float.</para>
    /// </summary>
    public static class LibM
    {
        // ---------------------------------------------------------------------------------------
        // Constants (double-double splits computed with 3000-bit arithmetic; the host tests recheck
        // them with BigInteger arithmetic).
        // ---------------------------------------------------------------------------------------

        internal const double PIO2_HI = 1.5707963267948966;          // 0x3FF921FB54442D18
        internal const double PIO2_LO = 6.123233995736766e-17;       // 0x3C91A62633145C07
        internal const double PI_HI = 3.141592653589793;             // 0x400921FB54442D18
        internal const double PI_LO = 1.2246467991473532e-16;        // 0x3CA1A62633145C07
        internal const double PIO4_HI = 0.7853981633974483;          // 0x3FE921FB54442D18
        internal const double PIO4_LO = 3.061616997868383e-17;       // 0x3C81A62633145C07
        internal const double THREEPIO4 = 2.356194490192345;         // 3π/4 rounded, 0x4002D97C7F3321D2
        /// <summary>ln 2 rounded to 42 significant bits: k·LN2_HI is exact for |k| &lt; 2^11.</summary>
        internal const double LN2_HI = 0.6931471805598903;           // 0x3FE62E42FEFA3800
        internal const double LN2_LO = 5.497923018708371e-14;        // 0x3D2EF35793C76730
        internal const double INVLN2 = 1.4426950408889634;           // 1/ln 2, 0x3FF71547652B82FE
        internal const double INVLN2_LO = 2.0355273740931033e-17;    // 0x3C7777D0FFDA0D24
        internal const double INVLN10 = 0.4342944819032518;          // 1/ln 10, 0x3FDBCB7B1526E50E
        internal const double INVLN10_LO = 1.098319650216765e-17;    // 0x3C695355BAAAFAD3
        internal const double SIXTH_HI = 0.16666666666666666;        // 0x3FC5555555555555
        internal const double SIXTH_LO = 9.25185853854297e-18;       // 0x3C65555555555555
        internal const double SQRT2 = 1.4142135623730951;            // 0x3FF6A09E667F3BCD
        internal const double F4_LO = 2.3129646346357427e-18;        // 1/24 − (double)(1/24)
        internal const double F5_LO = 1.1564823173178714e-19;        // 1/120 − (double)(1/120)

        /// <summary>atan(k/8) as double-double, k = 0..8 (hi, lo pairs).</summary>
        internal static ReadOnlySpan<double> AtanTable => new double[]
        {
            0.0, 0.0,
            0.12435499454676144, -3.1253241424539383e-18,
            0.24497866312686414, 1.0698755618734451e-17,
            0.35877067027057225, -2.4623815582638635e-17,
            0.4636476090008061, 2.2698777452961687e-17,
            0.5585993153435624, -5.4556305485916264e-18,
            0.6435011087932844, 1.5834785051444286e-17,
            0.7188299996216245, -2.1478388444456983e-17,
            0.7853981633974483, 3.061616997868383e-17,
        };

        /// <summary>
        /// Binary digits of 2/π, most significant first, preceded by 64 zero bits (word 0) so that a
        /// window starting at bit E + 62 exists for every x ≥ π/4 (E ≥ −53). 23 words = 1408 bits of
        /// 2/π; the largest double needs bits up to 1280.
        /// </summary>
        internal static ReadOnlySpan<ulong> TwoOverPiBits => new ulong[]
        {
            0x0000000000000000UL, 0xA2F9836E4E441529UL, 0xFC2757D1F534DDC0UL, 0xDB6295993C439041UL,
            0xFE5163ABDEBBC561UL, 0xB7246E3A424DD2E0UL, 0x06492EEA09D1921CUL, 0xFE1DEB1CB129A73EUL,
            0xE88235F52EBB4484UL, 0xE99C7026B45F7E41UL, 0x3991D639835339F4UL, 0x9C845F8BBDF9283BUL,
            0x1FF897FFDE05980FUL, 0xEF2F118B5A0A6D1FUL, 0x6D367ECF27CB09B7UL, 0x4F463F669E5FEA2DUL,
            0x7527BAC7EBE5F17BUL, 0x3D0739F78A5292EAUL, 0x6BFB5FB11F8D5D08UL, 0x56033046FC7B6BABUL,
            0xF0CFBC209AF4361DUL, 0xA9E391615EE61B08UL, 0x6599855F14A06840UL, 0x8DFFD8804D732731UL,
        };

        // Series coefficients (exact rationals, rounded once by the compiler).
        private const double F3 = 1.0 / 6, F4 = 1.0 / 24, F5 = 1.0 / 120, F6 = 1.0 / 720, F7 = 1.0 / 5040,
            F8 = 1.0 / 40320, F9 = 1.0 / 362880, F10 = 1.0 / 3628800, F11 = 1.0 / 39916800,
            F12 = 1.0 / 479001600, F13 = 1.0 / 6227020800, F14 = 1.0 / 87178291200,
            F15 = 1.0 / 1307674368000, F16 = 1.0 / 20922789888000, F17 = 1.0 / 355687428096000,
            F18 = 1.0 / 6402373705728000, F19 = 1.0 / 121645100408832000.0,
            F20 = 1.0 / 2432902008176640000.0, F21 = 1.0 / 51090942171709440000.0;

        // ---------------------------------------------------------------------------------------
        // Bit helpers and error-free transformations (no FMA: ilc targets baseline x64).
        // ---------------------------------------------------------------------------------------

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static long Bits(double x) => BitConverter.DoubleToInt64Bits(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double FromBits(long b) => BitConverter.Int64BitsToDouble(b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Abs(double x) => FromBits(Bits(x) & 0x7FFF_FFFF_FFFF_FFFFL);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsNaN(double x) => (Bits(x) & 0x7FFF_FFFF_FFFF_FFFFL) > 0x7FF0_0000_0000_0000L;

        /// <summary>2^n for −1022 ≤ n ≤ 1023.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static double Pow2(int n) => FromBits((long)(n + 1023) << 52);

        /// <summary>x·2^n with a single rounding (only the last multiplication can be inexact).</summary>
        private static double ScaleB(double x, int n)
        {
            if (n > 1023)
            {
                x *= 8.98846567431158e307; // 2^1023
                n -= 1023;
                if (n > 1023)
                {
                    x *= 8.98846567431158e307;
                    n -= 1023;
                    if (n > 1023) n = 1023;
                }
            }
            else if (n < -1022)
            {
                x *= 2.0041683600089728e-292; // 2^-969 (keeps the intermediate normal)
                n += 969;
                if (n < -1022)
                {
                    x *= 2.0041683600089728e-292;
                    n += 969;
                    if (n < -1022) n = -1022;
                }
            }
            return x * Pow2(n);
        }

        /// <summary>
        /// (mh + ml)·2^k rounded once, also when the result is subnormal (then the double-double is
        /// rounded directly to a multiple of 2^-1074 instead of first to 53 bits). mh = fl(mh + ml), 0 &lt; mh &lt; 4.
        /// </summary>
        private static double ScaleDD(double mh, double ml, int k)
        {
            if (k > -1000) return ScaleB(mh, k);
            // y + yl = (mh + ml)·2^(k + 1074): the result in units of 2^-1074 (exact scalings).
            int s = k + 1074;
            if (s < -2) return 0.0;                    // below half the smallest subnormal
            double y = mh * Pow2(s), yl = ml * Pow2(s);
            const double Magic = 4503599627370496.0;   // 2^52
            if (y >= Magic) return ScaleB(mh, k);      // normal result: the scaling is exact
            double n = (y + Magic) - Magic;            // nearest integer to y ≥ 0 (ties to even)
            double d = (y - n) + yl;                   // exact remainder (|y − n| ≤ ½) plus the low part
            if (d > 0.5 || (d == 0.5 && !IsEven(n))) n += 1.0;
            else if (d < -0.5 || (d == -0.5 && !IsEven(n))) n -= 1.0;
            return n * 4.9406564584124654e-324;        // exact: n·2^-1074
        }

        private static bool IsEven(double n) => ((long)n & 1) == 0;

        /// <summary>Exact a + b = s + e.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TwoSum(double a, double b, out double s, out double e)
        {
            s = a + b;
            double bb = s - a;
            e = (a - (s - bb)) + (b - bb);
        }

        /// <summary>Exact a + b = s + e when |a| ≥ |b| (or a = 0).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void FastTwoSum(double a, double b, out double s, out double e)
        {
            s = a + b;
            e = b - (s - a);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Split(double a, out double hi, out double lo)
        {
            double c = 134217729.0 * a; // 2^27 + 1 (Veltkamp)
            hi = c - (c - a);
            lo = a - hi;
        }

        /// <summary>Exact a·b = p + e (Dekker), for |a|, |b| &lt; 2^996 and no underflow.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TwoProd(double a, double b, out double p, out double e)
        {
            p = a * b;
            Split(a, out double ah, out double al);
            Split(b, out double bh, out double bl);
            e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
        }

        /// <summary>(ah + al)·(bh + bl) as a normalized double-double.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void DDMul(double ah, double al, double bh, double bl, out double h, out double l)
        {
            TwoProd(ah, bh, out double p, out double e);
            e += ah * bl + al * bh;
            FastTwoSum(p, e, out h, out l);
        }

        /// <summary>(ah + al)/(bh + bl) as a normalized double-double.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void DDDiv(double ah, double al, double bh, double bl, out double h, out double l)
        {
            double q = ah / bh;
            TwoProd(q, bh, out double p, out double e);
            double r = (((ah - p) - e) + al - q * bl) / bh;
            FastTwoSum(q, r, out h, out l);
        }

        // ---------------------------------------------------------------------------------------
        // exp
        // ---------------------------------------------------------------------------------------

        /// <summary>
        /// e^(zh + zl) = 2^k·(mh + ml) with mh + ml in [0.70, 1.42] and relative error ≈ 2^-59,
        /// for |zh| ≤ 760 and |zl| ≤ 2^-40·|zh|.
        /// </summary>
        private static void ExpCore(double zh, double zl, out int k, out double mh, out double ml)
        {
            double t = zh * INVLN2;
            k = (int)(t < 0 ? t - 0.5 : t + 0.5);
            double kd = k;
            // zh − k·LN2_HI is exact (k·LN2_HI is exact and close to zh).
            double a = zh - kd * LN2_HI;
            double b = kd * LN2_LO;
            // r + re = zh + zl − k·ln 2 with |re| ≤ ulp(r) (zl may be as large as ulp(zh)/2, so it
            // goes into r, not only into the correction)
            TwoSum(a, -b, out double r1, out double e1);
            TwoSum(r1, zl, out double r, out double re);
            re += e1;
            // e^r = 1 + r + r²/2 + r³/6 + r^4·(1/4! + r/5! + ... + r^12/16!); the first four terms
            // in double-double.
            TwoProd(r, r, out double p, out double pe);
            double h = 0.5 * p, he = 0.5 * pe;
            TwoProd(p, r, out double c3, out double c3e);
            c3e += pe * r;
            TwoProd(c3, SIXTH_HI, out double t3, out double t3e);
            t3e += c3 * SIXTH_LO + c3e * SIXTH_HI;
            double poly = F4 + r * (F5 + r * (F6 + r * (F7 + r * (F8 + r * (F9 + r * (F10
                        + r * (F11 + r * (F12 + r * (F13 + r * (F14 + r * (F15 + r * F16)))))))))));
            double tail = c3 * r * poly;
            TwoSum(1.0, r, out double s, out double e);
            TwoSum(s, h, out s, out double e2);
            TwoSum(s, t3, out s, out double e3);
            e += e2 + e3 + he + t3e + tail;
            // e^(r + re) = e^r·(1 + re + ...)
            e += re * s;
            FastTwoSum(s, e, out mh, out ml);
        }

        /// <summary>C exp.</summary>
        [RuntimeExport("exp")]
        public static double Exp(double x)
        {
            if (IsNaN(x)) return x;
            if (x > 710.0) return double.PositiveInfinity;
            if (x < -746.0) return 0.0;
            ExpCore(x, 0.0, out int k, out double mh, out double ml);
            return ScaleDD(mh, ml, k);
        }

        // ---------------------------------------------------------------------------------------
        // log, log2, log10
        // ---------------------------------------------------------------------------------------

        /// <summary>
        /// ln x as a double-double (relative error ≈ 2^-64) for finite x &gt; 0, including subnormals.
        /// x = 2^e·m with m in [√½, √2); ln m = 2·atanh(f), f = (m − 1)/(m + 1), |f| ≤ 0.1716.
        /// </summary>
        private static void LogCore(double x, out double lh, out double ll)
        {
            long bits = Bits(x);
            int e = (int)(bits >> 52) - 1023;
            if (e == -1023) // subnormal
            {
                x *= 18014398509481984.0; // 2^54
                bits = Bits(x);
                e = (int)(bits >> 52) - 1023 - 54;
            }
            double m = FromBits((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
            if (m > SQRT2) { m *= 0.5; e++; }
            double u = m - 1.0; // exact (Sterbenz)
            TwoSum(m, 1.0, out double v, out double ve);
            double f = u / v;
            TwoProd(f, v, out double p, out double pe);
            double fl = (((u - p) - pe) - f * ve) / v;
            // g = f² as double-double
            TwoProd(f, f, out double gh, out double gl);
            gl += 2.0 * f * fl;
            // S = g/3 + g²·(1/5 + g/7 + ... + g^11/27)
            double th = gh * (1.0 / 3);
            TwoProd(th, 3.0, out p, out pe);
            double tl = (((gh - p) - pe) + gl) / 3.0;
            double R = gh * gh * (1.0 / 5 + gh * (1.0 / 7 + gh * (1.0 / 9 + gh * (1.0 / 11 + gh * (1.0 / 13
                     + gh * (1.0 / 15 + gh * (1.0 / 17 + gh * (1.0 / 19 + gh * (1.0 / 21 + gh * (1.0 / 23
                     + gh * (1.0 / 25 + gh * (1.0 / 27))))))))))));
            TwoSum(1.0, th, out double sh, out double sl);
            sl += tl + R;
            // ln m = 2f·(1 + S)
            DDMul(2.0 * f, 2.0 * fl, sh, sl, out double mhh, out double mll);
            double ed = e;
            TwoSum(ed * LN2_HI, mhh, out double h, out double l);
            l += mll + ed * LN2_LO;
            FastTwoSum(h, l, out lh, out ll);
        }

        /// <summary>C log.</summary>
        [RuntimeExport("log")]
        public static double Log(double x)
        {
            if (IsNaN(x)) return x;
            if (x < 0) return double.NaN;
            if (x == 0) return double.NegativeInfinity;
            if (x == double.PositiveInfinity) return x;
            LogCore(x, out double h, out _);
            return h;
        }

        /// <summary>C log2 (exact for powers of two).</summary>
        [RuntimeExport("log2")]
        public static double Log2(double x)
        {
            if (IsNaN(x)) return x;
            if (x < 0) return double.NaN;
            if (x == 0) return double.NegativeInfinity;
            if (x == double.PositiveInfinity) return x;
            LogCore(x, out double h, out double l);
            DDMul(h, l, INVLN2, INVLN2_LO, out h, out _);
            return h;
        }

        /// <summary>C log10.</summary>
        [RuntimeExport("log10")]
        public static double Log10(double x)
        {
            if (IsNaN(x)) return x;
            if (x < 0) return double.NaN;
            if (x == 0) return double.NegativeInfinity;
            if (x == double.PositiveInfinity) return x;
            LogCore(x, out double h, out double l);
            DDMul(h, l, INVLN10, INVLN10_LO, out h, out _);
            return h;
        }

        // ---------------------------------------------------------------------------------------
        // pow
        // ---------------------------------------------------------------------------------------

        /// <summary>0 if y is not an integer, 1 if it is an odd integer, 2 if an even integer.</summary>
        private static int IntegerKind(double y)
        {
            double ay = Abs(y);
            if (IsNaN(ay) || ay == double.PositiveInfinity) return 0;
            if (ay >= 9007199254740992.0) return 2; // 2^53: every such double is even
            if (ay < 1.0) return ay == 0 ? 2 : 0;
            long i = (long)ay;
            if (i != ay) return 0;
            return (i & 1) != 0 ? 1 : 2;
        }

        /// <summary>C pow, with the full C99 F.9.4.4 special-case table.</summary>
        [RuntimeExport("pow")]
        public static double Pow(double x, double y)
        {
            if (y == 0) return 1.0;                 // even for NaN x
            if (x == 1.0) return 1.0;               // even for NaN y
            if (IsNaN(x) || IsNaN(y)) return x + y;

            double ax = Abs(x), ay = Abs(y);
            if (ay == double.PositiveInfinity)
            {
                if (ax == 1.0) return 1.0;          // pow(-1, ±Inf)
                bool grows = ax > 1.0;
                return (y > 0) == grows ? double.PositiveInfinity : 0.0;
            }

            int kind = IntegerKind(y);
            bool negResult = Bits(x) < 0 && kind == 1; // odd integer powers keep the sign of x

            if (ax == 0)
            {
                // pow(±0, y): y < 0 → ±Inf / +Inf, y > 0 → ±0 / +0 (odd integer y keeps the sign).
                double r = y < 0 ? double.PositiveInfinity : 0.0;
                return negResult ? -r : r;
            }
            if (ax == double.PositiveInfinity)
            {
                double r = y < 0 ? 0.0 : double.PositiveInfinity;
                return negResult ? -r : r;
            }
            if (x < 0 && kind == 0) return double.NaN; // negative base, non-integer exponent

            LogCore(ax, out double lh, out double ll);
            double zh = y * lh;
            double res;
            if (zh > 710.0) res = double.PositiveInfinity;
            else if (zh < -746.0) res = 0.0;
            else
            {
                TwoProd(y, lh, out double p, out double pe);
                pe += y * ll;
                FastTwoSum(p, pe, out zh, out double zl);
                ExpCore(zh, zl, out int k, out double mh, out double ml);
                res = ScaleDD(mh, ml, k);
            }
            return negResult ? -res : res;
        }

        // ---------------------------------------------------------------------------------------
        // sin, cos, tan
        // ---------------------------------------------------------------------------------------

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Window(ReadOnlySpan<ulong> t, int w, int sh)
            => sh == 0 ? t[w] : (t[w] << sh) | (t[w + 1] >> (64 - sh));

        /// <summary>
        /// Reduces finite ax ≥ 0 to rh + rl in [−π/4, π/4] with ax ≡ n·π/2 + r; returns n mod 4.
        /// Payne–Hanek: ax = M·2^E exactly, and only the bits of 2/π from position E − 1 on matter
        /// mod 4; a 192-bit window of them times the 53-bit M gives ax·2/π mod 4 with an absolute
        /// error below 2^-137.
        /// </summary>
        private static int Reduce(double ax, out double rh, out double rl)
        {
            if (ax <= PIO4_HI) { rh = ax; rl = 0; return 0; }
            long bits = Bits(ax);
            int E = (int)(bits >> 52) - 1075;
            ulong M = (ulong)((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x0010_0000_0000_0000L);
            int off = E + 62; // 0-based index of the first needed bit in TwoOverPiBits (≥ 9)
            int w = off >> 6, sh = off & 63;
            ReadOnlySpan<ulong> t = TwoOverPiBits;
            ulong a0 = Window(t, w, sh), a1 = Window(t, w + 1, sh), a2 = Window(t, w + 2, sh);

            // (r0:r1:r2) = M·(a0:a1:a2) mod 2^192 = (ax·2/π mod 4)·2^190
            ulong h2 = Math.BigMul(M, a2, out ulong r2);
            ulong h1 = Math.BigMul(M, a1, out ulong l1);
            ulong r1 = l1 + h2;
            ulong r0 = M * a0 + h1 + (r1 < l1 ? 1UL : 0UL);

            // n = nearest integer (mod 4); F = fraction − n in [−1/2, 1/2), two's complement.
            int n = (int)((r0 + (1UL << 61)) >> 62);
            r0 -= (ulong)n << 62;
            bool neg = (long)r0 < 0;
            if (neg)
            {
                r0 = ~r0; r1 = ~r1; r2 = ~r2;
                if (++r2 == 0 && ++r1 == 0) ++r0;
            }
            int scale = -62; // |F|·2^-190 = (r0 + r1·2^-64 + ...)·2^(scale) once r0 is normalized
            if (r0 == 0) { r0 = r1; r1 = r2; r2 = 0; scale -= 64; }
            if (r0 == 0) { r0 = r1; r1 = r2; r2 = 0; scale -= 64; }
            if (r0 == 0) { rh = 0; rl = 0; return n & 3; }
            int lz = System.Numerics.BitOperations.LeadingZeroCount(r0);
            if (lz != 0)
            {
                r0 = (r0 << lz) | (r1 >> (64 - lz));
                r1 = (r1 << lz) | (r2 >> (64 - lz));
            }
            scale -= lz;
            // The top 53 bits of r0 (exact), then the rest (no unsigned→double conversions: the
            // kernel has no helper for them).
            double fh = (double)(long)(r0 >> 11) * 2048.0;
            double fl = (double)(long)(r0 & 0x7FF) + (double)(long)(r1 >> 11) * 1.1102230246251565e-16; // 2^-53
            FastTwoSum(fh, fl, out fh, out fl);
            double sc = Pow2(scale);
            fh *= sc; fl *= sc;
            if (neg) { fh = -fh; fl = -fl; }
            DDMul(fh, fl, PIO2_HI, PIO2_LO, out rh, out rl);
            return n & 3;
        }

        /// <summary>sin(rh + rl) as a double-double, |rh| ≤ π/4.</summary>
        private static void SinKernel(double r, double rl, out double h, out double l)
        {
            // sin r = r − r³/6 + r^5/120 − r^7·(1/7! − r²/9! + ...); the first three terms in double-double.
            TwoProd(r, r, out double p, out double pe);
            TwoProd(p, r, out double c3, out double c3e);
            c3e += pe * r;
            TwoProd(c3, SIXTH_HI, out double t, out double te);
            te += c3 * SIXTH_LO + c3e * SIXTH_HI;
            DDMul(c3, c3e, p, pe, out double c5, out double c5e);
            TwoProd(c5, F5, out double t5, out double t5e);
            t5e += c5 * F5_LO + c5e * F5;
            double poly = F7 - p * (F9 - p * (F11 - p * (F13 - p * (F15 - p * (F17 - p * F19)))));
            double tail = c5 * p * poly;
            TwoSum(r, -t, out double s, out double e);
            TwoSum(s, t5, out s, out double e2);
            e += e2 + (t5e - te) - tail + rl * (1.0 - p * (0.5 - p * F4)); // + rl·cos r
            FastTwoSum(s, e, out h, out l);
        }

        /// <summary>cos(rh + rl) as a double-double, |rh| ≤ π/4.</summary>
        private static void CosKernel(double r, double rl, out double h, out double l)
        {
            // cos r = 1 − r²/2 + r^4/24 − r^6·(1/6! − r²/8! + ...); the first three terms in double-double.
            TwoProd(r, r, out double p, out double pe);
            TwoSum(1.0, -0.5 * p, out double s, out double e);
            TwoProd(p, p, out double c4, out double c4e);
            c4e += 2.0 * p * pe;
            TwoProd(c4, F4, out double t4, out double t4e);
            t4e += c4 * F4_LO + c4e * F4;
            double poly = F6 - p * (F8 - p * (F10 - p * (F12 - p * (F14 - p * (F16 - p * (F18 - p * F20))))));
            double tail = c4 * p * poly;
            TwoSum(s, t4, out s, out double e2);
            e += e2 + (t4e - 0.5 * pe) - tail - rl * (r - r * p * F3); // − rl·sin r
            FastTwoSum(s, e, out h, out l);
        }

        /// <summary>C sin.</summary>
        [RuntimeExport("sin")]
        public static double Sin(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            double ax = Abs(x);
            if (ax == double.PositiveInfinity) return double.NaN;
            int n = Reduce(ax, out double rh, out double rl);
            double h;
            switch (n)
            {
                case 0: SinKernel(rh, rl, out h, out _); break;
                case 1: CosKernel(rh, rl, out h, out _); break;
                case 2: SinKernel(rh, rl, out h, out _); h = -h; break;
                default: CosKernel(rh, rl, out h, out _); h = -h; break;
            }
            return x < 0 ? -h : h;
        }

        /// <summary>C cos.</summary>
        [RuntimeExport("cos")]
        public static double Cos(double x)
        {
            if (IsNaN(x)) return x;
            double ax = Abs(x);
            if (ax == double.PositiveInfinity) return double.NaN;
            int n = Reduce(ax, out double rh, out double rl);
            double h;
            switch (n)
            {
                case 0: CosKernel(rh, rl, out h, out _); break;
                case 1: SinKernel(rh, rl, out h, out _); h = -h; break;
                case 2: CosKernel(rh, rl, out h, out _); h = -h; break;
                default: SinKernel(rh, rl, out h, out _); break;
            }
            return h;
        }

        /// <summary>C tan.</summary>
        [RuntimeExport("tan")]
        public static double Tan(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            double ax = Abs(x);
            if (ax == double.PositiveInfinity) return double.NaN;
            int n = Reduce(ax, out double rh, out double rl);
            SinKernel(rh, rl, out double sh, out double sl);
            CosKernel(rh, rl, out double ch, out double cl);
            double h;
            if ((n & 1) == 0) DDDiv(sh, sl, ch, cl, out h, out _);
            else { DDDiv(ch, cl, sh, sl, out h, out _); h = -h; }
            return x < 0 ? -h : h;
        }

        // ---------------------------------------------------------------------------------------
        // atan, atan2, asin, acos
        // ---------------------------------------------------------------------------------------

        /// <summary>
        /// atan(th + tl) as a double-double for th ≥ 0. |t| &gt; 1 goes through π/2 − atan(1/t);
        /// then atan(t) = atan(c) + atan(u), c = k/8 nearest t, u = (t − c)/(1 + t·c), |u| ≤ 1/16.
        /// </summary>
        private static void AtanCore(double th, double tl, out double h, out double l)
        {
            bool invert = th > 1.0;
            if (invert)
            {
                if (th > 1.152921504606847e18) // 2^60: atan = π/2 − 1/t to double-double precision
                {
                    double rcp = 1.0 / th;
                    TwoSum(PIO2_HI, -rcp, out h, out l);
                    l += PIO2_LO;
                    FastTwoSum(h, l, out h, out l);
                    return;
                }
                DDDiv(1.0, 0.0, th, tl, out th, out tl);
            }
            int k = (int)(th * 8.0 + 0.5);
            double uh, ul;
            if (k == 0) { uh = th; ul = tl; }
            else
            {
                double c = k * 0.125;
                TwoSum(th - c, tl, out double nh, out double nl); // th − c is exact
                TwoProd(th, c, out double ph, out double pl);
                pl += tl * c;
                TwoSum(1.0, ph, out double dh, out double dl);
                dl += pl;
                DDDiv(nh, nl, dh, dl, out uh, out ul);
            }
            double u2 = uh * uh;
            double poly = -1.0 / 3 + u2 * (1.0 / 5 + u2 * (-1.0 / 7 + u2 * (1.0 / 9 + u2 * (-1.0 / 11
                        + u2 * (1.0 / 13 + u2 * (-1.0 / 15 + u2 * (1.0 / 17)))))));
            double tail = uh * u2 * poly;
            ReadOnlySpan<double> at = AtanTable;
            TwoSum(at[2 * k], uh, out double s, out double e);
            e += at[2 * k + 1] + ul + tail;
            FastTwoSum(s, e, out h, out l);
            if (invert)
            {
                TwoSum(PIO2_HI, -h, out s, out e);
                e += PIO2_LO - l;
                FastTwoSum(s, e, out h, out l);
            }
        }

        /// <summary>C atan.</summary>
        [RuntimeExport("atan")]
        public static double Atan(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            AtanCore(Abs(x), 0.0, out double h, out _);
            return x < 0 ? -h : h;
        }

        /// <summary>C atan2 (C99 F.9.1.4 special cases).</summary>
        [RuntimeExport("atan2")]
        public static double Atan2(double y, double x)
        {
            if (IsNaN(x) || IsNaN(y)) return x + y;
            bool yneg = Bits(y) < 0, xneg = Bits(x) < 0;
            double ax = Abs(x), ay = Abs(y);
            double r;
            if (ay == 0)
                r = xneg ? PI_HI : 0.0;                                  // atan2(±0, x): ±0 or ±π (x = −0 counts as negative)
            else if (ax == 0)
                r = PIO2_HI;                                             // atan2(y ≠ 0, ±0)
            else if (ay == double.PositiveInfinity)
                r = ax == double.PositiveInfinity ? (xneg ? THREEPIO4 : PIO4_HI) : PIO2_HI;
            else if (ax == double.PositiveInfinity)
                r = xneg ? PI_HI : 0.0;
            else
            {
                int ey = Exponent(ay), ex = Exponent(ax);
                if (ey - ex > 60)
                {
                    double q = ax / ay; // π/2 ∓ q
                    r = PIO2_HI + (xneg ? PIO2_LO + q : PIO2_LO - q);
                }
                else if (ex - ey > 60)
                    r = xneg ? PI_HI + (PI_LO - ay / ax) : ay / ax;
                else
                {
                    // Scale both to ~1 (exact) and form q = ay/ax as a double-double.
                    double sy = ScaleB(ay, -ex), sx = ScaleB(ax, -ex);
                    double qh = sy / sx;
                    TwoProd(qh, sx, out double p, out double pe);
                    double ql = ((sy - p) - pe) / sx;
                    AtanCore(qh, ql, out double h, out double l);
                    if (xneg)
                    {
                        TwoSum(PI_HI, -h, out double s, out double e);
                        e += PI_LO - l;
                        h = s + e;
                    }
                    r = h;
                }
            }
            return yneg ? -r : r;
        }

        /// <summary>Unbiased binary exponent of finite nonzero |x| (subnormals included).</summary>
        private static int Exponent(double ax)
        {
            int e = (int)(Bits(ax) >> 52);
            if (e != 0) return e - 1023;
            return (int)(Bits(ax * 18014398509481984.0) >> 52) - 1023 - 54;
        }

        /// <summary>√(1 − a²) as a double-double for 0 ≤ a ≤ 1.</summary>
        private static void SqrtOneMinusSquare(double a, out double sh, out double sl)
        {
            TwoProd(a, a, out double p, out double pe);
            TwoSum(1.0, -p, out double dh, out double dl);
            dl -= pe;
            FastTwoSum(dh, dl, out dh, out dl);
            sh = Math.Sqrt(dh);
            if (sh == 0) { sl = 0; return; }
            TwoProd(sh, sh, out p, out pe);
            sl = (((dh - p) - pe) + dl) / (2.0 * sh);
        }

        /// <summary>C asin.</summary>
        [RuntimeExport("asin")]
        public static double Asin(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            double a = Abs(x);
            if (a > 1.0) return double.NaN;
            double h;
            if (a == 1.0) h = PIO2_HI;
            else
            {
                SqrtOneMinusSquare(a, out double sh, out double sl);
                if (a <= sh)
                {
                    DDDiv(a, 0.0, sh, sl, out double qh, out double ql);
                    AtanCore(qh, ql, out h, out _);
                }
                else
                {
                    DDDiv(sh, sl, a, 0.0, out double qh, out double ql);
                    AtanCore(qh, ql, out double th, out double tl);
                    TwoSum(PIO2_HI, -th, out double s, out double e);
                    h = s + (e + (PIO2_LO - tl));
                }
            }
            return x < 0 ? -h : h;
        }

        /// <summary>C acos.</summary>
        [RuntimeExport("acos")]
        public static double Acos(double x)
        {
            if (IsNaN(x)) return x;
            double a = Abs(x);
            if (a > 1.0) return double.NaN;
            if (x == 1.0) return 0.0;
            if (x == -1.0) return PI_HI;
            SqrtOneMinusSquare(a, out double sh, out double sl);
            double h, l;
            if (a > sh)
            {
                // acos(a) = atan(s/a)
                DDDiv(sh, sl, a, 0.0, out double qh, out double ql);
                AtanCore(qh, ql, out h, out l);
            }
            else
            {
                // acos(a) = π/2 − atan(a/s)
                DDDiv(a, 0.0, sh, sl, out double qh, out double ql);
                AtanCore(qh, ql, out double th, out double tl);
                TwoSum(PIO2_HI, -th, out double s, out double e);
                e += PIO2_LO - tl;
                FastTwoSum(s, e, out h, out l);
            }
            if (x < 0)
            {
                TwoSum(PI_HI, -h, out double s, out double e);
                return s + (e + (PI_LO - l));
            }
            return h;
        }

        // ---------------------------------------------------------------------------------------
        // sinh, cosh, tanh
        // ---------------------------------------------------------------------------------------

        /// <summary>sinh(a) for 0 ≤ a &lt; 1 as a double-double (Taylor series, first two terms in double-double).</summary>
        private static void SinhSmall(double a, out double h, out double l)
        {
            TwoProd(a, a, out double p, out double pe);
            TwoProd(p, a, out double c3, out double c3e);
            c3e += pe * a;
            TwoProd(c3, SIXTH_HI, out double t, out double te);
            te += c3 * SIXTH_LO + c3e * SIXTH_HI;
            double poly = F5 + p * (F7 + p * (F9 + p * (F11 + p * (F13 + p * (F15 + p * (F17 + p * (F19 + p * F21)))))));
            double tail = a * p * p * poly;
            TwoSum(a, t, out double s, out double e);
            e += te + tail;
            FastTwoSum(s, e, out h, out l);
        }

        /// <summary>e^a and e^-a as double-doubles for 0 ≤ a ≤ 25.</summary>
        private static void ExpPair(double a, out double eh, out double el, out double ih, out double il)
        {
            ExpCore(a, 0.0, out int k, out double mh, out double ml);
            DDDiv(1.0, 0.0, mh, ml, out ih, out il);
            double up = Pow2(k), down = Pow2(-k);
            eh = mh * up; el = ml * up;
            ih *= down; il *= down;
        }

        /// <summary>e^a/2 for a ≥ 22 (overflows to +Inf past ≈ 710.48).</summary>
        private static double HalfExp(double a)
        {
            if (a > 711.0) return double.PositiveInfinity;
            ExpCore(a, 0.0, out int k, out double mh, out _);
            return ScaleB(mh, k - 1);
        }

        /// <summary>C sinh.</summary>
        [RuntimeExport("sinh")]
        public static double Sinh(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            double a = Abs(x), h;
            if (a < 1.0) SinhSmall(a, out h, out _);
            else if (a < 22.0)
            {
                ExpPair(a, out double eh, out double el, out double ih, out double il);
                TwoSum(eh, -ih, out double s, out double e);
                e += el - il;
                h = 0.5 * (s + e);
            }
            else h = HalfExp(a);
            return x < 0 ? -h : h;
        }

        /// <summary>C cosh.</summary>
        [RuntimeExport("cosh")]
        public static double Cosh(double x)
        {
            if (IsNaN(x)) return x;
            double a = Abs(x);
            if (a < 22.0)
            {
                ExpPair(a, out double eh, out double el, out double ih, out double il);
                TwoSum(eh, ih, out double s, out double e);
                e += el + il;
                return 0.5 * (s + e);
            }
            return HalfExp(a);
        }

        /// <summary>C tanh.</summary>
        [RuntimeExport("tanh")]
        public static double Tanh(double x)
        {
            if (IsNaN(x)) return x;
            if (x == 0) return x;
            double a = Abs(x), h;
            if (a >= 22.0) h = 1.0; // 1 − tanh(a) < 2^-62
            else
            {
                ExpPair(a, out double eh, out double el, out double ih, out double il);
                double sh, sl;
                if (a < 1.0) SinhSmall(a, out sh, out sl);
                else
                {
                    TwoSum(eh, -ih, out double s, out double e);
                    e += el - il;
                    FastTwoSum(0.5 * s, 0.5 * e, out sh, out sl);
                }
                TwoSum(eh, ih, out double ch, out double ce);
                ce += el + il;
                FastTwoSum(0.5 * ch, 0.5 * ce, out ch, out ce);
                DDDiv(sh, sl, ch, ce, out h, out _);
            }
            return x < 0 ? -h : h;
        }

        // ---------------------------------------------------------------------------------------
        // fmod (C# % on double/float)
        // ---------------------------------------------------------------------------------------

        /// <summary>
        /// C fmod: x − n·y with n = trunc(x / y), computed exactly (the result is always representable): the
        /// integer significands are reduced by shift-and-subtract from x's exponent down to y's. NaN when x is
        /// infinite, y is zero or either is NaN; x when y is infinite; the sign is x's (C99 §7.12.10.1, Annex F.9.7.1).
        /// </summary>
        [RuntimeExport("fmod")]
        public static double Fmod(double x, double y)
        {
            if (IsNaN(x) || IsNaN(y) || Abs(x) == double.PositiveInfinity || y == 0) return double.NaN;
            if (Abs(y) == double.PositiveInfinity) return x;
            if (x == 0) return x;
            bool negative = Bits(x) < 0;
            Decompose(Abs(x), out ulong mx, out int ex);
            Decompose(Abs(y), out ulong my, out int ey);
            if (ex < ey || (ex == ey && mx < my)) return x;      // |x| < |y| (same scale or x's scale smaller)
            // Bring x to y's scale: value = mx · 2^ex with mx < 2^53; shift one bit at a time, keeping mx < my.
            if (mx >= my) mx %= my;
            for (; ex > ey; ex--)
            {
                mx <<= 1;
                if (mx >= my) mx -= my;
                if (mx == 0) break;
            }
            if (mx == 0) return negative ? -0.0 : 0.0;
            return Compose(mx, ey, negative);
        }

        /// <summary>C fmodf: exact, through <see cref="Fmod"/> (a float remainder is exact in double).</summary>
        [RuntimeExport("fmodf")] public static float FmodF(float x, float y) => (float)Fmod(x, y);

        /// <summary>A finite positive double as significand · 2^exponent (significand &lt; 2^53, exponent ≥ −1074).</summary>
        private static void Decompose(double a, out ulong significand, out int exponent)
        {
            long bits = Bits(a);
            int biased = (int)(bits >> 52);
            ulong frac = (ulong)bits & 0x000F_FFFF_FFFF_FFFFUL;
            if (biased == 0) { significand = frac; exponent = -1074; }
            else { significand = frac | (1UL << 52); exponent = biased - 1075; }
        }

        /// <summary>significand · 2^exponent as a double when that is exactly representable (significand &lt; 2^53, non-zero).</summary>
        private static double Compose(ulong significand, int exponent, bool negative)
        {
            while (significand < (1UL << 52) && exponent > -1074) { significand <<= 1; exponent--; }
            long bits;
            if (significand < (1UL << 52)) bits = (long)significand;                          // subnormal (exponent = -1074)
            else bits = ((long)(exponent + 1075) << 52) | (long)(significand & 0x000F_FFFF_FFFF_FFFFUL);
            if (negative) bits |= long.MinValue;
            return FromBits(bits);
        }

        // ---------------------------------------------------------------------------------------
        // cbrt
        // ---------------------------------------------------------------------------------------

        /// <summary>C cbrt.</summary>
        [RuntimeExport("cbrt")]
        public static double Cbrt(double x)
        {
            if (IsNaN(x) || x == 0) return x;
            double a = Abs(x);
            if (a == double.PositiveInfinity) return x;
            int adj = 0;
            if (a < 2.2250738585072014e-308) { a *= 18014398509481984.0; adj = -18; } // 2^54 → cbrt 2^18
            long bits = Bits(a);
            int e = (int)(bits >> 52) - 1023;
            int q = e >= 0 ? e / 3 : -((-e + 2) / 3);    // floor(e/3)
            int rem = e - 3 * q;                          // 0, 1, 2
            double v = FromBits((bits & 0x000F_FFFF_FFFF_FFFFL) | ((long)(1023 + rem) << 52)); // [1, 8)
            // Quadratic start (≤ 2.3 % off), three Halley steps, then one Newton step on a
            // double-double residual.
            double y = 0.7742411910787454 + v * (0.2625033125346714 - v * 0.01426190196018482);
            for (int i = 0; i < 3; i++)
            {
                double y3 = y * y * y;
                y = y * (y3 + 2.0 * v) / (2.0 * y3 + v);
            }
            TwoProd(y, y, out double p, out double pe);
            TwoProd(p, y, out double c, out double ce);
            ce += pe * y;
            double resid = (c - v) + ce;                  // c − v is exact (Sterbenz)
            double corr = -resid / (3.0 * p);
            double r = ScaleB(y + corr, q + adj);
            return x < 0 ? -r : r;
        }

        // ---------------------------------------------------------------------------------------
        // The remaining inverse hyperbolic functions (CoreLib imports them too).
        // ---------------------------------------------------------------------------------------

        /// <summary>C asinh: sign(x)·ln(|x| + √(x² + 1)).</summary>
        [RuntimeExport("asinh")]
        public static double Asinh(double x)
        {
            if (IsNaN(x) || x == 0) return x;
            double a = Abs(x), h;
            if (a == double.PositiveInfinity) return x;
            if (a > 1e150) { LogCore(a, out h, out double l); FastTwoSum(h, l + LN2_HI, out h, out l); h += LN2_LO + l; }
            else if (a < 0.125)
            {
                // asinh a = a − a³/6 + 3a^5/40 − 15a^7/336 + ... (|a| < 1/8 keeps the series short)
                double p = a * a;
                double poly = -1.0 / 6 + p * (3.0 / 40 + p * (-15.0 / 336 + p * (105.0 / 3456 + p * (-945.0 / 42240
                            + p * (10395.0 / 599040 + p * (-135135.0 / 9676800 + p * (2027025.0 / 175472640
                            + p * (-34459425.0 / 3530096640))))))));
                h = a + a * p * poly;
            }
            else
            {
                // ln(a + √(a² + 1)), argument in double-double
                TwoProd(a, a, out double p, out double pe);
                TwoSum(p, 1.0, out double dh, out double dl);
                dl += pe;
                FastTwoSum(dh, dl, out dh, out dl);
                double sh = Math.Sqrt(dh);
                TwoProd(sh, sh, out p, out pe);
                double sl = (((dh - p) - pe) + dl) / (2.0 * sh);
                TwoSum(a, sh, out double zh, out double zl);
                zl += sl;
                FastTwoSum(zh, zl, out zh, out zl);
                h = LogOfDD(zh, zl);
            }
            return x < 0 ? -h : h;
        }

        /// <summary>C acosh: ln(x + √(x² − 1)) for x ≥ 1.</summary>
        [RuntimeExport("acosh")]
        public static double Acosh(double x)
        {
            if (IsNaN(x)) return x;
            if (x < 1.0) return double.NaN;
            if (x == double.PositiveInfinity) return x;
            if (x > 1e150)
            {
                LogCore(x, out double h, out double l);
                FastTwoSum(h, l + LN2_HI, out h, out l);
                return h + (LN2_LO + l);
            }
            // x² − 1 = (x − 1)(x + 1) in double-double; x − 1 is exact for x in [1, 2].
            TwoSum(x, -1.0, out double mh, out double ml);
            TwoSum(x, 1.0, out double ph, out double pl);
            DDMul(mh, ml, ph, pl, out double dh, out double dl);
            double sh = Math.Sqrt(dh);
            if (sh == 0) return 0.0;
            TwoProd(sh, sh, out double p, out double pe);
            double sl = (((dh - p) - pe) + dl) / (2.0 * sh);
            // ln(x + s) = ln(1 + ((x − 1) + s)) keeps accuracy near x = 1.
            TwoSum(mh, sh, out double th, out double tl);
            tl += ml + sl;
            FastTwoSum(th, tl, out th, out tl);
            return Log1pOfDD(th, tl);
        }

        /// <summary>C atanh: ½·ln((1 + x)/(1 − x)).</summary>
        [RuntimeExport("atanh")]
        public static double Atanh(double x)
        {
            if (IsNaN(x) || x == 0) return x;
            double a = Abs(x);
            if (a > 1.0) return double.NaN;
            if (a == 1.0) return x > 0 ? double.PositiveInfinity : double.NegativeInfinity;
            // ½·ln(1 + 2a/(1 − a)); 1 − a is exact for a ≥ ½ and its error is captured otherwise.
            TwoSum(1.0, -a, out double dh, out double dl);
            DDDiv(2.0 * a, 0.0, dh, dl, out double qh, out double ql);
            double h = 0.5 * Log1pOfDD(qh, ql);
            return x < 0 ? -h : h;
        }

        /// <summary>ln(zh + zl) for zh ≥ 1 (rounded to double).</summary>
        private static double LogOfDD(double zh, double zl)
        {
            LogCore(zh, out double h, out double l);
            // ln(zh + zl) = ln zh + zl/zh (|zl/zh| ≤ 2^-53)
            return h + (l + zl / zh);
        }

        /// <summary>ln(1 + (th + tl)) for th ≥ 0 (rounded to double), accurate also for tiny t.</summary>
        private static double Log1pOfDD(double th, double tl)
        {
            // 1 + t as a double-double w; ln(1 + t) = ln(wh) + wl/wh, and for tiny t the loss in wh
            // is exactly wl, so the sum stays accurate relative to t.
            TwoSum(1.0, th, out double wh, out double wl);
            wl += tl;
            LogCore(wh, out double h, out double l);
            return h + (l + wl / wh);
        }

        // ---------------------------------------------------------------------------------------
        // float variants: compute in double, round once.
        // ---------------------------------------------------------------------------------------

        /// <summary>C sinf.</summary>
        [RuntimeExport("sinf")] public static float SinF(float x) => (float)Sin(x);
        /// <summary>C cosf.</summary>
        [RuntimeExport("cosf")] public static float CosF(float x) => (float)Cos(x);
        /// <summary>C tanf.</summary>
        [RuntimeExport("tanf")] public static float TanF(float x) => (float)Tan(x);
        /// <summary>C powf.</summary>
        [RuntimeExport("powf")] public static float PowF(float x, float y) => (float)Pow(x, y);
        /// <summary>C expf.</summary>
        [RuntimeExport("expf")] public static float ExpF(float x) => (float)Exp(x);
        /// <summary>C logf.</summary>
        [RuntimeExport("logf")] public static float LogF(float x) => (float)Log(x);
        /// <summary>C log2f.</summary>
        [RuntimeExport("log2f")] public static float Log2F(float x) => (float)Log2(x);
        /// <summary>C log10f.</summary>
        [RuntimeExport("log10f")] public static float Log10F(float x) => (float)Log10(x);
        /// <summary>C atanf.</summary>
        [RuntimeExport("atanf")] public static float AtanF(float x) => (float)Atan(x);
        /// <summary>C atan2f.</summary>
        [RuntimeExport("atan2f")] public static float Atan2F(float y, float x) => (float)Atan2(y, x);
        /// <summary>C asinf.</summary>
        [RuntimeExport("asinf")] public static float AsinF(float x) => (float)Asin(x);
        /// <summary>C acosf.</summary>
        [RuntimeExport("acosf")] public static float AcosF(float x) => (float)Acos(x);
        /// <summary>C sinhf.</summary>
        [RuntimeExport("sinhf")] public static float SinhF(float x) => (float)Sinh(x);
        /// <summary>C coshf.</summary>
        [RuntimeExport("coshf")] public static float CoshF(float x) => (float)Cosh(x);
        /// <summary>C tanhf.</summary>
        [RuntimeExport("tanhf")] public static float TanhF(float x) => (float)Tanh(x);
        /// <summary>C cbrtf.</summary>
        [RuntimeExport("cbrtf")] public static float CbrtF(float x) => (float)Cbrt(x);
        /// <summary>C asinhf.</summary>
        [RuntimeExport("asinhf")] public static float AsinhF(float x) => (float)Asinh(x);
        /// <summary>C acoshf.</summary>
        [RuntimeExport("acoshf")] public static float AcoshF(float x) => (float)Acosh(x);
        /// <summary>C atanhf.</summary>
        [RuntimeExport("atanhf")] public static float AtanhF(float x) => (float)Atanh(x);
    }
}
