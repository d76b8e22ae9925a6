using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Cosmos.Kernel.Tests
{
    /// <summary>Minimal ELF64 little-endian reader: section headers and names (System V gABI, "Sections").</summary>
    public sealed class ElfImage
    {
        public sealed record Section(string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size);

        public byte[] Bytes { get; }
        public IReadOnlyList<Section> Sections { get; }

        public ElfImage(string path)
        {
            Bytes = File.ReadAllBytes(path);
            var b = Bytes;
            if (b.Length < 64 || b[0] != 0x7F || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
                throw new InvalidDataException(path + " is not an ELF file");
            if (b[4] != 2 || b[5] != 1) throw new InvalidDataException(path + " is not ELF64 little-endian");
            ulong shoff = BitConverter.ToUInt64(b, 0x28);
            int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C), shstrndx = BitConverter.ToUInt16(b, 0x3E);
            var raw = new List<(uint name, uint type, ulong flags, ulong addr, ulong off, ulong size)>();
            for (int i = 0; i < shnum; i++)
            {
                int o = checked((int)shoff + i * shentsize);
                raw.Add((BitConverter.ToUInt32(b, o), BitConverter.ToUInt32(b, o + 4), BitConverter.ToUInt64(b, o + 8),
                         BitConverter.ToUInt64(b, o + 16), BitConverter.ToUInt64(b, o + 24), BitConverter.ToUInt64(b, o + 32)));
            }
            ulong strOff = raw[shstrndx].off;
            var list = new List<Section>();
            foreach (var s in raw)
            {
                int start = checked((int)(strOff + s.name)), end = start;
                while (b[end] != 0) end++;
                list.Add(new Section(Encoding.ASCII.GetString(b, start, end - start), s.type, s.flags, s.addr, s.off, s.size));
            }
            Sections = list;
        }

        /// <summary>SHF_EXECINSTR sections that occupy file bytes (SHT_PROGBITS).</summary>
        public IEnumerable<Section> CodeSections()
        {
            foreach (var s in Sections)
                if (s.Type == 1 && (s.Flags & 0x4) != 0 && s.Size > 0) yield return s;
        }
    }
}
