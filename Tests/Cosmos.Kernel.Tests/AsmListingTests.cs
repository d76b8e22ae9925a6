using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Cosmos.Kernel.Tests
{
    /// <summary>The CosmosAsmListing output on the demo OS: functions by symbol, NASM syntax, C# source lines, every instruction.</summary>
    public class AsmListingTests
    {
        private static readonly Lazy<string[]> Listing = new(() =>
        {
            string path = Path.Combine(Path.GetTempPath(), "cosmos-listing-" + Guid.NewGuid().ToString("N") + ".asm");
            try
            {
                Cosmos.Build.Steps.AsmListing.Write(KernelImage.ElfPath, path);
                return File.ReadAllLines(path);
            }
            finally { File.Delete(path); }
        });

        private static string[] Function(string name)
        {
            var lines = Listing.Value;
            int start = Array.IndexOf(lines, name + ":");
            Assert.True(start >= 0, $"no '{name}:' header in the listing");
            int end = start + 1;
            while (end < lines.Length && lines[end].Length > 0) end++;
            return lines[(start + 1)..end];
        }

        [Fact]
        public void MethodsCarryTheirCSharpLines()
        {
            var body = Function("CosmosOS_CosmosOS_Kernel__BeforeRun");
            string kernelCs = Path.Combine(KernelImage.RepoRoot(), "Kernel", "CosmosOS", "Kernel.cs");
            var source = File.ReadAllLines(kernelCs);
            var comments = body.Where(l => l.StartsWith("    ; ", StringComparison.Ordinal)).ToList();
            Assert.True(comments.Count >= 3, "fewer than 3 source-line comments in BeforeRun:\n" + string.Join('\n', body));
            foreach (var c in comments)
            {
                var m = Regex.Match(c, @"^    ; (.+):(\d+)  (.*)$");
                Assert.True(m.Success, "malformed source comment: " + c);
                if (m.Groups[1].Value != kernelCs) continue;   // inlined code from other files
                Assert.Equal(source[int.Parse(m.Groups[2].Value) - 1].Trim(), m.Groups[3].Value);
            }
            Assert.Contains(body, l => Regex.IsMatch(l, @"^    call    CosmosOS_CosmosOS_Kernel__MountDisks\s+; [0-9a-f]+$"));
        }

        /// <summary>The instructions listed for a function are exactly those objdump decodes in the same address range.</summary>
        [Fact]
        public void EveryInstructionOfAFunctionIsListed()
        {
            var body = Function("CosmosOS_CosmosOS_Kernel__BeforeRun");
            var listed = body.Where(l => !l.StartsWith("    ; ", StringComparison.Ordinal))
                .Select(l => Convert.ToUInt64(l[(l.LastIndexOf("; ", StringComparison.Ordinal) + 2)..], 16)).ToList();
            var nm = Run("nm", "-S", "--defined-only", KernelImage.ElfPath).Split('\n').Select(l => l.Split(' '))
                .First(f => f.Length == 4 && f[3] == "CosmosOS_CosmosOS_Kernel__BeforeRun");
            ulong start = Convert.ToUInt64(nm[0], 16), size = Convert.ToUInt64(nm[1], 16);
            var dump = Run("objdump", "-d", "--no-show-raw-insn", $"--start-address=0x{start:x}", $"--stop-address=0x{start + size:x}", KernelImage.ElfPath);
            var decoded = Regex.Matches(dump, @"(?m)^\s+([0-9a-f]+):\t").Select(m => Convert.ToUInt64(m.Groups[1].Value, 16)).ToList();
            Assert.True(decoded.Count > 10, dump);
            Assert.Equal(decoded, listed);
        }

        private static string Run(string exe, params string[] args)
        {
            var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string s = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return s;
        }
    }
}
