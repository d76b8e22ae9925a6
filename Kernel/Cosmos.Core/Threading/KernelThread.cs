using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cosmos.Core.Layout;

namespace Cosmos.Core.Threading
{
    /// <summary>Scheduling state of a <see cref="KernelThread"/>.</summary>
    public enum ThreadRunState : int
    {
        /// <summary>The control block is free.</summary>
        Unused = 0,
        /// <summary>Runnable, in its priority's ready queue.</summary>
        Ready = 1,
        /// <summary>The thread the processor runs.</summary>
        Running = 2,
        /// <summary>Waiting on a <see cref="WaitQueue"/> and/or until <see cref="KernelThread.WakeTsc"/>.</summary>
        Blocked = 3,
        /// <summary>Exited; its stack and TLS block are freed by the next reap.</summary>
        Dead = 4,
    }

    /// <summary>
    /// A thread control block, in unmanaged memory (the scheduler runs inside the timer interrupt and never
    /// allocates). The scheduler owns every field but <see cref="RuntimeState"/>, the runtime layer's one slot
    /// (Runtime/Cosmos.Runtime's RuntimeThreadState), which the scheduler only zeroes and switches. Addresses are
    /// identity-mapped.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct KernelThread
    {
        /// <summary>OS thread id: 1 for the boot thread, then increasing, never reused (RhCurrentOSThreadId).</summary>
        public ulong Id;
        /// <summary>Scheduling state.</summary>
        public ThreadRunState State;
        /// <summary><see cref="Scheduler.Lowest"/> (0) … <see cref="Scheduler.Highest"/> (4), or <see cref="Scheduler.IdlePriority"/> (−1) for the idle thread.</summary>
        public int Priority;
        /// <summary>While not running: the interrupt frame (registers, RIP, RFLAGS, RSP; SIMD area below it) it resumes from.</summary>
        public InterruptFrame* SavedFrame;
        /// <summary>Lowest usable byte of the stack (the guard page is the 4 KiB below it).</summary>
        public ulong StackLow;
        /// <summary>First byte above the stack (the initial RSP, 16-byte aligned).</summary>
        public ulong StackHigh;
        /// <summary>Page run holding guard page + stack (0 for the boot stack, which the kernel image owns).</summary>
        public ulong StackRun;
        /// <summary>FS base: the thread pointer of its static TLS block (x86-64 TLS variant II; fs:[0] points to itself).</summary>
        public ulong ThreadPointer;
        /// <summary>First byte of the static TLS block.</summary>
        public ulong TlsBlock;
        /// <summary>Page run holding the TLS block (0 for the boot thread's, which lies in the image's .bss).</summary>
        public ulong TlsRun;
        /// <summary>Link in a ready queue or a wait queue.</summary>
        public KernelThread* Next;
        /// <summary>The wait queue the thread is blocked on (null: none).</summary>
        public WaitQueue* WaitingOn;
        /// <summary>TSC value at which a blocked thread times out (0: no timeout).</summary>
        public ulong WakeTsc;
        /// <summary>Result of the last block: <see cref="Scheduler.WokenBySignal"/> or <see cref="Scheduler.WokenByTimeout"/>.</summary>
        public int WaitResult;
        /// <summary>Timer ticks left in the current time slice.</summary>
        public int QuantumLeft;
        /// <summary>Start routine (System V: IntPtr routine(IntPtr argument)) and its argument.</summary>
        public ulong StartRoutine, StartArgument;
        /// <summary>TSC ticks this thread has run.</summary>
        public ulong RunTsc;
        /// <summary>TSC value when it was last switched in.</summary>
        public ulong SwitchedInTsc;
        /// <summary>TSC value when it last entered a ready queue (for the starvation boost).</summary>
        public ulong ReadySinceTsc;
        /// <summary>1 while it runs on a starvation boost at <see cref="Scheduler.Highest"/>; its own priority is then <see cref="BasePriority"/>.</summary>
        public int Boosted;
        /// <summary>Its own priority while <see cref="Boosted"/>.</summary>
        public int BasePriority;

        /// <summary>The thread's own priority (what Thread.Priority reports), boost or not.</summary>
        public readonly int OwnPriority => Boosted != 0 ? BasePriority : Priority;
        /// <summary>
        /// The runtime's per-thread state while the thread is not running: the scheduler saves the block registered with
        /// <see cref="Scheduler.RegisterRuntimeState"/> here on switch-out and loads it back on switch-in (a new thread
        /// starts with zeros). Its layout belongs to the runtime.
        /// </summary>
        public fixed byte RuntimeState[Scheduler.RuntimeStateBytes];
        /// <summary>Bytes of <see cref="Name"/>, including the terminating NUL.</summary>
        public const int NameBytes = 32;
        /// <summary>The thread's name (Thread.Name), UTF-8, NUL-terminated, truncated to <see cref="NameBytes"/> − 1 bytes; empty when unnamed.</summary>
        public fixed byte Name[NameBytes];
    }

    /// <summary>
    /// A FIFO of threads linked through <see cref="KernelThread.Next"/>: the blocked threads of a wait object, or one ready
    /// queue of <see cref="SchedulerPolicy"/> (a thread is in at most one queue at a time). Zero-initialized is empty.
    /// Manipulate only with interrupts disabled.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct WaitQueue
    {
        /// <summary>First and last waiter.</summary>
        public KernelThread* Head, Tail;

        /// <summary>True when no thread waits.</summary>
        public readonly bool IsEmpty => Head == null;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal void Append(KernelThread* t)
        {
            t->Next = null;
            if (Tail == null) Head = t; else Tail->Next = t;
            Tail = t;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal KernelThread* TakeFirst()
        {
            var t = Head;
            if (t == null) return null;
            Head = t->Next;
            if (Head == null) Tail = null;
            t->Next = null;
            return t;
        }

        internal bool Remove(KernelThread* t)
        {
            KernelThread* prev = null;
            for (var p = Head; p != null; prev = p, p = p->Next)
            {
                if (p != t) continue;
                if (prev == null) Head = p->Next; else prev->Next = p->Next;
                if (Tail == p) Tail = prev;
                p->Next = null;
                return true;
            }
            return false;
        }
    }
}
