using XSharp;
using static XSharp.Reg;

namespace Cosmos.Core.Asm
{
    /// <summary>
    /// The small CPU helpers C# cannot express, bound from <see cref="Cosmos.Core.Native"/> and <see cref="Cosmos.Core.CPU"/>
    /// through <c>[RuntimeImport("cosmos_*")]</c>. System V AMD64 convention: integer arguments in RDI, RSI, RDX, RCX;
    /// result in RAX; RBX, RBP, R12–R15 preserved. Emitted as <c>cpu_helpers.asm</c> into <c>.text</c>, each function with
    /// its DWARF CFI (an FDE in .eh_frame), so debuggers and the runtime's unwinder can step out of them.
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
            a.Function("cosmos_outb", _ => { a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, AL); a.Ret(); });
            a.Function("cosmos_outw", _ => { a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, AX); a.Ret(); });
            a.Function("cosmos_outd", _ => { a.Mov(EDX, EDI); a.Mov(EAX, ESI); a.Out(DX, EAX); a.Ret(); });
            a.Function("cosmos_inb", _ => { a.Mov(EDX, EDI); a.Xor(EAX, EAX); a.In(AL, DX); a.Ret(); });
            a.Function("cosmos_inw", _ => { a.Mov(EDX, EDI); a.Xor(EAX, EAX); a.In(AX, DX); a.Ret(); });
            a.Function("cosmos_ind", _ => { a.Mov(EDX, EDI); a.In(EAX, DX); a.Ret(); });

            // ---- control registers (Intel SDM Vol. 3A §2.5) ----
            a.Function("cosmos_read_cr0", _ => { a.Mov(RAX, CR0); a.Ret(); });
            a.Function("cosmos_read_cr2", _ => { a.Mov(RAX, CR2); a.Ret(); });
            a.Function("cosmos_read_cr3", _ => { a.Mov(RAX, CR3); a.Ret(); });
            a.Function("cosmos_read_cr4", _ => { a.Mov(RAX, CR4); a.Ret(); });
            a.Function("cosmos_write_cr0", _ => { a.Mov(CR0, RDI); a.Ret(); });
            a.Function("cosmos_write_cr3", _ => { a.Mov(CR3, RDI); a.Ret(); });
            a.Function("cosmos_write_cr4", _ => { a.Mov(CR4, RDI); a.Ret(); });
            a.Function("cosmos_read_rflags", _ => { a.Pushf(); a.Pop(RAX); a.Ret(); });

            // ---- descriptor tables ----
            a.Function("cosmos_lidt", _ => { a.Lidt(Mem.At(RDI)); a.Ret(); });

            a.GlobalFunction("cosmos_lgdt");
            a.CfiStartProc();
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
            a.CfiEndProc();

            a.Function("cosmos_ltr", _ => { a.Ltr(DI); a.Ret(); });
            a.Function("cosmos_invlpg", _ => { a.Invlpg(Mem.At(RDI)); a.Ret(); });

            // ---- interrupts / halting ----
            a.Function("cosmos_hlt", _ => { a.Hlt(); a.Ret(); });
            a.Function("cosmos_cli", _ => { a.Cli(); a.Ret(); });
            a.Function("cosmos_sti", _ => { a.Sti(); a.Ret(); });
            a.Comment("STI immediately followed by HLT (Native.StiHlt): STI's one-instruction interrupt shadow lets no interrupt in before the HLT starts, so one that is pending or arrives there wakes it");
            a.Function("cosmos_sti_hlt", _ => { a.Sti(); a.Hlt(); a.Ret(); });
            a.Function("cosmos_pause", _ => { a.Pause(); a.Ret(); });
            a.Comment("RFLAGS save + CLI, and its restore (CPU.SaveAndDisableInterrupts / CPU.RestoreInterrupts): POPFQ sets IF back exactly when it was set");
            a.Function("cosmos_save_and_disable_interrupts", _ => { a.Pushf(); a.Pop(RAX); a.Cli(); a.Ret(); });
            a.Function("cosmos_restore_interrupts", _ => { a.Push(RDI); a.Popf(); a.Ret(); });
            a.Function("cosmos_halt_forever", _ => { var forever = a.NewLabel("forever"); a.Label(forever); a.Cli(); a.Hlt(); a.Jmp(forever); });

            // ---- identification / counters / MSRs ----
            a.GlobalFunction("cosmos_cpuid");
            a.CfiStartProc();
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
            a.CfiEndProc();

            a.Function("cosmos_rdtsc", _ => { a.Rdtsc(); Combine(a); a.Ret(); });
            a.Comment("rdrand(ulong* value=RDI): one RDRAND; EAX = CF (1: *value is random, 0: the DRNG had none ready, *value is 0)");
            // VMware backdoor (I/O port 5658h with the magic in EAX; QEMU's vmport too): regs[0..3] = EAX, EBX, ECX, EDX in
            // and out of one IN EAX, DX. RBX is callee-saved.
            a.Function("cosmos_vmware_backdoor", _ =>
            {
                a.Mov(R8, RDI);
                a.Mov(R9, RBX);
                a.Mov(EAX, Mem.D(R8, 0));
                a.Mov(EBX, Mem.D(R8, 4));
                a.Mov(ECX, Mem.D(R8, 8));
                a.Mov(EDX, Mem.D(R8, 12));
                a.Raw("in eax, dx");
                a.Mov(Mem.D(R8, 0), EAX);
                a.Mov(Mem.D(R8, 4), EBX);
                a.Mov(Mem.D(R8, 8), ECX);
                a.Mov(Mem.D(R8, 12), EDX);
                a.Mov(RBX, R9);
                a.Ret();
            });
            a.Function("cosmos_rdrand", _ => { a.Xor(ECX, ECX); a.Raw("rdrand rax"); a.Raw("setc cl"); a.Mov(Mem.Q(RDI, 0), RAX); a.Mov(EAX, ECX); a.Ret(); });
            a.Function("cosmos_rdmsr", _ => { a.Mov(ECX, EDI); a.Rdmsr(); Combine(a); a.Ret(); });
            a.Function("cosmos_wrmsr", _ => { a.Mov(ECX, EDI); a.Mov(EAX, ESI); a.Mov(RDX, RSI); a.Shr(RDX, 32); a.Wrmsr(); a.Ret(); });
            a.Function("cosmos_write_fs_base", _ => { a.Wrfsbase(RDI); a.Ret(); });
            a.Function("cosmos_xgetbv", _ => { a.Mov(ECX, EDI); a.Xgetbv(); Combine(a); a.Ret(); });

            // ---- boot record ----
            var info = a.Extern(BootProgram.BootInfoSymbol);
            a.Function("cosmos_boot_info", _ => { a.Lea(RAX, Mem.At(info)); a.Ret(); });
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
