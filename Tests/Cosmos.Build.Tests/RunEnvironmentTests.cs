using System;
using Cosmos.Build.Testing;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The environment the test command gives its child processes (TestCommand.UseRunEnvironment): Roslyn's compiler server
    /// on, tiered PGO off unless the user set DOTNET_TieredPGO, and both put back afterwards.
    /// </summary>
    public class RunEnvironmentTests
    {
        [Fact]
        public void TieredPgoIsTurnedOffForTheRunAndUnsetAgainAfterIt()
        {
            string pgo = Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable);
            string shared = Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable);
            try
            {
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
            finally
            {
                Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, pgo);
                Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, shared);
            }
        }

        [Fact]
        public void ATieredPgoValueTheUserSetIsKept()
        {
            string pgo = Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable);
            string shared = Environment.GetEnvironmentVariable(TestCommand.SharedCompilationVariable);
            try
            {
                Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, "1");
                using (TestCommand.UseRunEnvironment())
                    Assert.Equal("1", Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
                Assert.Equal("1", Environment.GetEnvironmentVariable(TestCommand.TieredPgoVariable));
            }
            finally
            {
                Environment.SetEnvironmentVariable(TestCommand.TieredPgoVariable, pgo);
                Environment.SetEnvironmentVariable(TestCommand.SharedCompilationVariable, shared);
            }
        }
    }
}
