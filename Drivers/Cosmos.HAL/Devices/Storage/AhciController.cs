using System;
using System.Threading;
using Cosmos.Core;
using Cosmos.Core.Layout;
using Cosmos.HAL.Devices.Timers;
using Cosmos.HAL.Interrupts;

namespace Cosmos.HAL.Devices.Storage
{
    /// <summary>
    /// The driver of an AHCI host bus adapter (PCI class 01h, subclass 06h, programming interface 01h; QEMU's
    /// <c>-device ahci</c> is an ICH9 AHCI 8086:2922), after Serial ATA AHCI 1.3.1. Starting it (stage
    /// <see cref="DeviceStage.Drivers"/>) maps ABAR (BAR5) uncached, turns memory decoding and bus mastering on, sets
    /// GHC.AE, resets the HBA (GHC.HR, §10.4.3), and sets up every implemented port (PI) whose PHY reports a device
    /// (PxSSTS.DET = 3): command list, received-FIS area and one command table in DMA memory, FRE and ST set (§10.1.2).
    /// Each port with an ATA signature (PxSIG 00000101h) becomes an <see cref="AhciDisk"/> named "AHCI 00:04.0 port 0",
    /// registered and started; ATAPI ports (EB140101h) become an <see cref="AhciAtapiDrive"/>; other signatures are
    /// registered as a <see cref="FailedStorageDevice"/> naming the signature. Commands
    /// use slot 0 only, one at a time per port, with a deadline. Once the disks are identified (by polling), the HBA's
    /// interrupts are routed as MSI (APIC mode; <see cref="PCIDevice.EnableMsi"/>), else through its INTx# line
    /// (<see cref="PCIDevice.SetLegacyInterruptHandler"/>, PIC or I/O APIC, possibly shared with other functions), and
    /// commands sleep until the port's interrupt (10 ms slices re-check PxCI, so a lost interrupt costs 10 ms); with
    /// neither they poll PxCI and PxIS.
    /// </summary>
    public sealed unsafe class AhciController : Device
    {
        // HBA registers (§3.1).
        internal const int Cap = 0x00, Ghc = 0x04, Is = 0x08, Pi = 0x0C, Vs = 0x10;
        internal const uint GhcAe = 1u << 31, GhcIe = 1u << 1, GhcHr = 1u << 0;
        internal const uint CapS64a = 1u << 31, CapSss = 1u << 27;

        /// <summary>The PCI function this driver runs.</summary>
        public readonly PCIDevice Pci;
        /// <summary>ABAR: the HBA's register block (0 before start).</summary>
        public ulong Abar { get; private set; }
        /// <summary>AHCI version (VS register, e.g. 0x00010000 for 1.0) read at start.</summary>
        public uint Version { get; private set; }
        /// <summary>Ports implemented (PI register).</summary>
        public uint PortsImplemented { get; private set; }
        /// <summary>Number of ports with an ATA or ATAPI device found at start.</summary>
        public int DiskCount { get; private set; }

        private AhciPort[] _ports;

        /// <summary>Milliseconds the ports get, together, to report a device on their PHY (PxSSTS.DET = 3) after spin-up.</summary>
        public const int PortDetectMs = 10;
        // Controller by MSI vector (index vector − FirstDynamicVector) for the handler; created by the first MSI set-up.
        private static AhciController[] s_byVector;

        /// <summary>The MSI vector the HBA interrupts on, or −1 (no MSI: <see cref="LegacyIrq"/>, or commands poll).</summary>
        public int MsiVector { get; private set; } = -1;
        /// <summary>The ISA IRQ of the INTx# line the HBA interrupts on when it has no MSI, or −1.</summary>
        public int LegacyIrq { get; private set; } = -1;
        /// <summary>Why interrupts are not used (null when they are); with INTx#, why MSI is not.</summary>
        public string InterruptError { get; private set; }

        // Controllers on INTx# lines, for the shared-line handler (allocation-free in interrupt context).
        private static readonly LegacyInterruptUsers<AhciController> s_legacy = new(8, "AHCI controllers");

        /// <summary>The HBA's MSI handler: services the controller the vector belongs to. No allocation.</summary>
        private static void OnInterrupt(InterruptFrame* frame)
        {
            int i = (int)(frame->Vector & 0xFF) - InterruptController.FirstDynamicVector;
            var table = s_byVector;
            if (table == null || (uint)i >= (uint)table.Length) return;
            table[i]?.Service();
        }

        /// <summary>
        /// The INTx# handler (one of the line's chain): services every HBA on this IRQ whose IS register has a bit set;
        /// an HBA with IS = 0 did not assert the line (AHCI 1.3.1 §3.1.3: IS has a bit per port with an enabled PxIS bit set,
        /// and the HBA drives its interrupt while any is set). No allocation.
        /// </summary>
        private static void OnLegacyInterrupt(InterruptFrame* frame)
        {
            int irq = (int)(frame->Vector & 0xFF) - InterruptController.VectorOf(0);
            for (int i = 0; i < s_legacy.Count; i++)
                if (s_legacy.IrqOf(i) == irq) s_legacy[i].Service();
        }

        /// <summary>For each port bit in IS: the port acknowledges PxIS and wakes its waiter; then IS is cleared (PxIS first: a port whose PxIS stays set sets its IS bit again). No allocation.</summary>
        private void Service()
        {
            if (_ports == null || Abar == 0) return;
            uint pending = Read(Is);
            if (pending == 0) return;
            for (int p = 0; p < 32; p++)
                if ((pending & (1u << p)) != 0) _ports[p]?.HandleInterrupt();
            Write(Is, pending);
        }

        /// <summary>
        /// Routes the HBA's interrupts as MSI (APIC mode), else through its INTx# line (PIC or I/O APIC; the line may be
        /// shared), and turns them on for the ports with disks (GHC.IE). False (with <see cref="InterruptError"/>)
        /// leaves the ports polling.
        /// </summary>
        private bool EnableInterrupts()
        {
            string noMsi;
            if (InterruptController.Mode != InterruptControllerMode.Apic) noMsi = "MSI needs APIC mode";
            else if (Pci.MsiDisabled) noMsi = "MSI disabled for this function (PCIDevice.MsiDisabled)";
            else
            {
                int v = Pci.EnableMsi(&OnInterrupt);
                if (v >= 0)
                {
                    s_byVector ??= new AhciController[InterruptController.LastDynamicVector - InterruptController.FirstDynamicVector + 1];
                    s_byVector[v - InterruptController.FirstDynamicVector] = this;
                    MsiVector = v;
                    return TurnOn();
                }
                noMsi = "no MSI capability or no free vector";
            }
            int irq = s_legacy.Add(this, Pci, &OnLegacyInterrupt, out string intxError);
            if (irq < 0) { InterruptError = noMsi + "; " + intxError; return false; }
            LegacyIrq = irq;
            InterruptError = noMsi;
            return TurnOn();
        }

        private bool TurnOn()
        {
            for (int p = 0; p < 32; p++) _ports[p]?.EnableInterrupts();
            Write(Is, 0xFFFFFFFF);
            Write(Ghc, Read(Ghc) | GhcIe);
            return true;
        }

        /// <summary>A driver for <paramref name="pci"/> (touches no hardware).</summary>
        public AhciController(PCIDevice pci)
            : base(string.Concat("AHCI ", (pci ?? throw new ArgumentNullException(nameof(pci))).Address.ToString()), DeviceClass.Storage, DeviceStage.Drivers, 0, pci)
        {
            Pci = pci;
        }

        /// <summary>True for AHCI functions: class 01h, subclass 06h (SATA), programming interface 01h (AHCI 1.0).</summary>
        public static bool Handles(PCIDevice pci) => pci.ClassCode == 0x01 && pci.Subclass == 0x06 && pci.ProgIF == 0x01;

        internal uint Read(int offset) => Volatile.Read(ref *(uint*)(Abar + (ulong)offset));
        internal void Write(int offset, uint value) => Volatile.Write(ref *(uint*)(Abar + (ulong)offset), value);

        internal static ulong Deadline(int ms) => HAL.Deadline.After((ulong)ms);

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
            if (Pci.BaseAddressBar.Length < 6 || Pci.BaseAddressBar[5].IsIO || Pci.BaseAddressBar[5].BaseAddress == 0)
            {
                error = "BAR5 (ABAR) is not an assigned memory BAR";
                return false;
            }
            Abar = Pci.MapMemoryBar(5);
            Pci.EnableBusMaster(true);
            Write(Ghc, Read(Ghc) | GhcAe);
            // HBA reset (§10.4.3): HR set, the HBA clears it when done (within 1 s); AE must be set again afterwards.
            Write(Ghc, Read(Ghc) | GhcHr);
            ulong deadline = Deadline(1000);
            while ((Read(Ghc) & GhcHr) != 0)
                if (Native.Rdtsc() > deadline) { error = "HBA reset did not complete within 1 s (GHC.HR stays set)"; return false; }
            Write(Ghc, (Read(Ghc) | GhcAe) & ~GhcIe);
            Version = Read(Vs);
            PortsImplemented = Read(Pi);
            uint cap = Read(Cap);
            DiskCount = 0;
            _ports ??= new AhciPort[32];
            // Without staggered spin-up (CAP.SSS clear: the devices spin up on their own after the reset) every implemented
            // port is prepared (stopped, given its memory, FIS receive on) before any is waited for, so their PHYs detect
            // devices side by side: one 10 ms bound for all ports instead of 10 ms per empty port. With CAP.SSS, software
            // spins the devices up (PxCMD.SUD), and does so one port after the other, as SSS exists for: each port is
            // prepared and brought up (its device ready) before the next spins up. QEMU reports DET = 3 at once for an
            // attached device and has no SSS; 10 ms covers a real PHY's detection after the HBA reset.
            bool staggered = (cap & CapSss) != 0;
            var prepared = staggered ? null : new AhciPort[32];
            for (int p = 0; p < 32; p++)
            {
                if ((PortsImplemented & (1u << p)) == 0) continue;
                string name = string.Concat(Name, " port ", p.ToString());
                if (DeviceRegistry.Find(name) != null) { DiskCount++; continue; }     // registered by an earlier start
                var port = new AhciPort(this, p, name, (cap & CapS64a) != 0, staggered);
                try { port.Prepare(); }
                catch (System.IO.IOException e)
                {
                    DeviceRegistry.Register(new FailedStorageDevice(name, this, e.Message));
                    continue;
                }
                if (staggered) BringUp(port, Deadline(PortDetectMs));
                else prepared[p] = port;
            }
            if (!staggered)
            {
                ulong detectDeadline = Deadline(PortDetectMs);
                foreach (var port in prepared)
                    if (port != null) BringUp(port, detectDeadline);
            }
            // Disks identified by polling; later commands sleep until the HBA's MSI (or keep polling: InterruptError).
            if (DiskCount > 0 && MsiVector < 0 && LegacyIrq < 0) EnableInterrupts();
            error = null;
            return true;
        }

        /// <summary>
        /// After <see cref="AhciPort.Prepare"/>: waits for <paramref name="port"/>'s device until
        /// <paramref name="detectDeadline"/> (TSC), starts the port and registers what it found: an <see cref="AhciDisk"/>
        /// (PxSIG 00000101h) or <see cref="AhciAtapiDrive"/> (EB140101h), started; a <see cref="FailedStorageDevice"/>
        /// naming the signature or the error; nothing for an empty port.
        /// </summary>
        private void BringUp(AhciPort port, ulong detectDeadline)
        {
            uint signature;
            try
            {
                if (!port.Initialize(detectDeadline, out signature)) return;     // no device on the PHY
            }
            catch (System.IO.IOException e)
            {
                DeviceRegistry.Register(new FailedStorageDevice(port.Name, this, e.Message));
                return;
            }
            Cosmos.HAL.BlockDevice.BlockDevice device = signature == AhciPort.SignatureAtapi ? new AhciAtapiDrive(port.Name, this, port)
                : signature == AhciPort.SignatureAta ? new AhciDisk(port.Name, this, port)
                : null;
            if (device == null)
            {
                DeviceRegistry.Register(new FailedStorageDevice(port.Name, this, string.Concat("device signature ", HalFormat.Hex(signature, 8), " is not an ATA disk")));
                return;
            }
            _ports[port.Number] = port;
            DeviceRegistry.Register(device);
            device.Start();
            DiskCount++;
        }
    }
}
