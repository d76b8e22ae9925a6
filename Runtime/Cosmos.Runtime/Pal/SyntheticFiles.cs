using System;
using System.Collections.Generic;
using System.Text;

namespace Cosmos.Runtime
{
    /// <summary>
    /// Read-only files the platform layer makes up from kernel state, at the Linux paths where System.Net.NetworkInformation's
    /// unchanged Linux code (LinuxNetworkInterface, LinuxIPInterfaceProperties, StringParsingHelpers) reads them, so that
    /// <c>NetworkInterface.GetAllNetworkInterfaces()</c> and <c>GetIPProperties()</c> work over the kernel's network stack
    /// (<see cref="SocketPal"/>):
    /// <list type="bullet">
    /// <item><c>/proc/net/route</c>: one network route per interface with an address and one default route per interface
    /// with a gateway, in Linux's format (tab-separated, addresses as 8 hex digits of the in-memory, i.e. little-endian,
    /// value) → <c>GatewayAddresses</c>;</item>
    /// <item><c>/etc/resolv.conf</c>: <c>nameserver</c> lines (and <c>search</c>) from <see cref="SocketPal.GetNameServers"/>
    /// → <c>DnsAddresses</c>, <c>DnsSuffix</c>;</item>
    /// <item><c>/var/lib/dhcp/dhclient.leases</c>: one ISC-dhclient lease block per interface whose address came from DHCP
    /// (interface name, fixed-address, dhcp-server-identifier) → <c>DhcpServerAddresses</c>;</item>
    /// <item><c>/proc/sys/net/ipv4/ip_forward</c> and <c>/proc/sys/net/ipv4/conf/&lt;name&gt;/forwarding</c>: "0" (the
    /// stack does not forward) → <c>GetIPv4Properties().IsForwardingEnabled</c>.</item>
    /// </list>
    /// Nothing else is served: the statistics files (/proc/net/dev, /proc/net/snmp, /sys/class/net/…) stay absent, so
    /// <c>GetIPStatistics()</c> and friends fail as on a Linux without /proc (FileNotFoundException naming the file).
    /// The files exist only while a socket PAL is installed. Content is generated when a file is opened or stat'ed;
    /// descriptors are in [<see cref="FirstDescriptor"/>, <see cref="FirstDescriptor"/> + <see cref="MaxOpen"/>), below
    /// the socket range and above anything the VFS hands out; SystemNative.Files.cs routes them here.
    /// </summary>
    public static class SyntheticFiles
    {
        /// <summary>The first synthetic-file descriptor.</summary>
        public const long FirstDescriptor = 0x3000_0000;
        /// <summary>How many synthetic files can be open at once.</summary>
        public const int MaxOpen = 64;

        private static byte[][] s_open;   // content per open descriptor slot (null: free)
        private static long[] s_position;
        private static object s_lock;     // no static initializers: SystemNative's exports must not need a class constructor

        private static object Lock => s_lock ?? System.Threading.Interlocked.CompareExchange(ref s_lock, new object(), null) ?? s_lock;

        /// <summary>True when <paramref name="fd"/> is in the synthetic-file range.</summary>
        public static bool IsDescriptor(long fd) => fd >= FirstDescriptor && fd < FirstDescriptor + MaxOpen;

        /// <summary>The content of the file at <paramref name="path"/>, or null when it is not a synthetic file (now).</summary>
        public static byte[] Content(string path)
        {
            SocketPal pal = SocketPal.Current;
            if (pal == null || path == null) return null;
            path = UnixPath(path);
            if (path == null) return null;
            switch (path)
            {
                case "/proc/net/route": return Ascii(Route(pal));
                case "/etc/resolv.conf": { string r = ResolvConf(pal); return r == null ? null : Ascii(r); }
                case "/var/lib/dhcp/dhclient.leases": return Ascii(Leases(pal));
                case "/proc/sys/net/ipv4/ip_forward": return Ascii("0\n");
            }
            const string conf = "/proc/sys/net/ipv4/conf/", forwarding = "/forwarding";
            if (path.StartsWith(conf, StringComparison.Ordinal) && path.EndsWith(forwarding, StringComparison.Ordinal))
            {
                string name = path.Substring(conf.Length, path.Length - conf.Length - forwarding.Length);
                foreach (NetworkInterfaceEntry e in Interfaces(pal)) if (e.Name == name) return Ascii("0\n");
            }
            return null;
        }

        /// <summary>
        /// The Unix path a BCL path stands for: the BCL's Path.GetFullPath (plugged to Cosmos syntax) turns "/etc/resolv.conf"
        /// into the current volume's "0:\etc\resolv.conf", so a volume prefix ("N:") is dropped and '\' read as '/'; a path
        /// that already starts with '/' (host tests) is kept. Null for anything else. So these names shadow the same names
        /// on every FAT volume: they are the system's files, as on Linux.
        /// </summary>
        public static string UnixPath(string path)
        {
            if (path.Length > 0 && path[0] == '/') return path;
            int i = 0;
            while (i < path.Length && path[i] >= '0' && path[i] <= '9') i++;
            if (i == 0 || i + 1 >= path.Length || path[i] != ':' || path[i + 1] != '\\') return null;
            return path.Substring(i + 1).Replace('\\', '/');
        }

        private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

        private static List<NetworkInterfaceEntry> Interfaces(SocketPal pal)
        {
            var list = new List<NetworkInterfaceEntry>();
            if (pal.GetInterfaces(list) < 0) list.Clear();
            return list;
        }

        /// <summary>An IPv4 address (first octet in bits 31..24) as /proc/net/route writes it: the 32-bit value in memory
        /// order (little-endian) as 8 upper-case hex digits, so 10.0.2.2 is "0202000A".</summary>
        public static string RouteHex(uint address) =>
            ((address >> 24) | ((address >> 8) & 0xFF00) | ((address << 8) & 0xFF0000) | (address << 24)).ToString("X8");

        private static uint Mask(int prefix) => prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFF_FFFF : ~(0xFFFF_FFFFu >> prefix);

        /// <summary>/proc/net/route: header, then per interface with an address a default route (flags UG = 0003) when it has a
        /// gateway and its network route (flags U = 0001). Loopback is not listed (Linux keeps it in the local table).</summary>
        public static string Route(SocketPal pal)
        {
            var sb = new StringBuilder("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
            foreach (NetworkInterfaceEntry e in Interfaces(pal))
            {
                if (e.IsLoopback || e.Address == 0) continue;
                if (e.Gateway != 0)
                    sb.Append(e.Name).Append('\t').Append("00000000").Append('\t').Append(RouteHex(e.Gateway)).Append("\t0003\t0\t0\t0\t")
                      .Append("00000000").Append("\t0\t0\t0\n");
                uint mask = Mask(e.PrefixLength);
                sb.Append(e.Name).Append('\t').Append(RouteHex(e.Address & mask)).Append('\t').Append("00000000").Append("\t0001\t0\t0\t0\t")
                  .Append(RouteHex(mask)).Append("\t0\t0\t0\n");
            }
            return sb.ToString();
        }

        private static string Dotted(uint a) => string.Concat(((a >> 24) & 0xFF).ToString(), ".", ((a >> 16) & 0xFF).ToString(), ".", ((a >> 8) & 0xFF).ToString(), ".", (a & 0xFF).ToString());

        /// <summary>/etc/resolv.conf from the pal's name servers; null when the pal cannot say.</summary>
        public static string ResolvConf(SocketPal pal)
        {
            var servers = new List<uint>();
            if (pal.GetNameServers(servers, out string search) < 0) return null;
            var sb = new StringBuilder("# generated by the CosmosOS kernel from its DNS configuration\n");
            if (!string.IsNullOrEmpty(search)) sb.Append("search ").Append(search).Append('\n');
            foreach (uint s in servers) sb.Append("nameserver ").Append(Dotted(s)).Append('\n');
            return sb.ToString();
        }

        /// <summary>dhclient.leases: a lease block per interface whose address came from a DHCP server.</summary>
        public static string Leases(SocketPal pal)
        {
            var sb = new StringBuilder();
            foreach (NetworkInterfaceEntry e in Interfaces(pal))
            {
                if (e.DhcpServer == 0 || e.Address == 0) continue;
                sb.Append("lease {\n  interface \"").Append(e.Name).Append("\";\n  fixed-address ").Append(Dotted(e.Address))
                  .Append(";\n  option subnet-mask ").Append(Dotted(Mask(e.PrefixLength))).Append(";\n");
                if (e.Gateway != 0) sb.Append("  option routers ").Append(Dotted(e.Gateway)).Append(";\n");
                sb.Append("  option dhcp-server-identifier ").Append(Dotted(e.DhcpServer)).Append(";\n}\n");
            }
            return sb.ToString();
        }

        /// <summary>open(2) of a synthetic file: a descriptor, −EROFS for a write access, −EMFILE when all slots are in use,
        /// or 0 when <paramref name="path"/> is not a synthetic file (the caller goes on to the VFS).</summary>
        public static long Open(string path, int flags)
        {
            byte[] content = Content(path);
            if (content == null) return 0;
            if ((flags & FileSystemPal.O_ACCESS_MODE_MASK) != FileSystemPal.O_RDONLY || (flags & (FileSystemPal.O_TRUNC | FileSystemPal.O_CREAT)) != 0)
                return -Errno.EROFS;
            lock (Lock)
            {
                s_open ??= new byte[MaxOpen][];
                s_position ??= new long[MaxOpen];
                for (int i = 0; i < MaxOpen; i++)
                    if (s_open[i] == null)
                    {
                        s_open[i] = content;
                        s_position[i] = 0;
                        return FirstDescriptor + i;
                    }
            }
            return -Errno.EMFILE;
        }

        private static byte[] Of(long fd) => s_open == null || !IsDescriptor(fd) ? null : s_open[fd - FirstDescriptor];

        /// <summary>close(2): 0 or −EBADF.</summary>
        public static int Close(long fd)
        {
            lock (Lock)
            {
                if (Of(fd) == null) return -Errno.EBADF;
                s_open[fd - FirstDescriptor] = null;
                return 0;
            }
        }

        /// <summary>pread(2): bytes copied (0 at the end), or −EBADF/−EINVAL.</summary>
        public static int PRead(long fd, Span<byte> buffer, long offset)
        {
            byte[] c = Of(fd);
            if (c == null) return -Errno.EBADF;
            if (offset < 0) return -Errno.EINVAL;
            if (offset >= c.Length) return 0;
            int n = (int)Math.Min(buffer.Length, c.Length - offset);
            c.AsSpan((int)offset, n).CopyTo(buffer);
            return n;
        }

        /// <summary>read(2) at the descriptor's position.</summary>
        public static int Read(long fd, Span<byte> buffer)
        {
            int n = PRead(fd, buffer, Of(fd) == null ? 0 : s_position[fd - FirstDescriptor]);
            if (n > 0) s_position[fd - FirstDescriptor] += n;
            return n;
        }

        /// <summary>lseek(2) with PAL_SEEK_*.</summary>
        public static long LSeek(long fd, long offset, int whence)
        {
            byte[] c = Of(fd);
            if (c == null) return -Errno.EBADF;
            long at = whence switch
            {
                FileSystemPal.SEEK_SET => offset,
                FileSystemPal.SEEK_CUR => s_position[fd - FirstDescriptor] + offset,
                FileSystemPal.SEEK_END => c.Length + offset,
                _ => -1,
            };
            if (at < 0) return -Errno.EINVAL;
            s_position[fd - FirstDescriptor] = at;
            return at;
        }

        /// <summary>A read-only regular file of <paramref name="size"/> bytes, dated now.</summary>
        public static void Status(long size, out FileStatus status)
        {
            status = default;
            status.Mode = FileStatus.S_IFREG | 0x124;   // 0444
            status.Size = size;
            status.Dev = 0x5359_4E54;                   // "SYNT": a volume of its own
        }

        /// <summary>fstat(2): 0 or −EBADF.</summary>
        public static int FStat(long fd, out FileStatus status)
        {
            byte[] c = Of(fd);
            if (c == null) { status = default; return -Errno.EBADF; }
            Status(c.Length, out status);
            status.Ino = fd;
            return 0;
        }
    }
}
