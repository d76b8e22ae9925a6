using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Cosmos.Build.Running;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// The test runner: runs the host test projects (Tests/**/*.Tests.csproj, xunit) and then
    /// builds and boots every test kernel (Tests/Kernels/*/*.csproj) headless in QEMU, reading
    /// per-test results from COM1 (<see cref="SerialProtocol"/>). A timeout, a triple fault
    /// (QEMU exits because of -no-reboot) or an unexpected panic fails the kernel and shows
    /// its serial log. Exit code 0 only when everything passed.
    /// </summary>
    public static class TestCommand
    {
        public static Command Create()
        {
            var hostOnly = new Option<bool>("--host-only") { Description = "Run only the host (xunit) tests" };
            var kernelsOnly = new Option<bool>("--kernels-only") { Description = "Run only the kernel tests" };
            var filter = new Option<string>("--filter") { Description = "Only test kernels whose project name contains this text" };
            var timeout = new Option<int>("--timeout") { Description = "Seconds a test kernel may run", DefaultValueFactory = _ => 240 };
            var kvm = new Option<bool>("--kvm") { Description = "Boot test kernels with KVM when available" };
            var cmd = new Command("test", "Run all tests: host unit tests, then test kernels in QEMU.") { hostOnly, kernelsOnly, filter, timeout, kvm };
            cmd.SetAction(p => Program.Guard(() => Run(!p.GetValue(kernelsOnly), !p.GetValue(hostOnly), p.GetValue(filter), p.GetValue(timeout), p.GetValue(kvm))));
            return cmd;
        }

        public static string RepoRoot()
        {
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
                for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                    if (File.Exists(Path.Combine(d.FullName, "CosmosOS.sln"))) return d.FullName;
            throw new BuildStepException("COSMOS090", "cannot find the repository root (a folder with CosmosOS.sln) above the current directory");
        }

        private static int Run(bool host, bool kernels, string filter, int timeoutSeconds, bool kvm)
        {
            var root = RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run, Prerequisites.StorageTests);
            var total = Stopwatch.StartNew();
            int hostFailed = 0, hostProjects = 0, kPassed = 0, kFailed = 0, kKnown = 0;
            if (host)
            {
                foreach (var proj in Directory.GetFiles(Path.Combine(root, "Tests"), "*.Tests.csproj", SearchOption.AllDirectories).OrderBy(x => x))
                {
                    hostProjects++;
                    var rel = Path.GetRelativePath(root, proj);
                    var r = Tool.Run("dotnet", new[] { "test", proj, "--nologo", "-v", "q" }, root);
                    var summary = (r.StdOut + r.StdErr).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("Passed!") || l.StartsWith("Failed!") || l.Contains("Total tests")) ?? "";
                    if (r.ExitCode == 0) Console.WriteLine($"PASS  host  {rel}  {summary}");
                    else
                    {
                        hostFailed++;
                        Console.WriteLine($"FAIL  host  {rel}  (exit {r.ExitCode})");
                        Console.WriteLine(Indent(r.StdOut + r.StdErr));
                    }
                }
            }
            if (kernels)
            {
                var dir = Path.Combine(root, "Tests", "Kernels");
                var projects = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.csproj", SearchOption.AllDirectories).OrderBy(x => x).ToList() : new List<string>();
                if (filter != null) projects = projects.Where(p => Path.GetFileNameWithoutExtension(p).Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
                foreach (var proj in projects)
                {
                    var results = RunKernel(root, proj, timeoutSeconds, kvm);
                    kPassed += results.Count(r => r.Passed);
                    kKnown += results.Count(r => r.Known);
                    kFailed += results.Count(r => r.Failed);
                }
            }
            Console.WriteLine();
            Console.WriteLine($"Summary: host projects {hostProjects - hostFailed}/{hostProjects} passed; kernel test cases {kPassed} passed, {kFailed} failed{(kKnown > 0 ? $", {kKnown} known failures of upstream defects" : "")} ({Tool.Seconds(total.Elapsed)})");
            return hostFailed == 0 && kFailed == 0 ? 0 : 1;
        }

        private static string Indent(string s) => string.Join("\n", s.Split('\n').Select(l => "      " + l.TrimEnd()));

        /// <summary>Builds one test kernel, boots it and returns its test case results (printed as they complete).</summary>
        public static List<TestCaseResult> RunKernel(string root, string project, int timeoutSeconds, bool kvm)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var build = Tool.Run("dotnet", new[] { "build", project, "--nologo", "-v", "q", "-clp:ErrorsOnly" }, root);
            var iso = Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(project)!), name + ".iso");
            if (build.ExitCode != 0 || !File.Exists(iso))
            {
                Console.WriteLine($"FAIL  kernel {name}: build failed");
                Console.WriteLine(Indent(build.StdOut + build.StdErr));
                return new List<TestCaseResult> { new(name + " (build)", false, "build failed") };
            }
            var proto = new SerialProtocol();
            var log = new StringBuilder();
            var options = new QemuOptions { Iso = iso, Kvm = kvm, Display = false };
            // Optional per-kernel QEMU settings: qemu-args.txt next to the project, whitespace-separated tokens:
            // memory=<MiB>, uefi, or a QEMU argument passed through (e.g. "-rtc base=2031-05-06T07:08:09"), in which
            // {disk:NAME:SIZE[:sparse]} becomes a fresh pattern-filled raw image (DiskImages).
            var extraFile = Path.Combine(Path.GetDirectoryName(project)!, "qemu-args.txt");
            if (File.Exists(extraFile))
                foreach (var tok in File.ReadAllText(extraFile).Split((char[])null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (tok.StartsWith("memory="))
                    {
                        if (!int.TryParse(tok.AsSpan(7), out int mib) || mib < 16)
                        {
                            string bad = $"{extraFile}: '{tok}' is not memory=<MiB> with at least 16 MiB";
                            Console.WriteLine($"FAIL  kernel {name}: {bad}");
                            return new List<TestCaseResult> { new(name + " (qemu-args.txt)", false, bad) };
                        }
                        options.MemoryMiB = mib;
                    }
                    else if (tok == "uefi") options.Uefi = true;
                    else options.Extra.Add(DiskImages.Expand(tok, Path.GetDirectoryName(iso)!));
                }
            var args = Qemu.Arguments(options);
            var psi = new ProcessStartInfo(Tool.Require("qemu-system-x86_64", "qemu-system-x86")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var finished = new ManualResetEventSlim();
            int printed = 0;
            void PrintNew()
            {
                lock (log)
                {
                    for (; printed < proto.Results.Count; printed++)
                    {
                        var r = proto.Results[printed];
                        Console.WriteLine(r.Passed ? $"PASS  {name}/{r.Name}" : r.Known ? $"KNOWN {name}/{r.Name}: {r.Message}" : $"FAIL  {name}/{r.Name}: {r.Message}");
                    }
                }
            }
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data == null) { finished.Set(); return; }
                lock (log)
                {
                    log.AppendLine(e.Data);
                    proto.Feed(e.Data);
                }
                PrintNew();
                if (proto.PanicComplete || proto.Done) finished.Set();
            };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine("[qemu] " + e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            p.StandardInput.Close();
            bool inTime = finished.Wait(TimeSpan.FromSeconds(timeoutSeconds));
            // Done, or COM1 closed because QEMU is exiting (shutdown, reset, triple fault): let it finish so that its
            // exit status is known. After a halting panic QEMU keeps running and is killed below.
            if (inTime && !proto.PanicComplete) p.WaitForExit(10000);
            if (!p.HasExited) { try { p.Kill(true); } catch { } p.WaitForExit(); }
            if (inTime && !proto.Done && p.HasExited) lock (log) proto.Exited(p.ExitCode);
            string why = !inTime ? $"timed out after {timeoutSeconds} s"
                : proto.Done ? null
                : proto.PanicComplete ? "kernel halted after a panic"
                : $"QEMU exited with code {p.ExitCode} before the kernel reported done (triple fault or reset?)";
            lock (log) proto.Finish(why ?? "done");
            if (proto.Done && !proto.EndedByExpectedExit && p.ExitCode != 1 && proto.Results.All(r => !r.Failed))
                lock (log) proto.AddFailure("(exit)", $"kernel reported done but QEMU exit code was {p.ExitCode} (expected 1: debug-exit 0)");
            PrintNew();
            bool ok = proto.Results.Count > 0 && proto.Results.All(r => !r.Failed);
            int known = proto.Results.Count(r => r.Known);
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")}  kernel {name}: {proto.Results.Count(r => r.Passed)}/{proto.Results.Count} passed{(known > 0 ? $", {known} known failures" : "")} ({Tool.Seconds(sw.Elapsed)})");
            if (!ok)
            {
                var lines = log.ToString().Split('\n');
                Console.WriteLine("      serial log (last 80 lines):");
                Console.WriteLine(Indent(string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 80)))));
            }
            var list = proto.Results.ToList();
            if (list.Count == 0) list.Add(new TestCaseResult(name, false, why ?? "no test results"));
            return list;
        }
    }
}
