using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Cosmos.Network;

/// <summary>DNS TYPE values (RFC 1035 section 3.2.2; AAAA from RFC 3596).</summary>
public static class DnsRecordType
{
    /// <summary>1: a host address (IPv4).</summary>
    public const ushort A = 1;
    /// <summary>2: an authoritative name server.</summary>
    public const ushort NS = 2;
    /// <summary>5: the canonical name for an alias.</summary>
    public const ushort CNAME = 5;
    /// <summary>6: start of a zone of authority.</summary>
    public const ushort SOA = 6;
    /// <summary>12: a domain name pointer.</summary>
    public const ushort PTR = 12;
    /// <summary>15: mail exchange.</summary>
    public const ushort MX = 15;
    /// <summary>16: text strings.</summary>
    public const ushort TXT = 16;
    /// <summary>28: an IPv6 host address (RFC 3596).</summary>
    public const ushort AAAA = 28;
}

/// <summary>One entry of the question section (RFC 1035 section 4.1.2): QNAME, QTYPE, QCLASS.</summary>
public sealed class DnsQuestion
{
    /// <summary>QNAME as dotted labels without the trailing dot ("" = the root); a '.' or '\' inside a label is escaped with '\' (see <see cref="DnsMessage"/>).</summary>
    public string Name;
    /// <summary>QTYPE (<see cref="DnsRecordType"/>).</summary>
    public ushort Type;
    /// <summary>QCLASS (1 = IN).</summary>
    public ushort Class = DnsMessage.ClassIN;
}

/// <summary>A resource record (RFC 1035 section 4.1.3): NAME, TYPE, CLASS, TTL, RDLENGTH, RDATA.</summary>
public sealed class DnsResourceRecord
{
    /// <summary>NAME as dotted labels without the trailing dot ('.' and '\' inside a label escaped with '\').</summary>
    public string Name;
    /// <summary>TYPE (<see cref="DnsRecordType"/>).</summary>
    public ushort Type;
    /// <summary>CLASS (1 = IN).</summary>
    public ushort Class = DnsMessage.ClassIN;
    /// <summary>TTL in seconds.</summary>
    public uint TimeToLive;
    /// <summary>RDATA as received (compression pointers inside it refer to the whole message).</summary>
    public byte[] Data = Array.Empty<byte>();
    /// <summary>For A records: the address (RDATA of 4 octets); otherwise null.</summary>
    public IPv4Address? Address;
    /// <summary>For CNAME, NS and PTR records: the decoded domain name in RDATA (escaped like <see cref="Name"/>); otherwise null.</summary>
    public string DomainName;
}

/// <summary>
/// A DNS message (RFC 1035 section 4.1): the header (ID, QR, Opcode, AA, TC, RD, RA, RCODE, and the four counts),
/// the question section and the answer, authority and additional sections. Parsing follows name compression
/// pointers (section 4.1.4) safely: a pointer must point strictly before the place it appears at, a name may
/// follow at most <see cref="MaxPointers"/> pointers, and names are limited to 255 octets (which also ends a cycle
/// through labels and a backward pointer) and labels to 63. Building writes names uncompressed. Names
/// are compared by <see cref="NamesEqual"/> (RFC 4343: case-insensitive for ASCII letters only). Names are
/// strings of labels joined by '.', octets mapped to chars one to one; a '.' or '\' octet inside a label is written
/// "\." or "\\" (as in RFC 1035 section 5.1), so the one-label name "a.b" and the two-label name a.b differ.
/// Travels in UDP to port 53.
/// </summary>
public sealed class DnsMessage
{
    /// <summary>UDP port of DNS servers (53).</summary>
    public const ushort ServerPort = 53;
    /// <summary>CLASS IN, the Internet.</summary>
    public const ushort ClassIN = 1;
    /// <summary>Header length in octets (12).</summary>
    public const int HeaderLength = 12;
    /// <summary>Largest domain name on the wire, length octets included (255, RFC 1035 section 2.3.4).</summary>
    public const int MaxNameLength = 255;
    /// <summary>Most compression pointers one name may follow (a 255-octet name has at most 127 labels).</summary>
    public const int MaxPointers = 127;
    /// <summary>Largest label (63 octets).</summary>
    public const int MaxLabelLength = 63;
    /// <summary>RCODE 0: no error.</summary>
    public const byte RcodeNoError = 0;
    /// <summary>RCODE 3: name error (the name does not exist).</summary>
    public const byte RcodeNameError = 3;

    /// <summary>ID: matches replies to queries.</summary>
    public ushort Id;
    /// <summary>QR: true for a response.</summary>
    public bool IsResponse;
    /// <summary>Opcode (4 bits): 0 standard query.</summary>
    public byte Opcode;
    /// <summary>AA: authoritative answer.</summary>
    public bool AuthoritativeAnswer;
    /// <summary>TC: the message was truncated.</summary>
    public bool Truncation;
    /// <summary>RD: recursion desired.</summary>
    public bool RecursionDesired;
    /// <summary>RA: recursion available.</summary>
    public bool RecursionAvailable;
    /// <summary>RCODE (4 bits).</summary>
    public byte ResponseCode;
    /// <summary>The question section.</summary>
    public List<DnsQuestion> Questions = new List<DnsQuestion>();
    /// <summary>The answer section.</summary>
    public List<DnsResourceRecord> Answers = new List<DnsResourceRecord>();
    /// <summary>The authority section.</summary>
    public List<DnsResourceRecord> Authorities = new List<DnsResourceRecord>();
    /// <summary>The additional section.</summary>
    public List<DnsResourceRecord> Additionals = new List<DnsResourceRecord>();

    /// <summary>A standard query (Opcode 0, RD set) for <paramref name="name"/> of type <paramref name="type"/>, class IN.</summary>
    public static DnsMessage CreateQuery(ushort id, string name, ushort type = DnsRecordType.A)
    {
        var m = new DnsMessage { Id = id, RecursionDesired = true };
        m.Questions.Add(new DnsQuestion { Name = name, Type = type, Class = ClassIN });
        return m;
    }

    /// <summary>
    /// Parses a message. Refuses: data ending inside the header, a name, a fixed field or an RDATA
    /// (<see cref="ParseStatus.Truncated"/>); a reserved label type (0x40/0x80), a pointer that does not point
    /// backwards, a name longer than 255 octets, an A record whose RDATA is not 4 octets, a CNAME/NS/PTR whose name
    /// leaves its RDATA (<see cref="ParseStatus.BadField"/>). Octets after the last record are ignored.
    /// </summary>
    public static ParseStatus TryParse(ReadOnlySpan<byte> data, out DnsMessage message)
    {
        message = null;
        if (data.Length < HeaderLength) return ParseStatus.Truncated;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(2));
        var m = new DnsMessage
        {
            Id = BinaryPrimitives.ReadUInt16BigEndian(data),
            IsResponse = (flags & 0x8000) != 0,
            Opcode = (byte)((flags >> 11) & 0xF),
            AuthoritativeAnswer = (flags & 0x0400) != 0,
            Truncation = (flags & 0x0200) != 0,
            RecursionDesired = (flags & 0x0100) != 0,
            RecursionAvailable = (flags & 0x0080) != 0,
            ResponseCode = (byte)(flags & 0xF),
        };
        int qdcount = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(4));
        int ancount = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(6));
        int nscount = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(8));
        int arcount = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(10));
        int pos = HeaderLength;
        for (int i = 0; i < qdcount; i++)
        {
            ParseStatus s = TryReadName(data, ref pos, out string name);
            if (s != ParseStatus.Ok) return s;
            if (pos + 4 > data.Length) return ParseStatus.Truncated;
            m.Questions.Add(new DnsQuestion
            {
                Name = name, Type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos)), Class = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 2)),
            });
            pos += 4;
        }
        ParseStatus st = ReadRecords(data, ref pos, ancount, m.Answers);
        if (st == ParseStatus.Ok) st = ReadRecords(data, ref pos, nscount, m.Authorities);
        if (st == ParseStatus.Ok) st = ReadRecords(data, ref pos, arcount, m.Additionals);
        if (st != ParseStatus.Ok) return st;
        message = m;
        return ParseStatus.Ok;
    }

    private static ParseStatus ReadRecords(ReadOnlySpan<byte> data, ref int pos, int count, List<DnsResourceRecord> list)
    {
        for (int i = 0; i < count; i++)
        {
            ParseStatus s = TryReadName(data, ref pos, out string name);
            if (s != ParseStatus.Ok) return s;
            if (pos + 10 > data.Length) return ParseStatus.Truncated;
            var rr = new DnsResourceRecord
            {
                Name = name,
                Type = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos)),
                Class = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 2)),
                TimeToLive = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(pos + 4)),
            };
            int rdlength = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos + 8));
            pos += 10;
            if (pos + rdlength > data.Length) return ParseStatus.Truncated;
            rr.Data = data.Slice(pos, rdlength).ToArray();
            if (rr.Class == ClassIN && rr.Type == DnsRecordType.A)
            {
                if (rdlength != 4) return ParseStatus.BadField;
                rr.Address = IPv4Address.Read(rr.Data);
            }
            else if (rr.Type == DnsRecordType.CNAME || rr.Type == DnsRecordType.NS || rr.Type == DnsRecordType.PTR)
            {
                int namePos = pos;
                s = TryReadName(data, ref namePos, out string target);
                if (s != ParseStatus.Ok) return s == ParseStatus.Truncated ? ParseStatus.BadField : s;
                if (namePos != pos + rdlength) return ParseStatus.BadField;
                rr.DomainName = target;
            }
            pos += rdlength;
            list.Add(rr);
        }
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Reads a possibly compressed domain name at <paramref name="offset"/> of <paramref name="message"/> and
    /// advances <paramref name="offset"/> past it (past the first pointer when there is one). Labels are joined
    /// with '.', octets map to chars one to one (Latin-1), '.' and '\' inside a label are escaped with '\'; the root is "".
    /// </summary>
    internal static ParseStatus TryReadName(ReadOnlySpan<byte> message, ref int offset, out string name)
    {
        name = null;
        var sb = new StringBuilder();
        int pos = offset;
        bool jumped = false;
        int pointers = 0;
        int wireLength = 1; // the final zero octet
        while (true)
        {
            if (pos >= message.Length) return ParseStatus.Truncated;
            byte b = message[pos];
            if (b == 0)
            {
                if (!jumped) offset = pos + 1;
                break;
            }
            if ((b & 0xC0) == 0xC0)
            {
                if (pos + 1 >= message.Length) return ParseStatus.Truncated;
                int target = ((b & 0x3F) << 8) | message[pos + 1];
                // Strictly backwards, so a run of pointers cannot loop; cycles through labels end at 255 octets.
                if (target >= pos || ++pointers > MaxPointers) return ParseStatus.BadField;
                if (!jumped) { offset = pos + 2; jumped = true; }
                pos = target;
                continue;
            }
            if ((b & 0xC0) != 0) return ParseStatus.BadField;
            wireLength += 1 + b;
            if (wireLength > MaxNameLength) return ParseStatus.BadField;
            if (pos + 1 + b > message.Length) return ParseStatus.Truncated;
            if (sb.Length > 0) sb.Append('.');
            for (int i = 0; i < b; i++)
            {
                char c = (char)message[pos + 1 + i];
                if (c == '.' || c == '\\') sb.Append('\\');
                sb.Append(c);
            }
            pos += 1 + b;
        }
        name = sb.ToString();
        return ParseStatus.Ok;
    }

    /// <summary>
    /// Appends <paramref name="name"/> uncompressed. "\." and "\\" stand for a '.' and a '\' inside a label. Throws
    /// <see cref="ArgumentException"/> for an empty label, a label over 63 octets, a non-ASCII character, a trailing
    /// lone '\' or a name over 255 octets; "" and "." are the root, and one trailing unescaped '.' is ignored.
    /// </summary>
    internal static void WriteName(List<byte> output, string name)
    {
        if (name == null) throw new ArgumentNullException(nameof(name));
        name = TrimRootDot(name);
        // A second trailing '.' ("a..") would end in an empty label.
        if (name.Length > 0 && name[^1] == '.' && !IsEscaped(name, name.Length - 1)) throw new ArgumentException("Empty label in domain name.", nameof(name));
        int wire = 1;
        int i = 0;
        var label = new List<byte>(MaxLabelLength);
        while (i < name.Length)
        {
            label.Clear();
            for (; i < name.Length; i++)
            {
                char c = name[i];
                if (c == '.') { i++; break; }
                if (c == '\\')
                {
                    if (++i == name.Length) throw new ArgumentException("Domain name ends in a lone backslash.", nameof(name));
                    c = name[i];
                }
                if (c > 127) throw new ArgumentException("Non-ASCII character in domain name.", nameof(name));
                label.Add((byte)c);
            }
            if (label.Count == 0) throw new ArgumentException("Empty label in domain name.", nameof(name));
            if (label.Count > MaxLabelLength) throw new ArgumentException("Label longer than 63 octets.", nameof(name));
            wire += 1 + label.Count;
            if (wire > MaxNameLength) throw new ArgumentException("Domain name longer than 255 octets.", nameof(name));
            output.Add((byte)label.Count);
            output.AddRange(label);
        }
        output.Add(0);
    }

    // True when name[index] is preceded by an odd number of backslashes (it is escaped).
    private static bool IsEscaped(string name, int index)
    {
        int n = 0;
        for (int k = index - 1; k >= 0 && name[k] == '\\'; k--) n++;
        return (n & 1) == 1;
    }

    // The name without one trailing unescaped '.' ("." becomes the root "").
    private static string TrimRootDot(string name)
        => name.Length > 0 && name[^1] == '.' && !IsEscaped(name, name.Length - 1) ? name.Substring(0, name.Length - 1) : name;

    /// <summary>Builds the message (names uncompressed). Throws <see cref="ArgumentException"/> for invalid names and <see cref="InvalidOperationException"/> for more than 65535 entries in a section or RDATA over 65535 octets.</summary>
    public byte[] ToArray()
    {
        var b = new List<byte>(512);
        ushort flags = (ushort)((IsResponse ? 0x8000 : 0) | ((Opcode & 0xF) << 11) | (AuthoritativeAnswer ? 0x0400 : 0) | (Truncation ? 0x0200 : 0)
            | (RecursionDesired ? 0x0100 : 0) | (RecursionAvailable ? 0x0080 : 0) | (ResponseCode & 0xF));
        AddU16(b, Id); AddU16(b, flags);
        AddU16(b, Count(Questions.Count)); AddU16(b, Count(Answers.Count)); AddU16(b, Count(Authorities.Count)); AddU16(b, Count(Additionals.Count));
        foreach (DnsQuestion q in Questions) { WriteName(b, q.Name); AddU16(b, q.Type); AddU16(b, q.Class); }
        foreach (List<DnsResourceRecord> section in new[] { Answers, Authorities, Additionals })
        {
            foreach (DnsResourceRecord rr in section)
            {
                WriteName(b, rr.Name);
                AddU16(b, rr.Type); AddU16(b, rr.Class);
                AddU16(b, (ushort)(rr.TimeToLive >> 16)); AddU16(b, (ushort)rr.TimeToLive);
                byte[] rdata = rr.Data ?? Array.Empty<byte>();
                if (rr.Type == DnsRecordType.A && rr.Address.HasValue) { rdata = new byte[4]; rr.Address.Value.Write(rdata); }
                else if (rr.DomainName != null && (rr.Type == DnsRecordType.CNAME || rr.Type == DnsRecordType.NS || rr.Type == DnsRecordType.PTR))
                {
                    var n = new List<byte>(); WriteName(n, rr.DomainName); rdata = n.ToArray();
                }
                if (rdata.Length > 65535) throw new InvalidOperationException("RDATA longer than 65535 octets.");
                AddU16(b, (ushort)rdata.Length);
                b.AddRange(rdata);
            }
        }
        return b.ToArray();
    }

    /// <summary>
    /// DNS name equality (RFC 4343): ASCII letters compare case-insensitively, every other octet exactly. (Ordinal
    /// ignore-case would also fold Latin-1 letters, so 0xC9 and 0xE9 would name the same host.)
    /// </summary>
    public static bool NamesEqual(string a, string b)
    {
        if (a == null || b == null) return a == b;
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            char x = a[i], y = b[i];
            if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
            if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
            if (x != y) return false;
        }
        return true;
    }

    private static ushort Count(int n) => n <= 65535 ? (ushort)n : throw new InvalidOperationException("More than 65535 entries in a section.");

    private static void AddU16(List<byte> b, ushort v) { b.Add((byte)(v >> 8)); b.Add((byte)v); }

    /// <summary>
    /// The IPv4 addresses the answer section gives for <paramref name="name"/>, following CNAME records (at most 8
    /// hops, so a CNAME loop ends). Names compare by <see cref="NamesEqual"/>; a trailing dot is ignored.
    /// </summary>
    public List<IPv4Address> GetAddresses(string name)
    {
        if (name == null) throw new ArgumentNullException(nameof(name));
        var result = new List<IPv4Address>();
        string current = TrimRootDot(name);
        for (int hop = 0; hop <= 8; hop++)
        {
            string next = null;
            foreach (DnsResourceRecord rr in Answers)
            {
                if (rr.Class != ClassIN || !NamesEqual(rr.Name, current)) continue;
                if (rr.Type == DnsRecordType.A && rr.Address.HasValue) result.Add(rr.Address.Value);
                else if (rr.Type == DnsRecordType.CNAME && rr.DomainName != null && next == null) next = rr.DomainName;
            }
            if (result.Count > 0 || next == null) break;
            current = next;
        }
        return result;
    }
}
