using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
#if !SOCKETCASES_NO_HTTP
using System.Net.Http;
#endif
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

// Compiled twice: into the SocketTests kernel (Tests/Kernels/SocketTests), where System.Net runs over the kernel's
// socket PAL (KernelSocketPal over NetworkStack), and into Tests/Cosmos.Conformance.Tests, where CoreCLR runs the same
// code on Linux against the same peers (Build/Cosmos.Build/Testing/NetworkPeers.cs) on 127.0.0.1. Both must produce
// each case's expected text. Plain C# and the BCL only: no Cosmos.* type here. SOCKETCASES_NO_HTTP leaves out
// HttpClient (System.Security.Cryptography's SHA-256 runs in both: the kernel implements its digest exports).

namespace Cosmos.TestCases
{
    /// <summary>Where the peers are: the host's address as the code under test sees it, and the peers' ports.</summary>
    public sealed class SocketEnvironment
    {
        /// <summary>The address of the machine running the peers (10.0.2.2 from a QEMU guest, 127.0.0.1 on the host).</summary>
        public IPAddress PeerHost;
        /// <summary>The address to ping (the gateway in the kernel, loopback on the host).</summary>
        public IPAddress PingTarget;
        /// <summary>Peer ports by kind ("tcp-echo", "udp-echo", "http").</summary>
        public Dictionary<string, int> Ports = new Dictionary<string, int>();
        /// <summary>True when the DNS resolver is pointed at the dns peer (the kernel); the host cannot do that.</summary>
        public bool HasDnsPeer;
        /// <summary>The port the upload case listens on (0: any; the kernel uses the hostfwd's guest port).</summary>
        public int UploadListenPort;
        /// <summary>The port the uploader peer must connect to (the hostfwd's host port; 0: the listener's own port).</summary>
        public int UploadConnectPort;
        /// <summary>A port on <see cref="PeerHost"/> where nobody listens.</summary>
        public int ClosedPort = 9;
    }

    /// <summary>One System.Net case: a body and the text .NET produces for it.</summary>
    public sealed class SocketCase
    {
        /// <summary>A case.</summary>
        public SocketCase(string name, Func<SocketEnvironment, string> body, string expected, bool needsDnsPeer = false)
        {
            Name = name; Body = body; Expected = expected; NeedsDnsPeer = needsDnsPeer;
        }

        /// <summary>Name (no ": " in it).</summary>
        public string Name { get; }
        /// <summary>The operations.</summary>
        public Func<SocketEnvironment, string> Body { get; }
        /// <summary>What .NET returns.</summary>
        public string Expected { get; }
        /// <summary>True when the case needs <see cref="SocketEnvironment.HasDnsPeer"/>.</summary>
        public bool NeedsDnsPeer { get; }

        /// <summary>Runs the body; an exception escaping it becomes "threw TYPE (SocketError)" text.</summary>
        public string Run(SocketEnvironment env)
        {
            try { return Body(env); }
            catch (AggregateException a) when (a.InnerException != null) { return Describe(a.InnerException); }
            catch (Exception e) { return Describe(e); }
        }

        internal static string Describe(Exception e)
        {
            var s = "threw " + e.GetType().Name;
            if (e is SocketException se) s += " " + se.SocketErrorCode;
            else if (e.InnerException is SocketException ie) s += " (" + ie.SocketErrorCode + ")";
            return s + ": " + e.Message;
        }
    }

    /// <summary>The cases. The http peer's GET /bytes/N answers N bytes where byte i is (i * 7 + (i >> 10)) &amp; 0xFF.</summary>
    public static class SocketCases
    {
        /// <summary>Byte <paramref name="i"/> of the http peer's /bytes/N pattern.</summary>
        public static byte Pattern(long i) => (byte)((i * 7 + (i >> 10)) & 0xFF);

        /// <summary>Hex SHA-256 of the first <paramref name="n"/> pattern bytes.</summary>
        public static string PatternSha256(int n)
        {
            var b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = Pattern(i);
            return Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();
        }

        /// <summary>The data the POST case sends (exposed so the host can check <see cref="PostBodySha256"/>).</summary>
        public static byte[] PostBody() => Data(100_000, 5);

        /// <summary>Reads <paramref name="s"/> to its end and checks every byte against <see cref="Pattern"/>: "N bytes, pattern ok".</summary>
        public static string ReadPattern(Stream s)
        {
            var buf = new byte[65536];
            long total = 0, firstBad = -1;
            int r;
            while ((r = s.Read(buf, 0, buf.Length)) > 0)
            {
                if (firstBad < 0)
                    for (int i = 0; i < r; i++)
                        if (buf[i] != Pattern(total + i)) { firstBad = total + i; break; }
                total += r;
            }
            return total + " bytes, " + (firstBad < 0 ? "pattern ok" : "pattern differs at " + firstBad);
        }

        private static byte[] Data(int n, int seed)
        {
            var b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte)(i * 13 + seed + (i >> 8));
            return b;
        }

        private static bool Same(byte[] a, byte[] b, int n)
        {
            for (int i = 0; i < n; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static IPEndPoint Peer(SocketEnvironment env, string kind) => new IPEndPoint(env.PeerHost, env.Ports[kind]);

        private static string EchoSync(SocketEnvironment env)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(Peer(env, "tcp-echo"));
            var data = Data(65536, 1);
            int sent = s.Send(data);
            var back = new byte[data.Length];
            int got = 0;
            while (got < back.Length)
            {
                int n = s.Receive(back, got, back.Length - got, SocketFlags.None);
                if (n == 0) break;
                got += n;
            }
            s.Shutdown(SocketShutdown.Send);
            int end = s.Receive(new byte[16]);
            return "sent " + sent + " got " + got + " same " + Same(data, back, got) + " then " + end + " connected " + s.Connected;
        }

        private static string EchoStream(SocketEnvironment env)
        {
            using var c = new TcpClient();
            c.Connect(Peer(env, "tcp-echo"));
            var st = c.GetStream();
            var data = Data(200_000, 2);
            var back = new byte[data.Length];
            var reader = Task.Run(() => { int got = 0; while (got < back.Length) { int n = st.Read(back, got, back.Length - got); if (n == 0) break; got += n; } return got; });
            st.Write(data, 0, data.Length);
            int r = reader.Result;
            return "got " + r + " same " + Same(data, back, r);
        }

        private static async Task<string> EchoAsyncOne(SocketEnvironment env, int size, int seed)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(Peer(env, "tcp-echo"));
            var data = Data(size, seed);
            var back = new byte[size];
            var send = s.SendAsync(data, SocketFlags.None);
            int got = 0;
            while (got < size)
            {
                int n = await s.ReceiveAsync(back.AsMemory(got), SocketFlags.None);
                if (n == 0) break;
                got += n;
            }
            await send;
            return got == size && Same(data, back, size) ? "ok" : "bad " + got;
        }

        private static string Concurrent(SocketEnvironment env)
        {
            var tasks = new Task<string>[24];
            for (int i = 0; i < tasks.Length; i++) tasks[i] = EchoAsyncOne(env, 16384 + i * 1000, i);
            Task.WaitAll(tasks);
            int ok = 0;
            foreach (var t in tasks) if (t.Result == "ok") ok++;
            return ok + " of " + tasks.Length + " ok";
        }

        private static string Refused(SocketEnvironment env)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { s.Connect(new IPEndPoint(env.PeerHost, env.ClosedPort)); return "connected"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
        }

        private static string RefusedAsync(SocketEnvironment env)
        {
            using var c = new TcpClient();
            try { c.ConnectAsync(env.PeerHost, env.ClosedPort).GetAwaiter().GetResult(); return "connected"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
        }

        private static string Udp(SocketEnvironment env)
        {
            using var u = new UdpClient(AddressFamily.InterNetwork);
            u.Client.ReceiveTimeout = 5000;
            var sb = new StringBuilder();
            for (int i = 0; i < 3; i++)
            {
                var msg = Encoding.ASCII.GetBytes("datagram " + i);
                u.Send(msg, msg.Length, Peer(env, "udp-echo"));
                var from = new IPEndPoint(IPAddress.Any, 0);
                var back = u.Receive(ref from);
                sb.Append(Encoding.ASCII.GetString(back)).Append(from.Port == env.Ports["udp-echo"] ? " from peer; " : " from elsewhere; ");
            }
            return sb.ToString();
        }

        private static string UdpAsync(SocketEnvironment env)
        {
            using var u = new UdpClient(AddressFamily.InterNetwork);
            u.Connect(Peer(env, "udp-echo"));
            var msg = Encoding.ASCII.GetBytes("async datagram");
            u.SendAsync(msg, msg.Length).GetAwaiter().GetResult();
            var r = u.ReceiveAsync().GetAwaiter().GetResult();
            return Encoding.ASCII.GetString(r.Buffer);
        }

        private static string UdpTimeout(SocketEnvironment env)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 0));
            s.ReceiveTimeout = 300;
            try { s.Receive(new byte[100]); return "received"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
        }

        private static string BindTwice(SocketEnvironment env)
        {
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            a.Bind(new IPEndPoint(IPAddress.Any, 0));
            int port = ((IPEndPoint)a.LocalEndPoint).Port;
            using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try { b.Bind(new IPEndPoint(IPAddress.Any, port)); return "bound"; }
            catch (SocketException e) { return (port > 0) + " " + e.SocketErrorCode; }
        }

        private static string ListenTwice(SocketEnvironment env)
        {
            var a = new TcpListener(IPAddress.Any, 0);
            a.Start();
            int port = ((IPEndPoint)a.LocalEndpoint).Port;
            var b = new TcpListener(IPAddress.Any, port);
            try { b.Start(); b.Stop(); return "listening twice"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
            finally { a.Stop(); }
        }

        private static string NotConnected(SocketEnvironment env)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try { s.Send(new byte[1]); return "sent"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
        }

#if !SOCKETCASES_NO_HTTP
        private static string Http(SocketEnvironment env, int n)
        {
            using var h = new HttpClient();
            h.Timeout = TimeSpan.FromMinutes(3);
            var url = "http://" + env.PeerHost + ":" + env.Ports["http"] + "/bytes/" + n;
            using var resp = h.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
            using var st = resp.Content.ReadAsStream();
            string served = resp.Headers.TryGetValues(BodySha256Header, out var values) ? string.Join(",", values) : null;
            return (int)resp.StatusCode + " " + ReadHashed(st, served);
        }

        /// <summary>The header in which the http peer sends the SHA-256 of the body it serves (NetworkPeers.HttpBodySha256Header).</summary>
        public const string BodySha256Header = "X-Content-SHA256";

        /// <summary>
        /// Reads <paramref name="s"/> to its end, hashing it with SHA-256 as it comes, and compares the digest with
        /// <paramref name="expectedHex"/> (what the peer computed of what it sent): "N bytes, sha256 matches the peer's",
        /// or the two digests when one byte differs.
        /// </summary>
        public static string ReadHashed(Stream s, string expectedHex)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buf = new byte[65536];
            long total = 0;
            int r;
            while ((r = s.Read(buf, 0, buf.Length)) > 0)
            {
                h.AppendData(buf, 0, r);
                total += r;
            }
            string got = Convert.ToHexString(h.GetHashAndReset()).ToLowerInvariant();
            if (expectedHex == null) return total + " bytes, the peer sent no " + BodySha256Header;
            return total + " bytes, " + (got == expectedHex ? "sha256 matches the peer's" : "sha256 " + got + " but the peer served " + expectedHex);
        }

        /// <summary>SHA-256 of <see cref="Data"/>(100000, 5), as the http peer's POST /sha256 computes it (checked on the host by Cosmos.Conformance.Tests).</summary>
        public const string PostBodySha256 = "a5b9476b9366dfc2ad45398e78b39ec70885e3632051d3b360f504151082a661";

        private static string HttpPost(SocketEnvironment env)
        {
            using var h = new HttpClient();
            var body = Data(100_000, 5);
            var url = "http://" + env.PeerHost + ":" + env.Ports["http"] + "/sha256";
            var resp = h.PostAsync(url, new ByteArrayContent(body)).GetAwaiter().GetResult();
            string got = resp.Content.ReadAsStringAsync().GetAwaiter().GetResult().Trim();
            return (int)resp.StatusCode + " " + (got == PostBodySha256 ? "sha256 matches" : "sha256 differs: " + got);
        }

#endif

        /// <summary><see cref="ReadHashed"/> on a body with one byte flipped reports the difference (the download cases' check is not vacuous).</summary>
        private static string OneByteDiffers(SocketEnvironment env)
        {
            var b = new byte[1 << 20];
            for (int i = 0; i < b.Length; i++) b[i] = Pattern(i);
            string good = Convert.ToHexString(SHA256.HashData(b)).ToLowerInvariant();
            string intact = ReadHashed(new MemoryStream(b), good);
            b[654321] ^= 0x10;
            string flipped = ReadHashed(new MemoryStream(b), good);
            return intact + "; flipped: " + (flipped.Contains("but the peer served " + good) ? "differs" : flipped);
        }

        private static string LocalListener(SocketEnvironment env)
        {
            var l = new TcpListener(IPAddress.Any, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            try
            {
                var accept = l.AcceptTcpClientAsync();
                using var c = new TcpClient();
                c.Connect(new IPEndPoint(IPAddress.Loopback, port));
                using var server = accept.GetAwaiter().GetResult();
                var msg = Encoding.ASCII.GetBytes("through loopback");
                c.GetStream().Write(msg, 0, msg.Length);
                c.Client.Shutdown(SocketShutdown.Send);
                var buf = new byte[100];
                int got = 0, n;
                var ss = server.GetStream();
                while ((n = ss.Read(buf, got, buf.Length - got)) > 0) got += n;
                return Encoding.ASCII.GetString(buf, 0, got);
            }
            finally { l.Stop(); }
        }

        private static string Upload(SocketEnvironment env, int n)
        {
            var l = new TcpListener(IPAddress.Any, env.UploadListenPort);
            l.Start();
            try
            {
                int connect = env.UploadConnectPort != 0 ? env.UploadConnectPort : ((IPEndPoint)l.LocalEndpoint).Port;
                using (var u = new UdpClient(AddressFamily.InterNetwork))
                {
                    u.Client.ReceiveTimeout = 5000;
                    var cmd = Encoding.ASCII.GetBytes("upload " + connect + " " + n);
                    u.Send(cmd, cmd.Length, Peer(env, "uploader"));
                    var from = new IPEndPoint(IPAddress.Any, 0);
                    string answer = Encoding.ASCII.GetString(u.Receive(ref from));
                    if (answer != "started") return "uploader says " + answer;
                }
                using var c = l.AcceptTcpClient();
                return ReadPattern(c.GetStream());
            }
            finally { l.Stop(); }
        }

        private static string PingCase(SocketEnvironment env)
        {
            using var p = new Ping();
            var r = p.Send(env.PingTarget, 3000);
            return r.Status + " " + r.Address;
        }

        private static string Interfaces(SocketEnvironment env)
        {
            bool loopback = false, up = false;
            foreach (var n in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (n.NetworkInterfaceType == NetworkInterfaceType.Loopback) loopback = true;
                else if (n.OperationalStatus == OperationalStatus.Up) up = true;
            }
            return "loopback " + loopback + ", an up interface " + up;
        }

        private static string CloseWakes(Socket s)
        {
            var t = Task.Run(() =>
            {
                // .NET ends the blocked call with ObjectDisposedException or SocketError Interrupted/OperationAborted/
                // ConnectionAborted depending on how the close races the wake-up (Linux and the kernel differ in timing).
                try { int n = s.Receive(new byte[10]); return "returned " + n; }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.Interrupted or SocketError.OperationAborted or SocketError.ConnectionAborted) { return "woken"; }
                catch (SocketException e) { return e.SocketErrorCode.ToString(); }
                catch (ObjectDisposedException) { return "woken"; }
            });
            Thread.Sleep(300);
            s.Dispose();
            return t.Wait(5000) ? t.Result : "still blocked";
        }

        private static string CloseWakesUdp(SocketEnvironment env)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 0));
            return CloseWakes(s);
        }

        private static string CloseWakesTcp(SocketEnvironment env)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(Peer(env, "tcp-echo"));
            return CloseWakes(s);
        }

        private static string Dns1(SocketEnvironment env)
        {
            var a = Dns.GetHostAddresses("peer.cosmos.test");
            return string.Join(",", (object[])a);
        }

        private static string DnsMissing(SocketEnvironment env)
        {
            try { Dns.GetHostAddresses("missing.cosmos.test"); return "resolved"; }
            catch (SocketException e) { return e.SocketErrorCode.ToString(); }
        }

        /// <summary>Every case, in order.</summary>
        public static readonly SocketCase[] All =
        {
            new SocketCase("Socket sync TCP echo of 64 KiB and shutdown", EchoSync, "sent 65536 got 65536 same True then 0 connected False"),
            new SocketCase("TcpClient NetworkStream echo of 200000 bytes", EchoStream, "got 200000 same True"),
            new SocketCase("Socket async echo over 24 concurrent connections", Concurrent, "24 of 24 ok"),
            new SocketCase("connect to a closed port", Refused, "ConnectionRefused"),
            new SocketCase("TcpClient.ConnectAsync to a closed port", RefusedAsync, "ConnectionRefused"),
            new SocketCase("connect without connecting then Send", NotConnected, "Shutdown"),
            new SocketCase("UdpClient echo of three datagrams", Udp, "datagram 0 from peer; datagram 1 from peer; datagram 2 from peer; "),
            new SocketCase("UdpClient async echo", UdpAsync, "async datagram"),
            new SocketCase("UDP receive timeout", UdpTimeout, "TimedOut"),
            new SocketCase("UDP bind of a bound port", BindTwice, "True AddressAlreadyInUse"),
            new SocketCase("TcpListener on a listening port", ListenTwice, "AddressAlreadyInUse"),
            new SocketCase("TcpListener and TcpClient through loopback", LocalListener, "through loopback"),
            new SocketCase("SHA-256 check of a body with one byte flipped", OneByteDiffers, "1048576 bytes, sha256 matches the peer's; flipped: differs"),
#if !SOCKETCASES_NO_HTTP
            new SocketCase("HttpClient GET of 1000 bytes", e => Http(e, 1000), "200 1000 bytes, sha256 matches the peer's"),
            new SocketCase("HttpClient POST of 100000 bytes", HttpPost, "200 sha256 matches"),
            new SocketCase("HttpClient GET of 16 MiB", e => Http(e, 16 << 20), "200 16777216 bytes, sha256 matches the peer's"),
#endif
            new SocketCase("TcpListener receiving 16 MiB from the host", e => Upload(e, 16 << 20), "16777216 bytes, pattern ok"),
            new SocketCase("Ping", PingCase, null),
            new SocketCase("closing a UDP socket wakes a blocked Receive", CloseWakesUdp, "woken"),
            new SocketCase("closing a TCP socket wakes a blocked Receive", CloseWakesTcp, "woken"),
            new SocketCase("NetworkInterface.GetAllNetworkInterfaces", Interfaces, "loopback True, an up interface True"),
            new SocketCase("Dns.GetHostAddresses of peer.cosmos.test", Dns1, "10.0.2.2", needsDnsPeer: true),
            new SocketCase("Dns.GetHostAddresses of a missing name", DnsMissing, "HostNotFound", needsDnsPeer: true),
        };

        /// <summary>The expected text of <paramref name="c"/> in <paramref name="env"/> (Ping answers from its target).</summary>
        public static string ExpectedFor(SocketCase c, SocketEnvironment env) => c.Expected ?? "Success " + env.PingTarget;
    }
}
