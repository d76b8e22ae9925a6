using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Kernels.Tests
{
    /// <summary>
    /// One test per kernel test case: rows are (kernel, case name) for every literal case name in the kernel's sources
    /// (<see cref="KernelCaseNames"/>), plus one row per kernel, <see cref="RuntimeNamed"/>, for the cases whose names only
    /// the boot reports (computed names, runner checks such as fsck.fat, "(exit)"): it fails when any of those failed.
    /// A listed case the boot did not report fails (renamed, or the kernel stopped before it). KNOWN cases are skipped
    /// with their defect as the reason. Filter by kernel with the trait: <c>--filter Kernel=CosmosStyleTests</c>.
    /// </summary>
    public class KernelCases
    {
        /// <summary>Name of the per-kernel row that covers the cases not named literally in the sources.</summary>
        public const string RuntimeNamed = "(cases named at run time)";

        public static IEnumerable<TheoryDataRow<string, string>> Cases()
        {
            foreach (var (kernel, dir) in KernelRuns.Kernels())
            {
                foreach (var name in KernelCaseNames.FromProject(dir).Append(RuntimeNamed))
                {
                    yield return new TheoryDataRow<string, string>(kernel, name)
                        .WithTestDisplayName(kernel + "/" + name)
                        .WithTrait("Kernel", kernel);
                }
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void Case(string kernel, string name)
        {
            var run = KernelRuns.Get(kernel);
            var output = TestContext.Current.TestOutputHelper;
            if (name == RuntimeNamed)
            {
                var listed = new HashSet<string>(KernelCaseNames.FromProject(KernelRuns.ProjectDirectory(kernel)), StringComparer.Ordinal);
                var others = run.Results.Where(r => !listed.Contains(r.Name)).ToList();
                foreach (var r in others) output?.WriteLine((r.Passed ? "PASS  " : r.Known ? "KNOWN " : "FAIL  ") + r.Name + (r.Message != null ? ": " + r.Message : ""));
                output?.WriteLine("\n" + run.Log);   // the whole runner output and serial log, once per kernel
                var failed = others.Where(r => r.Failed).ToList();
                if (failed.Count > 0)
                    Assert.Fail(string.Join("\n", failed.Select(r => r.Name + ": " + r.Message)) + "\n\n" + run.Log);
                return;
            }
            var mine = run.Results.Where(r => r.Name == name).ToList();
            if (mine.Count == 0)
                Assert.Fail($"kernel {kernel} did not report case \"{name}\" (the kernel stopped before it, or the name is computed differently)\n\n{run.Log}");
            var bad = mine.Where(r => r.Failed).ToList();
            if (bad.Count > 0)
                Assert.Fail(string.Join("\n", bad.Select(r => r.Message)) + "\n\n" + run.Log);
            if (mine.All(r => r.Known))
                Assert.Skip("KNOWN: " + mine[0].Message);
        }
    }
}
