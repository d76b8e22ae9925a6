using System;
using Cosmos.Core;
using Cosmos.Core.Arch.X64;

namespace Cosmos.HAL.Devices.Timers
{
    /// <summary>
    /// Time-stamp counter as a clock. <see cref="Calibrate"/> measures TSC ticks against PIT
    /// channel 2 one-shots (best of several windows: the shortest delta has the least polling and
    /// emulation noise). Then <see cref="Uptime"/> and the conversions turn RDTSC values into time.
    /// Assumes an invariant TSC (CPUID 8000_0007h EDX bit 8, see <see cref="IsInvariant"/>);
    /// without one, frequency changes make readings drift. The device (<see cref="Instance"/>, stage
    /// <see cref="DeviceStage.Clocks"/>, after the PIT) holds the measured frequency; starting it is
    /// <see cref="Calibrate"/> with the defaults. The static members forward to it and never allocate
    /// (reading <see cref="Frequency"/> before the device exists gives 0). Source: Intel SDM Vol. 3B §18.17.
    /// </summary>
    public sealed class TSC : Device, ITimestampCounter
    {
        private static TSC s_instance;
        private ulong _frequency;

        /// <summary>The TSC's registry entry (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static TSC Instance => s_instance ??= new TSC();

        private TSC() : base("TSC", DeviceClass.Timer, DeviceStage.Clocks, startOrder: 10) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Calibrate();
            error = null;
            return true;
        }

        /// <summary>Measured frequency in Hz; 0 until <see cref="Calibrate"/> ran.</summary>
        public static ulong Frequency => s_instance?._frequency ?? 0;
        /// <summary>True after a successful <see cref="Calibrate"/>.</summary>
        public static bool IsCalibrated => Frequency != 0;

        /// <summary>The TSC's <see cref="ITimestampCounter"/> (what driver deadlines use, <see cref="Deadline"/>): <see cref="Frequency"/>.</summary>
        ulong ITimestampCounter.Frequency => _frequency;

        /// <summary>Current RDTSC value.</summary>
        public static ulong Read() => Native.Rdtsc();

        /// <summary>CPUID.8000_0007h:EDX bit 8, the TSC runs at a constant rate in all states.</summary>
        public static bool IsInvariant
        {
            get
            {
                CPU.CPUID(Cosmos.Core.Arch.X64.CpuidLeaf.MaxExtended, 0, out uint max, out _, out _, out _);
                if (max < 0x80000007) return false;
                CPU.CPUID(Cosmos.Core.Arch.X64.CpuidLeaf.AdvancedPowerManagement, 0, out _, out _, out _, out uint edx);
                return (edx & CpuidFeature.Leaf80000007Edx_InvariantTSC) != 0;
            }
        }

        /// <summary>
        /// Measures the TSC over <paramref name="trials"/> PIT windows of <paramref name="windowMs"/>
        /// ms (1-50) and keeps the smallest count. Sets and returns <see cref="Frequency"/> in Hz.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">Window outside 1..50 ms or no trials.</exception>
        /// <exception cref="InvalidOperationException">The TSC did not advance, or the PIT does not work.</exception>
        public static ulong Calibrate(int trials = 5, uint windowMs = 10)
        {
            if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), "need at least one trial");
            if (windowMs < 1 || windowMs > 50) throw new ArgumentOutOfRangeException(nameof(windowMs), "window must be 1..50 ms (one PIT one-shot)");
            ushort ticks = (ushort)PIT.MicrosecondsToTicks(windowMs * 1000UL);
            ulong best = ulong.MaxValue;
            for (int i = 0; i < trials; i++)
            {
                PIT.StartChannel2OneShot(ticks);
                ulong t0 = Native.Rdtsc();
                PIT.WaitChannel2Done();
                ulong t1 = Native.Rdtsc();
                ulong delta = t1 - t0;
                if (delta < best) best = delta;
            }
            ulong f = ComputeFrequency(best, ticks);
            if (f == 0) throw new InvalidOperationException("TSC: counter did not advance during PIT calibration");
            var tsc = Instance;
            tsc._frequency = f;
            tsc.MarkStarted();
            return f;
        }

        /// <summary>Frequency in Hz from <paramref name="tscDelta"/> TSC ticks counted over <paramref name="pitTicks"/> PIT ticks; 0 when either is 0.</summary>
        public static ulong ComputeFrequency(ulong tscDelta, ulong pitTicks)
        {
            if (pitTicks == 0 || tscDelta == 0) return 0;
            // tscDelta * 1193182 / pitTicks without overflow for any realistic delta.
            ulong whole = tscDelta / pitTicks, rest = tscDelta % pitTicks;
            return whole * PIT.Frequency + rest * PIT.Frequency / pitTicks;
        }

        /// <summary>Converts <paramref name="ticks"/> at <paramref name="frequencyHz"/> to nanoseconds (exact for frequencies up to ~18 GHz).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="frequencyHz"/> is 0.</exception>
        public static ulong ToNanoseconds(ulong ticks, ulong frequencyHz)
        {
            if (frequencyHz == 0) throw new ArgumentOutOfRangeException(nameof(frequencyHz), "frequency is 0 (TSC not calibrated)");
            return ticks / frequencyHz * 1_000_000_000UL + ticks % frequencyHz * 1_000_000_000UL / frequencyHz;
        }

        /// <summary>Converts TSC ticks to nanoseconds with the calibrated <see cref="Frequency"/>.</summary>
        /// <exception cref="InvalidOperationException">Not calibrated.</exception>
        public static ulong TicksToNanoseconds(ulong ticks)
        {
            if (Frequency == 0) throw new InvalidOperationException("TSC not calibrated: call TSC.Calibrate() first");
            return ToNanoseconds(ticks, Frequency);
        }

        /// <summary>Nanoseconds since the boot path's first 64-bit instruction (BootInfo.EntryTsc).</summary>
        /// <exception cref="InvalidOperationException">Not calibrated.</exception>
        public static unsafe ulong UptimeNanoseconds => TicksToNanoseconds(Native.Rdtsc() - Native.GetBootInfo()->EntryTsc);

        /// <summary>Time since boot (see <see cref="UptimeNanoseconds"/>).</summary>
        /// <exception cref="InvalidOperationException">Not calibrated.</exception>
        public static TimeSpan Uptime => new TimeSpan((long)(UptimeNanoseconds / 100));

        /// <summary>Busy-waits <paramref name="microseconds"/> µs on the TSC (no port I/O).</summary>
        /// <exception cref="InvalidOperationException">Not calibrated.</exception>
        public static void WaitUs(ulong microseconds)
        {
            if (Frequency == 0) throw new InvalidOperationException("TSC not calibrated: call TSC.Calibrate() first");
            ulong delta = microseconds / 1_000_000 * Frequency + microseconds % 1_000_000 * Frequency / 1_000_000;
            ulong start = Native.Rdtsc();
            while (Native.Rdtsc() - start < delta) Native.Pause();
        }
    }
}
