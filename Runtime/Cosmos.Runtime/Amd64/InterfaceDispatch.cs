using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// The initial interface dispatch stub every dispatch cell starts with (RhpInitialDynamicInterfaceDispatch: resolves
    /// through the CoreLib's RhpResolveInterfaceMethod and tail-jumps to the target), its address for new cells
    /// (<c>cosmos_initial_dispatch_stub</c>), and the bounds of the unboxing stubs (<c>cosmos_unbox_bounds</c>).
    /// </summary>
    // Conventions follow the NativeAOT amd64 Unix helpers (dotnet/runtime src/coreclr/nativeaot/Runtime/amd64/*.S as the
    // specification of what each must do).
    public sealed class InterfaceDispatch : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "interface_dispatch";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.Extern("RhpResolveInterfaceMethod");
            a.Text();
            EmitInterfaceDispatch(a);
            EmitAddresses(a);
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
            // Return address the stack walker recognises (ExceptionHandling/StackFrameIterator.cs): it unwinds this frame with
            // the CFI above when the resolution throws.
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
            a.CfiEndProc();
            // void* cosmos_initial_dispatch_stub(): address of RhpInitialDynamicInterfaceDispatch (for new dispatch cells).
            a.GlobalFunction("cosmos_initial_dispatch_stub");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(new Label("RhpInitialDynamicInterfaceDispatch")));
            a.Ret();
            a.CfiEndProc();
        }
    }
}
