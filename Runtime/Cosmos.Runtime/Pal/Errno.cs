using System.Runtime;

namespace Cosmos.Runtime
{
    /// <summary>
    /// errno plumbing of the BCL's native shim: the kernel's error numbers are Linux's (asm-generic/errno*.h), and
    /// the CoreLib turns them into its platform-neutral Interop.Error ("PAL") codes through
    /// SystemNative_ConvertErrorPlatformToPal / PalToPlatform before choosing an exception, and into text through
    /// SystemNative_StrErrorR.
    /// </summary>
    /// <remarks>
    /// The PAL values are those of Interop.Error in the 9.0.18 CoreLib (0x10000 + position in its alphabetical
    /// list); Tests/Cosmos.Runtime.Tests checks every pair against that enum and against the host's own
    /// libSystem.Native conversion. ENOTSUP is EOPNOTSUPP (95) and EWOULDBLOCK is EAGAIN (11) on Linux, as in the PAL.
    /// </remarks>
    public static unsafe class Errno
    {
        /// <summary>PAL code for a Linux errno value without one (System.Native's PAL_ENONSTANDARD).</summary>
        public const int PalNonStandard = 0x1FFFF;

        /// <summary>(name, Linux errno, Interop.Error value), one row per errno value.</summary>
        private static readonly (string Name, int Errno, int Pal)[] s_table =
        {
            ("EPERM", 1, 0x10042), ("ENOENT", 2, 0x1002D), ("ESRCH", 3, 0x1004A), ("EINTR", 4, 0x1001B), ("EIO", 5, 0x1001D),
            ("ENXIO", 6, 0x1003F), ("E2BIG", 7, 0x10001), ("ENOEXEC", 8, 0x1002E), ("EBADF", 9, 0x10008), ("ECHILD", 10, 0x1000C),
            ("EAGAIN", 11, 0x10006), ("ENOMEM", 12, 0x10031), ("EACCES", 13, 0x10002), ("EFAULT", 14, 0x10015), ("EBUSY", 16, 0x1000A),
            ("EEXIST", 17, 0x10014), ("EXDEV", 18, 0x1004F), ("ENODEV", 19, 0x1002C), ("ENOTDIR", 20, 0x10039), ("EISDIR", 21, 0x1001F),
            ("EINVAL", 22, 0x1001C), ("ENFILE", 23, 0x10029), ("EMFILE", 24, 0x10021), ("ENOTTY", 25, 0x1003E), ("ETXTBSY", 26, 0x1004E),
            ("EFBIG", 27, 0x10016), ("ENOSPC", 28, 0x10034), ("ESPIPE", 29, 0x10049), ("EROFS", 30, 0x10048), ("EMLINK", 31, 0x10022),
            ("EPIPE", 32, 0x10043), ("EDOM", 33, 0x10012), ("ERANGE", 34, 0x10047), ("EDEADLK", 35, 0x10010), ("ENAMETOOLONG", 36, 0x10025),
            ("ENOLCK", 37, 0x1002F), ("ENOSYS", 38, 0x10037), ("ENOTEMPTY", 39, 0x1003A), ("ELOOP", 40, 0x10020), ("ENOMSG", 42, 0x10032),
            ("EIDRM", 43, 0x10018), ("ENODATA", 61, 0x10071), ("ENOLINK", 67, 0x10030), ("EPROTO", 71, 0x10044), ("EMULTIHOP", 72, 0x10024),
            ("EBADMSG", 74, 0x10009), ("EOVERFLOW", 75, 0x10040), ("EILSEQ", 84, 0x10019), ("ENOTSOCK", 88, 0x1003C),
            ("EDESTADDRREQ", 89, 0x10011), ("EMSGSIZE", 90, 0x10023), ("EPROTOTYPE", 91, 0x10046), ("ENOPROTOOPT", 92, 0x10033),
            ("EPROTONOSUPPORT", 93, 0x10045), ("ESOCKTNOSUPPORT", 94, 0x1005E), ("EOPNOTSUPP", 95, 0x1003D), ("EPFNOSUPPORT", 96, 0x10060),
            ("EAFNOSUPPORT", 97, 0x10005), ("EADDRINUSE", 98, 0x10003), ("EADDRNOTAVAIL", 99, 0x10004), ("ENETDOWN", 100, 0x10026),
            ("ENETUNREACH", 101, 0x10028), ("ENETRESET", 102, 0x10027), ("ECONNABORTED", 103, 0x1000D), ("ECONNRESET", 104, 0x1000F),
            ("ENOBUFS", 105, 0x1002A), ("EISCONN", 106, 0x1001E), ("ENOTCONN", 107, 0x10038), ("ESHUTDOWN", 108, 0x1006C),
            ("ETIMEDOUT", 110, 0x1004D), ("ECONNREFUSED", 111, 0x1000E), ("EHOSTDOWN", 112, 0x10070), ("EHOSTUNREACH", 113, 0x10017),
            ("EALREADY", 114, 0x10007), ("EINPROGRESS", 115, 0x1001A), ("ESTALE", 116, 0x1004B), ("EDQUOT", 122, 0x10013),
            ("ECANCELED", 125, 0x1000B), ("EOWNERDEAD", 130, 0x10041), ("ENOTRECOVERABLE", 131, 0x1003B),
        };

        /// <summary>The Interop.Error value of Linux errno <paramref name="platformErrno"/>: 0 for 0, <see cref="PalNonStandard"/> when there is none.</summary>
        [RuntimeExport("SystemNative_ConvertErrorPlatformToPal")]
        public static int PlatformToPal(int platformErrno)
        {
            if (platformErrno == 0) return 0;
            foreach (var row in s_table) if (row.Errno == platformErrno) return row.Pal;
            return PalNonStandard;
        }

        /// <summary>The Linux errno value of Interop.Error <paramref name="pal"/>: 0 for SUCCESS, -1 when there is none.</summary>
        [RuntimeExport("SystemNative_ConvertErrorPalToPlatform")]
        public static int PalToPlatform(int pal)
        {
            if (pal == 0) return 0;
            foreach (var row in s_table) if (row.Pal == pal) return row.Errno;
            return -1;
        }

        /// <summary>The errno name of <paramref name="platformErrno"/> (e.g. "ENOENT"), or null.</summary>
        public static string Name(int platformErrno)
        {
            foreach (var row in s_table) if (row.Errno == platformErrno) return row.Name;
            return null;
        }

        /// <summary>
        /// strerror_r for the CoreLib's Interop.Sys.StrError: writes "NAME (errno N)" (or "unknown error N") as
        /// NUL-terminated ASCII into <paramref name="buffer"/> (<paramref name="bufferSize"/> bytes, truncated to fit)
        /// and returns <paramref name="buffer"/>. The kernel carries no message catalogue: the errno name is the text.
        /// </summary>
        [RuntimeExport("SystemNative_StrErrorR")]
        public static byte* StrErrorR(int platformErrno, byte* buffer, int bufferSize)
        {
            if (buffer == null || bufferSize <= 0) return buffer;
            string name = Name(platformErrno);
            string text = name != null ? name + " (errno " + platformErrno + ")" : "unknown error " + platformErrno;
            int n = text.Length < bufferSize - 1 ? text.Length : bufferSize - 1;
            for (int i = 0; i < n; i++) buffer[i] = (byte)(text[i] < 0x80 ? text[i] : '?');
            buffer[n] = 0;
            return buffer;
        }
    }
}
