using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Cosmos.Build.Testing;
using Cosmos.TestRunner;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The kernel side of the serial protocol (Tests/Cosmos.TestRunner.Kernel's TestKernel) and the host's parser
    /// (<see cref="SerialProtocol"/>) agree: both compile Build/Cosmos.Build/Testing/TestProtocol.cs, the lines its
    /// builders make parse back to the same cases, the kernel library as built carries the same constants and prints
    /// only through the builders, and Cosmos.Core's panic report strings are the ones the parser reads.
    /// </summary>
    public sealed class TestProtocolTests
    {
        private static string KernelLibrary => typeof(TestProtocolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CosmosTestRunnerKernelAssembly").Value;

        private static SerialProtocol Feed(params string[] lines)
        {
            var p = new SerialProtocol();
            foreach (var l in lines) p.Feed(l);
            return p;
        }

        [Fact]
        public void BuilderLines_ParseBackToTheSameCases()
        {
            var p = Feed(
                TestProtocol.StartLine("a"), TestProtocol.PassLine("a"),
                TestProtocol.StartLine("b: with a colon"), TestProtocol.FailLine("b: with a colon", "expected <1> but got <2>: really"),
                TestProtocol.ExpectSerialLine("echo", "hello 42"), "\u001b[92mhello 42",
                TestProtocol.DoneLine());
            Assert.True(p.Done);
            Assert.Equal(new[] { ("a", true, (string)null), ("b: with a colon", false, "expected <1> but got <2>: really"), ("echo", true, null) },
                p.Results.Select(r => (r.Name, r.Passed, r.Message)));
        }

        [Fact]
        public void ExpectPanicAndExpectExit_UseThePanicStringsAndTheExitStatus()
        {
            var panic = Feed(TestProtocol.ExpectPanicLine("boom", "Unhandled exception: System.X"),
                TestProtocol.PanicMarker + "Unhandled exception: System.X: m", "stack...", TestProtocol.PanicHaltedLine);
            Assert.True(panic.PanicComplete);
            Assert.True(Assert.Single(panic.Results).Passed);

            var reboot = Feed(TestProtocol.ExpectPanicLine("reset", TestProtocol.PanicRebootingLine),
                TestProtocol.PanicMarker + "x", TestProtocol.PanicRebootingLine);
            reboot.Exited(0);
            Assert.True(Assert.Single(reboot.Results).Passed);

            var exit = Feed(TestProtocol.ExpectExitLine("off", 0));
            exit.Exited(0);
            Assert.True(exit.Done && exit.EndedByExpectedExit && Assert.Single(exit.Results).Passed);

            Assert.Equal(33, TestProtocol.QemuStatusAfterDebugExit(TestProtocol.DebugExitAllPassed));
            Assert.Equal(35, TestProtocol.QemuStatusAfterDebugExit(TestProtocol.DebugExitFailures));
            Assert.False(TestProtocol.IsDeclaredNameValid("a: b"));
            Assert.True(TestProtocol.IsDeclaredNameValid("a - b"));
        }

        [Fact]
        public void QemuDebugExitDevice_IsAtTheProtocolsPort()
        {
            var args = Running.Qemu.Arguments(new Running.QemuOptions { Iso = "k.iso", Display = false });
            Assert.Contains($"isa-debug-exit,iobase=0x{TestProtocol.DebugExitPort:x},iosize=0x04", args);
        }

        [Fact]
        public void KernelLibrary_CarriesTheSameConstants()
        {
            Assert.True(File.Exists(KernelLibrary), "not built: " + KernelLibrary);
            using var asm = AssemblyDefinition.ReadAssembly(KernelLibrary);
            TypeDefinition kernelSide = asm.MainModule.GetType("Cosmos.TestRunner.TestProtocol");
            Assert.NotNull(kernelSide);
            var kernelConstants = kernelSide.Fields.Where(f => f.HasConstant).ToDictionary(f => f.Name, f => f.Constant);
            var hostConstants = typeof(TestProtocol).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
                .ToDictionary(f => f.Name, f => f.GetRawConstantValue());
            Assert.Equal(hostConstants.OrderBy(p => p.Key), kernelConstants.OrderBy(p => p.Key));
            var kernelBuilders = kernelSide.Methods.Where(m => m.IsPublic && m.IsStatic).Select(m => m.Name).OrderBy(n => n);
            var hostBuilders = typeof(TestProtocol).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).OrderBy(n => n);
            Assert.Equal(hostBuilders, kernelBuilders);
        }

        [Fact]
        public void KernelLibrary_PrintsOnlyThroughTheBuilders()
        {
            using var asm = AssemblyDefinition.ReadAssembly(KernelLibrary);
            var copies = new List<string>();
            var calls = new HashSet<string>();
            foreach (TypeDefinition t in asm.MainModule.GetTypes().Where(t => t.FullName != "Cosmos.TestRunner.TestProtocol"))
                foreach (MethodDefinition m in t.Methods.Where(m => m.HasBody))
                    foreach (Instruction i in m.Body.Instructions)
                    {
                        if (i.OpCode == OpCodes.Ldstr && i.Operand is string s
                            && (s.Contains(TestProtocol.Prefix.Trim()) || s.Contains(TestProtocol.PanicMarker)))
                            copies.Add(t.FullName + "." + m.Name + ": \"" + s + "\"");
                        if (i.Operand is MethodReference r && r.DeclaringType.FullName == "Cosmos.TestRunner.TestProtocol")
                            calls.Add(r.Name);
                    }
            Assert.Empty(copies);
            string[] builders = { "StartLine", "PassLine", "FailLine", "ExpectPanicLine", "ExpectExitLine", "ExpectSerialLine", "DoneLine", "IsDeclaredNameValid" };
            Assert.Equal(builders.OrderBy(n => n), calls.Intersect(builders).OrderBy(n => n));
        }

        [Fact]
        public void CosmosCorePanicStrings_AreTheOnesTheParserReads()
        {
            string core = Path.Combine(Path.GetDirectoryName(KernelLibrary)!, "Cosmos.Core.dll");
            using var asm = AssemblyDefinition.ReadAssembly(core);
            TypeDefinition panic = asm.MainModule.GetType("Cosmos.Core.Panic");
            Assert.NotNull(panic);
            string Const(string name) => (string)panic.Fields.Single(f => f.Name == name && f.HasConstant).Constant;
            Assert.Equal(TestProtocol.PanicMarker, Const("Marker"));
            Assert.Equal(TestProtocol.PanicHaltedLine, Const("HaltedLine"));
            Assert.Equal(TestProtocol.PanicRebootingLine, Const("RebootingLine"));
            // The panic path's isa-debug-exit write goes to the device the runner gives QEMU.
            Assert.Equal(TestProtocol.DebugExitPort, (int)(ushort)panic.Fields.Single(f => f.Name == "DebugExitPort" && f.HasConstant).Constant);
            Assert.Equal(SerialProtocol.PanicMarker, TestProtocol.PanicMarker);
        }
    }
}
