namespace Cosmos.Core.Arch.X64
{
    /// <summary>
    /// CPUID feature bits the kernel tests, named CPUID.(leaf):(register).(name) as in the Intel SDM
    /// (Vol. 2A "CPUID", Tables 3-10, 3-11, 3-8).
    /// </summary>
    public static class CpuidFeature
    {
        /// <summary>CPUID.01H:ECX.XSAVE (bit 26): XSAVE/XRSTOR, XSETBV/XGETBV and XCR0.</summary>
        public const uint Leaf01Ecx_XSAVE = 1u << 26;
        /// <summary>CPUID.01H:ECX bit 31: a hypervisor is present (reserved 0 on bare metal).</summary>
        public const uint Leaf01Ecx_Hypervisor = 1u << 31;
        /// <summary>CPUID.80000001H:EDX.NX (bit 20): execute-disable bit (IA32_EFER.NXE).</summary>
        public const uint Leaf80000001Edx_NX = 1u << 20;
        /// <summary>CPUID.80000001H:EDX.LM (bit 29): Intel 64 (long mode).</summary>
        public const uint Leaf80000001Edx_LM = 1u << 29;
    }
}
