using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Cosmos.Core;
using Cosmos.Runtime;
using Cosmos.TestRunner;

namespace ThreadTests
{
    /// <summary>
    /// Kernel tests of threads: the scheduler (Cosmos.Core.Threading) seen through the CoreLib's own System.Threading
    /// and System.Threading.Tasks. Every case bounds its waits, so a broken scheduler fails a case instead of hanging
    /// the kernel where the API allows it. Worker threads never call the assertion methods (they are not thread-safe):
    /// they record what they saw, or report a problem with <see cref="WorkerFail"/>, and the main thread asserts.
    /// </summary>
    public sealed partial class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Line("threads: TSC " + (RuntimeEnvironment.TscFrequency / 1000) + " kHz, main thread id " + Environment.CurrentManagedThreadId
                 + ", preemptions so far " + Cosmos.Core.Threading.Scheduler.PreemptionCount);

            // Thread API and thread-local state
            Case("Thread API - Start(parameter), Join, Join(timeout) false while running, CurrentThread, IsAlive, Name, IsBackground, ThreadState", ThreadApi);
            Case("ManagedThreadId is distinct for 16 live threads, stable, and CurrentThread is the started Thread", ManagedThreadIds);
            Case("[ThreadStatic] fields and ThreadLocal<T> are per thread (start empty, keep their own values, survive GC); the main thread's are untouched", ThreadStatics);
            Case("errno (Marshal.Get/SetLastSystemError) is per thread", ErrnoPerThread);

            // Mutual exclusion and atomicity under preemption
            Case("lock - 8 threads x 200,000 increments under lock give exactly 1,600,000, never two threads inside", LockCounter);
            Case("Interlocked - 8 threads x 200,000 Interlocked.Increment give exactly 1,600,000", InterlockedCounter);

            // Scheduling
            Case("Thread.Sleep(100) sleeps 100 ms +-10 % by the TSC and does not use the CPU; Sleep(0) and Sleep(1) return promptly", SleepTiming);
            Case("an idle machine stops the tick - Thread.Sleep(200) with no other thread ready takes at most a few dozen timer interrupts instead of 200, and still wakes on time; the tick is back for a busy thread", TicklessIdle);
            Case("STI and HLT are one step in the idle wait - a tick that came due while interrupts were off ends the HLT (one tick handled, not two)", StiHltEndsOnAPendingInterrupt);
            Case("Thread.Yield and Thread.Sleep(0) hand the CPU to a ready thread of the same priority (1,000-round ping-pong each)", YieldPingPong);
            Case("a switch resumes a yielding thread with its own interrupt flag (on or off) and its own FS base (TLS pointer; WRFSBASE when CPUID offers FSGSBASE)", SwitchRestoresFlagsAndFsBase);
            Case("time slicing - two busy threads of the same priority take turns (round robin) without yielding", RoundRobin);
            Case("strict priority - a Lowest thread makes no progress while a Highest thread is busy, nor does the Normal main thread", StrictPriority);
            Case("priority inversion is bounded - a Lowest thread preempted inside a runtime lock holds up the Normal main thread less than 1 s while a Normal thread spins", BoundedPriorityInversion);
            Case("SIMD state - xmm0-xmm15 and MXCSR sentinels survive preemption by threads holding other patterns", XmmSentinels);
            Case("SIMD state - ymm0-ymm15 (all 256 bits) survive preemption when AVX is enabled", YmmSentinels);
            Case("floating point and Vector128 results are bit-identical across preemption", FloatingPointAcrossPreemption);

            // Synchronization primitives
            Case("Monitor.Wait/Pulse - 10,000 items through a queue of capacity 4, one producer and one consumer, order and sum", ProducerConsumerPulse);
            Case("Monitor.Wait/PulseAll - 2 producers x 5,000 items, 3 consumers, capacity 4, per-producer order and sum", ProducerConsumerPulseAll);
            Case("Monitor.Wait(obj, 50) returns false after about 50 ms; true when pulsed in time", MonitorWaitTimeout);
            Case("ManualResetEventSlim - Wait(50) false when not set; Set wakes all 4 blocked waiters", ManualResetEvent);
            Case("SemaphoreSlim(3) - at most 3 of 10 threads inside at once, and 3 is reached; Wait(timeout) false at count 0", Semaphore);
            Case("System.Threading.Timer - a 20 ms periodic timer fires about 20 times in 400 ms, Dispose stops it, a one-shot fires once", TimerCallbacks);

            // Tasks
            Case("Task.Run returns results from pool threads; Task.WhenAll of 20 work items; ContinueWith chains", TaskRunAndWhenAll);
            Case("Task.Delay(50) completes after about 50 ms", TaskDelay);
            Case("async/await - a chain of 10 async methods awaiting Task.Delay and Task.Yield completes with the combined result", AsyncChain);
            Case("exceptions through Task - await rethrows the original type; Wait() and Result throw AggregateException", TaskExceptions);

            // GC
            Case("GC under threads - 4 allocating threads keep their stack-rooted live data intact while another thread calls GC.Collect", GCUnderThreads);
            Case("finalizers run on the finalizer thread (not the main thread, not the thread in GC.WaitForPendingFinalizers)", FinalizerThread);
        }

        // ------------------------------------------------------------------ infrastructure

        private static string s_workerError;

        /// <summary>Records the first problem a worker thread saw; the running case fails with it.</summary>
        internal static void WorkerFail(string message) => Interlocked.CompareExchange(ref s_workerError, message, null);

        /// <summary>Runs a case: unexpected exceptions and worker problems fail it instead of ending the kernel.</summary>
        private void Case(string name, Action body)
        {
            Test(name, () =>
            {
                s_workerError = null;
                ulong t0 = Now;
                try { body(); }
                catch (Exception e) { Fail("unexpected " + e.GetType() + ": " + e.Message); }
                string w = Volatile.Read(ref s_workerError);
                if (w != null) Fail("worker thread: " + w);
                Line("  (" + MsSince(t0).ToString("0") + " ms, " + Cosmos.Core.Threading.Scheduler.PreemptionCount + " preemptions since boot)");
            });
        }

        internal static ulong Now => Native.Rdtsc();
        internal static ulong TicksFor(int ms) => (ulong)ms * RuntimeEnvironment.TscFrequency / 1000;
        internal static double MsSince(ulong t0) => (Native.Rdtsc() - t0) * 1000.0 / RuntimeEnvironment.TscFrequency;
        internal static ulong Preemptions => Cosmos.Core.Threading.Scheduler.PreemptionCount;

        /// <summary>A background thread running <paramref name="body"/>; an exception escaping it is reported through <see cref="WorkerFail"/>.</summary>
        internal static Thread Spawn(string name, Action body, ThreadPriority priority = ThreadPriority.Normal)
        {
            var t = new Thread(() =>
            {
                try { body(); }
                catch (Exception e) { WorkerFail(name + " threw " + e.GetType() + ": " + e.Message); }
            });
            t.Name = name;
            t.IsBackground = true;
            t.Priority = priority;
            return t;
        }

        /// <summary><paramref name="count"/> threads running <paramref name="body"/>(index), not started.</summary>
        internal static Thread[] SpawnMany(string name, int count, Action<int> body, ThreadPriority priority = ThreadPriority.Normal)
        {
            var ts = new Thread[count];
            for (int i = 0; i < count; i++)
            {
                int k = i;
                ts[i] = Spawn(name + " " + k, () => body(k), priority);
            }
            return ts;
        }

        internal static void StartAll(Thread[] threads)
        {
            foreach (var t in threads) t.Start();
        }

        /// <summary>Joins every thread within <paramref name="timeoutMs"/> in total; fails the case naming the first that did not finish.</summary>
        private bool JoinAll(Thread[] threads, int timeoutMs, string what)
        {
            ulong deadline = Now + TicksFor(timeoutMs);
            foreach (var t in threads)
            {
                ulong now = Now;
                int left = now >= deadline ? 0 : (int)((deadline - now) * 1000 / RuntimeEnvironment.TscFrequency);
                if (!t.Join(left))
                {
                    Fail(what + ": thread '" + t.Name + "' did not finish within " + timeoutMs + " ms");
                    return false;
                }
            }
            return true;
        }

        /// <summary>Spins (with Sleep(1)) until <paramref name="condition"/> or the timeout; true when it held.</summary>
        internal static bool WaitUntil(Func<bool> condition, int timeoutMs)
        {
            ulong deadline = Now + TicksFor(timeoutMs);
            while (!condition())
            {
                if (Now >= deadline) return false;
                Thread.Sleep(1);
            }
            return true;
        }

        private static ulong s_sink;

        /// <summary>Overwrites the dead stack area below the caller, so stale references left there by returned helpers are not conservative roots.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static unsafe void ScrubStack()
        {
            byte* p = stackalloc byte[16384];
            for (int i = 0; i < 16384; i += 8) *(ulong*)(p + i) = 0;
            s_sink += p[64];
        }

        internal static ulong Mix(ulong h, ulong v) => (h ^ v) * 0x100000001B3UL;

        internal static ulong Hash(ulong h, string s)
        {
            foreach (char c in s) h = Mix(h, c);
            return Mix(h, (ulong)s.Length);
        }

        private static string Describe(IEnumerable<int> values)
        {
            var parts = new List<string>();
            foreach (var v in values) parts.Add(v.ToString());
            return string.Join(",", parts);
        }
    }
}
