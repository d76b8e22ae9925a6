using System;
using System.Buffers.Binary;

namespace Cosmos.HAL.Firmware.Acpi
{
    /// <summary>
    /// Pure parsers for the ACPI structures the HAL needs. Every function works on a
    /// <see cref="ReadOnlySpan{T}"/> (no I/O, no pointers into physical memory), never throws on
    /// malformed data and reports the reason in an error string instead, so it runs in host
    /// tests. Sources: ACPI 6.5 §5.2.5 (RSDP), §5.2.6 (header), §5.2.7/§5.2.8 (RSDT/XSDT),
    /// §5.2.9 (FADT). AML byte code is scanned by <see cref="AmlScanner"/>; the MADT is <see cref="MADT"/>.
    /// </summary>
    public static class AcpiParser
    {
        /// <summary>Length of the ACPI 1.0 RSDP (checksum covers these bytes).</summary>
        public const int RsdpV1Length = 20;
        /// <summary>Length of the ACPI 2.0+ RSDP (extended checksum covers Length bytes).</summary>
        public const int RsdpV2Length = 36;
        /// <summary>Sanity limit on any table's length (64 MiB); larger lengths are treated as corrupt.</summary>
        public const uint MaxTableLength = 64u << 20;
        /// <summary>Sanity limit on the number of RSDT/XSDT entries.</summary>
        public const int MaxRootEntries = 4096;

        /// <summary>Sum of all bytes modulo 256; a valid ACPI structure sums to 0.</summary>
        public static byte Checksum(ReadOnlySpan<byte> data)
        {
            byte sum = 0;
            for (int i = 0; i < data.Length; i++) sum += data[i];
            return sum;
        }

        /// <summary>True when the first 4 bytes of <paramref name="data"/> are the ASCII <paramref name="signature"/>.</summary>
        public static bool SignatureIs(ReadOnlySpan<byte> data, string signature)
        {
            if (signature == null || data.Length < signature.Length) return false;
            for (int i = 0; i < signature.Length; i++)
                if (data[i] != (byte)signature[i]) return false;
            return true;
        }

        /// <summary>
        /// Decodes an RSDP whose first byte is the "RSD PTR " signature. Checks the signature,
        /// the 20-byte checksum and, for revision 2 or later, the Length field (36 or more,
        /// within <paramref name="data"/>) and the extended checksum. ACPI 6.5 §5.2.5.3.
        /// </summary>
        public static bool TryParseRsdp(ReadOnlySpan<byte> data, out AcpiRsdp rsdp, out string error)
        {
            rsdp = null;
            if (data.Length < RsdpV1Length) { error = string.Concat("RSDP: only ", HalFormat.Dec((ulong)data.Length), " bytes (need 20)"); return false; }
            if (!SignatureIs(data, "RSD PTR ")) { error = "RSDP: signature is not \"RSD PTR \""; return false; }
            if (Checksum(data.Slice(0, RsdpV1Length)) != 0) { error = "RSDP: checksum of the first 20 bytes is not zero"; return false; }
            var r = new AcpiRsdp
            {
                OemId = HalFormat.AsciiTrimmed(data.Slice(9, 6)),
                Revision = data[15],
                RsdtAddress = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(16)),
                Length = RsdpV1Length,
            };
            if (r.Revision >= 2)
            {
                if (data.Length < RsdpV2Length) { error = string.Concat("RSDP: revision ", HalFormat.Dec((ulong)r.Revision), " needs 36 bytes, have ", HalFormat.Dec((ulong)data.Length)); return false; }
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(20));
                if (len < RsdpV2Length || len > data.Length) { error = string.Concat("RSDP: Length field ", HalFormat.Dec((ulong)len), " is out of range"); return false; }
                if (Checksum(data.Slice(0, (int)len)) != 0) { error = "RSDP: extended checksum is not zero"; return false; }
                r.Length = len;
                r.XsdtAddress = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(24));
            }
            rsdp = r;
            error = null;
            return true;
        }

        /// <summary>
        /// Finds the first valid RSDP in a memory region copy that starts on a 16-byte boundary
        /// (the RSDP is always 16-byte aligned, ACPI 6.5 §5.2.5.1). Returns its offset, or -1.
        /// Candidates with the signature but a bad checksum are skipped; the last such reason is
        /// returned in <paramref name="lastError"/> (null when no signature was seen at all).
        /// </summary>
        public static int FindRsdp(ReadOnlySpan<byte> region, out AcpiRsdp rsdp, out string lastError)
        {
            rsdp = null;
            lastError = null;
            for (int off = 0; off + RsdpV1Length <= region.Length; off += 16)
            {
                if (region[off] != (byte)'R' || !SignatureIs(region.Slice(off), "RSD PTR ")) continue;
                if (TryParseRsdp(region.Slice(off), out rsdp, out string err)) return off;
                lastError = err;
            }
            return -1;
        }

        /// <summary>Decodes the 36-byte header; fails when fewer bytes are given.</summary>
        public static bool TryParseHeader(ReadOnlySpan<byte> data, out AcpiTableHeader header, out string error)
        {
            header = default;
            if (data.Length < AcpiTableHeader.Size) { error = string.Concat("table header: only ", HalFormat.Dec((ulong)data.Length), " bytes (need 36)"); return false; }
            header = new AcpiTableHeader(data);
            error = null;
            return true;
        }

        /// <summary>
        /// Validates a whole table: header present, signature equal to
        /// <paramref name="expectedSignature"/> (null accepts any), Length between 36 and
        /// <see cref="MaxTableLength"/> and not beyond <paramref name="data"/>, and a zero
        /// checksum over Length bytes. On success <paramref name="header"/> is filled; on a
        /// checksum failure it is filled too (so callers can list the table) but false is returned.
        /// </summary>
        public static bool TryValidateTable(ReadOnlySpan<byte> data, string expectedSignature, out AcpiTableHeader header, out string error)
            => ValidateTable(data, expectedSignature, true, out header, out error);

        private static bool ValidateTable(ReadOnlySpan<byte> data, string expectedSignature, bool checkSum, out AcpiTableHeader header, out string error)
        {
            if (!TryParseHeader(data, out header, out error)) return false;
            if (expectedSignature != null && !SignatureIs(data, expectedSignature))
            {
                error = string.Concat("expected table \"", expectedSignature, "\", found \"", header.Signature, "\"");
                return false;
            }
            if (header.Length < AcpiTableHeader.Size || header.Length > MaxTableLength)
            {
                error = string.Concat(header.Signature, ": Length ", HalFormat.Dec((ulong)header.Length), " is out of range");
                return false;
            }
            if (header.Length > (uint)data.Length)
            {
                error = string.Concat(header.Signature, ": Length ", HalFormat.Dec((ulong)header.Length), " runs past the ", HalFormat.Dec((ulong)data.Length), " bytes available");
                return false;
            }
            if (checkSum && Checksum(data.Slice(0, (int)header.Length)) != 0)
            {
                error = string.Concat(header.Signature, ": checksum is not zero");
                return false;
            }
            error = null;
            return true;
        }

        /// <summary>
        /// Reads the entry array of a validated RSDT (4-byte entries, ACPI 6.5 §5.2.7) or XSDT
        /// (8-byte entries, §5.2.8). The table must pass <see cref="TryValidateTable"/> with
        /// signature "RSDT"/"XSDT". Trailing bytes that do not form a whole entry are ignored; more
        /// than <see cref="MaxRootEntries"/> entries is treated as corruption.
        /// </summary>
        public static bool TryParseRootTable(ReadOnlySpan<byte> table, bool isXsdt, out ulong[] entries, out string error)
        {
            entries = null;
            if (!TryValidateTable(table, isXsdt ? "XSDT" : "RSDT", out var header, out error)) return false;
            int size = isXsdt ? 8 : 4;
            int count = ((int)header.Length - AcpiTableHeader.Size) / size;
            if (count > MaxRootEntries)
            {
                error = string.Concat(header.Signature, ": ", HalFormat.Dec((ulong)count), " entries is implausible (limit ", HalFormat.Dec((ulong)MaxRootEntries), ")");
                return false;
            }
            var list = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                var e = table.Slice(AcpiTableHeader.Size + i * size);
                list[i] = isXsdt ? BinaryPrimitives.ReadUInt64LittleEndian(e) : BinaryPrimitives.ReadUInt32LittleEndian(e);
            }
            entries = list;
            return true;
        }

        /// <summary>
        /// Decodes a FADT ("FACP"). The table must be at least <see cref="AcpiFadt.MinimumLength"/>
        /// (116) bytes; later fields are read only when Length covers them. A bad checksum is an
        /// error (use <paramref name="ignoreChecksum"/> to accept it, as some firmware ships one).
        /// Offsets per ACPI 6.5 Table 5.9.
        /// </summary>
        public static bool TryParseFadt(ReadOnlySpan<byte> table, out AcpiFadt fadt, out string error, bool ignoreChecksum = false)
        {
            fadt = null;
            if (!ValidateTable(table, "FACP", !ignoreChecksum, out var header, out error)) return false;
            if (header.Length < AcpiFadt.MinimumLength)
            {
                error = string.Concat("FACP: Length ", HalFormat.Dec((ulong)header.Length), " is shorter than the ACPI 1.0 minimum of 116 bytes");
                return false;
            }
            var t = table.Slice(0, (int)header.Length);
            var f = new AcpiFadt { Header = header };
            f.FirmwareCtrl = U32(t, 36);
            f.Dsdt32 = U32(t, 40);
            f.PreferredPmProfile = t[45];
            f.SciInterrupt = U16(t, 46);
            f.SmiCommandPort = U32(t, 48);
            f.AcpiEnable = t[52];
            f.AcpiDisable = t[53];
            uint pm1aEvt = U32(t, 56), pm1bEvt = U32(t, 60), pm1aCnt = U32(t, 64), pm1bCnt = U32(t, 68);
            uint pm2Cnt = U32(t, 72), pmTmr = U32(t, 76);
            f.Pm1EventLength = t[88];
            f.Pm1ControlLength = t[89];
            byte pm2Len = t[90];
            f.PmTimerLength = t[91];
            f.Century = t[108];
            // IAPC_BOOT_ARCH is reserved in ACPI 1.0 (FADT revision 1).
            f.IaPcBootArch = header.Revision >= 2 ? U16(t, 109) : (ushort)0;
            f.Flags = U32(t, 112);
            if (t.Length >= 129)
            {
                f.ResetRegister = GenericAddress.Parse(t.Slice(116));
                f.ResetValue = t[128];
            }
            if (t.Length >= 132) f.MinorVersion = t[131];
            if (t.Length >= 140) f.XFirmwareCtrl = U64(t, 132);
            if (t.Length >= 148) f.XDsdt = U64(t, 140);

            f.Pm1aEventBlock = Merge(t, 148, pm1aEvt, f.Pm1EventLength);
            f.Pm1bEventBlock = Merge(t, 160, pm1bEvt, f.Pm1EventLength);
            f.Pm1aControlBlock = Merge(t, 172, pm1aCnt, f.Pm1ControlLength);
            f.Pm1bControlBlock = Merge(t, 184, pm1bCnt, f.Pm1ControlLength);
            f.Pm2ControlBlock = Merge(t, 196, pm2Cnt, pm2Len);
            f.PmTimerBlock = Merge(t, 208, pmTmr, f.PmTimerLength);
            if (t.Length >= 256) f.SleepControlRegister = GenericAddress.Parse(t.Slice(244));
            if (t.Length >= 268) f.SleepStatusRegister = GenericAddress.Parse(t.Slice(256));

            fadt = f;
            error = null;
            return true;
        }

        private static GenericAddress Merge(ReadOnlySpan<byte> t, int xOffset, uint legacyPort, byte legacyLen)
        {
            if (t.Length >= xOffset + GenericAddress.Size)
            {
                var x = GenericAddress.Parse(t.Slice(xOffset));
                if (x.IsPresent) return x;
            }
            return legacyPort != 0 ? GenericAddress.IoPort(legacyPort, legacyLen) : default;
        }

        private static ushort U16(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt16LittleEndian(t.Slice(o));
        private static uint U32(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt32LittleEndian(t.Slice(o));
        private static ulong U64(ReadOnlySpan<byte> t, int o) => BinaryPrimitives.ReadUInt64LittleEndian(t.Slice(o));
    }
}
