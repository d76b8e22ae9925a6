using System.Collections.Generic;
using Cosmos.HAL;
using Cosmos.System.Network.IPv4;

namespace Cosmos.System.Network.Config
{
    /// <summary>
    /// The configured interfaces (Cosmos API name <c>Cosmos.System.Network.Config.NetworkConfiguration</c>): one
    /// <see cref="NetworkConfig"/> per configured card, kept by <see cref="NetworkStack"/> (static configuration and
    /// DHCP alike). The first configuration becomes <see cref="CurrentNetworkConfig"/>.
    /// </summary>
    public static class NetworkConfiguration
    {
        private static readonly object s_lock = new object();

        /// <summary>The configuration Cosmos code treats as "the" network (the first one made, unless set).</summary>
        public static NetworkConfig CurrentNetworkConfig { get; set; }

        /// <summary>Every configuration (Cosmos API name; treat as read-only).</summary>
        public static readonly List<NetworkConfig> NetworkConfigs = new List<NetworkConfig>();

        /// <summary>Number of configurations.</summary>
        public static int Count { get { lock (s_lock) return NetworkConfigs.Count; } }

        /// <summary>Our address in <see cref="CurrentNetworkConfig"/>, or 0.0.0.0 when nothing is configured.</summary>
        public static Address CurrentAddress => CurrentNetworkConfig?.IPConfig.IPAddress ?? Address.Zero;

        /// <summary>Makes (<paramref name="device"/>, <paramref name="config"/>) current.</summary>
        public static void SetCurrentConfig(NetworkDevice device, IPConfig config) => CurrentNetworkConfig = new NetworkConfig(device, config);

        /// <summary>Adds a configuration (prefer <see cref="NetworkStack.ConfigIP"/>, which also applies it).</summary>
        public static void AddConfig(NetworkDevice device, IPConfig config)
        {
            lock (s_lock) NetworkConfigs.Add(new NetworkConfig(device, config));
        }

        internal static void Set(NetworkDevice device, IPConfig config)
        {
            lock (s_lock)
            {
                for (int i = 0; i < NetworkConfigs.Count; i++)
                    if (NetworkConfigs[i].Device == device) { NetworkConfigs.RemoveAt(i); break; }
                var c = new NetworkConfig(device, config);
                NetworkConfigs.Add(c);
                if (CurrentNetworkConfig == null || CurrentNetworkConfig.Device == device) CurrentNetworkConfig = c;
            }
        }

        /// <summary>True when <paramref name="targetDevice"/> has a configuration.</summary>
        public static bool ConfigsContainsDevice(NetworkDevice targetDevice) => Get(targetDevice) != null;

        /// <summary>Forgets every configuration (the interfaces keep their addresses; see <see cref="NetworkStack.RemoveAllConfigIP"/>).</summary>
        public static void ClearConfigs()
        {
            lock (s_lock) { NetworkConfigs.Clear(); CurrentNetworkConfig = null; }
        }

        /// <summary>The configuration of <paramref name="device"/>, or null.</summary>
        public static IPConfig Get(NetworkDevice device)
        {
            lock (s_lock)
            {
                foreach (var c in NetworkConfigs) if (c.Device == device) return c.IPConfig;
                return null;
            }
        }

        /// <summary>Forgets the configuration of <paramref name="key"/> (nothing when it has none).</summary>
        public static void Remove(NetworkDevice key)
        {
            lock (s_lock)
            {
                for (int i = 0; i < NetworkConfigs.Count; i++)
                    if (NetworkConfigs[i].Device == key)
                    {
                        if (CurrentNetworkConfig == NetworkConfigs[i]) CurrentNetworkConfig = null;
                        NetworkConfigs.RemoveAt(i);
                        break;
                    }
                if (CurrentNetworkConfig == null && NetworkConfigs.Count > 0) CurrentNetworkConfig = NetworkConfigs[0];
            }
        }
    }
}
