using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;

namespace Cosmos.Kernels.Tests
{
    /// <summary>What one boot of a test kernel reported: its cases and everything the runner printed (serial log included).</summary>
    public sealed record KernelRun(IReadOnlyList<TestCaseResult> Results, string Log);

    /// <summary>
    /// Builds and boots each test kernel at most once per test run (the first case of a kernel waits for it, the others
    /// reuse it), through Build/Cosmos.Build's <see cref="TestBuild"/> and <see cref="KernelBoot"/>, as
    /// <c>Cosmos.Build -- test</c> does. Prerequisites (nasm, QEMU, mtools, …) are installed on first use as there.
    /// Timeout per boot: COSMOS_TEST_TIMEOUT seconds (default 240, like <c>test --timeout</c>).
    /// </summary>
    public static class KernelRuns
    {
        private static readonly ConcurrentDictionary<string, Lazy<KernelRun>> s_runs = new();
        private static readonly object s_buildLock = new();
        private static readonly Lazy<bool> s_prerequisites = new(() =>
        {
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run, Prerequisites.StorageTests, Prerequisites.ScreenTests);
            return true;
        });

        /// <summary>Repository root (the folder with CosmosOS.sln).</summary>
        public static string Root => TestCommand.RepoRoot();

        /// <summary>Every test kernel: (name, project folder) of Tests/Kernels/NAME/NAME.csproj.</summary>
        public static IEnumerable<(string Name, string Dir)> Kernels() =>
            Directory.EnumerateDirectories(Path.Combine(Root, "Tests", "Kernels"))
                .Select(d => (Name: Path.GetFileName(d), Dir: d))
                .Where(k => File.Exists(Path.Combine(k.Dir, k.Name + ".csproj")))
                .OrderBy(k => k.Name, StringComparer.Ordinal);

        public static string ProjectDirectory(string kernel) => Path.Combine(Root, "Tests", "Kernels", kernel);

        /// <summary>The (cached) run of <paramref name="kernel"/>.</summary>
        public static KernelRun Get(string kernel) => s_runs.GetOrAdd(kernel, k => new Lazy<KernelRun>(() => BuildAndBoot(k))).Value;

        private static KernelRun BuildAndBoot(string kernel)
        {
            _ = s_prerequisites.Value;
            string dir = ProjectDirectory(kernel);
            string project = Path.Combine(dir, kernel + ".csproj");
            var log = new StringWriter();
            // One build at a time: concurrent builds of projects sharing libraries would race on their obj/ folders
            // (TestBuild's note). Boots run in parallel when xunit runs kernels' cases in parallel.
            TestBuildResult build;
            lock (s_buildLock) build = TestBuild.Run(Root, new[] { project });
            string iso = Path.Combine(BuildInfo.KernelOutputDirectory(dir), kernel + ".iso");
            if (!build.Succeeded(project) || !File.Exists(iso))
            {
                string errors = build.ErrorsFor(project);
                return new KernelRun(new[] { new TestCaseResult(kernel + " (build)", false, "build failed:\n" + errors) }, errors);
            }
            int timeout = int.TryParse(Environment.GetEnvironmentVariable("COSMOS_TEST_TIMEOUT"), out int t) && t > 0 ? t : 240;
            KernelBoot.ShowLog = true;   // the serial log goes into the run's text, shown with every failing case
            var results = KernelBoot.Run(kernel, dir, iso, timeout, kvm: false, log);
            return new KernelRun(results, log.ToString());
        }
    }
}
