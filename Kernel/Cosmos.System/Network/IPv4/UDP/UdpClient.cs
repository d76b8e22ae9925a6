using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4.UDP
{
    /// <summary>
    /// A UDP port (Cosmos API name <c>Cosmos.System.Network.IPv4.UDP.UdpClient</c>; RFC 768): bound on every interface,
    /// received datagrams queued (at most <see cref="MaxQueuedDatagrams"/>, further ones dropped and counted in
    /// <see cref="DatagramsDropped"/>), sent through the interface that routes the destination.
    /// </summary>
    public class UdpClient : IDisposable
    {
        /// <summary>Datagrams kept for <see cref="Receive(ref EndPoint)"/> before new ones are dropped.</summary>
        public const int MaxQueuedDatagrams = 64;

        /// <summary>First port of the ephemeral range (RFC 6335 §6: 49152–65535).</summary>
        public const int FirstEphemeralPort = 49152;

        private static readonly object s_portLock = new object();
        private static int s_nextEphemeral = FirstEphemeralPort;
        private readonly Queue<(EndPoint From, byte[] Data)> _rx = new Queue<(EndPoint, byte[])>();
        private readonly List<NetworkInterface> _bound = new List<NetworkInterface>();
        private Address _destination;
        private int _destinationPort;
        private bool _closed;

        /// <summary>The local port (0 for a client that binds none, as <see cref="DHCP.DHCPClient"/>).</summary>
        public int LocalPort { get; }

        /// <summary>Datagrams dropped because the queue was full.</summary>
        public long DatagramsDropped { get; private set; }

        /// <summary>A client on an ephemeral port.</summary>
        public UdpClient() : this(0) { }

        /// <summary>A client on <paramref name="localPort"/> (0: an ephemeral port, 49152–65535).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="localPort"/> is outside 0..65535.</exception>
        /// <exception cref="ArgumentException">The port is already bound.</exception>
        /// <exception cref="InvalidOperationException">No network card is started.</exception>
        public UdpClient(int localPort) : this(localPort, bind: true) { }

        /// <summary>A client on an ephemeral port whose default destination is <paramref name="dest"/>:<paramref name="destPort"/>.</summary>
        public UdpClient(Address dest, int destPort) : this(0) => Connect(dest, destPort);

        /// <summary>For subclasses that use the port through another owner (DHCP): <paramref name="bind"/> false binds nothing.</summary>
        protected UdpClient(int localPort, bool bind)
        {
            if ((uint)localPort > 65535) throw new ArgumentOutOfRangeException(nameof(localPort), "ports are 0..65535");
            if (!bind) { LocalPort = localPort; return; }
            var all = NetworkStack.Interfaces;
            if (all.Length == 0) throw new InvalidOperationException("no network card is started");
            if (localPort != 0)
            {
                if (!TryBindAll(all, (ushort)localPort)) throw new ArgumentException(string.Concat("UDP port ", localPort.ToString(), " is already bound"), nameof(localPort));
                LocalPort = localPort;
                return;
            }
            lock (s_portLock)
            {
                for (int tries = 0; tries < 16384; tries++)
                {
                    int p = s_nextEphemeral++;
                    if (s_nextEphemeral > 65535) s_nextEphemeral = FirstEphemeralPort;
                    if (TryBindAll(all, (ushort)p)) { LocalPort = p; return; }
                }
            }
            throw new InvalidOperationException("no free ephemeral UDP port");
        }

        private bool TryBindAll(NetworkInterface[] all, ushort port)
        {
            foreach (var i in all)
            {
                bool ok;
                lock (i.SyncRoot) ok = i.Host.Bind(port, OnDatagram);
                if (!ok) { UnbindAll(port); return false; }
                _bound.Add(i);
            }
            return true;
        }

        private void UnbindAll(ushort port)
        {
            foreach (var i in _bound) lock (i.SyncRoot) i.Host.Unbind(port);
            _bound.Clear();
        }

        private void OnDatagram(IPv4Address source, ushort sourcePort, IPv4Address destination, ushort destinationPort, ReadOnlySpan<byte> data)
        {
            lock (_rx)
            {
                if (_rx.Count >= MaxQueuedDatagrams) { DatagramsDropped++; return; }
                _rx.Enqueue((new EndPoint(Address.FromIPv4Address(source), sourcePort), data.ToArray()));
                Monitor.PulseAll(_rx);
            }
        }

        /// <summary>Sets the default destination for <see cref="Send(byte[])"/> (Cosmos API name).</summary>
        public void Connect(Address dest, int destPort)
        {
            if ((uint)destPort > 65535) throw new ArgumentOutOfRangeException(nameof(destPort));
            _destination = dest ?? throw new ArgumentNullException(nameof(dest));
            _destinationPort = destPort;
        }

        /// <summary>Sends <paramref name="data"/> to the address given to <see cref="Connect"/>.</summary>
        /// <exception cref="InvalidOperationException">Connect was not called.</exception>
        public void Send(byte[] data)
        {
            if (_destination == null || _destinationPort == 0) throw new InvalidOperationException("call Connect() before Send(data), or use Send(data, address, port)");
            Send(data, _destination, _destinationPort);
        }

        /// <summary>
        /// Sends one datagram of <paramref name="data"/> (0..65507 bytes; fragmented when over the MTU) to
        /// <paramref name="dest"/>:<paramref name="destPort"/>. Returns once the frame is handed to the card or queued
        /// behind an ARP resolution; a queued datagram is lost without an error when the next hop never answers or newer
        /// packets displace it from the bounded ARP queue (as on Linux, where such a send also succeeds).
        /// </summary>
        /// <exception cref="ArgumentException">The datagram is too long.</exception>
        /// <exception cref="InvalidOperationException">No interface reaches <paramref name="dest"/> (unconfigured, no gateway) or the client is closed.</exception>
        /// <exception cref="global::System.IO.IOException">
        /// The next hop's hardware address is unknown and the datagram needs more fragments than the ARP queue holds for
        /// one address (4), so none of it was sent; the resolution was started, so sending again once it answers works.
        /// </exception>
        public void Send(byte[] data, Address dest, int destPort)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            if (dest == null) throw new ArgumentNullException(nameof(dest));
            if (_closed) throw new InvalidOperationException("the UdpClient is closed");
            var to = dest.ToIPv4Address();
            var iface = NetworkStack.Route(to) ?? throw new InvalidOperationException("no network interface");
            SendStatus s;
            lock (iface.SyncRoot) s = iface.Host.SendUdp(to, (ushort)LocalPort, (ushort)destPort, data, NetworkInterface.NowMs);
            switch (s)
            {
                case SendStatus.Sent:
                case SendStatus.Queued:
                    return;
                case SendStatus.TooLong:
                    throw new ArgumentException(string.Concat("a UDP datagram carries at most 65507 bytes, not ", data.Length.ToString()), nameof(data));
                case SendStatus.NoRoute:
                    throw new InvalidOperationException(string.Concat("no route to ", dest.ToString(), " (", iface.Name, " is ", iface.Host.Address.ToString(), ", gateway ", iface.Host.Gateway.ToString(), ")"));
                default:
                    throw new global::System.IO.IOException(string.Concat(iface.Name, ": datagram to ", dest.ToString(), " dropped: its next hop is being resolved and it needs more fragments than the ARP queue holds for one address (",
                        iface.Host.Arp.MaxPendingPerAddress.ToString(), "); send it again once the next hop answers"));
            }
        }

        /// <summary>The next queued datagram, or null (Cosmos API name); <paramref name="source"/> gets its sender.</summary>
        public byte[] NonBlockingReceive(ref EndPoint source)
        {
            lock (_rx)
            {
                if (_rx.Count == 0) return null;
                var (from, data) = _rx.Dequeue();
                source = from;
                return data;
            }
        }

        /// <summary>Waits for the next datagram (no time limit, as in Cosmos); <paramref name="source"/> gets its sender.</summary>
        public byte[] Receive(ref EndPoint source) => Receive(ref source, -1);

        /// <summary>Waits up to <paramref name="timeoutMs"/> (−1: forever) for the next datagram; null on timeout.</summary>
        public byte[] Receive(ref EndPoint source, int timeoutMs)
        {
            long deadline = timeoutMs < 0 ? long.MaxValue : NetworkInterface.NowMs + timeoutMs;
            lock (_rx)
            {
                while (_rx.Count == 0)
                {
                    if (_closed) return null;
                    long left = deadline - NetworkInterface.NowMs;
                    if (left <= 0) return null;
                    Monitor.Wait(_rx, (int)Math.Min(left, 1000));
                }
                var (from, data) = _rx.Dequeue();
                source = from;
                return data;
            }
        }

        /// <summary>Unbinds the port (Cosmos API name); waiting receivers return null.</summary>
        public void Close()
        {
            if (_closed) return;
            _closed = true;
            if (LocalPort != 0) UnbindAll((ushort)LocalPort);
            lock (_rx) Monitor.PulseAll(_rx);
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose() => Close();
    }
}
