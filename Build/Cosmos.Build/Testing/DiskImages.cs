using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Disk images a test kernel asks for in its qemu-args.txt: every <c>{disk:NAME:SIZE}</c> or
    /// <c>{disk:NAME:SIZE:sparse}</c> inside a token is replaced by the path of a raw image NAME.img, created afresh
    /// for each run in the kernel's output folder (so writes by one run never reach the next). SIZE is a number with
    /// K, M or G (binary units). Every 512-byte sector holds the pattern <see cref="FillSector"/> describes; a sparse
    /// image holds it only in its first and last MiB (the rest is a hole that reads as zeros), which makes images
    /// larger than 128 GiB (LBA above 2^28) cheap. Example token:
    /// <c>-drive file={disk:pattern:64M},if=ide,index=0,format=raw</c>.
    /// </summary>
    public static class DiskImages
    {
        private static readonly Regex Placeholder = new(@"\{disk:([A-Za-z0-9_-]+):([0-9]+)([KMG])(:sparse)?\}");

        /// <summary>Bytes 8–15 of every pattern sector.</summary>
        public const string Magic = "COSMOSPT";

        private static readonly Regex FatPlaceholder = new(@"\{fat:([A-Za-z0-9_-]+):([0-9]+)M\}");

        /// <summary>Text of HOST.TXT in every <c>{fat:…}</c> image (the kernel checks it reads what the host wrote).</summary>
        public const string HostFileText = "written on the host by mtools\n";

        /// <summary>
        /// Replaces the disk placeholders of <paramref name="token"/>, creating their images in <paramref name="directory"/>:
        /// <c>{disk:NAME:SIZE[:sparse]}</c> pattern images, and <c>{fat:NAME:SIZE M}</c> FAT32 volumes made by mkfs.fat
        /// (no partition table) holding HOST.TXT (<see cref="HostFileText"/>) and DIR/LONG FILE NAME.TXT, written with
        /// mcopy. Paths of the FAT images are added to <paramref name="fatImages"/> so the runner can check them with
        /// fsck.fat after the kernel ran.
        /// </summary>
        /// <exception cref="ArgumentException">A placeholder is malformed (e.g. a size of 0).</exception>
        public static string Expand(string token, string directory, System.Collections.Generic.List<string> fatImages = null)
        {
            if (token.Contains("{fat:"))
            {
                token = FatPlaceholder.Replace(token, m =>
                {
                    var path = Path.Combine(directory, m.Groups[1].Value + ".img");
                    if (File.Exists(path)) File.Delete(path);
                    CreateFatImage(path, int.Parse(m.Groups[2].Value), seed: true);
                    fatImages?.Add(path);
                    return path;
                });
                if (token.Contains("{fat:")) throw new ArgumentException($"malformed FAT placeholder in '{token}' (expected {{fat:NAME:SIZEM}}, at least 40M)");
            }
            if (!token.Contains("{disk:")) return token;
            string result = Placeholder.Replace(token, m =>
            {
                long size = long.Parse(m.Groups[2].Value) << (m.Groups[3].Value switch { "K" => 10, "M" => 20, _ => 30 });
                if (size < 1024 * 1024 || size % 512 != 0) throw new ArgumentException($"disk image '{m.Value}': at least 1M");
                var path = Path.Combine(directory, m.Groups[1].Value + ".img");
                Create(path, size, m.Groups[4].Success);
                return path;
            });
            if (result.Contains("{disk:")) throw new ArgumentException($"malformed disk placeholder in '{token}' (expected {{disk:NAME:SIZE[K|M|G][:sparse]}})");
            return result;
        }

        /// <summary>
        /// Fills <paramref name="sector"/> (512 bytes) with the pattern of sector <paramref name="lba"/>: bytes 0–7 the
        /// LBA (little-endian), bytes 8–15 "COSMOSPT", byte i ≥ 16 = (byte)(lba * 7 + i). Test kernels check it.
        /// </summary>
        public static void FillSector(long lba, Span<byte> sector)
        {
            BinaryPrimitives.WriteInt64LittleEndian(sector, lba);
            Encoding.ASCII.GetBytes(Magic).CopyTo(sector.Slice(8));
            for (int i = 16; i < 512; i++) sector[i] = (byte)(lba * 7 + i);
        }

        /// <summary>
        /// The image at <paramref name="path"/>, created as an empty FAT32 volume of <paramref name="sizeMiB"/> MiB when it
        /// does not exist yet (mkfs.fat, no partition table, label COSMOS); an existing file is used as it is. Returns the
        /// full path.
        /// </summary>
        public static string EnsureFatImage(string path, int sizeMiB)
        {
            string full = Path.GetFullPath(path);
            if (File.Exists(full)) return full;
            Toolchain.Tool.Progress("disk", $"creating {full}: an empty {sizeMiB} MiB FAT32 volume");
            CreateFatImage(full, sizeMiB, seed: false);
            return full;
        }

        /// <summary>Makes a FAT32 image with mkfs.fat (and, with <paramref name="seed"/>, two files written by mcopy).</summary>
        public static void CreateFatImage(string path, int sizeMiB, bool seed)
        {
            if (sizeMiB < 40) throw new ArgumentException($"a FAT32 image needs at least 40 MiB ({sizeMiB} MiB asked for {path})");
            Toolchain.Prerequisites.Ensure(Toolchain.Prerequisites.StorageTests);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var r = Toolchain.Tool.Run("/usr/sbin/mkfs.fat", new[] { "-F", "32", "-n", "COSMOS", "-C", path, (sizeMiB * 1024).ToString() });
            if (r.ExitCode != 0) throw new Toolchain.BuildStepException("COSMOS072", $"mkfs.fat failed for {path}:\n{r.StdErr}{r.StdOut}");
            if (!seed) return;
            string dir = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-seed");
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "HOST.TXT"), HostFileText);
            File.WriteAllText(Path.Combine(dir, "LONG FILE NAME.TXT"), "a long name from mtools\n");
            foreach (var a in new[] { new[] { "-i", path, "::DIR" } })
            {
                var m = Toolchain.Tool.Run("mmd", a);
                if (m.ExitCode != 0) throw new Toolchain.BuildStepException("COSMOS072", $"mmd failed for {path}:\n{m.StdErr}");
            }
            foreach (var (src, dst) in new[] { ("HOST.TXT", "::HOST.TXT"), ("LONG FILE NAME.TXT", "::DIR/LONG FILE NAME.TXT") })
            {
                var m = Toolchain.Tool.Run("mcopy", new[] { "-i", path, Path.Combine(dir, src), dst });
                if (m.ExitCode != 0) throw new Toolchain.BuildStepException("COSMOS072", $"mcopy failed for {path}:\n{m.StdErr}");
            }
        }

        /// <summary>Runs <c>fsck.fat -n</c> on <paramref name="path"/>: null when the volume is clean, else the tool's report.</summary>
        public static string CheckFatImage(string path)
        {
            var r = Toolchain.Tool.Run("/usr/sbin/fsck.fat", new[] { "-n", path });
            return r.ExitCode == 0 ? null : $"fsck.fat -n exit {r.ExitCode}:\n{r.StdOut}{r.StdErr}".TrimEnd();
        }

        /// <summary>
        /// Checks one line of a test kernel's fat-expect.txt, <c>IMAGE|::PATH|LENGTH[|TEXT]</c>: the file PATH in the
        /// <c>{fat:IMAGE:…}</c> image of this run has LENGTH bytes and, when TEXT is given, starts with it (\n allowed).
        /// The file is read with mcopy, i.e. by the host's FAT implementation. Returns null when it holds, else why not;
        /// <paramref name="caseName"/> names the check.
        /// </summary>
        public static string CheckExpectedFile(string line, System.Collections.Generic.IReadOnlyList<string> fatImages, out string caseName)
        {
            var parts = line.Trim().Split('|', 4);
            caseName = "on the host: " + (parts.Length > 1 ? parts[1] : line.Trim());
            if (parts.Length < 3 || !long.TryParse(parts[2], out long length)) return $"fat-expect.txt: malformed line '{line}' (IMAGE|::PATH|LENGTH[|TEXT])";
            string image = null;
            foreach (var i in fatImages) if (Path.GetFileNameWithoutExtension(i) == parts[0]) image = i;
            if (image == null) return $"fat-expect.txt: no {{fat:{parts[0]}:…}} image in qemu-args.txt";
            string copy = Path.Combine(Path.GetDirectoryName(image)!, "expect-" + Guid.NewGuid().ToString("N"));
            try
            {
                var r = Toolchain.Tool.Run("mcopy", new[] { "-n", "-i", image, parts[1], copy });
                if (r.ExitCode != 0) return $"mcopy cannot read {parts[1]} from {Path.GetFileName(image)}: {r.StdErr.Trim()}";
                var data = File.ReadAllBytes(copy);
                if (data.Length != length) return $"{parts[1]} has {data.Length} bytes on the host, expected {length}";
                if (parts.Length == 4)
                {
                    string want = parts[3].Replace("\\n", "\n");
                    string got = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, Encoding.UTF8.GetByteCount(want)));
                    if (got != want) return $"{parts[1]} starts with <{got}> on the host, expected <{want}>";
                }
                return null;
            }
            finally { if (File.Exists(copy)) File.Delete(copy); }
        }

        /// <summary>Creates (or overwrites) the image at <paramref name="path"/>.</summary>
        public static void Create(string path, long size, bool sparse)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
            f.SetLength(size);
            const long MiB = 1 << 20;
            var buf = new byte[MiB];
            void FillAt(long offset, long length)
            {
                f.Position = offset;
                for (long done = 0; done < length; done += buf.Length)
                {
                    int n = (int)Math.Min(buf.Length, length - done);
                    for (int s = 0; s < n; s += 512) FillSector((offset + done + s) / 512, buf.AsSpan(s, 512));
                    f.Write(buf, 0, n);
                }
            }
            if (!sparse) FillAt(0, size);
            else
            {
                FillAt(0, Math.Min(MiB, size));
                if (size > MiB) FillAt(Math.Max(MiB, size - MiB), size - Math.Max(MiB, size - MiB));
            }
        }
    }
}
