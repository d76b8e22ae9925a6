using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Cosmos.Runtime
{
    /// <summary>An IPv4 socket endpoint as the <see cref="SocketPal"/> sees it: address and port in host order.</summary>
    public readonly struct IPv4EndPoint : IEquatable<IPv4EndPoint>
    {
        /// <summary>The address, first wire octet in bits 31..24 (as Cosmos.Network's IPv4Address.Value): 10.0.2.15 is 0x0A00020F.</summary>
        public readonly uint Address;
        /// <summary>The port (host order).</summary>
        public readonly ushort Port;

        /// <summary>Creates an endpoint from an address (first wire octet in bits 31..24) and a port.</summary>
        public IPv4EndPoint(uint address, ushort port) { Address = address; Port = port; }

        /// <inheritdoc/>
        public bool Equals(IPv4EndPoint other) => Address == other.Address && Port == other.Port;
        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is IPv4EndPoint e && Equals(e);
        /// <inheritdoc/>
        public override int GetHashCode() => (int)Address ^ Port;
        /// <summary>"a.b.c.d:port".</summary>
        public override string ToString() =>
            (Address >> 24) + "." + ((Address >> 16) & 0xFF) + "." + ((Address >> 8) & 0xFF) + "." + (Address & 0xFF) + ":" + Port;
    }

    /// <summary>Address family of a socket (System.Net.Sockets.AddressFamily values, which the PAL passes unchanged).</summary>
    public enum SocketAddressFamily
    {
        /// <summary>AF_UNSPEC.</summary>
        Unspecified = 0,
        /// <summary>AF_UNIX (not supported: EAFNOSUPPORT).</summary>
        Unix = 1,
        /// <summary>AF_INET: the only family the kernel serves.</summary>
        InterNetwork = 2,
        /// <summary>AF_INET6 (not supported: EAFNOSUPPORT, so Socket.OSSupportsIPv6 is false and .NET creates IPv4 sockets).</summary>
        InterNetworkV6 = 23,
    }

    /// <summary>Socket type (System.Net.Sockets.SocketType values).</summary>
    public enum SocketKind
    {
        /// <summary>SOCK_STREAM (TCP).</summary>
        Stream = 1,
        /// <summary>SOCK_DGRAM (UDP).</summary>
        Datagram = 2,
        /// <summary>SOCK_RAW (ICMP echo for Ping).</summary>
        Raw = 3,
        /// <summary>SOCK_RDM.</summary>
        ReliablyDeliveredMessage = 4,
        /// <summary>SOCK_SEQPACKET.</summary>
        SequencedPacket = 5,
    }

    /// <summary>Protocol of a socket (System.Net.Sockets.ProtocolType values).</summary>
    public enum SocketProtocol
    {
        /// <summary>0: the default protocol of the socket type.</summary>
        Unspecified = 0,
        /// <summary>IPPROTO_ICMP.</summary>
        Icmp = 1,
        /// <summary>IPPROTO_IGMP.</summary>
        Igmp = 2,
        /// <summary>IPPROTO_TCP.</summary>
        Tcp = 6,
        /// <summary>IPPROTO_UDP.</summary>
        Udp = 17,
        /// <summary>IPPROTO_RAW.</summary>
        Raw = 255,
    }

    /// <summary>send/recv flags and the result flags of a receive (System.Native's PAL SocketFlags values).</summary>
    [Flags]
    public enum SocketMessageFlags
    {
        /// <summary>No flag.</summary>
        None = 0,
        /// <summary>MSG_OOB: urgent data.</summary>
        OutOfBand = 0x1,
        /// <summary>MSG_PEEK: receive without consuming.</summary>
        Peek = 0x2,
        /// <summary>MSG_DONTROUTE: send on-link only.</summary>
        DontRoute = 0x4,
        /// <summary>MSG_TRUNC: (result) the datagram was longer than the buffer; the rest is discarded.</summary>
        Truncated = 0x100,
        /// <summary>MSG_CTRUNC: (result) control data did not fit.</summary>
        ControlTruncated = 0x200,
        /// <summary>MSG_DONTWAIT: this call does not block (−EAGAIN instead), whatever the socket's mode.</summary>
        DontWait = 0x1000,
        /// <summary>MSG_ERRQUEUE: read the socket's error queue (Ping on Linux).</summary>
        ErrorQueue = 0x2000,
    }

    /// <summary>shutdown(2) direction (System.Net.Sockets.SocketShutdown values).</summary>
    public enum SocketShutdownHow
    {
        /// <summary>SHUT_RD.</summary>
        Receive = 0,
        /// <summary>SHUT_WR.</summary>
        Send = 1,
        /// <summary>SHUT_RDWR.</summary>
        Both = 2,
    }

    /// <summary>Readiness events of an event port (System.Native's SocketEvents values).</summary>
    [Flags]
    public enum SocketEventFlags
    {
        /// <summary>No event.</summary>
        None = 0,
        /// <summary>Data (or a connection to accept, or end of stream) is readable.</summary>
        Read = 0x1,
        /// <summary>Sending would not block (and a pending connect finished).</summary>
        Write = 0x2,
        /// <summary>The peer shut down its sending side.</summary>
        ReadClose = 0x4,
        /// <summary>The connection is closed in both directions (the engine treats it as Read | Write).</summary>
        Close = 0x8,
        /// <summary>An error is pending (SO_ERROR).</summary>
        Error = 0x10,
    }

    /// <summary>poll(2) event bits (System.Native's PAL_POLL* values).</summary>
    [Flags]
    public enum PollFlags : short
    {
        /// <summary>No event.</summary>
        None = 0,
        /// <summary>POLLIN: readable.</summary>
        In = 0x1,
        /// <summary>POLLPRI: urgent data readable.</summary>
        Priority = 0x2,
        /// <summary>POLLOUT: writable.</summary>
        Out = 0x4,
        /// <summary>POLLERR: error pending (always reported, never requested).</summary>
        Error = 0x8,
        /// <summary>POLLHUP: hung up (always reported).</summary>
        HangUp = 0x10,
        /// <summary>POLLNVAL: not an open socket (always reported).</summary>
        Invalid = 0x20,
    }

    /// <summary>One descriptor of a <see cref="SocketPal.Poll"/> call.</summary>
    public struct SocketPollEntry
    {
        /// <summary>The socket descriptor.</summary>
        public long Socket;
        /// <summary>Events asked for.</summary>
        public PollFlags Requested;
        /// <summary>Events that hold (filled by the pal; Error, HangUp and Invalid without being asked).</summary>
        public PollFlags Returned;
    }

    /// <summary>
    /// Interop.Sys.SocketEvent (System.Native's SocketEvent): one readiness report of an event port. The buffer
    /// the CoreLib's socket engine passes to WaitForSocketEvents is an array of these; the pal fills it in place.
    /// Layout checked against System.Net.Sockets by CoreLibContractTests.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SocketEvent
    {
        /// <summary>The value registered with the socket (<see cref="SocketPal.ChangeEventRegistration"/>'s data).</summary>
        public IntPtr Data;
        /// <summary>The events that occurred.</summary>
        public SocketEventFlags Events;
        /// <summary>Padding to 16 bytes.</summary>
        public int Padding;
    }

    /// <summary>Socket options the PAL decodes from the (SocketOptionLevel, SocketOptionName) pairs .NET passes; all are integers.</summary>
    public enum SocketOption
    {
        /// <summary>SOL_SOCKET SO_DEBUG.</summary>
        Debug,
        /// <summary>SOL_SOCKET SO_ACCEPTCONN (read-only: 1 while listening).</summary>
        AcceptConnection,
        /// <summary>SOL_SOCKET SO_REUSEADDR (SO_EXCLUSIVEADDRUSE is its inverse).</summary>
        ReuseAddress,
        /// <summary>SOL_SOCKET SO_KEEPALIVE.</summary>
        KeepAlive,
        /// <summary>SOL_SOCKET SO_DONTROUTE.</summary>
        DontRoute,
        /// <summary>SOL_SOCKET SO_BROADCAST.</summary>
        Broadcast,
        /// <summary>SOL_SOCKET SO_OOBINLINE.</summary>
        OutOfBandInline,
        /// <summary>SOL_SOCKET SO_SNDBUF (bytes).</summary>
        SendBuffer,
        /// <summary>SOL_SOCKET SO_RCVBUF (bytes).</summary>
        ReceiveBuffer,
        /// <summary>SOL_SOCKET SO_SNDLOWAT.</summary>
        SendLowWater,
        /// <summary>SOL_SOCKET SO_RCVLOWAT.</summary>
        ReceiveLowWater,
        /// <summary>SOL_SOCKET SO_SNDTIMEO in milliseconds, 0 = none (blocking sends give −EAGAIN when it expires).</summary>
        SendTimeout,
        /// <summary>SOL_SOCKET SO_RCVTIMEO in milliseconds, 0 = none (blocking receives give −EAGAIN when it expires).</summary>
        ReceiveTimeout,
        /// <summary>SOL_SOCKET SO_ERROR (read-only; Linux errno; reading clears it).</summary>
        Error,
        /// <summary>SOL_SOCKET SO_TYPE (read-only; a <see cref="SocketKind"/>).</summary>
        Type,
        /// <summary>IPPROTO_IP IP_OPTIONS.</summary>
        IPOptions,
        /// <summary>IPPROTO_IP IP_HDRINCL.</summary>
        HeaderIncluded,
        /// <summary>IPPROTO_IP IP_TOS.</summary>
        TypeOfService,
        /// <summary>IPPROTO_IP IP_TTL.</summary>
        TimeToLive,
        /// <summary>IPPROTO_IP IP_MULTICAST_IF, read back (the address, first octet in bits 31..24; set through <see cref="SocketPal.SetMulticastInterface"/>).</summary>
        MulticastInterface,
        /// <summary>IPPROTO_IP IP_MULTICAST_TTL.</summary>
        MulticastTimeToLive,
        /// <summary>IPPROTO_IP IP_MULTICAST_LOOP.</summary>
        MulticastLoopback,
        /// <summary>IPPROTO_IP don't-fragment (1 = DF set on sent datagrams).</summary>
        DontFragment,
        /// <summary>IPPROTO_IP IP_PKTINFO (1 = receives report the destination address and interface).</summary>
        PacketInformation,
        /// <summary>IPPROTO_TCP TCP_NODELAY.</summary>
        NoDelay,
        /// <summary>IPPROTO_TCP TCP_KEEPIDLE (seconds).</summary>
        TcpKeepAliveTime,
        /// <summary>IPPROTO_TCP TCP_KEEPINTVL (seconds).</summary>
        TcpKeepAliveInterval,
        /// <summary>IPPROTO_TCP TCP_KEEPCNT.</summary>
        TcpKeepAliveRetryCount,
        /// <summary>IPPROTO_TCP TCP_FASTOPEN.</summary>
        FastOpen,
    }

    /// <summary>What a receive reports beside the data.</summary>
    public struct SocketReceiveInfo
    {
        /// <summary>The sender (datagram sockets; the peer for connected streams).</summary>
        public IPv4EndPoint From;
        /// <summary>Result flags: <see cref="SocketMessageFlags.Truncated"/> when a datagram did not fit, OutOfBand.</summary>
        public SocketMessageFlags Flags;
        /// <summary>True when <see cref="LocalAddress"/> and <see cref="InterfaceIndex"/> are set (the socket has <see cref="SocketOption.PacketInformation"/> on).</summary>
        public bool HasPacketInformation;
        /// <summary>The datagram's destination address (first octet in bits 31..24).</summary>
        public uint LocalAddress;
        /// <summary>The index of the interface it arrived on (1-based, as <see cref="NetworkInterfaceEntry.Index"/>).</summary>
        public int InterfaceIndex;
    }

    /// <summary>One network interface as System.Net.NetworkInformation sees it.</summary>
    public struct NetworkInterfaceEntry
    {
        /// <summary>Name (ASCII, at most 15 characters: "eth0", "lo").</summary>
        public string Name;
        /// <summary>Index, 1-based and stable while the interface exists.</summary>
        public int Index;
        /// <summary>IPv4 address (first octet in bits 31..24), 0 when none is configured.</summary>
        public uint Address;
        /// <summary>Prefix length of the netmask (24 for 255.255.255.0).</summary>
        public int PrefixLength;
        /// <summary>Hardware (MAC) address, 6 bytes for Ethernet, empty for loopback.</summary>
        public byte[] HardwareAddress;
        /// <summary>MTU in bytes.</summary>
        public int Mtu;
        /// <summary>Link speed in bits per second, −1 when unknown.</summary>
        public long Speed;
        /// <summary>True when the interface is up.</summary>
        public bool IsUp;
        /// <summary>True for the loopback interface.</summary>
        public bool IsLoopback;
        /// <summary>IPv4 default gateway reached through this interface (first octet in bits 31..24), 0 when none (/proc/net/route).</summary>
        public uint Gateway;
        /// <summary>The DHCP server that leased <see cref="Address"/> (its server identifier), 0 when the address is static (dhclient.leases).</summary>
        public uint DhcpServer;
    }

    /// <summary>Result of a name lookup: System.Native's GetAddrInfoErrorFlags values (what Dns turns into SocketException codes).</summary>
    public enum HostResolutionStatus
    {
        /// <summary>EAI_SUCCESS.</summary>
        Success = 0,
        /// <summary>EAI_AGAIN: temporary failure (no answer from the server); Dns raises SocketError.TryAgain.</summary>
        TryAgain = 1,
        /// <summary>EAI_FAIL: non-recoverable failure (no network, no DNS server); SocketError.NoRecovery.</summary>
        Fail = 3,
        /// <summary>EAI_FAMILY: the address family is not supported.</summary>
        Family = 4,
        /// <summary>EAI_NONAME: the name does not exist (NXDOMAIN, or no IPv4 address); SocketError.HostNotFound.</summary>
        NoName = 5,
        /// <summary>EAI_MEMORY: out of memory.</summary>
        Memory = 8,
    }

    /// <summary>
    /// The socket half of the platform layer: everything System.Net.Sockets, NameResolution, NetworkInformation and
    /// Ping reach through their SystemNative_* imports (SystemNative.Sockets.cs decodes the native arguments — socket
    /// addresses, message headers, option levels and names, event buffers — and forwards here). The kernel's network
    /// layer installs the implementation once an interface is up (<see cref="Install"/>); before that socket(2) fails
    /// with ENETDOWN for AF_INET (so Socket.OSSupportsIPv4 stays true) and every descriptor with EBADF.
    /// <para>Every method returns a non-negative result on success or a negated Linux errno (−<see cref="Errno.EAGAIN"/>…);
    /// the export turns it into the PAL error (Interop.Error) or −1 with errno, as the import expects, so .NET raises
    /// the SocketException it raises on Linux.</para>
    /// <para>Descriptors: every socket and event-port descriptor the pal hands out is in
    /// [<see cref="FirstDescriptor"/>, int.MaxValue], a range the file PAL never uses, because close(2), read(2),
    /// write(2) and fstat(2) are shared with files and are routed by range.</para>
    /// <para>Blocking: a socket starts blocking; <see cref="SetNonBlocking"/> switches it (the async engine does so
    /// before its first operation). A blocking operation waits (honouring Send/ReceiveTimeout, then −EAGAIN); a
    /// non-blocking one returns −EAGAIN (connect: −EINPROGRESS) and the engine waits for an event port report.</para>
    /// <para>Only IPv4 is served: the exports refuse AF_INET6 and AF_UNIX before the pal is called.</para>
    /// </summary>
    public abstract class SocketPal
    {
        /// <summary>The installed implementation, or null while there is no network.</summary>
        public static SocketPal Current { get; private set; }

        /// <summary>The lowest descriptor a socket or event port may have (the file PAL's descriptors stay below it).</summary>
        public const long FirstDescriptor = 0x4000_0000;

        /// <summary>True when <paramref name="fd"/> is in the socket descriptor range (whether or not it is open).</summary>
        public static bool IsSocketDescriptor(long fd) => fd >= FirstDescriptor && fd <= int.MaxValue;

        /// <summary>Installs <paramref name="pal"/>; throws <see cref="InvalidOperationException"/> when another is installed already.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="pal"/> is null.</exception>
        /// <exception cref="InvalidOperationException">Another pal is installed.</exception>
        public static void Install(SocketPal pal)
        {
            ArgumentNullException.ThrowIfNull(pal);
            if (Current != null && Current != pal) throw new InvalidOperationException("a socket PAL is installed already");
            Current = pal;
        }

        /// <summary>Removes the installed pal (host tests; a kernel never uninstalls its network).</summary>
        public static void Uninstall() => Current = null;

        // ---- sockets ----

        /// <summary>socket(2) for AF_INET: a descriptor (≥ <see cref="FirstDescriptor"/>) or −EPROTONOSUPPORT / −ESOCKTNOSUPPORT / −EMFILE…</summary>
        public abstract long Socket(SocketKind kind, SocketProtocol protocol);
        /// <summary>
        /// close(2): releases the socket (a TCP connection closes gracefully unless linger is on with 0 seconds) and drops it
        /// from every event port it is registered with, as close(2) does with epoll: the CoreLib's engine never unregisters.
        /// </summary>
        public abstract int Close(long socket);
        /// <summary>bind(2): −EADDRINUSE, −EADDRNOTAVAIL (an address not ours), −EINVAL (bound already). Port 0 picks an ephemeral port.</summary>
        public abstract int Bind(long socket, IPv4EndPoint local);
        /// <summary>connect(2): 0, −EINPROGRESS (non-blocking stream), −ECONNREFUSED, −ETIMEDOUT, −ENETUNREACH, −EISCONN; for datagram sockets it sets the default peer.</summary>
        public abstract int Connect(long socket, IPv4EndPoint remote);
        /// <summary>
        /// Dissolves a connection (Socket.Disconnect; Linux's connect(AF_UNSPEC)): an abortive close of a TCP connection, the
        /// default peer of a datagram socket forgotten. Threads blocked on the socket must return (SafeSocketHandle calls this
        /// before closing a stream socket to unblock them).
        /// </summary>
        public abstract int Disconnect(long socket);
        /// <summary>listen(2).</summary>
        public abstract int Listen(long socket, int backlog);
        /// <summary>accept(2): the new connection's descriptor (blocking) and its peer, or −EAGAIN / −EINVAL (not listening).</summary>
        public abstract long Accept(long socket, out IPv4EndPoint remote);
        /// <summary>shutdown(2): −ENOTCONN when not connected. Both directions wake threads blocked on the socket (SafeSocketHandle uses it so before closing a datagram socket, or a stream socket already shut down for sending).</summary>
        public abstract int Shutdown(long socket, SocketShutdownHow how);
        /// <summary>
        /// send/sendto: bytes sent (a stream may take fewer than given) or −EAGAIN, −EPIPE (sending side shut down),
        /// −ECONNRESET, −EMSGSIZE (datagram too large), −EDESTADDRREQ (no destination), −EACCES (broadcast without SO_BROADCAST).
        /// </summary>
        public abstract int Send(long socket, ReadOnlySpan<byte> data, SocketMessageFlags flags, IPv4EndPoint? destination);
        /// <summary>
        /// recv/recvfrom: bytes received (0 at the end of a stream) or −EAGAIN, −ECONNRESET, −ENOTCONN. A datagram longer than
        /// <paramref name="buffer"/> is cut, <see cref="SocketReceiveInfo.Flags"/> gets Truncated and the result is the part copied.
        /// </summary>
        public abstract int Receive(long socket, Span<byte> buffer, SocketMessageFlags flags, out SocketReceiveInfo info);
        /// <summary>getsockname(2): the local endpoint (0.0.0.0:0 when unbound).</summary>
        public abstract int GetLocalEndPoint(long socket, out IPv4EndPoint local);
        /// <summary>getpeername(2): −ENOTCONN when there is no peer.</summary>
        public abstract int GetRemoteEndPoint(long socket, out IPv4EndPoint remote);
        /// <summary>What the socket is (SO_DOMAIN, SO_TYPE, SO_PROTOCOL, SO_ACCEPTCONN): −EBADF for an unknown descriptor.</summary>
        public abstract int GetSocketType(long socket, out SocketKind kind, out SocketProtocol protocol, out bool listening);
        /// <summary>getsockopt(2) of an integer option: the value is in <paramref name="value"/>; −ENOPROTOOPT when the socket has no such option.</summary>
        public abstract int GetOption(long socket, SocketOption option, out int value);
        /// <summary>setsockopt(2) of an integer option; −ENOPROTOOPT when the socket has no such option, −EINVAL for a bad value.</summary>
        public abstract int SetOption(long socket, SocketOption option, int value);
        /// <summary>SO_LINGER: enabled and seconds.</summary>
        public abstract int GetLinger(long socket, out bool enabled, out int seconds);
        /// <summary>SO_LINGER (seconds 0 … 65535): on with 0 makes close abortive (RST).</summary>
        public abstract int SetLinger(long socket, bool enabled, int seconds);
        /// <summary>IP_ADD_MEMBERSHIP (<paramref name="join"/>) / IP_DROP_MEMBERSHIP of <paramref name="group"/> on the interface with <paramref name="localAddress"/> or <paramref name="interfaceIndex"/> (0 = any).</summary>
        public abstract int SetMulticastMembership(long socket, bool join, uint group, uint localAddress, int interfaceIndex);
        /// <summary>IP_MULTICAST_IF: the interface multicast datagrams leave by, named by its address (first octet in bits 31..24) or, when that is 0, by <paramref name="interfaceIndex"/> (0 and 0: the default route's).</summary>
        public abstract int SetMulticastInterface(long socket, uint localAddress, int interfaceIndex);
        /// <summary>FIONREAD: bytes that a receive would return without blocking.</summary>
        public abstract int GetBytesAvailable(long socket);
        /// <summary>O_NONBLOCK on or off.</summary>
        public abstract int SetNonBlocking(long socket, bool nonBlocking);
        /// <summary>O_NONBLOCK: 1 when set, 0 when not.</summary>
        public abstract int GetNonBlocking(long socket);

        // ---- readiness ----

        /// <summary>poll(2) over sockets: fills each entry's <see cref="SocketPollEntry.Returned"/> and returns how many have any, waiting up to <paramref name="timeoutMilliseconds"/> (−1 = forever, 0 = not at all) for at least one.</summary>
        public abstract int Poll(Span<SocketPollEntry> entries, int timeoutMilliseconds);
        /// <summary>An event port (epoll instance): a descriptor ≥ <see cref="FirstDescriptor"/>.</summary>
        public abstract long CreateEventPort();
        /// <summary>Closes an event port; a thread blocked in <see cref="WaitForEvents"/> on it must return.</summary>
        public abstract int CloseEventPort(long port);
        /// <summary>
        /// Registers, changes or (<paramref name="next"/> = None) removes <paramref name="socket"/> on <paramref name="port"/>,
        /// edge-triggered as epoll's EPOLLET: an event is reported when a registered condition becomes true (and at
        /// registration if it already holds), not again until it has been false. <paramref name="data"/> is reported back.
        /// <paramref name="current"/> is what the caller registered before (None: not registered). Error and Close are
        /// reported whether registered or not (as EPOLLERR/EPOLLHUP). The CoreLib's engine registers each socket once,
        /// None → Read | Write with the socket's descriptor as data, and never changes or removes it (see <see cref="Close"/>).
        /// </summary>
        public abstract int ChangeEventRegistration(long port, long socket, SocketEventFlags current, SocketEventFlags next, IntPtr data);
        /// <summary>
        /// Blocks (without a timeout) until at least one event is pending on <paramref name="port"/>, fills
        /// <paramref name="events"/> and returns how many (≥ 1, never 0). An error (−EBADF for an unknown port) is fatal:
        /// the CoreLib's engine thread fails fast on it, so a port it waits on must stay valid.
        /// </summary>
        public abstract int WaitForEvents(long port, Span<SocketEvent> events);

        // ---- names and interfaces ----

        /// <summary>
        /// getaddrinfo for IPv4: appends the addresses of <paramref name="name"/> (first octet in bits 31..24) to
        /// <paramref name="addresses"/> and gives the canonical name (or null). The local host name and "localhost"
        /// resolve to the interfaces' addresses and 127.0.0.1, as glibc does.
        /// </summary>
        public abstract HostResolutionStatus ResolveHostName(string name, List<uint> addresses, out string canonicalName);
        /// <summary>getnameinfo for an IPv4 address: its name (reverse lookup) or <see cref="HostResolutionStatus.NoName"/>.</summary>
        public abstract HostResolutionStatus ResolveAddress(uint address, out string hostName);
        /// <summary>The network interfaces (getifaddrs): appends one entry per interface and returns how many, or −errno.</summary>
        public abstract int GetInterfaces(List<NetworkInterfaceEntry> interfaces);

        /// <summary>
        /// The DNS servers the resolver uses, in order (first octet in bits 31..24), and the search domain (null when none):
        /// what /etc/resolv.conf says on Linux (<see cref="SyntheticFiles"/> serves it from here). The count, or −errno;
        /// the default, −EOPNOTSUPP, leaves /etc/resolv.conf absent.
        /// </summary>
        public virtual int GetNameServers(List<uint> servers, out string searchDomain)
        {
            searchDomain = null;
            return -Errno.EOPNOTSUPP;
        }
    }
}
