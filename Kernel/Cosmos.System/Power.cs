namespace Cosmos.System
{
    /// <summary>Power control (Cosmos API).</summary>
    public static class Power
    {
        /// <summary>
        /// Turns the machine off through ACPI S5 (SLP_TYPa/b from the DSDT's \_S5 object,
        /// written to PM1a/PM1b_CNT with SLP_EN; ACPI 6.5 §7.4.2, §16.1). Throws
        /// InvalidOperationException with the reason when ACPI is missing or the write did not
        /// power off. Mounted volumes are flushed first (FAT tables, directory entries, the disks' caches).
        /// </summary>
        public static void Shutdown()
        {
            FlushVolumes();
            Cosmos.HAL.ACPI.Shutdown();
        }

        /// <summary>
        /// Restarts the machine through the reset chain (Cosmos.HAL's MachineReset: the FADT reset register when supported,
        /// the 8042 controller's reset line, then port 0xCF9 and a triple fault). Never returns. Mounted volumes are flushed
        /// first.
        /// </summary>
        public static void Reboot()
        {
            FlushVolumes();
            Cosmos.HAL.ACPI.Reboot();
        }

        private static void FlushVolumes()
        {
            try { FileSystem.VFS.VFSManager.Flush(); }
            catch (global::System.Exception e) { global::System.Console.WriteLine("flushing the volumes failed: " + e.Message); }
        }
    }
}
