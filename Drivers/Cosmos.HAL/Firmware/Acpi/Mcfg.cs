using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>
    /// One ECAM window of the ACPI MCFG table (PCI Firmware Specification 3.0 §4.1.2, "Memory mapped configuration
    /// space base address allocation structure"): the physical base of the enhanced configuration space of PCI segment
    /// group <see cref="Segment"/>, buses <see cref="StartBus"/>–<see cref="EndBus"/>; function (b, d, f) is at
    /// base + ((b − StartBus) &lt;&lt; 20 | d &lt;&lt; 15 | f &lt;&lt; 12), 4096 bytes each (PCI Express Base 4.0 §7.2.2).
    /// </summary>
    public readonly struct McfgAllocation
    {
        /// <summary>Physical address of bus <see cref="StartBus"/>'s configuration space.</summary>
        public readonly ulong BaseAddress;
        /// <summary>PCI segment group number.</summary>
        public readonly ushort Segment;
        /// <summary>First bus decoded by this window.</summary>
        public readonly byte StartBus;
        /// <summary>Last bus decoded by this window.</summary>
        public readonly byte EndBus;

        /// <summary>Builds an entry.</summary>
        public McfgAllocation(ulong baseAddress, ushort segment, byte startBus, byte endBus)
        {
            BaseAddress = baseAddress; Segment = segment; StartBus = startBus; EndBus = endBus;
        }

        /// <summary>Bytes the window spans: 1 MiB per bus.</summary>
        public ulong Length => ((ulong)(EndBus - StartBus) + 1) << 20;

        /// <summary>"segment 0 buses 00-ff at 0xB0000000".</summary>
        public override string ToString() => string.Concat("segment ", Segment.ToString(), " buses ", HalFormat.Hex(StartBus, 2), "-", HalFormat.Hex(EndBus, 2),
            " at ", HalFormat.Hex(BaseAddress));
    }

    /// <summary>
    /// Parses the MCFG table (signature "MCFG"; the 36-byte ACPI header, 8 reserved bytes, then 16-byte allocation
    /// structures: base address u64, segment u16, start bus u8, end bus u8, 4 reserved bytes). Pure code, host-tested.
    /// </summary>
    public static class Mcfg
    {
        /// <summary>Offset of the first allocation structure.</summary>
        public const int FirstEntry = 44;
        /// <summary>Bytes per allocation structure.</summary>
        public const int EntryLength = 16;

        /// <summary>
        /// The allocations of <paramref name="table"/>; false with <paramref name="error"/> for a table that is not an
        /// MCFG, whose length field disagrees with the bytes, whose entries do not fill it exactly, or that has an entry
        /// with a zero or unaligned base (1 MiB) or an end bus below its start bus.
        /// </summary>
        public static bool TryParse(ReadOnlySpan<byte> table, out List<McfgAllocation> allocations, out string error)
        {
            allocations = new List<McfgAllocation>();
            if (table.Length < FirstEntry) { error = string.Concat("MCFG: ", table.Length.ToString(), " bytes, shorter than its 44-byte header"); return false; }
            if (table[0] != (byte)'M' || table[1] != (byte)'C' || table[2] != (byte)'F' || table[3] != (byte)'G') { error = "MCFG: wrong signature"; return false; }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(4));
            if (length < FirstEntry || length > table.Length) { error = string.Concat("MCFG: length field ", length.ToString(), " does not fit the ", table.Length.ToString(), " bytes"); return false; }
            if ((length - FirstEntry) % EntryLength != 0) { error = string.Concat("MCFG: ", (length - FirstEntry).ToString(), " bytes of entries is not a multiple of 16"); return false; }
            for (int at = FirstEntry; at + EntryLength <= (int)length; at += EntryLength)
            {
                var e = table.Slice(at, EntryLength);
                var a = new McfgAllocation(BinaryPrimitives.ReadUInt64LittleEndian(e), BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(8)), e[10], e[11]);
                if (a.BaseAddress == 0 || (a.BaseAddress & 0xF_FFFF) != 0) { error = string.Concat("MCFG entry ", ((at - FirstEntry) / EntryLength).ToString(), ": base ", HalFormat.Hex(a.BaseAddress), " is not a non-zero 1 MiB-aligned address"); return false; }
                if (a.EndBus < a.StartBus) { error = string.Concat("MCFG entry ", ((at - FirstEntry) / EntryLength).ToString(), ": end bus below start bus"); return false; }
                allocations.Add(a);
            }
            error = null;
            return true;
        }
    }
}
