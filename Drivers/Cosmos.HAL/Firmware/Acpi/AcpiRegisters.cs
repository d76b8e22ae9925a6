using System;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>
    /// Reads and writes registers described by a <see cref="GenericAddress"/> (ACPI 6.5 §5.2.3.2): system I/O
    /// ports, identity-mapped system memory below <see cref="Paging.BootMappedLimit"/>, and PCI configuration
    /// space of bus 0 (through <see cref="PciConfigPorts"/>).
    /// </summary>
    internal static unsafe class AcpiRegisters
    {
        /// <summary>Reads a 16-bit register (I/O or memory; 0 for other spaces or unmapped memory).</summary>
        public static ushort Read16(in GenericAddress g)
        {
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO: return IOPort.Read16((ushort)g.Address);
                case AcpiAddressSpace.SystemMemory: return g.Address >= 0x1000 && g.Address < Paging.BootMappedLimit ? *(ushort*)g.Address : (ushort)0;
                default: return 0;
            }
        }

        /// <summary>Writes a 16-bit register (I/O or memory).</summary>
        /// <exception cref="InvalidOperationException">Unmapped memory or an unsupported address space.</exception>
        public static void Write16(in GenericAddress g, ushort value)
        {
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO: IOPort.Write16((ushort)g.Address, value); break;
                case AcpiAddressSpace.SystemMemory:
                    if (g.Address < 0x1000 || g.Address + 2 > Paging.BootMappedLimit)
                        throw new InvalidOperationException(string.Concat("PM1 control register at memory ", HalFormat.Hex(g.Address), " is not mapped"));
                    *(ushort*)g.Address = value;
                    break;
                default:
                    throw new InvalidOperationException(string.Concat("unsupported address space ", HalFormat.Hex((byte)g.AddressSpace), " for a PM1 control register"));
            }
        }

        /// <summary>Writes <paramref name="value"/> with the GAS access width (or <paramref name="defaultBits"/> when unspecified).</summary>
        public static bool Write(in GenericAddress g, ulong value, int defaultBits, out string error)
        {
            error = null;
            int bits = g.AccessSize switch { 1 => 8, 2 => 16, 3 => 32, 4 => 64, _ => 0 };
            if (bits == 0) bits = g.BitWidth is 8 or 16 or 32 or 64 ? g.BitWidth : defaultBits;
            value <<= g.BitOffset;
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO:
                    if (g.Address > 0xFFFF) { error = string.Concat("I/O port ", HalFormat.Hex(g.Address), " out of range"); return false; }
                    ushort port = (ushort)g.Address;
                    if (bits == 8) IOPort.Write8(port, (byte)value);
                    else if (bits == 16) IOPort.Write16(port, (ushort)value);
                    else if (bits == 32) IOPort.Write32(port, (uint)value);
                    else { error = "64-bit I/O port access is impossible"; return false; }
                    return true;
                case AcpiAddressSpace.SystemMemory:
                    if (g.Address < 0x1000 || g.Address + 8 > Paging.BootMappedLimit) { error = string.Concat("memory address ", HalFormat.Hex(g.Address), " is not mapped"); return false; }
                    if (bits == 8) *(byte*)g.Address = (byte)value;
                    else if (bits == 16) *(ushort*)g.Address = (ushort)value;
                    else if (bits == 32) *(uint*)g.Address = (uint)value;
                    else *(ulong*)g.Address = value;
                    return true;
                case AcpiAddressSpace.PciConfiguration:
                {
                    // Segment 0, bus 0; Address = device<<32 | function<<16 | offset (ACPI 6.5 §5.2.3.2).
                    uint dev = (uint)(g.Address >> 32) & 0xFFFF, fn = (uint)(g.Address >> 16) & 0xFFFF, off = (uint)g.Address & 0xFFFF;
                    if (dev > 31 || fn > 7 || off > 255) { error = string.Concat("PCI config address ", HalFormat.Hex(g.Address), " out of range"); return false; }
                    if ((off & (uint)(bits / 8 - 1)) != 0 || bits == 64) { error = string.Concat("PCI config register ", HalFormat.Hex(g.Address), " is not aligned to its ", HalFormat.Dec((ulong)bits), "-bit access"); return false; }
                    var at = new PciAddress(0, (int)dev, (int)fn);
                    var pci = PciConfigPorts.Instance;
                    if (bits == 8) pci.Write8(at, (int)off, (byte)value);
                    else if (bits == 16) pci.Write16(at, (int)off, (ushort)value);
                    else pci.Write32(at, (int)off, (uint)value);
                    return true;
                }
                default:
                    error = string.Concat("unsupported address space ", HalFormat.Hex((byte)g.AddressSpace));
                    return false;
            }
        }
    }
}
