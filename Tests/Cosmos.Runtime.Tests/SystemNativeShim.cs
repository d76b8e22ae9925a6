using System;

namespace Cosmos.Runtime
{
    /// <summary>Host stand-in for the kernel's errno (RuntimeThreadState.Errno), which SystemNative.Sockets.cs sets.</summary>
    public static partial class SystemNative
    {
        [ThreadStatic] private static int t_errno;

        /// <summary>errno of the calling thread.</summary>
        internal static int CurrentErrno { get => t_errno; set => t_errno = value; }

        /// <summary>errno as the tests read it.</summary>
        internal static int GetErrNoForTests() => t_errno;
    }
}
