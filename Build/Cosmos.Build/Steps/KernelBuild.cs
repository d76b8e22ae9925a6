using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>Settings of one kernel build (from the MSBuild targets).</summary>
    public sealed class KernelBuildOptions
    {
        /// <summary>The kernel assembly Roslyn produced (bin/…/Name.dll); its folder holds the kernel libraries.</summary>
        public string Assembly;
        /// <summary>runtime.linux-x64.Microsoft.DotNet.ILCompiler package folder.</summary>
        public string IlcPackage;
        /// <summary>Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64 package folder (the NativeAOT CoreLib and BCL).</summary>
        public string RuntimePack;
        /// <summary>Intermediate folder (obj/…/cosmos).</summary>
        public string ObjDir;
        /// <summary>Output ELF with debug info.</summary>
        public string Elf;
        /// <summary>Output ISO.</summary>
        public string Iso;
        /// <summary>GNU ld script.</summary>
        public string LinkerScript;
        /// <summary>Emit DWARF (ilc -g).</summary>
        public bool DebugInfo = true;
        /// <summary>Optimize (ilc -O); false compiles faster into slower code (<see cref="IlcStep"/>).</summary>
        public bool Optimize = true;
        /// <summary>Folder whose files go to the ISO's root (the project's isoroot/), or null.</summary>
        public string IsoRoot;
        /// <summary>The screen mode GRUB leaves (<see cref="IsoStep.GrubConfig"/>): "text" (default), "auto" or WIDTHxHEIGHT[xDEPTH].</summary>
        public string GraphicsMode = IsoStep.DefaultGraphicsMode;
        /// <summary>When set, the path of a NASM-syntax listing of the whole kernel (<see cref="AsmListing"/>) written after the link.</summary>
        public string AsmListing;
        /// <summary>
        /// More bootable images of the same kernel ELF with other GRUB or CD settings (a test bundle whose members differ only
        /// in those); each has its own ISO folder under <see cref="ObjDir"/> and its own up-to-date check.
        /// </summary>
        public List<KernelImage> ExtraImages = new List<KernelImage>();
    }

    /// <summary>One more ISO of a kernel: its path, the screen mode GRUB leaves (<see cref="IsoStep.GrubConfig"/>) and the folder copied to the CD's root (null: none).</summary>
    public sealed record KernelImage(string Iso, string GraphicsMode, string IsoRoot)
    {
        private const char Separator = '|';

        /// <summary>The command-line form of <c>build-bundle --image</c>: <c>ISO|GRAPHICS-MODE|ISO-ROOT</c> (ISO-ROOT empty: none).</summary>
        public static string Format(string iso, string graphicsMode, string isoRoot) =>
            string.Join(Separator, iso, string.IsNullOrEmpty(graphicsMode) ? IsoStep.DefaultGraphicsMode : graphicsMode, isoRoot ?? "");

        /// <summary>Reads <see cref="Format"/>'s form; throws <see cref="BuildStepException"/> (COSMOS113) when it has not three parts or no ISO path.</summary>
        public static KernelImage Parse(string text)
        {
            var parts = (text ?? "").Split(Separator);
            if (parts.Length != 3 || parts[0].Trim().Length == 0)
                throw new BuildStepException("COSMOS113", $"--image '{text}' is not ISO|GRAPHICS-MODE|ISO-ROOT");
            return new KernelImage(parts[0], parts[1].Length == 0 ? IsoStep.DefaultGraphicsMode : parts[1], parts[2].Length == 0 ? null : parts[2]);
        }
    }

    /// <summary>
    /// The kernel pipeline after Roslyn: entry point → plugs → X# → ilc → ld → ISO, each a <see cref="BuildStep"/> run by
    /// a <see cref="StepRunner"/>: skipped when its inputs did not change, one progress line each, a failure reported
    /// with the name of the step that failed.
    /// </summary>
    public static class KernelBuild
    {
        /// <summary>Runs the pipeline; a failure is reported with the name of the step that failed ("setup" before the first).</summary>
        public static void Run(KernelBuildOptions o)
        {
            var total = Stopwatch.StartNew();
            var (name, binDir, libs, packages) = StepRunner.Attribute("setup", () =>
            {
                Prerequisites.Ensure(Prerequisites.Build);
                var n = Path.GetFileNameWithoutExtension(o.Assembly);
                var dir = Path.GetDirectoryName(Path.GetFullPath(o.Assembly))!;
                var l = Directory.GetFiles(dir, "*.dll").Where(f => Path.GetFileNameWithoutExtension(f) != n).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
                Directory.CreateDirectory(o.ObjDir);
                return (n, dir, l, new NativeAotPackages(o.IlcPackage, o.RuntimePack));
            });
            var runner = new StepRunner(o.ObjDir);

            // 1+2. Entry point and plugs (one step: both rewrite IL). An edit of the kernel's own code changes the entry
            // assembly, but the patched assemblies only when plugs involve the kernel (PatchStep.UpToDateWithout): the
            // patcher runs again when the libraries, the tool or the packages changed, or the kernel matters to the plugs.
            var patchedDir = Path.Combine(o.ObjDir, "patched");
            var entryDll = Path.Combine(o.ObjDir, "entry", name + ".dll");
            var scopeFile = Path.Combine(o.ObjDir, "plugs.scope");
            var librariesStamp = Path.Combine(o.ObjDir, "patch-libraries.stamp");
            runner.Run(new BuildStep("plugs", () =>
            {
                var sw = Stopwatch.StartNew();
                var kernelType = EntryPointStep.Run(o.Assembly, new[] { binDir }, entryDll);
                string librariesFingerprint = Stamp.Fingerprint(libs.Append(typeof(KernelBuild).Assembly.Location), o.IlcPackage, o.RuntimePack);
                string patched;
                if (Stamp.UpToDate(librariesStamp, librariesFingerprint) && PatchStep.UpToDateWithout(entryDll, scopeFile, out _))
                    patched = $"plugs as before (they do not involve {name})";
                else
                {
                    if (File.Exists(librariesStamp)) File.Delete(librariesStamp);
                    patched = PatchStep.Run(entryDll, libs, packages, patchedDir, scopeFile);
                    Stamp.Write(librariesStamp, librariesFingerprint);
                }
                return $"entry {kernelType}; {patched} ({Tool.Seconds(sw.Elapsed)})";
            })
            {
                StampName = "patch",
                Inputs = libs.Append(o.Assembly).Append(typeof(KernelBuild).Assembly.Location).ToList(),
                Settings = new[] { o.IlcPackage, o.RuntimePack },
                Outputs = new[] { entryDll },
            });

            // 3. X# programs.
            var asmListFile = Path.Combine(o.ObjDir, "asm.objects");
            runner.Run(new BuildStep("x#", () =>
            {
                var (objects, summary) = AsmStep.Run(libs.Where(ReferencesXSharp), Path.Combine(o.ObjDir, "asm"));
                File.WriteAllLines(asmListFile, objects);
                return summary;
            })
            {
                StampName = "asm",
                Inputs = libs,
                Settings = new[] { "asm" },
                // The list and every object it names: a deleted asm/ folder re-runs the step instead of failing the link.
                Outputs = File.Exists(asmListFile)
                    ? File.ReadAllLines(asmListFile).Where(l => l.Length > 0).Prepend(asmListFile).ToArray()
                    : new[] { asmListFile },
            });
            var asmObjects = StepRunner.Attribute("x#", () => File.ReadAllLines(asmListFile).Where(l => l.Length > 0).ToList());

            // 4. ilc.
            var obj = Path.Combine(o.ObjDir, name + ".o");
            var ilcInputs = new List<string> { entryDll };
            ilcInputs.AddRange(libs);
            if (Directory.Exists(patchedDir)) ilcInputs.AddRange(Directory.GetFiles(patchedDir, "*.dll"));
            runner.Run(new BuildStep("ilc", () => IlcStep.Run(packages, entryDll, libs, patchedDir, obj, o.DebugInfo, o.Optimize))
            {
                Inputs = ilcInputs,
                Settings = new[] { o.IlcPackage, o.RuntimePack, o.DebugInfo.ToString(), o.Optimize ? "-O" : "no -O" },
                Outputs = new[] { obj },
            });

            // 5. Link.
            var stripped = Path.Combine(o.ObjDir, "kernel.elf");
            runner.Run(new BuildStep("link", () => LinkStep.Run(asmObjects.Append(obj), o.LinkerScript, o.Elf, stripped))
            {
                Inputs = asmObjects.Append(obj).Append(o.LinkerScript).ToList(),
                Settings = new[] { "iso copy: --strip-all" },
                Outputs = new[] { o.Elf, stripped },
            });

            // 6. ISO (and the extra images of a bundle, from the same stripped ELF).
            var images = new List<KernelImage> { new KernelImage(o.Iso, o.GraphicsMode, o.IsoRoot) };
            images.AddRange(o.ExtraImages);
            for (int i = 0; i < images.Count; i++)
            {
                var image = images[i];
                var isoInputs = new List<string> { stripped };
                if (image.IsoRoot != null && Directory.Exists(image.IsoRoot))
                    isoInputs.AddRange(Directory.GetFiles(image.IsoRoot, "*", SearchOption.AllDirectories).OrderBy(x => x, StringComparer.Ordinal));
                string isoDir = Path.Combine(o.ObjDir, i == 0 ? "iso" : "iso-" + (i + 1));
                runner.Run(new BuildStep("iso", () => IsoStep.Run(stripped, isoDir, image.Iso, image.IsoRoot, image.GraphicsMode))
                {
                    StampName = i == 0 ? null : "iso-" + (i + 1),
                    Inputs = isoInputs,
                    Settings = new[] { IsoStep.GrubConfig(image.GraphicsMode), image.IsoRoot ?? "" },
                    Outputs = new[] { image.Iso },
                });
            }
            // 7. Optional: the whole kernel as a NASM-syntax listing with C# line comments (CosmosAsmListing).
            if (o.AsmListing != null)
                runner.Run(new BuildStep("asm", () => AsmListing.Write(o.Elf, o.AsmListing))
                {
                    Inputs = new[] { o.Elf },
                    Outputs = new[] { o.AsmListing },
                });
            Tool.Progress("done", $"{Path.GetFileName(o.Iso)} ready ({Tool.Seconds(total.Elapsed)})");
        }

        private static bool ReferencesXSharp(string path)
        {
            try
            {
                using var a = Mono.Cecil.AssemblyDefinition.ReadAssembly(path);
                return a.MainModule.AssemblyReferences.Any(r => r.Name == "XSharp");
            }
            catch { return false; }
        }
    }
}
