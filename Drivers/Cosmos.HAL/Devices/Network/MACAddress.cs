using System;

namespace Cosmos.HAL.Network
{
    /// <summary>
    /// A 48-bit IEEE 802 MAC address (Cosmos API name and namespace <c>Cosmos.HAL.Network.MACAddress</c>). Immutable;
    /// <see cref="bytes"/> is a copy in transmission order (byte 0 first on the wire).
    /// </summary>
    public sealed class MACAddress : IComparable
    {
        /// <summary>The six octets, first transmitted first (Cosmos API name).</summary>
        public readonly byte[] bytes = new byte[6];

        /// <summary>FF:FF:FF:FF:FF:FF.</summary>
        public static readonly MACAddress Broadcast = new MACAddress(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, 0);

        /// <summary>00:00:00:00:00:00.</summary>
        public static readonly MACAddress None = new MACAddress(new byte[6], 0);

        /// <summary>The address in octets <paramref name="offset"/>..<paramref name="offset"/>+5 of <paramref name="address"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
        /// <exception cref="ArgumentException">Fewer than six octets from <paramref name="offset"/>.</exception>
        public MACAddress(byte[] address, int offset)
        {
            if (address == null) throw new ArgumentNullException(nameof(address));
            if (offset < 0 || address.Length - offset < 6) throw new ArgumentException("a MAC address needs 6 bytes", nameof(address));
            Array.Copy(address, offset, bytes, 0, 6);
        }

        /// <summary>The address in the first six octets of <paramref name="address"/>.</summary>
        /// <exception cref="ArgumentException">Fewer than six octets.</exception>
        public MACAddress(ReadOnlySpan<byte> address)
        {
            if (address.Length < 6) throw new ArgumentException("a MAC address needs 6 bytes", nameof(address));
            address.Slice(0, 6).CopyTo(bytes);
        }

        /// <summary>A copy of <paramref name="m"/>.</summary>
        public MACAddress(MACAddress m) : this((m ?? throw new ArgumentNullException(nameof(m))).bytes, 0) { }

        /// <summary>True for FF:FF:FF:FF:FF:FF.</summary>
        public bool IsBroadcast => (bytes[0] & bytes[1] & bytes[2] & bytes[3] & bytes[4] & bytes[5]) == 0xFF;

        /// <summary>True when the I/G bit (bit 0 of octet 0) is set: a group (multicast or broadcast) address.</summary>
        public bool IsMulticast => (bytes[0] & 1) != 0;

        /// <summary>True for a unicast address other than 00:00:00:00:00:00 (Cosmos API name).</summary>
        public bool IsValid() => !IsMulticast && (bytes[0] | bytes[1] | bytes[2] | bytes[3] | bytes[4] | bytes[5]) != 0;

        /// <summary>The 48 bits as a number, octet 0 most significant.</summary>
        public ulong ToNumber()
        {
            ulong v = 0;
            for (int i = 0; i < 6; i++) v = v << 8 | bytes[i];
            return v;
        }

        /// <summary>Orders by <see cref="ToNumber"/>; a non-MACAddress compares as smaller.</summary>
        public int CompareTo(object obj) => obj is MACAddress m ? ToNumber().CompareTo(m.ToNumber()) : 1;

        /// <inheritdoc/>
        public override bool Equals(object obj) => obj is MACAddress m && m.ToNumber() == ToNumber();

        /// <inheritdoc/>
        public override int GetHashCode() => ToNumber().GetHashCode();

        /// <summary>"52:54:00:12:34:56" (upper-case hex, colon-separated).</summary>
        public override string ToString()
        {
            var c = new char[17];
            for (int i = 0; i < 6; i++)
            {
                c[i * 3] = Hex(bytes[i] >> 4);
                c[i * 3 + 1] = Hex(bytes[i] & 15);
                if (i < 5) c[i * 3 + 2] = ':';
            }
            return new string(c);
        }

        private static char Hex(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);
    }
}
