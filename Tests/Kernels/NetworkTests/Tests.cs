using System;
using System.Text;
using Cosmos.HAL;
using Cosmos.HAL.Devices.Network;
using Cosmos.HAL.Firmware;
using Cosmos.Network;
using Cosmos.System.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.UDP;
using Cosmos.System.Network.IPv4.UDP.DHCP;
using Cosmos.System.Network.IPv4.UDP.DNS;
using Cosmos.TestRunner;

namespace NetworkTests
{
    /// <summary>
    /// The network under QEMU (qemu-args.txt): an e1000 with MAC 52:54:00:12:34:56 on user networking (slirp: DHCP
    /// hands out 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3; 10.0.2.2 reaches the host's loopback) and two host
    /// peers started by the runner: a UDP echo server and a DNS server for *.cosmos.test (ports in fw_cfg).
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

        protected override void RunTests()
        {
            E1000 nic = null;

            Case("the e1000 at 00:03.0 is started with the MAC QEMU was given, read from the EEPROM", () =>
            {
                var f = PCI.GetDeviceAt(0, 3, 0);
                True(f != null, "a function at 00:03.0");
                if (f == null) return;
                nic = f.Driver as E1000;
                True(nic != null, "driver is an E1000 (" + (f.Driver?.ToString() ?? "none") + ")");
                if (nic == null) return;
                True(nic.IsStarted, "started (" + (nic.StartError ?? "no error") + ")");
                Equal("52:54:00:12:34:56", nic.MACAddress.ToString(), "MAC");
                True(nic.MacFromEeprom, "MAC read through EERD");
                Equal(1, NetworkDevice.Devices.Count, "NetworkDevice.Devices");
                True(NetworkDevice.GetDeviceByName("eth0") == nic, "GetDeviceByName(\"eth0\")");
                Line("nic " + nic);
            });
            if (nic == null) return;

            Case("link is up and the card interrupts on its INTx# line", () =>
            {
                True(nic.LinkUp, "STATUS.LU");
                True(nic.Ready, "Ready");
                True(nic.InterruptError == null, "interrupts in use (" + (nic.InterruptError ?? "") + ")");
                True(nic.Irq >= 0, "an IRQ (" + nic.Irq + ")");
            });

            Case("fw_cfg hands over the host peers' ports", () =>
            {
                True(QemuFwCfg.IsPresent, "fw_cfg signature");
                True(PeerPort("udp-echo") > 0, "udp-echo port");
                True(PeerPort("dns") > 0, "dns port");
                True(QemuFwCfg.ReadFile("opt/cosmos/no-such-file") == null, "a missing file is null");
            });

            Case("DHCP (Cosmos DHCPClient) leases 10.0.2.15/24 with gateway 10.0.2.2 and DNS 10.0.2.3", () =>
            {
                using var dhcp = new DHCPClient();
                int seconds = dhcp.SendDiscoverPacket();
                True(seconds >= 0, "a lease within 5 s (" + seconds + ")");
                var cfg = NetworkConfiguration.Get(nic);
                True(cfg != null, "NetworkConfiguration has the card");
                if (cfg == null) return;
                Equal("10.0.2.15", cfg.IPAddress.ToString(), "address");
                Equal("255.255.255.0", cfg.SubnetMask.ToString(), "mask");
                Equal("10.0.2.2", cfg.DefaultGateway.ToString(), "gateway");
                Equal("10.0.2.15", NetworkConfiguration.CurrentAddress.ToString(), "CurrentAddress");
                True(DNSConfig.DNSNameservers.Count > 0 && DNSConfig.DNSNameservers[0].ToString() == "10.0.2.3", "DNS server 10.0.2.3 from option 6");
                Line("iface " + NetworkStack.Default);
            });

            Case("ping the gateway: 4 echo replies (Cosmos ICMPClient)", () =>
            {
                using var icmp = new ICMPClient();
                icmp.Connect(Gateway);
                for (int i = 0; i < 4; i++)
                {
                    icmp.SendEcho();
                    var from = new EndPoint(Address.Zero, 0);
                    int ms = icmp.Receive(ref from, 3000);
                    True(ms >= 0, "reply " + i + " within 3 s");
                    if (ms < 0) return;
                    Equal("10.0.2.2", from.Address.ToString(), "reply source");
                    Line("ping 10.0.2.2 seq " + (i + 1) + ": " + ms + " ms");
                }
            });

            Case("UDP echo through the host peer: 64 datagrams of 1..1472 bytes and 3 fragmented ones of 4000 bytes come back intact", () =>
            {
                int port = PeerPort("udp-echo");
                if (port <= 0) { Fail("no udp-echo port"); return; }
                using var udp = new UdpClient(40000);
                udp.Connect(Gateway, port);
                var rnd = new Random(7);
                for (int i = 0; i < 67; i++)
                {
                    int len = i < 64 ? 1 + (i * 23) % 1472 : 4000;
                    var data = new byte[len];
                    rnd.NextBytes(data);
                    udp.Send(data);
                    var from = new EndPoint(Address.Zero, 0);
                    var back = udp.Receive(ref from, 3000);
                    if (back == null) { Fail("datagram " + i + " (" + len + " bytes): no echo within 3 s"); return; }
                    Equal("10.0.2.2", from.Address.ToString(), "echo source address");
                    Equal((ushort)port, from.Port, "echo source port");
                    if (!back.AsSpan().SequenceEqual(data)) { Fail("datagram " + i + " (" + len + " bytes) came back different (" + back.Length + " bytes)"); return; }
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

            Case("statistics: frames counted both ways, nothing malformed from slirp", () =>
            {
                var iface = NetworkStack.Default;
                True(nic.Statistics.FramesReceived > 80 && nic.Statistics.FramesSent > 80, "frames both ways (" + nic.Statistics.FramesSent + " sent, " + nic.Statistics.FramesReceived + " received)");
                True(nic.Statistics.Interrupts > 0, "interrupts (" + nic.Statistics.Interrupts + ")");
                Equal(0L, iface.Host.Statistics.Malformed, "malformed frames");
                Equal(0UL, nic.Statistics.ReceiveErrors, "receive errors");
                Line("stats nic: sent " + nic.Statistics.FramesSent + " received " + nic.Statistics.FramesReceived + " irq " + nic.Statistics.Interrupts + " ring-full " + nic.Statistics.TransmitRingFull);
            });
        }

        private static EndPoint Unused;
    }
}
