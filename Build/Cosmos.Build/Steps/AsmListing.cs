using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Cosmos.Build.Toolchain;
using Iced.Intel;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// The kernel as one NASM-syntax assembly listing, in the spirit of IL2CPU's .asm output: every function of the
    /// linked ELF's executable sections in address order, headed by its symbol (NativeAOT's
    /// <c>Assembly_Namespace_Type__Method</c>), disassembled with Iced's NASM formatter (branch and call targets by
    /// symbol), each instruction followed by its address, and a comment with the C# (or X#/NASM) file, line and source
    /// text wherever the DWARF line table (read with binutils' <c>objdump --dwarf=decodedline</c>) starts a new line.
    /// </summary>
    public static class AsmListing
    {
        private sealed record Function(string Name, ulong Address, ulong Size);
        private sealed record Section(string Name, ulong Address, ulong Offset, ulong Size);

        /// <summary>Writes the listing of <paramref name="elf"/> to <paramref name="output"/>; returns the progress line's text.</summary>
        /// <exception cref="BuildStepException">COSMOS015 when the ELF cannot be read.</exception>
        public static string Write(string elf, string output)
        {
            var sw = Stopwatch.StartNew();
            byte[] image = File.ReadAllBytes(elf);
            var (sections, functions) = ReadElf(image, elf);
            var lines = ReadLineTable(elf);
            var names = new Dictionary<ulong, string>();
            foreach (var f in functions) names.TryAdd(f.Address, f.Name);
            var sources = new Dictionary<string, string[]>();
            var formatter = new NasmFormatter(new SymbolResolver(names));
            formatter.Options.FirstOperandCharIndex = 8;
            formatter.Options.HexSuffix = "h";
            var text = new StringBuilder(1 << 20);
            int count = 0;
            using var writer = new StreamWriter(output, false, new UTF8Encoding(false), 1 << 16);
            writer.Write("; ");
            writer.Write(Path.GetFileName(elf));
            writer.Write(": NASM-syntax listing of the linked kernel (Cosmos.Build AsmListing; not meant to be reassembled)\nbits 64\n");
            foreach (var f in functions)
            {
                var sec = sections.FirstOrDefault(s => f.Address >= s.Address && f.Address + f.Size <= s.Address + s.Size);
                if (sec == null || f.Size == 0) continue;
                writer.Write('\n');
                writer.Write(f.Name);
                writer.Write(":\n");
                var reader = new ByteArrayCodeReader(image, (int)(sec.Offset + (f.Address - sec.Address)), (int)f.Size);
                var decoder = Iced.Intel.Decoder.Create(64, reader, f.Address);
                string lastFile = null;
                int lastLine = -1;
                var output2 = new StringOutput();
                while (decoder.IP < f.Address + f.Size)
                {
                    ulong ip = decoder.IP;
                    if (lines.TryGetValue(ip, out var loc) && (loc.Line != lastLine || loc.File != lastFile))
                    {
                        writer.Write("    ; ");
                        writer.Write(loc.File);
                        writer.Write(':');
                        writer.Write(loc.Line.ToString(CultureInfo.InvariantCulture));
                        string src = SourceLine(sources, loc.File, loc.Line);
                        if (src != null) { writer.Write("  "); writer.Write(src); }
                        writer.Write('\n');
                        lastFile = loc.File;
                        lastLine = loc.Line;
                    }
                    decoder.Decode(out var instr);
                    formatter.Format(instr, output2);
                    string asm = output2.ToStringAndReset();
                    writer.Write("    ");
                    writer.Write(asm);
                    writer.Write(asm.Length < 48 ? new string(' ', 48 - asm.Length) : " ");
                    writer.Write("; ");
                    writer.Write(ip.ToString("x", CultureInfo.InvariantCulture));
                    writer.Write('\n');
                    count++;
                }
            }
            return $"{Path.GetFileName(output)} ({functions.Count} functions, {count} instructions, {Tool.Seconds(sw.Elapsed)})";
        }

        private static string SourceLine(Dictionary<string, string[]> cache, string file, int line)
        {
            if (!cache.TryGetValue(file, out var text))
            {
                try { text = File.Exists(file) ? File.ReadAllLines(file) : null; } catch (IOException) { text = null; }
                cache[file] = text;
            }
            return text != null && line >= 1 && line <= text.Length ? text[line - 1].Trim() : null;
        }

        private static (List<Section>, List<Function>) ReadElf(byte[] b, string path)
        {
            if (b.Length < 64 || b[0] != 0x7F || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2)
                throw new BuildStepException("COSMOS015", "not an ELF64 file", path);
            ulong shoff = BitConverter.ToUInt64(b, 0x28);
            int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
            var sections = new List<Section>();
            var headers = new List<(uint Type, ulong Flags, ulong Addr, ulong Off, ulong Size, uint Link, ulong EntSize)>();
            for (int i = 0; i < shnum; i++)
            {
                int h = (int)shoff + i * shentsize;
                headers.Add((BitConverter.ToUInt32(b, h + 4), BitConverter.ToUInt64(b, h + 8), BitConverter.ToUInt64(b, h + 16),
                    BitConverter.ToUInt64(b, h + 24), BitConverter.ToUInt64(b, h + 32), BitConverter.ToUInt32(b, h + 40), BitConverter.ToUInt64(b, h + 56)));
            }
            for (int i = 0; i < headers.Count; i++)
                if ((headers[i].Flags & 4) != 0 && headers[i].Type == 1)   // SHF_EXECINSTR, SHT_PROGBITS
                    sections.Add(new Section("#" + i, headers[i].Addr, headers[i].Off, headers[i].Size));
            var functions = new List<Function>();
            int symtab = headers.FindIndex(h => h.Type == 2);   // SHT_SYMTAB
            if (symtab < 0) throw new BuildStepException("COSMOS015", "no symbol table (linked with -s?)", path);
            var st = headers[symtab];
            var str = headers[(int)st.Link];
            for (ulong off = st.Off; off + 24 <= st.Off + st.Size; off += 24)
            {
                uint nameOff = BitConverter.ToUInt32(b, (int)off);
                byte info = b[(int)off + 4];
                ulong value = BitConverter.ToUInt64(b, (int)off + 8), size = BitConverter.ToUInt64(b, (int)off + 16);
                if ((info & 0xF) != 2 && (info & 0xF) != 0 || nameOff == 0 || value == 0) continue;   // STT_FUNC (and NOTYPE labels of asm)
                int start = (int)(str.Off + nameOff), end = start;
                while (b[end] != 0) end++;
                string name = Encoding.UTF8.GetString(b, start, end - start);
                if (!sections.Any(s => value >= s.Address && value < s.Address + s.Size)) continue;
                functions.Add(new Function(name, value, size));
            }
            // One entry per address (the global name first), sizes of NOTYPE labels up to the next symbol.
            functions = functions.GroupBy(f => f.Address).Select(g => g.OrderByDescending(f => f.Size).ThenBy(f => f.Name.StartsWith('.') || f.Name.StartsWith("L.") ? 1 : 0).First())
                .OrderBy(f => f.Address).ToList();
            for (int i = 0; i < functions.Count; i++)
            {
                var f = functions[i];
                var sec = sections.First(x => f.Address >= x.Address && f.Address < x.Address + x.Size);
                ulong limit = sec.Address + sec.Size;
                if (i + 1 < functions.Count && functions[i + 1].Address < limit) limit = functions[i + 1].Address;
                if (f.Size == 0 || f.Address + f.Size > limit) functions[i] = f with { Size = limit - f.Address };
            }
            return (sections, functions);
        }

        /// <summary>Address → (file, line) from the DWARF line table; empty when the ELF has no debug information.</summary>
        private static Dictionary<ulong, (string File, int Line)> ReadLineTable(string elf)
        {
            var result = new Dictionary<ulong, (string, int)>();
            string objdump;
            try { objdump = Tool.Require("objdump", "binutils"); } catch (BuildStepException) { return result; }
            var r = Tool.Run(objdump, new[] { "--dwarf=decodedline", "--wide", elf });
            string file = null;
            foreach (var raw in r.StdOut.Split('\n'))
            {
                string line = raw.TrimEnd();
                if (line.Length == 0) continue;
                if (line.EndsWith(':') && (line.StartsWith("CU: ") || line.StartsWith('/')))
                {
                    file = line.StartsWith("CU: ") ? line[4..^1] : line[..^1];
                    continue;
                }
                if (file == null) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 3 || !int.TryParse(parts[1], out int ln) || !parts[2].StartsWith("0x")) continue;
                if (!ulong.TryParse(parts[2].AsSpan(2), NumberStyles.HexNumber, null, out ulong addr)) continue;
                string name = parts[0];
                string full = file.EndsWith("/" + name, StringComparison.Ordinal) || file == name ? file : Path.Combine(Path.GetDirectoryName(file) ?? "", name);
                result[addr] = (full, ln);
            }
            return result;
        }

        private sealed class SymbolResolver : ISymbolResolver
        {
            private readonly Dictionary<ulong, string> _names;
            public SymbolResolver(Dictionary<ulong, string> names) => _names = names;
            public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
            {
                if (_names.TryGetValue(address, out var name)) { symbol = new SymbolResult(address, name); return true; }
                symbol = default;
                return false;
            }
        }
    }
}
