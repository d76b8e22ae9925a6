using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Toolchain;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// A test bundle: one kernel image built from several test kernels' assemblies, so that the test runner compiles the
    /// CoreLib, the runtime and the kernel libraries once for all of them (ilc's whole-program compile is most of a test
    /// kernel's build) and boots the same image once per test kernel. Each member is a test kernel project built as usual
    /// by Roslyn (its bin/ folder: its assembly and the libraries it references); the bundle's folder gets the union of
    /// those assemblies and a generated entry assembly whose <c>Main</c> reads the member's name from QEMU's fw_cfg
    /// (Cosmos.TestRunner.TestBundle.SelectedKernel) and runs <c>new TheKernel().Start()</c> of that member, exactly as
    /// <see cref="EntryPointStep"/> does for a kernel of its own; an unknown name ends in a panic
    /// (TestBundle.NoSuchKernel). The rest is the ordinary <see cref="KernelBuild"/> pipeline.
    /// </summary>
    public static class TestBundle
    {
        /// <summary>The kernel-side selector (Tests/Cosmos.TestRunner.Kernel/TestBundle.cs).</summary>
        public const string SelectorAssembly = "Cosmos.TestRunner.Kernel", SelectorType = "Cosmos.TestRunner.TestBundle";

        /// <summary>
        /// Fills <paramref name="binDir"/> with the members' assemblies (and PDBs) and the generated entry assembly
        /// <paramref name="name"/>.dll; returns its path. Files are rewritten only when their content changed, so the
        /// pipeline's steps stay up to date across runs. Two members bringing different files of the same name fail
        /// (COSMOS110): they were not built from the same libraries.
        /// </summary>
        public static string Prepare(string name, IReadOnlyList<string> members, string binDir)
        {
            if (members.Count == 0) throw new BuildStepException("COSMOS110", $"test bundle {name} has no members");
            Directory.CreateDirectory(binDir);
            var origin = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var member in members.Select(Path.GetFullPath))
            {
                if (!File.Exists(member)) throw new BuildStepException("COSMOS110", $"test bundle {name}: member assembly {member} does not exist");
                foreach (var file in Directory.GetFiles(Path.GetDirectoryName(member)!).Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)))
                {
                    string fileName = Path.GetFileName(file);
                    if (Path.GetFileNameWithoutExtension(fileName).Equals(name, StringComparison.OrdinalIgnoreCase))
                        throw new BuildStepException("COSMOS110", $"test bundle {name}: {file} has the bundle's own name", file);
                    if (origin.TryGetValue(fileName, out var first))
                    {
                        if (!SameBytes(first, file))
                            throw new BuildStepException("COSMOS110", $"test bundle {name}: {file} differs from {first}; members of one bundle must be built from the same libraries", file);
                        continue;
                    }
                    origin[fileName] = file;
                    CopyIfChanged(file, Path.Combine(binDir, fileName));
                }
            }
            string entry = Path.Combine(binDir, name + ".dll");
            foreach (var stale in Directory.GetFiles(binDir).Where(f => !origin.ContainsKey(Path.GetFileName(f)) && !Path.GetFullPath(f).Equals(Path.GetFullPath(entry), StringComparison.Ordinal)))
                File.Delete(stale);
            byte[] image = EntryAssembly(name, members.Select(m => Path.Combine(binDir, Path.GetFileName(m))).ToList(), binDir);
            if (!File.Exists(entry) || !File.ReadAllBytes(entry).AsSpan().SequenceEqual(image)) File.WriteAllBytes(entry, image);
            return entry;
        }

        /// <summary>
        /// The entry assembly: <c>Cosmos.Generated.KernelEntryPoint.Main</c> compares the selected name with each member's
        /// assembly name and starts that member's kernel class (<see cref="EntryPointStep.FindKernel"/>).
        /// </summary>
        private static byte[] EntryAssembly(string name, IReadOnlyList<string> members, string binDir)
        {
            var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(binDir);
            var read = new ReaderParameters { AssemblyResolver = resolver, InMemory = true };
            var memberModules = members.Select(m => AssemblyDefinition.ReadAssembly(m, read).MainModule).ToList();
            try
            {
                var asm = AssemblyDefinition.CreateAssembly(new AssemblyNameDefinition(name, new Version(1, 0, 0, 0)), name + ".dll",
                    new ModuleParameters { Kind = ModuleKind.Console, Runtime = TargetRuntime.Net_4_0, AssemblyResolver = resolver });
                var module = asm.MainModule;
                // The core types as the members see them (System.Runtime), not Cecil's default mscorlib.
                var core = memberModules[0].TypeSystem;
                var stringType = module.ImportReference(core.String);
                var boolType = module.ImportReference(core.Boolean);
                var intType = module.ImportReference(core.Int32);
                var stringEquals = new MethodReference("op_Equality", boolType, stringType) { HasThis = false };
                stringEquals.Parameters.Add(new ParameterDefinition(stringType));
                stringEquals.Parameters.Add(new ParameterDefinition(stringType));

                var selectorAsm = resolver.Resolve(new AssemblyNameReference(SelectorAssembly, null))
                    ?? throw new BuildStepException("COSMOS111", $"test bundle {name}: {SelectorAssembly}.dll is not among the members' libraries");
                var selector = selectorAsm.MainModule.GetType(SelectorType)
                    ?? throw new BuildStepException("COSMOS111", $"test bundle {name}: {SelectorAssembly} has no {SelectorType}");
                var selected = module.ImportReference(selector.Methods.Single(m => m.Name == "SelectedKernel"));
                var noSuchKernel = module.ImportReference(selector.Methods.Single(m => m.Name == "NoSuchKernel"));

                var entryType = new TypeDefinition("Cosmos.Generated", "KernelEntryPoint",
                    TypeAttributes.Class | TypeAttributes.NotPublic | TypeAttributes.Sealed | TypeAttributes.Abstract, module.ImportReference(core.Object));
                var main = new MethodDefinition("Main", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, intType);
                var choice = new VariableDefinition(stringType);
                main.Body.Variables.Add(choice);
                var il = main.Body.GetILProcessor();
                il.Emit(OpCodes.Call, selected);
                il.Emit(OpCodes.Stloc, choice);
                var names = new List<string>();
                foreach (var m in memberModules)
                {
                    var (ctor, start) = EntryPointStep.FindKernel(m, m.FileName);
                    string memberName = m.Assembly.Name.Name;
                    names.Add(memberName);
                    var next = il.Create(OpCodes.Nop);
                    il.Emit(OpCodes.Ldloc, choice);
                    il.Emit(OpCodes.Ldstr, memberName);
                    il.Emit(OpCodes.Call, stringEquals);
                    il.Emit(OpCodes.Brfalse, next);
                    il.Emit(OpCodes.Newobj, module.ImportReference(ctor));
                    il.Emit(OpCodes.Callvirt, module.ImportReference(start));
                    il.Emit(OpCodes.Ldc_I4_0);
                    il.Emit(OpCodes.Ret);
                    il.Append(next);
                }
                il.Emit(OpCodes.Ldloc, choice);
                il.Emit(OpCodes.Ldstr, string.Join(", ", names));
                il.Emit(OpCodes.Call, noSuchKernel);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Ret);
                entryType.Methods.Add(main);
                module.Types.Add(entryType);
                module.EntryPoint = main;
                using var ms = new MemoryStream();
                // A fixed PE time stamp (Cecil writes the current time otherwise): the same members give the same bytes, so
                // an unchanged bundle keeps its entry assembly and the pipeline's steps (and the ilc cache) stay valid.
                asm.Write(ms, new WriterParameters { DeterministicMvid = true, Timestamp = 0 });
                return ms.ToArray();
            }
            finally
            {
                foreach (var m in memberModules) m.Dispose();
            }
        }

        private static bool SameBytes(string a, string b)
        {
            var fa = new FileInfo(a); var fb = new FileInfo(b);
            return fa.Length == fb.Length && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
        }

        private static void CopyIfChanged(string from, string to)
        {
            if (File.Exists(to) && SameBytes(from, to)) return;
            File.Copy(from, to, true);
        }
    }
}
