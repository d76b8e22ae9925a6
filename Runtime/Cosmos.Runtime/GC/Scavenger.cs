using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.Core.Threading;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// The minor (generation 0) collection: copies every live nursery object into the old generation (size-class cells;
    /// large-object runs above <see cref="SmallObjectSpace.MaxSize"/>) and updates the references to it, Cheney-style with
    /// an explicit work list. Old objects count as live; the slots of old objects that may point into the nursery are
    /// found through the card table (<see cref="CardTable"/>).
    /// <list type="number">
    /// <item><b>Pin</b>: everything that must not move is marked <see cref="Nursery.PinnedWord"/> in place and its chunk held:
    /// objects reached from conservatively scanned words (stack parts without GC info, registers of such frames,
    /// unthreaded stacks, "maybe interior" GC reporting frames), from byref (interior) stack slots — and, for a byref just
    /// past an object's end, that object too —, from pinned stack slots and from pinned GC handles.</item>
    /// <item><b>Forward</b>: precise roots (object slots of the stack walk, ExInfo exception objects, strong handles, GC
    /// static cells, thread statics, GC reporting frames, frozen objects, the finalization queue) and the slots of dirty
    /// cards are forwarded: a nursery object is copied once (its GC word becomes <see cref="Nursery.ForwardedWord"/> and
    /// its MethodTable slot the new address) and queued; the work list then forwards the slots of copied and pinned
    /// objects. A slot of an old object that still points into the nursery afterwards (a pinned object) keeps its card
    /// dirty. If the old generation has no room for a copy, the object is pinned instead.</item>
    /// <item><b>Handles</b>: dependent handles with live primaries promote their secondaries to a fixed point; weak and
    /// dependent handles whose nursery target was not reached are cleared, the others follow their moved targets.</item>
    /// <item><b>Chunks</b>: every chunk without a pinned survivor is freed; held chunks are compacted into fillers.</item>
    /// </list>
    /// Objects with finalizers never live in the nursery, so a minor collection finalizes nothing.
    /// </summary>
    internal static unsafe class Scavenger
    {
        private const ulong InitialStackBytes = 64 * 1024;
        private static ulong* s_stack;
        private static ulong s_sp, s_capacity;

        /// <summary>0 outside a minor collection, 1 in its pin phase, 2 in its forward phase (read by the root scanners).</summary>
        public static int Phase;

        /// <summary>Bytes (cells) copied into the old generation by the last minor collection.</summary>
        public static ulong LastPromotedBytes;
        /// <summary>Objects copied by the last minor collection.</summary>
        public static ulong LastPromotedObjects;
        /// <summary>Nursery objects the last minor collection left in place (pinned or reached conservatively).</summary>
        public static ulong LastPinnedObjects;
        /// <summary>Dirty cards the last minor collection visited.</summary>
        public static ulong LastDirtyCards;
        /// <summary>Objects the last minor collection found dead (counted only when asked: full collections).</summary>
        public static ulong LastDeadObjects;
        /// <summary>TSC ticks of the last minor collection's parts: both stack walks, the other roots, the card table, the copying (work list and handles), the chunk reset.</summary>
        public static ulong LastStackTicks, LastOtherRootTicks, LastCardTicks, LastCopyTicks, LastChunkTicks;
        /// <summary>Objects promoted since boot.</summary>
        public static ulong TotalPromotedObjects;
        /// <summary>Bytes promoted since boot.</summary>
        public static ulong TotalPromotedBytes;

        /// <summary>
        /// Runs a minor collection (interrupts off, all other threads stopped). <paramref name="spill"/> is the RSP the X#
        /// spill helper passed. With <paramref name="countDead"/> the dead nursery objects are counted (walks every chunk).
        /// </summary>
        public static void Collect(ulong spill, bool countDead)
        {
            LastPromotedBytes = 0; LastPromotedObjects = 0; LastPinnedObjects = 0;
            if (s_stack == null)
            {
                ulong p = Heap.AllocPages(InitialStackBytes / Heap.PageSize, PageKind.Meta);
                if (p == 0) Panic.Halt("GC: no memory for the minor collection's work list");
                s_stack = (ulong*)p; s_capacity = InitialStackBytes / 8;
            }
            s_sp = 0;
            Nursery.RetireAllContexts();
            RestartAllocationHelpers();
            Nursery.BeginMinor();

            ulong t0 = Native.Rdtsc();
            Phase = 1;
            ScanStacks(spill);
            Handles.PinPinned();
            Roots.PinGCFrames();

            Phase = 2;
            ScanStacks(spill);
            ulong t1 = Native.Rdtsc();
            Handles.ForwardStrong();
            Roots.ForwardStatics();
            Roots.ForwardThreadStatics();
            Roots.ForwardGCFrames();
            Roots.ForwardFrozenSegments();
            Finalization.ForwardQueue();
            ulong t2 = Native.Rdtsc();
            LastDirtyCards = CardTable.ForEachDirty(&ScanCard);
            ulong t3 = Native.Rdtsc();
            Drain();
            Handles.ForwardDependents();
            Handles.UpdateWeakAfterMinor();
            Phase = 0;

            ulong t4 = Native.Rdtsc();
            Nursery.EndMinor(countDead, out LastDeadObjects);
            ulong t5 = Native.Rdtsc();
            LastStackTicks = t1 - t0; LastOtherRootTicks = t2 - t1; LastCardTicks = t3 - t2; LastCopyTicks = t4 - t3; LastChunkTicks = t5 - t4;
            TotalPromotedBytes += LastPromotedBytes;
            TotalPromotedObjects += LastPromotedObjects;
        }

        private static void ScanStacks(ulong spill)
        {
            if (StackRoots.Precise) StackRoots.Scan(spill);
            else Roots.ScanStacks(spill);
        }

        /// <summary>
        /// A thread stopped inside an allocation fast path before its commit store is set back to the helper's entry
        /// (<c>cosmos_alloc_restart_table</c>): its context is retired, so the helper starts over on the slow path.
        /// </summary>
        private static void RestartAllocationHelpers()
        {
            ulong* table = RestartTableAddress();
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
            {
                if (t == Scheduler.Current || t->SavedFrame == null) continue;
                ulong rip = t->SavedFrame->RIP;
                for (ulong* e = table; e[0] != 0; e += 2)
                    if (rip >= e[0] && rip < e[1]) { t->SavedFrame->RIP = e[0]; break; }
            }
        }

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_alloc_restart_table_address")]
        private static extern ulong* RestartTableAddress();

        // ------------------------------------------------------------------ pin phase

        /// <summary>Keeps the nursery object at <paramref name="obj"/> (an exact object start) in place this collection.</summary>
        public static void Pin(ulong obj)
        {
            uint* w = ObjectLayout.GcWord(obj);
            if (*w == Nursery.PinnedWord) return;
            if (*w == Nursery.ForwardedWord) Panic.Halt("GC: pinning a nursery object that was already moved, at", obj);
            *w = Nursery.PinnedWord;
            Nursery.HoldChunkOf(obj);
            LastPinnedObjects++;
            Push(obj);
        }

        /// <summary>Pins the nursery object containing <paramref name="value"/> and one ending exactly there (a conservative word or a byref); other values are ignored.</summary>
        public static void PinConservative(ulong value)
        {
            if (!Nursery.Contains(value)) return;
            Nursery.FindObjects(value, out ulong containing, out ulong endingAt);
            if (containing != 0) Pin(containing);
            if (endingAt != 0) Pin(endingAt);
        }

        // ------------------------------------------------------------------ forward phase

        /// <summary>
        /// The address <paramref name="obj"/> has after this collection: its copy (made now if needed), itself when pinned
        /// or not in the nursery. An object the old generation has no room for is pinned.
        /// </summary>
        public static ulong Evacuate(ulong obj)
        {
            if (!Nursery.Contains(obj)) return obj;
            uint* w = ObjectLayout.GcWord(obj);
            if (*w == Nursery.ForwardedWord) return *(ulong*)obj;
            if (*w == Nursery.PinnedWord) return obj;
            MethodTable* mt = ObjectLayout.MT(obj);
            ulong size = (ObjectLayout.ExactSize(obj, mt) + 7) & ~7UL;
            ulong cell = size <= SmallObjectSpace.MaxSize ? SmallObjectSpace.AllocNoCollect((uint)size) : LargeObjectSpace.Alloc(size, mayCollect: false);
            if (cell == 0) { Pin(obj); return obj; }
            ulong* dst = (ulong*)cell, src = (ulong*)(obj - ObjectLayout.HeaderSize);
            dst[0] = (ulong)*(uint*)(obj - 4) << 32;          // GC word 0, the sync-block word kept
            for (ulong i = 1, n = size >> 3; i < n; i++) dst[i] = src[i];
            ulong copy = cell + ObjectLayout.HeaderSize;
            *(ulong*)obj = copy;
            *w = Nursery.ForwardedWord;
            LastPromotedBytes += size;
            LastPromotedObjects++;
            if ((mt->Flags & MethodTable.HasPointersFlag) != 0) Push(copy);
            return copy;
        }

        /// <summary>Forwards the reference in <paramref name="slot"/>; a slot outside the nursery that still points into it keeps (or gets) its card dirty.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void ForwardSlot(ulong* slot)
        {
            ulong v = *slot;
            if (!Nursery.Contains(v)) return;
            ulong nv = Evacuate(v);
            *slot = nv;
            if (Nursery.Contains(nv) && !Nursery.Contains((ulong)slot)) CardTable.Mark((ulong)slot);
        }

        private static void ForwardSlotVisitor(ulong* slot, ulong context) => ForwardSlot(slot);

        /// <summary>Forwards every reference field of <paramref name="obj"/>.</summary>
        public static void ForwardFields(ulong obj) => Marker.ForEachReferenceSlot(obj, &ForwardSlotVisitor, 0);

        private static void Push(ulong obj)
        {
            if (s_sp == s_capacity) Grow();
            s_stack[s_sp++] = obj;
        }

        private static void Grow()
        {
            ulong newCapacity = s_capacity * 2;
            ulong p = Heap.AllocPages(newCapacity * 8 / Heap.PageSize, PageKind.Meta);
            if (p == 0) Panic.Halt("GC: out of memory growing the minor collection's work list, entries", s_capacity);
            Memory.Move((byte*)p, (byte*)s_stack, s_sp * 8);
            Heap.FreePages((ulong)s_stack);
            s_stack = (ulong*)p;
            s_capacity = newCapacity;
        }

        /// <summary>Forwards the fields of every queued (copied or pinned) object until the work list is empty.</summary>
        public static void Drain()
        {
            while (s_sp > 0) ForwardFields(s_stack[--s_sp]);
        }

        /// <summary>True when the nursery object <paramref name="obj"/> survives this minor collection so far (copied or pinned); true for other addresses.</summary>
        public static bool IsAlive(ulong obj)
        {
            if (!Nursery.Contains(obj)) return true;
            uint w = *ObjectLayout.GcWord(obj);
            return w == Nursery.ForwardedWord || w == Nursery.PinnedWord;
        }

        /// <summary>The slots of the old objects overlapping the dirty card [<paramref name="from"/>, <paramref name="to"/>).</summary>
        private static void ScanCard(ulong from, ulong to)
        {
            PageKind kind = Heap.FindRun(from, out ulong run, out ulong pages);
            if (kind == PageKind.SmallBlock)
            {
                var b = (SmallObjectSpace.Block*)run;
                ulong cs = b->CellSize;
                ulong first = run + SmallObjectSpace.BlockHeaderSize;
                ulong end = first + b->CellCount * cs;
                ulong cell = from <= first ? first : first + (from - first) / cs * cs;
                for (; cell < to && cell < end; cell += cs)
                {
                    if (*(uint*)cell == ObjectLayout.FreeCell) continue;
                    ForwardFields(cell + ObjectLayout.HeaderSize);
                }
            }
            else if (kind == PageKind.LargeObject)
            {
                ulong obj = run + LargeObjectSpace.HeaderSize + ObjectLayout.HeaderSize;
                Marker.ForEachReferenceSlotIn(obj, from, to, &ForwardSlotVisitor, 0);
            }
        }
    }
}
