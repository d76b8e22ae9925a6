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
        }
    }
}
