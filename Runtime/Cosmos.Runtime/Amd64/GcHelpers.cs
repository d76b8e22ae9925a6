using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// The garbage collector's X# helpers (emitted as <c>gc_helpers.asm</c>):
    /// <list type="bullet">
    /// <item><c>cosmos_gc_spill_and_collect(EDI = reason)</c>: PUSHFQ; CLI; pushes RBX, RBP, R12, R13, R14,
    /// R15 (the System V callee-saved registers, which may hold the only copy of an object reference
    /// of a caller frame); calls <c>cosmos_gc_collect(EDI = reason, RSI = RSP)</c> — the collector scans
    /// the stack conservatively from that RSP up, so the spilled registers are scanned with it; pops
    /// the registers and POPFQ (restoring IF). 7 pushes after the return address leave RSP ≡ 0 (mod 16)
    /// at the call, as the ABI requires. Caller-saved registers hold nothing live across a call.</item>
    /// <item><c>cosmos_zero_qwords(RDI = dest, RSI = count)</c>: REP STOSQ with RAX = 0.</item>
    /// <item><c>cosmos_gc_read_rsp()</c>: RSP of the caller after return.</item>
    /// </list>
    /// </summary>
    public sealed class GcHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "gc_helpers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Extern("cosmos_gc_collect");
            a.Text();

            a.GlobalFunction("cosmos_gc_spill_and_collect");
            a.Pushf();
            a.Cli();
            a.Push(RBX); a.Push(RBP); a.Push(R12); a.Push(R13); a.Push(R14); a.Push(R15);
            a.Mov(RSI, RSP);
            a.Call(new Label("cosmos_gc_collect"));
            a.Pop(R15); a.Pop(R14); a.Pop(R13); a.Pop(R12); a.Pop(RBP); a.Pop(RBX);
            a.Popf();
            a.Ret();

            a.GlobalFunction("cosmos_zero_qwords");
            a.Mov(RCX, RSI);
            a.Xor(EAX, EAX);
            a.RepStosq();
            a.Ret();

            a.GlobalFunction("cosmos_gc_read_rsp");
            a.Lea(RAX, Mem.At(RSP, 8));
            a.Ret();
        }
    }
}
