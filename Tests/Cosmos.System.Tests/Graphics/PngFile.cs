using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Cosmos.System.Tests.Graphics
{
    /// <summary>
    /// Just enough PNG (ISO/IEC 15948, W3C PNG 2nd edition) for the expected screenshots: writes 8-bit RGB (colour type 2,
    /// filter 0 on every row, one zlib IDAT) and reads 8-bit RGB or RGBA non-interlaced files with any of the five row
    /// filters. Pixels are 0xRRGGBB ints.
    /// </summary>
    internal static class PngFile
    {
        private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        private static readonly uint[] CrcTable = MakeCrcTable();

        private static uint[] MakeCrcTable()
        {
            var t = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[n] = c;
            }
            return t;
        }

        private static uint Crc(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            uint c = 0xFFFFFFFFu;
            foreach (byte x in a) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
            foreach (byte x in b) c = CrcTable[(c ^ x) & 0xFF] ^ (c >> 8);
            return c ^ 0xFFFFFFFFu;
        }

        private static void Chunk(Stream s, string type, ReadOnlySpan<byte> data)
        {
            Span<byte> head = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
            for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
            s.Write(head);
            s.Write(data);
            Span<byte> crc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(head.Slice(4), data));
            s.Write(crc);
        }

        public static void Write(string path, int width, int height, int[] rgb)
        {
            var raw = new byte[(width * 3 + 1) * height];
            for (int y = 0, o = 0; y < height; y++)
            {
                raw[o++] = 0;
                for (int x = 0; x < width; x++)
                {
                    int p = rgb[y * width + x];
                    raw[o++] = (byte)(p >> 16); raw[o++] = (byte)(p >> 8); raw[o++] = (byte)p;
                }
            }
            var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.SmallestSize, leaveOpen: true)) zs.Write(raw);
            using var f = File.Create(path);
            f.Write(Signature);
            var ihdr = new byte[13];
            BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
            BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
            ihdr[8] = 8; ihdr[9] = 2;
            Chunk(f, "IHDR", ihdr);
            Chunk(f, "IDAT", z.ToArray());
            Chunk(f, "IEND", ReadOnlySpan<byte>.Empty);
        }

        public static (int Width, int Height, int[] Rgb) Read(string path)
        {
            byte[] b = File.ReadAllBytes(path);
            if (b.Length < 8 || !b.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException(path + ": not a PNG");
            int pos = 8, w = 0, h = 0, channels = 0;
            var idat = new MemoryStream();
            while (pos + 12 <= b.Length)
            {
                int len = (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos));
                string type = global::System.Text.Encoding.ASCII.GetString(b, pos + 4, 4);
                var data = b.AsSpan(pos + 8, len);
                if (type == "IHDR")
                {
                    w = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                    h = (int)BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4));
                    if (data[8] != 8 || (data[9] != 2 && data[9] != 6) || data[12] != 0) throw new InvalidDataException(path + ": only 8-bit RGB/RGBA non-interlaced PNGs are read here");
                    channels = data[9] == 2 ? 3 : 4;
                }
                else if (type == "IDAT") idat.Write(data);
                else if (type == "IEND") break;
                pos += 12 + len;
            }
            idat.Position = 0;
            var raw = new MemoryStream();
            using (var zs = new ZLibStream(idat, CompressionMode.Decompress)) zs.CopyTo(raw);
            byte[] r = raw.ToArray();
            int stride = w * channels;
            if (r.Length < (stride + 1) * h) throw new InvalidDataException(path + ": image data too short");
            var cur = new byte[stride];
            var prev = new byte[stride];
            var rgb = new int[w * h];
            for (int y = 0; y < h; y++)
            {
                int filter = r[y * (stride + 1)];
                Array.Copy(r, y * (stride + 1) + 1, cur, 0, stride);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= channels ? cur[i - channels] : 0, up = prev[i], c = i >= channels ? prev[i - channels] : 0;
                    int add = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => up,
                        3 => (a + up) >> 1,
                        4 => Paeth(a, up, c),
                        _ => throw new InvalidDataException(path + ": bad filter type " + filter),
                    };
                    cur[i] = (byte)(cur[i] + add);
                }
                for (int x = 0; x < w; x++)
                    rgb[y * w + x] = (cur[x * channels] << 16) | (cur[x * channels + 1] << 8) | cur[x * channels + 2];
                (prev, cur) = (cur, prev);
            }
            return (w, h, rgb);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
