using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Xunit;

namespace Cosmos.Build.Tests
{
    public sealed class DeterminismTests
    {
        [Fact]
        public void SameInputs_GiveByteIdenticalOutputs_AndUnchangedFilesAreNotRewritten()
        {
            using var ws = new Workspace();
            string target = ws.Compile("TargetLib", Fixtures.TargetLib);
            string plugs = ws.Compile("Plugs", Fixtures.Plugs, target);

            PatchResult a = ws.Patch(new[] { plugs }, new[] { target }, "a");
            PatchResult b = ws.Patch(new[] { plugs }, new[] { target }, "b");
            Assert.True(a.Success && b.Success);
            PatchedAssembly pa = a.PatchedAssemblies.Single(), pb = b.PatchedAssemblies.Single();
            Assert.Equal(File.ReadAllBytes(pa.OutputPath), File.ReadAllBytes(pb.OutputPath));
            Assert.Equal(File.ReadAllBytes(pa.SymbolsPath), File.ReadAllBytes(pb.SymbolsPath));
            Assert.NotEqual(File.ReadAllBytes(target), File.ReadAllBytes(pa.OutputPath));
            Assert.Equal(a.Diagnostics.Select(d => d.ToString()), b.Diagnostics.Select(d => d.ToString()));

            var stamp = File.GetLastWriteTimeUtc(pa.OutputPath);
            PatchResult again = ws.Patch(new[] { plugs }, new[] { target }, "a");
            Assert.False(again.PatchedAssemblies.Single().FileChanged);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(pa.OutputPath));
        }

        [Fact]
        public void OutputDirectoryEqualToTheInputsDirectory_IsRefused()
        {
            using var ws = new Workspace();
            string target = ws.Compile("TargetLib", Fixtures.TargetLib);
            string plugs = ws.Compile("Plugs", Fixtures.Plugs, target);
            byte[] before = File.ReadAllBytes(target);
            PatchResult r = ws.Patch(new[] { plugs }, new[] { target }, "TargetLib");
            Assert.False(r.Success);
            Assert.Equal(DiagnosticCodes.InputError, Assert.Single(r.Errors).Code);
            Assert.Equal(before, File.ReadAllBytes(target));
        }
    
        [Fact]
        public void UnreadableTarget_IsSkippedWithAWarning_MissingPlugAssemblyIsAnError()
        {
            using var ws = new Workspace();
            string target = ws.Compile("TargetLib", Fixtures.TargetLib);
            string plugs = ws.Compile("Plugs", Fixtures.Plugs, target);
            string junk = Path.Combine(ws.Root, "junk.dll");
            File.WriteAllText(junk, "not an assembly");
            PatchResult r = ws.Patch(new[] { plugs }, new[] { junk, target }, "out");
            Assert.True(r.Success, string.Join("\n", r.Diagnostics));
            PatchDiagnostic w = r.Diagnostics.Single(d => d.Code == DiagnosticCodes.UnreadableTarget);
            Assert.Equal(junk, w.File);

            PatchResult missing = ws.Patch(new[] { Path.Combine(ws.Root, "nope.dll") }, new[] { target }, "out2");
            Assert.False(missing.Success);
            Assert.Equal(DiagnosticCodes.InputError, Assert.Single(missing.Errors).Code);
        }
    }
}
