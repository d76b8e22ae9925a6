using System;
using Cosmos.Core;

namespace Cosmos.HAL
{
    /// <summary>
    /// 8253/8254 Programmable Interval Timer (Cosmos API name), polled. Input clock
    /// 1,193,182 Hz (14.31818 MHz / 12). Ports: 0x40-0x42 channel 0-2 data, 0x43 mode/command;
    /// port 0x61 bit 0 gates channel 2, bit 1 connects it to the speaker, bit 5 reads OUT2.
    /// Delays use channel 2 in mode 0 (interrupt on terminal count) as a one-shot, so channel 0
    /// stays free for the timer interrupt later. The PIT needs no setup: its device
    /// (<see cref="Instance"/>, stage <see cref="DeviceStage.Clocks"/>, first) starts by doing nothing,
    /// and the members are static (one 8254 per PC, no state). Source: Intel 82C54 datasheet; OSDev wiki
    /// "Programmable Interval Timer".
    /// </summary>
    public sealed class PIT : Device, IDelayTimer
    {
        private static PIT s_instance;

        /// <summary>The PIT's registry entry (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PIT Instance => s_instance ??= new PIT();

        private PIT() : base("PIT", DeviceClass.Timer, DeviceStage.Clocks, startOrder: 0) { }

        /// <summary>PIT input clock in Hz.</summary>
        public const uint Frequency = 1_193_182;
        /// <summary>Cosmos name for <see cref="Frequency"/>.</summary>
        public const uint PITFrequency = Frequency;
        /// <summary>Longest single one-shot: 65535 ticks, about 54.9 ms.</summary>
        public const ushort MaxOneShotTicks = 0xFFFF;

        private const ushort Channel0 = 0x40, Channel2 = 0x42, Command = 0x43, Gate = 0x61;
        private const byte Out2 = 0x20;
        private const int PollLimit = 20_000_000;

        /// <summary>PIT ticks in <paramref name="microseconds"/> µs, rounded up (0 stays 0).</summary>
        public static ulong MicrosecondsToTicks(ulong microseconds)
        {
            // Split to avoid overflow: us * F / 1e6 = (us / 1e6) * F + (us % 1e6) * F / 1e6.
            ulong whole = microseconds / 1_000_000, rest = microseconds % 1_000_000;
            return whole * Frequency + (rest * Frequency + 999_999) / 1_000_000;
        }

        /// <summary>
        /// The 16-bit reload value for a channel running at <paramref name="hz"/>: Frequency / hz,
        /// clamped to 1..65536 (65536 is programmed as 0). Returns the value to write.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is 0.</exception>
        public static ushort DivisorForFrequency(uint hz)
        {
            if (hz == 0) throw new ArgumentOutOfRangeException(nameof(hz), "frequency must be positive");
            uint d = (Frequency + hz / 2) / hz;
            if (d < 1) d = 1;
            if (d >= 65536) return 0;
            return (ushort)d;
        }

        /// <summary>Actual rate in Hz for a programmed reload value (0 = 65536).</summary>
        public static double FrequencyForDivisor(ushort divisor) => (double)Frequency / (divisor == 0 ? 65536 : divisor);

        /// <summary>Busy-waits <paramref name="milliseconds"/> ms (Cosmos API).</summary>
        public static void Wait(uint milliseconds) => WaitTicks(MicrosecondsToTicks((ulong)milliseconds * 1000));

        /// <summary>The PIT's <see cref="IDelayTimer"/> (what <see cref="Delay.Wait"/> uses): <see cref="Wait(uint)"/>.</summary>
        void IDelayTimer.Wait(uint milliseconds) => Wait(milliseconds);

        /// <summary>Busy-waits <paramref name="microseconds"/> µs (resolution 0.84 µs, plus I/O overhead).</summary>
        public static void WaitUs(ulong microseconds) => WaitTicks(MicrosecondsToTicks(microseconds));

        /// <summary>Busy-waits <paramref name="nanoseconds"/> ns, rounded up to whole PIT ticks (Cosmos API).</summary>
        public static void WaitNS(ulong nanoseconds) => WaitTicks(MicrosecondsToTicks((nanoseconds + 999) / 1000));

        /// <summary>
        /// Busy-waits <paramref name="ticks"/> PIT ticks using channel 2 one-shots of at most
        /// <see cref="MaxOneShotTicks"/> each.
        /// </summary>
        /// <exception cref="InvalidOperationException">OUT2 never rose (no working 8254 channel 2 / port 0x61 gate).</exception>
        public static void WaitTicks(ulong ticks)
        {
            while (ticks > 0)
            {
                ushort chunk = ticks > MaxOneShotTicks ? MaxOneShotTicks : (ushort)ticks;
                StartChannel2OneShot(chunk);
                WaitChannel2Done();
                ticks -= chunk;
            }
        }

        /// <summary>
        /// Starts channel 2 counting down <paramref name="ticks"/> (mode 0, gate on, speaker off);
        /// OUT2 (port 0x61 bit 5) goes low now and high at terminal count.
        /// </summary>
        public static void StartChannel2OneShot(ushort ticks)
        {
            if (ticks == 0) ticks = 1;
            IOPort.Write8(Gate, (byte)((IOPort.Read8(Gate) & 0xFC) | 0x01));
            IOPort.Write8(Command, 0xB0); // channel 2, lobyte/hibyte, mode 0, binary
            IOPort.Write8(Channel2, (byte)ticks);
            IOPort.Write8(Channel2, (byte)(ticks >> 8));
        }

        /// <summary>True once the channel 2 one-shot has reached terminal count.</summary>
        public static bool Channel2Done => (IOPort.Read8(Gate) & Out2) != 0;

        /// <summary>Polls until the channel 2 one-shot ends.</summary>
        /// <exception cref="InvalidOperationException">OUT2 did not rise within the poll limit.</exception>
        public static void WaitChannel2Done()
        {
            for (int i = 0; i < PollLimit; i++)
                if ((IOPort.Read8(Gate) & Out2) != 0) return;
            throw new InvalidOperationException("PIT: channel 2 output (port 0x61 bit 5) never went high; no usable 8254");
        }

        /// <summary>
        /// Programs channel 0 as a rate generator (mode 2) at about <paramref name="hz"/> Hz
        /// (IRQ 0 once interrupts exist). Returns the reload value written (0 = 65536).
        /// </summary>
        public static ushort SetChannel0Periodic(uint hz)
        {
            Channel0Programmings++;
            ushort divisor = DivisorForFrequency(hz);
            IOPort.Write8(Command, 0x34); // channel 0, lobyte/hibyte, mode 2, binary
            IOPort.Write8(Channel0, (byte)divisor);
            IOPort.Write8(Channel0, (byte)(divisor >> 8));
            return divisor;
        }

        /// <summary>
        /// How many times channel 0 was programmed (<see cref="SetChannel0Periodic"/>, <see cref="SetChannel0OneShot"/>)
        /// since boot: lets a user of the timer (the scheduler's tickless idle) tell whether someone else reprogrammed it.
        /// </summary>
        public static ulong Channel0Programmings { get; private set; }

        /// <summary>Programs channel 0 for one interrupt after <paramref name="ticks"/> ticks (mode 0).</summary>
        public static void SetChannel0OneShot(ushort ticks)
        {
            Channel0Programmings++;
            IOPort.Write8(Command, 0x30); // channel 0, lobyte/hibyte, mode 0, binary
            IOPort.Write8(Channel0, (byte)ticks);
            IOPort.Write8(Channel0, (byte)(ticks >> 8));
        }

        /// <summary>Latches and reads channel 0's current count (counter latch command).</summary>
        public static ushort ReadChannel0Count()
        {
            IOPort.Write8(Command, 0x00);
            byte lo = IOPort.Read8(Channel0);
            byte hi = IOPort.Read8(Channel0);
            return (ushort)(lo | (hi << 8));
        }
    }
}
