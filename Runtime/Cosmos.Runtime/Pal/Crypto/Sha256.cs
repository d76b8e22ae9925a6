using System;
using System.Buffers.Binary;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4 §6.2), incremental, as a value type with no references so that a context can live in memory
    /// the platform layer allocates (<see cref="CryptoNative"/>) and be copied by assignment. Use:
    /// <see cref="Initialize"/>, any number of <see cref="Append"/>, then <see cref="Finish"/> (which leaves the state
    /// spent: initialize again to reuse it). Names follow FIPS 180-4: H (hash value), W (message schedule), K (constants).
    /// </summary>
    public unsafe struct Sha256 : IBlockFunction
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashSizeInBytes = 32;
        /// <summary>Message block length in bytes.</summary>
        public const int BlockSizeInBytes = 64;

        private fixed uint _h[8];
        private fixed byte _block[BlockSizeInBytes];
        private int _fill;
        private ulong _length;   // bytes appended

        /// <summary>FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.</summary>
        private static ReadOnlySpan<uint> K => new uint[]
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        /// <summary>Sets the initial hash value H(0) (FIPS 180-4 §5.3.3).</summary>
        public void Initialize()
        {
            _h[0] = 0x6a09e667; _h[1] = 0xbb67ae85; _h[2] = 0x3c6ef372; _h[3] = 0xa54ff53a;
            _h[4] = 0x510e527f; _h[5] = 0x9b05688c; _h[6] = 0x1f83d9ab; _h[7] = 0x5be0cd19;
            _fill = 0;
            _length = 0;
        }

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            _length += (ulong)data.Length;
            fixed (byte* block = _block) MerkleDamgard.Append(ref this, block, BlockSizeInBytes, ref _fill, data);
        }

        /// <summary>Pads the message (FIPS 180-4 §5.1.1) and writes the 32-byte digest; the state is spent afterwards.</summary>
        public void Finish(Span<byte> digest)
        {
            if (digest.Length < HashSizeInBytes) throw new ArgumentException("digest too short", nameof(digest));
            fixed (byte* block = _block) MerkleDamgard.Finish(ref this, block, BlockSizeInBytes, _fill, _length, 8, bigEndian: true);
            for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest.Slice(4 * i), _h[i]);
        }

        /// <summary>The digest of <paramref name="data"/> in one call.</summary>
        public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            Sha256 s = default;
            s.Initialize();
            s.Append(data);
            s.Finish(digest);
        }

        private static uint Rotr(uint x, int n) => (x >> n) | (x << (32 - n));

        /// <summary>FIPS 180-4 §6.2.2: processes one 64-byte block M.</summary>
        void IBlockFunction.Compress(byte* m)
        {
            uint* w = stackalloc uint[64];
            for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(m + 4 * t, 4));
            for (int t = 16; t < 64; t++)
            {
                uint s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
                uint s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
                w[t] = s1 + w[t - 7] + s0 + w[t - 16];
            }
            ReadOnlySpan<uint> k = K;
            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 64; t++)
            {
                uint t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
                uint t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d; _h[4] += e; _h[5] += f; _h[6] += g; _h[7] += h;
        }
    }
}
