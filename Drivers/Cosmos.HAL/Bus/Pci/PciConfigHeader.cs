using System;
using System.Buffers.Binary;

namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>
    /// The predefined 64-byte header of a PCI function's configuration space, decoded from its bytes (little-endian).
    /// Common part (PCI Local Bus 3.0 §6.1, §6.2.1, Figure 6-1): vendor ID 0x00, device ID 0x02, Command 0x04,
    /// Status 0x06, revision 0x08, programming interface 0x09, subclass 0x0A, base class 0x0B, cache line size 0x0C,
    /// latency timer 0x0D, header type 0x0E (bits 6–0 layout, bit 7 multi-function), BIST 0x0F. Type 0 (devices):
    /// six BARs at 0x10–0x24, subsystem vendor/ID 0x2C/0x2E, expansion ROM 0x30, capabilities pointer 0x34.
    /// Type 1 (PCI-to-PCI bridges, PCI-to-PCI Bridge Architecture 1.2 §3.2): two BARs at 0x10/0x14, primary,
    /// secondary and subordinate bus numbers 0x18–0x1A, capabilities pointer 0x34. Type 2 (CardBus bridges):
    /// one BAR at 0x10, capabilities pointer 0x14, PCI/CardBus/subordinate bus numbers 0x18–0x1A. All types:
    /// interrupt line 0x3C, interrupt pin 0x3D. Pure: runs on the host.
    /// </summary>
    public readonly struct PciConfigHeader
    {
        /// <summary>Bytes of the predefined header.</summary>
        public const int Size = 64;
        /// <summary>Offset of BAR0.</summary>
        public const int Bar0Offset = 0x10;
        /// <summary>Command register bit 0: I/O space decoding.</summary>
        public const ushort CommandIoSpace = 1 << 0;
        /// <summary>Command register bit 1: memory space decoding.</summary>
        public const ushort CommandMemorySpace = 1 << 1;
        /// <summary>Command register bit 2: bus master (the function may start DMA).</summary>
        public const ushort CommandBusMaster = 1 << 2;
        /// <summary>Command register bit 10: INTx# disabled.</summary>
        public const ushort CommandInterruptDisable = 1 << 10;
        /// <summary>Status register bit 4: a capabilities list starts at <see cref="CapabilitiesPointer"/>.</summary>
        public const ushort StatusCapabilitiesList = 1 << 4;
        /// <summary>Base class 06h: bridge device.</summary>
        public const byte ClassBridge = 0x06;
        /// <summary>Bridge subclass 00h: host bridge.</summary>
        public const byte SubclassHostBridge = 0x00;
        /// <summary>Bridge subclass 04h: PCI-to-PCI bridge.</summary>
        public const byte SubclassPciToPciBridge = 0x04;

        private readonly byte[] _bytes;

        private PciConfigHeader(byte[] bytes) { _bytes = bytes; }

        /// <summary>
        /// Decodes the first <see cref="Size"/> bytes of <paramref name="config"/> (a copy is kept). False with
        /// <paramref name="error"/> when fewer than 64 bytes are given. A function that does not exist reads as all
        /// ones; it still decodes (<see cref="Exists"/> is false).
        /// </summary>
        public static bool TryParse(ReadOnlySpan<byte> config, out PciConfigHeader header, out string error)
        {
            if (config.Length < Size)
            {
                header = default;
                error = string.Concat("PCI configuration header: only ", HalFormat.Dec((ulong)config.Length), " bytes (need 64)");
                return false;
            }
            header = new PciConfigHeader(config.Slice(0, Size).ToArray());
            error = null;
            return true;
        }

        /// <summary>Reads the 64-byte header of <paramref name="address"/> through <paramref name="config"/> (16 dword reads).</summary>
        public static PciConfigHeader Read(IPciConfigAccess config, PciAddress address)
        {
            var bytes = new byte[Size];
            for (int i = 0; i < Size; i += 4) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), config.Read32(address, i));
            return new PciConfigHeader(bytes);
        }

        /// <summary>The 64 header bytes (empty for a default value).</summary>
        public ReadOnlySpan<byte> Bytes => _bytes;

        private byte U8(int o) => _bytes == null ? (byte)0xFF : _bytes[o];
        private ushort U16(int o) => _bytes == null ? (ushort)0xFFFF : BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(o));
        private uint U32(int o) => _bytes == null ? 0xFFFF_FFFFu : BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(o));

        /// <summary>Vendor ID (0x00); 0xFFFF when no function answers.</summary>
        public ushort VendorId => U16(0x00);
        /// <summary>Device ID (0x02).</summary>
        public ushort DeviceId => U16(0x02);
        /// <summary>Command register (0x04): see the Command* constants.</summary>
        public ushort Command => U16(0x04);
        /// <summary>Status register (0x06).</summary>
        public ushort Status => U16(0x06);
        /// <summary>Revision ID (0x08).</summary>
        public byte RevisionId => U8(0x08);
        /// <summary>Programming interface (0x09).</summary>
        public byte ProgIf => U8(0x09);
        /// <summary>Subclass (0x0A).</summary>
        public byte Subclass => U8(0x0A);
        /// <summary>Base class code (0x0B; PCI Local Bus 3.0 Appendix D).</summary>
        public byte ClassCode => U8(0x0B);
        /// <summary>Cache line size in dwords (0x0C).</summary>
        public byte CacheLineSize => U8(0x0C);
        /// <summary>Latency timer in bus clocks (0x0D).</summary>
        public byte LatencyTimer => U8(0x0D);
        /// <summary>Header type byte as read (0x0E), multi-function bit included.</summary>
        public byte HeaderTypeByte => U8(0x0E);
        /// <summary>Header layout: bits 6–0 of the header type (0 device, 1 PCI-to-PCI bridge, 2 CardBus bridge).</summary>
        public PCIDevice.PCIHeaderType Layout => (PCIDevice.PCIHeaderType)(HeaderTypeByte & 0x7F);
        /// <summary>Header type bit 7: the device has functions 1–7 as well (only meaningful on function 0).</summary>
        public bool IsMultifunction => (HeaderTypeByte & 0x80) != 0;
        /// <summary>BIST register (0x0F).</summary>
        public byte Bist => U8(0x0F);
        /// <summary>True when a function answered (vendor ID is not 0xFFFF).</summary>
        public bool Exists => VendorId != 0xFFFF;

        /// <summary>Number of BAR registers the layout has: 6 (type 0), 2 (type 1), 1 (type 2), 0 (unknown layouts).</summary>
        public int BarCount => Layout switch
        {
            PCIDevice.PCIHeaderType.Normal => 6,
            PCIDevice.PCIHeaderType.Bridge => 2,
            PCIDevice.PCIHeaderType.Cardbus => 1,
            _ => 0,
        };

        /// <summary>BAR register <paramref name="index"/> as read (0x10 + 4 × index).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="BarCount"/>.</exception>
        public uint GetBar(int index)
        {
            if ((uint)index >= (uint)BarCount) throw new ArgumentOutOfRangeException(nameof(index), "no such BAR in this header layout");
            return U32(Bar0Offset + 4 * index);
        }

        /// <summary>Subsystem vendor ID (type 0 at 0x2C; 0 for other layouts).</summary>
        public ushort SubsystemVendorId => Layout == PCIDevice.PCIHeaderType.Normal ? U16(0x2C) : (ushort)0;
        /// <summary>Subsystem ID (type 0 at 0x2E; 0 for other layouts).</summary>
        public ushort SubsystemId => Layout == PCIDevice.PCIHeaderType.Normal ? U16(0x2E) : (ushort)0;
        /// <summary>Offset of the first capability (0x34, or 0x14 for CardBus); 0 when the Status register says there is no list.</summary>
        public byte CapabilitiesPointer => (Status & StatusCapabilitiesList) == 0 ? (byte)0
            : (byte)(U8(Layout == PCIDevice.PCIHeaderType.Cardbus ? 0x14 : 0x34) & 0xFC);
        /// <summary>Primary bus number (bridges: 0x18; 0 for type 0).</summary>
        public byte PrimaryBus => Layout == PCIDevice.PCIHeaderType.Normal ? (byte)0 : U8(0x18);
        /// <summary>Secondary bus number, the bus behind the bridge (bridges: 0x19; 0 for type 0).</summary>
        public byte SecondaryBus => Layout == PCIDevice.PCIHeaderType.Normal ? (byte)0 : U8(0x19);
        /// <summary>Highest bus number behind the bridge (bridges: 0x1A; 0 for type 0).</summary>
        public byte SubordinateBus => Layout == PCIDevice.PCIHeaderType.Normal ? (byte)0 : U8(0x1A);
        /// <summary>Interrupt line (0x3C): the IRQ firmware routed INTx to (0xFF = unknown/none).</summary>
        public byte InterruptLine => U8(0x3C);
        /// <summary>Interrupt pin (0x3D): 0 none, 1–4 INTA#–INTD#.</summary>
        public byte InterruptPin => U8(0x3D);

        /// <summary>True for a PCI-to-PCI bridge: layout 1 with base class 06h, subclass 04h.</summary>
        public bool IsPciToPciBridge => Layout == PCIDevice.PCIHeaderType.Bridge && ClassCode == ClassBridge && SubclassBridgeToPci;
        private bool SubclassBridgeToPci => Subclass == SubclassPciToPciBridge || Subclass == 0x09; // 09h: semi-transparent PCI-to-PCI bridge
        /// <summary>True for a host bridge (base class 06h, subclass 00h).</summary>
        public bool IsHostBridge => ClassCode == ClassBridge && Subclass == SubclassHostBridge;
    }
}
