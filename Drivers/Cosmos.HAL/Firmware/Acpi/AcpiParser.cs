using System;
using System.Buffers.Binary;

namespace Cosmos.HAL
{
    /// <summary>Address space of a Generic Address Structure (ACPI 6.5 §5.2.3.2, Table 5.1).</summary>
    public enum AcpiAddressSpace : byte
    {
        /// <summary>System memory (physical address).</summary>
        SystemMemory = 0,
        /// <summary>System I/O (x86 port number).</summary>
        SystemIO = 1,
        /// <summary>PCI configuration space, segment 0 bus 0: Address bits 47:32 device, 31:16 function, 15:0 offset.</summary>
        PciConfiguration = 2,
        /// <summary>Embedded controller.</summary>
        EmbeddedController = 3,
        /// <summary>SMBus.</summary>
        SMBus = 4,
        /// <summary>Functional fixed hardware.</summary>
        FunctionalFixedHardware = 0x7F,
    }

    /// <summary>
    /// Generic Address Structure, 12 bytes (ACPI 6.5 §5.2.3.2): address space (u8), register
    /// bit width (u8), bit offset (u8), access size (u8: 0 undefined, 1 byte, 2 word, 3 dword,
    /// 4 qword) and a 64-bit address. <see cref="Address"/> 0 means "not present".
    /// </summary>
    public readonly struct GenericAddress
    {
        /// <summary>Size in bytes of the encoded structure.</summary>
        public const int Size = 12;

        /// <summary>Address space ID (see <see cref="AcpiAddressSpace"/>).</summary>
        public readonly AcpiAddressSpace AddressSpace;
        /// <summary>Register width in bits.</summary>
        public readonly byte BitWidth;
        /// <summary>Register bit offset.</summary>
        public readonly byte BitOffset;
        /// <summary>Access size code: 0 undefined (legacy), 1 byte, 2 word, 3 dword, 4 qword.</summary>
        public readonly byte AccessSize;
        /// <summary>Address in <see cref="AddressSpace"/>; 0 = not present.</summary>
        public readonly ulong Address;

        /// <summary>Builds a GAS from its fields.</summary>
        public GenericAddress(AcpiAddressSpace space, byte bitWidth, byte bitOffset, byte accessSize, ulong address)
        {
            AddressSpace = space; BitWidth = bitWidth; BitOffset = bitOffset; AccessSize = accessSize; Address = address;
        }

        /// <summary>True when <see cref="Address"/> is non-zero.</summary>
        public bool IsPresent => Address != 0;

        /// <summary>An I/O-space register at <paramref name="port"/> of <paramref name="bytes"/> bytes (legacy FADT blocks).</summary>
        public static GenericAddress IoPort(uint port, byte bytes) =>
            new GenericAddress(AcpiAddressSpace.SystemIO, (byte)(bytes * 8), 0, 0, port);

        /// <summary>Decodes 12 bytes; <paramref name="data"/> must hold at least <see cref="Size"/> bytes.</summary>
        public static GenericAddress Parse(ReadOnlySpan<byte> data)
        {
            if (data.Length < Size) throw new ArgumentException("Generic Address Structure needs 12 bytes");
            return new GenericAddress((AcpiAddressSpace)data[0], data[1], data[2], data[3],
                BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(4)));
        }

        /// <summary>"io 0x604 (16 bit)" style text for diagnostics.</summary>
        public override string ToString()
        {
            if (!IsPresent) return "none";
            string space = AddressSpace switch
            {
                AcpiAddressSpace.SystemMemory => "mem ",
                AcpiAddressSpace.SystemIO => "io ",
                AcpiAddressSpace.PciConfiguration => "pci ",
                _ => string.Concat("space ", HalFormat.Hex((byte)AddressSpace), " "),
            };
            return string.Concat(space, HalFormat.Hex(Address), " (", HalFormat.Dec((ulong)BitWidth), " bit)");
        }
    }

    /// <summary>Root System Description Pointer (ACPI 6.5 §5.2.5.3), decoded.</summary>
    public sealed class AcpiRsdp
    {
        /// <summary>0 for ACPI 1.0 (20-byte structure, RSDT only); 2 or more for ACPI 2.0+ (XSDT).</summary>
        public byte Revision;
        /// <summary>OEM ID, 6 ASCII characters, trailing blanks removed.</summary>
        public string OemId;
        /// <summary>32-bit physical address of the RSDT.</summary>
        public uint RsdtAddress;
        /// <summary>Length of the whole structure (ACPI 2.0+; 20 for revision 0).</summary>
        public uint Length;
        /// <summary>64-bit physical address of the XSDT (ACPI 2.0+; 0 when absent).</summary>
        public ulong XsdtAddress;
    }

    /// <summary>System Description Table header, 36 bytes (ACPI 6.5 §5.2.6, Table 5.4).</summary>
    public readonly struct AcpiTableHeader
    {
        /// <summary>Header size in bytes.</summary>
        public const int Size = 36;
        /// <summary>4-character signature (e.g. "FACP"); non-printable bytes shown as '?'.</summary>
        public readonly string Signature;
        /// <summary>Length of the whole table including this header, in bytes.</summary>
        public readonly uint Length;
        /// <summary>Table revision.</summary>
        public readonly byte Revision;
        /// <summary>Checksum byte (the whole table sums to 0 mod 256).</summary>
        public readonly byte Checksum;
        /// <summary>OEM ID (6 chars, trimmed).</summary>
        public readonly string OemId;
        /// <summary>OEM table ID (8 chars, trimmed).</summary>
        public readonly string OemTableId;
        /// <summary>OEM revision.</summary>
        public readonly uint OemRevision;
        /// <summary>Creator ID (vendor of the tool that made the table, 4 ASCII chars as a u32).</summary>
        public readonly uint CreatorId;
        /// <summary>Creator revision.</summary>
        public readonly uint CreatorRevision;

        internal AcpiTableHeader(ReadOnlySpan<byte> d)
        {
            Signature = HalFormat.Ascii(d.Slice(0, 4));
            Length = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(4));
            Revision = d[8];
            Checksum = d[9];
            OemId = HalFormat.AsciiTrimmed(d.Slice(10, 6));
            OemTableId = HalFormat.AsciiTrimmed(d.Slice(16, 8));
            OemRevision = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(24));
            CreatorId = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(28));
            CreatorRevision = BinaryPrimitives.ReadUInt32LittleEndian(d.Slice(32));
        }
    }

    /// <summary>
    /// Fixed ACPI Description Table ("FACP"), decoded (ACPI 6.5 §5.2.9, Table 5.9). Fields past
    /// the table's length read as 0. Register blocks are merged: the 64-bit X_ Generic Address
    /// fields win when present (non-zero address), otherwise the 32-bit legacy I/O port fields
    /// are turned into I/O-space <see cref="GenericAddress"/> values.
    /// </summary>
    public sealed class AcpiFadt
    {
        /// <summary>ACPI 1.0 FADT length (fields up to Flags).</summary>
        public const int MinimumLength = 116;
        /// <summary>FADT Flags bit 10: RESET_REG_SUP, the reset register is supported.</summary>
        public const uint FlagResetRegSupported = 1u << 10;
        /// <summary>FADT Flags bit 20: HW_REDUCED_ACPI.</summary>
        public const uint FlagHardwareReduced = 1u << 20;
        /// <summary>IAPC_BOOT_ARCH bit 0: LEGACY_DEVICES (ISA/LPC devices present).</summary>
        public const ushort BootArchLegacyDevices = 1 << 0;
        /// <summary>IAPC_BOOT_ARCH bit 1: 8042 controller present.</summary>
        public const ushort BootArch8042 = 1 << 1;
        /// <summary>IAPC_BOOT_ARCH bit 2: VGA Not Present.</summary>
        public const ushort BootArchVgaNotPresent = 1 << 2;

        /// <summary>The table header.</summary>
        public AcpiTableHeader Header;
        /// <summary>FADT Minor Version (offset 131, ACPI 5.1+; 0 before).</summary>
        public byte MinorVersion;
        /// <summary>FIRMWARE_CTRL: 32-bit physical address of the FACS.</summary>
        public uint FirmwareCtrl;
        /// <summary>X_FIRMWARE_CTRL: 64-bit physical address of the FACS (0 = use <see cref="FirmwareCtrl"/>).</summary>
        public ulong XFirmwareCtrl;
        /// <summary>DSDT: 32-bit physical address of the DSDT.</summary>
        public uint Dsdt32;
        /// <summary>X_DSDT: 64-bit physical address of the DSDT (0 = use <see cref="Dsdt32"/>).</summary>
        public ulong XDsdt;
        /// <summary>Preferred_PM_Profile (0 unspecified, 1 desktop, 2 mobile, ...).</summary>
        public byte PreferredPmProfile;
        /// <summary>SCI_INT: the system vector (8259 IRQ) of the SCI interrupt.</summary>
        public ushort SciInterrupt;
        /// <summary>SMI_CMD: I/O port of the SMI command register (0 = ACPI mode is always on).</summary>
        public uint SmiCommandPort;
        /// <summary>ACPI_ENABLE: value written to <see cref="SmiCommandPort"/> to enter ACPI mode.</summary>
        public byte AcpiEnable;
        /// <summary>ACPI_DISABLE: value written to <see cref="SmiCommandPort"/> to leave ACPI mode.</summary>
        public byte AcpiDisable;
        /// <summary>PM1a event register block (merged X_/legacy).</summary>
        public GenericAddress Pm1aEventBlock;
        /// <summary>PM1b event register block (merged; often absent).</summary>
        public GenericAddress Pm1bEventBlock;
        /// <summary>PM1a control register block (merged): SCI_EN bit 0, SLP_TYP bits 10-12, SLP_EN bit 13.</summary>
        public GenericAddress Pm1aControlBlock;
        /// <summary>PM1b control register block (merged; often absent).</summary>
        public GenericAddress Pm1bControlBlock;
        /// <summary>PM2 control register block (merged).</summary>
        public GenericAddress Pm2ControlBlock;
        /// <summary>Power management timer block (merged; 24- or 32-bit counter at 3.579545 MHz).</summary>
        public GenericAddress PmTimerBlock;
        /// <summary>PM1_EVT_LEN in bytes.</summary>
        public byte Pm1EventLength;
        /// <summary>PM1_CNT_LEN in bytes.</summary>
        public byte Pm1ControlLength;
        /// <summary>PM_TMR_LEN in bytes.</summary>
        public byte PmTimerLength;
        /// <summary>CENTURY: CMOS RAM index of the century register (0 = not supported).</summary>
        public byte Century;
        /// <summary>IAPC_BOOT_ARCH flags (ACPI 2.0+; 0 in a 1.0 FADT).</summary>
        public ushort IaPcBootArch;
        /// <summary>Fixed feature flags (Table 5.10).</summary>
        public uint Flags;
        /// <summary>RESET_REG (ACPI 2.0+; absent when the FADT is shorter than 129 bytes).</summary>
        public GenericAddress ResetRegister;
        /// <summary>RESET_VALUE: the byte to write to <see cref="ResetRegister"/>.</summary>
        public byte ResetValue;
        /// <summary>SLEEP_CONTROL_REG (ACPI 5.0+, hardware-reduced platforms).</summary>
        public GenericAddress SleepControlRegister;
        /// <summary>SLEEP_STATUS_REG (ACPI 5.0+, hardware-reduced platforms).</summary>
        public GenericAddress SleepStatusRegister;

        /// <summary>Physical address of the DSDT: X_DSDT when non-zero, else DSDT.</summary>
        public ulong DsdtAddress => XDsdt != 0 ? XDsdt : Dsdt32;
        /// <summary>Physical address of the FACS: X_FIRMWARE_CTRL when non-zero, else FIRMWARE_CTRL.</summary>
        public ulong FacsAddress => XFirmwareCtrl != 0 ? XFirmwareCtrl : FirmwareCtrl;
        /// <summary>RESET_REG_SUP is set and the FADT is long enough to hold RESET_REG.</summary>
        public bool ResetSupported => (Flags & FlagResetRegSupported) != 0 && ResetRegister.IsPresent;
        /// <summary>HW_REDUCED_ACPI is set (no PM1 blocks; sleep via <see cref="SleepControlRegister"/>).</summary>
        public bool HardwareReduced => (Flags & FlagHardwareReduced) != 0;
        /// <summary>IAPC_BOOT_ARCH says an 8042 controller is present (unreliable on FADT revision 1, where the field is reserved).</summary>
        public bool Has8042 => (IaPcBootArch & BootArch8042) != 0;
        /// <summary>IAPC_BOOT_ARCH says VGA is not present.</summary>
        public bool VgaNotPresent => (IaPcBootArch & BootArchVgaNotPresent) != 0;
    }

    /// <summary>SLP_TYPa/SLP_TYPb values of a \_Sx_ object (ACPI 6.5 §7.4.2).</summary>
    public readonly struct AcpiSleepType
    {
        /// <summary>Value for PM1a_CNT.SLP_TYP (3 bits are used).</summary>
        public readonly byte SlpTypA;
        /// <summary>Value for PM1b_CNT.SLP_TYP (3 bits are used).</summary>
        public readonly byte SlpTypB;
        /// <summary>Builds the pair.</summary>
        public AcpiSleepType(byte a, byte b) { SlpTypA = a; SlpTypB = b; }
    }

    /// <summary>
    /// Pure parsers for the ACPI structures the HAL needs. Every function works on a
    /// <see cref="ReadOnlySpan{T}"/> (no I/O, no pointers into physical memory), never throws on
    /// malformed data and reports the reason in an error string instead, so it runs in host
    /// tests. Sources: ACPI 6.5 §5.2.5 (RSDP), §5.2.6 (header), §5.2.7/§5.2.8 (RSDT/XSDT),
    /// §5.2.9 (FADT), §20.2 (AML grammar) and §7.4.2 (\_Sx objects).
    /// </summary>
    public static class AcpiParser
    {
        /// <summary>Length of the ACPI 1.0 RSDP (checksum covers these bytes).</summary>
        public const int RsdpV1Length = 20;
        /// <summary>Length of the ACPI 2.0+ RSDP (extended checksum covers Length bytes).</summary>
        public const int RsdpV2Length = 36;
        /// <summary>Sanity limit on any table's length (64 MiB); larger lengths are treated as corrupt.</summary>
        public const uint MaxTableLength = 64u << 20;
        /// <summary>Sanity limit on the number of RSDT/XSDT entries.</summary>
        public const int MaxRootEntries = 4096;

        /// <summary>Sum of all bytes modulo 256; a valid ACPI structure sums to 0.</summary>
        public static byte Checksum(ReadOnlySpan<byte> data)
        {
            byte sum = 0;
            for (int i = 0; i < data.Length; i++) sum += data[i];
            return sum;
        }

        /// <summary>True when the first 4 bytes of <paramref name="data"/> are the ASCII <paramref name="signature"/>.</summary>
        public static bool SignatureIs(ReadOnlySpan<byte> data, string signature)
        {
            if (signature == null || data.Length < signature.Length) return false;
            for (int i = 0; i < signature.Length; i++)
                if (data[i] != (byte)signature[i]) return false;
            return true;
        }

        /// <summary>
        /// Decodes an RSDP whose first byte is the "RSD PTR " signature. Checks the signature,
        /// the 20-byte checksum and, for revision 2 or later, the Length field (36 or more,
        /// within <paramref name="data"/>) and the extended checksum. ACPI 6.5 §5.2.5.3.
        /// </summary>
        public static bool TryParseRsdp(ReadOnlySpan<byte> data, out AcpiRsdp rsdp, out string error)
        {
            rsdp = null;
            if (data.Length < RsdpV1Length) { error = string.Concat("RSDP: only ", HalFormat.Dec((ulong)data.Length), " bytes (need 20)"); return false; }
            if (!SignatureIs(data, "RSD PTR ")) { error = "RSDP: signature is not \"RSD PTR \""; return false; }
            if (Checksum(data.Slice(0, RsdpV1Length)) != 0) { error = "RSDP: checksum of the first 20 bytes is not zero"; return false; }
            var r = new AcpiRsdp
            {
                OemId = HalFormat.AsciiTrimmed(data.Slice(9, 6)),
                Revision = data[15],
                RsdtAddress = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(16)),
                Length = RsdpV1Length,
            };
            if (r.Revision >= 2)
            {
                if (data.Length < RsdpV2Length) { error = string.Concat("RSDP: revision ", HalFormat.Dec((ulong)r.Revision), " needs 36 bytes, have ", HalFormat.Dec((ulong)data.Length)); return false; }
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(20));
                if (len < RsdpV2Length || len > data.Length) { error = string.Concat("RSDP: Length field ", HalFormat.Dec((ulong)len), " is out of range"); return false; }
                if (Checksum(data.Slice(0, (int)len)) != 0) { error = "RSDP: extended checksum is not zero"; return false; }
                r.Length = len;
                r.XsdtAddress = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(24));
            }
            rsdp = r;
            error = null;
            return true;
        }

        /// <summary>
        /// Finds the first valid RSDP in a memory region copy that starts on a 16-byte boundary
        /// (the RSDP is always 16-byte aligned, ACPI 6.5 §5.2.5.1). Returns its offset, or -1.
        /// Candidates with the signature but a bad checksum are skipped; the last such reason is
        /// returned in <paramref name="lastError"/> (null when no signature was seen at all).
        /// </summary>
        public static int FindRsdp(ReadOnlySpan<byte> region, out AcpiRsdp rsdp, out string lastError)
        {
            rsdp = null;
            lastError = null;
            for (int off = 0; off + RsdpV1Length <= region.Length; off += 16)
            {
                if (region[off] != (byte)'R' || !SignatureIs(region.Slice(off), "RSD PTR ")) continue;
                if (TryParseRsdp(region.Slice(off), out rsdp, out string err)) return off;
                lastError = err;
            }
            return -1;
        }

        /// <summary>Decodes the 36-byte header; fails when fewer bytes are given.</summary>
        public static bool TryParseHeader(ReadOnlySpan<byte> data, out AcpiTableHeader header, out string error)
        {
            header = default;
            if (data.Length < AcpiTableHeader.Size) { error = string.Concat("table header: only ", HalFormat.Dec((ulong)data.Length), " bytes (need 36)"); return false; }
            header = new AcpiTableHeader(data);
            error = null;
            return true;
        }

        /// <summary>
        /// Validates a whole table: header present, signature equal to
        /// <paramref name="expectedSignature"/> (null accepts any), Length between 36 and
        /// <see cref="MaxTableLength"/> and not beyond <paramref name="data"/>, and a zero
        /// checksum over Length bytes. On success <paramref name="header"/> is filled; on a
        /// checksum failure it is filled too (so callers can list the table) but false is returned.
        /// </summary>
        public static bool TryValidateTable(ReadOnlySpan<byte> data, string expectedSignature, out AcpiTableHeader header, out string error)
            => ValidateTable(data, expectedSignature, true, out header, out error);

        private static bool ValidateTable(ReadOnlySpan<byte> data, string expectedSignature, bool checkSum, out AcpiTableHeader header, out string error)
        {
            if (!TryParseHeader(data, out header, out error)) return false;
            if (expectedSignature != null && !SignatureIs(data, expectedSignature))
            {
                error = string.Concat("expected table \"", expectedSignature, "\", found \"", header.Signature, "\"");
                return false;
            }
            if (header.Length < AcpiTableHeader.Size || header.Length > MaxTableLength)
            {
                error = string.Concat(header.Signature, ": Length ", HalFormat.Dec((ulong)header.Length), " is out of range");
                return false;
            }
            if (header.Length > (uint)data.Length)
            {
                error = string.Concat(header.Signature, ": Length ", HalFormat.Dec((ulong)header.Length), " runs past the ", HalFormat.Dec((ulong)data.Length), " bytes available");
                return false;
            }
            if (checkSum && Checksum(data.Slice(0, (int)header.Length)) != 0)
            {
                error = string.Concat(header.Signature, ": checksum is not zero");
                return false;
            }
            error = null;
            return true;
        }

        /// <summary>
        /// Reads the entry array of a validated RSDT (4-byte entries, ACPI 6.5 §5.2.7) or XSDT
        /// (8-byte entries, §5.2.8). The table must pass <see cref="TryValidateTable"/> with
        /// signature "RSDT"/"XSDT". Trailing bytes that do not form a whole entry are ignored; more
        /// than <see cref="MaxRootEntries"/> entries is treated as corruption.
        /// </summary>
        public static bool TryParseRootTable(ReadOnlySpan<byte> table, bool isXsdt, out ulong[] entries, out string error)
        {
            entries = null;
            if (!TryValidateTable(table, isXsdt ? "XSDT" : "RSDT", out var header, out error)) return false;
            int size = isXsdt ? 8 : 4;
            int count = ((int)header.Length - AcpiTableHeader.Size) / size;
            if (count > MaxRootEntries)
            {
                error = string.Concat(header.Signature, ": ", HalFormat.Dec((ulong)count), " entries is implausible (limit ", HalFormat.Dec((ulong)MaxRootEntries), ")");
                return false;
            }
            var list = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                var e = table.Slice(AcpiTableHeader.Size + i * size);
                list[i] = isXsdt ? BinaryPrimitives.ReadUInt64LittleEndian(e) : BinaryPrimitives.ReadUInt32LittleEndian(e);
            }
            entries = list;
            return true;
        }

        /// <summary>
        /// Decodes a FADT ("FACP"). The table must be at least <see cref="AcpiFadt.MinimumLength"/>
        /// (116) bytes; later fields are read only when Length covers them. A bad checksum is an
        /// error (use <paramref name="ignoreChecksum"/> to accept it, as some firmware ships one).
        /// Offsets per ACPI 6.5 Table 5.9.
        /// </summary>
        public static bool TryParseFadt(ReadOnlySpan<byte> table, out AcpiFadt fadt, out string error, bool ignoreChecksum = false)
        {
            fadt = null;
            if (!ValidateTable(table, "FACP", !ignoreChecksum, out var header, out error)) return false;
            if (header.Length < AcpiFadt.MinimumLength)
            {
                error = string.Concat("FACP: Length ", HalFormat.Dec((ulong)header.Length), " is shorter than the ACPI 1.0 minimum of 116 bytes");
                return false;
            }
            var t = table.Slice(0, (int)header.Length);
            var f = new AcpiFadt { Header = header };
            f.FirmwareCtrl = U32(t, 36);
            f.Dsdt32 = U32(t, 40);
            f.PreferredPmProfile = t[45];
            f.SciInterrupt = U16(t, 46);
            f.SmiCommandPort = U32(t, 48);
            f.AcpiEnable = t[52];
            f.AcpiDisable = t[53];
            uint pm1aEvt = U32(t, 56), pm1bEvt = U32(t, 60), pm1aCnt = U32(t, 64), pm1bCnt = U32(t, 68);
            uint pm2Cnt = U32(t, 72), pmTmr = U32(t, 76);
            f.Pm1EventLength = t[88];
            f.Pm1ControlLength = t[89];
            byte pm2Len = t[90];
            f.PmTimerLength = t[91];
            f.Century = t[108];
            // IAPC_BOOT_ARCH is reserved in ACPI 1.0 (FADT revision 1).
            f.IaPcBootArch = header.Revision >= 2 ? U16(t, 109) : (ushort)0;
            f.Flags = U32(t, 112);
            if (t.Length >= 129)
            {
                f.ResetRegister = GenericAddress.Parse(t.Slice(116));
                f.ResetValue = t[128];
            }
            if (t.Length >= 132) f.MinorVersion = t[131];
            if (t.Length >= 140) f.XFirmwareCtrl = U64(t, 132);
            if (t.Length >= 148) f.XDsdt = U64(t, 140);

            f.Pm1aEventBlock = Merge(t, 148, pm1aEvt, f.Pm1EventLength);
            f.Pm1bEventBlock = Merge(t, 160, pm1bEvt, f.Pm1EventLength);
            f.Pm1aControlBlock = Merge(t, 172, pm1aCnt, f.Pm1ControlLength);
            f.Pm1bControlBlock = Merge(t, 184, pm1bCnt, f.Pm1ControlLength);
            f.Pm2ControlBlock = Merge(t, 196, pm2Cnt, pm2Len);
            f.PmTimerBlock = Merge(t, 208, pmTmr, f.PmTimerLength);
            if (t.Length >= 256) f.SleepControlRegister = GenericAddress.Parse(t.Slice(244));
            if (t.Length >= 268) f.SleepStatusRegister = GenericAddress.Parse(t.Slice(256));

            fadt = f;
            error = null;
            return true;
        }

        private static GenericAddress Merge(ReadOnlySpan<byte> t, int xOffset, uint legacyPort, byte legacyLen)
        {
            if (t.Length >= xOffset + GenericAddress.Size)
            {
                var x = GenericAddress.Parse(t.Slice(xOffset));
                if (x.IsPresent) return x;
            }
            return legacyPort != 0 ? GenericAddress.IoPort(legacyPort, legacyLen) : default;
        }

        private static ushort U16(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt16LittleEndian(t.Slice(o));
        private static uint U32(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt32LittleEndian(t.Slice(o));
        private static ulong U64(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt64LittleEndian(t.Slice(o));

        // ---------------------------------------------------------------- AML

        /// <summary>AML NameOp (ACPI 6.5 §20.2.5.1).</summary>
        public const byte AmlNameOp = 0x08;
        /// <summary>AML PackageOp (§20.2.5.4).</summary>
        public const byte AmlPackageOp = 0x12;
        /// <summary>AML VarPackageOp (§20.2.5.4).</summary>
        public const byte AmlVarPackageOp = 0x13;

        /// <summary>
        /// Decodes a PkgLength at <paramref name="offset"/> (ACPI 6.5 §20.2.4): bits 7-6 of the
        /// lead byte give the number of following bytes (0-3). With none, bits 5-0 are the length;
        /// otherwise bits 3-0 are the low nibble and each following byte adds 8 more bits (bits 5-4
        /// must be 0). The length counts the PkgLength bytes themselves.
        /// </summary>
        public static bool TryDecodePkgLength(ReadOnlySpan<byte> aml, int offset, out int length, out int bytesUsed)
        {
            length = 0; bytesUsed = 0;
            if ((uint)offset >= (uint)aml.Length) return false;
            byte lead = aml[offset];
            int follow = lead >> 6;
            if (offset + 1 + follow > aml.Length) return false;
            if (follow == 0) { length = lead & 0x3F; bytesUsed = 1; return true; }
            if ((lead & 0x30) != 0) return false;
            int value = lead & 0x0F;
            for (int i = 0; i < follow; i++) value |= aml[offset + 1 + i] << (4 + 8 * i);
            length = value; bytesUsed = 1 + follow;
            return true;
        }

        /// <summary>
        /// Decodes an AML integer constant at <paramref name="offset"/> (ACPI 6.5 §20.2.3):
        /// ZeroOp 0x00, OneOp 0x01, OnesOp 0xFF, BytePrefix 0x0A, WordPrefix 0x0B,
        /// DWordPrefix 0x0C, QWordPrefix 0x0E. Reads nothing at or past <paramref name="end"/>.
        /// </summary>
        public static bool TryDecodeInteger(ReadOnlySpan<byte> aml, int offset, int end, out ulong value, out int bytesUsed)
        {
            value = 0; bytesUsed = 0;
            if (end > aml.Length) end = aml.Length;
            if (offset < 0 || offset >= end) return false;
            int size;
            switch (aml[offset])
            {
                case 0x00: value = 0; bytesUsed = 1; return true;
                case 0x01: value = 1; bytesUsed = 1; return true;
                case 0xFF: value = ulong.MaxValue; bytesUsed = 1; return true;
                case 0x0A: size = 1; break;
                case 0x0B: size = 2; break;
                case 0x0C: size = 4; break;
                case 0x0E: size = 8; break;
                default: return false;
            }
            if (offset + 1 + size > end) return false;
            for (int i = 0; i < size; i++) value |= (ulong)aml[offset + 1 + i] << (8 * i);
            bytesUsed = 1 + size;
            return true;
        }

        /// <summary>
        /// Finds <c>Name(_S5_, Package(){ SLP_TYPa, SLP_TYPb, ... })</c> in AML (the DSDT or an
        /// SSDT, with or without its 36-byte header) and returns the two sleep type values.
        /// Accepted: NameOp, optionally a root '\' or parent '^' prefixes, "_S5_", PackageOp or
        /// VarPackageOp, PkgLength, element count, then integer constants (see
        /// <see cref="TryDecodeInteger"/>). A one-element package holds SLP_TYPa in bits 0-7 and
        /// SLP_TYPb in bits 8-15 (the convention ACPICA follows). Occurrences of "_S5_" that are
        /// not a Name (a Method, a string, a reference) are skipped. Fails with a reason when no
        /// usable definition exists or the package is malformed (ACPI 6.5 §7.4.2, §20.2).
        /// </summary>
        public static bool TryFindS5(ReadOnlySpan<byte> aml, out AcpiSleepType sleepType, out string error)
        {
            return TryFindSleepPackage(aml, (byte)'5', out sleepType, out error);
        }

        /// <summary>Same as <see cref="TryFindS5"/> for \_S<paramref name="state"/>_ (state '0'..'5').</summary>
        public static bool TryFindSleepPackage(ReadOnlySpan<byte> aml, byte state, out AcpiSleepType sleepType, out string error)
        {
            sleepType = default;
            string name = string.Concat("_S", new string((char)state, 1), "_");
            string firstProblem = null;
            for (int i = 0; i + 4 <= aml.Length; i++)
            {
                if (aml[i] != (byte)'_' || aml[i + 1] != (byte)'S' || aml[i + 2] != state || aml[i + 3] != (byte)'_') continue;
                int p = i - 1;
                while (p >= 0 && aml[p] == (byte)'^') p--;
                if (p >= 0 && aml[p] == (byte)'\\') p--;
                if (p < 0 || aml[p] != AmlNameOp) continue; // not a Name() definition (method, reference, string...)

                string problem = DecodeSleepPackage(aml, i + 4, name, out sleepType);
                if (problem == null) { error = null; return true; }
                firstProblem ??= problem;
            }
            error = firstProblem ?? string.Concat("no Name(", name, ", Package) in ", HalFormat.Dec((ulong)aml.Length), " bytes of AML");
            return false;
        }

        private static string DecodeSleepPackage(ReadOnlySpan<byte> aml, int j, string name, out AcpiSleepType sleepType)
        {
            sleepType = default;
            string at = string.Concat(name, " at AML offset ", HalFormat.Hex((ulong)j - 4));
            if (j >= aml.Length) return string.Concat(at, ": truncated after the name");
            byte op = aml[j];
            if (op != AmlPackageOp && op != AmlVarPackageOp)
                return string.Concat(at, ": value is not a Package (opcode ", HalFormat.Hex(op, 2), ")");
            int pkgStart = j + 1;
            if (!TryDecodePkgLength(aml, pkgStart, out int pkgLen, out int used))
                return string.Concat(at, ": malformed PkgLength");
            int end = pkgStart + pkgLen;
            if (pkgLen < used + 1 || end > aml.Length)
                return string.Concat(at, ": package length ", HalFormat.Dec((ulong)pkgLen), " runs past the end of the AML");
            int k = pkgStart + used;
            ulong count;
            if (op == AmlPackageOp) { count = aml[k]; k++; }
            else
            {
                if (!TryDecodeInteger(aml, k, end, out count, out int n))
                    return string.Concat(at, ": VarPackage element count is not a constant");
                k += n;
            }
            if (count == 0) return string.Concat(at, ": package has no elements");
            if (!TryDecodeInteger(aml, k, end, out ulong a, out int na))
                return string.Concat(at, ": element 0 is not an integer constant", Opcode(aml, k, end));
            k += na;
            if (count == 1)
            {
                sleepType = new AcpiSleepType((byte)a, (byte)(a >> 8));
                return null;
            }
            if (!TryDecodeInteger(aml, k, end, out ulong b, out _))
                return string.Concat(at, ": element 1 is not an integer constant", Opcode(aml, k, end));
            sleepType = new AcpiSleepType((byte)a, (byte)b);
            return null;
        }

        private static string Opcode(ReadOnlySpan<byte> aml, int k, int end) =>
            k < end ? string.Concat(" (opcode ", HalFormat.Hex(aml[k], 2), ")") : " (package ends early)";
    }
}
