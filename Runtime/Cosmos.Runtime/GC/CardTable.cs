using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// What the X# write barriers read (<c>cosmos_gc_barrier_state</c>, Amd64/MemoryAndWriteBarriers.cs): the nursery
    /// range, the page heap's range and the card table. Zero until <see cref="CardTable.Initialize"/>: no card is marked.
    /// </summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    internal unsafe struct BarrierState
    {
        /// <summary>First byte of the nursery.</summary>
        public ulong NurseryStart;
        /// <summary>Bytes of the nursery (0: no nursery, no card is ever marked).</summary>
        public ulong NurserySize;
        /// <summary><see cref="Heap.LowestAddress"/>.</summary>
        public ulong HeapLow;
        /// <summary><see cref="Heap.HighestAddress"/> − <see cref="Heap.LowestAddress"/>.</summary>
        public ulong HeapSpan;
        /// <summary>The card table: one byte per <see cref="CardTable.CardBytes"/> bytes of [HeapLow, HeapLow + HeapSpan).</summary>
        public byte* Cards;
        /// <summary>Card bundles: one byte per <see cref="CardTable.BundleBytes"/> bytes of heap, set with the first dirty card in it.</summary>
        public byte* Bundles;
    }

    /// <summary>
    /// The card table of the generational collector: one byte per 512-byte card of the page heap, and one bundle byte per
    /// 1,024 cards (CoreCLR's card bundles) so that a minor collection skips clean parts of the table without reading them;
    /// both set to 1 by the write barriers when a reference to a nursery object is stored into a slot of that card (RhpAssignRef,
    /// RhpCheckedAssignRef, RhpByRefAssignRef, RhpCheckedLockCmpXchg, RhpCheckedXchg, and
    /// <see cref="MarkRange"/> for RhBulkMoveWithWriteBarrier). A minor collection visits the dirty cards of old objects
    /// (size-class cells and large objects) as roots into the nursery and clears every card whose slots no longer point
    /// there (a slot that still does — to a pinned nursery object — leaves its card dirty).
    /// </summary>
    internal static unsafe class CardTable
    {
        /// <summary>log2 of <see cref="CardBytes"/>.</summary>
        public const int CardShift = 9;
        /// <summary>Bytes of heap covered by one card byte.</summary>
        public const ulong CardBytes = 1UL << CardShift;
        /// <summary>log2 of <see cref="BundleBytes"/>: a bundle byte covers 1,024 cards.</summary>
        public const int BundleShift = CardShift + 10;
        /// <summary>Bytes of heap covered by one bundle byte (512 KiB).</summary>
        public const ulong BundleBytes = 1UL << BundleShift;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_gc_barrier_state_address")]
        private static extern BarrierState* StateAddress();

        private static BarrierState* s_state;
        private static ulong s_cardCount, s_bundleCount;

        /// <summary>The block the barriers read.</summary>
        public static BarrierState* State => s_state;

        /// <summary>Number of cards (bytes of the table).</summary>
        public static ulong CardCount => s_cardCount;

        /// <summary>Allocates the table (unmanaged, zeroed) for the whole page heap and publishes it with the nursery range to the barriers.</summary>
        public static void Initialize(ulong nurseryStart, ulong nurserySize)
        {
            s_state = StateAddress();
            ulong low = Heap.LowestAddress, span = Heap.HighestAddress - low;
            s_cardCount = (span + CardBytes - 1) >> CardShift;
            byte* cards = Heap.Alloc((s_cardCount + 7) & ~7UL);
            if (cards == null) Panic.Halt("GC: no memory for the card table, bytes", s_cardCount);
            s_bundleCount = (span + BundleBytes - 1) >> BundleShift;
            byte* bundles = Heap.Alloc((s_bundleCount + 7) & ~7UL);
            if (bundles == null) Panic.Halt("GC: no memory for the card bundles, bytes", s_bundleCount);
            s_state->Cards = cards;
            s_state->Bundles = bundles;
            s_state->HeapLow = low;
            s_state->HeapSpan = span;
            s_state->NurseryStart = nurseryStart;
            s_state->NurserySize = nurserySize;
        }

        /// <summary>Marks the card of <paramref name="slot"/> (no-op outside the page heap).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Mark(ulong slot)
        {
            ulong off = slot - s_state->HeapLow;
            if (off < s_state->HeapSpan) { s_state->Cards[off >> CardShift] = 1; s_state->Bundles[off >> BundleShift] = 1; }
        }

        /// <summary>Marks every card of [<paramref name="start"/>, <paramref name="start"/> + <paramref name="bytes"/>) (bulk copies of references; no-op outside the page heap or before initialization).</summary>
        public static void MarkRange(ulong start, ulong bytes)
        {
            BarrierState* st = s_state;
            if (st == null || bytes == 0) return;
            ulong off = start - st->HeapLow;
            if (off >= st->HeapSpan) return;
            ulong last = off + bytes - 1;
            if (last >= st->HeapSpan) last = st->HeapSpan - 1;
            for (ulong c = off >> CardShift; c <= last >> CardShift; c++) st->Cards[c] = 1;
            for (ulong b = off >> BundleShift; b <= last >> BundleShift; b++) st->Bundles[b] = 1;
        }

        /// <summary>Number of dirty cards (a test and bench aid; walks the table).</summary>
        public static ulong CountDirty()
        {
            ulong n = 0;
            for (ulong i = 0; i < s_cardCount; i++) if (s_state->Cards[i] != 0) n++;
            return n;
        }

        /// <summary>
        /// Calls <paramref name="visit"/>(card start, card end) for every dirty card after clearing it, in address order
        /// (qword-wise skip of clean cards). The visitor may mark cards again (a slot that still points into the nursery).
        /// Returns the number of dirty cards seen.
        /// </summary>
        public static ulong ForEachDirty(delegate*<ulong, ulong, void> visit)
        {
            byte* cards = s_state->Cards, bundles = s_state->Bundles;
            ulong low = s_state->HeapLow, n = s_cardCount, seen = 0;
            for (ulong b = 0; b < s_bundleCount; b++)
            {
                if (bundles[b] == 0) continue;
                bundles[b] = 0;
                ulong first = b << (BundleShift - CardShift), last = first + (1UL << (BundleShift - CardShift));
                if (last > n) last = n;
                for (ulong w = first >> 3; w < (last + 7) >> 3; w++)
                {
                    if (((ulong*)cards)[w] == 0) continue;
                    for (ulong i = w << 3; i < (w << 3) + 8 && i < last; i++)
                    {
                        if (cards[i] == 0) continue;
                        cards[i] = 0;
                        seen++;
                        ulong a = low + (i << CardShift);
                        visit(a, a + CardBytes);
                    }
                }
            }
            return seen;
        }
    }
}
