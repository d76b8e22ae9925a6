using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Asm
{
    /// <summary>
    /// The runtime helpers ilc-generated code calls with conventions C# cannot express
    /// (register-only contracts, no stack frame, tail jumps): memmove/memset, GC write
    /// barriers, the stack probe, P/Invoke transition bookkeeping,
    /// the initial interface dispatch stub and saturating double→integer conversions. The
    /// exception-handling helpers (throw, funclet calls) are in ExceptionHelpers.cs.
    /// Conventions follow the NativeAOT amd64 Unix helpers (dotnet/runtime
    /// src/coreclr/nativeaot/Runtime/amd64/*.S as the specification of what each must do).
    /// </summary>
    public sealed class RuntimeHelpers : AsmProgram
    {
        public override string Name => "runtime_helpers";

        public override void Emit(Assembler a)
        {
            a.Extern("cosmos_runtime_panic");
            a.Extern("RhpResolveInterfaceMethod");
            a.Extern("RhpTrapThreads");

            a.Bss();
            a.Align(8);
            a.Global("cosmos_transition_frame", SymbolType.Data);
            a.Label("cosmos_transition_frame");
            a.Resq(1);

            a.Text();
            // memmove/memset and the write barriers are leaf functions that never move RSP, so a page
            // fault inside them on a null destination can be reported as a NullReferenceException at
            // their return address (HardwareExceptions.TryRaise checks this range and unwinds them with their CFI).
            a.Global("cosmos_av_helpers_start", SymbolType.Function);
            a.Label("cosmos_av_helpers_start");
            EmitMemory(a);
            EmitBarriers(a);
            a.Global("cosmos_av_helpers_end", SymbolType.Function);
            a.Label("cosmos_av_helpers_end");
            EmitStackProbe(a);
            EmitTransitions(a);
            EmitInterfaceDispatch(a);
            EmitConversions(a);
            EmitAddresses(a);
        }

        private static void EmitAddresses(Assembler a)
        {
            // void cosmos_unbox_bounds(ulong* start (RDI), ulong* end (RSI)): the __unbox section (linker script symbols).
            a.Extern("__start___unbox");
            a.Extern("__stop___unbox");
            a.GlobalFunction("cosmos_unbox_bounds");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label("__start___unbox")));
            a.Mov(Mem.Q(RDI), RAX);
            a.Lea(RAX, Mem.At(new Label("__stop___unbox")));
            a.Mov(Mem.Q(RSI), RAX);
            a.Ret();
            // void* cosmos_initial_dispatch_stub(): address of RhpInitialDynamicInterfaceDispatch (for new dispatch cells).
            a.CfiEndProc();
            a.GlobalFunction("cosmos_initial_dispatch_stub");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label("RhpInitialDynamicInterfaceDispatch")));
            a.Ret();
            a.CfiEndProc();
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

            // void* memcpy(dst, src, n): same as memmove (callers may not rely on overlap either way).
            a.CfiEndProc();
            a.GlobalFunction("memcpy");
            a.CfiStartProc();
            a.Jmp(new Label("memmove"));

            // void* memset(void* dst (RDI), int value (ESI), size_t n (RDX)).
            a.CfiEndProc();
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
            // Same contract; the destination may be outside the GC heap.
            a.CfiEndProc();
            a.GlobalFunction("RhpCheckedAssignRef");
            a.CfiStartProc();
            a.Mov(Mem.Q(RDI), RSI);
            a.Ret();
            // RhpByRefAssignRef: *RDI = *RSI; RDI += 8; RSI += 8. Trashes RCX only.
            a.CfiEndProc();
            a.GlobalFunction("RhpByRefAssignRef");
            a.CfiStartProc();
            a.Mov(RCX, Mem.Q(RSI));
            a.Mov(Mem.Q(RDI), RCX);
            a.Add(RDI, 8);
            a.Add(RSI, 8);
            a.Ret();
            // object RhpCheckedLockCmpXchg(object* location (RDI), object value (RSI), object comparand (RDX))
            a.CfiEndProc();
            a.GlobalFunction("RhpCheckedLockCmpXchg");
            a.CfiStartProc();
            a.Mov(RAX, RDX);
            a.LockCmpxchg(Mem.Q(RDI), RSI);
            a.Ret();
            // object RhpCheckedXchg(object* location (RDI), object value (RSI))
            a.CfiEndProc();
            a.GlobalFunction("RhpCheckedXchg");
            a.CfiStartProc();
            a.Mov(RAX, RSI);
            a.Xchg(Mem.Q(RDI), RAX);
            a.Ret();
            a.CfiEndProc();
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

            // Reverse P/Invoke (native → managed): ReversePInvokeFrame { saved transition frame; saved thread }.
            a.CfiEndProc();
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

            // RhpGcPoll is reached only when RhpTrapThreads is set; nothing sets it before
            // the collector and the scheduler exist, so reaching it is a runtime bug.
            a.CfiEndProc();
            a.GlobalFunction("RhpGcPoll");
            a.CfiStartProc();
            a.Sub(RSP, 8);
            a.Mov(EDI, 1);
            a.Call(new Label("cosmos_runtime_panic"));
            a.Ud2();
            a.CfiEndProc();
        }

        private static void EmitInterfaceDispatch(Assembler a)
        {
            // Interface call sites do `lea r11, [cell]; call [r11]`: R11 = the dispatch cell (ilc 10.0 x64; ilc 9.0 used R10; measured in the disassembly), RDI = this.
            // Save every argument register (GPR and XMM0-7), resolve through the CoreLib's
            // RhpResolveInterfaceMethod(this, cell), restore and tail-jump to the target.
            a.GlobalFunction("RhpInitialDynamicInterfaceDispatch");
            a.CfiStartProc();
            a.Push(RBP);
            a.CfiOffset(RBP, -16);
            a.Mov(RBP, RSP);                       // RSP ≡ 0 (mod 16)
            a.CfiDefCfaRegister(RBP);              // CFA = RBP + 16: the stack walker unwinds this frame with it when the resolution throws
            a.Push(RDI); a.Push(RSI); a.Push(RDX); a.Push(RCX); a.Push(R8); a.Push(R9);
            a.Sub(RSP, 128);
            for (int i = 0; i < 8; i++) a.Raw($"movdqu [rsp + {16 * i}], xmm{i}");
            a.Mov(RSI, R11);
            a.Call(new Label("RhpResolveInterfaceMethod"));
            // Return address the stack walker recognises (EH/FrameWalker.cs): it unwinds this frame with the CFI above
            // when the resolution throws.
            a.Global("RhpInitialDynamicInterfaceDispatch2", SymbolType.Function);
            a.Label("RhpInitialDynamicInterfaceDispatch2");
            for (int i = 0; i < 8; i++) a.Raw($"movdqu xmm{i}, [rsp + {16 * i}]");
            a.Add(RSP, 128);
            a.Pop(R9); a.Pop(R8); a.Pop(RCX); a.Pop(RDX); a.Pop(RSI); a.Pop(RDI);
            a.CfiDefCfa(RSP, 16);                  // RSP = RBP again
            a.Pop(RBP);
            a.CfiRestore(RBP);
            a.Jmp(RAX);
            a.CfiEndProc();
        }

        private static void EmitConversions(Assembler a)
        {
            // .NET 9 double → integer conversions saturate: NaN → 0, too large → Max, too small → Min.
            EmitDoubleToSigned(a, "RhpDbl2Int", 0x41E0000000000000UL /* 2^31 */, is64: false);
            EmitDoubleToSigned(a, "RhpDbl2Lng", 0x43E0000000000000UL /* 2^63 */, is64: true);
            EmitDoubleToUnsigned(a, "RhpDbl2UInt", is64: false);
            EmitDoubleToUnsigned(a, "RhpDbl2ULng", is64: true);
        }

        /// <summary>double → uint/ulong, saturating: NaN and values ≤ 0 → 0, ≥ 2^32 / 2^64 → Max; [2^63, 2^64) via x − 2^63 with bit 63 set.</summary>
        private static void EmitDoubleToUnsigned(Assembler a, string name, bool is64)
        {
            a.GlobalFunction(name);
            a.CfiStartProc();
            var zero = a.NewLabel(name + "_zero");
            var max = a.NewLabel(name + "_max");
            a.Raw("ucomisd xmm0, xmm0");
            a.Jcc(Cond.P, zero);
            a.Raw("xorpd xmm1, xmm1");
            a.Raw("comisd xmm0, xmm1");
            a.Raw("jbe " + zero.Name);
            a.Mov(RCX, is64 ? 0x43F0000000000000UL /* 2^64 */ : 0x41F0000000000000UL /* 2^32 */);
            a.Movq(XMM1, RCX);
            a.Raw("comisd xmm0, xmm1");
            a.Jae(max);
            if (is64)
            {
                var big = a.NewLabel(name + "_big");
                a.Mov(RCX, 0x43E0000000000000UL /* 2^63 */);
                a.Movq(XMM1, RCX);
                a.Raw("comisd xmm0, xmm1");
                a.Jae(big);
                a.Cvttsd2si(RAX, XMM0);
                a.Ret();
                a.Label(big);
                a.Raw("subsd xmm0, xmm1");
                a.Cvttsd2si(RAX, XMM0);
                a.Raw("btc rax, 63");
                a.Ret();
            }
            else
            {
                a.Cvttsd2si(RAX, XMM0);                       // < 2^32: exact in 64 bits; EAX is the result
                a.Ret();
            }
            a.Label(max);
            a.Mov(RAX, -1L);
            a.Ret();
            a.Label(zero);
            a.Xor(EAX, EAX);
            a.Ret();
            a.CfiEndProc();
        }

        private static void EmitDoubleToSigned(Assembler a, string name, ulong twoPowBits, bool is64)
        {
            a.GlobalFunction(name);
            a.CfiStartProc();
            var nan = a.NewLabel(name + "_nan");
            var max = a.NewLabel(name + "_max");
            a.Raw("ucomisd xmm0, xmm0");
            a.Jcc(Cond.P, nan);
            a.Mov(RCX, twoPowBits);
            a.Movq(XMM1, RCX);
            a.Raw("comisd xmm0, xmm1");
            a.Jae(max);
            // Below -2^bits the hardware result is the "integer indefinite" value, which is Min.
            if (is64) a.Cvttsd2si(RAX, XMM0); else a.Cvttsd2si(EAX, XMM0);
            a.Ret();
            a.Label(max);
            if (is64) a.Mov(RAX, long.MaxValue); else a.Mov(EAX, int.MaxValue);
            a.Ret();
            a.Label(nan);
            a.Xor(EAX, EAX);
            a.Ret();
            a.CfiEndProc();
        }
    }
}
