using System.Text;
using LibMTests;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Runtime.Tests
{
    /// <summary>LibM on the host through the checksum code the LibMTests kernel runs against System.Math.</summary>
    internal struct HostLibM : IMathFunctions
    {
        public double Sin(double x) => LibM.Sin(x); public double Cos(double x) => LibM.Cos(x); public double Tan(double x) => LibM.Tan(x);
        public double Exp(double x) => LibM.Exp(x); public double Log(double x) => LibM.Log(x); public double Log2(double x) => LibM.Log2(x);
        public double Log10(double x) => LibM.Log10(x); public double Pow(double x, double y) => LibM.Pow(x, y); public double Atan(double x) => LibM.Atan(x);
        public double Atan2(double y, double x) => LibM.Atan2(y, x); public double Asin(double x) => LibM.Asin(x); public double Acos(double x) => LibM.Acos(x);
        public double Sinh(double x) => LibM.Sinh(x); public double Cosh(double x) => LibM.Cosh(x); public double Tanh(double x) => LibM.Tanh(x);
        public double Cbrt(double x) => LibM.Cbrt(x);
        public float SinF(float x) => LibM.SinF(x); public float CosF(float x) => LibM.CosF(x); public float PowF(float x, float y) => LibM.PowF(x, y);
        public float ExpF(float x) => LibM.ExpF(x); public float LogF(float x) => LibM.LogF(x);
    }

    public sealed class LibMChecksumTests
    {
        private readonly ITestOutputHelper _out;
        public LibMChecksumTests(ITestOutputHelper output) { _out = output; }

        /// <summary>
        /// The expected hashes the LibMTests kernel checks are LibM's own results on the host. When
        /// LibM changes on purpose, this fails and prints the new table for LibMChecksums.Expected.
        /// </summary>
        [Fact]
        public void KernelChecksumTableMatchesHostLibM()
        {
            var sb = new StringBuilder();
            bool ok = true;
            for (int f = 0; f < LibMChecksums.Functions; f++)
            {
                ulong h = LibMChecksums.Compute(new HostLibM(), f);
                sb.Append($"0x{h:X16}UL, ");
                if (h != LibMChecksums.Expected[f]) { ok = false; _out.WriteLine($"{LibMChecksums.Names[f]}: 0x{h:X16}, table 0x{LibMChecksums.Expected[f]:X16}"); }
            }
            _out.WriteLine("table: " + sb);
            Assert.True(ok, "LibMChecksums.Expected is out of date; new table: " + sb);
        }
    }
}
