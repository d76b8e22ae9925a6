using System;

namespace Cosmos.Network.Fuzz;

/// <summary><see cref="IcmpEchoHeader.TryParse"/> on the IPv4 data of ICMP frames: accepted messages verify and echo messages rebuild to the same octets.</summary>
public sealed class IcmpTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "icmp";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.HasTransport && seed.Layout.Protocol == IPProtocol.Icmp;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Icmp);
        FrameLayout l = FrameLayout.Of(f);
        ReadOnlySpan<byte> m = l.Transport >= 0 ? f.AsSpan(l.Transport, l.IpEnd - l.Transport) : f.Length > 34 ? f.AsSpan(34) : f;
        ParseStatus s = IcmpEchoHeader.TryParse(m, out IcmpEchoHeader h, out ReadOnlySpan<byte> data);
        if (s != ParseStatus.Ok) { Check.That(data.IsEmpty && h.Type == 0 && h.Checksum == 0, "ICMP: refused message left fields set"); return s.ToString(); }
        Check.That(m.Length >= 8 && data.Length == m.Length - 8, "ICMP: data length");
        Check.That(FrameEdit.Sum(m) == 0xFFFF, "ICMP: Ok with a checksum that does not verify");
        if (h.IsEcho)
        {
            Check.That(h.Code == 0, "ICMP: echo with code != 0 accepted");
            byte[] again = IcmpEchoHeader.BuildEcho(h.Type, h.Identifier, h.SequenceNumber, data);
            Check.That(again.AsSpan(4).SequenceEqual(m.Slice(4)) && again[0] == m[0], "ICMP: echo does not rebuild to the same octets");
        }
        return s + (h.IsEcho ? " (echo)" : " (other type)");
    }
}
