using System;
using System.Runtime;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Threading
{
    // Thread lifecycle: the control-block table, the boot and idle threads, creation, exit and reaping.
    public static unsafe partial class Scheduler
    {
        private struct ThreadTable
        {
            public fixed ulong Thread[MaxThreads];
        }

        private static ThreadTable s_threads;
        private static int s_slots;
        private static KernelThread* s_boot;
        private static ulong s_nextId = 1;
        private static ulong s_created, s_exited;

        /// <summary>Called on an exiting thread (interrupts enabled, its TLS still valid) before it dies; set by the runtime.</summary>
        public static delegate*<void> ThreadExitHook;

        /// <summary>The boot thread (the one that ran Main).</summary>
        public static KernelThread* BootThread => s_boot;
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
            var t = (KernelThread*)s_threads.Thread[slot];
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
            ThreadContext.EnableFsGsBase();
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
            s_boot = s_policy.Current = boot;
            var entry = INTs.IDT.GetEntry(YieldVector);
            entry.SendsEndOfInterrupt = false;
            entry.SetRawHandler(&OnYield);
            s_initialized = true;
            s_policy.Idle = Create((ulong)(delegate*<IntPtr, IntPtr>)&IdleLoop, 0, MinStackBytes, IdlePriority);
            CPU.RestoreInterrupts(irq);
        }

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

            ulong tp = ThreadContext.BuildTlsBlock(tlsRun, tlsPages * Heap.PageSize, bi->TlsImage, bi->TlsImageSize, bi->TlsSize);
            ulong top = stackRun + (stackPages + 1) * Heap.PageSize;
            var frame = ThreadContext.BuildInitialFrame(top, bi->XSaveAreaSize, SchedulerNative.ThreadStartAddress(), routine, argument);

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
            else s_policy.MakeReady(t, WokenBySignal, Native.Rdtsc());
            CPU.RestoreInterrupts(irq);
            YieldIfPending();
            return t;
        }

        /// <summary>Ends the calling thread: runs <see cref="ThreadExitHook"/>, then never returns (the thread's memory is reclaimed later). Entry from <c>cosmos_thread_start</c> when the routine returned.</summary>
        [RuntimeExport("cosmos_thread_exit")]
        public static void Exit(ulong result)
        {
            var t = s_policy.Current;
            if (t == s_boot) Panic.Halt("Scheduler.Exit: the boot thread cannot exit");
            if (t == s_policy.Idle) Panic.Halt("Scheduler.Exit: the idle thread returned");
            var hook = ThreadExitHook;
            if (hook != null) hook();
            CPU.DisableInterrupts();
            t->State = ThreadRunState.Dead;
            s_exited++;
            s_policy.SwitchPending = true;
            SchedulerNative.Yield();
            Panic.Halt("Scheduler.Exit: a dead thread was resumed", t->Id);
        }

        /// <summary>Frees the stacks and TLS blocks of dead threads and their control blocks (thread context only).</summary>
        public static void Reap()
        {
            for (int i = 0; i < s_slots; i++)
            {
                var t = (KernelThread*)s_threads.Thread[i];
                if (t == null || t->State != ThreadRunState.Dead) continue;
                ulong irq = CPU.SaveAndDisableInterrupts();
                bool dead = t->State == ThreadRunState.Dead && t != s_policy.Current;
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
                var c = (KernelThread*)s_threads.Thread[i];
                if (c == null || c->State == ThreadRunState.Unused) { t = c; slot = i; break; }
            }
            if (slot < 0) return null;
            if (t == null)
            {
                t = (KernelThread*)Heap.Alloc((ulong)sizeof(KernelThread));
                if (t == null) return null;
                s_threads.Thread[slot] = (ulong)t;
            }
            else Heap.Zero((byte*)t, (ulong)((sizeof(KernelThread) + 7) & ~7));
            if (slot >= s_slots) s_slots = slot + 1;
            return t;
        }
    }
}
