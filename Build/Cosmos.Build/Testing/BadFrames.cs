using System;
using System.Collections.Generic;
using System.Net;

namespace Cosmos.Build.Testing
{
    /// <summary>
    /// A batch of malformed and hostile Ethernet frames for a running kernel (issue #11, "Security and robustness"),
    /// built by hand from the RFC layouts, independent of the kernel's network code. Every frame is addressed to the
    /// guest's MAC; IPv4 frames come from the gateway's address (10.0.N.2) so that they reach the upper layers.
    /// <see cref="Build"/> returns each frame with its name and whether the IPv4 host must count it as malformed
    /// (<see cref="Frame.Malformed"/>); the rest are well-formed but must be refused elsewhere (unknown EtherType or
    /// protocol, a closed port, an echo to broadcast) or are bad DHCP/DNS payloads in good UDP datagrams, which the
    /// clients must ignore. TCP frames are marked not malformed for the IPv4 host: TCP counts them itself.
    /// </summary>
    public static class BadFrames
    {
        /// <summary>One frame of the batch.</summary>
        public sealed record Frame(string Name, byte[] Bytes, bool Malformed);

        /// <summary>
        /// The batch for a guest at <paramref name="guestMac"/>/<paramref name="guestIp"/> whose gateway is
        /// <paramref name="gatewayIp"/>: hand-made cases, then <paramref name="mutations"/> seeded mutations of a valid
        /// UDP datagram to <paramref name="closedPort"/> (headers damaged, checksums left wrong or recomputed).
        /// <paramref name="dnsPort"/> is a guest UDP port where a DNS client waits for replies from
        /// <paramref name="dnsServerPort"/> on the gateway; DHCP frames go to port 68.
        /// </summary>
        public static List<Frame> Build(byte[] guestMac, IPAddress guestIp, IPAddress gatewayIp, ushort dnsPort, ushort dnsServerPort, ushort closedPort, int mutations, int seed)
        {
            byte[] src = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0xEE };
            byte[] gip = guestIp.GetAddressBytes(), sip = gatewayIp.GetAddressBytes();
            var list = new List<Frame>();
            void Add(string name, byte[] f, bool malformed) => list.Add(new Frame(name, f, malformed));
            byte[] Eth(ushort type, byte[] payload)
            {
                var f = new byte[14 + payload.Length];
                Array.Copy(guestMac, f, 6); Array.Copy(src, 0, f, 6, 6);
                f[12] = (byte)(type >> 8); f[13] = (byte)type;
                payload.CopyTo(f, 14);
                return f;
            }
            byte[] Ip(byte proto, byte[] data, byte[] from = null, byte[] to = null, byte[] options = null, ushort fragment = 0)
            {
                int ihl = 20 + (options?.Length ?? 0);
                var p = new byte[ihl + data.Length];
                p[0] = (byte)(0x40 | ihl / 4);
                p[2] = (byte)(p.Length >> 8); p[3] = (byte)p.Length;
                p[4] = 0x12; p[5] = 0x34;
                p[6] = (byte)(fragment >> 8); p[7] = (byte)fragment;
                p[8] = 64; p[9] = proto;
                (from ?? sip).CopyTo(p, 12); (to ?? gip).CopyTo(p, 16);
                options?.CopyTo(p, 20);
                SetChecksum(p, 0, ihl, 10);
                data.CopyTo(p, ihl);
                return p;
            }
            byte[] Udp(ushort sport, ushort dport, byte[] payload, bool checksum = true)
            {
                var u = new byte[8 + payload.Length];
                u[0] = (byte)(sport >> 8); u[1] = (byte)sport; u[2] = (byte)(dport >> 8); u[3] = (byte)dport;
                u[4] = (byte)(u.Length >> 8); u[5] = (byte)u.Length;
                payload.CopyTo(u, 8);
                if (checksum) SetUdpChecksum(u, sip, gip);
                return u;
            }

            // Ethernet and ARP.
            Add("runt frame (13 bytes)", Eth(0x0800, new byte[0])[..13], true);
            Add("unknown EtherType 88B5h", Eth(0x88B5, new byte[46]), false);
            byte[] Arp(byte hlen, byte plen, ushort op)
            {
                var a = new byte[28];
                a[1] = 1; a[2] = 0x08; a[3] = 0x00; a[4] = hlen; a[5] = plen; a[6] = (byte)(op >> 8); a[7] = (byte)op;
                Array.Copy(src, 0, a, 8, 6); a[14] = 10; a[15] = 0; a[16] = 2; a[17] = 99;   // 10.0.2.99, never the gateway
                gip.CopyTo(a, 24);
                return a;
            }
            Add("ARP with hardware length 8", Eth(0x0806, Arp(8, 4, 1)), true);
            Add("ARP with protocol length 16", Eth(0x0806, Arp(6, 16, 1)), true);
            Add("ARP truncated to 20 octets (Ethernet pads to 60)", Eth(0x0806, Arp(6, 4, 1)[..20]), false);
            Add("ARP opcode 7", Eth(0x0806, Arp(6, 4, 7)), false);

            // IPv4 headers (RFC 791).
            byte[] good = Ip(17, Udp(40000, closedPort, new byte[] { 1, 2, 3, 4 }));
            byte[] Patch(byte[] p, int at, byte v, bool fixChecksum) { var c = (byte[])p.Clone(); c[at] = v; if (fixChecksum) SetChecksum(c, 0, (c[0] & 15) * 4 > c.Length ? 20 : (c[0] & 15) * 4, 10); return c; }
            Add("IPv4 version 6 in an IPv4 frame", Eth(0x0800, Patch(good, 0, 0x65, true)), true);
            Add("IPv4 IHL 4", Eth(0x0800, Patch(good, 0, 0x44, true)), true);
            Add("IPv4 IHL 15 beyond the datagram", Eth(0x0800, Patch(good, 0, 0x4F, false)), true);
            { var p = (byte[])good.Clone(); p[2] = 0x03; p[3] = 0xE8; SetChecksum(p, 0, 20, 10); Add("IPv4 total length 1000 beyond the frame", Eth(0x0800, p), true); }
            { var p = (byte[])good.Clone(); p[2] = 0; p[3] = 10; SetChecksum(p, 0, 20, 10); Add("IPv4 total length 10 below the header", Eth(0x0800, p), true); }
            { var p = (byte[])good.Clone(); p[10] ^= 0x55; Add("IPv4 bad header checksum", Eth(0x0800, p), true); }
            Add("IPv4 from 255.255.255.255", Eth(0x0800, Ip(17, Udp(1, closedPort, new byte[4], false), from: new byte[] { 255, 255, 255, 255 })), true);
            Add("IPv4 option with length 0", Eth(0x0800, Ip(17, Udp(40000, closedPort, new byte[4]), options: new byte[] { 0x44, 0x00, 0x05, 0x00 })), false);
            Add("IPv4 option longer than the header", Eth(0x0800, Ip(17, Udp(40000, closedPort, new byte[4]), options: new byte[] { 0x07, 0x40, 0x04, 0x00 })), false);
            Add("IPv4 fragment ending beyond 65,535 octets", Eth(0x0800, Ip(17, new byte[64], fragment: 0x2000 | 8190)), false);
            Add("IPv4 protocol 99", Eth(0x0800, Ip(99, new byte[16])), false);

            // ICMP (RFC 792).
            byte[] Echo(byte type, bool fix)
            {
                var e = new byte[16];
                e[0] = type; e[4] = 0x77; e[6] = 0; e[7] = 1;
                if (fix) SetChecksum(e, 0, e.Length, 2); else { e[2] = 0xDE; e[3] = 0xAD; }
                return e;
            }
            Add("ICMP echo with a bad checksum", Eth(0x0800, Ip(1, Echo(8, false))), true);
            Add("ICMP truncated to 3 octets", Eth(0x0800, Ip(1, new byte[] { 8, 0, 0 })), true);
            Add("ICMP echo request to 255.255.255.255", Eth(0x0800, Ip(1, Echo(8, true), to: new byte[] { 255, 255, 255, 255 })), false);

            // UDP (RFC 768).
            { var u = Udp(40000, closedPort, new byte[8]); u[4] = 0x01; u[5] = 0x00; Add("UDP length 256 beyond the datagram", Eth(0x0800, Ip(17, u)), true); }
            { var u = Udp(40000, closedPort, new byte[8]); u[4] = 0; u[5] = 4; Add("UDP length 4", Eth(0x0800, Ip(17, u)), true); }
            { var u = Udp(40000, closedPort, new byte[8]); u[6] ^= 0x5A; if (u[6] == 0 && u[7] == 0) u[7] = 1; Add("UDP bad checksum", Eth(0x0800, Ip(17, u)), true); }
            Add("UDP to a closed port", Eth(0x0800, Ip(17, Udp(40000, closedPort, new byte[8]))), false);

            // TCP (RFC 9293): impossible flag sets and bad headers; good checksums unless named.
            byte[] Tcp(byte flags, byte offsetWords, bool fix)
            {
                var t = new byte[20];
                t[0] = 0x9C; t[1] = 0x40; t[2] = 0x1F; t[3] = 0x90;                  // 40000 → 8080
                t[4] = 1; t[12] = (byte)(offsetWords << 4); t[13] = flags; t[14] = 0xFF; t[15] = 0xFF;
                if (fix) SetTcpChecksum(t, sip, gip); else { t[16] = 0xBE; t[17] = 0xEF; }
                return t;
            }
            Add("TCP SYN+FIN", Eth(0x0800, Ip(6, Tcp(0x03, 5, true))), false);
            Add("TCP SYN+RST", Eth(0x0800, Ip(6, Tcp(0x06, 5, true))), false);
            Add("TCP without flags", Eth(0x0800, Ip(6, Tcp(0x00, 5, true))), false);
            Add("TCP data offset 3", Eth(0x0800, Ip(6, Tcp(0x02, 3, true))), false);
            Add("TCP data offset 15 beyond the segment", Eth(0x0800, Ip(6, Tcp(0x02, 15, true))), false);
            Add("TCP bad checksum", Eth(0x0800, Ip(6, Tcp(0x02, 5, false))), false);

            // DNS replies (RFC 1035) to the waiting client, from its server: all must be ignored.
            byte[] Dns(Action<List<byte>> body)
            {
                var d = new List<byte> { 0x00, 0x00, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
                body(d);
                return d.ToArray();
            }
            void AddDns(string name, byte[] payload) => Add(name, Eth(0x0800, Ip(17, Udp(dnsServerPort, dnsPort, payload))), false);
            AddDns("DNS compression pointer to itself", Dns(d => { d.AddRange(new byte[] { 0xC0, 12, 0, 1, 0, 1 }); }));
            AddDns("DNS pointer loop of two", Dns(d => { d.AddRange(new byte[] { 0xC0, 14, 0xC0, 12, 0, 1, 0, 1 }); }));
            AddDns("DNS pointer beyond the message", Dns(d => { d.AddRange(new byte[] { 0xC0, 0xFF, 0, 1, 0, 1 }); }));
            AddDns("DNS 65,535 answers announced, none present", Dns(d => { d[6] = 0xFF; d[7] = 0xFF; d.AddRange(new byte[] { 1, (byte)'a', 0, 0, 1, 0, 1 }); }));
            AddDns("DNS RDLENGTH beyond the message", Dns(d => { d.AddRange(new byte[] { 1, (byte)'a', 0, 0, 1, 0, 1, 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0x10, 0x00, 10 }); }));
            AddDns("DNS label of 64 octets", Dns(d => { d.Add(64); for (int i = 0; i < 64; i++) d.Add((byte)'x'); d.AddRange(new byte[] { 0, 0, 1, 0, 1 }); }));
            AddDns("DNS header only (11 octets)", new byte[11]);

            // DHCP (RFC 2131) to port 68 from a server: the bound client must ignore them.
            byte[] Dhcp(Action<byte[]> edit, int length = 300)
            {
                var m = new byte[length];
                if (length > 0) m[0] = 2;
                if (length > 2) { m[1] = 1; m[2] = 6; }
                if (length >= 240) { m[236] = 99; m[237] = 130; m[238] = 83; m[239] = 99; }
                Array.Copy(guestMac, 0, m, 28, Math.Min(6, Math.Max(0, length - 28)));
                edit(m);
                return m;
            }
            void AddDhcp(string name, byte[] payload) => Add(name, Eth(0x0800, Ip(17, Udp(67, 68, payload))), false);
            AddDhcp("DHCP option length beyond the message", Dhcp(m => { m[240] = 53; m[241] = 200; }));
            AddDhcp("DHCP wrong magic cookie", Dhcp(m => { m[236] = 1; }));
            AddDhcp("DHCP truncated to 100 octets", Dhcp(_ => { }, 100));
            AddDhcp("DHCP ACK for another transaction with a zero lease", Dhcp(m => { m[4] = 0xDE; m[240] = 53; m[241] = 1; m[242] = 5; m[243] = 51; m[244] = 4; m[249] = 255; }));

            // Seeded mutations of a valid datagram: a few bytes of the IPv4/UDP headers changed; the IPv4 checksum is
            // recomputed for half of them so the damage reaches the UDP layer.
            var rnd = new Random(seed);
            for (int i = 0; i < mutations; i++)
            {
                var p = Ip(17, Udp(40000, closedPort, new byte[] { (byte)i, 2, 3, 4, 5, 6, 7, 8 }));
                int edits = 1 + rnd.Next(3);
                for (int e = 0; e < edits; e++) p[rnd.Next(28)] = (byte)rnd.Next(256);
                bool fix = (i & 1) == 0 && (p[0] & 15) >= 5 && (p[0] & 15) * 4 <= p.Length;
                if (fix) SetChecksum(p, 0, (p[0] & 15) * 4, 10);
                Add("mutation " + i, Eth(0x0800, p), false);
            }
            return list;
        }

        /// <summary>
        /// <paramref name="count"/> TCP SYNs (RFC 9293 §3.1, MSS option) to <paramref name="guestIp"/>:<paramref name="port"/>
        /// from spoofed sources on the guest's own /24 that do not exist (hosts .100–.249: the guest's ARP requests for
        /// them go unanswered, so its SYN,ACKs never leave and every SYN leaves a half-open connection behind, as in a
        /// real flood; an off-link source would have the gateway answer the SYN,ACK with a RST) with random source
        /// ports, seeded; checksums correct.
        /// </summary>
        public static List<byte[]> SynFlood(byte[] guestMac, IPAddress guestIp, ushort port, int count, int seed)
        {
            byte[] src = { 0x52, 0x55, 0x0A, 0x00, 0x02, 0x02 };
            byte[] gip = guestIp.GetAddressBytes();
            var rnd = new Random(seed);
            var list = new List<byte[]>(count);
            for (int i = 0; i < count; i++)
            {
                byte[] from = { gip[0], gip[1], gip[2], (byte)(100 + i % 150) };
                var t = new byte[24];
                ushort sport = (ushort)(1024 + rnd.Next(64000));
                uint seq = (uint)rnd.Next();
                t[0] = (byte)(sport >> 8); t[1] = (byte)sport; t[2] = (byte)(port >> 8); t[3] = (byte)port;
                t[4] = (byte)(seq >> 24); t[5] = (byte)(seq >> 16); t[6] = (byte)(seq >> 8); t[7] = (byte)seq;
                t[12] = 6 << 4; t[13] = 0x02; t[14] = 0xFF; t[15] = 0xFF;
                t[20] = 2; t[21] = 4; t[22] = 0x05; t[23] = 0xB4;                     // MSS 1460
                SetTcpChecksum(t, from, gip);
                var ip = new byte[20 + t.Length];
                ip[0] = 0x45; ip[2] = (byte)(ip.Length >> 8); ip[3] = (byte)ip.Length; ip[4] = (byte)(i >> 8); ip[5] = (byte)i;
                ip[8] = 64; ip[9] = 6;
                from.CopyTo(ip, 12); gip.CopyTo(ip, 16);
                SetChecksum(ip, 0, 20, 10);
                t.CopyTo(ip, 20);
                var f = new byte[14 + ip.Length];
                Array.Copy(guestMac, f, 6); Array.Copy(src, 0, f, 6, 6); f[12] = 0x08; f[13] = 0x00;
                ip.CopyTo(f, 14);
                list.Add(f);
            }
            return list;
        }

        private static ushort Sum(byte[] b, int offset, int length, uint initial = 0)
        {
            uint s = initial;
            for (int i = 0; i + 1 < length; i += 2) s += (uint)(b[offset + i] << 8 | b[offset + i + 1]);
            if ((length & 1) != 0) s += (uint)(b[offset + length - 1] << 8);
            while (s > 0xFFFF) s = (s & 0xFFFF) + (s >> 16);
            return (ushort)~s;
        }

        private static void SetChecksum(byte[] b, int offset, int length, int at)
        {
            b[offset + at] = 0; b[offset + at + 1] = 0;
            ushort c = Sum(b, offset, length);
            b[offset + at] = (byte)(c >> 8); b[offset + at + 1] = (byte)c;
        }

        private static uint Pseudo(byte[] from, byte[] to, byte proto, int length) =>
            (uint)(from[0] << 8 | from[1]) + (uint)(from[2] << 8 | from[3]) + (uint)(to[0] << 8 | to[1]) + (uint)(to[2] << 8 | to[3]) + proto + (uint)length;

        private static void SetUdpChecksum(byte[] u, byte[] from, byte[] to)
        {
            u[6] = 0; u[7] = 0;
            ushort c = Sum(u, 0, u.Length, Pseudo(from, to, 17, u.Length));
            if (c == 0) c = 0xFFFF;
            u[6] = (byte)(c >> 8); u[7] = (byte)c;
        }

        private static void SetTcpChecksum(byte[] t, byte[] from, byte[] to)
        {
            t[16] = 0; t[17] = 0;
            ushort c = Sum(t, 0, t.Length, Pseudo(from, to, 6, t.Length));
            t[16] = (byte)(c >> 8); t[17] = (byte)c;
        }
    }
}
