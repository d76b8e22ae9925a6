using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace Cosmos.Runtime.Tests
{
    /// <summary>A SocketPal that records what the exports decoded and answers what the test scripted.</summary>
    internal sealed class FakeSocketPal : SocketPal
    {
        public readonly List<string> Calls = new();
        public long NextSocket = FirstDescriptor + 7;
        public int Error;                       // when non-zero, data and connection calls return −Error
        public byte[] Incoming = Array.Empty<byte>();
        public SocketReceiveInfo ReceiveInfo;
        public byte[] LastSent;
        public IPv4EndPoint? LastDestination;
        public SocketMessageFlags LastFlags;
        public IPv4EndPoint LastEndPoint;
        public readonly Dictionary<SocketOption, int> Options = new();
        public bool LingerOn; public int LingerSeconds;
        public PollFlags PollAnswer = PollFlags.In;
        public int LastPollTimeout;
        public SocketEvent[] EventsToReport = Array.Empty<SocketEvent>();
        public (long Port, long Socket, SocketEventFlags Current, SocketEventFlags Next, IntPtr Data) LastRegistration;
        public List<uint> Addresses = new() { 0x0A000203, 0x5DB8D822 };
        public string CanonicalName = "example.com";
        public HostResolutionStatus ResolveStatus = HostResolutionStatus.Success;
        public string ReverseName = "gateway.cosmos";
        public List<NetworkInterfaceEntry> Interfaces = new();
        public bool NonBlocking;

        private int Err(string call) { Calls.Add(call); return Error != 0 ? -Error : 0; }

        public override long Socket(SocketKind kind, SocketProtocol protocol) { Calls.Add($"Socket {kind} {protocol}"); return Error != 0 ? -Error : NextSocket; }
        public override int Close(long socket) => Err("Close " + socket);
        public override int Bind(long socket, IPv4EndPoint local) { LastEndPoint = local; return Err("Bind " + local); }
        public override int Connect(long socket, IPv4EndPoint remote) { LastEndPoint = remote; return Err("Connect " + remote); }
        public override int Disconnect(long socket) => Err("Disconnect");
        public override int Listen(long socket, int backlog) => Err("Listen " + backlog);
        public override long Accept(long socket, out IPv4EndPoint remote) { remote = new IPv4EndPoint(0xC0A80102, 40000); Calls.Add("Accept"); return Error != 0 ? -Error : NextSocket + 1; }
        public override int Shutdown(long socket, SocketShutdownHow how) => Err("Shutdown " + how);
        public override int Send(long socket, ReadOnlySpan<byte> data, SocketMessageFlags flags, IPv4EndPoint? destination)
        {
            Calls.Add("Send"); LastSent = data.ToArray(); LastFlags = flags; LastDestination = destination;
            return Error != 0 ? -Error : data.Length;
        }
        public override int Receive(long socket, Span<byte> buffer, SocketMessageFlags flags, out SocketReceiveInfo info)
        {
            Calls.Add("Receive"); LastFlags = flags; info = ReceiveInfo;
            if (Error != 0) return -Error;
            int n = Math.Min(buffer.Length, Incoming.Length);
            Incoming.AsSpan(0, n).CopyTo(buffer);
            if (n < Incoming.Length) info.Flags |= SocketMessageFlags.Truncated;
            return n;
        }
        public override int GetLocalEndPoint(long socket, out IPv4EndPoint local) { local = new IPv4EndPoint(0x0A00020F, 8080); return Err("GetLocal"); }
        public override int GetRemoteEndPoint(long socket, out IPv4EndPoint remote) { remote = new IPv4EndPoint(0x5DB8D822, 80); return Err("GetRemote"); }
        public override int GetSocketType(long socket, out SocketKind kind, out SocketProtocol protocol, out bool listening)
        { kind = SocketKind.Stream; protocol = SocketProtocol.Tcp; listening = true; return Err("GetSocketType " + socket); }
        public override int GetOption(long socket, SocketOption option, out int value)
        { Options.TryGetValue(option, out value); return Err("GetOption " + option); }
        public override int SetOption(long socket, SocketOption option, int value) { Options[option] = value; return Err($"SetOption {option} {value}"); }
        public override int GetLinger(long socket, out bool enabled, out int seconds) { enabled = LingerOn; seconds = LingerSeconds; return Err("GetLinger"); }
        public override int SetLinger(long socket, bool enabled, int seconds) { LingerOn = enabled; LingerSeconds = seconds; return Err($"SetLinger {enabled} {seconds}"); }
        public override int SetMulticastMembership(long socket, bool join, uint group, uint localAddress, int interfaceIndex) =>
            Err($"Membership {join} {group:X8} {localAddress:X8} {interfaceIndex}");
        public override int SetMulticastInterface(long socket, uint localAddress, int interfaceIndex) => Err($"MulticastIf {localAddress:X8} {interfaceIndex}");
        public override int GetBytesAvailable(long socket) { Calls.Add("Available"); return Error != 0 ? -Error : Incoming.Length; }
        public override int SetNonBlocking(long socket, bool nonBlocking) { NonBlocking = nonBlocking; return Err("SetNonBlocking " + nonBlocking); }
        public override int GetNonBlocking(long socket) { Calls.Add("GetNonBlocking"); return Error != 0 ? -Error : NonBlocking ? 1 : 0; }
        public override int Poll(Span<SocketPollEntry> entries, int timeoutMilliseconds)
        {
            Calls.Add($"Poll {entries.Length} {timeoutMilliseconds}"); LastPollTimeout = timeoutMilliseconds;
            int n = 0;
            for (int i = 0; i < entries.Length; i++) { entries[i].Returned = entries[i].Requested & PollAnswer; if (entries[i].Returned != 0) n++; }
            return n;
        }
        public override long CreateEventPort() { Calls.Add("CreatePort"); return FirstDescriptor + 100; }
        public override int CloseEventPort(long port) => Err("ClosePort " + port);
        public override int ChangeEventRegistration(long port, long socket, SocketEventFlags current, SocketEventFlags next, IntPtr data)
        { LastRegistration = (port, socket, current, next, data); return Err("Register"); }
        public override int WaitForEvents(long port, Span<SocketEvent> events)
        {
            Calls.Add("Wait " + events.Length);
            int n = Math.Min(events.Length, EventsToReport.Length);
            EventsToReport.AsSpan(0, n).CopyTo(events);
            return n;
        }
        public override HostResolutionStatus ResolveHostName(string name, List<uint> addresses, out string canonicalName)
        {
            Calls.Add("Resolve " + name);
            canonicalName = CanonicalName;
            if (ResolveStatus == HostResolutionStatus.Success) addresses.AddRange(Addresses);
            return ResolveStatus;
        }
        public override HostResolutionStatus ResolveAddress(uint address, out string hostName)
        {
            Calls.Add($"Reverse {address:X8}");
            hostName = ResolveStatus == HostResolutionStatus.Success ? ReverseName : null;
            return ResolveStatus;
        }
        public override int GetInterfaces(List<NetworkInterfaceEntry> interfaces) { interfaces.AddRange(Interfaces); return Interfaces.Count; }
        public List<uint> NameServers;          // null: GetNameServers says EOPNOTSUPP (the base class's answer)
        public string SearchDomain;
        public override int GetNameServers(List<uint> servers, out string searchDomain)
        {
            if (NameServers == null) return base.GetNameServers(servers, out searchDomain);
            searchDomain = SearchDomain;
            servers.AddRange(NameServers);
            return NameServers.Count;
        }
    }

    /// <summary>A FileSystemPal with one file (descriptor 3) for SendFile and the fcntl calls.</summary>
    internal sealed class FakeFileSystemPal : FileSystemPal
    {
        public static readonly FakeFileSystemPal Instance = new();
        public static readonly byte[] Content = System.Text.Encoding.ASCII.GetBytes("0123456789abcdefghij");
        private static int Bad => -Errno.EBADF;
        public override int FStat(long fd, out FileStatus status) { status = default; return fd == 3 ? 0 : Bad; }
        public override int PRead(long fd, Span<byte> buffer, long offset)
        {
            if (fd != 3) return Bad;
            int n = (int)Math.Max(0, Math.Min(buffer.Length, Content.Length - offset));
            Content.AsSpan((int)offset, n).CopyTo(buffer);
            return n;
        }
        public override long Open(string path, int flags, int mode) => -Errno.ENOENT;
        public override int Close(long fd) => Bad;
        public override int Read(long fd, Span<byte> buffer) => Bad;
        public override int Write(long fd, ReadOnlySpan<byte> buffer) => Bad;
        public override int PWrite(long fd, ReadOnlySpan<byte> buffer, long offset) => Bad;
        public override long LSeek(long fd, long offset, int whence) => Bad;
        public override int Stat(string path, out FileStatus status) { status = default; return -Errno.ENOENT; }
        public override int FTruncate(long fd, long length) => Bad;
        public override int FSync(long fd) => Bad;
        public override int FLock(long fd, int operation) => Bad;
        public override int LockFileRegion(long fd, long offset, long length, int lockType) => Bad;
        public override int Unlink(string path) => -Errno.ENOENT;
        public override int MkDir(string path, int mode) => -Errno.ENOENT;
        public override int RmDir(string path) => -Errno.ENOENT;
        public override int Rename(string oldPath, string newPath) => -Errno.ENOENT;
        public override int Access(string path, int mode) => -Errno.ENOENT;
        public override int ChMod(string path, int mode) => -Errno.ENOENT;
        public override int FChMod(long fd, int mode) => Bad;
        public override int ChFlags(string path, uint flags) => -Errno.ENOENT;
        public override int FChFlags(long fd, uint flags) => Bad;
        public override long FileSystemType(long fd) => Bad;
        public override int SetTimes(string path, long fd, long a, long an, long w, long wn) => -Errno.ENOENT;
        public override long OpenDir(string path) => -Errno.ENOENT;
        public override int ReadDir(long dir, out string name, out int nodeType) { name = null; nodeType = 0; return Bad; }
        public override int CloseDir(long dir) => Bad;
        public override string GetCwd() => "0:\\";
        public override int ChDir(string path) => -Errno.ENOENT;
    }

    /// <summary>
    /// The socket exports' argument decoding (Runtime/Cosmos.Runtime/Pal/SystemNative.Sockets.cs, compiled into this
    /// project), each called directly with hand-built PAL structures against <see cref="FakeSocketPal"/>; the
    /// address-buffer and control-message formats also against the host's own libSystem.Native (Linux x64, the ABI
    /// the CoreLib's managed code was written for). One class, so the static pal is never shared between threads.
    /// </summary>
    public sealed unsafe class SocketExportTests
    {
        private const int PalAfInet = 2, PalAfInet6 = 23;
        private static readonly long S = SocketPal.FirstDescriptor + 7;
        private static IntPtr Sock => (IntPtr)S;

        private static int Pal(int errno) => Errno.PlatformToPal(errno);

        private static FakeSocketPal Fresh()
        {
            SocketPal.Uninstall();
            var pal = new FakeSocketPal();
            SocketPal.Install(pal);
            FileSystemPal.Install(FakeFileSystemPal.Instance);
            return pal;
        }

        private static byte[] SockaddrIn(byte a, byte b, byte c, byte d, ushort port) =>
            new byte[] { 2, 0, (byte)(port >> 8), (byte)port, a, b, c, d, 0, 0, 0, 0, 0, 0, 0, 0 };

        private static byte[] SockaddrIn6(byte[] address, ushort port)
        {
            var sa = new byte[28];
            sa[0] = 10; sa[2] = (byte)(port >> 8); sa[3] = (byte)port;
            address.CopyTo(sa, 8);
            return sa;
        }

        // ---- host oracle: the real libSystem.Native of the test's own runtime ----
        private static class Host
        {
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetSocketAddressSizes")] public static extern int GetSocketAddressSizes(int* a, int* b, int* c, int* d);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetMaximumAddressSize")] public static extern int GetMaximumAddressSize();
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetDomainSocketSizes")] public static extern void GetDomainSocketSizes(int* a, int* b, int* c);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetControlMessageBufferSize")] public static extern int GetControlMessageBufferSize(int v4, int v6);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_SetAddressFamily")] public static extern int SetAddressFamily(byte* sa, int len, int af);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetAddressFamily")] public static extern int GetAddressFamily(byte* sa, int len, int* af);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_SetPort")] public static extern int SetPort(byte* sa, int len, ushort port);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetPort")] public static extern int GetPort(byte* sa, int len, ushort* port);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_SetIPv4Address")] public static extern int SetIPv4Address(byte* sa, int len, uint a);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetIPv4Address")] public static extern int GetIPv4Address(byte* sa, int len, uint* a);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_SetIPv6Address")] public static extern int SetIPv6Address(byte* sa, int len, byte* a, int alen, uint scope);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetIPv6Address")] public static extern int GetIPv6Address(byte* sa, int len, byte* a, int alen, uint* scope);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_TryGetIPPacketInformation")] public static extern int TryGetIPPacketInformation(MessageHeader* h, int v4, IPPacketInformation* p);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_MapTcpState")] public static extern int MapTcpState(int state);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_PlatformSupportsDualModeIPv4PacketInfo")] public static extern int PlatformSupportsDualModeIPv4PacketInfo();
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetHostEntryForName")] public static extern int GetHostEntryForName(byte* address, int family, HostEntry* entry);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_FreeHostEntry")] public static extern void FreeHostEntry(HostEntry* entry);
            [DllImport("libSystem.Native", EntryPoint = "SystemNative_GetNameInfo")] public static extern int GetNameInfo(byte* address, uint addressLength, byte isIpv6, byte* host, uint hostLength, byte* service, uint serviceLength, int flags);
        }

        [Fact]
        public void SizesAreTheHostLinuxSizes()
        {
            int a, b, c, d, e, f, g, h;
            Assert.Equal(0, SystemNative.GetSocketAddressSizes(&a, &b, &c, &d));
            Assert.Equal(0, Host.GetSocketAddressSizes(&e, &f, &g, &h));
            Assert.Equal((e, f, g, h), (a, b, c, d));
            Assert.Equal(Host.GetMaximumAddressSize(), SystemNative.GetMaximumAddressSize());
            SystemNative.GetDomainSocketSizes(&a, &b, &c);
            Host.GetDomainSocketSizes(&e, &f, &g);
            Assert.Equal((e, f, g), (a, b, c));
            for (int v4 = 0; v4 < 2; v4++)
                for (int v6 = 0; v6 < 2; v6++)
                    Assert.Equal(Host.GetControlMessageBufferSize(v4, v6), SystemNative.GetControlMessageBufferSize(v4, v6));
            Assert.Equal(Pal(Errno.EFAULT), SystemNative.GetSocketAddressSizes(null, &b, &c, &d));
        }

        [Fact]
        public void AddressBuffersAreBuiltByteForByteAsTheHostBuildsThem()
        {
            // IPv4: what IPEndPoint.Serialize does (family, port, address) on both implementations.
            byte[] ours = new byte[16], theirs = new byte[16];
            uint address = BitConverter.ToUInt32(new byte[] { 10, 0, 2, 15 }); // sin_addr as stored (network order)
            fixed (byte* o = ours) fixed (byte* t = theirs)
            {
                Assert.Equal(0, SystemNative.SetAddressFamily(o, 16, PalAfInet));
                Assert.Equal(0, Host.SetAddressFamily(t, 16, PalAfInet));
                Assert.Equal(0, SystemNative.SetPort(o, 16, 8080));
                Assert.Equal(0, Host.SetPort(t, 16, 8080));
                Assert.Equal(0, SystemNative.SetIPv4Address(o, 16, address));
                Assert.Equal(0, Host.SetIPv4Address(t, 16, address));
                Assert.Equal(theirs, ours);
                Assert.Equal(SockaddrIn(10, 0, 2, 15, 8080), ours);
                int af; ushort port; uint a;
                Assert.Equal(0, SystemNative.GetAddressFamily(o, 16, &af)); Assert.Equal(PalAfInet, af);
                Assert.Equal(0, SystemNative.GetPort(o, 16, &port)); Assert.Equal(8080, port);
                Assert.Equal(0, SystemNative.GetIPv4Address(o, 16, &a)); Assert.Equal(address, a);
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.GetIPv4Address(o, 15, &a));
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.GetPort(o, 1, &port));
            }
            // IPv6 buffers still work (IPEndPoint(IPAddress.IPv6Any) can be serialized), with the host's layout.
            ours = new byte[28]; theirs = new byte[28];
            byte[] v6 = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
            fixed (byte* o = ours) fixed (byte* t = theirs) fixed (byte* v = v6)
            {
                Assert.Equal(0, SystemNative.SetAddressFamily(o, 28, PalAfInet6));
                Assert.Equal(0, Host.SetAddressFamily(t, 28, PalAfInet6));
                Assert.Equal(0, SystemNative.SetPort(o, 28, 443));
                Assert.Equal(0, Host.SetPort(t, 28, 443));
                Assert.Equal(0, SystemNative.SetIPv6Address(o, 28, v, 16, 3));
                Assert.Equal(0, Host.SetIPv6Address(t, 28, v, 16, 3));
                Assert.Equal(theirs, ours);
                byte* back = stackalloc byte[16]; uint scope; int af;
                Assert.Equal(0, SystemNative.GetIPv6Address(o, 28, back, 16, &scope));
                Assert.Equal(v6, new Span<byte>(back, 16).ToArray()); Assert.Equal(3u, scope);
                Assert.Equal(0, SystemNative.GetAddressFamily(o, 28, &af)); Assert.Equal(PalAfInet6, af);
                Assert.Equal(Pal(Errno.EINVAL), SystemNative.GetIPv4Address(o, 28, (uint*)back));
            }
            // Families the PAL has no number for.
            fixed (byte* o = ours)
            {
                int af;
                o[0] = 99; o[1] = 0;
                Assert.Equal(0, SystemNative.GetAddressFamily(o, 28, &af)); Assert.Equal(-1, af);
                Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.SetAddressFamily(o, 28, 12345));
                Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.SetPort(o, 28, 1));
            }
        }

        [Fact]
        public void TcpStatesMapAsTheHostMapsThem()
        {
            var host = new int[14]; var ours = new int[14];
            for (int s = 0; s <= 13; s++) { host[s] = Host.MapTcpState(s); ours[s] = SystemNative.MapTcpState(s); }
            Assert.Equal(host, ours);
        }

        [Fact]
        public void SocketCreationRefusesIPv6AndUnixAndDecodesTypeAndProtocol()
        {
            IntPtr s;
            SocketPal.Uninstall();
            Assert.Equal(Pal(Errno.ENETDOWN), SystemNative.Socket(PalAfInet, 1, 6, &s));
            Assert.Equal((IntPtr)(-1), s);
            Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.Socket(PalAfInet6, 2, 17, &s));
            var pal = Fresh();
            Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.Socket(PalAfInet6, 1, 6, &s));   // Socket.OSSupportsIPv6 is false
            Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.Socket(1, 1, 0, &s));             // AF_UNIX
            Assert.Equal(Pal(Errno.EPROTOTYPE), SystemNative.Socket(PalAfInet, 9, 0, &s));
            Assert.Equal(Pal(Errno.EPROTONOSUPPORT), SystemNative.Socket(PalAfInet, 1, 58, &s));
            Assert.Empty(pal.Calls);
            Assert.Equal(0, SystemNative.Socket(PalAfInet, 1, 6, &s));
            Assert.Equal((IntPtr)S, s);
            Assert.Equal(0, SystemNative.Socket(PalAfInet, 3, 1, &s));
            Assert.Equal(new[] { "Socket Stream Tcp", "Socket Raw Icmp" }, pal.Calls);
            pal.Error = Errno.EMFILE;
            Assert.Equal(Pal(Errno.EMFILE), SystemNative.Socket(PalAfInet, 2, 17, &s));
            Assert.Equal((IntPtr)(-1), s);
            Assert.Equal(Pal(Errno.EFAULT), SystemNative.Socket(PalAfInet, 1, 6, null));
        }

        [Fact]
        public void BindAndConnectDecodeSockaddrInAndIPv4MappedAddresses()
        {
            var pal = Fresh();
            fixed (byte* sa = SockaddrIn(10, 0, 2, 15, 8080))
            {
                Assert.Equal(0, SystemNative.Bind(Sock, 6, sa, 16));
                Assert.Equal(new[] { "SetOption ReuseAddress 1", "Bind 10.0.2.15:8080" }, pal.Calls);
                Assert.Equal(new IPv4EndPoint(0x0A00020F, 8080), pal.LastEndPoint);
                Assert.Equal(Pal(Errno.EINVAL), SystemNative.Bind(Sock, 17, sa, 15));
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.Bind(Sock, 17, null, 16));
            }
            pal.Calls.Clear();
            byte[] mapped = new byte[16]; mapped[10] = 0xFF; mapped[11] = 0xFF; mapped[12] = 93; mapped[13] = 184; mapped[14] = 216; mapped[15] = 34;
            fixed (byte* sa = SockaddrIn6(mapped, 80)) Assert.Equal(0, SystemNative.Connect(Sock, sa, 28));
            Assert.Equal(new IPv4EndPoint(0x5DB8D822, 80), pal.LastEndPoint);
            byte[] real6 = new byte[16]; real6[0] = 0x20; real6[1] = 0x01; real6[15] = 1;
            fixed (byte* sa = SockaddrIn6(real6, 80)) Assert.Equal(Pal(Errno.EAFNOSUPPORT), SystemNative.Connect(Sock, sa, 28));
            fixed (byte* sa = new byte[16]) Assert.Equal(0, SystemNative.Connect(Sock, sa, 16));   // AF_UNSPEC
            Assert.Equal(new[] { "Connect 93.184.216.34:80", "Disconnect" }, pal.Calls);
            pal.Error = Errno.EINPROGRESS;
            fixed (byte* sa = SockaddrIn(10, 0, 2, 2, 80)) Assert.Equal(Pal(Errno.EINPROGRESS), SystemNative.Connect(Sock, sa, 16));
            int sent = 5;
            fixed (byte* sa = SockaddrIn(10, 0, 2, 2, 80)) Assert.Equal(Pal(Errno.EINPROGRESS), SystemNative.Connectx(Sock, sa, 16, null, 0, 0, &sent));
            Assert.Equal(0, sent);
        }

        [Fact]
        public void AcceptAndNameCallsWriteSockaddrIn()
        {
            var pal = Fresh();
            byte[] buffer = new byte[128];
            int len = 128; IntPtr accepted;
            fixed (byte* b = buffer)
            {
                Assert.Equal(0, SystemNative.Accept(Sock, b, &len, &accepted));
                Assert.Equal((IntPtr)(S + 1), accepted);
                Assert.Equal(16, len);
                Assert.Equal(SockaddrIn(192, 168, 1, 2, 40000), buffer[..16]);
                len = 128;
                Assert.Equal(0, SystemNative.GetSockName(Sock, b, &len));
                Assert.Equal(SockaddrIn(10, 0, 2, 15, 8080), buffer[..16]);
                len = 8;   // truncated as getsockname(2) truncates
                Assert.Equal(0, SystemNative.GetPeerName(Sock, b, &len));
                Assert.Equal(8, len);
                Assert.Equal(SockaddrIn(93, 184, 216, 34, 80)[..8], buffer[..8]);
                pal.Error = Errno.ENOTCONN;
                len = 128;
                Assert.Equal(Pal(Errno.ENOTCONN), SystemNative.GetPeerName(Sock, b, &len));
                pal.Error = Errno.EAGAIN;
                Assert.Equal(Pal(Errno.EAGAIN), SystemNative.Accept(Sock, b, &len, &accepted));
                Assert.Equal((IntPtr)(-1), accepted);
            }
            int af, type, proto, listening;
            pal.Error = 0;
            Assert.Equal(0, SystemNative.GetSocketType(Sock, &af, &type, &proto, &listening));
            Assert.Equal((PalAfInet, 1, 6, 1), (af, type, proto, listening));
            Assert.Equal(0, SystemNative.Listen(Sock, 5));
            Assert.Equal(0, SystemNative.Shutdown(Sock, 1));
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.Shutdown(Sock, 3));
            Assert.Contains("Listen 5", pal.Calls);
            Assert.Contains("Shutdown Send", pal.Calls);
        }

        [Fact]
        public void SendAndReceivePassFlagsAndMapErrors()
        {
            var pal = Fresh();
            byte[] data = { 1, 2, 3 };
            int n;
            fixed (byte* d = data)
            {
                Assert.Equal(0, SystemNative.Send(Sock, d, 3, 0x1000 | 0x4, &n));   // DONTWAIT | DONTROUTE
                Assert.Equal(3, n);
                Assert.Equal(SocketMessageFlags.DontWait | SocketMessageFlags.DontRoute, pal.LastFlags);
                Assert.Null(pal.LastDestination);
                Assert.Equal(Pal(Errno.EOPNOTSUPP), SystemNative.Send(Sock, d, 3, 0x8, &n));   // not a PAL flag
                pal.Error = Errno.EAGAIN;
                Assert.Equal(Pal(Errno.EAGAIN), SystemNative.Send(Sock, d, 3, 0, &n));
                Assert.Equal(0, n);
            }
            pal.Error = 0;
            pal.Incoming = new byte[] { 9, 8, 7, 6 };
            byte[] into = new byte[10];
            fixed (byte* b = into)
            {
                Assert.Equal(0, SystemNative.Receive(Sock, b, 10, 0x2, &n));   // PEEK
                Assert.Equal(4, n);
                Assert.Equal(SocketMessageFlags.Peek, pal.LastFlags);
                pal.Error = Errno.ECONNRESET;
                Assert.Equal(Pal(Errno.ECONNRESET), SystemNative.Receive(Sock, b, 10, 0, &n));
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.Receive(Sock, b, -1, 0, &n));
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.Receive(Sock, null, 1, 0, &n));
                pal.Error = 0;
                Assert.Equal(0, SystemNative.Receive(Sock, null, 0, 0x2, &n));   // a zero-byte receive
                Assert.Equal(0, n);
            }
            SocketPal.Uninstall();
            fixed (byte* b = into) Assert.Equal(Pal(Errno.EBADF), SystemNative.Receive(Sock, b, 10, 0, &n));
        }

        [Fact]
        public void SendMessageGathersVectorsAndDecodesTheDestination()
        {
            var pal = Fresh();
            byte[] a = { 1, 2 }, b = { }, c = { 3, 4, 5 };
            byte[] to = SockaddrIn(255, 255, 255, 255, 67);
            long sent;
            fixed (byte* pa = a) fixed (byte* pb = b) fixed (byte* pc = c) fixed (byte* pto = to)
            {
                IOVector* v = stackalloc IOVector[3];
                v[0] = new IOVector { Base = pa, Count = 2 };
                v[1] = new IOVector { Base = pb, Count = 0 };
                v[2] = new IOVector { Base = pc, Count = 3 };
                var h = new MessageHeader { SocketAddress = pto, SocketAddressLen = 16, IOVectors = v, IOVectorCount = 3 };
                Assert.Equal(0, SystemNative.SendMessage(Sock, &h, 0, &sent));
                Assert.Equal(5, sent);
                Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, pal.LastSent);
                Assert.Equal(new IPv4EndPoint(0xFFFFFFFF, 67), pal.LastDestination);
                h.SocketAddress = null; h.SocketAddressLen = 0; h.IOVectorCount = 1;
                Assert.Equal(0, SystemNative.SendMessage(Sock, &h, 0, &sent));
                Assert.Null(pal.LastDestination);
                byte control = 0;
                h.ControlBuffer = &control; h.ControlBufferLen = 1;
                Assert.Equal(Pal(Errno.EOPNOTSUPP), SystemNative.SendMessage(Sock, &h, 0, &sent));
                h.ControlBuffer = null; h.ControlBufferLen = 0; h.IOVectorCount = -1;
                Assert.Equal(Pal(Errno.EFAULT), SystemNative.SendMessage(Sock, &h, 0, &sent));
            }
        }

        [Fact]
        public void ReceiveMessageScattersAndReportsSenderFlagsAndPacketInformation()
        {
            var pal = Fresh();
            pal.Incoming = new byte[] { 1, 2, 3, 4, 5, 6, 7 };
            pal.ReceiveInfo = new SocketReceiveInfo { From = new IPv4EndPoint(0x0A000202, 53), HasPacketInformation = true, LocalAddress = 0x0A00020F, InterfaceIndex = 2 };
            byte[] a = new byte[2], b = new byte[3], from = new byte[128], control = new byte[64];
            long received;
            fixed (byte* pa = a) fixed (byte* pb = b) fixed (byte* pf = from) fixed (byte* pc = control)
            {
                IOVector* v = stackalloc IOVector[2];
                v[0] = new IOVector { Base = pa, Count = 2 };
                v[1] = new IOVector { Base = pb, Count = 3 };
                var h = new MessageHeader { SocketAddress = pf, SocketAddressLen = 128, IOVectors = v, IOVectorCount = 2, ControlBuffer = pc, ControlBufferLen = 64 };
                Assert.Equal(0, SystemNative.ReceiveMessage(Sock, &h, 0, &received));
                Assert.Equal(5, received);
                Assert.Equal(new byte[] { 1, 2 }, a);
                Assert.Equal(new byte[] { 3, 4, 5 }, b);
                Assert.Equal(16, h.SocketAddressLen);
                Assert.Equal(SockaddrIn(10, 0, 2, 2, 53), from[..16]);
                Assert.Equal((int)SocketMessageFlags.Truncated, h.Flags);
                Assert.Equal(32, h.ControlBufferLen);
                IPPacketInformation ours, theirs;
                Assert.Equal(1, SystemNative.TryGetIPPacketInformation(&h, 1, &ours));
                Assert.Equal(new byte[] { 10, 0, 2, 15 }, new Span<byte>(ours.Address.Address, 4).ToArray());
                Assert.Equal(2, ours.InterfaceIndex);
                // The host's own parser reads the record the same way: the cmsg layout is Linux's.
                Assert.Equal(1, Host.TryGetIPPacketInformation(&h, 1, &theirs));
                Assert.Equal(new Span<byte>(&ours, sizeof(IPPacketInformation)).ToArray(), new Span<byte>(&theirs, sizeof(IPPacketInformation)).ToArray());
                Assert.Equal(0, SystemNative.TryGetIPPacketInformation(&h, 0, &ours));
                // A control buffer too small for the record: MSG_CTRUNC, nothing written.
                h.SocketAddressLen = 128; h.ControlBufferLen = 16;
                pal.Incoming = new byte[] { 1 };
                Assert.Equal(0, SystemNative.ReceiveMessage(Sock, &h, 0, &received));
                Assert.Equal(1, received);
                Assert.Equal((int)SocketMessageFlags.ControlTruncated, h.Flags);
                Assert.Equal(0, h.ControlBufferLen);
                Assert.Equal(0, SystemNative.TryGetIPPacketInformation(&h, 1, &ours));
            }
            Assert.Equal(Host.PlatformSupportsDualModeIPv4PacketInfo() * 0, SystemNative.PlatformSupportsDualModeIPv4PacketInfo());
        }

        [Fact]
        public void SocketOptionsDecodeLevelsNamesAndValueWidths()
        {
            var pal = Fresh();
            int value = 1, len;
            Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0xFFFF, 0x20, (byte*)&value, 4));   // Broadcast
            Assert.Equal(1, pal.Options[SocketOption.Broadcast]);
            byte ttl = 64;
            Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0, 4, &ttl, 1));                     // IP TTL as a byte
            Assert.Equal(64, pal.Options[SocketOption.TimeToLive]);
            Assert.Equal(0, SystemNative.SetSockOpt(Sock, 6, 1, (byte*)&value, 4));           // TCP NoDelay
            Assert.Equal(1, pal.Options[SocketOption.NoDelay]);
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.SetSockOpt(Sock, 6, 1, (byte*)&value, 2));
            Assert.Equal(Pal(Errno.ENOPROTOOPT), SystemNative.SetSockOpt(Sock, 41, 27, (byte*)&value, 4));   // IPv6Only
            Assert.Equal(Pal(Errno.EOPNOTSUPP), SystemNative.SetSockOpt(Sock, 0xFFFF, 0x40, (byte*)&value, 4));
            // SO_EXCLUSIVEADDRUSE is the inverse of SO_REUSEADDR, 0 or 1 only.
            value = 1;
            Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0xFFFF, ~4, (byte*)&value, 4));
            Assert.Equal(0, pal.Options[SocketOption.ReuseAddress]);
            value = 2;
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.SetSockOpt(Sock, 0xFFFF, ~4, (byte*)&value, 4));
            len = 4;
            Assert.Equal(0, SystemNative.GetSockOpt(Sock, 0xFFFF, ~4, (byte*)&value, &len));
            Assert.Equal(1, value);
            pal.Options[SocketOption.ReceiveBuffer] = 65536;
            len = 4;
            Assert.Equal(0, SystemNative.GetSockOpt(Sock, 0xFFFF, 0x1002, (byte*)&value, &len));
            Assert.Equal((65536, 4), (value, len));
            len = 0;
            Assert.Equal(0, SystemNative.GetSockOpt(Sock, 0xFFFF, 0x1002, null, &len));
            Assert.Equal(0, len);
            byte small = 0; len = 1;
            Assert.Equal(0, SystemNative.GetSockOpt(Sock, 0, 4, &small, &len));
            Assert.Equal((64, 1), (small, len));
            // SO_LINGER as struct linger through Get/SetSockOpt and through the dedicated calls.
            var linger = new LingerOption { OnOff = 1, Seconds = 0 };
            Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0xFFFF, 0x80, (byte*)&linger, 8));
            Assert.True(pal.LingerOn);
            linger = new LingerOption { OnOff = 1, Seconds = 70000 };
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.SetLingerOption(Sock, &linger));
            pal.LingerSeconds = 5;
            Assert.Equal(0, SystemNative.GetLingerOption(Sock, &linger));
            Assert.Equal((1, 5), (linger.OnOff, linger.Seconds));
            // ip_mreqn through SetSockOpt, IPv4MulticastOption through its call; addresses in network order.
            byte[] mreqn = { 239, 1, 2, 3, 10, 0, 2, 15, 2, 0, 0, 0 };
            fixed (byte* m = mreqn) Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0, 12, m, 12));
            var mc = new IPv4MulticastOption { MulticastAddress = BitConverter.ToUInt32(new byte[] { 239, 1, 2, 3 }), InterfaceIndex = 0 };
            Assert.Equal(0, SystemNative.SetIPv4MulticastOption(Sock, 1, &mc));
            Assert.Equal(Pal(Errno.ENOPROTOOPT), SystemNative.GetIPv4MulticastOption(Sock, 0, &mc));
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.SetIPv4MulticastOption(Sock, 5, &mc));
            mc = new IPv4MulticastOption { InterfaceIndex = 2 };   // Socket.SetSocketOption(IP, MulticastInterface, IPAddress.HostToNetworkOrder(2))
            Assert.Equal(0, SystemNative.SetIPv4MulticastOption(Sock, 2, &mc));
            fixed (byte* a = new byte[] { 10, 0, 2, 15 }) Assert.Equal(0, SystemNative.SetSockOpt(Sock, 0, 9, a, 4));
            pal.Options[SocketOption.MulticastInterface] = 0x0A00020F;
            len = 4;
            Assert.Equal(0, SystemNative.GetSockOpt(Sock, 0, 9, (byte*)&value, &len));
            Assert.Equal(BitConverter.ToInt32(new byte[] { 10, 0, 2, 15 }), value);
            Assert.Contains("MulticastIf 00000000 2", pal.Calls);
            Assert.Contains("MulticastIf 0A00020F 0", pal.Calls);
            Assert.Contains("Membership True EF010203 0A00020F 2", pal.Calls);
            Assert.Contains("Membership False EF010203 00000000 0", pal.Calls);
            // Timeouts and the pending error.
            Assert.Equal(0, SystemNative.SetReceiveTimeout(Sock, 1500));
            Assert.Equal(1500, pal.Options[SocketOption.ReceiveTimeout]);
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.SetSendTimeout(Sock, -1));
            pal.Options[SocketOption.Error] = Errno.ECONNREFUSED;
            int error;
            Assert.Equal(0, SystemNative.GetSocketErrorOption(Sock, &error));
            Assert.Equal(Pal(Errno.ECONNREFUSED), error);
            Assert.Equal(Pal(Errno.ENOPROTOOPT), SystemNative.GetRawSockOpt(Sock, 1, 2, (byte*)&value, &len));
        }

        [Fact]
        public void PollAndSelectRouteSocketsToThePalAndMarkOtherDescriptorsInvalid()
        {
            var pal = Fresh();
            pal.PollAnswer = PollFlags.Out;
            PollEvent* e = stackalloc PollEvent[3];
            e[0] = new PollEvent { FileDescriptor = (int)S, Events = PollFlags.In | PollFlags.Out };
            e[1] = new PollEvent { FileDescriptor = (int)S + 1, Events = PollFlags.In };
            e[2] = new PollEvent { FileDescriptor = -1, Events = PollFlags.In };
            uint triggered;
            Assert.Equal(0, SystemNative.Poll(e, 3, 250, &triggered));
            Assert.Equal(1u, triggered);
            Assert.Equal(PollFlags.Out, e[0].TriggeredEvents);
            Assert.Equal(PollFlags.None, e[1].TriggeredEvents);
            Assert.Equal(PollFlags.None, e[2].TriggeredEvents);
            Assert.Equal(250, pal.LastPollTimeout);
            e[2].FileDescriptor = 3;   // a file: only sockets can be polled
            Assert.Equal(0, SystemNative.Poll(e, 3, 250, &triggered));
            Assert.Equal(2u, triggered);
            Assert.Equal(PollFlags.Invalid, e[2].TriggeredEvents);
            Assert.Equal(0, pal.LastPollTimeout);   // something is already reportable: no waiting
            int* read = stackalloc int[2], write = stackalloc int[1];
            read[0] = (int)S; read[1] = (int)S + 1; write[0] = (int)S;
            pal.PollAnswer = PollFlags.In;
            int count;
            Assert.Equal(0, SystemNative.Select(read, 2, write, 1, null, 0, 1500, (int)S + 1, &count));
            Assert.Equal((1, 1, 0, 2), (read[0], read[1], write[0], count));
            Assert.Equal(2, pal.LastPollTimeout);   // microseconds rounded up
        }

        [Fact]
        public void EventPortsRegisterAndReportCloseAsReadAndWrite()
        {
            var pal = Fresh();
            IntPtr port;
            Assert.Equal(0, SystemNative.CreateSocketEventPort(&port));
            Assert.Equal((IntPtr)(SocketPal.FirstDescriptor + 100), port);
            Assert.Equal(Pal(Errno.EINVAL), SystemNative.TryChangeSocketEventRegistration(port, Sock, 0, 0x20, (IntPtr)1));
            pal.Calls.Clear();
            Assert.Equal(0, SystemNative.TryChangeSocketEventRegistration(port, Sock, 3, 3, (IntPtr)1));
            Assert.Empty(pal.Calls);
            Assert.Equal(0, SystemNative.TryChangeSocketEventRegistration(port, Sock, 0, 0x1F, (IntPtr)42));
            Assert.Equal(((long)port, S, SocketEventFlags.None, (SocketEventFlags)0x1F, (IntPtr)42), pal.LastRegistration);
            SocketEvent* buffer;
            Assert.Equal(0, SystemNative.CreateSocketEventBuffer(4, &buffer));
            pal.EventsToReport = new[]
            {
                new SocketEvent { Data = (IntPtr)42, Events = SocketEventFlags.Close, Padding = 7 },
                new SocketEvent { Data = (IntPtr)43, Events = SocketEventFlags.Read | SocketEventFlags.ReadClose },
            };
            int count = 4;
            Assert.Equal(0, SystemNative.WaitForSocketEvents(port, buffer, &count));
            Assert.Equal(2, count);
            Assert.Equal((IntPtr)42, buffer[0].Data);
            Assert.Equal(SocketEventFlags.Read | SocketEventFlags.Write, buffer[0].Events);
            Assert.Equal(0, buffer[0].Padding);
            Assert.Equal(SocketEventFlags.Read | SocketEventFlags.ReadClose, buffer[1].Events);
            Assert.Contains("Wait 4", pal.Calls);
            count = -1;
            Assert.Equal(Pal(Errno.EFAULT), SystemNative.WaitForSocketEvents(port, buffer, &count));
            Assert.Equal(0, SystemNative.FreeSocketEventBuffer(buffer));
            Assert.Equal(0, SystemNative.CloseSocketEventPort(port));
            SocketPal.Uninstall();
            Assert.Equal(Pal(Errno.ENETDOWN), SystemNative.CreateSocketEventPort(&port));
        }

        [Fact]
        public void DescriptorCallsOfTheSocketRange()
        {
            var pal = Fresh();
            Assert.True(SocketPal.IsSocketDescriptor(S));
            Assert.False(SocketPal.IsSocketDescriptor(3));
            Assert.False(SocketPal.IsSocketDescriptor((long)int.MaxValue + 1));
            Assert.Equal(0, SystemNative.FcntlSetIsNonBlocking(Sock, 1));
            int nb;
            Assert.Equal(0, SystemNative.FcntlGetIsNonBlocking(Sock, &nb));
            Assert.Equal(1, nb);
            Assert.Equal(1, SystemNative.FcntlGetFD(Sock));
            Assert.Equal(0, SystemNative.FcntlSetIsNonBlocking((IntPtr)3, 1));   // a file: accepted, stays blocking
            Assert.Equal(0, SystemNative.FcntlGetIsNonBlocking((IntPtr)3, &nb));
            Assert.Equal(0, nb);
            Assert.Equal(-1, SystemNative.FcntlGetFD((IntPtr)4));
            Assert.Equal(Errno.EBADF, SystemNative.GetErrNoForTests());
            // The shared descriptor exports of SystemNative.Files.cs route by range: sockets to the pal, files to the file PAL.
            FileStatus st;
            Assert.Equal(0, SystemNative.FStat(Sock, &st));
            Assert.Equal(0xC000, st.Mode & 0xF000);
            Assert.Equal("GetSocketType " + S, pal.Calls[^1]);
            Assert.Equal(0, SystemNative.FStat((IntPtr)3, &st));
            Assert.Equal(0, st.Mode);   // the fake file's status, not a socket's
            pal.Incoming = new byte[] { 5, 6 };
            byte* b = stackalloc byte[4];
            Assert.Equal(2, SystemNative.Read(Sock, b, 4));
            Assert.Equal(SocketMessageFlags.None, pal.LastFlags);
            Assert.Equal(4, SystemNative.Write(Sock, b, 4));
            Assert.Null(pal.LastDestination);
            Assert.Equal(-1, SystemNative.Read((IntPtr)3, b, 4));   // the fake file PAL answers EBADF to read
            Assert.Equal(Errno.EBADF, SystemNative.GetErrNoForTests());
            int calls = pal.Calls.Count;
            Assert.Equal(0, SystemNative.Close(Sock));
            Assert.Equal("Close " + S, pal.Calls[^1]);
            Assert.Equal(-1, SystemNative.Close((IntPtr)3));        // went to the file PAL, not the socket pal
            Assert.Equal(calls + 1, pal.Calls.Count);
            pal.Error = Errno.EBADF;
            Assert.Equal(-1, SystemNative.Close(Sock));
            Assert.Equal(Errno.EBADF, SystemNative.GetErrNoForTests());
            pal.Error = 0;
            int available, atMark;
            Assert.Equal(0, SystemNative.GetBytesAvailable(Sock, &available));
            Assert.Equal(2, available);
            Assert.Equal(0, SystemNative.GetAtOutOfBandMark(Sock, &atMark));
            Assert.Equal(0, atMark);
            // sendfile: the file through the file PAL, onto the socket.
            long sent;
            Assert.Equal(0, SystemNative.SendFile(Sock, (IntPtr)3, 5, 10, &sent));
            Assert.Equal(10, sent);
            Assert.Equal(System.Text.Encoding.ASCII.GetBytes("56789abcde"), pal.LastSent);
            Assert.Equal(Pal(Errno.EBADF), SystemNative.SendFile(Sock, (IntPtr)4, 0, 10, &sent));
        }

        [Fact]
        public void HostEntriesCarryIPv4AddressesInNetworkOrder()
        {
            var pal = Fresh();
            HostEntry entry;
            fixed (byte* name = "example.com\0"u8)
            {
                Assert.Equal(0, SystemNative.GetHostEntryForName(name, 0, &entry));
                Assert.Equal("Resolve example.com", pal.Calls[^1]);
                Assert.Equal(2, entry.IPAddressCount);
                Assert.Equal(new byte[] { 10, 0, 2, 3 }, new Span<byte>(entry.IPAddressList[0].Address, 4).ToArray());
                Assert.Equal(new byte[] { 93, 184, 216, 34 }, new Span<byte>(entry.IPAddressList[1].Address, 4).ToArray());
                Assert.Equal(0u, entry.IPAddressList[1].IsIPv6);
                Assert.Equal("example.com", Marshal.PtrToStringUTF8((IntPtr)entry.CanonicalName));
                Assert.True(entry.Aliases == null);
                SystemNative.FreeHostEntry(&entry);
                Assert.True(entry.IPAddressList == null && entry.CanonicalName == null && entry.IPAddressCount == 0);
                Assert.Equal((int)HostResolutionStatus.NoName, SystemNative.GetHostEntryForName(name, PalAfInet6, &entry));
                Assert.Equal((int)HostResolutionStatus.Family, SystemNative.GetHostEntryForName(name, 1, &entry));
                pal.ResolveStatus = HostResolutionStatus.TryAgain;
                Assert.Equal(1, SystemNative.GetHostEntryForName(name, PalAfInet, &entry));
                Assert.Equal(6, SystemNative.GetHostEntryForName(null, 0, &entry));
                SocketPal.Uninstall();
                Assert.Equal((int)HostResolutionStatus.Fail, SystemNative.GetHostEntryForName(name, 0, &entry));
            }
        }

        [Fact]
        public void NameLookupResultsHaveTheHostShimsCodesAndFormat()
        {
            var pal = Fresh();
            HostEntry ours, theirs;
            fixed (byte* name = "localhost\0"u8)
            {
                // EAI codes for bad arguments and families, as the host's shim returns them.
                Assert.Equal(Host.GetHostEntryForName(null, PalAfInet, &theirs), SystemNative.GetHostEntryForName(null, PalAfInet, &ours));
                Assert.Equal(Host.GetHostEntryForName(name, 12345, &theirs), SystemNative.GetHostEntryForName(name, 12345, &ours));
                // The address list format: the host resolves localhost (no network needed), the fake pal answers 127.0.0.1.
                Assert.Equal(0, Host.GetHostEntryForName(name, PalAfInet, &theirs));
                pal.Addresses = new List<uint> { 0x7F000001 };
                pal.CanonicalName = "localhost";
                Assert.Equal(0, SystemNative.GetHostEntryForName(name, PalAfInet, &ours));
                Assert.True(theirs.IPAddressCount >= 1);
                Assert.Equal(new Span<byte>(&theirs.IPAddressList[0], sizeof(PalIPAddress)).ToArray(), new Span<byte>(&ours.IPAddressList[0], sizeof(PalIPAddress)).ToArray());
                Host.FreeHostEntry(&theirs);
                SystemNative.FreeHostEntry(&ours);
            }
            byte[] address = { 192, 168, 7, 9 };
            byte* a1 = stackalloc byte[32], a2 = stackalloc byte[32];
            fixed (byte* a = address)
            {
                Assert.Equal(Host.GetNameInfo(a, 4, 0, a1, 32, null, 0, 2), SystemNative.GetNameInfo(a, 4, 0, a2, 32, null, 0, 2));
                Assert.Equal(Marshal.PtrToStringUTF8((IntPtr)a1), Marshal.PtrToStringUTF8((IntPtr)a2));
            }
        }

        [Fact]
        public void NameInfoIsNumericOrTheReverseName()
        {
            var pal = Fresh();
            byte[] address = { 10, 0, 2, 2 };
            byte* host = stackalloc byte[64];
            byte* service = stackalloc byte[8];
            fixed (byte* a = address)
            {
                Assert.Equal(0, SystemNative.GetNameInfo(a, 4, 0, host, 64, service, 8, 2));   // NI_NUMERICHOST
                Assert.Equal("10.0.2.2", Marshal.PtrToStringUTF8((IntPtr)host));
                Assert.Equal("0", Marshal.PtrToStringUTF8((IntPtr)service));
                Assert.DoesNotContain(pal.Calls, c => c.StartsWith("Reverse"));
                Assert.Equal(0, SystemNative.GetNameInfo(a, 4, 0, host, 64, null, 0, 0));
                Assert.Equal("gateway.cosmos", Marshal.PtrToStringUTF8((IntPtr)host));
                Assert.Contains("Reverse 0A000202", pal.Calls);
                pal.ResolveStatus = HostResolutionStatus.NoName;
                Assert.Equal(0, SystemNative.GetNameInfo(a, 4, 0, host, 64, null, 0, 0));
                Assert.Equal("10.0.2.2", Marshal.PtrToStringUTF8((IntPtr)host));
                Assert.Equal(5, SystemNative.GetNameInfo(a, 4, 0, host, 64, null, 0, 1));   // NI_NAMEREQD
                Assert.Equal(4, SystemNative.GetNameInfo(a, 16, 1, host, 64, null, 0, 2));   // IPv6: EAI_FAMILY
                Assert.Equal(3, SystemNative.GetNameInfo(a, 4, 0, host, 4, null, 0, 2));     // does not fit
            }
            byte* domain = stackalloc byte[4];
            domain[0] = 1;
            Assert.Equal(0, SystemNative.GetDomainName(domain, 4));
            Assert.Equal(0, domain[0]);
        }

        private sealed class Seen { public readonly List<string> Lines = new(); }
        private static Seen s_seen;

        [UnmanagedCallersOnly]
        private static void OnIPv4(void* context, byte* name, IpAddressInfo* info) =>
            s_seen.Lines.Add($"v4 {Marshal.PtrToStringUTF8((IntPtr)name)} {info->InterfaceIndex} {info->AddressBytes[0]}.{info->AddressBytes[1]}.{info->AddressBytes[2]}.{info->AddressBytes[3]}/{info->PrefixLength} {info->NumAddressBytes}");

        [UnmanagedCallersOnly]
        private static void OnLink(void* context, byte* name, LinkLayerAddressInfo* info) =>
            s_seen.Lines.Add($"ll {Marshal.PtrToStringUTF8((IntPtr)name)} {info->InterfaceIndex} {info->NumAddressBytes} {info->AddressBytes[0]:X2}{info->AddressBytes[5]:X2} {info->HardwareType}");

        [Fact]
        public void InterfacesAreListedInTheShimsFormats()
        {
            var pal = Fresh();
            pal.Interfaces.Add(new NetworkInterfaceEntry { Name = "lo", Index = 1, Address = 0x7F000001, PrefixLength = 8, Mtu = 65536, IsUp = true, IsLoopback = true, Speed = -1, HardwareAddress = Array.Empty<byte>() });
            pal.Interfaces.Add(new NetworkInterfaceEntry { Name = "eth0", Index = 2, Address = 0x0A00020F, PrefixLength = 24, Mtu = 1500, IsUp = true, Speed = 1_000_000_000, HardwareAddress = new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56 } });
            pal.Interfaces.Add(new NetworkInterfaceEntry { Name = "eth1", Index = 3, Address = 0, Mtu = 1500, IsUp = false, Speed = -1, HardwareAddress = new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x57 } });
            s_seen = new Seen();
            Assert.Equal(0, SystemNative.EnumerateInterfaceAddresses(null, &OnIPv4, null, &OnLink));
            Assert.Equal(new[] { "v4 lo 1 127.0.0.1/8 4", "v4 eth0 2 10.0.2.15/24 4", "ll eth0 2 6 5256 6", "ll eth1 3 6 5257 6" }, s_seen.Lines);
            int count, addressCount;
            NetworkInterfaceInfo* infos; IpAddressInfo* ips;
            Assert.Equal(0, SystemNative.GetNetworkInterfaces(&count, &infos, &addressCount, &ips));
            Assert.Equal((3, 2), (count, addressCount));
            Assert.True((byte*)ips == (byte*)(infos + 3), "addresses follow the interfaces in the same block");
            Assert.Equal("eth0", Marshal.PtrToStringUTF8((IntPtr)infos[1].Name));
            Assert.Equal((2, 1500, 1_000_000_000L, 6, 1, 6, 1), (infos[1].InterfaceIndex, infos[1].Mtu, infos[1].Speed, (int)infos[1].HardwareType, (int)infos[1].OperationalState, (int)infos[1].NumAddressBytes, (int)infos[1].SupportsMulticast));
            Assert.Equal((24, 2), ((int)infos[0].HardwareType, (int)infos[2].OperationalState));
            Assert.Equal((2, 24, 15), (ips[1].InterfaceIndex, (int)ips[1].PrefixLength, (int)ips[1].AddressBytes[3]));
            NativeMemory.Free(infos);
            fixed (byte* n = "%eth1\0"u8) Assert.Equal(3u, SystemNative.InterfaceNameToIndex(n));
            fixed (byte* n = "wlan0\0"u8) Assert.Equal(0u, SystemNative.InterfaceNameToIndex(n));
            IntPtr listener;
            Assert.Equal(Pal(Errno.EOPNOTSUPP), SystemNative.CreateNetworkChangeListenerSocket(&listener));
            Assert.Equal((IntPtr)(-1), listener);
            SocketPal.Uninstall();
            Assert.Equal(0, SystemNative.GetNetworkInterfaces(&count, &infos, &addressCount, &ips));
            Assert.Equal((0, 0), (count, addressCount));
            NativeMemory.Free(infos);
        }

        [Fact]
        public void InstallRefusesASecondPal()
        {
            var pal = Fresh();
            SocketPal.Install(pal);
            Assert.Throws<InvalidOperationException>(() => SocketPal.Install(new FakeSocketPal()));
            Assert.Throws<ArgumentNullException>(() => SocketPal.Install(null));
            SocketPal.Uninstall();
        }
    
        // SyntheticFiles (Runtime/Pal/SyntheticFiles.cs): the Linux files System.Net.NetworkInformation reads, made up
        // from the socket PAL, read through the file exports and fed to the host's own (Linux) System.Net.NetworkInformation
        // parsers (internal StringParsingHelpers, by reflection) so the format is the one .NET understands.

        private static FakeSocketPal WithNetwork()
        {
            var pal = Fresh();
            pal.Interfaces.Add(new NetworkInterfaceEntry { Name = "eth0", Index = 1, Address = 0x0A00020F, PrefixLength = 24, HardwareAddress = new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, Mtu = 1500, Speed = -1, IsUp = true, Gateway = 0x0A000202, DhcpServer = 0x0A000202 });
            pal.Interfaces.Add(new NetworkInterfaceEntry { Name = "lo", Index = 2, Address = 0x7F000001, PrefixLength = 8, HardwareAddress = Array.Empty<byte>(), Mtu = 65536, Speed = -1, IsUp = true, IsLoopback = true });
            pal.NameServers = new List<uint> { 0x0A000203, 0x08080808 };
            return pal;
        }

        private static string ReadSynthetic(string path)
        {
            byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
            fixed (byte* pp = p)
            {
                long fd = (long)SystemNative.Open(pp, FileSystemPal.O_RDONLY | FileSystemPal.O_CLOEXEC, 0);
                Assert.True(SyntheticFiles.IsDescriptor(fd), path + " opened as a synthetic file, got " + fd);
                FileStatus st;
                Assert.Equal(0, SystemNative.FStat((IntPtr)fd, &st));
                Assert.Equal(FileStatus.S_IFREG, st.Mode & FileStatus.S_IFMT);
                Assert.Equal(0, SystemNative.FLock((IntPtr)fd, FileSystemPal.LOCK_SH | FileSystemPal.LOCK_NB));
                var buf = new byte[st.Size + 10];
                int total = 0, n;
                fixed (byte* b = buf)
                    while ((n = SystemNative.Read((IntPtr)fd, b + total, Math.Min(7, buf.Length - total))) > 0) total += n;
                Assert.Equal(st.Size, total);
                fixed (byte* b = buf)
                {
                    Assert.Equal(Math.Min(5, total), SystemNative.PRead((IntPtr)fd, b, 5, 0));
                    Assert.Equal(total, SystemNative.LSeek((IntPtr)fd, 0, FileSystemPal.SEEK_END));
                    Assert.Equal(-1, SystemNative.Write((IntPtr)fd, b, 1));
                }
                Assert.Equal(0, SystemNative.Close((IntPtr)fd));
                Assert.Equal(-1, SystemNative.Close((IntPtr)fd));
                Assert.Equal(Errno.EBADF, SystemNative.GetErrNoForTests());
                FileStatus byPath;
                Assert.Equal(0, SystemNative.Stat(pp, &byPath));
                Assert.Equal(st.Size, byPath.Size);
                return System.Text.Encoding.ASCII.GetString(buf, 0, total);
            }
        }

        private static Type Helpers => typeof(System.Net.NetworkInformation.NetworkInterface).Assembly.GetType("System.Net.NetworkInformation.StringParsingHelpers", throwOnError: true)!;

        [Fact]
        public void ProcNetRouteGivesTheGatewayToDotNetsParser()
        {
            WithNetwork();
            try
            {
                string route = ReadSynthetic("/proc/net/route");
                Assert.Equal("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
                             "eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
                             "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n", route);
                var list = new List<System.Net.NetworkInformation.GatewayIPAddressInformation>();
                Helpers.GetMethod("ParseIPv4GatewayAddressesFromRouteFile", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
                    .Invoke(null, new object[] { list, route.Split('\n'), "eth0" });
                Assert.Equal("10.0.2.2", Assert.Single(list).Address.ToString());
                list.Clear();
                Helpers.GetMethod("ParseIPv4GatewayAddressesFromRouteFile", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
                    .Invoke(null, new object[] { list, route.Split('\n'), "lo" });
                Assert.Empty(list);
                Assert.Equal("0"+"\n", ReadSynthetic("/proc/sys/net/ipv4/ip_forward"));
                Assert.Equal("0"+"\n", ReadSynthetic("/proc/sys/net/ipv4/conf/eth0/forwarding"));
            }
            finally { SocketPal.Uninstall(); }
        }

        [Fact]
        public void ResolvConfAndLeasesGiveDnsAndDhcpServersToDotNetsParsers()
        {
            var pal = WithNetwork();
            try
            {
                pal.SearchDomain = "cosmos.test";
                string resolv = ReadSynthetic("/etc/resolv.conf");
                Assert.Contains("nameserver 10.0.2.3\nnameserver 8.8.8.8\n", resolv);
                var dns = (IEnumerable<System.Net.IPAddress>)Helpers.GetMethod("ParseDnsAddressesFromResolvConfFile", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
                    .Invoke(null, new object[] { resolv })!;
                Assert.Equal(new[] { "10.0.2.3", "8.8.8.8" }, System.Linq.Enumerable.Select(dns, a => a.ToString()));
                Assert.Equal("cosmos.test", Helpers.GetMethod("ParseDnsSuffixFromResolvConfFile", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!.Invoke(null, new object[] { resolv }));

                string leases = ReadSynthetic("/var/lib/dhcp/dhclient.leases");
                string temp = System.IO.Path.GetTempFileName();
                try
                {
                    System.IO.File.WriteAllText(temp, leases);
                    var servers = new List<System.Net.IPAddress>();
                    Helpers.GetMethod("ParseDhcpServerAddressesFromLeasesFile", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
                        .Invoke(null, new object[] { servers, temp, "eth0" });
                    Assert.Equal("10.0.2.2", Assert.Single(servers).ToString());
                }
                finally { System.IO.File.Delete(temp); }

                // A pal that cannot say leaves /etc/resolv.conf absent (.NET then reports no DNS servers), never made-up servers.
                pal.NameServers = null;
                byte[] p = System.Text.Encoding.UTF8.GetBytes("/etc/resolv.conf\0");
                fixed (byte* pp = p)
                {
                    Assert.False(SyntheticFiles.IsDescriptor((long)SystemNative.Open(pp, FileSystemPal.O_RDONLY, 0)));
                }
                // and with no network at all, none of the files exists
                SocketPal.Uninstall();
                fixed (byte* pp = System.Text.Encoding.UTF8.GetBytes("/proc/net/route\0"))
                    Assert.False(SyntheticFiles.IsDescriptor((long)SystemNative.Open(pp, FileSystemPal.O_RDONLY, 0)));
            }
            finally { SocketPal.Uninstall(); }
        }

        [Fact]
        public void SyntheticFilesAreFoundUnderTheCosmosSpellingOfTheirPaths()
        {
            Assert.Equal("/etc/resolv.conf", SyntheticFiles.UnixPath("0:\\etc\\resolv.conf"));
            Assert.Equal("/proc/net/route", SyntheticFiles.UnixPath("12:\\proc\\net\\route"));
            Assert.Equal("/etc/resolv.conf", SyntheticFiles.UnixPath("/etc/resolv.conf"));
            Assert.Null(SyntheticFiles.UnixPath("etc\\resolv.conf"));
            Assert.Null(SyntheticFiles.UnixPath("0:etc"));
            WithNetwork();
            try { Assert.Equal(ReadSynthetic("/proc/net/route"), ReadSynthetic("0:\\proc\\net\\route")); }
            finally { SocketPal.Uninstall(); }
        }

        [Fact]
        public void SyntheticFilesAreReadOnly()
        {
            WithNetwork();
            try
            {
                fixed (byte* pp = System.Text.Encoding.UTF8.GetBytes("/etc/resolv.conf\0"))
                {
                    Assert.Equal(-1, (long)SystemNative.Open(pp, FileSystemPal.O_WRONLY, 0));
                    Assert.Equal(Errno.EROFS, SystemNative.GetErrNoForTests());
                    Assert.Equal(0, SystemNative.Access(pp, FileSystemPal.R_OK));
                    Assert.Equal(-1, SystemNative.Access(pp, FileSystemPal.W_OK));
                }
            }
            finally { SocketPal.Uninstall(); }
        }
    }
}
