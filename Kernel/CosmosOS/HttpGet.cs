using System;
using System.Net.Sockets;
using System.Text;

namespace CosmosOS
{
    /// <summary>
    /// The demo shell's <c>get &lt;http-url&gt;</c>: an HTTP/1.1 GET (RFC 9112: request line, Host, Connection: close;
    /// the body by Content-Length, chunked transfer coding or until the server closes) over System.Net.Sockets'
    /// TcpClient — the BCL's sockets running on the kernel's socket PAL — printing the status, the body's length and
    /// its SHA-256. HttpClient itself does not link yet (it references the TLS and GSSAPI natives), and
    /// System.Security.Cryptography has no kernel backend yet, so the digest is <see cref="Sha256"/> here.
    /// </summary>
    internal static class HttpGet
    {
        public static void Run(string[] a)
        {
            if (a.Length < 2 || !Uri.TryCreate(a[1], UriKind.Absolute, out var uri) || uri.Scheme != "http")
            { Console.WriteLine("usage: get http://host[:port]/path (plain HTTP)"); return; }
            if (!NetworkCommands.WaitConfigured()) return;
            try
            {
                var started = DateTime.UtcNow;
                using var client = new TcpClient();
                client.ReceiveTimeout = 15000;
                client.SendTimeout = 15000;
                client.Connect(uri.Host, uri.Port);
                using var stream = client.GetStream();
                var req = Encoding.ASCII.GetBytes($"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUser-Agent: CosmosOS\r\nConnection: close\r\n\r\n");
                stream.Write(req, 0, req.Length);
                var reader = new Reader(stream);
                string status = reader.Line();
                if (status == null || !status.StartsWith("HTTP/1.", StringComparison.Ordinal)) { Console.WriteLine("not an HTTP response: " + (status ?? "(connection closed)")); return; }
                long contentLength = -1;
                bool chunked = false;
                string line;
                while ((line = reader.Line()) != null && line.Length > 0)
                {
                    int colon = line.IndexOf(':');
                    if (colon <= 0) continue;
                    string name = line.Substring(0, colon).Trim(), value = line.Substring(colon + 1).Trim();
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) long.TryParse(value, out contentLength);
                    if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
                }
                var sha = new Sha256();
                long total = 0;
                var buf = new byte[16384];
                if (chunked)
                {
                    while (true)
                    {
                        string size = reader.Line();
                        if (size == null) break;
                        int semi = size.IndexOf(';');
                        long n = Convert.ToInt64((semi >= 0 ? size.Substring(0, semi) : size).Trim(), 16);
                        if (n == 0) break;
                        total += reader.Copy(n, sha, buf);
                        reader.Line();
                    }
                }
                else total = reader.Copy(contentLength < 0 ? long.MaxValue : contentLength, sha, buf);
                double seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                Console.WriteLine(status);
                Console.WriteLine($"{total} bytes in {seconds:0.00} s ({total / seconds / 1e6:0.00} MB/s)");
                Console.WriteLine("sha256 " + sha.FinishHex());
                if (contentLength >= 0 && total != contentLength) Console.WriteLine($"warning: Content-Length was {contentLength}");
            }
            catch (SocketException e) { Console.WriteLine($"get: {e.SocketErrorCode}: {e.Message}"); }
            catch (System.IO.IOException e) { Console.WriteLine("get: " + e.Message); }
        }

        /// <summary>Buffered reads of an HTTP response: CRLF lines, then body bytes.</summary>
        private sealed class Reader
        {
            private readonly NetworkStream _s;
            private readonly byte[] _buf = new byte[16384];
            private int _pos, _len;
            public Reader(NetworkStream s) => _s = s;

            private bool Fill()
            {
                if (_pos < _len) return true;
                _pos = 0;
                _len = _s.Read(_buf, 0, _buf.Length);
                return _len > 0;
            }

            public string Line()
            {
                var sb = new StringBuilder();
                while (Fill())
                {
                    char c = (char)_buf[_pos++];
                    if (c == '\n') { if (sb.Length > 0 && sb[sb.Length - 1] == '\r') sb.Length--; return sb.ToString(); }
                    sb.Append(c);
                    if (sb.Length > 8192) return null;
                }
                return sb.Length > 0 ? sb.ToString() : null;
            }

            public long Copy(long max, Sha256 sha, byte[] scratch)
            {
                long done = 0;
                while (done < max && Fill())
                {
                    int n = (int)Math.Min(_len - _pos, max - done);
                    sha.Update(_buf.AsSpan(_pos, n));
                    _pos += n;
                    done += n;
                }
                return done;
            }
        }
    }

    /// <summary>SHA-256 (FIPS 180-4 §6.2), incremental. Interim for the demo until System.Security.Cryptography has a kernel backend.</summary>
    internal sealed class Sha256
    {
        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };
        private readonly uint[] _h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
        private readonly byte[] _block = new byte[64];
        private readonly uint[] _w = new uint[64];
        private int _fill;
        private ulong _bytes;

        private static uint Rotr(uint x, int n) => (x >> n) | (x << (32 - n));

        public void Update(ReadOnlySpan<byte> data)
        {
            _bytes += (ulong)data.Length;
            foreach (byte b in data)
            {
                _block[_fill++] = b;
                if (_fill == 64) { Compress(); _fill = 0; }
            }
        }

        private void Compress()
        {
            for (int i = 0; i < 16; i++) _w[i] = (uint)(_block[4 * i] << 24 | _block[4 * i + 1] << 16 | _block[4 * i + 2] << 8 | _block[4 * i + 3]);
            for (int i = 16; i < 64; i++)
            {
                uint s0 = Rotr(_w[i - 15], 7) ^ Rotr(_w[i - 15], 18) ^ (_w[i - 15] >> 3);
                uint s1 = Rotr(_w[i - 2], 17) ^ Rotr(_w[i - 2], 19) ^ (_w[i - 2] >> 10);
                _w[i] = _w[i - 16] + s0 + _w[i - 7] + s1;
            }
            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int i = 0; i < 64; i++)
            {
                uint t1 = h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + _w[i];
                uint t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
            }
            _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d; _h[4] += e; _h[5] += f; _h[6] += g; _h[7] += h;
        }

        public string FinishHex()
        {
            ulong bits = _bytes * 8;
            Update(new byte[] { 0x80 });
            while (_fill != 56) Update(new byte[] { 0 });
            Span<byte> len = stackalloc byte[8];
            for (int i = 0; i < 8; i++) len[i] = (byte)(bits >> (56 - 8 * i));
            Update(len);
            var sb = new StringBuilder(64);
            foreach (uint v in _h) sb.Append(v.ToString("x8"));
            return sb.ToString();
        }
    }
}
