using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Where the OpenSSL and GSSAPI shim exports of <see cref="Amd64.MissingCryptoBackend"/> end: a panic naming the
    /// export that was called and the backend the kernel lacks (issue #11). Never returns.
    /// </summary>
    public static unsafe class MissingBackendPanic
    {
        /// <summary>
        /// Panics with "&lt;name&gt;: System.Security.Cryptography / GSSAPI have no kernel backend (issue #11)", where
        /// <paramref name="name"/> is the NUL-terminated ASCII name of the export the stub stands for (RDI, set by the stub).
        /// Allocates nothing: it runs in whatever state the P/Invoke caller was in.
        /// </summary>
        [RuntimeExport(Amd64.MissingCryptoBackend.PanicSymbol)]
        public static void Report(byte* name)
        {
            Panic.Begin();
            for (int i = 0; name != null && name[i] != 0 && i < 128; i++) Panic.WriteChar((char)name[i]);
            Panic.Write(": System.Security.Cryptography / GSSAPI have no kernel backend (issue #11)");
            Panic.End();
        }
    }
}
