using System;
using System.Buffers.Binary;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// MD5 (RFC 1321), incremental, a reference-free value type like <see cref="Sha256"/> (same use). Words and the
    /// length are little-endian, unlike the SHA family. Broken for collision resistance; here because .NET offers it.
    /// </summary>
    public unsafe struct Md5 : IBlockFunction
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashSizeInBytes = 16;
        /// <summary>Message block length in bytes.</summary>
        public const int BlockSizeInBytes = 64;

        private fixed uint _state[4];   // A, B, C, D
        private fixed byte _block[BlockSizeInBytes];
        private int _fill;
        private ulong _length;

        /// <summary>RFC 1321 §3.4: T[i] = floor(2^32 · |sin(i + 1)|).</summary>
        private static ReadOnlySpan<uint> T => new uint[]
        {
            0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
            0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
            0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
            0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
            0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
            0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
            0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
            0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
        };

        /// <summary>Per-round rotation amounts (RFC 1321 §3.4), four per round.</summary>
        private static ReadOnlySpan<byte> S => new byte[] { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

        /// <summary>Initializes the MD buffer (RFC 1321 §3.3).</summary>
        public void Initialize()
        {
            _state[0] = 0x67452301; _state[1] = 0xefcdab89; _state[2] = 0x98badcfe; _state[3] = 0x10325476;
            _fill = 0;
            _length = 0;
        }

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            _length += (ulong)data.Length;
            fixed (byte* block = _block) MerkleDamgard.Append(ref this, block, BlockSizeInBytes, ref _fill, data);
        }

        /// <summary>Pads (RFC 1321 §3.1–3.2) and writes the 16-byte digest; the state is spent afterwards.</summary>
        public void Finish(Span<byte> digest)
        {
            if (digest.Length < HashSizeInBytes) throw new ArgumentException("digest too short", nameof(digest));
            fixed (byte* block = _block) MerkleDamgard.Finish(ref this, block, BlockSizeInBytes, _fill, _length, 8, bigEndian: false);
            for (int i = 0; i < 4; i++) BinaryPrimitives.WriteUInt32LittleEndian(digest.Slice(4 * i), _state[i]);
        }

        /// <summary>The digest of <paramref name="data"/> in one call.</summary>
        public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            Md5 s = default;
            s.Initialize();
            s.Append(data);
            s.Finish(digest);
        }

        private static uint Rotl(uint x, int n) => (x << n) | (x >> (32 - n));

        /// <summary>RFC 1321 §3.4: processes one 16-word block X.</summary>
        void IBlockFunction.Compress(byte* m)
        {
            uint* x = stackalloc uint[16];
            for (int i = 0; i < 16; i++) x[i] = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(m + 4 * i, 4));
            ReadOnlySpan<uint> t = T;
            ReadOnlySpan<byte> s = S;
            uint a = _state[0], b = _state[1], c = _state[2], d = _state[3];
            for (int i = 0; i < 64; i++)
            {
                uint f; int g;
                switch (i >> 4)
                {
                    case 0: f = (b & c) | (~b & d); g = i; break;              // F
                    case 1: f = (b & d) | (c & ~d); g = (5 * i + 1) & 15; break; // G
                    case 2: f = b ^ c ^ d; g = (3 * i + 5) & 15; break;          // H
                    default: f = c ^ (b | ~d); g = (7 * i) & 15; break;          // I
                }
                uint next = b + Rotl(a + f + x[g] + t[i], s[((i >> 4) << 2) | (i & 3)]);
                a = d; d = c; c = b; b = next;
            }
            _state[0] += a; _state[1] += b; _state[2] += c; _state[3] += d;
        }
    }
}
