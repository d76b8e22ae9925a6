using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Objects up to <see cref="MaxSize"/> bytes live in segregated blocks, one size class per block.
    /// 34 classes: 24..64 step 8, 80..128 step 16, 160..256 step 32, then four classes per power of
    /// two up to 8,192 bytes (worst-case internal waste 25 %, typically &lt; 12 %). A block is 16 pages
    /// (64 KiB) for cells up to 1,024 bytes, else 32 pages (128 KiB), taken from <see cref="Heap"/>
    /// (<see cref="PageKind.SmallBlock"/>). Block layout: a 64-byte <see cref="Block"/> header, then
    /// cells of the class size; a cell is [8-byte object header][object], so cell + 8 is the object
    /// reference. A free cell has GC word <see cref="ObjectLayout.FreeCell"/> and its next-free link at
    /// cell + 8. Allocation pops the class's current free list; when it is empty the allocator takes the
    /// next block with free cells (rebuilt by each sweep), else a new block; blocks left empty by a
    /// sweep go back to the heap.
    /// </summary>
    internal static unsafe class SmallObjectSpace
    {
        /// <summary>Largest object (bytes, header included) served here; larger ones go to <see cref="LargeObjectSpace"/>.</summary>
        public const uint MaxSize = 8192;
        /// <summary>Number of size classes.</summary>
        public const int ClassCount = 34;
        /// <summary>Bytes of the block header before the first cell.</summary>
        public const ulong BlockHeaderSize = 64;

        /// <summary>Header at the start of every small-object block (64 bytes; the rest is padding).</summary>
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = (int)BlockHeaderSize)]
        public struct Block
        {
            /// <summary>Next block of the same class (all blocks).</summary>
            public Block* Next;
            /// <summary>Next block of the same class with free cells not yet handed to the allocator.</summary>
            public Block* NextPartial;
            /// <summary>First free cell not handed to the allocator (0 when none).</summary>
            public ulong FreeList;
            /// <summary>Cell size in bytes.</summary>
            public uint CellSize;
            /// <summary>Cells in the block.</summary>
            public uint CellCount;
            /// <summary>Live cells after the last sweep.</summary>
            public uint LiveCount;
            /// <summary>Size class index.</summary>
            public uint Class;
            /// <summary>Pages in the block.</summary>
            public ulong Pages;
        }

        private struct Tables
        {
            public fixed ushort CellSize[ClassCount];
            public fixed ushort BlockPages[ClassCount];
            public fixed byte SizeToClass[(int)(MaxSize / 8) + 1];
            public fixed ulong FreeHead[ClassCount];
            public fixed ulong Blocks[ClassCount];
            public fixed ulong Partial[ClassCount];
            public fixed ulong BlockCount[ClassCount];
        }

        private static Tables t;
        private static ulong s_blockBytes;

        /// <summary>Bytes in small-object blocks (headers and unused tails included).</summary>
        public static ulong BlockBytes => s_blockBytes;

        /// <summary>Builds the size-class tables. Call once before the first allocation.</summary>
        public static void Initialize()
        {
            int c = 0;
            for (uint s = 24; s <= 64; s += 8) AddClass(ref c, s);
            for (uint s = 80; s <= 128; s += 16) AddClass(ref c, s);
            for (uint s = 160; s <= 256; s += 32) AddClass(ref c, s);
            for (uint p = 256; p < MaxSize; p *= 2)
                for (uint k = 5; k <= 8; k++) AddClass(ref c, p * k / 4);
            if (c != ClassCount) Panic.Halt("SmallObjectSpace: size class table mismatch", (ulong)c);
            int cls = 0;
            for (uint i = 0; i <= MaxSize / 8; i++)
            {
                while (t.CellSize[cls] < i * 8) cls++;
                t.SizeToClass[i] = (byte)cls;
            }
        }

        private static void AddClass(ref int c, uint size)
        {
            t.CellSize[c] = (ushort)size;
            t.BlockPages[c] = (ushort)(size <= 1024 ? 16 : 32);
            c++;
        }

        /// <summary>Cell size of the class serving <paramref name="size"/> bytes (≤ <see cref="MaxSize"/>).</summary>
        public static uint CellSizeFor(uint size) => t.CellSize[t.SizeToClass[(size + 7) >> 3]];

        /// <summary>
        /// A cell for an object of <paramref name="size"/> bytes (8-aligned, ≤ <see cref="MaxSize"/>), or 0
        /// when the heap is exhausted even after a collection. The cell is not zeroed; its GC word is
        /// <see cref="ObjectLayout.FreeCell"/> and cell + 8 holds a stale link. May collect.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Alloc(uint size)
        {
            int c = t.SizeToClass[size >> 3];
            ulong cell = t.FreeHead[c];
            if (cell == 0) cell = Refill(c);
            if (cell != 0)
            {
                t.FreeHead[c] = *(ulong*)(cell + 8);
                GarbageCollector.s_allocatedSinceGC += t.CellSize[c];
            }
            return cell;
        }

        /// <summary>
        /// A cell for <paramref name="size"/> bytes that never starts a collection (the minor collection's copies): the
        /// class's free list, a partial block or a new block; 0 when the heap has no pages.
        /// </summary>
        public static ulong AllocNoCollect(uint size)
        {
            int c = t.SizeToClass[size >> 3];
            ulong cell = t.FreeHead[c];
            if (cell == 0)
            {
                var b = (Block*)t.Partial[c];
                if (b != null)
                {
                    t.Partial[c] = (ulong)b->NextPartial;
                    b->NextPartial = null;
                }
                else b = NewBlock(c);
                if (b == null) return 0;
                cell = b->FreeList;
                b->FreeList = 0;
            }
            t.FreeHead[c] = *(ulong*)(cell + 8);
            GarbageCollector.s_allocatedSinceGC += t.CellSize[c];
            return cell;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong Refill(int c)
        {
            bool collected = false;
            while (true)
            {
                var b = (Block*)t.Partial[c];
                if (b != null)
                {
                    t.Partial[c] = (ulong)b->NextPartial;
                    ulong cell = b->FreeList;
                    b->FreeList = 0;
                    b->NextPartial = null;
                    return cell;
                }
                if (!collected && GarbageCollector.BudgetExhausted)
                {
                    collected = true;
                    GarbageCollector.CollectForAllocation(GarbageCollector.ReasonBudget);
                    if (t.FreeHead[c] != 0) return t.FreeHead[c];
                    continue;
                }
                b = NewBlock(c);
                if (b != null)
                {
                    ulong cell = b->FreeList;
                    b->FreeList = 0;
                    return cell;
                }
                if (collected) return 0;
                collected = true;
                GarbageCollector.CollectForAllocation(GarbageCollector.ReasonHeapExhausted);
                if (t.FreeHead[c] != 0) return t.FreeHead[c];
            }
        }

        private static Block* NewBlock(int c)
        {
            ulong pages = t.BlockPages[c];
            ulong address = Heap.AllocPages(pages, PageKind.SmallBlock);
            if (address == 0) return null;
            var b = (Block*)address;
            uint cs = t.CellSize[c];
            uint count = (uint)((pages * Heap.PageSize - BlockHeaderSize) / cs);
            b->CellSize = cs;
            b->CellCount = count;
            b->Class = (uint)c;
            b->Pages = pages;
            b->LiveCount = 0;
            b->NextPartial = null;
            // Free list in address order: each cell's header says "free", cell + 8 links to the next.
            ulong first = address + BlockHeaderSize;
            ulong next = 0;
            for (ulong i = count; i > 0; i--)
            {
                ulong cell = first + (i - 1) * cs;
                *(ulong*)cell = ObjectLayout.FreeCell;
                *(ulong*)(cell + 8) = next;
                next = cell;
            }
            b->FreeList = first;
            b->Next = (Block*)t.Blocks[c];
            t.Blocks[c] = (ulong)b;
            t.BlockCount[c]++;
            s_blockBytes += pages * Heap.PageSize;
            return b;
        }

        /// <summary>
        /// The object whose cell contains <paramref name="address"/> in the block at <paramref name="block"/>,
        /// or 0 when the address is in the header, the unused tail or a free cell.
        /// </summary>
        public static ulong FindObject(ulong block, ulong address)
        {
            var b = (Block*)block;
            ulong first = block + BlockHeaderSize;
            if (address < first) return 0;
            ulong index = (address - first) / b->CellSize;
            if (index >= b->CellCount) return 0;
            ulong cell = first + index * b->CellSize;
            if (*(uint*)cell == ObjectLayout.FreeCell) return 0;
            return cell + ObjectLayout.HeaderSize;
        }

        /// <summary>True when <paramref name="obj"/> is exactly the start of an allocated object in the block at <paramref name="block"/>.</summary>
        public static bool IsObjectStart(ulong block, ulong obj) => obj >= ObjectLayout.HeaderSize && FindObject(block, obj - ObjectLayout.HeaderSize) == obj;

        /// <summary>Fills [<paramref name="from"/>, <paramref name="to"/>) with <see cref="PoisonPattern"/> (GC stress: a use of a freed object reads garbage that fails fast).</summary>
        private static void Poison(ulong from, ulong to)
        {
            for (ulong* p = (ulong*)from; p < (ulong*)to; p++) *p = PoisonPattern;
        }

        /// <summary>What freed cells hold under <see cref="GarbageCollector.PoisonFreedObjects"/>: a non-canonical address, so a MethodTable or reference load from it faults.</summary>
        public const ulong PoisonPattern = 0xDEADBEEFDEADBEEF;

        /// <summary>Forgets the allocator's current free lists (they are rebuilt by <see cref="Sweep"/>).</summary>
        public static void ResetAllocationState()
        {
            for (int c = 0; c < ClassCount; c++) t.FreeHead[c] = 0;
        }

        /// <summary>
        /// Frees every cell whose GC word is not <paramref name="epoch"/>, rebuilds the free lists and
        /// the partial-block lists, returns empty blocks to the heap. Returns the bytes of live cells;
        /// <paramref name="liveObjects"/> receives their number, <paramref name="freedObjects"/> the number of objects freed
        /// (cells that held an object, i.e. neither marked nor already free).
        /// </summary>
        public static ulong Sweep(uint epoch, out ulong liveObjects, out ulong freedObjects)
        {
            ulong liveBytes = 0, objects = 0, freed = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                t.FreeHead[c] = 0;
                t.Partial[c] = 0;
                var link = (Block**)((ulong*)Unsafe.AsPointer(ref t.Blocks[0]) + c);
                Block* b;
                while ((b = *link) != null)
                {
                    ulong cs = b->CellSize;
                    ulong first = (ulong)b + BlockHeaderSize;
                    ulong end = first + b->CellCount * cs;
                    uint live = 0;
                    for (ulong cell = first; cell < end; cell += cs)
                    {
                        uint word = *(uint*)cell;
                        if (word == epoch) live++;
                        else if (word != ObjectLayout.FreeCell) freed++;
                    }
                    if (live == 0)
                    {
                        if (GarbageCollector.PoisonFreedObjects) Poison(first + 8, end);
                        *link = b->Next;
                        t.BlockCount[c]--;
                        s_blockBytes -= b->Pages * Heap.PageSize;
                        Heap.FreePages((ulong)b);
                        continue;
                    }
                    b->LiveCount = live;
                    objects += live;
                    liveBytes += live * cs;
                    if (live < b->CellCount)
                    {
                        ulong next = 0;
                        for (ulong cell = end - cs; cell >= first; cell -= cs)
                        {
                            if (*(uint*)cell == epoch) continue;
                            if (GarbageCollector.PoisonFreedObjects && *(uint*)cell != ObjectLayout.FreeCell) Poison(cell + 16, cell + cs);
                            *(ulong*)cell = ObjectLayout.FreeCell;
                            *(ulong*)(cell + 8) = next;
                            next = cell;
                        }
                        b->FreeList = next;
                        b->NextPartial = (Block*)t.Partial[c];
                        t.Partial[c] = (ulong)b;
                    }
                    else
                    {
                        b->FreeList = 0;
                        b->NextPartial = null;
                    }
                    link = &b->Next;
                }
            }
            liveObjects = objects;
            freedObjects = freed;
            return liveBytes;
        }

        /// <summary>Calls <paramref name="visit"/> for every allocated object (GC word not free) in every block.</summary>
        public static void ForEachObject(delegate*<ulong, void> visit)
        {
            for (int c = 0; c < ClassCount; c++)
            {
                for (var b = (Block*)t.Blocks[c]; b != null; b = b->Next)
                {
                    ulong cs = b->CellSize;
                    ulong first = (ulong)b + BlockHeaderSize;
                    ulong end = first + b->CellCount * cs;
                    for (ulong cell = first; cell < end; cell += cs)
                        if (*(uint*)cell != ObjectLayout.FreeCell) visit(cell + ObjectLayout.HeaderSize);
                }
            }
        }

        /// <summary>Number of blocks of all classes.</summary>
        public static ulong BlockCountTotal
        {
            get { ulong n = 0; for (int c = 0; c < ClassCount; c++) n += t.BlockCount[c]; return n; }
        }
    }
}
