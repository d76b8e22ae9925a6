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

            a.Function("cosmos_thread_yield", _ =>
            {
                a.Comment("builds the frame INT YieldVector would (16-byte aligned; SS, RSP, RFLAGS, CS, RIP, error code 0, vector)");
                a.Comment("around the return address and enters the common interrupt path: IRETQ resumes at the return address");
                a.Comment("with RSP past it, as RET would. No INT: under TCG the exception path costs more than the rest of a switch");
                a.Mov(RAX, RSP);
                a.CfiDefCfaRegister(RAX);
                a.And(RSP, -16);
                a.Push(BootProgram.KernelDataSelector);
                a.Lea(RCX, Mem.At(RAX, 8));
                a.Push(RCX);
                a.Pushf();
                a.Cli();
                a.Push(BootProgram.KernelCodeSelector);
                a.Push(Mem.Q(RAX, 0));
                a.Push(0);
                a.Push(Threading.Scheduler.YieldVector);
                a.Jmp(common);
            });

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
    }
}
