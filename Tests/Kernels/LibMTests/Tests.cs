using System;
using Cosmos.TestRunner;

namespace LibMTests
{
    /// <summary>System.Math on the kernel, which binds to Cosmos.Runtime.LibM's sin/cos/pow/... exports.</summary>
    internal struct KernelMath : IMathFunctions
    {
        public double Sin(double x) => Math.Sin(x); public double Cos(double x) => Math.Cos(x); public double Tan(double x) => Math.Tan(x);
        public double Exp(double x) => Math.Exp(x); public double Log(double x) => Math.Log(x); public double Log2(double x) => Math.Log2(x);
        public double Log10(double x) => Math.Log10(x); public double Pow(double x, double y) => Math.Pow(x, y); public double Atan(double x) => Math.Atan(x);
        public double Atan2(double y, double x) => Math.Atan2(y, x); public double Asin(double x) => Math.Asin(x); public double Acos(double x) => Math.Acos(x);
        public double Sinh(double x) => Math.Sinh(x); public double Cosh(double x) => Math.Cosh(x); public double Tanh(double x) => Math.Tanh(x);
        public double Cbrt(double x) => Math.Cbrt(x);
        public float SinF(float x) => MathF.Sin(x); public float CosF(float x) => MathF.Cos(x); public float PowF(float x, float y) => MathF.Pow(x, y);
        public float ExpF(float x) => MathF.Exp(x); public float LogF(float x) => MathF.Log(x);
    }

    public sealed class Kernel : TestKernel
    {
        // Inputs live in arrays so the compiler cannot fold the calls at build time.
        private static readonly ulong[] HardX = { 0x7506AC5B262CA1FFUL, 0x4480F0CF064DD592UL, 0x7FEFFFFFFFFFFFFFUL, 0x3FF921FB54442D18UL, 0x4036000000000000UL };
        // correctly rounded sin, cos, tan of HardX (computed with 2500-bit arithmetic)
        private static readonly ulong[] HardSin = { 0x3FF0000000000000UL, 0xBFEB453AB76BF397UL, 0x3F7452FC98B34E97UL, 0x3FF0000000000000UL, 0xBF8220A29F6EB9F4UL };
        private static readonly ulong[] HardCos = { 0xBC214AE72E6BA22FUL, 0x3FE0BE2CEF01C8F4UL, 0xBFEFFFE62ECFAB75UL, 0x3C91A62633145C07UL, 0xBFEFFFADD8D4ACDAUL };
        private static readonly ulong[] HardTan = { 0xC3BD9BA9A7975636UL, 0xBFFA0F79C1B6B257UL, 0xBF74530CFE729484UL, 0x434D02967C31CDB5UL, 0x3F8220D129B73EF8UL };
        private static readonly double[] Values = { 0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 3.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 10.0, 1024.0 };

        private static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);
        private static ulong U(double d) => BitConverter.DoubleToUInt64Bits(d);

        protected override void RunTests()
        {
            Test("sin, cos, tan of hard arguments are correctly rounded", () =>
            {
                for (int i = 0; i < HardX.Length; i++)
                {
                    double x = D(HardX[i]);
                    Equal(HardSin[i], U(Math.Sin(x)), "sin #" + i);
                    Equal(HardCos[i], U(Math.Cos(x)), "cos #" + i);
                    Equal(HardTan[i], U(Math.Tan(x)), "tan #" + i);
                    Equal(HardSin[i] ^ 0x8000000000000000UL, U(Math.Sin(-x)), "sin(-x) #" + i);
                }
            });

            Test("special cases", () =>
            {
                double zero = Values[0], negZero = Values[1], one = Values[2], two = Values[4], half = Values[5], three = Values[6];
                double inf = Values[7], negInf = Values[8], nan = Values[9], ten = Values[10];
                Equal(1.0, Math.Pow(nan, zero), "pow(NaN, 0)");
                Equal(1.0, Math.Pow(one, nan), "pow(1, NaN)");
                True(double.IsNaN(Math.Pow(-two, half)), "pow(-2, 0.5) is NaN");
                Equal(U(double.NegativeInfinity), U(Math.Pow(negZero, -three)), "pow(-0, -3)");
                Equal(U(-0.0), U(Math.Pow(negZero, three)), "pow(-0, 3)");
                Equal(-8.0, Math.Pow(-two, three), "pow(-2, 3)");
                Equal(1e22, Math.Pow(ten, 22 * one), "pow(10, 22)");
                Equal(double.PositiveInfinity, Math.Pow(ten, 309 * one), "pow(10, 309)");
                Equal(0.0, Math.Pow(ten, -324 * one), "pow(10, -324)");
                Equal(1.0, Math.Exp(negZero), "exp(-0)");
                Equal(0.0, Math.Exp(negInf), "exp(-Inf)");
                Equal(double.NegativeInfinity, Math.Log(zero), "log(0)");
                True(double.IsNaN(Math.Log(-one)), "log(-1) is NaN");
                Equal(10.0, Math.Log2(Values[11]), "log2(1024)");
                Equal(1.0, Math.Log10(ten), "log10(10)");
                True(double.IsNaN(Math.Sin(inf)) && double.IsNaN(Math.Cos(negInf)), "sin(Inf), cos(-Inf) are NaN");
                Equal(U(-0.0), U(Math.Sin(negZero)), "sin(-0)");
                Equal(U(Math.PI), U(Math.Atan2(zero, -one)), "atan2(0, -1)");
                Equal(U(-Math.PI), U(Math.Atan2(negZero, negZero)), "atan2(-0, -0)");
                Equal(U(Math.PI / 2), U(Math.Asin(one)), "asin(1)");
                Equal(3.0, Math.Cbrt(27 * one), "cbrt(27)");
                Equal(1.0, Math.Tanh(inf), "tanh(Inf)");
                Equal(2f, MathF.Pow((float)two, (float)one), "powf(2, 1)");
            });

            Test("System.Math agrees bit for bit with LibM on the host (checksums over 2000 points per function)", () =>
            {
                for (int f = 0; f < LibMChecksums.Functions; f++)
                    Equal(LibMChecksums.Expected[f], LibMChecksums.Compute(new KernelMath(), f), LibMChecksums.Names[f]);
            });
        }
    }
}
