namespace Cosmos.Core.Arch.X64
{
    /// <summary>
    /// The architectural exception vectors 0–31 by their Intel SDM mnemonics (Intel SDM Vol. 3A §6.3.1, Table 6-1;
    /// AMD APM Vol. 2 §8.2 for #HV, #VC and #SX) and which of them push an error code.
    /// </summary>
    public static class ExceptionVector
    {
        /// <summary>#DE: divide error.</summary>
        public const int DE = 0;
        /// <summary>#DB: debug exception.</summary>
        public const int DB = 1;
        /// <summary>NMI: non-maskable interrupt.</summary>
        public const int NMI = 2;
        /// <summary>#BP: breakpoint (INT3).</summary>
        public const int BP = 3;
        /// <summary>#OF: overflow (INTO).</summary>
        public const int OF = 4;
        /// <summary>#BR: BOUND range exceeded.</summary>
        public const int BR = 5;
        /// <summary>#UD: invalid opcode.</summary>
        public const int UD = 6;
        /// <summary>#NM: device not available.</summary>
        public const int NM = 7;
        /// <summary>#DF: double fault (error code, always 0).</summary>
        public const int DF = 8;
        /// <summary>Coprocessor segment overrun (reserved since the 486).</summary>
        public const int CoprocessorSegmentOverrun = 9;
        /// <summary>#TS: invalid TSS (selector error code).</summary>
        public const int TS = 10;
        /// <summary>#NP: segment not present (selector error code).</summary>
        public const int NP = 11;
        /// <summary>#SS: stack-segment fault (selector error code).</summary>
        public const int SS = 12;
        /// <summary>#GP: general protection (selector error code).</summary>
        public const int GP = 13;
        /// <summary>#PF: page fault (page-fault error code, CR2).</summary>
        public const int PF = 14;
        /// <summary>#MF: x87 floating-point error.</summary>
        public const int MF = 16;
        /// <summary>#AC: alignment check (error code 0).</summary>
        public const int AC = 17;
        /// <summary>#MC: machine check.</summary>
        public const int MC = 18;
        /// <summary>#XM: SIMD floating-point exception.</summary>
        public const int XM = 19;
        /// <summary>#VE: virtualization exception.</summary>
        public const int VE = 20;
        /// <summary>#CP: control-protection exception (error code).</summary>
        public const int CP = 21;
        /// <summary>#HV: hypervisor injection exception (AMD).</summary>
        public const int HV = 28;
        /// <summary>#VC: VMM communication exception (AMD; error code).</summary>
        public const int VC = 29;
        /// <summary>#SX: security exception (AMD; error code).</summary>
        public const int SX = 30;
        /// <summary>First vector that is not reserved for exceptions (SDM Vol. 3A §6.2).</summary>
        public const int FirstUserDefined = 32;

        /// <summary>
        /// True for the vectors whose exceptions push an error code: #DF (8), #TS, #NP, #SS, #GP, #PF (10–14), #AC (17),
        /// #CP (21), #VC (29), #SX (30) (SDM Vol. 3A Table 6-1, "Error Code" column; AMD APM Vol. 2 Table 8-1). Software
        /// <c>INT n</c> never pushes one (SDM Vol. 3A §6.13).
        /// </summary>
        public static bool HasErrorCode(int vector) =>
            vector == DF || (vector >= TS && vector <= PF) || vector == AC || vector == CP || vector == VC || vector == SX;

        /// <summary>True for #TS, #NP, #SS and #GP, whose error code is a segment selector (SDM Vol. 3A §6.13, Figure 6-7).</summary>
        public static bool HasSelectorErrorCode(int vector) => vector >= TS && vector <= GP;
    }
}
