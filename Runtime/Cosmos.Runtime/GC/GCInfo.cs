using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The GC queries and controls the CoreLib imports, answered by <see cref="GarbageCollector"/>.
    /// Generations as .NET reports them: 0 is the nursery, survivors of a minor collection go straight to the old
    /// generation, which is reported as generation 2 (GC.MaxGeneration is 2; generation 1 is always empty);
    /// frozen objects (preinitialized data) report int.MaxValue as in .NET 8+. GC.CollectionCount(0) counts every
    /// collection, (1) the full ones and explicit GC.Collect(1), (2) the full ones.
    /// Sizes are bytes of heap cells (objects rounded up to their size class); durations come from the TSC.
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

        /// <summary>GC.CollectionCount(<paramref name="generation"/>): see <see cref="GarbageCollector.CollectionCountOf"/>.</summary>
        [RuntimeExport("RhGetGcCollectionCount")]
        public static int RhGetGcCollectionCount(int generation, bool getSpecialGCCount)
            => generation >= 0 && !getSpecialGCCount ? GarbageCollector.CollectionCountOf(generation) : 0;

        /// <summary>GC.MaxGeneration: 2 (the nursery is 0, the old generation 2).</summary>
        [RuntimeExport("RhGetMaxGcGeneration")]
        public static int RhGetMaxGcGeneration() => 2;

        /// <summary>GC.GetGeneration: 0 for nursery objects, 2 for old ones, int.MaxValue for frozen objects.</summary>
        [RuntimeExport("RhGetGeneration")]
        public static int RhGetGeneration(object obj) => obj == null ? 0 : GarbageCollector.GenerationOf(obj);

        /// <summary>Size of a generation in bytes, saturated to int: 0 the nursery bytes allocated since the last minor collection, 2 the old generation, others 0.</summary>
        [RuntimeExport("RhGetGenerationSize")]
        public static int RhGetGenerationSize(int generation)
        {
            ulong total = GarbageCollector.TotalMemory, old = GarbageCollector.LiveBytesAfterLastCollection + GarbageCollector.AllocatedSinceLastCollection;
            ulong size = generation == 0 ? total - old : generation == 2 ? old : 0;
            return (int)Math.Min(size, int.MaxValue);
        }

        /// <summary>Bytes a generation may still allocate before its next collection: 0 the nursery's free chunk bytes, 2 the old generation's budget left.</summary>
        [RuntimeExport("RhGetGenerationBudget")]
        public static long RhGetGenerationBudget(int generation)
        {
            if (generation == 0) return (long)GarbageCollector.NurseryFreeBytes;
            if (generation != 2) return 0;
            ulong b = GarbageCollector.Budget, a = GarbageCollector.AllocatedSinceLastCollection;
            return b > a ? (long)(b - a) : 0;
        }

        /// <summary>GC.GetTotalMemory's heap size for AddMemoryPressure (RhGetCurrentObjSize): bytes in use, as <see cref="RhpGetGcTotalMemory"/>.</summary>
        [RuntimeExport("RhGetCurrentObjSize")]
        public static long RhGetCurrentObjSize() => (long)GarbageCollector.TotalMemory;

        /// <summary>Milliseconds since boot by the TSC (RhGetGCNow; the clock of <see cref="RhGetLastGCStartTime"/>).</summary>
        [RuntimeExport("RhGetGCNow")]
        public static long RhGetGCNow() => TscToMs(Native.Rdtsc() - Native.GetBootInfo()->EntryTsc);

        /// <summary>Start of the last collection of <paramref name="generation"/> (2: the last full one), milliseconds since boot; 0 before any.</summary>
        [RuntimeExport("RhGetLastGCStartTime")]
        public static long RhGetLastGCStartTime(int generation)
        {
            ulong t = generation >= 2 ? GarbageCollector.LastFullCollectionStartTsc : GarbageCollector.LastCollectionStartTsc;
            return t == 0 ? 0 : TscToMs(t - Native.GetBootInfo()->EntryTsc);
        }

        /// <summary>Duration of the last collection of <paramref name="generation"/> (2: the last full one), milliseconds.</summary>
        [RuntimeExport("RhGetLastGCDuration")]
        public static long RhGetLastGCDuration(int generation)
            => TscToMs(generation >= 2 ? GarbageCollector.LastFullPauseTicks : GarbageCollector.LastPauseTicks);

        private static long TscToMs(ulong ticks)
        {
            ulong hz = RuntimeEnvironment.TscFrequency;
            if (hz == 0) Panic.Halt("GC timing: the TSC frequency has not been measured yet");
            return (long)((UInt128)ticks * 1000 / hz);
        }

        /// <summary>GCSettings.LatencyMode (get).</summary>
        [RuntimeExport("RhGetGcLatencyMode")]
        public static int RhGetGcLatencyMode() => GarbageCollector.LatencyMode;

        /// <summary>GCSettings.LatencyMode (set): 0 Succeeded, 1 NoGCInProgress.</summary>
        [RuntimeExport("RhSetGcLatencyMode")]
        public static int RhSetGcLatencyMode(int newLatencyMode) => GarbageCollector.SetLatencyMode(newLatencyMode);

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

        /// <summary>GC.Collect(generation, mode): generation 0 or 1 a minor collection, 2 or −1 (all) a full one; every collection blocks.</summary>
        [RuntimeExport("RhpCollect")]
        public static void RhpCollect(int generation, int mode, int lowMemory) => GarbageCollector.Collect(generation);

        /// <summary>GC.WaitForPendingFinalizers: runs the due finalizers inline on the caller (no finalizer thread exists yet).</summary>
        [RuntimeExport("RhWaitForPendingFinalizers")]
        public static void RhWaitForPendingFinalizers(int allowReentrantWait) => Threads.WaitForPendingFinalizers();

        /// <summary>GC.TryStartNoGCRegion: <see cref="GarbageCollector.StartNoGCRegion"/> (the large-object size is part of the total here).</summary>
        [RuntimeExport("RhpStartNoGCRegion")]
        public static int RhpStartNoGCRegion(long totalSize, int hasLohSize, long lohSize, int disallowFullBlockingGC)
            => GarbageCollector.StartNoGCRegion(totalSize, disallowFullBlockingGC != 0);

        /// <summary>GC.EndNoGCRegion: <see cref="GarbageCollector.EndNoGCRegion"/>.</summary>
        [RuntimeExport("RhpEndNoGCRegion")]
        public static int RhpEndNoGCRegion() => GarbageCollector.EndNoGCRegion();

        /// <summary>
        /// GC.GetGCMemoryInfo: fills the CoreLib's <see cref="GCMemoryInfoData"/> from the last collection of the kind asked
        /// (<see cref="GarbageCollector.LastCollectionOf"/>: GCKind.Any the last one, Ephemeral the last minor one —
        /// generation 0, compacted: its survivors were copied —, FullBlocking the last full one — generation 2 —,
        /// Background none: all zero). Memory figures: the page heap's size (available), its used pages (load, threshold
        /// 90 %), the collector's blocks, large objects and nursery (committed, heap size), the old generation's bytes not
        /// live after the last full collection (fragmented).
        /// </summary>
        [RuntimeExport("RhGetMemoryInfo")]
        public static void RhGetMemoryInfo(GCMemoryInfoData* data, int kind)
        {
            *data = default;
            long total = (long)Heap.TotalBytes;
            data->HighMemoryLoadThresholdBytes = total / 10 * 9;
            data->TotalAvailableMemoryBytes = total;
            data->MemoryLoadBytes = (long)Heap.UsedBytes;
            long committed = (long)(GarbageCollector.SmallBlockBytes + GarbageCollector.LargeObjectBytes + GarbageCollector.NurseryBytes);
            long live = (long)GarbageCollector.LiveBytesAfterLastCollection;
            data->HeapSizeBytes = committed;
            data->TotalCommittedBytes = committed;
            data->FinalizationPendingCount = (long)GarbageCollector.PendingFinalizers;
            var r = GarbageCollector.LastCollectionOf(kind);
            if (r.Index == 0) return;
            long old = committed - (long)GarbageCollector.NurseryBytes;
            data->FragmentedBytes = old > live ? old - live : 0;
            data->PromotedBytes = (long)r.PromotedBytes;
            data->Index = r.Index;
            data->Generation = r.Full ? 2 : 0;
            data->Compacted = r.Full ? (byte)0 : (byte)1;
            ulong hz = RuntimeEnvironment.TscFrequency;
            ulong uptime = Native.Rdtsc() - Native.GetBootInfo()->EntryTsc;
            data->PauseTimePercentage = uptime == 0 ? 0 : (int)(GarbageCollector.TotalPauseTicks * 100 / uptime);
            if (r.Full)
            {
                data->Generation2.SizeBeforeBytes = (long)r.SizeBeforeBytes;
                data->Generation2.SizeAfterBytes = (long)r.SizeAfter;
            }
            else
            {
                data->Generation0.SizeBeforeBytes = (long)r.SizeBeforeBytes;
                data->PinnedObjectsCount = (long)r.SizeAfter;
            }
            if (hz != 0) data->PauseDuration0Ticks = (long)((UInt128)r.PauseTicks * 10_000_000 / hz);
        }

        /// <summary>Copies <paramref name="size"/> bytes that may hold object references (overlap allowed), then marks the destination's cards (the copied references may point into the nursery).</summary>
        [RuntimeExport("RhBulkMoveWithWriteBarrier")]
        public static void RhBulkMoveWithWriteBarrier(byte* dest, byte* src, UIntPtr size)
        {
            Memory.Move(dest, src, (ulong)size);
            CardTable.MarkRange((ulong)dest, (ulong)size);
        }

        /// <summary>Zeroes <paramref name="size"/> bytes of GC-visible memory; returns <paramref name="dest"/>.</summary>
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

    /// <summary>
    /// Mirror of the CoreLib's <c>System.GCMemoryInfoData</c> (sequential, 272 bytes on x64), which
    /// <c>RuntimeImports.RhGetMemoryInfo(ref byte, GCKind)</c> passes by reference to its first field. Field order and types
    /// follow the CoreLib (checked against the CoreLib the kernels are built with by
    /// Tests/Cosmos.Runtime.Tests/CoreLibContractTests); names are the CoreLib's without the underscore.
    /// </summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    public struct GCMemoryInfoData
    {
        /// <summary>Memory load (bytes) above which the GC considers memory high.</summary>
        public long HighMemoryLoadThresholdBytes;
        /// <summary>Bytes of memory available to the heap.</summary>
        public long TotalAvailableMemoryBytes;
        /// <summary>Bytes of memory in use.</summary>
        public long MemoryLoadBytes;
        /// <summary>Bytes of the managed heap.</summary>
        public long HeapSizeBytes;
        /// <summary>Bytes of the heap not holding live objects.</summary>
        public long FragmentedBytes;
        /// <summary>Bytes committed for the managed heap.</summary>
        public long TotalCommittedBytes;
        /// <summary>Bytes that survived the collection.</summary>
        public long PromotedBytes;
        /// <summary>Pinned objects seen by the collection.</summary>
        public long PinnedObjectsCount;
        /// <summary>Objects waiting for their finalizer.</summary>
        public long FinalizationPendingCount;
        /// <summary>Number of the collection (GC.CollectionCount order).</summary>
        public long Index;
        /// <summary>Generation collected.</summary>
        public int Generation;
        /// <summary>Share of the time spent paused in collections, percent.</summary>
        public int PauseTimePercentage;
        /// <summary>1 when the collection compacted.</summary>
        public byte Compacted;
        /// <summary>1 when it was a background collection.</summary>
        public byte Concurrent;
        /// <summary>Per-generation sizes (generations 0–2, large and pinned object heaps).</summary>
        public GCGenerationInfo Generation0, Generation1, Generation2, Generation3, Generation4;
        /// <summary>TimeSpan ticks (100 ns) of the pauses.</summary>
        public long PauseDuration0Ticks, PauseDuration1Ticks;
    }

    /// <summary>Mirror of the CoreLib's <c>System.GCGenerationInfo</c> (four longs, bytes).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    public struct GCGenerationInfo
    {
        /// <summary>Bytes of the generation before the collection.</summary>
        public long SizeBeforeBytes;
        /// <summary>Fragmented bytes before the collection.</summary>
        public long FragmentationBeforeBytes;
        /// <summary>Bytes of the generation after the collection.</summary>
        public long SizeAfterBytes;
        /// <summary>Fragmented bytes after the collection.</summary>
        public long FragmentationAfterBytes;
    }
}
