using System;
using System.Buffers.Binary;
using Cosmos.HAL;
using Cosmos.HAL.Bus.Pci;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>PCI configuration header and BAR decoding from bytes (PCI Local Bus 3.0 §6.1, §6.2.5.1).</summary>
    public class PciDecodingTests
    {
        private static byte[] Header(ushort vendor, ushort device, byte cls, byte sub, byte progIf, byte headerType, params uint[] bars)
        {
            var c = new byte[64];
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0), vendor);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(2), device);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(4), 0x0107);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(6), 0x0010);   // capabilities list
            c[8] = 0x03; c[9] = progIf; c[10] = sub; c[11] = cls; c[12] = 0x10; c[13] = 0x40; c[14] = headerType; c[15] = 0;
            for (int i = 0; i < bars.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(0x10 + 4 * i), bars[i]);
            return c;
        }

        [Fact]
        public void Type0_Header_DecodesIdentificationAndClass()
        {
            var c = Header(0x8086, 0x100E, 0x02, 0x00, 0x00, 0x00, 0xFEBC0000, 0xC001);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0x2C), 0x1AF4);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0x2E), 0x1100);
            c[0x34] = 0xDC; c[0x3C] = 11; c[0x3D] = 1;
            Assert.True(PciConfigHeader.TryParse(c, out var h, out var err), err);
            Assert.True(h.Exists);
            Assert.Equal(0x8086, h.VendorId);
            Assert.Equal(0x100E, h.DeviceId);
            Assert.Equal(0x0107, h.Command);
            Assert.Equal(0x03, h.RevisionId);
            Assert.Equal(0x02, h.ClassCode);
            Assert.Equal(0x00, h.Subclass);
            Assert.Equal(0x10, h.CacheLineSize);
            Assert.Equal(0x40, h.LatencyTimer);
            Assert.Equal(PCIDevice.PCIHeaderType.Normal, h.Layout);
            Assert.False(h.IsMultifunction);
            Assert.Equal(6, h.BarCount);
            Assert.Equal(0xFEBC0000u, h.GetBar(0));
            Assert.Equal(0xC001u, h.GetBar(1));
            Assert.Equal(0x1AF4, h.SubsystemVendorId);
            Assert.Equal(0x1100, h.SubsystemId);
            Assert.Equal(0xDC, h.CapabilitiesPointer);
            Assert.Equal(11, h.InterruptLine);
            Assert.Equal(1, h.InterruptPin);
            Assert.Equal(0, h.SecondaryBus);
            Assert.False(h.IsPciToPciBridge);
            Assert.Throws<ArgumentOutOfRangeException>(() => h.GetBar(6));
        }

        [Fact]
        public void MultifunctionBit_IsApartFromTheLayout()
        {
            Assert.True(PciConfigHeader.TryParse(Header(0x8086, 0x7000, 0x06, 0x01, 0, 0x80), out var h, out _));
            Assert.True(h.IsMultifunction);
            Assert.Equal(PCIDevice.PCIHeaderType.Normal, h.Layout);
            Assert.Equal(0x80, h.HeaderTypeByte);
            Assert.True(PciConfigHeader.TryParse(Header(0x8086, 0x1237, 0x06, 0x00, 0, 0x00), out var host, out _));
            Assert.False(host.IsMultifunction);
            Assert.True(host.IsHostBridge);
        }

        [Fact]
        public void Type1_Bridge_HasTwoBarsAndBusNumbers()
        {
            var c = Header(0x1B36, 0x0001, 0x06, 0x04, 0x00, 0x81, 0, 0);
            c[0x18] = 0; c[0x19] = 2; c[0x1A] = 5; c[0x34] = 0x4C;
            Assert.True(PciConfigHeader.TryParse(c, out var h, out _));
            Assert.Equal(PCIDevice.PCIHeaderType.Bridge, h.Layout);
            Assert.True(h.IsMultifunction);
            Assert.True(h.IsPciToPciBridge);
            Assert.Equal(2, h.BarCount);
            Assert.Equal(0, h.PrimaryBus);
            Assert.Equal(2, h.SecondaryBus);
            Assert.Equal(5, h.SubordinateBus);
            Assert.Equal(0, h.SubsystemVendorId);   // not at 0x2C in a type 1 header
            Assert.Equal(0x4C, h.CapabilitiesPointer);
            Assert.Throws<ArgumentOutOfRangeException>(() => h.GetBar(2));
        }

        [Fact]
        public void Type2_CardBus_HasOneBarAndItsCapabilityPointerAt0x14()
        {
            var c = Header(0x104C, 0xAC56, 0x06, 0x07, 0x00, 0x02, 0xFE000000);
            c[0x14] = 0xA0; c[0x18] = 0; c[0x19] = 3; c[0x1A] = 3;
            Assert.True(PciConfigHeader.TryParse(c, out var h, out _));
            Assert.Equal(PCIDevice.PCIHeaderType.Cardbus, h.Layout);
            Assert.Equal(1, h.BarCount);
            Assert.Equal(0xA0, h.CapabilitiesPointer);
            Assert.Equal(3, h.SecondaryBus);
            Assert.False(h.IsPciToPciBridge);
        }

        [Fact]
        public void AbsentFunction_ReadsAsAllOnes()
        {
            var c = new byte[64];
            c.AsSpan().Fill(0xFF);
            Assert.True(PciConfigHeader.TryParse(c, out var h, out _));
            Assert.False(h.Exists);
            Assert.Equal(0xFFFF, h.VendorId);
        }

        [Fact]
        public void ShortHeader_FailsWithReason()
        {
            Assert.False(PciConfigHeader.TryParse(new byte[63], out _, out var err));
            Assert.Contains("63 bytes", err);
        }

        [Fact]
        public void Address_MechanismOneValue()
        {
            Assert.Equal(0x8000_1810u, new PciAddress(0, 3, 0).ConfigAddress(0x10));
            Assert.Equal(0x8001_FFFCu, new PciAddress(1, 31, 7).ConfigAddress(0xFF));   // low two bits never set
            Assert.Equal(0x80FF_0000u, new PciAddress(255, 0, 0).ConfigAddress(0));
            Assert.Equal("00:1f.7", new PciAddress(0, 31, 7).ToString());
            Assert.Equal("0a:03.0", new PciAddress(10, 3, 0).ToString());
            Assert.Throws<ArgumentOutOfRangeException>(() => new PciAddress(0, 32, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => new PciAddress(0, 0, 8));
            Assert.Throws<ArgumentOutOfRangeException>(() => new PciAddress(256, 0, 0));
        }

        // ---------------------------------------------------------------- BARs

        [Fact]
        public void Bar_Memory32_SizeFromProbe()
        {
            var bars = PCIBaseAddressBar.Decode(new uint[] { 0xFEBC0000 }, new uint[] { 0xFFFE0000 });
            var b = bars[0];
            Assert.Equal(PciBarKind.Memory32, b.Kind);
            Assert.True(b.IsMemory);
            Assert.False(b.IsIO);
            Assert.False(b.Is64Bit);
            Assert.False(b.IsPrefetchable);
            Assert.Equal(0xFEBC0000ul, b.BaseAddress);
            Assert.Equal(0x20000ul, b.Size);
            Assert.Equal("BAR0 mem32 0xFEBC0000 size 0x20000", b.ToString());
        }

        [Fact]
        public void Bar_Memory32_Prefetchable()
        {
            var b = PCIBaseAddressBar.Decode(new uint[] { 0xFD000008 }, new uint[] { 0xFF000008 })[0];
            Assert.True(b.IsPrefetchable);
            Assert.Equal(0xFD000000ul, b.BaseAddress);
            Assert.Equal(16ul << 20, b.Size);
        }

        [Theory]
        [InlineData(0xC001u, 0xFFFFFFC1u, 0xC000ul, 0x40ul)]     // 32-bit I/O decode
        [InlineData(0xC001u, 0x0000FFC1u, 0xC000ul, 0x40ul)]     // 16-bit I/O decode: upper half reads 0
        [InlineData(0x01F1u, 0xFFFFFFFDu, 0x01F0ul, 0x4ul)]     // 4 ports
        public void Bar_Io_SizeFromProbe(uint raw, uint probe, ulong expectedBase, ulong expectedSize)
        {
            var b = PCIBaseAddressBar.Decode(new[] { raw }, new[] { probe })[0];
            Assert.Equal(PciBarKind.Io, b.Kind);
            Assert.True(b.IsIO);
            Assert.Equal(expectedBase, b.BaseAddress);
            Assert.Equal(expectedSize, b.Size);
        }

        [Fact]
        public void Bar_Memory64_UsesTheNextRegister()
        {
            // BAR4/5 of a virtio device: 64-bit prefetchable, 16 KiB, placed above 4 GiB.
            uint[] values = { 0xD001, 0, 0, 0, 0xFE40000C, 0x00000001 };
            uint[] probes = { 0xFFFFFFE1, 0, 0, 0, 0xFFFFC00C, 0xFFFFFFFF };
            var bars = PCIBaseAddressBar.Decode(values, probes);
            Assert.Equal(6, bars.Length);
            Assert.Equal(PciBarKind.Io, bars[0].Kind);
            Assert.Equal(0x20ul, bars[0].Size);
            for (int i = 1; i <= 3; i++) { Assert.Equal(PciBarKind.Unused, bars[i].Kind); Assert.False(bars[i].IsImplemented); Assert.Equal(0ul, bars[i].Size); }
            var b = bars[4];
            Assert.Equal(PciBarKind.Memory64, b.Kind);
            Assert.True(b.Is64Bit);
            Assert.True(b.IsPrefetchable);
            Assert.Equal(0x1_FE40_0000ul, b.BaseAddress);
            Assert.Equal(0x4000ul, b.Size);
            Assert.Equal(PciBarKind.Memory64Upper, bars[5].Kind);
            Assert.False(bars[5].IsImplemented);
            Assert.Equal(5, bars[5].Index);
            Assert.Equal("BAR5 (upper dword of BAR4)", bars[5].ToString());
        }

        [Fact]
        public void Bar_Memory64_LargerThan4GiB()
        {
            // 8 GiB: the low dword's address bits are all writable-as-zero, the size bit is in the upper dword.
            var bars = PCIBaseAddressBar.Decode(new uint[] { 0x0000000C, 0x00000004 }, new uint[] { 0x0000000C, 0xFFFFFFFE });
            Assert.Equal(PciBarKind.Memory64, bars[0].Kind);
            Assert.Equal(0x4_0000_0000ul, bars[0].BaseAddress);
            Assert.Equal(0x2_0000_0000ul, bars[0].Size);
        }

        [Fact]
        public void Bar_Memory64_InTheLastRegister_HasNoUpperDword()
        {
            var bars = PCIBaseAddressBar.Decode(new uint[] { 0xFE000004 }, new uint[] { 0xFFFFF004 });
            Assert.Single(bars);
            Assert.Equal(PciBarKind.Memory64, bars[0].Kind);
            Assert.Equal(0xFE000000ul, bars[0].BaseAddress);
            Assert.Equal(0x1000ul, bars[0].Size);
        }

        [Fact]
        public void Bar_Unimplemented_ReadsBackZero()
        {
            var b = PCIBaseAddressBar.Decode(new uint[] { 0 }, new uint[] { 0 })[0];
            Assert.Equal(PciBarKind.Unused, b.Kind);
            Assert.Equal("BAR0 unused", b.ToString());
        }

        [Fact]
        public void Bar_CosmosConstructor_DecodesWithoutSize()
        {
            var io = new PCIBaseAddressBar(0xC001);
            Assert.True(io.IsIO);
            Assert.Equal(0xC000ul, io.BaseAddress);
            Assert.Equal(0ul, io.Size);
            var mem = new PCIBaseAddressBar(0xFEBC0008);
            Assert.Equal(PciBarKind.Memory32, mem.Kind);
            Assert.True(mem.IsPrefetchable);
            Assert.Equal(0xFEBC0000ul, mem.BaseAddress);
            Assert.Equal(PciBarKind.Unused, new PCIBaseAddressBar(0).Kind);
        }

        [Fact]
        public void Bar_Decode_NeedsOneProbePerRegister()
        {
            Assert.Throws<ArgumentException>(() => PCIBaseAddressBar.Decode(new uint[2], new uint[1]));
            Assert.Equal(0x40ul, PCIBaseAddressBar.LowestSetBit(0xFFFFFFC0));
            Assert.Equal(0ul, PCIBaseAddressBar.LowestSetBit(0));
        }

        [Theory]
        [InlineData(0x01, 0x06, DeviceClass.Storage)]
        [InlineData(0x02, 0x00, DeviceClass.Network)]
        [InlineData(0x03, 0x00, DeviceClass.Graphics)]
        [InlineData(0x06, 0x04, DeviceClass.Bridge)]
        [InlineData(0x0C, 0x03, DeviceClass.Other)]
        public void ClassCode_MapsToDeviceClass(byte cls, byte sub, DeviceClass expected)
        {
            Assert.Equal(expected, PCIDevice.ClassOf(cls, sub));
        }
    }
}
