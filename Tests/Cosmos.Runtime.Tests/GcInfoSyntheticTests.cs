using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// <see cref="GcInfoDecoder"/> on hand-encoded GC info (<see cref="GcInfoTestEncoder"/>): every live-state encoding
    /// (bit vectors, the safe point indirection with simple and both RLE forms, multi-chunk interruptible ranges with
    /// an empty chunk), the input flags, and malformed blobs.
    /// </summary>
    public unsafe class GcInfoSyntheticTests
    {
        private static readonly List<GcSlotReport> s_sink = new List<GcSlotReport>();
        private static void Collect(void* context, in GcSlotReport report) => s_sink.Add(report);

        private static GcInfoDecoder Decode(byte[] blob, out IntPtr memory)
        {
            memory = System.Runtime.InteropServices.Marshal.AllocHGlobal(blob.Length);
            System.Runtime.InteropServices.Marshal.Copy(blob, 0, memory, blob.Length);
            var d = default(GcInfoDecoder);
            Assert.True(d.Initialize((byte*)memory), d.Error);
            return d;
        }

        private static List<GcSlotReport> Live(ref GcInfoDecoder d, uint offset, CodeManagerFlags flags)
        {
            lock (s_sink)
            {
                s_sink.Clear();
                Assert.True(d.EnumerateLiveSlots(offset, flags, &Collect, null), d.Error);
                return s_sink.ToList();
            }
        }

        private static GcInfoTestEncoder.Slot Reg(int r, GcSlotFlags f = 0) => new GcInfoTestEncoder.Slot { IsRegister = true, Register = r, Flags = f };
        private static GcInfoTestEncoder.Slot Stk(GcStackSlotBase b, int off, GcSlotFlags f = 0) => new GcInfoTestEncoder.Slot { Base = b, Offset = off, Flags = f };

        private static bool[] Pattern(int n, int seed) => Enumerable.Range(0, n).Select(i => ((i * 7 + seed * 13) % 5) < 2 || (seed % 4 == 0 && i > n / 2)).ToArray();

        private static void AssertReports(GcInfoTestEncoder e, bool[] expectedTracked, List<GcSlotReport> reports, bool untracked)
        {
            var expected = Enumerable.Range(0, expectedTracked.Length).Where(i => expectedTracked[i]).Select(i => (uint)i).ToList();
            if (untracked) expected.AddRange(Enumerable.Range(e.NumTracked, e.Slots.Count - e.NumTracked).Select(i => (uint)i));
            Assert.Equal(expected, reports.Select(r => r.SlotIndex).ToList());
            foreach (var r in reports)
            {
                var s = e.Slots[(int)r.SlotIndex];
                Assert.Equal(s.IsRegister, r.IsRegister);
                if (s.IsRegister) Assert.Equal(s.Register, r.Register);
                else { Assert.Equal(s.Base, r.Base); Assert.Equal(s.Offset, r.StackOffset); }
                Assert.Equal(s.Flags, r.Flags);
            }
        }

        /// <summary>Callee-saved registers and stack slots of every flavour; tracked slots then untracked ones.</summary>
        private static List<GcInfoTestEncoder.Slot> ManySlots(int stackSlots)
        {
            // As the encoder sorts them: a slot after one with plain flags is delta-encoded, so it has plain flags and a
            // higher register number / offset; flagged slots come first.
            var slots = new List<GcInfoTestEncoder.Slot> { Reg(5, GcSlotFlags.Interior), Reg(15, GcSlotFlags.Pinned), Reg(3), Reg(12), Reg(13), Reg(14) };
            for (int i = 0; i < stackSlots; i++)
                if (i % 7 == 3) slots.Add(Stk(GcStackSlotBase.FrameRegisterRelative, -1024 + 8 * i, GcSlotFlags.Interior));
            for (int i = 0; i < stackSlots; i++)
                if (i % 7 != 3)
                    slots.Add(Stk(i % 3 == 0 ? GcStackSlotBase.FrameRegisterRelative : i % 3 == 1 ? GcStackSlotBase.CallerSpRelative : GcStackSlotBase.SpRelative,
                        -512 + 8 * i));
            slots.Add(Stk(GcStackSlotBase.FrameRegisterRelative, -8, GcSlotFlags.Untracked | GcSlotFlags.Pinned));
            slots.Add(Stk(GcStackSlotBase.FrameRegisterRelative, -16, GcSlotFlags.Untracked));
            slots.Add(Stk(GcStackSlotBase.FrameRegisterRelative, 8, GcSlotFlags.Untracked));
            return slots;
        }

        [Theory]
        [InlineData(false, GcInfoTestEncoder.VectorMode.Simple, 5)]
        [InlineData(true, GcInfoTestEncoder.VectorMode.Simple, 5)]
        [InlineData(true, GcInfoTestEncoder.VectorMode.Rle, 5)]
        [InlineData(true, GcInfoTestEncoder.VectorMode.RleNegated, 5)]
        [InlineData(false, GcInfoTestEncoder.VectorMode.Simple, 80)]
        [InlineData(true, GcInfoTestEncoder.VectorMode.Rle, 80)]
        [InlineData(true, GcInfoTestEncoder.VectorMode.RleNegated, 80)]
        public void SafePointLiveStates(bool indirect, GcInfoTestEncoder.VectorMode mode, int stackSlots)
        {
            var e = new GcInfoTestEncoder { CodeLength = 3000, Indirect = indirect, SafePointVectors = mode, Slots = ManySlots(stackSlots) };
            int n = e.NumTracked;
            for (int i = 0; i < 40; i++)
                e.SafePoints.Add(((uint)(5 + i * 71), i == 3 ? new bool[n] : i == 4 ? Enumerable.Repeat(true, n).ToArray() : Pattern(n, i % 9)));
            var d = Decode(e.Encode(), out var mem);
            try
            {
                Assert.Equal(40u, d.NumSafePoints);
                Assert.Equal((uint)e.Slots.Count, d.NumSlots);
                foreach (var (offset, live) in e.SafePoints)
                {
                    Assert.True(d.IsSafePoint(offset));
                    Assert.False(d.IsSafePoint(offset + 1));
                    AssertReports(e, live, Live(ref d, offset, CodeManagerFlags.ActiveStackFrame), untracked: true);
                    AssertReports(e, live, Live(ref d, offset, CodeManagerFlags.NoReportUntracked), untracked: false);
                    Assert.Empty(Live(ref d, offset, CodeManagerFlags.ExecutionAborted | CodeManagerFlags.NoReportUntracked));
                    Assert.All(Live(ref d, offset, CodeManagerFlags.ReportFPBasedSlotsOnly), r => Assert.Equal(GcStackSlotBase.FrameRegisterRelative, r.Base));
                    Assert.All(Live(ref d, offset, CodeManagerFlags.ReportFPBasedSlotsOnly), r => Assert.False(r.IsRegister));
                }
                // A code offset that is not a safe point of a method without ranges: untracked slots only.
                Assert.Equal(3, Live(ref d, 6, CodeManagerFlags.None).Count);
            }
            finally { System.Runtime.InteropServices.Marshal.FreeHGlobal(mem); }
        }

        [Theory]
        [InlineData(GcInfoTestEncoder.VectorMode.Simple)]
        [InlineData(GcInfoTestEncoder.VectorMode.Rle)]
        [InlineData(GcInfoTestEncoder.VectorMode.RleNegated)]
        public void InterruptibleRangesAcrossChunks(GcInfoTestEncoder.VectorMode mode)
        {
            // Two ranges (pseudo length 100 + 150 = 250 → 4 chunks), the third chunk without transitions.
            var e = new GcInfoTestEncoder { CodeLength = 400, ChunkVectors = mode, Slots = ManySlots(30) };
            e.Ranges.Add((10, 110));
            e.Ranges.Add((150, 300));
            int n = e.NumTracked;
            var live = new bool[n];
            var rng = new Random(1234);
            var eligible = Enumerable.Range(10, 100).Concat(Enumerable.Range(150, 150))
                .Where(o => { uint p = o < 110 ? (uint)(o - 10) : (uint)(o - 150 + 100); return p / 64 != 2; }).ToList();
            foreach (int o in eligible.Where(_ => rng.Next(4) == 0))
            {
                int slot = rng.Next(n);
                live[slot] = !live[slot];
                e.Transitions.Add(((uint)o, slot, live[slot]));
            }
            Assert.True(e.Transitions.Count > 40);
            Assert.Contains(e.Transitions, t => t.Offset == 10 + 64 || t.Offset % 64 != 0);
            var d = Decode(e.Encode(), out var mem);
            try
            {
                Assert.Equal(2u, d.NumInterruptibleRanges);
                Assert.True(d.GetInterruptibleRange(1, out uint s1, out uint e1));
                Assert.Equal((150u, 300u), (s1, e1));
                foreach (var (start, stop) in e.Ranges)
                {
                    for (uint o = start; o < stop; o++)
                    {
                        Assert.True(d.IsInterruptible(o));
                        AssertReports(e, e.LiveInRange(o), Live(ref d, o, CodeManagerFlags.ActiveStackFrame), untracked: true);
                        // Execution aborted: ranges still apply.
                        AssertReports(e, e.LiveInRange(o), Live(ref d, o, CodeManagerFlags.ActiveStackFrame | CodeManagerFlags.ExecutionAborted), untracked: true);
                    }
                }
                Assert.False(d.IsInterruptible(9));
                Assert.False(d.IsInterruptible(110));
                Assert.False(d.IsInterruptible(300));
                // Outside the ranges: an aborted frame reports nothing; a resuming one is a caller error.
                Assert.Empty(Live(ref d, 120, CodeManagerFlags.ExecutionAborted));
                Assert.False(d.EnumerateLiveSlots(120, CodeManagerFlags.None, &Collect, null));
                Assert.NotNull(d.Error);
            }
            finally { System.Runtime.InteropServices.Marshal.FreeHGlobal(mem); }
        }

        [Fact]
        public void ScratchRegistersAndOutgoingAreaOnlyForTheActiveFrame()
        {
            var e = new GcInfoTestEncoder
            {
                CodeLength = 100, OutgoingArea = 32,
                Slots = { Reg(0), Reg(3), Reg(6), Reg(7), Reg(11), Stk(GcStackSlotBase.FrameRegisterRelative, -16), Stk(GcStackSlotBase.SpRelative, 8), Stk(GcStackSlotBase.SpRelative, 32) },
            };
            e.SafePoints.Add((20, Enumerable.Repeat(true, 8).ToArray()));
            var d = Decode(e.Encode(), out var mem);
            try
            {
                Assert.Equal(32u, d.SizeOfStackOutgoingAndScratchArea);
                Assert.Equal(8, Live(ref d, 20, CodeManagerFlags.ActiveStackFrame).Count);
                var caller = Live(ref d, 20, CodeManagerFlags.None);
                // RBX, [SP+32] (above the 32-byte area) and the RBP slot, which the caller must check against SP + 32 itself.
                Assert.Equal(new uint[] { 1, 5, 7 }, caller.Select(r => r.SlotIndex).ToArray());
                Assert.True(caller.Single(r => r.SlotIndex == 5).CheckScratchArea);
                Assert.False(caller.Single(r => r.SlotIndex == 7).CheckScratchArea);
            }
            finally { System.Runtime.InteropServices.Marshal.FreeHGlobal(mem); }
        }

        [Fact]
        public void HeaderFields()
        {
            var e = new GcInfoTestEncoder { CodeLength = 1000, ReversePInvokeSlot = -48, OutgoingArea = 16, Slots = { Reg(3) } };
            e.SafePoints.Add((500, new[] { true }));
            var d = Decode(e.Encode(), out var mem);
            try
            {
                Assert.False(d.IsSlimHeader);
                Assert.Equal(1000u, d.CodeLength);
                Assert.Equal(5u, d.StackBaseRegister);
                Assert.True(d.HasReversePInvokeFrame);
                Assert.Equal(-48, d.ReversePInvokeFrameStackSlot);
                Assert.Equal(16u, d.SizeOfStackOutgoingAndScratchArea);
                Assert.Equal(500u, d.GetSafePointOffset(0));
            }
            finally { System.Runtime.InteropServices.Marshal.FreeHGlobal(mem); }
            var slim = new GcInfoTestEncoder { CodeLength = 77, FrameRegisterRbp = false };
            d = Decode(slim.Encode(), out mem);
            try
            {
                Assert.True(d.IsSlimHeader);
                Assert.Equal(77u, d.CodeLength);
                Assert.Equal(GcInfoDecoder.NoStackBaseRegister, d.StackBaseRegister);
                Assert.Empty(Live(ref d, 3, CodeManagerFlags.ActiveStackFrame));
            }
            finally { System.Runtime.InteropServices.Marshal.FreeHGlobal(mem); }
        }

        [Theory]
        [InlineData(new byte[] { 0x01 | (0x08 << 1), 0, 0, 0, 0, 0, 0, 0 }, "PSPSym")]       // fat header with the former PSPSym flag
        [InlineData(new byte[] { 0x00, 0, 0, 0, 0, 0, 0, 0 }, "code length")]                // slim, code length 0
#pragma warning disable xUnit1026 // blob is used (pinned by `fixed`); the analyzer does not see that use
        public void MalformedHeadersAreRejected(byte[] blob, string expected)
#pragma warning restore xUnit1026
        {
            fixed (byte* p = blob)
            {
                var d = default(GcInfoDecoder);
                Assert.False(d.Initialize(p));
                Assert.Contains(expected, d.Error);
            }
        }

        [Fact]
        public void MalformedSlotTablesAreRejected()
        {
            // RSP as a GC register.
            var e = new GcInfoTestEncoder { CodeLength = 50, Slots = { Reg(4) } };
            var blob = e.Encode();
            fixed (byte* p = blob)
            {
                var d = default(GcInfoDecoder);
                Assert.False(d.Initialize(p));
                Assert.Contains("slot", d.Error);
            }
            // Stack base 3 does not exist.
            e = new GcInfoTestEncoder { CodeLength = 50, Slots = { Stk((GcStackSlotBase)3, 8) } };
            blob = e.Encode();
            fixed (byte* p = blob)
            {
                var d = default(GcInfoDecoder);
                Assert.False(d.Initialize(p));
            }
            // Safe points out of order.
            e = new GcInfoTestEncoder { CodeLength = 50, Slots = { Reg(3) } };
            e.SafePoints.Add((30, new[] { true }));
            e.SafePoints.Add((20, new[] { false }));
            blob = e.Encode();
            fixed (byte* p = blob)
            {
                var d = default(GcInfoDecoder);
                Assert.False(d.Initialize(p));
                Assert.Contains("safe points", d.Error);
            }
        }
    }
}
