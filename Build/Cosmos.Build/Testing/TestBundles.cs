using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>One test bundle of a run: its name and member test kernel projects (Tests/Kernels/NAME/NAME.csproj).</summary>
    public sealed record BundlePlan(string Name, IReadOnlyList<string> Members);

    /// <summary>What building one test bundle gave: the members it holds (those whose own build succeeded) or why it failed.</summary>
    public sealed record BundleResult(bool Succeeded, IReadOnlyList<string> Members, string Output, TimeSpan Elapsed);

    /// <summary>
    /// Fewer, larger test images: the test command puts test kernels that build alike into bundles
    /// (<see cref="Steps.TestBundle"/>), compiles each bundle with ilc once and boots it once per member, the member chosen
    /// through fw_cfg. A test kernel's project and sources stay as they are (it still builds and boots alone with
    /// <c>dotnet build</c> or <c>test --filter NAME</c>); for a bundle the runner builds only its assembly (the
    /// <see cref="TestBuild.BundleMemberTarget"/> target).
    /// </summary>
    /// <remarks>
    /// Which kernels share a bundle (<see cref="Plan"/>): those with the same <see cref="BuildKey"/>, i.e. the same Cosmos*
    /// properties in their project file and the same ISO root folder (if any), at most <see cref="MaxMembers"/> per bundle; a
    /// kernel whose key no other selected kernel has builds alone. The key is a quick look at the project file; the
    /// settings MSBuild really evaluated (each member's <c>NAME.bundle-settings</c>) must then be identical, or the bundle
    /// fails to build (COSMOS112) instead of silently building its members differently.
    /// </remarks>
    public static class TestBundles
    {
        /// <summary>Most members in one bundle: smaller bundles boot sooner (the next builds while the first boots).</summary>
        public const int MaxMembers = 12;

        /// <summary>The bundle settings file a member's <see cref="TestBuild.BundleMemberTarget"/> writes beside its assembly.</summary>
        public static string SettingsFile(string project) =>
            Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(project)!), Path.GetFileNameWithoutExtension(project) + ".bundle-settings");

        /// <summary>The member's assembly (bin/Debug/TFM/NAME.dll).</summary>
        public static string MemberAssembly(string project) =>
            Path.Combine(BuildInfo.KernelOutputDirectory(Path.GetDirectoryName(project)!), Path.GetFileNameWithoutExtension(project) + ".dll");

        /// <summary>Folder of bundle <paramref name="name"/>: obj/cosmos-test/bundles/NAME (bin/, cosmos/, NAME.elf, NAME.iso, and a folder per member for its disks and screenshots).</summary>
        public static string Directory(string root, string name) => Path.Combine(TestBuild.WorkDirectory(root), "bundles", name);

        public static string Iso(string root, string name) => Path.Combine(Directory(root, name), name + ".iso");

        /// <summary>
        /// What decides whether two test kernels may share an image, read from the project: every property whose name
        /// starts with "Cosmos" (name=value), with the ISO root as the full path of the folder it names (CosmosIsoRoot,
        /// $(MSBuildProjectDirectory) expanded, or the project's own isoroot/ folder), so kernels that put the same files
        /// on their CD share a key. "" for a plain test kernel.
        /// </summary>
        public static string BuildKey(string project)
        {
            string dir = Path.GetDirectoryName(Path.GetFullPath(project))!;
            var doc = XDocument.Load(project);
            var properties = doc.Root!.Elements().Where(e => e.Name.LocalName == "PropertyGroup").Elements()
                .Where(e => e.Name.LocalName.StartsWith("Cosmos", StringComparison.Ordinal))
                .ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.Ordinal);
            if (properties.TryGetValue(IsoRootProperty, out var isoRoot))
                properties[IsoRootProperty] = Path.GetFullPath(isoRoot.Replace("$(MSBuildProjectDirectory)", dir));
            else if (System.IO.Directory.Exists(Path.Combine(dir, "isoroot")))
                properties[IsoRootProperty] = Path.Combine(dir, "isoroot");
            return string.Join(";", properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
        }

        private const string IsoRootProperty = "CosmosIsoRoot";

        /// <summary>
        /// The bundles for <paramref name="kernelProjects"/> (sorted): kernels grouped by <see cref="BuildKey"/>, a group of
        /// more than <see cref="MaxMembers"/> split into as few bundles of near-equal size as needed, in name order; groups of
        /// one kernel are no bundle (it builds alone). Bundles are named TestBundle1, TestBundle2, … in that order.
        /// </summary>
        public static List<BundlePlan> Plan(IReadOnlyList<string> kernelProjects)
        {
            var plans = new List<BundlePlan>();
            foreach (var group in kernelProjects.GroupBy(BuildKey).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var members = group.OrderBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal).ToList();
                if (members.Count < 2) continue;
                int count = (members.Count + MaxMembers - 1) / MaxMembers;
                for (int b = 0; b < count; b++)
                    plans.Add(new BundlePlan("TestBundle" + (plans.Count + 1), members.Skip(b * members.Count / count).Take((b + 1) * members.Count / count - b * members.Count / count).ToList()));
            }
            return plans;
        }

        /// <summary>
        /// Builds bundle <paramref name="plan"/> from those of its members whose own build succeeded (<paramref name="built"/>):
        /// checks that they share their settings, then runs the toolchain's <c>build-bundle</c> (entry assembly, plugs, X#,
        /// ilc, link, ISO).
        /// </summary>
        public static BundleResult Build(string root, BundlePlan plan, Func<string, bool> built)
        {
            var sw = Stopwatch.StartNew();
            var members = plan.Members.Where(built).ToList();
            if (members.Count == 0) return new BundleResult(false, members, "none of its members built", sw.Elapsed);
            var settings = members.Select(m => (Member: m, Text: File.Exists(SettingsFile(m)) ? File.ReadAllText(SettingsFile(m)) : null)).ToList();
            if (settings.FirstOrDefault(s => s.Text == null) is { Member: not null } missing)
                return new BundleResult(false, members, $"COSMOS112: {SettingsFile(missing.Member)} is missing (the {TestBuild.BundleMemberTarget} target did not run)", sw.Elapsed);
            var differing = settings.Where(s => s.Text != settings[0].Text).Select(s => Path.GetFileNameWithoutExtension(s.Member)).ToList();
            if (differing.Count > 0)
                return new BundleResult(false, members, $"COSMOS112: the kernel settings of {string.Join(", ", differing)} differ from those of {Path.GetFileNameWithoutExtension(settings[0].Member)}, so they cannot share one image; give them different Cosmos* properties in their projects (then they build apart)", sw.Elapsed);
            var values = settings[0].Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
                .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "", StringComparer.Ordinal);
            string Value(string key) => values.TryGetValue(key, out var v) ? v : "";
            string dir = Directory(root, plan.Name);
            var args = new List<string>
            {
                Value("tool"), "build-bundle", "--name", plan.Name, "--obj", dir,
                "--elf", Path.Combine(dir, plan.Name + ".elf"), "--iso", Iso(root, plan.Name),
                "--ilc-package", Value("ilc-package"), "--runtime-pack", Value("runtime-pack"), "--linker-script", Value("linker-script"),
                "--graphics-mode", Value("graphics-mode"),
            };
            if (Value("iso-root").Length > 0) { args.Add("--iso-root"); args.Add(Value("iso-root")); }
            if (Value("debug-info") != "true") args.Add("--no-debug");
            if (Value("asm-listing") == "true") { args.Add("--asm-listing"); args.Add(Path.Combine(dir, plan.Name + ".asm")); }
            foreach (var m in members) { args.Add("--member"); args.Add(MemberAssembly(m)); }
            var r = Tool.Run("dotnet", args, root);
            bool ok = r.ExitCode == 0 && File.Exists(Iso(root, plan.Name));
            return new BundleResult(ok, members, (r.StdOut + r.StdErr).Trim(), sw.Elapsed);
        }
    }
}
