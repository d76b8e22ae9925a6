using System;
using Cosmos.Core;

namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>
    /// PCI configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2): the function/register address goes to
    /// CONFIG_ADDRESS (32-bit port 0xCF8, see <see cref="PciAddress.ConfigAddress"/>), then the data is read or
    /// written at CONFIG_DATA (ports 0xCFC–0xCFF; a byte at 0xCFC + (offset &amp; 3), a word at 0xCFC + (offset &amp; 2)).
    /// Each access runs with interrupts disabled, so an interrupt handler or another thread cannot slip its own
    /// address in between the two port writes. Segment 0 only (no ECAM/MCFG yet), which reaches every function on
    /// the buses QEMU's i440FX and q35 machines and PC firmware set up.
    /// </summary>
    public sealed class PciConfigPorts : IPciConfigAccess
    {
        /// <summary>CONFIG_ADDRESS, a 32-bit I/O port.</summary>
        public const ushort AddressPort = 0xCF8;
        /// <summary>CONFIG_DATA, I/O ports 0xCFC–0xCFF.</summary>
        public const ushort DataPort = 0xCFC;

        private static PciConfigPorts s_instance;

        /// <summary>The one accessor (there is one pair of ports).</summary>
        public static PciConfigPorts Instance => s_instance ??= new PciConfigPorts();

        private PciConfigPorts() { }

        /// <inheritdoc/>
        public byte Read8(PciAddress address, int offset)
        {
            Check(offset, 1);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            byte v = IOPort.Read8((ushort)(DataPort + (offset & 3)));
            CPU.RestoreInterrupts(flags);
            return v;
        }

        /// <inheritdoc/>
        public ushort Read16(PciAddress address, int offset)
        {
            Check(offset, 2);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            ushort v = IOPort.Read16((ushort)(DataPort + (offset & 2)));
            CPU.RestoreInterrupts(flags);
            return v;
        }

        /// <inheritdoc/>
        public uint Read32(PciAddress address, int offset)
        {
            Check(offset, 4);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            uint v = IOPort.Read32(DataPort);
            CPU.RestoreInterrupts(flags);
            return v;
        }

        /// <inheritdoc/>
        public void Write8(PciAddress address, int offset, byte value)
        {
            Check(offset, 1);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            IOPort.Write8((ushort)(DataPort + (offset & 3)), value);
            CPU.RestoreInterrupts(flags);
        }

        /// <inheritdoc/>
        public void Write16(PciAddress address, int offset, ushort value)
        {
            Check(offset, 2);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            IOPort.Write16((ushort)(DataPort + (offset & 2)), value);
            CPU.RestoreInterrupts(flags);
        }

        /// <inheritdoc/>
        public void Write32(PciAddress address, int offset, uint value)
        {
            Check(offset, 4);
            ulong flags = CPU.SaveAndDisableInterrupts();
            IOPort.Write32(AddressPort, address.ConfigAddress(offset));
            IOPort.Write32(DataPort, value);
            CPU.RestoreInterrupts(flags);
        }

        /// <summary>Throws unless <paramref name="offset"/> is in 0..255 and aligned to <paramref name="size"/> bytes.</summary>
        internal static void Check(int offset, int size)
        {
            if ((uint)offset > 255 || (offset & (size - 1)) != 0)
                throw new ArgumentOutOfRangeException(nameof(offset), "PCI configuration offsets are 0..255, aligned to the access size");
        }
    }
}
