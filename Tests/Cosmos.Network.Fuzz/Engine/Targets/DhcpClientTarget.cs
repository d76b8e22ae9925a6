using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// <see cref="DhcpClient"/> on an unconfigured <see cref="IPv4Host"/>, fed captured server replies (OFFER, ACK) with
/// the seed's transaction ID and client MAC, so mutations reach the state machine: a mutated OFFER in SELECTING, or
/// the captured OFFER then a mutated ACK in REQUESTING, or a whole exchange then a mutated ACK while RENEWING; then
/// time runs through T1, T2 and the lease's end. Invariants: nothing throws; each frame is accounted for once; a
/// BOUND client has configured the host with its lease, and the leased address and the server identifier are usable
/// unicast addresses; the
/// host's outputs stay well formed; after <see cref="DhcpClient.Release"/> the client is stopped and the host
/// unconfigured by the next poll.
/// </summary>
public sealed class DhcpClientTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "dhcp-client";

    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed)
        => seed.Layout.Dhcp >= 0 && seed.Data.Length >= seed.Layout.Dhcp + 240 && seed.Data[seed.Layout.Dhcp] == DhcpMessage.OpBootReply;

    private static byte MessageType(SeedFrame s)
    {
        foreach (int o in FrameEdit.DhcpOptions(s.Data, s.Layout.Dhcp, s.Layout.UdpEnd))
            if (s.Data[o] == DhcpMessage.OptionMessageType && o + 2 < s.Data.Length) return s.Data[o + 2];
        return 0;
    }

    private static uint Xid(SeedFrame s) => BinaryPrimitives.ReadUInt32BigEndian(s.Data.AsSpan(s.Layout.Dhcp + 4));

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        Random rng = c.Rng;
        SeedFrame seed = c.Seed;
        uint xid = Xid(seed);
        var mac = MacAddress.Read(seed.Data.AsSpan(seed.Layout.Dhcp + 28));
        SeedFrame offer = null, ack = null;
        foreach (SeedFrame s in c.Corpus.ByFile[seed.File])
        {
            if (!Accepts(s) || Xid(s) != xid) continue;
            byte t = MessageType(s);
            if (t == (byte)DhcpMessageType.Offer) offer ??= s;
            if (t == (byte)DhcpMessageType.Ack) ack ??= s;
        }
        var sent = new List<byte[]>();
        var host = new IPv4Host(mac, IPv4Address.Any, IPv4Address.Any, IPv4Address.Any, f => sent.Add(f.ToArray()));
        var client = new DhcpClient(host, xid);
        long now = 5000;
        client.Start(now);
        c.Log.Add($"DHCP client {mac} xid 0x{xid:X8}; seed is a type {MessageType(seed)} reply");

        var steps = new List<byte[]>();
        int plan = rng.Next(3);
        if (MessageType(seed) == (byte)DhcpMessageType.Ack && offer != null)
        {
            steps.Add(c.Original(offer));
            if (plan == 0 && ack != null) steps.Add(c.Original(ack));
        }
        int mutated = 1 + rng.Next(3);
        for (int i = 0; i < mutated; i++) steps.Add(c.Mutate(i == 0 ? seed : offer != null && rng.Next(2) == 0 ? offer : seed, (FuzzLayer)(rng.Next(4) == 0 ? (int)FuzzLayer.IPv4 : (int)FuzzLayer.Dhcp)));

        for (int i = 0; i < steps.Count; i++)
        {
            // After a whole captured exchange, move to RENEWING (T1) before the mutated replies.
            if (plan == 0 && i == 2 && client.State == DhcpClientState.Bound && client.LeaseTimeSeconds != 0xFFFF_FFFFu)
            {
                now += client.LeaseTimeSeconds * 500L + 1;
                Poll(host, client, now, sent);
                c.Log.Add($"advanced to T1: {client.State}");
            }
            Receive(host, client, steps[i], now, sent);
            now += 1 + rng.Next(100);
        }
        string state = client.State.ToString();
        if (rng.Next(4) == 0)
        {
            // Give the lease back (DHCPRELEASE when bound); the host is unconfigured by the next Poll at the latest.
            int sentBefore = sent.Count;
            IPv4Address leased = host.Address;
            client.Release(now);
            for (int i = sentBefore; i < sent.Count; i++) HostTarget.CheckSent(host, sent[i], leased);
            Check.That(client.State == DhcpClientState.Stopped && client.LeasedAddress.IsAny, $"after Release: {client.State}, {client.LeasedAddress}");
            Poll(host, client, now + 3_001, sent);
            Check.That(host.Address.IsAny, $"host still has {host.Address} after Release");
            c.Log.Add("released");
            return state + " (released)";
        }
        // Let the lease run: retransmissions, T1, T2, expiry (and the restart after it).
        long lease = client.LeaseTimeSeconds == 0xFFFF_FFFFu ? 3_600_000 : Math.Min(client.LeaseTimeSeconds * 1000L, 10L * 24 * 3_600_000);
        foreach (long t in new[] { 4_001L, 12_001L, lease / 2 + 1, lease / 8 * 7 + 1, lease + 1, lease + 4_002 })
        {
            Poll(host, client, now + t, sent);
        }
        return state;
    }

    private static void Receive(IPv4Host host, DhcpClient client, byte[] frame, long now, List<byte[]> sent)
    {
        IPv4HostStatistics st = host.Statistics;
        long[] before = HostTarget.Counters(st);
        long framesBefore = st.FramesReceived, loopedBefore = st.LoopedBack;
        int sentBefore = sent.Count;
        host.Receive(frame, now);
        HostTarget.CheckAccounted(st, before, framesBefore, loopedBefore, frame);
        for (int i = sentBefore; i < sent.Count; i++) HostTarget.CheckSent(host, sent[i]);
        CheckClient(host, client);
    }

    private static void Poll(IPv4Host host, DhcpClient client, long now, List<byte[]> sent)
    {
        int sentBefore = sent.Count;
        host.Poll(now);
        client.Poll(now);
        for (int i = sentBefore; i < sent.Count; i++) HostTarget.CheckSent(host, sent[i]);
        CheckClient(host, client);
        HostTarget.CheckBounds(host);
    }

    private static void CheckClient(IPv4Host host, DhcpClient client)
    {
        if (client.State is DhcpClientState.Bound or DhcpClientState.Renewing or DhcpClientState.Rebinding)
        {
            Check.That(host.Address == client.LeasedAddress, $"client {client.State} with {client.LeasedAddress}, host has {host.Address}");
            IPv4Address a = client.LeasedAddress;
            bool unicast = !a.IsAny && !a.IsBroadcast && !a.IsMulticast && (a.Value >> 24) != 127 && (a.Value >> 24) != 0 && (a.Value >> 28) != 0xF;
            Check.That(unicast, $"leased address {a} is not a usable unicast address");
            Check.That(!host.IsBroadcast(a), $"leased address {a} is the broadcast address of its subnet ({host.Netmask})");
            Check.That(client.ServerIdentifier.IsUnicast, $"lease from server identifier {client.ServerIdentifier}, not a single host");
        }
        else if (client.State is DhcpClientState.Selecting or DhcpClientState.Requesting or DhcpClientState.Init or DhcpClientState.Stopped)
            Check.That(host.Address.IsAny || client.State is DhcpClientState.Init or DhcpClientState.Stopped, $"client {client.State} but host has {host.Address}");
    }
}
