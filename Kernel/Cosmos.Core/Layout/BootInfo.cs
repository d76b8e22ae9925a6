using System.Runtime.InteropServices;

namespace Cosmos.Core.Layout
{
    /// <summary>
    /// Facts the X# boot path records before the first managed instruction runs.
    /// One source of truth: this file is used by the kernel and read by the X# boot program in Kernel/Cosmos.Core/Asm (which derives its field offsets from it
    /// with <see cref="Marshal.OffsetOf(System.Type, string)"/>), so offsets are never typed twice.
    /// All fields are 64-bit; addresses are physical = virtual (identity mapping).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BootInfo
    {
        /// <summary>EAX at entry; 0x36D76289 when a Multiboot2 loader started us.</summary>
        public ulong MultibootMagic;
        /// <summary>Physical address of the Multiboot2 information structure (EBX at entry).</summary>
        public ulong MultibootInfo;
        /// <summary>First byte of the loaded kernel image (linker symbol __kernel_start).</summary>
        public ulong KernelStart;
        /// <summary>First byte after the kernel image including .bss (linker symbol __kernel_end).</summary>
        public ulong KernelEnd;
        /// <summary>The unmapped 4 KiB guard page below the boot stack.</summary>
        public ulong StackGuard;
        /// <summary>Lowest usable byte of the boot stack (just above the guard page).</summary>
        public ulong StackBottom;
        /// <summary>Initial RSP of the boot stack (16-byte aligned).</summary>
        public ulong StackTop;
        /// <summary>Physical address of the PML4 the boot path built (also in CR3).</summary>
        public ulong Pml4;
        /// <summary>Physical address of the page table that maps 0..2 MiB with 4 KiB pages.</summary>
        public ulong LowPageTable;
        /// <summary>TSC value read at the first 64-bit instruction (for boot-time figures).</summary>
        public ulong EntryTsc;
        /// <summary>1 when CR4.OSXSAVE was enabled and XCR0 set (CPUID.1:ECX.XSAVE), else 0 (FXSAVE only).</summary>
        public ulong XSaveEnabled;
        /// <summary>XCR0 value written by the boot path (0 without XSAVE).</summary>
        public ulong Xcr0;
        /// <summary>Bytes of the XSAVE area for the enabled XCR0 features (CPUID.(EAX=0Dh,ECX=0):EBX), or 512 for FXSAVE.</summary>
        public ulong XSaveAreaSize;
        /// <summary>FS base: address of the thread control block (TCB) of the boot thread; fs:[0] points to itself.</summary>
        public ulong ThreadPointer;
        /// <summary>Start of the static TLS block (.tdata image followed by zeroed .tbss) of the boot thread.</summary>
        public ulong TlsBlock;
        /// <summary>Size in bytes of the static TLS block.</summary>
        public ulong TlsSize;
        /// <summary>The TLS initialisation image (.tdata, linker symbol __tdata_start) every new thread's block starts as.</summary>
        public ulong TlsImage;
        /// <summary>Size in bytes of <see cref="TlsImage"/> (__tdata_size); the rest of a block (.tbss, padding) is zero.</summary>
        public ulong TlsImageSize;
    }
}
