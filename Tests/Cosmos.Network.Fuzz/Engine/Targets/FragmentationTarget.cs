using System;
using System.Collections.Generic;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// The send side of fragmentation: <see cref="IPv4Host.SendUdp(IPv4Address, ushort, ushort, ReadOnlySpan{byte}, long)"/> and <see cref="IPv4Host.SendEchoRequest(IPv4Address, ushort, ushort, ReadOnlySpan{byte}, long)"/> with
/// data taken from a seed frame (repeated up to the 65,507-octet maximum), at an MTU between 576 and 1500, to a
/// resolved neighbour, a broadcast or a multicast group. Every frame sent must parse, fit the MTU, carry an 8-aligned
/// offset and the right More Fragments flag, and the fragments laid side by side must be exactly the datagram, which
/// then parses as the UDP or ICMP message that was sent.
/// </summary>
public sealed class FragmentationTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "fragmentation";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => true;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        Random rng = c.Rng;
        int mtu = rng.Next(3) == 0 ? 576 + rng.Next(925) : rng.Next(2) == 0 ? 1500 : 576;
        var sent = new List<byte[]>();
        var host = new IPv4Host(HostTarget.ServerMac, HostTarget.ServerIp, HostTarget.Mask, IPv4Address.Any, f => sent.Add(f.ToArray()), mtu: mtu);
        host.Arp.Add(HostTarget.ClientIp, HostTarget.ClientMac, 0);
        int[] sizes = { 0, 1, mtu - 28, mtu - 27, mtu - 20, 2 * (mtu - 20) - 8, rng.Next(4000), rng.Next(65508), 65507 };
        int size = sizes[rng.Next(sizes.Length)];
        bool echo = rng.Next(3) == 0;
        if (echo) size = Math.Min(size, IPv4Reassembler.MaximumPayload - 8);
        var data = new byte[size];
        byte[] seed = c.Seed.Data;
        for (int i = 0; i < size; i++) data[i] = (byte)(seed[i % seed.Length] + i / seed.Length);
        IPv4Address[] destinations = { HostTarget.ClientIp, HostTarget.ClientIp, IPv4Address.Broadcast, new IPv4Address(10, 99, 0, 255), new IPv4Address(224, 0, 0, 251) };
        IPv4Address dst = destinations[rng.Next(destinations.Length)];
        c.Log.Add($"MTU {mtu}, {(echo ? "echo request" : "UDP")} of {size} octets to {dst}");
        SendStatus status = echo ? host.SendEchoRequest(dst, 0x4242, 7, data, 1000) : host.SendUdp(dst, 5000, 7000, data, 1000);
        Check.That(status == SendStatus.Sent, $"send: {status}");
        c.Frames.AddRange(sent);

        int expectedLength = 8 + size; // ICMP echo and UDP headers are both 8 octets
        var whole = new byte[expectedLength];
        var have = new bool[expectedLength];
        int end = -1;
        ushort id = 0;
        for (int k = 0; k < sent.Count; k++)
        {
            byte[] f = sent[k];
            Check.That(f.Length <= 14 + mtu, $"frame of {f.Length} octets at MTU {mtu}");
            Check.That(EthernetHeader.TryParse(f, out EthernetHeader eth, out ReadOnlySpan<byte> p) == ParseStatus.Ok && eth.EtherType == EtherType.IPv4, "sent frame is not IPv4");
            Check.That(IPv4Header.TryParse(p, out IPv4Header ip, out ReadOnlySpan<byte> d) == ParseStatus.Ok, "sent fragment does not parse");
            Check.That(ip.TotalLength <= mtu, $"fragment of {ip.TotalLength} octets at MTU {mtu}");
            Check.That(ip.DestinationAddress == dst && ip.SourceAddress == host.Address, "fragment addresses");
            if (k == 0) id = ip.Identification; else Check.That(ip.Identification == id, "fragments of one datagram with different identifications");
            int first = ip.FragmentOffsetBytes;
            Check.That(first + d.Length <= expectedLength, $"fragment [{first}, {first + d.Length}) past the datagram's {expectedLength} octets");
            Check.That(ip.MoreFragments == (first + d.Length < expectedLength), $"More Fragments {ip.MoreFragments} on [{first}, {first + d.Length}) of {expectedLength}");
            Check.That(!ip.MoreFragments || (d.Length & 7) == 0, "a fragment with More Fragments has a length not a multiple of 8");
            for (int i = 0; i < d.Length; i++) { Check.That(!have[first + i], "fragments overlap"); have[first + i] = true; whole[first + i] = d[i]; }
            if (!ip.MoreFragments) end = first + d.Length;
        }
        Check.That(end == expectedLength && Array.TrueForAll(have, h => h), "the fragments do not cover the datagram");
        if (echo)
        {
            Check.That(IcmpEchoHeader.TryParse(whole, out IcmpEchoHeader h, out ReadOnlySpan<byte> payload) == ParseStatus.Ok, "sent echo does not parse");
            Check.That(h.Type == IcmpEchoHeader.TypeEcho && h.Identifier == 0x4242 && h.SequenceNumber == 7 && payload.SequenceEqual(data), "sent echo differs");
        }
        else
        {
            Check.That(UdpHeader.TryParse(whole, host.Address, dst, out UdpHeader h, out ReadOnlySpan<byte> payload) == ParseStatus.Ok, "sent UDP does not parse");
            Check.That(h.SourcePort == 5000 && h.DestinationPort == 7000 && payload.SequenceEqual(data), "sent UDP differs");
        }
        return sent.Count > 1 ? "fragmented" : "whole";
    }
}
