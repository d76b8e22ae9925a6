using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// The mark phase's machinery: marking a reference (store the epoch in the object's GC word),
    /// an explicit mark stack of object addresses whose fields still have to be scanned, precise
    /// field scanning from the MethodTable's GCDesc, and conservative marking of arbitrary words.
    /// <para>
    /// GCDesc (dotnet/runtime src/coreclr/gc/gcdesc.h; verified on ilc 9.0.18 MethodTables): the
    /// signed series count N is the qword at MT − 8. N &gt; 0: N series of two qwords below it; the
    /// series nearest the count is at MT − 24 as {size, offset}; the pointer run starts at
    /// object + offset and is size + (object's exact size) bytes long (size is stored minus the base
    /// size, so it grows with array length). N &lt; 0 (arrays of structs with references): the start
    /// offset is at MT − 16 and −N items {u32 pointer count, u32 bytes to skip} at MT − 24, MT − 32 …;
    /// the items repeat from object + offset until object + exact size − 8.
    /// </para>
    /// The mark stack lives in heap pages (<see cref="PageKind.Meta"/>) and doubles when full; if the
    /// heap cannot supply pages, the object stays marked but unscanned, an overflow flag is set, and
    /// <see cref="Drain"/> rescans every marked object of the heap until no overflow remains.
    /// Objects in the kernel image (frozen objects ilc emitted) are never marked: they are roots
    /// (<see cref="Roots"/>) and are not collected.
    /// </summary>
    internal static unsafe class Marker
    {
        private const ulong InitialStackBytes = 64 * 1024;

        private static ulong* s_stack;
        private static ulong s_sp, s_capacity;
        private static bool s_overflow;
        private static ulong s_imageStart, s_imageSize;
        private static ulong s_overflowRescans;

        /// <summary>The current collection's epoch (value stored in the GC word of marked objects).</summary>
        public static uint Epoch;
        /// <summary>When true every reference marked precisely is checked to be an object start (debugging aid; slow).</summary>
        public static bool Verify;

        /// <summary>Times the mark stack overflowed and the heap had to be rescanned (since boot).</summary>
        public static ulong OverflowRescans => s_overflowRescans;
        /// <summary>Mark stack capacity in entries.</summary>
        public static ulong StackCapacity => s_capacity;

        /// <summary>Records the kernel image bounds (its frozen objects are never marked).</summary>
        public static void Initialize(ulong imageStart, ulong imageEnd)
        {
            s_imageStart = imageStart;
            s_imageSize = imageEnd - imageStart;
        }

        /// <summary>Starts a mark phase with epoch <paramref name="epoch"/>.</summary>
        public static void Begin(uint epoch)
        {
            Epoch = epoch;
            s_sp = 0;
            s_overflow = false;
            if (s_stack == null)
            {
                ulong p = Heap.AllocPages(InitialStackBytes / Heap.PageSize, PageKind.Meta);
                if (p != 0) { s_stack = (ulong*)p; s_capacity = InitialStackBytes / 8; }
            }
        }

        /// <summary>True when <paramref name="obj"/> lies in the kernel image (a frozen object).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool InImage(ulong obj) => obj - s_imageStart < s_imageSize;

        /// <summary>Marks the object <paramref name="obj"/> (a valid object reference or 0) and queues it for scanning.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void MarkRef(ulong obj)
        {
            if (obj == 0 || obj - s_imageStart < s_imageSize) return;
            uint* w = (uint*)(obj - 8);
            if (*w == Epoch) return;
            if (Verify) VerifyReference(obj);
            *w = Epoch;
            if ((((MethodTable*)*(ulong*)obj)->Flags & MethodTable.HasPointersFlag) == 0) return;
            if (s_sp == s_capacity) { Overflowing(obj); return; }
            s_stack[s_sp++] = obj;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Overflowing(ulong obj)
        {
            if (Grow()) s_stack[s_sp++] = obj;
            else s_overflow = true;
        }

        /// <summary>True when <paramref name="obj"/> survives this collection so far (marked, or not a collectable object at all).</summary>
        public static bool IsMarked(ulong obj)
        {
            if (obj == 0) return true;
            if (InImage(obj)) return true;
            if (*(uint*)(obj - 8) == Epoch) return true;
            // Objects outside the collector's pages (runtime frozen segments) are never collected.
            PageKind kind = Heap.FindRun(obj, out _, out _);
            return kind != PageKind.SmallBlock && kind != PageKind.LargeObject && kind != PageKind.Nursery;
        }

        private static bool Grow()
        {
            ulong newCapacity = s_capacity == 0 ? InitialStackBytes / 8 : s_capacity * 2;
            ulong p = Heap.AllocPages(newCapacity * 8 / Heap.PageSize, PageKind.Meta);
            if (p == 0) return false;
            if (s_stack != null)
            {
                Memory.Move((byte*)p, (byte*)s_stack, s_sp * 8);
                Heap.FreePages((ulong)s_stack);
            }
            s_stack = (ulong*)p;
            s_capacity = newCapacity;
            return true;
        }

        /// <summary>
        /// Marks the object containing <paramref name="value"/> if the value points into an allocated
        /// object of the collector's heap (interior pointers included); other values are ignored.
        /// Used for conservative roots (stacks, spilled registers, interior GC-reporting slots).
        /// </summary>
        public static void MarkConservative(ulong value)
        {
            // A minor collection reuses the root scanners: conservative words pin in its pin phase and are done in its forward phase.
            if (Scavenger.Phase != 0)
            {
                if (Scavenger.Phase == 1) Scavenger.PinConservative(value);
                return;
            }
            if (value < Heap.LowestAddress || value >= Heap.HighestAddress) return;
            ulong obj = FindObject(value);
            if (obj != 0) MarkRef(obj);
        }

        /// <summary>The collector object containing <paramref name="address"/> (interior pointers included), or 0.</summary>
        public static ulong FindObject(ulong address)
        {
            PageKind kind = Heap.FindRun(address, out ulong run, out _);
            if (kind == PageKind.SmallBlock) return SmallObjectSpace.FindObject(run, address);
            if (kind == PageKind.LargeObject) return LargeObjectSpace.FindObject(run, address);
            if (kind == PageKind.Nursery) return Nursery.FindObject(address);
            return 0;
        }

        /// <summary>Scans the fields of every queued object until the mark stack is empty (handles overflow by rescanning the heap).</summary>
        public static void Drain()
        {
            while (true)
            {
                DrainStack();
                if (!s_overflow) return;
                s_overflow = false;
                s_overflowRescans++;
                SmallObjectSpace.ForEachObject(&RescanIfMarked);
                LargeObjectSpace.ForEachObject(&RescanIfMarked);
                if (Nursery.Enabled) Nursery.ForEachObject(&RescanIfMarked);
                Roots.ScanFrozenSegments();
            }
        }

        /// <summary>
        /// Marks <paramref name="r"/> (a reference read from a scanned field) if it is an unmarked heap
        /// object; true when it was newly marked and has reference fields (the caller pushes it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool MarkField(ulong r, uint epoch, ulong imageStart, ulong imageSize)
        {
            if (r == 0 || r - imageStart < imageSize) return false;
            uint* w = (uint*)(r - 8);
            if (*w == epoch) return false;
            if (Verify) VerifyReference(r);
            *w = epoch;
            return (((MethodTable*)*(ulong*)r)->Flags & MethodTable.HasPointersFlag) != 0;
        }

        /// <summary>The mark loop: pops objects and marks their fields (the GCDesc walk of <see cref="ScanObject"/>, inlined, with the loop state in locals).</summary>
        private static void DrainStack()
        {
            ulong* stack = s_stack;
            ulong sp = s_sp, capacity = s_capacity;
            uint epoch = Epoch;
            ulong imageStart = s_imageStart, imageSize = s_imageSize;
            while (sp > 0)
            {
                ulong obj = stack[--sp];
                MethodTable* mt = *(MethodTable**)obj;
                long* desc = (long*)mt;
                long series = desc[-1];
                ulong size = mt->BaseSize;
                if ((mt->Flags & MethodTable.HasComponentSizeFlag) != 0) size += (ulong)*(uint*)(obj + 8) * (mt->Flags & 0xFFFF);
                if (series > 0)
                {
                    long* sd = desc - 3;
                    for (long i = 0; i < series; i++, sd -= 2)
                    {
                        ulong* p = (ulong*)(obj + (ulong)sd[1]);
                        ulong* end = (ulong*)((byte*)p + (ulong)(sd[0] + (long)size));
                        for (; p < end; p++)
                        {
                            ulong r = *p;
                            if (!MarkField(r, epoch, imageStart, imageSize)) continue;
                            if (sp == capacity) { s_sp = sp; Overflowing(r); stack = s_stack; sp = s_sp; capacity = s_capacity; continue; }
                            stack[sp++] = r;
                        }
                    }
                }
                else
                {
                    ulong* p = (ulong*)(obj + (ulong)desc[-2]);
                    ulong* end = (ulong*)(obj + size - 8);
                    uint* items = (uint*)(desc - 3);
                    long count = -series;
                    while (p < end)
                    {
                        uint* item = items;
                        for (long i = 0; i < count; i++, item -= 2)
                        {
                            ulong* stop = p + item[0];
                            for (; p < stop; p++)
                            {
                                ulong r = *p;
                                if (!MarkField(r, epoch, imageStart, imageSize)) continue;
                                if (sp == capacity) { s_sp = sp; Overflowing(r); stack = s_stack; sp = s_sp; capacity = s_capacity; continue; }
                                stack[sp++] = r;
                            }
                            p = (ulong*)((byte*)p + item[1]);
                        }
                    }
                }
            }
            s_sp = 0;
        }

        private static void RescanIfMarked(ulong obj)
        {
            if (*(uint*)(obj - 8) == Epoch && (ObjectLayout.MT(obj)->Flags & MethodTable.HasPointersFlag) != 0)
            {
                ScanObject(obj);
                DrainStack();
            }
        }

        /// <summary>Marks every reference field of <paramref name="obj"/> (precise, from the GCDesc).</summary>
        public static void ScanObject(ulong obj)
        {
            MethodTable* mt = ObjectLayout.MT(obj);
            if ((mt->Flags & MethodTable.HasPointersFlag) == 0) return;
            long* desc = (long*)mt;
            long series = desc[-1];
            ulong size = ObjectLayout.ExactSize(obj, mt);
            if (series > 0)
            {
                long* s = desc - 3;
                for (long i = 0; i < series; i++, s -= 2)
                {
                    ulong* p = (ulong*)(obj + (ulong)s[1]);
                    ulong* end = (ulong*)((byte*)p + (ulong)(s[0] + (long)size));
                    for (; p < end; p++) MarkRef(*p);
                }
            }
            else
            {
                ulong* p = (ulong*)(obj + (ulong)desc[-2]);
                ulong* end = (ulong*)(obj + size - 8);
                uint* items = (uint*)(desc - 3);
                long count = -series;
                while (p < end)
                {
                    uint* item = items;
                    for (long i = 0; i < count; i++, item -= 2)
                    {
                        uint nptrs = item[0], skip = item[1];
                        ulong* stop = p + nptrs;
                        for (; p < stop; p++) MarkRef(*p);
                        p = (ulong*)((byte*)p + skip);
                    }
                }
            }
        }

        /// <summary>Calls <paramref name="visit"/>(address of the slot) for every reference field of <paramref name="obj"/> (same walk as <see cref="ScanObject"/>).</summary>
        public static void ForEachReferenceSlot(ulong obj, delegate*<ulong*, ulong, void> visit, ulong context)
            => ForEachReferenceSlotIn(obj, 0, ulong.MaxValue, visit, context);

        /// <summary>
        /// As <see cref="ForEachReferenceSlot"/>, for the slots in [<paramref name="from"/>, <paramref name="to"/>) only (a
        /// card of a large array: the series of a plain object array is clamped to the range, not walked whole).
        /// </summary>
        public static void ForEachReferenceSlotIn(ulong obj, ulong from, ulong to, delegate*<ulong*, ulong, void> visit, ulong context)
        {
            MethodTable* mt = ObjectLayout.MT(obj);
            if ((mt->Flags & MethodTable.HasPointersFlag) == 0) return;
            long* desc = (long*)mt;
            long series = desc[-1];
            ulong size = ObjectLayout.ExactSize(obj, mt);
            if (series > 0)
            {
                long* s = desc - 3;
                for (long i = 0; i < series; i++, s -= 2)
                {
                    ulong* p = (ulong*)(obj + (ulong)s[1]);
                    ulong* end = (ulong*)((byte*)p + (ulong)(s[0] + (long)size));
                    if ((ulong)p < from) p = (ulong*)((from + 7) & ~7UL);
                    if ((ulong)end > to) end = (ulong*)to;
                    for (; p < end; p++) visit(p, context);
                }
            }
            else
            {
                ulong* p = (ulong*)(obj + (ulong)desc[-2]);
                ulong* end = (ulong*)(obj + size - 8);
                uint* items = (uint*)(desc - 3);
                long count = -series;
                while (p < end && (ulong)p < to)
                {
                    uint* item = items;
                    for (long i = 0; i < count; i++, item -= 2)
                    {
                        ulong* stop = p + item[0];
                        for (; p < stop; p++)
                            if ((ulong)p >= from && (ulong)p < to) visit(p, context);
                        p = (ulong*)((byte*)p + item[1]);
                    }
                }
            }
        }

        /// <summary>True when <paramref name="obj"/> is the start of an allocated object of the collector's heap (small or large object space).</summary>
        public static bool IsHeapObject(ulong obj)
        {
            if ((obj & 7) != 0) return false;
            PageKind kind = Heap.FindRun(obj, out ulong run, out _);
            if (kind == PageKind.SmallBlock) return SmallObjectSpace.IsObjectStart(run, obj);
            if (kind == PageKind.LargeObject) return LargeObjectSpace.IsObjectStart(run, obj);
            if (kind == PageKind.Nursery) return Nursery.IsObjectStart(obj);
            return false;
        }

        /// <summary>True when <paramref name="obj"/> is the start of an allocated collector object, or lies in a frozen segment / the kernel image.</summary>
        public static bool IsValidObject(ulong obj)
        {
            if ((obj & 7) != 0) return false;
            if (InImage(obj)) return true;
            PageKind kind = Heap.FindRun(obj, out ulong run, out _);
            if (kind == PageKind.SmallBlock) return SmallObjectSpace.IsObjectStart(run, obj);
            if (kind == PageKind.LargeObject) return LargeObjectSpace.IsObjectStart(run, obj);
            if (kind == PageKind.Nursery) return Nursery.IsObjectStart(obj);
            return Roots.InFrozenSegment(obj);
        }

        private static void VerifyReference(ulong obj)
        {
            if (!IsValidObject(obj))
                Panic.Halt("GC verify: a reference does not point at an allocated object:", obj);
        }
    }
}
