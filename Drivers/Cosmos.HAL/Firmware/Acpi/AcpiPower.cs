using System;
using Cosmos.Core;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>
    /// What ACPI does to the machine's power: ACPI mode (SCI_EN), S5 soft-off and reset, from the tables
    /// <see cref="ACPI"/> found (it is initialized on first use). Waits go through <see cref="Delay"/> (the registry's
    /// <see cref="IDelayTimer"/>); the reset register is one step of the reset chain (<see cref="MachineReset"/>), which
    /// tries the other methods. Sources: ACPI 6.5 §4.8.3 (PM1 control: SCI_EN bit 0,
    /// SLP_TYPx bits 10-12, SLP_EN bit 13), §4.8.3.6 (reset register), §4.8.3.7 (sleep control register),
    /// §16.1.6/§7.4.2 (entering S5), §16.3.1 (ACPI mode).
    /// </summary>
    public static class AcpiPower
    {
        private const ushort SciEnable = 1 << 0;
        private const ushort SlpTypMask = 7 << 10;
        private const ushort SlpEnable = 1 << 13;

        /// <summary>
        /// Puts the platform into ACPI mode (ACPI 6.5 §16.3.1): when PM1a_CNT.SCI_EN is clear, writes
        /// ACPI_ENABLE to SMI_CMD and waits up to 3 s for SCI_EN. True when SCI_EN is set afterwards,
        /// or when the platform is hardware-reduced or has no SMI_CMD (always in ACPI mode).
        /// </summary>
        public static bool Enable(out string error)
        {
            error = null;
            if (!ACPI.IsInitialized) ACPI.Initialize();
            var f = ACPI.FADT;
            if (f == null) { error = string.Concat("no FADT: ", ACPI.Error ?? "ACPI not initialized"); return false; }
            if (f.HardwareReduced) return true;
            if (!f.Pm1aControlBlock.IsPresent) { error = "FADT has no PM1a_CNT_BLK"; return false; }
            if ((AcpiRegisters.Read16(f.Pm1aControlBlock) & SciEnable) != 0) return true;
            if (f.SmiCommandPort == 0 || f.AcpiEnable == 0) return true; // no legacy mode to leave
            IOPort.Write8((ushort)f.SmiCommandPort, f.AcpiEnable);
            for (int i = 0; i < 300; i++)
            {
                if ((AcpiRegisters.Read16(f.Pm1aControlBlock) & SciEnable) != 0) return true;
                Delay.Wait(10);
            }
            error = string.Concat("SCI_EN still clear 3 s after writing ", HalFormat.Hex(f.AcpiEnable), " to SMI_CMD ", HalFormat.Hex(f.SmiCommandPort));
            return false;
        }

        /// <summary>
        /// Enters S5 (soft off). Legacy platforms: enable ACPI mode, write SLP_TYPa to PM1a_CNT
        /// (and SLP_TYPb to PM1b_CNT when present), then the same with SLP_EN (16-bit accesses).
        /// Hardware-reduced platforms: SLP_TYPa (bits 2-4) | SLP_EN (bit 5) to SLEEP_CONTROL_REG.
        /// Throws <see cref="InvalidOperationException"/> saying why when ACPI, the FADT or \_S5_
        /// is missing, or when the machine is still running 2 s after the request.
        /// </summary>
        public static void Shutdown()
        {
            if (!ACPI.IsInitialized) ACPI.Initialize();
            var f = ACPI.FADT;
            if (f == null) throw new InvalidOperationException(string.Concat("ACPI shutdown impossible: ", ACPI.Error ?? "no FADT"));
            if (!ACPI.HasS5) throw new InvalidOperationException(string.Concat("ACPI shutdown impossible: \\_S5_ not found (", ACPI.S5Error ?? "unknown", ")"));
            var s5 = ACPI.S5;
            byte a = (byte)(s5.SlpTypA & 7), b = (byte)(s5.SlpTypB & 7);
            string what;
            if (f.HardwareReduced)
            {
                if (!f.SleepControlRegister.IsPresent) throw new InvalidOperationException("ACPI shutdown impossible: hardware-reduced FADT without SLEEP_CONTROL_REG");
                if (!AcpiRegisters.Write(f.SleepControlRegister, (ulong)((a << 2) | (1 << 5)), 8, out string err))
                    throw new InvalidOperationException(string.Concat("ACPI shutdown: ", err));
                what = string.Concat("SLEEP_CONTROL_REG ", f.SleepControlRegister.ToString());
            }
            else
            {
                if (!f.Pm1aControlBlock.IsPresent) throw new InvalidOperationException("ACPI shutdown impossible: FADT has no PM1a_CNT_BLK");
                Enable(out _); // best effort: some firmware ignores SCI_EN for SLP_EN
                bool hasB = f.Pm1bControlBlock.IsPresent;
                ushort va = (ushort)((AcpiRegisters.Read16(f.Pm1aControlBlock) & ~(SlpTypMask | SlpEnable)) | (a << 10));
                ushort vb = hasB ? (ushort)((AcpiRegisters.Read16(f.Pm1bControlBlock) & ~(SlpTypMask | SlpEnable)) | (b << 10)) : (ushort)0;
                AcpiRegisters.Write16(f.Pm1aControlBlock, va);
                if (hasB) AcpiRegisters.Write16(f.Pm1bControlBlock, vb);
                AcpiRegisters.Write16(f.Pm1aControlBlock, (ushort)(va | SlpEnable));
                if (hasB) AcpiRegisters.Write16(f.Pm1bControlBlock, (ushort)(vb | SlpEnable));
                what = string.Concat("PM1a_CNT ", f.Pm1aControlBlock.ToString());
            }
            for (int i = 0; i < 200; i++) Delay.Wait(10);
            throw new InvalidOperationException(string.Concat("ACPI shutdown: S5 requested via ", what, " with SLP_TYPa=",
                HalFormat.Dec((ulong)a), " SLP_TYPb=", HalFormat.Dec((ulong)b), ", but the machine is still running after 2 s"));
        }

        /// <summary>
        /// Writes RESET_VALUE to the FADT reset register (RESET_REG in I/O, memory or PCI configuration space; ACPI 6.5
        /// §4.8.3.6) when the FADT flags say RESET_REG_SUP. True once written (the reset chain waits and moves on when the
        /// machine is still running); false with the reason when there is no FADT, no RESET_REG_SUP or the write failed.
        /// </summary>
        public static bool TryWriteResetRegister(out string error)
        {
            if (!ACPI.IsInitialized) ACPI.Initialize();
            var f = ACPI.FADT;
            if (f == null) { error = string.Concat("no FADT (", ACPI.Error ?? "ACPI unavailable", ")"); return false; }
            if (!f.ResetSupported) { error = "FADT does not advertise RESET_REG_SUP"; return false; }
            if (!AcpiRegisters.Write(f.ResetRegister, f.ResetValue, 8, out string err)) { error = string.Concat("reset register: ", err); return false; }
            error = null;
            return true;
        }

        /// <summary>Resets the machine: the reset chain, <see cref="MachineReset.Reboot"/> (this class's reset register first). Never returns.</summary>
        public static void Reboot() => MachineReset.Reboot();
    }
}
