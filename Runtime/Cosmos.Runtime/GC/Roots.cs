using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Threading;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Root enumeration for the mark phase.
    /// <list type="bullet">
    /// <item><b>Stacks</b>: precise where GC info exists (<see cref="StackRoots"/>, the default). The whole-stack
    /// conservative scan here (<see cref="ScanStacks"/>) serves <c>GarbageCollector.PreciseStackRoots = false</c> and,
    /// through <see cref="ScanUnthreadedStacks"/>, stacks of no thread: every 8-byte aligned word of each registered stack from
    /// its scan start to its top. The running stack is scanned from the RSP the X# spill helper
    /// passes (below that the callee-saved registers were pushed, so they are scanned too); a
    /// stack switched out by a scheduler from its saved RSP (<see cref="GarbageCollector.SetStackSavedRsp"/>;
    /// the switch code must push the registers it saves below that RSP, or register them with
    /// <see cref="GarbageCollector.RegisterStack"/>'s register area); any other registered stack
    /// whole. A word that points into an allocated object (interior pointers included) marks and
    /// thereby pins it (nothing moves anyway).</item>
    /// <item><b>GC static bases</b>: the cell of every slot of each module's GCStaticRegion
    /// (ReadyToRunSectionType 201; see <see cref="ScanStatics"/>). The CoreLib also keeps the
    /// spine arrays that reference them alive through a strong GC handle.</item>
    /// <item><b>Thread statics</b>: each slot registered through RhRegisterInlinedThreadStaticRoot
    /// (the boot thread's TLS block); the uninlined storage array lives in a GC static.</item>
    /// <item><b>Frozen segments</b>: every object of every registered frozen segment (the image's
    /// preinitialized data, and segments the CoreLib's FrozenObjectHeapManager creates) is scanned
    /// precisely — such objects are never freed, but mutable ones (arrays) may point into the heap.</item>
    /// <item><b>GC reporting frames</b> (RhRegisterForGCReporting, reflection invoke's on-stack
    /// argument buffers): precise, or conservative when flagged "maybe interior".</item>
    /// <item>Handles (<see cref="Handles"/>) and the finalization queue (<see cref="Finalization"/>).</item>
    /// </list>
    /// </summary>
    internal static unsafe class Roots
    {
        /// <summary>Most stacks that can be registered.</summary>
        public const int MaxStacks = 256;

        private struct StackTable
        {
            public fixed ulong Low[MaxStacks];
            public fixed ulong High[MaxStacks];
            public fixed ulong SavedRsp[MaxStacks];
            public fixed ulong RegArea[MaxStacks];
            public fixed ulong RegAreaBytes[MaxStacks];
            public fixed byte Used[MaxStacks];
        }

        private static StackTable s_stacks;
        private static int s_stackSlots;
        private static ulong s_lastScannedWords;

        /// <summary>Words scanned conservatively on stacks in the last collection that scanned them wholly (<see cref="ScanStacks"/>).</summary>
        public static ulong LastStackWords => s_lastScannedWords;

        /// <summary>Registers [low, high) as a stack; returns its id (≥ 0).</summary>
        public static int RegisterStack(ulong low, ulong high, ulong registerArea, ulong registerAreaBytes)
        {
            if (high <= low || (low & 7) != 0 || (high & 7) != 0) Panic.Halt("GC: RegisterStack: bad bounds", low);
            for (int i = 0; i < MaxStacks; i++)
            {
                if (s_stacks.Used[i] != 0) continue;
                s_stacks.Used[i] = 1;
                s_stacks.Low[i] = low; s_stacks.High[i] = high;
                s_stacks.SavedRsp[i] = 0;
                s_stacks.RegArea[i] = registerArea; s_stacks.RegAreaBytes[i] = registerAreaBytes;
                if (i >= s_stackSlots) s_stackSlots = i + 1;
                return i;
            }
            Panic.Halt("GC: RegisterStack: more than 256 stacks");
            return -1;
        }

        /// <summary>Forgets stack <paramref name="id"/>.</summary>
        public static void UnregisterStack(int id)
        {
            if ((uint)id >= MaxStacks || s_stacks.Used[id] == 0) Panic.Halt("GC: UnregisterStack: unknown id", (ulong)id);
            s_stacks.Used[id] = 0;
        }

        /// <summary>Records the saved RSP of a stack that is not running (0: scan it whole).</summary>
        public static void SetSavedRsp(int id, ulong rsp)
        {
            if ((uint)id >= MaxStacks || s_stacks.Used[id] == 0) Panic.Halt("GC: SetStackSavedRsp: unknown id", (ulong)id);
            s_stacks.SavedRsp[id] = rsp;
        }

        /// <summary>
        /// Scans the stacks: once the scheduler runs, every live thread's stack (the running one from
        /// <paramref name="rsp"/>, the others from the lowest byte of their saved state: the SIMD area below their
        /// interrupt frame, so their saved registers are scanned too) plus registered stacks that belong to no thread;
        /// before, all registered stacks. <paramref name="rsp"/> is the current stack pointer after the register spill.
        /// </summary>
        public static void ScanStacks(ulong rsp)
        {
            bool current = false;
            s_lastScannedWords = 0;
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
            {
                ulong low = t->StackLow, high = t->StackHigh, from;
                if (t == Scheduler.Current)
                {
                    if (rsp < low || rsp >= high) Panic.Halt("GC: the running thread's RSP is outside its stack", rsp);
                    from = rsp;
                    current = true;
                }
                else
                {
                    from = t->SavedFrame != null ? t->SavedFrame->XSaveArea : low;
                    if (from < low || from >= high) Panic.Halt("GC: a suspended thread's saved state is outside its stack, thread", t->Id);
                }
                ScanConservatively(from, high);
            }
            ScanUnthreadedStacks(rsp, ref current, &ScanConservatively, &ScanConservatively);
            if (!current) Panic.Halt("GC: collecting on a stack that is not registered (RSP)", rsp);
        }

        /// <summary>Marks every 8-byte word of [<paramref name="from"/> rounded down to 8, <paramref name="to"/>) conservatively and counts it in <see cref="LastStackWords"/>.</summary>
        private static void ScanConservatively(ulong from, ulong to)
        {
            from &= ~7UL;
            for (ulong* p = (ulong*)from; p < (ulong*)to; p++) Marker.MarkConservative(*p);
            s_lastScannedWords += (to - from) / 8;
        }

        /// <summary>
        /// The registered stacks that belong to no thread (before the scheduler starts: the boot stack): the one holding
        /// <paramref name="spill"/> (the running code) goes to <paramref name="scanRunning"/>(spill, top) and sets
        /// <paramref name="current"/>; of the others <paramref name="scanConservatively"/> gets [saved RSP (or bottom), top)
        /// and the register area.
        /// </summary>
        public static void ScanUnthreadedStacks(ulong spill, ref bool current, delegate*<ulong, ulong, void> scanRunning, delegate*<ulong, ulong, void> scanConservatively)
        {
            for (int i = 0; i < s_stackSlots; i++)
            {
                if (s_stacks.Used[i] == 0) continue;
                if (Scheduler.IsInitialized && BelongsToThread(s_stacks.Low[i], s_stacks.High[i])) continue;
                ulong low = s_stacks.Low[i], high = s_stacks.High[i];
                if (spill >= low && spill < high)
                {
                    scanRunning(spill, high);
                    current = true;
                    continue;
                }
                ulong from = low;
                if (s_stacks.SavedRsp[i] >= low && s_stacks.SavedRsp[i] < high) from = s_stacks.SavedRsp[i];
                scanConservatively(from, high);
                ulong area = s_stacks.RegArea[i];
                if (area != 0) scanConservatively(area, area + s_stacks.RegAreaBytes[i]);
            }
        }

        /// <summary>
        /// Marks the GC static bases of every module. The GCStaticRegion holds 32-bit relative pointers
        /// (ilc 9.0 uses relative pointers on this target; StartupCodeHelpers.InitializeStatics reads
        /// them with ReadRelPtr32) to 8-byte cells; initialization overwrites each cell with the address
        /// of the static base object. An uninitialized cell still holds a relative pointer to the
        /// MethodTable with flag bits, so cell values are marked conservatively (only a value that is
        /// an allocated object counts). The spine arrays reach the same objects through a strong handle.
        /// </summary>
        public static void ScanStatics()
        {
            for (int m = 0; m < Modules.ModuleCount; m++)
            {
                byte* region = Modules.GetSection(m, 201 /* ReadyToRunSectionType.GCStaticRegion */, out int length);
                if (region == null) continue;
                for (int* slot = (int*)region; slot < (int*)(region + length); slot++)
                {
                    ulong* cell = (ulong*)((byte*)slot + *slot);
                    Marker.MarkConservative(*cell);
                }
            }
        }

        /// <summary>Minor collection: forwards the GC static cells that hold a nursery object's exact address (the others hold old objects or uninitialized cell values).</summary>
        public static void ForwardStatics()
        {
            for (int m = 0; m < Modules.ModuleCount; m++)
            {
                byte* region = Modules.GetSection(m, 201 /* ReadyToRunSectionType.GCStaticRegion */, out int length);
                if (region == null) continue;
                for (int* slot = (int*)region; slot < (int*)(region + length); slot++)
                {
                    ulong* cell = (ulong*)((byte*)slot + *slot);
                    if (Nursery.Contains(*cell) && Nursery.IsObjectStart(*cell)) Scavenger.ForwardSlot(cell);
                }
            }
        }

        /// <summary>Minor collection: forwards the inlined thread-static roots and every thread's thread-static storage.</summary>
        public static void ForwardThreadStatics()
        {
            int n = Modules.ThreadStaticRootCount;
            for (int i = 0; i < n; i++) Scavenger.ForwardSlot((ulong*)Modules.GetThreadStaticRoot(i));
            Scavenger.ForwardSlot(&RuntimeThreadState.Current->ThreadStaticStorage);
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
                Scavenger.ForwardSlot(&GCToRuntime.StateOf(t)->ThreadStaticStorage);
        }

        /// <summary>Minor collection: forwards the fields of every frozen object (frozen objects are outside the card table).</summary>
        public static void ForwardFrozenSegments() => ForEachFrozenObject(&Scavenger.ForwardFields, verifyTail: false);

        private static bool BelongsToThread(ulong low, ulong high)
        {
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
                if (low < t->StackHigh && high > t->StackLow) return true;
            return false;
        }

        /// <summary>Marks the objects held by the registered inlined thread-static roots and every thread's uninlined thread-static storage.</summary>
        public static void ScanThreadStatics()
        {
            int n = Modules.ThreadStaticRootCount;
            for (int i = 0; i < n; i++) Marker.MarkRef(*(ulong*)Modules.GetThreadStaticRoot(i));
            if (!Scheduler.IsInitialized) Marker.MarkRef(RuntimeThreadState.Current->ThreadStaticStorage);
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
                Marker.MarkRef(GCToRuntime.StateOf(t)->ThreadStaticStorage);
        }

        /// <summary>Scans every object of every frozen segment precisely (frozen objects are roots); also used again after a mark-stack overflow.</summary>
        public static void ScanFrozenSegments() => ForEachFrozenObject(&Marker.ScanObject, verifyTail: false);

        /// <summary>True when <paramref name="obj"/> lies in a registered frozen segment.</summary>
        public static bool InFrozenSegment(ulong obj)
        {
            int n = Modules.FrozenSegmentCount;
            for (int i = 0; i < n; i++)
            {
                Modules.GetFrozenSegment(i, out ulong start, out ulong allocated);
                if (obj > start && obj < allocated) return true;
            }
            return false;
        }

        /// <summary>Walks every frozen object, calling <paramref name="check"/> on each and checking that only zero padding follows the last object; returns their number.</summary>
        public static ulong VerifyFrozenSegments(delegate*<ulong, void> check) => ForEachFrozenObject(check, verifyTail: true);

        /// <summary>
        /// Calls <paramref name="visit"/> on every object of every frozen segment (the first object
        /// is at segment start + 8, the header); returns the number of objects. With
        /// <paramref name="verifyTail"/>, panics when non-zero data follows the last object.
        /// </summary>
        private static ulong ForEachFrozenObject(delegate*<ulong, void> visit, bool verifyTail)
        {
            ulong count = 0;
            int n = Modules.FrozenSegmentCount;
            for (int i = 0; i < n; i++)
            {
                Modules.GetFrozenSegment(i, out ulong start, out ulong allocated);
                ulong obj = start + ObjectLayout.HeaderSize;
                while (obj < allocated)
                {
                    MethodTable* mt = ObjectLayout.MT(obj);
                    if (mt == null) break;
                    visit(obj);
                    count++;
                    obj += (ObjectLayout.ExactSize(obj, mt) + 7) & ~7UL;
                }
                if (verifyTail && obj < allocated)
                {
                    // Only zero padding may follow the last object.
                    for (ulong* p = (ulong*)obj; p < (ulong*)allocated; p++)
                        if (*p != 0) Panic.Halt("GC verify: frozen segment has data after a null MethodTable at", (ulong)p);
                }
            }
            return count;
        }

        /// <summary>Number of frozen objects (walks the segments).</summary>
        public static ulong CountFrozenObjects() => ForEachFrozenObject(&CountOnly, verifyTail: false);

        private static void CountOnly(ulong obj) { }

        // ---- GC reporting frames (reflection invoke) ----

        /// <summary>
        /// The CoreLib's GCFrameRegistration (System.Runtime, verified in the 9.0.18 CoreLib):
        /// two reserved pointers (the native runtime's next frame and thread), the object slot array,
        /// the slot count, and a flag "the slots may hold interior pointers (byrefs)".
        /// </summary>
#pragma warning disable CS0649 // written by the CoreLib, read here
        private struct GCFrameRegistration
        {
            public IntPtr Reserved1;
            public IntPtr Reserved2;
            public ulong* ObjRefs;
            public uint NumObjRefs;
            public int MaybeInterior;
        }
#pragma warning restore CS0649

        private static ulong* ChainHead() => &RuntimeThreadState.Current->GCFrameChain;

        /// <summary>Registers a GCFrameRegistration on the running thread's chain (linked through its first reserved field): its slots are roots until it is unregistered.</summary>
        [RuntimeExport("RhRegisterForGCReporting")]
        public static void RhRegisterForGCReporting(void* frame)
        {
            var f = (GCFrameRegistration*)frame;
            ulong irq = CPU.SaveAndDisableInterrupts();
            ulong* head = ChainHead();
            f->Reserved1 = (IntPtr)(*head);
            *head = (ulong)f;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Unregisters the running thread's most recent GCFrameRegistration (they nest like stack frames).</summary>
        [RuntimeExport("RhUnregisterForGCReporting")]
        public static void RhUnregisterForGCReporting(void* frame)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            ulong* head = ChainHead();
            if (*head != (ulong)frame)
                Panic.Halt("RhUnregisterForGCReporting: frame was not the thread's most recent registration", (ulong)frame);
            *head = (ulong)((GCFrameRegistration*)frame)->Reserved1;
            CPU.RestoreInterrupts(irq);
        }

        private static void ScanGCFrameChain(ulong head)
        {
            for (var f = (GCFrameRegistration*)head; f != null; f = (GCFrameRegistration*)f->Reserved1)
            {
                for (uint k = 0; k < f->NumObjRefs; k++)
                {
                    ulong v = f->ObjRefs[k];
                    if (f->MaybeInterior != 0) Marker.MarkConservative(v);
                    else Marker.MarkRef(v);
                }
            }
        }

        private static void GCFrameChainMinor(ulong head, bool pin)
        {
            for (var f = (GCFrameRegistration*)head; f != null; f = (GCFrameRegistration*)f->Reserved1)
            {
                for (uint k = 0; k < f->NumObjRefs; k++)
                {
                    if (f->MaybeInterior != 0) { if (pin) Scavenger.PinConservative(f->ObjRefs[k]); }
                    else if (!pin) Scavenger.ForwardSlot(&f->ObjRefs[k]);
                }
            }
        }

        private static void GCFramesMinor(bool pin)
        {
            GCFrameChainMinor(RuntimeThreadState.Current->GCFrameChain, pin);
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
            {
                var st = GCToRuntime.StateOf(t);
                if (st != RuntimeThreadState.Current) GCFrameChainMinor(st->GCFrameChain, pin);
            }
        }

        /// <summary>Minor collection, pin phase: the objects "maybe interior" GC reporting frames point into stay in place.</summary>
        public static void PinGCFrames() => GCFramesMinor(pin: true);

        /// <summary>Minor collection, forward phase: the object slots of GC reporting frames follow their objects.</summary>
        public static void ForwardGCFrames() => GCFramesMinor(pin: false);

        /// <summary>Marks the slots of every registered GC reporting frame of every thread.</summary>
        public static void ScanGCFrames()
        {
            if (!Scheduler.IsInitialized) ScanGCFrameChain(RuntimeThreadState.Current->GCFrameChain);
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
                ScanGCFrameChain(GCToRuntime.StateOf(t)->GCFrameChain);
        }
    }
}
