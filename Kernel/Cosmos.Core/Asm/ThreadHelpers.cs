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
    /// <item><c>cosmos_bare_switch(RDI = save slot, RSI = RSP to load)</c> and <c>cosmos_bare_switch_address()</c>:
    /// the benchmark's baseline for a thread switch: push the 15 general registers, save the SIMD state with the
    /// interrupt stubs' instruction (<see cref="SimdStateEmitter"/>: XSAVE, XSAVEOPT or FXSAVE, 64-byte aligned area below them), store RSP to [RDI], load
    /// RSP from RSI (RSI = 0: the RSP it just saved) and restore the same way. Switching to itself costs the same
    /// as switching to another stack prepared the same way.</item>
    /// </list>
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
            var bootInfo = a.Extern(BootProgram.BootInfoSymbol);
            var mode = a.Extern(SimdStateEmitter.ModeSymbol);
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

            // ---- benchmark baseline: a bare register + SIMD state swap ----
            var bare = a.GlobalFunction("cosmos_bare_switch");
            a.CfiStartProc();
            a.Pushf();
            foreach (var r in Gprs)
            {
                a.Push(r);
                if (r == RBX || r == RBP || r == R12 || r == R13 || r == R14 || r == R15) a.CfiOffset(r, -a.CfiCfaOffset.Value);
            }
            long frame = a.CfiCfaOffset.Value;
            a.Mov(RBX, RSP);
            a.CfiDefCfaRegister(RBX);                       // RSP moves by the SIMD area size from here
            SimdStateEmitter.EmitAllocate(a, RSP, RBX, bootInfo);
            a.Push(RBX);                                   // the 64-byte aligned area starts 8 bytes above: keep the old RSP here
            a.Push(RBX);                                   // (two pushes keep RSP ≡ 0 mod 16)
            a.Lea(RCX, Mem.At(RSP, 16));
            SimdStateEmitter.EmitSave(a, RCX, mode, bootInfo, "bare_switch");
            a.Mov(Mem.Q(RDI), RSP);                         // switch: save this RSP, load the other (RSI = 0: this one again)
            var other = a.NewLabel("bare_switch_other");
            a.Test(RSI, RSI);
            a.Jnz(other);
            a.Mov(RSI, RSP);
            a.Label(other);
            a.Mov(RSP, RSI);
            a.Lea(RCX, Mem.At(RSP, 16));
            SimdStateEmitter.EmitRestore(a, RCX, mode, bootInfo, "bare_switch");
            a.Pop(RBX); a.Pop(RBX);                         // the same value both times: RBX = CFA − frame again
            a.CfiDefCfa(RBX, frame);
            a.Mov(RSP, RBX);
            a.CfiDefCfaRegister(RSP);
            for (int i = Gprs.Length - 1; i >= 0; i--) a.Pop(Gprs[i]);
            a.Popf();
            a.Ret();
            a.CfiEndProc();
            a.Function("cosmos_bare_switch_address", _ => { a.Lea(RAX, Mem.At(bare)); a.Ret(); });
        }

        static readonly Reg64[] Gprs = { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15 };
    }
}
