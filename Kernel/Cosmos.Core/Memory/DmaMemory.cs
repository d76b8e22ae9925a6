namespace Cosmos.Core.Memory
{
    /// <summary>
    /// Memory a device reads or writes by bus-master DMA (descriptor rings, command lists, PRD tables, data bounce
    /// buffers). The kernel identity-maps all RAM (<see cref="Paging"/>), so the address returned is both the pointer
    /// the CPU uses and the physical address the device is given. Buffers are physically contiguous whole 4 KiB pages
    /// from the heap (<see cref="PageKind.Dma"/>), 4 KiB aligned (which satisfies every alignment AHCI 1.3.1, the
    /// PIIX bus master (PRD table: 4 bytes, no 64 KiB crossing within one PRD) and virtio ask for below a page),
    /// write-back cacheable (x86 DMA is cache-coherent), not zeroed unless asked. The collector never looks at
    /// them; they live until <see cref="Free"/>.
    /// </summary>
    public static unsafe class DmaMemory
    {
        /// <summary>Addresses below this can be given to devices with 32-bit DMA addressing (legacy IDE bus master, AHCI without S64A).</summary>
        public const ulong Limit32 = 1UL << 32;

        /// <summary>
        /// Allocates <paramref name="bytes"/> (rounded up to whole 4 KiB pages) of physically contiguous memory that ends
        /// at or below <paramref name="limit"/>; zeroed when <paramref name="zero"/>. Returns the (physical = virtual)
        /// address, 4 KiB aligned, or 0 when no such run is free (a status: the caller reports it). May be called
        /// from any thread, not from an interrupt handler.
        /// </summary>
        public static ulong Allocate(ulong bytes, bool zero = true, ulong limit = Limit32)
        {
            if (bytes == 0) return 0;
            ulong pages = (bytes + Heap.PageSize - 1) / Heap.PageSize;
            ulong p = Heap.AllocPages(pages, PageKind.Dma);
            if (p == 0) return 0;
            if (p + pages * Heap.PageSize > limit) { Heap.FreePages(p); return 0; }
            if (zero) Heap.Zero((byte*)p, pages * Heap.PageSize);
            return p;
        }

        /// <summary>Returns a buffer from <see cref="Allocate"/>. Panics when <paramref name="address"/> is not the start of a DMA run (a broken driver).</summary>
        public static void Free(ulong address)
        {
            if (Heap.FindRun(address, out ulong start, out _) != PageKind.Dma || start != address)
                Panic.Halt("DmaMemory.Free: not the start of a DMA buffer:", address);
            Heap.FreePages(address);
        }
    }
}
