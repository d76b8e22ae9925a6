using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Cosmos.Core.Threading;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// The scheduler's policy (<see cref="SchedulerPolicy"/>) over control blocks in host memory, driven the way
    /// Scheduler drives it: MakeReady, Tick, SelectNext (the switch), with the TSC passed in.
    /// </summary>
    public unsafe class SchedulerPolicyTests : IDisposable
    {
        private readonly List<IntPtr> _blocks = new List<IntPtr>();
        private SchedulerPolicy _p;
        private ulong _now = 1_000_000;

        public void Dispose()
        {
            foreach (var b in _blocks) NativeMemory.Free((void*)b);
        }

        private KernelThread* NewThread(int priority, ThreadRunState state = ThreadRunState.Unused)
        {
            var t = (KernelThread*)NativeMemory.AllocZeroed((nuint)sizeof(KernelThread));
            _blocks.Add((IntPtr)t);
            t->Id = (ulong)_blocks.Count;
            t->Priority = priority;
            t->State = state;
            t->QuantumLeft = Scheduler.QuantumTicks;
            return t;
        }

        /// <summary>A running boot-like thread, an idle thread, and the policy set up as Scheduler.Initialize leaves it.</summary>
        private KernelThread* Start(int priority)
        {
            var cur = NewThread(priority, ThreadRunState.Running);
            _p.Current = cur;
            _p.Idle = NewThread(Scheduler.IdlePriority, ThreadRunState.Ready);
            return cur;
        }

        private KernelThread* Ready(int priority)
        {
            var t = NewThread(priority);
            _p.MakeReady(t, Scheduler.WokenBySignal, _now);
            return t;
        }

        /// <summary>What Scheduler.SwitchFrom does around the policy (the context switch itself is not the policy's).</summary>
        private KernelThread* Switch()
        {
            var next = _p.SelectNext(_now, out _);
            _p.Current = next;
            return next;
        }

        private void Tick(ulong starvationTsc = 0) { _now += 1000; _p.Tick(_now, starvationTsc); }

        [Fact]
        public void EmptyQueuesLeaveOnlyTheIdleThread()
        {
            Start(Scheduler.Normal);
            Assert.Equal(Scheduler.IdlePriority, _p.HighestReadyPriority());
            Assert.False(_p.AnyReady);
        }

        [Fact]
        public void HighestPriorityRunsFirstAndPreemptsAtOnce()
        {
            var boot = Start(Scheduler.Normal);
            var low = Ready(Scheduler.BelowNormal);
            Assert.False(_p.SwitchPending);                       // a lower priority does not preempt
            var high = Ready(Scheduler.AboveNormal);
            Assert.True(_p.SwitchPending);
            Assert.True(_p.Preempt);
            Assert.Equal(Scheduler.AboveNormal, _p.HighestReadyPriority());

            var next = _p.SelectNext(_now, out bool preempted);
            Assert.True(next == high);
            Assert.True(preempted);
            Assert.Equal(ThreadRunState.Running, high->State);
            Assert.Equal(ThreadRunState.Ready, boot->State);      // back in its queue
            Assert.True(_p.Queue(Scheduler.Normal).Head == boot);
            Assert.True(_p.Queue(Scheduler.BelowNormal).Head == low);
            Assert.False(_p.SwitchPending);
        }

        [Fact]
        public void EqualPrioritiesRotateEveryQuantum()
        {
            var a = Start(Scheduler.Normal);
            var b = Ready(Scheduler.Normal);
            var c = Ready(Scheduler.Normal);
            Assert.False(_p.SwitchPending);
            var order = new List<ulong>();
            for (int slice = 0; slice < 6; slice++)
            {
                order.Add(_p.Current->Id);
                for (int i = 0; i < Scheduler.QuantumTicks - 1; i++) { Tick(); Assert.False(_p.SwitchPending); }
                Tick();
                Assert.True(_p.SwitchPending);                    // the slice is used up and an equal priority waits
                Assert.True(_p.Preempt);
                Switch();
            }
            Assert.Equal(new[] { a->Id, b->Id, c->Id, a->Id, b->Id, c->Id }, order.ToArray());
        }

        [Fact]
        public void AloneAtItsPriorityTheSliceIsRenewed()
        {
            var a = Start(Scheduler.Normal);
            Ready(Scheduler.Lowest);
            for (int i = 0; i < 3 * Scheduler.QuantumTicks; i++) Tick();
            Assert.False(_p.SwitchPending);
            Assert.True(_p.Current == a);
            Assert.InRange(a->QuantumLeft, 1, Scheduler.QuantumTicks);
        }

        [Fact]
        public void BlockingHandsOverAndIdleRunsWhenNothingIsReady()
        {
            var a = Start(Scheduler.Normal);
            var b = Ready(Scheduler.Lowest);
            a->State = ThreadRunState.Blocked;                     // what Scheduler.Block does before INT 0x81
            _p.SwitchPending = true;
            Assert.True(Switch() == b);
            b->State = ThreadRunState.Dead;                       // what Scheduler.Exit does
            _p.SwitchPending = true;
            Assert.True(Switch() == _p.Idle);
            Assert.Equal(ThreadRunState.Running, _p.Idle->State);

            _p.MakeReady(a, Scheduler.WokenBySignal, _now);        // a wake while idle switches at once
            Assert.True(_p.SwitchPending);
            Assert.Equal(Scheduler.WokenBySignal, a->WaitResult);
            Assert.True(Switch() == a);
            Assert.Equal(ThreadRunState.Ready, _p.Idle->State);   // never queued
            Assert.False(_p.AnyReady);
        }

        [Fact]
        public void YieldLendsOneTickToALowerPriority()
        {
            var high = Start(Scheduler.Highest);
            var low = Ready(Scheduler.Lowest);
            _p.SwitchPending = true; _p.Yielding = true;           // Scheduler.Yield
            Assert.True(Switch() == low);
            Assert.Equal(1, low->QuantumLeft);
            Assert.Equal(ThreadRunState.Ready, high->State);
            Tick();                                                // the lent tick: the higher priority is ready again
            Assert.True(_p.SwitchPending);
            Assert.True(Switch() == high);
        }

        [Fact]
        public void YieldWithoutAnotherThreadKeepsRunning()
        {
            var a = Start(Scheduler.Normal);
            _p.SwitchPending = true; _p.Yielding = true;
            var next = _p.SelectNext(_now, out bool preempted);
            Assert.True(next == a);
            Assert.False(preempted);
            Assert.Equal(ThreadRunState.Running, a->State);
        }

        [Fact]
        public void StarvedThreadsGetOneBoostedSlice()
        {
            const ulong starvation = 300_000;
            var a = Start(Scheduler.Normal);
            var b = Ready(Scheduler.Normal);
            var low = Ready(Scheduler.Lowest);
            ulong readySince = low->ReadySinceTsc;

            // a and b share the processor; the Lowest thread never runs, until it has waited `starvation`.
            while (_now + 1000 - readySince < starvation)          // every tick before the one at which it has waited long enough
            {
                Tick(starvation);
                Assert.True(_p.Current != low);
                if (_p.SwitchPending) Switch();
            }
            Tick(starvation);
            Assert.Equal(1UL, _p.Boosts);
            Assert.Equal(1, low->Boosted);
            Assert.Equal(Scheduler.Highest, low->Priority);
            Assert.Equal(Scheduler.Lowest, low->BasePriority);
            Assert.Equal(Scheduler.Lowest, low->OwnPriority);
            Assert.True(_p.SwitchPending);
            Assert.True(Switch() == low);

            for (int i = 0; i < Scheduler.QuantumTicks; i++) Tick();   // one slice, then the boost ends
            Assert.True(_p.SwitchPending);
            Assert.Equal(0, low->Boosted);
            Assert.Equal(Scheduler.Lowest, low->Priority);
            var next = Switch();
            Assert.True(next == a || next == b);
            Assert.True(_p.Queue(Scheduler.Lowest).Head == low);
        }

        [Fact]
        public void SetPriorityRequeuesAndPreempts()
        {
            var a = Start(Scheduler.Normal);
            var b = Ready(Scheduler.Lowest);
            _p.SetPriority(b, Scheduler.AboveNormal, _now);
            Assert.True(_p.Queue(Scheduler.Lowest).IsEmpty);
            Assert.True(_p.Queue(Scheduler.AboveNormal).Head == b);
            Assert.True(_p.SwitchPending);
            Assert.True(Switch() == b);
            _p.SetPriority(a, Scheduler.Highest, _now);            // a ready thread raised above the running one
            Assert.True(_p.SwitchPending);
            Assert.True(Switch() == a);
        }

        /// <summary>
        /// HighestReadyPriority comes from a bit mask of non-empty queues kept by Enqueue, Dequeue, SelectNext and the
        /// starvation boost: after every step of a seeded random run (threads readied at random priorities, switches,
        /// ticks with boosts, blocking, priority changes, dequeues) it must name the highest non-empty queue.
        /// </summary>
        [Fact]
        public void HighestReadyPriorityFollowsTheQueuesThroughRandomRuns()
        {
            var rng = new Random(20261204);
            Start(Scheduler.Normal);
            int emptied = 0;
            for (int step = 0; step < 20_000; step++)
            {
                int op = rng.Next(6);
                bool anyBefore = _p.AnyReady;
                if (op == 0)
                {
                    var t = NewThread(rng.Next(Scheduler.Lowest, Scheduler.Highest + 1));
                    _p.MakeReady(t, Scheduler.WokenBySignal, _now);
                }
                else if (op == 1) { if (rng.Next(2) == 0 && _p.Current != _p.Idle) _p.Current->State = ThreadRunState.Blocked; Switch(); }
                else if (op == 2) Tick(rng.Next(4) == 0 ? 1UL : 0UL);
                else if (op == 3) Switch();
                else
                {
                    // a ready thread, found by scanning the queues: dequeue it (as a kill would) or change its priority
                    KernelThread* pick = null;
                    for (int p = Scheduler.Lowest; p <= Scheduler.Highest && pick == null; p++) pick = _p.Queue(p).Head;
                    if (pick != null)
                    {
                        if (op == 4) { _p.Dequeue(pick); pick->State = ThreadRunState.Blocked; }
                        else _p.SetPriority(pick, rng.Next(Scheduler.Lowest, Scheduler.Highest + 1), _now);
                    }
                }
                int expected = Scheduler.IdlePriority;
                for (int p = Scheduler.Highest; p >= Scheduler.Lowest; p--) if (!_p.Queue(p).IsEmpty) { expected = p; break; }
                Assert.True(expected == _p.HighestReadyPriority(), $"step {step}: highest non-empty queue {expected}, HighestReadyPriority {_p.HighestReadyPriority()}");
                Assert.Equal(expected != Scheduler.IdlePriority, _p.AnyReady);
                if (anyBefore && expected == Scheduler.IdlePriority) emptied++;
            }
            Assert.True(emptied > 100, $"the run emptied every queue only {emptied} times");
        }

        [Fact]
        public void ReadyQueuesAreWaitQueues()
        {
            Start(Scheduler.Normal);
            var x = Ready(Scheduler.Lowest);
            var y = Ready(Scheduler.Lowest);
            var z = Ready(Scheduler.Lowest);
            ref readonly WaitQueue q = ref _p.Queue(Scheduler.Lowest);
            Assert.True(q.Head == x && x->Next == y && y->Next == z && z->Next == null && q.Tail == z);
            _p.Dequeue(y);
            Assert.True(x->Next == z && y->Next == null);
            Assert.Equal(_now, z->ReadySinceTsc);
        }
    }
}
