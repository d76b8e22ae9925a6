using System;

namespace Cosmos.FileSystem;

/// <summary>
/// A device addressed in fixed-size sectors (a disk, a partition of one, a CD, a RAM disk, an image file on the
/// host). All offsets are logical block addresses (LBA, in sectors); all lengths of buffers are whole sectors.
/// Implementations are not required to be thread-safe: a volume serialises its own access.
/// </summary>
public interface IBlockDevice
{
    /// <summary>Bytes per sector (512 for disks, 2048 for CD-ROMs, 4096 for some newer disks).</summary>
    int SectorSize { get; }

    /// <summary>Number of addressable sectors; the last valid LBA is <c>SectorCount - 1</c>.</summary>
    ulong SectorCount { get; }

    /// <summary>True when <see cref="Write"/> always fails (CD-ROM, write-protected medium).</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// Reads <c>buffer.Length / SectorSize</c> sectors starting at <paramref name="lba"/> in one request.
    /// Throws <see cref="ArgumentException"/> when the length is not a multiple of <see cref="SectorSize"/>,
    /// <see cref="ArgumentOutOfRangeException"/> when the range passes <see cref="SectorCount"/>, and
    /// <see cref="global::System.IO.IOException"/> when the device reports an error.
    /// </summary>
    void Read(ulong lba, Span<byte> buffer);

    /// <summary>
    /// Writes <c>buffer.Length / SectorSize</c> sectors starting at <paramref name="lba"/> in one request; same
    /// errors as <see cref="Read"/>, and <see cref="UnauthorizedAccessException"/> on a read-only device. The
    /// data may sit in a device cache until <see cref="Flush"/>.
    /// </summary>
    void Write(ulong lba, ReadOnlySpan<byte> buffer);

    /// <summary>Makes every completed write durable (ATA FLUSH CACHE, virtio-blk FLUSH). No-op only when the device has no cache.</summary>
    void Flush();
}
