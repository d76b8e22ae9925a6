using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// GC handles (GCHandle, DependentHandle). A handle is the address of a 32-byte slot:
    /// +0 the object reference (read directly by the CoreLib's GCHandle), +8 the secondary
    /// object of a dependent handle, +16 the GCHandleType, +24 free-list link. Slots are
    /// 8-byte aligned so the CoreLib may tag bit 0. Freed slots are reused.
    /// Without a collector every handle keeps its target alive; weak handles therefore never
    /// observe collection yet (the runtime issue adds that).
    /// </summary>
    public static unsafe class Handles
    {
        private struct Slot
        {
            public IntPtr Object;
            public IntPtr Secondary;
            public long Type;
            public Slot* NextFree;
        }

        private static Slot* s_free;
        private static long s_live;

        /// <summary>Handles currently allocated.</summary>
        public static long LiveCount => s_live;

        private static Slot* NewSlot(int type)
        {
            Slot* s = s_free;
            if (s != null) s_free = s->NextFree;
            else
            {
                s = (Slot*)Heap.Alloc((ulong)sizeof(Slot));
                if (s == null) Panic.Halt("GC handle table: out of memory");
            }
            s->Type = type; s->NextFree = null; s->Secondary = IntPtr.Zero;
            s_live++;
            return s;
        }

        private static IntPtr Ref(object o) => Unsafe.As<object, IntPtr>(ref o);

        [RuntimeExport("RhpHandleAlloc")]
        public static IntPtr RhpHandleAlloc(object value, int type)
        {
            Slot* s = NewSlot(type);
            s->Object = Ref(value);
            return (IntPtr)s;
        }

        [RuntimeExport("RhpHandleAllocDependent")]
        public static IntPtr RhpHandleAllocDependent(object primary, object secondary)
        {
            Slot* s = NewSlot(6); // HNDTYPE_DEPENDENT
            s->Object = Ref(primary);
            s->Secondary = Ref(secondary);
            return (IntPtr)s;
        }

        [RuntimeExport("RhHandleFree")]
        public static void RhHandleFree(IntPtr handle)
        {
            Slot* s = (Slot*)((long)handle & ~7L);
            if (s == null) return;
            s->Object = IntPtr.Zero; s->Secondary = IntPtr.Zero;
            s->NextFree = s_free;
            s_free = s;
            s_live--;
        }

        [RuntimeExport("RhHandleSet")]
        public static void RhHandleSet(IntPtr handle, object value)
        {
            ((Slot*)((long)handle & ~7L))->Object = Ref(value);
        }

        [RuntimeExport("RhHandleGetDependent")]
        public static object RhHandleGetDependent(IntPtr handle, IntPtr* secondary)
        {
            Slot* s = (Slot*)((long)handle & ~7L);
            *secondary = s->Secondary;
            IntPtr p = s->Object;
            return Unsafe.As<IntPtr, object>(ref p);
        }

        [RuntimeExport("RhHandleSetDependentSecondary")]
        public static void RhHandleSetDependentSecondary(IntPtr handle, object secondary)
        {
            ((Slot*)((long)handle & ~7L))->Secondary = Ref(secondary);
        }
    }
}
