using System.Runtime;
using System.Runtime.CompilerServices;

namespace Cosmos.Core
{
    /// <summary>
    /// The X# low-level helpers (Kernel/Cosmos.Core/Asm/CpuHelpers.cs) as seen from C#.
    /// Every method binds to the X# symbol of the same name (prefix "cosmos_") with the
    /// System V calling convention: integer arguments in RDI, RSI, RDX, RCX; result in RAX.
    /// Use the typed wrappers in <see cref="CPU"/> and <see cref="IOPort"/> rather than these.
    /// </summary>
    public static unsafe class Native
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outb")] public static extern void OutB(ushort port, byte value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outw")] public static extern void OutW(ushort port, ushort value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outd")] public static extern void OutD(ushort port, uint value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_inb")] public static extern byte InB(ushort port);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_inw")] public static extern ushort InW(ushort port);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_ind")] public static extern uint InD(ushort port);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr0")] public static extern ulong ReadCR0();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr2")] public static extern ulong ReadCR2();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr3")] public static extern ulong ReadCR3();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr4")] public static extern ulong ReadCR4();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr0")] public static extern void WriteCR0(ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr3")] public static extern void WriteCR3(ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr4")] public static extern void WriteCR4(ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_rflags")] public static extern ulong ReadRFlags();

        /// <summary>LIDT with the 10-byte pseudo-descriptor at <paramref name="descriptor"/> (Intel SDM Vol. 3A §6.10).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_lidt")] public static extern void Lidt(void* descriptor);
        /// <summary>LGDT with the 10-byte pseudo-descriptor, then reloads CS (0x08) and the data segments (0x10).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_lgdt")] public static extern void Lgdt(void* descriptor);
        /// <summary>LTR with the TSS selector.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_ltr")] public static extern void Ltr(ushort selector);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_invlpg")] public static extern void Invlpg(void* address);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_hlt")] public static extern void Hlt();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_cli")] public static extern void Cli();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_sti")] public static extern void Sti();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_pause")] public static extern void Pause();
        /// <summary>CLI then HLT forever; never returns.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_halt_forever")] public static extern void HaltForever();

        /// <summary>CPUID with EAX=<paramref name="leaf"/>, ECX=<paramref name="subleaf"/>; writes EAX, EBX, ECX, EDX to regs[0..3].</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_cpuid")] public static extern void Cpuid(uint leaf, uint subleaf, uint* regs);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdtsc")] public static extern ulong Rdtsc();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdmsr")] public static extern ulong Rdmsr(uint msr);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_wrmsr")] public static extern void Wrmsr(uint msr, ulong value);
        /// <summary>XGETBV with ECX=<paramref name="xcr"/> (requires CR4.OSXSAVE).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_xgetbv")] public static extern ulong Xgetbv(uint xcr);

        /// <summary>Address of the <see cref="Layout.BootInfo"/> record the X# boot path filled.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_boot_info")] public static extern Layout.BootInfo* GetBootInfo();
    }
}
