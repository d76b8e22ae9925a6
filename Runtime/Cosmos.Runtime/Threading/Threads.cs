using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Threading;
using Cosmos.Runtime.ExceptionHandling;
using Cosmos.Runtime.GarbageCollection;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The runtime's side of threads: it connects the scheduler (<see cref="Scheduler"/>, Cosmos.Core) to what the
    /// NativeAOT CoreLib expects of a native runtime, so that the CoreLib's own System.Threading (Thread, Monitor,
    /// the Unix WaitSubsystem, LowLevelLock, Timer, ThreadPool, Task) runs unchanged:
    /// <list type="bullet">
    /// <item>per-thread runtime state: the exception-dispatch state (<see cref="EHThreadState"/>) is switched by the
    /// scheduler, the uninlined thread-static storage and the GC reporting frames live in each
    /// <see cref="KernelThread"/>, each thread has its own static TLS block (inlined thread statics);</item>
    /// <item>Thread.Start (SystemNative_CreateThread, in SystemNative.cs) and thread exit: the CoreLib's exit callback
    /// (RhSetThreadExitCallback: marks the Thread stopped and signals Join) runs on the exiting thread, then its
    /// thread-static roots are dropped;</item>
    /// <item>the finalizer thread: the CoreLib's <c>ProcessFinalizers</c> loop on a kernel thread of the highest
    /// priority, woken by the collector (GC.WaitForPendingFinalizers waits for its pass);</item>
    /// <item>RhYield, RhCurrentOSThreadId, RhGetCurrentThreadStackBounds, RhSetCurrentThreadName, RhGetDefaultStackSize;
    /// RhGetThreadEntryPointAddress is an X# helper (Amd64/ThreadingHelpers.cs) returning the CoreLib's <c>ThreadEntryPoint</c>.</item>
    /// </list>
    /// </summary>
    public static unsafe class Threads
    {
        private static IntPtr s_exitCallback;
        private static KernelThread* s_finalizer;
#pragma warning disable CS0649 // written through Unsafe.AsPointer(ref …) by the scheduler
        private static WaitQueue s_finalizerWaiters, s_finalizationDone;
#pragma warning restore CS0649
        private static bool s_finalizerIdle;
        private static ulong s_finalizerPasses;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_process_finalizers_address")]
        private static extern ulong ProcessFinalizersAddress();

        /// <summary>True once <see cref="Initialize"/> ran.</summary>
        public static bool IsInitialized { get; private set; }

        /// <summary>The finalizer thread (null before <see cref="Initialize"/>).</summary>
        public static KernelThread* FinalizerThread => s_finalizer;

        /// <summary>Finalization passes the finalizer thread completed.</summary>
        public static ulong FinalizerPasses => s_finalizerPasses;

        /// <summary>
        /// Starts threading: initializes the scheduler (the caller becomes the boot thread), registers the per-thread
        /// runtime state and starts the finalizer thread. Needs the IDT and the TSC frequency; the system layer then
        /// starts the timer that calls <see cref="Scheduler.Tick"/>. Idempotent.
        /// </summary>
        public static void Initialize()
        {
            if (IsInitialized) return;
            if (RuntimeEnvironment.TscFrequency == 0) Panic.Halt("Threads.Initialize: the TSC frequency has not been measured yet");
            Scheduler.TscHz = RuntimeEnvironment.TscFrequency;
            ulong irq = CPU.SaveAndDisableInterrupts();
            Scheduler.Initialize();
            // The boot thread is running: its block is the global already in use, which the scheduler now switches.
            Scheduler.RegisterRuntimeState(RuntimeThreadState.Current, sizeof(RuntimeThreadState));
            Scheduler.ThreadExitHook = &OnThreadExit;
            GarbageCollector.FinalizerThreadBlock = &FinalizerBlock;
            GarbageCollector.FinalizerThreadWake = &FinalizerWake;
            GarbageCollector.FinalizationCompleted = &FinalizationCompleted;
            IsInitialized = true;
            CPU.RestoreInterrupts(irq);
            s_finalizer = Scheduler.Create(ProcessFinalizersAddress(), 0, 0, Scheduler.Highest);
            if (s_finalizer == null) Panic.Halt("Threads.Initialize: could not create the finalizer thread");
        }

        /// <summary>Thread.Start with no maxStackSize (.NET 10: the CoreLib asks for the size): <see cref="Scheduler.DefaultStackBytes"/>.</summary>
        [RuntimeExport("RhGetDefaultStackSize")]
        public static IntPtr RhGetDefaultStackSize() => (IntPtr)(long)Scheduler.DefaultStackBytes;

        /// <summary>
        /// Thread.Name: copies the UTF-8, NUL-terminated <paramref name="utf8Name"/> into the current kernel thread's
        /// <see cref="KernelThread.Name"/> (truncated to <see cref="KernelThread.NameBytes"/> − 1 bytes, null = unnamed).
        /// </summary>
        [RuntimeExport("RhSetCurrentThreadName")]
        public static void RhSetCurrentThreadName(byte* utf8Name)
        {
            KernelThread* t = Scheduler.Current;
            if (t == null) return;   // before the scheduler runs there is no kernel thread to name
            int n = 0;
            if (utf8Name != null)
                for (; n < KernelThread.NameBytes - 1 && utf8Name[n] != 0; n++) t->Name[n] = utf8Name[n];
            t->Name[n] = 0;
        }

        /// <summary>
        /// Creates a thread for <paramref name="routine"/>(<paramref name="argument"/>) (System V). With a
        /// <paramref name="managedThreadHandle"/> (the GC handle Thread.Start passes), a weak handle to that
        /// System.Threading.Thread is kept so its priority can be found (<see cref="FindThread"/>).
        /// </summary>
        public static KernelThread* Create(ulong routine, ulong argument, ulong stackBytes, int priority, IntPtr managedThreadHandle = default)
        {
            if (!IsInitialized) Panic.Halt("Thread.Start before threading is initialized (Cosmos.System.Global.Init starts it)");
            IntPtr weak = IntPtr.Zero;
            if (managedThreadHandle != IntPtr.Zero)
                weak = Handles.RhpHandleAlloc(Handles.RhHandleGet(managedThreadHandle), Handles.WeakShort);
            var t = Scheduler.Create(routine, argument, stackBytes, priority);
            if (t == null) { if (weak != IntPtr.Zero) Handles.RhHandleFree(weak); return null; }
            ((RuntimeThreadState*)t->RuntimeState)->ManagedThreadHandle = (ulong)weak;   // not running yet: its saved copy
            return t;
        }

        /// <summary>The kernel thread that runs System.Threading.Thread <paramref name="thread"/> (started by Thread.Start, or the current one); null when it has none.</summary>
        public static KernelThread* FindThread(object thread)
        {
            if (thread == null) return null;
            ulong irq = CPU.SaveAndDisableInterrupts();   // a thread's block moves when it is switched
            KernelThread* found = null;
            for (int cursor = 0; found == null && GCToRuntime.NextLiveThread(ref cursor, out KernelThread* t);)
            {
                ulong handle = RuntimeThreadState.Of(t)->ManagedThreadHandle;
                if (handle != 0 && Handles.RhHandleGet((IntPtr)handle) == thread) found = t;
            }
            CPU.RestoreInterrupts(irq);
            return found;
        }

        /// <summary>
        /// Binds System.Threading.Thread <paramref name="thread"/> to the running kernel thread (a weak handle), for threads
        /// not started by Thread.Start. False when the scheduler is not running or the thread is bound already.
        /// </summary>
        public static bool BindCurrent(object thread)
        {
            var state = RuntimeThreadState.Current;
            if (Scheduler.Current == null || state->ManagedThreadHandle != 0) return false;
            state->ManagedThreadHandle = (ulong)Handles.RhpHandleAlloc(thread, Handles.WeakShort);
            return true;
        }

        private static void OnThreadExit()
        {
            var t = Scheduler.Current;
            if (s_exitCallback != IntPtr.Zero) ((delegate* unmanaged<void>)s_exitCallback)();
            Modules.UnregisterThreadStaticRoots(t->TlsBlock, t->ThreadPointer + 8);
            var state = RuntimeThreadState.Current;
            if (state->ManagedThreadHandle != 0) { Handles.RhHandleFree((IntPtr)state->ManagedThreadHandle); state->ManagedThreadHandle = 0; }
            if (state->GCFrameChain != 0) Panic.Halt("thread exit with GC reporting frames still registered, thread", t->Id);
            state->ThreadStaticStorage = 0;
        }

        // ---- finalizer thread ----

        private static void FinalizerBlock()
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (Finalization.PendingCount == 0)
            {
                s_finalizerIdle = true;
                Scheduler.WakeAll((WaitQueue*)Unsafe.AsPointer(ref s_finalizationDone));
                Scheduler.Block((WaitQueue*)Unsafe.AsPointer(ref s_finalizerWaiters), 0);
                s_finalizerIdle = false;
            }
            CPU.RestoreInterrupts(irq);
        }

        private static void FinalizerWake()
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            Scheduler.WakeOne((WaitQueue*)Unsafe.AsPointer(ref s_finalizerWaiters));
            CPU.RestoreInterrupts(irq);
        }

        private static void FinalizationCompleted()
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_finalizerPasses++;
            Scheduler.WakeAll((WaitQueue*)Unsafe.AsPointer(ref s_finalizationDone));
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>
        /// GC.WaitForPendingFinalizers: returns once every finalizer that was due when it was called has run on the
        /// finalizer thread (or runs them inline before threading starts, or when called on the finalizer thread).
        /// </summary>
        public static void WaitForPendingFinalizers()
        {
            if (!IsInitialized || Scheduler.Current == s_finalizer) { GarbageCollector.RunPendingFinalizers(); return; }
            ulong irq = CPU.SaveAndDisableInterrupts();
            ulong start = s_finalizerPasses;
            while (!(Finalization.PendingCount == 0 && s_finalizerIdle) && s_finalizerPasses == start)
                Scheduler.Block((WaitQueue*)Unsafe.AsPointer(ref s_finalizationDone), 0);
            CPU.RestoreInterrupts(irq);
        }

        // ---- runtime imports ----

        /// <summary>Thread.Yield: 1 when another thread ran.</summary>
        [RuntimeExport("RhYield")]
        public static int RhYield() => Scheduler.Yield() ? 1 : 0;

        /// <summary>The running thread's OS id (1 for the boot thread).</summary>
        [RuntimeExport("RhCurrentOSThreadId")]
        public static ulong RhCurrentOSThreadId() => Scheduler.Current != null ? Scheduler.Current->Id : 1;

        /// <summary>Stack bounds of the running thread: [low, high), excluding its guard page.</summary>
        [RuntimeExport("RhGetCurrentThreadStackBounds")]
        public static void RhGetCurrentThreadStackBounds(IntPtr* low, IntPtr* high)
        {
            var t = Scheduler.Current;
            if (t != null) { *low = (IntPtr)t->StackLow; *high = (IntPtr)t->StackHigh; return; }
            var bi = Native.GetBootInfo();
            *low = (IntPtr)bi->StackBottom;
            *high = (IntPtr)bi->StackTop;
        }

        /// <summary>The CoreLib's thread-exit callback (Thread.OnThreadExit), called on every exiting thread.</summary>
        [RuntimeExport("RhSetThreadExitCallback")]
        public static void RhSetThreadExitCallback(IntPtr callback) => s_exitCallback = callback;
    }
}
