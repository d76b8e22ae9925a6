using System;
using System.Globalization;

namespace XSharp
{
    /// <summary>Operand size in bits (0 = not specified, e.g. for LGDT/LEA memory operands).</summary>
    public enum OpSize
    {
        /// <summary>No size keyword is emitted.</summary>
        None = 0,
        /// <summary>8 bits (NASM <c>byte</c>).</summary>
        Byte = 8,
        /// <summary>16 bits (NASM <c>word</c>).</summary>
        Word = 16,
        /// <summary>32 bits (NASM <c>dword</c>).</summary>
        Dword = 32,
        /// <summary>64 bits (NASM <c>qword</c>).</summary>
        Qword = 64,
        /// <summary>128 bits (NASM <c>oword</c>), an XMM register or m128.</summary>
        Oword = 128,
    }

    /// <summary>Condition codes for Jcc/SETcc/CMOVcc (Intel SDM Vol. 1 Appendix B, Table B-1).</summary>
    public enum Cond
    {
        O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G,
        /// <summary>Alias of <see cref="E"/> (ZF=1).</summary>
        Z = E,
        /// <summary>Alias of <see cref="NE"/> (ZF=0).</summary>
        NZ = NE,
        /// <summary>Alias of <see cref="B"/> (CF=1).</summary>
        C = B,
        /// <summary>Alias of <see cref="AE"/> (CF=0).</summary>
        NC = AE,
    }

    /// <summary>
    /// Anything that can appear as an instruction operand or data value: a <see cref="Register"/>,
    /// a memory reference (<see cref="Mem"/>), an immediate (<see cref="Imm"/>) or a <see cref="Label"/>
    /// (the address of a symbol). Integer literals convert implicitly to <see cref="Imm"/>.
    /// </summary>
    public abstract class Operand
    {
        /// <summary>Size of the operand in bits; <see cref="OpSize.None"/> when the operand does not fix it (immediates, labels, unsized memory).</summary>
        public abstract OpSize Size { get; }

        /// <summary>NASM text of the operand for code of the given bitness (16, 32 or 64).</summary>
        public abstract string ToNasm(int bits);

        public static implicit operator Operand(byte value) => new Imm(value);
        public static implicit operator Operand(sbyte value) => new Imm(value);
        public static implicit operator Operand(short value) => new Imm(value);
        public static implicit operator Operand(ushort value) => new Imm(value);
        public static implicit operator Operand(int value) => new Imm(value);
        public static implicit operator Operand(uint value) => new Imm(value);
        public static implicit operator Operand(long value) => new Imm(value);
        public static implicit operator Operand(ulong value) => new Imm(value);

        /// <summary>NASM text for 64-bit code.</summary>
        public override string ToString() => ToNasm(64);
    }

    /// <summary>Register kind (Intel SDM Vol. 1 §3.4, §10.2; Vol. 3A §2.5).</summary>
    public enum RegisterKind { General, Xmm, Control, Segment }

    /// <summary>A CPU register. Obtain instances from <see cref="Reg"/>; all registers are singletons.</summary>
    public abstract class Register : Operand
    {
        private readonly OpSize _size;

        /// <summary>NASM name, lower case (e.g. "rax", "r8d", "xmm0", "cr3").</summary>
        public string Name { get; }
        /// <summary>Encoding number 0..15 (the ModRM.reg/rm value plus REX.R/B bit).</summary>
        public int Number { get; }
        /// <summary>What kind of register this is.</summary>
        public abstract RegisterKind Kind { get; }
        /// <summary>True when the register only exists in 64-bit mode (any 64-bit GPR, R8..R15 forms, SPL/BPL/SIL/DIL, XMM8..15).</summary>
        public bool Requires64 { get; }

        /// <inheritdoc/>
        public override OpSize Size => _size;

        private protected Register(string name, int number, OpSize size, bool requires64)
        {
            Name = name; Number = number; _size = size; Requires64 = requires64;
        }

        /// <inheritdoc/>
        public override string ToNasm(int bits)
        {
            if (Requires64 && bits != 64)
                throw new InvalidOperationException($"Register {Name} does not exist in {bits}-bit code.");
            return Name;
        }
    }

    /// <summary>A general-purpose register of any width (Intel SDM Vol. 1 §3.4.1).</summary>
    public abstract class GeneralRegister : Register
    {
        private protected GeneralRegister(string name, int number, OpSize size, bool requires64) : base(name, number, size, requires64) { }
        /// <inheritdoc/>
        public override RegisterKind Kind => RegisterKind.General;
    }

    /// <summary>A 64-bit general-purpose register (RAX..R15).</summary>
    public sealed class Reg64 : GeneralRegister { internal Reg64(string n, int i) : base(n, i, OpSize.Qword, true) { } }
    /// <summary>A 32-bit general-purpose register (EAX..R15D).</summary>
    public sealed class Reg32 : GeneralRegister { internal Reg32(string n, int i) : base(n, i, OpSize.Dword, i >= 8) { } }
    /// <summary>A 16-bit general-purpose register (AX..R15W).</summary>
    public sealed class Reg16 : GeneralRegister { internal Reg16(string n, int i) : base(n, i, OpSize.Word, i >= 8) { } }
    /// <summary>An 8-bit general-purpose register (AL..R15B, AH..BH).</summary>
    public sealed class Reg8 : GeneralRegister
    {
        /// <summary>True for AH, CH, DH, BH (not encodable together with a REX prefix).</summary>
        public bool IsHigh { get; }
        internal Reg8(string n, int i, bool requires64, bool high = false) : base(n, i, OpSize.Byte, requires64) { IsHigh = high; }
    }
    /// <summary>An SSE register XMM0..XMM15 (Intel SDM Vol. 1 §10.2.2).</summary>
    public sealed class XmmReg : Register
    {
        internal XmmReg(int i) : base("xmm" + i, i, OpSize.Oword, i >= 8) { }
        /// <inheritdoc/>
        public override RegisterKind Kind => RegisterKind.Xmm;
    }
    /// <summary>A control register CR0, CR2, CR3, CR4, CR8 (Intel SDM Vol. 3A §2.5). Only valid with MOV.</summary>
    public sealed class ControlReg : Register
    {
        internal ControlReg(int i) : base("cr" + i, i, OpSize.None, i == 8) { }
        /// <inheritdoc/>
        public override RegisterKind Kind => RegisterKind.Control;
    }
    /// <summary>A segment register (Intel SDM Vol. 3A §3.4.2). Used with MOV and as a memory segment override.</summary>
    public sealed class SegmentReg : Register
    {
        internal SegmentReg(string n, int i) : base(n, i, OpSize.Word, false) { }
        /// <inheritdoc/>
        public override RegisterKind Kind => RegisterKind.Segment;
    }

    /// <summary>
    /// All registers by Intel SDM name. Tip: <c>using static XSharp.Reg;</c> lets you write <c>a.Mov(RAX, RBX)</c>.
    /// </summary>
    public static class Reg
    {
        public static readonly Reg64 RAX = new Reg64("rax", 0), RCX = new Reg64("rcx", 1), RDX = new Reg64("rdx", 2), RBX = new Reg64("rbx", 3),
            RSP = new Reg64("rsp", 4), RBP = new Reg64("rbp", 5), RSI = new Reg64("rsi", 6), RDI = new Reg64("rdi", 7),
            R8 = new Reg64("r8", 8), R9 = new Reg64("r9", 9), R10 = new Reg64("r10", 10), R11 = new Reg64("r11", 11),
            R12 = new Reg64("r12", 12), R13 = new Reg64("r13", 13), R14 = new Reg64("r14", 14), R15 = new Reg64("r15", 15);

        public static readonly Reg32 EAX = new Reg32("eax", 0), ECX = new Reg32("ecx", 1), EDX = new Reg32("edx", 2), EBX = new Reg32("ebx", 3),
            ESP = new Reg32("esp", 4), EBP = new Reg32("ebp", 5), ESI = new Reg32("esi", 6), EDI = new Reg32("edi", 7),
            R8D = new Reg32("r8d", 8), R9D = new Reg32("r9d", 9), R10D = new Reg32("r10d", 10), R11D = new Reg32("r11d", 11),
            R12D = new Reg32("r12d", 12), R13D = new Reg32("r13d", 13), R14D = new Reg32("r14d", 14), R15D = new Reg32("r15d", 15);

        public static readonly Reg16 AX = new Reg16("ax", 0), CX = new Reg16("cx", 1), DX = new Reg16("dx", 2), BX = new Reg16("bx", 3),
            SP = new Reg16("sp", 4), BP = new Reg16("bp", 5), SI = new Reg16("si", 6), DI = new Reg16("di", 7),
            R8W = new Reg16("r8w", 8), R9W = new Reg16("r9w", 9), R10W = new Reg16("r10w", 10), R11W = new Reg16("r11w", 11),
            R12W = new Reg16("r12w", 12), R13W = new Reg16("r13w", 13), R14W = new Reg16("r14w", 14), R15W = new Reg16("r15w", 15);

        public static readonly Reg8 AL = new Reg8("al", 0, false), CL = new Reg8("cl", 1, false), DL = new Reg8("dl", 2, false), BL = new Reg8("bl", 3, false),
            AH = new Reg8("ah", 4, false, true), CH = new Reg8("ch", 5, false, true), DH = new Reg8("dh", 6, false, true), BH = new Reg8("bh", 7, false, true),
            SPL = new Reg8("spl", 4, true), BPL = new Reg8("bpl", 5, true), SIL = new Reg8("sil", 6, true), DIL = new Reg8("dil", 7, true),
            R8B = new Reg8("r8b", 8, true), R9B = new Reg8("r9b", 9, true), R10B = new Reg8("r10b", 10, true), R11B = new Reg8("r11b", 11, true),
            R12B = new Reg8("r12b", 12, true), R13B = new Reg8("r13b", 13, true), R14B = new Reg8("r14b", 14, true), R15B = new Reg8("r15b", 15, true);

        public static readonly XmmReg XMM0 = new XmmReg(0), XMM1 = new XmmReg(1), XMM2 = new XmmReg(2), XMM3 = new XmmReg(3),
            XMM4 = new XmmReg(4), XMM5 = new XmmReg(5), XMM6 = new XmmReg(6), XMM7 = new XmmReg(7),
            XMM8 = new XmmReg(8), XMM9 = new XmmReg(9), XMM10 = new XmmReg(10), XMM11 = new XmmReg(11),
            XMM12 = new XmmReg(12), XMM13 = new XmmReg(13), XMM14 = new XmmReg(14), XMM15 = new XmmReg(15);

        public static readonly ControlReg CR0 = new ControlReg(0), CR2 = new ControlReg(2), CR3 = new ControlReg(3), CR4 = new ControlReg(4), CR8 = new ControlReg(8);

        public static readonly SegmentReg ES = new SegmentReg("es", 0), CS = new SegmentReg("cs", 1), SS = new SegmentReg("ss", 2),
            DS = new SegmentReg("ds", 3), FS = new SegmentReg("fs", 4), GS = new SegmentReg("gs", 5);

        /// <summary>The System V AMD64 integer argument registers in order (RDI, RSI, RDX, RCX, R8, R9).</summary>
        public static readonly Reg64[] SysVArgs = { RDI, RSI, RDX, RCX, R8, R9 };
    }

    /// <summary>
    /// An immediate value: an integer, or a NASM constant expression over symbols
    /// (e.g. <c>Imm.Expr("__stop___modules - __start___modules")</c>).
    /// </summary>
    public sealed class Imm : Operand
    {
        /// <summary>The integer value (bit pattern for values above <see cref="long.MaxValue"/>); 0 for expressions.</summary>
        public long Value { get; }
        /// <summary>True when constructed from a ulong above long.MaxValue.</summary>
        public bool IsLargeUnsigned { get; }
        /// <summary>NASM expression text, or null for a plain integer.</summary>
        public string Expression { get; }

        public Imm(long value) { Value = value; }
        public Imm(ulong value) { Value = unchecked((long)value); IsLargeUnsigned = value > long.MaxValue; }
        private Imm(string expression) { Expression = expression ?? throw new ArgumentNullException(nameof(expression)); }

        /// <summary>A NASM constant expression resolved by the assembler or linker (no range checks apply).</summary>
        public static Imm Expr(string nasmExpression) => new Imm(nasmExpression);

        /// <inheritdoc/>
        public override OpSize Size => OpSize.None;

        /// <summary>True when the value is a plain integer that lies in [min, max] (expressions: always true).</summary>
        public bool InRange(long min, long max) => Expression != null || (!IsLargeUnsigned && Value >= min && Value <= max);

        /// <summary>True when this immediate is encodable as an operand of the given width: signed or unsigned N-bit,
        /// except that 64-bit ALU operands are sign-extended imm32 (Intel SDM Vol. 2A §2.2.1.5) unless <paramref name="allowImm64"/>.</summary>
        public bool FitsIn(OpSize size, bool allowImm64 = false)
        {
            switch (size)
            {
                case OpSize.Byte: return InRange(sbyte.MinValue, byte.MaxValue);
                case OpSize.Word: return InRange(short.MinValue, ushort.MaxValue);
                case OpSize.Dword: return InRange(int.MinValue, uint.MaxValue);
                case OpSize.Qword: return allowImm64 || InRange(int.MinValue, int.MaxValue);
                default: return true;
            }
        }

        /// <inheritdoc/>
        public override string ToNasm(int bits)
        {
            if (Expression != null) return Expression;
            return Format(Value, IsLargeUnsigned);
        }

        internal static string Format(long v, bool unsigned = false)
        {
            if (unsigned) return "0x" + ((ulong)v).ToString("X", CultureInfo.InvariantCulture);
            if (v >= -9 && v <= 9) return v.ToString(CultureInfo.InvariantCulture);
            if (v < 0) return v == long.MinValue ? "-0x8000000000000000" : "-0x" + (-v).ToString("X", CultureInfo.InvariantCulture);
            return "0x" + v.ToString("X", CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// A symbol: a code or data label defined in this program (<see cref="Assembler.Label(string)"/>,
    /// <see cref="Assembler.NewLabel"/>) or an external one (<see cref="Assembler.Extern(string)"/>).
    /// As an operand it stands for the symbol's address (an immediate); wrap it in <see cref="Mem"/> to access memory there.
    /// </summary>
    public sealed class Label : Operand
    {
        /// <summary>The NASM symbol name.</summary>
        public string Name { get; }
        public Label(string name)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Label name required", nameof(name));
            foreach (char c in name)
                if (!(char.IsLetterOrDigit(c) || c == '_' || c == '.' || c == '$' || c == '@' || c == '?' || c == '#' || c == '~'))
                    throw new ArgumentException($"Invalid character '{c}' in symbol name '{name}'", nameof(name));
            Name = name;
        }
        /// <summary>The address <paramref name="offset"/> bytes past this label, as an immediate expression.</summary>
        public Imm Plus(long offset) => Imm.Expr(offset >= 0 ? $"({Name} + {Imm.Format(offset)})" : $"({Name} - {Imm.Format(-offset)})");
        /// <inheritdoc/>
        public override OpSize Size => OpSize.None;
        /// <inheritdoc/>
        public override string ToNasm(int bits) => Name;
        public static implicit operator Label(string name) => new Label(name);
    }

    /// <summary>
    /// A memory operand <c>size [seg: base + index*scale + symbol + disp]</c> (Intel SDM Vol. 2A §2.1.5, §2.2.1.6).
    /// In 64-bit code a symbol without base/index is addressed RIP-relative (<c>[rel sym]</c>).
    /// Create with <see cref="B(GeneralRegister, long)"/>, <see cref="W(GeneralRegister, long)"/>, <see cref="D(GeneralRegister, long)"/>,
    /// <see cref="Q(GeneralRegister, long)"/>, <see cref="X(GeneralRegister, long)"/> (128-bit) or <see cref="At(GeneralRegister, long)"/> (unsized), e.g. <c>Mem.Q(Reg.RSP, 8)</c>.
    /// </summary>
    public sealed class Mem : Operand
    {
        private readonly OpSize _size;
        /// <summary>Base register (64-bit, or 32-bit in 32-bit code), or null.</summary>
        public GeneralRegister Base { get; }
        /// <summary>Index register, or null. RSP/ESP cannot be an index.</summary>
        public GeneralRegister Index { get; }
        /// <summary>Scale factor 1, 2, 4 or 8.</summary>
        public int Scale { get; }
        /// <summary>Displacement in bytes (signed 32-bit unless absolute).</summary>
        public long Disp { get; }
        /// <summary>Symbol whose address is added, or null.</summary>
        public Label Symbol { get; }
        /// <summary>Segment override (FS/GS for thread pointers), or null.</summary>
        public SegmentReg Segment { get; }

        /// <inheritdoc/>
        public override OpSize Size => _size;

        public Mem(OpSize size, GeneralRegister @base, GeneralRegister index = null, int scale = 1, long disp = 0, Label symbol = null, SegmentReg segment = null)
        {
            if (scale != 1 && scale != 2 && scale != 4 && scale != 8) throw new ArgumentOutOfRangeException(nameof(scale), "scale must be 1, 2, 4 or 8");
            if (index != null && (index == Reg.RSP || index == Reg.ESP))
                throw new ArgumentException("RSP/ESP cannot be an index register", nameof(index));
            if (@base != null && !(@base is Reg64 || @base is Reg32)) throw new ArgumentException("base must be a 64- or 32-bit register", nameof(@base));
            if (index != null && !(index is Reg64 || index is Reg32)) throw new ArgumentException("index must be a 64- or 32-bit register", nameof(index));
            if (@base != null && index != null && @base.Size != index.Size) throw new ArgumentException("base and index must have the same width");
            if ((@base != null || index != null) && (disp < int.MinValue || disp > int.MaxValue))
                throw new ArgumentOutOfRangeException(nameof(disp), "displacement with a base/index register must fit in signed 32 bits");
            _size = size; Base = @base; Index = index; Scale = scale; Disp = disp; Symbol = symbol; Segment = segment;
        }

        /// <summary>The same memory reference with a segment override (e.g. <c>Mem.Q(0).Seg(Reg.FS)</c> is <c>qword [fs:0]</c>).</summary>
        public Mem Seg(SegmentReg segment) => new Mem(_size, Base, Index, Scale, Disp, Symbol, segment);
        /// <summary>The same memory reference with a different size.</summary>
        public Mem As(OpSize size) => new Mem(size, Base, Index, Scale, Disp, Symbol, Segment);
        /// <summary>The same memory reference displaced by <paramref name="delta"/> bytes.</summary>
        public Mem Offset(long delta) => new Mem(_size, Base, Index, Scale, Disp + delta, Symbol, Segment);

        // ---- factories: [base + disp] ----
        public static Mem At(GeneralRegister @base, long disp = 0) => new Mem(OpSize.None, @base, disp: disp);
        public static Mem B(GeneralRegister @base, long disp = 0) => new Mem(OpSize.Byte, @base, disp: disp);
        public static Mem W(GeneralRegister @base, long disp = 0) => new Mem(OpSize.Word, @base, disp: disp);
        public static Mem D(GeneralRegister @base, long disp = 0) => new Mem(OpSize.Dword, @base, disp: disp);
        public static Mem Q(GeneralRegister @base, long disp = 0) => new Mem(OpSize.Qword, @base, disp: disp);
        public static Mem X(GeneralRegister @base, long disp = 0) => new Mem(OpSize.Oword, @base, disp: disp);
        // ---- [base + index*scale + disp] ----
        public static Mem At(GeneralRegister @base, GeneralRegister index, int scale, long disp = 0) => new Mem(OpSize.None, @base, index, scale, disp);
        public static Mem B(GeneralRegister @base, GeneralRegister index, int scale, long disp = 0) => new Mem(OpSize.Byte, @base, index, scale, disp);
        public static Mem W(GeneralRegister @base, GeneralRegister index, int scale, long disp = 0) => new Mem(OpSize.Word, @base, index, scale, disp);
        public static Mem D(GeneralRegister @base, GeneralRegister index, int scale, long disp = 0) => new Mem(OpSize.Dword, @base, index, scale, disp);
        public static Mem Q(GeneralRegister @base, GeneralRegister index, int scale, long disp = 0) => new Mem(OpSize.Qword, @base, index, scale, disp);
        // ---- [symbol + disp] (RIP-relative in 64-bit code) ----
        public static Mem At(Label symbol, long disp = 0) => new Mem(OpSize.None, null, disp: disp, symbol: symbol);
        public static Mem B(Label symbol, long disp = 0) => new Mem(OpSize.Byte, null, disp: disp, symbol: symbol);
        public static Mem W(Label symbol, long disp = 0) => new Mem(OpSize.Word, null, disp: disp, symbol: symbol);
        public static Mem D(Label symbol, long disp = 0) => new Mem(OpSize.Dword, null, disp: disp, symbol: symbol);
        public static Mem Q(Label symbol, long disp = 0) => new Mem(OpSize.Qword, null, disp: disp, symbol: symbol);
        public static Mem X(Label symbol, long disp = 0) => new Mem(OpSize.Oword, null, disp: disp, symbol: symbol);
        // ---- [base + symbol + disp] (absolute symbol address as disp32: 32-bit code or low images only) ----
        public static Mem D(GeneralRegister @base, Label symbol, long disp = 0) => new Mem(OpSize.Dword, @base, disp: disp, symbol: symbol);
        public static Mem Q(GeneralRegister @base, Label symbol, long disp = 0) => new Mem(OpSize.Qword, @base, disp: disp, symbol: symbol);
        public static Mem B(GeneralRegister @base, Label symbol, long disp = 0) => new Mem(OpSize.Byte, @base, disp: disp, symbol: symbol);
        // ---- [absolute address] ----
        public static Mem At(long address) => new Mem(OpSize.None, null, disp: address);
        public static Mem B(long address) => new Mem(OpSize.Byte, null, disp: address);
        public static Mem W(long address) => new Mem(OpSize.Word, null, disp: address);
        public static Mem D(long address) => new Mem(OpSize.Dword, null, disp: address);
        public static Mem Q(long address) => new Mem(OpSize.Qword, null, disp: address);

        /// <summary>NASM size keyword for a size ("byte", "word", "dword", "qword", "oword"), or "" for none.</summary>
        public static string SizeKeyword(OpSize s)
        {
            switch (s)
            {
                case OpSize.Byte: return "byte";
                case OpSize.Word: return "word";
                case OpSize.Dword: return "dword";
                case OpSize.Qword: return "qword";
                case OpSize.Oword: return "oword";
                default: return "";
            }
        }

        /// <summary>The bracketed address without a size keyword (e.g. <c>[rsp + 0x8]</c>).</summary>
        public string AddressToNasm(int bits)
        {
            var sb = new System.Text.StringBuilder("[");
            if (Segment != null) sb.Append(Segment.Name).Append(':');
            bool rel = bits == 64 && Base == null && Index == null && Symbol != null;
            if (rel) sb.Append("rel ");
            bool any = false;
            if (Base != null) { CheckWidth(Base, bits); sb.Append(Base.ToNasm(bits)); any = true; }
            if (Index != null)
            {
                CheckWidth(Index, bits);
                if (any) sb.Append(" + ");
                sb.Append(Index.ToNasm(bits));
                if (Scale != 1) sb.Append('*').Append(Scale);
                any = true;
            }
            if (Symbol != null) { if (any) sb.Append(" + "); sb.Append(Symbol.Name); any = true; }
            if (Disp != 0 || !any)
            {
                if (!any) sb.Append(Imm.Format(Disp));
                else if (Disp < 0) sb.Append(" - ").Append(Imm.Format(-Disp));
                else sb.Append(" + ").Append(Imm.Format(Disp));
            }
            return sb.Append(']').ToString();
        }

        private static void CheckWidth(GeneralRegister r, int bits)
        {
            if (bits == 64 && !(r is Reg64)) throw new InvalidOperationException($"Address register {r.Name} must be 64-bit in 64-bit code (no address-size override).");
            if (bits == 32 && !(r is Reg32)) throw new InvalidOperationException($"Address register {r.Name} must be 32-bit in 32-bit code.");
        }

        /// <inheritdoc/>
        public override string ToNasm(int bits)
        {
            string kw = SizeKeyword(_size);
            return kw.Length == 0 ? AddressToNasm(bits) : kw + " " + AddressToNasm(bits);
        }
    }
}
