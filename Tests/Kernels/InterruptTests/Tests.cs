using Cosmos.Core;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Asm;
using Cosmos.Core.Interrupts;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;
using Cosmos.HAL;
using Cosmos.InterruptTestHelpers;
using Cosmos.TestRunner;

namespace InterruptTests
{
    public sealed unsafe class Kernel : TestKernel
    {
        // What the last handler saw (statics: handlers are static methods, no allocation).
        private static int s_hits;
        private static ulong s_vector, s_error, s_rip, s_cs, s_ss, s_cr2, s_rspAtCall, s_xsaveArea;
        private static PageFaultErrorCode s_pfError;
        private static SelectorErrorCode s_selector;

        private static void Record(InterruptFrame* f)
        {
            s_hits++;
            s_vector = f->Vector; s_error = f->ErrorCode; s_rip = f->RIP; s_cs = f->CS; s_ss = f->SS;
            s_xsaveArea = f->XSaveArea;
            s_rspAtCall = InterruptNative.ReadRsp();
        }

        /// <summary>Resumes after a helper whose fault was its first stack-neutral instruction: emulate RET.</summary>
        private static void EmulateReturn(InterruptFrame* f)
        {
            f->RIP = *(ulong*)f->RSP;
            f->RSP += 8;
        }

        private static void OnBreakpoint(InterruptFrame* f) => Record(f);
        private static void OnInvalidOpcode(InterruptFrame* f) { Record(f); f->RIP += 2; }
        private static void OnDivideError(InterruptFrame* f) { Record(f); f->RAX = 0xDEAD; EmulateReturn(f); }
        private static void OnPageFault(InterruptFrame* f, PageFaultErrorCode e, ulong cr2) { Record(f); s_pfError = e; s_cr2 = cr2; EmulateReturn(f); }
        private static void OnGeneralProtection(InterruptFrame* f, SelectorErrorCode e) { Record(f); s_selector = e; EmulateReturn(f); }
        private static void OnStackSegment(InterruptFrame* f, SelectorErrorCode e) { Record(f); s_selector = e; EmulateReturn(f); }
        private static void OnDebug(InterruptFrame* f) { Record(f); f->RFLAGS &= ~RFlags.TF; }
        private static void OnSimd(InterruptFrame* f)
        {
            Record(f);
            uint* mxcsr = (uint*)(f->XSaveArea + XSaveLayout.Mxcsr);   // legacy region byte 24 (FXSAVE and XSAVE; SDM Vol. 1 Table 10-2)
            *mxcsr = (*mxcsr | Mxcsr.ZM) & ~Mxcsr.ExceptionFlags;   // mask ZM, clear the sticky flags; the DIVSD re-executes
        }
        private static void OnX87(InterruptFrame* f)
        {
            Record(f);
            ushort* fcw = (ushort*)f->XSaveArea;           // FCW at byte 0, FSW at byte 2
            fcw[0] |= 0x3F;                                // mask all x87 exceptions
            fcw[1] &= 0x7F00 & ~0x80;                      // clear ES, B and the exception flags
        }
        private static void RecordOnly(InterruptFrame* f) => Record(f);
        /// <summary>Emulates "call itest_mark" at the UD2 and returns after it: pushes onto the interrupted stack.</summary>
        private static void OnInvalidOpcodeEmulateCall(InterruptFrame* f)
        {
            Record(f);
            f->RSP -= 8;
            *(ulong*)f->RSP = f->RIP + 2;
            f->RIP = Helpers.MarkAddress();
        }

        private static int s_hookCalls;
        private static ulong s_hookVector;
        /// <summary>Stands in for the runtime's fault-to-exception conversion: claims the fault and resumes after the helper.</summary>
        private static bool FakeRaise(InterruptFrame* f)
        {
            s_hookCalls++;
            s_hookVector = f->Vector;
            EmulateReturn(f);
            return true;
        }

        private static int s_irqHits;
        private static void OnSoftIrq(InterruptFrame* f) { s_irqHits++; Record(f); }

        /// <summary>True under QEMU's TCG emulator (hypervisor CPUID leaf 0x40000000 signature "TCGTCGTCGTCG").</summary>
        private static bool IsQemuTcg()
        {
            CPU.CPUID(1, 0, out _, out _, out uint ecx, out _);
            if ((ecx & CpuidFeature.Leaf01Ecx_Hypervisor) == 0) return false;
            CPU.CPUID(0x40000000, 0, out _, out uint b, out uint c, out uint d);
            return b == 0x54474354 && c == 0x43544743 && d == 0x47435447;
        }

        private void Reset() { s_hits = 0; s_vector = s_error = s_rip = s_cs = s_ss = s_cr2 = 0; s_rspAtCall = 1; }

        protected override void RunTests()
        {
            var idt = INTs.IDT;

            Test("IDT loaded, 256 present interrupt gates on CS 0x08, IST 1/2/3 for #DF/NMI/#MC", () =>
            {
                True(idt != null, "INTs.IDT");
                idt.GetEntry(0).ReadGate(out ulong lo, out ulong hi);
                Equal(0x08UL, (lo >> 16) & 0xFFFF, "selector");
                Equal(0x8EUL, (lo >> 40) & 0xFF, "P=1 DPL=0 type 0xE");
                ulong target = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF0000) | (hi << 32);
                Equal(InterruptNative.StubAddress(0), target, "gate target = stub 0");
                Equal(1, idt.DoubleFault.StackIndex, "#DF IST");
                Equal(2, idt.NonMaskableInterrupt.StackIndex, "NMI IST");
                Equal(3, idt.MachineCheck.StackIndex, "#MC IST");
                Equal(TaskStateSegment.StackTop(1), TaskStateSegment.GetInterruptStack(1), "TSS IST1");
                True(!Paging.IsMapped(TaskStateSegment.GuardPage(1)), "IST1 guard page unmapped");
                True(Paging.IsMapped(TaskStateSegment.StackBottom(1)), "IST1 stack mapped");
                True((Native.ReadRFlags() & RFlags.IF) != 0, "interrupts enabled after Global.Init");
            });

            Test("int3 reaches the breakpoint handler and resumes after it", () =>
            {
                Reset();
                idt.Breakpoint.SetHandler(&OnBreakpoint);
                Helpers.Int3();
                Helpers.Int3();
                idt.Breakpoint.ClearHandler();
                Equal(2, s_hits, "handler calls");
                Equal(3UL, s_vector, "vector");
                Equal(0UL, s_error, "error code");
                Equal(0x08UL, s_cs, "CS");
                Equal(0x10UL, s_ss, "SS");
                Equal(0UL, s_rspAtCall & 15, "RSP mod 16 inside the handler's call");
                Equal(0UL, s_xsaveArea & 63, "SIMD area 64-byte aligned (= RSP at the call into managed code)");
            });

            Test("ud2 invalid opcode handled, handler skips it and resumes", () =>
            {
                Reset();
                idt.InvalidOpcode.SetHandler(&OnInvalidOpcode);
                Helpers.Ud2();
                idt.InvalidOpcode.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(6UL, s_vector, "vector");
                Equal(0x0B0FUL, (ulong)*(ushort*)s_rip, "RIP pointed at UD2 (0F 0B)");
            });

            Test("a handler may emulate CALL on the interrupted stack (writes below RSP overlap the CPU's frame), both RSP alignments", () =>
            {
                idt.InvalidOpcode.SetHandler(&OnInvalidOpcodeEmulateCall);
                ulong before = Helpers.MarksCount();
                Reset();
                Helpers.Ud2();            // RSP ≡ 8 (mod 16) at UD2: the CPU aligns down, the pushed qword lands in the gap
                Helpers.Ud2RspAligned();  // RSP ≡ 0 (mod 16) at UD2: the pushed qword lands on the frame's SS slot
                idt.InvalidOpcode.ClearHandler();
                Equal(2, s_hits, "handler calls");
                Equal(before + 2, Helpers.MarksCount(), "the emulated calls ran and returned after the UD2");
            });

            Test("INT n for every vector 0..31 reaches its entry, no error code is pushed, even for 8, 10-14, 17, 21, 29, 30", () =>
            {
                var table = Helpers.IntTable();
                for (int v = 0; v < 32; v++)
                {
                    Reset();
                    var e = idt.GetEntry(v);
                    e.SetRawHandler(&RecordOnly);
                    table[v]();
                    e.ClearHandler();
                    string at = " (vector " + v + ")";
                    Equal(1, s_hits, "handler calls" + at);
                    Equal((ulong)v, s_vector & 0xFF, "vector" + at);
                    Equal(0UL, s_error, "error code" + at);
                    Equal(ExceptionVector.HasErrorCode(v) ? InterruptFrame.NoCpuErrorCodeFlag : 0UL, s_vector & InterruptFrame.NoCpuErrorCodeFlag, "no-CPU-error-code flag" + at);
                    Equal(0x08UL, s_cs, "CS" + at);
                    Equal(0UL, s_rspAtCall & 15, "RSP alignment" + at);
                }
            });

            Test("INT n for vectors 32..255 reaches the entry (no EOI for software vectors with EndOfInterrupt off)", () =>
            {
                var table = Helpers.IntTable();
                s_irqHits = 0;
                int expected = 0;
                for (int v = 32; v < 256; v++)
                {
                    var e = idt[v];
                    if (v == LocalAPIC.SpuriousVector || e.HasHandler) continue;   // the scheduler's tick (IRQ 0) and yield vector keep theirs
                    expected++;
                    bool eoi = e.SendsEndOfInterrupt;
                    e.SendsEndOfInterrupt = false;
                    e.SetHandler(&OnSoftIrq);
                    Reset();
                    table[v]();
                    e.ClearHandler();
                    e.SendsEndOfInterrupt = eoi;
                    Equal((ulong)v, s_vector, "vector " + v);
                }
                True(expected >= 220, "at least 220 free vectors above 31 (" + expected + ")");
                Equal(expected, s_irqHits, "handler calls");
            });

            Test("#DE from DIV by zero, real fault, no error code, handler resumes", () =>
            {
                Reset();
                idt.DivideError.SetHandler(&OnDivideError);
                uint r = Helpers.DivideByZero(7);
                idt.DivideError.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(0UL, s_vector, "vector (no flags)");
                Equal(0xDEADu, r, "RAX rewritten by the handler");
            });

            Test("#PF from a write to the null page, decoded error code and CR2", () =>
            {
                Reset();
                idt.PageFault.SetHandler(&OnPageFault);
                Helpers.WriteQword(0x18, 1);
                idt.PageFault.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(14UL, s_vector, "vector");
                Equal(2UL, s_error, "error code: write, not present, supervisor");
                Equal((ulong)PageFaultErrorCode.CausedByWrite, (ulong)s_pfError, "decoded");
                Equal(0x18UL, s_cr2, "CR2");
            });

            Test("#PF from a write to the IST1 guard page", () =>
            {
                Reset();
                idt.PageFault.SetHandler(&OnPageFault);
                Helpers.WriteQword(TaskStateSegment.GuardPage(1) + 8, 1);
                idt.PageFault.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(TaskStateSegment.GuardPage(1) + 8, s_cr2, "CR2");
            });

            Test("#GP(selector) from loading DS with a selector beyond the GDT limit", () =>
            {
                Reset();
                idt.GeneralProtectionFault.SetHandler(&OnGeneralProtection);
                Helpers.LoadDs(0x48);
                idt.GeneralProtectionFault.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(13UL, s_vector, "vector");
                Equal(0x48UL, s_error, "error code = selector");
                Equal(9, s_selector.Index, "decoded index");
                True(s_selector.Table == DescriptorTable.Gdt && !s_selector.External, "decoded table GDT, not external");
            });

            Test("#GP(0) from a non-canonical address", () =>
            {
                Reset();
                idt.GeneralProtectionFault.SetHandler(&OnGeneralProtection);
                Helpers.NonCanonicalRead();
                idt.GeneralProtectionFault.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(13UL, s_vector, "vector (CPU pushed the error code)");
                Equal(0UL, s_error, "error code");
                True(s_selector.IsNull, "no selector");
            });

            Test("non-canonical RSP-based address gives #SS(0) per the SDM (QEMU TCG delivers #GP(0)), CPU error code 0 either way", () =>
            {
                Reset();
                idt.StackSegmentFault.SetHandler(&OnStackSegment);
                idt.GeneralProtectionFault.SetHandler(&OnGeneralProtection);
                Helpers.NonCanonicalStackRead();
                idt.StackSegmentFault.ClearHandler();
                idt.GeneralProtectionFault.ClearHandler();
                Equal(1, s_hits, "handler calls");
                True(s_vector == 12 || s_vector == 13, "vector 12 (#SS) or 13 (#GP), with the CPU-pushed error code (no flag): " + s_vector);
                Equal(0UL, s_error, "error code");
            });

            Test("#DB from single-stepping (RFLAGS.TF), handler clears TF", () =>
            {
                Reset();
                idt.Debug.SetHandler(&OnDebug);
                Helpers.SingleStep();
                idt.Debug.ClearHandler();
                Equal(1, s_hits, "handler calls (one step, then TF cleared)");
                Equal(1UL, s_vector, "vector");
            });

            Test("#XM from an unmasked SIMD divide by zero, handler masks ZM in the saved MXCSR", () =>
            {
                Reset();
                idt.SimdFloatingPoint.SetHandler(&OnSimd);
                double r = Helpers.SimdDivideByZero();
                idt.SimdFloatingPoint.ClearHandler();
                True(double.IsPositiveInfinity(r), "1/0 = +inf after the re-executed DIVSD");
                if (s_hits == 0 && IsQemuTcg())
                {
                    Line("note: QEMU TCG does not raise #XM for unmasked SSE exceptions (it only sets MXCSR flags); the entry is covered by INT 19");
                    return;
                }
                Equal(1, s_hits, "handler calls");
                Equal(19UL, s_vector, "vector");
                Equal(Mxcsr.Default, Helpers.ReadMxcsr() & ~Mxcsr.ExceptionFlags, "MXCSR restored from the edited save area (ZM masked again)");
            });

            Test("#MF from an unmasked x87 divide by zero at FWAIT, handler masks it in the saved FCW", () =>
            {
                Reset();
                idt.X87FloatingPoint.SetHandler(&OnX87);
                Helpers.X87DivideByZero();
                idt.X87FloatingPoint.ClearHandler();
                Equal(1, s_hits, "handler calls");
                Equal(16UL, s_vector, "vector");
            });

            Test("HardwareExceptionHook.Raise is consulted for #DE and #PF without a registered handler, and may resume", () =>
            {
                var saved = HardwareExceptionHook.Raise;
                HardwareExceptionHook.Raise = &FakeRaise;
                s_hookCalls = 0;
                Helpers.DivideByZero(1);
                Equal(1, s_hookCalls, "#DE reached the hook");
                Equal(0UL, s_hookVector, "#DE vector");
                Helpers.WriteQword(0x20, 5);
                Equal(2, s_hookCalls, "#PF reached the hook");
                Equal(14UL, s_hookVector, "#PF vector");
                idt.PageFault.SetHandler(&OnPageFault);
                Reset();
                Helpers.WriteQword(0x20, 5);
                idt.PageFault.ClearHandler();
                Equal(2, s_hookCalls, "a registered handler wins over the hook");
                Equal(1, s_hits, "the registered handler ran");
                HardwareExceptionHook.Raise = saved;
            });

            Test("dispatcher counts vectors", () =>
            {
                True(InterruptDispatcher.GetCount(3) >= 2, "vector 3 count");
                Equal(0, InterruptDispatcher.Depth, "nesting depth back to 0");
            });
        }
    }
}
