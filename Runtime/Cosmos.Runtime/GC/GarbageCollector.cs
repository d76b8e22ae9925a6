using System;
using System.Runtime;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The garbage collector: non-moving, non-generational mark-sweep over the size-class blocks
    /// (<see cref="SmallObjectSpace"/>) and the large-object space (<see cref="LargeObjectSpace"/>),
    /// all carved from <see cref="Heap"/> pages. Heap objects are scanned precisely from their
    /// GCDesc; stacks precisely from ilc's GC info where it describes the frame, conservatively elsewhere
    /// (<see cref="StackRoots"/>; other roots: <see cref="Roots"/>).
    /// <para>
    /// A collection (all with interrupts disabled, allocating no managed object): new epoch →
    /// mark roots (stacks, strong handles, GC statics, thread statics, frozen segments, GC
    /// reporting frames, the finalization ready queue) → promote dependent handles to a fixed
    /// point → clear short weak handles → queue unreachable finalizable objects and mark them →
    /// promote dependent handles again → clear long weak and dead dependent handles → sweep.
    /// </para>
    /// <para>
    /// Trigger: allocation pressure. After each collection the budget is max(<see cref="MinimumBudget"/>,
    /// live bytes): the allocator collects when the bytes allocated since the last collection
    /// exceed it (checked when a size class needs a new block or a large object is allocated), and
    /// whenever the heap has no pages left for a request (then retries once before reporting
    /// OutOfMemory). GC.Collect always does a full blocking collection.
    /// </para>
    /// <para>
    /// Finalizers run on the finalizer thread once the scheduler is up (Cosmos.Runtime.Threads);
    /// before that, or in kernels without threads, they run when the kernel calls
    /// <see cref="RunPendingFinalizers"/> (or GC.WaitForPendingFinalizers). Allocation is not reentrant:
    /// interrupt handlers must not allocate (a shared contract with the interrupt dispatcher).
    /// </para>
    /// </summary>
    public static unsafe class GarbageCollector
    {
        /// <summary>Smallest allocation budget between collections, in bytes (or 1/8 of the heap when that is smaller).</summary>
        public const ulong MinimumBudget = 16UL << 20;

        internal static ulong s_allocatedSinceGC;
        private static ulong s_budget = ulong.MaxValue;
        private static bool s_enabled, s_inCollection;
        private static uint s_epoch;
        private static int s_count;
        private static ulong s_liveBytes, s_liveObjects, s_totalAllocatedBefore;
        private static ulong s_lastPause, s_lastMark, s_totalPause, s_maxPause;
        private static ulong s_lastEnd, s_lastStart, s_prevEnd;
        private static ulong s_freedBytes, s_freedObjects;
        private static int s_lastReason;
        private static ulong s_lastFrozen;

        /// <summary>TSC ticks the last collection spent scanning frozen segments.</summary>
        public static ulong LastFrozenScanTicks => s_lastFrozen;
        /// <summary>Objects in all frozen segments (walks them).</summary>
        public static ulong FrozenObjectCount => Roots.CountFrozenObjects();

        /// <summary>Set by a scheduler: blocks the finalizer thread until a collection queued finalizers (see <see cref="Finalization"/>).</summary>
        public static delegate*<void> FinalizerThreadBlock;
        /// <summary>Set by a scheduler: called after a collection that queued finalizers (wake the finalizer thread).</summary>
        public static delegate*<void> FinalizerThreadWake;
        /// <summary>Set by a scheduler: called when the finalizer thread reported a drained queue.</summary>
        public static delegate*<void> FinalizationCompleted;

        /// <summary>Collections so far.</summary>
        public static int CollectionCount => s_count;
        /// <summary>Bytes of live cells after the last collection.</summary>
        public static ulong LiveBytesAfterLastCollection => s_liveBytes;
        /// <summary>Objects alive after the last collection.</summary>
        public static ulong LiveObjectsAfterLastCollection => s_liveObjects;
        /// <summary>Bytes (cells) allocated since the last collection.</summary>
        public static ulong AllocatedSinceLastCollection => s_allocatedSinceGC;
        /// <summary>Bytes that may be allocated after the last collection before the next is triggered.</summary>
        public static ulong Budget => s_budget;
        /// <summary>Bytes in use by managed objects: live bytes after the last collection plus bytes allocated since (GC.GetTotalMemory).</summary>
        public static ulong TotalMemory => s_liveBytes + s_allocatedSinceGC;
        /// <summary>Bytes of managed objects allocated since boot (cell sizes).</summary>
        public static ulong TotalAllocatedBytes => s_totalAllocatedBefore + s_allocatedSinceGC;
        /// <summary>TSC ticks of the last collection (interrupts off, all phases).</summary>
        public static ulong LastPauseTicks => s_lastPause;
        /// <summary>TSC ticks of the mark part of the last collection.</summary>
        public static ulong LastMarkTicks => s_lastMark;
        /// <summary>TSC ticks of all collections.</summary>
        public static ulong TotalPauseTicks => s_totalPause;
        /// <summary>TSC ticks of the longest collection.</summary>
        public static ulong MaxPauseTicks => s_maxPause;
        /// <summary>Bytes freed by the last collection.</summary>
        public static ulong LastFreedBytes => s_freedBytes;
        /// <summary>Objects the last collection freed (small cells that held an object plus large objects).</summary>
        public static ulong LastFreedObjects => s_freedObjects;
        /// <summary>Objects found alive by the last collection (small and large).</summary>
        public static ulong LastMarkedObjects => s_liveObjects;
        /// <summary>Words of stack scanned conservatively by the last collection (with precise stack roots: only the parts without GC info).</summary>
        public static ulong LastStackWordsScanned => StackRoots.Last.ConservativeWords;
        /// <summary>Objects registered for finalization (not yet unreachable).</summary>
        public static ulong FinalizableObjects => Finalization.RegisteredCount;
        /// <summary>Objects whose finalizer is due.</summary>
        public static ulong PendingFinalizers => Finalization.PendingCount;
        /// <summary>Finalizers that have run.</summary>
        public static ulong FinalizersRun => Finalization.FinalizedCount;
        /// <summary>GC handles in use.</summary>
        public static long HandleCount => Handles.LiveCount;
        /// <summary>Large objects alive (not yet swept).</summary>
        public static ulong LargeObjectCount => LargeObjectSpace.Count;
        /// <summary>Bytes in small-object blocks.</summary>
        public static ulong SmallBlockBytes => SmallObjectSpace.BlockBytes;
        /// <summary>Bytes in large-object runs.</summary>
        public static ulong LargeObjectBytes => LargeObjectSpace.Bytes;
        /// <summary>Mark stack overflows that forced a heap rescan, since boot.</summary>
        public static ulong MarkStackOverflows => Marker.OverflowRescans;
        /// <summary>Why the last collection ran: 0 explicit (GC.Collect), 1 budget, 2 heap exhausted.</summary>
        public static int LastReason => s_lastReason;

        /// <summary>
        /// When true, each collection checks every reference it marks (must point at an allocated
        /// object or a frozen one) and panics naming the first bad one. Slow; a debugging aid.
        /// </summary>
        public static bool VerifyReferences { get => Marker.Verify; set => Marker.Verify = value; }

        internal static bool BudgetExhausted => s_enabled && s_allocatedSinceGC >= s_budget;

        /// <summary>
        /// Sets up the collector (from <c>cosmos_early_init</c>, after <see cref="Heap.Initialize"/>):
        /// size classes, the kernel image bounds, the boot stack as the first registered stack, the
        /// first budget. Collections are possible from then on (module initialization included:
        /// uninitialized GC static slots are skipped).
        /// </summary>
        public static void Initialize()
        {
            // A second call would register the boot stack twice (it once did: Startup called this twice).
            if (s_initialized) Panic.Halt("GarbageCollector.Initialize called twice");
            s_initialized = true;
            SmallObjectSpace.Initialize();
            var bi = Native.GetBootInfo();
            Marker.Initialize(bi->KernelStart, bi->KernelEnd);
            Roots.RegisterStack(bi->StackBottom, bi->StackTop, 0, 0);
            ulong eighth = Heap.TotalBytes / 8;
            s_budget = eighth < MinimumBudget ? eighth : MinimumBudget;
            s_enabled = true;
            Cosmos.Core.Memory.Heap.CollectImplementation = &CollectForHeapApi;
        }

        /// <summary>Cosmos's <c>Heap.Collect()</c>: one full collection; the number of objects it freed.</summary>
        private static int CollectForHeapApi()
        {
            Collect();
            return s_freedObjects > int.MaxValue ? int.MaxValue : (int)s_freedObjects;
        }

        private static bool s_initialized;

        /// <summary>
        /// Registers a thread stack [<paramref name="low"/>, <paramref name="high"/>) for conservative
        /// scanning, with an optional area of saved registers outside the stack (0, 0 when the switch
        /// code pushes them onto the stack below the saved RSP). Returns the stack's id.
        /// </summary>
        public static int RegisterStack(ulong low, ulong high, ulong savedRegisters = 0, ulong savedRegistersBytes = 0)
            => Roots.RegisterStack(low, high, savedRegisters, savedRegistersBytes);

        /// <summary>Forgets a stack registered with <see cref="RegisterStack"/>.</summary>
        public static void UnregisterStack(int id) => Roots.UnregisterStack(id);

        /// <summary>
        /// Records where a switched-out thread's stack ends (its saved RSP); the collector scans from
        /// there to the top. 0 means "scan the whole stack". The stack that is running when a
        /// collection starts is always scanned from the current RSP.
        /// </summary>
        public static void SetStackSavedRsp(int id, ulong rsp) => Roots.SetSavedRsp(id, rsp);

        /// <summary>
        /// GC stress (as CoreCLR's GCStress, for finding missed roots): when not 0, every <c>StressInterval</c>-th
        /// allocation starts a full collection first. Set at boot from the QEMU fw_cfg file <c>opt/cosmos/gc-stress</c>
        /// (the test runner's <c>--gc-stress N</c>), or by a kernel. Setting it also turns on <see cref="PoisonFreedObjects"/>.
        /// </summary>
        public static uint StressInterval
        {
            get => s_stressInterval;
            set { s_stressInterval = value; s_stressCountdown = value; if (value != 0) PoisonFreedObjects = true; }
        }

        private static uint s_stressInterval, s_stressCountdown;

        /// <summary>When true the sweep overwrites freed small objects (and blocks it returns) with 0xDEADBEEFDEADBEEF, so a reference the collector missed fails fast instead of reading stale data.</summary>
        public static bool PoisonFreedObjects;

        /// <summary>Called by the allocator with interrupts disabled: counts allocations and collects every <see cref="StressInterval"/>-th one.</summary>
        internal static void StressTick()
        {
            if (--s_stressCountdown != 0) return;
            s_stressCountdown = s_stressInterval;
            CollectForAllocation(false);
        }

        /// <summary>Figures of the last collection's stack scan: frames reported precisely, words scanned conservatively.</summary>
        public static StackScanStatistics LastStackScan => StackRoots.Last;

        /// <summary>
        /// True (the default): stacks are scanned precisely where ilc's GC info describes the frame; false: every stack
        /// word is scanned conservatively, as before precise roots (kept for comparisons in tests and benchmarks).
        /// </summary>
        public static bool PreciseStackRoots
        {
            get => StackRoots.Precise;
            set => StackRoots.Precise = value;
        }

        /// <summary>Full blocking collection now (GC.Collect).</summary>
        public static void Collect() => GCNative.SpillAndCollect(0);

        /// <summary>Runs every due finalizer on the calling thread (for kernels that run without the finalizer thread); returns how many ran.</summary>
        public static int RunPendingFinalizers() => Finalization.RunPending();

        internal static void CollectForAllocation(bool heapExhausted)
        {
            if (s_allocationMayNotCollect) return;
            GCNative.SpillAndCollect(heapExhausted ? 2 : 1);
        }

        private static bool s_allocationMayNotCollect;

        /// <summary>
        /// From now on allocation never starts a collection: it uses the free memory there is and fails with
        /// OutOfMemoryException when there is none; GC.Collect still collects. The CoreLib asks for this
        /// (RhpSetThreadDoNotTriggerGC) on its fail-fast path, before it formats the crash report. NativeAOT keeps the
        /// flag per thread; here it is one flag, because it is only set while the kernel is going down.
        /// </summary>
        public static void DisableCollectionOnAllocation() => s_allocationMayNotCollect = true;

        /// <summary>True after <see cref="DisableCollectionOnAllocation"/>.</summary>
        public static bool CollectionOnAllocationDisabled => s_allocationMayNotCollect;

        /// <summary>Entry from the X# spill helper: interrupts are off and the callee-saved registers are on the stack at <paramref name="rsp"/>.</summary>
        [RuntimeExport("cosmos_gc_collect")]
        public static void CollectFromHelper(int reason, ulong rsp)
        {
            if (!s_enabled) Panic.Halt("GC: collection requested before the collector was initialized");
            if (s_inCollection) Panic.Halt("GC: collection requested during a collection (allocation while collecting?)");
            s_inCollection = true;
            ulong start = Native.Rdtsc();
            s_lastReason = reason;
            if (s_epoch == 0x7FFF_FFFE) Panic.Halt("GC: epoch counter exhausted after collections:", (ulong)s_count);
            s_epoch++;
            ulong before = s_liveBytes + s_allocatedSinceGC;

            SmallObjectSpace.ResetAllocationState();
            Marker.Begin(s_epoch);
            if (StackRoots.Precise) StackRoots.Scan(rsp);
            else
            {
                Roots.ScanStacks(rsp);
                StackRoots.RecordWholeStackScan(Roots.LastStackWords);
            }
            Handles.ScanStrong();
            Roots.ScanStatics();
            Roots.ScanThreadStatics();
            ulong t1 = Native.Rdtsc();
            Roots.ScanFrozenSegments();
            ulong t2 = Native.Rdtsc();
            Roots.ScanGCFrames();
            Finalization.ScanQueue();
            Marker.Drain();
            Handles.PromoteDependents();
            Handles.ClearDead(Handles.WeakShort);
            ulong queued = Finalization.ScanForFinalization();
            Handles.PromoteDependents();
            Handles.ClearDead(Handles.WeakLong);
            ulong marked = Native.Rdtsc();

            ulong smallLive = SmallObjectSpace.Sweep(s_epoch, out ulong smallObjects, out ulong smallFreed);
            ulong largeLive = LargeObjectSpace.Sweep(s_epoch, out ulong largeObjects, out ulong largeFreed);
            s_freedObjects = smallFreed + largeFreed;
            s_totalAllocatedBefore += s_allocatedSinceGC;
            s_allocatedSinceGC = 0;
            s_liveBytes = smallLive + largeLive;
            s_liveObjects = smallObjects + largeObjects;
            s_freedBytes = before > s_liveBytes ? before - s_liveBytes : 0;
            ulong eighth = Heap.TotalBytes / 8;
            ulong min = eighth < MinimumBudget ? eighth : MinimumBudget;
            s_budget = s_liveBytes > min ? s_liveBytes : min;
            s_count++;

            ulong end = Native.Rdtsc();
            s_lastStart = start;
            s_lastMark = marked - start;
            s_lastFrozen = t2 - t1;
            s_lastPause = end - start;
            s_totalPause += s_lastPause;
            if (s_lastPause > s_maxPause) s_maxPause = s_lastPause;
            s_prevEnd = s_lastEnd;
            s_lastEnd = end;
            s_inCollection = false;
            if (queued != 0 && FinalizerThreadWake != null) FinalizerThreadWake();
        }

        /// <summary>True while a collection runs.</summary>
        public static bool InCollection => s_inCollection;

        /// <summary>RDTSC at the end of the last collection (0 before the first).</summary>
        public static ulong LastCollectionEndTsc => s_lastEnd;
        /// <summary>RDTSC at the end of the collection before the last one.</summary>
        public static ulong PreviousCollectionEndTsc => s_prevEnd;
        /// <summary>RDTSC at the start of the last collection.</summary>
        public static ulong LastCollectionStartTsc => s_lastStart;

        /// <summary>True when <paramref name="obj"/> lives in a frozen segment or the kernel image (never collected).</summary>
        public static bool IsFrozen(object obj)
        {
            ulong a = ObjectLayout.AddressOf(obj);
            return Marker.InImage(a) || Roots.InFrozenSegment(a);
        }

        /// <summary>
        /// Walks every allocated object of the heap and checks that each reference field points at an
        /// allocated object or a frozen one; returns the number of objects checked, panics on the first
        /// bad reference (names the object and the slot). Call between collections (a test aid).
        /// </summary>
        public static ulong VerifyHeap()
        {
            s_verified = 0;
            SmallObjectSpace.ForEachObject(&VerifyCounted);
            LargeObjectSpace.ForEachObject(&VerifyCounted);
            return s_verified;
        }

        private static ulong s_verified;

        /// <summary>
        /// Walks every frozen segment object by object and checks each MethodTable pointer (in the image
        /// or in type-loader memory) and each reference field; returns the number of frozen objects,
        /// panics on the first inconsistency. A test aid for the segment layout assumption (first
        /// object at segment start + 8, objects back to back, 8-byte aligned).
        /// </summary>
        public static ulong VerifyFrozenSegments() => Roots.VerifyFrozenSegments(&VerifyObject);

        private static void VerifyObject(ulong obj)
        {
            MethodTable* mt = ObjectLayout.MT(obj);
            if (mt == null || !Marker.InImage((ulong)mt) && Heap.FindRun((ulong)mt, out _, out _) != PageKind.Raw) Panic.Halt("GC verify: object with a bad MethodTable pointer at", obj);
            Marker.ForEachReferenceSlot(obj, &VerifySlot, obj);
        }

        private static void VerifyCounted(ulong obj)
        {
            s_verified++;
            VerifyObject(obj);
        }

        private static void VerifySlot(ulong* slot, ulong obj)
        {
            ulong v = *slot;
            if (v == 0 || Marker.IsValidObject(v)) return;
            Panic.Begin();
            Panic.Write("GC verify: object 0x"); Panic.WriteHex(obj);
            Panic.Write(" slot 0x"); Panic.WriteHex((ulong)slot);
            Panic.Write(" holds 0x"); Panic.WriteHex(v);
            Panic.Write(", which is not an allocated object");
            Panic.End();
        }
    }
}
