using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>
/// Runs the Debian tools the storage tests check against (mkfs.fat, fsck.fat, mtools, xorriso, sfdisk, fdisk…). A
/// missing tool fails the test with the package to install; it never skips. Two calling styles: an argument list
/// (<see cref="Run"/>, <see cref="Check"/>: FAT tests) and one command-line string with optional stdin
/// (<see cref="RunLine"/>: partition, ISO9660 and fuzz tests).
/// </summary>
internal static class HostTools
{
    private static readonly string[] ExtraDirs = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/bin", "/usr/local/sbin" };
    private const int TimeLimitMs = 120_000;

    /// <summary>Debian package that ships <paramref name="tool"/> (the tool's own name when not listed).</summary>
    public static string PackageOf(string tool) => tool switch
    {
        "sfdisk" or "fdisk" => "fdisk",
        "xorriso" => "xorriso",
        "mkfs.fat" or "fsck.fat" => "dosfstools",
        "mcopy" or "mmd" or "mdir" or "mformat" or "mdel" or "mlabel" => "mtools",
        _ => tool,
    };

    /// <summary>Full path of <paramref name="tool"/>; fails the test naming Debian package <paramref name="package"/> when absent.</summary>
    public static string Require(string tool, string package)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':');
        foreach (var d in dirs)
            if (d.Length > 0 && File.Exists(Path.Combine(d, tool))) return Path.Combine(d, tool);
        foreach (var d in ExtraDirs)
            if (File.Exists(Path.Combine(d, tool))) return Path.Combine(d, tool);
        Assert.Fail($"host tool '{tool}' is missing: install the Debian package '{package}' (apt-get install {package})");
        return null;
    }

    /// <summary>Full path of <paramref name="tool"/>; fails the test naming its package (<see cref="PackageOf"/>) when absent.</summary>
    public static string Require(string tool) => Require(tool, PackageOf(tool));

    /// <summary>Result of a tool run.</summary>
    public readonly record struct Result(int ExitCode, string StdOut, string StdErr)
    {
        /// <summary>Exit code and both streams, for assertion messages.</summary>
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
    }

    /// <summary>Runs <paramref name="tool"/> (from <paramref name="package"/>) with <paramref name="args"/>, C.UTF-8 locale, mtools' geometry check off; 120 s limit.</summary>
    public static Result Run(string tool, string package, params string[] args)
    {
        var psi = new ProcessStartInfo(Require(tool, package));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C.UTF-8";
        psi.Environment["MTOOLS_NO_VFAT"] = null;
        return Execute(psi, tool, string.Join(' ', args), null);
    }

    /// <summary>Runs a tool and fails the test when it exits non-zero.</summary>
    public static Result Check(string tool, string package, params string[] args)
    {
        var r = Run(tool, package, args);
        Assert.True(r.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {r}");
        return r;
    }

    /// <summary>
    /// Runs <paramref name="tool"/> with the command line <paramref name="arguments"/> (C locale, mtools' geometry
    /// check off, 120 s limit), writing <paramref name="stdin"/> to its input when given, in
    /// <paramref name="workDir"/> (default: the current directory). Returns stdout; fails the test on a non-zero exit.
    /// </summary>
    public static string RunLine(string tool, string arguments, string stdin = null, string workDir = null)
    {
        var psi = new ProcessStartInfo(Require(tool), arguments) { WorkingDirectory = workDir ?? Environment.CurrentDirectory };
        psi.Environment["LC_ALL"] = "C";
        var r = Execute(psi, tool, arguments, stdin);
        if (r.ExitCode != 0)
            Assert.Fail($"{tool} {arguments} exited with {r.ExitCode}: {r.StdErr}{r.StdOut}");
        return r.StdOut;
    }

    private static Result Execute(ProcessStartInfo psi, string tool, string shownArgs, string stdin)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = stdin != null;
        psi.UseShellExecute = false;
        psi.Environment["MTOOLS_SKIP_CHECK"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(TimeLimitMs))
        {
            p.Kill(true);
            Assert.Fail($"{tool} {shownArgs} did not finish in {TimeLimitMs / 1000} s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Creates a zero-filled (sparse) image file of <paramref name="bytes"/> bytes.</summary>
    public static void CreateImage(string path, long bytes)
    {
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(bytes);
    }

    /// <summary>A fresh temporary directory, deleted by the returned handle.</summary>
    public static TempDir TempDirectory() => new();

    /// <summary>A fresh temporary directory under the system temp path, deleted on <see cref="Dispose"/>.</summary>
    public sealed class TempDir : IDisposable
    {
        /// <summary>The directory.</summary>
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cosmos-fs-" + Guid.NewGuid().ToString("N"));

        /// <summary>Creates the directory.</summary>
        public TempDir() => Directory.CreateDirectory(Path);

        /// <summary>A path inside the directory.</summary>
        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>A path inside the directory (same as <see cref="File"/>).</summary>
        public string this[string name] => File(name);

        /// <summary>Deletes the directory and its contents.</summary>
        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }
}
