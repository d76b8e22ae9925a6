namespace Cosmos.System
{
    /// <summary>Power control (Cosmos API).</summary>
    public static class Power
    {
        /// <summary>
        /// Turns the machine off through ACPI S5 (SLP_TYPa/b from the DSDT's \_S5 object,
        /// written to PM1a/PM1b_CNT with SLP_EN; ACPI 6.5 §7.4.2, §16.1). Throws
        /// InvalidOperationException with the reason when ACPI is missing or the write did not
        /// power off.
        /// </summary>
        public static void Shutdown() => Cosmos.HAL.ACPI.Shutdown();

        /// <summary>
        /// Restarts the machine: the FADT reset register when supported, else the 8042
        /// controller's reset line. Throws InvalidOperationException when neither worked.
        /// </summary>
        public static void Reboot() => Cosmos.HAL.ACPI.Reboot();
    }
}
