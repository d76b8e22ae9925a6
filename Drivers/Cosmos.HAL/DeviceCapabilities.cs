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
}
