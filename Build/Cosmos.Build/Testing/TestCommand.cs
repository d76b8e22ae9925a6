using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// The test runner: the host test projects (Tests/**/*.Tests.csproj, xunit) and the test kernels
    /// (Tests/Kernels/*/*.csproj, booted headless in QEMU, per-test results read from COM1 through
    /// <see cref="SerialProtocol"/>). Exit code 0 only when everything passed.
    /// </summary>
    /// <remarks>
    /// <para>Two phases. <b>Build</b>: everything the run needs is built by one MSBuild invocation with <c>-m</c>
    /// (<see cref="TestBuild"/>), so shared libraries are built once and the kernels' ilc steps overlap. <b>Run</b>: the
    /// host test projects (<c>dotnet test --no-build</c>) and the kernel boots (one QEMU each, its own serial capture)
    /// run in parallel, at most <c>--jobs</c> (default: the processor count) at a time, longest first by the previous
    /// run's durations. Nothing builds during the run phase, so no two processes write the same <c>obj/</c>.</para>
    /// <para>Each project's or kernel's output stays grouped and appears in a fixed order (host projects, then kernels,
    /// each sorted by path) whatever the order they finish in (<see cref="OrderedOutput"/>).</para>
    /// </remarks>
    public static class TestCommand
    {
        public static Command Create()
        {
            var hostOnly = new Option<bool>("--host-only") { Description = "Run only the host (xunit) tests" };
            var kernelsOnly = new Option<bool>("--kernels-only") { Description = "Run only the kernel tests" };
            var filter = new Option<string>("--filter") { Description = "Only test kernels whose project name contains this text" };
            var timeout = new Option<int>("--timeout") { Description = "Seconds a test kernel may run", DefaultValueFactory = _ => 240 };
            var kvm = new Option<bool>("--kvm") { Description = "Boot test kernels with KVM when available" };
            var jobs = new Option<int>("--jobs") { Description = "Test projects and kernels run at once (default: the processor count)", DefaultValueFactory = _ => Environment.ProcessorCount };
            var showLog = new Option<bool>("--log") { Description = "Print every kernel's serial log after its results (failed kernels always show the last 80 lines)" };
            var gcStress = new Option<int>("--gc-stress") { Description = "Test kernels collect on every N-th allocation and poison freed objects (finds missed GC roots; slow: raise --timeout)" };
            var noBundles = new Option<bool>("--no-bundles") { Description = "Build every test kernel as an image of its own instead of several in one test bundle (slower; to tell a bundle's effect from a kernel's defect)" };
            var cmd = new Command("test", "Run all tests: build everything once, then host unit tests and test kernels in QEMU, in parallel.") { hostOnly, kernelsOnly, filter, timeout, kvm, jobs, showLog, gcStress, noBundles };
            cmd.Validators.Add(r => { if (r.GetValue(gcStress) < 0) r.AddError("--gc-stress must be 0 (off) or a positive number of allocations"); });
            cmd.SetAction(p => Program.Guard(() =>
            {
                KernelBoot.ShowLog = p.GetValue(showLog);
                KernelBoot.GcStress = p.GetValue(gcStress);
                return Run(!p.GetValue(kernelsOnly), !p.GetValue(hostOnly), p.GetValue(filter), p.GetValue(timeout), p.GetValue(kvm), p.GetValue(jobs), !p.GetValue(noBundles));
            }));
            return cmd;
        }

        /// <summary>
        /// Tests/Cosmos.Kernels.Tests: the test kernels as `dotnet test` cases (for IDEs and TRX). Not a host test project:
        /// this command boots the same kernels itself.
        /// </summary>
        public const string KernelCasesProject = "Cosmos.Kernels.Tests";

        /// <summary>Tests/Cosmos.Kernel.Tests: inspects and boots the demo OS (Kernel/CosmosOS), so it also waits for that build.</summary>
        public const string DemoOsTestsProject = "Cosmos.Kernel.Tests";

        /// <summary>
        /// Set to 1 for <see cref="DemoOsTestsProject"/> when this run's build produced the demo OS: the project then skips
        /// its own `dotnet build` of it (a no-op here, ≈ 8 s of CPU for MSBuild's restore and up-to-date checks).
        /// </summary>
        public const string DemoOsBuiltVariable = "COSMOS_DEMO_OS_BUILT";

        /// <summary>
        /// Copies the files git knows in <paramref name="root"/> (tracked and new, not ignored: no bin/, obj/ or artifacts/)
        /// to <paramref name="destination"/>, as a fresh clone of the work tree would have them. Throws
        /// <see cref="BuildStepException"/> (COSMOS095) when git cannot list them.
        /// </summary>
        public static void CopyWorkTree(string root, string destination)
        {
            var list = Tool.Run("git", new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" }, root);
            if (list.ExitCode != 0) throw new BuildStepException("COSMOS095", $"git ls-files in {root} failed (exit {list.ExitCode}): {list.StdErr.Trim()}");
            foreach (var f in list.StdOut.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                string src = Path.Combine(root, f);
                if (!File.Exists(src)) continue;   // deleted in the work tree
                string dst = Path.Combine(destination, f);
                Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
                File.Copy(src, dst);
            }
        }

        public static string RepoRoot()
        {
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
                for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                    if (File.Exists(Path.Combine(d.FullName, "CosmosOS.sln"))) return d.FullName;
            throw new BuildStepException("COSMOS090", "cannot find the repository root (a folder with CosmosOS.sln) above the current directory");
        }

        /// <summary>One host test project or test kernel of the run phase.</summary>
        private sealed class Job
        {
            public string Key;          // "host:Tests/X.Tests/X.Tests.csproj" or "kernel:Name": durations history and scheduling
            public Action<TextWriter> Body;
            public Func<bool> Ready = () => true;   // may start (its build is done)
            public double Seconds;
        }

        /// <summary>
        /// The test command's builds (its own MSBuild run and the builds host tests start: the kit flow, the demo OS) compile
        /// through Roslyn's compiler server even where the environment turns it off (<c>UseSharedCompilation=false</c>, as on
        /// this project's CI machines): ≈ 70 compiles in one warm process instead of ≈ 70 fresh Roslyn starts (a clean build
        /// of everything the run needs: 157 s wall and 172 s CPU without it, 50 s and ≈ 76 s with it; docs/FACTS.md).
        /// The server is shut down when the run ends (<see cref="ShutDownCompilerServer"/>).
        /// </summary>
        public const string SharedCompilationVariable = "UseSharedCompilation";

        /// <summary>
        /// The .NET runtime setting that turns tiered PGO off (<c>DOTNET_TieredPGO=0</c>). The test command sets it for the
        /// processes it starts (MSBuild's nodes, the compiler server they start, the test hosts, this toolchain) unless the
        /// environment already sets it. With PGO on, hot methods of MSBuild and Roslyn are compiled a third time, with
        /// instrumentation, before their final code: the run's build of everything (54 projects) took 60 s wall and
        /// ≈ 100 s CPU with it, 33–44 s and 54–72 s without it (docs/FACTS.md, "Build speed", session 18).
        /// </summary>
        public const string TieredPgoVariable = "DOTNET_TieredPGO";

        private static int Run(bool host, bool kernels, string filter, int timeoutSeconds, bool kvm, int maxJobs, bool bundle)
        {
            using var environment = UseRunEnvironment();
            try { return RunAll(host, kernels, filter, timeoutSeconds, kvm, maxJobs, bundle); }
            finally { ShutDownCompilerServer(); }
        }

        /// <summary>
        /// Sets this process's environment, which the run's child processes inherit: <see cref="SharedCompilationVariable"/>
        /// = true, and <see cref="TieredPgoVariable"/> = 0 unless it is already set (a value the user chose stays). Disposing
        /// the result puts both variables back as they were (unset when they were unset).
        /// </summary>
        public static IDisposable UseRunEnvironment()
        {
            string sharedCompilationBefore = Environment.GetEnvironmentVariable(SharedCompilationVariable);
            string tieredPgoBefore = Environment.GetEnvironmentVariable(TieredPgoVariable);
            Environment.SetEnvironmentVariable(SharedCompilationVariable, "true");
            if (tieredPgoBefore == null) Environment.SetEnvironmentVariable(TieredPgoVariable, "0");
            return new Disposable(() =>
            {
                Environment.SetEnvironmentVariable(SharedCompilationVariable, sharedCompilationBefore);
                Environment.SetEnvironmentVariable(TieredPgoVariable, tieredPgoBefore);
            });
        }

        /// <summary>
        /// Ends the compiler server the run's builds started (<c>dotnet build-server shutdown --vbcscompiler</c>), so no
        /// process outlives the test command. A build of the same user that still compiles through it finishes first (the
        /// server completes requests in flight before it exits); the next one starts a new server.
        /// </summary>
        internal static void ShutDownCompilerServer()
        {
            try { Tool.Run("dotnet", new[] { "build-server", "shutdown", "--vbcscompiler" }); }
            catch (Exception e) { Console.WriteLine($"cosmos: warning: could not shut down the compiler server: {e.Message}"); }
        }

        private static int RunAll(bool host, bool kernels, string filter, int timeoutSeconds, bool kvm, int maxJobs, bool bundle)
        {
            var root = RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run, Prerequisites.StorageTests, Prerequisites.ScreenTests, Prerequisites.DebugTests);
            var total = Stopwatch.StartNew();

            var hostProjects = host
                ? Directory.GetFiles(Path.Combine(root, "Tests"), "*.Tests.csproj", SearchOption.AllDirectories)
                    .Where(p => Path.GetFileNameWithoutExtension(p) != KernelCasesProject)
                    .OrderBy(x => x, StringComparer.Ordinal).ToList()
                : new List<string>();
            var kernelProjects = new List<string>();
            if (kernels)
            {
                var dir = Path.Combine(root, "Tests", "Kernels");
                kernelProjects = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.csproj", SearchOption.AllDirectories).OrderBy(x => x, StringComparer.Ordinal).ToList() : new List<string>();
                if (filter != null) kernelProjects = kernelProjects.Where(p => Path.GetFileNameWithoutExtension(p).Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
            }

            // Test kernels that build alike share test bundles (TestBundles): MSBuild compiles only their assemblies, the
            // bundles are built below as soon as their members are.
            var bundles = bundle ? TestBundles.Plan(kernelProjects) : new List<BundlePlan>();
            var bundleOf = bundles.SelectMany(b => b.Members.Select(m => (Member: m, Bundle: b))).ToDictionary(x => x.Member, x => x.Bundle, StringComparer.Ordinal);

            // Phase 1: one build of everything. The demo OS is built too when host tests run: Cosmos.Kernel.Tests
            // inspects and boots it (its own `dotnet build` of it then has nothing left to do).
            // Kernels first: MSBuild starts the listed projects in order, and the test kernels feed the longest chain (their
            // bundles' ilc, then the boots); host test projects start as soon as their own build is done.
            // With bundles, a kernel that builds alone comes last: its whole pipeline (ilc included) holds an MSBuild node,
            // and the bundles' members, which only compile, must not wait behind it (UnoptimizedTests held one node and
            // the demo OS the other for ≈ 25 s, and the bundle's ilc, the run's longest chain, started 60 s later).
            var alone = bundles.Count > 0 ? kernelProjects.Where(p => !bundleOf.ContainsKey(p)).ToList() : new List<string>();
            var toBuild = kernelProjects.Except(alone).ToList();
            var demo = Path.Combine(root, "Kernel", "CosmosOS", "CosmosOS.csproj");
            if (host && File.Exists(demo)) toBuild.Add(demo);
            toBuild.AddRange(hostProjects);
            toBuild.AddRange(alone);
            // Phase 1 (a background task): one build of everything. Phase 2 overlaps it: a test kernel boots as soon as
            // its own build is done (its marker, TestBuild.BuiltSoFar), at most BootsDuringBuild at a time while MSBuild
            // still runs; host test projects wait for the whole build (Cosmos.Kernel.Tests boots the demo OS it builds).
            TestBuildResult build = null;
            Task<TestBuildResult> building = null;
            if (toBuild.Count > 0)
            {
                Console.WriteLine($"build  {hostProjects.Count} host test projects, {kernelProjects.Count} test kernels{(toBuild.Count > hostProjects.Count + kernelProjects.Count ? " and the demo OS" : "")}: one msbuild -m run; kernels boot as they are built");
                foreach (var b in bundles)
                    Console.WriteLine($"build  {b.Name}: one image of {string.Join(", ", b.Members.Select(Path.GetFileNameWithoutExtension))}");
                using var started = new ManualResetEventSlim();
                building = Task.Run(() =>
                {
                    try { return TestBuild.Run(root, toBuild, started.Set, bundleOf.Keys); }
                    finally { started.Set(); }
                });
                started.Wait();
            }
            TestBuildResult Built()
            {
                if (building == null) return null;
                var r = building.Result;
                lock (building)
                {
                    if (build == null)
                    {
                        build = r;
                        int failedBuilds = toBuild.Count(p => !build.Succeeded(p));
                        Console.WriteLine($"build  {(failedBuilds == 0 ? "ok" : failedBuilds + " of " + toBuild.Count + " projects failed")} ({Tool.Seconds(build.Elapsed)})");
                        if (failedBuilds > 0 && host && !build.Succeeded(demo) && File.Exists(demo))
                            Console.WriteLine(Indent("the demo OS (Kernel/CosmosOS) did not build:\n" + build.ErrorsFor(demo)));
                    }
                }
                return r;
            }
            bool BuildDone() => building == null || building.IsCompleted;

            // The bundles, one at a time (ilc uses every core), each once all its members are compiled (or the build is over),
            // whichever is ready first.
            var bundleResults = new System.Collections.Concurrent.ConcurrentDictionary<string, BundleResult>(StringComparer.Ordinal);
            bool MemberBuilt(string member) => TestBuild.BuiltSoFar(root, toBuild.IndexOf(member));
            var bundling = new Thread(() =>
            {
                var left = bundles.ToList();
                while (left.Count > 0)
                {
                    // The first bundle (in plan order) whose members are all compiled; any once MSBuild is done.
                    var b = left.FirstOrDefault(x => x.Members.All(MemberBuilt)) ?? (BuildDone() ? left[0] : null);
                    if (b == null) { Thread.Sleep(250); continue; }
                    left.Remove(b);
                    BundleResult r;
                    try { r = TestBundles.Build(root, b, MemberBuilt); }
                    catch (Exception e) { r = new BundleResult(false, new List<string>(), "the runner failed: " + e, TimeSpan.Zero); }
                    bundleResults[b.Name] = r;
                    Console.WriteLine($"build  {b.Name} {(r.Succeeded ? "ok" : "FAILED")} ({Tool.Seconds(r.Elapsed)})");
                    // Its toolchain steps with their times (where a slow bundle's time went), e.g. "[ilc] ... (30.1 s)".
                    if (r.Succeeded)
                        foreach (var step in r.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("cosmos: [", StringComparison.Ordinal)))
                            Console.WriteLine("         " + step.Substring("cosmos: ".Length));
                }
            }) { IsBackground = true, Name = "test bundles" };
            bundling.Start();

            // Phase 2: run host test projects and boot kernels in parallel; output grouped, in the order above.
            int hostFailed = 0, kPassed = 0, kFailed = 0, kKnown = 0;
            var jobs = new List<Job>();
            void Count(List<TestCaseResult> results)
            {
                Interlocked.Add(ref kPassed, results.Count(r => r.Passed));
                Interlocked.Add(ref kKnown, results.Count(r => r.Known));
                Interlocked.Add(ref kFailed, results.Count(r => r.Failed));
            }
            // A host test project starts once its own build is done (it runs `dotnet test --no-build` on its own output);
            // Cosmos.Kernel.Tests also waits for the demo OS, which it inspects and boots. One that failed to build waits for
            // the whole build, which says why.
            int demoIndex = toBuild.IndexOf(demo);
            foreach (var proj in hostProjects)
            {
                var rel = Path.GetRelativePath(root, proj);
                int index = toBuild.IndexOf(proj);
                bool needsDemo = Path.GetFileNameWithoutExtension(proj) == DemoOsTestsProject;
                bool OwnBuildDone() => TestBuild.BuiltSoFar(root, index) && (!needsDemo || demoIndex < 0 || TestBuild.BuiltSoFar(root, demoIndex));
                jobs.Add(new Job
                {
                    Key = "host:" + rel,
                    Ready = () => BuildDone() || OwnBuildDone(),
                    Body = w =>
                    {
                        bool demoBuilt = needsDemo && demoIndex >= 0 && TestBuild.BuiltSoFar(root, demoIndex);
                        if (!RunHostProject(root, proj, rel, OwnBuildDone() ? null : Built(), demoBuilt, w)) Interlocked.Increment(ref hostFailed);
                    },
                });
            }
            foreach (var proj in kernelProjects)
            {
                var name = Path.GetFileNameWithoutExtension(proj);
                int index = toBuild.IndexOf(proj);
                if (bundleOf.TryGetValue(proj, out var plan))
                {
                    jobs.Add(new Job
                    {
                        Key = "kernel:" + name,
                        Ready = () => bundleResults.ContainsKey(plan.Name),
                        Body = w => Count(RunBundledKernel(root, proj, plan, bundleResults[plan.Name], BuildDone() ? Built() : null, timeoutSeconds, kvm, w)),
                    });
                    continue;
                }
                jobs.Add(new Job
                {
                    Key = "kernel:" + name,
                    Ready = () => BuildDone() || TestBuild.BuiltSoFar(root, index),
                    Body = w =>
                    {
                        // Built early (marker present): boot now; otherwise the finished build says why it failed.
                        bool early = !BuildDone() && TestBuild.BuiltSoFar(root, index);
                        Count(RunKernel(proj, early ? null : Built(), timeoutSeconds, kvm, w));
                    },
                });
            }
            RunJobs(root, jobs, Math.Max(1, maxJobs), BuildDone);
            Built();
            bundling.Join();

            Console.WriteLine();
            Console.WriteLine($"Summary: host projects {hostProjects.Count - hostFailed}/{hostProjects.Count} passed; kernel test cases {kPassed} passed, {kFailed} failed{(kKnown > 0 ? $", {kKnown} known failures of upstream defects" : "")} ({Tool.Seconds(total.Elapsed)})");
            return hostFailed == 0 && kFailed == 0 ? 0 : 1;
        }

        internal static string Indent(string s) => string.Join("\n", s.Split('\n').Select(l => "      " + l.TrimEnd()));

        /// <summary>
        /// bin/Debug/TFM/NAME.dll of test project <paramref name="project"/> when exactly one such file exists (the run's
        /// build wrote it, with Configuration=Debug) and is not older than the project file; else null.
        /// </summary>
        public static string BuiltTestAssembly(string project)
        {
            string bin = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(project))!, "bin", "Debug");
            if (!Directory.Exists(bin)) return null;
            string name = Path.GetFileNameWithoutExtension(project) + ".dll";
            var found = Directory.GetDirectories(bin).Select(d => Path.Combine(d, name)).Where(File.Exists).ToList();
            if (found.Count != 1 || File.GetLastWriteTimeUtc(found[0]) < File.GetLastWriteTimeUtc(project)) return null;
            return found[0];
        }

        /// <summary>Niceness (nice(1)) of the host test projects' processes; kernel boots and bundles run at the runner's own.</summary>
        public const int HostProjectNiceness = 5;

        /// <summary>
        /// Runs one host test project (already built); false when it failed. <paramref name="build"/>: the finished build, or
        /// null when this project's own build is known to have succeeded; <paramref name="demoBuilt"/>: this run built the demo
        /// OS (<see cref="DemoOsBuiltVariable"/>).
        /// </summary>
        private static bool RunHostProject(string root, string proj, string rel, TestBuildResult build, bool demoBuilt, TextWriter w)
        {
            if (build != null && !build.Succeeded(proj))
            {
                w.WriteLine($"FAIL  host  {rel}  (build failed)");
                w.WriteLine(Indent(build.ErrorsFor(proj)));
                return false;
            }
            // At a lower CPU priority (nice 5): the bundle's ilc and the kernel boots, which the rest of the run waits
            // for, get the processors first; host tests take what they leave (none waits for them).
            // The built test assembly itself when it can be found (VSTest straight away: no MSBuild evaluation of the
            // project, ≈ 1.5 s CPU less per project), else the project with --no-build.
            var args = new List<string> { "-n", HostProjectNiceness.ToString(CultureInfo.InvariantCulture) };
            if (demoBuilt) args.AddRange(new[] { "env", DemoOsBuiltVariable + "=1" });
            args.AddRange(new[] { "dotnet", "test" });
            string assembly = BuiltTestAssembly(proj);
            if (assembly != null) args.Add(assembly);
            else args.AddRange(new[] { proj, "--no-build", "-v", "q" });
            args.AddRange(new[] { "--nologo", "--logger", "console;verbosity=minimal" });
            var r = Tool.Run("nice", args, root);
            var summary = (r.StdOut + r.StdErr).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("Passed!") || l.StartsWith("Failed!") || l.Contains("Total tests")) ?? "";
            if (r.ExitCode == 0)
            {
                w.WriteLine($"PASS  host  {rel}  {summary}");
                return true;
            }
            w.WriteLine($"FAIL  host  {rel}  (exit {r.ExitCode})");
            w.WriteLine(Indent(r.StdOut + r.StdErr));
            return false;
        }

        /// <summary>
        /// Boots one built test kernel; returns its test case results (a failed build is one failed case). <paramref name="build"/>
        /// is null when the kernel's own build finished while the overall build still runs (it succeeded: its marker exists).
        /// </summary>
        private static List<TestCaseResult> RunKernel(string project, TestBuildResult build, int timeoutSeconds, bool kvm, TextWriter w)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var projectDir = Path.GetDirectoryName(project)!;
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(projectDir), name + ".iso");
            if ((build != null && !build.Succeeded(project)) || !File.Exists(iso))
            {
                w.WriteLine($"FAIL  kernel {name}: build failed");
                w.WriteLine(Indent(build != null ? build.ErrorsFor(project) : "no ISO at " + iso));
                return new List<TestCaseResult> { new(name + " (build)", false, "build failed") };
            }
            return KernelBoot.Run(name, projectDir, iso, timeoutSeconds, kvm, w);
        }

        /// <summary>
        /// Boots test kernel <paramref name="project"/> from its bundle's image (<paramref name="bundle"/>, built), the kernel
        /// chosen through fw_cfg; its disks and screenshots go to a folder of its own beside the image. A member whose own
        /// build failed, or a bundle that failed to build, is one failed case. <paramref name="build"/> is the finished
        /// MSBuild run, or null while it still runs.
        /// </summary>
        private static List<TestCaseResult> RunBundledKernel(string root, string project, BundlePlan plan, BundleResult bundle, TestBuildResult build, int timeoutSeconds, bool kvm, TextWriter w)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            if (!bundle.Members.Contains(project) || !bundle.Succeeded)
            {
                string why = !bundle.Members.Contains(project)
                    ? (build != null ? build.ErrorsFor(project) : "its assembly did not build")
                    : $"test bundle {plan.Name} ({string.Join(", ", bundle.Members.Select(Path.GetFileNameWithoutExtension))}) did not build:\n{bundle.Output}";
                w.WriteLine($"FAIL  kernel {name}: build failed");
                w.WriteLine(Indent(why));
                return new List<TestCaseResult> { new(name + " (build)", false, "build failed") };
            }
            string workDir = Path.Combine(TestBundles.Directory(root, plan.Name), name);
            string iso = bundle.Isos.TryGetValue(project, out var own) ? own : TestBundles.Iso(root, plan.Name);
            return KernelBoot.Run(name, Path.GetDirectoryName(project)!, iso, timeoutSeconds, kvm, w, bundleKernel: name, workDir: workDir);
        }

        /// <summary>Jobs that may run at once while the build still runs (it has MSBuild's nodes beside them; boots have timeouts).</summary>
        public const int BootsDuringBuild = 1;

        /// <summary>
        /// Idle CPU (in cores, averaged over the last ≈ 2 s) at which one more job starts beyond the guaranteed number
        /// (<see cref="BootsDuringBuild"/> while MSBuild runs, <c>--jobs</c> after it): a QEMU boot waiting on its guest's
        /// timers, a host project starting its test host or a kernel waiting for a host peer leave a core idle that the
        /// next job can use. At most one such start per <see cref="ExtraJobSpacing"/>, and never more than
        /// <see cref="MaxJobsPerCore"/> jobs per core.
        /// </summary>
        public const double IdleCoresForExtraJob = 0.75;

        /// <summary>Time between two starts of jobs beyond the guaranteed number (a job needs a moment to show its load).</summary>
        public static readonly TimeSpan ExtraJobSpacing = TimeSpan.FromSeconds(2);

        /// <summary>Upper bound of jobs at once, per processor, however idle the CPU is.</summary>
        public const int MaxJobsPerCore = 2;

        /// <summary>
        /// Runs <paramref name="jobs"/> among those whose <see cref="Job.Ready"/> is true, kernel boots before host projects
        /// and each longest first (<see cref="ReadDurations"/>), printing their output in list order. <paramref name="parallel"/>
        /// boots, and host projects up to that many jobs in all, are guaranteed (<see cref="BootsDuringBuild"/> while
        /// <paramref name="buildDone"/> is false); more start only on idle CPU (<see cref="IdleCoresForExtraJob"/>), at most
        /// <see cref="MaxJobsPerCore"/> per processor. Records the durations for the next run.
        /// </summary>
        private static void RunJobs(string root, List<Job> jobs, int parallel, Func<bool> buildDone)
        {
            if (jobs.Count == 0) return;
            var history = ReadDurations(root);
            var output = new OrderedOutput(Console.Out, jobs.Count);
            // Kernel boots before host projects whenever both are ready: the boots wait for their bundle (the longest
            // chain of the run: build, bundle, boots), the host projects have been ready since the build and fill the gaps
            // (they also run at a lower CPU priority, RunHostProject). Within each, longest first; unknown jobs count as
            // long: they start early instead of finishing last.
            bool IsKernel(int i) => jobs[i].Key.StartsWith("kernel:", StringComparison.Ordinal);
            var order = Enumerable.Range(0, jobs.Count)
                .OrderBy(i => IsKernel(i) ? 0 : 1)
                .ThenByDescending(i => history.TryGetValue(jobs[i].Key, out var s) ? s : double.MaxValue)
                .ThenBy(i => i).ToList();
            var gate = new object();
            var started = new bool[jobs.Count];
            int running = 0, left = jobs.Count;
            int cap = Math.Max(parallel, MaxJobsPerCore * Environment.ProcessorCount);
            using var idle = new CpuIdleMeter();
            var lastExtra = Stopwatch.StartNew();
            // A kernel boot may start while fewer than the guaranteed number of boots run and at most one job more than that
            // number runs in all (host projects are niced, so they yield, but four CPU-bound jobs on two cores made every
            // one slower: runs with both long host projects beside two boots took 20-40 % more CPU, docs/FACTS.md); a host
            // project while fewer than that many jobs run in all; beyond that, either only on idle CPU
            // (IdleCoresForExtraJob), and never more than `cap` jobs at once.
            int runningKernels = 0;
            int Take()
            {
                while (true)
                {
                    lock (gate)
                    {
                        if (left == 0) return -1;
                        int guaranteed = buildDone() ? parallel : Math.Min(parallel, BootsDuringBuild);
                        bool idleNow = running < cap && lastExtra.Elapsed >= ExtraJobSpacing && idle.IdleCores >= IdleCoresForExtraJob;
                        foreach (int i in order)
                        {
                            if (started[i] || !jobs[i].Ready()) continue;
                            bool kernel = IsKernel(i);
                            bool sure = running < cap && (kernel ? runningKernels < guaranteed && running <= guaranteed : running < guaranteed);
                            if (!sure && !idleNow) continue;
                            started[i] = true; running++; left--;
                            if (kernel) runningKernels++;
                            if (!sure) { lastExtra.Restart(); idle.Reset(); }
                            return i;
                        }
                    }
                    Thread.Sleep(250);
                }
            }
            var threads = new List<Thread>();
            for (int t = 0; t < Math.Min(cap, jobs.Count); t++)
            {
                var thread = new Thread(() =>
                {
                    int i;
                    while ((i = Take()) >= 0)
                    {
                        var w = output.Writer(i);
                        var sw = Stopwatch.StartNew();
                        try { jobs[i].Body(w); }
                        catch (Exception e) { w.WriteLine($"FAIL  {jobs[i].Key}: the runner failed: {e}"); }
                        finally
                        {
                            jobs[i].Seconds = sw.Elapsed.TotalSeconds;
                            lock (gate) { running--; if (IsKernel(i)) runningKernels--; }
                            output.Complete(i);
                        }
                    }
                }) { IsBackground = true, Name = "test job " + t };
                thread.Start();
                threads.Add(thread);
            }
            foreach (var thread in threads) thread.Join();
            foreach (var j in jobs) history[j.Key] = j.Seconds;
            WriteDurations(root, history);
        }

        private static string DurationsFile(string root) => Path.Combine(TestBuild.WorkDirectory(root), "durations.txt");

        /// <summary>
        /// Seconds each job took when it last ran in this checkout (obj/cosmos-test/durations.txt), and for jobs it has not
        /// run yet (a fresh clone, as in CI) the figures of a reference run shipped with the tool (Testing/ExpectedDurations.txt):
        /// without them a fresh clone would start the host projects in file order and boot every kernel only after them.
        /// </summary>
        private static Dictionary<string, double> ReadDurations(string root)
        {
            var d = new Dictionary<string, double>(StringComparer.Ordinal);
            using (var expected = typeof(TestCommand).Assembly.GetManifestResourceStream("Cosmos.Build.Testing.ExpectedDurations.txt"))
                if (expected != null)
                    using (var reader = new StreamReader(expected))
                        ParseDurations(reader.ReadToEnd().Split('\n'), d);
            try
            {
                if (File.Exists(DurationsFile(root))) ParseDurations(File.ReadAllLines(DurationsFile(root)), d);
            }
            catch (IOException) { }
            return d;
        }

        private static void ParseDurations(IEnumerable<string> lines, Dictionary<string, double> d)
        {
            foreach (var raw in lines)
            {
                var line = raw.TrimEnd('\r');
                if (line.StartsWith('#')) continue;
                int sp = line.LastIndexOf(' ');
                if (sp > 0 && double.TryParse(line.AsSpan(sp + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double s))
                    d[line.Substring(0, sp)] = s;
            }
        }

        private static void WriteDurations(string root, Dictionary<string, double> d)
        {
            try
            {
                Directory.CreateDirectory(TestBuild.WorkDirectory(root));
                File.WriteAllLines(DurationsFile(root), d.OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => p.Key + " " + p.Value.ToString("0.0", CultureInfo.InvariantCulture)));
            }
            catch (IOException) { }
        }
    }
}
