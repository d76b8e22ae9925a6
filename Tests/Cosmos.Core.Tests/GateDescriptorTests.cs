using Cosmos.Core.Arch.X64;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>IDT gate encoding against Intel SDM Vol. 3A §6.14.1, Figure 6-8 (64-bit IDT gate descriptor).</summary>
    public class GateDescriptorTests
    {
        /// <summary>Offset split: 15:0 in bytes 0–1, 31:16 in bytes 6–7, 63:32 in bytes 8–11; selector in bytes 2–3.</summary>
        [Fact]
        public void OffsetAndSelectorFields()
        {
            var d = GateDescriptor.Encode(0x1234_5678_9ABC_DEF0, 0x0008, 0, GateType.Interrupt, 0, true);
            Assert.Equal(0xDEF0UL, d.Low & 0xFFFF);
            Assert.Equal(0x0008UL, (d.Low >> 16) & 0xFFFF);
            Assert.Equal(0x9ABCUL, d.Low >> 48);
            Assert.Equal(0x1234_5678UL, d.High);
            Assert.Equal(0x1234_5678_9ABC_DEF0UL, d.Offset);
            Assert.Equal((ushort)8, d.Selector);
        }

        /// <summary>Byte 5 = P | DPL | 0 | type; byte 4 = IST in bits 0–2, bits 3–7 zero; bits 32–63 of the high qword reserved (0).</summary>
        [Theory]
        [InlineData(GateType.Interrupt, 0, true, 0, 0x8E)]
        [InlineData(GateType.Trap, 0, true, 0, 0x8F)]
        [InlineData(GateType.Interrupt, 3, true, 1, 0xEE)]
        [InlineData(GateType.Trap, 3, true, 7, 0xEF)]
        [InlineData(GateType.Interrupt, 0, false, 2, 0x0E)]
        [InlineData(GateType.Interrupt, 2, false, 3, 0x4E)]
        public void AttributeByte(GateType type, int dpl, bool present, int ist, int expectedByte5)
        {
            var d = GateDescriptor.Encode(0xFFFF_8000_0010_0000, 0x08, ist, type, dpl, present);
            Assert.Equal((ulong)expectedByte5, (d.Low >> 40) & 0xFF);
            Assert.Equal((ulong)ist, (d.Low >> 32) & 0xFF);
            Assert.Equal(0UL, d.High >> 32);
            Assert.Equal(type, d.Type);
            Assert.Equal(dpl, d.Dpl);
            Assert.Equal(present, d.Present);
            Assert.Equal(ist, d.Ist);
        }

        /// <summary>Out-of-range IST/DPL values are masked to their fields and never spill into neighbours.</summary>
        [Fact]
        public void FieldsDoNotOverlap()
        {
            var d = GateDescriptor.Encode(0, 0xFFFF, 0xFF, GateType.Trap, 0xFF, true);
            Assert.Equal(0x0000_EF07_FFFF_0000UL, d.Low);
            Assert.Equal(0UL, d.High);
            var zero = GateDescriptor.Encode(ulong.MaxValue, 0, 0, GateType.Interrupt, 0, false);
            Assert.Equal(0xFFFF_0E00_0000_FFFFUL, zero.Low);
            Assert.Equal(0xFFFF_FFFFUL, zero.High);
        }

        /// <summary>The gate every vector gets by default (InterruptTests checks the same on the loaded IDT): CS 0x08, P=1 DPL=0 type 0xE.</summary>
        [Fact]
        public void DefaultKernelGate()
        {
            var d = GateDescriptor.Encode(0x10_2030, Interrupts.InterruptDescriptorTable.CodeSelector, 0, GateType.Interrupt, 0, true);
            Assert.Equal(0x08UL, (d.Low >> 16) & 0xFFFF);
            Assert.Equal(0x8EUL, (d.Low >> 40) & 0xFF);
            Assert.Equal(0x0010_8E00_0008_2030UL, d.Low);
        }
    }
}
