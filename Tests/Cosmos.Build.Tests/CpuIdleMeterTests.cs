using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The test runner's idle-CPU reading (starts jobs beyond --jobs only on idle cores).</summary>
    public class CpuIdleMeterTests
    {
        [Fact]
        public void IdleIsIdlePlusIowaitAndTotalLeavesOutGuestTime()
        {
            // user nice system idle iowait irq softirq steal guest guest_nice
            Assert.True(CpuIdleMeter.TryParse("cpu  100 5 50 800 20 3 2 0 40 1", out long idle, out long total));
            Assert.Equal(820, idle);
            Assert.Equal(980, total);
        }

        [Theory]
        [InlineData("cpu0 1 2 3 4 5 6 7 8 9 10")]
        [InlineData("intr 1 2 3")]
        [InlineData("cpu  1 2 3")]
        [InlineData("cpu  1 2 x 4 5")]
        [InlineData(null)]
        public void OtherLinesAreRefused(string line) => Assert.False(CpuIdleMeter.TryParse(line, out _, out _));

        [Fact]
        public void ReadsThisMachine()
        {
            using var m = new CpuIdleMeter();
            System.Threading.Thread.Sleep(1200);
            double idle = m.IdleCores;
            Assert.InRange(idle, 0, System.Environment.ProcessorCount + 0.01);
        }
    }
}
