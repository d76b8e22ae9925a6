using System;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4.UDP.DNS
{
    /// <summary>
    /// A DNS client for one server (Cosmos API name <c>Cosmos.System.Network.IPv4.UDP.DNS.DnsClient</c>): <see cref="Connect"/>
    /// to the server, <see cref="SendAsk"/> a name, <see cref="Receive"/> its first IPv4 address (RFC 1035 A record,
    /// CNAMEs followed). For resolution through every configured server with caching use <see cref="NameResolver"/>.
    /// </summary>
    public class DnsClient : UdpClient
    {
        private ushort _id;
        private string _name;
        private Address _server;

        /// <summary>A client on an ephemeral port.</summary>
        public DnsClient() : base(0) { }

        /// <summary>The server to ask (port 53; Cosmos API name).</summary>
        public void Connect(Address address)
        {
            _server = address ?? throw new ArgumentNullException(nameof(address));
            Connect(address, DnsMessage.ServerPort);
        }

        /// <summary>Sends an A query for <paramref name="url"/> (a host name; Cosmos API name).</summary>
        public void SendAsk(string url)
        {
            if (string.IsNullOrEmpty(url)) throw new ArgumentException("empty host name", nameof(url));
            _name = url;
            _id = (ushort)Cosmos.Core.Native.Rdtsc();
            Send(DnsMessage.CreateQuery(_id, url).ToArray());
        }

        /// <summary>Waits up to <paramref name="timeout"/> ms for the answer; its first IPv4 address, or null on timeout, NXDOMAIN or no A record (Cosmos API behaviour).</summary>
        public Address Receive(int timeout = 5000)
        {
            if (_name == null) throw new InvalidOperationException("call SendAsk() first");
            long deadline = NetworkInterface.NowMs + timeout;
            while (true)
            {
                int left = (int)(deadline - NetworkInterface.NowMs);
                if (left <= 0) return null;
                var from = new EndPoint(Address.Zero, 0);
                byte[] reply = Receive(ref from, left);
                if (reply == null) return null;
                if (_server != null && from.Address.Hash != _server.Hash) continue;
                if (DnsMessage.TryParse(reply, out var m) != ParseStatus.Ok || !m.IsResponse || m.Id != _id) continue;
                var a = m.GetAddresses(_name);
                return a.Count == 0 ? null : Address.FromIPv4Address(a[0]);
            }
        }
    }
}
