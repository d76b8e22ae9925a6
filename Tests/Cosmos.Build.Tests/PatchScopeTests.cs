using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Cosmos.Build.Steps;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// What the patched output depends on (<see cref="PatchResult.Scope"/>) and the kernel build's use of it
    /// (<see cref="PatchStep.UpToDateWithout"/>): an edit of a kernel that no plug involves must not rerun the patcher,
    /// and every way a kernel can matter to the plugs must rerun it.
    /// </summary>
    public sealed class PatchScopeTests
    {
        private const string Target = "namespace T { public static class Calc { public static int Value() => 1; } }";
        private const string Helper = "namespace H { public static class Helper { public static int Offset() => 0; } }";
        private const string Kernel = "namespace K { public static class Program { public static int Main() => 0; } }";

        private static string Plug(string attribute) => @"
using IL2CPU.API.Attribs;
namespace P
{
    [" + attribute + @"]
    public static class CalcPlug
    {
        public static int Value() => 10 + H.Helper.Offset();
    }
}";

        /// <summary>Compiles T, H, K and a plug assembly P whose class has <paramref name="attribute"/>; patches T, H and K with it (must succeed).</summary>
        private static PatchResult PatchCalcBesideKernel(Workspace ws, string attribute)
        {
            string target = ws.Compile("T", Target);
            string helper = ws.Compile("H", Helper);
            string kernel = ws.Compile("K", Kernel);
            string plugs = ws.Compile("P", Plug(attribute), target, helper);
            PatchResult r = ws.Patch(new[] { plugs }, new[] { target, helper, kernel }, "out");
            Assert.True(r.Success, string.Join("\n", r.Diagnostics));
            return r;
        }

        [Theory]
        [InlineData("Plug(typeof(T.Calc))")]
        [InlineData("Plug(TargetName = \"T.Calc, T\")")]
        public void ScopeHasThePlugsTheirTargetsAndTheirReferences_NotAnUninvolvedTarget(string attribute)
        {
            using var ws = new Workspace();
            PatchResult r = PatchCalcBesideKernel(ws, attribute);
            Assert.NotNull(r.Scope);
            foreach (string name in new[] { "P", "T", "H", "IL2CPU.API", "System.Runtime" })
                Assert.Contains(name, r.Scope);
            Assert.DoesNotContain("K", r.Scope);
        }

        [Theory]
        [InlineData("Plug(TargetName = \"K.Program, K\")")]
        [InlineData("Plug(typeof(K.Program))")]
        public void APlugOnTheKernelPutsItInTheScope(string attribute)
        {
            using var ws = new Workspace();
            string kernel = ws.Compile("K", Kernel);
            string plugs = ws.Compile("P", @"
using IL2CPU.API.Attribs;
namespace P
{
    [" + attribute + @"]
    public static class ProgramPlug
    {
        public static int Main() => 7;
    }
}", kernel);
            PatchResult r = ws.Patch(new[] { plugs }, new[] { kernel }, "out");
            Assert.True(r.Success, string.Join("\n", r.Diagnostics));
            Assert.Contains("K", r.Scope);
        }

        [Fact]
        public void ATargetNameWithoutAnAssemblyMakesEveryTargetMatter()
        {
            using var ws = new Workspace();
            PatchResult r = PatchCalcBesideKernel(ws, "Plug(TargetName = \"T.Calc\")");
            Assert.Null(r.Scope);
        }

        [Fact]
        public void UpToDateWithout_OnlyWhenTheRecordLeavesTheKernelOut()
        {
            using var ws = new Workspace();
            string kernel = ws.Compile("K", Kernel);
            string plugKernel = ws.Compile("PK", Plug("Plug(typeof(T.Calc))"), ws.Compile("T", Target), ws.Compile("H", Helper));
            string output = Path.Combine(ws.Root, "patched.dll");
            File.WriteAllText(output, "");
            string scope = Path.Combine(ws.Root, "plugs.scope");
            void Record(params string[] lines) => File.WriteAllLines(scope, new[] { "cosmos-plug-scope 1" }.Concat(lines));

            Assert.False(PatchStep.UpToDateWithout(kernel, scope, out string why));
            Assert.Equal("no record of the last run", why);

            Record("depends-on P", "depends-on T", "output " + output);
            Assert.True(PatchStep.UpToDateWithout(kernel, scope, out why), why);

            Record("depends-on k", "depends-on T", "output " + output);   // names compare without case, as assembly names do
            Assert.False(PatchStep.UpToDateWithout(kernel, scope, out why));

            Record("depends-on *", "output " + output);
            Assert.False(PatchStep.UpToDateWithout(kernel, scope, out why));

            Record("depends-on P", "output " + output + ".gone");
            Assert.False(PatchStep.UpToDateWithout(kernel, scope, out why));
            Assert.Equal("a patched assembly is missing", why);

            // A kernel with plugs of its own (it references IL2CPU.API) always matters.
            Record("depends-on P", "output " + output);
            Assert.False(PatchStep.UpToDateWithout(plugKernel, scope, out why));
            Assert.Contains("references IL2CPU.API", why);

            File.WriteAllText(scope, "something else\n");
            Assert.False(PatchStep.UpToDateWithout(kernel, scope, out _));
        }
    }
}
