using Cosmos.InterruptTestHelpers;
using Cosmos.TestRunner;

namespace InterruptPanicTests
{
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            ExpectPanic("an unhandled #GP ends in the panic report with its name and vector",
                "CPU exception: General protection fault (#GP), vector 13",
                () => Helpers.LoadDs(0x48));
        }
    }
}
