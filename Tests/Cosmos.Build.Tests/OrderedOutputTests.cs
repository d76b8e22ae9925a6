using System.IO;
using System.Threading.Tasks;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The test runner's output of parallel jobs: grouped per job, in job order, the first unfinished job live.</summary>
    public sealed class OrderedOutputTests
    {
        [Fact]
        public void JobsFinishingOutOfOrder_AppearInJobOrder_Grouped()
        {
            var console = new StringWriter { NewLine = "\n" };
            var o = new OrderedOutput(console, 3);
            TextWriter a = o.Writer(0), b = o.Writer(1), c = o.Writer(2);
            c.WriteLine("c1");
            b.WriteLine("b1");
            a.WriteLine("a1");              // the head: written through at once
            Assert.Equal("a1\n", console.ToString());
            c.WriteLine("c2");
            o.Complete(2);
            b.WriteLine("b2");
            o.Complete(1);
            Assert.Equal("a1\n", console.ToString()); // b and c wait for a
            a.WriteLine("a2");
            o.Complete(0);
            Assert.Equal("a1\na2\nb1\nb2\nc1\nc2\n", console.ToString());
        }

        [Fact]
        public void NextJob_StreamsLiveOnceEveryJobBeforeItCompleted()
        {
            var console = new StringWriter { NewLine = "\n" };
            var o = new OrderedOutput(console, 2);
            TextWriter a = o.Writer(0), b = o.Writer(1);
            b.Write("b");
            o.Complete(0);
            Assert.Equal("b", console.ToString());
            b.WriteLine(" live");
            Assert.Equal("b live\n", console.ToString());
        }

        [Fact]
        public void ConcurrentWriters_KeepEachJobsLinesTogether()
        {
            var console = new StringWriter { NewLine = "\n" };
            var o = new OrderedOutput(console, 4);
            Parallel.For(0, 4, i =>
            {
                var w = o.Writer(i);
                for (int n = 0; n < 200; n++) w.WriteLine(i + ":" + n);
                o.Complete(i);
            });
            var expected = new System.Text.StringBuilder();
            for (int i = 0; i < 4; i++)
                for (int n = 0; n < 200; n++) expected.Append(i + ":" + n + "\n");
            Assert.Equal(expected.ToString(), console.ToString());
        }
    }
}
