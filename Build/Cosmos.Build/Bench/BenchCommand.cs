using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Cosmos.Build.Running;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Bench
{
    /// <summary>
    /// Prints the demo OS figures, each beside an in-run baseline: clean build time with an empty patch cache
    /// (beside the same build of the kernel's libraries only, without the Cosmos steps), the kernel steps again with
    /// warm caches and a whole clean build served by this user's caches (beside the cold one), the latter with Roslyn's
    /// compiler server where the environment turns it off (beside the same build without it), a rebuild after an edit of
    /// the kernel's code, no-change rebuild time (beside a no-change build of one library), ISO size (beside the kernel
    /// ELF without debug info and symbols), QEMU start → shell prompt (beside QEMU start → first serial byte, i.e. firmware +
    /// GRUB + boot path), and kernel entry → prompt in TSC ticks; then the interrupt figures of
    /// Tests/Bench/InterruptBench (int3 round trip and timer IRQ entry-to-handler latency, each beside the
    /// bare X# save/restore stub measured in the same run, with the ratio); then the garbage collector
    /// figures of Tests/Bench/GCBench (allocation per 32-byte object beside a bump-pointer loop, and the
    /// collection pause with 100,000 live objects beside a plain walk of them); then the thread figures of
    /// Tests/Bench/ThreadBench (thread switch through Thread.Yield, blocking hand-offs and thread creation, each
    /// beside the bare X# register + SIMD state swap measured in the same run); then the network figures of
    /// Tests/Bench/NetBench (TCP throughput both ways per card beside its raw frame transmit rate, ping round trip).
    /// </summary>
    public static class BenchCommand
    {
        public static Command Create()
        {
            var kvm = new Option<bool>("--kvm") { Description = "Also boot with KVM when /dev/kvm works" };
            var runs = new Option<int>("--boots") { Description = "Boots to average", DefaultValueFactory = _ => 3 };
            var irqOnly = new Option<bool>("--interrupts-only") { Description = "Only the interrupt figures (Tests/Bench/InterruptBench)" };
            var gcOnly = new Option<bool>("--gc-only") { Description = "Only the garbage collector figures (Tests/Bench/GCBench)" };
            var threadsOnly = new Option<bool>("--threads-only") { Description = "Only the thread figures (Tests/Bench/ThreadBench)" };
            var netOnly = new Option<bool>("--net-only") { Description = "Only the network figures (Tests/Bench/NetBench)" };
            var gfxOnly = new Option<bool>("--graphics-only") { Description = "Only the graphics figures (Tests/Bench/GfxBench)" };
            var storageOnly = new Option<bool>("--storage-only") { Description = "Only the storage figures (Tests/Bench/StorageBench)" };
            var buildOnly = new Option<bool>("--build-only") { Description = "Only the build figures: the demo OS (clean, warm caches, edit, no change, ISO size) and a kernel made with the template from the packed kit (pack, first build, edit, no change)" };
            var cmd = new Command("bench", "Print build, boot, interrupt, GC, thread, network, graphics and storage figures of the demo OS.") { kvm, runs, irqOnly, gcOnly, threadsOnly, netOnly, gfxOnly, storageOnly, buildOnly };
            cmd.SetAction(p => Program.Guard(() => p.GetValue(storageOnly) ? RunStorageOnly(p.GetValue(kvm)) : p.GetValue(gfxOnly) ? RunGraphicsOnly(p.GetValue(kvm)) : p.GetValue(netOnly) ? RunNetOnly(p.GetValue(kvm)) : p.GetValue(threadsOnly) ? RunThreadsOnly(p.GetValue(kvm)) : p.GetValue(gcOnly) ? RunGcOnly(p.GetValue(kvm)) : p.GetValue(irqOnly) ? RunInterruptsOnly(p.GetValue(kvm)) : Run(p.GetValue(kvm), Math.Max(1, p.GetValue(runs)), p.GetValue(buildOnly))));
            return cmd;
        }

        private static double Time(Action a) { var sw = Stopwatch.StartNew(); a(); return sw.Elapsed.TotalSeconds; }

        private static void Build(string root, string project, params string[] extra)
        {
            var args = new System.Collections.Generic.List<string> { "build", project, "--nologo", "-v", "q" };
            args.AddRange(extra);
            var r = Tool.Run("dotnet", args, root);
            if (r.ExitCode != 0) throw new BuildStepException("COSMOS095", $"building {project} failed:\n{r.StdOut}{r.StdErr}");
        }

        private static int RunInterruptsOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            InterruptFigures(root, kvm);
            return 0;
        }

        private static int Run(bool kvm, int boots, bool buildOnly = false)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            var proj = Path.Combine(root, "Kernel", "CosmosOS", "CosmosOS.csproj");
            var kdir = Path.GetDirectoryName(proj)!;
            var core = Path.Combine(root, "Kernel", "Cosmos.Core", "Cosmos.Core.csproj");
            Console.WriteLine("CosmosOS bench (demo OS, Kernel/CosmosOS)");

            // A clean build: dotnet clean, and the kernel steps' folder deleted.
            var cosmosObj = Path.Combine(kdir, "obj", "Debug", BuildInfo.KernelTargetFramework, "cosmos");
            void Clean()
            {
                Tool.Run("dotnet", new[] { "clean", proj, "--nologo", "-v", "q" }, root);
                if (Directory.Exists(cosmosObj)) Directory.Delete(cosmosObj, true);
            }
            // Baseline for the clean build: the same projects through Roslyn only.
            Clean();
            double rosylnOnly = Time(() => Build(root, proj, "-p:CosmosSkipKernelBuild=true"));
            Clean();
            // The clean builds use a patch cache of their own: empty for the first, as on a fresh machine, then warm.
            string userCache = Environment.GetEnvironmentVariable("COSMOS_CACHE");
            string benchCache = Path.Combine(Path.GetTempPath(), "cosmos-bench-cache-" + Guid.NewGuid().ToString("N"));
            double clean, cleanWarm;
            try
            {
                Environment.SetEnvironmentVariable("COSMOS_CACHE", benchCache);
                clean = Time(() => Build(root, proj));
                Directory.Delete(cosmosObj, true);
                cleanWarm = Time(() => Build(root, proj));
            }
            finally
            {
                Environment.SetEnvironmentVariable("COSMOS_CACHE", userCache);
                if (Directory.Exists(benchCache)) Directory.Delete(benchCache, true);
            }
            // A clean build with this user's caches, as a second build of a fresh clone on the same machine is; where the
            // environment turns Roslyn's compiler server off (UseSharedCompilation=false, as on this project's machines),
            // once more with it on, as the SDK does by default.
            Clean();
            double cleanUserCache = Time(() => Build(root, proj));
            double cleanServer = 0;
            string sharedCompilation = Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable);
            bool serverOff = string.Equals(sharedCompilation, "false", StringComparison.OrdinalIgnoreCase);
            if (serverOff)
            {
                Clean();
                try
                {
                    Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, "true");
                    cleanServer = Time(() => Build(root, proj));
                }
                finally
                {
                    Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, sharedCompilation);
                    TestCommand.ShutDownCompilerServer();
                }
            }
            double noChange = Time(() => Build(root, proj));
            double noChangeLib = Time(() => Build(root, core));
            // An edit of the kernel's own code that changes its bytes (a comment changes the PDB's source checksum and so
            // the assembly's PDB id), so neither the patch cache nor the ilc cache can serve it; undone afterwards.
            var kernelSource = Path.Combine(kdir, "Kernel.cs");
            string original = File.ReadAllText(kernelSource);
            double edit;
            try
            {
                File.WriteAllText(kernelSource, original + "// bench edit " + Guid.NewGuid().ToString("N") + "\n");
                edit = Time(() => Build(root, proj));
            }
            finally { File.WriteAllText(kernelSource, original); }
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(kdir), "CosmosOS.iso");
            var stripped = Path.Combine(cosmosObj, "kernel.elf");
            Console.WriteLine($"  clean build            {clean,8:0.0} s    (baseline: Roslyn only, same projects {rosylnOnly:0.0} s; empty patch and ilc caches; goal ≤ 20 s on 2 cores)");
            Console.WriteLine($"  kernel steps again     {cleanWarm,8:0.0} s    (baseline: the clean build above {clean:0.0} s, {cleanWarm / clean:0.00}x; Roslyn's output kept, the kernel steps' folder deleted, patch and ilc caches warm)");
            Console.WriteLine($"  clean, warm caches     {cleanUserCache,8:0.0} s    (baseline: the clean build above {clean:0.0} s, {cleanUserCache / clean:0.00}x; everything rebuilt, patch and ilc served from this user's caches)");
            if (serverOff)
                Console.WriteLine($"  clean, compiler server {cleanServer,8:0.0} s    (baseline: the same build without it {cleanUserCache:0.0} s, {cleanServer / cleanUserCache:0.00}x; this environment sets UseSharedCompilation=false, the SDK's default is on)");
            Console.WriteLine($"  kernel edit rebuild    {edit,8:0.0} s    (baseline: no-change rebuild {noChange:0.0} s; goal ≤ 5 s)");
            Console.WriteLine($"  no-change rebuild      {noChange,8:0.0} s    (baseline: no-change build of Cosmos.Core {noChangeLib:0.0} s; goal ≤ 2 s)");
            Console.WriteLine($"  ISO size               {new FileInfo(iso).Length / 1048576.0,8:0.0} MiB  (baseline: kernel ELF without debug info and symbols {new FileInfo(stripped).Length / 1048576.0:0.0} MiB)");
            UserKernelFigures(root);
            if (buildOnly) return 0;

            foreach (bool useKvm in kvm && Qemu.KvmUsable() ? new[] { false, true } : new[] { false })
            {
                double toPrompt = 0, toFirst = 0; ulong ticks = 0; ulong hz = 0;
                string accel = useKvm ? "KVM" : "TCG";
                try
                {
                    for (int i = 0; i < boots; i++)
                    {
                        var b = Boot(iso, useKvm);
                        toPrompt += b.ToPrompt; toFirst += b.ToFirstOutput; ticks += b.Ticks; hz = b.TscMHz;
                    }
                }
                catch (BuildStepException e) when (useKvm)
                {
                    // KVM is optional: report why it did not work (docs/FACTS.md) and go on with the other figures.
                    var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    Console.WriteLine($"  [KVM] the demo OS did not reach its prompt: {string.Join(" | ", lines.TakeLast(3))}");
                    continue;
                }
                Console.WriteLine($"  QEMU start → prompt    {toPrompt / boots,8:0.00} s    (baseline: QEMU start → first kernel output {toFirst / boots:0.00} s) [{accel}, mean of {boots}]");
                ulong meanTicks = ticks / (ulong)boots;
                string ms = hz > 0 ? $"{meanTicks / (double)(hz * 1000):0.0} ms at {hz} MHz" : "";
                Console.WriteLine($"  kernel entry → prompt  {meanTicks,12} TSC ticks ({ms}) [{accel}]");
            }
            InterruptFigures(root, kvm);
            GcFigures(root, kvm);
            ThreadFigures(root, kvm);
            NetFigures(root, kvm);
            GraphicsFigures(root, kvm);
            StorageFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// The build figures of a kernel as a Cosmos user has it (README "Your own kernel"): the kit packed into a feed of
        /// its own, the template installed, <c>dotnet new cosmoskernel</c>, and the new project built through its
        /// PackageReferences with the SDK's defaults (Roslyn's compiler server on). Printed: the pack, the first build,
        /// a kernel edit rebuild and a no-change rebuild (each the median of three, in seconds), each beside the same
        /// for a plain <c>dotnet new console</c> project built in the same way (MSBuild's and Roslyn's own floor); the
        /// edit also beside the ilc step alone.
        /// </summary>
        /// <remarks>
        /// Nothing of the repository or of this user's setup is changed. The kit is packed from a copy of the files git
        /// knows (the repository's own obj/ folders and restore state stay as they are), with a version of its own
        /// (<c>CosmosVersion</c> + <c>-bench.</c> + a stamp), so no package NuGet cached under the same id and version can
        /// stand in for it. Restores use this user's NuGet setup; the bench version's folders are deleted from the global
        /// packages folder afterwards. The template goes to a template-engine hive of its own (<c>--debug:custom-hive</c>).
        /// The patch and ilc caches are this user's, so the first build is served from them where the demo's was.
        /// </remarks>
        private static void UserKernelFigures(string root)
        {
            Console.WriteLine("Your own kernel (README \"Your own kernel\": the kit packed, `dotnet new cosmoskernel`, PackageReferences; the SDK's defaults)");
            string work = Path.Combine(Path.GetTempPath(), "cosmos-bench-kit-" + Guid.NewGuid().ToString("N"));
            string version = BuildInfo.CosmosVersion + "-bench." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            string feed = Path.Combine(work, "feed"), hive = Path.Combine(work, "hive"), copy = Path.Combine(work, "repo");
            string sharedCompilation = Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable);
            ProcessResult Run(string exe, string dir, params string[] args)
            {
                var r = Tool.Run(exe, args, dir);
                if (r.ExitCode != 0)
                    throw new BuildStepException("COSMOS095", $"{exe} {string.Join(" ", args)} failed (exit {r.ExitCode}):\n{string.Join("\n", (r.StdOut + r.StdErr).Split('\n').TakeLast(30))}");
                return r;
            }
            string globalPackages = null;
            try
            {
                Directory.CreateDirectory(work);
                Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, "true");
                var nugetLocals = Regex.Match(Run("dotnet", work, "nuget", "locals", "global-packages", "--list").StdOut, @"global-packages:\s*(\S.*?)\s*$", RegexOptions.Multiline);
                globalPackages = nugetLocals.Success ? nugetLocals.Groups[1].Value : null;
                TestCommand.CopyWorkTree(root, copy);
                double pack = Time(() => Run("dotnet", copy, "pack", "Cosmos.Kit.slnf", "-o", feed, "-p:CosmosVersion=" + version, "--nologo", "-v", "q", "-nodeReuse:false"));
                Run("dotnet", work, "new", "install", Path.Combine(feed, $"Cosmos.Templates.{version}.nupkg"), "--debug:custom-hive", hive);
                Run("dotnet", work, "new", "cosmoskernel", "-n", "MyOS", "-o", Path.Combine(work, "MyOS"), "--debug:custom-hive", hive);
                Run("dotnet", work, "new", "console", "-n", "Plain", "-o", Path.Combine(work, "Plain"), "--debug:custom-hive", hive);
                var kernel = Measure(Path.Combine(work, "MyOS"), "Kernel.cs", "Cosmos booted successfully");
                var unoptimized = Measure(Path.Combine(work, "MyOS"), "Kernel.cs", "Cosmos booted successfully", "-p:CosmosOptimize=false");
                var plain = Measure(Path.Combine(work, "Plain"), "Program.cs", "Hello, World!");
                Console.WriteLine($"  kit pack               {pack,8:0.0} s    (baseline: the demo OS's clean build above; 13 projects in Release, {version})");
                Console.WriteLine($"  first build            {kernel.First,8:0.0} s    (baseline: a plain console project's {plain.First:0.0} s; restore from the feed, patch and ilc caches as left by the demo's builds)");
                Console.WriteLine($"  kernel edit rebuild    {kernel.Edit,8:0.0} s    (baseline: the same edit of a plain console project {plain.Edit:0.0} s, ilc alone {kernel.Ilc:0.0} s; goal ≤ 5 s)");
                Console.WriteLine($"  kernel edit, unoptimized {unoptimized.Edit,6:0.0} s    (CosmosOptimize=false: ilc without -O, ilc alone {unoptimized.Ilc:0.0} s; baseline: the optimized edit above)");
                Console.WriteLine($"  no-change rebuild      {kernel.NoChange,8:0.0} s    (baseline: a plain console project's {plain.NoChange:0.0} s; goal ≤ 2 s)");
            }
            finally
            {
                TestCommand.ShutDownCompilerServer();
                Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, sharedCompilation);
                // The bench's packages as NuGet extracted them (id and version folders, lower case), then the work folder.
                if (globalPackages != null && Directory.Exists(feed))
                    foreach (var nupkg in Directory.GetFiles(feed, "*." + version + ".nupkg"))
                    {
                        string id = Path.GetFileName(nupkg)[..^(version.Length + ".nupkg".Length + 1)];
                        string extracted = Path.Combine(globalPackages, id.ToLowerInvariant(), version.ToLowerInvariant());
                        try
                        {
                            if (Directory.Exists(extracted)) Directory.Delete(extracted, true);
                            string idDir = Path.GetDirectoryName(extracted)!;
                            if (Directory.Exists(idDir) && !Directory.EnumerateFileSystemEntries(idDir).Any()) Directory.Delete(idDir);
                        }
                        catch (IOException) { } catch (UnauthorizedAccessException) { }
                    }
                try { if (Directory.Exists(work)) Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>
        /// Builds the project in <paramref name="dir"/> once, then three edits of <paramref name="file"/> (the string
        /// <paramref name="text"/> changed, so the assembly's bytes change) and three no-change builds; returns seconds
        /// (medians of three) and the ilc step's own seconds of the median edit (0 for a project without the kernel steps).
        /// <paramref name="property"/> (e.g. <c>-p:CosmosOptimize=false</c>) goes to every build.
        /// </summary>
        private static (double First, double Edit, double NoChange, double Ilc) Measure(string dir, string file, string text, string property = null)
        {
            ProcessResult build = null;
            var args = new System.Collections.Generic.List<string> { "build", "--nologo", "-nodeReuse:false" };
            if (property != null) args.Add(property);
            void Build() { build = Tool.Run("dotnet", args, dir); if (build.ExitCode != 0) throw new BuildStepException("COSMOS095", $"dotnet build in {dir} failed:\n{build.StdOut}{build.StdErr}"); }
            double first = Time(Build);
            string path = Path.Combine(dir, file);
            string original = File.ReadAllText(path);
            if (!original.Contains(text)) throw new BuildStepException("COSMOS095", $"{path} does not contain \"{text}\" to edit");
            var edits = new System.Collections.Generic.List<(double Seconds, double Ilc)>();
            for (int i = 0; i < 3; i++)
            {
                File.WriteAllText(path, original.Replace(text, text + " " + i));
                double t = Time(Build);
                var ilc = Regex.Match(build.StdOut, @"\[ilc\] .*?, ([0-9.]+) s\)");
                edits.Add((t, ilc.Success ? double.Parse(ilc.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0));
            }
            var noChange = new System.Collections.Generic.List<double>();
            for (int i = 0; i < 3; i++) noChange.Add(Time(Build));
            var edit = edits.OrderBy(e => e.Seconds).ElementAt(1);
            return (first, edit.Seconds, noChange.OrderBy(x => x).ElementAt(1), edit.Ilc);
        }

        /// <summary>
        /// Boots Tests/Bench/InterruptBench headless and prints its interrupt figures: int3 round trip
        /// (full path: X# stub + managed dispatcher + handler) and local APIC timer entry-to-handler latency,
        /// each beside the same measurement through the bare X# save/restore stub, with the ratio. TCG always;
        /// KVM too when asked and /dev/kvm opens (a KVM boot that fails is reported, not fatal).
        /// </summary>
        private static void InterruptFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "InterruptBench", "InterruptBench.csproj");
            Build(root, proj);
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(proj)!), "InterruptBench.iso");
            Console.WriteLine("Interrupt figures (Tests/Bench/InterruptBench; TSC ticks per event, full path beside the bare X# save/restore stub)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
            {
                string accel = useKvm ? "KVM" : "TCG";
                if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); continue; }
                var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(180));
                if (!ok)
                {
                    var tail = string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
                    Console.WriteLine($"  [{accel}] the benchmark kernel did not finish: {tail}");
                    continue;
                }
                var simd = Regex.Match(output, @"bench simd (\S+) area (\d+) xcr0 (\S+)");
                var call = Regex.Match(output, @"bench call-baseline (\d+)");
                if (simd.Success) Console.WriteLine($"  [{accel}] SIMD save {simd.Groups[1].Value}, area {simd.Groups[2].Value} bytes, XCR0 {simd.Groups[3].Value}; an empty call+ret costs {call.Groups[1].Value} ticks");
                foreach (Match m in Regex.Matches(output, @"bench int3 (\S+) full (\d+) bare (\d+)"))
                {
                    double full = double.Parse(m.Groups[2].Value), bare = double.Parse(m.Groups[3].Value);
                    Console.WriteLine($"  int3 round trip ({m.Groups[1].Value,-8}) {full,8:0} ticks   (baseline: bare X# stub {bare:0} ticks; ratio {full / bare:0.00}x) [{accel}]");
                }
                var t = Regex.Match(output, @"bench timer full (\d+) (\d+) bare (\d+) (\d+)");
                if (t.Success)
                {
                    double fm = double.Parse(t.Groups[1].Value), bm = double.Parse(t.Groups[3].Value);
                    Console.WriteLine($"  timer IRQ → handler     {fm,8:0} ticks   (median, from the foreground's last RDTSC, delivery included; min {t.Groups[2].Value}) (baseline: bare X# stub {bm:0}, min {t.Groups[4].Value}; ratio {fm / bm:0.00}x) [{accel}]");
                }
                var te = Regex.Match(output, @"bench timer-entry full (\d+) (\d+) bare (\d+) (\d+)");
                if (te.Success)
                {
                    double fm = double.Parse(te.Groups[1].Value), bm = double.Parse(te.Groups[3].Value);
                    Console.WriteLine($"  timer entry → handler   {fm,8:0} ticks   (median, from the gate's first instruction; min {te.Groups[2].Value}) (baseline: bare X# stub {bm:0}, min {te.Groups[4].Value}; ratio {fm / bm:0.00}x) [{accel}]");
                }
                else Console.WriteLine($"  timer IRQ → handler     not measured: {Regex.Match(output, @"bench timer (.*)").Groups[1].Value} [{accel}]");
            }
        }

        // ---- garbage collector figures (Tests/Bench/GCBench) ----

        private static int RunGcOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            GcFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// Boots Tests/Bench/GCBench headless (512 MiB) and prints: allocation cost per 32-byte object
        /// (collections included) beside a bare bump-pointer loop doing the same stores, and the
        /// GC.Collect pause with 100,000 live objects (mark / sweep split) beside a plain walk of the same
        /// objects, and the generation 0 pause with those objects old beside that full pause; TSC ticks, best of 5 rounds,
        /// with the ratio. TCG always; KVM too when asked and usable.
        /// </summary>
        private static void GcFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "GCBench", "GCBench.csproj");
            Build(root, proj);
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(proj)!), "GCBench.iso");
            Console.WriteLine("Garbage collector figures (Tests/Bench/GCBench; TSC ticks, best of 5 rounds, beside a baseline measured in the same run)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
            {
                string accel = useKvm ? "KVM" : "TCG";
                if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); continue; }
                var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(300));
                var a = Regex.Match(output, @"bench gc alloc32 objects (\d+) ticks (\d+) collections (\d+) gc-ticks (\d+)");
                var b = Regex.Match(output, @"bench gc bump32 objects (\d+) ticks (\d+)");
                var p = Regex.Match(output, @"bench gc pause live (\d+) ticks (\d+) mark (\d+) walk (\d+)");
                var mhz = Regex.Match(output, @"bench gc tsc-mhz (\d+)");
                if (!ok || !a.Success || !b.Success || !p.Success)
                {
                    var tail = string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
                    Console.WriteLine($"  [{accel}] the benchmark kernel did not finish: {tail}");
                    continue;
                }
                double n = double.Parse(a.Groups[1].Value), alloc = double.Parse(a.Groups[2].Value) / n, gcShare = double.Parse(a.Groups[4].Value) / double.Parse(a.Groups[2].Value);
                double bump = double.Parse(b.Groups[2].Value) / double.Parse(b.Groups[1].Value);
                Console.WriteLine($"  allocation, 32-byte object  {alloc,8:0.0} ticks   ({a.Groups[3].Value} collections in {n:0} objects, {gcShare:P0} of the time) (baseline: bare bump-pointer loop {bump:0.0} ticks; ratio {alloc / bump:0.00}x) [{accel}]");
                double pause = double.Parse(p.Groups[2].Value), mark = double.Parse(p.Groups[3].Value), walk = double.Parse(p.Groups[4].Value);
                double hz = mhz.Success ? double.Parse(mhz.Groups[1].Value) * 1e6 : 0;
                string ms = hz > 0 ? $" = {pause / hz * 1000:0.00} ms at {hz / 1e6:0} MHz" : "";
                Console.WriteLine($"  GC pause, {p.Groups[1].Value} live objects {pause,10:0} ticks{ms} (mark {mark:0}, sweep {pause - mark:0}) (baseline: plain walk of the same objects {walk:0} ticks; ratio {pause / walk:0.0}x) [{accel}]");
                var g = Regex.Match(output, @"bench gc gen0-pause old-live (\d+) ticks (\d+) promoted (\d+) dirty-cards (\d+) full-ticks (\d+)");
                if (!g.Success) { Console.WriteLine($"  [{accel}] the benchmark kernel printed no generation 0 pause"); continue; }
                double minor = double.Parse(g.Groups[2].Value), full = double.Parse(g.Groups[5].Value);
                string minorMs = hz > 0 ? $" = {minor / hz * 1000:0.000} ms" : "";
                Console.WriteLine($"  gen0 pause, {g.Groups[1].Value} old live objects {minor,10:0} ticks{minorMs} ({g.Groups[3].Value} objects promoted, {g.Groups[4].Value} dirty cards) (baseline: full collection of the same heap {full:0} ticks; ratio {minor / full:0.000}x; goal <= 1 ms) [{accel}]");
            }
        }

        // ---- network figures (Tests/Bench/NetBench) ----

        private static int RunNetOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            NetFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// Boots Tests/Bench/NetBench (two cards on QEMU user networking, the runner's tcp-sink and tcp-source peers)
        /// and prints per card: TCP throughput guest→host and host→guest (8 MiB each) beside the card's raw frame
        /// transmit throughput in the same run (the ratio is the stack's overhead), and the ping round trip to the
        /// gateway. TCG always; KVM too when asked and usable.
        /// </summary>
        private static void NetFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "NetBench", "NetBench.csproj");
            Build(root, proj);
            var dir = Path.GetDirectoryName(proj)!;
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(dir), "NetBench.iso");
            Console.WriteLine("Network figures (Tests/Bench/NetBench; QEMU user networking, peers on the host's loopback; beside raw frame transmit of the same card in the same run)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
            {
                string accel = useKvm ? "KVM" : "TCG";
                if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); continue; }
                using var peers = new NetworkPeers();
                var extra = new System.Collections.Generic.List<string>();
                foreach (var tok in File.ReadAllText(Path.Combine(dir, "qemu-args.txt")).Split((char[])null, StringSplitOptions.RemoveEmptyEntries))
                    extra.Add(peers.Expand(tok));
                var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(300), extra);
                var hz = Regex.Match(output, @"bench net tsc-hz (\d+)");
                if (!ok || !hz.Success) { Console.WriteLine($"  [{accel}] NetBench did not finish:\n" + TestCommand.Indent(output)); continue; }
                double tscHz = double.Parse(hz.Groups[1].Value);
                foreach (Match err in Regex.Matches(output, @"bench net (\S+) error (.*)")) Console.WriteLine($"  {err.Groups[1].Value}: {err.Groups[2].Value.Trim()} [{accel}]");
                foreach (var card in new[] { "e1000", "virtio-net" })
                {
                    double Rate(string what)
                    {
                        var m = Regex.Match(output, $@"bench net {Regex.Escape(card)} {what} bytes (\d+) ticks (\d+)");
                        return m.Success ? double.Parse(m.Groups[1].Value) / (double.Parse(m.Groups[2].Value) / tscHz) / 1e6 : double.NaN;
                    }
                    double raw = Rate("raw-tx"), outRate = Rate("tcp-out"), inRate = Rate("tcp-in");
                    if (double.IsNaN(raw)) continue;
                    Console.WriteLine($"  {card,-10} raw frame transmit {raw,8:0.0} MB/s   (the baseline) [{accel}]");
                    Console.WriteLine($"  {card,-10} TCP guest→host     {outRate,8:0.0} MB/s   ({outRate / raw:0.00} of raw transmit) [{accel}]");
                    Console.WriteLine($"  {card,-10} TCP host→guest     {inRate,8:0.0} MB/s   ({inRate / raw:0.00} of raw transmit) [{accel}]");
                    var p = Regex.Match(output, $@"bench net {Regex.Escape(card)} ping n (\d+) min-ticks (\d+) mean-ticks (\d+)");
                    if (p.Success && p.Groups[1].Value != "0")
                        Console.WriteLine($"  {card,-10} ping gateway       {double.Parse(p.Groups[2].Value) / tscHz * 1e6,8:0} µs min, {double.Parse(p.Groups[3].Value) / tscHz * 1e6:0} µs mean over {p.Groups[1].Value} [{accel}]");
                }
            }
        }

        // ---- storage figures (Tests/Bench/StorageBench) ----

        private static int RunStorageOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run, Prerequisites.StorageTests);
            StorageFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// Boots Tests/Bench/StorageBench (a virtio-blk and an AHCI disk, each a fresh FAT32 volume) and prints per disk:
        /// FileStream sequential write and read of 64 MiB beside raw sequential reads of the same device in the same run
        /// (the goal is ≥ 0.8 of raw; the baseline is the best of five warm passes, the cold first pass is printed beside
        /// it) and raw sequential writes of the same sectors, what reached the driver during each FileStream figure
        /// (requests, MiB, flushes, and the share of the pass spent in the driver), and 1,000 small files created and
        /// deleted per second. Every figure but the cold pass is the best of five passes, each running the raw and the
        /// FileStream transfers in turn (the host's other work preempts QEMU).
        /// </summary>
        private static void StorageFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "StorageBench", "StorageBench.csproj");
            Build(root, proj);
            var dir = Path.GetDirectoryName(proj)!;
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(dir), "StorageBench.iso");
            Console.WriteLine("Storage figures (Tests/Bench/StorageBench; 64 MiB in 1 MiB requests on a FAT32 volume per disk, beside raw sequential reads of the same device in the same run)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
            {
                string accel = useKvm ? "KVM" : "TCG";
                if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); continue; }
                var images = new System.Collections.Generic.List<string>();
                var extra = new System.Collections.Generic.List<string>();
                foreach (var tok in File.ReadAllText(Path.Combine(dir, "qemu-args.txt")).Split((char[])null, StringSplitOptions.RemoveEmptyEntries))
                    extra.Add(DiskImages.Expand(tok, Path.GetDirectoryName(iso)!, images));
                var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(600), extra);
                var hz = Regex.Match(output, @"bench storage tsc-hz (\d+)");
                if (!ok || !hz.Success) { Console.WriteLine($"  [{accel}] StorageBench did not finish:\n" + TestCommand.Indent(output)); continue; }
                double tscHz = double.Parse(hz.Groups[1].Value);
                foreach (Match err in Regex.Matches(output, @"bench storage (\S+) error (.*)")) Console.WriteLine($"  {err.Groups[1].Value}: {err.Groups[2].Value.Trim()} [{accel}]");
                foreach (var dev in new[] { "virtio-blk", "ahci" })
                {
                    double Rate(string what)
                    {
                        var m = Regex.Match(output, $@"bench storage {Regex.Escape(dev)} {what} bytes (\d+) ticks (\d+)");
                        return m.Success ? double.Parse(m.Groups[1].Value) / (double.Parse(m.Groups[2].Value) / tscHz) / 1e6 : double.NaN;
                    }
                    double raw = Rate("raw-read"), cold = Rate("raw-read-cold"), rawWrite = Rate("raw-write"), write = Rate("file-write"), read = Rate("file-read");
                    if (double.IsNaN(raw)) continue;
                    Console.WriteLine($"  {dev,-10} raw sequential read   {raw,8:0.0} MB/s   (the baseline: best of 5 warm passes; the first, cold, ran at {cold:0.0} MB/s) [{accel}]");
                    Console.WriteLine($"  {dev,-10} raw sequential write  {rawWrite,8:0.0} MB/s   ({rawWrite / raw:0.00} of raw read; same sectors rewritten, then a flush) [{accel}]");
                    Console.WriteLine($"  {dev,-10} FileStream write      {write,8:0.0} MB/s   ({write / raw:0.00} of raw read, {write / rawWrite:0.00} of raw write; best of 5) [{accel}]");
                    Console.WriteLine($"  {dev,-10} FileStream read       {read,8:0.0} MB/s   ({read / raw:0.00} of raw read) [{accel}]");
                    foreach (var what in new[] { "file-write", "file-read" })
                    {
                        // What reached the driver during the best pass: requests, sectors and the share of the pass's time spent in the driver.
                        var d = Regex.Match(output, $@"bench storage {Regex.Escape(dev)} {what}-device reads (\d+) blocks (\d+) ticks (\d+) writes (\d+) blocks (\d+) ticks (\d+) flushes (\d+) blocks \d+ ticks (\d+)");
                        var t = Regex.Match(output, $@"bench storage {Regex.Escape(dev)} {what} bytes \d+ ticks (\d+)");
                        if (!d.Success || !t.Success) continue;
                        double V(int g) => double.Parse(d.Groups[g].Value);
                        double passTicks = double.Parse(t.Groups[1].Value);
                        Console.WriteLine($"  {dev,-10}   {what} in the driver: {V(1):0} reads ({V(2) / 2048:0.0} MiB), {V(4):0} writes ({V(5) / 2048:0.0} MiB), {V(7):0} flushes ({V(8) / tscHz * 1e3:0.0} ms); {(V(3) + V(6) + V(8)) / passTicks:0.00} of the pass's time [{accel}]");
                    }
                    var f = Regex.Match(output, $@"bench storage {Regex.Escape(dev)} small-files n (\d+) create-ticks (\d+) delete-ticks (\d+)");
                    if (f.Success)
                    {
                        double n = double.Parse(f.Groups[1].Value);
                        Console.WriteLine($"  {dev,-10} small files           {n / (double.Parse(f.Groups[2].Value) / tscHz),8:0} created/s, {n / (double.Parse(f.Groups[3].Value) / tscHz):0} deleted/s ({n:0} files of 100 bytes) [{accel}]");
                    }
                }
            }
        }

        // ---- graphics figures (Tests/Bench/GfxBench) ----

        private static int RunGraphicsOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            GraphicsFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// Boots Tests/Bench/GfxBench on QEMU's BGA (-vga std) and SVGA II (-vga vmware) and prints, at 1024×768×32, the
        /// frames per second of a full-screen Clear + Display and of DrawImage(full-screen bitmap) + Display, each beside a
        /// plain copy of the same 3 MiB from RAM into the framebuffer measured in the same run (the fastest of one memmove,
        /// a memmove per row and a loop of 16-byte loads and stores; the goal is at least 0.8 of it), and a plain fill of the framebuffer. TCG always; KVM too when asked and usable.
        /// </summary>
        private static void GraphicsFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "GfxBench", "GfxBench.csproj");
            Build(root, proj);
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(proj)!), "GfxBench.iso");
            Console.WriteLine("Graphics figures (Tests/Bench/GfxBench; 1024x768x32, frames per second, best of 9 interleaved rounds of 20 frames, beside a plain RAM → framebuffer copy of the same bytes in the same run)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
                foreach (var vga in new[] { "std", "vmware" })
                {
                    string accel = useKvm ? "KVM" : "TCG";
                    if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); break; }
                    var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(300), new System.Collections.Generic.List<string> { "-vga", vga });
                    var a = Regex.Match(output, @"bench gfx adapter (.*) mode (\S+) tsc-hz (\d+)");
                    double Ticks(string what) { var m = Regex.Match(output, $@"bench gfx {what} ticks (\d+)"); return m.Success ? double.Parse(m.Groups[1].Value) : double.NaN; }
                    double clear = Ticks("clear-display"), image = Ticks("image-display"), fill = Ticks("fill");
                    double whole = Ticks("copy"), rows = Ticks("row-copy"), vector = Ticks("vector-copy"), copy = Math.Min(whole, Math.Min(rows, vector));
                    if (!ok || !a.Success || double.IsNaN(clear) || double.IsNaN(image) || double.IsNaN(copy) || double.IsNaN(fill))
                    {
                        var tail = string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
                        Console.WriteLine($"  [-vga {vga}, {accel}] the benchmark kernel did not finish: {tail}");
                        continue;
                    }
                    double hz = double.Parse(a.Groups[3].Value);
                    string where = $"{a.Groups[1].Value}, {a.Groups[2].Value}, -vga {vga}, {accel}";
                    Console.WriteLine($"  Clear + Display          {hz / clear,7:0.0} fps  ({copy / clear:0.00} of the plain copy, {fill / clear:0.00} of a plain fill) [{where}]");
                    Console.WriteLine($"  DrawImage + Display      {hz / image,7:0.0} fps  ({copy / image:0.00} of the plain copy) [{where}]");
                    Console.WriteLine($"  plain RAM → framebuffer  {hz / copy,7:0.0} fps  (baseline: the fastest of one 3 MiB memmove {hz / whole:0.0} fps, 768 row memmoves {hz / rows:0.0} fps and a 16-byte load/store loop {hz / vector:0.0} fps; plain fill {hz / fill:0.0} fps) [{where}]");
                }
        }

        // ---- thread figures (Tests/Bench/ThreadBench) ----

        private static int RunThreadsOnly(bool kvm)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            ThreadFigures(root, kvm);
            return 0;
        }

        /// <summary>
        /// Boots Tests/Bench/ThreadBench headless and prints, in TSC ticks (best of 7 rounds), each beside the bare X#
        /// register + SIMD state swap (<c>tbench_bare_switch</c> of Tests/Cosmos.ThreadTestHelpers: 15 GPRs + RFLAGS, XSAVE/FXSAVE as the interrupt
        /// stubs do, RSP stored and reloaded, restore) measured in the same run, with the ratio: the thread switch
        /// (two Normal-priority threads ping-ponging with Thread.Yield; elapsed / switches counted by the scheduler),
        /// a blocking hand-off through SemaphoreSlim and through Monitor.Wait/Pulse, and Thread.Start + Join of an
        /// empty thread. Checks the kernel reports (every Yield switched) are printed when they fail. TCG always;
        /// KVM too when asked and usable.
        /// </summary>
        private static void ThreadFigures(string root, bool kvm)
        {
            var proj = Path.Combine(root, "Tests", "Bench", "ThreadBench", "ThreadBench.csproj");
            Build(root, proj);
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(proj)!), "ThreadBench.iso");
            Console.WriteLine("Thread figures (Tests/Bench/ThreadBench; TSC ticks, best of 7 rounds, beside a bare X# register + SIMD state swap measured in the same run)");
            foreach (bool useKvm in kvm ? new[] { false, true } : new[] { false })
            {
                string accel = useKvm ? "KVM" : "TCG";
                if (useKvm && !Qemu.KvmUsable()) { Console.WriteLine($"  [{accel}] /dev/kvm cannot be opened: skipped"); continue; }
                var (ok, output) = BootToDone(iso, useKvm, TimeSpan.FromSeconds(180));
                var y = Regex.Match(output, @"bench threads yield iterations (\d+) switches (\d+) preemptions (\d+) yields-true (\d+) ticks (\d+)");
                var b = Regex.Match(output, @"bench threads bare calls (\d+) ticks (\d+)");
                if (!ok || !y.Success || !b.Success)
                {
                    var tail = string.Join(" | ", output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
                    Console.WriteLine($"  [{accel}] the benchmark kernel did not finish: {tail}");
                    continue;
                }
                var simd = Regex.Match(output, @"bench threads simd (\S+) area (\d+)");
                if (simd.Success) Console.WriteLine($"  [{accel}] SIMD save {simd.Groups[1].Value}, area {simd.Groups[2].Value} bytes");
                foreach (Match c in Regex.Matches(output, @"bench threads check (.*)")) Console.WriteLine($"  [{accel}] CHECK FAILED: {c.Groups[1].Value.Trim()}");

                double bare = double.Parse(b.Groups[2].Value) / double.Parse(b.Groups[1].Value);
                string baseline = $"(baseline: bare X# register + SIMD swap {bare:0} ticks; ratio {{0:0.00}}x) [{accel}]";
                double iterations = double.Parse(y.Groups[1].Value), switches = double.Parse(y.Groups[2].Value);
                double perSwitch = double.Parse(y.Groups[5].Value) / switches;
                Console.WriteLine($"  {"thread switch (Thread.Yield)",-33} {perSwitch,8:0} ticks   ({switches:0} switches in {iterations:0} ping-pong iterations, {y.Groups[4].Value} yields switched, {y.Groups[3].Value} preemptions) " + string.Format(baseline, perSwitch / bare));
                foreach (var (key, label) in new[] { ("semaphore", "hand-off (SemaphoreSlim)"), ("monitor", "hand-off (Monitor.Wait/Pulse)") })
                {
                    var h = Regex.Match(output, $@"bench threads {key} handoffs (\d+) switches (\d+) ticks (\d+)");
                    if (!h.Success) continue;
                    double n = double.Parse(h.Groups[1].Value), per = double.Parse(h.Groups[3].Value) / n;
                    Console.WriteLine($"  {label,-33} {per,8:0} ticks   (per hand-off, {double.Parse(h.Groups[2].Value) / n:0.00} switches each) " + string.Format(baseline, per / bare));
                }
                var cr = Regex.Match(output, @"bench threads create threads (\d+) switches (\d+) ticks (\d+)");
                if (cr.Success)
                {
                    double n = double.Parse(cr.Groups[1].Value), per = double.Parse(cr.Groups[3].Value) / n;
                    Console.WriteLine($"  {"Thread.Start + Join, empty thread",-33} {per,8:0} ticks   (per thread, {double.Parse(cr.Groups[2].Value) / n:0.0} switches each) " + string.Format(baseline, per / bare));
                }
            }
        }

        /// <summary>Boots <paramref name="iso"/> headless until it prints "bench done" (or QEMU exits / times out); returns the serial output.</summary>
        private static (bool Ok, string Output) BootToDone(string iso, bool kvm, TimeSpan timeout, System.Collections.Generic.List<string> extra = null)
        {
            var psi = new ProcessStartInfo(Tool.Require("qemu-system-x86_64", "qemu-system-x86")) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            var options = new QemuOptions { Iso = iso, Kvm = kvm, Display = false };
            if (extra != null) options.Extra.AddRange(extra);
            foreach (var a in Qemu.Arguments(options)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var text = new StringBuilder();
            var done = new ManualResetEventSlim();
            p.OutputDataReceived += (_, e) => { if (e.Data == null) { done.Set(); return; } lock (text) text.AppendLine(e.Data); if (e.Data.StartsWith("bench done")) done.Set(); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (text) text.AppendLine("[qemu] " + e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            bool inTime = done.Wait(timeout);
            if (!p.WaitForExit(10000)) { try { p.Kill(true); } catch { } p.WaitForExit(); }
            string all; lock (text) all = text.ToString();
            if (!inTime) all += "\ntimed out after " + timeout.TotalSeconds + " s";
            return (all.Contains("bench done"), all);
        }

        private sealed record BootResult(double ToFirstOutput, double ToPrompt, ulong Ticks, ulong TscMHz);

        private static BootResult Boot(string iso, bool kvm)
        {
            var psi = new ProcessStartInfo(Tool.Require("qemu-system-x86_64", "qemu-system-x86")) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in Qemu.Arguments(new QemuOptions { Iso = iso, Kvm = kvm, Display = false })) psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var errors = new StringBuilder();
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.AppendLine("[qemu] " + e.Data); };
            p.BeginErrorReadLine();
            var text = new StringBuilder();
            double first = -1, prompt = -1;
            var buf = new char[512];
            var done = new ManualResetEventSlim();
            var reader = new Thread(() =>
            {
                int n;
                while ((n = p.StandardOutput.Read(buf, 0, buf.Length)) > 0)
                {
                    lock (text)
                    {
                        if (first < 0) first = sw.Elapsed.TotalSeconds;
                        text.Append(buf, 0, n);
                        if (prompt < 0 && text.ToString().Contains("cosmos> ")) { prompt = sw.Elapsed.TotalSeconds; done.Set(); }
                    }
                }
                done.Set();
            }) { IsBackground = true };
            reader.Start();
            if (!done.Wait(TimeSpan.FromSeconds(120))) { p.Kill(true); throw new BuildStepException("COSMOS096", "the demo OS did not reach its prompt within 120 s"); }
            try { p.StandardInput.Write("shutdown\n"); p.StandardInput.Flush(); } catch (IOException) { }
            if (!p.WaitForExit(30000)) p.Kill(true);
            string all; lock (text) all = text.ToString();
            if (prompt < 0) { lock (errors) all += errors.ToString(); throw new BuildStepException("COSMOS096", "the demo OS stopped before its prompt:\n" + all); }
            var m = Regex.Match(all, @"kernel entry to prompt: (\d+) TSC ticks");
            var f = Regex.Match(all, @"TSC (\d+) MHz");
            return new BootResult(first, prompt, m.Success ? ulong.Parse(m.Groups[1].Value) : 0, f.Success ? ulong.Parse(f.Groups[1].Value) : 0);
        }
    }
}
