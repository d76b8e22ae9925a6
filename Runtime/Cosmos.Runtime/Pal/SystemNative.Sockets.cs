using System;
using System.Collections.Generic;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace Cosmos.Runtime
{
    /// <summary>Interop.Sys.IPAddress (System.Native's IPAddress): an IPv4 or IPv6 address in network order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct PalIPAddress
    {
        /// <summary>The address octets as on the wire (IPv4 in the first 4).</summary>
        public fixed byte Address[16];
        /// <summary>Non-zero for IPv6.</summary>
        public uint IsIPv6;
        /// <summary>IPv6 scope id.</summary>
        public uint ScopeId;
    }

    /// <summary>Interop.Sys.HostEntry: the result of GetHostEntryForName (blocks from malloc, freed by FreeHostEntry).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct HostEntry
    {
        /// <summary>NUL-terminated UTF-8 canonical name, or null.</summary>
        public byte* CanonicalName;
        /// <summary>Null-terminated array of aliases (always null here).</summary>
        public byte** Aliases;
        /// <summary>The addresses.</summary>
        public PalIPAddress* IPAddressList;
        /// <summary>How many addresses <see cref="IPAddressList"/> holds.</summary>
        public int IPAddressCount;
    }

    /// <summary>Interop.Sys.MessageHeader (struct msghdr in PAL form): sendmsg/recvmsg arguments.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct MessageHeader
    {
        /// <summary>A sockaddr buffer: the destination (send) or the sender (receive); may be null.</summary>
        public byte* SocketAddress;
        /// <summary>The data buffers.</summary>
        public IOVector* IOVectors;
        /// <summary>Ancillary data (cmsghdr records, Linux layout).</summary>
        public byte* ControlBuffer;
        /// <summary>Size of <see cref="SocketAddress"/>; on receive, set to the length written.</summary>
        public int SocketAddressLen;
        /// <summary>Number of <see cref="IOVectors"/>.</summary>
        public int IOVectorCount;
        /// <summary>Size of <see cref="ControlBuffer"/>; on receive, set to the length written.</summary>
        public int ControlBufferLen;
        /// <summary>On receive: result flags (<see cref="SocketMessageFlags"/>).</summary>
        public int Flags;
    }

    /// <summary>Interop.Sys.IPPacketInformation: destination address and interface of a received datagram.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IPPacketInformation
    {
        /// <summary>The datagram's destination address.</summary>
        public PalIPAddress Address;
        /// <summary>The interface it arrived on.</summary>
        public int InterfaceIndex;
        /// <summary>Padding.</summary>
        public int Padding;
    }

    /// <summary>Interop.Sys.IPv4MulticastOption (ip_mreqn in PAL form); addresses in network order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IPv4MulticastOption
    {
        /// <summary>The group (network order).</summary>
        public uint MulticastAddress;
        /// <summary>The local interface address (network order), 0 = any.</summary>
        public uint LocalAddress;
        /// <summary>The interface index, 0 = any.</summary>
        public int InterfaceIndex;
        /// <summary>Padding.</summary>
        public int Padding;
    }

    /// <summary>Interop.Sys.IPv6MulticastOption.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IPv6MulticastOption
    {
        /// <summary>The group.</summary>
        public PalIPAddress Address;
        /// <summary>The interface index.</summary>
        public int InterfaceIndex;
        /// <summary>Padding.</summary>
        public int Padding;
    }

    /// <summary>Interop.Sys.LingerOption (struct linger).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LingerOption
    {
        /// <summary>Non-zero: linger on close.</summary>
        public int OnOff;
        /// <summary>Seconds to linger.</summary>
        public int Seconds;
    }

    /// <summary>Interop.PollEvent (struct pollfd in PAL form).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollEvent
    {
        /// <summary>The descriptor.</summary>
        public int FileDescriptor;
        /// <summary>Requested <see cref="PollFlags"/>.</summary>
        public PollFlags Events;
        /// <summary>Returned <see cref="PollFlags"/>.</summary>
        public PollFlags TriggeredEvents;
    }

    /// <summary>Interop.Sys.IpAddressInfo: one address of an interface (EnumerateInterfaceAddresses, GetNetworkInterfaces).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct IpAddressInfo
    {
        /// <summary>The interface index.</summary>
        public int InterfaceIndex;
        /// <summary>Address octets in network order.</summary>
        public fixed byte AddressBytes[16];
        /// <summary>4 for IPv4.</summary>
        public byte NumAddressBytes;
        /// <summary>Netmask prefix length.</summary>
        public byte PrefixLength;
        /// <summary>Padding.</summary>
        public fixed byte Padding[2];
    }

    /// <summary>Interop.Sys.LinkLayerAddressInfo: an interface's hardware address.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct LinkLayerAddressInfo
    {
        /// <summary>The interface index.</summary>
        public int InterfaceIndex;
        /// <summary>The address octets.</summary>
        public fixed byte AddressBytes[8];
        /// <summary>How many of <see cref="AddressBytes"/> are used (6 for Ethernet).</summary>
        public byte NumAddressBytes;
        /// <summary>Padding.</summary>
        public byte Padding;
        /// <summary>NetworkInterfaceType value (6 Ethernet, 24 loopback).</summary>
        public ushort HardwareType;
    }

    /// <summary>Interop.Sys.NetworkInterfaceInfo: one interface of GetNetworkInterfaces.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct NetworkInterfaceInfo
    {
        /// <summary>NUL-terminated ASCII name.</summary>
        public fixed byte Name[16];
        /// <summary>Link speed in bits per second, −1 when unknown.</summary>
        public long Speed;
        /// <summary>The interface index.</summary>
        public int InterfaceIndex;
        /// <summary>MTU.</summary>
        public int Mtu;
        /// <summary>NetworkInterfaceType value (6 Ethernet, 24 loopback).</summary>
        public ushort HardwareType;
        /// <summary>OperationalStatus value (1 up, 2 down).</summary>
        public byte OperationalState;
        /// <summary>How many of <see cref="AddressBytes"/> are used.</summary>
        public byte NumAddressBytes;
        /// <summary>Hardware address.</summary>
        public fixed byte AddressBytes[8];
        /// <summary>1 when the interface supports multicast.</summary>
        public byte SupportsMulticast;
        /// <summary>Padding.</summary>
        public fixed byte Padding[3];
    }

    // The socket, name-resolution and interface exports of libSystem.Native (pal_networking.c, pal_interfaceaddresses.c,
    // pal_io.c's poll/fcntl) for System.Net.*: argument decoding only; the semantics live in the installed SocketPal.
    // Most of these imports return an Interop.Error (PAL code, 0 = success), not −1 with errno: see PalError.
    public static unsafe partial class SystemNative
    {
        // ---- constants of the native side (Linux x86-64 ABI) ----

        /// <summary>Linux sa_family values in a sockaddr: AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6, AF_PACKET, AF_CAN.</summary>
        public const int LinuxAfUnspec = 0, LinuxAfUnix = 1, LinuxAfInet = 2, LinuxAfInet6 = 10, LinuxAfPacket = 17, LinuxAfCan = 29;
        /// <summary>sizeof(sockaddr_in), sizeof(sockaddr_in6), sizeof(sockaddr_un), sizeof(sockaddr_storage) on Linux.</summary>
        public const int SockaddrInSize = 16, SockaddrIn6Size = 28, SockaddrUnSize = 110, SockaddrStorageSize = 128;
        /// <summary>offsetof(sockaddr_un, sun_path) and sizeof(sun_path).</summary>
        public const int SockaddrUnPathOffset = 2, SockaddrUnPathSize = 108;
        /// <summary>PAL AddressFamily values (System.Net.Sockets.AddressFamily): Unknown, Unspecified, Unix, InterNetwork, InterNetworkV6, Packet, ControllerAreaNetwork.</summary>
        public const int PalAfUnknown = -1, PalAfUnspec = 0, PalAfUnix = 1, PalAfInet = 2, PalAfInet6 = 23, PalAfPacket = 65536, PalAfCan = 65537;
        /// <summary>PAL SocketOptionLevel values: SOL_SOCKET, IP, IPv6, TCP, UDP.</summary>
        public const int PalSolSocket = 0xFFFF, PalSolIP = 0, PalSolIPv6 = 41, PalSolTcp = 6, PalSolUdp = 17;
        /// <summary>PAL SocketOptionName values with special handling: SO_LINGER, SO_EXCLUSIVEADDRUSE (~SO_REUSEADDR), IP_MULTICAST_IF, IP_ADD/DROP_MEMBERSHIP.</summary>
        public const int PalSoLinger = 0x80, PalSoExclusiveAddressUse = ~0x4, PalIpMulticastInterface = 9, PalIpAddMembership = 12, PalIpDropMembership = 13;
        /// <summary>Every PAL SocketFlags bit the PAL accepts (OOB, PEEK, DONTROUTE, TRUNC, CTRUNC, DONTWAIT, ERRQUEUE).</summary>
        public const int PalSupportedMessageFlags = 0x1 | 0x2 | 0x4 | 0x100 | 0x200 | 0x1000 | 0x2000;
        /// <summary>Every SocketEvents bit (Read, Write, ReadClose, Close, Error).</summary>
        public const int PalSupportedSocketEvents = 0x1F;
        /// <summary>PAL MulticastOption values.</summary>
        public const int PalMulticastAdd = 0, PalMulticastDrop = 1, PalMulticastInterface = 2;
        /// <summary>PAL GetNameInfoFlags values.</summary>
        public const int PalNiNameRequired = 1, PalNiNumericHost = 2;
        /// <summary>Linux cmsg for IP_PKTINFO: level IPPROTO_IP, type IP_PKTINFO, CMSG_LEN(sizeof in_pktinfo), CMSG_SPACE; the same for in6_pktinfo.</summary>
        public const int CmsgLevelIP = 0, CmsgTypePktInfo = 8, CmsgPktInfoLen = 28, CmsgPktInfoSpace = 32, CmsgPktInfo6Space = 40;
        /// <summary>FileStatus mode of a socket (S_IFSOCK | 0777).</summary>
        public const int S_IFSOCK = 0xC000;
        /// <summary>NetworkInterfaceType.Ethernet, .Loopback; OperationalStatus.Up, .Down.</summary>
        public const int InterfaceTypeEthernet = 6, InterfaceTypeLoopback = 24, OperationalUp = 1, OperationalDown = 2;

        private static SocketPal Net => SocketPal.Current;

        /// <summary>The Interop.Error code of Linux errno <paramref name="errno"/> (0 stays 0).</summary>
        public static int PalError(int errno) => Errno.PlatformToPal(errno);

        /// <summary>A SocketPal result (≥ 0 or −errno) as an Interop.Error code.</summary>
        private static int PalResult(long r) => r >= 0 ? 0 : Errno.PlatformToPal((int)-r);

        /// <summary>No socket exists without a pal: EBADF for any descriptor.</summary>
        private static int NoSocket => Errno.PlatformToPal(Errno.EBADF);

        private static long SocketOf(IntPtr socket) => (long)socket;

        // ---- sockaddr decoding ----

        private static ushort Family(byte* sa) => (ushort)(sa[0] | sa[1] << 8);
        private static ushort BigEndian16(byte* p) => (ushort)(p[0] << 8 | p[1]);
        private static uint BigEndian32(byte* p) => (uint)(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]);
        private static uint ToNetworkOrder(uint hostOrder) => BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(hostOrder) : hostOrder;

        /// <summary>
        /// Decodes a sockaddr for a socket operation: sockaddr_in, or a sockaddr_in6 holding an IPv4-mapped address
        /// (::ffff:a.b.c.d, what a dual-mode socket passes for an IPv4 peer). Returns 0 or a Linux errno: EFAULT (null,
        /// shorter than sa_family), EINVAL (shorter than its family's size), EAFNOSUPPORT (AF_UNIX, a real IPv6 address, others).
        /// </summary>
        public static int DecodeEndPoint(byte* sa, int length, out IPv4EndPoint endPoint)
        {
            endPoint = default;
            if (sa == null || length < 2) return Errno.EFAULT;
            switch (Family(sa))
            {
                case LinuxAfInet:
                    if (length < SockaddrInSize) return Errno.EINVAL;
                    endPoint = new IPv4EndPoint(BigEndian32(sa + 4), BigEndian16(sa + 2));
                    return 0;
                case LinuxAfInet6:
                    if (length < SockaddrIn6Size) return Errno.EINVAL;
                    byte* a = sa + 8;
                    for (int i = 0; i < 10; i++) if (a[i] != 0) return Errno.EAFNOSUPPORT;
                    if (a[10] != 0xFF || a[11] != 0xFF) return Errno.EAFNOSUPPORT;
                    endPoint = new IPv4EndPoint(BigEndian32(a + 12), BigEndian16(sa + 2));
                    return 0;
                default:
                    return Errno.EAFNOSUPPORT;
            }
        }

        /// <summary>
        /// Writes <paramref name="endPoint"/> as a sockaddr_in into <paramref name="sa"/> (at most *<paramref name="length"/>
        /// bytes, truncated as getsockname(2) does) and sets *<paramref name="length"/> to the bytes written.
        /// </summary>
        public static void EncodeEndPoint(IPv4EndPoint endPoint, byte* sa, int* length)
        {
            byte* tmp = stackalloc byte[SockaddrInSize];
            for (int i = 0; i < SockaddrInSize; i++) tmp[i] = 0;
            tmp[0] = LinuxAfInet;
            tmp[2] = (byte)(endPoint.Port >> 8); tmp[3] = (byte)endPoint.Port;
            tmp[4] = (byte)(endPoint.Address >> 24); tmp[5] = (byte)(endPoint.Address >> 16);
            tmp[6] = (byte)(endPoint.Address >> 8); tmp[7] = (byte)endPoint.Address;
            int n = *length < SockaddrInSize ? *length : SockaddrInSize;
            if (n < 0) n = 0;
            for (int i = 0; i < n; i++) sa[i] = tmp[i];
            *length = n;
        }

        // ---- socket address buffers (pure; the managed SocketAddress is a Linux sockaddr) ----

        /// <summary>Sizes of sockaddr_in, sockaddr_in6, sockaddr_un and sockaddr_storage (Linux: 16, 28, 110, 128).</summary>
        [RuntimeExport("SystemNative_GetSocketAddressSizes")]
        public static int GetSocketAddressSizes(int* ipv4SocketAddressSize, int* ipv6SocketAddressSize, int* udsSocketAddressSize, int* maxSocketAddressSize)
        {
            if (ipv4SocketAddressSize == null || ipv6SocketAddressSize == null || udsSocketAddressSize == null || maxSocketAddressSize == null)
                return PalError(Errno.EFAULT);
            *ipv4SocketAddressSize = SockaddrInSize;
            *ipv6SocketAddressSize = SockaddrIn6Size;
            *udsSocketAddressSize = SockaddrUnSize;
            *maxSocketAddressSize = SockaddrStorageSize;
            return 0;
        }

        /// <summary>sizeof(sockaddr_storage).</summary>
        [RuntimeExport("SystemNative_GetMaximumAddressSize")]
        public static int GetMaximumAddressSize() => SockaddrStorageSize;

        /// <summary>sockaddr_un's path offset and size and its total size (UnixDomainSocketEndPoint lays out addresses with them; AF_UNIX sockets themselves fail with EAFNOSUPPORT).</summary>
        [RuntimeExport("SystemNative_GetDomainSocketSizes")]
        public static void GetDomainSocketSizes(int* pathOffset, int* pathSize, int* addressSize)
        {
            *pathOffset = SockaddrUnPathOffset;
            *pathSize = SockaddrUnPathSize;
            *addressSize = SockaddrUnSize;
        }

        private static bool HasFamily(byte* sa, int length) => sa != null && length >= 2;

        private static int LinuxToPalFamily(int linux) => linux switch
        {
            LinuxAfUnspec => PalAfUnspec,
            LinuxAfUnix => PalAfUnix,
            LinuxAfInet => PalAfInet,
            LinuxAfInet6 => PalAfInet6,
            LinuxAfPacket => PalAfPacket,
            LinuxAfCan => PalAfCan,
            _ => PalAfUnknown,
        };

        private static int PalToLinuxFamily(int pal) => pal switch
        {
            PalAfUnspec => LinuxAfUnspec,
            PalAfUnix => LinuxAfUnix,
            PalAfInet => LinuxAfInet,
            PalAfInet6 => LinuxAfInet6,
            PalAfPacket => LinuxAfPacket,
            PalAfCan => LinuxAfCan,
            _ => -1,
        };

        /// <summary>The PAL AddressFamily of a sockaddr (AF_UNKNOWN, −1, for a family without one).</summary>
        [RuntimeExport("SystemNative_GetAddressFamily")]
        public static int GetAddressFamily(byte* socketAddress, int socketAddressLen, int* addressFamily)
        {
            if (addressFamily == null || !HasFamily(socketAddress, socketAddressLen)) return PalError(Errno.EFAULT);
            *addressFamily = LinuxToPalFamily(Family(socketAddress));
            return 0;
        }

        /// <summary>Sets a sockaddr's family from a PAL AddressFamily (EAFNOSUPPORT for one Linux has no number for).</summary>
        [RuntimeExport("SystemNative_SetAddressFamily")]
        public static int SetAddressFamily(byte* socketAddress, int socketAddressLen, int addressFamily)
        {
            if (!HasFamily(socketAddress, socketAddressLen)) return PalError(Errno.EFAULT);
            int linux = PalToLinuxFamily(addressFamily);
            if (linux < 0) return PalError(Errno.EAFNOSUPPORT);
            socketAddress[0] = (byte)linux;
            socketAddress[1] = (byte)(linux >> 8);
            return 0;
        }

        private static int RequiredSize(byte* sa) => Family(sa) == LinuxAfInet ? SockaddrInSize : Family(sa) == LinuxAfInet6 ? SockaddrIn6Size : -1;

        /// <summary>The port of a sockaddr_in/in6 (host order).</summary>
        [RuntimeExport("SystemNative_GetPort")]
        public static int GetPort(byte* socketAddress, int socketAddressLen, ushort* port)
        {
            if (!HasFamily(socketAddress, socketAddressLen)) return PalError(Errno.EFAULT);
            int need = RequiredSize(socketAddress);
            if (need < 0) return PalError(Errno.EAFNOSUPPORT);
            if (socketAddressLen < need) return PalError(Errno.EFAULT);
            *port = BigEndian16(socketAddress + 2);
            return 0;
        }

        /// <summary>Sets the port of a sockaddr_in/in6 (host order in, network order stored).</summary>
        [RuntimeExport("SystemNative_SetPort")]
        public static int SetPort(byte* socketAddress, int socketAddressLen, ushort port)
        {
            if (!HasFamily(socketAddress, socketAddressLen)) return PalError(Errno.EFAULT);
            int need = RequiredSize(socketAddress);
            if (need < 0) return PalError(Errno.EAFNOSUPPORT);
            if (socketAddressLen < need) return PalError(Errno.EFAULT);
            socketAddress[2] = (byte)(port >> 8);
            socketAddress[3] = (byte)port;
            return 0;
        }

        /// <summary>sin_addr of a sockaddr_in as stored (network order: a.b.c.d is the little-endian uint d&lt;&lt;24|c&lt;&lt;16|b&lt;&lt;8|a).</summary>
        [RuntimeExport("SystemNative_GetIPv4Address")]
        public static int GetIPv4Address(byte* socketAddress, int socketAddressLen, uint* address)
        {
            if (address == null || socketAddress == null || socketAddressLen < SockaddrInSize) return PalError(Errno.EFAULT);
            if (Family(socketAddress) != LinuxAfInet) return PalError(Errno.EINVAL);
            *address = *(uint*)(socketAddress + 4);
            return 0;
        }

        /// <summary>Stores sin_addr (network order, as GetIPv4Address returns it) in a sockaddr_in.</summary>
        [RuntimeExport("SystemNative_SetIPv4Address")]
        public static int SetIPv4Address(byte* socketAddress, int socketAddressLen, uint address)
        {
            if (socketAddress == null || socketAddressLen < SockaddrInSize) return PalError(Errno.EFAULT);
            if (Family(socketAddress) != LinuxAfInet) return PalError(Errno.EINVAL);
            *(uint*)(socketAddress + 4) = address;
            return 0;
        }

        /// <summary>sin6_addr (16 octets) and sin6_scope_id of a sockaddr_in6 (buffer work only: IPv6 sockets do not exist).</summary>
        [RuntimeExport("SystemNative_GetIPv6Address")]
        public static int GetIPv6Address(byte* socketAddress, int socketAddressLen, byte* address, int addressLen, uint* scopeId)
        {
            if (socketAddress == null || address == null || scopeId == null || socketAddressLen < SockaddrIn6Size || addressLen < 16)
                return PalError(Errno.EFAULT);
            if (Family(socketAddress) != LinuxAfInet6) return PalError(Errno.EINVAL);
            for (int i = 0; i < 16; i++) address[i] = socketAddress[8 + i];
            *scopeId = *(uint*)(socketAddress + 24);
            return 0;
        }

        /// <summary>Stores sin6_addr and sin6_scope_id (flow info cleared) in a sockaddr_in6.</summary>
        [RuntimeExport("SystemNative_SetIPv6Address")]
        public static int SetIPv6Address(byte* socketAddress, int socketAddressLen, byte* address, int addressLen, uint scopeId)
        {
            if (socketAddress == null || address == null || socketAddressLen < SockaddrIn6Size || addressLen < 16)
                return PalError(Errno.EFAULT);
            if (Family(socketAddress) != LinuxAfInet6) return PalError(Errno.EINVAL);
            *(uint*)(socketAddress + 4) = 0;
            for (int i = 0; i < 16; i++) socketAddress[8 + i] = address[i];
            *(uint*)(socketAddress + 24) = scopeId;
            return 0;
        }

        // ---- control messages ----

        /// <summary>CMSG_SPACE of in_pktinfo (32) and/or in6_pktinfo (40), as Linux sizes them.</summary>
        [RuntimeExport("SystemNative_GetControlMessageBufferSize")]
        public static int GetControlMessageBufferSize(int isIPv4, int isIPv6) =>
            (isIPv4 != 0 ? CmsgPktInfoSpace : 0) + (isIPv6 != 0 ? CmsgPktInfo6Space : 0);

        /// <summary>
        /// Finds the IP_PKTINFO record ReceiveMessage wrote into the control buffer (Linux cmsghdr layout: u64 length,
        /// i32 level, i32 type, then in_pktinfo {ifindex, spec_dst, addr}). 1 when found; 0 otherwise, and always 0
        /// for IPv6 (no IPv6 socket exists to produce one).
        /// </summary>
        [RuntimeExport("SystemNative_TryGetIPPacketInformation")]
        public static int TryGetIPPacketInformation(MessageHeader* messageHeader, int isIPv4, IPPacketInformation* packetInfo)
        {
            if (messageHeader == null || packetInfo == null || isIPv4 == 0) return 0;
            byte* c = messageHeader->ControlBuffer;
            int len = messageHeader->ControlBufferLen, at = 0;
            while (c != null && at + 16 <= len)
            {
                long recordLength = *(long*)(c + at);
                if (recordLength < 16 || at + recordLength > len) return 0;
                if (*(int*)(c + at + 8) == CmsgLevelIP && *(int*)(c + at + 12) == CmsgTypePktInfo && recordLength >= CmsgPktInfoLen)
                {
                    *packetInfo = default;
                    byte* info = c + at + 16;
                    for (int i = 0; i < 4; i++) packetInfo->Address.Address[i] = info[8 + i];
                    packetInfo->InterfaceIndex = *(int*)info;
                    return 1;
                }
                at += (int)((recordLength + 7) & ~7L);
            }
            return 0;
        }

        /// <summary>Writes an IP_PKTINFO record (Linux layout) for <paramref name="info"/>; returns the bytes used, or −1 when it does not fit.</summary>
        public static int WritePacketInformation(byte* buffer, int length, in SocketReceiveInfo info)
        {
            if (buffer == null || length < CmsgPktInfoSpace) return -1;
            for (int i = 0; i < CmsgPktInfoSpace; i++) buffer[i] = 0;
            *(long*)buffer = CmsgPktInfoLen;
            *(int*)(buffer + 8) = CmsgLevelIP;
            *(int*)(buffer + 12) = CmsgTypePktInfo;
            *(int*)(buffer + 16) = info.InterfaceIndex;
            byte* addr = buffer + 24;
            addr[0] = (byte)(info.LocalAddress >> 24); addr[1] = (byte)(info.LocalAddress >> 16);
            addr[2] = (byte)(info.LocalAddress >> 8); addr[3] = (byte)info.LocalAddress;
            for (int i = 0; i < 4; i++) buffer[20 + i] = addr[i]; // spec_dst: the local address as well
            return CmsgPktInfoSpace;
        }

        /// <summary>0: IPv4 packet information is never reported on dual-mode (IPv6) sockets, which do not exist here.</summary>
        [RuntimeExport("SystemNative_PlatformSupportsDualModeIPv4PacketInfo")]
        public static int PlatformSupportsDualModeIPv4PacketInfo() => 0;

        // ---- socket lifecycle ----

        /// <summary>
        /// socket(2). AF_INET6 and AF_UNIX (and anything but AF_INET) fail with EAFNOSUPPORT, so .NET's OSSupportsIPv6 is
        /// false and its dual-mode constructors create IPv4 sockets; an unknown socket type with EPROTOTYPE, an unknown
        /// protocol with EPROTONOSUPPORT; without a pal AF_INET fails with ENETDOWN (OSSupportsIPv4 stays true).
        /// </summary>
        [RuntimeExport("SystemNative_Socket")]
        public static int Socket(int addressFamily, int socketType, int protocolType, IntPtr* createdSocket)
        {
            if (createdSocket == null) return PalError(Errno.EFAULT);
            *createdSocket = (IntPtr)(-1);
            if (addressFamily != PalAfInet) return PalError(Errno.EAFNOSUPPORT);
            if (socketType < (int)SocketKind.Stream || socketType > (int)SocketKind.SequencedPacket) return PalError(Errno.EPROTOTYPE);
            if (protocolType != 0 && protocolType != 1 && protocolType != 2 && protocolType != 6 && protocolType != 17 && protocolType != 255)
                return PalError(Errno.EPROTONOSUPPORT);
            if (Net == null) return PalError(Errno.ENETDOWN);
            long s = Net.Socket((SocketKind)socketType, (SocketProtocol)protocolType);
            if (s < 0) return PalError((int)-s);
            *createdSocket = (IntPtr)s;
            return 0;
        }

        /// <summary>bind(2). For TCP, address reuse is switched on first (ignoring failure), as System.Native does to give Windows' bind-during-TIME_WAIT.</summary>
        [RuntimeExport("SystemNative_Bind")]
        public static int Bind(IntPtr socket, int socketProtocolType, byte* socketAddress, int socketAddressLen)
        {
            if (socketAddress == null || socketAddressLen < 0) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int e = DecodeEndPoint(socketAddress, socketAddressLen, out IPv4EndPoint local);
            if (e != 0) return PalError(e);
            if (socketProtocolType == (int)SocketProtocol.Tcp) Net.SetOption(SocketOf(socket), SocketOption.ReuseAddress, 1);
            return PalResult(Net.Bind(SocketOf(socket), local));
        }

        /// <summary>connect(2); an AF_UNSPEC address dissolves the association (<see cref="SocketPal.Disconnect"/>), as on Linux.</summary>
        [RuntimeExport("SystemNative_Connect")]
        public static int Connect(IntPtr socket, byte* socketAddress, int socketAddressLen)
        {
            if (socketAddress == null || socketAddressLen < 0) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            if (socketAddressLen >= 2 && Family(socketAddress) == LinuxAfUnspec) return PalResult(Net.Disconnect(SocketOf(socket)));
            int e = DecodeEndPoint(socketAddress, socketAddressLen, out IPv4EndPoint remote);
            if (e != 0) return PalError(e);
            return PalResult(Net.Connect(SocketOf(socket), remote));
        }

        /// <summary>connectx (macOS; Linux's shim connects and sends nothing): a connect; *<paramref name="sent"/> = 0, the caller sends the data afterwards.</summary>
        [RuntimeExport("SystemNative_Connectx")]
        public static int Connectx(IntPtr socket, byte* socketAddress, int socketAddressLen, byte* buffer, int bufferLen, int enableTfo, int* sent)
        {
            if (sent == null) return PalError(Errno.EFAULT);
            *sent = 0;
            return Connect(socket, socketAddress, socketAddressLen);
        }

        /// <summary>Socket.Disconnect: Linux's connect(AF_UNSPEC) (abortive for TCP).</summary>
        [RuntimeExport("SystemNative_Disconnect")]
        public static int Disconnect(IntPtr socket) => Net == null ? NoSocket : PalResult(Net.Disconnect(SocketOf(socket)));

        /// <summary>listen(2).</summary>
        [RuntimeExport("SystemNative_Listen")]
        public static int Listen(IntPtr socket, int backlog) => Net == null ? NoSocket : PalResult(Net.Listen(SocketOf(socket), backlog));

        /// <summary>accept(2): the new socket is blocking, as with Linux's accept4 without SOCK_NONBLOCK.</summary>
        [RuntimeExport("SystemNative_Accept")]
        public static int Accept(IntPtr socket, byte* socketAddress, int* socketAddressLen, IntPtr* acceptedFd)
        {
            if (socketAddress == null || socketAddressLen == null || acceptedFd == null || *socketAddressLen < 0) return PalError(Errno.EFAULT);
            *acceptedFd = (IntPtr)(-1);
            if (Net == null) return NoSocket;
            long s = Net.Accept(SocketOf(socket), out IPv4EndPoint remote);
            if (s < 0) return PalError((int)-s);
            EncodeEndPoint(remote, socketAddress, socketAddressLen);
            *acceptedFd = (IntPtr)s;
            return 0;
        }

        /// <summary>shutdown(2) with System.Net.Sockets.SocketShutdown values (EINVAL for another).</summary>
        [RuntimeExport("SystemNative_Shutdown")]
        public static int Shutdown(IntPtr socket, int how)
        {
            if (how < 0 || how > 2) return PalError(Errno.EINVAL);
            return Net == null ? NoSocket : PalResult(Net.Shutdown(SocketOf(socket), (SocketShutdownHow)how));
        }

        /// <summary>getpeername(2).</summary>
        [RuntimeExport("SystemNative_GetPeerName")]
        public static int GetPeerName(IntPtr socket, byte* socketAddress, int* socketAddressLen)
        {
            if (socketAddress == null || socketAddressLen == null || *socketAddressLen < 0) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int r = Net.GetRemoteEndPoint(SocketOf(socket), out IPv4EndPoint ep);
            if (r < 0) return PalError(-r);
            EncodeEndPoint(ep, socketAddress, socketAddressLen);
            return 0;
        }

        /// <summary>getsockname(2).</summary>
        [RuntimeExport("SystemNative_GetSockName")]
        public static int GetSockName(IntPtr socket, byte* socketAddress, int* socketAddressLen)
        {
            if (socketAddress == null || socketAddressLen == null || *socketAddressLen < 0) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int r = Net.GetLocalEndPoint(SocketOf(socket), out IPv4EndPoint ep);
            if (r < 0) return PalError(-r);
            EncodeEndPoint(ep, socketAddress, socketAddressLen);
            return 0;
        }

        /// <summary>Family (always InterNetwork), type, protocol and listening state of a socket (Socket(SafeSocketHandle) uses it).</summary>
        [RuntimeExport("SystemNative_GetSocketType")]
        public static int GetSocketType(IntPtr socket, int* addressFamily, int* socketType, int* protocolType, int* isListening)
        {
            if (addressFamily == null || socketType == null || protocolType == null || isListening == null) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int r = Net.GetSocketType(SocketOf(socket), out SocketKind kind, out SocketProtocol protocol, out bool listening);
            if (r < 0) return PalError(-r);
            *addressFamily = PalAfInet;
            *socketType = (int)kind;
            *protocolType = (int)protocol;
            *isListening = listening ? 1 : 0;
            return 0;
        }

        /// <summary>SO_ERROR as an Interop.Error code (the pending error is cleared).</summary>
        [RuntimeExport("SystemNative_GetSocketErrorOption")]
        public static int GetSocketErrorOption(IntPtr socket, int* socketError)
        {
            if (socketError == null) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int r = Net.GetOption(SocketOf(socket), SocketOption.Error, out int value);
            if (r < 0) return PalError(-r);
            *socketError = PalError(value);
            return 0;
        }

        // ---- options ----

        /// <summary>The <see cref="SocketOption"/> of a PAL (level, name) pair, or false.</summary>
        public static bool TryDecodeOption(int level, int name, out SocketOption option)
        {
            foreach (var row in SocketTables.SocketOptionTable)
                if (row.Level == level && row.Name == name) { option = row.Option; return true; }
            option = default;
            return false;
        }

        /// <summary>
        /// getsockopt(2) with PAL level and name. Integer options write an int (or one byte when *optionLen &lt; 4);
        /// SO_LINGER writes struct linger; SO_EXCLUSIVEADDRUSE is the inverse of SO_REUSEADDR; SO_ERROR is a Linux errno.
        /// IPv6 and UDP options fail with ENOPROTOOPT (there are only IPv4 sockets and no UDP options), unknown pairs with ENOTSUP.
        /// </summary>
        [RuntimeExport("SystemNative_GetSockOpt")]
        public static int GetSockOpt(IntPtr socket, int optionLevel, int optionName, byte* optionValue, int* optionLen)
        {
            if (optionLen == null || *optionLen < 0 || (optionValue == null && *optionLen > 0)) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            long s = SocketOf(socket);
            if (optionLevel == PalSolSocket && optionName == PalSoLinger)
            {
                if (*optionLen < 8) return PalError(Errno.EINVAL);
                int r = Net.GetLinger(s, out bool on, out int seconds);
                if (r < 0) return PalError(-r);
                ((int*)optionValue)[0] = on ? 1 : 0;
                ((int*)optionValue)[1] = seconds;
                *optionLen = 8;
                return 0;
            }
            bool inverse = optionLevel == PalSolSocket && optionName == PalSoExclusiveAddressUse;
            SocketOption option = SocketOption.ReuseAddress;
            if (!inverse)
            {
                if (optionLevel == PalSolIPv6 || optionLevel == PalSolUdp) return PalError(Errno.ENOPROTOOPT);
                if (!TryDecodeOption(optionLevel, optionName, out option)) return PalError(Errno.EOPNOTSUPP);
            }
            int get = Net.GetOption(s, option, out int value);
            if (get < 0) return PalError(-get);
            if (*optionLen == 0) return 0;   // a probe with no buffer (Socket.GetSocketOption with an empty array): nothing copied, as Linux
            if (inverse) value = value == 0 ? 1 : 0;
            if (option == SocketOption.MulticastInterface) value = (int)ToNetworkOrder((uint)value);   // an in_addr
            if (*optionLen >= 4) { *(int*)optionValue = value; *optionLen = 4; }
            else { *optionValue = (byte)value; *optionLen = 1; }
            return 0;
        }

        /// <summary>
        /// setsockopt(2) with PAL level and name: an int (optionLen 4) or a byte (1); SO_LINGER takes struct linger;
        /// SO_EXCLUSIVEADDRUSE (0 or 1) sets the inverse SO_REUSEADDR; IP_ADD/DROP_MEMBERSHIP take ip_mreq or ip_mreqn.
        /// IPv6 and UDP options fail with ENOPROTOOPT, unknown pairs with ENOTSUP, other lengths with EINVAL.
        /// </summary>
        [RuntimeExport("SystemNative_SetSockOpt")]
        public static int SetSockOpt(IntPtr socket, int optionLevel, int optionName, byte* optionValue, int optionLen)
        {
            if (optionLen < 0 || optionValue == null) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            long s = SocketOf(socket);
            if (optionLevel == PalSolSocket && optionName == PalSoLinger)
            {
                if (optionLen < 8) return PalError(Errno.EINVAL);
                var linger = new LingerOption { OnOff = ((int*)optionValue)[0], Seconds = ((int*)optionValue)[1] };
                return SetLingerOption(socket, &linger);
            }
            if (optionLevel == PalSolSocket && optionName == PalSoExclusiveAddressUse)
            {
                if (optionLen != 4) return PalError(Errno.EINVAL);
                int v = *(int*)optionValue;
                if (v != 0 && v != 1) return PalError(Errno.EINVAL);
                return PalResult(Net.SetOption(s, SocketOption.ReuseAddress, v == 0 ? 1 : 0));
            }
            if (optionLevel == PalSolIP && (optionName == PalIpAddMembership || optionName == PalIpDropMembership))
            {
                if (optionLen < 8) return PalError(Errno.EINVAL);
                int index = optionLen >= 12 ? *(int*)(optionValue + 8) : 0;
                return PalResult(Net.SetMulticastMembership(s, optionName == PalIpAddMembership,
                    BigEndian32(optionValue), BigEndian32(optionValue + 4), index));
            }
            if (optionLevel == PalSolIP && optionName == PalIpMulticastInterface)
            {
                // struct in_addr, or ip_mreq / ip_mreqn whose interface address (and index) follow the group.
                if (optionLen == 4) return PalResult(Net.SetMulticastInterface(s, BigEndian32(optionValue), 0));
                if (optionLen < 8) return PalError(Errno.EINVAL);
                return PalResult(Net.SetMulticastInterface(s, BigEndian32(optionValue + 4), optionLen >= 12 ? *(int*)(optionValue + 8) : 0));
            }
            if (optionLevel == PalSolIPv6 || optionLevel == PalSolUdp) return PalError(Errno.ENOPROTOOPT);
            if (!TryDecodeOption(optionLevel, optionName, out SocketOption option)) return PalError(Errno.EOPNOTSUPP);
            int value;
            if (optionLen == 4) value = *(int*)optionValue;
            else if (optionLen == 1) value = *optionValue;
            else return PalError(Errno.EINVAL);
            return PalResult(Net.SetOption(s, option, value));
        }

        /// <summary>getsockopt(2) with Linux's own level and name numbers (Socket.GetRawSocketOption): not supported, ENOPROTOOPT.</summary>
        [RuntimeExport("SystemNative_GetRawSockOpt")]
        public static int GetRawSockOpt(IntPtr socket, int optionLevel, int optionName, byte* optionValue, int* optionLen) =>
            PalError(Errno.ENOPROTOOPT);

        /// <summary>
        /// setsockopt(2) with Linux's own level and name numbers (Socket.SetRawSocketOption): only SOL_IP IP_RECVERR
        /// (0, 11; Ping on Linux turns it on) is accepted, as a no-op: ICMP errors are never queued (ReceiveSocketError
        /// gives EAGAIN). Anything else ENOPROTOOPT.
        /// </summary>
        [RuntimeExport("SystemNative_SetRawSockOpt")]
        public static int SetRawSockOpt(IntPtr socket, int optionLevel, int optionName, byte* optionValue, int optionLen)
        {
            if (optionLevel == 0 && optionName == 11)
            {
                if (Net == null) return NoSocket;
                if (optionValue == null || optionLen < 1) return PalError(Errno.EINVAL);
                return PalResult(Net.GetSocketType(SocketOf(socket), out _, out _, out _));
            }
            return PalError(Errno.ENOPROTOOPT);
        }

        /// <summary>SO_LINGER.</summary>
        [RuntimeExport("SystemNative_GetLingerOption")]
        public static int GetLingerOption(IntPtr socket, LingerOption* option)
        {
            if (option == null) return PalError(Errno.EFAULT);
            if (Net == null) return NoSocket;
            int r = Net.GetLinger(SocketOf(socket), out bool on, out int seconds);
            if (r < 0) return PalError(-r);
            option->OnOff = on ? 1 : 0;
            option->Seconds = seconds;
            return 0;
        }

        /// <summary>SO_LINGER: EINVAL when on with seconds outside 0 … 65535.</summary>
        [RuntimeExport("SystemNative_SetLingerOption")]
        public static int SetLingerOption(IntPtr socket, LingerOption* option)
        {
            if (option == null) return PalError(Errno.EFAULT);
            if (option->OnOff != 0 && (option->Seconds < 0 || option->Seconds > 65535)) return PalError(Errno.EINVAL);
            if (Net == null) return NoSocket;
            return PalResult(Net.SetLinger(SocketOf(socket), option->OnOff != 0, option->Seconds));
        }

        /// <summary>SO_RCVTIMEO in milliseconds (0 = none; negative: EINVAL).</summary>
        [RuntimeExport("SystemNative_SetReceiveTimeout")]
        public static int SetReceiveTimeout(IntPtr socket, int millisecondsTimeout)
        {
            if (millisecondsTimeout < 0) return PalError(Errno.EINVAL);
            return Net == null ? NoSocket : PalResult(Net.SetOption(SocketOf(socket), SocketOption.ReceiveTimeout, millisecondsTimeout));
        }

        /// <summary>SO_SNDTIMEO in milliseconds (0 = none; negative: EINVAL).</summary>
        [RuntimeExport("SystemNative_SetSendTimeout")]
        public static int SetSendTimeout(IntPtr socket, int millisecondsTimeout)
        {
            if (millisecondsTimeout < 0) return PalError(Errno.EINVAL);
            return Net == null ? NoSocket : PalResult(Net.SetOption(SocketOf(socket), SocketOption.SendTimeout, millisecondsTimeout));
        }

        /// <summary>
        /// Reading an IPv4 multicast option back (Socket.GetSocketOption(IP, AddMembership/MulticastInterface)): not
        /// supported, ENOPROTOOPT (Linux cannot read memberships back either).
        /// </summary>
        [RuntimeExport("SystemNative_GetIPv4MulticastOption")]
        public static int GetIPv4MulticastOption(IntPtr socket, int multicastOption, IPv4MulticastOption* option)
        {
            if (option == null) return PalError(Errno.EFAULT);
            if (multicastOption < PalMulticastAdd || multicastOption > PalMulticastInterface) return PalError(Errno.EINVAL);
            return PalError(Errno.ENOPROTOOPT);
        }

        /// <summary>Joins or leaves an IPv4 group (MULTICAST_ADD/DROP), or sets the sending interface (MULTICAST_IF: by local address or, .NET's form for Socket.SetSocketOption(IP, MulticastInterface, index), by interface index).</summary>
        [RuntimeExport("SystemNative_SetIPv4MulticastOption")]
        public static int SetIPv4MulticastOption(IntPtr socket, int multicastOption, IPv4MulticastOption* option)
        {
            if (option == null) return PalError(Errno.EFAULT);
            if (multicastOption < PalMulticastAdd || multicastOption > PalMulticastInterface) return PalError(Errno.EINVAL);
            if (Net == null) return NoSocket;
            // The option's addresses are stored as in sin_addr: octets in memory order.
            uint group = BigEndian32((byte*)&option->MulticastAddress), local = BigEndian32((byte*)&option->LocalAddress);
            if (multicastOption == PalMulticastInterface)
                return PalResult(Net.SetMulticastInterface(SocketOf(socket), local, option->InterfaceIndex));
            return PalResult(Net.SetMulticastMembership(SocketOf(socket), multicastOption == PalMulticastAdd, group, local, option->InterfaceIndex));
        }

        /// <summary>IPv6 multicast: no IPv6 socket exists, so any socket this reaches is IPv4: ENOPROTOOPT.</summary>
        [RuntimeExport("SystemNative_GetIPv6MulticastOption")]
        public static int GetIPv6MulticastOption(IntPtr socket, int multicastOption, IPv6MulticastOption* option) =>
            option == null ? PalError(Errno.EFAULT) : PalError(Errno.ENOPROTOOPT);

        /// <summary>IPv6 multicast: no IPv6 socket exists, so any socket this reaches is IPv4: ENOPROTOOPT.</summary>
        [RuntimeExport("SystemNative_SetIPv6MulticastOption")]
        public static int SetIPv6MulticastOption(IntPtr socket, int multicastOption, IPv6MulticastOption* option) =>
            option == null ? PalError(Errno.EFAULT) : PalError(Errno.ENOPROTOOPT);

        /// <summary>FIONREAD.</summary>
        [RuntimeExport("SystemNative_GetBytesAvailable")]
        public static int GetBytesAvailable(IntPtr socket, int* available)
        {
            if (available == null) return PalError(Errno.EFAULT);
            *available = 0;
            if (Net == null) return NoSocket;
            int r = Net.GetBytesAvailable(SocketOf(socket));
            if (r < 0) return PalError(-r);
            *available = r;
            return 0;
        }

        /// <summary>SIOCATMARK: the pal never queues urgent (out-of-band) data, so a valid socket is never at the mark: 0.</summary>
        [RuntimeExport("SystemNative_GetAtOutOfBandMark")]
        public static int GetAtOutOfBandMark(IntPtr socket, int* atMark)
        {
            if (atMark == null) return PalError(Errno.EFAULT);
            *atMark = 0;
            if (Net == null) return NoSocket;
            return PalResult(Net.GetSocketType(SocketOf(socket), out _, out _, out _));
        }

        // ---- data ----

        private static bool FlagsSupported(int flags) => (flags & ~PalSupportedMessageFlags) == 0;

        /// <summary>recv(2) with PAL SocketFlags (ENOTSUP for others). A null buffer is accepted when its length is 0 (a zero-byte receive).</summary>
        [RuntimeExport("SystemNative_Receive")]
        public static int Receive(IntPtr socket, byte* buffer, int bufferLen, int flags, int* received)
        {
            if ((buffer == null && bufferLen != 0) || bufferLen < 0 || received == null) return PalError(Errno.EFAULT);
            *received = 0;
            if (!FlagsSupported(flags)) return PalError(Errno.EOPNOTSUPP);
            if (Net == null) return NoSocket;
            int r = Net.Receive(SocketOf(socket), new Span<byte>(buffer, bufferLen), (SocketMessageFlags)flags, out _);
            if (r < 0) return PalError(-r);
            *received = r;
            return 0;
        }

        /// <summary>send(2) with PAL SocketFlags (ENOTSUP for others). A null buffer is accepted when its length is 0.</summary>
        [RuntimeExport("SystemNative_Send")]
        public static int Send(IntPtr socket, byte* buffer, int bufferLen, int flags, int* sent)
        {
            if ((buffer == null && bufferLen != 0) || bufferLen < 0 || sent == null) return PalError(Errno.EFAULT);
            *sent = 0;
            if (!FlagsSupported(flags)) return PalError(Errno.EOPNOTSUPP);
            if (Net == null) return NoSocket;
            int r = Net.Send(SocketOf(socket), new ReadOnlySpan<byte>(buffer, bufferLen), (SocketMessageFlags)flags, null);
            if (r < 0) return PalError(-r);
            *sent = r;
            return 0;
        }

        private static int ValidateHeader(MessageHeader* h, void* result)
        {
            if (h == null || result == null || h->SocketAddressLen < 0 || h->ControlBufferLen < 0 || h->IOVectorCount < 0) return Errno.EFAULT;
            if (h->IOVectorCount > 0 && h->IOVectors == null) return Errno.EFAULT;
            long total = 0;
            for (int i = 0; i < h->IOVectorCount; i++)
            {
                if (h->IOVectors[i].Base == null && (ulong)h->IOVectors[i].Count != 0) return Errno.EFAULT;
                total += (long)(ulong)h->IOVectors[i].Count;
                if (total > int.MaxValue) return Errno.EINVAL;
            }
            return 0;
        }

        private static int TotalLength(MessageHeader* h)
        {
            long total = 0;
            for (int i = 0; i < h->IOVectorCount; i++) total += (long)(ulong)h->IOVectors[i].Count;
            return (int)total;
        }

        /// <summary>
        /// sendmsg(2): the data of all vectors as one send (a datagram is one datagram), to SocketAddress when one is given.
        /// Ancillary data on send is not supported (a non-empty control buffer fails with ENOTSUP).
        /// </summary>
        [RuntimeExport("SystemNative_SendMessage")]
        public static int SendMessage(IntPtr socket, MessageHeader* messageHeader, int flags, long* sent)
        {
            int e = ValidateHeader(messageHeader, sent);
            if (e != 0) return PalError(e);
            *sent = 0;
            if (!FlagsSupported(flags)) return PalError(Errno.EOPNOTSUPP);
            if (messageHeader->ControlBufferLen > 0 && messageHeader->ControlBuffer != null) return PalError(Errno.EOPNOTSUPP);
            if (Net == null) return NoSocket;
            IPv4EndPoint? to = null;
            if (messageHeader->SocketAddress != null && messageHeader->SocketAddressLen > 0)
            {
                e = DecodeEndPoint(messageHeader->SocketAddress, messageHeader->SocketAddressLen, out IPv4EndPoint ep);
                if (e != 0) return PalError(e);
                to = ep;
            }
            int r;
            if (messageHeader->IOVectorCount == 1)
                r = Net.Send(SocketOf(socket), new ReadOnlySpan<byte>(messageHeader->IOVectors[0].Base, (int)messageHeader->IOVectors[0].Count), (SocketMessageFlags)flags, to);
            else
            {
                byte[] gathered = new byte[TotalLength(messageHeader)];
                int at = 0;
                for (int i = 0; i < messageHeader->IOVectorCount; i++)
                {
                    int n = (int)messageHeader->IOVectors[i].Count;
                    new ReadOnlySpan<byte>(messageHeader->IOVectors[i].Base, n).CopyTo(gathered.AsSpan(at));
                    at += n;
                }
                r = Net.Send(SocketOf(socket), gathered, (SocketMessageFlags)flags, to);
            }
            if (r < 0) return PalError(-r);
            *sent = r;
            return 0;
        }

        /// <summary>
        /// recvmsg(2): fills the vectors in order, writes the sender as a sockaddr_in (SocketAddressLen set), an IP_PKTINFO
        /// record when the pal reports packet information and it fits (else Flags gets MSG_CTRUNC), and the result flags.
        /// </summary>
        [RuntimeExport("SystemNative_ReceiveMessage")]
        public static int ReceiveMessage(IntPtr socket, MessageHeader* messageHeader, int flags, long* received)
        {
            int e = ValidateHeader(messageHeader, received);
            if (e != 0) return PalError(e);
            *received = 0;
            if (!FlagsSupported(flags)) return PalError(Errno.EOPNOTSUPP);
            if (Net == null) return NoSocket;
            int r;
            SocketReceiveInfo info;
            if (messageHeader->IOVectorCount == 1)
                r = Net.Receive(SocketOf(socket), new Span<byte>(messageHeader->IOVectors[0].Base, (int)messageHeader->IOVectors[0].Count), (SocketMessageFlags)flags, out info);
            else
            {
                byte[] temp = new byte[TotalLength(messageHeader)];
                r = Net.Receive(SocketOf(socket), temp, (SocketMessageFlags)flags, out info);
                int at = 0;
                for (int i = 0; i < messageHeader->IOVectorCount && r > 0 && at < r; i++)
                {
                    int n = Math.Min((int)messageHeader->IOVectors[i].Count, r - at);
                    temp.AsSpan(at, n).CopyTo(new Span<byte>(messageHeader->IOVectors[i].Base, n));
                    at += n;
                }
            }
            if (r < 0) return PalError(-r);
            if (messageHeader->SocketAddress != null && messageHeader->SocketAddressLen > 0)
                EncodeEndPoint(info.From, messageHeader->SocketAddress, &messageHeader->SocketAddressLen);
            else messageHeader->SocketAddressLen = 0;
            int resultFlags = (int)info.Flags & (int)(SocketMessageFlags.OutOfBand | SocketMessageFlags.DontRoute | SocketMessageFlags.Truncated | SocketMessageFlags.ControlTruncated);
            int control = 0;
            if (info.HasPacketInformation)
            {
                control = WritePacketInformation(messageHeader->ControlBuffer, messageHeader->ControlBufferLen, info);
                if (control < 0) { control = 0; resultFlags |= (int)SocketMessageFlags.ControlTruncated; }
            }
            messageHeader->ControlBufferLen = control;
            messageHeader->Flags = resultFlags;
            *received = r;
            return 0;
        }

        /// <summary>
        /// recvmsg(MSG_ERRQUEUE) for Ping: the pal keeps no error queue (ICMP errors are not queued per socket), so the
        /// queue is always empty: EAGAIN, with SocketAddressLen 0 (Linux's answer for an empty queue).
        /// </summary>
        [RuntimeExport("SystemNative_ReceiveSocketError")]
        public static int ReceiveSocketError(IntPtr socket, MessageHeader* messageHeader)
        {
            if (messageHeader != null) messageHeader->SocketAddressLen = 0;
            if (Net == null) return NoSocket;
            return PalError(Errno.EAGAIN);
        }

        /// <summary>
        /// sendfile(2): reads the file through the FileSystemPal (at <paramref name="offset"/>, position unchanged) and sends
        /// it on the socket, up to <paramref name="count"/> bytes; *<paramref name="sent"/> is what was sent (an error after
        /// some data was sent reports success with the partial count, as a short sendfile).
        /// </summary>
        [RuntimeExport("SystemNative_SendFile")]
        public static int SendFile(IntPtr out_fd, IntPtr in_fd, long offset, long count, long* sent)
        {
            if (sent == null) return PalError(Errno.EFAULT);
            *sent = 0;
            if (Net == null) return NoSocket;
            FileSystemPal files = FileSystemPal.Current;
            if (files == null || SocketPal.IsSocketDescriptor((long)in_fd)) return PalError(Errno.EINVAL);
            byte[] chunk = new byte[(int)Math.Min(Math.Max(count, 1), 16384)];
            long total = 0;
            while (total < count)
            {
                int want = (int)Math.Min(chunk.Length, count - total);
                int got = files.PRead((long)in_fd, chunk.AsSpan(0, want), offset + total);
                if (got < 0) { if (total > 0) break; return PalError(-got); }
                if (got == 0) break;
                int at = 0;
                while (at < got)
                {
                    int w = Net.Send((long)out_fd, chunk.AsSpan(at, got - at), SocketMessageFlags.None, null);
                    if (w < 0) { *sent = total + at; return total + at > 0 ? 0 : PalError(-w); }
                    at += w;
                }
                total += got;
            }
            *sent = total;
            return 0;
        }

        // ---- readiness: poll, select, event ports ----

        /// <summary>
        /// poll(2) (Socket.Poll, Socket.Select on Linux): socket descriptors go to <see cref="SocketPal.Poll"/>; any
        /// other descriptor reports POLLNVAL (only sockets can be polled). Timeout in milliseconds, −1 = forever.
        /// </summary>
        [RuntimeExport("SystemNative_Poll")]
        public static int Poll(PollEvent* pollEvents, uint eventCount, int timeout, uint* triggered)
        {
            if ((pollEvents == null && eventCount != 0) || triggered == null || eventCount > int.MaxValue) return PalError(Errno.EFAULT);
            int n = (int)eventCount, sockets = 0, invalid = 0;
            for (int i = 0; i < n; i++)
            {
                pollEvents[i].TriggeredEvents = PollFlags.None;
                if (Net != null && SocketPal.IsSocketDescriptor(pollEvents[i].FileDescriptor)) sockets++;
                else if (pollEvents[i].FileDescriptor >= 0) { pollEvents[i].TriggeredEvents = PollFlags.Invalid; invalid++; }
            }
            if (Net == null)
            {
                *triggered = (uint)invalid;
                return 0;
            }
            var entries = new SocketPollEntry[sockets];
            for (int i = 0, j = 0; i < n; i++)
                if (SocketPal.IsSocketDescriptor(pollEvents[i].FileDescriptor))
                    entries[j++] = new SocketPollEntry { Socket = pollEvents[i].FileDescriptor, Requested = pollEvents[i].Events };
            int r = Net.Poll(entries, invalid > 0 ? 0 : timeout);
            if (r < 0) { *triggered = 0; return PalError(-r); }
            int count = invalid;
            for (int i = 0, j = 0; i < n; i++)
                if (SocketPal.IsSocketDescriptor(pollEvents[i].FileDescriptor))
                {
                    pollEvents[i].TriggeredEvents = entries[j++].Returned;
                    if (pollEvents[i].TriggeredEvents != PollFlags.None) count++;
                }
            *triggered = (uint)count;
            return 0;
        }

        /// <summary>
        /// select(2) in the shim's array form (the CoreLib uses it on macOS only; Linux uses Poll): each array entry is
        /// replaced by 1 when that descriptor is ready for the array's purpose, 0 when not; *triggered is the number of 1s.
        /// Timeout in microseconds (−1 = forever), rounded up to milliseconds.
        /// </summary>
        [RuntimeExport("SystemNative_Select")]
        public static int Select(int* readFDs, int readFDsLength, int* writeFDs, int writeFDsLength, int* checkError, int checkErrorLength,
            int timeout, int maxFd, int* triggered)
        {
            if (triggered == null || readFDsLength < 0 || writeFDsLength < 0 || checkErrorLength < 0) return PalError(Errno.EFAULT);
            int total = readFDsLength + writeFDsLength + checkErrorLength;
            PollEvent[] array = new PollEvent[total];
            int k = 0;
            for (int i = 0; i < readFDsLength; i++) array[k++] = new PollEvent { FileDescriptor = readFDs[i], Events = PollFlags.In };
            for (int i = 0; i < writeFDsLength; i++) array[k++] = new PollEvent { FileDescriptor = writeFDs[i], Events = PollFlags.Out };
            for (int i = 0; i < checkErrorLength; i++) array[k++] = new PollEvent { FileDescriptor = checkError[i], Events = PollFlags.Priority };
            int ms = timeout < 0 ? -1 : (int)((timeout + 999L) / 1000);
            uint ignored;
            int r;
            fixed (PollEvent* p = array) r = Poll(p, (uint)total, ms, &ignored);
            if (r != 0) return r;
            int count = 0;
            k = 0;
            const PollFlags readReady = PollFlags.In | PollFlags.HangUp | PollFlags.Error | PollFlags.Invalid;
            const PollFlags writeReady = PollFlags.Out | PollFlags.Error | PollFlags.HangUp | PollFlags.Invalid;
            const PollFlags errorReady = PollFlags.Priority | PollFlags.Error | PollFlags.Invalid;
            for (int i = 0; i < readFDsLength; i++) { readFDs[i] = (array[k++].TriggeredEvents & readReady) != 0 ? 1 : 0; count += readFDs[i]; }
            for (int i = 0; i < writeFDsLength; i++) { writeFDs[i] = (array[k++].TriggeredEvents & writeReady) != 0 ? 1 : 0; count += writeFDs[i]; }
            for (int i = 0; i < checkErrorLength; i++) { checkError[i] = (array[k++].TriggeredEvents & errorReady) != 0 ? 1 : 0; count += checkError[i]; }
            *triggered = count;
            return 0;
        }

        /// <summary>epoll_create: a new event port from the pal (ENETDOWN without one).</summary>
        [RuntimeExport("SystemNative_CreateSocketEventPort")]
        public static int CreateSocketEventPort(IntPtr* port)
        {
            if (port == null) return PalError(Errno.EFAULT);
            *port = (IntPtr)(-1);
            if (Net == null) return PalError(Errno.ENETDOWN);
            long p = Net.CreateEventPort();
            if (p < 0) return PalError((int)-p);
            *port = (IntPtr)p;
            return 0;
        }

        /// <summary>Closes an event port.</summary>
        [RuntimeExport("SystemNative_CloseSocketEventPort")]
        public static int CloseSocketEventPort(IntPtr port) => Net == null ? NoSocket : PalResult(Net.CloseEventPort((long)port));

        /// <summary>A malloc'd array of <paramref name="count"/> SocketEvent records (ENOMEM when it cannot be had).</summary>
        [RuntimeExport("SystemNative_CreateSocketEventBuffer")]
        public static int CreateSocketEventBuffer(int count, SocketEvent** buffer)
        {
            if (buffer == null || count < 0) return PalError(Errno.EFAULT);
            void* p = NativeMemory.Alloc((nuint)(Math.Max(count, 1) * sizeof(SocketEvent)));
            if (p == null) return PalError(Errno.ENOMEM);
            *buffer = (SocketEvent*)p;
            return 0;
        }

        /// <summary>Frees a buffer from CreateSocketEventBuffer.</summary>
        [RuntimeExport("SystemNative_FreeSocketEventBuffer")]
        public static int FreeSocketEventBuffer(SocketEvent* buffer)
        {
            NativeMemory.Free(buffer);
            return 0;
        }

        /// <summary>
        /// epoll_ctl: ADD when <paramref name="currentEvents"/> is None, DEL when <paramref name="newEvents"/> is None,
        /// MOD otherwise; edge-triggered. Unknown event bits: EINVAL; no change: success without calling the pal.
        /// </summary>
        [RuntimeExport("SystemNative_TryChangeSocketEventRegistration")]
        public static int TryChangeSocketEventRegistration(IntPtr port, IntPtr socket, int currentEvents, int newEvents, IntPtr data)
        {
            if ((currentEvents & ~PalSupportedSocketEvents) != 0 || (newEvents & ~PalSupportedSocketEvents) != 0) return PalError(Errno.EINVAL);
            if (currentEvents == newEvents) return 0;
            if (Net == null) return NoSocket;
            return PalResult(Net.ChangeEventRegistration((long)port, SocketOf(socket), (SocketEventFlags)currentEvents, (SocketEventFlags)newEvents, data));
        }

        /// <summary>
        /// epoll_wait with no timeout: blocks in the pal until events are pending, writes them into the buffer
        /// (*count in: capacity, out: events written). A Close report is handed on as Read | Write (System.Native does
        /// the same with EPOLLHUP), so the engine's read and write paths find the end of the connection.
        /// </summary>
        [RuntimeExport("SystemNative_WaitForSocketEvents")]
        public static int WaitForSocketEvents(IntPtr port, SocketEvent* buffer, int* count)
        {
            if (buffer == null || count == null || *count < 0) return PalError(Errno.EFAULT);
            if (Net == null) { *count = 0; return NoSocket; }
            int r = Net.WaitForEvents((long)port, new Span<SocketEvent>(buffer, *count));
            if (r < 0) { *count = 0; return PalError(-r); }
            for (int i = 0; i < r; i++)
            {
                SocketEventFlags ev = buffer[i].Events;
                if ((ev & SocketEventFlags.Close) != 0) ev = (ev & ~SocketEventFlags.Close) | SocketEventFlags.Read | SocketEventFlags.Write;
                buffer[i].Events = ev;
                buffer[i].Padding = 0;
            }
            *count = r;
            return 0;
        }

        // ---- fcntl (descriptors shared with files) ----

        private static bool IsOpenFile(long fd) => FileSystemPal.Current != null && FileSystemPal.Current.FStat(fd, out _) >= 0;

        /// <summary>fcntl(F_GETFD): FD_CLOEXEC (1) for every open descriptor (there is no exec, so every descriptor is close-on-exec); −1 with EBADF otherwise.</summary>
        [RuntimeExport("SystemNative_FcntlGetFD")]
        public static int FcntlGetFD(IntPtr fd)
        {
            long d = (long)fd;
            bool open = SocketPal.IsSocketDescriptor(d) ? Net != null && Net.GetNonBlocking(d) >= 0 : IsOpenFile(d);
            if (open) return 1;
            CurrentErrno = Errno.EBADF;
            return -1;
        }

        /// <summary>
        /// fcntl(F_SETFD): 0 when <paramref name="flags"/> is FD_CLOEXEC (1) on an open descriptor, which every descriptor
        /// already is (<see cref="FcntlGetFD"/>); −1 with EINVAL for any other flags (clearing close-on-exec could not be
        /// reported back), −1 with EBADF for a closed descriptor.
        /// </summary>
        [RuntimeExport("SystemNative_FcntlSetFD")]
        public static int FcntlSetFD(IntPtr fd, int flags)
        {
            if (FcntlGetFD(fd) < 0) return -1;
            if (flags != 1) { CurrentErrno = Errno.EINVAL; return -1; }
            return 0;
        }

        /// <summary>fcntl(F_GETFL) &amp; O_NONBLOCK: 0/−1 with *isNonBlocking; files are never non-blocking.</summary>
        [RuntimeExport("SystemNative_FcntlGetIsNonBlocking")]
        public static int FcntlGetIsNonBlocking(IntPtr fd, int* isNonBlocking)
        {
            if (isNonBlocking == null) { CurrentErrno = Errno.EFAULT; return -1; }
            long d = (long)fd;
            if (SocketPal.IsSocketDescriptor(d))
            {
                int r = Net == null ? -Errno.EBADF : Net.GetNonBlocking(d);
                if (r < 0) { CurrentErrno = -r; return -1; }
                *isNonBlocking = r != 0 ? 1 : 0;
                return 0;
            }
            if (!IsOpenFile(d)) { CurrentErrno = Errno.EBADF; return -1; }
            *isNonBlocking = 0;
            return 0;
        }

        /// <summary>fcntl(F_SETFL, O_NONBLOCK): sockets switch mode; files accept it and stay blocking (O_NONBLOCK has no effect on regular files).</summary>
        [RuntimeExport("SystemNative_FcntlSetIsNonBlocking")]
        public static int FcntlSetIsNonBlocking(IntPtr fd, int isNonBlocking)
        {
            long d = (long)fd;
            if (SocketPal.IsSocketDescriptor(d))
            {
                int r = Net == null ? -Errno.EBADF : Net.SetNonBlocking(d, isNonBlocking != 0);
                if (r < 0) { CurrentErrno = -r; return -1; }
                return 0;
            }
            if (!IsOpenFile(d)) { CurrentErrno = Errno.EBADF; return -1; }
            return 0;
        }

        // ---- the shared descriptor calls' socket half (SystemNative.Files.cs routes here by range) ----

        /// <summary>close(2) of a socket descriptor: −1 with errno.</summary>
        public static int CloseSocket(long fd)
        {
            int r = Net == null ? -Errno.EBADF : Net.Close(fd);
            if (r >= 0) return 0;
            CurrentErrno = -r;
            return -1;
        }

        /// <summary>read(2) of a socket: recv without flags.</summary>
        public static int ReadSocket(long fd, byte* buffer, int count)
        {
            int r = Net == null ? -Errno.EBADF : Net.Receive(fd, new Span<byte>(buffer, count), SocketMessageFlags.None, out _);
            if (r >= 0) return r;
            CurrentErrno = -r;
            return -1;
        }

        /// <summary>write(2) of a socket: send without flags.</summary>
        public static int WriteSocket(long fd, byte* buffer, int count)
        {
            int r = Net == null ? -Errno.EBADF : Net.Send(fd, new ReadOnlySpan<byte>(buffer, count), SocketMessageFlags.None, null);
            if (r >= 0) return r;
            CurrentErrno = -r;
            return -1;
        }

        /// <summary>fstat(2) of a socket: mode S_IFSOCK | 0777, everything else 0.</summary>
        public static int FStatSocket(long fd, FileStatus* output)
        {
            int r = Net == null ? -Errno.EBADF : Net.GetSocketType(fd, out _, out _, out _);
            if (r < 0) { CurrentErrno = -r; return -1; }
            *output = default;
            output->Mode = S_IFSOCK | 0x1FF;
            output->Ino = fd;
            return 0;
        }

        // ---- name resolution ----

        private static byte* MallocUtf8(string s)
        {
            if (s == null) return null;
            int n = Encoding.UTF8.GetByteCount(s);
            byte* p = (byte*)NativeMemory.Alloc((nuint)(n + 1));
            if (p == null) return null;
            fixed (char* c = s) Encoding.UTF8.GetBytes(c, s.Length, p, n);
            p[n] = 0;
            return p;
        }

        private static string Utf8(byte* p)
        {
            if (p == null) return null;
            int n = 0;
            while (p[n] != 0) n++;
            return Encoding.UTF8.GetString(p, n);
        }

        /// <summary>
        /// getaddrinfo (Dns.GetHostEntry/GetHostAddresses): returns a GetAddrInfoErrorFlags code. Unspecified and
        /// InterNetwork ask the pal for IPv4 addresses; InterNetworkV6 has none (EAI_NONAME); other families EAI_FAMILY;
        /// without a pal EAI_FAIL. On success the entry holds malloc'd blocks for FreeHostEntry (no aliases).
        /// </summary>
        [RuntimeExport("SystemNative_GetHostEntryForName")]
        public static int GetHostEntryForName(byte* address, int addressFamily, HostEntry* entry)
        {
            if (address == null || entry == null) return 6; // EAI_BADARG
            *entry = default;
            if (addressFamily == PalAfInet6) return (int)HostResolutionStatus.NoName;
            if (addressFamily != PalAfUnspec && addressFamily != PalAfInet) return (int)HostResolutionStatus.Family;
            if (Net == null) return (int)HostResolutionStatus.Fail;
            var list = new List<uint>();
            HostResolutionStatus status = Net.ResolveHostName(Utf8(address), list, out string canonical);
            if (status != HostResolutionStatus.Success) return (int)status;
            if (canonical != null && (entry->CanonicalName = MallocUtf8(canonical)) == null) return (int)HostResolutionStatus.Memory;
            if (list.Count > 0)
            {
                var addresses = (PalIPAddress*)NativeMemory.AllocZeroed((nuint)(list.Count * sizeof(PalIPAddress)));
                if (addresses == null) { FreeHostEntry(entry); return (int)HostResolutionStatus.Memory; }
                for (int i = 0; i < list.Count; i++)
                {
                    uint a = list[i];
                    addresses[i].Address[0] = (byte)(a >> 24); addresses[i].Address[1] = (byte)(a >> 16);
                    addresses[i].Address[2] = (byte)(a >> 8); addresses[i].Address[3] = (byte)a;
                }
                entry->IPAddressList = addresses;
                entry->IPAddressCount = list.Count;
            }
            return 0;
        }

        /// <summary>Frees what GetHostEntryForName allocated and clears the entry.</summary>
        [RuntimeExport("SystemNative_FreeHostEntry")]
        public static void FreeHostEntry(HostEntry* entry)
        {
            if (entry == null) return;
            NativeMemory.Free(entry->CanonicalName);
            NativeMemory.Free(entry->IPAddressList);
            entry->CanonicalName = null;
            entry->IPAddressList = null;
            entry->IPAddressCount = 0;
        }

        private static string Dotted(byte* a) => a[0] + "." + a[1] + "." + a[2] + "." + a[3];

        private static int WriteAscii(string s, byte* buffer, uint length)
        {
            if (buffer == null || s.Length + 1 > length) return (int)HostResolutionStatus.Fail;
            for (int i = 0; i < s.Length; i++) buffer[i] = (byte)(s[i] < 0x80 ? s[i] : '?');
            buffer[s.Length] = 0;
            return 0;
        }

        /// <summary>
        /// getnameinfo (Dns.GetHostEntry(IPAddress)): NI_NUMERICHOST formats the address; otherwise the pal's reverse
        /// lookup, falling back to the numeric form unless NI_NAMEREQD (then EAI_NONAME; without a pal EAI_FAIL).
        /// The service is always "0" (only an address is passed). IPv6 addresses: EAI_FAMILY. A name that does not
        /// fit the buffer: EAI_FAIL.
        /// </summary>
        [RuntimeExport("SystemNative_GetNameInfo")]
        public static int GetNameInfo(byte* address, uint addressLength, byte isIpv6, byte* host, uint hostLength, byte* service, uint serviceLength, int flags)
        {
            if (address == null || (host == null && service == null)) return 6; // EAI_BADARG
            if (isIpv6 != 0) return (int)HostResolutionStatus.Family;
            if (addressLength < 4) return 6;
            if (service != null && serviceLength > 0 && WriteAscii("0", service, serviceLength) != 0) return (int)HostResolutionStatus.Fail;
            if (host == null || hostLength == 0) return 0;
            string numeric = Dotted(address);
            if ((flags & PalNiNumericHost) != 0) return WriteAscii(numeric, host, hostLength);
            bool required = (flags & PalNiNameRequired) != 0;
            if (Net == null) return required ? (int)HostResolutionStatus.Fail : WriteAscii(numeric, host, hostLength);
            uint a = BigEndian32(address);
            HostResolutionStatus status = Net.ResolveAddress(a, out string name);
            if (status == HostResolutionStatus.Success && name != null) return WriteAscii(name, host, hostLength);
            if (status == HostResolutionStatus.NoName && !required) return WriteAscii(numeric, host, hostLength);
            return (int)(status == HostResolutionStatus.Success ? HostResolutionStatus.NoName : status);
        }

        /// <summary>The NIS domain name (IPGlobalProperties.DomainName): the kernel has none, so the empty string; −1 with EINVAL when even that does not fit.</summary>
        [RuntimeExport("SystemNative_GetDomainName")]
        public static int GetDomainName(byte* name, int nameLength)
        {
            if (name == null || nameLength < 1) { CurrentErrno = Errno.EINVAL; return -1; }
            name[0] = 0;
            return 0;
        }

        // ---- interfaces ----

        private static List<NetworkInterfaceEntry> Interfaces(out int error)
        {
            var list = new List<NetworkInterfaceEntry>();
            error = 0;
            if (Net == null) return list;
            int r = Net.GetInterfaces(list);
            if (r < 0) error = -r;
            return list;
        }

        private static void WriteName(string name, byte* dst, int size)
        {
            int n = 0;
            if (name != null) for (; n < name.Length && n < size - 1; n++) dst[n] = (byte)(name[n] < 0x80 ? name[n] : '?');
            for (; n < size; n++) dst[n] = 0;
        }

        private static void FillAddress(in NetworkInterfaceEntry e, IpAddressInfo* info)
        {
            *info = default;
            info->InterfaceIndex = e.Index;
            info->AddressBytes[0] = (byte)(e.Address >> 24); info->AddressBytes[1] = (byte)(e.Address >> 16);
            info->AddressBytes[2] = (byte)(e.Address >> 8); info->AddressBytes[3] = (byte)e.Address;
            info->NumAddressBytes = 4;
            info->PrefixLength = (byte)e.PrefixLength;
        }

        /// <summary>
        /// getifaddrs walk: for each interface, the IPv4 callback with its address (when one is configured) and the
        /// link-layer callback with its hardware address (when it has one); the IPv6 callback is never called.
        /// 0, or −1 with errno when the pal cannot list interfaces. No pal: no interfaces.
        /// </summary>
        [RuntimeExport("SystemNative_EnumerateInterfaceAddresses")]
        public static int EnumerateInterfaceAddresses(void* context,
            delegate* unmanaged<void*, byte*, IpAddressInfo*, void> ipv4Found,
            delegate* unmanaged<void*, byte*, IpAddressInfo*, uint*, void> ipv6Found,
            delegate* unmanaged<void*, byte*, LinkLayerAddressInfo*, void> linkLayerFound)
        {
            var list = Interfaces(out int error);
            if (error != 0) { CurrentErrno = error; return -1; }
            byte* name = stackalloc byte[16];
            IpAddressInfo ip;
            LinkLayerAddressInfo link;
            foreach (NetworkInterfaceEntry e in list)
            {
                WriteName(e.Name, name, 16);
                if (e.Address != 0 && ipv4Found != null)
                {
                    FillAddress(e, &ip);
                    ipv4Found(context, name, &ip);
                }
                if (e.HardwareAddress != null && e.HardwareAddress.Length > 0 && linkLayerFound != null)
                {
                    link = default;
                    link.InterfaceIndex = e.Index;
                    int n = Math.Min(e.HardwareAddress.Length, 8);
                    for (int i = 0; i < n; i++) link.AddressBytes[i] = e.HardwareAddress[i];
                    link.NumAddressBytes = (byte)n;
                    link.HardwareType = (ushort)(e.IsLoopback ? InterfaceTypeLoopback : InterfaceTypeEthernet);
                    linkLayerFound(context, name, &link);
                }
            }
            return 0;
        }

        /// <summary>
        /// NetworkInterface.GetAllNetworkInterfaces: one malloc'd block holding the NetworkInterfaceInfo array followed by
        /// the IpAddressInfo array (the caller frees the block through the first pointer). 0, or −1 with errno.
        /// </summary>
        [RuntimeExport("SystemNative_GetNetworkInterfaces")]
        public static int GetNetworkInterfaces(int* count, NetworkInterfaceInfo** addrs, int* addressCount, IpAddressInfo** aa)
        {
            if (count == null || addrs == null || addressCount == null || aa == null) { CurrentErrno = Errno.EFAULT; return -1; }
            var list = Interfaces(out int error);
            if (error != 0) { CurrentErrno = error; return -1; }
            int withAddress = 0;
            foreach (NetworkInterfaceEntry e in list) if (e.Address != 0) withAddress++;
            nuint size = (nuint)(list.Count * sizeof(NetworkInterfaceInfo) + withAddress * sizeof(IpAddressInfo));
            byte* block = (byte*)NativeMemory.AllocZeroed(size == 0 ? 1 : size);
            if (block == null) { CurrentErrno = Errno.ENOMEM; return -1; }
            var infos = (NetworkInterfaceInfo*)block;
            var ips = (IpAddressInfo*)(block + list.Count * sizeof(NetworkInterfaceInfo));
            int k = 0;
            for (int i = 0; i < list.Count; i++)
            {
                NetworkInterfaceEntry e = list[i];
                NetworkInterfaceInfo* info = infos + i;
                WriteName(e.Name, info->Name, 16);
                info->Speed = e.Speed;
                info->InterfaceIndex = e.Index;
                info->Mtu = e.Mtu;
                info->HardwareType = (ushort)(e.IsLoopback ? InterfaceTypeLoopback : InterfaceTypeEthernet);
                info->OperationalState = (byte)(e.IsUp ? OperationalUp : OperationalDown);
                int n = e.HardwareAddress == null ? 0 : Math.Min(e.HardwareAddress.Length, 8);
                for (int j = 0; j < n; j++) info->AddressBytes[j] = e.HardwareAddress[j];
                info->NumAddressBytes = (byte)n;
                info->SupportsMulticast = (byte)(e.IsLoopback ? 0 : 1);
                if (e.Address != 0) FillAddress(e, ips + k++);
            }
            *count = list.Count;
            *addrs = infos;
            *addressCount = withAddress;
            *aa = withAddress > 0 ? ips : null;
            return 0;
        }

        /// <summary>if_nametoindex (a leading '%' of a scope suffix is skipped): the index, or 0 when there is no such interface.</summary>
        [RuntimeExport("SystemNative_InterfaceNameToIndex")]
        public static uint InterfaceNameToIndex(byte* utf8NullTerminatedName)
        {
            if (utf8NullTerminatedName == null) return 0;
            if (*utf8NullTerminatedName == (byte)'%') utf8NullTerminatedName++;
            string name = Utf8(utf8NullTerminatedName);
            foreach (NetworkInterfaceEntry e in Interfaces(out _))
                if (e.Name == name) return (uint)e.Index;
            return 0;
        }

        /// <summary>A Linux TCP state number (as in /proc/net/tcp) to System.Net.NetworkInformation.TcpState (Unknown for others).</summary>
        [RuntimeExport("SystemNative_MapTcpState")]
        public static int MapTcpState(int nativeState) =>
            nativeState >= 1 && nativeState < SocketTables.TcpStateValues.Length ? SocketTables.TcpStateValues[nativeState] : 0;

        /// <summary>NetworkChange's netlink listener: not supported (address/availability change events are not delivered), ENOTSUP.</summary>
        [RuntimeExport("SystemNative_CreateNetworkChangeListenerSocket")]
        public static int CreateNetworkChangeListenerSocket(IntPtr* socket)
        {
            if (socket != null) *socket = (IntPtr)(-1);
            return PalError(Errno.EOPNOTSUPP);
        }

        /// <summary>Reads NetworkChange events: not supported (no listener socket can exist), ENOTSUP.</summary>
        [RuntimeExport("SystemNative_ReadEvents")]
        public static int ReadEvents(IntPtr socket, delegate* unmanaged<IntPtr, int, void> onNetworkChange) => PalError(Errno.EOPNOTSUPP);
    }
}
