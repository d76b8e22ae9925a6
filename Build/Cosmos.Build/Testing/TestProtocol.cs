namespace Cosmos.TestRunner
{
    /// <summary>
    /// The one definition of the serial protocol between a test kernel and the host's test runner. This file is
    /// compiled into both sides: into the toolchain (Build/Cosmos.Build, whose <c>Testing.SerialProtocol</c> parses
    /// the lines) and, linked, into the kernel library Tests/Cosmos.TestRunner.Kernel (whose <c>TestKernel</c> prints
    /// them on COM1). It must therefore stay kernel-safe: constants and string concatenation only.
    /// </summary>
    /// <remarks>
    /// Lines, one per event: <c>##cosmos-test start NAME</c>, <c>pass NAME</c>, <c>fail NAME: MESSAGE</c>,
    /// <c>expect-panic NAME: TEXT</c> (the next panic must contain TEXT and ends the kernel), <c>expect-exit NAME: STATUS</c>
    /// (QEMU must then exit with STATUS), <c>expect-serial NAME: TEXT</c> (a later line must end with TEXT before
    /// <c>done</c>), <c>screenshot NAME: EXPECTED</c> (answered on COM1, see <see cref="Screenshot"/>), <c>done</c>. Names of the expect-* cases must not contain <see cref="NameSeparator"/> (nothing else
    /// delimits them). Panic reports (Kernel/Cosmos.Core/Panic.cs, whose constants a host test pins to these) start with
    /// <see cref="PanicMarker"/> and end with <see cref="PanicHaltedLine"/> or <see cref="PanicRebootingLine"/>.
    /// </remarks>
    public static class TestProtocol
    {
        /// <summary>Start of every protocol line.</summary>
        public const string Prefix = "##cosmos-test ";

        /// <summary>A case begins (<c>start NAME</c>).</summary>
        public const string Start = "start";
        /// <summary>The running case passed (<c>pass NAME</c>).</summary>
        public const string Pass = "pass";
        /// <summary>A case failed (<c>fail NAME: MESSAGE</c>).</summary>
        public const string Fail = "fail";
        /// <summary>The case failed exactly as a documented defect outside this repository makes it fail
        /// (<c>known NAME: DEFECT</c>); counted apart from passes and failures.</summary>
        public const string Known = "known";
        /// <summary>The next panic must contain a text and ends the kernel (<c>expect-panic NAME: TEXT</c>).</summary>
        public const string ExpectPanic = "expect-panic";
        /// <summary>QEMU must exit with a status (<c>expect-exit NAME: STATUS</c>).</summary>
        public const string ExpectExit = "expect-exit";
        /// <summary>A later serial line must end with a text (<c>expect-serial NAME: TEXT</c>).</summary>
        public const string ExpectSerial = "expect-serial";
        /// <summary>
        /// The kernel asks for a screenshot (<c>screenshot NAME: EXPECTED</c>, EXPECTED a PNG path relative to the kernel's
        /// project folder): the runner takes it through the QEMU monitor (screendump), compares its top-left corner of the
        /// expected image's size with the expected image, and types one reply line into COM1:
        /// <see cref="ScreenshotIdentical"/>, or <see cref="ScreenshotDifferent"/> followed by what differed. The kernel
        /// leaves the screen alone until the reply arrives.
        /// </summary>
        public const string Screenshot = "screenshot";
        /// <summary>Reply to <see cref="Screenshot"/>: every pixel equals the expected image.</summary>
        public const char ScreenshotIdentical = '=';
        /// <summary>Reply to <see cref="Screenshot"/>: followed by the reason (pixels differ, no expected image, screendump failed).</summary>
        public const char ScreenshotDifferent = '!';

        /// <summary>All cases ran (<c>done</c>).</summary>
        public const string Done = "done";

        /// <summary>Separates a case name from its message or text.</summary>
        public const string NameSeparator = ": ";

        /// <summary>First characters of a panic report's first line (Cosmos.Core.Panic.Marker).</summary>
        public const string PanicMarker = "!!! PANIC: ";
        /// <summary>Last line of a panic report that halts (Cosmos.Core.Panic.HaltedLine).</summary>
        public const string PanicHaltedLine = "System halted.";
        /// <summary>Last line of a panic report that resets the machine (Cosmos.Core.Panic.RebootingLine).</summary>
        public const string PanicRebootingLine = "Rebooting.";

        /// <summary>I/O port of QEMU's isa-debug-exit device: writing v ends QEMU with status (v &lt;&lt; 1) | 1.</summary>
        public const int DebugExitPort = 0xF4;
        /// <summary>
        /// Value a test kernel writes to <see cref="DebugExitPort"/> when it completed with every case passing (QEMU
        /// status 33). Not 0: QEMU's own statuses 0 (shutdown, reset under -no-reboot) and 1 (error) stay distinct.
        /// </summary>
        public const byte DebugExitAllPassed = 0x10;
        /// <summary>Value a test kernel writes to <see cref="DebugExitPort"/> when a case failed or the kernel panicked (QEMU status 35).</summary>
        public const byte DebugExitFailures = 0x11;
        /// <summary>QEMU's exit status after <see cref="DebugExitAllPassed"/>: 33.</summary>
        public const int QemuStatusAllPassed = (DebugExitAllPassed << 1) | 1;
        /// <summary>QEMU's exit status after <see cref="DebugExitFailures"/>: 35.</summary>
        public const int QemuStatusFailures = (DebugExitFailures << 1) | 1;

        /// <summary>
        /// fw_cfg file (QEMU <c>-fw_cfg name=…,string=NAME</c>) that names the test kernel a test bundle runs: a bundle is one
        /// image holding several test kernels (Build/Cosmos.Build/Steps/TestBundle.cs), booted once per kernel.
        /// </summary>
        public const string BundleKernelFile = "opt/cosmos/test-kernel";

        /// <summary>QEMU's exit status after the guest wrote <paramref name="value"/> to <see cref="DebugExitPort"/>.</summary>
        public static int QemuStatusAfterDebugExit(byte value) => (value << 1) | 1;

        public static string StartLine(string name) => Prefix + Start + " " + name;
        public static string PassLine(string name) => Prefix + Pass + " " + name;
        public static string FailLine(string name, string message) => Prefix + Fail + " " + name + NameSeparator + message;
        public static string KnownLine(string name, string defect) => Prefix + Known + " " + name + NameSeparator + defect;
        public static string ExpectPanicLine(string name, string text) => Prefix + ExpectPanic + " " + name + NameSeparator + text;
        public static string ExpectExitLine(string name, int status) => Prefix + ExpectExit + " " + name + NameSeparator + status.ToString();
        public static string ExpectSerialLine(string name, string text) => Prefix + ExpectSerial + " " + name + NameSeparator + text;
        /// <summary>The <see cref="Screenshot"/> request line: <c>screenshot NAME: EXPECTED</c>.</summary>
        public static string ScreenshotLine(string name, string expected) => Prefix + Screenshot + " " + name + NameSeparator + expected;
        public static string DoneLine() => Prefix + Done;

        /// <summary>False for an expect-* case name the runner could not delimit (it contains <see cref="NameSeparator"/>).</summary>
        public static bool IsDeclaredNameValid(string name) => !name.Contains(NameSeparator);
    }
}
