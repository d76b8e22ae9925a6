using Cosmos.Core;
using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// The stack scanner's use of ilc's GC info (<see cref="GcInfoDecoder"/>, GCINFO_VERSION 4, found after the unwind
    /// block flags of a method's main LSDA): whether an interrupted IP is interruptible, and the live slots of a frame.
    /// Malformed GC info during a collection is fatal (the collector cannot know what to keep): it panics naming the
    /// decoder's check and the method.
    /// </summary>
    internal static unsafe class GcInfoAccess
    {
        /// <summary>True when the managed code at <paramref name="ip"/> lies in an interruptible range (GC info describes every register and slot there; never in a prolog or epilog).</summary>
        public static bool IsInterruptible(ulong ip)
        {
            if (!CodeManager.FindMethod(ip, out MethodInfo m) || m.MainLsda == null) return false;
            GcInfoDecoder d = default;
            if (!d.Initialize(CodeManager.GcInfo(m.MainLsda))) Panic.Halt(d.Error, m.MethodStart);
            return d.IsInterruptible((uint)(ip - m.MethodStart));
        }

        /// <summary>True when <paramref name="ip"/> is a return address the method's GC info records as a safe point.</summary>
        public static bool IsSafePoint(ulong ip)
        {
            if (!CodeManager.FindMethod(ip - 1, out MethodInfo m) || m.MainLsda == null) return false;
            GcInfoDecoder d = default;
            if (!d.Initialize(CodeManager.GcInfo(m.MainLsda))) Panic.Halt(d.Error, m.MethodStart);
            return d.IsSafePoint((uint)(ip - m.MethodStart));
        }

        /// <summary>
        /// Reports, through <see cref="StackRoots.OnLiveSlot"/> with <paramref name="frame"/> as context, every slot live
        /// at <paramref name="codeOffset"/> of the method whose main LSDA is <paramref name="mainLsda"/>: for a frame
        /// stopped at a call the return address offset (GCINFO_VERSION 4 records safe points there), for the active or a
        /// faulting frame the instruction's offset. Sets the frame's scratch-area limit for slots the decoder cannot place.
        /// </summary>
        public static void EnumerateLiveSlots(byte* mainLsda, uint codeOffset, bool activeFrame, bool executionAborted, bool noReportUntracked, StackRoots.FrameContext* frame)
        {
            GcInfoDecoder d = default;
            if (!d.Initialize(CodeManager.GcInfo(mainLsda))) Panic.Halt(d.Error, frame->It->MethodStart);
            var flags = CodeManagerFlags.None;
            if (activeFrame) flags |= CodeManagerFlags.ActiveStackFrame;
            if (executionAborted) flags |= CodeManagerFlags.ExecutionAborted;
            if (noReportUntracked) flags |= CodeManagerFlags.NoReportUntracked;
            frame->ScratchAreaEnd = frame->It->Regs.SP + d.SizeOfStackOutgoingAndScratchArea;
            frame->StackBaseRegister = d.StackBaseRegister;
            if (!d.EnumerateLiveSlots(codeOffset, flags, &StackRoots.OnLiveSlot, frame)) Panic.Halt(d.Error, frame->It->MethodStart);
        }
    }
}
