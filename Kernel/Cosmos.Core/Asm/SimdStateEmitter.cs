using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using XSharp;
using static XSharp.Reg;

namespace Cosmos.Core.Asm
{
    /// <summary>
    /// The one X# emitter of the SIMD state save and restore (Intel SDM Vol. 1 §13: XSAVE, XSAVEOPT, XRSTOR; §10.5:
    /// FXSAVE64, FXRSTOR64), shared by the interrupt stubs (<see cref="InterruptStubs"/>) and the benchmarks' baselines
    /// (the bare interrupt stub and the bare switch in Tests/Cosmos.InterruptTestHelpers and Tests/Cosmos.ThreadTestHelpers,
    /// outside the production kernel). The instruction is chosen at run time from the dword at
    /// <c>cosmos_interrupt_simd_mode</c> (<see cref="InterruptStubs.SimdFxsave"/>, <see cref="InterruptStubs.SimdXsave"/>,
    /// <see cref="InterruptStubs.SimdXsaveopt"/>); the XSAVE component mask EDX:EAX is <see cref="BootInfo.Xcr0"/>
    /// and the area size <see cref="BootInfo.XSaveAreaSize"/>, both recorded by the boot path.
    /// </summary>
    public static class SimdStateEmitter
    {
        /// <summary>Symbol of the dword that selects the save instruction (defined by <see cref="InterruptStubs"/>).</summary>
        public const string ModeSymbol = "cosmos_interrupt_simd_mode";

        /// <summary><paramref name="area"/> = (<paramref name="top"/> − <see cref="BootInfo.XSaveAreaSize"/>) AND −64: a save area right below <paramref name="top"/>, aligned as XSAVE requires.</summary>
        public static void EmitAllocate(Assembler a, Reg64 area, Reg64 top, Label bootInfo)
        {
            a.Mov(area, top);
            a.Sub(area, Mem.Q(bootInfo, BootProgram.Offset(nameof(BootInfo.XSaveAreaSize))));
            a.And(area, -XSaveLayout.Alignment);
        }

        /// <summary>
        /// Saves the SIMD state into the 64-byte aligned area at [<paramref name="area"/>]. With XSAVE/XSAVEOPT the XSAVE
        /// header is zeroed first (XRSTOR faults on nonzero reserved header bytes, SDM Vol. 1 §13.4.2, §13.8; XSAVE writes
        /// only XSTATE_BV). Clobbers RAX and RDX; <paramref name="tag"/> makes the local labels unique.
        /// </summary>
        public static void EmitSave(Assembler a, Reg64 area, Label mode, Label bootInfo, string tag)
        {
            CheckArea(area);
            var fx = a.NewLabel(tag + "_fxsave");
            var opt = a.NewLabel(tag + "_xsaveopt");
            var done = a.NewLabel(tag + "_saved");
            a.Mov(EAX, Mem.D(mode));
            a.Cmp(EAX, InterruptStubs.SimdXsave);
            a.Jb(fx);
            a.Comment($"XSAVE header (bytes {XSaveLayout.Header}..{XSaveLayout.Header + XSaveLayout.HeaderBytes - 1}) must be zero apart from what XSAVE writes (SDM Vol. 1 §13.4.2, §13.8)");
            a.Xor(EDX, EDX);
            for (int i = 0; i < XSaveLayout.HeaderBytes / 8; i++) a.Mov(Mem.Q(area, XSaveLayout.Header + 8 * i), RDX);
            a.Comment("branch before loading the mask: SHR sets ZF");
            a.Cmp(EAX, InterruptStubs.SimdXsaveopt);
            a.Je(opt);
            LoadComponentMask(a, bootInfo);
            a.Xsave(Mem.At(area));
            a.Jmp(done);
            a.Label(opt);
            LoadComponentMask(a, bootInfo);
            a.Xsaveopt(Mem.At(area));
            a.Jmp(done);
            a.Label(fx);
            a.Fxsave(Mem.At(area));
            a.Label(done);
        }

        /// <summary>Restores the SIMD state from the 64-byte aligned area at [<paramref name="area"/>]. Clobbers RAX and RDX.</summary>
        public static void EmitRestore(Assembler a, Reg64 area, Label mode, Label bootInfo, string tag)
        {
            CheckArea(area);
            var fx = a.NewLabel(tag + "_fxrstor");
            var done = a.NewLabel(tag + "_restored");
            a.Cmp(Mem.D(mode), InterruptStubs.SimdXsave);
            a.Jb(fx);
            LoadComponentMask(a, bootInfo);
            a.Xrstor(Mem.At(area));
            a.Jmp(done);
            a.Label(fx);
            a.Fxrstor(Mem.At(area));
            a.Label(done);
        }

        /// <summary>EDX:EAX = <see cref="BootInfo.Xcr0"/> (the instruction mask of XSAVE/XRSTOR). The SHR changes the flags.</summary>
        static void LoadComponentMask(Assembler a, Label bootInfo)
        {
            a.Mov(RAX, Mem.Q(bootInfo, BootProgram.Offset(nameof(BootInfo.Xcr0))));
            a.Mov(RDX, RAX);
            a.Shr(RDX, 32);
        }

        static void CheckArea(Reg64 area)
        {
            if (area == RAX || area == RDX)
                throw new System.ArgumentException("the SIMD save area register cannot be RAX or RDX (they carry the XSAVE mask)", nameof(area));
        }
    }
}
