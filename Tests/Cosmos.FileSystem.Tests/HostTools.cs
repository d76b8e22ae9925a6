using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>
/// Runs the Debian tools the storage tests check against (mkfs.fat, fsck.fat, mtools, xorriso, sfdisk…). A missing
/// tool fails the test with the package to install; it never skips.
/// </summary>
internal static class HostTools
{
    private static readonly string[] ExtraDirs = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/bin", "/usr/local/sbin" };

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

    /// <summary>Result of a tool run.</summary>
    public readonly record struct Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
    }

    /// <summary>Runs <paramref name="tool"/> (from <paramref name="package"/>) with <paramref name="args"/>, C locale, mtools' geometry check off; 120 s limit.</summary>
    public static Result Run(string tool, string package, params string[] args)
    {
        var psi = new ProcessStartInfo(Require(tool, package))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C.UTF-8";
        psi.Environment["MTOOLS_SKIP_CHECK"] = "1";
        psi.Environment["MTOOLS_NO_VFAT"] = null;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            Assert.Fail($"{tool} {string.Join(' ', args)} did not finish in 120 s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a tool and fails the test when it exits non-zero.</summary>
    public static Result Check(string tool, string package, params string[] args)
    {
        var r = Run(tool, package, args);
        Assert.True(r.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {r}");
        return r;
    }

    /// <summary>A fresh temporary directory, deleted by the returned handle.</summary>
    public static TempDir TempDirectory() => new();

    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cosmos-fs-" + Guid.NewGuid().ToString("N"));
        public TempDir() => Directory.CreateDirectory(Path);
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }
}
