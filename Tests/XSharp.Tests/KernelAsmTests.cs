using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Cosmos.Core;
using Cosmos.Core.Asm;
using Cosmos.Core.Layout;
using XSharp;
using Xunit;

namespace XSharp.Tests
{
    /// <summary>Host checks of the X# boot path and CPU helpers in Cosmos.Core, and of the linker script.</summary>
    public class KernelAsmTests
    {
        private static Assembler Run(AsmProgram p) { var a = new Assembler(); p.Emit(a); return a; }

        internal static string RepoRoot()
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d != null && !File.Exists(Path.Combine(d.FullName, "Directory.Build.props"))) d = d.Parent;
            return d?.FullName ?? throw new DirectoryNotFoundException("repo root (Directory.Build.props) not found");
        }

        [Fact]
        public void ProgramsAreDiscoverable()
        {
            var names = AsmProgram.FindIn(typeof(BootProgram).Assembly).Select(p => p.Name).ToArray();
            Assert.Contains("boot", names);
            Assert.Contains("cpu_helpers", names);
        }

        [Fact]
        public void BootAndHelpersAssembleWithoutWarnings()
        {
            Nasm.Assemble(new BootProgram().Generate(), "elf64");
            Nasm.Assemble(new CpuHelpers().Generate(), "elf64");
        }

        /// <summary>Multiboot2 spec §3.1.1/§3.1.2: magic, architecture 0, header_length, checksum (sum of the four fields ≡ 0 mod 2^32), the framebuffer request tag, end tag.</summary>
        [Fact]
        public void MultibootHeaderIsValid()
        {
            var elf = new Elf(Nasm.Assemble(new BootProgram().Generate(), "elf64"));
            var s = elf.Get(".multiboot2");
            Assert.True(s.Align >= 8);
            byte[] h = elf.Contents(".multiboot2");
            uint magic = BitConverter.ToUInt32(h, 0), arch = BitConverter.ToUInt32(h, 4), len = BitConverter.ToUInt32(h, 8), sum = BitConverter.ToUInt32(h, 12);
            Assert.Equal(0xE85250D6u, magic);
            Assert.Equal(0u, arch);
            Assert.Equal((uint)h.Length, len);
            Assert.Equal(0u, unchecked(magic + arch + len + sum));
            // first tag: the optional framebuffer request (§3.1.10: type 5, flags 1, size 20, width/height/depth 0 = no preference)
            Assert.Equal(5, BitConverter.ToUInt16(h, 16));
            Assert.Equal(1, BitConverter.ToUInt16(h, 18));
            Assert.Equal(20u, BitConverter.ToUInt32(h, 20));
            Assert.Equal(0u, BitConverter.ToUInt32(h, 24) | BitConverter.ToUInt32(h, 28) | BitConverter.ToUInt32(h, 32));
            Assert.Equal(48, h.Length);
            // last tag: type 0, flags 0, size 8
            Assert.Equal(0, BitConverter.ToUInt16(h, h.Length - 8));
            Assert.Equal(0, BitConverter.ToUInt16(h, h.Length - 6));
            Assert.Equal(8u, BitConverter.ToUInt32(h, h.Length - 4));
        }

        /// <summary>Every [RuntimeImport] of <see cref="Native"/> and <see cref="CPU"/> is defined and global in CpuHelpers.</summary>
        [Fact]
        public void CpuHelpersDefineEveryNativeImport()
        {
            var imports = new List<string>();
            foreach (var type in new[] { typeof(Native), typeof(CPU) })
                foreach (var m in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                    foreach (var ca in m.CustomAttributes)
                        if (ca.AttributeType.Name == "RuntimeImportAttribute")
                            imports.Add((string)ca.ConstructorArguments[ca.ConstructorArguments.Count - 1].Value!);
            Assert.Contains("cosmos_save_and_disable_interrupts", imports);
            Assert.NotEmpty(imports);
            var a = Run(new CpuHelpers());
            foreach (var sym in imports)
            {
                Assert.Contains(sym, a.DefinedSymbols);
                Assert.Contains(sym, a.GlobalSymbols);
            }
        }

        /// <summary>The boot path writes every field of <see cref="BootInfo"/> (offsets from Marshal.OffsetOf, so a new field fails here until stored).</summary>
        [Fact]
        public void BootProgramFillsEveryBootInfoField()
        {
            string text = new BootProgram().Generate();
            var stored = new HashSet<long>();
            var rx = new Regex(@"mov\s+(?:dword|qword) \[(?:rel )?" + BootProgram.BootInfoSymbol + @"(?: \+ (0x[0-9A-F]+|\d+))?\],");
            foreach (Match m in rx.Matches(text))
            {
                string g = m.Groups[1].Value;
                stored.Add(g.Length == 0 ? 0 : g.StartsWith("0x") ? Convert.ToInt64(g.Substring(2), 16) : long.Parse(g));
            }
            foreach (var f in typeof(BootInfo).GetFields())
                Assert.True(stored.Contains(Marshal.OffsetOf<BootInfo>(f.Name).ToInt64()), $"BootInfo.{f.Name} is never stored by the boot program");
        }

        // The classlib table's order and names are checked against the CoreLib's ClassLibFunctionId and exports by
        // Tests/Cosmos.Runtime.Tests/CoreLibContractTests (it was a hard-coded copy here, which could not notice a runtime update).

        /// <summary>Every linker-provided symbol the boot program imports is defined in kernel.ld.</summary>
        [Fact]
        public void LinkerScriptDefinesBootImports()
        {
            string ld = File.ReadAllText(Path.Combine(RepoRoot(), "Build/Cosmos.Build/Linker/kernel.ld"));
            var managed = new HashSet<string>(BootProgram.ClasslibFunctions.Where(f => f != null)!) { "cosmos_early_init", "InitializeModules", "__managed__Main", "cosmos_main_returned" };
            foreach (var sym in Run(new BootProgram()).ExternSymbols.Where(s => !managed.Contains(s)))
                Assert.Matches(new Regex(@"(^|\s)" + Regex.Escape(sym) + @"\s*=", RegexOptions.Multiline), ld);
        }

        /// <summary>
        /// Links boot + helpers + a stub for the managed side with kernel.ld and checks the result:
        /// Multiboot2 header in the first 32 KiB of the file, boot stack and guard page below 2 MiB, entry = _start.
        /// </summary>
        [Fact]
        public void LinksWithKernelLd()
        {
            string dir = Path.Combine(Path.GetTempPath(), "xsharp-link-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try
            {
                File.WriteAllBytes(Path.Combine(dir, "boot.o"), Nasm.Assemble(new BootProgram().Generate(), "elf64"));
                File.WriteAllBytes(Path.Combine(dir, "cpu.o"), Nasm.Assemble(new CpuHelpers().Generate(), "elf64"));
                var stub = new Assembler();
                stub.Text();
                foreach (var s in BootProgram.ClasslibFunctions.Where(f => f != null).Concat(new[] { "cosmos_early_init", "InitializeModules", "__managed__Main", "cosmos_main_returned" }))
                {
                    stub.GlobalFunction(s!);
                    stub.Ud2();
                }
                File.WriteAllBytes(Path.Combine(dir, "stub.o"), Nasm.Assemble(stub.ToNasm(), "elf64"));
                string elfPath = Path.Combine(dir, "kernel.elf");
                Exec("ld", $"-T \"{Path.Combine(RepoRoot(), "Build/Cosmos.Build/Linker/kernel.ld")}\" -nostdlib -static --eh-frame-hdr -z max-page-size=0x1000 -o \"{elfPath}\" boot.o cpu.o stub.o", dir);
                var bytes = File.ReadAllBytes(elfPath);
                var elf = new Elf(bytes);
                var mb = elf.Get(".multiboot2");
                Assert.True(mb.Offset + mb.Size <= 32768, "Multiboot2 header must be within the first 32 KiB");
                Assert.Equal(0UL, mb.Offset % 8);
                Assert.Equal(0x100000UL, mb.Addr);
                string nm = Exec("nm", "kernel.elf", dir);
                ulong Sym(string n) => Convert.ToUInt64(nm.Split('\n').Single(l => l.EndsWith(" " + n)).Split(' ')[0], 16);
                Assert.True(Sym("__boot_stack_top") <= 0x200000);
                Assert.Equal(0UL, Sym("__boot_stack_top") % 16);
                Assert.Equal(Sym("__boot_stack_guard") + 0x1000, Sym("__boot_stack_bottom"));
                Assert.Equal(256UL * 1024, Sym("__boot_stack_top") - Sym("__boot_stack_bottom"));
                Assert.Equal(Sym("_start"), BitConverter.ToUInt64(bytes, 0x18));   // e_entry
                Assert.Equal(0UL, Sym("__kernel_end") % 4096);
            }
            finally { try { Directory.Delete(dir, true); } catch { } }
        }

        private static string Exec(string file, string args, string cwd)
        {
            var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string o = p.StandardOutput.ReadToEnd(), e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed:\n{o}\n{e}");
            return o + e;
        }
    }
}
