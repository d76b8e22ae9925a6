using System;
using System.Collections.Generic;
using System.Text;

namespace XSharp.Tests
{
    /// <summary>Minimal ELF64 little-endian section reader for tests (System V gABI "Sections").</summary>
    internal sealed class Elf
    {
        public sealed class Section
        {
            public string Name = "";
            public uint Type;
            public ulong Flags, Addr, Offset, Size, Align;
        }

        public readonly byte[] Bytes;
        public readonly List<Section> Sections = new List<Section>();

        public Elf(byte[] bytes)
        {
            Bytes = bytes;
            if (bytes[0] != 0x7F || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F' || bytes[4] != 2) throw new FormatException("not ELF64");
            ulong shoff = BitConverter.ToUInt64(bytes, 0x28);
            int shentsize = BitConverter.ToUInt16(bytes, 0x3A), shnum = BitConverter.ToUInt16(bytes, 0x3C), shstrndx = BitConverter.ToUInt16(bytes, 0x3E);
            var raw = new List<(uint name, Section s)>();
            for (int i = 0; i < shnum; i++)
            {
                int o = checked((int)shoff + i * shentsize);
                raw.Add((BitConverter.ToUInt32(bytes, o), new Section
                {
                    Type = BitConverter.ToUInt32(bytes, o + 4),
                    Flags = BitConverter.ToUInt64(bytes, o + 8),
                    Addr = BitConverter.ToUInt64(bytes, o + 0x10),
                    Offset = BitConverter.ToUInt64(bytes, o + 0x18),
                    Size = BitConverter.ToUInt64(bytes, o + 0x20),
                    Align = BitConverter.ToUInt64(bytes, o + 0x30),
                }));
            }
            ulong strOff = raw[shstrndx].s.Offset;
            foreach (var (name, s) in raw)
            {
                int start = checked((int)(strOff + name)), end = start;
                while (bytes[end] != 0) end++;
                s.Name = Encoding.ASCII.GetString(bytes, start, end - start);
                Sections.Add(s);
            }
        }

        public Section Get(string name) => Sections.Find(s => s.Name == name) ?? throw new KeyNotFoundException(name);

        public byte[] Contents(string name)
        {
            var s = Get(name);
            var b = new byte[s.Size];
            Array.Copy(Bytes, (long)s.Offset, b, 0, (long)s.Size);
            return b;
        }
    }
}
