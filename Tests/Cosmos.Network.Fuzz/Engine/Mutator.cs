using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.Network.Fuzz;

/// <summary>The layer a target cares about: structure-aware mutations of that layer are chosen more often.</summary>
public enum FuzzLayer
{
    /// <summary>No preference.</summary>
    Any,
    /// <summary>The Ethernet header.</summary>
    Ethernet,
    /// <summary>ARP.</summary>
    Arp,
    /// <summary>The IPv4 header (options, lengths, fragments).</summary>
    IPv4,
    /// <summary>ICMP.</summary>
    Icmp,
    /// <summary>The UDP header.</summary>
    Udp,
    /// <summary>A DHCP message.</summary>
    Dhcp,
    /// <summary>A DNS message.</summary>
    Dns,
}

/// <summary>
/// Mutations of a captured frame, each logged as one line so a failure tells what was done. Generic ones (bit flips,
/// interesting octets and words, truncation, extension, insertion and deletion, splicing with another seed) and
/// structure-aware ones (MAC and EtherType, ARP fields, IPv4 header fields and options, fragmenting, UDP length and
/// ports, ICMP type/code, DHCP option length lies and odd values, DNS compression-pointer loops, label and count
/// lies). Afterwards lengths and checksums are usually repaired (IPv4 Total Length, UDP Length, UDP/ICMP and IPv4
/// checksums), except the fields a mutation lied about on purpose, so the deeper layers get exercised.
/// Deterministic: everything comes from the <see cref="Random"/> passed in.
/// </summary>
public static class Mutator
{
    private static readonly ushort[] Interesting16 = { 0, 1, 7, 8, 9, 19, 20, 21, 28, 46, 63, 64, 127, 128, 255, 256, 511, 512, 576, 1472, 1480, 1500, 1501, 0x3FFF, 0x7FFF, 0x8000, 0xC000, 0xC00C, 0xFFFE, 0xFFFF };
    private static readonly byte[] Interesting8 = { 0, 1, 2, 4, 5, 6, 8, 15, 16, 0x3F, 0x40, 0x41, 0x7F, 0x80, 0xC0, 0xFE, 0xFF };
    private static readonly uint[] Addresses =
    {
        0x0A630001, 0x0A630002, 0x0A6300FF, 0x0A630000, 0xFFFFFFFF, 0x00000000, 0xE0000001, 0xEFFFFFFF, 0x7F000001,
        0x0A630105, 0xF0000001, 0x0A630039, 0x01020304,
    };
    private static readonly ulong[] Macs = { 0x020000990001, 0x020000990002, 0xFFFFFFFFFFFF, 0x01005E000001, 0x333300000001, 0x000000000000, 0x020000990003 };

    /// <summary>
    /// Returns a mutated copy of <paramref name="frame"/> after 1–8 mutations (fewer more often), appending their
    /// descriptions to <paramref name="log"/>.
    /// </summary>
    public static byte[] Mutate(byte[] frame, FuzzLayer focus, SeedCorpus corpus, Random rng, List<string> log)
    {
        var lies = new HashSet<string>();
        byte[] f = (byte[])frame.Clone();
        int count = 1 + rng.Next(rng.Next(3) == 0 ? 8 : 3);
        for (int i = 0; i < count; i++) f = MutateOnce(f, focus, corpus, rng, log, lies);
        if (rng.Next(4) != 0) Repair(f, rng, log, lies);
        return f;
    }

    /// <summary>Repairs lengths and checksums (each most of the time), except those in <paramref name="lies"/>.</summary>
    public static void Repair(byte[] f, Random rng, List<string> log, HashSet<string> lies)
    {
        var done = new List<string>();
        if (!lies.Contains("udp-length") && rng.Next(8) != 0) { FrameEdit.FixUdpLength(f); done.Add("udp-length"); }
        if (!lies.Contains("ip-length") && rng.Next(8) != 0) { FrameEdit.FixIpTotalLength(f); done.Add("ip-length"); }
        if (!lies.Contains("checksum") && rng.Next(8) != 0) { FrameEdit.FixTransportChecksum(f); done.Add("transport-checksum"); }
        if (!lies.Contains("ip-checksum") && rng.Next(10) != 0) { FrameEdit.FixIpChecksum(f); done.Add("ip-checksum"); }
        log.Add("repair " + (done.Count == 0 ? "nothing" : string.Join(",", done)));
    }

    private static int LayerStart(FrameLayout l, FuzzLayer layer) => layer switch
    {
        FuzzLayer.Ethernet => 0,
        FuzzLayer.Arp => l.Arp,
        FuzzLayer.IPv4 => l.Ip,
        FuzzLayer.Icmp or FuzzLayer.Udp => l.Transport,
        FuzzLayer.Dhcp => l.Dhcp,
        FuzzLayer.Dns => l.Dns,
        _ => -1,
    };

    private static int Position(byte[] f, FrameLayout l, FuzzLayer focus, Random rng)
    {
        int start = LayerStart(l, focus);
        if (start >= 0 && start < f.Length && rng.Next(3) != 0)
        {
            int span = focus == FuzzLayer.Dhcp ? 320 : focus == FuzzLayer.Dns ? 128 : 48;
            return Math.Min(f.Length - 1, start + rng.Next(span));
        }
        return rng.Next(f.Length);
    }

    private static byte[] MutateOnce(byte[] f, FuzzLayer focus, SeedCorpus corpus, Random rng, List<string> log, HashSet<string> lies)
    {
        FrameLayout l = FrameLayout.Of(f);
        // Structure-aware mutations of the focused layer half of the time (when it exists), generic ones otherwise.
        if (rng.Next(2) == 0)
        {
            switch (focus)
            {
                case FuzzLayer.Dns when l.Dns >= 0: return Dns(f, l, rng, log, lies);
                case FuzzLayer.Dhcp when l.Dhcp >= 0: return Dhcp(f, l, rng, log, lies);
                case FuzzLayer.Udp when l.UdpData >= 0: return Udp(f, l, rng, log, lies);
                case FuzzLayer.Icmp when l.Transport >= 0 && l.Protocol == 1: return Icmp(f, l, rng, log);
                case FuzzLayer.IPv4 when l.Ip >= 0: return rng.Next(3) == 0 ? IpOptions(f, l, rng, log) : IpField(f, l, rng, log, lies);
                case FuzzLayer.Arp when l.Arp >= 0: return ArpField(f, l, rng, log);
                case FuzzLayer.Ethernet: return EthernetField(f, rng, log);
            }
        }
        if (f.Length == 0) { log.Add("extend empty frame by 14 octets"); return new byte[14]; }
        switch (rng.Next(16))
        {
            case 0:
            case 1:
            case 2:
            {
                int p = Position(f, l, focus, rng), bit = rng.Next(8);
                f[p] ^= (byte)(1 << bit);
                log.Add($"flip bit {bit} of octet {p}");
                return f;
            }
            case 3:
            case 4:
            {
                int p = Position(f, l, focus, rng);
                byte v = Interesting8[rng.Next(Interesting8.Length)];
                f[p] = v;
                log.Add($"octet {p} = 0x{v:X2}");
                return f;
            }
            case 5:
            case 6:
            {
                int p = Math.Min(Position(f, l, focus, rng), f.Length - 2);
                if (p < 0) return f;
                ushort v = Interesting16[rng.Next(Interesting16.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p), v);
                log.Add($"word at {p} = 0x{v:X4}");
                return f;
            }
            case 7:
            {
                int p = Position(f, l, focus, rng);
                byte v = (byte)rng.Next(256);
                f[p] = v;
                log.Add($"octet {p} = random 0x{v:X2}");
                return f;
            }
            case 8:
            case 9:
            {
                // Truncate: at a random place, or just inside/after a layer boundary.
                int len = rng.Next(2) == 0 ? rng.Next(f.Length) : Math.Clamp(Position(f, l, focus, rng) + rng.Next(-2, 3), 0, f.Length);
                log.Add($"truncate to {len} octets");
                if (rng.Next(2) == 0) lies.Add("ip-length");
                return f.AsSpan(0, len).ToArray();
            }
            case 10:
            {
                int extra = rng.Next(3) == 0 ? rng.Next(1, 1600) : rng.Next(1, 48);
                var r = new byte[f.Length + extra];
                f.CopyTo(r, 0);
                bool random = rng.Next(2) == 0;
                if (random) for (int i = f.Length; i < r.Length; i++) r[i] = (byte)rng.Next(256);
                log.Add($"extend by {extra} {(random ? "random" : "zero")} octets");
                return r;
            }
            case 11:
            {
                int p = Position(f, l, focus, rng), n = 1 + rng.Next(rng.Next(4) == 0 ? 64 : 4);
                if (rng.Next(2) == 0)
                {
                    var ins = new byte[n];
                    rng.NextBytes(ins);
                    log.Add($"insert {n} random octets at {p}");
                    return FrameEdit.Insert(f, p, ins);
                }
                log.Add($"delete {n} octets at {p}");
                return FrameEdit.Remove(f, p, n);
            }
            case 12:
            {
                // Splice: keep this frame's head, take another seed's tail from the same offset (or a random one).
                SeedFrame other = corpus.Frames[rng.Next(corpus.Frames.Count)];
                int cut = Position(f, l, focus, rng);
                int from = rng.Next(2) == 0 ? Math.Min(cut, other.Data.Length) : rng.Next(other.Data.Length + 1);
                var r = new byte[cut + other.Data.Length - from];
                f.AsSpan(0, cut).CopyTo(r);
                other.Data.AsSpan(from).CopyTo(r.AsSpan(cut));
                log.Add($"splice {other.File}#{other.Index} from {from} at {cut}");
                return r;
            }
            case 13:
            {
                // Copy a chunk of the frame over another place of it (repeats structures such as options and names).
                int a = rng.Next(f.Length), b = rng.Next(f.Length), n = Math.Min(1 + rng.Next(32), Math.Min(f.Length - a, f.Length - b));
                f.AsSpan(a, n).ToArray().CopyTo(f.AsSpan(b));
                log.Add($"copy {n} octets from {a} to {b}");
                return f;
            }
            case 14: return l.Ip >= 0 ? IpField(f, l, rng, log, lies) : EthernetField(f, rng, log);
            default: return EthernetField(f, rng, log);
        }
    }

    private static byte[] EthernetField(byte[] f, Random rng, List<string> log)
    {
        if (f.Length < 14) { log.Add("pad runt to 14 octets"); Array.Resize(ref f, 14); return f; }
        if (rng.Next(2) == 0)
        {
            ulong mac = Macs[rng.Next(Macs.Length)];
            int at = rng.Next(3) == 0 ? 6 : 0;
            for (int i = 0; i < 6; i++) f[at + i] = (byte)(mac >> (40 - 8 * i));
            log.Add($"{(at == 0 ? "destination" : "source")} MAC = {mac:X12}");
        }
        else
        {
            ushort[] types = { 0x0800, 0x0806, 0x8100, 0x86DD, 0x05DC, 0x0000, 0xFFFF };
            ushort t = types[rng.Next(types.Length)];
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), t);
            log.Add($"EtherType = 0x{t:X4}");
        }
        return f;
    }

    private static byte[] ArpField(byte[] f, FrameLayout l, Random rng, List<string> log)
    {
        int a = l.Arp;
        if (a + 28 > f.Length) { log.Add("ARP too short: flip"); f[Math.Min(f.Length - 1, a + rng.Next(8))] ^= 1; return f; }
        switch (rng.Next(5))
        {
            case 0:
                ushort op = new ushort[] { 0, 1, 2, 3, 4, 0xFFFF }[rng.Next(6)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(a + 6), op);
                log.Add($"ARP op = {op}"); break;
            case 1:
                int at = new[] { 0, 2, 4, 5 }[rng.Next(4)];
                f[a + at] = Interesting8[rng.Next(Interesting8.Length)];
                log.Add($"ARP header octet +{at} = 0x{f[a + at]:X2}"); break;
            case 2:
            case 3:
            {
                int which = new[] { 14, 24 }[rng.Next(2)];
                uint ip = Addresses[rng.Next(Addresses.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(a + which), ip);
                log.Add($"ARP {(which == 14 ? "spa" : "tpa")} = {new IPv4Address(ip)}"); break;
            }
            default:
            {
                int which = new[] { 8, 18 }[rng.Next(2)];
                ulong mac = Macs[rng.Next(Macs.Length)];
                for (int i = 0; i < 6; i++) f[a + which + i] = (byte)(mac >> (40 - 8 * i));
                log.Add($"ARP {(which == 8 ? "sha" : "tha")} = {mac:X12}"); break;
            }
        }
        return f;
    }

    private static byte[] IpField(byte[] f, FrameLayout l, Random rng, List<string> log, HashSet<string> lies)
    {
        int ip = l.Ip;
        switch (rng.Next(9))
        {
            case 0:
            {
                byte ihl = (byte)rng.Next(16);
                f[ip] = (byte)((f[ip] & 0xF0) | ihl);
                log.Add($"IHL = {ihl}"); break;
            }
            case 1:
            {
                byte v = (byte)new[] { 0, 4, 5, 6, 15 }[rng.Next(5)];
                f[ip] = (byte)((v << 4) | (f[ip] & 0xF));
                log.Add($"IP version = {v}"); break;
            }
            case 2:
            {
                int real = f.Length - ip;
                int[] choices = { 0, 19, 20, l.IpHeaderLength - 1, l.IpHeaderLength, real - 1, real + 1, real + 8, 65535, rng.Next(65536) };
                ushort t = (ushort)Math.Clamp(choices[rng.Next(choices.Length)], 0, 65535);
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 2), t);
                lies.Add("ip-length");
                log.Add($"IP Total Length = {t} (frame has {real})"); break;
            }
            case 3:
            {
                // Flags and offset: MF on/off, DF, reserved bit, offsets near the 65535 limit.
                int[] offsets = { 0, 1, 3, 185, 370, 8189, 8190, 8191, rng.Next(8192) };
                int flags = rng.Next(8), off = offsets[rng.Next(offsets.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(ip + 6), (ushort)(flags << 13 | off));
                log.Add($"IP flags = {flags}, offset = {off}"); break;
            }
            case 4:
            {
                byte p = new byte[] { 0, 1, 2, 6, 17, 41, 255 }[rng.Next(7)];
                f[ip + 9] = p;
                log.Add($"IP protocol = {p}"); break;
            }
            case 5:
            case 6:
            {
                int at = rng.Next(2) == 0 ? 12 : 16;
                uint a = rng.Next(5) == 0 ? (uint)rng.Next() : Addresses[rng.Next(Addresses.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(ip + at), a);
                log.Add($"IP {(at == 12 ? "source" : "destination")} = {new IPv4Address(a)}"); break;
            }
            case 7:
            {
                // Break the frame into a fragment of itself: a slice of the data at some offset, MF set or not.
                int dataStart = ip + Math.Max(20, l.IpHeaderLength);
                if (dataStart >= f.Length) { log.Add("fragmentize: no data"); break; }
                int take = Math.Max(1, rng.Next(f.Length - dataStart + 1));
                if (rng.Next(2) == 0) take = Math.Max(8, take & ~7);
                take = Math.Min(take, f.Length - dataStart);
                int off = rng.Next(4) == 0 ? rng.Next(8192) : rng.Next(4) * 185;
                bool mf = rng.Next(2) == 0;
                var r = new byte[dataStart + take];
                f.AsSpan(0, dataStart).CopyTo(r);
                f.AsSpan(dataStart, take).CopyTo(r.AsSpan(dataStart));
                BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(ip + 6), (ushort)((mf ? 0x2000 : 0) | off));
                log.Add($"fragmentize: {take} data octets at offset {off * 8}, MF={(mf ? 1 : 0)}");
                return r;
            }
            default:
            {
                f[ip + 8] = (byte)new[] { 0, 1, 255 }[rng.Next(3)];
                f[ip + 1] = (byte)rng.Next(256);
                log.Add($"IP TTL = {f[ip + 8]}, TOS = 0x{f[ip + 1]:X2}"); break;
            }
        }
        return f;
    }

    /// <summary>Inserts IPv4 options (well-formed or lying about their lengths and pointers) and raises IHL to cover them.</summary>
    private static byte[] IpOptions(byte[] f, FrameLayout l, Random rng, List<string> log)
    {
        int ip = l.Ip;
        var opt = new List<byte>();
        string what;
        switch (rng.Next(8))
        {
            case 0: what = "NOPs"; for (int i = 0; i < 1 + rng.Next(8); i++) opt.Add(1); break;
            case 1: what = "EOL then garbage"; opt.Add(0); for (int i = 0; i < 1 + rng.Next(10); i++) opt.Add((byte)rng.Next(256)); break;
            case 2:
            {
                byte len = (byte)new[] { 0, 1, 2, 3, 7, 39, 40, 255 }[rng.Next(8)], ptr = (byte)new[] { 0, 3, 4, 5, 40, 255 }[rng.Next(6)];
                what = $"record route len {len} ptr {ptr}";
                opt.Add(7); opt.Add(len); opt.Add(ptr); for (int i = 0; i < Math.Min(36, Math.Max(0, len - 3)); i++) opt.Add(0);
                break;
            }
            case 3:
            {
                byte len = (byte)new[] { 0, 1, 4, 8, 12, 40, 255 }[rng.Next(7)];
                what = $"timestamp len {len}";
                opt.Add(0x44); opt.Add(len); opt.Add(5); opt.Add((byte)rng.Next(256)); for (int i = 0; i < Math.Min(36, Math.Max(0, len - 4)); i++) opt.Add(0);
                break;
            }
            case 4:
            {
                byte type = rng.Next(2) == 0 ? (byte)0x83 : (byte)0x89;
                byte len = (byte)new[] { 3, 7, 11, 2, 255 }[rng.Next(5)];
                what = $"source route 0x{type:X2} len {len}";
                opt.Add(type); opt.Add(len); opt.Add(4); for (int i = 0; i < Math.Min(36, Math.Max(0, len - 3)); i++) opt.Add(10);
                break;
            }
            case 5: what = "router alert"; opt.AddRange(new byte[] { 0x94, 4, 0, 0 }); break;
            case 6: what = "security"; opt.AddRange(new byte[] { 0x82, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0 }); break;
            default:
                what = "random";
                for (int i = 0; i < 1 + rng.Next(40); i++) opt.Add((byte)rng.Next(256));
                break;
        }
        while (opt.Count % 4 != 0) opt.Add(rng.Next(2) == 0 ? (byte)0 : (byte)1);
        if (opt.Count > 40) opt.RemoveRange(40, opt.Count - 40);
        int ihl = Math.Max(20, l.IpHeaderLength);
        if (ihl + opt.Count > 60) { log.Add("IP options: header already full"); return f; }
        if (ip + ihl > f.Length) { log.Add("IP options: header cut"); return f; }
        byte[] r = FrameEdit.Insert(f, ip + ihl, opt.ToArray());
        r[ip] = (byte)((r[ip] & 0xF0) | ((ihl + opt.Count) / 4));
        FrameEdit.FixIpTotalLength(r);
        FrameEdit.FixIpChecksum(r);
        log.Add($"IP options: {what} ({opt.Count} octets), IHL = {(ihl + opt.Count) / 4}");
        return r;
    }

    private static byte[] Udp(byte[] f, FrameLayout l, Random rng, List<string> log, HashSet<string> lies)
    {
        int u = l.Transport;
        switch (rng.Next(4))
        {
            case 0:
            {
                int real = l.IpEnd - u;
                int[] c = { 0, 7, 8, 9, real - 1, real + 1, 65535, rng.Next(65536) };
                ushort len = (ushort)Math.Clamp(c[rng.Next(c.Length)], 0, 65535);
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(u + 4), len);
                lies.Add("udp-length");
                log.Add($"UDP Length = {len} (datagram has {real})"); break;
            }
            case 1:
            {
                ushort[] ports = { 0, 7, 53, 67, 68, 7000, 7001, 65535 };
                int at = rng.Next(2) * 2;
                ushort p = ports[rng.Next(ports.Length)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(u + at), p);
                log.Add($"UDP {(at == 0 ? "source" : "destination")} port = {p}"); break;
            }
            case 2:
                f[u + 6] = 0; f[u + 7] = 0; lies.Add("checksum");
                log.Add("UDP checksum = 0 (none)"); break;
            default:
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(u + 6), (ushort)rng.Next(65536)); lies.Add("checksum");
                log.Add("UDP checksum = random"); break;
        }
        return f;
    }

    private static byte[] Icmp(byte[] f, FrameLayout l, Random rng, List<string> log)
    {
        int t = l.Transport;
        if (t + 2 > f.Length) return f;
        byte type = new byte[] { 0, 3, 5, 8, 11, 13, 255 }[rng.Next(7)];
        byte code = rng.Next(3) == 0 ? (byte)rng.Next(256) : (byte)0;
        f[t] = type; f[t + 1] = code;
        log.Add($"ICMP type {type} code {code}");
        return f;
    }

    private static byte[] Dhcp(byte[] f, FrameLayout l, Random rng, List<string> log, HashSet<string> lies)
    {
        int d = l.Dhcp, end = f.Length;
        if (d + 240 > end) { log.Add("DHCP too short: truncate further"); return f.AsSpan(0, Math.Max(d, end - rng.Next(1, 8))).ToArray(); }
        List<int> options = FrameEdit.DhcpOptions(f, d, end);
        switch (rng.Next(9))
        {
            case 0 when options.Count > 0:
            {
                // An option that lies about its length.
                int o = options[rng.Next(options.Count)];
                if (f[o] == 255 || o + 1 >= end) goto default;
                int room = end - o - 2;
                byte len = (byte)Math.Clamp(new[] { 0, 1, 2, 3, 5, 255, room, room + 1 }[rng.Next(8)], 0, 255);
                log.Add($"DHCP option {f[o]} at {o}: length {f[o + 1]} -> {len}");
                f[o + 1] = len; return f;
            }
            case 1:
            {
                // A known option with a wrong length (inserted first, so it is the instance kept).
                byte code = new byte[] { 53, 1, 3, 6, 50, 51, 54, 55, 52 }[rng.Next(9)];
                byte len = (byte)new[] { 0, 1, 2, 3, 5, 8, 253 }[rng.Next(7)];
                var opt = new byte[2 + Math.Min((int)len, 8)];
                opt[0] = code; opt[1] = len;
                for (int i = 2; i < opt.Length; i++) opt[i] = (byte)rng.Next(256);
                log.Add($"DHCP insert option {code} length {len} ({opt.Length - 2} octets present)");
                return FrameEdit.Insert(f, d + 240, opt);
            }
            case 2 when options.Count > 0:
            {
                int o = options[^1];
                if (f[o] == 255) { f[o] = 0; log.Add("DHCP End replaced by Pad"); }
                else { log.Add("DHCP cut inside the last option"); return f.AsSpan(0, Math.Min(end, o + 1 + rng.Next(2))).ToArray(); }
                return f;
            }
            case 3:
            {
                byte t = (byte)new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 255 }[rng.Next(11)];
                byte[] opt = { 53, 1, t };
                log.Add($"DHCP message type {t} inserted first");
                return FrameEdit.Insert(f, d + 240, opt);
            }
            case 4:
            {
                int at = new[] { 0, 1, 2, 3, 236, 237, 238, 239 }[rng.Next(8)];
                f[d + at] = Interesting8[rng.Next(Interesting8.Length)];
                log.Add($"DHCP fixed octet +{at} = 0x{f[d + at]:X2}"); return f;
            }
            case 5:
            {
                // yiaddr/ciaddr/siaddr/giaddr oddities.
                int at = new[] { 12, 16, 16, 20, 24 }[rng.Next(5)];
                uint a = Addresses[rng.Next(Addresses.Length)];
                BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(d + at), a);
                log.Add($"DHCP address field +{at} = {new IPv4Address(a)}"); return f;
            }
            case 6:
            {
                // Odd option values: lease time, subnet mask, router, server identifier.
                uint[] leases = { 0, 1, 2, 7, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF };
                byte code = new byte[] { 51, 1, 3, 54, 6 }[rng.Next(5)];
                uint v = code == 51 ? leases[rng.Next(leases.Length)] : code == 1 ? new uint[] { 0, 0xFFFFFFFF, 0xFF00FF00, 0x80000000, 0xFFFFFFFE }[rng.Next(5)] : Addresses[rng.Next(Addresses.Length)];
                byte[] opt = { code, 4, (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };
                log.Add($"DHCP option {code} = 0x{v:X8} inserted first");
                return FrameEdit.Insert(f, d + 240, opt);
            }
            case 7:
            {
                // Option overload and many repeated options.
                var opt = new List<byte> { 52, 1, (byte)rng.Next(4) };
                int n = rng.Next(40);
                for (int i = 0; i < n; i++) { opt.Add(3); opt.Add(4); opt.Add(10); opt.Add(99); opt.Add(0); opt.Add((byte)i); }
                log.Add($"DHCP overload option and {n} repeated routers");
                return FrameEdit.Insert(f, d + 240, opt.ToArray());
            }
            default:
            {
                int o = d + 240 + rng.Next(Math.Max(1, end - d - 240));
                if (o < end) f[o] = Interesting8[rng.Next(Interesting8.Length)];
                log.Add($"DHCP options octet {o} = 0x{(o < end ? f[o] : 0):X2}"); return f;
            }
        }
    }

    private static byte[] Dns(byte[] f, FrameLayout l, Random rng, List<string> log, HashSet<string> lies)
    {
        int d = l.Dns, end = f.Length;
        if (d + 12 > end) { log.Add("DNS header cut"); return f; }
        var names = new List<int>(); var rdl = new List<int>(); var types = new List<int>();
        FrameEdit.DnsFields(f, d, names, rdl, types);
        names.RemoveAll(p => p >= end - 1);
        int Pick(List<int> list) => list.Count > 0 ? list[rng.Next(list.Count)] : Math.Min(end - 1, d + 12 + rng.Next(Math.Max(1, end - d - 12)));
        void Ptr(int at, int target)
        {
            if (at + 2 > f.Length) return;
            int rel = Math.Clamp(target - d, 0, 0x3FFF);
            f[at] = (byte)(0xC0 | rel >> 8); f[at + 1] = (byte)rel;
        }
        switch (rng.Next(10))
        {
            case 0: { int p = Pick(names); Ptr(p, p); log.Add($"DNS name at {p - d}: pointer to itself"); return f; }
            case 1: { int p = Pick(names); int t = p + 2 + rng.Next(16); Ptr(p, t); log.Add($"DNS name at {p - d}: forward pointer to {t - d}"); return f; }
            case 2:
            {
                // Two names pointing at each other, or a pointer into the header.
                int p = Pick(names), q = Pick(names);
                if (rng.Next(2) == 0) { Ptr(p, q); Ptr(q, p); log.Add($"DNS names at {p - d} and {q - d} point at each other"); }
                else { int t = d + rng.Next(12); Ptr(p, t); log.Add($"DNS name at {p - d}: pointer into the header ({t - d})"); }
                return f;
            }
            case 3:
            {
                // A label followed by a pointer back to that label: a cycle through labels.
                int p = Pick(names);
                if (p + 4 > f.Length) return f;
                byte n = (byte)(1 + rng.Next(3));
                if (p + 1 + n + 2 > f.Length) return f;
                f[p] = n;
                Ptr(p + 1 + n, p);
                log.Add($"DNS name at {p - d}: label of {n} then a pointer back to it");
                return f;
            }
            case 4:
            {
                int which = rng.Next(4);
                ushort v = new ushort[] { 0, 1, 2, 3, 0x00FF, 0x7FFF, 0xFFFF }[rng.Next(7)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(d + 4 + 2 * which), v);
                log.Add($"DNS {new[] { "QD", "AN", "NS", "AR" }[which]}COUNT = {v}"); return f;
            }
            case 5 when rdl.Count > 0:
            {
                int p = rdl[rng.Next(rdl.Count)];
                int cur = BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(p));
                ushort v = (ushort)Math.Clamp(new[] { 0, 1, 3, 5, cur - 1, cur + 1, end - p, 0xFFFF }[rng.Next(8)], 0, 65535);
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p), v);
                log.Add($"DNS RDLENGTH at {p - d}: {cur} -> {v}"); return f;
            }
            case 6 when types.Count > 0:
            {
                int p = types[rng.Next(types.Count)];
                ushort t = new ushort[] { 1, 2, 5, 12, 15, 16, 28, 41, 255 }[rng.Next(9)];
                BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p), t);
                if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p + 2), (ushort)(rng.Next(3) == 0 ? 3 : 1));
                log.Add($"DNS TYPE at {p - d} = {t}"); return f;
            }
            case 7:
            {
                int p = Pick(names);
                byte v = new byte[] { 0, 1, 63, 64, 0x40, 0x80, 0xBF, 0xFF }[rng.Next(8)];
                f[p] = v;
                log.Add($"DNS label length at {p - d} = 0x{v:X2}"); return f;
            }
            case 8:
            {
                // A very long name: many labels (past the 255-octet limit sometimes), inserted at a name.
                int p = Pick(names), labels = 1 + rng.Next(140), len = 1 + rng.Next(rng.Next(4) == 0 ? 63 : 3);
                var name = new List<byte>();
                for (int i = 0; i < labels; i++) { name.Add((byte)len); for (int k = 0; k < len; k++) name.Add((byte)('a' + k % 26)); }
                log.Add($"DNS insert {labels} labels of {len} at {p - d}");
                return FrameEdit.Insert(f, Math.Min(p, f.Length), name.ToArray());
            }
            default:
            {
                // Questions whose names are chains of pointers, each to the previous question's name (long but
                // finite; past MaxPointers they must be refused): "x", then n questions of one pointer each.
                int n = 1 + rng.Next(rng.Next(2) == 0 ? 140 : 8);
                var block = new List<byte> { 1, (byte)'x', 0, 0, 1, 0, 1 };
                int previous = 12;
                for (int i = 0; i < n; i++)
                {
                    int here = 12 + block.Count;
                    block.Add((byte)(0xC0 | previous >> 8)); block.Add((byte)previous);
                    block.Add(0); block.Add(1); block.Add(0); block.Add(1);
                    previous = here;
                }
                byte[] r = FrameEdit.Insert(f, d + 12, block.ToArray());
                int qd = BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(d + 4)) + n + 1;
                BinaryPrimitives.WriteUInt16BigEndian(r.AsSpan(d + 4), (ushort)Math.Min(qd, 65535));
                log.Add($"DNS insert {n + 1} questions whose names chain {n} pointers");
                return r;
            }
        }
    }
}
