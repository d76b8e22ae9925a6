using System;
using XSharp;
using Xunit;
using static XSharp.Reg;

namespace XSharp.Tests
{
    /// <summary>Operand combinations the API must refuse at generation time instead of emitting something NASM would mis-assemble or reject.</summary>
    public class ValidationTests
    {
        private static Assembler A64() { var a = new Assembler(); a.BitsMode(64); return a; }
        private static Assembler A32() { var a = new Assembler(); a.BitsMode(32); return a; }

        [Fact] public void SizeMismatch() => Assert.Throws<ArgumentException>(() => A64().Mov(RAX, EBX));
        [Fact] public void Imm32NotSignExtendable() => Assert.Throws<ArgumentException>(() => A64().And(RAX, 0xFFFFFFFFu));
        [Fact] public void MemImmTooWide() => Assert.Throws<ArgumentException>(() => A64().Mov(Mem.Q(RDI), 0x100000000L));
        [Fact] public void ByteImmTooWide() => Assert.Throws<ArgumentException>(() => A64().Mov(AL, 256));
        [Fact] public void UnsizedMemWithImm() => Assert.Throws<ArgumentException>(() => A64().Add(Mem.At(RDI), 1));
        [Fact] public void MemToMem() => Assert.Throws<ArgumentException>(() => A64().Mov(Mem.Q(RDI), Mem.Q(RSI)));
        [Fact] public void Push32In64() => Assert.Throws<ArgumentException>(() => A64().Push(EAX));
        [Fact] public void Rax32Bit() => Assert.Throws<ArgumentException>(() => A32().Mov(RAX, RBX));
        [Fact] public void R8dIn32Bit() => Assert.Throws<InvalidOperationException>(() => A32().Inc(R8D));
        [Fact] public void HighByteWithRex() => Assert.Throws<ArgumentException>(() => A64().Mov(AH, R8B));
        [Fact] public void OutNonAccumulator() => Assert.Throws<ArgumentException>(() => A64().Out(DX, BL));
        [Fact] public void InPortTooLarge() => Assert.Throws<ArgumentException>(() => A64().In(AL, 0x3F8));
        [Fact] public void RspAsIndex() => Assert.Throws<ArgumentException>(() => Mem.Q(RAX, RSP, 1));
        [Fact] public void BadScale() => Assert.Throws<ArgumentOutOfRangeException>(() => Mem.Q(RAX, RCX, 3));
        [Fact] public void ShiftCountTooLarge() => Assert.Throws<ArgumentException>(() => A64().Shl(EAX, 32));
        [Fact] public void ShiftCountRegister() => Assert.Throws<ArgumentException>(() => A64().Shl(EAX, DL));
        [Fact] public void FarJumpIn64() => Assert.Throws<ArgumentException>(() => A64().JmpFar(8, new Label("x")));
        [Fact] public void MovzxUnsized() => Assert.Throws<ArgumentException>(() => A64().Movzx(EAX, Mem.At(RDI)));
        [Fact] public void MovzxNotNarrower() => Assert.Throws<ArgumentException>(() => A64().Movzx(AX, Mem.W(RDI)));
        [Fact] public void CrWith32BitRegIn64() => Assert.Throws<ArgumentException>(() => A64().Mov(CR3, EAX));
        [Fact] public void MovToCs() => Assert.Throws<ArgumentException>(() => A64().Mov(CS, AX));
        [Fact] public void Addr32In64() => Assert.Throws<InvalidOperationException>(() => A64().Mov(EAX, Mem.D(EDI)));
        [Fact] public void DoubleLabel() { var a = A64(); a.Label("x"); Assert.Throws<InvalidOperationException>(() => a.Label("x")); }
        [Fact] public void ExternThenDefine() { var a = A64(); a.Extern("x"); Assert.Throws<InvalidOperationException>(() => a.Label("x")); }
        [Fact] public void BadLabelName() => Assert.Throws<ArgumentException>(() => new Label("a b"));
        [Fact] public void DataOutOfRange() => Assert.Throws<ArgumentOutOfRangeException>(() => A64().Dw(0x10000));
        [Fact] public void DanglingTimes() { var a = A64(); a.Times(3); Assert.Throws<InvalidOperationException>(() => a.ToNasm()); }
    }
}
