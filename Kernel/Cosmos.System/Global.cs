using Cosmos.Core;
using Cosmos.Core.Threading;
using Cosmos.HAL;

namespace Cosmos.System
{
    /// <summary>
    /// One-time system initialization before the user kernel runs (Cosmos API name):
    /// COM1, the TSC frequency (measured against the PIT; the runtime's clocks use it),
    /// the PS/2 keyboard, ACPI, then interrupts: the IDT with its IST stacks
    /// (<see cref="INTs.Initialize"/>), the interrupt controllers (local APIC + I/O APIC from the
    /// MADT, else the remapped 8259 PICs; every IRQ masked until a driver enables it), threads (the
    /// scheduler, the finalizer thread, the scheduler's 1 kHz PIT tick on IRQ 0) and STI.
    /// Each device that is missing is reported, not fatal.
    /// </summary>
    public static class Global
    {
        private static bool s_done;

        /// <summary>Runs the initialization once; later calls do nothing.</summary>
        public static void Init()
        {
            if (s_done) return;
            s_done = true;
            _ = SerialPort.Com1;
            Cosmos.Runtime.RuntimeEnvironment.TscFrequency = TSC.Calibrate();
            SetWallClock();
            PS2Keyboard.Initialize();
            ACPI.Initialize();
            CPU.DisableInterrupts();
            INTs.Initialize();
            InterruptController.Initialize();
            Cosmos.Runtime.Threads.Initialize();
            StartSchedulerTimer();
            CPU.EnableInterrupts();
        }

        /// <summary>Sets the runtime's wall clock (DateTime.UtcNow) from the RTC, read as UTC; an unreadable RTC is reported and leaves it unset.</summary>
        private static void SetWallClock()
        {
            if (!RTC.TryDecode(RTC.ReadRegisters(), out var now, out string error))
            {
                global::System.Console.WriteLine("RTC: " + error + "; DateTime.UtcNow is not available");
                return;
            }
            Cosmos.Runtime.RuntimeEnvironment.SetWallClock(now.Ticks - global::System.DateTime.UnixEpoch.Ticks, Native.Rdtsc());
        }

        /// <summary>
        /// The scheduler's tick: PIT channel 0 at <see cref="Scheduler.DefaultTickHz"/> on IRQ 0 (through the I/O APIC
        /// in APIC mode). Kernels that reprogram the PIT for their own use stop the tick; the scheduler then has no
        /// preemption and its idle thread polls the TSC for sleepers.
        /// </summary>
        private static unsafe void StartSchedulerTimer()
        {
            INTs.SetIrqHandler(0, &OnSchedulerTick);
            InterruptController.StartPitTimer(Scheduler.DefaultTickHz);
            Scheduler.SetTickSource(Scheduler.DefaultTickHz);
        }

        private static unsafe void OnSchedulerTick(Cosmos.Core.Layout.InterruptFrame* frame) => Scheduler.Tick();
    }
}
