using System;
using Cosmos.FileSystem.Fuzz;
using Xunit;

namespace Cosmos.FileSystem.Tests;

public class PartitionTestToolsTests
{
    /// <summary>A missing tool fails the test naming the Debian package to install, never a silent skip.</summary>
    [Fact]
    public void MissingToolFailsNamingThePackage()
    {
        Exception e = Assert.ThrowsAny<Exception>(() => PartitionTestTools.Require("no-such-tool-cosmos"));
        Assert.Contains("no-such-tool-cosmos", e.Message);
        Assert.Contains("Debian package", e.Message);
        foreach (var (tool, package) in new[] { ("sfdisk", "fdisk"), ("xorriso", "xorriso"), ("mkfs.fat", "dosfstools"), ("mcopy", "mtools"), ("mmd", "mtools") })
        {
            Assert.Equal(package, PartitionTestTools.PackageOf(tool));
            Assert.Equal(package, FuzzSeeds.PackageOf(tool));
        }
    }
}
