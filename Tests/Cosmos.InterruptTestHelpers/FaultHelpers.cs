using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.InterruptTestHelpers
{
    /// <summary>
    /// X# helpers that raise interrupts and faults. Each faulting helper raises its fault as its first
    /// stack-neutral instruction, so a handler can resume by emulating RET (RIP = [RSP], RSP += 8), or
    /// re-executes it after fixing the cause (noted per helper).
    /// </summary>
    public sealed class FaultHelpers : AsmProgram
    {
        public override string Name => "interrupt_test_helpers";

        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            a.Text();
            a.GlobalFunction("itest_int_table_address");
            a.Lea(RAX, Mem.At(new Label("itest_int_table")));
            a.Ret();
            for (int v = 0; v < 256; v++)
            {
                a.Align(8);
                a.Label("itest_int_" + v);
                if (v == 3) a.Int3(); else a.Int((byte)v);
                a.Ret();
            }
            a.GlobalFunction("itest_int3"); a.Int3(); a.Ret();
            a.GlobalFunction("itest_nothing"); a.Ret();
            a.GlobalFunction("itest_ud2_rsp_aligned");                             // UD2 with RSP ≡ 0 (mod 16): the CPU's frame starts right below RSP
            a.Sub(RSP, 8); a.Ud2(); a.Add(RSP, 8); a.Ret();
            a.GlobalFunction("itest_mark");                                        // a call target for handlers that emulate CALL: counts, returns RSP at entry in RAX
            a.Inc(Mem.Q(new Label("itest_marks"))); a.Mov(RAX, RSP); a.Ret();
            a.GlobalFunction("itest_mark_address"); a.Lea(RAX, Mem.At(new Label("itest_mark"))); a.Ret();
            a.GlobalFunction("itest_marks_count"); a.Mov(RAX, Mem.Q(new Label("itest_marks"))); a.Ret();
            a.GlobalFunction("itest_ud2"); a.Ud2(); a.Ret();                       // resume: RIP += 2
            a.GlobalFunction("itest_divide_by_zero");                             // EDI = dividend; resume: emulate RET
            a.Mov(EAX, EDI); a.Xor(EDX, EDX); a.Xor(ECX, ECX); a.Div(ECX); a.Ret();
            a.GlobalFunction("itest_write_qword"); a.Mov(Mem.Q(RDI), RSI); a.Ret(); // [RDI] = RSI; page fault on bad RDI
            a.GlobalFunction("itest_load_ds");                                     // DS = DI: #GP(selector) beyond the GDT limit
            a.CfiStartProc();                                                       // with CFI: a crash report unwinds it to its managed caller (InterruptPanicTests)
            a.Mov(DS, DI); a.Mov(EAX, 0x10); a.Mov(DS, AX); a.Ret();
            a.CfiEndProc();
            a.GlobalFunction("itest_noncanonical_read");                           // #GP(0)
            a.Mov(RAX, unchecked((long)0x8000_0000_0000_0000UL)); a.Mov(RAX, Mem.Q(RAX)); a.Ret();
            a.GlobalFunction("itest_noncanonical_stack_read");                     // #SS(0): RSP-based non-canonical address
            a.Mov(RAX, unchecked((long)0x8000_0000_0000_0000UL)); a.Mov(RAX, Mem.Q(RSP, RAX, 1)); a.Ret();
            a.GlobalFunction("itest_single_step");                                 // TF on: #DB after the NOP
            a.Pushf(); a.Or(Mem.Q(RSP), RFlags.TF); a.Popf(); a.Nop(); a.Ret();
            a.GlobalFunction("itest_simd_divide_by_zero");                         // returns 1.0/0.0 with MXCSR.ZM cleared: #XM until the handler masks it
            a.Push(RAX);
            a.Stmxcsr(Mem.D(RSP));
            a.And(Mem.D(RSP), ~(int)Mxcsr.ZM);
            a.Ldmxcsr(Mem.D(RSP));
            a.Mov(RAX, 0x3FF0_0000_0000_0000L); a.Movq(XMM0, RAX);
            a.Xorps(XMM1, XMM1);
            a.Raw("divsd xmm0, xmm1");                                             // #XM (re-executed after the handler masks ZM)
            a.Pop(RAX);
            a.Ret();
            a.GlobalFunction("itest_x87_divide_by_zero");                          // FCW.ZM cleared, 1/0, FWAIT raises #MF
            a.Push(X87ControlWord.Default & ~X87ControlWord.ZM);
            a.Raw("fninit");
            a.Raw("fldcw [rsp]");
            a.Raw("fld1");
            a.Raw("fldz");
            a.Raw("fdivp st1, st0");
            a.Raw("fwait");                                                        // #MF here; handler clears FSW and masks ZM, re-executes
            a.Raw("fninit");
            a.Pop(RAX);
            a.Ret();
            a.GlobalFunction("itest_read_mxcsr"); a.Push(RAX); a.Stmxcsr(Mem.D(RSP)); a.Pop(RAX); a.Ret();

            a.Data();
            a.Align(8);
            a.Label("itest_marks"); a.Dq(0);

            a.Rodata();
            a.Align(8);
            a.Label("itest_int_table");
            for (int v = 0; v < 256; v++) a.Dq(new Label("itest_int_" + v));
        }
    }

    public static unsafe class Helpers
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_int_table_address")] public static extern delegate*<void>* IntTable();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_int3")] public static extern void Int3();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_nothing")] public static extern void Nothing();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_ud2_rsp_aligned")] public static extern void Ud2RspAligned();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_mark_address")] public static extern ulong MarkAddress();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_marks_count")] public static extern ulong MarksCount();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_ud2")] public static extern void Ud2();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_divide_by_zero")] public static extern uint DivideByZero(uint dividend);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_write_qword")] public static extern void WriteQword(ulong address, ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_load_ds")] public static extern void LoadDs(ushort selector);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_noncanonical_read")] public static extern ulong NonCanonicalRead();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_noncanonical_stack_read")] public static extern ulong NonCanonicalStackRead();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_single_step")] public static extern void SingleStep();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_simd_divide_by_zero")] public static extern double SimdDivideByZero();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_x87_divide_by_zero")] public static extern void X87DivideByZero();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("itest_read_mxcsr")] public static extern uint ReadMxcsr();
    }
}
