using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using Mono.Cecil;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>
    /// The socket half of the platform layer against the System.Net assemblies of the NativeAOT runtime pack
    /// (CosmosRuntimeVersion): the exact set of SystemNative_* imports they declare (each must be one of our C#
    /// exports, with the same native signature), the layouts of the PAL structures both sides touch, and every enum
    /// value the decoding in Runtime/Cosmos.Runtime/Pal/SystemNative.Sockets.cs relies on. Read with Mono.Cecil.
    /// </summary>
    public sealed class NetworkContractTests
    {
        /// <summary>The System.Net assemblies whose libSystem.Native imports the socket PAL serves.</summary>
        public static readonly string[] NetAssemblies =
        {
            "System.Net.Sockets", "System.Net.NameResolution", "System.Net.Primitives", "System.Net.NetworkInformation", "System.Net.Ping", "System.Net.Http",
        };

        /// <summary>Every libSystem.Native import of <see cref="NetAssemblies"/> in 10.0.12, with how many assemblies declare it (docs/FACTS.md lists them).</summary>
        public static readonly (string Symbol, int Assemblies)[] ExpectedImports =
        {
            ("SystemNative_Accept", 1), ("SystemNative_Bind", 1), ("SystemNative_Close", 3), ("SystemNative_CloseSocketEventPort", 1),
            ("SystemNative_Connect", 1), ("SystemNative_Connectx", 1), ("SystemNative_ConvertErrorPalToPlatform", 3),
            ("SystemNative_ConvertErrorPlatformToPal", 3), ("SystemNative_CreateNetworkChangeListenerSocket", 1),
            ("SystemNative_CreateSocketEventBuffer", 1), ("SystemNative_CreateSocketEventPort", 1), ("SystemNative_Disconnect", 1),
            ("SystemNative_EnumerateInterfaceAddresses", 1), ("SystemNative_FcntlGetFD", 1), ("SystemNative_FcntlGetIsNonBlocking", 1),
            ("SystemNative_FcntlSetIsNonBlocking", 1), ("SystemNative_FreeHostEntry", 1), ("SystemNative_FreeSocketEventBuffer", 1),
            ("SystemNative_FStat", 1), ("SystemNative_GetAddressFamily", 3), ("SystemNative_GetAtOutOfBandMark", 1),
            ("SystemNative_GetBytesAvailable", 1), ("SystemNative_GetControlMessageBufferSize", 1), ("SystemNative_GetDomainName", 1),
            ("SystemNative_GetDomainSocketSizes", 1), ("SystemNative_GetHostEntryForName", 1), ("SystemNative_GetHostName", 2),
            ("SystemNative_GetIPv4Address", 3), ("SystemNative_GetIPv4MulticastOption", 1), ("SystemNative_GetIPv6Address", 3),
            ("SystemNative_GetIPv6MulticastOption", 1), ("SystemNative_GetLingerOption", 1), ("SystemNative_GetMaximumAddressSize", 1),
            ("SystemNative_GetNameInfo", 1), ("SystemNative_GetNetworkInterfaces", 1), ("SystemNative_GetPeerName", 1),
            ("SystemNative_GetPort", 2), ("SystemNative_GetRawSockOpt", 1), ("SystemNative_GetSocketAddressSizes", 3),
            ("SystemNative_GetSocketErrorOption", 1), ("SystemNative_GetSocketType", 1), ("SystemNative_GetSockName", 1),
            ("SystemNative_GetSockOpt", 1), ("SystemNative_InterfaceNameToIndex", 1), ("SystemNative_Listen", 1),
            ("SystemNative_MapTcpState", 1), ("SystemNative_PlatformSupportsDualModeIPv4PacketInfo", 1), ("SystemNative_Poll", 1),
            ("SystemNative_Read", 1), ("SystemNative_ReadEvents", 1), ("SystemNative_Receive", 1), ("SystemNative_ReceiveMessage", 1),
            ("SystemNative_ReceiveSocketError", 1), ("SystemNative_Select", 1), ("SystemNative_Send", 1), ("SystemNative_SendFile", 1),
            ("SystemNative_SendMessage", 1), ("SystemNative_SetAddressFamily", 2), ("SystemNative_SetIPv4Address", 2),
            ("SystemNative_SetIPv4MulticastOption", 1), ("SystemNative_SetIPv6Address", 2), ("SystemNative_SetIPv6MulticastOption", 1),
            ("SystemNative_SetLingerOption", 1), ("SystemNative_SetPort", 2), ("SystemNative_SetRawSockOpt", 1),
            ("SystemNative_SetReceiveTimeout", 1), ("SystemNative_SetSendTimeout", 1), ("SystemNative_SetSockOpt", 1),
            ("SystemNative_Shutdown", 1), ("SystemNative_Socket", 3), ("SystemNative_StrErrorR", 3),
            ("SystemNative_TryChangeSocketEventRegistration", 1), ("SystemNative_TryGetIPPacketInformation", 1),
            ("SystemNative_WaitForSocketEvents", 1), ("SystemNative_Write", 1),
        };

        private static string LibDir => Path.Combine(typeof(CoreLibContractTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CosmosRuntimePackDir").Value!, "runtimes", "linux-x64", "lib", "net10.0");

        private static readonly Lazy<Dictionary<string, ModuleDefinition>> s_modules = new(() =>
        {
            var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(LibDir);
            var d = new Dictionary<string, ModuleDefinition>();
            foreach (string n in NetAssemblies)
            {
                string path = Path.Combine(LibDir, n + ".dll");
                Assert.True(File.Exists(path), "runtime pack assembly missing: " + path);
                d[n] = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = resolver });
            }
            return d;
        });

        private static IEnumerable<(string Assembly, MethodDefinition Method, string Symbol)> Imports() =>
            from kv in s_modules.Value
            from t in kv.Value.GetTypes()
            from m in t.Methods
            where m.HasPInvokeInfo && m.PInvokeInfo.Module.Name == "libSystem.Native"
            select (kv.Key, m, m.PInvokeInfo.EntryPoint ?? m.Name);

        /// <summary>A type of the System.Net assemblies by Cecil full name ("Interop/Sys/MessageHeader", "System.Net.Sockets.SocketFlags").</summary>
        private static TypeDefinition Net(string fullName)
        {
            foreach (ModuleDefinition m in s_modules.Value.Values)
            {
                TypeDefinition t = m.GetTypes().FirstOrDefault(x => x.FullName == fullName);
                if (t != null) return t;
            }
            throw new InvalidOperationException("type not found in the System.Net assemblies: " + fullName);
        }

        private static long NetEnum(string type, string member)
        {
            FieldDefinition f = Net(type).Fields.SingleOrDefault(x => x.IsStatic && x.Name == member);
            Assert.True(f != null, $"{type}.{member} no longer exists");
            return Convert.ToInt64(f.Constant);
        }

        [Fact]
        public void TheSetOfImportsIsTheOneDocumented()
        {
            var actual = Imports().GroupBy(i => i.Symbol).ToDictionary(g => g.Key, g => g.Select(i => i.Assembly).Distinct().Count());
            var expected = ExpectedImports.ToDictionary(e => e.Symbol, e => e.Assemblies);
            var added = actual.Keys.Except(expected.Keys).OrderBy(x => x).ToList();
            var removed = expected.Keys.Except(actual.Keys).OrderBy(x => x).ToList();
            Assert.True(added.Count == 0 && removed.Count == 0,
                $"new imports: {string.Join(", ", added)}; gone: {string.Join(", ", removed)} (update ExpectedImports, the exports and docs/FACTS.md)");
            foreach (var (symbol, count) in expected) Assert.True(actual[symbol] == count, $"{symbol}: declared by {actual[symbol]} assemblies, expected {count}");
            Assert.Equal(75, actual.Count);
        }

        [Fact]
        public void EveryImportIsOneOfOurExportsWithTheSameNativeSignature()
        {
            var ours = CoreLibContractTests.OurExports();
            var problems = new List<string>();
            int checkedCount = 0;
            foreach (var (asm, m, symbol) in Imports())
            {
                if (!ours.TryGetValue(symbol, out MethodInfo mine)) { problems.Add(symbol + " (" + asm + "): no [RuntimeExport] of ours"); continue; }
                checkedCount++;
                var theirParams = m.Parameters.Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                var myParams = mine.GetParameters().Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                string theirRet = CoreLibContractTests.AbiClass(m.ReturnType), myRet = CoreLibContractTests.AbiClass(mine.ReturnType);
                bool ok = theirParams.Count == myParams.Count && CoreLibContractTests.Compatible(theirRet, myRet, isReturn: true)
                    && theirParams.Zip(myParams).All(p => CoreLibContractTests.Compatible(p.First, p.Second, isReturn: false));
                if (!ok)
                    problems.Add($"{symbol} ({asm}): theirs ({string.Join(", ", theirParams)}) -> {theirRet}; ours {mine.DeclaringType!.Name}.{mine.Name}({string.Join(", ", myParams)}) -> {myRet}");
            }
            Assert.True(problems.Count == 0, problems.Count + " problem(s):\n" + string.Join("\n", problems));
            Assert.Equal(104, checkedCount);   // every declaration, duplicates included (docs/FACTS.md)
        }

        /// <summary>
        /// The exports are shared by every assembly of the pack (System.IO.Pipes and System.Console poll and set
        /// O_NONBLOCK too): each libSystem.Native import anywhere in lib/net10.0 that one of our exports implements has
        /// the same native signature.
        /// </summary>
        [Fact]
        public void EveryAssemblyOfThePackAgreesWithOurSignatures()
        {
            var ours = CoreLibContractTests.OurExports();
            var resolver = new DefaultAssemblyResolver();
            resolver.AddSearchDirectory(LibDir);
            var problems = new List<string>();
            int checkedCount = 0;
            foreach (string path in Directory.GetFiles(LibDir, "*.dll"))
            {
                ModuleDefinition module;
                try { module = ModuleDefinition.ReadModule(path, new ReaderParameters { AssemblyResolver = resolver }); }
                catch (BadImageFormatException) { continue; }
                using (module)
                    foreach (TypeDefinition t in module.GetTypes())
                        foreach (MethodDefinition m in t.Methods)
                        {
                            if (!m.HasPInvokeInfo || m.PInvokeInfo.Module.Name != "libSystem.Native") continue;
                            string symbol = m.PInvokeInfo.EntryPoint ?? m.Name;
                            if (!ours.TryGetValue(symbol, out MethodInfo mine)) continue;
                            checkedCount++;
                            var theirParams = m.Parameters.Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                            var myParams = mine.GetParameters().Select(p => CoreLibContractTests.AbiClass(p.ParameterType)).ToList();
                            string theirRet = CoreLibContractTests.AbiClass(m.ReturnType), myRet = CoreLibContractTests.AbiClass(mine.ReturnType);
                            bool ok = theirParams.Count == myParams.Count && CoreLibContractTests.Compatible(theirRet, myRet, isReturn: true)
                                && theirParams.Zip(myParams).All(p => CoreLibContractTests.Compatible(p.First, p.Second, isReturn: false));
                            if (!ok)
                                problems.Add($"{symbol} ({Path.GetFileName(path)}): theirs ({string.Join(", ", theirParams)}) -> {theirRet}; ours ({string.Join(", ", myParams)}) -> {myRet}");
                        }
            }
            Assert.True(problems.Count == 0, problems.Count + " mismatch(es):\n" + string.Join("\n", problems));
            Assert.True(checkedCount > 104, "checked only " + checkedCount);
        }

        [Theory]
        [InlineData("Interop/Sys/SocketEvent", "Cosmos.Runtime.SocketEvent")]
        [InlineData("Interop/Sys/MessageHeader", "Cosmos.Runtime.MessageHeader")]
        [InlineData("Interop/Sys/IOVector", "Cosmos.Runtime.IOVector")]
        [InlineData("Interop/Sys/IPAddress", "Cosmos.Runtime.PalIPAddress")]
        [InlineData("Interop/Sys/HostEntry", "Cosmos.Runtime.HostEntry")]
        [InlineData("Interop/Sys/IPPacketInformation", "Cosmos.Runtime.IPPacketInformation")]
        [InlineData("Interop/Sys/IPv4MulticastOption", "Cosmos.Runtime.IPv4MulticastOption")]
        [InlineData("Interop/Sys/IPv6MulticastOption", "Cosmos.Runtime.IPv6MulticastOption")]
        [InlineData("Interop/Sys/LingerOption", "Cosmos.Runtime.LingerOption")]
        [InlineData("Interop/PollEvent", "Cosmos.Runtime.PollEvent")]
        [InlineData("Interop/Sys/FileStatus", "Cosmos.Runtime.FileStatus")]
        [InlineData("Interop/Sys/IpAddressInfo", "Cosmos.Runtime.IpAddressInfo")]
        [InlineData("Interop/Sys/LinkLayerAddressInfo", "Cosmos.Runtime.LinkLayerAddressInfo")]
        [InlineData("Interop/Sys/NetworkInterfaceInfo", "Cosmos.Runtime.NetworkInterfaceInfo")]
        public void PalStructLayoutMatchesOurMirror(string theirType, string ourType)
        {
            TypeDefinition theirs = Net(theirType);
            Assert.True(theirs.IsSequentialLayout, theirType + " is no longer sequential");
            var expected = CoreLibContractTests.TheirLayout(theirs, out int total);
            Type ours = CoreLibContractTests.Ours(ourType);
            var actual = CoreLibContractTests.OurLayout(ours);
            Assert.True(expected.SequenceEqual(actual),
                $"{theirType} (offset:size) {string.Join(" ", expected.Select(x => x.Offset + ":" + x.Size))}; ours {string.Join(" ", actual.Select(x => x.Offset + ":" + x.Size))}");
            Assert.Equal(total, Marshal.SizeOf(ours));
        }

        private static object OurConst(string type, string name) => CoreLibContractTests.Const("Cosmos.Runtime." + type, name);

        private static long OurEnum(string type, string member) =>
            Convert.ToInt64(Enum.Parse(CoreLibContractTests.Ours("Cosmos.Runtime." + type), member));

        [Theory]
        // SocketEvents ↔ SocketEventFlags
        [InlineData("Interop/Sys/SocketEvents", "Read", "SocketEventFlags", "Read")]
        [InlineData("Interop/Sys/SocketEvents", "Write", "SocketEventFlags", "Write")]
        [InlineData("Interop/Sys/SocketEvents", "ReadClose", "SocketEventFlags", "ReadClose")]
        [InlineData("Interop/Sys/SocketEvents", "Close", "SocketEventFlags", "Close")]
        [InlineData("Interop/Sys/SocketEvents", "Error", "SocketEventFlags", "Error")]
        // PollEvents ↔ PollFlags
        [InlineData("Interop/PollEvents", "POLLIN", "PollFlags", "In")]
        [InlineData("Interop/PollEvents", "POLLPRI", "PollFlags", "Priority")]
        [InlineData("Interop/PollEvents", "POLLOUT", "PollFlags", "Out")]
        [InlineData("Interop/PollEvents", "POLLERR", "PollFlags", "Error")]
        [InlineData("Interop/PollEvents", "POLLHUP", "PollFlags", "HangUp")]
        [InlineData("Interop/PollEvents", "POLLNVAL", "PollFlags", "Invalid")]
        // SocketFlags ↔ SocketMessageFlags
        [InlineData("System.Net.Sockets.SocketFlags", "OutOfBand", "SocketMessageFlags", "OutOfBand")]
        [InlineData("System.Net.Sockets.SocketFlags", "Peek", "SocketMessageFlags", "Peek")]
        [InlineData("System.Net.Sockets.SocketFlags", "DontRoute", "SocketMessageFlags", "DontRoute")]
        [InlineData("System.Net.Sockets.SocketFlags", "Truncated", "SocketMessageFlags", "Truncated")]
        [InlineData("System.Net.Sockets.SocketFlags", "ControlDataTruncated", "SocketMessageFlags", "ControlTruncated")]
        // AddressFamily, SocketType, ProtocolType, SocketShutdown
        [InlineData("System.Net.Sockets.AddressFamily", "Unspecified", "SocketAddressFamily", "Unspecified")]
        [InlineData("System.Net.Sockets.AddressFamily", "Unix", "SocketAddressFamily", "Unix")]
        [InlineData("System.Net.Sockets.AddressFamily", "InterNetwork", "SocketAddressFamily", "InterNetwork")]
        [InlineData("System.Net.Sockets.AddressFamily", "InterNetworkV6", "SocketAddressFamily", "InterNetworkV6")]
        [InlineData("System.Net.Sockets.SocketType", "Stream", "SocketKind", "Stream")]
        [InlineData("System.Net.Sockets.SocketType", "Dgram", "SocketKind", "Datagram")]
        [InlineData("System.Net.Sockets.SocketType", "Raw", "SocketKind", "Raw")]
        [InlineData("System.Net.Sockets.SocketType", "Rdm", "SocketKind", "ReliablyDeliveredMessage")]
        [InlineData("System.Net.Sockets.SocketType", "Seqpacket", "SocketKind", "SequencedPacket")]
        [InlineData("System.Net.Sockets.ProtocolType", "Unspecified", "SocketProtocol", "Unspecified")]
        [InlineData("System.Net.Sockets.ProtocolType", "Icmp", "SocketProtocol", "Icmp")]
        [InlineData("System.Net.Sockets.ProtocolType", "Igmp", "SocketProtocol", "Igmp")]
        [InlineData("System.Net.Sockets.ProtocolType", "Tcp", "SocketProtocol", "Tcp")]
        [InlineData("System.Net.Sockets.ProtocolType", "Udp", "SocketProtocol", "Udp")]
        [InlineData("System.Net.Sockets.ProtocolType", "Raw", "SocketProtocol", "Raw")]
        [InlineData("System.Net.Sockets.SocketShutdown", "Receive", "SocketShutdownHow", "Receive")]
        [InlineData("System.Net.Sockets.SocketShutdown", "Send", "SocketShutdownHow", "Send")]
        [InlineData("System.Net.Sockets.SocketShutdown", "Both", "SocketShutdownHow", "Both")]
        public void EnumValueMatchesOurEnum(string theirType, string theirMember, string ourEnum, string ourMember)
        {
            long theirs = NetEnum(theirType, theirMember), ours = OurEnum(ourEnum, ourMember);
            Assert.True(theirs == ours, $"{theirType}.{theirMember} = {theirs:X}, {ourEnum}.{ourMember} = {ours:X}");
        }

        [Theory]
        [InlineData("System.Net.Sockets.AddressFamily", "Unknown", "PalAfUnknown")]
        [InlineData("System.Net.Sockets.AddressFamily", "Unspecified", "PalAfUnspec")]
        [InlineData("System.Net.Sockets.AddressFamily", "Unix", "PalAfUnix")]
        [InlineData("System.Net.Sockets.AddressFamily", "InterNetwork", "PalAfInet")]
        [InlineData("System.Net.Sockets.AddressFamily", "InterNetworkV6", "PalAfInet6")]
        [InlineData("System.Net.Sockets.AddressFamily", "Packet", "PalAfPacket")]
        [InlineData("System.Net.Sockets.AddressFamily", "ControllerAreaNetwork", "PalAfCan")]
        [InlineData("System.Net.Sockets.SocketOptionLevel", "Socket", "PalSolSocket")]
        [InlineData("System.Net.Sockets.SocketOptionLevel", "IP", "PalSolIP")]
        [InlineData("System.Net.Sockets.SocketOptionLevel", "IPv6", "PalSolIPv6")]
        [InlineData("System.Net.Sockets.SocketOptionLevel", "Tcp", "PalSolTcp")]
        [InlineData("System.Net.Sockets.SocketOptionLevel", "Udp", "PalSolUdp")]
        [InlineData("System.Net.Sockets.SocketOptionName", "Linger", "PalSoLinger")]
        [InlineData("System.Net.Sockets.SocketOptionName", "ExclusiveAddressUse", "PalSoExclusiveAddressUse")]
        [InlineData("System.Net.Sockets.SocketOptionName", "AddMembership", "PalIpAddMembership")]
        [InlineData("System.Net.Sockets.SocketOptionName", "DropMembership", "PalIpDropMembership")]
        [InlineData("Interop/Sys/MulticastOption", "MULTICAST_ADD", "PalMulticastAdd")]
        [InlineData("Interop/Sys/MulticastOption", "MULTICAST_DROP", "PalMulticastDrop")]
        [InlineData("Interop/Sys/MulticastOption", "MULTICAST_IF", "PalMulticastInterface")]
        [InlineData("Interop/Sys/GetNameInfoFlags", "NI_NAMEREQD", "PalNiNameRequired")]
        [InlineData("Interop/Sys/GetNameInfoFlags", "NI_NUMERICHOST", "PalNiNumericHost")]
        [InlineData("System.Net.NetworkInformation.NetworkInterfaceType", "Ethernet", "InterfaceTypeEthernet")]
        [InlineData("System.Net.NetworkInformation.NetworkInterfaceType", "Loopback", "InterfaceTypeLoopback")]
        [InlineData("System.Net.NetworkInformation.OperationalStatus", "Up", "OperationalUp")]
        [InlineData("System.Net.NetworkInformation.OperationalStatus", "Down", "OperationalDown")]
        public void EnumValueMatchesOurConstant(string theirType, string theirMember, string ourConstant)
        {
            long theirs = NetEnum(theirType, theirMember), ours = Convert.ToInt64(OurConst("SystemNative", ourConstant));
            Assert.True(theirs == ours, $"{theirType}.{theirMember} = {theirs:X}, SystemNative.{ourConstant} = {ours:X}");
        }

        [Fact]
        public void SocketOptionTableNamesTheSocketOptionLevelAndNameValues()
        {
            var table = (Array)CoreLibContractTests.Ours("Cosmos.Runtime.SocketTables").GetField("SocketOptionTable")!.GetValue(null)!;
            Assert.True(table.Length >= 29);
            foreach (object row in table)
            {
                var t = (System.Runtime.CompilerServices.ITuple)row;
                int level = (int)t[0]!, name = (int)t[2]!;
                string levelName = (string)t[1]!, nameName = (string)t[3]!;
                Assert.True(NetEnum("System.Net.Sockets.SocketOptionLevel", levelName) == level, $"SocketOptionLevel.{levelName} != {level:X}");
                Assert.True(NetEnum("System.Net.Sockets.SocketOptionName", nameName) == name, $"SocketOptionName.{nameName} != {name:X}");
            }
            // Every SocketOption member is reachable from exactly one row.
            Type option = CoreLibContractTests.Ours("Cosmos.Runtime.SocketOption");
            var decoded = table.Cast<object>().Select(r => ((System.Runtime.CompilerServices.ITuple)r)[4]!.ToString()).ToList();
            foreach (string member in Enum.GetNames(option)) Assert.Equal(1, decoded.Count(d => d == member));
        }

        /// <summary>
        /// SystemNative's Malloc runs while the runtime initializes its modules, before class constructors can run: a
        /// static field initializer anywhere in the partial class gives it a .cctor and the kernel triple-faults before
        /// its first output (it happened when the socket tables were added). Every static field must be constant-free
        /// of initializers (zero-initialized) or live in another class.
        /// </summary>
        [Fact]
        public void SystemNativeHasNoStaticConstructor()
        {
            Type sn = CoreLibContractTests.Ours("Cosmos.Runtime.SystemNative");
            Assert.Null(sn.TypeInitializer);
        }

        [Fact]
        public void TcpStateTableUsesTheTcpStateValues()
        {
            Type sn = CoreLibContractTests.Ours("Cosmos.Runtime.SocketTables");
            var names = (string[])sn.GetField("TcpStateNames")!.GetValue(null)!;
            var values = (int[])sn.GetField("TcpStateValues")!.GetValue(null)!;
            Assert.Equal(12, names.Length);
            for (int i = 0; i < names.Length; i++)
                Assert.True(NetEnum("System.Net.NetworkInformation.TcpState", names[i]) == values[i], $"TcpState.{names[i]} != {values[i]}");
        }

        [Fact]
        public void FileTypeOfASocketIsTheCoreLibsSIfSock()
        {
            TypeDefinition fileTypes = ModuleDefinition.ReadModule(Path.Combine(Path.GetDirectoryName(LibDir)!, "..", "native", "System.Private.CoreLib.dll"))
                .GetTypes().Single(t => t.FullName == "Interop/Sys/FileTypes");
            long theirs = Convert.ToInt64(fileTypes.Fields.Single(f => f.Name == "S_IFSOCK").Constant);
            Assert.Equal(theirs, Convert.ToInt64(OurConst("SystemNative", "S_IFSOCK")));
        }
    }
}
