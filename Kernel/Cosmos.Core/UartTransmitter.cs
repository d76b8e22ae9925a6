using Cosmos.Core.Interrupts;
using Cosmos.Core.Threading;

namespace Cosmos.Core
{
    /// <summary>
    /// Waiting for a 16550 UART's transmit holding register to empty (LSR bit 5, THRE), shared by every serial writer
    /// of the kernel (Cosmos.HAL's <c>SerialPort</c>, Cosmos.Debug.Kernel's <c>Debugger</c>, <see cref="Panic"/>).
    /// <para>A real 16550 at 115200 bit/s sends a byte in ≈ 87 µs, so a short spin covers it. A longer wait means the
    /// other end holds the line back: QEMU keeps THRE clear while the host end of its serial chardev (a pipe or socket the
    /// test runner or terminal reads) is full, for as long as that reader is behind. Spinning through such a wait costs
    /// the host a whole CPU (a guest spinning on LSR under TCG: 100 % of a core for as long as the reader is behind), and
    /// giving up after a fixed number of reads lost bytes whenever the host was busy for a few milliseconds. So after
    /// <see cref="SpinMicroseconds"/> the writer sleeps one scheduler tick at a time when it may block (scheduler running,
    /// interrupts enabled, outside interrupt handlers, not the idle thread), and spins with PAUSE otherwise.</para>
    /// <para>A byte is dropped only after <see cref="SleepingTimeoutMs"/> (<see cref="SpinningTimeoutMs"/> when spinning)
    /// without THRE: the reader is gone or the UART is broken. The caller's stall flag is then set, and while it is set a
    /// byte is dropped at once unless THRE is already set, so a dead reader costs one timeout, not one per byte.</para>
    /// Source: TI PC16550D datasheet (LSR bit 5); QEMU hw/char/serial.c (THRE stays clear while the chardev refuses a write).
    /// </summary>
    public static class UartTransmitter
    {
        /// <summary>LSR bit 5: the transmit holding register (with FIFOs: the transmit FIFO) is empty.</summary>
        public const byte LsrThrEmpty = 0x20;

        /// <summary>How long a writer spins on LSR before it sleeps or pauses (µs): about a dozen byte times at 115200 bit/s.</summary>
        public const int SpinMicroseconds = 1000;

        /// <summary>How long a writer that may block waits for THRE before it drops the byte (ms): long enough for any busy host, short enough that a terminal paused for good does not hang the console forever.</summary>
        public const int SleepingTimeoutMs = 60_000;

        /// <summary>How long a writer that may not block (interrupts off, in a handler, before the scheduler) waits (ms).</summary>
        public const int SpinningTimeoutMs = 250;

        /// <summary>LSR reads before giving up while the TSC is not calibrated yet (early boot).</summary>
        public const int UncalibratedSpins = 100_000;

        /// <summary>
        /// Returns true once THRE is set in the line status register at I/O port <paramref name="lineStatusPort"/>
        /// (base + 5); false when the byte should be dropped (see the type's remarks), and then sets
        /// <paramref name="stalled"/>. A true result clears it. <paramref name="spinningTimeoutMs"/>: the wait when the
        /// caller may not block (default <see cref="SpinningTimeoutMs"/>; a panic, whose last lines matter most, waits longer).
        /// </summary>
        public static bool WaitForEmpty(ushort lineStatusPort, ref bool stalled, int spinningTimeoutMs = SpinningTimeoutMs)
        {
            if (ThrEmpty(lineStatusPort)) { stalled = false; return true; }
            if (stalled) return false;

            ulong hz = Scheduler.TscHz;
            if (hz == 0)
            {
                for (int i = 0; i < UncalibratedSpins; i++)
                {
                    if (ThrEmpty(lineStatusPort)) return true;
                    Native.Pause();
                }
                stalled = true;
                return false;
            }

            ulong start = Native.Rdtsc();
            ulong spinEnd = start + hz / 1_000_000 * SpinMicroseconds;
            while (Native.Rdtsc() < spinEnd)
            {
                if (ThrEmpty(lineStatusPort)) return true;
                Native.Pause();
            }

            bool canSleep = CanSleep();
            ulong tick = canSleep ? hz / Scheduler.TickHz : 0;
            ulong deadline = start + hz / 1000 * (ulong)(canSleep ? SleepingTimeoutMs : spinningTimeoutMs);
            while (true)
            {
                if (ThrEmpty(lineStatusPort)) return true;
                ulong now = Native.Rdtsc();
                if (now >= deadline) { stalled = true; return false; }
                if (canSleep) Scheduler.SleepUntil(now + tick);
                else Native.Pause();
            }
        }

        private static bool ThrEmpty(ushort lineStatusPort) => (Native.InB(lineStatusPort) & LsrThrEmpty) != 0;

        /// <summary>True when the running thread may block: the scheduler runs, interrupts are on, no handler is active, and it is not the idle thread.</summary>
        private static unsafe bool CanSleep() =>
            Scheduler.IsInitialized && Scheduler.TickHz != 0 && InterruptDispatcher.Depth == 0 && CPU.InterruptsEnabled
            && Scheduler.Current != Scheduler.IdleThread;
    }
}
