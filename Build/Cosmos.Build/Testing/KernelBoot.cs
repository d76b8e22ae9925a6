using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Cosmos.Build.Running;
using Cosmos.Build.Toolchain;
using Cosmos.TestRunner;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Boots one built test kernel headless in QEMU (its own process, its own COM1 capture) and reads its test cases
    /// with <see cref="SerialProtocol"/>. A timeout, a triple fault (QEMU exits because of -no-reboot) or an
    /// unexpected panic fails the kernel and prints its serial log. Several run at once (TCG is single-threaded per VM).
    /// </summary>
    public static class KernelBoot
    {
        /// <summary>
        /// GC stress for every boot (<c>test --gc-stress N</c>): passed to the kernel as the fw_cfg file
        /// <c>opt/cosmos/gc-stress</c>; the kernel then collects on every N-th allocation and poisons freed objects.
        /// 0: off.
        /// </summary>
        public static int GcStress;

        /// <summary>When set (test --log), every kernel's serial log follows its results, passed or not.</summary>
        public static bool ShowLog;

        /// <summary>
        /// Boots <paramref name="iso"/> of kernel <paramref name="name"/> (project folder <paramref name="projectDir"/>,
        /// which may hold qemu-args.txt) and returns its test case results, printed to <paramref name="output"/> as they
        /// complete, then the kernel's "ok"/"FAIL" line and, on failure, its serial log. For a test bundle's image,
        /// <paramref name="bundleKernel"/> names the member to run (fw_cfg <see cref="TestProtocol.BundleKernelFile"/>) and
        /// <paramref name="workDir"/> is where this boot's disk images and screenshots go (default: the ISO's folder).
        /// </summary>
        public static List<TestCaseResult> Run(string name, string projectDir, string iso, int timeoutSeconds, bool kvm, TextWriter output, string bundleKernel = null, string workDir = null)
        {
            workDir ??= Path.GetDirectoryName(Path.GetFullPath(iso))!;
            Directory.CreateDirectory(workDir);
            var proto = new SerialProtocol();
            var log = new StringBuilder();
            // The boot CD on an AHCI controller of its own unless the kernel asks for IDE (cd=ide): a faster boot (see
            // QemuOptions.CdController); kernels that look at the storage controllers or the PCI bus keep the IDE CD.
            var options = new QemuOptions { Iso = iso, Kvm = kvm, Display = false, CdController = "ahci" };
            var fatImages = new List<string>();
            using var peers = new NetworkPeers();
            // Optional per-kernel QEMU settings: qemu-args.txt next to the project, whitespace-separated tokens:
            // memory=<MiB>, uefi, machine=pc|q35, cd=ahci|ide, or a QEMU argument passed through (e.g. "-rtc base=2031-05-06T07:08:09"), in which
            // {disk:NAME:SIZE[:sparse]} becomes a fresh pattern-filled raw image (DiskImages) and {peer:KIND} the port
            // of a host peer started for this boot (NetworkPeers).
            var extraFile = Path.Combine(projectDir, "qemu-args.txt");
            // A setting no boot can be made from: one failed case that says why.
            List<TestCaseResult> Rejected(string caseName, string why)
            {
                output.WriteLine($"FAIL  kernel {name}: {why}");
                return new List<TestCaseResult> { new(name + caseName, false, why) };
            }
            if (File.Exists(extraFile))
                foreach (var tok in File.ReadAllText(extraFile).Split((char[])null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (tok.StartsWith("memory="))
                    {
                        if (!int.TryParse(tok.AsSpan(7), out int mib) || mib < 16)
                        {
                            return Rejected(" (qemu-args.txt)", $"{extraFile}: '{tok}' is not memory=<MiB> with at least 16 MiB");
                        }
                        options.MemoryMiB = mib;
                    }
                    else if (tok == "uefi") options.Uefi = true;
                    else if (tok.StartsWith("machine=")) options.Machine = tok.Substring(8);
                    else if (tok.StartsWith("cd=")) options.CdController = tok.Substring(3);
                    else options.Extra.Add(peers.Expand(DiskImages.Expand(tok, workDir, fatImages)));
                }
            if (bundleKernel != null)
            {
                options.Extra.Add("-fw_cfg");
                options.Extra.Add($"name={TestProtocol.BundleKernelFile},string={bundleKernel}");
            }
            if (GcStress > 0)
            {
                options.Extra.Add("-fw_cfg");
                options.Extra.Add($"name=opt/cosmos/gc-stress,string={GcStress}");
            }
            // A QMP socket for screenshots the kernel asks for (TestProtocol.Screenshot); short path: sun_path holds 108 bytes.
            string qmpSocket = Path.Combine(Path.GetTempPath(), "cosmos-qmp-" + Guid.NewGuid().ToString("N").Substring(0, 12) + ".sock");
            options.Extra.Add("-qmp");
            options.Extra.Add($"unix:{qmpSocket},server=on,wait=off");
            QmpClient qmp = null;
            List<string> args;
            try { args = Qemu.Arguments(options); }
            catch (BuildStepException e)
            {
                // A bad machine=/cd= token, a missing firmware, …: named with qemu-args.txt, where such settings come from,
                // when the kernel has one.
                return Rejected(" (QEMU arguments)", (File.Exists(extraFile) ? extraFile + ": " : "") + e.Code + ": " + e.Message);
            }
            // Screendump through QMP (connected at the first request), then compare with the expected image.
            string TakeScreenshot(string shotName, string expected)
            {
                try
                {
                    string screens = Path.Combine(workDir, "screens");
                    Directory.CreateDirectory(screens);
                    string file = string.Concat(shotName.Select(c => char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_'));
                    string ppm = Path.Combine(screens, file + ".ppm");
                    File.Delete(ppm);
                    qmp ??= QmpClient.Connect(qmpSocket, TimeSpan.FromSeconds(20));
                    string expectedPath = Path.GetFullPath(Path.Combine(projectDir, expected));
                    qmp.ScreenDump(ppm);
                    return ScreenImages.Compare(expectedPath, ppm, Path.Combine(screens, file + "-diff.png"));
                }
                catch (Exception ex) { return "screenshot failed: " + ex.Message; }
            }
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
                        output.WriteLine(r.Passed ? $"PASS  {name}/{r.Name}" : r.Known ? $"KNOWN {name}/{r.Name}: {r.Message}" : $"FAIL  {name}/{r.Name}: {r.Message}");
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
                    while (proto.TryTakeScreenshotRequest(out var shotName, out var expected))
                    {
                        // Off the reader thread: the kernel waits for the reply, QEMU keeps writing.
                        System.Threading.Tasks.Task.Run(() =>
                        {
                            string verdict = TakeScreenshot(shotName, expected);
                            lock (log) log.AppendLine($"[runner] screenshot {shotName}: {verdict ?? "identical to " + expected}");
                            string reply = verdict == null ? TestProtocol.ScreenshotIdentical.ToString() : TestProtocol.ScreenshotDifferent + verdict.Replace('\n', ' ').Replace('\r', ' ');
                            try
                            {
                                lock (p)
                                {
                                    p.StandardInput.Write(reply + "\n");
                                    p.StandardInput.Flush();
                                }
                            }
                            catch (Exception) { /* QEMU has exited */ }
                        });
                    }
                }
                PrintNew();
                if (proto.PanicComplete || proto.Done) finished.Set();
            };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (log) log.AppendLine("[qemu] " + e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            // Standard input stays open: it is COM1's input, where screenshot replies are typed.
            bool inTime = finished.Wait(TimeSpan.FromSeconds(timeoutSeconds));
            // Done, or COM1 closed because QEMU is exiting (shutdown, reset, triple fault): let it finish so that its
            // exit status is known. After a halting panic QEMU keeps running and is killed below.
            // After a halting panic a test kernel ends QEMU through isa-debug-exit (Cosmos.Core.Panic.DebugExitOnPanic);
            // one that does not (armed too late) keeps QEMU running and is killed below.
            if (inTime) p.WaitForExit(proto.PanicComplete ? 2000 : 10000);
            bool exitedByItself = p.HasExited;
            // WaitForExit with a timeout returns before every output event has been raised; this waits for the rest.
            if (exitedByItself) p.WaitForExit();
            if (!p.HasExited) { try { p.Kill(true); } catch { } p.WaitForExit(); }
            lock (p) { try { p.StandardInput.Close(); } catch { } }
            qmp?.Dispose();
            try { File.Delete(qmpSocket); } catch { }
            if (inTime && !proto.Done && p.HasExited) lock (log) proto.Exited(p.ExitCode);
            string why = !inTime ? $"timed out after {timeoutSeconds} s"
                : proto.Done ? null
                : proto.PanicComplete ? "kernel halted after a panic"
                : $"QEMU exited with code {p.ExitCode} before the kernel reported done (triple fault or reset?)";
            lock (log) proto.Finish(why ?? "done");
            if (inTime && exitedByItself) lock (log) log.AppendLine($"[runner] QEMU exit status {p.ExitCode} ({ExitStatus.Classify(p.ExitCode)})");
            string contradiction = ExitStatus.Contradiction(proto.Done && !proto.EndedByExpectedExit, proto.Results.Any(r => r.Failed), exitedByItself, p.ExitCode);
            if (inTime && contradiction != null) lock (log) proto.AddFailure("(exit)", contradiction);
            // An impaired link ({peer:lossy-…}) must really have dropped ≥ 5 % of the TCP frames for the transfer over it to count.
            if (peers.LossyLink is { } lossy)
            {
                string problem = lossy.TcpFrames < 200 ? $"only {lossy.TcpFrames} TCP frames crossed the link" : (double)lossy.Dropped / lossy.TcpFrames < 0.05 ? "less than 5 % dropped" : null;
                lock (log)
                {
                    log.AppendLine("lossy link: " + lossy);
                    if (problem == null) proto.AddPass("the lossy link dropped at least 5 % of the TCP frames"); else proto.AddFailure("the lossy link dropped at least 5 % of the TCP frames", problem + ": " + lossy);
                }
            }
            // The FAT images ({fat:…} placeholders) the kernel wrote must be consistent for the host's checker.
            foreach (var image in fatImages)
            {
                string problem = DiskImages.CheckFatImage(image);
                string caseName = "fsck.fat -n " + Path.GetFileName(image);
                lock (log) { if (problem == null) proto.AddPass(caseName); else proto.AddFailure(caseName, problem); }
            }
            // fat-expect.txt: files the kernel must have left in its FAT images, read back on the host with mtools.
            var expectFile = Path.Combine(projectDir, "fat-expect.txt");
            if (File.Exists(expectFile))
                foreach (var line in File.ReadAllLines(expectFile))
                {
                    if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
                    string problem = DiskImages.CheckExpectedFile(line, fatImages, out string caseName);
                    lock (log) { if (problem == null) proto.AddPass(caseName); else proto.AddFailure(caseName, problem); }
                }
            PrintNew();
            bool ok = proto.Results.Count > 0 && proto.Results.All(r => !r.Failed);
            int known = proto.Results.Count(r => r.Known);
            output.WriteLine($"{(ok ? "ok  " : "FAIL")}  kernel {name}: {proto.Results.Count(r => r.Passed)}/{proto.Results.Count} passed{(known > 0 ? $", {known} known failures" : "")} ({Tool.Seconds(sw.Elapsed)})");
            if (ShowLog && ok)
            {
                output.WriteLine("      serial log:");
                output.WriteLine(TestCommand.Indent(log.ToString().TrimEnd()));
            }
            if (!ok)
            {
                var lines = log.ToString().Split('\n');
                output.WriteLine("      serial log (last 80 lines):");
                output.WriteLine(TestCommand.Indent(string.Join("\n", lines.Skip(Math.Max(0, lines.Length - 80)))));
            }
            var list = proto.Results.ToList();
            if (list.Count == 0) list.Add(new TestCaseResult(name, false, why ?? "no test results"));
            return list;
        }
    }
}
