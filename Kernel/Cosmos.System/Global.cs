using Cosmos.Core;
using Cosmos.HAL;

namespace Cosmos.System
{
    /// <summary>
    /// One-time system initialization before the user kernel runs (Cosmos API name):
    /// COM1, the TSC frequency (measured against the PIT; the runtime's clocks use it),
    /// the PS/2 keyboard, ACPI, then interrupts: the IDT with its IST stacks
    /// (<see cref="INTs.Initialize"/>), the interrupt controllers (local APIC + I/O APIC from the
    /// MADT, else the remapped 8259 PICs; every IRQ masked until a driver enables it) and STI.
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
            PS2Keyboard.Initialize();
            ACPI.Initialize();
            CPU.DisableInterrupts();
            INTs.Initialize();
            InterruptController.Initialize();
            CPU.EnableInterrupts();
        }
    }
}
