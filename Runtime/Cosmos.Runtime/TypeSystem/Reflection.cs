using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Runtime services the reflection and type-loader parts of the CoreLib import: code
    /// stubs, GCDesc sizes, uninlined thread statics and dynamic dispatch cells. (GC reporting
    /// frames for reflection invoke live with the collector's roots: GC/Roots.cs.)
    /// </summary>
    public static unsafe class ReflectionSupport
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_unbox_bounds")]
        private static extern void UnboxBounds(ulong* start, ulong* end);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_initial_dispatch_stub")]
        private static extern IntPtr InitialDispatchStub();

        /// <summary>
        /// If <paramref name="code"/> is an unboxing stub (ilc emits <c>add rdi, 8; jmp rel32</c>
        /// into the __unbox section) returns the method it jumps to, else <paramref name="code"/>.
        /// </summary>
        [RuntimeExport("RhGetCodeTarget")]
        public static IntPtr RhGetCodeTarget(IntPtr code)
        {
            ulong start, end;
            UnboxBounds(&start, &end);
            byte* p = (byte*)code;
            if ((ulong)p < start || (ulong)p >= end) return code;
            if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xC7 && p[3] == 0x08 && p[4] == 0xE9)
                return (IntPtr)(p + 9 + *(int*)(p + 5));
            Panic.Halt("RhGetCodeTarget: unrecognised stub in __unbox at", (ulong)p);
            return code;
        }

        /// <summary>Unboxing-and-instantiating stubs are not emitted in the __unbox form above; any other code is not such a stub (null).</summary>
        [RuntimeExport("RhGetTargetOfUnboxingAndInstantiatingStub")]
        public static IntPtr RhGetTargetOfUnboxingAndInstantiatingStub(IntPtr code) => IntPtr.Zero;

        /// <summary>
        /// Size in bytes of the GCDesc stored just below a MethodTable (dotnet/runtime gcdesc.h):
        /// a series count N at MT−8; N &gt; 0: N series of 16 bytes; N &lt; 0 (arrays of structs):
        /// one 8-byte start offset and −N 8-byte items. 0 when the type has no GC references.
        /// </summary>
        [RuntimeExport("RhGetGCDescSize")]
        public static int RhGetGCDescSize(MethodTable* mt)
        {
            if ((mt->Flags & MethodTable.HasPointersFlag) == 0) return 0;
            long series = *((long*)mt - 1);
            return series > 0 ? (int)(8 + series * 16) : (int)(8 + 8 + (-series) * 8);
        }

        /// <summary>
        /// Address of the running thread's slot for its storage of uninlined thread statics (an object reference):
        /// <see cref="RuntimeThreadState.ThreadStaticStorage"/>, a GC root per thread.
        /// </summary>
        [RuntimeExport("RhGetThreadStaticStorage")]
        public static IntPtr RhGetThreadStaticStorage() => (IntPtr)(&RuntimeThreadState.Current->ThreadStaticStorage);

        /// <summary>
        /// A new interface dispatch cell for (interface, slot): two cells, the first {initial
        /// stub, interface | 1}, the terminator {0, slot} (type InterfaceAndSlot), as ilc lays them out.
        /// </summary>
        [RuntimeExport("RhNewInterfaceDispatchCell")]
        public static IntPtr RhNewInterfaceDispatchCell(MethodTable* interfaceType, int slot)
        {
            ulong* cell = (ulong*)Heap.Alloc(32);
            if (cell == null) Panic.Halt("RhNewInterfaceDispatchCell: out of memory");
            cell[0] = (ulong)InitialDispatchStub();
            cell[1] = (ulong)interfaceType | 1;
            cell[2] = 0;
            cell[3] = (ulong)(ushort)slot;
            return (IntPtr)cell;
        }
    }
}
