using XSharp;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// C's <c>sqrt</c> and <c>sqrtf</c> (C99 §7.12.7.5): the IEEE 754 square root, correctly rounded, NaN for a negative
    /// operand, −0 for −0, as SQRTSD and SQRTSS compute it (Intel SDM Vol. 2B). The NativeAOT CoreLib binds Math.Sqrt and
    /// MathF.Sqrt to these symbols; ilc -O replaces the call by the instruction, code compiled without -O
    /// (<c>CosmosOptimize=false</c>) calls them. Not in Cosmos.LibM: C# there would compile Math.Sqrt into a call of itself.
    /// </summary>
    public sealed class SquareRoot : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "square_root";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Text();
            a.GlobalFunction("sqrt");          // double sqrt(double x): x in XMM0, result in XMM0
            a.CfiStartProc();
            a.Raw("sqrtsd xmm0, xmm0");
            a.Ret();
            a.CfiEndProc();

            a.GlobalFunction("sqrtf");         // float sqrtf(float x)
            a.CfiStartProc();
            a.Raw("sqrtss xmm0, xmm0");
            a.Ret();
            a.CfiEndProc();
        }
    }
}
