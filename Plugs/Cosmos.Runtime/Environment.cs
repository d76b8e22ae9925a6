using System;
using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Process, thread and time facts the CoreLib imports. The kernel runs one thread on the
    /// boot processor until the scheduler exists: thread id 1, one CPU, Yield finds no other
    /// thread. Time comes from the TSC, which Cosmos.System calibrates at startup
    /// (<see cref="TscFrequency"/>).
    /// </summary>
    public static unsafe class RuntimeEnvironment
    {
        private static ulong s_tscHz;
        private static IntPtr s_threadExitCallback;
        private static bool s_doNotTriggerGC;

        /// <summary>TSC ticks per second; set once by the kernel startup after measuring it against the PIT.</summary>
        public static ulong TscFrequency { get => s_tscHz; set => s_tscHz = value; }

        /// <summary>Milliseconds since the first 64-bit instruction of the boot path.</summary>
        [RuntimeExport("RhpGetTickCount64")]
        public static ulong RhpGetTickCount64()
        {
            if (s_tscHz == 0) Panic.Halt("Environment.TickCount64: the TSC frequency has not been measured yet");
            ulong ticks = Native.Rdtsc() - Native.GetBootInfo()->EntryTsc;
            return (ulong)((UInt128)ticks * 1000 / s_tscHz);
        }

        /// <summary>Stack bounds of the current (boot) thread: [low, high) of the boot stack, excluding its guard page.</summary>
        [RuntimeExport("RhGetCurrentThreadStackBounds")]
        public static void RhGetCurrentThreadStackBounds(IntPtr* low, IntPtr* high)
        {
            var bi = Native.GetBootInfo();
            *low = (IntPtr)bi->StackBottom;
            *high = (IntPtr)bi->StackTop;
        }

        [RuntimeExport("RhCurrentOSThreadId")]
        public static ulong RhCurrentOSThreadId() => 1;

        [RuntimeExport("RhGetProcessCpuCount")]
        public static int RhGetProcessCpuCount() => 1;

        /// <summary>Thread.Yield: there is no other thread to run, so nothing was yielded (0).</summary>
        [RuntimeExport("RhYield")]
        public static int RhYield() => 0;

        /// <summary>Thread.SpinWait: executes PAUSE <paramref name="iterations"/> times.</summary>
        [RuntimeExport("RhSpinWait")]
        public static void RhSpinWait(int iterations)
        {
            for (int i = 0; i < iterations; i++) Native.Pause();
        }

        [RuntimeExport("RhSetThreadExitCallback")]
        public static void RhSetThreadExitCallback(IntPtr callback) => s_threadExitCallback = callback;

        [RuntimeExport("RhpSetThreadDoNotTriggerGC")]
        public static void RhpSetThreadDoNotTriggerGC() => s_doNotTriggerGC = true;

        /// <summary>Runtime configuration knobs: none are set (count 0).</summary>
        [RuntimeExport("RhGetKnobValues")]
        public static uint RhGetKnobValues(byte*** keys, byte*** values)
        {
            *keys = null; *values = null;
            return 0;
        }

        /// <summary>The NativeAOT runtime version the kernel was compiled against, UTF-8.</summary>
        [RuntimeExport("RhGetRuntimeVersion")]
        public static byte* RhGetRuntimeVersion(int* length)
        {
            ReadOnlySpan<byte> v = "9.0.18"u8;
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
        public static void RhCreateCrashDumpIfEnabled(IntPtr exceptionRecord, IntPtr contextRecord) { }
    }
}
