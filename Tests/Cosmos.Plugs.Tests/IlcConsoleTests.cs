using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Cosmos.Build.Patching;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Plugs.Tests
{
    /// <summary>
    /// Compiles two small programs with the real ilc (the toolchain's, 10.0.12 today) against the plugged System.Console: one that
    /// uses the whole console surface (output, colours, cursor, window, input, streams, encodings) and a
    /// baseline without Console. The console program must not import a single libSystem.Native symbol
    /// (<c>nm -u</c>) that the baseline does not already import; its only extra imports are Cosmos natives.
    /// Takes about half a minute (two ilc runs in parallel).
    /// </summary>
    public sealed class IlcConsoleTests
    {
        private readonly ITestOutputHelper _out;

        public IlcConsoleTests(ITestOutputHelper output) => _out = output;

        private const string BaselineSource = @"
static class Program
{
    static int Main()
    {
        var list = new System.Collections.Generic.List<string> { ""a"" };
        return list.Count + (""hello "" + 42).Length;
    }
}";

        private const string ConsoleSource = @"
using System;
static class Program
{
    static int Main()
    {
        var list = new System.Collections.Generic.List<string> { ""a"" };
        Console.WriteLine(""hello "" + 42);
        Console.Write('x');
        Console.Error.WriteLine(""error"");
        Console.ForegroundColor = ConsoleColor.Red;
        Console.BackgroundColor = ConsoleColor.Blue;
        Console.ResetColor();
        Console.Clear();
        Console.SetCursorPosition(1, 2);
        var (left, top) = Console.GetCursorPosition();
        Console.CursorLeft = Console.CursorTop;
        int size = Console.WindowWidth + Console.WindowHeight + Console.BufferWidth + Console.BufferHeight
                 + Console.LargestWindowWidth + Console.LargestWindowHeight;
        Console.CursorVisible = !Console.CursorVisible;
        Console.Title = ""t"" + Console.Title;
        Console.Beep();
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        Console.InputEncoding = System.Text.Encoding.UTF8;
        string line = Console.ReadLine();
        int c = Console.Read();
        ConsoleKeyInfo k = Console.ReadKey();
        k = Console.ReadKey(true);
        bool available = Console.KeyAvailable;
        bool redirected = Console.IsInputRedirected || Console.IsOutputRedirected || Console.IsErrorRedirected;
        Console.MoveBufferArea(0, 0, 1, 1, 2, 2);
        System.IO.TextReader reader = Console.In;
        System.IO.TextWriter writer = Console.Out;
        using (var so = Console.OpenStandardOutput()) so.Write(new byte[] { 65 }, 0, 1);
        using (var si = Console.OpenStandardInput()) si.ReadByte();
        return list.Count + line.Length + c + (int)k.Key + left + top + size + (available ? 1 : 0) + (redirected ? 1 : 0)
             + reader.Peek() + writer.Encoding.CodePage + (Console.CapsLock ? 1 : 0) + (Console.NumberLock ? 1 : 0)
             + (Console.TreatControlCAsInput ? 1 : 0);
    }
}";

        [Fact]
        [Trait("Category", "ilc")]
        public async Task ConsoleProgramImportsNoSystemNativeSymbols()
        {
            string dir = Toolchain.TempDirectory("ilc");
            try
            {
                string patchedDir = Path.Combine(dir, "patched");
                PatchResult r = Toolchain.Patch(patchedDir, Toolchain.SystemConsole, Toolchain.CoreLib);
                Assert.True(r.Success, string.Join("\n", r.Errors));
                // This test is about System.Console: compile both probes against the original CoreLib.
                foreach (string f in Directory.GetFiles(patchedDir, "System.Private.CoreLib.*")) File.Delete(f);

                string baseline = Compile("ProbeBaseline", BaselineSource, dir);
                string console = Compile("ProbeConsole", ConsoleSource, dir);
                Task<string> baseObj = Task.Run(() => Ilc(baseline, Path.Combine(dir, "baseline.o"), patchedDir));
                Task<string> consoleObj = Task.Run(() => Ilc(console, Path.Combine(dir, "console.o"), patchedDir));
                string baseO = await baseObj, consoleO = await consoleObj;

                SortedSet<string> baseImports = Nm(baseO, "-u");
                SortedSet<string> consoleImports = Nm(consoleO, "-u");
                var extra = consoleImports.Except(baseImports).ToList();
                _out.WriteLine("imports added by the console program: " + string.Join(" ", extra));
                _out.WriteLine("SystemNative imports of the baseline (CoreLib's own): "
                               + string.Join(" ", baseImports.Where(s => s.StartsWith("SystemNative_", StringComparison.Ordinal))));

                Assert.DoesNotContain(extra, s => s.StartsWith("SystemNative_", StringComparison.Ordinal));
                Assert.All(extra, s => Assert.StartsWith("cosmos_", s));
                // The plugs really are compiled in (the test would be vacuous otherwise).
                Assert.Contains(Nm(consoleO, "--defined-only"), s => s.Contains("ConsoleDevice", StringComparison.Ordinal));
            }
            finally
            {
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        }

        private static string Compile(string name, string source, string dir)
        {
            var refs = Directory.GetFiles(Toolchain.Framework, "*.dll")
                .Append(Path.Combine(Toolchain.Sdk, "System.Private.CoreLib.dll"))
                .Select(p => MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create(name, new[] { CSharpSyntaxTree.ParseText(source) }, refs,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, optimizationLevel: OptimizationLevel.Release));
            string path = Path.Combine(dir, name + ".dll");
            var result = compilation.Emit(path);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            return path;
        }

        /// <summary>ilc with the build's flags (Build/Cosmos.Build/Steps/IlcStep), patched System.Console and the Cosmos assemblies.</summary>
        private static string Ilc(string input, string output, string patchedDir)
        {
            var refs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string f in Directory.GetFiles(Toolchain.Framework, "*.dll").Concat(Directory.GetFiles(Toolchain.Sdk, "*.dll")))
                refs[Path.GetFileNameWithoutExtension(f)] = f;
            foreach (string n in new[] { "Cosmos.Plugs", "Cosmos.System2", "Cosmos.Runtime", "Cosmos.LibM", "Cosmos.HAL2", "Cosmos.Core", "IL2CPU.API", "XSharp" })
                refs[n] = Path.Combine(Toolchain.BinDirectory, n + ".dll");
            foreach (string f in Directory.GetFiles(patchedDir, "*.dll"))
                refs[Path.GetFileNameWithoutExtension(f)] = f;

            var rsp = new List<string> { input, "-o:" + output };
            rsp.AddRange(refs.Values.OrderBy(x => x, StringComparer.Ordinal).Select(r => "-r:" + r));
            rsp.AddRange(new[]
            {
                "--targetos:linux", "--targetarch:x64", "-O",
                "--systemmodule:System.Private.CoreLib", "--initassembly:System.Private.CoreLib",
                "--directpinvoke:libSystem.Native", "--directpinvoke:libc", "--directpinvoke:*",
                "--feature:System.Globalization.Invariant=true",
                "--feature:System.Diagnostics.Tracing.EventSource.IsSupported=false",
                "--feature:System.Resources.UseSystemResourceKeys=false",
            });
            string rspPath = output + ".rsp";
            File.WriteAllLines(rspPath, rsp);
            var (code, text) = Run(Toolchain.Packages.Ilc, "@" + rspPath);
            Assert.True(code == 0 && File.Exists(output), "ilc failed (" + code + "):\n" + text);
            return output;
        }

        private static SortedSet<string> Nm(string obj, string mode)
        {
            var (code, text) = Run("nm", mode + " " + obj);
            Assert.True(code == 0, "nm failed: " + text);
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string line in text.Split('\n'))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0) set.Add(parts[parts.Length - 1]);
            }
            return set;
        }

        private static (int Code, string Output) Run(string file, string arguments)
        {
            var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process p = Process.Start(psi);
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return (p.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
