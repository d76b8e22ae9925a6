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
    /// The PAL values are those of Interop.Error in the CoreLib (0x10000 + position in its alphabetical
    /// list); Tests/Cosmos.Runtime.Tests checks every pair against that enum and against the host's own
    /// libSystem.Native conversion. ENOTSUP is EOPNOTSUPP (95) and EWOULDBLOCK is EAGAIN (11) on Linux, as in the PAL.
    /// </remarks>
    public static unsafe class Errno
    {
        /// <summary>PAL code for a Linux errno value without one (System.Native's PAL_ENONSTANDARD).</summary>
        public const int PalNonStandard = 0x1FFFF;

        /// <summary>Linux errno values (asm-generic/errno-base.h, errno.h): the one definition the runtime uses.</summary>
        public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9,
            ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18,
            ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26,
            EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
            ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, ENOMSG = 42, EIDRM = 43, ENODATA = 61,
            ENOLINK = 67, EPROTO = 71, EMULTIHOP = 72, EBADMSG = 74, EOVERFLOW = 75, EILSEQ = 84, ENOTSOCK = 88,
            EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94,
            EOPNOTSUPP = 95, EPFNOSUPPORT = 96, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETDOWN = 100,
            ENETUNREACH = 101, ENETRESET = 102, ECONNABORTED = 103, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106,
            ENOTCONN = 107, ESHUTDOWN = 108, ETIMEDOUT = 110, ECONNREFUSED = 111, EHOSTDOWN = 112, EHOSTUNREACH = 113,
            EALREADY = 114, EINPROGRESS = 115, ESTALE = 116, EDQUOT = 122, ECANCELED = 125, EOWNERDEAD = 130,
            ENOTRECOVERABLE = 131;

        /// <summary>(name, Linux errno, Interop.Error value), one row per errno value.</summary>
        private static readonly (string Name, int Errno, int Pal)[] s_table =
        {
            (nameof(EPERM), EPERM, 0x10042), (nameof(ENOENT), ENOENT, 0x1002D), (nameof(ESRCH), ESRCH, 0x1004A),
            (nameof(EINTR), EINTR, 0x1001B), (nameof(EIO), EIO, 0x1001D), (nameof(ENXIO), ENXIO, 0x1003F),
            (nameof(E2BIG), E2BIG, 0x10001), (nameof(ENOEXEC), ENOEXEC, 0x1002E), (nameof(EBADF), EBADF, 0x10008),
            (nameof(ECHILD), ECHILD, 0x1000C), (nameof(EAGAIN), EAGAIN, 0x10006), (nameof(ENOMEM), ENOMEM, 0x10031),
            (nameof(EACCES), EACCES, 0x10002), (nameof(EFAULT), EFAULT, 0x10015), (nameof(EBUSY), EBUSY, 0x1000A),
            (nameof(EEXIST), EEXIST, 0x10014), (nameof(EXDEV), EXDEV, 0x1004F), (nameof(ENODEV), ENODEV, 0x1002C),
            (nameof(ENOTDIR), ENOTDIR, 0x10039), (nameof(EISDIR), EISDIR, 0x1001F), (nameof(EINVAL), EINVAL, 0x1001C),
            (nameof(ENFILE), ENFILE, 0x10029), (nameof(EMFILE), EMFILE, 0x10021), (nameof(ENOTTY), ENOTTY, 0x1003E),
            (nameof(ETXTBSY), ETXTBSY, 0x1004E), (nameof(EFBIG), EFBIG, 0x10016), (nameof(ENOSPC), ENOSPC, 0x10034),
            (nameof(ESPIPE), ESPIPE, 0x10049), (nameof(EROFS), EROFS, 0x10048), (nameof(EMLINK), EMLINK, 0x10022),
            (nameof(EPIPE), EPIPE, 0x10043), (nameof(EDOM), EDOM, 0x10012), (nameof(ERANGE), ERANGE, 0x10047),
            (nameof(EDEADLK), EDEADLK, 0x10010), (nameof(ENAMETOOLONG), ENAMETOOLONG, 0x10025),
            (nameof(ENOLCK), ENOLCK, 0x1002F), (nameof(ENOSYS), ENOSYS, 0x10037), (nameof(ENOTEMPTY), ENOTEMPTY, 0x1003A),
            (nameof(ELOOP), ELOOP, 0x10020), (nameof(ENOMSG), ENOMSG, 0x10032), (nameof(EIDRM), EIDRM, 0x10018),
            (nameof(ENODATA), ENODATA, 0x10071), (nameof(ENOLINK), ENOLINK, 0x10030), (nameof(EPROTO), EPROTO, 0x10044),
            (nameof(EMULTIHOP), EMULTIHOP, 0x10024), (nameof(EBADMSG), EBADMSG, 0x10009),
            (nameof(EOVERFLOW), EOVERFLOW, 0x10040), (nameof(EILSEQ), EILSEQ, 0x10019),
            (nameof(ENOTSOCK), ENOTSOCK, 0x1003C), (nameof(EDESTADDRREQ), EDESTADDRREQ, 0x10011),
            (nameof(EMSGSIZE), EMSGSIZE, 0x10023), (nameof(EPROTOTYPE), EPROTOTYPE, 0x10046),
            (nameof(ENOPROTOOPT), ENOPROTOOPT, 0x10033), (nameof(EPROTONOSUPPORT), EPROTONOSUPPORT, 0x10045),
            (nameof(ESOCKTNOSUPPORT), ESOCKTNOSUPPORT, 0x1005E), (nameof(EOPNOTSUPP), EOPNOTSUPP, 0x1003D),
            (nameof(EPFNOSUPPORT), EPFNOSUPPORT, 0x10060), (nameof(EAFNOSUPPORT), EAFNOSUPPORT, 0x10005),
            (nameof(EADDRINUSE), EADDRINUSE, 0x10003), (nameof(EADDRNOTAVAIL), EADDRNOTAVAIL, 0x10004),
            (nameof(ENETDOWN), ENETDOWN, 0x10026), (nameof(ENETUNREACH), ENETUNREACH, 0x10028),
            (nameof(ENETRESET), ENETRESET, 0x10027), (nameof(ECONNABORTED), ECONNABORTED, 0x1000D),
            (nameof(ECONNRESET), ECONNRESET, 0x1000F), (nameof(ENOBUFS), ENOBUFS, 0x1002A),
            (nameof(EISCONN), EISCONN, 0x1001E), (nameof(ENOTCONN), ENOTCONN, 0x10038),
            (nameof(ESHUTDOWN), ESHUTDOWN, 0x1006C), (nameof(ETIMEDOUT), ETIMEDOUT, 0x1004D),
            (nameof(ECONNREFUSED), ECONNREFUSED, 0x1000E), (nameof(EHOSTDOWN), EHOSTDOWN, 0x10070),
            (nameof(EHOSTUNREACH), EHOSTUNREACH, 0x10017), (nameof(EALREADY), EALREADY, 0x10007),
            (nameof(EINPROGRESS), EINPROGRESS, 0x1001A), (nameof(ESTALE), ESTALE, 0x1004B),
            (nameof(EDQUOT), EDQUOT, 0x10013), (nameof(ECANCELED), ECANCELED, 0x1000B),
            (nameof(EOWNERDEAD), EOWNERDEAD, 0x10041), (nameof(ENOTRECOVERABLE), ENOTRECOVERABLE, 0x1003B)
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
