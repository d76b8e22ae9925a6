using System;

// Compiled into StorageTests, StorageUefiTests and the StorageIntx*Tests kernels: the pattern the runner writes into
// every sector of a {disk:NAME:SIZE} image (Build/Cosmos.Build/Testing/DiskImages.cs, FillSector).

namespace Cosmos.TestCases
{
    /// <summary>Sector L of a pattern image: bytes 0–7 L (little-endian), bytes 8–15 "COSMOSPT", byte i ≥ 16 = (byte)(L·7 + i).</summary>
    public static class StoragePattern
    {
        /// <summary>Index of the first byte of <paramref name="sector"/> (512 bytes) that differs from the pattern of <paramref name="lba"/>, or −1.</summary>
        public static int Mismatch(ulong lba, ReadOnlySpan<byte> sector)
        {
            Span<byte> want = stackalloc byte[512];
            global::System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(want, lba);
            "COSMOSPT"u8.CopyTo(want.Slice(8));
            for (int i = 16; i < 512; i++) want[i] = (byte)(lba * 7 + (ulong)i);
            for (int i = 0; i < 512; i++) if (sector[i] != want[i]) return i;
            return -1;
        }
    }
}
