namespace Cosmos.Core.Memory
{
    /// <summary>
    /// The kernel heap that backs managed allocation: a set of physical RAM ranges (identity
    /// mapped) handed over by <see cref="PhysicalMemory"/>, carved by a bump pointer with
    /// 8-byte alignment. Memory is zeroed on allocation. There is no collector yet (see
    /// the runtime issue): nothing is ever freed, which is exactly what a heap without a GC
    /// must do. The first 8 bytes of every range are skipped because the object header of
    /// a managed object lives at (object address − 8).
    /// </summary>
    public static unsafe class Heap
    {
        private const int MaxRanges = 16;
        private struct Ranges
        {
            public fixed ulong Start[MaxRanges];
            public fixed ulong End[MaxRanges];
        }

        private static Ranges s_ranges;
        private static int s_count;
        private static int s_current;
        private static ulong s_total;
        private static ulong s_used;
        private static ulong s_objects;

        /// <summary>Bytes given to the heap in all ranges.</summary>
        public static ulong TotalBytes => s_total;
        /// <summary>Bytes handed out so far (including alignment and range-switch waste).</summary>
        public static ulong UsedBytes => s_used;
        /// <summary>Bytes still available.</summary>
        public static ulong FreeBytes => s_total - s_used;
        /// <summary>Number of allocations served.</summary>
        public static ulong AllocationCount => s_objects;

        /// <summary>Takes every usable RAM range left in <see cref="PhysicalMemory"/> (largest first).</summary>
        public static void Initialize()
        {
            while (s_count < MaxRanges && PhysicalMemory.TakeLargest(out ulong start, out ulong length))
            {
                if (length < 4096) continue;
                if (start + length > Paging.BootMappedLimit && !Paging.IsMapped(start + length - 1))
                    Panic.Halt("Heap: RAM range above 4 GiB is not mapped (call Paging.MapAllRam first):", start);
                s_ranges.Start[s_count] = start + 8;
                s_ranges.End[s_count] = start + length;
                s_total += length;
                s_count++;
            }
            if (s_count == 0) Panic.Halt("Heap: no usable RAM after the kernel image");
            s_used = 8 * (ulong)s_count;
            s_current = 0;
        }

        /// <summary>
        /// Returns <paramref name="size"/> zeroed bytes, 8-byte aligned, or null when no range
        /// has room (the caller decides: managed allocation reports OutOfMemory).
        /// Each range keeps its own bump pointer (Start); ranges with less than 64 bytes left
        /// are skipped for good.
        /// </summary>
        public static byte* Alloc(ulong size)
        {
            size = (size + 7) & ~7UL;
            for (int i = s_current; i < s_count; i++)
            {
                ulong start = s_ranges.Start[i], end = s_ranges.End[i];
                if (size <= end - start)
                {
                    s_ranges.Start[i] = start + size;
                    s_used += size;
                    s_objects++;
                    Zero((byte*)start, size);
                    return (byte*)start;
                }
                if (i == s_current && end - start < 64)
                {
                    s_used += end - start;
                    s_ranges.Start[i] = end;
                    s_current++;
                }
            }
            return null;
        }

        private static void Zero(byte* p, ulong size)
        {
            ulong* q = (ulong*)p;
            for (ulong i = 0; i < size / 8; i++) q[i] = 0;
        }
    }
}
