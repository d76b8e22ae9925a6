using System;
using Cosmos.FileSystem.Fuzz;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>The tool runner itself.</summary>
public class HostToolsTests
{
    /// <summary>A missing tool fails the test naming the Debian package to install, never a silent skip.</summary>
    [Fact]
    public void MissingToolFailsNamingThePackage()
    {
        Exception e = Assert.ThrowsAny<Exception>(() => HostTools.Require("no-such-tool-cosmos"));
        Assert.Contains("no-such-tool-cosmos", e.Message);
        Assert.Contains("Debian package", e.Message);
        foreach (var (tool, package) in new[] { ("sfdisk", "fdisk"), ("xorriso", "xorriso"), ("mkfs.fat", "dosfstools"), ("mcopy", "mtools"), ("mmd", "mtools") })
        {
            Assert.Equal(package, HostTools.PackageOf(tool));
            Assert.Equal(package, FuzzSeeds.PackageOf(tool));
        }
    }

    /// <summary>The explicit-package overload names the package it was given.</summary>
    [Fact]
    public void MissingToolNamesTheGivenPackage()
    {
        var ex = Assert.ThrowsAny<Exception>(() => HostTools.Require("no-such-tool-cosmos", "some-debian-package"));
        Assert.Contains("some-debian-package", ex.Message);
    }
}
