namespace Cosmos.HAL.Bus.Pci
{
    /// <summary>What a BAR register decodes (PCI Local Bus 3.0 §6.2.5.1).</summary>
    public enum PciBarKind : byte
    {
        /// <summary>Not implemented: the register reads back 0 after all ones were written (or reads 0 and was not sized).</summary>
        Unused,
        /// <summary>I/O space (bit 0 = 1): base in bits 31–2.</summary>
        Io,
        /// <summary>32-bit memory space (bits 2–1 = 00; also the obsolete 01 "below 1 MiB"): base in bits 31–4.</summary>
        Memory32,
        /// <summary>64-bit memory space (bits 2–1 = 10): base in bits 31–4 of this register and all of the next one.</summary>
        Memory64,
        /// <summary>The upper dword of the 64-bit BAR in the register before; not a BAR of its own.</summary>
        Memory64Upper,
    }
}
