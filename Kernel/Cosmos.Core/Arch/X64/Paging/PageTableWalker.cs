namespace Cosmos.Core.Arch.X64
{
    /// <summary>
    /// Access to the physical memory that holds paging structures, for <see cref="PageTableWalker"/>. The kernel's
    /// tables are identity-mapped (<see cref="Memory.Paging"/>); host tests provide a fake memory.
    /// </summary>
    public unsafe interface IPageTableMemory
    {
        /// <summary>The 512-entry table at physical address <paramref name="physicalAddress"/> (4 KiB aligned).</summary>
        ulong* Table(ulong physicalAddress);

        /// <summary>
        /// A new zeroed 4 KiB table for a walk that creates missing levels; its physical address, or 0 when there is
        /// no memory (the walk then stops at the not-present entry).
        /// </summary>
        ulong AllocateTable();
    }

    /// <summary>Where a <see cref="PageTableWalker.Walk"/> stopped.</summary>
    public unsafe struct PageTableWalk
    {
        /// <summary>The entry the walk stopped at.</summary>
        public ulong* Entry;
        /// <summary>Its level (<see cref="PageTableLevel.PT"/> … <see cref="PageTableLevel.PML4"/>).</summary>
        public int Level;

        /// <summary>The entry's value.</summary>
        public readonly ulong Value => *Entry;
        /// <summary>True when the entry is present (P set).</summary>
        public readonly bool Present => (*Entry & PageTableEntry.P) != 0;
        /// <summary>True when the entry maps a page: a present PTE, or a present PDE/PDPTE with PS (SDM Vol. 3A §4.5.4).</summary>
        public readonly bool MapsPage => Present && (Level == PageTableLevel.PT || ((Level == PageTableLevel.PD || Level == PageTableLevel.PDPT) && (*Entry & PageTableEntry.PS) != 0));
    }

    /// <summary>
    /// The one walker over 4-level paging structures (Intel SDM Vol. 3A §4.5, Figure 4-8): from the PML4 down to a
    /// target level, optionally creating missing tables. A pure function of the table memory it is given, so host
    /// tests run it over fake tables.
    /// </summary>
    public static unsafe class PageTableWalker
    {
        /// <summary>
        /// Walks from the PML4 at <paramref name="pml4"/> towards the entry of level <paramref name="targetLevel"/>
        /// (<see cref="PageTableLevel.PT"/> for the 4 KiB PTE) that translates <paramref name="linear"/>. The walk stops
        /// early at an entry that maps a large page (PS at the PDPT or PD level) or that is not present; with
        /// <paramref name="create"/> a not-present entry above the target level instead gets a new table from
        /// <paramref name="memory"/> (present, writable) and the walk goes on, unless the memory has none to give.
        /// </summary>
        public static PageTableWalk Walk<TMemory>(ref TMemory memory, ulong pml4, ulong linear, int targetLevel, bool create)
            where TMemory : struct, IPageTableMemory
        {
            ulong* table = memory.Table(pml4 & PageTableEntry.AddressMask);
            int level = PageTableLevel.PML4;
            while (true)
            {
                ulong* entry = table + PageTableLevel.Index(linear, level);
                if (level <= targetLevel) return new PageTableWalk { Entry = entry, Level = level };
                ulong e = *entry;
                if ((e & PageTableEntry.P) == 0)
                {
                    ulong fresh = create ? memory.AllocateTable() : 0;
                    if (fresh == 0) return new PageTableWalk { Entry = entry, Level = level };
                    e = fresh | PageTableEntry.P | PageTableEntry.RW;
                    *entry = e;
                }
                else if ((e & PageTableEntry.PS) != 0 && level <= PageTableLevel.PDPT)
                {
                    return new PageTableWalk { Entry = entry, Level = level };
                }
                table = memory.Table(e & PageTableEntry.AddressMask);
                level--;
            }
        }
    }
}
