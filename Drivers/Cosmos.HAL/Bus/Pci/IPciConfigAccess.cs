using System;

namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>
    /// The address of one PCI function: bus 0–255, device 0–31, function 0–7 (segment 0; PCI Local Bus 3.0 §3.2.2.3.2).
    /// Written "bb:dd.f" in hex, as lspci does.
    /// </summary>
    public readonly struct PciAddress : IEquatable<PciAddress>
    {
        /// <summary>Bus number, 0–255.</summary>
        public readonly byte Bus;
        /// <summary>Device number on the bus, 0–31.</summary>
        public readonly byte Device;
        /// <summary>Function number of the device, 0–7.</summary>
        public readonly byte Function;

        /// <summary>Builds an address.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A number is out of range.</exception>
        public PciAddress(int bus, int device, int function)
        {
            if ((uint)bus > 255) throw new ArgumentOutOfRangeException(nameof(bus), "PCI bus numbers are 0..255");
            if ((uint)device > 31) throw new ArgumentOutOfRangeException(nameof(device), "PCI device numbers are 0..31");
            if ((uint)function > 7) throw new ArgumentOutOfRangeException(nameof(function), "PCI function numbers are 0..7");
            Bus = (byte)bus; Device = (byte)device; Function = (byte)function;
        }

        /// <summary>
        /// The CONFIG_ADDRESS value (port 0xCF8) for configuration mechanism #1 (PCI Local Bus 3.0 §3.2.2.3.2):
        /// bit 31 enable, bits 23–16 bus, 15–11 device, 10–8 function, 7–2 register (the dword of
        /// <paramref name="offset"/>), bits 1–0 zero.
        /// </summary>
        public uint ConfigAddress(int offset) =>
            0x8000_0000u | ((uint)Bus << 16) | ((uint)Device << 11) | ((uint)Function << 8) | ((uint)offset & 0xFC);

        /// <summary>True when all three numbers are equal.</summary>
        public bool Equals(PciAddress other) => Bus == other.Bus && Device == other.Device && Function == other.Function;
        /// <summary>True for an equal <see cref="PciAddress"/>.</summary>
        public override bool Equals(object obj) => obj is PciAddress a && Equals(a);
        /// <summary>bus &lt;&lt; 8 | device &lt;&lt; 3 | function (the routing ID).</summary>
        public override int GetHashCode() => (Bus << 8) | (Device << 3) | Function;

        /// <summary>"00:03.0" (hex bus and device, decimal function).</summary>
        public override string ToString()
        {
            Span<char> s = stackalloc char[7];
            s[0] = HexDigit(Bus >> 4); s[1] = HexDigit(Bus); s[2] = ':';
            s[3] = HexDigit(Device >> 4); s[4] = HexDigit(Device); s[5] = '.';
            s[6] = (char)('0' + Function);
            return new string(s);
        }

        private static char HexDigit(int v) { v &= 0xF; return (char)(v < 10 ? '0' + v : 'a' + v - 10); }
    }

    /// <summary>
    /// Access to PCI configuration space (256 bytes per function, little-endian; PCI Local Bus 3.0 §6.1). The kernel
    /// uses <see cref="PciConfigPorts"/> (mechanism #1); host tests use a simulated bus. Offsets are 0–255; 16-bit
    /// accesses need an even offset and 32-bit ones a multiple of 4 (an access never crosses a dword); implementations
    /// throw <see cref="ArgumentOutOfRangeException"/> for other offsets. Reading a function that does not exist
    /// returns all ones (vendor ID 0xFFFF); writing to one does nothing.
    /// </summary>
    public interface IPciConfigAccess
    {
        /// <summary>Reads the byte at <paramref name="offset"/>.</summary>
        byte Read8(PciAddress address, int offset);
        /// <summary>Reads the 16-bit value at <paramref name="offset"/> (even).</summary>
        ushort Read16(PciAddress address, int offset);
        /// <summary>Reads the dword at <paramref name="offset"/> (multiple of 4).</summary>
        uint Read32(PciAddress address, int offset);
        /// <summary>Writes the byte at <paramref name="offset"/>.</summary>
        void Write8(PciAddress address, int offset, byte value);
        /// <summary>Writes the 16-bit value at <paramref name="offset"/> (even). Touches no other byte (the Status register beside Command has write-1-to-clear bits).</summary>
        void Write16(PciAddress address, int offset, ushort value);
        /// <summary>Writes the dword at <paramref name="offset"/> (multiple of 4).</summary>
        void Write32(PciAddress address, int offset, uint value);
    }
}
