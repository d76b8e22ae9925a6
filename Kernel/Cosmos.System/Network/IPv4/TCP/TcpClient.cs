using System;
using System.Threading;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4.TCP
{
    /// <summary>
    /// A TCP connection (Cosmos API name <c>Cosmos.System.Network.IPv4.TCP.TcpClient</c>; RFC 9293 through the
    /// interface's <see cref="TcpLayer"/>): <see cref="Connect"/> to a remote end point (or get one from
    /// <see cref="TcpListener.AcceptTcpClient"/>), then <see cref="Send(byte[])"/> and <see cref="Receive(ref EndPoint)"/> byte
    /// arrays, as in Cosmos. Data is a byte stream: a Receive returns what has arrived (at least one byte), not the
    /// units the peer sent. Errors are exceptions: <see cref="global::System.Net.Sockets.SocketException"/> with the
    /// <see cref="global::System.Net.Sockets.SocketError"/> of the failure (ConnectionRefused, TimedOut, ConnectionReset…).
    /// Thread-safe for one sender and one receiver; waits never hold the interface lock (see <see cref="StackSignal"/>).
    /// </summary>
    public class TcpClient : IDisposable
    {
        private readonly StackSignal _signal = new StackSignal();
        private NetworkInterface _iface;
        private TcpConnection _connection;
        private readonly int _localPort;

        /// <summary>A client that will connect from <paramref name="localPort"/> (0: an ephemeral port).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="localPort"/> is outside 0..65535.</exception>
        public TcpClient(int localPort = 0)
        {
            if ((uint)localPort > 65535) throw new ArgumentOutOfRangeException(nameof(localPort));
            _localPort = localPort;
        }

        /// <summary>A client connected to <paramref name="dest"/>:<paramref name="destPort"/> (Cosmos API shape).</summary>
        public TcpClient(Address dest, int destPort) : this(0) => Connect(dest, destPort);

        internal TcpClient(NetworkInterface iface, TcpConnection connection)
        {
            _iface = iface;
            Attach(connection);
        }

        private void Attach(TcpConnection c)
        {
            _connection = c;
            c.Changed = _ => _signal.Set();
        }

        /// <summary>The connection's state machine (null before <see cref="Connect"/>).</summary>
        public TcpConnection Connection => _connection;

        /// <summary>The remote end point (null before <see cref="Connect"/>).</summary>
        public EndPoint? RemoteEndPoint => _connection == null ? null : new EndPoint(Address.FromIPv4Address(_connection.RemoteEndPoint.Address), _connection.RemoteEndPoint.Port);

        /// <summary>The local end point (null before <see cref="Connect"/>).</summary>
        public EndPoint? LocalEndPoint => _connection == null ? null : new EndPoint(Address.FromIPv4Address(_connection.LocalEndPoint.Address), _connection.LocalEndPoint.Port);

        internal static global::System.Net.Sockets.SocketError ToSocketError(TcpError e) => e switch
        {
            TcpError.ConnectionRefused => global::System.Net.Sockets.SocketError.ConnectionRefused,
            TcpError.TimedOut => global::System.Net.Sockets.SocketError.TimedOut,
            TcpError.ConnectionReset => global::System.Net.Sockets.SocketError.ConnectionReset,
            TcpError.ConnectionAborted => global::System.Net.Sockets.SocketError.ConnectionAborted,
            TcpError.AddressInUse => global::System.Net.Sockets.SocketError.AddressAlreadyInUse,
            TcpError.AddressNotAvailable => global::System.Net.Sockets.SocketError.AddressNotAvailable,
            TcpError.NoBufferSpaceAvailable => global::System.Net.Sockets.SocketError.NoBufferSpaceAvailable,
            TcpError.InvalidArgument => global::System.Net.Sockets.SocketError.InvalidArgument,
            TcpError.NotConnected => global::System.Net.Sockets.SocketError.NotConnected,
            TcpError.NetworkUnreachable => global::System.Net.Sockets.SocketError.NetworkUnreachable,
            _ => global::System.Net.Sockets.SocketError.SocketError,
        };

        internal static global::System.Net.Sockets.SocketException Error(TcpError e) => new global::System.Net.Sockets.SocketException((int)ToSocketError(e));

        /// <summary>
        /// Opens the connection (three-way handshake) and waits up to <paramref name="timeout"/> ms (Cosmos API name;
        /// the stack itself gives up after its SYN retries, about 2 min).
        /// </summary>
        /// <exception cref="InvalidOperationException">Already connected.</exception>
        /// <exception cref="global::System.Net.Sockets.SocketException">Refused (ConnectionRefused), no answer in time (TimedOut), no route (NetworkUnreachable), port in use (AddressAlreadyInUse).</exception>
        public void Connect(Address dest, int destPort, int timeout = 5000)
        {
            if (dest == null) throw new ArgumentNullException(nameof(dest));
            if ((uint)destPort - 1 > 65534) throw new ArgumentOutOfRangeException(nameof(destPort));
            if (_connection != null) throw new InvalidOperationException("the TcpClient is already connected");
            var to = dest.ToIPv4Address();
            _iface = NetworkStack.Route(to) ?? throw Error(TcpError.NetworkUnreachable);
            TcpError e;
            TcpConnection c;
            lock (_iface.SyncRoot)
            {
                e = _iface.Tcp.Connect(to, (ushort)destPort, out c, (ushort)_localPort);
                if (e == TcpError.None) Attach(c);
            }
            if (e != TcpError.None) throw Error(e);
            long deadline = NetworkInterface.NowMs + timeout;
            while (true)
            {
                TcpState st; TcpError err;
                lock (_iface.SyncRoot) { st = c.State; err = c.Error; }
                if (st == TcpState.Established || st == TcpState.CloseWait) return;
                if (err != TcpError.None || st == TcpState.Closed) { _connection = null; throw Error(err == TcpError.None ? TcpError.ConnectionAborted : err); }
                long left = deadline - NetworkInterface.NowMs;
                if (left <= 0)
                {
                    lock (_iface.SyncRoot) c.Abort();
                    _connection = null;
                    throw Error(TcpError.TimedOut);
                }
                _signal.Wait((int)Math.Min(left, 100));
            }
        }

        /// <summary>True while the connection is established (data may still flow both ways; Cosmos API name).</summary>
        public bool IsConnected() { if (_connection == null) return false; lock (_iface.SyncRoot) return _connection.IsConnected; }

        /// <summary>True once the connection is closed or was never opened (Cosmos API name).</summary>
        public bool IsClosed() { if (_connection == null) return true; lock (_iface.SyncRoot) return _connection.IsClosed; }

        private TcpConnection Require() => _connection ?? throw new InvalidOperationException("the TcpClient is not connected");

        /// <summary>
        /// Sends all of <paramref name="data"/>, waiting while the send buffer is full (Cosmos API name). Returns when
        /// the bytes are queued, not when they are acknowledged.
        /// </summary>
        /// <exception cref="global::System.Net.Sockets.SocketException">The connection failed or was closed for sending (Shutdown/ConnectionReset…).</exception>
        public void Send(byte[] data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            Send(data, 0, data.Length);
        }

        /// <summary>Sends <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/> (see <see cref="Send(byte[])"/>).</summary>
        public void Send(byte[] data, int offset, int count)
        {
            var c = Require();
            var span = new ReadOnlyMemory<byte>(data, offset, count);
            int done = 0;
            while (done < count)
            {
                int n; TcpError err;
                lock (_iface.SyncRoot) { n = c.Send(span.Span.Slice(done)); err = c.Error; }
                if (n < 0) throw Error(err == TcpError.None ? TcpError.NotConnected : err);
                done += n;
                if (n == 0) _signal.Wait(100);
            }
        }

        /// <summary>The bytes received so far (at least one), waiting for them without limit; null at the end of the stream (the peer closed). Cosmos API name.</summary>
        /// <exception cref="global::System.Net.Sockets.SocketException">The connection was reset or timed out.</exception>
        public byte[] Receive(ref EndPoint source) => Receive(ref source, -1);

        /// <summary>As <see cref="Receive(ref EndPoint)"/> with a limit of <paramref name="timeoutMs"/> (−1: none); null also on timeout.</summary>
        public byte[] Receive(ref EndPoint source, int timeoutMs)
        {
            var c = Require();
            long deadline = timeoutMs < 0 ? long.MaxValue : NetworkInterface.NowMs + timeoutMs;
            while (true)
            {
                byte[] got = TakeAvailable(c, out bool end, out TcpError err);
                if (got != null) { source = RemoteEndPoint.Value; return got; }
                if (end) { if (err != TcpError.None && err != TcpError.ConnectionAborted) throw Error(err); return null; }
                long left = deadline - NetworkInterface.NowMs;
                if (left <= 0) return null;
                _signal.Wait((int)Math.Min(left, 100));
            }
        }

        /// <summary>The bytes received so far, or null when none are waiting (Cosmos API name).</summary>
        public byte[] NonBlockingReceive(ref EndPoint source)
        {
            var got = TakeAvailable(Require(), out _, out _);
            if (got != null) source = RemoteEndPoint.Value;
            return got;
        }

        private byte[] TakeAvailable(TcpConnection c, out bool end, out TcpError err)
        {
            lock (_iface.SyncRoot)
            {
                err = c.Error;
                int n = c.BytesAvailable;
                end = n == 0 && (c.IsPeerClosed || c.IsClosed);
                if (n == 0) return null;
                var b = new byte[n];
                int got = c.Receive(b);
                if (got != n) Array.Resize(ref b, got);
                return got == 0 ? null : b;
            }
        }

        /// <summary>Ends the connection (FIN after the queued data; Cosmos API name). Unread data makes it a reset, as in RFC 9293 §3.10.4.</summary>
        public void Close()
        {
            var c = _connection;
            if (c == null) return;
            lock (_iface.SyncRoot) c.Close();
            _signal.Set();
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose() => Close();
    }
}
