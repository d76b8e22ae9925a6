namespace Cosmos.Core.Arch.X64
{
    /// <summary>
    /// Bits of a 4-level paging-structure entry (PML4E, PDPTE, PDE, PTE; Intel SDM Vol. 3A §4.5, Tables 4-15 to 4-20).
    /// </summary>
    public static class PageTableEntry
    {
        /// <summary>P (bit 0): present.</summary>
        public const ulong P = 1UL << 0;
        /// <summary>R/W (bit 1): writes allowed.</summary>
        public const ulong RW = 1UL << 1;
        /// <summary>U/S (bit 2): user-mode accesses allowed.</summary>
        public const ulong US = 1UL << 2;
        /// <summary>PWT (bit 3): page-level write-through.</summary>
        public const ulong PWT = 1UL << 3;
        /// <summary>PCD (bit 4): page-level cache disable.</summary>
        public const ulong PCD = 1UL << 4;
        /// <summary>A (bit 5): accessed.</summary>
        public const ulong A = 1UL << 5;
        /// <summary>D (bit 6): dirty (entries that map a page).</summary>
        public const ulong D = 1UL << 6;
        /// <summary>PS (bit 7) of a PDPTE or PDE: the entry maps a 1 GiB or 2 MiB page instead of referencing a table.</summary>
        public const ulong PS = 1UL << 7;
        /// <summary>G (bit 8): global translation (with CR4.PGE).</summary>
        public const ulong G = 1UL << 8;
        /// <summary>XD (bit 63): execute-disable (with IA32_EFER.NXE).</summary>
        public const ulong XD = 1UL << 63;
        /// <summary>Physical address bits 12–51 of the referenced table or 4 KiB page (MAXPHYADDR at most 52).</summary>
        public const ulong AddressMask = 0x000F_FFFF_FFFF_F000;
        /// <summary>The attribute bits a 4 KiB PTE shares with the 2 MiB PDE it replaces when the page is split: P, R/W, U/S, PWT, PCD (the PAT bit sits elsewhere in the two).</summary>
        public const ulong SplitInheritedFlags = P | RW | US | PWT | PCD;
    }

    /// <summary>Levels of 4-level paging (Intel SDM Vol. 3A §4.5): the level of the entry a walk ends at.</summary>
    public static class PageTableLevel
    {
        /// <summary>A PTE (maps a 4 KiB page).</summary>
        public const int PT = 1;
        /// <summary>A PDE (a page table, or a 2 MiB page with PS).</summary>
        public const int PD = 2;
        /// <summary>A PDPTE (a page directory, or a 1 GiB page with PS).</summary>
        public const int PDPT = 3;
        /// <summary>A PML4E (a page-directory-pointer table).</summary>
        public const int PML4 = 4;

        /// <summary>Index (0–511) of <paramref name="linear"/> in a table of <paramref name="level"/>: bits 12 + 9·(level − 1) … +8 (SDM Vol. 3A Figure 4-8).</summary>
        public static int Index(ulong linear, int level) => (int)((linear >> (12 + 9 * (level - 1))) & 511);

        /// <summary>Bytes an entry of <paramref name="level"/> maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB.</summary>
        public static ulong Span(int level) => 1UL << (12 + 9 * (level - 1));
    }
}
