using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Objects larger than <see cref="SmallObjectSpace.MaxSize"/> each get their own run of pages
    /// (<see cref="PageKind.LargeObject"/>): a 64-byte <see cref="LargeObject"/> header, then the cell
    /// (8-byte object header + object), so the object reference is run + 72. All large objects are on
    /// one list; the sweep returns the pages of unmarked ones to the heap at once.
    /// </summary>
    internal static unsafe class LargeObjectSpace
    {
        /// <summary>Bytes before the cell in a large-object run.</summary>
        public const ulong HeaderSize = 64;

        /// <summary>Header of a large-object run (64 bytes; the rest is padding).</summary>
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = (int)HeaderSize)]
        public struct LargeObject
        {
            /// <summary>Next large object.</summary>
            public LargeObject* Next;
            /// <summary>Pages in the run.</summary>
            public ulong Pages;
            /// <summary>Cell size in bytes (object header included, rounded to 8).</summary>
            public ulong Size;
        }

        private static ulong s_firstAddress;
        private static LargeObject* s_first { get => (LargeObject*)s_firstAddress; set => s_firstAddress = (ulong)value; }
        private static ulong s_count, s_bytes;

        /// <summary>Large objects allocated and not yet swept away.</summary>
        public static ulong Count => s_count;
        /// <summary>Bytes in large-object runs (whole pages).</summary>
        public static ulong Bytes => s_bytes;

        /// <summary>
        /// A zeroed cell of <paramref name="size"/> bytes (8-aligned) in its own pages, or 0 when the heap
        /// has no run large enough even after a collection. May collect.
        /// </summary>
        public static ulong Alloc(ulong size) => Alloc(size, mayCollect: true);

        /// <summary>As <see cref="Alloc(ulong)"/>; without <paramref name="mayCollect"/> it never collects (the minor collection's copies).</summary>
        public static ulong Alloc(ulong size, bool mayCollect)
        {
            ulong pages = (HeaderSize + size + Heap.PageSize - 1) / Heap.PageSize;
            if (pages > Heap.MaxRunPages) return 0;
            if (mayCollect && GarbageCollector.BudgetExhausted) GarbageCollector.CollectForAllocation(GarbageCollector.ReasonBudget);
            ulong run = Heap.AllocPages(pages, PageKind.LargeObject);
            if (run == 0)
            {
                if (!mayCollect) return 0;
                GarbageCollector.CollectForAllocation(GarbageCollector.ReasonHeapExhausted);
                run = Heap.AllocPages(pages, PageKind.LargeObject);
                if (run == 0) return 0;
            }
            var lo = (LargeObject*)run;
            lo->Pages = pages;
            lo->Size = size;
            lo->Next = s_first;
            s_first = lo;
            s_count++;
            s_bytes += pages * Heap.PageSize;
            ulong cell = run + HeaderSize;
            GCNative.ZeroQwords((ulong*)cell, size / 8);
            GarbageCollector.s_allocatedSinceGC += size;
            return cell;
        }

        /// <summary>The object of the large-object run at <paramref name="run"/> if <paramref name="address"/> lies in its cell, else 0.</summary>
        public static ulong FindObject(ulong run, ulong address)
        {
            var lo = (LargeObject*)run;
            ulong cell = run + HeaderSize;
            if (address < cell || address >= cell + lo->Size) return 0;
            return cell + ObjectLayout.HeaderSize;
        }

        /// <summary>True when <paramref name="obj"/> is the object of the large-object run at <paramref name="run"/>.</summary>
        public static bool IsObjectStart(ulong run, ulong obj) => obj == run + HeaderSize + ObjectLayout.HeaderSize;

        /// <summary>Frees every large object whose GC word is not <paramref name="epoch"/>; returns the live cell bytes.</summary>
        public static ulong Sweep(uint epoch, out ulong liveObjects, out ulong freedObjects)
        {
            ulong live = 0, objects = 0, freed = 0;
            var link = (LargeObject**)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_firstAddress);
            LargeObject* lo;
            while ((lo = *link) != null)
            {
                ulong obj = (ulong)lo + HeaderSize + ObjectLayout.HeaderSize;
                if (*ObjectLayout.GcWord(obj) == epoch)
                {
                    live += lo->Size;
                    objects++;
                    link = &lo->Next;
                    continue;
                }
                *link = lo->Next;
                freed++;
                s_count--;
                s_bytes -= lo->Pages * Heap.PageSize;
                Heap.FreePages((ulong)lo);
            }
            liveObjects = objects;
            freedObjects = freed;
            return live;
        }

        /// <summary>Calls <paramref name="visit"/> for every large object.</summary>
        public static void ForEachObject(delegate*<ulong, void> visit)
        {
            for (var lo = s_first; lo != null; lo = lo->Next)
                visit((ulong)lo + HeaderSize + ObjectLayout.HeaderSize);
        }
    }
}
