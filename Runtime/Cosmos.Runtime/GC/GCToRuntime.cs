using Cosmos.Core.Threading;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// What the collector asks of the rest of the runtime (after NativeAOT's GCToEEInterface): the threads whose stacks
    /// and per-thread roots it scans, and each thread's <see cref="RuntimeThreadState"/>. Every thread walk of the
    /// runtime goes through <see cref="NextLiveThread"/>; the collector calls it with interrupts disabled, so no thread
    /// starts, exits or switches while it walks.
    /// </summary>
    public static unsafe class GCToRuntime
    {
        /// <summary>
        /// Steps <paramref name="cursor"/> (start at 0) to the next thread that is not dead; false when there is none left
        /// (or the scheduler has not started: then only the boot code runs, on the registered boot stack).
        /// Usage: <c>for (int c = 0; GCToRuntime.NextLiveThread(ref c, out KernelThread* t);) …</c>
        /// </summary>
        public static bool NextLiveThread(ref int cursor, out KernelThread* thread)
        {
            thread = null;
            if (!Scheduler.IsInitialized) return false;
            while (cursor < Scheduler.ThreadSlots)
            {
                KernelThread* t = Scheduler.GetThread(cursor++);
                if (t != null && t->State != ThreadRunState.Dead) { thread = t; return true; }
            }
            return false;
        }

        /// <summary>The per-thread runtime roots of <paramref name="thread"/> (its thread statics and GC reporting frames).</summary>
        public static RuntimeThreadState* StateOf(KernelThread* thread) => RuntimeThreadState.Of(thread);
    }
}
