using System.Runtime;
using System.Runtime.CompilerServices;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>The collector's X# helpers (Runtime/Cosmos.Runtime/Amd64/GcHelpers.cs) as seen from C# (System V calls).</summary>
    internal static unsafe class GCNative
    {
        /// <summary>
        /// Disables interrupts, pushes the callee-saved registers (RBX, RBP, R12–R15) and RFLAGS onto
        /// the stack, calls <c>cosmos_gc_collect(reason, rsp)</c> with RSP pointing at the saved
        /// registers, restores them and RFLAGS (so IF is restored too).
        /// </summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_gc_spill_and_collect")]
        public static extern void SpillAndCollect(int reason);

        /// <summary>Stores <paramref name="count"/> zero qwords from <paramref name="dest"/> (REP STOSQ).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_zero_qwords")]
        public static extern void ZeroQwords(ulong* dest, ulong count);

        /// <summary>Current RSP of the caller (the value after the call returns).</summary>
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_gc_read_rsp")]
        public static extern ulong ReadRsp();
    }
}
