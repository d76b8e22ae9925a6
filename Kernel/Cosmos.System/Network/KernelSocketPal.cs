using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Network;
using Cosmos.Runtime;
using Cosmos.System.Network.Config;

namespace Cosmos.System.Network
{
    /// <summary>
    /// The kernel's <see cref="SocketPal"/>: BSD sockets over <see cref="NetworkStack"/>, so System.Net.Sockets (and
    /// everything above it: TcpClient, HttpClient, Dns, Ping) runs unchanged. Installed by
    /// <see cref="NetworkStack.Initialize"/>.
    /// <para>TCP stream sockets map onto the interfaces' <see cref="TcpLayer"/>s (a listening socket has one
    /// <see cref="TcpConnectionListener"/> per interface), UDP datagram sockets bind their port on every interface and
    /// queue datagrams per socket, raw ICMP sockets carry echo requests and replies (receives include a synthesized
    /// IPv4 header, as Linux gives them).</para>
    /// <para>Locking: the socket table lock → an interface's SyncRoot → the wake lock. Stack callbacks (pump thread,
    /// SyncRoot held) only change a socket's fields, bump its <c>Version</c> and pulse the wake lock; every waiting
    /// (blocking calls, poll, event ports) re-evaluates readiness after each pulse or every 100 ms, never holding
    /// SyncRoot while waiting.</para>
    /// <para>Event ports are edge-triggered: a socket is reported when its Version changed since its last report and a
    /// registered (or Error/Close) condition holds. A spurious report only makes the engine retry and get −EAGAIN.</para>
    /// </summary>
    public sealed partial class KernelSocketPal : SocketPal
    {
        /// <summary>The instance <see cref="NetworkStack.Initialize"/> installs.</summary>
        public static KernelSocketPal Instance { get; } = new KernelSocketPal();

        /// <summary>Datagrams a UDP or raw socket keeps before dropping new ones.</summary>
        public const int MaxQueuedDatagrams = 256;

        /// <summary>Default SO_RCVBUF / SO_SNDBUF reported (the TCP buffers are fixed by <see cref="TcpSettings"/>).</summary>
        public const int DefaultBufferSize = 65536;

        private const int FirstEphemeralPort = 49152;

        private readonly object _lock = new object();
        private readonly Dictionary<long, KSocket> _sockets = new Dictionary<long, KSocket>();
        private readonly Dictionary<long, EventPort> _ports = new Dictionary<long, EventPort>();
        private long _nextDescriptor = FirstDescriptor;
        private int _nextEphemeral = FirstEphemeralPort;
        private ushort _nextIcmpId = 0x7000;
        private bool _icmpHooked;

        private static readonly object s_wake = new object();
        private static long s_wakeCount;

        private KernelSocketPal() { }

        // ---------------------------------------------------------------- waking

        /// <summary>Wakes every waiter (safe with any interface's SyncRoot held).</summary>
        internal static void Wake()
        {
            lock (s_wake) { s_wakeCount++; Monitor.PulseAll(s_wake); }
        }

        private static long WakeCount { get { lock (s_wake) return s_wakeCount; } }

        private static void WaitWake(long seen, long deadline)
        {
            long left = deadline - NetworkInterface.NowMs;
            if (left <= 0) return;
            lock (s_wake)
                if (s_wakeCount == seen) Monitor.Wait(s_wake, (int)Math.Min(left, 100));
        }

        /// <summary>Waits until <paramref name="check"/> returns something other than −EAGAIN, or until the deadline (then −EAGAIN).</summary>
        private static int WaitFor(Func<int> check, long deadline)
        {
            while (true)
            {
                long seen = WakeCount;
                int r = check();
                if (r != -Errno.EAGAIN) return r;
                if (NetworkInterface.NowMs >= deadline) return -Errno.EAGAIN;
                WaitWake(seen, deadline);
            }
        }

        private static long Deadline(int timeoutMs) => timeoutMs <= 0 ? long.MaxValue : NetworkInterface.NowMs + timeoutMs;

        // ---------------------------------------------------------------- socket objects

        private sealed class Datagram
        {
            public IPv4EndPoint From;
            public uint To;
            public int InterfaceIndex;
            public byte[] Data;
        }

        private sealed class KSocket
        {
            public long Fd;
            public SocketKind Kind;
            public SocketProtocol Protocol;
            public bool NonBlocking;
            public bool Closed;
            public long Version;
            public int ReceiveTimeout, SendTimeout;
            public int ReceiveBuffer = DefaultBufferSize, SendBuffer = DefaultBufferSize;
            public bool ReuseAddress, KeepAlive, Broadcast, NoDelay, PacketInfo, DontFragment;
            public int Ttl = 64, Tos, MulticastTtl = 1;
            public bool DontRoute;
            public int KeepAliveIdleSeconds = 7200, KeepAliveIntervalSeconds = 75, KeepAliveCount = 9;   // TCP_KEEPIDLE/KEEPINTVL/KEEPCNT (Linux defaults)
            public bool LingerOn; public int LingerSeconds;

            /// <summary>IP header fields for a datagram to <paramref name="destination"/> (the multicast TTL for groups, as Linux).</summary>
            public IPv4SendOptions IPOptions(IPv4Address destination) =>
                new IPv4SendOptions((byte)(destination.IsMulticast ? MulticastTtl : Ttl), (byte)Tos, DontFragment);

            /// <summary>What a TCP connection of this socket starts with (and gets again when an option changes).</summary>
            public TcpConnectionOptions TcpOptions() => new TcpConnectionOptions
            {
                SendBufferSize = SendBuffer, ReceiveBufferSize = ReceiveBuffer, KeepAlive = KeepAlive,
                KeepAliveIdleMs = KeepAliveIdleSeconds * 1000L, KeepAliveIntervalMs = KeepAliveIntervalSeconds * 1000L, KeepAliveProbes = KeepAliveCount,
                IPOptions = new IPv4SendOptions((byte)Ttl, (byte)Tos, DontFragment),
            };
            public int PendingError;                       // SO_ERROR (errno), cleared on read
            public readonly List<EventPort> Ports = new List<EventPort>();

            // binding
            public uint LocalAddress;
            public ushort LocalPort;
            public bool Bound;

            // TCP
            public NetworkInterface Iface;
            public TcpConnection Connection;
            public bool Connecting;
            public bool ShutRead, ShutWrite;
            public bool Disconnected;
            public List<(NetworkInterface Iface, TcpConnectionListener Listener)> Listeners;

            // UDP / raw
            public readonly Queue<Datagram> Queue = new Queue<Datagram>();
            public bool HasPeer;
            public IPv4EndPoint Peer;
            public ushort IcmpId;
            public readonly List<NetworkInterface> UdpBound = new List<NetworkInterface>();

            public void Bump() => Interlocked.Increment(ref Version);
        }

        private sealed class Registration
        {
            public KSocket Socket;
            public SocketEventFlags Mask;
            public IntPtr Data;
            public long ReportedVersion = -1;
        }

        private sealed class EventPort
        {
            public long Fd;
            public bool Closed;
            public readonly Dictionary<long, Registration> Registrations = new Dictionary<long, Registration>();
        }

        private KSocket Get(long fd)
        {
            lock (_lock) return _sockets.TryGetValue(fd, out var s) ? s : null;
        }

        private static int Lost(KSocket s) => s == null ? -Errno.EBADF : 0;

        /// <summary>Locks the interface of a TCP socket (or a private object when it has none yet).</summary>
        private static object Sync(KSocket s) => s.Iface?.SyncRoot ?? s;

        // ---------------------------------------------------------------- socket(2), close(2)

        /// <inheritdoc/>
        public override long Socket(SocketKind kind, SocketProtocol protocol)
        {
            switch (kind)
            {
                case SocketKind.Stream:
                    if (protocol != SocketProtocol.Unspecified && protocol != SocketProtocol.Tcp) return -Errno.EPROTONOSUPPORT;
                    protocol = SocketProtocol.Tcp;
                    break;
                case SocketKind.Datagram:
                    if (protocol != SocketProtocol.Unspecified && protocol != SocketProtocol.Udp) return -Errno.EPROTONOSUPPORT;
                    protocol = SocketProtocol.Udp;
                    break;
                case SocketKind.Raw:
                    if (protocol != SocketProtocol.Icmp) return -Errno.EPROTONOSUPPORT;
                    break;
                default:
                    return -Errno.ESOCKTNOSUPPORT;
            }
            var s = new KSocket { Kind = kind, Protocol = protocol };
            lock (_lock)
            {
                if (_nextDescriptor >= int.MaxValue) return -Errno.EMFILE;
                s.Fd = _nextDescriptor++;
                _sockets.Add(s.Fd, s);
                if (kind == SocketKind.Raw) s.IcmpId = _nextIcmpId++;
            }
            if (kind == SocketKind.Raw) HookIcmp();
            return s.Fd;
        }

        /// <inheritdoc/>
        public override int Close(long socket)
        {
            KSocket s;
            lock (_lock)
            {
                if (!_sockets.TryGetValue(socket, out s)) return -Errno.EBADF;
                _sockets.Remove(socket);
                foreach (var p in s.Ports) p.Registrations.Remove(socket);
                s.Ports.Clear();
            }
            StopListening(s);
            lock (Sync(s))
            {
                s.Closed = true;
                var c = s.Connection;
                if (c != null)
                {
                    c.Changed = null;
                    if (s.LingerOn && s.LingerSeconds == 0) c.Abort(); else c.Close();
                }
            }
            UnbindUdp(s);
            s.Bump();
            Wake();
            return 0;
        }

        private static void StopListening(KSocket s)
        {
            var ls = s.Listeners;
            if (ls == null) return;
            s.Listeners = null;
            foreach (var (iface, l) in ls) lock (iface.SyncRoot) { l.Changed = null; l.Stop(); }
        }

        private static void UnbindUdp(KSocket s)
        {
            foreach (var i in s.UdpBound) lock (i.SyncRoot) i.Host.Unbind(s.LocalPort);
            s.UdpBound.Clear();
        }

        // ---------------------------------------------------------------- addresses

        private static bool IsLocalAddress(uint a)
        {
            if (a == 0 || (a >> 24) == 127) return true;
            foreach (var i in NetworkStack.Interfaces) if (i.Host.Address.Value == a) return true;
            return false;
        }

        /// <summary>127.0.0.0/8 goes to the first configured interface's own address (the stack loops it back).</summary>
        private static uint MapLoopback(uint a)
        {
            if ((a >> 24) != 127) return a;
            foreach (var i in NetworkStack.Interfaces) if (!i.Host.Address.IsAny) return i.Host.Address.Value;
            return a;
        }

        private bool PortInUse(ushort port, SocketKind kind, KSocket except)
        {
            foreach (var o in _sockets.Values)
                if (o != except && o.Bound && o.LocalPort == port && o.Kind == kind && !o.Closed) return true;
            return false;
        }

        private ushort AllocatePort(SocketKind kind, KSocket s)
        {
            for (int tries = 0; tries < 16384; tries++)
            {
                int p = _nextEphemeral++;
                if (_nextEphemeral > 65535) _nextEphemeral = FirstEphemeralPort;
                if (!PortInUse((ushort)p, kind, s)) return (ushort)p;
            }
            return 0;
        }

        /// <inheritdoc/>
        public override int Bind(long socket, IPv4EndPoint local)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Bound) return -Errno.EINVAL;
            if (local.Address != 0 && !IsLocalAddress(local.Address)) return -Errno.EADDRNOTAVAIL;
            lock (_lock)
            {
                ushort port = local.Port;
                if (s.Kind == SocketKind.Raw) { s.Bound = true; s.LocalAddress = local.Address; return 0; }
                if (port == 0) { port = AllocatePort(s.Kind, s); if (port == 0) return -Errno.EADDRINUSE; }
                else if (PortInUse(port, s.Kind, s) && !(s.ReuseAddress && s.Kind == SocketKind.Stream && !AnyListening(port))) return -Errno.EADDRINUSE;
                s.LocalPort = port;
                s.LocalAddress = local.Address;
                s.Bound = true;
            }
            if (s.Kind == SocketKind.Datagram)
            {
                int r = BindUdp(s);
                if (r < 0) { s.Bound = false; s.LocalPort = 0; return r; }
            }
            return 0;
        }

        private bool AnyListening(ushort port)
        {
            foreach (var o in _sockets.Values) if (o.Listeners != null && o.LocalPort == port) return true;
            return false;
        }

        // ---------------------------------------------------------------- connect, listen, accept

        private static int ToErrno(TcpError e) => e switch
        {
            TcpError.None => 0,
            TcpError.ConnectionRefused => Errno.ECONNREFUSED,
            TcpError.TimedOut => Errno.ETIMEDOUT,
            TcpError.ConnectionReset => Errno.ECONNRESET,
            TcpError.ConnectionAborted => Errno.ECONNABORTED,
            TcpError.AddressInUse => Errno.EADDRINUSE,
            TcpError.AddressNotAvailable => Errno.EADDRNOTAVAIL,
            TcpError.NoBufferSpaceAvailable => Errno.ENOBUFS,
            TcpError.InvalidArgument => Errno.EINVAL,
            TcpError.NotConnected => Errno.ENOTCONN,
            TcpError.NetworkUnreachable => Errno.ENETUNREACH,
            _ => Errno.EIO,
        };

        private void Attach(KSocket s, NetworkInterface iface, TcpConnection c)
        {
            s.Iface = iface;
            s.Connection = c;
            c.NoDelay = s.NoDelay;
            c.Changed = _ => { s.Bump(); Wake(); };
        }

        /// <inheritdoc/>
        public override int Connect(long socket, IPv4EndPoint remote)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind != SocketKind.Stream)
            {
                if (remote.Address == 0 && remote.Port == 0) { s.HasPeer = false; return 0; }
                s.Peer = new IPv4EndPoint(MapLoopback(remote.Address), remote.Port);
                s.HasPeer = true;
                if (s.Kind == SocketKind.Datagram && !s.Bound) { int r = Bind(socket, default); if (r < 0) return r; }
                return 0;
            }
            if (s.Listeners != null) return -Errno.EISCONN;
            if (s.Connection != null)
            {
                if (s.Connecting) return -Errno.EALREADY;
                return -Errno.EISCONN;
            }
            if (remote.Port == 0) return -Errno.ECONNREFUSED;
            var to = new IPv4Address(MapLoopback(remote.Address));
            var iface = NetworkStack.Route(to);
            if (iface == null || iface.Host.Address.IsAny) return -Errno.ENETUNREACH;
            TcpError e;
            lock (iface.SyncRoot)
            {
                e = iface.Tcp.Connect(to, remote.Port, out var c, s.LocalPort, s.TcpOptions());
                if (e == TcpError.None) { Attach(s, iface, c); s.Connecting = true; s.Bound = true; s.LocalPort = c.LocalEndPoint.Port; }
            }
            if (e != TcpError.None) return -ToErrno(e);
            if (s.NonBlocking) return -Errno.EINPROGRESS;
            int res = WaitFor(() => ConnectResult(s), Deadline(s.SendTimeout));
            if (res == -Errno.EAGAIN)
            {
                // SO_SNDTIMEO expired (Linux reports EINPROGRESS then; .NET maps both to a timeout): give up.
                lock (Sync(s)) s.Connection?.Abort();
                s.Connection = null; s.Connecting = false;
                return -Errno.ETIMEDOUT;
            }
            return res;
        }

        /// <summary>0 when the pending connect finished, −errno when it failed, −EAGAIN while pending.</summary>
        private int ConnectResult(KSocket s)
        {
            lock (Sync(s))
            {
                var c = s.Connection;
                if (s.Closed || s.Disconnected) return -Errno.ECONNABORTED;
                if (c == null) return -Errno.ENOTCONN;
                if (!s.Connecting) return 0;
                if (c.State == TcpState.SynSent || c.State == TcpState.SynReceived) return -Errno.EAGAIN;
                s.Connecting = false;
                if (c.IsConnected || c.State == TcpState.FinWait1 || c.State == TcpState.FinWait2) return 0;
                int err = ToErrno(c.Error == TcpError.None ? TcpError.ConnectionAborted : c.Error);
                return -err;
            }
        }

        /// <summary>For a non-blocking connect: completes it when it finished, setting SO_ERROR on failure.</summary>
        private void SettleConnect(KSocket s)
        {
            if (!s.Connecting) return;
            int r = ConnectResult(s);
            if (r != -Errno.EAGAIN && r < 0)
            {
                s.PendingError = -r;
                lock (Sync(s)) { if (s.Connection != null) s.Connection.Changed = null; s.Connection = null; }
            }
        }

        /// <inheritdoc/>
        public override int Disconnect(long socket)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind != SocketKind.Stream) { s.HasPeer = false; return 0; }
            StopListening(s);
            lock (Sync(s))
            {
                s.Disconnected = true;
                s.Connection?.Abort();
            }
            s.Bump();
            Wake();
            return 0;
        }

        /// <inheritdoc/>
        public override int Listen(long socket, int backlog)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind != SocketKind.Stream) return -Errno.EOPNOTSUPP;
            if (s.Connection != null) return -Errno.EINVAL;
            if (s.Listeners != null) return 0;
            if (!s.Bound) { int r = Bind(socket, default); if (r < 0) return r; }
            if (backlog < 1) backlog = 1;
            if (backlog > 128) backlog = 128;
            var list = new List<(NetworkInterface, TcpConnectionListener)>();
            foreach (var i in NetworkStack.Interfaces)
            {
                if (s.LocalAddress != 0 && (s.LocalAddress >> 24) != 127 && i.Host.Address.Value != s.LocalAddress) continue;
                TcpError e;
                lock (i.SyncRoot)
                {
                    e = i.Tcp.Listen(IPv4Address.Any, s.LocalPort, backlog, out var l, s.TcpOptions());
                    if (e == TcpError.None) { l.Changed = _ => { s.Bump(); Wake(); }; list.Add((i, l)); }
                }
                if (e != TcpError.None)
                {
                    foreach (var (fi, fl) in list) lock (fi.SyncRoot) fl.Stop();
                    return -ToErrno(e);
                }
            }
            if (list.Count == 0) return -Errno.EADDRNOTAVAIL;
            s.Listeners = list;
            return 0;
        }

        /// <inheritdoc/>
        public override long Accept(long socket, out IPv4EndPoint remote)
        {
            remote = default;
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Listeners == null) return -Errno.EINVAL;
            NetworkInterface gotIface = null;
            TcpConnection got = null;
            int r = s.NonBlocking ? TryAccept(s, out gotIface, out got) : WaitFor(() => TryAccept(s, out gotIface, out got), Deadline(s.ReceiveTimeout));
            if (r < 0) return r;
            var n = new KSocket { Kind = SocketKind.Stream, Protocol = SocketProtocol.Tcp, Bound = true, NoDelay = s.NoDelay,
                ReceiveBuffer = s.ReceiveBuffer, SendBuffer = s.SendBuffer, KeepAlive = s.KeepAlive, KeepAliveIdleSeconds = s.KeepAliveIdleSeconds,
                KeepAliveIntervalSeconds = s.KeepAliveIntervalSeconds, KeepAliveCount = s.KeepAliveCount, Ttl = s.Ttl, Tos = s.Tos, DontFragment = s.DontFragment };
            lock (gotIface.SyncRoot)
            {
                Attach(n, gotIface, got);
                n.LocalAddress = got.LocalEndPoint.Address.Value;
                n.LocalPort = got.LocalEndPoint.Port;
                remote = new IPv4EndPoint(got.RemoteEndPoint.Address.Value, got.RemoteEndPoint.Port);
            }
            lock (_lock)
            {
                n.Fd = _nextDescriptor++;
                _sockets.Add(n.Fd, n);
            }
            n.Bump();
            return n.Fd;
        }

        private static int TryAccept(KSocket s, out NetworkInterface iface, out TcpConnection c)
        {
            iface = null; c = null;
            var ls = s.Listeners;
            if (ls == null || s.Closed || s.Disconnected) return -Errno.EINVAL;
            foreach (var (i, l) in ls)
                lock (i.SyncRoot)
                    if (l.TryAccept(out c)) { iface = i; return 0; }
            return -Errno.EAGAIN;
        }

        /// <inheritdoc/>
        public override int Shutdown(long socket, SocketShutdownHow how)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind == SocketKind.Stream)
            {
                if (s.Connection == null && s.Listeners == null) return -Errno.ENOTCONN;
                if (how != SocketShutdownHow.Send) s.ShutRead = true;
                if (how != SocketShutdownHow.Receive)
                {
                    s.ShutWrite = true;
                    lock (Sync(s)) s.Connection?.Shutdown();
                }
                if (how == SocketShutdownHow.Both) StopListening(s);
            }
            else
            {
                if (how != SocketShutdownHow.Send) s.ShutRead = true;
                if (how != SocketShutdownHow.Receive) s.ShutWrite = true;
            }
            s.Bump();
            Wake();
            return 0;
        }

        // ---------------------------------------------------------------- send, receive

        /// <inheritdoc/>
        public override int Send(long socket, ReadOnlySpan<byte> data, SocketMessageFlags flags, IPv4EndPoint? destination)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.ShutWrite) return -Errno.EPIPE;
            if (s.Kind == SocketKind.Datagram) return SendDatagram(s, data, destination);
            if (s.Kind == SocketKind.Raw) return SendIcmp(s, data, destination);
            if (s.Connection == null) return -Errno.EPIPE;             // Linux: send on an unconnected stream is EPIPE (SocketError.Shutdown)
            // Spans cannot be captured by the wait lambda: copy blocking sends through an array slice at a time.
            bool dontWait = s.NonBlocking || (flags & SocketMessageFlags.DontWait) != 0;
            long deadline = Deadline(s.SendTimeout);
            while (true)
            {
                long seen = WakeCount;
                int r = TrySend(s, data);
                if (r != -Errno.EAGAIN || dontWait) return r;
                if (NetworkInterface.NowMs >= deadline) return -Errno.EAGAIN;
                WaitWake(seen, deadline);
            }
        }

        private static int TrySend(KSocket s, ReadOnlySpan<byte> data)
        {
            lock (Sync(s))
            {
                var c = s.Connection;
                if (c == null || s.Closed || s.Disconnected) return -Errno.EPIPE;
                if (c.State == TcpState.SynSent || c.State == TcpState.SynReceived) return -Errno.EAGAIN;
                if (c.IsClosed) return c.Error == TcpError.None || c.Error == TcpError.ConnectionAborted ? -Errno.EPIPE : -ToErrno(c.Error);
                if (data.Length == 0) return 0;
                int n = c.Send(data);
                if (n < 0) return c.Error != TcpError.None && c.Error != TcpError.ConnectionAborted ? -ToErrno(c.Error) : -Errno.EPIPE;
                return n == 0 ? -Errno.EAGAIN : n;
            }
        }

        /// <inheritdoc/>
        public override int Receive(long socket, Span<byte> buffer, SocketMessageFlags flags, out SocketReceiveInfo info)
        {
            info = default;
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if ((flags & SocketMessageFlags.ErrorQueue) != 0) return -Errno.EAGAIN;
            bool dontWait = s.NonBlocking || (flags & SocketMessageFlags.DontWait) != 0;
            bool peek = (flags & SocketMessageFlags.Peek) != 0;
            long deadline = Deadline(s.ReceiveTimeout);
            if (s.Kind != SocketKind.Stream)
            {
                while (true)
                {
                    long seen = WakeCount;
                    int r = TryReceiveDatagram(s, buffer, peek, ref info);
                    if (r != -Errno.EAGAIN || dontWait) return r;
                    if (NetworkInterface.NowMs >= deadline) return -Errno.EAGAIN;
                    WaitWake(seen, deadline);
                }
            }
            if (s.Connection == null && !s.Disconnected) return -Errno.ENOTCONN;
            while (true)
            {
                long seen = WakeCount;
                int r = TryReceiveStream(s, buffer, peek, ref info);
                if (r != -Errno.EAGAIN || dontWait) return r;
                if (NetworkInterface.NowMs >= deadline) return -Errno.EAGAIN;
                WaitWake(seen, deadline);
            }
        }

        private int TryReceiveStream(KSocket s, Span<byte> buffer, bool peek, ref SocketReceiveInfo info)
        {
            lock (Sync(s))
            {
                var c = s.Connection;
                if (c == null || s.Disconnected) return 0;
                if (s.ShutRead) return 0;
                info.From = new IPv4EndPoint(c.RemoteEndPoint.Address.Value, c.RemoteEndPoint.Port);
                if (s.Queue.Count > 0)
                {
                    // bytes an earlier MSG_PEEK took out of the connection
                    var stash = s.Queue.Peek().Data;
                    int k = Math.Min(stash.Length, buffer.Length);
                    stash.AsSpan(0, k).CopyTo(buffer);
                    if (!peek)
                    {
                        s.Queue.Dequeue();
                        if (k < stash.Length) s.Queue.Enqueue(new Datagram { Data = stash.AsSpan(k).ToArray() });
                    }
                    return k;
                }
                if (c.State == TcpState.SynSent || c.State == TcpState.SynReceived) return -Errno.EAGAIN;
                int avail = c.BytesAvailable;
                if (avail > 0)
                {
                    if (buffer.Length == 0) return 0;
                    if (!peek) return c.Receive(buffer);
                    return PeekStream(s, c, buffer);
                }
                if (c.IsPeerClosed) return 0;
                if (c.IsClosed)
                {
                    var e = c.Error;
                    if (e == TcpError.None || e == TcpError.ConnectionAborted) return 0;
                    return -ToErrno(e);
                }
                return buffer.Length == 0 ? 0 : -Errno.EAGAIN;
            }
        }

        /// <summary>MSG_PEEK on a stream: TcpConnection has no peek, so the bytes are read and kept in the socket's peek buffer.</summary>
        private static int PeekStream(KSocket s, TcpConnection c, Span<byte> buffer)
        {
            // Implemented by the stash below: a peeked stream keeps its bytes in s.Queue as one datagram.
            if (s.Queue.Count == 0)
            {
                var b = new byte[c.BytesAvailable];
                int n = c.Receive(b);
                if (n != b.Length) Array.Resize(ref b, n);
                s.Queue.Enqueue(new Datagram { Data = b });
            }
            var d = s.Queue.Peek().Data;
            int k = Math.Min(d.Length, buffer.Length);
            d.AsSpan(0, k).CopyTo(buffer);
            return k;
        }

        /// <inheritdoc/>
        public override int GetLocalEndPoint(long socket, out IPv4EndPoint local)
        {
            local = default;
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            lock (Sync(s))
            {
                if (s.Connection != null) { local = new IPv4EndPoint(s.Connection.LocalEndPoint.Address.Value, s.Connection.LocalEndPoint.Port); return 0; }
            }
            local = new IPv4EndPoint(s.LocalAddress, s.LocalPort);
            return 0;
        }

        /// <inheritdoc/>
        public override int GetRemoteEndPoint(long socket, out IPv4EndPoint remote)
        {
            remote = default;
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind != SocketKind.Stream)
            {
                if (!s.HasPeer) return -Errno.ENOTCONN;
                remote = s.Peer;
                return 0;
            }
            lock (Sync(s))
            {
                var c = s.Connection;
                if (c == null || s.Connecting) return -Errno.ENOTCONN;
                remote = new IPv4EndPoint(c.RemoteEndPoint.Address.Value, c.RemoteEndPoint.Port);
                return 0;
            }
        }

        /// <inheritdoc/>
        public override int GetSocketType(long socket, out SocketKind kind, out SocketProtocol protocol, out bool listening)
        {
            var s = Get(socket);
            kind = s?.Kind ?? 0; protocol = s?.Protocol ?? 0; listening = s?.Listeners != null;
            return Lost(s);
        }

        /// <inheritdoc/>
        public override int GetBytesAvailable(long socket)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (s.Kind != SocketKind.Stream) { lock (s.Queue) return s.Queue.Count > 0 ? s.Queue.Peek().Data.Length : 0; }
            lock (Sync(s))
            {
                int n = 0;
                foreach (var d in s.Queue) n += d.Data.Length;
                return n + (s.Connection?.BytesAvailable ?? 0);
            }
        }

        /// <inheritdoc/>
        public override int SetNonBlocking(long socket, bool nonBlocking)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            s.NonBlocking = nonBlocking;
            return 0;
        }

        /// <inheritdoc/>
        public override int GetNonBlocking(long socket)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            return s.NonBlocking ? 1 : 0;
        }
    }
}
