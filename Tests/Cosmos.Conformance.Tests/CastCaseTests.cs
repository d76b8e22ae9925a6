using System.Collections.Generic;
using Cosmos.TestCases;
using Xunit;

namespace Cosmos.Conformance.Tests
{
    /// <summary>
    /// Runs each case of <see cref="CastCases"/> on the host runtime and checks that its result is the
    /// expected one, i.e. that the table states what .NET does for each cast, unbox and array store.
    /// </summary>
    public class CastCaseTests
    {
        /// <summary>One row per case, identified by its name (so each row is reported separately).</summary>
        public static TheoryData<string> CaseNames
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var c in CastCases.All) data.Add(c.Name);
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ResultIsTheExpectedOne(string name)
        {
            var c = CastCases.Find(name);
            Assert.NotNull(c);
            Assert.Equal(c.Expected, c.Run());
        }

        /// <summary>
        /// Names are unique and usable as kernel test-case names: the kernel's serial protocol
        /// (Build/Cosmos.Build/Testing/SerialProtocol.cs) ends a name at the first ": " and at a line break.
        /// </summary>
        [Fact]
        public void CaseNamesAreUniqueAndUsableInTheKernelProtocol()
        {
            var seen = new HashSet<string>();
            Assert.True(CastCases.All.Count >= 40, "cases: " + CastCases.All.Count);
            foreach (var c in CastCases.All)
            {
                Assert.False(string.IsNullOrWhiteSpace(c.Name));
                Assert.DoesNotContain(": ", c.Name);
                Assert.DoesNotContain("\n", c.Name);
                Assert.False(string.IsNullOrEmpty(c.Expected), c.Name);
                Assert.True(seen.Add(c.Name), "duplicate case name: " + c.Name);
            }
        }
    }
}
