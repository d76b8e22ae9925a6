using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;
using Cosmos.Core;
using Cosmos.ThreadTestHelpers;

namespace ThreadTests
{
    public sealed partial class Kernel
    {
        private const int CounterThreads = 8;
        private const int CounterIncrements = 200_000;

        private static readonly object s_counterGate = new object();
        private static int s_counter, s_inside, s_overlaps, s_window;

        /// <summary>Minimum length of each counter thread's run: it paces its increments over this many ms, so the threads are preempted on any CPU speed.</summary>
        private const int CounterPaceMs = 60;

        /// <summary>Busy-waits (no yield) until <paramref name="done"/> of <paramref name="total"/> steps are due in a run of <see cref="CounterPaceMs"/> from <paramref name="start"/>.</summary>
        private static void Pace(ulong start, int done, int total)
        {
            if ((done & 1023) != 0) return;
            ulong due = start + TicksFor(CounterPaceMs) * (ulong)done / (ulong)total;
            while (Now < due) { }
        }

        /// <summary>
        /// Proves mutual exclusion of <c>lock</c> under preemption: 8 threads increment a shared counter 200,000
        /// times each with a read-work-write sequence (wide enough that preemption lands inside it often), so any
        /// lost update or overlapping critical section changes the total or is counted. The increments are paced over
        /// at least 60 ms per thread so that preemption happens on any CPU speed.
        /// </summary>
        private void LockCounter()
        {
            s_counter = 0; s_inside = 0; s_overlaps = 0;
            ulong p0 = Preemptions;
            var threads = SpawnMany("locker", CounterThreads, _ =>
            {
                ulong start = Now;
                for (int i = 0; i < CounterIncrements; i++)
                {
                    lock (s_counterGate)
                    {
                        if (++s_inside != 1) s_overlaps++;
                        int v = s_counter;
                        for (int w = 0; w < 3; w++) s_window += v ^ w;   // widen the read-modify-write window
                        s_counter = v + 1;
                        s_inside--;
                    }
                    Pace(start, i, CounterIncrements);
                }
            });
            StartAll(threads);
            if (!JoinAll(threads, 30000, "lock counter")) return;
            ulong preempted = Preemptions - p0;
            Line("  lock counter: " + preempted + " preemptions during the run");
            Equal(CounterThreads * CounterIncrements, s_counter, "total of the increments under lock");
            Equal(0, s_overlaps, "times two threads were inside the lock at once");
            True(preempted >= 3, "the threads were preempted while they ran: " + preempted);
        }

        private static int s_atomic;
        private static long s_atomic64;

        /// <summary>
        /// Proves that Interlocked.Increment and Interlocked.Add are atomic across preemption: 8 threads x 200,000
        /// (paced over at least 60 ms each, so they are preempted) give the exact totals.
        /// </summary>
        private void InterlockedCounter()
        {
            s_atomic = 0; s_atomic64 = 0;
            ulong p0 = Preemptions;
            var threads = SpawnMany("interlocked", CounterThreads, k =>
            {
                ulong start = Now;
                for (int i = 0; i < CounterIncrements; i++)
                {
                    Interlocked.Increment(ref s_atomic);
                    if ((i & 7) == 0) Interlocked.Add(ref s_atomic64, 1L << 33);
                    Pace(start, i, CounterIncrements);
                }
            });
            StartAll(threads);
            if (!JoinAll(threads, 30000, "interlocked counter")) return;
            ulong preempted = Preemptions - p0;
            Line("  interlocked counter: " + preempted + " preemptions during the run");
            Equal(CounterThreads * CounterIncrements, s_atomic, "total of Interlocked.Increment");
            Equal((long)CounterThreads * (CounterIncrements / 8) << 33, s_atomic64, "total of 64-bit Interlocked.Add");
            True(preempted >= 3, "the threads were preempted while they ran: " + preempted);
        }

        private static long s_spins;
        private static volatile bool s_stopSpinner;

        /// <summary>
        /// Proves tickless idle (Scheduler.SetIdleTimer, armed by the system layer on PIT channel 0): while the main
        /// thread sleeps 200 ms and nothing else is ready, the idle thread stops the 1000 Hz tick and sets one interrupt
        /// at the deadline (at most 50 ms ahead), so far fewer than 200 ticks arrive, and the sleep still ends on time.
        /// Then a busy thread of the same priority is preempted again, which needs the periodic tick back.
        /// </summary>
        private void TicklessIdle()
        {
            ulong ticks0 = Cosmos.Core.Threading.Scheduler.TickCount, shots0 = Cosmos.Core.Threading.Scheduler.IdleOneShotCount;
            ulong t0 = Now;
            Thread.Sleep(200);
            double ms = MsSince(t0);
            ulong ticks = Cosmos.Core.Threading.Scheduler.TickCount - ticks0, shots = Cosmos.Core.Threading.Scheduler.IdleOneShotCount - shots0;
            Line("  Sleep(200): " + ms.ToString("0.0") + " ms, " + ticks + " timer ticks, " + shots + " idle one-shots");
            True(shots > 0, "the idle thread stopped the tick at least once");
            True(ticks < 60, "at most 60 timer interrupts during an idle 200 ms (" + ticks + "; 200 with the periodic tick)");
            True(ms >= 195 && ms < 260, "Sleep(200) took 195-260 ms (" + ms.ToString("0.0") + ")");
            ulong p0 = Preemptions;
            ulong busyUntil = Now + TicksFor(100);
            var busy = Spawn("busy", () => { while (Now < busyUntil) { } });
            busy.Start();
            while (Now < busyUntil) { }
            JoinAll(new[] { busy }, 5000, "busy");
            True(Preemptions - p0 >= 2, "two busy threads were preempted again after the idle one-shots (" + (Preemptions - p0) + " preemptions)");
        }

        /// <summary>
        /// The idle thread's wait, STI and HLT as one step (<see cref="Native.StiHlt"/>): a timer tick that became pending
        /// while interrupts were off ends the HLT itself, so exactly one tick is handled. With STI and HLT as two calls the
        /// tick is taken between them and the HLT then sleeps until the next tick (two handled) - or for ever, when the
        /// interrupt it missed was the idle one-shot and nothing else is due. Three of five rounds must handle exactly
        /// one tick: a host stall can let one more tick in, and a stray interrupt can end a broken wait early.
        /// </summary>
        private void StiHltEndsOnAPendingInterrupt()
        {
            var handledPerRound = new ulong[5];
            for (int i = 0; i < handledPerRound.Length; i++)
            {
                ulong flags = CPU.SaveAndDisableInterrupts();
                ulong t0 = Now;
                while (Now - t0 < TicksFor(2)) { }   // the 1000 Hz tick comes due while interrupts are off: it stays pending
                ulong before = Cosmos.Core.Threading.Scheduler.TickCount;
                Native.StiHlt();
                ulong handled = Cosmos.Core.Threading.Scheduler.TickCount - before;
                CPU.RestoreInterrupts(flags);
                handledPerRound[i] = handled;
            }
            int ones = 0;
            string rounds = "";
            foreach (ulong h in handledPerRound) { if (h == 1) ones++; rounds += (rounds.Length == 0 ? "" : " ") + h; }
            Line("  ticks handled while in StiHlt with a tick pending, per round: " + rounds);
            True(ones >= 3, "the pending tick ended the HLT (one tick handled) in " + ones + " of 5 rounds: " + rounds + " (an interrupt taken between STI and HLT leaves the HLT waiting for the next one)");
        }

        /// <summary>
        /// Proves Thread.Sleep's timing by the TSC: three Sleep(100) calls each last at least 90 ms and the shortest at
        /// most 110 ms (the extra samples absorb host hiccups under TCG). A Lowest-priority busy thread must make
        /// progress during every sleep, which fails when Sleep spins on the CPU. Sleep(0) and Sleep(1) return promptly.
        /// </summary>
        private void SleepTiming()
        {
            s_spins = 0; s_stopSpinner = false;
            ulong spinDeadline = Now + TicksFor(10000);
            var spinner = Spawn("spinner", () => { while (!s_stopSpinner && Now < spinDeadline) Interlocked.Increment(ref s_spins); }, ThreadPriority.Lowest);
            spinner.Start();
            var samples = new double[3];
            var progress = new long[3];
            for (int i = 0; i < samples.Length; i++)
            {
                long s0 = Interlocked.Read(ref s_spins);
                ulong t0 = Now;
                Thread.Sleep(100);
                samples[i] = MsSince(t0);
                progress[i] = Interlocked.Read(ref s_spins) - s0;
            }
            ulong z0 = Now;
            Thread.Sleep(0);
            double zeroMs = MsSince(z0);
            ulong o0 = Now;
            Thread.Sleep(1);
            double oneMs = MsSince(o0);
            s_stopSpinner = true;
            JoinAll(new[] { spinner }, 5000, "spinner");

            Line("  Sleep(100) took " + samples[0].ToString("0.00") + ", " + samples[1].ToString("0.00") + ", " + samples[2].ToString("0.00")
                 + " ms; Sleep(0) " + zeroMs.ToString("0.000") + " ms, Sleep(1) " + oneMs.ToString("0.000") + " ms; spinner progress " + progress[0] + ", " + progress[1] + ", " + progress[2]);
            double min = Math.Min(samples[0], Math.Min(samples[1], samples[2]));
            True(min >= 90, "every Sleep(100) lasted at least 90 ms (shortest " + min.ToString("0.00") + " ms)");
            True(min <= 110, "the shortest Sleep(100) lasted at most 110 ms (" + min.ToString("0.00") + " ms)");
            for (int i = 0; i < 3; i++) True(progress[i] > 0, "the Lowest-priority spinner ran during sleep " + i);
            True(zeroMs < 50, "Sleep(0) returned promptly: " + zeroMs.ToString("0.000") + " ms");
            True(oneMs >= 0.9 && oneMs < 50, "Sleep(1) lasted 1..50 ms: " + oneMs.ToString("0.000") + " ms");
        }

        private static volatile int s_turn;
        private static volatile bool s_abortPingPong;
        private static int s_yieldTrue;

        /// <summary>
        /// Proves that Thread.Yield and Thread.Sleep(0) switch to a ready thread of the same priority: two threads hand
        /// a turn back and forth 1,000 times, each waiting only by yielding. When yielding does not switch, every hand-off
        /// waits for the end of a time slice and the run takes seconds instead of well under the 3 s bound.
        /// </summary>
        private void YieldPingPong()
        {
            s_yieldTrue = 0;
            double yieldMs = PingPong("Thread.Yield", () => { if (Thread.Yield()) Interlocked.Increment(ref s_yieldTrue); });
            int yieldTrue = Volatile.Read(ref s_yieldTrue);
            double sleepMs = PingPong("Thread.Sleep(0)", () => Thread.Sleep(0));
            Line("  1,000 rounds: Thread.Yield " + yieldMs.ToString("0.0") + " ms (" + yieldTrue + " yields returned true), Thread.Sleep(0) " + sleepMs.ToString("0.0") + " ms");
            True(yieldTrue > 0, "Thread.Yield returned true when another thread was ready");
        }

        private static volatile bool s_partnerStop;

        /// <summary>True when IA32_FS_BASE holds the running thread's TLS pointer (the value the scheduler loads on a switch).</summary>
        private static unsafe bool FsBaseIsCurrentThreads(out ulong fsBase, out ulong threadPointer)
        {
            fsBase = Native.Rdmsr(Cosmos.Core.Arch.X64.Msr.IA32_FS_BASE);
            threadPointer = Cosmos.Core.Threading.Scheduler.Current->ThreadPointer;
            return fsBase == threadPointer;
        }

        /// <summary>
        /// The boot thread yields 500 times with interrupts on and 500 times with them off to a partner that yields back
        /// and checks FS base on its side; every yield must come back with the caller's own interrupt flag (the scheduler
        /// resumes a voluntary yield with POPFQ + RET rather than IRETQ, and folds the interrupt restore into the resume)
        /// and with IA32_FS_BASE = its own thread pointer. Also: the switch uses WRFSBASE exactly when CPUID.(7,0):EBX
        /// reports FSGSBASE, and then CR4.FSGSBASE is set.
        /// </summary>
        private unsafe void SwitchRestoresFlagsAndFsBase()
        {
            const int Rounds = 500;
            s_partnerStop = false;
            var partner = Spawn("yield partner", () =>
            {
                while (!s_partnerStop)
                {
                    Thread.Yield();
                    if (!FsBaseIsCurrentThreads(out ulong fs, out ulong tp)) { WorkerFail("partner: FS base 0x" + fs.ToString("X") + " is not its thread pointer 0x" + tp.ToString("X")); return; }
                }
            });
            partner.Start();
            int switchedOn = 0, switchedOff = 0;
            string problem = null;
            for (int i = 0; i < Rounds && problem == null; i++)
            {
                if (Cosmos.Core.Threading.Scheduler.Yield()) switchedOn++;
                if (!CPU.InterruptsEnabled) problem = "interrupts were off after a yield made with them on (round " + i + ")";
                CPU.DisableInterrupts();
                if (Cosmos.Core.Threading.Scheduler.Yield()) switchedOff++;
                bool offAfter = !CPU.InterruptsEnabled;
                CPU.EnableInterrupts();
                if (problem == null && !offAfter) problem = "interrupts were on after a yield made with them off (round " + i + ")";
                if (problem == null && !FsBaseIsCurrentThreads(out ulong fs, out ulong tp))
                    problem = "FS base 0x" + fs.ToString("X") + " is not the boot thread's pointer 0x" + tp.ToString("X") + " after a switch";
            }
            s_partnerStop = true;
            JoinAll(new[] { partner }, 5000, "yield partner");
            Line("  " + switchedOn + " yields with interrupts on and " + switchedOff + " with them off switched; WRFSBASE " + (Cosmos.Core.Threading.ThreadContext.UsesFsGsBase ? "used" : "not used"));
            if (problem != null) Fail(problem);
            True(switchedOn > Rounds / 2 && switchedOff > Rounds / 2, "most yields switched to the partner (" + switchedOn + ", " + switchedOff + " of " + Rounds + ")");

            uint* r = stackalloc uint[4];
            Native.Cpuid(Cosmos.Core.Arch.X64.CpuidLeaf.VendorAndMaxBasic, 0, r);
            bool hasFsGsBase = false;
            if (r[0] >= Cosmos.Core.Arch.X64.CpuidLeaf.StructuredExtendedFeatures)
            {
                Native.Cpuid(Cosmos.Core.Arch.X64.CpuidLeaf.StructuredExtendedFeatures, 0, r);
                hasFsGsBase = (r[1] & Cosmos.Core.Arch.X64.CpuidFeature.Leaf07Ebx_FSGSBASE) != 0;
            }
            Equal(hasFsGsBase, Cosmos.Core.Threading.ThreadContext.UsesFsGsBase, "WRFSBASE in use exactly when CPUID reports FSGSBASE");
            Equal(hasFsGsBase, (Native.ReadCR4() & Cosmos.Core.Arch.X64.Cr4.FSGSBASE) != 0, "CR4.FSGSBASE set exactly when CPUID reports FSGSBASE");
        }

        private double PingPong(string what, Action wait)
        {
            const int Rounds = 1000;
            s_turn = 0; s_abortPingPong = false;
            ulong deadline = Now + TicksFor(10000);
            var threads = SpawnMany("ping-pong", 2, k =>
            {
                for (int r = 0; r < Rounds; r++)
                {
                    while (s_turn != k)
                    {
                        if (s_abortPingPong || Now >= deadline) return;
                        wait();
                    }
                    s_turn = 1 - k;
                }
            });
            ulong t0 = Now;
            StartAll(threads);
            bool done = threads[0].Join(3000) && threads[1].Join(3000 - (int)Math.Min(3000, MsSince(t0)));
            double ms = MsSince(t0);
            if (!done)
            {
                s_abortPingPong = true;
                JoinAll(threads, 30000, what + " ping-pong (aborted)");
                Fail(what + ": 1,000 hand-offs did not finish within 3 s");
            }
            return ms;
        }

        private static long s_rr0, s_rr1;
        private static int s_rrSeen0, s_rrSeen1;

        /// <summary>
        /// Proves time slicing within a priority: two busy threads of the same priority never yield or block, yet
        /// each must observe the other's counter change at least 5 times (it was switched out and the other ran).
        /// Run-to-completion scheduling leaves one of them spinning until the 5 s timeout.
        /// </summary>
        private void RoundRobin()
        {
            s_rr0 = s_rr1 = 0; s_rrSeen0 = s_rrSeen1 = 0;
            ulong deadline = Now + TicksFor(5000);
            var a = Spawn("rr 0", () => Alternate(ref s_rr0, ref s_rr1, ref s_rrSeen0, deadline));
            var b = Spawn("rr 1", () => Alternate(ref s_rr1, ref s_rr0, ref s_rrSeen1, deadline));
            ulong t0 = Now;
            a.Start(); b.Start();
            if (!JoinAll(new[] { a, b }, 10000, "round robin")) return;
            Line("  round robin: turns seen " + s_rrSeen0 + " and " + s_rrSeen1 + " in " + MsSince(t0).ToString("0") + " ms");
            True(s_rrSeen0 >= 5 && s_rrSeen1 >= 5, "each busy thread saw the other run at least 5 times: " + s_rrSeen0 + ", " + s_rrSeen1);
        }

        private static void Alternate(ref long mine, ref long other, ref int seen, ulong deadline)
        {
            long last = Volatile.Read(ref other);
            while ((Volatile.Read(ref s_rrSeen0) < 5 || Volatile.Read(ref s_rrSeen1) < 5) && Now < deadline)
            {
                Volatile.Write(ref mine, mine + 1);
                long o = Volatile.Read(ref other);
                if (o != last) { last = o; Volatile.Write(ref seen, seen + 1); }
            }
        }

        private static long s_seq, s_highStart, s_highEnd, s_mainAfterStart, s_lowEnd, s_lowProgress, s_lowAtHighStart, s_lowAtHighEnd;
        private static volatile bool s_highDone;
        private static ThreadPriority s_lowSeen, s_highSeen;

        /// <summary>
        /// Proves strict priorities: the main thread (Normal) starts a Lowest thread that counts in a busy loop until
        /// the Highest thread is done, then starts a Highest thread that stays busy for 100 ms (ten time slices), then
        /// blocks in Join. The Lowest thread's count must not move during the Highest thread's busy period, and the
        /// main thread must not run in the middle of it (sequence numbers, not timing, decide). The Lowest thread may
        /// run briefly inside Thread.Start (the CoreLib waits for a new thread with Thread.Yield, which lends it a tick),
        /// so only the busy period is checked. Each thread also reads its own Thread.Priority.
        /// </summary>
        private void StrictPriority()
        {
            s_seq = 0; s_highStart = s_highEnd = s_mainAfterStart = s_lowEnd = 0;
            s_lowProgress = 0; s_lowAtHighStart = s_lowAtHighEnd = -1; s_highDone = false;
            ulong deadline = Now + TicksFor(10000);
            var low = Spawn("lowest", () =>
            {
                s_lowSeen = Thread.CurrentThread.Priority;
                while (!s_highDone && Now < deadline) Interlocked.Increment(ref s_lowProgress);
                s_lowEnd = Interlocked.Increment(ref s_seq);
            }, ThreadPriority.Lowest);
            var high = Spawn("highest", () =>
            {
                s_highSeen = Thread.CurrentThread.Priority;
                s_lowAtHighStart = Interlocked.Read(ref s_lowProgress);
                s_highStart = Interlocked.Increment(ref s_seq);
                ulong end = Now + TicksFor(100);
                while (Now < end) { }
                s_highEnd = Interlocked.Increment(ref s_seq);
                s_lowAtHighEnd = Interlocked.Read(ref s_lowProgress);
                s_highDone = true;
            }, ThreadPriority.Highest);
            low.Start();
            high.Start();
            s_mainAfterStart = Interlocked.Increment(ref s_seq);
            if (!JoinAll(new[] { high, low }, 15000, "priority threads")) return;
            Line("  sequence: main after Start " + s_mainAfterStart + ", highest start " + s_highStart + ", highest end " + s_highEnd + ", lowest end " + s_lowEnd
                 + "; lowest count at highest start " + s_lowAtHighStart + ", at its end " + s_lowAtHighEnd + ", final " + s_lowProgress);
            True(s_lowSeen == ThreadPriority.Lowest, "the Lowest thread reads Priority Lowest: " + s_lowSeen);
            True(s_highSeen == ThreadPriority.Highest, "the Highest thread reads Priority Highest: " + s_highSeen);
            Equal(s_lowAtHighStart, s_lowAtHighEnd, "Lowest-thread progress during the Highest thread's 100 ms busy period");
            True(!(s_mainAfterStart > s_highStart && s_mainAfterStart < s_highEnd), "the Normal main thread did not run while the Highest thread was busy");
            True(s_lowEnd > s_highEnd && s_lowEnd > s_mainAfterStart, "the Lowest thread finished after the Highest thread and after the main thread went on");
        }

        private static volatile bool s_releaseBusy;

        /// <summary>
        /// Proves that a low-priority thread cannot hold up a higher-priority one for long through a runtime lock
        /// (priority inversion: bounded by priority inheritance or a starvation boost, unbounded with neither). A
        /// Lowest thread sleeps 20 ms and exits while the Normal main thread waits in Join for it: its exit signals the
        /// Join from inside the CoreLib's wait-subsystem lock, and the woken main thread preempts it there. The main
        /// thread then starts a Normal thread that busy-spins (no yielding, gives up after 3 s) and waits on an event
        /// with timeout 0; both need that lock. This must take less than 1 s; as long as the Lowest thread keeps the
        /// lock and the busy thread keeps it from running, the main thread cannot go on.
        /// </summary>
        private void BoundedPriorityInversion()
        {
            var low = Spawn("lowest, exits while joined", () => Thread.Sleep(20), ThreadPriority.Lowest);
            low.Start();
            True(low.Join(5000), "the Lowest thread ended");
            s_releaseBusy = false;
            ulong deadline = Now + TicksFor(3000);
            var busy = Spawn("normal, busy", () => { while (!s_releaseBusy && Now < deadline) { } });
            var ev = new ManualResetEvent(false);
            ulong t0 = Now;
            busy.Start();
            bool signaled = ev.WaitOne(0);
            double ms = MsSince(t0);
            s_releaseBusy = true;
            JoinAll(new[] { busy }, 10000, "busy thread");
            Line("  Start of a busy Normal thread + WaitOne(0) after joining an exiting Lowest thread: " + ms.ToString("0.0") + " ms");
            True(!signaled, "WaitOne(0) on an unset event returns false");
            True(ms < 1000, "the main thread got through Thread.Start and WaitOne(0) within 1 s, took " + ms.ToString("0") + " ms"
                 + " (held up behind the preempted Lowest thread that owns the wait-subsystem lock)");
        }

        // ------------------------------------------------------------------ SIMD state

        private const int SentinelThreads = 4;
        /// <summary>Preemptions each sentinel waits for: more than the number of threads taking turns, so each was switched out at least once while others ran.</summary>
        private const ulong SentinelPreemptions = 12;
        private static volatile bool s_stopWork;
        private static int s_workDifferences, s_workRuns;

        /// <summary>
        /// Proves that xmm0–xmm15 and MXCSR are saved and restored per thread: 4 threads each load their own patterns
        /// (and rounding mode) in X#, spin without managed code until the preemption counter advanced by 12 (so each
        /// was preempted while the others ran with different patterns, alongside 2 threads running managed SIMD code),
        /// then compare every register.
        /// </summary>
        private void XmmSentinels() => RunSentinels(ymm: false);

        /// <summary>As the xmm case with the full 256-bit ymm registers (XSAVE's AVX state); passes with a note when AVX is not enabled in XCR0.</summary>
        private unsafe void YmmSentinels()
        {
            ulong xcr0 = Native.GetBootInfo()->Xcr0;
            if ((xcr0 & 4) == 0) { Line("  AVX not enabled (XCR0 0x" + xcr0.ToString("X") + "): nothing to check"); return; }
            RunSentinels(ymm: true);
        }

        private unsafe void RunSentinels(bool ymm)
        {
            var reference = new ulong[4];
            for (int s = 0; s < reference.Length; s++) reference[s] = SimdWork(s);
            var results = new ulong[SentinelThreads];
            s_stopWork = false; s_workDifferences = 0; s_workRuns = 0;
            ulong timeout = TicksFor(10000);
            ulong p0 = Preemptions;
            var sentinels = SpawnMany(ymm ? "ymm" : "xmm", SentinelThreads, k =>
            {
                ulong seed = (0x0F1E2D3C4B5A6978UL * (ulong)(k + 3) & ~7UL) | (uint)k;   // low bits: rounding mode and FTZ differ per thread
                ulong* counter = Cosmos.Core.Threading.Scheduler.PreemptionCountAddress;
                results[k] = ymm ? Sentinels.Ymm(seed, counter, SentinelPreemptions, timeout) : Sentinels.Xmm(seed, counter, SentinelPreemptions, timeout);
            });
            ulong workDeadline = Now + TicksFor(20000);
            var workers = SpawnMany("simd work", 2, k =>
            {
                int i = k;
                while (!s_stopWork && Now < workDeadline)
                {
                    int s = i++ & 3;
                    if (SimdWork(s) != reference[s]) Interlocked.Increment(ref s_workDifferences);
                    Interlocked.Increment(ref s_workRuns);
                }
            });
            StartAll(workers);
            StartAll(sentinels);
            bool ok = JoinAll(sentinels, 20000, "sentinel threads");
            s_stopWork = true;
            JoinAll(workers, 10000, "SIMD work threads");
            if (!ok) return;
            Line("  " + (Preemptions - p0) + " preemptions, " + s_workRuns + " managed SIMD work runs");
            for (int k = 0; k < SentinelThreads; k++)
            {
                ulong r = results[k];
                if ((r & SimdSentinelsMask) != 0)
                    Fail("thread " + k + ": registers that changed across preemption: " + DescribeSentinel(r, ymm));
                if ((r & SimdSentinels.TimedOut) != 0)
                    Fail("thread " + k + ": the preemption counter did not advance by " + SentinelPreemptions + " within 10 s while it spun");
            }
            Equal(0, s_workDifferences, "managed SIMD work results that differ from the reference");
            True(s_workRuns > 0, "the SIMD work threads ran");
        }

        private const ulong SimdSentinelsMask = 0x1FFFF;

        private static string DescribeSentinel(ulong r, bool ymm)
        {
            string s = "";
            for (int i = 0; i < 16; i++) if ((r & (1UL << i)) != 0) s += (ymm ? "ymm" : "xmm") + i + " ";
            if ((r & SimdSentinels.MxcsrMismatch) != 0) s += "MXCSR ";
            return s.Trim();
        }

        /// <summary>
        /// Proves that managed floating-point and Vector128 code computes bit-identical results while it is preempted:
        /// 4 threads repeat a double/float/Vector128 computation until 20 preemptions happened and compare each result
        /// with the one computed beforehand without other threads.
        /// </summary>
        private void FloatingPointAcrossPreemption()
        {
            var reference = new ulong[4];
            for (int s = 0; s < reference.Length; s++) reference[s] = SimdWork(s);
            var runs = new int[4];
            var differences = new int[4];
            ulong p0 = Preemptions;
            ulong deadline = Now + TicksFor(10000);
            var threads = SpawnMany("fp", 4, k =>
            {
                while ((Preemptions - p0 < 20 || runs[k] < 3) && Now < deadline)
                {
                    int s = (k + runs[k]) & 3;
                    if (SimdWork(s) != reference[s]) differences[k]++;
                    runs[k]++;
                }
            });
            StartAll(threads);
            if (!JoinAll(threads, 20000, "floating-point threads")) return;
            Line("  " + (Preemptions - p0) + " preemptions, runs " + Describe(runs));
            for (int k = 0; k < 4; k++) Equal(0, differences[k], "thread " + k + " results that differ from the reference");
            True(Preemptions - p0 >= 20, "at least 20 preemptions happened while the threads computed");
        }

        /// <summary>Deterministic double, float and Vector128 work; returns a hash of the exact result bits.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        internal static ulong SimdWork(int seed)
        {
            ulong h = 0xCBF29CE484222325UL;
            double x = seed + 0.5;
            var vf = Vector128.Create(seed + 1f, 2.5f, -3.25f, 0.125f);
            var vd = Vector128.Create(seed + 0.1, 1e-3);
            for (int i = 1; i <= 300; i++)
            {
                x = Math.Sqrt(x * x + i) * 0.999 + 1.0 / i;
                vf = Vector128.Sqrt(vf * vf + Vector128.Create((float)i)) * Vector128.Create(0.9f, 1.1f, 0.7f, 1.3f);
                vd = vd * Vector128.Create(1.0001, 0.9999) + Vector128.Create(i * 0.5, -i * 0.25);
                h = Mix(h, (ulong)BitConverter.DoubleToInt64Bits(x));
                h = Mix(h, vf.AsUInt64().GetElement(0) ^ (vf.AsUInt64().GetElement(1) << 1));
                h = Mix(h, vd.AsUInt64().GetElement(0) ^ (vd.AsUInt64().GetElement(1) << 1));
            }
            return h;
        }
    }
}
