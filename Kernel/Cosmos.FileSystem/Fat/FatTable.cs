using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// The file allocation table: entry reads and writes through a write-back cache of FAT blocks (runs of
/// <see cref="BlockSectors"/> sectors read in one request; dirty sectors written to every FAT copy on
/// <see cref="Flush"/> or eviction, contiguous ones in one request), chain walks bounded by the cluster count,
/// allocation with a next-free hint and an exact free-cluster count (fatgen103 §4).
/// </summary>
internal sealed class FatTable
{
    /// <summary>Sectors read per cache miss (32 KiB with 512-byte sectors: 8,192 FAT32 entries).</summary>
    public const int BlockSectors = 64;
    /// <summary>Blocks kept (2 MiB of FAT with 512-byte sectors); a miss with a full cache flushes and empties it.</summary>
    public const int MaxCachedBlocks = 64;
    private readonly FatFileSystem _fs;
    private readonly FatLayout _l;
    private readonly Dictionary<uint, byte[]> _cache = new();
    private readonly HashSet<uint> _dirtySet = new();
    private readonly List<uint> _dirty = new();
    private readonly uint _readFat; // which FAT copy to read (FAT32 with mirroring disabled: the active one)

    public FatTable(FatFileSystem fs, FatLayout layout)
    {
        _fs = fs;
        _l = layout;
        if (layout.Type == FatType.Fat32 && (layout.ExtFlags & 0x80) != 0 && (layout.ExtFlags & 0xF) < layout.NumFats)
            _readFat = (uint)(layout.ExtFlags & 0xF);
    }

    /// <summary>Free clusters (exact once <see cref="Scan"/> ran or FSInfo was trusted).</summary>
    public uint FreeCount;

    /// <summary>Where the next allocation starts looking (FSI_Nxt_Free).</summary>
    public uint NextFree = 2;

    /// <summary>True when some cached FAT sector differs from the disk.</summary>
    public bool HasDirty => _dirty.Count > 0;

    // The block found last: chain walks and allocation touch the same block thousands of times in a row.
    private uint _lastBlock = uint.MaxValue;
    private byte[] _lastData;
    // The sector marked dirty last (allocation marks the same sector once per entry).
    private uint _lastDirty = uint.MaxValue;

    /// <summary>Reads (or finds) FAT block <paramref name="block"/> (FAT sectors block × BlockSectors onwards).</summary>
    private byte[] Block(uint block)
    {
        if (block == _lastBlock) return _lastData;
        if (!_cache.TryGetValue(block, out var data)) data = Load(block);
        _lastBlock = block;
        _lastData = data;
        return data;
    }

    private byte[] Load(uint block)
    {
        byte[] data;
        if (_cache.Count >= MaxCachedBlocks)
        {
            Flush();
            _cache.Clear();
        }
        uint first = block * BlockSectors;
        uint count = Math.Min((uint)BlockSectors, _l.FatSize - first);
        data = new byte[count * (uint)_l.BytesPerSector];
        _fs.ReadSectors(_l.FirstFatSector + _readFat * _l.FatSize + first, data);
        _cache[block] = data;
        return data;
    }

    /// <summary>FAT sector <paramref name="index"/> inside its cached block.</summary>
    private Span<byte> Sector(uint index) => Block(index / BlockSectors).AsSpan((int)(index % BlockSectors) * _l.BytesPerSector, _l.BytesPerSector);

    private void MarkDirty(uint index)
    {
        if (index == _lastDirty) return;
        _lastDirty = index;
        if (_dirtySet.Add(index)) _dirty.Add(index);
    }

    private byte GetByte(ulong offset) => Sector((uint)(offset / (uint)_l.BytesPerSector))[(int)(offset % (uint)_l.BytesPerSector)];

    private void SetByte(ulong offset, byte value)
    {
        uint s = (uint)(offset / (uint)_l.BytesPerSector);
        Sector(s)[(int)(offset % (uint)_l.BytesPerSector)] = value;
        MarkDirty(s);
    }

    /// <summary>The entry of <paramref name="cluster"/> (FAT32: the low 28 bits). Cluster must be below MaxCluster+1.</summary>
    public uint Get(uint cluster)
    {
        switch (_l.Type)
        {
            case FatType.Fat12:
            {
                ulong off = cluster + cluster / 2;
                uint v = GetByte(off) | ((uint)GetByte(off + 1) << 8);
                return (cluster & 1) != 0 ? v >> 4 : v & 0xFFF;
            }
            case FatType.Fat16:
            {
                ulong off = (ulong)cluster * 2;
                var s = Sector((uint)(off / (uint)_l.BytesPerSector));
                return BinaryPrimitives.ReadUInt16LittleEndian(s.Slice((int)(off % (uint)_l.BytesPerSector)));
            }
            default:
            {
                ulong off = (ulong)cluster * 4;
                var s = Sector((uint)(off / (uint)_l.BytesPerSector));
                return BinaryPrimitives.ReadUInt32LittleEndian(s.Slice((int)(off % (uint)_l.BytesPerSector))) & 0x0FFFFFFF;
            }
        }
    }

    /// <summary>Sets the entry of <paramref name="cluster"/> (FAT32: keeps the high 4 bits, fatgen103 §4).</summary>
    public void Set(uint cluster, uint value)
    {
        switch (_l.Type)
        {
            case FatType.Fat12:
            {
                ulong off = cluster + cluster / 2;
                if ((cluster & 1) != 0)
                {
                    SetByte(off, (byte)(((uint)GetByte(off) & 0x0Fu) | ((value << 4) & 0xF0u)));
                    SetByte(off + 1, (byte)(value >> 4));
                }
                else
                {
                    SetByte(off, (byte)value);
                    SetByte(off + 1, (byte)(((uint)GetByte(off + 1) & 0xF0u) | ((value >> 8) & 0x0Fu)));
                }
                break;
            }
            case FatType.Fat16:
            {
                ulong off = (ulong)cluster * 2;
                uint si = (uint)(off / (uint)_l.BytesPerSector);
                BinaryPrimitives.WriteUInt16LittleEndian(Sector(si).Slice((int)(off % (uint)_l.BytesPerSector)), (ushort)value);
                MarkDirty(si);
                break;
            }
            default:
            {
                ulong off = (ulong)cluster * 4;
                uint si = (uint)(off / (uint)_l.BytesPerSector);
                var span = Sector(si).Slice((int)(off % (uint)_l.BytesPerSector));
                uint old = BinaryPrimitives.ReadUInt32LittleEndian(span);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (old & 0xF0000000) | (value & 0x0FFFFFFF));
                MarkDirty(si);
                break;
            }
        }
    }

    /// <summary>True when <paramref name="value"/> marks the end of a chain.</summary>
    public bool IsEoc(uint value) => value >= _l.EocMin;

    /// <summary>True when <paramref name="cluster"/> is a data cluster of this volume (2..MaxCluster).</summary>
    public bool IsValidCluster(uint cluster) => cluster >= 2 && cluster <= _l.MaxCluster;

    /// <summary>
    /// The clusters of the chain starting at <paramref name="first"/>, in order, as runs. Throws Corrupt (naming
    /// <paramref name="path"/>) for an entry out of range, a free or bad cluster inside the chain, or a chain longer
    /// than the volume (a cycle). FAT16/32: links to the next cluster are followed through the cached FAT sector in a
    /// tight loop (a run of consecutive clusters costs a compare per entry, not an entry lookup).
    /// </summary>
    public ClusterChain ReadChain(uint first, string path)
    {
        var chain = new ClusterChain();
        if (first == 0) return chain;
        uint c = first;
        int bps = _l.BytesPerSector;
        while (true)
        {
            if (!IsValidCluster(c))
                throw _fs.Corrupt(path, $"cluster chain reaches cluster {c}, outside 2..{_l.MaxCluster}");
            uint start = c;
            uint next = NextInSector(ref c);
            chain.AddRun(start, (int)(c - start + 1));
            if ((uint)chain.Count > _l.ClusterCount)
                throw _fs.Corrupt(path, $"cluster chain from {first} is longer than the volume (a cycle)");
            if (IsEoc(next)) return chain;
            if (next == 0) throw _fs.Corrupt(path, $"cluster chain from {first} runs into free cluster at {c}");
            if (next == _l.BadMark) throw _fs.Corrupt(path, $"cluster chain from {first} runs into a bad cluster after {c}");
            c = next;
        }
    }

    /// <summary>
    /// The entry of <paramref name="c"/>; on FAT16/32, while that entry links to the next cluster in the same FAT sector
    /// (and inside the volume), <paramref name="c"/> moves on to it, so on return <paramref name="c"/> is the last
    /// cluster of a consecutive run and the result its entry.
    /// </summary>
    private uint NextInSector(ref uint c)
    {
        if (_l.Type == FatType.Fat12) return Get(c);
        int width = _l.Type == FatType.Fat32 ? 4 : 2;
        int perSector = _l.BytesPerSector / width;
        uint si = (uint)((ulong)c * (uint)width / (uint)_l.BytesPerSector);
        var sector = Sector(si);
        int i = (int)(c % (uint)perSector);
        uint limit = Math.Min(_l.MaxCluster, si * (uint)perSector + (uint)perSector - 1);
        if (width == 4)
        {
            var e = MemoryMarshal.Cast<byte, uint>(sector);   // little-endian entries (x86)
            uint v;
            while ((v = e[i] & 0x0FFFFFFF) == c + 1 && c < limit) { c++; i++; }
            return v;
        }
        else
        {
            var e = MemoryMarshal.Cast<byte, ushort>(sector);
            uint v;
            while ((v = e[i]) == c + 1 && c < limit) { c++; i++; }
            return v;
        }
    }

    /// <summary>
    /// Allocates <paramref name="count"/> clusters, linked in order, the last marked end-of-chain; links
    /// <paramref name="after"/> (when not 0) to the first. Prefers clusters right after <paramref name="after"/> so
    /// files stay contiguous. Throws NoSpace (nothing changed) when too few clusters are free.
    /// </summary>
    public ClusterChain Allocate(int count, uint after, string path)
    {
        var got = new ClusterChain();
        if (count <= 0) return got;
        if ((uint)count > FreeCount) throw new FileSystemException(FileSystemError.NoSpace, path);
        uint c = after != 0 && after < _l.MaxCluster ? after + 1 : NextFree;
        if (!IsValidCluster(c)) c = 2;
        uint scanned = 0;
        uint prev = after;
        while (got.Count < count)
        {
            if (scanned++ > _l.ClusterCount)
            {
                // The free count was wrong: undo and report a full volume.
                foreach (var g in got) Set(g, 0);
                if (after != 0 && got.Count > 0) Set(after, _l.EocMark);
                FreeCount = (uint)got.Count;
                throw new FileSystemException(FileSystemError.NoSpace, path);
            }
            if (_l.Type == FatType.Fat32 && TakeRun32(ref c, ref prev, got, count, ref scanned)) continue;
            if (Get(c) == 0)
            {
                Set(c, _l.EocMark);
                if (prev != 0) Set(prev, c);
                got.Add(c);
                prev = c;
                FreeCount--;
            }
            c = c >= _l.MaxCluster ? 2 : c + 1;
        }
        NextFree = c;
        return got;
    }

    /// <summary>
    /// FAT32 fast path of <see cref="Allocate"/>: takes the free clusters from <paramref name="c"/> to the end of the
    /// cached FAT sector holding its entry in one pass over that sector (each linked to the next, the last marked
    /// end-of-chain, the high 4 bits kept), so a large file costs a few operations per FAT sector rather than per
    /// cluster. Returns false, changing nothing, when <paramref name="c"/> itself is not free.
    /// </summary>
    private bool TakeRun32(ref uint c, ref uint prev, ClusterChain got, int count, ref uint scanned)
    {
        int perSector = _l.BytesPerSector / 4;
        uint si = (uint)((ulong)c * 4 / (uint)_l.BytesPerSector);
        if (c > _l.MaxCluster) return false;
        var e = MemoryMarshal.Cast<byte, uint>(Sector(si));   // little-endian entries (x86)
        int i = (int)(c % (uint)perSector);
        if ((e[i] & 0x0FFFFFFF) != 0) return false;
        uint firstOfSector = si * (uint)perSector;
        // The free entries from i: up to the sector's end, the volume's last cluster, or the clusters still wanted.
        int end = (int)Math.Min((ulong)perSector, (ulong)_l.MaxCluster - firstOfSector + 1);
        end = (int)Math.Min((long)end, (long)i + (count - got.Count));
        int j = i;
        while (j < end && (e[j] & 0x0FFFFFFF) == 0) j++;
        uint first = firstOfSector + (uint)i;
        if (prev != 0)
        {
            // The previous cluster's entry may be in another block, whose loading can evict this one: link it first,
            // then look the sector up again.
            Set(prev, first);
            e = MemoryMarshal.Cast<byte, uint>(Sector(si));
        }
        for (int k = i; k < j - 1; k++) e[k] = (e[k] & 0xF0000000) | (firstOfSector + (uint)k + 1);
        e[j - 1] = (e[j - 1] & 0xF0000000) | _l.EocMark;
        uint taken = (uint)(j - i);
        got.AddRun(first, (int)taken);
        prev = firstOfSector + (uint)j - 1;
        MarkDirty(si);
        FreeCount -= taken;
        scanned += taken;
        uint next = firstOfSector + (uint)j;
        c = next > _l.MaxCluster ? 2 : next;
        return true;
    }

    /// <summary>Frees the chain starting at <paramref name="first"/> (bounded walk; Corrupt on a broken chain).</summary>
    public void FreeChain(uint first, string path)
    {
        var chain = ReadChain(first, path);
        FreeFrom(chain, 0);
    }

    /// <summary>Cuts the chain after its <paramref name="keep"/>-th cluster (keep ≥ 0; 0 frees it all) and frees the rest.</summary>
    public void Truncate(ClusterChain chain, int keep, string path)
    {
        if (keep >= chain.Count) return;
        FreeFrom(chain, keep);
        if (keep > 0) Set(chain[keep - 1], _l.EocMark);
        chain.Truncate(keep);
    }

    /// <summary>Marks clusters <paramref name="from"/>.. of <paramref name="chain"/> free, run by run (FAT16/32: a pass over each cached FAT sector's entries).</summary>
    private void FreeFrom(ClusterChain chain, int from)
    {
        if (from >= chain.Count) return;
        uint lowest = chain[from];
        int done = from;
        while (done < chain.Count)
        {
            uint c = chain[done];
            int n = chain.ContiguousAfter(done) + 1;
            if (c < lowest) lowest = c;
            FreeRun(c, n);
            done += n;
        }
        FreeCount += (uint)(chain.Count - from);
        if (lowest < NextFree) NextFree = lowest;
    }

    private void FreeRun(uint c, int n)
    {
        if (_l.Type == FatType.Fat12)
        {
            for (int k = 0; k < n; k++) Set(c + (uint)k, 0);
            return;
        }
        int width = _l.Type == FatType.Fat32 ? 4 : 2;
        int perSector = _l.BytesPerSector / width;
        while (n > 0)
        {
            uint si = (uint)((ulong)c * (uint)width / (uint)_l.BytesPerSector);
            int i = (int)(c % (uint)perSector);
            int take = Math.Min(n, perSector - i);
            var sector = Sector(si);
            if (width == 4)
            {
                var e = MemoryMarshal.Cast<byte, uint>(sector).Slice(i, take);
                for (int k = 0; k < e.Length; k++) e[k] &= 0xF0000000;   // the high 4 bits are kept (fatgen103 §4)
            }
            else MemoryMarshal.Cast<byte, ushort>(sector).Slice(i, take).Clear();
            MarkDirty(si);
            c += (uint)take;
            n -= take;
        }
    }

    /// <summary>
    /// Reads the whole FAT in large requests and counts free clusters and entries that are out of range. Returns
    /// the number of invalid entries (values 1 or above MaxCluster that are neither bad nor end-of-chain).
    /// </summary>
    public uint Scan(out uint free, out uint firstFree)
    {
        free = 0; firstFree = 0;
        uint invalid = 0;
        ulong entryBits = _l.Type == FatType.Fat12 ? 12u : _l.Type == FatType.Fat16 ? 16u : 32u;
        ulong needBytes = (((ulong)_l.MaxCluster + 1) * entryBits + 7) / 8;
        uint needSectors = (uint)((needBytes + (ulong)_l.BytesPerSector - 1) / (ulong)_l.BytesPerSector);
        uint chunk = _l.Type == FatType.Fat12 ? needSectors : Math.Max(1u, (64u * 1024) / (uint)_l.BytesPerSector);
        var buf = new byte[chunk * (uint)_l.BytesPerSector];
        uint cluster = 0;
        for (uint s = 0; s < needSectors; s += chunk)
        {
            uint n = Math.Min(chunk, needSectors - s);
            var span = buf.AsSpan(0, (int)(n * (uint)_l.BytesPerSector));
            _fs.ReadSectors(_l.FirstFatSector + _readFat * _l.FatSize + s, span);
            int entries = _l.Type == FatType.Fat12 ? (int)(_l.MaxCluster + 1) : span.Length / (int)(entryBits / 8);
            for (int i = 0; i < entries && cluster <= _l.MaxCluster; i++, cluster++)
            {
                uint v;
                if (_l.Type == FatType.Fat12)
                {
                    int off = (int)(cluster + cluster / 2);
                    uint w = span[off] | ((uint)span[off + 1] << 8);
                    v = (cluster & 1) != 0 ? w >> 4 : w & 0xFFF;
                }
                else if (_l.Type == FatType.Fat16) v = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(i * 2));
                else v = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(i * 4)) & 0x0FFFFFFF;
                if (cluster < 2) continue;
                if (v == 0)
                {
                    free++;
                    if (firstFree == 0) firstFree = cluster;
                }
                else if (v == 1 || (v > _l.MaxCluster && v != _l.BadMark && v < _l.EocMin)) invalid++;
            }
        }
        return invalid;
    }

    /// <summary>Clean sectors between two dirty ones of a block that are written with them rather than splitting the request.</summary>
    private const int MaxGapSectors = 16;

    /// <summary>
    /// Writes every dirty cached sector to each FAT copy: dirty sectors of one cached block less than
    /// <see cref="MaxGapSectors"/> apart go in one request straight from the block (the clean sectors between them
    /// hold what the FAT holds), so a flush after a small change is one write per FAT copy.
    /// </summary>
    public void Flush()
    {
        if (_dirty.Count == 0) return;
        _dirty.Sort();
        int bps = _l.BytesPerSector;
        int i = 0;
        while (i < _dirty.Count)
        {
            uint block = _dirty[i] / BlockSectors;
            int j = i + 1;
            while (j < _dirty.Count && _dirty[j] / BlockSectors == block && _dirty[j] - _dirty[j - 1] <= MaxGapSectors) j++;
            uint first = _dirty[i], last = _dirty[j - 1];
            var run = Block(block).AsSpan((int)(first % BlockSectors) * bps, (int)(last - first + 1) * bps);
            for (uint f = 0; f < _l.NumFats; f++)
                _fs.WriteSectors(_l.FirstFatSector + f * _l.FatSize + first, run);
            i = j;
        }
        _dirty.Clear();
        _dirtySet.Clear();
        _lastDirty = uint.MaxValue;
    }

    /// <summary>Forgets cached sectors without writing them (after the volume turned read-only).</summary>
    public void Discard()
    {
        _dirty.Clear();
        _dirtySet.Clear();
        _cache.Clear();
        _lastDirty = _lastBlock = uint.MaxValue;
        _lastData = null;
    }
}
