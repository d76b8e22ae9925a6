using System;
using System.Collections;
using System.Collections.Generic;

namespace Cosmos.FileSystem.Fat;

/// <summary>
/// The clusters of a FAT chain in order, held as extents: runs of consecutive cluster numbers, each its first cluster
/// and the chain index it starts at. A file written in one go on a fresh volume is one run, so a 64 MiB file of
/// 512-byte clusters costs a few words instead of 131,072 entries, and a transfer finds how far the data is contiguous
/// on the volume (<see cref="ContiguousAfter"/>) by a binary search over the runs. Adjacent runs are always merged
/// (a run never ends where the next one would continue it). Grows at the end (<see cref="Add"/>,
/// <see cref="AddRun"/>) and is cut (<see cref="Truncate"/>); not thread-safe (the file system serializes access).
/// </summary>
internal sealed class ClusterChain : IReadOnlyList<uint>
{
    private uint[] _first = new uint[4];   // first cluster of each run
    private int[] _at = new int[4];        // chain index of each run's first cluster (ascending, _at[0] = 0)
    private int _runs;

    /// <summary>Clusters in the chain.</summary>
    public int Count { get; private set; }

    /// <summary>Runs of consecutive clusters (fragments).</summary>
    public int RunCount => _runs;

    /// <summary>The <paramref name="index"/>-th cluster of the chain.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..Count−1.</exception>
    public uint this[int index]
    {
        get
        {
            int r = RunOf(index);
            return _first[r] + (uint)(index - _at[r]);
        }
    }

    /// <summary>The last cluster (0 for an empty chain).</summary>
    public uint Last => Count == 0 ? 0 : _first[_runs - 1] + (uint)(Count - 1 - _at[_runs - 1]);

    /// <summary>Run <paramref name="run"/>: its first cluster and how many clusters it has.</summary>
    public (uint First, int Length) Run(int run)
    {
        if ((uint)run >= (uint)_runs) throw new ArgumentOutOfRangeException(nameof(run));
        return (_first[run], (run + 1 < _runs ? _at[run + 1] : Count) - _at[run]);
    }

    /// <summary>Appends <paramref name="cluster"/> (extending the last run when it follows it).</summary>
    public void Add(uint cluster) => AddRun(cluster, 1);

    /// <summary>Appends <paramref name="length"/> (≥ 1) consecutive clusters from <paramref name="first"/>.</summary>
    public void AddRun(uint first, int length)
    {
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length));
        if (_runs > 0 && first == Last + 1) { Count += length; return; }
        if (_runs == _first.Length)
        {
            Array.Resize(ref _first, _runs * 2);
            Array.Resize(ref _at, _runs * 2);
        }
        _first[_runs] = first;
        _at[_runs] = Count;
        _runs++;
        Count += length;
    }

    /// <summary>Appends every cluster of <paramref name="other"/>, run by run.</summary>
    public void AddRange(ClusterChain other)
    {
        for (int r = 0; r < other._runs; r++)
        {
            var (first, length) = other.Run(r);
            AddRun(first, length);
        }
    }

    /// <summary>How many clusters after the <paramref name="index"/>-th follow it consecutively on the volume.</summary>
    public int ContiguousAfter(int index)
    {
        int r = RunOf(index);
        int end = r + 1 < _runs ? _at[r + 1] : Count;
        return end - 1 - index;
    }

    /// <summary>Keeps the first <paramref name="keep"/> clusters (nothing happens when the chain is not longer).</summary>
    public void Truncate(int keep)
    {
        if (keep < 0) throw new ArgumentOutOfRangeException(nameof(keep));
        if (keep >= Count) return;
        if (keep == 0) { _runs = 0; Count = 0; return; }
        int r = RunOf(keep - 1);
        _runs = r + 1;
        Count = keep;
    }

    /// <summary>The clusters as a list (directories keep theirs as one).</summary>
    public List<uint> ToList()
    {
        var list = new List<uint>(Count);
        foreach (uint c in this) list.Add(c);
        return list;
    }

    private int RunOf(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        int lo = 0, hi = _runs - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_at[mid] <= index) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>The clusters in chain order.</summary>
    public IEnumerator<uint> GetEnumerator()
    {
        for (int r = 0; r < _runs; r++)
        {
            var (first, length) = Run(r);
            for (int i = 0; i < length; i++) yield return first + (uint)i;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
