using System;
using System.Globalization;

namespace Cosmos.Network.Tests;

/// <summary>Hex strings for golden packets ("45 00 00 73 ..."), whitespace ignored.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex)
    {
        string s = hex.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        byte[] b = new byte[s.Length / 2];
        for (int i = 0; i < b.Length; i++) b[i] = byte.Parse(s.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return b;
    }

    public static string String(ReadOnlySpan<byte> bytes)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < bytes.Length; i++) { if (i > 0) sb.Append(' '); sb.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture)); }
        return sb.ToString();
    }
}

/// <summary>A bounded mutation fuzzer: flips, overwrites, truncates and extends a seed, and calls a parser on each.</summary>
internal static class Mutator
{
    public static int Run(byte[] seed, int iterations, int rngSeed, Action<byte[]> parse)
    {
        var rng = new Random(rngSeed);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        int n = 0;
        for (int it = 0; it < iterations; it++)
        {
            byte[] m = Mutate(seed, rng);
            parse(m);
            n++;
        }
        Xunit.Assert.True(sw.ElapsedMilliseconds < 20_000, "fuzzing took " + sw.ElapsedMilliseconds + " ms");
        return n;
    }

    public static byte[] Mutate(byte[] seed, Random rng)
    {
        byte[] m = (byte[])seed.Clone();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits; e++)
        {
            switch (rng.Next(6))
            {
                case 0: if (m.Length > 0) m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 1: if (m.Length > 0) m[rng.Next(m.Length)] = (byte)rng.Next(256); break;
                case 2: if (m.Length > 0) Array.Resize(ref m, rng.Next(m.Length)); break;
                case 3: { int extra = rng.Next(1, 64); int old = m.Length; Array.Resize(ref m, old + extra); for (int i = old; i < m.Length; i++) m[i] = (byte)rng.Next(256); break; }
                case 4: if (m.Length > 1) { int i = rng.Next(m.Length - 1); m[i] = 0xFF; m[i + 1] = 0xFF; } break;
                case 5: if (m.Length > 1) { int i = rng.Next(m.Length - 1); m[i] = 0; m[i + 1] = 0; } break;
            }
        }
        return m;
    }
}
