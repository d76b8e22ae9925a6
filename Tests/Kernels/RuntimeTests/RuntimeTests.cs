using System;
using System.Collections.Generic;
using System.Text;
using Cosmos.Core.Memory;
using Cosmos.TestRunner;

namespace RuntimeTests
{
    internal interface IShape { double Area(); string Name { get; } }
    internal sealed class Square : IShape { public double Side; public double Area() => Side * Side; public string Name => "square"; }
    internal sealed class Rect : IShape { public double W, H; public double Area() => W * H; public string Name => "rect"; }
    internal interface IGeneric<T> { T Echo(T value); }
    internal sealed class Echoer : IGeneric<int>, IGeneric<string> { public int Echo(int v) => v + 1; public string Echo(string s) => s + "!"; }

    internal static class WithStaticCtor
    {
        public static readonly int Value;
        public static int CtorRuns;
        static WithStaticCtor() { CtorRuns++; Value = ComputeAtRunTime(); }
        private static int ComputeAtRunTime() => (int)(Cosmos.Core.CPU.GetCPUUptime() & 1) + 41; // not foldable at compile time
    }

    internal static class ThreadLocalState
    {
        [ThreadStatic] public static int Counter;
        [ThreadStatic] public static string Name;
    }

    internal unsafe struct Big { public fixed byte Bytes[20000]; }

    internal sealed class Node { public int Value; public Node Next; public byte[] Payload; }

    internal struct Pair { public string Key; public int Value; }

    public sealed unsafe class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            Test("heap allocation of many objects", () =>
            {
                ulong before = Heap.UsedBytes;
                Node head = null;
                for (int i = 0; i < 100_000; i++) head = new Node { Value = i, Next = head, Payload = new byte[i % 64] };
                long sum = 0; int count = 0;
                for (var n = head; n != null; n = n.Next) { sum += n.Value; count++; if (n.Payload.Length != n.Value % 64) Fail("payload length"); }
                Equal(100_000, count, "node count");
                Equal(4_999_950_000L, sum, "sum of values");
                True(Heap.UsedBytes - before >= 100_000UL * 32, "heap grew by at least 32 bytes per node");
            });

            Test("memmove and memset (X#: 64-byte XMM blocks, byte tails) copy and fill exactly, overlapping both ways", () =>
            {
                // Buffer.MemoryCopy and Span.Fill reach the native memmove/memset for these sizes (above the CoreLib's
                // managed-copy threshold); the reference is a byte loop. Sizes around the 64-byte block, offsets 0–3.
                int[] sizes = { 4096, 4097, 4159, 4160, 4223, 9000 };
                var buf = new byte[24000];
                var expect = new byte[24000];
                int checks = 0;
                foreach (int n in sizes)
                    for (int so = 0; so < 4; so++)
                        foreach (int delta in new[] { -70, -64, -1, 1, 63, 64, 5000, -5000 })
                        {
                            for (int i = 0; i < buf.Length; i++) buf[i] = expect[i] = (byte)(i * 7 + 3);
                            int src = 6000 + so, dst = src + delta;
                            if (dst > src) for (int i = n - 1; i >= 0; i--) expect[dst + i] = expect[src + i];
                            else for (int i = 0; i < n; i++) expect[dst + i] = expect[src + i];
                            fixed (byte* b = buf) Buffer.MemoryCopy(b + src, b + dst, n, n);
                            for (int i = 0; i < buf.Length; i++) if (buf[i] != expect[i]) Fail("memmove n=" + n + " src+" + so + " delta " + delta + ": byte " + i);
                            checks++;
                        }
                foreach (int n in sizes)
                    for (int o = 0; o < 4; o++)
                    {
                        Array.Clear(buf);
                        buf.AsSpan(100 + o, n).Fill(0xA7);
                        for (int i = 0; i < buf.Length; i++)
                            if (buf[i] != (i >= 100 + o && i < 100 + o + n ? 0xA7 : 0)) Fail("memset n=" + n + " offset " + o + ": byte " + i);
                        checks++;
                    }
                True(checks == sizes.Length * 4 * 8 + sizes.Length * 4, "checks " + checks);
            });

            Test("List<T>", () =>
            {
                var list = new List<int>();
                for (int i = 0; i < 1000; i++) list.Add(i * 3);
                list.RemoveAt(0);
                list.Insert(0, -1);
                list.Sort((a, b) => b.CompareTo(a));
                Equal(1000, list.Count, "count");
                Equal(2997, list[0], "largest first");
                Equal(-1, list[999], "smallest last");
                True(list.Contains(300), "contains 300");
                Equal(100, list.IndexOf(2697), "index of 2697");
            });

            Test("Dictionary<string, int>", () =>
            {
                var d = new Dictionary<string, int>();
                for (int i = 0; i < 500; i++) d["key" + i] = i;
                d.Remove("key7");
                Equal(499, d.Count, "count");
                Equal(123, d["key123"], "lookup");
                True(!d.ContainsKey("key7"), "removed key is gone");
                True(d.TryGetValue("key499", out int v) && v == 499, "TryGetValue");
                int total = 0;
                foreach (var kv in d) total += kv.Value;
                Equal(124743, total, "sum over enumeration");
            });

            Test("arrays of structs with references", () =>
            {
                var pairs = new Pair[256];
                for (int i = 0; i < pairs.Length; i++) pairs[i] = new Pair { Key = i.ToString(), Value = i };
                Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
                Equal("0", pairs[0].Key, "first key");
                Equal("99", pairs[255].Key, "last key in ordinal order");
            });

            Test("StringBuilder and string interpolation", () =>
            {
                var sb = new StringBuilder();
                for (int i = 0; i < 5; i++) sb.Append(i).Append(',');
                sb.Length--;
                Equal("0,1,2,3,4", sb.ToString(), "StringBuilder");
                int n = 42; double pi = 3.25; string who = "Cosmos";
                Equal("n=42 pi=3.25 who=Cosmos hex=2A pad=[   7]", $"n={n} pi={pi} who={who} hex={n:X} pad=[{7,4}]", "interpolation");
                Equal("a-b-c", string.Join("-", new[] { "a", "b", "c" }), "string.Join");
                Equal("HELLO", "hello".ToUpperInvariant(), "ToUpperInvariant");
                True("  trim me ".Trim() == "trim me", "Trim");
                Equal(3, "a,b,,c".Split(',', StringSplitOptions.RemoveEmptyEntries).Length, "Split");
            });

            Test("int.Parse and ToString", () =>
            {
                Equal(12345, int.Parse("12345"), "int.Parse");
                Equal(-77, int.Parse("-77"), "negative");
                Equal("-2147483648", int.MinValue.ToString(), "int.MinValue.ToString()");
                Equal("18446744073709551615", ulong.MaxValue.ToString(), "ulong.MaxValue");
                Equal(255L, long.Parse("FF", System.Globalization.NumberStyles.HexNumber), "hex parse");
                True(!int.TryParse("12x", out _), "TryParse rejects garbage");
                Equal("1.5", 1.5.ToString(), "double ToString");
                Equal(0.125, double.Parse("0.125"), "double.Parse");
            });

            Test("static constructor runs once, before first access", () =>
            {
                int v = WithStaticCtor.Value;
                True(v == 41 || v == 42, "value computed by the cctor");
                Equal(v, WithStaticCtor.Value, "stable");
                Equal(1, WithStaticCtor.CtorRuns, "cctor ran once");
            });

            Test("interface calls", () =>
            {
                var shapes = new List<IShape> { new Square { Side = 3 }, new Rect { W = 2, H = 5 } };
                double total = 0;
                var names = new StringBuilder();
                foreach (var s in shapes) { total += s.Area(); names.Append(s.Name).Append(' '); }
                Equal(19.0, total, "sum of areas");
                Equal("square rect ", names.ToString(), "names");
                var e = new Echoer();
                Equal(8, ((IGeneric<int>)e).Echo(7), "generic interface, int");
                Equal("hi!", ((IGeneric<string>)e).Echo("hi"), "generic interface, string");
            });

            Test("casts, boxing and type checks", () =>
            {
                object o = 17;
                True(o is int, "boxed int is int");
                Equal(17, (int)o, "unbox");
                object s = "text";
                True(s is string && !(s is IShape), "is checks");
                True((s as IShape) == null, "as on a failing cast gives null");
                Equal("Int32", o.GetType().Name, "GetType().Name");
            });

            Test("thread statics", () =>
            {
                Equal(0, ThreadLocalState.Counter, "starts zeroed");
                for (int i = 0; i < 10; i++) ThreadLocalState.Counter++;
                ThreadLocalState.Name = "boot thread";
                Equal(10, ThreadLocalState.Counter, "incremented");
                Equal("boot thread", ThreadLocalState.Name, "reference-typed thread static");
            });

            Test("large stack frames are probed page by page (RhpStackProbe)", () =>
            {
                Equal(20000 * 7 % 256, BigFrame(7), "sum over a 20,000-byte local");
            });

            Test("overlapping copies (memmove) and fills (memset)", () =>
            {
                var a = new int[1000];
                for (int i = 0; i < a.Length; i++) a[i] = i;
                Array.Copy(a, 0, a, 10, 900);   // overlapping, destination above source
                Equal(0, a[10], "a[10] after shifting up");
                Equal(899, a[909], "a[909]");
                Array.Copy(a, 20, a, 0, 900);   // overlapping, destination below source
                Equal(10, a[0], "a[0] after shifting down");
                Array.Fill(a, 7);
                Equal(7 * 1000, Sum(a), "fill");
                new Span<int>(a).Clear();
                Equal(0, Sum(a), "clear");
            });

            Test("string hashing is stable within a boot and randomized", () =>
            {
                string s1 = "hello" + 1, s2 = "hello1";
                Equal(s1.GetHashCode(), s2.GetHashCode(), "equal strings hash equally");
                var set = new HashSet<string>();
                for (int i = 0; i < 2000; i++) set.Add("k" + i);
                Equal(2000, set.Count, "HashSet<string> keeps distinct keys");
            });

            Test("Guid.NewGuid: random version-4 GUIDs from RDRAND (SystemNative_GetCryptographicallySecureRandomBytes)", () =>
            {
                var seen = new HashSet<Guid>();
                for (int i = 0; i < 1000; i++)
                {
                    byte[] b = Guid.NewGuid().ToByteArray();
                    Equal(4, b[7] >> 4, "version nibble (RFC 9562 §5.4)");
                    Equal(2, b[8] >> 6, "variant bits 10");
                    seen.Add(new Guid(b));
                }
                Equal(1000, seen.Count, "1000 distinct GUIDs");
            });

            Test("floating point: double→int/long/uint/ulong conversions saturate, % is fmod, fused multiply-add rounds once", () =>
            {
                double big = 1e20;
                Equal(int.MaxValue, (int)big, "(int)1e20");
                Equal(int.MinValue, (int)(-big), "(int)-1e20");
                double nan = double.NaN;
                Equal(0, (int)nan, "(int)NaN");
                Equal(ulong.MaxValue, (ulong)Id(1e20), "(ulong)1e20");
                Equal(0UL, (ulong)Id(-5.5), "(ulong)-5.5");
                Equal(0UL, (ulong)Id(nan), "(ulong)NaN");
                Equal(12345UL, (ulong)Id(12345.9), "(ulong)12345.9");
                Equal(0x8000_0000_0000_0800UL, (ulong)Id(9223372036854777856.0), "(ulong)(2^63 + 2048)");
                Equal(uint.MaxValue, (uint)Id(1e12), "(uint)1e12");
                Equal(4_000_000_000u, (uint)Id(4e9), "(uint)4e9");
                Equal(0u, (uint)Id(-1.0), "(uint)-1");
                Equal(1.5, Id(5.5) % 2.0, "5.5 % 2.0 (fmod)");
                Equal(-1.5, Id(-5.5) % 2.0, "-5.5 % 2.0 (fmod keeps the dividend's sign)");
                Equal(1e308 % 3.0, Id(1e308) % 3.0, "1e308 % 3.0 at run time equals the compiler's constant");
                True(double.IsNaN(Id(1.0) % 0.0), "1 % 0 is NaN");
                Equal(1.5f, (float)Id(5.5) % 2.0f, "5.5f % 2.0f (fmodf)");
                Equal(3.0, Math.Ceiling(2.1), "Math.Ceiling");
                Equal(-2.0, Math.Floor(-1.5), "Math.Floor");
                Equal(1.4142135623730951, Math.Sqrt(2.0), "Math.Sqrt");
                Equal(5.551115123125783e-17, Math.FusedMultiplyAdd(Id(0.1), 10.0, -1.0), "Math.FusedMultiplyAdd(0.1, 10, -1) rounds once (fma)");
                Equal(double.MaxValue, Math.FusedMultiplyAdd(Id(double.MaxValue), 2.0, -double.MaxValue), "fma does not overflow in the product");
                Equal(1.4901161e-08f, MathF.FusedMultiplyAdd((float)Id(0.1), 10f, -1f), "MathF.FusedMultiplyAdd(0.1f, 10, -1) (fmaf)");
                Equal(-3.0f, MathF.Floor((float)Id(-2.5)), "MathF.Floor (floorf)");
                Equal(-2.0f, MathF.Ceiling((float)Id(-2.5)), "MathF.Ceiling (ceilf)");
                Equal(-2.0f, MathF.Truncate((float)Id(-2.5)), "MathF.Truncate (modff)");
            });
            Test("environment: empty at boot; Set, Get, remove, enumerate and expand variables; MachineName", () =>
            {
                True(Environment.GetEnvironmentVariable("PATH") == null, "no PATH at boot");
                Equal(0, Environment.GetEnvironmentVariables().Count, "variables at boot");
                Environment.SetEnvironmentVariable("COSMOS_TEST", "42");
                Environment.SetEnvironmentVariable("OTHER", "x y");
                Equal("42", Environment.GetEnvironmentVariable("COSMOS_TEST"), "a variable that was set");
                Equal(2, Environment.GetEnvironmentVariables().Count, "variables after two sets");
                Equal("[42|x y|%NOPE%]", Environment.ExpandEnvironmentVariables("[%COSMOS_TEST%|%OTHER%|%NOPE%]"), "ExpandEnvironmentVariables");
                Environment.SetEnvironmentVariable("COSMOS_TEST", null);
                True(Environment.GetEnvironmentVariable("COSMOS_TEST") == null, "removed by setting null");
                Equal(1, Environment.GetEnvironmentVariables().Count, "variables after the removal");
                Equal("cosmos", Environment.MachineName, "default host name");
                Cosmos.Runtime.SystemNative.HostName = "testbox";
                Equal("testbox", Environment.MachineName, "MachineName follows SystemNative.HostName");
                Cosmos.Runtime.SystemNative.HostName = "cosmos";
            });

            Test("wall clock: DateTime.UtcNow starts at the RTC's time (qemu-args.txt sets it) and advances with real time", () =>
            {
                var rtcBase = new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc);
                DateTime t0 = DateTime.UtcNow;
                True(t0.Kind == DateTimeKind.Utc, "UtcNow.Kind is Utc");
                True(t0 >= rtcBase && t0 < rtcBase.AddMinutes(5), "UtcNow " + t0.ToString("o") + " is within 5 minutes after the RTC base " + rtcBase.ToString("o"));
                System.Threading.Thread.Sleep(100);
                double ms = (DateTime.UtcNow - t0).TotalMilliseconds;
                True(ms >= 90 && ms < 2000, "UtcNow advanced " + ms.ToString("0.0") + " ms across Thread.Sleep(100)");
                Line("  UtcNow " + t0.ToString("o") + " (RTC base " + rtcBase.ToString("o") + ")");
            });

            Test("Cosmos API: CPU speed and RAM, MemoryOperations, ToHex, code page 437 through Encoding.GetEncoding", () =>
            {
                long hz = Cosmos.Core.CPU.GetCPUCycleSpeed();
                True(hz > 10_000_000 && hz < 100_000_000_000, "GetCPUCycleSpeed " + hz + " Hz");
                True(Cosmos.Core.CPU.GetAmountOfRAM() > 100, "GetAmountOfRAM " + Cosmos.Core.CPU.GetAmountOfRAM() + " MiB");
                var buffer = new byte[10];
                fixed (byte* p = buffer) Cosmos.Core.MemoryOperations.Fill(p, 0x04030201, 10);
                Equal("01020304010203040102", Convert.ToHexString(buffer), "Fill(byte*, int, bytes)");
                var copy = new byte[10];
                Cosmos.Core.MemoryOperations.Copy(copy, buffer);
                Equal("01020304010203040102", Convert.ToHexString(copy), "Copy(byte[], byte[])");
                Equal("00C0FFEE", Cosmos.Common.Extensions.ToHexString.ToHex(0xC0FFEEu), "ToHex(uint)");
                System.Text.Encoding.RegisterProvider(Cosmos.System.ExtendedASCII.CosmosEncodingProvider.Instance);
                var cp437 = System.Text.Encoding.GetEncoding(437);
                Equal("╔═╗│░▒▓█", cp437.GetString(new byte[] { 0xC9, 0xCD, 0xBB, 0xB3, 0xB0, 0xB1, 0xB2, 0xDB }), "code page 437 box drawing");
                Equal("C9CDBB3F", Convert.ToHexString(cp437.GetBytes("╔═╗€")), "code page 437 encoding, € unmappable");
            });

            Test("keyboard layouts: SetKeyLayout(DE) changes what Console.ReadKey and KeyboardManager give; a dead key composes", () =>
            {
                if (!Cosmos.HAL.PS2Keyboard.IsPresent) { Fail("no PS/2 keyboard: " + Cosmos.HAL.PS2Keyboard.Error); return; }
                void Press(byte make) { Cosmos.System.TestingHelpers.KeyboardAddFakeScanCode(make, false); Cosmos.System.TestingHelpers.KeyboardAddFakeScanCode(make, true); }
                Cosmos.System.KeyboardManager.SetKeyLayout(new Cosmos.System.ScanMaps.DEStandardLayout());
                try
                {
                    Press(0x15);                                                    // the US 'y' key is 'z' on QWERTZ
                    var k = Console.ReadKey(intercept: true);
                    Equal('z', k.KeyChar, "Console.ReadKey on DE");
                    Press(0x0D); Press(0x12);                                       // dead ´ then e
                    Equal('é', Console.ReadKey(intercept: true).KeyChar, "´ + e");
                    Press(0x27);
                    True(Cosmos.System.KeyboardManager.TryReadKey(out var ev), "KeyboardManager has the key");
                    Equal('ö', ev.KeyChar, "KeyboardManager KeyChar");
                    Equal((int)Cosmos.System.ConsoleKeyEx.Semicolon, (int)ev.Key, "KeyboardManager Key (the OEM key by position)");
                    Cosmos.System.KeyboardManager.SetKeyLayout(new Cosmos.System.ScanMaps.FRStandardLayout());
                    Press(0x10);
                    True(Cosmos.System.KeyboardManager.TryReadKey(out ev) && ev.KeyChar == 'a' && ev.Key == Cosmos.System.ConsoleKeyEx.A, "AZERTY: the first letter key is A");
                }
                finally { Cosmos.System.KeyboardManager.SetKeyLayout(new Cosmos.System.ScanMaps.USStandardLayout()); }
            });

            Test("time zones: Local is UTC, DateTime.Now and ToString work, unknown ids throw TimeZoneNotFoundException", () =>
            {
                Equal("UTC", TimeZoneInfo.Local.Id, "TimeZoneInfo.Local.Id");
                Equal(TimeSpan.Zero, TimeZoneInfo.Local.BaseUtcOffset, "Local.BaseUtcOffset");
                DateTime utc = DateTime.UtcNow, now = DateTime.Now;
                True(now.Kind == DateTimeKind.Local, "Now.Kind is Local");
                True(Math.Abs((now - utc).TotalSeconds) < 5, "Now - UtcNow is under 5 s: " + (now - utc).TotalSeconds);
                var fixedTime = new DateTime(2031, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
                Equal("2031-05-06T07:08:09.1230000Z", fixedTime.ToString("o"), "round-trip format");
                Equal("05/06/2031 07:08:09", fixedTime.ToString(), "default (invariant) format");
                Equal(fixedTime, fixedTime.ToLocalTime().ToUniversalTime(), "ToLocalTime/ToUniversalTime round trip");
                Equal(fixedTime, DateTime.Parse("2031-05-06T07:08:09.1230000Z", null, System.Globalization.DateTimeStyles.RoundtripKind), "Parse of the round-trip format");
                True(ReferenceEquals(TimeZoneInfo.Utc, TimeZoneInfo.FindSystemTimeZoneById("UTC")), "FindSystemTimeZoneById(\"UTC\")");
                // .NET 10 always lists UTC (TimeZoneInfo.PopulateAllSystemTimeZones seeds it), even with no time-zone database.
                var zones = TimeZoneInfo.GetSystemTimeZones();
                Equal(1, zones.Count, "GetSystemTimeZones() with no time-zone database lists UTC only");
                True(ReferenceEquals(TimeZoneInfo.Utc, zones[0]), "the one system time zone is TimeZoneInfo.Utc");
                string message = null;
                try { TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"); }
                catch (TimeZoneNotFoundException e) { message = e.Message; }
                True(message != null && message.Contains("Europe/Paris"), "TimeZoneNotFoundException naming the id, got: " + (message ?? "no exception"));
                var india = TimeZoneInfo.CreateCustomTimeZone("IST", new TimeSpan(5, 30, 0), "India", "IST");
                Equal(new DateTime(2031, 5, 6, 12, 38, 9, 123), TimeZoneInfo.ConvertTimeFromUtc(fixedTime, india), "ConvertTimeFromUtc to a custom +05:30 zone");
            });

            // System.Security.Cryptography unchanged over the kernel's CryptoNative_Evp*/Hmac* exports (Runtime/Pal/Crypto).
            // Expected values computed on the host (Python hashlib/hmac) of the same inputs.
            Test("SHA256.HashData (one-shot export)", () =>
            {
                Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("abc"))), "SHA-256 of \"abc\" (FIPS 180-4)");
                Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex(System.Security.Cryptography.SHA256.HashData(Array.Empty<byte>())), "SHA-256 of the empty message");
                Equal(PatternSha256, Hex(System.Security.Cryptography.SHA256.HashData(CryptoPattern())), "SHA-256 of 100000 pattern bytes");
                Span<byte> small = stackalloc byte[31];
                True(!System.Security.Cryptography.SHA256.TryHashData(CryptoPattern(), small, out _), "TryHashData into 31 bytes says no");
            });

            Test("SHA256.Create: ComputeHash and TransformBlock", () =>
            {
                byte[] data = CryptoPattern();
                using var sha = System.Security.Cryptography.SHA256.Create();
                Equal(PatternSha256, Hex(sha.ComputeHash(data)), "ComputeHash");
                for (int at = 0, step = 1; at < data.Length; at += step, step = step * 5 % 4099 + 1)
                {
                    int n = Math.Min(step, data.Length - at);
                    Equal(n, sha.TransformBlock(data, at, n, null, 0), "TransformBlock returns the count");
                }
                sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
                Equal(PatternSha256, Hex(sha.Hash), "TransformBlock in uneven pieces then TransformFinalBlock");
                Equal(PatternSha256, Hex(sha.ComputeHash(new System.IO.MemoryStream(data))), "ComputeHash(Stream), the same object reused");
            });

            Test("IncrementalHash SHA-256: GetCurrentHash, GetHashAndReset, reuse, Clone", () =>
            {
                byte[] data = CryptoPattern();
                using var h = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                h.AppendData(data, 0, 50000);
                Equal("ac7f60fba2021fda80dd8246e7f5dc905afc24a086ef0668fcaba3c8667cb823", Hex(h.GetCurrentHash()), "GetCurrentHash after 50000 bytes");
                h.AppendData(data, 50000, 50000);
                Equal(PatternSha256, Hex(h.GetHashAndReset()), "GetHashAndReset after all 100000");
                h.AppendData(Encoding.ASCII.GetBytes("abc"));
                Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(h.GetHashAndReset()), "reused after the reset");
                using var inc = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                inc.AppendData(data, 0, 50000);
                using var clone = inc.Clone();
                clone.AppendData(data, 50000, 50000);
                Equal(PatternSha256, Hex(clone.GetHashAndReset()), "Clone (EvpMdCtxCopyEx) continues from the copy");
                Equal("ac7f60fba2021fda80dd8246e7f5dc905afc24a086ef0668fcaba3c8667cb823", Hex(inc.GetHashAndReset()), "the original is unchanged by the clone");
            });

            Test("MD5, SHA-1, SHA-384, SHA-512 and HMAC through the BCL", () =>
            {
                byte[] data = CryptoPattern();
                Equal("07c39468cd6d12e8d85969cd813c9a2d", Hex(System.Security.Cryptography.MD5.HashData(data)), "MD5");
                Equal("e39b12e458849f911fc56c08811ce0ba57549d5d", Hex(System.Security.Cryptography.SHA1.HashData(data)), "SHA-1");
                Equal("7584ca51905232b9236d8a315a0efff633b381a11159200688d951c1f06e23c56546b34b4acdeca68fd9234d57e83cc6", Hex(System.Security.Cryptography.SHA384.HashData(data)), "SHA-384");
                Equal("245855a227817657bdd4035ec55734536cbf1cb4f11162524d37d54ea435a3317db9bcf4fadba62571ec0aec0bb8ffcc6ff3883cd272489a1b9402cc25081be0", Hex(System.Security.Cryptography.SHA512.HashData(data)), "SHA-512");
                byte[] key = Encoding.ASCII.GetBytes("kernel key");
                Equal("f131487c3776bd5650b267a8aad212c155d2e6d45a85574b022f73027b025c81", Hex(System.Security.Cryptography.HMACSHA256.HashData(key, data)), "HMACSHA256.HashData");
                using var mac = System.Security.Cryptography.IncrementalHash.CreateHMAC(System.Security.Cryptography.HashAlgorithmName.SHA256, key);
                mac.AppendData(data, 0, 12345);
                mac.AppendData(data, 12345, data.Length - 12345);
                Equal("f131487c3776bd5650b267a8aad212c155d2e6d45a85574b022f73027b025c81", Hex(mac.GetHashAndReset()), "IncrementalHash.CreateHMAC");
                byte[] longKey = new byte[200];
                for (int i = 0; i < longKey.Length; i++) longKey[i] = (byte)i;
                using var h512 = new System.Security.Cryptography.HMACSHA512(longKey);
                Equal("4319a6f0a1f256bd58e92f10f14b80a68042694625f8afdceff857a255d5756160447262314594a30f122eb81428c55c1da267dadcaa0c6f9c8e3daf17bb19e7", Hex(h512.ComputeHash(Encoding.ASCII.GetBytes("abc"))), "HMACSHA512 with a key longer than the block");
            });
        }

        private const string PatternSha256 = "8cc36862b1205a277d887107172a1079e05230c848e06e394756506f06837e30";

        /// <summary>100000 bytes of (i·7 + i/1024) mod 256, the pattern the host hashed for the crypto tests.</summary>
        private static byte[] CryptoPattern()
        {
            var b = new byte[100000];
            for (int i = 0; i < b.Length; i++) b[i] = (byte)((i * 7 + (i >> 10)) & 0xFF);
            return b;
        }

        private static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();

        private static int Sum(int[] a) { int s = 0; foreach (int x in a) s += x; return s; }

        /// <summary>Hides a constant from the compiler so that a conversion runs at run time (through RhpDbl2ULng / RhpDbl2UInt).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static double Id(double d) => d;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static int BigFrame(byte v)
        {
            Big big;
            for (int i = 0; i < 20000; i++) big.Bytes[i] = v;
            int sum = 0;
            for (int i = 0; i < 20000; i++) sum += big.Bytes[i];
            return sum % 256;
        }
    }
}
