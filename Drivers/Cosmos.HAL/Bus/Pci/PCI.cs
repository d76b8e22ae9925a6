using System;
using System.Collections.Generic;
using Cosmos.HAL.Bus.Pci;

namespace Cosmos.HAL
{
    /// <summary>
    /// The PCI bus (Cosmos API name <c>PCI</c>): enumerates every function reachable through configuration mechanism #1
    /// (<see cref="PciConfigPorts"/>) when started (stage <see cref="DeviceStage.Buses"/>) and registers each as a
    /// <see cref="PCIDevice"/> in <see cref="DeviceRegistry"/>. The Cosmos-style statics (<see cref="Devices"/>,
    /// <see cref="Count"/>, <see cref="GetDevice"/>, ...) are views over the registry. Enumeration follows the
    /// bus numbers the firmware assigned (PCI-to-PCI Bridge Architecture 1.2 §3.2.5.3); it assigns none itself.
    /// </summary>
    public sealed class PCI : Device
    {
        private static PCI s_instance;

        /// <summary>The PCI bus device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PCI Instance => s_instance ??= new PCI();

        private PCI() : base("PCI", DeviceClass.Bus, DeviceStage.Buses) { }

        /// <summary>Enumerates the bus once (Cosmos API name; what <see cref="Device.Start"/> does). Returns true when a function answered.</summary>
        public static bool Setup() => Instance.Start();

        /// <summary>Every registered PCI function, in enumeration order (a live view over <see cref="DeviceRegistry"/>; empty before <see cref="Setup"/>).</summary>
        public static DeviceList<PCIDevice> Devices => DeviceRegistry.OfType<PCIDevice>();

        /// <summary>Number of registered PCI functions (Cosmos API name).</summary>
        public static uint Count => (uint)Devices.Count;

        /// <summary>The first function with <paramref name="vendorId"/>:<paramref name="deviceId"/>, or null (Cosmos API name).</summary>
        public static PCIDevice GetDevice(ushort vendorId, ushort deviceId)
        {
            foreach (var d in Devices)
                if (d.VendorID == vendorId && d.DeviceID == deviceId) return d;
            return null;
        }

        /// <summary>True when a function with <paramref name="vendorId"/>:<paramref name="deviceId"/> is registered (Cosmos API name).</summary>
        public static bool Exists(ushort vendorId, ushort deviceId) => GetDevice(vendorId, deviceId) != null;

        /// <summary>The first function of base class <paramref name="classCode"/> and <paramref name="subclass"/>, or null (Cosmos API name).</summary>
        public static PCIDevice GetDeviceClass(ushort classCode, ushort subclass)
        {
            foreach (var d in Devices)
                if (d.ClassCode == classCode && d.Subclass == subclass) return d;
            return null;
        }

        /// <summary>The function at <paramref name="bus"/>:<paramref name="device"/>.<paramref name="function"/>, or null.</summary>
        public static PCIDevice GetDeviceAt(int bus, int device, int function)
        {
            foreach (var d in Devices)
                if (d.bus == bus && d.slot == device && d.function == function) return d;
            return null;
        }

        private struct DriverEntry
        {
            public string Name;
            public Func<PCIDevice, bool> Handles;
            public Func<PCIDevice, Device> Create;
        }

        // Created by the first RegisterDriver (no static initializer: PCI's statics are read in interrupt handlers).
        private static List<DriverEntry> s_drivers;

        /// <summary>
        /// Declares a PCI driver: when the bus is enumerated, every function for which <paramref name="handles"/> is true
        /// and that has no driver yet gets the device <paramref name="create"/> returns (registered in
        /// <see cref="DeviceRegistry"/>, recorded as <see cref="PCIDevice.Driver"/>; it should have stage
        /// <see cref="DeviceStage.Drivers"/>, so <see cref="DeviceRegistry.StartAll"/> starts it after the bus).
        /// Drivers are tried in declaration order; a second declaration with the same <paramref name="name"/> is ignored.
        /// <see cref="PcPlatform"/> declares the HAL's own drivers (IDE: class 01h/01h).
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public static void RegisterDriver(string name, Func<PCIDevice, bool> handles, Func<PCIDevice, Device> create)
        {
            if (name == null) throw new ArgumentNullException(nameof(name));
            if (handles == null) throw new ArgumentNullException(nameof(handles));
            if (create == null) throw new ArgumentNullException(nameof(create));
            s_drivers ??= new List<DriverEntry>();
            foreach (var d in s_drivers) if (d.Name == name) return;
            s_drivers.Add(new DriverEntry { Name = name, Handles = handles, Create = create });
        }

        /// <summary>Gives each registered function without a driver the first declared driver that handles it (see <see cref="RegisterDriver"/>). Returns how many were bound.</summary>
        public static int BindDrivers()
        {
            if (s_drivers == null) return 0;
            int bound = 0;
            int n = Devices.Count;
            for (int i = 0; i < n; i++)
            {
                var f = Devices[i];
                if (f.Driver != null || !f.DeviceExists) continue;
                foreach (var d in s_drivers)
                {
                    if (!d.Handles(f)) continue;
                    var dev = d.Create(f);
                    if (dev == null) continue;
                    f.Driver = dev;
                    if (!dev.IsRegistered) DeviceRegistry.Register(dev);
                    bound++;
                    break;
                }
            }
            return bound;
        }

        /// <summary>
        /// How configuration space is reached: <see cref="PciEcam"/> when the ACPI MCFG table has a window for segment 0
        /// starting at bus 0 (q35, every PCI Express machine), else <see cref="PciConfigPorts"/> (mechanism #1; i440FX).
        /// Null before the bus is started.
        /// </summary>
        public static IPciConfigAccess Access { get; private set; }

        /// <summary>Why mechanism #1 is used although an MCFG table exists (a malformed table or no usable window), or null.</summary>
        public static string AccessNote { get; private set; }

        /// <summary>"ECAM segment 0 buses 00-ff at 0xB0000000" or "configuration mechanism #1 (ports 0xCF8/0xCFC)".</summary>
        public static string DescribeAccess() => Access is PciEcam e ? e.ToString() : "configuration mechanism #1 (ports 0xCF8/0xCFC)";

        private static IPciConfigAccess ChooseAccess(out string note)
        {
            note = null;
            var table = FirmwareTables.Get("MCFG");
            if (table.IsEmpty) return PciConfigPorts.Instance;
            if (!Firmware.Acpi.Mcfg.TryParse(table, out var windows, out string error)) { note = error + "; using mechanism #1"; return PciConfigPorts.Instance; }
            foreach (var w in windows)
                if (w.Segment == 0 && w.StartBus == 0) return new PciEcam(w);
            note = "MCFG has no window for segment 0 from bus 0; using mechanism #1";
            return PciConfigPorts.Instance;
        }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Access = ChooseAccess(out string accessNote);
            AccessNote = accessNote;
            var found = Enumerate(Access, this);
            for (int i = 0; i < found.Count; i++)
                if (!found[i].IsRegistered) DeviceRegistry.Register(found[i]);
            BindDrivers();
            if (found.Count == 0)
            {
                error = "no PCI function answered at 00:00.0 (" + DescribeAccess() + ")";
                return false;
            }
            error = null;
            return true;
        }

        /// <summary>
        /// Finds every PCI function through <paramref name="config"/> without registering anything (pure apart from
        /// the accesses; host tests run it on a simulated bus). Scan (the "recursive scan" of PCI Local Bus 3.0
        /// §3.2.2.3 and the PCI-to-PCI bridge spec): when 00:00.0 is multi-function, each of its functions f is the
        /// host bridge of bus f, else bus 0 is the only root. On a bus, devices 0–31 are probed at function 0 (vendor
        /// ID 0xFFFF: nobody there); when function 0's header type has bit 7 set, functions 1–7 are probed too. A
        /// PCI-to-PCI bridge (class 06h/04h, layout 1) leads to its secondary bus when firmware gave it one (non-zero
        /// and not already scanned). Returns the functions in scan order; each one's <see cref="Device.Parent"/> is the
        /// bridge it sits behind, or <paramref name="root"/> on a root bus.
        /// </summary>
        public static List<PCIDevice> Enumerate(IPciConfigAccess config, Device root = null)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            var found = new List<PCIDevice>();
            var scanned = new bool[256];
            var host = new PciAddress(0, 0, 0);
            if (config.Read16(host, 0x00) == 0xFFFF) return found;
            if ((config.Read8(host, 0x0E) & 0x80) == 0) ScanBus(config, 0, root, found, scanned);
            else
                for (int f = 0; f < 8; f++)
                    if (config.Read16(new PciAddress(0, 0, f), 0x00) != 0xFFFF) ScanBus(config, f, root, found, scanned);
            return found;
        }

        private static void ScanBus(IPciConfigAccess config, int bus, Device parent, List<PCIDevice> found, bool[] scanned)
        {
            if (scanned[bus]) return;
            scanned[bus] = true;
            for (int dev = 0; dev < 32; dev++)
            {
                var f0 = new PciAddress(bus, dev, 0);
                if (config.Read16(f0, 0x00) == 0xFFFF) continue;
                bool multi = (config.Read8(f0, 0x0E) & 0x80) != 0;
                for (int fn = 0; fn < (multi ? 8 : 1); fn++)
                {
                    var a = new PciAddress(bus, dev, fn);
                    if (fn != 0 && config.Read16(a, 0x00) == 0xFFFF) continue;
                    var d = new PCIDevice(config, a, parent);
                    found.Add(d);
                    int secondary = d.SecondaryBusNumber;
                    if (d.IsPciToPciBridge && secondary != 0 && secondary > bus) ScanBus(config, secondary, d, found, scanned);
                }
            }
        }
    }
}
