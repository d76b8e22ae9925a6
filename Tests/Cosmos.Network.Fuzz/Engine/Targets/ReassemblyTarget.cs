using System;
using System.Collections.Generic;
using System.Linq;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// <see cref="IPv4Reassembler"/> against a model. The data of a captured datagram (a fragmented one is first put
/// together from its captured fragments) is cut into valid fragments at random multiples of 8, with duplicates,
/// overlaps carrying the same or different octets, a second datagram interleaved, and malformed fragments (empty,
/// or More Fragments with a length not a multiple of 8) mixed in, all in random order. The model keeps the first
/// octet to arrive at each offset and completes a datagram when every octet and the last fragment are in. The
/// reassembler must agree at every step (Incomplete / Complete with the model's octets and header / BadFragment;
/// a "fragment" at offset 0 without More Fragments is a whole datagram and completes by itself),
/// and give all its memory back once the datagrams complete or time out.
/// </summary>
public sealed class ReassemblyTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "reassembly";

    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.Ip >= 0 && seed.Layout.IpHeaderLength >= 20 && seed.Layout.Ip + seed.Layout.IpHeaderLength < seed.Layout.IpEnd;

    private sealed class Model
    {
        public byte[] Data;      // the octets as the model reassembles them
        public bool[] Have;
        public bool LastSeen;
        public void Reset(int length) { Data = new byte[length]; Have = new bool[length]; LastSeen = false; }
        public bool Complete => LastSeen && Have.All(h => h);
    }

    private static byte[] DatagramData(SeedCorpus corpus, SeedFrame seed)
    {
        FrameLayout l = seed.Layout;
        byte[] f = seed.Data;
        int hl = l.IpHeaderLength;
        if (!l.IsFragment) return f.AsSpan(l.Ip + hl, l.IpEnd - l.Ip - hl).ToArray();
        // Put the captured fragments of this datagram together (same source, destination, protocol, identification).
        var parts = new SortedDictionary<int, byte[]>();
        int end = -1;
        foreach (SeedFrame s in corpus.ByFile[seed.File])
        {
            FrameLayout sl = s.Layout;
            if (sl.Ip < 0 || sl.IpHeaderLength < 20 || !sl.IsFragment || sl.Protocol != l.Protocol) continue;
            if (!s.Data.AsSpan(sl.Ip + 4, 2).SequenceEqual(f.AsSpan(l.Ip + 4, 2)) || !s.Data.AsSpan(sl.Ip + 12, 8).SequenceEqual(f.AsSpan(l.Ip + 12, 8))) continue;
            int off = (sl.FragmentField & 0x1FFF) * 8;
            byte[] d = s.Data.AsSpan(sl.Ip + sl.IpHeaderLength, Math.Max(0, sl.IpEnd - sl.Ip - sl.IpHeaderLength)).ToArray();
            parts[off] = d;
            if ((sl.FragmentField & 0x2000) == 0) end = off + d.Length;
        }
        if (end <= 0) return f.AsSpan(l.Ip + hl, l.IpEnd - l.Ip - hl).ToArray();
        var data = new byte[end];
        foreach (var kv in parts) kv.Value.AsSpan(0, Math.Min(kv.Value.Length, Math.Max(0, end - kv.Key))).CopyTo(data.AsSpan(Math.Min(kv.Key, end)));
        return data;
    }

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        Random rng = c.Rng;
        byte[] original = DatagramData(c.Corpus, c.Seed);
        if (original.Length == 0) original = new byte[] { 1 };
        if (rng.Next(4) == 0 && original.Length < 20000)
        {
            // A larger datagram now and then (up to the 65,515-octet maximum), made of repeated seed data.
            int length = rng.Next(2) == 0 ? IPv4Reassembler.MaximumPayload - rng.Next(8) : original.Length * (1 + rng.Next(30));
            var big = new byte[Math.Min(length, IPv4Reassembler.MaximumPayload)];
            for (int i = 0; i < big.Length; i++) big[i] = (byte)(original[i % original.Length] + i / original.Length);
            original = big;
        }
        var src = new IPv4Address(10, 99, 0, 2);
        var dst = new IPv4Address(10, 99, 0, 1);
        // Fragments of two datagrams (ids 1 and 2) with their own data; the second only sometimes.
        int datagrams = rng.Next(3) == 0 ? 2 : 1;
        var plan = new List<(ushort Id, int First, int Length, bool More, byte[] Data)>();
        var originals = new Dictionary<ushort, byte[]>();
        for (ushort id = 1; id <= datagrams; id++)
        {
            byte[] data = id == 1 ? original : original.Select(b => (byte)(b ^ 0x5A)).ToArray();
            originals[id] = data;
            int n = data.Length;
            int pieces = 1 + rng.Next(Math.Min(40, Math.Max(1, n / 8)));
            var cuts = new SortedSet<int> { 0, n };
            for (int i = 1; i < pieces; i++) cuts.Add(rng.Next(n / 8 + 1) * 8);
            int[] points = cuts.ToArray();
            for (int i = 0; i + 1 < points.Length; i++)
                if (points[i + 1] > points[i]) plan.Add((id, points[i], points[i + 1] - points[i], points[i + 1] < n, data));
            // Duplicates and overlaps: 8-aligned ranges; most carry the datagram's octets, some other octets.
            int extras = rng.Next(rng.Next(2) == 0 ? 3 : 12);
            for (int i = 0; i < extras; i++)
            {
                int a = rng.Next(n / 8 + 1) * 8;
                if (a >= n) a = (n - 1) / 8 * 8;
                int b = Math.Min(n, a + 8 * (1 + rng.Next(Math.Max(1, (n - a) / 8 + 1))));
                byte[] d = data;
                if (rng.Next(3) == 0) { d = (byte[])data.Clone(); for (int k = a; k < b; k++) d[k] = (byte)~d[k]; }
                plan.Add((id, a, b - a, b < n, d));
            }
        }
        for (int i = plan.Count - 1; i > 0; i--) { int j = rng.Next(i + 1); (plan[i], plan[j]) = (plan[j], plan[i]); }
        if (plan.Count > 250) plan.RemoveRange(250, plan.Count - 250);
        // Malformed ones in between: empty, or More Fragments with a length not a multiple of 8.
        int bad = rng.Next(3);
        for (int i = 0; i < bad; i++)
        {
            int len = rng.Next(2) == 0 ? 0 : 1 + rng.Next(7) + 8 * rng.Next(3);
            plan.Insert(rng.Next(plan.Count + 1), (1, 8 * rng.Next(4), len, true, new byte[len + 32]));
        }

        var r = rng.Next(3) == 0 ? new IPv4Reassembler(maxTotalBytes: 3 * IPv4Reassembler.MaximumPayload) : new IPv4Reassembler();
        var models = new Dictionary<ushort, Model>();
        foreach (var kv in originals) { var m = new Model(); m.Reset(kv.Value.Length); models[kv.Key] = m; }
        c.Log.Add($"{plan.Count} fragments of {datagrams} datagram(s) of {original.Length} octets");
        int completed = 0;
        foreach (var (id, first, length, more, data) in plan)
        {
            var header = new IPv4Header(5, 0, (ushort)(20 + length), id, more ? IPv4Header.FlagMoreFragments : (byte)0, (ushort)(first / 8), 64, IPProtocol.Udp, src, dst);
            ReadOnlySpan<byte> payload = data.AsSpan(first, Math.Min(length, data.Length - first));
            if (payload.Length != length) payload = new byte[length];
            c.Frames.Add(EthernetHeader.BuildFrame(new MacAddress(0x020000990001UL), new MacAddress(0x020000990002UL), EtherType.IPv4, IPv4Header.BuildDatagram(header, payload)));
            c.Log.Add($"id {id} [{first}, {first + length}) MF={(more ? 1 : 0)}");
            ReassemblyStatus st = r.Add(header, payload, 1000, out IPv4Header whole, out byte[] wholeData);
            bool malformed = length == 0 || (more && (length & 7) != 0);
            if (malformed)
            {
                Check.That(st == ReassemblyStatus.BadFragment, $"malformed fragment ({length} octets, MF={more}): {st}");
                continue;
            }
            if (first == 0 && !more)
            {
                // Offset 0 without More Fragments is a whole datagram, not a fragment: it completes on its own and
                // leaves a reassembly in progress under the same identification alone.
                Check.That(st == ReassemblyStatus.Complete && wholeData.AsSpan().SequenceEqual(payload), $"unfragmented datagram: {st}");
                continue;
            }
            Model model = models[id];
            for (int k = 0; k < length; k++)
                if (!model.Have[first + k]) { model.Have[first + k] = true; model.Data[first + k] = payload[k]; }
            if (!more) model.LastSeen = true;
            if (model.Complete)
            {
                Check.That(st == ReassemblyStatus.Complete, $"datagram {id} is complete but the reassembler says {st}");
                Check.That(wholeData.AsSpan().SequenceEqual(model.Data), $"datagram {id}: reassembled octets differ from first-arrival order");
                Check.That(whole.TotalLength == 20 + model.Data.Length && !whole.IsFragment && whole.Identification == id && whole.SourceAddress == src
                    && whole.DestinationAddress == dst && whole.Protocol == IPProtocol.Udp, $"datagram {id}: reassembled header");
                model.Reset(model.Data.Length);
                completed++;
            }
            else Check.That(st == ReassemblyStatus.Incomplete, $"datagram {id} still has holes but the reassembler says {st}");
            Check.That(r.BufferedBytes <= r.MaxTotalBytes && r.Count <= r.MaxDatagrams, "reassembler bounds");
        }
        r.Expire(1000 + r.TimeoutMs);
        Check.That(r.Count == 0 && r.BufferedBytes == 0, $"after the timeout the reassembler still holds {r.Count} datagrams, {r.BufferedBytes} octets");
        return completed > 0 ? "Complete" : "Incomplete";
    }
}
