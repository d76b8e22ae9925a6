using Cosmos.Core.Arch.X64;

namespace Cosmos.Core.Memory
{
    /// <summary>
    /// 4-level paging on the tables the boot path built (Intel SDM Vol. 3A §4.5), through the one
    /// <see cref="PageTableWalker"/>. The boot path identity-maps 0..4 GiB; <see cref="MapIdentity"/> extends the identity
    /// mapping (2 MiB pages) to RAM above that. Page-table pages come from
    /// <see cref="PhysicalMemory.AllocatePages"/> below 4 GiB, so they are always reachable.
    /// </summary>
    public static unsafe class Paging
    {
        /// <summary>Boundary below which the boot path already mapped everything.</summary>
        public const ulong BootMappedLimit = 4UL << 30;

        private const ulong TwoMiB = 2UL << 20;

        /// <summary>
        /// The kernel's paging structures: identity-mapped; new tables come from <see cref="PhysicalMemory"/> below 4 GiB
        /// until the heap has taken the RAM, then from the heap (page kind Meta, zeroed). Mapping device memory far above
        /// RAM after start-up (a 64-bit BAR that UEFI firmware placed at hundreds of GiB) needs new PDPT/PD tables then.
        /// </summary>
        private struct IdentityMappedTables : IPageTableMemory
        {
            public ulong* Table(ulong physicalAddress) => (ulong*)physicalAddress;
            public ulong AllocateTable()
            {
                if (Heap.TotalBytes == 0) return PhysicalMemory.AllocatePages(1, BootMappedLimit);
                ulong table = Heap.AllocPages(1, PageKind.Meta);
                if (table == 0) Panic.Halt("Paging: out of memory for a page table");
                for (ulong i = 0; i < 512; i++) ((ulong*)table)[i] = 0;
                return table;
            }
        }

        /// <summary>Walks the active tables (CR3) to the entry of <paramref name="targetLevel"/> for <paramref name="address"/>.</summary>
        private static PageTableWalk Walk(ulong address, int targetLevel, bool create)
        {
            var memory = new IdentityMappedTables();
            return PageTableWalker.Walk(ref memory, Native.ReadCR3(), address, targetLevel, create);
        }

        /// <summary>The PDE of <paramref name="address"/>, creating the PDPT and PD when missing; panics when a 1 GiB page maps it.</summary>
        private static ulong* PageDirectoryEntry(ulong address)
        {
            var w = Walk(address, PageTableLevel.PD, create: true);
            if (w.Level != PageTableLevel.PD) Panic.Halt("Paging: unexpected large page above the page directory of", address);
            return w.Entry;
        }

        /// <summary>
        /// Identity-maps [start, end) with 2 MiB pages (rounded outwards to 2 MiB), present
        /// and writable. Regions below <see cref="BootMappedLimit"/> are left as the boot
        /// path mapped them. Panics if a 2 MiB slot is already mapped by a 4 KiB table.
        /// </summary>
        public static void MapIdentity(ulong start, ulong end)
        {
            if (start < BootMappedLimit) start = BootMappedLimit;
            start &= ~(TwoMiB - 1);
            end = (end + TwoMiB - 1) & ~(TwoMiB - 1);
            for (ulong va = start; va < end; va += TwoMiB)
            {
                ulong* pde = PageDirectoryEntry(va);
                if ((*pde & PageTableEntry.P) != 0 && (*pde & PageTableEntry.PS) == 0)
                    Panic.Halt("Paging.MapIdentity: 2 MiB slot already split into 4 KiB pages at", va);
                *pde = va | PageTableEntry.P | PageTableEntry.RW | PageTableEntry.PS;
            }
            Native.WriteCR3(Native.ReadCR3()); // flush the TLB
        }

        /// <summary>
        /// Identity-maps every "available" range of the firmware memory map that lies above
        /// <see cref="BootMappedLimit"/>. Call before handing RAM to the heap: the page tables
        /// come from the usable RAM below 4 GiB.
        /// </summary>
        public static void MapAllRam()
        {
            for (int i = 0; i < PhysicalMemory.RegionCount; i++)
            {
                var r = PhysicalMemory.GetRegion(i);
                if (r.Type == 1 && r.End > BootMappedLimit) MapIdentity(r.Base, r.End);
            }
        }

        /// <summary>
        /// Marks the identity-mapped 4 KiB page at <paramref name="address"/> present or not present (a guard
        /// page: any access faults with #PF). A 2 MiB page around it is first split into a page table of 512
        /// 4 KiB entries with the same attributes (the table comes from <see cref="Heap.AllocPages"/>, so the heap
        /// must be initialized). Runs with interrupts disabled; flushes the page's TLB entry (INVLPG).
        /// </summary>
        public static void SetPagePresent(ulong address, bool present)
        {
            address &= ~0xFFFUL;
            ulong irq = CPU.SaveAndDisableInterrupts();
            ulong* pde = PageDirectoryEntry(address);
            if ((*pde & PageTableEntry.P) == 0) Panic.Halt("Paging.SetPagePresent: address is not mapped", address);
            if ((*pde & PageTableEntry.PS) != 0) SplitLargePage(pde);
            ulong* pte = (ulong*)(*pde & PageTableEntry.AddressMask) + PageTableLevel.Index(address, PageTableLevel.PT);
            if (present) *pte |= PageTableEntry.P; else *pte &= ~PageTableEntry.P;
            Native.Invlpg((void*)address);
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Replaces the 2 MiB page of <paramref name="pde"/> by a table of 512 4 KiB pages with the same attributes (interrupts disabled by the caller; flushes the TLB).</summary>
        private static void SplitLargePage(ulong* pde)
        {
            ulong table = Heap.AllocPages(1, PageKind.Meta);
            if (table == 0) Panic.Halt("Paging: out of memory for a page table (splitting a 2 MiB page)");
            ulong big = *pde & PageTableEntry.AddressMask & ~(TwoMiB - 1);
            ulong flags = *pde & PageTableEntry.SplitInheritedFlags;
            for (ulong i = 0; i < 512; i++) ((ulong*)table)[i] = (big + (i << 12)) | flags;
            *pde = table | PageTableEntry.P | PageTableEntry.RW;
            Native.WriteCR3(Native.ReadCR3());            // the 2 MiB translation may be cached anywhere in it
        }

        /// <summary>
        /// Makes the physical range [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>)
        /// identity-mapped, writable and uncached (PCD and PWT set: with the power-on PAT this is memory type UC; Intel
        /// SDM Vol. 3A §11.12.3, Table 11-11), for memory-mapped device registers (PCI memory BARs, the local and I/O
        /// APICs). Rounded outwards to 4 KiB. 2 MiB slots the boot path did not map (above 4 GiB) are mapped as uncached
        /// 2 MiB pages when the range covers the whole slot, else as a table of uncached 4 KiB pages for exactly the
        /// range; a mapped 2 MiB page only partly inside the range is split (the rest keeps its attributes). Runs with
        /// interrupts disabled; flushes the TLB. Needs the heap (page tables come from it). Idempotent.
        /// </summary>
        public static void MapUncached(ulong start, ulong length)
        {
            if (length == 0) return;
            ulong end = (start + length + 0xFFF) & ~0xFFFUL;
            start &= ~0xFFFUL;
            const ulong uc = PageTableEntry.PCD | PageTableEntry.PWT;
            ulong irq = CPU.SaveAndDisableInterrupts();
            for (ulong slot = start & ~(TwoMiB - 1); slot < end; slot += TwoMiB)
            {
                ulong* pde = PageDirectoryEntry(slot);
                bool whole = start <= slot && slot + TwoMiB <= end;
                if ((*pde & PageTableEntry.P) == 0)
                {
                    if (whole) { *pde = slot | PageTableEntry.P | PageTableEntry.RW | PageTableEntry.PS | uc; continue; }
                    ulong table = Heap.AllocPages(1, PageKind.Meta);
                    if (table == 0) Panic.Halt("Paging.MapUncached: out of memory for a page table");
                    for (ulong i = 0; i < 512; i++) ((ulong*)table)[i] = 0;
                    *pde = table | PageTableEntry.P | PageTableEntry.RW;
                }
                else if ((*pde & PageTableEntry.PS) != 0)
                {
                    if (whole) { *pde |= uc; continue; }
                    SplitLargePage(pde);
                }
                ulong* pt = (ulong*)(*pde & PageTableEntry.AddressMask);
                ulong from = start > slot ? start : slot, to = end < slot + TwoMiB ? end : slot + TwoMiB;
                for (ulong va = from; va < to; va += 0x1000)
                    pt[PageTableLevel.Index(va, PageTableLevel.PT)] = va | PageTableEntry.P | PageTableEntry.RW | uc;
            }
            Native.WriteCR3(Native.ReadCR3());
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>True when the page of <paramref name="address"/> is mapped with PCD set (uncached).</summary>
        public static bool IsUncached(ulong address)
        {
            var w = Walk(address, PageTableLevel.PT, create: false);
            return w.MapsPage && (*w.Entry & PageTableEntry.PCD) != 0;
        }

        /// <summary>
        /// Clears the 4 KiB page-table entry of <paramref name="address"/> and flushes its TLB entry
        /// (SDM Vol. 3A §4.5, §4.10.4.1); does nothing when a table above it is not present. Panics when the
        /// address is mapped by a 2 MiB or 1 GiB page (guard pages need 4 KiB pages).
        /// </summary>
        public static void UnmapPage(ulong address)
        {
            var w = Walk(address, PageTableLevel.PT, create: false);
            if (w.Level != PageTableLevel.PT)
            {
                if (!w.Present) return;   // already not mapped
                Panic.Halt("Paging.UnmapPage: address is inside a large page (guard pages need 4 KiB pages):", address);
            }
            *w.Entry = 0;
            Native.Invlpg((void*)address);
        }

        /// <summary>True when the 4 KiB page containing <paramref name="address"/> is mapped present.</summary>
        public static bool IsMapped(ulong address) => Walk(address, PageTableLevel.PT, create: false).MapsPage;
    }
}
