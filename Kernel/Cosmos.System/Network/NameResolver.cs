using System;
using System.Collections.Generic;
using Cosmos.Network;
using Cosmos.System.Network.Config;
using Cosmos.System.Network.IPv4;
using Cosmos.System.Network.IPv4.UDP;

namespace Cosmos.System.Network
{
    /// <summary>Outcome of <see cref="NameResolver.Resolve"/>.</summary>
    public enum NameResolutionStatus
    {
        /// <summary>At least one address.</summary>
        Ok,
        /// <summary>The server answered that the name does not exist (RCODE 3) or has no A record.</summary>
        NotFound,
        /// <summary>No DNS server is configured (<see cref="DNSConfig"/> is empty) or no interface is up.</summary>
        NoServer,
        /// <summary>No server answered in time.</summary>
        TimedOut,
    }

    /// <summary>
    /// Host name → IPv4 addresses for the kernel (what <c>nslookup</c>, the Cosmos <see cref="IPv4.UDP.DNS.DnsClient"/>
    /// users and the socket layer's name resolution use): dotted-decimal literals directly, then the
    /// <see cref="DnsCache"/> (TTL-bounded), then A queries (RFC 1035 §4, recursion desired) over UDP to each server of
    /// <see cref="DNSConfig"/> in turn, at most 2 s per try, until the overall timeout. Thread-safe.
    /// </summary>
    public static class NameResolver
    {
        private static readonly DnsCache s_cache = new DnsCache(256);
        private static ushort s_nextId = (ushort)Cosmos.Core.Native.Rdtsc();

        /// <summary>The UDP port queries go to (53, RFC 1035 §4.2.1; tests point it at a DNS server on another port).</summary>
        public static ushort ServerPort { get; set; } = DnsMessage.ServerPort;

        /// <summary>Queries answered from the cache.</summary>
        public static long CacheHits { get; private set; }
        /// <summary>Queries sent to a server.</summary>
        public static long QueriesSent { get; private set; }

        /// <summary>Forgets every cached answer.</summary>
        public static void ClearCache() { lock (s_cache) s_cache.Clear(); }

        /// <summary>Resolves <paramref name="name"/> (≤ 253 characters) within <paramref name="timeoutMs"/>; <paramref name="addresses"/> is empty unless the status is Ok.</summary>
        /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or too long.</exception>
        public static NameResolutionStatus Resolve(string name, int timeoutMs, out IPv4Address[] addresses)
        {
            if (string.IsNullOrEmpty(name) || name.Length > 253) throw new ArgumentException("a host name has 1..253 characters", nameof(name));
            addresses = Array.Empty<IPv4Address>();
            if (IPv4Address.TryParse(name.AsSpan(), out var literal)) { addresses = new[] { literal }; return NameResolutionStatus.Ok; }
            long now = NetworkInterface.NowMs;
            lock (s_cache)
                if (s_cache.TryGet(name, now, out var cached)) { CacheHits++; addresses = cached; return NameResolutionStatus.Ok; }
            Address[] servers;
            lock (DNSConfig.DNSNameservers) servers = DNSConfig.DNSNameservers.ToArray();
            if (servers.Length == 0 || NetworkStack.Interfaces.Length == 0) return NameResolutionStatus.NoServer;
            long deadline = now + timeoutMs;
            using var udp = new UdpClient();
            for (int attempt = 0; NetworkInterface.NowMs < deadline; attempt++)
            {
                var server = servers[attempt % servers.Length];
                ushort id;
                lock (s_cache) id = s_nextId++;
                byte[] query = DnsMessage.CreateQuery(id, name).ToArray();
                try { udp.Send(query, server, ServerPort); }
                catch (InvalidOperationException) { return NameResolutionStatus.NoServer; }
                QueriesSent++;
                long tryEnd = Math.Min(deadline, NetworkInterface.NowMs + 2000);
                while (true)
                {
                    int left = (int)(tryEnd - NetworkInterface.NowMs);
                    if (left <= 0) break;
                    var from = new EndPoint(Address.Zero, 0);
                    byte[] reply = udp.Receive(ref from, left);
                    if (reply == null) break;
                    if (from.Address.Hash != server.Hash || from.Port != ServerPort) continue;
                    if (DnsMessage.TryParse(reply, out var m) != ParseStatus.Ok || !m.IsResponse || m.Id != id) continue;
                    if (m.ResponseCode == DnsMessage.RcodeNameError) return NameResolutionStatus.NotFound;
                    List<IPv4Address> found = m.GetAddresses(name);
                    if (found.Count == 0) return NameResolutionStatus.NotFound;
                    uint ttl = uint.MaxValue;
                    foreach (var rr in m.Answers) if (rr.TimeToLive < ttl) ttl = rr.TimeToLive;
                    lock (s_cache) s_cache.Add(name, found, ttl, NetworkInterface.NowMs);
                    addresses = found.ToArray();
                    return NameResolutionStatus.Ok;
                }
            }
            return NameResolutionStatus.TimedOut;
        }
    }
}
