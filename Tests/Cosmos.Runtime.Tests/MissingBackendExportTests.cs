using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Mono.Cecil;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The exports that stand for native libraries the kernel has no backend for (Runtime/Cosmos.Runtime/Amd64/MissingCryptoBackend.cs:
    /// OpenSSL "CryptoNative_*" and GSSAPI "NetSecurityNative_*", each a stub that panics naming itself) against the
    /// NativeAOT runtime pack's imports, so a runtime update that adds one fails here rather than at a kernel's link;
    /// and the constants of the memory-mapping and loader exports (Pal/SystemNative.Memory.cs, SystemNative.Loader.cs).
    /// </summary>
    public sealed class MissingBackendExportTests
    {
        private static readonly string[] s_backendLibraries = { "libSystem.Security.Cryptography.Native.OpenSsl", "libSystem.Net.Security.Native" };

        private static string LibDir => Path.Combine(HostTools.Metadata("CosmosRuntimePackDir"), "runtimes", "linux-x64", "lib", "net10.0");

        /// <summary>Every entry point any assembly of the pack imports from the OpenSSL and GSSAPI shims, with the assemblies that do.</summary>
        private static readonly Lazy<Dictionary<string, SortedSet<string>>> s_packImports = new(() =>
        {
            var d = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (string path in Directory.GetFiles(LibDir, "*.dll"))
            {
                ModuleDefinition module;
                try { module = ModuleDefinition.ReadModule(path); }
                catch (BadImageFormatException) { continue; }
                using (module)
                    foreach (TypeDefinition t in module.GetTypes())
                        foreach (MethodDefinition m in t.Methods)
                        {
                            if (!m.HasPInvokeInfo || !s_backendLibraries.Contains(m.PInvokeInfo.Module.Name)) continue;
                            string symbol = m.PInvokeInfo.EntryPoint ?? m.Name;
                            if (!d.TryGetValue(symbol, out var set)) d[symbol] = set = new SortedSet<string>(StringComparer.Ordinal);
                            set.Add(Path.GetFileNameWithoutExtension(path));
                        }
            }
            return d;
        });

        private static string[] OurList(string field) =>
            (string[])CoreLibContractTests.Ours("Cosmos.Runtime.Amd64.MissingCryptoBackend").GetField(field, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        private static IEnumerable<string> OurNames() => OurList("CryptoNativeExports").Concat(OurList("NetSecurityNativeExports"));

        /// <summary>The CryptoNative_* exports implemented in C# (Pal/Crypto/CryptoNative.Digests.cs: digests and HMAC).</summary>
        private static string[] Implemented() =>
            (string[])CoreLibContractTests.Ours("Cosmos.Runtime.CryptoNative").GetProperty("Implemented", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        [Fact]
        public void TheImplementedDigestExportsAreCSharpExports()
        {
            var csharp = CoreLibContractTests.OurExports();
            var implemented = Implemented();
            Assert.Equal(24, implemented.Length);
            Assert.All(implemented, n => Assert.True(csharp.ContainsKey(n), n + " is listed as implemented but no [RuntimeExport] has that name"));
            // and every C# CryptoNative_ export is listed
            Assert.Empty(csharp.Keys.Where(k => k.StartsWith("CryptoNative_", StringComparison.Ordinal)).Except(implemented));
        }

        [Fact]
        public void TheImplementedDigestExportsHaveTheImportsNativeSignatures()
        {
            var csharp = CoreLibContractTests.OurExports();
            var implemented = new HashSet<string>(Implemented(), StringComparer.Ordinal);
            var mismatches = new List<string>();
            int checkedCount = 0;
            using var module = ModuleDefinition.ReadModule(Path.Combine(LibDir, "System.Security.Cryptography.dll"));
            foreach (TypeDefinition t in module.GetTypes())
                foreach (MethodDefinition m in t.Methods)
                {
                    if (!m.HasPInvokeInfo) continue;
                    string symbol = m.PInvokeInfo.EntryPoint ?? m.Name;
                    if (!implemented.Contains(symbol)) continue;
                    checkedCount++;
                    MethodInfo mine = csharp[symbol];
                    var theirParams = m.Parameters.Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                    var myParams = mine.GetParameters().Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                    string theirRet = CoreLibContractTests.AbiClass(m.ReturnType), myRet = CoreLibContractTests.AbiClass(mine.ReturnType);
                    bool ok = theirParams.Count == myParams.Count && CoreLibContractTests.Compatible(theirRet, myRet, isReturn: true)
                        && theirParams.Zip(myParams).All(p => CoreLibContractTests.Compatible(p.First, p.Second, isReturn: false));
                    if (!ok) mismatches.Add($"{symbol}: theirs ({string.Join(", ", theirParams)}) -> {theirRet}; ours ({string.Join(", ", myParams)}) -> {myRet}");
                }
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
            Assert.True(checkedCount >= implemented.Count, $"only {checkedCount} imports of the {implemented.Count} implemented exports found");
        }

        [Fact]
        public void TheStubListIsExactlyThePacksOpenSslAndGssapiImports()
        {
            var pack = s_packImports.Value;
            var ours = OurNames().Concat(Implemented()).ToList();
            Assert.Equal(ours.Count, ours.Distinct(StringComparer.Ordinal).Count());
            var added = pack.Keys.Except(ours).OrderBy(x => x, StringComparer.Ordinal).ToList();
            var gone = ours.Except(pack.Keys).OrderBy(x => x, StringComparer.Ordinal).ToList();
            Assert.True(added.Count == 0 && gone.Count == 0,
                $"imported by the pack but not stubbed: {string.Join(", ", added)}; stubbed but no longer imported: {string.Join(", ", gone)} (update MissingCryptoBackend's lists)");
            // The lists are split by library, and the importers are the assemblies docs/CONTRACTS.md names.
            Assert.All(OurList("CryptoNativeExports"), n => Assert.StartsWith("CryptoNative_", n));
            Assert.All(OurList("NetSecurityNativeExports"), n => Assert.StartsWith("NetSecurityNative_", n));
            var importers = pack.Values.SelectMany(s => s).Distinct().OrderBy(x => x, StringComparer.Ordinal);
            Assert.Equal(new[] { "System.Net.Quic", "System.Net.Security", "System.Security.Cryptography" }, importers);
            Assert.Equal(396, pack.Count);   // docs/FACTS.md
        }

        [Fact]
        public void NoStubShadowsACSharpExport()
        {
            var csharp = CoreLibContractTests.OurExports();
            Assert.DoesNotContain(OurNames(), csharp.ContainsKey);
        }

        [Fact]
        public void EveryStubLoadsItsOwnNameAndJumpsToThePanic()
        {
            var type = CoreLibContractTests.Ours("Cosmos.Runtime.Amd64.MissingCryptoBackend");
            object program = Activator.CreateInstance(type)!;
            string text = (string)type.GetMethod("Generate")!.Invoke(program, null)!;
            string panic = (string)type.GetField("PanicSymbol")!.GetRawConstantValue()!;
            Assert.Contains("extern " + panic, text);
            foreach (string name in OurNames())
            {
                string n = Regex.Escape(name);
                Assert.Matches(new Regex($@"^{n}\.name:\s*\n\s*db '{n}', 0$", RegexOptions.Multiline), text);
                Assert.Matches(new Regex($@"^global {n}:function\s*\n{n}:\s*\n(L\.cfi\S*:\s*\n)?\s*lea\s+rdi, \[rel {n}\.name\]\s*\n\s*jmp\s+{panic}$", RegexOptions.Multiline), text);
            }
            // The panic target is a C# export of ours taking the name pointer.
            var target = CoreLibContractTests.OurExports()[panic];
            Assert.Equal("i8", CoreLibContractTests.AbiClass(target.GetParameters().Single().ParameterType));
        }

        private static long PackEnum(string assembly, string type, string member)
        {
            string path = assembly == "System.Private.CoreLib"
                ? Path.Combine(HostTools.Metadata("CosmosRuntimePackDir"), "runtimes", "linux-x64", "native", "System.Private.CoreLib.dll")
                : Path.Combine(LibDir, assembly + ".dll");
            using var module = ModuleDefinition.ReadModule(path);
            TypeDefinition t = module.GetTypes().Single(x => x.FullName == type);
            FieldDefinition f = t.Fields.SingleOrDefault(x => x.IsStatic && x.Name == member);
            Assert.True(f != null, $"{type}.{member} no longer exists in {assembly}");
            return Convert.ToInt64(f.Constant);
        }

        [Theory]
        [InlineData("System.IO.MemoryMappedFiles", "Interop/Sys/MemoryMappedSyncFlags", "MS_ASYNC", "MS_ASYNC")]
        [InlineData("System.IO.MemoryMappedFiles", "Interop/Sys/MemoryMappedSyncFlags", "MS_SYNC", "MS_SYNC")]
        [InlineData("System.IO.MemoryMappedFiles", "Interop/Sys/MemoryMappedSyncFlags", "MS_INVALIDATE", "MS_INVALIDATE")]
        [InlineData("System.IO.MemoryMappedFiles", "Interop/Sys/MemoryAdvice", "MADV_DONTFORK", "MADV_DONTFORK")]
        [InlineData("System.IO.MemoryMappedFiles", "Interop/Sys/SysConfName", "_SC_PAGESIZE", "SC_PAGESIZE")]
        [InlineData("System.Private.CoreLib", "Interop/Sys/SysConfName", "_SC_PAGESIZE", "SC_PAGESIZE")]
        [InlineData("System.Private.CoreLib", "Interop/Sys/SysConfName", "_SC_CLK_TCK", "SC_CLK_TCK")]
        [InlineData("System.Diagnostics.Process", "Interop/Sys/SysConfName", "_SC_CLK_TCK", "SC_CLK_TCK")]
        public void MemoryExportConstantMatchesThePack(string assembly, string type, string member, string ours)
        {
            long theirs = PackEnum(assembly, type, member), mine = Convert.ToInt64(CoreLibContractTests.Const("Cosmos.Runtime.SystemNative", ours));
            Assert.True(theirs == mine, $"{assembly} {type}.{member} = {theirs}, SystemNative.{ours} = {mine}");
        }

        [Fact]
        public void UnixReleaseIsCosmossVersion()
        {
            string release = (string)CoreLibContractTests.Const("Cosmos.Runtime.SystemNative", "UnixRelease");
            Version v = CoreLibContractTests.Ours("Cosmos.Runtime.SystemNative").Assembly.GetName().Version!;
            Assert.Equal($"{v.Major}.{v.Minor}.{v.Build}", release);
        }
    }
}
