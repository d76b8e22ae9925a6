using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Cosmos.Core.Arch.X64;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// The register definitions of Kernel/Cosmos.Core/Arch/X64 against the values in the Intel SDM, typed here a second
    /// time on purpose (the oracle), and a check that the repository uses the definitions instead of copies.
    /// </summary>
    public class RegisterDefinitionTests
    {
        /// <summary>Intel SDM Vol. 4 Table 2-2.</summary>
        [Fact]
        public void MsrAddresses()
        {
            Assert.Equal(0x1Bu, Msr.IA32_APIC_BASE);
            Assert.Equal(0xC0000080u, Msr.IA32_EFER);
            Assert.Equal(0xC0000100u, Msr.IA32_FS_BASE);
            Assert.Equal(0xC0000101u, Msr.IA32_GS_BASE);
            Assert.Equal(0xC0000102u, Msr.IA32_KERNEL_GS_BASE);
            Assert.Equal(1u << 0, Ia32Efer.SCE);
            Assert.Equal(1u << 8, Ia32Efer.LME);
            Assert.Equal(1u << 10, Ia32Efer.LMA);
            Assert.Equal(1u << 11, Ia32Efer.NXE);
            Assert.Equal(0x100UL, Ia32ApicBase.BSP);
            Assert.Equal(0x800UL, Ia32ApicBase.EN);
            Assert.Equal(0x000F_FFFF_FFFF_F000UL, Ia32ApicBase.BaseMask);
        }

        /// <summary>Intel SDM Vol. 3A §2.5, Figure 2-7.</summary>
        [Fact]
        public void ControlRegisterBits()
        {
            var cr0 = new Dictionary<ulong, int> { [Cr0.PE] = 0, [Cr0.MP] = 1, [Cr0.EM] = 2, [Cr0.TS] = 3, [Cr0.ET] = 4, [Cr0.NE] = 5, [Cr0.WP] = 16, [Cr0.AM] = 18, [Cr0.NW] = 29, [Cr0.CD] = 30, [Cr0.PG] = 31 };
            foreach (var (bit, n) in cr0) Assert.Equal(1UL << n, bit);
            var cr4 = new (ulong Bit, int N)[]
            {
                (Cr4.VME, 0), (Cr4.PVI, 1), (Cr4.TSD, 2), (Cr4.DE, 3), (Cr4.PSE, 4), (Cr4.PAE, 5), (Cr4.MCE, 6), (Cr4.PGE, 7), (Cr4.PCE, 8),
                (Cr4.OSFXSR, 9), (Cr4.OSXMMEXCPT, 10), (Cr4.UMIP, 11), (Cr4.LA57, 12), (Cr4.VMXE, 13), (Cr4.SMXE, 14), (Cr4.FSGSBASE, 16),
                (Cr4.PCIDE, 17), (Cr4.OSXSAVE, 18), (Cr4.SMEP, 20), (Cr4.SMAP, 21), (Cr4.PKE, 22), (Cr4.CET, 23),
            };
            foreach (var (bit, n) in cr4) Assert.Equal(1UL << n, bit);
        }

        /// <summary>Intel SDM Vol. 1 §13.3, Figure 13-1.</summary>
        [Fact]
        public void Xcr0Bits()
        {
            Assert.Equal(1UL, Xcr0.X87);
            Assert.Equal(2UL, Xcr0.SSE);
            Assert.Equal(4UL, Xcr0.AVX);
            Assert.Equal(8UL, Xcr0.BNDREG);
            Assert.Equal(0x10UL, Xcr0.BNDCSR);
            Assert.Equal(0x20UL, Xcr0.Opmask);
            Assert.Equal(0x40UL, Xcr0.ZMM_Hi256);
            Assert.Equal(0x80UL, Xcr0.Hi16_ZMM);
            Assert.Equal(0x200UL, Xcr0.PKRU);
            Assert.Equal(0xE0UL, Xcr0.AVX512);
        }

        /// <summary>Intel SDM Vol. 1 §3.4.3, Figure 3-8.</summary>
        [Fact]
        public void RFlagsBits()
        {
            var bits = new (ulong Bit, int N)[]
            {
                (RFlags.CF, 0), (RFlags.Reserved1, 1), (RFlags.PF, 2), (RFlags.AF, 4), (RFlags.ZF, 6), (RFlags.SF, 7), (RFlags.TF, 8),
                (RFlags.IF, 9), (RFlags.DF, 10), (RFlags.OF, 11), (RFlags.NT, 14), (RFlags.RF, 16), (RFlags.VM, 17), (RFlags.AC, 18),
                (RFlags.VIF, 19), (RFlags.VIP, 20), (RFlags.ID, 21),
            };
            foreach (var (bit, n) in bits) Assert.Equal(1UL << n, bit);
            Assert.Equal(0x200UL, RFlags.IF);
            Assert.Equal(0x3000UL, RFlags.IOPL);
            Assert.Equal(3, RFlags.Iopl(0x3202));
            Assert.Equal(0, RFlags.Iopl(0x202));
        }

        /// <summary>Intel SDM Vol. 1 §10.2.3, Figure 10-3 and §10.2.3.1 (power-up value 1F80H); x87 FCW after FNINIT 037FH (§8.1.5).</summary>
        [Fact]
        public void MxcsrAndX87()
        {
            Assert.Equal(0x1F80u, Mxcsr.Default);
            Assert.Equal(0x3Fu, Mxcsr.ExceptionFlags);
            Assert.Equal(0x1F80u, Mxcsr.ExceptionMasks);
            Assert.Equal(1u << 9, Mxcsr.ZM);
            Assert.Equal(1u << 6, Mxcsr.DAZ);
            Assert.Equal(3u << 13, Mxcsr.RC);
            Assert.Equal(1u << 15, Mxcsr.FTZ);
            Assert.Equal(0x037F, X87ControlWord.Default);
            Assert.Equal(4, X87ControlWord.ZM);
            Assert.Equal(24, XSaveLayout.Mxcsr);
            Assert.Equal(0, XSaveLayout.Fcw);
            Assert.Equal(512, XSaveLayout.Header);
            Assert.Equal(64, XSaveLayout.HeaderBytes);
        }

        /// <summary>Intel SDM Vol. 3A Table 6-1 ("Error Code" column), AMD APM Vol. 2 Table 8-1 for #VC and #SX.</summary>
        [Fact]
        public void VectorsWithErrorCode()
        {
            var expected = new[] { 8, 10, 11, 12, 13, 14, 17, 21, 29, 30 };
            Assert.Equal(expected, Enumerable.Range(0, 256).Where(ExceptionVector.HasErrorCode).ToArray());
            Assert.Equal(new[] { 10, 11, 12, 13 }, Enumerable.Range(0, 256).Where(ExceptionVector.HasSelectorErrorCode).ToArray());
            Assert.Equal(14, ExceptionVector.PF);
            Assert.Equal(8, ExceptionVector.DF);
            Assert.Equal(18, ExceptionVector.MC);
            Assert.Equal(32, ExceptionVector.FirstUserDefined);
        }

        /// <summary>Intel SDM Vol. 3A §4.5, Tables 4-15 to 4-20; Vol. 2A CPUID.</summary>
        [Fact]
        public void PagingEntryAndCpuidBits()
        {
            Assert.Equal(1UL, PageTableEntry.P);
            Assert.Equal(2UL, PageTableEntry.RW);
            Assert.Equal(4UL, PageTableEntry.US);
            Assert.Equal(0x80UL, PageTableEntry.PS);
            Assert.Equal(0x8000_0000_0000_0000UL, PageTableEntry.XD);
            Assert.Equal(0x1FUL, PageTableEntry.SplitInheritedFlags);
            Assert.Equal(0x000F_FFFF_FFFF_F000UL, PageTableEntry.AddressMask);
            Assert.Equal(1u << 26, CpuidFeature.Leaf01Ecx_XSAVE);
            Assert.Equal(1u << 29, CpuidFeature.Leaf80000001Edx_LM);
            Assert.Equal(1u << 20, CpuidFeature.Leaf80000001Edx_NX);
            Assert.Equal(1u << 9, CpuidFeature.Leaf01Edx_APIC);
            Assert.Equal(1u << 25, CpuidFeature.Leaf01Edx_SSE);
            Assert.Equal(1u << 26, CpuidFeature.Leaf01Edx_SSE2);
            Assert.Equal(1u << 0, CpuidFeature.Leaf01Ecx_SSE3);
            Assert.Equal(1u << 19, CpuidFeature.Leaf01Ecx_SSE41);
            Assert.Equal(1u << 20, CpuidFeature.Leaf01Ecx_SSE42);
            Assert.Equal(1u << 28, CpuidFeature.Leaf01Ecx_AVX);
            Assert.Equal(1u << 8, CpuidFeature.Leaf80000007Edx_InvariantTSC);
        }

        /// <summary>
        /// No source file outside Arch/X64 spells the MSR addresses, the MXCSR default or the error-code vector list again
        /// (they come from the one definition; the Intel values are pinned by the tests above).
        /// </summary>
        [Fact]
        public void NoCopiesOfTheDefinitions()
        {
            string root = RepoRoot();
            var patterns = new[]
            {
                new Regex(@"0x[Cc]000_?0(080|100|101|102)\b"),                       // IA32_EFER / FS_BASE / GS_BASE / KERNEL_GS_BASE
                new Regex(@"0x1[Ff]80\b"),                                             // MXCSR power-up value
                new Regex(@"==\s*29\s*\|\|\s*\w+\s*==\s*30"),                         // the error-code vector list
                new Regex(@"\bIrqSave\b|\bcosmos_irq_save\b"),                         // the second name of CPU.SaveAndDisableInterrupts
            };
            var offenders = new List<string>();
            foreach (var top in new[] { "Kernel", "Plugs", "Drivers", "Tests", "Build" })
            {
                foreach (var file in Directory.EnumerateFiles(Path.Combine(root, top), "*.cs", SearchOption.AllDirectories))
                {
                    string rel = Path.GetRelativePath(root, file).Replace('\\', '/');
                    if (rel.Contains("/obj/") || rel.Contains("/bin/")) continue;
                    if (rel.StartsWith("Kernel/Cosmos.Core/Arch/X64/")) continue;          // the definitions
                    if (rel.StartsWith("Tests/Cosmos.Core.Tests/")) continue;              // the SDM oracle (this file)
                    if (rel == "Tests/XSharp.Tests/EncodingTests.cs") continue;            // arbitrary immediates in encoding checks
                    string text = File.ReadAllText(file);
                    foreach (var p in patterns)
                        foreach (Match m in p.Matches(text))
                            offenders.Add($"{rel}: {m.Value}");
                }
            }
            Assert.True(offenders.Count == 0, "literal copies of Arch/X64 definitions:\n" + string.Join("\n", offenders));
        }

        /// <summary>
        /// Waiting for an interrupt after a check made with interrupts off is <c>Native.StiHlt</c> (STI and HLT adjacent),
        /// never STI and HLT as two calls: an interrupt taken between them leaves the HLT waiting for the next one
        /// (docs/CONTRACTS.md "Threads"; ThreadTests "STI and HLT are one step" shows the difference on QEMU).
        /// </summary>
        [Fact]
        public void NoWaitSplitsStiAndHlt()
        {
            string root = RepoRoot();
            var split = new Regex(@"(Native\.Sti|CPU\.EnableInterrupts)\(\)\s*;\s*(//[^\n]*\s*)*(Native\.Hlt|CPU\.Halt)\(\)");
            var offenders = new List<string>();
            foreach (var top in new[] { "Kernel", "Plugs", "Drivers", "Runtime", "Debug" })
                foreach (var file in Directory.EnumerateFiles(Path.Combine(root, top), "*.cs", SearchOption.AllDirectories))
                {
                    string rel = Path.GetRelativePath(root, file).Replace('\\', '/');
                    if (rel.Contains("/obj/") || rel.Contains("/bin/")) continue;
                    foreach (Match m in split.Matches(File.ReadAllText(file)))
                        offenders.Add($"{rel}: {m.Value}");
                }
            Assert.True(offenders.Count == 0, "STI and HLT as two calls (use Native.StiHlt):\n" + string.Join("\n", offenders));
        }

        internal static string RepoRoot()
        {
            var d = new DirectoryInfo(System.AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "Directory.Build.props"))) d = d.Parent;
            return d?.FullName ?? throw new DirectoryNotFoundException("repo root (Directory.Build.props) not found");
        }
    }
}
