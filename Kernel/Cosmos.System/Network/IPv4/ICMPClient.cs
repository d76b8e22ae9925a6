using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4
{
    /// <summary>
    /// ICMP Echo (RFC 792) from this machine (Cosmos API name <c>Cosmos.System.Network.IPv4.ICMPClient</c>): each client
    /// has its own identifier; <see cref="SendEcho"/> sends an Echo Request with the next sequence number and a 32-byte
    /// payload, <see cref="Receive"/> waits for the matching Echo Reply. Echo Requests from others are answered by the
    /// stack itself.
    /// </summary>
    public class ICMPClient : IDisposable
    {
        private static readonly object s_lock = new object();
        private static readonly Dictionary<ushort, ICMPClient> s_clients = new Dictionary<ushort, ICMPClient>();
        private static ushort s_nextIdentifier = 0x4353;

        private readonly Queue<(Address From, ushort Sequence, long ReceivedMs)> _replies = new Queue<(Address, ushort, long)>();
        private readonly long[] _sentMs = new long[256];
        private Address _destination;
        private ushort _sequence;
        private bool _closed;

        /// <summary>The Echo identifier of this client.</summary>
        public ushort Identifier { get; }

        /// <summary>A client with a fresh identifier.</summary>
        public ICMPClient()
        {
            lock (s_lock)
            {
                while (s_clients.ContainsKey(s_nextIdentifier)) s_nextIdentifier++;
                Identifier = s_nextIdentifier++;
                s_clients.Add(Identifier, this);
            }
        }

        /// <summary>Sets the destination (Cosmos API name).</summary>
        public void Connect(Address dest) => _destination = dest ?? throw new ArgumentNullException(nameof(dest));

        /// <summary>Sends one Echo Request to the connected address (Cosmos API name).</summary>
        /// <exception cref="InvalidOperationException">Connect was not called, no interface reaches the address, or the client is closed.</exception>
        public void SendEcho()
        {
            if (_destination == null) throw new InvalidOperationException("call Connect() first");
            if (_closed) throw new InvalidOperationException("the ICMPClient is closed");
            var to = _destination.ToIPv4Address();
            var iface = NetworkStack.Route(to) ?? throw new InvalidOperationException("no network interface");
            Span<byte> payload = stackalloc byte[32];
            for (int i = 0; i < payload.Length; i++) payload[i] = (byte)('a' + i % 23);
            ushort seq = ++_sequence;
            _sentMs[seq & 255] = NetworkInterface.NowMs;
            SendStatus s;
            lock (iface.SyncRoot) s = iface.Host.SendEchoRequest(to, Identifier, seq, payload, NetworkInterface.NowMs);
            if (s == SendStatus.NoRoute) throw new InvalidOperationException(string.Concat("no route to ", _destination.ToString()));
        }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> ms for an Echo Reply to this client; returns the round trip in ms
        /// (from the matching <see cref="SendEcho"/>), or −1 on timeout (Cosmos API behaviour). <paramref name="source"/>
        /// gets the replying address.
        /// </summary>
        public int Receive(ref EndPoint source, int timeout = 5000)
        {
            long deadline = NetworkInterface.NowMs + timeout;
            lock (_replies)
            {
                while (_replies.Count == 0)
                {
                    long left = deadline - NetworkInterface.NowMs;
                    if (left <= 0 || _closed) return -1;
                    Monitor.Wait(_replies, (int)Math.Min(left, 1000));
                }
                var r = _replies.Dequeue();
                source = new EndPoint(r.From, 0);
                return (int)Math.Max(0, r.ReceivedMs - _sentMs[r.Sequence & 255]);
            }
        }

        /// <summary>The stack's echo-reply callback: routes a reply to the client with its identifier (pump thread, interface lock held).</summary>
        internal static void Deliver(IPv4Address source, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data)
        {
            ICMPClient c;
            lock (s_lock) s_clients.TryGetValue(identifier, out c);
            if (c == null) return;
            lock (c._replies)
            {
                if (c._replies.Count >= 64) return;
                c._replies.Enqueue((Address.FromIPv4Address(source), sequenceNumber, NetworkInterface.NowMs));
                Monitor.PulseAll(c._replies);
            }
        }

        /// <summary>Releases the identifier (Cosmos API name).</summary>
        public void Close()
        {
            if (_closed) return;
            _closed = true;
            lock (s_lock) s_clients.Remove(Identifier);
            lock (_replies) Monitor.PulseAll(_replies);
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose() => Close();
    }
}
