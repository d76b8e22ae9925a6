using System;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// fmod/fmodf (what C# <c>%</c> on double/float compiles to on the kernel) against the host's <c>%</c>, which is
    /// exact C fmod: bit-identical results (the sign of zero included) for random operands across the whole exponent
    /// range, subnormals, and the Annex F special cases.
    /// </summary>
    public sealed class LibMFmodTests
    {
        private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

        [Theory]
        [InlineData(5.5, 2.0)] [InlineData(-5.5, 2.0)] [InlineData(5.5, -2.0)] [InlineData(1e308, 3.0)] [InlineData(3.0, 1e308)]
        [InlineData(4.9406564584124654e-324, 2.2250738585072014e-308)] [InlineData(1e-300, 3e-310)] [InlineData(6.0, 3.0)] [InlineData(-6.0, 3.0)]
        [InlineData(0.0, 1.0)] [InlineData(double.PositiveInfinity, 1.0)] [InlineData(1.0, 0.0)]
        [InlineData(double.NaN, 1.0)] [InlineData(1.0, double.NaN)] [InlineData(1.0, double.PositiveInfinity)] [InlineData(-1.0, double.NegativeInfinity)]
        [InlineData(double.MaxValue, 4.9406564584124654e-324)] [InlineData(0.1, 0.01)]
        public void SpecialAndEdgeCases(double x, double y)
        {
            double expected = x % y, actual = LibM.Fmod(x, y);
            Assert.True(Same(expected, actual), $"fmod({x:R}, {y:R}) = {actual:R}, host {expected:R}");
        }

        /// <summary>The signed zeros, apart: InlineData rows of 0.0 and -0.0 count as duplicates to xUnit (they compare equal).</summary>
        [Fact]
        public void NegativeZeroOperands()
        {
            foreach (var (x, y) in new[] { (-0.0, 1.0), (1.0, -0.0), (-0.0, -1.0) })
            {
                double expected = x % y, actual = LibM.Fmod(x, y);
                Assert.True(Same(expected, actual), $"fmod({x:R}, {y:R}) = {actual:R}, host {expected:R}");
            }
        }

        [Fact]
        public void RandomOperandsAreBitIdentical()
        {
            var rng = new Random(20261121);
            int mismatches = 0;
            for (int i = 0; i < 200_000; i++)
            {
                double x = BitConverter.Int64BitsToDouble(rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFFL) * (rng.Next(2) == 0 ? 1 : -1);
                double y = BitConverter.Int64BitsToDouble(rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFFL) * (rng.Next(2) == 0 ? 1 : -1);
                if (i % 2 == 0) y = Math.ScaleB(y, -Math.ILogB(y) + Math.ILogB(x) - rng.Next(0, 60));   // near x's scale
                if (!Same(x % y, LibM.Fmod(x, y)) && mismatches++ < 5)
                    Assert.Fail($"fmod({x:R}, {y:R}) = {LibM.Fmod(x, y):R}, host {x % y:R}");
            }
            Assert.Equal(0, mismatches);
        }

        [Fact]
        public void FloatVariantMatchesHost()
        {
            var rng = new Random(7);
            for (int i = 0; i < 100_000; i++)
            {
                float x = (float)(rng.NextDouble() * 2e6 - 1e6), y = (float)(rng.NextDouble() * 200 - 100);
                float expected = x % y, actual = LibM.FmodF(x, y);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)),
                    $"fmodf({x:R}, {y:R}) = {actual:R}, host {expected:R}");
            }
        }
    }
}
