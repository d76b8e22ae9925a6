using System;
using Cosmos.HAL.Interrupts;

namespace Cosmos.HAL
{
    /// <summary>
    /// The devices of one driver that interrupt on PCI INTx# lines, for the driver's shared-line handler: a fixed table
    /// (no allocation in interrupt context) of each device and its ISA IRQ. <see cref="Add"/> routes a function's line
    /// to the driver's handler (<see cref="PCIDevice.SetLegacyInterruptHandler"/>: the line may be shared with other
    /// drivers, whose handlers run too); the handler walks <see cref="Count"/> entries and serves those whose
    /// <see cref="IrqOf"/> is the interrupt's IRQ and whose device asserted the line.
    /// </summary>
    /// <typeparam name="T">The driver's device class.</typeparam>
    public sealed unsafe class LegacyInterruptUsers<T> where T : class
    {
        private readonly T[] _devices;
        private readonly int[] _irqs;
        private readonly string _what;
        private int _count;

        /// <summary>A table for at most <paramref name="capacity"/> devices; <paramref name="what"/> names them in errors ("AHCI controllers").</summary>
        public LegacyInterruptUsers(int capacity, string what)
        {
            _devices = new T[capacity];
            _irqs = new int[capacity];
            _what = what;
        }

        /// <summary>Entries in the table (read by the handler; entries are complete before they are counted).</summary>
        public int Count => _count;

        /// <summary>The <paramref name="index"/>-th device.</summary>
        public T this[int index] => _devices[index];

        /// <summary>The ISA IRQ of the <paramref name="index"/>-th device's line.</summary>
        public int IrqOf(int index) => _irqs[index];

        /// <summary>
        /// Adds <paramref name="device"/> (the driver of <paramref name="pci"/>) and routes the function's INTx# line to
        /// <paramref name="handler"/>. Returns the IRQ, or −1 with <paramref name="error"/> saying why (no interrupt
        /// controller, no line routed, the table full, the controller refusing the IRQ). Call from a thread, with the
        /// device ready to be served: its interrupts may arrive before this returns.
        /// </summary>
        public int Add(T device, PCIDevice pci, delegate*<Cosmos.Core.Layout.InterruptFrame*, void> handler, out string error)
        {
            if (InterruptController.Mode == InterruptControllerMode.None) { error = "no interrupt controller"; return -1; }
            int irq = pci.LegacyIrq;
            if (irq < 0) { error = "no INTx# line routed"; return -1; }
            lock (_devices)
            {
                if (_count == _devices.Length) { error = string.Concat("too many ", _what, " on INTx# lines"); return -1; }
                _devices[_count] = device;
                _irqs[_count] = irq;
                _count++;
            }
            try { pci.SetLegacyInterruptHandler(handler); }
            catch (InvalidOperationException e) { error = "INTx#: " + e.Message; return -1; }
            error = null;
            return irq;
        }
    }
}
