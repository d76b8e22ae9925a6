using System;
using Cosmos.System.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.UDP.DHCP;
using Cosmos.TestRunner;

namespace DhcpFallbackTests
{
    /// <summary>
    /// DHCP's static-configuration fallback: the e1000 has no network behind it (qemu-args.txt), so no DHCP server
    /// answers; without a fallback DHCP reports failure, with one the interface takes the static configuration and
    /// says so, while DHCP keeps asking.
    /// </summary>
    public sealed class Kernel : TestKernel
    {
        protected override void RunTests()
        {
            NetworkStack.Initialize();
            Test("without a fallback, DHCP with no server answering fails and the interface stays unconfigured", () =>
            {
                Equal(1, NetworkStack.Interfaces.Length, "one interface");
                var iface = NetworkStack.Interfaces[0];
                True(!iface.RunDhcp(2000), "RunDhcp(2000) fails");
                True(iface.Host.Address.IsAny, "no address: " + iface.Host.Address);
                True(!iface.UsingStaticFallback, "not on a fallback");
            });

            Test("with DHCPClient.StaticFallback, SendDiscoverPacket succeeds on the static configuration", () =>
            {
                var iface = NetworkStack.Interfaces[0];
                DHCPClient.StaticFallback = new IPConfig(new Address(10, 9, 0, 7), new Address(255, 255, 255, 0), new Address(10, 9, 0, 1));
                using var dhcp = new DHCPClient();
                long t0 = Environment.TickCount64;
                int seconds = dhcp.SendDiscoverPacket(2000);
                long ms = Environment.TickCount64 - t0;
                True(seconds >= 0, "SendDiscoverPacket counts the fallback as configured: " + seconds);
                True(ms >= 1900 && ms < 10_000, "it waited for DHCP first: " + ms + " ms");
                True(iface.UsingStaticFallback, "UsingStaticFallback");
                Equal("10.9.0.7", iface.Host.Address.ToString(), "address");
                Equal("255.255.255.0", iface.Host.Netmask.ToString(), "netmask");
                Equal("10.9.0.1", iface.Host.Gateway.ToString(), "gateway");
                True(iface.Dhcp != null && iface.Dhcp.State != Cosmos.Network.DhcpClientState.Bound, "DHCP still looking for a lease: " + iface.Dhcp?.State);
                DHCPClient.StaticFallback = null;
            });
        }
    }
}
