namespace Cosmos.HAL
{
    /// <summary>
    /// A way of resetting the machine that a device offers (the ACPI reset register, the 8042's reset line). Devices
    /// that implement it are found through <see cref="DeviceRegistry.FindCapability{T}"/> by <see cref="MachineReset"/>,
    /// so no driver calls another to reset the machine.
    /// </summary>
    public interface IResetMethod
    {
        /// <summary>Place in the reset chain: lower is tried first (<see cref="MachineReset"/> lists the values in use).</summary>
        int ResetOrder { get; }

        /// <summary>
        /// Issues the reset. Returns true once the request was written (the caller waits and moves on when the machine is
        /// still running); false with <paramref name="error"/> saying why it could not be issued (hardware or table absent).
        /// </summary>
        bool TryReset(out string error);
    }

    /// <summary>
    /// A timer that can busy-wait without interrupts (the PIT). Drivers that need a delay before a timer of their own
    /// exists wait through <see cref="Delay.Wait"/>, which finds one in <see cref="DeviceRegistry"/>.
    /// </summary>
    public interface IDelayTimer
    {
        /// <summary>Busy-waits at least <paramref name="milliseconds"/> ms. Needs no interrupts.</summary>
        void Wait(uint milliseconds);
    }

    /// <summary>Waits through the first registered <see cref="IDelayTimer"/> (the PIT on a PC).</summary>
    public static class Delay
    {
        /// <summary>Busy-waits at least <paramref name="milliseconds"/> ms.</summary>
        /// <exception cref="System.InvalidOperationException">No device offers <see cref="IDelayTimer"/>.</exception>
        public static void Wait(uint milliseconds)
        {
            var timer = DeviceRegistry.FindCapability<IDelayTimer>();
            if (timer == null) throw new System.InvalidOperationException("no delay timer registered (IDelayTimer)");
            timer.Wait(milliseconds);
        }
    }

    /// <summary>
    /// The rate of the processor's time-stamp counter (<c>Native.Rdtsc</c>), the time base of driver deadlines and of the
    /// scheduler's timed waits. Offered by the TSC device once it is calibrated; drivers read it through
    /// <see cref="Deadline"/>.
    /// </summary>
    public interface ITimestampCounter
    {
        /// <summary>Counter ticks per second; 0 while not calibrated.</summary>
        ulong Frequency { get; }
    }

    /// <summary>
    /// Deadlines in time-stamp counter ticks for drivers that poll or block with a timeout, from the registry's
    /// <see cref="ITimestampCounter"/> (the TSC on a PC): no driver names the timer it measures time with. Before the
    /// counter is calibrated (or when none is registered) a 3 GHz rate is assumed, so early timeouts stay finite.
    /// </summary>
    public static class Deadline
    {
        /// <summary>The rate assumed while no calibrated <see cref="ITimestampCounter"/> is registered.</summary>
        public const ulong AssumedFrequency = 3_000_000_000;

        private static ITimestampCounter s_counter;

        /// <summary>Counter ticks per second (<see cref="AssumedFrequency"/> until a calibrated counter is registered).</summary>
        public static ulong Frequency
        {
            get
            {
                var c = s_counter;
                if (!(c is Device d && d.IsRegistered)) s_counter = c = DeviceRegistry.FindCapability<ITimestampCounter>();
                ulong hz = c?.Frequency ?? 0;
                return hz == 0 ? AssumedFrequency : hz;
            }
        }

        /// <summary>Counter ticks in <paramref name="milliseconds"/> ms.</summary>
        public static ulong Ticks(ulong milliseconds) => Frequency / 1000 * milliseconds;

        /// <summary>The counter value <paramref name="milliseconds"/> ms from now.</summary>
        public static ulong After(ulong milliseconds) => Cosmos.Core.Native.Rdtsc() + Ticks(milliseconds);
    }

    /// <summary>
    /// The platform firmware's tables (ACPI on a PC): offered by the ACPI device so that the PCI bus (MCFG), the
    /// interrupt controller (MADT) and the RTC (the FADT's century register) read them through
    /// <see cref="FirmwareTables"/> instead of calling the ACPI driver.
    /// </summary>
    public interface IFirmwareTables
    {
        /// <summary>
        /// The bytes (header included) of the <paramref name="index"/>-th table with <paramref name="signature"/> ("APIC",
        /// "MCFG", …), or an empty span when there is none or the firmware tables are unavailable. May read the firmware
        /// on first use.
        /// </summary>
        System.ReadOnlySpan<byte> GetTable(string signature, int index);

        /// <summary>CMOS index of the RTC's century register, 0 when the firmware names none (or has not been read yet).</summary>
        byte RtcCenturyRegister { get; }
    }

    /// <summary>Reads firmware tables through the registry's <see cref="IFirmwareTables"/> (empty when none is registered).</summary>
    public static class FirmwareTables
    {
        /// <summary>The <paramref name="index"/>-th table with <paramref name="signature"/>, or an empty span.</summary>
        public static System.ReadOnlySpan<byte> Get(string signature, int index = 0)
        {
            var f = DeviceRegistry.FindCapability<IFirmwareTables>();
            return f == null ? default : f.GetTable(signature, index);
        }

        /// <summary>CMOS index of the RTC's century register, 0 when none is known.</summary>
        public static byte RtcCenturyRegister => DeviceRegistry.FindCapability<IFirmwareTables>()?.RtcCenturyRegister ?? 0;
    }
}
