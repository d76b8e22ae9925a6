using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Cosmos.Build.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The kit as a user gets it (README "Your own kernel", issue #13): the README's `sh` block, run from a copy of the
    /// repository's files with a fresh HOME and an empty NuGet cache (packages the kit does not make come from the
    /// machine's NuGet source, nuget.org), packs the kit, installs the template, creates MyOS outside the repository and
    /// boots it; the last line gets `-- --display false` and the kernel's `shutdown` on stdin.
    /// </summary>
    public class KitFlowTests
    {
        private readonly ITestOutputHelper _output;
        public KitFlowTests(ITestOutputHelper output) => _output = output;

        /// <summary>The lines of the first ```sh block under "## Your own kernel" in README.md.</summary>
        internal static string[] ReadmeBlock(string readme)
        {
            var m = Regex.Match(readme, @"^## Your own kernel\n(?:(?!^## ).)*?^```sh\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
            Assert.True(m.Success, "README.md has no ```sh block in a section \"## Your own kernel\"");
            return m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        [Fact]
        public void ReadmeBlockPacksInstallsCreatesOutsideTheRepoAndRuns()
        {
            var lines = ReadmeBlock(File.ReadAllText(Path.Combine(TestCommand.RepoRoot(), "README.md")));
            Assert.StartsWith("dotnet pack ", lines[0]);
            Assert.Contains(lines, l => l.StartsWith("dotnet new install ") && l.Contains("Cosmos.Templates"));
            Assert.Contains(lines, l => l.StartsWith("dotnet new cosmoskernel -n MyOS"));
            Assert.Contains(lines, l => l.Contains("cd ~/") || l.Contains("cd $HOME") || l.Contains("cd /"));
            Assert.Equal("dotnet run", lines[^1]);
        }

        [Fact]
        [Trait("Category", "Slow")]
        public void ReadmeBlockBootsMyOSOnAFreshMachine()
        {
            var root = TestCommand.RepoRoot();
            var work = Directory.CreateTempSubdirectory("cosmos-kit-").FullName;
            try
            {
                // A fresh clone: the files git knows (tracked and new, not ignored), without bin/obj/artifacts.
                var clone = Path.Combine(work, "repo");
                TestCommand.CopyWorkTree(root, clone);

                var block = ReadmeBlock(File.ReadAllText(Path.Combine(clone, "README.md")));
                block[^1] = "printf 'shutdown\\n' | dotnet run -- --display false";
                var script = Path.Combine(work, "block.sh");
                File.WriteAllText(script, "set -e\n" + string.Join("\n", block) + "\n");

                var home = Path.Combine(work, "home");
                var packages = Path.Combine(work, "nuget-packages");
                Directory.CreateDirectory(home);
                Directory.CreateDirectory(packages);
                var sw = Stopwatch.StartNew();
                var r = Run("bash", script, clone, psi =>
                {
                    psi.Environment["HOME"] = home;
                    psi.Environment["NUGET_PACKAGES"] = packages;
                    psi.Environment.Remove("DOTNET_CLI_HOME");
                    psi.Environment.Remove("NUGET_HTTP_CACHE_PATH");
                    psi.Environment.Remove("XDG_CACHE_HOME");
                    psi.Environment.Remove("COSMOS_CACHE");
                    // Not the test host's MSBuild/SDK settings (dotnet test sets some for its child processes).
                    foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "MSBUILD_EXE_PATH" || k == "DOTNET_HOST_PATH").ToList())
                        psi.Environment.Remove(k);
                    // ...but no MSBuild node may outlive the block (a reused node stays for minutes after the test).
                    psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
                }, 1500);
                _output.WriteLine($"README block: exit {r.ExitCode} in {sw.Elapsed.TotalSeconds:F0} s");
                var tail = string.Join("\n", r.Output.Split('\n').TakeLast(60));
                Assert.True(r.ExitCode == 0, $"README block exited {r.ExitCode}:\n{tail}");
                var project = Path.Combine(home, "cosmos", "MyOS");
                Assert.True(File.Exists(Path.Combine(project, "MyOS.csproj")), "MyOS.csproj not created in ~/cosmos/MyOS:\n" + tail);
                // Built from the packages of the fresh cache, not from the repository's projects.
                Assert.True(Directory.Exists(Path.Combine(packages, "cosmos.build")), "Cosmos.Build did not come from the NuGet cache:\n" + tail);
                Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net10.0", "Cosmos.System2.dll")), "Cosmos.System2.dll not next to the kernel:\n" + tail);
                // The VS Code files came with the template, renamed: gdb loads the ELF the build wrote and breaks in MyOS's BeforeRun.
                string launch = File.ReadAllText(Path.Combine(project, ".vscode", "launch.json"));
                Assert.Contains("\"${workspaceFolder}/bin/Debug/net10.0/MyOS.elf\"", launch);
                Assert.Contains("hbreak MyOS_MyOS_Kernel__BeforeRun", launch);
                Assert.True(File.Exists(Path.Combine(project, "bin", "Debug", "net10.0", "MyOS.elf")), "MyOS.elf (launch.json's program) not built");
                Assert.Contains("--debug", File.ReadAllText(Path.Combine(project, ".vscode", "tasks.json")));
                Assert.Contains("Cosmos booted successfully", r.Output);
                Assert.Contains("Input: shutdown", r.Output);

                // Visual Studio's and Rider's "new project" dialogs list the installed dotnet-new templates of type project
                // by language: the template engine, asked the same way, must offer it.
                var list = Run("dotnet", "new list cosmoskernel --type project --language C#", work, psi => { psi.Environment["HOME"] = home; psi.Environment["NUGET_PACKAGES"] = packages; }, 300);
                Assert.True(list.ExitCode == 0 && Regex.IsMatch(list.Output, @"Cosmos Kernel\s+cosmoskernel\s+\[?C#"), "dotnet new list --type project --language C# does not offer the template:\n" + list.Output);

                // A project written for Cosmos's user kit (the properties of Cosmos's own kernel template) builds with
                // the same packages: Profile is acted on (the run target), the rest is named in one warning.
                var kit = Path.Combine(home, "cosmos", "UserKit");
                Directory.CreateDirectory(kit);
                File.Copy(Path.Combine(project, "Kernel.cs"), Path.Combine(kit, "Kernel.cs"));
                File.Copy(Path.Combine(project, "nuget.config"), Path.Combine(kit, "nuget.config"));
                File.WriteAllText(Path.Combine(kit, "UserKit.csproj"), UserKitProject);
                var b = Run("dotnet", "build -nodeReuse:false", kit, psi => { psi.Environment["HOME"] = home; psi.Environment["NUGET_PACKAGES"] = packages; }, 900);
                Assert.True(b.ExitCode == 0, "user-kit project did not build:\n" + string.Join("\n", b.Output.Split('\n').TakeLast(40)));
                var warnings = b.Output.Split('\n').Where(l => l.Contains("warning COSMOS100")).Distinct().ToList();
                Assert.Single(warnings);
                foreach (var name in new[] { "DebugEnabled", "VMWareEdition", "EnableGDB", "StartCosmosGDB", "VisualStudioDebugPort", "CosmosDebugPort", "PxeInterface" })
                    Assert.Contains(name, warnings[0]);
                Assert.DoesNotContain("Profile=", warnings[0]);
                Assert.True(File.Exists(Path.Combine(kit, "bin", "cosmos", "Debug", "net10.0", "UserKit.iso")), "UserKit.iso not built under bin/cosmos/Debug/net10.0");
                var target = Run("dotnet", "msbuild -nodeReuse:false -getProperty:CosmosTarget -getProperty:RunArguments", kit, psi => { psi.Environment["HOME"] = home; psi.Environment["NUGET_PACKAGES"] = packages; }, 300);
                Assert.Contains("\"CosmosTarget\": \"vmware\"", target.Output);
                Assert.Contains("bin/cosmos/Debug/net10.0/UserKit.iso", target.Output);

                // NuGet may take the packages from a fallback folder (NUGET_FALLBACK_PACKAGES, RestoreFallbackFolders, an
                // offline SDK's folder) and not copy them into the global one: the kernel build must find ilc and the
                // NativeAOT runtime pack there (it looked only in the global folder: "ilc was not found").
                var empty = Path.Combine(work, "nuget-empty");
                Directory.CreateDirectory(empty);
                void Fallback(ProcessStartInfo psi) { psi.Environment["HOME"] = home; psi.Environment["NUGET_PACKAGES"] = empty; psi.Environment["NUGET_FALLBACK_PACKAGES"] = packages; }
                var restore = Run("dotnet", "restore -nodeReuse:false", project, Fallback, 300);
                Assert.True(restore.ExitCode == 0, "MyOS did not restore from the fallback folder:\n" + restore.Output);
                var found = Run("dotnet", "msbuild -nodeReuse:false -t:_CosmosFindPackages -getProperty:CosmosIlcPackage -getProperty:CosmosRuntimePack", project, Fallback, 300);
                Assert.True(found.ExitCode == 0, found.Output);
                Assert.Contains($"\"CosmosIlcPackage\": \"{packages}/runtime.linux-x64.microsoft.dotnet.ilcompiler/", found.Output);
                Assert.Contains($"\"CosmosRuntimePack\": \"{packages}/microsoft.netcore.app.runtime.nativeaot.linux-x64/", found.Output);
            }
            finally
            {
                try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>The settings of Cosmos's user-kit kernel template (VMware profile, Cosmos debugger, PXE), net10.0.</summary>
        private const string UserKitProject = @"<Project Sdk=""Microsoft.NET.Sdk"">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Platform>cosmos</Platform>
    <SupportsX86Intrinsics>false</SupportsX86Intrinsics>
    <SelfContained>True</SelfContained>
  </PropertyGroup>
  <PropertyGroup>
    <EnableGDB>False</EnableGDB>
    <StartCosmosGDB>False</StartCosmosGDB>
    <VisualStudioDebugPort>Pipe: Cosmos\Serial</VisualStudioDebugPort>
    <CosmosDebugPort>Serial: COM1</CosmosDebugPort>
    <Launch>VMware</Launch>
    <Profile>VMware</Profile>
    <Description>Use VMware Player or Workstation to deploy and debug.</Description>
    <PxeInterface>192.168.0.8</PxeInterface>
    <DebugEnabled>False</DebugEnabled>
    <VMWareEdition>Workstation</VMWareEdition>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include=""Cosmos.Build"" Version=""0-*"" NoWarn=""NU1604"" />
    <PackageReference Include=""Cosmos.System2"" Version=""0-*"" NoWarn=""NU1604"" />
    <PackageReference Include=""Cosmos.Plugs"" Version=""0-*"" NoWarn=""NU1604"" />
  </ItemGroup>
</Project>
";

        private static (int ExitCode, string Output) Run(string file, string args, string dir, Action<ProcessStartInfo> env, int timeoutSeconds)
        {
            var psi = new ProcessStartInfo(file, args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            env?.Invoke(psi);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var output = new System.Text.StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(true);
                throw new TimeoutException($"{file} {args} did not finish in {timeoutSeconds} s:\n{output}");
            }
            p.WaitForExit();
            lock (output) return (p.ExitCode, output.ToString());
        }
    }
}
