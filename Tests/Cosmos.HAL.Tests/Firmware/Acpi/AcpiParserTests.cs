using System;
using System.Buffers.Binary;
using System.Text;
using Cosmos.HAL;
using Cosmos.HAL.Firmware.Acpi;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>Crafted ACPI structures (ACPI 6.5 §5.2) run through <see cref="AcpiParser"/>.</summary>
    public class AcpiParserTests
    {
        // ---------------------------------------------------------------- builders

        internal static void FixChecksum(byte[] data, int checksumOffset, int length)
        {
            data[checksumOffset] = 0;
            byte sum = 0;
            for (int i = 0; i < length; i++) sum += data[i];
            data[checksumOffset] = (byte)(0 - sum);
        }

        internal static byte[] Rsdp(byte revision, uint rsdt, ulong xsdt = 0, string oem = "BOCHS ")
        {
            var d = new byte[revision >= 2 ? 36 : 20];
            Encoding.ASCII.GetBytes("RSD PTR ").CopyTo(d, 0);
            Encoding.ASCII.GetBytes(oem).CopyTo(d, 9);
            d[15] = revision;
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16), rsdt);
            FixChecksum(d, 8, 20);
            if (revision >= 2)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), 36);
                BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(24), xsdt);
                FixChecksum(d, 32, 36);
            }
            return d;
        }

        internal static byte[] Table(string signature, byte revision, byte[] body)
        {
            var d = new byte[36 + body.Length];
            Encoding.ASCII.GetBytes(signature).CopyTo(d, 0);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(4), (uint)d.Length);
            d[8] = revision;
            Encoding.ASCII.GetBytes("COSMOS").CopyTo(d, 10);
            Encoding.ASCII.GetBytes("TESTTBL ").CopyTo(d, 16);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(24), 1);
            body.CopyTo(d, 36);
            FixChecksum(d, 9, d.Length);
            return d;
        }

        private static void Gas(byte[] fadtBody, int tableOffset, byte space, byte width, byte access, ulong address)
        {
            int o = tableOffset - 36;
            fadtBody[o] = space; fadtBody[o + 1] = width; fadtBody[o + 2] = 0; fadtBody[o + 3] = access;
            BinaryPrimitives.WriteUInt64LittleEndian(fadtBody.AsSpan(o + 4), address);
        }

        /// <summary>FADT body (after the header) of <paramref name="totalLength"/> bytes with QEMU-like legacy ports.</summary>
        private static byte[] FadtBody(int totalLength)
        {
            var b = new byte[totalLength - 36];
            void U32(int off, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(off - 36), v);
            U32(36, 0x7FE0000);      // FIRMWARE_CTRL
            U32(40, 0x7FE0040);      // DSDT
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(46 - 36), 9); // SCI_INT
            U32(48, 0xB2);           // SMI_CMD
            b[52 - 36] = 0xF1;       // ACPI_ENABLE
            b[53 - 36] = 0xF0;       // ACPI_DISABLE
            U32(56, 0x600);          // PM1a_EVT_BLK
            U32(64, 0x604);          // PM1a_CNT_BLK
            U32(76, 0x608);          // PM_TMR_BLK
            b[88 - 36] = 4; b[89 - 36] = 2; b[91 - 36] = 4;
            b[108 - 36] = 0x32;      // CENTURY
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(109 - 36), 0x0003); // legacy devices + 8042
            return b;
        }

        // ---------------------------------------------------------------- checksum / RSDP

        [Fact]
        public void Checksum_SumsModulo256()
        {
            Assert.Equal(0, AcpiParser.Checksum(new byte[] { 0x80, 0x80 }));
            Assert.Equal(0x03, AcpiParser.Checksum(new byte[] { 1, 2 }));
            Assert.Equal(0, AcpiParser.Checksum(ReadOnlySpan<byte>.Empty));
        }

        [Fact]
        public void Rsdp_Revision0_Parses()
        {
            Assert.True(AcpiParser.TryParseRsdp(Rsdp(0, 0x7FE1234), out var r, out var err), err);
            Assert.Equal(0, r.Revision);
            Assert.Equal(0x7FE1234u, r.RsdtAddress);
            Assert.Equal(0ul, r.XsdtAddress);
            Assert.Equal("BOCHS", r.OemId);
            Assert.Null(err);
        }

        [Fact]
        public void Rsdp_Revision2_ParsesXsdt()
        {
            Assert.True(AcpiParser.TryParseRsdp(Rsdp(2, 0x1000, 0x1_2345_6000), out var r, out var err), err);
            Assert.Equal(2, r.Revision);
            Assert.Equal(36u, r.Length);
            Assert.Equal(0x1_2345_6000ul, r.XsdtAddress);
        }

        [Fact]
        public void Rsdp_BadSignature_Fails()
        {
            var d = Rsdp(0, 0x1000);
            d[0] = (byte)'X';
            Assert.False(AcpiParser.TryParseRsdp(d, out var r, out var err));
            Assert.Null(r);
            Assert.Contains("signature", err);
        }

        [Fact]
        public void Rsdp_BadChecksum_Fails()
        {
            var d = Rsdp(0, 0x1000);
            d[16] ^= 1;
            Assert.False(AcpiParser.TryParseRsdp(d, out _, out var err));
            Assert.Contains("checksum", err);
        }

        [Fact]
        public void Rsdp_BadExtendedChecksum_Fails()
        {
            var d = Rsdp(2, 0x1000, 0x2000);
            d[24] ^= 0x10; // XSDT address changes; first 20 bytes still fine
            Assert.False(AcpiParser.TryParseRsdp(d, out _, out var err));
            Assert.Contains("extended checksum", err);
        }

        [Fact]
        public void Rsdp_Truncated_Fails()
        {
            Assert.False(AcpiParser.TryParseRsdp(Rsdp(0, 0x1000).AsSpan(0, 12), out _, out var err));
            Assert.Contains("need 20", err);
            // Revision 2 claims 36 bytes but only the v1 part is present.
            Assert.False(AcpiParser.TryParseRsdp(Rsdp(2, 0x1000, 0x2000).AsSpan(0, 20), out _, out err));
            Assert.Contains("needs 36", err);
        }

        [Fact]
        public void Rsdp_LengthFieldOutOfRange_Fails()
        {
            var d = Rsdp(2, 0x1000, 0x2000);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), 4000);
            FixChecksum(d, 8, 20);
            Assert.False(AcpiParser.TryParseRsdp(d, out _, out var err));
            Assert.Contains("Length", err);
        }

        [Fact]
        public void FindRsdp_ScansOn16ByteBoundaries_SkippingBadCandidates()
        {
            var region = new byte[256];
            var bad = Rsdp(0, 0x1111);
            bad[16] ^= 0xFF;
            bad.CopyTo(region, 32);
            Rsdp(0, 0x2222).CopyTo(region, 7);     // misaligned: must be ignored
            Rsdp(2, 0x3333, 0x4444).CopyTo(region, 160);
            int off = AcpiParser.FindRsdp(region, out var r, out var lastError);
            Assert.Equal(160, off);
            Assert.Equal(0x4444ul, r.XsdtAddress);
            Assert.Contains("checksum", lastError);
        }

        [Fact]
        public void FindRsdp_NothingThere_ReturnsMinusOne()
        {
            Assert.Equal(-1, AcpiParser.FindRsdp(new byte[4096], out var r, out var err));
            Assert.Null(r);
            Assert.Null(err);
        }

        // ---------------------------------------------------------------- headers / root tables

        [Fact]
        public void Header_Decodes()
        {
            var t = Table("APIC", 3, new byte[8]);
            Assert.True(AcpiParser.TryParseHeader(t, out var h, out _));
            Assert.Equal("APIC", h.Signature);
            Assert.Equal(44u, h.Length);
            Assert.Equal(3, h.Revision);
            Assert.Equal("COSMOS", h.OemId);
            Assert.Equal("TESTTBL", h.OemTableId);
            Assert.Equal(1u, h.OemRevision);
        }

        [Fact]
        public void ValidateTable_DetectsEachProblem()
        {
            var ok = Table("SSDT", 1, new byte[] { 1, 2, 3 });
            Assert.True(AcpiParser.TryValidateTable(ok, "SSDT", out _, out var err), err);
            Assert.True(AcpiParser.TryValidateTable(ok, null, out _, out err), err);

            Assert.False(AcpiParser.TryValidateTable(ok, "DSDT", out _, out err));
            Assert.Contains("expected table \"DSDT\"", err);

            var bad = (byte[])ok.Clone();
            bad[37] ^= 1;
            Assert.False(AcpiParser.TryValidateTable(bad, "SSDT", out var h, out err));
            Assert.Contains("checksum", err);
            Assert.Equal("SSDT", h.Signature); // header still reported

            Assert.False(AcpiParser.TryValidateTable(ok.AsSpan(0, 38), "SSDT", out _, out err));
            Assert.Contains("runs past", err);

            var tiny = (byte[])ok.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(tiny.AsSpan(4), 10);
            Assert.False(AcpiParser.TryValidateTable(tiny, "SSDT", out _, out err));
            Assert.Contains("out of range", err);

            Assert.False(AcpiParser.TryValidateTable(new byte[10], null, out _, out err));
            Assert.Contains("need 36", err);
        }

        [Fact]
        public void Rsdt_EntriesAre32Bit()
        {
            var body = new byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(body, 0x7FE1000);
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), 0x7FE2000);
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), 0x7FE3000);
            Assert.True(AcpiParser.TryParseRootTable(Table("RSDT", 1, body), false, out var e, out var err), err);
            Assert.Equal(new ulong[] { 0x7FE1000, 0x7FE2000, 0x7FE3000 }, e);
        }

        [Fact]
        public void Xsdt_EntriesAre64Bit_TrailingBytesIgnored()
        {
            var body = new byte[16 + 3];
            BinaryPrimitives.WriteUInt64LittleEndian(body, 0x1_0000_1000);
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), 0x7FE2000);
            Assert.True(AcpiParser.TryParseRootTable(Table("XSDT", 1, body), true, out var e, out var err), err);
            Assert.Equal(new ulong[] { 0x1_0000_1000, 0x7FE2000 }, e);
        }

        [Fact]
        public void RootTable_WrongKindOrCorrupt_Fails()
        {
            var rsdt = Table("RSDT", 1, new byte[4]);
            Assert.False(AcpiParser.TryParseRootTable(rsdt, true, out var e, out var err));
            Assert.Null(e);
            Assert.Contains("XSDT", err);
            rsdt[36] = 0x55;
            Assert.False(AcpiParser.TryParseRootTable(rsdt, false, out _, out err));
            Assert.Contains("checksum", err);
        }

        [Fact]
        public void RootTable_ImplausibleEntryCount_Fails()
        {
            Assert.False(AcpiParser.TryParseRootTable(Table("XSDT", 1, new byte[8 * 5000]), true, out _, out var err));
            Assert.Contains("implausible", err);
        }

        [Fact]
        public void Xsdt_Empty_HasNoEntries()
        {
            Assert.True(AcpiParser.TryParseRootTable(Table("XSDT", 1, Array.Empty<byte>()), true, out var e, out _));
            Assert.Empty(e);
        }

        // ---------------------------------------------------------------- FADT

        [Fact]
        public void Fadt_Revision1_LegacyFieldsOnly()
        {
            var t = Table("FACP", 1, FadtBody(116));
            Assert.True(AcpiParser.TryParseFadt(t, out var f, out var err), err);
            Assert.Equal(0x7FE0040ul, f.DsdtAddress);
            Assert.Equal(0x7FE0000ul, f.FacsAddress);
            Assert.Equal(9, f.SciInterrupt);
            Assert.Equal(0xB2u, f.SmiCommandPort);
            Assert.Equal(0xF1, f.AcpiEnable);
            Assert.Equal(AcpiAddressSpace.SystemIO, f.Pm1aControlBlock.AddressSpace);
            Assert.Equal(0x604ul, f.Pm1aControlBlock.Address);
            Assert.Equal(16, f.Pm1aControlBlock.BitWidth);
            Assert.False(f.Pm1bControlBlock.IsPresent);
            Assert.Equal(0x608ul, f.PmTimerBlock.Address);
            Assert.Equal(0x32, f.Century);
            Assert.Equal(0, f.IaPcBootArch); // reserved in ACPI 1.0
            Assert.False(f.ResetSupported);
            Assert.False(f.ResetRegister.IsPresent);
            Assert.False(f.HardwareReduced);
        }

        [Fact]
        public void Fadt_Revision6_XFieldsWinAndResetRegister()
        {
            var body = FadtBody(276);
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(112 - 36), (1u << 10) | (1u << 4)); // RESET_REG_SUP
            Gas(body, 116, 1, 8, 1, 0xCF9);         // RESET_REG: I/O 0xCF9
            body[128 - 36] = 0x06;                    // RESET_VALUE
            body[131 - 36] = 5;                       // minor version
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(140 - 36), 0x1_0000_0000); // X_DSDT
            Gas(body, 172, 0, 16, 2, 0xFED0_0004);  // X_PM1a_CNT_BLK in memory space
            var t = Table("FACP", 6, body);
            Assert.True(AcpiParser.TryParseFadt(t, out var f, out var err), err);
            Assert.Equal(0x1_0000_0000ul, f.DsdtAddress);
            Assert.Equal(0x7FE0040u, f.Dsdt32);
            Assert.True(f.ResetSupported);
            Assert.Equal(AcpiAddressSpace.SystemIO, f.ResetRegister.AddressSpace);
            Assert.Equal(0xCF9ul, f.ResetRegister.Address);
            Assert.Equal(0x06, f.ResetValue);
            Assert.Equal(5, f.MinorVersion);
            Assert.Equal(AcpiAddressSpace.SystemMemory, f.Pm1aControlBlock.AddressSpace);
            Assert.Equal(0xFED0_0004ul, f.Pm1aControlBlock.Address);
            // X_PM1a_EVT_BLK is zero, so the legacy port is used.
            Assert.Equal(AcpiAddressSpace.SystemIO, f.Pm1aEventBlock.AddressSpace);
            Assert.Equal(0x600ul, f.Pm1aEventBlock.Address);
            Assert.True(f.Has8042);
            Assert.False(f.VgaNotPresent);
            Assert.Equal("io 0xCF9 (8 bit)", f.ResetRegister.ToString());
        }

        [Fact]
        public void Fadt_HardwareReduced_SleepRegisters()
        {
            var body = FadtBody(276);
            BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(112 - 36), 1u << 20);
            Gas(body, 244, 1, 8, 1, 0x404);
            Gas(body, 256, 1, 8, 1, 0x405);
            Assert.True(AcpiParser.TryParseFadt(Table("FACP", 6, body), out var f, out var err), err);
            Assert.True(f.HardwareReduced);
            Assert.Equal(0x404ul, f.SleepControlRegister.Address);
            Assert.Equal(0x405ul, f.SleepStatusRegister.Address);
        }

        [Fact]
        public void Fadt_TooShort_Fails()
        {
            Assert.False(AcpiParser.TryParseFadt(Table("FACP", 1, new byte[60]), out var f, out var err));
            Assert.Null(f);
            Assert.Contains("116", err);
        }

        [Fact]
        public void Fadt_BadChecksum_FailsUnlessIgnored()
        {
            var t = Table("FACP", 1, FadtBody(116));
            t[100] ^= 0x40;
            Assert.False(AcpiParser.TryParseFadt(t, out _, out var err));
            Assert.Contains("checksum", err);
            Assert.True(AcpiParser.TryParseFadt(t, out var f, out err, ignoreChecksum: true), err);
            Assert.Equal(0x604ul, f.Pm1aControlBlock.Address);
        }

        [Fact]
        public void Fadt_WrongSignature_Fails()
        {
            Assert.False(AcpiParser.TryParseFadt(Table("APIC", 1, FadtBody(116)), out _, out var err));
            Assert.Contains("FACP", err);
        }

        [Fact]
        public void GenericAddress_Parses()
        {
            var b = new byte[] { 2, 8, 0, 1, 0x04, 0x02, 0x03, 0x00, 0x1F, 0x00, 0x00, 0x00 };
            var g = GenericAddress.Parse(b);
            Assert.Equal(AcpiAddressSpace.PciConfiguration, g.AddressSpace);
            Assert.Equal(8, g.BitWidth);
            Assert.Equal(1, g.AccessSize);
            Assert.Equal(0x1F_0003_0204ul, g.Address);
            Assert.Throws<ArgumentException>(() => GenericAddress.Parse(new byte[5]));
        }
    }
}
