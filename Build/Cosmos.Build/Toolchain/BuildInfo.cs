using System.Linq;
using System.Reflection;

namespace Cosmos.Build.Toolchain
{
    /// <summary>Versions this toolchain was built for (from Directory.Build.props, stamped into the assembly).</summary>
    public static class BuildInfo
    {
        /// <summary>The kernels' target framework, e.g. <c>net10.0</c>: kernel outputs are in <c>bin/Debug/&lt;tfm&gt;/</c>.</summary>
        public static string KernelTargetFramework => Metadata("CosmosKernelTargetFramework");

        /// <summary>The kit's version (<c>CosmosVersion</c>, e.g. <c>0.1.0</c>): the version of every package <c>dotnet pack</c> makes.</summary>
        public static string CosmosVersion => Metadata("CosmosVersion");

        /// <summary>The NativeAOT runtime and ILCompiler package version, e.g. <c>10.0.12</c>.</summary>
        public static string RuntimeVersion => Metadata("CosmosRuntimeVersion");

        /// <summary>The output folder of a kernel project in the Debug configuration: <c>&lt;projectDir&gt;/bin/Debug/&lt;tfm&gt;</c>.</summary>
        public static string KernelOutputDirectory(string projectDirectory) =>
            System.IO.Path.Combine(projectDirectory, "bin", "Debug", KernelTargetFramework);

        private static string Metadata(string key) =>
            typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value;
    }
}
