using System.Security.Cryptography;
using Cosmos.TestRunner;

namespace CryptoPanicTests
{
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            // SHA-256 through System.Security.Cryptography reaches the OpenSSL shim, which the kernel does not have: the
            // stub for the first export called must panic with its own name (not return, not a silent wrong hash). If
            // HashData returned instead, ExpectPanic reports the case as failed.
            ExpectPanic("SHA256.HashData panics naming the OpenSSL export it called (CryptoNative_GetMaxMdSize, the first one SHA-256 needs)",
                "CryptoNative_GetMaxMdSize: System.Security.Cryptography / GSSAPI have no kernel backend (issue #11)",
                () => SHA256.HashData(new byte[] { 1, 2, 3 }));
        }
    }
}
