using System;
using System.Text;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Network;
using Cosmos.HAL.Firmware;
using Cosmos.Network;
using Cosmos.System.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.TCP;
using Cosmos.System.Network.IPv4.UDP;
using Cosmos.System.Network.IPv4.UDP.DHCP;
using Cosmos.System.Network.IPv4.UDP.DNS;
using Cosmos.TestRunner;

namespace NetworkTests
{
    /// <summary>
    /// The network under QEMU (qemu-args.txt): four cards, each on its own user network (slirp: DHCP hands out
    /// 10.0.N.15/24, gateway 10.0.N.2, DNS 10.0.N.3; the gateway reaches the host's loopback): e1000 82540EM (N=2),
    /// 82545EM (3), 82544GC (4), virtio-net (5); and two host peers started by the runner: a UDP echo server and a DNS
    /// server for *.cosmos.test (ports in fw_cfg).
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        private static readonly Address Gateway = new Address(10, 0, 2, 2);

        private void Case(string name, Action body) => Test(name, () =>
        {
            try { body(); }
            catch (Exception e) { Fail("unexpected " + e.GetType().Name + ": " + e.Message); }
        });

        private static int PeerPort(string kind)
        {
            string s = QemuFwCfg.ReadString("opt/cosmos/" + kind);
            return s != null && int.TryParse(s, out int p) ? p : -1;
        }

        /// <summary>The cards of qemu-args.txt: PCI slot, driver name, MAC, subnet (each on its own user network).</summary>
        private static readonly (int Slot, string Model, string Mac, byte Net)[] Cards =
        {
            (3, "e1000", "52:54:00:12:34:56", 2),          // 82540EM 8086:100E
            (4, "e1000", "52:54:00:12:34:57", 3),          // 82545EM 8086:100F
            (5, "e1000", "52:54:00:12:34:58", 4),          // 82544GC 8086:100C
            (6, "virtio-net", "52:54:00:12:34:59", 5),     // 1AF4:1000
            (7, "e1000", "52:54:00:12:34:5A", 6),          // 82540EM behind the runner's lossy relay (TCP frames only)
        };

        private static Address Gw(byte net) => new Address(10, 0, net, 2);

        protected override void RunTests()
        {
            var nics = new NetworkDevice[Cards.Length];

            Case("five cards (e1000 82540EM, 82545EM, 82544GC, 82540EM; virtio-net) are started with the MACs QEMU was given", () =>
            {
                for (int i = 0; i < Cards.Length; i++)
                {
                    var f = PCI.GetDeviceAt(0, Cards[i].Slot, 0);
                    if (f == null) { Fail("no function at 00:0" + Cards[i].Slot + ".0"); return; }
                    var d = f.Driver as NetworkDevice;
                    True(d != null && d.Name.StartsWith(Cards[i].Model + " "), "00:0" + Cards[i].Slot + ".0 has the " + Cards[i].Model + " driver (" + (f.Driver?.ToString() ?? "none") + ")");
                    if (d == null) return;
                    True(d.IsStarted, d.Name + " started (" + (d.StartError ?? "no error") + ")");
                    Equal(Cards[i].Mac, d.MACAddress?.ToString() ?? "none", d.Name + " MAC");
                    if (d is E1000 e) True(e.MacFromEeprom, d.Name + ": MAC read through EERD");
                    if (d is VirtioNet v) Equal("modern", v.Interface, d.Name + ": the transitional device is driven through its modern interface (12-byte header)");
                    nics[i] = d;
                    Line("nic " + d);
                }
                Equal(Cards.Length, NetworkDevice.Devices.Count, "NetworkDevice.Devices");
                True(NetworkDevice.GetDeviceByName("eth0") == nics[0] && NetworkDevice.GetDeviceByName("eth4") == nics[4], "GetDeviceByName(\"ethN\")");
            });
            if (nics[Cards.Length - 1] == null) return;

            Case("every card has link and interrupts (e1000: INTx#, shared handler; virtio-net: MSI-X)", () =>
            {
                foreach (var d in nics)
                {
                    True(d.LinkUp && d.Ready, d.Name + " link up");
                    True(d.InterruptError == null, d.Name + " interrupts in use (" + (d.InterruptError ?? "") + ")");
                }
            });

            Case("fw_cfg hands over the host peers' ports", () =>
            {
                True(QemuFwCfg.IsPresent, "fw_cfg signature");
                True(PeerPort("udp-echo") > 0, "udp-echo port");
                True(PeerPort("dns") > 0, "dns port");
                True(QemuFwCfg.ReadFile("opt/cosmos/no-such-file") == null, "a missing file is null");
            });

            Case("DHCP (Cosmos DHCPClient) leases 10.0.N.15/24 with gateway 10.0.N.2 on each of eth0..eth4", () =>
            {
                using var dhcp = new DHCPClient();
                int seconds = dhcp.SendDiscoverPacket();
                True(seconds >= 0, "leases within 5 s each (" + seconds + ")");
                for (int i = 0; i < Cards.Length; i++)
                {
                    var cfg = NetworkConfiguration.Get(nics[i]);
                    True(cfg != null, "NetworkConfiguration has " + nics[i].Name);
                    if (cfg == null) return;
                    Equal("10.0." + Cards[i].Net + ".15", cfg.IPAddress.ToString(), nics[i].Name + " address");
                    Equal("255.255.255.0", cfg.SubnetMask.ToString(), "mask");
                    Equal("10.0." + Cards[i].Net + ".2", cfg.DefaultGateway.ToString(), "gateway");
                    Line("iface " + NetworkStack.GetInterface(nics[i]));
                }
                Equal("10.0.2.15", NetworkConfiguration.CurrentAddress.ToString(), "CurrentAddress (eth0, configured first)");
                True(DNSConfig.DNSNameservers.Count > 0 && DNSConfig.DNSNameservers[0].ToString() == "10.0.2.3", "DNS server 10.0.2.3 from eth0's option 6");
            });

            Case("ping each gateway through its card: 3 echo replies each (Cosmos ICMPClient)", () =>
            {
                using var icmp = new ICMPClient();
                foreach (var c in Cards)
                {
                    icmp.Connect(Gw(c.Net));
                    for (int i = 0; i < 3; i++)
                    {
                        icmp.SendEcho();
                        var from = new EndPoint(Address.Zero, 0);
                        int ms = icmp.Receive(ref from, 3000);
                        True(ms >= 0, "reply from " + Gw(c.Net) + " within 3 s");
                        if (ms < 0) return;
                        Equal(Gw(c.Net).ToString(), from.Address.ToString(), "reply source");
                    }
                }
            });

            Case("UDP echo through the host peer on every card: 64 datagrams of 1..1472 bytes and 3 fragmented ones of 4000 bytes each", () =>
            {
                int port = PeerPort("udp-echo");
                if (port <= 0) { Fail("no udp-echo port"); return; }
                using var udp = new UdpClient(40000);
                var rnd = new Random(7);
                foreach (var c in Cards)
                {
                    var gw = Gw(c.Net);
                    udp.Connect(gw, port);
                    for (int i = 0; i < 67; i++)
                    {
                        int len = i < 64 ? 1 + (i * 23) % 1472 : 4000;
                        var data = new byte[len];
                        rnd.NextBytes(data);
                        udp.Send(data);
                        var from = new EndPoint(Address.Zero, 0);
                        var back = udp.Receive(ref from, 3000);
                        if (back == null) { Fail("via " + gw + ": datagram " + i + " (" + len + " bytes): no echo within 3 s"); return; }
                        Equal(gw.ToString(), from.Address.ToString(), "echo source address");
                        Equal((ushort)port, from.Port, "echo source port");
                        if (!back.AsSpan().SequenceEqual(data)) { Fail("via " + gw + ": datagram " + i + " (" + len + " bytes) came back different (" + back.Length + " bytes)"); return; }
                    }
                }
                True(udp.NonBlockingReceive(ref Unused) == null, "nothing else queued");
            });

            Case("a second UdpClient on the same port is refused; Close frees the port", () =>
            {
                var a = new UdpClient(40001);
                bool refused = false;
                try { new UdpClient(40001); } catch (ArgumentException) { refused = true; }
                True(refused, "ArgumentException for a bound port");
                a.Close();
                var b = new UdpClient(40001);
                b.Close();
            });

            Case("DNS: Cosmos DnsClient and the resolver against the host DNS peer (A, CNAME, several A, NXDOMAIN, TTL cache)", () =>
            {
                int port = PeerPort("dns");
                if (port <= 0) { Fail("no dns port"); return; }
                using (var dns = new DnsClient())
                {
                    dns.Connect(Gateway, port);
                    dns.SendAsk("peer.cosmos.test");
                    var a = dns.Receive(3000);
                    True(a != null && a.ToString() == "10.0.2.2", "peer.cosmos.test = 10.0.2.2 (" + (a?.ToString() ?? "null") + ")");
                }
                NameResolver.ServerPort = (ushort)port;
                DNSConfig.DNSNameservers.Clear();
                DNSConfig.Add(Gateway);
                try
                {
                    var st = NameResolver.Resolve("alias.cosmos.test", 3000, out var addrs);
                    True(st == NameResolutionStatus.Ok && addrs.Length == 1 && addrs[0].ToString() == "10.0.2.2", "alias.cosmos.test follows its CNAME (" + st + ")");
                    st = NameResolver.Resolve("multi.cosmos.test", 3000, out addrs);
                    True(st == NameResolutionStatus.Ok && addrs.Length == 2, "multi.cosmos.test has 2 addresses (" + st + ", " + addrs.Length + ")");
                    st = NameResolver.Resolve("nothing.cosmos.test", 3000, out addrs);
                    True(st == NameResolutionStatus.NotFound, "NXDOMAIN is NotFound (" + st + ")");
                    st = NameResolver.Resolve("peer.cosmos.test", 3000, out addrs);
                    True(st == NameResolutionStatus.Ok && addrs[0].ToString() == "10.0.2.2", "peer.cosmos.test through the resolver (" + st + ")");
                    long sent = NameResolver.QueriesSent;
                    st = NameResolver.Resolve("PEER.cosmos.test.", 3000, out addrs);
                    True(st == NameResolutionStatus.Ok && NameResolver.QueriesSent == sent, "a cached answer (case and trailing dot ignored) sends no query");
                    NameResolver.Resolve("short-ttl.cosmos.test", 3000, out _);
                    System.Threading.Thread.Sleep(1100);
                    sent = NameResolver.QueriesSent;
                    st = NameResolver.Resolve("short-ttl.cosmos.test", 3000, out addrs);
                    True(st == NameResolutionStatus.Ok && NameResolver.QueriesSent == sent + 1, "an answer past its 1 s TTL is asked again");
                    st = NameResolver.Resolve("10.1.2.3", 100, out addrs);
                    True(st == NameResolutionStatus.Ok && addrs[0].ToString() == "10.1.2.3", "a literal needs no server");
                }
                finally { NameResolver.ServerPort = 53; }
            });

            Case("TCP (Cosmos TcpClient) to the host's echo server through eth0: 256 KiB echoed byte-exact, then an orderly close", () =>
            {
                int port = PeerPort("tcp-echo");
                if (port <= 0) { Fail("no tcp-echo port"); return; }
                EchoTransfer(Gw(2), port, 256 * 1024, 20_000);
            });

            Case("TCP over the lossy link (eth4, the runner drops 6 % of TCP frames, duplicates and reorders others): 1 MiB echoed byte-exact", () =>
            {
                int port = PeerPort("tcp-echo");
                if (port <= 0) { Fail("no tcp-echo port"); return; }
                EchoTransfer(Gw(6), port, 1024 * 1024, 120_000);
            });

            Case("TCP connect to a closed host port is refused: SocketException ConnectionRefused", () =>
            {
                using var c = new TcpClient();
                try { c.Connect(Gw(2), 1, 10_000); Fail("connected to port 1"); }
                catch (System.Net.Sockets.SocketException e) { True(e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused, "SocketError ConnectionRefused (" + e.SocketErrorCode + ", native " + e.ErrorCode + ")"); }
            });

            Case("TCP connect to an address nobody answers gives up: SocketException TimedOut", () =>
            {
                using var c = new TcpClient();
                try { c.Connect(new Address(10, 0, 2, 200), 80, 1500); Fail("connected to 10.0.2.200"); }
                catch (System.Net.Sockets.SocketException e) { True(e.SocketErrorCode == System.Net.Sockets.SocketError.TimedOut, "SocketError TimedOut (" + e.SocketErrorCode + ", native " + e.ErrorCode + ")"); }
            });

            Case("a flood of 10,000 spoofed SYNs to a listening port keeps the half-open queue and memory bounded; an established connection and new connections keep working", () =>
            {
                int ctl = PeerPort("inject-control"), echo = PeerPort("tcp-echo");
                if (ctl <= 0 || echo <= 0) { Fail("no inject-control or tcp-echo port"); return; }
                var iface = NetworkStack.GetInterface(nics[0]);
                using var listener = new TcpListener(7777);
                listener.Start();
                using var existing = new TcpClient();
                existing.Connect(Gw(2), echo, 10_000);
                long heap0 = GC.GetTotalMemory(true);
                long seg0;
                lock (iface.SyncRoot) seg0 = iface.Tcp.Statistics.SegmentsReceived;
                using var control = new UdpClient();
                var sb = new StringBuilder("syn-flood ");
                foreach (var b in nics[0].MACAddress.bytes) sb.Append(b.ToString("X2"));
                sb.Append(" 10.0.2.15 7777 10000");
                control.Send(Encoding.ASCII.GetBytes(sb.ToString()), Gw(2), ctl);
                int maxHalfOpen = 0;
                byte[] reply = null;
                var from = new EndPoint(Address.Zero, 0);
                long deadline = NetworkInterface.NowMs + 60_000;
                while (reply == null && NetworkInterface.NowMs < deadline)
                {
                    reply = control.Receive(ref from, 200);
                    maxHalfOpen = Math.Max(maxHalfOpen, listener.HalfOpenCount);
                }
                string text = reply == null ? "no reply" : Encoding.ASCII.GetString(reply);
                if (!text.StartsWith("sent 10000")) { Fail("the inject peer answered: " + text); return; }
                long segs = 0;
                for (int i = 0; i < 200; i++)
                {
                    lock (iface.SyncRoot) segs = iface.Tcp.Statistics.SegmentsReceived - seg0;
                    maxHalfOpen = Math.Max(maxHalfOpen, listener.HalfOpenCount);
                    if (segs >= 10_000) break;
                    System.Threading.Thread.Sleep(25);
                }
                long heap1 = GC.GetTotalMemory(true);
                Line("syn flood: " + segs + " segments received, half-open peak " + maxHalfOpen + ", heap " + (heap1 - heap0) / 1024 + " KiB more");
                True(segs >= 10_000, "the SYNs arrived (" + segs + ")");
                True(maxHalfOpen > 0 && maxHalfOpen <= 128, "half-open connections bounded at 128 (peak " + maxHalfOpen + ")");
                True(heap1 - heap0 < 4 * 1024 * 1024, "heap grew by less than 4 MiB (" + (heap1 - heap0) / 1024 + " KiB)");
                var data = new byte[65536];
                for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 31);
                existing.Send(data);
                int got = 0;
                while (got < data.Length)
                {
                    var part = existing.Receive(ref from, 10_000);
                    if (part == null) { Fail("the established connection stopped echoing after " + got + " bytes"); return; }
                    for (int i = 0; i < part.Length; i++) if (part[i] != data[got + i]) { Fail("echo differs at " + (got + i)); return; }
                    got += part.Length;
                }
                using var fresh = new TcpClient();
                fresh.Connect(new Address(10, 0, 2, 15), 7777, 10_000);
                var accepted = listener.AcceptTcpClient(10_000);
                True(accepted != null, "the listener still accepts a new connection");
                accepted?.Close();
            });

            Case("statistics: frames counted both ways on every card, interrupts taken, nothing malformed from slirp", () =>
            {
                foreach (var d in nics)
                {
                    var iface = NetworkStack.GetInterface(d);
                    True(d.Statistics.FramesReceived > 70 && d.Statistics.FramesSent > 70, d.Name + ": frames both ways (" + d.Statistics.FramesSent + " sent, " + d.Statistics.FramesReceived + " received)");
                    True(d.Statistics.Interrupts > 0, d.Name + ": interrupts (" + d.Statistics.Interrupts + ")");
                    Equal(0L, iface.Host.Statistics.Malformed, d.Name + ": malformed frames");
                    Equal(0UL, d.Statistics.ReceiveErrors, d.Name + ": receive errors");
                    Line("stats " + iface.Name + " " + d.Name + ": sent " + d.Statistics.FramesSent + " received " + d.Statistics.FramesReceived + " irq " + d.Statistics.Interrupts + " ring-full " + d.Statistics.TransmitRingFull);
                }
            });

            Case("a batch of bad frames injected towards eth0 (runts, bad ARP/IPv4/ICMP/UDP/TCP headers, DNS compression loops, bad DHCP, 200 mutations) is dropped and counted; the stack keeps working", () =>
            {
                int ctl = PeerPort("inject-control"), dnsPeer = PeerPort("dns");
                if (ctl <= 0 || dnsPeer <= 0) { Fail("no inject-control or dns port"); return; }
                var iface = NetworkStack.GetInterface(nics[0]);
                var st = iface.Host.Statistics;
                using var dns = new DnsClient();                            // a client waiting for replies: the bad ones land in its queue
                dns.Connect(Gw(2), dnsPeer);
                long rx0, mal0, disp0, loop0, tcpMal0 = iface.Tcp.Statistics.Malformed;
                ulong err0 = nics[0].Statistics.ReceiveErrors, ovr0 = nics[0].Statistics.ReceiveOverruns;
                uint missed = ((E1000)nics[0]).ReadMissedPackets();     // clears MPC
                lock (iface.SyncRoot) { rx0 = st.FramesReceived; mal0 = st.Malformed; disp0 = st.Dispositions; loop0 = st.LoopedBack; }
                using var control = new UdpClient();
                var mac = nics[0].MACAddress.bytes;
                var sb = new StringBuilder("bad-frames ");
                foreach (var b in mac) sb.Append(b.ToString("X2"));
                sb.Append(" 10.0.2.15 10.0.2.2 ").Append(dns.LocalPort).Append(' ').Append(dnsPeer).Append(" 9");
                control.Send(Encoding.ASCII.GetBytes(sb.ToString()), Gw(2), ctl);
                var from = new EndPoint(Address.Zero, 0);
                var reply = control.Receive(ref from, 10000);
                string text = reply == null ? "no reply" : Encoding.ASCII.GetString(reply);
                var w = text.Split(' ');
                if (w.Length != 3 || w[0] != "sent") { Fail("the inject peer answered: " + text); return; }
                int sent = int.Parse(w[1]), malformed = int.Parse(w[2]);
                long deadline = NetworkInterface.NowMs + 10000;
                uint missedTotal = 0;
                while (NetworkInterface.NowMs < deadline)
                {
                    missedTotal += ((E1000)nics[0]).ReadMissedPackets();
                    long seen;
                    lock (iface.SyncRoot) seen = st.FramesReceived - rx0;
                    if (seen + (long)(nics[0].Statistics.ReceiveErrors - err0) + missedTotal >= sent) break;
                    System.Threading.Thread.Sleep(20);
                }
                long got, bad, dispositions, looped;
                lock (iface.SyncRoot) { got = st.FramesReceived - rx0; bad = st.Malformed - mal0; dispositions = st.Dispositions - disp0; looped = st.LoopedBack - loop0; }
                ulong cardErrors = nics[0].Statistics.ReceiveErrors - err0, overruns = nics[0].Statistics.ReceiveOverruns - ovr0;
                missed = missedTotal + ((E1000)nics[0]).ReadMissedPackets();
                Line("bad frames: " + sent + " injected (" + malformed + " malformed by construction); host received " + got + ", counted malformed " + bad
                    + "; card: errors " + cardErrors + ", overruns " + overruns + ", missed " + missed);
                True(got + (long)cardErrors + missed >= sent, "every injected frame reached the host or was counted by the card (" + got + " + " + cardErrors + " + " + missed + " of " + sent + ")");
                True(bad >= malformed, "at least the " + malformed + " malformed frames counted as malformed (" + bad + ")");
                Equal(got + looped, dispositions, "every received frame has exactly one disposition counted");
                long tcpBad;
                lock (iface.SyncRoot) tcpBad = iface.Tcp.Statistics.Malformed - tcpMal0;
                True(tcpBad >= 6, "TCP counted the 6 malformed segments (SYN+FIN, SYN+RST, no flags, offsets 3 and 15, bad checksum): " + tcpBad);
                dns.SendAsk("peer.cosmos.test");
                var a = dns.Receive(3000);
                True(a != null && a.ToString() == "10.0.2.2", "the DNS client skipped the bad replies and took the good one (" + (a?.ToString() ?? "null") + ")");
                True(iface.Dhcp.State == DhcpClientState.Bound && iface.Host.Address.ToString() == "10.0.2.15", "DHCP lease untouched");
                using var icmp = new ICMPClient();
                icmp.Connect(Gw(2));
                icmp.SendEcho();
                var pf = new EndPoint(Address.Zero, 0);
                True(icmp.Receive(ref pf, 3000) >= 0, "ping still answered");
            });
        }

        private static EndPoint Unused;

        /// <summary>Byte i of an echo transfer: a pattern that catches shifted, repeated or lost stretches.</summary>
        private static byte PatternByte(int i) => (byte)(i * 7 + (i >> 8) + (i >> 16) * 13);

        /// <summary>Sends <paramref name="total"/> pattern bytes to the echo server at <paramref name="gw"/>:<paramref name="port"/> from a second thread while reading the echo, then closes; checks every byte.</summary>
        private void EchoTransfer(Address gw, int port, int total, int timeoutMs)
        {
            using var c = new TcpClient();
            long t0 = NetworkInterface.NowMs;
            c.Connect(gw, port, 10_000);
            Exception sendError = null;
            var sender = new System.Threading.Thread(() =>
            {
                try
                {
                    var chunk = new byte[8192];
                    for (int off = 0; off < total; off += chunk.Length)
                    {
                        int n = Math.Min(chunk.Length, total - off);
                        for (int i = 0; i < n; i++) chunk[i] = PatternByte(off + i);
                        c.Send(chunk, 0, n);
                    }
                }
                catch (Exception e) { sendError = e; }
            });
            sender.Start();
            int got = 0;
            var from = new EndPoint(Address.Zero, 0);
            long deadline = NetworkInterface.NowMs + timeoutMs;
            while (got < total)
            {
                int left = (int)(deadline - NetworkInterface.NowMs);
                if (left <= 0) { Fail("echo of " + total + " bytes via " + gw + ": only " + got + " back within " + timeoutMs + " ms"); return; }
                var part = c.Receive(ref from, left);
                if (part == null) { if (!c.IsConnected()) { Fail("connection ended after " + got + " bytes"); return; } continue; }
                for (int i = 0; i < part.Length; i++)
                    if (part[i] != PatternByte(got + i)) { Fail("byte " + (got + i) + " differs (" + part[i] + " instead of " + PatternByte(got + i) + ")"); return; }
                got += part.Length;
            }
            sender.Join();
            True(sendError == null, "sender finished (" + sendError?.Message + ")");
            var conn = c.Connection;
            Line("tcp echo via " + gw + ": " + total + " bytes each way in " + (NetworkInterface.NowMs - t0) + " ms; retransmissions " + conn.Retransmissions + ", fast " + conn.FastRetransmits + ", timeouts " + conn.RetransmissionTimeouts);
            c.Close();
            var rest = c.Receive(ref from, 5000);
            True(rest == null, "end of stream after the echo");
        }
    }
}
