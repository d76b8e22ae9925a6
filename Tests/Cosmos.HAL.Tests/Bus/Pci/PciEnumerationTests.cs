using System.Linq;
using Cosmos.HAL;
using Cosmos.HAL.Bus.Pci;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary><see cref="PCI.Enumerate"/> and <see cref="PCIDevice"/> on a simulated bus (<see cref="FakePciBus"/>).</summary>
    public class PciEnumerationTests
    {
        [Fact]
        public void I440fx_FindsEveryFunctionInScanOrder()
        {
            var found = PCI.Enumerate(FakePciBus.I440fx());
            Assert.Equal(new[] { "00:00.0", "00:01.0", "00:01.1", "00:01.3", "00:02.0", "00:04.0", "00:05.0", "01:01.0" },
                found.Select(d => d.Address.ToString()).ToArray());
            Assert.Equal(new[] { "8086:1237", "8086:7000", "8086:7010", "8086:7113", "1234:1111", "8086:100E", "1B36:0001", "1AF4:1005" },
                found.Select(d => $"{d.VendorID:X4}:{d.DeviceID:X4}").ToArray());
            Assert.All(found, d => Assert.True(d.DeviceExists));
            Assert.All(found, d => Assert.Equal(d.Address.ToString(), d.Name.Substring(4)));
        }

        [Fact]
        public void E1000_HasAMemoryAndAnIoBar()
        {
            var nic = PCI.Enumerate(FakePciBus.I440fx()).Single(d => d.DeviceID == 0x100E);
            Assert.Equal(4u, nic.slot);
            Assert.Equal(0x02, nic.ClassCode);
            Assert.Equal(0x00, nic.Subclass);
            Assert.Equal(DeviceClass.Network, nic.Class);
            Assert.Equal(DeviceStage.OnDemand, nic.Stage);
            Assert.Equal(6, nic.BaseAddressBar.Length);
            Assert.Equal(PciBarKind.Memory32, nic.BaseAddressBar[0].Kind);
            Assert.Equal(0xFEBC0000ul, nic.BaseAddressBar[0].BaseAddress);
            Assert.Equal(0x20000ul, nic.BaseAddressBar[0].Size);
            Assert.Equal(PciBarKind.Io, nic.BaseAddressBar[1].Kind);
            Assert.Equal(0xC000ul, nic.BaseAddressBar[1].BaseAddress);
            Assert.Equal(0x40ul, nic.BaseAddressBar[1].Size);
            Assert.All(nic.BaseAddressBar.Skip(2), b => Assert.Equal(PciBarKind.Unused, b.Kind));
            Assert.Equal("00:04.0 8086:100e class 02/00/00 (Network)", nic.Describe());
        }

        [Fact]
        public void MultifunctionBit_DecidesWhetherFunctions1To7AreProbed()
        {
            var bus = FakePciBus.I440fx();
            // A single-function device that (like some real hardware) answers on every function number.
            bus.Add(0, 6, 0, 0x10EC, 0x8139, 0x02, 0x00);
            bus.Add(0, 6, 1, 0x10EC, 0x8139, 0x02, 0x00);
            var found = PCI.Enumerate(bus);
            Assert.Contains(found, d => d.Address.ToString() == "00:06.0");
            Assert.DoesNotContain(found, d => d.Address.ToString() == "00:06.1");
            var isa = found.Single(d => d.DeviceID == 0x7000);
            Assert.True(isa.IsMultifunction);
            Assert.Equal(3, found.Count(d => d.bus == 0 && d.slot == 1));   // functions 0, 1 and 3; 2 is absent
        }

        [Fact]
        public void Bridge_LeadsToItsSecondaryBus_AndIsTheParent()
        {
            var root = new TestDevice("root", DeviceStage.OnDemand);
            var found = PCI.Enumerate(FakePciBus.I440fx(), root);
            var bridge = found.Single(d => d.IsPciToPciBridge);
            Assert.Equal(PCIDevice.PCIHeaderType.Bridge, bridge.HeaderType);
            Assert.Equal(1, bridge.SecondaryBusNumber);
            Assert.Equal(2, bridge.BaseAddressBar.Length);
            var behind = found.Single(d => d.bus == 1);
            Assert.Same(bridge, behind.Parent);
            Assert.Same(root, bridge.Parent);
            Assert.Equal(PciBarKind.Io, behind.BaseAddressBar[0].Kind);
            Assert.Equal(0x20ul, behind.BaseAddressBar[0].Size);
            Assert.Equal(PciBarKind.Memory64, behind.BaseAddressBar[4].Kind);
            Assert.True(behind.BaseAddressBar[4].IsPrefetchable);
            Assert.Equal(0x1_FE40_0000ul, behind.BaseAddressBar[4].BaseAddress);
            Assert.Equal(0x4000ul, behind.BaseAddressBar[4].Size);
            Assert.Equal(PciBarKind.Memory64Upper, behind.BaseAddressBar[5].Kind);
        }

        [Fact]
        public void BridgeWithoutABusNumber_IsNotFollowed()
        {
            var bus = new FakePciBus();
            bus.Add(0, 0, 0, 0x8086, 0x1237, 0x06, 0x00);
            var bridge = bus.Add(0, 3, 0, 0x1B36, 0x0001, 0x06, 0x04, headerType: 0x01);
            FakePciBus.SetBusNumbers(bridge, 0, 0, 0);                       // firmware did not configure it
            bus.Add(1, 0, 0, 0x1AF4, 0x1000, 0x02, 0x00);                    // unreachable without a bus number
            var found = PCI.Enumerate(bus);
            Assert.Equal(2, found.Count);
        }

        [Fact]
        public void MultifunctionHostBridge_MeansOneRootBusPerFunction()
        {
            var bus = new FakePciBus();
            bus.Add(0, 0, 0, 0x8086, 0x29C0, 0x06, 0x00, headerType: 0x80);  // host controller 0 (bus 0)
            bus.Add(0, 0, 1, 0x8086, 0x29C0, 0x06, 0x00);                    // host controller 1 (bus 1)
            bus.Add(0, 2, 0, 0x8086, 0x100E, 0x02, 0x00);
            bus.Add(1, 5, 0, 0x8086, 0x100E, 0x02, 0x00);
            var found = PCI.Enumerate(bus);
            Assert.Equal(new[] { "00:00.0", "00:00.1", "00:02.0", "01:05.0" }, found.Select(d => d.Address.ToString()).ToArray());
        }

        [Fact]
        public void NothingAtHostBridge_FindsNothing()
        {
            Assert.Empty(PCI.Enumerate(new FakePciBus()));
        }

        [Fact]
        public void Sizing_RestoresBarsAndCommand_AndLeavesHostBridgeDecodingOn()
        {
            var bus = FakePciBus.I440fx();
            var nicBefore = bus.Get(0, 4, 0).Config.ToArray();
            PCI.Enumerate(bus);
            Assert.Equal(nicBefore, bus.Get(0, 4, 0).Config);
            // The e1000's decoding was switched off around the probe and back on.
            var nicWrites = bus.Writes.Where(w => w.StartsWith("00:04.0 04/2")).ToArray();
            Assert.Equal(new[] { "00:04.0 04/2 = 4", "00:04.0 04/2 = 7" }, nicWrites);
            // Never on the host bridge (some stop forwarding memory cycles); its BARs are still probed.
            Assert.DoesNotContain(bus.Writes, w => w.StartsWith("00:00.0 04/"));
            Assert.Contains("00:00.0 10/4 = FFFFFFFF", bus.Writes);
        }

        [Fact]
        public void CommandHelpers_WriteOnlyTheCommandRegister()
        {
            var bus = FakePciBus.I440fx();
            var nic = PCI.Enumerate(bus).Single(d => d.DeviceID == 0x100E);
            bus.Writes.Clear();
            nic.EnableMemory(false);
            Assert.Equal(0, nic.ReadRegister16(0x04) & 7);
            nic.EnableBusMaster(true);
            Assert.Equal(4, nic.ReadRegister16(0x04) & 7);
            nic.EnableMemory(true);
            Assert.Equal(7, nic.ReadRegister16(0x04) & 7);
            Assert.All(bus.Writes, w => Assert.StartsWith("00:04.0 04/2 ", w));
        }
    }
}
