using System.Collections.Generic;
using System.Linq;
using Iced.Intel;
using Xunit;

namespace Cosmos.Kernel.Tests
{
    /// <summary>
    /// The kernel runs interrupt entries on the interrupted stack, so no code may keep data
    /// below RSP (the System V red zone). DESIGN.md measured that RyuJIT does not use it; this
    /// keeps that fact verified on every build by disassembling all code in the linked kernel.
    /// </summary>
    public class RedZoneTests
    {
        /// <summary>Instructions that touch memory at [RSP − n] (LEA only computes an address, e.g. the stack probe's target).</summary>
        public static List<string> FindRedZoneAccesses(ElfImage elf, out long instructionCount)
        {
            var found = new List<string>();
            instructionCount = 0;
            foreach (var s in elf.CodeSections())
            {
                var reader = new ByteArrayCodeReader(elf.Bytes, (int)s.Offset, (int)s.Size);
                var decoder = Decoder.Create(64, reader, s.Address);
                ulong end = s.Address + s.Size;
                while (decoder.IP < end)
                {
                    decoder.Decode(out var ins);
                    instructionCount++;
                    if (ins.IsInvalid || ins.Mnemonic == Mnemonic.Lea || ins.Mnemonic == Mnemonic.Nop) continue;
                    for (int i = 0; i < ins.OpCount; i++)
                    {
                        if (ins.GetOpKind(i) != OpKind.Memory) continue;
                        if (ins.MemoryBase == Register.RSP && (long)ins.MemoryDisplacement64 < 0)
                            found.Add($"{s.Name}+0x{ins.IP - s.Address:x}: 0x{ins.IP:x} {ins}");
                    }
                }
            }
            return found;
        }

        [Fact]
        public void CompiledKernelNeverAccessesMemoryBelowRsp()
        {
            var elf = new ElfImage(KernelImage.ElfPath);
            var hits = FindRedZoneAccesses(elf, out long count);
            Assert.True(count > 100_000, $"expected a real kernel image, decoded only {count} instructions");
            Assert.True(hits.Count == 0, "accesses below RSP:\n" + string.Join("\n", hits.Take(50)));
        }

        [Fact]
        public void DetectorFindsAnAccessBelowRsp()
        {
            // mov [rsp-8], rax ; lea r11, [rsp-0x10e8] ; mov rax, [rsp+8]
            var code = new byte[] { 0x48, 0x89, 0x44, 0x24, 0xF8, 0x4C, 0x8D, 0x9C, 0x24, 0x18, 0xEF, 0xFF, 0xFF, 0x48, 0x8B, 0x44, 0x24, 0x08 };
            var decoder = Decoder.Create(64, new ByteArrayCodeReader(code), 0x1000);
            var bad = new List<ulong>();
            while (decoder.IP < 0x1000 + (ulong)code.Length)
            {
                decoder.Decode(out var ins);
                if (ins.Mnemonic == Mnemonic.Lea) continue;
                for (int i = 0; i < ins.OpCount; i++)
                    if (ins.GetOpKind(i) == OpKind.Memory && ins.MemoryBase == Register.RSP && (long)ins.MemoryDisplacement64 < 0) bad.Add(ins.IP);
            }
            Assert.Equal(new ulong[] { 0x1000 }, bad);
        }
    }
}
