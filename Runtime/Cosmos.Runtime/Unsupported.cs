using System;
using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Runtime imports whose feature the kernel does not have yet. Each one stops the machine
    /// with a panic that names the missing piece, so a kernel that reaches one fails loudly
    /// instead of misbehaving.
    /// </summary>
    internal static unsafe class Unsupported
    {
        private static void Missing(string what) => Panic.Halt("not supported yet: " + what);

        [RuntimeExport("RhAllocateThunksMapping")] public static int RhAllocateThunksMapping(IntPtr* mapping) { Missing("thunk pools (RhAllocateThunksMapping)"); return 0; }
        [RuntimeExport("RhpGetNumThunkBlocksPerMapping")] public static int RhpGetNumThunkBlocksPerMapping() { Missing("thunk pools (RhpGetNumThunkBlocksPerMapping)"); return 0; }
        [RuntimeExport("RhpGetNumThunksPerBlock")] public static int RhpGetNumThunksPerBlock() { Missing("thunk pools (RhpGetNumThunksPerBlock)"); return 0; }
        [RuntimeExport("RhpGetThunkBlockSize")] public static int RhpGetThunkBlockSize() { Missing("thunk pools (RhpGetThunkBlockSize)"); return 0; }
        [RuntimeExport("RhpGetThunkSize")] public static int RhpGetThunkSize() { Missing("thunk pools (RhpGetThunkSize)"); return 0; }
        [RuntimeExport("RhpGetThunkDataBlockAddress")] public static IntPtr RhpGetThunkDataBlockAddress(IntPtr a) { Missing("thunk pools (RhpGetThunkDataBlockAddress)"); return IntPtr.Zero; }
        [RuntimeExport("RhpGetThunkStubsBlockAddress")] public static IntPtr RhpGetThunkStubsBlockAddress(IntPtr a) { Missing("thunk pools (RhpGetThunkStubsBlockAddress)"); return IntPtr.Zero; }
        [RuntimeExport("RhGetCommonStubAddress")] public static IntPtr RhGetCommonStubAddress() { Missing("interop common stub (RhGetCommonStubAddress)"); return IntPtr.Zero; }
        [RuntimeExport("RhpGetThreadAbortException")] public static object RhpGetThreadAbortException() { Missing("thread abort (RhpGetThreadAbortException)"); return null; }

        // Exception dispatch (RhpSfi*, RhpEHEnum*, RhpCall*Funclet, RhFindMethodStartAddress,
        // stack traces) lives in ExceptionHandling/ and Amd64/ExceptionHandlingHelpers.cs.

        [RuntimeExport("EventPipeInternal_CreateProvider")] public static IntPtr EventPipeCreateProvider(char* name, IntPtr callback, IntPtr context) { Missing("EventPipe (EventSource)"); return IntPtr.Zero; }
        [RuntimeExport("EventPipeInternal_DefineEvent")] public static IntPtr EventPipeDefineEvent(IntPtr p, uint id, long kw, uint v, uint level, void* md, uint len) { Missing("EventPipe (EventSource)"); return IntPtr.Zero; }
        [RuntimeExport("EventPipeInternal_DeleteProvider")] public static void EventPipeDeleteProvider(IntPtr p) => Missing("EventPipe (EventSource)");
        [RuntimeExport("EventPipeInternal_EventActivityIdControl")] public static int EventPipeActivityId(uint code, Guid* id) { Missing("EventPipe (EventSource)"); return 0; }
        [RuntimeExport("EventPipeInternal_WriteEventData")] public static void EventPipeWrite(IntPtr e, void* data, uint count, Guid* a, Guid* b) => Missing("EventPipe (EventSource)");
        [RuntimeExport("NativeRuntimeEventSource_LogContentionLockCreated")] public static void LogContentionLockCreated(IntPtr a, IntPtr b, ushort c) => Missing("runtime event tracing (NativeRuntimeEventSource)");
        [RuntimeExport("NativeRuntimeEventSource_LogContentionStart")] public static void LogContentionStart(byte f, ushort c, IntPtr a, IntPtr b, ulong d) => Missing("runtime event tracing (NativeRuntimeEventSource)");
        [RuntimeExport("NativeRuntimeEventSource_LogContentionStop")] public static void LogContentionStop(byte f, ushort c, double d) => Missing("runtime event tracing (NativeRuntimeEventSource)");
        [RuntimeExport("NativeRuntimeEventSource_LogThreadPoolMinMaxThreads")] public static void LogThreadPoolMinMax(ushort a, ushort b, ushort c, ushort d, ushort e) => Missing("runtime event tracing (NativeRuntimeEventSource)");
        [RuntimeExport("NativeRuntimeEventSource_LogWaitHandleWaitStart")] public static void LogWaitStart(byte a, IntPtr b, ushort c) => Missing("runtime event tracing (NativeRuntimeEventSource)");
        // The CoreLib reports every first throw (Exception.AppendExceptionStackFrame) as a runtime event; the
        // native runtime forwards it to EventPipe only while a trace session listens. No session can exist
        // here (EventPipe is not supported), so the event is dropped, as it is natively without a listener.
        [RuntimeExport("NativeRuntimeEventSource_LogExceptionThrown")] public static void LogExceptionThrown(char* type, char* message, IntPtr ip, uint hresult, ushort flags, ushort clrInstanceId) { }
        [RuntimeExport("NativeRuntimeEventSource_LogWaitHandleWaitStop")] public static void LogWaitStop(ushort c) => Missing("runtime event tracing (NativeRuntimeEventSource)");

        [RuntimeExport("RhpFallbackFailFast")] public static void RhpFallbackFailFast() => Panic.Halt("fail fast (RhpFallbackFailFast)");
    }
}
