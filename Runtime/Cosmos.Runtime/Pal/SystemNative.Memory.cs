using System;
using System.Runtime;

namespace Cosmos.Runtime
{
    // The exports System.IO.MemoryMappedFiles (and System.Diagnostics.Process, for sysconf) import. Only anonymous
    // private mappings exist (SystemNative_MMap); there is no shared memory file system and no memfd, and the kernel
    // answers as the .NET PAL does on a platform that lacks them (ENOTSUP), so MemoryMappedFile falls back or throws
    // a clear IOException/PlatformNotSupportedException. Errno values are Linux's.
    public static unsafe partial class SystemNative
    {
        private const ulong PageSize = 4096;

        // Interop.Sys.MemoryMappedSyncFlags (Tests/Cosmos.Runtime.Tests MemoryExportTests checks them against the pack).
        internal const int MS_ASYNC = 0x1, MS_SYNC = 0x2, MS_INVALIDATE = 0x10;
        // Interop.Sys.MemoryAdvice.
        internal const int MADV_DONTFORK = 1;
        // Interop.Sys.SysConfName.
        internal const int SC_CLK_TCK = 1, SC_PAGESIZE = 2;

        /// <summary>
        /// msync(2): 0 for a page-aligned range with MS_ASYNC or MS_SYNC (not both), optionally MS_INVALIDATE: every mapping
        /// is anonymous (file mappings fail in <see cref="MMap"/>), so there is no file to write back. −1 with EINVAL for an
        /// unaligned address, unknown flags or MS_ASYNC|MS_SYNC (Linux's checks).
        /// </summary>
        [RuntimeExport("SystemNative_MSync")]
        public static int MSync(IntPtr address, ulong length, int flags)
        {
            if (((ulong)address & (PageSize - 1)) != 0 || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) != 0
                || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC)) { CurrentErrno = Errno.EINVAL; return -1; }
            return 0;
        }

        /// <summary>
        /// madvise(2) with the one advice the PAL passes, MADV_DONTFORK (keep the range out of a child after fork): 0, as
        /// there is no fork. −1 with EINVAL for an unaligned address or any other advice.
        /// </summary>
        [RuntimeExport("SystemNative_MAdvise")]
        public static int MAdvise(IntPtr address, ulong length, int advice)
        {
            if (((ulong)address & (PageSize - 1)) != 0 || advice != MADV_DONTFORK) { CurrentErrno = Errno.EINVAL; return -1; }
            return 0;
        }

        /// <summary>shm_open(3): −1 with ENOTSUP (EOPNOTSUPP, no shared-memory file system), the PAL's answer where shm_open does not exist; MemoryMappedFile then falls back to a file backing.</summary>
        [RuntimeExport("SystemNative_ShmOpen")]
        public static IntPtr ShmOpen(byte* name, int flags, int mode) { CurrentErrno = Errno.EOPNOTSUPP; return (IntPtr)(-1); }

        /// <summary>shm_unlink(3): −1 with ENOTSUP (EOPNOTSUPP, no shared-memory file system).</summary>
        [RuntimeExport("SystemNative_ShmUnlink")]
        public static int ShmUnlink(byte* name) { CurrentErrno = Errno.EOPNOTSUPP; return -1; }

        /// <summary>memfd_create(2): −1 with ENOTSUP (EOPNOTSUPP, no memory file descriptors); <see cref="IsMemfdSupported"/> says 0 so callers do not try.</summary>
        [RuntimeExport("SystemNative_MemfdCreate")]
        public static IntPtr MemfdCreate(byte* name, int isReadonly) { CurrentErrno = Errno.EOPNOTSUPP; return (IntPtr)(-1); }

        /// <summary>Whether memfd_create works: 0 (it does not; see <see cref="MemfdCreate"/>).</summary>
        [RuntimeExport("SystemNative_IsMemfdSupported")]
        public static int IsMemfdSupported() => 0;

        /// <summary>
        /// sysconf(3) for the two names the BCL's Interop.Sys.SysConfName defines: _SC_PAGESIZE 4096 (the paging granule) and
        /// _SC_CLK_TCK 100 (Linux's USER_HZ, the unit of times(2)); −1 with EINVAL for any other name.
        /// </summary>
        [RuntimeExport("SystemNative_SysConf")]
        public static long SysConf(int name)
        {
            switch (name)
            {
                case SC_PAGESIZE: return (long)PageSize;
                case SC_CLK_TCK: return 100;
                default: CurrentErrno = Errno.EINVAL; return -1;
            }
        }
    }
}
