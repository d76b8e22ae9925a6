using System;

namespace Cosmos.Network;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data taken as
/// big-endian 16-bit words, an odd last octet padded with a zero octet. Used by IPv4 (RFC 791 section 3.1 "Header
/// Checksum"), ICMP (RFC 792) and UDP (RFC 768, over a pseudo header).
/// </summary>
public static class InternetChecksum
{
    /// <summary>
    /// Adds <paramref name="data"/> to a running 32-bit one's complement accumulator (not yet folded). Data must be
    /// fed in even-length pieces except for the last piece, because an odd piece is padded with zero.
    /// </summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong acc = sum;
        int i = 0;
        for (; i + 1 < data.Length; i += 2) acc += (uint)((data[i] << 8) | data[i + 1]);
        if (i < data.Length) acc += (uint)(data[i] << 8);
        while ((acc >> 32) != 0) acc = (acc & 0xFFFF_FFFFUL) + (acc >> 32);
        // Keep the accumulator below 2^32 by folding at 16 bits as well; one's complement sums are invariant under it.
        acc = (acc & 0xFFFF) + (acc >> 16);
        return (uint)acc;
    }

    /// <summary>Adds one 16-bit word (host value, sent big-endian) to a running accumulator.</summary>
    public static uint AddWord(uint sum, ushort word)
    {
        ulong acc = (ulong)sum + word;
        acc = (acc & 0xFFFF) + (acc >> 16);
        return (uint)acc;
    }

    /// <summary>Folds an accumulator to 16 bits and complements it: the value to store in a checksum field (host order).</summary>
    public static ushort Finish(uint sum)
    {
        while ((sum >> 16) != 0) sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>The checksum of <paramref name="data"/> (host-order value of the field). Zero when the data already contains a correct checksum.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Add(0, data));

    /// <summary>
    /// The accumulator of the TCP/UDP IPv4 pseudo header (RFC 768 / RFC 793): source address, destination address,
    /// a zero octet, the protocol and the upper-layer length in octets.
    /// </summary>
    public static uint PseudoHeaderSum(IPv4Address source, IPv4Address destination, byte protocol, int length)
    {
        uint sum = 0;
        sum = AddWord(sum, (ushort)(source.Value >> 16));
        sum = AddWord(sum, (ushort)source.Value);
        sum = AddWord(sum, (ushort)(destination.Value >> 16));
        sum = AddWord(sum, (ushort)destination.Value);
        sum = AddWord(sum, protocol);
        sum = AddWord(sum, (ushort)length);
        return sum;
    }
}
