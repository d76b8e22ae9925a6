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

    /// <summary>RFLAGS bits (Intel SDM Vol. 1 §3.4.3, Figure 3-8) and a decoder for reports.</summary>
    public static class RFlags
    {
        /// <summary>Carry, parity, auxiliary carry, zero, sign, trap, interrupt enable, direction, overflow.</summary>
        public const ulong CF = 1 << 0, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9, DF = 1 << 10, OF = 1 << 11;
        /// <summary>Nested task, resume, virtual-8086, alignment check, virtual interrupt, virtual interrupt pending, ID.</summary>
        public const ulong NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18, VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
        /// <summary>Bit 1 always reads as 1.</summary>
        public const ulong Reserved1 = 1 << 1;
        /// <summary>I/O privilege level (bits 12–13).</summary>
        public static int Iopl(ulong rflags) => (int)((rflags >> 12) & 3);

        /// <summary>Writes the names of the set flags and IOPL through <see cref="Panic.Write(string)"/> (no allocation).</summary>
        public static void Write(ulong rflags)
        {
            Flag(rflags, CF, "CF"); Flag(rflags, PF, "PF"); Flag(rflags, AF, "AF"); Flag(rflags, ZF, "ZF"); Flag(rflags, SF, "SF");
            Flag(rflags, TF, "TF"); Flag(rflags, IF, "IF"); Flag(rflags, DF, "DF"); Flag(rflags, OF, "OF"); Flag(rflags, NT, "NT");
            Flag(rflags, RF, "RF"); Flag(rflags, VM, "VM"); Flag(rflags, AC, "AC"); Flag(rflags, VIF, "VIF"); Flag(rflags, VIP, "VIP");
            Flag(rflags, ID, "ID");
            Panic.Write("IOPL=");
            Panic.WriteDecimal((ulong)Iopl(rflags));
        }

        private static void Flag(ulong v, ulong bit, string name)
        {
            if ((v & bit) == 0) return;
            Panic.Write(name);
            Panic.Write(" ");
        }
    }
}
