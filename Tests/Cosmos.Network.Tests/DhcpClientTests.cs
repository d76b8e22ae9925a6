using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

public class DhcpClientTests
{
    static readonly MacAddress ClientMac = new MacAddress(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
    static readonly MacAddress ServerMac = new MacAddress(0x52, 0x55, 0x0a, 0x00, 0x02, 0x02);
    static readonly IPv4Address ServerIp = IPv4Address.Parse("10.0.2.2");
    static readonly IPv4Address Offered = IPv4Address.Parse("10.0.2.15");

    /// <summary>A tiny DHCP server on its own IPv4Host, replying by broadcast like QEMU's slirp.</summary>
    sealed class Net
    {
        public long Now;
        public readonly IPv4Host Client, Server;
        public readonly Queue<(bool ToServer, byte[] Frame)> Wire = new Queue<(bool, byte[])>();
        public readonly List<DhcpMessage> ServerSaw = new List<DhcpMessage>();
        public bool ServerUp = true;
        public bool Nak;
        public uint LeaseSeconds = 100;

        public Net()
        {
            Client = new IPv4Host(ClientMac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, f => Wire.Enqueue((true, f.ToArray())));
            Server = new IPv4Host(ServerMac, ServerIp, IPv4Address.Parse("255.255.255.0"), IPv4Address.Any, f => Wire.Enqueue((false, f.ToArray())));
            Server.Bind(DhcpMessage.ServerPort, (src, sp, dst, dp, data) =>
            {
                Assert.Equal(ParseStatus.Ok, DhcpMessage.TryParse(data, out var m));
                ServerSaw.Add(m);
                if (!ServerUp) return;
                var reply = new DhcpMessage
                {
                    Op = DhcpMessage.OpBootReply, TransactionId = m.TransactionId, ClientHardwareAddress = m.ClientHardwareAddress,
                    YourAddress = Offered, ServerIdentifier = ServerIp, SubnetMask = IPv4Address.Parse("255.255.255.0"), LeaseTimeSeconds = LeaseSeconds,
                    MessageType = m.MessageType == DhcpMessageType.Discover ? DhcpMessageType.Offer : (Nak ? DhcpMessageType.Nak : DhcpMessageType.Ack),
                };
                reply.Routers.Add(ServerIp);
                reply.DomainNameServers.Add(IPv4Address.Parse("10.0.2.3"));
                Server.SendUdp(IPv4Address.Broadcast, DhcpMessage.ServerPort, DhcpMessage.ClientPort, reply.ToArray(), Now);
            });
        }

        public void Pump()
        {
            for (int n = 0; Wire.Count > 0; n++)
            {
                Assert.True(n < 1000, "frames keep coming");
                var (toServer, f) = Wire.Dequeue();
                (toServer ? Server : Client).Receive(f, Now);
            }
        }
    }

    [Fact]
    public void Discover_Offer_Request_Ack_Configures_The_Host()
    {
        var net = new Net();
        var dhcp = new DhcpClient(net.Client, 0x1000);
        int bound = 0;
        dhcp.Bound = c => bound++;
        dhcp.Start(0);
        net.Pump();
        Assert.Equal(DhcpClientState.Bound, dhcp.State);
        Assert.Equal(1, bound);
        Assert.Equal(Offered, net.Client.Address);
        Assert.Equal(IPv4Address.Parse("255.255.255.0"), net.Client.Netmask);
        Assert.Equal(ServerIp, net.Client.Gateway);
        Assert.Equal(new[] { IPv4Address.Parse("10.0.2.3") }, dhcp.DomainNameServers);
        Assert.Equal(DhcpMessageType.Discover, net.ServerSaw[0].MessageType);
        Assert.Equal(DhcpMessageType.Request, net.ServerSaw[1].MessageType);
        Assert.Equal(Offered, net.ServerSaw[1].RequestedIPAddress);
        Assert.Equal(ServerIp, net.ServerSaw[1].ServerIdentifier);
        Assert.Equal(0x1000u, net.ServerSaw[0].TransactionId);
        Assert.Equal(0x1000u, net.ServerSaw[1].TransactionId);
        // Now configured, the client answers pings.
        var replies = new List<ushort>();
        net.Server.EchoReplyReceived = (s, id, seq, d) => replies.Add(seq);
        net.Server.SendEchoRequest(Offered, 1, 77, new byte[8], 1);
        net.Pump();
        Assert.Equal(new ushort[] { 77 }, replies);
    }

    [Fact]
    public void Discover_Is_Retransmitted_With_Backoff()
    {
        var net = new Net { ServerUp = false };
        var dhcp = new DhcpClient(net.Client, 1);
        dhcp.Start(0); net.Pump();
        var times = new List<long> { 0 };
        for (long t = 0; t <= 70_000; t += 500)
        {
            int before = net.ServerSaw.Count;
            net.Now = t; dhcp.Poll(t); net.Pump();
            if (net.ServerSaw.Count > before) times.Add(t);
        }
        Assert.Equal(new long[] { 0, 4_000, 12_000, 28_000, 60_000 }, times); // waits of 4, 8, 16, 32 s
        Assert.Equal(DhcpClientState.Selecting, dhcp.State);
    }

    [Fact]
    public void Lease_Is_Renewed_At_T1_And_Lost_At_Expiry()
    {
        var net = new Net { LeaseSeconds = 100 };
        var dhcp = new DhcpClient(net.Client, 1);
        dhcp.Start(0); net.Pump();
        Assert.Equal(DhcpClientState.Bound, dhcp.State);
        int seen = net.ServerSaw.Count;
        net.Now = 49_999; dhcp.Poll(net.Now); net.Pump();
        Assert.Equal(seen, net.ServerSaw.Count);
        // T1 = 50 s: a unicast REQUEST with ciaddr, answered by ACK: bound again, lease restarted.
        net.Now = 50_000; net.Client.Arp.Add(ServerIp, ServerMac, net.Now); dhcp.Poll(net.Now); net.Pump();
        DhcpMessage renew = net.ServerSaw[seen];
        Assert.Equal(DhcpMessageType.Request, renew.MessageType);
        Assert.Equal(Offered, renew.ClientAddress);
        Assert.Null(renew.RequestedIPAddress);
        Assert.Equal(DhcpClientState.Bound, dhcp.State);
        // Server gone: T1 (100 s) renewing, T2 (137.5 s) rebinding, expiry (150 s) back to discovery with no address.
        net.ServerUp = false;
        net.Now = 100_000; dhcp.Poll(net.Now); net.Pump();
        Assert.Equal(DhcpClientState.Renewing, dhcp.State);
        net.Now = 137_500; dhcp.Poll(net.Now); net.Pump();
        Assert.Equal(DhcpClientState.Rebinding, dhcp.State);
        Assert.Equal(Offered, net.Client.Address);
        net.Now = 150_000; dhcp.Poll(net.Now); net.Pump();
        Assert.Equal(DhcpClientState.Selecting, dhcp.State);
        Assert.Equal(IPv4Address.Any, net.Client.Address);
    }

    [Fact]
    public void Nak_Restarts_And_Foreign_Replies_Are_Ignored()
    {
        var net = new Net { Nak = true };
        var dhcp = new DhcpClient(net.Client, 1);
        dhcp.Start(0); net.Pump();
        Assert.Equal(DhcpClientState.Init, dhcp.State);
        Assert.Equal(IPv4Address.Any, net.Client.Address);
        net.Now = 1; dhcp.Poll(1);
        Assert.Equal(DhcpClientState.Selecting, dhcp.State);
        net.Wire.Clear();
        // An OFFER with another xid changes nothing.
        var wrong = new DhcpMessage { Op = DhcpMessage.OpBootReply, TransactionId = 999, ClientHardwareAddress = ClientMac, YourAddress = Offered, ServerIdentifier = ServerIp, MessageType = DhcpMessageType.Offer };
        net.Server.SendUdp(IPv4Address.Broadcast, 67, 68, wrong.ToArray(), 1);
        int before = net.ServerSaw.Count;
        net.Pump();
        Assert.Equal(before, net.ServerSaw.Count);
        Assert.Equal(DhcpClientState.Selecting, dhcp.State);
    }

    [Fact]
    public void Release_Sends_DHCPRELEASE_Unconfigures_And_Stays_Stopped()
    {
        var net = new Net();
        net.LeaseSeconds = 3600;
        var dhcp = new DhcpClient(net.Client, 0x2000);
        dhcp.Start(0);
        net.Pump();
        Assert.Equal(DhcpClientState.Bound, dhcp.State);
        int seen = net.ServerSaw.Count;
        net.Now = 120_000;                                        // the ARP entry expired: the server's MAC is resolved first
        dhcp.Release(net.Now);
        Assert.False(net.Client.Address.IsAny);                   // still configured while DHCPRELEASE waits for ARP
        net.Pump();
        dhcp.Poll(net.Now + 10);
        Assert.Equal(DhcpClientState.Stopped, dhcp.State);
        Assert.Equal(seen + 1, net.ServerSaw.Count);
        var release = net.ServerSaw[seen];
        Assert.Equal(DhcpMessageType.Release, release.MessageType);
        Assert.Equal(Offered, release.ClientAddress);
        Assert.Equal(ServerIp, release.ServerIdentifier);
        Assert.True(net.Client.Address.IsAny);
        Assert.Equal(IPv4Address.Any, dhcp.LeasedAddress);
        // Stopped: polling far into the future sends nothing (no rediscovery) until Start.
        net.Now = 10_000_000;
        dhcp.Poll(net.Now);
        net.Pump();
        Assert.Equal(seen + 1, net.ServerSaw.Count);
        dhcp.Start(net.Now);
        net.Pump();
        Assert.Equal(DhcpClientState.Bound, dhcp.State);
    }

    [Fact]
    public void Release_Without_A_Lease_Sends_Nothing()
    {
        var net = new Net();
        var dhcp = new DhcpClient(net.Client, 0x3000);
        dhcp.Release(0);
        net.Pump();
        Assert.Empty(net.ServerSaw);
        Assert.Equal(DhcpClientState.Stopped, dhcp.State);
    }
}
