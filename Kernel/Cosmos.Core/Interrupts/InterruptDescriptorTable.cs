using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Interrupts
{
    /// <summary>How the dispatcher calls the handler of an entry.</summary>
    internal enum HandlerKind : byte
    {
        None, Plain, ErrorCode, Selector, PageFault, Diverging, DivergingErrorCode,
    }

    /// <summary>
    /// One IDT entry: the gate options (IST index, DPL, gate type, present) and the managed handler
    /// the dispatcher calls for its vector. Every present gate points at the vector's X# entry stub
    /// (Kernel/Cosmos.Core/Asm/InterruptStubs.cs), so a vector without a handler still reaches the
    /// dispatcher, which reports it. Option changes are written to the gate at once.
    /// Handlers are static methods taken as function pointers: registering allocates nothing and
    /// the dispatch path allocates nothing.
    /// </summary>
    public abstract unsafe class IdtEntry
    {
        internal readonly InterruptDescriptorTable Table;
        internal void* Handler;
        internal HandlerKind Kind;

        /// <summary>The vector this entry describes (0–255).</summary>
        public int Vector { get; }
        /// <summary>Interrupt stack table index 1–7 the CPU switches to, or 0 for none (SDM Vol. 3A §6.14.5).</summary>
        public int StackIndex { get; private set; }
        /// <summary>Descriptor privilege level 0–3: the highest CPL allowed to reach this gate with INT n (SDM Vol. 3A §6.12.1.1).</summary>
        public int PrivilegeLevel { get; private set; }
        /// <summary>Interrupt gate (IF cleared on entry, the default) or trap gate.</summary>
        public GateType GateType { get; private set; } = GateType.Interrupt;
        /// <summary>Present bit; a not-present gate raises #NP (then usually #DF) when used.</summary>
        public bool Present { get; private set; } = true;
        /// <summary>
        /// True when the dispatcher signals end-of-interrupt after the handler ran (default: vectors
        /// 32–255). The acknowledgement goes to <see cref="InterruptDispatcher.EndOfInterrupt"/>,
        /// which the interrupt-controller driver (Cosmos.HAL) sets.
        /// </summary>
        public bool SendsEndOfInterrupt { get; set; }
        /// <summary>True when a handler is registered.</summary>
        public bool HasHandler => Handler != null;
        /// <summary>Address of the registered handler (0 when none), to tell whether a given handler is the one installed.</summary>
        public ulong HandlerAddress => (ulong)Handler;
        /// <summary>The linear address the gate points to (the entry stub unless <see cref="SetHandlerAddress"/> changed it).</summary>
        public ulong GateTarget { get; private set; }

        internal IdtEntry(InterruptDescriptorTable table, int vector)
        {
            Table = table;
            Vector = vector;
            SendsEndOfInterrupt = vector >= InterruptDescriptorTable.FirstIrqVector;
            GateTarget = InterruptDescriptorTable.StubAddress(vector);
            WriteGate();
        }

        /// <summary>Switches to IST stack <paramref name="index"/> (1–7) on entry, or 0 for none.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside 0..7.</exception>
        public IdtEntry SetStackIndex(int index)
        {
            if ((uint)index > 7) throw new ArgumentOutOfRangeException(nameof(index), "IST index must be 0 (none) or 1..7");
            StackIndex = index;
            WriteGate();
            return this;
        }

        /// <summary>Sets the DPL (0–3): software at CPL ≤ DPL may raise this vector with INT n.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="dpl"/> outside 0..3.</exception>
        public IdtEntry SetPrivilegeLevel(int dpl)
        {
            if ((uint)dpl > 3) throw new ArgumentOutOfRangeException(nameof(dpl), "DPL must be 0..3");
            PrivilegeLevel = dpl;
            WriteGate();
            return this;
        }

        /// <summary>True: interrupt gate (IF cleared on entry); false: trap gate (IF unchanged).</summary>
        public IdtEntry DisableInterrupts(bool disable)
        {
            GateType = disable ? GateType.Interrupt : GateType.Trap;
            WriteGate();
            return this;
        }

        /// <summary>Sets or clears the present bit.</summary>
        public IdtEntry SetPresent(bool present)
        {
            Present = present;
            WriteGate();
            return this;
        }

        /// <summary>
        /// Registers a handler that receives only the frame, for any vector, without the typed
        /// decoding of the named entries and without the "must not return" check of
        /// <see cref="DivergingEntry"/>. For tests and special cases; prefer the typed SetHandler.
        /// </summary>
        public IdtEntry SetRawHandler(delegate*<InterruptFrame*, void> handler)
        {
            Handler = handler;
            Kind = handler == null ? HandlerKind.None : HandlerKind.Plain;
            return this;
        }

        /// <summary>Removes the handler (the vector is then reported as unhandled, IRQs are counted and acknowledged).</summary>
        public void ClearHandler() { Handler = null; Kind = HandlerKind.None; }

        /// <summary>
        /// Points the gate at <paramref name="address"/> instead of the X# entry stub (0 restores the stub).
        /// The code there must end with IRETQ and preserve every register; the dispatcher is not involved.
        /// Used by the benchmark to compare against the bare save/restore stub.
        /// </summary>
        public void SetHandlerAddress(ulong address)
        {
            GateTarget = address == 0 ? InterruptDescriptorTable.StubAddress(Vector) : address;
            WriteGate();
        }

        internal void Set(void* handler, HandlerKind kind)
        {
            Handler = handler;
            Kind = handler == null ? HandlerKind.None : kind;
        }

        /// <summary>Writes the 16-byte 64-bit gate descriptor (Intel SDM Vol. 3A §6.14.1, Figure 6-8; <see cref="GateDescriptor.Encode"/>).</summary>
        private void WriteGate()
        {
            ulong* gate = Table.Gates + 2 * Vector;
            var d = GateDescriptor.Encode(GateTarget, InterruptDescriptorTable.CodeSelector, StackIndex, GateType, PrivilegeLevel, Present);
            gate[0] = d.Low;
            gate[1] = d.High;
        }

        /// <summary>The 16-byte descriptor as written (low qword, high qword), for tests.</summary>
        public void ReadGate(out ulong low, out ulong high)
        {
            ulong* gate = Table.Gates + 2 * Vector;
            low = gate[0];
            high = gate[1];
        }
    }

    /// <summary>An entry whose handler receives the frame only (exceptions without error code, IRQs).</summary>
    public sealed unsafe class Entry : IdtEntry
    {
        internal Entry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>; it may return (the stub then resumes at frame->RIP).</summary>
        public Entry SetHandler(delegate*<InterruptFrame*, void> handler) { Set(handler, HandlerKind.Plain); return this; }
    }

    /// <summary>An entry whose exception pushes an error code with no further structure (#AC, #CP, #VC, #SX).</summary>
    public sealed unsafe class ErrorCodeEntry : IdtEntry
    {
        internal ErrorCodeEntry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>(frame, error code).</summary>
        public ErrorCodeEntry SetHandler(delegate*<InterruptFrame*, ulong, void> handler) { Set(handler, HandlerKind.ErrorCode); return this; }
    }

    /// <summary>An entry whose error code is a segment selector (#TS, #NP, #SS, #GP).</summary>
    public sealed unsafe class SelectorErrorCodeEntry : IdtEntry
    {
        internal SelectorErrorCodeEntry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>(frame, decoded selector error code).</summary>
        public SelectorErrorCodeEntry SetHandler(delegate*<InterruptFrame*, SelectorErrorCode, void> handler) { Set(handler, HandlerKind.Selector); return this; }
    }

    /// <summary>The page-fault entry (#PF, vector 14).</summary>
    public sealed unsafe class PageFaultEntry : IdtEntry
    {
        internal PageFaultEntry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>(frame, decoded error code, CR2 = faulting linear address).</summary>
        public PageFaultEntry SetHandler(delegate*<InterruptFrame*, PageFaultErrorCode, ulong, void> handler) { Set(handler, HandlerKind.PageFault); return this; }
    }

    /// <summary>
    /// An entry whose handler must not return (#MC, vector 18: the interrupted state is not reliable,
    /// SDM Vol. 3A §6.15). If the handler returns, the dispatcher reports the exception and halts.
    /// </summary>
    public sealed unsafe class DivergingEntry : IdtEntry
    {
        internal DivergingEntry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>, which must not return (halt, reboot or switch away).</summary>
        public DivergingEntry SetHandler(delegate*<InterruptFrame*, void> handler) { Set(handler, HandlerKind.Diverging); return this; }
    }

    /// <summary>
    /// An entry with an error code whose handler must not return (#DF, vector 8: an abort, the
    /// error code is always 0 and the saved RIP is undefined, SDM Vol. 3A §6.15).
    /// </summary>
    public sealed unsafe class DivergingErrorCodeEntry : IdtEntry
    {
        internal DivergingErrorCodeEntry(InterruptDescriptorTable t, int v) : base(t, v) { }
        /// <summary>Registers <paramref name="handler"/>(frame, error code), which must not return.</summary>
        public DivergingErrorCodeEntry SetHandler(delegate*<InterruptFrame*, ulong, void> handler) { Set(handler, HandlerKind.DivergingErrorCode); return this; }
    }

    /// <summary>
    /// The interrupt descriptor table as a typed object (in the spirit of the x86_64 crate's
    /// <c>InterruptDescriptorTable</c>): one named entry per architectural exception (Intel SDM
    /// Vol. 3A §6.15, Table 6-1), each with the handler signature that fits it, and entries
    /// 32–255 for IRQs and software interrupts through the indexer. The 256 16-byte gates live in
    /// a 4 KiB block from <see cref="Heap.Alloc"/> (never moved or freed); <see cref="Load"/> makes
    /// this table the CPU's (LIDT) and the dispatcher's.
    /// </summary>
    public sealed unsafe class InterruptDescriptorTable
    {
        /// <summary>Kernel code segment selector every gate uses (GDT entry 1, set up by the boot path).</summary>
        public const ushort CodeSelector = Asm.BootProgram.KernelCodeSelector;
        /// <summary>First vector that is not reserved for exceptions (SDM Vol. 3A §6.2).</summary>
        public const int FirstIrqVector = ExceptionVector.FirstUserDefined;
        /// <summary>Number of gates.</summary>
        public const int VectorCount = 256;

        internal readonly ulong* Gates;
        internal readonly IdtEntry[] Entries = new IdtEntry[VectorCount];

        /// <summary>#DE, vector 0: DIV/IDIV by zero or quotient overflow (fault).</summary>
        public readonly Entry DivideError;
        /// <summary>#DB, vector 1: debug exception (fault or trap, see DR6).</summary>
        public readonly Entry Debug;
        /// <summary>NMI, vector 2: non-maskable interrupt. Runs on IST 2 by default.</summary>
        public readonly Entry NonMaskableInterrupt;
        /// <summary>#BP, vector 3: INT3 (trap; RIP points after the INT3).</summary>
        public readonly Entry Breakpoint;
        /// <summary>#OF, vector 4: INTO with OF = 1 (INTO is invalid in 64-bit mode; INT 4 still reaches it).</summary>
        public readonly Entry Overflow;
        /// <summary>#BR, vector 5: BOUND range exceeded (BOUND is invalid in 64-bit mode).</summary>
        public readonly Entry BoundRangeExceeded;
        /// <summary>#UD, vector 6: invalid opcode (fault; RIP points at the instruction, e.g. UD2).</summary>
        public readonly Entry InvalidOpcode;
        /// <summary>#NM, vector 7: device not available (x87/SSE instruction with CR0.TS or CR0.EM set).</summary>
        public readonly Entry DeviceNotAvailable;
        /// <summary>#DF, vector 8: double fault (abort; error code 0). Runs on IST 1 by default.</summary>
        public readonly DivergingErrorCodeEntry DoubleFault;
        /// <summary>Vector 9: coprocessor segment overrun (reserved since the 486).</summary>
        public readonly Entry CoprocessorSegmentOverrun;
        /// <summary>#TS, vector 10: invalid TSS (selector error code).</summary>
        public readonly SelectorErrorCodeEntry InvalidTss;
        /// <summary>#NP, vector 11: segment not present (selector error code).</summary>
        public readonly SelectorErrorCodeEntry SegmentNotPresent;
        /// <summary>#SS, vector 12: stack-segment fault, e.g. a non-canonical RSP/RBP-based address (selector error code, usually 0).</summary>
        public readonly SelectorErrorCodeEntry StackSegmentFault;
        /// <summary>#GP, vector 13: general protection (selector error code, 0 when no selector is involved).</summary>
        public readonly SelectorErrorCodeEntry GeneralProtectionFault;
        /// <summary>#PF, vector 14: page fault (error code + CR2).</summary>
        public readonly PageFaultEntry PageFault;
        /// <summary>#MF, vector 16: x87 floating-point error (CR0.NE = 1).</summary>
        public readonly Entry X87FloatingPoint;
        /// <summary>#AC, vector 17: alignment check (CPL 3 only; error code 0).</summary>
        public readonly ErrorCodeEntry AlignmentCheck;
        /// <summary>#MC, vector 18: machine check (abort). Runs on IST 3 by default.</summary>
        public readonly DivergingEntry MachineCheck;
        /// <summary>#XM, vector 19: SIMD floating-point exception (unmasked in MXCSR).</summary>
        public readonly Entry SimdFloatingPoint;
        /// <summary>#VE, vector 20: virtualization exception (EPT violation reported to the guest).</summary>
        public readonly Entry Virtualization;
        /// <summary>#CP, vector 21: control-protection exception (CET; error code).</summary>
        public readonly ErrorCodeEntry ControlProtection;
        /// <summary>#HV, vector 28: hypervisor injection exception (AMD SEV-SNP).</summary>
        public readonly Entry HypervisorInjection;
        /// <summary>#VC, vector 29: VMM communication exception (AMD SEV-ES; error code).</summary>
        public readonly ErrorCodeEntry VmmCommunication;
        /// <summary>#SX, vector 30: security exception (AMD; error code).</summary>
        public readonly ErrorCodeEntry SecurityException;

        /// <summary>The table the CPU uses (set by <see cref="Load"/>); null before.</summary>
        public static InterruptDescriptorTable Active { get; private set; }

        /// <summary>Creates a table whose 256 gates all point at their entry stubs (present, DPL 0, interrupt gates, no IST, no handlers).</summary>
        /// <exception cref="OutOfMemoryException">The heap has no 4 KiB left.</exception>
        public InterruptDescriptorTable()
        {
            byte* raw = Heap.Alloc(VectorCount * 16 + 16);
            if (raw == null) throw new OutOfMemoryException("InterruptDescriptorTable: no room for 4 KiB of gates");
            Gates = (ulong*)(((ulong)raw + 15) & ~15UL);
            for (int v = 0; v < VectorCount; v++)
            {
                IdtEntry e;
                if (v == ExceptionVector.DF) e = DoubleFault = new DivergingErrorCodeEntry(this, v);
                else if (ExceptionVector.HasSelectorErrorCode(v)) e = new SelectorErrorCodeEntry(this, v);
                else if (v == ExceptionVector.PF) e = PageFault = new PageFaultEntry(this, v);
                else if (v == ExceptionVector.MC) e = MachineCheck = new DivergingEntry(this, v);
                else if (ExceptionVector.HasErrorCode(v)) e = new ErrorCodeEntry(this, v);
                else e = new Entry(this, v);
                Entries[v] = e;
            }
            DivideError = (Entry)Entries[ExceptionVector.DE]; Debug = (Entry)Entries[ExceptionVector.DB]; NonMaskableInterrupt = (Entry)Entries[ExceptionVector.NMI];
            Breakpoint = (Entry)Entries[ExceptionVector.BP]; Overflow = (Entry)Entries[ExceptionVector.OF]; BoundRangeExceeded = (Entry)Entries[ExceptionVector.BR];
            InvalidOpcode = (Entry)Entries[ExceptionVector.UD]; DeviceNotAvailable = (Entry)Entries[ExceptionVector.NM];
            CoprocessorSegmentOverrun = (Entry)Entries[ExceptionVector.CoprocessorSegmentOverrun];
            InvalidTss = (SelectorErrorCodeEntry)Entries[ExceptionVector.TS]; SegmentNotPresent = (SelectorErrorCodeEntry)Entries[ExceptionVector.NP];
            StackSegmentFault = (SelectorErrorCodeEntry)Entries[ExceptionVector.SS]; GeneralProtectionFault = (SelectorErrorCodeEntry)Entries[ExceptionVector.GP];
            X87FloatingPoint = (Entry)Entries[ExceptionVector.MF]; AlignmentCheck = (ErrorCodeEntry)Entries[ExceptionVector.AC];
            SimdFloatingPoint = (Entry)Entries[ExceptionVector.XM]; Virtualization = (Entry)Entries[ExceptionVector.VE];
            ControlProtection = (ErrorCodeEntry)Entries[ExceptionVector.CP]; HypervisorInjection = (Entry)Entries[ExceptionVector.HV];
            VmmCommunication = (ErrorCodeEntry)Entries[ExceptionVector.VC]; SecurityException = (ErrorCodeEntry)Entries[ExceptionVector.SX];
        }

        /// <summary>The entry for IRQ/software vector <paramref name="vector"/> (32–255).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="vector"/> is below 32 (use the named entries) or above 255.</exception>
        public Entry this[int vector]
        {
            get
            {
                if (vector < FirstIrqVector || vector >= VectorCount)
                    throw new ArgumentOutOfRangeException(nameof(vector), "the indexer covers vectors 32..255; use the named exception entries for 0..31");
                return (Entry)Entries[vector];
            }
        }

        /// <summary>Any entry 0–255 as its base type (for options and raw handlers).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="vector"/> outside 0..255.</exception>
        public IdtEntry GetEntry(int vector)
        {
            if ((uint)vector >= VectorCount) throw new ArgumentOutOfRangeException(nameof(vector), "vector must be 0..255");
            return Entries[vector];
        }

        /// <summary>Linear address of the 4 KiB gate array (what LIDT loads).</summary>
        public ulong BaseAddress => (ulong)Gates;

        /// <summary>
        /// Makes this the CPU's IDT (LIDT, limit 4095) and the dispatcher's table, and selects how the
        /// stubs save SIMD state: XSAVE when the boot path enabled it (BootInfo.XSaveEnabled), else FXSAVE.
        /// </summary>
        public void Load()
        {
            var info = Native.GetBootInfo();
            if (info->XSaveEnabled != 0 && InterruptNative.GetSimdMode() == Asm.InterruptStubs.SimdFxsave)
                InterruptNative.SetSimdMode(Asm.InterruptStubs.SimdXsave);
            Active = this;
            byte* desc = stackalloc byte[16];
            *(ushort*)desc = VectorCount * 16 - 1;
            *(ulong*)(desc + 2) = (ulong)Gates;
            Native.Lidt(desc);
        }

        internal static ulong StubAddress(int vector) => InterruptNative.StubAddress(vector);
    }

    /// <summary>The X# helpers of Kernel/Cosmos.Core/Asm/InterruptStubs.cs as seen from C# (System V convention).</summary>
    public static unsafe class InterruptNative
    {
        /// <summary>Address of the entry stub of <paramref name="vector"/> (0–255).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_interrupt_stub_address")] public static extern ulong StubAddress(int vector);
        /// <summary>Selects the SIMD save instruction of the stubs (InterruptStubs.SimdFxsave / SimdXsave / SimdXsaveopt).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_interrupt_set_simd_mode")] public static extern void SetSimdMode(int mode);
        /// <summary>The current SIMD save mode.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_interrupt_get_simd_mode")] public static extern int GetSimdMode();
        /// <summary>The caller's RSP at its CALL instruction (16-byte aligned in correctly aligned code).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_rsp")] public static extern ulong ReadRsp();
        /// <summary>Address of the 64-bit TSS of the boot path (cosmos_boot_tss).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_boot_tss_address")] public static extern byte* TssAddress();
        /// <summary>Address of the IST stack region (InterruptStubs.IstStackCount slots of guard page + stack).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_ist_stacks_address")] public static extern ulong IstStacksAddress();
    }
}
