using System;
using System.Collections.Generic;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// <see cref="DnsMessage.TryParse"/> on the UDP data of DNS frames (compression-pointer loops and chains, label and
/// count lies, RDLENGTH lies, long names): every accepted name fits 255 octets and labels of 63; an accepted message
/// either rebuilds (<see cref="DnsMessage.ToArray"/>, names uncompressed) to one that parses to the same records, or
/// the builder refuses a name with the documented <see cref="ArgumentException"/>. <see cref="DnsMessage.GetAddresses"/>
/// ends on every message (CNAME loops included).
/// </summary>
public sealed class DnsTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "dns";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.Dns >= 0;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Dns);
        FrameLayout l = FrameLayout.Of(f);
        ReadOnlySpan<byte> d = l.UdpData >= 0 ? f.AsSpan(l.UdpData, l.UdpEnd - l.UdpData) : f.Length > 42 ? f.AsSpan(42) : f;
        ParseStatus s = DnsMessage.TryParse(d, out DnsMessage m);
        if (s != ParseStatus.Ok) { Check.That(m == null, "DNS: refused message returned"); return s.ToString(); }
        Check.That(d.Length >= 12, "DNS: Ok for a short message");
        foreach (DnsQuestion q in m.Questions) CheckName(q.Name);
        foreach (List<DnsResourceRecord> section in new[] { m.Answers, m.Authorities, m.Additionals })
            foreach (DnsResourceRecord rr in section)
            {
                CheckName(rr.Name);
                if (rr.DomainName != null) CheckName(rr.DomainName);
                Check.That(!rr.Address.HasValue || rr.Data.Length == 4, "DNS: A record with RDATA other than 4 octets");
            }
        foreach (DnsQuestion q in m.Questions) m.GetAddresses(q.Name);
        byte[] again;
        try { again = m.ToArray(); }
        catch (ArgumentException) { return "Ok (names the builder refuses)"; }
        Check.That(DnsMessage.TryParse(again, out DnsMessage r) == ParseStatus.Ok, "DNS: rebuilt message does not parse");
        Check.That(r.Id == m.Id && r.ResponseCode == m.ResponseCode && r.IsResponse == m.IsResponse && r.Questions.Count == m.Questions.Count
            && r.Answers.Count == m.Answers.Count && r.Authorities.Count == m.Authorities.Count && r.Additionals.Count == m.Additionals.Count,
            "DNS: header or counts change in a round trip");
        for (int i = 0; i < m.Questions.Count; i++)
            Check.That(string.Equals(r.Questions[i].Name, m.Questions[i].Name, StringComparison.Ordinal) && r.Questions[i].Type == m.Questions[i].Type,
                "DNS: a question changes in a round trip");
        for (int i = 0; i < m.Answers.Count; i++)
            Check.That(string.Equals(r.Answers[i].Name, m.Answers[i].Name, StringComparison.Ordinal) && r.Answers[i].Type == m.Answers[i].Type
                && r.Answers[i].Address == m.Answers[i].Address && string.Equals(r.Answers[i].DomainName, m.Answers[i].DomainName, StringComparison.Ordinal),
                "DNS: an answer changes in a round trip");
        return m.Answers.Count > 0 ? "Ok (answers)" : "Ok";
    }

    private static void CheckName(string name)
    {
        Check.That(name != null, "DNS: null name");
        // Wire length: one octet per label plus its octets ("\." and "\\" are one octet), plus the root.
        int wire = name.Length == 0 ? 1 : 2, label = 0;
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\') { Check.That(i + 1 < name.Length && name[i + 1] is '.' or '\\', "DNS: stray backslash in a name"); i++; }
            else if (name[i] == '.') { Check.That(label > 0, "DNS: empty label in a name"); wire++; label = 0; continue; }
            wire++; label++;
            Check.That(label <= DnsMessage.MaxLabelLength, "DNS: label over 63 octets accepted");
        }
        Check.That(wire <= DnsMessage.MaxNameLength, $"DNS: name of {wire} octets accepted");
    }
}
