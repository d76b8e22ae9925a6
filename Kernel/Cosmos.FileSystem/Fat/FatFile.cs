using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// An open FAT file. Keeps its cluster chain in memory; contiguous clusters are transferred in one device request
/// and whole sectors go straight between the device and the caller's buffer. Length, first cluster and write time
/// are written to the directory entry on <see cref="Dispose"/>, <see cref="Flush"/> or the volume's next operation.
/// </summary>
internal sealed class FatFile : FileSystemFile
{
    private readonly FatFileSystem _fs;
    private readonly FatLayout _l;
    private readonly FatNode _n;
    private readonly bool _writable;
    private bool _disposed;

    public FatFile(FatFileSystem fs, FatNode node, bool writable)
    {
        _fs = fs; _l = fs.Layout; _n = node; _writable = writable;
        node.Handles++;
    }

    // The state is shared by every handle open on the same entry, so two handles never disagree on the chain.
    private ClusterChain _chain => _n.Chain;
    private uint _first { get => _n.First; set => _n.First = value; }
    private long _size { get => _n.Size; set => _n.Size = value; }
    private bool _metaDirty { get => _n.MetaDirty; set => _n.MetaDirty = value; }
    private DateTime _writeTime { get => _n.WriteTime; set => _n.WriteTime = value; }
    private string Path => _n.Path;
    private bool Deleted => _n.Deleted;

    public override long Length => _size;
    public override bool CanWrite => _writable;

    private void CheckOpen()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(FatFile));
        if (Deleted) throw new FileSystemException(FileSystemError.NotFound, Path, "the file was deleted");
    }

    public override int Read(long offset, Span<byte> buffer)
    {
        if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset));
        CheckOpen();
        if (offset >= _size || buffer.Length == 0) return 0;
        int n = (int)Math.Min(buffer.Length, _size - offset);
        try { Transfer(offset, buffer.Slice(0, n), default, false); }
        catch (Exception e) when (e is not FileSystemException) { throw _fs.Unexpected(Path, e); }
        return n;
    }

    // Byte-range transfer over the chain: partial sectors through a bounce buffer, whole sectors straight to or
    // from the caller's span in one request per run of contiguous clusters.
    private void Transfer(long offset, Span<byte> readTo, ReadOnlySpan<byte> writeFrom, bool write)
    {
        int bps = _l.BytesPerSector, spc = _l.SectorsPerCluster;
        int total = write ? writeFrom.Length : readTo.Length;
        int done = 0;
        byte[] bounce = null;
        while (done < total)
        {
            long pos = offset + done;
            long fsec = pos / bps;
            int inSec = (int)(pos % bps);
            int ci = (int)(fsec / spc);
            if (ci >= _chain.Count) throw _fs.Corrupt(Path, "file data beyond its cluster chain");
            ulong sector = _l.ClusterToSector(_chain[ci]) + (ulong)(fsec % spc);
            int left = total - done;
            if (inSec != 0 || left < bps)
            {
                int take = Math.Min(bps - inSec, left);
                bounce ??= new byte[bps];
                if (write)
                {
                    // The sector's old bytes matter only where they hold file data: a sector wholly at or past the
                    // end of the file (a cluster just allocated) is not read first.
                    if (take < bps && pos - inSec < _size) _fs.ReadSectors(sector, bounce);
                    else if (take < bps) Array.Clear(bounce);
                    writeFrom.Slice(done, take).CopyTo(bounce.AsSpan(inSec));
                    _fs.WriteSectors(sector, bounce);
                }
                else
                {
                    _fs.ReadSectors(sector, bounce);
                    bounce.AsSpan(inSec, take).CopyTo(readTo.Slice(done));
                }
                done += take;
                continue;
            }
            // Whole sectors: extend the run over contiguous clusters (the chain's runs say how far at once).
            long want = left / bps;
            long run = spc - fsec % spc + (long)_chain.ContiguousAfter(ci) * spc;
            int sectors = (int)Math.Min(run, want);
            int bytes = sectors * bps;
            if (write) _fs.WriteSectors(sector, writeFrom.Slice(done, bytes));
            else _fs.ReadSectors(sector, readTo.Slice(done, bytes));
            done += bytes;
        }
    }

    private void EnsureClusters(long length)
    {
        long need = (length + _l.BytesPerCluster - 1) / _l.BytesPerCluster;
        if (need <= _chain.Count) return;
        uint last = _chain.Last;
        var got = _fs.Fat.Allocate((int)(need - _chain.Count), last, Path);
        if (_chain.Count == 0) _first = got[0];
        _chain.AddRange(got);
        _metaDirty = true;
    }

    private void CheckWrite(long end)
    {
        CheckOpen();
        if (!_writable || _fs.IsReadOnly) throw new FileSystemException(FileSystemError.ReadOnly, Path);
        if (end > uint.MaxValue) throw new FileSystemException(FileSystemError.FileTooLarge, Path, "FAT files are at most 4 GiB − 1 bytes");
        _fs.MarkDirty();
    }

    private static readonly byte[] Zeros = new byte[64 * 1024];

    private void ZeroFill(long from, long to)
    {
        while (from < to)
        {
            int n = (int)Math.Min(Zeros.Length, to - from);
            Transfer(from, default, Zeros.AsSpan(0, n), true);
            from += n;
        }
    }

    public override void Write(long offset, ReadOnlySpan<byte> buffer)
    {
        if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset));
        if (offset > uint.MaxValue) throw new FileSystemException(FileSystemError.FileTooLarge, Path, "FAT files are at most 4 GiB − 1 bytes");
        long end = offset + buffer.Length;
        CheckWrite(end);
        if (buffer.Length == 0) return;
        try
        {
            EnsureClusters(end);
            if (offset > _size) ZeroFill(_size, offset);
            Transfer(offset, default, buffer, true);
            if (end > _size) _size = end;
            Touch();
        }
        catch (Exception e) when (e is not FileSystemException) { throw _fs.Unexpected(Path, e); }
    }

    private void Touch()
    {
        _writeTime = _fs.Now();
        _metaDirty = true;
    }

    public override void SetLength(long length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        CheckWrite(length);
        _fs.RunGuarded(Path, () =>
        {
            if (length < _size)
            {
                int keep = (int)((length + _l.BytesPerCluster - 1) / _l.BytesPerCluster);
                if (keep == 0 && _chain.Count > 0)
                {
                    _fs.Fat.Truncate(_chain, 0, Path);
                    _first = 0;
                }
                else _fs.Fat.Truncate(_chain, keep, Path);
                _size = length;
                Touch();
            }
            else if (length > _size)
            {
                EnsureClusters(length);
                ZeroFill(_size, length);
                _size = length;
                Touch();
            }
        });
    }

    public override void Flush()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(FatFile));
        _fs.RunGuarded(Path, () => { _n.WriteMetadata(_fs); _fs.FlushAll(); });
    }

    public override void Dispose()
    {
        if (_disposed) return;
        try { _fs.RunGuarded(Path, () => _n.WriteMetadata(_fs)); }
        finally
        {
            _disposed = true;
            _fs.Closed(_n);
        }
    }
}

/// <summary>What every open handle of one directory entry shares: where the entry is, the chain, length and times.</summary>
internal sealed class FatNode
{
    public string Path;
    public ulong EntrySector;
    public int EntryOffset;
    public bool Deleted;
    public ClusterChain Chain;
    public uint First;
    public long Size;
    public bool MetaDirty;
    public DateTime WriteTime;
    public int Handles;

    /// <summary>Writes length, first cluster, write time and access date into the directory entry when changed.</summary>
    internal void WriteMetadata(FatFileSystem fs)
    {
        if (!MetaDirty || Deleted || fs.IsReadOnly) return;
        var s = new byte[fs.Layout.BytesPerSector];
        fs.ReadSectors(EntrySector, s);
        var e = s.AsSpan(EntryOffset, 32);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(26), (ushort)First);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(20), fs.Layout.Type == FatType.Fat32 ? (ushort)(First >> 16) : (ushort)0);
        BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(28), (uint)Size);
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(22), FatNames.EncodeTime(WriteTime));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(24), FatNames.EncodeDate(WriteTime));
        BinaryPrimitives.WriteUInt16LittleEndian(e.Slice(18), FatNames.EncodeDate(WriteTime));
        e[11] |= FatDirectory.AttrArchive;
        fs.WriteSectors(EntrySector, s);
        MetaDirty = false;
    }

}
