using System;
using System.Runtime;
using Cosmos.Core;
using Cosmos.Core.Threading;
using Cosmos.Core.Memory;

namespace Cosmos.Runtime
{
    /// <summary>
    /// The part of the BCL's native shim (libSystem.Native, "SystemNative_*") that the CoreLib
    /// itself needs, implemented for the kernel. Error results follow the shim's contract:
    /// -1/null with the Linux errno value readable through SystemNative_GetErrNo.
    /// Files and directories are in SystemNative.Files.cs (forwarded to the installed <see cref="FileSystemPal"/>).
    /// Its environment starts empty (variables set later live in the CoreLib's table).
    /// </summary>
    public static unsafe partial class SystemNative
    {

        private static ulong s_randomState;

        /// <summary>errno of the running thread (<see cref="RuntimeThreadState.Errno"/>). Linux values.</summary>
        internal static int CurrentErrno
        {
            get => RuntimeThreadState.Current->Errno;
            set => RuntimeThreadState.Current->Errno = value;
        }

        /// <summary>errno of the running thread (Linux value).</summary>
        [RuntimeExport("SystemNative_GetErrNo")] public static int GetErrNo() => CurrentErrno;
        /// <summary>Sets errno of the running thread.</summary>
        [RuntimeExport("SystemNative_SetErrNo")] public static void SetErrNo(int value) => CurrentErrno = value;

        /// <summary>abort(3): a panic report; never returns.</summary>
        [RuntimeExport("SystemNative_Abort")]
        public static void Abort() => Panic.Halt("abort (Environment.FailFast or a fatal runtime error; see the lines above)");

        /// <summary>Writes a runtime error message (Internal.Console.Error) to COM1 and VGA.</summary>
        [RuntimeExport("SystemNative_LogError")]
        public static void LogError(byte* buffer, int count)
        {
            for (int i = 0; i < count; i++) Panic.WriteChar((char)buffer[i]);
        }

        /// <summary>Fills the buffer from RDRAND-free xorshift64* seeded by the TSC (not cryptographic, as the name says).</summary>
        [RuntimeExport("SystemNative_GetNonCryptographicallySecureRandomBytes")]
        public static void GetNonCryptographicallySecureRandomBytes(byte* buffer, int length)
        {
            if (s_randomState == 0) s_randomState = Native.Rdtsc() | 1;
            for (int i = 0; i < length; i++)
            {
                ulong x = s_randomState;
                x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
                s_randomState = x;
                buffer[i] = (byte)((x * 0x2545F4914F6CDD1DUL) >> 56);
            }
        }

        private static int s_rdrand; // 0: not probed yet, 1: RDRAND present, 2: absent

        /// <summary>
        /// Cryptographically secure random bytes (Guid.NewGuid, RandomNumberGenerator, HttpClient): from the processor's
        /// RDRAND (its NIST SP 800-90A DRBG, reseeded by the hardware entropy source; Intel SDM Vol. 1 §7.3.17), 8 bytes per
        /// instruction. Returns 0; −1 with EIO when RDRAND has no value ready after 10 tries in a row (the retry count
        /// Intel's DRNG software implementation guide gives), which the CoreLib turns into an exception. A processor
        /// without RDRAND (CPUID.01H:ECX[30] clear) halts with a panic that says so: the kernel has no other entropy source.
        /// </summary>
        [RuntimeExport("SystemNative_GetCryptographicallySecureRandomBytes")]
        public static int GetCryptographicallySecureRandomBytes(byte* buffer, int length)
        {
            if (s_rdrand == 0)
            {
                uint* regs = stackalloc uint[4];
                Native.Cpuid(1, 0, regs);
                s_rdrand = (regs[2] & (1u << 30)) != 0 ? 1 : 2;
            }
            if (s_rdrand != 1)
                Panic.Halt("SystemNative_GetCryptographicallySecureRandomBytes (Guid.NewGuid, RandomNumberGenerator, HttpClient): the processor has no RDRAND (CPUID.01H:ECX[30]) and the kernel no other entropy source");
            for (int i = 0; i < length;)
            {
                ulong value;
                int tries = 0;
                while (Native.Rdrand(&value) == 0)
                    if (++tries == 10) { CurrentErrno = Errno.EIO; return -1; }
                for (int k = 0; k < 8 && i < length; k++, i++) { buffer[i] = (byte)value; value >>= 8; }
            }
            return 0;
        }

        /// <summary>Monotonic nanoseconds since boot (Stopwatch frequency is 1e9 on Unix), from the TSC.</summary>
        [RuntimeExport("SystemNative_GetTimestamp")]
        public static ulong GetTimestamp()
        {
            ulong hz = RuntimeEnvironment.TscFrequency;
            if (hz == 0) Panic.Halt("Stopwatch.GetTimestamp: the TSC frequency has not been measured yet");
            ulong ticks = Native.Rdtsc() - Native.GetBootInfo()->EntryTsc;
            return (ulong)((UInt128)ticks * 1_000_000_000UL / hz);
        }

        /// <summary>The kernel runs on the boot processor only: CPU 0.</summary>
        [RuntimeExport("SystemNative_SchedGetCpu")] public static int SchedGetCpu() => 0;

        // ---- environment and files: none exist yet ----

        /// <summary>The kernel starts with an empty environment: always null (the CoreLib keeps variables set later in its own table).</summary>
        [RuntimeExport("SystemNative_GetEnv")] public static IntPtr GetEnv(byte* name) => IntPtr.Zero;

        private static byte** s_emptyEnviron;

        /// <summary>
        /// The process environment block (char*[] ending in null) the CoreLib copies on its first
        /// Environment.SetEnvironmentVariable / GetEnvironmentVariables: the kernel's is empty. One static block,
        /// allocated once; <see cref="FreeEnviron"/> leaves it alone.
        /// </summary>
        [RuntimeExport("SystemNative_GetEnviron")]
        public static byte** GetEnviron()
        {
            if (s_emptyEnviron == null)
            {
                var block = (byte**)Malloc((UIntPtr)(ulong)sizeof(byte*));
                if (block == null) return null;
                *block = null;
                s_emptyEnviron = block;
            }
            return s_emptyEnviron;
        }

        /// <summary>Releases a block from <see cref="GetEnviron"/>: the static empty block is kept for the next call.</summary>
        [RuntimeExport("SystemNative_FreeEnviron")]
        public static void FreeEnviron(byte** environ)
        {
            if (environ != s_emptyEnviron) Panic.Halt("SystemNative_FreeEnviron: not a block from SystemNative_GetEnviron", (ulong)environ);
        }

        private static string s_hostName;

        /// <summary>The machine's host name (Environment.MachineName), ASCII; "cosmos" unless the kernel sets another (null restores it).</summary>
        public static string HostName { get => s_hostName ?? "cosmos"; set => s_hostName = value; }

        /// <summary>gethostname: <see cref="HostName"/> as NUL-terminated ASCII into <paramref name="name"/>; -1 with Errno.EINVAL when it does not fit in <paramref name="nameLength"/> bytes.</summary>
        [RuntimeExport("SystemNative_GetHostName")]
        public static int GetHostName(byte* name, int nameLength)
        {
            string h = HostName ?? "";
            if (name == null || h.Length + 1 > nameLength) { CurrentErrno = Errno.EINVAL; return -1; }
            for (int i = 0; i < h.Length; i++) name[i] = (byte)(h[i] < 0x80 ? h[i] : '?');
            name[h.Length] = 0;
            return 0;
        }
        // ---- memory mapping: anonymous mappings come from the heap; protections are not enforced ----

        private const int MAP_ANONYMOUS_PAL = 0x10; // Interop.Sys.MemoryMappedFlags.MAP_ANONYMOUS

        /// <summary>mmap(2) of anonymous memory (pages from the kernel heap, zeroed; protections are not enforced); a file mapping fails with EBADF ((void*)−1).</summary>
        [RuntimeExport("SystemNative_MMap")]
        public static IntPtr MMap(IntPtr address, ulong length, int protection, int flags, IntPtr fd, long offset)
        {
            if ((flags & MAP_ANONYMOUS_PAL) == 0 || (long)fd != -1) { CurrentErrno = Errno.EBADF; return (IntPtr)(-1); }
            byte* p = Heap.Alloc(length + 4096);
            if (p == null) { CurrentErrno = Errno.ENOMEM; return (IntPtr)(-1); }
            return (IntPtr)(((ulong)p + 4095) & ~4095UL);
        }

        /// <summary>Unmapping keeps the memory (the heap cannot take pages back yet); reports success.</summary>
        [RuntimeExport("SystemNative_MUnmap")] public static int MUnmap(IntPtr address, ulong length) => 0;
        /// <summary>Page protections are not enforced on the identity map yet; reports success.</summary>
        [RuntimeExport("SystemNative_MProtect")] public static int MProtect(IntPtr address, ulong length, int protection) => 0;

        // ---- malloc family: size classes of powers of two with free lists ----

        private const int Classes = 40;
        private struct FreeLists { public fixed ulong Head[Classes]; }
        private static FreeLists s_free;

        private static int ClassOf(ulong size)
        {
            int c = 4; // 16 bytes minimum
            while ((1UL << c) < size) c++;
            return c;
        }

        /// <summary>malloc: 16-byte aligned, with a 16-byte header holding the size class.</summary>
        [RuntimeExport("SystemNative_Malloc")]
        public static void* Malloc(UIntPtr size)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            void* p = MallocLocked(size);
            CPU.RestoreInterrupts(irq);
            return p;
        }

        private static void* MallocLocked(UIntPtr size)
        {
            ulong n = (ulong)size;
            if (n > (1UL << 36)) { CurrentErrno = Errno.ENOMEM; return null; }
            int c = ClassOf(n == 0 ? 1 : n);
            ulong* block = (ulong*)s_free.Head[c];
            if (block != null) s_free.Head[c] = block[0];
            else
            {
                block = (ulong*)Heap.Alloc((1UL << c) + 16);
                if (block == null) { CurrentErrno = Errno.ENOMEM; return null; }
            }
            block[0] = (ulong)c;
            block[1] = 0x436F736D6F73UL; // "Cosmos" tag: detects frees of foreign pointers
            return block + 2;
        }

        /// <summary>calloc(3) on the kernel heap: <paramref name="num"/> × <paramref name="size"/> zeroed bytes, 16-byte aligned; null (ENOMEM) when the product overflows or the heap is exhausted.</summary>
        [RuntimeExport("SystemNative_Calloc")]
        public static void* Calloc(UIntPtr num, UIntPtr size)
        {
            ulong total = (ulong)num * (ulong)size;
            if ((ulong)size != 0 && total / (ulong)size != (ulong)num) { CurrentErrno = Errno.ENOMEM; return null; }
            void* p = Malloc((UIntPtr)total);
            if (p != null) Memory.Set((byte*)p, 0, total);
            return p;
        }

        /// <summary>free(3) of a block from Malloc/Calloc/Realloc (null is ignored).</summary>
        [RuntimeExport("SystemNative_Free")]
        public static void Free(void* ptr)
        {
            if (ptr == null) return;
            ulong* block = (ulong*)ptr - 2;
            if (block[1] != 0x436F736D6F73UL) Panic.Halt("free() of a pointer malloc did not return:", (ulong)ptr);
            block[1] = 0;
            int c = (int)block[0];
            ulong irq = CPU.SaveAndDisableInterrupts();
            block[0] = s_free.Head[c];
            s_free.Head[c] = (ulong)block;
            CPU.RestoreInterrupts(irq);
        }

        /// <summary>realloc(3): a block of <paramref name="newSize"/> bytes with the old contents (up to the smaller size); null (ENOMEM) on exhaustion, the old block then stays valid.</summary>
        [RuntimeExport("SystemNative_Realloc")]
        public static void* Realloc(void* ptr, UIntPtr newSize)
        {
            if (ptr == null) return Malloc(newSize);
            ulong* block = (ulong*)ptr - 2;
            ulong capacity = 1UL << (int)block[0];
            if ((ulong)newSize <= capacity) return ptr;
            void* q = Malloc(newSize);
            if (q == null) return null;
            Memory.Move((byte*)q, (byte*)ptr, capacity);
            Free(ptr);
            return q;
        }

        /// <summary>aligned_alloc(3): <paramref name="size"/> bytes aligned to <paramref name="alignment"/> (a power of two); null (ENOMEM/EINVAL) on failure.</summary>
        [RuntimeExport("SystemNative_AlignedAlloc")]
        public static void* AlignedAlloc(UIntPtr alignment, UIntPtr size)
        {
            ulong a = (ulong)alignment;
            if (a == 0 || (a & (a - 1)) != 0) { CurrentErrno = Errno.EINVAL; return null; }
            byte* raw = (byte*)Malloc((UIntPtr)((ulong)size + a + 8));
            if (raw == null) return null;
            ulong aligned = ((ulong)raw + 8 + a - 1) & ~(a - 1);
            ((ulong*)aligned)[-1] = (ulong)raw;
            return (void*)aligned;
        }

        /// <summary>Frees a block from AlignedAlloc/AlignedRealloc (null is ignored).</summary>
        [RuntimeExport("SystemNative_AlignedFree")]
        public static void AlignedFree(void* ptr)
        {
            if (ptr != null) Free((void*)((ulong*)ptr)[-1]);
        }

        /// <summary>Resizes an aligned block, keeping its contents and alignment; null (ENOMEM) on exhaustion.</summary>
        [RuntimeExport("SystemNative_AlignedRealloc")]
        public static void* AlignedRealloc(void* ptr, UIntPtr alignment, UIntPtr newSize)
        {
            void* q = AlignedAlloc(alignment, newSize);
            if (q == null || ptr == null) return q;
            byte* raw = (byte*)((ulong*)ptr)[-1];
            ulong capacity = (1UL << (int)((ulong*)raw)[-2]) - (ulong)((byte*)ptr - raw);
            Memory.Move((byte*)q, (byte*)ptr, Math.Min(capacity, (ulong)newSize));
            AlignedFree(ptr);
            return q;
        }

        // ---- low-level monitors (pthread mutex + condition variable: the CoreLib's LowLevelLock, LowLevelMonitor, WaitSubsystem) ----

        /// <summary>A mutex with one condition variable, over the scheduler's wait queues. Fields change only with interrupts disabled.</summary>
        private struct Monitor
        {
            public int Locked;
            public KernelThread* Owner;
            public WaitQueue LockWaiters;
            public WaitQueue ConditionWaiters;
        }

        /// <summary>A new LowLevelMonitor (mutex + condition variable), unlocked.</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Create")]
        public static IntPtr LowLevelMonitorCreate() => (IntPtr)Calloc((UIntPtr)1, (UIntPtr)(ulong)sizeof(Monitor));

        /// <summary>Frees a LowLevelMonitor (no thread may hold or wait on it).</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Destroy")]
        public static void LowLevelMonitorDestroy(IntPtr m)
        {
            var mon = (Monitor*)m;
            if (mon->Locked != 0 || !mon->LockWaiters.IsEmpty || !mon->ConditionWaiters.IsEmpty)
                Panic.Halt("LowLevelMonitor_Destroy: the monitor is held or has waiters", (ulong)m);
            Free((void*)m);
        }

        /// <summary>pthread_mutex_lock: blocks while another thread holds it; re-acquiring on the owning thread is a deadlock (panic).</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Acquire")]
        public static void LowLevelMonitorAcquire(IntPtr m)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            AcquireLocked((Monitor*)m);
            CPU.RestoreInterrupts(irq);
        }

        private static void AcquireLocked(Monitor* mon)
        {
            var self = Scheduler.Current;
            while (mon->Locked != 0)
            {
                if (mon->Owner == self) Panic.Halt("deadlock: a LowLevelMonitor acquired twice by the same thread", self != null ? self->Id : 1);
                if (!Scheduler.IsInitialized) Panic.Halt("deadlock: LowLevelMonitor held while the scheduler does not run yet");
                Scheduler.Block(&mon->LockWaiters, 0);
            }
            mon->Locked = 1;
            mon->Owner = self;
        }

        private static void ReleaseLocked(Monitor* mon)
        {
            if (mon->Locked == 0) Panic.Halt("LowLevelMonitor released while not held");
            mon->Locked = 0;
            mon->Owner = null;
            if (Scheduler.IsInitialized) Scheduler.WakeOne(&mon->LockWaiters);
        }

        /// <summary>pthread_mutex_unlock: wakes one thread waiting to acquire.</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Release")]
        public static void LowLevelMonitorRelease(IntPtr m)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            ReleaseLocked((Monitor*)m);
            CPU.RestoreInterrupts(irq);
            Scheduler.YieldIfPending();
        }

        /// <summary>pthread_cond_signal then pthread_mutex_unlock: wakes one waiter of the condition (a signal with no waiter is lost, as with pthreads).</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Signal_Release")]
        public static void LowLevelMonitorSignalRelease(IntPtr m)
        {
            var mon = (Monitor*)m;
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (Scheduler.IsInitialized) Scheduler.WakeOne(&mon->ConditionWaiters);
            ReleaseLocked(mon);
            CPU.RestoreInterrupts(irq);
            Scheduler.YieldIfPending();
        }

        /// <summary>pthread_cond_wait: releases the monitor, blocks until signaled, re-acquires.</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_Wait")]
        public static void LowLevelMonitorWait(IntPtr m)
        {
            if (!Scheduler.IsInitialized) Panic.Halt("deadlock: waiting on a LowLevelMonitor before the scheduler runs (nothing could signal it)");
            WaitCore((Monitor*)m, 0);
        }

        /// <summary>pthread_cond_timedwait: like Wait, at most <paramref name="timeoutMs"/> ms (TSC); returns 1 when signaled, 0 on timeout.</summary>
        [RuntimeExport("SystemNative_LowLevelMonitor_TimedWait")]
        public static int LowLevelMonitorTimedWait(IntPtr m, int timeoutMs)
        {
            ulong hz = RuntimeEnvironment.TscFrequency;
            if (hz == 0) Panic.Halt("LowLevelMonitor_TimedWait: the TSC frequency has not been measured yet");
            ulong deadline = Native.Rdtsc() + (ulong)(uint)timeoutMs * (hz / 1000) + 1;
            var mon = (Monitor*)m;
            if (!Scheduler.IsInitialized)
            {
                // Before the scheduler runs there is one thread, so nothing can signal: wait the time out.
                ReleaseLocked(mon);
                while (Native.Rdtsc() < deadline) Native.Pause();
                mon->Locked = 1;
                return 0;
            }
            return WaitCore(mon, deadline) == Scheduler.WokenBySignal ? 1 : 0;
        }

        private static int WaitCore(Monitor* mon, ulong deadline)
        {
            ulong irq = CPU.SaveAndDisableInterrupts();
            if (mon->Owner != Scheduler.Current) Panic.Halt("LowLevelMonitor wait by a thread that does not hold it");
            ReleaseLocked(mon);
            int result = Scheduler.Block(&mon->ConditionWaiters, deadline);
            AcquireLocked(mon);
            CPU.RestoreInterrupts(irq);
            return result;
        }

        /// <summary>
        /// pthread_create for Thread.Start (Interop.Sys.CreateThread): a kernel thread running
        /// <paramref name="startAddress"/>(<paramref name="parameter"/>) on a stack of <paramref name="stackSize"/> bytes
        /// (0: the scheduler's default) at normal priority. Returns 1, or 0 when no thread could be created.
        /// </summary>
        [RuntimeExport("SystemNative_CreateThread")]
        public static int CreateThread(UIntPtr stackSize, IntPtr startAddress, IntPtr parameter)
        {
            var t = Threads.Create((ulong)startAddress, (ulong)parameter, (ulong)stackSize, Scheduler.Normal, managedThreadHandle: parameter);
            if (t == null) { CurrentErrno = Errno.ENOMEM; return 0; }
            return 1;
        }

        /// <summary>sched_yield.</summary>
        [RuntimeExport("SystemNative_SchedYield")]
        public static int SchedYield() { Scheduler.Yield(); return 0; }
    }
}
