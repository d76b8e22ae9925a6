using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The GC queries and controls the CoreLib imports, answered truthfully for a heap that
    /// has no collector yet: zero collections have happened, one generation (0) holds every
    /// object, and requests that need a collector (GC.Collect, no-GC regions, the finalizer
    /// thread) stop with a panic that says so.
    /// </summary>
    public static unsafe class GCInfo
    {
        [RuntimeExport("RhpGetGcTotalMemory")]
        public static long RhpGetGcTotalMemory() => (long)Allocation.AllocatedBytes;

        [RuntimeExport("RhGetTotalAllocatedBytes")]
        public static long RhGetTotalAllocatedBytes() => (long)Allocation.AllocatedBytes;

        [RuntimeExport("RhGetGcCollectionCount")]
        public static int RhGetGcCollectionCount(int generation, bool getSpecialGCCount) => 0;

        [RuntimeExport("RhGetMaxGcGeneration")]
        public static int RhGetMaxGcGeneration() => 0;

        [RuntimeExport("RhGetGenerationSize")]
        public static int RhGetGenerationSize(int generation) => generation == 0 ? (int)Math.Min(Heap.UsedBytes, int.MaxValue) : 0;

        [RuntimeExport("RhGetGenerationBudget")]
        public static long RhGetGenerationBudget(int generation) => generation == 0 ? (long)Heap.FreeBytes : 0;

        [RuntimeExport("RhGetLastGCPercentTimeInGC")]
        public static int RhGetLastGCPercentTimeInGC() => 0;

        [RuntimeExport("RhGetTotalPauseDuration")]
        public static long RhGetTotalPauseDuration() => 0;

        /// <summary>Header bit BIT_SBLK_FINALIZER_RUN: the finalizer must not run.</summary>
        private const uint FinalizerRunBit = 0x40000000;

        private static uint* Header(object o) => (uint*)((byte*)Unsafe.As<object, IntPtr>(ref o) - 4);

        [RuntimeExport("RhSuppressFinalize")]
        public static void RhSuppressFinalize(object obj)
        {
            if (obj != null) *Header(obj) |= FinalizerRunBit;
        }

        [RuntimeExport("RhReRegisterForFinalize")]
        public static bool RhReRegisterForFinalize(object obj)
        {
            if (obj != null) *Header(obj) &= ~FinalizerRunBit;
            return true;
        }

        [RuntimeExport("RhpCollect")]
        public static void RhpCollect(int generation, int mode, int lowMemory)
            => Panic.Halt("GC.Collect: the kernel has no garbage collector yet (Cosmos.Runtime)");

        [RuntimeExport("RhpStartNoGCRegion")]
        public static int RhpStartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC)
        {
            Panic.Halt("GC.TryStartNoGCRegion: not supported (no garbage collector yet)");
            return 0;
        }

        [RuntimeExport("RhpEndNoGCRegion")]
        public static int RhpEndNoGCRegion()
        {
            Panic.Halt("GC.EndNoGCRegion: not supported (no garbage collector yet)");
            return 0;
        }

        [RuntimeExport("RhGetMemoryInfo")]
        public static void RhGetMemoryInfo(void* info, int kind)
            => Panic.Halt("GC.GetGCMemoryInfo: not supported (no garbage collector yet)");

        [RuntimeExport("RhpGetNextFinalizableObject")]
        public static object RhpGetNextFinalizableObject()
        {
            Panic.Halt("finalizer thread: not supported (no threads and no collector yet)");
            return null;
        }

        [RuntimeExport("RhpWaitForFinalizerRequest")]
        public static uint RhpWaitForFinalizerRequest()
        {
            Panic.Halt("finalizer thread: not supported (no threads and no collector yet)");
            return 0;
        }

        [RuntimeExport("RhpSignalFinalizationComplete")]
        public static void RhpSignalFinalizationComplete(uint count, int observedFullGcCount)
            => Panic.Halt("finalizer thread: not supported (no threads and no collector yet)");

        [RuntimeExport("RhWaitForPendingFinalizers")]
        public static void RhWaitForPendingFinalizers(int allowReentrantWait)
            => Panic.Halt("GC.WaitForPendingFinalizers: not supported (no collector yet)");

        [RuntimeExport("RhBulkMoveWithWriteBarrier")]
        public static void RhBulkMoveWithWriteBarrier(byte* dest, byte* src, UIntPtr size) => Memory.Move(dest, src, (ulong)size);

        [RuntimeExport("RhpGcSafeZeroMemory")]
        public static byte* RhpGcSafeZeroMemory(byte* dest, UIntPtr size)
        {
            Memory.Set(dest, 0, (ulong)size);
            return dest;
        }
    }

    /// <summary>Raw memory helpers bound to the X# memmove/memset.</summary>
    public static unsafe class Memory
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("memmove")]
        private static extern void* MemMove(byte* dest, byte* src, ulong size);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("memset")]
        private static extern void* MemSet(byte* dest, int value, ulong size);

        /// <summary>Copies <paramref name="size"/> bytes; the ranges may overlap.</summary>
        public static void Move(byte* dest, byte* src, ulong size) => MemMove(dest, src, size);
        /// <summary>Fills <paramref name="size"/> bytes with <paramref name="value"/>.</summary>
        public static void Set(byte* dest, byte value, ulong size) => MemSet(dest, value, size);
    }
}
