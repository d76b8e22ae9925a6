namespace Cosmos.Core
{
    /// <summary>
    /// Lets the interrupt dispatcher (Cosmos.Core) turn CPU exceptions raised by managed code into .NET
    /// exceptions, and print managed stack traces in crash reports, without referencing the runtime
    /// (Cosmos.Runtime, a higher layer), which installs both in its early initialisation
    /// (Cosmos.Runtime.Startup.EarlyInit).
    /// </summary>
    public static unsafe class HardwareExceptionHook
    {
        /// <summary>
        /// Cosmos.Runtime.HardwareExceptions.TryRaise, or null before the runtime initialised. Call it for
        /// vectors 0 (#DE) and 14 (#PF) — for #PF before anything else can fault, because it reads CR2 —
        /// with the frame the entry stub built. When it returns true the frame was rewritten so that the
        /// interrupt return enters the runtime's throw path on the interrupted stack: return normally
        /// (restore registers from the frame, IRETQ). When it returns false the fault is not a .NET
        /// exception: report it as a crash.
        /// </summary>
        public static delegate*<Layout.InterruptFrame*, bool> Raise;

        /// <summary>
        /// Cosmos.Runtime.ExceptionHandling.StackTraces.WriteForInterruptFrame, or null before the runtime initialised:
        /// writes the managed frames of the interrupted code (one "   at ..." line each, with method
        /// names when the metadata can be read) through <see cref="Panic.Write(string)"/>.
        /// For crash reports; never throws.
        /// </summary>
        public static delegate*<Layout.InterruptFrame*, void> WriteStackTrace;
    }
}
