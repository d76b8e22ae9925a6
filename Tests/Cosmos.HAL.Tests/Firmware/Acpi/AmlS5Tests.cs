using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.HAL;
using Cosmos.HAL.Firmware.Acpi;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>\_S5_ decoding from AML byte code (ACPI 6.5 §20.2, §7.4.2).</summary>
    public class AmlS5Tests
    {
        private static readonly byte[] S5Name = { (byte)'_', (byte)'S', (byte)'5', (byte)'_' };

        /// <summary>PackageOp with a one-byte PkgLength (body must be under 63 bytes).</summary>
        private static byte[] Package(byte count, params byte[] elements)
        {
            var l = new List<byte> { 0x12, (byte)(2 + elements.Length), count };
            l.AddRange(elements);
            return l.ToArray();
        }

        private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
        private static byte[] NameS5(params byte[] value) => Cat(new byte[] { 0x08 }, S5Name, value);

        // A few unrelated AML bytes so the definition is not at offset 0 (Scope(\_SB) { ... } like).
        private static readonly byte[] Prefix = { 0x10, 0x0B, 0x5C, 0x5F, 0x53, 0x42, 0x5F, 0x08, 0x41, 0x42, 0x43, 0x44, 0x01 };

        private static AcpiSleepType Decode(byte[] aml)
        {
            Assert.True(AmlScanner.TryFindS5(aml, out var s, out var err), err);
            Assert.Null(err);
            return s;
        }

        private static string Fail(byte[] aml)
        {
            Assert.False(AmlScanner.TryFindS5(aml, out _, out var err));
            Assert.False(string.IsNullOrEmpty(err));
            return err;
        }

        [Fact]
        public void BytePrefixValues()
        {
            var s = Decode(Cat(Prefix, NameS5(Package(4, 0x0A, 0x05, 0x0A, 0x07, 0x00, 0x00))));
            Assert.Equal(5, s.SlpTypA);
            Assert.Equal(7, s.SlpTypB);
        }

        [Fact]
        public void ZeroAndOneOpcodes_QemuPiixStyle()
        {
            var s = Decode(NameS5(Package(4, 0x00, 0x00, 0x00, 0x00)));
            Assert.Equal(0, s.SlpTypA);
            Assert.Equal(0, s.SlpTypB);
            s = Decode(NameS5(Package(2, 0x01, 0x00)));
            Assert.Equal(1, s.SlpTypA);
            Assert.Equal(0, s.SlpTypB);
        }

        [Fact]
        public void RootPrefixedName()
        {
            var aml = Cat(new byte[] { 0x08, 0x5C }, S5Name, Package(4, 0x0A, 0x07, 0x0A, 0x07, 0x00, 0x00));
            var s = Decode(aml);
            Assert.Equal(7, s.SlpTypA);
            Assert.Equal(7, s.SlpTypB);
        }

        [Fact]
        public void WordAndDWordPrefixes()
        {
            var s = Decode(NameS5(Package(2, 0x0B, 0x06, 0x00, 0x0C, 0x03, 0x00, 0x00, 0x00)));
            Assert.Equal(6, s.SlpTypA);
            Assert.Equal(3, s.SlpTypB);
        }

        [Fact]
        public void OneElementPackage_HoldsBothValues()
        {
            var s = Decode(NameS5(Package(1, 0x0B, 0x05, 0x07)));
            Assert.Equal(5, s.SlpTypA);
            Assert.Equal(7, s.SlpTypB);
        }

        [Fact]
        public void TwoBytePkgLength()
        {
            // 30 BytePrefix elements: body = 2 (PkgLength) + 1 (count) + 60 = 63 -> needs the 2-byte form.
            var elements = new List<byte>();
            for (int i = 0; i < 30; i++) { elements.Add(0x0A); elements.Add((byte)(i == 0 ? 3 : 4)); }
            int len = 2 + 1 + elements.Count;
            var pkg = Cat(new byte[] { 0x12, (byte)(0x40 | (len & 0x0F)), (byte)(len >> 4), 30 }, elements.ToArray());
            var s = Decode(NameS5(pkg));
            Assert.Equal(3, s.SlpTypA);
            Assert.Equal(4, s.SlpTypB);
        }

        [Fact]
        public void VarPackage()
        {
            var s = Decode(NameS5(new byte[] { 0x13, 0x07, 0x0A, 0x02, 0x0A, 0x05, 0x0A, 0x06 }));
            Assert.Equal(5, s.SlpTypA);
            Assert.Equal(6, s.SlpTypB);
        }

        [Fact]
        public void WholeDsdtWithHeader_Works()
        {
            var table = AcpiParserTests.Table("DSDT", 2, Cat(Prefix, NameS5(Package(4, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00))));
            Assert.True(AcpiParser.TryValidateTable(table, "DSDT", out _, out var err), err);
            Assert.Equal(5, Decode(table.AsSpan(36).ToArray()).SlpTypA);
            Assert.Equal(5, Decode(table).SlpTypA); // the header does not confuse the scan either
        }

        [Fact]
        public void NonNameOccurrencesAreSkipped()
        {
            // "_S5_" inside a string literal, and as a method, before the real Name().
            var str = Cat(new byte[] { 0x0D }, S5Name, new byte[] { 0x00 });
            var method = Cat(new byte[] { 0x14, 0x06 }, S5Name, new byte[] { 0x00 });
            var s = Decode(Cat(str, method, NameS5(Package(2, 0x0A, 0x02, 0x0A, 0x03))));
            Assert.Equal(2, s.SlpTypA);
            Assert.Equal(3, s.SlpTypB);
        }

        [Fact]
        public void MethodOnly_FailsClearly()
        {
            var err = Fail(Cat(new byte[] { 0x14, 0x06 }, S5Name, new byte[] { 0x00, 0xA4, 0x00 }));
            Assert.Contains("no Name(_S5_, Package)", err);
        }

        [Fact]
        public void NoS5_FailsClearly()
        {
            Assert.Contains("no Name(_S5_, Package)", Fail(Prefix));
            Assert.Contains("no Name(_S5_, Package)", Fail(Array.Empty<byte>()));
        }

        [Fact]
        public void NotAPackage_Fails()
        {
            Assert.Contains("not a Package", Fail(NameS5(0x0A, 0x05)));
        }

        [Fact]
        public void TruncatedPackage_Fails()
        {
            var full = NameS5(Package(4, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00));
            Assert.Contains("runs past", Fail(full.AsSpan(0, full.Length - 3).ToArray()));
            Assert.Contains("truncated", Fail(NameS5()));
            Assert.Contains("PkgLength", Fail(NameS5(0x12)));
        }

        [Fact]
        public void ElementNotAConstant_Fails()
        {
            // Element 0 is a name reference (a NameSeg), not an integer.
            var err = Fail(NameS5(Package(2, (byte)'S', (byte)'L', (byte)'P', (byte)'A', 0x00)));
            Assert.Contains("element 0 is not an integer constant", err);
            err = Fail(NameS5(Package(2, 0x0A, 0x05)));
            Assert.Contains("element 1", err);
            // A BytePrefix cut off by the package end.
            err = Fail(NameS5(Package(2, 0x0A)));
            Assert.Contains("element 0", err);
        }

        [Fact]
        public void EmptyPackage_Fails()
        {
            Assert.Contains("no elements", Fail(NameS5(Package(0))));
        }

        [Fact]
        public void BrokenFirstDefinition_LaterGoodOneWins()
        {
            var s = Decode(Cat(NameS5(Package(0)), NameS5(Package(2, 0x0A, 0x01, 0x0A, 0x02))));
            Assert.Equal(1, s.SlpTypA);
            Assert.Equal(2, s.SlpTypB);
        }

        [Fact]
        public void OtherSleepStates()
        {
            var aml = Cat(new byte[] { 0x08, (byte)'_', (byte)'S', (byte)'3', (byte)'_' }, Package(2, 0x0A, 0x01, 0x0A, 0x01));
            Assert.True(AmlScanner.TryFindSleepPackage(aml, (byte)'3', out var s, out var err), err);
            Assert.Equal(1, s.SlpTypA);
            Assert.False(AmlScanner.TryFindS5(aml, out _, out _));
        }

        [Theory]
        [InlineData(new byte[] { 0x05 }, 5, 1)]
        [InlineData(new byte[] { 0x3F }, 63, 1)]
        [InlineData(new byte[] { 0x48, 0x01 }, 0x18, 2)]
        [InlineData(new byte[] { 0x8F, 0x12, 0x34 }, 0x3412F, 3)]
        [InlineData(new byte[] { 0xC1, 0x00, 0x00, 0x01 }, 0x100001, 4)]
        public void PkgLength_Decodes(byte[] bytes, int length, int used)
        {
            Assert.True(AmlScanner.TryDecodePkgLength(bytes, 0, out int l, out int u));
            Assert.Equal(length, l);
            Assert.Equal(used, u);
        }

        [Theory]
        [InlineData(new byte[] { 0x70, 0x01 })]   // bits 5-4 set with a follow byte
        [InlineData(new byte[] { 0x80, 0x01 })]   // truncated
        [InlineData(new byte[0])]
        public void PkgLength_RejectsMalformed(byte[] bytes)
        {
            Assert.False(AmlScanner.TryDecodePkgLength(bytes, 0, out _, out _));
        }

        [Fact]
        public void Integer_Decodes()
        {
            Assert.True(AmlScanner.TryDecodeInteger(new byte[] { 0xFF }, 0, 1, out var v, out var n));
            Assert.Equal(ulong.MaxValue, v);
            Assert.Equal(1, n);
            Assert.True(AmlScanner.TryDecodeInteger(new byte[] { 0x0E, 1, 2, 3, 4, 5, 6, 7, 8 }, 0, 9, out v, out n));
            Assert.Equal(0x0807060504030201ul, v);
            Assert.Equal(9, n);
            Assert.False(AmlScanner.TryDecodeInteger(new byte[] { 0x0C, 1, 2 }, 0, 3, out _, out _));
            Assert.False(AmlScanner.TryDecodeInteger(new byte[] { 0x0A, 1 }, 0, 1, out _, out _)); // end limit
        }
    }
}
