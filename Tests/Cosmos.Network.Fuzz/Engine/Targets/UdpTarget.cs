using System;
using System.Buffers.Binary;

namespace Cosmos.Network.Fuzz;

/// <summary><see cref="UdpHeader.TryParse"/> on the IPv4 data of UDP frames (addresses from the IPv4 header): accepted datagrams have 8 ≤ Length ≤ data, a verifying or absent checksum, and data trimmed to Length.</summary>
public sealed class UdpTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "udp";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.UdpData >= 0;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Udp);
        FrameLayout l = FrameLayout.Of(f);
        IPv4Address src = default, dst = default;
        if (l.Ip >= 0) { src = IPv4Address.Read(f.AsSpan(l.Ip + 12)); dst = IPv4Address.Read(f.AsSpan(l.Ip + 16)); }
        ReadOnlySpan<byte> d = l.Transport >= 0 ? f.AsSpan(l.Transport, l.IpEnd - l.Transport) : f.Length > 34 ? f.AsSpan(34) : f;
        ParseStatus s = UdpHeader.TryParse(d, src, dst, out UdpHeader h, out ReadOnlySpan<byte> data);
        if (s != ParseStatus.Ok) { Check.That(data.IsEmpty && h.TotalLength == 0, "UDP: refused datagram left fields set"); return s.ToString(); }
        Check.That(h.TotalLength >= 8 && h.TotalLength <= d.Length && data.Length == h.TotalLength - 8, $"UDP: Ok with Length {h.TotalLength} for {d.Length} octets");
        Check.That(h.DestinationPort == BinaryPrimitives.ReadUInt16BigEndian(d.Slice(2)), "UDP: destination port");
        if (h.Checksum != 0)
        {
            var addresses = new byte[8];
            src.Write(addresses); dst.Write(addresses.AsSpan(4));
            uint sum = FrameEdit.Sum(addresses);
            sum = FrameEdit.Sum(new byte[] { 0, 17, (byte)(h.TotalLength >> 8), (byte)h.TotalLength }, sum);
            Check.That(FrameEdit.Sum(d.Slice(0, h.TotalLength), sum) == 0xFFFF, "UDP: Ok with a checksum that does not verify");
        }
        return h.Checksum == 0 ? "Ok (no checksum)" : "Ok";
    }
}
