using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using Cosmos.Core;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;
using Cosmos.TestRunner;

namespace InterruptStormTests
{
    /// <summary>512 bytes copied by value (ilc copies it with SIMD moves).</summary>
    public unsafe struct Big
    {
        public fixed ulong Q[64];
    }

    public sealed unsafe class Kernel : TestKernel
    {
        /// <summary>Timer rate of the storm, Hz.</summary>
        public const uint StormHz = 10_000;
        /// <summary>Storm length in timer ticks (2 s at <see cref="StormHz"/>, in the timer's own time).</summary>
        public const ulong StormTicks = 2 * StormHz;
        private const int Seeds = 16;

        private static ulong s_ticks, s_misaligned, s_badFrames, s_expectedVector;
        private static ulong s_lastBadCs, s_lastBadSs, s_lastBadFlags, s_lastBadVector;
        private static double s_handlerJunk;
        private static Vector128<float> s_handlerVec = Vector128.Create(1f, 2f, 3f, 4f);

        /// <summary>The timer handler: checks alignment and the frame, then dirties SSE registers on purpose.</summary>
        private static void OnTimer(InterruptFrame* f)
        {
            s_ticks++;
            if ((InterruptNative.ReadRsp() & 15) != 0 || (f->XSaveArea & 63) != 0) s_misaligned++;
            bool ok = f->CS == 0x08 && f->SS == 0x10 && f->Vector == s_expectedVector && f->ErrorCode == 0
                && (f->RFLAGS & RFlags.IF) != 0 && (f->RFLAGS & RFlags.Reserved1) != 0 && (f->RFLAGS & (RFlags.TF | RFlags.DF | RFlags.VM)) == 0
                && (f->RSP & 7) == 0 && f->RIP > 0x100000;
            if (!ok)
            {
                s_badFrames++;
                s_lastBadCs = f->CS; s_lastBadSs = f->SS; s_lastBadFlags = f->RFLAGS; s_lastBadVector = f->Vector;
            }
            // Use SSE in the handler (and change MXCSR-independent state) so a missing restore would show.
            s_handlerVec = Vector128.Sqrt(s_handlerVec * s_handlerVec + Vector128.Create(0.5f));
            s_handlerJunk = s_handlerJunk * 0.999 + Math.Sqrt(s_ticks);
        }

        /// <summary>Deterministic floating-point, SIMD and struct-copy work; returns a hash of the exact bits.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public static ulong Work(int seed)
        {
            ulong h = 14695981039346656037UL;
            // double math
            double x = 1.0 + seed;
            for (int i = 1; i < 400; i++)
            {
                x = x * 1.0000001 + Math.Sqrt(i + seed) / (i + 0.5);
                x -= Math.Floor(x / 1000.0) * 1000.0;
                h = Mix(h, (ulong)BitConverter.DoubleToInt64Bits(x));
            }
            // Vector128<float> / Vector128<double>
            var vf = Vector128.Create(1f + seed, 2f, 3f, 4f);
            var vd = Vector128.Create(0.25 + seed, 1e-3);
            for (int i = 0; i < 200; i++)
            {
                vf = Vector128.Sqrt(vf * vf + Vector128.Create((float)i)) * Vector128.Create(0.75f, 1.25f, 0.5f, 1.5f);
                vd = vd * Vector128.Create(1.0001, 0.9999) + Vector128.Create((double)i, -i * 0.5);
                h = Mix(h, vf.AsUInt64().GetElement(0) ^ vf.AsUInt64().GetElement(1));
                h = Mix(h, vd.AsUInt64().GetElement(0) ^ vd.AsUInt64().GetElement(1));
            }
            // System.Numerics.Vector<T>
            Span<float> buf = stackalloc float[Vector<float>.Count * 4];
            for (int i = 0; i < buf.Length; i++) buf[i] = i * 0.5f + seed;
            var acc = Vector<float>.Zero;
            for (int r = 0; r < 50; r++)
                for (int i = 0; i + Vector<float>.Count <= buf.Length; i += Vector<float>.Count)
                {
                    var v = new Vector<float>(buf.Slice(i));
                    acc = acc * new Vector<float>(0.5f) + v * v;
                }
            for (int i = 0; i < Vector<float>.Count; i++) h = Mix(h, (ulong)BitConverter.SingleToInt32Bits(acc[i]));
            // large struct copies
            Big a = default;
            for (int i = 0; i < 64; i++) a.Q[i] = ((ulong)i * 0x9E3779B97F4A7C15UL) ^ (ulong)seed;
            for (int r = 0; r < 40; r++)
            {
                Big b = a;                       // 512-byte copy
                b.Q[r & 63] += (ulong)r;
                a = Shuffle(b);                  // by-value argument and return
            }
            for (int i = 0; i < 64; i++) h = Mix(h, a.Q[i]);
            return h;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static Big Shuffle(Big b)
        {
            Big c = b;
            ulong first = c.Q[0];
            for (int i = 0; i < 63; i++) c.Q[i] = c.Q[i + 1] * 31 + (c.Q[i] >> 7);
            c.Q[63] = first;
            return c;
        }

        private static ulong Mix(ulong h, ulong v) => (h ^ v) * 1099511628211UL;

        private void Storm(string what, ulong vector, Func<bool> start, Action stop)
        {
            var reference = new ulong[Seeds];
            CPU.DisableInterrupts();
            for (int s = 0; s < Seeds; s++) reference[s] = Work(s);
            CPU.EnableInterrupts();

            s_ticks = 0; s_misaligned = 0; s_badFrames = 0; s_expectedVector = vector;
            ulong runs = 0, differences = 0;
            if (!start()) { Fail(what + ": could not start the timer"); return; }
            ulong t0 = Native.Rdtsc();
            while (s_ticks < StormTicks)
            {
                int s = (int)(runs % Seeds);
                if (Work(s) != reference[s]) differences++;
                runs++;
            }
            ulong t1 = Native.Rdtsc();
            stop();
            ulong ticks = s_ticks;
            double seconds = TSC.Frequency != 0 ? (t1 - t0) / (double)TSC.Frequency : 0;
            Line(what + ": " + ticks + " timer interrupts, " + runs + " work runs, " + differences + " differences, "
                 + s_misaligned + " misaligned, " + s_badFrames + " bad frames, " + seconds.ToString("0.00") + " s by the TSC");
            Equal(0UL, differences, "work results that differ from the interrupts-off run");
            Equal(0UL, s_misaligned, "handler calls with RSP not 16-byte aligned");
            if (s_badFrames != 0)
                Fail("bad frames: " + s_badFrames + " (last CS=" + s_lastBadCs + " SS=" + s_lastBadSs + " RFLAGS=" + s_lastBadFlags + " vector=" + s_lastBadVector + ")");
            True(ticks >= StormTicks, "at least 2 s worth of ticks at >= 10 kHz");
            True(seconds >= 2.0, "the storm lasted at least 2 s by the TSC");
            True(runs > 10, "the foreground made progress: " + runs + " runs");
        }

        protected override void RunTests()
        {
            var idt = INTs.IDT;
            Line("interrupt controller: " + InterruptController.Mode + (InterruptController.FallbackReason != null ? " (" + InterruptController.FallbackReason + ")" : "")
                 + ", SIMD save mode " + InterruptNative.GetSimdMode() + ", XSAVE area " + Native.GetBootInfo()->XSaveAreaSize + " bytes, XCR0 0x" + Native.GetBootInfo()->Xcr0.ToString("X"));

            Test("interrupt controller chosen from the MADT (APIC) or the PIC fallback without ACPI", () =>
            {
                if (ACPI.IsAvailable && ACPI.MadtAddress != 0) Equal("Apic", InterruptController.Mode.ToString(), "mode with a MADT");
                else Equal("Pic", InterruptController.Mode.ToString(), "mode without ACPI");
                if (InterruptController.Mode == InterruptControllerMode.Apic)
                {
                    True(InterruptController.IoApicCount > 0, "I/O APICs");
                    True(LocalAPIC.IsEnabled, "local APIC enabled");
                    Equal(0xFFFFu, (uint)PIC.Mask, "8259s fully masked");
                    Equal(0xFEE00000UL, InterruptController.Madt.LocalApicAddress, "MADT local APIC address (QEMU)");
                    Equal(2u, InterruptController.Madt.IsaIrqToGsi(0, out _, out _), "MADT override IRQ 0 -> GSI 2 (QEMU)");
                }
            });

            Test("storm, PIT channel 0 at 10 kHz on IRQ 0 for 2 s, foreground results bit-identical", () =>
            {
                int vector = InterruptController.VectorOf(0);
                idt[vector].SetHandler(&OnTimer);
                ushort divisor = 0;
                Storm("PIT", (ulong)vector,
                    () => { divisor = InterruptController.StartPitTimer(StormHz); return true; },
                    () => InterruptController.StopPitTimer());
                idt[vector].ClearHandler();
                True(PIT.FrequencyForDivisor(divisor) >= StormHz, "PIT rate >= 10 kHz");
            });

            if (InterruptController.Mode == InterruptControllerMode.Apic)
            {
                Test("storm, local APIC timer at 10 kHz for 2 s, foreground results bit-identical", () =>
                {
                    idt[APICTimer.Vector].SetHandler(&OnTimer);
                    Storm("APIC timer", APICTimer.Vector,
                        () => { InterruptController.StartApicTimer(StormHz); return true; },
                        () => APICTimer.Stop());
                    idt[APICTimer.Vector].ClearHandler();
                    Line("local APIC timer clock " + APICTimer.Frequency + " Hz (calibrated against the PIT)");
                    True(APICTimer.Frequency > 0, "calibrated");
                });
            }
        }
    }
}
