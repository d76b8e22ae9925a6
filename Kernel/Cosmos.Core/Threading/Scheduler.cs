using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Asm;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Threading
{
    /// <summary>The X# helpers of <see cref="Asm.ThreadHelpers"/> as seen from C#.</summary>
    public static unsafe class SchedulerNative
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_irq_save")] public static extern ulong IrqSave();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_irq_restore")] public static extern void IrqRestore(ulong flags);
        /// <summary>INT <see cref="Scheduler.YieldVector"/>: lets the dispatcher switch threads.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_thread_yield")] public static extern void Yield();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_thread_start_address")] public static extern ulong ThreadStartAddress();
        /// <summary>Benchmark baseline: saves all registers + SIMD state, stores RSP to *<paramref name="saveSlot"/>, loads <paramref name="rsp"/> (0: the one just saved) and restores.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_bare_switch")] public static extern void BareSwitch(ulong* saveSlot, ulong rsp);
    }

    /// <summary>
    /// The thread scheduler of the (single) boot processor: preemptive, priority based, round robin within a
    /// priority. Contract (docs/CONTRACTS.md, "Threads"):
    /// <list type="bullet">
    /// <item><b>Context.</b> A thread that is not running is one <see cref="InterruptFrame"/> on its own stack (the
    /// SIMD state in the XSAVE/FXSAVE area below it): either the timer interrupt preempted it, or it called
    /// <see cref="Yield"/> / blocked, which executes <c>INT</c> <see cref="YieldVector"/> so that the same interrupt
    /// stub saves it. <see cref="InterruptDispatcher.Dispatch"/> calls <see cref="SwitchFrom"/> when it leaves the
    /// outermost interrupt with a switch pending; the stub then restores the frame it returns (another thread's),
    /// SIMD state included. FS base (TLS) and the registered per-thread globals are switched with it.</item>
    /// <item><b>Policy.</b> Five priorities (<see cref="Lowest"/> … <see cref="Highest"/>, System.Threading.ThreadPriority
    /// order); a runnable thread of a higher priority always runs before lower ones, and preempts them at once when it
    /// becomes ready; threads of equal priority share the processor in time slices of <see cref="QuantumTicks"/> timer
    /// ticks. The idle thread (<see cref="IdlePriority"/>) runs when nothing else can; it HLTs. A ready thread that has
    /// waited <see cref="StarvationMs"/> runs one time slice at <see cref="Highest"/> (a starvation boost, as Windows'
    /// balance-set manager does after about 4 s): it bounds priority inversion through runtime locks whose owner the
    /// scheduler cannot see (the CoreLib's LowLevelLock).</item>
    /// <item><b>Blocking.</b> <see cref="Block"/> and <see cref="Wake"/> with interrupts disabled by the caller; timed
    /// waits end at the first timer tick at or after their TSC deadline.</item>
    /// <item><b>Stacks.</b> Each thread gets <see cref="DefaultStackBytes"/> (or the requested size) above an unmapped
    /// guard page; an overflow faults into it and ends as a double-fault report on IST 1.</item>
    /// </list>
    /// Nothing here allocates managed memory after <see cref="Initialize"/>; control blocks are unmanaged and reused.
    /// </summary>
    public static unsafe class Scheduler
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
        /// <summary><see cref="KernelThread.WaitResult"/>: woken by <see cref="Wake"/>, or by the deadline.</summary>
        public const int WokenByTimeout = 0, WokenBySignal = 1;

        private struct Table
        {
            public fixed ulong Thread[MaxThreads];
            public fixed ulong Head[PriorityLevels];
            public fixed ulong Tail[PriorityLevels];
        }

        private static Table s_t;
        private static int s_slots;
        private static KernelThread* s_current, s_idle, s_boot;
        private static ulong s_nextId = 1;
        private static bool s_initialized, s_switchPending, s_preempt, s_yield;
        private static ulong s_switches, s_preemptions, s_ticks, s_lastTickTsc, s_tickTsc, s_created, s_exited, s_boosts;
        private static uint s_tickHz;
        private static byte* s_globals;
        private static int s_globalBytes;

        /// <summary>Called on an exiting thread (interrupts enabled, its TLS still valid) before it dies; set by the runtime.</summary>
        public static delegate*<void> ThreadExitHook;

        /// <summary>True after <see cref="Initialize"/>.</summary>
        public static bool IsInitialized => s_initialized;
        /// <summary>The running thread (null before <see cref="Initialize"/>).</summary>
        public static KernelThread* Current => s_current;
        /// <summary>The boot thread (the one that ran Main).</summary>
        public static KernelThread* BootThread => s_boot;
        /// <summary>The idle thread.</summary>
        public static KernelThread* IdleThread => s_idle;
        /// <summary>Thread switches since boot (a switch to another thread; yields that resume the same thread do not count).</summary>
        public static ulong SwitchCount => s_switches;
        /// <summary>Switches forced by the timer (time slice used up, or a higher-priority thread woke) since boot.</summary>
        public static ulong PreemptionCount => s_preemptions;
        /// <summary>Address of the <see cref="PreemptionCount"/> counter (for X# test loops that must not call managed code).</summary>
        public static ulong* PreemptionCountAddress => (ulong*)Unsafe.AsPointer(ref s_preemptions);
        /// <summary>Starvation boosts given since boot (see <see cref="StarvationMs"/>).</summary>
        public static ulong BoostCount => s_boosts;
        /// <summary>Timer ticks seen since <see cref="SetTickSource"/>.</summary>
        public static ulong TickCount => s_ticks;
        /// <summary>Tick rate set by <see cref="SetTickSource"/> (0: no timer drives the scheduler).</summary>
        public static uint TickHz => s_tickHz;
        /// <summary>Threads created since boot (the idle thread included).</summary>
        public static ulong CreatedCount => s_created;
        /// <summary>Threads that exited since boot.</summary>
        public static ulong ExitedCount => s_exited;
        /// <summary>Slots of the thread table in use so far (iterate <see cref="GetThread"/> below this).</summary>
        public static int ThreadSlots => s_slots;

        /// <summary>Thread in table slot <paramref name="slot"/>, or null (free slot or out of range).</summary>
        public static KernelThread* GetThread(int slot)
        {
            if ((uint)slot >= (uint)s_slots) return null;
            var t = (KernelThread*)s_t.Thread[slot];
            return t != null && t->State != ThreadRunState.Unused ? t : null;
        }

        /// <summary>
        /// Makes the running code the boot thread, creates the idle thread and installs the <see cref="YieldVector"/>
        /// handler. Needs the heap and the IDT (INTs.Initialize). Idempotent.
        /// </summary>
        public static void Initialize()
        {
            if (s_initialized) return;
            if (!INTs.IsInitialized) Panic.Halt("Scheduler.Initialize: the IDT is not loaded yet (INTs.Initialize)");
            var bi = Native.GetBootInfo();
            ulong irq = CPU.SaveAndDisableInterrupts();
            var boot = NewControlBlock();
            boot->Id = s_nextId++;
            boot->State = ThreadRunState.Running;
            boot->Priority = Normal;
            boot->StackLow = bi->StackBottom;
            boot->StackHigh = bi->StackTop;
            boot->ThreadPointer = bi->ThreadPointer;
            boot->TlsBlock = bi->TlsBlock;
            boot->QuantumLeft = QuantumTicks;
            boot->SwitchedInTsc = Native.Rdtsc();
            s_boot = s_current = boot;
            var entry = INTs.IDT.GetEntry(YieldVector);
            entry.SendsEndOfInterrupt = false;
            entry.SetRawHandler(&OnYield);
            s_initialized = true;
            s_idle = Create((ulong)(delegate*<IntPtr, IntPtr>)&IdleLoop, 0, MinStackBytes, IdlePriority);
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>
        /// Registers the runtime's per-thread state: a global block of <paramref name="bytes"/> bytes (at most
        /// <see cref="RuntimeStateBytes"/>) that always holds the running thread's state. The scheduler saves it into the
        /// outgoing thread's <see cref="KernelThread.RuntimeState"/> and loads the incoming thread's copy on every switch;
        /// new threads start with zeros; the running (boot) thread keeps what the block holds. Call once, before any
        /// thread other than the boot and idle threads exists; a second call or a larger block panics.
        /// </summary>
        public static void RegisterRuntimeState(void* address, int bytes)
        {
            if (s_globals != null || bytes <= 0 || bytes > RuntimeStateBytes || s_created > 1 || s_switches > 0)
                Panic.Halt("Scheduler.RegisterRuntimeState: one block of at most RuntimeStateBytes, before threads are created", (ulong)bytes);
            s_globals = (byte*)address;
            s_globalBytes = bytes;
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

        /// <summary>TSC ticks per second, set by the system layer after calibration (0 before).</summary>
        public static ulong TscHz { get; set; }

        // ------------------------------------------------------------------ creation and exit

        /// <summary>
        /// Creates a ready thread that calls <paramref name="routine"/>(<paramref name="argument"/>) (System V:
        /// <c>IntPtr routine(IntPtr)</c>, e.g. an <c>[UnmanagedCallersOnly]</c> method or a static managed method
        /// with that shape) on a new stack of <paramref name="stackBytes"/> (0: <see cref="DefaultStackBytes"/>;
        /// rounded up to pages, at least <see cref="MinStackBytes"/>) with a fresh static TLS block, at
        /// <paramref name="priority"/>. When the routine returns the thread exits. A thread of higher priority than the
        /// caller runs at once. Returns null when the thread table or the heap is exhausted.
        /// </summary>
        public static KernelThread* Create(ulong routine, ulong argument, ulong stackBytes, int priority)
        {
            if (!s_initialized) Panic.Halt("Scheduler.Create: the scheduler is not initialized (Cosmos.System.Global.Init does it)");
            if (priority < IdlePriority || priority > Highest) Panic.Halt("Scheduler.Create: priority out of range", (ulong)(long)priority);
            Reap();
            if (stackBytes == 0) stackBytes = DefaultStackBytes;
            if (stackBytes < MinStackBytes) stackBytes = MinStackBytes;
            ulong stackPages = (stackBytes + Heap.PageSize - 1) / Heap.PageSize;
            var bi = Native.GetBootInfo();
            ulong tlsPages = (bi->TlsSize + 64 + Heap.PageSize - 1) / Heap.PageSize;

            ulong stackRun = Heap.AllocPages(stackPages + 1, PageKind.Thread);
            if (stackRun == 0) return null;
            ulong tlsRun = Heap.AllocPages(tlsPages, PageKind.Thread);
            if (tlsRun == 0) { Heap.FreePages(stackRun); return null; }
            Paging.SetPagePresent(stackRun, false);              // the guard page

            // Static TLS block (variant II): [.tdata image | zeros][TCB: self pointer].
            byte* tls = (byte*)tlsRun;
            Heap.Zero(tls, tlsPages * Heap.PageSize);
            Buffer.MemoryCopy((void*)bi->TlsImage, tls, bi->TlsImageSize, bi->TlsImageSize);
            ulong tp = tlsRun + bi->TlsSize;
            *(ulong*)tp = tp;

            // The first frame: IRETQ lands in cosmos_thread_start with RSP = stack top.
            ulong top = stackRun + (stackPages + 1) * Heap.PageSize;
            var frame = (InterruptFrame*)(top - (ulong)sizeof(InterruptFrame));
            ulong area = ((ulong)frame - bi->XSaveAreaSize) & ~63UL;
            Heap.Zero((byte*)area, (ulong)frame - area);
            *(ushort*)area = 0x037F;                             // FCW after FNINIT (SDM Vol. 1 §8.1.5)
            *(uint*)(area + 24) = InterruptStubs.DefaultMxcsr;   // MXCSR (FXSAVE/XSAVE legacy region, SDM Vol. 1 Table 10-2)
            frame->XSaveArea = area;
            frame->Vector = YieldVector;
            frame->RIP = SchedulerNative.ThreadStartAddress();
            frame->CS = BootProgram.KernelCodeSelector;
            frame->RFLAGS = 0x202;                               // IF | reserved bit 1
            frame->RSP = top;
            frame->SS = BootProgram.KernelDataSelector;
            frame->RDI = argument;
            frame->R12 = routine;

            ulong irq = CPU.SaveAndDisableInterrupts();
            var t = NewControlBlock();
            if (t == null)
            {
                CPU.RestoreInterrupts(irq);
                Paging.SetPagePresent(stackRun, true);
                Heap.FreePages(stackRun);
                Heap.FreePages(tlsRun);
                return null;
            }
            t->Id = s_nextId++;
            t->Priority = priority;
            t->SavedFrame = frame;
            t->StackRun = stackRun;
            t->StackLow = stackRun + Heap.PageSize;
            t->StackHigh = top;
            t->TlsRun = tlsRun;
            t->TlsBlock = tlsRun;
            t->ThreadPointer = tp;
            t->StartRoutine = routine;
            t->StartArgument = argument;
            s_created++;
            if (priority == IdlePriority) t->State = ThreadRunState.Ready;   // never queued; picked when nothing else is ready
            else MakeReady(t, WokenBySignal);
            CPU.RestoreInterrupts(irq);
            YieldIfPending();
            return t;
        }

        /// <summary>Ends the calling thread: runs <see cref="ThreadExitHook"/>, then never returns (the thread's memory is reclaimed later). Entry from <c>cosmos_thread_start</c> when the routine returned.</summary>
        [RuntimeExport("cosmos_thread_exit")]
        public static void Exit(ulong result)
        {
            var t = s_current;
            if (t == s_boot) Panic.Halt("Scheduler.Exit: the boot thread cannot exit");
            if (t == s_idle) Panic.Halt("Scheduler.Exit: the idle thread returned");
            var hook = ThreadExitHook;
            if (hook != null) hook();
            CPU.DisableInterrupts();
            t->State = ThreadRunState.Dead;
            s_exited++;
            s_switchPending = true;
            SchedulerNative.Yield();
            Panic.Halt("Scheduler.Exit: a dead thread was resumed", t->Id);
        }

        /// <summary>Frees the stacks and TLS blocks of dead threads and their control blocks (thread context only).</summary>
        public static void Reap()
        {
            for (int i = 0; i < s_slots; i++)
            {
                var t = (KernelThread*)s_t.Thread[i];
                if (t == null || t->State != ThreadRunState.Dead) continue;
                ulong irq = CPU.SaveAndDisableInterrupts();
                bool dead = t->State == ThreadRunState.Dead && t != s_current;
                ulong stackRun = t->StackRun, tlsRun = t->TlsRun;
                if (dead) t->State = ThreadRunState.Unused;
                CPU.RestoreInterrupts(irq);
                if (!dead) continue;
                if (stackRun != 0) { Paging.SetPagePresent(stackRun, true); Heap.FreePages(stackRun); }
                if (tlsRun != 0) Heap.FreePages(tlsRun);
            }
        }

        private static KernelThread* NewControlBlock()
        {
            KernelThread* t = null;
            int slot = -1;
            for (int i = 0; i < MaxThreads; i++)
            {
                var c = (KernelThread*)s_t.Thread[i];
                if (c == null || c->State == ThreadRunState.Unused) { t = c; slot = i; break; }
            }
            if (slot < 0) return null;
            if (t == null)
            {
                t = (KernelThread*)Heap.Alloc((ulong)sizeof(KernelThread));
                if (t == null) return null;
                s_t.Thread[slot] = (ulong)t;
            }
            else Heap.Zero((byte*)t, (ulong)((sizeof(KernelThread) + 7) & ~7));
            if (slot >= s_slots) s_slots = slot + 1;
            return t;
        }

        // ------------------------------------------------------------------ yielding, blocking, waking

        /// <summary>
        /// Gives the processor to another ready thread, if any (Thread.Yield; like Windows' SwitchToThread, of any
        /// priority): the highest-priority ready thread runs; when that is of lower priority than the caller it gets a
        /// single tick before the caller preempts it again. Without this, code that spins on Yield waiting for a
        /// lower-priority thread (the CoreLib's Thread.Start waits that way for the new thread to start) would never
        /// finish. Returns true when another thread ran.
        /// </summary>
        public static bool Yield()
        {
            if (!s_initialized) return false;
            ulong before = s_switches;
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_switchPending = true;
            s_yield = true;
            SchedulerNative.Yield();
            CPU.RestoreInterrupts(irq);
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
            var t = s_current;
            if (InterruptDispatcher.Depth != 0) Panic.Halt("Scheduler.Block: a thread cannot block inside an interrupt handler");
            if (t == s_idle) Panic.Halt("Scheduler.Block: the idle thread must not block");
            if (CPU.InterruptsEnabled) Panic.Halt("Scheduler.Block: interrupts must be disabled by the caller");
            t->State = ThreadRunState.Blocked;
            t->WaitingOn = queue;
            t->WakeTsc = deadlineTsc;
            t->WaitResult = WokenByTimeout;
            if (queue != null) queue->Append(t);
            s_switchPending = true;
            SchedulerNative.Yield();
            return t->WaitResult;
        }

        /// <summary>Sleeps the running thread until the TSC reaches <paramref name="deadlineTsc"/> (0 = yield only).</summary>
        public static void SleepUntil(ulong deadlineTsc)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (deadlineTsc == 0) { s_switchPending = true; SchedulerNative.Yield(); }
            else if (Native.Rdtsc() < deadlineTsc) Block(null, deadlineTsc);
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Wakes the first waiter of <paramref name="queue"/> (interrupts disabled by the caller); returns false when none waited.</summary>
        public static bool WakeOne(WaitQueue* queue)
        {
            var t = queue->TakeFirst();
            if (t == null) return false;
            t->WaitingOn = null;
            MakeReady(t, WokenBySignal);
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
            MakeReady(t, WokenBySignal);
        }

        /// <summary>After waking threads with interrupts disabled and then enabling them: switches when a woken thread outranks the running one.</summary>
        public static void YieldIfPending()
        {
            if (!s_switchPending || InterruptDispatcher.Depth != 0) return;
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (s_switchPending) SchedulerNative.Yield();
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Sets the priority of <paramref name="t"/> (<see cref="Lowest"/>…<see cref="Highest"/>); re-queues it when ready and preempts when needed.</summary>
        public static void SetPriority(KernelThread* t, int priority)
        {
            if (priority < Lowest || priority > Highest) Panic.Halt("Scheduler.SetPriority: priority out of range", (ulong)(long)priority);
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (t->Boosted != 0) t->BasePriority = priority;           // takes effect when the boost ends
            else if (t->Priority != IdlePriority && t->Priority != priority)
            {
                if (t->State == ThreadRunState.Ready)
                {
                    Dequeue(t);
                    t->Priority = priority;
                    Enqueue(t);
                }
                else t->Priority = priority;
                int best = HighestReadyPriority();
                if (best > s_current->Priority) s_switchPending = true;
            }
            CPU.RestoreInterrupts(irq);
            YieldIfPending();
        }

        private static void MakeReady(KernelThread* t, int result)
        {
            t->WaitResult = result;
            t->WakeTsc = 0;
            t->State = ThreadRunState.Ready;
            Enqueue(t);
            if (s_current != null && (t->Priority > s_current->Priority || s_current == s_idle))
            {
                s_switchPending = true;
                s_preempt = s_current->State == ThreadRunState.Running;
            }
        }

        private static void Enqueue(KernelThread* t)
        {
            int p = t->Priority;
            t->Next = null;
            t->ReadySinceTsc = Native.Rdtsc();
            var tail = (KernelThread*)s_t.Tail[p];
            if (tail == null) s_t.Head[p] = (ulong)t; else tail->Next = t;
            s_t.Tail[p] = (ulong)t;
        }

        private static void Dequeue(KernelThread* t)
        {
            int p = t->Priority;
            KernelThread* prev = null;
            for (var c = (KernelThread*)s_t.Head[p]; c != null; prev = c, c = c->Next)
            {
                if (c != t) continue;
                if (prev == null) s_t.Head[p] = (ulong)c->Next; else prev->Next = c->Next;
                if ((KernelThread*)s_t.Tail[p] == c) s_t.Tail[p] = (ulong)prev;
                c->Next = null;
                return;
            }
        }

        private static int HighestReadyPriority()
        {
            for (int p = Highest; p >= Lowest; p--) if (s_t.Head[p] != 0) return p;
            return IdlePriority;
        }

        /// <summary>True when a thread other than the idle thread is ready.</summary>
        public static bool AnyReady => HighestReadyPriority() != IdlePriority;

        // ------------------------------------------------------------------ interrupt side

        /// <summary>
        /// The periodic timer tick (called from the timer's interrupt handler): wakes threads whose deadline passed,
        /// charges the running thread's time slice and requests a switch when it is used up or a higher-priority
        /// thread is ready.
        /// </summary>
        public static void Tick()
        {
            s_ticks++;
            ulong now = Native.Rdtsc();
            s_lastTickTsc = now;
            if (!s_initialized) return;
            WakeExpired(now);
            if (s_ticks % 16 == 0) BoostStarved(now);
            var cur = s_current;
            if (cur == s_idle) { if (AnyReady) s_switchPending = true; return; }
            int best = HighestReadyPriority();
            if (best > cur->Priority) { s_switchPending = true; s_preempt = true; return; }   // it ran on a lent tick
            if (--cur->QuantumLeft <= 0)
            {
                cur->QuantumLeft = 0;
                if (cur->Boosted != 0) { EndBoost(cur); s_switchPending = true; s_preempt = true; }   // the boost lasts one slice
                else if (best >= cur->Priority) { s_switchPending = true; s_preempt = true; }
                else cur->QuantumLeft = QuantumTicks;
            }
        }

        /// <summary>Wakes every blocked thread whose deadline is at or before <paramref name="now"/> (interrupts disabled).</summary>
        private static void WakeExpired(ulong now)
        {
            for (int i = 0; i < s_slots; i++)
            {
                var t = (KernelThread*)s_t.Thread[i];
                if (t == null || t->State != ThreadRunState.Blocked || t->WakeTsc == 0 || t->WakeTsc > now) continue;
                if (t->WaitingOn != null) { t->WaitingOn->Remove(t); t->WaitingOn = null; }
                MakeReady(t, WokenByTimeout);
            }
        }

        /// <summary>Moves every ready thread below <see cref="Highest"/> that has waited <see cref="StarvationMs"/> to the Highest queue for one slice.</summary>
        private static void BoostStarved(ulong now)
        {
            ulong hz = TscHz;
            if (hz == 0) return;
            ulong limit = hz / 1000 * StarvationMs;
            for (int p = Lowest; p < Highest; p++)
            {
                var t = (KernelThread*)s_t.Head[p];
                while (t != null)
                {
                    var next = t->Next;
                    if (now - t->ReadySinceTsc >= limit)
                    {
                        Dequeue(t);
                        t->BasePriority = t->Priority;
                        t->Priority = Highest;
                        t->Boosted = 1;
                        Enqueue(t);
                        s_boosts++;
                        if (s_current != s_idle && s_current->Priority < Highest) { s_switchPending = true; s_preempt = true; }
                    }
                    t = next;
                }
            }
        }

        private static void EndBoost(KernelThread* t)
        {
            if (t->Boosted == 0) return;
            t->Priority = t->BasePriority;
            t->Boosted = 0;
        }

        private static void OnYield(InterruptFrame* frame) => s_switchPending = true;

        /// <summary>True when the dispatcher should call <see cref="SwitchFrom"/> as it leaves the outermost interrupt.</summary>
        public static bool SwitchPending => s_switchPending;

        /// <summary>
        /// Called by the dispatcher, interrupts disabled, as it leaves the outermost interrupt with a switch pending:
        /// <paramref name="frame"/> is the running thread's saved state; returns the frame to resume (its own when no
        /// other thread should run).
        /// </summary>
        public static InterruptFrame* SwitchFrom(InterruptFrame* frame)
        {
            s_switchPending = false;
            bool preempt = s_preempt, yield = s_yield;
            s_preempt = s_yield = false;
            var cur = s_current;
            cur->SavedFrame = frame;
            bool runnable = cur->State == ThreadRunState.Running;
            if (!runnable) EndBoost(cur);
            int best = HighestReadyPriority();
            bool donated = yield && runnable && cur != s_idle && best != IdlePriority && best < cur->Priority;
            if (runnable && cur != s_idle && best < cur->Priority && !donated)                 // nothing outranks it: keep running
            {
                if (cur->QuantumLeft <= 0) cur->QuantumLeft = QuantumTicks;
                return frame;
            }
            KernelThread* next;
            if (best == IdlePriority)
            {
                if (runnable) { if (cur != s_idle) cur->QuantumLeft = QuantumTicks; EndBoost(cur); return frame; }
                next = s_idle;
            }
            else
            {
                if (runnable && cur != s_idle) { EndBoost(cur); cur->State = ThreadRunState.Ready; Enqueue(cur); }
                next = (KernelThread*)s_t.Head[best];
                s_t.Head[best] = (ulong)next->Next;
                if (next->Next == null) s_t.Tail[best] = 0;
                next->Next = null;
            }
            if (cur == s_idle && runnable) cur->State = ThreadRunState.Ready;
            next->State = ThreadRunState.Running;
            next->QuantumLeft = donated ? 1 : QuantumTicks;      // a yield to a lower priority lends one tick
            if (next == cur) return frame;

            ulong now = Native.Rdtsc();
            cur->RunTsc += now - cur->SwitchedInTsc;
            next->SwitchedInTsc = now;
            if (s_globals != null)
            {
                for (int i = 0; i < s_globalBytes; i++) cur->RuntimeState[i] = s_globals[i];
                for (int i = 0; i < s_globalBytes; i++) s_globals[i] = next->RuntimeState[i];
            }
            Native.Wrmsr(0xC0000100, next->ThreadPointer);   // IA32_FS_BASE (SDM Vol. 4 Table 2-2)
            s_current = next;
            s_switches++;
            if (preempt && runnable) s_preemptions++;
            return next->SavedFrame;
        }

        // ------------------------------------------------------------------ idle

        /// <summary>The idle thread: hands the processor to ready threads, HLTs while the timer ticks, polls deadlines when no timer runs.</summary>
        private static IntPtr IdleLoop(IntPtr unused)
        {
            while (true)
            {
                if (AnyReady) { Yield(); continue; }
                bool ticking = s_tickTsc != 0 && Native.Rdtsc() - s_lastTickTsc < 16 * s_tickTsc;
                if (ticking)
                {
                    ulong irq = CPU.SaveAndDisableInterrupts();
                    if (!AnyReady) { Native.Sti(); Native.Hlt(); }
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
