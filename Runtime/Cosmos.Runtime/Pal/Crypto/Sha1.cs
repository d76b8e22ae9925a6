using System;
using System.Buffers.Binary;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// SHA-1 (FIPS 180-4 §6.1), incremental, a reference-free value type like <see cref="Sha256"/> (same use:
    /// <see cref="Initialize"/>, <see cref="Append"/>, <see cref="Finish"/>).
    /// </summary>
    public unsafe struct Sha1 : IBlockFunction
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashSizeInBytes = 20;
        /// <summary>Message block length in bytes.</summary>
        public const int BlockSizeInBytes = 64;

        private fixed uint _h[5];
        private fixed byte _block[BlockSizeInBytes];
        private int _fill;
        private ulong _length;

        /// <summary>Sets the initial hash value H(0) (FIPS 180-4 §5.3.1).</summary>
        public void Initialize()
        {
            _h[0] = 0x67452301; _h[1] = 0xefcdab89; _h[2] = 0x98badcfe; _h[3] = 0x10325476; _h[4] = 0xc3d2e1f0;
            _fill = 0;
            _length = 0;
        }

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            _length += (ulong)data.Length;
            fixed (byte* block = _block) MerkleDamgard.Append(ref this, block, BlockSizeInBytes, ref _fill, data);
        }

        /// <summary>Pads the message (FIPS 180-4 §5.1.1) and writes the 20-byte digest; the state is spent afterwards.</summary>
        public void Finish(Span<byte> digest)
        {
            if (digest.Length < HashSizeInBytes) throw new ArgumentException("digest too short", nameof(digest));
            fixed (byte* block = _block) MerkleDamgard.Finish(ref this, block, BlockSizeInBytes, _fill, _length, 8, bigEndian: true);
            for (int i = 0; i < 5; i++) BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(4 * i), _h[i]);
        }

        /// <summary>The digest of <paramref name="data"/> in one call.</summary>
        public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            Sha1 s = default;
            s.Initialize();
            s.Append(data);
            s.Finish(digest);
        }

        private static uint Rotl(uint x, int n) => (x << n) | (x >> (32 - n));

        /// <summary>FIPS 180-4 §6.1.2: processes one 64-byte block M.</summary>
        void IBlockFunction.Compress(byte* m)
        {
            uint* w = stackalloc uint[80];
            for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(m + 4 * t, 4));
            for (int t = 16; t < 80; t++) w[t] = Rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4];
            for (int t = 0; t < 80; t++)
            {
                uint f, k;
                if (t < 20) { f = (b & c) ^ (~b & d); k = 0x5a827999; }          // Ch
                else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }              // Parity
                else if (t < 60) { f = (b & c) ^ (b & d) ^ (c & d); k = 0x8f1bbcdc; } // Maj
                else { f = b ^ c ^ d; k = 0xca62c1d6; }                         // Parity
                uint temp = Rotl(a, 5) + f + e + k + w[t];
                e = d; d = c; c = Rotl(b, 30); b = a; a = temp;
            }
            _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d; _h[4] += e;
        }
    }
}
