using System.Runtime.CompilerServices;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// The object layout the collector relies on (NativeAOT x64, verified against ilc 9.0.18 output;
    /// dotnet/runtime src/coreclr/nativeaot/Runtime/inc/MethodTable.h, ObjectLayout.h, gcdesc.h):
    /// an object reference points at the MethodTable pointer; the 8-byte object header sits below it:
    /// bytes −8..−5 are padding the runtime never uses, bytes −4..−1 the sync-block word the CoreLib
    /// uses (hash code, thin lock, BIT_SBLK_FINALIZER_RUN). Arrays and strings keep a 32-bit length
    /// at +8. Size = BaseSize + length × ComponentSize (BaseSize includes header and MethodTable
    /// pointer), rounded up to 8 in the heap.
    /// <para>
    /// The collector owns the padding dword (the <b>GC word</b>): 0 for an object not marked since it
    /// was allocated, the collection number ("epoch", 1..0x7FFFFFFF) of the last collection that
    /// marked it, or <see cref="FreeCell"/> for a free size-class cell. Marking stores the current
    /// epoch, so mark bits never have to be cleared.
    /// </para>
    /// A heap <b>cell</b> starts with the header: cell address + 8 = object reference.
    /// </summary>
    internal static unsafe class ObjectLayout
    {
        /// <summary>GC word of a free size-class cell (its next-free link is at cell + 8).</summary>
        public const uint FreeCell = 0xFFFF_FFFF;
        /// <summary>Bytes of the object header below the reference.</summary>
        public const ulong HeaderSize = 8;
        /// <summary>Header bit (in the sync-block word at object − 4) BIT_SBLK_FINALIZER_RUN: the finalizer must not run.</summary>
        public const uint FinalizerRunBit = 0x4000_0000;

        /// <summary>The GC word of the object at <paramref name="obj"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint* GcWord(ulong obj) => (uint*)(obj - 8);

        /// <summary>The sync-block word of the object at <paramref name="obj"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint* SyncWord(ulong obj) => (uint*)(obj - 4);

        /// <summary>MethodTable of the object at <paramref name="obj"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static MethodTable* MT(ulong obj) => *(MethodTable**)obj;

        /// <summary>Exact size in bytes (BaseSize + length × ComponentSize), not rounded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong ExactSize(ulong obj, MethodTable* mt)
        {
            ulong size = mt->BaseSize;
            if ((mt->Flags & MethodTable.HasComponentSizeFlag) != 0)
                size += (ulong)*(uint*)(obj + 8) * (mt->Flags & 0xFFFF);
            return size;
        }

        /// <summary>Heap size in bytes (exact size rounded up to 8).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong HeapSize(ulong obj) => (ExactSize(obj, MT(obj)) + 7) & ~7UL;

        /// <summary>Object reference stored in a managed object variable, as an address.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong AddressOf(object o) => (ulong)Unsafe.As<object, System.IntPtr>(ref o);

        /// <summary>The object at <paramref name="address"/> as a managed reference.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static object ToObject(ulong address) => Unsafe.As<ulong, object>(ref address);
    }
}
