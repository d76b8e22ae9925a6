using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using Cosmos.Build.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Build.Tests
{
    /// <summary>Patches the real NativeAOT BCL from the ILC package (the assemblies ilc compiles the kernel with).</summary>
    public sealed class RealFrameworkTests : IDisposable
    {
        private readonly Workspace _ws = new Workspace();
        private readonly ITestOutputHelper _out;

        public RealFrameworkTests(ITestOutputHelper output)
        {
            _out = output;
        }

        public void Dispose() => _ws.Dispose();

        /// <summary>The ILCompiler package and NativeAOT runtime pack the kernels are built with.</summary>
        private static Cosmos.Build.Toolchain.NativeAotPackages Packages => new(Metadata("CosmosIlcPackageDir"), Metadata("CosmosRuntimePackDir"));

        private static string Metadata(string key) =>
            typeof(RealFrameworkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value;

        private static string Framework => Packages.LibraryDirectory;

        private PatchResult PatchFramework(string plugs)
        {
            string framework = Packages.LibraryDirectory, sdk = Packages.NativeDirectory;
            var targets = Packages.Assemblies().Values.OrderBy(p => p, StringComparer.Ordinal);
            var sw = Stopwatch.StartNew();
            PatchResult r = _ws.Patch(new[] { plugs }, targets, "out", new[] { framework, sdk, Path.GetDirectoryName(Workspace.Il2CpuApiPath) });
            _out.WriteLine("patched in " + sw.ElapsedMilliseconds + " ms");
            foreach (PatchDiagnostic d in r.Diagnostics)
                _out.WriteLine(d.ToString());
            return r;
        }

        private static AssemblyDefinition ReadOutput(string path, params string[] dirs)
        {
            var resolver = new DefaultAssemblyResolver();
            foreach (string d in dirs)
                resolver.AddSearchDirectory(d);
            return AssemblyDefinition.ReadAssembly(path, new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = true });
        }

        private static MethodReference CalledPlug(MethodDefinition m)
        {
            Assert.True(m.HasBody);
            return (MethodReference)m.Body.Instructions.Single(i => i.OpCode == OpCodes.Call).Operand;
        }

        [Fact]
        public void SystemConsole_PublicInternalAndPInvokeTargets()
        {
            string plugs = _ws.Compile("ConsolePlugs", @"
using System;
using IL2CPU.API.Attribs;
namespace ConsolePlugs
{
    [Plug(typeof(Console))]
    public static class ConsolePlug
    {
        public static void Beep() { }
    }

    [Plug(TargetName = ""System.ConsolePal, System.Console"")]
    public static class ConsolePalPlug
    {
        public static System.IO.Stream OpenStandardOutput() => null;
        public static ConsoleColor get_ForegroundColor() => ConsoleColor.Gray;
        public static void SetCursorPosition(int left, int top) { }
    }

    [Plug(TargetName = ""Interop+Sys, System.Console"")]
    public static unsafe class SysPlug
    {
        public static uint GetEUid() => 0;
        // Poll(Interop.PollEvent*, uint, int, uint*) returning the internal enum Interop.Error (int).
        public static int Poll(void* pollEvents, uint eventCount, int timeout, uint* triggered) => 0;
    }
}");
            PatchResult r = PatchFramework(plugs);
            Assert.True(r.Success);
            Assert.Empty(r.Diagnostics);
            PatchedAssembly console = Assert.Single(r.PatchedAssemblies);
            Assert.Equal("System.Console", console.AssemblyName);
            Assert.Equal(6, console.PatchedMethodCount);
            Assert.NotNull(console.SymbolsPath);

            using AssemblyDefinition a = ReadOutput(console.OutputPath, Framework, Path.GetDirectoryName(plugs));
            Assert.True(a.MainModule.HasSymbols);
            Assert.Contains(a.MainModule.AssemblyReferences, x => x.Name == "ConsolePlugs");
            TypeDefinition pal = a.MainModule.GetType("System.ConsolePal");
            Assert.Equal("ConsolePlugs.ConsolePalPlug", CalledPlug(pal.Methods.Single(m => m.Name == "OpenStandardOutput")).DeclaringType.FullName);
            MethodDefinition getEUid = a.MainModule.GetType("Interop/Sys").Methods.Single(m => m.Name == "GetEUid");
            Assert.False(getEUid.IsPInvokeImpl);
            Assert.Equal("GetEUid", CalledPlug(getEUid).Name);
            MethodDefinition beep = a.MainModule.GetType("System.Console").Methods.Single(m => m.Name == "Beep" && m.Parameters.Count == 0);
            MethodDefinition resolved = CalledPlug(beep).Resolve();
            Assert.NotNull(resolved);
            Assert.Equal("ConsolePlugs.ConsolePlug", resolved.DeclaringType.FullName);
            // Every method body of the output still reads (nothing else was disturbed).
            foreach (TypeDefinition t in a.MainModule.GetTypes())
                foreach (MethodDefinition m in t.Methods.Where(m => m.HasBody))
                    Assert.NotNull(m.Body.Instructions);
        }

        [Fact]
        public void CoreLib_InternalCallWithRuntimeImport_AndInternalEnumParameter()
        {
            string plugs = _ws.Compile("CorePlugs", @"
using IL2CPU.API.Attribs;
namespace CorePlugs
{
    [Plug(TargetName = ""System.Runtime.RuntimeImports, System.Private.CoreLib"")]
    public static class RuntimeImportsPlug
    {
        // RhCollect(int generation, InternalGCCollectionMode mode, bool lowMemoryP): an InternalCall with [RuntimeImport].
        public static void RhCollect(int generation, int mode, bool lowMemoryP) { }
    }
}");
            PatchResult r = PatchFramework(plugs);
            Assert.True(r.Success);
            PatchedAssembly core = Assert.Single(r.PatchedAssemblies);
            Assert.Equal("System.Private.CoreLib", core.AssemblyName);

            using AssemblyDefinition a = ReadOutput(core.OutputPath, Framework, Path.GetDirectoryName(plugs));
            MethodDefinition m = a.MainModule.GetType("System.Runtime.RuntimeImports").Methods.Single(x => x.Name == "RhCollect");
            Assert.False(m.IsInternalCall);
            Assert.DoesNotContain(m.CustomAttributes, c => c.AttributeType.Name == "RuntimeImportAttribute");
            Assert.Equal(new[] { Code.Ldarg_0, Code.Ldarg_1, Code.Ldarg_2, Code.Call, Code.Ret }, m.Body.Instructions.Select(i => i.OpCode.Code).ToArray());
            // CoreLib itself gains only the plug assembly as a reference. (Read with System.Reflection.Metadata: Cecil, seeing a
            // CoreLib that has an AssemblyRef, no longer treats it as the core library and invents an in-memory "mscorlib".)
            using (var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(core.OutputPath)))
            {
                System.Reflection.Metadata.MetadataReader md = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
                Assert.Equal(new[] { "CorePlugs" }, md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToArray());
            }
        }
    }
}
