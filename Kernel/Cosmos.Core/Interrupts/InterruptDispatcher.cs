using System.Runtime;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;

namespace Cosmos.Core.Interrupts
{
    /// <summary>
    /// The managed interrupt dispatcher every X# entry stub calls (<c>cosmos_interrupt_dispatch</c>,
    /// RDI = <see cref="InterruptFrame"/>*, RSP 16-byte aligned, interrupts as the gate left them; returns in
    /// RAX the frame to restore, see <see cref="Dispatch"/>).
    /// <list type="number">
    /// <item>A handler registered on the vector's <see cref="IdtEntry"/> in
    /// <see cref="InterruptDescriptorTable.Active"/> runs with its typed arguments and may rewrite the
    /// frame and return (the stub then restores it and executes IRETQ). After it, entries with
    /// <see cref="IdtEntry.SendsEndOfInterrupt"/> are acknowledged through <see cref="EndOfInterrupt"/>.</item>
    /// <item>Otherwise, for #DE (0) and #PF (14), <see cref="HardwareExceptionHook.Raise"/> (set by the
    /// runtime) may turn the fault into a managed exception: when it returns true the frame was rewritten
    /// and the dispatcher returns.</item>
    /// <item>Leaving the outermost interrupt, when <see cref="Threading.Scheduler.SwitchPending"/> is set, the
    /// scheduler may return another thread's saved frame instead (a thread switch).</item>
    /// <item>Otherwise vectors 32–255 are counted and acknowledged (a spurious or unclaimed IRQ), and
    /// everything else is reported through <see cref="Panic"/> (name, vector, decoded error code, CR2,
    /// registers, decoded RFLAGS, stack trace), then the machine halts, or resets when
    /// <see cref="Panic.RebootOnPanic"/> is set.</item>
    /// </list>
    /// Nothing here allocates.
    /// </summary>
    public static unsafe class InterruptDispatcher
    {
        /// <summary>Acknowledges vector n at the interrupt controller; set by Cosmos.HAL's controller driver. Null = no EOI.</summary>
        public static delegate*<int, void> EndOfInterrupt;

        /// <summary>Deepest nesting of interrupts accepted before the dispatcher reports a runaway (faults in handlers).</summary>
        public const int MaxNesting = 8;
        /// <summary>Most return addresses printed by the RBP-chain stack trace.</summary>
        public const int MaxTraceFrames = 24;

        private struct Counters { public fixed ulong Count[256]; }
        private static Counters s_counters;
        private static int s_depth;

        /// <summary>How many times vector <paramref name="vector"/> reached the dispatcher since boot.</summary>
        public static ulong GetCount(int vector) => (uint)vector < 256 ? s_counters.Count[vector] : 0;

        /// <summary>Current interrupt nesting depth (0 outside any handler).</summary>
        public static int Depth => s_depth;

        private static InterruptFrame s_relocated;

        /// <summary>
        /// Entry point from the X# stubs. Handlers and the hook work on a copy of the frame (on this method's
        /// stack); the return value is the frame the stub restores from and IRETQs with: normally
        /// <paramref name="frame"/> with the copy written back, but when a handler moved RSP below the
        /// interrupted RSP (it emulated a CALL or pushed onto the interrupted stack, as a fault-to-exception
        /// conversion does) its writes may have landed on the stub's frame, which the CPU placed right below
        /// the interrupted RSP, so the stub restores from a relocated copy instead. Pushes may cover at most the
        /// frame itself (22 qwords); deeper ones would overwrite the SIMD save area and are reported.
        /// </summary>
        [RuntimeExport(Asm.InterruptStubs.DispatchSymbol)]
        public static InterruptFrame* Dispatch(InterruptFrame* frame)
        {
            // A thread's own INT YieldVector outside any handler (Scheduler.Yield, Block): nothing to run but the
            // scheduler, so the frame copies and the IDT lookup of the general path are skipped.
            if ((frame->Vector & 0xFF) == Threading.Scheduler.YieldVector && s_depth == 0 && Threading.Scheduler.SwitchPending)
            {
                s_counters.Count[Threading.Scheduler.YieldVector]++;
                return Threading.Scheduler.SwitchFrom(frame);
            }
            return DispatchThroughHandlers(frame);
        }

        /// <summary>
        /// The general path of <see cref="Dispatch"/>: handlers run on a copy of the frame. A method of its own so that
        /// the yield fast path does not pay for zeroing the copy (the JIT zeroes a struct local with GC-free fields in
        /// the prolog of the method that declares it).
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static InterruptFrame* DispatchThroughHandlers(InterruptFrame* frame)
        {
            InterruptFrame work = *frame;
            ulong interruptedRsp = frame->RSP;
            DispatchCore(&work);
            if (work.RSP >= interruptedRsp || work.RSP < frame->XSaveArea)
            {
                // (RSP below the save area: a different stack altogether, so the stub's frame was not overwritten either.)
                *frame = work;
                // Leaving the outermost interrupt with a switch pending (time slice over, a higher-priority thread woke,
                // a yield): the scheduler saves this frame as the thread's state and returns the frame to resume.
                if (s_depth == 0 && Threading.Scheduler.SwitchPending) return Threading.Scheduler.SwitchFrom(frame);
                return frame;
            }
            if (work.RSP < (ulong)frame)
                Report(&work, 0, "a handler pushed onto the interrupted stack past the interrupt frame into the SIMD save area");
            s_relocated = work;
            return (InterruptFrame*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_relocated);
        }

        private static void DispatchCore(InterruptFrame* frame)
        {
            int vector = (int)(frame->Vector & 0xFF);
            ulong cr2 = vector == ExceptionVector.PF ? Native.ReadCR2() : 0;  // before anything else can fault
            s_counters.Count[vector]++;
            if (++s_depth > MaxNesting)
            {
                s_depth = 0;
                Report(frame, cr2, "interrupt nesting too deep (a fault inside an interrupt handler?)");
            }

            var idt = InterruptDescriptorTable.Active;
            IdtEntry entry = idt != null ? idt.Entries[vector] : null;
            if (entry != null && entry.Handler != null)
            {
                void* h = entry.Handler;
                switch (entry.Kind)
                {
                    case HandlerKind.Plain:
                        ((delegate*<InterruptFrame*, void>)h)(frame);
                        break;
                    case HandlerKind.ErrorCode:
                        ((delegate*<InterruptFrame*, ulong, void>)h)(frame, frame->ErrorCode);
                        break;
                    case HandlerKind.Selector:
                        ((delegate*<InterruptFrame*, SelectorErrorCode, void>)h)(frame, new SelectorErrorCode(frame->ErrorCode));
                        break;
                    case HandlerKind.PageFault:
                        ((delegate*<InterruptFrame*, PageFaultErrorCode, ulong, void>)h)(frame, (PageFaultErrorCode)frame->ErrorCode, cr2);
                        break;
                    case HandlerKind.Diverging:
                        ((delegate*<InterruptFrame*, void>)h)(frame);
                        Report(frame, cr2, "the handler of a non-returning exception returned");
                        break;
                    case HandlerKind.DivergingErrorCode:
                        ((delegate*<InterruptFrame*, ulong, void>)h)(frame, frame->ErrorCode);
                        Report(frame, cr2, "the handler of a non-returning exception returned");
                        break;
                }
                if (entry.SendsEndOfInterrupt && EndOfInterrupt != null) EndOfInterrupt(vector);
                s_depth--;
                return;
            }

            if ((vector == ExceptionVector.DE || vector == ExceptionVector.PF) && (frame->Vector & InterruptFrame.NoCpuErrorCodeFlag) == 0)
            {
                var raise = HardwareExceptionHook.Raise;
                if (raise != null && raise(frame)) { s_depth--; return; }
            }

            if (vector >= InterruptDescriptorTable.FirstIrqVector)
            {
                if ((entry == null || entry.SendsEndOfInterrupt) && EndOfInterrupt != null) EndOfInterrupt(vector);
                s_depth--;
                return;
            }
            Report(frame, cr2, null);
        }

        /// <summary>Architectural name of an exception vector (Intel SDM Vol. 3A Table 6-1).</summary>
        public static string ExceptionName(int vector)
        {
            switch (vector)
            {
                case 0: return "Divide error (#DE)";
                case 1: return "Debug (#DB)";
                case 2: return "Non-maskable interrupt (NMI)";
                case 3: return "Breakpoint (#BP)";
                case 4: return "Overflow (#OF)";
                case 5: return "BOUND range exceeded (#BR)";
                case 6: return "Invalid opcode (#UD)";
                case 7: return "Device not available (#NM)";
                case 8: return "Double fault (#DF)";
                case 9: return "Coprocessor segment overrun";
                case 10: return "Invalid TSS (#TS)";
                case 11: return "Segment not present (#NP)";
                case 12: return "Stack-segment fault (#SS)";
                case 13: return "General protection fault (#GP)";
                case 14: return "Page fault (#PF)";
                case 16: return "x87 floating-point error (#MF)";
                case 17: return "Alignment check (#AC)";
                case 18: return "Machine check (#MC)";
                case 19: return "SIMD floating-point exception (#XM)";
                case 20: return "Virtualization exception (#VE)";
                case 21: return "Control protection exception (#CP)";
                case 28: return "Hypervisor injection exception (#HV)";
                case 29: return "VMM communication exception (#VC)";
                case 30: return "Security exception (#SX)";
                default: return vector < 32 ? "Reserved exception" : "Interrupt";
            }
        }

        /// <summary>
        /// Writes the panic report for <paramref name="frame"/> and halts (or resets when
        /// <see cref="Panic.RebootOnPanic"/>). <paramref name="why"/> adds a line (null: none). Never returns.
        /// </summary>
        public static void Report(InterruptFrame* frame, ulong cr2, string why)
        {
            int vector = (int)(frame->Vector & 0xFF);
            Panic.Begin();
            Panic.Write("CPU exception: ");
            Panic.Write(ExceptionName(vector));
            Panic.Write(", vector ");
            Panic.WriteDecimal((ulong)vector);
            int ist = TaskStateSegment.StackContaining(InterruptNative.ReadRsp());
            if (ist != 0) { Panic.Write(", handled on IST "); Panic.WriteDecimal((ulong)ist); Panic.Write(" stack"); }
            Panic.Write("\n");
            if (why != null) { Panic.Write(why); Panic.Write("\n"); }
            if ((frame->Vector & InterruptFrame.NoCpuErrorCodeFlag) != 0)
                Panic.Write("raised by software (INT n): no CPU error code\n");
            WriteErrorCode(vector, frame->ErrorCode, cr2);
            if (vector == ExceptionVector.DF)
                Panic.Write("(a fault while delivering another one; a kernel stack overflow into its guard page ends here)\n");
            WriteRegisters(frame);
            Panic.Write("Stack trace:\n");
            var trace = HardwareExceptionHook.WriteStackTrace;
            if (trace != null) trace(frame);
            else WriteRbpChain(frame);
            Panic.End();
        }

        private static void WriteErrorCode(int vector, ulong code, ulong cr2)
        {
            if (!ExceptionVector.HasErrorCode(vector)) return;
            Panic.Write("error code 0x");
            Panic.WriteHex(code);
            if (vector == ExceptionVector.PF)
            {
                var pf = (PageFaultErrorCode)code;
                Panic.Write(((pf & PageFaultErrorCode.ProtectionViolation) != 0) ? ": protection violation" : ": page not present");
                Panic.Write(((pf & PageFaultErrorCode.CausedByWrite) != 0) ? ", write" : ", read");
                Panic.Write(((pf & PageFaultErrorCode.UserMode) != 0) ? ", user mode" : ", supervisor mode");
                if ((pf & PageFaultErrorCode.MalformedTable) != 0) Panic.Write(", reserved bit set in a paging entry");
                if ((pf & PageFaultErrorCode.InstructionFetch) != 0) Panic.Write(", instruction fetch");
                if ((pf & PageFaultErrorCode.ProtectionKey) != 0) Panic.Write(", protection key");
                if ((pf & PageFaultErrorCode.ShadowStack) != 0) Panic.Write(", shadow stack");
                Panic.Write("\nCR2 (faulting address) 0x");
                Panic.WriteHex(cr2);
                if (cr2 < 4096) Panic.Write(" (null page)");
            }
            else if (ExceptionVector.HasSelectorErrorCode(vector))
            {
                var s = new SelectorErrorCode(code);
                if (s.IsNull) Panic.Write(": no selector");
                else
                {
                    Panic.Write(s.Table == DescriptorTable.Idt ? ": IDT vector " : s.Table == DescriptorTable.Ldt ? ": LDT index " : ": GDT index ");
                    Panic.WriteDecimal((ulong)s.Index);
                    if (s.External) Panic.Write(", external event");
                }
            }
            Panic.Write("\n");
        }

        private static void Reg(string name, ulong value)
        {
            Panic.Write(name);
            Panic.Write("=0x");
            Panic.WriteHex(value);
        }

        private static void WriteRegisters(InterruptFrame* f)
        {
            Reg("RIP", f->RIP); Panic.Write(" "); Reg("CS", f->CS); Panic.Write(" "); Reg("SS", f->SS); Panic.Write("\n");
            Reg("RSP", f->RSP); Panic.Write(" "); Reg("RBP", f->RBP); Panic.Write("\n");
            Reg("RFLAGS", f->RFLAGS); Panic.Write(" ["); RFlags.Write(f->RFLAGS); Panic.Write("]\n");
            Reg("RAX", f->RAX); Panic.Write(" "); Reg("RBX", f->RBX); Panic.Write(" "); Reg("RCX", f->RCX); Panic.Write("\n");
            Reg("RDX", f->RDX); Panic.Write(" "); Reg("RSI", f->RSI); Panic.Write(" "); Reg("RDI", f->RDI); Panic.Write("\n");
            Reg("R8 ", f->R8); Panic.Write(" "); Reg("R9 ", f->R9); Panic.Write(" "); Reg("R10", f->R10); Panic.Write("\n");
            Reg("R11", f->R11); Panic.Write(" "); Reg("R12", f->R12); Panic.Write(" "); Reg("R13", f->R13); Panic.Write("\n");
            Reg("R14", f->R14); Panic.Write(" "); Reg("R15", f->R15); Panic.Write("\n");
            Reg("CR0", Native.ReadCR0()); Panic.Write(" "); Reg("CR3", Native.ReadCR3()); Panic.Write(" "); Reg("CR4", Native.ReadCR4()); Panic.Write("\n");
        }

        /// <summary>Prints RIP, then the return addresses found by following saved RBP values (frame pointers) while they look sane.</summary>
        private static void WriteRbpChain(InterruptFrame* f)
        {
            Panic.Write("  0x"); Panic.WriteHex(f->RIP); Panic.Write(" (interrupted instruction)\n");
            ulong rbp = f->RBP;
            for (int i = 0; i < MaxTraceFrames; i++)
            {
                if (rbp == 0 || (rbp & 7) != 0 || !Paging.IsMapped(rbp) || !Paging.IsMapped(rbp + 15)) break;
                ulong ret = *(ulong*)(rbp + 8);
                ulong next = *(ulong*)rbp;
                if (ret == 0) break;
                Panic.Write("  0x"); Panic.WriteHex(ret); Panic.Write("\n");
                if (next <= rbp) break;
                rbp = next;
            }
            Panic.Write("(return addresses from the RBP chain; frames without a frame pointer are skipped)\n");
        }

    }
}
