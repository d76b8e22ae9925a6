using Cosmos.Core;

namespace Cosmos.Runtime.ExceptionHandling
{
    public unsafe partial struct StackFrameIterator
    {
        /// <summary>
        /// Starts a GC walk (NativeAOT's GcStackWalkFlags: funclets collapsed, no return-address adjustment) of any
        /// thread at <paramref name="regs"/> (IP, SP and the locations of the registers; it is copied, the locations it
        /// points at must stay valid during the walk). <paramref name="exInfoHead"/> is that thread's newest ExInfo
        /// (null when it dispatches no exception). With <paramref name="ipIsInstruction"/> the IP is the next
        /// instruction of interrupted code (looked up as it is, like a faulting instruction), else a return address.
        /// GC walks meet the exception dispatch of a funclet's exception at its throw site, after the dispatcher's own
        /// frames, and skip the owner frames of running funclets (the funclet reports the whole method's slots).
        /// Returns false when the IP is not managed code. Move on with <see cref="NextFrame"/>; when it returns false the
        /// iterator's SP is the caller's of the last managed frame.
        /// </summary>
        public static bool StartGcWalk(StackFrameIterator* it, RegDisplay* regs, ExInfo* exInfoHead, bool ipIsInstruction)
        {
            *it = default;
            it->Flags = IteratorFlags.CollapseFunclets;
            it->NextExInfo = exInfoHead;
            ResetNextExInfoForSP(it, regs->SP);
            if (!CodeManager.IsManagedCode(regs->IP)) return false;
            it->Regs = *regs;
            if (ipIsInstruction) it->Flags |= IteratorFlags.ActiveFrameIsFault;
            SetControlPC(it, regs->IP);
            ComputeMethodState(it);
            PrepareToYield(it);
            return true;
        }
    }
}
