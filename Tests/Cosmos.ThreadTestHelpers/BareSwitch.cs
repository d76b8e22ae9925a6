using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Asm;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.ThreadTestHelpers
{
    /// <summary>
    /// The thread benchmark's baseline (Tests/Bench/ThreadBench), kept out of the production kernel:
    /// <c>tbench_bare_switch(RDI = save slot, RSI = RSP to load)</c> pushes RFLAGS and the 15 general registers, saves the
    /// SIMD state with the interrupt stubs' instruction (<see cref="SimdStateEmitter"/>: XSAVE, XSAVEOPT or FXSAVE,
    /// 64-byte aligned area below them), stores RSP to [RDI], loads RSP from RSI (RSI = 0: the RSP it just saved) and
    /// restores the same way. Switching to itself costs the same as switching to another stack prepared the same way.
    /// </summary>
    public sealed class BareSwitch : AsmProgram
    {
        public override string Name => "thread_bench_helpers";

        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            var bootInfo = a.Extern(BootProgram.BootInfoSymbol);
            var mode = a.Extern(SimdStateEmitter.ModeSymbol);
            a.Text();

            a.GlobalFunction("tbench_bare_switch");
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
        }

        static readonly Reg64[] Gprs = { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14, R15 };
    }

    /// <summary>The helper of <see cref="BareSwitch"/> as seen from C#.</summary>
    public static unsafe class BenchNative
    {
        /// <summary>Benchmark baseline: saves all registers + SIMD state, stores RSP to *<paramref name="saveSlot"/>, loads <paramref name="rsp"/> (0: the one just saved) and restores.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("tbench_bare_switch")] public static extern void BareSwitch(ulong* saveSlot, ulong rsp);
    }
}
