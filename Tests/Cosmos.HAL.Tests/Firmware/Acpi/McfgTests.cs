using System;
using System.Buffers.Binary;
using Cosmos.HAL.Firmware.Acpi;
using Xunit;

namespace Cosmos.HAL.Tests.Firmware.Acpi
{
    /// <summary>MCFG parsing (PCI Firmware Specification 3.0 §4.1.2) on tables laid out as QEMU's q35 builds them.</summary>
    public class McfgTests
    {
        private static byte[] Table(params (ulong Base, ushort Segment, byte Start, byte End)[] entries)
        {
            var t = new byte[Mcfg.FirstEntry + entries.Length * Mcfg.EntryLength];
            "MCFG"u8.CopyTo(t);
            BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)t.Length);
            t[8] = 1;
            for (int i = 0; i < entries.Length; i++)
            {
                var e = t.AsSpan(Mcfg.FirstEntry + i * Mcfg.EntryLength);
                BinaryPrimitives.WriteUInt64LittleEndian(e, entries[i].Base);
                BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(8), entries[i].Segment);
                e[10] = entries[i].Start;
                e[11] = entries[i].End;
            }
            return t;
        }

        [Fact]
        public void QemuQ35WindowParses()
        {
            Assert.True(Mcfg.TryParse(Table((0xB000_0000, 0, 0, 0xFF)), out var w, out string error), error);
            var a = Assert.Single(w);
            Assert.Equal(0xB000_0000UL, a.BaseAddress);
            Assert.Equal(256UL << 20, a.Length);
            Assert.Equal("segment 0 buses 0x00-0xFF at 0xB0000000", a.ToString());
        }

        [Fact]
        public void SeveralWindowsKeepTheirOrder()
        {
            Assert.True(Mcfg.TryParse(Table((0xE000_0000, 0, 0, 0x3F), (0x1_0000_0000, 1, 0x40, 0x7F)), out var w, out _));
            Assert.Equal(2, w.Count);
            Assert.Equal((ushort)1, w[1].Segment);
            Assert.Equal(64UL << 20, w[1].Length);
        }

        [Fact]
        public void NoEntriesIsAValidEmptyTable()
        {
            Assert.True(Mcfg.TryParse(Table(), out var w, out _));
            Assert.Empty(w);
        }

        [Theory]
        [InlineData("signature")]
        [InlineData("short")]
        [InlineData("length")]
        [InlineData("partial")]
        [InlineData("unaligned")]
        [InlineData("zero")]
        [InlineData("buses")]
        public void MalformedTablesAreRefusedWithAReason(string what)
        {
            byte[] t = Table((0xB000_0000, 0, 0, 0xFF));
            switch (what)
            {
                case "signature": t[0] = (byte)'X'; break;
                case "short": t = t.AsSpan(0, 40).ToArray(); break;
                case "length": BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), 4096); break;
                case "partial": BinaryPrimitives.WriteUInt32LittleEndian(t.AsSpan(4), (uint)t.Length - 4); break;
                case "unaligned": BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan(Mcfg.FirstEntry), 0xB000_1000); break;
                case "zero": BinaryPrimitives.WriteUInt64LittleEndian(t.AsSpan(Mcfg.FirstEntry), 0); break;
                case "buses": t[Mcfg.FirstEntry + 10] = 5; t[Mcfg.FirstEntry + 11] = 4; break;
            }
            Assert.False(Mcfg.TryParse(t, out _, out string error));
            Assert.StartsWith("MCFG", error);
        }
    }
}
