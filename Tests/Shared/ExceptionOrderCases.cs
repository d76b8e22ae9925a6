using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

// Compiled twice: into the ExceptionTests kernel (Tests/Kernels/ExceptionTests), where the CoreLib's
// dispatcher runs over Cosmos.Runtime's unwinder, and into the host test project
// Tests/Cosmos.ExceptionOrder.Tests, where CoreCLR runs it. It must therefore use plain C# and the BCL
// only: no Cosmos.* type may appear here. Inside namespace Cosmos.*, a name beginning with "System."
// binds to Cosmos.System in the kernel, so BCL namespaces are imported with using directives above.

namespace Cosmos.TestCases
{
    /// <summary>Base exception type of the cases.</summary>
    public class MyBase : Exception { public MyBase(string m) : base(m) { } }

    /// <summary>An exception type derived from <see cref="MyBase"/>.</summary>
    public class MyDerived : MyBase { public MyDerived(string m) : base(m) { } }

    /// <summary>An exception type unrelated to <see cref="MyBase"/>.</summary>
    public class Other : Exception { public Other(string m) : base(m) { } }

    /// <summary>
    /// One exception-semantics case: a body that records the events it observes (filters run, finally,
    /// fault and catch blocks entered, rethrows, values seen) into a log, and the order .NET defines
    /// for them, written as the events joined with commas.
    /// </summary>
    public sealed class ExceptionOrderCase
    {
        /// <summary>A case named <paramref name="name"/> whose <paramref name="body"/> must log <paramref name="expectedEvents"/>.</summary>
        public ExceptionOrderCase(string name, Action<List<string>> body, string expectedEvents)
        {
            Name = name;
            Body = body;
            ExpectedEvents = expectedEvents;
        }

        /// <summary>
        /// The case's name; the kernel reports it as a test case of this name, so it contains neither
        /// ": " nor a line break (the serial protocol's separators).
        /// </summary>
        public string Name { get; }

        /// <summary>The code under test; it appends each event it observes to the list it is given.</summary>
        public Action<List<string>> Body { get; }

        /// <summary>The events in the order .NET defines, joined with ",".</summary>
        public string ExpectedEvents { get; }

        /// <summary>
        /// Runs <see cref="Body"/> with a fresh log and returns the observed events joined with ",".
        /// An exception that escapes the body propagates to the caller (the case failed).
        /// </summary>
        public string Run()
        {
            var log = new List<string>();
            Body(log);
            return string.Join(",", log);
        }

        public override string ToString() => Name;
    }

    /// <summary>
    /// The table of .NET exception-semantics cases shared by the ExceptionTests kernel and the host
    /// project Tests/Cosmos.ExceptionOrder.Tests. Each case records the order of the events it observes
    /// (exception filters, finally and fault blocks, catch handlers, rethrows) and carries the order
    /// .NET defines for them.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The expected order is the two-pass exception handling of ECMA-335 Partition I §12.4.2
    /// ("Exception handling"), which CoreCLR and NativeAOT both implement. When an exception is
    /// thrown, the first pass walks the protected blocks from the innermost outwards, frame after
    /// frame, checking catch types and running <c>when</c> filters until one accepts the exception;
    /// no finally or fault block runs during this pass. The second pass then runs the finally and
    /// fault blocks of every protected block being left, innermost first, and then enters the
    /// chosen handler. An exception that escapes a finally, fault or catch block replaces the one being
    /// handled and starts a new dispatch (both passes) from that point, and <c>throw;</c>
    /// (<c>rethrow</c>) dispatches the exception object being handled again, beginning with a new
    /// first pass. A filter that throws counts as having returned false and its exception is
    /// swallowed, as CoreCLR and NativeAOT both do.
    /// </para>
    /// <para>
    /// The host test project runs every case under <c>dotnet test</c> on CoreCLR, which proves that
    /// each expected string is what .NET produces; the kernel runs the same code on CosmosOS and
    /// compares against the same strings, and also checks that its ExInfo chain is empty afterwards.
    /// </para>
    /// </remarks>
    public static class ExceptionOrderCases
    {
        /// <summary>All cases, in a fixed order; names are unique.</summary>
        public static IReadOnlyList<ExceptionOrderCase> All { get; } = Build();

        /// <summary>The case named <paramref name="name"/>, or null.</summary>
        public static ExceptionOrderCase Find(string name)
        {
            foreach (var c in All) if (c.Name == name) return c;
            return null;
        }

        // --- helpers (NoInlining so that each throw really crosses frames) ---

        [MethodImpl(MethodImplOptions.NoInlining)] private static void Throw(Exception e) => throw e;
        [MethodImpl(MethodImplOptions.NoInlining)] private static object MakeObject(int i) => i == 0 ? (object)"text" : new Other("o");
        [MethodImpl(MethodImplOptions.NoInlining)] private static int Id(int i) => i;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Depth(int n)
        {
            if (n == 0) throw new InvalidOperationException("deep");
            return Depth(n - 1) + 1;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool Filter(List<string> log, string name, bool verdict) { log.Add(name); return verdict; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool ThrowingFilter(List<string> log) { log.Add("filter"); throw new InvalidOperationException("in filter"); }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool CatchingFilter(List<string> log)
        {
            try { Throw(new MyBase("inner")); }
            catch (MyBase e) { log.Add("filter caught " + e.Message); }
            return true;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void F3(List<string> log) { try { Throw(new Other("f")); } finally { log.Add("f3"); } }
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void F2(List<string> log) { try { F3(log); } finally { log.Add("f2"); } }
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void F1(List<string> log) { try { F2(log); } catch (Other) { log.Add("catch"); } finally { log.Add("f1"); } }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string Which(Exception e)
        {
            try { Throw(e); return "none"; }
            catch (MyDerived) { return "derived"; }
            catch (MyBase) { return "base"; }
            catch (ArgumentException) { return "argument"; }
            catch (Exception) { return "exception"; }
        }

        private static IEnumerable<int> Iterator(List<string> log)
        {
            try
            {
                yield return 1;
                Throw(new Other("in iterator"));
                yield return 2;
            }
            finally
            {
                log.Add("iterator finally");
            }
        }

        private sealed class Disposable : IDisposable
        {
            private readonly List<string> _log;
            private readonly string _name;
            public Disposable(List<string> log, string name) { _log = log; _name = name; }
            public void Dispose() => _log.Add("dispose " + _name);
        }

        private static class BadStatic
        {
            public static readonly int Value = Init();
            private static int Init() => throw new Other("cctor failed");
        }

        // The static read happens in its own frame, inside the caller's try, wherever a JIT places
        // the class-constructor check.
        [MethodImpl(MethodImplOptions.NoInlining)] private static int ReadBadStatic() => BadStatic.Value;

        private static IReadOnlyList<ExceptionOrderCase> Build()
        {
            var cases = new List<ExceptionOrderCase>();
            void Add(string name, string expected, Action<List<string>> body) => cases.Add(new ExceptionOrderCase(name, body, expected));

            // --- catching ---

            Add("catch in the same method", "try,catch same state 1,after state 2", log =>
            {
                int state = 0;
                try { state = 1; log.Add("try"); throw new InvalidOperationException("same"); }
                catch (InvalidOperationException e) { log.Add("catch " + e.Message + " state " + state); state = 2; }
                log.Add("after state " + state);
            });

            Add("catch in a caller several frames up", "catch deep r -1,after r 99", log =>
            {
                int r = -1;
                try { r = Depth(8); log.Add("not reached"); }
                catch (InvalidOperationException e) { log.Add("catch " + e.Message + " r " + r); r = 99; }
                log.Add("after r " + r);
            });

            Add("typed catch picks the first matching clause, base types included", "derived,base,argument,exception,exception", log =>
            {
                log.Add(Which(new MyDerived("d")));
                log.Add(Which(new MyBase("b")));
                log.Add(Which(new ArgumentNullException("p")));   // an ArgumentException
                log.Add(Which(new Other("o")));
                log.Add(Which(new FormatException()));
            });

            Add("catch-all catches every exception", "caught", log =>
            {
                try { Throw(new Other("any")); } catch { log.Add("caught"); }
            });

            // --- first pass (filters) before second pass (finally/fault) ---

            Add("when filters run in the first pass, before any finally", "filter-false,filter-true,finally,catch", log =>
            {
                try
                {
                    try { Throw(new MyBase("f")); }
                    finally { log.Add("finally"); }
                }
                catch (MyBase) when (Filter(log, "filter-false", false)) { log.Add("wrong catch"); }
                catch (MyBase e) when (Filter(log, "filter-true", e.Message == "f")) { log.Add("catch"); }
            });

            Add("a filter several frames up runs before the inner finally blocks", "outer-filter,f3,f2,outer-catch", log =>
            {
                try { F2(log); }
                catch (Other) when (Filter(log, "outer-filter", true)) { log.Add("outer-catch"); }
            });

            Add("every filter up to the handler runs before any finally", "filter1,filter2,finally1,finally2,catch", log =>
            {
                try
                {
                    try
                    {
                        try { Throw(new Other("x")); }
                        finally { log.Add("finally1"); }
                    }
                    catch (Other) when (Filter(log, "filter1", false)) { log.Add("wrong"); }
                    finally { log.Add("finally2"); }
                }
                catch (Other) when (Filter(log, "filter2", true)) { log.Add("catch"); }
            });

            Add("an exception inside a filter counts as false", "filter,outer", log =>
            {
                try
                {
                    try { Throw(new Other("o")); }
                    catch (Other) when (ThrowingFilter(log)) { log.Add("wrong"); }
                }
                catch (Other) { log.Add("outer"); }
            });

            Add("an exception caught inside a filter does not disturb the dispatch", "filter caught inner,catch o", log =>
            {
                try { Throw(new Other("o")); }
                catch (Other e) when (CatchingFilter(log)) { log.Add("catch " + e.Message); }
            });

            Add("finally blocks run innermost first, then the catch, then its finally", "f3,f2,catch,f1", log => F1(log));

            Add("filters and handlers read and write the parent frame's locals", "fallback,filtered 2,filtered 3,seen 3,local -55", log =>
            {
                int seen = 0, local = 40;
                for (int i = 0; i < 3; i++)
                {
                    try { Throw(new Other("p")); }
                    catch (Other) when (++seen > 1) { local += seen; log.Add("filtered " + seen); }
                    catch (Other) { local -= 100; log.Add("fallback"); }
                }
                log.Add("seen " + seen);
                log.Add("local " + local);
            });

            // --- rethrow ---

            Add("throw; rethrows the same exception and keeps its stack trace", "inner,outer,same object True,trace has the throw site True", log =>
            {
                var original = new MyBase("original");
                Exception caught = null;
                try
                {
                    try { Throw(original); }
                    catch (MyBase) { log.Add("inner"); throw; }
                }
                catch (Exception e) { caught = e; log.Add("outer"); }
                log.Add("same object " + ReferenceEquals(original, caught));
                log.Add("trace has the throw site " + (caught?.StackTrace ?? "").Contains("ExceptionOrderCases.Throw("));
            });

            Add("throw; after a nested exception was handled inside the catch", "handled b,rethrown a", log =>
            {
                try
                {
                    try { Throw(new MyBase("a")); }
                    catch (MyBase)
                    {
                        try { Throw(new Other("b")); } catch (Other o) { log.Add("handled " + o.Message); }
                        throw;
                    }
                }
                catch (MyBase e) { log.Add("rethrown " + e.Message); }
            });

            Add("throw; starts a new first pass, so outer filters run before the pending finally", "filter1,finally1,catch1,filter2,finally2,catch2", log =>
            {
                try
                {
                    try
                    {
                        try { Throw(new Other("r")); }
                        finally { log.Add("finally1"); }
                    }
                    catch (Other) when (Filter(log, "filter1", true)) { log.Add("catch1"); throw; }
                    finally { log.Add("finally2"); }
                }
                catch (Other) when (Filter(log, "filter2", true)) { log.Add("catch2"); }
            });

            // --- exceptions raised by handlers ---

            Add("an exception thrown inside a catch block", "catch1,catch2 second", log =>
            {
                try
                {
                    try { Throw(new MyBase("first")); }
                    catch (MyBase) { log.Add("catch1"); Throw(new Other("second")); }
                }
                catch (Other o) { log.Add("catch2 " + o.Message); }
            });

            Add("an exception thrown inside a catch block is filtered before the same try's finally runs", "catch a,filter b,finally,catch b", log =>
            {
                try
                {
                    try { Throw(new MyBase("a")); }
                    catch (MyBase) { log.Add("catch a"); Throw(new Other("b")); }
                    finally { log.Add("finally"); }
                }
                catch (Other e) when (Filter(log, "filter " + e.Message, true)) { log.Add("catch b"); }
            });

            Add("an exception thrown inside a finally replaces the one in flight", "finally,other second", log =>
            {
                try
                {
                    try { Throw(new MyBase("first")); }
                    finally { log.Add("finally"); Throw(new Other("second")); }
                }
                catch (MyBase) { log.Add("wrong"); }
                catch (Other o) { log.Add("other " + o.Message); }
            });

            Add("an exception thrown inside a finally is dispatched anew, so the outer filter runs for both", "filter first,finally,filter second,catch second", log =>
            {
                try
                {
                    try { Throw(new MyBase("first")); }
                    finally { log.Add("finally"); Throw(new Other("second")); }
                }
                catch (Exception e) when (Filter(log, "filter " + e.Message, true)) { log.Add("catch " + e.Message); }
            });

            Add("try/catch inside a finally that runs during unwinding", "inner-catch,finally-end,catch outer", log =>
            {
                try
                {
                    try { Throw(new MyBase("outer")); }
                    finally
                    {
                        try { Throw(new Other("inner")); }
                        catch (Other) { log.Add("inner-catch"); }
                        log.Add("finally-end");
                    }
                }
                catch (MyBase e) { log.Add("catch " + e.Message); }
            });

            // --- nesting, using, iterators (fault blocks), lock ---

            Add("nested try regions in one method", "filter,finally1,finally2,catch x,finally3", log =>
            {
                try
                {
                    try
                    {
                        try { Throw(new MyDerived("x")); }
                        catch (Other) { log.Add("wrong1"); }
                        finally { log.Add("finally1"); }
                    }
                    catch (ArgumentException) { log.Add("wrong2"); }
                    finally { log.Add("finally2"); }
                }
                catch (MyBase e) when (Filter(log, "filter", true)) { log.Add("catch " + e.Message); }
                finally { log.Add("finally3"); }
            });

            Add("using disposes and iterator fault/finally blocks run on exception", "dispose b,dispose a,catch1,item 1,iterator finally,catch2 in iterator", log =>
            {
                try
                {
                    using (new Disposable(log, "a"))
                    using (new Disposable(log, "b"))
                        Throw(new Other("u"));
                }
                catch (Other) { log.Add("catch1"); }
                try
                {
                    foreach (int x in Iterator(log)) log.Add("item " + x);
                }
                catch (Other o) { log.Add("catch2 " + o.Message); }
            });

            Add("lock releases the monitor when the body throws", "held True,released True", log =>
            {
                object gate = new object();
                try { lock (gate) { log.Add("held " + Monitor.IsEntered(gate)); Throw(new Other("l")); } }
                catch (Other) { log.Add("released " + !Monitor.IsEntered(gate)); }
            });

            // --- exceptions raised by the runtime and the BCL ---

            Add("InvalidCastException from a bad cast", "cast", log =>
            {
                object o = MakeObject(0);
                try { var e = (Exception)o; log.Add("no exception " + e); }
                catch (InvalidCastException) { log.Add("cast"); }
            });

            Add("IndexOutOfRangeException from an array access", "index", log =>
            {
                int[] a = new int[3];
                try { a[Id(5)] = 1; log.Add("no exception"); }
                catch (IndexOutOfRangeException) { log.Add("index"); }
            });

            Add("throw null raises NullReferenceException", "null", log =>
            {
                try { Exception e = null; if (Id(1) == 1) throw e; }
                catch (NullReferenceException) { log.Add("null"); }
            });

            Add("BCL exceptions (FormatException, ArgumentException, KeyNotFound, ArgumentOutOfRange, Overflow)", "format,argument,key,range,overflow", log =>
            {
                try { int.Parse("x" + Id(1)); log.Add("no exception"); } catch (FormatException) { log.Add("format"); }
                var d = new Dictionary<string, int> { ["k"] = 1 };
                try { d.Add("k", 2); } catch (ArgumentException) { log.Add("argument"); }
                try { log.Add("value " + d["missing"]); } catch (KeyNotFoundException) { log.Add("key"); }
                try { log.Add("abc".Substring(Id(5))); } catch (ArgumentOutOfRangeException) { log.Add("range"); }
                try { log.Add("sum " + checked(int.MaxValue + Id(1))); } catch (OverflowException) { log.Add("overflow"); }
            });

            Add("a throwing static constructor raises TypeInitializationException", "type-init cctor failed", log =>
            {
                try { log.Add("value " + ReadBadStatic()); }
                catch (TypeInitializationException e) { log.Add("type-init " + (e.InnerException?.Message ?? "no inner")); }
            });

            Add("AppDomain.FirstChanceException sees each throw", "first-chance fc,catch,catch2", log =>
            {
                // Only this table's exception type is recorded, so that exceptions thrown by other
                // threads of the process cannot enter the log.
                EventHandler<FirstChanceExceptionEventArgs> h = (s, a) =>
                {
                    if (a.Exception is Other) log.Add("first-chance " + a.Exception.Message);
                };
                AppDomain.CurrentDomain.FirstChanceException += h;
                try { Throw(new Other("fc")); } catch (Other) { log.Add("catch"); }
                AppDomain.CurrentDomain.FirstChanceException -= h;
                try { Throw(new Other("unobserved")); } catch (Other) { log.Add("catch2"); }
            });

            return cases;
        }
    }
}
