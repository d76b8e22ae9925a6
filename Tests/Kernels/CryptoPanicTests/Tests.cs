using System.Security.Cryptography;
using Cosmos.TestRunner;

namespace CryptoPanicTests
{
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            // The kernel implements the OpenSSL shim's MD5/SHA-1/SHA-2/HMAC exports (Runtime/Pal/Crypto) and nothing else:
            // SHA-3 reaches a stub that must panic with its own name (not return, not a silent wrong hash, not a
            // PlatformNotSupportedException made up by the kernel). If HashData returned instead, ExpectPanic reports the
            // case as failed.
            ExpectPanic("SHA3_256.HashData panics naming the OpenSSL export it called (CryptoNative_EvpSha3_256, SHA-3 has no kernel backend)",
                "CryptoNative_EvpSha3_256: System.Security.Cryptography / GSSAPI have no kernel backend (issue #11)",
                () => SHA3_256.HashData(new byte[] { 1, 2, 3 }));
        }
    }
}
