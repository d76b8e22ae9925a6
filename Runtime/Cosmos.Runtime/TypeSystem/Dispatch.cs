using System;
using System.Runtime;
using System.Runtime.InteropServices;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Interface dispatch cells. ilc emits one cell per interface call site:
    /// { u64 stub; u64 cache }, in runs ended by a cell whose stub is 0 and whose cache word
    /// holds (cell type &lt;&lt; 16 | interface slot). The cache word's low two bits say how the
    /// interface type is encoded (1: pointer, 3: relative pointer, 2: indirected relative
    /// pointer); a value below 0x1000 with bits clear is a vtable offset.
    /// (Format facts from dotnet/runtime src/coreclr/nativeaot/Runtime/inc/rhbinder.h.)
    /// Call sites call the stub through the cell with R10 = cell; the X# stub
    /// RhpInitialDynamicInterfaceDispatch asks the CoreLib's RhpResolveInterfaceMethod, which
    /// uses the functions below. Resolved targets are memoised per (cell, type) here.
    /// </summary>
    public static unsafe class Dispatch
    {
        /// <summary>DispatchCellType values (System.Runtime.DispatchCellType).</summary>
        public const int CellTypeInterfaceAndSlot = 0, CellTypeMetadataToken = 1, CellTypeVTableOffset = 2;

        /// <summary>The CoreLib's DispatchCellInfo (sequential layout, 32 bytes).</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct DispatchCellInfo
        {
            /// <summary>One of the CellType* constants.</summary>
            public int CellType;
            /// <summary>The interface (InterfaceAndSlot cells).</summary>
            public MethodTable* InterfaceType;
            /// <summary>The slot in the interface (InterfaceAndSlot cells).</summary>
            public ushort InterfaceSlot;
            /// <summary>1 when the cell's cache word points at a cache.</summary>
            public byte HasCache;
            /// <summary>The method's metadata token (MetadataToken cells).</summary>
            public uint MetadataToken;
            /// <summary>Byte offset of the vtable slot (VTableOffset cells).</summary>
            public uint VTableOffset;
        }

        /// <summary>Decodes an interface dispatch cell (its cache word and the run terminator) into <paramref name="info"/>.</summary>
        [RuntimeExport("RhpGetDispatchCellInfo")]
        public static void RhpGetDispatchCellInfo(ulong* cell, DispatchCellInfo* info)
        {
            *info = default;
            ulong cache = cell[1];
            if (cache < 0x1000 && (cache & 3) == 0)
            {
                info->CellType = CellTypeVTableOffset;
                info->VTableOffset = (uint)cache;
                return;
            }
            ulong* last = cell;
            while (last[0] != 0) last += 2;
            ulong flags = last[1];
            info->CellType = (int)(flags >> 16);
            if (info->CellType == CellTypeInterfaceAndSlot)
            {
                info->InterfaceSlot = (ushort)flags;
                switch (cache & 3)
                {
                    case 1:
                        info->InterfaceType = (MethodTable*)(cache & ~3UL);
                        break;
                    case 2:
                    case 3:
                        ulong target = (ulong)(cell + 1) + (ulong)(long)(int)cache;
                        target &= ~3UL;
                        info->InterfaceType = (cache & 3) == 3 ? (MethodTable*)target : *(MethodTable**)target;
                        break;
                    default:
                        Cosmos.Core.Panic.Halt("RhpGetDispatchCellInfo: unexpected cache pointer in dispatch cell", (ulong)cell);
                        break;
                }
            }
            else
            {
                info->MetadataToken = (uint)(cache >> 2);
            }
        }

        private const int CacheSize = 1024; // power of two
        private struct Cache
        {
            public fixed ulong Cell[CacheSize];
            public fixed ulong Type[CacheSize];
            public fixed ulong Target[CacheSize];
        }
        private static Cache s_cache;

        private static int Slot(IntPtr cell, MethodTable* type)
            => (int)(((((ulong)cell >> 3) ^ ((ulong)type >> 4)) * 0x9E3779B97F4A7C15UL) >> 54) & (CacheSize - 1);

        /// <summary>The memoised target of (<paramref name="cell"/>, <paramref name="type"/>), or 0.</summary>
        [RuntimeExport("RhpSearchDispatchCellCache")]
        public static IntPtr RhpSearchDispatchCellCache(IntPtr cell, MethodTable* type)
        {
            int i = Slot(cell, type);
            ulong irq = CPU.SaveAndDisableInterrupts();     // the three words of an entry change together (another thread may update it)
            IntPtr r = s_cache.Cell[i] == (ulong)cell && s_cache.Type[i] == (ulong)type ? (IntPtr)s_cache.Target[i] : IntPtr.Zero;
            CPU.RestoreInterrupts(irq);
            return r;
        }

        /// <summary>Memoises <paramref name="target"/> for (<paramref name="cell"/>, <paramref name="type"/>); returns <paramref name="target"/>.</summary>
        [RuntimeExport("RhpUpdateDispatchCellCache")]
        public static IntPtr RhpUpdateDispatchCellCache(IntPtr cell, IntPtr target, MethodTable* type, DispatchCellInfo* info)
        {
            int i = Slot(cell, type);
            ulong irq = CPU.SaveAndDisableInterrupts();
            s_cache.Cell[i] = (ulong)cell;
            s_cache.Type[i] = (ulong)type;
            s_cache.Target[i] = (ulong)target;
            CPU.RestoreInterrupts(irq);
            return target;
        }
    }
}
