using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Layout;

namespace Cosmos.Runtime.ExceptionHandling
{
    /// <summary>
    /// Stack traces outside exception dispatch: the managed frames of an interrupted context for crash
    /// reports (<see cref="Cosmos.Core.HardwareExceptionHook.WriteStackTrace"/>), with method names from
    /// ilc's stack-trace metadata (--stacktracedata) formatted by the CoreLib itself.
    /// (Exception.StackTrace, Environment.StackTrace and new StackTrace() need nothing from here: the
    /// CoreLib drives RhpSfiInit/RhpSfiNext and RhpGetCurrentThreadStackTrace.)
    /// </summary>
    public static unsafe class StackTraces
    {
        /// <summary>Most frames a crash report lists.</summary>
        public const int MaxFrames = 64;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("AppendExceptionStackFrame")]
        private static extern void AppendExceptionStackFrame(object exception, IntPtr ip, int flags);

        private static int s_writing;

        /// <summary>
        /// Collects the return addresses (the first one: <paramref name="context"/>'s IP) of the managed frames
        /// starting at <paramref name="context"/> into <paramref name="ips"/>; returns how many. Allocation-free.
        /// </summary>
        public static int Collect(PalLimitedContext* context, bool instructionFault, ulong* ips, int capacity)
        {
            StackFrameIterator it;
            int n = 0;
            if (!StackFrameIterator.StartStackTraceWalk(&it, context, instructionFault)) return 0;
            do
            {
                ips[n++] = it.OriginalControlPC;
            } while (n < capacity && StackFrameIterator.NextFrame(&it));
            return n;
        }

        /// <summary>
        /// Formats code addresses as the CoreLib formats Exception.StackTrace ("   at Namespace.Type.Method(Args) + 0x1a"
        /// per line), by recording them into a scratch exception through the CoreLib's AppendExceptionStackFrame.
        /// </summary>
        public static string Format(ulong* ips, int count)
        {
            var holder = new Exception();
            for (int i = 0; i < count; i++) AppendExceptionStackFrame(holder, (IntPtr)ips[i], i == 0 ? 1 : 0);
            return holder.StackTrace;
        }

        /// <summary>
        /// Writes the managed frames of the code <paramref name="frame"/> interrupted through <see cref="Panic"/>:
        /// names when they can be formatted, raw addresses otherwise. Never throws.
        /// </summary>
        public static void WriteForInterruptFrame(InterruptFrame* frame)
        {
            PalLimitedContext context = default;
            context.IP = frame->RIP;
            context.Rsp = frame->RSP;
            context.Rbp = frame->RBP;
            context.Rbx = frame->RBX;
            context.R12 = frame->R12;
            context.R13 = frame->R13;
            context.R14 = frame->R14;
            context.R15 = frame->R15;
            context.Rax = frame->RAX;
            context.Rdx = frame->RDX;
            WriteForContext(&context, instructionFault: true);
        }

        /// <summary>True when <paramref name="sp"/> is a readable, 8-byte aligned slot of the boot stack (the only stack so far).</summary>
        private static bool OnCurrentStack(ulong sp)
        {
            var bi = Native.GetBootInfo();
            return (sp & 7) == 0 && sp >= bi->StackBottom && sp + 8 <= bi->StackTop;
        }

        /// <summary>True when <paramref name="ra"/> follows a CALL instruction in managed code (E8 rel32, or FF /2 through a register or memory).</summary>
        private static bool LooksLikeReturnAddress(ulong ra)
        {
            if (!CodeManager.IsManagedCode(ra - 1) || !CodeManager.IsManagedCode(ra - 6)) return false;
            byte* p = (byte*)ra;
            if (p[-5] == 0xE8) return true;                                           // call rel32
            if (p[-2] == 0xFF && (p[-1] & 0xF8) == 0xD0) return true;                // call reg
            if (p[-3] == 0xFF && (p[-2] & 0xF8) == 0x50) return true;                // call [reg + disp8]
            if (p[-2] == 0xFF && (p[-1] & 0xF8) == 0x10) return true;                // call [reg]
            if (p[-3] == 0x41 && p[-2] == 0xFF && ((p[-1] & 0xF8) == 0xD0 || (p[-1] & 0xF8) == 0x10)) return true; // call r8–r15 / [r8–r15]
            if (p[-6] == 0xFF && (p[-5] == 0x15 || (p[-5] & 0xF8) == 0x90)) return true; // call [rip + disp32] / [reg + disp32]
            return false;
        }

        /// <summary>
        /// The managed caller of the non-managed code <paramref name="context"/> stands in (an X# helper): unwound with
        /// the helper's CFI when it has an FDE (every X# helper that declares its frame, Build/XSharp/Cfi.cs); for code
        /// without CFI, the word at RSP when it is a return address just after a call in managed code (a leaf helper).
        /// False when no managed caller is found.
        /// </summary>
        private static bool TryFindManagedCaller(PalLimitedContext* context, bool instructionFault, PalLimitedContext* caller)
        {
            ulong lookup = instructionFault ? context->IP : context->IP - 1;
            if (CodeManager.FindFde(lookup, out CodeManager.Fde fde))
            {
                *caller = *context;
                RegDisplay regs = default;
                regs.SP = context->Rsp;
                regs.IP = context->IP;
                regs.pRbp = &caller->Rbp; regs.pRbx = &caller->Rbx; regs.pRax = &caller->Rax; regs.pRdx = &caller->Rdx;
                regs.pR12 = &caller->R12; regs.pR13 = &caller->R13; regs.pR14 = &caller->R14; regs.pR15 = &caller->R15;
                if (!CodeManager.Unwind(fde, &regs, lookup)) return false;                   // the outermost frame of a stack
                caller->IP = regs.IP;
                caller->Rsp = regs.SP;
                caller->Rbp = *regs.pRbp; caller->Rbx = *regs.pRbx; caller->Rax = *regs.pRax; caller->Rdx = *regs.pRdx;
                caller->R12 = *regs.pR12; caller->R13 = *regs.pR13; caller->R14 = *regs.pR14; caller->R15 = *regs.pR15;
                return CodeManager.IsManagedCode(caller->IP);
            }
            if (!OnCurrentStack(context->Rsp) || !LooksLikeReturnAddress(*(ulong*)context->Rsp)) return false;
            *caller = *context;
            caller->IP = *(ulong*)context->Rsp;
            caller->Rsp = context->Rsp + 8;
            return true;
        }

        /// <summary>Writes the managed frames from <paramref name="context"/> through <see cref="Panic"/>. Never throws.</summary>
        public static void WriteForContext(PalLimitedContext* context, bool instructionFault)
        {
            PalLimitedContext caller;
            if (!CodeManager.IsManagedCode(context->IP))
            {
                // Usually an X# helper (port I/O, memmove, a barrier, a test helper) called from managed code:
                // list the managed frames from its caller.
                Panic.Write("   at 0x");
                Panic.WriteHex(context->IP);
                Panic.Write(" (outside managed code)\n");
                if (!TryFindManagedCaller(context, instructionFault, &caller))
                {
                    Panic.Write("   (no managed caller found)\n");
                    return;
                }
                context = &caller;
                instructionFault = false;
            }
            ulong* ips = stackalloc ulong[MaxFrames];
            int count = Collect(context, instructionFault, ips, MaxFrames);
            string text = null;
            if (s_writing++ == 0)
            {
                try { text = Format(ips, count); }
                catch (Exception) { text = null; }
            }
            s_writing--;
            if (!string.IsNullOrEmpty(text))
            {
                Panic.Write(text.TrimEnd('\r', '\n'));
                Panic.Write("\n");
                return;
            }
            for (int i = 0; i < count; i++)
            {
                Panic.Write("   at 0x");
                Panic.WriteHex(ips[i]);
                ulong start = (ulong)CodeManager.RhFindMethodStartAddress((IntPtr)ips[i]);
                if (start != 0)
                {
                    Panic.Write(" (method 0x");
                    Panic.WriteHex(start);
                    Panic.Write(" + 0x");
                    Panic.WriteHex(ips[i] - start);
                    Panic.Write(")");
                }
                Panic.Write("\n");
            }
        }
    }
}
