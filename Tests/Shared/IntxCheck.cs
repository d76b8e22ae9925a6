using System;
using Cosmos.Core;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Network;
using Cosmos.HAL.Interrupts;

// Compiled into PciTests (i440FX) and PciEcamTests (q35): a PCI function's legacy INTx# interrupt in APIC mode,
// routed as the HAL routes it (the firmware's Interrupt Line read as an ISA IRQ, through the MADT's overrides to an
// I/O APIC input; no ACPI _PRT, which needs an AML interpreter the HAL does not have).

namespace Cosmos.TestCases
{
    /// <summary>Makes the e1000 (no MSI capability) raise an interrupt cause and checks that its INTx# handler runs.</summary>
    public static unsafe class IntxCheck
    {
        /// <summary>Null when the interrupt arrived, else why not; <paramref name="detail"/> describes the routing.</summary>
        public static string Run(out string detail)
        {
            detail = "";
            if (InterruptController.Mode != InterruptControllerMode.Apic) return "not in APIC mode (" + InterruptController.Mode + ")";
            E1000 card = null;
            foreach (var d in DeviceRegistry.OfType<E1000>())
                if (card == null || (card.Pci.FindCapability(0x05) != 0 && d.Pci.FindCapability(0x05) == 0)) card = d;   // prefer a card without MSI
            if (card == null) return "no e1000 driver device";
            detail = card.Name + ": Interrupt Pin " + (int)card.Pci.InterruptPIN + ", Interrupt Line " + card.Pci.InterruptLine + ", IRQ " + card.Irq +
                     ", MSI capability " + (card.Pci.FindCapability(0x05) != 0 ? "yes" : "no");
            if (card.Irq < 0) return card.Name + " has no INTx# interrupt: " + card.InterruptError;
            ulong mmio = card.Pci.MapMemoryBar(0);
            ulong before = card.Statistics.Interrupts;
            // ICS (Interrupt Cause Set, 00C8h; 8254x manual §13.4.19) with LSC, which the driver enables in IMS: the card
            // asserts INTx# until the handler reads ICR.
            global::System.Threading.Volatile.Write(ref *(uint*)(mmio + 0xC8), 1u << 2);
            ulong deadline = Native.Rdtsc() + (ulong)Cosmos.HAL.Devices.Timers.TSC.Frequency;
            while (card.Statistics.Interrupts == before && Native.Rdtsc() < deadline) Native.Pause();
            ulong got = card.Statistics.Interrupts - before;
            detail += ", interrupts after ICS.LSC: " + got;
            return got == 0 ? "ICS.LSC raised no interrupt on IRQ " + card.Irq + " within 1 s" : null;
        }
    }
}
