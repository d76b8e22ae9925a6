using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// The stack probe (RhpStackProbe) and the P/Invoke and GC-poll transitions (RhpPInvoke, RhpPInvokeReturn,
    /// RhpReversePInvoke, RhpReversePInvokeReturn, RhpGcPoll) with their bookkeeping (<c>cosmos_transition_frame</c>).
    /// </summary>
    // Conventions follow the NativeAOT amd64 Unix helpers (dotnet/runtime src/coreclr/nativeaot/Runtime/amd64/*.S as the
    // specification of what each must do).
    public sealed class TransitionHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "transition_helpers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Extern("cosmos_runtime_panic");
            a.Extern("RhpTrapThreads");

            a.Bss();
            a.Align(8);
            a.Global("cosmos_transition_frame", SymbolType.Data);
            a.Label("cosmos_transition_frame");
            a.Resq(1);

            a.Text();
            EmitStackProbe(a);
            EmitTransitions(a);
        }

        private static void EmitStackProbe(Assembler a)
        {
            // RhpStackProbe: R11 = lowest address the caller's frame will use. Touches one word
            // in every page from just below RSP down to R11 so that a stack overflow hits the
            // guard page in order. Preserves every register but R11's page walk uses RAX (saved).
            a.GlobalFunction("RhpStackProbe");
            a.CfiStartProc();
            var loop = a.NewLabel("probe_loop");
            var last = a.NewLabel("probe_last");
            a.Push(RAX);
            a.Lea(RAX, Mem.At(RSP, 8));
            a.And(RAX, -4096);
            a.Label(loop);
            a.Sub(RAX, 4096);
            a.Cmp(RAX, R11);
            a.Jb(last);
            a.Test(Mem.Q(RAX), RAX);
            a.Jmp(loop);
            a.Label(last);
            a.Test(Mem.Q(R11), RAX);
            a.Pop(RAX);
            a.Ret();
            a.CfiEndProc();
        }

        private static void EmitTransitions(Assembler a)
        {
            // P/Invoke transitions: record the caller's InlinedCallFrame (RDI) as the current
            // transition frame so a future stack walker can skip native frames; on return clear
            // it and honour a pending suspension request (RhpTrapThreads != 0).
            a.GlobalFunction("RhpPInvoke");
            a.CfiStartProc();
            a.Mov(Mem.Q(new Label("cosmos_transition_frame")), RDI);
            a.Ret();
            a.CfiEndProc();

            a.GlobalFunction("RhpPInvokeReturn");
            a.CfiStartProc();
            var trap = a.NewLabel("pinvoke_trap");
            a.Mov(Mem.Q(new Label("cosmos_transition_frame")), 0);
            a.Cmp(Mem.D(new Label("RhpTrapThreads")), 0);
            a.Jne(trap);
            a.Ret();
            a.Label(trap);
            a.Jmp(new Label("RhpGcPoll"));
            a.CfiEndProc();

            // Reverse P/Invoke (native → managed): ReversePInvokeFrame { saved transition frame; saved thread }.
            a.GlobalFunction("RhpReversePInvoke");
            a.CfiStartProc();
            a.Mov(RAX, Mem.Q(new Label("cosmos_transition_frame")));
            a.Mov(Mem.Q(RDI), RAX);
            a.Mov(Mem.Q(RDI, 8), 0);
            a.Mov(Mem.Q(new Label("cosmos_transition_frame")), 0);
            a.Ret();
            a.CfiEndProc();

            a.GlobalFunction("RhpReversePInvokeReturn");
            a.CfiStartProc();
            a.Mov(RAX, Mem.Q(RDI));
            a.Mov(Mem.Q(new Label("cosmos_transition_frame")), RAX);
            a.Ret();
            a.CfiEndProc();

            // RhpGcPoll: the JIT calls it with the flag already tested (its inline poll, optimized code) or not (its
            // call form, which unoptimized code uses at every poll site, e.g. after a [SuppressGCTransition] call), so it tests RhpTrapThreads itself, as
            // NativeAOT's own helper does, and returns when no suspension is pending. This runtime never sets the flag (it
            // suspends no thread through polls), so a pending request here is a runtime bug.
            a.GlobalFunction("RhpGcPoll");
            a.CfiStartProc();
            var pending = a.NewLabel("gcpoll_pending");
            a.Cmp(Mem.D(new Label("RhpTrapThreads")), 0);
            a.Jne(pending);
            a.Ret();
            a.Label(pending);
            a.Sub(RSP, 8);
            a.Mov(EDI, 1);
            a.Call(new Label("cosmos_runtime_panic"));
            a.Ud2();
            a.CfiEndProc();
        }
    }
}
