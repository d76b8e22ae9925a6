using System.Runtime.InteropServices;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The fixed head of a NativeAOT MethodTable as ilc 10.0 emits it (checked against the CoreLib's
    /// Internal.Runtime.MethodTable by Tests/Cosmos.Runtime.Tests/CoreLibContractTests)
    /// (dotnet/runtime src/coreclr/nativeaot/Runtime/inc/MethodTable.h): u32 flags,
    /// u32 base size, related type pointer, u16 vtable slot count, u16 interface count,
    /// u32 hash code; the vtable follows. Only what the allocator needs is exposed.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MethodTable
    {
        /// <summary>Flags; when <see cref="HasComponentSizeFlag"/> is set the low 16 bits are the component size.</summary>
        public uint Flags;
        /// <summary>Size in bytes of an instance without array/string elements, including the object header (8) and the MethodTable pointer (8).</summary>
        public uint BaseSize;
        /// <summary>Base type, element type (arrays) or underlying type, depending on the kind.</summary>
        public MethodTable* RelatedType;
        /// <summary>Number of vtable slots.</summary>
        public ushort NumVtableSlots;
        /// <summary>Number of implemented interfaces.</summary>
        public ushort NumInterfaces;
        /// <summary>Type hash code.</summary>
        public uint HashCode;

        /// <summary>Flag: instances are arrays or strings with a per-element size.</summary>
        public const uint HasComponentSizeFlag = 0x80000000;
        /// <summary>Flag: the type has a finalizer.</summary>
        public const uint HasFinalizerFlag = 0x00100000;
        /// <summary>Flag: instances contain GC references (a GCDesc precedes the MethodTable).</summary>
        public const uint HasPointersFlag = 0x01000000;

        /// <summary>Per-element size in bytes for arrays and strings, else 0.</summary>
        public uint ComponentSize => (Flags & HasComponentSizeFlag) != 0 ? (Flags & 0xFFFF) : 0;
        /// <summary>True when instances need finalization.</summary>
        public bool HasFinalizer => (Flags & HasFinalizerFlag) != 0;
    }
}
