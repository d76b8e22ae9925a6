using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

// Compiled twice: into the CastTests kernel (Tests/Kernels/CastTests), where ilc -O compiles every cast,
// unbox and array store against the NativeAOT CoreLib's casting helpers (System.Runtime.TypeCast) on top
// of Cosmos.Runtime, and into the host test project Tests/Cosmos.Conformance.Tests, where CoreCLR runs it.
// It must therefore use plain C# and the BCL only: no Cosmos.* type may appear here. Inside namespace
// Cosmos.*, a name beginning with "System." binds to Cosmos.System in the kernel, so BCL namespaces are
// imported with using directives above.

namespace Cosmos.TestCases
{
    /// <summary>
    /// One cast-semantics case: a body that performs casts, unboxes or array stores and returns what it
    /// observed as a string (a value read through the cast, "True"/"False" for type tests, "null", or the
    /// name of the exception it raised), and the string .NET produces.
    /// </summary>
    public sealed class CastCase
    {
        /// <summary>A case named <paramref name="name"/> whose <paramref name="body"/> must produce <paramref name="expected"/>.</summary>
        public CastCase(string name, Func<string> body, string expected, string knownIssue = null)
        {
            Name = name;
            Body = body;
            Expected = expected;
            KnownIssue = knownIssue;
        }

        /// <summary>
        /// The case's name; the kernel reports it as a test case of this name, so it contains neither
        /// ": " nor a line break (the serial protocol's separators).
        /// </summary>
        public string Name { get; }

        /// <summary>The code under test.</summary>
        public Func<string> Body { get; }

        /// <summary>What .NET produces: the body's result, or the name of the exception it throws.</summary>
        public string Expected { get; }

        /// <summary>
        /// Null, or the explanation of a known defect outside this repository that makes the optimized code
        /// produce something else. The case still expects the correct result; a kernel that observes exactly the
        /// defect's signature (<see cref="IsKnownDefectResult"/>) reports a known failure, any other wrong result a
        /// failure, and the correct result a failure too (the defect is gone: remove the note).
        /// </summary>
        public string KnownIssue { get; }

        /// <summary>
        /// True when <paramref name="observed"/> is what the <see cref="KnownIssue"/> defect produces: the cast was not
        /// checked, so the body returned a value instead of the exception .NET raises.
        /// </summary>
        public bool IsKnownDefectResult(string observed) =>
            KnownIssue != null && observed != null && Expected.EndsWith("Exception", StringComparison.Ordinal) && !observed.EndsWith("Exception", StringComparison.Ordinal);

        /// <summary>
        /// Runs <see cref="Body"/>: its result, or the type name of the exception that escaped it (the
        /// expected ones by an <c>is</c> test, so no reflection metadata is needed to name them).
        /// </summary>
        public string Run()
        {
            try { return Body(); }
            catch (Exception e) { return CastCases.Describe(e); }
        }

        public override string ToString() => Name;
    }

    /// <summary>
    /// The table of cast, unbox and array-store cases shared by the CastTests kernel and the host project
    /// Tests/Cosmos.Conformance.Tests.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The rules are ECMA-335 Partition III §4.3 (castclass), §4.6 (isinst), §4.32 (unbox), §4.33
    /// (unbox.any), §4.26 (stelem.ref: ArrayTypeMismatchException) and §4.9 (ldelema: a covariant array
    /// yields ArrayTypeMismatchException unless the readonly. prefix is used), with the array and variance
    /// compatibility of Partition I §8.7 (int[] and uint[] are compatible, so are arrays of an enum and
    /// of its underlying type; generic variance applies to reference-type arguments only).
    /// </para>
    /// <para>
    /// Every case exists in forms that reach different code: the object passes through a
    /// <see cref="MethodImplOptions.NoInlining"/> helper (<see cref="Opaque"/>), so the compiler knows only
    /// <c>object</c> and must call the CoreLib's casting helper; or the object's exact type is visible at
    /// the cast (<c>object o = "s"; (Node)o</c>), so the JIT may fold the check or call the helper for the
    /// exact-type case; or the cast happens in shared generic code (<see cref="CastTo{T}"/>), which looks
    /// the target type up at run time.
    /// </para>
    /// <para>
    /// The host test project runs every case under <c>dotnet test</c> on CoreCLR, which proves that each
    /// expected string is what .NET produces; the kernel runs the same code compiled by ilc and compares
    /// against the same strings.
    /// </para>
    /// </remarks>
    public static class CastCases
    {
        /// <summary>All cases, in a fixed order; names are unique.</summary>
        public static IReadOnlyList<CastCase> All { get; } = Build();

        /// <summary>The case named <paramref name="name"/>, or null.</summary>
        public static CastCase Find(string name)
        {
            foreach (var c in All) if (c.Name == name) return c;
            return null;
        }

        /// <summary>The name a case reports for an exception (the expected kinds without reflection metadata).</summary>
        public static string Describe(Exception e)
        {
            if (e is InvalidCastException) return "InvalidCastException";
            if (e is ArrayTypeMismatchException) return "ArrayTypeMismatchException";
            if (e is NullReferenceException) return "NullReferenceException";
            if (e is IndexOutOfRangeException) return "IndexOutOfRangeException";
            return "unexpected " + e.GetType().FullName + ": " + e.Message;
        }

        // --- the types cast between ---

        /// <summary>A sealed class with an int at the offset where a string keeps its length.</summary>
        public sealed class Node { public int Value; public Node(int v) { Value = v; } }

        /// <summary>A sealed class that is never instantiated (the compiler may know that no object has this type).</summary>
        public sealed class NeverMade { public int Value; }

        public class Animal { public int Legs; public Animal() { Legs = 2; } }
        public class Dog : Animal { public Dog() { Legs = 4; } }
        public sealed class Puppy : Dog { }
        public class Cat : Animal { public Cat() { Legs = 4; } }

        public interface IShape { int Sides { get; } }
        public interface IPolygon : IShape { }
        public interface INeverImplemented { int X { get; } }
        public class Square : IShape { public int Sides => 4; }
        public class BigSquare : Square { }
        public sealed class Triangle : IPolygon { public int Sides => 3; }

        public class Box<T> { public T Item; }
        public sealed class StringBox : Box<string> { }

        public interface ICo<out T> { T Get(); }
        public interface IContra<in T> { string Take(T value); }
        public sealed class DogSource : ICo<Dog> { public Dog Get() => new Dog(); }
        public sealed class IntSource : ICo<int> { public int Get() => 1; }
        public sealed class SquareSource : ICo<Square> { public Square Get() => new Square(); }
        public sealed class AnimalSink : IContra<Animal> { public string Take(Animal a) => "took " + S(a.Legs); }

        public sealed class ObjectComparer : IComparer<object> { public int Compare(object x, object y) => 0; }
        public sealed class StringOnlyComparer : IComparer<string> { public int Compare(string x, string y) => 0; }

        public enum Color { Red = 1, Green = 2 }
        public enum Shade { Dark = 1, Light = 2 }
        public enum Small : byte { A = 1, B = 2 }
        public enum Wide : long { Big = 1L << 40 }

        public struct Point { public int X, Y; public Point(int x, int y) { X = x; Y = y; } }
        public struct OtherPoint { public int X, Y; }

        /// <summary>Answers "implemented" for <see cref="IShape"/> only, with <see cref="IShapeImpl"/> as the implementation.</summary>
        public sealed class Chameleon : IDynamicInterfaceCastable
        {
            public bool IsInterfaceImplemented(RuntimeTypeHandle interfaceType, bool throwIfNotImplemented)
                => interfaceType.Equals(typeof(IShape).TypeHandle);
            public RuntimeTypeHandle GetInterfaceImplementation(RuntimeTypeHandle interfaceType)
                => typeof(IShapeImpl).TypeHandle;
        }

        [DynamicInterfaceCastableImplementation]
        public interface IShapeImpl : IShape { int IShape.Sides => 5; }

        // --- helpers (NoInlining: the compiler sees only what the signature says) ---

        [MethodImpl(MethodImplOptions.NoInlining)] public static object Opaque(object o) => o;
        [MethodImpl(MethodImplOptions.NoInlining)] private static Animal[] Dogs() => new Dog[] { new Dog() };
        [MethodImpl(MethodImplOptions.NoInlining)] private static object[] Strings() => new string[] { "a" };
        [MethodImpl(MethodImplOptions.NoInlining)] private static IShape[] Squares() => new Square[] { new Square() };

        [MethodImpl(MethodImplOptions.NoInlining)] public static T CastTo<T>(object o) => (T)o;
        [MethodImpl(MethodImplOptions.NoInlining)] public static T AsT<T>(object o) where T : class => o as T;
        [MethodImpl(MethodImplOptions.NoInlining)] public static bool IsT<T>(object o) => o is T;
        [MethodImpl(MethodImplOptions.NoInlining)] public static void StoreFirst<T>(T[] a, T v) => a[0] = v;
        [MethodImpl(MethodImplOptions.NoInlining)] public static void SetViaRef<T>(ref T slot, T v) => slot = v;
        [MethodImpl(MethodImplOptions.NoInlining)] public static void SetFirstViaRef<T>(T[] a, T v) => SetViaRef(ref a[0], v);
        [MethodImpl(MethodImplOptions.NoInlining)] private static int LegsOf(in Animal a) => a.Legs;
        [MethodImpl(MethodImplOptions.NoInlining)] private static void SetAnimal(ref Animal slot, Animal v) => slot = v;
        [MethodImpl(MethodImplOptions.NoInlining)] private static int SidesOf(object o) => ((IShape)o).Sides;

        private static string S(int i) => i.ToString(CultureInfo.InvariantCulture);
        private static string S(long i) => i.ToString(CultureInfo.InvariantCulture);
        private static string S(uint i) => i.ToString(CultureInfo.InvariantCulture);
        private static string S(bool b) => b ? "True" : "False";
        private static string N(object o) => o == null ? "null" : "not null";

        /// <summary>
        /// RyuJIT 10.0.12 (the JIT inside ilc 10.0.12 and CoreCLR 10.0.12 alike) emits no type check at all for a
        /// castclass whose operand is a constant object known to the JIT (a frozen string literal, a typeof()
        /// RuntimeType): the object passes through with the target's static type and no exception is thrown.
        /// This fits its value numbering, which models castclass as "the operand, plus a possible
        /// InvalidCastException", letting constant propagation replace the helper call by the constant; isinst,
        /// unbox and casts of non-constant objects are not affected. Unoptimized code (the host test project is
        /// built without optimization) throws as ECMA-335 requires. See Tests/Kernels/CastTests/Kernel.cs.
        /// </summary>
        public const string JitDropsCastOfConstantObject =
            "known RyuJIT 10.0.12 defect: a castclass whose operand is a JIT-time constant object (string literal, typeof) is removed by optimized code, no type check is emitted";

        private static IReadOnlyList<CastCase> Build()
        {
            var cases = new List<CastCase>();
            void Add(string name, string expected, Func<string> body) => cases.Add(new CastCase(name, body, expected));
            void AddKnown(string name, string expected, string knownIssue, Func<string> body) => cases.Add(new CastCase(name, body, expected, knownIssue));
            const string Ice = "InvalidCastException", Atm = "ArrayTypeMismatchException";

            // --- castclass to classes ---

            AddKnown("castclass string to unrelated sealed class, exact source known", Ice, JitDropsCastOfConstantObject, () =>
            {
                object o = "s";
                return S(((Node)o).Value);
            });
            Add("castclass string to unrelated sealed class, opaque source", Ice, () => S(((Node)Opaque("s")).Value));
            AddKnown("castclass to never-instantiated sealed class, exact source known", Ice, JitDropsCastOfConstantObject, () =>
            {
                object o = "s";
                return S(((NeverMade)o).Value);
            });
            Add("castclass to never-instantiated sealed class, opaque source", Ice, () => S(((NeverMade)Opaque("s")).Value));
            Add("castclass to sealed class succeeds, opaque source", "7", () => S(((Node)Opaque(new Node(7))).Value));
            Add("castclass to sealed class succeeds, exact source known", "8", () =>
            {
                object o = new Node(8);
                return S(((Node)o).Value);
            });
            Add("castclass derived to base", "4", () => S(((Animal)Opaque(new Dog())).Legs));
            Add("castclass sealed grandchild to base", "4", () => S(((Animal)Opaque(new Puppy())).Legs));
            Add("castclass base to derived fails", Ice, () => S(((Dog)Opaque(new Animal())).Legs));
            Add("castclass to sibling class fails, opaque source", Ice, () => S(((Cat)Opaque(new Dog())).Legs));
            Add("castclass to sibling class fails, exact source known", Ice, () =>
            {
                object o = new Dog();
                return S(((Cat)o).Legs);
            });
            AddKnown("castclass string literal to an unrelated non-sealed class", Ice, JitDropsCastOfConstantObject, () =>
            {
                object o = "s";
                return S(((Animal)o).Legs);
            });
            AddKnown("castclass typeof object to an unrelated class", Ice, JitDropsCastOfConstantObject, () =>
            {
                object o = typeof(int);
                return S(((Node)o).Value);
            });
            Add("castclass string to unrelated class, exact type known but not constant", Ice, () =>
            {
                object o = new string('s', 2);
                return S(((Node)o).Value);
            });
            Add("castclass to sealed class of a base-typed object fails", Ice, () => S(((Puppy)Opaque(new Dog())).Legs));
            Add("castclass boxed int to string fails, exact source known", Ice, () =>
            {
                object o = 5;
                return S(((string)o).Length);
            });
            Add("castclass plain object to string fails, exact source known", Ice, () =>
            {
                object o = new object();
                return S(((string)o).Length);
            });
            Add("castclass null to any class", "null", () => N((Node)Opaque(null)));
            Add("castclass boxed enum to Enum and ValueType", "ok", () => ((Enum)Opaque(Color.Green)) != null && ((ValueType)Opaque(Color.Red)) != null ? "ok" : "lost");
            Add("castclass boxed int to Enum fails", Ice, () => N((Enum)Opaque(5)));
            Add("castclass array to Array", "3", () => S(((Array)Opaque(new int[3])).Length));
            Add("castclass array to unrelated class fails", Ice, () => S(((string)Opaque(new int[1])).Length));
            Add("castclass delegate to MulticastDelegate", "not null", () => N((MulticastDelegate)Opaque(new Func<int>(() => 1))));
            Add("castclass generic subclass to its generic base", "x", () =>
            {
                var b = new StringBox { Item = "x" };
                return ((Box<string>)Opaque(b)).Item;
            });
            Add("castclass between instantiations of a generic class fails", Ice, () => N((Box<object>)Opaque(new Box<string>())));

            // --- isinst / as / patterns ---

            Add("is unrelated sealed class, exact source known", "False", () =>
            {
                object o = "s";
                return S(o is Node);
            });
            Add("as unrelated sealed class, opaque source", "null", () => N(Opaque("s") as Node));
            Add("is never-instantiated class", "False", () => S(Opaque("s") is NeverMade));
            Add("is pattern with a declaration", "4", () => Opaque(new Puppy()) is Dog d ? S(d.Legs) : "no");
            Add("is pattern fails for a sibling", "no", () => Opaque(new Cat()) is Dog d ? S(d.Legs) : "no");
            Add("switch on the type of an object", "node 3,animal,shape 4,string s,other", () =>
            {
                var parts = new List<string>();
                foreach (var o in new object[] { new Node(3), new Cat(), new BigSquare(), "s", 1.5 })
                {
                    switch (o)
                    {
                        case Node n: parts.Add("node " + S(n.Value)); break;
                        case Dog: parts.Add("dog"); break;
                        case Animal: parts.Add("animal"); break;
                        case IShape sh: parts.Add("shape " + S(sh.Sides)); break;
                        case string str: parts.Add("string " + str); break;
                        default: parts.Add("other"); break;
                    }
                }
                return string.Join(",", parts);
            });

            // --- interfaces ---

            Add("castclass to an implemented interface", "4", () => S(((IShape)Opaque(new Square())).Sides));
            Add("castclass to an interface implemented by the base class", "4", () => S(((IShape)Opaque(new BigSquare())).Sides));
            Add("castclass to an inherited interface", "3", () => S(((IShape)Opaque(new Triangle())).Sides));
            Add("castclass to an unimplemented interface fails, opaque source", Ice, () => S(((IShape)Opaque("s")).Sides));
            Add("castclass to an unimplemented interface fails, exact source known", Ice, () =>
            {
                object o = new Node(1);
                return S(((IShape)o).Sides);
            });
            AddKnown("castclass string literal to an unimplemented interface", Ice, JitDropsCastOfConstantObject, () =>
            {
                object o = "s";
                return N((IShape)o);
            });
            Add("castclass to a never-implemented interface fails", Ice, () => S(((INeverImplemented)Opaque(new Node(1))).X));
            Add("castclass to an interface of an object without interfaces fails", Ice, () => N((IShape)Opaque(new object())));
            Add("is interface on a type with many interfaces", "True,False", () =>
            {
                object o = Opaque(new List<int>());
                return S(o is IReadOnlyCollection<int>) + "," + S(o is IComparable);
            });
            Add("is generic interface on string", "True,False", () =>
            {
                object o = Opaque("s");
                return S(o is IComparable<string>) + "," + S(o is IComparable<int>);
            });
            Add("one cast-and-call site sees several implementations", "4,3,4,5,4,InvalidCastException", () =>
            {
                var parts = new List<string>();
                foreach (var o in new object[] { new Square(), new Triangle(), new BigSquare(), new Chameleon(), new Square(), new Node(1) })
                {
                    try { parts.Add(S(SidesOf(o))); }
                    catch (InvalidCastException) { parts.Add("InvalidCastException"); }
                }
                return string.Join(",", parts);
            });
            Add("castclass boxed int to its interfaces", "0", () => S(((IComparable)Opaque(5)).CompareTo(5)));
            Add("castclass boxed int to an interface of another instantiation fails", Ice, () => N((IComparable<long>)Opaque(5)));
            Add("castclass boxed enum to IFormattable", "not null", () => N((IFormattable)Opaque(Color.Green)));
            Add("isinst interface on arrays", "True,True,False", () =>
            {
                object o = Opaque(new int[2]);
                return S(o is IList<int>) + "," + S(o is ICollection) + "," + S(o is IList<string>);
            });

            // --- generic variance ---

            Add("IEnumerable<string> as IEnumerable<object>, opaque source", "a", () =>
            {
                var e = (IEnumerable<object>)Opaque(new List<string> { "a" });
                foreach (var x in e) return (string)x;
                return "empty";
            });
            Add("IEnumerable<string> as IEnumerable<object>, exact source known", "b", () =>
            {
                object o = new List<string> { "b" };
                var e = (IEnumerable<object>)o;
                foreach (var x in e) return (string)x;
                return "empty";
            });
            Add("IEnumerable<int> is not IEnumerable<object>", "False", () => S(Opaque(new List<int>()) is IEnumerable<object>));
            Add("List<string> is not IList<object>", "False", () => S(Opaque(new List<string>()) is IList<object>));
            Add("castclass List<int> to IEnumerable<object> fails", Ice, () => N((IEnumerable<object>)Opaque(new List<int>())));
            Add("covariant interface with a more derived argument", "4", () => S(((ICo<Animal>)Opaque(new DogSource())).Get().Legs));
            Add("covariant interface to a sibling argument fails", Ice, () => N((ICo<Cat>)Opaque(new DogSource())));
            Add("covariant interface to an interface argument", "4", () => S(((ICo<IShape>)Opaque(new SquareSource())).Get().Sides));
            Add("covariance does not apply to value-type arguments", "False", () => S(Opaque(new IntSource()) is ICo<object>));
            Add("contravariant interface with a less derived argument", "took 4", () => ((IContra<Dog>)Opaque(new AnimalSink())).Take(new Dog()));
            Add("contravariant interface in the wrong direction fails", Ice, () => N((IContra<object>)Opaque(new AnimalSink())));
            Add("IComparer<object> as IComparer<string>", "True,False", () =>
                S(Opaque(new ObjectComparer()) is IComparer<string>) + "," + S(Opaque(new StringOnlyComparer()) is IComparer<object>));
            Add("delegate variance", "True,False,True,False", () =>
                S(Opaque(new Func<string>(() => "f")) is Func<object>) + "," + S(Opaque(new Func<int>(() => 1)) is Func<object>) + "," +
                S(Opaque(new Action<object>(_ => { })) is Action<string>) + "," + S(Opaque(new Action<string>(_ => { })) is Action<object>));

            // --- arrays ---

            Add("string[] is object[]", "True,2", () => S(Opaque(new string[2]) is object[]) + "," + S(((object[])Opaque(new string[2])).Length));
            Add("object[] is not string[]", "False", () => S(Opaque(new object[1]) is string[]));
            Add("castclass object[] to string[] fails", Ice, () => N((string[])Opaque(new object[1])));
            Add("int[] is not object[]", "False", () => S(Opaque(new int[1]) is object[]));
            Add("castclass int[] to object[] fails, exact source known", Ice, () =>
            {
                object o = new int[1];
                return S(((object[])o).Length);
            });
            Add("int[] is uint[]", "True,4294967295", () =>
            {
                object o = Opaque(new int[] { -1 });
                return S(o is uint[]) + "," + S(((uint[])o)[0]);
            });
            Add("int[] is an array of an int enum and back", "True,True", () =>
                S(Opaque(new int[1]) is Color[]) + "," + S(Opaque(new Color[1]) is int[]));
            Add("int[] is not float[] nor long[]", "False,False", () =>
                S(Opaque(new int[1]) is float[]) + "," + S(Opaque(new int[1]) is long[]));
            Add("byte[] is sbyte[] but not bool[]", "True,False", () =>
                S(Opaque(new byte[1]) is sbyte[]) + "," + S(Opaque(new byte[1]) is bool[]));
            Add("long[] is ulong[]", "True", () => S(Opaque(new long[1]) is ulong[]));
            Add("byte-enum[] is not int[]", "False", () => S(Opaque(new Small[1]) is int[]));
            Add("int?[] is not int[]", "False", () => S(Opaque(new int?[1]) is int[]));
            Add("class arrays follow the class hierarchy", "True,False,False", () =>
                S(Opaque(new Dog[1]) is Animal[]) + "," + S(Opaque(new Animal[1]) is Dog[]) + "," + S(Opaque(new Dog[1]) is Cat[]));
            Add("array of a class is an array of its interface", "True,False", () =>
                S(Opaque(new Square[1]) is IShape[]) + "," + S(Opaque(new Node[1]) is IShape[]));
            Add("jagged and multi-dimensional arrays", "True,True,True,False,False", () =>
                S(Opaque(new string[1][]) is object[][]) + "," + S(Opaque(new string[1][]) is object[]) + "," +
                S(Opaque(new string[1, 1]) is object[,]) + "," + S(Opaque(new string[1, 1]) is object[]) + "," +
                S(Opaque(new int[1]) is int[,]));
            Add("array to covariant interfaces", "True,True,True", () =>
            {
                object o = Opaque(new string[] { "x" });
                return S(o is IEnumerable<object>) + "," + S(o is IList<object>) + "," + S(o is IReadOnlyList<object>);
            });
            Add("int[] is IList<uint>", "True", () => S(Opaque(new int[1]) is IList<uint>));

            // --- array stores (stelem.ref) ---

            Add("store a string into string[] seen as object[]", "b", () =>
            {
                object[] a = Strings();
                a[0] = "b";
                return (string)a[0];
            });
            Add("store a boxed int into string[] seen as object[]", Atm, () =>
            {
                object[] a = Strings();
                a[0] = 1;
                return "stored";
            });
            Add("store a plain object into string[], exact array type known", Atm, () =>
            {
                object[] a = new string[1];
                a[0] = new object();
                return "stored";
            });
            Add("store null into a covariant array", "null", () =>
            {
                object[] a = Strings();
                a[0] = null;
                return N(a[0]);
            });
            Add("store a sibling into Dog[] seen as Animal[]", Atm, () =>
            {
                Animal[] a = Dogs();
                a[0] = new Cat();
                return "stored";
            });
            Add("store a derived object into Dog[] seen as Animal[]", "4", () =>
            {
                Animal[] a = Dogs();
                a[0] = new Puppy();
                return S(a[0].Legs);
            });
            Add("store into an interface-typed covariant array", "3,ArrayTypeMismatchException", () =>
            {
                IShape[] exact = new IShape[1];
                exact[0] = new Triangle();
                string r = S(exact[0].Sides);
                try { Squares()[0] = new Triangle(); r += ",stored"; }
                catch (ArrayTypeMismatchException) { r += ",ArrayTypeMismatchException"; }
                return r;
            });
            Add("store anything into a real object[]", "s,1", () =>
            {
                object[] a = (object[])Opaque(new object[2]);
                a[0] = "s";
                a[1] = 1;
                return (string)a[0] + "," + S((int)a[1]);
            });
            Add("store through shared generic code into a covariant array", Atm, () =>
            {
                StoreFirst<object>(Strings(), 5);
                return "stored";
            });
            Add("store out of range into a covariant array with a wrong type", "IndexOutOfRangeException", () =>
            {
                object[] a = Strings();
                a[3] = 1;
                return "stored";
            });
            Add("IList<object> indexer of a string[] with a wrong type", Atm, () =>
            {
                IList<object> l = (IList<object>)Opaque(new string[1]);
                l[0] = 1;
                return "stored";
            });
            Add("Array.SetValue with a wrong element type", Ice, () =>
            {
                ((Array)Opaque(new string[1])).SetValue(new object(), 0);
                return "stored";
            });
            Add("Array.Copy downcasting object[] into string[]", "a,InvalidCastException", () =>
            {
                var dst = new string[2];
                Array.Copy(new object[] { "a" }, dst, 1);
                string r = dst[0];
                try { Array.Copy(new object[] { "b", 1 }, dst, 2); r += ",copied"; }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });
            Add("Span<object> over a string[]", "ArrayTypeMismatchException,1,x", () =>
            {
                string[] s = { "x" };
                string r;
                try { var span = new Span<object>(s); r = "made " + S(span.Length); }
                catch (ArrayTypeMismatchException) { r = "ArrayTypeMismatchException"; }
                ReadOnlySpan<object> ro = s;
                return r + "," + S(ro.Length) + "," + (string)ro[0];
            });

            // --- ldelema (ref to an element) ---

            Add("ref to an element of a covariant array", Atm, () =>
            {
                Animal[] a = Dogs();
                SetAnimal(ref a[0], new Dog());
                return "took ref";
            });
            Add("ref to an element of an exactly typed array", "4", () =>
            {
                Animal[] a = new Animal[1];
                SetAnimal(ref a[0], new Dog());
                return S(a[0].Legs);
            });
            Add("readonly ref to an element of a covariant array", "4", () => S(LegsOf(in Dogs()[0])));
            Add("ref to an element of a sealed-element array", "9", () =>
            {
                Node[] a = { new Node(1) };
                ref Node r = ref a[0];
                r = new Node(9);
                return S(a[0].Value);
            });
            Add("ref to an element in shared generic code", "ArrayTypeMismatchException,y", () =>
            {
                string r;
                try { SetFirstViaRef<object>(Strings(), "x"); r = "took ref"; }
                catch (ArrayTypeMismatchException) { r = "ArrayTypeMismatchException"; }
                var s = new string[1];
                SetFirstViaRef(s, "y");
                return r + "," + s[0];
            });
            Add("Interlocked.Exchange on an element of a covariant array", Atm, () =>
            {
                object[] a = Strings();
                Interlocked.Exchange(ref a[0], "z");
                return "exchanged";
            });
            Add("ref out of range in a covariant array", "IndexOutOfRangeException", () =>
            {
                Animal[] a = Dogs();
                SetAnimal(ref a[5], new Dog());
                return "took ref";
            });
            Add("ref to an element of a null array", "NullReferenceException", () =>
            {
                Animal[] a = (Animal[])Opaque(null);
                SetAnimal(ref a[0], new Dog());
                return "took ref";
            });

            // --- unbox ---

            Add("unbox int", "5", () => S((int)Opaque(5)));
            Add("unbox int as long fails", Ice, () => S((long)Opaque(5)));
            Add("unbox int as long fails, exact source known", Ice, () =>
            {
                object o = 5;
                return S((long)o);
            });
            Add("unbox string as int fails, exact source known", Ice, () =>
            {
                object o = "s";
                return S((int)o);
            });
            Add("unbox int as uint fails", Ice, () => S((uint)Opaque(5)));
            Add("unbox enum as its underlying type", "2", () => S((int)Opaque(Color.Green)));
            Add("unbox int as enum", "2", () => S((int)(Color)Opaque(2)));
            Add("unbox enum as another enum of the same underlying type", "2", () => S((int)(Shade)Opaque(Color.Green)));
            Add("unbox byte enum as byte, and as int fails", "2,InvalidCastException", () =>
            {
                string r = S((byte)Opaque(Small.B));
                try { r += "," + S((int)Opaque(Small.B)); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });
            Add("unbox long enum as long", "1099511627776", () => S((long)Opaque(Wide.Big)));
            Add("unbox null as int", "NullReferenceException", () => S((int)Opaque(null)));
            Add("unbox a struct", "1,2", () => { var p = (Point)Opaque(new Point(1, 2)); return S(p.X) + "," + S(p.Y); });
            Add("unbox int as a struct fails", Ice, () => S(((Point)Opaque(3)).X));
            Add("unbox a struct as another struct of the same layout fails", Ice, () => S(((OtherPoint)Opaque(new Point(1, 2))).X));
            Add("unbox bool as byte fails", Ice, () => S((byte)Opaque(true)));
            Add("unbox char as ushort fails", Ice, () => S((ushort)Opaque('c')));
            Add("unbox nint as long fails", Ice, () => S((long)Opaque((nint)1)));
            Add("unbox in shared generic code", "5,2,InvalidCastException", () =>
            {
                string r = S(CastTo<int>(Opaque(5))) + "," + S((int)CastTo<Color>(Opaque(2)));
                try { r += "," + S(CastTo<long>(Opaque(5))); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });

            Add("__refvalue with the right and a wrong type", "7,InvalidCastException", () =>
            {
                int i = 7;
                TypedReference tr = __makeref(i);
                string r = S(__refvalue(tr, int));
                try { r += "," + S(__refvalue(tr, long)); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });

            // --- Nullable<T> ---

            Add("boxing int? with a value boxes an int", "True,False", () =>
            {
                int? n = 5;
                object o = Opaque(n);
                return S(o is int) + "," + S(o is long);
            });
            Add("boxing an empty int? gives null", "null", () => N(Opaque((int?)null)));
            Add("unbox int as int?", "5", () => { int? n = (int?)Opaque(5); return n.HasValue ? S(n.Value) : "empty"; });
            Add("unbox null as int?", "empty", () => { int? n = (int?)Opaque(null); return n.HasValue ? S(n.Value) : "empty"; });
            Add("unbox long as int? fails", Ice, () => { int? n = (int?)Opaque(5L); return n.HasValue ? S(n.Value) : "empty"; });
            Add("unbox string as int? fails, exact source known", Ice, () =>
            {
                object o = "s";
                int? n = (int?)o;
                return n.HasValue ? S(n.Value) : "empty";
            });
            Add("as int?", "5,empty", () =>
            {
                int? a = Opaque(5) as int?, b = Opaque("s") as int?;
                return (a.HasValue ? S(a.Value) : "empty") + "," + (b.HasValue ? S(b.Value) : "empty");
            });
            Add("unbox enum as its Nullable", "2", () => { Color? c = (Color?)Opaque(Color.Green); return c.HasValue ? S((int)c.Value) : "empty"; });
            Add("unbox a struct as its Nullable", "7", () => { Point? p = (Point?)Opaque(new Point(7, 8)); return p.HasValue ? S(p.Value.X) : "empty"; });
            Add("unbox Nullable in shared generic code", "5,empty,InvalidCastException", () =>
            {
                int? a = CastTo<int?>(Opaque(5)), b = CastTo<int?>(Opaque(null));
                string r = (a.HasValue ? S(a.Value) : "empty") + "," + (b.HasValue ? S(b.Value) : "empty");
                try { int? c = CastTo<int?>(Opaque(5L)); r += "," + (c.HasValue ? S(c.Value) : "empty"); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });

            // --- casts in shared generic code (the target type looked up at run time) ---

            Add("castclass to a type parameter", "s,InvalidCastException", () =>
            {
                string r = CastTo<string>(Opaque("s"));
                try { r += "," + S(CastTo<Node>(Opaque("t")).Value); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });
            Add("as a type parameter", "null,4", () => N(AsT<Node>(Opaque("s"))) + "," + S(AsT<Animal>(Opaque(new Dog())).Legs));
            Add("castclass to an interface type parameter fails", Ice, () => N(CastTo<IShape>(Opaque(new Node(1)))));
            Add("castclass to an array type parameter fails", Ice, () => N(CastTo<string[]>(Opaque(new object[1]))));
            Add("is a variant interface type parameter", "True,False", () =>
                S(IsT<IEnumerable<object>>(Opaque(new List<string>()))) + "," + S(IsT<IEnumerable<object>>(Opaque(new List<int>()))));
            Add("is a type parameter for arrays", "True,True,False", () =>
                S(IsT<uint[]>(Opaque(new int[1]))) + "," + S(IsT<object[]>(Opaque(new string[1]))) + "," + S(IsT<object[]>(Opaque(new int[1]))));

            // --- the CoreLib's cast cache and the collector ---

            Add("many distinct cached casts give the same answers twice", "110000001100000000010001000100011100100011001000110001000001000101000000000000000010000000000000000000000000001000000000,same", () =>
            {
                object[] sources =
                {
                    new string[1], new object[1], new int[1], new uint[1], new Dog[1], new Animal[1], new Square[1], new Color[1],
                    new List<string>(), new List<int>(), new DogSource(), new IntSource(), new SquareSource(), new AnimalSink(), "s",
                };
                Func<object, bool>[] targets =
                {
                    IsT<object[]>, IsT<IEnumerable<object>>, IsT<ICo<Animal>>, IsT<IList<uint>>,
                    IsT<Animal[]>, IsT<IShape[]>, IsT<IContra<Dog>>, IsT<int[]>,
                };
                string Pass()
                {
                    var bits = new StringBuilder();
                    foreach (var src in sources) foreach (var t in targets) bits.Append(t(Opaque(src)) ? '1' : '0');
                    return bits.ToString();
                }
                string first = Pass(), second = Pass();
                return first + "," + (first == second ? "same" : "changed: " + second);
            });
            Add("casts after a collection", "4,2,5,a,True", () =>
            {
                object dog = Opaque(new Dog()), strings = Opaque(new string[] { "x", "y" }), boxed = Opaque(5), list = Opaque(new List<string> { "a" });
                for (int i = 0; i < 3; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
                string r = S(((Animal)dog).Legs) + "," + S(((object[])strings).Length) + "," + S((int)boxed) + ",";
                foreach (var x in (IEnumerable<object>)list) r += (string)x;
                return r + "," + S(strings is IReadOnlyList<object>);
            });

            // --- IDynamicInterfaceCastable ---

            Add("IDynamicInterfaceCastable cast to an interface it accepts", "5", () => S(((IShape)Opaque(new Chameleon())).Sides));
            Add("IDynamicInterfaceCastable cast to an interface it refuses", "False,InvalidCastException", () =>
            {
                object o = Opaque(new Chameleon());
                string r = S(o is INeverImplemented);
                try { r += "," + S(((INeverImplemented)o).X); }
                catch (InvalidCastException) { r += ",InvalidCastException"; }
                return r;
            });

            // --- Type.IsAssignableFrom (the runtime's type-compatibility query) ---

            Add("Type.IsAssignableFrom for arrays", "True,True,False,False", () =>
                S(typeof(object[]).IsAssignableFrom(typeof(string[]))) + "," + S(typeof(uint[]).IsAssignableFrom(typeof(int[]))) + "," +
                S(typeof(object[]).IsAssignableFrom(typeof(int[]))) + "," + S(typeof(string[]).IsAssignableFrom(typeof(object[]))));
            Add("Type.IsAssignableFrom for classes and interfaces", "True,False,True,False", () =>
                S(typeof(Animal).IsAssignableFrom(typeof(Puppy))) + "," + S(typeof(Node).IsAssignableFrom(typeof(string))) + "," +
                S(typeof(IEnumerable<object>).IsAssignableFrom(typeof(List<string>))) + "," + S(typeof(IEnumerable<object>).IsAssignableFrom(typeof(List<int>))));
            Add("Type.IsAssignableFrom for value types", "True,False,False", () =>
                S(typeof(int?).IsAssignableFrom(typeof(int))) + "," + S(typeof(long).IsAssignableFrom(typeof(int))) + "," +
                S(typeof(int).IsAssignableFrom(typeof(Color))));

            return cases;
        }
    }
}
