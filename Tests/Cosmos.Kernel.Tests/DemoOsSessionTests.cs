using System.Diagnostics;
using System.IO;
using Xunit;

namespace Cosmos.Kernel.Tests
{
    /// <summary>The README's piped session, end to end: stdin goes to the serial console, shutdown ends QEMU with 0.</summary>
    public class DemoOsSessionTests
    {
        private static (int Exit, string Output) RunSession(string input)
        {
            _ = KernelImage.ElfPath; // builds the demo OS (and the toolchain) if needed
            var root = KernelImage.RepoRoot();
            var tool = Path.Combine(root, "Build", "Cosmos.Build", "bin", "Debug", "net10.0", "Cosmos.Build.dll");
            var iso = Path.Combine(root, "Kernel", "CosmosOS", "bin", "Debug", "net9.0", "CosmosOS.iso");
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { tool, "run", "--iso", iso, "--display", "false" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(input);
            p.StandardInput.Close();
            var stdoutTask = p.StandardOutput.ReadToEndAsync();
            var stderrTask = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000)) { p.Kill(true); Assert.Fail("QEMU did not exit within 180 s:\n" + stdoutTask.Result); }
            return (p.ExitCode, stdoutTask.Result + stderrTask.Result);
        }

        [Fact]
        public void HelpEchoShutdown()
        {
            var (exit, output) = RunSession("help\necho hi\nfoo\nmem\nshutdown\n");
            Assert.Contains("CosmosOS 0.1.0", output);
            Assert.Contains("shutdown         turn the machine off (ACPI S5)", output);
            Assert.Matches(@"(?m)^hi\r?$", output);
            Assert.Contains("Unknown command 'foo'", output);
            Assert.Matches(@"heap used:\s+\d+ bytes", output);
            Assert.True(exit == 0, $"QEMU exit status {exit} (expected 0 after ACPI shutdown); output:\n{output}");
        }
    }
}
