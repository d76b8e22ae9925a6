namespace Cosmos.Core.Arch.X64
{
    /// <summary>
    /// Model-specific register addresses (the ECX operand of RDMSR/WRMSR), by their Intel SDM names
    /// (Intel SDM Vol. 4 §2.1, Table 2-2 "IA-32 Architectural MSRs"). Used by C# (<see cref="Native.Rdmsr"/>,
    /// <see cref="Native.Wrmsr"/>) and by the X# boot path alike.
    /// </summary>
    public static class Msr
    {
        /// <summary>IA32_APIC_BASE (1BH): local APIC base address and enable bits, see <see cref="Ia32ApicBase"/> (SDM Vol. 3A §11.4.4).</summary>
        public const uint IA32_APIC_BASE = 0x1B;
        /// <summary>IA32_EFER (C000_0080H): extended feature enables, see <see cref="Ia32Efer"/> (SDM Vol. 3A §2.2.1).</summary>
        public const uint IA32_EFER = 0xC0000080;
        /// <summary>IA32_FS_BASE (C000_0100H): the FS segment base in 64-bit mode, the TLS thread pointer here (SDM Vol. 3A §3.4.4).</summary>
        public const uint IA32_FS_BASE = 0xC0000100;
        /// <summary>IA32_GS_BASE (C000_0101H): the GS segment base in 64-bit mode (SDM Vol. 3A §3.4.4).</summary>
        public const uint IA32_GS_BASE = 0xC0000101;
        /// <summary>IA32_KERNEL_GS_BASE (C000_0102H): the value SWAPGS exchanges with IA32_GS_BASE (SDM Vol. 2B "SWAPGS").</summary>
        public const uint IA32_KERNEL_GS_BASE = 0xC0000102;
    }

    /// <summary>Bits of IA32_EFER (Intel SDM Vol. 3A §2.2.1, Figure 2-4; Vol. 4 Table 2-2).</summary>
    public static class Ia32Efer
    {
        /// <summary>SCE (bit 0): SYSCALL/SYSRET enable.</summary>
        public const uint SCE = 1u << 0;
        /// <summary>LME (bit 8): IA-32e mode enable (long mode once CR0.PG is set).</summary>
        public const uint LME = 1u << 8;
        /// <summary>LMA (bit 10): IA-32e mode active (read-only).</summary>
        public const uint LMA = 1u << 10;
        /// <summary>NXE (bit 11): execute-disable bit enable (the XD bit of paging entries).</summary>
        public const uint NXE = 1u << 11;
    }

    /// <summary>Bits of IA32_APIC_BASE (Intel SDM Vol. 3A §11.4.4, Figure 11-5).</summary>
    public static class Ia32ApicBase
    {
        /// <summary>BSP (bit 8): this processor is the bootstrap processor.</summary>
        public const ulong BSP = 1UL << 8;
        /// <summary>EXTD (bit 10): x2APIC mode enable.</summary>
        public const ulong EXTD = 1UL << 10;
        /// <summary>EN (bit 11): APIC global enable.</summary>
        public const ulong EN = 1UL << 11;
        /// <summary>APIC base physical address (bits 12 up to MAXPHYADDR − 1; 51 at most).</summary>
        public const ulong BaseMask = 0x000F_FFFF_FFFF_F000;
    }
}
