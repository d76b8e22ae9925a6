using System;

namespace Cosmos.Core.Interrupts
{
    /// <summary>
    /// The page-fault error code (vector 14), bit by bit (Intel SDM Vol. 3A §4.7, Figure 4-12).
    /// The faulting linear address is in CR2, handed to page-fault handlers beside this value.
    /// </summary>
    [Flags]
    public enum PageFaultErrorCode : ulong
    {
        /// <summary>No bit set: a read (data) access in supervisor mode to a not-present page.</summary>
        None = 0,
        /// <summary>P (bit 0): 1 = protection violation on a present page; 0 = the page was not present.</summary>
        ProtectionViolation = 1 << 0,
        /// <summary>W/R (bit 1): the access was a write.</summary>
        CausedByWrite = 1 << 1,
        /// <summary>U/S (bit 2): the access was made in user mode (CPL 3).</summary>
        UserMode = 1 << 2,
        /// <summary>RSVD (bit 3): a reserved bit was set in a paging-structure entry.</summary>
        MalformedTable = 1 << 3,
        /// <summary>I/D (bit 4): the access was an instruction fetch.</summary>
        InstructionFetch = 1 << 4,
        /// <summary>PK (bit 5): protection-key violation.</summary>
        ProtectionKey = 1 << 5,
        /// <summary>SS (bit 6): shadow-stack access.</summary>
        ShadowStack = 1 << 6,
        /// <summary>SGX (bit 15): SGX-specific access-control violation.</summary>
        Sgx = 1 << 15,
    }

    /// <summary>Which descriptor table a <see cref="SelectorErrorCode"/> refers to (bits 1–2).</summary>
    public enum DescriptorTable
    {
        /// <summary>TI = 0, IDT = 0: the GDT.</summary>
        Gdt = 0,
        /// <summary>IDT = 1: the IDT (bit 1 set; bit 2 is then ignored).</summary>
        Idt = 1,
        /// <summary>TI = 1, IDT = 0: the LDT.</summary>
        Ldt = 2,
    }

    /// <summary>
    /// The selector error code of #TS, #NP, #SS, #GP and #AC-free segment faults (vectors 10–13,
    /// Intel SDM Vol. 3A §6.13, Figure 6-7): EXT (bit 0), IDT (bit 1), TI (bit 2), selector index
    /// (bits 3–15). A zero error code means the fault was not caused by a particular selector.
    /// </summary>
    public readonly struct SelectorErrorCode
    {
        /// <summary>The raw 64-bit value pushed by the CPU (only bits 0–15 are defined).</summary>
        public readonly ulong Value;

        /// <summary>Wraps the raw error code.</summary>
        public SelectorErrorCode(ulong value) { Value = value; }

        /// <summary>EXT (bit 0): the fault happened while delivering an external event (interrupt or earlier exception).</summary>
        public bool External => (Value & 1) != 0;
        /// <summary>The table the index refers to (IDT bit 1, TI bit 2).</summary>
        public DescriptorTable Table => (Value & 2) != 0 ? DescriptorTable.Idt : (Value & 4) != 0 ? DescriptorTable.Ldt : DescriptorTable.Gdt;
        /// <summary>Descriptor index (bits 3–15); for the IDT this is the vector.</summary>
        public int Index => (int)((Value >> 3) & 0x1FFF);
        /// <summary>The selector value as software writes it (index * 8 with TI; RPL 0): bits 2–15 of the error code.</summary>
        public ushort Selector => (ushort)(Value & 0xFFFC);
        /// <summary>True when the error code is 0 (no particular selector).</summary>
        public bool IsNull => Value == 0;
    }
}
