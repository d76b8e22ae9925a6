using System;
using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.Core.Asm
{
    /// <summary>
    /// The boot path (docs/CONTRACTS.md "Boot sequence"), from the Multiboot2 entry in 32-bit protected
    /// mode to the call of <c>__managed__Main</c>. Emitted as <c>boot.asm</c>; linked with
    /// Build/Cosmos.Build/Linker/kernel.ld, which places its sections and defines the stack, TLS and
    /// section-bound symbols it uses.
    /// <para>
    /// Defines (global): <c>_start</c>, <c>cosmos_boot_info_record</c> (the <see cref="BootInfo"/>),
    /// <c>cosmos_boot_gdt</c> / <c>cosmos_boot_gdt_ptr</c> (GDT: 0x08 code64, 0x10 data, 0x18 TSS),
    /// <c>cosmos_boot_tss</c> (104-byte 64-bit TSS, I/O map base = 104 i.e. no bitmap),
    /// <c>cosmos_boot_pml4</c>, <c>cosmos_boot_low_pt</c>, <c>cosmos_classlib_functions</c>,
    /// <c>__security_cookie</c> (qword, seeded from the TSC), <c>g_cpuFeatures</c> (dword, 0: ilc's
    /// opportunistic-ISA checks take the baseline path), <c>RhpTrapThreads</c> (dword, 0: no GC suspension pending).
    /// </para>
    /// </summary>
    public sealed class BootProgram : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "boot";

        // ---- architectural constants (names as in the Intel SDM) ----
        /// <summary>EAX value a Multiboot2 loader passes (Multiboot2 spec §3.3).</summary>
        public const uint Multiboot2BootloaderMagic = 0x36D76289;
        /// <summary>Multiboot2 header magic (Multiboot2 spec §3.1.1).</summary>
        public const uint Multiboot2HeaderMagic = 0xE85250D6;

        // Architectural constants (MSRs, CR0/CR4/XCR0 bits, MXCSR, paging-entry bits, CPUID bits) come from
        // Cosmos.Core.Arch.X64, which the C# side uses too.
        const ushort COM1 = 0x3F8;
        const uint VgaText = 0xB8000;

        /// <summary>GDT selectors set up by the boot path.</summary>
        public const ushort KernelCodeSelector = 0x08, KernelDataSelector = 0x10, TssSelector = 0x18;
        /// <summary>Number of qwords in the classlib function table passed to InitializeModules.</summary>
        public const int ClasslibFunctionCount = 14;

        /// <summary>
        /// The classlib function table handed to CoreLib's StartupCodeHelpers.InitializeModules, indexed by the CoreLib's
        /// <c>System.Runtime.ClassLibFunctionId</c> (10.0: 0 GetRuntimeException, 1 FailFast, 2 ThreadEntryPoint,
        /// 3 AppendExceptionStackFrame, 5 GetSystemArrayEEType, 6 OnFirstChance, 7 OnUnhandledException, 8–11 Objective-C
        /// marshalling, absent here); null = no entry.
        /// </summary>
        public static readonly string[] ClasslibFunctions =
        {
            "GetRuntimeException", "RuntimeFailFast", "ThreadEntryPoint", "AppendExceptionStackFrame", null, "GetSystemArrayEEType",
            "OnFirstChanceException", "OnUnhandledException", null, null, null, null, null, null,
        };

        /// <summary>Symbol of the BootInfo record.</summary>
        public const string BootInfoSymbol = "cosmos_boot_info_record";

        /// <summary>Byte offset of a <see cref="BootInfo"/> field (from the C# struct layout: never typed twice).</summary>
        public static int Offset(string field) => (int)Marshal.OffsetOf(typeof(BootInfo), field);

        // labels
        readonly Label _bootInfo = new Label(BootInfoSymbol);
        readonly Label _pml4 = new Label("cosmos_boot_pml4"), _pdpt = new Label("cosmos_boot_pdpt"), _pd = new Label("cosmos_boot_pd"), _lowPt = new Label("cosmos_boot_low_pt");
        readonly Label _bssStart = new Label("boot_bss_start"), _bssEnd = new Label("boot_bss_end");
        readonly Label _gdt = new Label("cosmos_boot_gdt"), _gdtPtr = new Label("cosmos_boot_gdt_ptr"), _tss = new Label("cosmos_boot_tss");
        readonly Label _classlib = new Label("cosmos_classlib_functions"), _argv = new Label("boot_argv"), _arg0 = new Label("boot_arg0");
        readonly Label _cookie = new Label("__security_cookie");
        readonly Label _long = new Label("boot_long_mode");
        readonly Label _msgMagic = new Label("boot_msg_magic"), _msgLongMode = new Label("boot_msg_no_long_mode"), _panic32 = new Label("boot_panic32");

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            EmitMultibootHeader(a);
            Emit32(a);
            Emit64(a);
            EmitData(a);
            EmitBss(a);
        }

        /// <summary>
        /// Multiboot2 header (spec §3.1): magic, architecture 0 (i386 protected mode), length, checksum, an optional
        /// framebuffer request tag (§3.1.10: type 5, flags 1 = optional, no preferred width/height/depth), end tag. The tag
        /// says the kernel accepts a linear framebuffer; which mode GRUB sets is then up to the grub.cfg the build writes
        /// (<c>gfxpayload</c>: VGA text on BIOS unless the kernel asks for a graphics mode, the firmware's GOP mode on UEFI).
        /// Without the tag, GRUB on UEFI passes no framebuffer information at all.
        /// </summary>
        void EmitMultibootHeader(Assembler a)
        {
            a.Section(".multiboot2", "progbits alloc noexec nowrite align=8");
            var start = a.Label("multiboot2_header");
            var end = new Label("multiboot2_header_end");
            a.Dd(Multiboot2HeaderMagic);
            a.Dd(0);                                                            // architecture: i386 (32-bit protected mode)
            a.Dd(Imm.Expr($"{end.Name} - {start.Name}"));                      // header_length
            a.Dd(Imm.Expr($"(0x100000000 - (0x{Multiboot2HeaderMagic:X} + 0 + ({end.Name} - {start.Name}))) & 0xFFFFFFFF")); // checksum
            a.Comment("framebuffer tag: type 5, flags 1 (optional), size 20, width 0, height 0, depth 0 (no preference), 4 bytes of padding");
            a.Dw(5, 1);
            a.Dd(20);
            a.Dd(0);
            a.Dd(0);
            a.Dd(0);
            a.Dd(0);
            a.Comment("end tag: type 0, flags 0, size 8");
            a.Dw(0, 0);
            a.Dd(8);
            a.Label(end);
        }

        void StoreInfo(Assembler a, string field, Operand value)
        {
            a.Comment("BootInfo." + field);
            a.Mov(Mem.Q(_bootInfo, Offset(field)), value);
        }

        void Emit32(Assembler a)
        {
            var stackTop = a.Extern("__boot_stack_top");
            var guard = a.Extern("__boot_stack_guard");

            a.Section(".boot.text", "progbits alloc exec nowrite align=16");
            a.BitsMode(32);
            a.Global("_start", SymbolType.Function);
            a.Label("_start");
            a.Comment("Multiboot2 machine state (spec §3.3): 32-bit protected mode, paging off, EAX = magic, EBX = MBI.");
            a.Cli();
            a.Cld();
            a.Mov(ESP, stackTop);
            a.Mov(EBP, EAX);                    // keep magic in EBP, MBI stays in EBX
            a.Comment("zero the boot tables and BootInfo (.boot.bss), then record EAX/EBX before CPUID clobbers EBX");
            a.Mov(EDI, _bssStart);
            a.Mov(ECX, Imm.Expr($"({_bssEnd.Name} - {_bssStart.Name}) / 4"));
            a.Xor(EAX, EAX);
            a.RepStosd();
            a.Mov(Mem.D(_bootInfo, Offset(nameof(BootInfo.MultibootMagic))), EBP);   // BootInfo.MultibootMagic (high half 0)
            a.Mov(Mem.D(_bootInfo, Offset(nameof(BootInfo.MultibootInfo))), EBX);    // BootInfo.MultibootInfo  (high half 0)

            a.Cmp(EBP, Multiboot2BootloaderMagic);
            var magicOk = a.NewLabel("magic_ok");
            a.Je(magicOk);
            a.Mov(ESI, _msgMagic);
            a.Jmp(_panic32);
            a.Label(magicOk);

            a.Comment("CPUID present? (EFLAGS.ID toggles, SDM Vol. 1 §3.4.3.3)");
            var noLong = a.NewLabel("no_long_mode");
            a.Pushf(); a.Pop(EAX);
            a.Mov(ECX, EAX);
            a.Xor(EAX, 1u << 21);
            a.Push(EAX); a.Popf();
            a.Pushf(); a.Pop(EAX);
            a.Push(ECX); a.Popf();
            a.Xor(EAX, ECX);
            a.Jz(noLong);
            a.Comment("CPUID.80000001h:EDX.LM (SDM Vol. 2A CPUID)");
            a.Mov(EAX, Arch.X64.CpuidLeaf.MaxExtended); a.Cpuid();
            a.Cmp(EAX, Arch.X64.CpuidLeaf.ExtendedFeatures);
            a.Jb(noLong);
            a.Mov(EAX, Arch.X64.CpuidLeaf.ExtendedFeatures); a.Cpuid();
            a.Mov(EDI, EDX);                    // EDI = extended features (NX test below)
            a.Test(EDX, CpuidFeature.Leaf80000001Edx_LM);
            var lmOk = a.NewLabel("lm_ok");
            a.Jnz(lmOk);
            a.Label(noLong);
            a.Mov(ESI, _msgLongMode);
            a.Jmp(_panic32);
            a.Label(lmOk);
            a.Mov(ESI, EDI);                    // ESI = CPUID.80000001h:EDX

            a.Comment("identity map 0..4 GiB (SDM Vol. 3A §4.5): PML4[0] -> PDPT[0..3] -> 4 PDs of 2 MiB pages;");
            a.Comment("PD[0] -> 4 KiB page table for 0..2 MiB with page 0 and the stack guard page not present.");
            a.Mov(Mem.D(_pml4), _pdpt.Plus((long)(PageTableEntry.P | PageTableEntry.RW)));
            for (int i = 0; i < 4; i++)
                a.Mov(Mem.D(_pdpt, 8 * i), _pd.Plus(i * 4096 + (long)(PageTableEntry.P | PageTableEntry.RW)));
            a.Mov(EDI, _pd);
            a.Xor(ECX, ECX);
            var pdLoop = a.NewLabel("pd_loop");
            a.Label(pdLoop);
            a.Mov(EAX, ECX);
            a.Shl(EAX, 21);
            a.Or(EAX, PageTableEntry.P | PageTableEntry.RW | PageTableEntry.PS);
            a.Mov(Mem.D(EDI, ECX, 8), EAX);
            a.Inc(ECX);
            a.Cmp(ECX, 4 * 512);
            a.Jb(pdLoop);
            a.Mov(Mem.D(_pd), _lowPt.Plus((long)(PageTableEntry.P | PageTableEntry.RW)));
            a.Mov(EDI, _lowPt);
            a.Xor(ECX, ECX);
            var ptLoop = a.NewLabel("pt_loop");
            a.Label(ptLoop);
            a.Mov(EAX, ECX);
            a.Shl(EAX, 12);
            a.Or(EAX, PageTableEntry.P | PageTableEntry.RW);
            a.Mov(Mem.D(EDI, ECX, 8), EAX);
            a.Inc(ECX);
            a.Cmp(ECX, 512);
            a.Jb(ptLoop);
            a.Mov(Mem.D(EDI), 0);               // page 0: not present (null dereferences fault)
            a.Mov(EAX, guard);
            a.Shr(EAX, 12);
            a.Mov(Mem.D(EDI, EAX, 8), 0);       // stack guard page: not present

            a.Comment("CR3, CR4.PAE, EFER.LME (+NXE when CPUID says NX), CR0.PG|WP (SDM Vol. 3A §10.8.5)");
            a.Mov(EAX, _pml4);
            a.Mov(CR3, EAX);
            a.Comment("CR4 gets a known value (firmware leftovers such as DE/MCE under UEFI are cleared)");
            a.Mov(EAX, Cr4.PAE);
            a.Mov(CR4, EAX);
            a.Mov(ECX, Msr.IA32_EFER);
            a.Rdmsr();
            a.Or(EAX, Ia32Efer.LME);
            a.Test(ESI, CpuidFeature.Leaf80000001Edx_NX);
            var noNx = a.NewLabel("no_nx");
            a.Jz(noNx);
            a.Or(EAX, Ia32Efer.NXE);
            a.Label(noNx);
            a.Wrmsr();

            a.Comment("TSS descriptor base (SDM Vol. 3A §8.2.3): base[15:0] @2, base[23:16] @4, base[31:24] @7, base[63:32] @8 (=0)");
            a.Mov(EAX, _tss);
            a.Mov(Mem.W(_gdt, TssSelector + 2), AX);
            a.Shr(EAX, 16);
            a.Mov(Mem.B(_gdt, TssSelector + 4), AL);
            a.Mov(Mem.B(_gdt, TssSelector + 7), AH);

            a.Comment("CR0 = PG|WP|NE|ET|MP|PE: caches on (CD=NW=0), native x87 errors (NE), write-protect honoured in ring 0 (WP)");
            a.Mov(EAX, Cr0.PG | Cr0.WP | Cr0.NE | Cr0.ET | Cr0.MP | Cr0.PE);
            a.Mov(CR0, EAX);
            a.Lgdt(Mem.At(_gdtPtr));
            a.JmpFar(KernelCodeSelector, _long);

            // ---- 32-bit error path: message (ESI) to VGA text memory and COM1, then halt ----
            a.Align(16);
            a.Label(_panic32);
            a.Comment("COM1: 115200 8N1, FIFO on (16550: IER=0, LCR.DLAB, DLL=1, DLM=0, LCR=3, FCR=0xC7)");
            OutImm(a, COM1 + 1, 0x00);
            OutImm(a, COM1 + 3, 0x80);
            OutImm(a, COM1 + 0, 0x01);
            OutImm(a, COM1 + 1, 0x00);
            OutImm(a, COM1 + 3, 0x03);
            OutImm(a, COM1 + 2, 0xC7);
            a.Mov(EDI, VgaText);
            var next = a.NewLabel("panic_next"); var done = a.NewLabel("panic_done"); var wait = a.NewLabel("panic_wait");
            a.Label(next);
            a.Movzx(EBX, Mem.B(ESI));
            a.Test(EBX, EBX);
            a.Jz(done);
            a.Mov(EAX, EBX);
            a.Or(EAX, 0x4F00);                  // white on red
            a.Mov(Mem.W(EDI), AX);
            a.Add(EDI, 2);
            a.Mov(EDX, COM1 + 5);
            a.Label(wait);
            a.In(AL, DX);                       // LSR.THRE (bit 5)
            a.Test(AL, 0x20);
            a.Jz(wait);
            a.Mov(EDX, COM1);
            a.Mov(EAX, EBX);
            a.Out(DX, AL);
            a.Inc(ESI);
            a.Jmp(next);
            a.Label(done);
            var hang32 = a.NewLabel("hang32");
            a.Label(hang32);
            a.Cli();
            a.Hlt();
            a.Jmp(hang32);
        }

        static void OutImm(Assembler a, int port, byte value)
        {
            a.Mov(DX, port);
            a.Mov(AL, value);
            a.Out(DX, AL);
        }

        void Emit64(Assembler a)
        {
            var stackTop = new Label("__boot_stack_top");
            var guard = new Label("__boot_stack_guard");
            var stackBottom = a.Extern("__boot_stack_bottom");
            var kernelStart = a.Extern("__kernel_start");
            var kernelEnd = a.Extern("__kernel_end");
            var bssStart = a.Extern("__bss_start");
            var bssEnd = a.Extern("__bss_end");
            var tdataStart = a.Extern("__tdata_start");
            var tdataSize = a.Extern("__tdata_size");
            var tlsBlockSize = a.Extern("__tls_block_size");
            var tlsBlock = a.Extern("__boot_tls_block");
            var modStart = a.Extern("__start___modules");
            var modStop = a.Extern("__stop___modules");
            var earlyInit = a.Extern("cosmos_early_init");
            var initModules = a.Extern("InitializeModules");
            var managedMain = a.Extern("__managed__Main");
            var mainReturned = a.Extern("cosmos_main_returned");

            a.BitsMode(64);
            a.Align(16);
            a.Label(_long);
            a.Rdtsc();                          // first 64-bit instruction: BootInfo.EntryTsc
            a.Shl(RDX, 32);
            a.Or(RAX, RDX);
            a.Mov(R15, RAX);
            a.Mov(AX, KernelDataSelector);      // SDM Vol. 3A §3.4.4: data segments are flat in 64-bit mode
            a.Mov(DS, AX); a.Mov(ES, AX); a.Mov(SS, AX); a.Mov(FS, AX); a.Mov(GS, AX);  // FS before IA32_FS_BASE below
            a.Lea(RSP, Mem.At(stackTop));
            a.Comment("CFI from here: the outermost frame of the boot thread (no return address), so backtraces end cleanly");
            a.CfiStartProc();
            a.CfiDefCfa(RSP, 0);
            a.CfiUndefinedReturnAddress();
            a.Xor(EBP, EBP);
            a.Mov(AX, TssSelector);
            a.Ltr(AX);

            a.Comment("zero .bss (the loader zero-fills too; this keeps us independent of it)");
            a.Lea(RDI, Mem.At(bssStart));
            a.Lea(RCX, Mem.At(bssEnd));
            a.Sub(RCX, RDI);
            a.Xor(EAX, EAX);
            a.RepStosb();

            StoreInfo(a, nameof(BootInfo.EntryTsc), R15);
            a.Lea(RAX, Mem.At(kernelStart)); StoreInfo(a, nameof(BootInfo.KernelStart), RAX);
            a.Lea(RAX, Mem.At(kernelEnd)); StoreInfo(a, nameof(BootInfo.KernelEnd), RAX);
            a.Lea(RAX, Mem.At(guard)); StoreInfo(a, nameof(BootInfo.StackGuard), RAX);
            a.Lea(RAX, Mem.At(stackBottom)); StoreInfo(a, nameof(BootInfo.StackBottom), RAX);
            a.Lea(RAX, Mem.At(stackTop)); StoreInfo(a, nameof(BootInfo.StackTop), RAX);
            a.Lea(RAX, Mem.At(_pml4)); StoreInfo(a, nameof(BootInfo.Pml4), RAX);
            a.Lea(RAX, Mem.At(_lowPt)); StoreInfo(a, nameof(BootInfo.LowPageTable), RAX);

            a.Comment("SSE (SDM Vol. 3A §13.1.3): CR0.EM=0, CR0.MP=1, CR0.TS=0; CR4.OSFXSR|OSXMMEXCPT");
            a.Mov(RAX, CR0);
            a.And(RAX, ~(long)(Cr0.EM | Cr0.TS));
            a.Or(RAX, Cr0.MP);
            a.Mov(CR0, RAX);
            a.Mov(RAX, CR4);
            a.Or(RAX, Cr4.OSFXSR | Cr4.OSXMMEXCPT);
            a.Mov(CR4, RAX);
            a.Mov(Mem.Q(_bootInfo, Offset(nameof(BootInfo.XSaveAreaSize))), 512);  // BootInfo.XSaveAreaSize (FXSAVE) unless XSAVE below
            a.Comment("BootInfo.XSaveEnabled, BootInfo.Xcr0: stay 0 without XSAVE (.boot.bss is zeroed)");
            a.Mov(EAX, Arch.X64.CpuidLeaf.VersionAndFeatures);
            a.Xor(ECX, ECX);
            a.Cpuid();
            a.Test(ECX, CpuidFeature.Leaf01Ecx_XSAVE);
            var noXsave = a.NewLabel("no_xsave");
            a.Jz(noXsave);
            a.Comment("XSAVE (SDM Vol. 1 §13.3): CR4.OSXSAVE, XCR0 = supported ∩ {x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM}");
            a.Mov(RAX, CR4);
            a.Or(RAX, Cr4.OSXSAVE);
            a.Mov(CR4, RAX);
            a.Mov(EAX, Arch.X64.CpuidLeaf.ExtendedState);
            a.Xor(ECX, ECX);
            a.Cpuid();                          // EDX:EAX = XCR0 bits the processor supports
            a.And(EAX, Xcr0.X87 | Xcr0.SSE | Xcr0.AVX | Xcr0.AVX512);
            a.Comment("AVX-512 state is all-or-nothing and needs AVX (XSETBV #GP otherwise)");
            a.Mov(ECX, EAX);
            a.And(ECX, Xcr0.AVX512 | Xcr0.AVX);
            a.Cmp(ECX, Xcr0.AVX512 | Xcr0.AVX);
            var avx512Ok = a.NewLabel("avx512_ok");
            a.Je(avx512Ok);
            a.And(EAX, ~Xcr0.AVX512 & 0xFF);
            a.Label(avx512Ok);
            a.Xor(EDX, EDX);
            a.Xor(ECX, ECX);                    // XCR0
            a.Xsetbv();
            StoreInfo(a, nameof(BootInfo.Xcr0), RAX);
            a.Mov(Mem.Q(_bootInfo, Offset(nameof(BootInfo.XSaveEnabled))), 1);
            a.Mov(EAX, Arch.X64.CpuidLeaf.ExtendedState);
            a.Xor(ECX, ECX);
            a.Cpuid();                          // EBX = XSAVE area size for the features now enabled in XCR0
            a.Mov(EAX, EBX);
            StoreInfo(a, nameof(BootInfo.XSaveAreaSize), RAX);
            a.Label(noXsave);
            a.Fninit();
            a.Comment($"MXCSR = 0x{Mxcsr.Default:X} (all SIMD exceptions masked, round to nearest) via a stack slot");
            a.Push(Mxcsr.Default);
            a.Ldmxcsr(Mem.D(RSP));
            a.Pop(RAX);

            a.Comment("static TLS, x86-64 variant II (ELF TLS ABI; ld relaxes ilc's TLSGD to fs:0 + negative tpoff):");
            a.Comment("[block: .tdata image | zeroed .tbss | pad to TLS alignment][TCB]; FS base = TCB; fs:[0] = TCB");
            a.Lea(RDI, Mem.At(tlsBlock));
            StoreInfo(a, nameof(BootInfo.TlsBlock), RDI);
            a.Lea(RSI, Mem.At(tdataStart));
            StoreInfo(a, nameof(BootInfo.TlsImage), RSI);
            a.Mov(ECX, tdataSize);
            StoreInfo(a, nameof(BootInfo.TlsImageSize), RCX);
            a.RepMovsb();
            a.Mov(ECX, tlsBlockSize);
            a.Sub(ECX, tdataSize);
            a.Xor(EAX, EAX);
            a.RepStosb();                       // RDI = block + __tls_block_size = TCB
            a.Mov(Mem.Q(RDI), RDI);             // fs:[0] = TCB (self pointer)
            StoreInfo(a, nameof(BootInfo.ThreadPointer), RDI);
            a.Mov(EAX, tlsBlockSize);
            StoreInfo(a, nameof(BootInfo.TlsSize), RAX);
            a.Mov(ECX, Msr.IA32_FS_BASE);
            a.Mov(RAX, RDI);
            a.Mov(RDX, RDI);
            a.Shr(RDX, 32);
            a.Wrmsr();

            a.Comment("__security_cookie: SplitMix64 finaliser of the entry TSC (well mixed, never 0)");
            a.Mov(RAX, R15);
            a.Mov(RDX, unchecked((long)0x9E3779B97F4A7C15UL));
            a.Add(RAX, RDX);
            Mix(a, 30, unchecked((long)0xBF58476D1CE4E5B9UL));
            Mix(a, 27, unchecked((long)0x94D049BB133111EBUL));
            a.Mov(RDX, RAX);
            a.Shr(RDX, 31);
            a.Xor(RAX, RDX);
            var cookieOk = a.NewLabel("cookie_ok");
            a.Jnz(cookieOk);
            a.Mov(RAX, 0x2B992DDFA232L);
            a.Label(cookieOk);
            a.Mov(Mem.Q(_cookie), RAX);

            a.Comment("RSP = stack top (16-byte aligned) at every call below (System V AMD64 ABI §3.2.2)");
            a.Lea(RDI, Mem.At(_bootInfo));
            a.Call(earlyInit);
            a.Lea(RDI, Mem.At(kernelStart));    // osModule
            a.Lea(RSI, Mem.At(modStart));       // pModuleHeaders
            a.Lea(RDX, Mem.At(modStop));
            a.Sub(RDX, RSI);
            a.Shr(RDX, 3);                      // count (qwords)
            a.Lea(RCX, Mem.At(_classlib));      // pClasslibFunctions
            a.Mov(R8D, ClasslibFunctionCount);  // nClasslibFunctions
            a.Call(initModules);
            a.Mov(EDI, 1);                      // argc
            a.Lea(RSI, Mem.At(_argv));          // argv
            a.Call(managedMain);
            a.Mov(EDI, EAX);                    // exit code
            a.Call(mainReturned);
            var halt = a.Label("cosmos_boot_halt");
            a.Cli();
            a.Hlt();
            a.Jmp(halt);
            a.CfiEndProc();
        }

        /// <summary>RAX = (RAX ^ (RAX >> shift)) * multiplier.</summary>
        static void Mix(Assembler a, int shift, long multiplier)
        {
            a.Mov(RDX, RAX);
            a.Shr(RDX, shift);
            a.Xor(RAX, RDX);
            a.Mov(RDX, multiplier);
            a.Imul(RAX, RDX);
        }

        void EmitData(Assembler a)
        {
            a.Section(".boot.data", "progbits alloc noexec write align=16");
            a.Align(16);
            a.Global(_gdt, SymbolType.Data);
            a.Label(_gdt);
            a.Comment("SDM Vol. 3A §3.4.5, §5.2.1: null; 0x08 code64 (P, DPL0, L=1); 0x10 data (P, DPL0, RW); 0x18 64-bit TSS (16 bytes, base patched at boot)");
            a.Dq(0L);
            a.Dq(0x00AF9A000000FFFFL);
            a.Dq(0x00CF92000000FFFFL);
            a.Dq(0x0000890000000067L);          // limit 0x67, type 9 (available 64-bit TSS), P
            a.Dq(0L);
            var gdtEnd = a.Label("cosmos_boot_gdt_end");
            a.Align(16);
            a.Global(_gdtPtr, SymbolType.Data);
            a.Label(_gdtPtr);
            a.Dw(Imm.Expr($"{gdtEnd.Name} - {_gdt.Name} - 1"));
            a.Dq(_gdt);
            a.Align(16);
            a.Global(_tss, SymbolType.Data);
            a.Label(_tss);
            a.Comment("64-bit TSS (SDM Vol. 3A §8.7): RSPn/ISTn all 0 for now; I/O map base = 104 (no bitmap)");
            a.Times(102).Db(0);
            a.Dw(104);
            a.Align(16);
            a.Global(_classlib, SymbolType.Data);
            a.Label(_classlib);
            foreach (var f in ClasslibFunctions)
                a.Dq(f == null ? (Operand)0 : a.Extern(f));
            a.Label(_argv);
            a.Dq(_arg0, 0);
            a.Label(_arg0);
            a.Asciz("cosmos");
            a.Label(_msgMagic);
            a.Asciz("CosmosOS boot error: not started by a Multiboot2 loader (bad magic in EAX). Halted.");
            a.Label(_msgLongMode);
            a.Asciz("CosmosOS boot error: this CPU does not support x86-64 long mode. Halted.");

            a.Section(".data");
            a.Align(8);
            a.Global(_cookie, SymbolType.Data);
            a.Label(_cookie);
            a.Dq(0);
            a.Global("g_cpuFeatures", SymbolType.Data);
            a.Label("g_cpuFeatures");
            a.Dd(0);
            a.Global("RhpTrapThreads", SymbolType.Data);
            a.Label("RhpTrapThreads");
            a.Dd(0);
        }

        void EmitBss(Assembler a)
        {
            a.Section(".boot.bss", "nobits alloc noexec write align=4096");
            a.Label(_bssStart);
            a.Global(_pml4, SymbolType.Data);
            a.Label(_pml4); a.Resb(4096);
            a.Label(_pdpt); a.Resb(4096);
            a.Label(_pd); a.Resb(4 * 4096);
            a.Global(_lowPt, SymbolType.Data);
            a.Label(_lowPt); a.Resb(4096);
            a.Global(_bootInfo, SymbolType.Data);
            a.Label(_bootInfo);
            a.Resb((Marshal.SizeOf(typeof(BootInfo)) + 15) & ~15);
            a.Label(_bssEnd);
        }
    }
}
