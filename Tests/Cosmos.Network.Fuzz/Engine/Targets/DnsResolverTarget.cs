using System;
using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// What the kernel's name resolver does with a reply (Cosmos.System NameResolver): parse a mutated DNS response,
/// take <see cref="DnsMessage.GetAddresses"/> for the question's name (or the seed's), the smallest TTL of the
/// answers, and store the result in a small <see cref="DnsCache"/>, then look names up as time passes. Invariants:
/// nothing throws; the cache never holds more than its capacity; a stored answer comes back unchanged until its TTL
/// (capped at a day) runs out and never after; lookups ignore ASCII case and a trailing dot.
/// </summary>
public sealed class DnsResolverTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "dns-resolver";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed)
    {
        // Replies that carry an A answer for their question (the others would only exercise "not found").
        FrameLayout l = seed.Layout;
        if (l.Dns < 0 || l.SourcePort != 53) return false;
        return DnsMessage.TryParse(seed.Data.AsSpan(l.UdpData, l.UdpEnd - l.UdpData), out DnsMessage m) == ParseStatus.Ok
            && m.Questions.Count > 0 && m.GetAddresses(m.Questions[0].Name).Count > 0;
    }

    // DNS names ignore the case of ASCII letters only (RFC 4343).
    private static string AsciiCase(string s, bool upper)
    {
        var c = s.ToCharArray();
        for (int i = 0; i < c.Length; i++)
            if (upper ? c[i] >= 'a' && c[i] <= 'z' : c[i] >= 'A' && c[i] <= 'Z') c[i] = (char)(c[i] ^ 0x20);
        return new string(c);
    }

    // dnsmasq answers its local names with TTL 0 (nothing to cache): give the answers TTLs worth caching, odd ones too.
    private static SeedFrame WithTtls(SeedFrame seed, Random rng, List<string> log)
    {
        byte[] d = (byte[])seed.Data.Clone();
        var names = new List<int>(); var rdlengths = new List<int>(); var types = new List<int>();
        FrameEdit.DnsFields(d, seed.Layout.Dns, names, rdlengths, types);
        uint[] ttls = { 0, 1, 60, 3600, DnsCache.MaxTtlSeconds, DnsCache.MaxTtlSeconds + 1, 0x7FFF_FFFF, 0xFFFF_FFFF };
        uint ttl = rng.Next(4) == 0 ? (uint)rng.Next() : ttls[rng.Next(ttls.Length)];
        foreach (int p in rdlengths) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(p - 4), ttl);
        FrameEdit.FixTransportChecksum(d);
        log.Add($"{seed.File}#{seed.Index}: answer TTLs = {ttl}");
        return new SeedFrame(seed.File, seed.Index, d);
    }

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        Random rng = c.Rng;
        var cache = new DnsCache(1 + rng.Next(4));
        long now = 1000;
        string outcome = "no answer";
        int replies = 1 + rng.Next(4);
        var stored = new List<(string Name, IPv4Address[] Addresses, long Until)>();
        for (int r = 0; r < replies; r++)
        {
            SeedFrame seed = r == 0 ? c.Seed : c.Corpus.Neighbour(c.Seed, rng.Next(-6, 7));
            byte[] f = c.Mutate(WithTtls(seed, rng, c.Log), FuzzLayer.Dns);
            FrameLayout l = FrameLayout.Of(f);
            if (l.UdpData < 0) continue;
            if (DnsMessage.TryParse(f.AsSpan(l.UdpData, l.UdpEnd - l.UdpData), out DnsMessage m) != ParseStatus.Ok || !m.IsResponse) continue;
            string name = m.Questions.Count > 0 ? m.Questions[0].Name : "host1.fuzz.test";
            if (name.Length == 0) continue;
            if (rng.Next(4) == 0) name = AsciiCase(name, upper: true) + (rng.Next(2) == 0 ? "." : "");
            List<IPv4Address> found = m.GetAddresses(name);
            if (found.Count == 0) continue;
            uint ttl = uint.MaxValue;
            foreach (DnsResourceRecord rr in m.Answers) ttl = Math.Min(ttl, rr.TimeToLive);
            cache.Add(name, found, ttl, now);
            Check.That(cache.Count <= cache.Capacity, $"DNS cache holds {cache.Count} (capacity {cache.Capacity})");
            if (ttl == 0) continue;
            long until = now + Math.Min(ttl, DnsCache.MaxTtlSeconds) * 1000L;
            stored.RemoveAll(s => string.Equals(DnsCache.Normalize(s.Name), DnsCache.Normalize(name), StringComparison.Ordinal));
            stored.Add((name, found.ToArray(), until));
            Check.That(cache.TryGet(AsciiCase(name, upper: false), now, out IPv4Address[] got) && got.SequenceEqual(found), "a fresh answer is not in the cache");
            outcome = "cached";
            c.Log.Add($"cached {name}: {string.Join(" ", found)} for {ttl} s");
            now += rng.Next(3) == 0 ? (long)rng.Next(100_000_000) : rng.Next(5000);
        }
        // Entries may have been evicted (capacity), but none may outlive its TTL or come back changed.
        foreach (var (name, addresses, until) in stored)
        {
            bool hit = cache.TryGet(name, now, out IPv4Address[] got);
            if (now >= until) Check.That(!hit, $"{name} still cached {now - until} ms after its TTL");
            else if (hit) Check.That(got.SequenceEqual(addresses), $"{name} comes back with other addresses");
        }
        return outcome;
    }
}
