using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>What <see cref="IPv4Reassembler.Add"/> did with a fragment.</summary>
public enum ReassemblyStatus
{
    /// <summary>The fragment was stored; the datagram still has holes.</summary>
    Incomplete,
    /// <summary>The datagram is complete: the out parameters hold it, and the reassembler forgot it.</summary>
    Complete,
    /// <summary>The fragment is malformed on its own (no data, or More Fragments set with a length not a multiple of 8); nothing changed.</summary>
    BadFragment,
    /// <summary>The fragment reaches past 65535 octets of datagram or past <see cref="IPv4Reassembler.MaxDatagramBytes"/>; the whole datagram was discarded.</summary>
    TooLarge,
    /// <summary>The fragment disagrees with the known end of the datagram (two different last fragments, or data past the last one); the whole datagram was discarded.</summary>
    Inconsistent,
    /// <summary>The datagram exceeded <see cref="IPv4Reassembler.MaxFragmentsPerDatagram"/> fragments; it was discarded.</summary>
    TooManyFragments,
    /// <summary>The fragment could not be stored without exceeding <see cref="IPv4Reassembler.MaxTotalBytes"/> even after evicting the others.</summary>
    NoMemory,
}

/// <summary>
/// IPv4 fragment reassembly (RFC 791 section 3.2 "Fragmentation and Reassembly", with the hole-descriptor algorithm
/// of RFC 815). Fragments belong together when Source Address, Destination Address, Protocol and Identification
/// agree. Bounded: at most <see cref="MaxDatagrams"/> datagrams in progress (a new one evicts the oldest), at most
/// <see cref="MaxDatagramBytes"/> of data each, <see cref="MaxTotalBytes"/> in all, and each is discarded
/// <see cref="TimeoutMs"/> after its first fragment arrived. Overlaps are resolved deterministically: data that has
/// arrived first wins, later fragments only fill holes. The reassembled header is that of the fragment with offset
/// zero, without options, with Total Length set, Fragment Offset 0 and More Fragments clear. Pure: time comes in as
/// <c>nowMs</c> (monotonic milliseconds). Not thread-safe.
/// </summary>
public sealed class IPv4Reassembler
{
    /// <summary>Default reassembly timeout (30 000 ms).</summary>
    public const long DefaultTimeoutMs = 30_000;
    /// <summary>Largest data a datagram can carry: 65535 − 20 octets of option-less header.</summary>
    public const int MaximumPayload = IPv4Header.MaximumTotalLength - IPv4Header.MinimumLength;

    private struct Hole
    {
        public int First;  // first octet offset of the hole
        public int Last;   // last octet offset (inclusive); int.MaxValue while the end is unknown
    }

    private sealed class Datagram
    {
        public IPv4Address Source, Destination;
        public byte Protocol;
        public ushort Identification;
        public long StartedMs;
        public long Sequence;
        public byte[] Buffer = Array.Empty<byte>();
        public readonly List<Hole> Holes = new List<Hole>();
        public int DataLength = -1;     // known once the last fragment (MF = 0) arrived
        public int HighestEnd;          // largest fragment end stored so far
        public int Fragments;
        public bool HaveFirst;
        public IPv4Header FirstHeader;
    }

    private readonly List<Datagram> datagrams = new List<Datagram>();
    private long sequence;
    private int totalBytes;

    /// <summary>Largest number of datagrams being reassembled at once.</summary>
    public int MaxDatagrams { get; }
    /// <summary>Largest data (payload) length of one reassembled datagram, in octets (≤ 65515).</summary>
    public int MaxDatagramBytes { get; }
    /// <summary>Largest buffer memory over all datagrams in progress, in octets.</summary>
    public int MaxTotalBytes { get; }
    /// <summary>Largest number of fragments accepted for one datagram (bounds the hole list).</summary>
    public int MaxFragmentsPerDatagram { get; }
    /// <summary>Time from a datagram's first fragment until it is discarded if still incomplete, in milliseconds.</summary>
    public long TimeoutMs { get; }

    /// <summary>Datagrams discarded because they timed out (statistics).</summary>
    public long TimedOut { get; private set; }
    /// <summary>Datagrams evicted to make room for newer ones (statistics).</summary>
    public long Evicted { get; private set; }

    /// <summary>Creates an empty reassembler. Throws <see cref="ArgumentOutOfRangeException"/> for bounds out of range.</summary>
    public IPv4Reassembler(int maxDatagrams = 16, int maxDatagramBytes = MaximumPayload, int maxTotalBytes = 256 * 1024,
        int maxFragmentsPerDatagram = 256, long timeoutMs = DefaultTimeoutMs)
    {
        if (maxDatagrams <= 0) throw new ArgumentOutOfRangeException(nameof(maxDatagrams));
        if (maxDatagramBytes <= 0 || maxDatagramBytes > MaximumPayload) throw new ArgumentOutOfRangeException(nameof(maxDatagramBytes));
        if (maxTotalBytes <= 0) throw new ArgumentOutOfRangeException(nameof(maxTotalBytes));
        if (maxFragmentsPerDatagram <= 0) throw new ArgumentOutOfRangeException(nameof(maxFragmentsPerDatagram));
        if (timeoutMs <= 0) throw new ArgumentOutOfRangeException(nameof(timeoutMs));
        MaxDatagrams = maxDatagrams; MaxDatagramBytes = maxDatagramBytes; MaxTotalBytes = maxTotalBytes;
        MaxFragmentsPerDatagram = maxFragmentsPerDatagram; TimeoutMs = timeoutMs;
    }

    /// <summary>Number of datagrams in progress.</summary>
    public int Count => datagrams.Count;
    /// <summary>Buffer memory held by datagrams in progress, in octets.</summary>
    public int BufferedBytes => totalBytes;

    /// <summary>
    /// Adds one fragment (<paramref name="header"/> as parsed, <paramref name="payload"/> its data). When the datagram
    /// completes, returns <see cref="ReassemblyStatus.Complete"/> with the whole data in <paramref name="datagramPayload"/>
    /// and the rebuilt header in <paramref name="datagramHeader"/>. A header that is not a fragment completes at once.
    /// Expired datagrams are discarded first.
    /// </summary>
    public ReassemblyStatus Add(in IPv4Header header, ReadOnlySpan<byte> payload, long nowMs, out IPv4Header datagramHeader, out byte[] datagramPayload)
    {
        datagramHeader = default; datagramPayload = null;
        Expire(nowMs);
        if (!header.IsFragment)
        {
            datagramHeader = header.WithFragment((ushort)(IPv4Header.MinimumLength + payload.Length), header.Flags, 0);
            datagramPayload = payload.ToArray();
            return ReassemblyStatus.Complete;
        }
        int first = header.FragmentOffsetBytes;
        int length = payload.Length;
        if (length == 0) return ReassemblyStatus.BadFragment;
        if (header.MoreFragments && (length & 7) != 0) return ReassemblyStatus.BadFragment;
        int end = first + length; // exclusive

        Datagram d = Find(header);
        if (end > MaximumPayload || end > MaxDatagramBytes)
        {
            if (d != null) Discard(d);
            return ReassemblyStatus.TooLarge;
        }
        // Refuse before evicting anyone when this datagram alone cannot fit.
        if (end > MaxTotalBytes)
        {
            if (d != null) Discard(d);
            return ReassemblyStatus.NoMemory;
        }
        if (d == null)
        {
            if (datagrams.Count >= MaxDatagrams) { EvictOldest(); }
            d = new Datagram
            {
                Source = header.SourceAddress, Destination = header.DestinationAddress, Protocol = header.Protocol,
                Identification = header.Identification, StartedMs = nowMs, Sequence = sequence++,
            };
            d.Holes.Add(new Hole { First = 0, Last = int.MaxValue });
            datagrams.Add(d);
        }

        // Consistency with the known end of the datagram.
        if (!header.MoreFragments)
        {
            if ((d.DataLength >= 0 && d.DataLength != end) || d.HighestEnd > end) { Discard(d); return ReassemblyStatus.Inconsistent; }
        }
        else if (d.DataLength >= 0 && end > d.DataLength) { Discard(d); return ReassemblyStatus.Inconsistent; }

        if (++d.Fragments > MaxFragmentsPerDatagram) { Discard(d); return ReassemblyStatus.TooManyFragments; }

        // Room for the data.
        if (end > d.Buffer.Length)
        {
            int newSize = Math.Max(end, Math.Min(Math.Max(d.Buffer.Length * 2, 1024), MaxDatagramBytes));
            int growth = newSize - d.Buffer.Length;
            while (totalBytes + growth > MaxTotalBytes && EvictOldestExcept(d)) { }
            if (totalBytes + growth > MaxTotalBytes)
            {
                newSize = end; growth = newSize - d.Buffer.Length;
                if (totalBytes + growth > MaxTotalBytes) { Discard(d); return ReassemblyStatus.NoMemory; }
            }
            byte[] grown = new byte[newSize];
            d.Buffer.AsSpan().CopyTo(grown);
            totalBytes += growth;
            d.Buffer = grown;
        }

        // RFC 815: fill every hole the fragment overlaps; data already present stays (first arrival wins).
        int fragLast = end - 1;
        for (int i = 0; i < d.Holes.Count;)
        {
            Hole h = d.Holes[i];
            if (first > h.Last || fragLast < h.First) { i++; continue; }
            d.Holes.RemoveAt(i);
            int copyFirst = Math.Max(first, h.First);
            int copyLast = Math.Min(fragLast, h.Last);
            payload.Slice(copyFirst - first, copyLast - copyFirst + 1).CopyTo(d.Buffer.AsSpan(copyFirst));
            if (h.First < first) d.Holes.Insert(i++, new Hole { First = h.First, Last = first - 1 });
            if (fragLast < h.Last && header.MoreFragments) d.Holes.Insert(i++, new Hole { First = end, Last = h.Last });
            else if (fragLast < h.Last && h.Last != int.MaxValue) d.Holes.Insert(i++, new Hole { First = end, Last = h.Last });
        }
        if (!header.MoreFragments)
        {
            d.DataLength = end;
            // Nothing exists past the end: cut the open-ended hole.
            for (int i = 0; i < d.Holes.Count; i++)
            {
                Hole h = d.Holes[i];
                if (h.Last == int.MaxValue)
                {
                    if (h.First >= end) { d.Holes.RemoveAt(i); i--; }
                    else d.Holes[i] = new Hole { First = h.First, Last = end - 1 };
                }
            }
        }
        if (end > d.HighestEnd) d.HighestEnd = end;
        if (first == 0 && !d.HaveFirst) { d.HaveFirst = true; d.FirstHeader = header; }

        if (d.Holes.Count != 0) return ReassemblyStatus.Incomplete;

        datagramPayload = d.Buffer.Length == d.DataLength ? d.Buffer : d.Buffer.AsSpan(0, d.DataLength).ToArray();
        datagramHeader = d.FirstHeader.WithFragment((ushort)(IPv4Header.MinimumLength + d.DataLength),
            (byte)(d.FirstHeader.Flags & ~IPv4Header.FlagMoreFragments), 0);
        Discard(d);
        return ReassemblyStatus.Complete;
    }

    /// <summary>Discards every datagram whose timeout has passed at <paramref name="nowMs"/>. Returns how many.</summary>
    public int Expire(long nowMs)
    {
        int n = 0;
        for (int i = datagrams.Count - 1; i >= 0; i--)
        {
            if (nowMs - datagrams[i].StartedMs >= TimeoutMs) { Discard(datagrams[i]); TimedOut++; n++; }
        }
        return n;
    }

    private Datagram Find(in IPv4Header h)
    {
        foreach (Datagram d in datagrams)
            if (d.Identification == h.Identification && d.Protocol == h.Protocol && d.Source == h.SourceAddress && d.Destination == h.DestinationAddress)
                return d;
        return null;
    }

    private void Discard(Datagram d)
    {
        datagrams.Remove(d);
        totalBytes -= d.Buffer.Length;
    }

    private void EvictOldest() => EvictOldestExcept(null);

    private bool EvictOldestExcept(Datagram keep)
    {
        Datagram oldest = null;
        foreach (Datagram d in datagrams)
            if (d != keep && (oldest == null || d.Sequence < oldest.Sequence)) oldest = d;
        if (oldest == null) return false;
        Discard(oldest);
        Evicted++;
        return true;
    }
}
