using System;
using System.Diagnostics;
using System.IO;

namespace Cosmos.Kernel.Tests
{
    /// <summary>Builds (incrementally) and locates the demo OS image the tests inspect.</summary>
    public static class KernelImage
    {
        private static readonly Lazy<string> s_elf = new(Build);

        public static string ElfPath => s_elf.Value;

        /// <summary>The demo OS's output folder, <c>Kernel/CosmosOS/bin/Debug/&lt;kernel tfm&gt;</c>.</summary>
        public static string DemoOutputDirectory() => Path.Combine(RepoRoot(), "Kernel", "CosmosOS", "bin", "Debug",
            System.Linq.Enumerable.Single(System.Reflection.CustomAttributeExtensions.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>(typeof(KernelImage).Assembly),
                a => a.Key == "CosmosKernelTargetFramework").Value);

        public static string RepoRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "CosmosOS.sln"))) return d.FullName;
            throw new InvalidOperationException("repository root (CosmosOS.sln) not found above " + AppContext.BaseDirectory);
        }

        private static string Build()
        {
            var root = RepoRoot();
            var elf = Path.Combine(DemoOutputDirectory(), "CosmosOS.elf");
            // Started by the test command after its build produced the demo OS: nothing to build (saves a no-op
            // `dotnet build`, ≈ 8 s of CPU).
            if (Environment.GetEnvironmentVariable(Cosmos.Build.Testing.TestCommand.DemoOsBuiltVariable) == "1" && File.Exists(elf)) return elf;
            var proj = Path.Combine(root, "Kernel", "CosmosOS", "CosmosOS.csproj");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "build", proj, "--nologo", "-v", "q" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("building the demo OS failed:\n" + output);
            if (!File.Exists(elf)) throw new FileNotFoundException("the build did not produce " + elf);
            return elf;
        }
    }
}
