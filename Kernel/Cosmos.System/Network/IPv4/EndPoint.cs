using System;

namespace Cosmos.System.Network.IPv4
{
    /// <summary>An IPv4 address and a port (Cosmos API name <c>Cosmos.System.Network.IPv4.EndPoint</c>).</summary>
    public struct EndPoint : IComparable
    {
        /// <summary>The address.</summary>
        public Address Address;
        /// <summary>The port (0..65535).</summary>
        public ushort Port;

        /// <summary>An end point.</summary>
        public EndPoint(Address addr, ushort port)
        {
            Address = addr;
            Port = port;
        }

        /// <summary>Orders by address, then port.</summary>
        public int CompareTo(object obj)
        {
            if (obj is not EndPoint other) return 1;
            int c = (Address?.Hash ?? 0).CompareTo(other.Address?.Hash ?? 0);
            return c != 0 ? c : Port.CompareTo(other.Port);
        }

        /// <summary>"10.0.2.2:8080".</summary>
        public override string ToString() => string.Concat(Address?.ToString() ?? "?", ":", Port.ToString());
    }
}
