using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Interrupts;
using Cosmos.TestRunner;

namespace DoubleFaultTests
{
    public sealed class Kernel : TestKernel
    {
        private static int s_sink;

        /// <summary>Recurses until the stack runs out (NoInlining and the use of the result keep every frame).</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Recurse(int depth)
        {
            s_sink = depth;
            return Recurse(depth + 1) + 1;
        }

        protected override void RunTests()
        {
            Test("double fault entry runs on IST 1 (TSS IST1 set, guard page below it)", () =>
            {
                Equal(TaskStateSegment.DoubleFaultStackIndex, INTs.IDT.DoubleFault.StackIndex, "#DF gate IST index");
                Equal(TaskStateSegment.StackTop(1), TaskStateSegment.GetInterruptStack(1), "TSS IST1 = top of the reserved stack");
            });

            ExpectPanic("kernel stack overflow ends in the double-fault report on IST 1, not a triple fault",
                "CPU exception: Double fault (#DF), vector 8, handled on IST 1 stack",
                () => s_sink = Recurse(0));
        }
    }
}
