using System;
using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// A small GCINFO_VERSION 4 AMD64 encoder for hand-made GC info (the layout gcinfoencoder.cpp writes, re-derived for
    /// tests): slim or fat header, safe points with bit-vector or indirect (simple / RLE) live states, interruptible ranges
    /// with 64-offset chunks of lifetime transitions, and a slot table. Lets the tests reach encodings a small fixture may
    /// not produce and compare the decoder with a reference liveness computed here.
    /// </summary>
    public sealed class GcInfoTestEncoder
    {
        public sealed class Slot
        {
            public bool IsRegister;
            public int Register;
            public GcStackSlotBase Base;
            public int Offset;              // bytes, multiple of 8
            public GcSlotFlags Flags;       // Interior / Pinned (+ Untracked puts it in the untracked part)
            public bool Untracked => (Flags & GcSlotFlags.Untracked) != 0;
        }

        /// <summary>How a live-state vector is written.</summary>
        public enum VectorMode { Simple, Rle, RleNegated }

        public uint CodeLength = 200;
        public bool ForceFat;
        public bool FrameRegisterRbp = true;
        public uint OutgoingArea;                                     // bytes (fat header only)
        public int ReversePInvokeSlot = GcInfoDecoder.NoStackSlot;    // fat header only
        public List<Slot> Slots = new List<Slot>();                   // registers first, then tracked stack, then untracked
        public List<(uint Offset, bool[] Live)> SafePoints = new List<(uint, bool[])>();   // Live indexed by tracked slot
        public bool Indirect;                                          // safe point live states through an offset table
        public VectorMode SafePointVectors = VectorMode.Simple;        // with Indirect
        public List<(uint Start, uint Stop)> Ranges = new List<(uint, uint)>();
        public List<(uint Offset, int Slot, bool BecomesLive)> Transitions = new List<(uint, int, bool)>();  // code offsets inside ranges
        public VectorMode ChunkVectors = VectorMode.Simple;

        private sealed class BitWriter
        {
            public readonly List<bool> Bits = new List<bool>();
            public int Count => Bits.Count;
            public void Write(ulong value, int count) { for (int i = 0; i < count; i++) Bits.Add(((value >> i) & 1) != 0); }
            public void VarU(ulong value, int b)
            {
                do
                {
                    ulong chunk = value & ((1UL << b) - 1);
                    value >>= b;
                    Write(chunk | (value != 0 ? 1UL << b : 0), b + 1);
                } while (value != 0);
            }
            public void VarS(long value, int b)
            {
                for (;;)
                {
                    ulong chunk = (ulong)value & ((1UL << b) - 1);
                    long rest = value >> b;
                    bool signBit = (chunk >> (b - 1) & 1) != 0;
                    bool done = (rest == 0 && !signBit) || (rest == -1 && signBit);
                    Write(chunk | (done ? 0 : 1UL << b), b + 1);
                    if (done) return;
                    value = rest;
                }
            }
            public void Append(BitWriter other) => Bits.AddRange(other.Bits);
            public void AlignToByte() { while (Bits.Count % 8 != 0) Bits.Add(false); }
            public byte[] ToBytes(int padding)
            {
                var bytes = new byte[(Bits.Count + 7) / 8 + padding];
                for (int i = 0; i < Bits.Count; i++) if (Bits[i]) bytes[i / 8] |= (byte)(1 << (i % 8));
                return bytes;
            }
        }

        private static int CeilOfLog2(ulong x) { int b = 0; while ((1UL << b) < x) b++; return b; }

        private static void WriteVector(BitWriter w, bool[] v, VectorMode mode)
        {
            if (mode == VectorMode.Simple)
            {
                w.Write(0, 1);
                foreach (var b in v) w.Write(b ? 1UL : 0, 1);
                return;
            }
            w.Write(1, 1);
            bool negated = mode == VectorMode.RleNegated;
            w.Write(negated ? 1UL : 0, 1);
            int deadBase = negated ? 2 : 4, liveBase = negated ? 4 : 2;
            int i = 0, n = v.Length;
            int dead = 0;
            while (i < n && !v[i]) { dead++; i++; }
            w.VarU((ulong)dead, deadBase);
            while (i < n)
            {
                int live = 0;
                while (i < n && v[i]) { live++; i++; }
                w.VarU((ulong)(live - 1), liveBase);
                if (i >= n) break;
                dead = 0;
                while (i < n && !v[i]) { dead++; i++; }
                w.VarU((ulong)(dead - 1), deadBase);
            }
        }

        public int NumTracked => Slots.Count(s => !s.Untracked);

        /// <summary>The blob (padded with zero bytes).</summary>
        public byte[] Encode()
        {
            var info1 = new BitWriter();
            var info2 = new BitWriter();
            bool fat = ForceFat || Ranges.Count > 0 || OutgoingArea != 0 || ReversePInvokeSlot != GcInfoDecoder.NoStackSlot;
            if (!fat)
            {
                info1.Write(0, 1);
                info1.Write(FrameRegisterRbp ? 1UL : 0, 1);
                info1.VarU(CodeLength, 8);
            }
            else
            {
                uint flags = 0;
                if (FrameRegisterRbp) flags |= GcInfoDecoder.FlagHasStackBaseRegister;
                if (ReversePInvokeSlot != GcInfoDecoder.NoStackSlot) flags |= GcInfoDecoder.FlagReversePInvokeFrame;
                info1.Write(1, 1);
                info1.Write(flags, 10);
                info1.VarU(CodeLength, 8);
                if (FrameRegisterRbp) info1.VarU(5 ^ 5, 3);
                if (ReversePInvokeSlot != GcInfoDecoder.NoStackSlot) info1.VarS(ReversePInvokeSlot >> 3, 6);
                info1.VarU(OutgoingArea >> 3, 3);
            }
            info1.VarU((ulong)SafePoints.Count, 2);
            if (fat) info1.VarU((ulong)Ranges.Count, 1);
            int bitsPerOffset = CeilOfLog2(CodeLength);
            foreach (var sp in SafePoints) info1.Write(sp.Offset, bitsPerOffset);
            uint lastStop = 0;
            foreach (var r in Ranges)
            {
                info1.VarU(r.Start - lastStop, 6);
                info1.VarU(r.Stop - r.Start - 1, 6);
                lastStop = r.Stop;
            }

            // Slot table.
            var regs = Slots.Where(s => s.IsRegister).ToList();
            var stack = Slots.Where(s => !s.IsRegister && !s.Untracked).ToList();
            var untracked = Slots.Where(s => s.Untracked).ToList();
            if (!Slots.SequenceEqual(regs.Concat(stack).Concat(untracked))) throw new ArgumentException("slots must be registers, tracked stack, untracked");
            if (regs.Count > 0) { info1.Write(1, 1); info1.VarU((ulong)regs.Count, 2); } else info1.Write(0, 1);
            if (stack.Count + untracked.Count > 0) { info1.Write(1, 1); info1.VarU((ulong)stack.Count, 2); info1.VarU((ulong)untracked.Count, 1); } else info1.Write(0, 1);
            for (int i = 0; i < regs.Count; i++)
            {
                uint f = (uint)regs[i].Flags & 3;
                if (i == 0 || ((uint)regs[i - 1].Flags & 3) != 0) { info1.VarU((ulong)regs[i].Register, 3); info1.Write(f, 2); }
                else
                {
                    if (f != 0 || regs[i].Register <= regs[i - 1].Register) throw new ArgumentException("delta-encoded registers must ascend with base flags");
                    info1.VarU((ulong)(regs[i].Register - regs[i - 1].Register - 1), 2);
                }
            }
            foreach (var part in new[] { stack, untracked })
            {
                for (int i = 0; i < part.Count; i++)
                {
                    info1.Write((ulong)part[i].Base, 2);
                    uint f = (uint)part[i].Flags & 3;
                    if (i == 0 || ((uint)part[i - 1].Flags & 3) != 0) { info1.VarS(part[i].Offset >> 3, 6); info1.Write(f, 2); }
                    else
                    {
                        if (f != 0 || part[i].Offset < part[i - 1].Offset) throw new ArgumentException("delta-encoded stack slots must ascend with base flags");
                        info1.VarU((ulong)((part[i].Offset >> 3) - (part[i - 1].Offset >> 3)), 4);
                    }
                }
            }

            int numTracked = NumTracked;
            if (numTracked > 0)
            {
                // Safe point live states.
                if (SafePoints.Count > 0)
                {
                    if (Indirect)
                    {
                        var distinct = new List<bool[]>();
                        var offsets = new List<int>();
                        var sets = new BitWriter();
                        var index = new List<int>();
                        foreach (var sp in SafePoints)
                        {
                            int k = distinct.FindIndex(d => d.SequenceEqual(sp.Live));
                            if (k < 0)
                            {
                                distinct.Add(sp.Live);
                                offsets.Add(sets.Count);
                                WriteVector(sets, sp.Live, SafePointVectors);
                                k = distinct.Count - 1;
                            }
                            index.Add(offsets[k]);
                        }
                        int bits = Math.Max(1, CeilOfLog2((ulong)offsets.Max() + 1));
                        info1.Write(1, 1);
                        info1.VarU((ulong)(bits - 1), 3);
                        foreach (var o in index) info1.Write((ulong)o, bits);
                        info2.Append(sets);
                    }
                    else
                    {
                        info1.Write(0, 1);
                        foreach (var sp in SafePoints) foreach (var b in sp.Live) info1.Write(b ? 1UL : 0, 1);
                    }
                }

                // Fully interruptible chunks.
                if (Ranges.Count > 0)
                {
                    if (Indirect && SafePoints.Count > 0) throw new ArgumentException("the encoder never combines an indirection with ranges");
                    // Transitions to range-relative ("pseudo") offsets.
                    var pseudo = new List<(uint Offset, int Slot, bool Live)>();
                    uint cumulative = 0;
                    foreach (var r in Ranges)
                    {
                        foreach (var t in Transitions.Where(t => t.Offset >= r.Start && t.Offset < r.Stop))
                            pseudo.Add((t.Offset - r.Start + cumulative, t.Slot, t.BecomesLive));
                        cumulative += r.Stop - r.Start;
                    }
                    if (pseudo.Count != Transitions.Count) throw new ArgumentException("transitions outside the ranges");
                    pseudo = pseudo.OrderBy(t => t.Offset).ThenBy(t => t.Slot).ToList();
                    uint numChunks = (cumulative + 63) / 64;
                    var pointers = new ulong[numChunks];
                    var live = new bool[numTracked];
                    var couldBeLive = new bool[numTracked];
                    for (uint c = 0; c < numChunks; c++)
                    {
                        var inChunk = pseudo.Where(t => t.Offset / 64 == c).ToList();
                        if (inChunk.Count == 0) continue;
                        foreach (var t in inChunk) { live[t.Slot] = t.Live; couldBeLive[t.Slot] = true; }
                        pointers[c] = (ulong)info2.Count + 1;
                        WriteVector(info2, couldBeLive, ChunkVectors);
                        for (int s = 0; s < numTracked; s++) if (couldBeLive[s]) info2.Write(live[s] ? 1UL : 0, 1);
                        for (int s = 0; s < numTracked; s++)
                        {
                            if (!couldBeLive[s]) continue;
                            foreach (var t in inChunk.Where(t => t.Slot == s))
                            {
                                uint delta = t.Offset % 64;
                                if (delta != 0) { info2.Write(1, 1); info2.Write(delta, 6); }
                            }
                            info2.Write(0, 1);
                        }
                        couldBeLive = (bool[])live.Clone();
                    }
                    ulong largest = pointers.LastOrDefault(p => p != 0);
                    int pointerBits = CeilOfLog2(largest + 1);
                    info1.VarU((ulong)pointerBits, 3);
                    if (pointerBits != 0) foreach (var p in pointers) info1.Write(p, pointerBits);
                }
            }
            info1.AlignToByte();
            info1.Append(info2);
            return info1.ToBytes(16);
        }

        /// <summary>Reference: tracked slots live at code offset <paramref name="offset"/> inside a range (transitions at or before it applied).</summary>
        public bool[] LiveInRange(uint offset)
        {
            var live = new bool[NumTracked];
            var range = Ranges.First(r => offset >= r.Start && offset < r.Stop);
            // State carries across ranges (the encoder records the state at each range start).
            foreach (var t in Transitions.OrderBy(t => t.Offset))
            {
                if (t.Offset > offset) break;
                live[t.Slot] = t.BecomesLive;
            }
            return live;
        }
    }
}
