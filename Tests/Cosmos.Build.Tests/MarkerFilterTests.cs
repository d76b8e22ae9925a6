using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Cosmos.Build.Running;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The runner's removal of the console-ready marker from the serial stream (Build/Cosmos.Build/Running/Qemu.cs).</summary>
    public sealed class MarkerFilterTests
    {
        private static readonly byte[] Marker = Encoding.ASCII.GetBytes(Cosmos.Common.ConsoleMarkers.ConsoleReady);

        private static (string Shown, int Seen) Run(params string[] chunks)
        {
            var f = new MarkerFilter(Marker);
            var shown = new List<byte>();
            int seen = 0;
            foreach (string c in chunks)
            {
                shown.AddRange(f.Process(Encoding.ASCII.GetBytes(c), out bool s));
                if (s) seen++;
            }
            shown.AddRange(f.Flush());
            return (Encoding.ASCII.GetString(shown.ToArray()), seen);
        }

        [Fact]
        public void MarkerInOneChunkIsRemovedAndReported()
        {
            string m = Cosmos.Common.ConsoleMarkers.ConsoleReady;
            Assert.Equal(("GRUB...\r\nCosmosOS\r\n> ", 1), Run("GRUB...\r\n" + m + "CosmosOS\r\n> "));
        }

        [Fact]
        public void MarkerSplitAtEveryPositionIsRemoved()
        {
            string m = Cosmos.Common.ConsoleMarkers.ConsoleReady;
            string text = "before" + m + "after";
            for (int cut = 0; cut <= text.Length; cut++)
                Assert.Equal(("beforeafter", 1), Run(text.Substring(0, cut), text.Substring(cut)));
            // one byte at a time
            Assert.Equal(("beforeafter", 1), Run(text.Select(c => c.ToString()).ToArray()));
        }

        [Fact]
        public void APrefixThatIsNotTheMarkerIsShownUnchanged()
        {
            string m = Cosmos.Common.ConsoleMarkers.ConsoleReady;
            string almost = m.Substring(0, m.Length - 1) + "X";
            Assert.Equal((almost + "tail", 0), Run(almost, "tail"));
            Assert.Equal(("\u001b[2J\u001b_x", 0), Run("\u001b[2J\u001b_x"));            // other escapes pass through
            Assert.Equal(("ab\u001b_cos", 0), Run("ab", "\u001b_cos"));                  // a held-back prefix at the end is flushed
        }
    }
}
