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
        [FieldOffset(0)] public ulong IP;
        [FieldOffset(8)] public ulong Rsp;
        [FieldOffset(16)] public ulong Rbp;
        [FieldOffset(24)] public ulong Rax;
        [FieldOffset(32)] public ulong Rbx;
        [FieldOffset(40)] public ulong Rdx;
        [FieldOffset(48)] public ulong R12;
        [FieldOffset(56)] public ulong R13;
        [FieldOffset(64)] public ulong R14;
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
        [FieldOffset(0)] public ulong* pRax;
        [FieldOffset(8)] public ulong* pRcx;
        [FieldOffset(16)] public ulong* pRdx;
        [FieldOffset(24)] public ulong* pRbx;
        [FieldOffset(32)] public ulong* pRbp;
        [FieldOffset(40)] public ulong* pRsi;
        [FieldOffset(48)] public ulong* pRdi;
        [FieldOffset(56)] public ulong* pR8;
        [FieldOffset(64)] public ulong* pR9;
        [FieldOffset(72)] public ulong* pR10;
        [FieldOffset(80)] public ulong* pR11;
        [FieldOffset(88)] public ulong* pR12;
        [FieldOffset(96)] public ulong* pR13;
        [FieldOffset(104)] public ulong* pR14;
        [FieldOffset(112)] public ulong* pR15;
        [FieldOffset(120)] public ulong SP;
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
        [FieldOffset(0)] public ExInfo* Prev;
        [FieldOffset(8)] public PalLimitedContext* Context;
        /// <summary>The exception object (an object reference; kept as a raw pointer here).</summary>
        [FieldOffset(16)] public IntPtr Exception;
        /// <summary><see cref="ExKind"/> bits.</summary>
        [FieldOffset(24)] public byte Kind;
        /// <summary>1 = first pass (searching), 2 = second pass (unwinding).</summary>
        [FieldOffset(25)] public byte PassNumber;
        /// <summary>Clause whose funclet is running in the second pass, 0xFFFFFFFF when none.</summary>
        [FieldOffset(28)] public uint IdxCurClause;
        [FieldOffset(32)] public StackFrameIterator FrameIter;
        [FieldOffset(392)] public ulong NotifyDebuggerSP;
    }

    /// <summary>System.Runtime.EH.ExKind values.</summary>
    public static class ExKind
    {
        public const byte None = 0, Throw = 1, HardwareFault = 2, KindMask = 3, RethrowFlag = 4, SupersededFlag = 8, InstructionFaultFlag = 0x10;
    }

    /// <summary>System.Runtime.EH.RhEHClause (sequential, 40 bytes), filled by RhpEHEnumNext.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct EHClause
    {
        /// <summary>0 typed catch, 1 fault/finally, 2 filter.</summary>
        public int Kind;
        public uint TryStartOffset;
        public uint TryEndOffset;
        public byte* FilterAddress;
        public byte* HandlerAddress;
        /// <summary>MethodTable of a typed catch.</summary>
        public void* TargetType;
    }

    /// <summary>System.Runtime.EH.MethodRegionInfo (sequential, 32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MethodRegionInfo
    {
        public byte* HotStart;
        public ulong HotSize;
        public byte* ColdStart;
        public ulong ColdSize;
    }

    /// <summary>System.Runtime.EH.EHEnum: 32 opaque bytes; this runtime's clause cursor.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    public unsafe struct EHEnum
    {
        [FieldOffset(0)] public ulong MethodStart;
        [FieldOffset(8)] public byte* Cursor;
        [FieldOffset(16)] public uint Index;
        [FieldOffset(20)] public uint Count;
    }

    /// <summary>Clause kinds of ilc's EH info (RhEHClauseKind).</summary>
    public static class EHClauseKind
    {
        public const int Typed = 0, Fault = 1, Filter = 2;
    }

    /// <summary>
    /// Per-thread exception state kept by the X# helpers (symbol <c>cosmos_eh_thread_state</c>): the
    /// head of the ExInfo chain and the context of a pending stack-trace request. One thread exists
    /// today; a scheduler must save and restore these 16 bytes on every thread switch.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct EHThreadState
    {
        public ExInfo* ExInfoHead;
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
