using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.InterruptTestHelpers
{
    /// <summary>
    /// <c>itest_simulate_fault(vector (RDI), cr2 (RSI))</c>: behaves as if the instruction at its return address had
    /// raised CPU exception <c>vector</c> (with CR2 = cr2 for #PF): builds the <see cref="InterruptFrame"/> an interrupt
    /// stub would, asks the runtime's <c>cosmos_hardware_exception_try_raise</c> (Cosmos.Runtime's
    /// HardwareExceptions.TryRaise), and when it accepts, resumes through IRETQ exactly as the interrupt return will (so
    /// the CoreLib throws the exception there). Returns false when TryRaise declined. Tests the fault path before (and
    /// independently of) the IDT (ExceptionTests); not part of the production kernel.
    /// </summary>
    public sealed class SimulatedFault : AsmProgram
    {
        public override string Name => "simulated_fault";

        static int IF(string field) => (int)Marshal.OffsetOf<InterruptFrame>(field);

        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            var tryRaise = a.Extern("cosmos_hardware_exception_try_raise");
            a.Text();
            int size = Marshal.SizeOf<InterruptFrame>();
            int reserve = size + 8;                                // entry RSP ≡ 8 → reserve ≡ 8 (mod 16) keeps RSP ≡ 0 at the call
            if (reserve % 16 != 8) reserve += 8;
            a.GlobalFunction("itest_simulate_fault");
            a.CfiStartProc();
            var declined = a.NewLabel("simulate_declined");
            var notPf = a.NewLabel("simulate_not_pf");
            a.Cmp(RDI, ExceptionVector.PF);
            a.Jne(notPf);
            a.Mov(CR2, RSI);
            a.Label(notPf);
            a.Sub(RSP, reserve);
            a.Mov(Mem.Q(RSP, IF("XSaveArea")), 0);
            a.Mov(Mem.Q(RSP, IF("R15")), R15); a.Mov(Mem.Q(RSP, IF("R14")), R14);
            a.Mov(Mem.Q(RSP, IF("R13")), R13); a.Mov(Mem.Q(RSP, IF("R12")), R12);
            a.Mov(Mem.Q(RSP, IF("R11")), R11); a.Mov(Mem.Q(RSP, IF("R10")), R10);
            a.Mov(Mem.Q(RSP, IF("R9")), R9); a.Mov(Mem.Q(RSP, IF("R8")), R8);
            a.Mov(Mem.Q(RSP, IF("RBP")), RBP); a.Mov(Mem.Q(RSP, IF("RDI")), RDI);
            a.Mov(Mem.Q(RSP, IF("RSI")), RSI); a.Mov(Mem.Q(RSP, IF("RDX")), RDX);
            a.Mov(Mem.Q(RSP, IF("RCX")), RCX); a.Mov(Mem.Q(RSP, IF("RBX")), RBX);
            a.Mov(Mem.Q(RSP, IF("RAX")), RAX);
            a.Mov(Mem.Q(RSP, IF("Vector")), RDI);
            a.Mov(Mem.Q(RSP, IF("ErrorCode")), 0);
            a.Mov(RAX, Mem.Q(RSP, reserve));                      // "faulting" instruction = our return address
            a.Mov(Mem.Q(RSP, IF("RIP")), RAX);
            a.Lea(RAX, Mem.At(RSP, reserve + 8));                 // the caller's RSP after the return
            a.Mov(Mem.Q(RSP, IF("RSP")), RAX);
            a.Mov(EAX, CS);
            a.Mov(Mem.Q(RSP, IF("CS")), RAX);
            a.Mov(EAX, SS);
            a.Mov(Mem.Q(RSP, IF("SS")), RAX);
            a.Pushf();
            a.Pop(RAX);
            a.Mov(Mem.Q(RSP, IF("RFLAGS")), RAX);
            a.Mov(RDI, RSP);
            a.Call(tryRaise);
            a.Test(AL, AL);
            a.CfiRememberState();
            a.Jz(declined);
            // IRETQ with the (rewritten) frame, restoring the registers the interrupt stub restores.
            a.Mov(RAX, RSP);
            a.Push(Mem.Q(RAX, IF("SS")));
            a.Push(Mem.Q(RAX, IF("RSP")));
            a.Push(Mem.Q(RAX, IF("RFLAGS")));
            a.Push(Mem.Q(RAX, IF("CS")));
            a.Push(Mem.Q(RAX, IF("RIP")));
            a.Mov(RDI, Mem.Q(RAX, IF("RDI"))); a.Mov(RSI, Mem.Q(RAX, IF("RSI")));
            a.Mov(RBX, Mem.Q(RAX, IF("RBX"))); a.Mov(RBP, Mem.Q(RAX, IF("RBP")));
            a.Mov(R12, Mem.Q(RAX, IF("R12"))); a.Mov(R13, Mem.Q(RAX, IF("R13")));
            a.Mov(R14, Mem.Q(RAX, IF("R14"))); a.Mov(R15, Mem.Q(RAX, IF("R15")));
            a.Iretq();
            a.Label(declined);
            a.CfiRestoreState();
            a.Add(RSP, reserve);
            a.Xor(EAX, EAX);
            a.Ret();
            a.CfiEndProc();
        }
    }

    /// <summary>The helper of <see cref="SimulatedFault"/> as seen from C#.</summary>
    public static class SimulatedFaults
    {
        /// <summary>
        /// Behaves as if the instruction at the return address of this call had raised CPU exception
        /// <paramref name="vector"/> (with CR2 = <paramref name="cr2"/> for #PF); the .NET exception is thrown at the
        /// caller when the runtime converts the fault. Returns false when it declined.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_simulate_fault")]
        public static extern bool Raise(ulong vector, ulong cr2);
    }
}
