using System;
using System.Collections.Generic;
using System.Threading;

namespace ThreadTests
{
    /// <summary>Thread-local state for <see cref="Kernel.ThreadStatics"/>.</summary>
    internal static class PerThread
    {
        [ThreadStatic] public static int Number;
        [ThreadStatic] public static string Text;
        [ThreadStatic] public static int[] Data;
    }

    public sealed partial class Kernel
    {
        /// <summary>
        /// Proves the basic Thread API on real threads: a started thread runs its delegate with the parameter, sees
        /// itself as Thread.CurrentThread with the Name and IsBackground set before Start, is alive while it runs,
        /// Join(timeout) returns false (after the timeout) while it runs and Join returns once it ended.
        /// </summary>
        private void ThreadApi()
        {
            var started = new ManualResetEventSlim(false);
            var release = new ManualResetEventSlim(false);
            Thread seenCurrent = null;
            int idAtStart = 0, idAtEnd = 0;
            string seenName = null;
            bool seenBackground = false, seenAlive = false, released = false;
            object seenParameter = null;
            var t = new Thread(p =>
            {
                var me = Thread.CurrentThread;
                seenCurrent = me;
                idAtStart = me.ManagedThreadId;
                seenName = me.Name;
                seenBackground = me.IsBackground;
                seenAlive = me.IsAlive;
                seenParameter = p;
                started.Set();
                released = release.Wait(10000);
                idAtEnd = Thread.CurrentThread.ManagedThreadId;
            });
            t.Name = "api worker";
            t.IsBackground = true;
            True(!t.IsAlive, "IsAlive is false before Start");
            True((t.ThreadState & ThreadState.Unstarted) != 0, "ThreadState has Unstarted before Start, got " + t.ThreadState);

            var main = Thread.CurrentThread;
            int mainId = main.ManagedThreadId;
            t.Start("the parameter");
            if (!started.Wait(5000)) { Fail("the thread did not start within 5 s"); release.Set(); return; }
            True(t.IsAlive, "IsAlive while it runs");

            ulong t0 = Now;
            bool joinedEarly = t.Join(50);
            double joinMs = MsSince(t0);
            True(!joinedEarly, "Join(50) returns false while the thread runs");
            True(joinMs >= 45 && joinMs < 2000, "Join(50) waited about 50 ms: " + joinMs.ToString("0.0") + " ms");

            release.Set();
            True(t.Join(5000), "Join returns once the thread ended");
            True(!t.IsAlive, "IsAlive is false after Join");
            True((t.ThreadState & ThreadState.Stopped) != 0, "ThreadState has Stopped after Join, got " + t.ThreadState);
            True(released, "the thread saw the release event");
            True(ReferenceEquals(seenCurrent, t), "Thread.CurrentThread in the thread is the Thread object that was started");
            Equal(t.ManagedThreadId, idAtStart, "ManagedThreadId seen inside");
            Equal(idAtStart, idAtEnd, "ManagedThreadId stable inside the thread");
            True(idAtStart != mainId, "the thread's id differs from the main thread's (" + mainId + ")");
            Equal("api worker", seenName ?? "(null)", "Name seen inside");
            True(seenBackground, "IsBackground seen inside");
            True(seenAlive, "CurrentThread.IsAlive inside");
            Equal("the parameter", seenParameter as string ?? "(null)", "ParameterizedThreadStart argument");
            True(ReferenceEquals(main, Thread.CurrentThread) && Thread.CurrentThread.ManagedThreadId == mainId, "the main thread's CurrentThread and id are stable");
            True(main.IsAlive, "the main thread is alive");
            True(t.Join(0), "Join(0) on an ended thread returns true");
        }

        /// <summary>
        /// Proves that 16 threads alive at the same time have distinct ManagedThreadIds (also distinct from the main
        /// thread's), that each id is the same at the thread's start and after it was switched out, equals
        /// Environment.CurrentManagedThreadId and the Thread object's id, and that CurrentThread is that object.
        /// </summary>
        private void ManagedThreadIds()
        {
            const int N = 16;
            var idStart = new int[N];
            var idEnd = new int[N];
            var envId = new int[N];
            var current = new Thread[N];
            int arrived = 0;
            var go = new ManualResetEventSlim(false);
            var threads = SpawnMany("id", N, k =>
            {
                idStart[k] = Thread.CurrentThread.ManagedThreadId;
                envId[k] = Environment.CurrentManagedThreadId;
                Interlocked.Increment(ref arrived);
                if (!go.Wait(10000)) WorkerFail("id " + k + ": go was not set");
                Thread.Sleep(2);
                idEnd[k] = Thread.CurrentThread.ManagedThreadId;
                current[k] = Thread.CurrentThread;
            });
            int mainId = Environment.CurrentManagedThreadId;
            StartAll(threads);
            bool allArrived = WaitUntil(() => Volatile.Read(ref arrived) == N, 10000);
            True(allArrived, "all 16 threads started: " + arrived);
            int alive = 0;
            foreach (var t in threads) if (t.IsAlive) alive++;
            Equal(N, alive, "threads alive at the same time");
            go.Set();
            if (!JoinAll(threads, 10000, "id threads")) return;

            var seen = new HashSet<int>();
            for (int k = 0; k < N; k++)
            {
                True(idStart[k] > 0, "thread " + k + " has a positive id");
                True(seen.Add(idStart[k]), "thread " + k + " id " + idStart[k] + " is distinct (ids: " + Describe(idStart) + ")");
                True(idStart[k] != mainId, "thread " + k + " id differs from the main thread's");
                Equal(idStart[k], idEnd[k], "thread " + k + " id stable across a sleep");
                Equal(idStart[k], envId[k], "thread " + k + " Environment.CurrentManagedThreadId");
                Equal(threads[k].ManagedThreadId, idStart[k], "thread " + k + " id seen from outside");
                True(ReferenceEquals(current[k], threads[k]), "thread " + k + " CurrentThread is its Thread object");
            }
            Equal(mainId, Environment.CurrentManagedThreadId, "main thread id stable");
        }

        /// <summary>
        /// Proves that [ThreadStatic] fields (int, string, array) and ThreadLocal&lt;T&gt; are per thread: 8 threads
        /// find them empty at start, each stores its own values, and after all stored (so they coexist) each keeps
        /// reading its own while the threads interleave and a GC runs; the main thread's values stay untouched.
        /// </summary>
        private void ThreadStatics()
        {
            const int N = 8;
            var local = new ThreadLocal<int>(() => -1);
            PerThread.Number = 777;
            PerThread.Text = "main";
            PerThread.Data = new[] { 7, 7, 7 };
            local.Value = 99;

            var emptyAtStart = new bool[N];
            var badReads = new int[N];
            int arrived = 0;
            var go = new ManualResetEventSlim(false);
            var threads = SpawnMany("tls", N, k =>
            {
                emptyAtStart[k] = PerThread.Number == 0 && PerThread.Text == null && PerThread.Data == null && local.Value == -1;
                PerThread.Number = 1000 + k;
                PerThread.Text = "thread " + k;
                var data = new int[32];
                for (int i = 0; i < data.Length; i++) data[i] = k * 100 + i;
                PerThread.Data = data;
                local.Value = 3 * k;
                data = null;
                Interlocked.Increment(ref arrived);
                if (!go.Wait(10000)) WorkerFail("tls " + k + ": go was not set");
                for (int round = 0; round < 20; round++)
                {
                    if (!OwnValues(k, local)) badReads[k]++;
                    if (k == 0 && round == 10) GC.Collect();
                    if ((round & 1) == 0) Thread.Yield(); else Thread.Sleep(1);
                }
                if (!OwnValues(k, local)) badReads[k]++;
            });
            StartAll(threads);
            True(WaitUntil(() => Volatile.Read(ref arrived) == N, 10000), "all threads stored their values: " + arrived);
            go.Set();
            if (!JoinAll(threads, 10000, "tls threads")) return;
            for (int k = 0; k < N; k++)
            {
                True(emptyAtStart[k], "thread " + k + " found its thread statics and ThreadLocal empty at start");
                Equal(0, badReads[k], "thread " + k + " reads of other values than its own");
            }
            Equal(777, PerThread.Number, "main thread's [ThreadStatic] int");
            Equal("main", PerThread.Text ?? "(null)", "main thread's [ThreadStatic] string");
            True(PerThread.Data != null && PerThread.Data.Length == 3 && PerThread.Data[2] == 7, "main thread's [ThreadStatic] array");
            Equal(99, local.Value, "main thread's ThreadLocal value");
        }

        /// <summary>
        /// Proves that errno (what the CoreLib reads after a failing native call: Marshal.Get/SetLastSystemError) is per
        /// thread: 4 threads each set their own value and keep reading it back while the others run in between.
        /// </summary>
        private void ErrnoPerThread()
        {
            const int N = 4;
            System.Runtime.InteropServices.Marshal.SetLastSystemError(55);
            var badReads = new int[N];
            var threads = SpawnMany("errno", N, k =>
            {
                for (int round = 0; round < 50; round++)
                {
                    System.Runtime.InteropServices.Marshal.SetLastSystemError(100 + k * 1000 + round);
                    Thread.Yield();
                    for (int spin = 0; spin < 2000; spin++) Thread.SpinWait(1);
                    if (System.Runtime.InteropServices.Marshal.GetLastSystemError() != 100 + k * 1000 + round) badReads[k]++;
                }
            });
            StartAll(threads);
            if (!JoinAll(threads, 10000, "errno threads")) return;
            for (int k = 0; k < N; k++) Equal(0, badReads[k], "thread " + k + " errno reads of another value than its own");
            Equal(55, System.Runtime.InteropServices.Marshal.GetLastSystemError(), "main thread's errno");
        }

        private static bool OwnValues(int k, ThreadLocal<int> local)
        {
            if (PerThread.Number != 1000 + k) return false;
            if (PerThread.Text != "thread " + k) return false;
            var d = PerThread.Data;
            if (d == null || d.Length != 32) return false;
            for (int i = 0; i < d.Length; i++) if (d[i] != k * 100 + i) return false;
            return local.Value == 3 * k;
        }
    }
}
