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
            // void* memmove(void* dst (RDI), const void* src (RSI), size_t n (RDX)): overlap-safe. Blocks of 64 bytes go
            // through XMM0–XMM3 (four 16-byte loads before the four stores, so a block never reads what it wrote), the
            // rest byte by byte with REP MOVSB. Under QEMU's TCG, REP MOVSB runs one byte per step: a 16-byte
            // load/store pair moves 3.5–5x more per unit of time (GfxBench's copy baseline, docs/FACTS.md).
            a.GlobalFunction("memmove");
            a.CfiStartProc();
            var forward = a.NewLabel("memmove_forward");
            var fwdLoop = a.NewLabel("memmove_fwd64");
            var fwdTail = a.NewLabel("memmove_fwd_tail");
            var bwdLoop = a.NewLabel("memmove_bwd64");
            var bwdTail = a.NewLabel("memmove_bwd_tail");
            a.Mov(RAX, RDI);
            a.Mov(RCX, RDX);
            a.Cmp(RDI, RSI);
            a.Jbe(forward);                       // dst <= src: a forward copy never overwrites unread bytes
            a.Lea(R8, Mem.At(RSI, RDX, 1));
            a.Cmp(RDI, R8);
            a.Jae(forward);                       // no overlap
            // Overlap with dst above src: copy backwards, 64-byte blocks from the end, then the first bytes.
            a.Add(RSI, RDX);
            a.Add(RDI, RDX);
            a.Cmp(RCX, 64);
            a.Jb(bwdTail);
            a.Label(bwdLoop);
            a.Sub(RSI, 64);
            a.Sub(RDI, 64);
            Block64(a);
            a.Sub(RCX, 64);
            a.Cmp(RCX, 64);
            a.Jae(bwdLoop);
            a.Label(bwdTail);
            a.Dec(RSI);
            a.Dec(RDI);
            a.Std();
            a.RepMovsb();
            a.Cld();
            a.Ret();
            a.Label(forward);
            a.Cmp(RCX, 64);
            a.Jb(fwdTail);
            a.Label(fwdLoop);
            Block64(a);
            a.Add(RSI, 64);
            a.Add(RDI, 64);
            a.Sub(RCX, 64);
            a.Cmp(RCX, 64);
            a.Jae(fwdLoop);
            a.Label(fwdTail);
            a.RepMovsb();
            a.Ret();
            a.CfiEndProc();

            // void* memcpy(dst, src, n): same as memmove (callers may not rely on overlap either way).
            a.GlobalFunction("memcpy");
            a.CfiStartProc();
            a.Jmp(new Label("memmove"));
            a.CfiEndProc();

            // void* memset(void* dst (RDI), int value (ESI), size_t n (RDX)).
            // 64-byte blocks of the byte broadcast into XMM0, the rest with REP STOSB.
            a.GlobalFunction("memset");
            a.CfiStartProc();
            var setLoop = a.NewLabel("memset_64");
            var setTail = a.NewLabel("memset_tail");
            a.Mov(R8, RDI);
            a.Movzx(EAX, SIL);
            a.Mov(RCX, RDX);
            a.Cmp(RCX, 64);
            a.Jb(setTail);
            a.Mov(R9, 0x0101010101010101L);
            a.Imul(RAX, R9);                      // the byte in all eight bytes of RAX (AL keeps it for the tail)
            a.Movq(XMM0, RAX);
            a.Movlhps(XMM0, XMM0);
            a.Label(setLoop);
            a.Movups(Mem.At(RDI, 0), XMM0);
            a.Movups(Mem.At(RDI, 16), XMM0);
            a.Movups(Mem.At(RDI, 32), XMM0);
            a.Movups(Mem.At(RDI, 48), XMM0);
            a.Add(RDI, 64);
            a.Sub(RCX, 64);
            a.Cmp(RCX, 64);
            a.Jae(setLoop);
            a.Label(setTail);
            a.RepStosb();
            a.Mov(RAX, R8);
            a.Ret();
            a.CfiEndProc();
        }

        /// <summary>Copies the 64 bytes at [RSI] to [RDI] through XMM0–XMM3, all loads before the stores.</summary>
        private static void Block64(Assembler a)
        {
            a.Movups(XMM0, Mem.At(RSI, 0));
            a.Movups(XMM1, Mem.At(RSI, 16));
            a.Movups(XMM2, Mem.At(RSI, 32));
            a.Movups(XMM3, Mem.At(RSI, 48));
            a.Movups(Mem.At(RDI, 0), XMM0);
            a.Movups(Mem.At(RDI, 16), XMM1);
            a.Movups(Mem.At(RDI, 32), XMM2);
            a.Movups(Mem.At(RDI, 48), XMM3);
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
