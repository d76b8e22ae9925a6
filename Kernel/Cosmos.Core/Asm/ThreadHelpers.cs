using XSharp;
using static XSharp.Reg;

namespace Cosmos.Core.Asm
{
    /// <summary>
    /// X# helpers of the scheduler (<see cref="Threading.Scheduler"/>), bound from C# through
    /// <c>[RuntimeImport("cosmos_*")]</c> in <see cref="Threading.SchedulerNative"/>; System V convention.
    /// <list type="bullet">
    /// <item><c>cosmos_thread_yield()</c>: enters the interrupt stubs' common path with the frame
    /// <c>INT</c> <see cref="Threading.Scheduler.YieldVector"/> would push (aligned stack; SS, RSP after the return, RFLAGS
    /// with the caller's IF, CS, the return address as RIP, error code 0, the vector), built by hand with interrupts off:
    /// the stub saves the whole register and SIMD state as an <see cref="Layout.InterruptFrame"/> on this thread's stack
    /// and the dispatcher may return another thread's frame; IRETQ resumes at the return address. A yielded thread's
    /// saved RIP is therefore a return address in its caller (the GC reports that frame at the call). Clobbers RAX and
    /// RCX (caller-saved).</item>
    /// <item><c>cosmos_thread_yield_restoring(rflags)</c>: the same, but the frame holds RFLAGS = RDI, so the thread resumes
    /// with that RFLAGS (the caller's interrupt flag from before it disabled interrupts) — a yield and
    /// <c>cosmos_restore_interrupts</c> in one.</item>
    /// <item><c>cosmos_thread_start</c> (address from <c>cosmos_thread_start_address()</c>): where a new thread's
    /// first IRETQ lands, with RSP = the 16-byte aligned stack top, RDI = the start argument, R12 = the start
    /// routine. Clears RBP (the end of the frame-pointer chain), calls R12(RDI), then
    /// <c>cosmos_thread_exit(RAX)</c>, which never returns. Stack walks stop at its return address (it is not
    /// managed code).</item>
    /// </list>
    /// The benchmark's bare register + SIMD swap is not part of the kernel: Tests/Cosmos.ThreadTestHelpers (BareSwitch.cs).
    /// </summary>
    public sealed class ThreadHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "thread_helpers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            var exit = a.Extern("cosmos_thread_exit");
            var common = a.Extern(InterruptStubs.CommonSymbol);
            a.Text();

            a.Function("cosmos_thread_yield", _ => EmitYield(a, common, restoreFlags: false));
            a.Function("cosmos_thread_yield_restoring", _ => EmitYield(a, common, restoreFlags: true));

            var start = new Label("cosmos_thread_start");
            a.Align(16);
            a.Label(start);
            a.Comment("the outermost frame of every thread: entered by IRETQ with RSP = the stack top; no return address (DW_CFA_undefined)");
            a.CfiStartProc();
            a.CfiDefCfa(RSP, 0);
            a.CfiUndefinedReturnAddress();
            a.Xor(EBP, EBP);
            a.Call(R12);
            a.Mov(RDI, RAX);
            a.Call(exit);
            a.Ud2();
            a.CfiEndProc();
            a.Function("cosmos_thread_start_address", _ => { a.Lea(RAX, Mem.At(start)); a.Ret(); });
        }

        /// <summary>
        /// Builds the frame INT YieldVector would (16-byte aligned; SS, RSP, RFLAGS, CS, RIP, error code 0, vector) around
        /// the return address and enters the common interrupt path: the resume returns to the return address with RSP past
        /// it, as RET would. The saved RFLAGS is the caller's (PUSHFQ) or, with <paramref name="restoreFlags"/>, RDI — the
        /// value a caller that disabled interrupts got from <c>cosmos_save_and_disable_interrupts</c>, so the resume also
        /// restores its interrupt flag and a separate restore (a POPFQ, which ends the translation block under TCG) is not
        /// needed. No INT: under TCG the exception path costs more than the rest of a switch.
        /// </summary>
        static void EmitYield(Assembler a, Label common, bool restoreFlags)
        {
            a.Mov(RAX, RSP);
            a.CfiDefCfaRegister(RAX);
            a.And(RSP, -16);
            a.Push(BootProgram.KernelDataSelector);
            a.Lea(RCX, Mem.At(RAX, 8));
            a.Push(RCX);
            if (restoreFlags) a.Push(RDI); else a.Pushf();
            a.Cli();
            a.Push(BootProgram.KernelCodeSelector);
            a.Push(Mem.Q(RAX, 0));
            a.Push(0);
            a.Push(Threading.Scheduler.YieldVector);
            a.Jmp(common);
        }
    }
}
