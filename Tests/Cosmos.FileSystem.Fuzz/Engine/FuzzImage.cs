using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Cosmos.FileSystem.Fuzz;

/// <summary>Thrown by <see cref="FuzzBlockDevice"/> when a case passes its time limit (a hang that does I/O).</summary>
public sealed class FuzzTimeoutException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FuzzTimeoutException(string message) : base(message) { }
}

/// <summary>
/// A mutated disk image: the seed's bytes (shared, never written) plus copy-on-write 512-byte chunks and a length.
/// Mutating or writing touches only the chunks concerned, so a case costs nothing for the untouched megabytes.
/// </summary>
public sealed class FuzzImage
{
    /// <summary>Chunk size of the overlay in bytes.</summary>
    public const int Chunk = 512;

    private readonly byte[] _base;
    private readonly Dictionary<long, byte[]> _overlay = new();

    /// <summary>Wraps <paramref name="seed"/> (not copied, never written).</summary>
    public FuzzImage(byte[] seed)
    {
        _base = seed;
        Length = seed.Length;
    }

    /// <summary>Current length in bytes (a multiple of <see cref="Chunk"/>).</summary>
    public long Length { get; private set; }

    /// <summary>Truncates to <paramref name="length"/> bytes (rounded down to a chunk).</summary>
    public void Truncate(long length) => Length = Math.Max(0, Math.Min(Length, length / Chunk * Chunk));

    /// <summary>The byte at <paramref name="offset"/> (0 past the end).</summary>
    public byte Get(long offset)
    {
        if (offset < 0 || offset >= Length) return 0;
        return _overlay.TryGetValue(offset / Chunk, out byte[] c) ? c[offset % Chunk] : (offset < _base.Length ? _base[offset] : (byte)0);
    }

    /// <summary>Sets the byte at <paramref name="offset"/> (ignored past the end).</summary>
    public void Set(long offset, byte value)
    {
        if (offset < 0 || offset >= Length) return;
        Writable(offset / Chunk)[offset % Chunk] = value;
    }

    /// <summary>Copies <paramref name="count"/> bytes at <paramref name="offset"/> into <paramref name="dst"/>.</summary>
    public void Read(long offset, Span<byte> dst)
    {
        int done = 0;
        while (done < dst.Length)
        {
            long o = offset + done;
            long chunk = o / Chunk;
            int within = (int)(o % Chunk);
            int n = Math.Min(Chunk - within, dst.Length - done);
            if (_overlay.TryGetValue(chunk, out byte[] c)) c.AsSpan(within, n).CopyTo(dst.Slice(done));
            else if (o + n <= _base.Length) _base.AsSpan((int)o, n).CopyTo(dst.Slice(done));
            else dst.Slice(done, n).Clear();
            done += n;
        }
    }

    /// <summary>Writes <paramref name="src"/> at <paramref name="offset"/> (clipped to the length).</summary>
    public void Write(long offset, ReadOnlySpan<byte> src)
    {
        for (int done = 0; done < src.Length;)
        {
            long o = offset + done;
            if (o >= Length) return;
            int within = (int)(o % Chunk);
            int n = Math.Min(Chunk - within, src.Length - done);
            src.Slice(done, n).CopyTo(Writable(o / Chunk).AsSpan(within, n));
            done += n;
        }
    }

    /// <summary>The whole image as one array (for saving a failure).</summary>
    public byte[] ToArray()
    {
        var a = new byte[Length];
        Read(0, a);
        return a;
    }

    private byte[] Writable(long chunk)
    {
        if (_overlay.TryGetValue(chunk, out byte[] c)) return c;
        c = new byte[Chunk];
        long o = chunk * Chunk;
        if (o < _base.Length) _base.AsSpan((int)o, (int)Math.Min(Chunk, _base.Length - o)).CopyTo(c);
        _overlay[chunk] = c;
        return c;
    }
}

/// <summary>An <see cref="IBlockDevice"/> over a <see cref="FuzzImage"/> that enforces the case's deadline on every request.</summary>
public sealed class FuzzBlockDevice : IBlockDevice
{
    private readonly FuzzImage _image;
    private readonly long _deadline;

    /// <summary>A device of <paramref name="sectorSize"/>-byte sectors over the whole sectors of <paramref name="image"/>.</summary>
    public FuzzBlockDevice(FuzzImage image, int sectorSize, long deadlineTimestamp, bool readOnly)
    {
        _image = image;
        SectorSize = sectorSize;
        _deadline = deadlineTimestamp;
        IsReadOnly = readOnly;
    }

    /// <inheritdoc/>
    public int SectorSize { get; }

    /// <inheritdoc/>
    public ulong SectorCount => (ulong)(_image.Length / SectorSize);

    /// <inheritdoc/>
    public bool IsReadOnly { get; }

    /// <summary>Requests served so far.</summary>
    public long Requests { get; private set; }

    /// <inheritdoc/>
    public void Read(ulong lba, Span<byte> buffer)
    {
        long o = Check(lba, buffer.Length);
        _image.Read(o, buffer);
    }

    /// <inheritdoc/>
    public void Write(ulong lba, ReadOnlySpan<byte> buffer)
    {
        if (IsReadOnly) throw new UnauthorizedAccessException("read-only fuzz device");
        long o = Check(lba, buffer.Length);
        _image.Write(o, buffer);
    }

    /// <inheritdoc/>
    public void Flush() { }

    private long Check(ulong lba, int length)
    {
        Requests++;
        if (Stopwatch.GetTimestamp() > _deadline) throw new FuzzTimeoutException($"time limit passed after {Requests} device requests");
        if (length % SectorSize != 0) throw new ArgumentException($"transfer of {length} bytes is not whole {SectorSize}-byte sectors");
        ulong sectors = (ulong)(length / SectorSize);
        if (lba > SectorCount || sectors > SectorCount - lba)
            throw new ArgumentOutOfRangeException(nameof(lba), lba, $"sectors {lba}+{sectors} pass the device end ({SectorCount})");
        return (long)lba * SectorSize;
    }
}
