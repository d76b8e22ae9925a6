using System;
using Cosmos.Core;
using Cosmos.Core.Interrupts;

namespace Cosmos.HAL
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
    /// </summary>
    public static unsafe class InterruptController
    {
        private static IOAPIC[] s_ioApics;

        /// <summary>The controller in use.</summary>
        public static InterruptControllerMode Mode { get; private set; }
        /// <summary>The parsed MADT, or null (no ACPI, no MADT, or it did not parse).</summary>
        public static MADT Madt { get; private set; }
        /// <summary>Why the APIC was not used (null when it is).</summary>
        public static string FallbackReason { get; private set; }
        /// <summary>Number of I/O APICs in use.</summary>
        public static int IoApicCount => s_ioApics?.Length ?? 0;

        /// <summary>
        /// Sets up the controllers once (call with interrupts disabled, after <see cref="INTs.Initialize"/>
        /// and <see cref="ACPI.Initialize"/>). <paramref name="preferApic"/> false forces the PIC.
        /// Returns the mode chosen.
        /// </summary>
        public static InterruptControllerMode Initialize(bool preferApic = true)
        {
            if (Mode != InterruptControllerMode.None) return Mode;
            PIC.Remap();
            FallbackReason = null;
            if (!preferApic) FallbackReason = "APIC not requested";
            else if (!LocalAPIC.IsPresent) FallbackReason = "CPUID reports no local APIC";
            else if (!ACPI.IsAvailable || ACPI.MadtAddress == 0) FallbackReason = "no ACPI MADT";
            else if (!MADT.TryParse(ACPI.GetTable("APIC"), out var madt, out string err)) FallbackReason = "MADT: " + err;
            else if (madt.IoApics.Count == 0) { Madt = madt; FallbackReason = "the MADT lists no I/O APIC"; }
            else
            {
                Madt = madt;
                LocalAPIC.Initialize(madt.LocalApicAddress);
                // The 8259s are masked: close their ExtINT path (LINT0), then route the NMI pins the MADT lists
                // for this processor (UID 0xFF = all processors).
                LocalAPIC.MaskLint(0);
                byte uid = 0xFF;
                foreach (var l in madt.LocalApics) if (l.ApicId == LocalAPIC.Id) { uid = l.ProcessorUid; break; }
                foreach (var n in madt.LocalApicNmis)
                    if ((n.ProcessorUid == 0xFF || n.ProcessorUid == uid) && n.Lint <= 1) LocalAPIC.SetLintNmi(n.Lint, n.Flags);
                s_ioApics = new IOAPIC[madt.IoApics.Count];
                for (int i = 0; i < s_ioApics.Length; i++) s_ioApics[i] = new IOAPIC(madt.IoApics[i].Address, madt.IoApics[i].GsiBase);
                Mode = InterruptControllerMode.Apic;
            }
            if (Mode == InterruptControllerMode.None) Mode = InterruptControllerMode.Pic;
            InterruptDispatcher.EndOfInterrupt = &EndOfInterrupt;
            return Mode;
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
            foreach (var io in s_ioApics) if (io.Serves(gsi)) return io;
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
        /// Starts the local APIC timer at <paramref name="hz"/> Hz on <see cref="LocalAPIC.TimerVector"/>
        /// (calibrating it against the PIT first when needed). Returns the measured timer clock in Hz.
        /// </summary>
        /// <exception cref="InvalidOperationException">Not in APIC mode.</exception>
        public static ulong StartApicTimer(uint hz)
        {
            if (Mode != InterruptControllerMode.Apic) throw new InvalidOperationException("the local APIC timer needs APIC mode (mode is " + Mode + ")");
            if (LocalAPIC.TimerFrequency == 0) LocalAPIC.CalibrateTimer();
            LocalAPIC.StartPeriodic(hz);
            return LocalAPIC.TimerFrequency;
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
