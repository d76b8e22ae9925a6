using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Layout;
using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Converts CPU exceptions raised by managed code into .NET exceptions, for the interrupt
    /// dispatcher (through <see cref="Cosmos.Core.HardwareExceptionHook.Raise"/>): #DE becomes
    /// DivideByZeroException (or OverflowException for int.MinValue / −1, which also raises #DE), a #PF
    /// on an address in the first 64 KiB becomes NullReferenceException. The CoreLib's RhThrowHwEx picks
    /// the exception from the code (the NativeAOT HwExceptionCode values). Every other fault — other
    /// vectors, faults outside managed code, page faults on other addresses (wild pointers, the stack
    /// guard page) — is left to the dispatcher to report as a crash.
    /// </summary>
    public static unsafe class HardwareExceptions
    {
        /// <summary>STATUS_REDHAWK_NULL_REFERENCE: a null dereference in managed code.</summary>
        public const uint StatusNullReference = 0x00000000;
        /// <summary>STATUS_REDHAWK_UNMANAGED_HELPER_NULL_REFERENCE: a null destination in a leaf helper; the IP is the helper's return address.</summary>
        public const uint StatusUnmanagedHelperNullReference = 0x00000042;
        /// <summary>STATUS_INTEGER_DIVIDE_BY_ZERO.</summary>
        public const uint StatusIntegerDivideByZero = 0xC0000094;
        /// <summary>STATUS_INTEGER_OVERFLOW.</summary>
        public const uint StatusIntegerOverflow = 0xC0000095;

        /// <summary>Faulting addresses below this are null dereferences (an object field or array element of a null reference).</summary>
        public const ulong NullAreaSize = 0x10000;

        /// <summary>#DE (divide error).</summary>
        public const ulong VectorDivideError = ExceptionVector.DE;
        /// <summary>#PF (page fault).</summary>
        public const ulong VectorPageFault = ExceptionVector.PF;

        /// <summary>
        /// When <paramref name="frame"/> describes a fault with a .NET meaning in managed code, rewrites it so
        /// that the interrupt return enters RhpThrowHwEx on the interrupted stack — RIP = RhpThrowHwEx,
        /// RDI = the exception code, RSI = the faulting instruction (RSP unchanged: RhpThrowHwEx aligns the
        /// stack itself; nothing is written below the interrupted RSP, where the CPU's own interrupt frame
        /// may lie) — and returns true. Reads CR2 for vector 14.
        /// </summary>
        [RuntimeExport("cosmos_hardware_exception_try_raise")]
        public static bool TryRaise(InterruptFrame* frame)
        {
            var addresses = CodeManager.Addresses;
            ulong ip = frame->RIP;
            ulong faultIp = ip;
            ulong sp = frame->RSP;
            uint code;
            // Bits 0–7: the vector; bit 8 (InterruptFrame.NoCpuErrorCodeFlag): a software INT n, never a fault.
            if ((frame->Vector & ~0xFFUL) != 0) return false;
            ulong vector = frame->Vector;
            if (vector == VectorDivideError)
            {
                if (!InManagedMethod(ip)) return false;
                code = ClassifyDivideError(frame, (byte*)ip);
            }
            else if (vector == VectorPageFault)
            {
                if (Native.ReadCR2() >= NullAreaSize) return false;
                if (InManagedMethod(ip))
                {
                    code = StatusNullReference;
                }
                else if (ip >= addresses->AvHelpersStart && ip < addresses->AvHelpersEnd && UnwindHelper(ip, ref sp, out ulong caller) && InManagedMethod(caller - 1))
                {
                    // memmove/memset/write barrier with a null destination: report it at the managed call site,
                    // found with the helper's CFI (the helpers are leaves, so this is the return address at RSP).
                    code = StatusUnmanagedHelperNullReference;
                    faultIp = caller;
                }
                else return false;
            }
            else return false;

            frame->RDI = code;
            frame->RSI = faultIp;
            frame->RSP = sp;
            frame->RIP = addresses->ThrowHwExEntry;
            frame->RFLAGS &= ~(RFlags.TF | RFlags.DF);
            return true;
        }

        private static bool InManagedMethod(ulong ip) => CodeManager.IsManagedCode(ip) && CodeManager.FindMethod(ip, out _);

        /// <summary>Unwinds the X# helper that faulted at <paramref name="ip"/> with its CFI: <paramref name="sp"/> becomes the caller's SP, <paramref name="caller"/> the return address.</summary>
        private static bool UnwindHelper(ulong ip, ref ulong sp, out ulong caller)
        {
            RegDisplay regs = default;
            regs.SP = sp;
            regs.IP = ip;
            caller = 0;
            if (!CodeManager.Unwind(&regs, ip)) return false;
            sp = regs.SP;
            caller = regs.IP;
            return true;
        }

        /// <summary>
        /// #DE comes from DIV/IDIV with a zero divisor or a quotient that does not fit (int.MinValue / −1).
        /// Decodes the instruction at <paramref name="instruction"/> (legacy/REX prefixes, F6/F7 /6 or /7,
        /// register or memory operand) and reads the divisor from the frame's registers or memory:
        /// zero → divide by zero, otherwise overflow. Anything it cannot decode counts as divide by zero.
        /// </summary>
        public static uint ClassifyDivideError(InterruptFrame* frame, byte* instruction)
        {
            return TryReadDivisor(frame, instruction, out ulong divisor) && divisor != 0 ? StatusIntegerOverflow : StatusIntegerDivideByZero;
        }

        /// <summary>Reads the divisor of the DIV/IDIV at <paramref name="p"/>; false when it is not one (or uses an operand form not decoded here).</summary>
        public static bool TryReadDivisor(InterruptFrame* frame, byte* p, out ulong divisor)
        {
            divisor = 0;
            int operandBits = 32;
            bool rex = false, rexW = false, rexX = false, rexB = false;
            ulong segmentBase = 0;
            for (int i = 0; i < 15; i++)
            {
                byte b = *p;
                if (b == 0x66) { operandBits = 16; p++; continue; }
                if (b == 0x67) return false;                                   // 32-bit addressing: never emitted
                if (b == 0x2E || b == 0x36 || b == 0x3E || b == 0x26 || b == 0xF0 || b == 0xF2 || b == 0xF3) { p++; continue; }
                if (b == 0x64) { segmentBase = Native.Rdmsr(Msr.IA32_FS_BASE); p++; continue; }   // FS base (thread statics)
                if (b == 0x65) { segmentBase = Native.Rdmsr(Msr.IA32_GS_BASE); p++; continue; }   // GS base
                break;
            }
            if ((*p & 0xF0) == 0x40)
            {
                byte r = *p++;
                rex = true; rexW = (r & 8) != 0; rexX = (r & 2) != 0; rexB = (r & 1) != 0;
            }
            byte opcode = *p++;
            if (opcode != 0xF6 && opcode != 0xF7) return false;
            if (opcode == 0xF6) operandBits = 8; else if (rexW) operandBits = 64;
            byte modrm = *p++;
            int mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
            if (reg != 6 && reg != 7) return false;                            // /6 DIV, /7 IDIV

            if (mod == 3)
            {
                int index = rm + (rexB ? 8 : 0);
                ulong value;
                if (operandBits == 8 && !rex && rm >= 4) value = Register(frame, rm - 4) >> 8;   // AH, CH, DH, BH
                else value = Register(frame, index);
                divisor = Truncate(value, operandBits);
                return true;
            }

            // Memory operand: [base + index*scale + disp] or [rip + disp32].
            ulong address = 0;
            bool ripRelative = false;
            if (rm == 4)
            {
                byte sib = *p++;
                int scale = sib >> 6, idx = ((sib >> 3) & 7) + (rexX ? 8 : 0), bas = sib & 7;
                if (idx != 4) address += Register(frame, idx) << scale;
                if (bas == 5 && mod == 0) { address += (ulong)(long)*(int*)p; p += 4; }
                else address += Register(frame, bas + (rexB ? 8 : 0));
            }
            else if (rm == 5 && mod == 0)
            {
                ripRelative = true;
                address = (ulong)(long)*(int*)p; p += 4;
            }
            else
            {
                address = Register(frame, rm + (rexB ? 8 : 0));
            }
            if (mod == 1) { address += (ulong)(long)*(sbyte*)p; p += 1; }
            else if (mod == 2) { address += (ulong)(long)*(int*)p; p += 4; }
            if (ripRelative) address += (ulong)p;                              // F6/F7 /6 /7 have no immediate: p is the next instruction
            address += segmentBase;
            switch (operandBits)
            {
                case 8: divisor = *(byte*)address; break;
                case 16: divisor = *(ushort*)address; break;
                case 32: divisor = *(uint*)address; break;
                default: divisor = *(ulong*)address; break;
            }
            return true;
        }

        private static ulong Truncate(ulong value, int bits) => bits == 64 ? value : value & ((1UL << bits) - 1);

        /// <summary>General register <paramref name="index"/> (x86 encoding order: RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8–R15) of the interrupted code.</summary>
        private static ulong Register(InterruptFrame* f, int index)
        {
            switch (index)
            {
                case 0: return f->RAX;
                case 1: return f->RCX;
                case 2: return f->RDX;
                case 3: return f->RBX;
                case 4: return f->RSP;
                case 5: return f->RBP;
                case 6: return f->RSI;
                case 7: return f->RDI;
                case 8: return f->R8;
                case 9: return f->R9;
                case 10: return f->R10;
                case 11: return f->R11;
                case 12: return f->R12;
                case 13: return f->R13;
                case 14: return f->R14;
                default: return f->R15;
            }
        }
    }
}
