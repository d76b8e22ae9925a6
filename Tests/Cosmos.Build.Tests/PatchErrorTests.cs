using System;
using System.IO;
using System.Linq;
using System.Threading;
using Cosmos.Build.Patching;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>Compiles TargetLib once; each test compiles one faulty plug assembly against it.</summary>
    public sealed class TargetFixture : IDisposable
    {
        private int _counter;
        public Workspace Ws { get; } = new Workspace();
        public string Target { get; }

        public TargetFixture()
        {
            Target = Ws.Compile("TargetLib", Fixtures.TargetLib);
        }

        /// <summary>Compiles <paramref name="body"/> (inside namespace ErrPlugs) and patches; returns the result and the plug source path.</summary>
        public (PatchResult Result, string Source, string Dll) Run(string body)
        {
            string name = "ErrPlugs" + Interlocked.Increment(ref _counter);
            string source = "using System;\nusing IL2CPU.API.Attribs;\nusing TargetLib;\nnamespace ErrPlugs\n{\n" + body + "\n}\n";
            string dll = Ws.Compile(name, source, Target);
            return (Ws.Patch(new[] { dll }, new[] { Target }, "out-" + name), Path.ChangeExtension(dll, ".cs"), dll);
        }

        public void Dispose() => Ws.Dispose();
    }

    /// <summary>Every error names the plug member, its file and line (from the PDB) and the target.</summary>
    public sealed class PatchErrorTests : IClassFixture<TargetFixture>
    {
        private readonly TargetFixture _f;
        private readonly Xunit.Abstractions.ITestOutputHelper _out;

        public PatchErrorTests(TargetFixture f, Xunit.Abstractions.ITestOutputHelper output)
        {
            _f = f;
            _out = output;
        }

        /// <summary>Runs the plug, expects exactly one error with <paramref name="code"/> on the line marked <c>// @err</c>.</summary>
        private PatchDiagnostic ExpectError(string body, string code, params string[] mentions)
        {
            var (result, source, _) = _f.Run(body);
            Assert.False(result.Success);
            Assert.Empty(result.PatchedAssemblies);
            foreach (PatchDiagnostic d in result.Diagnostics)
                _out.WriteLine(d.ToString());
            PatchDiagnostic e = Assert.Single(result.Errors);
            Assert.Equal(code, e.Code);
            Assert.Equal(source, e.File);
            string[] lines = File.ReadAllLines(source);
            int expectedLine = Array.FindIndex(lines, l => l.Contains("// @err")) + 1;
            Assert.True(expectedLine > 0, "fixture lacks // @err");
            Assert.Equal(expectedLine, e.Line);
            Assert.True(e.Column > 0);
            Assert.StartsWith(source + "(" + expectedLine + "," + e.Column + "): error " + code + ": ", e.ToString());
            foreach (string m in mentions)
                Assert.Contains(m, e.Message);
            Assert.False(Directory.Exists(Path.Combine(_f.Ws.Root, "out")) && Directory.GetFiles(Path.Combine(_f.Ws.Root, "out")).Length > 0);
            return e;
        }

        [Fact]
        public void TargetTypeNotFound_ByName()
        {
            ExpectError(@"
    [Plug(TargetName = ""TargetLib.Nope, TargetLib"")]
    public static class NopePlug
    {
        public static void Foo() { } // @err
    }", DiagnosticCodes.TargetTypeNotFound, "ErrPlugs.NopePlug", "TargetLib.Nope", "TargetLib");
        }

        [Fact]
        public void TargetTypeNotFound_WhenItsAssemblyIsNotATarget()
        {
            ExpectError(@"
    [Plug(typeof(System.Text.StringBuilder))]
    public static class SbPlug
    {
        public static void Clear() { } // @err
    }", DiagnosticCodes.TargetTypeNotFound, "ErrPlugs.SbPlug", "System.Text.StringBuilder", "not among the target assemblies");
        }

        [Fact]
        public void TargetMethodNotFound()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static void Frobnicate(int x) { } // @err
    }", DiagnosticCodes.TargetMethodNotFound, "ErrPlugs.CalcPlug.Frobnicate(System.Int32)", "TargetLib.Calc", "Frobnicate");
        }

        [Fact]
        public void NoOverloadWithThatParameterList_ListsOverloads()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static int Add(string a, string b) => 0; // @err
    }", DiagnosticCodes.NoMatchingOverload, "ErrPlugs.CalcPlug.Add(System.String, System.String)", "TargetLib.Calc.Add",
                "static TargetLib.Calc.Add(System.Int32, System.Int32)", "static TargetLib.Calc.Add(System.Int64, System.Int64)");
        }

        [Fact]
        public void FieldAccessFieldNotFound()
        {
            ExpectError(@"
    [Plug(typeof(Counter))]
    public static class CounterPlug
    {
        public static int Add(Counter aThis, int delta, [FieldAccess(Name = ""_nope"")] ref int v) => 0; // @err
    }", DiagnosticCodes.FieldNotFound, "ErrPlugs.CounterPlug.Add(", "_nope", "TargetLib.Counter", "_value");
        }

        [Fact]
        public void IncompatibleParameterType()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static int Single(string x) => 0; // @err
    }", DiagnosticCodes.IncompatibleType, "ErrPlugs.CalcPlug.Single(System.String)", "TargetLib.Calc.Single(System.Int32)", "'x'", "System.Int32");
        }

        [Fact]
        public void IncompatibleReturnType()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static string Single(int x) => null; // @err
    }", DiagnosticCodes.IncompatibleType, "ErrPlugs.CalcPlug.Single(System.Int32)", "TargetLib.Calc.Single(System.Int32)", "returns");
        }

        [Fact]
        public void InstanceTargetWithoutAThis_IsAMismatch()
        {
            ExpectError(@"
    [Plug(typeof(Counter))]
    public static class CounterPlug
    {
        public static int Add(Counter self, int delta) => 0; // @err
    }", DiagnosticCodes.StaticInstanceMismatch, "ErrPlugs.CounterPlug.Add(TargetLib.Counter, System.Int32)", "TargetLib.Counter.Add(System.Int32)", "aThis");
        }

        [Fact]
        public void StaticTargetWithAThis_IsAMismatch()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static int Single(int aThis) => 0; // @err
    }", DiagnosticCodes.StaticInstanceMismatch, "ErrPlugs.CalcPlug.Single(System.Int32)", "TargetLib.Calc.Single(System.Int32)", "static");
        }

        [Fact]
        public void TwoPlugsForOneTarget()
        {
            PatchDiagnostic e = ExpectError(@"
    [Plug(typeof(Calc))]
    public static class FirstPlug
    {
        public static int Single(int x) => 1;
    }
    [Plug(typeof(Calc))]
    public static class SecondPlug
    {
        public static int Single(int x) => 2; // @err
    }", DiagnosticCodes.DuplicatePlug, "ErrPlugs.SecondPlug.Single(System.Int32)", "ErrPlugs.FirstPlug.Single(System.Int32)", "TargetLib.Calc.Single(System.Int32)");
            Assert.Contains(".cs(", e.Message); // the first plug's location
        }

        [Fact]
        public void AmbiguousWhenObjectFitsSeveralOverloads()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static string Take(object s) => null; // @err
    }", DiagnosticCodes.AmbiguousTarget, "ErrPlugs.CalcPlug.Take(System.Object)", "Take(System.String)", "Take(System.Text.StringBuilder)");
        }

        [Fact]
        public void GenericArityMismatch()
        {
            ExpectError(@"
    [Plug(typeof(Box<>))]
    public static class BoxPlug
    {
        public static T Get<T, U>(Box<T> aThis) => default(T); // @err
    }", DiagnosticCodes.GenericArityMismatch, "ErrPlugs.BoxPlug.Get<T, U>(", "TargetLib.Box`1", "2 type parameter");
        }

        [Fact]
        public void NonPublicPlugMethodWithPlugMethodAttribute()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        [PlugMethod]
        internal static int Single(int x) => 0; // @err
    }", DiagnosticCodes.InvalidPlugMember, "ErrPlugs.CalcPlug.Single(System.Int32)", "public");
        }

        [Fact]
        public void InstancePlugMethod()
        {
            ExpectError(@"
    [Plug(typeof(Calc))]
    public sealed class CalcPlug
    {
        public int Single(int x) => 0; // @err
    }", DiagnosticCodes.InvalidPlugMember, "ErrPlugs.CalcPlug.Single(System.Int32)", "static");
        }

        [Fact]
        public void PlugMethodOutsidePlugClass()
        {
            ExpectError(@"
    public static class NotAPlug
    {
        [PlugMethod]
        public static int Single(int x) => 0; // @err
    }", DiagnosticCodes.PlugAttributeOutsidePlugClass, "ErrPlugs.NotAPlug.Single(System.Int32)", "[Plug]");
        }

        [Fact]
        public void InstanceFieldFromStaticTarget()
        {
            ExpectError(@"
    [Plug(typeof(Counter))]
    public static class CounterPlug
    {
        public static int get_Instances([FieldAccess(Name = ""_value"")] ref int v) => 0; // @err
    }", DiagnosticCodes.InvalidFieldAccess, "ErrPlugs.CounterPlug.get_Instances(ref System.Int32)", "_value", "static");
        }

        [Fact]
        public void PlugWithoutTarget()
        {
            ExpectError(@"
    [Plug]
    public static class NoTargetPlug
    {
        public static void Foo() { } // @err
    }", DiagnosticCodes.InvalidPlugAttribute, "ErrPlugs.NoTargetPlug");
        }

        [Fact]
        public void WithoutPdb_TheAssemblyIsTheOrigin()
        {
            string name = "NoPdbPlugs";
            string dll = _f.Ws.Compile(name, "using IL2CPU.API.Attribs;\nnamespace P { [Plug(typeof(TargetLib.Calc))] public static class CalcPlug { public static void Nope() { } } }", _f.Target);
            File.Delete(Path.ChangeExtension(dll, ".pdb"));
            PatchResult r = _f.Ws.Patch(new[] { dll }, new[] { _f.Target }, "out-nopdb");
            PatchDiagnostic e = Assert.Single(r.Errors);
            Assert.Equal(dll, e.File);
            Assert.Equal(0, e.Line);
            Assert.StartsWith(dll + ": error COSMOS002: ", e.ToString());
            Assert.Contains("P.CalcPlug.Nope()", e.Message);
        }

        [Fact]
        public void AllErrorsAreReported_NotJustTheFirst()
        {
            var (result, _, _) = _f.Run(@"
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static void A() { }
        public static void B() { }
    }
    [Plug(TargetName = ""Nope.Nope, TargetLib"")]
    public static class Other
    {
        public static void C() { }
    }");
            Assert.Equal(new[] { DiagnosticCodes.TargetMethodNotFound, DiagnosticCodes.TargetMethodNotFound, DiagnosticCodes.TargetTypeNotFound },
                result.Errors.Select(e => e.Code).ToArray());
        }
    }
}
