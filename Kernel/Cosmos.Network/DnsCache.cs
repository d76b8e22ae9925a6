using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>
/// A DNS answer cache (RFC 1035 §7.4; RFC 2181 §8 for TTL limits): name → IPv4 addresses, each entry kept for the
/// smallest TTL of its records, capped at <see cref="MaxTtlSeconds"/>; names compare case-insensitively (ASCII, RFC
/// 4343) and without a trailing dot. Bounded: at most <see cref="Capacity"/> entries, adding to a full cache first
/// drops expired entries, then the one closest to expiry. Pure and deterministic (time as <c>nowMs</c>); not thread-safe.
/// </summary>
public sealed class DnsCache
{
    /// <summary>Longest time an answer is kept (one day), whatever its TTL says.</summary>
    public const uint MaxTtlSeconds = 86_400;

    private readonly Dictionary<string, (IPv4Address[] Addresses, long ExpiresMs)> entries = new Dictionary<string, (IPv4Address[], long)>();

    /// <summary>Most entries kept.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now (expired ones included until touched).</summary>
    public int Count => entries.Count;

    /// <summary>A cache of <paramref name="capacity"/> entries (1..65536).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is outside 1..65536.</exception>
    public DnsCache(int capacity = 256)
    {
        if (capacity < 1 || capacity > 65536) throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
    }

    /// <summary>The lookup key: lower-case ASCII, no trailing dot.</summary>
    public static string Normalize(string name)
    {
        if (name == null) throw new ArgumentNullException(nameof(name));
        int n = name.Length;
        if (n > 0 && name[n - 1] == '.') n--;
        var c = new char[n];
        for (int i = 0; i < n; i++) { char ch = name[i]; c[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch; }
        return new string(c);
    }

    /// <summary>
    /// Stores <paramref name="addresses"/> for <paramref name="name"/> for <paramref name="ttlSeconds"/> (capped);
    /// a TTL of 0 or an empty list stores nothing (and drops an older entry).
    /// </summary>
    public void Add(string name, IReadOnlyList<IPv4Address> addresses, uint ttlSeconds, long nowMs)
    {
        string key = Normalize(name);
        if (addresses == null || addresses.Count == 0 || ttlSeconds == 0) { entries.Remove(key); return; }
        if (!entries.ContainsKey(key) && entries.Count >= Capacity) MakeRoom(nowMs);
        var copy = new IPv4Address[addresses.Count];
        for (int i = 0; i < copy.Length; i++) copy[i] = addresses[i];
        entries[key] = (copy, nowMs + Math.Min(ttlSeconds, MaxTtlSeconds) * 1000L);
    }

    /// <summary>The addresses cached for <paramref name="name"/> when their TTL has not run out (an expired entry is removed); false otherwise.</summary>
    public bool TryGet(string name, long nowMs, out IPv4Address[] addresses)
    {
        string key = Normalize(name);
        if (entries.TryGetValue(key, out var e))
        {
            if (nowMs < e.ExpiresMs) { addresses = e.Addresses; return true; }
            entries.Remove(key);
        }
        addresses = null;
        return false;
    }

    /// <summary>Forgets everything.</summary>
    public void Clear() => entries.Clear();

    private void MakeRoom(long nowMs)
    {
        var expired = new List<string>();
        string soonest = null;
        long soonestMs = long.MaxValue;
        foreach (var kv in entries)
        {
            if (kv.Value.ExpiresMs <= nowMs) expired.Add(kv.Key);
            else if (kv.Value.ExpiresMs < soonestMs) { soonestMs = kv.Value.ExpiresMs; soonest = kv.Key; }
        }
        foreach (var k in expired) entries.Remove(k);
        if (entries.Count >= Capacity && soonest != null) entries.Remove(soonest);
    }
}
