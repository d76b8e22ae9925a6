using System;
using System.IO;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>The test runner runs a host test project's built assembly directly only when it is unambiguous and fresh.</summary>
    public class BuiltTestAssemblyTests
    {
        [Fact]
        public void TheOneFreshAssemblyUnderBinDebugIsUsedOtherwiseTheProject()
        {
            string dir = Directory.CreateTempSubdirectory("cosmos-testasm-").FullName;
            try
            {
                string proj = Path.Combine(dir, "X.Tests.csproj");
                File.WriteAllText(proj, "<Project />");
                File.SetLastWriteTimeUtc(proj, DateTime.UtcNow.AddMinutes(-10));
                Assert.Null(TestCommand.BuiltTestAssembly(proj));          // not built

                string dll = Path.Combine(dir, "bin", "Debug", "net10.0", "X.Tests.dll");
                Directory.CreateDirectory(Path.GetDirectoryName(dll)!);
                File.WriteAllText(dll, "");
                Assert.Equal(dll, TestCommand.BuiltTestAssembly(proj));

                File.SetLastWriteTimeUtc(proj, DateTime.UtcNow.AddMinutes(5)); // project edited after the build
                Assert.Null(TestCommand.BuiltTestAssembly(proj));
                File.SetLastWriteTimeUtc(proj, DateTime.UtcNow.AddMinutes(-10));

                string other = Path.Combine(dir, "bin", "Debug", "net9.0", "X.Tests.dll");  // two target frameworks: ambiguous
                Directory.CreateDirectory(Path.GetDirectoryName(other)!);
                File.WriteAllText(other, "");
                Assert.Null(TestCommand.BuiltTestAssembly(proj));
            }
            finally { Directory.Delete(dir, true); }
        }
    }
}
