using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Asm;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;
using Cosmos.InterruptTestHelpers;

namespace InterruptBench
{
    /// <summary>
    /// Measures, in TSC ticks:
    /// <list type="bullet">
    /// <item>int3 round trip: a loop of calls to an X# "int3; ret" helper, per iteration, through the full path
    /// (entry stub → XSAVE → managed dispatcher → empty Breakpoint handler → XRSTOR → IRETQ) and through the
    /// bare stub (same register and SIMD save/restore, no managed call); best of 7 batches;</item>
    /// <item>timer IRQ entry-to-handler latency: the local APIC timer fires once while the foreground spins on
    /// RDTSC; latency = TSC read first thing in the handler − the foreground's last TSC read before the
    /// interrupt. Full path: read at the start of the managed handler; bare stub: read where the full path
    /// would call managed code. Median and minimum of 501 samples. Measured twice: from the foreground's last
    /// TSC read (hardware delivery included) and from the gate's first instruction (an X# trampoline that
    /// stores RDTSC and jumps on to the stub: the software entry path alone).</item>
    /// </list>
    /// Output lines: "bench key value..." (parsed by Build/Cosmos.Build/Bench/BenchCommand.cs), then "bench done".
    /// </summary>
    public sealed unsafe class Kernel : Cosmos.System.Kernel
    {
        private const int Batch = 2000, Batches = 7, Samples = 501;
        private static ulong s_handlerTsc;
        private static int s_fired;

        private static void EmptyHandler(InterruptFrame* f) { }
        private static void TimerHandler(InterruptFrame* f)
        {
            s_handlerTsc = Native.Rdtsc();
            Volatile.Write(ref s_fired, 1);
        }

        private static void Out(string s)
        {
            var com = SerialPort.Com1;
            com.Write(s);
            com.Write("\n");
        }

        private static ulong Int3Loop()
        {
            ulong best = ulong.MaxValue;
            for (int b = 0; b < Batches; b++)
            {
                ulong t0 = Native.Rdtsc();
                for (int i = 0; i < Batch; i++) Helpers.Int3();
                ulong t1 = Native.Rdtsc();
                ulong per = (t1 - t0) / Batch;
                if (per < best) best = per;
            }
            return best;
        }

        private static ulong CallLoop()
        {
            ulong best = ulong.MaxValue;
            for (int b = 0; b < Batches; b++)
            {
                ulong t0 = Native.Rdtsc();
                for (int i = 0; i < Batch; i++) Helpers.Nothing();
                ulong t1 = Native.Rdtsc();
                ulong per = (t1 - t0) / Batch;
                if (per < best) best = per;
            }
            return best;
        }

        /// <summary>One timer latency sample; <paramref name="bare"/> polls the bare stub's record instead of the managed flag.</summary>
        private static ulong TimerSample(bool bare, uint count)
        {
            ulong* record = BenchNative.BareStubRecord();
            ulong startCount = Volatile.Read(ref record[1]);
            Volatile.Write(ref s_fired, 0);
            ulong last = Native.Rdtsc();
            APICTimer.StartOneShot(count);
            while (true)
            {
                ulong t = Native.Rdtsc();
                if (bare ? Volatile.Read(ref record[1]) != startCount : Volatile.Read(ref s_fired) != 0) break;
                last = t;
            }
            ulong at = bare ? Volatile.Read(ref record[0]) : s_handlerTsc;
            if (s_fromEntry) last = BenchNative.EntryTsc();
            return at > last ? at - last : 0;
        }

        /// <summary>True: measure from the entry-timestamp trampoline (stub entry) instead of the foreground's last TSC read.</summary>
        private static bool s_fromEntry;

        private static void TimerLatency(bool bare, out ulong median, out ulong min)
        {
            var samples = new ulong[Samples];
            uint count = (uint)Math.Max(1000UL, APICTimer.Frequency / 20000);  // ~50 µs
            for (int i = 0; i < Samples; i++) samples[i] = TimerSample(bare, count);
            Array.Sort(samples);
            median = samples[Samples / 2];
            min = samples[0];
        }

        private static string ModeName(int mode) => mode == InterruptStubs.SimdXsaveopt ? "XSAVEOPT" : mode == InterruptStubs.SimdXsave ? "XSAVE" : "FXSAVE";

        protected override void BeforeRun()
        {
            var info = Native.GetBootInfo();
            var idt = INTs.IDT;
            Out("bench tsc-hz " + TSC.Frequency);
            Out("bench simd " + ModeName(InterruptNative.GetSimdMode()) + " area " + info->XSaveAreaSize + " xcr0 0x" + info->Xcr0.ToString("X"));
            Out("bench call-baseline " + CallLoop());

            int defaultMode = InterruptNative.GetSimdMode();
            int[] modes = info->XSaveEnabled != 0 ? new[] { defaultMode, InterruptStubs.SimdXsaveopt } : new[] { defaultMode };
            foreach (int mode in modes)
            {
                InterruptNative.SetSimdMode(mode);
                idt.Breakpoint.SetHandler(&EmptyHandler);
                ulong full = Int3Loop();
                idt.Breakpoint.SetHandlerAddress(BenchNative.BareStubAddress());
                ulong bare = Int3Loop();
                idt.Breakpoint.SetHandlerAddress(0);
                idt.Breakpoint.ClearHandler();
                Out("bench int3 " + ModeName(mode) + " full " + full + " bare " + bare);
            }
            InterruptNative.SetSimdMode(defaultMode);

            if (InterruptController.Mode == InterruptControllerMode.Apic)
            {
                APICTimer.Calibrate();
                var timer = idt[APICTimer.Vector];
                timer.SetHandler(&TimerHandler);
                ulong* record = BenchNative.BareStubRecord();
                record[2] = LocalAPIC.EoiRegisterAddress;
                ulong stub = InterruptNative.StubAddress(APICTimer.Vector), bareStub = BenchNative.BareStubAddress();

                // (1) delivery + entry: from the foreground's last TSC read before the interrupt.
                s_fromEntry = false;
                TimerLatency(false, out ulong fullMedian, out ulong fullMin);
                timer.SetHandlerAddress(bareStub);
                TimerLatency(true, out ulong bareMedian, out ulong bareMin);
                Out("bench timer full " + fullMedian + " " + fullMin + " bare " + bareMedian + " " + bareMin);

                // (2) entry to handler: from the first instruction at the gate (the timestamp trampoline).
                s_fromEntry = true;
                timer.SetHandlerAddress(BenchNative.TrampolineAddress());
                BenchNative.SetTrampolineTarget(stub);
                TimerLatency(false, out fullMedian, out fullMin);
                BenchNative.SetTrampolineTarget(bareStub);
                TimerLatency(true, out bareMedian, out bareMin);
                Out("bench timer-entry full " + fullMedian + " " + fullMin + " bare " + bareMedian + " " + bareMin);

                timer.SetHandlerAddress(0);
                timer.ClearHandler();
                record[2] = 0;
                APICTimer.Stop();
            }
            else Out("bench timer unavailable (interrupt controller " + InterruptController.Mode + ")");
            Out("bench done");
            IOPort.Write8(0xF4, 0);
        }

        protected override void Run() => Native.HaltForever();
    }
}
