using Cosmos.Core;

namespace Cosmos.HAL
{
    /// <summary>
    /// The two cascaded 8259A programmable interrupt controllers (Cosmos API name). The BIOS leaves
    /// them on vectors 0x08–0x0F / 0x70–0x77, which collide with CPU exceptions, so
    /// <see cref="Remap"/> moves them to <see cref="MasterVectorBase"/> (0x20) and
    /// <see cref="SlaveVectorBase"/> (0x28) before interrupts are enabled; <see cref="MaskAll"/>
    /// silences them when the APIC takes over. Ports: master 0x20 (command) / 0x21 (data), slave
    /// 0xA0 / 0xA1. The pair has no state beyond its registers, so the members are static; its device
    /// (<see cref="Instance"/>, stage <see cref="DeviceStage.OnDemand"/>) is started by
    /// <see cref="Interrupts.InterruptController"/>, and starting it is <see cref="Remap"/>. <see cref="EndOfInterrupt"/> runs in
    /// interrupt handlers and never allocates.
    /// Source: Intel 8259A datasheet (ICW1–4, OCW1–3); OSDev wiki "8259 PIC".
    /// </summary>
    public sealed class PIC : Device
    {
        private static PIC s_instance;

        /// <summary>The PIC pair's registry entry (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static PIC Instance => s_instance ??= new PIC();

        private PIC() : base("8259 PIC pair", DeviceClass.InterruptController) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            Remap();
            error = null;
            return true;
        }

        /// <summary>Vector of IRQ 0 after <see cref="Remap"/>.</summary>
        public const byte MasterVectorBase = 0x20;
        /// <summary>Vector of IRQ 8 after <see cref="Remap"/>.</summary>
        public const byte SlaveVectorBase = 0x28;

        private const ushort MasterCommand = 0x20, MasterData = 0x21, SlaveCommand = 0xA0, SlaveData = 0xA1;
        private const byte Icw1Init = 0x11;   // ICW1: initialisation, ICW4 follows, cascade, edge triggered
        private const byte Icw4_8086 = 0x01;  // ICW4: 8086/88 mode, normal EOI
        private const byte OcwEoi = 0x20;     // OCW2: non-specific EOI
        private const byte OcwReadIsr = 0x0B; // OCW3: next read of the command port returns the ISR

        /// <summary>
        /// Re-initialises both PICs with IRQ 0–7 on vectors <paramref name="masterBase"/>.. and IRQ 8–15 on
        /// <paramref name="slaveBase"/>.. (both multiples of 8), slave on IRQ 2, and every IRQ masked.
        /// </summary>
        public static void Remap(byte masterBase = MasterVectorBase, byte slaveBase = SlaveVectorBase)
        {
            IOPort.Write8(MasterCommand, Icw1Init); IOPort.Wait();
            IOPort.Write8(SlaveCommand, Icw1Init); IOPort.Wait();
            IOPort.Write8(MasterData, masterBase); IOPort.Wait();   // ICW2: vector base
            IOPort.Write8(SlaveData, slaveBase); IOPort.Wait();
            IOPort.Write8(MasterData, 0x04); IOPort.Wait();         // ICW3: slave on IRQ 2 (bit mask)
            IOPort.Write8(SlaveData, 0x02); IOPort.Wait();          // ICW3: slave identity 2
            IOPort.Write8(MasterData, Icw4_8086); IOPort.Wait();
            IOPort.Write8(SlaveData, Icw4_8086); IOPort.Wait();
            MaskAll();
            Instance.MarkStarted();
        }

        /// <summary>Masks all 16 IRQs (OCW1 = 0xFF on both).</summary>
        public static void MaskAll()
        {
            IOPort.Write8(MasterData, 0xFF);
            IOPort.Write8(SlaveData, 0xFF);
        }

        /// <summary>Current mask (bit n = IRQ n masked).</summary>
        public static ushort Mask => (ushort)(IOPort.Read8(MasterData) | (IOPort.Read8(SlaveData) << 8));

        /// <summary>Unmasks IRQ <paramref name="irq"/> (0–15); unmasks the cascade (IRQ 2) too for 8–15.</summary>
        public static void Unmask(int irq)
        {
            if (irq >= 8)
            {
                IOPort.Write8(SlaveData, (byte)(IOPort.Read8(SlaveData) & ~(1 << (irq - 8))));
                irq = 2;
            }
            IOPort.Write8(MasterData, (byte)(IOPort.Read8(MasterData) & ~(1 << irq)));
        }

        /// <summary>Masks IRQ <paramref name="irq"/> (0–15).</summary>
        public static void MaskIrq(int irq)
        {
            if (irq >= 8) IOPort.Write8(SlaveData, (byte)(IOPort.Read8(SlaveData) | (1 << (irq - 8))));
            else IOPort.Write8(MasterData, (byte)(IOPort.Read8(MasterData) | (1 << irq)));
        }

        /// <summary>In-service register of both PICs (bit n = IRQ n being serviced).</summary>
        public static ushort ReadInService()
        {
            IOPort.Write8(MasterCommand, OcwReadIsr);
            IOPort.Write8(SlaveCommand, OcwReadIsr);
            return (ushort)(IOPort.Read8(MasterCommand) | (IOPort.Read8(SlaveCommand) << 8));
        }

        /// <summary>
        /// End of interrupt for IRQ <paramref name="irq"/> (0–15). A spurious IRQ 7 (master ISR bit 7
        /// clear) gets no EOI; a spurious IRQ 15 gets an EOI at the master only (the cascade input
        /// was in service). Returns false for a spurious IRQ.
        /// </summary>
        public static bool EndOfInterrupt(int irq)
        {
            if (irq == 7 && (ReadInService() & 0x80) == 0) return false;
            if (irq == 15 && (ReadInService() & 0x8000) == 0) { IOPort.Write8(MasterCommand, OcwEoi); return false; }
            if (irq >= 8) IOPort.Write8(SlaveCommand, OcwEoi);
            IOPort.Write8(MasterCommand, OcwEoi);
            return true;
        }
    }
}
