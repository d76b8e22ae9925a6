using System;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// fma/fmaf (Math/MathF.FusedMultiplyAdd on the kernel) against the host's Math/MathF.FusedMultiplyAdd (an FMA
    /// instruction or the C library's fma: correctly rounded either way), bit for bit: special cases, operands over the
    /// whole exponent range, near-total cancellation, subnormal products and results, overflow. Also the binary32
    /// ceil/floor/trunc/modf exports against MathF.
    /// </summary>
    public sealed class LibMFmaTests
    {
        private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
        private static bool Same(float a, float b) => float.IsNaN(a) ? float.IsNaN(b) : BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

        private const double Tiny = 4.9406564584124654e-324, MinNormal = 2.2250738585072014e-308;

        [Theory]
        [InlineData(0.1, 10.0, -1.0)] [InlineData(double.MaxValue, 2.0, -double.MaxValue)] [InlineData(double.MaxValue, 1.0000000000000002, 0.0)]
        [InlineData(1.0, -0.0, 0.0)] [InlineData(-1.0, 0.0, -0.0)] [InlineData(1e-200, 1e-200, -0.0)] [InlineData(-1e-200, 1e-200, 0.0)]
        [InlineData(double.PositiveInfinity, 0.0, 1.0)] [InlineData(double.PositiveInfinity, 1.0, double.NegativeInfinity)] [InlineData(1.0, 1.0, double.NaN)]
        [InlineData(double.NaN, 0.0, 1.0)] [InlineData(2.0, 3.0, double.PositiveInfinity)] [InlineData(Tiny, 0.5, 0.0)] [InlineData(Tiny, 0.5, Tiny)]
        [InlineData(Tiny, 1.5, -Tiny)] [InlineData(MinNormal, 0.9999999999999999, 0.0)] [InlineData(MinNormal, -0.5, MinNormal)] [InlineData(1.0, 1.0, -1.0)]
        [InlineData(1.0000000000000002, 1.0000000000000002, -1.0000000000000004)] [InlineData(3.0, 1.0 / 3.0, -1.0)] [InlineData(1e308, 10.0, -1e308)]
        [InlineData(1e-160, 1e-160, 1e-330)] [InlineData(-1e-310, 1e10, 1e-300)]
        public void SpecialAndEdgeCases(double x, double y, double z)
        {
            double expected = Math.FusedMultiplyAdd(x, y, z), actual = LibMFma.Fma(x, y, z);
            Assert.True(Same(expected, actual), $"fma({x:R}, {y:R}, {z:R}) = {actual:R}, host {expected:R}");
        }

        private static double RandomFinite(Random rng, int minExp, int maxExp)
        {
            long mantissa = rng.NextInt64() & 0x000F_FFFF_FFFF_FFFFL;
            int e = rng.Next(minExp, maxExp + 1);                       // unbiased; below −1022 → subnormal/zero field
            long field = Math.Clamp(e + 1023, 0, 2046);
            double v = BitConverter.Int64BitsToDouble((field << 52) | mantissa);
            return rng.Next(2) == 0 ? v : -v;
        }

        [Theory]
        [InlineData("whole range", -1074, 1023, 0)]
        [InlineData("moderate", -60, 60, 0)]
        [InlineData("subnormal products", -600, -450, 0)]
        [InlineData("near overflow", 480, 540, 0)]
        [InlineData("cancellation", -60, 60, 1)]
        [InlineData("cancellation near the subnormal range", -540, -500, 1)]
        public void RandomOperandsAreBitIdentical(string kind, int minExp, int maxExp, int cancel)
        {
            var rng = new Random(kind.GetHashCode() ^ 20261121);
            int mismatches = 0;
            string first = null;
            for (int i = 0; i < 200_000; i++)
            {
                double x = RandomFinite(rng, minExp, maxExp), y = RandomFinite(rng, minExp, maxExp);
                double z = cancel == 0 ? RandomFinite(rng, 2 * minExp, 2 * maxExp)
                    : -(x * y) * (1 + rng.Next(-4, 5) * Math.ScaleB(1.0, -52)) + (rng.Next(3) == 0 ? Math.ScaleB(x * y, -rng.Next(53, 110)) : 0);
                double expected = Math.FusedMultiplyAdd(x, y, z), actual = LibMFma.Fma(x, y, z);
                if (!Same(expected, actual) && mismatches++ == 0)
                    first = $"fma({x:R}, {y:R}, {z:R}) = {actual:R}, host {expected:R}";
            }
            Assert.True(mismatches == 0, mismatches + " mismatches; first: " + first);
        }

        [Fact]
        public void ExactMidpointsPlusATinyAddendRoundAwayFromTheTie()
        {
            // x·y is an odd 54-bit integer times a power of two: exactly halfway between two doubles. A z far below it
            // decides the rounding; losing z's bits in the alignment would round the tie to even instead.
            Assert.Equal(9007199254740994.0, LibMFma.Fma(3.0, 3002399751580331.0, 1e-30));
            Assert.Equal(9007199254740992.0, LibMFma.Fma(3.0, 3002399751580331.0, -1e-30));
            var rng = new Random(54);
            int mismatches = 0;
            string first = null;
            for (int i = 0; i < 100_000; i++)
            {
                long a, b;
                do
                {
                    a = (1L << 26) | rng.NextInt64(1L << 26);
                    b = (1L << 27) | rng.NextInt64(1L << 27);
                } while (((a * b) & 1) == 0 || 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(a * b)) != 54);
                int scale = rng.Next(-900, 900);
                double x = Math.ScaleB(a, scale / 2), y = Math.ScaleB(b, scale - scale / 2) * (rng.Next(2) == 0 ? 1 : -1);
                double z = Math.ScaleB(rng.NextDouble() + 0.5, scale + 53 - rng.Next(56, 400)) * (rng.Next(2) == 0 ? 1 : -1);
                double expected = Math.FusedMultiplyAdd(x, y, z), actual = LibMFma.Fma(x, y, z);
                if (!Same(expected, actual) && mismatches++ == 0)
                    first = $"fma({x:R}, {y:R}, {z:R}) = {actual:R}, host {expected:R}";
            }
            Assert.True(mismatches == 0, mismatches + " mismatches; first: " + first);
        }

        [Fact]
        public void FloatRandomOperandsAreBitIdentical()
        {
            var rng = new Random(2026);
            int mismatches = 0;
            string first = null;
            for (int i = 0; i < 1_000_000; i++)
            {
                int range = i % 4;                                      // whole range, moderate, subnormal products, cancellation
                float x = RandomFloat(rng, range), y = RandomFloat(rng, range);
                float z = range == 3 ? -(x * y) * (1 + rng.Next(-4, 5) * MathF.ScaleB(1f, -23)) : RandomFloat(rng, range == 2 ? 1 : range);
                float expected = MathF.FusedMultiplyAdd(x, y, z), actual = LibMFma.FmaF(x, y, z);
                if (!Same(expected, actual) && mismatches++ == 0)
                    first = $"fmaf({x:R}, {y:R}, {z:R}) = {actual:R}, host {expected:R}";
            }
            Assert.True(mismatches == 0, mismatches + " mismatches; first: " + first);
            Assert.True(Same(MathF.FusedMultiplyAdd(float.MaxValue, 2f, -float.MaxValue), LibMFma.FmaF(float.MaxValue, 2f, -float.MaxValue)));
            Assert.True(Same(-0f, LibMFma.FmaF(-1e-30f, 1e-30f, 0f)), "an underflowing negative product plus +0 is -0");
        }

        private static float RandomFloat(Random rng, int range)
        {
            int bits = rng.Next() & 0x007F_FFFF;
            int e = range switch { 0 => rng.Next(-149, 128), 2 => rng.Next(-90, -50), _ => rng.Next(-20, 21) };
            int field = Math.Clamp(e + 127, 0, 254);
            float v = BitConverter.Int32BitsToSingle((field << 23) | bits);
            return rng.Next(2) == 0 ? v : -v;
        }

        [Theory]
        [InlineData(2.5f)] [InlineData(-2.5f)] [InlineData(-0.5f)] [InlineData(0.5f)] [InlineData(-0f)] [InlineData(1e-45f)] [InlineData(-1e-45f)]
        [InlineData(8388609f)] [InlineData(-8388607.5f)] [InlineData(float.PositiveInfinity)] [InlineData(float.NegativeInfinity)] [InlineData(float.NaN)]
        [InlineData(3.4028235e38f)] [InlineData(-1.17549435e-38f)]
        public unsafe void FloatRoundingExportsMatchMathF(float x)
        {
            Assert.True(Same(MathF.Ceiling(x), MathHelpers.CeilF(x)), $"ceilf({x:R})");
            Assert.True(Same(MathF.Floor(x), MathHelpers.FloorF(x)), $"floorf({x:R})");
            Assert.True(Same(MathF.Truncate(x), MathHelpers.TruncF(x)), $"truncf({x:R})");
            float ip;
            float frac = MathHelpers.ModfF(x, &ip);
            Assert.True(Same(MathF.Truncate(x), ip), $"modff({x:R}) integral part {ip:R}");
            float expectedFrac = float.IsInfinity(x) ? MathF.CopySign(0f, x) : x - MathF.Truncate(x);
            if (expectedFrac == 0) expectedFrac = MathF.CopySign(0f, x);
            Assert.True(Same(expectedFrac, frac), $"modff({x:R}) fractional part {frac:R}, expected {expectedFrac:R}");
        }
    }
}
