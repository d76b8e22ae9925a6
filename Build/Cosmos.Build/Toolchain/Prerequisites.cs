using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Cosmos.Build.Toolchain
{
    /// <summary>
    /// The Debian packages the toolchain drives (DESIGN.md "Toolchain"). When one is missing,
    /// the build installs it with apt-get (through sudo when not root) and says so, so that the
    /// README's two commands work on a fresh Debian/Ubuntu machine. Set COSMOS_NO_AUTO_INSTALL=1
    /// to get an error with the install command instead.
    /// </summary>
    public static class Prerequisites
    {
        /// <summary>(what must exist, the Debian package providing it).</summary>
        public static readonly (string Path, string Package)[] Build =
        {
            ("nasm", "nasm"),
            ("ld", "binutils"),
            ("objcopy", "binutils"),
            ("grub-mkrescue", "grub-common"),
            ("/usr/lib/grub/i386-pc/modinfo.sh", "grub-pc-bin"),
            ("/usr/lib/grub/x86_64-efi/modinfo.sh", "grub-efi-amd64-bin"),
            ("xorriso", "xorriso"),
            ("mformat", "mtools"),
        };

        public static readonly (string Path, string Package)[] Run =
        {
            ("qemu-system-x86_64", "qemu-system-x86"),
            ("/usr/share/ovmf/OVMF.fd", "ovmf"),
        };

        /// <summary>What the host tests of the storage code check their results with: mkfs.fat/fsck.fat (FAT), mtools (FAT
        /// images without mounting), xorriso (ISO9660), sfdisk (MBR/GPT).</summary>
        public static readonly (string Path, string Package)[] StorageTests =
        {
            ("/usr/sbin/mkfs.fat", "dosfstools"),
            ("/usr/sbin/fsck.fat", "dosfstools"),
            ("mcopy", "mtools"),
            ("xorriso", "xorriso"),
            ("/usr/sbin/sfdisk", "fdisk"),
        };

        /// <summary>What the kernel screenshot tests compare images with: ImageMagick's <c>compare</c> (-metric AE); the
        /// host tests draw the independent rasterization of lines, circles and ellipses with its <c>convert -draw</c>.</summary>
        public static readonly (string Path, string Package)[] ScreenTests =
        {
            ("compare", "imagemagick"),
            ("convert", "imagemagick"),
        };

        /// <summary>What the debugging tests drive: gdb in batch mode against QEMU's gdb stub (<c>run --debug</c>).</summary>
        public static readonly (string Path, string Package)[] DebugTests =
        {
            ("gdb", "gdb"),
        };

        private static bool Exists(string what)
        {
            if (what.StartsWith('/')) return File.Exists(what);
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, what))) return true;
            return false;
        }

        /// <summary>Installs whatever of <paramref name="needed"/> is missing; throws a BuildStepException naming the packages when that is impossible.</summary>
        public static void Ensure(params (string Path, string Package)[][] needed)
        {
            var missing = needed.SelectMany(x => x).Where(x => !Exists(x.Path)).Select(x => x.Package).Distinct().ToList();
            if (missing.Count == 0) return;
            string list = string.Join(" ", missing);
            if (Environment.GetEnvironmentVariable("COSMOS_NO_AUTO_INSTALL") == "1" || !Exists("apt-get"))
                throw new BuildStepException("COSMOS011", $"missing tools; install them with: sudo apt-get install {list}");
            bool root = Environment.UserName == "root";
            if (!root && !Exists("sudo"))
                throw new BuildStepException("COSMOS011", $"missing tools and no sudo; install them as root with: apt-get install {list}");
            Tool.Progress("setup", $"installing missing Debian packages: {list}");
            string exe = root ? "apt-get" : "sudo";
            var prefix = root ? new List<string>() : new List<string> { "apt-get" };
            var install = prefix.Concat(new[] { "install", "-y", "--no-install-recommends" }).Concat(missing).ToList();
            var r = Tool.Run(exe, install);
            if (r.ExitCode != 0)
            {
                Tool.Progress("setup", "apt-get install failed; updating the package lists and retrying");
                Tool.Run(exe, prefix.Concat(new[] { "update" }));
                r = Tool.Run(exe, install);
            }
            var still = needed.SelectMany(x => x).Where(x => !Exists(x.Path)).Select(x => x.Package).Distinct().ToList();
            if (r.ExitCode != 0 || still.Count > 0)
                throw new BuildStepException("COSMOS011", $"could not install {string.Join(" ", still.Count > 0 ? still : missing)} (apt-get exit {r.ExitCode}):\n{r.StdErr.Trim()}");
        }
    }
}
