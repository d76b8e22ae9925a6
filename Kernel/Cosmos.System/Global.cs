using Cosmos.HAL;

namespace Cosmos.System
{
    /// <summary>
    /// One-time system initialization before the user kernel runs (Cosmos API name):
    /// COM1, the TSC frequency (measured against the PIT; the runtime's clocks use it),
    /// the PS/2 keyboard and ACPI. Each device that is missing is reported, not fatal.
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
        }
    }
}
