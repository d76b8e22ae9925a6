namespace Cosmos.Core.Memory
{
    /// <summary>What a run of heap pages holds (the page map's kind field).</summary>
    public enum PageKind : uint
    {
        /// <summary>Not a heap page (address outside every heap range).</summary>
        None = 0,
        /// <summary>Free pages.</summary>
        Free = 1,
        /// <summary>A small-object block of the garbage collector (size-class cells).</summary>
        SmallBlock = 2,
        /// <summary>One large object of the garbage collector.</summary>
        LargeObject = 3,
        /// <summary>Unmanaged memory handed out by <see cref="Heap.Alloc"/> (never freed).</summary>
        Raw = 4,
        /// <summary>Bookkeeping of the heap or the collector (page maps, mark stack, handle and finalization tables).</summary>
        Meta = 5,
        /// <summary>A thread's stack (its lowest page is the unmapped guard page) or static TLS block (<see cref="Threading.Scheduler"/>).</summary>
        Thread = 6,
        /// <summary>Buffers a device reads or writes by DMA (<see cref="DmaMemory"/>): physically contiguous, address = physical address.</summary>
        Dma = 7,
        /// <summary>The garbage collector's nursery (generation 0): bump-allocated chunks whose objects move when they survive.</summary>
        Nursery = 8,
    }

    /// <summary>
    /// The kernel heap: every physical RAM range <see cref="PhysicalMemory"/> leaves (identity
    /// mapped), managed in 4 KiB pages. Each range starts with its <b>page map</b>, one 32-bit entry
    /// per page: bits 31..28 the <see cref="PageKind"/>, bit 27 "continuation", bits 26..0 the run
    /// length in pages (first page of a run) or the distance in pages back to the run's first page
    /// (continuation pages). Every page of a free run has kind Free; only the first and last entries
    /// of a free run carry its length / distance. Free runs are coalesced on free and kept in 40
    /// doubly linked lists bucketed by floor(log2(pages)) (the list node lives in the run's first
    /// page); allocation is first fit, starting at the bucket of the request size.
    /// <para>
    /// Users: the garbage collector (Runtime/Cosmos.Runtime/GC) for its size-class blocks and large
    /// objects (<see cref="AllocPages"/>/<see cref="FreePages"/>) and its address → object lookup
    /// for conservative roots (<see cref="FindRun"/>, O(ranges)); <see cref="Alloc"/> for unmanaged
    /// memory that is never freed (malloc, IDT, dispatch cells, type managers ...).
    /// </para>
    /// Pages from <see cref="AllocPages"/> are not zeroed; <see cref="Alloc"/> zeroes what it returns.
    /// <see cref="AllocPages"/>, <see cref="FreePages"/> and <see cref="Alloc"/> run with interrupts disabled, so
    /// threads may call them concurrently; interrupt handlers still must not (the interrupted code may hold the heap).
    /// </summary>
    public static unsafe class Heap
    {
        /// <summary>Page size in bytes.</summary>
        public const ulong PageSize = 4096;
        private const int PageShift = 12;
        private const int MaxRanges = 16;
        private const int Buckets = 40;
        private const int KindShift = 28;
        private const uint ContBit = 1u << 27;
        private const uint ValueMask = ContBit - 1;
        /// <summary>Largest run, in pages, one page-map entry can describe (1 TiB).</summary>
        public const ulong MaxRunPages = ValueMask;

        /// <summary>Raw allocations up to <see cref="RawSmallLimit"/> bytes share 64 KiB chunks; larger ones get their own pages.</summary>
        private const ulong RawChunkBytes = 64 * 1024;
        private const ulong RawSmallLimit = 16 * 1024;

        private struct FreeRun
        {
            public FreeRun* Next;
            public FreeRun* Prev;
            public ulong Pages;
        }

        private struct State
        {
            public fixed ulong Base[MaxRanges];     // first byte of the range (its page map lives there)
            public fixed ulong End[MaxRanges];      // first byte after the range
            public fixed ulong Bucket[Buckets];     // FreeRun* lists
        }

        private static State s;
        private static int s_count;
        private static ulong s_low, s_high;
        private static ulong s_total, s_freePages;
        private static ulong s_rawNext, s_rawEnd, s_rawAllocations, s_rawBytes;

        /// <summary>
        /// Cosmos API: a full garbage collection now (what <c>GC.Collect()</c> does); returns the number of objects it
        /// freed. Finalizers of objects found unreachable run later on the finalizer thread, as with GC.Collect.
        /// </summary>
        /// <exception cref="global::System.InvalidOperationException">Before the runtime's collector has started.</exception>
        public static int Collect()
        {
            if (CollectImplementation == null) throw new global::System.InvalidOperationException("Heap.Collect: the garbage collector has not started");
            return CollectImplementation();
        }

        /// <summary>The collector behind <see cref="Collect"/> (set by the runtime's GarbageCollector.Initialize).</summary>
        public static delegate*<int> CollectImplementation;

        /// <summary>Bytes given to the heap in all ranges.</summary>
        public static ulong TotalBytes => s_total;
        /// <summary>Bytes in pages that are not free (collector blocks, large objects, raw memory, page maps).</summary>
        public static ulong UsedBytes => s_total - s_freePages * PageSize;
        /// <summary>Bytes in free pages.</summary>
        public static ulong FreeBytes => s_freePages * PageSize;
        /// <summary>Number of <see cref="Alloc"/> calls served (unmanaged allocations).</summary>
        public static ulong AllocationCount => s_rawAllocations;
        /// <summary>Bytes handed out by <see cref="Alloc"/> (unmanaged, never freed).</summary>
        public static ulong RawBytes => s_rawBytes;
        /// <summary>Lowest heap address (inclusive): a quick filter before <see cref="FindRun"/>.</summary>
        public static ulong LowestAddress => s_low;
        /// <summary>First byte above the highest heap address.</summary>
        public static ulong HighestAddress => s_high;

        /// <summary>Takes every usable RAM range left in <see cref="PhysicalMemory"/> and builds the page maps.</summary>
        public static void Initialize()
        {
            while (s_count < MaxRanges && PhysicalMemory.TakeLargest(out ulong start, out ulong length))
            {
                ulong end = (start + length) & ~(PageSize - 1);
                start = (start + PageSize - 1) & ~(PageSize - 1);
                if (end <= start + 4 * PageSize) continue;
                if (end > Paging.BootMappedLimit && !Paging.IsMapped(end - 1))
                    Panic.Halt("Heap: RAM range above 4 GiB is not mapped (call Paging.MapAllRam first):", start);
                AddRange(start, end);
            }
            if (s_count == 0) Panic.Halt("Heap: no usable RAM after the kernel image");
        }

        private static void AddRange(ulong start, ulong end)
        {
            ulong pages = (end - start) >> PageShift;
            if (pages > MaxRunPages) { pages = MaxRunPages; end = start + (pages << PageShift); }
            ulong mapPages = (pages * 4 + PageSize - 1) >> PageShift;
            // Keep the ranges sorted by address (RangeOf stops early).
            int i = s_count;
            while (i > 0 && s.Base[i - 1] > start)
            {
                s.Base[i] = s.Base[i - 1]; s.End[i] = s.End[i - 1];
                i--;
            }
            s.Base[i] = start; s.End[i] = end;
            s_count++;
            uint* map = (uint*)start;
            map[0] = Entry(PageKind.Meta, false, (uint)mapPages);
            for (ulong p = 1; p < mapPages; p++) map[p] = Entry(PageKind.Meta, true, (uint)p);
            for (ulong p = mapPages; p < pages; p++) map[p] = Entry(PageKind.Free, true, 0);
            s_total += end - start;
            if (s_low == 0 || start < s_low) s_low = start;
            if (end > s_high) s_high = end;
            if (pages > mapPages) InsertFree(map, mapPages, pages - mapPages, start);
        }

        private static uint Entry(PageKind kind, bool cont, uint value) => ((uint)kind << KindShift) | (cont ? ContBit : 0) | (value & ValueMask);
        private static PageKind KindOf(uint e) => (PageKind)(e >> KindShift);

        private static int BucketOf(ulong pages)
        {
            int b = 63 - System.Numerics.BitOperations.LeadingZeroCount(pages);
            return b < Buckets ? b : Buckets - 1;
        }

        /// <summary>Marks [index, index + pages) of the range at <paramref name="rangeBase"/> as one free run and links it into its bucket.</summary>
        private static void InsertFree(uint* map, ulong index, ulong pages, ulong rangeBase)
        {
            map[index] = Entry(PageKind.Free, false, (uint)pages);
            if (pages > 1) map[index + pages - 1] = Entry(PageKind.Free, true, (uint)(pages - 1));
            var run = (FreeRun*)(rangeBase + (index << PageShift));
            int b = BucketOf(pages);
            run->Pages = pages;
            run->Prev = null;
            run->Next = (FreeRun*)s.Bucket[b];
            if (run->Next != null) run->Next->Prev = run;
            s.Bucket[b] = (ulong)run;
            s_freePages += pages;
        }

        private static void UnlinkFree(FreeRun* run)
        {
            if (run->Prev != null) run->Prev->Next = run->Next;
            else s.Bucket[BucketOf(run->Pages)] = (ulong)run->Next;
            if (run->Next != null) run->Next->Prev = run->Prev;
            s_freePages -= run->Pages;
        }

        private static int RangeOf(ulong address)
        {
            for (int i = 0; i < s_count; i++)
            {
                if (address < s.Base[i]) return -1;
                if (address < s.End[i]) return i;
            }
            return -1;
        }

        /// <summary>
        /// Takes <paramref name="count"/> contiguous pages for <paramref name="kind"/> (not zeroed);
        /// returns their address (4 KiB aligned), or 0 when no free run is large enough.
        /// </summary>
        public static ulong AllocPages(ulong count, PageKind kind)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            ulong result = AllocPagesLocked(count, kind);
            CPU.RestoreInterrupts(irq);
            return result;
        }

        private static ulong AllocPagesLocked(ulong count, PageKind kind)
        {
            if (count == 0 || count > MaxRunPages || kind == PageKind.Free || kind == PageKind.None) return 0;
            for (int b = BucketOf(count); b < Buckets; b++)
            {
                for (var run = (FreeRun*)s.Bucket[b]; run != null; run = run->Next)
                {
                    if (run->Pages < count) continue;
                    ulong address = (ulong)run;
                    ulong have = run->Pages;
                    UnlinkFree(run);
                    int r = RangeOf(address);
                    uint* map = (uint*)s.Base[r];
                    ulong index = (address - s.Base[r]) >> PageShift;
                    map[index] = Entry(kind, false, (uint)count);
                    for (ulong p = 1; p < count; p++) map[index + p] = Entry(kind, true, (uint)p);
                    if (have > count) InsertFree(map, index + count, have - count, s.Base[r]);
                    return address;
                }
            }
            return 0;
        }

        /// <summary>Returns the whole run that starts at <paramref name="address"/> (from <see cref="AllocPages"/>) to the free pages, coalescing with free neighbours.</summary>
        public static void FreePages(ulong address)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            FreePagesLocked(address);
            CPU.RestoreInterrupts(irq);
        }

        private static void FreePagesLocked(ulong address)
        {
            int r = RangeOf(address);
            if (r < 0 || (address & (PageSize - 1)) != 0) Panic.Halt("Heap.FreePages: not a heap page address:", address);
            uint* map = (uint*)s.Base[r];
            ulong index = (address - s.Base[r]) >> PageShift;
            uint e = map[index];
            PageKind kind = KindOf(e);
            if ((e & ContBit) != 0 || kind == PageKind.Free || index == 0)
                Panic.Halt("Heap.FreePages: address is not the start of an allocated run:", address);
            ulong pages = e & ValueMask;
            for (ulong p = 0; p < pages; p++) map[index + p] = Entry(PageKind.Free, true, 0);
            ulong rangePages = (s.End[r] - s.Base[r]) >> PageShift;
            // Coalesce with the free run below (its last page holds the distance to its first page) ...
            uint below = map[index - 1];
            if (KindOf(below) == PageKind.Free)
            {
                ulong head = (below & ContBit) != 0 ? index - 1 - (below & ValueMask) : index - 1;
                UnlinkFree((FreeRun*)(s.Base[r] + (head << PageShift)));
                map[index - 1] = Entry(PageKind.Free, true, 0);
                pages += index - head;
                index = head;
            }
            // ... and with the free run above.
            ulong next = index + pages;
            if (next < rangePages)
            {
                uint above = map[next];
                if (KindOf(above) == PageKind.Free && (above & ContBit) == 0)
                {
                    var run = (FreeRun*)(s.Base[r] + (next << PageShift));
                    ulong abovePages = run->Pages;
                    UnlinkFree(run);
                    map[next] = Entry(PageKind.Free, true, 0);
                    pages += abovePages;
                }
            }
            InsertFree(map, index, pages, s.Base[r]);
        }

        /// <summary>
        /// The run containing <paramref name="address"/>: its kind (<see cref="PageKind.None"/> outside
        /// the heap), first byte and length in pages (both 0 for free pages). No allocation.
        /// </summary>
        public static PageKind FindRun(ulong address, out ulong runStart, out ulong runPages)
        {
            runStart = 0; runPages = 0;
            if (address < s_low || address >= s_high) return PageKind.None;
            int r = RangeOf(address);
            if (r < 0) return PageKind.None;
            uint* map = (uint*)s.Base[r];
            ulong index = (address - s.Base[r]) >> PageShift;
            uint e = map[index];
            PageKind kind = KindOf(e);
            if (kind == PageKind.Free) return PageKind.Free;
            if ((e & ContBit) != 0) { index -= e & ValueMask; e = map[index]; }
            runStart = s.Base[r] + (index << PageShift);
            runPages = e & ValueMask;
            return kind;
        }

        /// <summary>
        /// Unmanaged memory: <paramref name="size"/> zeroed bytes, 16-byte aligned, never freed;
        /// null when the heap is exhausted. Up to 16 KiB come from shared 64 KiB chunks, larger
        /// requests from their own pages.
        /// </summary>
        public static byte* Alloc(ulong size)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            byte* result = AllocLocked(size);
            CPU.RestoreInterrupts(irq);
            return result;
        }

        private static byte* AllocLocked(ulong size)
        {
            size = size == 0 ? 16 : (size + 15) & ~15UL;
            byte* p;
            if (size > RawSmallLimit)
            {
                p = (byte*)AllocPagesLocked((size + PageSize - 1) >> PageShift, PageKind.Raw);
                if (p == null) return null;
            }
            else
            {
                if (s_rawEnd - s_rawNext < size)
                {
                    ulong chunk = AllocPagesLocked(RawChunkBytes >> PageShift, PageKind.Raw);
                    if (chunk == 0) return null;
                    s_rawNext = chunk; s_rawEnd = chunk + RawChunkBytes;
                }
                p = (byte*)s_rawNext;
                s_rawNext += size;
            }
            Zero(p, size);
            s_rawAllocations++;
            s_rawBytes += size;
            return p;
        }

        /// <summary>Zeroes <paramref name="size"/> bytes (a multiple of 8, 8-byte aligned).</summary>
        public static void Zero(byte* p, ulong size)
        {
            ulong* q = (ulong*)p;
            ulong n = size >> 3;
            for (ulong i = 0; i < n; i++) q[i] = 0;
        }

        /// <summary>Number of free runs (diagnostics; shows fragmentation).</summary>
        public static ulong FreeRunCount
        {
            get
            {
                ulong n = 0;
                for (int b = 0; b < Buckets; b++)
                    for (var run = (FreeRun*)s.Bucket[b]; run != null; run = run->Next) n++;
                return n;
            }
        }

        /// <summary>Pages in the largest free run.</summary>
        public static ulong LargestFreeRun
        {
            get
            {
                ulong best = 0;
                for (int b = Buckets - 1; b >= 0 && best == 0; b--)
                    for (var run = (FreeRun*)s.Bucket[b]; run != null; run = run->Next)
                        if (run->Pages > best) best = run->Pages;
                return best;
            }
        }
    }
}
