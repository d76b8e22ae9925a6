using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.InteropServices;
using Cosmos.Core.Memory;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// The kernel heap's page map, free-run buckets, coalescing and raw allocator over host memory. The heap works
    /// on identity-mapped addresses, so a 4 KiB-aligned host buffer serves as a RAM range. The public
    /// <see cref="Heap.AllocPages"/>, <see cref="Heap.FreePages"/> and <see cref="Heap.Alloc"/> wrap their work in
    /// CPU.SaveAndDisableInterrupts (a [RuntimeImport]) and <see cref="Heap.Initialize"/> takes its ranges from
    /// PhysicalMemory and Paging, so the tests call the private bodies (AddRange, AllocPagesLocked,
    /// FreePagesLocked, AllocLocked) by reflection and reset the static state between tests; the read-only
    /// members (<see cref="Heap.FindRun"/>, the counters) are called directly. The panicking checks
    /// (Heap.FreePages on a bad address) cannot run on the host.
    /// </summary>
    public unsafe class HeapTests : IDisposable
    {
        private unsafe delegate byte* RawAllocFn(ulong size);

        private static readonly Action<ulong, ulong> AddRange = Private<Action<ulong, ulong>>("AddRange");
        private static readonly Func<ulong, PageKind, ulong> AllocPages = Private<Func<ulong, PageKind, ulong>>("AllocPagesLocked");
        private static readonly Action<ulong> FreePages = Private<Action<ulong>>("FreePagesLocked");
        private static readonly RawAllocFn Alloc = Private<RawAllocFn>("AllocLocked");

        private const ulong Page = Heap.PageSize;
        private readonly List<IntPtr> _buffers = new();

        private static T Private<T>(string name) where T : Delegate =>
            typeof(Heap).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.CreateDelegate<T>();

        public HeapTests() => Reset();

        public void Dispose()
        {
            Reset();
            foreach (IntPtr b in _buffers) NativeMemory.AlignedFree((void*)b);
        }

        /// <summary>Every static field of Heap back to its default (no ranges, empty buckets, counters 0).</summary>
        private static void Reset()
        {
            foreach (FieldInfo f in typeof(Heap).GetFields(BindingFlags.NonPublic | BindingFlags.Static))
                if (!f.IsLiteral && !f.IsInitOnly) f.SetValue(null, Activator.CreateInstance(f.FieldType));
        }

        /// <summary>A host buffer of <paramref name="pages"/> pages (filled with 0xCC) given to the heap as one range; returns its start.</summary>
        private ulong Range(ulong pages)
        {
            void* b = NativeMemory.AlignedAlloc((nuint)(pages * Page), (nuint)Page);
            _buffers.Add((IntPtr)b);
            NativeMemory.Fill(b, (nuint)(pages * Page), 0xCC);
            AddRange((ulong)b, (ulong)b + pages * Page);
            return (ulong)b;
        }

        /// <summary>The page map: one entry per page, so 1024 pages need exactly one map page (Meta), the rest is one free run.</summary>
        [Fact]
        public void NewRangeIsPageMapPlusOneFreeRun()
        {
            ulong start = Range(1024);
            Assert.Equal(1024 * Page, Heap.TotalBytes);
            Assert.Equal(1023 * Page, Heap.FreeBytes);
            Assert.Equal(Page, Heap.UsedBytes);
            Assert.Equal(1UL, Heap.FreeRunCount);
            Assert.Equal(1023UL, Heap.LargestFreeRun);
            Assert.Equal(start, Heap.LowestAddress);
            Assert.Equal(start + 1024 * Page, Heap.HighestAddress);

            Assert.Equal(PageKind.Meta, Heap.FindRun(start + 100, out ulong runStart, out ulong runPages));
            Assert.Equal(start, runStart);
            Assert.Equal(1UL, runPages);
            Assert.Equal(PageKind.Free, Heap.FindRun(start + 5 * Page, out runStart, out runPages));
            Assert.Equal(0UL, runStart);
            Assert.Equal(0UL, runPages);
            Assert.Equal(PageKind.None, Heap.FindRun(start + 1024 * Page, out _, out _));
            Assert.Equal(PageKind.None, Heap.FindRun(start - 1, out _, out _));
        }

        /// <summary>1025 pages need two map pages (4 bytes per entry).</summary>
        [Fact]
        public void PageMapGrowsWithTheRange()
        {
            ulong start = Range(1025);
            Assert.Equal(PageKind.Meta, Heap.FindRun(start + Page + 8, out ulong runStart, out ulong runPages));
            Assert.Equal(start, runStart);
            Assert.Equal(2UL, runPages);
            Assert.Equal(1023 * Page, Heap.FreeBytes);
        }

        /// <summary>An allocation is a page-aligned run of the requested kind; FindRun maps any byte of it back to its start and length.</summary>
        [Fact]
        public void AllocPagesReturnsARunFindRunResolves()
        {
            ulong start = Range(256);
            ulong a = AllocPages(3, PageKind.LargeObject);
            Assert.NotEqual(0UL, a);
            Assert.Equal(0UL, a & (Page - 1));
            Assert.InRange(a, start + Page, start + 253 * Page);
            for (ulong off = 0; off < 3 * Page; off += 1000)
            {
                Assert.Equal(PageKind.LargeObject, Heap.FindRun(a + off, out ulong runStart, out ulong runPages));
                Assert.Equal(a, runStart);
                Assert.Equal(3UL, runPages);
            }
            Assert.Equal(252 * Page, Heap.FreeBytes);
            Assert.Equal(1UL, Heap.FreeRunCount);
        }

        /// <summary>Requests the heap refuses: 0 pages, more than a map entry can hold, the kinds Free and None, more than is free.</summary>
        [Fact]
        public void AllocPagesRefusesImpossibleRequests()
        {
            Range(64);
            Assert.Equal(0UL, AllocPages(0, PageKind.Raw));
            Assert.Equal(0UL, AllocPages(Heap.MaxRunPages + 1, PageKind.Raw));
            Assert.Equal(0UL, AllocPages(1, PageKind.Free));
            Assert.Equal(0UL, AllocPages(1, PageKind.None));
            Assert.Equal(0UL, AllocPages(64, PageKind.Raw));     // 63 free after the map page
            Assert.NotEqual(0UL, AllocPages(63, PageKind.Raw));
            Assert.Equal(0UL, AllocPages(1, PageKind.Raw));
            Assert.Equal(0UL, Heap.FreeBytes);
            Assert.Equal(0UL, Heap.FreeRunCount);
        }

        /// <summary>Freeing coalesces with the free run below, above and both; the range ends as one free run again.</summary>
        [Theory]
        [InlineData(0, 1, 2)]
        [InlineData(2, 1, 0)]
        [InlineData(0, 2, 1)]
        [InlineData(1, 0, 2)]
        public void FreePagesCoalescesNeighbours(int first, int second, int third)
        {
            Range(128);
            ulong[] runs = { AllocPages(5, PageKind.SmallBlock), AllocPages(7, PageKind.Raw), AllocPages(9, PageKind.Thread) };
            ulong[] sizes = { 5, 7, 9 };
            ulong rest = AllocPages(127 - 21, PageKind.Meta);    // fills the range: no free run above the three
            Assert.NotEqual(0UL, rest);
            Assert.Equal(0UL, Heap.FreeBytes);

            ulong freed = 0;
            foreach (int i in new[] { first, second, third })
            {
                FreePages(runs[i]);
                freed += sizes[i];
                Assert.Equal(freed * Page, Heap.FreeBytes);
                Assert.Equal(PageKind.Free, Heap.FindRun(runs[i], out _, out _));
            }
            Assert.Equal(1UL, Heap.FreeRunCount);
            Assert.Equal(21UL, Heap.LargestFreeRun);
            Assert.Equal(runs[0], AllocPages(21, PageKind.Raw));  // the coalesced run is usable as a whole
        }

        /// <summary>Ranges are kept sorted whatever order they are added in; each has its own page map; FindRun is None in the gap.</summary>
        [Fact]
        public void SeveralRanges()
        {
            ulong x = Range(32), y = Range(32);
            ulong low = Math.Min(x, y), high = Math.Max(x, y);
            Assert.Equal(low, Heap.LowestAddress);
            Assert.Equal(high + 32 * Page, Heap.HighestAddress);
            Assert.Equal(62 * Page, Heap.FreeBytes);
            Assert.Equal(2UL, Heap.FreeRunCount);
            Assert.Equal(PageKind.Meta, Heap.FindRun(x, out _, out _));
            Assert.Equal(PageKind.Meta, Heap.FindRun(y, out _, out _));
            if (high > low + 32 * Page) Assert.Equal(PageKind.None, Heap.FindRun(low + 32 * Page, out _, out _));

            ulong a = AllocPages(31, PageKind.Raw), b = AllocPages(31, PageKind.Raw);
            Assert.NotEqual(0UL, a);
            Assert.NotEqual(0UL, b);
            Assert.Equal(0UL, AllocPages(1, PageKind.Raw));
            FreePages(a);
            FreePages(b);
            Assert.Equal(62 * Page, Heap.FreeBytes);
            Assert.Equal(2UL, Heap.FreeRunCount);               // runs never merge across ranges
        }

        /// <summary>Raw memory: zeroed, 16-byte aligned, size rounded up to 16 (0 counts as 16); up to 16 KiB packed in 64 KiB chunks.</summary>
        [Fact]
        public void RawAllocSmallRequestsShareAChunk()
        {
            Range(64);
            byte* p = Alloc(1), q = Alloc(0), r = Alloc(100);
            Assert.Equal(0UL, (ulong)p & 15);
            Assert.Equal((ulong)p + 16, (ulong)q);
            Assert.Equal((ulong)q + 16, (ulong)r);
            for (int i = 0; i < 112; i++) Assert.Equal(0, r[i]);
            Assert.Equal(PageKind.Raw, Heap.FindRun((ulong)p, out ulong runStart, out ulong runPages));
            Assert.Equal((ulong)p, runStart);
            Assert.Equal(16UL, runPages);
            Assert.Equal(3UL, Heap.AllocationCount);
            Assert.Equal(144UL, Heap.RawBytes);
        }

        /// <summary>Above 16 KiB a raw request gets its own pages; a small one that does not fit the chunk starts a new chunk.</summary>
        [Fact]
        public void RawAllocLargeRequestsAndNewChunks()
        {
            Range(128);
            byte* big = Alloc(16 * 1024 + 1);
            Assert.Equal(PageKind.Raw, Heap.FindRun((ulong)big, out ulong runStart, out ulong runPages));
            Assert.Equal((ulong)big, runStart);
            Assert.Equal(5UL, runPages);
            for (int i = 0; i < 16 * 1024 + 16; i++) Assert.Equal(0, big[i]);

            byte* first = Alloc(16 * 1024);
            for (int i = 0; i < 3; i++) Alloc(16 * 1024);            // the first chunk is now full
            byte* next = Alloc(16);
            Heap.FindRun((ulong)first, out ulong chunk1, out _);
            Heap.FindRun((ulong)next, out ulong chunk2, out ulong chunk2Pages);
            Assert.NotEqual(chunk1, chunk2);
            Assert.Equal((ulong)next, chunk2);
            Assert.Equal(16UL, chunk2Pages);
        }

        /// <summary>Raw allocation returns null once no chunk can be taken.</summary>
        [Fact]
        public void RawAllocReturnsNullWhenExhausted()
        {
            Range(8);
            Assert.True(Alloc(16) == null);                        // a 16-page chunk does not fit in 7 free pages
            Assert.False(Alloc(5 * Page) == null);                 // own pages do
            Assert.True(Alloc(3 * Page) == null);
        }

        /// <summary>
        /// Random allocations and frees against a model: runs never overlap, FindRun agrees with the model for every page,
        /// the free byte count matches, and after freeing everything the range is one free run again.
        /// </summary>
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void RandomAllocFreeKeepsThePageMapConsistent(int seed)
        {
            const ulong pages = 2048;
            ulong start = Range(pages);
            ulong mapPages = 2;
            var rng = new Random(seed);
            var live = new List<(ulong Address, ulong Pages, PageKind Kind)>();
            PageKind[] kinds = { PageKind.SmallBlock, PageKind.LargeObject, PageKind.Raw, PageKind.Meta, PageKind.Thread, PageKind.Dma };
            for (int step = 0; step < 2000; step++)
            {
                if (live.Count > 0 && rng.Next(3) == 0)
                {
                    int i = rng.Next(live.Count);
                    FreePages(live[i].Address);
                    live.RemoveAt(i);
                }
                else
                {
                    ulong n = (ulong)(rng.Next(4) == 0 ? rng.Next(1, 200) : rng.Next(1, 9));
                    PageKind kind = kinds[rng.Next(kinds.Length)];
                    ulong a = AllocPages(n, kind);
                    if (a != 0) live.Add((a, n, kind));
                }

                if (step % 97 != 0) continue;
                var owner = new (PageKind Kind, ulong Start, ulong Pages)[pages];
                for (ulong p = 0; p < mapPages; p++) owner[p] = (PageKind.Meta, start, mapPages);
                ulong used = mapPages;
                foreach (var r in live)
                {
                    ulong first = (r.Address - start) / Page;
                    for (ulong p = first; p < first + r.Pages; p++)
                    {
                        Assert.Equal(PageKind.None, owner[p].Kind);   // no overlap
                        owner[p] = (r.Kind, r.Address, r.Pages);
                    }
                    used += r.Pages;
                }
                Assert.Equal((pages - used) * Page, Heap.FreeBytes);
                for (ulong p = 0; p < pages; p++)
                {
                    PageKind k = Heap.FindRun(start + p * Page + 8, out ulong runStart, out ulong runPages);
                    if (owner[p].Kind == PageKind.None) { Assert.Equal(PageKind.Free, k); continue; }
                    Assert.Equal(owner[p].Kind, k);
                    Assert.Equal(owner[p].Start, runStart);
                    Assert.Equal(owner[p].Pages, runPages);
                }
            }
            foreach (var r in live) FreePages(r.Address);
            Assert.Equal(1UL, Heap.FreeRunCount);
            Assert.Equal(pages - mapPages, Heap.LargestFreeRun);
        }
    }
}
