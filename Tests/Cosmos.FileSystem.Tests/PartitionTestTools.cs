using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Cosmos.FileSystem.Tests;

/// <summary>
/// Runs the Debian tools the partition, ISO9660 and fuzz tests check against. A missing tool fails the test with the
/// package to install (never a silent skip).
/// </summary>
public static class PartitionTestTools
{
    /// <summary>Debian package that ships <paramref name="tool"/>.</summary>
    public static string PackageOf(string tool) => tool switch
    {
        "sfdisk" => "fdisk",
        "xorriso" => "xorriso",
        "mkfs.fat" or "fsck.fat" => "dosfstools",
        "mcopy" or "mmd" or "mdir" or "mformat" => "mtools",
        _ => tool,
    };

    /// <summary>Full path of <paramref name="tool"/>, or a failed assertion naming its package.</summary>
    public static string Require(string tool)
    {
        foreach (string dir in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin" })
        {
            string p = Path.Combine(dir, tool);
            if (File.Exists(p)) return p;
        }
        Assert.Fail($"host tool '{tool}' is missing: install the Debian package '{PackageOf(tool)}' (apt-get install {PackageOf(tool)})");
        return null;
    }

    /// <summary>Runs <paramref name="tool"/> and returns its stdout; fails the test on a non-zero exit.</summary>
    public static string Run(string tool, string args, string stdin = null, string workDir = null)
    {
        string path = Require(tool);
        var psi = new ProcessStartInfo(path, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
        };
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["MTOOLS_SKIP_CHECK"] = "1";
        using var p = Process.Start(psi);
        if (stdin != null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        var errTask = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        string err = errTask.Result;
        if (p.ExitCode != 0)
            Assert.Fail($"{tool} {args} exited with {p.ExitCode}: {err}{output}");
        return output;
    }

    /// <summary>A fresh temporary directory (deleted by the caller's <c>using</c>).</summary>
    public sealed class TempDir : IDisposable
    {
        /// <summary>Creates the directory.</summary>
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cosmos-fs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        /// <summary>The directory.</summary>
        public string Path { get; }

        /// <summary>A path inside the directory.</summary>
        public string this[string name] => System.IO.Path.Combine(Path, name);

        /// <summary>Deletes the directory.</summary>
        public void Dispose()
        {
            try { Directory.Delete(Path, true); } catch (IOException) { }
        }
    }

    /// <summary>Creates a zero-filled image file of <paramref name="bytes"/> bytes.</summary>
    public static void CreateImage(string path, long bytes)
    {
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(bytes);
    }
}
