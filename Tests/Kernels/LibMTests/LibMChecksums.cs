namespace LibMTests
{
    /// <summary>The math functions under test, as a struct so the same checksum code runs against System.Math on the kernel and Cosmos.Runtime.LibM on the host.</summary>
    public interface IMathFunctions
    {
        double Sin(double x); double Cos(double x); double Tan(double x); double Exp(double x); double Log(double x);
        double Log2(double x); double Log10(double x); double Pow(double x, double y); double Atan(double x); double Atan2(double y, double x);
        double Asin(double x); double Acos(double x); double Sinh(double x); double Cosh(double x); double Tanh(double x); double Cbrt(double x);
        float SinF(float x); float CosF(float x); float PowF(float x, float y); float ExpF(float x); float LogF(float x);
    }

    /// <summary>
    /// Deterministic inputs (an LCG, no floating-point in the generator) and an FNV-style hash of
    /// the result bits per function. Shared by the LibMTests kernel (System.Math → the kernel's
    /// libm exports) and Tests/Cosmos.Runtime.Tests (Cosmos.Runtime.LibM on the host), so the kernel
    /// checks bit-identical results over thousands of points and the expected values stay in sync.
    /// </summary>
    public static class LibMChecksums
    {
        public const int Points = 2000;
        public const int Functions = 21;

        /// <summary>Expected hashes per function index (updated together with LibM: the host test says when).</summary>
        public static readonly ulong[] Expected =
        {
            0xE3348C8157118C84UL, 0xA38A93CD3C8DDF2EUL, 0xEC34B51FBCB2518AUL, 0x391D502F15A5E3FAUL,
            0x516D8563355FE3D1UL, 0x64A36CA91A088B7AUL, 0x12E4C7EDF8B33668UL, 0x1095DFE27E474D28UL,
            0xD8ED45C89601EB7BUL, 0x5FF4635EBF372503UL, 0x59666DE22FA5C7BBUL, 0x7B506D64DA8327A9UL,
            0xF98908CD4444164EUL, 0xB55F92D11E3BABCFUL, 0xE4F133858ACB2DDEUL, 0xA815DFEB59EAB9F7UL,
            0x90BE3CABB4A40312UL, 0xB9E7D17EB2A3BEF4UL, 0x8E4B00C414F8D1AFUL, 0xC1E778B4E9E484E3UL,
            0x00D16413360740BBUL,
        };

        public static readonly string[] Names =
        {
            "sin", "cos", "tan", "exp", "log", "log2", "log10", "pow", "atan", "atan2", "asin", "acos",
            "sinh", "cosh", "tanh", "cbrt", "sinf", "cosf", "powf", "expf", "logf",
        };

        private static ulong Next(ref ulong s) { s = s * 6364136223846793005UL + 1442695040888963407UL; return s; }

        /// <summary>A double with a random 52-bit mantissa, binary exponent in [lo, hi], random sign if asked.</summary>
        private static double Rand(ref ulong s, int lo, int hi, bool signed)
        {
            ulong r = Next(ref s);
            int e = lo + (int)((r >> 40) % (ulong)(hi - lo + 1));
            long bits = ((long)(e + 1023) << 52) | (long)(Next(ref s) >> 12);
            if (signed && (r & 1) != 0) bits |= long.MinValue;
            return System.BitConverter.Int64BitsToDouble(bits);
        }

        private static ulong Mix(ulong h, ulong v) => (h ^ v) * 0x100000001B3UL + 0x9E3779B97F4A7C15UL;
        private static ulong B(double d) => (ulong)System.BitConverter.DoubleToInt64Bits(d);
        private static ulong B(float f) => (uint)System.BitConverter.SingleToInt32Bits(f);

        public static ulong Compute<T>(T m, int function) where T : struct, IMathFunctions
        {
            ulong s = 0x0123456789ABCDEFUL + (ulong)function * 0x1000193UL, h = 0xCBF29CE484222325UL;
            for (int i = 0; i < Points; i++)
            {
                ulong v;
                switch (function)
                {
                    case 0: v = B(m.Sin(Rand(ref s, -30, (i & 1) == 0 ? 4 : 1023, true))); break;
                    case 1: v = B(m.Cos(Rand(ref s, -30, (i & 1) == 0 ? 4 : 1023, true))); break;
                    case 2: v = B(m.Tan(Rand(ref s, -30, (i & 1) == 0 ? 4 : 1023, true))); break;
                    case 3: v = B(m.Exp(Rand(ref s, -40, 9, true))); break;
                    case 4: v = B(m.Log(Rand(ref s, -1022, 1023, false))); break;
                    case 5: v = B(m.Log2(Rand(ref s, -1022, 1023, false))); break;
                    case 6: v = B(m.Log10(Rand(ref s, -1022, 1023, false))); break;
                    case 7: v = B(m.Pow(Rand(ref s, -8, 8, (i & 3) == 0), (i & 3) == 0 ? (double)(long)(Next(ref s) % 41) - 20 : Rand(ref s, -10, 5, true))); break;
                    case 8: v = B(m.Atan(Rand(ref s, -40, 60, true))); break;
                    case 9: v = B(m.Atan2(Rand(ref s, -40, 40, true), Rand(ref s, -40, 40, true))); break;
                    case 10: v = B(m.Asin(Rand(ref s, -40, -1, true))); break;
                    case 11: v = B(m.Acos(Rand(ref s, -40, -1, true))); break;
                    case 12: v = B(m.Sinh(Rand(ref s, -30, 9, true))); break;
                    case 13: v = B(m.Cosh(Rand(ref s, -30, 9, true))); break;
                    case 14: v = B(m.Tanh(Rand(ref s, -30, 5, true))); break;
                    case 15: v = B(m.Cbrt(Rand(ref s, -1022, 1023, true))); break;
                    case 16: v = B(m.SinF((float)Rand(ref s, -20, 20, true))); break;
                    case 17: v = B(m.CosF((float)Rand(ref s, -20, 20, true))); break;
                    case 18: v = B(m.PowF((float)Rand(ref s, -4, 4, false), (float)Rand(ref s, -4, 4, true))); break;
                    case 19: v = B(m.ExpF((float)Rand(ref s, -20, 6, true))); break;
                    default: v = B(m.LogF((float)Rand(ref s, -100, 100, false))); break;
                }
                h = Mix(h, v);
            }
            return h;
        }
    }
}
