using System;
using System.Collections.Generic;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.HAL
{
    /// <summary>One ACPI table seen while walking the RSDT/XSDT (plus the DSDT), for diagnostics.</summary>
    public sealed class AcpiTableInfo
    {
        /// <summary>4-character signature ("????" when unreadable).</summary>
        public string Signature;
        /// <summary>Physical address of the table header.</summary>
        public ulong Address;
        /// <summary>Length from the header, in bytes (0 when unreadable).</summary>
        public uint Length;
        /// <summary>Header revision.</summary>
        public byte Revision;
        /// <summary>OEM ID from the header.</summary>
        public string OemId;
        /// <summary>OEM table ID from the header.</summary>
        public string OemTableId;
        /// <summary>True when the checksum over Length bytes is zero.</summary>
        public bool ChecksumValid;
        /// <summary>Why the table is unusable or suspicious, or null.</summary>
        public string Error;
    }

    /// <summary>
    /// ACPI table discovery, S5 soft-off and reset (Cosmos API name <c>ACPI</c>). No AML
    /// interpreter: \_S5_ is decoded from the DSDT/SSDT byte code, so \_PTS/\_GTS are not run.
    /// Call <see cref="Initialize"/> (or <see cref="Start"/>) once the heap is up. Never throws
    /// while parsing: problems land in <see cref="Error"/>/<see cref="Warnings"/>.
    /// Sources: ACPI 6.5 §5.2.5 (finding the RSDP), §5.2.9 (FADT), §4.8.3 (PM1 control:
    /// SCI_EN bit 0, SLP_TYPx bits 10-12, SLP_EN bit 13), §4.8.3.6 (reset register),
    /// §4.8.3.7 (sleep control register), §16.1.6/§7.4.2 (entering S5).
    /// </summary>
    public static unsafe class ACPI
    {
        private const ushort SciEnable = 1 << 0;
        private const ushort SlpTypMask = 7 << 10;
        private const ushort SlpEnable = 1 << 13;

        private static bool s_initialized;
        private static bool s_available;
        private static string s_error;
        private static List<string> s_warnings;
        private static List<AcpiTableInfo> s_tables;

        /// <summary>True after <see cref="Initialize"/> ran (successfully or not).</summary>
        public static bool IsInitialized => s_initialized;
        /// <summary>True when an RSDP and a valid RSDT/XSDT were found.</summary>
        public static bool IsAvailable => s_available;
        /// <summary>The reason ACPI is unavailable or the FADT unusable, or null.</summary>
        public static string Error => s_error;
        /// <summary>Non-fatal problems (bad checksums, unreadable entries, missing \_S5_ ...). Empty before Initialize.</summary>
        public static IReadOnlyList<string> Warnings => (IReadOnlyList<string>)s_warnings ?? Array.Empty<string>();
        /// <summary>Every table referenced by the root table, plus the DSDT. Empty before Initialize.</summary>
        public static IReadOnlyList<AcpiTableInfo> Tables => (IReadOnlyList<AcpiTableInfo>)s_tables ?? Array.Empty<AcpiTableInfo>();

        /// <summary>The decoded RSDP, or null.</summary>
        public static AcpiRsdp Rsdp { get; private set; }
        /// <summary>Address the RSDP was read from (inside the Multiboot2 tag when it came from the boot loader).</summary>
        public static ulong RsdpAddress { get; private set; }
        /// <summary>Where the RSDP came from: "Multiboot2 tag 15", "Multiboot2 tag 14", "EBDA", "BIOS area 0xE0000-0xFFFFF".</summary>
        public static string RsdpSource { get; private set; }
        /// <summary>Physical address of the root table in use.</summary>
        public static ulong RootTableAddress { get; private set; }
        /// <summary>True when the XSDT is in use, false for the RSDT.</summary>
        public static bool UsingXsdt { get; private set; }
        /// <summary>The decoded FADT, or null when missing or malformed.</summary>
        public static AcpiFadt FADT { get; private set; }
        /// <summary>Physical address of the FADT ("FACP"), or 0.</summary>
        public static ulong FadtAddress { get; private set; }
        /// <summary>Physical address of the DSDT, or 0.</summary>
        public static ulong DsdtAddress { get; private set; }
        /// <summary>Physical address of the MADT ("APIC") for the APIC driver, or 0.</summary>
        public static ulong MadtAddress { get; private set; }
        /// <summary>True when \_S5_ was decoded.</summary>
        public static bool HasS5 { get; private set; }
        /// <summary>SLP_TYPa/SLP_TYPb for S5 (valid when <see cref="HasS5"/>).</summary>
        public static AcpiSleepType S5 { get; private set; }
        /// <summary>Which table held \_S5_ ("DSDT" or "SSDT at 0x...").</summary>
        public static string S5Source { get; private set; }
        /// <summary>Why \_S5_ could not be decoded, or null.</summary>
        public static string S5Error { get; private set; }

        /// <summary>Cosmos name for <see cref="Initialize"/>.</summary>
        public static bool Start() => Initialize();

        /// <summary>
        /// Finds the RSDP (Multiboot2 tag 15, then 14, then the EBDA and 0xE0000-0xFFFFF scan),
        /// validates and walks the XSDT (or RSDT), decodes the FADT, locates the DSDT and MADT
        /// and decodes \_S5_. Idempotent. Returns <see cref="IsAvailable"/>.
        /// </summary>
        public static bool Initialize()
        {
            if (s_initialized) return s_available;
            s_initialized = true;
            s_warnings = new List<string>();
            s_tables = new List<AcpiTableInfo>();

            if (!FindRsdp()) { if (s_error == null) s_error = "no valid RSDP found (Multiboot2 tags 14/15, EBDA, 0xE0000-0xFFFFF)"; return false; }
            if (!LoadRootTable(out ulong[] entries)) return false;
            s_available = true;

            ulong fadt = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                var info = Describe(entries[i]);
                s_tables.Add(info);
                if (info.Error != null) { Warn(string.Concat("table entry ", HalFormat.Dec((ulong)i), " at ", HalFormat.Hex(entries[i]), ": ", info.Error)); continue; }
                if (!info.ChecksumValid) Warn(string.Concat(info.Signature, " at ", HalFormat.Hex(info.Address), ": checksum is not zero (used anyway)"));
                if (info.Signature == "FACP" && fadt == 0) fadt = info.Address;
                if (info.Signature == "APIC" && MadtAddress == 0) MadtAddress = info.Address;
            }

            if (fadt == 0) { s_error = "no FADT (\"FACP\") in the root table"; return true; }
            FadtAddress = fadt;
            if (!AcpiParser.TryParseFadt(TableSpan(fadt), out var f, out string err, ignoreChecksum: true))
            {
                s_error = err;
                return true;
            }
            FADT = f;
            LoadDsdtAndS5(f);
            return true;
        }

        private static void Warn(string s) => s_warnings.Add(s);

        private static bool FindRsdp()
        {
            string problems = null;
            uint[] tags = { Multiboot2.TagAcpiNewRsdp, Multiboot2.TagAcpiOldRsdp };
            for (int t = 0; t < tags.Length; t++)
            {
                byte* tag = Multiboot2.FindTag(tags[t]);
                if (tag == null) continue;
                uint size = *(uint*)(tag + 4);
                if (size <= 8) { Warn(string.Concat("Multiboot2 tag ", HalFormat.Dec((ulong)tags[t]), " is empty")); continue; }
                var data = new ReadOnlySpan<byte>(tag + 8, (int)(size - 8));
                if (AcpiParser.TryParseRsdp(data, out var r, out string err))
                {
                    SetRsdp(r, (ulong)(tag + 8), string.Concat("Multiboot2 tag ", HalFormat.Dec((ulong)tags[t])));
                    return true;
                }
                Warn(string.Concat("Multiboot2 tag ", HalFormat.Dec((ulong)tags[t]), ": ", err));
                problems = err;
            }

            // EBDA: its segment is the word at 0x40E of the BIOS data area. Page 0 is unmapped in
            // this kernel (null guard), so when it cannot be read, scan the whole area the EBDA can
            // occupy (0x80000-0x9FFFF) instead of its first KiB.
            ulong ebdaStart = 0x80000, ebdaEnd = 0xA0000;
            if (Paging.IsMapped(0x40E))
            {
                ulong seg = *(ushort*)0x40E;
                ulong ebda = seg << 4;
                if (ebda >= 0x80000 && ebda < 0xA0000) { ebdaStart = ebda; ebdaEnd = Math.Min(ebda + 1024, 0xA0000); }
            }
            if (ScanRegion(ebdaStart, ebdaEnd, "EBDA", ref problems)) return true;
            if (ScanRegion(0xE0000, 0x100000, "BIOS area 0xE0000-0xFFFFF", ref problems)) return true;
            if (problems != null) s_error = string.Concat("no valid RSDP: ", problems);
            return false;
        }

        private static bool ScanRegion(ulong start, ulong end, string name, ref string problems)
        {
            if (!IsReadable(start, end - start)) return false;
            var region = new ReadOnlySpan<byte>((void*)start, (int)(end - start));
            int off = AcpiParser.FindRsdp(region, out var r, out string err);
            if (off >= 0) { SetRsdp(r, start + (ulong)off, name); return true; }
            if (err != null) { Warn(string.Concat(name, ": ", err)); problems = err; }
            return false;
        }

        private static void SetRsdp(AcpiRsdp r, ulong address, string source)
        {
            Rsdp = r; RsdpAddress = address; RsdpSource = source;
        }

        private static bool LoadRootTable(out ulong[] entries)
        {
            entries = null;
            string err;
            if (Rsdp.Revision >= 2 && Rsdp.XsdtAddress != 0)
            {
                if (TryRoot(Rsdp.XsdtAddress, true, out entries, out err)) { RootTableAddress = Rsdp.XsdtAddress; UsingXsdt = true; return true; }
                Warn(string.Concat("XSDT at ", HalFormat.Hex(Rsdp.XsdtAddress), " unusable (", err, "); falling back to the RSDT"));
            }
            if (Rsdp.RsdtAddress == 0) { s_error = "RSDP has no usable RSDT/XSDT address"; return false; }
            if (TryRoot(Rsdp.RsdtAddress, false, out entries, out err)) { RootTableAddress = Rsdp.RsdtAddress; UsingXsdt = false; return true; }
            s_error = string.Concat("RSDT at ", HalFormat.Hex(Rsdp.RsdtAddress), ": ", err);
            return false;
        }

        private static bool TryRoot(ulong address, bool xsdt, out ulong[] entries, out string error)
        {
            entries = null;
            var span = TableSpan(address);
            if (span.IsEmpty) { error = "address is not readable or the header is invalid"; return false; }
            return AcpiParser.TryParseRootTable(span, xsdt, out entries, out error);
        }

        private static AcpiTableInfo Describe(ulong address)
        {
            var info = new AcpiTableInfo { Signature = "????", Address = address };
            if (!IsReadable(address, AcpiTableHeader.Size)) { info.Error = "address is not readable"; return info; }
            var head = new ReadOnlySpan<byte>((void*)address, AcpiTableHeader.Size);
            AcpiParser.TryParseHeader(head, out var h, out _);
            info.Signature = h.Signature; info.Length = h.Length; info.Revision = h.Revision;
            info.OemId = h.OemId; info.OemTableId = h.OemTableId;
            var span = TableSpan(address);
            if (span.IsEmpty) { info.Error = string.Concat("Length ", HalFormat.Dec((ulong)h.Length), " is invalid or not readable"); return info; }
            info.ChecksumValid = AcpiParser.Checksum(span) == 0;
            return info;
        }

        /// <summary>The whole table at <paramref name="address"/> (Length from its header), or empty when unreadable/implausible.</summary>
        private static ReadOnlySpan<byte> TableSpan(ulong address)
        {
            if (address == 0 || !IsReadable(address, AcpiTableHeader.Size)) return default;
            uint len = *(uint*)(address + 4);
            if (len < AcpiTableHeader.Size || len > AcpiParser.MaxTableLength || !IsReadable(address, len)) return default;
            return new ReadOnlySpan<byte>((void*)address, (int)len);
        }

        /// <summary>
        /// True when [address, address+length) is identity-mapped. Ranges above 4 GiB are mapped
        /// on demand with <see cref="Paging.MapIdentity"/>; unmapped low pages (page 0, the stack
        /// guard) are refused.
        /// </summary>
        private static bool IsReadable(ulong address, ulong length)
        {
            if (address < 0x1000 || length == 0 || length > AcpiParser.MaxTableLength) return false;
            ulong end = address + length;
            if (end < address || end > (1UL << 46)) return false;
            if (end > Paging.BootMappedLimit) Paging.MapIdentity(Math.Max(address, Paging.BootMappedLimit), end);
            for (ulong page = address & ~0xFFFUL; page < end; page += 0x1000)
                if (!Paging.IsMapped(page)) return false;
            return true;
        }

        private static void LoadDsdtAndS5(AcpiFadt f)
        {
            ulong dsdt = f.DsdtAddress;
            string problem = null;
            if (dsdt == 0) problem = "FADT has no DSDT address";
            else
            {
                var span = TableSpan(dsdt);
                if (span.IsEmpty && f.XDsdt != 0 && f.Dsdt32 != 0 && f.Dsdt32 != f.XDsdt)
                {
                    Warn(string.Concat("X_DSDT ", HalFormat.Hex(f.XDsdt), " unreadable; using DSDT ", HalFormat.Hex((ulong)f.Dsdt32)));
                    dsdt = f.Dsdt32;
                    span = TableSpan(dsdt);
                }
                var info = Describe(dsdt);
                s_tables.Add(info);
                if (span.IsEmpty || info.Signature != "DSDT")
                    problem = string.Concat("DSDT at ", HalFormat.Hex(dsdt), " is not a readable \"DSDT\" table", info.Error != null ? string.Concat(" (", info.Error, ")") : "");
                else
                {
                    DsdtAddress = dsdt;
                    if (!info.ChecksumValid) Warn("DSDT: checksum is not zero (used anyway)");
                    if (AcpiParser.TryFindS5(span.Slice(AcpiTableHeader.Size), out var s5, out string err))
                    {
                        S5 = s5; HasS5 = true; S5Source = "DSDT";
                        return;
                    }
                    problem = string.Concat("DSDT: ", err);
                }
            }
            // Some firmware defines \_S5_ in an SSDT.
            for (int i = 0; i < s_tables.Count; i++)
            {
                var t = s_tables[i];
                if (t.Signature != "SSDT" || t.Error != null) continue;
                var span = TableSpan(t.Address);
                if (span.IsEmpty) continue;
                if (AcpiParser.TryFindS5(span.Slice(AcpiTableHeader.Size), out var s5, out _))
                {
                    S5 = s5; HasS5 = true; S5Source = string.Concat("SSDT at ", HalFormat.Hex(t.Address));
                    return;
                }
            }
            S5Error = problem;
            Warn(string.Concat("\\_S5_: ", problem));
        }

        /// <summary>Physical address of the <paramref name="index"/>-th table with <paramref name="signature"/> (e.g. "APIC", "HPET", "MCFG"), or 0.</summary>
        public static ulong FindTable(string signature, int index = 0)
        {
            if (!s_initialized) Initialize();
            if (s_tables == null) return 0;
            for (int i = 0; i < s_tables.Count; i++)
            {
                var t = s_tables[i];
                if (t.Error == null && t.Signature == signature && index-- == 0) return t.Address;
            }
            return 0;
        }

        /// <summary>The bytes of a table found by <see cref="FindTable"/> (header included), or an empty span.</summary>
        public static ReadOnlySpan<byte> GetTable(string signature, int index = 0) => TableSpan(FindTable(signature, index));

        /// <summary>
        /// Puts the platform into ACPI mode (ACPI 6.5 §16.3.1): when PM1a_CNT.SCI_EN is clear, writes
        /// ACPI_ENABLE to SMI_CMD and waits up to 3 s for SCI_EN. True when SCI_EN is set afterwards,
        /// or when the platform is hardware-reduced or has no SMI_CMD (always in ACPI mode).
        /// </summary>
        public static bool Enable(out string error)
        {
            error = null;
            if (!s_initialized) Initialize();
            var f = FADT;
            if (f == null) { error = string.Concat("no FADT: ", s_error ?? "ACPI not initialized"); return false; }
            if (f.HardwareReduced) return true;
            if (!f.Pm1aControlBlock.IsPresent) { error = "FADT has no PM1a_CNT_BLK"; return false; }
            if ((AcpiRegisters.Read16(f.Pm1aControlBlock) & SciEnable) != 0) return true;
            if (f.SmiCommandPort == 0 || f.AcpiEnable == 0) return true; // no legacy mode to leave
            IOPort.Write8((ushort)f.SmiCommandPort, f.AcpiEnable);
            for (int i = 0; i < 300; i++)
            {
                if ((AcpiRegisters.Read16(f.Pm1aControlBlock) & SciEnable) != 0) return true;
                PIT.Wait(10);
            }
            error = string.Concat("SCI_EN still clear 3 s after writing ", HalFormat.Hex(f.AcpiEnable), " to SMI_CMD ", HalFormat.Hex(f.SmiCommandPort));
            return false;
        }

        /// <summary>
        /// Enters S5 (soft off). Legacy platforms: enable ACPI mode, write SLP_TYPa to PM1a_CNT
        /// (and SLP_TYPb to PM1b_CNT when present), then the same with SLP_EN (16-bit accesses).
        /// Hardware-reduced platforms: SLP_TYPa (bits 2-4) | SLP_EN (bit 5) to SLEEP_CONTROL_REG.
        /// Throws <see cref="InvalidOperationException"/> saying why when ACPI, the FADT or \_S5_
        /// is missing, or when the machine is still running 2 s after the request.
        /// </summary>
        public static void Shutdown()
        {
            if (!s_initialized) Initialize();
            var f = FADT;
            if (f == null) throw new InvalidOperationException(string.Concat("ACPI shutdown impossible: ", s_error ?? "no FADT"));
            if (!HasS5) throw new InvalidOperationException(string.Concat("ACPI shutdown impossible: \\_S5_ not found (", S5Error ?? "unknown", ")"));
            byte a = (byte)(S5.SlpTypA & 7), b = (byte)(S5.SlpTypB & 7);
            string what;
            if (f.HardwareReduced)
            {
                if (!f.SleepControlRegister.IsPresent) throw new InvalidOperationException("ACPI shutdown impossible: hardware-reduced FADT without SLEEP_CONTROL_REG");
                if (!AcpiRegisters.Write(f.SleepControlRegister, (ulong)((a << 2) | (1 << 5)), 8, out string err))
                    throw new InvalidOperationException(string.Concat("ACPI shutdown: ", err));
                what = string.Concat("SLEEP_CONTROL_REG ", f.SleepControlRegister.ToString());
            }
            else
            {
                if (!f.Pm1aControlBlock.IsPresent) throw new InvalidOperationException("ACPI shutdown impossible: FADT has no PM1a_CNT_BLK");
                Enable(out _); // best effort: some firmware ignores SCI_EN for SLP_EN
                bool hasB = f.Pm1bControlBlock.IsPresent;
                ushort va = (ushort)((AcpiRegisters.Read16(f.Pm1aControlBlock) & ~(SlpTypMask | SlpEnable)) | (a << 10));
                ushort vb = hasB ? (ushort)((AcpiRegisters.Read16(f.Pm1bControlBlock) & ~(SlpTypMask | SlpEnable)) | (b << 10)) : (ushort)0;
                AcpiRegisters.Write16(f.Pm1aControlBlock, va);
                if (hasB) AcpiRegisters.Write16(f.Pm1bControlBlock, vb);
                AcpiRegisters.Write16(f.Pm1aControlBlock, (ushort)(va | SlpEnable));
                if (hasB) AcpiRegisters.Write16(f.Pm1bControlBlock, (ushort)(vb | SlpEnable));
                what = string.Concat("PM1a_CNT ", f.Pm1aControlBlock.ToString());
            }
            for (int i = 0; i < 200; i++) PIT.Wait(10);
            throw new InvalidOperationException(string.Concat("ACPI shutdown: S5 requested via ", what, " with SLP_TYPa=",
                HalFormat.Dec((ulong)a), " SLP_TYPb=", HalFormat.Dec((ulong)b), ", but the machine is still running after 2 s"));
        }

        /// <summary>
        /// Resets the machine: the FADT reset register (RESET_VALUE to RESET_REG in I/O, memory or
        /// PCI configuration space; ACPI 6.5 §4.8.3.6) when the FADT flags say RESET_REG_SUP, else
        /// or if that did nothing within 0.5 s, the 8042 reset pulse (0xFE to port 0x64). Throws
        /// <see cref="InvalidOperationException"/> listing each method's failure when still running.
        /// </summary>
        public static void Reboot()
        {
            if (!s_initialized) Initialize();
            string why;
            var f = FADT;
            if (f == null) why = string.Concat("no FADT (", s_error ?? "ACPI unavailable", ")");
            else if (!f.ResetSupported) why = "FADT does not advertise RESET_REG_SUP";
            else if (!AcpiRegisters.Write(f.ResetRegister, f.ResetValue, 8, out string err)) why = string.Concat("reset register: ", err);
            else
            {
                PIT.Wait(500);
                why = string.Concat("writing ", HalFormat.Hex(f.ResetValue), " to reset register ", f.ResetRegister.ToString(), " did not reset");
            }

            if (PS2Controller.TryPulseReset(out string kbcErr))
            {
                PIT.Wait(500);
                why = string.Concat(why, "; 8042 reset pulse did not reset");
            }
            else why = string.Concat(why, "; ", kbcErr);
            throw new InvalidOperationException(string.Concat("Reboot failed: ", why));
        }

        /// <summary>Human-readable lines describing what was found (for a shell diagnostics command).</summary>
        public static List<string> GetDiagnostics()
        {
            if (!s_initialized) Initialize();
            var lines = new List<string>();
            if (Rsdp != null)
                lines.Add(string.Concat("RSDP rev ", HalFormat.Dec((ulong)Rsdp.Revision), " OEM \"", Rsdp.OemId, "\" from ", RsdpSource, " at ", HalFormat.Hex(RsdpAddress)));
            if (RootTableAddress != 0)
                lines.Add(string.Concat(UsingXsdt ? "XSDT" : "RSDT", " at ", HalFormat.Hex(RootTableAddress)));
            for (int i = 0; i < s_tables.Count; i++)
            {
                var t = s_tables[i];
                lines.Add(string.Concat("  ", t.Signature, " ", HalFormat.Hex(t.Address, 8), " len ", HalFormat.Dec((ulong)t.Length),
                    " rev ", HalFormat.Dec((ulong)t.Revision), " ", t.OemId ?? "", " ", t.OemTableId ?? "",
                    t.Error != null ? string.Concat(" ERROR: ", t.Error) : (t.ChecksumValid ? "" : " (bad checksum)")));
            }
            var f = FADT;
            if (f != null)
            {
                lines.Add(string.Concat("FADT rev ", HalFormat.Dec((ulong)f.Header.Revision), ".", HalFormat.Dec((ulong)f.MinorVersion),
                    " flags ", HalFormat.Hex(f.Flags), " boot_arch ", HalFormat.Hex(f.IaPcBootArch), " SCI ", HalFormat.Dec((ulong)f.SciInterrupt)));
                lines.Add(string.Concat("  SMI_CMD ", HalFormat.Hex(f.SmiCommandPort), " ACPI_ENABLE ", HalFormat.Hex(f.AcpiEnable), " century ", HalFormat.Hex(f.Century)));
                lines.Add(string.Concat("  PM1a_CNT ", f.Pm1aControlBlock.ToString(), "  PM1b_CNT ", f.Pm1bControlBlock.ToString()));
                lines.Add(string.Concat("  PM_TMR ", f.PmTimerBlock.ToString(), "  reset ", f.ResetRegister.ToString(), " value ", HalFormat.Hex(f.ResetValue),
                    f.ResetSupported ? " (supported)" : " (not supported)"));
                if (f.HardwareReduced) lines.Add(string.Concat("  hardware-reduced; SLEEP_CONTROL ", f.SleepControlRegister.ToString()));
            }
            if (HasS5) lines.Add(string.Concat("\\_S5_ SLP_TYPa=", HalFormat.Dec((ulong)S5.SlpTypA), " SLP_TYPb=", HalFormat.Dec((ulong)S5.SlpTypB), " from ", S5Source));
            if (MadtAddress != 0) lines.Add(string.Concat("MADT at ", HalFormat.Hex(MadtAddress)));
            if (s_error != null) lines.Add(string.Concat("ERROR: ", s_error));
            for (int i = 0; i < s_warnings.Count; i++) lines.Add(string.Concat("warning: ", s_warnings[i]));
            return lines;
        }
    }

    /// <summary>Reads and writes registers described by a <see cref="GenericAddress"/> (ACPI 6.5 §5.2.3.2).</summary>
    internal static unsafe class AcpiRegisters
    {
        public static ushort Read16(in GenericAddress g)
        {
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO: return IOPort.Read16((ushort)g.Address);
                case AcpiAddressSpace.SystemMemory: return g.Address >= 0x1000 && g.Address < Paging.BootMappedLimit ? *(ushort*)g.Address : (ushort)0;
                default: return 0;
            }
        }

        public static void Write16(in GenericAddress g, ushort value)
        {
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO: IOPort.Write16((ushort)g.Address, value); break;
                case AcpiAddressSpace.SystemMemory:
                    if (g.Address < 0x1000 || g.Address + 2 > Paging.BootMappedLimit)
                        throw new InvalidOperationException(string.Concat("PM1 control register at memory ", HalFormat.Hex(g.Address), " is not mapped"));
                    *(ushort*)g.Address = value;
                    break;
                default:
                    throw new InvalidOperationException(string.Concat("unsupported address space ", HalFormat.Hex((byte)g.AddressSpace), " for a PM1 control register"));
            }
        }

        /// <summary>Writes <paramref name="value"/> with the GAS access width (or <paramref name="defaultBits"/> when unspecified).</summary>
        public static bool Write(in GenericAddress g, ulong value, int defaultBits, out string error)
        {
            error = null;
            int bits = g.AccessSize switch { 1 => 8, 2 => 16, 3 => 32, 4 => 64, _ => 0 };
            if (bits == 0) bits = g.BitWidth is 8 or 16 or 32 or 64 ? g.BitWidth : defaultBits;
            value <<= g.BitOffset;
            switch (g.AddressSpace)
            {
                case AcpiAddressSpace.SystemIO:
                    if (g.Address > 0xFFFF) { error = string.Concat("I/O port ", HalFormat.Hex(g.Address), " out of range"); return false; }
                    ushort port = (ushort)g.Address;
                    if (bits == 8) IOPort.Write8(port, (byte)value);
                    else if (bits == 16) IOPort.Write16(port, (ushort)value);
                    else if (bits == 32) IOPort.Write32(port, (uint)value);
                    else { error = "64-bit I/O port access is impossible"; return false; }
                    return true;
                case AcpiAddressSpace.SystemMemory:
                    if (g.Address < 0x1000 || g.Address + 8 > Paging.BootMappedLimit) { error = string.Concat("memory address ", HalFormat.Hex(g.Address), " is not mapped"); return false; }
                    if (bits == 8) *(byte*)g.Address = (byte)value;
                    else if (bits == 16) *(ushort*)g.Address = (ushort)value;
                    else if (bits == 32) *(uint*)g.Address = (uint)value;
                    else *(ulong*)g.Address = value;
                    return true;
                case AcpiAddressSpace.PciConfiguration:
                {
                    // Segment 0, bus 0; Address = device<<32 | function<<16 | offset (ACPI 6.5 §5.2.3.2).
                    uint dev = (uint)(g.Address >> 32) & 0xFFFF, fn = (uint)(g.Address >> 16) & 0xFFFF, off = (uint)g.Address & 0xFFFF;
                    if (dev > 31 || fn > 7 || off > 255) { error = string.Concat("PCI config address ", HalFormat.Hex(g.Address), " out of range"); return false; }
                    IOPort.Write32(0xCF8, 0x80000000u | (dev << 11) | (fn << 8) | (off & 0xFC));
                    ushort data = (ushort)(0xCFC + (off & 3));
                    if (bits == 8) IOPort.Write8(data, (byte)value);
                    else if (bits == 16) IOPort.Write16(data, (ushort)value);
                    else IOPort.Write32(data, (uint)value);
                    return true;
                }
                default:
                    error = string.Concat("unsupported address space ", HalFormat.Hex((byte)g.AddressSpace));
                    return false;
            }
        }
    }
}
