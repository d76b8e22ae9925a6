using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Asm;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.InterruptTestHelpers
{
    /// <summary>
    /// The interrupt benchmark's baselines (Tests/Bench/InterruptBench), kept out of the production kernel:
    /// <list type="bullet">
    /// <item>the bare stub (<c>ibench_bare_stub</c>): the same register and SIMD save/restore as the kernel's common
    /// interrupt path (<see cref="InterruptStubs.EmitSaveGprs"/>, <see cref="SimdStateEmitter"/>, the stubs' default
    /// MXCSR), but no managed call; at its handler point it stores RDTSC in record[0], counts in record[1] and writes the
    /// local APIC EOI register when record[2] holds its address. Only for vectors without a CPU error code.</item>
    /// <item>the entry-timestamp trampoline (<c>ibench_timestamp_trampoline</c>): RDTSC into a qword, then on to the
    /// target set by <c>ibench_set_trampoline_target</c> with every register and the stack as the CPU left them.</item>
    /// </list>
    /// </summary>
    public sealed class BenchStubs : AsmProgram
    {
        public override string Name => "interrupt_bench_stubs";

        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            var bootInfo = a.Extern(BootProgram.BootInfoSymbol);
            var mode = a.Extern(SimdStateEmitter.ModeSymbol);
            var mxcsr = a.Extern(InterruptStubs.DefaultMxcsrSymbol);
            var bare = new Label("ibench_bare_stub");
            var record = new Label("ibench_bare_record");
            var trampoline = new Label("ibench_timestamp_trampoline");
            var entryTsc = new Label("ibench_entry_tsc_value");
            var target = new Label("ibench_trampoline_target");
            int vector = InterruptStubs.FrameOffset("Vector"), rip = InterruptStubs.FrameOffset("RIP");
            a.Text();

            a.Comment("---- bare stub: the common path's save/restore, no managed call ----");
            a.Align(16);
            a.Label(bare);
            a.Sub(RSP, rip - vector);                      // room for vector + error code: the same frame shape
            InterruptStubs.EmitSaveGprs(a);
            a.Cld();
            a.Mov(RBX, RSP);
            SimdStateEmitter.EmitAllocate(a, RSP, RBX, bootInfo);
            SimdStateEmitter.EmitSave(a, RSP, mode, bootInfo, "bare");
            a.Ldmxcsr(Mem.D(mxcsr));
            a.Rdtsc();
            a.Shl(RDX, 32);
            a.Or(RAX, RDX);
            a.Mov(Mem.Q(record), RAX);
            a.Lea(RAX, Mem.At(record));
            a.Inc(Mem.Q(RAX, 8));
            a.Mov(RAX, Mem.Q(RAX, 16));
            a.Test(RAX, RAX);
            var noEoi = a.NewLabel("bare_no_eoi");
            a.Jz(noEoi);
            a.Mov(Mem.D(RAX), 0);                          // local APIC EOI register (SDM Vol. 3A §11.8.5)
            a.Label(noEoi);
            SimdStateEmitter.EmitAllocate(a, RSP, RBX, bootInfo);
            SimdStateEmitter.EmitRestore(a, RSP, mode, bootInfo, "bare");
            a.Mov(RSP, RBX);
            InterruptStubs.EmitRestoreGprs(a);
            a.Add(RSP, rip);
            a.Iretq();

            a.Comment("---- entry-timestamp trampoline ----");
            a.Align(16);
            a.Label(trampoline);
            a.Push(RAX);
            a.Push(RDX);
            a.Rdtsc();
            a.Shl(RDX, 32);
            a.Or(RAX, RDX);
            a.Mov(Mem.Q(entryTsc), RAX);
            a.Pop(RDX);
            a.Pop(RAX);
            a.Jmp(Mem.Q(target));

            a.Function("ibench_bare_stub_address", _ => { a.Lea(RAX, Mem.At(bare)); a.Ret(); });
            a.Function("ibench_bare_record_address", _ => { a.Lea(RAX, Mem.At(record)); a.Ret(); });
            a.Function("ibench_trampoline_address", _ => { a.Lea(RAX, Mem.At(trampoline)); a.Ret(); });
            a.Function("ibench_set_trampoline_target", _ => { a.Mov(Mem.Q(target), RDI); a.Ret(); });
            a.Function("ibench_entry_tsc", _ => { a.Mov(RAX, Mem.Q(entryTsc)); a.Ret(); });

            a.Data();
            a.Align(8);
            a.Label(record); a.Dq(0); a.Dq(0); a.Dq(0);
            a.Label(entryTsc); a.Dq(0);
            a.Label(target); a.Dq(0);
        }
    }

    /// <summary>The helpers of <see cref="BenchStubs"/> as seen from C#.</summary>
    public static unsafe class BenchNative
    {
        /// <summary>Address of the bare save/restore stub (benchmark baseline; no managed call).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ibench_bare_stub_address")] public static extern ulong BareStubAddress();
        /// <summary>The bare stub's record: qword TSC at its handler point, qword count, qword local APIC EOI register address (0 = none).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ibench_bare_record_address")] public static extern ulong* BareStubRecord();
        /// <summary>Address of the entry-timestamp trampoline: stores RDTSC (see <see cref="EntryTsc"/>) and jumps to the target set by <see cref="SetTrampolineTarget"/>, registers and stack untouched.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ibench_trampoline_address")] public static extern ulong TrampolineAddress();
        /// <summary>Sets where the trampoline jumps (an entry stub or the bare stub).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ibench_set_trampoline_target")] public static extern void SetTrampolineTarget(ulong address);
        /// <summary>TSC stored by the last pass through the trampoline.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ibench_entry_tsc")] public static extern ulong EntryTsc();
    }
}
