using System;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Bus.Pci;
using Cosmos.TestRunner;

namespace PciTests
{
    /// <summary>
    /// PCI enumeration under QEMU's default i440FX machine (what the test runner boots), with qemu-args.txt adding an
    /// e1000 at 00:04.0, a PCI-to-PCI bridge at 00:05.0 and a virtio-rng at 01:01.0 behind it, and removing the
    /// default NIC. The bus was enumerated by Global.Init (stage Buses). Base addresses are SeaBIOS's choice, so the
    /// cases check kinds, sizes and alignment, and that the e1000 answers at the addresses its BARs report.
    /// </summary>
    public sealed unsafe class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Test("legacy INTx# in APIC mode (i440FX): an e1000's interrupt arrives through Interrupt Line and the I/O APIC", () =>
            {
                string failure = Cosmos.TestCases.IntxCheck.Run(out string detail);
                Line(detail);
                if (failure != null) Fail(failure);
            });
            Test("the PCI bus device started and registered every function", () =>
            {
                True(PCI.Instance.IsStarted, "PCI started (" + (PCI.Instance.StartError ?? "no error") + ")");
                Equal(8u, PCI.Count, "functions (00:00.0, 00:01.0, 00:01.1, 00:01.3, 00:02.0, 00:04.0, 00:05.0, 01:01.0)");
                foreach (var d in PCI.Devices) Line("pci " + d.Describe());
                // A second scan (sizing every BAR again) finds the same functions; its cost goes to the log.
                ulong t0 = Native.Rdtsc();
                var again = PCI.Enumerate(PciConfigPorts.Instance);
                ulong ticks = Native.Rdtsc() - t0;
                Equal((int)PCI.Count, again.Count, "functions found by a second scan");
                ulong hz = Cosmos.HAL.Devices.Timers.TSC.Frequency;
                Line("pci scan: " + again.Count + " functions in " + ticks + " TSC ticks (" + (hz == 0 ? 0 : ticks * 1_000_000 / hz) + " us)");
            });

            Test("i440FX host bridge 8086:1237 at 00:00.0", () =>
            {
                var d = PCI.GetDeviceAt(0, 0, 0);
                True(d != null, "a function at 00:00.0");
                if (d == null) return;
                Equal((ushort)0x8086, d.VendorID, "vendor");
                Equal((ushort)0x1237, d.DeviceID, "device");
                Equal((byte)0x06, d.ClassCode, "class (bridge)");
                Equal((byte)0x00, d.Subclass, "subclass (host bridge)");
                True(d.HeaderType == PCIDevice.PCIHeaderType.Normal, "header type 0");
                True(!d.IsMultifunction, "single function");
                True(d.Class == DeviceClass.Bridge, "DeviceClass.Bridge");
            });

            Test("PIIX3 ISA bridge 8086:7000 at 00:01.0 is multi-function", () =>
            {
                var d = PCI.GetDeviceAt(0, 1, 0);
                True(d != null, "a function at 00:01.0");
                if (d == null) return;
                Equal((ushort)0x8086, d.VendorID, "vendor");
                Equal((ushort)0x7000, d.DeviceID, "device");
                Equal((byte)0x06, d.ClassCode, "class (bridge)");
                Equal((byte)0x01, d.Subclass, "subclass (ISA bridge)");
                True(d.IsMultifunction, "header type bit 7");
                var ide = PCI.GetDeviceAt(0, 1, 1);
                True(ide != null && ide.DeviceID == 0x7010, "PIIX3 IDE 8086:7010 at 00:01.1");
                var pm = PCI.GetDeviceAt(0, 1, 3);
                True(pm != null && pm.DeviceID == 0x7113, "PIIX4 ACPI 8086:7113 at 00:01.3");
                True(PCI.GetDeviceAt(0, 1, 2) == null, "nothing at 00:01.2");
                if (ide != null)
                {
                    var bar4 = ide.BaseAddressBar[4];
                    True(bar4.IsIO, "IDE bus-master BAR4 is I/O (" + bar4 + ")");
                    Equal(16UL, bar4.Size, "IDE BAR4 size (16 ports)");
                }
            });

            Test("e1000 8086:100E at 00:04.0: class 02/00, a memory BAR and an I/O BAR", () =>
            {
                var d = PCI.GetDevice(0x8086, 0x100E);
                True(d != null, "an e1000");
                if (d == null) return;
                Equal("00:04.0", d.Address.ToString(), "address");
                Equal((byte)0x02, d.ClassCode, "class (network)");
                Equal((byte)0x00, d.Subclass, "subclass (Ethernet)");
                True(d.Class == DeviceClass.Network, "DeviceClass.Network");
                Equal(6, d.BaseAddressBar.Length, "six BAR registers");
                var mem = d.BaseAddressBar[0];
                True(mem.Kind == PciBarKind.Memory32, "BAR0 is 32-bit memory (" + mem + ")");
                Equal(0x20000UL, mem.Size, "BAR0 size (128 KiB)");
                True(mem.BaseAddress != 0 && mem.BaseAddress % mem.Size == 0 && mem.BaseAddress < 0x1_0000_0000, "BAR0 assigned, aligned, below 4 GiB");
                True(!mem.IsPrefetchable, "BAR0 not prefetchable");
                var io = d.BaseAddressBar[1];
                True(io.IsIO, "BAR1 is I/O (" + io + ")");
                Equal(0x40UL, io.Size, "BAR1 size (64 ports)");
                True(io.BaseAddress != 0 && io.BaseAddress % io.Size == 0 && io.BaseAddress < 0x10000, "BAR1 assigned, aligned, a 16-bit port");
                for (int i = 2; i < 6; i++) True(d.BaseAddressBar[i].Kind == PciBarKind.Unused, "BAR" + i + " unused (" + d.BaseAddressBar[i] + ")");
                Equal((uint)mem.BaseAddress, d.ReadRegister32(0x10), "BAR0 register restored after sizing");
                Equal((uint)io.BaseAddress | 1u, d.ReadRegister32(0x14), "BAR1 register restored after sizing");
            });

            Test("the e1000 answers at its memory BAR: receive address 0 holds QEMU's default MAC 52:54:00:12:34:56", () =>
            {
                var d = PCI.GetDevice(0x8086, 0x100E);
                if (d == null) { Fail("no e1000"); return; }
                True((d.ReadRegister16(0x04) & PciConfigHeader.CommandMemorySpace) != 0, "memory decoding is on again after sizing");
                ulong mmio = d.BaseAddressBar[0].BaseAddress;
                // 8254x SDM §13.4.2 STATUS, §13.5.5 RAL0/RAH0 (low and high half of receive address 0, AV in bit 31).
                uint status = System.Threading.Volatile.Read(ref *(uint*)(mmio + 0x0008));
                uint ral = System.Threading.Volatile.Read(ref *(uint*)(mmio + 0x5400));
                uint rah = System.Threading.Volatile.Read(ref *(uint*)(mmio + 0x5404));
                Line("e1000 STATUS 0x" + status.ToString("X8") + " RAL0 0x" + ral.ToString("X8") + " RAH0 0x" + rah.ToString("X8"));
                True(status != 0xFFFFFFFF && status != 0, "STATUS reads like a register");
                Equal(0x12005452u, ral, "RAL0");
                Equal(0x5634u, rah & 0xFFFF, "RAH0 low half");
            });

            Test("PCI-to-PCI bridge at 00:05.0 leads to bus 1", () =>
            {
                var b = PCI.GetDeviceAt(0, 5, 0);
                True(b != null, "a function at 00:05.0");
                if (b == null) return;
                True(b.IsPciToPciBridge, "class 06/04, header type 1");
                True(b.HeaderType == PCIDevice.PCIHeaderType.Bridge, "header type 1");
                Equal((byte)1, b.SecondaryBusNumber, "secondary bus");
                Equal(2, b.BaseAddressBar.Length, "two BAR registers");
                True(b.BaseAddressBar[0].Is64Bit, "bridge BAR0 is 64-bit memory (" + b.BaseAddressBar[0] + ")");
                Equal(0x100UL, b.BaseAddressBar[0].Size, "bridge BAR0 size");
                True(b.BaseAddressBar[1].Kind == PciBarKind.Memory64Upper, "BAR1 is its upper dword");
            });

            Test("virtio-rng 1AF4:1005 behind the bridge: I/O, 32-bit and 64-bit prefetchable BARs", () =>
            {
                var d = PCI.GetDevice(0x1AF4, 0x1005);
                True(d != null, "a virtio-rng");
                if (d == null) return;
                Equal("01:01.0", d.Address.ToString(), "address");
                True(d.Parent == PCI.GetDeviceAt(0, 5, 0), "its parent is the bridge");
                var bars = d.BaseAddressBar;
                True(bars[0].IsIO && bars[0].Size == 0x20, "BAR0 I/O, 32 ports (" + bars[0] + ")");
                True(bars[1].Kind == PciBarKind.Memory32 && bars[1].Size == 0x1000, "BAR1 32-bit memory, 4 KiB (" + bars[1] + ")");
                True(bars[4].Kind == PciBarKind.Memory64 && bars[4].IsPrefetchable && bars[4].Size == 0x4000, "BAR4 64-bit prefetchable, 16 KiB (" + bars[4] + ")");
                True(bars[4].BaseAddress != 0 && bars[4].BaseAddress % 0x4000 == 0, "BAR4 assigned and aligned");
                True(bars[5].Kind == PciBarKind.Memory64Upper, "BAR5 is BAR4's upper dword");
            });

            Test("PCI functions are devices in the registry", () =>
            {
                Equal(PCI.Count, (uint)DeviceRegistry.CountOf<PCIDevice>(), "registry count");
                var nic = DeviceRegistry.Find("PCI 00:04.0");
                True(nic is PCIDevice, "found by name");
                True(DeviceRegistry.FindFirst(DeviceClass.Network) == nic, "the first network device");
                True(nic != null && nic.Stage == DeviceStage.OnDemand && nic.State == DeviceState.NotStarted, "waits for a driver");
            });
        }
    }
}
