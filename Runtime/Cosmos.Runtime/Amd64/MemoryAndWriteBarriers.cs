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

        /// <summary>Symbol of the write barriers' state: the <see cref="GarbageCollection.BarrierState"/> block (6 qwords).</summary>
        public const string BarrierStateSymbol = "cosmos_gc_barrier_state";

        /// <summary>
        /// Card marking after a reference store of RSI (the value) to [RDI]: when the value lies in the nursery
        /// ([nursery start, + size)) and the slot in the page heap ([heap low, + span)), the slot's card byte
        /// (card table + (slot − heap low) &gt;&gt; 9) is set to 1 (checked first, so a card already dirty is not
        /// written again). Trashes <paramref name="t"/>. Before the collector sets the block, its sizes are 0 and nothing is marked.
        /// </summary>
        private static void MarkCard(Assembler a, Label state, Label done, Reg64 t, Reg64 value = null)
        {
            a.Mov(t, value ?? RSI);
            a.Sub(t, Mem.Q(state, 0));
            a.Cmp(t, Mem.Q(state, 8));
            a.Jae(done);
            a.Mov(t, RDI);
            a.Sub(t, Mem.Q(state, 16));
            a.Cmp(t, Mem.Q(state, 24));
            a.Jae(done);
            a.Shr(t, GarbageCollection.CardTable.CardShift);
            a.Add(t, Mem.Q(state, 32));
            a.Cmp(Mem.B(t, 0), 0);
            a.Jne(done);
            a.Mov(Mem.B(t, 0), 1);
            MarkBundle(a, state, t);
        }

        /// <summary>Sets the card bundle byte of the slot in RDI (bundles + (RDI − heap low) &gt;&gt; 19); the card was clean, so this is the rare path.</summary>
        private static void MarkBundle(Assembler a, Label state, Reg64 t)
        {
            a.Mov(t, RDI);
            a.Sub(t, Mem.Q(state, 16));
            a.Shr(t, GarbageCollection.CardTable.BundleShift);
            a.Add(t, Mem.Q(state, 40));
            a.Mov(Mem.B(t, 0), 1);
        }

        private static void EmitBarriers(Assembler a)
        {
            var state = new Label(BarrierStateSymbol);
            a.Bss();
            a.Align(16);
            a.Global(state, SymbolType.Data);
            a.Label(state);
            a.Resq(6);
            a.Text();
            a.GlobalFunction("cosmos_gc_barrier_state_address");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(state));
            a.Ret();
            a.CfiEndProc();

            // Generational barriers (NativeAOT amd64 WriteBarriers.S as the contract): the store, then the card of the slot
            // when the value is a nursery object and the slot lies in the page heap (old objects; nursery slots are marked
            // too and ignored by the collector). May trash RAX/RCX (RBM_CALLEE_TRASH_WRITEBARRIER).
            // void RhpAssignRef(object* dst (RDI), object value (RSI))
            a.GlobalFunction("RhpAssignRef");
            a.CfiStartProc();
            var done1 = a.NewLabel("assign_done");
            a.Mov(Mem.Q(RDI), RSI);
            MarkCard(a, state, done1, RAX);
            a.Label(done1);
            a.Ret();
            a.CfiEndProc();
            // Same contract; the destination may be outside the GC heap (then no card).
            a.GlobalFunction("RhpCheckedAssignRef");
            a.CfiStartProc();
            var done2 = a.NewLabel("checked_done");
            a.Mov(Mem.Q(RDI), RSI);
            MarkCard(a, state, done2, RAX);
            a.Label(done2);
            a.Ret();
            a.CfiEndProc();
            // RhpByRefAssignRef: *RDI = *RSI; RDI += 8; RSI += 8. Trashes RCX and RAX.
            a.GlobalFunction("RhpByRefAssignRef");
            a.CfiStartProc();
            var done3 = a.NewLabel("byref_done");
            a.Mov(RCX, Mem.Q(RSI));
            a.Mov(Mem.Q(RDI), RCX);
            MarkCard(a, state, done3, RAX, value: RCX);
            a.Label(done3);
            a.Add(RDI, 8);
            a.Add(RSI, 8);
            a.Ret();
            a.CfiEndProc();
            // object RhpCheckedLockCmpXchg(object* location (RDI), object value (RSI), object comparand (RDX))
            a.GlobalFunction("RhpCheckedLockCmpXchg");
            a.CfiStartProc();
            var done4 = a.NewLabel("cmpxchg_done");
            a.Mov(RAX, RDX);
            a.LockCmpxchg(Mem.Q(RDI), RSI);
            a.Jne(done4);                         // not stored: no card
            MarkCard(a, state, done4, RCX);       // RAX holds the result
            a.Label(done4);
            a.Ret();
            a.CfiEndProc();
            // object RhpCheckedXchg(object* location (RDI), object value (RSI))
            a.GlobalFunction("RhpCheckedXchg");
            a.CfiStartProc();
            var done5 = a.NewLabel("xchg_done");
            a.Mov(RCX, RSI);
            a.Xchg(Mem.Q(RDI), RCX);              // RCX = the previous value
            MarkCard(a, state, done5, RAX);
            a.Label(done5);
            a.Mov(RAX, RCX);
            a.Ret();
            a.CfiEndProc();
        }
    }
}
