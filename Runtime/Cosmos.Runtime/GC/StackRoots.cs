using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Layout;
using Cosmos.Core.Threading;
using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime
{
    /// <summary>Figures of one collection's stack scan (<see cref="GarbageCollector.LastStackScan"/>).</summary>
    public struct StackScanStatistics
    {
        /// <summary>Managed frames whose GC info was reported.</summary>
        public ulong PreciseFrames;
        /// <summary>Live slots and registers those frames reported.</summary>
        public ulong PreciseSlots;
        /// <summary>8-byte words scanned conservatively (X# frames, stack tops, threads without GC info at their leaf).</summary>
        public ulong ConservativeWords;
        /// <summary>Threads whose stack was scanned wholly conservatively (a leaf the walk cannot unwind reliably: X# code other than the yield helper, a funclet between safe points, a thread that never ran).</summary>
        public ulong ConservativeThreads;
        /// <summary>Interrupted threads whose managed leaf frame stood between safe points: that frame and the registers were scanned conservatively, the callers precisely.</summary>
        public ulong ConservativeLeafFrames;
        /// <summary>Threads (and unthreaded running stacks) walked.</summary>
        public ulong Threads;
        /// <summary>True when stacks were scanned precisely where GC info exists; false: every stack conservatively.</summary>
        public bool Precise;
    }
}

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Stack roots of every thread, precise where ilc's GC info describes the frame (NativeAOT's GcScanRoots over
    /// its GC stack walk), conservative elsewhere.
    /// <list type="bullet">
    /// <item><b>The collecting thread</b> is walked from the context the X# spill helper saved (its return address
    /// into managed code and the callee-saved registers): every managed frame reports the slots and registers
    /// its GC info says are live at the call it stands at.</item>
    /// <item><b>A suspended thread</b> is walked from its interrupt frame. A leaf in managed code at an
    /// interruptible offset (fully interruptible code outside prologs and epilogs) is the active frame: its scratch
    /// registers count too. A leaf in an X# helper (a thread that blocked or yielded stands in
    /// <c>cosmos_thread_yield</c>, which saves its return address as the interrupted RIP) is reported at that call.</item>
    /// <item><b>Conservative</b>, as before: a thread whose leaf is managed code at a point the GC info does not
    /// describe (partially interruptible code between safe points, prologs, epilogs) — its registers and whole
    /// stack; the part of every stack above the last managed frame of a walk (the X# thread-start and boot
    /// frames) together with the callee-saved register values the walk still holds there; stacks registered with
    /// <see cref="GarbageCollector.RegisterStack"/> that belong to no thread; a walk that meets anything it does
    /// not expect (it falls back rather than guess).</item>
    /// <item>The exception object of every ExInfo of every thread (the dispatch frames between a throw helper and
    /// its throw site are skipped by GC walks).</item>
    /// </list>
    /// A precise object slot must hold 0 or the start of an object (else the collector panics naming the method);
    /// interior (byref) slots mark the object they point into, if any.
    /// </summary>
    internal static unsafe class StackRoots
    {
        /// <summary>When false every stack is scanned conservatively (the behaviour before precise roots; for comparisons).</summary>
        public static bool Precise = true;

        private static StackScanStatistics s_last;

        /// <summary>Records a collection that scanned every stack conservatively (<see cref="Roots.ScanStacks"/>) as the last scan.</summary>
        public static void RecordWholeStackScan(ulong words)
        {
            s_last = default;
            s_last.ConservativeWords = words;
        }

        /// <summary>The last collection's stack-scan figures.</summary>
        public static StackScanStatistics Last => s_last;

        /// <summary>
        /// Scans every thread's stack. <paramref name="spill"/> is the RSP the X# spill helper passed: R15, R14, R13,
        /// R12, RBP, RBX, RFLAGS, then the return address into the managed caller.
        /// </summary>
        public static void Scan(ulong spill)
        {
            // A minor collection walks twice (pin phase, forward phase): the figures describe its first walk.
            StackScanStatistics first = s_last;
            s_last = default;
            s_last.Precise = Precise;
            bool current = false;
            for (int cursor = 0; GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
            {
                s_last.Threads++;
                ExInfo* exHead = GCToRuntime.StateOf(t)->ExceptionHandling.ExInfoHead;
                ulong low = t->StackLow, high = t->StackHigh;
                if (t == Scheduler.Current)
                {
                    if (spill < low || spill >= high) Panic.Halt("GC: the running thread's RSP is outside its stack", spill);
                    ScanFromSpill(spill, high, exHead);
                    current = true;
                }
                else if (t->SavedFrame == null)
                {
                    Conservative(low, high);
                    s_last.ConservativeThreads++;
                }
                else
                {
                    var frame = t->SavedFrame;
                    if (frame->XSaveArea < low || frame->XSaveArea >= high) Panic.Halt("GC: a suspended thread's saved state is outside its stack, thread", t->Id);
                    ScanInterrupted(frame, low, high, exHead);
                }
                ReportExceptionObjects(exHead);
            }
            Roots.ScanUnthreadedStacks(spill, ref current, &ScanBootStack, &Conservative);
            if (!current) Panic.Halt("GC: collecting on a stack that is not registered (RSP)", spill);
            if (Scavenger.Phase == 2) s_last = first;
        }

        /// <summary>The running code is on a registered stack that belongs to no thread (before the scheduler starts).</summary>
        private static void ScanBootStack(ulong spill, ulong high)
        {
            s_last.Threads++;
            ExInfo* exHead = RuntimeThreadState.Current->ExceptionHandling.ExInfoHead;
            ScanFromSpill(spill, high, exHead);
            ReportExceptionObjects(exHead);
        }

        private static void ReportExceptionObjects(ExInfo* exInfo)
        {
            for (; exInfo != null; exInfo = exInfo->Prev)
            {
                if (Scavenger.Phase == 0) MarkPrecise((ulong)exInfo->Exception, 0);
                else if (Scavenger.Phase == 2) Scavenger.ForwardSlot((ulong*)&exInfo->Exception);
            }
        }

        // ---------------------------------------------------------------- starting points

        private static void ScanFromSpill(ulong spill, ulong high, ExInfo* exHead)
        {
            ulong* s = (ulong*)spill;
            RegDisplay regs = default;
            regs.pR15 = s; regs.pR14 = s + 1; regs.pR13 = s + 2; regs.pR12 = s + 3; regs.pRbp = s + 4; regs.pRbx = s + 5;
            regs.IP = s[7];
            regs.SP = spill + 64;
            if (!CodeManager.IsManagedCode(regs.IP))
            {
                Conservative(spill, high);
                return;
            }
            Walk(&regs, high, exHead, active: false);
        }

        private static void ScanInterrupted(InterruptFrame* f, ulong low, ulong high, ExInfo* exHead)
        {
            RegDisplay regs = default;
            regs.pRax = &f->RAX; regs.pRcx = &f->RCX; regs.pRdx = &f->RDX; regs.pRbx = &f->RBX;
            regs.pRbp = &f->RBP; regs.pRsi = &f->RSI; regs.pRdi = &f->RDI;
            regs.pR8 = &f->R8; regs.pR9 = &f->R9; regs.pR10 = &f->R10; regs.pR11 = &f->R11;
            regs.pR12 = &f->R12; regs.pR13 = &f->R13; regs.pR14 = &f->R14; regs.pR15 = &f->R15;
            regs.IP = f->RIP;
            regs.SP = f->RSP;
            if (regs.SP < low || regs.SP > high)
            {
                WholeThreadConservative(&regs, f->RSP < low || f->RSP > high ? low : f->RSP, high);
                return;
            }
            if (CodeManager.IsManagedCode(regs.IP) && (f->Vector & 0xFF) == Scheduler.YieldVector && GcInfoAccess.IsSafePoint(regs.IP))
            {
                // A thread that blocked or yielded: cosmos_thread_yield saved its return address as RIP, so the frame
                // stands at a call and is reported like any caller frame (RAX and RCX, which it clobbers, hold nothing).
                Walk(&regs, high, exHead, active: false);
                return;
            }
            if (CodeManager.IsManagedCode(regs.IP))
            {
                if (GcInfoAccess.IsInterruptible(regs.IP))
                {
                    Walk(&regs, high, exHead, active: true);
                    return;
                }
                // Between safe points: the leaf frame is scanned conservatively (registers and its stack), the walk goes
                // on precisely from its caller. Funclet leaves fall back whole (their owner frame must be collapsed).
                ulong leafSp = regs.SP;
                if (!CodeManager.FindMethod(regs.IP, out MethodInfo leaf)
                    || (leaf.Lsda != null && (leaf.Lsda[0] & CodeManager.LsdaFlags.KindMask) != CodeManager.LsdaFlags.KindRoot)
                    || !UnwindLeaf(&regs, leaf, high)
                    || !CodeManager.IsManagedCode(regs.IP))
                {
                    WholeThreadConservative(&regs, leafSp, high);
                    return;
                }
                ConservativeRegisters(f);
                Conservative(leafSp, regs.SP);
                s_last.ConservativeLeafFrames++;
                Walk(&regs, high, exHead, active: false);
                return;
            }
            // X# code (memmove, HLT, …): its frame layout is not known to the walk.
            WholeThreadConservative(&regs, f->RSP, high);
        }

        /// <summary>
        /// Unwinds a managed leaf frame interrupted at <paramref name="regs"/>'s IP (not a return address): in an epilog
        /// (whose CFI ilc does not describe) by simulating the rest of the epilog, elsewhere (prolog, body) with the
        /// frame's CFI looked up at the IP itself. False when the result is not plausible.
        /// </summary>
        private static bool UnwindLeaf(RegDisplay* regs, in MethodInfo leaf, ulong high)
        {
            ulong oldSp = regs->SP;
            int epilog = Epilog.TryUnwind(regs, leaf.BlockStart, leaf.BlockEnd);
            if (epilog < 0) return false;
            if (epilog == 0 && !CodeManager.Unwind(regs, regs->IP)) return false;
            return regs->SP > oldSp && regs->SP <= high;
        }

        /// <summary>Conservative scan of the general registers saved in an interrupt frame.</summary>
        private static void ConservativeRegisters(InterruptFrame* f)
        {
            ulong* p = &f->R15;
            for (int i = 0; i < 15; i++) Marker.MarkConservative(p[i]);
        }

        private static void WholeThreadConservative(RegDisplay* regs, ulong from, ulong high)
        {
            ConservativeRegisters(regs);
            Conservative(from, high);
            s_last.ConservativeThreads++;
        }

        // ---------------------------------------------------------------- the walk

        private static void Walk(RegDisplay* start, ulong high, ExInfo* exHead, bool active)
        {
            StackFrameIterator it;
            if (!StackFrameIterator.StartGcWalk(&it, start, exHead, ipIsInstruction: active))
            {
                WholeThreadConservative(start, start->SP, high);
                return;
            }
            bool first = true;
            do
            {
                bool isActive = first && active;
                bool aborted = !isActive && (it.Flags & IteratorFlags.ActiveFrameIsFault) != 0;
                ReportFrame(&it, isActive, aborted);
                first = false;
            }
            while (StackFrameIterator.NextFrame(&it));
            // Above the last managed frame: X# callers (thread start, boot) and what they hold of registers.
            ConservativeRegisters(&it.Regs);
            if (it.Regs.SP < high) Conservative(it.Regs.SP & ~7UL, high);
        }

        /// <summary>What the slot callback needs of the frame being reported.</summary>
        internal struct FrameContext
        {
            /// <summary>The walk, standing on the frame.</summary>
            public StackFrameIterator* It;
            /// <summary>The frame's caller SP (its CFA), computed when a slot needs it (0: not yet).</summary>
            public ulong CallerSp;
            /// <summary>SP + the method's outgoing/scratch area: slots the decoder could not place that lie below are not reported for a caller frame.</summary>
            public ulong ScratchAreaEnd;
            /// <summary>The method's frame register (GCInfo register number), for frame-register-relative slots.</summary>
            public uint StackBaseRegister;
        }

        private static void ReportFrame(StackFrameIterator* it, bool active, bool aborted)
        {
            s_last.PreciseFrames++;
            // GCINFO_VERSION 4: a frame at a call is described at the return address itself; the active and a faulting frame at their instruction.
            ulong offset = it->ControlPC - it->MethodStart;
            bool filter = it->Lsda != null && (it->Lsda[0] & CodeManager.LsdaFlags.KindMask) == CodeManager.LsdaFlags.KindFilter;
            if (it->MainLsda == null) Panic.Halt("GC: managed frame without LSDA (no GC info), method at", it->MethodStart);
            FrameContext ctx = default;
            ctx.It = it;
            GcInfoAccess.EnumerateLiveSlots(it->MainLsda, (uint)offset, active, aborted, filter, &ctx);
        }

        /// <summary>Resolves one live slot of the frame in <paramref name="context"/> (a <see cref="FrameContext"/>) and marks what it holds.</summary>
        internal static void OnLiveSlot(void* context, in GcSlotReport slot)
        {
            var ctx = (FrameContext*)context;
            StackFrameIterator* it = ctx->It;
            ulong* location;
            if (slot.IsRegister)
            {
                location = RegisterLocation(&it->Regs, slot.Register);
                if (location == null)
                    Panic.Halt("GC: GC info reports a live register whose location the walk does not know, method at", it->MethodStart);
            }
            else
            {
                ulong baseValue;
                switch (slot.Base)
                {
                    case GcStackSlotBase.CallerSpRelative:
                        if (ctx->CallerSp == 0) ctx->CallerSp = CallerSp(it);
                        baseValue = ctx->CallerSp;
                        break;
                    case GcStackSlotBase.SpRelative:
                        baseValue = it->Regs.SP;
                        break;
                    default:
                        ulong* fp = RegisterLocation(&it->Regs, (int)ctx->StackBaseRegister);
                        if (fp == null) Panic.Halt("GC: frame-register-relative slot but the frame register is unknown, method at", it->MethodStart);
                        baseValue = *fp;
                        break;
                }
                location = (ulong*)(baseValue + (ulong)(long)slot.StackOffset);
                if (slot.CheckScratchArea && (ulong)location < ctx->ScratchAreaEnd) return;
            }
            ulong value = *location;
            if ((slot.Flags & GcSlotFlags.Interior) != 0)
            {
                // Byrefs mark (or, in a minor collection, pin) the object they point into; they are never updated.
                Marker.MarkConservative(value);
                s_last.PreciseSlots++;
            }
            else if (Scavenger.Phase == 0) { s_last.PreciseSlots++; MarkPrecise(value, it->MethodStart); }
            else if (Scavenger.Phase == 1) { s_last.PreciseSlots++; if ((slot.Flags & GcSlotFlags.Pinned) != 0) Scavenger.PinConservative(value); }
            else { s_last.PreciseSlots++; Scavenger.ForwardSlot(location); }
        }

        private static ulong CallerSp(StackFrameIterator* it)
        {
            RegDisplay copy = it->Regs;
            ulong lookup = (it->Flags & IteratorFlags.ActiveFrameIsFault) != 0 ? it->Regs.IP : it->Regs.IP - 1;
            if (!CodeManager.Unwind(&copy, lookup)) Panic.Halt("GC: cannot unwind to the caller's SP, code at", it->Regs.IP);
            return copy.SP;
        }

        /// <summary>Location of GCInfo AMD64 register <paramref name="reg"/> (0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8–15 R8–R15).</summary>
        private static ulong* RegisterLocation(RegDisplay* r, int reg)
        {
            switch (reg)
            {
                case 0: return r->pRax;
                case 1: return r->pRcx;
                case 2: return r->pRdx;
                case 3: return r->pRbx;
                case 5: return r->pRbp;
                case 6: return r->pRsi;
                case 7: return r->pRdi;
                case 8: return r->pR8;
                case 9: return r->pR9;
                case 10: return r->pR10;
                case 11: return r->pR11;
                case 12: return r->pR12;
                case 13: return r->pR13;
                case 14: return r->pR14;
                case 15: return r->pR15;
                default: return null;
            }
        }

        /// <summary>Marks a precisely reported reference: 0, an object of the heap, the image or a frozen segment; anything else is a bug the collector must not hide.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MarkPrecise(ulong obj, ulong method)
        {
            if (obj == 0 || Marker.InImage(obj)) return;
            if (Marker.IsHeapObject(obj)) { Marker.MarkRef(obj); return; }
            if (Roots.InFrozenSegment(obj)) return;      // frozen segments are scanned as roots anyway
            Panic.Halt("GC: a precise stack root does not point at an object (GC info or walk wrong?), method at", method);
        }

        // ---------------------------------------------------------------- conservative parts

        private static void ConservativeRegisters(RegDisplay* r)
        {
            ulong** p = &r->pRax;     // pRax … pR15: the 15 general registers other than RSP
            for (int i = 0; i < 15; i++)
                if (p[i] != null) Marker.MarkConservative(*p[i]);
        }

        private static void Conservative(ulong from, ulong to)
        {
            from &= ~7UL;
            if (Scavenger.Phase == 2) return;
            for (ulong* p = (ulong*)from; p < (ulong*)to; p++) Marker.MarkConservative(*p);
            s_last.ConservativeWords += (to - from) / 8;
        }
    }
}
