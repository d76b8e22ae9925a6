using System;
using Cosmos.Core;
using Cosmos.HAL.BlockDevice;

namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>
    /// The driver of a PCI IDE controller function (class 01h, subclass 01h; e.g. the PIIX3 IDE 8086:7010 at 00:01.1 on
    /// QEMU's i440FX): two <see cref="AtaChannel"/>s, in compatibility mode at the legacy ports (primary 0x1F0/0x3F6,
    /// IRQ 14; secondary 0x170/0x376, IRQ 15) or, when Programming Interface bit 0 / bit 2 says the channel runs in
    /// native mode, at BAR0/BAR1 and BAR2/BAR3 with the function's INTx# line (PCI IDE Controller Specification 1.0
    /// §2.1). Starting it (stage <see cref="DeviceStage.Drivers"/>) switches I/O decoding on, resets each channel and
    /// identifies both drives of each; every drive found is registered as an <see cref="AtaDisk"/> or
    /// <see cref="AtapiDrive"/> (named "IDE 00:01.1 primary master", ...) and started. A drive that fails to start, or
    /// answers its IDENTIFY with an error, is listed as failed (<see cref="FailedStorageDevice"/>); a controller without
    /// drives is started and has none. Drives are identified by polling; then
    /// each channel with drives gets its IRQ (<see cref="AtaChannel.EnableInterrupts"/>) and later commands sleep
    /// until the device interrupts.
    /// </summary>
    public sealed class AtaController : Device
    {
        /// <summary>The PCI function this driver runs.</summary>
        public readonly PCIDevice Pci;
        /// <summary>The two channels (null before start).</summary>
        public AtaChannel Primary { get; private set; }
        /// <summary>The secondary channel (null before start).</summary>
        public AtaChannel Secondary { get; private set; }
        /// <summary>Number of drives found by the last start.</summary>
        public int DriveCount { get; private set; }

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="pci"/> is null.</exception>
        public AtaController(PCIDevice pci)
            : base(string.Concat("IDE ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), DeviceClass.Storage, DeviceStage.Drivers, 0, pci)
        {
            Pci = pci;
        }

        /// <summary>True for functions this driver takes: mass storage (01h), IDE (01h).</summary>
        public static bool Handles(PCIDevice pci) => pci.ClassCode == 0x01 && pci.Subclass == 0x01;

        /// <summary>TSC ticks the last start took (reset, probing, identifying and starting the drives).</summary>
        public ulong StartTicks { get; private set; }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            ulong t0 = Native.Rdtsc();
            try { return StartController(out error); }
            finally { StartTicks = Native.Rdtsc() - t0; }
        }

        private bool StartController(out string error)
        {
            Pci.EnableIO(true);
            Pci.EnableBusMaster(true);
            Primary = MakeChannel("primary", 0);
            Secondary = MakeChannel("secondary", 1);
            if (Primary == null && Secondary == null)
            {
                error = "neither channel has usable ports (native-mode BARs unassigned)";
                return false;
            }
            DriveCount = 0;
            Probe(Primary);
            Probe(Secondary);
            error = null;
            return true;
        }

        private AtaChannel MakeChannel(string name, int index)
        {
            bool native = (Pci.ProgIF & (index == 0 ? 0x01 : 0x04)) != 0;
            var bars = Pci.BaseAddressBar;
            // Bus-master registers: BAR4, 8 ports per channel (PCI IDE 1.0 §2; Bus Master IDE 1.0 §2), when ProgIF bit 7 says so.
            ushort bm = 0;
            if ((Pci.ProgIF & 0x80) != 0 && bars.Length > 4 && bars[4].IsIO && bars[4].BaseAddress != 0 && bars[4].Size >= 16)
                bm = (ushort)(bars[4].BaseAddress + (ulong)(8 * index));
            if (!native)
                return index == 0 ? new AtaChannel(name, 0x1F0, 0x3F6, 14, bm) : new AtaChannel(name, 0x170, 0x376, 15, bm);
            if (bars.Length < 4) return null;
            var cmd = bars[2 * index];
            var ctl = bars[2 * index + 1];
            if (!cmd.IsIO || !ctl.IsIO || cmd.BaseAddress == 0 || ctl.BaseAddress == 0) return null;
            // The control block BAR decodes 4 ports; Alternate Status/Device Control is the third (PCI IDE 1.0 §2.1).
            return new AtaChannel(name, (ushort)cmd.BaseAddress, (ushort)(ctl.BaseAddress + 2), Pci.LegacyIrq, bm);
        }

        private void Probe(AtaChannel ch)
        {
            if (ch == null) return;
            if (!ch.Reset())
            {
                // Status 0xFF is an empty channel; anything else that stays busy after SRST is a channel whose devices
                // do not answer: listed as failed, not hidden.
                if (ch.AltStatus != 0xFF && DeviceRegistry.Find(string.Concat(Name, " ", ch.Name)) == null)
                    DeviceRegistry.Register(new FailedStorageDevice(string.Concat(Name, " ", ch.Name), this,
                        string.Concat("soft reset timed out: still busy after 5000 ms (status ", HalFormat.Hex(ch.AltStatus, 2), ")")));
                return;
            }
            int before = DriveCount;
            ProbeDrives(ch);
            // Identified by polling; from now on commands sleep until the channel's IRQ (or keep polling when the
            // IRQ cannot be had: AtaChannel.InterruptError says why).
            if (DriveCount > before) ch.EnableInterrupts();
        }

        private void ProbeDrives(AtaChannel ch)
        {
            for (int drive = 0; drive < 2; drive++)
            {
                string name = string.Concat(Name, " ", ch.Name, drive == 0 ? " master" : " slave");
                if (DeviceRegistry.Find(name) != null) { DriveCount++; continue; }   // a restart keeps the devices
                AtaIdentify id;
                lock (ch.Lock)
                {
                    try { id = ch.Identify(drive, name); }
                    catch (System.IO.IOException e)
                    {
                        // Something answered but IDENTIFY failed: list it as a failed device rather than hide it.
                        DeviceRegistry.Register(new FailedStorageDevice(name, this, e.Message));
                        continue;
                    }
                }
                if (id == null) continue;
                Cosmos.HAL.BlockDevice.BlockDevice dev = id.IsAtapi
                    ? new AtapiDrive(name, this, ch, drive, id)
                    : new AtaDisk(name, this, ch, drive, id);
                DeviceRegistry.Register(dev);
                dev.Start();
                DriveCount++;
            }
        }
    }
}
