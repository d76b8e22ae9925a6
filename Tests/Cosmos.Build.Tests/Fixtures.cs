namespace Cosmos.Build.Tests
{
    /// <summary>C# sources of the assemblies the tests compile.</summary>
    internal static class Fixtures
    {
        /// <summary>The assembly whose methods get plugged. <c>Probe</c> calls every target so tests can run them.</summary>
        public const string TargetLib = @"
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TargetLib
{
    public static class Calc
    {
        public static int Add(int a, int b) => a - b;
        public static long Add(long a, long b) => a - b;
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern int NativeTwice(int x);
        [DllImport(""no_such_native_library_cosmos"")]
        public static extern int PInvokeTriple(int x);
        public static unsafe int ReadPtr(int* p) => -1;
        internal static string ColorName(Color c) => ""orig"";
        public static string Take(string s) => s;
        public static string Take(System.Text.StringBuilder s) => s.ToString();
        public static int Single(int x) => x;
    }

    internal enum Color { Red = 1, Green = 2 }

    public class Counter
    {
        private int _value;
        private static int s_instances;
        public Counter(int start) { _value = start; s_instances++; }
        public int Value => _value;
        public int Add(int delta) { _value += delta; return _value; }
        public static int Instances => s_instances;
    }

    internal class Hidden
    {
        private string _name;
        private static Hidden s_default = new Hidden(""default"");
        public Hidden(string name) { _name = name; }
        public string Greet(Hidden other) => ""original"";
        public static Hidden Make(string n) => new Hidden(""orig:"" + n);
    }

    public static class HiddenApi
    {
        public static string Run() { Hidden h = Hidden.Make(""x""); return h.Greet(h); }
    }

    public struct Point
    {
        public int X, Y;
        public int Sum() => X + Y;
    }

    public class Box<T>
    {
        private T _item;
        public Box(T item) { _item = item; }
        public T Get() => default(T);
        public U Convert<U>(Func<T, U> f) => default(U);
    }

    public static class WithCctor
    {
        public static int Value;
        static WithCctor() { Value = 1; }
    }

    public class Res : IDisposable
    {
        public bool Disposed;
        void IDisposable.Dispose() { }
    }

    public static class Probe
    {
        public static int Add(int a, int b) => Calc.Add(a, b);
        public static long AddLong(long a, long b) => Calc.Add(a, b);
        public static int Native(int x) => Calc.NativeTwice(x);
        public static int PInvoke(int x) => Calc.PInvokeTriple(x);
        public static unsafe int ReadPtr(int v) => Calc.ReadPtr(&v);
        public static string ColorName() => Calc.ColorName(Color.Green);
        public static object NewCounter(int start) => new Counter(start);
        public static string CounterRun() { var c = new Counter(3); int r = c.Add(2); return c.Value + "","" + r; }
        public static int Instances() => Counter.Instances;
        public static string Hidden() => HiddenApi.Run();
        public static int PointSum(int x, int y) => new Point { X = x, Y = y }.Sum();
        public static string BoxGet(string s) => new Box<string>(s).Get();
        public static int BoxGetInt(int v) => new Box<int>(v).Get();
        public static string BoxConvert(int v) => new Box<int>(v).Convert<string>(i => ""#"" + i);
        public static int Cctor() => WithCctor.Value;
        public static bool Dispose() { var r = new Res(); ((IDisposable)r).Dispose(); return r.Disposed; }
    }
}
";

        /// <summary>Plugs for every supported case (compiled against TargetLib).</summary>
        public const string Plugs = @"
using System;
using IL2CPU.API.Attribs;
using TargetLib;

namespace Plugs
{
    [Plug(typeof(Calc))]
    public static class CalcPlug
    {
        public static string Log = """";
        public static int Add(int a, int b) { Log += ""Add("" + a + "","" + b + "");""; return a + b + 1000; }
        public static int NativeTwice(int x) => x * 2;
        public static int PInvokeTriple(int x) => x * 3;
        public static unsafe int ReadPtr(void* p) => *(int*)p * 2;
        public static string ColorName(int c) => ""c"" + c;
        [PlugMethod(Enabled = false)]
        public static int Helper() => 0;
        private static int PrivateHelper() => 1;
    }

    [Plug(Target = typeof(Counter))]
    public static class CounterPlug
    {
        public static object LastThis;
        public static void Ctor(Counter aThis, int start, [FieldAccess(Name = ""_value"")] ref int value)
        {
            LastThis = aThis;
            value = start * 10;
        }
        public static int Add(Counter aThis, int delta, [FieldAccess(Name = ""_value"")] ref int value)
        {
            value += delta * 100;
            return value;
        }
        public static int get_Instances([FieldAccess(Name = ""s_instances"")] ref int count)
        {
            count += 1000;
            return count;
        }
    }

    [Plug(TargetName = ""TargetLib.Hidden, TargetLib"")]
    public static class HiddenPlug
    {
        public static string Greet(object aThis, object other, [FieldAccess(Name = ""_name"")] ref string name) =>
            ""plugged:"" + name + "":"" + ReferenceEquals(aThis, other);
        public static object Make(string n, [FieldAccess(Name = ""s_default"")] ref object def) => def;
    }

    [Plug(typeof(Point))]
    public static class PointPlug
    {
        public static int Sum(ref Point aThis) => aThis.X * aThis.Y;
    }

    [Plug(typeof(Box<>))]
    public static class BoxPlug
    {
        public static T Get<T>(Box<T> aThis, [FieldAccess(Name = ""_item"")] T item) => item;
        public static U Convert<T, U>(Box<T> aThis, Func<T, U> f, [FieldAccess(Name = ""_item"")] ref T item) => f(item);
    }

    [Plug(typeof(WithCctor))]
    public static class WithCctorPlug
    {
        public static void CCtor([FieldAccess(Name = ""Value"")] ref int value) { value = 42; }
    }

    [Plug(typeof(Res))]
    public static class ResPlug
    {
        [PlugMethod(TargetName = ""System.IDisposable.Dispose"")]
        public static void Dispose(Res aThis) { aThis.Disposed = true; }
    }

    [Plug(TargetName = ""TargetLib.DoesNotExist, TargetLib"", IsOptional = true)]
    public static class MissingTypePlug
    {
        public static void Foo() { }
    }

    [Plug(typeof(Calc))]
    public static class OptionalMethodPlug
    {
        [PlugMethod(IsOptional = true)]
        public static void NotThere() { }
    }
}
";
    }
}
