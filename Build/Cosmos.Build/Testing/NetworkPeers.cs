using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// Host-side peers that a test kernel talks to over QEMU user networking (the guest reaches the host's 127.0.0.1
    /// as 10.0.2.2). A qemu-args.txt token may hold <c>{peer:KIND}</c>: the runner starts that peer on a free loopback
    /// port for this boot and writes the port in its place; the usual way to hand it to the guest is QEMU's fw_cfg,
    /// e.g. <c>-fw_cfg name=opt/cosmos/udp-echo,string={peer:udp-echo}</c> (read in the kernel with
    /// Cosmos.HAL.Firmware.QemuFwCfg). Kinds: <c>udp-echo</c> (sends every datagram back to its sender), <c>dns</c> (a
    /// small authoritative DNS server for *.cosmos.test, see <see cref="DnsAnswer"/>). Peers stop
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
            if (!token.Contains("{peer:")) return token;
            return Placeholder.Replace(token, m => Port(m.Groups[1].Value).ToString());
        }

        private int Port(string kind)
        {
            if (_ports.TryGetValue(kind, out int p)) return p;
            p = kind switch
            {
                "udp-echo" => StartUdp("udp-echo", (q, n) => q.AsSpan(0, n).ToArray()),
                "dns" => StartUdp("dns", DnsAnswer),
                _ => throw new ArgumentException($"unknown peer '{{peer:{kind}}}' (known: udp-echo, dns)"),
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

        /// <summary>Stops every peer.</summary>
        public void Dispose()
        {
            foreach (var r in _running) { try { r.Dispose(); } catch { } }
            _running.Clear();
        }
    }
}
