using Cosmos.Build.Testing;
using Cosmos.TestRunner;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>isa-debug-exit statuses: 0x10 → 33 (all passed), 0x11 → 35 (failures or panic), and their check against COM1.</summary>
    public class ExitStatusTests
    {
        [Theory]
        [InlineData(33, ExitVerdict.AllPassed)]
        [InlineData(35, ExitVerdict.Failures)]
        [InlineData(0, ExitVerdict.Other)]    // shutdown, or reset under -no-reboot
        [InlineData(1, ExitVerdict.Other)]    // QEMU's own error; also the old debug-exit 0
        [InlineData(3, ExitVerdict.Other)]    // the old debug-exit 1
        [InlineData(137, ExitVerdict.Other)]  // killed
        public void Classify_MapsQemuStatus(int status, ExitVerdict verdict) => Assert.Equal(verdict, ExitStatus.Classify(status));

        [Fact]
        public void Statuses_FollowQemusFormula()
        {
            Assert.Equal(0x10, TestProtocol.DebugExitAllPassed);
            Assert.Equal(0x11, TestProtocol.DebugExitFailures);
            Assert.Equal(TestProtocol.QemuStatusAllPassed, TestProtocol.QemuStatusAfterDebugExit(TestProtocol.DebugExitAllPassed));
            Assert.Equal(TestProtocol.QemuStatusFailures, TestProtocol.QemuStatusAfterDebugExit(TestProtocol.DebugExitFailures));
        }

        [Theory]
        [InlineData(true, false, true, 33)]   // done, all passed
        [InlineData(true, true, true, 35)]    // done, a case failed
        [InlineData(true, true, true, 33)]    // the runner found a failure the kernel could not see (expect-serial)
        [InlineData(false, false, false, 137)] // not done (panic, timeout): judged by the protocol, not the status
        [InlineData(false, true, true, 35)]   // unexpected panic ended QEMU with 0x11
        public void Contradiction_NoneWhenStatusAgrees(bool done, bool anyFailed, bool exited, int status)
            => Assert.Null(ExitStatus.Contradiction(done, anyFailed, exited, status));

        [Theory]
        [InlineData(true, false, true, 35)]   // kernel says failures, COM1 shows none
        [InlineData(true, false, true, 0)]    // done, then a shutdown instead of debug-exit
        [InlineData(true, false, true, 1)]    // the old "all passed" value
        [InlineData(true, true, true, 3)]
        [InlineData(true, false, false, 137)] // done but QEMU had to be killed
        public void Contradiction_ReportedWhenStatusDisagrees(bool done, bool anyFailed, bool exited, int status)
            => Assert.NotNull(ExitStatus.Contradiction(done, anyFailed, exited, status));
    }
}
