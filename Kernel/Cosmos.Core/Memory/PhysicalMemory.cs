namespace Cosmos.Core.Memory
{
    /// <summary>One range of physical memory, in bytes.</summary>
    public struct MemoryRegion
    {
        /// <summary>First byte (physical address).</summary>
        public ulong Base;
        /// <summary>Length in bytes.</summary>
        public ulong Length;
        /// <summary>Multiboot2 memory type: 1 available, 3 ACPI reclaimable, 4 ACPI NVS, 5 bad, other reserved.</summary>
        public uint Type;
        /// <summary>First byte after the region.</summary>
        public ulong End => Base + Length;
    }

    /// <summary>
    /// The physical memory map from the Multiboot2 memory map tag (type 6, Multiboot2
    /// specification §3.6.8), and the usable RAM left after removing the first MiB, the
    /// kernel image and the boot information. Usable RAM is handed out page by page
    /// (<see cref="AllocatePages"/>) for page tables and in large ranges to the heap.
    /// Works before the managed heap exists: state lives in fixed-size non-GC statics.
    /// </summary>
    public static unsafe class PhysicalMemory
    {
        /// <summary>Page size in bytes.</summary>
        public const ulong PageSize = 4096;
        /// <summary>Most regions kept from the firmware map (extra entries are ignored and counted).</summary>
        public const int MaxRegions = 64;

        private struct Table
        {
            public fixed ulong Base[MaxRegions];
            public fixed ulong Length[MaxRegions];
            public fixed uint Type[MaxRegions];
        }

        private static Table s_map;       // firmware map as reported
        private static int s_mapCount;
        private static Table s_free;      // usable RAM not yet handed out
        private static int s_freeCount;
        private static int s_droppedEntries;
        private static ulong s_totalUsable;
        private static ulong s_highestAddress;

        /// <summary>Entries of the firmware map.</summary>
        public static int RegionCount => s_mapCount;
        /// <summary>Firmware map entries beyond <see cref="MaxRegions"/> that were ignored.</summary>
        public static int DroppedEntries => s_droppedEntries;
        /// <summary>Sum of the lengths of all "available" (type 1) entries, in bytes.</summary>
        public static ulong TotalUsable => s_totalUsable;
        /// <summary>First byte after the highest available RAM address.</summary>
        public static ulong HighestAddress => s_highestAddress;

        /// <summary>Entry <paramref name="i"/> of the firmware memory map.</summary>
        public static MemoryRegion GetRegion(int i)
        {
            return new MemoryRegion { Base = s_map.Base[i], Length = s_map.Length[i], Type = s_map.Type[i] };
        }

        /// <summary>
        /// Reads the memory map. Panics when the boot loader gave no memory map (a Multiboot2
        /// loader always does). <paramref name="reserved"/> holds pairs (start, end) of
        /// physical ranges that must never be handed out (kernel image, boot info ...).
        /// </summary>
        public static void Initialize(ulong* reserved, int reservedPairs)
        {
            byte* tag = Multiboot2.FindTag(Multiboot2.TagMemoryMap);
            if (tag == null) Panic.Halt("No Multiboot2 memory map (tag 6) from the boot loader");
            uint size = *(uint*)(tag + 4);
            uint entrySize = *(uint*)(tag + 8);
            if (entrySize < 24) Panic.Halt("Multiboot2 memory map entry size too small:", entrySize);
            for (uint off = 16; off + entrySize <= size; off += entrySize)
            {
                byte* e = tag + off;
                ulong b = *(ulong*)e, len = *(ulong*)(e + 8);
                uint type = *(uint*)(e + 16);
                if (s_mapCount == MaxRegions) { s_droppedEntries++; continue; }
                s_map.Base[s_mapCount] = b; s_map.Length[s_mapCount] = len; s_map.Type[s_mapCount] = type;
                s_mapCount++;
                if (type == 1)
                {
                    s_totalUsable += len;
                    if (b + len > s_highestAddress) s_highestAddress = b + len;
                    // Page-align inwards; never hand out the first MiB (BIOS data, EBDA, VGA).
                    ulong start = AlignUp(b < 0x100000 ? 0x100000 : b);
                    ulong end = (b + len) & ~(PageSize - 1);
                    if (end > start) AddFree(start, end);
                }
            }
            for (int i = 0; i < reservedPairs; i++) Reserve(reserved[2 * i], reserved[2 * i + 1]);
        }

        private static ulong AlignUp(ulong v) => (v + PageSize - 1) & ~(PageSize - 1);

        private static void AddFree(ulong start, ulong end)
        {
            if (s_freeCount == MaxRegions) { s_droppedEntries++; return; }
            s_free.Base[s_freeCount] = start; s_free.Length[s_freeCount] = end - start; s_free.Type[s_freeCount] = 1;
            s_freeCount++;
        }

        /// <summary>Removes [start, end) from the usable RAM (rounded outwards to pages).</summary>
        public static void Reserve(ulong start, ulong end)
        {
            start &= ~(PageSize - 1);
            end = AlignUp(end);
            for (int i = 0; i < s_freeCount; i++)
            {
                ulong b = s_free.Base[i], e = b + s_free.Length[i];
                if (end <= b || start >= e) continue;
                if (start <= b && end >= e) { s_free.Length[i] = 0; continue; }
                if (start <= b) { s_free.Base[i] = end; s_free.Length[i] = e - end; continue; }
                if (end >= e) { s_free.Length[i] = start - b; continue; }
                // Split: keep the low part here, add the high part.
                s_free.Length[i] = start - b;
                AddFree(end, e);
            }
        }

        /// <summary>
        /// Takes <paramref name="count"/> contiguous zeroed 4 KiB pages below
        /// <paramref name="limit"/> (physical). Panics when none is left.
        /// </summary>
        public static ulong AllocatePages(ulong count, ulong limit = ulong.MaxValue)
        {
            ulong bytes = count * PageSize;
            for (int i = 0; i < s_freeCount; i++)
            {
                if (s_free.Length[i] >= bytes && s_free.Base[i] + bytes <= limit)
                {
                    ulong p = s_free.Base[i];
                    s_free.Base[i] += bytes; s_free.Length[i] -= bytes;
                    byte* q = (byte*)p;
                    for (ulong k = 0; k < bytes; k += 8) *(ulong*)(q + k) = 0;
                    return p;
                }
            }
            Panic.Halt("Out of physical memory allocating pages:", count);
            return 0;
        }

        /// <summary>
        /// Takes the largest remaining usable range whole (for the heap): its start and length in bytes;
        /// returns false when nothing is left.
        /// </summary>
        public static bool TakeLargest(out ulong start, out ulong length)
        {
            int best = -1;
            for (int i = 0; i < s_freeCount; i++)
                if (s_free.Length[i] > 0 && (best < 0 || s_free.Length[i] > s_free.Length[best])) best = i;
            if (best < 0) { start = 0; length = 0; return false; }
            start = s_free.Base[best]; length = s_free.Length[best];
            s_free.Length[best] = 0;
            return true;
        }
    }
}
