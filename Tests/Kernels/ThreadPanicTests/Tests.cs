using System;
using System.Threading;
using Cosmos.TestRunner;

namespace ThreadPanicTests
{
    /// <summary>The exception the worker thread lets escape; its full type name must appear in the panic report.</summary>
    public sealed class WorkerThreadFailure : Exception
    {
        public WorkerThreadFailure(string message) : base(message) { }
    }

    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            // Proves that an exception escaping a thread's start method is an unhandled exception of the kernel: the
            // panic report on COM1 names its type and message. The main thread waits in Join (bounded); if Join returns
            // instead, ExpectPanic reports the case as failed.
            ExpectPanic("an exception escaping a thread's start method ends in the panic report naming it",
                "Unhandled exception: ThreadPanicTests.WorkerThreadFailure: escaped from a worker thread",
                () =>
                {
                    var t = new Thread(() => throw new WorkerThreadFailure("escaped from a worker thread")) { Name = "failing worker" };
                    t.Start();
                    t.Join(10000);
                });
        }
    }
}
