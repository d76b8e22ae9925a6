using System;
using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Process and time facts the CoreLib imports: one CPU; time from the TSC, which Cosmos.System
    /// calibrates at startup (<see cref="TscFrequency"/>). Thread facts are in <see cref="Threads"/>.
    /// </summary>
    public static unsafe class RuntimeEnvironment
    {
        private static ulong s_tscHz;

        /// <summary>TSC ticks per second; set once by the kernel startup after measuring it against the PIT.</summary>
        public static ulong TscFrequency { get => s_tscHz; set => s_tscHz = value; }

        /// <summary>
        /// Environment.TickCount64 (the .NET 10 CoreLib's <c>Interop.Sys.GetLowResolutionTimestamp</c>): milliseconds since the
        /// first 64-bit instruction of the boot path.
        /// </summary>
        [RuntimeExport("SystemNative_GetLowResolutionTimestamp")]
        public static ulong GetLowResolutionTimestamp()
        {
            if (s_tscHz == 0) Panic.Halt("Environment.TickCount64: the TSC frequency has not been measured yet");
            ulong ticks = Native.Rdtsc() - Native.GetBootInfo()->EntryTsc;
            return (ulong)((UInt128)ticks * 1000 / s_tscHz);
        }

        private static long s_wallClockTicks;
        private static ulong s_wallClockTsc;
        private static bool s_wallClockSet;

        /// <summary>
        /// Sets the wall clock: at TSC value <paramref name="tsc"/> the time was <paramref name="unixTicks"/> (100 ns units
        /// since 1970-01-01 00:00 UTC). The system layer calls it with the RTC (read as UTC) at startup.
        /// </summary>
        public static void SetWallClock(long unixTicks, ulong tsc)
        {
            s_wallClockTicks = unixTicks;
            s_wallClockTsc = tsc;
            s_wallClockSet = true;
        }

        /// <summary>DateTime.UtcNow: 100 ns ticks since the Unix epoch, advanced by the TSC from the RTC reading at startup.</summary>
        [RuntimeExport("SystemNative_GetSystemTimeAsTicks")]
        public static long SystemNativeGetSystemTimeAsTicks()
        {
            if (!s_wallClockSet) Panic.Halt("DateTime.UtcNow: no wall clock (the RTC could not be read at startup)");
            if (s_tscHz == 0) Panic.Halt("DateTime.UtcNow: the TSC frequency has not been measured yet");
            ulong elapsed = Native.Rdtsc() - s_wallClockTsc;
            return s_wallClockTicks + (long)((UInt128)elapsed * 10_000_000 / s_tscHz);
        }

        /// <summary>The CoreLib's ProcessCpuInformation (Interop.Sys, sequential, field order as there): previous sample of wall time and busy time, in ns.</summary>
        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct ProcessCpuInformation
        {
            public ulong LastRecordedCurrentTime;
            public ulong LastRecordedKernelTime;
            public ulong LastRecordedUserTime;
        }

        /// <summary>
        /// Processor utilization in percent since the previous sample in <paramref name="previous"/> (which is updated):
        /// the share of TSC time not spent in the scheduler's idle thread (the thread pool's starvation and hill-climbing
        /// logic reads it). Kernel time is reported as 0.
        /// </summary>
        [RuntimeExport("SystemNative_GetCpuUtilization")]
        public static double SystemNativeGetCpuUtilization(void* previous)
        {
            var info = (ProcessCpuInformation*)previous;
            if (s_tscHz == 0) return 0;
            ulong now = Native.Rdtsc();
            var idle = Cosmos.Core.Threading.Scheduler.IdleThread;
            ulong idleTsc = idle == null ? 0 : idle->RunTsc + (Cosmos.Core.Threading.Scheduler.Current == idle ? now - idle->SwitchedInTsc : 0);
            ulong busyTsc = now - idleTsc;
            ulong nowNs = (ulong)((UInt128)now * 1_000_000_000 / s_tscHz);
            ulong busyNs = (ulong)((UInt128)busyTsc * 1_000_000_000 / s_tscHz);
            double percent = 0;
            if (info->LastRecordedCurrentTime != 0 && nowNs > info->LastRecordedCurrentTime)
            {
                ulong busy = busyNs - info->LastRecordedUserTime;
                percent = Math.Min(100.0, busy * 100.0 / (nowNs - info->LastRecordedCurrentTime));
            }
            info->LastRecordedCurrentTime = nowNs;
            info->LastRecordedUserTime = busyNs;
            info->LastRecordedKernelTime = 0;
            return percent;
        }

        /// <summary>Environment.ProcessorCount: 1 (one processor is used).</summary>
        [RuntimeExport("RhGetProcessCpuCount")]
        public static int RhGetProcessCpuCount() => 1;

        /// <summary>Thread.SpinWait: executes PAUSE <paramref name="iterations"/> times.</summary>
        [RuntimeExport("RhSpinWait")]
        public static void RhSpinWait(int iterations)
        {
            for (int i = 0; i < iterations; i++) Native.Pause();
        }

        /// <summary>
        /// The CoreLib's exception dispatch (before its second pass) and fail-fast path: allocation on this thread may not
        /// trigger a collection until the funclet-call helpers clear the flag (<see cref="GarbageCollector.DisableCollectionOnAllocation"/>).
        /// </summary>
        [RuntimeExport("RhpSetThreadDoNotTriggerGC")]
        public static void RhpSetThreadDoNotTriggerGC() => GarbageCollector.DisableCollectionOnAllocation();

        /// <summary>Runtime configuration knobs: none are set (count 0).</summary>
        [RuntimeExport("RhGetKnobValues")]
        public static uint RhGetKnobValues(byte*** keys, byte*** values)
        {
            *keys = null; *values = null;
            return 0;
        }

        /// <summary>
        /// The NativeAOT runtime version the kernel was compiled against (CosmosRuntimeVersion), UTF-8, not NUL-terminated;
        /// the CoreLib puts it in fail-fast reports.
        /// </summary>
        [RuntimeExport("RhGetRuntimeVersion")]
        public static byte* RhGetRuntimeVersion(int* length)
        {
            ReadOnlySpan<byte> v = RuntimeVersion.Utf8;
            *length = v.Length;
            fixed (byte* p = v) return p;
        }

        /// <summary>No crash-info buffer is kept (size 0, null).</summary>
        [RuntimeExport("RhGetCrashInfoBuffer")]
        public static byte* RhGetCrashInfoBuffer(int* maxSize)
        {
            *maxSize = 0;
            return null;
        }

        /// <summary>Crash dumps are not configurable in the kernel: nothing to write.</summary>
        [RuntimeExport("RhCreateCrashDumpIfEnabled")]
        public static void RhCreateCrashDumpIfEnabled(IntPtr exceptionRecord) { }
    }
}
