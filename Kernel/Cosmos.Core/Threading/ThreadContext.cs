using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Asm;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Threading
{
    /// <summary>The X# helpers of <see cref="Asm.ThreadHelpers"/> as seen from C#.</summary>
    public static unsafe class SchedulerNative
    {
        /// <summary>INT <see cref="Scheduler.YieldVector"/>: lets the dispatcher switch threads.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_thread_yield")] public static extern void Yield();
        /// <summary>
        /// <see cref="Yield"/>, resuming with RFLAGS = <paramref name="rflags"/> (what <see cref="CPU.SaveAndDisableInterrupts"/>
        /// returned): the yield and <see cref="CPU.RestoreInterrupts"/> in one. Call with interrupts disabled.
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_thread_yield_restoring")] public static extern void YieldRestoring(ulong rflags);
        /// <summary>Address of <c>cosmos_thread_start</c>, where a new thread's first IRETQ lands.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_thread_start_address")] public static extern ulong ThreadStartAddress();
    }

    /// <summary>
    /// A thread's machine context: building the first one of a new thread (the synthetic <see cref="InterruptFrame"/>
    /// and SIMD area its first IRETQ resumes from, and its static TLS block) and switching the parts of the context the
    /// interrupt stub does not restore (FS base, the runtime's per-thread state block). The policy of which thread runs is
    /// <see cref="Scheduler"/>'s; creating and reaping threads is in Scheduler.Lifecycle.cs.
    /// </summary>
    public static unsafe class ThreadContext
    {
        private static byte* s_globals;
        private static int s_globalBytes;

        /// <summary>True once the runtime registered its per-thread state block (<see cref="Scheduler.RegisterRuntimeState"/>).</summary>
        public static bool HasRuntimeState => s_globals != null;

        /// <summary>Registers the runtime's per-thread state block (the caller checks that it is the first and only one).</summary>
        internal static void SetRuntimeState(void* address, int bytes)
        {
            s_globals = (byte*)address;
            s_globalBytes = bytes;
        }

        /// <summary>
        /// Writes the first context of a thread below <paramref name="stackTop"/> (16-byte aligned): an
        /// <see cref="InterruptFrame"/> whose IRETQ enters <paramref name="entry"/> (<c>cosmos_thread_start</c>) with
        /// RSP = <paramref name="stackTop"/>, RFLAGS = IF (interrupts on), RDI = <paramref name="argument"/> and
        /// R12 = <paramref name="routine"/>, and below it a zeroed SIMD area of <paramref name="simdAreaBytes"/>
        /// (64-byte aligned) holding the state after FNINIT and the default MXCSR (FXSAVE/XSAVE legacy region,
        /// Intel SDM Vol. 1 Table 10-2; an all-zero XSAVE header restores every other component to its initial state,
        /// §13.8.1). Returns the frame. Writes only below <paramref name="stackTop"/>.
        /// </summary>
        public static InterruptFrame* BuildInitialFrame(ulong stackTop, ulong simdAreaBytes, ulong entry, ulong routine, ulong argument)
        {
            var frame = (InterruptFrame*)(stackTop - (ulong)sizeof(InterruptFrame));
            ulong area = ((ulong)frame - simdAreaBytes) & ~(ulong)(XSaveLayout.Alignment - 1);
            Heap.Zero((byte*)area, (ulong)frame - area);
            *(ushort*)(area + XSaveLayout.Fcw) = X87ControlWord.Default;
            *(uint*)(area + XSaveLayout.Mxcsr) = Mxcsr.Default;
            *frame = default;
            frame->XSaveArea = area;
            frame->Vector = Scheduler.YieldVector;
            frame->RIP = entry;
            frame->CS = BootProgram.KernelCodeSelector;
            frame->RFLAGS = RFlags.IF | RFlags.Reserved1;
            frame->RSP = stackTop;
            frame->SS = BootProgram.KernelDataSelector;
            frame->RDI = argument;
            frame->R12 = routine;
            return frame;
        }

        /// <summary>
        /// Builds a static TLS block (x86-64 ELF TLS variant II) at <paramref name="block"/>, whose <paramref name="blockBytes"/>
        /// are zeroed first: the initialization image (<paramref name="image"/>, <paramref name="imageBytes"/>) at its start,
        /// then the TCB at <paramref name="block"/> + <paramref name="tlsSize"/>, whose first qword points to itself.
        /// Returns the thread pointer (the FS base of the thread).
        /// </summary>
        public static ulong BuildTlsBlock(ulong block, ulong blockBytes, ulong image, ulong imageBytes, ulong tlsSize)
        {
            Heap.Zero((byte*)block, blockBytes);
            Buffer.MemoryCopy((void*)image, (void*)block, imageBytes, imageBytes);
            ulong tp = block + tlsSize;
            *(ulong*)tp = tp;
            return tp;
        }

        /// <summary>
        /// Switches the context parts the interrupt stub does not restore from <paramref name="from"/> to
        /// <paramref name="to"/> at TSC <paramref name="now"/>: run-time accounting, the registered per-thread globals
        /// (saved into <paramref name="from"/>, loaded from <paramref name="to"/>) and IA32_FS_BASE (the TLS thread pointer,
        /// Intel SDM Vol. 4 Table 2-2). Interrupts disabled.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static void Switch(KernelThread* from, KernelThread* to, ulong now)
        {
            from->RunTsc += now - from->SwitchedInTsc;
            to->SwitchedInTsc = now;
            byte* g = s_globals;
            if (g != null)
            {
                if (s_globalBytes == Scheduler.RuntimeStateBytes)
                {
                    // The runtime's block fills RuntimeState exactly: two copies of a constant size, which the JIT unrolls
                    // into SIMD moves (the qword loop below costs eight iterations of a loop).
                    Unsafe.CopyBlockUnaligned(from->RuntimeState, g, Scheduler.RuntimeStateBytes);
                    Unsafe.CopyBlockUnaligned(g, to->RuntimeState, Scheduler.RuntimeStateBytes);
                }
                else
                {
                    // Whole qwords: the block is 8-aligned and RuntimeState (64 bytes) has room for the rounding.
                    ulong* gq = (ulong*)g, f = (ulong*)from->RuntimeState, n = (ulong*)to->RuntimeState;
                    int qwords = (s_globalBytes + 7) >> 3;
                    for (int i = 0; i < qwords; i++) { f[i] = gq[i]; gq[i] = n[i]; }
                }
            }
            if (s_fsGsBase) Native.WriteFsBase(to->ThreadPointer);
            else Native.Wrmsr(Msr.IA32_FS_BASE, to->ThreadPointer);
        }

        private static bool s_fsGsBase;

        /// <summary>True once <see cref="EnableFsGsBase"/> turned on CR4.FSGSBASE: a switch then loads FS base with WRFSBASE.</summary>
        public static bool UsesFsGsBase => s_fsGsBase;

        /// <summary>
        /// Sets CR4.FSGSBASE when the processor has RDFSBASE/WRFSBASE (CPUID.(EAX=07H,ECX=0):EBX.FSGSBASE[bit 0], Intel SDM
        /// Vol. 3A §2.5 and Vol. 1 §3.4.4.4), so that a thread switch loads IA32_FS_BASE with WRFSBASE instead of WRMSR
        /// (WRMSR serializes on hardware and ends the translation block under QEMU's TCG). Without the feature nothing
        /// changes and switches keep using WRMSR. Interrupts disabled; called once by <see cref="Scheduler.Initialize"/>.
        /// </summary>
        internal static void EnableFsGsBase()
        {
            uint* r = stackalloc uint[4];
            Native.Cpuid(CpuidLeaf.VendorAndMaxBasic, 0, r);
            if (r[0] < CpuidLeaf.StructuredExtendedFeatures) return;
            Native.Cpuid(CpuidLeaf.StructuredExtendedFeatures, 0, r);
            if ((r[1] & CpuidFeature.Leaf07Ebx_FSGSBASE) == 0) return;
            Native.WriteCR4(Native.ReadCR4() | Cr4.FSGSBASE);
            s_fsGsBase = true;
        }
    }
}
