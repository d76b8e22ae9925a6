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

            Reg64[] spilled = { RBX, RBP, R12, R13, R14, R15 };
            a.Function("cosmos_gc_spill_and_collect", x =>
            {
                x.Pushf();
                x.Cli();
                foreach (var r in spilled) { x.Push(r); x.CfiOffset(r, -x.CfiCfaOffset.Value); }
                x.Mov(RSI, RSP);
                x.Call(new Label("cosmos_gc_collect"));
                for (int i = spilled.Length - 1; i >= 0; i--) { x.Pop(spilled[i]); x.CfiRestore(spilled[i]); }
                x.Popf();
                x.Ret();
            });

            a.Function("cosmos_zero_qwords", x =>
            {
                x.Mov(RCX, RSI);
                x.Xor(EAX, EAX);
                x.RepStosq();
                x.Ret();
            });

            a.Function("cosmos_gc_read_rsp", x =>
            {
                x.Lea(RAX, Mem.At(RSP, 8));
                x.Ret();
            });
        }
    }
}
