using System;
using Cosmos.Core;
using Cosmos.TestRunner;

namespace PanicRebootTests
{
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            // The runner passes this case only when the report ends with "Rebooting." and QEMU then exits with status 0
            // (the reset under -no-reboot); a kernel that halted instead would time out, one that ignored the flag would
            // end with "System halted." and not contain the expected text.
            ExpectPanic("with Panic.RebootOnPanic an unhandled exception is reported, then the machine resets",
                Panic.RebootingLine,
                () =>
                {
                    Panic.RebootOnPanic = true;
                    throw new InvalidOperationException("unhandled on purpose, the machine must reset");
                });
        }
    }
}
