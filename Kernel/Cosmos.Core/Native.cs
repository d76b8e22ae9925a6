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
        /// <summary>OUT of the byte <paramref name="value"/> to I/O port <paramref name="port"/> (Intel SDM Vol. 2B "OUT").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outb")] public static extern void OutB(ushort port, byte value);
        /// <summary>OUT of the 16-bit <paramref name="value"/> to I/O port <paramref name="port"/> (Intel SDM Vol. 2B "OUT").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outw")] public static extern void OutW(ushort port, ushort value);
        /// <summary>OUT of the 32-bit <paramref name="value"/> to I/O port <paramref name="port"/> (Intel SDM Vol. 2B "OUT").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_outd")] public static extern void OutD(ushort port, uint value);
        /// <summary>IN of one byte from I/O port <paramref name="port"/> (Intel SDM Vol. 2A "IN").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_inb")] public static extern byte InB(ushort port);
        /// <summary>IN of 16 bits from I/O port <paramref name="port"/> (Intel SDM Vol. 2A "IN").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_inw")] public static extern ushort InW(ushort port);
        /// <summary>IN of 32 bits from I/O port <paramref name="port"/> (Intel SDM Vol. 2A "IN").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_ind")] public static extern uint InD(ushort port);

        /// <summary>Reads CR0 (Intel SDM Vol. 3A §2.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr0")] public static extern ulong ReadCR0();
        /// <summary>Reads CR2, the linear address of the last page fault (Intel SDM Vol. 3A §2.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr2")] public static extern ulong ReadCR2();
        /// <summary>Reads CR3: the physical address of the PML4 table plus the PCD/PWT bits (Intel SDM Vol. 3A §2.5, §4.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr3")] public static extern ulong ReadCR3();
        /// <summary>Reads CR4 (Intel SDM Vol. 3A §2.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_cr4")] public static extern ulong ReadCR4();
        /// <summary>Writes <paramref name="value"/> to CR0 as is (Intel SDM Vol. 3A §2.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr0")] public static extern void WriteCR0(ulong value);
        /// <summary>Writes <paramref name="value"/> to CR3 as is; this switches the page tables and flushes the non-global TLB entries (Intel SDM Vol. 3A §2.5, §4.10.4.1).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr3")] public static extern void WriteCR3(ulong value);
        /// <summary>Writes <paramref name="value"/> to CR4 as is (Intel SDM Vol. 3A §2.5).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_cr4")] public static extern void WriteCR4(ulong value);
        /// <summary>Reads RFLAGS (PUSHFQ; POP).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_read_rflags")] public static extern ulong ReadRFlags();

        /// <summary>LIDT with the 10-byte pseudo-descriptor at <paramref name="descriptor"/> (Intel SDM Vol. 3A §6.10).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_lidt")] public static extern void Lidt(void* descriptor);
        /// <summary>LGDT with the 10-byte pseudo-descriptor, then reloads CS (0x08) and the data segments (0x10).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_lgdt")] public static extern void Lgdt(void* descriptor);
        /// <summary>LTR with the TSS selector.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_ltr")] public static extern void Ltr(ushort selector);
        /// <summary>INVLPG: invalidates the TLB entries for the page containing the linear address <paramref name="address"/> (Intel SDM Vol. 2A "INVLPG").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_invlpg")] public static extern void Invlpg(void* address);

        /// <summary>HLT: stops the CPU until the next interrupt, NMI or reset (with IF clear, maskable interrupts do not wake it).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_hlt")] public static extern void Hlt();
        /// <summary>CLI: clears RFLAGS.IF (maskable interrupts off).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_cli")] public static extern void Cli();
        /// <summary>STI: sets RFLAGS.IF (maskable interrupts on after the next instruction, Intel SDM Vol. 2B "STI").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_sti")] public static extern void Sti();
        /// <summary>
        /// STI then HLT as adjacent instructions (interrupts must be off on entry; they are on on return): the idle wait
        /// without a lost wake-up. STI enables interrupts only after the next instruction (Intel SDM Vol. 2B "STI"), so an
        /// interrupt already pending, or raised after the caller's last check, is taken out of the HLT and ends it. With
        /// <see cref="Sti"/> and <see cref="Hlt"/> as two calls it would be taken between them, and the HLT would then wait
        /// for the next interrupt, which may never come (a timer already consumed).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_sti_hlt")] public static extern void StiHlt();
        /// <summary>PAUSE: spin-wait hint (Intel SDM Vol. 2B "PAUSE").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_pause")] public static extern void Pause();
        /// <summary>CLI then HLT forever; never returns.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_halt_forever")] public static extern void HaltForever();

        /// <summary>CPUID with EAX=<paramref name="leaf"/>, ECX=<paramref name="subleaf"/>; writes EAX, EBX, ECX, EDX to regs[0..3].</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_cpuid")] public static extern void Cpuid(uint leaf, uint subleaf, uint* regs);
        /// <summary>RDTSC: the time-stamp counter (EDX:EAX as one 64-bit value, in TSC ticks).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdtsc")] public static extern ulong Rdtsc();
        /// <summary>
        /// RDRAND (Intel SDM Vol. 2B "RDRAND", Vol. 1 §7.3.17): 64 bits from the processor's DRBG into *<paramref name="value"/>;
        /// returns 1, or 0 (CF clear, *value 0) when no random value was ready (retry). Only when CPUID.01H:ECX.RDRAND[bit 30] is set (#UD otherwise).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdrand")] public static extern int Rdrand(ulong* value);
        /// <summary>One VMware backdoor call (IN EAX, DX with regs[0..3] as EAX, EBX, ECX, EDX; results written back).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_vmware_backdoor")] public static extern void VmwareBackdoor(uint* regs);
        /// <summary>RDMSR of the model-specific register <paramref name="msr"/> (EDX:EAX as one 64-bit value); a nonexistent MSR raises #GP (Intel SDM Vol. 2B "RDMSR").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_rdmsr")] public static extern ulong Rdmsr(uint msr);
        /// <summary>WRMSR of <paramref name="value"/> (high half in EDX, low half in EAX) to <paramref name="msr"/>; a nonexistent MSR or reserved bits set raise #GP (Intel SDM Vol. 2B "WRMSR").</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_wrmsr")] public static extern void Wrmsr(uint msr, ulong value);
        /// <summary>WRFSBASE: IA32_FS_BASE ← <paramref name="value"/> (Intel SDM Vol. 2D "WRFSBASE"); #UD unless CR4.FSGSBASE is set (<see cref="Threading.ThreadContext.UsesFsGsBase"/>).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_write_fs_base")] public static extern void WriteFsBase(ulong value);
        /// <summary>XGETBV with ECX=<paramref name="xcr"/> (requires CR4.OSXSAVE).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_xgetbv")] public static extern ulong Xgetbv(uint xcr);

        /// <summary>Address of the <see cref="Layout.BootInfo"/> record the X# boot path filled.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_boot_info")] public static extern Layout.BootInfo* GetBootInfo();
    }
}
