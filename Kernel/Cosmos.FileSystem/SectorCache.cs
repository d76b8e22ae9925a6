using System;
using System.Collections.Generic;

namespace Cosmos.FileSystem;

/// <summary>
/// A write-through cache of device sectors with least-recently-used replacement, for file-system metadata
/// (directories and other small reads): reads of sectors it holds are served from memory, every write updates the
/// copies it holds (so it never disagrees with the device, and nothing is held back from it), and large transfers
/// (file data) pass by without evicting anything. Not thread-safe: the owning file system serializes access.
/// </summary>
public sealed class SectorCache
{
    private sealed class Entry
    {
        public ulong Sector;
        public byte[] Data;
    }

    private readonly int _sectorSize;
    private readonly int _capacity;
    private readonly Dictionary<ulong, LinkedListNode<Entry>> _map = new();
    private readonly LinkedList<Entry> _lru = new();   // most recently used first
    // Bounds of every sector held since the last Clear (not narrowed by eviction).
    private ulong _lowest = ulong.MaxValue, _highest;

    /// <summary>A cache of at most <paramref name="capacitySectors"/> sectors of <paramref name="sectorSize"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size that is not positive.</exception>
    public SectorCache(int sectorSize, int capacitySectors)
    {
        if (sectorSize <= 0) throw new ArgumentOutOfRangeException(nameof(sectorSize));
        if (capacitySectors <= 0) throw new ArgumentOutOfRangeException(nameof(capacitySectors));
        _sectorSize = sectorSize;
        _capacity = capacitySectors;
    }

    /// <summary>Sectors held.</summary>
    public int Count => _map.Count;
    /// <summary>Reads served from memory.</summary>
    public long Hits { get; private set; }
    /// <summary>Reads that had to go to the device.</summary>
    public long Misses { get; private set; }

    /// <summary>Copies sectors <paramref name="sector"/>.. into <paramref name="buffer"/> (a whole number of sectors) when every one is held.</summary>
    public bool TryRead(ulong sector, Span<byte> buffer)
    {
        int n = buffer.Length / _sectorSize;
        for (int i = 0; i < n; i++)
            if (!_map.ContainsKey(sector + (ulong)i)) { Misses++; return false; }
        for (int i = 0; i < n; i++)
        {
            var node = _map[sector + (ulong)i];
            node.Value.Data.CopyTo(buffer.Slice(i * _sectorSize, _sectorSize));
            Touch(node);
        }
        Hits++;
        return true;
    }

    /// <summary>Holds copies of sectors <paramref name="sector"/>.. from <paramref name="data"/> (just read from or written to the device).</summary>
    public void Store(ulong sector, ReadOnlySpan<byte> data)
    {
        int n = data.Length / _sectorSize;
        if (n > _capacity) return;
        for (int i = 0; i < n; i++) Put(sector + (ulong)i, data.Slice(i * _sectorSize, _sectorSize));
    }

    /// <summary>A write of sectors <paramref name="sector"/>..: updates the copies held, adds none.</summary>
    public void Update(ulong sector, ReadOnlySpan<byte> data)
    {
        int n = data.Length / _sectorSize;
        // File data usually lies outside every sector ever held: skip the per-sector lookups then.
        if (_map.Count == 0 || sector > _highest || sector + (ulong)n <= _lowest) return;
        for (int i = 0; i < n; i++)
            if (_map.TryGetValue(sector + (ulong)i, out var node))
            {
                data.Slice(i * _sectorSize, _sectorSize).CopyTo(node.Value.Data);
                Touch(node);
            }
    }

    /// <summary>Forgets every sector.</summary>
    public void Clear()
    {
        _map.Clear();
        _lru.Clear();
        _lowest = ulong.MaxValue;
        _highest = 0;
    }

    private void Put(ulong sector, ReadOnlySpan<byte> data)
    {
        if (_map.TryGetValue(sector, out var node))
        {
            data.CopyTo(node.Value.Data);
            Touch(node);
            return;
        }
        Entry e;
        if (_map.Count >= _capacity)
        {
            var last = _lru.Last!;
            _lru.RemoveLast();
            _map.Remove(last.Value.Sector);
            e = last.Value;                     // reuse the evicted buffer
        }
        else e = new Entry { Data = new byte[_sectorSize] };
        e.Sector = sector;
        if (sector < _lowest) _lowest = sector;
        if (sector > _highest) _highest = sector;
        data.CopyTo(e.Data);
        _map[sector] = _lru.AddFirst(e);
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        if (node != _lru.First)
        {
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
    }
}
