using System;
using System.Runtime;
using Cosmos.Core;
using Cosmos.Core.Layout;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The managed half of startup (see docs/CONTRACTS.md): the X# boot path calls
    /// <see cref="EarlyInit"/> before any module is initialized, then the CoreLib's
    /// InitializeModules, then the program's Main; <see cref="MainReturned"/> when Main returns.
    /// </summary>
    public static unsafe class Startup
    {
        /// <summary>
        /// Runs before module initialization: only non-GC statics and raw memory may be used.
        /// Reads the memory map, keeps the kernel image and the boot information out of it,
        /// maps RAM above 4 GiB, and sets up the heap and the garbage collector.
        /// </summary>
        [RuntimeExport("cosmos_early_init")]
        public static void EarlyInit(BootInfo* bootInfo)
        {
            if (bootInfo->MultibootMagic != Multiboot2.BootloaderMagic)
                Panic.Halt("Not started by a Multiboot2 boot loader; EAX was", bootInfo->MultibootMagic);
            ulong* reserved = stackalloc ulong[2 * 18];
            int pairs = 0;
            reserved[2 * pairs] = bootInfo->KernelStart; reserved[2 * pairs + 1] = bootInfo->KernelEnd; pairs++;
            ulong info = bootInfo->MultibootInfo;
            reserved[2 * pairs] = info; reserved[2 * pairs + 1] = info + *(uint*)info; pairs++;
            // Boot modules (tag 3: u32 mod_start, u32 mod_end, string).
            byte* mi = (byte*)info;
            uint total = *(uint*)mi;
            for (uint off = 8; off + 8 <= total && pairs < 18;)
            {
                uint type = *(uint*)(mi + off), size = *(uint*)(mi + off + 4);
                if (type == 0 || size < 8) break;
                if (type == 3) { reserved[2 * pairs] = *(uint*)(mi + off + 8); reserved[2 * pairs + 1] = *(uint*)(mi + off + 12); pairs++; }
                off += (size + 7) & ~7u;
            }
            PhysicalMemory.Initialize(reserved, pairs);
            Paging.MapAllRam();
            Heap.Initialize();
            GarbageCollector.Initialize();
            HardwareExceptionHook.Raise = &HardwareExceptions.TryRaise;
            HardwareExceptionHook.WriteStackTrace = &ExceptionHandling.StackTraces.WriteForInterruptFrame;
        }

        /// <summary>Main returned: reports the exit code and halts.</summary>
        [RuntimeExport("cosmos_main_returned")]
        public static void MainReturned(int exitCode)
        {
            Panic.Begin();
            Panic.Write("Kernel Main returned with exit code ");
            Panic.WriteDecimal((ulong)(uint)exitCode);
            Panic.End();
        }
    }
}

namespace Cosmos.Runtime
{
    /// <summary>Panics raised from X# runtime helpers, by code.</summary>
    public static class RuntimePanic
    {
        /// <summary>1: RhpGcPoll reached (a suspension was requested but no collector exists).</summary>
        [System.Runtime.RuntimeExport("cosmos_runtime_panic")]
        public static void Raise(int code)
        {
            switch (code)
            {
                case 1: Cosmos.Core.Panic.Halt("RhpGcPoll: thread suspension requested, but there is no collector/scheduler yet"); break;
                default: Cosmos.Core.Panic.Halt("runtime helper panic code", (ulong)code); break;
            }
        }
    }
}
