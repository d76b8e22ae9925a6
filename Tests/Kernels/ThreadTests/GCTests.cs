using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ThreadTests
{
    /// <summary>An object whose finalizer records the thread it runs on.</summary>
    internal sealed class FinalizerProbe
    {
        public static int Ran, MinThreadId = int.MaxValue, MaxThreadId;
        public byte[] Payload = new byte[64];

        ~FinalizerProbe()
        {
            int id = Thread.CurrentThread.ManagedThreadId;
            Interlocked.Increment(ref Ran);
            int m;
            while (id < (m = Volatile.Read(ref MinThreadId)) && Interlocked.CompareExchange(ref MinThreadId, id, m) != m) { }
            while (id > (m = Volatile.Read(ref MaxThreadId)) && Interlocked.CompareExchange(ref MaxThreadId, id, m) != m) { }
        }
    }

    public sealed partial class Kernel
    {
        private static volatile bool s_allocatorsDone;
        private static ulong s_garbageSink;

        /// <summary>
        /// Proves that collections triggered from one thread (GC.Collect in a loop) and by allocation keep the live
        /// data of 4 other allocating threads intact. Each worker's lists of strings and arrays are referenced only
        /// from its own stack and registers (so the collector must scan every thread's stack and saved registers),
        /// grow while the workers churn garbage, and are checked against a running checksum every few rounds and at
        /// the end; each worker must see at least 10 collections while it runs.
        /// </summary>
        private void GCUnderThreads()
        {
            const int Workers = 4;
            var rounds = new int[Workers];
            var collectionsSeen = new int[Workers];
            var mismatches = new int[Workers];
            int collector = 0;
            s_allocatorsDone = false;
            ulong deadline = Now + TicksFor(20000);
            int before = GC.CollectionCount(0);

            var workers = SpawnMany("allocator", Workers, k =>
            {
                var strings = new List<string>();
                var arrays = new List<int[]>();
                ulong h = 0xCBF29CE484222325UL;
                int c0 = GC.CollectionCount(0);
                int r = 0;
                while (r < 40 || (GC.CollectionCount(0) - c0 < 10 && Now < deadline))
                {
                    if (r < 40)
                    {
                        for (int j = 0; j < 25; j++)
                        {
                            string s = "w" + k + "-r" + r + "-" + j;
                            strings.Add(s);
                            h = Hash(h, s);
                        }
                        var a = new int[64 + r];
                        for (int i = 0; i < a.Length; i++) a[i] = k * 1_000_000 + r * 1000 + i;
                        arrays.Add(a);
                        h = HashArray(h, a);
                    }
                    Churn(k, r);
                    if ((r & 3) == 3 && LiveChecksum(strings, arrays) != h) mismatches[k]++;
                    r++;
                }
                if (LiveChecksum(strings, arrays) != h) mismatches[k]++;
                if (strings.Count != 40 * 25 || arrays.Count != 40) mismatches[k]++;
                rounds[k] = r;
                collectionsSeen[k] = GC.CollectionCount(0) - c0;
            });
            var collectorThread = Spawn("collector", () =>
            {
                while (!s_allocatorsDone && Now < deadline)
                {
                    GC.Collect();
                    collector++;
                    Thread.Sleep(2);
                }
            });
            ulong t0 = Now;
            collectorThread.Start();
            StartAll(workers);
            bool ok = JoinAll(workers, 30000, "allocating threads");
            s_allocatorsDone = true;
            ok &= JoinAll(new[] { collectorThread }, 10000, "collector thread");
            if (!ok) return;
            Line("  " + (GC.CollectionCount(0) - before) + " collections (" + collector + " by the collector thread) in " + MsSince(t0).ToString("0")
                 + " ms; rounds " + Describe(rounds) + "; collections seen by each worker " + Describe(collectionsSeen));
            for (int k = 0; k < Workers; k++)
            {
                Equal(0, mismatches[k], "worker " + k + " checksum mismatches of its live data");
                True(collectionsSeen[k] >= 10, "worker " + k + " saw at least 10 collections while it ran: " + collectionsSeen[k]);
            }
            True(collector >= 5, "the collector thread collected at least 5 times: " + collector);
        }

        private static ulong HashArray(ulong h, int[] a)
        {
            for (int i = 0; i < a.Length; i++) h = Mix(h, (ulong)a[i]);
            return Mix(h, (ulong)a.Length);
        }

        private static ulong LiveChecksum(List<string> strings, List<int[]> arrays)
        {
            ulong h = 0xCBF29CE484222325UL;
            int s = 0;
            // Same order as the workers built it: 25 strings, then one array, per round.
            for (int r = 0; r < arrays.Count; r++)
            {
                for (int j = 0; j < 25 && s < strings.Count; j++) h = Hash(h, strings[s++]);
                h = HashArray(h, arrays[r]);
            }
            return h;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Churn(int k, int r)
        {
            ulong sink = 0;
            for (int g = 0; g < 100; g++)
            {
                switch (g & 3)
                {
                    case 0: { var b = new byte[16 + (g * 37 + r) % 700]; b[0] = (byte)g; sink += b[b.Length - 1]; break; }
                    case 1: { var l = new List<int> { g, r, k }; sink += (ulong)l.Count; break; }
                    case 2: { var s = string.Concat("garbage-", g.ToString(), "-", r.ToString()); sink += s[0]; break; }
                    default: { var o = new object[4] { g, null, "x", new object() }; sink += (ulong)o.Length; break; }
                }
            }
            s_garbageSink += sink;
        }

        /// <summary>
        /// Proves that finalizers run on the runtime's finalizer thread: 100 finalizable objects become unreachable
        /// (made in a NoInlining helper, stack scrubbed against conservative roots), GC.Collect, and a helper thread
        /// waits in GC.WaitForPendingFinalizers (bounded by a Join timeout). At least 90 finalizers must have run, and
        /// the ManagedThreadId seen inside every one differs from the main thread's and the waiting thread's.
        /// </summary>
        private void FinalizerThread()
        {
            FinalizerProbe.Ran = 0;
            FinalizerProbe.MinThreadId = int.MaxValue;
            FinalizerProbe.MaxThreadId = 0;
            int mainId = Thread.CurrentThread.ManagedThreadId;
            MakeProbes(100);
            ScrubStack();
            GC.Collect();
            var waiter = Spawn("finalizer waiter", () => GC.WaitForPendingFinalizers());
            int waiterId = waiter.ManagedThreadId;
            waiter.Start();
            if (!JoinAll(new[] { waiter }, 15000, "GC.WaitForPendingFinalizers")) return;
            int ran = Volatile.Read(ref FinalizerProbe.Ran);
            int min = FinalizerProbe.MinThreadId, max = FinalizerProbe.MaxThreadId;
            Line("  " + ran + " finalizers ran, thread ids " + min + ".." + max + " (main " + mainId + ", waiter " + waiterId + ")");
            True(ran >= 90, "at least 90 of 100 finalizers ran: " + ran);
            if (ran == 0) return;
            True(min == max, "all finalizers ran on one thread");
            True(min != mainId && max != mainId, "finalizers did not run on the main thread");
            True(min != waiterId && max != waiterId, "finalizers did not run on the thread waiting for them");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeProbes(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var p = new FinalizerProbe();
                p.Payload[0] = (byte)i;
            }
        }
    }
}
