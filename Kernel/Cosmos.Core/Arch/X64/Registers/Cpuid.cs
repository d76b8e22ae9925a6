namespace Cosmos.Core.Arch.X64
{
    /// <summary>CPUID leaves (the EAX input) the kernel reads, named as in the Intel SDM Vol. 2A "CPUID" (Table 3-8).</summary>
    public static class CpuidLeaf
    {
        /// <summary>00H: highest basic leaf in EAX, vendor string in EBX, EDX, ECX.</summary>
        public const uint VendorAndMaxBasic = 0x0000_0000;
        /// <summary>01H: version information in EAX, feature flags in ECX and EDX (<see cref="CpuidFeature"/>).</summary>
        public const uint VersionAndFeatures = 0x0000_0001;
        /// <summary>07H (sub-leaf 0): structured extended feature flags in EBX, ECX, EDX (<see cref="CpuidFeature"/>).</summary>
        public const uint StructuredExtendedFeatures = 0x0000_0007;
        /// <summary>0DH: processor extended state enumeration (XSAVE area sizes and XCR0 bits supported).</summary>
        public const uint ExtendedState = 0x0000_000D;
        /// <summary>40000000H: hypervisor vendor leaf (meaningful when <see cref="CpuidFeature.Leaf01Ecx_Hypervisor"/> is set).</summary>
        public const uint HypervisorVendor = 0x4000_0000;
        /// <summary>80000000H: highest extended leaf in EAX.</summary>
        public const uint MaxExtended = 0x8000_0000;
        /// <summary>80000001H: extended feature flags (NX, LM).</summary>
        public const uint ExtendedFeatures = 0x8000_0001;
        /// <summary>80000002H–80000004H: the 48-character processor brand string, 16 characters per leaf.</summary>
        public const uint BrandString0 = 0x8000_0002;
        /// <summary>Last brand string leaf.</summary>
        public const uint BrandString2 = 0x8000_0004;
        /// <summary>80000007H: advanced power management (invariant TSC in EDX bit 8).</summary>
        public const uint AdvancedPowerManagement = 0x8000_0007;
    }

    /// <summary>
    /// CPUID feature bits the kernel tests, named CPUID.(leaf):(register).(name) as in the Intel SDM
    /// (Vol. 2A "CPUID", Tables 3-10, 3-11, 3-8).
    /// </summary>
    public static class CpuidFeature
    {
        /// <summary>CPUID.01H:EDX.APIC (bit 9): the processor has an on-chip local APIC.</summary>
        public const uint Leaf01Edx_APIC = 1u << 9;
        /// <summary>CPUID.01H:EDX.SSE (bit 25): SSE instructions.</summary>
        public const uint Leaf01Edx_SSE = 1u << 25;
        /// <summary>CPUID.01H:EDX.SSE2 (bit 26): SSE2 instructions.</summary>
        public const uint Leaf01Edx_SSE2 = 1u << 26;
        /// <summary>CPUID.01H:ECX.SSE3 (bit 0): SSE3 instructions.</summary>
        public const uint Leaf01Ecx_SSE3 = 1u << 0;
        /// <summary>CPUID.01H:ECX.SSE4_1 (bit 19): SSE4.1 instructions.</summary>
        public const uint Leaf01Ecx_SSE41 = 1u << 19;
        /// <summary>CPUID.01H:ECX.SSE4_2 (bit 20): SSE4.2 instructions.</summary>
        public const uint Leaf01Ecx_SSE42 = 1u << 20;
        /// <summary>CPUID.01H:ECX.XSAVE (bit 26): XSAVE/XRSTOR, XSETBV/XGETBV and XCR0.</summary>
        public const uint Leaf01Ecx_XSAVE = 1u << 26;
        /// <summary>CPUID.01H:ECX.AVX (bit 28): AVX instructions (usable only once the OS enables the AVX state in XCR0).</summary>
        public const uint Leaf01Ecx_AVX = 1u << 28;
        /// <summary>CPUID.01H:ECX bit 31: a hypervisor is present (reserved 0 on bare metal).</summary>
        public const uint Leaf01Ecx_Hypervisor = 1u << 31;
        /// <summary>CPUID.(EAX=07H,ECX=0):EBX.FSGSBASE (bit 0): RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE (usable once CR4.FSGSBASE is set).</summary>
        public const uint Leaf07Ebx_FSGSBASE = 1u << 0;
        /// <summary>CPUID.80000001H:EDX.NX (bit 20): execute-disable bit (IA32_EFER.NXE).</summary>
        public const uint Leaf80000001Edx_NX = 1u << 20;
        /// <summary>CPUID.80000001H:EDX.LM (bit 29): Intel 64 (long mode).</summary>
        public const uint Leaf80000001Edx_LM = 1u << 29;
        /// <summary>CPUID.80000007H:EDX bit 8: invariant TSC (the TSC runs at a constant rate in all ACPI P-, C- and T-states).</summary>
        public const uint Leaf80000007Edx_InvariantTSC = 1u << 8;
    }
}
