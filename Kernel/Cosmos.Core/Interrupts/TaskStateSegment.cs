using System;
using Cosmos.Core.Asm;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Interrupts
{
    /// <summary>
    /// The 64-bit TSS of the boot path (GDT selector 0x18, symbol <c>cosmos_boot_tss</c>) and its
    /// interrupt stack table (Intel SDM Vol. 3A §8.7, Figure 8-11: RSP0..2 at byte 4, 12, 20; IST1..7
    /// at byte 36 + 8·(n−1)). The CPU reads the IST pointers at each delivery through a gate with a
    /// nonzero IST index, so changing them needs no reload.
    /// <para>
    /// <see cref="InitializeInterruptStacks"/> sets up <see cref="InterruptStubs.IstStackCount"/> stacks of
    /// <see cref="InterruptStubs.IstStackPages"/> pages each, from a region in <c>.boot.bss</c> (inside the
    /// 4 KiB-mapped first 2 MiB); the page below each stack is unmapped, so an overflow of an IST stack
    /// faults instead of overwriting the stack below.
    /// </para>
    /// <para>
    /// An IST stack is not re-entrant: the CPU loads the same IST pointer for every delivery through the
    /// gate, so a second #DF/NMI/#MC while the first handler still runs starts over at the top of the same
    /// stack. That is acceptable for #DF and #MC, whose handlers end in a report; an NMI handler must not
    /// fault, and NMIs stay blocked until its IRETQ (SDM Vol. 3A §6.7.1).
    /// </para>
    /// </summary>
    public static unsafe class TaskStateSegment
    {
        /// <summary>IST index of the double-fault stack.</summary>
        public const int DoubleFaultStackIndex = 1;
        /// <summary>IST index of the NMI stack.</summary>
        public const int NmiStackIndex = 2;
        /// <summary>IST index of the machine-check stack.</summary>
        public const int MachineCheckStackIndex = 3;

        /// <summary>Byte offset of RSP0 in the 64-bit TSS (RSP1, RSP2 follow; SDM Vol. 3A §8.7, Figure 8-11).</summary>
        public const int Rsp0Offset = 4;
        /// <summary>Byte offset of IST1 in the 64-bit TSS (IST2..IST7 follow; SDM Vol. 3A §8.7, Figure 8-11).</summary>
        public const int Ist1Offset = 36;

        private static bool s_initialized;

        /// <summary>Linear address of the TSS.</summary>
        public static ulong Address => (ulong)InterruptNative.TssAddress();

        /// <summary>IST pointer <paramref name="index"/> (1–7); 0 = not set.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside 1..7.</exception>
        public static ulong GetInterruptStack(int index) => *IstSlot(index);

        /// <summary>Sets IST pointer <paramref name="index"/> (1–7) to <paramref name="top"/> (the initial RSP; the CPU aligns it down to 16).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside 1..7.</exception>
        public static void SetInterruptStack(int index, ulong top) => *IstSlot(index) = top;

        /// <summary>RSP<paramref name="ring"/> (0–2): the stack loaded on a privilege change to that ring.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="ring"/> outside 0..2 (checked before the TSS is touched).</exception>
        public static void SetPrivilegeStack(int ring, ulong top)
        {
            // A caller's mistake, so it throws like IstSlot and IdtEntry.SetStackIndex (docs/CONTRACTS.md, error handling policy).
            if ((uint)ring > 2) throw new ArgumentOutOfRangeException(nameof(ring), "privilege stack ring must be 0..2");
            *(ulong*)(InterruptNative.TssAddress() + Rsp0Offset + 8 * ring) = top;
        }

        /// <summary>Address of IST pointer <paramref name="index"/> in the TSS; the index is checked before the TSS is touched.</summary>
        private static ulong* IstSlot(int index)
        {
            // A caller's mistake, so it throws like IdtEntry.SetStackIndex (docs/CONTRACTS.md, error handling policy).
            if (index < 1 || index > 7) throw new ArgumentOutOfRangeException(nameof(index), "IST index must be 1..7");
            return (ulong*)(InterruptNative.TssAddress() + Ist1Offset + 8 * (index - 1));
        }

        /// <summary>Lowest usable byte of the reserved IST stack <paramref name="index"/> (1..IstStackCount).</summary>
        public static ulong StackBottom(int index) => InterruptNative.IstStacksAddress() + (ulong)(index - 1) * InterruptStubs.IstSlotBytes + 4096;
        /// <summary>First byte above the reserved IST stack <paramref name="index"/> (its initial RSP).</summary>
        public static ulong StackTop(int index) => InterruptNative.IstStacksAddress() + (ulong)index * InterruptStubs.IstSlotBytes;
        /// <summary>The unmapped guard page below reserved IST stack <paramref name="index"/>.</summary>
        public static ulong GuardPage(int index) => InterruptNative.IstStacksAddress() + (ulong)(index - 1) * InterruptStubs.IstSlotBytes;

        /// <summary>The reserved IST stack (1..IstStackCount) that contains <paramref name="address"/>, or 0.</summary>
        public static int StackContaining(ulong address)
        {
            for (int i = 1; i <= InterruptStubs.IstStackCount; i++)
                if (address >= StackBottom(i) && address <= StackTop(i)) return i;
            return 0;
        }

        /// <summary>
        /// Unmaps the guard pages and points IST1..IST3 at the reserved stacks. Idempotent.
        /// Panics when the region is not mapped with 4 KiB pages (it must lie below 2 MiB).
        /// </summary>
        public static void InitializeInterruptStacks()
        {
            if (s_initialized) return;
            s_initialized = true;
            for (int i = 1; i <= InterruptStubs.IstStackCount; i++)
            {
                Paging.UnmapPage(GuardPage(i));
                SetInterruptStack(i, StackTop(i));
            }
        }
    }
}
