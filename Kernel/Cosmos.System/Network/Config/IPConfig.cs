using System;
using Cosmos.HAL;
using Cosmos.System.Network.IPv4;

namespace Cosmos.System.Network.Config
{
    /// <summary>An IPv4 configuration: address, subnet mask, default gateway (Cosmos API name <c>Cosmos.System.Network.Config.IPConfig</c>).</summary>
    public sealed class IPConfig
    {
        /// <summary>A configuration without a default gateway.</summary>
        public IPConfig(Address ip, Address subnet) : this(ip, subnet, Address.Zero) { }

        /// <summary>A configuration.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public IPConfig(Address ip, Address subnet, Address gw)
        {
            IPAddress = ip ?? throw new ArgumentNullException(nameof(ip));
            SubnetMask = subnet ?? throw new ArgumentNullException(nameof(subnet));
            DefaultGateway = gw ?? throw new ArgumentNullException(nameof(gw));
        }

        /// <summary>Our address.</summary>
        public Address IPAddress { get; }
        /// <summary>The subnet mask.</summary>
        public Address SubnetMask { get; }
        /// <summary>The default gateway (0.0.0.0: none).</summary>
        public Address DefaultGateway { get; }

        /// <summary>Configures <paramref name="device"/> statically (Cosmos API name); false when <paramref name="device"/> is null.</summary>
        public static bool Enable(NetworkDevice device, Address ip, Address subnet, Address gw)
        {
            if (device == null) return false;
            NetworkStack.ConfigIP(device, new IPConfig(ip, subnet, gw));
            return true;
        }

        /// <summary>Our address on the interface that reaches <paramref name="destIP"/> (Cosmos API name), or null without interfaces.</summary>
        public static Address FindNetwork(Address destIP)
        {
            var i = NetworkStack.Route((destIP ?? throw new ArgumentNullException(nameof(destIP))).ToIPv4Address());
            return i == null ? null : Address.FromIPv4Address(i.Host.Address);
        }

        /// <summary>"10.0.2.15/255.255.255.0 gw 10.0.2.2".</summary>
        public override string ToString() => string.Concat(IPAddress.ToString(), "/", SubnetMask.ToString(), " gw ", DefaultGateway.ToString());
    }
}
