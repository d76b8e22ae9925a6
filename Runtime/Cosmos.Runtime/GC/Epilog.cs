using Cosmos.Runtime.ExceptionHandling;

namespace Cosmos.Runtime.GarbageCollection
{
    /// <summary>
    /// Unwinds a managed frame interrupted inside its epilog. ilc emits call frame information for prologs only, so
    /// the CFI of the body is wrong once an epilog has started popping; the collector then finishes the epilog on a
    /// copy of the registers instead. The epilog forms RyuJIT emits on x64 (Intel SDM Vol. 2 encodings):
    /// <c>add rsp, imm8/imm32</c> (48 83 C4 ib, 48 81 C4 id), <c>lea rsp, [rbp+disp8/32]</c> (48 8D 65 db, 48 8D A5 dd),
    /// <c>mov rsp, rbp</c> (48 8B E5, 48 89 EC), <c>pop r64</c> (5B RBX, 5D RBP, 5E RSI, 5F RDI, 41 5C–5F R12–R15),
    /// <c>vzeroupper</c> (C5 F8 77), ended by <c>ret</c> (C3, C2 iw) or a tail call: <c>jmp rel32/rel8</c> out of the
    /// code block (E9, EB), <c>jmp [rip+disp32]</c> (FF 25, 48 FF 25), or <c>jmp r64</c> (FF E0+r, 41 FF E0+r) after
    /// at least one epilog instruction. Anything else from the IP on means "not in an epilog".
    /// </summary>
    internal static unsafe class Epilog
    {
        private const int MaxInstructions = 24;

        /// <summary>
        /// 1: the IP of <paramref name="regs"/> was in an epilog of the code block [<paramref name="blockStart"/>,
        /// <paramref name="blockEnd"/>) and <paramref name="regs"/> now describe the caller (IP = return address, SP and the
        /// popped registers' locations); 0: not in an epilog (<paramref name="regs"/> unchanged); −1: an epilog the
        /// simulation cannot finish (a register it needs is unknown), or a register-indirect jump at the IP itself, which
        /// may be a switch in the body as well as a tail call.
        /// </summary>
        public static int TryUnwind(RegDisplay* regs, ulong blockStart, ulong blockEnd)
        {
            byte* p = (byte*)regs->IP;
            // First pass: classify without touching regs.
            byte* q = p;
            int count = 0;
            bool ended = false;
            for (; count < MaxInstructions; count++)
            {
                int len = Decode(q, blockStart, blockEnd, count == 0, out Kind kind, out _);
                if (len == 0) return 0;
                if (len < 0) return -1;
                q += len;
                if (kind == Kind.Ret || kind == Kind.TailJump) { ended = true; break; }
            }
            if (!ended) return 0;

            // Second pass: execute on a copy, then commit.
            RegDisplay r = *regs;
            q = p;
            for (int i = 0; i <= count; i++)
            {
                int len = Decode(q, blockStart, blockEnd, i == 0, out Kind kind, out long operand);
                switch (kind)
                {
                    case Kind.AddRsp: r.SP = (ulong)((long)r.SP + operand); break;
                    case Kind.LeaRspRbp:
                        if (r.pRbp == null) return -1;
                        r.SP = (ulong)((long)*r.pRbp + operand);
                        break;
                    case Kind.MovRspRbp:
                        if (r.pRbp == null) return -1;
                        r.SP = *r.pRbp;
                        break;
                    case Kind.Pop:
                        *Location(&r, (int)operand) = (ulong*)r.SP;
                        r.SP += 8;
                        break;
                    case Kind.Nop: break;
                    case Kind.Ret:
                        r.IP = *(ulong*)r.SP;
                        r.SP += 8 + (ulong)operand;
                        break;
                    case Kind.TailJump:
                        r.IP = *(ulong*)r.SP;
                        r.SP += 8;
                        break;
                }
                q += len;
            }
            *regs = r;
            return 1;
        }

        private enum Kind { AddRsp, LeaRspRbp, MovRspRbp, Pop, Nop, Ret, TailJump }

        /// <summary>Register numbers of <see cref="Kind.Pop"/>: 3 RBX, 5 RBP, 6 RSI, 7 RDI, 12–15 R12–R15 (ModRM numbering).</summary>
        private static ulong** Location(RegDisplay* r, int reg)
        {
            switch (reg)
            {
                case 3: return &r->pRbx;
                case 5: return &r->pRbp;
                case 6: return &r->pRsi;
                case 7: return &r->pRdi;
                case 12: return &r->pR12;
                case 13: return &r->pR13;
                case 14: return &r->pR14;
                default: return &r->pR15;
            }
        }

        /// <summary>Length of the epilog instruction at <paramref name="p"/>, 0 when it is not one, −1 when it must not be guessed.</summary>
        private static int Decode(byte* p, ulong blockStart, ulong blockEnd, bool first, out Kind kind, out long operand)
        {
            kind = Kind.Nop;
            operand = 0;
            byte b0 = p[0];
            if (b0 == 0x48)
            {
                byte b1 = p[1], b2 = p[2];
                if (b1 == 0x83 && b2 == 0xC4) { kind = Kind.AddRsp; operand = (sbyte)p[3]; return 4; }
                if (b1 == 0x81 && b2 == 0xC4) { kind = Kind.AddRsp; operand = *(int*)(p + 3); return 7; }
                if (b1 == 0x8D && b2 == 0x65) { kind = Kind.LeaRspRbp; operand = (sbyte)p[3]; return 4; }
                if (b1 == 0x8D && b2 == 0xA5) { kind = Kind.LeaRspRbp; operand = *(int*)(p + 3); return 7; }
                if ((b1 == 0x8B && b2 == 0xE5) || (b1 == 0x89 && b2 == 0xEC)) { kind = Kind.MovRspRbp; return 3; }
                if (b1 == 0xFF && b2 == 0x25) { kind = Kind.TailJump; return 7; }
                return 0;
            }
            if (b0 == 0x5B || b0 == 0x5D || b0 == 0x5E || b0 == 0x5F) { kind = Kind.Pop; operand = b0 - 0x58; return 1; }
            if (b0 == 0x41)
            {
                byte b1 = p[1];
                if (b1 >= 0x5C && b1 <= 0x5F) { kind = Kind.Pop; operand = 8 + (b1 - 0x58); return 2; }
                if (p[1] == 0xFF && p[2] >= 0xE0 && p[2] <= 0xE7) { kind = Kind.TailJump; return first ? -1 : 3; }
                return 0;
            }
            if (b0 == 0xC5 && p[1] == 0xF8 && p[2] == 0x77) { kind = Kind.Nop; return 3; }
            if (b0 == 0xC3) { kind = Kind.Ret; return 1; }
            if (b0 == 0xC2) { kind = Kind.Ret; operand = *(ushort*)(p + 1); return 3; }
            if (b0 == 0xE9 || b0 == 0xEB)
            {
                int len = b0 == 0xE9 ? 5 : 2;
                long rel = b0 == 0xE9 ? *(int*)(p + 1) : (sbyte)p[1];
                ulong target = (ulong)((long)p + len + rel);
                if (target >= blockStart && target < blockEnd) return 0;   // a jump inside the method: body
                kind = Kind.TailJump;
                return len;
            }
            if (b0 == 0xFF)
            {
                if (p[1] == 0x25) { kind = Kind.TailJump; return 6; }
                if (p[1] >= 0xE0 && p[1] <= 0xE7) { kind = Kind.TailJump; return first ? -1 : 2; }
                return 0;
            }
            return 0;
        }
    }
}
