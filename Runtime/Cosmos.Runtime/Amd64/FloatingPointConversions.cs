using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>Saturating double → integer conversions ilc calls (RhpDbl2Int, RhpDbl2Lng, RhpDbl2UInt, RhpDbl2ULng …).</summary>
    // Conventions follow the NativeAOT amd64 Unix helpers (dotnet/runtime src/coreclr/nativeaot/Runtime/amd64/*.S as the
    // specification of what each must do).
    public sealed class FloatingPointConversions : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "fp_conversions";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Text();
            EmitConversions(a);
        }

        private static void EmitConversions(Assembler a)
        {
            // .NET 9 double → integer conversions saturate: NaN → 0, too large → Max, too small → Min.
            EmitDoubleToSigned(a, "RhpDbl2Int", 0x41E0000000000000UL /* 2^31 */, is64: false);
            EmitDoubleToSigned(a, "RhpDbl2Lng", 0x43E0000000000000UL /* 2^63 */, is64: true);
            EmitDoubleToUnsigned(a, "RhpDbl2UInt", is64: false);
            EmitDoubleToUnsigned(a, "RhpDbl2ULng", is64: true);
        }

        /// <summary>double → uint/ulong, saturating: NaN and values ≤ 0 → 0, ≥ 2^32 / 2^64 → Max; [2^63, 2^64) via x − 2^63 with bit 63 set.</summary>

        private static void EmitDoubleToUnsigned(Assembler a, string name, bool is64)
        {
            a.GlobalFunction(name);
            a.CfiStartProc();
            var zero = a.NewLabel(name + "_zero");
            var max = a.NewLabel(name + "_max");
            a.Raw("ucomisd xmm0, xmm0");
            a.Jcc(Cond.P, zero);
            a.Raw("xorpd xmm1, xmm1");
            a.Raw("comisd xmm0, xmm1");
            a.Raw("jbe " + zero.Name);
            a.Mov(RCX, is64 ? 0x43F0000000000000UL /* 2^64 */ : 0x41F0000000000000UL /* 2^32 */);
            a.Movq(XMM1, RCX);
            a.Raw("comisd xmm0, xmm1");
            a.Jae(max);
            if (is64)
            {
                var big = a.NewLabel(name + "_big");
                a.Mov(RCX, 0x43E0000000000000UL /* 2^63 */);
                a.Movq(XMM1, RCX);
                a.Raw("comisd xmm0, xmm1");
                a.Jae(big);
                a.Cvttsd2si(RAX, XMM0);
                a.Ret();
                a.Label(big);
                a.Raw("subsd xmm0, xmm1");
                a.Cvttsd2si(RAX, XMM0);
                a.Raw("btc rax, 63");
                a.Ret();
            }
            else
            {
                a.Cvttsd2si(RAX, XMM0);                       // < 2^32: exact in 64 bits; EAX is the result
                a.Ret();
            }
            a.Label(max);
            a.Mov(RAX, -1L);
            a.Ret();
            a.Label(zero);
            a.Xor(EAX, EAX);
            a.Ret();
            a.CfiEndProc();
        }

        private static void EmitDoubleToSigned(Assembler a, string name, ulong twoPowBits, bool is64)
        {
            a.GlobalFunction(name);
            a.CfiStartProc();
            var nan = a.NewLabel(name + "_nan");
            var max = a.NewLabel(name + "_max");
            a.Raw("ucomisd xmm0, xmm0");
            a.Jcc(Cond.P, nan);
            a.Mov(RCX, twoPowBits);
            a.Movq(XMM1, RCX);
            a.Raw("comisd xmm0, xmm1");
            a.Jae(max);
            // Below -2^bits the hardware result is the "integer indefinite" value, which is Min.
            if (is64) a.Cvttsd2si(RAX, XMM0); else a.Cvttsd2si(EAX, XMM0);
            a.Ret();
            a.Label(max);
            if (is64) a.Mov(RAX, long.MaxValue); else a.Mov(EAX, int.MaxValue);
            a.Ret();
            a.Label(nan);
            a.Xor(EAX, EAX);
            a.Ret();
            a.CfiEndProc();
        }
    }
}
