using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Cosmos.Build.Steps;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>One test bundle of a run: its name and member test kernel projects (Tests/Kernels/NAME/NAME.csproj).</summary>
    public sealed record BundlePlan(string Name, IReadOnlyList<string> Members);

    /// <summary>
    /// What building one test bundle gave: the members it holds (those whose own build succeeded) or why it failed, and the
    /// image each member boots (<see cref="Isos"/>: member project → ISO; members with other GRUB or CD settings get
    /// other ISOs of the same kernel ELF).
    /// </summary>
    public sealed record BundleResult(bool Succeeded, IReadOnlyList<string> Members, string Output, TimeSpan Elapsed)
    {
        public IReadOnlyDictionary<string, string> Isos { get; init; } = new Dictionary<string, string>();
    }

    /// <summary>
    /// Fewer, larger test images: the test command puts test kernels that build alike into bundles
    /// (<see cref="Steps.TestBundle"/>), compiles each bundle with ilc once and boots it once per member, the member chosen
    /// through fw_cfg. A test kernel's project and sources stay as they are (it still builds and boots alone with
    /// <c>dotnet build</c> or <c>test --filter NAME</c>); for a bundle the runner builds only its assembly (the
    /// <see cref="TestBuild.BundleMemberTarget"/> target).
    /// </summary>
    /// <remarks>
    /// Which kernels share a bundle (<see cref="Plan"/>): those with the same <see cref="CompileKey"/>, i.e. the same Cosmos*
    /// properties in their project file apart from the ones that only shape the bootable image (<see cref="ImageProperties"/>:
    /// GRUB's screen mode, the files on the CD), at most <see cref="MaxMembers"/> per bundle; a kernel whose key no other
    /// selected kernel has builds alone. ilc compiles a bundle once; its members that differ in the image properties get
    /// one ISO each per distinct setting, all holding the same kernel ELF. The key is a quick look at the project file; the
    /// settings MSBuild really evaluated (each member's <c>NAME.bundle-settings</c>) must then be identical apart from the
    /// image lines, or the bundle fails to build (COSMOS112) instead of silently building its members differently.
    /// </remarks>
    public static class TestBundles
    {
        /// <summary>
        /// Most members in one bundle. ilc's whole-program compile costs mostly what every member shares (the CoreLib, the
        /// runtime, the kernel libraries), so one bundle for all of the repository's test kernels costs about one kernel's
        /// compile; the cap only keeps a single image from growing without bound as kernels are added.
        /// </summary>
        public const int MaxMembers = 64;

        /// <summary>
        /// Cosmos* properties that only shape the bootable image, not the compiled kernel: the screen mode GRUB sets
        /// (CosmosGraphicsMode, written to grub.cfg) and the files on the CD (CosmosIsoRoot, or the project's isoroot/).
        /// Kernels differing only in these share a bundle and get ISOs of their own.
        /// </summary>
        public static readonly IReadOnlyList<string> ImageProperties = new[] { "CosmosGraphicsMode", IsoRootProperty };

        /// <summary>The lines of a <c>NAME.bundle-settings</c> file that belong to the image (see <see cref="ImageProperties"/>).</summary>
        public static readonly IReadOnlyList<string> ImageSettings = new[] { GraphicsModeSetting, IsoRootSetting };

        private const string GraphicsModeSetting = "graphics-mode", IsoRootSetting = "iso-root";

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

        /// <summary><see cref="BuildKey"/> without the <see cref="ImageProperties"/>: kernels with the same one share a bundle.</summary>
        public static string CompileKey(string project) =>
            string.Join(";", BuildKey(project).Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Where(kv => !ImageProperties.Contains(kv.Split('=', 2)[0])));

        private const string IsoRootProperty = "CosmosIsoRoot";

        /// <summary>
        /// The bundles for <paramref name="kernelProjects"/> (sorted): kernels grouped by <see cref="CompileKey"/>, a group of
        /// more than <see cref="MaxMembers"/> split into as few bundles of near-equal size as needed, in name order; groups of
        /// one kernel are no bundle (it builds alone). Bundles are named TestBundle1, TestBundle2, … in that order.
        /// </summary>
        public static List<BundlePlan> Plan(IReadOnlyList<string> kernelProjects)
        {
            var plans = new List<BundlePlan>();
            foreach (var group in kernelProjects.GroupBy(CompileKey).OrderBy(g => g.Key, StringComparer.Ordinal))
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
        /// checks that they share their settings apart from the image lines (<see cref="ImageSettings"/>), then runs the
        /// toolchain's <c>build-bundle</c> (entry assembly, plugs, X#, ilc, link once; an ISO per distinct image setting:
        /// NAME.iso for the first member's, NAME-2.iso, … for the others).
        /// </summary>
        public static BundleResult Build(string root, BundlePlan plan, Func<string, bool> built)
        {
            var sw = Stopwatch.StartNew();
            var members = plan.Members.Where(built).ToList();
            if (members.Count == 0) return new BundleResult(false, members, "none of its members built", sw.Elapsed);
            var settings = members.Select(m => (Member: m, Text: File.Exists(SettingsFile(m)) ? File.ReadAllText(SettingsFile(m)) : null)).ToList();
            if (settings.FirstOrDefault(s => s.Text == null) is { Member: not null } missing)
                return new BundleResult(false, members, $"COSMOS112: {SettingsFile(missing.Member)} is missing (the {TestBuild.BundleMemberTarget} target did not run)", sw.Elapsed);
            var parsed = settings.Select(s => (s.Member, Values: ParseSettings(s.Text))).ToList();
            string Compile(Dictionary<string, string> v) =>
                string.Join("\n", v.Where(kv => !ImageSettings.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
            var differing = parsed.Where(s => Compile(s.Values) != Compile(parsed[0].Values)).Select(s => Path.GetFileNameWithoutExtension(s.Member)).ToList();
            if (differing.Count > 0)
                return new BundleResult(false, members, $"COSMOS112: the kernel settings of {string.Join(", ", differing)} differ from those of {Path.GetFileNameWithoutExtension(parsed[0].Member)}, so they cannot share one image; give them different Cosmos* properties in their projects (then they build apart)", sw.Elapsed);
            var values = parsed[0].Values;
            string Value(string key) => values.TryGetValue(key, out var v) ? v : "";
            string dir = Directory(root, plan.Name);

            // One ISO per distinct image setting, in member order; the first is the bundle's main image.
            var images = new List<(string GraphicsMode, string IsoRoot, string Iso)>();
            var isos = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (member, v) in parsed)
            {
                string gfx = v.TryGetValue(GraphicsModeSetting, out var g) ? g : "", isoRoot = v.TryGetValue(IsoRootSetting, out var r) ? r : "";
                int i = images.FindIndex(x => x.GraphicsMode == gfx && x.IsoRoot == isoRoot);
                if (i < 0)
                {
                    images.Add((gfx, isoRoot, images.Count == 0 ? Iso(root, plan.Name) : Path.Combine(dir, $"{plan.Name}-{images.Count + 1}.iso")));
                    i = images.Count - 1;
                }
                isos[member] = images[i].Iso;
            }
            var args = new List<string>
            {
                Value("tool"), "build-bundle", "--name", plan.Name, "--obj", dir,
                "--elf", Path.Combine(dir, plan.Name + ".elf"), "--iso", images[0].Iso,
                "--ilc-package", Value("ilc-package"), "--runtime-pack", Value("runtime-pack"), "--linker-script", Value("linker-script"),
                "--graphics-mode", images[0].GraphicsMode,
            };
            if (images[0].IsoRoot.Length > 0) { args.Add("--iso-root"); args.Add(images[0].IsoRoot); }
            foreach (var extra in images.Skip(1)) { args.Add("--image"); args.Add(KernelImage.Format(extra.Iso, extra.GraphicsMode, extra.IsoRoot)); }
            if (Value("debug-info") != "true") args.Add("--no-debug");
            if (Value("optimize") == "false") args.Add("--no-optimize");
            if (Value("asm-listing") == "true") { args.Add("--asm-listing"); args.Add(Path.Combine(dir, plan.Name + ".asm")); }
            foreach (var m in members) { args.Add("--member"); args.Add(MemberAssembly(m)); }
            var res = Tool.Run("dotnet", args, root);
            bool ok = res.ExitCode == 0 && images.All(x => File.Exists(x.Iso));
            return new BundleResult(ok, members, (res.StdOut + res.StdErr).Trim(), sw.Elapsed) { Isos = isos };
        }

        private static Dictionary<string, string> ParseSettings(string text) =>
            text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)
                .Select(l => l.Split('=', 2)).GroupBy(kv => kv[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Length > 1 ? g.Last()[1] : "", StringComparer.Ordinal);
    }
}
