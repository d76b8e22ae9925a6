using System;
using System.Collections.Generic;
using Cosmos.System.Network.IPv4;

namespace Cosmos.System.Network.Config
{
    /// <summary>The DNS servers to ask, in order (Cosmos API name <c>Cosmos.System.Network.Config.DNSConfig</c>); DHCP adds those of its lease (option 6).</summary>
    public static class DNSConfig
    {
        /// <summary>The servers (Cosmos API name; change them through <see cref="Add"/> and <see cref="Remove"/>).</summary>
        public static readonly List<Address> DNSNameservers = new List<Address>();

        /// <summary>Adds <paramref name="nameserver"/> unless it is listed already or is 0.0.0.0.</summary>
        public static void Add(Address nameserver)
        {
            if (nameserver == null) throw new ArgumentNullException(nameof(nameserver));
            if (nameserver.Hash == 0) return;
            lock (DNSNameservers)
            {
                foreach (var a in DNSNameservers) if (a.Hash == nameserver.Hash) return;
                DNSNameservers.Add(nameserver);
            }
        }

        /// <summary>Removes <paramref name="nameserver"/> when listed.</summary>
        public static void Remove(Address nameserver)
        {
            lock (DNSNameservers)
                for (int i = 0; i < DNSNameservers.Count; i++)
                    if (DNSNameservers[i].Hash == nameserver.Hash) { DNSNameservers.RemoveAt(i); return; }
        }

        /// <summary>The first server, or null.</summary>
        public static Address Primary { get { lock (DNSNameservers) return DNSNameservers.Count > 0 ? DNSNameservers[0] : null; } }
    }
}
