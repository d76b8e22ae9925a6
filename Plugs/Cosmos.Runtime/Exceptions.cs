using System;
using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Exception throwing. Until the two-pass dispatcher exists (the runtime issue), every
    /// throw is treated as unhandled: the X# RhpThrowEx/RhpRethrow stubs call
    /// <see cref="ReportUnhandled"/>, which prints the exception's type, message and the
    /// address of the throw on serial and VGA, then halts.
    /// </summary>
    public static unsafe class Exceptions
    {
        private static int s_depth;

        /// <summary>Prefix of the report line (the test runner matches it).</summary>
        public const string UnhandledMarker = "Unhandled exception: ";

        /// <summary>Reports <paramref name="exception"/> thrown at <paramref name="throwSite"/> (return address of the throw helper) and halts.</summary>
        [RuntimeExport("cosmos_unhandled_exception")]
        public static void ReportUnhandled(object exception, ulong throwSite, int isRethrow)
        {
            s_depth++;
            if (s_depth > 1)
            {
                Panic.Begin();
                Panic.Write("exception thrown while reporting an unhandled exception");
                Panic.End();
            }
            string type = "?", message = null;
            if (exception is Exception ex)
            {
                type = ex.GetType().ToString();
                message = ex.Message;
            }
            else if (exception != null)
            {
                type = exception.GetType().ToString();
            }
            Panic.Begin();
            Panic.Write(UnhandledMarker);
            Panic.Write(type);
            Panic.Write(": ");
            Panic.Write(message ?? "(no message)");
            Panic.Write(isRethrow != 0 ? "\n   rethrown at 0x" : "\n   thrown at 0x");
            Panic.WriteHex(throwSite);
            Panic.End();
        }
    }
}
