using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;

namespace Cosmos.Runtime.Tests
{
    /// <summary>What several test classes of this project need from the host: the build's paths and external tools.</summary>
    internal static class HostTools
    {
        /// <summary>An <c>AssemblyMetadata</c> value the test project's csproj sets (paths of the runtime pack, ilc, the built runtime…).</summary>
        internal static string Metadata(string key) =>
            typeof(HostTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value;

        /// <summary>Runs <paramref name="file"/> in <paramref name="cwd"/>; returns stdout then stderr; throws with both when it exits non-zero.</summary>
        internal static string Exec(string file, string args, string cwd)
        {
            var psi = new ProcessStartInfo(file, args) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();   // both pipes drained at once: a full stderr pipe cannot stall the tool
            string o = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            string e = stderr.Result;
            if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed:\n{o}\n{e}");
            return o + e;
        }
    }
}
