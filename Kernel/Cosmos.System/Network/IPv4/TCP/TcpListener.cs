using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4.TCP
{
    /// <summary>
    /// Accepts TCP connections on a port of every interface (Cosmos API name <c>Cosmos.System.Network.IPv4.TCP.TcpListener</c>):
    /// <see cref="Start"/>, then <see cref="AcceptTcpClient"/>. The stack completes handshakes by itself and keeps up
    /// to <see cref="Backlog"/> connections waiting per interface; half-open connections are bounded (a SYN flood
    /// cannot exhaust memory).
    /// </summary>
    public class TcpListener : IDisposable
    {
        private readonly StackSignal _signal = new StackSignal();
        private readonly List<(NetworkInterface Iface, TcpConnectionListener Listener)> _listeners = new();

        /// <summary>The port.</summary>
        public ushort LocalPort { get; }

        /// <summary>Connections kept waiting for <see cref="AcceptTcpClient"/> per interface (default 16).</summary>
        public int Backlog { get; set; } = 16;

        /// <summary>Half-open connections (SYN received, handshake not complete) over all interfaces; bounded per interface by TcpSettings.MaxHalfOpenPerListener.</summary>
        public int HalfOpenCount
        {
            get
            {
                int n = 0;
                foreach (var (iface, l) in _listeners) lock (iface.SyncRoot) n += l.HalfOpenCount;
                return n;
            }
        }

        /// <summary>A listener for <paramref name="localPort"/> (not listening until <see cref="Start"/>).</summary>
        public TcpListener(ushort localPort)
        {
            if (localPort == 0) throw new ArgumentOutOfRangeException(nameof(localPort), "listen on a port 1..65535");
            LocalPort = localPort;
        }

        /// <summary>Starts listening on every interface (Cosmos API name).</summary>
        /// <exception cref="global::System.Net.Sockets.SocketException">AddressAlreadyInUse when the port is taken.</exception>
        /// <exception cref="InvalidOperationException">No network card is started.</exception>
        public void Start()
        {
            if (_listeners.Count > 0) return;
            var all = NetworkStack.Interfaces;
            if (all.Length == 0) throw new InvalidOperationException("no network card is started");
            foreach (var i in all)
            {
                TcpError e;
                TcpConnectionListener l;
                lock (i.SyncRoot)
                {
                    e = i.Tcp.Listen(IPv4Address.Any, LocalPort, Backlog, out l);
                    if (e == TcpError.None) l.Changed = _ => _signal.Set();
                }
                if (e != TcpError.None) { Stop(); throw TcpClient.Error(e); }
                _listeners.Add((i, l));
            }
        }

        /// <summary>Waits up to <paramref name="timeout"/> ms (−1: forever) for a connection (Cosmos API name); null on timeout.</summary>
        /// <exception cref="InvalidOperationException">Not started.</exception>
        public TcpClient AcceptTcpClient(int timeout = -1)
        {
            if (_listeners.Count == 0) throw new InvalidOperationException("call Start() first");
            long deadline = timeout < 0 ? long.MaxValue : NetworkInterface.NowMs + timeout;
            while (true)
            {
                foreach (var (iface, l) in _listeners)
                {
                    TcpConnection c = null;
                    lock (iface.SyncRoot) if (!l.TryAccept(out c)) c = null;
                    if (c != null) return new TcpClient(iface, c);
                }
                long left = deadline - NetworkInterface.NowMs;
                if (left <= 0) return null;
                _signal.Wait((int)Math.Min(left, 100));
            }
        }

        /// <summary>Stops listening (Cosmos API name); waiting connections are reset.</summary>
        public void Stop()
        {
            foreach (var (iface, l) in _listeners) lock (iface.SyncRoot) l.Stop();
            _listeners.Clear();
            _signal.Set();
        }

        /// <summary>Same as <see cref="Stop"/>.</summary>
        public void Dispose() => Stop();
    }
}
