using System;
using System.Linq;
using System.Reflection;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The kernel's errno ↔ Interop.Error table (Runtime/Cosmos.Runtime/Errno.cs) against the host: the CoreLib's own
    /// Interop.Error enum (names and values) and the host's libSystem.Native conversions, which run on Linux with
    /// the same errno numbers the kernel uses.
    /// </summary>
    public sealed class ErrnoTests
    {
        private static readonly Type InteropError = typeof(object).Assembly.GetType("Interop+Error", throwOnError: true);
        private static readonly MethodInfo HostPlatformToPal = typeof(object).Assembly.GetType("Interop+Sys", throwOnError: true)
            .GetMethod("ConvertErrorPlatformToPal", BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public);
        private static readonly MethodInfo HostPalToPlatform = typeof(object).Assembly.GetType("Interop+Sys", throwOnError: true)
            .GetMethod("ConvertErrorPalToPlatform", BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Public);

        private static int HostToPal(int errno) => Convert.ToInt32(HostPlatformToPal.Invoke(null, new object[] { errno }));
        private static int HostToPlatform(int pal) => (int)HostPalToPlatform.Invoke(null, new object[] { Enum.ToObject(InteropError, pal) });

        [Fact]
        public void EveryErrnoFrom1To140MapsLikeTheHostShim()
        {
            Assert.True(OperatingSystem.IsLinux(), "the host oracle is Linux's libSystem.Native");
            int known = 0;
            for (int errno = 0; errno <= 140; errno++)
            {
                int expected = HostToPal(errno), actual = Errno.PlatformToPal(errno);
                if (Errno.Name(errno) == null && errno != 0)
                {
                    // Errno values the kernel does not name: the host either has no PAL code for them either, or one the table lacks.
                    Assert.True(!Enum.IsDefined(InteropError, expected) || expected == 0, $"errno {errno}: host maps it to {(int)expected:X} ({Enum.ToObject(InteropError, expected)}), the kernel's table lacks it");
                    Assert.Equal(Errno.PalNonStandard, actual);
                    continue;
                }
                Assert.True(expected == actual, $"errno {errno} ({Errno.Name(errno)}): kernel 0x{actual:X}, host 0x{expected:X}");
                known++;
            }
            Assert.True(known >= 80, "named errno values: " + known);
        }

        [Fact]
        public void EveryInteropErrorValueMapsBackLikeTheHostShim()
        {
            foreach (object value in Enum.GetValues(InteropError))
            {
                int pal = Convert.ToInt32(value);
                if (pal >= 0x20000) continue;   // EHOSTNOTFOUND, ESOCKETERROR: managed-only codes, no errno
                int expected = HostToPlatform(pal), actual = Errno.PalToPlatform(pal);
                Assert.True(expected == actual, $"{value} (0x{pal:X}): kernel errno {actual}, host {expected}");
            }
            Assert.Equal(-1, Errno.PalToPlatform(0x1FFFE));
        }

        [Fact]
        public void NamesAreTheInteropErrorNames()
        {
            for (int errno = 1; errno <= 140; errno++)
            {
                string name = Errno.Name(errno);
                if (name == null) continue;
                Assert.Equal(Errno.PlatformToPal(errno), Convert.ToInt32(Enum.Parse(InteropError, name)));
            }
        }

        [Fact]
        public unsafe void StrErrorWritesTheNameAndTruncatesToTheBuffer()
        {
            byte* buf = stackalloc byte[64];
            Assert.True(buf == Errno.StrErrorR(2, buf, 64));
            Assert.Equal("ENOENT (errno 2)", new string((sbyte*)buf));
            Errno.StrErrorR(1000, buf, 64);
            Assert.Equal("unknown error 1000", new string((sbyte*)buf));
            Errno.StrErrorR(2, buf, 4);
            Assert.Equal("ENO", new string((sbyte*)buf));
        }
    }
}
