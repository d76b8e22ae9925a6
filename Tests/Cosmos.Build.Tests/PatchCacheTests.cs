using System.IO;
using System.Linq;
using Cosmos.Build.Patching;
using Xunit;

namespace Cosmos.Build.Tests
{
    /// <summary>
    /// The patched-assembly cache (<see cref="PatchRequest.CacheDirectory"/>): a hit gives the very bytes a fresh
    /// rewrite gives, any change to what the output depends on misses, plug errors are never hidden by it, and a
    /// damaged entry is discarded with a warning.
    /// </summary>
    public sealed class PatchCacheTests
    {
        private const string Target = @"
namespace T
{
    public static class Calc
    {
        public static int Value() => 1;
        public static int Twice(int x) => -1;
    }
}";

        private static string Plug(int value) => @"
using IL2CPU.API.Attribs;
namespace P
{
    [Plug(typeof(T.Calc))]
    public static class CalcPlug
    {
        public static int Value() => " + value + @" + H.Helper.Offset();
        public static int Twice(int x) => 2 * x;
    }
}";

        private static string Helper(int offset) => "namespace H { public static class Helper { public static int Offset() => " + offset + "; } }";

        /// <summary>Compiles T, H (offset 0) and P (value 10) into <paramref name="ws"/>; returns them and the cache folder to use.</summary>
        private static (string Cache, string Target, string Helper, string Plugs) Setup(Workspace ws)
        {
            string target = ws.Compile("T", Target);
            string helper = ws.Compile("H", Helper(0));
            return (Path.Combine(ws.Root, "cache"), target, helper, ws.Compile("P", Plug(10), target, helper));
        }

        /// <summary>
        /// Takes the lock another build holds while it makes the entry for <paramref name="key"/> (the store's
        /// <c>.lock-KEY</c> file, locked as the toolchain locks it); throws IOException when someone holds it already.
        /// </summary>
        private static FileStream HoldEntryLock(string cache, string key, FileMode mode = FileMode.OpenOrCreate) =>
            new FileStream(Path.Combine(cache, ".lock-" + key), mode, FileAccess.ReadWrite, FileShare.None);

        /// <summary>True when <paramref name="task"/> finishes within <paramref name="milliseconds"/>.</summary>
        private static async System.Threading.Tasks.Task<bool> FinishesWithin(System.Threading.Tasks.Task task, int milliseconds) =>
            await System.Threading.Tasks.Task.WhenAny(task, System.Threading.Tasks.Task.Delay(milliseconds)) == task;

        private static int CallValue(Workspace ws, PatchResult r, string plugs, string helper)
        {
            using TestLoadContext ctx = ws.Load(r.PatchedAssemblies.Single().OutputPath, plugs, helper);
            return (int)ctx.Call("T", "T.Calc", "Value");
        }

        [Fact]
        public void SecondRun_IsACacheHit_WithByteIdenticalOutput()
        {
            using var ws = new Workspace();
            var (cache, target, helper, plugs) = Setup(ws);

            PatchResult plain = ws.Patch(new[] { plugs }, new[] { target, helper }, "plain");
            PatchResult first = ws.Patch(new[] { plugs }, new[] { target, helper }, "first", cacheDir: cache);
            PatchResult second = ws.Patch(new[] { plugs }, new[] { target, helper }, "second", cacheDir: cache);
            Assert.True(plain.Success && first.Success && second.Success, string.Join("\n", second.Diagnostics));
            Assert.False(plain.PatchedAssemblies.Single().FromCache);
            Assert.False(first.PatchedAssemblies.Single().FromCache);
            PatchedAssembly hit = second.PatchedAssemblies.Single();
            Assert.True(hit.FromCache);
            Assert.Equal(File.ReadAllBytes(plain.PatchedAssemblies.Single().OutputPath), File.ReadAllBytes(hit.OutputPath));
            Assert.Equal(File.ReadAllBytes(plain.PatchedAssemblies.Single().SymbolsPath), File.ReadAllBytes(hit.SymbolsPath));
            Assert.Equal(2, hit.PatchedMethodCount);
            Assert.Equal(2, second.Plugs.Count);
            Assert.Equal(10, CallValue(ws, second, plugs, helper));
            Assert.Single(Directory.GetDirectories(cache));
        }

        [Fact]
        public void ChangedPlugAssembly_OrAssemblyItReferences_IsAMiss()
        {
            using var ws = new Workspace();
            var (cache, target, helper, plugs) = Setup(ws);
            Assert.True(ws.Patch(new[] { plugs }, new[] { target, helper }, "a", cacheDir: cache).Success);

            // The plug's body changes: the patched target's bytes do not, but the key must (it hashes the plug assembly).
            plugs = ws.Compile("P", Plug(20), target, helper);
            PatchResult b = ws.Patch(new[] { plugs }, new[] { target, helper }, "b", cacheDir: cache);
            Assert.False(b.PatchedAssemblies.Single().FromCache);
            Assert.Equal(20, CallValue(ws, b, plugs, helper));

            // An assembly the plugs reference changes (same plug assembly bytes).
            helper = ws.Compile("H", Helper(5));
            PatchResult c = ws.Patch(new[] { plugs }, new[] { target, helper }, "c", cacheDir: cache);
            Assert.False(c.PatchedAssemblies.Single().FromCache);
            Assert.Equal(25, CallValue(ws, c, plugs, helper));
            Assert.Equal(3, Directory.GetDirectories(cache).Length);

            PatchResult d = ws.Patch(new[] { plugs }, new[] { target, helper }, "d", cacheDir: cache);
            Assert.True(d.PatchedAssemblies.Single().FromCache);
        }

        [Fact]
        public void PlugErrors_AreReportedEvenWhenTheTargetIsCached()
        {
            using var ws = new Workspace();
            var (cache, target, helper, plugs) = Setup(ws);
            Assert.True(ws.Patch(new[] { plugs }, new[] { target, helper }, "a", cacheDir: cache).Success);

            string bad = ws.Compile("Bad", @"
using IL2CPU.API.Attribs;
namespace B { [Plug(typeof(T.Calc))] public static class CalcPlug2 { public static int Twice(int x, int y) => 0; } }", target);
            PatchResult r = ws.Patch(new[] { plugs, bad }, new[] { target, helper }, "b", cacheDir: cache);
            Assert.False(r.Success);
            Assert.Contains(r.Errors, e => e.Code == DiagnosticCodes.NoMatchingOverload);
            Assert.Empty(r.PatchedAssemblies);
        }

        [Fact]
        public void DamagedEntry_IsDiscardedWithAWarning_AndTheTargetPatchedAnew()
        {
            using var ws = new Workspace();
            var (cache, target, helper, plugs) = Setup(ws);
            PatchResult a = ws.Patch(new[] { plugs }, new[] { target, helper }, "a", cacheDir: cache);
            string entry = Assert.Single(Directory.GetDirectories(cache));
            string dll = Path.Combine(entry, "T.dll");
            byte[] bytes = File.ReadAllBytes(dll);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(dll, bytes);

            PatchResult b = ws.Patch(new[] { plugs }, new[] { target, helper }, "b", cacheDir: cache);
            Assert.True(b.Success, string.Join("\n", b.Diagnostics));
            PatchDiagnostic w = Assert.Single(b.Warnings, d => d.Code == DiagnosticCodes.CacheEntryDamaged);
            Assert.Contains("does not match the manifest", w.Message);
            Assert.False(b.PatchedAssemblies.Single().FromCache);
            Assert.Equal(File.ReadAllBytes(a.PatchedAssemblies.Single().OutputPath), File.ReadAllBytes(b.PatchedAssemblies.Single().OutputPath));

            // The entry was stored again, intact.
            PatchResult c = ws.Patch(new[] { plugs }, new[] { target, helper }, "c", cacheDir: cache);
            Assert.True(c.PatchedAssemblies.Single().FromCache);
            Assert.DoesNotContain(c.Warnings, d => d.Code == DiagnosticCodes.CacheEntryDamaged);
        }

        [Fact]
        public async System.Threading.Tasks.Task ABuildMakingTheSameEntry_IsWaitedFor_AndItsEntryRead()
        {
            using var ws = new Workspace();
            var (cache, target, helper, plugs) = Setup(ws);
            Assert.True(ws.Patch(new[] { plugs }, new[] { target, helper }, "a", cacheDir: cache).Success);
            string entry = Assert.Single(Directory.GetDirectories(cache));
            string key = Path.GetFileName(entry), saved = Path.Combine(ws.Root, "saved-entry");
            Directory.Move(entry, saved);

            // Another build (here: this test) holds the entry's lock, as while it patches the same target.
            PatchResult b;
            using (var other = HoldEntryLock(cache, key))
            {
                var waiting = System.Threading.Tasks.Task.Run(() => ws.Patch(new[] { plugs }, new[] { target, helper }, "b", cacheDir: cache));
                Assert.False(await FinishesWithin(waiting, 1500), "the patch run did not wait for the build holding the entry's lock");
                Directory.Move(saved, entry);   // the other build stores its entry, then lets go
                other.Dispose();
                Assert.True(await FinishesWithin(waiting, 30000), "the patch run did not go on once the lock was free");
                b = await waiting;
            }
            Assert.True(b.Success, string.Join("\n", b.Diagnostics));
            Assert.True(b.PatchedAssemblies.Single().FromCache, "the waiting run patched the target itself instead of reading the entry");

            // With nobody else making it, a miss makes the entry at once (and leaves no lock held).
            Directory.Delete(entry, true);
            PatchResult c = ws.Patch(new[] { plugs }, new[] { target, helper }, "c", cacheDir: cache);
            Assert.False(c.PatchedAssemblies.Single().FromCache);
            using (HoldEntryLock(cache, key, FileMode.Open)) { }   // free: the run let go of it
            Assert.True(Directory.Exists(entry));
        }

        [Fact]
        public async System.Threading.Tasks.Task ARunHoldsOneEntryLockAtATime_AndStoresEachEntryBeforeTheNext()
        {
            using var ws = new Workspace();
            string t = ws.Compile("T", Target);
            string u = ws.Compile("U", "namespace U { public static class Other { public static int Value() => 1; } }");
            string plugs = ws.Compile("P2", @"
using IL2CPU.API.Attribs;
namespace P
{
    [Plug(typeof(T.Calc))] public static class CalcPlug { public static int Value() => 10; }
    [Plug(typeof(U.Other))] public static class OtherPlug { public static int Value() => 20; }
}", t, u);
            string cache = Path.Combine(ws.Root, "cache");
            Assert.True(ws.Patch(new[] { plugs }, new[] { t, u }, "a", cacheDir: cache).Success);
            string KeyOf(string dll) => Path.GetFileName(Assert.Single(Directory.GetDirectories(cache), d => File.Exists(Path.Combine(d, dll))));
            string keyT = KeyOf("T.dll"), keyU = KeyOf("U.dll");
            foreach (string d in Directory.GetDirectories(cache)) Directory.Delete(d, true);

            // Another build holds U's entry (as if it patched U before T): this run makes and stores T, lets go of T's lock,
            // and only then waits for U.
            PatchResult b;
            using (var other = HoldEntryLock(cache, keyU))
            {
                var waiting = System.Threading.Tasks.Task.Run(() => ws.Patch(new[] { plugs }, new[] { t, u }, "b", cacheDir: cache));
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (!Directory.Exists(Path.Combine(cache, keyT)) && sw.Elapsed.TotalSeconds < 30) System.Threading.Thread.Sleep(50);
                Assert.True(Directory.Exists(Path.Combine(cache, keyT)), "T's entry was not stored while U's lock was held elsewhere");
                Assert.False(waiting.IsCompleted, "the run did not wait for U's lock");
                using (HoldEntryLock(cache, keyT, FileMode.Open)) { }   // T's lock is free again
                other.Dispose();
                Assert.True(await FinishesWithin(waiting, 30000), "the run did not go on once U's lock was free");
                b = await waiting;
            }
            Assert.True(b.Success, string.Join("\n", b.Diagnostics));
            Assert.All(b.PatchedAssemblies, a => Assert.False(a.FromCache));
            Assert.True(Directory.Exists(Path.Combine(cache, keyU)));
        }
    }
}
