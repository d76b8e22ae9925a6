using System;
using System.Runtime.InteropServices;

namespace Cosmos.Runtime.Crypto
{
    /// <summary>The digests the platform layer implements. The values are also the opaque <c>EVP_MD*</c> the OpenSSL shim's
    /// <c>CryptoNative_EvpMd5</c>/<c>EvpSha1</c>/… return (any non-zero value works: .NET only passes it back).</summary>
    public enum DigestAlgorithm
    {
        /// <summary>RFC 1321.</summary>
        Md5 = 1,
        /// <summary>FIPS 180-4 §6.1.</summary>
        Sha1 = 2,
        /// <summary>FIPS 180-4 §6.2.</summary>
        Sha256 = 3,
        /// <summary>FIPS 180-4 §6.5.</summary>
        Sha384 = 4,
        /// <summary>FIPS 180-4 §6.4.</summary>
        Sha512 = 5,
    }

    /// <summary>
    /// One running digest of any <see cref="DigestAlgorithm"/>: the algorithm and the state of that algorithm in one
    /// reference-free value (the EVP_MD_CTX of <see cref="CryptoNative"/>, and the two halves of an <see cref="Hmac"/>).
    /// </summary>
    [StructLayout(LayoutKind.Explicit)]
    public struct Digest
    {
        /// <summary>The largest digest (SHA-512), OpenSSL's EVP_MAX_MD_SIZE.</summary>
        public const int MaxHashSizeInBytes = 64;
        /// <summary>The largest block (SHA-384/512).</summary>
        public const int MaxBlockSizeInBytes = 128;

        [FieldOffset(0)] private DigestAlgorithm _algorithm;
        [FieldOffset(8)] private Md5 _md5;
        [FieldOffset(8)] private Sha1 _sha1;
        [FieldOffset(8)] private Sha256 _sha256;
        [FieldOffset(8)] private Sha384 _sha384;
        [FieldOffset(8)] private Sha512 _sha512;

        /// <summary>The algorithm this state computes (0 before <see cref="Initialize"/>).</summary>
        public DigestAlgorithm Algorithm => _algorithm;

        /// <summary>True for the algorithms this type implements.</summary>
        public static bool IsKnown(DigestAlgorithm a) => a >= DigestAlgorithm.Md5 && a <= DigestAlgorithm.Sha512;

        /// <summary>Digest length in bytes of <paramref name="a"/>; −1 for an unknown value.</summary>
        public static int HashSize(DigestAlgorithm a) => a switch
        {
            DigestAlgorithm.Md5 => Md5.HashSizeInBytes,
            DigestAlgorithm.Sha1 => Sha1.HashSizeInBytes,
            DigestAlgorithm.Sha256 => Sha256.HashSizeInBytes,
            DigestAlgorithm.Sha384 => Sha384.HashSizeInBytes,
            DigestAlgorithm.Sha512 => Sha512.HashSizeInBytes,
            _ => -1,
        };

        /// <summary>Block length in bytes of <paramref name="a"/> (the HMAC key block, FIPS 198-1 B); −1 for an unknown value.</summary>
        public static int BlockSize(DigestAlgorithm a) => a switch
        {
            DigestAlgorithm.Md5 => Md5.BlockSizeInBytes,
            DigestAlgorithm.Sha1 => Sha1.BlockSizeInBytes,
            DigestAlgorithm.Sha256 => Sha256.BlockSizeInBytes,
            DigestAlgorithm.Sha384 => Sha384.BlockSizeInBytes,
            DigestAlgorithm.Sha512 => Sha512.BlockSizeInBytes,
            _ => -1,
        };

        /// <summary>Starts a new message with <paramref name="a"/> (which must be <see cref="IsKnown"/>).</summary>
        public void Initialize(DigestAlgorithm a)
        {
            _algorithm = a;
            switch (a)
            {
                case DigestAlgorithm.Md5: _md5.Initialize(); break;
                case DigestAlgorithm.Sha1: _sha1.Initialize(); break;
                case DigestAlgorithm.Sha256: _sha256.Initialize(); break;
                case DigestAlgorithm.Sha384: _sha384.Initialize(); break;
                case DigestAlgorithm.Sha512: _sha512.Initialize(); break;
                default: throw new ArgumentOutOfRangeException(nameof(a));
            }
        }

        /// <summary>Appends message bytes.</summary>
        public void Append(ReadOnlySpan<byte> data)
        {
            switch (_algorithm)
            {
                case DigestAlgorithm.Md5: _md5.Append(data); break;
                case DigestAlgorithm.Sha1: _sha1.Append(data); break;
                case DigestAlgorithm.Sha256: _sha256.Append(data); break;
                case DigestAlgorithm.Sha384: _sha384.Append(data); break;
                case DigestAlgorithm.Sha512: _sha512.Append(data); break;
                default: throw new InvalidOperationException("digest not initialized");
            }
        }

        /// <summary>Writes the digest (<see cref="HashSize"/> bytes) and returns its length; the state is spent afterwards.</summary>
        public int Finish(Span<byte> digest)
        {
            switch (_algorithm)
            {
                case DigestAlgorithm.Md5: _md5.Finish(digest); break;
                case DigestAlgorithm.Sha1: _sha1.Finish(digest); break;
                case DigestAlgorithm.Sha256: _sha256.Finish(digest); break;
                case DigestAlgorithm.Sha384: _sha384.Finish(digest); break;
                case DigestAlgorithm.Sha512: _sha512.Finish(digest); break;
                default: throw new InvalidOperationException("digest not initialized");
            }
            return HashSize(_algorithm);
        }
    }
}
