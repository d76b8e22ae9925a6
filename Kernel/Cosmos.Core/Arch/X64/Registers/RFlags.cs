namespace Cosmos.Core.Arch.X64
{
    /// <summary>RFLAGS bits (Intel SDM Vol. 1 §3.4.3, Figure 3-8) and a decoder for reports.</summary>
    public static class RFlags
    {
        /// <summary>CF (bit 0): carry flag.</summary>
        public const ulong CF = 1UL << 0;
        /// <summary>Bit 1: reserved, always reads as 1.</summary>
        public const ulong Reserved1 = 1UL << 1;
        /// <summary>PF (bit 2): parity flag.</summary>
        public const ulong PF = 1UL << 2;
        /// <summary>AF (bit 4): auxiliary carry flag.</summary>
        public const ulong AF = 1UL << 4;
        /// <summary>ZF (bit 6): zero flag.</summary>
        public const ulong ZF = 1UL << 6;
        /// <summary>SF (bit 7): sign flag.</summary>
        public const ulong SF = 1UL << 7;
        /// <summary>TF (bit 8): trap flag (single-step, #DB after each instruction).</summary>
        public const ulong TF = 1UL << 8;
        /// <summary>IF (bit 9): interrupt enable flag (maskable interrupts delivered when set).</summary>
        public const ulong IF = 1UL << 9;
        /// <summary>DF (bit 10): direction flag (string instructions decrement when set; the System V ABI wants it clear).</summary>
        public const ulong DF = 1UL << 10;
        /// <summary>OF (bit 11): overflow flag.</summary>
        public const ulong OF = 1UL << 11;
        /// <summary>IOPL (bits 12–13): I/O privilege level; see <see cref="Iopl"/>.</summary>
        public const ulong IOPL = 3UL << 12;
        /// <summary>NT (bit 14): nested task.</summary>
        public const ulong NT = 1UL << 14;
        /// <summary>RF (bit 16): resume flag (suppresses instruction breakpoints once).</summary>
        public const ulong RF = 1UL << 16;
        /// <summary>VM (bit 17): virtual-8086 mode.</summary>
        public const ulong VM = 1UL << 17;
        /// <summary>AC (bit 18): alignment check / access control (SMAP).</summary>
        public const ulong AC = 1UL << 18;
        /// <summary>VIF (bit 19): virtual interrupt flag.</summary>
        public const ulong VIF = 1UL << 19;
        /// <summary>VIP (bit 20): virtual interrupt pending.</summary>
        public const ulong VIP = 1UL << 20;
        /// <summary>ID (bit 21): CPUID is supported when software can toggle it.</summary>
        public const ulong ID = 1UL << 21;

        /// <summary>I/O privilege level (bits 12–13).</summary>
        public static int Iopl(ulong rflags) => (int)((rflags & IOPL) >> 12);

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
