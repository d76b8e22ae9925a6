using System;
using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// A fake physical memory for paging structures: <see cref="Pages"/> 4 KiB pages of host memory that the tables
    /// address as physical 0x4000_0000 + 4096·n (not their host addresses, so a walker that dereferenced an entry
    /// without going through <see cref="Table"/> would fault or read garbage). Pages are handed out in order.
    /// </summary>
    internal unsafe struct FakePhysicalMemory : IPageTableMemory, IDisposable
    {
        public const ulong Base = 0x4000_0000;
        public byte* Host;
        public int Pages, Used;

        public static FakePhysicalMemory Create(int pages)
        {
            var m = new FakePhysicalMemory { Host = (byte*)NativeMemory.AlignedAlloc((nuint)(pages * 4096), 4096), Pages = pages };
            NativeMemory.Clear(m.Host, (nuint)(pages * 4096));
            return m;
        }

        public ulong* Table(ulong physicalAddress)
        {
            Assert.Equal(0UL, physicalAddress & 0xFFF);
            Assert.InRange(physicalAddress, Base, Base + (ulong)Pages * 4096 - 1);
            return (ulong*)(Host + (physicalAddress - Base));
        }

        public ulong AllocateTable() => Used == Pages ? 0 : Base + 4096UL * (ulong)Used++;

        public void Dispose() => NativeMemory.AlignedFree(Host);
    }

    /// <summary>The one page-table walker (Intel SDM Vol. 3A §4.5, Figure 4-8) over fake tables.</summary>
    public unsafe class PageTableWalkerTests
    {
        private const ulong Linear = 0x0000_7F12_3456_7000;   // PML4 254, PDPT 72, PD 418, PT 359

        [Fact]
        public void IndicesFollowFigure4_8()
        {
            Assert.Equal(254, PageTableLevel.Index(Linear, PageTableLevel.PML4));   // bits 47:39
            Assert.Equal(72, PageTableLevel.Index(Linear, PageTableLevel.PDPT));    // bits 38:30
            Assert.Equal(418, PageTableLevel.Index(Linear, PageTableLevel.PD));     // bits 29:21
            Assert.Equal(359, PageTableLevel.Index(Linear, PageTableLevel.PT));     // bits 20:12
            Assert.Equal(4096UL, PageTableLevel.Span(PageTableLevel.PT));
            Assert.Equal(2UL << 20, PageTableLevel.Span(PageTableLevel.PD));
            Assert.Equal(1UL << 30, PageTableLevel.Span(PageTableLevel.PDPT));
        }

        /// <summary>Builds PML4 → PDPT → PD → PT for <see cref="Linear"/> by hand; returns the PML4 and the four tables.</summary>
        private static ulong BuildFourLevels(ref FakePhysicalMemory m, out ulong pdpt, out ulong pd, out ulong pt)
        {
            ulong pml4 = m.AllocateTable();
            pdpt = m.AllocateTable(); pd = m.AllocateTable(); pt = m.AllocateTable();
            m.Table(pml4)[254] = pdpt | PageTableEntry.P | PageTableEntry.RW;
            m.Table(pdpt)[72] = pd | PageTableEntry.P | PageTableEntry.RW;
            m.Table(pd)[418] = pt | PageTableEntry.P | PageTableEntry.RW;
            m.Table(pt)[359] = 0x1234_5000 | PageTableEntry.P | PageTableEntry.RW;
            return pml4;
        }

        [Fact]
        public void WalksToThe4KiBEntry()
        {
            var m = FakePhysicalMemory.Create(8);
            try
            {
                ulong pml4 = BuildFourLevels(ref m, out _, out ulong pd, out ulong pt);
                var w = PageTableWalker.Walk(ref m, pml4 | 0x18 /* CR3 PWT|PCD bits are ignored */, Linear | 0xABC, PageTableLevel.PT, create: false);
                Assert.Equal(PageTableLevel.PT, w.Level);
                Assert.True(w.Entry == m.Table(pt) + 359);
                Assert.True(w.MapsPage);
                Assert.Equal(0x1234_5000UL, w.Value & PageTableEntry.AddressMask);

                var pde = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PD, create: false);
                Assert.Equal(PageTableLevel.PD, pde.Level);
                Assert.True(pde.Entry == m.Table(pd) + 418);
                Assert.True(pde.Present);
                Assert.False(pde.MapsPage);                 // it references a page table
                Assert.Equal(4, m.Used);                    // nothing allocated by a walk without create
            }
            finally { m.Dispose(); }
        }

        [Fact]
        public void StopsAtTheFirstNotPresentEntry()
        {
            var m = FakePhysicalMemory.Create(8);
            try
            {
                ulong pml4 = BuildFourLevels(ref m, out _, out ulong pd, out _);
                m.Table(pd)[418] &= ~PageTableEntry.P;
                var w = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PT, create: false);
                Assert.Equal(PageTableLevel.PD, w.Level);
                Assert.False(w.Present);
                Assert.False(w.MapsPage);

                var other = PageTableWalker.Walk(ref m, pml4, Linear + (1UL << 39), PageTableLevel.PT, create: false);
                Assert.Equal(PageTableLevel.PML4, other.Level);
                Assert.False(other.Present);

                m.Table(pd)[418] |= PageTableEntry.P;
                var pte = PageTableWalker.Walk(ref m, pml4, Linear + 4096, PageTableLevel.PT, create: false);
                Assert.Equal(PageTableLevel.PT, pte.Level);
                Assert.False(pte.MapsPage);
            }
            finally { m.Dispose(); }
        }

        [Theory]
        [InlineData(PageTableLevel.PD)]
        [InlineData(PageTableLevel.PDPT)]
        public void StopsAtALargePage(int leafLevel)
        {
            var m = FakePhysicalMemory.Create(8);
            try
            {
                ulong pml4 = BuildFourLevels(ref m, out ulong pdpt, out ulong pd, out _);
                ulong table = leafLevel == PageTableLevel.PD ? pd : pdpt;
                int index = PageTableLevel.Index(Linear, leafLevel);
                m.Table(table)[index] = 0x4000_0000 | PageTableEntry.P | PageTableEntry.RW | PageTableEntry.PS;
                var w = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PT, create: true);
                Assert.Equal(leafLevel, w.Level);
                Assert.True(w.MapsPage);
                Assert.True(w.Entry == m.Table(table) + index);
                Assert.Equal(4, m.Used);                    // a large page is not a missing table: nothing created
            }
            finally { m.Dispose(); }
        }

        [Fact]
        public void CreatesMissingTablesPresentAndWritable()
        {
            var m = FakePhysicalMemory.Create(8);
            try
            {
                ulong pml4 = m.AllocateTable();
                var w = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PD, create: true);
                Assert.Equal(PageTableLevel.PD, w.Level);
                Assert.False(w.Present);                    // the target entry itself is left to the caller
                Assert.Equal(3, m.Used);                    // PDPT and PD created
                ulong pml4e = m.Table(pml4)[254];
                Assert.Equal(PageTableEntry.P | PageTableEntry.RW, pml4e & 0xFFF);
                ulong pdpte = m.Table(pml4e & PageTableEntry.AddressMask)[72];
                Assert.Equal(PageTableEntry.P | PageTableEntry.RW, pdpte & 0xFFF);
                Assert.True(w.Entry == m.Table(pdpte & PageTableEntry.AddressMask) + 418);

                *w.Entry = 0x8000_0000 | PageTableEntry.P | PageTableEntry.PS;
                var again = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PT, create: false);
                Assert.Equal(PageTableLevel.PD, again.Level);
                Assert.True(again.MapsPage);
                Assert.Equal(3, m.Used);
            }
            finally { m.Dispose(); }
        }

        [Fact]
        public void CreateStopsWhenMemoryRunsOut()
        {
            var m = FakePhysicalMemory.Create(2);
            try
            {
                ulong pml4 = m.AllocateTable();
                var w = PageTableWalker.Walk(ref m, pml4, Linear, PageTableLevel.PT, create: true);
                Assert.Equal(PageTableLevel.PDPT, w.Level);  // PDPT created from the last page, then no PD
                Assert.False(w.Present);
                Assert.Equal(2, m.Used);
            }
            finally { m.Dispose(); }
        }
    }
}
