using System;
using Cosmos.HAL;
using Cosmos.HAL.Bus.Pci;
using Cosmos.HAL.Firmware.Acpi;
using Cosmos.TestRunner;

namespace PciEcamTests
{
    /// <summary>PCI Express enhanced configuration access on q35 (MCFG → <see cref="PciEcam"/>), checked against mechanism #1.</summary>
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Test("legacy INTx# in APIC mode (q35): an e1000's interrupt arrives through Interrupt Line and the I/O APIC", () =>
            {
                string failure = Cosmos.TestCases.IntxCheck.Run(out string detail);
                Line(detail);
                if (failure != null) Fail(failure);
            });
            Test("the ACPI MCFG table gives segment 0 an ECAM window and PCI uses it", () =>
            {
                var table = ACPI.GetTable("MCFG");
                True(!table.IsEmpty, "an MCFG table");
                True(Mcfg.TryParse(table, out var windows, out string error), "MCFG parses (" + error + ")");
                if (windows.Count == 0) { Fail("no allocation"); return; }
                Line("MCFG: " + windows[0].ToString() + "; PCI: " + PCI.DescribeAccess());
                Equal((ushort)0, windows[0].Segment, "segment");
                Equal((byte)0, windows[0].StartBus, "start bus");
                True(PCI.Access is PciEcam, "PCI.Access is ECAM (" + PCI.DescribeAccess() + ", note: " + (PCI.AccessNote ?? "none") + ")");
                True(PCI.Devices.Count >= 5, "functions found: " + PCI.Devices.Count);
            });
            if (PCI.Access is not PciEcam ecam) return;

            Test("ECAM and configuration mechanism #1 read the same 256 bytes for every function", () =>
            {
                var ports = PciConfigPorts.Instance;
                int compared = 0;
                foreach (var f in PCI.Devices)
                {
                    for (int off = 0; off < 256; off += 4)
                    {
                        if (off == 4) continue;   // Command/Status: status bits may change between the two reads
                        uint a = ecam.Read32(f.Address, off), b = ports.Read32(f.Address, off);
                        if (a != b) { Fail(f.Address + " offset 0x" + off.ToString("X2") + ": ECAM 0x" + a.ToString("X8") + ", ports 0x" + b.ToString("X8")); return; }
                        compared++;
                    }
                    Equal(f.ReadRegister16(4), ports.Read16(f.Address, 4), f.Address + " command register");
                }
                Line("dwords compared: " + compared);
                True(PCI.GetDeviceAt(0, 30, 0) == null, "no function at 00:1e.0 on this machine");
                Equal(0xFFFF_FFFFu, ecam.Read32(new PciAddress(0, 30, 0), 0), "an absent function reads all ones through ECAM");
            });

            Test("the extended configuration space of the e1000e (a PCIe function) lists extended capabilities; mechanism #1 cannot reach it", () =>
            {
                var e = PCI.GetDeviceAt(0, 5, 0);
                True(e != null && e.VendorID == 0x8086 && e.DeviceID == 0x10D3, "82574L at 00:05.0 (" + (e?.Describe() ?? "none") + ")");
                if (e == null) return;
                True(e.FindCapability(PciCapabilities.PciExpress) != 0, "a PCI Express capability");
                var ext = e.GetExtendedCapabilities();
                string list = "";
                foreach (var (id, version, offset) in ext) list += " 0x" + id.ToString("X4") + "v" + version + "@0x" + offset.ToString("X3");
                Line("extended capabilities:" + list);
                True(ext.Count >= 1 && ext[0].Offset == 0x100, "at least one, the first at 100h");
                bool aer = false;
                foreach (var c in ext) if (c.Id == 0x0001) aer = true;
                True(aer, "Advanced Error Reporting (ID 0001h) among them");
                bool threw = false;
                try { PciConfigPorts.Instance.Read32(e.Address, 0x100); } catch (ArgumentOutOfRangeException) { threw = true; }
                True(threw, "mechanism #1 refuses offset 100h");
                var host = PCI.GetDeviceAt(0, 0, 0);
                Equal(0, host.GetExtendedCapabilities().Count, "the host bridge (conventional PCI on q35) has none");
            });

            Test("a write through ECAM is seen through mechanism #1 and back", () =>
            {
                var e = PCI.GetDeviceAt(0, 5, 0);
                if (e == null) { Fail("no 00:05.0"); return; }
                byte old = ecam.Read8(e.Address, 0x3C);
                ecam.Write8(e.Address, 0x3C, 0x5A);
                Equal((byte)0x5A, PciConfigPorts.Instance.Read8(e.Address, 0x3C), "Interrupt Line written by ECAM, read by ports");
                PciConfigPorts.Instance.Write8(e.Address, 0x3C, 0xA5);
                Equal((byte)0xA5, ecam.Read8(e.Address, 0x3C), "written by ports, read by ECAM");
                ecam.Write8(e.Address, 0x3C, old);
            });
        }
    }
}
