using System;
using Cosmos.Build.Testing;
using Cosmos.Build.Toolchain;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The environment the test command gives its child processes (TestCommand.UseRunEnvironment): Roslyn's compiler server
    /// on, tiered PGO off unless the user set DOTNET_TieredPGO, and both put back afterwards.
    /// </summary>
    public class RunEnvironmentTests
    {
        /// <summary>Puts both variables back as this process had them when disposed (whatever a test set).</summary>
        private static IDisposable KeepVariables()
        {
            string pgo = Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable);
            string shared = Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable);
            return new Disposable(() =>
            {
                Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, pgo);
                Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, shared);
            });
        }

        [Fact]
        public void TieredPgoIsTurnedOffForTheRunAndUnsetAgainAfterIt()
        {
            using var kept = KeepVariables();
            Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, null);
            Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, "false");
            using (TestCommand.UseRunEnvironment())
            {
                Assert.Equal("0", Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
                Assert.Equal("true", Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable));
            }
            Assert.Null(Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
            Assert.Equal("false", Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable));
        }

        [Fact]
        public void ATieredPgoValueTheUserSetIsKept()
        {
            using var kept = KeepVariables();
            Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, "1");
            using (TestCommand.UseRunEnvironment())
                Assert.Equal("1", Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
            Assert.Equal("1", Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
        }
    }
}
