using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cosmos.Build.Running;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The template's VS Code files (.vscode/tasks.json and launch.json, issue #13 "Debugging"): F5 runs a background task
    /// that boots the kernel halted with `dotnet run -- --debug`, waits for the runner's "waits for a debugger" line, and
    /// attaches gdb (cppdbg) to QEMU's stub with the kernel ELF's symbols, stopping at the kernel's BeforeRun. Checked
    /// against the runner's own strings (port, progress and error formats) and the template's names; the same gdb
    /// commands run against the demo OS in Cosmos.Kernel.Tests (RunTargetSessionTests.VsCodeLaunchCommandsStopInBeforeRun).
    /// </summary>
    public class VsCodeTemplateTests
    {
        private static readonly JsonDocumentOptions Jsonc = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

        private static string TemplateDir => Path.Combine(TestCommand.RepoRoot(), "Build", "Cosmos.Templates", "templates", "CosmosKernel");

        private static JsonElement Read(params string[] path)
            => JsonDocument.Parse(File.ReadAllText(Path.Combine(new[] { TemplateDir }.Concat(path).ToArray())), Jsonc).RootElement;

        private static string SourceName => Read(".template.config", "template.json").GetProperty("sourceName").GetString();

        /// <summary>The gdb configuration: cppdbg over gdb, the ELF the build writes, the runner's default gdb port, the boot task before it.</summary>
        [Fact]
        public void LaunchConfigurationAttachesGdbToTheKernelElfOnTheRunnersPort()
        {
            var configs = Read(".vscode", "launch.json").GetProperty("configurations").EnumerateArray().ToList();
            var c = Assert.Single(configs);
            Assert.Equal("cppdbg", c.GetProperty("type").GetString());
            Assert.Equal("launch", c.GetProperty("request").GetString());
            Assert.Equal("gdb", c.GetProperty("MIMode").GetString());
            // Cosmos.Kernel.targets writes $(AssemblyName).elf beside the assembly in bin/Debug/<kernel TFM>/.
            Assert.Equal($"${{workspaceFolder}}/bin/Debug/{BuildInfo.KernelTargetFramework}/{SourceName}.elf", c.GetProperty("program").GetString());
            Assert.Equal("127.0.0.1:" + Debugging.DefaultGdbPort, c.GetProperty("miDebuggerServerAddress").GetString());

            var tasks = Read(".vscode", "tasks.json").GetProperty("tasks").EnumerateArray().ToList();
            string pre = c.GetProperty("preLaunchTask").GetString();
            Assert.Contains(tasks, t => t.GetProperty("label").GetString() == pre);
        }

        /// <summary>The stop at connect is a hardware breakpoint on the template kernel's own BeforeRun, by NativeAOT's symbol.</summary>
        [Fact]
        public void PostConnectCommandBreaksOnTheTemplateKernelsBeforeRun()
        {
            var c = Read(".vscode", "launch.json").GetProperty("configurations")[0];
            var commands = c.GetProperty("postRemoteConnectCommands").EnumerateArray().Select(e => e.GetProperty("text").GetString()).ToList();
            string source = File.ReadAllText(Path.Combine(TemplateDir, "Kernel.cs"));
            string ns = Regex.Match(source, @"^namespace\s+([\w.]+)", RegexOptions.Multiline).Groups[1].Value;
            Assert.Matches(@"class\s+Kernel\s*:\s*Sys\.Kernel", source);
            Assert.Matches(@"override\s+void\s+BeforeRun\s*\(", source);
            // <Assembly>_<Namespace>_<Type>__<Method>, '.' as '_' (Debugging's summary; the demo OS's CosmosOS_CosmosOS_Kernel__BeforeRun).
            string symbol = $"{SourceName}_{ns.Replace('.', '_')}_Kernel__BeforeRun";
            Assert.Equal(new[] { "hbreak " + symbol }, commands);
        }

        /// <summary>
        /// The boot task: `dotnet run -- --debug` in the background; VS Code starts gdb once the end pattern matches the line
        /// the runner prints when QEMU waits. The watcher is active from the start (a no-change build prints no progress
        /// line), and the begin pattern must not match the waiting line (VS Code checks the begin pattern first and then
        /// skips the end pattern for that line). Errors are reported with the runner's "FILE: error CODE: message" format.
        /// </summary>
        [Fact]
        public void BootTaskRunsDebugAndEndsAtTheRunnersWaitingLine()
        {
            var t = Assert.Single(Read(".vscode", "tasks.json").GetProperty("tasks").EnumerateArray().ToList());
            Assert.Equal("shell", t.GetProperty("type").GetString());
            Assert.True(t.GetProperty("isBackground").GetBoolean());
            var words = t.GetProperty("command").GetString().Split(' ', System.StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(new[] { "dotnet", "run" }, words.Take(2));
            int dashes = System.Array.IndexOf(words, "--");
            Assert.True(dashes > 0 && words.Skip(dashes + 1).Contains("--debug"), "the task does not pass --debug to the runner: " + string.Join(' ', words));

            var matcher = t.GetProperty("problemMatcher");
            var bg = matcher.GetProperty("background");
            Assert.True(bg.GetProperty("activeOnStart").GetBoolean());
            var begins = new Regex(bg.GetProperty("beginsPattern").GetString());
            var ends = new Regex(bg.GetProperty("endsPattern").GetString());
            // What Qemu.Start prints through Tool.Progress ("cosmos: [step] text"), first line.
            string waiting = "cosmos: [debug] " + Debugging.Instructions("/k/bin/Debug/K.elf", "127.0.0.1:" + Debugging.DefaultGdbPort).Split('\n')[0];
            Assert.Matches(ends, waiting);
            Assert.DoesNotMatch(begins, waiting);
            Assert.Matches(begins, "cosmos: [plugs] entry MyOS.Kernel; 118 plugs from 1 assemblies patched 2 assemblies (0.6 s)");

            var pattern = matcher.GetProperty("pattern");
            var error = new Regex(pattern.GetProperty("regexp").GetString());
            // Program.Main's format for a BuildStepException: "{File ?? "cosmos"}: error {Code}: {message}".
            var m = error.Match("/home/u/MyOS/Kernel.cs: error COSMOS041: step 'ilc' failed: ilc failed");
            Assert.True(m.Success);
            Assert.Equal("/home/u/MyOS/Kernel.cs", m.Groups[pattern.GetProperty("file").GetInt32()].Value);
            Assert.Equal("COSMOS041", m.Groups[pattern.GetProperty("code").GetInt32()].Value);
            Assert.Equal("COSMOS079", error.Match("cosmos: error COSMOS079: --debug is not available").Groups[pattern.GetProperty("code").GetInt32()].Value);
        }

        /// <summary>F5 in Visual Studio / Rider: a launch profile boots halted for gdb too.</summary>
        [Fact]
        public void LaunchSettingsHaveADebugProfile()
        {
            var profiles = Read("Properties", "launchSettings.json").GetProperty("profiles");
            var args = profiles.GetProperty("qemu-debug").GetProperty("commandLineArgs").GetString().Split(' ');
            Assert.Contains("--debug", args);
            Assert.Equal("qemu", args[System.Array.IndexOf(args, "--target") + 1]);
        }
    }
}
