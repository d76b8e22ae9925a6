using System;
using System.Collections.Generic;
using System.Linq;
using Cosmos.Core.Asm;
using XSharp;
using Xunit;
using static XSharp.Reg;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// The one SIMD save/restore emitter (<see cref="SimdStateEmitter"/>): which instruction each save mode reaches,
    /// found by following the emitted code with a small model of EAX and the flags (CMP, SHR, XOR, Jcc, JMP).
    /// </summary>
    public class SimdStateEmitterTests
    {
        /// <summary>Follows the NASM text from the top with [mode] = <paramref name="mode"/> and XCR0 &lt; 2^32 until a SIMD save/restore instruction; returns its mnemonic.</summary>
        private static string Reach(string nasm, int mode)
        {
            var lines = nasm.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith(";") && !l.StartsWith("section") && !l.StartsWith("bits")).ToList();
            var labels = new Dictionary<string, int>();
            for (int i = 0; i < lines.Count; i++) if (lines[i].EndsWith(":")) labels[lines[i].TrimEnd(':')] = i;
            long eax = 0; bool zf = false, cf = false;
            for (int pc = 0, steps = 0; pc < lines.Count && steps < 1000; pc++, steps++)
            {
                string l = lines[pc];
                if (l.EndsWith(":")) continue;
                string op = l.Split(' ')[0];
                string[] args = l.Length > op.Length ? l.Substring(op.Length).Split(',').Select(s => s.Trim()).ToArray() : Array.Empty<string>();
                switch (op)
                {
                    case "xsave64": case "xsaveopt64": case "fxsave64": case "xrstor64": case "fxrstor64":
                        return op;
                    case "mov":
                        if (args[0] == "eax") eax = args[1].Contains("mode") ? mode : throw new InvalidOperationException("unexpected EAX load: " + l);
                        else if (args[0] == "rax") eax = -1;                               // the XCR0 value: EAX no longer holds the mode
                        break;
                    case "cmp":
                    {
                        long left = args[0] == "eax" ? eax : args[0].Contains("mode") ? mode : throw new InvalidOperationException(l);
                        long right = long.Parse(args[1]);
                        zf = left == right; cf = (ulong)left < (ulong)right;
                        break;
                    }
                    case "shr": zf = true; cf = false; break;                             // RDX = XCR0 >> 32 = 0
                    case "xor": zf = true; cf = false; break;                             // xor edx, edx
                    case "jb": if (cf) pc = labels[args[0]]; break;
                    case "je": if (zf) pc = labels[args[0]]; break;
                    case "jmp": pc = labels[args[0]]; break;
                    default: break;                                                       // stores of the zeroed header
                }
            }
            throw new InvalidOperationException("no SIMD instruction reached");
        }

        private static string Emit(bool save)
        {
            var a = new Assembler();
            a.Text();
            if (save) SimdStateEmitter.EmitSave(a, RSP, new Label("simd_mode"), new Label("boot_info"), "t");
            else SimdStateEmitter.EmitRestore(a, RCX, new Label("simd_mode"), new Label("boot_info"), "t");
            return a.ToNasm();
        }

        [Theory]
        [InlineData(InterruptStubs.SimdFxsave, "fxsave64")]
        [InlineData(InterruptStubs.SimdXsave, "xsave64")]
        [InlineData(InterruptStubs.SimdXsaveopt, "xsaveopt64")]
        public void SaveModeSelectsItsInstruction(int mode, string expected) => Assert.Equal(expected, Reach(Emit(save: true), mode));

        [Theory]
        [InlineData(InterruptStubs.SimdFxsave, "fxrstor64")]
        [InlineData(InterruptStubs.SimdXsave, "xrstor64")]
        [InlineData(InterruptStubs.SimdXsaveopt, "xrstor64")]
        public void RestoreModeSelectsItsInstruction(int mode, string expected) => Assert.Equal(expected, Reach(Emit(save: false), mode));

        /// <summary>
        /// The interrupt stubs and the benchmarks' baselines (the bare interrupt stub of Tests/Cosmos.InterruptTestHelpers and the
        /// bare switch of Tests/Cosmos.ThreadTestHelpers, which are not in the production kernel) all use the emitter (no second copy
        /// of the sequence).
        /// </summary>
        [Fact]
        public void StubsAndBenchBaselinesShareTheEmitter()
        {
            string stubs = new InterruptStubs().Generate(), bareStub = new global::Cosmos.InterruptTestHelpers.BenchStubs().Generate(), bareSwitch = new global::Cosmos.ThreadTestHelpers.BareSwitch().Generate();
            foreach (var text in new[] { stubs, bareStub, bareSwitch })
            {
                Assert.Contains("xsave64", text);
                Assert.Contains("xsaveopt64", text);
                Assert.Contains("fxrstor64", text);
                Assert.Contains("; branch before loading the mask", text);
            }
        }

        /// <summary>The production helpers carry none of the benchmarks' or tests' entry points (they moved to the test-helper projects).</summary>
        [Fact]
        public void ProductionHelpersHaveNoBenchEntryPoints()
        {
            string all = new InterruptStubs().Generate() + new ThreadHelpers().Generate();
            foreach (var name in new[] { "bare_switch", "bare_stub", "trampoline", "simulate_fault" })
                Assert.DoesNotContain(name, all);
        }

        [Fact]
        public void RaxAndRdxCannotHoldTheArea()
        {
            var a = new Assembler();
            Assert.Throws<ArgumentException>(() => SimdStateEmitter.EmitSave(a, RAX, new Label("m"), new Label("b"), "t"));
            Assert.Throws<ArgumentException>(() => SimdStateEmitter.EmitRestore(a, RDX, new Label("m"), new Label("b"), "t"));
        }
    }
}
