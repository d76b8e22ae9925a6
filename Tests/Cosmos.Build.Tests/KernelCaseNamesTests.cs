using System.Linq;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>Case names read from test kernels' sources without booting them (Tests/Cosmos.Kernels.Tests' rows).</summary>
    public class KernelCaseNamesTests
    {
        [Fact]
        public void FindsTestKernelCalls_InOrder()
        {
            const string src = """"
                Test("ACPI tables were found", () => { True(x, "y"); });
                ExpectExit("Power.Reboot resets the machine", 0, () => Reboot());
                ExpectPanic("null \"deref\"", "Page fault", () => F());
                ExpectSerialLine("console: line", "text");
                CompareScreen(@"scene ""1""", "a.png");
                Test("computed " + i, () => { });
                MyTest("not a case", () => { });
                x.Test("member call, not TestKernel's", () => { });
                """";
            Assert.Equal(new[] { "ACPI tables were found", "Power.Reboot resets the machine", "null \"deref\"", "console: line", "scene \"1\"" },
                KernelCaseNames.FromSource(src));
        }

        [Fact]
        public void FindsCosmosStyleAssertMessages_LastLiteralArgumentOnly()
        {
            const string src = """"
                Assert.IsTrue(Compute(1, "x") == 2, "IsTrue: Compute(1, \"x\")");
                Assert.AreEqual(new[] { 1, 2 }, list.ToArray(), "List<int>.Sort");
                Assert.AreEqual("a,b", s, "computed " + n);
                Assert.Succeed("reached\nthe end");
                Assert.AreEqual(1, 2, "List<int>.Sort");
                """";
            Assert.Equal(new[] { "IsTrue: Compute(1, \"x\")", "List<int>.Sort", "reached the end" }, KernelCaseNames.FromSource(src));
        }

        [Theory]
        [InlineData("\"a\\tb\"", "a\tb")]
        [InlineData("\"\\u0041\"", "A")]
        [InlineData("@\"c:\\x\"", "c:\\x")]
        public void TryLiteral_Decodes(string literal, string value)
        {
            Assert.True(KernelCaseNames.TryLiteral(literal, out var v));
            Assert.Equal(value, v);
        }

        [Theory]
        [InlineData("\"a\" + b")]
        [InlineData("\"a\" + \"b\"")]
        [InlineData("name")]
        [InlineData("$\"x{y}\"")]
        public void TryLiteral_RefusesNonLiterals(string text) => Assert.False(KernelCaseNames.TryLiteral(text, out _));

        [Fact]
        public void CosmosStyleKernel_ListsEveryAssert()
        {
            var names = KernelCaseNames.FromProject(System.IO.Path.Combine(Testing.TestCommand.RepoRoot(), "Tests", "Kernels", "CosmosStyleTests"));
            Assert.Contains("AreEqual(int): 2 * 3", names);
            Assert.Contains("reached the end of Run", names);
            Assert.True(names.Count >= 13, string.Join(", ", names));
        }
    }
}
