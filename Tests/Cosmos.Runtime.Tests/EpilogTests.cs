using System;
using Cosmos.Runtime.ExceptionHandling;
using Cosmos.Runtime.GarbageCollection;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The collector's epilog simulation (Runtime/Cosmos.Runtime/GC/Epilog.cs), run on the host over hand-assembled x64
    /// code and a fake stack: where the frame's caller is, which stack slots the popped registers came from, and that
    /// body code is not taken for an epilog.
    /// </summary>
    public sealed unsafe class EpilogTests
    {
        private const ulong ReturnAddress = 0x1234_5678_9ABC;

        /// <summary>Runs <paramref name="code"/> (IP at <paramref name="ipOffset"/>) against a stack whose qword i holds 0x1000 + i, the return address at <paramref name="retSlot"/>.</summary>
        private static (int result, RegDisplay regs, ulong stackBase) Run(byte[] code, int ipOffset, int retSlot, ulong rbpValueSlot = ulong.MaxValue, int blockExtra = 0)
        {
            var stack = new ulong[64];
            for (int i = 0; i < stack.Length; i++) stack[i] = 0x1000 + (ulong)i;
            stack[retSlot] = ReturnAddress;
            fixed (byte* c = code)
            fixed (ulong* s = stack)
            {
                ulong rbp = rbpValueSlot == ulong.MaxValue ? 0 : (ulong)(s + rbpValueSlot);
                RegDisplay regs = default;
                regs.pRbp = &rbp;
                regs.IP = (ulong)(c + ipOffset);
                regs.SP = (ulong)s;
                int r = Epilog.TryUnwind(&regs, (ulong)c, (ulong)(c + code.Length + blockExtra));
                // Locations inside the fake stack are reported as slot indexes for the asserts below.
                return (r, regs, (ulong)s);
            }
        }

        private static int Slot(ulong* location, ulong stackBase) => (int)(((ulong)location - stackBase) / 8);

        [Fact]
        public void AddRspPopsAndRetUnwindToTheCaller()
        {
            // add rsp, 0x28; pop rbx; pop rbp; pop r15; ret
            byte[] code = { 0x48, 0x83, 0xC4, 0x28, 0x5B, 0x5D, 0x41, 0x5F, 0xC3 };
            var (r, regs, b) = Run(code, 0, retSlot: 8);
            Assert.Equal(1, r);
            Assert.Equal(ReturnAddress, regs.IP);
            Assert.Equal(b + 9 * 8, regs.SP);
            Assert.Equal(5, Slot(regs.pRbx, b));
            Assert.Equal(6, Slot(regs.pRbp, b));
            Assert.Equal(7, Slot(regs.pR15, b));
        }

        [Fact]
        public void MidEpilogFinishesTheRemainingPops()
        {
            // IP at "pop rbp" of: add rsp, 0x28; pop rbx; pop rbp; ret  (RSP already past rbx)
            byte[] code = { 0x48, 0x83, 0xC4, 0x28, 0x5B, 0x5D, 0xC3 };
            var (r, regs, b) = Run(code, 5, retSlot: 1);
            Assert.Equal(1, r);
            Assert.Equal(0, Slot(regs.pRbp, b));
            Assert.Equal(ReturnAddress, regs.IP);
            Assert.Equal(b + 2 * 8, regs.SP);
        }

        [Fact]
        public void LeaRspFromRbpThenPops()
        {
            // lea rsp, [rbp-0x10]; pop r12; pop rbp; ret — RBP points at slot 6, so RSP becomes slot 4
            byte[] code = { 0x48, 0x8D, 0x65, 0xF0, 0x41, 0x5C, 0x5D, 0xC3 };
            var (r, regs, b) = Run(code, 0, retSlot: 6, rbpValueSlot: 6);
            Assert.Equal(1, r);
            Assert.Equal(4, Slot(regs.pR12, b));
            Assert.Equal(5, Slot(regs.pRbp, b));
            Assert.Equal(ReturnAddress, regs.IP);
            Assert.Equal(b + 7 * 8, regs.SP);
        }

        [Fact]
        public void TailCallOutOfTheBlockEndsTheEpilog()
        {
            // vzeroupper; add rsp, 8; pop rbx; jmp rel32 (far outside the block)
            byte[] code = { 0xC5, 0xF8, 0x77, 0x48, 0x83, 0xC4, 0x08, 0x5B, 0xE9, 0x00, 0x10, 0x00, 0x00 };
            var (r, regs, b) = Run(code, 0, retSlot: 2);
            Assert.Equal(1, r);
            Assert.Equal(1, Slot(regs.pRbx, b));
            Assert.Equal(ReturnAddress, regs.IP);
            Assert.Equal(b + 3 * 8, regs.SP);
        }

        [Fact]
        public void BodyCodeIsNotAnEpilog()
        {
            // mov eax, 1; ret — the mov is body code
            Assert.Equal(0, Run(new byte[] { 0xB8, 0x01, 0, 0, 0, 0xC3 }, 0, 0).result);
            // jmp rel8 back inside the block (a loop)
            Assert.Equal(0, Run(new byte[] { 0x90, 0x90, 0xEB, 0xFC }, 2, 0).result);
            // vzeroupper before a call
            Assert.Equal(0, Run(new byte[] { 0xC5, 0xF8, 0x77, 0xE8, 0, 0, 0, 0 }, 0, 0).result);
            // add rsp then a call: not an epilog
            Assert.Equal(0, Run(new byte[] { 0x48, 0x83, 0xC4, 0x08, 0xE8, 0, 0, 0, 0 }, 0, 0).result);
        }

        [Fact]
        public void RegisterJumpAtTheIpIsNotGuessed()
        {
            // jmp rax at the IP: a switch in the body or the end of a tail-call epilog
            Assert.Equal(-1, Run(new byte[] { 0xFF, 0xE0 }, 0, 0).result);
            // after a pop it is a tail call
            var (r, regs, _) = Run(new byte[] { 0x5B, 0xFF, 0xE0 }, 0, retSlot: 1);
            Assert.Equal(1, r);
            Assert.Equal(ReturnAddress, regs.IP);
        }
    }
}
