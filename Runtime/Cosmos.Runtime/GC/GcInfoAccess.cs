using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// The stack scanner's view of ilc's GC info (the GCInfo format of dotnet/runtime, found after the unwind block
    /// flags of a method's main LSDA): whether an IP is interruptible, and the live slots at a code offset.
    /// Stack slot bases as GcStackSlotBase: caller SP, SP, frame register.
    /// </summary>
    internal static unsafe class GcInfoAccess
    {
        /// <summary>GC_CALLER_SP_REL.</summary>
        public const int BaseCallerSp = 0;
        /// <summary>GC_SP_REL.</summary>
        public const int BaseSp = 1;
        /// <summary>GC_FRAMEREG_REL.</summary>
        public const int BaseFrameRegister = 2;

        /// <summary>False until the GC info decoder is wired in: the walk then runs as a check only and stacks are scanned conservatively.</summary>
        public const bool Available = false;

        /// <summary>The GC info of a main body: after the flags byte and the associated-data and EH-info offsets (UnixNativeCodeManager::GetCodeOffset).</summary>
        public static byte* GcInfo(byte* mainLsda)
        {
            byte flags = mainLsda[0];
            byte* p = mainLsda + 1;
            if ((flags & CodeManager.LsdaFlags.HasAssociatedData) != 0) p += 4;
            if ((flags & CodeManager.LsdaFlags.HasEHInfo) != 0) p += 4;
            return p;
        }

        /// <summary>True when the managed code at <paramref name="ip"/> is interruptible (GC info describes every register and slot there).</summary>
        public static bool IsInterruptible(ulong ip) => false;

        /// <summary>Calls <see cref="StackRoots.OnLiveSlot"/> for every slot live at <paramref name="codeOffset"/>.</summary>
        public static void EnumerateLiveSlots(byte* mainLsda, uint codeOffset, bool activeFrame, bool executionAborted, bool noReportUntracked, void* context)
        {
        }
    }
}
