using XSharp;
using static XSharp.Reg;

namespace Cosmos.Core.Asm
{
    /// <summary>
    /// The small CPU helpers C# cannot express, bound from <see cref="Cosmos.Core.Native"/> and <see cref="Cosmos.Core.CPU"/>
    /// through <c>[RuntimeImport("cosmos_*")]</c>. System V AMD64 convention: integer arguments in RDI, RSI, RDX, RCX;
    /// result in RAX; RBX, RBP, R12–R15 preserved. Emitted as <c>cpu_helpers.asm</c> into <c>.text</c>.
    /// </summary>
    public sealed class CpuHelpers : AsmProgram
    {
        /// <inheritdoc/>
        public override string Name => "cpu_helpers";

        /// <inheritdoc/>
        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            a.Text();

            // ---- port I/O (Intel SDM Vol. 2A "IN", Vol. 2B "OUT"): port in DI, value in SIL/SI/ESI ----
            a.GlobalFunction("cosmos_outb"); a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, AL); a.Ret();
            a.GlobalFunction("cosmos_outw"); a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, AX); a.Ret();
            a.GlobalFunction("cosmos_outd"); a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, EAX); a.Ret();
            a.GlobalFunction("cosmos_inb"); a.Mov(EDX, EDI); a.Xor(EAX, EAX); a.In(AL, DX); a.Ret();
            a.GlobalFunction("cosmos_inw"); a.Mov(EDX, EDI); a.Xor(EAX, EAX); a.In(AX, DX); a.Ret();
            a.GlobalFunction("cosmos_ind"); a.Mov(EDX, EDI); a.In(EAX, DX); a.Ret();

            // ---- control registers (Intel SDM Vol. 3A §2.5) ----
            a.GlobalFunction("cosmos_read_cr0"); a.Mov(RAX, CR0); a.Ret();
            a.GlobalFunction("cosmos_read_cr2"); a.Mov(RAX, CR2); a.Ret();
            a.GlobalFunction("cosmos_read_cr3"); a.Mov(RAX, CR3); a.Ret();
            a.GlobalFunction("cosmos_read_cr4"); a.Mov(RAX, CR4); a.Ret();
            a.GlobalFunction("cosmos_write_cr0"); a.Mov(CR0, RDI); a.Ret();
            a.GlobalFunction("cosmos_write_cr3"); a.Mov(CR3, RDI); a.Ret();
            a.GlobalFunction("cosmos_write_cr4"); a.Mov(CR4, RDI); a.Ret();
            a.GlobalFunction("cosmos_read_rflags"); a.Pushf(); a.Pop(RAX); a.Ret();

            // ---- descriptor tables ----
            a.GlobalFunction("cosmos_lidt"); a.Lidt(Mem.At(RDI)); a.Ret();

            a.GlobalFunction("cosmos_lgdt");
            a.Comment("LGDT, then reload CS=0x08 with a far return and DS/ES/SS=0x10 (SDM Vol. 3A §3.4.3).");
            a.Comment("FS and GS are deliberately not reloaded: that would reset FS base (the TLS thread pointer).");
            a.Lgdt(Mem.At(RDI));
            var reloaded = a.NewLabel("lgdt_reloaded");
            a.Push(BootProgram.KernelCodeSelector);
            a.Lea(RAX, Mem.At(reloaded));
            a.Push(RAX);
            a.Retf();
            a.Label(reloaded);
            a.Mov(EAX, BootProgram.KernelDataSelector);
            a.Mov(DS, AX); a.Mov(ES, AX); a.Mov(SS, AX);
            a.Ret();

            a.GlobalFunction("cosmos_ltr"); a.Ltr(DI); a.Ret();
            a.GlobalFunction("cosmos_invlpg"); a.Invlpg(Mem.At(RDI)); a.Ret();

            // ---- interrupts / halting ----
            a.GlobalFunction("cosmos_hlt"); a.Hlt(); a.Ret();
            a.GlobalFunction("cosmos_cli"); a.Cli(); a.Ret();
            a.GlobalFunction("cosmos_sti"); a.Sti(); a.Ret();
            a.GlobalFunction("cosmos_pause"); a.Pause(); a.Ret();
            a.Comment("RFLAGS save + CLI, and its restore (CPU.SaveAndDisableInterrupts / CPU.RestoreInterrupts): POPFQ sets IF back exactly when it was set");
            a.GlobalFunction("cosmos_save_and_disable_interrupts"); a.Pushf(); a.Pop(RAX); a.Cli(); a.Ret();
            a.GlobalFunction("cosmos_restore_interrupts"); a.Push(RDI); a.Popf(); a.Ret();
            var forever = a.GlobalFunction("cosmos_halt_forever");
            a.Cli(); a.Hlt(); a.Jmp(forever);

            // ---- identification / counters / MSRs ----
            a.GlobalFunction("cosmos_cpuid");
            a.Comment("cpuid(leaf=EDI, subleaf=ESI, uint* regs=RDX): regs[0..3] = EAX, EBX, ECX, EDX; RBX is callee-saved");
            a.Mov(R8, RDX);
            a.Mov(R9, RBX);
            a.Mov(EAX, EDI);
            a.Mov(ECX, ESI);
            a.Cpuid();
            a.Mov(Mem.D(R8, 0), EAX);
            a.Mov(Mem.D(R8, 4), EBX);
            a.Mov(Mem.D(R8, 8), ECX);
            a.Mov(Mem.D(R8, 12), EDX);
            a.Mov(RBX, R9);
            a.Ret();

            a.GlobalFunction("cosmos_rdtsc"); a.Rdtsc(); Combine(a); a.Ret();
            a.GlobalFunction("cosmos_rdmsr"); a.Mov(ECX, EDI); a.Rdmsr(); Combine(a); a.Ret();
            a.GlobalFunction("cosmos_wrmsr");
            a.Mov(ECX, EDI); a.Mov(EAX, ESI); a.Mov(RDX, RSI); a.Shr(RDX, 32); a.Wrmsr(); a.Ret();
            a.GlobalFunction("cosmos_xgetbv"); a.Mov(ECX, EDI); a.Xgetbv(); Combine(a); a.Ret();

            // ---- boot record ----
            var info = a.Extern(BootProgram.BootInfoSymbol);
            a.GlobalFunction("cosmos_boot_info"); a.Lea(RAX, Mem.At(info)); a.Ret();
        }

        /// <summary>RAX = EDX:EAX.</summary>
        static void Combine(Assembler a)
        {
            a.Shl(RDX, 32);
            a.Mov(EAX, EAX);
            a.Or(RAX, RDX);
        }
    }
}
