using System.Runtime;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The C math functions the CoreLib imports (IEEE 754 binary64, bit manipulation only so
    /// nothing here can call back into Math).
    /// </summary>
    public static unsafe class MathHelpers
    {
        private static double Trunc(double x)
        {
            ulong bits = *(ulong*)&x;
            int exp = (int)((bits >> 52) & 0x7FF) - 1023;
            if (exp >= 52) return x;                 // integral already, or Inf/NaN
            if (exp < 0)                             // |x| < 1 → ±0
            {
                ulong z = bits & 0x8000_0000_0000_0000UL;
                return *(double*)&z;
            }
            ulong mask = (1UL << (52 - exp)) - 1;
            bits &= ~mask;
            return *(double*)&bits;
        }

        /// <summary>C ceil: the smallest integral value ≥ x; ±0, ±Inf and NaN return themselves; −0.5 → −0.</summary>
        [RuntimeExport("ceil")]
        public static double Ceil(double x)
        {
            double t = Trunc(x);
            if (t == x || double.IsNaN(x)) return x;
            if (x > 0) return t + 1.0;
            if (t == 0) return -0.0;
            return t;
        }

        /// <summary>C floor: the largest integral value ≤ x.</summary>
        [RuntimeExport("floor")]
        public static double Floor(double x)
        {
            double t = Trunc(x);
            if (t == x || double.IsNaN(x)) return x;
            return x < 0 ? t - 1.0 : t;
        }

        /// <summary>C trunc.</summary>
        [RuntimeExport("trunc")]
        public static double TruncExport(double x) => Trunc(x);

        /// <summary>C modf: stores the integral part in *<paramref name="intPart"/> and returns the fractional part with the sign of x (Inf → ±0, NaN → NaN).</summary>
        [RuntimeExport("modf")]
        public static double Modf(double x, double* intPart)
        {
            double t = Trunc(x);
            *intPart = t;
            if (double.IsNaN(x)) return x;
            if (t == x)
            {
                ulong sign = *(ulong*)&x & 0x8000_0000_0000_0000UL;
                return *(double*)&sign;
            }
            return x - t;
        }

        // binary32 variants (MathF.Ceiling/Floor/Truncate): a float converts to double exactly and the integral
        // and fractional parts of a float are floats again, so each is exact through the double version.

        /// <summary>C ceilf (MathF.Ceiling).</summary>
        [RuntimeExport("ceilf")]
        public static float CeilF(float x) => (float)Ceil(x);

        /// <summary>C floorf (MathF.Floor).</summary>
        [RuntimeExport("floorf")]
        public static float FloorF(float x) => (float)Floor(x);

        /// <summary>C truncf.</summary>
        [RuntimeExport("truncf")]
        public static float TruncF(float x) => (float)Trunc(x);

        /// <summary>C modff (MathF.Truncate): integral part to *<paramref name="intPart"/>, returns the fractional part with the sign of x.</summary>
        [RuntimeExport("modff")]
        public static float ModfF(float x, float* intPart)
        {
            double i;
            double frac = Modf(x, &i);
            *intPart = (float)i;
            return (float)frac;
        }
    }
}
