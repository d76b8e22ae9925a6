using System;
using System.Collections.Generic;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// C99 Annex F special cases (NaN, ±0, ±Inf, domain errors, overflow/underflow) compared bit for
    /// bit (any NaN matches any NaN; the sign of zero matters), plus results that must be exact.
    /// </summary>
    public sealed class LibMSpecialCaseTests
    {
        private const double Inf = double.PositiveInfinity, NaN = double.NaN;
        private const double Pi = 3.141592653589793, PiOver2 = 1.5707963267948966, PiOver4 = 0.7853981633974483, ThreePiOver4 = 2.356194490192345;
        private const double Min = 4.9406564584124654e-324, MinNormal = 2.2250738585072014e-308, Max = double.MaxValue;

        private readonly ITestOutputHelper _out;
        public LibMSpecialCaseTests(ITestOutputHelper output) { _out = output; }

        private static readonly Dictionary<string, Func<double, double>> Unary = new()
        {
            ["sin"] = LibM.Sin, ["cos"] = LibM.Cos, ["tan"] = LibM.Tan, ["exp"] = LibM.Exp, ["log"] = LibM.Log,
            ["log2"] = LibM.Log2, ["log10"] = LibM.Log10, ["atan"] = LibM.Atan, ["asin"] = LibM.Asin, ["acos"] = LibM.Acos,
            ["sinh"] = LibM.Sinh, ["cosh"] = LibM.Cosh, ["tanh"] = LibM.Tanh, ["cbrt"] = LibM.Cbrt,
            ["asinh"] = LibM.Asinh, ["acosh"] = LibM.Acosh, ["atanh"] = LibM.Atanh,
        };

        public static IEnumerable<object[]> UnaryCases()
        {
            object[] C(string f, double x, double r) => new object[] { f, x, r };
            // NaN in → NaN out, for every function
            foreach (var f in new[] { "sin", "cos", "tan", "exp", "log", "log2", "log10", "atan", "asin", "acos", "sinh", "cosh", "tanh", "cbrt", "asinh", "acosh", "atanh" })
                yield return C(f, NaN, NaN);
            // ±0 → ±0 for the odd functions
            foreach (var f in new[] { "sin", "tan", "atan", "asin", "sinh", "tanh", "cbrt", "asinh", "atanh" })
            {
                yield return C(f, 0.0, 0.0);
                yield return C(f, -0.0, -0.0);
                if (f == "cbrt") continue;
                yield return C(f, Min, Min);        // f(x) ≈ x for the smallest subnormal
                yield return C(f, -Min, -Min);
            }
            yield return C("cbrt", Min, 1.7031839360032603e-108); // cbrt(2^-1074) = 2^-358
            yield return C("cbrt", -Min, -1.7031839360032603e-108);
            yield return C("sin", 1e-300, 1e-300);
            yield return C("tan", -1e-300, -1e-300);
            // infinities
            yield return C("sin", Inf, NaN); yield return C("sin", -Inf, NaN);
            yield return C("cos", Inf, NaN); yield return C("cos", -Inf, NaN);
            yield return C("tan", Inf, NaN); yield return C("tan", -Inf, NaN);
            yield return C("cos", 0.0, 1.0); yield return C("cos", -0.0, 1.0);
            yield return C("exp", 0.0, 1.0); yield return C("exp", -0.0, 1.0);
            yield return C("exp", Inf, Inf); yield return C("exp", -Inf, 0.0);
            yield return C("exp", 709.782712893384, 1.7976931348622732e308); // the largest x below ln(DBL_MAX)
            yield return C("exp", 709.7827128933841, Inf);                    // the next double overflows
            yield return C("exp", 710.0, Inf); yield return C("exp", 1e300, Inf); yield return C("exp", Max, Inf);
            yield return C("exp", -745.13321910194110842, Min);  // rounds up to the smallest subnormal
            yield return C("exp", -745.2, 0.0); yield return C("exp", -1e300, 0.0);
            yield return C("exp", 1.0, 2.718281828459045);
            yield return C("exp", 5e-324, 1.0); yield return C("exp", -5e-324, 1.0);
            foreach (var f in new[] { "log", "log2", "log10" })
            {
                yield return C(f, 0.0, -Inf); yield return C(f, -0.0, -Inf);
                yield return C(f, 1.0, 0.0);
                yield return C(f, -1.0, NaN); yield return C(f, -Min, NaN); yield return C(f, -Inf, NaN);
                yield return C(f, Inf, Inf);
            }
            yield return C("log", Min, -744.4400719213812);
            yield return C("log", Max, 709.782712893384);
            yield return C("log2", Min, -1074.0); yield return C("log2", MinNormal, -1022.0);
            yield return C("log2", Max, 1024.0);
            yield return C("log10", 1e-300, -300.0);
            yield return C("atan", Inf, PiOver2); yield return C("atan", -Inf, -PiOver2);
            yield return C("atan", 1.0, PiOver4); yield return C("atan", -1.0, -PiOver4);
            yield return C("atan", Max, PiOver2);
            yield return C("asin", 1.0, PiOver2); yield return C("asin", -1.0, -PiOver2);
            yield return C("asin", 1.0000000000000002, NaN); yield return C("asin", -2.0, NaN); yield return C("asin", Inf, NaN);
            yield return C("acos", 1.0, 0.0); yield return C("acos", -1.0, Pi);
            yield return C("acos", 0.0, PiOver2); yield return C("acos", -0.0, PiOver2);
            yield return C("acos", 1.0000000000000002, NaN); yield return C("acos", -Inf, NaN);
            yield return C("sinh", Inf, Inf); yield return C("sinh", -Inf, -Inf);
            yield return C("sinh", 711.0, Inf); yield return C("sinh", -711.0, -Inf);
            yield return C("sinh", 710.4758600739439, 1.7976931348621744e308); // near the top of the range
            yield return C("cosh", Inf, Inf); yield return C("cosh", -Inf, Inf);
            yield return C("cosh", 0.0, 1.0); yield return C("cosh", -0.0, 1.0); yield return C("cosh", 1e-300, 1.0);
            yield return C("cosh", 711.0, Inf); yield return C("cosh", -711.0, Inf);
            yield return C("tanh", Inf, 1.0); yield return C("tanh", -Inf, -1.0);
            yield return C("tanh", 30.0, 1.0); yield return C("tanh", -30.0, -1.0); yield return C("tanh", Max, 1.0);
            yield return C("cbrt", Inf, Inf); yield return C("cbrt", -Inf, -Inf);
            yield return C("cbrt", 27.0, 3.0); yield return C("cbrt", -8.0, -2.0); yield return C("cbrt", 1.0, 1.0);
            yield return C("cbrt", 0.001953125, 0.125); yield return C("cbrt", Max, 5.643803094122362e102);
            yield return C("asinh", Inf, Inf); yield return C("asinh", -Inf, -Inf);
            yield return C("acosh", 1.0, 0.0); yield return C("acosh", Inf, Inf);
            yield return C("acosh", 0.9999999999999999, NaN); yield return C("acosh", -Inf, NaN); yield return C("acosh", 0.0, NaN);
            yield return C("atanh", 1.0, Inf); yield return C("atanh", -1.0, -Inf);
            yield return C("atanh", 1.0000000000000002, NaN); yield return C("atanh", -Inf, NaN);
        }

        [Theory]
        [MemberData(nameof(UnaryCases))]
        public void UnarySpecialCase(string f, double x, double expected)
        {
            double r = Unary[f](x);
            Assert.True(Ulp.Same(r, expected), $"{f}({x:R} {Ulp.Hex(x)}) = {r:R} ({Ulp.Hex(r)}), expected {expected:R} ({Ulp.Hex(expected)})");
        }

        public static IEnumerable<object[]> PowCases()
        {
            object[] C(double x, double y, double r) => new object[] { x, y, r };
            double[] any = { 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 1e300, -1e300, Min, -Min, Inf, -Inf, NaN };
            foreach (double x in any) { yield return C(x, 0.0, 1.0); yield return C(x, -0.0, 1.0); }   // pow(x, ±0) = 1, even NaN
            foreach (double y in any) yield return C(1.0, y, 1.0);                                       // pow(+1, y) = 1, even NaN
            yield return C(NaN, 1.0, NaN); yield return C(2.0, NaN, NaN); yield return C(-1.0, NaN, NaN); yield return C(NaN, NaN, NaN);
            // pow(±0, y)
            yield return C(0.0, -3.0, Inf); yield return C(-0.0, -3.0, -Inf);       // odd integer < 0
            yield return C(0.0, -1.0, Inf); yield return C(-0.0, -1.0, -Inf);
            yield return C(0.0, -Inf, Inf); yield return C(-0.0, -Inf, Inf);
            yield return C(0.0, -2.0, Inf); yield return C(-0.0, -2.0, Inf);        // < 0, not an odd integer
            yield return C(0.0, -0.5, Inf); yield return C(-0.0, -0.5, Inf); yield return C(-0.0, -1e300, Inf);
            yield return C(0.0, 3.0, 0.0); yield return C(-0.0, 3.0, -0.0);         // odd integer > 0
            yield return C(0.0, 2.0, 0.0); yield return C(-0.0, 2.0, 0.0);          // > 0, not an odd integer
            yield return C(0.0, 0.5, 0.0); yield return C(-0.0, 0.5, 0.0); yield return C(-0.0, Inf, 0.0); yield return C(-0.0, 1e300, 0.0);
            // pow(−1, ±Inf) = 1
            yield return C(-1.0, Inf, 1.0); yield return C(-1.0, -Inf, 1.0);
            // pow(x, ±Inf)
            yield return C(0.5, -Inf, Inf); yield return C(-0.5, -Inf, Inf); yield return C(2.0, -Inf, 0.0); yield return C(-2.0, -Inf, 0.0);
            yield return C(0.5, Inf, 0.0); yield return C(-0.5, Inf, 0.0); yield return C(2.0, Inf, Inf); yield return C(-2.0, Inf, Inf);
            yield return C(0.9999999999999999, Inf, 0.0); yield return C(1.0000000000000002, Inf, Inf);
            yield return C(Inf, Inf, Inf); yield return C(-Inf, Inf, Inf); yield return C(Inf, -Inf, 0.0); yield return C(-Inf, -Inf, 0.0);
            // pow(−Inf, y)
            yield return C(-Inf, -3.0, -0.0); yield return C(-Inf, -2.0, 0.0); yield return C(-Inf, -0.5, 0.0);
            yield return C(-Inf, 3.0, -Inf); yield return C(-Inf, 2.0, Inf); yield return C(-Inf, 0.5, Inf);
            // pow(+Inf, y)
            yield return C(Inf, -1.0, 0.0); yield return C(Inf, -Min, 0.0); yield return C(Inf, 1.0, Inf); yield return C(Inf, Min, Inf);
            // negative finite base with a non-integer exponent
            yield return C(-2.0, 0.5, NaN); yield return C(-8.0, 1.0 / 3, NaN); yield return C(-1.0, 1.5, NaN); yield return C(-Max, -0.5, NaN);
            // negative base with an integer exponent: sign from the parity
            yield return C(-2.0, 3.0, -8.0); yield return C(-2.0, 2.0, 4.0); yield return C(-2.0, -1.0, -0.5); yield return C(-2.0, -2.0, 0.25);
            yield return C(-1.0, 9007199254740993.0, 1.0); // |y| ≥ 2^53 is even
            yield return C(-1.0, 9007199254740991.0, -1.0); // 2^53 − 1 is odd
            yield return C(-0.5, 1075.0, -0.0); yield return C(-0.5, 1074.0, Min); yield return C(-0.5, 1073.0, -2 * Min);
            yield return C(-2.0, 1025.0, -Inf); yield return C(-2.0, 1023.0, -8.98846567431158e307);
            // overflow and underflow
            yield return C(10.0, 309.0, Inf); yield return C(10.0, -324.0, 0.0); yield return C(Max, 2.0, Inf); yield return C(Max, -2.0, 0.0);
            yield return C(2.0, 1024.0, Inf); yield return C(2.0, -1075.0, 0.0); yield return C(2.0, -1074.0, Min);
            yield return C(1.0000000000000002, 1e300, Inf); yield return C(0.9999999999999999, 1e300, 0.0);
            yield return C(1.0000000000000002, -1e300, 0.0); yield return C(Min, 0.5, 2.2227587494850775e-162);
            // exact results
            yield return C(2.0, 10.0, 1024.0); yield return C(10.0, 22.0, 1e22); yield return C(3.0, 33.0, 5559060566555523.0);
            yield return C(4.0, 0.5, 2.0); yield return C(16.0, -0.25, 0.5); yield return C(2.0, -1022.0, MinNormal);
            yield return C(1.5, 2.0, 2.25); yield return C(7.0, 1.0, 7.0); yield return C(Max, 1.0, Max); yield return C(Min, 1.0, Min);
            yield return C(0.1, -1.0, 10.0);
        }

        [Theory]
        [MemberData(nameof(PowCases))]
        public void PowSpecialCase(double x, double y, double expected)
        {
            double r = LibM.Pow(x, y);
            Assert.True(Ulp.Same(r, expected), $"pow({x:R}, {y:R}) = {r:R} ({Ulp.Hex(r)}), expected {expected:R} ({Ulp.Hex(expected)})");
        }

        public static IEnumerable<object[]> Atan2Cases()
        {
            object[] C(double y, double x, double r) => new object[] { y, x, r };
            yield return C(0.0, -0.0, Pi); yield return C(-0.0, -0.0, -Pi);
            yield return C(0.0, 0.0, 0.0); yield return C(-0.0, 0.0, -0.0);
            yield return C(0.0, -1.0, Pi); yield return C(-0.0, -1.0, -Pi); yield return C(0.0, -Inf, Pi); yield return C(-0.0, -Inf, -Pi);
            yield return C(0.0, 1.0, 0.0); yield return C(-0.0, 1.0, -0.0); yield return C(0.0, Inf, 0.0); yield return C(-0.0, Inf, -0.0);
            yield return C(-1.0, 0.0, -PiOver2); yield return C(-1.0, -0.0, -PiOver2);
            yield return C(1.0, 0.0, PiOver2); yield return C(1.0, -0.0, PiOver2);
            yield return C(1.0, -Inf, Pi); yield return C(-1.0, -Inf, -Pi);
            yield return C(1.0, Inf, 0.0); yield return C(-1.0, Inf, -0.0);
            yield return C(Inf, 1.0, PiOver2); yield return C(-Inf, 1.0, -PiOver2); yield return C(Inf, -1.0, PiOver2);
            yield return C(Inf, -Inf, ThreePiOver4); yield return C(-Inf, -Inf, -ThreePiOver4);
            yield return C(Inf, Inf, PiOver4); yield return C(-Inf, Inf, -PiOver4);
            yield return C(NaN, 1.0, NaN); yield return C(1.0, NaN, NaN); yield return C(NaN, NaN, NaN); yield return C(Inf, NaN, NaN);
            yield return C(1.0, 1.0, PiOver4); yield return C(-1.0, -1.0, -ThreePiOver4);
            yield return C(Max, Min, PiOver2); yield return C(Min, Max, 0.0); yield return C(Min, -Max, Pi); yield return C(-Min, -Max, -Pi);
            yield return C(Min, 1.0, Min); yield return C(1e-300, 1e300, 0.0);
        }

        [Theory]
        [MemberData(nameof(Atan2Cases))]
        public void Atan2SpecialCase(double y, double x, double expected)
        {
            double r = LibM.Atan2(y, x);
            Assert.True(Ulp.Same(r, expected), $"atan2({y:R}, {x:R}) = {r:R} ({Ulp.Hex(r)}), expected {expected:R} ({Ulp.Hex(expected)})");
        }

        [Fact]
        public void ExactResults()
        {
            // powers of two through pow, exp of nothing, log2 of every power of two (subnormals too)
            for (int k = -1074; k <= 1023; k++)
            {
                double p2 = Math.ScaleB(1.0, k);
                Assert.Equal(p2, LibM.Pow(2.0, k));
                Assert.Equal((double)k, LibM.Log2(p2));
                if (k >= -358 && k <= 341) Assert.Equal(p2, LibM.Cbrt(Math.ScaleB(1.0, 3 * k)));
            }
            // exactly representable powers of ten
            double ten = 1;
            for (int k = 0; k <= 22; k++, ten *= 10)
            {
                Assert.Equal((double)k, LibM.Log10(ten));
                Assert.Equal(ten, LibM.Pow(10.0, k));
            }
            // integer cubes
            for (long n = -2000; n <= 2000; n++) Assert.Equal((double)n, LibM.Cbrt((double)(n * n * n)));
            // pow with small integer exponents of small integers is exact when the result fits in 53 bits
            for (int b = -20; b <= 20; b++)
            {
                double exact = 1;
                for (int e = 0; e <= 12; e++, exact *= b)
                    Assert.True(Ulp.Same(exact, LibM.Pow(b, e)) || (b == 0 && e == 0), $"pow({b}, {e}) = {LibM.Pow(b, e):R}, expected {exact:R}");
            }
            // pow(x, 1) = x and pow(x, −1) = 1/x (correctly rounded both ways) on random x
            var g = new Inputs(42);
            for (int i = 0; i < 20_000; i++)
            {
                double x = g.LogUniform(-1000, 1000, randomSign: true);
                Assert.Equal(x, LibM.Pow(x, 1.0));
                double inv = 1.0 / x;
                Assert.True(Ulp.Distance(inv, LibM.Pow(x, -1.0)) <= 1, $"pow({x:R}, -1)");
            }
            _out.WriteLine("exact results ok");
        }

        [Fact]
        public void FloatSpecialCases()
        {
            Assert.True(float.IsNaN(LibM.SinF(float.NaN)) && float.IsNaN(LibM.SinF(float.PositiveInfinity)));
            Assert.True(float.IsNaN(LibM.CosF(float.NegativeInfinity)));
            Assert.Equal(1f, LibM.CosF(0f)); Assert.Equal(1f, LibM.ExpF(-0f));
            Assert.Equal(0f, LibM.ExpF(float.NegativeInfinity)); Assert.Equal(float.PositiveInfinity, LibM.ExpF(89f));
            Assert.Equal(float.NegativeInfinity, LibM.LogF(0f)); Assert.True(float.IsNaN(LibM.LogF(-1f)));
            Assert.Equal(1f, LibM.PowF(float.NaN, 0f)); Assert.Equal(1f, LibM.PowF(1f, float.NaN));
            Assert.True(float.IsNaN(LibM.PowF(-2f, 0.5f)));
            Assert.Equal(float.NegativeInfinity, LibM.PowF(-0f, -3f));
            Assert.Equal(-8f, LibM.PowF(-2f, 3f)); Assert.Equal(1024f, LibM.PowF(2f, 10f));
            Assert.Equal(float.PositiveInfinity, LibM.PowF(2f, 128f)); Assert.Equal(0f, LibM.PowF(2f, -150f));
            Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(LibM.SinF(-0f)));
            Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(LibM.TanhF(-0f)));
            Assert.Equal(-3f, LibM.CbrtF(-27f)); Assert.Equal(3f, LibM.Log10F(1000f)); Assert.Equal(-149f, LibM.Log2F(float.Epsilon));
            Assert.Equal((float)Math.PI, LibM.Atan2F(0f, -1f)); Assert.Equal(-(float)(Math.PI / 2), LibM.AsinF(-1f));
        }
    }
}
