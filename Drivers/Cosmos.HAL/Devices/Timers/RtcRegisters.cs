namespace Cosmos.HAL.Devices.Timers
{
    /// <summary>Raw CMOS clock registers as read (before BCD/12-hour decoding).</summary>
    public struct RtcRegisters
    {
        /// <summary>Register 0x00.</summary>
        public byte Second;
        /// <summary>Register 0x02.</summary>
        public byte Minute;
        /// <summary>Register 0x04 (bit 7 = PM in 12-hour mode).</summary>
        public byte Hour;
        /// <summary>Register 0x06 (1 = Sunday).</summary>
        public byte DayOfWeek;
        /// <summary>Register 0x07.</summary>
        public byte Day;
        /// <summary>Register 0x08.</summary>
        public byte Month;
        /// <summary>Register 0x09 (two digits).</summary>
        public byte Year;
        /// <summary>The century register named by the FADT CENTURY field, or 0 when there is none.</summary>
        public byte Century;
        /// <summary>Status register B: bit 1 = 24-hour mode, bit 2 = binary (not BCD).</summary>
        public byte StatusB;
    }
}
