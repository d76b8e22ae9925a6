using System;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;

namespace Cosmos.Core.Threading
{
    /// <summary>The ready queues of <see cref="SchedulerPolicy"/>: one <see cref="WaitQueue"/> per priority.</summary>
    [InlineArray(Scheduler.PriorityLevels)]
    public struct ReadyQueueArray
    {
        private WaitQueue _queue;
    }

    /// <summary>
    /// The scheduling policy of <see cref="Scheduler"/>, free of hardware access (the time is passed in), so that host
    /// tests run it over control blocks of their own: one FIFO ready queue per priority (a <see cref="WaitQueue"/>, linked
    /// through <see cref="KernelThread.Next"/> like the wait queues: a thread is in at most one queue), strict priority
    /// between queues, round robin in time slices of <see cref="Scheduler.QuantumTicks"/> ticks within one, a starvation
    /// boost, and the decision of which thread runs next when the running one yields, blocks, exits or is preempted.
    /// Zero-initialized is empty. Manipulate only with interrupts disabled.
    /// </summary>
    public unsafe struct SchedulerPolicy
    {
        private ReadyQueueArray _ready;
        /// <summary>Bit p set exactly when the ready queue of priority p is not empty (kept by the queue operations here).</summary>
        private uint _readyMask;

        /// <summary>The running thread.</summary>
        public KernelThread* Current;
        /// <summary>The idle thread: runs when no other thread is ready; never queued.</summary>
        public KernelThread* Idle;
        /// <summary>A switch is wanted: the dispatcher calls <see cref="Scheduler.SwitchFrom"/> as it leaves the outermost interrupt.</summary>
        public bool SwitchPending;
        /// <summary>The pending switch takes the processor from a running thread (counted as a preemption).</summary>
        public bool Preempt;
        /// <summary>The pending switch is a yield (<see cref="Scheduler.Yield"/>), which may lend the processor to a lower priority.</summary>
        public bool Yielding;
        /// <summary>Starvation boosts given.</summary>
        public ulong Boosts;

        /// <summary>The ready queue of <paramref name="priority"/> (<see cref="Scheduler.Lowest"/>…<see cref="Scheduler.Highest"/>).</summary>
        [UnscopedRef] public readonly ref readonly WaitQueue Queue(int priority) => ref _ready[priority];

        /// <summary>The highest priority with a ready thread, or <see cref="Scheduler.IdlePriority"/> when none is ready.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int HighestReadyPriority() => _readyMask == 0 ? Scheduler.IdlePriority : BitOperations.Log2(_readyMask);

        /// <summary>True when a thread other than the idle thread is ready.</summary>
        public readonly bool AnyReady => _readyMask != 0;

        /// <summary>Appends <paramref name="t"/> to the ready queue of its priority; <paramref name="now"/> (TSC) starts its starvation clock.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Enqueue(KernelThread* t, ulong now)
        {
            t->ReadySinceTsc = now;
            _ready[t->Priority].Append(t);
            _readyMask |= 1u << t->Priority;
        }

        /// <summary>Takes <paramref name="t"/> out of the ready queue of its priority.</summary>
        public void Dequeue(KernelThread* t)
        {
            ref var queue = ref _ready[t->Priority];
            queue.Remove(t);
            if (queue.IsEmpty) _readyMask &= ~(1u << t->Priority);
        }

        /// <summary>
        /// Makes <paramref name="t"/> ready with wait result <paramref name="result"/> and requests a switch when it outranks
        /// the running thread (or the idle thread runs); the switch preempts the running thread when it is still running.
        /// </summary>
        public void MakeReady(KernelThread* t, int result, ulong now)
        {
            t->WaitResult = result;
            t->WakeTsc = 0;
            t->State = ThreadRunState.Ready;
            Enqueue(t, now);
            if (Current != null && (t->Priority > Current->Priority || Current == Idle))
            {
                SwitchPending = true;
                Preempt = Current->State == ThreadRunState.Running;
            }
        }

        /// <summary>
        /// Sets the priority of <paramref name="t"/>: re-queues it when ready, and requests a switch when a ready thread
        /// then outranks the running one. During a starvation boost the new priority takes effect when the boost ends.
        /// </summary>
        public void SetPriority(KernelThread* t, int priority, ulong now)
        {
            if (t->Boosted != 0) { t->BasePriority = priority; return; }
            if (t->Priority == Scheduler.IdlePriority || t->Priority == priority) return;
            if (t->State == ThreadRunState.Ready)
            {
                Dequeue(t);
                t->Priority = priority;
                Enqueue(t, now);
            }
            else t->Priority = priority;
            if (HighestReadyPriority() > Current->Priority) SwitchPending = true;
        }

        /// <summary>
        /// One timer tick at TSC <paramref name="now"/>: first the starvation boost when <paramref name="starvationTsc"/> is
        /// not 0 (see <see cref="BoostStarved"/>), then the running thread's time slice is charged; a switch is requested
        /// when the slice is used up and a thread of the same or a higher priority is ready (round robin), when a
        /// higher-priority thread is ready, or when a boost ends.
        /// </summary>
        public void Tick(ulong now, ulong starvationTsc)
        {
            if (starvationTsc != 0) BoostStarved(now, starvationTsc);
            var cur = Current;
            if (cur == Idle) { if (AnyReady) SwitchPending = true; return; }
            int best = HighestReadyPriority();
            if (best > cur->Priority) { SwitchPending = true; Preempt = true; return; }   // it ran on a lent tick
            if (--cur->QuantumLeft <= 0)
            {
                cur->QuantumLeft = 0;
                if (cur->Boosted != 0) { EndBoost(cur); SwitchPending = true; Preempt = true; }   // the boost lasts one slice
                else if (best >= cur->Priority) { SwitchPending = true; Preempt = true; }
                else cur->QuantumLeft = Scheduler.QuantumTicks;
            }
        }

        /// <summary>
        /// Moves every ready thread below <see cref="Scheduler.Highest"/> that has waited at least
        /// <paramref name="starvationTsc"/> TSC ticks to the Highest queue for one time slice (its own priority is kept in
        /// <see cref="KernelThread.BasePriority"/>), and preempts the running thread when it is below Highest.
        /// </summary>
        public void BoostStarved(ulong now, ulong starvationTsc)
        {
            for (int p = Scheduler.Lowest; p < Scheduler.Highest; p++)
            {
                var t = _ready[p].Head;
                while (t != null)
                {
                    var next = t->Next;
                    if (now - t->ReadySinceTsc >= starvationTsc)
                    {
                        Dequeue(t);
                        t->BasePriority = t->Priority;
                        t->Priority = Scheduler.Highest;
                        t->Boosted = 1;
                        Enqueue(t, now);
                        Boosts++;
                        if (Current != Idle && Current->Priority < Scheduler.Highest) { SwitchPending = true; Preempt = true; }
                    }
                    t = next;
                }
            }
        }

        /// <summary>Ends the starvation boost of <paramref name="t"/>, if any: it gets its own priority back.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void EndBoost(KernelThread* t)
        {
            if (t->Boosted == 0) return;
            t->Priority = t->BasePriority;
            t->Boosted = 0;
        }

        /// <summary>
        /// The pending switch at TSC <paramref name="now"/>: clears the request and returns the thread to run —
        /// <see cref="Current"/> itself when nothing outranks it (its slice is renewed when used up), else the first thread
        /// of the highest ready queue (the running thread, when still runnable, goes to the tail of its queue: round robin),
        /// or the idle thread. A yield to a lower priority lends it a single tick. <paramref name="preempted"/>: the switch
        /// counts as a preemption. Does not change <see cref="Current"/>; the caller switches the context and sets it.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public KernelThread* SelectNext(ulong now, out bool preempted)
        {
            SwitchPending = false;
            bool preempt = Preempt, yield = Yielding;
            Preempt = Yielding = false;
            var cur = Current;
            bool runnable = cur->State == ThreadRunState.Running;
            preempted = preempt && runnable;
            if (!runnable) EndBoost(cur);
            int best = HighestReadyPriority();
            bool donated = yield && runnable && cur != Idle && best != Scheduler.IdlePriority && best < cur->Priority;
            if (runnable && cur != Idle && best < cur->Priority && !donated)                 // nothing outranks it: keep running
            {
                if (cur->QuantumLeft <= 0) cur->QuantumLeft = Scheduler.QuantumTicks;
                return cur;
            }
            KernelThread* next;
            if (best == Scheduler.IdlePriority)
            {
                if (runnable) { if (cur != Idle) cur->QuantumLeft = Scheduler.QuantumTicks; EndBoost(cur); return cur; }
                next = Idle;
            }
            else
            {
                if (runnable && cur != Idle) { EndBoost(cur); cur->State = ThreadRunState.Ready; Enqueue(cur, now); }
                ref var queue = ref _ready[best];
                next = queue.TakeFirst();
                if (queue.IsEmpty) _readyMask &= ~(1u << best);
            }
            if (cur == Idle && runnable) cur->State = ThreadRunState.Ready;
            next->State = ThreadRunState.Running;
            next->QuantumLeft = donated ? 1 : Scheduler.QuantumTicks;      // a yield to a lower priority lends one tick
            return next;
        }
    }

    /// <summary>
    /// The thread scheduler of the (single) boot processor: preemptive, priority based, round robin within a
    /// priority. Contract (docs/CONTRACTS.md, "Threads"):
    /// <list type="bullet">
    /// <item><b>Context.</b> A thread that is not running is one <see cref="InterruptFrame"/> on its own stack (the
    /// SIMD state in the XSAVE/FXSAVE area below it): either the timer interrupt preempted it, or it called
    /// <see cref="Yield"/> / blocked, which enters the same interrupt stub with the frame <c>INT</c>
    /// <see cref="YieldVector"/> would push (<c>cosmos_thread_yield</c>). <see cref="InterruptDispatcher.Dispatch"/> calls
    /// <see cref="SwitchFrom"/> when it leaves the outermost interrupt with a switch pending; the stub then restores the
    /// frame it returns (another thread's), SIMD state included, with POPFQ + RET for a YieldVector frame and IRETQ
    /// otherwise. FS base (TLS) and the registered per-thread globals are switched with it
    /// (<see cref="ThreadContext"/>).</item>
    /// <item><b>Policy</b> (<see cref="SchedulerPolicy"/>). Five priorities (<see cref="Lowest"/> … <see cref="Highest"/>,
    /// System.Threading.ThreadPriority order); a runnable thread of a higher priority always runs before lower ones, and
    /// preempts them at once when it becomes ready; threads of equal priority share the processor in time slices of
    /// <see cref="QuantumTicks"/> timer ticks. The idle thread (<see cref="IdlePriority"/>) runs when nothing else can; it
    /// HLTs. A ready thread that has waited <see cref="StarvationMs"/> runs one time slice at <see cref="Highest"/> (a
    /// starvation boost, as Windows' balance-set manager does after about 4 s): it bounds priority inversion through
    /// runtime locks whose owner the scheduler cannot see (the CoreLib's LowLevelLock).</item>
    /// <item><b>Blocking.</b> <see cref="Block"/> and <see cref="Wake"/> with interrupts disabled by the caller; timed
    /// waits end at the first timer tick at or after their TSC deadline.</item>
    /// <item><b>Lifecycle</b> (Scheduler.Lifecycle.cs). Each thread gets <see cref="DefaultStackBytes"/> (or the requested
    /// size) above an unmapped guard page; an overflow faults into it and ends as a double-fault report on IST 1.</item>
    /// </list>
    /// Nothing here allocates managed memory after <see cref="Initialize"/>; control blocks are unmanaged and reused.
    /// </summary>
    public static unsafe partial class Scheduler
    {
        /// <summary>Priorities (System.Threading.ThreadPriority values).</summary>
        public const int Lowest = 0, BelowNormal = 1, Normal = 2, AboveNormal = 3, Highest = 4;
        /// <summary>Priority of the idle thread: below every other.</summary>
        public const int IdlePriority = -1;
        /// <summary>Number of priorities of ordinary threads.</summary>
        public const int PriorityLevels = 5;
        /// <summary>Software interrupt vector of <see cref="Yield"/> (no end-of-interrupt is sent for it).</summary>
        public const byte YieldVector = 0x81;
        /// <summary>Most threads alive at once (including the boot and idle threads).</summary>
        public const int MaxThreads = 256;
        /// <summary>Bytes of the runtime's per-thread state the scheduler switches (<see cref="RegisterRuntimeState"/>).</summary>
        public const int RuntimeStateBytes = 64;
        /// <summary>Length of a time slice, in timer ticks.</summary>
        public const int QuantumTicks = 10;
        /// <summary>Timer tick rate the system layer programs (Hz).</summary>
        public const uint DefaultTickHz = 1000;
        /// <summary>Stack size of a thread when none is requested (bytes).</summary>
        public const ulong DefaultStackBytes = 256 * 1024;
        /// <summary>Smallest stack a thread gets (bytes); smaller requests are rounded up to it.</summary>
        public const ulong MinStackBytes = 64 * 1024;
        /// <summary>A ready thread that has not run for this many milliseconds gets one time slice at <see cref="Highest"/>.</summary>
        public const int StarvationMs = 300;
        /// <summary>Every how many ticks the starvation boost looks at the ready queues.</summary>
        public const int StarvationCheckTicks = 16;
        /// <summary><see cref="KernelThread.WaitResult"/>: woken by <see cref="Wake"/>, or by the deadline.</summary>
        public const int WokenByTimeout = 0, WokenBySignal = 1;

        private static SchedulerPolicy s_policy;
        private static bool s_initialized;
        private static ulong s_switches, s_preemptions, s_ticks, s_lastTickTsc, s_tickTsc;
        private static uint s_tickHz;

        /// <summary>True after <see cref="Initialize"/>.</summary>
        public static bool IsInitialized => s_initialized;
        /// <summary>The running thread (null before <see cref="Initialize"/>).</summary>
        public static KernelThread* Current => s_policy.Current;
        /// <summary>The idle thread.</summary>
        public static KernelThread* IdleThread => s_policy.Idle;
        /// <summary>Thread switches since boot (a switch to another thread; yields that resume the same thread do not count).</summary>
        public static ulong SwitchCount => s_switches;
        /// <summary>Switches forced by the timer (time slice used up, or a higher-priority thread woke) since boot.</summary>
        public static ulong PreemptionCount => s_preemptions;
        /// <summary>Address of the <see cref="PreemptionCount"/> counter (for X# test loops that must not call managed code).</summary>
        public static ulong* PreemptionCountAddress => (ulong*)Unsafe.AsPointer(ref s_preemptions);
        /// <summary>Starvation boosts given since boot (see <see cref="StarvationMs"/>).</summary>
        public static ulong BoostCount => s_policy.Boosts;
        /// <summary>Timer ticks seen since <see cref="SetTickSource"/>.</summary>
        public static ulong TickCount => s_ticks;
        /// <summary>Tick rate set by <see cref="SetTickSource"/> (0: no timer drives the scheduler).</summary>
        public static uint TickHz => s_tickHz;

        /// <summary>
        /// Registers the runtime's per-thread state: a global block of <paramref name="bytes"/> bytes (at most
        /// <see cref="RuntimeStateBytes"/>) that always holds the running thread's state. The scheduler saves it into the
        /// outgoing thread's <see cref="KernelThread.RuntimeState"/> and loads the incoming thread's copy on every switch;
        /// new threads start with zeros; the running (boot) thread keeps what the block holds. Call once, before any
        /// thread other than the boot and idle threads exists; a second call or a larger block panics.
        /// </summary>
        public static void RegisterRuntimeState(void* address, int bytes)
        {
            if (ThreadContext.HasRuntimeState || bytes <= 0 || bytes > RuntimeStateBytes || (bytes & 7) != 0 || s_created > 1 || s_switches > 0)
                Panic.Halt("Scheduler.RegisterRuntimeState: one block of at most RuntimeStateBytes (a multiple of 8), before threads are created", (ulong)bytes);
            ThreadContext.SetRuntimeState(address, bytes);
        }

        /// <summary>
        /// Declares that a periodic timer of <paramref name="hz"/> Hz calls <see cref="Tick"/> from its interrupt
        /// handler (the system layer programs it). Without a tick there is no preemption, and sleeping threads are
        /// woken by the idle thread polling the TSC.
        /// </summary>
        public static void SetTickSource(uint hz)
        {
            ulong tsc = TscHz;
            s_tickHz = hz;
            s_tickTsc = hz == 0 || tsc == 0 ? 0 : tsc / hz;
            s_lastTickTsc = Native.Rdtsc();
        }

        /// <summary>
        /// Lets the idle thread stop the periodic tick while nothing is ready ("tickless idle"): under QEMU's TCG a
        /// 1000 Hz tick alone costs an idle guest ≈ 2.6 % of a host core (docs/FACTS.md). Before it halts, the idle thread
        /// calls <paramref name="armOneShot"/> with the TSC ticks until the earliest sleeper's deadline (at most
        /// <see cref="MaxIdleMs"/>); the timer then interrupts once, through the same handler that calls <see cref="Tick"/>.
        /// <paramref name="armOneShot"/> returns false when the timer is not the scheduler's any more (a kernel
        /// reprogrammed it), and the tick is left alone. <paramref name="resumePeriodic"/> restores the periodic tick;
        /// it is called as soon as a thread other than the idle thread is switched to, and before the idle thread halts
        /// without a one-shot. Both run with interrupts disabled. Null for either: the tick is never stopped.
        /// </summary>
        public static void SetIdleTimer(delegate*<ulong, bool> armOneShot, delegate*<void> resumePeriodic)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (s_idleArmed && s_resumePeriodic != null) s_resumePeriodic();
            s_idleArmed = false;
            s_armOneShot = armOneShot == null || resumePeriodic == null ? null : armOneShot;
            s_resumePeriodic = s_armOneShot == null ? null : resumePeriodic;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>The longest the idle thread lets the timer stay silent, in ms (within the PIT's 16-bit one-shot range, 54.9 ms).</summary>
        public const int MaxIdleMs = 50;

        /// <summary>Ticks the idle thread waits, with no thread switch, before it stops the tick.</summary>
        public const int IdleTicksBeforeOneShot = 2;

        /// <summary>Times the idle thread stopped the periodic tick (<see cref="SetIdleTimer"/>) since boot.</summary>
        public static ulong IdleOneShotCount => s_idleOneShots;

        private static delegate*<ulong, bool> s_armOneShot;
        private static delegate*<void> s_resumePeriodic;
        private static bool s_idleArmed;
        private static ulong s_idleSwitches = ulong.MaxValue, s_idleTicks, s_idleOneShots;

        /// <summary>Interrupts disabled: the periodic tick again, if the idle thread had stopped it.</summary>
        private static void ResumePeriodicTick()
        {
            if (!s_idleArmed) return;
            s_idleArmed = false;
            s_resumePeriodic();
        }

        /// <summary>Interrupts disabled, nothing ready: arms the one-shot up to the earliest deadline when that is two ticks or more away.</summary>
        private static void ArmIdleTimer()
        {
            if (s_armOneShot == null) return;
            ulong now = Native.Rdtsc();
            ulong wait = TscHz / 1000 * MaxIdleMs;
            for (int i = 0; i < s_slots; i++)
            {
                var t = (KernelThread*)s_threads.Thread[i];
                if (t == null || t->State != ThreadRunState.Blocked || t->WakeTsc == 0) continue;
                ulong left = t->WakeTsc > now ? t->WakeTsc - now : 0;
                if (left < wait) wait = left;
            }
            if (wait >= 2 * s_tickTsc && s_armOneShot(wait)) { s_idleArmed = true; s_idleOneShots++; }
            else ResumePeriodicTick();
        }

        /// <summary>TSC ticks per second, set by the system layer after calibration (0 before).</summary>
        public static ulong TscHz { get; set; }

        // ------------------------------------------------------------------ yielding, blocking, waking

        /// <summary>
        /// Gives the processor to another ready thread, if any (Thread.Yield; like Windows' SwitchToThread, of any
        /// priority): the highest-priority ready thread runs; when that is of lower priority than the caller it gets a
        /// single tick before the caller preempts it again. Without this, code that spins on Yield waiting for a
        /// lower-priority thread (the CoreLib's Thread.Start waits that way for the new thread to start) would never
        /// finish. Returns true when another thread ran.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Yield()
        {
            if (!s_initialized) return false;
            ulong before = s_switches;
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_policy.SwitchPending = true;
            s_policy.Yielding = true;
            SchedulerNative.YieldRestoring(irq);
            return s_switches != before;
        }

        /// <summary>
        /// Blocks the running thread (interrupts must be disabled by the caller, and stay so when it returns) on
        /// <paramref name="queue"/> (may be null) until <see cref="Wake"/> or the TSC reaches <paramref name="deadlineTsc"/>
        /// (0: no deadline). Returns <see cref="WokenBySignal"/> or <see cref="WokenByTimeout"/>. Panics when called
        /// from an interrupt handler or by the idle thread.
        /// </summary>
        public static int Block(WaitQueue* queue, ulong deadlineTsc)
        {
            var t = s_policy.Current;
            if (InterruptDispatcher.Depth != 0) Panic.Halt("Scheduler.Block: a thread cannot block inside an interrupt handler");
            if (t == s_policy.Idle) Panic.Halt("Scheduler.Block: the idle thread must not block");
            if (CPU.InterruptsEnabled) Panic.Halt("Scheduler.Block: interrupts must be disabled by the caller");
            t->State = ThreadRunState.Blocked;
            t->WaitingOn = queue;
            t->WakeTsc = deadlineTsc;
            t->WaitResult = WokenByTimeout;
            if (queue != null) queue->Append(t);
            s_policy.SwitchPending = true;
            SchedulerNative.Yield();
            return t->WaitResult;
        }

        /// <summary>Sleeps the running thread until the TSC reaches <paramref name="deadlineTsc"/> (0 = yield only).</summary>
        public static void SleepUntil(ulong deadlineTsc)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (deadlineTsc == 0) { s_policy.SwitchPending = true; SchedulerNative.Yield(); }
            else if (Native.Rdtsc() < deadlineTsc) Block(null, deadlineTsc);
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Wakes the first waiter of <paramref name="queue"/> (interrupts disabled by the caller); returns false when none waited.</summary>
        public static bool WakeOne(WaitQueue* queue)
        {
            var t = queue->TakeFirst();
            if (t == null) return false;
            t->WaitingOn = null;
            s_policy.MakeReady(t, WokenBySignal, Native.Rdtsc());
            return true;
        }

        /// <summary>Wakes every waiter of <paramref name="queue"/> (interrupts disabled by the caller); returns how many.</summary>
        public static int WakeAll(WaitQueue* queue)
        {
            int n = 0;
            while (WakeOne(queue)) n++;
            return n;
        }

        /// <summary>Wakes blocked thread <paramref name="t"/> (interrupts disabled by the caller); does nothing unless it is blocked.</summary>
        public static void Wake(KernelThread* t)
        {
            if (t->State != ThreadRunState.Blocked) return;
            if (t->WaitingOn != null) { t->WaitingOn->Remove(t); t->WaitingOn = null; }
            s_policy.MakeReady(t, WokenBySignal, Native.Rdtsc());
        }

        /// <summary>After waking threads with interrupts disabled and then enabling them: switches when a woken thread outranks the running one.</summary>
        public static void YieldIfPending()
        {
            if (!s_policy.SwitchPending || InterruptDispatcher.Depth != 0) return;
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (s_policy.SwitchPending) SchedulerNative.YieldRestoring(irq);
            else CPU.RestoreInterrupts(irq);
        }

        /// <summary>Sets the priority of <paramref name="t"/> (<see cref="Lowest"/>…<see cref="Highest"/>); re-queues it when ready and preempts when needed.</summary>
        public static void SetPriority(KernelThread* t, int priority)
        {
            if (priority < Lowest || priority > Highest) Panic.Halt("Scheduler.SetPriority: priority out of range", (ulong)(long)priority);
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_policy.SetPriority(t, priority, Native.Rdtsc());
            CPU.RestoreInterrupts(irq);
            YieldIfPending();
        }

        /// <summary>True when a thread other than the idle thread is ready.</summary>
        public static bool AnyReady => s_policy.AnyReady;

        // ------------------------------------------------------------------ interrupt side

        /// <summary>
        /// The periodic timer tick (called from the timer's interrupt handler): wakes threads whose deadline passed,
        /// charges the running thread's time slice and requests a switch when it is used up or a higher-priority
        /// thread is ready (<see cref="SchedulerPolicy.Tick"/>).
        /// </summary>
        public static void Tick()
        {
            s_ticks++;
            ulong now = Native.Rdtsc();
            s_lastTickTsc = now;
            if (!s_initialized) return;
            WakeExpired(now);
            ulong hz = TscHz;
            ulong starvation = s_ticks % StarvationCheckTicks == 0 && hz != 0 ? hz / 1000 * StarvationMs : 0;
            s_policy.Tick(now, starvation);
        }

        /// <summary>Wakes every blocked thread whose deadline is at or before <paramref name="now"/> (interrupts disabled).</summary>
        private static void WakeExpired(ulong now)
        {
            for (int i = 0; i < s_slots; i++)
            {
                var t = (KernelThread*)s_threads.Thread[i];
                if (t == null || t->State != ThreadRunState.Blocked || t->WakeTsc == 0 || t->WakeTsc > now) continue;
                if (t->WaitingOn != null) { t->WaitingOn->Remove(t); t->WaitingOn = null; }
                s_policy.MakeReady(t, WokenByTimeout, now);
            }
        }

        private static void OnYield(InterruptFrame* frame) => s_policy.SwitchPending = true;

        /// <summary>True when the dispatcher should call <see cref="SwitchFrom"/> as it leaves the outermost interrupt.</summary>
        public static bool SwitchPending => s_policy.SwitchPending;

        /// <summary>
        /// Called by the dispatcher, interrupts disabled, as it leaves the outermost interrupt with a switch pending:
        /// <paramref name="frame"/> is the running thread's saved state; returns the frame to resume (its own when no
        /// other thread should run). The policy picks the thread (<see cref="SchedulerPolicy.SelectNext"/>),
        /// <see cref="ThreadContext"/> switches the rest of the context.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static InterruptFrame* SwitchFrom(InterruptFrame* frame)
        {
            var cur = s_policy.Current;
            cur->SavedFrame = frame;
            ulong now = Native.Rdtsc();
            var next = s_policy.SelectNext(now, out bool preempted);
            if (next == cur) return frame;
            if (next != s_policy.Idle) ResumePeriodicTick();
            ThreadContext.Switch(cur, next, now);
            s_policy.Current = next;
            s_switches++;
            if (preempted) s_preemptions++;
            return next->SavedFrame;
        }

        // ------------------------------------------------------------------ idle

        /// <summary>The idle thread: hands the processor to ready threads, HLTs while the timer ticks (stopping the tick until the next deadline, see <see cref="SetIdleTimer"/>), polls deadlines when no timer runs.</summary>
        private static IntPtr IdleLoop(IntPtr unused)
        {
            while (true)
            {
                if (AnyReady) { Yield(); continue; }
                bool ticking = s_tickTsc != 0 && (s_idleArmed || Native.Rdtsc() - s_lastTickTsc < 16 * s_tickTsc);
                if (ticking)
                {
                    ulong irq = CPU.SaveAndDisableInterrupts();
                    if (!AnyReady)
                    {
                        // Only an idle stretch that already lasted IdleTicksBeforeOneShot ticks (no switch since) stops
                        // the tick: reprogramming the timer at every short idle cost a thread-heavy kernel ≈ 8 % (GCTests).
                        if (s_idleSwitches != s_switches) { s_idleSwitches = s_switches; s_idleTicks = s_ticks; }
                        else if (s_ticks - s_idleTicks >= IdleTicksBeforeOneShot) ArmIdleTimer();
                        // One step: an interrupt raised since the check above (a one-shot that found no sleeper due
                        // yet and armed nothing) must end this HLT, not be taken before it.
                        Native.StiHlt();
                    }
                    CPU.RestoreInterrupts(irq);
                }
                else
                {
                    ulong irq = CPU.SaveAndDisableInterrupts();
                    WakeExpired(Native.Rdtsc());
                    CPU.RestoreInterrupts(irq);
                    Native.Pause();
                }
            }
        }
    }
}
