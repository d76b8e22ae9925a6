using System;
using System.Buffers.Binary;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// <see cref="IPv4Header.TryParse"/> on the Ethernet payload (options, lengths, fragments, checksums): an accepted
/// header is consistent (version 4, 5 ≤ IHL, IHL × 4 ≤ Total Length ≤ data, checksum verifies, payload is exactly
/// Total Length − IHL × 4 octets after the options), and an option-less one rewrites to the same 20 octets.
/// </summary>
public sealed class IPv4Target : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "ipv4";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.Ip >= 0;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.IPv4);
        ReadOnlySpan<byte> data = f.Length > 14 ? f.AsSpan(14) : ReadOnlySpan<byte>.Empty;
        ParseStatus s = IPv4Header.TryParse(data, out IPv4Header h, out ReadOnlySpan<byte> payload);
        if (s != ParseStatus.Ok)
        {
            Check.That(h.TotalLength == 0 && payload.IsEmpty, "IPv4: refused header left fields set");
            return s.ToString();
        }
        Check.That(h.Version == 4 && h.InternetHeaderLength >= 5, "IPv4: Ok with a bad version or IHL");
        Check.That(h.HeaderLength <= h.TotalLength && h.TotalLength <= data.Length, $"IPv4: Ok with IHL {h.InternetHeaderLength}, Total Length {h.TotalLength}, {data.Length} octets");
        Check.That(payload.Length == h.PayloadLength, "IPv4: payload length is not Total Length - IHL*4");
        Check.That(FrameEdit.Sum(data.Slice(0, h.HeaderLength)) == 0xFFFF, "IPv4: Ok with a checksum that does not verify");
        Check.That(payload.Length == 0 || payload == data.Slice(h.HeaderLength, payload.Length), "IPv4: payload is not where the options end");
        if (h.InternetHeaderLength == 5)
        {
            var again = new byte[20];
            h.Write(again);
            // One's complement has two zeros: a header that verified with 0xFFFF where 0x0000 is computed is fine.
            bool same = again.AsSpan(0, 10).SequenceEqual(data.Slice(0, 10)) && again.AsSpan(12, 8).SequenceEqual(data.Slice(12, 8));
            Check.That(same, "IPv4: header does not rewrite to the same octets");
            Check.That(BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2)) == h.TotalLength, "IPv4: Total Length");
        }
        return h.IsFragment ? "Ok (fragment)" : h.InternetHeaderLength > 5 ? "Ok (options)" : "Ok";
    }
}
