using System.Collections.Generic;
using Cosmos.TestCases;
using Xunit;

namespace Cosmos.ExceptionOrder.Tests
{
    /// <summary>
    /// Runs each case of <see cref="ExceptionOrderCases"/> on the host runtime and checks that the
    /// observed order of events is the expected one, i.e. that the table states what .NET does.
    /// </summary>
    public class ExceptionOrderTests
    {
        /// <summary>One row per case, identified by its name (so each row is reported separately).</summary>
        public static TheoryData<string> CaseNames
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var c in ExceptionOrderCases.All) data.Add(c.Name);
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ObservedOrderIsTheExpectedOrder(string name)
        {
            var c = ExceptionOrderCases.Find(name);
            Assert.NotNull(c);
            Assert.Equal(c.ExpectedEvents, c.Run());
        }

        /// <summary>
        /// Names are unique and usable as kernel test-case names: the kernel's serial protocol
        /// (Build/Cosmos.Build/Testing/SerialProtocol.cs) ends a name at the first ": " and at a line break.
        /// </summary>
        [Fact]
        public void CaseNamesAreUniqueAndUsableInTheKernelProtocol()
        {
            var seen = new HashSet<string>();
            Assert.NotEmpty(ExceptionOrderCases.All);
            foreach (var c in ExceptionOrderCases.All)
            {
                Assert.False(string.IsNullOrWhiteSpace(c.Name));
                Assert.DoesNotContain(": ", c.Name);
                Assert.DoesNotContain("\n", c.Name);
                Assert.False(string.IsNullOrEmpty(c.ExpectedEvents), c.Name);
                Assert.True(seen.Add(c.Name), "duplicate case name: " + c.Name);
            }
        }
    }
}
