using System;
using System.Runtime;
using Cosmos.Core;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Module registration for the startup path (CoreLib's StartupCodeHelpers.InitializeModules).
    /// The module header ilc emits is a ReadyToRunHeader (dotnet/runtime
    /// src/coreclr/tools/Common/Internal/Runtime/ModuleHeaders.cs): u32 signature 0x00525452 ("RTR"),
    /// u16 major, u16 minor, u32 flags, u16 section count, u8 entry size, u8 entry type, then
    /// rows { i32 section id; i32 flags (1 = has end pointer); void* start; void* end }.
    /// A TypeManager here is a small unmanaged record holding that header and the classlib
    /// function table; its address is the TypeManagerHandle.
    /// </summary>
    public static unsafe class Modules
    {
        /// <summary>ReadyToRunHeader signature ("RTR\0").</summary>
        public const uint ReadyToRunSignature = 0x00525452;

        private struct TypeManager
        {
            public IntPtr OsModule;
            public byte* Header;
            public IntPtr* ClasslibFunctions;
            public int ClasslibFunctionCount;
        }

        private const int MaxModules = 8;
        private const int MaxFrozenSegments = 64;
        private const int MaxThreadStaticRoots = 4096;   // one per module per thread

        private struct State
        {
            public fixed ulong TypeManagers[MaxModules];
            public fixed ulong FrozenStart[MaxFrozenSegments];
            public fixed ulong FrozenAllocated[MaxFrozenSegments];
            public fixed ulong FrozenReserved[MaxFrozenSegments];
            public fixed ulong ThreadStaticRoots[MaxThreadStaticRoots];
        }

        private static State s_state;
        private static int s_moduleCount;
        private static int s_frozenCount;
        private static int s_threadStaticRootCount;
        private static IntPtr s_osModule;

        /// <summary>The OS module handle (the kernel image base) registered at startup.</summary>
        public static IntPtr OsModule => s_osModule;
        /// <summary>Frozen object segments registered (preinitialized data from ilc).</summary>
        public static int FrozenSegmentCount => s_frozenCount;

        /// <summary>Registers the kernel image as the OS module (one exists); returns its handle.</summary>
        [RuntimeExport("RhpRegisterOsModule")]
        public static IntPtr RhpRegisterOsModule(IntPtr osModule)
        {
            s_osModule = osModule;
            return osModule;
        }

        /// <summary>Creates the TypeManager for one module header. Panics on a header that is not a ReadyToRunHeader.</summary>
        [RuntimeExport("RhpCreateTypeManager")]
        public static IntPtr RhpCreateTypeManager(IntPtr osModule, IntPtr moduleHeader, IntPtr* classlibFunctions, int count)
        {
            byte* header = (byte*)moduleHeader;
            if (*(uint*)header != ReadyToRunSignature)
                Panic.Halt("RhpCreateTypeManager: module header without ReadyToRun signature at", (ulong)header);
            if (s_moduleCount == MaxModules) Panic.Halt("RhpCreateTypeManager: too many modules", (ulong)s_moduleCount);
            var tm = (TypeManager*)Heap.Alloc((ulong)sizeof(TypeManager));
            if (tm == null) Panic.Halt("RhpCreateTypeManager: out of memory");
            tm->OsModule = osModule;
            tm->Header = header;
            tm->ClasslibFunctions = classlibFunctions;
            tm->ClasslibFunctionCount = count;
            s_state.TypeManagers[s_moduleCount++] = (ulong)tm;
            return (IntPtr)tm;
        }

        /// <summary>Start of section <paramref name="sectionId"/> of a module, and its length in bytes (0 when the row has no end pointer); IntPtr.Zero when absent.</summary>
        [RuntimeExport("RhpGetModuleSection")]
        public static IntPtr RhpGetModuleSection(IntPtr* typeManagerHandle, int sectionId, int* length)
        {
            var tm = (TypeManager*)*typeManagerHandle;
            byte* h = tm->Header;
            ushort sections = *(ushort*)(h + 12);
            byte entrySize = h[14];
            byte* row = h + 16;
            for (int i = 0; i < sections; i++, row += entrySize)
            {
                if (*(int*)row != sectionId) continue;
                int flags = *(int*)(row + 4);
                byte* start = *(byte**)(row + 8);
                *length = (flags & 1) != 0 ? (int)(*(byte**)(row + 16) - start) : 0;
                return (IntPtr)start;
            }
            *length = 0;
            return IntPtr.Zero;
        }

        /// <summary>First ReadyToRun section id of the blob range RhFindBlob indexes (ModuleHeaders.cs: ReadonlyBlobRegionStart).</summary>
        public const int ReadonlyBlobRegionStart = 300;

        /// <summary>Finds metadata blob <paramref name="blobId"/> of a module (section 300 + id); false when absent.</summary>
        [RuntimeExport("RhFindBlob")]
        public static bool RhFindBlob(IntPtr* typeManagerHandle, uint blobId, byte** blob, uint* length)
        {
            int len;
            IntPtr p = RhpGetModuleSection(typeManagerHandle, ReadonlyBlobRegionStart + (int)blobId, &len);
            *blob = (byte*)p;
            *length = (uint)len;
            return p != IntPtr.Zero;
        }

        private static void* ClasslibFunction(int id)
        {
            // FailFast is answered by the kernel: an unhandled exception ends in the panic report
            // (Exceptions.FailFast) instead of the CoreLib's RuntimeFailFast (stderr + abort).
            if (id == Exceptions.ClasslibFailFast) return (void*)Exceptions.FailFastFunction;
            if (s_moduleCount == 0) return null;
            var tm = (TypeManager*)s_state.TypeManagers[0];
            if ((uint)id >= (uint)tm->ClasslibFunctionCount) return null;
            return (void*)tm->ClasslibFunctions[id];
        }

        /// <summary>Classlib callback <paramref name="id"/> (GetRuntimeException, RuntimeFailFast ...). One classlib (the CoreLib) serves every type.</summary>
        [RuntimeExport("RhpGetClasslibFunctionFromEEType")]
        public static void* RhpGetClasslibFunctionFromEEType(MethodTable* mt, int id) => ClasslibFunction(id);

        /// <summary>Classlib callback <paramref name="id"/> for code at <paramref name="address"/>; null when the address is outside managed code.</summary>
        [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
        public static void* RhpGetClasslibFunctionFromCodeAddress(IntPtr address, int id)
            => RhGetOSModuleFromPointer(address) == IntPtr.Zero ? null : ClasslibFunction(id);

        /// <summary>The kernel image base when <paramref name="pointer"/> lies inside the image, else zero.</summary>
        [RuntimeExport("RhGetOSModuleFromPointer")]
        public static IntPtr RhGetOSModuleFromPointer(IntPtr pointer)
        {
            var bi = Native.GetBootInfo();
            ulong p = (ulong)pointer;
            return p >= bi->KernelStart && p < bi->KernelEnd ? (IntPtr)bi->KernelStart : IntPtr.Zero;
        }

        /// <summary>Module file name as UTF-8: "kernel.elf" (the image GRUB loaded); returns the length.</summary>
        [RuntimeExport("RhGetModuleFileName")]
        public static int RhGetModuleFileName(IntPtr module, byte** name)
        {
            ReadOnlySpan<byte> s = "kernel.elf"u8;
            fixed (byte* p = s) *name = p;
            return s.Length;
        }

        /// <summary>Registers a frozen (preinitialized, never moving) object segment; returns its handle (index + 1).</summary>
        [RuntimeExport("RhRegisterFrozenSegment")]
        public static IntPtr RhRegisterFrozenSegment(void* start, UIntPtr allocSize, UIntPtr commitSize, UIntPtr reservedSize)
        {
            if (s_frozenCount == MaxFrozenSegments) return IntPtr.Zero;
            s_state.FrozenStart[s_frozenCount] = (ulong)start;
            s_state.FrozenAllocated[s_frozenCount] = (ulong)start + (ulong)allocSize;
            s_state.FrozenReserved[s_frozenCount] = (ulong)start + (ulong)reservedSize;
            return (IntPtr)(++s_frozenCount);
        }

        /// <summary>Updates the allocated end of a frozen segment registered earlier.</summary>
        [RuntimeExport("RhUpdateFrozenSegment")]
        public static void RhUpdateFrozenSegment(IntPtr segment, void* allocated, void* committed)
        {
            int i = (int)segment - 1;
            if ((uint)i >= (uint)s_frozenCount) Panic.Halt("RhUpdateFrozenSegment: unknown segment handle", (ulong)segment);
            s_state.FrozenAllocated[i] = (ulong)allocated;
        }

        /// <summary>Number of modules (TypeManagers) created.</summary>
        internal static int ModuleCount => s_moduleCount;

        /// <summary>Section <paramref name="sectionId"/> of module <paramref name="module"/> (0-based), or null; <paramref name="length"/> in bytes.</summary>
        internal static byte* GetSection(int module, int sectionId, out int length)
        {
            ulong tm = s_state.TypeManagers[module];
            int len;
            IntPtr p = RhpGetModuleSection((IntPtr*)&tm, sectionId, &len);
            length = len;
            return (byte*)p;
        }

        /// <summary>Frozen segment <paramref name="index"/>: first byte and first byte after the allocated objects.</summary>
        internal static void GetFrozenSegment(int index, out ulong start, out ulong allocated)
        {
            start = s_state.FrozenStart[index];
            allocated = s_state.FrozenAllocated[index];
        }

        /// <summary>Number of inlined thread-static roots registered (one per module and thread).</summary>
        internal static int ThreadStaticRootCount => s_threadStaticRootCount;

        /// <summary>Address of inlined thread-static root <paramref name="index"/>: a slot holding an object reference.</summary>
        internal static ulong GetThreadStaticRoot(int index) => s_state.ThreadStaticRoots[index];

        /// <summary>Records the address of an inlined thread-static root (the collector marks the object it holds).</summary>
        [RuntimeExport("RhRegisterInlinedThreadStaticRoot")]
        public static void RhRegisterInlinedThreadStaticRoot(void* root, IntPtr typeManager)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (s_threadStaticRootCount == MaxThreadStaticRoots) Panic.Halt("RhRegisterInlinedThreadStaticRoot: too many roots");
            s_state.ThreadStaticRoots[s_threadStaticRootCount++] = (ulong)root;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>Forgets the inlined thread-static roots that lie in [<paramref name="low"/>, <paramref name="high"/>) (an exiting thread's TLS block).</summary>
        internal static void UnregisterThreadStaticRoots(ulong low, ulong high)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            int kept = 0;
            for (int i = 0; i < s_threadStaticRootCount; i++)
            {
                ulong r = s_state.ThreadStaticRoots[i];
                if (r >= low && r < high) continue;
                s_state.ThreadStaticRoots[kept++] = r;
            }
            s_threadStaticRootCount = kept;
            CPU.RestoreInterrupts(irq);
        }
    }
}
