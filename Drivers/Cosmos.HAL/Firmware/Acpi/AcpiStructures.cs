using System;
using System.Buffers.Binary;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>One ACPI table seen while walking the RSDT/XSDT (plus the DSDT), for diagnostics.</summary>
    public sealed class AcpiTableInfo
    {
        /// <summary>4-character signature ("????" when unreadable).</summary>
        public string Signature;
        /// <summary>Physical address of the table header.</summary>
        public ulong Address;
        /// <summary>Length from the header, in bytes (0 when unreadable).</summary>
        public uint Length;
        /// <summary>Header revision.</summary>
        public byte Revision;
        /// <summary>OEM ID from the header.</summary>
        public string OemId;
        /// <summary>OEM table ID from the header.</summary>
        public string OemTableId;
        /// <summary>True when the checksum over Length bytes is zero.</summary>
        public bool ChecksumValid;
        /// <summary>Why the table is unusable or suspicious, or null.</summary>
        public string Error;
    }

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
}
