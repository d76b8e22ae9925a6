using System;
using System.Collections.Generic;
using System.Net;
using Cosmos.HAL;
using Cosmos.HAL.Firmware;
using Cosmos.System.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.TestCases;
using Cosmos.TestRunner;

namespace SocketTests
{
    /// <summary>
    /// System.Net over the kernel's socket PAL: one e1000 on QEMU user networking (DHCP 10.0.2.15/24, gateway 10.0.2.2
    /// = the host's loopback) and the runner's peers (tcp-echo, udp-echo, http, dns; ports in fw_cfg). Runs every case
    /// of Tests/Shared/SocketCases.cs and compares with the text CoreCLR produces on the host.
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        private static int PeerPort(string kind)
        {
            string s = QemuFwCfg.ReadString("opt/cosmos/" + kind);
            return s != null && int.TryParse(s, out int p) ? p : -1;
        }

        protected override void RunTests()
        {
            var env = new SocketEnvironment { PeerHost = IPAddress.Parse("10.0.2.2"), PingTarget = IPAddress.Parse("10.0.2.2"), HasDnsPeer = true };
            bool up = false;
            Test("eth0 is configured by DHCP and the socket PAL is installed", () =>
            {
                True(NetworkDevice.Devices.Count == 1, "one card");
                if (NetworkDevice.Devices.Count != 1) return;
                var iface = NetworkStack.GetInterface(NetworkDevice.Devices[0]);
                True(iface.RunDhcp(10000), "DHCP lease");
                Line("iface " + iface);
                True(Cosmos.Runtime.SocketPal.Current is KernelSocketPal, "KernelSocketPal installed");
                foreach (var k in new[] { "tcp-echo", "udp-echo", "http", "dns", "uploader", "upload-forward" })
                {
                    int p = PeerPort(k);
                    True(p > 0, k + " port in fw_cfg");
                    env.Ports[k] = p;
                }
                env.UploadListenPort = 5555;                          // qemu-args.txt: hostfwd=tcp:127.0.0.1:{port:upload}-:5555
                env.UploadConnectPort = env.Ports["upload-forward"];
                NameResolver.ServerPort = (ushort)env.Ports["dns"];
                DNSConfig.DNSNameservers.Clear();
                DNSConfig.Add(new Address(10, 0, 2, 2));
                up = true;
            });
            if (!up) return;

            foreach (var c in SocketCases.All)
            {
                Test("System.Net " + c.Name, () =>
                {
                    long t0 = Environment.TickCount64;
                    string got = c.Run(env);
                    Line(c.Name + ": " + (Environment.TickCount64 - t0) + " ms");
                    string expected = SocketCases.ExpectedFor(c, env);
                    if (got != expected) Fail("expected <" + expected + "> but got <" + got + ">");
                });
            }

            // Kernel-only: System.Net.NetworkInformation's Linux code over the PAL (SystemNative_GetNetworkInterfaces and the
            // files Runtime/Pal/SyntheticFiles.cs makes up: /proc/net/route, /etc/resolv.conf, dhclient.leases), against
            // what QEMU's user network (slirp) leases and what this kernel configured.
            Test("NetworkInterface.GetAllNetworkInterfaces: eth0 (MAC, Up, DHCP address and mask, gateway, DHCP server, DNS) and lo", () =>
            {
                var all = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces();
                Equal(2, all.Length, "interfaces listed");
                if (all.Length != 2) return;
                var eth = all[0];
                var iface = NetworkStack.Interfaces[0];
                Line("eth0: " + eth.Name + " " + eth.NetworkInterfaceType + " " + eth.OperationalStatus + " " + eth.GetPhysicalAddress() + " mtu " + eth.GetIPProperties().GetIPv4Properties().Mtu);
                Equal(iface.Name, eth.Name, "name");
                Equal("525400123456", eth.GetPhysicalAddress().ToString(), "PhysicalAddress (qemu-args.txt mac=52:54:00:12:34:56)");
                Equal("Up", eth.OperationalStatus.ToString(), "OperationalStatus");
                Equal("Ethernet", eth.NetworkInterfaceType.ToString(), "NetworkInterfaceType");
                True(eth.Supports(System.Net.NetworkInformation.NetworkInterfaceComponent.IPv4), "Supports(IPv4)");
                var props = eth.GetIPProperties();
                string unicast = "";
                foreach (var u in props.UnicastAddresses) unicast += u.Address + "/" + u.IPv4Mask + " ";
                Equal("10.0.2.15/255.255.255.0 ", unicast, "UnicastAddresses (slirp's DHCP lease)");
                Equal(iface.Host.Address.ToString(), props.UnicastAddresses[0].Address.ToString(), "the stack's own address");
                string gateways = "";
                foreach (var g in props.GatewayAddresses) gateways += g.Address + " ";
                Equal("10.0.2.2 ", gateways, "GatewayAddresses (/proc/net/route)");
                string dhcp = "";
                foreach (var d in props.DhcpServerAddresses) dhcp += d + " ";
                Equal("10.0.2.2 ", dhcp, "DhcpServerAddresses (dhclient.leases)");
                string dns = "";
                foreach (var d in props.DnsAddresses) dns += d + " ";
                Equal("10.0.2.2 ", dns, "DnsAddresses (/etc/resolv.conf: this test points the resolver at the dns peer on 10.0.2.2)");
                var v4 = props.GetIPv4Properties();
                Equal(1, v4.Index, "IPv4 Index");
                Equal(iface.Host.Mtu, v4.Mtu, "IPv4 Mtu");
                True(!v4.IsForwardingEnabled, "IsForwardingEnabled false (/proc/sys/net/ipv4/conf/eth0/forwarding)");
                var lo = all[1];
                Equal("lo", lo.Name, "loopback name");
                Equal("Loopback", lo.NetworkInterfaceType.ToString(), "loopback type");
                Equal("127.0.0.1", lo.GetIPProperties().UnicastAddresses[0].Address.ToString(), "loopback address");
                Equal(0, lo.GetIPProperties().GatewayAddresses.Count, "no gateway on lo");
                Equal(2, System.Net.NetworkInformation.NetworkInterface.LoopbackInterfaceIndex, "LoopbackInterfaceIndex");
                True(System.Net.NetworkInformation.NetworkInterface.GetIsNetworkAvailable(), "GetIsNetworkAvailable");
            });

            // Kernel-only: what the options do inside the stack (the host's loopback cannot show keep-alive probes or a
            // DF refusal, so these are not in the shared table).
            Test("TCP keep-alive set through Socket options probes an idle connection; the peer answers and it stays up", () =>
            {
                var tcp = NetworkStack.Interfaces[0].Tcp;
                using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.KeepAlive, true);
                s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime, 1);
                s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveInterval, 1);
                s.ReceiveBufferSize = 200_000;
                s.Connect(new IPEndPoint(env.PeerHost, env.Ports["tcp-echo"]));
                long before = tcp.Statistics.KeepAliveProbes;
                System.Threading.Thread.Sleep(3600);
                long probes = tcp.Statistics.KeepAliveProbes - before;
                True(probes >= 2 && probes <= 4, "keep-alive probes in 3.6 s idle with TCP_KEEPIDLE 1 s: " + probes);
                Equal(1, (int)s.GetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime), "TcpKeepAliveTime reads back");
                Equal(200_000, s.ReceiveBufferSize, "SO_RCVBUF in effect");
                s.Send(System.Text.Encoding.ASCII.GetBytes("still here"));
                var buf = new byte[16];
                int n = s.Receive(buf);
                Equal("still here", System.Text.Encoding.ASCII.GetString(buf, 0, n), "echo after the idle time");
            });

            Test("UDP Don't Fragment refuses a datagram larger than the MTU with MessageSize; TTL is accepted and datagrams still flow", () =>
            {
                using var u = new System.Net.Sockets.UdpClient();
                u.DontFragment = true;
                u.Ttl = 9;
                u.Client.ReceiveTimeout = 3000;
                var peer = new IPEndPoint(env.PeerHost, env.Ports["udp-echo"]);
                string error = "sent";
                try { u.Send(new byte[3000], 3000, peer); }
                catch (System.Net.Sockets.SocketException e) { error = e.SocketErrorCode.ToString(); }
                Equal("MessageSize", error, "3000 bytes with DF over a 1500-byte MTU");
                u.Send(new byte[1000], 1000, peer);
                IPEndPoint from = null;
                Equal(1000, u.Receive(ref from).Length, "1000 bytes with DF echoed");
                u.DontFragment = false;
                u.Send(new byte[3000], 3000, peer);
                Equal(3000, u.Receive(ref from).Length, "3000 bytes without DF (fragmented) echoed");
            });
        }
    }
}
