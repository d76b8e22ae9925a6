using System;

namespace Cosmos.Network.Fuzz;

/// <summary><see cref="EthernetHeader.TryParse"/> on whole frames: Ok exactly when 14 octets are there, and the header rewrites to the same octets.</summary>
public sealed class EthernetTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "ethernet";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => true;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Ethernet);
        ParseStatus s = EthernetHeader.TryParse(f, out EthernetHeader h, out ReadOnlySpan<byte> payload);
        Check.That((s == ParseStatus.Ok) == (f.Length >= 14), $"Ethernet: {s} for {f.Length} octets");
        if (s == ParseStatus.Ok)
        {
            Check.That(payload.Length == f.Length - 14, "Ethernet: payload length");
            var again = new byte[14];
            h.Write(again);
            Check.That(again.AsSpan().SequenceEqual(f.AsSpan(0, 14)), "Ethernet: header does not rewrite to the same octets");
        }
        return s.ToString();
    }
}
