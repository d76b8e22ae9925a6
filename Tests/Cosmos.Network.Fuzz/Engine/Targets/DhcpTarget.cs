using System;
using System.Linq;

namespace Cosmos.Network.Fuzz;

/// <summary>
/// <see cref="DhcpMessage.TryParse"/> on the UDP data of DHCP frames (option length lies, missing End, overload,
/// repeated and oversized options): an accepted message rebuilds (<see cref="DhcpMessage.ToArray"/>) to one that
/// parses to the same fields.
/// </summary>
public sealed class DhcpTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "dhcp";
    /// <inheritdoc/>
    public bool Accepts(SeedFrame seed) => seed.Layout.Dhcp >= 0;

    /// <inheritdoc/>
    public string Run(FuzzCase c)
    {
        byte[] f = c.Mutate(c.Seed, FuzzLayer.Dhcp);
        FrameLayout l = FrameLayout.Of(f);
        ReadOnlySpan<byte> d = l.UdpData >= 0 ? f.AsSpan(l.UdpData, l.UdpEnd - l.UdpData) : f.Length > 42 ? f.AsSpan(42) : f;
        ParseStatus s = DhcpMessage.TryParse(d, out DhcpMessage m);
        if (s != ParseStatus.Ok) { Check.That(m == null, "DHCP: refused message returned"); return s.ToString(); }
        Check.That(d.Length >= 240, "DHCP: Ok for a short message");
        byte[] again = m.ToArray();
        Check.That(DhcpMessage.TryParse(again, out DhcpMessage r) == ParseStatus.Ok, "DHCP: rebuilt message does not parse");
        Check.That(r.Op == m.Op && r.TransactionId == m.TransactionId && r.Flags == m.Flags && r.ClientAddress == m.ClientAddress
            && r.YourAddress == m.YourAddress && r.ServerAddress == m.ServerAddress && r.RelayAgentAddress == m.RelayAgentAddress
            && r.ClientHardwareAddress == m.ClientHardwareAddress, "DHCP: fixed fields change in a round trip");
        Check.That(r.MessageType == m.MessageType && r.SubnetMask == m.SubnetMask && r.RequestedIPAddress == m.RequestedIPAddress
            && r.LeaseTimeSeconds == m.LeaseTimeSeconds && r.ServerIdentifier == m.ServerIdentifier
            && r.Routers.SequenceEqual(m.Routers) && r.DomainNameServers.SequenceEqual(m.DomainNameServers)
            && (m.ParameterRequestList == null ? r.ParameterRequestList == null : r.ParameterRequestList != null && r.ParameterRequestList.SequenceEqual(m.ParameterRequestList)),
            "DHCP: options change in a round trip");
        return Enum.IsDefined(m.MessageType) ? "Ok " + m.MessageType : "Ok (unknown type)";
    }
}
