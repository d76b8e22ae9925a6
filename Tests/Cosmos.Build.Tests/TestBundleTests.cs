using System;
using System.IO;
using System.Linq;
using Cosmos.Build.Steps;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// Test bundles (Build/Cosmos.Build/Steps/TestBundle.cs, Testing/TestBundles.cs): which test kernels share an image, and
    /// the generated entry point that starts the member fw_cfg names.
    /// </summary>
    public sealed class TestBundleTests
    {
        private const string KernelBase = "namespace Cosmos.System { public abstract class Kernel { public static string Started; public void Start() { Started = GetType().FullName; } } }";
        private const string Selector = "namespace Cosmos.TestRunner { public static class TestBundle { public static string Selection; public static string SelectedKernel() => Selection; "
            + "public static void NoSuchKernel(string selected, string members) => throw new global::System.InvalidOperationException(selected + \" not in \" + members); } }";

        /// <summary>A member as MSBuild leaves it: its assembly with the libraries it references beside it.</summary>
        private static string Member(Workspace ws, string name, params string[] libraries)
        {
            string dll = ws.Compile(name, "namespace " + name + " { public sealed class Kernel : Cosmos.System.Kernel { } }", libraries[0]);
            foreach (var lib in libraries) File.Copy(lib, Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileName(lib)));
            return dll;
        }

        [Fact]
        public void EntryPointStartsTheSelectedMemberAndRefusesOthers()
        {
            using var ws = new Workspace();
            string core = ws.Compile("Cosmos.System", KernelBase);
            string selector = ws.Compile("Cosmos.TestRunner.Kernel", Selector);
            var members = new[] { Member(ws, "AlphaTests", core, selector), Member(ws, "BetaTests", core, selector) };
            string bin = Path.Combine(ws.Root, "bundle");
            string entry = TestBundle.Prepare("TestBundle1", members, bin);
            Assert.Equal(Path.Combine(bin, "TestBundle1.dll"), entry);
            Assert.Equal(new[] { "AlphaTests.dll", "BetaTests.dll", "Cosmos.System.dll", "Cosmos.TestRunner.Kernel.dll", "TestBundle1.dll" },
                Directory.GetFiles(bin, "*.dll").Select(Path.GetFileName).OrderBy(x => x, StringComparer.Ordinal));
            foreach (var (choice, started) in new[] { ("BetaTests", "BetaTests.Kernel"), ("AlphaTests", "AlphaTests.Kernel") })
            {
                using var alc = ws.Load(Directory.GetFiles(bin, "*.dll"));
                alc.Get("Cosmos.TestRunner.Kernel").GetType("Cosmos.TestRunner.TestBundle", true)!.GetField("Selection")!.SetValue(null, choice);
                Assert.Equal(0, alc.Call("TestBundle1", "Cosmos.Generated.KernelEntryPoint", "Main"));
                Assert.Equal(started, alc.StaticField("Cosmos.System", "Cosmos.System.Kernel", "Started"));
            }
            using (var alc = ws.Load(Directory.GetFiles(bin, "*.dll")))
            {
                alc.Get("Cosmos.TestRunner.Kernel").GetType("Cosmos.TestRunner.TestBundle", true)!.GetField("Selection")!.SetValue(null, "GammaTests");
                var e = Assert.Throws<InvalidOperationException>(() => alc.Call("TestBundle1", "Cosmos.Generated.KernelEntryPoint", "Main"));
                Assert.Equal("GammaTests not in AlphaTests, BetaTests", e.Message);
                Assert.Null(alc.StaticField("Cosmos.System", "Cosmos.System.Kernel", "Started"));
            }
            // Unchanged inputs: nothing is rewritten (the pipeline's steps compare time stamps, the ilc cache contents).
            // A second apart: a time stamp in the generated image would make it differ.
            var before = Directory.GetFiles(bin).ToDictionary(f => f, File.GetLastWriteTimeUtc);
            System.Threading.Thread.Sleep(1100);
            TestBundle.Prepare("TestBundle1", members, bin);
            Assert.All(before, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
        }

        [Fact]
        public void MembersBuiltFromDifferentLibrariesCannotShareABundle()
        {
            using var ws = new Workspace();
            string core = ws.Compile("Cosmos.System", KernelBase);
            string selector = ws.Compile("Cosmos.TestRunner.Kernel", Selector);
            string alpha = Member(ws, "AlphaTests", core, selector);
            string beta = Member(ws, "BetaTests", core, selector);
            File.AppendAllText(Path.Combine(Path.GetDirectoryName(beta)!, "Cosmos.System.dll"), "x");
            var e = Assert.Throws<BuildStepException>(() => TestBundle.Prepare("TestBundle1", new[] { alpha, beta }, Path.Combine(ws.Root, "bundle")));
            Assert.Equal("COSMOS110", e.Code);
            Assert.Contains("Cosmos.System.dll", e.Message);
        }

        private static string Project(string dir, string name, string properties = "")
        {
            Directory.CreateDirectory(Path.Combine(dir, name));
            string path = Path.Combine(dir, name, name + ".csproj");
            File.WriteAllText(path, "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>" + properties + "<AllowUnsafeBlocks>true</AllowUnsafeBlocks></PropertyGroup>\n</Project>\n");
            return path;
        }

        [Fact]
        public void KernelsWithTheSameCosmosPropertiesShareBundlesOfAtMostMaxMembers()
        {
            string dir = Directory.CreateTempSubdirectory("cosmos-bundles-").FullName;
            try
            {
                var plain = Enumerable.Range(0, 2 * TestBundles.MaxMembers + 1).Select(i => Project(dir, $"K{i:00}Tests")).ToList();
                string vbe = Project(dir, "VbeTests", "<CosmosGraphicsMode>640x480x32</CosmosGraphicsMode>");
                string uefi = Project(dir, "UefiTests", "<CosmosGraphicsMode>640x480x32</CosmosGraphicsMode>");
                string svga = Project(dir, "SvgaTests", "<CosmosGraphicsMode>1024x768x32</CosmosGraphicsMode>");
                string files = Project(dir, "FileTests");
                Directory.CreateDirectory(Path.Combine(dir, "FileTests", "isoroot"));
                Assert.Equal("", TestBundles.BuildKey(plain[0]));
                Assert.Equal("CosmosGraphicsMode=640x480x32", TestBundles.BuildKey(vbe));
                Assert.Equal("CosmosIsoRoot=" + Path.Combine(dir, "FileTests", "isoroot"), TestBundles.BuildKey(files));
                // Another kernel naming the same folder shares the key.
                string filesUefi = Project(dir, "FileUefiTests", "<CosmosIsoRoot>$(MSBuildProjectDirectory)/../FileTests/isoroot</CosmosIsoRoot>");
                Assert.Equal(TestBundles.BuildKey(files), TestBundles.BuildKey(filesUefi));

                var plans = TestBundles.Plan(plain.Append(vbe).Append(uefi).Append(svga).Append(files).OrderBy(x => x, StringComparer.Ordinal).ToList());
                Assert.Equal(new[] { "TestBundle1", "TestBundle2", "TestBundle3", "TestBundle4" }, plans.Select(p => p.Name));
                // The plain kernels: 25 in three bundles of near-equal size, in name order, each kernel once.
                Assert.Equal(new[] { 8, 8, 9 }, plans.Take(3).Select(p => p.Members.Count));
                Assert.Equal(plain, plans.Take(3).SelectMany(p => p.Members));
                Assert.Equal(new[] { uefi, vbe }, plans[3].Members);
                // Alone: the only kernel with its graphics mode, the one with an isoroot folder.
                Assert.DoesNotContain(plans, p => p.Members.Contains(svga) || p.Members.Contains(files));
                Assert.Empty(TestBundles.Plan(new[] { plain[0] }));
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public void TheRepositorysTestKernelsWithAnIsoRootShareABundleApartFromThePlainOnes()
        {
            string kernels = Path.Combine(TestCommand.RepoRoot(), "Tests", "Kernels");
            var projects = Directory.GetDirectories(kernels).Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj")).Where(File.Exists)
                .OrderBy(x => x, StringComparer.Ordinal).ToList();
            var plans = TestBundles.Plan(projects);
            var bundled = plans.SelectMany(p => p.Members).ToList();
            Assert.Equal(bundled.Count, bundled.Distinct().Count());
            foreach (var p in plans) Assert.Single(p.Members.Select(TestBundles.BuildKey).Distinct());
            string fs = Path.Combine(kernels, "FileSystemTests", "FileSystemTests.csproj"), fsUefi = Path.Combine(kernels, "FileSystemUefiTests", "FileSystemUefiTests.csproj");
            Assert.Equal(new[] { fs, fsUefi }, plans.Single(p => p.Members.Contains(fs)).Members);
            Assert.Equal("", TestBundles.BuildKey(Path.Combine(kernels, "CosmosStyleTests", "CosmosStyleTests.csproj")));
            Assert.Contains(Path.Combine(kernels, "CosmosStyleTests", "CosmosStyleTests.csproj"), bundled);
        }

        [Fact]
        public void TraversalBuildsBundleMembersWithTheirMemberTarget()
        {
            string text = TestBuild.TraversalProject(new[] { "/r/A/A.csproj", "/r/B/B.csproj" }, "/m", new System.Collections.Generic.HashSet<string> { "/r/B/B.csproj" });
            Assert.Contains("CosmosProject=/r/A/A.csproj;CosmosMarker=/m/0.ok;CosmosTestTarget=Build\"", text);
            Assert.Contains("CosmosProject=/r/B/B.csproj;CosmosMarker=/m/1.ok;CosmosTestTarget=" + TestBuild.BundleMemberTarget + "\"", text);
        }
    }
}
