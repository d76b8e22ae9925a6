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
    }

    /// <summary>
    /// The kernel pipeline after Roslyn: entry point → plugs → X# → ilc → ld → ISO. Each step
    /// is skipped when its inputs did not change (see <see cref="Stamp"/>) and prints one line.
    /// </summary>
    public static class KernelBuild
    {
        private static string s_step = "setup";

        /// <summary>Runs the pipeline; a failure is reported with the name of the step that failed.</summary>
        public static void Run(KernelBuildOptions o)
        {
            try { RunSteps(o); }
            catch (BuildStepException e) when (e.Step == null)
            {
                throw new BuildStepException(e.Code, e.Message, e.File) { Step = s_step };
            }
            catch (Exception e) when (e is not BuildStepException)
            {
                throw new BuildStepException("COSMOS099", $"{e.GetType().Name}: {e.Message}") { Step = s_step };
            }
        }

        private static void RunSteps(KernelBuildOptions o)
        {
            var total = Stopwatch.StartNew();
            Prerequisites.Ensure(Prerequisites.Build);
            var name = Path.GetFileNameWithoutExtension(o.Assembly);
            var binDir = Path.GetDirectoryName(Path.GetFullPath(o.Assembly))!;
            var libs = Directory.GetFiles(binDir, "*.dll").Where(f => Path.GetFileNameWithoutExtension(f) != name).OrderBy(f => f, System.StringComparer.Ordinal).ToList();
            Directory.CreateDirectory(o.ObjDir);
            var packages = new NativeAotPackages(o.IlcPackage, o.RuntimePack);

            s_step = "plugs";
            // 1+2. Entry point and plugs (one step: both rewrite IL).
            var patchedDir = Path.Combine(o.ObjDir, "patched");
            var entryDll = Path.Combine(o.ObjDir, "entry", name + ".dll");
            var ilInputs = libs.Append(o.Assembly).Append(typeof(KernelBuild).Assembly.Location).ToList();
            var fpPatch = Stamp.Fingerprint(ilInputs, o.IlcPackage, o.RuntimePack);
            var stampPatch = Path.Combine(o.ObjDir, "patch.stamp");
            if (Stamp.UpToDate(stampPatch, fpPatch, entryDll))
                Tool.Progress("plugs", "up to date");
            else
            {
                var sw = Stopwatch.StartNew();
                var kernelType = EntryPointStep.Run(o.Assembly, new[] { binDir }, entryDll);
                var patched = PatchStep.Run(entryDll, libs, packages, patchedDir);
                Tool.Progress("plugs", $"entry {kernelType}; {patched} ({Tool.Seconds(sw.Elapsed)})");
                Stamp.Write(stampPatch, fpPatch);
            }

            s_step = "x#";
            // 3. X# programs.
            var asmDir = Path.Combine(o.ObjDir, "asm");
            var fpAsm = Stamp.Fingerprint(libs, "asm");
            var stampAsm = Path.Combine(o.ObjDir, "asm.stamp");
            var asmListFile = Path.Combine(o.ObjDir, "asm.objects");
            List<string> asmObjects;
            if (Stamp.UpToDate(stampAsm, fpAsm, asmListFile))
            {
                asmObjects = File.ReadAllLines(asmListFile).Where(l => l.Length > 0).ToList();
                Tool.Progress("x#", "up to date");
            }
            else
            {
                asmObjects = AsmStep.Run(libs.Where(ReferencesXSharp), asmDir);
                File.WriteAllLines(asmListFile, asmObjects);
                Stamp.Write(stampAsm, fpAsm);
            }

            s_step = "ilc";
            // 4. ilc.
            var obj = Path.Combine(o.ObjDir, name + ".o");
            var ilcInputs = new List<string> { entryDll };
            ilcInputs.AddRange(libs);
            if (Directory.Exists(patchedDir)) ilcInputs.AddRange(Directory.GetFiles(patchedDir, "*.dll"));
            var fpIlc = Stamp.Fingerprint(ilcInputs, o.IlcPackage, o.RuntimePack, o.DebugInfo.ToString());
            var stampIlc = Path.Combine(o.ObjDir, "ilc.stamp");
            if (Stamp.UpToDate(stampIlc, fpIlc, obj)) Tool.Progress("ilc", "up to date");
            else
            {
                IlcStep.Run(packages, entryDll, libs, patchedDir, obj, o.DebugInfo);
                Stamp.Write(stampIlc, fpIlc);
            }

            s_step = "link";
            // 5. Link.
            var stripped = Path.Combine(o.ObjDir, "kernel.elf");
            var linkInputs = asmObjects.Append(obj).Append(o.LinkerScript).ToList();
            var fpLink = Stamp.Fingerprint(linkInputs);
            var stampLink = Path.Combine(o.ObjDir, "link.stamp");
            if (Stamp.UpToDate(stampLink, fpLink, o.Elf, stripped)) Tool.Progress("link", "up to date");
            else
            {
                LinkStep.Run(asmObjects.Append(obj), o.LinkerScript, o.Elf, stripped);
                Stamp.Write(stampLink, fpLink);
            }

            s_step = "iso";
            // 6. ISO.
            var fpIso = Stamp.Fingerprint(new[] { stripped }, IsoStep.GrubConfig);
            var stampIso = Path.Combine(o.ObjDir, "iso.stamp");
            if (Stamp.UpToDate(stampIso, fpIso, o.Iso)) Tool.Progress("iso", "up to date");
            else
            {
                IsoStep.Run(stripped, Path.Combine(o.ObjDir, "iso"), o.Iso);
                Stamp.Write(stampIso, fpIso);
            }
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
