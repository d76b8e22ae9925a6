using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Managed object allocation (the helpers ilc-generated code calls for newobj/newarr and
    /// the CoreLib's RhAllocateNew* imports). Objects come from <see cref="Heap"/>; the
    /// object reference points at the MethodTable pointer, the 8-byte object header sits just
    /// below it, and arrays/strings store their length as a 32-bit integer at offset 8.
    /// </summary>
    public static unsafe class Allocation
    {
        private const uint GC_ALLOC_PINNED_OBJECT_HEAP = 0x40;
        private static ulong s_allocatedBytes;

        /// <summary>Total bytes handed out for managed objects since boot.</summary>
        public static ulong AllocatedBytes => s_allocatedBytes;

        private static object ToObject(byte* p) => Unsafe.Read<object>(&p);

        private static byte* RawAlloc(MethodTable* mt, ulong size)
        {
            byte* p = Heap.Alloc(size);
            if (p == null)
            {
                FailedAllocation(mt, false);
                return null;
            }
            *(MethodTable**)p = mt;
            s_allocatedBytes += size;
            return p;
        }

        /// <summary>Size in bytes of an array/string of <paramref name="length"/> elements, 8-byte aligned; ulong.MaxValue when negative.</summary>
        private static ulong ArraySize(MethodTable* mt, long length)
        {
            if (length < 0) return ulong.MaxValue;
            ulong size = mt->BaseSize + (ulong)length * mt->ComponentSize;
            return (size + 7) & ~7UL;
        }

        /// <summary>newobj for a type without finalizer (RhpNewFast).</summary>
        [RuntimeExport("RhpNewFast")]
        public static object RhpNewFast(MethodTable* mt) => ToObject(RawAlloc(mt, mt->BaseSize));

        /// <summary>newobj for a type with a finalizer (RhpNewFinalizable). Objects are never collected yet, so the finalizer is never due.</summary>
        [RuntimeExport("RhpNewFinalizable")]
        public static object RhpNewFinalizable(MethodTable* mt) => ToObject(RawAlloc(mt, mt->BaseSize));

        /// <summary>newarr (RhpNewArray). A negative length throws OverflowException through the CoreLib.</summary>
        [RuntimeExport("RhpNewArray")]
        public static object RhpNewArray(MethodTable* mt, int length)
        {
            ulong size = ArraySize(mt, length);
            if (size == ulong.MaxValue || size > int.MaxValue * 2UL) { FailedAllocation(mt, true); return null; }
            byte* p = RawAlloc(mt, size);
            *(int*)(p + 8) = length;
            return ToObject(p);
        }

        /// <summary>String allocation (RhNewString): <paramref name="length"/> UTF-16 code units.</summary>
        [RuntimeExport("RhNewString")]
        public static object RhNewString(MethodTable* mt, int length) => RhpNewArray(mt, length);

        /// <summary>RhAllocateNewArray: array allocation with GC_ALLOC_FLAGS, result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewArray")]
        public static void RhAllocateNewArray(MethodTable* mt, uint length, uint flags, void* result)
        {
            object o = RhpNewArray(mt, (int)length);
            Unsafe.Write(result, o);
        }

        /// <summary>RhAllocateNewObject: object allocation with GC_ALLOC_FLAGS (pinned heap requests are satisfied: nothing moves), result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewObject")]
        public static void RhAllocateNewObject(MethodTable* mt, uint flags, void* result)
        {
            object o = ToObject(RawAlloc(mt, mt->BaseSize));
            Unsafe.Write(result, o);
        }

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RhExceptionHandling_FailedAllocation")]
        private static extern void FailedAllocationImport(MethodTable* mt, bool isOverflow);

        private static void FailedAllocation(MethodTable* mt, bool isOverflow)
        {
            // The CoreLib throws OutOfMemoryException / OverflowException for us.
            FailedAllocationImport(mt, isOverflow);
            Panic.Halt("allocation failure returned from RhExceptionHandling_FailedAllocation");
        }
    }
}
