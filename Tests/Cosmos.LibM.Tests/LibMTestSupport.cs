using System;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Runtime.Tests
{
    /// <summary>ulp distances, random inputs and error accounting shared by the LibM tests.</summary>
    internal static class Ulp
    {
        /// <summary>Doubles between a and b (0 when both are NaN, or ±0 against ±0; long.MaxValue when only one is NaN).</summary>
        public static long Distance(double a, double b)
        {
            if (double.IsNaN(a) || double.IsNaN(b)) return double.IsNaN(a) && double.IsNaN(b) ? 0 : long.MaxValue;
            long ia = Ordered(BitConverter.DoubleToInt64Bits(a)), ib = Ordered(BitConverter.DoubleToInt64Bits(b));
            return ia > ib ? ia - ib : ib - ia;
        }

        /// <summary>Floats between a and b.</summary>
        public static long Distance(float a, float b)
        {
            if (float.IsNaN(a) || float.IsNaN(b)) return float.IsNaN(a) && float.IsNaN(b) ? 0 : long.MaxValue;
            long ia = OrderedF(BitConverter.SingleToInt32Bits(a)), ib = OrderedF(BitConverter.SingleToInt32Bits(b));
            return Math.Abs(ia - ib);
        }

        private static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;
        private static long OrderedF(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;

        /// <summary>Bit-exact equality, except that all NaNs are equal (the sign of zero matters).</summary>
        public static bool Same(double a, double b)
            => double.IsNaN(a) ? double.IsNaN(b) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

        public static string Hex(double d) => "0x" + BitConverter.DoubleToInt64Bits(d).ToString("X16");
    }

    /// <summary>Deterministic input generators (fixed seeds).</summary>
    internal sealed class Inputs
    {
        private readonly Random _r;
        public Inputs(int seed) { _r = new Random(seed); }

        public double Uniform(double lo, double hi) => lo + _r.NextDouble() * (hi - lo);

        /// <summary>Random mantissa with a binary exponent uniform in [minExp, maxExp] (−1075 gives subnormals), random sign if asked.</summary>
        public double LogUniform(int minExp, int maxExp, bool randomSign = false)
        {
            int e = _r.Next(minExp, maxExp + 1);
            long mant = _r.NextInt64(0, 1L << 52);
            double v = e < -1022
                ? BitConverter.Int64BitsToDouble(mant >> Math.Min(52, -1022 - e)) // subnormal
                : BitConverter.Int64BitsToDouble(((long)(e + 1023) << 52) | mant);
            return randomSign && _r.Next(2) == 0 ? -v : v;
        }

        public float AnyFloat()
        {
            int bits = _r.Next() ^ (_r.Next(2) << 31);
            return BitConverter.Int32BitsToSingle(bits);
        }

        public int Next(int lo, int hi) => _r.Next(lo, hi);
        public bool Coin() => _r.Next(2) == 0;
    }

    /// <summary>Tracks the largest ulp distance and relative error of f against a reference.</summary>
    internal sealed class ErrorStats
    {
        private readonly string _name;
        public long MaxUlp;
        public double MaxRel;
        public string Worst = "";
        public int Count;

        public ErrorStats(string name) { _name = name; }

        public void Add(double actual, double expected, string input)
        {
            Count++;
            long d = Ulp.Distance(actual, expected);
            if (d > MaxUlp)
            {
                MaxUlp = d;
                Worst = $"{input} -> {actual:R} ({Ulp.Hex(actual)}), reference {expected:R} ({Ulp.Hex(expected)})";
            }
            if (!double.IsNaN(expected) && !double.IsInfinity(expected) && expected != 0 && Math.Abs(expected) >= 2.2250738585072014e-308)
            {
                double rel = Math.Abs((actual - expected) / expected);
                if (rel > MaxRel || double.IsNaN(rel)) MaxRel = double.IsNaN(rel) ? double.PositiveInfinity : rel;
            }
        }

        public void Check(ITestOutputHelper output, long maxUlp, double maxRel = 1e-15)
        {
            output.WriteLine($"{_name}: {Count} points, max {MaxUlp} ulp, max relative error {MaxRel:E3}; worst: {Worst}");
            Assert.True(Count > 0, _name + ": no points");
            Assert.True(MaxUlp <= maxUlp, $"{_name}: {MaxUlp} ulp > {maxUlp}; worst {Worst}");
            Assert.True(MaxRel <= maxRel, $"{_name}: relative error {MaxRel:E3} > {maxRel:E3}; worst {Worst}");
        }
    }
}
