using Cosmos.Core;

namespace Cosmos.TestRunner
{
    /// <summary>
    /// Ends a Cosmos-style test kernel (Cosmos API, Tests/Cosmos.TestRunner.TestController in Cosmos): a plain
    /// <c>Cosmos.System.Kernel</c> whose BeforeRun/Run call <see cref="Assert"/> and then <see cref="Completed"/>.
    /// Both ends print the protocol's <c>done</c> line on COM1 and leave QEMU through isa-debug-exit
    /// (<see cref="TestProtocol.DebugExitPort"/>): <see cref="Completed"/> with <see cref="TestProtocol.DebugExitAllPassed"/>
    /// (status 33), <see cref="Failed"/> with <see cref="TestProtocol.DebugExitFailures"/> (status 35). Neither returns.
    /// The first <see cref="Assert"/> call also arms the panic path, so a later panic ends QEMU with status 35.
    /// </summary>
    public static class TestController
    {
        /// <summary>Channel number of Cosmos's test commands over its debug stub (kept for source compatibility; unused here).</summary>
        public const byte TestChannel = 255;

        /// <summary>The kernel completed and every assertion passed: <c>done</c>, isa-debug-exit 0x10 (QEMU status 33).</summary>
        public static void Completed() => End(TestProtocol.DebugExitAllPassed);

        /// <summary>An assertion failed: <c>done</c>, isa-debug-exit 0x11 (QEMU status 35).</summary>
        public static void Failed() => End(TestProtocol.DebugExitFailures);

        private static void End(byte code)
        {
            TestKernel.Line(TestProtocol.DoneLine());
            TestKernel.DebugExit(code);
            Native.HaltForever();   // only reached outside QEMU's test machine (no isa-debug-exit device)
        }

        /// <summary>A halting panic from now on ends QEMU by writing <paramref name="code"/> to isa-debug-exit (Cosmos.Core.Panic.DebugExitOnPanic).</summary>
        internal static void ArmPanicExit(byte code)
        {
            Panic.DebugExitValue = code;
            Panic.DebugExitOnPanic = true;
        }
    }
}
