using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Managed object allocation (the helpers ilc-generated code calls for newobj/newarr and the
    /// CoreLib's RhAllocateNew* imports). Objects up to <see cref="SmallObjectSpace.MaxSize"/> bytes
    /// come from the size-class free lists, larger ones from the large-object space; both may start
    /// a collection (<see cref="GarbageCollector"/>). The object reference points at the MethodTable
    /// pointer, the 8-byte object header sits just below it, arrays/strings store their length as a
    /// 32-bit integer at offset 8. Objects are zeroed (header included). Objects of types with a
    /// finalizer are registered for finalization. Nothing moves, so pinned-heap requests
    /// (GC_ALLOC_PINNED_OBJECT_HEAP) are ordinary allocations.
    /// </summary>
    public static unsafe class Allocation
    {
        /// <summary>Total bytes (heap cells) handed out for managed objects since boot.</summary>
        public static ulong AllocatedBytes => GarbageCollector.TotalAllocatedBytes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static object ToObject(ulong p) => Unsafe.As<ulong, object>(ref p);

        /// <summary>Allocates and zeroes an object of <paramref name="size"/> bytes (8-aligned, header included) with MethodTable <paramref name="mt"/>.</summary>
        /// <remarks>
        /// Runs with interrupts disabled (so no thread switch) from taking the cell until the MethodTable pointer is
        /// written, the object is registered for finalization and its address is an object reference the GC info of
        /// this code reports: a collection started by another thread never sees a half-made object nor misses the new
        /// one (with precise stack roots an address held as an integer is no root), and the size-class lists are never
        /// entered twice.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static object Alloc(MethodTable* mt, ulong size, bool mayBeFinalizable = true, int arrayLength = -1)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (GarbageCollector.StressInterval != 0) GarbageCollector.StressTick();
            ulong cell;
            if (size <= SmallObjectSpace.MaxSize)
            {
                cell = SmallObjectSpace.Alloc((uint)size);
                if (cell == 0) { CPU.RestoreInterrupts(irq); return ToObject(Failed(mt, false)); }
                ulong* q = (ulong*)cell;
                if (size <= 256)
                {
                    ulong n = size >> 3;
                    for (ulong i = 0; i < n; i++) q[i] = 0;
                }
                else GCNative.ZeroQwords(q, size >> 3);
            }
            else
            {
                cell = LargeObjectSpace.Alloc(size);
                if (cell == 0) { CPU.RestoreInterrupts(irq); return ToObject(Failed(mt, false)); }
            }
            ulong obj = cell + ObjectLayout.HeaderSize;
            *(MethodTable**)obj = mt;
            if (arrayLength >= 0) *(int*)(obj + 8) = arrayLength;
            if (mayBeFinalizable && (mt->Flags & MethodTable.HasFinalizerFlag) != 0) Finalization.Register(obj);
            object o = ToObject(obj);
            CPU.RestoreInterrupts(irq);
            return o;
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
        public static object RhpNewFast(MethodTable* mt) => Alloc(mt, (mt->BaseSize + 7) & ~7UL, mayBeFinalizable: false);

        /// <summary>newobj for a type with a finalizer (RhpNewFinalizable): the object is registered for finalization.</summary>
        [RuntimeExport("RhpNewFinalizable")]
        public static object RhpNewFinalizable(MethodTable* mt) => Alloc(mt, (mt->BaseSize + 7) & ~7UL);

        /// <summary>
        /// newarr (ilc 10's <c>RhpNewArrayFast</c> for arrays of values, <c>RhpNewPtrArrayFast</c> for arrays of references;
        /// the CoreLib's <c>InternalCalls.RhpNewArrayFast</c>). A negative or too large length throws OverflowException
        /// through the CoreLib.
        /// </summary>
        [RuntimeExport("RhpNewArrayFast")]
        public static object RhpNewArray(MethodTable* mt, int length)
        {
            ulong size = ArraySize(mt, length);
            if (size == ulong.MaxValue || size > int.MaxValue * 2UL) return ToObject(Failed(mt, true));
            return Alloc(mt, size, arrayLength: length);
        }

        /// <summary>newarr of an array whose elements are object references (same allocation as <see cref="RhpNewArray"/>).</summary>
        [RuntimeExport("RhpNewPtrArrayFast")]
        public static object RhpNewPtrArray(MethodTable* mt, int length) => RhpNewArray(mt, length);

        /// <summary>String allocation (RhNewString): <paramref name="length"/> UTF-16 code units.</summary>
        [RuntimeExport("RhNewString")]
        public static object RhNewString(MethodTable* mt, int length) => RhpNewArray(mt, length);

        /// <summary>RhAllocateNewArray: array allocation with GC_ALLOC_FLAGS (ignored: nothing moves), result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewArray")]
        public static void RhAllocateNewArray(MethodTable* mt, uint length, uint flags, void* result)
        {
            object o = RhpNewArray(mt, (int)length);
            Unsafe.Write(result, o);
        }

        /// <summary>RhAllocateNewObject: object allocation with GC_ALLOC_FLAGS (ignored: nothing moves), result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewObject")]
        public static void RhAllocateNewObject(MethodTable* mt, uint flags, void* result)
        {
            object o = Alloc(mt, (mt->BaseSize + 7) & ~7UL);
            Unsafe.Write(result, o);
        }

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("RhExceptionHandling_FailedAllocation")]
        private static extern void FailedAllocationImport(MethodTable* mt, bool isOverflow);

        /// <summary>Reports OutOfMemory (heap exhausted after a collection) or Overflow (bad array length) through the CoreLib, which throws.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong Failed(MethodTable* mt, bool isOverflow)
        {
            FailedAllocationImport(mt, isOverflow);
            Panic.Halt("allocation failure returned from RhExceptionHandling_FailedAllocation");
            return 0;
        }
    }
}
