using System;
using System.Collections.Generic;
using Cosmos.Core;
using Cosmos.Core.Memory;
using Cosmos.HAL.Firmware.Acpi;

namespace Cosmos.HAL
{
    /// <summary>
    /// ACPI table discovery (Cosmos API name <c>ACPI</c>): the RSDP, the RSDT/XSDT and every table it lists, the
    /// FADT, the DSDT with \_S5_ (scanned by <see cref="AmlScanner"/>, no AML interpreter, so \_PTS/\_GTS are not
    /// run) and the MADT's address. Table parsing is <see cref="AcpiParser"/>; S5, reset and ACPI mode are
    /// <see cref="AcpiPower"/>. The device (<see cref="Instance"/>, stage <see cref="DeviceStage.Firmware"/>) holds
    /// what was found; starting it is <see cref="Initialize"/> (needs the heap), and it counts as started when an
    /// RSDP and a valid RSDT/XSDT were found. The static members forward to it. Never throws while parsing:
    /// problems land in <see cref="Error"/>/<see cref="Warnings"/>.
    /// Sources: ACPI 6.5 §5.2.5 (finding the RSDP), §5.2.7/§5.2.8 (RSDT/XSDT), §5.2.9 (FADT).
    /// </summary>
    public sealed unsafe class ACPI : Device, IResetMethod, IFirmwareTables
    {
        private static ACPI s_instance;

        private bool _initialized;
        private bool _available;
        private string _error;
        private List<string> _warnings;
        private List<AcpiTableInfo> _tables;
        private AcpiRsdp _rsdp;
        private ulong _rsdpAddress;
        private string _rsdpSource;
        private ulong _rootTableAddress;
        private bool _usingXsdt;
        private AcpiFadt _fadt;
        private ulong _fadtAddress;
        private ulong _dsdtAddress;
        private ulong _madtAddress;
        private bool _hasS5;
        private AcpiSleepType _s5;
        private string _s5Source;
        private string _s5Error;

        /// <summary>The ACPI device (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static ACPI Instance => s_instance ??= new ACPI();

        private ACPI() : base("ACPI", DeviceClass.Firmware, DeviceStage.Firmware) { }

        /// <inheritdoc/>
        protected override bool OnStart(out string error)
        {
            bool ok = Load();
            error = ok ? null : _error;
            return ok;
        }

        /// <summary>True after <see cref="Initialize"/> ran (successfully or not).</summary>
        public static bool IsInitialized => s_instance?._initialized ?? false;
        /// <summary>True when an RSDP and a valid RSDT/XSDT were found.</summary>
        public static bool IsAvailable => s_instance?._available ?? false;
        /// <summary>The reason ACPI is unavailable or the FADT unusable, or null.</summary>
        public static string Error => s_instance?._error;
        /// <summary>Non-fatal problems (bad checksums, unreadable entries, missing \_S5_ ...). Empty before Initialize.</summary>
        public static IReadOnlyList<string> Warnings => (IReadOnlyList<string>)s_instance?._warnings ?? Array.Empty<string>();
        /// <summary>Every table referenced by the root table, plus the DSDT. Empty before Initialize.</summary>
        public static IReadOnlyList<AcpiTableInfo> Tables => (IReadOnlyList<AcpiTableInfo>)s_instance?._tables ?? Array.Empty<AcpiTableInfo>();

        /// <summary>The decoded RSDP, or null.</summary>
        public static AcpiRsdp Rsdp => s_instance?._rsdp;
        /// <summary>Address the RSDP was read from (inside the Multiboot2 tag when it came from the boot loader).</summary>
        public static ulong RsdpAddress => s_instance?._rsdpAddress ?? 0;
        /// <summary>Where the RSDP came from: "Multiboot2 tag 15", "Multiboot2 tag 14", "EBDA", "BIOS area 0xE0000-0xFFFFF".</summary>
        public static string RsdpSource => s_instance?._rsdpSource;
        /// <summary>Physical address of the root table in use.</summary>
        public static ulong RootTableAddress => s_instance?._rootTableAddress ?? 0;
        /// <summary>True when the XSDT is in use, false for the RSDT.</summary>
        public static bool UsingXsdt => s_instance?._usingXsdt ?? false;
        /// <summary>The decoded FADT, or null when missing or malformed.</summary>
        public static AcpiFadt FADT => s_instance?._fadt;
        /// <summary>Physical address of the FADT ("FACP"), or 0.</summary>
        public static ulong FadtAddress => s_instance?._fadtAddress ?? 0;
        /// <summary>Physical address of the DSDT, or 0.</summary>
        public static ulong DsdtAddress => s_instance?._dsdtAddress ?? 0;
        /// <summary>Physical address of the MADT ("APIC") for the APIC driver, or 0.</summary>
        public static ulong MadtAddress => s_instance?._madtAddress ?? 0;
        /// <summary>True when \_S5_ was decoded.</summary>
        public static bool HasS5 => s_instance?._hasS5 ?? false;
        /// <summary>SLP_TYPa/SLP_TYPb for S5 (valid when <see cref="HasS5"/>).</summary>
        public static AcpiSleepType S5 => s_instance?._s5 ?? default;
        /// <summary>Which table held \_S5_ ("DSDT" or "SSDT at 0x...").</summary>
        public static string S5Source => s_instance?._s5Source;
        /// <summary>Why \_S5_ could not be decoded, or null.</summary>
        public static string S5Error => s_instance?._s5Error;

        /// <summary>
        /// Finds the RSDP (Multiboot2 tag 15, then 14, then the EBDA and 0xE0000-0xFFFFF scan),
        /// validates and walks the XSDT (or RSDT), decodes the FADT, locates the DSDT and MADT
        /// and decodes \_S5_. Idempotent (a failed search is not repeated). Returns <see cref="IsAvailable"/>.
        /// </summary>
        public static bool Initialize()
        {
            var acpi = Instance;
            if (acpi.State == DeviceState.NotStarted) acpi.Start();
            return acpi._available;
        }

        private bool Load()
        {
            if (_initialized) return _available;
            _initialized = true;
            _warnings = new List<string>();
            _tables = new List<AcpiTableInfo>();

            if (!FindRsdp()) { if (_error == null) _error = "no valid RSDP found (Multiboot2 tags 14/15, EBDA, 0xE0000-0xFFFFF)"; return false; }
            if (!LoadRootTable(out ulong[] entries)) return false;
            _available = true;

            ulong fadt = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                var info = Describe(entries[i]);
                _tables.Add(info);
                if (info.Error != null) { Warn(string.Concat("table entry ", HalFormat.Dec((ulong)i), " at ", HalFormat.Hex(entries[i]), ": ", info.Error)); continue; }
                if (!info.ChecksumValid) Warn(string.Concat(info.Signature, " at ", HalFormat.Hex(info.Address), ": checksum is not zero (used anyway)"));
                if (info.Signature == "FACP" && fadt == 0) fadt = info.Address;
                if (info.Signature == "APIC" && _madtAddress == 0) _madtAddress = info.Address;
            }

            if (fadt == 0) { _error = "no FADT (\"FACP\") in the root table"; return true; }
            _fadtAddress = fadt;
            if (!AcpiParser.TryParseFadt(TableSpan(fadt), out var f, out string err, ignoreChecksum: true))
            {
                _error = err;
                return true;
            }
            _fadt = f;
            LoadDsdtAndS5(f);
            return true;
        }

        private void Warn(string s) => _warnings.Add(s);

        private bool FindRsdp()
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
            if (problems != null) _error = string.Concat("no valid RSDP: ", problems);
            return false;
        }

        private bool ScanRegion(ulong start, ulong end, string name, ref string problems)
        {
            if (!IsReadable(start, end - start)) return false;
            var region = new ReadOnlySpan<byte>((void*)start, (int)(end - start));
            int off = AcpiParser.FindRsdp(region, out var r, out string err);
            if (off >= 0) { SetRsdp(r, start + (ulong)off, name); return true; }
            if (err != null) { Warn(string.Concat(name, ": ", err)); problems = err; }
            return false;
        }

        private void SetRsdp(AcpiRsdp r, ulong address, string source)
        {
            _rsdp = r; _rsdpAddress = address; _rsdpSource = source;
        }

        private bool LoadRootTable(out ulong[] entries)
        {
            entries = null;
            string err;
            var rsdp = _rsdp;
            if (rsdp.Revision >= 2 && rsdp.XsdtAddress != 0)
            {
                if (TryRoot(rsdp.XsdtAddress, true, out entries, out err)) { _rootTableAddress = rsdp.XsdtAddress; _usingXsdt = true; return true; }
                Warn(string.Concat("XSDT at ", HalFormat.Hex(rsdp.XsdtAddress), " unusable (", err, "); falling back to the RSDT"));
            }
            if (rsdp.RsdtAddress == 0) { _error = "RSDP has no usable RSDT/XSDT address"; return false; }
            if (TryRoot(rsdp.RsdtAddress, false, out entries, out err)) { _rootTableAddress = rsdp.RsdtAddress; _usingXsdt = false; return true; }
            _error = string.Concat("RSDT at ", HalFormat.Hex(rsdp.RsdtAddress), ": ", err);
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

        private void LoadDsdtAndS5(AcpiFadt f)
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
                _tables.Add(info);
                if (span.IsEmpty || info.Signature != "DSDT")
                    problem = string.Concat("DSDT at ", HalFormat.Hex(dsdt), " is not a readable \"DSDT\" table", info.Error != null ? string.Concat(" (", info.Error, ")") : "");
                else
                {
                    _dsdtAddress = dsdt;
                    if (!info.ChecksumValid) Warn("DSDT: checksum is not zero (used anyway)");
                    if (AmlScanner.TryFindS5(span.Slice(AcpiTableHeader.Size), out var s5, out string err))
                    {
                        _s5 = s5; _hasS5 = true; _s5Source = "DSDT";
                        return;
                    }
                    problem = string.Concat("DSDT: ", err);
                }
            }
            // Some firmware defines \_S5_ in an SSDT.
            for (int i = 0; i < _tables.Count; i++)
            {
                var t = _tables[i];
                if (t.Signature != "SSDT" || t.Error != null) continue;
                var span = TableSpan(t.Address);
                if (span.IsEmpty) continue;
                if (AmlScanner.TryFindS5(span.Slice(AcpiTableHeader.Size), out var s5, out _))
                {
                    _s5 = s5; _hasS5 = true; _s5Source = string.Concat("SSDT at ", HalFormat.Hex(t.Address));
                    return;
                }
            }
            _s5Error = problem;
            Warn(string.Concat("\\_S5_: ", problem));
        }

        /// <summary>Physical address of the <paramref name="index"/>-th table with <paramref name="signature"/> (e.g. "APIC", "HPET", "MCFG"), or 0.</summary>
        public static ulong FindTable(string signature, int index = 0)
        {
            if (!IsInitialized) Initialize();
            var tables = Instance._tables;
            if (tables == null) return 0;
            for (int i = 0; i < tables.Count; i++)
            {
                var t = tables[i];
                if (t.Error == null && t.Signature == signature && index-- == 0) return t.Address;
            }
            return 0;
        }

        /// <summary>The bytes of a table found by <see cref="FindTable"/> (header included), or an empty span.</summary>
        public static ReadOnlySpan<byte> GetTable(string signature, int index = 0) => TableSpan(FindTable(signature, index));

        /// <summary>Puts the platform into ACPI mode; see <see cref="AcpiPower.Enable"/>.</summary>
        public static bool Enable(out string error) => AcpiPower.Enable(out error);

        /// <summary>Enters S5 (soft off; Cosmos API name); see <see cref="AcpiPower.Shutdown"/>.</summary>
        /// <exception cref="InvalidOperationException">Why the machine could not be turned off.</exception>
        public static void Shutdown() => AcpiPower.Shutdown();

        /// <summary>Resets the machine (Cosmos API name): runs the reset chain, <see cref="MachineReset.Reboot"/>. Never returns.</summary>
        public static void Reboot() => MachineReset.Reboot();

        /// <summary>The tables' <see cref="IFirmwareTables"/> (what <see cref="FirmwareTables"/> reads): <see cref="GetTable"/>.</summary>
        ReadOnlySpan<byte> IFirmwareTables.GetTable(string signature, int index) => GetTable(signature, index);

        /// <summary>The FADT's CENTURY field (0 before the tables are read or when the FADT names no century register).</summary>
        byte IFirmwareTables.RtcCenturyRegister => FADT != null ? FADT.Century : (byte)0;

        /// <summary>First in the reset chain (<see cref="MachineReset.ResetOrderAcpi"/>).</summary>
        int IResetMethod.ResetOrder => MachineReset.ResetOrderAcpi;

        /// <summary>The chain's ACPI step: <see cref="AcpiPower.TryWriteResetRegister"/>.</summary>
        bool IResetMethod.TryReset(out string error) => AcpiPower.TryWriteResetRegister(out error);

        /// <summary>Human-readable lines describing what was found (for a shell diagnostics command).</summary>
        public static List<string> GetDiagnostics()
        {
            if (!IsInitialized) Initialize();
            var acpi = Instance;
            var lines = new List<string>();
            if (Rsdp != null)
                lines.Add(string.Concat("RSDP rev ", HalFormat.Dec((ulong)Rsdp.Revision), " OEM \"", Rsdp.OemId, "\" from ", RsdpSource, " at ", HalFormat.Hex(RsdpAddress)));
            if (RootTableAddress != 0)
                lines.Add(string.Concat(UsingXsdt ? "XSDT" : "RSDT", " at ", HalFormat.Hex(RootTableAddress)));
            for (int i = 0; i < acpi._tables.Count; i++)
            {
                var t = acpi._tables[i];
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
            if (acpi._error != null) lines.Add(string.Concat("ERROR: ", acpi._error));
            for (int i = 0; i < acpi._warnings.Count; i++) lines.Add(string.Concat("warning: ", acpi._warnings[i]));
            return lines;
        }
    }
}
