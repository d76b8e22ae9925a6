using System;
using System.Text;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The end of an exception nobody catches. Exceptions are dispatched by the CoreLib's managed
    /// dispatcher (System.Runtime.EH) over this runtime's stack walker (EH/StackFrameIterator.cs); when its
    /// first pass finds no handler it calls the classlib's OnUnhandledException (the CoreLib's
    /// AppContext.OnUnhandledException: AppDomain.UnhandledException handlers run) and then the classlib's
    /// FailFast function — which this runtime answers with <see cref="FailFast"/> (see
    /// Modules.RhpGetClasslibFunctionFromCodeAddress) instead of the CoreLib's RuntimeFailFast (that one
    /// writes to stderr and aborts). The report goes through <see cref="Panic"/>: first line
    /// "Unhandled exception: &lt;Type&gt;: &lt;message&gt;" (the test runner matches it), then the stack
    /// trace with method names, then inner exceptions.
    /// </summary>
    public static unsafe class Exceptions
    {
        /// <summary>Prefix of the report line (the test runner matches it).</summary>
        public const string UnhandledMarker = "Unhandled exception: ";

        /// <summary>ClassLibFunctionId.FailFast.</summary>
        public const int ClasslibFailFast = 1;

        /// <summary>RhFailFastReason values (System.Runtime.RhFailFastReason; checked against the CoreLib by CoreLibContractTests).</summary>
        public const int ReasonInternalError = 1, ReasonUnhandledException = 2, ReasonUnhandledExceptionFromPInvoke = 3,
            ReasonEnvironmentFailFast = 4, ReasonAssertionFailure = 5;

        private static int s_failing;

        /// <summary>Address of <see cref="FailFast"/>, handed to the CoreLib as the classlib FailFast function.</summary>
        public static IntPtr FailFastFunction => (IntPtr)(delegate*<int, object, IntPtr, IntPtr, void>)&FailFast;

        /// <summary>
        /// The classlib FailFast function (signature of the CoreLib's RuntimeExceptionHelpers.RuntimeFailFast:
        /// reason, exception, IP of the last frame searched, OS context): reports and halts. Never returns.
        /// </summary>
        public static void FailFast(int reason, object exception, IntPtr ip, IntPtr context)
        {
            if (s_failing++ != 0)
            {
                Panic.Begin();
                Panic.Write("fail fast while reporting a fail fast (reason ");
                Panic.WriteDecimal((ulong)reason);
                Panic.Write(")");
                Panic.End();
            }
            string report = null;
            try
            {
                report = reason == ReasonUnhandledException || reason == ReasonUnhandledExceptionFromPInvoke
                    ? FormatUnhandledReport(exception)
                    : FormatFailFast(reason, exception);
            }
            catch (Exception)
            {
                report = null;
            }
            Panic.Begin();
            if (report != null)
            {
                Panic.Write(report);
            }
            else
            {
                Panic.Write(reason == ReasonUnhandledException ? UnhandledMarker + "(the report could not be formatted)" : "fail fast (the report could not be formatted)");
            }
            if (report == null || (exception as Exception)?.StackTrace == null)
            {
                Panic.Write("\n   at 0x");
                Panic.WriteHex((ulong)ip);
            }
            Panic.End();
        }

        /// <summary>"Unhandled exception: Type: message", the stack trace lines, " ---&gt; Type: message" for each inner exception, then the kernel thread it happened on.</summary>
        public static unsafe string FormatUnhandledReport(object exception)
        {
            var sb = new StringBuilder();
            sb.Append(UnhandledMarker).Append(Describe(exception));
            AppendTrace(sb, exception as Exception);
            for (var inner = (exception as Exception)?.InnerException; inner != null; inner = inner.InnerException)
            {
                sb.Append("\n ---> ").Append(Describe(inner));
                AppendTrace(sb, inner);
            }
            var thread = Cosmos.Core.Threading.Scheduler.Current;
            if (thread != null)
                sb.Append("\nOn kernel thread ").Append(thread->Id.ToString()).Append(thread == Cosmos.Core.Threading.Scheduler.BootThread ? " (the boot thread)" : "");
            return sb.ToString();
        }

        private static string FormatFailFast(int reason, object exception)
        {
            string what = reason switch
            {
                ReasonInternalError => "internal error in the runtime",
                ReasonEnvironmentFailFast => "Environment.FailFast",
                ReasonAssertionFailure => "assertion failure",
                _ => "reason " + reason.ToString(),
            };
            return exception == null ? "Fail fast: " + what : "Fail fast: " + what + "\n" + FormatUnhandledReport(exception);
        }

        /// <summary>"Type: message" (type name via reflection metadata; the message of an Exception, else "(no message)").</summary>
        public static string Describe(object exception)
        {
            if (exception == null) return "(null)";
            string type = exception.GetType().ToString();
            string message = (exception as Exception)?.Message;
            return type + ": " + (message ?? "(no message)");
        }

        private static void AppendTrace(StringBuilder sb, Exception exception)
        {
            string trace = exception?.StackTrace;
            if (string.IsNullOrEmpty(trace)) return;
            sb.Append('\n').Append(trace.TrimEnd('\r', '\n'));
        }
    }
}
