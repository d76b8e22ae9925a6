using System;
using System.Collections.Generic;
using System.Threading;
using Cosmos.Network;
using Cosmos.Runtime;

namespace Cosmos.System.Network
{
    // Datagram and raw ICMP sockets, options, readiness (poll, event ports), names and interfaces.
    public sealed partial class KernelSocketPal
    {
        // ---------------------------------------------------------------- UDP

        private int BindUdp(KSocket s)
        {
            foreach (var i in NetworkStack.Interfaces)
            {
                bool ok;
                lock (i.SyncRoot) ok = i.Host.Bind(s.LocalPort, (src, sport, dst, dport, data) => OnDatagram(s, i, src, sport, dst, data));
                if (!ok) { UnbindUdp(s); return -Errno.EADDRINUSE; }
                s.UdpBound.Add(i);
            }
            return 0;
        }

        private static int InterfaceIndex(NetworkInterface iface)
        {
            var all = NetworkStack.Interfaces;
            for (int k = 0; k < all.Length; k++) if (all[k] == iface) return k + 1;
            return 0;
        }

        /// <summary>Pump thread, SyncRoot held: queue and wake.</summary>
        private static void OnDatagram(KSocket s, NetworkInterface iface, IPv4Address source, ushort sourcePort, IPv4Address destination, ReadOnlySpan<byte> data)
        {
            if (s.LocalAddress != 0 && destination.Value != s.LocalAddress && !iface.Host.IsBroadcast(destination)) return;
            if (s.HasPeer && (s.Peer.Address != source.Value || s.Peer.Port != sourcePort)) return;
            lock (s.Queue)
            {
                if (s.Queue.Count >= MaxQueuedDatagrams) return;
                s.Queue.Enqueue(new Datagram { From = new IPv4EndPoint(source.Value, sourcePort), To = destination.Value, InterfaceIndex = 1, Data = data.ToArray() });
            }
            s.Bump();
            Wake();
        }

        private int SendDatagram(KSocket s, ReadOnlySpan<byte> data, IPv4EndPoint? destination)
        {
            IPv4EndPoint to;
            if (destination.HasValue) to = destination.Value;
            else if (s.HasPeer) to = s.Peer;
            else return -Errno.EDESTADDRREQ;
            if (to.Port == 0) return -Errno.EINVAL;
            if (!s.Bound) { int r = Bind(s.Fd, default); if (r < 0) return r; }
            var dest = new IPv4Address(MapLoopback(to.Address));
            var iface = NetworkStack.Route(dest);
            if (iface == null) return -Errno.ENETUNREACH;
            if ((dest.IsBroadcast || iface.Host.IsBroadcast(dest)) && !s.Broadcast) return -Errno.EACCES;
            if (data.Length > 65507) return -Errno.EMSGSIZE;
            if (s.DontRoute && !dest.IsMulticast && !iface.Host.IsBroadcast(dest) && !dest.IsInSameSubnet(iface.Host.Address, iface.Host.Netmask)) return -Errno.ENETUNREACH;
            SendStatus st;
            lock (iface.SyncRoot) st = iface.Host.SendUdp(dest, s.LocalPort, to.Port, data, NetworkInterface.NowMs, s.IPOptions(dest));
            return st switch
            {
                SendStatus.Sent or SendStatus.Queued => data.Length,
                SendStatus.TooLong => -Errno.EMSGSIZE,
                SendStatus.NoRoute => -Errno.ENETUNREACH,
                _ => -Errno.ENOBUFS,
            };
        }

        private static int TryReceiveDatagram(KSocket s, Span<byte> buffer, bool peek, ref SocketReceiveInfo info)
        {
            lock (s.Queue)
            {
                if (s.Queue.Count == 0) return s.ShutRead || s.Closed ? 0 : -Errno.EAGAIN;
                var d = peek ? s.Queue.Peek() : s.Queue.Dequeue();
                int n = Math.Min(d.Data.Length, buffer.Length);
                d.Data.AsSpan(0, n).CopyTo(buffer);
                info.From = d.From;
                if (n < d.Data.Length) info.Flags |= SocketMessageFlags.Truncated;
                if (s.PacketInfo) { info.HasPacketInformation = true; info.LocalAddress = d.To; info.InterfaceIndex = d.InterfaceIndex; }
                return n;
            }
        }

        // ---------------------------------------------------------------- raw ICMP (Ping)

        private static readonly object s_rawLock = new object();
        private static readonly List<KSocket> s_raw = new List<KSocket>();

        private void HookIcmp()
        {
            lock (_lock)
            {
                if (_icmpHooked) return;
                _icmpHooked = true;
            }
            foreach (var i in NetworkStack.Interfaces)
            {
                var iface = i;
                lock (iface.SyncRoot)
                {
                    var previous = iface.Host.EchoReplyReceived;
                    iface.Host.EchoReplyReceived = (src, id, seq, data) =>
                    {
                        previous?.Invoke(src, id, seq, data);
                        DeliverEchoReply(iface, src, id, seq, data);
                    };
                }
            }
        }

        /// <summary>Pump thread, SyncRoot held: gives the reply, with an IPv4 header as Linux raw sockets do, to the raw sockets that sent that identifier.</summary>
        private static void DeliverEchoReply(NetworkInterface iface, IPv4Address source, ushort id, ushort seq, ReadOnlySpan<byte> data)
        {
            KSocket[] raw;
            lock (s_rawLock) raw = s_raw.ToArray();
            byte[] packet = null;
            foreach (var s in raw)
            {
                if (s.Closed || s.IcmpId != id) continue;
                packet ??= BuildEchoReply(iface.Host.Address, source, id, seq, data);
                lock (s.Queue)
                {
                    if (s.Queue.Count >= MaxQueuedDatagrams) continue;
                    s.Queue.Enqueue(new Datagram { From = new IPv4EndPoint(source.Value, 0), To = iface.Host.Address.Value, InterfaceIndex = 1, Data = packet });
                }
                s.Bump();
                Wake();
            }
        }

        private static byte[] BuildEchoReply(IPv4Address to, IPv4Address from, ushort id, ushort seq, ReadOnlySpan<byte> data)
        {
            var p = new byte[20 + 8 + data.Length];
            p[0] = 0x45;
            p[2] = (byte)(p.Length >> 8); p[3] = (byte)p.Length;
            p[8] = 64; p[9] = 1;
            from.Write(p.AsSpan(12)); to.Write(p.AsSpan(16));
            ushort hc = InternetChecksum.Compute(p.AsSpan(0, 20));
            p[10] = (byte)(hc >> 8); p[11] = (byte)hc;
            p[20] = 0; p[21] = 0;
            p[24] = (byte)(id >> 8); p[25] = (byte)id; p[26] = (byte)(seq >> 8); p[27] = (byte)seq;
            data.CopyTo(p.AsSpan(28));
            ushort ic = InternetChecksum.Compute(p.AsSpan(20));
            p[22] = (byte)(ic >> 8); p[23] = (byte)ic;
            return p;
        }

        private int SendIcmp(KSocket s, ReadOnlySpan<byte> data, IPv4EndPoint? destination)
        {
            IPv4EndPoint to;
            if (destination.HasValue) to = destination.Value;
            else if (s.HasPeer) to = s.Peer;
            else return -Errno.EDESTADDRREQ;
            if (data.Length < 8) return -Errno.EINVAL;
            if (data[0] != 8) return -Errno.EOPNOTSUPP;           // only echo requests are carried
            s.IcmpId = (ushort)((data[4] << 8) | data[5]);
            ushort seq = (ushort)((data[6] << 8) | data[7]);
            lock (s_rawLock) if (!s_raw.Contains(s)) s_raw.Add(s);
            var dest = new IPv4Address(MapLoopback(to.Address));
            var iface = NetworkStack.Route(dest);
            if (iface == null) return -Errno.ENETUNREACH;
            SendStatus st;
            lock (iface.SyncRoot) st = iface.Host.SendEchoRequest(dest, s.IcmpId, seq, data.Slice(8), NetworkInterface.NowMs, s.IPOptions(dest));
            return st switch
            {
                SendStatus.Sent or SendStatus.Queued => data.Length,
                SendStatus.TooLong => -Errno.EMSGSIZE,
                SendStatus.NoRoute => -Errno.ENETUNREACH,
                _ => -Errno.ENOBUFS,
            };
        }

        // ---------------------------------------------------------------- options

        /// <inheritdoc/>
        public override int GetOption(long socket, SocketOption option, out int value)
        {
            value = 0;
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            bool stream = s.Kind == SocketKind.Stream;
            switch (option)
            {
                case SocketOption.Error:
                    SettleConnect(s);
                    if (s.PendingError == 0 && stream)
                        lock (Sync(s))
                            if (s.Connection != null && s.Connection.IsClosed && s.Connection.Error is TcpError.ConnectionReset or TcpError.TimedOut or TcpError.ConnectionRefused)
                                value = ToErrno(s.Connection.Error);
                    if (value == 0) value = s.PendingError;
                    s.PendingError = 0;
                    return 0;
                case SocketOption.Type: value = (int)s.Kind; return 0;
                case SocketOption.AcceptConnection: value = s.Listeners != null ? 1 : 0; return 0;
                case SocketOption.ReuseAddress: value = s.ReuseAddress ? 1 : 0; return 0;
                case SocketOption.KeepAlive: value = s.KeepAlive ? 1 : 0; return 0;
                case SocketOption.Broadcast: value = s.Broadcast ? 1 : 0; return 0;
                case SocketOption.SendBuffer: value = s.Connection?.SendBufferSize ?? s.SendBuffer; return 0;
                case SocketOption.ReceiveBuffer: value = s.Connection?.ReceiveBufferSize ?? s.ReceiveBuffer; return 0;
                case SocketOption.SendTimeout: value = s.SendTimeout; return 0;
                case SocketOption.ReceiveTimeout: value = s.ReceiveTimeout; return 0;
                case SocketOption.TimeToLive: value = s.Ttl; return 0;
                case SocketOption.TypeOfService: value = s.Tos; return 0;
                case SocketOption.DontFragment: value = s.DontFragment ? 1 : 0; return 0;
                case SocketOption.PacketInformation: value = s.PacketInfo ? 1 : 0; return 0;
                case SocketOption.HeaderIncluded: return 0;
                case SocketOption.NoDelay: if (!stream) return -Errno.ENOPROTOOPT; value = s.NoDelay ? 1 : 0; return 0;
                case SocketOption.DontRoute: value = s.DontRoute ? 1 : 0; return 0;
                case SocketOption.OutOfBandInline: value = 1; return 0;     // urgent data is never separated: it arrives inline
                case SocketOption.Debug: return 0;
                case SocketOption.ReceiveLowWater: case SocketOption.SendLowWater: value = 1; return 0;
                case SocketOption.MulticastTimeToLive: value = s.MulticastTtl; return 0;
                case SocketOption.MulticastLoopback: return 0;               // multicast is not looped back to local sockets
                case SocketOption.TcpKeepAliveTime: if (!stream) return -Errno.ENOPROTOOPT; value = s.KeepAliveIdleSeconds; return 0;
                case SocketOption.TcpKeepAliveInterval: if (!stream) return -Errno.ENOPROTOOPT; value = s.KeepAliveIntervalSeconds; return 0;
                case SocketOption.TcpKeepAliveRetryCount: if (!stream) return -Errno.ENOPROTOOPT; value = s.KeepAliveCount; return 0;
                default: return -Errno.ENOPROTOOPT;
            }
        }

        /// <inheritdoc/>
        public override int SetOption(long socket, SocketOption option, int value)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            bool on = value != 0;
            switch (option)
            {
                case SocketOption.ReuseAddress: s.ReuseAddress = on; return 0;
                case SocketOption.KeepAlive: s.KeepAlive = on; return ApplyTcp(s);
                case SocketOption.Broadcast: s.Broadcast = on; return 0;
                case SocketOption.SendBuffer: if (value <= 0) return -Errno.EINVAL; s.SendBuffer = value; return ApplyTcp(s);
                case SocketOption.ReceiveBuffer: if (value <= 0) return -Errno.EINVAL; s.ReceiveBuffer = value; return ApplyTcp(s);
                case SocketOption.SendTimeout: if (value < 0) return -Errno.EINVAL; s.SendTimeout = value; return 0;
                case SocketOption.ReceiveTimeout: if (value < 0) return -Errno.EINVAL; s.ReceiveTimeout = value; return 0;
                case SocketOption.TimeToLive: if (value < 1 || value > 255) return -Errno.EINVAL; s.Ttl = value; return ApplyTcp(s);
                case SocketOption.TypeOfService: s.Tos = value & 0xFF; return ApplyTcp(s);
                case SocketOption.DontFragment: s.DontFragment = on; return ApplyTcp(s);
                case SocketOption.PacketInformation: s.PacketInfo = on; return 0;
                case SocketOption.HeaderIncluded: return on ? -Errno.EOPNOTSUPP : 0;   // callers never build IPv4 headers here
                case SocketOption.NoDelay:
                    if (s.Kind != SocketKind.Stream) return -Errno.ENOPROTOOPT;
                    s.NoDelay = on;
                    lock (Sync(s)) if (s.Connection != null) s.Connection.NoDelay = on;
                    return 0;
                case SocketOption.TcpKeepAliveTime:
                    if (s.Kind != SocketKind.Stream) return -Errno.ENOPROTOOPT;
                    if (value < 1) return -Errno.EINVAL;
                    s.KeepAliveIdleSeconds = value; return ApplyTcp(s);
                case SocketOption.TcpKeepAliveInterval:
                    if (s.Kind != SocketKind.Stream) return -Errno.ENOPROTOOPT;
                    if (value < 1) return -Errno.EINVAL;
                    s.KeepAliveIntervalSeconds = value; return ApplyTcp(s);
                case SocketOption.TcpKeepAliveRetryCount:
                    if (s.Kind != SocketKind.Stream) return -Errno.ENOPROTOOPT;
                    if (value < 1) return -Errno.EINVAL;
                    s.KeepAliveCount = value; return ApplyTcp(s);
                case SocketOption.DontRoute: s.DontRoute = on; return 0;
                case SocketOption.MulticastTimeToLive: if (value < 0 || value > 255) return -Errno.EINVAL; s.MulticastTtl = value; return 0;
                // Multicast is never looped back to local sockets and urgent data always arrives inline: the settings
                // that match what the stack does are accepted, the others refused.
                case SocketOption.MulticastLoopback: return on ? -Errno.EOPNOTSUPP : 0;
                case SocketOption.OutOfBandInline: return on ? 0 : -Errno.EOPNOTSUPP;
                case SocketOption.Debug: return 0;                                    // SO_DEBUG only asks for tracing
                case SocketOption.ReceiveLowWater: case SocketOption.SendLowWater: return value == 1 ? 0 : -Errno.EOPNOTSUPP;
                default: return -Errno.ENOPROTOOPT;
            }
        }

        /// <summary>Carries the socket's TCP choices to its connection and listeners (under their interface's lock).</summary>
        private int ApplyTcp(KSocket s)
        {
            if (s.Kind != SocketKind.Stream) return 0;
            var o = s.TcpOptions();
            if (s.Connection != null && s.Iface != null)
                lock (s.Iface.SyncRoot)
                {
                    var c = s.Connection;
                    if (c == null) return 0;
                    c.KeepAlive = o.KeepAlive; c.KeepAliveIdleMs = o.KeepAliveIdleMs; c.KeepAliveIntervalMs = o.KeepAliveIntervalMs;
                    c.KeepAliveProbes = o.KeepAliveProbes; c.IPOptions = o.IPOptions;
                    c.SendBufferSize = o.SendBufferSize.Value; c.ReceiveBufferSize = o.ReceiveBufferSize.Value;
                }
            if (s.Listeners != null)
                foreach (var (i, l) in s.Listeners) lock (i.SyncRoot) l.Options = o.Clone();
            return 0;
        }

        /// <inheritdoc/>
        public override int GetLinger(long socket, out bool enabled, out int seconds)
        {
            var s = Get(socket);
            enabled = s?.LingerOn ?? false; seconds = s?.LingerSeconds ?? 0;
            return Lost(s);
        }

        /// <inheritdoc/>
        public override int SetLinger(long socket, bool enabled, int seconds)
        {
            var s = Get(socket);
            if (s == null) return -Errno.EBADF;
            if (seconds < 0 || seconds > 65535) return -Errno.EINVAL;
            s.LingerOn = enabled; s.LingerSeconds = seconds;
            return 0;
        }

        /// <inheritdoc/>
        public override int SetMulticastMembership(long socket, bool join, uint group, uint localAddress, int interfaceIndex)
            => Get(socket) == null ? -Errno.EBADF : -Errno.EOPNOTSUPP;   // IGMP is not implemented

        /// <inheritdoc/>
        public override int SetMulticastInterface(long socket, uint localAddress, int interfaceIndex)
            => Get(socket) == null ? -Errno.EBADF : -Errno.EOPNOTSUPP;

        // ---------------------------------------------------------------- readiness

        /// <summary>What holds for <paramref name="s"/> now (level), as epoll would see it.</summary>
        private SocketEventFlags Readiness(KSocket s)
        {
            if (s.Closed) return SocketEventFlags.None;
            if (s.Kind != SocketKind.Stream)
            {
                var f = SocketEventFlags.Write;
                lock (s.Queue) if (s.Queue.Count > 0 || s.ShutRead) f |= SocketEventFlags.Read;
                return f;
            }
            if (s.Listeners != null)
            {
                foreach (var (i, l) in s.Listeners) lock (i.SyncRoot) if (l.CanAccept) return SocketEventFlags.Read;
                return SocketEventFlags.None;
            }
            SettleConnect(s);
            lock (Sync(s))
            {
                var c = s.Connection;
                if (c == null || s.Disconnected)
                {
                    var f = SocketEventFlags.Write | SocketEventFlags.Close;
                    if (s.PendingError != 0) f |= SocketEventFlags.Error;
                    return f;
                }
                if (s.Connecting) return SocketEventFlags.None;
                var r = SocketEventFlags.None;
                if (c.BytesAvailable > 0 || s.Queue.Count > 0 || c.IsPeerClosed || c.IsClosed || s.ShutRead) r |= SocketEventFlags.Read;
                if (c.IsPeerClosed) r |= SocketEventFlags.ReadClose;
                if (c.CanWrite || c.IsClosed) r |= SocketEventFlags.Write;
                if (c.IsClosed)
                {
                    r |= SocketEventFlags.Close;
                    if (c.Error == TcpError.ConnectionReset || c.Error == TcpError.TimedOut) r |= SocketEventFlags.Error;
                }
                return r;
            }
        }

        private static PollFlags ToPoll(SocketEventFlags f)
        {
            var p = PollFlags.None;
            if ((f & SocketEventFlags.Read) != 0) p |= PollFlags.In;
            if ((f & SocketEventFlags.Write) != 0) p |= PollFlags.Out;
            if ((f & SocketEventFlags.Error) != 0) p |= PollFlags.Error;
            if ((f & SocketEventFlags.Close) != 0) p |= PollFlags.HangUp;
            return p;
        }

        /// <inheritdoc/>
        public override int Poll(Span<SocketPollEntry> entries, int timeoutMilliseconds)
        {
            long deadline = timeoutMilliseconds < 0 ? long.MaxValue : NetworkInterface.NowMs + timeoutMilliseconds;
            while (true)
            {
                long seen = WakeCount;
                int n = 0;
                for (int k = 0; k < entries.Length; k++)
                {
                    var s = Get(entries[k].Socket);
                    PollFlags got;
                    if (s == null) got = PollFlags.Invalid;
                    else
                    {
                        var p = ToPoll(Readiness(s));
                        got = p & (entries[k].Requested | PollFlags.Error | PollFlags.HangUp);
                    }
                    entries[k].Returned = got;
                    if (got != PollFlags.None) n++;
                }
                if (n > 0 || NetworkInterface.NowMs >= deadline || timeoutMilliseconds == 0) return n;
                WaitWake(seen, deadline);
            }
        }

        /// <inheritdoc/>
        public override long CreateEventPort()
        {
            lock (_lock)
            {
                if (_nextDescriptor >= int.MaxValue) return -Errno.EMFILE;
                var p = new EventPort { Fd = _nextDescriptor++ };
                _ports.Add(p.Fd, p);
                return p.Fd;
            }
        }

        /// <inheritdoc/>
        public override int CloseEventPort(long port)
        {
            lock (_lock)
            {
                if (!_ports.TryGetValue(port, out var p)) return -Errno.EBADF;
                _ports.Remove(port);
                p.Closed = true;
                foreach (var r in p.Registrations.Values) r.Socket.Ports.Remove(p);
                p.Registrations.Clear();
            }
            Wake();
            return 0;
        }

        /// <inheritdoc/>
        public override int ChangeEventRegistration(long port, long socket, SocketEventFlags current, SocketEventFlags next, IntPtr data)
        {
            lock (_lock)
            {
                if (!_ports.TryGetValue(port, out var p)) return -Errno.EBADF;
                if (!_sockets.TryGetValue(socket, out var s)) return -Errno.EBADF;
                if (next == SocketEventFlags.None)
                {
                    if (!p.Registrations.Remove(socket)) return -Errno.ENOENT;
                    s.Ports.Remove(p);
                    return 0;
                }
                if (!p.Registrations.TryGetValue(socket, out var r))
                {
                    r = new Registration { Socket = s };
                    p.Registrations.Add(socket, r);
                    s.Ports.Add(p);
                }
                r.Mask = next;
                r.Data = data;
                r.ReportedVersion = -1;
            }
            Wake();
            return 0;
        }

        /// <inheritdoc/>
        public override int WaitForEvents(long port, Span<SocketEvent> events)
        {
            if (events.Length == 0) return -Errno.EINVAL;
            var regs = new List<Registration>();
            while (true)
            {
                long seen = WakeCount;
                regs.Clear();
                lock (_lock)
                {
                    if (!_ports.TryGetValue(port, out var p)) return -Errno.EBADF;
                    foreach (var r in p.Registrations.Values) regs.Add(r);
                }
                int n = 0;
                foreach (var r in regs)
                {
                    if (n == events.Length) break;
                    long v = Volatile.Read(ref r.Socket.Version);
                    if (v == r.ReportedVersion) continue;
                    var f = Readiness(r.Socket);
                    var mask = r.Mask | SocketEventFlags.Error | SocketEventFlags.Close;
                    if ((r.Mask & SocketEventFlags.Read) != 0) mask |= SocketEventFlags.ReadClose;
                    f &= mask;
                    r.ReportedVersion = v;
                    if (f == SocketEventFlags.None) continue;
                    events[n].Data = r.Data;
                    events[n].Events = f;
                    events[n].Padding = 0;
                    n++;
                }
                if (n > 0) return n;
                WaitWake(seen, long.MaxValue);
            }
        }

        // ---------------------------------------------------------------- names and interfaces

        /// <summary>How long a lookup through <see cref="NameResolver"/> may take before it is reported as TryAgain.</summary>
        public int ResolveTimeoutMs { get; set; } = 10000;

        /// <inheritdoc/>
        public override HostResolutionStatus ResolveHostName(string name, List<uint> addresses, out string canonicalName)
        {
            canonicalName = name;
            if (string.IsNullOrEmpty(name) || name.Length > 253) return HostResolutionStatus.NoName;
            string lower = name.ToLowerInvariant();
            if (lower == "localhost" || lower == "localhost." || lower == SystemNative.HostName.ToLowerInvariant())
            {
                if (lower != "localhost" && lower != "localhost.")
                    foreach (var i in NetworkStack.Interfaces) if (!i.Host.Address.IsAny) addresses.Add(i.Host.Address.Value);
                addresses.Add(0x7F000001);
                return HostResolutionStatus.Success;
            }
            NameResolutionStatus st;
            IPv4Address[] found;
            try { st = NameResolver.Resolve(name, ResolveTimeoutMs, out found); }
            catch (ArgumentException) { return HostResolutionStatus.NoName; }
            switch (st)
            {
                case NameResolutionStatus.Ok:
                    foreach (var a in found) addresses.Add(a.Value);
                    return HostResolutionStatus.Success;
                case NameResolutionStatus.NotFound: return HostResolutionStatus.NoName;
                case NameResolutionStatus.TimedOut: return HostResolutionStatus.TryAgain;
                default: return HostResolutionStatus.Fail;
            }
        }

        /// <inheritdoc/>
        /// <remarks>No reverse (PTR) lookups: only 127.0.0.1 and the interfaces' own addresses have a name (the host name); others give NoName.</remarks>
        public override HostResolutionStatus ResolveAddress(uint address, out string hostName)
        {
            hostName = null;
            if (address == 0x7F000001) { hostName = "localhost"; return HostResolutionStatus.Success; }
            foreach (var i in NetworkStack.Interfaces)
                if (i.Host.Address.Value == address && address != 0) { hostName = SystemNative.HostName; return HostResolutionStatus.Success; }
            return HostResolutionStatus.NoName;
        }

        /// <inheritdoc/>
        public override int GetInterfaces(List<NetworkInterfaceEntry> interfaces)
        {
            var all = NetworkStack.Interfaces;
            for (int k = 0; k < all.Length; k++)
            {
                var i = all[k];
                uint mask = i.Host.Netmask.Value;
                int prefix = 0;
                while (prefix < 32 && (mask & (0x8000_0000u >> prefix)) != 0) prefix++;
                var mac = new byte[6];
                Array.Copy(i.Device.MACAddress.bytes, mac, 6);
                interfaces.Add(new NetworkInterfaceEntry
                {
                    Name = i.Name, Index = k + 1, Address = i.Host.Address.Value, PrefixLength = prefix, HardwareAddress = mac,
                    Mtu = i.Host.Mtu, Speed = -1, IsUp = i.Device.IsStarted, IsLoopback = false,
                    Gateway = i.Host.Gateway.Value, DhcpServer = LeasingServer(i),
                });
            }
            interfaces.Add(new NetworkInterfaceEntry
            {
                Name = "lo", Index = all.Length + 1, Address = 0x7F000001, PrefixLength = 8, HardwareAddress = Array.Empty<byte>(),
                Mtu = 65536, Speed = -1, IsUp = true, IsLoopback = true,
            });
            return all.Length + 1;
        }

        /// <summary>The DHCP server whose lease is the interface's current address (0 for a static or fallback address).</summary>
        private static uint LeasingServer(NetworkInterface i)
        {
            var d = i.Dhcp;
            if (d == null || d.ServerIdentifier.IsAny || d.LeasedAddress.IsAny || d.LeasedAddress.Value != i.Host.Address.Value) return 0;
            return d.State is DhcpClientState.Bound or DhcpClientState.Renewing or DhcpClientState.Rebinding ? d.ServerIdentifier.Value : 0;
        }

        /// <summary>The resolver's servers (<see cref="Config.DNSConfig.DNSNameservers"/>, what DHCP option 6 or the kernel set), no search domain.</summary>
        public override int GetNameServers(List<uint> servers, out string searchDomain)
        {
            searchDomain = null;
            lock (Config.DNSConfig.DNSNameservers)
                foreach (var a in Config.DNSConfig.DNSNameservers) servers.Add(a.ToIPv4Address().Value);
            return servers.Count;
        }
    }
}
