using System;
using Cosmos.Core;
using Cosmos.HAL.Devices.Timers;

namespace Cosmos.HAL
{
    /// <summary>
    /// MC146818-compatible real-time clock in CMOS (Cosmos API name): index port 0x70, data
    /// port 0x71. Values are read twice until equal, outside an update cycle (status A bit 7).
    /// The century comes from the CMOS register named by the FADT CENTURY field when ACPI
    /// provides one, else 20xx is assumed. The clock runs by itself: its device (<see cref="Instance"/>,
    /// stage <see cref="DeviceStage.Clocks"/>, after the TSC) starts by doing nothing, and the members are
    /// static (one CMOS per PC, no state). Source: Motorola MC146818 datasheet; ACPI 6.5 §5.2.9;
    /// OSDev wiki "CMOS".
    /// </summary>
    public sealed class RTC : Device
    {
        private static RTC s_instance;

        /// <summary>The RTC's registry entry (created on first use; registered by <see cref="PcPlatform"/>).</summary>
        public static RTC Instance => s_instance ??= new RTC();

        private RTC() : base("RTC", DeviceClass.Timer, DeviceStage.Clocks, startOrder: 20) { }

        /// <summary>Converts a packed BCD byte (0x59 → 59).</summary>
        public static byte FromBcd(byte bcd) => (byte)((bcd >> 4) * 10 + (bcd & 0x0F));

        /// <summary>
        /// Decodes raw registers to a date and time; false with a reason when a field is out of range
        /// (e.g. month 13, 30 February, BCD digits above 9).
        /// </summary>
        public static bool TryDecode(in RtcRegisters r, out DateTime time, out string error)
        {
            time = default;
            bool binary = (r.StatusB & 0x04) != 0;
            bool h24 = (r.StatusB & 0x02) != 0;
            bool pm = (r.Hour & 0x80) != 0;
            byte rawHour = (byte)(r.Hour & 0x7F);
            if (!binary && (!IsBcd(r.Second) || !IsBcd(r.Minute) || !IsBcd(rawHour) || !IsBcd(r.Day) || !IsBcd(r.Month) || !IsBcd(r.Year) || (r.Century != 0 && !IsBcd(r.Century))))
            {
                error = "RTC: a register holds an invalid BCD value";
                return false;
            }
            int second = binary ? r.Second : FromBcd(r.Second);
            int minute = binary ? r.Minute : FromBcd(r.Minute);
            int hour = binary ? rawHour : FromBcd(rawHour);
            int day = binary ? r.Day : FromBcd(r.Day);
            int month = binary ? r.Month : FromBcd(r.Month);
            int year = binary ? r.Year : FromBcd(r.Year);
            int century = r.Century == 0 ? 20 : (binary ? r.Century : FromBcd(r.Century));
            if (!h24)
            {
                if (hour < 1 || hour > 12) { error = string.Concat("RTC: 12-hour value ", HalFormat.Dec((ulong)hour), " out of range"); return false; }
                if (hour == 12) hour = 0;
                if (pm) hour += 12;
            }
            year += century * 100;
            if (second > 59 || minute > 59 || hour > 23 || month < 1 || month > 12 || year < 1 || year > 9999 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                error = string.Concat("RTC: invalid date/time ", HalFormat.Dec((ulong)year), "-", HalFormat.Dec((ulong)month), "-", HalFormat.Dec((ulong)day),
                    " ", HalFormat.Dec((ulong)hour), ":", HalFormat.Dec((ulong)minute), ":", HalFormat.Dec((ulong)second));
                return false;
            }
            time = new DateTime(year, month, day, hour, minute, second);
            error = null;
            return true;
        }

        private static bool IsBcd(byte b) => (b & 0x0F) <= 9 && (b >> 4) <= 9;

        /// <summary>Reads the clock registers (consistent snapshot: two equal reads outside an update).</summary>
        public static RtcRegisters ReadRegisters()
        {
            byte centuryIndex = FirmwareTables.RtcCenturyRegister;
            RtcRegisters last = default;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                WaitNotUpdating();
                var r = new RtcRegisters
                {
                    Second = Cmos(0x00), Minute = Cmos(0x02), Hour = Cmos(0x04), DayOfWeek = Cmos(0x06),
                    Day = Cmos(0x07), Month = Cmos(0x08), Year = Cmos(0x09),
                    Century = centuryIndex >= 0x0E && centuryIndex < 0x80 ? Cmos(centuryIndex) : (byte)0,
                    StatusB = Cmos(0x0B),
                };
                if (attempt > 0 && Same(r, last)) return r;
                last = r;
            }
            return last;
        }

        /// <summary>Current local date and time from the RTC.</summary>
        /// <exception cref="InvalidOperationException">The RTC holds an invalid value (message says which).</exception>
        public static DateTime Now
        {
            get
            {
                var r = ReadRegisters();
                if (!TryDecode(r, out var t, out string err)) throw new InvalidOperationException(err);
                return t;
            }
        }

        /// <summary>Cosmos API: seconds 0-59.</summary>
        public static byte Second => (byte)Now.Second;
        /// <summary>Cosmos API: minutes 0-59.</summary>
        public static byte Minute => (byte)Now.Minute;
        /// <summary>Cosmos API: hours 0-23.</summary>
        public static byte Hour => (byte)Now.Hour;
        /// <summary>Cosmos API: day of the month 1-31.</summary>
        public static byte DayOfTheMonth => (byte)Now.Day;
        /// <summary>Cosmos API: month 1-12.</summary>
        public static byte Month => (byte)Now.Month;
        /// <summary>Cosmos API: year within the century (0-99).</summary>
        public static byte Year => (byte)(Now.Year % 100);
        /// <summary>Cosmos API: century (e.g. 20).</summary>
        public static byte Century => (byte)(Now.Year / 100);
        /// <summary>Cosmos API: day of the week, 1 = Sunday (as the RTC counts).</summary>
        public static byte DayOfTheWeek => (byte)((int)Now.DayOfWeek + 1);

        private static bool Same(in RtcRegisters a, in RtcRegisters b) =>
            a.Second == b.Second && a.Minute == b.Minute && a.Hour == b.Hour && a.Day == b.Day &&
            a.Month == b.Month && a.Year == b.Year && a.Century == b.Century;

        private static void WaitNotUpdating()
        {
            for (int i = 0; i < 100_000; i++)
            {
                if ((Cmos(0x0A) & 0x80) == 0) return;
                IOPort.Wait();
            }
        }

        private static byte Cmos(byte index)
        {
            IOPort.Write8(0x70, index);
            return IOPort.Read8(0x71);
        }
    }
}
