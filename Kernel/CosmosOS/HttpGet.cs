using System;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace CosmosOS
{
    /// <summary>
    /// The demo shell's <c>get &lt;http-url&gt;</c>: an HTTP/1.1 GET (RFC 9112: request line, Host, Connection: close;
    /// the body by Content-Length, chunked transfer coding or until the server closes) over System.Net.Sockets'
    /// TcpClient — the BCL's sockets running on the kernel's socket PAL — printing the status, the body's length and
    /// its SHA-256, computed while the body arrives with System.Security.Cryptography's <see cref="IncrementalHash"/> (the
    /// BCL's Unix code over the kernel's CryptoNative_Evp* exports, Runtime/Cosmos.Runtime/Pal/Crypto).
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
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
                Console.WriteLine("sha256 " + Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant());
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

            public long Copy(long max, IncrementalHash sha, byte[] scratch)
            {
                long done = 0;
                while (done < max && Fill())
                {
                    int n = (int)Math.Min(_len - _pos, max - done);
                    sha.AppendData(_buf, _pos, n);
                    _pos += n;
                    done += n;
                }
                return done;
            }
        }
    }
}
