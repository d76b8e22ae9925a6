using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL.Tests
{
    /// <summary>
    /// A simulated PCI configuration space for host tests: functions with 256-byte config spaces whose BARs behave
    /// like hardware (writes keep only the address bits the BAR decodes, so writing all ones reads back the size
    /// mask), a writable Command register, and everything else read-only. Absent functions read as all ones.
    /// Every write is logged.
    /// </summary>
    internal sealed class FakePciBus : IPciConfigAccess
    {
        internal sealed class Function
        {
            public readonly byte[] Config = new byte[256];
            /// <summary>Per BAR register: the bits a write can change (0 = not implemented); type bits are read-only.</summary>
            public readonly uint[] BarWritable = new uint[6];
        }

        private readonly Dictionary<PciAddress, Function> _functions = new();
        public readonly List<string> Writes = new();

        /// <summary>Adds a function with the identification and class registers set; returns it for BARs.</summary>
        public Function Add(int bus, int dev, int fn, ushort vendor, ushort device, byte cls, byte sub, byte progIf = 0,
            byte headerType = 0, ushort command = 0x0007)
        {
            var f = new Function();
            var c = f.Config;
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0), vendor);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(2), device);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(4), command);
            c[8] = 0x02; c[9] = progIf; c[10] = sub; c[11] = cls; c[14] = headerType;
            c[0x3C] = 0x0B; c[0x3D] = 1;
            _functions[new PciAddress(bus, dev, fn)] = f;
            return f;
        }

        /// <summary>Gives BAR <paramref name="index"/> of <paramref name="f"/> a size and a firmware-assigned value.</summary>
        public static void SetBar(Function f, int index, uint value, uint sizeMask, uint typeBits)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(f.Config.AsSpan(0x10 + 4 * index), value | typeBits);
            f.BarWritable[index] = sizeMask;
        }

        /// <summary>A PCI-to-PCI bridge's bus numbers.</summary>
        public static void SetBusNumbers(Function f, byte primary, byte secondary, byte subordinate)
        {
            f.Config[0x18] = primary; f.Config[0x19] = secondary; f.Config[0x1A] = subordinate;
        }

        public Function Get(int bus, int dev, int fn) => _functions[new PciAddress(bus, dev, fn)];

        public byte Read8(PciAddress a, int offset) => _functions.TryGetValue(a, out var f) ? f.Config[offset] : (byte)0xFF;
        public ushort Read16(PciAddress a, int offset) => _functions.TryGetValue(a, out var f) ? BinaryPrimitives.ReadUInt16LittleEndian(f.Config.AsSpan(offset)) : (ushort)0xFFFF;
        public uint Read32(PciAddress a, int offset) => _functions.TryGetValue(a, out var f) ? BinaryPrimitives.ReadUInt32LittleEndian(f.Config.AsSpan(offset)) : 0xFFFF_FFFFu;

        public void Write8(PciAddress a, int offset, byte value) => Write(a, offset, value, 1);
        public void Write16(PciAddress a, int offset, ushort value) => Write(a, offset, value, 2);
        public void Write32(PciAddress a, int offset, uint value) => Write(a, offset, value, 4);

        private void Write(PciAddress a, int offset, uint value, int size)
        {
            Writes.Add($"{a} {offset:X2}/{size} = {value:X}");
            if (!_functions.TryGetValue(a, out var f)) return;
            if (offset == 0x04 && size == 2) { BinaryPrimitives.WriteUInt16LittleEndian(f.Config.AsSpan(4), (ushort)value); return; }
            int bar = (offset - 0x10) / 4;
            int barCount = (f.Config[14] & 0x7F) switch { 0 => 6, 1 => 2, 2 => 1, _ => 0 };
            if (size == 4 && offset >= 0x10 && bar < barCount)
            {
                uint old = BinaryPrimitives.ReadUInt32LittleEndian(f.Config.AsSpan(offset));
                uint writable = f.BarWritable[bar];
                uint v = (old & ~writable) | (value & writable);
                BinaryPrimitives.WriteUInt32LittleEndian(f.Config.AsSpan(offset), v);
            }
            // Everything else is read-only in this model.
        }

        /// <summary>
        /// QEMU's default i440FX machine as SeaBIOS leaves it, plus an e1000 and a PCI-to-PCI bridge with a device
        /// that has a 64-bit prefetchable BAR behind it (what Tests/Kernels/PciTests sees, with made-up addresses).
        /// </summary>
        public static FakePciBus I440fx()
        {
            var bus = new FakePciBus();
            bus.Add(0, 0, 0, 0x8086, 0x1237, 0x06, 0x00);                                  // host bridge
            bus.Add(0, 1, 0, 0x8086, 0x7000, 0x06, 0x01, headerType: 0x80);                 // PIIX3 ISA bridge, multi-function
            var ide = bus.Add(0, 1, 1, 0x8086, 0x7010, 0x01, 0x01, progIf: 0x80);           // PIIX3 IDE
            SetBar(ide, 4, 0xC040, 0xFFFF_FFF0, 0x1);                                        // 16 ports of bus-master I/O
            bus.Add(0, 1, 3, 0x8086, 0x7113, 0x06, 0x80);                                   // PIIX4 ACPI
            var vga = bus.Add(0, 2, 0, 0x1234, 0x1111, 0x03, 0x00);                         // std VGA
            SetBar(vga, 0, 0xFD00_0000, 0xFF00_0000, 0x8);                                   // 16 MiB prefetchable framebuffer
            SetBar(vga, 2, 0xFEBF_0000, 0xFFFF_F000, 0x0);                                   // 4 KiB MMIO
            var nic = bus.Add(0, 4, 0, 0x8086, 0x100E, 0x02, 0x00);                         // e1000
            SetBar(nic, 0, 0xFEBC_0000, 0xFFFE_0000, 0x0);                                   // 128 KiB MMIO
            SetBar(nic, 1, 0xC000, 0xFFFF_FFC0, 0x1);                                        // 64 I/O ports
            var bridge = bus.Add(0, 5, 0, 0x1B36, 0x0001, 0x06, 0x04, headerType: 0x01);    // PCI-to-PCI bridge
            SetBusNumbers(bridge, 0, 1, 1);
            var behind = bus.Add(1, 1, 0, 0x1AF4, 0x1005, 0x00, 0xFF);                      // virtio-rng behind the bridge
            SetBar(behind, 0, 0xD000, 0xFFFF_FFE0, 0x1);                                     // 32 I/O ports
            SetBar(behind, 4, 0xFE40_0000, 0xFFFF_C000, 0xC);                                // 64-bit prefetchable, 16 KiB
            SetBar(behind, 5, 0x0000_0001, 0xFFFF_FFFF, 0x0);                                // its upper dword: above 4 GiB
            return bus;
        }
    }
}
