using System;

namespace Cosmos.FileSystem;

/// <summary>
/// A window of <paramref name="count"/> sectors of a parent device starting at <paramref name="firstLba"/>: how a
/// file system sees its partition. LBAs are relative to the window; accesses past it throw
/// <see cref="ArgumentOutOfRangeException"/> before reaching the parent.
/// </summary>
public sealed class PartitionBlockDevice(IBlockDevice parent, ulong firstLba, ulong count) : IBlockDevice
{
    /// <summary>The device this window is part of.</summary>
    public IBlockDevice Parent { get; } = parent ?? throw new ArgumentNullException(nameof(parent));

    /// <summary>First sector of the window on <see cref="Parent"/>.</summary>
    public ulong FirstLba { get; } = firstLba <= parent.SectorCount && count <= parent.SectorCount - firstLba
        ? firstLba
        : throw new ArgumentOutOfRangeException(nameof(firstLba), $"partition {firstLba}+{count} passes the end of the device ({parent.SectorCount} sectors)");

    /// <inheritdoc/>
    public int SectorSize => Parent.SectorSize;

    /// <inheritdoc/>
    public ulong SectorCount { get; } = count;

    /// <inheritdoc/>
    public bool IsReadOnly => Parent.IsReadOnly;

    /// <inheritdoc/>
    public void Read(ulong lba, Span<byte> buffer) => Parent.Read(Translate(lba, buffer.Length), buffer);

    /// <inheritdoc/>
    public void Write(ulong lba, ReadOnlySpan<byte> buffer) => Parent.Write(Translate(lba, buffer.Length), buffer);

    /// <inheritdoc/>
    public void Flush() => Parent.Flush();

    private ulong Translate(ulong lba, int length)
    {
        ulong sectors = (ulong)(length / SectorSize);
        if (lba > SectorCount || sectors > SectorCount - lba)
            throw new ArgumentOutOfRangeException(nameof(lba), lba, $"sectors {lba}..{lba + sectors} pass the end of the partition ({SectorCount} sectors)");
        return FirstLba + lba;
    }
}
