using System;
using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>Compiles TargetLib + Plugs once, patches, and shares the result with the tests.</summary>
    public sealed class PatchedFixture : IDisposable
    {
        public Workspace Ws { get; } = new Workspace();
        public string Target { get; }
        public string Plugs { get; }
        public PatchResult Result { get; }
        public string PatchedTarget => Result.PatchedAssemblies.Single().OutputPath;

        public PatchedFixture()
        {
            Target = Ws.Compile("TargetLib", Fixtures.TargetLib);
            Plugs = Ws.Compile("Plugs", Fixtures.Plugs, Target);
            Result = Ws.Patch(Plugs, Target);
        }

        public TestLoadContext Load() => Ws.Load(PatchedTarget, Plugs);

        public void Dispose() => Ws.Dispose();
    }

    /// <summary>Runs patched code on the host to prove each kind of plug is called with the right arguments.</summary>
    public sealed class PatchExecutionTests : IClassFixture<PatchedFixture>
    {
        private readonly PatchedFixture _f;

        public PatchExecutionTests(PatchedFixture f)
        {
            _f = f;
        }

        private object Probe(TestLoadContext ctx, string method, params object[] args) => ctx.Call("TargetLib", "TargetLib.Probe", method, args);

        [Fact]
        public void Succeeds_WithOnlyTheOptionalWarnings()
        {
            Assert.True(_f.Result.Success, string.Join("\n", _f.Result.Diagnostics));
            Assert.Equal(new[] { DiagnosticCodes.OptionalTargetTypeMissing, DiagnosticCodes.OptionalTargetMethodMissing },
                _f.Result.Diagnostics.Select(d => d.Code).ToArray());
            Assert.All(_f.Result.Diagnostics, d => Assert.Equal(PatchSeverity.Warning, d.Severity));
            PatchedAssembly p = Assert.Single(_f.Result.PatchedAssemblies);
            Assert.Equal("TargetLib", p.AssemblyName);
            Assert.Equal(Path.Combine(_f.Ws.Root, "out", "TargetLib.dll"), p.OutputPath);
            Assert.Equal(15, p.PatchedMethodCount);
            Assert.Equal(15, _f.Result.Plugs.Count);
            Assert.NotNull(p.SymbolsPath);
            Assert.True(File.Exists(p.SymbolsPath));
        }

        [Fact]
        public void OptionalWarnings_NameThePlugAndTarget()
        {
            PatchDiagnostic type = _f.Result.Diagnostics.Single(d => d.Code == DiagnosticCodes.OptionalTargetTypeMissing);
            Assert.Contains("Plugs.MissingTypePlug", type.Message);
            Assert.Contains("TargetLib.DoesNotExist", type.Message);
            Assert.EndsWith("Plugs.cs", type.File);
            PatchDiagnostic method = _f.Result.Diagnostics.Single(d => d.Code == DiagnosticCodes.OptionalTargetMethodMissing);
            Assert.Contains("Plugs.OptionalMethodPlug.NotThere()", method.Message);
            Assert.Contains("NotThere", method.Message);
            Assert.StartsWith(method.File + "(", method.ToString());
            Assert.Contains(": warning COSMOS101: ", method.ToString());
        }

        [Fact]
        public void StaticPlug_GetsArguments_AndOtherOverloadIsUntouched()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(1005, Probe(ctx, "Add", 2, 3));
            Assert.Equal("Add(2,3);", ctx.StaticField("Plugs", "Plugs.CalcPlug", "Log"));
            Assert.Equal(2L, Probe(ctx, "AddLong", 5L, 3L));
        }

        [Fact]
        public void InternalCallAndPInvokeTargets_BecomeIlCallingThePlug()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(42, Probe(ctx, "Native", 21));
            Assert.Equal(15, Probe(ctx, "PInvoke", 5));
        }

        [Fact]
        public void PointerParameter_AcceptsVoidPointer_AndEnumAcceptsUnderlyingInt()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(18, Probe(ctx, "ReadPtr", 9));
            Assert.Equal("c2", Probe(ctx, "ColorName"));
        }

        [Fact]
        public void CtorAndInstancePlugs_GetAThisAndPrivateInstanceField()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal("230,230", Probe(ctx, "CounterRun"));
            object counter = Probe(ctx, "NewCounter", 4);
            Assert.Same(counter, ctx.StaticField("Plugs", "Plugs.CounterPlug", "LastThis"));
            Assert.Equal("TargetLib.Counter", counter.GetType().FullName);
        }

        [Fact]
        public void FieldAccess_ToPrivateStaticField_IsByReference()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(1000, Probe(ctx, "Instances"));
            Assert.Equal(2000, Probe(ctx, "Instances"));
        }

        [Fact]
        public void NonPublicTarget_ByTargetName_WithObjectSubstitutesAndCastBack()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal("plugged:default:True", Probe(ctx, "Hidden"));
        }

        [Fact]
        public void ValueTypeInstance_IsPassedByRef()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(12, Probe(ctx, "PointSum", 3, 4));
        }

        [Fact]
        public void GenericTypeAndGenericMethod_UseGenericPlugs()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal("hi", Probe(ctx, "BoxGet", "hi"));
            Assert.Equal(7, Probe(ctx, "BoxGetInt", 7));
            Assert.Equal("#5", Probe(ctx, "BoxConvert", 5));
        }

        [Fact]
        public void StaticConstructor_IsPlugged()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(42, Probe(ctx, "Cctor"));
        }

        [Fact]
        public void ExplicitInterfaceImplementation_ByPlugMethodTargetName()
        {
            using TestLoadContext ctx = _f.Load();
            Assert.Equal(true, Probe(ctx, "Dispose"));
        }

        [Fact]
        public void PatchedMetadata_IsCleanIl()
        {
            using var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(Path.GetDirectoryName(_f.Plugs));
            using AssemblyDefinition a = AssemblyDefinition.ReadAssembly(_f.PatchedTarget, new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = true });
            TypeDefinition calc = a.MainModule.GetType("TargetLib.Calc");

            MethodDefinition native = calc.Methods.Single(m => m.Name == "NativeTwice");
            Assert.False(native.IsInternalCall);
            Assert.True(native.HasBody);
            MethodDefinition pinvoke = calc.Methods.Single(m => m.Name == "PInvokeTriple");
            Assert.False(pinvoke.IsPInvokeImpl);
            Assert.False(pinvoke.IsPreserveSig);

            MethodDefinition add = calc.Methods.Single(m => m.Name == "Add" && m.Parameters[0].ParameterType.FullName == "System.Int32");
            Assert.Equal(new[] { Code.Ldarg_0, Code.Ldarg_1, Code.Call, Code.Ret }, add.Body.Instructions.Select(i => i.OpCode.Code).ToArray());
            var call = (MethodReference)add.Body.Instructions[2].Operand;
            Assert.Equal("Plugs.CalcPlug", call.DeclaringType.FullName);
            Assert.Empty(add.Body.Variables);
            Assert.Empty(add.Body.ExceptionHandlers);
            Assert.Contains(a.MainModule.AssemblyReferences, r => r.Name == "Plugs");
            Assert.DoesNotContain(a.MainModule.AssemblyReferences, r => r.Name == "TargetLib");

            MethodDefinition hiddenMake = a.MainModule.GetType("TargetLib.Hidden").Methods.Single(m => m.Name == "Make");
            Assert.Equal(Code.Castclass, hiddenMake.Body.Instructions[hiddenMake.Body.Instructions.Count - 2].OpCode.Code);
        }
    }
}
