using System;
using Cosmos.Network;

namespace Cosmos.System.Network.IPv4
{
    /// <summary>
    /// An IPv4 address (Cosmos API name <c>Cosmos.System.Network.IPv4.Address</c>): four octets, most significant first
    /// (RFC 791 §3.1). Immutable. The pure stack's value type is <see cref="IPv4Address"/>; <see cref="ToIPv4Address"/>
    /// and <see cref="FromIPv4Address"/> convert.
    /// </summary>
    public sealed class Address : IComparable
    {
        /// <summary>The four octets (Cosmos API name); a copy owned by this instance.</summary>
        public readonly byte[] address = new byte[4];

        /// <summary>0.0.0.0.</summary>
        public static readonly Address Zero = new Address(0, 0, 0, 0);

        /// <summary>255.255.255.255 (limited broadcast).</summary>
        public static readonly Address Broadcast = new Address(255, 255, 255, 255);

        /// <summary>a.b.c.d.</summary>
        public Address(byte aFirst, byte aSecond, byte aThird, byte aFourth)
        {
            address[0] = aFirst; address[1] = aSecond; address[2] = aThird; address[3] = aFourth;
        }

        /// <summary>The four octets at <paramref name="offset"/> of <paramref name="buffer"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        /// <exception cref="ArgumentException">Fewer than four octets from <paramref name="offset"/>.</exception>
        public Address(byte[] buffer, int offset)
        {
            if (buffer == null) throw new ArgumentNullException(nameof(buffer));
            if (offset < 0 || buffer.Length - offset < 4) throw new ArgumentException("an IPv4 address needs 4 bytes", nameof(buffer));
            Array.Copy(buffer, offset, address, 0, 4);
        }

        /// <summary>The address of <paramref name="a"/>.</summary>
        public static Address FromIPv4Address(IPv4Address a) => new Address((byte)(a.Value >> 24), (byte)(a.Value >> 16), (byte)(a.Value >> 8), (byte)a.Value);

        /// <summary>This address as the pure stack's value.</summary>
        public IPv4Address ToIPv4Address() => new IPv4Address(address[0], address[1], address[2], address[3]);

        /// <summary>Parses dotted-decimal "a.b.c.d" (each 0..255, no leading '+', no spaces); null when <paramref name="adr"/> is not one (Cosmos API behaviour).</summary>
        public static Address Parse(string adr)
        {
            if (adr == null || !IPv4Address.TryParse(adr.AsSpan(), out var a)) return null;
            return FromIPv4Address(a);
        }

        /// <summary>The 32-bit value, first octet most significant (Cosmos API name).</summary>
        public uint Hash => (uint)address[0] << 24 | (uint)address[1] << 16 | (uint)address[2] << 8 | address[3];

        /// <summary>True for 127.0.0.0/8.</summary>
        public bool IsLoopbackAddress() => address[0] == 127;

        /// <summary>True for 255.255.255.255.</summary>
        public bool IsBroadcastAddress() => Hash == 0xFFFF_FFFFu;

        /// <summary>True for the link-local 169.254.0.0/16 (RFC 3927, "APIPA").</summary>
        public bool IsAPIPA() => address[0] == 169 && address[1] == 254;

        /// <summary>A copy of the four octets.</summary>
        public byte[] ToByteArray() => (byte[])address.Clone();

        /// <summary>Orders by <see cref="Hash"/>; a non-Address compares as smaller.</summary>
        public int CompareTo(object obj) => obj is Address a ? Hash.CompareTo(a.Hash) : 1;

        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is Address a && a.Hash == Hash;

        /// <inheritdoc/>
        public override int GetHashCode() => (int)Hash;

        /// <summary>"10.0.2.15".</summary>
        public override string ToString() => string.Concat(address[0].ToString(), ".", address[1].ToString(), ".", address[2].ToString(), ".", address[3].ToString());
    }
}
