using System;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL
{
    /// <summary>
    /// One decoded Base Address Register of a PCI function (Cosmos API name <c>PCIBaseAddressBar</c>; PCI Local Bus
    /// 3.0 §6.2.5.1). Bit 0 selects I/O (1) or memory (0); for memory, bits 2–1 are the type (00 32-bit, 10 64-bit)
    /// and bit 3 prefetchable. The size comes from the sizing probe: after all ones are written to the register the
    /// device returns zeros in the address bits it does not decode, so the size is the lowest set address bit of the
    /// read-back value (for a 64-bit BAR, of both dwords together; I/O BARs of devices that decode 16 bits return 0 in
    /// bits 31–16, which gives the same answer). Unlike Cosmos, <see cref="BaseAddress"/> is 64 bits wide.
    /// </summary>
    public sealed class PCIBaseAddressBar
    {
        /// <summary>Which BAR register (0–5) this is.</summary>
        public int Index { get; }
        /// <summary>What the register decodes.</summary>
        public PciBarKind Kind { get; }
        /// <summary>The register's value as read (for a 64-bit BAR, the low dword).</summary>
        public uint RegisterValue { get; }
        /// <summary>Physical address (memory) or port number (I/O) the firmware assigned; 0 when unassigned or unused.</summary>
        public ulong BaseAddress { get; }
        /// <summary>Bytes (memory) or ports (I/O) decoded, a power of two; 0 when unused or not sized.</summary>
        public ulong Size { get; }
        /// <summary>Memory BAR bit 3: reads have no side effects, so the range may be prefetched/write-combined.</summary>
        public bool IsPrefetchable { get; }

        /// <summary>True for an I/O-space BAR (Cosmos API name).</summary>
        public bool IsIO => Kind == PciBarKind.Io;
        /// <summary>True for a 32- or 64-bit memory BAR.</summary>
        public bool IsMemory => Kind == PciBarKind.Memory32 || Kind == PciBarKind.Memory64;
        /// <summary>True for a 64-bit memory BAR (the next register holds its upper dword).</summary>
        public bool Is64Bit => Kind == PciBarKind.Memory64;
        /// <summary>True when the register is a BAR of its own (not <see cref="PciBarKind.Unused"/> or <see cref="PciBarKind.Memory64Upper"/>).</summary>
        public bool IsImplemented => Kind == PciBarKind.Io || IsMemory;

        /// <summary>
        /// Decodes a 32-bit BAR register value without sizing it (Cosmos API shape): kind, prefetchable and base
        /// address; <see cref="Size"/> is 0. A 64-bit BAR decoded this way has only its low dword. A value of 0 is
        /// <see cref="PciBarKind.Unused"/>.
        /// </summary>
        public PCIBaseAddressBar(uint raw) : this(0, raw, 0, null, null) { }

        private PCIBaseAddressBar(int index, uint raw, uint rawHigh, uint? probe, uint? probeHigh)
        {
            Index = index;
            RegisterValue = raw;
            if ((raw & 1) != 0)
            {
                // I/O: bits 1..0 are the space indicator and a reserved bit.
                uint mask = probe.HasValue ? probe.Value & 0xFFFF_FFFC : 0;
                if (probe.HasValue && mask == 0) { Kind = PciBarKind.Unused; return; }
                Kind = PciBarKind.Io;
                BaseAddress = raw & 0xFFFF_FFFC;
                Size = LowestSetBit(mask);
                return;
            }
            uint type = (raw >> 1) & 3;
            bool is64 = type == 2;
            ulong probe64 = 0;
            if (probe.HasValue)
            {
                probe64 = probe.Value & 0xFFFF_FFF0;
                if (is64) probe64 |= (ulong)(probeHigh ?? 0) << 32;
                if (probe64 == 0) { Kind = PciBarKind.Unused; return; }
            }
            else if (raw == 0) { Kind = PciBarKind.Unused; return; }
            Kind = is64 ? PciBarKind.Memory64 : PciBarKind.Memory32;
            IsPrefetchable = (raw & 8) != 0;
            BaseAddress = (raw & 0xFFFF_FFF0) | (is64 ? (ulong)rawHigh << 32 : 0);
            Size = LowestSetBit(probe64);
        }

        private PCIBaseAddressBar(int index, uint rawHigh)
        {
            Index = index;
            RegisterValue = rawHigh;
            Kind = PciBarKind.Memory64Upper;
        }

        /// <summary>The lowest set bit of <paramref name="mask"/> (0 for 0): the size a sizing probe implies.</summary>
        public static ulong LowestSetBit(ulong mask) => mask & (~mask + 1);

        /// <summary>
        /// Decodes a function's BAR registers: <paramref name="values"/> as read, <paramref name="probes"/> the
        /// values read back after all ones were written to each register (same length; see
        /// <see cref="PCIDevice"/> for the probe sequence). The result has one entry per register: a 64-bit BAR at
        /// index i takes register i + 1 as its upper dword, which is returned as a <see cref="PciBarKind.Memory64Upper"/>
        /// entry. A 64-bit BAR in the last register (no upper dword) is decoded with an upper dword of 0.
        /// </summary>
        /// <exception cref="ArgumentException">The spans differ in length.</exception>
        public static PCIBaseAddressBar[] Decode(ReadOnlySpan<uint> values, ReadOnlySpan<uint> probes)
        {
            if (values.Length != probes.Length) throw new ArgumentException("one sizing probe per BAR register is needed");
            var bars = new PCIBaseAddressBar[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                uint raw = values[i];
                bool is64 = (raw & 1) == 0 && ((raw >> 1) & 3) == 2;
                bool hasHigh = is64 && i + 1 < values.Length;
                var bar = new PCIBaseAddressBar(i, raw, hasHigh ? values[i + 1] : 0, probes[i], hasHigh ? probes[i + 1] : 0);
                bars[i] = bar;
                // The type bits say 64-bit, so the next register is this BAR's upper dword even if the BAR is unused.
                if (hasHigh) { i++; bars[i] = new PCIBaseAddressBar(i, values[i]); }
            }
            return bars;
        }

        /// <summary>"BAR0 mem32 0xFEBC0000 size 0x20000", "BAR1 io 0xC000 size 0x40", "BAR2 unused".</summary>
        public override string ToString()
        {
            string head = string.Concat("BAR", HalFormat.Dec((ulong)Index), " ");
            return Kind switch
            {
                PciBarKind.Io => string.Concat(head, "io ", HalFormat.Hex(BaseAddress), " size ", HalFormat.Hex(Size)),
                PciBarKind.Memory32 or PciBarKind.Memory64 => string.Concat(head, Kind == PciBarKind.Memory64 ? "mem64 " : "mem32 ",
                    HalFormat.Hex(BaseAddress), " size ", HalFormat.Hex(Size), IsPrefetchable ? " prefetchable" : ""),
                PciBarKind.Memory64Upper => string.Concat(head, "(upper dword of BAR", HalFormat.Dec((ulong)(Index - 1)), ")"),
                _ => string.Concat(head, "unused"),
            };
        }
    }
}
