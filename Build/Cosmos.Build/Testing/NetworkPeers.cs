using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;
using Cosmos.Build.Toolchain;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Host-side peers that a test kernel talks to over QEMU user networking (the guest reaches the host's 127.0.0.1
    /// as 10.0.2.2). A qemu-args.txt token may hold <c>{peer:KIND}</c>: the runner starts that peer on a free loopback
    /// port for this boot and writes the port in its place; the usual way to hand it to the guest is QEMU's fw_cfg,
    /// e.g. <c>-fw_cfg name=opt/cosmos/udp-echo,string={peer:udp-echo}</c> (read in the kernel with
    /// Cosmos.HAL.Firmware.QemuFwCfg). Kinds: <c>udp-echo</c> (sends every datagram back to its sender), <c>dns</c> (a
    /// small authoritative DNS server for *.cosmos.test, see <see cref="DnsAnswer"/>), <c>inject</c> (the chardev end of
    /// a QEMU filter-redirector that delivers frames to the guest) with <c>inject-control</c> (the UDP port a kernel
    /// asks for a batch of bad frames on, see <see cref="InjectCommand"/>), <c>tcp-echo</c>, <c>tcp-sink</c> (reads and discards), <c>tcp-source</c> (sends the number of bytes asked, see <see cref="Source"/>), and <c>lossy-rx-out</c>,
    /// <c>lossy-rx-in</c>, <c>lossy-tx-out</c>, <c>lossy-tx-in</c> (the four chardev ends of an impaired link,
    /// <see cref="LossyRelay"/>). Peers stop
    /// when the boot ends (<see cref="Dispose"/>). Loopback only: nothing listens on other addresses.
    /// </summary>
    public sealed class NetworkPeers : IDisposable
    {
        private static readonly Regex Placeholder = new(@"\{peer:([a-z0-9-]+)\}");
        private readonly List<IDisposable> _running = new();
        private readonly Dictionary<string, int> _ports = new();

        /// <summary>Datagrams the UDP peers answered (for diagnostics).</summary>
        public long UdpAnswered;

        /// <summary>Replaces every <c>{peer:KIND}</c> in <paramref name="token"/> with the port of that peer, starting it on first use.</summary>
        /// <exception cref="ArgumentException">An unknown kind.</exception>
        public string Expand(string token)
        {
            if (token.Contains("{port:")) token = PortPlaceholder.Replace(token, m => FreePort(m.Groups[1].Value).ToString());
            if (!token.Contains("{peer:")) return token;
            return Placeholder.Replace(token, m => Port(m.Groups[1].Value).ToString());
        }

        private static readonly Regex PortPlaceholder = new(@"\{port:([a-z0-9-]+)\}");
        private readonly Dictionary<string, int> _freePorts = new();

        /// <summary>
        /// <c>{port:NAME}</c>: a loopback TCP port that was free when asked (the same number for every use of NAME in
        /// one run), for QEMU's <c>hostfwd=tcp:127.0.0.1:{port:NAME}-:GUESTPORT</c>.
        /// </summary>
        private int FreePort(string name)
        {
            if (_freePorts.TryGetValue(name, out int p)) return p;
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            p = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            _freePorts[name] = p;
            return p;
        }

        private int Port(string kind)
        {
            if (_ports.TryGetValue(kind, out int p)) return p;
            p = kind switch
            {
                "udp-echo" => StartUdp("udp-echo", (q, n) => q.AsSpan(0, n).ToArray()),
                "dns" => StartUdp("dns", DnsAnswer),
                "inject" => StartInjectListener(),
                "inject-control" => StartUdp("inject-control", InjectCommand),
                "tcp-echo" => StartTcpServer("tcp-echo", Echo),
                "tcp-sink" => StartTcpServer("tcp-sink", Sink),
                "tcp-source" => StartTcpServer("tcp-source", Source),
                "http" => StartHttp(),
                "uploader" => StartUdp("uploader", UploadCommand),
                "lossy-rx-out" => Lossy.Listen(0, true),
                "lossy-rx-in" => Lossy.Listen(0, false),
                "lossy-tx-out" => Lossy.Listen(1, true),
                "lossy-tx-in" => Lossy.Listen(1, false),
                _ => throw new ArgumentException($"unknown peer '{{peer:{kind}}}' (known: udp-echo, dns, inject, inject-control, tcp-echo, tcp-sink, tcp-source, http, uploader, lossy-rx-out, lossy-rx-in, lossy-tx-out, lossy-tx-in)"),
            };
            _ports[kind] = p;
            return p;
        }

        /// <summary>
        /// The dns peer's zone (A records; IN class; RFC 1035 §4.1): peer.cosmos.test → 10.0.2.2 (TTL 60),
        /// alias.cosmos.test CNAME peer.cosmos.test, short-ttl.cosmos.test → 10.9.8.7 (TTL 1),
        /// multi.cosmos.test → 10.1.1.1 and 10.1.1.2; any other name gets NXDOMAIN; malformed queries get no answer.
        /// Built by hand from the RFC layout, independent of the kernel's DNS code.
        /// </summary>
        private static byte[] DnsAnswer(byte[] q, int n)
        {
            if (n < 17) return null;
            int pos = 12;
            var labels = new List<string>();
            while (pos < n && q[pos] != 0)
            {
                int len = q[pos];
                if (len > 63 || pos + 1 + len > n) return null;
                labels.Add(System.Text.Encoding.ASCII.GetString(q, pos + 1, len));
                pos += 1 + len;
            }
            if (pos + 5 > n) return null;
            int questionEnd = pos + 5;
            string name = string.Join(".", labels).ToLowerInvariant();
            var r = new List<byte>();
            r.AddRange(new[] { q[0], q[1], (byte)(0x81 | (q[2] & 0x01)), (byte)0x80, (byte)0, (byte)1, (byte)0, (byte)0, (byte)0, (byte)0, (byte)0, (byte)0 });
            for (int i = 12; i < questionEnd; i++) r.Add(q[i]);
            void U16(int v) { r.Add((byte)(v >> 8)); r.Add((byte)v); }
            void U32(uint v) { U16((int)(v >> 16)); U16((int)(v & 0xFFFF)); }
            void A(uint ttl, byte a, byte b, byte c, byte d) { U16(0xC00C); U16(1); U16(1); U32(ttl); U16(4); r.AddRange(new[] { a, b, c, d }); }
            int answers = 0;
            switch (name)
            {
                case "peer.cosmos.test": A(60, 10, 0, 2, 2); answers = 1; break;
                case "short-ttl.cosmos.test": A(1, 10, 9, 8, 7); answers = 1; break;
                case "multi.cosmos.test": A(60, 10, 1, 1, 1); A(60, 10, 1, 1, 2); answers = 2; break;
                case "alias.cosmos.test":
                {
                    // CNAME at the question name, then the target's A record with the target spelled out.
                    byte[] target = { 4, (byte)'p', (byte)'e', (byte)'e', (byte)'r', 6, (byte)'c', (byte)'o', (byte)'s', (byte)'m', (byte)'o', (byte)'s', 4, (byte)'t', (byte)'e', (byte)'s', (byte)'t', 0 };
                    U16(0xC00C); U16(5); U16(1); U32(60); U16(target.Length); int targetAt = r.Count; r.AddRange(target);
                    U16(0xC000 | targetAt); U16(1); U16(1); U32(60); U16(4); r.AddRange(new byte[] { 10, 0, 2, 2 });
                    answers = 2;
                    break;
                }
                default: r[3] = 0x83; break;                     // RA + RCODE 3 (NXDOMAIN)
            }
            r[7] = (byte)answers;
            return r.ToArray();
        }

        private int StartUdp(string kind, Func<byte[], int, byte[]> answer)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _running.Add(s);
            var t = new Thread(() =>
            {
                var buffer = new byte[65536];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                try
                {
                    while (true)
                    {
                        int n = s.ReceiveFrom(buffer, ref from);
                        var reply = answer(buffer, n);
                        if (reply == null) continue;
                        s.SendTo(reply, SocketFlags.None, from);
                        Interlocked.Increment(ref UdpAnswered);
                    }
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
            }) { IsBackground = true, Name = "peer " + kind };
            t.Start();
            return ((IPEndPoint)s.LocalEndPoint!).Port;
        }

        private System.Net.Sockets.NetworkStream _inject;
        private readonly ManualResetEventSlim _injectConnected = new();

        /// <summary>
        /// The inject peer: a TCP listener on loopback for QEMU's chardev of a <c>filter-redirector</c> with
        /// <c>indev=</c> (e.g. <c>-chardev socket,id=inj,host=127.0.0.1,port={peer:inject}</c> and
        /// <c>-object filter-redirector,id=r0,netdev=n0,queue=tx,indev=inj</c>): frames written to it, each as a
        /// big-endian 32-bit length and the bytes (QEMU's net socket framing), are delivered to the guest's card.
        /// </summary>
        private int StartInjectListener()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            _running.Add(new Disposable(() => l.Stop()));
            l.BeginAcceptTcpClient(ar =>
            {
                try
                {
                    var c = l.EndAcceptTcpClient(ar);
                    _running.Add(c);
                    _inject = c.GetStream();
                    _injectConnected.Set();
                }
                catch (Exception) { }
            }, null);
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        /// <summary>Frames injected so far (all batches).</summary>
        public int FramesInjected;

        /// <summary>
        /// The inject-control peer's command: "bad-frames MAC GUESTIP GATEWAYIP DNSPORT DNSSERVERPORT CLOSEDPORT" (MAC as
        /// 12 hex digits) writes the <see cref="BadFrames"/> batch (with 200 mutations) to the inject chardev and answers
        /// "sent N M" (N frames, M of them malformed for the IPv4 host); "syn-flood MAC GUESTIP PORT COUNT" writes COUNT
        /// spoofed SYNs (<see cref="BadFrames.SynFlood"/>) and answers "sent COUNT 0"; errors answer "error …".
        /// </summary>
        private byte[] InjectCommand(byte[] q, int n)
        {
            string reply;
            try
            {
                var w = System.Text.Encoding.ASCII.GetString(q, 0, n).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (w.Length == 5 && w[0] == "syn-flood" && w[1].Length == 12)
                {
                    if (!_injectConnected.Wait(5000) || _inject == null) throw new InvalidOperationException("QEMU did not connect to the inject chardev");
                    var flood = BadFrames.SynFlood(Convert.FromHexString(w[1]), IPAddress.Parse(w[2]), ushort.Parse(w[3]), int.Parse(w[4]), 5);
                    foreach (var f in flood) WriteFrame(f);
                    _inject.Flush();
                    return System.Text.Encoding.ASCII.GetBytes($"sent {flood.Count} 0");
                }
                if (w.Length != 7 || w[0] != "bad-frames" || w[1].Length != 12) throw new FormatException("expected: bad-frames MAC GUESTIP GATEWAYIP DNSPORT DNSSERVERPORT CLOSEDPORT");
                var mac = Convert.FromHexString(w[1]);
                if (!_injectConnected.Wait(5000) || _inject == null) throw new InvalidOperationException("QEMU did not connect to the inject chardev");
                var batch = BadFrames.Build(mac, IPAddress.Parse(w[2]), IPAddress.Parse(w[3]), ushort.Parse(w[4]), ushort.Parse(w[5]), ushort.Parse(w[6]), 200, 11);
                int malformed = 0;
                foreach (var f in batch)
                {
                    WriteFrame(f.Bytes);
                    if (f.Malformed) malformed++;
                }
                _inject.Flush();
                reply = $"sent {batch.Count} {malformed}";
            }
            catch (Exception e) { reply = "error " + e.Message; }
            return System.Text.Encoding.ASCII.GetBytes(reply);
        }

        /// <summary>Writes one frame to the inject chardev, paced (16 frames per 10 ms) so a guest under TCG keeps up instead of losing frames to a full ring.</summary>
        private void WriteFrame(byte[] frame)
        {
            var len = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, frame.Length);
            _inject.Write(len);
            _inject.Write(frame);
            if (Interlocked.Increment(ref FramesInjected) % 16 == 0) { _inject.Flush(); Thread.Sleep(10); }
        }

        private LossyRelay _lossy;

        /// <summary>The impaired-link relay (created by the first lossy-* placeholder; null otherwise).</summary>
        public LossyRelay LossyLink => _lossy;

        private LossyRelay Lossy
        {
            get
            {
                if (_lossy == null) { _lossy = new LossyRelay(); _running.Add(_lossy); }
                return _lossy;
            }
        }

        /// <summary>The tcp-echo peer: every connection gets back what it sends, until it closes its side.</summary>
        private static void Echo(TcpClient c)
        {
            var st = c.GetStream();
            var buf = new byte[65536];
            int n;
            while ((n = st.Read(buf, 0, buf.Length)) > 0) st.Write(buf, 0, n);
            c.Client.Shutdown(SocketShutdown.Send);
        }

        /// <summary>Byte <paramref name="i"/> of the http peer's GET /bytes/N body: (i * 7 + (i >> 10)) &amp; 0xFF.</summary>
        public static byte HttpPattern(long i) => (byte)((i * 7 + (i >> 10)) & 0xFF);

        /// <summary>
        /// The http peer (HTTP/1.1, keep-alive): GET /bytes/N answers N bytes of <see cref="HttpPattern"/>
        /// (application/octet-stream, Content-Length) with the lowercase hex SHA-256 of exactly the bytes it then sends in
        /// an <c>X-Content-SHA256</c> header (<see cref="HttpBodySha256Header"/>, hashed from the same buffers before they
        /// are written, so the client can check the body by digest); POST /sha256 answers the lowercase hex SHA-256 of the request
        /// body (Content-Length or chunked); anything else 404.
        /// </summary>
        public const string HttpBodySha256Header = "X-Content-SHA256";

        /// <summary>The http peer (see above).</summary>
        private int StartHttp() => StartTcpServer("http", c => ServeHttp(c.GetStream()));

        private static string ReadLine(System.IO.Stream s)
        {
            var sb = new System.Text.StringBuilder();
            while (true)
            {
                int b = s.ReadByte();
                if (b < 0) return sb.Length == 0 ? null : sb.ToString();
                if (b == '\n') return sb.ToString().TrimEnd('\r');
                sb.Append((char)b);
            }
        }

        private static void ReadExactly(System.IO.Stream s, byte[] buf, int n, System.Security.Cryptography.IncrementalHash h)
        {
            int got = 0;
            while (got < n)
            {
                int r = s.Read(buf, 0, Math.Min(buf.Length, n - got));
                if (r <= 0) throw new System.IO.EndOfStreamException();
                h.AppendData(buf, 0, r);
                got += r;
            }
        }

        private static void ServeHttp(System.IO.Stream s)
        {
            var buf = new byte[65536];
            while (true)
            {
                string request = ReadLine(s);
                if (request == null) return;
                if (request.Length == 0) continue;
                long length = 0; bool chunked = false, close = false;
                string line;
                while (!string.IsNullOrEmpty(line = ReadLine(s)))
                {
                    int colon = line.IndexOf(':');
                    if (colon < 0) continue;
                    string name = line.Substring(0, colon).Trim().ToLowerInvariant(), value = line.Substring(colon + 1).Trim();
                    if (name == "content-length") length = long.Parse(value);
                    else if (name == "transfer-encoding" && value.ToLowerInvariant().Contains("chunked")) chunked = true;
                    else if (name == "connection" && value.ToLowerInvariant() == "close") close = true;
                }
                string[] parts = request.Split(' ');
                using var h = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                if (chunked)
                {
                    while (true)
                    {
                        int n = Convert.ToInt32(ReadLine(s).Split(';')[0].Trim(), 16);
                        if (n == 0) { while (!string.IsNullOrEmpty(ReadLine(s))) { } break; }
                        ReadExactly(s, buf, n, h);
                        ReadLine(s);
                    }
                }
                else ReadExactly(s, buf, (int)length, h);
                string head;
                if (parts.Length >= 2 && parts[0] == "GET" && parts[1].StartsWith("/bytes/") && long.TryParse(parts[1].AsSpan(7), out long count) && count >= 0)
                {
                    // The body is generated twice: once to hash it for the header, once to send it.
                    using var bodyHash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                    for (long off = 0; off < count;)
                    {
                        int k = (int)Math.Min(buf.Length, count - off);
                        for (int i = 0; i < k; i++) buf[i] = HttpPattern(off + i);
                        bodyHash.AppendData(buf, 0, k);
                        off += k;
                    }
                    head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + count + "\r\n"
                        + HttpBodySha256Header + ": " + Convert.ToHexString(bodyHash.GetHashAndReset()).ToLowerInvariant() + "\r\n\r\n";
                    var hb = System.Text.Encoding.ASCII.GetBytes(head);
                    s.Write(hb, 0, hb.Length);
                    for (long off = 0; off < count;)
                    {
                        int k = (int)Math.Min(buf.Length, count - off);
                        for (int i = 0; i < k; i++) buf[i] = HttpPattern(off + i);
                        s.Write(buf, 0, k);
                        off += k;
                    }
                }
                else
                {
                    string body = parts.Length >= 2 && parts[0] == "POST" && parts[1] == "/sha256"
                        ? Convert.ToHexString(h.GetHashAndReset()).ToLowerInvariant() : null;
                    string status = body != null ? "200 OK" : "404 Not Found";
                    body ??= "not found";
                    head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.Length + "\r\n\r\n" + body;
                    var hb = System.Text.Encoding.ASCII.GetBytes(head);
                    s.Write(hb, 0, hb.Length);
                }
                s.Flush();
                if (close) return;
            }
        }

        /// <summary>
        /// The uploader peer's command (one UDP datagram): "upload PORT N" makes it connect to 127.0.0.1:PORT (a
        /// hostfwd port reaching a listener in the guest), send N bytes of <see cref="HttpPattern"/>, shut down its
        /// sending side and wait for the guest to close; the answer "started" comes at once.
        /// </summary>
        private byte[] UploadCommand(byte[] q, int n)
        {
            var parts = System.Text.Encoding.ASCII.GetString(q, 0, n).Split(' ');
            if (parts.Length != 3 || parts[0] != "upload" || !int.TryParse(parts[1], out int port) || !long.TryParse(parts[2], out long count))
                return System.Text.Encoding.ASCII.GetBytes("bad command");
            new Thread(() =>
            {
                try
                {
                    using var c = new TcpClient();
                    c.Connect(IPAddress.Loopback, port);
                    var st = c.GetStream();
                    var buf = new byte[65536];
                    for (long off = 0; off < count;)
                    {
                        int k = (int)Math.Min(buf.Length, count - off);
                        for (int i = 0; i < k; i++) buf[i] = HttpPattern(off + i);
                        st.Write(buf, 0, k);
                        off += k;
                    }
                    c.Client.Shutdown(SocketShutdown.Send);
                    while (st.Read(buf, 0, buf.Length) > 0) { }
                }
                catch (Exception) { }
            }) { IsBackground = true, Name = "peer uploader" }.Start();
            return System.Text.Encoding.ASCII.GetBytes("started");
        }

        /// <summary>A TCP server on loopback running <paramref name="serve"/> for every connection on its own thread.</summary>
        private int StartTcpServer(string kind, Action<TcpClient> serve)
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            _running.Add(new Disposable(() => l.Stop()));
            new Thread(() =>
            {
                try
                {
                    while (true)
                    {
                        var c = l.AcceptTcpClient();
                        lock (_running) _running.Add(c);
                        new Thread(() => { try { using (c) serve(c); } catch (Exception) { } }) { IsBackground = true, Name = "peer " + kind + " connection" }.Start();
                    }
                }
                catch (Exception) { }
            }) { IsBackground = true, Name = "peer " + kind }.Start();
            return ((IPEndPoint)l.LocalEndpoint).Port;
        }

        /// <summary>tcp-sink: reads and discards everything until the guest closes.</summary>
        private static void Sink(TcpClient c)
        {
            var s = c.GetStream();
            var buf = new byte[65536];
            while (s.Read(buf, 0, buf.Length) > 0) { }
        }

        /// <summary>tcp-source: reads an 8-byte big-endian count N, sends N bytes (byte i = (byte)(i * 7 + (i >> 8))), closes.</summary>
        private static void Source(TcpClient c)
        {
            var s = c.GetStream();
            var len = new byte[8];
            int got = 0;
            while (got < 8) { int n = s.Read(len, got, 8 - got); if (n <= 0) return; got += n; }
            long total = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(len);
            var buf = new byte[65536];
            for (long off = 0; off < total;)
            {
                int n = (int)Math.Min(buf.Length, total - off);
                for (int i = 0; i < n; i++) { long k = off + i; buf[i] = (byte)(k * 7 + (k >> 8)); }
                s.Write(buf, 0, n);
                off += n;
            }
            c.Client.Shutdown(SocketShutdown.Send);
            while (s.Read(buf, 0, buf.Length) > 0) { }
        }

        /// <summary>Stops every peer.</summary>
        public void Dispose()
        {
            IDisposable[] all;
            lock (_running) all = _running.ToArray();
            foreach (var r in all) { try { r.Dispose(); } catch { } }
            _running.Clear();
        }
    }
}
