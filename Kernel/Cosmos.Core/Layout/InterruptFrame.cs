using System.Runtime.InteropServices;

namespace Cosmos.Core.Layout
{
    /// <summary>
    /// The uniform frame every X# interrupt entry stub builds before calling the managed
    /// dispatcher (Intel SDM Vol. 3A §6.12.1, Figure 6-9 for the part the CPU pushes).
    /// One source of truth: the X# stub generator derives every offset from this struct with
    /// Marshal.OffsetOf; fields are listed from the lowest address (the pointer handed to
    /// managed code) upward. All fields are 64-bit.
    /// Stubs push a dummy error code (0) for vectors without one, so ErrorCode is always present.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct InterruptFrame
    {
        /// <summary>Address of the saved SIMD state (XSAVE/XSAVEOPT area, or a 512-byte FXSAVE area), 64-byte aligned, below this frame.</summary>
        public ulong XSaveArea;
        public ulong R15, R14, R13, R12, R11, R10, R9, R8;
        public ulong RBP, RDI, RSI, RDX, RCX, RBX, RAX;
        /// <summary>Interrupt vector 0–255.</summary>
        public ulong Vector;
        /// <summary>CPU error code for vectors 8, 10–14, 17, 21, 29, 30; 0 otherwise.</summary>
        public ulong ErrorCode;
        /// <summary>Return RIP (faulting instruction for faults, next instruction for traps and interrupts).</summary>
        public ulong RIP;
        public ulong CS;
        public ulong RFLAGS;
        /// <summary>Interrupted RSP (the CPU always pushes SS:RSP in 64-bit mode).</summary>
        public ulong RSP;
        public ulong SS;
    }
}
