using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Cosmos.Build.Patching;
using Cosmos.Plugs.ConsoleIO;
using Xunit;

namespace Cosmos.Plugs.Tests
{
    /// <summary>Paths of the ILC package and the plug assembly, and a helper that runs the plug patcher like the build does.</summary>
    internal static class Toolchain
    {
        /// <summary>The restored runtime.linux-x64.Microsoft.DotNet.ILCompiler package (tools/ilc, framework/, sdk/).</summary>
        public static string IlcPackage
        {
            get
            {
                string dir = typeof(Toolchain).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .Single(a => a.Key == "CosmosIlcPackageDir").Value;
                Assert.True(Directory.Exists(Path.Combine(dir, "framework")), "ILC package not restored at " + dir);
                return dir;
            }
        }

        public static string Framework => Path.Combine(IlcPackage, "framework");
        public static string Sdk => Path.Combine(IlcPackage, "sdk");

        /// <summary>The real NativeAOT (Unix) System.Console.dll.</summary>
        public static string SystemConsole => Path.Combine(Framework, "System.Console.dll");

        /// <summary>The NativeAOT System.Private.CoreLib.dll (Cosmos.Plugs also plugs System.Threading.Thread there).</summary>
        public static string CoreLib => Path.Combine(Sdk, "System.Private.CoreLib.dll");

        /// <summary>Cosmos.Plugs.dll as built (its references Cosmos.HAL/Core and IL2CPU.API sit next to it).</summary>
        public static string PlugsAssembly => typeof(ConsoleDevice).Assembly.Location;

        public static string BinDirectory => Path.GetDirectoryName(PlugsAssembly);

        /// <summary>A fresh temporary directory.</summary>
        public static string TempDirectory(string tag)
        {
            string d = Path.Combine(Path.GetTempPath(), "cosmos-plugs-tests", tag + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(d);
            return d;
        }

        /// <summary>Patches <paramref name="targets"/> with Cosmos.Plugs.dll into <paramref name="outDir"/>.</summary>
        public static PatchResult Patch(string outDir, params string[] targets)
        {
            var req = new PatchRequest { OutputDirectory = outDir };
            req.PlugAssemblies.Add(PlugsAssembly);
            foreach (string t in targets) req.TargetAssemblies.Add(t);
            req.SearchDirectories.Add(Framework);
            req.SearchDirectories.Add(Sdk);
            req.SearchDirectories.Add(BinDirectory);
            return PlugPatcher.Run(req);
        }
    }
}
