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

        /// <summary>Replaces the disk placeholders of <paramref name="token"/>, creating their images in <paramref name="directory"/>.</summary>
        /// <exception cref="ArgumentException">A placeholder is malformed (e.g. a size of 0).</exception>
        public static string Expand(string token, string directory)
        {
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
