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

/// <summary>What <see cref="ArpCache.Enqueue"/> did with a packet waiting for resolution.</summary>
public enum ArpEnqueueResult
{
    /// <summary>Queued, and this is the first packet for the address: the caller must send an ARP request now.</summary>
    QueuedSendRequest,
    /// <summary>Queued behind a resolution already under way.</summary>
    Queued,
    /// <summary>Not queued: the per-address or total bound is reached.</summary>
    Dropped,
}

/// <summary>
/// The IPv4-over-Ethernet ARP cache (RFC 826) with entry expiry and a bounded queue of packets waiting for an
/// address to resolve. Pure and deterministic: every call that depends on time takes <c>nowMs</c>, a monotonic
/// clock in milliseconds; nothing runs on its own. Not thread-safe.
/// </summary>
public sealed class ArpCache
{
    /// <summary>Default lifetime of a learned entry (60 000 ms).</summary>
    public const long DefaultEntryLifetimeMs = 60_000;
    /// <summary>Default interval between ARP requests for the same address (1 000 ms).</summary>
    public const long DefaultRequestIntervalMs = 1_000;
    /// <summary>Default number of requests sent before a resolution is given up (3).</summary>
    public const int DefaultMaxRequests = 3;

    private struct Entry
    {
        public MacAddress HardwareAddress;
        public long ExpiresAtMs;
    }

    private sealed class Pending
    {
        public IPv4Address ProtocolAddress;
        public readonly List<byte[]> Packets = new List<byte[]>();
        public long LastRequestMs;
        public int RequestsSent;
    }

    private readonly Dictionary<IPv4Address, Entry> entries = new Dictionary<IPv4Address, Entry>();
    private readonly List<Pending> pending = new List<Pending>();
    private int pendingPackets;

    /// <summary>Largest number of entries; adding to a full cache evicts the entry nearest to expiry.</summary>
    public int Capacity { get; }
    /// <summary>Lifetime of an entry after it is added or refreshed, in milliseconds.</summary>
    public long EntryLifetimeMs { get; }
    /// <summary>Largest number of packets queued for one unresolved address.</summary>
    public int MaxPendingPerAddress { get; }
    /// <summary>Largest number of packets queued for all unresolved addresses together.</summary>
    public int MaxPendingTotal { get; }
    /// <summary>Interval between requests for the same unresolved address, in milliseconds.</summary>
    public long RequestIntervalMs { get; }
    /// <summary>Requests sent for one address before its queued packets are dropped.</summary>
    public int MaxRequests { get; }

    /// <summary>Packets dropped because their address never resolved (statistics).</summary>
    public long DroppedUnresolved { get; private set; }
    /// <summary>Packets refused by <see cref="Enqueue"/> because a bound was reached (statistics).</summary>
    public long DroppedQueueFull { get; private set; }

    /// <summary>Creates an empty cache. Throws <see cref="ArgumentOutOfRangeException"/> for non-positive bounds.</summary>
    public ArpCache(int capacity = 64, long entryLifetimeMs = DefaultEntryLifetimeMs, int maxPendingPerAddress = 4, int maxPendingTotal = 32,
        long requestIntervalMs = DefaultRequestIntervalMs, int maxRequests = DefaultMaxRequests)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity));
        if (entryLifetimeMs <= 0) throw new ArgumentOutOfRangeException(nameof(entryLifetimeMs));
        if (maxPendingPerAddress <= 0) throw new ArgumentOutOfRangeException(nameof(maxPendingPerAddress));
        if (maxPendingTotal <= 0) throw new ArgumentOutOfRangeException(nameof(maxPendingTotal));
        if (requestIntervalMs <= 0) throw new ArgumentOutOfRangeException(nameof(requestIntervalMs));
        if (maxRequests <= 0) throw new ArgumentOutOfRangeException(nameof(maxRequests));
        Capacity = capacity; EntryLifetimeMs = entryLifetimeMs; MaxPendingPerAddress = maxPendingPerAddress;
        MaxPendingTotal = maxPendingTotal; RequestIntervalMs = requestIntervalMs; MaxRequests = maxRequests;
    }

    /// <summary>Number of entries, expired ones not yet purged included.</summary>
    public int Count => entries.Count;
    /// <summary>Number of packets waiting for resolution.</summary>
    public int PendingCount => pendingPackets;

    /// <summary>Looks up a live entry; an expired one is removed and reported as missing.</summary>
    public bool TryGet(IPv4Address protocolAddress, long nowMs, out MacAddress hardwareAddress)
    {
        if (entries.TryGetValue(protocolAddress, out Entry e))
        {
            if (nowMs < e.ExpiresAtMs) { hardwareAddress = e.HardwareAddress; return true; }
            entries.Remove(protocolAddress);
        }
        hardwareAddress = default;
        return false;
    }

    /// <summary>Adds or refreshes an entry, valid for <see cref="EntryLifetimeMs"/> from <paramref name="nowMs"/>.</summary>
    public void Add(IPv4Address protocolAddress, MacAddress hardwareAddress, long nowMs)
    {
        if (!entries.ContainsKey(protocolAddress) && entries.Count >= Capacity)
        {
            PurgeExpired(nowMs);
            if (entries.Count >= Capacity) EvictOne();
        }
        entries[protocolAddress] = new Entry { HardwareAddress = hardwareAddress, ExpiresAtMs = nowMs + EntryLifetimeMs };
    }

    /// <summary>Refreshes an entry only if one exists for <paramref name="protocolAddress"/> (RFC 826 merge). Returns whether it did.</summary>
    public bool Update(IPv4Address protocolAddress, MacAddress hardwareAddress, long nowMs)
    {
        if (!entries.ContainsKey(protocolAddress)) return false;
        entries[protocolAddress] = new Entry { HardwareAddress = hardwareAddress, ExpiresAtMs = nowMs + EntryLifetimeMs };
        return true;
    }

    /// <summary>Removes an entry. Returns whether one existed.</summary>
    public bool Remove(IPv4Address protocolAddress) => entries.Remove(protocolAddress);

    /// <summary>Removes every entry whose lifetime has ended at <paramref name="nowMs"/>.</summary>
    public void PurgeExpired(long nowMs)
    {
        List<IPv4Address> dead = null;
        foreach (KeyValuePair<IPv4Address, Entry> kv in entries)
            if (nowMs >= kv.Value.ExpiresAtMs) (dead ??= new List<IPv4Address>()).Add(kv.Key);
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
    /// entry is refreshed; if <c>ar_tpa</c> is ours and the sender was not in the cache it is added; a request for our
    /// address needs a reply. Gratuitous ARPs (<c>ar_spa</c> = <c>ar_tpa</c>) therefore refresh existing entries and
    /// never create new ones; one claiming our own address is reported as <see cref="ArpReceiveActions.AddressConflict"/>
    /// and changes nothing. A sender address of 0.0.0.0 (an RFC 5227 probe) is never cached.
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
    /// The first packet for an address starts a resolution (the caller sends the request); each address holds at
    /// most <see cref="MaxPendingPerAddress"/> packets and all together at most <see cref="MaxPendingTotal"/>.
    /// </summary>
    public ArpEnqueueResult Enqueue(IPv4Address nextHop, byte[] packet, long nowMs)
    {
        if (packet == null) throw new ArgumentNullException(nameof(packet));
        if (pendingPackets >= MaxPendingTotal) { DroppedQueueFull++; return ArpEnqueueResult.Dropped; }
        Pending p = FindPending(nextHop);
        if (p != null)
        {
            if (p.Packets.Count >= MaxPendingPerAddress) { DroppedQueueFull++; return ArpEnqueueResult.Dropped; }
            p.Packets.Add(packet);
            pendingPackets++;
            return ArpEnqueueResult.Queued;
        }
        p = new Pending { ProtocolAddress = nextHop, LastRequestMs = nowMs, RequestsSent = 1 };
        p.Packets.Add(packet);
        pending.Add(p);
        pendingPackets++;
        return ArpEnqueueResult.QueuedSendRequest;
    }

    /// <summary>True when packets wait for <paramref name="nextHop"/>.</summary>
    public bool IsPending(IPv4Address nextHop) => FindPending(nextHop) != null;

    /// <summary>Removes and returns the packets queued for <paramref name="nextHop"/> in arrival order (empty when none).</summary>
    public List<byte[]> TakePending(IPv4Address nextHop)
    {
        for (int i = 0; i < pending.Count; i++)
        {
            if (pending[i].ProtocolAddress != nextHop) continue;
            Pending p = pending[i];
            pending.RemoveAt(i);
            pendingPackets -= p.Packets.Count;
            return p.Packets;
        }
        return new List<byte[]>();
    }

    /// <summary>
    /// Advances time: purges expired entries, and for every resolution whose last request is at least
    /// <see cref="RequestIntervalMs"/> old either adds its address to <paramref name="requestsToSend"/> (the caller
    /// sends one request each, in the order given) or, after <see cref="MaxRequests"/> requests, drops its packets.
    /// </summary>
    public void Poll(long nowMs, List<IPv4Address> requestsToSend)
    {
        if (requestsToSend == null) throw new ArgumentNullException(nameof(requestsToSend));
        PurgeExpired(nowMs);
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
