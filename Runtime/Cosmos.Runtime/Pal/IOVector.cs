using System;
using System.Runtime.InteropServices;

namespace Cosmos.Runtime
{
    /// <summary>Interop.Sys.IOVector (struct iovec): one buffer of a vectored read or write.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IOVector
    {
        /// <summary>Start of the buffer.</summary>
        public byte* Base;
        /// <summary>Length in bytes.</summary>
        public UIntPtr Count;
    }
}
