using System;
using Cosmos.Core;

namespace Cosmos.HAL
{
    /// <summary>
    /// The one reset chain. <see cref="Reboot"/> tries the <see cref="IResetMethod"/>s registered in
    /// <see cref="DeviceRegistry"/> by ascending <see cref="IResetMethod.ResetOrder"/>, waiting
    /// <see cref="SettleMilliseconds"/> after each one that was issued:
    /// <list type="number">
    /// <item><see cref="ResetOrderAcpi"/>: the FADT reset register (<see cref="ACPI"/>; ACPI 6.5 §4.8.3.6);</item>
    /// <item><see cref="ResetOrder8042"/>: the 8042's reset line (<see cref="PS2Controller"/>, command 0xFE);</item>
    /// </list>
    /// and ends, when the machine is still running, with the chain's driverless tail <see cref="Panic.Reset"/> (the 8042 line
    /// written blindly, port 0xCF9, a triple fault), which is also all a panic with <see cref="Panic.RebootOnPanic"/> runs (a
    /// panic cannot trust drivers). Never returns.
    /// </summary>
    public static unsafe class MachineReset
    {
        /// <summary><see cref="IResetMethod.ResetOrder"/> of the ACPI reset register.</summary>
        public const int ResetOrderAcpi = 10;
        /// <summary><see cref="IResetMethod.ResetOrder"/> of the 8042 reset line.</summary>
        public const int ResetOrder8042 = 20;
        /// <summary>How long the chain waits for a reset that was issued before it tries the next method.</summary>
        public const uint SettleMilliseconds = 500;

        /// <summary>Why each method of the last <see cref="Reboot"/> did not reset (kept for a debugger; the machine resets after it).</summary>
        public static string LastFailures { get; private set; }

        /// <summary>The registered reset methods in the order <see cref="Reboot"/> tries them (stable: equal orders keep registration order).</summary>
        public static IResetMethod[] GetChain()
        {
            int n = DeviceRegistry.CountCapability<IResetMethod>();
            var chain = new IResetMethod[n];
            for (int i = 0; i < n; i++)
            {
                var m = DeviceRegistry.FindCapability<IResetMethod>(i);
                int j = i - 1;
                while (j >= 0 && chain[j].ResetOrder > m.ResetOrder) { chain[j + 1] = chain[j]; j--; }
                chain[j + 1] = m;
            }
            return chain;
        }

        /// <summary>Runs the chain (see <see cref="MachineReset"/>). Never returns.</summary>
        public static void Reboot() => Run(&Panic.Reset);

        /// <summary>
        /// Runs the registered methods, then <paramref name="tail"/> (host tests pass one that returns; then this returns
        /// after recording <see cref="LastFailures"/>).
        /// </summary>
        internal static unsafe void Run(delegate*<void> tail)
        {
            string why = null;
            foreach (var method in GetChain())
            {
                string name = method is Device d ? d.Name : method.GetType().Name;
                string step;
                if (method.TryReset(out string error))
                {
                    Delay.Wait(SettleMilliseconds);
                    step = string.Concat(name, ": issued, the machine is still running");
                }
                else step = string.Concat(name, ": ", error ?? "failed");
                why = why == null ? step : string.Concat(why, "; ", step);
            }
            LastFailures = why ?? "no reset method registered";
            tail();
        }
    }
}
