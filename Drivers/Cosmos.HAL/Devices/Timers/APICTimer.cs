using System;
using Cosmos.HAL.Devices.Timers;
using static Cosmos.HAL.LocalAPIC;

namespace Cosmos.HAL
{
    /// <summary>
    /// The boot processor's local APIC timer (Cosmos API name <c>APICTimer</c>; Intel SDM Vol. 3A §11.5.4): a 32-bit
    /// down-counter clocked by the bus clock divided by 16 (divide configuration 0011b), one-shot or periodic, firing
    /// <see cref="Vector"/>. Its input clock is unknown until <see cref="Calibrate"/> measures it against PIT channel 2.
    /// Needs the local APIC enabled (<see cref="LocalAPIC.Initialize"/>, done by <see cref="Interrupts.InterruptController"/> in APIC
    /// mode). One device (<see cref="Instance"/>, stage <see cref="DeviceStage.OnDemand"/>; starting it calibrates)
    /// holds the measured clock; the static members forward to it.
    /// </summary>
    public sealed class APICTimer : Device
    {
        /// <summary>Vector the timer fires on.</summary>
        public const byte Vector = 0x30;

        private const uint LvtPeriodic = 1u << 17;
        private const uint DivideBy16 = 0x3;

        private static APICTimer s_instance;
        private ulong _frequency;

        /// <summary>The timer's registry entry (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static APICTimer Instance => s_instance ??= new APICTimer();

        private APICTimer() : base("Local APIC timer", DeviceClass.Timer, parent: LocalAPIC.Instance) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Calibrate();
            error = null;
            return true;
        }

        /// <summary>Timer input clock (bus clock / 16) in Hz; 0 until <see cref="Calibrate"/> ran.</summary>
        public static ulong Frequency => s_instance?._frequency ?? 0;

        /// <summary>
        /// Measures the timer clock against PIT channel 2: counts down from 0xFFFFFFFF (divide by 16)
        /// during <paramref name="windowMs"/> ms, best of <paramref name="trials"/>. Sets and returns
        /// <see cref="Frequency"/> in Hz.
        /// </summary>
        /// <exception cref="InvalidOperationException">The APIC is not enabled or the counter did not move.</exception>
        public static ulong Calibrate(int trials = 3, uint windowMs = 10)
        {
            if (!IsEnabled) throw new InvalidOperationException("APICTimer: the local APIC is not enabled (LocalAPIC.Initialize() first)");
            ushort pitTicks = (ushort)PIT.MicrosecondsToTicks(windowMs * 1000UL);
            ulong best = 0;
            for (int i = 0; i < trials; i++)
            {
                Write(RegDivide, DivideBy16);
                Write(RegLvtTimer, LvtMasked | Vector);
                PIT.StartChannel2OneShot(pitTicks);
                Write(RegInitialCount, 0xFFFFFFFF);
                PIT.WaitChannel2Done();
                uint left = Read(RegCurrentCount);
                Write(RegInitialCount, 0);
                ulong counted = 0xFFFFFFFFUL - left;
                if (counted > best) best = counted;   // the longest count had the least lost at the start
            }
            ulong hz = TSC.ComputeFrequency(best, pitTicks);
            if (hz == 0) throw new InvalidOperationException("APICTimer: timer count did not advance during PIT calibration");
            var timer = Instance;
            timer._frequency = hz;
            timer.MarkStarted();
            return hz;
        }

        /// <summary>
        /// Starts the timer in periodic mode at about <paramref name="hz"/> Hz on <see cref="Vector"/>.
        /// Returns the initial count programmed.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not calibrated.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is 0 or above the timer clock.</exception>
        public static uint StartPeriodic(uint hz)
        {
            ulong f = Frequency;
            if (f == 0) throw new InvalidOperationException("APICTimer: Calibrate() first");
            if (hz == 0 || hz > f) throw new ArgumentOutOfRangeException(nameof(hz), "rate must be 1..timer clock");
            uint count = (uint)Math.Max(1UL, f / hz);
            Write(RegDivide, DivideBy16);
            Write(RegLvtTimer, LvtPeriodic | Vector);
            Write(RegInitialCount, count);
            return count;
        }

        /// <summary>Fires the timer once after <paramref name="count"/> timer-clock ticks (0 counts as 1).</summary>
        public static void StartOneShot(uint count)
        {
            Write(RegDivide, DivideBy16);
            Write(RegLvtTimer, Vector);
            Write(RegInitialCount, count == 0 ? 1 : count);
        }

        /// <summary>Stops and masks the timer (Cosmos API name).</summary>
        public static void Stop()
        {
            Write(RegLvtTimer, LvtMasked | Vector);
            Write(RegInitialCount, 0);
        }
    }
}
