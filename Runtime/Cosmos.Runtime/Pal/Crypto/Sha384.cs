using System;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>
    /// SHA-384 (FIPS 180-4 §6.5): <see cref="Sha512"/>'s computation from the SHA-384 H(0) (§5.3.4), truncated to its
    /// leftmost 384 bits. Same use as <see cref="Sha256"/>.
    /// </summary>
    public struct Sha384
    {
        /// <summary>Digest length in bytes.</summary>
        public const int HashSizeInBytes = 48;
        /// <summary>Message block length in bytes.</summary>
        public const int BlockSizeInBytes = Sha512.BlockSizeInBytes;

        private Sha512 _engine;

        /// <summary>Sets the SHA-384 initial hash value H(0) (FIPS 180-4 §5.3.4).</summary>
        public void Initialize() => _engine.Initialize(
            0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
            0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4);

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data) => _engine.Append(data);

        /// <summary>Pads and writes the 48-byte digest; the state is spent afterwards.</summary>
        public void Finish(Span<byte> digest) => _engine.Finish(digest, HashSizeInBytes);

        /// <summary>The digest of <paramref name="data"/> in one call.</summary>
        public static void HashData(ReadOnlySpan<byte> data, Span<byte> digest)
        {
            Sha384 s = default;
            s.Initialize();
            s.Append(data);
            s.Finish(digest);
        }
    }
}
