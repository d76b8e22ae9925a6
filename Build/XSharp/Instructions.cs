using System;

namespace XSharp
{
    // Instruction methods. Operand rules follow the Intel SDM Vol. 2 instruction pages; each method
    // names the page. Immediate-range rules: Intel SDM Vol. 2A §2.2.1.5 (imm32 sign-extended to 64 bits).
    public sealed partial class Assembler
    {
        private static readonly string[] CondSuffix = { "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g" };

        // ------------------------------------------------------------------ validation helpers

        private static ArgumentException Bad(string mnemonic, string why) => new ArgumentException($"{mnemonic}: {why}");

        private void CheckHighByte(string m, params Operand[] ops)
        {
            bool high = false, rex = false;
            foreach (var o in ops)
            {
                if (o is Reg8 r8 && r8.IsHigh) high = true;
                else if (o is Register r && (r.Requires64 || r.Number >= 8) && r.Kind == RegisterKind.General) rex = true;
                else if (o is Mem mm && ((mm.Base != null && mm.Base.Number >= 8) || (mm.Index != null && mm.Index.Number >= 8))) rex = true;
            }
            if (high && rex) throw Bad(m, "AH/BH/CH/DH cannot be used together with an operand that needs a REX prefix (Intel SDM Vol. 2A §2.2.1)");
        }

        private static bool IsImmLike(Operand o) => o is Imm || o is Label;

        private static void CheckImm(string m, Operand src, OpSize size, bool allowImm64)
        {
            if (src is Imm imm)
            {
                if (!imm.FitsIn(size, allowImm64))
                    throw Bad(m, $"immediate {imm.ToNasm(64)} is not encodable for a {(int)size}-bit operand" +
                                 (size == OpSize.Qword ? " (only sign-extended imm32; load it into a register with mov first)" : ""));
            }
            else if (src is Label && (size == OpSize.Byte || size == OpSize.Word))
                throw Bad(m, "a symbol address does not fit in an 8/16-bit operand");
        }

        /// <summary>Common checks for "r/m, r/m/imm" forms; returns the operation size.</summary>
        private OpSize Binary(string m, Operand dst, Operand src, bool allowImm64 = false, bool allowImmSrc = true)
        {
            if (dst == null || src == null) throw new ArgumentNullException(dst == null ? nameof(dst) : nameof(src));
            if (!(dst is GeneralRegister || dst is Mem)) throw Bad(m, $"destination must be a general register or memory, not {N(dst)}");
            if (!(src is GeneralRegister || src is Mem || IsImmLike(src))) throw Bad(m, $"source must be a general register, memory or immediate, not {N(src)}");
            if (dst is Mem && src is Mem) throw Bad(m, "both operands cannot be memory");
            if (!allowImmSrc && IsImmLike(src)) throw Bad(m, "no immediate form");
            OpSize size;
            if (dst is Register rd && src is Register rs)
            {
                if (rd.Size != rs.Size) throw Bad(m, $"operand sizes differ ({rd.Name} is {(int)rd.Size}-bit, {rs.Name} is {(int)rs.Size}-bit)");
                size = rd.Size;
            }
            else if (dst is Register || src is Register)
            {
                var r = (Register)(dst is Register ? dst : src);
                var other = dst is Register ? src : dst;
                if (other is Mem mem && mem.Size != OpSize.None && mem.Size != r.Size)
                    throw Bad(m, $"memory operand size {(int)mem.Size} does not match register {r.Name}");
                size = r.Size;
            }
            else
            {
                var mem = (Mem)dst;
                if (mem.Size == OpSize.None) throw Bad(m, "memory destination with an immediate needs a size (use Mem.B/W/D/Q)");
                size = mem.Size;
            }
            if (size == OpSize.Oword || size == OpSize.None) throw Bad(m, "general-purpose instructions take 8/16/32/64-bit operands");
            if (size == OpSize.Qword && Bits != 64) throw Bad(m, "64-bit operand size needs 64-bit code");
            CheckImm(m, src, size, allowImm64);
            CheckHighByte(m, dst, src);
            return size;
        }

        /// <summary>Renders a memory operand with an explicit size keyword (taking it from <paramref name="size"/> when unsized).</summary>
        private string Sized(Operand o, OpSize size)
        {
            if (o is Mem mem && mem.Size == OpSize.None && size != OpSize.None) return mem.As(size).ToNasm(Bits);
            return N(o);
        }

        private Assembler Alu(string m, Operand dst, Operand src)
        {
            var size = Binary(m, dst, src);
            return Ins(m, Sized(dst, size), Sized(src, size));
        }

        private Assembler Unary(string m, Operand dst)
        {
            if (!(dst is GeneralRegister || dst is Mem)) throw Bad(m, "operand must be a general register or memory");
            if (dst.Size == OpSize.None) throw Bad(m, "memory operand needs a size (use Mem.B/W/D/Q)");
            if (dst.Size == OpSize.Oword) throw Bad(m, "128-bit operand not allowed");
            if (dst.Size == OpSize.Qword && Bits != 64) throw Bad(m, "64-bit operand size needs 64-bit code");
            return Ins(m, N(dst));
        }

        private Assembler Shift(string m, Operand dst, Operand count)
        {
            if (!(dst is GeneralRegister || dst is Mem) || dst.Size == OpSize.None || dst.Size == OpSize.Oword)
                throw Bad(m, "destination must be a general register or sized memory");
            if (count is Imm imm)
            {
                int max = dst.Size == OpSize.Qword ? 63 : 31;
                if (!imm.InRange(0, max)) throw Bad(m, $"shift count must be 0..{max}");
            }
            else if (!ReferenceEquals(count, Reg.CL)) throw Bad(m, "shift count must be an immediate or CL");
            return Ins(m, N(dst), N(count));
        }

        private Register CheckWidthForMode(string m, Operand o)
        {
            var r = o as GeneralRegister;
            OpSize want = Bits == 64 ? OpSize.Qword : OpSize.Dword;
            if (r == null || r.Size != want) throw Bad(m, $"needs a {(int)want}-bit general register in {Bits}-bit code");
            return r;
        }

        // ------------------------------------------------------------------ data movement

        /// <summary>
        /// MOV (Intel SDM Vol. 2B "MOV", "MOV—Move to/from Control Registers", segment forms).
        /// General: r/m ← r/m/imm (imm64 only into a 64-bit register; into memory a sign-extended imm32).
        /// Control: <c>Mov(Reg.CR3, Reg.RAX)</c> / <c>Mov(Reg.RAX, Reg.CR2)</c> with a 64-bit GPR (32-bit in 32-bit code).
        /// Segment: <c>Mov(Reg.DS, Reg.AX)</c>, <c>Mov(Reg.AX, Reg.DS)</c> (CS cannot be a destination).
        /// </summary>
        public Assembler Mov(Operand dst, Operand src)
        {
            const string m = "mov";
            if (dst is ControlReg || src is ControlReg)
            {
                if (dst is ControlReg && src is ControlReg) throw Bad(m, "control register to control register");
                CheckWidthForMode(m, dst is ControlReg ? src : dst);
                return Ins(m, N(dst), N(src));
            }
            if (dst is SegmentReg || src is SegmentReg)
            {
                if (dst is SegmentReg && src is SegmentReg) throw Bad(m, "segment register to segment register");
                if (ReferenceEquals(dst, Reg.CS)) throw Bad(m, "CS cannot be loaded with MOV (use a far jump/return)");
                var other = dst is SegmentReg ? src : dst;
                if (other is Mem mm) { if (mm.Size != OpSize.None && mm.Size != OpSize.Word) throw Bad(m, "segment register memory operand is 16-bit"); return Ins(m, dst is Mem ? Sized(dst, OpSize.Word) : N(dst), src is Mem ? Sized(src, OpSize.Word) : N(src)); }
                if (!(other is GeneralRegister g) || g.Size == OpSize.Byte) throw Bad(m, "segment register moves need a 16/32/64-bit GPR or m16");
                return Ins(m, N(dst), N(src));
            }
            var size = Binary(m, dst, src, allowImm64: dst is Reg64);
            return Ins(m, Sized(dst, size), Sized(src, size));
        }

        private Assembler Extend(string m, Operand dst, Operand src, OpSize[] srcSizes)
        {
            if (!(dst is GeneralRegister d) || d.Size == OpSize.Byte) throw Bad(m, "destination must be a 16/32/64-bit general register");
            if (!(src is GeneralRegister || src is Mem)) throw Bad(m, "source must be a register or memory");
            if (Array.IndexOf(srcSizes, src.Size) < 0) throw Bad(m, src is Mem ? "memory source needs an explicit size (Mem.B/Mem.W...)" : $"invalid source size {(int)src.Size}");
            if ((int)src.Size >= (int)d.Size) throw Bad(m, "source must be narrower than the destination");
            CheckHighByte(m, dst, src);
            return Ins(m, N(dst), N(src));
        }

        /// <summary>MOVZX r16/32/64, r/m8 or r/m16 (Intel SDM Vol. 2B "MOVZX"). Memory sources must be sized.</summary>
        public Assembler Movzx(GeneralRegister dst, Operand src) => Extend("movzx", dst, src, new[] { OpSize.Byte, OpSize.Word });
        /// <summary>MOVSX r16/32/64, r/m8 or r/m16 (Intel SDM Vol. 2B "MOVSX/MOVSXD").</summary>
        public Assembler Movsx(GeneralRegister dst, Operand src) => Extend("movsx", dst, src, new[] { OpSize.Byte, OpSize.Word });
        /// <summary>MOVSXD r64, r/m32 (Intel SDM Vol. 2B "MOVSX/MOVSXD").</summary>
        public Assembler Movsxd(Reg64 dst, Operand src) => Extend("movsxd", dst, src, new[] { OpSize.Dword });

        /// <summary>LEA r16/32/64, m (Intel SDM Vol. 2A "LEA"); the address is computed, memory is not accessed.</summary>
        public Assembler Lea(GeneralRegister dst, Mem src)
        {
            if (dst.Size == OpSize.Byte) throw Bad("lea", "destination cannot be 8-bit");
            N(dst);
            return Ins("lea", N(dst), src.AddressToNasm(Bits));
        }

        /// <summary>PUSH r64/r16, m64/m16 or sign-extended imm32 (64-bit code); r32/m32/imm32 in 32-bit code (Intel SDM Vol. 2B "PUSH").</summary>
        public Assembler Push(Operand src)
        {
            const string m = "push";
            if (IsImmLike(src)) { CheckImm(m, src, OpSize.Qword, false); return Ins(m, N(src)); }
            return Ins(m, StackOperand(m, src));
        }

        /// <summary>POP r64/r16 or m64/m16 (64-bit code); r32/m32 in 32-bit code (Intel SDM Vol. 2B "POP").</summary>
        public Assembler Pop(Operand dst) => Ins("pop", StackOperand("pop", dst));

        private string StackOperand(string m, Operand o)
        {
            OpSize native = Bits == 64 ? OpSize.Qword : OpSize.Dword;
            if (o is GeneralRegister r) { if (r.Size != native && r.Size != OpSize.Word) throw Bad(m, $"{r.Name} cannot be pushed/popped in {Bits}-bit code"); return N(r); }
            if (o is Mem mm) { if (mm.Size != OpSize.None && mm.Size != native && mm.Size != OpSize.Word) throw Bad(m, "bad memory size"); return Sized(mm, native); }
            throw Bad(m, "operand must be a general register or memory");
        }

        /// <summary>XCHG r/m, r (Intel SDM Vol. 2B "XCHG"); with a memory operand the CPU locks implicitly.</summary>
        public Assembler Xchg(Operand a, Operand b)
        {
            var size = Binary("xchg", a, b, allowImmSrc: false);
            return Ins("xchg", Sized(a, size), Sized(b, size));
        }

        /// <summary>CMPXCHG r/m, r (compare with RAX/EAX/AX/AL; Intel SDM Vol. 2A "CMPXCHG").</summary>
        public Assembler Cmpxchg(Operand dst, GeneralRegister src)
        {
            var size = Binary("cmpxchg", dst, src, allowImmSrc: false);
            return Ins("cmpxchg", Sized(dst, size), N(src));
        }

        /// <summary>LOCK CMPXCHG m, r: atomic compare-and-exchange with the accumulator (Intel SDM Vol. 2A "CMPXCHG", "LOCK").</summary>
        public Assembler LockCmpxchg(Mem dst, GeneralRegister src)
        {
            var size = Binary("lock cmpxchg", dst, src, allowImmSrc: false);
            return Ins("lock cmpxchg", Sized(dst, size), N(src));
        }

        /// <summary>LOCK XADD m, r: atomic fetch-and-add (Intel SDM Vol. 2B "XADD").</summary>
        public Assembler LockXadd(Mem dst, GeneralRegister src)
        {
            var size = Binary("lock xadd", dst, src, allowImmSrc: false);
            return Ins("lock xadd", Sized(dst, size), N(src));
        }

        // ------------------------------------------------------------------ arithmetic / logic

        /// <summary>ADD r/m, r/m/imm (Intel SDM Vol. 2A "ADD").</summary>
        public Assembler Add(Operand dst, Operand src) => Alu("add", dst, src);
        /// <summary>ADC r/m, r/m/imm.</summary>
        public Assembler Adc(Operand dst, Operand src) => Alu("adc", dst, src);
        /// <summary>SUB r/m, r/m/imm (Intel SDM Vol. 2B "SUB").</summary>
        public Assembler Sub(Operand dst, Operand src) => Alu("sub", dst, src);
        /// <summary>SBB r/m, r/m/imm.</summary>
        public Assembler Sbb(Operand dst, Operand src) => Alu("sbb", dst, src);
        /// <summary>AND r/m, r/m/imm (Intel SDM Vol. 2A "AND").</summary>
        public Assembler And(Operand dst, Operand src) => Alu("and", dst, src);
        /// <summary>OR r/m, r/m/imm (Intel SDM Vol. 2B "OR").</summary>
        public Assembler Or(Operand dst, Operand src) => Alu("or", dst, src);
        /// <summary>XOR r/m, r/m/imm (Intel SDM Vol. 2B "XOR").</summary>
        public Assembler Xor(Operand dst, Operand src) => Alu("xor", dst, src);
        /// <summary>CMP r/m, r/m/imm (Intel SDM Vol. 2A "CMP").</summary>
        public Assembler Cmp(Operand dst, Operand src) => Alu("cmp", dst, src);
        /// <summary>TEST r/m, r/imm (Intel SDM Vol. 2B "TEST").</summary>
        public Assembler Test(Operand dst, Operand src) => Alu("test", dst, src);
        /// <summary>IMUL r, r/m (two-operand form, Intel SDM Vol. 2A "IMUL").</summary>
        public Assembler Imul(GeneralRegister dst, Operand src)
        {
            if (dst.Size == OpSize.Byte) throw Bad("imul", "no 8-bit two-operand form");
            var size = Binary("imul", dst, src, allowImmSrc: false);
            return Ins("imul", N(dst), Sized(src, size));
        }

        /// <summary>INC r/m (Intel SDM Vol. 2A "INC").</summary>
        public Assembler Inc(Operand dst) => Unary("inc", dst);
        /// <summary>DEC r/m (Intel SDM Vol. 2A "DEC").</summary>
        public Assembler Dec(Operand dst) => Unary("dec", dst);
        /// <summary>NEG r/m (two's complement).</summary>
        public Assembler Neg(Operand dst) => Unary("neg", dst);
        /// <summary>NOT r/m (one's complement).</summary>
        public Assembler Not(Operand dst) => Unary("not", dst);
        /// <summary>MUL r/m: RDX:RAX ← RAX × r/m, unsigned (Intel SDM Vol. 2B "MUL").</summary>
        public Assembler Mul(Operand src) => Unary("mul", src);
        /// <summary>DIV r/m: RAX ← RDX:RAX / r/m, RDX ← remainder, unsigned (Intel SDM Vol. 2A "DIV").</summary>
        public Assembler Div(Operand src) => Unary("div", src);

        /// <summary>SHL r/m, imm8|CL (Intel SDM Vol. 2B "SAL/SAR/SHL/SHR").</summary>
        public Assembler Shl(Operand dst, Operand count) => Shift("shl", dst, count);
        /// <summary>SHR r/m, imm8|CL (logical).</summary>
        public Assembler Shr(Operand dst, Operand count) => Shift("shr", dst, count);
        /// <summary>SAR r/m, imm8|CL (arithmetic).</summary>
        public Assembler Sar(Operand dst, Operand count) => Shift("sar", dst, count);
        /// <summary>ROL r/m, imm8|CL.</summary>
        public Assembler Rol(Operand dst, Operand count) => Shift("rol", dst, count);
        /// <summary>ROR r/m, imm8|CL.</summary>
        public Assembler Ror(Operand dst, Operand count) => Shift("ror", dst, count);

        /// <summary>SETcc r/m8 (Intel SDM Vol. 2B "SETcc").</summary>
        public Assembler Setcc(Cond cc, Operand dst)
        {
            if (!(dst is Reg8 || dst is Mem) || (dst is Mem mm && mm.Size != OpSize.None && mm.Size != OpSize.Byte)) throw Bad("set" + CondSuffix[(int)cc], "operand must be r/m8");
            return Ins("set" + CondSuffix[(int)cc], Sized(dst, OpSize.Byte));
        }

        /// <summary>CMOVcc r, r/m (16/32/64-bit; Intel SDM Vol. 2A "CMOVcc").</summary>
        public Assembler Cmovcc(Cond cc, GeneralRegister dst, Operand src)
        {
            string m = "cmov" + CondSuffix[(int)cc];
            if (dst.Size == OpSize.Byte) throw Bad(m, "no 8-bit form");
            var size = Binary(m, dst, src, allowImmSrc: false);
            return Ins(m, N(dst), Sized(src, size));
        }

        // ------------------------------------------------------------------ control transfer

        /// <summary>JMP to a label (NASM picks rel8/rel32) (Intel SDM Vol. 2A "JMP").</summary>
        public Assembler Jmp(Label target) => Ins("jmp", target.Name);
        /// <summary>Indirect JMP through a register (64-bit in 64-bit code) or memory.</summary>
        public Assembler Jmp(Operand target) => Ins("jmp", Indirect("jmp", target));

        /// <summary>
        /// Far JMP ptr16:32 to <paramref name="target"/> with code segment <paramref name="selector"/>
        /// (32-bit code only; used for the switch into a 64-bit code segment; Intel SDM Vol. 3A §10.8.5).
        /// </summary>
        public Assembler JmpFar(ushort selector, Label target)
        {
            if (Bits == 64) throw Bad("jmp far", "direct far jumps do not exist in 64-bit mode; push selector and address then Retf()");
            return Ins("jmp", Imm.Format(selector) + ":" + target.Name);
        }

        /// <summary>Jcc to a label (Intel SDM Vol. 2A "Jcc").</summary>
        public Assembler Jcc(Cond cc, Label target) => Ins("j" + CondSuffix[(int)cc], target.Name);
        public Assembler Je(Label t) => Jcc(Cond.E, t);
        public Assembler Jne(Label t) => Jcc(Cond.NE, t);
        public Assembler Jz(Label t) => Jcc(Cond.E, t);
        public Assembler Jnz(Label t) => Jcc(Cond.NE, t);
        public Assembler Jb(Label t) => Jcc(Cond.B, t);
        public Assembler Jae(Label t) => Jcc(Cond.AE, t);
        public Assembler Jbe(Label t) => Jcc(Cond.BE, t);
        public Assembler Ja(Label t) => Jcc(Cond.A, t);
        public Assembler Jl(Label t) => Jcc(Cond.L, t);
        public Assembler Jge(Label t) => Jcc(Cond.GE, t);
        public Assembler Jle(Label t) => Jcc(Cond.LE, t);
        public Assembler Jg(Label t) => Jcc(Cond.G, t);
        public Assembler Jc(Label t) => Jcc(Cond.C, t);
        public Assembler Jnc(Label t) => Jcc(Cond.NC, t);
        public Assembler Js(Label t) => Jcc(Cond.S, t);
        public Assembler Jns(Label t) => Jcc(Cond.NS, t);

        /// <summary>CALL rel32 to a label (Intel SDM Vol. 2A "CALL"). System V: RSP must be 16-byte aligned before the call.</summary>
        public Assembler Call(Label target) => Ins("call", target.Name);
        /// <summary>Indirect CALL through a register or memory.</summary>
        public Assembler Call(Operand target) => Ins("call", Indirect("call", target));

        private string Indirect(string m, Operand target)
        {
            if (target is Label l) return l.Name;
            OpSize native = Bits == 64 ? OpSize.Qword : OpSize.Dword;
            if (target is GeneralRegister r) { if (r.Size != native) throw Bad(m, $"indirect target register must be {(int)native}-bit"); return N(r); }
            if (target is Mem mm) { if (mm.Size != OpSize.None && mm.Size != native) throw Bad(m, "indirect memory target has the wrong size"); return Sized(mm, native); }
            throw Bad(m, "target must be a label, register or memory");
        }

        /// <summary>RET (near).</summary>
        public Assembler Ret() => Ins("ret");
        /// <summary>RET imm16: return and pop <paramref name="bytes"/> extra bytes.</summary>
        public Assembler Ret(ushort bytes) => Ins("ret", Imm.Format(bytes));
        /// <summary>Far return (REX.W RETF in 64-bit code: pops RIP then CS; Intel SDM Vol. 2B "RET").</summary>
        public Assembler Retf() => Bits == 64 ? Ins("o64 retf") : Ins("retf");
        /// <summary>IRETQ (64-bit interrupt return; Intel SDM Vol. 2A "IRET/IRETD/IRETQ").</summary>
        public Assembler Iretq() { if (Bits != 64) throw Bad("iretq", "64-bit code only"); return Ins("iretq"); }
        /// <summary>INT3 (breakpoint, 0xCC).</summary>
        public Assembler Int3() => Ins("int3");
        /// <summary>INT imm8 (software interrupt).</summary>
        public Assembler Int(byte vector) => Ins("int", Imm.Format(vector));
        /// <summary>UD2 (guaranteed invalid opcode, #UD).</summary>
        public Assembler Ud2() => Ins("ud2");
        /// <summary>NOP.</summary>
        public Assembler Nop() => Ins("nop");

        // ------------------------------------------------------------------ port I/O

        /// <summary>IN AL/AX/EAX, imm8|DX (Intel SDM Vol. 2A "IN").</summary>
        public Assembler In(GeneralRegister dst, Operand port)
        {
            CheckAccumulator("in", dst); CheckPort("in", port);
            return Ins("in", N(dst), N(port));
        }

        /// <summary>OUT imm8|DX, AL/AX/EAX (Intel SDM Vol. 2B "OUT").</summary>
        public Assembler Out(Operand port, GeneralRegister src)
        {
            CheckAccumulator("out", src); CheckPort("out", port);
            return Ins("out", N(port), N(src));
        }

        private static void CheckAccumulator(string m, GeneralRegister r)
        {
            if (!(ReferenceEquals(r, Reg.AL) || ReferenceEquals(r, Reg.AX) || ReferenceEquals(r, Reg.EAX))) throw Bad(m, "data register must be AL, AX or EAX");
        }
        private static void CheckPort(string m, Operand port)
        {
            if (port is Imm i) { if (!i.InRange(0, 255)) throw Bad(m, "immediate port must be 0..255; use DX"); }
            else if (!ReferenceEquals(port, Reg.DX)) throw Bad(m, "port must be an imm8 or DX");
        }

        // ------------------------------------------------------------------ system

        public Assembler Cli() => Ins("cli");
        public Assembler Sti() => Ins("sti");
        public Assembler Hlt() => Ins("hlt");
        public Assembler Pause() => Ins("pause");
        public Assembler Cld() => Ins("cld");
        public Assembler Std() => Ins("std");
        /// <summary>PUSHFQ (PUSHFD in 32-bit code).</summary>
        public Assembler Pushf() => Ins(Bits == 64 ? "pushfq" : "pushfd");
        /// <summary>POPFQ (POPFD in 32-bit code).</summary>
        public Assembler Popf() => Ins(Bits == 64 ? "popfq" : "popfd");
        /// <summary>CPUID: EAX, EBX, ECX, EDX ← leaf EAX, subleaf ECX (Intel SDM Vol. 2A "CPUID").</summary>
        public Assembler Cpuid() => Ins("cpuid");
        /// <summary>RDTSC: EDX:EAX ← time-stamp counter.</summary>
        public Assembler Rdtsc() => Ins("rdtsc");
        /// <summary>RDMSR: EDX:EAX ← MSR[ECX].</summary>
        public Assembler Rdmsr() => Ins("rdmsr");
        /// <summary>WRMSR: MSR[ECX] ← EDX:EAX.</summary>
        public Assembler Wrmsr() => Ins("wrmsr");
        /// <summary>
        /// WRFSBASE r64: FS base ← <paramref name="src"/> (Intel SDM Vol. 2D "WRFSBASE"; 64-bit code, needs CR4.FSGSBASE
        /// and CPUID.(EAX=07H,ECX=0):EBX.FSGSBASE[bit 0], #UD otherwise).
        /// </summary>
        public Assembler Wrfsbase(Reg64 src)
        {
            if (Bits != 64) throw Bad("wrfsbase", "64-bit code only");
            return Ins("wrfsbase", N(src));
        }
        /// <summary>XGETBV: EDX:EAX ← XCR[ECX].</summary>
        public Assembler Xgetbv() => Ins("xgetbv");
        /// <summary>XSETBV: XCR[ECX] ← EDX:EAX (CPL 0, CR4.OSXSAVE=1).</summary>
        public Assembler Xsetbv() => Ins("xsetbv");
        public Assembler Swapgs() { if (Bits != 64) throw Bad("swapgs", "64-bit code only"); return Ins("swapgs"); }
        public Assembler Lfence() => Ins("lfence");
        public Assembler Sfence() => Ins("sfence");
        public Assembler Mfence() => Ins("mfence");
        public Assembler Wbinvd() => Ins("wbinvd");

        /// <summary>LGDT m (pseudo-descriptor: 2-byte limit, 8-byte base in 64-bit code; Intel SDM Vol. 3A §3.5.1).</summary>
        public Assembler Lgdt(Mem descriptor) => Ins("lgdt", descriptor.AddressToNasm(Bits));
        /// <summary>LIDT m (Intel SDM Vol. 3A §6.10).</summary>
        public Assembler Lidt(Mem descriptor) => Ins("lidt", descriptor.AddressToNasm(Bits));
        /// <summary>SGDT m.</summary>
        public Assembler Sgdt(Mem descriptor) => Ins("sgdt", descriptor.AddressToNasm(Bits));
        /// <summary>SIDT m.</summary>
        public Assembler Sidt(Mem descriptor) => Ins("sidt", descriptor.AddressToNasm(Bits));
        /// <summary>LTR r/m16 (TSS selector; Intel SDM Vol. 3A §8.2.4).</summary>
        public Assembler Ltr(Operand selector)
        {
            if (selector is Reg16) return Ins("ltr", N(selector));
            if (selector is Mem mm && (mm.Size == OpSize.None || mm.Size == OpSize.Word)) return Ins("ltr", Sized(mm, OpSize.Word));
            throw Bad("ltr", "operand must be a 16-bit register or m16");
        }
        /// <summary>INVLPG m: invalidate the TLB entry for the page containing the address (Intel SDM Vol. 2A "INVLPG").</summary>
        public Assembler Invlpg(Mem address) => Ins("invlpg", address.AddressToNasm(Bits));

        // ------------------------------------------------------------------ string operations

        public Assembler RepMovsb() => Ins("rep movsb");
        public Assembler RepStosb() => Ins("rep stosb");
        public Assembler RepMovsd() => Ins("rep movsd");
        public Assembler RepStosd() => Ins("rep stosd");
        public Assembler RepMovsq() { if (Bits != 64) throw Bad("rep movsq", "64-bit code only"); return Ins("rep movsq"); }
        public Assembler RepStosq() { if (Bits != 64) throw Bad("rep stosq", "64-bit code only"); return Ins("rep stosq"); }

        // ------------------------------------------------------------------ x87 / SSE / XSAVE

        /// <summary>FNINIT (x87 FPU reset without checking pending exceptions; FCW=0x037F).</summary>
        public Assembler Fninit() => Ins("fninit");
        /// <summary>LDMXCSR m32 (Intel SDM Vol. 2A "LDMXCSR").</summary>
        public Assembler Ldmxcsr(Mem src) => Ins("ldmxcsr", MemOfSize("ldmxcsr", src, OpSize.Dword));
        /// <summary>STMXCSR m32.</summary>
        public Assembler Stmxcsr(Mem dst) => Ins("stmxcsr", MemOfSize("stmxcsr", dst, OpSize.Dword));

        private string MemOfSize(string m, Mem mm, OpSize size)
        {
            if (mm.Size != OpSize.None && mm.Size != size) throw Bad(m, $"memory operand must be {(int)size}-bit");
            return Sized(mm, size);
        }

        /// <summary>CVTTSD2SI r32/r64, xmm/m64: truncating double → integer (Intel SDM Vol. 2A "CVTTSD2SI").</summary>
        public Assembler Cvttsd2si(GeneralRegister dst, Operand src)
        {
            if (dst.Size != OpSize.Dword && dst.Size != OpSize.Qword) throw Bad("cvttsd2si", "destination must be r32 or r64");
            if (dst.Size == OpSize.Qword && Bits != 64) throw Bad("cvttsd2si", "r64 needs 64-bit code");
            string s = src is XmmReg ? N(src) : src is Mem mm ? MemOfSize("cvttsd2si", mm, OpSize.Qword) : throw Bad("cvttsd2si", "source must be xmm or m64");
            return Ins("cvttsd2si", N(dst), s);
        }

        /// <summary>CVTSI2SD xmm, r/m32|r/m64 (Intel SDM Vol. 2A "CVTSI2SD"). Memory sources must be sized.</summary>
        public Assembler Cvtsi2sd(XmmReg dst, Operand src)
        {
            if (!(src is GeneralRegister || src is Mem) || (src.Size != OpSize.Dword && src.Size != OpSize.Qword)) throw Bad("cvtsi2sd", "source must be r/m32 or r/m64 (sized)");
            return Ins("cvtsi2sd", N(dst), N(src));
        }

        /// <summary>MOVQ between an XMM register and r64/m64 or another XMM register (Intel SDM Vol. 2B "MOVQ").</summary>
        public Assembler Movq(Operand dst, Operand src)
        {
            bool ok = (dst is XmmReg && (src is Reg64 || src is XmmReg || (src is Mem ms && (ms.Size == OpSize.None || ms.Size == OpSize.Qword))))
                   || (src is XmmReg && (dst is Reg64 || (dst is Mem md && (md.Size == OpSize.None || md.Size == OpSize.Qword))));
            if (!ok) throw Bad("movq", "one operand must be an XMM register, the other xmm, r64 or m64");
            return Ins("movq", Sized(dst, OpSize.Qword), Sized(src, OpSize.Qword));
        }

        /// <summary>MOVUPS xmm, xmm/m128 or m128, xmm: 16 bytes, no alignment required (Intel SDM Vol. 2B "MOVUPS").</summary>
        public Assembler Movups(Operand dst, Operand src)
        {
            bool ok = (dst is XmmReg && (src is XmmReg || src is Mem)) || (dst is Mem && src is XmmReg);
            if (!ok) throw Bad("movups", "one operand must be an XMM register, the other xmm or m128");
            return Ins("movups", dst is Mem md ? md.AddressToNasm(Bits) : N(dst), src is Mem ms ? ms.AddressToNasm(Bits) : N(src));
        }

        /// <summary>MOVLHPS xmm1, xmm2: the low quadword of xmm2 into the high quadword of xmm1 (Intel SDM Vol. 2B "MOVLHPS").</summary>
        public Assembler Movlhps(XmmReg dst, XmmReg src) => Ins("movlhps", N(dst), N(src));

        /// <summary>XORPS xmm, xmm/m128.</summary>
        public Assembler Xorps(XmmReg dst, Operand src)
        {
            if (!(src is XmmReg || src is Mem)) throw Bad("xorps", "source must be xmm or m128");
            return Ins("xorps", N(dst), src is Mem mm ? mm.AddressToNasm(Bits) : N(src));
        }

        /// <summary>FXSAVE (FXSAVE64 in 64-bit code) to a 16-byte aligned 512-byte area (Intel SDM Vol. 2A "FXSAVE").</summary>
        public Assembler Fxsave(Mem area) => Ins(Bits == 64 ? "fxsave64" : "fxsave", area.AddressToNasm(Bits));
        /// <summary>FXRSTOR (FXRSTOR64 in 64-bit code).</summary>
        public Assembler Fxrstor(Mem area) => Ins(Bits == 64 ? "fxrstor64" : "fxrstor", area.AddressToNasm(Bits));
        /// <summary>XSAVE (XSAVE64 in 64-bit code) of the components in EDX:EAX ∧ XCR0 to a 64-byte aligned area (Intel SDM Vol. 1 §13.7).</summary>
        public Assembler Xsave(Mem area) => Ins(Bits == 64 ? "xsave64" : "xsave", area.AddressToNasm(Bits));
        /// <summary>XSAVEOPT (XSAVEOPT64 in 64-bit code).</summary>
        public Assembler Xsaveopt(Mem area) => Ins(Bits == 64 ? "xsaveopt64" : "xsaveopt", area.AddressToNasm(Bits));
        /// <summary>XRSTOR (XRSTOR64 in 64-bit code) of the components in EDX:EAX (Intel SDM Vol. 1 §13.8).</summary>
        public Assembler Xrstor(Mem area) => Ins(Bits == 64 ? "xrstor64" : "xrstor", area.AddressToNasm(Bits));
    }
}
