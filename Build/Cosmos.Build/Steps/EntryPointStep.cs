using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Toolchain;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Gives a Cosmos kernel assembly its program entry point. A kernel is a library with one
    /// non-abstract class deriving Cosmos.System.Kernel (as in Cosmos); ilc needs a Main, so
    /// this step writes a copy of the assembly with
    /// <c>static int Main() { new TheKernel().Start(); return 0; }</c> set as the entry point.
    /// An assembly that already has an entry point is copied unchanged.
    /// </summary>
    public static class EntryPointStep
    {
        public const string KernelBaseType = "Cosmos.System.Kernel";

        /// <summary>Writes the assembly with an entry point to <paramref name="outPath"/>; returns the kernel type name.</summary>
        public static string Run(string input, IEnumerable<string> searchDirs, string outPath)
        {
            var resolver = new DefaultAssemblyResolver();
            foreach (var d in searchDirs) resolver.AddSearchDirectory(d);
            resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(input))!);
            bool hasPdb = File.Exists(Path.ChangeExtension(input, ".pdb"));
            using var asm = AssemblyDefinition.ReadAssembly(input, new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = hasPdb, InMemory = true });
            var module = asm.MainModule;
            string kernelName;
            if (module.EntryPoint != null)
            {
                kernelName = module.EntryPoint.DeclaringType.FullName + "::" + module.EntryPoint.Name;
            }
            else
            {
                var (ctor, start) = FindKernel(module, input);
                var kernel = ctor.DeclaringType;

                var entryType = new TypeDefinition("Cosmos.Generated", "KernelEntryPoint",
                    TypeAttributes.Class | TypeAttributes.NotPublic | TypeAttributes.Sealed | TypeAttributes.Abstract,
                    module.TypeSystem.Object);
                var main = new MethodDefinition("Main", MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig, module.TypeSystem.Int32);
                var il = main.Body.GetILProcessor();
                il.Emit(OpCodes.Newobj, module.ImportReference(ctor));
                il.Emit(OpCodes.Callvirt, module.ImportReference(start));
                il.Emit(OpCodes.Ldc_I4_0);
                il.Emit(OpCodes.Ret);
                entryType.Methods.Add(main);
                module.Types.Add(entryType);
                module.EntryPoint = main;
                module.Kind = ModuleKind.Console;
                kernelName = kernel.FullName;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            asm.Write(outPath, new WriterParameters { WriteSymbols = hasPdb, DeterministicMvid = true });
            return kernelName;
        }

        /// <summary>
        /// The kernel class of <paramref name="module"/> (exactly one non-abstract class deriving <see cref="KernelBaseType"/>):
        /// its public parameterless constructor and the inherited <c>Start()</c>. Errors COSMOS030–033 name <paramref name="input"/>.
        /// </summary>
        public static (MethodDefinition Ctor, MethodDefinition Start) FindKernel(ModuleDefinition module, string input)
        {
            var kernels = module.GetTypes().Where(t => t.IsClass && !t.IsAbstract && DerivesFromKernel(t)).ToList();
            if (kernels.Count == 0)
                throw new BuildStepException("COSMOS030", $"{module.Name} has no Main and no non-abstract class deriving {KernelBaseType}; a kernel needs exactly one.", input);
            if (kernels.Count > 1)
                throw new BuildStepException("COSMOS031", $"{module.Name} has {kernels.Count} kernel classes ({string.Join(", ", kernels.Select(k => k.FullName))}); exactly one may derive {KernelBaseType}.", input);
            var kernel = kernels[0];
            var ctor = kernel.Methods.FirstOrDefault(m => m.IsConstructor && !m.IsStatic && m.Parameters.Count == 0 && m.IsPublic);
            if (ctor == null)
                throw new BuildStepException("COSMOS032", $"kernel class {kernel.FullName} needs a public parameterless constructor.", input);
            MethodDefinition start = null;
            for (var t = kernel; t != null && start == null; t = t.BaseType?.Resolve())
                start = t.Methods.FirstOrDefault(m => m.Name == "Start" && !m.IsStatic && m.Parameters.Count == 0);
            if (start == null)
                throw new BuildStepException("COSMOS033", $"{KernelBaseType}.Start() was not found (is Cosmos.System referenced?).", input);
            return (ctor, start);
        }

        private static bool DerivesFromKernel(TypeDefinition t)
        {
            for (var b = t.BaseType; b != null;)
            {
                if (b.FullName == KernelBaseType) return true;
                TypeDefinition r;
                try { r = b.Resolve(); } catch (AssemblyResolutionException) { return false; }
                if (r == null) return false;
                b = r.BaseType;
            }
            return false;
        }
    }
}
