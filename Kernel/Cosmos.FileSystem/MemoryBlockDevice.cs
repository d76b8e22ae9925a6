using System;

namespace Cosmos.FileSystem;

/// <summary>
/// An <see cref="IBlockDevice"/> over a byte array: a RAM disk in the kernel, a disk image in host tests.
/// Counts requests so tests can check that multi-sector transfers are one request.
/// </summary>
public sealed class MemoryBlockDevice : IBlockDevice
{
    private readonly byte[] _data;

    /// <summary>Wraps <paramref name="data"/> (not copied); its length must be a multiple of <paramref name="sectorSize"/>.</summary>
    public MemoryBlockDevice(byte[] data, int sectorSize = 512, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (sectorSize <= 0 || (sectorSize & (sectorSize - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(sectorSize), sectorSize, "sector size must be a power of two");
        if (data.Length % sectorSize != 0)
            throw new ArgumentException($"image length {data.Length} is not a multiple of the sector size {sectorSize}", nameof(data));
        _data = data;
        SectorSize = sectorSize;
        IsReadOnly = readOnly;
    }

    /// <summary>The backing bytes (the whole image).</summary>
    public byte[] Data => _data;

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public ulong SectorCount => (ulong)(_data.Length / SectorSize);

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>Number of <see cref="Read"/> calls so far.</summary>
    public int ReadRequests { get; private set; }

    /// <summary>Number of <see cref="Write"/> calls so far.</summary>
    public int WriteRequests { get; private set; }

    /// <summary>Number of <see cref="Flush"/> calls so far.</summary>
    public int FlushRequests { get; private set; }

    /// <inheritdoc/>
    public void Read(ulong lba, Span<byte> buffer)
    {
        int offset = Check(lba, buffer.Length);
        ReadRequests++;
        _data.AsSpan(offset, buffer.Length).CopyTo(buffer);
    }

    /// <inheritdoc/>
    public void Write(ulong lba, ReadOnlySpan<byte> buffer)
    {
        if (IsReadOnly) throw new UnauthorizedAccessException("the block device is read-only");
        int offset = Check(lba, buffer.Length);
        WriteRequests++;
        buffer.CopyTo(_data.AsSpan(offset, buffer.Length));
    }

    /// <inheritdoc/>
    public void Flush() => FlushRequests++;

    private int Check(ulong lba, int length)
    {
        if (length % SectorSize != 0)
            throw new ArgumentException($"transfer of {length} bytes is not a whole number of {SectorSize}-byte sectors");
        ulong sectors = (ulong)(length / SectorSize);
        if (lba > SectorCount || sectors > SectorCount - lba)
            throw new ArgumentOutOfRangeException(nameof(lba), lba, $"sectors {lba}..{lba + sectors} pass the end of the device ({SectorCount} sectors)");
        return checked((int)(lba * (ulong)SectorSize));
    }
}
