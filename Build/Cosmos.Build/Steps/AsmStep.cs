using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Cosmos.Build.Toolchain;
using XSharp;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Runs every X# <see cref="AsmProgram"/> found in the given kernel-side assemblies on the
    /// host, writes {Name}.asm and assembles it with nasm into {Name}.o (ELF64).
    /// </summary>
    public static class AsmStep
    {
        /// <summary>Returns the object files written and the progress line's text.</summary>
        public static (List<string> Objects, string Summary) Run(IEnumerable<string> assemblies, string outDir)
        {
            var sw = Stopwatch.StartNew();
            var nasm = Tool.Require("nasm", "nasm");
            Directory.CreateDirectory(outDir);
            var objects = new List<string>();
            var names = new HashSet<string>();
            foreach (var path in assemblies)
            {
                var full = Path.GetFullPath(path);
                Assembly asm;
                try { asm = LoadKernelAssembly(full); }
                catch (Exception e) { throw new BuildStepException("COSMOS020", $"cannot load {full} to run its X# programs: {e.Message}", full); }
                foreach (var program in AsmProgram.FindIn(asm))
                {
                    if (!names.Add(program.Name))
                        throw new BuildStepException("COSMOS021", $"two X# programs are named '{program.Name}' (second in {asm.GetName().Name})", full);
                    string text;
                    try { text = program.Generate(); }
                    catch (Exception e) { throw new BuildStepException("COSMOS022", $"X# program {program.GetType().FullName} failed: {e.Message}", full); }
                    var asmFile = Path.Combine(outDir, program.Name + ".asm");
                    var objFile = Path.Combine(outDir, program.Name + ".o");
                    bool changed = Tool.WriteIfChanged(asmFile, text);
                    if (changed || !File.Exists(objFile) || File.GetLastWriteTimeUtc(objFile) < File.GetLastWriteTimeUtc(asmFile))
                    {
                        var r = Tool.Run(nasm, new[] { "-f", "elf64", "-g", "-F", "dwarf", "-o", objFile, asmFile });
                        if (r.ExitCode != 0)
                            throw new BuildStepException("COSMOS023", $"nasm rejected {program.Name}.asm (from {program.GetType().FullName}):\n{r.StdErr}{r.StdOut}", asmFile);
                    }
                    objects.Add(objFile);
                }
            }
            return (objects, $"{objects.Count} X# programs -> {string.Join(", ", objects.Select(Path.GetFileName))} ({Tool.Seconds(sw.Elapsed)})");
        }

        private static Assembly LoadKernelAssembly(string path)
        {
            var name = AssemblyName.GetAssemblyName(path);
            foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
                if (AssemblyName.ReferenceMatchesDefinition(loaded.GetName(), name) && loaded.GetName().Name == name.Name)
                    return loaded;
            var dir = Path.GetDirectoryName(path)!;
            AppDomain.CurrentDomain.AssemblyResolve += (_, e) =>
            {
                var candidate = Path.Combine(dir, new AssemblyName(e.Name).Name + ".dll");
                return File.Exists(candidate) ? Assembly.LoadFrom(candidate) : null;
            };
            return Assembly.LoadFrom(path);
        }
    }
}
