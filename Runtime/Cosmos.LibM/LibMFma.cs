using System;
using System.Numerics;
using System.Runtime;

namespace Cosmos.Runtime
{
    /// <summary>
    /// C <c>fma</c> / <c>fmaf</c> (Math.FusedMultiplyAdd, MathF.FusedMultiplyAdd: ilc calls them because the
    /// kernel's instruction-set baseline has no FMA3): x·y + z rounded once, to nearest-even, as IEEE 754-2008
    /// fusedMultiplyAdd requires, in software (no FMA instruction is assumed).
    /// </summary>
    /// <remarks>
    /// <para>Method: the product of the two significands is exact in a 128-bit integer (53 + 53 bits); both it and
    /// z's significand are normalized to bit 125 and aligned, the smaller one shifted right with every lost bit
    /// OR-ed into bit 0 ("jamming"). The jammed sum is odd whenever bits were lost, so it lies strictly between
    /// the same two rounding boundaries (all even) as the exact sum, and rounding it once to the target format
    /// (normal or subnormal, overflow to ±∞) gives the correctly rounded result. Exact zeros, infinities and NaNs
    /// take IEEE arithmetic's own path (x·y + z with an exact product), which already has the right value and sign.</para>
    /// <para>Tests/Cosmos.Runtime.Tests compares both functions with the host's Math/MathF.FusedMultiplyAdd on
    /// random, cancelling, subnormal and overflowing operands, bit for bit.</para>
    /// </remarks>
    public static class LibMFma
    {
        /// <summary>x·y + z with one rounding (binary64).</summary>
        [RuntimeExport("fma")]
        public static double Fma(double x, double y, double z)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y) || !double.IsFinite(z) || x == 0 || y == 0)
                return x * y + z;     // the product is exact (a zero, or an infinity/NaN operand): one rounding
            if (z == 0)
                return x * y;         // x·y + 0 rounds like x·y (a nonzero exact sum keeps the product's sign)
            Decompose64(x, out bool nx, out ulong mx, out int ex);
            Decompose64(y, out bool ny, out ulong my, out int ey);
            Decompose64(z, out bool nz, out ulong mz, out int ez);
            ulong bits = AddAndRound(nx != ny, (UInt128)mx * my, ex + ey, nz, mz, ez, Binary64);
            return BitConverter.UInt64BitsToDouble(bits);
        }

        /// <summary>x·y + z with one rounding (binary32).</summary>
        [RuntimeExport("fmaf")]
        public static float FmaF(float x, float y, float z)
        {
            if (!float.IsFinite(x) || !float.IsFinite(y) || !float.IsFinite(z) || x == 0 || y == 0)
                return (float)((double)x * y + z);   // exact product and exact double sum of zeros/specials
            if (z == 0)
                return (float)((double)x * y);       // the 48-bit product is exact in double: one rounding
            Decompose32(x, out bool nx, out ulong mx, out int ex);
            Decompose32(y, out bool ny, out ulong my, out int ey);
            Decompose32(z, out bool nz, out ulong mz, out int ez);
            ulong bits = AddAndRound(nx != ny, (UInt128)mx * my, ex + ey, nz, mz, ez, Binary32);
            return BitConverter.Int32BitsToSingle((int)(uint)bits);
        }

        /// <summary>An IEEE 754 binary format: precision p (bits, hidden bit included), exponent range, sign bit position.</summary>
        private readonly struct Format
        {
            public readonly int P, EMin, EMax, SignBit;
            public Format(int p, int emin, int emax, int signBit) { P = p; EMin = emin; EMax = emax; SignBit = signBit; }
        }

        private static readonly Format Binary64 = new Format(53, -1022, 1023, 63);
        private static readonly Format Binary32 = new Format(24, -126, 127, 31);

        /// <summary>Finite nonzero x = (−1)^neg · m · 2^e with m &lt; 2^53.</summary>
        private static void Decompose64(double x, out bool neg, out ulong m, out int e)
        {
            ulong b = BitConverter.DoubleToUInt64Bits(x);
            neg = (b >> 63) != 0;
            int field = (int)((b >> 52) & 0x7FF);
            m = b & ((1UL << 52) - 1);
            if (field == 0) e = -1074;
            else { m |= 1UL << 52; e = field - 1075; }
        }

        /// <summary>Finite nonzero x = (−1)^neg · m · 2^e with m &lt; 2^24.</summary>
        private static void Decompose32(float x, out bool neg, out ulong m, out int e)
        {
            uint b = (uint)BitConverter.SingleToInt32Bits(x);
            neg = (b >> 31) != 0;
            int field = (int)((b >> 23) & 0xFF);
            m = b & ((1u << 23) - 1);
            if (field == 0) e = -149;
            else { m |= 1UL << 23; e = field - 150; }
        }

        private static int BitLength(UInt128 v) => 128 - (int)UInt128.LeadingZeroCount(v);

        /// <summary>Rounds (−1)^np·mp·2^ep + (−1)^nz·mz·2^ez (both nonzero) once to <paramref name="f"/>; returns its bits.</summary>
        private static ulong AddAndRound(bool np, UInt128 mp, int ep, bool nz, ulong mz, int ez, Format f)
        {
            // Top bit of both at position 125: sums stay below 2^127.
            int shift = 126 - BitLength(mp);
            mp <<= shift; ep -= shift;
            UInt128 wz = mz;
            shift = 126 - BitLength(wz);
            wz <<= shift; ez -= shift;

            if (ep < ez || (ep == ez && mp < wz))
            {
                (mp, wz) = (wz, mp);
                (ep, ez) = (ez, ep);
                (np, nz) = (nz, np);
            }
            int d = ep - ez;
            UInt128 small;
            if (d == 0) small = wz;
            else if (d >= 128) small = 1;                                   // all of it is below bit 0: sticky
            else small = (wz >> d) | ((wz << (128 - d)) != 0 ? UInt128.One : UInt128.Zero);

            UInt128 r = np == nz ? mp + small : mp - small;                  // mp ≥ small by the ordering above
            if (r == 0) return 0;                                           // exact cancellation: +0 (round to nearest)
            return Round(np, r, ep, f);
        }

        /// <summary>Bits of (−1)^neg · r · 2^e (r ≠ 0, r &lt; 2^127) rounded to nearest-even in <paramref name="f"/>.</summary>
        private static ulong Round(bool neg, UInt128 r, int e, Format f)
        {
            ulong sign = neg ? 1UL << f.SignBit : 0;
            int top = e + BitLength(r) - 1;                                  // exponent of the leading bit
            if (top > f.EMax) return sign | Infinity(f);
            bool normal = top >= f.EMin;
            int lsb = (normal ? top : f.EMin) - (f.P - 1);                    // exponent of the result's last bit
            int drop = lsb - e;
            UInt128 q;
            if (drop <= 0) q = r << -drop;                                   // exact (fewer than p bits)
            else if (drop >= 128) q = 0;                                     // r < 2^127 ≤ half a result ulp
            else
            {
                q = r >> drop;
                UInt128 rest = r - (q << drop), half = UInt128.One << (drop - 1);
                if (rest > half || (rest == half && (q & 1) != 0)) q++;
            }
            ulong m = (ulong)q;                                               // ≤ 2^p
            if (!normal) return sign | m;                                    // subnormal (2^(p-1) after a carry is the smallest normal)
            ulong bits = ((ulong)(top + f.EMax) << (f.P - 1)) + (m - (1UL << (f.P - 1)));   // a carry to 2^p bumps the exponent
            return sign | bits;                                              // exponent all ones after a carry at EMax = ∞
        }

        private static ulong Infinity(Format f) => f.P == 53 ? 0x7FF0_0000_0000_0000UL : 0x7F80_0000UL;
    }
}
