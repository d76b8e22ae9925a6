using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core.Arch.X64;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.ThreadTestHelpers
{
    /// <summary>
    /// SIMD sentinels for the scheduler tests. Each function loads a pattern derived from a seed into every vector
    /// register (xmm0–xmm15, or all 256 bits of ymm0–ymm15) and into MXCSR (rounding control and FTZ from the seed),
    /// then spins without touching any vector register (no managed code, only loads of a counter and RDTSC) until a
    /// 64-bit counter in memory (the scheduler's preemption counter) has advanced by a given amount or a TSC timeout
    /// has passed, and finally compares every register and MXCSR with the pattern.
    ///
    /// Result (RAX): bit i (0–15) = vector register i differs; bit 16 = MXCSR differs; bit 32 = the counter did not
    /// advance far enough before the timeout. 0 means every register survived. The caller's MXCSR is restored and
    /// callee-saved registers are preserved (System V).
    /// </summary>
    public sealed class SimdSentinels : AsmProgram
    {
        public override string Name => "thread_test_helpers";

        /// <summary>Result bit: MXCSR differs.</summary>
        public const ulong MxcsrMismatch = 1UL << 16;
        /// <summary>Result bit: the counter did not advance by the requested amount before the timeout.</summary>
        public const ulong TimedOut = 1UL << 32;

        /// <summary>The MXCSR value the sentinel functions load for <paramref name="seed"/>: all exceptions masked, RC = seed bits 0–1, FTZ = seed bit 2.</summary>
        public static uint MxcsrFor(ulong seed) => Mxcsr.Default | (uint)((seed & 3) << Mxcsr.RCShift) | (((seed >> 2) & 1) != 0 ? Mxcsr.FTZ : 0);

        /// <summary>Qword <paramref name="q"/> of the pattern of vector register <paramref name="reg"/> for <paramref name="seed"/> (what the functions load).</summary>
        public static ulong Pattern(ulong seed, int reg, int q)
        {
            int rot = (7 * reg + 3 * q + 1) & 63;
            ulong r = (seed << rot) | (seed >> ((64 - rot) & 63));
            return r ^ Constant(reg, q);
        }

        private static ulong Constant(int reg, int q)
        {
            // A fixed, well-mixed constant per (register, qword) so no two registers hold the same value.
            ulong x = 0x9E3779B97F4A7C15UL * (ulong)(reg * 4 + q + 1);
            x ^= x >> 29; x *= 0xBF58476D1CE4E5B9UL; x ^= x >> 32;
            return x;
        }

        public override void Emit(Assembler a)
        {
            a.BitsMode(64);
            a.Text();
            EmitSentinel(a, "ttest_xmm_sentinel", ymm: false);
            EmitSentinel(a, "ttest_ymm_sentinel", ymm: true);
        }

        /// <summary>
        /// ulong name(ulong seed /*RDI*/, ulong* counter /*RSI*/, ulong minAdvance /*RDX*/, ulong timeoutTicks /*RCX*/).
        /// </summary>
        private static void EmitSentinel(Assembler a, string name, bool ymm)
        {
            int qwords = ymm ? 4 : 2;
            string reg(int i) => (ymm ? "ymm" : "xmm") + i;
            string move = ymm ? "vmovdqu" : "movdqu";

            a.GlobalFunction(name);
            a.Push(RBX); a.Push(R12); a.Push(R13); a.Push(R14); a.Push(R15);   // RSP ≡ 0 (mod 16) now
            a.Sub(RSP, 64);                                                   // [rsp..rsp+32): register image, [rsp+48]: MXCSR scratch
            a.Mov(R8, RDI);                                                   // seed
            a.Mov(R9, RSI);                                                   // counter address
            a.Mov(R10, RDX);                                                  // minimum advance
            a.Mov(R11, RCX);                                                  // timeout in TSC ticks
            a.Xor(EBX, EBX);                                                  // result mask

            a.Comment("save the caller's MXCSR in R14, load the seed's");
            a.Stmxcsr(Mem.D(RSP, 48));
            a.Mov(R14D, Mem.D(RSP, 48));
            EmitMxcsrFor(a, R15);                                             // R15 = expected MXCSR
            a.Mov(Mem.D(RSP, 48), R15D);
            a.Ldmxcsr(Mem.D(RSP, 48));

            a.Comment("load the patterns");
            for (int i = 0; i < 16; i++)
            {
                for (int q = 0; q < qwords; q++)
                {
                    EmitPattern(a, i, q);                                     // RAX = pattern
                    a.Mov(Mem.Q(RSP, 8 * q), RAX);
                }
                a.Raw(move + " " + reg(i) + ", [rsp]");
            }

            a.Comment("spin until *counter advanced by minAdvance, or the timeout (no vector instruction in here)");
            a.Mov(R12, Mem.Q(R9));                                            // counter at start
            a.Rdtsc(); a.Shl(RDX, 32); a.Or(RAX, RDX); a.Mov(R13, RAX);       // TSC at start
            var loop = a.NewLabel("spin");
            var advanced = a.NewLabel("advanced");
            var timedOut = a.NewLabel("timeout");
            var check = a.NewLabel("check");
            a.Label(loop);
            a.Mov(RAX, Mem.Q(R9));
            a.Sub(RAX, R12);
            a.Cmp(RAX, R10);
            a.Jae(advanced);
            a.Rdtsc(); a.Shl(RDX, 32); a.Or(RAX, RDX);
            a.Sub(RAX, R13);
            a.Cmp(RAX, R11);
            a.Jae(timedOut);
            a.Pause();
            a.Jmp(loop);
            a.Label(timedOut);
            a.Mov(RAX, unchecked((long)TimedOut));
            a.Or(RBX, RAX);
            a.Label(advanced);

            a.Comment("compare every register with its pattern");
            for (int i = 0; i < 16; i++)
            {
                var same = a.NewLabel("same");
                var differs = a.NewLabel("differs");
                a.Raw(move + " [rsp], " + reg(i));
                for (int q = 0; q < qwords; q++)
                {
                    EmitPattern(a, i, q);
                    a.Cmp(Mem.Q(RSP, 8 * q), RAX);
                    a.Jne(differs);
                }
                a.Jmp(same);
                a.Label(differs);
                a.Or(RBX, 1 << i);
                a.Label(same);
            }
            a.Stmxcsr(Mem.D(RSP, 48));
            a.Cmp(Mem.D(RSP, 48), R15D);
            a.Je(check);
            a.Mov(RAX, unchecked((long)MxcsrMismatch));
            a.Or(RBX, RAX);
            a.Label(check);

            a.Comment("restore the caller's MXCSR, clear the vector registers we filled");
            a.Mov(Mem.D(RSP, 48), R14D);
            a.Ldmxcsr(Mem.D(RSP, 48));
            if (ymm) a.Raw("vzeroupper");
            for (int i = 0; i < 16; i++) a.Xorps(XmmOf(i), XmmOf(i));
            a.Mov(RAX, RBX);
            a.Add(RSP, 64);
            a.Pop(R15); a.Pop(R14); a.Pop(R13); a.Pop(R12); a.Pop(RBX);
            a.Ret();
        }

        private static XmmReg XmmOf(int i) => i switch
        {
            0 => XMM0, 1 => XMM1, 2 => XMM2, 3 => XMM3, 4 => XMM4, 5 => XMM5, 6 => XMM6, 7 => XMM7,
            8 => XMM8, 9 => XMM9, 10 => XMM10, 11 => XMM11, 12 => XMM12, 13 => XMM13, 14 => XMM14, _ => XMM15,
        };

        /// <summary>RAX = <see cref="Pattern"/>(R8, reg, q); clobbers RCX.</summary>
        private static void EmitPattern(Assembler a, int reg, int q)
        {
            int rot = (7 * reg + 3 * q + 1) & 63;
            a.Mov(RAX, R8);
            if (rot != 0) a.Rol(RAX, rot);
            a.Mov(RCX, unchecked((long)Constant(reg, q)));
            a.Xor(RAX, RCX);
        }

        /// <summary><paramref name="dst"/> = <see cref="MxcsrFor"/>(R8); clobbers RAX.</summary>
        private static void EmitMxcsrFor(Assembler a, Reg64 dst)
        {
            a.Mov(RAX, R8);
            a.And(RAX, 3);
            a.Shl(RAX, Mxcsr.RCShift);
            a.Mov(dst, RAX);
            a.Mov(RAX, R8);
            a.Shr(RAX, 2);
            a.And(RAX, 1);
            a.Shl(RAX, 15);                 // MXCSR.FTZ (bit 15)
            a.Or(dst, RAX);
            a.Or(dst, Mxcsr.Default);
        }
    }

    /// <summary>The sentinel functions of <see cref="SimdSentinels"/> as seen from C#.</summary>
    public static unsafe class Sentinels
    {
        /// <summary>xmm0–xmm15 and MXCSR sentinel; see <see cref="SimdSentinels"/> for the result bits.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ttest_xmm_sentinel")]
        public static extern ulong Xmm(ulong seed, ulong* counter, ulong minAdvance, ulong timeoutTicks);

        /// <summary>ymm0–ymm15 (all 256 bits) and MXCSR sentinel; only with AVX enabled in XCR0.</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("ttest_ymm_sentinel")]
        public static extern ulong Ymm(ulong seed, ulong* counter, ulong minAdvance, ulong timeoutTicks);
    }
}
