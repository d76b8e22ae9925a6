using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace XSharp
{
    /// <summary>ELF symbol type attached to a <c>global</c> directive (NASM ELF extension, NASM manual §8.9.5).</summary>
    public enum SymbolType { None, Function, Data }

    /// <summary>
    /// Collects NASM source for one program. Every instruction method validates its operands
    /// (kinds, sizes, immediate ranges, registers that exist in the current <see cref="Bits"/>)
    /// and throws <see cref="ArgumentException"/>/<see cref="InvalidOperationException"/> at
    /// generation time instead of letting NASM pick a surprising encoding.
    /// Mnemonics and operand order follow the Intel SDM (destination first).
    /// </summary>
    public sealed partial class Assembler
    {
        private readonly List<string> _lines = new List<string>();
        private readonly HashSet<string> _defined = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _externs = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _globals = new HashSet<string>(StringComparer.Ordinal);
        private string _pendingTimes;
        private int _labelCounter;
        private bool _sectionNoBits;
        private bool _sectionCode = true;

        /// <summary>Current code bitness (16, 32 or 64); set with <see cref="BitsMode(int)"/>. Starts at 64.</summary>
        public int Bits { get; private set; } = 64;
        /// <summary>Name of the current section, or null before the first <see cref="Section"/>.</summary>
        public string CurrentSection { get; private set; }
        /// <summary>Symbols defined so far in this program.</summary>
        public IReadOnlyCollection<string> DefinedSymbols => _defined;
        /// <summary>Symbols declared global so far.</summary>
        public IReadOnlyCollection<string> GlobalSymbols => _globals;
        /// <summary>Symbols declared extern so far.</summary>
        public IReadOnlyCollection<string> ExternSymbols => _externs;

        /// <summary>The NASM source text collected so far (one line per directive/instruction, LF line ends).</summary>
        public string ToNasm()
        {
            if (_pendingTimes != null) throw new InvalidOperationException("Times(...) was not followed by a directive or instruction.");
            var sb = new StringBuilder();
            foreach (var l in _lines) sb.Append(l).Append('\n');
            AppendEhFrame(sb);
            return sb.ToString();
        }

        // ------------------------------------------------------------------ directives

        /// <summary>Emits <c>bits N</c> (N = 16, 32, 64); later operands are checked against it.</summary>
        public Assembler BitsMode(int bits)
        {
            if (bits != 16 && bits != 32 && bits != 64) throw new ArgumentOutOfRangeException(nameof(bits));
            Bits = bits;
            return Line("bits " + bits, indent: false);
        }

        /// <summary>
        /// Emits <c>section name [attributes]</c>; <paramref name="attributes"/> is NASM ELF syntax, e.g.
        /// <c>"progbits alloc noexec nowrite align=8"</c> (NASM manual §8.9.2). Names starting with .bss/.tbss or
        /// attributes containing "nobits" make <see cref="Align"/> use <c>alignb</c>.
        /// </summary>
        public Assembler Section(string name, string attributes = null)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("section name required", nameof(name));
            if (_cfi != null) throw new InvalidOperationException($"section {name}: the CFI of a function is open (CfiEndProc first)");
            CurrentSection = name;
            string attrs = attributes ?? "";
            _sectionNoBits = name.StartsWith(".bss", StringComparison.Ordinal) || name.StartsWith(".tbss", StringComparison.Ordinal) || (" " + attrs + " ").Contains(" nobits ");
            _sectionCode = name.StartsWith(".text", StringComparison.Ordinal) || (" " + attrs + " ").Contains(" exec ");
            return Line(attributes == null ? "section " + name : "section " + name + " " + attributes, indent: false);
        }
        /// <summary><c>section .text</c>.</summary>
        public Assembler Text() => Section(".text");
        /// <summary><c>section .data</c>.</summary>
        public Assembler Data() => Section(".data");
        /// <summary><c>section .rodata</c>.</summary>
        public Assembler Rodata() => Section(".rodata");
        /// <summary><c>section .bss</c> (reserve space with <see cref="Resb"/>/<see cref="Resq"/>).</summary>
        public Assembler Bss() => Section(".bss");

        /// <summary>Declares <paramref name="symbol"/> global, optionally with an ELF symbol type.</summary>
        public Assembler Global(Label symbol, SymbolType type = SymbolType.None)
        {
            _globals.Add(symbol.Name);
            string suffix = type == SymbolType.Function ? ":function" : type == SymbolType.Data ? ":data" : "";
            return Line("global " + symbol.Name + suffix, indent: false, movesLocation: false);
        }

        /// <summary>Declares an external symbol and returns it as a <see cref="XSharp.Label"/>.</summary>
        public Label Extern(string name)
        {
            var l = new Label(name);
            if (_defined.Contains(name)) throw new InvalidOperationException($"'{name}' is defined in this program; it cannot also be extern.");
            if (_externs.Add(name)) Line("extern " + name, indent: false, movesLocation: false);
            return l;
        }

        /// <summary>Defines a label named <paramref name="name"/> at the current position and returns it.</summary>
        public Label Label(string name) => Label(new Label(name));

        /// <summary>Defines <paramref name="label"/> (e.g. one made by <see cref="NewLabel"/>) at the current position.</summary>
        public Label Label(Label label)
        {
            if (_externs.Contains(label.Name)) throw new InvalidOperationException($"'{label.Name}' was declared extern.");
            if (!_defined.Add(label.Name)) throw new InvalidOperationException($"Label '{label.Name}' defined twice.");
            Line(label.Name + ":", indent: false, movesLocation: false);
            return label;
        }

        /// <summary>A fresh, not yet defined, program-unique label (name derived from <paramref name="hint"/>); define it later with <see cref="Label(Label)"/>.</summary>
        public Label NewLabel(string hint = "L") => new Label("L." + hint + "." + (++_labelCounter).ToString(CultureInfo.InvariantCulture));

        /// <summary>Starts a global function: <c>align 16</c>, <c>global name:function</c>, <c>name:</c>.</summary>
        public Label GlobalFunction(string name)
        {
            Align(16);
            var l = new Label(name);
            Global(l, SymbolType.Function);
            return Label(l);
        }

        /// <summary>
        /// Aligns the location counter to <paramref name="alignment"/> bytes: <c>align n</c> (NOP fill) in code,
        /// <c>align n, db 0</c> in data, <c>alignb n</c> in nobits sections.
        /// </summary>
        public Assembler Align(int alignment)
        {
            if (alignment <= 0 || (alignment & (alignment - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(alignment), "alignment must be a power of two");
            if (_sectionNoBits) return Line("alignb " + alignment);
            return Line(_sectionCode ? "align " + alignment : "align " + alignment + ", db 0");
        }

        /// <summary>Repeats the next directive or instruction <paramref name="count"/> times (<c>times N ...</c>).</summary>
        public Assembler Times(long count)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            return Times(count.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>Repeats the next directive or instruction a NASM-expression number of times, e.g. <c>Times("512 - ($ - $$)")</c>.</summary>
        public Assembler Times(string countExpression)
        {
            if (_pendingTimes != null) throw new InvalidOperationException("Times(...) already pending.");
            _pendingTimes = countExpression;
            return this;
        }

        /// <summary><c>name equ value</c>.</summary>
        public Label Equ(string name, Operand value)
        {
            var l = new Label(name);
            if (!_defined.Add(name)) throw new InvalidOperationException($"'{name}' defined twice.");
            Line(name + " equ " + value.ToNasm(Bits), indent: false, movesLocation: false);
            return l;
        }

        /// <summary>A comment line (<c>; text</c>).</summary>
        public Assembler Comment(string text)
        {
            foreach (var part in (text ?? "").Split('\n')) _lines.Add("    ; " + part.TrimEnd('\r'));
            return this;
        }

        /// <summary>An empty line.</summary>
        public Assembler Blank() { _lines.Add(""); return this; }

        /// <summary>
        /// Escape hatch: emits <paramref name="nasmLine"/> verbatim. Use sparingly — it is not checked. Inside a function
        /// with CFI its effect on RSP is still followed (the mnemonic and the first operand are read from the text).
        /// </summary>
        public Assembler Raw(string nasmLine)
        {
            Line(nasmLine);
            string t = (nasmLine ?? "").Trim();
            int sp = t.IndexOf(' ');
            string mnemonic = sp < 0 ? t : t.Substring(0, sp);
            string[] operands = sp < 0 ? Array.Empty<string>() : t.Substring(sp + 1).Split(',');
            for (int i = 0; i < operands.Length; i++) operands[i] = operands[i].Trim();
            CfiAfterInstruction(mnemonic.ToLowerInvariant(), operands);
            return this;
        }

        // ------------------------------------------------------------------ data

        /// <summary><c>db</c> bytes.</summary>
        public Assembler Db(params byte[] values)
        {
            if (values == null || values.Length == 0) throw new ArgumentException("at least one value", nameof(values));
            var parts = new string[values.Length];
            for (int i = 0; i < values.Length; i++) parts[i] = Imm.Format(values[i]);
            return Line("db " + string.Join(", ", parts));
        }
        /// <summary><c>dw</c> 16-bit values (integers, labels or expressions).</summary>
        public Assembler Dw(params Operand[] values) => DataDirective("dw", OpSize.Word, values);
        /// <summary><c>dd</c> 32-bit values.</summary>
        public Assembler Dd(params Operand[] values) => DataDirective("dd", OpSize.Dword, values);
        /// <summary><c>dq</c> 64-bit values (a <see cref="XSharp.Label"/> gives its 64-bit address).</summary>
        public Assembler Dq(params Operand[] values) => DataDirective("dq", OpSize.Qword, values);

        /// <summary>The bytes of an ASCII string, without terminator.</summary>
        public Assembler Ascii(string text) => Line("db " + StringLiteral(text));
        /// <summary>The bytes of an ASCII string followed by a zero byte.</summary>
        public Assembler Asciz(string text) => Line("db " + (text.Length == 0 ? "0" : StringLiteral(text) + ", 0"));

        /// <summary><c>resb n</c>: reserve n bytes (nobits sections).</summary>
        public Assembler Resb(long count) => Reserve("resb", count);
        /// <summary><c>resw n</c>: reserve n 16-bit words.</summary>
        public Assembler Resw(long count) => Reserve("resw", count);
        /// <summary><c>resd n</c>: reserve n 32-bit dwords.</summary>
        public Assembler Resd(long count) => Reserve("resd", count);
        /// <summary><c>resq n</c>: reserve n 64-bit qwords.</summary>
        public Assembler Resq(long count) => Reserve("resq", count);

        private Assembler Reserve(string d, long count)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            return Line(d + " " + count.ToString(CultureInfo.InvariantCulture));
        }

        private Assembler DataDirective(string d, OpSize size, Operand[] values)
        {
            if (values == null || values.Length == 0) throw new ArgumentException("at least one value", nameof(values));
            var parts = new string[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                var v = values[i];
                if (v is Imm imm) { if (!imm.FitsIn(size, allowImm64: true)) throw new ArgumentOutOfRangeException(nameof(values), $"{imm.ToNasm(Bits)} does not fit in {d}"); }
                else if (!(v is Label)) throw new ArgumentException($"{d} takes integers, labels or Imm.Expr, not {v.GetType().Name}");
                parts[i] = v.ToNasm(Bits);
            }
            return Line(d + " " + string.Join(", ", parts));
        }

        internal static string StringLiteral(string text)
        {
            var parts = new List<string>();
            var run = new StringBuilder();
            foreach (char c in text)
            {
                if (c > 0x7F) throw new ArgumentException("only ASCII text is supported", nameof(text));
                if (c >= 0x20 && c < 0x7F && c != '\'')
                    run.Append(c);
                else
                {
                    if (run.Length > 0) { parts.Add("'" + run + "'"); run.Clear(); }
                    parts.Add(((int)c).ToString(CultureInfo.InvariantCulture));
                }
            }
            if (run.Length > 0) parts.Add("'" + run + "'");
            return string.Join(", ", parts);
        }

        // ------------------------------------------------------------------ plumbing

        private Assembler Line(string text, bool indent = true, bool movesLocation = true)
        {
            if (movesLocation && _cfi != null) _cfiMoved = true;
            if (_pendingTimes != null)
            {
                text = "times " + _pendingTimes + " " + text;
                _pendingTimes = null;
                indent = true;
            }
            _lines.Add(indent ? "    " + text : text);
            return this;
        }

        /// <summary>Emits an instruction line from a mnemonic and already validated operands.</summary>
        private Assembler Ins(string mnemonic, params string[] operands)
        {
            if (operands.Length == 0) Line(mnemonic);
            else Line(mnemonic.PadRight(8) + " " + string.Join(", ", operands));
            CfiAfterInstruction(mnemonic, operands);
            return this;
        }

        private string N(Operand o) => o.ToNasm(Bits);
    }
}
