using System;

namespace Cosmos.FileSystem.Partitions;

/// <summary>
/// CRC-32 as GPT uses it (UEFI 2.10 §5.3.2, "CRC32 ... as defined in ... ISO 3309 / ITU-T V.42"): reflected
/// polynomial 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF (the zlib/Ethernet CRC).
/// </summary>
public static class Crc32
{
    private static uint[] s_table;

    private static uint[] Table
    {
        get
        {
            if (s_table != null) return s_table;
            var t = new uint[256];
            for (uint i = 0; i < 256; i++)
            {
                uint c = i;
                for (int k = 0; k < 8; k++)
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t[i] = c;
            }
            s_table = t;
            return t;
        }
    }

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint[] t = Table;
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data)
            c = t[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
