using System;
using System.Collections.Generic;
using Cosmos.TestRunner;
using Sys = Cosmos.System;

namespace CosmosStyleTests
{
    /// <summary>Cosmos-style test kernel: BeforeRun/Run with Assert.* and TestController, as Cosmos's test kernels are written.</summary>
    public class Kernel : Sys.Kernel
    {
        protected override void BeforeRun()
        {
            Console.WriteLine("Cosmos booted successfully. Starting the Cosmos-style tests.");
        }

        protected override void Run()
        {
            try
            {
                mDebugger.Send("Run");
                mDebugger.SendNumber(42);
                mDebugger.Break();   // "[Kernel] break" on COM1; a gdb breakpoint on Debugger.BreakHere stops here

                Assert.IsTrue(1 + 1 == 2, "IsTrue: 1 + 1 == 2");
                Assert.IsFalse(string.IsNullOrEmpty("cosmos"), "IsFalse: \"cosmos\" is not empty");
                Assert.AreEqual(6, 2 * 3, "AreEqual(int): 2 * 3");
                Assert.AreEqual(1L << 40, 1099511627776L, "AreEqual(long): 1 << 40");
                Assert.AreEqual("Cosmos", "Cos" + "mos", "AreEqual(string): concatenation");
                Assert.AreEqual(0.5, 1.0 / 2.0, "AreEqual(double): 1.0 / 2.0");
                Assert.AreEqual((object)7, (object)7, "AreEqual(object): boxed ints");
                Assert.AreEqual(new byte[] { 1, 2, 3 }, new byte[] { 1, 2, 3 }, "AreEqual(byte[])");
                Assert.AreEqual(new[] { "a", "b" }, "a,b".Split(','), "AreEqual(string[]): Split");
                Assert.AreNotEqual(3u, 4u, "AreNotEqual(uint)");

                var list = new List<int> { 3, 1, 2 };
                list.Sort();
                Assert.AreEqual(new[] { 1, 2, 3 }, list.ToArray(), "List<int>.Sort");

                var dictionary = new Dictionary<string, int> { ["one"] = 1, ["two"] = 2 };
                Assert.IsTrue(dictionary.TryGetValue("two", out int two) && two == 2, "Dictionary<string, int> lookup");

                Assert.Succeed("reached the end of Run");
                TestController.Completed();
            }
            catch (Exception e)
            {
                mDebugger.Send("Exception occurred: " + e.Message);
                TestController.Failed();
            }
        }
    }
}
