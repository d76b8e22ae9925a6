using System.Runtime.InteropServices;
using Cosmos.Core.Arch.X64;
using Cosmos.Core.Asm;
using Cosmos.Core.Layout;
using Cosmos.Core.Threading;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>The first context of a new thread (<see cref="ThreadContext"/>), built in host memory.</summary>
    public unsafe class ThreadContextTests
    {
        [Theory]
        [InlineData(512UL)]      // FXSAVE
        [InlineData(832UL)]      // XSAVE with x87 | SSE | AVX
        [InlineData(2696UL)]     // XSAVE with AVX-512 (not a multiple of 64)
        public void InitialFrameEntersThreadStart(ulong simdBytes)
        {
            const int stackBytes = 16384;
            byte* stack = (byte*)NativeMemory.AlignedAlloc(stackBytes, 4096);
            try
            {
                for (int i = 0; i < stackBytes; i++) stack[i] = 0xCC;
                ulong top = (ulong)stack + stackBytes;
                var f = ThreadContext.BuildInitialFrame(top, simdBytes, 0x1000_2000, 0xAAAA, 0xBBBB);
                Assert.Equal(top - (ulong)sizeof(InterruptFrame), (ulong)f);
                Assert.Equal(0x1000_2000UL, f->RIP);
                Assert.Equal(top, f->RSP);
                Assert.Equal(0UL, f->RSP % 16);
                Assert.Equal(0x202UL, f->RFLAGS);                               // IF | bit 1: interrupts on in the new thread
                Assert.Equal((ulong)BootProgram.KernelCodeSelector, f->CS);
                Assert.Equal((ulong)BootProgram.KernelDataSelector, f->SS);
                Assert.Equal(0xBBBBUL, f->RDI);                                 // the argument
                Assert.Equal(0xAAAAUL, f->R12);                                 // the routine cosmos_thread_start calls
                Assert.Equal(0UL, f->RBP);
                Assert.Equal((ulong)Scheduler.YieldVector, f->Vector);
                ulong area = f->XSaveArea;
                Assert.Equal(0UL, area % 64);
                Assert.True(area + simdBytes <= (ulong)f);
                Assert.True(area + simdBytes + 64 > (ulong)f);
                Assert.Equal((ushort)0x037F, *(ushort*)(area + 0));               // FCW after FNINIT
                Assert.Equal(0x1F80u, *(uint*)(area + 24));                       // MXCSR
                for (ulong b = area; b < (ulong)f; b++)
                    if (b - area != 0 && b - area != 1 && (b - area < 24 || b - area >= 28))
                        Assert.Equal(0, *(byte*)b);                              // XSAVE header included: all zero
                Assert.Equal(0xCC, *(byte*)(area - 1));                         // nothing below the area is touched
            }
            finally { NativeMemory.AlignedFree(stack); }
        }

        [Fact]
        public void TlsBlockIsVariantII()
        {
            byte* block = (byte*)NativeMemory.AlignedAlloc(8192, 4096);
            byte* image = stackalloc byte[24];
            try
            {
                for (int i = 0; i < 8192; i++) block[i] = 0xCC;
                for (int i = 0; i < 24; i++) image[i] = (byte)(i + 1);
                ulong tp = ThreadContext.BuildTlsBlock((ulong)block, 8192, (ulong)image, 24, 96);
                Assert.Equal((ulong)block + 96, tp);
                Assert.Equal(tp, *(ulong*)tp);                                   // fs:[0] = thread pointer
                for (int i = 0; i < 24; i++) Assert.Equal((byte)(i + 1), block[i]);
                for (int i = 24; i < 96; i++) Assert.Equal(0, block[i]);          // .tbss and padding zeroed
                Assert.Equal(0, block[8191]);
            }
            finally { NativeMemory.AlignedFree(block); }
        }

        [Fact]
        public void SelectorsAreTheBootGdts()
        {
            Assert.Equal(0x08, BootProgram.KernelCodeSelector);
            Assert.Equal(0x10, BootProgram.KernelDataSelector);
            Assert.Equal(BootProgram.KernelCodeSelector, Interrupts.InterruptDescriptorTable.CodeSelector);
            Assert.Equal(RFlags.IF | RFlags.Reserved1, 0x202UL);
        }
    }
}
