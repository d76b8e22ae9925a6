namespace Cosmos.Core.Arch.X64
{
    /// <summary>Gate type of an IDT entry (Intel SDM Vol. 3A §6.14.1, Figure 6-8; §3.5 Table 3-2).</summary>
    public enum GateType : byte
    {
        /// <summary>64-bit interrupt gate (type 0xE): the CPU clears RFLAGS.IF on entry.</summary>
        Interrupt = 0xE,
        /// <summary>64-bit trap gate (type 0xF): RFLAGS.IF is left as it was.</summary>
        Trap = 0xF,
    }

    /// <summary>
    /// A 16-byte 64-bit IDT gate descriptor (Intel SDM Vol. 3A §6.14.1, Figure 6-8): offset 15:0 in bits 0–15,
    /// segment selector in 16–31, IST in 32–34, type in 40–43, DPL in 45–46, P in 47, offset 31:16 in 48–63 of the
    /// low qword; offset 63:32 in bits 0–31 of the high qword (bits 32–63 reserved, zero).
    /// </summary>
    public readonly struct GateDescriptor
    {
        /// <summary>Bytes 0–7 and 8–15 of the descriptor.</summary>
        public readonly ulong Low, High;

        /// <summary>Wraps the two qwords of a descriptor.</summary>
        public GateDescriptor(ulong low, ulong high) { Low = low; High = high; }

        /// <summary>
        /// Encodes a gate to <paramref name="offset"/> (the handler's linear address) through code segment
        /// <paramref name="selector"/>, on IST stack <paramref name="ist"/> (0 = none, 1–7; SDM Vol. 3A §6.14.5),
        /// reachable by INT n from CPL ≤ <paramref name="dpl"/> (0–3). Out-of-range IST and DPL values are masked to their fields.
        /// </summary>
        public static GateDescriptor Encode(ulong offset, ushort selector, int ist, GateType type, int dpl, bool present)
        {
            ulong low = (offset & 0xFFFF)
                      | ((ulong)selector << 16)
                      | ((ulong)(ist & 7) << 32)
                      | ((ulong)((byte)type & 0xF) << 40)
                      | ((ulong)(dpl & 3) << 45)
                      | ((present ? 1UL : 0UL) << 47)
                      | (((offset >> 16) & 0xFFFF) << 48);
            return new GateDescriptor(low, offset >> 32);
        }

        /// <summary>The handler's linear address (offset 63:0).</summary>
        public ulong Offset => (Low & 0xFFFF) | ((Low >> 32) & 0xFFFF_0000) | (High << 32);
        /// <summary>The code segment selector.</summary>
        public ushort Selector => (ushort)(Low >> 16);
        /// <summary>The IST index (0 = none).</summary>
        public int Ist => (int)((Low >> 32) & 7);
        /// <summary>The gate type field (bits 40–43).</summary>
        public GateType Type => (GateType)((Low >> 40) & 0xF);
        /// <summary>The descriptor privilege level.</summary>
        public int Dpl => (int)((Low >> 45) & 3);
        /// <summary>The present bit.</summary>
        public bool Present => ((Low >> 47) & 1) != 0;
    }
}
