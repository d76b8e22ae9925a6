using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Cosmos.Runtime.ExceptionHandling;
using Xunit;
using Xunit.Abstractions;

using static Cosmos.Runtime.Tests.HostTools;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// <see cref="GcInfoDecoder"/> on real ilc 10.0.12 output: Tests/Cosmos.GcInfoFixture is compiled by ilc (as a
    /// --nativelib with the NativeAOT runtime pack, so most of the CoreLib comes along) and linked with GNU ld (relocations
    /// resolved, undefined runtime symbols left at 0); its .eh_frame is walked with the runtime's own
    /// <see cref="CodeManager.ParseFde"/>, every main body's GC info is decoded, every safe point checked against the
    /// disassembly (each is the return address of a call) and enumerated, every interruptible offset enumerated; and the
    /// fixture methods whose liveness is known are checked slot by slot.
    /// </summary>
    public unsafe class GcInfoDecoderTests
    {
        private readonly ITestOutputHelper _output;

        public GcInfoDecoderTests(ITestOutputHelper output) => _output = output;

        private sealed class Image
        {
            public byte* Memory;            // the allocated sections, at their link addresses − Base
            public ulong Base, End;
            public ulong EhFrame, EhFrameEnd;
            public ulong ManagedCode, ManagedCodeEnd;
            public Dictionary<string, ulong> Symbols = new Dictionary<string, ulong>();
            public HashSet<ulong> ReturnAddresses = new HashSet<ulong>();    // address after every call in __managedcode
            public Dictionary<ulong, string> Disassembly = new Dictionary<ulong, string>();
            /// <summary>The keys of <see cref="Disassembly"/> in order (built on first use).</summary>
            public ulong[] SortedAddresses;
            public string Log = "";
            public double IlcSeconds;

            public byte* Host(ulong link) => Memory + (link - Base);
            public ulong Link(ulong host) => host - (ulong)Memory + Base;
        }

        private static readonly Lazy<Image> s_image = new Lazy<Image>(Build);

        private static Image Build()
        {
            string fixture = Metadata("CosmosGcInfoFixture");
            string pack = Metadata("CosmosRuntimePackDir");
            string ilc = Path.Combine(Metadata("CosmosIlcPackageDir"), "tools", "ilc");
            Assert.True(File.Exists(fixture), "fixture not built at " + fixture);
            Assert.True(File.Exists(ilc), "ilc not restored at " + ilc);
            string dir = Path.Combine(Path.GetTempPath(), "cosmos-gcinfo-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            var image = new Image();
            try
            {
                var rsp = new StringBuilder();
                rsp.AppendLine(fixture);
                rsp.AppendLine("-o:fixture.o");
                foreach (var f in Directory.GetFiles(Path.Combine(pack, "runtimes/linux-x64/lib/net10.0"), "*.dll")) rsp.AppendLine("-r:" + f);
                foreach (var f in Directory.GetFiles(Path.Combine(pack, "runtimes/linux-x64/native"), "*.dll")) rsp.AppendLine("-r:" + f);
                rsp.AppendLine("--targetos:linux");
                rsp.AppendLine("--targetarch:x64");
                rsp.AppendLine("-O");
                rsp.AppendLine("--nativelib");
                rsp.AppendLine("--systemmodule:System.Private.CoreLib");
                rsp.AppendLine("--generateunmanagedentrypoints:Cosmos.GcInfoFixture");
                rsp.AppendLine("--feature:System.Globalization.Invariant=true");
                rsp.AppendLine("--directpinvoke:*");
                File.WriteAllText(Path.Combine(dir, "fixture.rsp"), rsp.ToString());
                var sw = Stopwatch.StartNew();
                Exec(ilc, "@fixture.rsp", dir);
                image.IlcSeconds = sw.Elapsed.TotalSeconds;
                // Undefined runtime imports resolve to 0: only the bytes of code, .eh_frame and .dotnet_eh_table matter here.
                Exec("ld", "-nostdlib -static --eh-frame-hdr -e 0 --unresolved-symbols=ignore-all -o fixture.elf fixture.o", dir);

                foreach (var line in Exec("nm", "fixture.elf", dir).Split('\n'))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length == 3) image.Symbols[parts[2]] = Convert.ToUInt64(parts[0], 16);
                }

                // Allocated sections: [Nr] Name Type Address Off Size ES Flg ...
                byte[] elf = File.ReadAllBytes(Path.Combine(dir, "fixture.elf"));
                var sections = new List<(string Name, string Type, ulong Addr, long Off, long Size)>();
                foreach (Match m in Regex.Matches(Exec("readelf", "-S -W fixture.elf", dir),
                    @"\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+(\S*A\S*)\s"))
                {
                    sections.Add((m.Groups[1].Value, m.Groups[2].Value, Convert.ToUInt64(m.Groups[3].Value, 16),
                        Convert.ToInt64(m.Groups[4].Value, 16), Convert.ToInt64(m.Groups[5].Value, 16)));
                }
                image.Base = sections.Min(s => s.Addr);
                image.End = sections.Max(s => s.Addr + (ulong)s.Size);
                image.Memory = (byte*)NativeMemory.AllocZeroed((nuint)(image.End - image.Base + 16));
                foreach (var s in sections)
                {
                    if (s.Type != "NOBITS") Marshal.Copy(elf, (int)s.Off, (IntPtr)image.Host(s.Addr), (int)s.Size);
                    if (s.Name == ".eh_frame") { image.EhFrame = s.Addr; image.EhFrameEnd = s.Addr + (ulong)s.Size; }
                    if (s.Name == "__managedcode") { image.ManagedCode = s.Addr; image.ManagedCodeEnd = s.Addr + (ulong)s.Size; }
                }
                Assert.True(image.EhFrame != 0 && image.ManagedCode != 0, "no .eh_frame or __managedcode in the linked fixture");

                // Every instruction of the managed code; a call's return address is the next instruction's address.
                string disassembly = Exec("objdump", "-d --no-show-raw-insn -j __managedcode fixture.elf", dir);
                bool previousWasCall = false;
                foreach (var line in disassembly.Split('\n'))
                {
                    var m = Regex.Match(line, @"^\s+([0-9a-f]+):\s+(.*)$");
                    if (!m.Success) continue;
                    ulong address = Convert.ToUInt64(m.Groups[1].Value, 16);
                    string text = m.Groups[2].Value.Trim();
                    image.Disassembly[address] = text;
                    if (previousWasCall) image.ReturnAddresses.Add(address);
                    previousWasCall = text.StartsWith("call", StringComparison.Ordinal);
                }
                image.Log = $"ilc {image.IlcSeconds:F1} s; {sections.Count} allocated sections; {image.Disassembly.Count} instructions";
            }
            finally { try { Directory.Delete(dir, true); } catch { } }
            return image;
        }

        private struct Method
        {
            public ulong Start, End;        // link addresses of the main body's FDE range
            public byte* MainLsda;
        }

        /// <summary>Main bodies (FDEs whose LSDA is a root) and funclets (checked to point at a main LSDA).</summary>
        private static (List<Method> Methods, int Funclets, int WithoutLsda) Methods()
        {
            var image = s_image.Value;
            var methods = new List<Method>();
            int funclets = 0, withoutLsda = 0;
            var mainLsdas = new HashSet<ulong>();
            var funcletMains = new List<ulong>();
            for (ulong off = image.EhFrame; off < image.EhFrameEnd;)
            {
                byte* entry = image.Host(off);
                uint length = *(uint*)entry;
                if (length == 0) break;
                off += 4 + length;
                if (!CodeManager.ParseFde(entry, out CodeManager.Fde fde)) continue;
                ulong start = image.Link(fde.PcBegin);
                if (start < image.ManagedCode || start >= image.ManagedCodeEnd) continue;      // __unbox stubs, .text
                if (fde.Lsda == null) { withoutLsda++; continue; }
                byte kind = (byte)(fde.Lsda[0] & CodeManager.LsdaFlags.KindMask);
                if (kind == CodeManager.LsdaFlags.KindRoot)
                {
                    methods.Add(new Method { Start = start, End = image.Link(fde.PcEnd), MainLsda = fde.Lsda });
                    mainLsdas.Add((ulong)fde.Lsda);
                }
                else
                {
                    funclets++;
                    byte* p = fde.Lsda + 1;
                    funcletMains.Add((ulong)(p + *(int*)p));
                }
            }
            foreach (var main in funcletMains) Assert.Contains(main, mainLsdas);
            return (methods, funclets, withoutLsda);
        }

        private static GcInfoDecoder Decode(byte* mainLsda)
        {
            var d = default(GcInfoDecoder);
            Assert.True(d.Initialize(CodeManager.GcInfo(mainLsda)), d.Error);
            return d;
        }

        private static readonly List<GcSlotReport> s_sink = new List<GcSlotReport>();

        private static void Collect(void* context, in GcSlotReport report) => s_sink.Add(report);

        private static List<GcSlotReport> Live(ref GcInfoDecoder d, uint codeOffset, CodeManagerFlags flags)
        {
            lock (s_sink)
            {
                s_sink.Clear();
                Assert.True(d.EnumerateLiveSlots(codeOffset, flags, &Collect, null), d.Error);
                return s_sink.ToList();
            }
        }

        private static int s_count;
        private static ulong s_hash;
        private static void Count(void* context, in GcSlotReport report)
        {
            s_count++;
            s_hash = s_hash * 1000003 + report.SlotIndex + 1;
            Assert.True(report.IsRegister ? report.Register >= 0 && report.Register <= 15 && report.Register != 4 : (report.StackOffset & 7) == 0);
        }

        /// <summary>The address of the last instruction that starts below <paramref name="address"/> (0 when none).</summary>
        private static ulong InstructionBefore(Image image, ulong address)
        {
            image.SortedAddresses ??= image.Disassembly.Keys.OrderBy(k => k).ToArray();
            int i = Array.BinarySearch(image.SortedAddresses, address);
            if (i < 0) i = ~i;
            return i == 0 ? 0UL : image.SortedAddresses[i - 1];
        }

        [Fact]
        public void DecodesEveryMethodOfARealImage()
        {
            var image = s_image.Value;
            var (methods, funclets, withoutLsda) = Methods();
            Assert.True(methods.Count > 1000, "only " + methods.Count + " methods");
            long safePoints = 0, ranges = 0, interruptibleOffsets = 0, reports = 0, slim = 0, fat = 0, withUntracked = 0,
                reversePInvoke = 0, genericContext = 0, withOutgoingArea = 0, bothSafePointsAndRanges = 0, slots = 0,
                checkScratch = 0, notReturnAddress = 0, liveSetChangesInsideInstructions = 0, tlsRelaxed = 0;
            var notReturnAddressExamples = new List<string>();
            var insideExamples = new List<string>();
            foreach (var m in methods)
            {
                var d = Decode(m.MainLsda);
                // The GC info covers the main body and its funclets, which ilc places right after it.
                Assert.True(d.CodeLength >= m.End - m.Start, $"method at {m.Start:x}: code length {d.CodeLength} < FDE range {m.End - m.Start}");
                if (d.IsSlimHeader) slim++; else fat++;
                if (d.NumUntrackedSlots > 0) withUntracked++;
                if (d.HasReversePInvokeFrame) reversePInvoke++;
                if (d.HasGenericsInstContext) genericContext++;
                if (d.SizeOfStackOutgoingAndScratchArea > 0) withOutgoingArea++;
                if (d.NumSafePoints > 0 && d.NumInterruptibleRanges > 0) bothSafePointsAndRanges++;
                Assert.True(d.StackBaseRegister == GcInfoDecoder.NoStackBaseRegister || d.StackBaseRegister == 5, "frame register other than RBP");
                slots += d.NumSlots;
                for (uint i = 0; i < d.NumSafePoints; i++)
                {
                    uint sp = d.GetSafePointOffset(i);
                    ulong returnAddress = m.Start + sp;
                    if (!image.ReturnAddresses.Contains(returnAddress))
                    {
                        notReturnAddress++;
                        if (notReturnAddressExamples.Count < 5)
                            notReturnAddressExamples.Add($"{returnAddress:x} after {(image.Disassembly.TryGetValue(returnAddress, out var t) ? t : "?")}");
                    }
                    Assert.True(d.IsSafePoint(sp));
                    Assert.False(d.IsSafePoint(sp - 1));             // a call takes at least 2 bytes
                    s_count = 0;
                    Assert.True(d.EnumerateLiveSlots(sp, CodeManagerFlags.None, &Count, null), d.Error);
                    lock (s_sink)
                    {
                        s_sink.Clear();
                        Assert.True(d.EnumerateLiveSlots(sp, CodeManagerFlags.None, &Collect, null), d.Error);
                        foreach (var r in s_sink)
                        {
                            Assert.False(r.IsRegister && (r.Register < 3 || r.Register == 6 || r.Register == 7 || (r.Register >= 8 && r.Register <= 11)),
                                "a scratch register reported for a caller frame");
                            if (r.CheckScratchArea) checkScratch++;
                        }
                    }
                    reports += s_count;
                    safePoints++;
                }
                for (uint i = 0; i < d.NumInterruptibleRanges; i++)
                {
                    Assert.True(d.GetInterruptibleRange(i, out uint start, out uint stop));
                    ranges++;
                    ulong instructionHash = 0;
                    for (uint o = start; o < stop; o++)
                    {
                        Assert.True(d.IsInterruptible(o));
                        s_count = 0;
                        s_hash = 17;
                        Assert.True(d.EnumerateLiveSlots(o, CodeManagerFlags.ActiveStackFrame, &Count, null), $"method at {m.Start:x}, offset {o}: {d.Error}");
                        reports += s_count;
                        interruptibleOffsets++;
                        // Lifetimes change at instruction boundaries only: inside an instruction the live set is its start's.
                        if (image.Disassembly.ContainsKey(m.Start + o)) instructionHash = s_hash;
                        else if (o > start)
                        {
                            if (s_hash != instructionHash)
                            {
                                // GNU ld relaxes each thread-static access (lea rdi; call __tls_get_addr, 16 bytes) to
                                // mov rax, fs:0; lea rax, [rax-off]: the JIT's boundary (after the call) then falls inside the lea.
                                // Binary search over the sorted instruction addresses (a linear scan per mismatch made a broken
                                // decoder's run take minutes).
                                ulong at = InstructionBefore(image, m.Start + o);
                                ulong before = InstructionBefore(image, at);
                                if (image.Disassembly[at].Contains("%fs:") || (before != 0 && image.Disassembly[before].Contains("%fs:")))
                                    tlsRelaxed++;
                                else
                                {
                                    liveSetChangesInsideInstructions++;
                                    if (insideExamples.Count < 8)
                                        insideExamples.Add($"method {m.Start:x} offset {o:x} (range [{start:x},{stop:x})) inside {at:x}: {image.Disassembly[at]}");
                                }
                            }
                        }
                    }
                    if (start > 0) Assert.False(d.IsInterruptible(start - 1) && i == 0);
                }
            }
            _output.WriteLine(image.Log);
            _output.WriteLine($"{methods.Count} methods ({slim} slim, {fat} fat headers), {funclets} funclets, {withoutLsda} FDEs without LSDA; " +
                $"{slots} slots, {withUntracked} methods with untracked slots, {reversePInvoke} reverse P/Invoke, {genericContext} generics context, " +
                $"{withOutgoingArea} with an outgoing area; {safePoints} safe points, {ranges} interruptible ranges ({interruptibleOffsets} offsets), " +
                $"{bothSafePointsAndRanges} methods with both; {reports} slot reports, {checkScratch} needing the caller's scratch-area check; " +
                $"{notReturnAddress} safe points not after a call, {liveSetChangesInsideInstructions} live-set changes inside an instruction " +
                $"(besides {tlsRelaxed} offsets inside TLS sequences the linker rewrote)");
            foreach (var e in notReturnAddressExamples) _output.WriteLine("  not after a call: " + e);
            foreach (var e in insideExamples) _output.WriteLine("  live set changes inside an instruction: " + e);
            Assert.True(safePoints > 10000, "few safe points: " + safePoints);
            Assert.True(ranges > 100, "few interruptible ranges: " + ranges);
            Assert.Equal(0, notReturnAddress);
            Assert.Equal(0, liveSetChangesInsideInstructions);
            Assert.True(reversePInvoke >= 1);
        }

        private static (Method Method, GcInfoDecoder Decoder) Fixture(string name)
        {
            var image = s_image.Value;
            string symbol = "Cosmos_GcInfoFixture_Cosmos_GcInfoFixture_Fixtures__" + name;
            Assert.True(image.Symbols.TryGetValue(symbol, out ulong start), symbol + " not in the image");
            var m = Methods().Methods.Single(x => x.Start == start);
            return (m, Decode(m.MainLsda));
        }

        /// <summary>Code offsets of the return addresses of the calls to <paramref name="callee"/> in the method at <paramref name="m"/>.</summary>
        private static List<uint> CallsTo(Method m, string callee)
        {
            var image = s_image.Value;
            var result = new List<uint>();
            string target = "<Cosmos_GcInfoFixture_Cosmos_GcInfoFixture_Fixtures__" + callee + ">";
            var addresses = image.Disassembly.Keys.Where(a => a >= m.Start && a < m.End).OrderBy(a => a).ToList();
            for (int i = 0; i + 1 < addresses.Count; i++)
                if (image.Disassembly[addresses[i]].StartsWith("call") && image.Disassembly[addresses[i]].EndsWith(target))
                    result.Add((uint)(addresses[i + 1] - m.Start));
            return result;
        }

        private static string Describe(List<GcSlotReport> slots) =>
            string.Join(", ", slots.Select(s => s.IsRegister ? $"r{s.Register} {s.Flags}" : $"{s.Base}{s.StackOffset:+#;-#;+0} {s.Flags}"));

        [Fact]
        public void ObjectHeldAcrossACallIsLiveAtItsSafePointAndDeadAfterItsLastUse()
        {
            var (m, d) = Fixture("HoldAcrossCall");
            var opaque = CallsTo(m, "Opaque");
            var use = CallsTo(m, "Use");
            Assert.Equal(2, opaque.Count);
            Assert.Single(use);
            Assert.True(d.IsSafePoint(opaque[0]) && d.IsSafePoint(use[0]) && d.IsSafePoint(opaque[1]));
            var atFirst = Live(ref d, opaque[0], CodeManagerFlags.None);
            var afterUse = Live(ref d, use[0], CodeManagerFlags.None);
            var atLast = Live(ref d, opaque[1], CodeManagerFlags.None);
            _output.WriteLine($"first Opaque: {Describe(atFirst)}; Use: {Describe(afterUse)}; last Opaque: {Describe(atLast)}");
            // The Box lives in a callee-saved register (or a stack slot) across the first call, as a plain object reference.
            var box = Assert.Single(atFirst);
            Assert.Equal(GcSlotFlags.Base, box.Flags);
            if (box.IsRegister) Assert.Contains(box.Register, new[] { 3, 12, 13, 14, 15 });
            // The call to Use is its last use: dead across Use (passed in RDI, a scratch register) and after.
            Assert.Empty(afterUse);
            Assert.Empty(atLast);
        }

        [Fact]
        public void ByrefLocalIsReportedAsInterior()
        {
            var (m, d) = Fixture("ByRef");
            var opaque = CallsTo(m, "Opaque");
            Assert.Equal(2, opaque.Count);
            var first = Live(ref d, opaque[0], CodeManagerFlags.None);
            var second = Live(ref d, opaque[1], CodeManagerFlags.None);
            _output.WriteLine($"first: {Describe(first)}; second: {Describe(second)}");
            var r = Assert.Single(first);
            Assert.Equal(GcSlotFlags.Interior, r.Flags & GcSlotFlags.Interior);
            Assert.Empty(second);
        }

        [Fact]
        public void FixedLocalIsReportedAsPinned()
        {
            var (m, d) = Fixture("Pinned");
            var call = Assert.Single(CallsTo(m, "UsePtr"));
            var live = Live(ref d, call, CodeManagerFlags.None);
            _output.WriteLine($"UsePtr: {Describe(live)}; untracked {d.NumUntrackedSlots}, frame register {d.StackBaseRegister}");
            Assert.Contains(live, s => (s.Flags & GcSlotFlags.Pinned) != 0 && !s.IsRegister);
            // A filter-funclet frame (NoReportUntracked) or a parent of a funclet does not report untracked pinned locals.
            var pinned = live.Single(s => (s.Flags & GcSlotFlags.Pinned) != 0);
            if ((pinned.Flags & GcSlotFlags.Untracked) != 0)
            {
                Assert.DoesNotContain(Live(ref d, call, CodeManagerFlags.NoReportUntracked), s => (s.Flags & GcSlotFlags.Pinned) != 0);
                Assert.DoesNotContain(Live(ref d, call, CodeManagerFlags.ParentOfFuncletStackFrame), s => (s.Flags & GcSlotFlags.Pinned) != 0);
            }
        }

        [Fact]
        public void ManyLiveObjectsUseStackSlots()
        {
            var (m, d) = Fixture("ManyLive");
            var call = Assert.Single(CallsTo(m, "Opaque"));
            var live = Live(ref d, call, CodeManagerFlags.None);
            _output.WriteLine($"Opaque: {Describe(live)}; {d.NumRegisters} registers, {d.NumStackSlots} stack slots, frame register {d.StackBaseRegister}");
            Assert.Equal(8, live.Count);                                          // a … h
            Assert.Contains(live, s => !s.IsRegister);
            Assert.Equal(live.Count, live.Select(s => s.IsRegister ? "r" + s.Register : s.Base + ":" + s.StackOffset).Distinct().Count());
            Assert.All(live, s => Assert.Equal(GcSlotFlags.Base, s.Flags & ~GcSlotFlags.Untracked));
        }

        [Fact]
        public void LoopWithoutCallsIsFullyInterruptible()
        {
            var (m, d) = Fixture("Loop");
            Assert.True(d.NumInterruptibleRanges > 0, "Loop has no interruptible range");
            Assert.True(d.GetInterruptibleRange(0, out uint start, out uint stop));
            _output.WriteLine($"ranges {d.NumInterruptibleRanges}, first [{start}, {stop}), safe points {d.NumSafePoints}");
            // Somewhere in the loop the list pointer b is live in a register, reported for the active frame only if scratch.
            bool anyLive = false;
            for (uint o = start; o < stop; o++)
            {
                var active = Live(ref d, o, CodeManagerFlags.ActiveStackFrame);
                if (active.Count > 0) anyLive = true;
                var caller = Live(ref d, o, CodeManagerFlags.None);
                Assert.True(caller.Count <= active.Count);
            }
            Assert.True(anyLive, "no live slot anywhere in Loop's interruptible range");
            Assert.False(d.IsInterruptible(0));                                   // the prolog is not
        }

        [Fact]
        public void ReversePInvokeAndGenericsContextAreDecoded()
        {
            var (_, entry) = Fixture("Entry");
            Assert.True(entry.HasReversePInvokeFrame);
            Assert.NotEqual(GcInfoDecoder.NoStackSlot, entry.ReversePInvokeFrameStackSlot);
            Assert.False(entry.IsSlimHeader);
            var image = s_image.Value;
            var generic = image.Symbols.Where(kv => kv.Key.StartsWith("Cosmos_GcInfoFixture") && kv.Key.Contains("Fixtures__Generic") && kv.Key.Contains("__Canon")).ToList();
            _output.WriteLine("generic instantiations: " + string.Join(", ", generic.Select(g => g.Key)));
            if (generic.Count > 0)
            {
                var m = Methods().Methods.Single(x => x.Start == generic[0].Value);
                var d = Decode(m.MainLsda);
                Assert.True(d.HasGenericsInstContext);
                Assert.NotEqual(GcInfoDecoder.NoStackSlot, d.GenericsInstContextStackSlot);
                Assert.True(d.ValidRangeStart > 0);
            }
        }

        [Fact]
        public void FuncletsShareTheMainBodysGcInfo()
        {
            var (m, d) = Fixture("WithHandlers");
            var image = s_image.Value;
            var funclets = new List<(ulong Start, ulong End)>();
            for (ulong off = image.EhFrame; off < image.EhFrameEnd;)
            {
                byte* entry = image.Host(off);
                uint length = *(uint*)entry;
                if (length == 0) break;
                off += 4 + length;
                if (!CodeManager.ParseFde(entry, out CodeManager.Fde fde) || fde.Lsda == null || (fde.Lsda[0] & 3) == 0) continue;
                byte* p = fde.Lsda + 1;
                if (p + *(int*)p == m.MainLsda)
                {
                    ulong fs = image.Link(fde.PcBegin);
                    Assert.Equal(m.Start, fs - (ulong)*(int*)(p + 4));
                    funclets.Add((fs, image.Link(fde.PcEnd)));
                }
            }
            Assert.True(funclets.Count >= 2, "expected catch and finally funclets");
            foreach (var f in funclets) Assert.True(f.End - m.Start <= d.CodeLength, "funclet beyond the GC info's code length");
            // Calls in the funclets are safe points of the main body's GC info.
            int safePointsInFunclets = 0;
            for (uint i = 0; i < d.NumSafePoints; i++)
            {
                ulong a = m.Start + d.GetSafePointOffset(i);
                if (funclets.Any(f => a >= f.Start && a < f.End)) safePointsInFunclets++;
            }
            _output.WriteLine($"{funclets.Count} funclets, {safePointsInFunclets} safe points in them, {d.NumInterruptibleRanges} ranges");
            Assert.True(safePointsInFunclets > 0 || d.NumInterruptibleRanges > 0);
        }
    }
}
