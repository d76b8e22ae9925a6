using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// memmove/memcpy/memset and the GC write barriers (RhpAssignRef, RhpCheckedAssignRef, RhpByRefAssignRef,
    /// RhpCheckedLockCmpXchg, RhpCheckedXchg): leaf functions that never move RSP, bracketed by
    /// <c>cosmos_av_helpers_start</c>/<c>_end</c> so that a page fault inside them on a null destination is reported as a
    /// NullReferenceException at their return address (HardwareExceptions.TryRaise checks this range).
    /// </summary>
    // Conventions follow the NativeAOT amd64 Unix helpers (dotnet/runtime src/coreclr/nativeaot/Runtime/amd64/*.S as the
    // specification of what each must do).
    public sealed class MemoryAndWriteBarriers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "memory_barriers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Text();
            a.Global("cosmos_av_helpers_start", SymbolType.Function);
            a.Label("cosmos_av_helpers_start");
            EmitMemory(a);
            EmitBarriers(a);
            a.Global("cosmos_av_helpers_end", SymbolType.Function);
            a.Label("cosmos_av_helpers_end");
        }

        private static void EmitMemory(Assembler a)
        {
            // void* memmove(void* dst (RDI), const void* src (RSI), size_t n (RDX)): overlap-safe.
            a.GlobalFunction("memmove");
            a.CfiStartProc();
            var forward = a.NewLabel("memmove_forward");
            a.Mov(RAX, RDI);
            a.Mov(RCX, RDX);
            a.Cmp(RDI, RSI);
            a.Jbe(forward);                       // dst <= src: a forward copy never overwrites unread bytes
            a.Lea(R8, Mem.At(RSI, RDX, 1));
            a.Cmp(RDI, R8);
            a.Jae(forward);                       // no overlap
            a.Lea(RSI, Mem.At(RSI, RDX, 1, -1));  // overlap with dst above src: copy backwards
            a.Lea(RDI, Mem.At(RDI, RDX, 1, -1));
            a.Std();
            a.RepMovsb();
            a.Cld();
            a.Ret();
            a.Label(forward);
            a.RepMovsb();
            a.Ret();
            a.CfiEndProc();

            // void* memcpy(dst, src, n): same as memmove (callers may not rely on overlap either way).
            a.GlobalFunction("memcpy");
            a.CfiStartProc();
            a.Jmp(new Label("memmove"));
            a.CfiEndProc();

            // void* memset(void* dst (RDI), int value (ESI), size_t n (RDX)).
            a.GlobalFunction("memset");
            a.CfiStartProc();
            a.Mov(R8, RDI);
            a.Mov(EAX, ESI);
            a.Mov(RCX, RDX);
            a.RepStosb();
            a.Mov(RAX, R8);
            a.Ret();
            a.CfiEndProc();
        }

        private static void EmitBarriers(Assembler a)
        {
            // There is no generational/concurrent collector yet, so a barrier is the store itself.
            // void RhpAssignRef(object* dst (RDI), object value (RSI))
            a.GlobalFunction("RhpAssignRef");
            a.CfiStartProc();
            a.Mov(Mem.Q(RDI), RSI);
            a.Ret();
            a.CfiEndProc();
            // Same contract; the destination may be outside the GC heap.
            a.GlobalFunction("RhpCheckedAssignRef");
            a.CfiStartProc();
            a.Mov(Mem.Q(RDI), RSI);
            a.Ret();
            a.CfiEndProc();
            // RhpByRefAssignRef: *RDI = *RSI; RDI += 8; RSI += 8. Trashes RCX only.
            a.GlobalFunction("RhpByRefAssignRef");
            a.CfiStartProc();
            a.Mov(RCX, Mem.Q(RSI));
            a.Mov(Mem.Q(RDI), RCX);
            a.Add(RDI, 8);
            a.Add(RSI, 8);
            a.Ret();
            a.CfiEndProc();
            // object RhpCheckedLockCmpXchg(object* location (RDI), object value (RSI), object comparand (RDX))
            a.GlobalFunction("RhpCheckedLockCmpXchg");
            a.CfiStartProc();
            a.Mov(RAX, RDX);
            a.LockCmpxchg(Mem.Q(RDI), RSI);
            a.Ret();
            a.CfiEndProc();
            // object RhpCheckedXchg(object* location (RDI), object value (RSI))
            a.GlobalFunction("RhpCheckedXchg");
            a.CfiStartProc();
            a.Mov(RAX, RSI);
            a.Xchg(Mem.Q(RDI), RAX);
            a.Ret();
            a.CfiEndProc();
        }
    }
}
