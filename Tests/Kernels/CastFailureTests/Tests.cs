using System;
using Cosmos.TestRunner;

namespace CastFailureTests
{
    internal sealed class Apple { }
    internal sealed class Pear { }

    public sealed class Kernel : TestKernel
    {
        private static object Make(int i) => i > 0 ? new Apple() : new Pear();

        protected override void RunTests()
        {
            Test("a valid cast succeeds", () => True(((Apple)Make(1)) != null, "(Apple)apple"));
            ExpectPanic("an invalid cast is reported", "Unhandled exception: System.InvalidCastException",
                () => { var pear = (Apple)Make(0); Fail("cast returned " + pear); });
        }
    }
}
