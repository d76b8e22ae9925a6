using Cosmos.Core;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Memory;
using Cosmos.TestRunner;

namespace MemoryTests
{
    public sealed unsafe class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            var bi = Native.GetBootInfo();

            Test("memory map reports the 5 GiB QEMU was given", () =>
            {
                True(PhysicalMemory.HighestAddress > (4UL << 30), "RAM above 4 GiB present");
                True(PhysicalMemory.TotalUsable > (4900UL << 20), "usable RAM close to 5 GiB");
            });

            Test("RAM above 4 GiB is identity-mapped and usable", () =>
            {
                ulong top = PhysicalMemory.HighestAddress;
                ulong probe = (top - (1UL << 20)) & ~0xFFFUL;
                True(Paging.IsMapped(probe), "page below the top of RAM is mapped");
                var p = (ulong*)probe;
                p[0] = 0x1122334455667788UL;
                p[511] = ~p[0];
                Equal(0x1122334455667788UL, p[0], "read back");
                Equal(~0x1122334455667788UL, p[511], "read back end of page");
            });

            Test("the heap spans the RAM above 4 GiB", () =>
                True(Heap.TotalBytes > (4UL << 30), "heap total " + Heap.TotalBytes + " bytes"));

            Test("the null page is not mapped", () =>
            {
                True(!Paging.IsMapped(0), "page 0 unmapped");
                True(Paging.IsMapped(0x1000), "page 1 mapped");
            });

            Test("the boot stack has an unmapped guard page below it", () =>
            {
                True(!Paging.IsMapped(bi->StackGuard), "guard page unmapped");
                True(Paging.IsMapped(bi->StackBottom), "stack bottom mapped");
                Equal(bi->StackGuard + 4096, bi->StackBottom, "guard page directly below the stack");
                ulong marker = 0;
                ulong sp = (ulong)&marker; // address of a local: on the boot stack
                True(sp > bi->StackBottom && sp < bi->StackTop, "running on the boot stack");
            });

            Test("SSE and XSAVE state are enabled before managed code", () =>
            {
                ulong cr0 = Native.ReadCR0(), cr4 = Native.ReadCR4();
                Equal(0UL, cr0 & Cr0.EM, "CR0.EM clear");
                Equal(Cr0.MP, cr0 & Cr0.MP, "CR0.MP set");
                Equal(Cr4.OSFXSR, cr4 & Cr4.OSFXSR, "CR4.OSFXSR");
                Equal(Cr4.OSXMMEXCPT, cr4 & Cr4.OSXMMEXCPT, "CR4.OSXMMEXCPT");
                CPU.CPUID(1, 0, out _, out _, out uint ecx, out _);
                if ((ecx & CpuidFeature.Leaf01Ecx_XSAVE) != 0)
                {
                    Equal(1UL, bi->XSaveEnabled, "BootInfo.XSaveEnabled");
                    Equal(Cr4.OSXSAVE, cr4 & Cr4.OSXSAVE, "CR4.OSXSAVE");
                    Equal(bi->Xcr0, Native.Xgetbv(0), "XCR0 as recorded");
                    True((bi->Xcr0 & (Xcr0.X87 | Xcr0.SSE)) == (Xcr0.X87 | Xcr0.SSE), "XCR0 has x87 and SSE");
                }
            });

            Test("the kernel image bounds are recorded", () => True(bi->KernelEnd > bi->KernelStart && bi->KernelStart == 0x100000, "image at 1 MiB"));
        }
    }
}
