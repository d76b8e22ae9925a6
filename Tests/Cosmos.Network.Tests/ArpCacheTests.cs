using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

public class ArpCacheTests
{
    static readonly MacAddress Own = new MacAddress(0x52, 0x54, 0, 0x12, 0x34, 0x56);
    static readonly IPv4Address OwnIp = IPv4Address.Parse("10.0.2.15");
    static readonly MacAddress Gw = new MacAddress(0x52, 0x55, 0x0a, 0, 2, 2);
    static readonly IPv4Address GwIp = IPv4Address.Parse("10.0.2.2");
    static readonly MacAddress Other = new MacAddress(0x02, 0, 0, 0, 0, 9);
    static readonly IPv4Address OtherIp = IPv4Address.Parse("10.0.2.9");

    static readonly List<IPv4Address> NoRequests = new List<IPv4Address>();

    [Fact]
    public void Unused_Entries_Expire()
    {
        var c = new ArpCache(entryLifetimeMs: 1000);
        var polls = new List<ArpUnicastPoll>();
        c.Add(GwIp, Gw, 100);
        c.Poll(1099, NoRequests, polls);
        Assert.Equal(1, c.Count);
        c.Poll(1100, NoRequests, polls); // never looked up: purged at the end of its lifetime, no poll
        Assert.Equal(0, c.Count);
        Assert.Empty(polls);
        Assert.False(c.TryGet(GwIp, 1100, out _));
        c.Add(GwIp, Gw, 0);
        c.Update(GwIp, Other, 900); // refresh moves the expiry
        c.PurgeExpired(1899);
        Assert.Equal(1, c.Count);
        c.PurgeExpired(1900);
        Assert.Equal(0, c.Count);
        // A refresh ends the "in use" mark: an entry looked up before it and not after it is purged too.
        c.Add(GwIp, Gw, 0);
        Assert.True(c.TryGet(GwIp, 10, out _));
        c.Update(GwIp, Gw, 500);
        c.Poll(1500, NoRequests, polls);
        Assert.Equal(0, c.Count);
        Assert.Empty(polls);
        Assert.Equal(0, c.RevalidationsFailed);
    }

    [Fact]
    public void Expired_Entry_In_Use_Keeps_Resolving_And_Is_Polled_At_Its_Address_Then_Removed()
    {
        var c = new ArpCache(entryLifetimeMs: 1000, requestIntervalMs: 1000, maxRequests: 3);
        var requests = new List<IPv4Address>();
        var polls = new List<ArpUnicastPoll>();
        c.Add(GwIp, Gw, 0);
        Assert.True(c.TryGet(GwIp, 500, out _)); // traffic uses it
        Assert.False(c.IsRevalidating(GwIp, 999));
        // Past its lifetime it still resolves, to the MAC it knows.
        Assert.True(c.TryGet(GwIp, 1000, out MacAddress m));
        Assert.Equal(Gw, m);
        Assert.True(c.IsRevalidating(GwIp, 1000));
        PollAt(1000); // the first unicast poll goes out at once
        Assert.Equal(new[] { new ArpUnicastPoll(GwIp, Gw) }, polls);
        polls.Clear();
        PollAt(1999); Assert.Empty(polls); // at most one per RequestIntervalMs
        Assert.True(c.TryGet(GwIp, 1999, out m));
        Assert.Equal(Gw, m);
        PollAt(2000); Assert.Single(polls); polls.Clear();
        PollAt(3000); Assert.Single(polls); polls.Clear();
        Assert.True(c.TryGet(GwIp, 3999, out _));
        PollAt(3999); Assert.Empty(polls);
        Assert.Equal(1, c.Count);
        // MaxRequests polls unanswered for RequestIntervalMs: removed, and no more polls.
        PollAt(4000);
        Assert.Empty(polls);
        Assert.Equal(0, c.Count);
        Assert.False(c.TryGet(GwIp, 4000, out _));
        Assert.Equal(1, c.RevalidationsFailed);
        PollAt(6000); Assert.Empty(polls);
        Assert.Empty(requests); // polls are never broadcast requests

        void PollAt(long now) => c.Poll(now, requests, polls);
    }

    [Fact]
    public void Expired_Entry_Looked_Up_Only_After_Its_Lifetime_Is_Revalidated()
    {
        var c = new ArpCache(entryLifetimeMs: 1000);
        var polls = new List<ArpUnicastPoll>();
        c.Add(OtherIp, Other, 0);
        Assert.True(c.TryGet(OtherIp, 1005, out MacAddress m)); // expired, not yet purged, now in use
        Assert.Equal(Other, m);
        c.Poll(1010, NoRequests, polls);
        Assert.Equal(new[] { new ArpUnicastPoll(OtherIp, Other) }, polls);
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void Any_Arp_From_A_Revalidated_Address_Refreshes_It()
    {
        var c = new ArpCache(entryLifetimeMs: 1000, requestIntervalMs: 1000, maxRequests: 3);
        var polls = new List<ArpUnicastPoll>();
        c.Add(GwIp, Gw, 0);
        c.TryGet(GwIp, 1, out _);
        c.Poll(1000, NoRequests, polls);
        c.Poll(2000, NoRequests, polls);
        Assert.Equal(2, polls.Count);
        polls.Clear();
        // The reply to the poll (unicast to us) refreshes the entry: no more polls, usable for a whole lifetime.
        var reply = new ArpPacket(ArpPacket.OpReply, Gw, GwIp, Own, OwnIp);
        Assert.Equal(ArpReceiveActions.Updated, c.Receive(reply, Own, OwnIp, 2500));
        Assert.False(c.IsRevalidating(GwIp, 2500));
        c.TryGet(GwIp, 2600, out _);
        for (long t = 3000; t < 3500; t += 100) c.Poll(t, NoRequests, polls);
        Assert.Empty(polls);
        c.Poll(3500, NoRequests, polls); // lifetime over again, still in use: a fresh series of polls
        Assert.Single(polls);
        polls.Clear();
        // A request from that address for someone else (RFC 826 merge) refreshes it as well, with its new MAC.
        var request = new ArpPacket(ArpPacket.OpRequest, Other, GwIp, MacAddress.Zero, OtherIp);
        Assert.Equal(ArpReceiveActions.Updated, c.Receive(request, Own, OwnIp, 3600));
        Assert.True(c.TryGet(GwIp, 3601, out MacAddress m));
        Assert.Equal(Other, m);
        for (long t = 3700; t < 4600; t += 100) c.Poll(t, NoRequests, polls);
        Assert.Empty(polls);
        Assert.Equal(1, c.Count);
        Assert.Equal(0, c.RevalidationsFailed);
    }

    [Fact]
    public void Full_Cache_Evicts_Nearest_Expiry()
    {
        var c = new ArpCache(capacity: 2, entryLifetimeMs: 1000);
        c.Add(new IPv4Address(1), Gw, 0);
        c.Add(new IPv4Address(2), Gw, 10);
        c.Add(new IPv4Address(3), Gw, 20);
        Assert.Equal(2, c.Count);
        Assert.False(c.TryGet(new IPv4Address(1), 30, out _));
        Assert.True(c.TryGet(new IPv4Address(2), 30, out _));
        Assert.True(c.TryGet(new IPv4Address(3), 30, out _));
    }

    [Fact]
    public void Request_For_Us_Adds_Sender_And_Needs_Reply()
    {
        var c = new ArpCache();
        var req = new ArpPacket(ArpPacket.OpRequest, Gw, GwIp, MacAddress.Zero, OwnIp);
        Assert.Equal(ArpReceiveActions.Added | ArpReceiveActions.ReplyNeeded, c.Receive(req, Own, OwnIp, 0));
        Assert.True(c.TryGet(GwIp, 1, out var m));
        Assert.Equal(Gw, m);
        // The same request again merges instead of adding.
        Assert.Equal(ArpReceiveActions.Updated | ArpReceiveActions.ReplyNeeded, c.Receive(req, Own, OwnIp, 5));
    }

    [Fact]
    public void Request_For_Someone_Else_Only_Merges_Known_Senders()
    {
        var c = new ArpCache();
        var req = new ArpPacket(ArpPacket.OpRequest, Other, OtherIp, MacAddress.Zero, GwIp);
        Assert.Equal(ArpReceiveActions.None, c.Receive(req, Own, OwnIp, 0));
        Assert.Equal(0, c.Count);
        c.Add(OtherIp, Gw, 0);
        Assert.Equal(ArpReceiveActions.Updated, c.Receive(req, Own, OwnIp, 0));
        Assert.True(c.TryGet(OtherIp, 1, out var m));
        Assert.Equal(Other, m);
    }

    [Fact]
    public void Gratuitous_Arp_Refreshes_Known_Entries_Never_Creates()
    {
        var c = new ArpCache();
        var garp = new ArpPacket(ArpPacket.OpRequest, Other, GwIp, MacAddress.Zero, GwIp);
        Assert.True(garp.IsGratuitous);
        Assert.Equal(ArpReceiveActions.Gratuitous, c.Receive(garp, Own, OwnIp, 0));
        Assert.Equal(0, c.Count);
        c.Add(GwIp, Gw, 0);
        Assert.Equal(ArpReceiveActions.Gratuitous | ArpReceiveActions.Updated, c.Receive(garp, Own, OwnIp, 0));
        Assert.True(c.TryGet(GwIp, 1, out var m));
        Assert.Equal(Other, m);
        // A gratuitous reply works the same way.
        var garpReply = new ArpPacket(ArpPacket.OpReply, Gw, GwIp, MacAddress.Broadcast, GwIp);
        Assert.Equal(ArpReceiveActions.Gratuitous | ArpReceiveActions.Updated, c.Receive(garpReply, Own, OwnIp, 0));
        Assert.True(c.TryGet(GwIp, 1, out m));
        Assert.Equal(Gw, m);
    }

    [Fact]
    public void Someone_Claiming_Our_Address_Is_A_Conflict()
    {
        var c = new ArpCache();
        var garp = new ArpPacket(ArpPacket.OpRequest, Other, OwnIp, MacAddress.Zero, OwnIp);
        Assert.Equal(ArpReceiveActions.Gratuitous | ArpReceiveActions.AddressConflict, c.Receive(garp, Own, OwnIp, 0));
        Assert.Equal(0, c.Count);
        // Our own announcement looped back is not.
        var ours = new ArpPacket(ArpPacket.OpRequest, Own, OwnIp, MacAddress.Zero, OwnIp);
        Assert.Equal(ArpReceiveActions.Gratuitous, c.Receive(ours, Own, OwnIp, 0));
        // An RFC 5227 probe (sender 0.0.0.0) for our address needs a reply but is never cached.
        var probe = new ArpPacket(ArpPacket.OpRequest, Other, IPv4Address.Any, MacAddress.Zero, OwnIp);
        Assert.Equal(ArpReceiveActions.ReplyNeeded, c.Receive(probe, Own, OwnIp, 0));
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void Pending_Queue_Is_Bounded_Dropping_The_Oldest_And_Released_In_Order()
    {
        var c = new ArpCache(maxPendingPerAddress: 2, maxPendingTotal: 3);
        var x = IPv4Address.Parse("10.0.2.77");
        byte[] p1 = { 1 }, p2 = { 2 }, p3 = { 3 }, p4 = { 4 }, p5 = { 5 };
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(GwIp, p1, 0));
        Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(GwIp, p2, 0));
        Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(GwIp, p3, 0)); // per-address bound: GwIp's oldest (p1) goes
        Assert.Equal(1, c.DroppedQueueFull);
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(OtherIp, p4, 0));
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(x, p5, 0)); // total bound: the oldest of all (p2) goes
        Assert.Equal(3, c.PendingCount);
        Assert.Equal(2, c.DroppedQueueFull);
        Assert.Equal(new[] { p3 }, c.TakePending(GwIp));
        Assert.Equal(2, c.PendingCount);
        Assert.Empty(c.TakePending(GwIp));
        Assert.Equal(new[] { p4 }, c.TakePending(OtherIp));
        Assert.Equal(new[] { p5 }, c.TakePending(x));
        Assert.Equal(0, c.PendingCount);
    }

    [Fact]
    public void Full_Queue_Of_Unanswered_Addresses_Does_Not_Starve_A_New_One()
    {
        var c = new ArpCache(); // 4 per address, 32 in all
        var requests = new List<IPv4Address>();
        var polls = new List<ArpUnicastPoll>();
        // 128 half-open connections' SYN,ACKs to spoofed on-link hosts that never answer fill the queue.
        for (int i = 0; i < 128; i++) c.Enqueue(IPv4Address.Parse("10.0.2." + (100 + i)), new byte[] { (byte)i }, i);
        Assert.Equal(c.MaxPendingTotal, c.PendingCount);
        Assert.Equal(128 - c.MaxPendingTotal, c.DroppedQueueFull);
        // A packet for the gateway is still queued (the oldest packet of the queue makes room) and starts a resolution.
        byte[] toGateway = { 0xAA };
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(GwIp, toGateway, 200));
        Assert.Equal(c.MaxPendingTotal, c.PendingCount);
        Assert.Equal(128 - c.MaxPendingTotal + 1, c.DroppedQueueFull);
        // Their resolutions go on without their packets: more unanswerable traffic to them sends no new requests (it
        // is queued, displacing older packets first).
        Assert.True(c.IsPending(IPv4Address.Parse("10.0.2.100")));
        for (int i = 0; i < 8; i++) Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(IPv4Address.Parse("10.0.2." + (100 + i)), new byte[] { (byte)i }, 201));
        Assert.True(c.IsPending(GwIp));
        // The gateway answers: its packet is released.
        var reply = new ArpPacket(ArpPacket.OpReply, Gw, GwIp, Own, OwnIp);
        Assert.Equal(ArpReceiveActions.Added, c.Receive(reply, Own, OwnIp, 210));
        Assert.Equal(new[] { toGateway }, c.TakePending(GwIp));
        Assert.True(c.TryGet(GwIp, 210, out MacAddress m));
        Assert.Equal(Gw, m);
        // The others give up after their retries and the queue drains.
        for (long t = 1_000; t <= 10_000; t += 1_000) c.Poll(t, requests, polls);
        Assert.Equal(0, c.PendingCount);
    }

    [Fact]
    public void Resolutions_Are_Bounded_The_Oldest_Abandoned()
    {
        var c = new ArpCache(maxPendingPerAddress: 2, maxPendingTotal: 4, maxResolutions: 3);
        var a = IPv4Address.Parse("10.0.2.101"); var b = IPv4Address.Parse("10.0.2.102");
        var d = IPv4Address.Parse("10.0.2.103"); var e = IPv4Address.Parse("10.0.2.104");
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(a, new byte[1], 0));
        Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(a, new byte[1], 1));
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(b, new byte[1], 2));
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(d, new byte[1], 3));
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(e, new byte[1], 4)); // a, started first, is abandoned
        Assert.False(c.IsPending(a));
        Assert.Equal(3, c.PendingCount);
        Assert.Equal(2, c.DroppedQueueFull);
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(a, new byte[1], 5)); // and starts again (b goes)
        Assert.False(c.IsPending(b));
        Assert.True(c.IsPending(d) && c.IsPending(e) && c.IsPending(a));
    }

    [Fact]
    public void Drop_And_Resolve_Queues_Nothing_But_Starts_One_Resolution()
    {
        var c = new ArpCache(requestIntervalMs: 1000, maxRequests: 3);
        var requests = new List<IPv4Address>();
        var polls = new List<ArpUnicastPoll>();
        Assert.True(c.DropAndResolve(OtherIp, 5, 0));
        Assert.Equal(5, c.DroppedQueueFull);
        Assert.Equal(0, c.PendingCount);
        Assert.True(c.IsPending(OtherIp));
        Assert.False(c.DropAndResolve(OtherIp, 5, 10)); // under way: no second request
        Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(OtherIp, new byte[1], 20));
        c.Poll(1000, requests, polls);
        Assert.Equal(new[] { OtherIp }, requests);
        Assert.Single(c.TakePending(OtherIp));
        Assert.False(c.IsPending(OtherIp));
    }

    [Fact]
    public void Poll_Retries_Then_Gives_Up()
    {
        var c = new ArpCache(requestIntervalMs: 1000, maxRequests: 3);
        c.Enqueue(GwIp, new byte[1], 0);
        c.Enqueue(GwIp, new byte[1], 0);
        var send = new List<IPv4Address>();
        var polls = new List<ArpUnicastPoll>();
        c.Poll(999, send, polls); Assert.Empty(send);
        c.Poll(1000, send, polls); Assert.Equal(new[] { GwIp }, send); send.Clear();
        c.Poll(1500, send, polls); Assert.Empty(send);
        c.Poll(2000, send, polls); Assert.Equal(new[] { GwIp }, send); send.Clear();
        Assert.True(c.IsPending(GwIp));
        c.Poll(3000, send, polls); Assert.Empty(send);
        Assert.Empty(polls);
        Assert.False(c.IsPending(GwIp));
        Assert.Equal(0, c.PendingCount);
        Assert.Equal(2, c.DroppedUnresolved);
    }
}
