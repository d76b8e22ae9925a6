using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace XSharp
{
    /// <summary>DWARF register numbers of x86-64 (System V AMD64 ABI §3.6.2, Figure 3.36).</summary>
    public static class DwarfRegister
    {
        /// <summary>The return-address column (RIP).</summary>
        public const int ReturnAddress = 16;
        /// <summary>RSP.</summary>
        public const int Rsp = 7;

        private static readonly int[] FromEncoding = { 0, 2, 1, 3, 7, 6, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15 };

        /// <summary>The DWARF number of <paramref name="reg"/> (RAX 0, RDX 1, RCX 2, RBX 3, RSI 4, RDI 5, RBP 6, RSP 7, R8–R15 8–15).</summary>
        public static int Of(Reg64 reg) => FromEncoding[reg.Number];
    }

    /// <summary>
    /// DWARF expressions (DWARF 4 §2.5) for the CFI rules that plain offsets cannot state (a CFA loaded from memory, a
    /// register saved at a fixed offset from the stack pointer rather than from the CFA). Only the operations the X#
    /// helpers need; Cosmos.Runtime's CFI interpreter (Runtime/Cosmos.Runtime/ExceptionHandling/CodeManager.cs) evaluates the same set.
    /// </summary>
    public static class DwarfExpression
    {
        /// <summary>DW_OP_breg<i>n</i> <paramref name="offset"/>: pushes <paramref name="reg"/> + offset.</summary>
        public static byte[] Breg(Reg64 reg, long offset)
        {
            var b = new List<byte> { (byte)(0x70 + DwarfRegister.Of(reg)) };
            Cfi.Sleb(b, offset);
            return b.ToArray();
        }

        /// <summary>DW_OP_deref: replaces the address on top of the stack with the 8-byte value there.</summary>
        public static byte[] Deref() => new byte[] { 0x06 };

        /// <summary>DW_OP_breg<i>n</i> <paramref name="offset"/>; DW_OP_deref: the qword at <paramref name="reg"/> + offset.</summary>
        public static byte[] Load(Reg64 reg, long offset) => Concat(Breg(reg, offset), Deref());

        /// <summary>The operations one after the other.</summary>
        public static byte[] Concat(params byte[][] parts)
        {
            var b = new List<byte>();
            foreach (var p in parts) b.AddRange(p);
            return b.ToArray();
        }
    }

    /// <summary>Encoding helpers of the CFI emitter.</summary>
    internal static class Cfi
    {
        public static void Uleb(List<byte> b, ulong v)
        {
            do { byte x = (byte)(v & 0x7F); v >>= 7; if (v != 0) x |= 0x80; b.Add(x); } while (v != 0);
        }

        public static void Sleb(List<byte> b, long v)
        {
            while (true)
            {
                byte x = (byte)(v & 0x7F);
                v >>= 7;
                bool done = (v == 0 && (x & 0x40) == 0) || (v == -1 && (x & 0x40) != 0);
                if (!done) x |= 0x80;
                b.Add(x);
                if (done) return;
            }
        }

        public static string Db(IEnumerable<byte> bytes)
        {
            var parts = new List<string>();
            foreach (var x in bytes) parts.Add("0x" + x.ToString("X2", CultureInfo.InvariantCulture));
            return "db " + string.Join(", ", parts);
        }
    }

    // DWARF call frame information for X# functions (DWARF 4 §6.4; the LSB "Exception Frames" .eh_frame format): NASM
    // has no .cfi_* directives, so the assembler builds the .eh_frame section itself — one CIE per program (a second one
    // with the 'S' augmentation when a function is a signal frame) and one FDE per CfiStartProc/CfiEndProc pair — and
    // appends it to the program text (see ToNasm). Inside a function the CFA offset follows PUSH/POP/PUSHFQ/POPFQ and
    // ADD/SUB RSP, imm automatically while the CFA is RSP-based; any other write of RSP (or of the CFA register) makes the
    // CFA unknown until a CfiDefCfa* directive states it again, and a CALL while it is unknown is an error, so every return
    // address inside a described function has a correct row.
    public sealed partial class Assembler
    {
        private sealed class CfiState
        {
            public int CfaRegister = DwarfRegister.Rsp;   // -1: DW_CFA_def_cfa_expression
            public int ExpressionBase = -1;               // the register of the expression's leading DW_OP_bregN (-1: none)
            public long CfaOffset = 8;
            public bool Known = true;
            public CfiState Clone() => (CfiState)MemberwiseClone();
        }

        private sealed class CfiProc
        {
            public Label Start, End;
            public bool Signal;
            public readonly List<string> Program = new List<string>();
        }

        private readonly List<CfiProc> _cfiProcs = new List<CfiProc>();
        private CfiProc _cfi;
        private CfiState _cfiState;
        private readonly Stack<CfiState> _cfiRemembered = new Stack<CfiState>();
        private Label _cfiLocation;
        private bool _cfiMoved;

        /// <summary>True between <see cref="CfiStartProc"/> and <see cref="CfiEndProc"/>.</summary>
        public bool InCfiProc => _cfi != null;

        /// <summary>The tracked CFA offset from RSP, or null when the CFA is not RSP-based or not known (outside a function: null).</summary>
        public long? CfiCfaOffset => _cfi != null && _cfiState.Known && _cfiState.CfaRegister == DwarfRegister.Rsp ? _cfiState.CfaOffset : (long?)null;

        /// <summary>
        /// Starts the CFI of a function at the current position (DW_CFA rules of the CIE: CFA = RSP + 8, return address at
        /// CFA − 8, i.e. the state right after a CALL). <paramref name="signalFrame"/>: the function is entered by an
        /// interrupt return or a fault rather than called, so an unwinder must not subtract 1 from the address it
        /// resumes at (CIE augmentation 'S').
        /// </summary>
        public Assembler CfiStartProc(bool signalFrame = false)
        {
            if (_cfi != null) throw new InvalidOperationException("CfiStartProc: the previous function's CFI is still open (CfiEndProc)");
            if (!_sectionCode) throw new InvalidOperationException("CfiStartProc outside a code section");
            _cfi = new CfiProc { Signal = signalFrame };
            _cfiState = new CfiState();
            _cfiRemembered.Clear();
            _cfi.Start = Label(NewLabel("cfi_start"));
            _cfiLocation = _cfi.Start;
            _cfiMoved = false;
            return this;
        }

        /// <summary>Ends the CFI of the function at the current position; the FDE covers [start, here).</summary>
        public Assembler CfiEndProc()
        {
            var p = _cfi ?? throw new InvalidOperationException("CfiEndProc without CfiStartProc");
            if (_cfiRemembered.Count != 0) throw new InvalidOperationException("CfiEndProc: CfiRememberState without CfiRestoreState");
            p.End = Label(NewLabel("cfi_end"));
            _cfiProcs.Add(p);
            _cfi = null;
            return this;
        }

        /// <summary>
        /// A global function with CFI: <see cref="GlobalFunction"/>, <see cref="CfiStartProc"/>, <paramref name="body"/>,
        /// <see cref="CfiEndProc"/>. Returns the function's label.
        /// </summary>
        public Label Function(string name, Action<Assembler> body, bool signalFrame = false)
        {
            var l = GlobalFunction(name);
            CfiStartProc(signalFrame);
            body(this);
            CfiEndProc();
            return l;
        }

        /// <summary>DW_CFA_def_cfa: CFA = <paramref name="reg"/> + <paramref name="offset"/> from here on.</summary>
        public Assembler CfiDefCfa(Reg64 reg, long offset)
        {
            var b = Op(0x0C); Cfi.Uleb(b, (ulong)DwarfRegister.Of(reg)); Cfi.Uleb(b, checked((ulong)offset));
            Emit(b);
            _cfiState.CfaRegister = DwarfRegister.Of(reg); _cfiState.CfaOffset = offset; _cfiState.Known = true;
            return this;
        }

        /// <summary>DW_CFA_def_cfa_offset: the CFA register stays, its offset becomes <paramref name="offset"/>.</summary>
        public Assembler CfiDefCfaOffset(long offset)
        {
            if (_cfiState != null && _cfiState.CfaRegister < 0) throw new InvalidOperationException("CfiDefCfaOffset: the CFA is an expression");
            var b = Op(0x0E); Cfi.Uleb(b, checked((ulong)offset));
            Emit(b);
            _cfiState.CfaOffset = offset; _cfiState.Known = true;
            return this;
        }

        /// <summary>Adds <paramref name="delta"/> to the CFA offset (the RSP-based tracking does this for PUSH/POP/ADD/SUB itself).</summary>
        public Assembler CfiAdjustCfaOffset(long delta) { Require(); return CfiDefCfaOffset(_cfiState.CfaOffset + delta); }

        /// <summary>DW_CFA_def_cfa_register: the CFA is <paramref name="reg"/> + the current offset.</summary>
        public Assembler CfiDefCfaRegister(Reg64 reg)
        {
            if (_cfiState != null && _cfiState.CfaRegister < 0) throw new InvalidOperationException("CfiDefCfaRegister: the CFA is an expression; use CfiDefCfa");
            var b = Op(0x0D); Cfi.Uleb(b, (ulong)DwarfRegister.Of(reg));
            Emit(b);
            _cfiState.CfaRegister = DwarfRegister.Of(reg); _cfiState.Known = true;
            return this;
        }

        /// <summary>DW_CFA_def_cfa_expression: the CFA is the value of <paramref name="expression"/> (see <see cref="DwarfExpression"/>).</summary>
        public Assembler CfiDefCfaExpression(byte[] expression)
        {
            var b = Op(0x0F); Cfi.Uleb(b, (ulong)expression.Length); b.AddRange(expression);
            Emit(b);
            _cfiState.CfaRegister = -1; _cfiState.CfaOffset = 0; _cfiState.Known = true;
            _cfiState.ExpressionBase = expression.Length > 0 && expression[0] >= 0x70 && expression[0] <= 0x7F ? expression[0] - 0x70 : DwarfRegister.Rsp;
            return this;
        }

        /// <summary>DW_CFA_offset: the caller's <paramref name="reg"/> is saved at CFA + <paramref name="offset"/> (a multiple of 8).</summary>
        public Assembler CfiOffset(Reg64 reg, long offset) => CfiOffsetColumn(DwarfRegister.Of(reg), offset);

        /// <summary>The return address is saved at CFA + <paramref name="offset"/> (the CIE says −8).</summary>
        public Assembler CfiReturnAddressOffset(long offset) => CfiOffsetColumn(DwarfRegister.ReturnAddress, offset);

        private Assembler CfiOffsetColumn(int column, long offset)
        {
            if (offset % 8 != 0) throw new ArgumentException("CFI save offsets are multiples of 8 (data alignment factor −8)", nameof(offset));
            long factored = offset / -8;
            List<byte> b;
            if (factored >= 0) { b = Op((byte)(0x80 | column)); Cfi.Uleb(b, (ulong)factored); }
            else { b = Op(0x11); Cfi.Uleb(b, (ulong)column); Cfi.Sleb(b, factored); }   // DW_CFA_offset_extended_sf
            Emit(b);
            return this;
        }

        /// <summary>DW_CFA_expression: the caller's <paramref name="reg"/> is saved at the address <paramref name="expression"/> computes.</summary>
        public Assembler CfiExpression(Reg64 reg, byte[] expression) => CfiExpressionColumn(DwarfRegister.Of(reg), expression);

        /// <summary>DW_CFA_expression for the return address.</summary>
        public Assembler CfiReturnAddressExpression(byte[] expression) => CfiExpressionColumn(DwarfRegister.ReturnAddress, expression);

        private Assembler CfiExpressionColumn(int column, byte[] expression)
        {
            var b = Op(0x10); Cfi.Uleb(b, (ulong)column); Cfi.Uleb(b, (ulong)expression.Length); b.AddRange(expression);
            Emit(b);
            return this;
        }

        /// <summary>DW_CFA_register: the caller's <paramref name="reg"/> is in register <paramref name="holder"/>.</summary>
        public Assembler CfiRegister(Reg64 reg, Reg64 holder) => CfiRegisterColumn(DwarfRegister.Of(reg), holder);

        /// <summary>DW_CFA_register for the return address: it is in register <paramref name="holder"/> (a function entered by a jump or an interrupt return).</summary>
        public Assembler CfiReturnAddressRegister(Reg64 holder) => CfiRegisterColumn(DwarfRegister.ReturnAddress, holder);

        private Assembler CfiRegisterColumn(int column, Reg64 holder)
        {
            var b = Op(0x09); Cfi.Uleb(b, (ulong)column); Cfi.Uleb(b, (ulong)DwarfRegister.Of(holder));
            Emit(b);
            return this;
        }

        /// <summary>DW_CFA_restore: <paramref name="reg"/> has its CIE rule again (same value).</summary>
        public Assembler CfiRestore(Reg64 reg) { Emit(Op((byte)(0xC0 | DwarfRegister.Of(reg)))); return this; }

        /// <summary>DW_CFA_same_value: <paramref name="reg"/> still holds the caller's value.</summary>
        public Assembler CfiSameValue(Reg64 reg) { var b = Op(0x08); Cfi.Uleb(b, (ulong)DwarfRegister.Of(reg)); Emit(b); return this; }

        /// <summary>DW_CFA_undefined for the return address: there is no caller (the outermost frame of a stack).</summary>
        public Assembler CfiUndefinedReturnAddress() { var b = Op(0x07); Cfi.Uleb(b, DwarfRegister.ReturnAddress); Emit(b); return this; }

        /// <summary>DW_CFA_remember_state: pushes the current rules (and the tracked CFA).</summary>
        public Assembler CfiRememberState() { Emit(Op(0x0A)); _cfiRemembered.Push(_cfiState.Clone()); return this; }

        /// <summary>DW_CFA_restore_state: the rules saved by the matching <see cref="CfiRememberState"/> hold again.</summary>
        public Assembler CfiRestoreState()
        {
            if (_cfiRemembered.Count == 0) throw new InvalidOperationException("CfiRestoreState without CfiRememberState");
            Emit(Op(0x0B));
            _cfiState = _cfiRemembered.Pop();
            return this;
        }

        private void Require()
        {
            if (_cfi == null) throw new InvalidOperationException("CFI directive outside CfiStartProc/CfiEndProc");
        }

        private List<byte> Op(byte opcode) { Require(); return new List<byte> { opcode }; }

        /// <summary>Appends CFA instructions that take effect at the current position (advance_loc4 from the previous row when code was emitted since).</summary>
        private void Emit(List<byte> instructions)
        {
            if (_cfiMoved)
            {
                var here = Label(NewLabel("cfi"));
                _cfi.Program.Add("db 0x04");                                              // DW_CFA_advance_loc4
                _cfi.Program.Add($"dd {here.Name} - {_cfiLocation.Name}");
                _cfiLocation = here;
                _cfiMoved = false;
            }
            _cfi.Program.Add(Cfi.Db(instructions));
        }

        /// <summary>Called after every emitted line: follows RSP while the CFA is RSP-based.</summary>
        private void CfiAfterInstruction(string mnemonic, string[] operands)
        {
            if (_cfi == null) return;
            _cfiMoved = true;
            var s = _cfiState;
            string dst = operands.Length > 0 ? operands[0] : null;
            bool writesRsp = dst == "rsp" && mnemonic != "cmp" && mnemonic != "test";
            if (mnemonic == "call" && !s.Known)
                throw new InvalidOperationException("call inside a CFI function while the CFA is unknown: state it with CfiDefCfa/CfiDefCfaExpression first");
            if (mnemonic == "iretq" || mnemonic == "o64 retf" || mnemonic == "leave")
            {
                if (s.CfaRegister == DwarfRegister.Rsp || s.CfaRegister < 0) s.Known = false;
                return;
            }
            if (s.CfaRegister >= 0 && s.CfaRegister != DwarfRegister.Rsp)
            {
                // CFA in another register: writing that register loses it.
                if (dst != null && mnemonic != "cmp" && mnemonic != "test" && mnemonic != "push" && DwarfName(s.CfaRegister) == dst) s.Known = false;
                return;
            }
            if (s.CfaRegister < 0)
            {
                // An expression CFA is stated by hand: a change of its base register (RSP by pushes too) needs a new statement.
                if (s.ExpressionBase == DwarfRegister.Rsp)
                {
                    if (writesRsp || mnemonic == "push" || mnemonic == "pop" || mnemonic == "pushfq" || mnemonic == "popfq") s.Known = false;
                }
                else if (dst != null && mnemonic != "cmp" && mnemonic != "test" && mnemonic != "push" && DwarfName(s.ExpressionBase) == dst) s.Known = false;
                return;
            }
            if (!s.Known) return;
            long delta;
            switch (mnemonic)
            {
                case "push": case "pushfq": delta = 8; break;
                case "pop": case "popfq": delta = dst == "rsp" ? long.MinValue : -8; break;
                case "sub": delta = writesRsp ? ParseImm(operands[1]) : 0; break;
                case "add": { long v = writesRsp ? ParseImm(operands[1]) : 0; delta = v == long.MinValue ? v : -v; break; }
                default: delta = writesRsp ? long.MinValue : 0; break;
            }
            if (delta == long.MinValue) { s.Known = false; return; }
            if (delta == 0) return;
            s.CfaOffset += delta;
            var b = new List<byte> { 0x0E }; Cfi.Uleb(b, checked((ulong)s.CfaOffset));   // DW_CFA_def_cfa_offset
            Emit(b);
        }

        private static long ParseImm(string text)
        {
            text = text.Trim();
            bool neg = text.StartsWith("-", StringComparison.Ordinal);
            if (neg) text = text.Substring(1);
            long v;
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) { if (!long.TryParse(text.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v)) return long.MinValue; }
            else if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out v)) return long.MinValue;
            return neg ? -v : v;
        }

        private static readonly string[] DwarfNames = { "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
        private static string DwarfName(int n) => n >= 0 && n < DwarfNames.Length ? DwarfNames[n] : null;

        /// <summary>The .eh_frame section of this program (empty when no function has CFI).</summary>
        private void AppendEhFrame(StringBuilder sb)
        {
            if (_cfi != null) throw new InvalidOperationException("CfiStartProc without CfiEndProc at the end of the program");
            if (_cfiProcs.Count == 0) return;
            void L(string s) => sb.Append(s).Append('\n');
            void I(string s) => sb.Append("    ").Append(s).Append('\n');
            L("section .eh_frame progbits alloc noexec nowrite align=8");
            bool plain = _cfiProcs.Exists(p => !p.Signal), signal = _cfiProcs.Exists(p => p.Signal);
            void Cie(string name, string augmentation)
            {
                L(name + ":");
                I($"dd {name}.end - {name}.id");                        // length
                L(name + ".id:");
                I("dd 0");                                              // CIE id
                I("db 1");                                              // version
                I($"db '{augmentation}', 0");
                I("db 0x01, 0x78, 0x10");                               // code alignment 1, data alignment −8, return address column 16
                I("db 0x01, 0x1B");                                     // augmentation data: FDE pointers pcrel | sdata4
                I("db 0x0C, 0x07, 0x08");                               // DW_CFA_def_cfa rsp, 8
                I("db 0x90, 0x01");                                     // DW_CFA_offset ra, CFA − 8
                I("align 8, db 0");                                     // DW_CFA_nop padding
                L(name + ".end:");
            }
            if (plain) Cie("L.cfi_cie", "zR");
            if (signal) Cie("L.cfi_cie_signal", "zRS");
            int n = 0;
            foreach (var p in _cfiProcs)
            {
                string f = "L.cfi_fde." + (++n).ToString(CultureInfo.InvariantCulture);
                string cie = p.Signal ? "L.cfi_cie_signal" : "L.cfi_cie";
                I($"dd {f}.end - {f}.id");                              // length
                L(f + ".id:");
                I($"dd {f}.id - {cie}");                                // CIE pointer
                I($"dd {p.Start.Name} - $");                            // pc_begin (pcrel sdata4)
                I($"dd {p.End.Name} - {p.Start.Name}");                 // pc_range
                I("db 0");                                              // augmentation data length
                foreach (var line in p.Program) I(line);
                I("align 8, db 0");
                L(f + ".end:");
            }
        }
    }
}
