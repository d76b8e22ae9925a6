using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Threading;
using Cosmos.HAL;
using Cosmos.ThreadTestHelpers;

namespace ThreadBench
{
    /// <summary>
    /// Measures, in TSC ticks (each the best of <see cref="Rounds"/> rounds, after a warm-up round):
    /// <list type="bullet">
    /// <item>thread switch: the boot thread and one worker, both Normal priority, ping-pong with
    /// <c>Thread.Yield()</c> (each Yield hands the processor to the other thread); cost per switch = elapsed /
    /// <see cref="Scheduler.SwitchCount"/> delta. The kernel checks that every Yield of the boot thread returned
    /// true and that the switch count grew by at least two per iteration (there and back);</item>
    /// <item>the baseline: <see cref="BenchNative.BareSwitch"/>(&amp;slot, 0) in a loop (the X# helper that
    /// pushes the 15 general registers and RFLAGS, saves the SIMD state with the interrupt stubs' instruction,
    /// stores RSP, loads it back, restores); cost per call. Its rounds alternate with the Yield rounds;</item>
    /// <item>blocking hand-off: the boot thread and a worker alternating through two SemaphoreSlim, and through
    /// Monitor.Wait/Pulse on one lock; cost per hand-off (one thread wakes the other and blocks);</item>
    /// <item>thread creation: <c>new Thread(empty)</c>, <c>Start()</c>, <c>Join()</c>; cost per thread.</item>
    /// </list>
    /// Output lines (parsed by Build/Cosmos.Build/Bench/BenchCommand.cs):
    /// "bench threads tsc-hz F", "bench threads simd MODE area N tick-hz H",
    /// "bench threads yield iterations N switches S preemptions P yields-true Y ticks T",
    /// "bench threads bare calls N ticks T switches-during-all-rounds S",
    /// "bench threads semaphore handoffs N switches S ticks T", "bench threads monitor handoffs N switches S ticks T",
    /// "bench threads create threads N switches S ticks T", "bench threads check ..." per failed check,
    /// "bench threads checks ok" (or "N failed"), then "bench done".
    /// </summary>
    public sealed unsafe class Kernel : Cosmos.System.Kernel
    {
        private const int Rounds = 7;
        private const int YieldIterations = 2000, BareCalls = 20000, HandoffRounds = 1000, Creations = 50;

        private static volatile bool s_stop;
        private static volatile int s_turn;
        private static readonly object s_gate = new object();
        private static SemaphoreSlim s_a, s_b;

        private static void Out(string s)
        {
            var com = SerialPort.Com1;
            com.Write(s);
            com.Write("\n");
        }

        // ---- thread switch: Thread.Yield ping-pong ----

        private static void YieldWorker()
        {
            while (!s_stop) Thread.Yield();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong YieldLoop(int n, out int yieldsTrue)
        {
            int yes = 0;
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < n; i++) if (Thread.Yield()) yes++;
            ulong t = Native.Rdtsc() - t0;
            yieldsTrue = yes;
            return t;
        }

        // ---- baseline: bare register + SIMD swap ----

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong BareLoop(int n)
        {
            ulong slot = 0;
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < n; i++) BenchNative.BareSwitch(&slot, 0);
            return Native.Rdtsc() - t0;
        }

        // ---- blocking hand-off: SemaphoreSlim ----

        private static void SemaphoreWorker()
        {
            while (true)
            {
                s_a.Wait();
                if (s_stop) return;
                s_b.Release();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        /// <summary>Runs <paramref name="loop"/>(<paramref name="n"/>) <see cref="Rounds"/> times: the fewest TSC ticks, and the scheduler switches of that round.</summary>
        private static (ulong Ticks, ulong Switches) BestOf(Func<int, ulong> loop, int n)
        {
            ulong best = ulong.MaxValue, bestSwitches = 0;
            for (int r = 0; r < Rounds; r++)
            {
                ulong s0 = Scheduler.SwitchCount;
                ulong t = loop(n);
                ulong switches = Scheduler.SwitchCount - s0;
                if (t < best) { best = t; bestSwitches = switches; }
            }
            return (best, bestSwitches);
        }

        private static ulong SemaphoreLoop(int n)
        {
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < n; i++) { s_a.Release(); s_b.Wait(); }
            return Native.Rdtsc() - t0;
        }

        // ---- blocking hand-off: Monitor.Wait/Pulse ----

        private static void MonitorWorker()
        {
            lock (s_gate)
            {
                while (true)
                {
                    while (s_turn == 0) Monitor.Wait(s_gate);
                    if (s_turn == 2) return;
                    s_turn = 0;
                    Monitor.Pulse(s_gate);
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong MonitorLoop(int n)
        {
            ulong t0 = Native.Rdtsc();
            lock (s_gate)
            {
                for (int i = 0; i < n; i++)
                {
                    s_turn = 1;
                    Monitor.Pulse(s_gate);
                    while (s_turn == 1) Monitor.Wait(s_gate);
                }
            }
            return Native.Rdtsc() - t0;
        }

        // ---- thread creation ----

        private static void Empty() { }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong CreateLoop(int n)
        {
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < n; i++)
            {
                var t = new Thread(Empty);
                t.Start();
                t.Join();
            }
            return Native.Rdtsc() - t0;
        }

        private static string ModeName(int mode) => mode == Cosmos.Core.Asm.InterruptStubs.SimdXsaveopt ? "XSAVEOPT" : mode == Cosmos.Core.Asm.InterruptStubs.SimdXsave ? "XSAVE" : "FXSAVE";

        protected override void BeforeRun()
        {
            var info = Native.GetBootInfo();
            Out("bench threads tsc-hz " + Cosmos.Runtime.RuntimeEnvironment.TscFrequency);
            Out("bench threads simd " + ModeName(InterruptNative.GetSimdMode()) + " area " + info->XSaveAreaSize + " tick-hz " + Scheduler.TickHz);
            int failures = 0;

            // (a) Thread.Yield ping-pong between the boot thread and one worker of the same (Normal) priority, and
            // (b) the baseline, a bare X# register + SIMD state swap: rounds alternate so both see the same host load.
            // During a bare round the worker is ready but only runs if the time slice ends (every 10 ms); those
            // switches are counted and printed.
            s_stop = false;
            var worker = new Thread(YieldWorker);
            worker.Start();
            YieldLoop(YieldIterations, out _);
            BareLoop(BareCalls);
            ulong best = ulong.MaxValue, bestSwitches = 0, bestPreempt = 0; int bestTrue = 0;
            ulong bestBare = ulong.MaxValue, bareSwitches = 0;
            for (int r = 0; r < Rounds; r++)
            {
                ulong s0 = Scheduler.SwitchCount, p0 = Scheduler.PreemptionCount;
                ulong t = YieldLoop(YieldIterations, out int yes);
                ulong switches = Scheduler.SwitchCount - s0, preempt = Scheduler.PreemptionCount - p0;
                if (yes != YieldIterations || switches < 2UL * YieldIterations)
                {
                    failures++;
                    Out("bench threads check yield round " + r + ": " + yes + " of " + YieldIterations + " Thread.Yield calls returned true, " + switches + " switches (expected at least " + 2 * YieldIterations + ")");
                }
                if (switches != 0 && (best == ulong.MaxValue || t * bestSwitches < best * switches))   // lowest ticks per switch
                {
                    best = t; bestSwitches = switches; bestPreempt = preempt; bestTrue = yes;
                }

                s0 = Scheduler.SwitchCount;
                t = BareLoop(BareCalls);
                bareSwitches += Scheduler.SwitchCount - s0;
                if (t < bestBare) bestBare = t;
            }
            s_stop = true;
            worker.Join();
            Out("bench threads yield iterations " + YieldIterations + " switches " + bestSwitches + " preemptions " + bestPreempt + " yields-true " + bestTrue + " ticks " + best);
            Out("bench threads bare calls " + BareCalls + " ticks " + bestBare + " switches-during-all-rounds " + bareSwitches);

            // (c) Blocking hand-off through two SemaphoreSlim.
            s_stop = false;
            s_a = new SemaphoreSlim(0);
            s_b = new SemaphoreSlim(0);
            worker = new Thread(SemaphoreWorker);
            worker.Start();
            SemaphoreLoop(HandoffRounds);
            (best, bestSwitches) = BestOf(SemaphoreLoop, HandoffRounds);
            s_stop = true;
            s_a.Release();
            worker.Join();
            Out("bench threads semaphore handoffs " + 2 * HandoffRounds + " switches " + bestSwitches + " ticks " + best);

            // (c) Blocking hand-off through Monitor.Wait/Pulse.
            s_turn = 0;
            worker = new Thread(MonitorWorker);
            worker.Start();
            MonitorLoop(HandoffRounds);
            (best, bestSwitches) = BestOf(MonitorLoop, HandoffRounds);
            lock (s_gate) { s_turn = 2; Monitor.Pulse(s_gate); }
            worker.Join();
            Out("bench threads monitor handoffs " + 2 * HandoffRounds + " switches " + bestSwitches + " ticks " + best);

            // (c) Thread.Start + Join of an empty thread.
            CreateLoop(Creations);
            (best, bestSwitches) = BestOf(CreateLoop, Creations);
            Out("bench threads create threads " + Creations + " switches " + bestSwitches + " ticks " + best);

            Out("bench threads checks " + (failures == 0 ? "ok" : failures + " failed"));
            Out("bench done");
            IOPort.Write8(0xF4, 0);
        }

        protected override void Run() => Native.HaltForever();
    }
}
