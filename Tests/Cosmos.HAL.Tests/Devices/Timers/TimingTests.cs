using System;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Timers;
using Xunit;

namespace Cosmos.HAL.Tests
{
    /// <summary>Pure arithmetic of PIT/TSC/RTC.</summary>
    public class TimingTests
    {
        [Theory]
        [InlineData(0ul, 0ul)]
        [InlineData(1ul, 2ul)]                 // 1.19 ticks rounds up
        [InlineData(1000ul, 1194ul)]           // 1 ms
        [InlineData(10_000ul, 11932ul)]        // 10 ms
        [InlineData(1_000_000ul, 1193182ul)]   // 1 s exactly
        [InlineData(3_600_000_000ul, 4295455200ul)] // 1 h, no overflow
        public void Pit_MicrosecondsToTicks(ulong us, ulong ticks)
        {
            Assert.Equal(ticks, PIT.MicrosecondsToTicks(us));
        }

        [Fact]
        public void Pit_Divisors()
        {
            Assert.Equal((ushort)1193, PIT.DivisorForFrequency(1000));
            Assert.Equal((ushort)11932, PIT.DivisorForFrequency(100));
            Assert.Equal((ushort)0, PIT.DivisorForFrequency(18));  // 66288 > 65535: slowest (65536)
            Assert.Equal((ushort)1, PIT.DivisorForFrequency(2_000_000));
            Assert.Throws<ArgumentOutOfRangeException>(() => PIT.DivisorForFrequency(0));
            Assert.Equal(1193182.0 / 65536, PIT.FrequencyForDivisor(0));
        }

        [Fact]
        public void Tsc_FrequencyAndConversions()
        {
            // Exact against 128-bit arithmetic for a spread of deltas/windows.
            foreach (var (delta, pit) in new (ulong, ulong)[] { (20_000_000, 11932), (33_000_000, 11932), (123_456_789_012, 59660), (1, 1), (ulong.MaxValue / 2, 11932) })
                Assert.Equal((ulong)((UInt128)delta * 1_193_182 / pit), TSC.ComputeFrequency(delta, pit));
            Assert.Equal(1_999_969_829ul, TSC.ComputeFrequency(20_000_000, 11932));
            Assert.Equal(1_193_182ul, TSC.ComputeFrequency(1000, 1000));
            Assert.Equal(0ul, TSC.ComputeFrequency(0, 10));
            Assert.Equal(0ul, TSC.ComputeFrequency(10, 0));
            Assert.Equal(1_000_000_000ul, TSC.ToNanoseconds(3_000_000_000, 3_000_000_000));
            Assert.Equal(500ul, TSC.ToNanoseconds(1_000, 2_000_000_000));
            // Large tick counts do not overflow: 100 years at 4 GHz.
            ulong ticks = 4_000_000_000ul * 3600 * 24 * 365 * 100;
            Assert.Equal(ticks / 4, TSC.ToNanoseconds(ticks, 4_000_000_000));
            Assert.Throws<ArgumentOutOfRangeException>(() => TSC.ToNanoseconds(1, 0));
        }

        [Fact]
        public void Rtc_Bcd24Hour()
        {
            var r = new RtcRegisters { Second = 0x59, Minute = 0x30, Hour = 0x23, Day = 0x28, Month = 0x02, Year = 0x24, StatusB = 0x02 };
            Assert.True(RTC.TryDecode(r, out var t, out var err), err);
            Assert.Equal(new DateTime(2024, 2, 28, 23, 30, 59), t);
        }

        [Fact]
        public void Rtc_Binary12HourWithCentury()
        {
            var r = new RtcRegisters { Second = 5, Minute = 6, Hour = 0x80 | 12, Day = 1, Month = 12, Year = 99, Century = 19, StatusB = 0x04 };
            Assert.True(RTC.TryDecode(r, out var t, out var err), err);
            Assert.Equal(new DateTime(1999, 12, 1, 12, 6, 5), t); // 12 PM = noon
            r.Hour = 12; // 12 AM = midnight
            Assert.True(RTC.TryDecode(r, out t, out _));
            Assert.Equal(0, t.Hour);
            r.Hour = 0x80 | 7;
            Assert.True(RTC.TryDecode(r, out t, out _));
            Assert.Equal(19, t.Hour);
        }

        [Fact]
        public void Rtc_InvalidValues_FailClearly()
        {
            var r = new RtcRegisters { Second = 0, Minute = 0, Hour = 0, Day = 0x30, Month = 0x02, Year = 0x23, StatusB = 0x02 };
            Assert.False(RTC.TryDecode(r, out _, out var err));
            Assert.Contains("invalid date", err);
            r.Day = 0x1A; // not BCD
            Assert.False(RTC.TryDecode(r, out _, out err));
            Assert.Contains("BCD", err);
            var h12 = new RtcRegisters { Hour = 0, Day = 1, Month = 1, Year = 0, StatusB = 0x04 };
            Assert.False(RTC.TryDecode(h12, out _, out err));
            Assert.Contains("12-hour", err);
        }

        [Fact]
        public void Rtc_FromBcd()
        {
            Assert.Equal(59, RTC.FromBcd(0x59));
            Assert.Equal(0, RTC.FromBcd(0x00));
            Assert.Equal(99, RTC.FromBcd(0x99));
        }
    }
}
