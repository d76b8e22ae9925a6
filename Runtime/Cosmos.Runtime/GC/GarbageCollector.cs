using System;
using System.Runtime;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The garbage collector: generational. Generation 0 is the nursery (<see cref="Nursery"/>: per-thread bump-pointer
    /// chunks, the X# <c>RhpNewFast</c> fast path); a minor collection (<see cref="Scavenger"/>) copies its survivors into
    /// the old generation (reported as generation 2), found through the roots and the card table the write barriers keep.
    /// The old generation is non-moving mark-sweep over the size-class blocks (<see cref="SmallObjectSpace"/>) and the
    /// large-object space (<see cref="LargeObjectSpace"/>), all carved from <see cref="Heap"/> pages. Heap objects are
    /// scanned precisely from their GCDesc; stacks precisely from ilc's GC info where it describes the frame,
    /// conservatively elsewhere (<see cref="StackRoots"/>; other roots: <see cref="Roots"/>); nursery objects reached only
    /// conservatively, by byrefs or through pins stay in place for that collection.
    /// <para>
    /// A full collection (all with interrupts disabled, allocating no managed object) is a minor collection (the nursery
    /// emptied but for pinned survivors) followed by: new epoch → mark roots (stacks, strong handles, GC statics, thread
    /// statics, frozen segments, GC reporting frames, the finalization ready queue) → promote dependent handles to a fixed
    /// point → clear short weak handles → queue unreachable finalizable objects and mark them → promote dependent handles
    /// again → clear long weak and dead dependent handles → sweep.
    /// </para>
    /// <para>
    /// Triggers: a minor collection when no nursery chunk is free; a full one when the old generation has grown by its
    /// budget since the last full collection (max(<see cref="MinimumBudget"/>, live bytes), checked when a size class
    /// needs a new block, a large object is allocated and after each minor collection; not in
    /// <c>GCLatencyMode.LowLatency</c>), and whenever the heap has no pages left for a request (then retries once before
    /// reporting OutOfMemory). GC.Collect(0 or 1) runs a minor collection, GC.Collect() / GC.Collect(2) a full one.
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

        /// <summary>Bytes of old-generation cells allocated (promotions included) since the last full collection.</summary>
        internal static ulong s_allocatedSinceGC;
        private static int s_count1, s_count2, s_requestedGeneration = -1;
        private static ulong s_lastMinorPause, s_lastFullPause, s_lastFullStart;
        private static bool s_noGCRegion;
        private static int s_noGCStatus;
        private static ulong s_noGCAllowance, s_noGCStart;
        private static int s_latencyMode;

        /// <summary>Why a collection runs (<see cref="LastReason"/>).</summary>
        public const int ReasonExplicit = 0, ReasonBudget = 1, ReasonHeapExhausted = 2, ReasonNurseryFull = 3;
        /// <summary>GCLatencyMode values (System.Runtime.GCLatencyMode).</summary>
        public const int LatencyBatch = 0, LatencyInteractive = 1, LatencyLowLatency = 2, LatencySustainedLowLatency = 3, LatencyNoGCRegion = 4;
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

        /// <summary>Collections so far (minor and full).</summary>
        public static int CollectionCount => s_count;
        /// <summary>Collections of generation <paramref name="generation"/> or older so far (GC.CollectionCount): 0 counts every collection, 1 and 2 the full ones and the explicit GC.Collect(1).</summary>
        public static int CollectionCountOf(int generation) => generation <= 0 ? s_count : generation == 1 ? s_count1 : s_count2;
        /// <summary>Full collections so far.</summary>
        public static int FullCollectionCount => s_count2;
        /// <summary>TSC ticks of the minor part of the last collection (0 when the last collection had no nursery to empty).</summary>
        public static ulong LastMinorPauseTicks => s_lastMinorPause;
        /// <summary>TSC ticks of the last full collection (its minor part included).</summary>
        public static ulong LastFullPauseTicks => s_lastFullPause;
        /// <summary>RDTSC at the start of the last full collection.</summary>
        public static ulong LastFullCollectionStartTsc => s_lastFullStart;
        /// <summary>Bytes copied out of the nursery by the last minor collection.</summary>
        public static ulong LastPromotedBytes => Scavenger.LastPromotedBytes;
        /// <summary>Objects copied out of the nursery by the last minor collection.</summary>
        public static ulong LastPromotedObjects => Scavenger.LastPromotedObjects;
        /// <summary>Nursery objects the last minor collection left in place (pinned, or reached conservatively or by a byref).</summary>
        public static ulong LastPinnedObjects => Scavenger.LastPinnedObjects;
        /// <summary>Objects copied out of the nursery since boot.</summary>
        public static ulong TotalPromotedObjects => Scavenger.TotalPromotedObjects;
        /// <summary>Dirty cards the last minor collection visited.</summary>
        public static ulong LastDirtyCards => Scavenger.LastDirtyCards;
        /// <summary>The last minor collection's parts in TSC ticks, as text: stacks, other roots, cards, copying, chunks (a bench aid).</summary>
        public static string LastMinorBreakdown =>
            "stacks " + Scavenger.LastStackTicks + " roots " + Scavenger.LastOtherRootTicks + " cards " + Scavenger.LastCardTicks
            + " copy " + Scavenger.LastCopyTicks + " chunks " + Scavenger.LastChunkTicks;
        /// <summary>Cards dirty now (walks the card table; 0 without a nursery).</summary>
        public static ulong DirtyCards => Nursery.Enabled ? CardTable.CountDirty() : 0;
        /// <summary>Bytes of the nursery's free chunks.</summary>
        public static ulong NurseryFreeBytes => (ulong)Nursery.FreeChunks * Nursery.ChunkSize;
        /// <summary>Bytes of the nursery (0: no nursery; every object is allocated in the old generation).</summary>
        public static ulong NurseryBytes => Nursery.Size;
        /// <summary>Nursery chunks held by pinned survivors after the last minor collection.</summary>
        public static uint NurseryHeldChunks => Nursery.HeldChunks;
        /// <summary>Generation of a heap object: 0 in the nursery, 2 in the old generation; int.MaxValue for frozen objects.</summary>
        public static int GenerationOf(object obj)
        {
            ulong a = ObjectLayout.AddressOf(obj);
            if (Nursery.Contains(a)) return 0;
            return Marker.InImage(a) || Roots.InFrozenSegment(a) ? int.MaxValue : 2;
        }
        /// <summary>Bytes of live cells after the last collection.</summary>
        public static ulong LiveBytesAfterLastCollection => s_liveBytes;
        /// <summary>Objects alive after the last collection.</summary>
        public static ulong LiveObjectsAfterLastCollection => s_liveObjects;
        /// <summary>Bytes (cells) allocated since the last collection.</summary>
        public static ulong AllocatedSinceLastCollection => s_allocatedSinceGC;
        /// <summary>Bytes that may be allocated after the last collection before the next is triggered.</summary>
        public static ulong Budget => s_budget;
        /// <summary>Bytes in use by managed objects (GC.GetTotalMemory): old-generation live bytes after the last full collection, old-generation bytes allocated since (promotions included), nursery bytes allocated since the last minor collection.</summary>
        public static ulong TotalMemory => s_liveBytes + s_allocatedSinceGC + (Nursery.AllocatedBytes - s_nurseryAtLastMinor);
        /// <summary>Bytes of managed objects allocated since boot (cell sizes; nursery bytes counted when a context gives up its chunk; copies made by minor collections not counted).</summary>
        public static ulong TotalAllocatedBytes => s_totalAllocatedBefore + s_allocatedSinceGC + Nursery.AllocatedBytes - Scavenger.TotalPromotedBytes;
        private static ulong s_nurseryAtLastMinor, s_lastMinorNurseryBytes, s_lastMinorPromoted, s_lastMinorPinned;
        private static int s_lastMinorIndex, s_lastFullIndex;
        private static bool s_lastWasFull;

        /// <summary>What GC.GetGCMemoryInfo reports of the last collection of one kind.</summary>
        public struct CollectionRecord
        {
            /// <summary>Its number (GC.CollectionCount(0) right after it); 0: none yet.</summary>
            public int Index;
            /// <summary>True for a full collection (generation 2), false for a minor one (generation 0).</summary>
            public bool Full;
            /// <summary>TSC ticks of its pause.</summary>
            public ulong PauseTicks;
            /// <summary>Bytes it promoted (minor: copied out of the nursery; full: live old-generation bytes after it).</summary>
            public ulong PromotedBytes;
            /// <summary>Minor: nursery bytes allocated before it. Full: old-generation bytes before it.</summary>
            public ulong SizeBeforeBytes;
            /// <summary>Minor: nursery objects it left in place. Full: live old-generation bytes after it.</summary>
            public ulong SizeAfter;
        }

        /// <summary>
        /// The last collection of GCKind <paramref name="kind"/> (0 Any: the last one, 1 Ephemeral: the last minor-only
        /// one, 2 FullBlocking: the last full one, 3 Background: none — collections never run in the background).
        /// </summary>
        public static CollectionRecord LastCollectionOf(int kind)
        {
            var r = new CollectionRecord();
            bool full = kind == 2 || kind == 0 && s_lastWasFull;
            if (kind == 3 || kind == 0 && s_count == 0) return r;
            if (full)
            {
                if (s_lastFullIndex == 0) return r;
                r.Index = s_lastFullIndex; r.Full = true; r.PauseTicks = s_lastFullPause;
                r.PromotedBytes = s_liveBytes; r.SizeBeforeBytes = s_liveBytes + s_freedBytes; r.SizeAfter = s_liveBytes;
            }
            else
            {
                if (s_lastMinorIndex == 0) return r;
                r.Index = s_lastMinorIndex; r.PauseTicks = s_lastMinorRecordedPause;
                r.PromotedBytes = s_lastMinorPromoted; r.SizeBeforeBytes = s_lastMinorNurseryBytes; r.SizeAfter = s_lastMinorPinned;
            }
            return r;
        }

        private static ulong s_lastMinorRecordedPause;
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

        internal static bool BudgetExhausted
        {
            get
            {
                if (!s_enabled) return false;
                if (s_noGCRegion) { CheckNoGCAllowance(); if (s_noGCRegion) return false; }
                return s_allocatedSinceGC >= s_budget && s_latencyMode != LatencyLowLatency;
            }
        }

        /// <summary>True when filling the nursery may start a minor collection (false in a no-GC region and on the fail-fast path).</summary>
        internal static bool NurseryMayCollect
        {
            get
            {
                if (CollectionOnAllocationDisabled) return false;
                if (s_noGCRegion) { CheckNoGCAllowance(); return !s_noGCRegion; }
                return true;
            }
        }

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
            // The nursery: 1/32 of the heap, between 1 and 8 MiB. Its filler type is byte[] (taken from an array made now, in the old generation).
            byte[] filler = new byte[1];
            ulong nursery = Heap.TotalBytes / 32;
            if (nursery > MaximumNurseryBytes) nursery = MaximumNurseryBytes;
            if (nursery >= MinimumNurseryBytes) Nursery.Initialize(nursery, ObjectLayout.MT(ObjectLayout.AddressOf(filler)));
        }

        /// <summary>Largest nursery, bytes.</summary>
        public const ulong MaximumNurseryBytes = 8UL << 20;
        /// <summary>Smallest nursery, bytes (a heap too small for it runs without one).</summary>
        public const ulong MinimumNurseryBytes = 1UL << 20;

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

        /// <summary>Called by the allocator with interrupts disabled: counts allocations and collects every <see cref="StressInterval"/>-th one (a full collection every 8th time, else a minor one).</summary>
        internal static void StressTick()
        {
            if (s_noGCRegion || --s_stressCountdown != 0) return;
            s_stressCountdown = s_stressInterval;
            CollectForAllocation((++s_stressCollections & 7) == 0 || !Nursery.Enabled ? ReasonBudget : ReasonNurseryFull);
        }

        private static uint s_stressCollections;

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
        public static void Collect() => Collect(-1);

        /// <summary>GC.Collect(<paramref name="generation"/>): 0 or 1 a minor collection (the nursery), 2 or more and −1 a full one.</summary>
        public static void Collect(int generation)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_requestedGeneration = generation;
            GCNative.SpillAndCollect(ReasonExplicit);
            s_requestedGeneration = -1;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Runs every due finalizer on the calling thread (for kernels that run without the finalizer thread); returns how many ran.</summary>
        public static int RunPendingFinalizers() => Finalization.RunPending();

        internal static void CollectForAllocation(int reason)
        {
            if (CollectionOnAllocationDisabled) return;
            GCNative.SpillAndCollect(reason);
        }


        /// <summary>
        /// From now on allocation on the calling thread never starts a collection: it uses the free memory there is and
        /// fails with OutOfMemoryException when there is none; GC.Collect still collects (NativeAOT's per-thread
        /// TSF_DoNotTriggerGc, <see cref="RuntimeThreadState.DoNotTriggerGC"/>). The CoreLib asks for this
        /// (RhpSetThreadDoNotTriggerGC) before the second pass of an exception dispatch — the funclet-call helpers clear it
        /// around the funclets they run — and on its fail-fast path, before it formats the crash report.
        /// </summary>
        public static void DisableCollectionOnAllocation() => RuntimeThreadState.Current->DoNotTriggerGC = 1;

        /// <summary>Undoes <see cref="DisableCollectionOnAllocation"/> for the calling thread.</summary>
        public static void EnableCollectionOnAllocation() => RuntimeThreadState.Current->DoNotTriggerGC = 0;

        /// <summary>True while allocation on the calling thread may not collect (<see cref="DisableCollectionOnAllocation"/>).</summary>
        public static bool CollectionOnAllocationDisabled => RuntimeThreadState.Current->DoNotTriggerGC != 0;

        /// <summary>Entry from the X# spill helper: interrupts are off and the callee-saved registers are on the stack at <paramref name="rsp"/>.</summary>
        [RuntimeExport("cosmos_gc_collect")]
        public static void CollectFromHelper(int reason, ulong rsp)
        {
            if (!s_enabled) Panic.Halt("GC: collection requested before the collector was initialized");
            if (s_inCollection) Panic.Halt("GC: collection requested during a collection (allocation while collecting?)");
            s_inCollection = true;
            ulong start = Native.Rdtsc();
            s_lastReason = reason;
            int gen = reason == ReasonExplicit ? s_requestedGeneration : -1;
            bool full = !Nursery.Enabled || reason == ReasonBudget || reason == ReasonHeapExhausted || reason == ReasonExplicit && (gen < 0 || gen >= 2);
            if (s_noGCRegion && (reason == ReasonExplicit || reason == ReasonHeapExhausted))
            {
                // A collection inside a no-GC region ends it (EndNoGCRegion then reports why).
                s_noGCRegion = false;
                s_noGCStatus = reason == ReasonExplicit ? 2 /* GCInduced */ : 3 /* AllocationExceeded */;
            }
            s_lastMinorPause = 0;
            if (Nursery.Enabled)
            {
                Scavenger.Collect(rsp, countDead: full);
                // Retiring the contexts counted their bytes: what the nursery held when the collection started.
                s_lastMinorNurseryBytes = Nursery.AllocatedBytes - s_nurseryAtLastMinor;
                s_nurseryAtLastMinor = Nursery.AllocatedBytes;
                s_lastMinorPause = Native.Rdtsc() - start;
                if (!full && BudgetExhausted) full = true;
                if (!full) { s_freedObjects = 0; s_freedBytes = 0; }
            }
            s_count++;
            if (full || gen >= 1) s_count1++;
            bool queued = false;
            if (full)
            {
                s_count2++;
                queued = CollectFull(rsp, start);
                s_lastFullIndex = s_count;
            }
            else
            {
                s_lastMinorIndex = s_count;
                s_lastMinorPromoted = Scavenger.LastPromotedBytes;
                s_lastMinorPinned = Scavenger.LastPinnedObjects;
            }
            s_lastWasFull = full;

            ulong end = Native.Rdtsc();
            if (!full) s_lastMinorRecordedPause = end - start;
            s_lastStart = start;
            s_lastPause = end - start;
            s_totalPause += s_lastPause;
            if (s_lastPause > s_maxPause) s_maxPause = s_lastPause;
            s_prevEnd = s_lastEnd;
            s_lastEnd = end;
            s_inCollection = false;
            if (queued && FinalizerThreadWake != null) FinalizerThreadWake();
        }

        /// <summary>The full (mark-sweep) part of a collection; true when it queued finalizers.</summary>
        private static bool CollectFull(ulong rsp, ulong start)
        {
            if (s_epoch == 0x7FFF_FFFE) Panic.Halt("GC: epoch counter exhausted after collections:", (ulong)s_count);
            s_epoch++;
            s_lastFullStart = start;
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
            s_freedObjects = smallFreed + largeFreed + Scavenger.LastDeadObjects;
            s_totalAllocatedBefore += s_allocatedSinceGC;
            s_allocatedSinceGC = 0;
            s_liveBytes = smallLive + largeLive;
            s_liveObjects = smallObjects + largeObjects;
            s_freedBytes = before > s_liveBytes ? before - s_liveBytes : 0;
            ulong eighth = Heap.TotalBytes / 8;
            ulong min = eighth < MinimumBudget ? eighth : MinimumBudget;
            s_budget = s_liveBytes > min ? s_liveBytes : min;
            ulong end = Native.Rdtsc();
            s_lastMark = marked - start;
            s_lastFrozen = t2 - t1;
            s_lastFullPause = end - start;
            return queued != 0;
        }

        // ------------------------------------------------------------------ no-GC regions and latency modes

        private static void CheckNoGCAllowance()
        {
            if (TotalAllocatedBytes - s_noGCStart > s_noGCAllowance)
            {
                s_noGCRegion = false;
                s_noGCStatus = 3; // AllocationExceeded
            }
        }

        /// <summary>
        /// GC.TryStartNoGCRegion: 0 Succeeded, 1 NotEnoughMemory, 2 AmountTooLarge, 3 AlreadyInProgress (the CoreLib's
        /// StartNoGCRegionStatus). Unless <paramref name="disallowFullBlockingGC"/>, a full collection makes room first; the
        /// region holds while the allocations since its start stay within <paramref name="totalSize"/> bytes and the page
        /// heap has free pages (nursery chunks, then old-generation cells, are used without collecting).
        /// </summary>
        public static int StartNoGCRegion(long totalSize, bool disallowFullBlockingGC)
        {
            if (s_noGCRegion) return 3;
            if (totalSize <= 0 || (ulong)totalSize > Heap.TotalBytes / 2) return 2;
            if (!disallowFullBlockingGC) Collect(-1);
            if (Heap.FreeBytes < (ulong)totalSize) return 1;
            s_noGCStatus = 0;
            s_noGCAllowance = (ulong)totalSize;
            s_noGCStart = TotalAllocatedBytes;
            s_noGCRegion = true;
            return 0;
        }

        /// <summary>GC.EndNoGCRegion: 0 Succeeded, 1 NotInProgress, 2 GCInduced, 3 AllocationExceeded (the CoreLib's EndNoGCRegionStatus).</summary>
        public static int EndNoGCRegion()
        {
            if (s_noGCRegion) CheckNoGCAllowance();
            int status = s_noGCRegion ? 0 : s_noGCStatus == 0 ? 1 : s_noGCStatus;
            s_noGCRegion = false;
            s_noGCStatus = 0;
            return status;
        }

        /// <summary>True inside a no-GC region.</summary>
        public static bool InNoGCRegion => s_noGCRegion;

        /// <summary>GCSettings.LatencyMode: <see cref="LatencyNoGCRegion"/> inside a no-GC region, else the mode set (Batch by default: collections are never concurrent).</summary>
        public static int LatencyMode => s_noGCRegion ? LatencyNoGCRegion : s_latencyMode;

        /// <summary>Sets GCSettings.LatencyMode (Batch, Interactive, LowLatency, SustainedLowLatency); 1 (NoGCInProgress) inside a no-GC region, else 0. LowLatency suspends budget-triggered full collections.</summary>
        public static int SetLatencyMode(int mode)
        {
            if (s_noGCRegion) return 1;
            if (mode < LatencyBatch || mode > LatencySustainedLowLatency) Panic.Halt("GCSettings.LatencyMode: unknown mode", (ulong)mode);
            s_latencyMode = mode;
            return 0;
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
            if (Nursery.Enabled) Nursery.ForEachObject(&VerifyCounted);
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
            if (Nursery.Enabled)
            {
                Panic.Write(" (nursery 0x"); Panic.WriteHex(Nursery.Start);
                Panic.Write("..0x"); Panic.WriteHex(Nursery.Start + Nursery.Size);
                Panic.Write("; chunk state of the value "); Panic.WriteHex(Nursery.ChunkStateOf(v));
                Panic.Write(", of the object "); Panic.WriteHex(Nursery.ChunkStateOf(obj));
                Panic.Write("; object MethodTable 0x"); Panic.WriteHex((ulong)ObjectLayout.MT(obj));
                Panic.Write(", GC word 0x"); Panic.WriteHex(*ObjectLayout.GcWord(obj));
                if (Nursery.Contains(v))
                {
                    Panic.Write("; value's qwords 0x"); Panic.WriteHex(*(ulong*)(v - 8));
                    Panic.Write(" 0x"); Panic.WriteHex(*(ulong*)v);
                    Panic.Write(" 0x"); Panic.WriteHex(*(ulong*)(v + 8));
                    Nursery.DumpChunkWalk(v);
                }
                Panic.Write(")");
            }
            Panic.End();
        }
    }
}
