using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Managed object allocation: the slow paths behind the X# fast paths (<c>RhpNewFast</c>, <c>RhpNewArrayFast</c>,
    /// <c>RhpNewPtrArrayFast</c>, <c>RhNewString</c> in Amd64/AllocationHelpers.cs, which bump the thread's nursery
    /// context) and the other allocation helpers ilc-generated code and the CoreLib call. Objects up to
    /// <see cref="Nursery.MaxObjectSize"/> bytes without a finalizer go to the nursery (generation 0); objects with a
    /// finalizer, pinned-heap requests (GC_ALLOC_PINNED_OBJECT_HEAP) and larger objects go to the old generation: the
    /// size-class free lists up to <see cref="SmallObjectSpace.MaxSize"/> bytes, the large-object space above. Any of them
    /// may start a collection (<see cref="GarbageCollector"/>). The object reference points at the MethodTable pointer,
    /// the 8-byte object header sits just below it, arrays/strings store their length as a 32-bit integer at offset 8.
    /// Objects are zeroed (header included). Objects of types with a finalizer are registered for finalization.
    /// </summary>
    public static unsafe class Allocation
    {
        /// <summary>Total bytes (heap cells) handed out for managed objects since boot.</summary>
        public static ulong AllocatedBytes => GarbageCollector.TotalAllocatedBytes;

        /// <summary>GC_ALLOC_PINNED_OBJECT_HEAP (dotnet/runtime gcinterface.h): the object must never move.</summary>
        public const uint PinnedObjectHeapFlag = 0x40;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static object ToObject(ulong p) => Unsafe.As<ulong, object>(ref p);

        /// <summary>Allocates and zeroes an object of <paramref name="size"/> bytes (8-aligned, header included) with MethodTable <paramref name="mt"/>.</summary>
        /// <remarks>
        /// Runs with interrupts disabled (so no thread switch) from taking the cell until the MethodTable pointer is
        /// written, the object is registered for finalization and its address is an object reference the GC info of
        /// this code reports: a collection started by another thread never sees a half-made object nor misses the new
        /// one (with precise stack roots an address held as an integer is no root), and the size-class lists and the
        /// nursery contexts are never entered twice.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static object Alloc(MethodTable* mt, ulong size, bool mayBeFinalizable = true, int arrayLength = -1, bool pinned = false)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (GarbageCollector.StressInterval != 0) GarbageCollector.StressTick();
            ulong cell = 0;
            bool finalizable = mayBeFinalizable && (mt->Flags & MethodTable.HasFinalizerFlag) != 0;
            if (!finalizable && !pinned && size <= Nursery.MaxObjectSize && Nursery.Enabled)
                cell = Nursery.Alloc(size, GarbageCollector.NurseryMayCollect);
            if (cell != 0)
            {
                // Nursery chunks are zeroed when taken.
            }
            else if (size <= SmallObjectSpace.MaxSize)
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
            if (finalizable) Finalization.Register(obj);
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

        /// <summary>Slow path of the X# RhpNewFast (newobj of a type without finalizer) when the object does not fit the thread's context.</summary>
        [RuntimeExport("cosmos_alloc_object_slow")]
        public static object AllocObjectSlow(MethodTable* mt) => Alloc(mt, (mt->BaseSize + 7) & ~7UL, mayBeFinalizable: false);

        /// <summary>newobj for a type with a finalizer (RhpNewFinalizable): the object is registered for finalization (old generation).</summary>
        [RuntimeExport("RhpNewFinalizable")]
        public static object RhpNewFinalizable(MethodTable* mt) => Alloc(mt, (mt->BaseSize + 7) & ~7UL);

        /// <summary>
        /// Slow path of the X# newarr helpers (ilc 10's <c>RhpNewArrayFast</c> for arrays of values, <c>RhpNewPtrArrayFast</c>
        /// for arrays of references, the CoreLib's <c>RhNewString</c>): a negative or too large length throws
        /// OverflowException through the CoreLib.
        /// </summary>
        [RuntimeExport("cosmos_alloc_array_slow")]
        public static object AllocArraySlow(MethodTable* mt, int length) => NewArray(mt, length, pinned: false);

        private static object NewArray(MethodTable* mt, int length, bool pinned)
        {
            ulong size = ArraySize(mt, length);
            if (size == ulong.MaxValue || size > int.MaxValue * 2UL) return ToObject(Failed(mt, true));
            return Alloc(mt, size, arrayLength: length, pinned: pinned);
        }

        /// <summary>RhAllocateNewArray: array allocation with GC_ALLOC_FLAGS (<see cref="PinnedObjectHeapFlag"/>: old generation, never moves), result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewArray")]
        public static void RhAllocateNewArray(MethodTable* mt, uint length, uint flags, void* result)
        {
            object o = NewArray(mt, (int)length, (flags & PinnedObjectHeapFlag) != 0);
            Unsafe.Write(result, o);
        }

        /// <summary>RhAllocateNewObject: object allocation with GC_ALLOC_FLAGS (<see cref="PinnedObjectHeapFlag"/>: old generation, never moves), result written to *<paramref name="result"/>.</summary>
        [RuntimeExport("RhAllocateNewObject")]
        public static void RhAllocateNewObject(MethodTable* mt, uint flags, void* result)
        {
            object o = Alloc(mt, (mt->BaseSize + 7) & ~7UL, pinned: (flags & PinnedObjectHeapFlag) != 0);
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
