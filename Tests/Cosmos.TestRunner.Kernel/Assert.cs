using System;
using System.Runtime.CompilerServices;

namespace Cosmos.TestRunner
{
    /// <summary>
    /// Assertions of Cosmos-style test kernels (Cosmos API: Cosmos.TestRunner.Assert). Each call is one test case in the
    /// runner's protocol named after its message: <c>start MESSAGE</c>, then <c>pass MESSAGE</c> or
    /// <c>fail MESSAGE: expected … (File.cs:LINE)</c>. A failure ends the kernel through <see cref="TestController.Failed"/>
    /// (Cosmos throws and the kernel stops; exceptions cannot be caught here yet, so it ends directly).
    /// Inside a <see cref="TestKernel.Test"/> body the assertion belongs to that running case instead: a failure marks
    /// it failed and the case goes on, a success adds nothing.
    /// </summary>
    public static class Assert
    {
        /// <summary>Records a passed case named <paramref name="message"/>.</summary>
        public static void Succeed(string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
        {
            if (TestKernel.RunningKernel != null) return;
            string name = CaseName(message);
            TestController.ArmPanicExit(TestProtocol.DebugExitFailures);
            TestKernel.Line(TestProtocol.StartLine(name));
            TestKernel.Line(TestProtocol.PassLine(name));
        }

        /// <summary>Records a failed case named <paramref name="message"/> and ends the kernel (<see cref="TestController.Failed"/>).</summary>
        public static void Fail(string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Failure(message, "failed", file, line);

        /// <summary>Passes when <paramref name="condition"/> is true.</summary>
        public static void IsTrue(bool condition, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
        {
            if (condition) Succeed(message, file, line); else Failure(message, "expected true", file, line);
        }

        /// <summary>Passes when <paramref name="condition"/> is false.</summary>
        public static void IsFalse(bool condition, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
        {
            if (!condition) Succeed(message, file, line); else Failure(message, "expected false", file, line);
        }

        /// <summary>Passes when the values are equal.</summary>
        public static void AreEqual(int expected, int actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == actual, expected.ToString(), actual.ToString(), message, file, line);
        /// <inheritdoc cref="AreEqual(int, int, string, string, int)"/>
        public static void AreEqual(uint expected, uint actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == actual, expected.ToString(), actual.ToString(), message, file, line);
        /// <inheritdoc cref="AreEqual(int, int, string, string, int)"/>
        public static void AreEqual(long expected, long actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == actual, expected.ToString(), actual.ToString(), message, file, line);
        /// <inheritdoc cref="AreEqual(int, int, string, string, int)"/>
        public static void AreEqual(ulong expected, ulong actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == actual, expected.ToString(), actual.ToString(), message, file, line);
        /// <summary>Passes when the values are equal (ordinal).</summary>
        public static void AreEqual(string expected, string actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(string.Equals(expected, actual), Show(expected), Show(actual), message, file, line);
        /// <summary>Passes when the values are exactly equal (Cosmos compares doubles with ==; NaN never equals).</summary>
        public static void AreEqual(double expected, double actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == actual, expected.ToString(), actual.ToString(), message, file, line);
        /// <summary>Passes when both are null or <c>expected.Equals(actual)</c>.</summary>
        public static void AreEqual(object expected, object actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => Check(expected == null ? actual == null : expected.Equals(actual), Show(expected), Show(actual), message, file, line);
        /// <summary>Passes when both arrays are null or have equal lengths and equal elements.</summary>
        public static void AreEqual(string[] expected, string[] actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckArrays(expected, actual, message, file, line, (e, a, i) => string.Equals(e[i], a[i]), (a, i) => Show(a[i]));
        /// <inheritdoc cref="AreEqual(string[], string[], string, string, int)"/>
        public static void AreEqual(byte[] expected, byte[] actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckArrays(expected, actual, message, file, line, (e, a, i) => e[i] == a[i], (a, i) => a[i].ToString());
        /// <inheritdoc cref="AreEqual(string[], string[], string, string, int)"/>
        public static void AreEqual(int[] expected, int[] actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckArrays(expected, actual, message, file, line, (e, a, i) => e[i] == a[i], (a, i) => a[i].ToString());
        /// <inheritdoc cref="AreEqual(string[], string[], string, string, int)"/>
        public static void AreEqual(uint[] expected, uint[] actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckArrays(expected, actual, message, file, line, (e, a, i) => e[i] == a[i], (a, i) => a[i].ToString());

        /// <summary>Passes when the values differ.</summary>
        public static void AreNotEqual(int expected, int actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckNot(expected != actual, expected.ToString(), message, file, line);
        /// <inheritdoc cref="AreNotEqual(int, int, string, string, int)"/>
        public static void AreNotEqual(uint expected, uint actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckNot(expected != actual, expected.ToString(), message, file, line);
        /// <inheritdoc cref="AreNotEqual(int, int, string, string, int)"/>
        public static void AreNotEqual(long expected, long actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckNot(expected != actual, expected.ToString(), message, file, line);
        /// <inheritdoc cref="AreNotEqual(int, int, string, string, int)"/>
        public static void AreNotEqual(string expected, string actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckNot(!string.Equals(expected, actual), Show(expected), message, file, line);
        /// <inheritdoc cref="AreNotEqual(int, int, string, string, int)"/>
        public static void AreNotEqual(object expected, object actual, string message, [CallerFilePath] string file = null, [CallerLineNumber] int line = 0)
            => CheckNot(!(expected == null ? actual == null : expected.Equals(actual)), Show(expected), message, file, line);

        private static void Check(bool equal, string expected, string actual, string message, string file, int line)
        {
            if (equal) Succeed(message, file, line);
            else Failure(message, "expected <" + expected + "> but got <" + actual + ">", file, line);
        }

        private static void CheckNot(bool differ, string value, string message, string file, int line)
        {
            if (differ) Succeed(message, file, line);
            else Failure(message, "expected a value other than <" + value + ">", file, line);
        }

        private static void CheckArrays<T>(T[] expected, T[] actual, string message, string file, int line, Func<T[], T[], int, bool> same, Func<T[], int, string> show)
        {
            if (expected == null || actual == null) { Check(expected == null && actual == null, expected == null ? "null" : "array", actual == null ? "null" : "array", message, file, line); return; }
            if (expected.Length != actual.Length) { Failure(message, "expected length " + expected.Length + " but got " + actual.Length, file, line); return; }
            for (int i = 0; i < expected.Length; i++)
                if (!same(expected, actual, i)) { Failure(message, "at index " + i + ": expected <" + show(expected, i) + "> but got <" + show(actual, i) + ">", file, line); return; }
            Succeed(message, file, line);
        }

        private static void Failure(string message, string detail, string file, int line)
        {
            string where = " (" + FileName(file) + ":" + line + ")";
            var kernel = TestKernel.RunningKernel;
            if (kernel != null) { kernel.Fail(CaseName(message) + ": " + detail + where); return; }
            string name = CaseName(message);
            TestKernel.Line(TestProtocol.StartLine(name));
            TestKernel.Line(TestProtocol.FailLine(name, detail + where));
            TestController.Failed();
        }

        private static string Show(object o) => o == null ? "null" : o.ToString();

        /// <summary>The message as a one-line case name ("(no message)" when empty).</summary>
        private static string CaseName(string message)
        {
            if (message == null || message.Length == 0) return "(no message)";
            return message.Replace('\n', ' ').Replace('\r', ' ');
        }

        private static string FileName(string path)
        {
            if (path == null) return "?";
            int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
            return slash < 0 ? path : path.Substring(slash + 1);
        }
    }
}
