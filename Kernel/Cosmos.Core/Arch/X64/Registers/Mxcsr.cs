namespace Cosmos.Core.Arch.X64
{
    /// <summary>Bits of MXCSR, the SSE control and status register (Intel SDM Vol. 1 §10.2.3, Figure 10-3).</summary>
    public static class Mxcsr
    {
        /// <summary>IE (bit 0): invalid-operation flag.</summary>
        public const uint IE = 1u << 0;
        /// <summary>DE (bit 1): denormal flag.</summary>
        public const uint DE = 1u << 1;
        /// <summary>ZE (bit 2): divide-by-zero flag.</summary>
        public const uint ZE = 1u << 2;
        /// <summary>OE (bit 3): overflow flag.</summary>
        public const uint OE = 1u << 3;
        /// <summary>UE (bit 4): underflow flag.</summary>
        public const uint UE = 1u << 4;
        /// <summary>PE (bit 5): precision flag.</summary>
        public const uint PE = 1u << 5;
        /// <summary>DAZ (bit 6): denormals are zeros.</summary>
        public const uint DAZ = 1u << 6;
        /// <summary>IM (bit 7): invalid-operation mask.</summary>
        public const uint IM = 1u << 7;
        /// <summary>DM (bit 8): denormal mask.</summary>
        public const uint DM = 1u << 8;
        /// <summary>ZM (bit 9): divide-by-zero mask.</summary>
        public const uint ZM = 1u << 9;
        /// <summary>OM (bit 10): overflow mask.</summary>
        public const uint OM = 1u << 10;
        /// <summary>UM (bit 11): underflow mask.</summary>
        public const uint UM = 1u << 11;
        /// <summary>PM (bit 12): precision mask.</summary>
        public const uint PM = 1u << 12;
        /// <summary>RC (bits 13–14): rounding control (00 nearest, 01 down, 10 up, 11 toward zero).</summary>
        public const uint RC = 3u << RCShift;
        /// <summary>Bit position of <see cref="RC"/>.</summary>
        public const int RCShift = 13;
        /// <summary>FTZ (bit 15): flush to zero.</summary>
        public const uint FTZ = 1u << 15;

        /// <summary>The six sticky exception flags IE..PE (bits 0–5).</summary>
        public const uint ExceptionFlags = IE | DE | ZE | OE | UE | PE;
        /// <summary>The six exception masks IM..PM (bits 7–12).</summary>
        public const uint ExceptionMasks = IM | DM | ZM | OM | UM | PM;
        /// <summary>
        /// The power-up/reset value 1F80H: every exception masked, round to nearest, no flags (SDM Vol. 1 §10.2.3.1).
        /// The boot path loads it and the interrupt stubs give it to handlers.
        /// </summary>
        public const uint Default = ExceptionMasks;
    }

    /// <summary>The x87 FPU control word (Intel SDM Vol. 1 §8.1.5, Figure 8-6).</summary>
    public static class X87ControlWord
    {
        /// <summary>ZM (bit 2): divide-by-zero exception mask.</summary>
        public const ushort ZM = 1 << 2;
        /// <summary>The value after FNINIT, 037FH: every exception masked, 64-bit precision, round to nearest (SDM Vol. 1 §8.1.5).</summary>
        public const ushort Default = 0x037F;
    }

    /// <summary>
    /// Layout of the FXSAVE area and the legacy region + header of the XSAVE area (Intel SDM Vol. 1 §10.5.1,
    /// Table 10-2; §13.4): byte offsets from the (16-byte aligned for FXSAVE, 64-byte aligned for XSAVE) area start.
    /// </summary>
    public static class XSaveLayout
    {
        /// <summary>FCW, the x87 control word (bytes 0–1).</summary>
        public const int Fcw = 0;
        /// <summary>MXCSR (bytes 24–27).</summary>
        public const int Mxcsr = 24;
        /// <summary>Size of the FXSAVE area, which is also the legacy region of the XSAVE area (512 bytes).</summary>
        public const int LegacyRegionBytes = 512;
        /// <summary>Offset of the XSAVE header (XSTATE_BV, XCOMP_BV, reserved) after the legacy region (SDM Vol. 1 §13.4.2).</summary>
        public const int Header = 512;
        /// <summary>Size of the XSAVE header (64 bytes; XRSTOR raises #GP unless its reserved bytes are 0).</summary>
        public const int HeaderBytes = 64;
        /// <summary>Alignment XSAVE/XRSTOR require (64 bytes; FXSAVE needs 16).</summary>
        public const int Alignment = 64;
    }
}
