using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Cosmos.TestRunner;

namespace UnoptimizedTests
{
    /// <summary>A class constructor with a side effect ilc cannot run at build time: it runs at the first access, once.</summary>
    internal static class LateInit
    {
        public static readonly List<string> Log = new List<string>();
        public static readonly long Stamp;
        static LateInit() { Log.Add("cctor"); Stamp = Stopwatch.GetTimestamp(); }
        public static void Touch() => Log.Add("touch");
    }

    internal sealed class Node { public int Value; public Node Next; public byte[] Payload; }

    internal sealed class Unrelated { }

    public sealed class Kernel : TestKernel
    {
        // Inputs in arrays so nothing is a compile-time constant.
        private static readonly double[] Roots = { 2.0, -1.0, -0.0, double.PositiveInfinity, 1e-310, 0.25 };
        private static readonly float[] RootsF = { 2.0f, -1.0f };

        private static ulong U(double d) => BitConverter.DoubleToUInt64Bits(d);

        protected override void RunTests()
        {
            Test("the kernel is unoptimized: a castclass of a string literal to an unrelated class throws (optimized code drops that check, CastTests' known defect)", () =>
            {
                object literal = "text";
                bool threw = false;
                try { var u = (Unrelated)literal; GC.KeepAlive(u); } catch (InvalidCastException) { threw = true; }
                True(threw, "InvalidCastException");
            });

            Test("calls that need a GC poll (SuppressGCTransition imports: Stopwatch.GetTimestamp) go through RhpGcPoll, which returns with no suspension pending", () =>
            {
                long first = Stopwatch.GetTimestamp(), last = first;
                for (int i = 0; i < 10000; i++) last = Stopwatch.GetTimestamp();
                True(last > first, "the timestamp advanced (" + first + " -> " + last + ")");
            });

            Test("Math.Sqrt and MathF.Sqrt call C's sqrt and sqrtf: correctly rounded, NaN below zero, -0 kept", () =>
            {
                Equal(0x3FF6A09E667F3BCDUL, U(Math.Sqrt(Roots[0])), "sqrt(2)");
                True(double.IsNaN(Math.Sqrt(Roots[1])), "sqrt(-1) is NaN");
                Equal(0x8000000000000000UL, U(Math.Sqrt(Roots[2])), "sqrt(-0)");
                Equal(U(double.PositiveInfinity), U(Math.Sqrt(Roots[3])), "sqrt(+Inf)");
                Equal(0x1FC1297872D9CBAEUL, U(Math.Sqrt(Roots[4])), "sqrt(1e-310), a subnormal operand");
                Equal(0.5, Math.Sqrt(Roots[5]), "sqrt(0.25)");
                Equal(0x3FB504F3u, BitConverter.SingleToUInt32Bits(MathF.Sqrt(RootsF[0])), "sqrtf(2)");
                True(float.IsNaN(MathF.Sqrt(RootsF[1])), "sqrtf(-1) is NaN");
            });

            Test("a class constructor ilc cannot run at build time runs once, at the first access", () =>
            {
                True(LateInit.Log[0] == "cctor", "the constructor ran at the first access");
                LateInit.Touch();
                LateInit.Touch();
                Equal(3, LateInit.Log.Count, "one constructor run and two touches");
                True(LateInit.Stamp != 0, "the constructor's timestamp is set");
            });

            Test("exceptions unwind through unoptimized frames: filters run first, then finally blocks innermost first", () =>
            {
                var order = new List<string>();
                try { Outer(order, 3); }
                catch (InvalidOperationException e) when (Record(order, "filter " + e.Message)) { order.Add("catch"); }
                Equal("filter depth 0|finally 0|finally 1|finally 2|finally 3|catch", string.Join("|", order), "order");
            });

            Test("a collection keeps the objects that only unoptimized frames' locals reference, with their contents", () =>
            {
                Equal(10 * 11 / 2 * 7, Recurse(10), "sum of the payloads seen after a collection at the deepest frame");
            });

            Test("objects allocated in a call that returned die in a collection; live ones survive a compacting one", () =>
            {
                WeakReference dead = MakeWeak();
                var live = new Node { Value = 42, Payload = new byte[1000] };
                for (int i = 0; i < 1000; i++) live.Payload[i] = (byte)i;
                GC.Collect();
                True(!dead.IsAlive, "the object only the returned call referenced was collected");
                Equal(42, live.Value, "live value");
                Equal((byte)(999 & 0xFF), live.Payload[999], "live payload");
            });

            Test("threads running unoptimized code allocate and collect beside each other", () =>
            {
                int done = 0;
                var threads = new Thread[2];
                for (int t = 0; t < threads.Length; t++)
                {
                    threads[t] = new Thread(() =>
                    {
                        Node head = null;
                        for (int i = 0; i < 2000; i++) head = new Node { Value = i, Next = head, Payload = new byte[64] };
                        GC.Collect();
                        int n = 0;
                        for (Node x = head; x != null; x = x.Next) n++;
                        if (n == 2000) Interlocked.Increment(ref done);
                    });
                    threads[t].Start();
                }
                foreach (var t in threads) t.Join();
                Equal(2, done, "threads that saw their whole list after collecting");
            });
        }

        private static bool Record(List<string> order, string what) { order.Add(what); return true; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Outer(List<string> order, int depth)
        {
            try
            {
                if (depth == 0) throw new InvalidOperationException("depth 0");
                Outer(order, depth - 1);
            }
            finally { order.Add("finally " + depth); }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Recurse(int n)
        {
            var local = new Node { Value = n, Payload = new byte[7] };
            for (int i = 0; i < 7; i++) local.Payload[i] = (byte)n;
            int below = 0;
            if (n > 1) below = Recurse(n - 1);
            else { GC.Collect(); GC.Collect(); }
            int sum = 0;
            foreach (byte b in local.Payload) sum += b;
            return below + (local.Value == n ? sum : -1000);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference MakeWeak() => new WeakReference(new Node { Value = 7 });
    }
}
