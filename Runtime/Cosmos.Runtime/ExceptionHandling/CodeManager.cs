using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Cosmos.Core;

namespace Cosmos.Runtime.ExceptionHandling
{
    /// <summary>One method's code block as described by its FDE and ilc's LSDA.</summary>
    public unsafe struct MethodInfo
    {
        /// <summary>[Start, End) of the code block (the FDE's range: a main body or one funclet).</summary>
        public ulong BlockStart, BlockEnd;
        /// <summary>Start of the method's main body (what RhFindMethodStartAddress answers; EH clause offsets are relative to it).</summary>
        public ulong MethodStart;
        /// <summary>The block's own LSDA and the main body's LSDA (the same for a main body); null for code without LSDA.</summary>
        public byte* Lsda, MainLsda;
    }

    /// <summary>
    /// Code lookup and unwinding over the DWARF call frame information ilc emits (.eh_frame, one CIE
    /// "zLR" and one FDE per main body and per funclet, prolog-only CFI) and GNU ld indexes
    /// (.eh_frame_hdr binary-search table). Formats: DWARF 4 §6.4 (call frame information), the LSB
    /// "Exception Frames" chapter (.eh_frame/.eh_frame_hdr and pointer encodings), and ilc's LSDA in
    /// .dotnet_eh_table (see <see cref="LsdaFlags"/>). Allocation-free: runs inside exception dispatch.
    /// </summary>
    public static unsafe class CodeManager
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cosmos_eh_addresses")]
        private static extern void GetAddresses(RuntimeAddresses* addresses);

        private static RuntimeAddresses s_addresses;
        private static byte* s_table;      // .eh_frame_hdr search table: pairs of datarel sdata4 (initial location, FDE address)
        private static uint s_fdeCount;
        private static bool s_ready;

        /// <summary>The X#-side addresses (linker symbols, helper labels, the per-thread EH state).</summary>
        public static RuntimeAddresses* Addresses
        {
            get
            {
                if (!s_ready) Initialize();
                return (RuntimeAddresses*)Unsafe.AsPointer(ref s_addresses);
            }
        }

        /// <summary>Number of FDEs in the .eh_frame_hdr table.</summary>
        public static uint FdeCount { get { if (!s_ready) Initialize(); return s_fdeCount; } }

        private static void Initialize()
        {
            RuntimeAddresses a;
            GetAddresses(&a);
            byte* hdr = a.EhFrameHdr;
            if (a.EhFrameHdrEnd - hdr < 12 || hdr[0] != 1)
                Panic.Halt("exception handling: .eh_frame_hdr missing or not version 1 (link with --eh-frame-hdr) at", (ulong)hdr);
            byte* p = hdr + 4;
            ReadEncoded(ref p, hdr[1], (ulong)hdr);                 // eh_frame_ptr (the linker symbols give .eh_frame already)
            ulong count = ReadEncoded(ref p, hdr[2], (ulong)hdr);
            if (hdr[3] != (DwEhPe.DataRel | DwEhPe.SData4))
                Panic.Halt("exception handling: unsupported .eh_frame_hdr table encoding (need DW_EH_PE_datarel|sdata4 = 0x3B):", hdr[3]);
            s_table = p;
            s_fdeCount = (uint)count;
            s_addresses = a;
            s_ready = true;
        }

        /// <summary>True when <paramref name="ip"/> lies in ilc-compiled code (method bodies or unboxing stubs).</summary>
        public static bool IsManagedCode(ulong ip)
        {
            var a = Addresses;
            return (ip >= (ulong)a->ManagedCodeStart && ip < (ulong)a->ManagedCodeEnd)
                || (ip >= (ulong)a->UnboxStart && ip < (ulong)a->UnboxEnd);
        }

        // ---------------------------------------------------------------- FDE lookup

        /// <summary>A parsed FDE with what its CIE contributes.</summary>
        public struct Fde
        {
            /// <summary>First code address the FDE covers.</summary>
            public ulong PcBegin;
            /// <summary>End (exclusive) of the code the FDE covers.</summary>
            public ulong PcEnd;
            /// <summary>The code block's LSDA (.dotnet_eh_table), or null.</summary>
            public byte* Lsda;
            /// <summary>The FDE's call frame instructions [start, end).</summary>
            public byte* Instructions, InstructionsEnd;
            /// <summary>The CIE's initial instructions [start, end).</summary>
            public byte* CieInstructions, CieInstructionsEnd;
            /// <summary>CIE code alignment factor (advance_loc units).</summary>
            public ulong CodeAlign;
            /// <summary>CIE data alignment factor (offset units, −8 on x64).</summary>
            public long DataAlign;
            /// <summary>DWARF register number of the return address (16 on x64).</summary>
            public int ReturnRegister;
        }

        /// <summary>Finds the FDE covering <paramref name="pc"/>; false when there is none.</summary>
        public static bool FindFde(ulong pc, out Fde fde)
        {
            fde = default;
            if (!s_ready) Initialize();
            ulong hdr = (ulong)s_addresses.EhFrameHdr;
            int* t = (int*)s_table;
            // Last entry with initial location <= pc (entries are sorted by initial location).
            long lo = 0, hi = (long)s_fdeCount - 1, found = -1;
            while (lo <= hi)
            {
                long mid = (lo + hi) >> 1;
                ulong loc = hdr + (ulong)(long)t[2 * mid];
                if (loc <= pc) { found = mid; lo = mid + 1; } else hi = mid - 1;
            }
            if (found < 0) return false;
            byte* entry = (byte*)(hdr + (ulong)(long)t[2 * found + 1]);
            if (!ParseFde(entry, out fde)) return false;
            return pc >= fde.PcBegin && pc < fde.PcEnd;
        }

        /// <summary>
        /// Parses the FDE at <paramref name="entry"/> (an .eh_frame entry: length, CIE pointer, ...) together with its CIE;
        /// false for a CIE or the zero terminator. Pointers are decoded against the addresses the bytes have in memory.
        /// </summary>
        public static bool ParseFde(byte* entry, out Fde fde)
        {
            fde = default;
            uint length = *(uint*)entry;
            if (length == 0xFFFFFFFF) Panic.Halt("exception handling: 64-bit DWARF .eh_frame entries are not supported, at", (ulong)entry);
            if (length == 0) return false;
            byte* end = entry + 4 + length;
            byte* p = entry + 4;
            uint ciePointer = *(uint*)p;
            if (ciePointer == 0) return false;                       // a CIE, not an FDE
            byte* cie = p - ciePointer;
            p += 4;

            // CIE: length, id 0, version, augmentation, code/data alignment, return register, augmentation data, initial instructions.
            uint cieLength = *(uint*)cie;
            if (cieLength == 0xFFFFFFFF) Panic.Halt("exception handling: 64-bit DWARF CIE not supported, at", (ulong)cie);
            byte* cieEnd = cie + 4 + cieLength;
            byte* c = cie + 8;
            byte version = *c++;
            if (version != 1 && version != 3) Panic.Halt("exception handling: unsupported CIE version", version);
            byte* aug = c;
            while (*c != 0) c++;
            c++;
            if (aug[0] == 'e' && aug[1] == 'h') c += 8;              // old GCC "eh" pointer
            fde.CodeAlign = ReadUleb(ref c);
            fde.DataAlign = ReadSleb(ref c);
            fde.ReturnRegister = version == 1 ? *c++ : (int)ReadUleb(ref c);
            byte fdeEncoding = DwEhPe.AbsPtr, lsdaEncoding = DwEhPe.Omit;
            bool hasAugData = aug[0] == 'z';
            if (hasAugData)
            {
                ulong augLength = ReadUleb(ref c);
                byte* augEnd = c + augLength;
                for (byte* a = aug + 1; *a != 0; a++)
                {
                    switch ((char)*a)
                    {
                        case 'L': lsdaEncoding = *c++; break;
                        case 'R': fdeEncoding = *c++; break;
                        case 'P': { byte pe = *c++; ReadEncoded(ref c, pe, 0); break; }
                        case 'S': break;                              // signal frame: no effect for our frames
                        default: Panic.Halt("exception handling: unknown CIE augmentation character", *a); break;
                    }
                }
                c = augEnd;
            }
            else if (aug[0] != 0)
            {
                Panic.Halt("exception handling: CIE augmentation without 'z' is not supported, at", (ulong)cie);
            }
            fde.CieInstructions = c;
            fde.CieInstructionsEnd = cieEnd;

            // FDE: pc_begin (CIE 'R' encoding), pc_range (same format, no application), augmentation data (LSDA), instructions.
            fde.PcBegin = ReadEncoded(ref p, fdeEncoding, 0);
            fde.PcEnd = fde.PcBegin + ReadEncoded(ref p, (byte)(fdeEncoding & 0x0F), 0);
            if (hasAugData)
            {
                ulong augLength = ReadUleb(ref p);
                byte* augEnd = p + augLength;
                if (lsdaEncoding != DwEhPe.Omit && augLength != 0)
                {
                    byte* q = p;
                    fde.Lsda = (byte*)ReadEncoded(ref q, lsdaEncoding, 0);
                }
                p = augEnd;
            }
            fde.Instructions = p;
            fde.InstructionsEnd = end;
            return true;
        }

        // ---------------------------------------------------------------- method info (ilc LSDA)

        /// <summary>
        /// ilc's LSDA (.dotnet_eh_table, UnixObjectWriter): byte flags; for a funclet (kind != 0) then
        /// int32 self-relative offset to the main body's LSDA and int32 offset of the funclet from the
        /// main body's start; for a main body then [int32 self-relative pointer to associated data],
        /// [int32 self-relative pointer to the EH info], GC info.
        /// </summary>
        public static class LsdaFlags
        {
            /// <summary>Bits 0–1: the kind of code block.</summary>
            public const byte KindMask = 0x03;
            /// <summary>Kind: a method's main body.</summary>
            public const byte KindRoot = 0x00;
            /// <summary>Kind: a catch, finally or fault funclet.</summary>
            public const byte KindHandler = 0x01;
            /// <summary>Kind: a filter funclet.</summary>
            public const byte KindFilter = 0x02;
            /// <summary>The main LSDA has an EH info offset (the method has EH clauses).</summary>
            public const byte HasEHInfo = 0x04;
            /// <summary>The method is a reverse P/Invoke ([UnmanagedCallersOnly]) entry.</summary>
            public const byte ReversePInvoke = 0x08;
            /// <summary>The main LSDA has an associated-data offset.</summary>
            public const byte HasAssociatedData = 0x10;
        }

        /// <summary>Method info for the code block holding <paramref name="pc"/>; false outside FDE-described code.</summary>
        public static bool FindMethod(ulong pc, out MethodInfo info)
        {
            info = default;
            if (!FindFde(pc, out Fde fde)) return false;
            info.BlockStart = fde.PcBegin;
            info.BlockEnd = fde.PcEnd;
            info.MethodStart = fde.PcBegin;
            byte* lsda = fde.Lsda;
            info.Lsda = lsda;
            info.MainLsda = lsda;
            if (lsda != null && (lsda[0] & LsdaFlags.KindMask) != LsdaFlags.KindRoot)
            {
                byte* p = lsda + 1;
                info.MainLsda = p + *(int*)p;
                info.MethodStart = fde.PcBegin - (ulong)(long)*(int*)(p + 4);
            }
            return true;
        }

        /// <summary>The EH info blob of a main body (count, then clauses), or null when the method has no EH clauses.</summary>
        public static byte* EHInfo(byte* mainLsda)
        {
            if (mainLsda == null) return null;
            byte flags = mainLsda[0];
            if ((flags & LsdaFlags.HasEHInfo) == 0) return null;
            byte* p = mainLsda + 1;
            if ((flags & LsdaFlags.HasAssociatedData) != 0) p += 4;
            return p + *(int*)p;
        }

        /// <summary>
        /// The GC info blob of a main body (after the flags byte and the associated-data and EH-info offsets, as
        /// UnixNativeCodeManager::GetCodeOffset finds it), for <see cref="Cosmos.Runtime.GcInfoDecoder"/>; funclets use
        /// their main body's (<see cref="MethodInfo.MainLsda"/>). Null for null.
        /// </summary>
        public static byte* GcInfo(byte* mainLsda)
        {
            if (mainLsda == null) return null;
            byte flags = mainLsda[0];
            byte* p = mainLsda + 1;
            if ((flags & LsdaFlags.HasAssociatedData) != 0) p += 4;
            if ((flags & LsdaFlags.HasEHInfo) != 0) p += 4;
            return p;
        }

        /// <summary>Start of the method (main body) holding <paramref name="ip"/>, or zero outside managed code.</summary>
        [RuntimeExport("RhFindMethodStartAddress")]
        public static IntPtr RhFindMethodStartAddress(IntPtr ip)
        {
            ulong pc = (ulong)ip;
            if (!IsManagedCode(pc) || !FindMethod(pc, out MethodInfo info)) return IntPtr.Zero;
            return (IntPtr)info.MethodStart;
        }

        // ---------------------------------------------------------------- CFI interpreter

        private const int RegisterCount = 17;      // DWARF x86-64: 0..15 general registers, 16 return address
        private const int RegRsp = 7, RegRbp = 6, RegRa = 16;
        private const byte RuleSame = 0, RuleOffset = 1, RuleUndefined = 2, RuleValOffset = 3, RuleRegister = 4, RuleExpression = 5;
        private const int CfaIsExpression = -2;                  // Row.CfaRegister: the CFA is the expression at (byte*)Row.CfaOffset
        private const int MaxRememberedStates = 8;

        private struct Row
        {
            public fixed byte Rule[RegisterCount];
            public fixed long Value[RegisterCount];
            public int CfaRegister;
            public long CfaOffset;
        }

        private struct RowStack
        {
            public fixed byte Rule[RegisterCount * MaxRememberedStates];
            public fixed long Value[RegisterCount * MaxRememberedStates];
            public fixed int CfaRegister[MaxRememberedStates];
            public fixed long CfaOffset[MaxRememberedStates];
            public int Depth;
        }

        /// <summary>
        /// Unwinds one frame: <paramref name="lookupPc"/> is the address to describe (the return address
        /// − 1 for a calling frame, the faulting instruction for a fault). Updates the callee-saved register
        /// locations, SP (= CFA) and IP (the return address) of <paramref name="regs"/>. False when no FDE covers it,
        /// or when the frame has no caller (its return address is undefined: the outermost frame of a stack).
        /// Works for ilc's methods and for the X# helpers, whose CFI the X# assembler emits (Build/XSharp/Cfi.cs).
        /// </summary>
        public static bool Unwind(RegDisplay* regs, ulong lookupPc)
        {
            if (!FindFde(lookupPc, out Fde fde)) return false;
            return Unwind(fde, regs, lookupPc);
        }

        /// <summary>
        /// Unwinds one frame with the rules of <paramref name="fde"/> at <paramref name="lookupPc"/> (which it must cover):
        /// runs the CIE's and the FDE's CFA programs up to that address, computes the CFA (a register plus an offset, or a
        /// DWARF expression), then the locations of the saved registers and the return address. False (and
        /// <paramref name="regs"/> unchanged) when the return address is undefined: the frame has no caller.
        /// </summary>
        public static bool Unwind(in Fde fde, RegDisplay* regs, ulong lookupPc)
        {
            Row initial = default, row = default;
            RowStack stack = default;
            initial.CfaRegister = -1;
            Execute(fde.CieInstructions, fde.CieInstructionsEnd, fde, ulong.MaxValue, fde.PcBegin, &initial, &initial, &stack);
            row = initial;
            Execute(fde.Instructions, fde.InstructionsEnd, fde, lookupPc, fde.PcBegin, &row, &initial, &stack);

            if (row.Rule[RegRa] == RuleUndefined) return false;
            ulong cfa;
            if (row.CfaRegister == CfaIsExpression) cfa = Evaluate((byte*)row.CfaOffset, regs, 0, false, lookupPc);
            else if (row.CfaRegister < 0) { Panic.Halt("exception handling: FDE defines no CFA, at", lookupPc); return false; }
            else cfa = (ulong)((long)RegisterValue(regs, row.CfaRegister, lookupPc) + row.CfaOffset);
            ulong returnAddress;
            switch (row.Rule[RegRa])
            {
                case RuleOffset: returnAddress = *(ulong*)(cfa + (ulong)row.Value[RegRa]); break;
                case RuleExpression: returnAddress = *(ulong*)Evaluate((byte*)row.Value[RegRa], regs, cfa, true, lookupPc); break;
                case RuleRegister: returnAddress = RegisterValue(regs, (int)row.Value[RegRa], lookupPc); break;
                default: Panic.Halt("exception handling: unsupported return address rule for code at", lookupPc); return false;
            }
            // Locations first, assigned after: a register rule reads the callee's slots, which the loop must not have changed yet.
            ulong** locations = stackalloc ulong*[16];
            for (int r = 0; r < 16; r++)
            {
                if (r == RegRsp) continue;
                locations[r] = *Slot(regs, r);
                switch (row.Rule[r])
                {
                    case RuleSame:
                    case RuleUndefined:
                        break;
                    case RuleOffset:
                        locations[r] = (ulong*)(cfa + (ulong)row.Value[r]);
                        break;
                    case RuleExpression:
                        locations[r] = (ulong*)Evaluate((byte*)row.Value[r], regs, cfa, true, lookupPc);
                        break;
                    case RuleRegister:
                        if ((uint)row.Value[r] >= 16 || row.Value[r] == RegRsp)
                            Panic.Halt("exception handling: CFI register rule names an untracked register, code at", lookupPc);
                        locations[r] = *Slot(regs, (int)row.Value[r]);
                        break;
                    default:
                        Panic.Halt("exception handling: unsupported CFI register rule (val_offset/val_expression) for code at", lookupPc);
                        break;
                }
            }
            for (int r = 0; r < 16; r++) if (r != RegRsp) SetLocation(regs, r, locations[r]);
            regs->SP = cfa;
            regs->IP = returnAddress;
            return true;
        }

        /// <summary>
        /// Evaluates the DWARF expression at <paramref name="expression"/> (a ULEB128 length, then the operations; DWARF 4
        /// §2.5): DW_OP_breg0–15, DW_OP_deref, DW_OP_plus_uconst, DW_OP_plus, DW_OP_constu, DW_OP_consts and DW_OP_lit0–31 —
        /// what the X# helpers' CFI uses. <paramref name="pushCfa"/>: the CFA is on the stack first (register rules,
        /// DW_CFA_expression).
        /// </summary>
        private static ulong Evaluate(byte* expression, RegDisplay* regs, ulong cfa, bool pushCfa, ulong pc)
        {
            const int Depth = 8;
            ulong* stack = stackalloc ulong[Depth];
            int sp = 0;
            if (pushCfa) stack[sp++] = cfa;
            byte* p = expression;
            ulong length = ReadUleb(ref p);
            byte* end = p + length;
            while (p < end)
            {
                byte op = *p++;
                if (sp >= Depth) Panic.Halt("exception handling: DWARF expression stack overflow, code at", pc);
                if (op >= 0x70 && op <= 0x7F) { long off = ReadSleb(ref p); stack[sp++] = (ulong)((long)RegisterValue(regs, op - 0x70, pc) + off); continue; } // DW_OP_bregN
                if (op >= 0x30 && op <= 0x4F) { stack[sp++] = (ulong)(op - 0x30); continue; }                                                           // DW_OP_litN
                switch (op)
                {
                    case 0x06: if (sp < 1) goto underflow; stack[sp - 1] = *(ulong*)stack[sp - 1]; break;                                                  // DW_OP_deref
                    case 0x10: stack[sp++] = ReadUleb(ref p); break;                                                                                        // DW_OP_constu
                    case 0x11: stack[sp++] = (ulong)ReadSleb(ref p); break;                                                                                 // DW_OP_consts
                    case 0x22: if (sp < 2) goto underflow; stack[sp - 2] += stack[sp - 1]; sp--; break;                                                    // DW_OP_plus
                    case 0x23: if (sp < 1) goto underflow; stack[sp - 1] += ReadUleb(ref p); break;                                                        // DW_OP_plus_uconst
                    default: Panic.Halt("exception handling: unsupported DWARF expression operation", op); break;
                }
            }
            if (sp < 1) goto underflow;
            return stack[sp - 1];
        underflow:
            Panic.Halt("exception handling: DWARF expression stack underflow, code at", pc);
            return 0;
        }

        private static void Execute(byte* p, byte* end, in Fde fde, ulong pc, ulong loc, Row* row, Row* initial, RowStack* stack)
        {
            while (p < end)
            {
                byte op = *p++;
                byte high = (byte)(op & 0xC0), low = (byte)(op & 0x3F);
                if (high == 0x40) { loc += low * fde.CodeAlign; if (pc < loc) return; continue; }                  // DW_CFA_advance_loc
                if (high == 0x80) { SetRule(row, low, RuleOffset, (long)ReadUleb(ref p) * fde.DataAlign); continue; } // DW_CFA_offset
                if (high == 0xC0) { Restore(row, initial, low); continue; }                                          // DW_CFA_restore
                switch (op)
                {
                    case 0x00: break;                                                                                 // DW_CFA_nop
                    case 0x01: loc = ReadEncoded(ref p, DwEhPe.AbsPtr, 0); if (pc < loc) return; break;               // DW_CFA_set_loc
                    case 0x02: loc += *p * fde.CodeAlign; p += 1; if (pc < loc) return; break;                       // DW_CFA_advance_loc1
                    case 0x03: loc += *(ushort*)p * fde.CodeAlign; p += 2; if (pc < loc) return; break;              // DW_CFA_advance_loc2
                    case 0x04: loc += *(uint*)p * fde.CodeAlign; p += 4; if (pc < loc) return; break;                // DW_CFA_advance_loc4
                    case 0x05: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleOffset, (long)ReadUleb(ref p) * fde.DataAlign); break; } // offset_extended
                    case 0x06: Restore(row, initial, (int)ReadUleb(ref p)); break;                                    // restore_extended
                    case 0x07: SetRule(row, (int)ReadUleb(ref p), RuleUndefined, 0); break;                           // undefined
                    case 0x08: SetRule(row, (int)ReadUleb(ref p), RuleSame, 0); break;                                // same_value
                    case 0x09: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleRegister, (long)ReadUleb(ref p)); break; } // register
                    case 0x0F: { row->CfaRegister = CfaIsExpression; row->CfaOffset = (long)p; ulong n = ReadUleb(ref p); p += n; break; }           // def_cfa_expression
                    case 0x10: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleExpression, (long)p); ulong n = ReadUleb(ref p); p += n; break; } // expression
                    case 0x0A: Remember(row, stack); break;                                                           // remember_state
                    case 0x0B: Recall(row, stack); break;                                                             // restore_state
                    case 0x0C: row->CfaRegister = (int)ReadUleb(ref p); row->CfaOffset = (long)ReadUleb(ref p); break; // def_cfa
                    case 0x0D: row->CfaRegister = (int)ReadUleb(ref p); break;                                        // def_cfa_register
                    case 0x0E: row->CfaOffset = (long)ReadUleb(ref p); break;                                         // def_cfa_offset
                    case 0x11: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleOffset, ReadSleb(ref p) * fde.DataAlign); break; } // offset_extended_sf
                    case 0x12: row->CfaRegister = (int)ReadUleb(ref p); row->CfaOffset = ReadSleb(ref p) * fde.DataAlign; break; // def_cfa_sf
                    case 0x13: row->CfaOffset = ReadSleb(ref p) * fde.DataAlign; break;                               // def_cfa_offset_sf
                    case 0x14: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleValOffset, (long)ReadUleb(ref p) * fde.DataAlign); break; } // val_offset
                    case 0x15: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleValOffset, ReadSleb(ref p) * fde.DataAlign); break; }       // val_offset_sf
                    case 0x2E: ReadUleb(ref p); break;                                                                // GNU_args_size
                    case 0x2F: { int r = (int)ReadUleb(ref p); SetRule(row, r, RuleOffset, -(long)ReadUleb(ref p) * fde.DataAlign); break; } // GNU_negative_offset_extended
                    default:
                        // 0x16 val_expression: never emitted by ilc or X#.
                        Panic.Halt("exception handling: unsupported DWARF CFA opcode", op);
                        break;
                }
            }
        }

        private static void SetRule(Row* row, int reg, byte rule, long value)
        {
            if ((uint)reg >= RegisterCount) return;              // xmm and other registers: not tracked (no managed frame saves them on Unix)
            row->Rule[reg] = rule;
            row->Value[reg] = value;
        }

        private static void Restore(Row* row, Row* initial, int reg)
        {
            if ((uint)reg >= RegisterCount) return;
            row->Rule[reg] = initial->Rule[reg];
            row->Value[reg] = initial->Value[reg];
        }

        private static void Remember(Row* row, RowStack* stack)
        {
            if (stack->Depth == MaxRememberedStates) Panic.Halt("exception handling: DW_CFA_remember_state nested too deeply", (ulong)stack->Depth);
            int d = stack->Depth++;
            for (int i = 0; i < RegisterCount; i++) { stack->Rule[d * RegisterCount + i] = row->Rule[i]; stack->Value[d * RegisterCount + i] = row->Value[i]; }
            stack->CfaRegister[d] = row->CfaRegister;
            stack->CfaOffset[d] = row->CfaOffset;
        }

        private static void Recall(Row* row, RowStack* stack)
        {
            if (stack->Depth == 0) Panic.Halt("exception handling: DW_CFA_restore_state without remember_state");
            int d = --stack->Depth;
            for (int i = 0; i < RegisterCount; i++) { row->Rule[i] = stack->Rule[d * RegisterCount + i]; row->Value[i] = stack->Value[d * RegisterCount + i]; }
            row->CfaRegister = stack->CfaRegister[d];
            row->CfaOffset = stack->CfaOffset[d];
        }

        /// <summary>Address of the REGDISPLAY slot for DWARF register <paramref name="reg"/> (0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 8–15 r8–r15).</summary>
        private static ulong** Slot(RegDisplay* regs, int reg)
        {
            switch (reg)
            {
                case 0: return &regs->pRax;
                case 1: return &regs->pRdx;
                case 2: return &regs->pRcx;
                case 3: return &regs->pRbx;
                case 4: return &regs->pRsi;
                case 5: return &regs->pRdi;
                case 6: return &regs->pRbp;
                default: return &regs->pR8 + (reg - 8);
            }
        }

        private static void SetLocation(RegDisplay* regs, int reg, ulong* location) => *Slot(regs, reg) = location;

        private static ulong RegisterValue(RegDisplay* regs, int reg, ulong pc)
        {
            if (reg == RegRsp) return regs->SP;
            if ((uint)reg >= 16) Panic.Halt("exception handling: CFA based on an unsupported register, code at", pc);
            ulong* location = *Slot(regs, reg);
            if (location == null) Panic.Halt("exception handling: CFA based on a register whose value is unknown in this frame, code at", pc);
            return *location;
        }

        // ---------------------------------------------------------------- encodings

        /// <summary>DW_EH_PE pointer encodings (LSB, Exception Frames).</summary>
        public static class DwEhPe
        {
            /// <summary>Value format: a pointer-sized absolute value.</summary>
            public const byte AbsPtr = 0x00;
            /// <summary>Value format: unsigned LEB128.</summary>
            public const byte ULeb128 = 0x01;
            /// <summary>Value format: unsigned 2 bytes.</summary>
            public const byte UData2 = 0x02;
            /// <summary>Value format: unsigned 4 bytes.</summary>
            public const byte UData4 = 0x03;
            /// <summary>Value format: unsigned 8 bytes.</summary>
            public const byte UData8 = 0x04;
            /// <summary>Value format: signed LEB128.</summary>
            public const byte SLeb128 = 0x09;
            /// <summary>Value format: signed 2 bytes.</summary>
            public const byte SData2 = 0x0A;
            /// <summary>Value format: signed 4 bytes.</summary>
            public const byte SData4 = 0x0B;
            /// <summary>Value format: signed 8 bytes.</summary>
            public const byte SData8 = 0x0C;
            /// <summary>Application: relative to the address of the value itself.</summary>
            public const byte PcRel = 0x10;
            /// <summary>Application: relative to the start of .text.</summary>
            public const byte TextRel = 0x20;
            /// <summary>Application: relative to the data base (.eh_frame_hdr here).</summary>
            public const byte DataRel = 0x30;
            /// <summary>Application: relative to the function start.</summary>
            public const byte FuncRel = 0x40;
            /// <summary>Application: aligned to the pointer size.</summary>
            public const byte Aligned = 0x50;
            /// <summary>Flag: the value is the address of the real value.</summary>
            public const byte Indirect = 0x80;
            /// <summary>No value is present.</summary>
            public const byte Omit = 0xFF;
        }

        /// <summary>Reads a DW_EH_PE-encoded value at <paramref name="p"/>; <paramref name="dataBase"/> is the base for datarel.</summary>
        public static ulong ReadEncoded(ref byte* p, byte encoding, ulong dataBase)
        {
            if (encoding == DwEhPe.Omit) return 0;
            byte* start = p;
            ulong value;
            switch (encoding & 0x0F)
            {
                case DwEhPe.AbsPtr: value = *(ulong*)p; p += 8; break;
                case DwEhPe.ULeb128: value = ReadUleb(ref p); break;
                case DwEhPe.UData2: value = *(ushort*)p; p += 2; break;
                case DwEhPe.UData4: value = *(uint*)p; p += 4; break;
                case DwEhPe.UData8: value = *(ulong*)p; p += 8; break;
                case DwEhPe.SLeb128: value = (ulong)ReadSleb(ref p); break;
                case DwEhPe.SData2: value = (ulong)(long)*(short*)p; p += 2; break;
                case DwEhPe.SData4: value = (ulong)(long)*(int*)p; p += 4; break;
                case DwEhPe.SData8: value = *(ulong*)p; p += 8; break;
                default: Panic.Halt("exception handling: unsupported DW_EH_PE value format", encoding); return 0;
            }
            switch (encoding & 0x70)
            {
                case 0: break;
                case DwEhPe.PcRel: value += (ulong)start; break;
                case DwEhPe.DataRel: value += dataBase; break;
                default: Panic.Halt("exception handling: unsupported DW_EH_PE application (textrel/funcrel/aligned)", encoding); break;
            }
            if ((encoding & DwEhPe.Indirect) != 0) value = *(ulong*)value;
            return value;
        }

        /// <summary>Unsigned LEB128.</summary>
        public static ulong ReadUleb(ref byte* p)
        {
            ulong result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = *p++;
                if (shift < 64) result |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return result;
        }

        /// <summary>Signed LEB128.</summary>
        public static long ReadSleb(ref byte* p)
        {
            long result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = *p++;
                if (shift < 64) result |= (long)(b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
            return result;
        }

        /// <summary>ilc's compressed unsigned integer (ObjectDataBuilder.EmitCompressedUInt; NativeAOT VarInt).</summary>
        public static uint ReadCompressedUInt(ref byte* p)
        {
            byte b = p[0];
            if ((b & 1) == 0) { p += 1; return (uint)(b >> 1); }
            if ((b & 2) == 0) { uint v = (uint)(b >> 2) | ((uint)p[1] << 6); p += 2; return v; }
            if ((b & 4) == 0) { uint v = (uint)(b >> 3) | ((uint)p[1] << 5) | ((uint)p[2] << 13); p += 3; return v; }
            if ((b & 8) == 0) { uint v = (uint)(b >> 4) | ((uint)p[1] << 4) | ((uint)p[2] << 12) | ((uint)p[3] << 20); p += 4; return v; }
            uint w = *(uint*)(p + 1); p += 5; return w;
        }
    }
}
