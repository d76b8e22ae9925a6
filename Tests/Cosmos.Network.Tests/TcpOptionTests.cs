using System;
using System.Collections.Generic;
using Xunit;

namespace Cosmos.Network.Tests;

/// <summary>Socket-level choices the stack carries out: keep-alive, IP header fields, buffer sizes.</summary>
public class TcpOptionTests
{
    static TcpConnectionOptions KeepAliveOptions() => new TcpConnectionOptions { KeepAlive = true, KeepAliveIdleMs = 2_000, KeepAliveIntervalMs = 500, KeepAliveProbes = 3 };

    [Fact]
    public void Keep_Alive_Probes_An_Idle_Connection_And_The_Peer_Answers()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        c.KeepAlive = true; c.KeepAliveIdleMs = 2_000; c.KeepAliveIntervalMs = 500; c.KeepAliveProbes = 3;
        var probes = new List<long>();
        w.Filter = (from, f) =>
        {
            if (from == 0 && Wire.TryTcp(f, out _, out TcpHeader h, out int len) && len == 0 && h.Flags == TcpFlags.Ack) probes.Add(w.Now);
            return false;
        };
        w.Run(10_000);
        // Idle 2 s, probe, answered at once: every ~2 s a probe, and the connection stays up.
        Assert.InRange(probes.Count, 4, 5);
        Assert.InRange(probes[0], 1_900, 2_100);
        Assert.Equal(TcpState.Established, c.State);
        Assert.Equal(0, c.KeepAliveProbesSent);   // the answer reset the count
        Assert.True(w.TA.Statistics.KeepAliveProbes >= 4);
        Assert.Equal(TcpState.Established, s.State);
    }

    [Fact]
    public void Unanswered_Keep_Alive_Probes_Time_The_Connection_Out()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        c.KeepAlive = true; c.KeepAliveIdleMs = 2_000; c.KeepAliveIntervalMs = 500; c.KeepAliveProbes = 3;
        w.Filter = (from, f) => from == 1;   // the peer is gone: nothing from B arrives
        long start = w.Now;
        w.RunUntil(() => c.State == TcpState.Closed, 10_000);
        Assert.Equal(TcpError.TimedOut, c.Error);
        // Idle 2 s, then 3 probes 500 ms apart, then one more interval: about 3.5 s.
        Assert.InRange(w.Now - start, 3_400, 3_700);
        Assert.Equal(3, w.TA.Statistics.KeepAliveProbes);
        Assert.Equal(1, w.TA.Statistics.KeepAliveTimeouts);
    }

    [Fact]
    public void Keep_Alive_Is_Off_By_Default_And_Inherited_From_The_Listener()
    {
        var w = new Wire();
        var (c, s, l) = w.Open();
        w.Run(10_000);
        Assert.Equal(0, w.TA.Statistics.KeepAliveProbes + w.TB.Statistics.KeepAliveProbes);
        Assert.False(c.KeepAlive);

        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 81, 4, out TcpConnectionListener l2, KeepAliveOptions()));
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 81, out TcpConnection c2));
        TcpConnection s2 = null;
        w.RunUntil(() => s2 != null || l2.TryAccept(out s2), 5_000);
        Assert.True(s2.KeepAlive);
        Assert.Equal(3, s2.KeepAliveProbes);
        w.Run(3_000);
        Assert.True(w.TB.Statistics.KeepAliveProbes >= 1, "the accepted connection probes");
    }

    [Fact]
    public void Ttl_Tos_And_Dont_Fragment_Reach_The_IP_Header_Of_Every_Segment()
    {
        var w = new Wire();
        var seen = new List<IPv4Header>();
        w.Filter = (from, f) =>
        {
            if (from == 0 && Wire.TryTcp(f, out IPv4Header ip, out _, out _)) seen.Add(ip);
            return false;
        };
        var opts = new TcpConnectionOptions { IPOptions = new IPv4SendOptions(17, 0xB8, true) };
        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 80, 4, out TcpConnectionListener l));
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c, 0, opts));
        TcpConnection s = null;
        w.RunUntil(() => c.State == TcpState.Established && (s != null || l.TryAccept(out s)), 5_000);
        c.Send(new byte[3000]);
        w.Run(200);
        Assert.True(seen.Count >= 3, "segments seen: " + seen.Count);
        foreach (var ip in seen)
        {
            Assert.Equal(17, ip.TimeToLive);
            Assert.Equal(0xB8, ip.TypeOfService);
            Assert.True(ip.DontFragment);
        }
        c.IPOptions = IPv4SendOptions.Default;
        seen.Clear();
        c.Send(new byte[10]);
        w.Run(100);
        Assert.Equal(IPv4Header.DefaultTimeToLive, seen[0].TimeToLive);
        Assert.False(seen[0].DontFragment);
    }

    [Fact]
    public void Udp_With_Dont_Fragment_Refuses_A_Datagram_Larger_Than_The_Mtu()
    {
        var w = new Wire();
        var df = new IPv4SendOptions(5, 0, true);
        Assert.Equal(SendStatus.TooLong, w.A.SendUdp(Wire.IpB, 1000, 2000, new byte[2000], w.Now, df));
        var frames = new List<IPv4Header>();
        w.Filter = (from, f) =>
        {
            if (EthernetHeader.TryParse(f, out EthernetHeader e, out ReadOnlySpan<byte> p) == ParseStatus.Ok && e.EtherType == EtherType.IPv4
                && IPv4Header.TryParse(p, out IPv4Header ip, out _) == ParseStatus.Ok) frames.Add(ip);
            return false;
        };
        Assert.Equal(SendStatus.Sent, w.A.SendUdp(Wire.IpB, 1000, 2000, new byte[1000], w.Now, df));
        Assert.Equal(SendStatus.Sent, w.A.SendUdp(Wire.IpB, 1000, 2000, new byte[2000], w.Now));   // fragments without DF
        Assert.Equal(1 + 2, frames.Count);
        Assert.True(frames[0].DontFragment);
        Assert.Equal(5, frames[0].TimeToLive);
        Assert.False(frames[1].DontFragment);
    }

    [Fact]
    public void Buffer_Sizes_Before_Connect_Set_The_Window_Scale_And_Grow_Later()
    {
        var w = new Wire();
        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 80, 4, out TcpConnectionListener l, new TcpConnectionOptions { ReceiveBufferSize = 1 << 20 }));
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c, 0, new TcpConnectionOptions { ReceiveBufferSize = 300_000, SendBufferSize = 200_000 }));
        TcpConnection s = null;
        w.RunUntil(() => c.State == TcpState.Established && (s != null || l.TryAccept(out s)), 5_000);
        Assert.Equal(3, c.ReceiveWindowScale);     // 300000 >> 3 = 37500 ≤ 65535
        Assert.Equal(5, s.ReceiveWindowScale);     // 2^20 >> 5 = 32768
        Assert.Equal(300_000, c.ReceiveBufferSize);
        Assert.Equal(200_000, c.SendBufferSize);
        Assert.Equal(1 << 20, s.ReceiveBufferSize);
        c.SendBufferSize = 100_000;                 // established: never shrinks
        Assert.Equal(200_000, c.SendBufferSize);
        c.SendBufferSize = 400_000;
        Assert.Equal(400_000, c.SendBufferSize);
        Assert.Equal(400_000, c.Send(new byte[500_000]));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.ReceiveBufferSize = 0);
    }
}
