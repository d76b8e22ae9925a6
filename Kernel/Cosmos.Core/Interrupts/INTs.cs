using Cosmos.Core.Layout;

namespace Cosmos.Core
{
    using Cosmos.Core.Interrupts;

    /// <summary>
    /// Interrupt set-up and registration (Cosmos API name <c>Cosmos.Core.INTs</c>). <see cref="Initialize"/>
    /// builds the IDT (all 256 vectors through the X# stubs to <see cref="InterruptDispatcher"/>), the IST
    /// stacks (IST1 double fault, IST2 NMI, IST3 machine check, each above an unmapped guard page) and loads
    /// it. Interrupts stay disabled: the caller enables them (Cosmos.System.Global does, once the
    /// interrupt controllers are set up).
    /// </summary>
    public static unsafe class INTs
    {
        /// <summary>Vector of IRQ 0 (legacy PIC remapped to 0x20; IOAPIC inputs use the same base).</summary>
        public const int IrqBase = InterruptDescriptorTable.FirstIrqVector;

        /// <summary>The loaded table; null before <see cref="Initialize"/>.</summary>
        public static InterruptDescriptorTable IDT => InterruptDescriptorTable.Active;

        /// <summary>True once <see cref="Initialize"/> ran.</summary>
        public static bool IsInitialized => InterruptDescriptorTable.Active != null;

        /// <summary>Creates and loads the IDT and the IST stacks. Idempotent. Does not enable interrupts.</summary>
        public static void Initialize()
        {
            if (IsInitialized) return;
            TaskStateSegment.InitializeInterruptStacks();
            var idt = new InterruptDescriptorTable();
            idt.DoubleFault.SetStackIndex(TaskStateSegment.DoubleFaultStackIndex);
            idt.NonMaskableInterrupt.SetStackIndex(TaskStateSegment.NmiStackIndex);
            idt.MachineCheck.SetStackIndex(TaskStateSegment.MachineCheckStackIndex);
            idt.Load();
        }

        /// <summary>Registers <paramref name="handler"/> for IRQ <paramref name="irq"/> (vector <see cref="IrqBase"/> + irq); the dispatcher sends EOI after it.</summary>
        public static void SetIrqHandler(byte irq, delegate*<InterruptFrame*, void> handler)
        {
            Initialize();
            IDT[IrqBase + irq].SetHandler(handler);
        }

        /// <summary>Registers a frame-only handler for any vector 0–255 (see <see cref="IdtEntry.SetRawHandler"/>).</summary>
        public static void SetIntHandler(byte vector, delegate*<InterruptFrame*, void> handler)
        {
            Initialize();
            IDT.GetEntry(vector).SetRawHandler(handler);
        }
    }
}
