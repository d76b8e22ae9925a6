using Cosmos.TestRunner;

namespace Cosmos.Build.Testing
{
    /// <summary>What QEMU's exit status says about a test kernel's run (isa-debug-exit values in <see cref="TestProtocol"/>).</summary>
    public enum ExitVerdict
    {
        /// <summary>Status 33: the kernel wrote <see cref="TestProtocol.DebugExitAllPassed"/> (completed, every case passed).</summary>
        AllPassed,
        /// <summary>Status 35: the kernel wrote <see cref="TestProtocol.DebugExitFailures"/> (a case failed, or it panicked).</summary>
        Failures,
        /// <summary>Any other status: 0 after a shutdown or a reset under -no-reboot, 1 for QEMU's own errors, a signal when killed.</summary>
        Other,
    }

    /// <summary>Maps QEMU's exit status to a test verdict and checks it against what the serial protocol reported.</summary>
    public static class ExitStatus
    {
        /// <summary>33 → <see cref="ExitVerdict.AllPassed"/>, 35 → <see cref="ExitVerdict.Failures"/>, else <see cref="ExitVerdict.Other"/>.</summary>
        public static ExitVerdict Classify(int status) =>
            status == TestProtocol.QemuStatusAllPassed ? ExitVerdict.AllPassed
            : status == TestProtocol.QemuStatusFailures ? ExitVerdict.Failures
            : ExitVerdict.Other;

        /// <summary>
        /// The failure to add when QEMU's exit status contradicts the serial protocol, or null when they agree.
        /// <paramref name="done"/>: the kernel printed "done" itself (not through expect-exit, whose status the protocol
        /// judges); <paramref name="anyFailed"/>: a case failed in the protocol; <paramref name="exited"/>: QEMU exited on
        /// its own (false when the runner had to kill it).
        /// </summary>
        public static string Contradiction(bool done, bool anyFailed, bool exited, int status)
        {
            if (!done) return null;
            if (!exited)
                return $"kernel reported done but QEMU did not exit (expected status {TestProtocol.QemuStatusAllPassed} or {TestProtocol.QemuStatusFailures} from isa-debug-exit)";
            return Classify(status) switch
            {
                ExitVerdict.AllPassed => null,
                ExitVerdict.Failures => anyFailed ? null : $"QEMU exit status {status} (isa-debug-exit 0x{TestProtocol.DebugExitFailures:x2}: failures) but no case failed on COM1",
                _ => $"kernel reported done but QEMU exit status was {status} (expected {TestProtocol.QemuStatusAllPassed}: isa-debug-exit 0x{TestProtocol.DebugExitAllPassed:x2}, or {TestProtocol.QemuStatusFailures}: 0x{TestProtocol.DebugExitFailures:x2})",
            };
        }
    }
}
