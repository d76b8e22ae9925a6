using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// Where the layers of an Ethernet frame sit, found by reading raw octets leniently (not with the parsers under
/// test, so a frame the parsers refuse still has a layout for the mutator and the targets). An offset of -1 means
/// the layer is absent or cut off.
/// </summary>
public sealed class FrameLayout
{
    /// <summary>Ethernet header length (14).</summary>
    public const int EthernetLength = 14;

    /// <summary>EtherType (0 when the frame is shorter than 14 octets).</summary>
    public ushort EtherType;
    /// <summary>Offset of the ARP packet.</summary>
    public int Arp = -1;
    /// <summary>Offset of the IPv4 header.</summary>
    public int Ip = -1;
    /// <summary>IHL × 4 as found (may lie).</summary>
    public int IpHeaderLength;
    /// <summary>Where the IPv4 data ends: Total Length when it fits the frame, else the frame's end.</summary>
    public int IpEnd;
    /// <summary>IPv4 Protocol.</summary>
    public byte Protocol;
    /// <summary>The flags and fragment offset word.</summary>
    public ushort FragmentField;
    /// <summary>Offset of the transport header (first fragments only).</summary>
    public int Transport = -1;
    /// <summary>Offset of the UDP data.</summary>
    public int UdpData = -1;
    /// <summary>Where the UDP data ends: the UDP Length when it fits, else <see cref="IpEnd"/>.</summary>
    public int UdpEnd;
    /// <summary>UDP ports.</summary>
    public ushort SourcePort, DestinationPort;
    /// <summary>Offset of a DHCP message (UDP port 67 or 68 on either side).</summary>
    public int Dhcp = -1;
    /// <summary>Offset of a DNS message (UDP port 53 on either side).</summary>
    public int Dns = -1;

    /// <summary>True when More Fragments is set or the offset is not zero.</summary>
    public bool IsFragment => (FragmentField & 0x3FFF) != 0;
    /// <summary>True for the IPv4 protocol numbers 1 (ICMP), 17 (UDP) and 6 (TCP) carried in a first fragment.</summary>
    public bool HasTransport => Transport >= 0;

    /// <summary>Lays out <paramref name="f"/>.</summary>
    public static FrameLayout Of(ReadOnlySpan<byte> f)
    {
        var l = new FrameLayout();
        if (f.Length < EthernetLength) return l;
        l.EtherType = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(12));
        if (l.EtherType == 0x0806) { l.Arp = EthernetLength; return l; }
        if (l.EtherType != 0x0800 || f.Length < EthernetLength + 20) return l;
        int ip = EthernetLength;
        l.Ip = ip;
        l.IpHeaderLength = (f[ip] & 0xF) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(ip + 2));
        l.IpEnd = total >= 20 && ip + total <= f.Length ? ip + total : f.Length;
        l.Protocol = f[ip + 9];
        l.FragmentField = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(ip + 6));
        if (l.IpHeaderLength < 20 || ip + l.IpHeaderLength > l.IpEnd || (l.FragmentField & 0x1FFF) != 0) return l;
        l.Transport = ip + l.IpHeaderLength;
        if (l.Protocol != 17 || l.Transport + 8 > l.IpEnd) return l;
        l.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(l.Transport));
        l.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(l.Transport + 2));
        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(l.Transport + 4));
        l.UdpData = l.Transport + 8;
        l.UdpEnd = udpLength >= 8 && l.Transport + udpLength <= l.IpEnd ? l.Transport + udpLength : l.IpEnd;
        if (l.SourcePort is 67 or 68 || l.DestinationPort is 67 or 68) l.Dhcp = l.UdpData;
        if (l.SourcePort == 53 || l.DestinationPort == 53) l.Dns = l.UdpData;
        return l;
    }

    /// <summary>Short description ("IPv4/UDP 53→40816 DNS", "ARP", "IPv4 fragment").</summary>
    public string Describe()
    {
        if (Arp >= 0) return "ARP";
        if (Ip < 0) return EtherType == 0 ? "runt" : $"EtherType 0x{EtherType:X4}";
        if (Transport < 0) return IsFragment ? "IPv4 fragment" : "IPv4";
        string p = Protocol switch { 1 => "ICMP", 6 => "TCP", 17 => "UDP", _ => "proto " + Protocol };
        if (UdpData < 0) return "IPv4/" + p + (IsFragment ? " (first fragment)" : "");
        return $"IPv4/UDP {SourcePort}->{DestinationPort}" + (Dhcp >= 0 ? " DHCP" : "") + (Dns >= 0 ? " DNS" : "") + (IsFragment ? " (first fragment)" : "");
    }
}

/// <summary>Length and checksum repairs on raw frames (an oracle of its own: it does not use Cosmos.Network's checksum code).</summary>
public static class FrameEdit
{
    /// <summary>The RFC 1071 checksum of <paramref name="data"/> added to <paramref name="initial"/> (not complemented).</summary>
    public static uint Sum(ReadOnlySpan<byte> data, uint initial = 0)
    {
        ulong s = initial;
        for (int i = 0; i < data.Length; i += 2)
            s += (ulong)(data[i] << 8 | (i + 1 < data.Length ? data[i + 1] : 0));
        while (s > 0xFFFF) s = (s & 0xFFFF) + (s >> 16);
        return (uint)s;
    }

    /// <summary>Sets IPv4 Total Length to the frame's end (at most 65535).</summary>
    public static void FixIpTotalLength(byte[] f)
    {
        FrameLayout l = FrameLayout.Of(f);
        if (l.Ip < 0) return;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l.Ip + 2), (ushort)Math.Min(65535, f.Length - l.Ip));
    }

    /// <summary>Recomputes the IPv4 header checksum over IHL × 4 octets (when they are in the frame).</summary>
    public static void FixIpChecksum(byte[] f)
    {
        FrameLayout l = FrameLayout.Of(f);
        if (l.Ip < 0 || l.IpHeaderLength < 20 || l.Ip + l.IpHeaderLength > f.Length) return;
        f[l.Ip + 10] = 0; f[l.Ip + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l.Ip + 10), (ushort)~Sum(f.AsSpan(l.Ip, l.IpHeaderLength)));
    }

    /// <summary>Sets the UDP Length to the end of the IPv4 data.</summary>
    public static void FixUdpLength(byte[] f)
    {
        FrameLayout l = FrameLayout.Of(f);
        if (l.UdpData < 0) return;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l.Transport + 4), (ushort)Math.Min(65535, l.IpEnd - l.Transport));
    }

    /// <summary>
    /// Recomputes the transport checksum of a first fragment: UDP (pseudo header, over the UDP Length when it fits)
    /// or ICMP (over the IPv4 data). A fragmented datagram's checksum covers data this frame lacks, so it is left.
    /// </summary>
    public static void FixTransportChecksum(byte[] f)
    {
        FrameLayout l = FrameLayout.Of(f);
        if (!l.HasTransport || l.IsFragment) return;
        if (l.Protocol == 17 && l.UdpData >= 0)
        {
            int length = l.UdpEnd - l.Transport;
            f[l.Transport + 6] = 0; f[l.Transport + 7] = 0;
            uint s = Sum(f.AsSpan(l.Ip + 12, 8));
            s = Sum(stackalloc byte[] { 0, 17, (byte)(length >> 8), (byte)length }, s);
            ushort c = (ushort)~Sum(f.AsSpan(l.Transport, length), s);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l.Transport + 6), c == 0 ? (ushort)0xFFFF : c);
        }
        else if (l.Protocol == 1 && l.Transport + 4 <= l.IpEnd)
        {
            f[l.Transport + 2] = 0; f[l.Transport + 3] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l.Transport + 2), (ushort)~Sum(f.AsSpan(l.Transport, l.IpEnd - l.Transport)));
        }
    }

    /// <summary>Inserts <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public static byte[] Insert(byte[] f, int offset, ReadOnlySpan<byte> bytes)
    {
        var r = new byte[f.Length + bytes.Length];
        f.AsSpan(0, offset).CopyTo(r);
        bytes.CopyTo(r.AsSpan(offset));
        f.AsSpan(offset).CopyTo(r.AsSpan(offset + bytes.Length));
        return r;
    }

    /// <summary>Removes <paramref name="count"/> octets at <paramref name="offset"/>.</summary>
    public static byte[] Remove(byte[] f, int offset, int count)
    {
        count = Math.Min(count, f.Length - offset);
        var r = new byte[f.Length - count];
        f.AsSpan(0, offset).CopyTo(r);
        f.AsSpan(offset + count).CopyTo(r.AsSpan(offset));
        return r;
    }

    /// <summary>
    /// Offsets of the fields of a DNS message at <paramref name="dns"/> (names skipped without following pointers):
    /// name starts, and TYPE/CLASS/TTL/RDLENGTH of each record; stops where the message stops making sense.
    /// </summary>
    public static void DnsFields(ReadOnlySpan<byte> f, int dns, List<int> names, List<int> rdlengths, List<int> types)
    {
        if (dns < 0 || dns + 12 > f.Length) return;
        int[] counts = new int[4];
        for (int i = 0; i < 4; i++) counts[i] = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(dns + 4 + 2 * i));
        int pos = dns + 12;
        for (int section = 0; section < 4; section++)
        {
            for (int k = 0; k < counts[section] && k < 64; k++)
            {
                names.Add(pos);
                while (pos < f.Length && f[pos] != 0 && (f[pos] & 0xC0) == 0) pos += 1 + f[pos];
                if (pos >= f.Length) return;
                pos += (f[pos] & 0xC0) == 0xC0 ? 2 : 1;
                if (pos + 4 > f.Length) return;
                types.Add(pos);
                pos += 4;
                if (section == 0) continue;
                if (pos + 6 > f.Length) return;
                rdlengths.Add(pos + 4);
                int rdlength = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(pos + 4));
                pos += 6 + rdlength;
                if (pos > f.Length) return;
            }
        }
    }

    /// <summary>Offsets of the DHCP options (code octet) after the magic cookie, up to End or the data's end.</summary>
    public static List<int> DhcpOptions(ReadOnlySpan<byte> f, int dhcp, int end)
    {
        var list = new List<int>();
        int i = dhcp + 240;
        while (i < end)
        {
            byte code = f[i];
            if (code == 0) { i++; continue; }
            list.Add(i);
            if (code == 255 || i + 1 >= end) break;
            i += 2 + f[i + 1];
        }
        return list;
    }
}
