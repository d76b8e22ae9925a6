using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>A processor-local APIC entry of the MADT (type 0).</summary>
    public struct MadtLocalApic
    {
        /// <summary>ACPI processor UID.</summary>
        public byte ProcessorUid;
        /// <summary>Local APIC ID.</summary>
        public byte ApicId;
        /// <summary>Flags: bit 0 enabled, bit 1 online capable.</summary>
        public uint Flags;
        /// <summary>True when the processor is usable now.</summary>
        public bool Enabled => (Flags & 1) != 0;
    }

    /// <summary>An I/O APIC entry of the MADT (type 1).</summary>
    public struct MadtIoApic
    {
        /// <summary>I/O APIC ID.</summary>
        public byte Id;
        /// <summary>Physical address of its registers (IOREGSEL at +0, IOWIN at +0x10).</summary>
        public uint Address;
        /// <summary>First global system interrupt (GSI) it serves.</summary>
        public uint GsiBase;
    }

    /// <summary>An interrupt source override (type 2): ISA IRQ <see cref="Source"/> arrives on GSI <see cref="Gsi"/>.</summary>
    public struct MadtInterruptOverride
    {
        /// <summary>Bus (0 = ISA).</summary>
        public byte Bus;
        /// <summary>Bus-relative IRQ (the ISA IRQ number).</summary>
        public byte Source;
        /// <summary>Global system interrupt it is wired to.</summary>
        public uint Gsi;
        /// <summary>MPS INTI flags: polarity bits 0–1 (0 bus default, 1 active high, 3 active low), trigger bits 2–3 (0 bus default, 1 edge, 3 level).</summary>
        public ushort Flags;
        /// <summary>True when the input is active low (polarity 3).</summary>
        public bool ActiveLow => (Flags & 3) == 3;
        /// <summary>True when the input is level triggered (trigger 3).</summary>
        public bool LevelTriggered => ((Flags >> 2) & 3) == 3;
    }

    /// <summary>A local APIC NMI entry (type 4): which LINT pin of which processor (0xFF = all) carries NMI.</summary>
    public struct MadtLocalApicNmi
    {
        /// <summary>ACPI processor UID, 0xFF for all processors.</summary>
        public byte ProcessorUid;
        /// <summary>MPS INTI flags (as in <see cref="MadtInterruptOverride.Flags"/>).</summary>
        public ushort Flags;
        /// <summary>Local APIC LINT input, 0 or 1.</summary>
        public byte Lint;
    }

    /// <summary>
    /// The ACPI Multiple APIC Description Table ("APIC"; ACPI 6.5 §5.2.12): local APIC address,
    /// PC-AT compatibility (8259s present), processors, I/O APICs, interrupt source overrides and
    /// local APIC NMI pins. <see cref="TryParse"/> is pure (runs on the host in tests).
    /// </summary>
    public sealed class MADT
    {
        /// <summary>Physical address of the local APIC registers (the 64-bit override, type 5, wins).</summary>
        public ulong LocalApicAddress;
        /// <summary>Flags: bit 0 PCAT_COMPAT (the system also has dual 8259 PICs that must be masked to use the APICs).</summary>
        public uint Flags;
        /// <summary>Processor-local APICs (type 0).</summary>
        public readonly List<MadtLocalApic> LocalApics = new();
        /// <summary>I/O APICs (type 1).</summary>
        public readonly List<MadtIoApic> IoApics = new();
        /// <summary>Interrupt source overrides (type 2).</summary>
        public readonly List<MadtInterruptOverride> Overrides = new();
        /// <summary>Local APIC NMI pins (type 4).</summary>
        public readonly List<MadtLocalApicNmi> LocalApicNmis = new();

        /// <summary>True when dual 8259 PICs are present too (PCAT_COMPAT).</summary>
        public bool HasLegacyPics => (Flags & 1) != 0;

        /// <summary>
        /// Maps ISA IRQ <paramref name="irq"/> to its GSI and polarity/trigger through the overrides;
        /// without an override ISA IRQ n is GSI n, active high, edge triggered.
        /// </summary>
        public uint IsaIrqToGsi(int irq, out bool activeLow, out bool levelTriggered)
        {
            foreach (var o in Overrides)
            {
                if (o.Bus != 0 || o.Source != irq) continue;
                activeLow = o.ActiveLow;
                levelTriggered = o.LevelTriggered;
                return o.Gsi;
            }
            activeLow = false;
            levelTriggered = false;
            return (uint)irq;
        }

        /// <summary>
        /// Parses a MADT from its bytes (header included). Entries of unknown types are skipped;
        /// a truncated entry ends the list with an error.
        /// </summary>
        /// <returns>False with <paramref name="error"/> when the signature, length or an entry is malformed.</returns>
        public static bool TryParse(ReadOnlySpan<byte> table, out MADT madt, out string error)
        {
            madt = null;
            if (table.Length < 44) { error = "MADT shorter than its 44-byte fixed part"; return false; }
            if (table[0] != (byte)'A' || table[1] != (byte)'P' || table[2] != (byte)'I' || table[3] != (byte)'C') { error = "signature is not \"APIC\""; return false; }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(4));
            if (length < 44 || length > table.Length) { error = "MADT length field " + length + " does not fit the table (" + table.Length + " bytes)"; return false; }
            var m = new MADT
            {
                LocalApicAddress = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(36)),
                Flags = BinaryPrimitives.ReadUInt32LittleEndian(table.Slice(40)),
            };
            int at = 44;
            while (at + 2 <= length)
            {
                byte type = table[at], len = table[at + 1];
                if (len < 2 || at + len > length) { error = "MADT entry at offset " + at + " (type " + type + ") has a bad length " + len; return false; }
                var e = table.Slice(at, len);
                switch (type)
                {
                    case 0 when len >= 8:
                        m.LocalApics.Add(new MadtLocalApic { ProcessorUid = e[2], ApicId = e[3], Flags = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4)) });
                        break;
                    case 1 when len >= 12:
                        m.IoApics.Add(new MadtIoApic { Id = e[2], Address = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4)), GsiBase = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(8)) });
                        break;
                    case 2 when len >= 10:
                        m.Overrides.Add(new MadtInterruptOverride { Bus = e[2], Source = e[3], Gsi = BinaryPrimitives.ReadUInt32LittleEndian(e.Slice(4)), Flags = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(8)) });
                        break;
                    case 4 when len >= 6:
                        m.LocalApicNmis.Add(new MadtLocalApicNmi { ProcessorUid = e[2], Flags = BinaryPrimitives.ReadUInt16LittleEndian(e.Slice(3)), Lint = e[5] });
                        break;
                    case 5 when len >= 12:
                        m.LocalApicAddress = BinaryPrimitives.ReadUInt64LittleEndian(e.Slice(4));
                        break;
                }
                at += len;
            }
            madt = m;
            error = null;
            return true;
        }
    }
}
