using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Cosmos.TestCases;
using Xunit;

namespace Cosmos.Conformance.Tests
{
    /// <summary>
    /// Runs each case of <see cref="FileIoCases"/> with CoreCLR on Linux, in its own empty temporary directory, and
    /// checks that it returns the expected text: the table states what .NET's System.IO does. The FileSystemTests
    /// kernel runs the same table on FAT through the kernel's file PAL.
    /// </summary>
    public class FileIoCaseTests
    {
        /// <summary>One row per case.</summary>
        public static TheoryData<string> CaseNames
        {
            get
            {
                var data = new TheoryData<string>();
                foreach (var c in FileIoCases.All) data.Add(c.Name);
                return data;
            }
        }

        [Theory]
        [MemberData(nameof(CaseNames))]
        public void ResultIsTheExpectedOne(string name)
        {
            var c = FileIoCases.All.Single(x => x.Name == name);
            string dir = Path.Combine(Path.GetTempPath(), "cosmos-fileio-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            try { Assert.Equal(c.Expected, c.Run(dir)); }
            finally { Directory.Delete(dir, true); }
        }

        [Fact]
        public void CaseNamesAreUniqueAndUsableInTheKernelProtocol()
        {
            var seen = new HashSet<string>();
            foreach (var c in FileIoCases.All)
            {
                Assert.True(seen.Add(c.Name), "duplicate case name " + c.Name);
                Assert.DoesNotContain(": ", c.Name);
                Assert.DoesNotContain("\n", c.Name);
            }
        }
    }
}
