using System;
using Cosmos.TestRunner;

namespace ExceptionReportTests
{
    public sealed class Kernel : TestKernel
    {
        private static void Thrower(int depth)
        {
            if (depth == 0) throw new InvalidOperationException("boom from depth " + depth);
            Thrower(depth - 1);
        }

        protected override void RunTests()
        {
            ExpectPanic("unhandled exception reports type and message",
                "Unhandled exception: System.InvalidOperationException: boom from depth 0",
                () => Thrower(3));
        }
    }
}
