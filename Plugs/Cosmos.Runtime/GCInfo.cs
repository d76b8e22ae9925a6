using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The GC queries and controls the CoreLib imports, answered by <see cref="GarbageCollector"/>.
    /// The collector has one generation: GC.MaxGeneration is 0, every heap object is in generation 0,
    /// frozen objects (preinitialized data) report int.MaxValue as in .NET 8+, and every collection is
    /// a full one, so GC.CollectionCount(n) returns the number of collections for any n ≥ 0.
    /// Sizes are bytes of heap cells (objects rounded up to their size class); durations come from
    /// the TSC. No-GC regions are not supported and panic saying so.
    /// (Finalization exports: GC/Finalization.cs; GC reporting frames: GC/Roots.cs.)
    /// </summary>
    public static unsafe class GCInfo
    {
        /// <summary>GC.GetTotalMemory: bytes of live objects after the last collection plus bytes allocated since.</summary>
        [RuntimeExport("RhpGetGcTotalMemory")]
        public static long RhpGetGcTotalMemory() => (long)GarbageCollector.TotalMemory;

        /// <summary>GC.GetTotalAllocatedBytes: bytes allocated since boot.</summary>
        [RuntimeExport("RhGetTotalAllocatedBytes")]
        public static long RhGetTotalAllocatedBytes() => (long)GarbageCollector.TotalAllocatedBytes;

        /// <summary>GC.GetTotalAllocatedBytes(precise: true): the count is always exact here.</summary>
        [RuntimeExport("RhGetTotalAllocatedBytesPrecise")]
        public static long RhGetTotalAllocatedBytesPrecise() => (long)GarbageCollector.TotalAllocatedBytes;

        /// <summary>GC.GetAllocatedBytesForCurrentThread: one thread, so all bytes allocated since boot.</summary>
        [RuntimeExport("RhGetAllocatedBytesForCurrentThread")]
        public static long RhGetAllocatedBytesForCurrentThread() => (long)GarbageCollector.TotalAllocatedBytes;

        /// <summary>GC.CollectionCount: collections so far, for any generation ≥ 0 (all collections are full ones).</summary>
        [RuntimeExport("RhGetGcCollectionCount")]
        public static int RhGetGcCollectionCount(int generation, bool getSpecialGCCount)
            => generation >= 0 && !getSpecialGCCount ? GarbageCollector.CollectionCount : 0;

        /// <summary>GC.MaxGeneration: 0 (one generation).</summary>
        [RuntimeExport("RhGetMaxGcGeneration")]
        public static int RhGetMaxGcGeneration() => 0;

        /// <summary>GC.GetGeneration: 0 for heap objects, int.MaxValue for frozen objects.</summary>
        [RuntimeExport("RhGetGeneration")]
        public static int RhGetGeneration(object obj) => obj != null && GarbageCollector.IsFrozen(obj) ? int.MaxValue : 0;

        /// <summary>Size of generation 0 (all managed objects) in bytes, saturated to int.</summary>
        [RuntimeExport("RhGetGenerationSize")]
        public static int RhGetGenerationSize(int generation)
            => generation == 0 ? (int)Math.Min(GarbageCollector.TotalMemory, int.MaxValue) : 0;

        /// <summary>Bytes generation 0 may still allocate before the next collection.</summary>
        [RuntimeExport("RhGetGenerationBudget")]
        public static long RhGetGenerationBudget(int generation)
        {
            if (generation != 0) return 0;
            ulong b = GarbageCollector.Budget, a = GarbageCollector.AllocatedSinceLastCollection;
            return b > a ? (long)(b - a) : 0;
        }

        /// <summary>GC.GetLastGCPercentTimeInGC: pause of the last collection as a percentage of the time since the end of the one before (or boot).</summary>
        [RuntimeExport("RhGetLastGCPercentTimeInGC")]
        public static int RhGetLastGCPercentTimeInGC()
        {
            ulong end = GarbageCollector.LastCollectionEndTsc;
            if (end == 0) return 0;
            ulong from = GarbageCollector.CollectionCount > 1 ? GarbageCollector.PreviousCollectionEndTsc : Native.GetBootInfo()->EntryTsc;
            ulong since = end - from;
            return since == 0 ? 0 : (int)(GarbageCollector.LastPauseTicks * 100 / since);
        }

        /// <summary>GC.GetTotalPauseDuration: sum of all collection pauses in TimeSpan ticks (100 ns).</summary>
        [RuntimeExport("RhGetTotalPauseDuration")]
        public static long RhGetTotalPauseDuration()
        {
            ulong hz = RuntimeEnvironment.TscFrequency;
            if (hz == 0) Panic.Halt("GC.GetTotalPauseDuration: the TSC frequency has not been measured yet");
            return (long)((UInt128)GarbageCollector.TotalPauseTicks * 10_000_000 / hz);
        }

        /// <summary>GC.Collect (any generation and mode): a full blocking collection.</summary>
        [RuntimeExport("RhpCollect")]
        public static void RhpCollect(int generation, int mode, int lowMemory) => GarbageCollector.Collect();

        /// <summary>GC.WaitForPendingFinalizers: runs the due finalizers inline on the caller (no finalizer thread exists yet).</summary>
        [RuntimeExport("RhWaitForPendingFinalizers")]
        public static void RhWaitForPendingFinalizers(int allowReentrantWait) => Threads.WaitForPendingFinalizers();

        [RuntimeExport("RhpStartNoGCRegion")]
        public static int RhpStartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC)
        {
            Panic.Halt("GC.TryStartNoGCRegion: not supported by the Cosmos collector");
            return 0;
        }

        [RuntimeExport("RhpEndNoGCRegion")]
        public static int RhpEndNoGCRegion()
        {
            Panic.Halt("GC.EndNoGCRegion: not supported by the Cosmos collector");
            return 0;
        }

        /// <summary>
        /// GC.GetGCMemoryInfo: fills the CoreLib's GCMemoryInfoData (sequential layout, verified in the 9.0.18 CoreLib:
        /// ten longs — high-load threshold, total available, memory load, heap size, fragmented, committed, promoted,
        /// pinned objects, pending finalizers, index — at 0..79, generation and pause percentage at 80/84, the
        /// compacted/concurrent bytes at 88/89, five GCGenerationInfo of 4 longs at 96..255, two TimeSpan pauses at
        /// 256/264) from the last collection. Every collection is a full blocking one of generation 0, so GCKind.Any
        /// and FullBlocking describe it and Ephemeral/Background find none (all zero). Memory figures: the page heap's
        /// size (available), its used pages (load, threshold 90 %), the collector's blocks and large objects
        /// (committed, heap size), their bytes not live after the last collection (fragmented).
        /// </summary>
        [RuntimeExport("RhGetMemoryInfo")]
        public static void RhGetMemoryInfo(byte* data, int kind)
        {
            for (int i = 0; i < 272; i++) data[i] = 0;
            long* l = (long*)data;
            long total = (long)Heap.TotalBytes;
            l[0] = total / 10 * 9;
            l[1] = total;
            l[2] = (long)Heap.UsedBytes;
            long committed = (long)(GarbageCollector.SmallBlockBytes + GarbageCollector.LargeObjectBytes);
            long live = (long)GarbageCollector.LiveBytesAfterLastCollection;
            l[3] = committed;
            l[5] = committed;
            l[8] = (long)GarbageCollector.PendingFinalizers;
            bool any = kind == 0 || kind == 2;   // GCKind.Any, FullBlocking
            if (!any || GarbageCollector.CollectionCount == 0) return;
            l[4] = committed > live ? committed - live : 0;
            l[6] = live;
            l[9] = GarbageCollector.CollectionCount;
            ulong hz = RuntimeEnvironment.TscFrequency;
            ulong uptime = Native.Rdtsc() - Native.GetBootInfo()->EntryTsc;
            *(int*)(data + 84) = uptime == 0 ? 0 : (int)(GarbageCollector.TotalPauseTicks * 100 / uptime);
            long* gen0 = (long*)(data + 96);
            gen0[0] = live + (long)GarbageCollector.LastFreedBytes;   // size before
            gen0[2] = live;                                            // size after
            if (hz != 0) *(long*)(data + 256) = (long)((UInt128)GarbageCollector.LastPauseTicks * 10_000_000 / hz);
        }

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
