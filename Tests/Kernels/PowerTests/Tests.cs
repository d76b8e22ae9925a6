using Cosmos.HAL;
using Cosmos.TestRunner;

namespace PowerTests
{
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Test("ACPI tables were found", () =>
            {
                True(ACPI.IsAvailable, "ACPI.IsAvailable (" + (ACPI.Error ?? "no error") + ")");
                True(ACPI.FADT != null, "FADT parsed");
                True(ACPI.HasS5, "\\_S5 decoded (" + (ACPI.S5Error ?? "ok") + ")");
            });
            ExpectExit("Power.Reboot resets the machine", 0, () => Cosmos.System.Power.Reboot());
        }
    }
}
