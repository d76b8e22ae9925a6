namespace Cosmos.Core.Memory
{
    /// <summary>
    /// 4-level paging on the tables the boot path built (Intel SDM Vol. 3A §4.5).
    /// The boot path identity-maps 0..4 GiB; <see cref="MapIdentity"/> extends the identity
    /// mapping (2 MiB pages) to RAM above that. Page-table pages come from
    /// <see cref="PhysicalMemory.AllocatePages"/> below 4 GiB, so they are always reachable.
    /// </summary>
    public static unsafe class Paging
    {
        /// <summary>Entry bit 0: present.</summary>
        public const ulong Present = 1;
        /// <summary>Entry bit 1: writable.</summary>
        public const ulong Writable = 2;
        /// <summary>PD/PDPT entry bit 7: maps a 2 MiB (PD) or 1 GiB (PDPT) page.</summary>
        public const ulong PageSizeBit = 1 << 7;
        /// <summary>Mask of the physical address bits 12..51 in an entry.</summary>
        public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;
        /// <summary>Boundary below which the boot path already mapped everything.</summary>
        public const ulong BootMappedLimit = 4UL << 30;

        private const ulong TwoMiB = 2UL << 20;

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
            ulong* pml4 = (ulong*)(Native.ReadCR3() & AddressMask);
            for (ulong va = start; va < end; va += TwoMiB)
            {
                ulong* pdpt = NextLevel(pml4, (int)((va >> 39) & 511));
                ulong* pd = NextLevel(pdpt, (int)((va >> 30) & 511));
                ulong* pde = pd + ((va >> 21) & 511);
                if ((*pde & Present) != 0 && (*pde & PageSizeBit) == 0)
                    Panic.Halt("Paging.MapIdentity: 2 MiB slot already split into 4 KiB pages at", va);
                *pde = va | Present | Writable | PageSizeBit;
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

        private static ulong* NextLevel(ulong* table, int index)
        {
            ulong e = table[index];
            if ((e & Present) == 0)
            {
                ulong page = PhysicalMemory.AllocatePages(1, BootMappedLimit);
                table[index] = page | Present | Writable;
                return (ulong*)page;
            }
            if ((e & PageSizeBit) != 0) Panic.Halt("Paging: unexpected large page at table index", (ulong)index);
            return (ulong*)(e & AddressMask);
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
            ulong* pml4 = (ulong*)(Native.ReadCR3() & AddressMask);
            ulong* pdpt = NextLevel(pml4, (int)((address >> 39) & 511));
            ulong* pd = NextLevel(pdpt, (int)((address >> 30) & 511));
            ulong* pde = pd + ((address >> 21) & 511);
            if ((*pde & Present) == 0) Panic.Halt("Paging.SetPagePresent: address is not mapped", address);
            if ((*pde & PageSizeBit) != 0)
            {
                ulong table = Heap.AllocPages(1, PageKind.Meta);
                if (table == 0) Panic.Halt("Paging.SetPagePresent: out of memory for a page table");
                ulong big = *pde & AddressMask & ~(TwoMiB - 1);
                ulong flags = *pde & 0x1F;                     // P, R/W, U/S, PWT, PCD (PAT bit 12 differs in a PDE; unused)
                for (ulong i = 0; i < 512; i++) ((ulong*)table)[i] = (big + (i << 12)) | flags;
                *pde = table | Present | Writable;
                Native.WriteCR3(Native.ReadCR3());            // the 2 MiB translation may be cached anywhere in it
            }
            ulong* pte = (ulong*)(*pde & AddressMask) + ((address >> 12) & 511);
            if (present) *pte |= Present; else *pte &= ~Present;
            Native.Invlpg((void*)address);
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>True when the 4 KiB page containing <paramref name="address"/> is mapped present.</summary>
        public static bool IsMapped(ulong address)
        {
            ulong* t = (ulong*)(Native.ReadCR3() & AddressMask);
            for (int level = 3; level >= 0; level--)
            {
                ulong e = t[(address >> (12 + 9 * level)) & 511];
                if ((e & Present) == 0) return false;
                if (level == 0 || (level <= 2 && (e & PageSizeBit) != 0)) return true;
                t = (ulong*)(e & AddressMask);
            }
            return true;
        }
    }
}
