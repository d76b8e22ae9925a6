using System;
using System.Collections.Generic;
using IL2CPU.API.Attribs;

namespace Cosmos.Plugs.Time
{
    /// <summary>
    /// Time zones on a machine without a time-zone database: the local time zone is UTC
    /// (<see cref="TimeZoneInfo.Local"/> is <see cref="TimeZoneInfo.Utc"/>, so <see cref="DateTime.Now"/> equals
    /// <see cref="DateTime.UtcNow"/> with <see cref="DateTimeKind.Local"/>), <see cref="TimeZoneInfo.GetSystemTimeZones()"/>
    /// lists UTC only (.NET 10 always seeds it), and <see cref="TimeZoneInfo.FindSystemTimeZoneById(string)"/> finds "UTC" (the CoreLib answers it
    /// without the database) and throws <see cref="TimeZoneNotFoundException"/> naming the id for any other.
    /// Zones built with <see cref="TimeZoneInfo.CreateCustomTimeZone(string, TimeSpan, string, string)"/> work as usual.
    /// </summary>
    /// <remarks>
    /// The NativeAOT CoreLib's Unix implementation (TimeZoneInfo.Unix*.cs) reads the TZ variable,
    /// /etc/localtime and /usr/share/zoneinfo through file-system calls the kernel does not have; these are the
    /// three methods through which every such read goes.
    /// </remarks>
    [Plug(typeof(TimeZoneInfo))]
    public static class TimeZoneInfoPlug
    {
        /// <summary>TimeZoneInfo.Local's source: UTC.</summary>
        public static TimeZoneInfo GetLocalTimeZoneCore() => TimeZoneInfo.Utc;

        /// <summary>Looks <paramref name="id"/> up in the (absent) database: always TimeZoneInfoResult.TimeZoneNotFoundException (1).</summary>
        public static int TryGetTimeZoneFromLocalMachineCore(string id, out TimeZoneInfo value, out Exception e)
        {
            value = null;
            e = new TimeZoneNotFoundException("The time zone ID '" + id + "' was not found: CosmosOS has no time-zone database (only UTC and custom zones exist).");
            return 1;
        }

        /// <summary>The ids listed by the (absent) database's zone.tab: none.</summary>
        public static IEnumerable<string> GetTimeZoneIds() => Array.Empty<string>();
    }
}
