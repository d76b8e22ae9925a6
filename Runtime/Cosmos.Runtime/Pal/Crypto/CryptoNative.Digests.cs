using System;
using System.Runtime;
using Cosmos.Runtime.Crypto;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The message-digest and HMAC part of the OpenSSL shim (libSystem.Security.Cryptography.Native.OpenSsl,
    /// src/native/libs/System.Security.Cryptography.Native/pal_evp.h and pal_hmac.h), implemented over the managed
    /// digests of Pal/Crypto, so that System.Security.Cryptography's unchanged Unix code (HashProviderDispenser.Unix,
    /// LiteHash.Unix, Interop.EVP) gives SHA256.HashData, SHA256.Create, IncrementalHash, HMACSHA256 … in a kernel.
    /// MD5, SHA-1, SHA-256, SHA-384 and SHA-512 only: every other CryptoNative_* export (SHA-3, SHAKE, ciphers, keys,
    /// X.509, SSL, PBKDF2 …) stays a stub of Amd64/MissingCryptoBackend.cs that panics naming itself.
    /// Conventions of the shim: 1 success, 0 failure (OpenSSL's), contexts are opaque pointers the caller frees
    /// through the matching Destroy; an <c>EVP_MD*</c> is a <see cref="DigestAlgorithm"/> value.
    /// </summary>
    public static unsafe class CryptoNative
    {
        private const int Success = 1, Failure = 0;

        private static DigestAlgorithm Known(IntPtr md)
        {
            var a = (DigestAlgorithm)(long)md;
            return Digest.IsKnown(a) ? a : 0;
        }

        /// <summary>
        /// The shim's one-time OpenSSL set-up, run by the class constructor of System.Security.Cryptography's Interop.Crypto
        /// before any other export: 0 (success). The kernel's backend is these managed digests; they need no set-up.
        /// </summary>
        [RuntimeExport("CryptoNative_EnsureOpenSslInitialized")] public static int EnsureOpenSslInitialized() => 0;

        /// <summary>EVP_md5().</summary>
        [RuntimeExport("CryptoNative_EvpMd5")] public static IntPtr EvpMd5() => (IntPtr)DigestAlgorithm.Md5;
        /// <summary>EVP_sha1().</summary>
        [RuntimeExport("CryptoNative_EvpSha1")] public static IntPtr EvpSha1() => (IntPtr)DigestAlgorithm.Sha1;
        /// <summary>EVP_sha256().</summary>
        [RuntimeExport("CryptoNative_EvpSha256")] public static IntPtr EvpSha256() => (IntPtr)DigestAlgorithm.Sha256;
        /// <summary>EVP_sha384().</summary>
        [RuntimeExport("CryptoNative_EvpSha384")] public static IntPtr EvpSha384() => (IntPtr)DigestAlgorithm.Sha384;
        /// <summary>EVP_sha512().</summary>
        [RuntimeExport("CryptoNative_EvpSha512")] public static IntPtr EvpSha512() => (IntPtr)DigestAlgorithm.Sha512;

        /// <summary>EVP_MAX_MD_SIZE (64, SHA-512's digest).</summary>
        [RuntimeExport("CryptoNative_GetMaxMdSize")] public static int GetMaxMdSize() => Digest.MaxHashSizeInBytes;

        /// <summary>EVP_MD_size: the digest length, −1 for an unknown EVP_MD.</summary>
        [RuntimeExport("CryptoNative_EvpMdSize")]
        public static int EvpMdSize(IntPtr md) => Digest.HashSize(Known(md));

        /// <summary>EVP_MD_CTX_create + EVP_DigestInit_ex: a new context (kernel heap), null for an unknown EVP_MD or no memory.</summary>
        [RuntimeExport("CryptoNative_EvpMdCtxCreate")]
        public static Digest* EvpMdCtxCreate(IntPtr type)
        {
            DigestAlgorithm a = Known(type);
            if (a == 0) return null;
            var ctx = (Digest*)SystemNative.Malloc((UIntPtr)(ulong)sizeof(Digest));
            if (ctx == null) return null;
            *ctx = default;
            ctx->Initialize(a);
            return ctx;
        }

        /// <summary>EVP_MD_CTX_destroy; no-op for null.</summary>
        [RuntimeExport("CryptoNative_EvpMdCtxDestroy")]
        public static void EvpMdCtxDestroy(Digest* ctx)
        {
            if (ctx == null) return;
            *ctx = default;
            SystemNative.Free(ctx);
        }

        /// <summary>EVP_MD_CTX_copy_ex into a new context; null on failure.</summary>
        [RuntimeExport("CryptoNative_EvpMdCtxCopyEx")]
        public static Digest* EvpMdCtxCopyEx(Digest* ctx)
        {
            if (ctx == null || !Digest.IsKnown(ctx->Algorithm)) return null;
            var copy = (Digest*)SystemNative.Malloc((UIntPtr)(ulong)sizeof(Digest));
            if (copy != null) *copy = *ctx;
            return copy;
        }

        /// <summary>EVP_DigestInit_ex again: a new message with <paramref name="type"/>.</summary>
        [RuntimeExport("CryptoNative_EvpDigestReset")]
        public static int EvpDigestReset(Digest* ctx, IntPtr type)
        {
            DigestAlgorithm a = Known(type);
            if (ctx == null || a == 0) return Failure;
            ctx->Initialize(a);
            return Success;
        }

        /// <summary>EVP_DigestUpdate.</summary>
        [RuntimeExport("CryptoNative_EvpDigestUpdate")]
        public static int EvpDigestUpdate(Digest* ctx, void* d, int cnt)
        {
            if (ctx == null || !Digest.IsKnown(ctx->Algorithm) || cnt < 0 || (d == null && cnt != 0)) return Failure;
            ctx->Append(new ReadOnlySpan<byte>(d, cnt));
            return Success;
        }

        /// <summary>
        /// EVP_DigestFinal_ex: the digest into <paramref name="md"/>, its length into *<paramref name="s"/>. .NET passes the
        /// destination's length in *s (OpenSSL ignores it); a destination shorter than the digest fails here instead of
        /// overrunning. The context starts a new message with the same algorithm (OpenSSL leaves it finalized; .NET resets it).
        /// </summary>
        [RuntimeExport("CryptoNative_EvpDigestFinalEx")]
        public static int EvpDigestFinalEx(Digest* ctx, byte* md, uint* s)
        {
            if (ctx == null || md == null || s == null || !Digest.IsKnown(ctx->Algorithm)) return Failure;
            int size = Digest.HashSize(ctx->Algorithm);
            if (*s < (uint)size) return Failure;
            ctx->Finish(new Span<byte>(md, size));
            ctx->Initialize(ctx->Algorithm);
            *s = (uint)size;
            return Success;
        }

        /// <summary>EVP_DigestFinal_ex on a copy: the digest of the message so far, the context keeps running.</summary>
        [RuntimeExport("CryptoNative_EvpDigestCurrent")]
        public static int EvpDigestCurrent(Digest* ctx, byte* md, uint* s)
        {
            if (ctx == null || md == null || s == null || !Digest.IsKnown(ctx->Algorithm)) return Failure;
            int size = Digest.HashSize(ctx->Algorithm);
            if (*s < (uint)size) return Failure;
            Digest copy = *ctx;
            copy.Finish(new Span<byte>(md, size));
            *s = (uint)size;
            return Success;
        }

        /// <summary>EVP_Digest: create, update, final in one call (SHA256.HashData).</summary>
        [RuntimeExport("CryptoNative_EvpDigestOneShot")]
        public static int EvpDigestOneShot(IntPtr type, void* source, int sourceSize, byte* md, uint* mdSize)
        {
            DigestAlgorithm a = Known(type);
            if (a == 0 || sourceSize < 0 || (source == null && sourceSize != 0) || md == null || mdSize == null) return Failure;
            int size = Digest.HashSize(a);
            if (*mdSize < (uint)size) return Failure;
            Digest d = default;
            d.Initialize(a);
            d.Append(new ReadOnlySpan<byte>(source, sourceSize));
            d.Finish(new Span<byte>(md, size));
            *mdSize = (uint)size;
            return Success;
        }

        /// <summary>HMAC_CTX_new + HMAC_Init_ex: a keyed context (kernel heap); null for an unknown EVP_MD or a bad key.</summary>
        [RuntimeExport("CryptoNative_HmacCreate")]
        public static Hmac* HmacCreate(byte* key, int keyLen, IntPtr md)
        {
            DigestAlgorithm a = Known(md);
            if (a == 0 || keyLen < 0 || (key == null && keyLen != 0)) return null;
            var ctx = (Hmac*)SystemNative.Malloc((UIntPtr)(ulong)sizeof(Hmac));
            if (ctx == null) return null;
            *ctx = default;
            ctx->Initialize(a, new ReadOnlySpan<byte>(key, keyLen));
            return ctx;
        }

        /// <summary>HMAC_CTX_free (the key material is wiped first); no-op for null.</summary>
        [RuntimeExport("CryptoNative_HmacDestroy")]
        public static void HmacDestroy(Hmac* ctx)
        {
            if (ctx == null) return;
            *ctx = default;
            SystemNative.Free(ctx);
        }

        /// <summary>HMAC_Init_ex with no key: a new message under the same key.</summary>
        [RuntimeExport("CryptoNative_HmacReset")]
        public static int HmacReset(Hmac* ctx)
        {
            if (ctx == null || !Digest.IsKnown(ctx->Algorithm)) return Failure;
            ctx->Reset();
            return Success;
        }

        /// <summary>HMAC_Update.</summary>
        [RuntimeExport("CryptoNative_HmacUpdate")]
        public static int HmacUpdate(Hmac* ctx, byte* data, int len)
        {
            if (ctx == null || !Digest.IsKnown(ctx->Algorithm) || len < 0 || (data == null && len != 0)) return Failure;
            ctx->Append(new ReadOnlySpan<byte>(data, len));
            return Success;
        }

        /// <summary>HMAC_Final: the MAC into <paramref name="md"/> (*<paramref name="len"/> in: its room, out: the MAC length).</summary>
        [RuntimeExport("CryptoNative_HmacFinal")]
        public static int HmacFinal(Hmac* ctx, byte* md, int* len)
        {
            if (ctx == null || md == null || len == null || !Digest.IsKnown(ctx->Algorithm)) return Failure;
            int size = Digest.HashSize(ctx->Algorithm);
            if (*len < size) return Failure;
            ctx->Finish(new Span<byte>(md, size));
            ctx->Reset();
            *len = size;
            return Success;
        }

        /// <summary>The MAC of the message so far; the context keeps running.</summary>
        [RuntimeExport("CryptoNative_HmacCurrent")]
        public static int HmacCurrent(Hmac* ctx, byte* md, int* len)
        {
            if (ctx == null || md == null || len == null || !Digest.IsKnown(ctx->Algorithm)) return Failure;
            int size = Digest.HashSize(ctx->Algorithm);
            if (*len < size) return Failure;
            ctx->Current(new Span<byte>(md, size));
            *len = size;
            return Success;
        }

        /// <summary>HMAC() in one call (HMACSHA256.HashData): 1 success, −1 invalid input, 0 failure.</summary>
        [RuntimeExport("CryptoNative_HmacOneShot")]
        public static int HmacOneShot(IntPtr type, byte* key, int keySize, byte* source, int sourceSize, byte* md, int* mdSize)
        {
            DigestAlgorithm a = Known(type);
            if (a == 0 || keySize < 0 || sourceSize < 0 || (key == null && keySize != 0) || (source == null && sourceSize != 0) || md == null || mdSize == null)
                return -1;
            int size = Digest.HashSize(a);
            if (*mdSize < size) return -1;
            Hmac h = default;
            h.Initialize(a, new ReadOnlySpan<byte>(key, keySize));
            h.Append(new ReadOnlySpan<byte>(source, sourceSize));
            h.Finish(new Span<byte>(md, size));
            h = default;
            *mdSize = size;
            return Success;
        }

        /// <summary>A copy of an HMAC context; null on failure.</summary>
        [RuntimeExport("CryptoNative_HmacCopy")]
        public static Hmac* HmacCopy(Hmac* ctx)
        {
            if (ctx == null || !Digest.IsKnown(ctx->Algorithm)) return null;
            var copy = (Hmac*)SystemNative.Malloc((UIntPtr)(ulong)sizeof(Hmac));
            if (copy != null) *copy = *ctx;
            return copy;
        }

        /// <summary>The exports this file implements (the rest of the shim stays in MissingCryptoBackend's panicking stubs).</summary>
        public static string[] Implemented => new[]
        {
            "CryptoNative_EnsureOpenSslInitialized", "CryptoNative_EvpMd5", "CryptoNative_EvpSha1", "CryptoNative_EvpSha256", "CryptoNative_EvpSha384", "CryptoNative_EvpSha512",
            "CryptoNative_GetMaxMdSize", "CryptoNative_EvpMdSize", "CryptoNative_EvpMdCtxCreate", "CryptoNative_EvpMdCtxDestroy",
            "CryptoNative_EvpMdCtxCopyEx", "CryptoNative_EvpDigestReset", "CryptoNative_EvpDigestUpdate", "CryptoNative_EvpDigestFinalEx",
            "CryptoNative_EvpDigestCurrent", "CryptoNative_EvpDigestOneShot",
            "CryptoNative_HmacCreate", "CryptoNative_HmacDestroy", "CryptoNative_HmacReset", "CryptoNative_HmacUpdate",
            "CryptoNative_HmacFinal", "CryptoNative_HmacCurrent", "CryptoNative_HmacOneShot", "CryptoNative_HmacCopy",
        };
    }
}
