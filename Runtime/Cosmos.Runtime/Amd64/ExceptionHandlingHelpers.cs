using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using Cosmos.Runtime.ExceptionHandling;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.Runtime.Amd64
{
    /// <summary>
    /// The native half of .NET exception handling: the throw entry points ilc-generated code calls
    /// (RhpThrowEx, RhpRethrow), the entry a converted hardware fault resumes at (RhpThrowHwEx), the
    /// funclet-call helpers the CoreLib's dispatcher calls (RhpCallCatchFunclet, RhpCallFinallyFunclet,
    /// RhpCallFilterFunclet), RhpGetCurrentThreadStackTrace, and the per-thread ExInfo chain.
    /// The contracts are those of the NativeAOT amd64 Unix runtime (dotnet/runtime
    /// src/coreclr/nativeaot/Runtime/amd64/ExceptionHandling.S), checked against the disassembly of
    /// libRuntime.WorkstationGC.a and of ilc's funclets in the 10.0.12 packages:
    /// <list type="bullet">
    /// <item>A throw helper builds a PAL_LIMITED_CONTEXT of its caller (IP = return address, RSP = the
    /// caller's SP after the return, RBP/RBX/R12–R15 as they are; RAX = RDX = 0), an ExInfo below it
    /// (exception 0, pass 1, clause 0xFFFFFFFF, kind), links the ExInfo as the chain head and calls the
    /// CoreLib's RhThrowEx(exception, ExInfo*) / RhRethrow(active ExInfo*, ExInfo*) /
    /// RhThrowHwEx(code, ExInfo*). These never return. The walker finds the context at
    /// (SP at the call) + 400 (SIZEOF__ExInfo of the 10.0 CoreLib).</item>
    /// <item>Funclets (ilc 10.0) are entered with RDI = the exception object (catch and filter funclets;
    /// finally/fault funclets take no argument; ilc 9.0 passed the establisher frame in RDI and the
    /// exception in RSI); they address the parent's frame
    /// through RBP, so the helpers load RBP (filters) or RBP, RBX, R12–R15 (catch, finally) from the
    /// REGDISPLAY first. A catch funclet returns the continuation address in RAX; a filter returns 0/1 in EAX.</item>
    /// <item>After a catch funclet the ExInfos that lie below the resume SP are dead: the chain head
    /// becomes the first older ExInfo at or above it; then RSP = REGDISPLAY.SP and control jumps to the
    /// continuation with the callee-saved registers the funclet preserved (the parent's values).</item>
    /// </list>
    /// RSP is 16-byte aligned at every call. Every helper carries DWARF CFI (X# <c>CfiStartProc</c>…, emitted into
    /// .eh_frame beside ilc's): the walker (ExceptionHandling/StackFrameIterator.cs) unwinds the funclet-call helpers into the dispatcher
    /// and the throw helpers to their throw sites with it (CodeManager.Unwind), and gdb walks through them the same way.
    /// The throw helpers describe the callee-saved registers (and RAX, RDX) as saved in their PAL_LIMITED_CONTEXT;
    /// RhpThrowHwEx, entered by an interrupt return on a stack of either alignment, is a signal frame whose CFA and
    /// return address are DWARF expressions over its context (CFA = context.Rsp, return address = context.IP).
    /// </summary>
    public sealed unsafe class ExceptionHandlingHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "eh_helpers";

        /// <summary>Symbol of the running thread's <see cref="RuntimeThreadState"/>, whose first field is the <see cref="EHThreadState"/> (ExInfo chain head, stack-trace context).</summary>
        public const string ThreadStateSymbol = RuntimeThreadState.Symbol;

        static int Off<T>(string field) => (int)Marshal.OffsetOf(typeof(T), field);

        // Offsets from the C# mirrors of the CoreLib structures (never typed twice).
        static readonly int ExPrev = Off<ExInfo>(nameof(ExInfo.Prev)), ExContext = Off<ExInfo>(nameof(ExInfo.Context)),
            ExException = Off<ExInfo>(nameof(ExInfo.Exception)), ExKindOff = Off<ExInfo>(nameof(ExInfo.Kind)),
            ExPass = Off<ExInfo>(nameof(ExInfo.PassNumber)), ExClause = Off<ExInfo>(nameof(ExInfo.IdxCurClause));
        static readonly int ExInfoSize = Marshal.SizeOf<ExInfo>();
        static readonly int RdRbx = Off<RegDisplay>(nameof(RegDisplay.pRbx)), RdRbp = Off<RegDisplay>(nameof(RegDisplay.pRbp)),
            RdR12 = Off<RegDisplay>(nameof(RegDisplay.pR12)), RdR13 = Off<RegDisplay>(nameof(RegDisplay.pR13)),
            RdR14 = Off<RegDisplay>(nameof(RegDisplay.pR14)), RdR15 = Off<RegDisplay>(nameof(RegDisplay.pR15)),
            RdSP = Off<RegDisplay>(nameof(RegDisplay.SP));
        static readonly int TsHead = Off<RuntimeThreadState>(nameof(RuntimeThreadState.ExceptionHandling)) + Off<EHThreadState>(nameof(EHThreadState.ExInfoHead)),
            TsTrace = Off<RuntimeThreadState>(nameof(RuntimeThreadState.ExceptionHandling)) + Off<EHThreadState>(nameof(EHThreadState.StackTraceContext));

        static readonly Label ThreadState = new Label(ThreadStateSymbol);

        /// <summary>Locals of RhpCallCatchFunclet below its saved registers (REGDISPLAY*, ExInfo*, padding).</summary>
        const int CatchFuncletLocals = 24;
        /// <summary>Locals of RhpCallFinallyFunclet and RhpCallFilterFunclet below their saved registers.</summary>
        const int FuncletLocals = 8;

        /// <summary>The registers a PAL_LIMITED_CONTEXT holds besides IP and Rsp, with their field names.</summary>
        static readonly (string Field, Reg64 Reg)[] ContextRegisters =
            { ("Rbp", RBP), ("Rbx", RBX), ("R12", R12), ("R13", R13), ("R14", R14), ("R15", R15), ("Rax", RAX), ("Rdx", RDX) };

        /// <summary>CFI: the caller's registers are in the PAL_LIMITED_CONTEXT that starts at CFA + <paramref name="contextFromCfa"/>.</summary>
        static void DescribeContextFromCfa(Assembler a, long contextFromCfa)
        {
            foreach (var (field, reg) in ContextRegisters) a.CfiOffset(reg, contextFromCfa + Off<PalLimitedContext>(field));
        }

        /// <summary>
        /// CFI of a frame whose context lies at RSP + <paramref name="contextFromRsp"/>: CFA = context.Rsp, return address
        /// at &amp;context.IP, the caller's registers in the context (DWARF expressions, since the context's distance from
        /// the CFA depends on the stack alignment at entry).
        /// </summary>
        static void DescribeContextFromRsp(Assembler a, long contextFromRsp)
        {
            a.CfiDefCfaExpression(DwarfExpression.Load(RSP, contextFromRsp + Off<PalLimitedContext>("Rsp")));
            a.CfiReturnAddressExpression(DwarfExpression.Breg(RSP, contextFromRsp + Off<PalLimitedContext>("IP")));
            foreach (var (field, reg) in ContextRegisters) a.CfiExpression(reg, DwarfExpression.Breg(RSP, contextFromRsp + Off<PalLimitedContext>(field)));
        }

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            if (ExInfoSize != StackFrameIterator.ExInfoStackSize || ExInfoSize % 16 != 0)
                throw new System.InvalidOperationException("ExInfo size changed: update StackFrameIterator.ExInfoStackSize and the throw helpers");
            if (Marshal.SizeOf<PalLimitedContext>() != 80 || Off<PalLimitedContext>("IP") != 0 || Off<PalLimitedContext>("R15") != 72)
                throw new System.InvalidOperationException("PAL_LIMITED_CONTEXT layout changed: the throw helpers push it field by field");

            a.Extern("RhThrowEx");
            a.Extern("RhThrowHwEx");
            a.Extern("RhRethrow");
            a.Extern("RhpCalculateStackTraceWorker");

            a.Bss();
            a.Align(16);
            a.Global(ThreadState, SymbolType.Data);
            a.Label(ThreadState);
            a.Resq((Marshal.SizeOf<RuntimeThreadState>() + 7) / 8);

            a.Text();
            // RuntimeThreadState* cosmos_runtime_thread_state_address(): the running thread's block.
            a.GlobalFunction("cosmos_runtime_thread_state_address");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(ThreadState));
            a.Ret();
            a.CfiEndProc();
            EmitThrowHelpers(a);
            EmitFuncletCalls(a);
            EmitStackTrace(a);
            EmitAddresses(a);
        }

        /// <summary>
        /// Pushes a PAL_LIMITED_CONTEXT (lowest field first in memory): RAX = caller SP, RSI = caller IP,
        /// RDX = 0. Ten pushes (80 bytes).
        /// </summary>
        static void PushContext(Assembler a)
        {
            a.Push(R15); a.Push(R14); a.Push(R13); a.Push(R12);
            a.Push(RDX);        // Rdx
            a.Push(RBX);
            a.Push(RDX);        // Rax
            a.Push(RBP);
            a.Push(RAX);        // Rsp
            a.Push(RSI);        // IP
        }

        /// <summary>
        /// Reserves the ExInfo below the context (RSP then points at it), initialises it and links it as the chain head.
        /// Leaves RSI = ExInfo*; clobbers RAX, RDX. <paramref name="afterReserve"/> runs right after the reservation (CFI
        /// that depends on RSP).
        /// </summary>
        static void PushExInfo(Assembler a, byte kind, System.Action afterReserve = null)
        {
            a.Sub(RSP, ExInfoSize);
            afterReserve?.Invoke();
            a.Mov(Mem.Q(RSP, ExException), 0);
            a.Mov(Mem.B(RSP, ExPass), 1);
            a.Mov(Mem.D(RSP, ExClause), -1);
            a.Mov(Mem.B(RSP, ExKindOff), kind);
            a.Lea(RAX, Mem.At(RSP, ExInfoSize));
            a.Mov(Mem.Q(RSP, ExContext), RAX);
            a.Mov(RAX, Mem.Q(ThreadState, TsHead));
            a.Mov(Mem.Q(RSP, ExPrev), RAX);
            a.Mov(Mem.Q(ThreadState, TsHead), RSP);
            a.Mov(RSI, RSP);
        }

        static void EmitThrowHelpers(Assembler a)
        {
            // void RhpThrowEx(object exception (RDI)) — called; never returns.
            a.GlobalFunction("RhpThrowEx");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(RSP, 8));         // caller SP after the return
            a.Mov(RSI, Mem.Q(RSP));             // throw site = return address
            a.Xor(EDX, EDX);
            a.Push(RDX);                        // RSP ≡ 0 (mod 16) from here
            PushContext(a);
            DescribeContextFromCfa(a, -a.CfiCfaOffset.Value);
            PushExInfo(a, ExKind.Throw);
            a.Call(new Label("RhThrowEx"));     // RDI = exception, RSI = ExInfo*
            a.Global("RhpThrowEx2", SymbolType.Function);
            a.Label("RhpThrowEx2");
            a.Ud2();
            a.CfiEndProc();

            // void RhpRethrow() — `throw;` inside a catch funclet: the active exception is the chain head's.
            a.GlobalFunction("RhpRethrow");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(RSP, 8));
            a.Mov(RSI, Mem.Q(RSP));
            a.Xor(EDX, EDX);
            a.Push(RDX);
            PushContext(a);
            DescribeContextFromCfa(a, -a.CfiCfaOffset.Value);
            a.Mov(RDI, Mem.Q(ThreadState, TsHead));   // active ExInfo (before linking the new one)
            PushExInfo(a, ExKind.None);         // RhRethrow sets kind = active kind | RethrowFlag
            a.Call(new Label("RhRethrow"));     // RDI = active ExInfo*, RSI = new ExInfo*
            a.Global("RhpRethrow2", SymbolType.Function);
            a.Label("RhpRethrow2");
            a.Ud2();
            a.CfiEndProc();

            // RhpThrowHwEx: entered (not called) by an interrupt return prepared by
            // HardwareExceptions.TryRaise: RSP = the faulting code's RSP (any 8-byte alignment),
            // EDI = exception code, RSI = faulting instruction address. A signal frame: the "return address"
            // is the faulting instruction itself.
            a.GlobalFunction("RhpThrowHwEx");
            a.CfiStartProc(signalFrame: true);
            a.CfiDefCfa(RSP, 0);
            a.CfiReturnAddressRegister(RSI);
            a.Mov(RAX, RSP);
            a.CfiDefCfaRegister(RAX);
            a.And(RSP, -16);
            a.Xor(EDX, EDX);
            PushContext(a);
            DescribeContextFromRsp(a, 0);
            PushExInfo(a, ExKind.HardwareFault, () => DescribeContextFromRsp(a, ExInfoSize));
            a.Call(new Label("RhThrowHwEx"));   // EDI = code, RSI = ExInfo*
            a.Global("RhpThrowHwEx2", SymbolType.Function);
            a.Label("RhpThrowHwEx2");
            a.Ud2();
            a.CfiEndProc();
        }

        static readonly Reg64[] CalleeSaved = { R15, R14, R13, R12, RBX, RBP };

        /// <summary>Saves RBP, RBX, R12–R15 (lowest address: RBP), with their CFI.</summary>
        static void SaveCalleeSaved(Assembler a)
        {
            foreach (var r in CalleeSaved)
            {
                a.Push(r);
                a.CfiOffset(r, -a.CfiCfaOffset.Value);
            }
        }

        static void RestoreCalleeSaved(Assembler a)
        {
            for (int i = CalleeSaved.Length - 1; i >= 0; i--)
            {
                a.Pop(CalleeSaved[i]);
                a.CfiRestore(CalleeSaved[i]);
            }
        }

        /// <summary>Loads RBX, RBP, R12–R15 from the REGDISPLAY at <paramref name="regDisplay"/> (through its pointers). Clobbers RAX.</summary>
        static void LoadFromRegDisplay(Assembler a, Reg64 regDisplay, Reg64 scratch = null)
        {
            scratch ??= RAX;
            (int off, Reg64 reg)[] regs = { (RdRbx, RBX), (RdRbp, RBP), (RdR12, R12), (RdR13, R13), (RdR14, R14), (RdR15, R15) };
            foreach (var (off, reg) in regs)
            {
                a.Mov(scratch, Mem.Q(regDisplay, off));
                a.Mov(reg, Mem.Q(scratch));
            }
        }

        static void EmitFuncletCalls(Assembler a)
        {
            // IntPtr RhpCallCatchFunclet(object exception (RDI), byte* handler (RSI), REGDISPLAY* (RDX), ExInfo* (RCX)):
            // runs the catch funclet, then resumes the parent frame at the continuation it returns. Never returns.
            a.GlobalFunction("RhpCallCatchFunclet");
            a.CfiStartProc();
            // The CoreLib set DoNotTriggerGC before its second pass; the catch funclet and the code after it may collect again.
            a.Mov(Mem.D(ThreadState, RuntimeThreadState.DoNotTriggerGCOffset), 0);
            SaveCalleeSaved(a);                                   // RSP ≡ 8 (mod 16)
            a.Sub(RSP, CatchFuncletLocals);                       // RSP ≡ 0: [rsp] REGDISPLAY*, [rsp+8] ExInfo*
            a.Mov(Mem.Q(RSP, 0), RDX);
            a.Mov(Mem.Q(RSP, 8), RCX);
            LoadFromRegDisplay(a, RDX);
            a.Call(RSI);                                          // funclet(RDI = exception object)
            a.Global("RhpCallCatchFunclet2", SymbolType.Function);
            a.Label("RhpCallCatchFunclet2");
            // Reload the parent's callee-saved registers from their homes: a collection during the funclet updated the
            // references there (the walk reaches the parent frames from the throw site), not the copies in registers.
            a.Mov(RDX, Mem.Q(RSP, 0));
            LoadFromRegDisplay(a, RDX, R9);
            // RAX = continuation. Pop the ExInfos below the resume SP (this dispatch's and any nested ones).
            var scan = a.NewLabel("catch_pop_exinfo");
            var done = a.NewLabel("catch_popped");
            a.Mov(RDX, Mem.Q(RSP, 0));
            a.Mov(RCX, Mem.Q(RSP, 8));
            a.Mov(R8, Mem.Q(RDX, RdSP));                          // resume SP
            a.Mov(RCX, Mem.Q(RCX, ExPrev));
            a.Label(scan);
            a.Test(RCX, RCX);
            a.Jz(done);
            a.Cmp(RCX, R8);
            a.Jae(done);
            a.Mov(RCX, Mem.Q(RCX, ExPrev));
            a.Jmp(scan);
            a.Label(done);
            a.Mov(Mem.Q(ThreadState, TsHead), RCX);
            a.CfiEndProc();                                       // the frame ends here: the last two instructions run on the parent's stack
            a.Mov(RSP, R8);
            a.Jmp(RAX);

            // void RhpCallFinallyFunclet(byte* handler (RDI), REGDISPLAY* (RSI)): runs a finally/fault funclet
            // with the frame's callee-saved registers.
            a.GlobalFunction("RhpCallFinallyFunclet");
            a.CfiStartProc();
            SaveCalleeSaved(a);
            a.Sub(RSP, FuncletLocals);                            // RSP ≡ 0: [rsp] REGDISPLAY*
            a.Mov(Mem.Q(RSP, 0), RSI);
            LoadFromRegDisplay(a, RSI);
            a.Mov(Mem.D(ThreadState, RuntimeThreadState.DoNotTriggerGCOffset), 0);   // the funclet may collect ...
            a.Call(RDI);                                          // funclet() (no arguments)
            a.Global("RhpCallFinallyFunclet2", SymbolType.Function);
            a.Label("RhpCallFinallyFunclet2");
            a.Mov(Mem.D(ThreadState, RuntimeThreadState.DoNotTriggerGCOffset), 1);   // ... the rest of the second pass may not
            // No write-back of the callee-saved registers: the funclet preserved them (ABI), and a collection during it
            // updated the references at their homes (where the REGDISPLAY points), which a write-back of the copies held
            // in registers would overwrite with the old addresses.
            a.Add(RSP, FuncletLocals);
            RestoreCalleeSaved(a);
            a.Ret();
            a.CfiEndProc();

            // bool RhpCallFilterFunclet(object exception (RDI), byte* filter (RSI), REGDISPLAY* (RDX)):
            // runs a filter with the frame's RBP; returns its verdict.
            a.GlobalFunction("RhpCallFilterFunclet");
            a.CfiStartProc();
            SaveCalleeSaved(a);
            a.Sub(RSP, FuncletLocals);
            a.Mov(RAX, Mem.Q(RDX, RdRbp));
            a.Mov(RBP, Mem.Q(RAX));
            a.Call(RSI);                                          // filter(RDI = exception object)
            a.Global("RhpCallFilterFunclet2", SymbolType.Function);
            a.Label("RhpCallFilterFunclet2");
            a.Add(RSP, FuncletLocals);
            RestoreCalleeSaved(a);
            a.Ret();
            a.CfiEndProc();
        }

        static void EmitStackTrace(Assembler a)
        {
            // int RhpGetCurrentThreadStackTrace(IntPtr* buffer (RDI), uint length (ESI), UIntPtr addressInCurrentFrame (RDX)):
            // records the caller's context for RhpSfiInit(null) and runs the CoreLib's RhpCalculateStackTraceWorker.
            a.GlobalFunction("RhpGetCurrentThreadStackTrace");
            a.CfiStartProc();
            a.Lea(RAX, Mem.At(RSP, 8));
            a.Mov(RCX, Mem.Q(RSP));
            a.Xor(R8D, R8D);
            a.Push(R8);                                           // RSP ≡ 0
            a.Push(R15); a.Push(R14); a.Push(R13); a.Push(R12);
            a.Push(R8); a.Push(RBX); a.Push(R8); a.Push(RBP); a.Push(RAX); a.Push(RCX);   // PAL_LIMITED_CONTEXT at RSP
            foreach (var (field, reg) in ContextRegisters)
                if (reg != RAX && reg != RDX) a.CfiOffset(reg, -a.CfiCfaOffset.Value + Off<PalLimitedContext>(field));
            a.Mov(R8, Mem.Q(ThreadState, TsTrace));               // keep any outer request (two pushes keep the alignment)
            a.Push(R8);
            a.Push(R8);
            a.Lea(R8, Mem.At(RSP, 16));
            a.Mov(Mem.Q(ThreadState, TsTrace), R8);
            a.Call(new Label("RhpCalculateStackTraceWorker"));
            a.Pop(R8);
            a.Pop(R8);
            a.Mov(Mem.Q(ThreadState, TsTrace), R8);
            a.Add(RSP, 88);
            a.Ret();
            a.CfiEndProc();
        }

        static void EmitAddresses(Assembler a)
        {
            // void cosmos_eh_addresses(RuntimeAddresses* (RDI)): fills the fields in declaration order.
            string[] symbols =
            {
                "__eh_frame_hdr_start", "__eh_frame_hdr_end", "__eh_frame_start", "__eh_frame_end",
                "__start___managedcode", "__stop___managedcode", "__start___unbox", "__stop___unbox",
                "RhpThrowEx2", "RhpThrowHwEx2", "RhpRethrow2",
                "RhpCallCatchFunclet2", "RhpCallFinallyFunclet2", "RhpCallFilterFunclet2",
                "RhpInitialDynamicInterfaceDispatch2", "RhpThrowHwEx",
                "cosmos_av_helpers_start", "cosmos_av_helpers_end",
                ThreadStateSymbol,
            };
            if (symbols.Length * 8 != Marshal.SizeOf<RuntimeAddresses>())
                throw new System.InvalidOperationException("RuntimeAddresses and cosmos_eh_addresses disagree");
            string[] local = { "RhpThrowEx2", "RhpThrowHwEx2", "RhpRethrow2", "RhpCallCatchFunclet2", "RhpCallFinallyFunclet2", "RhpCallFilterFunclet2", "RhpThrowHwEx", ThreadStateSymbol };
            foreach (var s in symbols)
                if (System.Array.IndexOf(local, s) < 0) a.Extern(s);
            a.Function("cosmos_eh_addresses", x =>
            {
                for (int i = 0; i < symbols.Length; i++)
                {
                    x.Lea(RAX, Mem.At(new Label(symbols[i])));
                    x.Mov(Mem.Q(RDI, 8 * i), RAX);
                }
                x.Ret();
            });
        }
    }
}
