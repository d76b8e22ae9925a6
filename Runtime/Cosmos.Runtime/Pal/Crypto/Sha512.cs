using System;
using System.Buffers.Binary;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// SHA-512 (FIPS 180-4 §6.4), incremental, a reference-free value type like <see cref="Sha256"/>. Also the engine of
    /// <see cref="Sha384"/> (§6.5: the same computation from another H(0), truncated to 384 bits).
    /// </summary>
    public unsafe struct Sha512 : IBlockFunction
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashSizeInBytes = 64;
        /// <summary>Message block length in bytes.</summary>
        public const int BlockSizeInBytes = 128;

        private fixed ulong _h[8];
        private fixed byte _block[BlockSizeInBytes];
        private int _fill;
        private ulong _length;   // bytes appended (the 128-bit bit length's high part is _length >> 61)

        /// <summary>FIPS 180-4 §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.</summary>
        private static ReadOnlySpan<ulong> K => new ulong[]
        {
            0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538, 0x59f111f1b605d019,
            0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
            0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3,
            0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65, 0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
            0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
            0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
            0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b, 0xa2bfe8a14cf10364, 0xa81a664bbc423001,
            0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
            0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb,
            0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
            0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c, 0xd186b8c721c0c207,
            0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
            0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a,
            0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
        };

        /// <summary>Sets the SHA-512 initial hash value H(0) (FIPS 180-4 §5.3.5).</summary>
        public void Initialize() => Initialize(
            0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
            0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179);

        /// <summary>Starts from the given H(0) (SHA-384 and the SHA-512/t variants differ only in it).</summary>
        internal void Initialize(ulong h0, ulong h1, ulong h2, ulong h3, ulong h4, ulong h5, ulong h6, ulong h7)
        {
            _h[0] = h0; _h[1] = h1; _h[2] = h2; _h[3] = h3; _h[4] = h4; _h[5] = h5; _h[6] = h6; _h[7] = h7;
            _fill = 0;
            _length = 0;
        }

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            _length += (ulong)data.Length;
            fixed (byte* block = _block) MerkleDamgard.Append(ref this, block, BlockSizeInBytes, ref _fill, data);
        }

        /// <summary>Pads the message (FIPS 180-4 §5.1.2) and writes the 64-byte digest; the state is spent afterwards.</summary>
        public void Finish(Span<byte> digest) => Finish(digest, HashSizeInBytes);

        /// <summary>Pads and writes the leftmost <paramref name="size"/> bytes of the final hash value.</summary>
        internal void Finish(Span<byte> digest, int size)
        {
            if (digest.Length < size) throw new ArgumentException("digest too short", nameof(digest));
            fixed (byte* block = _block) MerkleDamgard.Finish(ref this, block, BlockSizeInBytes, _fill, _length, 16, bigEndian: true);
            Span<byte> full = stackalloc byte[HashSizeInBytes];
            for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt64BigEndian(full.Slice(8 * i), _h[i]);
            full.Slice(0, size).CopyTo(digest);
        }

        /// <summary>The digest of <paramref name="data"/> in one call.</summary>
        public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            Sha512 s = default;
            s.Initialize();
            s.Append(data);
            s.Finish(digest);
        }

        private static ulong Rotr(ulong x, int n) => (x >> n) | (x << (64 - n));

        /// <summary>FIPS 180-4 §6.4.2: processes one 128-byte block M.</summary>
        void IBlockFunction.Compress(byte* m)
        {
            ulong* w = stackalloc ulong[80];
            for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt64BigEndian(new ReadOnlySpan<byte>(m + 8 * t, 8));
            for (int t = 16; t < 80; t++)
            {
                ulong s0 = Rotr(w[t - 15], 1) ^ Rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
                ulong s1 = Rotr(w[t - 2], 19) ^ Rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
                w[t] = s1 + w[t - 7] + s0 + w[t - 16];
            }
            ReadOnlySpan<ulong> k = K;
            ulong a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 80; t++)
            {
                ulong t1 = h + (Rotr(e, 14) ^ Rotr(e, 18) ^ Rotr(e, 41)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
                ulong t2 = (Rotr(a, 28) ^ Rotr(a, 34) ^ Rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d; _h[4] += e; _h[5] += f; _h[6] += g; _h[7] += h;
        }
    }
}
