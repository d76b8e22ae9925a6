using System;
using System.Collections.Generic;
using Cosmos.HAL;
using Cosmos.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;

namespace Cosmos.System.Network
{
    /// <summary>
    /// The network stack (Cosmos API name <c>Cosmos.System.Network.NetworkStack</c>): one <see cref="NetworkInterface"/>
    /// per started <see cref="NetworkDevice"/>, each with its pump thread. <see cref="Initialize"/> runs on first use
    /// of any network API (and may be called explicitly, as Cosmos kernels do); <see cref="Update"/> runs one pump pass
    /// on the calling thread. Interfaces start unconfigured (0.0.0.0): configure them with
    /// <see cref="IPConfig.Enable"/>, DHCP (<see cref="IPv4.UDP.DHCP.DHCPClient"/>, <see cref="NetworkInterface.RunDhcp"/>)
    /// or <see cref="ConfigIP"/>.
    /// </summary>
    public static class NetworkStack
    {
        private static readonly object s_lock = new object();
        private static readonly List<NetworkInterface> s_interfaces = new List<NetworkInterface>();

        /// <summary>The interfaces, in card order (a snapshot).</summary>
        public static NetworkInterface[] Interfaces
        {
            get { Initialize(); lock (s_lock) return s_interfaces.ToArray(); }
        }

        /// <summary>
        /// Creates an interface for every started network card that has none yet and starts its pump thread
        /// (idempotent; cards started later are picked up by the next call). Cosmos API name.
        /// </summary>
        public static void Initialize()
        {
            lock (s_lock)
            {
                foreach (NetworkDevice d in NetworkDevice.Devices)
                {
                    if (!d.IsStarted || Find(d) != null) continue;
                    var iface = new NetworkInterface(d, "eth" + s_interfaces.Count.ToString());
                    s_interfaces.Add(iface);
                    iface.StartPump();
                }
                // System.Net reaches the stack through the socket PAL from the first interface on.
                if (s_interfaces.Count > 0 && Cosmos.Runtime.SocketPal.Current == null) Cosmos.Runtime.SocketPal.Install(KernelSocketPal.Instance);
            }
        }

        /// <summary>Cosmos's older name for <see cref="Initialize"/>.</summary>
        public static void Init() => Initialize();

        /// <summary>Runs one pump pass of every interface on the calling thread (received frames, timers). Cosmos API name; the pump threads do this anyway.</summary>
        public static void Update()
        {
            foreach (var i in Interfaces) i.Pump();
        }

        private static NetworkInterface Find(NetworkDevice d)
        {
            for (int i = 0; i < s_interfaces.Count; i++) if (s_interfaces[i].Device == d) return s_interfaces[i];
            return null;
        }

        /// <summary>The interface of <paramref name="device"/> (started on demand).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
        /// <exception cref="InvalidOperationException">The card is not started.</exception>
        public static NetworkInterface GetInterface(NetworkDevice device)
        {
            if (device == null) throw new ArgumentNullException(nameof(device));
            if (!device.IsStarted && !device.Enable()) throw new InvalidOperationException(string.Concat(device.Name, " is not started: ", device.StartError));
            Initialize();
            lock (s_lock) return Find(device);
        }

        /// <summary>The interface named <paramref name="name"/> ("eth0", or the card's device name), or null.</summary>
        public static NetworkInterface GetInterface(string name)
        {
            foreach (var i in Interfaces) if (i.Name == name || i.Device.Name == name) return i;
            return null;
        }

        /// <summary>The first interface, or null when the machine has no started network card.</summary>
        public static NetworkInterface Default { get { var a = Interfaces; return a.Length > 0 ? a[0] : null; } }

        /// <summary>
        /// The interface that reaches <paramref name="destination"/>: the first whose subnet holds it, else the first with
        /// a gateway, else the first configured one, else the first; null without interfaces.
        /// </summary>
        public static NetworkInterface Route(IPv4Address destination)
        {
            var all = Interfaces;
            foreach (var i in all) if (!i.Host.Address.IsAny && destination.IsInSameSubnet(i.Host.Address, i.Host.Netmask)) return i;
            foreach (var i in all) if (!i.Host.Gateway.IsAny) return i;
            foreach (var i in all) if (!i.Host.Address.IsAny) return i;
            return all.Length > 0 ? all[0] : null;
        }

        /// <summary>Configures <paramref name="nic"/> statically with <paramref name="config"/> (Cosmos API name) and records it in <see cref="NetworkConfiguration"/>.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public static void ConfigIP(NetworkDevice nic, IPConfig config)
        {
            if (config == null) throw new ArgumentNullException(nameof(config));
            var iface = GetInterface(nic);
            lock (iface.SyncRoot)
            {
                iface.Host.Configure(config.IPAddress.ToIPv4Address(), config.SubnetMask.ToIPv4Address(), config.DefaultGateway.ToIPv4Address());
                if (!iface.Host.Address.IsAny) iface.Host.AnnounceAddress();
            }
            NetworkConfiguration.Set(nic, config);
        }

        /// <summary>Unconfigures every interface (0.0.0.0) and clears <see cref="NetworkConfiguration"/> (Cosmos API name).</summary>
        public static void RemoveAllConfigIP()
        {
            foreach (var i in Interfaces)
                lock (i.SyncRoot) i.Host.Configure(IPv4Address.Any, IPv4Address.Any, IPv4Address.Any);
            NetworkConfiguration.ClearConfigs();
        }

        internal static void OnConfigured(NetworkInterface iface, List<IPv4Address> dnsServers)
        {
            var h = iface.Host;
            NetworkConfiguration.Set(iface.Device, new IPConfig(Address.FromIPv4Address(h.Address), Address.FromIPv4Address(h.Netmask), Address.FromIPv4Address(h.Gateway)));
            if (dnsServers != null) foreach (var d in dnsServers) DNSConfig.Add(Address.FromIPv4Address(d));
        }

        internal static void OnUnconfigured(NetworkInterface iface) => NetworkConfiguration.Remove(iface.Device);
    }
}
