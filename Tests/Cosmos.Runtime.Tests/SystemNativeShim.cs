using System;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Host stand-ins for what SystemNative.cs gives the linked Pal sources in the kernel: errno (RuntimeThreadState.Errno)
    /// and malloc/free (the kernel heap; here NativeMemory).
    /// </summary>
    public static unsafe partial class SystemNative
    {
        /// <summary>malloc.</summary>
        public static void* Malloc(UIntPtr size) => System.Runtime.InteropServices.NativeMemory.Alloc((nuint)size);

        /// <summary>free.</summary>
        public static void Free(void* ptr) => System.Runtime.InteropServices.NativeMemory.Free(ptr);

        [ThreadStatic] private static int t_errno;

        /// <summary>errno of the calling thread.</summary>
        internal static int CurrentErrno { get => t_errno; set => t_errno = value; }

        /// <summary>errno as the tests read it.</summary>
        internal static int GetErrNoForTests() => t_errno;
    }
}
