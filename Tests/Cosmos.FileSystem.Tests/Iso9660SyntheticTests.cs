using System;
using System.Buffers.Binary;
using System.Text;
using Cosmos.FileSystem.Iso9660;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>Hand-built ISO9660 images for what xorriso does not make on small inputs: multi-extent files, directory loops, other sector sizes.</summary>
public class Iso9660SyntheticTests
{
    private const int B = 2048;

    private static int Record(byte[] img, int at, uint extent, uint length, byte flags, string name, DateTime? time = null, byte unitSize = 0)
    {
        byte[] n = name == "\0" ? new byte[] { 0 } : name == "\u0001" ? new byte[] { 1 } : Encoding.ASCII.GetBytes(name);
        int len = 33 + n.Length + ((n.Length & 1) == 0 ? 1 : 0);
        img[at] = (byte)len;
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(at + 2), extent);
        BinaryPrimitives.WriteUInt32BigEndian(img.AsSpan(at + 6), extent);
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(at + 10), length);
        BinaryPrimitives.WriteUInt32BigEndian(img.AsSpan(at + 14), length);
        DateTime t = time ?? new DateTime(2024, 2, 29, 23, 30, 5);
        img[at + 18] = (byte)(t.Year - 1900);
        img[at + 19] = (byte)t.Month;
        img[at + 20] = (byte)t.Day;
        img[at + 21] = (byte)t.Hour;
        img[at + 22] = (byte)t.Minute;
        img[at + 23] = (byte)t.Second;
        img[at + 24] = 8; // GMT+2 (8 × 15 min)
        img[at + 25] = flags;
        img[at + 26] = unitSize;
        img[at + 28] = 1;
        img[at + 31] = 1;
        img[at + 32] = (byte)n.Length;
        n.CopyTo(img, at + 33);
        return at + len;
    }

    /// <summary>
    /// Blocks: 16 PVD, 17 terminator, 18 root, 19–22 data. Root: MULTI.BIN in two extents (19 full, 21 partly),
    /// LOOP (a directory whose extent is the root itself), README. (no extension), INTER.BIN (interleaved).
    /// </summary>
    private static byte[] Build()
    {
        var img = new byte[24 * B];
        int pvd = 16 * B;
        img[pvd] = 1;
        Encoding.ASCII.GetBytes("CD001").CopyTo(img, pvd + 1);
        img[pvd + 6] = 1;
        Encoding.ASCII.GetBytes("SYNTHETIC                       ").CopyTo(img, pvd + 40);
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(pvd + 80), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(img.AsSpan(pvd + 128), B);
        Record(img, pvd + 156, 18, B, 2, "\0");
        int term = 17 * B;
        img[term] = 255;
        Encoding.ASCII.GetBytes("CD001").CopyTo(img, term + 1);
        img[term + 6] = 1;

        int at = 18 * B;
        at = Record(img, at, 18, B, 2, "\0");
        at = Record(img, at, 18, B, 2, "\u0001");
        at = Record(img, at, 19, B, 0x80, "MULTI.BIN;1");
        at = Record(img, at, 21, 100, 0, "MULTI.BIN;1");
        at = Record(img, at, 18, B, 2, "LOOP");
        at = Record(img, at, 22, 5, 0, "README.;1", new DateTime(2000, 1, 1, 0, 0, 0));
        Record(img, at, 22, 5, 0, "INTER.BIN;1", null, unitSize: 1);
        for (int i = 0; i < B; i++) img[19 * B + i] = (byte)(i * 7);
        for (int i = 0; i < B; i++) img[20 * B + i] = 0xEE; // the gap: must not be read
        for (int i = 0; i < 100; i++) img[21 * B + i] = (byte)(200 - i);
        Encoding.ASCII.GetBytes("hello").CopyTo(img, 22 * B);
        return img;
    }

    [Theory]
    [InlineData(512)]
    [InlineData(2048)]
    [InlineData(4096)]
    public void MultiExtentFilesLoopsAndSectorSizes(int sectorSize)
    {
        byte[] img = Build();
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(img, sectorSize));
        Assert.Equal("SYNTHETIC", fs.Label);
        Assert.Equal(24 * B, fs.TotalSize);
        var root = fs.ListDirectory("");
        Assert.Equal(new[] { "MULTI.BIN", "LOOP", "README", "INTER.BIN" }, Array.ConvertAll(System.Linq.Enumerable.ToArray(root), e => e.Name));

        FileEntryInfo multi = root[0];
        Assert.Equal(B + 100, multi.Length);
        using (FileSystemFile f = fs.OpenFile("multi.bin", false))
        {
            var data = new byte[B + 200];
            Assert.Equal(B + 100, f.Read(0, data));
            for (int i = 0; i < B; i++) Assert.Equal((byte)(i * 7), data[i]);
            for (int i = 0; i < 100; i++) Assert.Equal((byte)(200 - i), data[B + i]);
            // A read straddling the two extents.
            var mid = new byte[10];
            Assert.Equal(10, f.Read(B - 5, mid));
            Assert.Equal(unchecked((byte)((B - 5) * 7)), mid[0]);
            Assert.Equal((byte)200, mid[5]);
            Assert.Equal(0, f.Read(B + 100, mid));
        }

        // Timestamps: recorded at GMT+2, reported in UTC.
        Assert.Equal(new DateTime(2024, 2, 29, 21, 30, 5, DateTimeKind.Utc), multi.LastWriteTimeUtc);
        Assert.Equal(new DateTime(1999, 12, 31, 22, 0, 0, DateTimeKind.Utc), root[2].LastWriteTimeUtc);

        // A directory that points back at the root: every call is bounded by its path.
        Assert.NotNull(fs.GetEntry("LOOP/LOOP/LOOP/LOOP/README"));
        Assert.Equal(4, fs.ListDirectory("LOOP/LOOP").Count);

        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => fs.OpenFile("INTER.BIN", false)).Error);
    }

    [Fact]
    public void FileExtentPastTheVolumeIsCorruptOnOpen()
    {
        byte[] img = Build();
        // README's extent moved past the volume.
        int at = 18 * B;
        for (int k = 0; k < 5; k++) at += img[at];
        Assert.Equal((byte)'R', img[at + 33]);
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(at + 2), 23);
        BinaryPrimitives.WriteUInt32LittleEndian(img.AsSpan(at + 10), 4000);
        var fs = Iso9660FileSystem.Mount(new MemoryBlockDevice(img, 2048));
        Assert.Equal(4000, fs.GetEntry("README").Value.Length);
        Assert.Equal(FileSystemError.Corrupt, Assert.Throws<FileSystemException>(() => fs.OpenFile("README", false)).Error);
    }
}
