using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// GC handles (GCHandle, WeakReference, DependentHandle / ConditionalWeakTable). A handle is the
    /// address of a 32-byte slot: +0 the object reference (the CoreLib reads and writes it directly),
    /// +8 the secondary object of a dependent handle, +16 the handle type (−1 when free), +24 the
    /// free-list link. Slots are 32-byte aligned, so the CoreLib may tag bits 0–1 of a handle
    /// (WeakReference does). Slots live in 4 KiB heap pages (<see cref="PageKind.Meta"/>): 127 slots
    /// after a 32-byte page header (link to the next page); freed slots are reused, pages are kept.
    /// <para>
    /// Collector semantics (as in .NET): Normal (2), Pinned (3), RefCounted (5; no COM here, so always
    /// strong), AsyncPinned (7) and SizedRef (8) handles are strong roots. Weak (0, "short") handles
    /// are cleared when their target is unreachable, before finalization; WeakTrackResurrection (1,
    /// "long") handles only when the target is still unreachable after finalizable objects were
    /// resurrected. A Dependent (6) handle keeps its secondary alive exactly while its primary is
    /// (iterated to a fixed point, before and after finalization) and has both cleared when the
    /// primary dies (with the long weak handles). Other types panic at allocation.
    /// </para>
    /// </summary>
    public static unsafe class Handles
    {
        private struct Slot
        {
            public ulong Object;
            public ulong Secondary;
            public long Type;
            public Slot* NextFree;
        }

        private const int SlotsPerPage = 128; // slot 0 of each page is the page header
        private const long FreeType = -1;

        /// <summary>HNDTYPE values (dotnet/runtime src/coreclr/gc/gcinterface.h).</summary>
        public const int WeakShort = 0, WeakLong = 1, Strong = 2, Pinned = 3, RefCounted = 5, Dependent = 6, AsyncPinned = 7, SizedRef = 8;

        private static Slot* s_free;
        private static ulong s_firstPage;
        private static long s_live, s_dependent;

        /// <summary>Handles currently allocated.</summary>
        public static long LiveCount => s_live;
        /// <summary>Dependent handles currently allocated.</summary>
        public static long DependentCount => s_dependent;

        private static Slot* NewSlot(int type)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            Slot* s = NewSlotLocked(type);
            CPU.RestoreInterrupts(irq);
            return s;
        }

        private static Slot* NewSlotLocked(int type)
        {
            switch (type)
            {
                case WeakShort: case WeakLong: case Strong: case Pinned: case RefCounted: case Dependent: case AsyncPinned: case SizedRef: break;
                default: Panic.Halt("GC handle type not supported:", (ulong)type); break;
            }
            Slot* s = s_free;
            if (s == null)
            {
                ulong page = Heap.AllocPages(1, PageKind.Meta);
                if (page == 0) Panic.Halt("GC handle table: out of memory");
                Heap.Zero((byte*)page, Heap.PageSize);
                *(ulong*)page = s_firstPage; // page header: link to the page allocated before
                s_firstPage = page;
                var slots = (Slot*)page;
                for (int i = SlotsPerPage - 1; i >= 1; i--)
                {
                    slots[i].Type = FreeType;
                    slots[i].NextFree = s_free;
                    s_free = &slots[i];
                }
                s = s_free;
            }
            s_free = s->NextFree;
            s->NextFree = null;
            s->Secondary = 0;
            s->Type = type;
            s_live++;
            if (type == Dependent) s_dependent++;
            return s;
        }

        private static ulong Ref(object o) => (ulong)Unsafe.As<object, IntPtr>(ref o);
        private static Slot* SlotOf(IntPtr handle) => (Slot*)((ulong)handle & ~31UL);

        /// <summary>GCHandle.Alloc (RhpHandleAlloc): a handle of <paramref name="type"/> to <paramref name="value"/>.</summary>
        [RuntimeExport("RhpHandleAlloc")]
        public static IntPtr RhpHandleAlloc(object value, int type)
        {
            Slot* s = NewSlot(type);
            s->Object = Ref(value);
            return (IntPtr)s;
        }

        /// <summary>DependentHandle allocation: <paramref name="secondary"/> lives as long as <paramref name="primary"/>.</summary>
        [RuntimeExport("RhpHandleAllocDependent")]
        public static IntPtr RhpHandleAllocDependent(object primary, object secondary)
        {
            Slot* s = NewSlot(Dependent);
            s->Object = Ref(primary);
            s->Secondary = Ref(secondary);
            return (IntPtr)s;
        }

        /// <summary>Frees a handle (tag bits ignored); freeing twice panics.</summary>
        [RuntimeExport("RhHandleFree")]
        public static void RhHandleFree(IntPtr handle)
        {
            Slot* s = SlotOf(handle);
            if (s == null) return;
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (s->Type == FreeType) Panic.Halt("GCHandle freed twice:", (ulong)handle);
            if (s->Type == Dependent) s_dependent--;
            s->Object = 0; s->Secondary = 0;
            s->Type = FreeType;
            s->NextFree = s_free;
            s_free = s;
            s_live--;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>The handle's target (primary for dependent handles).</summary>
        [RuntimeExport("RhHandleGet")]
        public static object RhHandleGet(IntPtr handle)
        {
            ulong p = SlotOf(handle)->Object;
            return Unsafe.As<ulong, object>(ref p);
        }

        /// <summary>Sets the handle's target (primary for dependent handles); returns the handle.</summary>
        [RuntimeExport("RhHandleSet")]
        public static IntPtr RhHandleSet(IntPtr handle, object value)
        {
            SlotOf(handle)->Object = Ref(value);
            return handle;
        }

        /// <summary>Primary of a dependent handle; its secondary goes to *<paramref name="secondary"/>.</summary>
        [RuntimeExport("RhHandleGetDependent")]
        public static object RhHandleGetDependent(IntPtr handle, IntPtr* secondary)
        {
            Slot* s = SlotOf(handle);
            *secondary = (IntPtr)s->Secondary;
            ulong p = s->Object;
            return Unsafe.As<ulong, object>(ref p);
        }

        /// <summary>Sets the secondary of a dependent handle.</summary>
        [RuntimeExport("RhHandleSetDependentSecondary")]
        public static void RhHandleSetDependentSecondary(IntPtr handle, object secondary)
        {
            SlotOf(handle)->Secondary = Ref(secondary);
        }

        // ---- collector hooks (run with interrupts off; allocate nothing) ----

        /// <summary>Marks the targets of the strong handle types.</summary>
        internal static void ScanStrong()
        {
            for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
            {
                var slots = (Slot*)page;
                for (int i = 1; i < SlotsPerPage; i++)
                {
                    long t = slots[i].Type;
                    if (t == Strong || t == Pinned || t == RefCounted || t == AsyncPinned || t == SizedRef)
                        Marker.MarkRef(slots[i].Object);
                }
            }
        }

        /// <summary>Minor collection, pin phase: the targets of pinned handles stay in place.</summary>
        internal static void PinPinned()
        {
            for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
            {
                var slots = (Slot*)page;
                for (int i = 1; i < SlotsPerPage; i++)
                {
                    long t = slots[i].Type;
                    ulong o = slots[i].Object;
                    if ((t == Pinned || t == AsyncPinned) && Nursery.Contains(o)) Scavenger.Pin(o);
                }
            }
        }

        /// <summary>Minor collection, forward phase: the targets of the strong handle types follow their copies.</summary>
        internal static void ForwardStrong()
        {
            for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
            {
                var slots = (Slot*)page;
                for (int i = 1; i < SlotsPerPage; i++)
                {
                    long t = slots[i].Type;
                    if (t == Strong || t == Pinned || t == RefCounted || t == AsyncPinned || t == SizedRef)
                        Scavenger.ForwardSlot(&slots[i].Object);
                }
            }
        }

        /// <summary>Minor collection: a dependent handle whose primary survives keeps its secondary alive (to a fixed point, draining the work list).</summary>
        internal static void ForwardDependents()
        {
            if (s_dependent == 0) return;
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
                {
                    var slots = (Slot*)page;
                    for (int i = 1; i < SlotsPerPage; i++)
                    {
                        if (slots[i].Type != Dependent) continue;
                        ulong primary = slots[i].Object, secondary = slots[i].Secondary;
                        if (primary == 0 || secondary == 0 || !Scavenger.IsAlive(primary) || Scavenger.IsAlive(secondary)) continue;
                        Scavenger.ForwardSlot(&slots[i].Secondary);
                        Scavenger.Drain();
                        changed = true;
                    }
                }
            }
        }

        /// <summary>
        /// Minor collection, last step: weak and dependent handles whose nursery target was not reached are cleared (a
        /// dependent handle loses both objects); the others, and the secondaries of live dependent handles, follow their copies.
        /// </summary>
        internal static void UpdateWeakAfterMinor()
        {
            for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
            {
                var slots = (Slot*)page;
                for (int i = 1; i < SlotsPerPage; i++)
                {
                    long t = slots[i].Type;
                    if (t != WeakShort && t != WeakLong && t != Dependent) continue;
                    ulong target = slots[i].Object;
                    if (!Scavenger.IsAlive(target))
                    {
                        slots[i].Object = 0;
                        slots[i].Secondary = 0;
                        continue;
                    }
                    slots[i].Object = Scavenger.Evacuate(target);
                    if (t == Dependent)
                    {
                        ulong sec = slots[i].Secondary;
                        if (!Scavenger.IsAlive(sec)) Panic.Halt("GC: a live dependent handle's secondary was not kept by the minor collection", sec);
                        slots[i].Secondary = Scavenger.Evacuate(sec);
                    }
                }
            }
        }

        /// <summary>Marks the secondary of every dependent handle whose primary is marked, draining after each, until nothing changes.</summary>
        internal static void PromoteDependents()
        {
            if (s_dependent == 0) return;
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
                {
                    var slots = (Slot*)page;
                    for (int i = 1; i < SlotsPerPage; i++)
                    {
                        if (slots[i].Type != Dependent) continue;
                        ulong primary = slots[i].Object, secondary = slots[i].Secondary;
                        if (primary == 0 || secondary == 0) continue;
                        if (!Marker.IsMarked(primary) || Marker.IsMarked(secondary)) continue;
                        Marker.MarkRef(secondary);
                        Marker.Drain();
                        changed = true;
                    }
                }
            }
        }

        /// <summary>Clears the handles of <paramref name="type"/> whose target is not marked; with <see cref="WeakLong"/> also the dependent handles whose primary is not marked (both objects).</summary>
        internal static void ClearDead(int type)
        {
            for (ulong page = s_firstPage; page != 0; page = *(ulong*)page)
            {
                var slots = (Slot*)page;
                for (int i = 1; i < SlotsPerPage; i++)
                {
                    long t = slots[i].Type;
                    if (t != type && !(type == WeakLong && t == Dependent)) continue;
                    ulong target = slots[i].Object;
                    if (target != 0 && !Marker.IsMarked(target))
                    {
                        slots[i].Object = 0;
                        slots[i].Secondary = 0;
                    }
                }
            }
        }
    }
}
