using System;

namespace Cosmos.Runtime
{
    /// <summary>
    /// What a GC slot holds (GcSlotFlags of dotnet/runtime gcinfotypes.h). The GC info stores the low two bits per slot;
    /// <see cref="Untracked"/> is added by the decoder for slots of the untracked part of the slot table.
    /// </summary>
    [Flags]
    public enum GcSlotFlags : byte
    {
        /// <summary>GC_SLOT_BASE: an object reference (0 or the start of an object).</summary>
        Base = 0x0,
        /// <summary>GC_SLOT_INTERIOR: a byref (may point inside an object, or outside the heap).</summary>
        Interior = 0x1,
        /// <summary>GC_SLOT_PINNED: the object must not move while the slot is live.</summary>
        Pinned = 0x2,
        /// <summary>GC_SLOT_UNTRACKED: live for the whole method body (reported at every offset).</summary>
        Untracked = 0x4,
    }

    /// <summary>What a stack slot's offset is relative to (GcStackSlotBase of gcinfotypes.h; the encoding's 2-bit value).</summary>
    public enum GcStackSlotBase : byte
    {
        /// <summary>GC_CALLER_SP_REL: the caller's SP, i.e. the frame's CFA (the address just above the return address).</summary>
        CallerSpRelative = 0,
        /// <summary>GC_SP_REL: the frame's own SP at the code offset.</summary>
        SpRelative = 1,
        /// <summary>GC_FRAMEREG_REL: the value of the frame register (<see cref="GcInfoDecoder.StackBaseRegister"/>, RBP for ilc).</summary>
        FrameRegisterRelative = 2,
    }

    /// <summary>
    /// How the frame being enumerated is to be treated (the ICodeManagerFlags of dotnet/runtime gcinfodecoder.h that
    /// <c>GcInfoDecoder::EnumerateLiveSlots</c> honours; same values).
    /// </summary>
    [Flags]
    public enum CodeManagerFlags : uint
    {
        /// <summary>No flag: a caller frame stopped at a call, execution to resume there.</summary>
        None = 0,
        /// <summary>The leaf frame, stopped at an arbitrary (interruptible) instruction: scratch registers and slots in the outgoing/scratch area are reported too.</summary>
        ActiveStackFrame = 0x1,
        /// <summary>The method will not resume here (a fault in it is being dispatched): only interruptible-range information applies, call-site information is ignored.</summary>
        ExecutionAborted = 0x2,
        /// <summary>A funclet of this frame was already reported: report nothing if the method wants to be reported only once (<see cref="GcInfoDecoder.WantsReportOnlyLeaf"/>), and never its untracked slots.</summary>
        ParentOfFuncletStackFrame = 0x40,
        /// <summary>Do not report untracked slots (NativeAOT passes it for filter funclets: the parent frame, still live below, reports them).</summary>
        NoReportUntracked = 0x80,
        /// <summary>Report only frame-register-relative stack slots.</summary>
        ReportFPBasedSlotsOnly = 0x200,
    }

    /// <summary>
    /// One live GC slot as <see cref="GcInfoDecoder.EnumerateLiveSlots"/> reports it: a register or a stack location
    /// described relative to a base. The decoder never reads the stack; the caller resolves the location.
    /// </summary>
    public struct GcSlotReport
    {
        /// <summary>True: <see cref="Register"/> holds the slot. False: the stack at <see cref="Base"/> + <see cref="StackOffset"/>.</summary>
        public bool IsRegister;
        /// <summary>GCInfo AMD64 register number (the x86-64 encoding): 0 RAX, 1 RCX, 2 RDX, 3 RBX, 5 RBP, 6 RSI, 7 RDI, 8–15 R8–R15 (never 4, RSP).</summary>
        public int Register;
        /// <summary>Base of a stack slot.</summary>
        public GcStackSlotBase Base;
        /// <summary>Signed byte offset of a stack slot from <see cref="Base"/> (a multiple of 8).</summary>
        public int StackOffset;
        /// <summary>Interior / pinned / untracked.</summary>
        public GcSlotFlags Flags;
        /// <summary>
        /// Only for a stack slot of a non-active frame whose base is not SP while the method has an outgoing/scratch area:
        /// the decoder cannot tell whether it lies in that area (CoreCLR compares the resolved address), so the caller must
        /// skip it if its address is below SP + <see cref="GcInfoDecoder.SizeOfStackOutgoingAndScratchArea"/>.
        /// SP-relative slots are filtered by the decoder itself.
        /// </summary>
        public bool CheckScratchArea;
        /// <summary>Index of the slot in the method's slot table (registers, then tracked stack slots, then untracked ones).</summary>
        public uint SlotIndex;
    }

    /// <summary>
    /// Decoder of the GC info RyuJIT emits for AMD64 and ilc stores after each main body's unwind block flags in
    /// .dotnet_eh_table (<see cref="ExceptionHandling.CodeManager.GcInfo"/>). Format: dotnet/runtime
    /// src/coreclr/vm/gcinfodecoder.cpp and src/coreclr/gcinfo/gcinfoencoder.cpp, <b>GCINFO_VERSION 4</b> (.NET 10:
    /// the version 3 layout without the ReturnKind bits; the former PSPSym header bit is unused), AMD64 encoding bases of
    /// src/coreclr/inc/gcinfotypes.h. A little-endian bit stream, least significant bit first:
    /// <list type="bullet">
    /// <item>header: slim (bit 0 = 0; one bit "frame register is RBP", code length) or fat (bit 0 = 1, 10 flag bits, code
    /// length, prolog/epilog sizes, GS cookie, generics context, stack base register, EnC area, reverse P/Invoke frame
    /// slot, outgoing/scratch area size); then the number of safe points and (fat) of interruptible ranges;</item>
    /// <item>safe points: sorted code offsets of the <i>return address</i> of each call (measured on ilc 10.0.12 output: every
    /// safe point is the address after a call instruction; GCINFO_VERSION 2/3 decoders looked up return address − 1),
    /// ceil(log2(code length)) bits each;</item>
    /// <item>interruptible ranges: delta-encoded [start, stop) pairs;</item>
    /// <item>slot table: registers, tracked stack slots, untracked stack slots;</item>
    /// <item>live states at safe points (one bit vector per safe point, or an indirection table into RLE/bit vectors),
    /// then for fully interruptible code 64-byte chunks of lifetime transitions.</item>
    /// </list>
    /// Allocation-free and exception-free: every method returns false on data it does not understand (and then
    /// <see cref="Error"/> names the check); it reads only the GC info bytes. Code offsets are bytes from the start of the
    /// method's main body (funclets are covered by the main body's GC info: its code length spans them).
    /// </summary>
    public unsafe struct GcInfoDecoder
    {
        // ---------------------------------------------------------------- AMD64 encoding (gcinfotypes.h, AMD64GcInfoEncoding)

        /// <summary>The GC info format this decoder reads.</summary>
        public const int GcInfoVersion = 4;

        private const int CodeLengthEncBase = 8;
        private const int NormPrologSizeEncBase = 5;
        private const int NormEpilogSizeEncBase = 3;
        private const int GsCookieStackSlotEncBase = 6;
        private const int GenericsInstContextStackSlotEncBase = 6;
        private const int StackBaseRegisterEncBase = 3;
        private const int SizeOfEditAndContinuePreservedAreaEncBase = 4;
        private const int ReversePInvokeFrameEncBase = 6;
        private const int SizeOfStackAreaEncBase = 3;
        private const int NumSafePointsEncBase = 2;
        private const int NumInterruptibleRangesEncBase = 1;
        private const int InterruptibleRangeDelta1EncBase = 6;
        private const int InterruptibleRangeDelta2EncBase = 6;
        private const int NumRegistersEncBase = 2;
        private const int NumStackSlotsEncBase = 2;
        private const int NumUntrackedSlotsEncBase = 1;
        private const int RegisterEncBase = 3;
        private const int RegisterDeltaEncBase = 2;
        private const int StackSlotEncBase = 6;
        private const int StackSlotDeltaEncBase = 4;
        private const int PointerSizeEncBase = 3;
        private const int LiveStateRleRunEncBase = 2;
        private const int LiveStateRleSkipEncBase = 4;
        private const int NumNormCodeOffsetsPerChunk = 64;
        private const int NumNormCodeOffsetsPerChunkLog2 = 6;
        private const int FlagsBitSize = 10;                      // GC_INFO_FLAGS_BIT_SIZE

        // GcInfoHeaderFlags (gcinfodecoder.h)
        /// <summary>GC_INFO_IS_VARARG.</summary>
        public const uint FlagIsVarArg = 0x1;
        /// <summary>Formerly GC_INFO_HAS_SECURITY_OBJECT; always 0.</summary>
        public const uint FlagUnusedSecurityObject = 0x2;
        /// <summary>GC_INFO_HAS_GS_COOKIE.</summary>
        public const uint FlagHasGsCookie = 0x4;
        /// <summary>Formerly GC_INFO_HAS_PSP_SYM (no PSPSym since .NET 10); rejected when set.</summary>
        public const uint FlagUnusedPspSym = 0x8;
        /// <summary>GC_INFO_HAS_GENERICS_INST_CONTEXT_MASK: 0 none, 0x10 MethodTable, 0x20 MethodDesc, 0x30 this.</summary>
        public const uint FlagGenericsInstContextMask = 0x30;
        /// <summary>GC_INFO_HAS_STACK_BASE_REGISTER.</summary>
        public const uint FlagHasStackBaseRegister = 0x40;
        /// <summary>GC_INFO_WANTS_REPORT_ONLY_LEAF (AMD64).</summary>
        public const uint FlagWantsReportOnlyLeaf = 0x80;
        /// <summary>GC_INFO_HAS_EDIT_AND_CONTINUE_INFO.</summary>
        public const uint FlagHasEditAndContinueInfo = 0x100;
        /// <summary>GC_INFO_REVERSE_PINVOKE_FRAME.</summary>
        public const uint FlagReversePInvokeFrame = 0x200;

        /// <summary>NO_STACK_BASE_REGISTER.</summary>
        public const uint NoStackBaseRegister = 0xFFFFFFFF;
        /// <summary>NO_GS_COOKIE, NO_GENERICS_INST_CONTEXT, NO_REVERSE_PINVOKE_FRAME: "no such slot" (stack slots are 8-byte aligned).</summary>
        public const int NoStackSlot = -1;
        /// <summary>NO_SIZE_OF_EDIT_AND_CONTINUE_PRESERVED_AREA.</summary>
        public const uint NoEditAndContinueArea = 0xFFFFFFFF;

        /// <summary>Registers the System V AMD64 ABI preserves across calls (RBX, RBP, R12–R15); the others are scratch.</summary>
        private const uint PreservedRegisterMask = (1u << 3) | (1u << 5) | (1u << 12) | (1u << 13) | (1u << 14) | (1u << 15);

        // Sanity limits for data the decoder cannot bound otherwise (the blob has no length).
        private const ulong MaxBits = 1UL << 27;                 // 16 MiB of GC info
        private const uint MaxSlots = 1u << 20;
        private const uint MaxCodeLength = 1u << 28;

        // ---------------------------------------------------------------- state

        private byte* _data;
        private string _error;

        /// <summary>The GC info blob.</summary>
        public byte* Data => _data;
        /// <summary>What the last failing call found wrong (null when nothing failed).</summary>
        public string Error => _error;

        /// <summary>True for the slim header (nothing special: partially interruptible, no outgoing area recorded, maybe RBP frame).</summary>
        public bool IsSlimHeader;
        /// <summary>The header flag bits (FlagXxx); a slim header yields 0 or <see cref="FlagHasStackBaseRegister"/>.</summary>
        public uint HeaderFlags;
        /// <summary>Bytes of code the GC info covers: the main body and its funclets.</summary>
        public uint CodeLength;
        /// <summary>
        /// Prolog size in bytes when the method has a GS cookie or a generics context (else 0): the context is valid from
        /// here on (GetPrologSize). With a GS cookie, [ValidRangeStart, ValidRangeEnd) is where the cookie is valid.
        /// </summary>
        public uint ValidRangeStart, ValidRangeEnd;
        /// <summary>Stack slot of the GS cookie (byte offset from the frame register, or SP without one), or <see cref="NoStackSlot"/>.</summary>
        public int GSCookieStackSlot;
        /// <summary>Stack slot of the generics instantiation context, or <see cref="NoStackSlot"/>.</summary>
        public int GenericsInstContextStackSlot;
        /// <summary>GCInfo register number of the frame register (5 = RBP), or <see cref="NoStackBaseRegister"/>.</summary>
        public uint StackBaseRegister;
        /// <summary>Edit-and-continue preserved area (not produced by ilc), or <see cref="NoEditAndContinueArea"/>.</summary>
        public uint SizeOfEditAndContinuePreservedArea;
        /// <summary>Stack slot of the reverse P/Invoke frame (byte offset from the frame register, or SP without one), or <see cref="NoStackSlot"/>.</summary>
        public int ReversePInvokeFrameStackSlot;
        /// <summary>Bytes of outgoing-argument/scratch area at the bottom of the frame ([SP, SP + size)); 0 for a slim header.</summary>
        public uint SizeOfStackOutgoingAndScratchArea;
        /// <summary>Number of safe points (call sites with recorded live state).</summary>
        public uint NumSafePoints;
        /// <summary>Number of fully interruptible code ranges.</summary>
        public uint NumInterruptibleRanges;
        /// <summary>Slot table counts: registers, tracked stack slots, untracked stack slots.</summary>
        public uint NumRegisters, NumStackSlots, NumUntrackedSlots;

        private ulong _safePointsPos;       // bit position of the safe point offsets
        private int _bitsPerSafePoint;
        private ulong _rangesPos;           // bit position of the interruptible ranges
        private ulong _slotTablePos;        // bit position of the slot table (after its counts)
        private ulong _liveStatePos;        // bit position after the slot table
        private uint _totalInterruptibleLength;

        /// <summary>The method has a generics context (any kind).</summary>
        public bool HasGenericsInstContext => (HeaderFlags & FlagGenericsInstContextMask) != 0;
        /// <summary>The generics context is a MethodDesc (instantiating stub argument).</summary>
        public bool HasMethodDescGenericsInstContext => (HeaderFlags & FlagGenericsInstContextMask) == 0x20;
        /// <summary>The generics context is a MethodTable.</summary>
        public bool HasMethodTableGenericsInstContext => (HeaderFlags & FlagGenericsInstContextMask) == 0x10;
        /// <summary>The method is a reverse P/Invoke ([UnmanagedCallersOnly]) with a transition frame at <see cref="ReversePInvokeFrameStackSlot"/>.</summary>
        public bool HasReversePInvokeFrame => (HeaderFlags & FlagReversePInvokeFrame) != 0;
        /// <summary>Funclets and their parent are reported once (the leaf); CoreCLR's decoder then skips a ParentOfFuncletStackFrame.</summary>
        public bool WantsReportOnlyLeaf => (HeaderFlags & FlagWantsReportOnlyLeaf) != 0;
        /// <summary>A varargs method.</summary>
        public bool IsVarArg => (HeaderFlags & FlagIsVarArg) != 0;
        /// <summary>The number of slots in the table.</summary>
        public uint NumSlots => NumRegisters + NumStackSlots + NumUntrackedSlots;
        /// <summary>Tracked slots (registers and tracked stack slots).</summary>
        public uint NumTracked => NumRegisters + NumStackSlots;
        /// <summary>Bytes of GC info read by a full decode (header to the end of the slot table; the live-state data follows).</summary>
        public ulong HeaderAndSlotTableBits => _liveStatePos;

        // ---------------------------------------------------------------- header

        /// <summary>
        /// Decodes the header, the safe point count, the interruptible ranges and the slot table of the GC info at
        /// <paramref name="gcInfo"/> and checks them for consistency. False (with <see cref="Error"/>) on malformed or unsupported data.
        /// </summary>
        public bool Initialize(byte* gcInfo)
        {
            this = default;
            _data = gcInfo;
            if (gcInfo == null) return Fail("GC info: null blob");
            var r = new BitReader(gcInfo, 0);
            IsSlimHeader = r.Read(1) == 0;
            ValidRangeStart = ValidRangeEnd = 0;
            GSCookieStackSlot = NoStackSlot;
            GenericsInstContextStackSlot = NoStackSlot;
            ReversePInvokeFrameStackSlot = NoStackSlot;
            SizeOfEditAndContinuePreservedArea = NoEditAndContinueArea;
            StackBaseRegister = NoStackBaseRegister;
            if (IsSlimHeader)
            {
                if (r.Read(1) != 0)
                {
                    HeaderFlags = FlagHasStackBaseRegister;
                    StackBaseRegister = 5;                          // normalized 0 = RBP
                }
                CodeLength = (uint)r.DecodeVarLengthUnsigned(CodeLengthEncBase);
            }
            else
            {
                HeaderFlags = (uint)r.Read(FlagsBitSize);
                if ((HeaderFlags & FlagUnusedSecurityObject) != 0) return Fail("GC info: header flag 0x2 (former security object) set");
                if ((HeaderFlags & FlagUnusedPspSym) != 0) return Fail("GC info: header flag 0x8 (PSPSym, not in GCINFO_VERSION 4) set");
                CodeLength = (uint)r.DecodeVarLengthUnsigned(CodeLengthEncBase);
                if ((HeaderFlags & FlagHasGsCookie) != 0)
                {
                    uint prolog = (uint)r.DecodeVarLengthUnsigned(NormPrologSizeEncBase) + 1;
                    uint epilog = (uint)r.DecodeVarLengthUnsigned(NormEpilogSizeEncBase);
                    if (prolog >= CodeLength || epilog >= CodeLength - prolog) return Fail("GC info: GS cookie range outside the code");
                    ValidRangeStart = prolog;
                    ValidRangeEnd = CodeLength - epilog;
                }
                else if (HasGenericsInstContext)
                {
                    uint prolog = (uint)r.DecodeVarLengthUnsigned(NormPrologSizeEncBase) + 1;
                    if (prolog >= CodeLength) return Fail("GC info: prolog longer than the code");
                    ValidRangeStart = prolog;
                    ValidRangeEnd = prolog + 1;
                }
                if ((HeaderFlags & FlagHasGsCookie) != 0)
                    GSCookieStackSlot = (int)r.DecodeVarLengthSigned(GsCookieStackSlotEncBase) << 3;
                if (HasGenericsInstContext)
                    GenericsInstContextStackSlot = (int)r.DecodeVarLengthSigned(GenericsInstContextStackSlotEncBase) << 3;
                if ((HeaderFlags & FlagHasStackBaseRegister) != 0)
                    StackBaseRegister = (uint)r.DecodeVarLengthUnsigned(StackBaseRegisterEncBase) ^ 5;
                if ((HeaderFlags & FlagHasEditAndContinueInfo) != 0)
                    SizeOfEditAndContinuePreservedArea = (uint)r.DecodeVarLengthUnsigned(SizeOfEditAndContinuePreservedAreaEncBase);
                if ((HeaderFlags & FlagReversePInvokeFrame) != 0)
                    ReversePInvokeFrameStackSlot = (int)r.DecodeVarLengthSigned(ReversePInvokeFrameEncBase) << 3;
                SizeOfStackOutgoingAndScratchArea = (uint)r.DecodeVarLengthUnsigned(SizeOfStackAreaEncBase) << 3;
            }
            if (r.Failed) return Fail(r.Error);
            if (CodeLength == 0 || CodeLength > MaxCodeLength) return Fail("GC info: implausible code length");
            if (StackBaseRegister != NoStackBaseRegister && (StackBaseRegister > 15 || StackBaseRegister == 4))
                return Fail("GC info: invalid stack base register");

            NumSafePoints = (uint)r.DecodeVarLengthUnsigned(NumSafePointsEncBase);
            if (!IsSlimHeader) NumInterruptibleRanges = (uint)r.DecodeVarLengthUnsigned(NumInterruptibleRangesEncBase);
            if (r.Failed) return Fail(r.Error);
            if (NumSafePoints > CodeLength || NumInterruptibleRanges > CodeLength) return Fail("GC info: more safe points or ranges than code bytes");

            // Safe points: ascending offsets below the code length.
            _bitsPerSafePoint = CeilOfLog2(CodeLength);
            _safePointsPos = r.Position;
            uint previous = 0;
            for (uint i = 0; i < NumSafePoints; i++)
            {
                uint offset = (uint)r.Read(_bitsPerSafePoint);
                if (offset >= CodeLength || (i > 0 && offset <= previous)) return Fail("GC info: safe points out of order or outside the code");
                previous = offset;
            }

            // Interruptible ranges: [start, stop) ascending, disjoint, inside the code.
            _rangesPos = r.Position;
            uint lastStop = 0;
            for (uint i = 0; i < NumInterruptibleRanges; i++)
            {
                ulong start = lastStop + r.DecodeVarLengthUnsigned(InterruptibleRangeDelta1EncBase);
                ulong stop = start + r.DecodeVarLengthUnsigned(InterruptibleRangeDelta2EncBase) + 1;
                if (r.Failed) return Fail(r.Error);
                if (stop > CodeLength) return Fail("GC info: interruptible range outside the code");
                _totalInterruptibleLength += (uint)(stop - start);
                lastStop = (uint)stop;
            }

            // Slot table counts, then every slot once to validate it and to find the live-state data behind it.
            if (r.Read(1) != 0) NumRegisters = (uint)r.DecodeVarLengthUnsigned(NumRegistersEncBase);
            if (r.Read(1) != 0)
            {
                NumStackSlots = (uint)r.DecodeVarLengthUnsigned(NumStackSlotsEncBase);
                NumUntrackedSlots = (uint)r.DecodeVarLengthUnsigned(NumUntrackedSlotsEncBase);
            }
            if (r.Failed) return Fail(r.Error);
            if (NumRegisters > MaxSlots || NumStackSlots > MaxSlots || NumUntrackedSlots > MaxSlots) return Fail("GC info: implausible slot counts");
            _slotTablePos = r.Position;
            var cursor = new SlotCursor(r, NumRegisters, NumStackSlots, NumUntrackedSlots);
            for (uint i = 0; i < NumSlots; i++)
                if (!cursor.Next()) return Fail(cursor.Reader.Failed ? cursor.Reader.Error : "GC info: invalid slot (register number or stack base)");
            _liveStatePos = cursor.Reader.Position;
            return true;
        }

        private bool Fail(string error)
        {
            _error = error;
            return false;
        }

        /// <summary>ceil(log2(x)) for x ≥ 1 (CeilOfLog2 of gcinfotypes.h): the bits of one safe point offset.</summary>
        private static int CeilOfLog2(uint x)
        {
            int bits = 0;
            while ((1UL << bits) < x) bits++;
            return bits;
        }

        // ---------------------------------------------------------------- safe points and interruptibility

        /// <summary>
        /// Index of the safe point recorded at <paramref name="encodedOffset"/> (a call's return address offset), or
        /// <see cref="NumSafePoints"/> when there is none (FindSafePoint).
        /// </summary>
        private uint FindSafePoint(uint encodedOffset)
        {
            uint lo = 0, hi = NumSafePoints;
            while (lo < hi)
            {
                uint mid = (lo + hi) / 2;
                var r = new BitReader(_data, _safePointsPos + (ulong)mid * (ulong)_bitsPerSafePoint);
                uint offset = (uint)r.Read(_bitsPerSafePoint);
                if (offset == encodedOffset) return mid;
                if (offset < encodedOffset) lo = mid + 1; else hi = mid;
            }
            return NumSafePoints;
        }

        /// <summary>
        /// True when <paramref name="returnAddressOffset"/> — the code offset of a return address, as in a caller frame —
        /// is a safe point (IsSafePoint(UINT32) of gcinfodecoder.cpp). GCINFO_VERSION 4 records the return address offset
        /// itself (no −1 adjustment; measured on ilc 10.0.12), and the live state there holds at the return address
        /// instruction too, so a thread interrupted exactly there can be reported with it.
        /// </summary>
        public bool IsSafePoint(uint returnAddressOffset)
        {
            if (NumSafePoints == 0) return false;
            return FindSafePoint(returnAddressOffset) != NumSafePoints;
        }

        /// <summary>Code offset of safe point <paramref name="index"/>: the return address of a call (0 when out of range).</summary>
        public uint GetSafePointOffset(uint index)
        {
            if (index >= NumSafePoints) return 0;
            var r = new BitReader(_data, _safePointsPos + (ulong)index * (ulong)_bitsPerSafePoint);
            return (uint)r.Read(_bitsPerSafePoint);
        }

        /// <summary>Interruptible range <paramref name="index"/> as [start, stop) code offsets; false when out of range.</summary>
        public bool GetInterruptibleRange(uint index, out uint start, out uint stop)
        {
            start = stop = 0;
            if (index >= NumInterruptibleRanges) return false;
            var r = new BitReader(_data, _rangesPos);
            uint lastStop = 0;
            for (uint i = 0; i <= index; i++)
            {
                start = lastStop + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta1EncBase);
                stop = start + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta2EncBase) + 1;
                lastStop = stop;
            }
            return true;
        }

        /// <summary>
        /// Calls <paramref name="callback"/>(context, start, stop) for every interruptible range [start, stop) in code
        /// order until it returns true (EnumerateInterruptibleRanges).
        /// </summary>
        public void EnumerateInterruptibleRanges(delegate*<void*, uint, uint, bool> callback, void* context)
        {
            var r = new BitReader(_data, _rangesPos);
            uint lastStop = 0;
            for (uint i = 0; i < NumInterruptibleRanges; i++)
            {
                uint start = lastStop + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta1EncBase);
                uint stop = start + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta2EncBase) + 1;
                if (callback(context, start, stop)) return;
                lastStop = stop;
            }
        }

        /// <summary>
        /// True when the instruction at <paramref name="codeOffset"/> lies in a fully interruptible range (GC info
        /// describes every register and slot there: a thread can be stopped at it and enumerated as the active frame).
        /// Prologs and epilogs are outside the ranges.
        /// </summary>
        public bool IsInterruptible(uint codeOffset)
        {
            var r = new BitReader(_data, _rangesPos);
            uint lastStop = 0;
            for (uint i = 0; i < NumInterruptibleRanges; i++)
            {
                uint start = lastStop + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta1EncBase);
                uint stop = start + (uint)r.DecodeVarLengthUnsigned(InterruptibleRangeDelta2EncBase) + 1;
                if (codeOffset < start) return false;
                if (codeOffset < stop) return true;
                lastStop = stop;
            }
            return false;
        }

        // ---------------------------------------------------------------- live slots

        /// <summary>
        /// Reports the GC slots live at <paramref name="codeOffset"/> (EnumerateLiveSlots of gcinfodecoder.cpp, as
        /// NativeAOT's UnixNativeCodeManager::EnumGcRefs drives it): the tracked slots live there — from the safe point's
        /// live state when <paramref name="codeOffset"/> is a safe point (and the frame is not aborted), else from the
        /// interruptible range's lifetime transitions — then every untracked slot.
        /// <para><paramref name="codeOffset"/> convention (GCINFO_VERSION 4): for a frame stopped at a call (not the active
        /// frame) pass the <b>return address</b> offset itself — safe points are recorded there, not at return address − 1
        /// as NativeAOT 9's UnixNativeCodeManager::EnumGcRefs looked them up; for the active frame the offset of the
        /// interrupted instruction (a safe point too if it is a return address, else it must be interruptible).</para>
        /// <para>Flags (<see cref="CodeManagerFlags"/>): without ActiveStackFrame scratch registers (RAX, RCX, RDX, RSI,
        /// RDI, R8–R11) and SP-relative slots in the outgoing/scratch area are not reported; ExecutionAborted ignores
        /// call-site data and reports nothing tracked (nor untracked) outside interruptible ranges when the method has
        /// some; ParentOfFuncletStackFrame reports nothing when <see cref="WantsReportOnlyLeaf"/>, and no untracked slots;
        /// NoReportUntracked suppresses untracked slots; ReportFPBasedSlotsOnly reports frame-register-relative slots only.</para>
        /// False (with <see cref="Error"/>) on malformed live-state data; slots reported before the failure were reported.
        /// </summary>
        public bool EnumerateLiveSlots(uint codeOffset, CodeManagerFlags flags, delegate*<void*, in GcSlotReport, void> callback, void* context)
        {
            if (_data == null) return Fail("GC info: decoder not initialized");
            bool aborted = (flags & CodeManagerFlags.ExecutionAborted) != 0;
            if (WantsReportOnlyLeaf && (flags & CodeManagerFlags.ParentOfFuncletStackFrame) != 0) return true;

            uint safePointIndex = NumSafePoints == 0 ? 0 : FindSafePoint(codeOffset);
            bool atSafePoint = NumSafePoints != 0 && safePointIndex != NumSafePoints && !aborted;

            // Where the offset falls in the interruptible ranges, as an offset into their concatenation.
            uint pseudoBreakOffset = 0;
            if (!atSafePoint && NumInterruptibleRanges != 0)
            {
                bool found = false;
                var rr = new BitReader(_data, _rangesPos);
                uint lastStop = 0, cumulative = 0;
                for (uint i = 0; i < NumInterruptibleRanges; i++)
                {
                    uint start = lastStop + (uint)rr.DecodeVarLengthUnsigned(InterruptibleRangeDelta1EncBase);
                    uint length = (uint)rr.DecodeVarLengthUnsigned(InterruptibleRangeDelta2EncBase) + 1;
                    if (codeOffset >= start && codeOffset < start + length)
                    {
                        pseudoBreakOffset = cumulative + codeOffset - start;
                        found = true;
                    }
                    cumulative += length;
                    lastStop = start + length;
                }
                // Outside every range: an aborted frame reports nothing at all (not even untracked slots); for a frame
                // that resumes here the caller's offset is wrong (CoreCLR asserts): fail rather than under-report.
                if (!found)
                {
                    if (aborted) return true;
                    return Fail("GC info: the code offset is neither a safe point nor in an interruptible range");
                }
            }

            uint numTracked = NumTracked;
            if (numTracked == 0) return ReportUntracked(flags, callback, context);

            var r = new BitReader(_data, _liveStatePos);
            var slots = new SlotCursor(new BitReader(_data, _slotTablePos), NumRegisters, NumStackSlots, NumUntrackedSlots);

            int bitsPerLiveStateOffset = 0;
            if (NumSafePoints > 0 && r.Read(1) != 0)
                bitsPerLiveStateOffset = (int)r.DecodeVarLengthUnsigned(PointerSizeEncBase) + 1;
            if (r.Failed) return Fail(r.Error);

            if (atSafePoint)
            {
                if (bitsPerLiveStateOffset != 0)
                {
                    if (bitsPerLiveStateOffset > 32) return Fail("GC info: live state pointer wider than 32 bits");
                    ulong tablePos = r.Position;
                    r.Position = tablePos + (ulong)safePointIndex * (ulong)bitsPerLiveStateOffset;
                    ulong liveStateOffset = r.Read(bitsPerLiveStateOffset);
                    ulong liveStatesStart = (tablePos + (ulong)NumSafePoints * (ulong)bitsPerLiveStateOffset + 7) & ~7UL;
                    r.Position = liveStatesStart + liveStateOffset;
                    if (r.Read(1) != 0)
                    {
                        if (!ReportRle(ref r, ref slots, numTracked, flags, callback, context)) return false;
                        return ReportUntracked(flags, callback, context);
                    }
                    // else a plain bit vector follows the marker bit
                }
                else
                {
                    r.Position += (ulong)safePointIndex * numTracked;
                }
                for (uint i = 0; i < numTracked; i++)
                {
                    if (r.Read(1) != 0 && !ReportTracked(ref slots, i, flags, callback, context)) return false;
                }
                if (r.Failed) return Fail(r.Error);
                return ReportUntracked(flags, callback, context);
            }

            // Not at a safe point: the safe points' bit vectors are skipped (an indirection table is never combined
            // with interruptible ranges by the encoder: all call sites inside ranges are dropped).
            if (NumInterruptibleRanges == 0) return ReportUntracked(flags, callback, context);
            if (bitsPerLiveStateOffset != 0) return Fail("GC info: safe point indirection together with interruptible ranges");
            r.Position += (ulong)NumSafePoints * numTracked;

            uint numChunks = (_totalInterruptibleLength + NumNormCodeOffsetsPerChunk - 1) / NumNormCodeOffsetsPerChunk;
            uint breakChunk = pseudoBreakOffset / NumNormCodeOffsetsPerChunk;
            int bitsPerChunkPointer = (int)r.DecodeVarLengthUnsigned(PointerSizeEncBase);
            if (r.Failed) return Fail(r.Error);
            if (bitsPerChunkPointer == 0) return ReportUntracked(flags, callback, context);
            if (bitsPerChunkPointer > 32) return Fail("GC info: chunk pointer wider than 32 bits");

            ulong pointerTablePos = r.Position;
            uint chunk = breakChunk;
            ulong chunkPointer;
            for (;;)
            {
                r.Position = pointerTablePos + (ulong)chunk * (ulong)bitsPerChunkPointer;
                chunkPointer = r.Read(bitsPerChunkPointer);
                if (chunkPointer != 0) break;
                if (chunk == 0) return ReportUntracked(flags, callback, context);     // nothing live before any transition
                chunk--;
            }
            ulong chunksStart = (pointerTablePos + (ulong)numChunks * (ulong)bitsPerChunkPointer + 7) & ~7UL;
            r.Position = chunksStart + chunkPointer - 1;

            // The chunk: which slots could be live in it (bit vector or RLE), their states at the chunk's end, then
            // per such slot its transitions (1, 6-bit offset in the chunk) ended by a 0 bit.
            BitReader couldBeLive = r;
            uint numCouldBeLive = 0;
            if (r.Read(1) != 0)
            {
                bool skip = r.Read(1) == 0;
                bool live = false;
                uint read = (uint)r.DecodeVarLengthUnsigned(skip ? LiveStateRleSkipEncBase : LiveStateRleRunEncBase);
                skip = !skip;
                live = true;
                while (read < numTracked && !r.Failed)
                {
                    uint count = (uint)r.DecodeVarLengthUnsigned(skip ? LiveStateRleSkipEncBase : LiveStateRleRunEncBase) + 1;
                    if (live) numCouldBeLive += count;
                    read += count;
                    skip = !skip;
                    live = !live;
                }
                if (read != numTracked) return Fail("GC info: RLE slot vector does not add up to the slot count");
            }
            else
            {
                for (uint i = 0; i < numTracked; i++) numCouldBeLive += (uint)r.Read(1);
            }
            if (r.Failed) return Fail(r.Error);
            if (numCouldBeLive == 0) return Fail("GC info: empty chunk");

            BitReader finalState = r;
            r.Position += numCouldBeLive;
            uint breakDelta = pseudoBreakOffset % NumNormCodeOffsetsPerChunk;

            bool simple = couldBeLive.Read(1) == 0;
            bool skipFirst = false;
            uint slotIndex = 0, run = 0;
            if (!simple)
            {
                skipFirst = couldBeLive.Read(1) == 0;
                slotIndex = uint.MaxValue;                 // −1: the first skip count is relative to it
            }
            for (uint i = 0; i < numCouldBeLive; i++)
            {
                if (simple)
                {
                    while (couldBeLive.Read(1) == 0 && !couldBeLive.Failed) slotIndex++;
                }
                else if (run > 0)
                {
                    run--;
                }
                else if (skipFirst)
                {
                    slotIndex += (uint)couldBeLive.DecodeVarLengthUnsigned(LiveStateRleSkipEncBase) + 1;
                    run = (uint)couldBeLive.DecodeVarLengthUnsigned(LiveStateRleRunEncBase);
                }
                else
                {
                    slotIndex += (uint)couldBeLive.DecodeVarLengthUnsigned(LiveStateRleRunEncBase) + 1;
                    run = (uint)couldBeLive.DecodeVarLengthUnsigned(LiveStateRleSkipEncBase);
                }
                if (couldBeLive.Failed) return Fail(couldBeLive.Error);
                if (slotIndex >= numTracked) return Fail("GC info: chunk names a slot beyond the tracked slots");

                bool isLive = finalState.Read(1) != 0;
                if (chunk == breakChunk)
                {
                    // The final state holds at the chunk's end: undo the transitions after the break offset.
                    while (r.Read(1) != 0)
                    {
                        uint transition = (uint)r.Read(NumNormCodeOffsetsPerChunkLog2);
                        if (transition > breakDelta) isLive = !isLive;
                        if (r.Failed) return Fail(r.Error);
                    }
                }
                if (isLive && !ReportTracked(ref slots, slotIndex, flags, callback, context)) return false;
                slotIndex++;
            }
            if (r.Failed) return Fail(r.Error);
            return ReportUntracked(flags, callback, context);
        }

        /// <summary>A live state in RLE form, after its marker bit (see the encoder's GCINFO_WRITE_VAR_VECTOR).</summary>
        private bool ReportRle(ref BitReader r, ref SlotCursor slots, uint numTracked, CodeManagerFlags flags,
            delegate*<void*, in GcSlotReport, void> callback, void* context)
        {
            bool skip = r.Read(1) == 0;
            bool report = true;
            uint read = (uint)r.DecodeVarLengthUnsigned(skip ? LiveStateRleSkipEncBase : LiveStateRleRunEncBase);
            skip = !skip;
            while (read < numTracked)
            {
                uint count = (uint)r.DecodeVarLengthUnsigned(skip ? LiveStateRleSkipEncBase : LiveStateRleRunEncBase) + 1;
                if (r.Failed) return Fail(r.Error);
                if (count > numTracked - read) return Fail("GC info: RLE live state runs past the slot count");
                if (report)
                {
                    for (uint i = read; i < read + count; i++)
                        if (!ReportTracked(ref slots, i, flags, callback, context)) return false;
                }
                read += count;
                skip = !skip;
                report = !report;
            }
            if (read != numTracked) return Fail("GC info: RLE live state does not add up to the slot count");
            return true;
        }

        private bool ReportTracked(ref SlotCursor slots, uint index, CodeManagerFlags flags, delegate*<void*, in GcSlotReport, void> callback, void* context)
        {
            if (!slots.MoveTo(index)) return Fail(slots.Reader.Failed ? slots.Reader.Error : "GC info: slot index out of order");
            Report(ref slots, (flags & CodeManagerFlags.ActiveStackFrame) != 0, flags, callback, context);
            return true;
        }

        /// <summary>Reports every untracked slot unless the flags exclude them.</summary>
        private bool ReportUntracked(CodeManagerFlags flags, delegate*<void*, in GcSlotReport, void> callback, void* context)
        {
            if (NumUntrackedSlots == 0 || (flags & (CodeManagerFlags.ParentOfFuncletStackFrame | CodeManagerFlags.NoReportUntracked)) != 0) return true;
            var slots = new SlotCursor(new BitReader(_data, _slotTablePos), NumRegisters, NumStackSlots, NumUntrackedSlots);
            for (uint i = NumTracked; i < NumSlots; i++)
            {
                if (!slots.MoveTo(i)) return Fail("GC info: untracked slot table unreadable");
                Report(ref slots, true, flags, callback, context);   // untracked slots are never scratch
            }
            return true;
        }

        private void Report(ref SlotCursor s, bool reportScratch, CodeManagerFlags flags, delegate*<void*, in GcSlotReport, void> callback, void* context)
        {
            bool fpOnly = (flags & CodeManagerFlags.ReportFPBasedSlotsOnly) != 0;
            GcSlotReport report = default;
            report.SlotIndex = s.Index;
            report.Flags = (GcSlotFlags)s.Flags;
            if (s.Index < NumRegisters)
            {
                if (fpOnly) return;
                if (!reportScratch && (PreservedRegisterMask & (1u << (int)s.Register)) == 0) return;
                report.IsRegister = true;
                report.Register = (int)s.Register;
            }
            else
            {
                if (fpOnly && s.Base != GcStackSlotBase.FrameRegisterRelative) return;
                int offset = s.NormOffset << 3;
                if (!reportScratch && SizeOfStackOutgoingAndScratchArea != 0)
                {
                    if (s.Base == GcStackSlotBase.SpRelative)
                    {
                        if (offset >= 0 && (uint)offset < SizeOfStackOutgoingAndScratchArea) return;
                    }
                    else report.CheckScratchArea = true;
                }
                report.Base = s.Base;
                report.StackOffset = offset;
                if (s.Index >= NumTracked) report.Flags |= GcSlotFlags.Untracked;
            }
            callback(context, in report);
        }

        // ---------------------------------------------------------------- slot table

        /// <summary>Decodes the slot table in order (slots are delta-encoded against the previous one).</summary>
        private struct SlotCursor
        {
            public BitReader Reader;
            private readonly uint _numRegisters, _numStack, _numUntracked;
            /// <summary>Index of the slot decoded last (uint.MaxValue before the first).</summary>
            public uint Index;
            public uint Register;
            public GcStackSlotBase Base;
            public int NormOffset;
            public uint Flags;

            public SlotCursor(BitReader reader, uint numRegisters, uint numStack, uint numUntracked)
            {
                Reader = reader;
                _numRegisters = numRegisters;
                _numStack = numStack;
                _numUntracked = numUntracked;
                Index = uint.MaxValue;
                Register = 0;
                Base = 0;
                NormOffset = 0;
                Flags = 0;
            }

            /// <summary>Decodes up to slot <paramref name="index"/> (which must not be behind the cursor).</summary>
            public bool MoveTo(uint index)
            {
                if (Index != uint.MaxValue && index < Index) return false;
                while (Index != index)
                    if (!Next()) return false;
                return true;
            }

            /// <summary>Decodes the next slot; false on an invalid register or stack base, or a reader failure.</summary>
            public bool Next()
            {
                uint i = Index + 1;                       // wraps to 0 from uint.MaxValue
                if (i >= _numRegisters + _numStack + _numUntracked) return false;
                if (i < _numRegisters)
                {
                    if (i == 0 || Flags != 0)
                    {
                        Register = (uint)Reader.DecodeVarLengthUnsigned(RegisterEncBase);
                        Flags = (uint)Reader.Read(2);
                    }
                    else
                    {
                        Register += (uint)Reader.DecodeVarLengthUnsigned(RegisterDeltaEncBase) + 1;
                    }
                    if (Register > 15 || Register == 4) return false;
                }
                else
                {
                    bool first = i == _numRegisters || i == _numRegisters + _numStack;
                    uint b = (uint)Reader.Read(2);
                    if (b > 2) return false;
                    Base = (GcStackSlotBase)b;
                    if (first || Flags != 0)
                    {
                        NormOffset = (int)Reader.DecodeVarLengthSigned(StackSlotEncBase);
                        Flags = (uint)Reader.Read(2);
                    }
                    else
                    {
                        NormOffset += (int)Reader.DecodeVarLengthUnsigned(StackSlotDeltaEncBase);
                    }
                }
                Index = i;
                return !Reader.Failed;
            }
        }

        // ---------------------------------------------------------------- bit stream

        /// <summary>Reads the GC info bit stream: bit n is bit (n mod 8) of byte n / 8 (BitStreamReader; the encoder writes 64-bit words least significant bit first).</summary>
        private struct BitReader
        {
            private readonly byte* _data;
            public ulong Position;
            public bool Failed;
            public string Error;

            public BitReader(byte* data, ulong position)
            {
                _data = data;
                Position = position;
                Failed = false;
                Error = null;
            }

            /// <summary>Reads <paramref name="count"/> (0–64) bits.</summary>
            public ulong Read(int count)
            {
                if (count == 0) return 0;
                if ((uint)count > 64 || Position + (ulong)count > MaxBits)
                {
                    Fail("GC info: read past the plausible end of the blob");
                    return 0;
                }
                ulong result = 0;
                int got = 0;
                while (got < count)
                {
                    ulong pos = Position;
                    int bit = (int)(pos & 7);
                    int take = 8 - bit;
                    if (take > count - got) take = count - got;
                    ulong value = (ulong)(_data[pos >> 3] >> bit) & ((1UL << take) - 1);
                    result |= value << got;
                    got += take;
                    Position += (ulong)take;
                }
                return result;
            }

            /// <summary>
            /// A variable-length unsigned number: chunks of <paramref name="encBase"/> bits, least significant first, each
            /// followed by an extension bit (DecodeVarLengthUnsigned).
            /// </summary>
            public ulong DecodeVarLengthUnsigned(int encBase)
            {
                ulong result = 0;
                for (int shift = 0; ; shift += encBase)
                {
                    if (shift + encBase > 64) { Fail("GC info: variable-length number too long"); return 0; }
                    ulong chunk = Read(encBase + 1);
                    result |= (chunk & ((1UL << encBase) - 1)) << shift;
                    if ((chunk >> encBase) == 0 || Failed) return result;
                }
            }

            /// <summary>A variable-length signed number: as the unsigned form, sign-extended from its last chunk's top bit.</summary>
            public long DecodeVarLengthSigned(int encBase)
            {
                ulong result = 0;
                for (int shift = 0; ; shift += encBase)
                {
                    if (shift + encBase > 64) { Fail("GC info: variable-length number too long"); return 0; }
                    ulong chunk = Read(encBase + 1);
                    result |= (chunk & ((1UL << encBase) - 1)) << shift;
                    if ((chunk >> encBase) == 0 || Failed)
                    {
                        int unused = 64 - (shift + encBase);
                        return (long)(result << unused) >> unused;
                    }
                }
            }

            private void Fail(string error)
            {
                if (!Failed) Error = error;
                Failed = true;
            }
        }
    }
}
