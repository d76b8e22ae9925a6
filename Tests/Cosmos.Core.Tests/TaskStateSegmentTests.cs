using System;
using Cosmos.Core.Interrupts;
using Xunit;

namespace Cosmos.Core.Tests
{
    /// <summary>
    /// The IST index check of <see cref="TaskStateSegment"/>: a caller's mistake throws
    /// <see cref="ArgumentOutOfRangeException"/> (docs/CONTRACTS.md, error handling policy), as
    /// <see cref="IdtEntry.SetStackIndex"/> does. The check runs before the TSS is touched, so only
    /// out-of-range indices can be tested on the host (an accepted index reads the kernel's TSS).
    /// </summary>
    public class TaskStateSegmentTests
    {
        [Theory]
        [InlineData(0)]
        [InlineData(8)]
        [InlineData(-1)]
        [InlineData(int.MinValue)]
        public void GetInterruptStackRejectsIndexOutside1To7(int index)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TaskStateSegment.GetInterruptStack(index));
            Assert.Equal("index", e.ParamName);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(8)]
        [InlineData(-1)]
        public void SetInterruptStackRejectsIndexOutside1To7(int index)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TaskStateSegment.SetInterruptStack(index, 0x1000));
            Assert.Equal("index", e.ParamName);
        }
    }
}
