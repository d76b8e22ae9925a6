using System.IO;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Steps
{
    /// <summary>
    /// Makes a hybrid BIOS + UEFI bootable ISO with GRUB 2 (grub-mkrescue, needs xorriso and
    /// mtools): /boot/kernel.elf loaded with the multiboot2 command, no menu delay, the screen mode chosen by
    /// <c>gfxpayload</c> after the multiboot2 command (the kernel's header has an optional framebuffer request tag, so
    /// GRUB passes a framebuffer tag for whatever mode it leaves).
    /// </summary>
    public static class IsoStep
    {
        /// <summary>The default graphics mode: VGA text on BIOS, the firmware's GOP mode on UEFI (which has no text mode).</summary>
        public const string DefaultGraphicsMode = "text";

        /// <summary>
        /// The grub.cfg for <paramref name="graphicsMode"/>: "text" (the default: VGA text under BIOS, GRUB's automatic
        /// choice, i.e. the firmware's GOP mode, under UEFI), "auto", or WIDTHxHEIGHT[xDEPTH] (both firmwares; GRUB falls
        /// back to "auto" when the mode is not offered: the kernel reads the mode it got from the boot information).
        /// </summary>
        /// <exception cref="BuildStepException">COSMOS062: anything else.</exception>
        public static string GrubConfig(string graphicsMode = DefaultGraphicsMode)
        {
            graphicsMode = string.IsNullOrWhiteSpace(graphicsMode) ? DefaultGraphicsMode : graphicsMode.Trim();
            string payload;
            if (graphicsMode == "text")
                payload = "  if [ \"$grub_platform\" = \"efi\" ]; then set gfxpayload=auto; else set gfxpayload=text; fi\n";
            else if (graphicsMode == "auto" || System.Text.RegularExpressions.Regex.IsMatch(graphicsMode, @"^[1-9][0-9]{1,4}x[1-9][0-9]{1,4}(x(8|15|16|24|32))?$"))
                payload = $"  set gfxpayload={graphicsMode}\n";
            else
                throw new BuildStepException("COSMOS062", $"graphics mode '{graphicsMode}' is not text, auto or WIDTHxHEIGHT[xDEPTH] (e.g. 1024x768x32)", null);
            // The video drivers are modules: without them GRUB on UEFI finds no mode ("no suitable video mode found") and
            // passes no framebuffer tag. Only the firmware interfaces (VBE, GOP/UGA), not all_video, whose bochs and cirrus
            // drivers would program QEMU's adapters directly (and pick 24 bpp modes) instead of what a real machine has.
            return "if [ \"$grub_platform\" = \"efi\" ]; then insmod efi_gop; insmod efi_uga; else insmod vbe; fi\n" +
                   "set timeout=0\n" +
                   "set default=0\n" +
                   "menuentry \"CosmosOS\" {\n" +
                   "  multiboot2 /boot/kernel.elf\n" +
                   payload +
                   "  boot\n" +
                   "}\n";
        }

        /// <summary>
        /// Makes the ISO; returns the progress line's text. Files under <paramref name="isoRoot"/> (a kernel project's
        /// <c>isoroot/</c> folder), when it exists, are copied to the ISO's root with their folders, so the kernel reads
        /// them from the boot CD (ISO9660 with Joliet names, e.g. <c>1:\readme.txt</c>); /boot is reserved for GRUB
        /// and the kernel (COSMOS061 when isoroot has one).
        /// </summary>
        public static string Run(string kernelElf, string stagingDir, string output, string isoRoot = null, string graphicsMode = DefaultGraphicsMode)
        {
            var mkrescue = Tool.Require("grub-mkrescue", "grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools");
            Tool.Require("xorriso", "xorriso");
            if (Directory.Exists(stagingDir)) Directory.Delete(stagingDir, true);
            Directory.CreateDirectory(Path.Combine(stagingDir, "boot", "grub"));
            File.WriteAllText(Path.Combine(stagingDir, "boot", "grub", "grub.cfg"), GrubConfig(graphicsMode));
            File.Copy(kernelElf, Path.Combine(stagingDir, "boot", "kernel.elf"), true);
            int extra = 0;
            if (isoRoot != null && Directory.Exists(isoRoot))
            {
                if (Directory.Exists(Path.Combine(isoRoot, "boot")))
                    throw new BuildStepException("COSMOS061", $"{Path.Combine(isoRoot, "boot")}: /boot on the ISO belongs to GRUB and the kernel; put your files elsewhere", output);
                foreach (var f in Directory.GetFiles(isoRoot, "*", SearchOption.AllDirectories))
                {
                    var target = Path.Combine(stagingDir, Path.GetRelativePath(isoRoot, f));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(f, target, true);
                    extra++;
                }
            }
            // No fonts, translations or themes: the boot menu is never shown (timeout 0) and the terminal stays the
            // firmware's text console, so they were 11 MiB of every ISO's 29 MiB that GRUB never read, and GRUB's boot
            // under TCG took ≈ 0.06 s longer with them on the disc (docs/FACTS.md, "Build speed", session 19).
            var r = Tool.Run(mkrescue, new[] { "--fonts=", "--locales=", "--themes=", "-o", output, stagingDir });
            if (r.ExitCode != 0 || !File.Exists(output))
                throw new BuildStepException("COSMOS060", $"grub-mkrescue failed (exit {r.ExitCode}):\n{r.StdErr}{r.StdOut}\n(needs grub-pc-bin, grub-efi-amd64-bin, xorriso and mtools)", output);
            return $"{Path.GetFileName(output)} ({new FileInfo(output).Length / 1024} KiB, BIOS + UEFI, screen {graphicsMode ?? DefaultGraphicsMode}{(extra > 0 ? $", {extra} files from isoroot" : "")}, {Tool.Seconds(r.Elapsed)})";
        }
    }
}
