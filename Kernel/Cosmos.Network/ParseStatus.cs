namespace Cosmos.Network;

/// <summary>Why a received packet was accepted or refused by a parser. Parsers never throw for malformed input.</summary>
public enum ParseStatus
{
    /// <summary>The packet is well formed.</summary>
    Ok,
    /// <summary>The buffer ends before a fixed header does.</summary>
    Truncated,
    /// <summary>A length field disagrees with the buffer or with the protocol's minimum (e.g. IPv4 Total Length &lt; header, UDP Length &lt; 8).</summary>
    BadLength,
    /// <summary>The checksum does not verify.</summary>
    BadChecksum,
    /// <summary>IPv4 Version is not 4.</summary>
    BadVersion,
    /// <summary>IPv4 IHL is below 5 or points past the data.</summary>
    BadHeaderLength,
    /// <summary>ARP hardware/protocol type or address lengths other than Ethernet (1, 6) / IPv4 (0x0800, 4).</summary>
    Unsupported,
    /// <summary>A field holds a value the protocol forbids (e.g. an ARP opcode other than 1 or 2, ICMP code ≠ 0 for echo).</summary>
    BadField,
}
