using Cosmos.HAL;

namespace Cosmos.System.Network.Config
{
    /// <summary>A card and its IPv4 configuration (Cosmos API name <c>Cosmos.System.Network.Config.NetworkConfig</c>).</summary>
    public sealed class NetworkConfig
    {
        /// <summary>A pair.</summary>
        public NetworkConfig(NetworkDevice device, IPConfig config)
        {
            Device = device;
            IPConfig = config;
        }

        /// <summary>The card.</summary>
        public NetworkDevice Device { get; }
        /// <summary>Its configuration.</summary>
        public IPConfig IPConfig { get; }
    }
}
