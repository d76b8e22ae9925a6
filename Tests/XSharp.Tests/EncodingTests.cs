using System;
using XSharp;
using Xunit;
using static XSharp.Reg;

namespace XSharp.Tests
{
    /// <summary>
    /// Each case emits one instruction through the X# API, assembles it with nasm and compares the bytes
    /// with the encoding derived by hand from the Intel SDM Vol. 2 opcode tables (ModRM/SIB per Vol. 2A §2.1,
    /// REX per §2.2.1). A wrong operand order, size or register in the API shows up as a byte mismatch.
    /// </summary>
    public class EncodingTests
    {
        private static void Check64(string expectedHex, Action<Assembler> emit) => Assert.Equal(Convert.ToHexString(Nasm.Hex(expectedHex)), Convert.ToHexString(Nasm.Bytes(64, emit)));
        private static void Check32(string expectedHex, Action<Assembler> emit) => Assert.Equal(Convert.ToHexString(Nasm.Hex(expectedHex)), Convert.ToHexString(Nasm.Bytes(32, emit)));

        // ---- MOV (Vol. 2B MOV: 8B /r load, 89 /r store, B8+rd imm, C7 /0 imm32) ----
        [Fact] public void MovLoadDisp8() => Check64("48 8B 44 24 08", a => a.Mov(RAX, Mem.Q(RSP, 8)));
        [Fact] public void MovStoreDisp8() => Check64("48 89 44 24 08", a => a.Mov(Mem.Q(RSP, 8), RAX));
        [Fact] public void MovRegReg() => Check64("48 89 D8", a => a.Mov(RAX, RBX));
        [Fact] public void MovImm32() => Check64("B8 80 1F 00 00", a => a.Mov(EAX, 0x1F80));
        [Fact] public void MovImm64() => Check64("48 B8 89 67 45 23 01 00 00 00", a => a.Mov(RAX, 0x123456789L));
        [Fact] public void MovMemImmSignExtended() => Check64("48 C7 07 FF FF FF FF", a => a.Mov(Mem.Q(RDI), -1));
        [Fact] public void MovByteStore() => Check64("88 07", a => a.Mov(Mem.B(RDI), AL));
        [Fact] public void MovWordStore() => Check64("66 89 07", a => a.Mov(Mem.W(RDI), AX));
        [Fact] public void MovExtendedRegs() => Check64("45 8B 41 04", a => a.Mov(R8D, Mem.D(R9, 4)));
        [Fact] public void MovFsZero() => Check64("64 48 8B 04 25 00 00 00 00", a => a.Mov(RAX, Mem.Q(0).Seg(FS)));
        [Fact] public void MovRipRelative() => Check64("48 8B 05 00 00 00 00", a => { var l = a.NewLabel("x"); a.Mov(RAX, Mem.Q(l)); a.Label(l); });
        [Fact] public void MovUnsizedMemTakesRegisterSize() => Check64("8B 07", a => a.Mov(EAX, Mem.At(RDI)));
        [Fact] public void MovToCr3() => Check64("0F 22 D8", a => a.Mov(CR3, RAX));
        [Fact] public void MovToCr4() => Check64("0F 22 E0", a => a.Mov(CR4, RAX));
        [Fact] public void MovFromCr2() => Check64("0F 20 D0", a => a.Mov(RAX, CR2));
        [Fact] public void MovFromCr0() => Check64("0F 20 C0", a => a.Mov(RAX, CR0));
        [Fact] public void MovToDs() => Check64("8E D8", a => a.Mov(DS, AX));

        // ---- MOVZX/MOVSX/LEA ----
        [Fact] public void MovzxByteMem() => Check64("0F B6 07", a => a.Movzx(EAX, Mem.B(RDI)));
        [Fact] public void MovzxDil() => Check64("40 0F B6 C7", a => a.Movzx(EAX, DIL));
        [Fact] public void MovzxWord() => Check64("48 0F B7 C6", a => a.Movzx(RAX, SI));
        [Fact] public void Movsxd() => Check64("48 63 C7", a => a.Movsxd(RAX, EDI));
        [Fact] public void LeaSib() => Check64("48 8D 44 F7 10", a => a.Lea(RAX, Mem.At(RDI, RSI, 8, 16)));

        // ---- stack ----
        [Fact] public void PushRbp() => Check64("55", a => a.Push(RBP));
        [Fact] public void PopR12() => Check64("41 5C", a => a.Pop(R12));
        [Fact] public void PushImm8() => Check64("6A 08", a => a.Push(8));
        [Fact] public void PushMem() => Check64("FF 37", a => a.Push(Mem.At(RDI)));

        // ---- ALU (Vol. 2A ADD/AND/CMP..., group-1 83 /n ib, 81 /n id) ----
        [Fact] public void AddImm8() => Check64("48 83 C4 08", a => a.Add(RSP, 8));
        [Fact] public void SubImm32() => Check64("48 81 EC 00 01 00 00", a => a.Sub(RSP, 0x100));
        [Fact] public void AndEaxAllOnes() => Check64("83 E0 FF", a => a.And(EAX, 0xFFFFFFFFu));
        [Fact] public void XorZero() => Check64("31 C0", a => a.Xor(EAX, EAX));
        [Fact] public void OrReg() => Check64("48 09 C8", a => a.Or(RAX, RCX));
        [Fact] public void CmpByteMem() => Check64("80 38 20", a => a.Cmp(Mem.B(RAX), 0x20));
        [Fact] public void TestEaxImm() => Check64("A9 00 02 00 00", a => a.Test(EAX, 0x200));
        [Fact] public void TestRegReg() => Check64("48 85 C0", a => a.Test(RAX, RAX));
        [Fact] public void ShlImm() => Check64("48 C1 E0 0C", a => a.Shl(RAX, 12));
        [Fact] public void ShrCl() => Check64("D3 EA", a => a.Shr(EDX, CL));
        [Fact] public void SarOne() => Check64("48 D1 F8", a => a.Sar(RAX, 1));
        [Fact] public void IncQwordMem() => Check64("48 FF 00", a => a.Inc(Mem.Q(RAX)));
        [Fact] public void DecEcx() => Check64("FF C9", a => a.Dec(ECX));
        [Fact] public void Imul() => Check64("48 0F AF C1", a => a.Imul(RAX, RCX));
        [Fact] public void SetB() => Check64("0F 92 C0", a => a.Setcc(Cond.B, AL));
        [Fact] public void CmovNe() => Check64("48 0F 45 C1", a => a.Cmovcc(Cond.NE, RAX, RCX));

        // ---- atomics ----
        [Fact] public void XchgMem() => Check64("48 87 07", a => a.Xchg(RAX, Mem.Q(RDI)));
        [Fact] public void LockCmpxchg() => Check64("F0 48 0F B1 37", a => a.LockCmpxchg(Mem.Q(RDI), RSI));
        [Fact] public void LockXadd() => Check64("F0 0F C1 37", a => a.LockXadd(Mem.D(RDI), ESI));

        // ---- control transfer ----
        [Fact] public void Ret() => Check64("C3", a => a.Ret());
        [Fact] public void Retf64() => Check64("48 CB", a => a.Retf());
        [Fact] public void CallReg() => Check64("FF D0", a => a.Call(RAX));
        [Fact] public void JmpReg() => Check64("FF E0", a => a.Jmp(RAX));
        [Fact] public void JmpShortSelf() => Check64("EB FE", a => { var l = a.Label("self"); a.Jmp(l); });
        [Fact] public void JccShort() => Check64("74 00", a => { var l = a.NewLabel(); a.Je(l); a.Label(l); });
        [Fact] public void CallRel32() => Check64("E8 00 00 00 00", a => { var l = a.NewLabel(); a.Call(l); a.Label(l); });
        [Fact] public void Iretq() => Check64("48 CF", a => a.Iretq());
        [Fact] public void Int3() => Check64("CC", a => a.Int3());
        [Fact] public void IntN() => Check64("CD 80", a => a.Int(0x80));
        [Fact] public void Ud2() => Check64("0F 0B", a => a.Ud2());

        // ---- port I/O (Vol. 2A IN: EC/ED/E4 ib; Vol. 2B OUT: EE/EF/E6 ib) ----
        [Fact] public void InAlDx() => Check64("EC", a => a.In(AL, DX));
        [Fact] public void InEaxDx() => Check64("ED", a => a.In(EAX, DX));
        [Fact] public void InAxDx() => Check64("66 ED", a => a.In(AX, DX));
        [Fact] public void OutDxAl() => Check64("EE", a => a.Out(DX, AL));
        [Fact] public void OutImmEax() => Check64("E7 F4", a => a.Out(0xF4, EAX));

        // ---- system ----
        [Fact] public void Cli() => Check64("FA", a => a.Cli());
        [Fact] public void Sti() => Check64("FB", a => a.Sti());
        [Fact] public void Hlt() => Check64("F4", a => a.Hlt());
        [Fact] public void Pause() => Check64("F3 90", a => a.Pause());
        [Fact] public void Cpuid() => Check64("0F A2", a => a.Cpuid());
        [Fact] public void Rdtsc() => Check64("0F 31", a => a.Rdtsc());
        [Fact] public void Rdmsr() => Check64("0F 32", a => a.Rdmsr());
        [Fact] public void Wrmsr() => Check64("0F 30", a => a.Wrmsr());
        [Fact] public void Wrfsbase() => Check64("F3 48 0F AE D7", a => a.Wrfsbase(RDI));
        [Fact] public void Xgetbv() => Check64("0F 01 D0", a => a.Xgetbv());
        [Fact] public void Xsetbv() => Check64("0F 01 D1", a => a.Xsetbv());
        [Fact] public void Lgdt() => Check64("0F 01 17", a => a.Lgdt(Mem.At(RDI)));
        [Fact] public void Lidt() => Check64("0F 01 1F", a => a.Lidt(Mem.At(RDI)));
        [Fact] public void LtrReg() => Check64("0F 00 DF", a => a.Ltr(DI));
        [Fact] public void Invlpg() => Check64("0F 01 3F", a => a.Invlpg(Mem.At(RDI)));
        [Fact] public void RepMovsb() => Check64("F3 A4", a => a.RepMovsb());
        [Fact] public void RepStosb() => Check64("F3 AA", a => a.RepStosb());
        [Fact] public void RepMovsq() => Check64("F3 48 A5", a => a.RepMovsq());
        [Fact] public void RepStosq() => Check64("F3 48 AB", a => a.RepStosq());
        [Fact] public void Pushfq() => Check64("9C", a => a.Pushf());
        [Fact] public void Swapgs() => Check64("0F 01 F8", a => a.Swapgs());

        // ---- x87/SSE/XSAVE ----
        [Fact] public void Fninit() => Check64("DB E3", a => a.Fninit());
        [Fact] public void LdmxcsrStack() => Check64("0F AE 14 24", a => a.Ldmxcsr(Mem.At(RSP)));
        [Fact] public void StmxcsrStack() => Check64("0F AE 1C 24", a => a.Stmxcsr(Mem.D(RSP)));
        [Fact] public void Cvttsd2si() => Check64("F2 48 0F 2C C0", a => a.Cvttsd2si(RAX, XMM0));
        [Fact] public void Cvttsd2siMem() => Check64("F2 0F 2C 07", a => a.Cvttsd2si(EAX, Mem.At(RDI)));
        [Fact] public void MovqXmmFromGpr() => Check64("66 48 0F 6E C0", a => a.Movq(XMM0, RAX));
        [Fact] public void MovqGprFromXmm() => Check64("66 48 0F 7E C8", a => a.Movq(RAX, XMM1));
        // MOVUPS (Vol. 2B: 0F 10 /r load, 0F 11 /r store), MOVLHPS (0F 16 /r, register form)
        [Fact] public void MovupsLoad() => Check64("0F 10 46 10", a => a.Movups(XMM0, Mem.At(RSI, 16)));
        [Fact] public void MovupsStore() => Check64("44 0F 11 47 30", a => a.Movups(Mem.At(RDI, 48), XMM8));
        [Fact] public void Movlhps() => Check64("0F 16 C0", a => a.Movlhps(XMM0, XMM0));
        [Fact] public void Fxsave64() => Check64("48 0F AE 07", a => a.Fxsave(Mem.At(RDI)));
        [Fact] public void Fxrstor64() => Check64("48 0F AE 0F", a => a.Fxrstor(Mem.At(RDI)));
        [Fact] public void Xsave64() => Check64("48 0F AE 27", a => a.Xsave(Mem.At(RDI)));
        [Fact] public void Xrstor64() => Check64("48 0F AE 2F", a => a.Xrstor(Mem.At(RDI)));

        // ---- 32-bit code (boot path) ----
        [Fact] public void FarJump32() => Check32("EA 07 00 00 00 08 00", a => { var l = a.NewLabel("lm"); a.JmpFar(0x08, l); a.Label(l); });
        [Fact] public void MovFromCr0_32() => Check32("0F 20 C0", a => a.Mov(EAX, CR0));
        [Fact] public void MovToCr3_32() => Check32("0F 22 DF", a => a.Mov(CR3, EDI));
        [Fact] public void VgaStore32() => Check32("66 C7 05 00 80 0B 00 41 0F", a => a.Mov(Mem.W(0xB8000), 0x0F41));
        [Fact] public void RepStosd32() => Check32("F3 AB", a => a.RepStosd());
        [Fact] public void PushEbx32() => Check32("53", a => a.Push(EBX));
        [Fact] public void OrEaxImm32() => Check32("0D 00 01 00 00", a => a.Or(EAX, 0x100));
        [Fact] public void MovBaseIndex32() => Check32("89 04 8F", a => a.Mov(Mem.D(EDI, ECX, 4), EAX));
        [Fact] public void LgdtAbsolute32() => Check32("0F 01 15 00 10 00 00", a => a.Lgdt(Mem.At(0x1000)));
    }
}
