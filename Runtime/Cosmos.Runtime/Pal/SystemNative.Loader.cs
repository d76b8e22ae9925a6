using System;
using System.Runtime;

namespace Cosmos.Runtime
{
    // Dynamic loading (NativeLibrary, DllImport of a library not linked in) and the operating system's release
    // (Environment.OSVersion). The kernel is one statically linked image: there are no shared libraries to open, so
    // loading fails the way dlopen(3) does for a missing file and .NET throws DllNotFoundException (System.Net.Quic's
    // probe for libmsquic, for one, then reports QUIC as unsupported).
    public static unsafe partial class SystemNative
    {
        /// <summary>The release string of uname(2) (Environment.OSVersion parses its leading digits): Cosmos's version (Directory.Build.props CosmosVersion).</summary>
        internal const string UnixRelease = "0.1.0";

        /// <summary>dlopen(3): always null; the kernel has no shared libraries (<see cref="GetLoadLibraryError"/> says so).</summary>
        [RuntimeExport("SystemNative_LoadLibrary")]
        public static IntPtr LoadLibrary(byte* filename) => IntPtr.Zero;

        /// <summary>
        /// dlerror(3) after a failed <see cref="LoadLibrary"/>: a static NUL-terminated UTF-8 message in read-only data.
        /// The caller (NativeLibrary.LoadLibraryHelper) copies it with Marshal.PtrToStringUTF8 and does not free it, as with dlerror.
        /// </summary>
        [RuntimeExport("SystemNative_GetLoadLibraryError")]
        public static IntPtr GetLoadLibraryError()
        {
            fixed (byte* message = "the Cosmos kernel is statically linked and cannot load shared libraries\0"u8) return (IntPtr)message;
        }

        /// <summary>dlsym(3): always null, since no <see cref="LoadLibrary"/> handle can exist (the caller throws EntryPointNotFoundException).</summary>
        [RuntimeExport("SystemNative_GetProcAddress")]
        public static IntPtr GetProcAddress(IntPtr handle, byte* symbol) => IntPtr.Zero;

        /// <summary>
        /// uname(2) release: <see cref="UnixRelease"/> as a NUL-terminated string from <see cref="Malloc"/>, which the caller's
        /// marshaller (Utf8StringMarshaller.Free → Marshal.FreeCoTaskMem → SystemNative_Free) releases; null with ENOMEM.
        /// </summary>
        [RuntimeExport("SystemNative_GetUnixRelease")]
        public static byte* GetUnixRelease()
        {
            const string release = UnixRelease;
            var s = (byte*)Malloc((UIntPtr)(ulong)(release.Length + 1));
            if (s == null) return null;
            for (int i = 0; i < release.Length; i++) s[i] = (byte)release[i];
            s[release.Length] = 0;
            return s;
        }
    }
}
