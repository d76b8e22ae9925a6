using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;

namespace Cosmos.Core.Layout
{
    /// <summary>
    /// The uniform frame every X# interrupt entry stub builds before calling the managed
    /// dispatcher (Intel SDM Vol. 3A §6.12.1, Figure 6-9 for the part the CPU pushes).
    /// One source of truth: the X# stub generator (Kernel/Cosmos.Core/Asm/InterruptStubs.cs)
    /// derives every offset from this struct with Marshal.OffsetOf and checks at generation time
    /// that Vector, ErrorCode, RIP, CS, RFLAGS, RSP and SS are consecutive qwords (the part the
    /// stub and the CPU push). Fields are listed from the lowest address (the pointer handed to
    /// managed code) upward. All fields are 64-bit; the struct is 176 bytes.
    /// <para>
    /// Stubs push a dummy error code (0) for vectors without one, so ErrorCode is always present.
    /// For the vectors with a CPU error code (<see cref="ExceptionVector.HasErrorCode"/>) the stub tells a real
    /// fault from a software <c>int n</c> (which pushes none, SDM Vol. 3A §6.13) by the stack
    /// alignment: in 64-bit mode the CPU aligns RSP to 16 before pushing (SDM Vol. 3A §6.14.2), so
    /// RSP at stub entry is 16-byte aligned exactly when an error code was pushed. Without one the
    /// stub pushes 0 and sets <see cref="NoCpuErrorCodeFlag"/> in <see cref="Vector"/>.
    /// </para>
    /// <para>
    /// Handlers may rewrite the general registers, RIP, RSP and RFLAGS: the stub restores the
    /// frame as it is when the dispatcher returns, then executes IRETQ. The stub restores the SIMD state
    /// from the area <see cref="XSaveArea"/> names in the frame the dispatcher returns, so handlers must
    /// leave that field alone (the contents of the area may be edited). A thread switch
    /// (<see cref="Threading.Scheduler"/>) returns another thread's saved frame: each suspended thread's
    /// complete register and SIMD state is one such frame on its own stack.
    /// A handler may also emulate a CALL on the interrupted stack (RSP -= 8; *(ulong*)RSP = return
    /// address; RIP = target): handlers receive a copy of the frame, and the dispatcher restores from a
    /// relocated copy when RSP moved down, because the CPU put this frame right below the interrupted RSP.
    /// </para>
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InterruptFrame
    {
        /// <summary>Address of the saved SIMD state (XSAVE area, or a 512-byte FXSAVE area), 64-byte aligned, below this frame. RSP had this value at the call into managed code.</summary>
        public ulong XSaveArea;
        /// <summary>R15 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R15;
        /// <summary>R14 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R14;
        /// <summary>R13 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R13;
        /// <summary>R12 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R12;
        /// <summary>R11 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R11;
        /// <summary>R10 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R10;
        /// <summary>R9 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R9;
        /// <summary>R8 of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong R8;
        /// <summary>RBP of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RBP;
        /// <summary>RDI of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RDI;
        /// <summary>RSI of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RSI;
        /// <summary>RDX of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RDX;
        /// <summary>RCX of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RCX;
        /// <summary>RBX of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RBX;
        /// <summary>RAX of the interrupted code, saved by the stub; restored from this field on return.</summary>
        public ulong RAX;
        /// <summary>Interrupt vector 0–255 in bits 0–7; bit 8 is <see cref="NoCpuErrorCodeFlag"/>.</summary>
        public ulong Vector;
        /// <summary>CPU error code for the vectors that push one (<see cref="ExceptionVector.HasErrorCode"/>); 0 otherwise.</summary>
        public ulong ErrorCode;
        /// <summary>Return RIP (faulting instruction for faults, next instruction for traps and interrupts).</summary>
        public ulong RIP;
        /// <summary>Interrupted CS selector, pushed by the CPU (zero-extended to 64 bits).</summary>
        public ulong CS;
        /// <summary>Interrupted RFLAGS, pushed by the CPU; IRETQ restores it (IF included).</summary>
        public ulong RFLAGS;
        /// <summary>Interrupted RSP (the CPU always pushes SS:RSP in 64-bit mode).</summary>
        public ulong RSP;
        /// <summary>Interrupted SS selector, pushed by the CPU (zero-extended to 64 bits).</summary>
        public ulong SS;

        /// <summary>Bit set in <see cref="Vector"/> when the vector normally has a CPU error code but none was pushed (a software <c>int n</c>).</summary>
        public const ulong NoCpuErrorCodeFlag = 0x100;

        /// <summary>The vector number (bits 0–7 of <see cref="Vector"/>).</summary>
        public readonly int VectorNumber => (int)(Vector & 0xFF);

        /// <summary>True when the CPU pushed <see cref="ErrorCode"/> (false for vectors without one and for <c>int n</c>).</summary>
        public readonly bool HasCpuErrorCode => (Vector & NoCpuErrorCodeFlag) == 0 && ExceptionVector.HasErrorCode(VectorNumber);
    }
}
