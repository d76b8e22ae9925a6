using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cosmos.Core.Memory;
using Cosmos.Runtime;
using Cosmos.TestRunner;

namespace GCTests
{
    internal sealed class Node
    {
        public int Id;
        public string Name;
        public Node Next;
        public object[] Extras;
    }

    internal struct Entry
    {
        public string Key;
        public Node Target;
        public long Value;
    }

    internal sealed class Finalizable
    {
        public static int Finalized;
        public static int LastId;
        public int Id;
        public byte[] Payload = new byte[100];
        ~Finalizable() { Finalized++; LastId = Id; }
    }

    internal sealed class Resurrecting
    {
        public static Resurrecting Saved;
        public static int Runs;
        public string Text = "alive";
        ~Resurrecting() { Runs++; Saved = this; }
    }

    /// <summary>The live graph the stress test keeps: ≥ 100,000 objects of lists, dictionaries and arrays of structs with references.</summary>
    internal sealed class LiveGraph
    {
        public List<Node> Nodes = new();
        public Dictionary<int, string> Names = new();
        public Dictionary<string, Node> ByName = new();
        public Entry[] Entries;
        public int ObjectCount;

        public static LiveGraph Build(int nodes)
        {
            var g = new LiveGraph();
            Node prev = null;
            for (int i = 0; i < nodes; i++)
            {
                var n = new Node { Id = i, Name = "node" + i, Next = prev };
                if (i % 4 == 0) n.Extras = new object[] { i, "x" + i, prev };
                g.Nodes.Add(n);
                prev = n;
                g.ObjectCount += 2 + (i % 4 == 0 ? 4 : 0); // node, name (+ array, boxed int, string)
            }
            for (int i = 0; i < nodes / 2; i++) { g.Names[i] = "name-" + i; g.ObjectCount++; }
            for (int i = 0; i < nodes / 4; i++) { g.ByName[g.Nodes[i * 4].Name] = g.Nodes[i * 4]; }
            g.Entries = new Entry[nodes / 4];
            for (int i = 0; i < g.Entries.Length; i++) { g.Entries[i] = new Entry { Key = "e" + i, Target = g.Nodes[i], Value = i * 7L }; g.ObjectCount++; }
            return g;
        }

        private static ulong Mix(ulong h, ulong v) => (h ^ v) * 0x100000001B3UL;
        private static ulong Str(ulong h, string s)
        {
            if (s == null) return Mix(h, 0xDEAD);
            foreach (char c in s) h = Mix(h, c);
            return Mix(h, (ulong)s.Length);
        }

        /// <summary>FNV-style checksum over every object of the graph (values, strings, links).</summary>
        public ulong Checksum()
        {
            ulong h = 0xCBF29CE484222325UL;
            foreach (var n in Nodes)
            {
                h = Mix(h, (ulong)n.Id);
                h = Str(h, n.Name);
                h = Mix(h, n.Next == null ? 0xFFFFUL : (ulong)n.Next.Id);
                if (n.Extras != null)
                {
                    h = Mix(h, (ulong)(int)n.Extras[0]);
                    h = Str(h, (string)n.Extras[1]);
                    h = Mix(h, n.Extras[2] == null ? 0xFFFFUL : (ulong)((Node)n.Extras[2]).Id);
                }
            }
            for (int i = 0; i < Names.Count; i++) h = Str(h, Names[i]);
            foreach (var kv in ByName) { h = Str(h, kv.Key); h = Mix(h, (ulong)kv.Value.Id); }
            foreach (var e in Entries) { h = Str(h, e.Key); h = Mix(h, (ulong)e.Target.Id); h = Mix(h, (ulong)e.Value); }
            return h;
        }
    }

    internal static class Holders
    {
        public static object StaticSlot;
        [ThreadStatic] public static object ThreadStaticSlot;
    }

    public sealed unsafe class Kernel : TestKernel
    {
        private static ulong s_sink;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static ulong AddressOf(object o) => (ulong)Unsafe.As<object, IntPtr>(ref o);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static ulong ReadQword(ulong address) => *(ulong*)address;

        /// <summary>Holds young objects across a call whose callee throws and catches with collections in its funclets.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static int HoldAcrossThrow(int i)
        {
            var a = new Node { Id = 100, Name = "held" };
            var b = new Node { Id = i, Next = a };
            int r = CatchWithCollections(i);
            return a.Id + b.Id + a.Name.Length + r + (b.Next == a ? 0 : 1000);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static int CatchWithCollections(int i)
        {
            try
            {
                try { Throw(i); }
                finally { GC.Collect(0); }
            }
            catch (InvalidOperationException) { GC.Collect(0); return 0; }
            return 1;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void Throw(int i) => throw new InvalidOperationException("test " + i);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void MakeGarbage(int count)
        {
            for (int i = 0; i < count; i++) s_sink += (ulong)new object().GetHashCode() & 1;
        }

        protected override void RunTests()
        {
            Test("GC.Collect runs a collection and CollectionCount increases", () =>
            {
                int before = GC.CollectionCount(0);
                GC.Collect();
                Equal(before + 1, GC.CollectionCount(0), "CollectionCount(0) after one GC.Collect");
                Equal(before + 1, GC.CollectionCount(2), "a full collection counts for every generation");
                Equal(2, GC.MaxGeneration, "generations 0 (nursery) to 2 (old)");
                Equal(int.MaxValue, GC.GetGeneration("a literal"), "frozen objects report int.MaxValue");
            });

            Test("a new object is in generation 0 and in generation 2 after it survives GC.Collect(0); CollectionCount counts per generation", () =>
            {
                var young = new Node { Id = 7, Name = "young" };
                Equal(0, GC.GetGeneration(young), "a new small object is in the nursery");
                int c0 = GC.CollectionCount(0), c1 = GC.CollectionCount(1), c2 = GC.CollectionCount(2);
                GC.Collect(0);
                Equal(2, GC.GetGeneration(young), "promoted by the minor collection");
                Equal(c0 + 1, GC.CollectionCount(0), "CollectionCount(0) after GC.Collect(0)");
                Equal(c1, GC.CollectionCount(1), "GC.Collect(0) does not count for generation 1");
                Equal(c2, GC.CollectionCount(2), "GC.Collect(0) does not count for generation 2");
                GC.Collect(1);
                Equal(c1 + 1, GC.CollectionCount(1), "GC.Collect(1) counts for generation 1");
                Equal(c2, GC.CollectionCount(2), "... but not for generation 2");
                Equal(2, GC.GetGeneration(new byte[10_000]), "arrays above the nursery's object size start in the old generation");
                Equal(2, GC.GetGeneration(GC.AllocateArray<byte>(100, pinned: true)), "pinned-heap arrays start in the old generation");
                Equal("young", young.Name, "contents after the move");
            });

            Test("GC.GetGCMemoryInfo describes the last collection of each kind: Ephemeral a minor one (generation 0, compacted), FullBlocking a full one (generation 2)", () =>
            {
                var keep = new Node { Id = 1, Name = "promoted" };
                GC.Collect(0);
                var eph = GC.GetGCMemoryInfo(GCKind.Ephemeral);
                Equal((long)GC.CollectionCount(0), eph.Index, "Ephemeral index is the last collection");
                Equal(0, eph.Generation, "Ephemeral generation");
                True(eph.Compacted, "a minor collection compacts (copies) its survivors");
                True(eph.PromotedBytes > 0, "promoted bytes " + eph.PromotedBytes);
                Equal(eph.Index, GC.GetGCMemoryInfo(GCKind.Any).Index, "Any after a minor collection is that one");
                GC.Collect();
                var full = GC.GetGCMemoryInfo(GCKind.FullBlocking);
                Equal((long)GC.CollectionCount(0), full.Index, "FullBlocking index is the last collection");
                Equal(2, full.Generation, "FullBlocking generation");
                Equal(eph.Index, GC.GetGCMemoryInfo(GCKind.Ephemeral).Index, "Ephemeral still names the earlier minor collection");
                Equal(0L, GC.GetGCMemoryInfo(GCKind.Background).Index, "no background collections");
                GC.KeepAlive(keep);
            });

            Test("a moved object keeps its contents, identity and hash code; its old copy is poisoned, so a stale reference would fault", () =>
            {
                bool poison = GarbageCollector.PoisonFreedObjects;
                GarbageCollector.PoisonFreedObjects = true;
                var n = new Node { Id = 42, Name = "moving", Extras = new object[] { 1, "two" } };
                int hash = RuntimeHelpers.GetHashCode(n);
                ulong before = AddressOf(n);
                True(GarbageCollector.NurseryBytes == 0 || GC.GetGeneration(n) == 0, "allocated in the nursery");
                GC.Collect(0);
                ulong after = AddressOf(n);
                GarbageCollector.PoisonFreedObjects = poison;
                True(before != after, "the object moved (0x" + before.ToString("X") + " -> 0x" + after.ToString("X") + ")");
                Equal(0xDEADBEEFDEADBEEFUL, ReadQword(before), "the old copy's MethodTable slot is poisoned");
                Equal(42, n.Id, "field after the move");
                Equal("moving", n.Name, "reference field after the move");
                Equal("two", (string)n.Extras[1], "a moved object's moved child");
                Equal(hash, RuntimeHelpers.GetHashCode(n), "hash code (object header) moves with the object");
                GarbageCollector.VerifyHeap();
            });

            Test("pinned objects do not move: fixed, pinned GCHandle, GC.AllocateArray(pinned: true); a byref keeps its array in place", () =>
            {
                var a = new byte[64];
                var b = new byte[64];
                var c = new int[16];
                var pinnedArray = GC.AllocateArray<long>(8, pinned: true);
                var h = GCHandle.Alloc(b, GCHandleType.Pinned);
                ulong pa = AddressOf(a), pb = AddressOf(b), pc = AddressOf(c), pp = AddressOf(pinnedArray);
                fixed (byte* p = a)
                {
                    ref int r = ref c[5];
                    GC.Collect(0);
                    r = 99;
                    Equal(pa, AddressOf(a), "fixed array stays");
                    True(p == (byte*)AddressOf(a) + 16, "the fixed pointer is still the array's data");
                    Equal(pc, AddressOf(c), "an array held by a byref stays");
                }
                Equal(pb, AddressOf(b), "pinned handle target stays");
                Equal(pp, AddressOf(pinnedArray), "pinned-heap array stays");
                Equal(99, c[5], "a write through the byref after the collection lands in the array");
                h.Free();
                GC.Collect(0);
                GC.KeepAlive(a);
                True(AddressOf(b) != pb, "once unpinned, the object moves at the next minor collection");
            });

            Test("an old object's reference to a young one (card marking) survives minor collections; weak handles and ConditionalWeakTable follow moved targets", () =>
            {
                var holder = new Node { Id = 1 };
                GC.Collect();          // holder is old now
                Equal(2, GC.GetGeneration(holder), "holder promoted");
                // The child is made, stored and read only inside NoInlining helpers: unoptimized code keeps every local
                // and temporary of this method alive until it returns (CosmosOptimize=false), so the child could not die below.
                True(AttachChild(holder, out string cards), "the store of a young object into an old one dirtied a card (" + cards + ")");
                holder.Extras = new object[] { new Node { Id = 3 } };
                var keyed = new object();
                var table = new ConditionalWeakTable<object, Node>();
                table.Add(keyed, new Node { Id = 4, Name = "value" });
                var weak = WeakToNext(holder);
                MakeGarbage(20_000);
                GC.Collect(0);
                Equal(2, GenerationOfNext(holder), "child promoted");
                Equal("child", NameOfNext(holder), "child reached through the card");
                Equal(3, ((Node)holder.Extras[0]).Id, "grandchild reached through the card");
                True(WeakIsNext(weak, holder), "the weak reference follows its moved target");
                True(table.TryGetValue(keyed, out var v) && v.Name == "value", "the table finds the moved key and value");
                holder.Next = null;
                ScrubStack();
                GC.Collect();
                True(!weak.TryGetTarget(out _), "the weak reference is cleared once the target dies");
                GC.KeepAlive(keyed);
            });

            Test("GC.TryStartNoGCRegion holds off collections until EndNoGCRegion; GCSettings.LatencyMode reports it; a GC.Collect inside ends it", () =>
            {
                True(GC.TryStartNoGCRegion(4 << 20), "region started");
                Equal((int)System.Runtime.GCLatencyMode.NoGCRegion, (int)System.Runtime.GCSettings.LatencyMode, "latency mode inside");
                int count = GC.CollectionCount(0);
                var keep = new List<byte[]>();
                for (int i = 0; i < 1000; i++) keep.Add(new byte[1024]);
                Equal(count, GC.CollectionCount(0), "no collection inside the region");
                GC.EndNoGCRegion();
                bool threw = false;
                try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { threw = true; }
                True(threw, "ending a region that is not in progress throws InvalidOperationException");
                True(GC.TryStartNoGCRegion(1 << 20), "second region");
                GC.Collect();
                threw = false;
                try { GC.EndNoGCRegion(); } catch (InvalidOperationException) { threw = true; }
                True(threw, "a region ended by GC.Collect reports it at EndNoGCRegion");
                System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.LowLatency;
                Equal((int)System.Runtime.GCLatencyMode.LowLatency, (int)System.Runtime.GCSettings.LatencyMode, "latency mode set");
                System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Batch;
                GC.KeepAlive(keep);
            });

            Test("a caught exception leaves collection on allocation enabled (the funclet helpers clear DoNotTriggerGC)", () =>
            {
                try { throw new InvalidOperationException("caught"); } catch (InvalidOperationException) { }
                True(!GarbageCollector.CollectionOnAllocationDisabled, "flag clear after a catch");
                try { try { throw new InvalidOperationException("through a finally"); } finally { MakeGarbage(10); } } catch (InvalidOperationException) { }
                True(!GarbageCollector.CollectionOnAllocationDisabled, "flag clear after a finally and a catch");
                int before = GC.CollectionCount(0);
                for (int i = 0; i < 4096; i++) { var a = new byte[16 << 10]; a[i & 0x3FFF] = 1; }
                True(GC.CollectionCount(0) > before, "allocating 64 MiB collected (" + (GC.CollectionCount(0) - before) + " collections)");
            });

            Test("references in callee-saved registers of frames above a throw survive collections inside the finally and catch funclets", () =>
            {
                bool poison = GarbageCollector.PoisonFreedObjects;
                GarbageCollector.PoisonFreedObjects = true;
                int sum = 0;
                for (int i = 0; i < 8; i++) sum += HoldAcrossThrow(i);
                GarbageCollector.PoisonFreedObjects = poison;
                Equal(8 * 100 + 28 + 8 * 4, sum, "values read through the held references after the funclets collected");
            });

            Test("GC.AddMemoryPressure of a large native allocation starts a full collection", () =>
            {
                // The CoreLib skips the collection while the last full one is recent (its 20 % duty-cycle rule): let time pass.
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (sw.ElapsedMilliseconds < 500) { }
                int full = GC.CollectionCount(2);
                GC.AddMemoryPressure(256L << 20);
                True(GC.CollectionCount(2) > full, "CollectionCount(2) " + full + " -> " + GC.CollectionCount(2));
                GC.RemoveMemoryPressure(256L << 20);
            });

            Test("Cosmos's Heap.Collect() runs a full collection and returns the number of objects it freed", () =>
            {
                Cosmos.Core.Memory.Heap.Collect();
                int before = GC.CollectionCount(0);
                MakeGarbage(5000);
                int freed = Cosmos.Core.Memory.Heap.Collect();
                Equal(before + 1, GC.CollectionCount(0), "one collection");
                True(freed >= 5000, "freed " + freed + " objects (at least the 5000 unreachable ones)");
                int again = Cosmos.Core.Memory.Heap.Collect();
                True(again < 1000, "a second collection right after frees little: " + again);
            });

            Test("an object referenced only from a local survives (conservative stack root)", () =>
            {
                byte[] local = Pattern(200, 0x5A);
                Churn(32UL << 20, 200);
                GC.Collect();
                Churn(8UL << 20, 200);
                True(Check(local, 0x5A), "contents intact after collections and reuse of freed cells");
                GC.KeepAlive(local);
            });

            Test("an interior pointer alone keeps its array alive", () =>
            {
                Span<byte> inner = Pattern(300, 0x33).AsSpan(100, 150);
                Churn(32UL << 20, 300);
                GC.Collect();
                Churn(8UL << 20, 300);
                bool ok = true;
                for (int i = 0; i < inner.Length; i++) ok &= inner[i] == (byte)(0x33 + i + 100);
                True(ok, "span contents intact");
            });

            Test("static fields and thread statics are roots; frozen segments walk cleanly", () =>
            {
                FillHolders();
                ScrubStack();
                GC.Collect();
                Churn(16UL << 20, 200);
                GC.Collect();
                True(Check((byte[])Holders.StaticSlot, 0x42), "object referenced only from a static field");
                True(Check((byte[])Holders.ThreadStaticSlot, 0x43), "object referenced only from a thread static");
                True(GarbageCollector.IsFrozen("a literal") && !GarbageCollector.IsFrozen(Holders.StaticSlot), "string literals are frozen, heap objects are not");
                True(GarbageCollector.VerifyFrozenSegments() > 100, "frozen segments walk object by object");
            });

            Test("WeakReference<T> is cleared after its target dies", () =>
            {
                var (weak, keep) = MakeWeakPair();
                ScrubStack();
                GC.Collect();
                True(!weak.TryGetTarget(out _), "weak reference to garbage cleared");
                True(keep.Item1.TryGetTarget(out var alive) && ReferenceEquals(alive, keep.Item2), "weak reference to a live object kept");
                GC.KeepAlive(keep.Item2);
            });

            Test("ConditionalWeakTable values die with their keys", () =>
            {
                var table = new ConditionalWeakTable<object, object>();
                var liveKey = new object();
                WeakReference<object> deadValue = AddEntryWithNewKey(table);   // the key is made and dropped in there
                WeakReference<object> liveValue = AddEntry(table, liveKey);
                ScrubStack();
                GC.Collect();
                True(!deadValue.TryGetTarget(out _), "value of a dead key collected");
                True(liveValue.TryGetTarget(out var v) && table.TryGetValue(liveKey, out var v2) && ReferenceEquals(v, v2), "value of a live key kept and found");
                GC.KeepAlive(liveKey);
            });

            Test("Normal and pinned GC handles keep objects alive; freed handles do not", () =>
            {
                var (pinned, normal, weakPinned) = MakeHandles();
                ScrubStack();
                GC.Collect();
                Churn(16UL << 20, 256);
                True(pinned.IsAllocated && CheckTarget(pinned, 0x11), "pinned target intact");
                True(CheckTarget(normal, 0x22), "normal target intact");
                byte* p = (byte*)pinned.AddrOfPinnedObject();
                True(p[0] == 0x11 && p[10] == 0x11 + 10, "AddrOfPinnedObject points at the data");
                pinned.Free();
                normal.Free();
                ScrubStack();
                GC.Collect();
                True(!weakPinned.TryGetTarget(out _), "target collected once its pinned handle is freed");
            });

            Test("finalizers run after their objects become unreachable; SuppressFinalize and resurrection", () =>
            {
                Finalizable.Finalized = 0;
                MakeFinalizables(100, suppressEvery: 4);
                ScrubStack();
                GC.Collect();
                // No check of PendingFinalizers here: the finalizer thread runs at Highest priority and may
                // already be draining the queue (CI saw 0 pending). The counts below are the contract.
                GC.WaitForPendingFinalizers();
                Equal(75, Finalizable.Finalized, "finalizers run (25 suppressed)");
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Equal(75, Finalizable.Finalized, "each finalizer runs once");

                Resurrecting.Runs = 0;
                var weakLong = MakeResurrecting(out var weakShort);
                ScrubStack();
                GC.Collect();
                True(!weakShort.IsAlive, "short weak reference cleared before finalization");
                True(weakLong.IsAlive, "long weak reference kept while the object awaits finalization");
                GC.WaitForPendingFinalizers();
                Equal(1, Resurrecting.Runs, "finalizer ran");
                True(Resurrecting.Saved != null && Resurrecting.Saved.Text == "alive", "resurrected object intact");
                GC.ReRegisterForFinalize(Resurrecting.Saved);
                Resurrecting.Saved = null;
                ScrubStack();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Equal(2, Resurrecting.Runs, "re-registered finalizer ran again");
                Resurrecting.Saved = null;
                ScrubStack();
                GC.Collect();
                GC.Collect();
                True(!weakLong.IsAlive, "long weak reference cleared once the object is gone");
            });

            Test("ten finalizable objects dropped inside a NoInlining helper are all finalized (precise stack roots; issue #8 §2)", () =>
            {
                // No ScrubStack: a conservative scan finds stale copies of these references in dead stack slots
                // below the live frames and kept one of ten alive (9 of 10 finalized); .NET finalizes all ten.
                Finalizable.Finalized = 0;
                MakeTenFinalizables();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var scan = GarbageCollector.LastStackScan;
                Line("  stack scan: precise " + scan.Precise + ", " + scan.PreciseFrames + " frames, " + scan.PreciseSlots + " live slots, "
                    + scan.ConservativeWords + " words conservative, " + scan.ConservativeThreads + " of " + scan.Threads + " threads wholly conservative");
                Equal(10, Finalizable.Finalized, "finalized objects");
            });

            Test("PreciseStackRoots = false brings back the whole-stack conservative scan (comparison mode)", () =>
            {
                byte[] local = Pattern(200, 0x6B);
                GarbageCollector.PreciseStackRoots = false;
                try
                {
                    GC.Collect();
                    True(!GarbageCollector.LastStackScan.Precise, "scan reported as conservative");
                    True(GarbageCollector.LastStackWordsScanned > 0, "stack words scanned conservatively: " + GarbageCollector.LastStackWordsScanned);
                    Churn(8UL << 20, 200);
                    GC.Collect();
                }
                finally { GarbageCollector.PreciseStackRoots = true; }
                True(Check(local, 0x6B), "local intact after conservative collections");
                GC.Collect();
                True(GarbageCollector.LastStackScan.Precise, "precise again");
                GC.KeepAlive(local);
            });

            Test("a reference held only in a register or stack slot of a caller frame survives while objects move through collections", () =>
            {
                // Live references in caller frames (callee-saved registers spilled by callees, stack slots) are reported by
                // the callers' GC info at their call sites; the callee churns the heap through many collections.
                var a = new byte[64]; a[0] = 0x5A; a[63] = 0xA5;
                var list = new List<string> { "one", "two" };
                int r = DeepChurn(a, list, 6);
                True(r == 0x5A + 0xA5 + 2, "values read back after the churn: " + r);
                True(a[0] == 0x5A && list[1] == "two", "caller locals intact");
            });

            Test("GC.GetTotalMemory returns near its baseline after the garbage is dropped", () =>
            {
                long baseline = GC.GetTotalMemory(true);
                long peak = HoldGarbage(40 << 20);
                True(peak >= baseline + (36 << 20), "held 40 MiB: " + baseline + " -> " + peak);
                ScrubStack();
                long after = GC.GetTotalMemory(true);
                True(after <= baseline + (1 << 20), "after dropping: baseline " + baseline + ", now " + after);
                Line("  total memory: baseline " + baseline + " B, holding " + peak + " B, after " + after + " B");
            });

            Test("large objects are freed and their pages reused", () =>
            {
                ulong heap = Heap.TotalBytes;
                int before = GC.CollectionCount(0);
                ulong total = 0;
                int i = 0;
                while (total < 4 * heap)
                {
                    var a = new byte[(1 << 20) + (i++ % 7) * 40_000];
                    a[a.Length - 1] = 1;
                    s_sink += a[0];
                    total += (ulong)a.Length;
                }
                True(GC.CollectionCount(0) > before, "collections happened");
                GC.Collect();
                True(GarbageCollector.LargeObjectCount < 4, "large objects left: " + GarbageCollector.LargeObjectCount);
            });

            Test("stress, 20x the heap in short-lived objects, 100,000+ live objects verified after every collection", () =>
            {
                var graph = LiveGraph.Build(50_000);
                True(graph.ObjectCount >= 100_000, "live graph has " + graph.ObjectCount + " objects");
                ulong expected = graph.Checksum();
                ulong target = 20 * Heap.TotalBytes;
                long start = GC.GetAllocatedBytesForCurrentThread();
                int lastCount = GC.CollectionCount(0), checks = 0, verifies = 0;
                ulong rnd = 12345;
                var rolling = new object[64];
                while ((ulong)(GC.GetAllocatedBytesForCurrentThread() - start) < target)
                {
                    for (int k = 0; k < 256; k++)
                    {
                        rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
                        int kind = (int)(rnd % 16);
                        object o;
                        if (kind < 6) o = new byte[(int)((rnd >> 20) % 2048)];
                        else if (kind < 9) o = new Node { Id = k, Name = k.ToString() };
                        else if (kind < 11) o = new string('g', (int)((rnd >> 24) % 300));
                        else if (kind < 13) o = new Entry[(int)((rnd >> 30) % 64)];
                        else if (kind < 14) o = new List<object> { k, "s", new object() };
                        else if (kind < 15) o = new Dictionary<int, int> { { 1, 2 }, { 3, 4 } };
                        else o = (rnd >> 40) % 64 == 0 ? new long[(int)((rnd >> 46) % 200_000)] : new object[10];
                        rolling[(int)(rnd >> 8) & 63] = o; // some garbage survives a little longer
                    }
                    int count = GC.CollectionCount(0);
                    if (count != lastCount)
                    {
                        lastCount = count;
                        checks++;
                        ulong sum = graph.Checksum();
                        if (sum != expected) { Fail("checksum changed after collection " + count); break; }
                        if (checks % 25 == 1) { GarbageCollector.VerifyHeap(); verifies++; }
                    }
                }
                GC.Collect();
                Equal(expected, graph.Checksum(), "checksum after the final collection");
                True(checks >= 20, "collections observed: " + checks);
                True(GarbageCollector.NurseryBytes == 0 || GarbageCollector.TotalPromotedObjects >= (ulong)graph.ObjectCount, "the live graph moved out of the nursery (" + GarbageCollector.TotalPromotedObjects + " objects promoted)");
                Line("  stress: " + ((ulong)(GC.GetAllocatedBytesForCurrentThread() - start) >> 20) + " MiB allocated on a " + (Heap.TotalBytes >> 20)
                    + " MiB heap, " + checks + " collections checked (" + verifies + " full heap verifications), live " + (GarbageCollector.LiveBytesAfterLastCollection >> 10)
                    + " KiB in " + GarbageCollector.LiveObjectsAfterLastCollection + " objects, last pause " + GarbageCollector.LastPauseTicks + " TSC ticks");
                GC.KeepAlive(graph);
                GC.KeepAlive(rolling);
            });

            Test("the heap verifies clean", () =>
            {
                GC.Collect();
                ulong n = GarbageCollector.VerifyHeap();
                True(n > 0, "objects verified: " + n);
                True(Heap.LargestFreeRun * Heap.PageSize > Heap.TotalBytes / 2, "free pages coalesced: largest free run " + Heap.LargestFreeRun + " pages, " + Heap.FreeRunCount + " runs");
            });

            // Last: ends the kernel. Keeps every allocation reachable until the heap is exhausted; the
            // allocator collects, retries, and reports OutOfMemoryException (unhandled here).
            // Next to last: the flag stays set for the rest of the kernel (the exhaustion case below does not need collections).
            Test("after RhpSetThreadDoNotTriggerGC (the CoreLib's fail-fast path) allocation no longer collects; GC.Collect still does", () =>
            {
                GC.Collect();
                int before = GC.CollectionCount(0);
                Cosmos.Runtime.RuntimeEnvironment.RhpSetThreadDoNotTriggerGC();
                True(GarbageCollector.CollectionOnAllocationDisabled, "the flag is set");
                long total = 0;
                for (int i = 0; i < 4096; i++) { var a = new byte[16 << 10]; a[i & 0x3FFF] = 1; total += a.Length; }
                Equal(before, GC.CollectionCount(0), "collections while allocating " + (total >> 20) + " MiB (4x the minimum budget)");
                GC.Collect();
                Equal(before + 1, GC.CollectionCount(0), "GC.Collect still collects");
            });

            ExpectPanic("heap exhaustion reports OutOfMemoryException", "OutOfMemoryException", () =>
            {
                var hold = new List<byte[]>();
                while (true) hold.Add(new byte[16 << 20]);
            });
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FillHolders()
        {
            Holders.StaticSlot = Pattern(200, 0x42);
            Holders.ThreadStaticSlot = Pattern(200, 0x43);
        }

        // ---- helpers (NoInlining so their frames and locals are gone when the caller collects) ----

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static byte[] Pattern(int length, byte seed)
        {
            var a = new byte[length];
            for (int i = 0; i < a.Length; i++) a[i] = (byte)(seed + i);
            return a;
        }

        private static bool Check(byte[] a, byte seed)
        {
            if (a == null) return false;
            for (int i = 0; i < a.Length; i++) if (a[i] != (byte)(seed + i)) return false;
            return true;
        }

        /// <summary>Allocates <paramref name="bytes"/> of garbage arrays of <paramref name="size"/> bytes (same size class as the objects under test, so freed cells get reused).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Churn(ulong bytes, int size)
        {
            for (ulong done = 0; done < bytes; done += (ulong)size)
            {
                var a = new byte[size];
                a[0] = 1;
                s_sink += a[1];
            }
        }

        /// <summary>Overwrites the dead stack area below the caller with zeros, so stale references left by returned helpers do not act as conservative roots.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ScrubStack()
        {
            byte* p = stackalloc byte[16384];
            for (int i = 0; i < 16384; i += 8) *(ulong*)(p + i) = 0;
            s_sink += p[100];
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (WeakReference<object>, (WeakReference<object>, object)) MakeWeakPair()
        {
            var live = new object();
            return (new WeakReference<object>(new int[10]), (new WeakReference<object>(live), live));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference<object> AddEntry(ConditionalWeakTable<object, object> table, object key)
        {
            var value = new int[4];
            table.Add(key, value);
            return new WeakReference<object>(value);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference<object> AddEntryWithNewKey(ConditionalWeakTable<object, object> table) => AddEntry(table, new object());

        /// <summary>Check of a handle's target array, read in a frame of its own (no temporary of the caller refers to it).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool CheckTarget(GCHandle h, byte seed) => Check((byte[])h.Target, seed);

        /// <summary>Stores a new young node into old <paramref name="holder"/>.Next; true when the write barrier dirtied a card (or the node is not young).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool AttachChild(Node holder, out string cards)
        {
            var child = new Node { Id = 2, Name = "child" };
            ulong before = GarbageCollector.DirtyCards;
            holder.Next = child;                                         // old -> young: the barrier marks the card
            ulong after = GarbageCollector.DirtyCards;
            cards = before + " -> " + after;
            return GC.GetGeneration(child) != 0 || after > before;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference<Node> WeakToNext(Node holder) => new WeakReference<Node>(holder.Next);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int GenerationOfNext(Node holder) => GC.GetGeneration(holder.Next);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string NameOfNext(Node holder) => holder.Next.Name;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool WeakIsNext(WeakReference<Node> weak, Node holder) => weak.TryGetTarget(out var t) && ReferenceEquals(t, holder.Next);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (GCHandle, GCHandle, WeakReference<object>) MakeHandles()
        {
            var a = Pattern(256, 0x11);
            var b = Pattern(256, 0x22);
            return (GCHandle.Alloc(a, GCHandleType.Pinned), GCHandle.Alloc(b), new WeakReference<object>(a));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeTenFinalizables()
        {
            for (int i = 0; i < 10; i++) new Finalizable { Id = i };
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int DeepChurn(byte[] a, List<string> list, int depth)
        {
            if (depth == 0)
            {
                Churn(8UL << 20, 128);
                return a[0] + a[63] + list.Count;
            }
            var local = new byte[16];
            local[0] = (byte)depth;
            int r = DeepChurn(a, list, depth - 1);
            return local[0] == depth ? r : -1;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeFinalizables(int count, int suppressEvery)
        {
            for (int i = 0; i < count; i++)
            {
                var f = new Finalizable { Id = i };
                if (i % suppressEvery == 0) GC.SuppressFinalize(f);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference MakeResurrecting(out WeakReference weakShort)
        {
            var r = new Resurrecting();
            weakShort = new WeakReference(r, false);
            return new WeakReference(r, true);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static long HoldGarbage(int bytes)
        {
            var list = new List<byte[]>();
            for (int done = 0; done < bytes; done += 4000) list.Add(new byte[4000 - 24]);
            long peak = GC.GetTotalMemory(false);
            GC.KeepAlive(list);
            return peak;
        }
    }
}
