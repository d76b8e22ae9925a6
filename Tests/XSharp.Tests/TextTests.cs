using System;
using System.Text;
using XSharp;
using Xunit;
using static XSharp.Reg;

namespace XSharp.Tests
{
    /// <summary>The NASM text of directives and data, and that directive output assembles to the expected bytes.</summary>
    public class TextTests
    {
        [Fact]
        public void DirectivesText()
        {
            var a = new Assembler();
            a.BitsMode(32);
            a.Section(".multiboot2", "progbits alloc noexec nowrite align=8");
            a.Global("_start", SymbolType.Function);
            var ext = a.Extern("kmain");
            a.Comment("hello");
            a.Label("_start");
            a.Mov(EAX, Mem.D(ESP, 4));
            string t = a.ToNasm();
            Assert.Contains("bits 32\n", t);
            Assert.Contains("section .multiboot2 progbits alloc noexec nowrite align=8\n", t);
            Assert.Contains("global _start:function\n", t);
            Assert.Contains("extern kmain\n", t);
            Assert.Contains("    ; hello\n", t);
            Assert.Contains("_start:\n", t);
            Assert.Contains("mov      eax, dword [esp + 4]", t);
            Assert.Equal("kmain", ext.Name);
        }

        [Fact]
        public void MemText()
        {
            Assert.Equal("qword [rsp + 8]", Mem.Q(RSP, 8).ToNasm(64));
            Assert.Equal("dword [rax + rcx*4 - 0x10]", Mem.D(RAX, RCX, 4, -16).ToNasm(64));
            Assert.Equal("qword [rel sym]", Mem.Q(new Label("sym")).ToNasm(64));
            Assert.Equal("dword [sym + 4]", Mem.D(new Label("sym"), 4).ToNasm(32));
            Assert.Equal("qword [fs:0]", Mem.Q(0).Seg(FS).ToNasm(64));
            Assert.Equal("[0xB8000]", Mem.At(0xB8000).ToNasm(32));
        }

        [Fact]
        public void DataBytes()
        {
            var a = new Assembler();
            a.Section(".data");
            a.Db(1, 2);
            a.Dw(0x0304);
            a.Dd(0x05060708);
            a.Dq(unchecked((long)0x1112131415161718));
            a.Ascii("A'B\n");
            a.Asciz("Z");
            a.Times(3).Db(0x90);
            a.Align(8);
            a.Dd(Imm.Expr("(1 << 4) | 1"));
            byte[] got = Nasm.Assemble(a.ToNasm());
            byte[] want = {
                1, 2, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
                (byte)'A', (byte)'\'', (byte)'B', 10, (byte)'Z', 0, 0x90, 0x90, 0x90, 0, 0, 0, 0, 0, 0, 0, 0x11, 0, 0, 0 };
            Assert.Equal(Convert.ToHexString(want), Convert.ToHexString(got));
        }

        [Fact]
        public void BssUsesAlignb()
        {
            var a = new Assembler();
            a.Bss();
            a.Align(4096);
            a.Resb(16);
            a.Resq(2);
            string t = a.ToNasm();
            Assert.Contains("alignb 4096", t);
            Assert.Contains("resb 16", t);
            Assert.Contains("resq 2", t);
        }

        [Fact]
        public void CodeAlignUsesNop()
        {
            var a = new Assembler();
            a.Text();
            a.Ret();
            a.Align(4);
            Assert.Equal("C3909090", Convert.ToHexString(Nasm.Assemble(a.ToNasm())));
        }

        [Fact]
        public void EquAndLabelPlus()
        {
            var a = new Assembler();
            a.Section(".data");
            var x = a.Label("x");
            a.Dq(x.Plus(8));
            a.Equ("SIZE", Imm.Expr("$ - x"));
            a.Dq(new Label("SIZE"));
            byte[] got = Nasm.Assemble(a.ToNasm());
            Assert.Equal("08000000000000000800000000000000", Convert.ToHexString(got));
        }

        private sealed class Tiny : AsmProgram
        {
            public override string Name => "tiny";
            public override void Emit(Assembler a)
            {
                a.Text();
                a.GlobalFunction("tiny_fn");
                a.Mov(EAX, 42);
                a.Ret();
            }
        }

        [Fact]
        public void ProgramAssemblesAsElf64()
        {
            string text = new Tiny().Generate();
            Assert.StartsWith("    ; tiny.asm", text);
            Assert.Contains(".note.GNU-stack", text);
            byte[] obj = Nasm.Assemble(text, "elf64");
            Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2 }, obj[..5]);
        }
    }
}
