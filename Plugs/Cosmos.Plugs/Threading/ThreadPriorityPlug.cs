using System;
using System.Threading;
using Cosmos.Core.Threading;
using Cosmos.Runtime;
using IL2CPU.API.Attribs;

namespace Cosmos.Plugs.Threading
{
    /// <summary>
    /// Plugs the priority hooks of the NativeAOT CoreLib's <see cref="Thread"/> (Unix: they ignore priorities and
    /// answer Normal) so that <see cref="Thread.Priority"/> is the scheduler's priority of the thread
    /// (<see cref="Scheduler"/>: ThreadPriority.Lowest … Highest are its levels 0 … 4). A Thread started with
    /// Thread.Start is found through the weak handle the runtime keeps for it; a Thread object of a thread that was
    /// not started that way (the boot thread, the finalizer thread) is bound to the kernel thread the first time its
    /// priority is read or set on that thread itself.
    /// </summary>
    [Plug(typeof(Thread))]
    public static unsafe class ThreadPriorityPlug
    {
        /// <summary>Thread.Priority getter once started: the scheduler's priority; Normal when the thread cannot be found (it exited).</summary>
        public static ThreadPriority GetPriorityLive(Thread aThis)
        {
            var t = Find(aThis);
            return t == null ? ThreadPriority.Normal : (ThreadPriority)t->OwnPriority;
        }

        /// <summary>Thread.Priority setter (and Thread.Start with a preset priority): false when the thread has no kernel thread (it exited), which the CoreLib reports as ThreadStateException.</summary>
        public static bool SetPriorityLive(Thread aThis, ThreadPriority priority)
        {
            var t = Find(aThis);
            if (t == null) return false;
            Scheduler.SetPriority(t, (int)priority);
            return true;
        }

        private static KernelThread* Find(Thread thread)
        {
            var t = Threads.FindThread(thread);
            if (t != null) return t;
            // Not started by Thread.Start: only the thread itself can create its Thread object, so bind it when asked on that thread.
            if (thread.ManagedThreadId != Environment.CurrentManagedThreadId) return null;
            return Threads.BindCurrent(thread) ? Scheduler.Current : null;
        }
    }
}
