using System;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.HAL.Firmware.Acpi;

namespace Cosmos.HAL.Interrupts
{
    /// <summary>Which controller delivers device interrupts.</summary>
    public enum InterruptControllerMode
    {
        /// <summary><see cref="InterruptController.Initialize"/> has not run.</summary>
        None,
        /// <summary>The legacy 8259 pair (no usable MADT / I/O APIC).</summary>
        Pic,
        /// <summary>Local APIC + I/O APIC(s) from the ACPI MADT; the 8259s are remapped and masked.</summary>
        Apic,
    }

    /// <summary>
    /// Chooses and drives the interrupt controllers: the 8259 PICs are always remapped to 0x20/0x28 and
    /// masked first; when ACPI's MADT lists an I/O APIC the local APIC and I/O APICs are used, else
    /// the PICs. ISA IRQ n is delivered on vector 0x20 + n either way (through the MADT interrupt
    /// source overrides with the APIC, e.g. IRQ 0 → GSI 2 on QEMU). Installs the EOI callback of
    /// <see cref="InterruptDispatcher.EndOfInterrupt"/>. All IRQs start masked: <see cref="EnableIrq"/>
    /// opens one (the polled keyboard and serial console keep working with IRQ 1 and 4 masked).
    /// The device (<see cref="Instance"/>, stage <see cref="DeviceStage.InterruptControllers"/>, which runs with
    /// interrupts disabled) holds the mode, the MADT and the I/O APICs; starting it is <see cref="Initialize"/>,
    /// which starts the <see cref="PIC"/> and, in APIC mode, the <see cref="LocalAPIC"/> and registers one
    /// <see cref="IOAPIC"/> device per MADT entry. The static members forward to it;
    /// <see cref="EndOfInterrupt"/> runs in every interrupt and never allocates.
    /// </summary>
    public sealed unsafe class InterruptController : Device
    {
        private static InterruptController s_instance;
        private InterruptControllerMode _mode;
        private MADT _madt;
        private string _fallbackReason;
        private IOAPIC[] _ioApics;

        /// <summary>The interrupt routing device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static InterruptController Instance => s_instance ??= new InterruptController();

        private InterruptController() : base("Interrupt controller", DeviceClass.InterruptController, DeviceStage.InterruptControllers) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Initialize();
            error = null;
            return true;
        }

        /// <summary>The controller in use.</summary>
        public static InterruptControllerMode Mode => s_instance?._mode ?? InterruptControllerMode.None;
        /// <summary>The parsed MADT, or null (no ACPI, no MADT, or it did not parse).</summary>
        public static MADT Madt => s_instance?._madt;
        /// <summary>Why the APIC was not used (null when it is).</summary>
        public static string FallbackReason => s_instance?._fallbackReason;
        /// <summary>Number of I/O APICs in use.</summary>
        public static int IoApicCount => s_instance?._ioApics?.Length ?? 0;

        /// <summary>
        /// Sets up the controllers once (call with interrupts disabled, after <see cref="INTs.Initialize"/>; the MADT is read
        /// through <see cref="FirmwareTables"/>, so after the firmware stage). <paramref name="preferApic"/> false forces the PIC.
        /// Returns the mode chosen.
        /// </summary>
        public static InterruptControllerMode Initialize(bool preferApic = true)
        {
            var ic = Instance;
            if (ic._mode != InterruptControllerMode.None) return ic._mode;
            PIC.Remap();
            ic._fallbackReason = null;
            if (!preferApic) ic._fallbackReason = "APIC not requested";
            else if (!LocalAPIC.IsPresent) ic._fallbackReason = "CPUID reports no local APIC";
            else if (FirmwareTables.Get("APIC").IsEmpty) ic._fallbackReason = "no ACPI MADT";
            else if (!MADT.TryParse(FirmwareTables.Get("APIC"), out var madt, out string err)) ic._fallbackReason = "MADT: " + err;
            else if (madt.IoApics.Count == 0) { ic._madt = madt; ic._fallbackReason = "the MADT lists no I/O APIC"; }
            else
            {
                ic._madt = madt;
                LocalAPIC.Initialize(madt.LocalApicAddress);
                // The 8259s are masked: close their ExtINT path (LINT0), then route the NMI pins the MADT lists
                // for this processor (UID 0xFF = all processors).
                LocalAPIC.MaskLint(0);
                byte uid = 0xFF;
                foreach (var l in madt.LocalApics) if (l.ApicId == LocalAPIC.Id) { uid = l.ProcessorUid; break; }
                foreach (var n in madt.LocalApicNmis)
                    if ((n.ProcessorUid == 0xFF || n.ProcessorUid == uid) && n.Lint <= 1) LocalAPIC.SetLintNmi(n.Lint, n.Flags);
                var ioApics = new IOAPIC[madt.IoApics.Count];
                for (int i = 0; i < ioApics.Length; i++)
                {
                    ioApics[i] = new IOAPIC(madt.IoApics[i].Address, madt.IoApics[i].GsiBase);
                    if (DeviceRegistry.Find(ioApics[i].Name) == null) DeviceRegistry.Register(ioApics[i]);
                }
                ic._ioApics = ioApics;
                ic._mode = InterruptControllerMode.Apic;
            }
            if (ic._mode == InterruptControllerMode.None) ic._mode = InterruptControllerMode.Pic;
            InterruptDispatcher.EndOfInterrupt = &EndOfInterrupt;
            ic.MarkStarted();
            return ic._mode;
        }

        /// <summary>Vector of ISA IRQ <paramref name="irq"/>.</summary>
        public static int VectorOf(int irq) => INTs.IrqBase + irq;

        /// <summary>
        /// Unmasks ISA IRQ <paramref name="irq"/> (0–15) so it arrives on vector 0x20 + irq: through the
        /// I/O APIC input of its GSI (with the override's polarity and trigger) or the PIC.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="irq"/> outside 0..15.</exception>
        /// <exception cref="InvalidOperationException">Not initialized, or no I/O APIC serves the GSI.</exception>
        public static void EnableIrq(int irq)
        {
            if ((uint)irq > 15) throw new ArgumentOutOfRangeException(nameof(irq), "ISA IRQs are 0..15");
            if (Mode == InterruptControllerMode.Pic) { PIC.Unmask(irq); return; }
            if (Mode != InterruptControllerMode.Apic) throw new InvalidOperationException("InterruptController.Initialize() first");
            uint gsi = Madt.IsaIrqToGsi(irq, out bool low, out bool level);
            var io = IoApicFor(gsi);
            io.Route((int)(gsi - io.GsiBase), (byte)VectorOf(irq), LocalAPIC.Id, low, level);
        }

        /// <summary>
        /// Installs <paramref name="handler"/> for ISA IRQ <paramref name="irq"/> (vector 0x20 + irq; the dispatcher sends
        /// the EOI after it) and unmasks the IRQ (<see cref="EnableIrq"/>). One handler per IRQ: installing a second,
        /// different one is refused (lines several devices drive, PCI INTx#, take <see cref="AddSharedIrqHandler"/>).
        /// Legacy IDE uses 14 and 15. Call from a thread, not an interrupt handler.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="irq"/> outside 0..15.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
        /// <exception cref="InvalidOperationException">Not initialized, or the IRQ already has another handler.</exception>
        public static void SetIrqHandler(int irq, delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            if ((uint)irq > 15) throw new ArgumentOutOfRangeException(nameof(irq), "ISA IRQs are 0..15");
            if (handler == null) throw new ArgumentNullException(nameof(handler));
            if (Mode == InterruptControllerMode.None) throw new InvalidOperationException("InterruptController.Initialize() first");
            var entry = INTs.IDT[VectorOf(irq)];
            if (entry.HasHandler && entry.HandlerAddress != (ulong)handler)
                throw new InvalidOperationException(string.Concat("IRQ ", irq.ToString(), " already has a handler"));
            INTs.SetIrqHandler((byte)irq, handler);
            EnableIrq(irq);
        }

        // Handlers of shared ISA IRQs (PCI INTx# lines), per IRQ; published whole (a new array per change) so the
        // dispatcher, which may run between two changes, always sees a complete chain.
        private static nint[][] s_shared;

        /// <summary>
        /// Adds <paramref name="handler"/> to the handlers of ISA IRQ <paramref name="irq"/>, a line several devices may
        /// drive (PCI INTx#, level-triggered and shareable by PCI Local Bus 3.0 §2.2.6): every interrupt on it runs each
        /// handler in the order added (each must check its own device, acknowledge it when it asserted the line, and do
        /// nothing otherwise), then the dispatcher sends the EOI. A handler the IRQ already had through
        /// <see cref="SetIrqHandler"/> stays first in the chain; adding the same handler twice adds it once. Unmasks the
        /// IRQ. Call from a thread, not an interrupt handler.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="irq"/> outside 0..15.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
        /// <exception cref="InvalidOperationException">Not initialized.</exception>
        public static void AddSharedIrqHandler(int irq, delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            if ((uint)irq > 15) throw new ArgumentOutOfRangeException(nameof(irq), "ISA IRQs are 0..15");
            if (handler == null) throw new ArgumentNullException(nameof(handler));
            if (Mode == InterruptControllerMode.None) throw new InvalidOperationException("InterruptController.Initialize() first");
            delegate*<Cosmos.Core.Layout.InterruptFrame*, void> dispatch = &OnSharedIrq;
            ulong flags = CPU.SaveAndDisableInterrupts();
            try
            {
                s_shared ??= new nint[16][];
                var chain = s_shared[irq] ?? Array.Empty<nint>();
                var entry = INTs.IDT[VectorOf(irq)];
                if (chain.Length == 0 && entry.HasHandler && entry.HandlerAddress != (ulong)dispatch && entry.HandlerAddress != (ulong)handler)
                    chain = new[] { (nint)entry.HandlerAddress };
                if (Array.IndexOf(chain, (nint)handler) < 0)
                {
                    var grown = new nint[chain.Length + 1];
                    chain.CopyTo(grown, 0);
                    grown[chain.Length] = (nint)handler;
                    chain = grown;
                }
                s_shared[irq] = chain;
                INTs.SetIrqHandler((byte)irq, dispatch);
            }
            finally { CPU.RestoreInterrupts(flags); }
            EnableIrq(irq);
        }

        /// <summary>Handlers sharing the IRQ's line (<see cref="AddSharedIrqHandler"/>); 0 when it has none.</summary>
        public static int SharedHandlerCount(int irq) => (uint)irq <= 15 && s_shared?[irq] != null ? s_shared[irq].Length : 0;

        /// <summary>The dispatcher of a shared IRQ: runs each handler of the line. No allocation.</summary>
        private static void OnSharedIrq(Cosmos.Core.Layout.InterruptFrame* frame)
        {
            int irq = (int)(frame->Vector & 0xFF) - VectorOf(0);
            var table = s_shared;
            if (table == null || (uint)irq > 15) return;
            var chain = table[irq];
            if (chain == null) return;
            for (int i = 0; i < chain.Length; i++) ((delegate*<Cosmos.Core.Layout.InterruptFrame*, void>)chain[i])(frame);
        }

        /// <summary>First vector <see cref="AllocateVector"/> hands out (above the ISA IRQs and the local APIC timer's 0x30).</summary>
        public const int FirstDynamicVector = 0x40;
        /// <summary>Last vector <see cref="AllocateVector"/> hands out (below the scheduler's 0x81).</summary>
        public const int LastDynamicVector = 0x7F;

        /// <summary>
        /// Message Address for a message-signalled interrupt aimed at the boot processor: FEE00000h with its local APIC ID
        /// in bits 19–12 (physical destination, no redirection hint; Intel SDM Vol. 3A §11.11.1). What PCI functions write
        /// into their MSI capability or MSI-X table beside a vector from <see cref="AllocateVector"/>.
        /// </summary>
        public static uint MsiAddress => 0xFEE0_0000u | (uint)LocalAPIC.Id << 12;

        /// <summary>
        /// Installs <paramref name="handler"/> on a free vector in <see cref="FirstDynamicVector"/>..<see cref="LastDynamicVector"/>
        /// (one without a handler) and returns it, for message-signalled interrupts (MSI: the device writes the vector to the
        /// local APIC, so there is nothing to unmask). The dispatcher sends the local APIC EOI after the handler. Needs APIC
        /// mode. Returns −1 when no vector is free.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
        /// <exception cref="InvalidOperationException">Not in APIC mode.</exception>
        public static int AllocateVector(delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler)
        {
            if (handler == null) throw new ArgumentNullException(nameof(handler));
            if (Mode != InterruptControllerMode.Apic) throw new InvalidOperationException("message-signalled interrupts need APIC mode (mode is " + Mode + ")");
            ulong flags = CPU.SaveAndDisableInterrupts();
            try
            {
                for (int v = FirstDynamicVector; v <= LastDynamicVector; v++)
                {
                    var e = INTs.IDT[v];
                    if (e.HasHandler) continue;
                    e.SetHandler(handler);
                    e.SendsEndOfInterrupt = true;
                    return v;
                }
                return -1;
            }
            finally { CPU.RestoreInterrupts(flags); }
        }

        /// <summary>Masks ISA IRQ <paramref name="irq"/> (0–15).</summary>
        public static void DisableIrq(int irq)
        {
            if ((uint)irq > 15) throw new ArgumentOutOfRangeException(nameof(irq), "ISA IRQs are 0..15");
            if (Mode == InterruptControllerMode.Pic) { PIC.MaskIrq(irq); return; }
            if (Mode != InterruptControllerMode.Apic) return;
            uint gsi = Madt.IsaIrqToGsi(irq, out _, out _);
            var io = IoApicFor(gsi);
            io.Mask((int)(gsi - io.GsiBase));
        }

        private static IOAPIC IoApicFor(uint gsi)
        {
            foreach (var io in Instance._ioApics) if (io.Serves(gsi)) return io;
            throw new InvalidOperationException("no I/O APIC serves GSI " + gsi);
        }

        /// <summary>
        /// End of interrupt for <paramref name="vector"/> (called by the dispatcher after an IRQ handler):
        /// none for the APIC spurious vector; local APIC EOI in APIC mode (vectors 0x20.. of a masked PIC
        /// can only be spurious there, and a local APIC EOI without an in-service vector is ignored);
        /// the PIC's EOI rules (spurious IRQ 7/15) in PIC mode.
        /// </summary>
        public static void EndOfInterrupt(int vector)
        {
            if (vector == LocalAPIC.SpuriousVector) return;
            if (Mode == InterruptControllerMode.Apic) { LocalAPIC.EndOfInterrupt(); return; }
            int irq = vector - PIC.MasterVectorBase;
            if ((uint)irq < 16) PIC.EndOfInterrupt(irq);
        }

        /// <summary>
        /// Starts the local APIC timer at <paramref name="hz"/> Hz on <see cref="APICTimer.Vector"/>
        /// (calibrating it against the PIT first when needed). Returns the measured timer clock in Hz.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not in APIC mode.</exception>
        public static ulong StartApicTimer(uint hz)
        {
            if (Mode != InterruptControllerMode.Apic) throw new InvalidOperationException("the local APIC timer needs APIC mode (mode is " + Mode + ")");
            if (APICTimer.Frequency == 0) APICTimer.Calibrate();
            APICTimer.StartPeriodic(hz);
            return APICTimer.Frequency;
        }

        /// <summary>Programs PIT channel 0 at about <paramref name="hz"/> Hz and unmasks IRQ 0. Returns the PIT reload value.</summary>
        public static ushort StartPitTimer(uint hz)
        {
            ushort divisor = PIT.SetChannel0Periodic(hz);
            EnableIrq(0);
            return divisor;
        }

        /// <summary>Masks IRQ 0 and stops PIT channel 0 (mode 0 with the longest count, no further edges).</summary>
        public static void StopPitTimer()
        {
            DisableIrq(0);
            PIT.SetChannel0OneShot(0xFFFF);
        }
    }
}
