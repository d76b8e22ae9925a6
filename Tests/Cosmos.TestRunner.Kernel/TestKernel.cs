using System;
using Cosmos.Core;
using Cosmos.HAL;

namespace Cosmos.TestRunner
{
    /// <summary>
    /// Base class of a test kernel. <see cref="RunTests"/> calls <see cref="Test"/> for each
    /// case; results go to COM1 in the runner's protocol (<see cref="TestProtocol"/>, Build/Cosmos.Build/Testing/TestProtocol.cs,
    /// compiled into this library and into the host's parser), then the kernel ends QEMU through isa-debug-exit
    /// (<see cref="TestProtocol.DebugExitPort"/>: 0x10 = all passed, QEMU status 33; 0x11 = failures, status 35; a halting
    /// panic also ends QEMU with 0x11, or 0x10 when it is the panic an <see cref="ExpectPanic"/> case announced and no
    /// case failed before it). Cosmos-style kernels (a plain Cosmos.System.Kernel) use <see cref="Assert"/> and
    /// <see cref="TestController"/> instead.
    /// Exceptions cannot be caught yet, so a failed assertion marks the running case failed and
    /// the case continues; a case that must end in a panic uses <see cref="ExpectPanic"/>.
    /// Output bypasses System.Console so console tests can test the console.
    /// </summary>
    public abstract class TestKernel : Cosmos.System.Kernel
    {
        private string _current;
        private string _firstFailure;
        private string _knownDefect;
        private int _passed, _failed, _known;

        /// <summary>The running case of the test kernel, if any: where <see cref="Assert"/> reports inside a <see cref="Test"/> body.</summary>
        internal static TestKernel RunningKernel;

        /// <summary>Arms the panic path: a halting panic ends QEMU with <see cref="TestProtocol.DebugExitFailures"/>.</summary>
        protected TestKernel() => TestController.ArmPanicExit(TestProtocol.DebugExitFailures);

        /// <summary>Runs the test cases.</summary>
        protected abstract void RunTests();

        protected sealed override void Run()
        {
            RunTests();
            Line(TestProtocol.DoneLine());
            DebugExit(_failed == 0 ? TestProtocol.DebugExitAllPassed : TestProtocol.DebugExitFailures);
            Stop();
        }

        /// <summary>Runs one named case.</summary>
        protected void Test(string name, Action body)
        {
            _current = name;
            _firstFailure = null;
            _knownDefect = null;
            Line(TestProtocol.StartLine(name));
            RunningKernel = this;
            body();
            RunningKernel = null;
            if (_firstFailure != null) { _failed++; Line(TestProtocol.FailLine(name, _firstFailure)); }
            else if (_knownDefect != null) { _known++; Line(TestProtocol.KnownLine(name, _knownDefect)); }
            else { _passed++; Line(TestProtocol.PassLine(name)); }
            _current = null;
        }

        /// <summary>
        /// Marks the running case as failing exactly the way a documented defect outside this repository (e.g. in the
        /// compiler) makes it fail: the runner reports it as KNOWN and counts it apart, and it does not fail the run.
        /// Call it only after checking that the observed result is the defect's signature; any other wrong result is a
        /// failure, and a case whose defect no longer reproduces must fail so that the note is removed.
        /// </summary>
        protected void KnownFailure(string defect) => _knownDefect = defect;

        /// <summary>Announces that <paramref name="body"/> must end the kernel with a panic whose report contains <paramref name="expectedText"/>.</summary>
        protected void ExpectPanic(string name, string expectedText, Action body)
        {
            CheckDeclaredName(name);
            Line(TestProtocol.ExpectPanicLine(name, expectedText));
            // The announced panic completes the kernel: all passed unless a case failed before it.
            TestController.ArmPanicExit(_failed == 0 ? TestProtocol.DebugExitAllPassed : TestProtocol.DebugExitFailures);
            body();
            TestController.ArmPanicExit(TestProtocol.DebugExitFailures);
            Line(TestProtocol.FailLine(name, "the body returned instead of panicking"));
            _failed++;
        }

        /// <summary>Announces that <paramref name="body"/> must end QEMU with exit status <paramref name="status"/> (shutdown or reset under -no-reboot: 0).</summary>
        protected void ExpectExit(string name, int status, Action body)
        {
            CheckDeclaredName(name);
            Line(TestProtocol.ExpectExitLine(name, status));
            body();
            Line(TestProtocol.FailLine(name, "the body returned instead of ending the machine"));
            _failed++;
        }

        /// <summary>
        /// Declares that a later line on COM1 must end with <paramref name="text"/> (checked by the
        /// runner on the host, e.g. for output written through System.Console).
        /// </summary>
        protected void ExpectSerialLine(string name, string text)
        {
            CheckDeclaredName(name);
            Line(TestProtocol.ExpectSerialLine(name, text));
        }

        /// <summary>
        /// Asks the runner for a screenshot (QEMU's screendump) and waits up to <paramref name="timeoutSeconds"/> for its
        /// verdict: the screen's top-left corner must equal the PNG <paramref name="expectedImage"/> (a path relative to
        /// the kernel's project folder) pixel for pixel. A difference, a missing image or no reply fails the running case
        /// with the runner's reason. Returns true when identical. The screen must not change until this returns.
        /// </summary>
        protected bool CompareScreen(string name, string expectedImage, int timeoutSeconds = 60)
        {
            CheckDeclaredName(name);
            var com = SerialPort.Com1;
            while (com.TryRead(out _)) { }                        // nothing stale before the reply
            Line(TestProtocol.ScreenshotLine(name, expectedImage));
            var reply = new global::System.Text.StringBuilder();
            ulong hz = Cosmos.HAL.Devices.Timers.TSC.Frequency;
            ulong deadline = Native.Rdtsc() + (hz == 0 ? 3_000_000_000UL : hz) * (ulong)timeoutSeconds;
            while (true)
            {
                if (com.TryRead(out byte b))
                {
                    if (b == (byte)'\n') break;
                    if (b != (byte)'\r' && reply.Length < 1000) reply.Append((char)b);
                    continue;
                }
                if (Native.Rdtsc() > deadline) { Fail("screen " + name + ": no reply from the runner within " + timeoutSeconds + " s"); return false; }
                Native.Pause();
            }
            string r = reply.ToString();
            if (r.Length == 1 && r[0] == TestProtocol.ScreenshotIdentical) return true;
            Fail("screen " + name + ": " + (r.Length > 0 && r[0] == TestProtocol.ScreenshotDifferent ? r.Substring(1) : "unexpected reply '" + r + "'"));
            return false;
        }

        /// <summary>
        /// The expect-* lines carry "name: text" with no running case to delimit the name, so such names must not
        /// contain ": " (Test names may). Throws ArgumentException, which ends the kernel in a panic naming the case.
        /// </summary>
        private static void CheckDeclaredName(string name)
        {
            if (!TestProtocol.IsDeclaredNameValid(name)) throw new ArgumentException("test case name '" + name + "' contains \": \", which the runner reads as the end of the name; use another separator");
        }

        /// <summary>Records a failure of the running case.</summary>
        public void Fail(string message)
        {
            if (_firstFailure == null) _firstFailure = message;
        }

        /// <summary>Fails the running case unless <paramref name="condition"/>.</summary>
        public void True(bool condition, string what)
        {
            if (!condition) Fail("expected true: " + what);
        }

        /// <summary>Fails the running case unless the values are equal.</summary>
        public void Equal<T>(T expected, T actual, string what) where T : IEquatable<T>
        {
            bool eq = expected == null ? actual == null : expected.Equals(actual);
            if (!eq) Fail(what + ": expected <" + (expected?.ToString() ?? "null") + "> but got <" + (actual?.ToString() ?? "null") + ">");
        }

        /// <summary>Writes one line to COM1.</summary>
        protected internal static void Line(string s)
        {
            var com = SerialPort.Com1;
            com.Write(s);
            com.Write("\n");
        }

        /// <summary>Ends QEMU through isa-debug-exit (QEMU exits with (code &lt;&lt; 1) | 1).</summary>
        protected internal static void DebugExit(byte code) => IOPort.Write8(TestProtocol.DebugExitPort, code);
    }
}
