using System;

namespace Cosmos.Network;

/// <summary>
/// A 48-bit IEEE 802 MAC address (the Ethernet hardware address of RFC 894 and the ARP <c>ar_sha</c>/<c>ar_tha</c>
/// of RFC 826). Stored in the low 48 bits of a <see cref="ulong"/>, first octet on the wire most significant.
/// </summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    /// <summary>Length of a MAC address on the wire, in octets (6).</summary>
    public const int Length = 6;

    private readonly ulong value;

    /// <summary>The broadcast address ff:ff:ff:ff:ff:ff.</summary>
    public static readonly MacAddress Broadcast = new MacAddress(0xFFFF_FFFF_FFFFUL);

    /// <summary>The all-zero address 00:00:00:00:00:00 (ARP <c>ar_tha</c> of a request).</summary>
    public static readonly MacAddress Zero = default;

    /// <summary>Creates an address from its 48-bit value (first wire octet in bits 47..40); higher bits are ignored.</summary>
    public MacAddress(ulong value48) => value = value48 & 0xFFFF_FFFF_FFFFUL;

    /// <summary>Creates an address from six octets in wire order.</summary>
    public MacAddress(byte o0, byte o1, byte o2, byte o3, byte o4, byte o5)
        => value = ((ulong)o0 << 40) | ((ulong)o1 << 32) | ((ulong)o2 << 24) | ((ulong)o3 << 16) | ((ulong)o4 << 8) | o5;

    /// <summary>Reads six octets in wire order. Throws <see cref="ArgumentException"/> when <paramref name="source"/> is shorter than 6.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Length) throw new ArgumentException("A MAC address needs 6 octets.", nameof(source));
        return new MacAddress(source[0], source[1], source[2], source[3], source[4], source[5]);
    }

    /// <summary>Writes six octets in wire order. Throws <see cref="ArgumentException"/> when <paramref name="destination"/> is shorter than 6.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Length) throw new ArgumentException("A MAC address needs 6 octets.", nameof(destination));
        for (int i = 0; i < Length; i++) destination[i] = (byte)(value >> (40 - 8 * i));
    }

    /// <summary>The 48-bit value, first wire octet in bits 47..40.</summary>
    public ulong Value => value;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => value == 0xFFFF_FFFF_FFFFUL;

    /// <summary>True when the I/G bit (least significant bit of the first octet) is set: group (multicast or broadcast) address.</summary>
    public bool IsMulticast => (value & 0x0100_0000_0000UL) != 0;

    /// <inheritdoc/>
    public bool Equals(MacAddress other) => value == other.value;
    /// <inheritdoc/>
    public override bool Equals(object obj) => obj is MacAddress m && m.value == value;
    /// <inheritdoc/>
    public override int GetHashCode() => value.GetHashCode();
    /// <summary>Equality of the 48-bit values.</summary>
    public static bool operator ==(MacAddress a, MacAddress b) => a.value == b.value;
    /// <summary>Inequality of the 48-bit values.</summary>
    public static bool operator !=(MacAddress a, MacAddress b) => a.value != b.value;

    /// <summary>Lower-case, colon-separated hex ("52:54:00:12:34:56"), culture-free.</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[17];
        for (int i = 0; i < Length; i++)
        {
            byte b = (byte)(value >> (40 - 8 * i));
            chars[i * 3] = Hex(b >> 4);
            chars[i * 3 + 1] = Hex(b & 0xF);
            if (i < Length - 1) chars[i * 3 + 2] = ':';
        }
        return new string(chars);
    }

    private static char Hex(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}

/// <summary>
/// An IPv4 address (RFC 791 section 3.1 "Source Address"/"Destination Address"). <see cref="Value"/> holds it in
/// host arithmetic order: the first octet on the wire is bits 31..24 (so 10.0.2.15 is 0x0A00020F).
/// </summary>
public readonly struct IPv4Address : IEquatable<IPv4Address>
{
    /// <summary>Length of an IPv4 address on the wire, in octets (4).</summary>
    public const int Length = 4;

    /// <summary>The address as a number, first wire octet in bits 31..24.</summary>
    public readonly uint Value;

    /// <summary>0.0.0.0 (unspecified; the source of a DHCP DISCOVER).</summary>
    public static readonly IPv4Address Any = default;
    /// <summary>255.255.255.255 (limited broadcast, RFC 919).</summary>
    public static readonly IPv4Address Broadcast = new IPv4Address(0xFFFF_FFFFu);

    /// <summary>Creates an address from its 32-bit value (first wire octet in bits 31..24).</summary>
    public IPv4Address(uint value) => Value = value;

    /// <summary>Creates an address from its four octets in wire (dotted-decimal) order.</summary>
    public IPv4Address(byte a, byte b, byte c, byte d) => Value = ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    /// <summary>Reads four octets in network byte order. Throws <see cref="ArgumentException"/> when <paramref name="source"/> is shorter than 4.</summary>
    public static IPv4Address Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Length) throw new ArgumentException("An IPv4 address needs 4 octets.", nameof(source));
        return new IPv4Address(source[0], source[1], source[2], source[3]);
    }

    /// <summary>Writes four octets in network byte order. Throws <see cref="ArgumentException"/> when <paramref name="destination"/> is shorter than 4.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Length) throw new ArgumentException("An IPv4 address needs 4 octets.", nameof(destination));
        destination[0] = (byte)(Value >> 24);
        destination[1] = (byte)(Value >> 16);
        destination[2] = (byte)(Value >> 8);
        destination[3] = (byte)Value;
    }

    /// <summary>True for 255.255.255.255.</summary>
    public bool IsBroadcast => Value == 0xFFFF_FFFFu;
    /// <summary>True for 0.0.0.0.</summary>
    public bool IsAny => Value == 0;
    /// <summary>True for class D, 224.0.0.0/4 (RFC 1112).</summary>
    public bool IsMulticast => (Value & 0xF000_0000u) == 0xE000_0000u;
    /// <summary>True for 127.0.0.0/8, the loopback network (RFC 1122 3.2.1.3 (g): never on a wire).</summary>
    public bool IsLoopback => (Value >> 24) == 127;
    /// <summary>True for class E, 240.0.0.0/4, reserved (255.255.255.255 included).</summary>
    public bool IsReserved => (Value & 0xF000_0000u) == 0xF000_0000u;
    /// <summary>
    /// True for an address that can name one host: not in 0.0.0.0/8 ("this network"), 127.0.0.0/8 (loopback),
    /// 224.0.0.0/4 (multicast) or 240.0.0.0/4 (reserved, limited broadcast included). A subnet's directed broadcast
    /// needs the netmask to be recognised (<see cref="IPv4Host.IsBroadcast"/>).
    /// </summary>
    public bool IsUnicast => (Value >> 24) != 0 && !IsLoopback && !IsMulticast && !IsReserved;

    /// <summary>True when this address and <paramref name="other"/> agree in the bits set in <paramref name="netmask"/>.</summary>
    public bool IsInSameSubnet(IPv4Address other, IPv4Address netmask) => ((Value ^ other.Value) & netmask.Value) == 0;

    /// <summary>
    /// Parses dotted decimal ("10.0.2.15"): exactly four decimal parts 0..255, no signs, no spaces, at most three
    /// digits each. Culture-free.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IPv4Address address)
    {
        address = default;
        uint result = 0;
        int part = 0, digits = 0, current = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '.')
            {
                if (digits == 0 || current > 255) return false;
                result = (result << 8) | (uint)current;
                part++;
                if (i < text.Length && part == 4) return false;
                current = 0; digits = 0;
                continue;
            }
            char c = text[i];
            if (c < '0' || c > '9' || digits == 3) return false;
            current = current * 10 + (c - '0');
            digits++;
        }
        if (part != 4) return false;
        address = new IPv4Address(result);
        return true;
    }

    /// <summary>Parses dotted decimal; throws <see cref="FormatException"/> when <see cref="TryParse"/> would fail.</summary>
    public static IPv4Address Parse(string text)
    {
        if (text == null) throw new ArgumentNullException(nameof(text));
        if (!TryParse(text.AsSpan(), out IPv4Address a)) throw new FormatException("Not a dotted-decimal IPv4 address.");
        return a;
    }

    /// <inheritdoc/>
    public bool Equals(IPv4Address other) => Value == other.Value;
    /// <inheritdoc/>
    public override bool Equals(object obj) => obj is IPv4Address a && a.Value == Value;
    /// <inheritdoc/>
    public override int GetHashCode() => (int)Value;
    /// <summary>Equality of the 32-bit values.</summary>
    public static bool operator ==(IPv4Address a, IPv4Address b) => a.Value == b.Value;
    /// <summary>Inequality of the 32-bit values.</summary>
    public static bool operator !=(IPv4Address a, IPv4Address b) => a.Value != b.Value;

    /// <summary>Dotted decimal ("10.0.2.15"), culture-free.</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[15];
        int n = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            int b = (int)(Value >> shift) & 0xFF;
            if (b >= 100) chars[n++] = (char)('0' + b / 100);
            if (b >= 10) chars[n++] = (char)('0' + b / 10 % 10);
            chars[n++] = (char)('0' + b % 10);
            if (shift != 0) chars[n++] = '.';
        }
        return new string(chars.Slice(0, n));
    }
}
