using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL;
using Cosmos.Runtime;

namespace GCBench
{
    /// <summary>A class whose instances are exactly 32 bytes: 8-byte header, MethodTable pointer, two longs.</summary>
    internal sealed class Obj32
    {
#pragma warning disable CS0649 // never written: the fields only give the object its size
        public long A, B;
#pragma warning restore CS0649
    }

    internal sealed class Node { public Node Next; public int Value; }

    /// <summary>
    /// Measures, in TSC ticks (best of 5 rounds):
    /// <list type="bullet">
    /// <item>allocation of a 32-byte object (<c>new Obj32()</c>, handed to a no-inlining sink so it escapes),
    /// collections included (the heap is 512 MiB, the budget 16 MiB, so about one collection per 500,000
    /// objects), beside a bare bump-pointer loop doing the same work without a collector: bump a pointer
    /// in a raw buffer, zero 32 bytes, store the MethodTable pointer, hand the "object" to the same sink;</item>
    /// <item>the pause of GC.Collect() with 100,000 live objects (a linked list of Node) and no garbage,
    /// beside a plain walk of the same 100,000 objects (one load per node);</item>
    /// <item>the pause of a minor collection (GC.Collect(0)) with the same 100,000 objects old and 20,000 new objects in the
    /// nursery (1 % of them kept by an old array), beside that full-collection pause.</item>
    /// </list>
    /// Output: "bench gc alloc32 objects N ticks T collections C gc-ticks G", "bench gc bump32 objects N ticks T",
    /// "bench gc pause live L ticks P mark M walk W", "bench gc gen0-pause old-live L ticks P promoted N dirty-cards D
    /// full-ticks F nursery-bytes B", "bench gc tsc-mhz F", then "bench done".
    /// </summary>
    public sealed unsafe class Kernel : Cosmos.System.Kernel
    {
        private const int Objects = 1_000_000, Rounds = 5, Live = 100_000;
        private static Node s_live;
        private static long s_sink;

        private static void Out(string s)
        {
            var com = SerialPort.Com1;
            com.Write(s);
            com.Write("\n");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Sink(object o) { }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong AllocLoop()
        {
            ulong t0 = Native.Rdtsc();
            for (int i = 0; i < Objects; i++) Sink(new Obj32());
            return Native.Rdtsc() - t0;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong BumpLoop(byte* buffer, ulong bytes, void* mt)
        {
            ulong t0 = Native.Rdtsc();
            byte* p = buffer, end = buffer + bytes;
            for (int i = 0; i < Objects; i++)
            {
                if (p + 32 > end) p = buffer;
                ulong* q = (ulong*)p;
                q[0] = 0; q[1] = 0; q[2] = 0; q[3] = 0;
                q[1] = (ulong)mt;
                byte* obj = p + 8;
                p += 32;
                Sink(Unsafe.AsRef<object>(&obj));
            }
            return Native.Rdtsc() - t0;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong Walk(Node n)
        {
            ulong t0 = Native.Rdtsc();
            long sum = 0;
            for (; n != null; n = n.Next) sum += n.Value;
            ulong t = Native.Rdtsc() - t0;
            s_sink += sum;
            return t;
        }

        protected override void BeforeRun()
        {
            Out("bench gc tsc-mhz " + Cosmos.Runtime.RuntimeEnvironment.TscFrequency / 1_000_000);
            void* mt = (void*)typeof(Obj32).TypeHandle.Value;
            Out("bench gc obj32-size " + *((uint*)mt + 1));

            // Allocation: warm up (size class blocks, code), then best of rounds.
            AllocLoop();
            ulong bestAlloc = ulong.MaxValue, bestGc = 0; int bestCollections = 0;
            for (int r = 0; r < Rounds; r++)
            {
                int c0 = GarbageCollector.CollectionCount;
                ulong g0 = GarbageCollector.TotalPauseTicks;
                ulong t = AllocLoop();
                if (t < bestAlloc) { bestAlloc = t; bestCollections = GarbageCollector.CollectionCount - c0; bestGc = GarbageCollector.TotalPauseTicks - g0; }
            }
            Out("bench gc alloc-loop last collection reason " + GarbageCollector.LastReason + " pause " + GarbageCollector.LastPauseTicks + " minor " + GarbageCollector.LastMinorPauseTicks + " " + GarbageCollector.LastMinorBreakdown);
            Out("bench gc alloc32 objects " + Objects + " ticks " + bestAlloc + " collections " + bestCollections + " gc-ticks " + bestGc);

            const ulong BumpBytes = 16UL << 20;
            byte* buffer = Heap.Alloc(BumpBytes);
            BumpLoop(buffer, BumpBytes, mt);
            ulong bestBump = ulong.MaxValue;
            for (int r = 0; r < Rounds; r++)
            {
                ulong t = BumpLoop(buffer, BumpBytes, mt);
                if (t < bestBump) bestBump = t;
            }
            Out("bench gc bump32 objects " + Objects + " ticks " + bestBump);

            // Pause with 100,000 live objects: build the list, collect once to drop all garbage, then time collections.
            Node head = null;
            for (int i = 0; i < Live; i++) head = new Node { Next = head, Value = i };
            s_live = head;
            head = null;
            GC.Collect();
            ulong bestPause = ulong.MaxValue, bestMark = 0, marked = 0;
            for (int r = 0; r < Rounds; r++)
            {
                GC.Collect();
                if (GarbageCollector.LastPauseTicks < bestPause)
                {
                    bestPause = GarbageCollector.LastPauseTicks;
                    bestMark = GarbageCollector.LastMarkTicks;
                    marked = GarbageCollector.LastMarkedObjects;
                }
            }
            ulong bestWalk = ulong.MaxValue;
            for (int r = 0; r < Rounds; r++)
            {
                ulong t = Walk(s_live);
                if (t < bestWalk) bestWalk = t;
            }
            Out("bench gc pause live " + marked + " ticks " + bestPause + " mark " + bestMark + " walk " + bestWalk
                + " frozen-scan " + GarbageCollector.LastFrozenScanTicks + " frozen-objects " + GarbageCollector.FrozenObjectCount + " heap-live-bytes " + GarbageCollector.LiveBytesAfterLastCollection + " stack-words " + GarbageCollector.LastStackWordsScanned);

            // Minor (generation 0) collection pause with the same 100,000 live objects now old: each round fills part of the
            // nursery with garbage (20,000 32-byte objects, one in 100 kept alive by an old array, so the card table and
            // promotion both work), then GC.Collect(0).
            var survivors = new object[256];
            GC.Collect();
            ulong bestMinor = ulong.MaxValue, minorPromoted = 0, minorCards = 0;
            for (int r = 0; r < Rounds; r++)
            {
                for (int i = 0; i < 20_000; i++)
                {
                    var o = new Obj32();
                    if (i % 100 == 0) survivors[(i / 100) & 255] = o;
                    else Sink(o);
                }
                GC.Collect(0);
                if (GarbageCollector.LastMinorPauseTicks < bestMinor)
                {
                    bestMinor = GarbageCollector.LastMinorPauseTicks;
                    minorPromoted = GarbageCollector.LastPromotedObjects;
                    minorCards = GarbageCollector.LastDirtyCards;
                    Out("bench gc gen0 breakdown " + GarbageCollector.LastMinorBreakdown);
                }
            }
            GC.KeepAlive(survivors);
            Out("bench gc gen0-pause old-live " + marked + " ticks " + bestMinor + " promoted " + minorPromoted + " dirty-cards " + minorCards + " full-ticks " + bestPause
                + " nursery-bytes " + GarbageCollector.NurseryBytes);
            GC.KeepAlive(s_live);
            Out("bench done");
            IOPort.Write8(0xF4, 0);
        }

        protected override void Run() => Native.HaltForever();
    }
}
