using System;
using System.Threading;

namespace ThreadTests
{
    /// <summary>
    /// A bounded FIFO built on Monitor.Wait/Pulse(All). Waits are bounded (1 s each, <see cref="Timeouts"/> counts the
    /// ones that expired) and give up at <see cref="Deadline"/>, so a lost wake-up fails the test instead of hanging it.
    /// </summary>
    internal sealed class BoundedQueue
    {
        private readonly object _gate = new object();
        private readonly int[] _items;
        private readonly bool _pulseAll;
        private readonly int _total;
        private int _head, _count, _taken;
        public int MaxCount, Timeouts;
        public ulong Deadline;

        public BoundedQueue(int capacity, int total, bool pulseAll, ulong deadline)
        {
            _items = new int[capacity];
            _total = total;
            _pulseAll = pulseAll;
            Deadline = deadline;
        }

        private void Signal()
        {
            if (_pulseAll) Monitor.PulseAll(_gate); else Monitor.Pulse(_gate);
        }

        /// <summary>Adds <paramref name="value"/>, waiting while full; false when the deadline passed.</summary>
        public bool Put(int value)
        {
            lock (_gate)
            {
                while (_count == _items.Length)
                {
                    if (Kernel.Now >= Deadline) return false;
                    if (!Monitor.Wait(_gate, 1000)) Timeouts++;
                }
                _items[(_head + _count) % _items.Length] = value;
                _count++;
                if (_count > MaxCount) MaxCount = _count;
                Signal();
                return true;
            }
        }

        /// <summary>Removes the oldest item, waiting while empty; false when all <c>total</c> items were taken or the deadline passed.</summary>
        public bool Take(out int value)
        {
            value = 0;
            lock (_gate)
            {
                while (_count == 0)
                {
                    if (_taken == _total || Kernel.Now >= Deadline) return false;
                    if (!Monitor.Wait(_gate, 1000)) Timeouts++;
                }
                value = _items[_head];
                _head = (_head + 1) % _items.Length;
                _count--;
                _taken++;
                if (_taken == _total && _pulseAll) Monitor.PulseAll(_gate);   // let idle consumers see the end
                Signal();
                return true;
            }
        }
    }

    public sealed partial class Kernel
    {
        /// <summary>
        /// Proves Monitor.Wait/Pulse hand-offs: one producer puts 0..9,999 into a queue of capacity 4, one consumer
        /// takes them; the consumer must see every item once, in order, with the right sum, no wait may expire (a lost
        /// Pulse shows as a 1 s timeout), and the queue must never exceed its capacity.
        /// </summary>
        private void ProducerConsumerPulse()
        {
            const int Items = 10_000;
            var q = new BoundedQueue(4, Items, pulseAll: false, Now + TicksFor(30000));
            long sum = 0; int count = 0, outOfOrder = 0, produced = 0;
            var producer = Spawn("producer", () =>
            {
                for (int i = 0; i < Items; i++) { if (!q.Put(i)) return; produced++; }
            });
            var consumer = Spawn("consumer", () =>
            {
                while (q.Take(out int v))
                {
                    if (v != count) outOfOrder++;
                    sum += v; count++;
                }
            });
            ulong t0 = Now;
            consumer.Start(); producer.Start();
            if (!JoinAll(new[] { producer, consumer }, 40000, "producer/consumer")) return;
            Line("  " + Items + " items in " + MsSince(t0).ToString("0") + " ms");
            Equal(Items, produced, "items produced before the deadline");
            Equal(Items, count, "items consumed");
            Equal(0, outOfOrder, "items out of order");
            Equal((long)Items * (Items - 1) / 2, sum, "sum of the items");
            Equal(0, q.Timeouts, "Monitor.Wait calls that timed out (lost Pulse)");
            True(q.MaxCount <= 4, "queue never above capacity: " + q.MaxCount);
        }

        /// <summary>
        /// Proves Monitor.PulseAll with several waiters of both kinds: 2 producers put 5,000 tagged items each, 3
        /// consumers take them through a queue of capacity 4; all 10,000 arrive once, the sum matches, each consumer
        /// sees each producer's items in increasing order, and no wait expires.
        /// </summary>
        private void ProducerConsumerPulseAll()
        {
            const int PerProducer = 5_000, Producers = 2, Consumers = 3;
            var q = new BoundedQueue(4, PerProducer * Producers, pulseAll: true, Now + TicksFor(30000));
            var sums = new long[Consumers];
            var counts = new int[Consumers];
            var disorder = new int[Consumers];
            var producers = SpawnMany("producer", Producers, p =>
            {
                for (int i = 0; i < PerProducer; i++) if (!q.Put(p << 16 | i)) return;
            });
            var consumers = SpawnMany("consumer", Consumers, c =>
            {
                var last = new int[Producers];
                for (int p = 0; p < Producers; p++) last[p] = -1;
                while (q.Take(out int v))
                {
                    int p = v >> 16, i = v & 0xFFFF;
                    if (i <= last[p]) disorder[c]++;
                    last[p] = i;
                    sums[c] += i;
                    counts[c]++;
                    Thread.Yield();   // let the other consumers in
                }
            });
            ulong t0 = Now;
            StartAll(consumers); StartAll(producers);
            bool ok = JoinAll(producers, 40000, "producers");
            ok &= JoinAll(consumers, 10000, "consumers");
            if (!ok) return;
            long sum = 0; int count = 0, bad = 0;
            for (int c = 0; c < Consumers; c++) { sum += sums[c]; count += counts[c]; bad += disorder[c]; }
            Line("  " + count + " items in " + MsSince(t0).ToString("0") + " ms, per consumer " + Describe(counts));
            Equal(PerProducer * Producers, count, "items consumed");
            Equal((long)Producers * PerProducer * (PerProducer - 1) / 2, sum, "sum of the items");
            Equal(0, bad, "items seen out of their producer's order");
            Equal(0, q.Timeouts, "Monitor.Wait calls that timed out (lost PulseAll)");
            True(q.MaxCount <= 4, "queue never above capacity: " + q.MaxCount);
        }

        /// <summary>
        /// Proves timed Monitor.Wait: without a Pulse, Wait(obj, 50) returns false after about 50 ms with the lock held
        /// again; with a Pulse from another thread 20 ms later, Wait(obj, 5000) returns true long before its timeout.
        /// </summary>
        private void MonitorWaitTimeout()
        {
            var gate = new object();
            bool result, heldAfter;
            ulong t0 = Now;
            lock (gate)
            {
                result = Monitor.Wait(gate, 50);
                heldAfter = Monitor.IsEntered(gate);
            }
            double ms = MsSince(t0);
            True(!result, "Monitor.Wait(obj, 50) without a Pulse returns false");
            True(heldAfter, "the lock is held again after Wait returns");
            True(ms >= 45 && ms < 2000, "Wait(obj, 50) took about 50 ms: " + ms.ToString("0.0") + " ms");

            var pulser = Spawn("pulser", () => { Thread.Sleep(20); lock (gate) Monitor.Pulse(gate); });
            bool pulsed;
            t0 = Now;
            lock (gate)
            {
                pulser.Start();
                pulsed = Monitor.Wait(gate, 5000);
            }
            double pulsedMs = MsSince(t0);
            JoinAll(new[] { pulser }, 5000, "pulser");
            True(pulsed, "Monitor.Wait returns true when pulsed");
            True(pulsedMs < 2000, "woken by the Pulse, not the timeout: " + pulsedMs.ToString("0.0") + " ms");
            Line("  Wait(50) " + ms.ToString("0.0") + " ms; pulsed after " + pulsedMs.ToString("0.0") + " ms");
        }

        /// <summary>
        /// Proves ManualResetEventSlim: Wait(50) on an unset event returns false after about 50 ms; 4 threads blocked in
        /// Wait(5000) all return true soon after Set (none before it), and the event stays set.
        /// </summary>
        private void ManualResetEvent()
        {
            var unset = new ManualResetEventSlim(false);
            ulong t0 = Now;
            bool r = unset.Wait(50);
            double ms = MsSince(t0);
            True(!r, "Wait(50) on an unset event returns false");
            True(ms >= 45 && ms < 2000, "Wait(50) took about 50 ms: " + ms.ToString("0.0") + " ms");

            const int N = 4;
            var ev = new ManualResetEventSlim(false);
            var results = new bool[N];
            var early = new bool[N];
            var latency = new double[N];
            int waiting = 0;
            ulong setAt = 0;
            var threads = SpawnMany("waiter", N, k =>
            {
                Interlocked.Increment(ref waiting);
                results[k] = ev.Wait(5000);
                ulong s = Volatile.Read(ref setAt);
                early[k] = s == 0;
                if (s != 0) latency[k] = MsSince(s);
            });
            StartAll(threads);
            True(WaitUntil(() => Volatile.Read(ref waiting) == N, 5000), "all waiters started");
            Thread.Sleep(30);   // let them block
            Volatile.Write(ref setAt, Now);
            ev.Set();
            if (!JoinAll(threads, 10000, "waiters")) return;
            for (int k = 0; k < N; k++)
            {
                True(results[k], "waiter " + k + " Wait returned true");
                True(!early[k], "waiter " + k + " did not return before Set");
                True(latency[k] < 1000, "waiter " + k + " woke soon after Set: " + latency[k].ToString("0.0") + " ms");
            }
            True(ev.IsSet, "the event stays set");
            True(ev.Wait(0), "Wait(0) on a set event returns true");
        }

        /// <summary>
        /// Proves SemaphoreSlim's count: 10 threads enter a SemaphoreSlim(3) 20 times each and sleep inside; an
        /// Interlocked maximum of the threads inside must be exactly 3 (never more, and the limit is reached), every
        /// Wait succeeds and the count returns to 3. Wait(30) on a semaphore at 0 returns false after its timeout.
        /// </summary>
        private void Semaphore()
        {
            const int Threads = 10, Rounds = 20, Limit = 3;
            var sem = new SemaphoreSlim(Limit);
            int inside = 0, max = 0, failedWaits = 0;
            var threads = SpawnMany("sem", Threads, k =>
            {
                for (int i = 0; i < Rounds; i++)
                {
                    if (!sem.Wait(10000)) { Interlocked.Increment(ref failedWaits); continue; }
                    int n = Interlocked.Increment(ref inside);
                    int m;
                    while (n > (m = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, n, m) != m) { }
                    Thread.Sleep(1);
                    Interlocked.Decrement(ref inside);
                    sem.Release();
                }
            });
            StartAll(threads);
            if (!JoinAll(threads, 30000, "semaphore threads")) return;
            Equal(0, failedWaits, "Wait(10000) calls that failed");
            True(max <= Limit, "at most 3 threads inside at once, saw " + max);
            Equal(Limit, max, "the limit of 3 threads inside was reached");
            Equal(Limit, sem.CurrentCount, "CurrentCount after all released");

            var empty = new SemaphoreSlim(0);
            True(!empty.Wait(0), "Wait(0) at count 0 returns false");
            ulong t0 = Now;
            bool r = empty.Wait(30);
            double ms = MsSince(t0);
            True(!r, "Wait(30) at count 0 returns false");
            True(ms >= 25 && ms < 2000, "Wait(30) took about 30 ms: " + ms.ToString("0.0") + " ms");
        }

        /// <summary>
        /// Proves System.Threading.Timer: a periodic timer (due 20 ms, period 20 ms) fires between 8 and 30 times in
        /// 400 ms (about 20 expected), no callback runs after Dispose has settled, and a one-shot timer fires exactly
        /// once with its state object.
        /// </summary>
        private void TimerCallbacks()
        {
            int fires = 0;
            var timer = new Timer(_ => Interlocked.Increment(ref fires), null, 20, 20);
            Thread.Sleep(400);
            timer.Dispose();
            int atDispose = Volatile.Read(ref fires);
            Thread.Sleep(50);
            int settled = Volatile.Read(ref fires);
            Thread.Sleep(200);
            int later = Volatile.Read(ref fires);
            Line("  periodic timer: " + atDispose + " callbacks in 400 ms, " + settled + " after Dispose settled, " + later + " 200 ms later");
            True(atDispose >= 8 && atDispose <= 30, "about 20 callbacks in 400 ms (8..30), got " + atDispose);
            Equal(settled, later, "callbacks after Dispose");

            int oneShot = 0;
            object seenState = null;
            var state = new object();
            using (var once = new Timer(s => { seenState = s; Interlocked.Increment(ref oneShot); }, state, 30, Timeout.Infinite))
            {
                WaitUntil(() => Volatile.Read(ref oneShot) > 0, 5000);
                Thread.Sleep(150);
            }
            Equal(1, oneShot, "one-shot timer callbacks");
            True(ReferenceEquals(state, seenState), "the callback got the state object");
        }
    }
}
