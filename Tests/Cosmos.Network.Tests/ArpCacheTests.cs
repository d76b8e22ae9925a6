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

    [Fact]
    public void Entries_Expire()
    {
        var c = new ArpCache(entryLifetimeMs: 1000);
        c.Add(GwIp, Gw, 100);
        Assert.True(c.TryGet(GwIp, 1099, out var m));
        Assert.Equal(Gw, m);
        Assert.False(c.TryGet(GwIp, 1100, out _));
        Assert.Equal(0, c.Count);
        c.Add(GwIp, Gw, 0);
        c.Update(GwIp, Other, 900); // refresh moves the expiry
        Assert.True(c.TryGet(GwIp, 1500, out m));
        Assert.Equal(Other, m);
        c.PurgeExpired(1900);
        Assert.Equal(0, c.Count);
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
    public void Pending_Queue_Is_Bounded_And_Released_In_Order()
    {
        var c = new ArpCache(maxPendingPerAddress: 2, maxPendingTotal: 3);
        byte[] p1 = { 1 }, p2 = { 2 }, p3 = { 3 }, p4 = { 4 }, p5 = { 5 };
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(GwIp, p1, 0));
        Assert.Equal(ArpEnqueueResult.Queued, c.Enqueue(GwIp, p2, 0));
        Assert.Equal(ArpEnqueueResult.Dropped, c.Enqueue(GwIp, p3, 0));
        Assert.Equal(ArpEnqueueResult.QueuedSendRequest, c.Enqueue(OtherIp, p4, 0));
        Assert.Equal(ArpEnqueueResult.Dropped, c.Enqueue(IPv4Address.Parse("10.0.2.77"), p5, 0));
        Assert.Equal(3, c.PendingCount);
        Assert.Equal(2, c.DroppedQueueFull);
        List<byte[]> released = c.TakePending(GwIp);
        Assert.Equal(new[] { p1, p2 }, released);
        Assert.Equal(1, c.PendingCount);
        Assert.Empty(c.TakePending(GwIp));
    }

    [Fact]
    public void Poll_Retries_Then_Gives_Up()
    {
        var c = new ArpCache(requestIntervalMs: 1000, maxRequests: 3);
        c.Enqueue(GwIp, new byte[1], 0);
        c.Enqueue(GwIp, new byte[1], 0);
        var send = new List<IPv4Address>();
        c.Poll(999, send); Assert.Empty(send);
        c.Poll(1000, send); Assert.Equal(new[] { GwIp }, send); send.Clear();
        c.Poll(1500, send); Assert.Empty(send);
        c.Poll(2000, send); Assert.Equal(new[] { GwIp }, send); send.Clear();
        Assert.True(c.IsPending(GwIp));
        c.Poll(3000, send); Assert.Empty(send);
        Assert.False(c.IsPending(GwIp));
        Assert.Equal(0, c.PendingCount);
        Assert.Equal(2, c.DroppedUnresolved);
    }
}
