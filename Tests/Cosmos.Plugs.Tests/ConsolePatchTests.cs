using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Cosmos.Plugs.ConsoleIO;
using Cosmos.System.ConsoleIO;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Plugs.Tests
{
    /// <summary>
    /// Runs the plug patcher on the real NativeAOT System.Console.dll with Cosmos.Plugs.dll and checks the
    /// result with Cecil: no diagnostics, every ConsolePal member System.Console calls now forwards to
    /// Cosmos.Plugs, and nothing reachable from System.Console's public API inside System.Console.dll is a
    /// P/Invoke (libSystem.Native) or touches SafeFileHandle/terminfo any more.
    /// </summary>
    public sealed class ConsolePatchTests : IClassFixture<ConsolePatchTests.Patched>
    {
        private const string PlugsAssemblyName = "Cosmos.Plugs";
        private readonly Patched _p;
        private readonly ITestOutputHelper _out;

        public ConsolePatchTests(Patched patched, ITestOutputHelper output)
        {
            _p = patched;
            _out = output;
        }

        /// <summary>Patches once for all tests of the class.</summary>
        public sealed class Patched : IDisposable
        {
            public readonly string OutDir = Toolchain.TempDirectory("patch");
            public readonly PatchResult Result;
            public readonly AssemblyDefinition Console;

            public Patched()
            {
                // Every plug class of Cosmos.Plugs must find its target: the Thread plug's is in the CoreLib.
                Result = Toolchain.Patch(OutDir, Toolchain.SystemConsole, Toolchain.CoreLib);
                string patched = Path.Combine(OutDir, "System.Console.dll");
                if (Result.Success && File.Exists(patched))
                {
                    var resolver = new DefaultAssemblyResolver();
                    resolver.AddSearchDirectory(Toolchain.Framework);
                    resolver.AddSearchDirectory(Toolchain.Sdk);
                    resolver.AddSearchDirectory(Toolchain.BinDirectory);
                    Console = AssemblyDefinition.ReadAssembly(patched, new ReaderParameters { AssemblyResolver = resolver });
                }
            }

            public void Dispose()
            {
                Console?.Dispose();
                try { Directory.Delete(OutDir, true); } catch (IOException) { }
            }
        }

        private TypeDefinition ConsolePal => _p.Console.MainModule.GetType("System.ConsolePal");
        private TypeDefinition ConsoleType => _p.Console.MainModule.GetType("System.Console");

        private static bool CallsPlugs(MethodDefinition m) =>
            m.HasBody && m.Body.Instructions.Any(i => i.OpCode == OpCodes.Call && i.Operand is MethodReference r
                                                      && r.DeclaringType.Scope.Name == PlugsAssemblyName);

        private static IEnumerable<MethodDefinition> WithNested(TypeDefinition t) =>
            t.Methods.Concat(t.NestedTypes.SelectMany(WithNested));

        [Fact]
        public void PatcherReportsNothing()
        {
            foreach (PatchDiagnostic d in _p.Result.Diagnostics) _out.WriteLine(d.ToString());
            Assert.True(_p.Result.Success, "plug errors: " + string.Join("\n", _p.Result.Errors));
            Assert.Empty(_p.Result.Diagnostics);
            Assert.Equal(new[] { "System.Console", "System.Private.CoreLib" }, _p.Result.PatchedAssemblies.Select(a => a.AssemblyName).OrderBy(n => n, StringComparer.Ordinal));
        }

        [Fact]
        public void EveryPlugMethodIsBound()
        {
            const global::System.Reflection.BindingFlags PublicStatic = global::System.Reflection.BindingFlags.Public | global::System.Reflection.BindingFlags.Static;
            // Every [Plug] class of Cosmos.Plugs, by the assembly of its target (Target's assembly, or the part after ", " of TargetName).
            var byAssembly = typeof(ConsolePalPlug).Assembly.GetTypes()
                .Select(t => (Type: t, Plug: (IL2CPU.API.Attribs.PlugAttribute)Attribute.GetCustomAttribute(t, typeof(IL2CPU.API.Attribs.PlugAttribute))))
                .Where(x => x.Plug != null)
                .GroupBy(x => x.Plug.Target != null ? x.Plug.Target.Assembly.GetName().Name : x.Plug.TargetName.Substring(x.Plug.TargetName.IndexOf(", ", StringComparison.Ordinal) + 2))
                .ToDictionary(g => g.Key, g => g.Sum(x => x.Type.GetMethods(PublicStatic).Length));
            foreach (AppliedPlug p in _p.Result.Plugs) _out.WriteLine(p.ToString());
            Assert.Equal(new[] { "System.Console", "System.Private.CoreLib" }, byAssembly.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(byAssembly.Values.Sum(), _p.Result.Plugs.Count);
            Assert.Equal(byAssembly["System.Console"], _p.Result.PatchedAssemblies.Single(a => a.AssemblyName == "System.Console").PatchedMethodCount);
            Assert.Equal(byAssembly["System.Private.CoreLib"], _p.Result.PatchedAssemblies.Single(a => a.AssemblyName == "System.Private.CoreLib").PatchedMethodCount);
            Assert.Contains(_p.Result.Plugs, p => p.TargetMethod.Contains("TimeZoneInfo.GetLocalTimeZoneCore"));
        }

        [Fact]
        public void PatchedConsolePalMethodsForwardToCosmosPlugs()
        {
            Assert.NotNull(_p.Console);
            var plugNames = typeof(ConsolePalPlug).GetMethods(global::System.Reflection.BindingFlags.Public | global::System.Reflection.BindingFlags.Static)
                .Select(m => m.Name).ToHashSet();
            var patched = ConsolePal.Methods.Where(m => plugNames.Contains(m.Name)).ToList();
            Assert.NotEmpty(patched);
            foreach (MethodDefinition m in patched)
            {
                Assert.True(CallsPlugs(m), m.FullName + " does not call Cosmos.Plugs");
                // The new body only forwards: arguments, one call into the plug, (castclass,) ret.
                var calls = m.Body.Instructions.Where(i => i.OpCode.FlowControl == FlowControl.Call).ToList();
                Assert.Single(calls);
                var target = (MethodReference)calls[0].Operand;
                Assert.Equal("Cosmos.Plugs.ConsoleIO.ConsolePalPlug", target.DeclaringType.FullName);
                Assert.Equal(m.Name, target.Name);
            }
        }

        [Fact]
        public void EveryConsolePalMemberThatConsoleCallsIsPlugged()
        {
            Assert.NotNull(_p.Console);
            var called = new SortedSet<string>(StringComparer.Ordinal);
            foreach (MethodDefinition m in WithNested(ConsoleType).Where(m => m.HasBody))
                foreach (Instruction i in m.Body.Instructions)
                    if (i.Operand is MethodReference r && r.DeclaringType.FullName == "System.ConsolePal")
                    {
                        MethodDefinition def = r.Resolve();
                        Assert.NotNull(def);
                        called.Add(def.FullName);
                        Assert.True(CallsPlugs(def), def.FullName + " (called by " + m.FullName + ") is not plugged");
                    }
            _out.WriteLine(called.Count + " ConsolePal members called by System.Console:");
            foreach (string s in called) _out.WriteLine("  " + s);
            Assert.True(called.Count >= 40, "expected the whole ConsolePal surface, saw " + called.Count);
        }

        [Fact]
        public void CancelKeyPressNoLongerRegistersSignals()
        {
            Assert.NotNull(_p.Console);
            foreach (string name in new[] { "add_CancelKeyPress", "remove_CancelKeyPress" })
            {
                MethodDefinition m = ConsoleType.Methods.Single(x => x.Name == name);
                Assert.True(CallsPlugs(m), name + " is not plugged");
                Assert.DoesNotContain(m.Body.Instructions, i => i.Operand is MethodReference r && r.DeclaringType.Name == "PosixSignalRegistration");
            }
        }

        /// <summary>
        /// Walks the call graph inside the patched System.Console.dll from every public member of
        /// System.Console (and the virtual methods of every type it creates): no P/Invoke, no Interop.Sys,
        /// no SafeFileHandle, no terminfo is reachable any more.
        /// </summary>
        [Fact]
        public void NoNativeOrTerminalCodeIsReachableFromConsole()
        {
            Assert.NotNull(_p.Console);
            List<string> bad = NativePaths(_p.Console, out int reached);
            _out.WriteLine(reached + " methods of System.Console.dll reachable from System.Console");
            foreach (string b in bad.Take(20)) _out.WriteLine("reachable: " + b);
            Assert.Empty(bad);
        }

        /// <summary>The walk above finds the native paths of the unpatched assembly (so it can fail).</summary>
        [Fact]
        public void ReachabilityCheckSeesTheUnpatchedNativePaths()
        {
            using var original = AssemblyDefinition.ReadAssembly(Toolchain.SystemConsole);
            List<string> bad = NativePaths(original, out _);
            Assert.NotEmpty(bad);
            Assert.Contains(bad, b => b.Contains("ConsolePal.OpenStandardOutput", StringComparison.Ordinal));
            Assert.Contains(bad, b => b.Contains("ConsolePal.ReadKey", StringComparison.Ordinal));
        }

        private static List<string> NativePaths(AssemblyDefinition assembly, out int reached)
        {
            ModuleDefinition module = assembly.MainModule;
            var seen = new HashSet<MethodDefinition>();
            var work = new Stack<(MethodDefinition Method, string Path)>();
            foreach (MethodDefinition m in module.GetType("System.Console").Methods.Where(m => m.IsPublic).Reverse())
                work.Push((m, "Console." + m.Name));
            var bad = new List<string>();
            while (work.Count > 0)
            {
                var (m, path) = work.Pop();
                if (!seen.Add(m)) continue;
                string declaring = m.DeclaringType.FullName;
                if (m.IsPInvokeImpl || declaring.StartsWith("Interop", StringComparison.Ordinal)
                    || declaring == "System.TerminalFormatStrings" || declaring == "System.IO.StdInReader"
                    || declaring.StartsWith("System.ConsolePal/UnixConsoleStream", StringComparison.Ordinal))
                {
                    bad.Add(path);
                    continue;
                }
                if (!m.HasBody) continue;
                foreach (Instruction i in m.Body.Instructions)
                {
                    if (!(i.Operand is MethodReference r)) continue;
                    if (r.DeclaringType.FullName == "Microsoft.Win32.SafeHandles.SafeFileHandle")
                        bad.Add(path + " -> " + r.FullName);
                    MethodDefinition d = r.Resolve();
                    if (d == null || d.Module != module) continue;
                    work.Push((d, path + " -> " + d.DeclaringType.Name + "." + d.Name));
                    if (r.Name == ".ctor") // a type created here: its virtual methods may run too
                        foreach (MethodDefinition v in d.DeclaringType.Methods.Where(x => x.IsVirtual))
                            work.Push((v, path + " -> new " + d.DeclaringType.Name + " ." + v.Name));
                }
            }
            reached = seen.Count;
            return bad;
        }
    }
}
