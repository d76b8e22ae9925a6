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
        public void KernelsThatCompileAlikeShareBundlesOfAtMostMaxMembers()
        {
            string dir = Directory.CreateTempSubdirectory("cosmos-bundles-").FullName;
            try
            {
                var plain = Enumerable.Range(0, 2 * TestBundles.MaxMembers + 1).Select(i => Project(dir, $"K{i:000}Tests")).ToList();
                string vbe = Project(dir, "VbeTests", "<CosmosGraphicsMode>640x480x32</CosmosGraphicsMode>");
                string files = Project(dir, "FileTests");
                Directory.CreateDirectory(Path.Combine(dir, "FileTests", "isoroot"));
                string noDebug = Project(dir, "NoDebugTests", "<CosmosDebugInfo>false</CosmosDebugInfo>");
                string noDebugVbe = Project(dir, "NoDebugVbeTests", "<CosmosDebugInfo>false</CosmosDebugInfo><CosmosGraphicsMode>1024x768x32</CosmosGraphicsMode>");
                string lonely = Project(dir, "LonelyTests", "<CosmosAsmListing>true</CosmosAsmListing>");
                Assert.Equal("", TestBundles.BuildKey(plain[0]));
                Assert.Equal("CosmosGraphicsMode=640x480x32", TestBundles.BuildKey(vbe));
                Assert.Equal("CosmosIsoRoot=" + Path.Combine(dir, "FileTests", "isoroot"), TestBundles.BuildKey(files));
                // Another kernel naming the same folder shares the key.
                string filesUefi = Project(dir, "FileUefiTests", "<CosmosIsoRoot>$(MSBuildProjectDirectory)/../FileTests/isoroot</CosmosIsoRoot>");
                Assert.Equal(TestBundles.BuildKey(files), TestBundles.BuildKey(filesUefi));
                // The screen mode and the CD's files only shape the image: they compile like a plain kernel.
                Assert.Equal("", TestBundles.CompileKey(vbe));
                Assert.Equal("", TestBundles.CompileKey(files));
                Assert.Equal("CosmosDebugInfo=false", TestBundles.CompileKey(noDebugVbe));

                var all = plain.Append(vbe).Append(files).Append(noDebug).Append(noDebugVbe).Append(lonely).OrderBy(x => x, StringComparer.Ordinal).ToList();
                var plans = TestBundles.Plan(all);
                // Key "": the 2 * MaxMembers + 3 plain, screen-mode and CD kernels in three bundles of near-equal size, in
                // name order; then the two without debug info; the kernel with a listing builds alone.
                var compileAlike = all.Where(p => TestBundles.CompileKey(p) == "").ToList();
                Assert.Equal(4, plans.Count);
                Assert.Equal(new[] { "TestBundle1", "TestBundle2", "TestBundle3", "TestBundle4" }, plans.Select(p => p.Name));
                Assert.All(plans.Take(3), p => Assert.InRange(p.Members.Count, compileAlike.Count / 3, compileAlike.Count / 3 + 1));
                Assert.Equal(compileAlike, plans.Take(3).SelectMany(p => p.Members));
                Assert.Equal(new[] { noDebug, noDebugVbe }, plans[3].Members);
                Assert.DoesNotContain(plans, p => p.Members.Contains(lonely));
                Assert.Empty(TestBundles.Plan(new[] { plain[0] }));
            }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public void TheRepositorysTestKernelsCompileAsOneBundle()
        {
            string kernels = Path.Combine(TestCommand.RepoRoot(), "Tests", "Kernels");
            var projects = Directory.GetDirectories(kernels).Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj")).Where(File.Exists)
                .OrderBy(x => x, StringComparer.Ordinal).ToList();
            var plans = TestBundles.Plan(projects);
            // One ilc compile for all of them while they fit: kernels with a CD folder or a screen mode of their own are in it.
            // UnoptimizedTests (CosmosOptimize=false) compiles differently, so it builds alone.
            string unoptimized = Path.Combine(kernels, "UnoptimizedTests", "UnoptimizedTests.csproj");
            Assert.Contains("CosmosOptimize=false", TestBundles.CompileKey(unoptimized));
            var bundled = projects.Where(p => p != unoptimized).ToList();
            Assert.True(bundled.Count <= TestBundles.MaxMembers, $"{bundled.Count} test kernels: more than one bundle now");
            var plan = Assert.Single(plans);
            Assert.Equal(bundled, plan.Members);
            string fs = Path.Combine(kernels, "FileSystemTests", "FileSystemTests.csproj");
            Assert.NotEqual("", TestBundles.BuildKey(fs));
            Assert.Contains(fs, plan.Members);
        }

        [Theory]
        [InlineData("/x/B.iso", "640x480x32", "/r/isoroot")]
        [InlineData("/x/B-2.iso", "text", null)]
        public void ImageArgumentsRoundTrip(string iso, string mode, string root)
        {
            var image = KernelImage.Parse(KernelImage.Format(iso, mode, root));
            Assert.Equal(new KernelImage(iso, mode, root), image);
        }

        [Theory]
        [InlineData("/x/B.iso|text")]
        [InlineData("|text|")]
        [InlineData("a|b|c|d")]
        public void MalformedImageArgumentsAreRefused(string text)
        {
            var e = Assert.Throws<Cosmos.Build.Toolchain.BuildStepException>(() => KernelImage.Parse(text));
            Assert.Equal("COSMOS113", e.Code);
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
