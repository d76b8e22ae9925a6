using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Memory;

namespace Cosmos.Core
{
    /// <summary>Processor facts and control (Cosmos API names). CPUID per Intel SDM Vol. 2A "CPUID".</summary>
    public static unsafe class CPU
    {
        /// <summary>CPUID leaf <paramref name="leaf"/>, subleaf <paramref name="subleaf"/>: EAX, EBX, ECX, EDX.</summary>
        public static void CPUID(uint leaf, uint subleaf, out uint eax, out uint ebx, out uint ecx, out uint edx)
        {
            uint* r = stackalloc uint[4];
            Native.Cpuid(leaf, subleaf, r);
            eax = r[0]; ebx = r[1]; ecx = r[2]; edx = r[3];
        }

        /// <summary>The 12-character vendor string from CPUID leaf 0 (e.g. "GenuineIntel").</summary>
        public static string GetCPUVendorName()
        {
            CPUID(Arch.X64.CpuidLeaf.VendorAndMaxBasic, 0, out _, out uint ebx, out uint ecx, out uint edx);
            char* s = stackalloc char[12];
            Put(s, 0, ebx); Put(s, 4, edx); Put(s, 8, ecx);
            return new string(s, 0, 12);
        }

        /// <summary>
        /// The processor brand string from CPUID leaves 8000_0002h..8000_0004h, trimmed;
        /// "Unknown" when the CPU does not report one.
        /// </summary>
        public static string GetCPUBrandString()
        {
            CPUID(Arch.X64.CpuidLeaf.MaxExtended, 0, out uint max, out _, out _, out _);
            if (max < Arch.X64.CpuidLeaf.BrandString2) return "Unknown";
            char* s = stackalloc char[48];
            for (uint leaf = 0; leaf < 3; leaf++)
            {
                CPUID(Arch.X64.CpuidLeaf.BrandString0 + leaf, 0, out uint a, out uint b, out uint c, out uint d);
                int o = (int)leaf * 16;
                Put(s, o, a); Put(s, o + 4, b); Put(s, o + 8, c); Put(s, o + 12, d);
            }
            int len = 0;
            while (len < 48 && s[len] != '\0') len++;
            return new string(s, 0, len).Trim();
        }

        private static void Put(char* s, int at, uint v)
        {
            for (int i = 0; i < 4; i++) s[at + i] = (char)((v >> (8 * i)) & 0xFF);
        }

        /// <summary>Usable RAM reported by the firmware memory map, in MiB (Cosmos API).</summary>
        public static uint GetAmountOfRAM() => (uint)(PhysicalMemory.TotalUsable >> 20);

        /// <summary>Time-stamp counter (RDTSC), in TSC ticks.</summary>
        public static ulong GetCPUUptime() => Native.Rdtsc();

        /// <summary>
        /// Cosmos API: the processor's clock in Hz, as the time-stamp counter's rate measured at boot against the PIT
        /// (on processors with an invariant TSC, Intel SDM Vol. 3B §18.17, that is the nominal core clock).
        /// </summary>
        /// <exception cref="global::System.InvalidOperationException">Before the system layer has calibrated the TSC.</exception>
        public static long GetCPUCycleSpeed()
        {
            ulong hz = Threading.Scheduler.TscHz;
            if (hz == 0) throw new global::System.InvalidOperationException("GetCPUCycleSpeed: the TSC has not been calibrated yet (Cosmos.System's start-up does it)");
            return (long)hz;
        }

        /// <summary>TSC value at the first 64-bit instruction of the boot path.</summary>
        public static ulong GetBootTsc() => Native.GetBootInfo()->EntryTsc;

        /// <summary>First byte after the kernel image (Cosmos API).</summary>
        public static ulong GetEndOfKernel() => Native.GetBootInfo()->KernelEnd;

        /// <summary>Halts until the next interrupt (HLT).</summary>
        public static void Halt() => Native.Hlt();

        /// <summary>Disables interrupts (CLI).</summary>
        public static void DisableInterrupts() => Native.Cli();

        /// <summary>Enables interrupts (STI).</summary>
        public static void EnableInterrupts() => Native.Sti();

        /// <summary>
        /// Disables interrupts and returns the previous RFLAGS for <see cref="RestoreInterrupts"/> (PUSHFQ; POP; CLI, Intel SDM
        /// Vol. 2B "PUSHF", Vol. 2A "CLI"). On the single processor the kernel runs on, this is the mutual exclusion of short
        /// critical sections against both interrupt handlers and preemption (the scheduler switches threads only from the
        /// timer interrupt). The X# helper <c>cosmos_save_and_disable_interrupts</c> (Asm/CpuHelpers.cs).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_save_and_disable_interrupts")]
        public static extern ulong SaveAndDisableInterrupts();

        /// <summary>
        /// Restores RFLAGS saved by <see cref="SaveAndDisableInterrupts"/> (PUSH; POPFQ): interrupts are enabled again only if
        /// RFLAGS.IF was set before (Intel SDM Vol. 1 §3.4.3.3). The X# helper <c>cosmos_restore_interrupts</c>.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_restore_interrupts")]
        public static extern void RestoreInterrupts(ulong flags);

        /// <summary>True when RFLAGS.IF is set (Intel SDM Vol. 1 §3.4.3.3).</summary>
        public static bool InterruptsEnabled => (Native.ReadRFlags() & RFlags.IF) != 0;
    }
}
