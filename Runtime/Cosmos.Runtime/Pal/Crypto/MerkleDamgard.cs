using System;
using System.Buffers.Binary;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>A hash's compression function: processes one message block (the hash knows its block size).</summary>
    internal unsafe interface IBlockFunction
    {
        /// <summary>Processes the block at <paramref name="block"/> into the hash value.</summary>
        void Compress(byte* block);
    }

    /// <summary>
    /// The message buffering and padding the Merkle–Damgård hashes share (MD5: RFC 1321 §3.1–3.2; SHA-1/224/256: FIPS
    /// 180-4 §5.1.1; SHA-384/512: §5.1.2): bytes are gathered into blocks for the compression function, and the last
    /// block gets 0x80, zeros and the message length in bits in its last 8 (or 16) bytes. Generic over the hash struct so
    /// each call compiles to a direct call of its compression function.
    /// </summary>
    internal static unsafe class MerkleDamgard
    {
        /// <summary>
        /// Appends <paramref name="data"/> to the partial block at <paramref name="block"/> (<paramref name="blockSize"/>
        /// bytes, <paramref name="fill"/> of them used), compressing every block that fills up; whole blocks of the input
        /// are compressed in place.
        /// </summary>
        public static void Append<T>(ref T hash, byte* block, int blockSize, ref int fill, ReadOnlySpan<byte> data) where T : struct, IBlockFunction
        {
            if (fill > 0)
            {
                int take = Math.Min(blockSize - fill, data.Length);
                data.Slice(0, take).CopyTo(new Span<byte>(block + fill, take));
                fill += take;
                data = data.Slice(take);
                if (fill < blockSize) return;
                hash.Compress(block);
                fill = 0;
            }
            fixed (byte* p = data)
            {
                int i = 0;
                for (; i + blockSize <= data.Length; i += blockSize) hash.Compress(p + i);
                data.Slice(i).CopyTo(new Span<byte>(block, blockSize));
                fill = data.Length - i;
            }
        }

        /// <summary>
        /// Pads the message and compresses the final block(s): 0x80, zeros, then the length of <paramref name="messageBytes"/>
        /// in bits in the last <paramref name="lengthFieldBytes"/> (8 or 16) bytes, big-endian (SHA) or little-endian (MD5,
        /// 8 bytes only). The partial block holds <paramref name="fill"/> bytes.
        /// </summary>
        public static void Finish<T>(ref T hash, byte* block, int blockSize, int fill, ulong messageBytes, int lengthFieldBytes, bool bigEndian) where T : struct, IBlockFunction
        {
            block[fill++] = 0x80;
            if (fill > blockSize - lengthFieldBytes)
            {
                new Span<byte>(block + fill, blockSize - fill).Clear();
                hash.Compress(block);
                fill = 0;
            }
            new Span<byte>(block + fill, blockSize - lengthFieldBytes - fill).Clear();
            var low = new Span<byte>(block + blockSize - 8, 8);
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt64BigEndian(low, messageBytes << 3);
                if (lengthFieldBytes == 16) BinaryPrimitives.WriteUInt64BigEndian(new Span<byte>(block + blockSize - 16, 8), messageBytes >> 61);
            }
            else BinaryPrimitives.WriteUInt64LittleEndian(low, messageBytes << 3);
            hash.Compress(block);
        }
    }
}
