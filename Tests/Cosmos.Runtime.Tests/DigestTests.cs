using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Cosmos.Runtime.Crypto;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// Runtime/Cosmos.Runtime/Pal/Crypto (the digests behind the kernel's CryptoNative_Evp*/Hmac* exports): known-answer
    /// vectors (FIPS 180-4 examples as published with NIST's CSRC "Examples with intermediate values", RFC 1321 §A.5,
    /// RFC 4231 for HMAC), then the host's System.Security.Cryptography (OpenSSL) on random inputs, split at random
    /// points, and the exports driven as System.Security.Cryptography's Unix code drives them.
    /// </summary>
    public sealed unsafe class DigestTests
    {
        private static string Hex(ReadOnlySpan<byte> b) => Convert.ToHexString(b).ToLowerInvariant();

        private static string Ours(DigestAlgorithm a, ReadOnlySpan<byte> data, int split = -1)
        {
            Digest d = default;
            d.Initialize(a);
            if (split < 0) d.Append(data);
            else { d.Append(data.Slice(0, split)); d.Append(data.Slice(split)); }
            Span<byte> out64 = stackalloc byte[64];
            int n = d.Finish(out64);
            return Hex(out64.Slice(0, n));
        }

        private static string Host(DigestAlgorithm a, byte[] data) => Hex(a switch
        {
            DigestAlgorithm.Md5 => MD5.HashData(data),
            DigestAlgorithm.Sha1 => SHA1.HashData(data),
            DigestAlgorithm.Sha256 => SHA256.HashData(data),
            DigestAlgorithm.Sha384 => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        });

        [Theory]
        // FIPS 180-4 examples: "abc", the 448-bit (two-block) message, and the empty message.
        [InlineData(DigestAlgorithm.Sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
        [InlineData(DigestAlgorithm.Sha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
        [InlineData(DigestAlgorithm.Sha256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
        [InlineData(DigestAlgorithm.Sha1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
        [InlineData(DigestAlgorithm.Sha1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")]
        [InlineData(DigestAlgorithm.Sha1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
        [InlineData(DigestAlgorithm.Sha384, "abc", "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")]
        [InlineData(DigestAlgorithm.Sha384, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039")]
        [InlineData(DigestAlgorithm.Sha512, "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")]
        [InlineData(DigestAlgorithm.Sha512, "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909")]
        [InlineData(DigestAlgorithm.Sha512, "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
        // RFC 1321 §A.5 test suite.
        [InlineData(DigestAlgorithm.Md5, "", "d41d8cd98f00b204e9800998ecf8427e")]
        [InlineData(DigestAlgorithm.Md5, "abc", "900150983cd24fb0d6963f7d28e17f72")]
        [InlineData(DigestAlgorithm.Md5, "message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
        [InlineData(DigestAlgorithm.Md5, "12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
        public void KnownAnswers(DigestAlgorithm a, string message, string expected)
        {
            byte[] m = Encoding.ASCII.GetBytes(message);
            Assert.Equal(expected, Ours(a, m));
            for (int split = 0; split <= m.Length; split++) Assert.Equal(expected, Ours(a, m, split));
        }

        [Theory]
        [InlineData(DigestAlgorithm.Sha256, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")]
        [InlineData(DigestAlgorithm.Sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f")]
        [InlineData(DigestAlgorithm.Sha384, "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985")]
        [InlineData(DigestAlgorithm.Sha512, "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b")]
        [InlineData(DigestAlgorithm.Md5, "7707d6ae4e027c70eea2a935c2296f21")]
        public void OneMillionA(DigestAlgorithm a, string expected)
        {
            byte[] m = Enumerable.Repeat((byte)'a', 1_000_000).ToArray();
            Assert.Equal(expected, Ours(a, m));
            // and fed in uneven pieces
            Digest d = default;
            d.Initialize(a);
            for (int at = 0, step = 1; at < m.Length; at += step, step = step * 3 % 997 + 1) d.Append(m.AsSpan(at, Math.Min(step, m.Length - at)));
            Span<byte> out64 = stackalloc byte[64];
            Assert.Equal(expected, Hex(out64.Slice(0, d.Finish(out64))));
        }

        [Theory]
        [InlineData(DigestAlgorithm.Sha256)]
        [InlineData(DigestAlgorithm.Sha1)]
        [InlineData(DigestAlgorithm.Sha384)]
        [InlineData(DigestAlgorithm.Sha512)]
        [InlineData(DigestAlgorithm.Md5)]
        public void BlockBoundaryLengthsMatchTheHost(DigestAlgorithm a)
        {
            var rng = new Random(1234);
            // 55/56 (one-block padding limit for 64-byte blocks), 63/64/65, and the 128-byte-block equivalents 111/112/127/128/129.
            foreach (int n in new[] { 0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 191, 192, 255, 256, 257 })
            {
                byte[] m = new byte[n];
                rng.NextBytes(m);
                Assert.Equal(Host(a, m), Ours(a, m));
            }
        }

        [Theory]
        [InlineData(DigestAlgorithm.Sha256)]
        [InlineData(DigestAlgorithm.Sha1)]
        [InlineData(DigestAlgorithm.Sha384)]
        [InlineData(DigestAlgorithm.Sha512)]
        [InlineData(DigestAlgorithm.Md5)]
        public void RandomInputsMatchTheHost(DigestAlgorithm a)
        {
            var rng = new Random(42 + (int)a);
            for (int i = 0; i < 300; i++)
            {
                byte[] m = new byte[rng.Next(0, i < 250 ? 700 : 70_000)];
                rng.NextBytes(m);
                Assert.Equal(Host(a, m), Ours(a, m, rng.Next(0, m.Length + 1)));
            }
        }

        [Theory]
        // RFC 4231 test case 1 (key 20 × 0x0b, "Hi There") and case 6 (131-byte key, hashed first).
        [InlineData(DigestAlgorithm.Sha256, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")]
        [InlineData(DigestAlgorithm.Sha512, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")]
        [InlineData(DigestAlgorithm.Sha256, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")]
        public void HmacKnownAnswers(DigestAlgorithm a, string keyHex, string message, string expected)
        {
            Hmac h = default;
            h.Initialize(a, Convert.FromHexString(keyHex));
            h.Append(Encoding.ASCII.GetBytes(message));
            Span<byte> mac = stackalloc byte[64];
            Assert.Equal(expected, Hex(mac.Slice(0, h.Finish(mac))));
        }

        [Fact]
        public void HmacMatchesTheHostForEveryAlgorithmAndKeyLength()
        {
            var rng = new Random(7);
            Span<byte> mac = stackalloc byte[64];
            Span<byte> current = stackalloc byte[64];
            foreach (DigestAlgorithm a in Enum.GetValues<DigestAlgorithm>())
                foreach (int keyLength in new[] { 0, 1, 20, 63, 64, 65, 127, 128, 129, 300 })
                {
                    byte[] key = new byte[keyLength], m = new byte[rng.Next(0, 3000)];
                    rng.NextBytes(key); rng.NextBytes(m);
                    byte[] host = a switch
                    {
                        DigestAlgorithm.Md5 => HMACMD5.HashData(key, m),
                        DigestAlgorithm.Sha1 => HMACSHA1.HashData(key, m),
                        DigestAlgorithm.Sha256 => HMACSHA256.HashData(key, m),
                        DigestAlgorithm.Sha384 => HMACSHA384.HashData(key, m),
                        _ => HMACSHA512.HashData(key, m),
                    };
                    Hmac h = default;
                    h.Initialize(a, key);
                    h.Append(m);
                    int n = h.Current(current);
                    Assert.Equal(Hex(host), Hex(current.Slice(0, n)));
                    Assert.Equal(Hex(host), Hex(mac.Slice(0, h.Finish(mac))));
                    h.Reset();
                    h.Append(m);
                    Assert.Equal(Hex(host), Hex(mac.Slice(0, h.Finish(mac))));
                }
        }

        /// <summary>The exports as LiteHash.Unix and HashProviderDispenser.Unix call them: create, update, current, copy, final, reset, one-shot.</summary>
        [Fact]
        public void TheExportsBehaveAsTheOpenSslShim()
        {
            Assert.Equal(0, CryptoNative.EnsureOpenSslInitialized());
            Assert.Equal(64, CryptoNative.GetMaxMdSize());
            IntPtr sha256 = CryptoNative.EvpSha256();
            Assert.NotEqual(IntPtr.Zero, sha256);
            Assert.Equal(32, CryptoNative.EvpMdSize(sha256));
            Assert.Equal(20, CryptoNative.EvpMdSize(CryptoNative.EvpSha1()));
            Assert.Equal(48, CryptoNative.EvpMdSize(CryptoNative.EvpSha384()));
            Assert.Equal(64, CryptoNative.EvpMdSize(CryptoNative.EvpSha512()));
            Assert.Equal(16, CryptoNative.EvpMdSize(CryptoNative.EvpMd5()));
            Assert.Equal(-1, CryptoNative.EvpMdSize((IntPtr)99));
            Assert.True(CryptoNative.EvpMdCtxCreate((IntPtr)99) == null);

            byte[] abc = Encoding.ASCII.GetBytes("abc");
            byte* md = stackalloc byte[64];
            uint len = 64;
            fixed (byte* p = abc)
            {
                Assert.Equal(1, CryptoNative.EvpDigestOneShot(sha256, p, 3, md, &len));
                Assert.Equal(32u, len);
                Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(new ReadOnlySpan<byte>(md, 32)));
                len = 31;
                Assert.Equal(0, CryptoNative.EvpDigestOneShot(sha256, p, 3, md, &len));   // too small a destination fails, no overrun
                len = 64;
                Assert.Equal(1, CryptoNative.EvpDigestOneShot(sha256, null, 0, md, &len));
                Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex(new ReadOnlySpan<byte>(md, 32)));

                Digest* ctx = CryptoNative.EvpMdCtxCreate(sha256);
                Assert.True(ctx != null);
                Assert.Equal(1, CryptoNative.EvpDigestUpdate(ctx, p, 2));
                Digest* copy = CryptoNative.EvpMdCtxCopyEx(ctx);
                Assert.Equal(1, CryptoNative.EvpDigestUpdate(ctx, p + 2, 1));
                len = 64;
                Assert.Equal(1, CryptoNative.EvpDigestCurrent(ctx, md, &len));
                Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(new ReadOnlySpan<byte>(md, 32)));
                len = 64;
                Assert.Equal(1, CryptoNative.EvpDigestFinalEx(ctx, md, &len));
                Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(new ReadOnlySpan<byte>(md, 32)));
                len = 64;
                Assert.Equal(1, CryptoNative.EvpDigestFinalEx(copy, md, &len));
                Assert.Equal(Hex(SHA256.HashData(abc.AsSpan(0, 2))), Hex(new ReadOnlySpan<byte>(md, 32)));
                // reset to another algorithm
                Assert.Equal(1, CryptoNative.EvpDigestReset(ctx, CryptoNative.EvpSha512()));
                Assert.Equal(1, CryptoNative.EvpDigestUpdate(ctx, p, 3));
                len = 64;
                Assert.Equal(1, CryptoNative.EvpDigestFinalEx(ctx, md, &len));
                Assert.Equal(64u, len);
                Assert.Equal(Hex(SHA512.HashData(abc)), Hex(new ReadOnlySpan<byte>(md, 64)));
                CryptoNative.EvpMdCtxDestroy(ctx);
                CryptoNative.EvpMdCtxDestroy(copy);
                CryptoNative.EvpMdCtxDestroy(null);

                byte[] key = Encoding.ASCII.GetBytes("key");
                fixed (byte* k = key)
                {
                    int ilen = 64;
                    Assert.Equal(1, CryptoNative.HmacOneShot(sha256, k, key.Length, p, 3, md, &ilen));
                    Assert.Equal(32, ilen);
                    Assert.Equal(Hex(HMACSHA256.HashData(key, abc)), Hex(new ReadOnlySpan<byte>(md, 32)));
                    Hmac* h = CryptoNative.HmacCreate(k, key.Length, sha256);
                    Assert.Equal(1, CryptoNative.HmacUpdate(h, p, 3));
                    Hmac* hc = CryptoNative.HmacCopy(h);
                    ilen = 64;
                    Assert.Equal(1, CryptoNative.HmacFinal(h, md, &ilen));
                    Assert.Equal(Hex(HMACSHA256.HashData(key, abc)), Hex(new ReadOnlySpan<byte>(md, 32)));
                    Assert.Equal(1, CryptoNative.HmacReset(h));
                    ilen = 64;
                    Assert.Equal(1, CryptoNative.HmacFinal(h, md, &ilen));
                    Assert.Equal(Hex(HMACSHA256.HashData(key, Array.Empty<byte>())), Hex(new ReadOnlySpan<byte>(md, 32)));
                    ilen = 64;
                    Assert.Equal(1, CryptoNative.HmacCurrent(hc, md, &ilen));
                    Assert.Equal(Hex(HMACSHA256.HashData(key, abc)), Hex(new ReadOnlySpan<byte>(md, 32)));
                    CryptoNative.HmacDestroy(h);
                    CryptoNative.HmacDestroy(hc);
                }
            }
        }
    }
}
