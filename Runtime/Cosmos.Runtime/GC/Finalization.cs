using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Finalization, as the NativeAOT runtime does it (dotnet/runtime gc.cpp CFinalize,
    /// nativeaot Runtime/FinalizerHelpers.cpp): every object of a type with a finalizer is
    /// <b>registered</b> when allocated (RhpNewFinalizable). When a collection finds a registered
    /// object unreachable (after short weak handles were cleared) it moves it to the <b>ready
    /// queue</b> (f-reachable queue) and marks it and everything it references, so it survives this
    /// collection; long weak handles still see it. A registered object whose sync-block word has
    /// BIT_SBLK_FINALIZER_RUN (GC.SuppressFinalize) is dropped instead and dies. Objects in the
    /// ready queue are roots until dequeued by <see cref="RhpGetNextFinalizableObject"/>, which skips
    /// (and un-flags) suppressed ones; the finalizer itself is called through the MethodTable's
    /// finalizer slot. GC.ReRegisterForFinalize clears the bit if set, else registers the object again.
    /// <para>
    /// There are no threads yet, so nothing runs finalizers on its own: the kernel calls
    /// <see cref="GarbageCollector.RunPendingFinalizers"/> (GC.WaitForPendingFinalizers does the same,
    /// inline on the caller). For the finalizer thread the scheduler will add, the CoreLib's
    /// __Finalizer loop works unchanged against <see cref="RhpWaitForFinalizerRequest"/> (blocks
    /// through <see cref="GarbageCollector.FinalizerThreadBlock"/>) and
    /// <see cref="RhpSignalFinalizationComplete"/>.
    /// </para>
    /// Both lists are arrays of object addresses in heap pages (<see cref="PageKind.Meta"/>); the ready
    /// queue is a ring whose capacity is kept ≥ registered + queued, so a collection never allocates.
    /// </summary>
    internal static unsafe class Finalization
    {
        private static ulong* s_reg;
        private static ulong s_regCount, s_regCapacity;
        private static ulong* s_queue;
        private static ulong s_qHead, s_qCount, s_qCapacity;
        private static ulong s_finalized;
        private static int s_completedGc;

        /// <summary>Objects registered for finalization and not yet found unreachable.</summary>
        public static ulong RegisteredCount => s_regCount;
        /// <summary>Objects waiting for their finalizer to run.</summary>
        public static ulong PendingCount => s_qCount;
        /// <summary>Finalizers run so far.</summary>
        public static ulong FinalizedCount => s_finalized;

        private static ulong* Grow(ulong* old, ulong count, ulong newCapacity, ulong head, ulong oldCapacity)
        {
            ulong bytes = (newCapacity * 8 + Heap.PageSize - 1) & ~(Heap.PageSize - 1);
            ulong p = Heap.AllocPages(bytes / Heap.PageSize, PageKind.Meta);
            if (p == 0) Panic.Halt("GC finalization table: out of memory, entries:", count);
            var n = (ulong*)p;
            for (ulong i = 0; i < count; i++) n[i] = old[(head + i) % (oldCapacity == 0 ? 1 : oldCapacity)];
            if (old != null) Heap.FreePages((ulong)old);
            return n;
        }

        /// <summary>Registers <paramref name="obj"/> for finalization (may take heap pages; never collects).</summary>
        public static void Register(ulong obj)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            RegisterLocked(obj);
            CPU.RestoreInterrupts(irq);
        }

        private static void RegisterLocked(ulong obj)
        {
            if (s_regCount == s_regCapacity)
            {
                ulong cap = s_regCapacity == 0 ? 512 : s_regCapacity * 2;
                s_reg = Grow(s_reg, s_regCount, cap, 0, s_regCapacity);
                s_regCapacity = cap;
            }
            s_reg[s_regCount++] = obj;
            if (s_qCapacity < s_regCount + s_qCount)
            {
                ulong cap = s_qCapacity == 0 ? 512 : s_qCapacity * 2;
                while (cap < s_regCount + s_qCount) cap *= 2;
                s_queue = Grow(s_queue, s_qCount, cap, s_qHead, s_qCapacity);
                s_qHead = 0;
                s_qCapacity = cap;
            }
        }

        /// <summary>
        /// Minor collection: the queued and registered objects are old (objects with finalizers are never allocated in the
        /// nursery), so nothing moves; their slots are forwarded anyway, so that an object that got here another way
        /// would follow its copy instead of dangling.
        /// </summary>
        public static void ForwardQueue()
        {
            for (ulong i = 0; i < s_qCount; i++) Scavenger.ForwardSlot(&s_queue[(s_qHead + i) % s_qCapacity]);
            for (ulong i = 0; i < s_regCount; i++) Scavenger.ForwardSlot(&s_reg[i]);
        }

        /// <summary>Marks the objects already waiting in the ready queue (they are roots).</summary>
        public static void ScanQueue()
        {
            for (ulong i = 0; i < s_qCount; i++) Marker.MarkRef(s_queue[(s_qHead + i) % s_qCapacity]);
        }

        /// <summary>
        /// After strong marking and short-weak clearing: moves unreachable registered objects to the
        /// ready queue (dropping suppressed ones), then marks the newly queued objects and drains.
        /// Returns the number queued.
        /// </summary>
        public static ulong ScanForFinalization()
        {
            ulong kept = 0, firstNew = s_qCount;
            for (ulong i = 0; i < s_regCount; i++)
            {
                ulong obj = s_reg[i];
                if (Marker.IsMarked(obj)) { s_reg[kept++] = obj; continue; }
                uint* sync = ObjectLayout.SyncWord(obj);
                if ((*sync & ObjectLayout.FinalizerRunBit) != 0) { *sync &= ~ObjectLayout.FinalizerRunBit; continue; }
                s_queue[(s_qHead + s_qCount) % s_qCapacity] = obj;
                s_qCount++;
            }
            s_regCount = kept;
            for (ulong i = firstNew; i < s_qCount; i++) Marker.MarkRef(s_queue[(s_qHead + i) % s_qCapacity]);
            Marker.Drain();
            return s_qCount - firstNew;
        }

        /// <summary>The next object whose finalizer is due, or null; suppressed objects are skipped (RhpGetNextFinalizableObject).</summary>
        [RuntimeExport("RhpGetNextFinalizableObject")]
        public static object RhpGetNextFinalizableObject()
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            object o = NextLocked();
            CPU.RestoreInterrupts(irq);
            return o;
        }

        private static object NextLocked()
        {
            while (s_qCount > 0)
            {
                ulong obj = s_queue[s_qHead];
                s_queue[s_qHead] = 0;
                s_qHead = (s_qHead + 1) % s_qCapacity;
                s_qCount--;
                uint* sync = ObjectLayout.SyncWord(obj);
                if ((*sync & ObjectLayout.FinalizerRunBit) != 0) { *sync &= ~ObjectLayout.FinalizerRunBit; continue; }
                return ObjectLayout.ToObject(obj);
            }
            return null;
        }

        /// <summary>
        /// Finalizer thread wait (RhpWaitForFinalizerRequest): returns 1 at once when finalizers are
        /// due; otherwise blocks through <see cref="GarbageCollector.FinalizerThreadBlock"/> (set by a
        /// scheduler) and returns 1. Without a scheduler nothing could wake the caller: panic.
        /// </summary>
        [RuntimeExport("RhpWaitForFinalizerRequest")]
        public static uint RhpWaitForFinalizerRequest()
        {
            while (s_qCount == 0)
            {
                var block = GarbageCollector.FinalizerThreadBlock;
                if (block == null) Panic.Halt("finalizer thread wait (RhpWaitForFinalizerRequest): no scheduler to block on; call Cosmos.Runtime.GarbageCollector.RunPendingFinalizers");
                block();
            }
            return 1;
        }

        /// <summary>The finalizer thread drained <paramref name="count"/> objects after observing collection <paramref name="observedFullGcCount"/> (RhpSignalFinalizationComplete).</summary>
        [RuntimeExport("RhpSignalFinalizationComplete")]
        public static void RhpSignalFinalizationComplete(uint count, int observedFullGcCount)
        {
            s_finalized += count;
            s_completedGc = observedFullGcCount;
            var done = GarbageCollector.FinalizationCompleted;
            if (done != null) done();
        }

        /// <summary>Collection count the finalizer thread last reported complete.</summary>
        public static int CompletedGc => s_completedGc;

        /// <summary>
        /// Address of the finalizer of <paramref name="mt"/>: the optional field after the vtable and
        /// interface map (MethodTable::GetFieldOffset(ETF_Finalizer), verified against the 9.0.18
        /// CoreLib's MethodTable.FinalizerCode): 24-byte fixed part + 8 × vtable slots + 8 × interfaces,
        /// then 4-byte relative pointers (ilc uses relative pointers on this target) for the type manager
        /// indirection, the writable data, the dispatch map (only with flag 0x40000), then the finalizer.
        /// </summary>
        public static delegate*<object, void> FinalizerCode(MethodTable* mt)
        {
            if ((mt->Flags & MethodTable.HasFinalizerFlag) == 0) return null;
            const uint IsDynamicType = 0x80000, HasDispatchMap = 0x40000;
            if ((mt->Flags & IsDynamicType) != 0) Panic.Halt("finalizer of a dynamic type (type loader) not supported", (ulong)mt);
            ulong offset = 24 + 8UL * mt->NumVtableSlots + 8UL * mt->NumInterfaces + 4 + 4;
            if ((mt->Flags & HasDispatchMap) != 0) offset += 4;
            byte* field = (byte*)mt + offset;
            return (delegate*<object, void>)(field + *(int*)field);
        }

        /// <summary>Runs every due finalizer on the calling thread; returns how many ran.</summary>
        public static int RunPending()
        {
            int n = 0;
            while (true)
            {
                object o = RhpGetNextFinalizableObject();
                if (o == null) break;
                var code = FinalizerCode(ObjectLayout.MT(ObjectLayout.AddressOf(o)));
                n++;
                s_finalized++;
                code(o);
            }
            return n;
        }

        /// <summary>RhSuppressFinalize: sets BIT_SBLK_FINALIZER_RUN.</summary>
        [RuntimeExport("RhSuppressFinalize")]
        public static void RhSuppressFinalize(object obj)
        {
            if (obj == null) return;
            ulong a = ObjectLayout.AddressOf(obj);
            if ((ObjectLayout.MT(a)->Flags & MethodTable.HasFinalizerFlag) == 0) return;
            *ObjectLayout.SyncWord(a) |= ObjectLayout.FinalizerRunBit;
        }

        /// <summary>RhReRegisterForFinalize: clears BIT_SBLK_FINALIZER_RUN if set, else registers the object again.</summary>
        [RuntimeExport("RhReRegisterForFinalize")]
        public static bool RhReRegisterForFinalize(object obj)
        {
            if (obj == null) return true;
            ulong a = ObjectLayout.AddressOf(obj);
            if ((ObjectLayout.MT(a)->Flags & MethodTable.HasFinalizerFlag) == 0) return true;
            uint* sync = ObjectLayout.SyncWord(a);
            if ((*sync & ObjectLayout.FinalizerRunBit) != 0) *sync &= ~ObjectLayout.FinalizerRunBit;
            else Register(a);
            return true;
        }
    }
}
