using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Cosmos.Build.Toolchain
{
    /// <summary>A failed build step; the message is printed as an MSBuild-canonical error.</summary>
    public sealed class BuildStepException : Exception
    {
        /// <summary>Diagnostic code, e.g. COSMOS100.</summary>
        public string Code { get; }
        /// <summary>File the error is about, or null.</summary>
        public string File { get; }
        /// <summary>The pipeline step that failed (plugs, x#, ilc, link, iso), when known.</summary>
        public string Step { get; init; }
        public BuildStepException(string code, string message, string file = null) : base(message) { Code = code; File = file; }
    }

    /// <summary>Result of an external process.</summary>
    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed);

    /// <summary>Runs external tools and prints one progress line per step.</summary>
    public static class Tool
    {
        /// <summary>Prints "cosmos: [step] text".</summary>
        public static void Progress(string step, string text) => Console.WriteLine($"cosmos: [{step}] {text}");

        /// <summary>Formats seconds with one decimal.</summary>
        public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";

        /// <summary>
        /// Finds <paramref name="exe"/> on PATH; throws a <see cref="BuildStepException"/> that
        /// names the Debian package to install when it is missing.
        /// </summary>
        public static string Require(string exe, string debianPackage)
        {
            if (exe.Contains('/')) { if (System.IO.File.Exists(exe)) return exe; }
            else
            {
                foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
                {
                    if (dir.Length == 0) continue;
                    var p = Path.Combine(dir, exe);
                    if (System.IO.File.Exists(p)) return p;
                }
            }
            throw new BuildStepException("COSMOS010", $"'{exe}' was not found. Install it with: sudo apt-get install {debianPackage}");
        }

        /// <summary>Runs a process to completion, capturing output.</summary>
        public static ProcessResult Run(string exe, IEnumerable<string> args, string workingDir = null, string stdin = null)
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = stdin != null,
                UseShellExecute = false,
                WorkingDirectory = workingDir ?? Environment.CurrentDirectory,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            var so = new StringBuilder(); var se = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (so) so.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (se) se.AppendLine(e.Data); };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            if (stdin != null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
            p.WaitForExit();
            return new ProcessResult(p.ExitCode, so.ToString(), se.ToString(), sw.Elapsed);
        }

        /// <summary>Writes <paramref name="text"/> only when it differs from the file's content (keeps timestamps for incremental builds).</summary>
        public static bool WriteIfChanged(string path, string text)
        {
            if (System.IO.File.Exists(path) && System.IO.File.ReadAllText(path) == text) return false;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            System.IO.File.WriteAllText(path, text);
            return true;
        }
    }
}
