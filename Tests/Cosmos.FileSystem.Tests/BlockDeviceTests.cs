using System;
using Cosmos.FileSystem;
using Xunit;

namespace Cosmos.FileSystem.Tests;

public class BlockDeviceTests
{
    [Fact]
    public void PartitionWindowTranslatesAndBounds()
    {
        var disk = new MemoryBlockDevice(new byte[512 * 100]);
        var part = new PartitionBlockDevice(disk, 10, 20);
        var sector = new byte[512];
        sector[0] = 0xAB;
        part.Write(19, sector);
        Assert.Equal(0xAB, disk.Data[512 * 29]);
        Assert.Throws<ArgumentOutOfRangeException>(() => part.Write(20, sector));
        Assert.Throws<ArgumentOutOfRangeException>(() => part.Read(19, new byte[1024]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionBlockDevice(disk, 90, 11));
    }

    [Fact]
    public void MemoryDeviceRejectsPartialSectorsAndReadOnlyWrites()
    {
        var ro = new MemoryBlockDevice(new byte[2048], 512, readOnly: true);
        Assert.Throws<ArgumentException>(() => ro.Read(0, new byte[100]));
        Assert.Throws<UnauthorizedAccessException>(() => ro.Write(0, new byte[512]));
        ro.Read(0, new byte[2048]);
        Assert.Equal(1, ro.ReadRequests);
    }
}
