using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Cosmos.Build.Running;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Bench
{
    /// <summary>
    /// Prints the demo OS figures, each beside an in-run baseline: clean build time (beside the
    /// same build of the kernel's libraries only, without the Cosmos steps), no-change rebuild time
    /// (beside a no-change build of one library), ISO size (beside the kernel ELF without debug
    /// info), QEMU start → shell prompt (beside QEMU start → first serial byte, i.e. firmware +
    /// GRUB + boot path), and kernel entry → prompt in TSC ticks.
    /// </summary>
    public static class BenchCommand
    {
        public static Command Create()
        {
            var kvm = new Option<bool>("--kvm") { Description = "Also boot with KVM when /dev/kvm works" };
            var runs = new Option<int>("--boots") { Description = "Boots to average", DefaultValueFactory = _ => 3 };
            var cmd = new Command("bench", "Print build and boot figures of the demo OS.") { kvm, runs };
            cmd.SetAction(p => Program.Guard(() => Run(p.GetValue(kvm), Math.Max(1, p.GetValue(runs)))));
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

        private static int Run(bool kvm, int boots)
        {
            var root = TestCommand.RepoRoot();
            Prerequisites.Ensure(Prerequisites.Build, Prerequisites.Run);
            var proj = Path.Combine(root, "Kernel", "CosmosOS", "CosmosOS.csproj");
            var kdir = Path.GetDirectoryName(proj)!;
            var core = Path.Combine(root, "Kernel", "Cosmos.Core", "Cosmos.Core.csproj");
            Console.WriteLine("CosmosOS bench (demo OS, Kernel/CosmosOS)");

            // Baseline for the clean build: the same projects through Roslyn only.
            Tool.Run("dotnet", new[] { "clean", proj, "--nologo", "-v", "q" }, root);
            double rosylnOnly = Time(() => Build(root, proj, "-p:CosmosSkipKernelBuild=true"));
            Tool.Run("dotnet", new[] { "clean", proj, "--nologo", "-v", "q" }, root);
            var cosmosObj = Path.Combine(kdir, "obj", "Debug", "net9.0", "cosmos");
            if (Directory.Exists(cosmosObj)) Directory.Delete(cosmosObj, true);
            double clean = Time(() => Build(root, proj));
            double noChange = Time(() => Build(root, proj));
            double noChangeLib = Time(() => Build(root, core));
            var iso = Path.Combine(kdir, "bin", "Debug", "net9.0", "CosmosOS.iso");
            var stripped = Path.Combine(cosmosObj, "kernel.elf");
            Console.WriteLine($"  clean build            {clean,8:0.0} s    (baseline: Roslyn only, same projects {rosylnOnly:0.0} s)");
            Console.WriteLine($"  no-change rebuild      {noChange,8:0.0} s    (baseline: no-change build of Cosmos.Core {noChangeLib:0.0} s)");
            Console.WriteLine($"  ISO size               {new FileInfo(iso).Length / 1048576.0,8:0.0} MiB  (baseline: kernel ELF without debug info {new FileInfo(stripped).Length / 1048576.0:0.0} MiB)");

            foreach (bool useKvm in kvm && Qemu.KvmUsable() ? new[] { false, true } : new[] { false })
            {
                double toPrompt = 0, toFirst = 0; ulong ticks = 0; ulong hz = 0;
                for (int i = 0; i < boots; i++)
                {
                    var b = Boot(iso, useKvm);
                    toPrompt += b.ToPrompt; toFirst += b.ToFirstOutput; ticks += b.Ticks; hz = b.TscMHz;
                }
                string accel = useKvm ? "KVM" : "TCG";
                Console.WriteLine($"  QEMU start → prompt    {toPrompt / boots,8:0.00} s    (baseline: QEMU start → first kernel output {toFirst / boots:0.00} s) [{accel}, mean of {boots}]");
                ulong meanTicks = ticks / (ulong)boots;
                string ms = hz > 0 ? $"{meanTicks / (double)(hz * 1000):0.0} ms at {hz} MHz" : "";
                Console.WriteLine($"  kernel entry → prompt  {meanTicks,12} TSC ticks ({ms}) [{accel}]");
            }
            return 0;
        }

        private sealed record BootResult(double ToFirstOutput, double ToPrompt, ulong Ticks, ulong TscMHz);

        private static BootResult Boot(string iso, bool kvm)
        {
            var psi = new ProcessStartInfo(Tool.Require("qemu-system-x86_64", "qemu-system-x86")) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in Qemu.Arguments(new QemuOptions { Iso = iso, Kvm = kvm, Display = false })) psi.ArgumentList.Add(a);
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { };
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
            if (prompt < 0) throw new BuildStepException("COSMOS096", "the demo OS stopped before its prompt:\n" + all);
            var m = Regex.Match(all, @"kernel entry to prompt: (\d+) TSC ticks");
            var f = Regex.Match(all, @"TSC (\d+) MHz");
            return new BootResult(first, prompt, m.Success ? ulong.Parse(m.Groups[1].Value) : 0, f.Success ? ulong.Parse(f.Groups[1].Value) : 0);
        }
    }
}
