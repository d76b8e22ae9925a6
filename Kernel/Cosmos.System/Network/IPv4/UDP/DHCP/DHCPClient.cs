using System;
using Cosmos.HAL;

namespace Cosmos.System.Network.IPv4.UDP.DHCP
{
    /// <summary>
    /// DHCP for every network card (Cosmos API name <c>Cosmos.System.Network.IPv4.UDP.DHCP.DHCPClient</c>): a front for
    /// each interface's RFC 2131 client (<see cref="NetworkInterface.RunDhcp"/>, which owns UDP port 68 and keeps the
    /// lease renewed). Configures the interfaces, <see cref="Config.NetworkConfiguration"/> and
    /// <see cref="Config.DNSConfig"/>.
    /// </summary>
    public class DHCPClient : UdpClient
    {
        /// <summary>A client (binds nothing itself).</summary>
        public DHCPClient() : base(68, bind: false) { }

        /// <summary>The DHCP server that leased <paramref name="networkDevice"/>'s address (option 54), or null.</summary>
        public static Address DHCPServerAddress(NetworkDevice networkDevice)
        {
            var i = NetworkStack.GetInterface(networkDevice);
            var d = i.Dhcp;
            return d == null || d.ServerIdentifier.IsAny ? null : Address.FromIPv4Address(d.ServerIdentifier);
        }

        /// <summary>
        /// A static configuration every interface falls back to when no lease comes within SendDiscoverPacket's timeout
        /// (null, the default: no fallback, SendDiscoverPacket returns −1). Sets <see cref="NetworkInterface.StaticFallback"/>
        /// of the interfaces that have none of their own.
        /// </summary>
        public static Config.IPConfig StaticFallback { get; set; }

        /// <summary>
        /// Runs DHCP on every interface (Cosmos API name) and waits up to <paramref name="timeoutMs"/> for each lease;
        /// returns the whole seconds it took, or −1 when an interface got no lease in time (or there is none) and has no static fallback; an interface on its fallback counts as configured.
        /// </summary>
        public int SendDiscoverPacket(int timeoutMs = 5000)
        {
            if (StaticFallback != null)
                foreach (var i in NetworkStack.Interfaces) i.StaticFallback ??= StaticFallback;
            var all = NetworkStack.Interfaces;
            if (all.Length == 0) return -1;
            long start = NetworkInterface.NowMs;
            foreach (var i in all)
                if (!i.RunDhcp(timeoutMs)) return -1;
            return (int)((NetworkInterface.NowMs - start) / 1000);
        }

        /// <summary>Gives every lease back (DHCPRELEASE) and unconfigures the interfaces (Cosmos API name).</summary>
        public void SendReleasePacket()
        {
            foreach (var i in NetworkStack.Interfaces) i.ReleaseDhcp();
            Close();
        }
    }
}
