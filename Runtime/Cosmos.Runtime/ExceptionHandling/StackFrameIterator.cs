using System;
using System.Runtime;
using Cosmos.Core;

namespace Cosmos.Runtime.ExceptionHandling
{
    /// <summary>
    /// The stack frame iterator the CoreLib's managed exception dispatcher drives (RhpSfiInit,
    /// RhpSfiNext) and the EH clause enumeration it runs per frame (RhpEHEnumInitFromStackFrameIterator,
    /// RhpEHEnumNext). Every frame is unwound with DWARF CFI (<see cref="CodeManager"/>): ilc's for managed
    /// methods, the X# assembler's for the helpers between them (throw sites, funclet calls, interface dispatch;
    /// Build/XSharp/Cfi.cs) — the walker knows which helper a return address belongs to (that decides how the
    /// walk goes on), not how its frame is laid out. Two kinds of walk exist, following the NativeAOT runtime's design:
    /// <list type="bullet">
    /// <item>EH walks (from a throw site's context): ControlPC = return address − 1; unwinding out of a
    /// catch/finally funclet collides with the older dispatch that called it, and the walk continues at
    /// that dispatch's frame (the funclet's parent), reporting the clause being run so the dispatcher
    /// resumes the clause search after it.</item>
    /// <item>Stack-trace walks (Environment.StackTrace, new StackTrace()): unadjusted return addresses;
    /// owner frames of funclets are reported once; at a throw site the walk jumps to where the
    /// dispatch that is running stands.</item>
    /// </list>
    /// A walk ends (the iterator becomes invalid) at the first return address outside managed code
    /// that is not one of the X# helpers above: the boot path's call of __managed__Main, an interrupt
    /// stub, or any other X# caller.
    /// </summary>
    public unsafe partial struct StackFrameIterator
    {
        /// <summary>"No clause" (System.Runtime.EH.MaxTryRegionIdx).</summary>
        public const uint MaxTryRegionIdx = 0xFFFFFFFF;

        /// <summary>Bytes of the ExInfo a throw helper reserves below the context (SIZEOF__ExInfo rounded to 16).</summary>
        public const int ExInfoStackSize = 400;

        private enum Category { Managed, FuncletInvoke, FilterInvoke, ThrowSite, HwThrowSite, InterfaceDispatch, Other }

        private static EHThreadState* ThreadState => &CodeManager.Addresses->ThreadState->ExceptionHandling;

        /// <summary>The head of the current thread's ExInfo chain (null when no exception is being dispatched or handled).</summary>
        public static ExInfo* ExInfoHead => ThreadState->ExInfoHead;

        // ---------------------------------------------------------------- exports

        /// <summary>
        /// Starts a walk at <paramref name="context"/> (an EH walk), or — when it is null — at the context
        /// RhpGetCurrentThreadStackTrace captured (a stack-trace walk). <paramref name="instructionFault"/>:
        /// the context's IP is a faulting instruction.
        /// </summary>
        [RuntimeExport("RhpSfiInit")]
        public static bool RhpSfiInit(StackFrameIterator* it, PalLimitedContext* context, bool instructionFault, bool* isExceptionIntercepted)
        {
            if (isExceptionIntercepted != null) *isExceptionIntercepted = false;
            uint flags = IteratorFlags.ApplyReturnAddressAdjustment;
            if (context == null)
            {
                context = ThreadState->StackTraceContext;
                if (context == null) Panic.Halt("RhpSfiInit: stack trace requested outside RhpGetCurrentThreadStackTrace");
                flags = IteratorFlags.CollapseFunclets;
                instructionFault = false;
            }
            InitFromContext(it, context, flags, instructionFault);
            PrepareToYield(it);
            return it->ControlPC != 0;
        }

        /// <summary>
        /// Moves to the next frame. <paramref name="collideClause"/> receives, when the frame was reached by
        /// colliding with an older dispatch that is running a funclet of this frame, the index of that
        /// clause (the older exception is then superseded), else <see cref="MaxTryRegionIdx"/>.
        /// </summary>
        [RuntimeExport("RhpSfiNext")]
        public static bool RhpSfiNext(StackFrameIterator* it, uint* collideClause, bool* unwoundReversePInvoke, bool* isExceptionIntercepted)
        {
            ExInfo* candidate = it->NextExInfo;
            Next(it);
            bool valid = it->ControlPC != 0;
            if (collideClause != null)
            {
                if (valid && (it->Flags & IteratorFlags.ExCollide) != 0)
                {
                    *collideClause = candidate->IdxCurClause;
                    candidate->Kind |= ExKind.SupersededFlag;
                }
                else
                {
                    *collideClause = MaxTryRegionIdx;
                }
            }
            if (unwoundReversePInvoke != null) *unwoundReversePInvoke = false;
            if (isExceptionIntercepted != null) *isExceptionIntercepted = false;
            return valid;
        }

        /// <summary>Starts enumerating the EH clauses of the iterator's method (funclets enumerate their parent's clauses).</summary>
        [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")]
        public static bool RhpEHEnumInitFromStackFrameIterator(StackFrameIterator* it, MethodRegionInfo* region, EHEnum* ehEnum)
        {
            region->HotStart = (byte*)it->MethodStart;
            region->HotSize = 0;
            region->ColdStart = null;
            region->ColdSize = 0;
            byte* info = CodeManager.EHInfo(it->MainLsda);
            if (info == null) return false;
            ehEnum->MethodStart = it->MethodStart;
            ehEnum->Count = CodeManager.ReadCompressedUInt(ref info);
            ehEnum->Cursor = info;
            ehEnum->Index = 0;
            return true;
        }

        /// <summary>
        /// Next clause, innermost first as ilc emits them: try start, (try length &lt;&lt; 2 | kind), handler
        /// offset, then a self-relative int32 to the MethodTable (typed) or the filter offset (filter).
        /// All offsets are relative to the main body's start.
        /// </summary>
        [RuntimeExport("RhpEHEnumNext")]
        public static bool RhpEHEnumNext(EHEnum* ehEnum, EHClause* clause)
        {
            if (ehEnum->Index >= ehEnum->Count) return false;
            ehEnum->Index++;
            byte* p = ehEnum->Cursor;
            ulong start = ehEnum->MethodStart;
            *clause = default;
            clause->TryStartOffset = CodeManager.ReadCompressedUInt(ref p);
            uint lengthAndKind = CodeManager.ReadCompressedUInt(ref p);
            clause->Kind = (int)(lengthAndKind & 3);
            clause->TryEndOffset = clause->TryStartOffset + (lengthAndKind >> 2);
            switch (clause->Kind)
            {
                case EHClauseKind.Typed:
                    clause->HandlerAddress = (byte*)(start + CodeManager.ReadCompressedUInt(ref p));
                    clause->TargetType = p + *(int*)p;
                    p += 4;
                    break;
                case EHClauseKind.Fault:
                    clause->HandlerAddress = (byte*)(start + CodeManager.ReadCompressedUInt(ref p));
                    break;
                case EHClauseKind.Filter:
                    clause->HandlerAddress = (byte*)(start + CodeManager.ReadCompressedUInt(ref p));
                    clause->FilterAddress = (byte*)(start + CodeManager.ReadCompressedUInt(ref p));
                    break;
                default:
                    Panic.Halt("RhpEHEnumNext: unknown EH clause kind in ilc EH info of the method at", start);
                    break;
            }
            ehEnum->Cursor = p;
            return true;
        }

        // ---------------------------------------------------------------- walks for the kernel's own use

        /// <summary>
        /// Starts a stack-trace walk at <paramref name="context"/> (which must stay alive during the walk);
        /// <paramref name="instructionFault"/>: its IP is a faulting instruction. False when the IP is not managed code.
        /// </summary>
        public static bool StartStackTraceWalk(StackFrameIterator* it, PalLimitedContext* context, bool instructionFault)
        {
            InitFromContext(it, context, IteratorFlags.CollapseFunclets, instructionFault);
            PrepareToYield(it);
            return it->ControlPC != 0;
        }

        /// <summary>Moves a walk to the next managed frame; false at the end of the managed part of the stack.</summary>
        public static bool NextFrame(StackFrameIterator* it)
        {
            Next(it);
            return it->ControlPC != 0;
        }

        // ---------------------------------------------------------------- walk

        private static void InitFromContext(StackFrameIterator* it, PalLimitedContext* context, uint flags, bool instructionFault)
        {
            *it = default;
            it->Flags = flags;
            it->NextExInfo = ThreadState->ExInfoHead;
            ResetNextExInfoForSP(it, context->Rsp);
            if (!CodeManager.IsManagedCode(context->IP)) return;      // invalid: ControlPC stays 0
            it->Regs.SP = context->Rsp;
            it->Regs.IP = context->IP;
            PointRegistersAt(it, context);
            if (instructionFault) it->Flags |= IteratorFlags.ActiveFrameIsFault;
            SetControlPC(it, context->IP);
            ComputeMethodState(it);
        }

        private static void ResetNextExInfoForSP(StackFrameIterator* it, ulong sp)
        {
            while (it->NextExInfo != null && sp > (ulong)it->NextExInfo) it->NextExInfo = it->NextExInfo->Prev;
        }

        private static void SetControlPC(StackFrameIterator* it, ulong ip)
        {
            it->ControlPC = ip;
            it->OriginalControlPC = ip;
        }

        private static void Invalidate(StackFrameIterator* it)
        {
            it->ControlPC = 0;
            it->OriginalControlPC = 0;
        }

        /// <summary>The address that describes the current frame's state: the faulting instruction, or the return address − 1 (the call).</summary>
        private static ulong LookupPc(StackFrameIterator* it)
            => (it->Flags & IteratorFlags.ActiveFrameIsFault) != 0 ? it->Regs.IP : it->Regs.IP - 1;

        private static void ComputeMethodState(StackFrameIterator* it)
        {
            ulong pc = LookupPc(it);
            if (!CodeManager.FindMethod(pc, out MethodInfo info))
                Panic.Halt("stack walk: managed code without unwind information (no FDE) at", it->Regs.IP);
            it->MethodStart = info.MethodStart;
            it->Lsda = info.Lsda;
            it->MainLsda = info.MainLsda;
            bool isFunclet = info.Lsda != null && (info.Lsda[0] & CodeManager.LsdaFlags.KindMask) != CodeManager.LsdaFlags.KindRoot;
            bool hasEH = info.Lsda != null && (info.Lsda[0] & CodeManager.LsdaFlags.HasEHInfo) != 0;
            it->FramePointer = (isFunclet || hasEH) && it->Regs.pRbp != null ? *it->Regs.pRbp : 0;
        }

        private static void PrepareToYield(StackFrameIterator* it)
        {
            if (it->ControlPC == 0) return;
            if ((it->Flags & IteratorFlags.ApplyReturnAddressAdjustment) != 0 && (it->Flags & IteratorFlags.ActiveFrameIsFault) == 0)
                it->ControlPC = it->OriginalControlPC - 1;
        }

        private static bool IsFunclet(StackFrameIterator* it)
            => it->Lsda != null && (it->Lsda[0] & CodeManager.LsdaFlags.KindMask) != CodeManager.LsdaFlags.KindRoot;

        private static Category Categorize(ulong ip)
        {
            var a = CodeManager.Addresses;
            if (CodeManager.IsManagedCode(ip)) return Category.Managed;
            if (ip == a->CallCatchFuncletReturn || ip == a->CallFinallyFuncletReturn) return Category.FuncletInvoke;
            if (ip == a->CallFilterFuncletReturn) return Category.FilterInvoke;
            if (ip == a->ThrowExReturn || ip == a->RethrowReturn) return Category.ThrowSite;
            if (ip == a->ThrowHwExReturn) return Category.HwThrowSite;
            if (ip == a->InterfaceDispatchReturn) return Category.InterfaceDispatch;
            return Category.Other;
        }

        private static void Next(StackFrameIterator* it)
        {
            if (it->ControlPC == 0) return;
        again:
            it->Flags &= ~IteratorFlags.ExCollide;
            bool wasFunclet = IsFunclet(it);
            ulong lookup = LookupPc(it);
            ulong oldSP = it->Regs.SP;
            if (!CodeManager.Unwind(&it->Regs, lookup))
                Panic.Halt("stack walk: no unwind information for managed code at", it->Regs.IP);
            it->Flags &= ~IteratorFlags.ActiveFrameIsFault;
            if (it->Regs.SP <= oldSP)
                Panic.Halt("stack walk: unwinding did not move up the stack (corrupt frame?), SP", it->Regs.SP);
            SetControlPC(it, it->Regs.IP);

            bool exCollide = false;
            ulong collapsingTarget = 0;
            Category category = Categorize(it->Regs.IP);
            if (wasFunclet)
            {
                switch (category)
                {
                    case Category.FuncletInvoke:
                        // Leaving a funclet the dispatcher called: remember whose funclet it was; the walk
                        // meets the ExInfo of that dispatch next (EH walks right here, stack-trace walks at its throw site).
                        it->PendingFuncletFramePointer = it->FramePointer;
                        UnwindHelperFrame(it);
                        if ((it->Flags & IteratorFlags.CollapseFunclets) == 0) exCollide = true;
                        break;
                    case Category.FilterInvoke:
                        UnwindHelperFrame(it);
                        break;
                    case Category.Managed:
                        // A finally called on the normal path by its own method: the caller is the owner frame.
                        if ((it->Flags & IteratorFlags.CollapseFunclets) != 0) collapsingTarget = it->FramePointer;
                        break;
                    default:
                        Panic.Halt("stack walk: a funclet returns to unexpected code at", it->Regs.IP);
                        break;
                }
            }
            else if (category != Category.Managed)
            {
                switch (category)
                {
                    case Category.ThrowSite:
                    case Category.HwThrowSite:
                        if ((it->Flags & IteratorFlags.ApplyReturnAddressAdjustment) != 0)
                            Panic.Halt("exception dispatch: an exception escaped the CoreLib's dispatcher (EH walk reached a throw helper) at", it->Regs.IP);
                        UnwindHelperFrame(it);
                        if (category == Category.HwThrowSite) it->Flags |= IteratorFlags.ActiveFrameIsFault;   // the "return address" is the faulting instruction
                        if ((it->Flags & IteratorFlags.CollapseFunclets) != 0 && it->NextExInfo != null && it->Regs.SP > (ulong)it->NextExInfo)
                            exCollide = true;
                        break;
                    case Category.InterfaceDispatch:
                        if (it->Regs.pRbp == null) Panic.Halt("stack walk: RBP unknown in RhpInitialDynamicInterfaceDispatch frame");
                        if (!CodeManager.Unwind(&it->Regs, it->Regs.IP - 1)) Panic.Halt("stack walk: no CFI for RhpInitialDynamicInterfaceDispatch at", it->Regs.IP);
                        SetControlPC(it, it->Regs.IP);
                        if (!CodeManager.IsManagedCode(it->Regs.IP)) { Invalidate(it); return; }
                        break;
                    case Category.FuncletInvoke:
                    case Category.FilterInvoke:
                        Panic.Halt("stack walk: a funclet-call helper was reached from a frame that is not a funclet, at", it->Regs.IP);
                        break;
                    default:
                        // Native caller (boot path, interrupt stub, X# helper): the managed part of the stack ends here.
                        Invalidate(it);
                        return;
                }
            }

            if (exCollide)
            {
                collapsingTarget = HandleExCollide(it, it->NextExInfo);
                if (it->ControlPC == 0) return;
            }
            else
            {
                ComputeMethodState(it);
            }

            if (collapsingTarget != 0)
            {
                if (it->FramePointer != collapsingTarget)
                    Panic.Halt("stack walk: the owner frame of a funclet has another frame pointer, at", it->Regs.IP);
                goto again;
            }
            if (exCollide) it->Flags |= IteratorFlags.ExCollide;
            PrepareToYield(it);
        }

        /// <summary>
        /// The walk reached the dispatch recorded by <paramref name="exInfo"/>. In its first pass (or
        /// between funclets) the walk continues at its throw site; while it runs a funclet, the walk
        /// continues where that dispatch's own iterator stands — the funclet's owner frame.
        /// Returns the frame pointer of an owner frame a stack-trace walk must skip, else 0.
        /// </summary>
        private static ulong HandleExCollide(StackFrameIterator* it, ExInfo* exInfo)
        {
            if (exInfo == null) Panic.Halt("stack walk: left a funclet but no exception dispatch is recorded (ExInfo chain empty)");
            ulong activeFuncletFP = it->PendingFuncletFramePointer;
            it->PendingFuncletFramePointer = 0;
            uint walkKind = it->Flags & IteratorFlags.WalkKindMask;
            if (exInfo->PassNumber == 1 || exInfo->IdxCurClause == MaxTryRegionIdx)
            {
                if ((walkKind & IteratorFlags.ApplyReturnAddressAdjustment) != 0)
                    Panic.Halt("exception dispatch: EH walk collided with a dispatch that is not running a funclet, ExInfo", (ulong)exInfo);
                InitFromContext(it, exInfo->Context, walkKind, (exInfo->Kind & ExKind.InstructionFaultFlag) != 0);
                it->NextExInfo = exInfo->Prev;
                return 0;
            }

            *it = exInfo->FrameIter;
            it->PendingFuncletFramePointer = 0;
            ResetNextExInfoForSP(it, it->Regs.SP);
            it->ControlPC = it->OriginalControlPC;
            it->Flags = (it->Flags & IteratorFlags.ActiveFrameIsFault) | walkKind;
            if (it->ControlPC == 0) return 0;
            ComputeMethodState(it);
            if (activeFuncletFP != 0 && it->FramePointer != activeFuncletFP)
                Panic.Halt("exception dispatch: collided dispatch is not positioned on the funclet's owner frame, at", it->Regs.IP);
            return (it->Flags & IteratorFlags.CollapseFunclets) != 0 ? activeFuncletFP : 0;
        }

        /// <summary>
        /// Unwinds the X# helper frame whose return address (into the helper) is the iterator's IP — a funclet-call helper
        /// into the dispatcher frame that called it, a throw helper to its throw site — with the helper's CFI, and checks
        /// that the walk lands in managed code.
        /// </summary>
        private static void UnwindHelperFrame(StackFrameIterator* it)
        {
            ulong helperIp = it->Regs.IP;
            if (!CodeManager.Unwind(&it->Regs, helperIp - 1)) Panic.Halt("stack walk: no CFI for the X# helper at", helperIp);
            SetControlPC(it, it->Regs.IP);
            if (!CodeManager.IsManagedCode(it->Regs.IP))
                Panic.Halt("stack walk: an X# helper (throw, funclet call) returns to non-managed code at", it->Regs.IP);
        }

        /// <summary>Points the iterator's saved-register slots (RBP, RBX, R12–R15, RAX, RDX) at <paramref name="context"/>.</summary>
        private static void PointRegistersAt(StackFrameIterator* it, PalLimitedContext* context)
        {
            it->Regs.pRbp = &context->Rbp;
            it->Regs.pRbx = &context->Rbx;
            it->Regs.pR12 = &context->R12;
            it->Regs.pR13 = &context->R13;
            it->Regs.pR14 = &context->R14;
            it->Regs.pR15 = &context->R15;
            it->Regs.pRax = &context->Rax;
            it->Regs.pRdx = &context->Rdx;
        }
    }
}
