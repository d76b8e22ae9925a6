using System;

namespace Cosmos.Network;

/// <summary>
/// SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudorandom function with a 128-bit key, used for
/// RFC 6528 initial sequence numbers and for ephemeral port selection. The key is given as two little-endian 64-bit
/// halves (k0 = key octets 0..7, k1 = octets 8..15).
/// </summary>
public static class SipHash
{
    /// <summary>SipHash-2-4 of <paramref name="message"/> under the key (<paramref name="k0"/>, <paramref name="k1"/>).</summary>
    public static ulong Compute(ulong k0, ulong k1, ReadOnlySpan<byte> message)
    {
        ulong v0 = k0 ^ 0x736f6d6570736575UL;
        ulong v1 = k1 ^ 0x646f72616e646f6dUL;
        ulong v2 = k0 ^ 0x6c7967656e657261UL;
        ulong v3 = k1 ^ 0x7465646279746573UL;
        int blocks = message.Length / 8;
        for (int b = 0; b < blocks; b++)
        {
            ulong m = 0;
            for (int i = 7; i >= 0; i--) m = (m << 8) | message[b * 8 + i];
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }
        ulong last = (ulong)(message.Length & 0xFF) << 56;
        for (int i = message.Length - 1; i >= blocks * 8; i--) last |= (ulong)message[i] << (8 * (i - blocks * 8));
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xFF;
        for (int r = 0; r < 4; r++) Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static ulong Rotl(ulong x, int b) => (x << b) | (x >> (64 - b));

    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1; v1 = Rotl(v1, 13); v1 ^= v0; v0 = Rotl(v0, 32);
        v2 += v3; v3 = Rotl(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Rotl(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Rotl(v1, 17); v1 ^= v2; v2 = Rotl(v2, 32);
    }
}
