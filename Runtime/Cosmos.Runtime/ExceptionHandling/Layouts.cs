using System;
using System.Runtime.InteropServices;

namespace Cosmos.Runtime.ExceptionHandling
{
    // Mirrors of the structures the NativeAOT CoreLib's managed exception dispatcher
    // (System.Runtime.EH, System.Runtime.StackFrameIterator, System.Runtime.REGDISPLAY) shares with
    // the native runtime. Every offset and size below was read from the 10.0.12 CoreLib itself
    // (System.Runtime.AsmOffsets constants and the explicit [FieldOffset]/[StructLayout(Size)] of the
    // types, dumped with Mono.Cecil; see docs/FACTS.md) and is checked against the CoreLib the kernels are
    // built with by Tests/Cosmos.Runtime.Tests/CoreLibContractTests. The X# helpers in Amd64/ExceptionHandlingHelpers.cs
    // take their offsets from these structs (Marshal.OffsetOf) and check the sizes they depend on
    // when the kernel is built, so no offset is typed twice.

    /// <summary>
    /// PAL_LIMITED_CONTEXT (Unix amd64, 80 bytes): the register state of a throw site (RhpThrowEx,
    /// RhpRethrow, RhpThrowHwEx) or of a stack-trace request: IP, RSP and the callee-saved registers.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 80)]
    public struct PalLimitedContext
    {
        /// <summary>The instruction pointer (return address of the throw site).</summary>
        [FieldOffset(0)] public ulong IP;
        /// <summary>RSP of the throw site's frame after the return.</summary>
        [FieldOffset(8)] public ulong Rsp;
        /// <summary>RBP at the throw site.</summary>
        [FieldOffset(16)] public ulong Rbp;
        /// <summary>RAX at the throw site.</summary>
        [FieldOffset(24)] public ulong Rax;
        /// <summary>RBX at the throw site.</summary>
        [FieldOffset(32)] public ulong Rbx;
        /// <summary>RDX at the throw site.</summary>
        [FieldOffset(40)] public ulong Rdx;
        /// <summary>R12 at the throw site.</summary>
        [FieldOffset(48)] public ulong R12;
        /// <summary>R13 at the throw site.</summary>
        [FieldOffset(56)] public ulong R13;
        /// <summary>R14 at the throw site.</summary>
        [FieldOffset(64)] public ulong R14;
        /// <summary>R15 at the throw site.</summary>
        [FieldOffset(72)] public ulong R15;
    }

    /// <summary>
    /// REGDISPLAY (Unix amd64, 136 bytes): for every general register the address where its value
    /// for the current frame is stored (a saved slot on the stack or a field of a
    /// <see cref="PalLimitedContext"/>), plus the frame's SP and IP values. The funclet-call helpers
    /// load RBX, RBP, R12–R15 through these pointers and pass <see cref="SP"/> as the establisher frame.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 136)]
    public unsafe struct RegDisplay
    {
        /// <summary>Where the frame's RAX is stored (null: unknown).</summary>
        [FieldOffset(0)] public ulong* pRax;
        /// <summary>Where the frame's RCX is stored (null: unknown).</summary>
        [FieldOffset(8)] public ulong* pRcx;
        /// <summary>Where the frame's RDX is stored (null: unknown).</summary>
        [FieldOffset(16)] public ulong* pRdx;
        /// <summary>Where the frame's RBX is stored (null: unknown).</summary>
        [FieldOffset(24)] public ulong* pRbx;
        /// <summary>Where the frame's RBP is stored (null: unknown).</summary>
        [FieldOffset(32)] public ulong* pRbp;
        /// <summary>Where the frame's RSI is stored (null: unknown).</summary>
        [FieldOffset(40)] public ulong* pRsi;
        /// <summary>Where the frame's RDI is stored (null: unknown).</summary>
        [FieldOffset(48)] public ulong* pRdi;
        /// <summary>Where the frame's R8 is stored (null: unknown).</summary>
        [FieldOffset(56)] public ulong* pR8;
        /// <summary>Where the frame's R9 is stored (null: unknown).</summary>
        [FieldOffset(64)] public ulong* pR9;
        /// <summary>Where the frame's R10 is stored (null: unknown).</summary>
        [FieldOffset(72)] public ulong* pR10;
        /// <summary>Where the frame's R11 is stored (null: unknown).</summary>
        [FieldOffset(80)] public ulong* pR11;
        /// <summary>Where the frame's R12 is stored (null: unknown).</summary>
        [FieldOffset(88)] public ulong* pR12;
        /// <summary>Where the frame's R13 is stored (null: unknown).</summary>
        [FieldOffset(96)] public ulong* pR13;
        /// <summary>Where the frame's R14 is stored (null: unknown).</summary>
        [FieldOffset(104)] public ulong* pR14;
        /// <summary>Where the frame's R15 is stored (null: unknown).</summary>
        [FieldOffset(112)] public ulong* pR15;
        /// <summary>The frame's RSP value.</summary>
        [FieldOffset(120)] public ulong SP;
        /// <summary>The frame's instruction pointer.</summary>
        [FieldOffset(128)] public ulong IP;
    }

    /// <summary>
    /// System.Runtime.StackFrameIterator (360 bytes). The CoreLib reads only FramePointer (16),
    /// ControlPC (24), the REGDISPLAY (32), OriginalControlPC (344) and PreviousTransitionFrame (352);
    /// the rest is this runtime's private iteration state (the native runtime keeps its own there too).
    /// An iterator is copied wholesale when a stack walk collides with an older exception dispatch.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 360)]
    public unsafe partial struct StackFrameIterator
    {
        // --- private state (offsets 0..15 and 168..343 are not read by the CoreLib) ---
        /// <summary>Next older ExInfo not yet passed by this walk (the collision candidate).</summary>
        [FieldOffset(0)] public ExInfo* NextExInfo;
        /// <summary><see cref="IteratorFlags"/>.</summary>
        [FieldOffset(8)] public uint Flags;
        // --- shared with the CoreLib ---
        /// <summary>RBP of the frame for methods with EH clauses and for funclets (funclets of one method activation share it), else 0.</summary>
        [FieldOffset(16)] public ulong FramePointer;
        /// <summary>IP used for EH clause lookup: return address − 1 in EH walks (the faulting IP for a hardware fault frame).</summary>
        [FieldOffset(24)] public ulong ControlPC;
        /// <summary>The frame's registers (REGDISPLAY).</summary>
        [FieldOffset(32)] public RegDisplay Regs;
        // --- private: the current frame's method (valid while the iterator is valid) ---
        /// <summary>Start of the method that owns the frame (the main body for a funclet).</summary>
        [FieldOffset(168)] public ulong MethodStart;
        /// <summary>LSDA of the frame's own code block (the funclet's for a funclet).</summary>
        [FieldOffset(176)] public byte* Lsda;
        /// <summary>LSDA of the method's main body.</summary>
        [FieldOffset(184)] public byte* MainLsda;
        /// <summary>Frame pointer of an exceptionally invoked funclet the walk just left (checked at the collision).</summary>
        [FieldOffset(192)] public ulong PendingFuncletFramePointer;
        // --- shared with the CoreLib ---
        /// <summary>The unadjusted IP (return address, or faulting IP) of the frame.</summary>
        [FieldOffset(344)] public ulong OriginalControlPC;
        /// <summary>Always 0: the kernel has no P/Invoke transition frames to report.</summary>
        [FieldOffset(352)] public ulong PreviousTransitionFrame;
    }

    /// <summary>Private <see cref="StackFrameIterator.Flags"/> bits.</summary>
    public static class IteratorFlags
    {
        /// <summary>EH walk: ControlPC = return address − 1 so that a call at the end of a try region is inside it.</summary>
        public const uint ApplyReturnAddressAdjustment = 1;
        /// <summary>Stack-trace walk: skip owner frames of funclets already reported, jump over exception dispatch at throw sites.</summary>
        public const uint CollapseFunclets = 2;
        /// <summary>The current frame was reached by colliding with an older exception dispatch (RhpSfiNext reports its clause).</summary>
        public const uint ExCollide = 4;
        /// <summary>The current frame's IP is a faulting instruction, not a return address (no −1 adjustment).</summary>
        public const uint ActiveFrameIsFault = 8;
        /// <summary>Bits that describe the kind of walk (kept across a collision).</summary>
        public const uint WalkKindMask = ApplyReturnAddressAdjustment | CollapseFunclets;
    }

    /// <summary>
    /// System.Runtime.ExceptionHandling.ExInfo (400 bytes): one per exception being dispatched, allocated by the X#
    /// throw helpers on the stack just below the throw site's <see cref="PalLimitedContext"/> and
    /// linked into the thread's chain (newest first).
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 400)]
    public unsafe struct ExInfo
    {
        /// <summary>The next older ExInfo of the thread's chain.</summary>
        [FieldOffset(0)] public ExInfo* Prev;
        /// <summary>The throw site's registers.</summary>
        [FieldOffset(8)] public PalLimitedContext* Context;
        /// <summary>The exception object (an object reference; kept as a raw pointer here).</summary>
        [FieldOffset(16)] public IntPtr Exception;
        /// <summary><see cref="ExKind"/> bits.</summary>
        [FieldOffset(24)] public byte Kind;
        /// <summary>1 = first pass (searching), 2 = second pass (unwinding).</summary>
        [FieldOffset(25)] public byte PassNumber;
        /// <summary>Clause whose funclet is running in the second pass, 0xFFFFFFFF when none.</summary>
        [FieldOffset(28)] public uint IdxCurClause;
        /// <summary>The dispatch's stack walk.</summary>
        [FieldOffset(32)] public StackFrameIterator FrameIter;
        /// <summary>Debugger notification SP (unused: no debugger interface).</summary>
        [FieldOffset(392)] public ulong NotifyDebuggerSP;
    }

    /// <summary>System.Runtime.EH.ExKind values.</summary>
    public static class ExKind
    {
        /// <summary>No exception kind.</summary>
        public const byte None = 0;
        /// <summary>A managed throw (RhpThrowEx).</summary>
        public const byte Throw = 1;
        /// <summary>A hardware fault turned into an exception (RhpThrowHwEx).</summary>
        public const byte HardwareFault = 2;
        /// <summary>Bits that hold the kind.</summary>
        public const byte KindMask = 3;
        /// <summary>The dispatch is a rethrow.</summary>
        public const byte RethrowFlag = 4;
        /// <summary>A newer dispatch replaced this one.</summary>
        public const byte SupersededFlag = 8;
        /// <summary>The faulting IP is the instruction itself (no return-address adjustment).</summary>
        public const byte InstructionFaultFlag = 0x10;
    }

    /// <summary>System.Runtime.EH.RhEHClause (sequential, 40 bytes), filled by RhpEHEnumNext.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct EHClause
    {
        /// <summary>0 typed catch, 1 fault/finally, 2 filter.</summary>
        public int Kind;
        /// <summary>Start of the protected region, byte offset from the method's main body.</summary>
        public uint TryStartOffset;
        /// <summary>End (exclusive) of the protected region, byte offset from the method's main body.</summary>
        public uint TryEndOffset;
        /// <summary>Entry of the filter funclet (filter clauses).</summary>
        public byte* FilterAddress;
        /// <summary>Entry of the handler funclet.</summary>
        public byte* HandlerAddress;
        /// <summary>MethodTable of a typed catch.</summary>
        public void* TargetType;
    }

    /// <summary>System.Runtime.EH.MethodRegionInfo (sequential, 32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MethodRegionInfo
    {
        /// <summary>Start of the method's main (hot) body.</summary>
        public byte* HotStart;
        /// <summary>Bytes of the hot body (0: unknown, not used by the CoreLib on this target).</summary>
        public ulong HotSize;
        /// <summary>Start of a cold part (ilc does not split methods here: null).</summary>
        public byte* ColdStart;
        /// <summary>Bytes of the cold part (0).</summary>
        public ulong ColdSize;
    }

    /// <summary>System.Runtime.EH.EHEnum: 32 opaque bytes; this runtime's clause cursor.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    public unsafe struct EHEnum
    {
        /// <summary>Start of the method whose clauses are enumerated.</summary>
        [FieldOffset(0)] public ulong MethodStart;
        /// <summary>The next clause's encoding in the EH info.</summary>
        [FieldOffset(8)] public byte* Cursor;
        /// <summary>Clauses read so far.</summary>
        [FieldOffset(16)] public uint Index;
        /// <summary>Clauses of the method.</summary>
        [FieldOffset(20)] public uint Count;
    }

    /// <summary>Clause kinds of ilc's EH info (RhEHClauseKind).</summary>
    public static class EHClauseKind
    {
        /// <summary>A typed catch clause.</summary>
        public const int Typed = 0;
        /// <summary>A fault or finally clause.</summary>
        public const int Fault = 1;
        /// <summary>A filter clause.</summary>
        public const int Filter = 2;
    }

    /// <summary>
    /// Per-thread exception state the X# helpers keep: the head of the ExInfo chain and the context of a pending
    /// stack-trace request. It is the first field of <see cref="RuntimeThreadState"/>, which the scheduler switches.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct EHThreadState
    {
        /// <summary>The newest ExInfo of the thread (null: no exception is being dispatched).</summary>
        public ExInfo* ExInfoHead;
        /// <summary>The throw site context of a pending stack-trace request (RhpGetCurrentThreadStackTrace), or null.</summary>
        public PalLimitedContext* StackTraceContext;
    }
}

namespace Cosmos.Runtime.ExceptionHandling
{
    /// <summary>
    /// Addresses only the X# side knows (linker-script symbols and labels inside the X# helpers),
    /// filled by <c>cosmos_eh_addresses</c> (Amd64/) in this field order.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct RuntimeAddresses
    {
        /// <summary>.eh_frame_hdr (GNU ld --eh-frame-hdr binary-search table) and .eh_frame.</summary>
        public byte* EhFrameHdr, EhFrameHdrEnd, EhFrame, EhFrameEnd;
        /// <summary>ilc method bodies (__managedcode) and unboxing stubs (__unbox).</summary>
        public byte* ManagedCodeStart, ManagedCodeEnd, UnboxStart, UnboxEnd;
        /// <summary>Return addresses of the calls from the throw helpers into the CoreLib dispatcher.</summary>
        public ulong ThrowExReturn, ThrowHwExReturn, RethrowReturn;
        /// <summary>Return addresses of the funclet calls in the funclet-call helpers.</summary>
        public ulong CallCatchFuncletReturn, CallFinallyFuncletReturn, CallFilterFuncletReturn;
        /// <summary>Return address of the call to RhpResolveInterfaceMethod in RhpInitialDynamicInterfaceDispatch.</summary>
        public ulong InterfaceDispatchReturn;
        /// <summary>Entry of RhpThrowHwEx (the interrupt return target for converted faults).</summary>
        public ulong ThrowHwExEntry;
        /// <summary>[start, end) of the leaf X# helpers that may fault on a null destination (memmove, memset, write barriers).</summary>
        public ulong AvHelpersStart, AvHelpersEnd;
        /// <summary>The running thread's runtime state (cosmos_runtime_thread_state); its first field is the EH state.</summary>
        public RuntimeThreadState* ThreadState;
    }
}
