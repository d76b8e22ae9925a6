using System;
using System.Collections.Generic;

namespace Cosmos.Network;

/// <summary>What <see cref="ArpCache.Receive"/> did with an ARP packet (flags).</summary>
[Flags]
public enum ArpReceiveActions
{
    /// <summary>Nothing: the packet was not for us and its sender was not in the cache.</summary>
    None = 0,
    /// <summary>The sender was in the cache and its hardware address was refreshed (RFC 826 "merge_flag").</summary>
    Updated = 1,
    /// <summary>The sender was added to the cache (the packet targeted our address).</summary>
    Added = 2,
    /// <summary>The packet is a request for our address: the caller must send a reply.</summary>
    ReplyNeeded = 4,
    /// <summary>Another station claims our protocol address (its <c>ar_spa</c> is ours with a different <c>ar_sha</c>).</summary>
    AddressConflict = 8,
    /// <summary>The packet was a gratuitous ARP (<c>ar_spa</c> = <c>ar_tpa</c>).</summary>
    Gratuitous = 16,
}

/// <summary>What <see cref="ArpCache.Enqueue"/> did with a packet waiting for resolution (it is always queued).</summary>
public enum ArpEnqueueResult
{
    /// <summary>Queued, and this is the first packet for the address: the caller must send an ARP request now.</summary>
    QueuedSendRequest,
    /// <summary>Queued behind a resolution already under way.</summary>
    Queued,
}

/// <summary>
/// An ARP request to send to a known hardware address instead of the broadcast address: the "unicast poll" of
/// RFC 1122 section 2.3.2.1, which re-validates a cache entry past its lifetime while traffic still uses it.
/// <see cref="ArpCache.Poll"/> lists them; the caller sends an ordinary request (RFC 826: <c>ar_op</c> = request,
/// <c>ar_tpa</c> = <see cref="ProtocolAddress"/>) in an Ethernet frame addressed to <see cref="HardwareAddress"/>.
/// </summary>
public readonly struct ArpUnicastPoll
{
    /// <summary>The protocol (IPv4) address being re-validated: the request's <c>ar_tpa</c>.</summary>
    public readonly IPv4Address ProtocolAddress;
    /// <summary>The hardware address the entry holds: the Ethernet destination of the request.</summary>
    public readonly MacAddress HardwareAddress;

    /// <summary>A poll of <paramref name="protocolAddress"/> at <paramref name="hardwareAddress"/>.</summary>
    public ArpUnicastPoll(IPv4Address protocolAddress, MacAddress hardwareAddress)
    {
        ProtocolAddress = protocolAddress;
        HardwareAddress = hardwareAddress;
    }
}

/// <summary>
/// The IPv4-over-Ethernet ARP cache (RFC 826) with entry expiry, re-validation of expired entries still in use
/// (RFC 1122 section 2.3.2.1), and a bounded queue of packets waiting for an address to resolve. Pure and
/// deterministic: every call that depends on time takes <c>nowMs</c>, a monotonic clock in milliseconds; nothing runs
/// on its own (the owner calls <see cref="Poll"/>). Not thread-safe.
/// <para>
/// Entry life: an entry is reachable for <see cref="EntryLifetimeMs"/> after it is added or refreshed (any ARP packet
/// from its address refreshes it: RFC 826 merge). It is <em>in use</em> once <see cref="TryGet"/> has looked it up
/// since it was last added or refreshed. At the end of its lifetime an entry not in use is purged; one in use stays
/// usable (lookups keep returning its hardware address, so traffic keeps flowing) while <see cref="Poll"/> re-validates
/// it with unicast polls (<see cref="ArpUnicastPoll"/>) to that hardware address, one every
/// <see cref="RequestIntervalMs"/>, at most <see cref="MaxRequests"/>; an answer (any ARP packet from the address)
/// makes it reachable again, and when the last poll has gone unanswered for <see cref="RequestIntervalMs"/> it is
/// removed, after which the next packet for the address starts a broadcast resolution and waits in the queue. This is
/// the idea of Linux's STALE/DELAY/PROBE neighbour states, without the delay state.
/// </para>
/// <para>
/// The queue never refuses a packet: when an address already holds <see cref="MaxPendingPerAddress"/> packets the
/// oldest of that address is dropped, and when all addresses together hold <see cref="MaxPendingTotal"/> the oldest
/// packet of any address is dropped to make room (both counted in <see cref="DroppedQueueFull"/>), so addresses that
/// never answer cannot starve a new destination. A resolution outlives its displaced packets (it keeps its schedule:
/// a later packet for the address sends no new request), so traffic to many unanswering addresses causes at most one
/// broadcast request per address and <see cref="RequestIntervalMs"/>, as long as at most <see cref="MaxResolutions"/>
/// addresses are resolving at once (beyond that the oldest resolution is abandoned).
/// </para>
/// </summary>
public sealed class ArpCache
{
    /// <summary>Default lifetime of a learned entry (60 000 ms).</summary>
    public const long DefaultEntryLifetimeMs = 60_000;
    /// <summary>Default interval between ARP requests (broadcast or unicast poll) for the same address (1 000 ms).</summary>
    public const long DefaultRequestIntervalMs = 1_000;
    /// <summary>Default number of requests sent before a resolution or a re-validation is given up (3).</summary>
    public const int DefaultMaxRequests = 3;

    private sealed class Entry
    {
        public MacAddress HardwareAddress;
        public long ExpiresAtMs;
        // Looked up by TryGet since it was last added or refreshed.
        public bool InUse;
        // Unicast polls sent since its lifetime ended (0: not being re-validated).
        public int PollsSent;
        public long LastPollMs;
    }

    private struct QueuedPacket
    {
        public byte[] Data;
        // Arrival order over all addresses, for dropping the oldest.
        public long Sequence;
    }

    private sealed class Pending
    {
        public IPv4Address ProtocolAddress;
        public readonly List<QueuedPacket> Packets = new List<QueuedPacket>();
        public long LastRequestMs;
        public int RequestsSent;
    }

    private readonly Dictionary<IPv4Address, Entry> entries = new Dictionary<IPv4Address, Entry>();
    private readonly List<Pending> pending = new List<Pending>();
    private int pendingPackets;
    private long nextSequence;

    /// <summary>Largest number of entries; adding to a full cache purges expired unused entries, then evicts the entry nearest to expiry.</summary>
    public int Capacity { get; }
    /// <summary>Lifetime of an entry after it is added or refreshed, in milliseconds.</summary>
    public long EntryLifetimeMs { get; }
    /// <summary>Largest number of packets queued for one unresolved address (a new one displaces that address's oldest).</summary>
    public int MaxPendingPerAddress { get; }
    /// <summary>Largest number of packets queued for all unresolved addresses together (a new one displaces the oldest of any address).</summary>
    public int MaxPendingTotal { get; }
    /// <summary>
    /// Largest number of addresses being resolved at once, with or without queued packets; a new resolution beyond it
    /// abandons the one started longest ago (dropping its packets, counted in <see cref="DroppedQueueFull"/>).
    /// </summary>
    public int MaxResolutions { get; }
    /// <summary>Interval between requests for the same address (broadcast requests of a resolution, unicast polls of a re-validation), in milliseconds.</summary>
    public long RequestIntervalMs { get; }
    /// <summary>Requests sent for one address before a resolution (its queued packets are dropped) or a re-validation (the entry is removed) is given up.</summary>
    public int MaxRequests { get; }

    /// <summary>Packets dropped because their address never resolved (statistics).</summary>
    public long DroppedUnresolved { get; private set; }
    /// <summary>
    /// Packets dropped because a queue bound was reached (statistics): packets displaced from the queue by newer ones,
    /// and packets <see cref="DropAndResolve"/> did not queue.
    /// </summary>
    public long DroppedQueueFull { get; private set; }
    /// <summary>Entries removed because their unicast polls went unanswered (statistics).</summary>
    public long RevalidationsFailed { get; private set; }

    /// <summary>Creates an empty cache. Throws <see cref="ArgumentOutOfRangeException"/> for non-positive bounds.</summary>
    public ArpCache(int capacity = 64, long entryLifetimeMs = DefaultEntryLifetimeMs, int maxPendingPerAddress = 4, int maxPendingTotal = 32,
        long requestIntervalMs = DefaultRequestIntervalMs, int maxRequests = DefaultMaxRequests, int maxResolutions = 256)
    {
        if (maxResolutions <= 0) throw new ArgumentOutOfRangeException(nameof(maxResolutions));
        MaxResolutions = maxResolutions;
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));
        if (entryLifetimeMs <= 0) throw new ArgumentOutOfRangeException(nameof(entryLifetimeMs));
        if (maxPendingPerAddress <= 0) throw new ArgumentOutOfRangeException(nameof(maxPendingPerAddress));
        if (maxPendingTotal <= 0) throw new ArgumentOutOfRangeException(nameof(maxPendingTotal));
        if (requestIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(requestIntervalMs));
        if (maxRequests <= 0) throw new ArgumentOutOfRangeException(nameof(maxRequests));
        Capacity = capacity; EntryLifetimeMs = entryLifetimeMs; MaxPendingPerAddress = maxPendingPerAddress;
        MaxPendingTotal = maxPendingTotal; RequestIntervalMs = requestIntervalMs; MaxRequests = maxRequests;
    }

    /// <summary>Number of entries, expired ones not yet purged and ones being re-validated included.</summary>
    public int Count => entries.Count;
    /// <summary>Number of packets waiting for resolution.</summary>
    public int PendingCount => pendingPackets;

    /// <summary>
    /// Looks up the hardware address to send to, for a packet about to be sent: true while an entry exists, also past
    /// its lifetime (the entry is then kept and re-validated by <see cref="Poll"/>, see the class remarks). Marks the
    /// entry in use.
    /// </summary>
    public bool TryGet(IPv4Address protocolAddress, long nowMs, out MacAddress hardwareAddress)
    {
        if (entries.TryGetValue(protocolAddress, out Entry e))
        {
            e.InUse = true;
            hardwareAddress = e.HardwareAddress;
            return true;
        }
        hardwareAddress = default;
        return false;
    }

    /// <summary>True when the entry for <paramref name="protocolAddress"/> is past its lifetime and in use, so <see cref="Poll"/> re-validates it.</summary>
    public bool IsRevalidating(IPv4Address protocolAddress, long nowMs)
        => entries.TryGetValue(protocolAddress, out Entry e) && nowMs >= e.ExpiresAtMs && e.InUse;

    /// <summary>Adds or refreshes an entry, reachable for <see cref="EntryLifetimeMs"/> from <paramref name="nowMs"/> (not in use until looked up).</summary>
    public void Add(IPv4Address protocolAddress, MacAddress hardwareAddress, long nowMs)
    {
        if (entries.TryGetValue(protocolAddress, out Entry e)) { Refresh(e, hardwareAddress, nowMs); return; }
        if (entries.Count >= Capacity)
        {
            PurgeExpired(nowMs);
            if (entries.Count >= Capacity) EvictOne();
        }
        e = new Entry();
        Refresh(e, hardwareAddress, nowMs);
        entries.Add(protocolAddress, e);
    }

    /// <summary>Refreshes an entry only if one exists for <paramref name="protocolAddress"/> (RFC 826 merge), ending any re-validation. Returns whether it did.</summary>
    public bool Update(IPv4Address protocolAddress, MacAddress hardwareAddress, long nowMs)
    {
        if (!entries.TryGetValue(protocolAddress, out Entry e)) return false;
        Refresh(e, hardwareAddress, nowMs);
        return true;
    }

    private void Refresh(Entry e, MacAddress hardwareAddress, long nowMs)
    {
        e.HardwareAddress = hardwareAddress;
        e.ExpiresAtMs = nowMs + EntryLifetimeMs;
        e.InUse = false;
        e.PollsSent = 0;
        e.LastPollMs = 0;
    }

    /// <summary>Removes an entry. Returns whether one existed.</summary>
    public bool Remove(IPv4Address protocolAddress) => entries.Remove(protocolAddress);

    /// <summary>Removes every entry whose lifetime has ended at <paramref name="nowMs"/> and that is not in use (entries in use are re-validated by <see cref="Poll"/> instead).</summary>
    public void PurgeExpired(long nowMs)
    {
        List<IPv4Address> dead = null;
        foreach (KeyValuePair<IPv4Address, Entry> kv in entries)
            if (nowMs >= kv.Value.ExpiresAtMs && !kv.Value.InUse) (dead ??= new List<IPv4Address>()).Add(kv.Key);
        if (dead != null) foreach (IPv4Address a in dead) entries.Remove(a);
    }

    private void EvictOne()
    {
        bool found = false;
        IPv4Address victim = default;
        long victimExpiry = 0;
        foreach (KeyValuePair<IPv4Address, Entry> kv in entries)
        {
            // Nearest expiry first; ties go to the numerically lowest address, so the choice does not depend on hashing.
            if (!found || kv.Value.ExpiresAtMs < victimExpiry || (kv.Value.ExpiresAtMs == victimExpiry && kv.Key.Value < victim.Value))
            {
                found = true; victim = kv.Key; victimExpiry = kv.Value.ExpiresAtMs;
            }
        }
        if (found) entries.Remove(victim);
    }

    /// <summary>
    /// The RFC 826 reception algorithm for a parsed Ethernet/IPv4 packet, for a station owning
    /// <paramref name="ownHardwareAddress"/>/<paramref name="ownProtocolAddress"/>: if <c>ar_spa</c> is in the cache its
    /// entry is refreshed (whether the packet is a request or a reply, and whatever its target: this is also what
    /// answers a unicast poll); if <c>ar_tpa</c> is ours and the sender was not in the cache it is added; a request
    /// for our address needs a reply. Gratuitous ARPs (<c>ar_spa</c> = <c>ar_tpa</c>) therefore refresh existing
    /// entries and never create new ones; one claiming our own address is reported as
    /// <see cref="ArpReceiveActions.AddressConflict"/> and changes nothing. A sender address of 0.0.0.0 (an RFC 5227
    /// probe) is never cached.
    /// </summary>
    public ArpReceiveActions Receive(in ArpPacket packet, MacAddress ownHardwareAddress, IPv4Address ownProtocolAddress, long nowMs)
    {
        ArpReceiveActions actions = ArpReceiveActions.None;
        if (packet.IsGratuitous) actions |= ArpReceiveActions.Gratuitous;
        IPv4Address spa = packet.SenderProtocolAddress;
        MacAddress sha = packet.SenderHardwareAddress;
        if (!ownProtocolAddress.IsAny && spa == ownProtocolAddress)
        {
            if (sha != ownHardwareAddress) actions |= ArpReceiveActions.AddressConflict;
            return actions;
        }
        // Senders that are not unicast stations are never cached.
        bool cacheable = !spa.IsAny && !spa.IsBroadcast && !spa.IsMulticast && !sha.IsMulticast && sha != MacAddress.Zero;
        bool merged = cacheable && Update(spa, sha, nowMs);
        if (merged) actions |= ArpReceiveActions.Updated;
        if (!ownProtocolAddress.IsAny && packet.TargetProtocolAddress == ownProtocolAddress)
        {
            if (!merged && cacheable) { Add(spa, sha, nowMs); actions |= ArpReceiveActions.Added; }
            if (packet.Operation == ArpPacket.OpRequest) actions |= ArpReceiveActions.ReplyNeeded;
        }
        return actions;
    }

    /// <summary>
    /// Queues <paramref name="packet"/> (an IPv4 datagram, kept by reference) until <paramref name="nextHop"/> resolves.
    /// The first packet for an address starts a resolution (the caller sends the request). The packet is always
    /// queued: when <paramref name="nextHop"/> already holds <see cref="MaxPendingPerAddress"/> packets its oldest is
    /// dropped; otherwise, when the queue holds <see cref="MaxPendingTotal"/> packets, the oldest packet of any address
    /// is dropped (its resolution goes on). Each drop counts in <see cref="DroppedQueueFull"/>. An address without a
    /// resolution under way starts one (see <see cref="MaxResolutions"/>).
    /// </summary>
    public ArpEnqueueResult Enqueue(IPv4Address nextHop, byte[] packet, long nowMs)
    {
        if (packet == null) throw new ArgumentNullException(nameof(packet));
        Pending p = FindPending(nextHop);
        if (p != null && p.Packets.Count >= MaxPendingPerAddress)
        {
            p.Packets.RemoveAt(0);
            pendingPackets--;
            DroppedQueueFull++;
        }
        else if (pendingPackets >= MaxPendingTotal) DropOldest();
        ArpEnqueueResult result = ArpEnqueueResult.Queued;
        if (p == null)
        {
            p = StartResolution(nextHop, nowMs);
            result = ArpEnqueueResult.QueuedSendRequest;
        }
        p.Packets.Add(new QueuedPacket { Data = packet, Sequence = nextSequence++ });
        pendingPackets++;
        return result;
    }

    /// <summary>
    /// For <paramref name="packetCount"/> packets to <paramref name="nextHop"/> that cannot wait together (the fragments
    /// of one datagram outnumbering <see cref="MaxPendingPerAddress"/> or <see cref="MaxPendingTotal"/>, so queueing
    /// them would only drop the first ones): queues none, counts them in <see cref="DroppedQueueFull"/>, and starts a
    /// resolution of <paramref name="nextHop"/> when none is under way, so that a later send finds the address
    /// resolved. Returns true when the caller must send an ARP request now.
    /// </summary>
    public bool DropAndResolve(IPv4Address nextHop, int packetCount, long nowMs)
    {
        if (packetCount < 0) throw new ArgumentOutOfRangeException(nameof(packetCount));
        DroppedQueueFull += packetCount;
        if (FindPending(nextHop) != null) return false;
        StartResolution(nextHop, nowMs);
        return true;
    }

    // A new resolution (its first request is the caller's); at MaxResolutions the one started longest ago is abandoned.
    private Pending StartResolution(IPv4Address nextHop, long nowMs)
    {
        if (pending.Count >= MaxResolutions)
        {
            // The list is in the order resolutions started.
            Pending victim = pending[0];
            pending.RemoveAt(0);
            pendingPackets -= victim.Packets.Count;
            DroppedQueueFull += victim.Packets.Count;
        }
        var p = new Pending { ProtocolAddress = nextHop, LastRequestMs = nowMs, RequestsSent = 1 };
        pending.Add(p);
        return p;
    }

    // Drops the oldest queued packet of any address (its resolution goes on).
    private void DropOldest()
    {
        int oldest = -1;
        for (int i = 0; i < pending.Count; i++)
            if (pending[i].Packets.Count > 0 && (oldest < 0 || pending[i].Packets[0].Sequence < pending[oldest].Packets[0].Sequence)) oldest = i;
        if (oldest < 0) return;
        pending[oldest].Packets.RemoveAt(0);
        pendingPackets--;
        DroppedQueueFull++;
    }

    /// <summary>True when a resolution of <paramref name="nextHop"/> is under way (packets wait for it, or <see cref="DropAndResolve"/> started it).</summary>
    public bool IsPending(IPv4Address nextHop) => FindPending(nextHop) != null;

    /// <summary>Ends the resolution of <paramref name="nextHop"/> and returns its queued packets in arrival order (empty when none).</summary>
    public List<byte[]> TakePending(IPv4Address nextHop)
    {
        var packets = new List<byte[]>();
        for (int i = 0; i < pending.Count; i++)
        {
            if (pending[i].ProtocolAddress != nextHop) continue;
            Pending p = pending[i];
            pending.RemoveAt(i);
            pendingPackets -= p.Packets.Count;
            foreach (QueuedPacket q in p.Packets) packets.Add(q.Data);
            break;
        }
        return packets;
    }

    /// <summary>
    /// Advances time. Entries: every entry past its lifetime that is not in use is purged; for every one in use whose
    /// last unicast poll is at least <see cref="RequestIntervalMs"/> old (or that has had none yet) either a poll is
    /// added to <paramref name="unicastPollsToSend"/> or, after <see cref="MaxRequests"/> unanswered polls, the entry
    /// is removed (counted in <see cref="RevalidationsFailed"/>). Resolutions: for every one whose last request is at
    /// least <see cref="RequestIntervalMs"/> old either its address is added to <paramref name="requestsToSend"/> or,
    /// after <see cref="MaxRequests"/> requests, its packets are dropped (<see cref="DroppedUnresolved"/>). The caller
    /// sends one broadcast request per address and one unicast request per poll, in the order given.
    /// </summary>
    public void Poll(long nowMs, List<IPv4Address> requestsToSend, List<ArpUnicastPoll> unicastPollsToSend)
    {
        if (requestsToSend == null) throw new ArgumentNullException(nameof(requestsToSend));
        if (unicastPollsToSend == null) throw new ArgumentNullException(nameof(unicastPollsToSend));
        List<IPv4Address> dead = null;
        foreach (KeyValuePair<IPv4Address, Entry> kv in entries)
        {
            Entry e = kv.Value;
            if (nowMs < e.ExpiresAtMs) continue;
            if (!e.InUse) { (dead ??= new List<IPv4Address>()).Add(kv.Key); continue; }
            if (e.PollsSent > 0 && nowMs - e.LastPollMs < RequestIntervalMs) continue;
            if (e.PollsSent >= MaxRequests)
            {
                (dead ??= new List<IPv4Address>()).Add(kv.Key);
                RevalidationsFailed++;
                continue;
            }
            e.PollsSent++;
            e.LastPollMs = nowMs;
            unicastPollsToSend.Add(new ArpUnicastPoll(kv.Key, e.HardwareAddress));
        }
        if (dead != null) foreach (IPv4Address a in dead) entries.Remove(a);
        for (int i = 0; i < pending.Count;)
        {
            Pending p = pending[i];
            if (nowMs - p.LastRequestMs >= RequestIntervalMs)
            {
                if (p.RequestsSent >= MaxRequests)
                {
                    DroppedUnresolved += p.Packets.Count;
                    pendingPackets -= p.Packets.Count;
                    pending.RemoveAt(i);
                    continue;
                }
                p.RequestsSent++;
                p.LastRequestMs = nowMs;
                requestsToSend.Add(p.ProtocolAddress);
            }
            i++;
        }
    }

    private Pending FindPending(IPv4Address a)
    {
        foreach (Pending p in pending) if (p.ProtocolAddress == a) return p;
        return null;
    }
}
