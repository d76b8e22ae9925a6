using System;

namespace Cosmos.Network.Fuzz;

/// <summary><see cref="ArpPacket.TryParse"/> on the Ethernet payload of ARP frames: an accepted packet rewrites to the same 28 octets.</summary>
public sealed class ArpTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "arp";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.Arp >= 0;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Arp);
        ReadOnlySpan<byte> data = f.Length > 14 ? f.AsSpan(14) : ReadOnlySpan<byte>.Empty;
        ParseStatus s = ArpPacket.TryParse(data, out ArpPacket p);
        if (s == ParseStatus.Ok)
        {
            Check.That(data.Length >= ArpPacket.Length, "ARP: Ok for a short packet");
            Check.That(p.Operation is ArpPacket.OpRequest or ArpPacket.OpReply, "ARP: Ok with a bad opcode");
            Check.That(p.ToArray().AsSpan().SequenceEqual(data.Slice(0, ArpPacket.Length)), "ARP: packet does not rewrite to the same octets");
        }
        else Check.That(p.Operation == 0, "ARP: refused packet left fields set");
        return s.ToString();
    }
}
