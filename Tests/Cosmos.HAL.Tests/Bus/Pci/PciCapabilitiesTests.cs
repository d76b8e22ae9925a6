using Cosmos.HAL.Bus.Pci;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary><see cref="PciCapabilities"/>: the list walk (PCI Local Bus 3.0 §6.7), its masking and its bound.</summary>
    public class PciCapabilitiesTests
    {
        private static (FakePciBus bus, FakePciBus.Function f, PciAddress a) Function(bool listBit)
        {
            var bus = new FakePciBus();
            var f = bus.Add(0, 3, 0, 0x8086, 0x2922, 0x01, 0x06, 0x01);
            if (listBit) f.Config[6] |= 0x10;
            return (bus, f, new PciAddress(0, 3, 0));
        }

        [Fact]
        public void WalksTheListMaskingReservedPointerBits()
        {
            var (bus, f, a) = Function(true);
            f.Config[0x34] = 0x82;                         // low bits reserved: 0x80
            f.Config[0x80] = 0x01; f.Config[0x81] = 0xA3;  // PM → 0xA0
            f.Config[0xA0] = 0x05; f.Config[0xA1] = 0x00;  // MSI, end
            var caps = PciCapabilities.Read(bus, a);
            Assert.Equal(2, caps.Count);
            Assert.Equal((byte)0x01, caps[0].Id); Assert.Equal((byte)0x80, caps[0].Offset);
            Assert.Equal((byte)0x05, caps[1].Id); Assert.Equal((byte)0xA0, caps[1].Offset);
            Assert.Equal(0xA0, PciCapabilities.Find(bus, a, PciCapabilities.Msi));
            Assert.Equal(0, PciCapabilities.Find(bus, a, PciCapabilities.MsiX));
        }

        [Fact]
        public void NoStatusBitMeansNoList()
        {
            var (bus, f, a) = Function(false);
            f.Config[0x34] = 0x80; f.Config[0x80] = 0x05;
            Assert.Empty(PciCapabilities.Read(bus, a));
            Assert.Equal(0, PciCapabilities.Find(bus, a, PciCapabilities.Msi));
        }

        [Fact]
        public void ALoopingOrHeaderPointingListIsBounded()
        {
            var (bus, f, a) = Function(true);
            f.Config[0x34] = 0x40;
            f.Config[0x40] = 0x09; f.Config[0x41] = 0x50;
            f.Config[0x50] = 0x09; f.Config[0x51] = 0x40;  // loops back
            Assert.Equal(PciCapabilities.MaxEntries, PciCapabilities.Read(bus, a).Count);
            Assert.Equal(0, PciCapabilities.Find(bus, a, PciCapabilities.Msi));
            f.Config[0x51] = 0x10;                         // into the header: the list ends
            Assert.Equal(2, PciCapabilities.Read(bus, a).Count);
        }
    }
}
