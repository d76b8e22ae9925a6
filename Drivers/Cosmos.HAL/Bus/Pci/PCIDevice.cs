using System;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL
{
    /// <summary>
    /// One PCI function as the bus sees it (Cosmos API name <c>PCIDevice</c>): its address, the identification and
    /// class registers and the decoded BARs, read when the object is made, plus configuration-space access for the
    /// driver that takes it. Registered in <see cref="DeviceRegistry"/> by <see cref="PCI"/> with stage
    /// <see cref="DeviceStage.OnDemand"/>: a PCI function has nothing to start until a driver binds to it.
    /// Sources: PCI Local Bus 3.0 §6.1–§6.2 (header, Command register, BARs), Appendix D (class codes).
    /// </summary>
    public class PCIDevice : Device
    {
        /// <summary>Header layout (header type bits 6–0; PCI Local Bus 3.0 §6.2.1).</summary>
        public enum PCIHeaderType : byte
        {
            /// <summary>Type 0: a device.</summary>
            Normal = 0x00,
            /// <summary>Type 1: a PCI-to-PCI bridge.</summary>
            Bridge = 0x01,
            /// <summary>Type 2: a CardBus bridge.</summary>
            Cardbus = 0x02,
        }

        /// <summary>Interrupt pin register values (0x3D).</summary>
        public enum PCIInterruptPIN : byte
        {
            /// <summary>No INTx pin.</summary>
            None = 0x00,
            /// <summary>INTA#.</summary>
            INTA = 0x01,
            /// <summary>INTB#.</summary>
            INTB = 0x02,
            /// <summary>INTC#.</summary>
            INTC = 0x03,
            /// <summary>INTD#.</summary>
            INTD = 0x04,
        }

        /// <summary>CONFIG_ADDRESS port of mechanism #1 (Cosmos API name).</summary>
        public const ushort ConfigAddressPort = PciConfigPorts.AddressPort;
        /// <summary>CONFIG_DATA port of mechanism #1 (Cosmos API name).</summary>
        public const ushort ConfigDataPort = PciConfigPorts.DataPort;

        /// <summary>Bus number (Cosmos API name).</summary>
        public readonly uint bus;
        /// <summary>Device number on the bus, 0–31 (Cosmos API name).</summary>
        public readonly uint slot;
        /// <summary>Function number, 0–7 (Cosmos API name).</summary>
        public readonly uint function;

        /// <summary>Vendor ID (0x00).</summary>
        public readonly ushort VendorID;
        /// <summary>Device ID (0x02).</summary>
        public readonly ushort DeviceID;
        /// <summary>Command register when the function was read (see <see cref="ReadRegister16"/> for the live value).</summary>
        public readonly ushort Command;
        /// <summary>Status register when the function was read.</summary>
        public readonly ushort Status;
        /// <summary>Revision ID (0x08).</summary>
        public readonly byte RevisionID;
        /// <summary>Programming interface (0x09).</summary>
        public readonly byte ProgIF;
        /// <summary>Subclass (0x0A).</summary>
        public readonly byte Subclass;
        /// <summary>Base class code (0x0B): 01h storage, 02h network, 03h display, 06h bridge, ...</summary>
        public readonly byte ClassCode;
        /// <summary>For bridges, the bus behind it (0x19); 0 for devices.</summary>
        public readonly byte SecondaryBusNumber;
        /// <summary>True when a function answered at this address (vendor ID is not 0xFFFF).</summary>
        public readonly bool DeviceExists;
        /// <summary>Header layout, without the multi-function bit.</summary>
        public readonly PCIHeaderType HeaderType;
        /// <summary>Header type bit 7 of function 0: the device has further functions.</summary>
        public readonly bool IsMultifunction;
        /// <summary>BIST register (0x0F).</summary>
        public readonly byte BIST;
        /// <summary>Interrupt pin (0x3D).</summary>
        public readonly PCIInterruptPIN InterruptPIN;
        /// <summary>Interrupt line (0x3C): the ISA IRQ firmware routed the pin to (0xFF none/unknown).</summary>
        public readonly byte InterruptLine;
        /// <summary>
        /// The decoded BARs, one entry per BAR register of the layout (6, 2 or 1; Cosmos API name), sized when the
        /// function was read. The upper dword of a 64-bit BAR has its own <see cref="PciBarKind.Memory64Upper"/> entry.
        /// </summary>
        public readonly PCIBaseAddressBar[] BaseAddressBar;

        /// <summary>The driver bound to this function by <see cref="PCI.BindDrivers"/> (e.g. an IDE controller), or null.</summary>
        public Device Driver { get; internal set; }

        /// <summary>Bus/device/function.</summary>
        public PciAddress Address { get; }
        /// <summary>The 64-byte header as read (BARs with their firmware values).</summary>
        public PciConfigHeader Header { get; }
        /// <summary>The configuration-space access this function is read and written through.</summary>
        public IPciConfigAccess Config { get; }

        /// <summary>Reads function <paramref name="function"/> of device <paramref name="slot"/> on <paramref name="bus"/> through mechanism #1 (Cosmos API shape).</summary>
        /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
        public PCIDevice(uint bus, uint slot, uint function)
            : this(PciConfigPorts.Instance, new PciAddress((int)Math.Min(bus, 256u), (int)Math.Min(slot, 32u), (int)Math.Min(function, 8u))) { }

        /// <summary>
        /// Reads the function at <paramref name="address"/>: its header, then sizes its BARs (for each BAR register:
        /// save it, write all ones, read back, restore; with I/O and memory decoding switched off in the Command
        /// register meanwhile, except on host bridges, which may stop forwarding memory cycles when told to; as Linux
        /// does). A function that does not exist gives <see cref="DeviceExists"/> false and no BARs.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
        public PCIDevice(IPciConfigAccess config, PciAddress address, Device parent = null)
            : base(string.Concat("PCI ", address.ToString()), DeviceClass.Other, DeviceStage.OnDemand, 0, parent)
        {
            Config = config ?? throw new ArgumentNullException(nameof(config));
            Address = address;
            bus = address.Bus; slot = address.Device; function = address.Function;
            var h = PciConfigHeader.Read(config, address);
            Header = h;
            VendorID = h.VendorId; DeviceID = h.DeviceId;
            Command = h.Command; Status = h.Status;
            RevisionID = h.RevisionId; ProgIF = h.ProgIf; Subclass = h.Subclass; ClassCode = h.ClassCode;
            HeaderType = h.Layout; IsMultifunction = h.IsMultifunction; BIST = h.Bist;
            InterruptLine = h.InterruptLine; InterruptPIN = (PCIInterruptPIN)h.InterruptPin;
            SecondaryBusNumber = h.SecondaryBus;
            DeviceExists = h.Exists;
            Class = ClassOf(ClassCode, Subclass);
            if (!DeviceExists) { BaseAddressBar = Array.Empty<PCIBaseAddressBar>(); return; }
            BaseAddressBar = SizeBars(config, address, h);
        }

        private static PCIBaseAddressBar[] SizeBars(IPciConfigAccess config, PciAddress address, in PciConfigHeader h)
        {
            int n = h.BarCount;
            if (n == 0) return Array.Empty<PCIBaseAddressBar>();
            Span<uint> values = stackalloc uint[n];
            Span<uint> probes = stackalloc uint[n];
            // The header was just read: its Command and BAR values are current (saves 7 accesses per function).
            ushort command = h.Command;
            const ushort decode = PciConfigHeader.CommandIoSpace | PciConfigHeader.CommandMemorySpace;
            bool toggle = (command & decode) != 0 && !h.IsHostBridge;
            if (toggle) config.Write16(address, 0x04, (ushort)(command & ~decode));
            for (int i = 0; i < n; i++)
            {
                int offset = PciConfigHeader.Bar0Offset + 4 * i;
                uint value = h.GetBar(i);
                config.Write32(address, offset, 0xFFFF_FFFF);
                probes[i] = config.Read32(address, offset);
                config.Write32(address, offset, value);
                values[i] = value;
            }
            if (toggle) config.Write16(address, 0x04, command);
            return PCIBaseAddressBar.Decode(values, probes);
        }

        /// <summary>The <see cref="DeviceClass"/> of PCI base class <paramref name="classCode"/> (PCI Local Bus 3.0 Appendix D).</summary>
        public static DeviceClass ClassOf(byte classCode, byte subclass) => classCode switch
        {
            0x01 => DeviceClass.Storage,
            0x02 => DeviceClass.Network,
            0x03 => DeviceClass.Graphics,
            0x06 => DeviceClass.Bridge,
            0x09 => DeviceClass.Input,
            0x07 when subclass == 0x00 => DeviceClass.Serial,
            _ => DeviceClass.Other,
        };

        /// <summary>True for a PCI-to-PCI bridge (layout 1, class 06h, subclass 04h or 09h).</summary>
        public bool IsPciToPciBridge => Header.IsPciToPciBridge;

        /// <summary>Reads the byte at configuration offset <paramref name="aRegister"/> (Cosmos API name).</summary>
        public byte ReadRegister8(byte aRegister) => Config.Read8(Address, aRegister);
        /// <summary>Reads the 16-bit register at the even offset <paramref name="aRegister"/> (Cosmos API name).</summary>
        public ushort ReadRegister16(byte aRegister) => Config.Read16(Address, aRegister);
        /// <summary>Reads the dword at offset <paramref name="aRegister"/> (multiple of 4; Cosmos API name).</summary>
        public uint ReadRegister32(byte aRegister) => Config.Read32(Address, aRegister);
        /// <summary>Writes the byte at offset <paramref name="aRegister"/> (Cosmos API name).</summary>
        public void WriteRegister8(byte aRegister, byte value) => Config.Write8(Address, aRegister, value);
        /// <summary>Writes the 16-bit register at the even offset <paramref name="aRegister"/> (Cosmos API name).</summary>
        public void WriteRegister16(byte aRegister, ushort value) => Config.Write16(Address, aRegister, value);
        /// <summary>Writes the dword at offset <paramref name="aRegister"/> (multiple of 4; Cosmos API name).</summary>
        public void WriteRegister32(byte aRegister, uint value) => Config.Write32(Address, aRegister, value);

        /// <summary>Sets the Command register bits in <paramref name="set"/> and clears those in <paramref name="clear"/> (a 16-bit write; Status is untouched). Returns the new value.</summary>
        public ushort UpdateCommand(ushort set, ushort clear)
        {
            ushort c = (ushort)((ReadRegister16(0x04) & ~clear) | set);
            WriteRegister16(0x04, c);
            return c;
        }

        /// <summary>
        /// Turns on (or off) I/O space, memory space and bus mastering together: Command bits 0–2, as Cosmos'
        /// <c>EnableMemory</c> does. Use <see cref="UpdateCommand"/> for one bit.
        /// </summary>
        public void EnableMemory(bool enable)
        {
            const ushort bits = PciConfigHeader.CommandIoSpace | PciConfigHeader.CommandMemorySpace | PciConfigHeader.CommandBusMaster;
            if (enable) UpdateCommand(bits, 0); else UpdateCommand(0, bits);
        }

        /// <summary>Turns bus mastering (DMA by the function; Command bit 2) on or off.</summary>
        public void EnableBusMaster(bool enable)
        {
            if (enable) UpdateCommand(PciConfigHeader.CommandBusMaster, 0); else UpdateCommand(0, PciConfigHeader.CommandBusMaster);
        }

        /// <summary>Turns I/O space decoding (Command bit 0) on or off.</summary>
        public void EnableIO(bool enable)
        {
            if (enable) UpdateCommand(PciConfigHeader.CommandIoSpace, 0); else UpdateCommand(0, PciConfigHeader.CommandIoSpace);
        }

        /// <summary>Turns memory space decoding (Command bit 1) alone on or off (<see cref="EnableMemory"/> switches bits 0–2 together, as Cosmos does).</summary>
        public void EnableMemorySpace(bool enable)
        {
            if (enable) UpdateCommand(PciConfigHeader.CommandMemorySpace, 0); else UpdateCommand(0, PciConfigHeader.CommandMemorySpace);
        }

        /// <summary>Sets or clears Interrupt Disable (Command bit 10): set, the function does not assert INTx# (PCI Local Bus 3.0 §6.2.2).</summary>
        public void DisableLegacyInterrupt(bool disable)
        {
            if (disable) UpdateCommand(PciConfigHeader.CommandInterruptDisable, 0); else UpdateCommand(0, PciConfigHeader.CommandInterruptDisable);
        }

        /// <summary>The function's capabilities list, read now (PCI Local Bus 3.0 §6.7; see <see cref="PciCapabilities"/>).</summary>
        public System.Collections.Generic.List<PciCapability> GetCapabilities() => PciCapabilities.Read(Config, Address);

        /// <summary>Offset of the first capability with ID <paramref name="id"/> (e.g. <see cref="PciCapabilities.Msi"/>), or 0.</summary>
        public int FindCapability(byte id) => PciCapabilities.Find(Config, Address, id);

        /// <summary>The PCI Express extended capabilities (ID, version, offset); empty without ECAM access or for conventional PCI functions.</summary>
        public System.Collections.Generic.List<(ushort Id, byte Version, int Offset)> GetExtendedCapabilities() => PciCapabilities.ReadExtended(Config, Address);

        /// <summary>
        /// The ISA IRQ (0–15) the firmware routed this function's INTx# pin to (Interrupt Line, 0x3C), or −1 when it has
        /// no pin or the line is unknown (0xFF) or not an ISA IRQ. On QEMU's i440FX, SeaBIOS routes PIRQA–D to IRQ 10, 11.
        /// </summary>
        public int LegacyIrq => InterruptPIN != PCIInterruptPIN.None && InterruptLine < 16 ? InterruptLine : -1;

        /// <summary>
        /// Adds <paramref name="handler"/> to the handlers of this function's INTx# line (<see cref="LegacyIrq"/>) through
        /// the interrupt controller (PIC or I/O APIC; <see cref="Interrupts.InterruptController.AddSharedIrqHandler"/>:
        /// other functions may drive the same line, and every handler of the line runs on each interrupt), clears
        /// Interrupt Disable and unmasks the IRQ. The handler runs in interrupt context (no allocation, no blocking), must
        /// check whether its own device asserted the line, and must make it drop its request (read/acknowledge its
        /// status) or the level-triggered line fires again. Returns the IRQ.
        /// </summary>
        /// <exception cref="InvalidOperationException">The function has no routed INTx# line.</exception>
        public unsafe int SetLegacyInterruptHandler(delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            int irq = LegacyIrq;
            if (irq < 0) throw new InvalidOperationException(string.Concat(Name, ": no INTx# line routed (Interrupt Pin ", ((int)InterruptPIN).ToString(), ", Line ", InterruptLine.ToString(), ")"));
            Interrupts.InterruptController.AddSharedIrqHandler(irq, handler);
            DisableLegacyInterrupt(false);
            return irq;
        }

        /// <summary>
        /// When true, <see cref="EnableMsi"/> and <see cref="EnableMsix"/> return −1 as for a function without the
        /// capability, so its driver falls back to the INTx# line (a switch for tests and diagnostics, in the spirit of
        /// Linux's <c>pci=nomsi</c>; set before the driver starts: Cosmos.System sets it from the QEMU fw_cfg file
        /// <c>opt/cosmos/pci-nomsi</c>, which lists PCI addresses such as "00:04.0").
        /// </summary>
        public bool MsiDisabled { get; set; }

        /// <summary>
        /// Routes this function's interrupts as MSI (PCI Local Bus 3.0 §6.8.1) to <paramref name="handler"/>: a free vector
        /// (<see cref="Interrupts.InterruptController.AllocateVector"/>), Message Address FEE00000h with the boot
        /// processor's local APIC ID in bits 19–12 (physical destination; Intel SDM Vol. 3A §11.11.1), Message Data =
        /// the vector (fixed delivery, edge), one message (MME 0), MSI Enable set and INTx disabled. Returns the vector,
        /// or −1 when the function has no MSI capability or no vector is free (the driver then polls or uses INTx).
        /// The handler runs with the interrupt rules; the local APIC EOI follows it.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not in APIC mode.</exception>
        public unsafe int EnableMsi(delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            if (MsiDisabled) return -1;
            int cap = FindCapability(PciCapabilities.Msi);
            if (cap == 0) return -1;
            int vector = Interrupts.InterruptController.AllocateVector(handler);
            if (vector < 0) return -1;
            ushort control = ReadRegister16((byte)(cap + 2));
            bool is64 = (control & (1 << 7)) != 0;
            WriteRegister32((byte)(cap + 4), Interrupts.InterruptController.MsiAddress);
            if (is64) WriteRegister32((byte)(cap + 8), 0);
            WriteRegister16((byte)(cap + (is64 ? 0x0C : 0x08)), (ushort)vector);
            control = (ushort)((control & ~0x0070) | 1);     // MME = 0 (one message), MSI Enable
            WriteRegister16((byte)(cap + 2), control);
            DisableLegacyInterrupt(true);
            return vector;
        }

        /// <summary>
        /// Routes MSI-X table entry <paramref name="entry"/> of this function (PCI Local Bus 3.0 §6.8.2) to
        /// <paramref name="handler"/> on a free vector: maps the table's BAR uncached, sets MSI-X Enable with Function
        /// Mask, writes the entry (address FEE00000h | local APIC ID &lt;&lt; 12, data = vector) and unmasks it, clears
        /// Function Mask and disables INTx. The other entries stay as they are (masked after reset). Returns the vector,
        /// or −1 when the function has no MSI-X capability, the entry does not exist, or no vector is free.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not in APIC mode, or the table's BAR is not an assigned memory BAR.</exception>
        public unsafe int EnableMsix(int entry, delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            if (MsiDisabled) return -1;
            int cap = FindCapability(PciCapabilities.MsiX);
            if (cap == 0) return -1;
            ushort control = ReadRegister16((byte)(cap + 2));
            int size = (control & 0x7FF) + 1;
            if ((uint)entry >= (uint)size) return -1;
            uint tableReg = ReadRegister32((byte)(cap + 4));
            ulong table = MapMemoryBar((int)(tableReg & 7)) + (tableReg & ~7u);
            int vector = Interrupts.InterruptController.AllocateVector(handler);
            if (vector < 0) return -1;
            WriteRegister16((byte)(cap + 2), (ushort)(control | 0xC000));      // Enable + Function Mask
            uint* e = (uint*)(table + 16 * (ulong)entry);
            System.Threading.Volatile.Write(ref e[0], Interrupts.InterruptController.MsiAddress);
            System.Threading.Volatile.Write(ref e[1], 0u);
            System.Threading.Volatile.Write(ref e[2], (uint)vector);
            System.Threading.Volatile.Write(ref e[3], 0u);                     // Vector Control: unmasked
            WriteRegister16((byte)(cap + 2), (ushort)((control | 0x8000) & ~0x4000));
            DisableLegacyInterrupt(true);
            return vector;
        }

        /// <summary>
        /// Clears MSI-X Enable (PCI Local Bus 3.0 §6.8.2.3), so the function signals on its INTx# line again once
        /// Interrupt Disable is cleared (<see cref="SetLegacyInterruptHandler"/> does). The vector
        /// <see cref="EnableMsix"/> took keeps its handler. Nothing happens without an MSI-X capability.
        /// </summary>
        public void DisableMsix()
        {
            int cap = FindCapability(PciCapabilities.MsiX);
            if (cap == 0) return;
            WriteRegister16((byte)(cap + 2), (ushort)(ReadRegister16((byte)(cap + 2)) & ~0xC000));
        }

        /// <summary>
        /// The base address of memory BAR <paramref name="index"/>, after mapping its whole size uncached
        /// (<see cref="Cosmos.Core.Memory.Paging.MapUncached"/>; device registers must not be cached or combined) and
        /// switching memory decoding on.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">No such BAR register.</exception>
        /// <exception cref="InvalidOperationException">The BAR is not an assigned memory BAR.</exception>
        public ulong MapMemoryBar(int index)
        {
            if ((uint)index >= (uint)BaseAddressBar.Length) throw new ArgumentOutOfRangeException(nameof(index));
            var bar = BaseAddressBar[index];
            if (bar.IsIO || bar.Kind == PciBarKind.Unused || bar.Kind == PciBarKind.Memory64Upper || bar.BaseAddress == 0 || bar.Size == 0)
                throw new InvalidOperationException(string.Concat(Name, ": BAR", index.ToString(), " is not an assigned memory BAR (", bar.ToString(), ")"));
            Cosmos.Core.Memory.Paging.MapUncached(bar.BaseAddress, bar.Size);
            EnableMemorySpace(true);
            return bar.BaseAddress;
        }

        /// <summary>"00:03.0 8086:100e class 02/00/00 (Network)".</summary>
        public string Describe() => string.Concat(Address.ToString(), " ", Hex4(VendorID), ":", Hex4(DeviceID), " class ",
            Hex2(ClassCode), "/", Hex2(Subclass), "/", Hex2(ProgIF), " (", ClassName(Class), ")");

        private static string Hex4(ushort v) => HalFormat.Hex(v, 4).Substring(2).ToLowerInvariant();
        private static string Hex2(byte v) => HalFormat.Hex(v, 2).Substring(2).ToLowerInvariant();
    }
}
