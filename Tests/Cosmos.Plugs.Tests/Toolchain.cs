using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Cosmos.Build.Patching;
using Cosmos.Build.Toolchain;
using Cosmos.Plugs.ConsoleIO;
using Xunit;

namespace Cosmos.Plugs.Tests
{
    /// <summary>Paths of the ILC package and the plug assembly, and a helper that runs the plug patcher like the build does.</summary>
    internal static class Toolchain
    {
        /// <summary>The restored ILCompiler package and NativeAOT runtime pack the kernels are built with.</summary>
        public static NativeAotPackages Packages => s_packages.Value;

        private static readonly Lazy<NativeAotPackages> s_packages = new(() => new NativeAotPackages(Metadata("CosmosIlcPackageDir"), Metadata("CosmosRuntimePackDir")));

        private static string Metadata(string key) =>
            typeof(Toolchain).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value;

        /// <summary>The BCL folder of the runtime pack (System.Console.dll, System.Runtime.dll …).</summary>
        public static string Framework => Packages.LibraryDirectory;

        /// <summary>The runtime pack's folder of System.Private.* runtime assemblies (the CoreLib).</summary>
        public static string Sdk => Packages.NativeDirectory;

        /// <summary>The real NativeAOT (Unix) System.Console.dll.</summary>
        public static string SystemConsole => Path.Combine(Framework, "System.Console.dll");

        /// <summary>The NativeAOT System.Private.CoreLib.dll (Cosmos.Plugs also plugs System.Threading.Thread there).</summary>
        public static string CoreLib => Packages.CoreLib;

        /// <summary>Cosmos.Plugs.dll as built (its references Cosmos.HAL/Core and IL2CPU.API sit next to it).</summary>
        public static string PlugsAssembly => typeof(ConsolePalPlug).Assembly.Location;

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
