namespace Cosmos.Core.Arch.X64
{
    /// <summary>Bits of CR0 (Intel SDM Vol. 3A §2.5, Figure 2-7).</summary>
    public static class Cr0
    {
        /// <summary>PE (bit 0): protection enable.</summary>
        public const ulong PE = 1UL << 0;
        /// <summary>MP (bit 1): monitor coprocessor (WAIT/FWAIT honour TS).</summary>
        public const ulong MP = 1UL << 1;
        /// <summary>EM (bit 2): emulation; x87/SSE instructions raise #NM/#UD when set.</summary>
        public const ulong EM = 1UL << 2;
        /// <summary>TS (bit 3): task switched; the next x87/SSE instruction raises #NM when set.</summary>
        public const ulong TS = 1UL << 3;
        /// <summary>ET (bit 4): extension type (hard-wired to 1).</summary>
        public const ulong ET = 1UL << 4;
        /// <summary>NE (bit 5): numeric error; native x87 error reporting (#MF).</summary>
        public const ulong NE = 1UL << 5;
        /// <summary>WP (bit 16): write protect; supervisor writes honour read-only pages.</summary>
        public const ulong WP = 1UL << 16;
        /// <summary>AM (bit 18): alignment mask (with RFLAGS.AC, enables #AC at CPL 3).</summary>
        public const ulong AM = 1UL << 18;
        /// <summary>NW (bit 29): not write-through.</summary>
        public const ulong NW = 1UL << 29;
        /// <summary>CD (bit 30): cache disable.</summary>
        public const ulong CD = 1UL << 30;
        /// <summary>PG (bit 31): paging.</summary>
        public const ulong PG = 1UL << 31;
    }

    /// <summary>Bits of CR4 (Intel SDM Vol. 3A §2.5, Figure 2-7).</summary>
    public static class Cr4
    {
        /// <summary>VME (bit 0): virtual-8086 mode extensions.</summary>
        public const ulong VME = 1UL << 0;
        /// <summary>PVI (bit 1): protected-mode virtual interrupts.</summary>
        public const ulong PVI = 1UL << 1;
        /// <summary>TSD (bit 2): time stamp disable (RDTSC privileged).</summary>
        public const ulong TSD = 1UL << 2;
        /// <summary>DE (bit 3): debugging extensions.</summary>
        public const ulong DE = 1UL << 3;
        /// <summary>PSE (bit 4): page size extensions (32-bit paging).</summary>
        public const ulong PSE = 1UL << 4;
        /// <summary>PAE (bit 5): physical address extension (required for 4-level paging).</summary>
        public const ulong PAE = 1UL << 5;
        /// <summary>MCE (bit 6): machine-check enable.</summary>
        public const ulong MCE = 1UL << 6;
        /// <summary>PGE (bit 7): page global enable.</summary>
        public const ulong PGE = 1UL << 7;
        /// <summary>PCE (bit 8): performance-monitoring counter enable (RDPMC at any CPL).</summary>
        public const ulong PCE = 1UL << 8;
        /// <summary>OSFXSR (bit 9): OS supports FXSAVE/FXRSTOR (enables SSE).</summary>
        public const ulong OSFXSR = 1UL << 9;
        /// <summary>OSXMMEXCPT (bit 10): OS handles unmasked SIMD floating-point exceptions (#XM).</summary>
        public const ulong OSXMMEXCPT = 1UL << 10;
        /// <summary>UMIP (bit 11): user-mode instruction prevention.</summary>
        public const ulong UMIP = 1UL << 11;
        /// <summary>LA57 (bit 12): 5-level paging.</summary>
        public const ulong LA57 = 1UL << 12;
        /// <summary>VMXE (bit 13): VMX enable.</summary>
        public const ulong VMXE = 1UL << 13;
        /// <summary>SMXE (bit 14): SMX enable.</summary>
        public const ulong SMXE = 1UL << 14;
        /// <summary>FSGSBASE (bit 16): enables RDFSBASE/WRFSBASE/RDGSBASE/WRGSBASE.</summary>
        public const ulong FSGSBASE = 1UL << 16;
        /// <summary>PCIDE (bit 17): process-context identifiers.</summary>
        public const ulong PCIDE = 1UL << 17;
        /// <summary>OSXSAVE (bit 18): OS supports XSAVE/XRSTOR and XSETBV/XGETBV (XCR0).</summary>
        public const ulong OSXSAVE = 1UL << 18;
        /// <summary>SMEP (bit 20): supervisor-mode execution prevention.</summary>
        public const ulong SMEP = 1UL << 20;
        /// <summary>SMAP (bit 21): supervisor-mode access prevention.</summary>
        public const ulong SMAP = 1UL << 21;
        /// <summary>PKE (bit 22): protection keys for user-mode pages.</summary>
        public const ulong PKE = 1UL << 22;
        /// <summary>CET (bit 23): control-flow enforcement technology.</summary>
        public const ulong CET = 1UL << 23;
    }

    /// <summary>
    /// Bits of XCR0, the XSAVE feature-enable register written with XSETBV (Intel SDM Vol. 1 §13.3, Figure 13-1);
    /// each bit enables one state component of XSAVE/XRSTOR.
    /// </summary>
    public static class Xcr0
    {
        /// <summary>X87 (bit 0): x87 state; must be 1.</summary>
        public const ulong X87 = 1UL << 0;
        /// <summary>SSE (bit 1): XMM registers and MXCSR.</summary>
        public const ulong SSE = 1UL << 1;
        /// <summary>AVX (bit 2): upper halves of YMM0–15; requires SSE.</summary>
        public const ulong AVX = 1UL << 2;
        /// <summary>BNDREG (bit 3): MPX bound registers.</summary>
        public const ulong BNDREG = 1UL << 3;
        /// <summary>BNDCSR (bit 4): MPX configuration and status.</summary>
        public const ulong BNDCSR = 1UL << 4;
        /// <summary>opmask (bit 5): AVX-512 opmask registers k0–k7.</summary>
        public const ulong Opmask = 1UL << 5;
        /// <summary>ZMM_Hi256 (bit 6): upper 256 bits of ZMM0–15.</summary>
        public const ulong ZMM_Hi256 = 1UL << 6;
        /// <summary>Hi16_ZMM (bit 7): ZMM16–31.</summary>
        public const ulong Hi16_ZMM = 1UL << 7;
        /// <summary>PKRU (bit 9): protection-key rights register.</summary>
        public const ulong PKRU = 1UL << 9;
        /// <summary>The three AVX-512 components (opmask, ZMM_Hi256, Hi16_ZMM): XSETBV accepts them only all together, and only with AVX (SDM Vol. 1 §13.3).</summary>
        public const ulong AVX512 = Opmask | ZMM_Hi256 | Hi16_ZMM;
    }
}
