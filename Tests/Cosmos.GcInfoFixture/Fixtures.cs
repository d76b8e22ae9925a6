using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cosmos.GcInfoFixture
{
    public sealed class Box
    {
        public int Value;
        public Box Next;
    }

    /// <summary>
    /// Methods whose GC liveness GcInfoDecoderTests knows. Every method is [NoInlining] and reached from
    /// <see cref="Entry"/>, the one root ilc compiles from (an [UnmanagedCallersOnly] export).
    /// </summary>
    public static unsafe class Fixtures
    {
        [MethodImpl(MethodImplOptions.NoInlining)] public static void Opaque() { }
        [MethodImpl(MethodImplOptions.NoInlining)] public static void Use(object o) { GC.KeepAlive(o); }
        [MethodImpl(MethodImplOptions.NoInlining)] public static void UsePtr(byte* p) { *p = 1; }
        [MethodImpl(MethodImplOptions.NoInlining)] public static int Sum(Box a, Box b, Box c, Box d, Box e, Box f, Box g, Box h) => a.Value + h.Value;

        /// <summary>An object held across the first Opaque call, dead after Use: live at the first call's safe point only.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int HoldAcrossCall()
        {
            var b = new Box { Value = 7 };
            Opaque();
            Use(b);
            Opaque();
            return 1;
        }

        /// <summary>A pinned local (<c>fixed</c>).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Pinned(byte[] a)
        {
            fixed (byte* p = a)
            {
                UsePtr(p);
                Opaque();
            }
        }

        /// <summary>A byref into an array element held across a call: an interior slot.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int ByRef(int[] a, int i)
        {
            ref int r = ref a[i];
            Opaque();
            r++;
            Opaque();
            return 0;
        }

        /// <summary>More live objects across a call than there are callee-saved registers: some live in stack slots.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int ManyLive()
        {
            Box a = new Box(), b = new Box(), c = new Box(), d = new Box(), e = new Box(), f = new Box(), g = new Box(), h = new Box();
            Opaque();
            return Sum(a, b, c, d, e, f, g, h) + Sum(h, g, f, e, d, c, b, a);
        }

        /// <summary>A loop without calls: RyuJIT makes the method fully interruptible (interruptible ranges).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Loop(Box list)
        {
            int s = 0;
            for (Box b = list; b != null; b = b.Next) s += b.Value;
            return s;
        }

        /// <summary>try/catch/finally: funclets, whose GC info is the main body's.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int WithHandlers(Box b)
        {
            try
            {
                Use(b);
                return b.Value;
            }
            catch (InvalidOperationException ex)
            {
                Use(ex);
                return -1;
            }
            finally
            {
                Use(b);
            }
        }

        /// <summary>Shared generic code: a generics context.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static object Generic<T>() where T : class => new T[1];

        /// <summary>The root: a reverse P/Invoke (its GC info has a reverse P/Invoke frame slot).</summary>
        [UnmanagedCallersOnly(EntryPoint = "cosmos_gcinfo_fixture_entry")]
        public static int Entry()
        {
            var list = new Box { Value = 1, Next = new Box { Value = 2 } };
            Pinned(new byte[3]);
            return HoldAcrossCall() + ByRef(new int[4], 1) + ManyLive() + Loop(list) + WithHandlers(list)
                + (Generic<string>() == null ? 1 : 0) + (Generic<Box>() == null ? 1 : 0);
        }
    }
}
