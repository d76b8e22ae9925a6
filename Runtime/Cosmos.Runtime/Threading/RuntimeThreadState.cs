using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cosmos.Core.Threading;
using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Everything the runtime keeps per thread, in one block: the exception-handling state the X# helpers use, the
    /// storage of uninlined thread statics, the chain of GC reporting frames, the weak handle to the
    /// System.Threading.Thread, and errno. The running thread's block is a global (symbol
    /// <see cref="Symbol"/>, so X# code reaches it without a thread lookup); the scheduler saves it into the outgoing
    /// thread's <see cref="KernelThread.RuntimeState"/> and loads the incoming thread's copy on every switch
    /// (<see cref="Scheduler.RegisterRuntimeState"/>). A suspended thread's block is therefore its saved copy; the
    /// running thread's is the global. Before the scheduler runs, the boot code uses the global.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct RuntimeThreadState
    {
        /// <summary>Symbol of the running thread's block (emitted by Amd64/ExceptionHandlingHelpers.cs).</summary>
        public const string Symbol = "cosmos_runtime_thread_state";

        /// <summary>ExInfo chain head and pending stack-trace context (the X# exception-handling helpers read and write it).</summary>
        public EHThreadState ExceptionHandling;
        /// <summary>The thread's storage of uninlined thread statics: an object reference, a GC root (RhGetThreadStaticStorage).</summary>
        public ulong ThreadStaticStorage;
        /// <summary>Head of the thread's chain of GC reporting frames (RhRegisterForGCReporting).</summary>
        public ulong GCFrameChain;
        /// <summary>A weak GC handle to the System.Threading.Thread running on this thread (0: none).</summary>
        public ulong ManagedThreadHandle;
        /// <summary>errno (SystemNative_GetErrNo/SetErrNo; Linux values).</summary>
        public int Errno;
        /// <summary>
        /// Non-zero while allocation must not start a collection on this thread (NativeAOT's TSF_DoNotTriggerGc): set by
        /// RhpSetThreadDoNotTriggerGC (the CoreLib's exception dispatch before its second pass, and its fail-fast path),
        /// cleared by the X# funclet-call helpers around the funclets they run (offset <see cref="DoNotTriggerGCOffset"/>).
        /// </summary>
        public int DoNotTriggerGC;
        /// <summary>
        /// The thread's allocation context (NativeAOT's <c>gc_alloc_context.alloc_ptr</c>): the next free byte of its
        /// nursery chunk, where the next object's 8-byte header goes. The X# <c>RhpNewFast</c> bumps it (offset
        /// <see cref="AllocPtrOffset"/>).
        /// </summary>
        public ulong AllocPtr;
        /// <summary>End of the thread's nursery chunk (<c>alloc_limit</c>); AllocPtr = AllocLimit = 0 when it has none.</summary>
        public ulong AllocLimit;

        /// <summary>Byte offsets of <see cref="AllocPtr"/> and <see cref="AllocLimit"/> in the block (checked at boot by <see cref="GarbageCollection.Nursery"/>).</summary>
        public const int AllocPtrOffset = 48, AllocLimitOffset = 56;
        /// <summary>Byte offset of <see cref="DoNotTriggerGC"/> in the block.</summary>
        public const int DoNotTriggerGCOffset = 44;

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_runtime_thread_state_address")]
        private static extern RuntimeThreadState* CurrentAddress();

        /// <summary>The running thread's block (the global the scheduler switches).</summary>
        public static RuntimeThreadState* Current => CurrentAddress();

        /// <summary>
        /// The block of <paramref name="thread"/>: the global when it is the running thread, else its saved copy in
        /// <see cref="KernelThread.RuntimeState"/>. Call with interrupts disabled when <paramref name="thread"/> is not the
        /// caller (a switch could otherwise move the block between the check and the use).
        /// </summary>
        public static RuntimeThreadState* Of(KernelThread* thread) =>
            thread == Scheduler.Current ? CurrentAddress() : (RuntimeThreadState*)thread->RuntimeState;
    }
}
