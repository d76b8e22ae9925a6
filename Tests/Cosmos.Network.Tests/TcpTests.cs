using System;
using System.Collections.Generic;
using Xunit;
using Xunit.Abstractions;

namespace Cosmos.Network.Tests;

/// <summary>
/// Two IPv4Host + TcpLayer instances joined by an in-memory Ethernet with a simulated millisecond clock; the relay
/// can delay, lose, duplicate and reorder frames from a seeded RNG.
/// </summary>
internal sealed class Wire
{
    public static readonly MacAddress MacA = new MacAddress(0x02, 0, 0, 0, 0, 0x0A);
    public static readonly MacAddress MacB = new MacAddress(0x02, 0, 0, 0, 0, 0x0B);
    public static readonly MacAddress GwMac = new MacAddress(0x02, 0, 0, 0, 0, 0x01);
    public static readonly IPv4Address IpA = IPv4Address.Parse("10.0.0.1");
    public static readonly IPv4Address IpB = IPv4Address.Parse("10.0.0.2");
    public static readonly IPv4Address Gw = IPv4Address.Parse("10.0.0.254");
    public static readonly IPv4Address Mask = IPv4Address.Parse("255.255.255.0");

    struct InFlight { public long At; public long Order; public int To; public byte[] Frame; }

    public readonly IPv4Host A, B;
    public readonly TcpLayer TA, TB;
    public long Now;
    public int DelayMs = 5;
    public double Loss, Duplicate, Reorder;
    public int ReorderExtraMs = 15;
    public long Dropped, Duplicated, Reordered, Delivered;
    /// <summary>Return true to drop a frame (called before the random relay); argument: sender 0 = A, 1 = B.</summary>
    public Func<int, byte[], bool> Filter;
    readonly Random rng;
    readonly List<InFlight> inFlight = new List<InFlight>();
    long order;

    public Wire(int seed = 1, TcpSettings settingsA = null, TcpSettings settingsB = null)
    {
        rng = new Random(seed);
        A = new IPv4Host(MacA, IpA, Mask, Gw, f => Transmit(0, f), new ArpCache(entryLifetimeMs: long.MaxValue / 4));
        B = new IPv4Host(MacB, IpB, Mask, Gw, f => Transmit(1, f), new ArpCache(entryLifetimeMs: long.MaxValue / 4));
        A.Arp.Add(IpB, MacB, 0); A.Arp.Add(Gw, GwMac, 0);
        B.Arp.Add(IpA, MacA, 0); B.Arp.Add(Gw, GwMac, 0);
        TA = new TcpLayer(A, 0x0123456789abcdefUL, 0x1111111111111111UL, settingsA);
        TB = new TcpLayer(B, 0xfedcba9876543210UL, 0x2222222222222222UL, settingsB);
    }

    void Transmit(int from, ReadOnlySpan<byte> frame)
    {
        byte[] f = frame.ToArray();
        if (Filter != null && Filter(from, f)) { Dropped++; return; }
        MacAddress dst = new MacAddress((ulong)f[0] << 40 | (ulong)f[1] << 32 | (ulong)f[2] << 24 | (ulong)f[3] << 16 | (ulong)f[4] << 8 | f[5]);
        int to = dst == MacA ? 0 : dst == MacB ? 1 : -1;
        if (to < 0 || to == from) return;   // the gateway and spoofed hosts do not exist
        int copies = 1;
        if (Loss > 0 && rng.NextDouble() < Loss) { Dropped++; copies = 0; }
        if (copies == 1 && Duplicate > 0 && rng.NextDouble() < Duplicate) { Duplicated++; copies = 2; }
        for (int i = 0; i < copies; i++)
        {
            long at = Now + DelayMs;
            if (Reorder > 0 && rng.NextDouble() < Reorder) { at += 1 + rng.Next(ReorderExtraMs); Reordered++; }
            inFlight.Add(new InFlight { At = at, Order = order++, To = to, Frame = f });
        }
    }

    public int InFlightCount => inFlight.Count;

    /// <summary>Advances the clock by one millisecond: delivers due frames in time order, then polls both stacks.</summary>
    public void Step()
    {
        Now++;
        Assert.True(inFlight.Count < 50_000, "packet storm: " + inFlight.Count + " frames in flight");
        while (true)
        {
            int best = -1;
            for (int i = 0; i < inFlight.Count; i++)
                if (inFlight[i].At <= Now && (best < 0 || inFlight[i].At < inFlight[best].At || inFlight[i].At == inFlight[best].At && inFlight[i].Order < inFlight[best].Order)) best = i;
            if (best < 0) break;
            InFlight f = inFlight[best];
            inFlight.RemoveAt(best);
            Delivered++;
            (f.To == 0 ? A : B).Receive(f.Frame, Now);
        }
        A.Poll(Now); B.Poll(Now);
        TA.Poll(Now); TB.Poll(Now);
    }

    /// <summary>Steps until <paramref name="done"/> holds; fails after <paramref name="maxMs"/> simulated milliseconds.</summary>
    public void RunUntil(Func<bool> done, long maxMs, Action eachStep = null)
    {
        long end = Now + maxMs;
        while (!done())
        {
            Assert.True(Now < end, "condition not reached within " + maxMs + " ms (t=" + Now + ")");
            eachStep?.Invoke();
            Step();
        }
    }

    public void Run(long ms, Action eachStep = null)
    {
        long end = Now + ms;
        while (Now < end) { eachStep?.Invoke(); Step(); }
    }

    /// <summary>Listens on B:port, connects A → B:port and runs until both ends are ESTABLISHED.</summary>
    public (TcpConnection Client, TcpConnection Server, TcpConnectionListener Listener) Open(ushort port = 80, int backlog = 8)
    {
        Assert.Equal(TcpError.None, TB.Listen(IPv4Address.Any, port, backlog, out TcpConnectionListener l));
        Assert.Equal(TcpError.None, TA.Connect(IpB, port, out TcpConnection c));
        TcpConnection s = null;
        RunUntil(() => c.State == TcpState.Established && (s != null || l.TryAccept(out s)), 5000);
        Assert.Equal(TcpState.Established, s.State);
        return (c, s, l);
    }

    /// <summary>Parses a frame as Ethernet/IPv4/TCP; false when it is something else.</summary>
    public static bool TryTcp(byte[] frame, out IPv4Header ip, out TcpHeader tcp, out int dataLength)
    {
        ip = default; tcp = default; dataLength = 0;
        if (EthernetHeader.TryParse(frame, out EthernetHeader eth, out ReadOnlySpan<byte> p) != ParseStatus.Ok || eth.EtherType != EtherType.IPv4) return false;
        if (IPv4Header.TryParse(p, out ip, out ReadOnlySpan<byte> seg) != ParseStatus.Ok || ip.Protocol != IPProtocol.Tcp) return false;
        if (TcpHeader.TryParse(seg, ip.SourceAddress, ip.DestinationAddress, out tcp, out ReadOnlySpan<byte> data) != ParseStatus.Ok) return false;
        dataLength = data.Length;
        return true;
    }

    public static byte[] TcpFrame(MacAddress srcMac, MacAddress dstMac, IPv4Address src, IPv4Address dst, byte[] segment)
        => EthernetHeader.BuildFrame(dstMac, srcMac, EtherType.IPv4, IPv4Header.BuildDatagram(IPv4Header.Create(src, dst, IPProtocol.Tcp, segment.Length, 7), segment));
}

/// <summary>Moves a byte array through a connection pair, both directions at once.</summary>
internal sealed class Pump
{
    readonly byte[] source;
    int sent;
    readonly byte[] sink;
    int received;
    readonly byte[] chunk = new byte[16384];
    public bool ShutdownWhenDone = true;

    public Pump(byte[] source) { this.source = source; sink = new byte[source.Length]; }

    public byte[] Received => sink;
    public int ReceivedCount => received;
    public bool AllSent => sent == source.Length;

    public void Step(TcpConnection from, TcpConnection to)
    {
        while (sent < source.Length)
        {
            int n = from.Send(source.AsSpan(sent, Math.Min(8192, source.Length - sent)));
            Assert.True(n >= 0, "send refused: " + from + " " + from.Error);
            if (n == 0) break;
            sent += n;
            if (sent == source.Length && ShutdownWhenDone) from.Shutdown();
        }
        while (true)
        {
            int n = to.Receive(chunk);
            if (n == 0) break;
            Assert.True(received + n <= sink.Length, "more data than sent");
            Array.Copy(chunk, 0, sink, received, n);
            received += n;
        }
    }
}

public class TcpTests
{
    readonly ITestOutputHelper output;
    public TcpTests(ITestOutputHelper output) => this.output = output;

    static byte[] RandomBytes(int n, int seed)
    {
        byte[] b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    static string Sha(byte[] b) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(b));

    [Fact]
    public void Handshake_Data_Orderly_Close_And_Time_Wait_Expiry()
    {
        var settings = new TcpSettings { MaximumSegmentLifetimeMs = 1000 };
        var w = new Wire(settingsA: settings, settingsB: new TcpSettings { MaximumSegmentLifetimeMs = 1000 });
        int notifications = 0;
        var (c, s, l) = w.Open();
        c.Changed = _ => notifications++;
        Assert.Equal(new TcpEndPoint(Wire.IpB, 80), c.RemoteEndPoint);
        Assert.Equal("10.0.0.2:80", c.RemoteEndPoint.ToString());
        Assert.Equal("10.0.0.2:80 -> " + c.LocalEndPoint + " ESTABLISHED", s.ToString());
        Assert.Equal(c.LocalEndPoint, s.RemoteEndPoint);
        Assert.InRange(c.LocalEndPoint.Port, 49152, 65535);
        Assert.Equal(1460, c.MaximumSegmentSize);
        Assert.Equal(1460, s.MaximumSegmentSize);
        Assert.Equal(1, w.TA.Statistics.ActiveOpens);
        Assert.Equal(1, w.TB.Statistics.PassiveOpens);
        Assert.True(c.CanWrite);
        Assert.False(s.CanRead);

        Assert.Equal(5, c.Send(System.Text.Encoding.ASCII.GetBytes("hello")));
        w.RunUntil(() => s.CanRead, 100);
        byte[] buf = new byte[100];
        Assert.Equal(5, s.Receive(buf));
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buf, 0, 5));

        // Client half-closes first: FIN-WAIT-1 → FIN-WAIT-2; server CLOSE-WAIT, reads end of stream.
        c.Shutdown();
        Assert.Equal(TcpState.FinWait1, c.State);
        Assert.Equal(-1, c.Send(new byte[1]));
        w.RunUntil(() => s.IsPeerClosed && c.State == TcpState.FinWait2, 100);
        Assert.Equal(TcpState.CloseWait, s.State);
        Assert.True(s.CanRead);
        Assert.Equal(0, s.Receive(buf));
        // The server may still send in CLOSE-WAIT (half-close), then closes: LAST-ACK → CLOSED; client TIME-WAIT.
        Assert.Equal(3, s.Send(new byte[] { 1, 2, 3 }));
        s.Close();
        Assert.Equal(TcpState.LastAck, s.State);
        w.RunUntil(() => c.State == TcpState.TimeWait, 100);
        long timeWaitStart = w.Now;
        w.RunUntil(() => s.IsClosed, 100);
        Assert.Equal(TcpError.None, s.Error);
        Assert.True(c.IsPeerClosed);
        Assert.Equal(3, c.Receive(buf));
        Assert.Equal(0, c.Receive(buf));
        c.Close();
        Assert.Equal(0, w.TB.ConnectionCount);
        Assert.Equal(1, w.TA.ConnectionCount);
        w.RunUntil(() => c.IsClosed, 5000);
        Assert.InRange(w.Now - timeWaitStart, 2000, 2001);   // 2 × MSL
        Assert.Equal(TcpError.None, c.Error);
        Assert.Equal(0, w.TA.ConnectionCount);
        Assert.True(notifications >= 4);
        // The port is free again: listener still there, a new connection works.
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c2));
        w.RunUntil(() => c2.State == TcpState.Established && l.PendingCount == 1, 100);
    }

    [Fact]
    public void Lossy_Reordering_Duplicating_Link_Moves_One_MiB_Each_Way_Byte_Exact()
    {
        var w = new Wire(seed: 42) { Loss = 0.06, Duplicate = 0.02, Reorder = 0.10 };
        var (c, s, _) = w.Open();
        byte[] up = RandomBytes(1 << 20, 1), down = RandomBytes(1 << 20, 2);
        var pu = new Pump(up);
        var pd = new Pump(down);
        long start = w.Now;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        w.RunUntil(() => s.IsPeerClosed && c.IsPeerClosed && pu.ReceivedCount == up.Length && pd.ReceivedCount == down.Length,
            600_000, () => { pu.Step(c, s); pd.Step(s, c); });
        long simulated = w.Now - start;
        Assert.Equal(Sha(up), Sha(pu.Received));
        Assert.Equal(Sha(down), Sha(pd.Received));
        Assert.True(w.Dropped > 0 && w.Duplicated > 0 && w.Reordered > 0);
        Assert.True(w.TA.Statistics.Retransmissions > 0 && w.TB.Statistics.Retransmissions > 0);
        Assert.True(w.TA.Statistics.FastRetransmits + w.TB.Statistics.FastRetransmits > 0);
        Assert.True(w.TA.Statistics.OutOfOrderSegments + w.TB.Statistics.OutOfOrderSegments > 0);
        output.WriteLine($"simulated {simulated} ms, wall {sw.ElapsedMilliseconds} ms; frames delivered {w.Delivered}, dropped {w.Dropped}, duplicated {w.Duplicated}, reordered {w.Reordered}");
        output.WriteLine($"A: retransmissions {w.TA.Statistics.Retransmissions}, fast {w.TA.Statistics.FastRetransmits}, RTOs {w.TA.Statistics.RetransmissionTimeouts}, out-of-order {w.TA.Statistics.OutOfOrderSegments}, duplicates {w.TA.Statistics.DuplicateSegments}");
        output.WriteLine($"B: retransmissions {w.TB.Statistics.Retransmissions}, fast {w.TB.Statistics.FastRetransmits}, RTOs {w.TB.Statistics.RetransmissionTimeouts}, out-of-order {w.TB.Statistics.OutOfOrderSegments}, duplicates {w.TB.Statistics.DuplicateSegments}");
        // Both closed their sending side after the data: close completes.
        c.Close(); s.Close();
        w.RunUntil(() => (c.IsClosed || c.State == TcpState.TimeWait) && (s.IsClosed || s.State == TcpState.TimeWait), 120_000);
    }

    [Fact]
    public void Rto_Follows_Rfc6298_Formulas()
    {
        var settings = new TcpSettings { MinimumRetransmissionTimeoutMs = 1 };
        var w = new Wire(settingsA: settings, settingsB: new TcpSettings { MinimumRetransmissionTimeoutMs = 1 });
        var (c, s, _) = w.Open();
        // First measurement (the SYN's round trip, R = 2 × 5 ms): SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4·RTTVAR).
        Assert.Equal(10.0, c.SmoothedRoundTripTimeMs);
        Assert.Equal(5.0, c.RoundTripTimeVariationMs);
        Assert.Equal(30, c.RetransmissionTimeoutMs);
        double srtt = 10, rttvar = 5;
        byte[] buf = new byte[2000];
        // Vary the delay so the later samples differ: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT − R'|, SRTT = 7/8 SRTT + 1/8 R'.
        // (Each R stays below the current RTO, so no retransmission spoils a sample.)
        int[] delays = { 5, 7, 9, 12, 6, 5, 10 };
        foreach (int d in delays)
        {
            w.DelayMs = d;
            c.Send(new byte[100]);
            w.RunUntil(() => c.BytesQueued == 0, 1000, () => s.Receive(buf));
            double r = 2 * d;
            rttvar = 0.75 * rttvar + 0.25 * Math.Abs(srtt - r);
            srtt = 0.875 * srtt + 0.125 * r;
            Assert.Equal(srtt, c.SmoothedRoundTripTimeMs, 2);
            Assert.Equal(rttvar, c.RoundTripTimeVariationMs, 2);
            Assert.Equal(0, c.Retransmissions);
            Assert.InRange(c.RetransmissionTimeoutMs, (long)Math.Floor(srtt + Math.Max(1, 4 * rttvar)), (long)Math.Ceiling(srtt + Math.Max(1, 4 * rttvar)) + 1);
        }
        // With the RFC default lower bound the same samples give 1 s.
        var w2 = new Wire();
        var (c2, _, _) = w2.Open();
        Assert.Equal(10.0, c2.SmoothedRoundTripTimeMs);
        Assert.Equal(1000, c2.RetransmissionTimeoutMs);
    }

    [Fact]
    public void Unanswered_Connect_Backs_Off_Exponentially_Up_To_60_s_Then_Times_Out()
    {
        var w = new Wire(settingsA: new TcpSettings { SynRetries = 8 });
        var synTimes = new List<long>();
        w.Filter = (from, f) =>
        {
            if (from == 0 && Wire.TryTcp(f, out _, out TcpHeader h, out _) && h.Flags == TcpFlags.Syn) synTimes.Add(w.Now);
            return true;   // the peer never hears anything
        };
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c));
        w.RunUntil(() => c.IsClosed, 400_000);
        Assert.Equal(TcpError.TimedOut, c.Error);
        var gaps = new List<long>();
        for (int i = 1; i < synTimes.Count; i++) gaps.Add(synTimes[i] - synTimes[i - 1]);
        // RFC 6298 5.5: RTO doubles from 1 s; 2.5: capped at 60 s. 1 + 8 transmissions, then one more RTO.
        Assert.Equal(new long[] { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 }, gaps.ToArray());
        Assert.Equal(60000, w.Now - synTimes[synTimes.Count - 1]);
        Assert.Equal(0, w.TA.ConnectionCount);
    }

    [Fact]
    public void Connect_To_Closed_Port_Is_Refused_With_Rst()
    {
        var w = new Wire();
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 81, out TcpConnection c));
        w.RunUntil(() => c.IsClosed, 100);
        Assert.Equal(TcpError.ConnectionRefused, c.Error);
        Assert.Equal(1, w.TB.Statistics.ResetsSent);
        Assert.True(c.CanRead && c.CanWrite);   // a waiter wakes and sees the error
        Assert.Equal(-1, c.Send(new byte[1]));
        Assert.Equal(0, c.Receive(new byte[1]));
    }

    [Fact]
    public void Rst_For_Closed_Port_Follows_Rfc9293_3_10_7_1()
    {
        var w = new Wire();
        var sent = new List<byte[]>();
        w.Filter = (from, f) => { if (from == 1) sent.Add(f); return true; };
        // With ACK: <SEQ=SEG.ACK><CTL=RST>.
        var seg = new TcpHeader(1234, 99, 1000, 5555, TcpFlags.Ack, 100).Build(Wire.IpA, Wire.IpB, new byte[10]);
        w.B.Receive(Wire.TcpFrame(Wire.MacA, Wire.MacB, Wire.IpA, Wire.IpB, seg), 0);
        Assert.True(Wire.TryTcp(sent[0], out _, out TcpHeader r1, out _));
        Assert.Equal(TcpFlags.Rst, r1.Flags);
        Assert.Equal(5555u, r1.SequenceNumber);
        Assert.Equal(99, r1.SourcePort);
        Assert.Equal(1234, r1.DestinationPort);
        // Without ACK (a SYN with 3 data octets): <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
        seg = new TcpHeader(1234, 99, 1000, 0, TcpFlags.Syn, 100).Build(Wire.IpA, Wire.IpB, new byte[3]);
        w.B.Receive(Wire.TcpFrame(Wire.MacA, Wire.MacB, Wire.IpA, Wire.IpB, seg), 0);
        Assert.True(Wire.TryTcp(sent[1], out _, out TcpHeader r2, out _));
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, r2.Flags);
        Assert.Equal(0u, r2.SequenceNumber);
        Assert.Equal(1004u, r2.AcknowledgmentNumber);
        // Never a RST for a RST.
        seg = new TcpHeader(1234, 99, 1000, 0, TcpFlags.Rst, 0).Build(Wire.IpA, Wire.IpB, default);
        w.B.Receive(Wire.TcpFrame(Wire.MacA, Wire.MacB, Wire.IpA, Wire.IpB, seg), 0);
        Assert.Equal(2, sent.Count);
    }

    [Fact]
    public void Third_Duplicate_Ack_Triggers_Fast_Retransmit_Without_Timeout()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        int dataSegments = 0;
        w.Filter = (from, f) => from == 0 && Wire.TryTcp(f, out _, out _, out int len) && len > 0 && ++dataSegments == 12;
        byte[] data = RandomBytes(200_000, 3);
        var p = new Pump(data);
        w.RunUntil(() => p.ReceivedCount == data.Length, 10_000, () => p.Step(c, s));
        Assert.Equal(Sha(data), Sha(p.Received));
        Assert.Equal(1, w.Dropped);
        Assert.Equal(1, c.FastRetransmits);
        Assert.Equal(0, c.RetransmissionTimeouts);
        Assert.True(c.SlowStartThreshold < int.MaxValue);
        // The whole transfer took far less than one RTO (1 s) would have added.
        Assert.True(w.Now < 900, "took " + w.Now + " ms");
    }

    [Fact]
    public void Window_Scaling_Negotiates_A_Large_Receive_Window()
    {
        var big = new TcpSettings { ReceiveBufferSize = 1 << 20, SendBufferSize = 1 << 20 };
        var w = new Wire(settingsA: new TcpSettings { ReceiveBufferSize = 1 << 20, SendBufferSize = 1 << 20 }, settingsB: big);
        var (c, s, _) = w.Open();
        Assert.Equal(5, c.SendWindowScale);        // 2^20 >> 5 = 32768 ≤ 65535 < 2^20 >> 4
        Assert.Equal(5, s.ReceiveWindowScale);
        Assert.Equal(5, s.SendWindowScale);
        Assert.Equal(1 << 20, s.ReceiveWindow);
        // The SYN's window is never scaled; the first ACK after it announces the scaled window.
        byte[] data = RandomBytes(4 << 20, 4);
        var p = new Pump(data);
        long maxWindow = 0, maxInFlight = 0;
        w.RunUntil(() => p.ReceivedCount == data.Length, 60_000, () =>
        {
            p.Step(c, s);
            maxWindow = Math.Max(maxWindow, c.SendWindow);
            maxInFlight = Math.Max(maxInFlight, c.BytesQueued);
        });
        Assert.Equal(Sha(data), Sha(p.Received));
        Assert.True(maxWindow > 65535 * 8, "send window " + maxWindow);
        Assert.True(c.CongestionWindow > 65535, "cwnd " + c.CongestionWindow);
        output.WriteLine($"4 MiB over a 10 ms RTT in {w.Now} ms simulated; max SND.WND {maxWindow}, cwnd {c.CongestionWindow}");
    }

    [Fact]
    public void Zero_Window_Is_Probed_Then_Reopened_By_A_Window_Update()
    {
        var w = new Wire(settingsB: new TcpSettings { ReceiveBufferSize = 16 * 1024 });
        var (c, s, _) = w.Open();
        byte[] data = RandomBytes(100_000, 5);
        int sent = 0;
        w.Run(3000, () => { while (sent < data.Length) { int n = c.Send(data.AsSpan(sent, Math.Min(4096, data.Length - sent))); if (n <= 0) break; sent += n; } });
        Assert.Equal(0, c.SendWindow);
        Assert.Equal(0, s.ReceiveWindow);
        Assert.Equal(16 * 1024, s.BytesAvailable);
        Assert.Equal(TcpState.Established, c.State);
        long probes = w.TA.Statistics.ZeroWindowProbes;
        Assert.True(probes >= 1, "no window probe");
        w.Run(10_000);
        Assert.True(w.TA.Statistics.ZeroWindowProbes > probes);
        Assert.Equal(0, w.TA.Statistics.FastRetransmits);
        Assert.Equal(TcpState.Established, c.State);
        // The application reads: the window update restarts the flow without waiting for a probe.
        var received = new System.IO.MemoryStream();
        byte[] buf = new byte[8192];
        long probesBefore = w.TA.Statistics.ZeroWindowProbes;
        w.RunUntil(() => received.Length == data.Length, 5000, () =>
        {
            while (sent < data.Length) { int n = c.Send(data.AsSpan(sent, Math.Min(4096, data.Length - sent))); if (n <= 0) break; sent += n; }
            int r;
            while ((r = s.Receive(buf)) > 0) received.Write(buf, 0, r);
        });
        Assert.Equal(Sha(data), Sha(received.ToArray()));
        Assert.True(w.TA.Statistics.ZeroWindowProbes - probesBefore <= 1);
    }

    [Fact]
    public void Simultaneous_Close_Goes_Through_Closing_To_Time_Wait()
    {
        var w = new Wire(settingsA: new TcpSettings { MaximumSegmentLifetimeMs = 500 }, settingsB: new TcpSettings { MaximumSegmentLifetimeMs = 500 });
        var (c, s, _) = w.Open();
        var seen = new List<TcpState>();
        c.Changed = x => { if (seen.Count == 0 || seen[seen.Count - 1] != x.State) seen.Add(x.State); };
        c.Close(); s.Close();
        w.RunUntil(() => c.State == TcpState.TimeWait && s.State == TcpState.TimeWait, 200);
        Assert.Contains(TcpState.Closing, seen);
        w.RunUntil(() => c.IsClosed && s.IsClosed, 1500);
        Assert.Equal(TcpError.None, c.Error);
        Assert.Equal(TcpError.None, s.Error);
        Assert.Equal(0, w.TA.ConnectionCount + w.TB.ConnectionCount);
    }

    [Fact]
    public void Simultaneous_Open_Establishes_One_Connection()
    {
        var w = new Wire();
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 5000, out TcpConnection a, 6000));
        Assert.Equal(TcpError.None, w.TB.Connect(Wire.IpA, 6000, out TcpConnection b, 5000));
        w.RunUntil(() => a.State == TcpState.Established && b.State == TcpState.Established, 3000);
        Assert.Equal(1, a.Send(new byte[] { 42 }));
        byte[] buf = new byte[4];
        w.RunUntil(() => b.BytesAvailable == 1, 100);
        Assert.Equal(1, b.Receive(buf));
        Assert.Equal(42, buf[0]);
    }

    [Fact]
    public void Syn_Flood_Keeps_The_Syn_Queue_Bounded_And_Existing_Connections_Working()
    {
        var w = new Wire();
        var (c, s, l) = w.Open(80, 8);
        byte[] data = RandomBytes(300_000, 6);
        var p = new Pump(data);
        var rng = new Random(7);
        int syns = 0;
        long before = GC.GetTotalMemory(true);
        w.RunUntil(() => p.ReceivedCount == data.Length && syns == 10_000, 60_000, () =>
        {
            p.Step(c, s);
            for (int i = 0; i < 50 && syns < 10_000; i++, syns++)
            {
                // Spoofed off-link sources (replies go to the gateway, which drops them), many source ports.
                var src = new IPv4Address(0xAC100000u | (uint)rng.Next(1 << 20));
                byte[] seg = new TcpHeader((ushort)(1024 + rng.Next(60000)), 80, (uint)rng.Next(), 0, TcpFlags.Syn, 65535, maximumSegmentSize: 1460).Build(src, Wire.IpB, default);
                w.B.Receive(Wire.TcpFrame(Wire.GwMac, Wire.MacB, src, Wire.IpB, seg), w.Now);
            }
            Assert.True(l.HalfOpenCount <= w.TB.Settings.MaxHalfOpenPerListener);
            Assert.True(w.TB.ConnectionCount <= w.TB.Settings.MaxHalfOpenPerListener + 1);
        });
        Assert.Equal(Sha(data), Sha(p.Received));
        Assert.True(w.TB.Statistics.SynQueueOverflows >= 10_000 - 128);
        long after = GC.GetTotalMemory(true);
        output.WriteLine($"flood: {syns} SYNs, half-open {l.HalfOpenCount}, connections {w.TB.ConnectionCount}, overflows {w.TB.Statistics.SynQueueOverflows}, heap growth {(after - before) / 1024} KiB, {w.Now} ms");
        Assert.True(after - before < 8 << 20, "heap grew by " + (after - before));
        // A legitimate client still gets in (the oldest half-open entry makes room).
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c2));
        w.RunUntil(() => c2.State == TcpState.Established && l.TryAccept(out _), 2000);
        // Half-open entries die after their SYN,ACK retries: 1 + 2 + 4 + 8 s.
        w.Run(20_000);
        Assert.Equal(0, l.HalfOpenCount);
    }

    [Fact]
    public void Malformed_Segments_Are_Dropped_And_Counted_Without_Reply()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        long sentBefore = w.TB.Statistics.SegmentsSent;
        void Inject(byte[] seg) => w.B.Receive(Wire.TcpFrame(Wire.MacA, Wire.MacB, Wire.IpA, Wire.IpB, seg), w.Now);
        byte[] Seg(TcpFlags f) => new TcpHeader(c.LocalEndPoint.Port, 80, 1, 1, f, 100).Build(Wire.IpA, Wire.IpB, new byte[4]);
        Inject(new byte[12]);                                                   // truncated
        byte[] off = Seg(TcpFlags.Ack); off[12] = 0x40; TcpHeaderTests.FixChecksum(off, Wire.IpA, Wire.IpB); Inject(off);   // data offset 4
        byte[] big = Seg(TcpFlags.Ack); big[12] = 0xF0; TcpHeaderTests.FixChecksum(big, Wire.IpA, Wire.IpB); Inject(big);   // beyond length
        byte[] sum = Seg(TcpFlags.Ack); sum[20] ^= 0xFF; Inject(sum);           // bad checksum
        Inject(Seg(TcpFlags.Syn | TcpFlags.Fin));
        Inject(Seg(TcpFlags.Syn | TcpFlags.Rst));
        Inject(Seg(TcpFlags.Psh));                                              // no SYN/ACK/FIN/RST
        TcpStatistics st = w.TB.Statistics;
        Assert.Equal(7, st.Malformed);
        Assert.Equal(1, st.Truncated);
        Assert.Equal(2, st.BadDataOffset);
        Assert.Equal(1, st.BadChecksum);
        Assert.Equal(3, st.BadFlagsOrOptions);
        Assert.Equal(sentBefore, st.SegmentsSent);
        Assert.Equal(TcpState.Established, s.State);
        c.Send(new byte[] { 7 });
        w.RunUntil(() => s.BytesAvailable == 1, 100);
    }

    [Fact]
    public void Rst_Needs_An_Exact_Sequence_Number_Otherwise_A_Challenge_Ack()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        // Learn the client's next sequence number from its next data segment.
        uint clientNext = 0;
        w.Filter = (from, f) => { if (from == 0 && Wire.TryTcp(f, out _, out TcpHeader h, out int len) && len > 0) clientNext = h.SequenceNumber + (uint)len; return false; };
        c.Send(new byte[10]);
        w.RunUntil(() => s.BytesAvailable == 10, 100);
        w.Filter = null;
        void Rst(uint seq) => w.B.Receive(Wire.TcpFrame(Wire.MacA, Wire.MacB, Wire.IpA, Wire.IpB,
            new TcpHeader(c.LocalEndPoint.Port, 80, seq, 0, TcpFlags.Rst, 0).Build(Wire.IpA, Wire.IpB, default)), w.Now);
        Rst(clientNext + 100);   // in window, not exact
        Assert.Equal(1, w.TB.Statistics.ChallengeAcksSent);
        Assert.Equal(TcpState.Established, s.State);
        Rst(clientNext + 10_000_000);   // outside the window: silently dropped
        Assert.Equal(1, w.TB.Statistics.ChallengeAcksSent);
        Rst(clientNext);
        Assert.True(s.IsClosed);
        Assert.Equal(TcpError.ConnectionReset, s.Error);
        Assert.True(s.CanRead);
    }

    [Fact]
    public void Abort_Sends_Rst_And_The_Peer_Sees_ConnectionReset()
    {
        var w = new Wire();
        var (c, s, _) = w.Open();
        c.Abort();
        Assert.Equal(TcpError.ConnectionAborted, c.Error);
        Assert.True(c.IsClosed);
        w.RunUntil(() => s.IsClosed, 100);
        Assert.Equal(TcpError.ConnectionReset, s.Error);
    }

    [Fact]
    public void Ports_Addresses_And_Listener_Bounds()
    {
        var w = new Wire();
        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 80, 2, out TcpConnectionListener l));
        Assert.Equal(TcpError.AddressInUse, w.TB.Listen(Wire.IpB, 80, 2, out _));
        Assert.Equal(TcpError.AddressNotAvailable, w.TB.Listen(Wire.IpA, 81, 2, out _));
        Assert.Equal(TcpError.InvalidArgument, w.TB.Listen(IPv4Address.Any, 81, 0, out _));
        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 0, 1, out TcpConnectionListener eph));
        Assert.InRange(eph.LocalPort, 49152, 65535);
        Assert.Equal(TcpError.AddressInUse, w.TB.Connect(Wire.IpA, 1234, out _, 80));
        Assert.Equal(TcpError.InvalidArgument, w.TA.Connect(Wire.IpB, 0, out _));
        Assert.Equal(TcpError.InvalidArgument, w.TA.Connect(IPv4Address.Broadcast, 80, out _));
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection a1, 40000));
        Assert.Equal(TcpError.AddressInUse, w.TA.Connect(Wire.IpB, 80, out _, 40000));
        // Backlog 2: a third and fourth client stay unaccepted (their SYNs are dropped) until the queue drains.
        var clients = new List<TcpConnection> { a1 };
        var ports = new HashSet<int> { 40000 };
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection ci));
            Assert.True(ports.Add(ci.LocalEndPoint.Port));
            clients.Add(ci);
        }
        w.Run(500);
        Assert.Equal(2, l.PendingCount);
        Assert.True(w.TB.Statistics.ListenOverflows > 0);
        int accepted = 0;
        w.RunUntil(() => { while (l.TryAccept(out _)) accepted++; return accepted == 4; }, 20_000);
        Assert.All(clients, x => Assert.Equal(TcpState.Established, x.State));
        l.Stop();
        Assert.False(l.IsListening);
        Assert.Equal(TcpError.None, w.TB.Listen(IPv4Address.Any, 80, 2, out _));
    }

    [Fact]
    public void Loopback_Connection_To_Own_Address_Works()
    {
        var w = new Wire();
        Assert.Equal(TcpError.None, w.TA.Listen(IPv4Address.Any, 7, 1, out TcpConnectionListener l));
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpA, 7, out TcpConnection c));
        TcpConnection s = null;
        w.RunUntil(() => c.State == TcpState.Established && (s != null || l.TryAccept(out s)), 10);
        c.Send(new byte[] { 1, 2, 3 });
        byte[] b = new byte[8];
        Assert.Equal(3, s.Receive(b));
    }

    [Fact]
    public void Sequence_Numbers_Wrap_Around_2_Pow_32()
    {
        var w = new Wire(seed: 9) { Loss = 0.03, Reorder = 0.05 };
        w.TA.NextInitialSequenceNumberForTests = 0xFFFF_F000u;
        w.TB.NextInitialSequenceNumberForTests = 0xFFFF_FF00u;
        var (c, s, _) = w.Open();
        byte[] up = RandomBytes(200_000, 10), down = RandomBytes(150_000, 11);
        var pu = new Pump(up);
        var pd = new Pump(down);
        w.RunUntil(() => s.IsPeerClosed && c.IsPeerClosed && pu.ReceivedCount == up.Length && pd.ReceivedCount == down.Length, 120_000,
            () => { pu.Step(c, s); pd.Step(s, c); });
        Assert.Equal(Sha(up), Sha(pu.Received));
        Assert.Equal(Sha(down), Sha(pd.Received));
    }

    [Fact]
    public void Lost_Window_Update_Is_Recovered_By_The_Persist_Timer()
    {
        var w = new Wire(settingsB: new TcpSettings { ReceiveBufferSize = 8192 });
        var (c, s, _) = w.Open();
        byte[] data = RandomBytes(40_000, 12);
        int sent = 0;
        void Feed() { while (sent < data.Length) { int n = c.Send(data.AsSpan(sent, Math.Min(4096, data.Length - sent))); if (n <= 0) break; sent += n; } }
        w.Run(3000, Feed);
        Assert.Equal(0, c.SendWindow);
        // The receiver drains its buffer but every frame it sends for the next 50 ms is lost: the window update too.
        long until = w.Now + 50;
        w.Filter = (from, f) => from == 1 && w.Now < until;
        var received = new System.IO.MemoryStream();
        byte[] buf = new byte[8192];
        int r0 = s.Receive(buf);
        received.Write(buf, 0, r0);
        w.Run(60);
        Assert.Equal(0, c.SendWindow);   // the sender still believes the window is closed
        long probes = w.TA.Statistics.ZeroWindowProbes;
        w.RunUntil(() => received.Length == data.Length, 30_000, () =>
        {
            Feed();
            int r;
            while ((r = s.Receive(buf)) > 0) received.Write(buf, 0, r);
        });
        Assert.True(w.TA.Statistics.ZeroWindowProbes > probes);
        Assert.Equal(Sha(data), Sha(received.ToArray()));
    }

    [Fact]
    public void New_Syn_Reuses_A_Time_Wait_Four_Tuple_And_Orphans_Leave_Fin_Wait_2()
    {
        var w = new Wire(settingsA: new TcpSettings { FinWait2TimeoutMs = 3000 });
        var (c, s, l) = w.Open(80, 4);
        ushort port = c.LocalEndPoint.Port;
        // Server closes first and ends in TIME-WAIT (MSL 2 min).
        s.Close();
        w.RunUntil(() => c.State == TcpState.CloseWait, 100);
        c.Close();
        w.RunUntil(() => s.State == TcpState.TimeWait && c.IsClosed, 100);
        // The client reconnects from the same port at once: the SYN lands on the TIME-WAIT TCB and opens anew.
        Assert.Equal(TcpError.None, w.TA.Connect(Wire.IpB, 80, out TcpConnection c2, port));
        TcpConnection s2 = null;
        w.RunUntil(() => c2.State == TcpState.Established && (s2 != null || l.TryAccept(out s2)), 200);
        Assert.Equal(TcpState.Established, s2.State);
        // FIN-WAIT-2 with the application gone and a silent peer: reset after FinWait2TimeoutMs.
        w.Filter = (from, f) => from == 1 && Wire.TryTcp(f, out _, out TcpHeader h, out _) && h.Has(TcpFlags.Fin);
        c2.Close();
        w.RunUntil(() => c2.State == TcpState.FinWait2, 100);
        long t = w.Now;
        s2.Close();   // its FIN is lost
        w.RunUntil(() => c2.IsClosed, 10_000);
        Assert.InRange(w.Now - t, 2900, 3100);
        Assert.Equal(TcpError.TimedOut, c2.Error);
    }

    [Fact]
    public void NoDelay_Sends_Small_Writes_While_Data_Is_In_Flight_Nagle_Coalesces_Them()
    {
        foreach (bool noDelay in new[] { false, true })
        {
            var w = new Wire();
            var (c, s, _) = w.Open();
            c.NoDelay = noDelay;
            int dataSegments = 0;
            w.Filter = (from, f) => { if (from == 0 && Wire.TryTcp(f, out _, out _, out int len) && len > 0) dataSegments++; return false; };
            for (int i = 0; i < 10; i++) Assert.Equal(10, c.Send(new byte[10]));
            w.RunUntil(() => s.BytesAvailable == 100, 100);
            if (noDelay) Assert.Equal(10, dataSegments);
            else Assert.Equal(2, dataSegments);   // the first write, then the other nine together after its ACK
        }
    }

    [Fact]
    public void Forged_Segments_Never_Throw_And_Leave_The_Tables_Bounded()
    {
        // 10 % of the frames are followed by a forged variant with a valid checksum: shifted or random sequence and
        // acknowledgment numbers, random control bits, window, options and text length.
        for (int seed = 1; seed <= 12; seed++)
        {
            var rng = new Random(seed);
            var w = new Wire(seed: seed) { Loss = 0.03, Reorder = 0.05 };
            if (seed % 2 == 0) w.TA.NextInitialSequenceNumberForTests = 0xFFFF_FF00u;
            var (c, s, _) = w.Open();
            w.Filter = (from, f) =>
            {
                if (rng.NextDouble() > 0.1 || !Wire.TryTcp(f, out IPv4Header ip, out TcpHeader h, out int len)) return false;
                uint seq = h.SequenceNumber, ack = h.AcknowledgmentNumber;
                switch (rng.Next(5))
                {
                    case 0: seq += (uint)rng.Next(-70000, 70000); break;
                    case 1: ack += (uint)rng.Next(-70000, 70000); break;
                    case 2: seq = (uint)rng.Next(); ack = (uint)rng.Next(); break;
                    case 3: seq += (uint)rng.Next(-3000, 3000); ack += (uint)rng.Next(-3000, 3000); break;
                }
                TcpFlags fl = rng.Next(3) == 0 ? (TcpFlags)rng.Next(256) : h.Flags;
                if ((fl & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Fin)) == 0) fl |= TcpFlags.Ack;
                if ((fl & TcpFlags.Syn) != 0) fl &= ~(TcpFlags.Fin | TcpFlags.Rst);
                byte[] data = new byte[rng.Next(3) == 0 ? rng.Next(1400) : len];
                byte[] seg = new TcpHeader(h.SourcePort, h.DestinationPort, seq, ack, fl, (ushort)rng.Next(65536),
                    maximumSegmentSize: (ushort)rng.Next(2000), windowScale: rng.Next(-1, 16)).Build(ip.SourceAddress, ip.DestinationAddress, data);
                (from == 0 ? w.B : w.A).Receive(Wire.TcpFrame(from == 0 ? Wire.MacA : Wire.MacB, from == 0 ? Wire.MacB : Wire.MacA,
                    ip.SourceAddress, ip.DestinationAddress, seg), w.Now);
                return false;
            };
            byte[] block = new byte[4096], sink = new byte[8192];
            w.Run(5000, () =>
            {
                c.Send(block); s.Send(block);
                while (c.Receive(sink) > 0) { }
                while (s.Receive(sink) > 0) { }
            });
            c.Close(); s.Close();
            w.Run(3000);
            Assert.True(w.TA.ConnectionCount <= 1 && w.TB.ConnectionCount <= 1);
        }
    }
}
